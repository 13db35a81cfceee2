/* The current task beyond pid and comm: cgroup, numaid, jiffies, ncpus,
 * ppid, pcomm, username, probetype; the clocks and pid namespaces of
 * nsecs(mode), pid(mode), tid(mode); cgroupid() and cgroup_path(). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "builtins/entries.h"
#include "codegen/memory.h"
#include "probes/probe_kind.h"
#include "sema/sema.h"
#include "target/cpus.h"

static LLVMValueRef call0(struct codegen *g, int id)
{
    return gen_helper(g, id, g->i64, NULL, 0);
}

/* ---- variables ---- */

void check_var_u32(struct semantic *sem, struct node *n)
{
    n->type = type_int(4, false);
    (void)sem;
}

LLVMValueRef gen_var_cgroup(struct codegen *g, struct node *n)
{
    return call0(g, HELPER_GET_CURRENT_CGROUP_ID);
}

LLVMValueRef gen_var_numaid(struct codegen *g, struct node *n)
{
    return LLVMBuildAnd(g->b, call0(g, HELPER_GET_NUMA_NODE_ID), gen_i64(g, 0xffffffff), "");
}

LLVMValueRef gen_var_jiffies(struct codegen *g, struct node *n)
{
    return call0(g, HELPER_JIFFIES64);
}

LLVMValueRef gen_var_ncpus(struct codegen *g, struct node *n)
{
    return gen_i64(g, possible_cpu_count());
}

void check_var_username(struct semantic *sem, struct node *n)
{
    n->type = (struct type){.kind = TY_USERNAME, .size = 8};
    (void)sem;
}

LLVMValueRef gen_var_username(struct codegen *g, struct node *n)
{
    return LLVMBuildAnd(g->b, call0(g, HELPER_GET_CURRENT_UID_GID), gen_i64(g, 0xffffffff), "");
}

/* probetype: the kind's name; BEGIN and END are "special", as in bpftrace. */
static const char *probe_type_name(enum probe_provider p)
{
    return p == PROV_BEGIN || p == PROV_END ? "special" : probe_kind_of(p)->name;
}

void check_var_probetype(struct semantic *sem, struct node *n)
{
    n->type = (struct type){.kind = TY_STRING,
                            .size = (uint32_t)strlen(probe_type_name(sem->cur->provider)) + 1};
}

LLVMValueRef gen_var_probetype(struct codegen *g, struct node *n)
{
    const char *name = probe_type_name(g->unit->provider);
    return gen_const_bytes(g, name, (uint32_t)strlen(name), n->type.size);
}

/* ---- ppid and pcomm: fields of the task's parent and group leader ---- */

/* The offset of `member` in struct task_struct, from BTF; -1 without it. */
static int64_t task_member(struct semantic *sem, const char *member)
{
    struct type task;
    struct member_info m;
    if (type_from_name(&sem->types, "struct task_struct", 0, false, &task) < 0 ||
        record_member(&sem->types, &task, member, &m) < 0)
        return -1;
    return m.offset;
}

/* ppid([task]) and pcomm([task]): the task is curtask or a task_struct pointer. */
static bool check_task_arg(struct semantic *sem, struct node *call)
{
    if (call->kind != N_CALL || call->nargs == 0)
        return true;
    const struct type *t = &call->args[0]->type;
    if (t->kind == TY_NONE)
        return false;
    bool task = t->kind == TY_PTR && t->elem && t->elem->kind == TY_RECORD &&
                strcmp(record_name(t->elem), "struct task_struct") == 0;
    if (!task && t->kind != TY_INT) {
        sem_error(sem, call->args[0]->loc, "%s() expects a struct task_struct pointer, got '%s'",
                  call->name, type_name_of(t));
        return false;
    }
    return true;
}

static bool check_task_fields(struct semantic *sem, struct node *n, const char *a, const char *b)
{
    if (task_member(sem, a) < 0 || task_member(sem, b) < 0) {
        sem_error(sem, n->loc, "%s needs the kernel's BTF (struct task_struct)", n->name);
        return false;
    }
    return true;
}

void check_ppid(struct semantic *sem, struct node *n)
{
    n->type.kind = TY_NONE;
    if (check_task_arg(sem, n) && check_task_fields(sem, n, "real_parent", "tgid"))
        n->type = type_int(4, false);
}

void check_pcomm(struct semantic *sem, struct node *n)
{
    n->type.kind = TY_NONE;
    if (check_task_arg(sem, n) && check_task_fields(sem, n, "group_leader", "comm"))
        n->type = (struct type){.kind = TY_STRING, .size = 16};
}

static LLVMValueRef task_of(struct codegen *g, struct node *n, const struct gen_args *a)
{
    if (n->kind == N_CALL && n->nargs == 1)
        return a->value[0];
    return gen_helper(g, HELPER_GET_CURRENT_TASK, g->i64, NULL, 0);
}

/* task->link: a pointer read from the task. */
static LLVMValueRef read_link(struct codegen *g, LLVMValueRef task, const char *link)
{
    LLVMValueRef slot = gen_alloca(g, 8, link);
    gen_memset0(g, slot, 8);
    LLVMValueRef at = LLVMBuildAdd(g->b, task, gen_i64(g, task_member(g->sem, link)), "");
    gen_probe_read(g, slot, 8, at, false);
    return gen_load_i64(g, slot);
}

static LLVMValueRef gen_ppid_of(struct codegen *g, struct node *n, const struct gen_args *a)
{
    LLVMValueRef parent = read_link(g, task_of(g, n, a), "real_parent");
    LLVMValueRef out = gen_alloca(g, 8, "ppid");
    gen_memset0(g, out, 8);
    gen_probe_read(g, out, 4,
                   LLVMBuildAdd(g->b, parent, gen_i64(g, task_member(g->sem, "tgid")), ""), false);
    return gen_load_i64(g, out);
}

static LLVMValueRef gen_pcomm_of(struct codegen *g, struct node *n, const struct gen_args *a)
{
    LLVMValueRef leader = read_link(g, task_of(g, n, a), "group_leader");
    LLVMValueRef out = gen_alloca(g, 16, "pcomm");
    gen_memset0(g, out, 16);
    gen_probe_read_str(g, out, LLVMConstInt(g->i32, 16, false),
                       LLVMBuildAdd(g->b, leader, gen_i64(g, task_member(g->sem, "comm")), ""),
                       false);
    return out;
}

LLVMValueRef gen_ppid(struct codegen *g, struct node *call, const struct gen_args *a)
{
    return gen_ppid_of(g, call, a);
}

LLVMValueRef gen_var_ppid(struct codegen *g, struct node *n)
{
    return gen_ppid_of(g, n, NULL);
}

LLVMValueRef gen_pcomm(struct codegen *g, struct node *call, const struct gen_args *a)
{
    return gen_pcomm_of(g, call, a);
}

LLVMValueRef gen_var_pcomm(struct codegen *g, struct node *n)
{
    return gen_pcomm_of(g, n, NULL);
}

/* ---- nsecs(mode), pid(mode), tid(mode) ---- */

/* The one bare word a call takes (nsecs(boot)): its index in `words`, or -1
 * after an error naming them. */
static int mode_word(struct semantic *sem, struct node *call, const char *const *words, int n)
{
    struct node *a = call->args[0];
    for (int i = 0; a->kind == N_BUILTIN && i < n; i++)
        if (strcmp(a->name, words[i]) == 0)
            return i;
    char list[128] = "";
    for (int i = 0; i < n; i++)
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "", words[i]);
    sem_error(sem, a->loc, "%s() takes one of: %s", call->name, list);
    return -1;
}

static const char *const clock_words[] = {"monotonic", "boot", "tai", "sw_tai"};

void check_nsecs(struct semantic *sem, struct node *call)
{
    call->type = type_int(8, false);
    call->ival = 0;
    if (call->nargs == 1) {
        int m = mode_word(sem, call, clock_words, 4);
        call->ival = m < 0 ? 0 : m;
    }
}

/* monotonic (bpftrace 0.17's nsecs), boot, tai; sw_tai: boot time plus the
 * TAI offset the runtime would add; here TAI itself, which this kernel has. */
LLVMValueRef gen_nsecs(struct codegen *g, struct node *call, const struct gen_args *a)
{
    static const int helpers[] = {HELPER_KTIME_GET_NS, HELPER_KTIME_GET_BOOT_NS,
                                  HELPER_KTIME_GET_TAI_NS, HELPER_KTIME_GET_TAI_NS};
    return call0(g, helpers[call->ival]);
}

static const char *const ns_words[] = {"curr_ns", "init"};

void check_pid_tid(struct semantic *sem, struct node *call)
{
    call->type = type_int(4, false);
    call->ival = 0;
    if (call->nargs == 1) {
        int m = mode_word(sem, call, ns_words, 2);
        call->ival = m < 0 ? 0 : m;
    }
}

/* sobt's own pid namespace: 0 and the device and inode of
 * /proc/self/ns/pid; -1 in the initial namespace (where both modes agree). */
static int own_pid_namespace(uint64_t *dev, uint64_t *ino)
{
    struct stat st;
    if (stat("/proc/self/ns/pid", &st) < 0 || st.st_ino == 0xEFFFFFFCu /* PROC_PID_INIT_INO */)
        return -1;
    *dev = st.st_dev;
    *ino = st.st_ino;
    return 0;
}

/* pid and tid as the initial namespace sees them, or, for curr_ns when sobt
 * runs in another pid namespace, as that namespace sees them. */
LLVMValueRef gen_pid_tid(struct codegen *g, struct node *call, const struct gen_args *a)
{
    bool pid = strcmp(call->name, "pid") == 0;
    uint64_t dev, ino;
    if (call->ival == 0 && own_pid_namespace(&dev, &ino) == 0) {
        LLVMValueRef info = gen_alloca(g, 8, "nsinfo"); /* struct bpf_pidns_info */
        gen_memset0(g, info, 8);
        LLVMValueRef args[4] = {gen_i64(g, (int64_t)dev), gen_i64(g, (int64_t)ino), info,
                                gen_i64(g, 8)};
        gen_helper(g, HELPER_GET_NS_CURRENT_PID_TGID, g->i64, args, 4);
        LLVMValueRef both = gen_load_i64(g, info); /* u32 pid (the tid), u32 tgid */
        return pid ? LLVMBuildLShr(g->b, both, gen_i64(g, 32), "")
                   : LLVMBuildAnd(g->b, both, gen_i64(g, 0xffffffff), "");
    }
    LLVMValueRef v = call0(g, HELPER_GET_CURRENT_PID_TGID);
    return pid ? LLVMBuildLShr(g->b, v, gen_i64(g, 32), "")
               : LLVMBuildAnd(g->b, v, gen_i64(g, 0xffffffff), "");
}

/* ---- cgroupid(path) and cgroup_path(id [, filter]) ---- */

/* A cgroup's id is its kernfs node id, what name_to_handle_at returns. */
static int resolve_cgroupid(const char *path, uint64_t *id)
{
    struct {
        struct file_handle fh;
        uint64_t id;
    } h;
    int mount_id;
    h.fh.handle_bytes = sizeof(uint64_t);
    if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0) < 0)
        return -errno;
    memcpy(id, h.fh.f_handle, sizeof(*id));
    return 0;
}

void check_cgroupid(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    struct node *arg = call->args[0];
    if (arg->kind != N_STRING) {
        sem_error(sem, arg->loc, "cgroupid() expects a string literal (a cgroup's path)");
        return;
    }
    uint64_t id = 0;
    int err = resolve_cgroupid(arg->str, &id);
    if (err < 0) {
        sem_error(sem, arg->loc, "Failed to get cgroupid for '%s': %s", arg->str, strerror(-err));
        return;
    }
    call->ival = (int64_t)id;
    call->type = type_int(8, false);
}

LLVMValueRef gen_cgroupid(struct codegen *g, struct node *call, const struct gen_args *a)
{
    return gen_i64(g, call->ival);
}

void check_cgroup_path(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    const struct type *t = &call->args[0]->type;
    if (t->kind == TY_NONE)
        return;
    if (t->kind != TY_INT) {
        sem_error(sem, call->args[0]->loc,
                  "cgroup_path() expects an integer (a cgroup id), got '%s'", type_name_of(t));
        return;
    }
    if (call->nargs == 2 && call->args[1]->kind != N_STRING) {
        sem_error(sem, call->args[1]->loc, "cgroup_path() filter must be a string literal");
        return;
    }
    call->ival = sem_value_string(sem, call->nargs == 2 ? call->args[1]->str : "*");
    call->type = (struct type){.kind = TY_CGROUP_PATH, .size = 16};
}

LLVMValueRef gen_cgroup_path(struct codegen *g, struct node *call, const struct gen_args *a)
{
    return gen_pair(g, a->value[0], call->ival, "cgroup_path");
}
