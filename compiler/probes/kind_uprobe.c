/* The uprobe family: "uprobe:BINARY:FUNCTION" and "uretprobe:BINARY:FUNCTION"
 * (also FUNCTION+OFFSET, an address, globs in both parts, and a "cpp"
 * language part), expanded against the binary's ELF symbols; attached at run
 * time through the perf uprobe PMU (runtime/providers/provider_uprobe.c) at
 * the function's file offset. BINARY is found as bpftrace finds it
 * (target/binary_path.h); with -p it may be left out. C++ functions match by
 * their demangled names too ("ns::Class::method", with its parameter list
 * only when the pattern has one), as in bpftrace. */
#include <elf.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "probes/probe_kind.h"
#include "target/binary_path.h"
#include "target/elf_symbols.h"
#include "target/x86_insn.h"

struct uprobe_spec {
    const char *target; /* as written */
    const char *lang;   /* "cpp" or NULL */
    char func[256];     /* the function pattern, without an offset */
    uint64_t offset;    /* FUNC+OFFSET */
    bool has_offset;
    uint64_t address; /* an address instead of a function */
    bool has_address;
    char *own_target; /* the process's executable when the target is left out */
};

static bool parse_number(const char *s, uint64_t *out)
{
    char *end;
    if (!*s || *s == '-')
        return false;
    *out = strtoull(s, &end, 0);
    return *end == '\0';
}

/* FUNC, FUNC+OFFSET or ADDRESS. */
static int parse_function(const struct probe_kind *kind, const char *text, struct uprobe_spec *s,
                          char *err, size_t errlen)
{
    const char *plus = strchr(text, '+');
    if (plus && kind->provider == PROV_URETPROBE) {
        probe_set_error(err, errlen, "Offset not allowed");
        return -1;
    }
    if (plus && strchr(plus + 1, '+')) {
        probe_set_error(err, errlen, "Cannot take more than one offset");
        return -1;
    }
    if (plus && (plus == text || !parse_number(plus + 1, &s->offset))) {
        probe_set_error(err, errlen, "Invalid offset");
        return -1;
    }
    size_t len = plus ? (size_t)(plus - text) : strlen(text);
    if (len >= sizeof(s->func)) {
        probe_set_error(err, errlen, "function name too long: %s", text);
        return -1;
    }
    memcpy(s->func, text, len);
    s->func[len] = '\0';
    s->has_offset = plus != NULL;
    if (!plus && parse_number(text, &s->address)) {
        if (probe_has_wildcard(s->target)) {
            probe_set_error(err, errlen, "Cannot use wildcards with absolute address");
            return -1;
        }
        s->has_address = true;
    }
    return 0;
}

/* [BINARY:][cpp:]FUNCTION; BINARY may be left out with -p. */
static int parse_spec(const struct probe_kind *kind, char **parts, int nparts,
                      struct uprobe_spec *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof(*s));
    int pid = probe_target_pid();
    if (pid > 0 && (nparts == 1 || (nparts == 2 && strcmp(parts[0], "cpp") == 0))) {
        /* the process's executable, seen through its root as bpftrace names it */
        char *exe = process_exe_path(pid);
        s->own_target = exe ? probe_format("/proc/%d/root%s", pid, exe) : NULL;
        free(exe);
        if (!s->own_target) {
            probe_set_error(err, errlen, "cannot read the executable of pid %d", pid);
            return -1;
        }
        s->target = s->own_target;
        s->lang = nparts == 2 ? parts[0] : NULL;
    } else if (nparts == 2 || nparts == 3) {
        s->target = parts[0];
        s->lang = nparts == 3 ? parts[1] : NULL;
    } else {
        probe_set_error(err, errlen, "%s probe type requires %s", kind->name, kind->shape);
        return -1;
    }
    if (s->lang && strcmp(s->lang, "cpp") != 0) {
        probe_set_error(err, errlen, "unsupported language: %s (only cpp is)", s->lang);
        free(s->own_target);
        return -1;
    }
    int rc = parse_function(kind, parts[nparts - 1], s, err, errlen);
    if (rc < 0)
        free(s->own_target);
    return rc;
}

/* Does the pattern name this symbol: itself, or its demangled C++ name
 * (without the parameter list unless the pattern has one)? */
static bool function_matches(const char *pattern, const char *name)
{
    /* bpftrace skips the .part.N pieces GCC splits functions into */
    if (strstr(name, ".part."))
        return false;
    if (fnmatch(pattern, name, 0) == 0)
        return true;
    char *demangled = cxx_demangle(name);
    if (!demangled)
        return false;
    if (!strchr(pattern, '(')) {
        char *paren = strrchr(demangled, '(');
        if (paren)
            *paren = '\0';
    }
    bool match = fnmatch(pattern, demangled, 0) == 0;
    free(demangled);
    return match;
}

/* The functions of b the pattern names, in name order; a name without a
 * glob that is a symbol names only that symbol. Returns how many were put
 * in out (allocated), or -ENOMEM. */
static int matching_functions(const struct elf_binary *b, const char *pattern,
                              const struct elf_function ***out)
{
    *out = calloc((size_t)(b->nfuncs ? b->nfuncs : 1), sizeof(**out));
    if (!*out)
        return -ENOMEM;
    const struct elf_function *exact =
        probe_has_wildcard(pattern) ? NULL : elf_binary_function(b, pattern);
    if (exact) {
        (*out)[0] = exact;
        return 1;
    }
    int n = 0;
    for (int i = 0; i < b->nfuncs; i++)
        if (function_matches(pattern, b->funcs[i].name))
            (*out)[n++] = &b->funcs[i];
    return n;
}

static int add_uprobe(const struct probe_kind *kind, struct attach_point *ap, const char *path,
                      const char *shown, uint64_t offset)
{
    if (probe_add_match(ap, strdup(path), probe_format("%s:%s:%s", kind->name, path, shown)) < 0)
        return -ENOMEM;
    probe_last_match(ap)->offset = offset;
    return 0;
}

/* uprobe:BINARY:ADDRESS: a virtual address of the file, inside one of its
 * functions and where an instruction starts (as bpftrace checks it). */
static int expand_address(const struct probe_kind *kind, const struct uprobe_spec *s,
                          const struct elf_binary *b, struct attach_point *ap, char *err,
                          size_t errlen)
{
    const struct elf_function *f = elf_binary_function_at(b, s->address);
    uint64_t offset, start;
    if (!f || !elf_binary_file_offset(b, s->address, &offset) ||
        !elf_binary_file_offset(b, f->addr, &start)) {
        probe_set_error(err, errlen, "Could not resolve address: %s:0x%" PRIx64, b->path,
                        s->address);
        return -1;
    }
    if (s->address != f->addr &&
        !x86_is_instruction_start(b->path, start, f->size, s->address - f->addr)) {
        probe_set_error(err, errlen,
                        "Could not add uprobe into middle of instruction: %s:0x%" PRIx64, b->path,
                        s->address);
        return -1;
    }
    return add_uprobe(kind, ap, b->path, s->func, offset);
}

/* uprobe:BINARY:FUNCTION+OFFSET: inside the function, at an instruction. */
static int expand_offset(const struct probe_kind *kind, const struct uprobe_spec *s,
                         const struct elf_function *f, const struct elf_binary *b,
                         struct attach_point *ap, char *err, size_t errlen)
{
    if (s->offset >= f->size) {
        probe_set_error(err, errlen,
                        "Offset outside the function bounds ('%s' size is %" PRIu64 ")", f->name,
                        f->size);
        return -1;
    }
    uint64_t offset;
    if (!elf_binary_file_offset(b, f->addr + s->offset, &offset)) {
        probe_set_error(err, errlen, "Could not resolve symbol: %s:%s", b->path, f->name);
        return -1;
    }
    if (s->offset && !x86_is_instruction_start(b->path, offset - s->offset, f->size, s->offset)) {
        probe_set_error(err, errlen,
                        "Could not add uprobe into middle of instruction: %s:%s+%" PRIu64, b->path,
                        f->name, s->offset);
        return -1;
    }
    char *shown = probe_format("%s+%" PRIu64, f->name, s->offset);
    int rc = shown ? add_uprobe(kind, ap, b->path, shown, offset) : -ENOMEM;
    free(shown);
    return rc;
}

static int expand_binary(const struct probe_kind *kind, const struct uprobe_spec *s,
                         const struct elf_binary *b, struct attach_point *ap, char *err,
                         size_t errlen)
{
    if (s->has_address)
        return expand_address(kind, s, b, ap, err, errlen);
    const struct elf_function **funcs;
    int n = matching_functions(b, s->func, &funcs);
    int rc = n < 0 ? n : 0;
    if (n == 0 && !probe_has_wildcard(s->func) && !probe_has_wildcard(s->target)) {
        probe_set_error(err, errlen, "Could not resolve symbol: %s:%s", b->path, s->func);
        rc = PROBE_MISSING;
    }
    for (int i = 0; i < n && rc == 0; i++) {
        uint64_t offset;
        if (s->has_offset)
            rc = expand_offset(kind, s, funcs[i], b, ap, err, errlen);
        else if (elf_binary_file_offset(b, funcs[i]->addr, &offset))
            rc = add_uprobe(kind, ap, b->path, funcs[i]->name, offset);
    }
    free(funcs);
    if (rc == -ENOMEM)
        probe_set_error(err, errlen, "out of memory");
    return rc < 0 ? -1 : rc;
}

/* The files the target names, or an error when there are none. */
static int target_paths(const struct probe_kind *kind, const char *target, char ***paths,
                        int *count, char *err, size_t errlen)
{
    /* "*" is every file the process maps (-p), or every running process
     * maps, as in bpftrace */
    int pid = probe_target_pid();
    int rc = strcmp(target, "*") != 0
                 ? binary_paths(target, pid, probe_target_command(), paths, count)
             : pid > 0 ? process_mapped_binaries(pid, paths, count)
                       : host_mapped_binaries(paths, count);
    if (rc < 0) {
        probe_set_error(err, errlen, "cannot find the files of %s: %s", target, strerror(-rc));
        return -1;
    }
    if (*count == 0) {
        probe_set_error(err, errlen, "%s target file '%s' does not exist or is not executable",
                        kind->name, target);
        free(*paths);
        return PROBE_MISSING;
    }
    return 0;
}

static int expand_uprobe(const struct probe_kind *kind, char **parts, int nparts,
                         struct attach_point *ap, char *err, size_t errlen)
{
    struct uprobe_spec s;
    if (parse_spec(kind, parts, nparts, &s, err, errlen) < 0)
        return -1;
    char **paths;
    int count, rc = target_paths(kind, s.target, &paths, &count, err, errlen);
    for (int i = 0; rc == 0 && i < count; i++) {
        int e;
        const struct elf_binary *b = elf_binary_get(paths[i], &e);
        if (!b) {
            probe_set_error(err, errlen, "cannot read %s: %s", paths[i], strerror(-e));
            rc = -1;
        } else {
            rc = expand_binary(kind, &s, b, ap, err, errlen);
        }
    }
    if (rc == 0 && ap->nmatches == 0) {
        probe_set_error(err, errlen, "no function of %s matches %s", s.target, s.func);
        rc = PROBE_MISSING;
    }
    ap->has_wildcard = probe_has_wildcard(s.func) || probe_has_wildcard(s.target);
    if (count)
        binary_paths_free(paths, count);
    free(s.own_target);
    return rc;
}

/* -l: one line per matching function of each file; with the cpp part, by
 * demangled name, quoted so that the line is itself an attach point. */
static int list_binary(const struct probe_kind *kind, FILE *out, const struct uprobe_spec *s,
                       const struct elf_binary *b)
{
    const struct elf_function **funcs;
    int n = matching_functions(b, s->has_address || !*s->func ? "*" : s->func, &funcs);
    for (int i = 0; i < n; i++) {
        char *demangled = s->lang ? cxx_demangle(funcs[i]->name) : NULL;
        if (demangled)
            fprintf(out, "%s:%s:%s:\"%s\"\n", kind->name, b->path, s->lang, demangled);
        else if (s->lang)
            fprintf(out, "%s:%s:%s:%s\n", kind->name, b->path, s->lang, funcs[i]->name);
        else
            fprintf(out, "%s:%s:%s\n", kind->name, b->path, funcs[i]->name);
        free(demangled);
    }
    free(funcs);
    return n;
}

static int list_uprobe(const struct probe_kind *kind, FILE *out, char **parts, int nparts,
                       bool verbose)
{
    struct uprobe_spec s;
    char err[512];
    if (nparts < 2 && probe_target_pid() <= 0)
        return PROBE_LIST_WRONG_SHAPE;
    if (parse_spec(kind, parts, nparts, &s, err, sizeof(err)) < 0) {
        fprintf(stderr, "ERROR: %s\n", err);
        return -1;
    }
    char **paths;
    int count, total = 0;
    if (target_paths(kind, s.target, &paths, &count, err, sizeof(err)) != 0) {
        fprintf(stderr, "ERROR: %s\n", err);
        free(s.own_target);
        return -1;
    }
    for (int i = 0; i < count; i++) {
        const struct elf_binary *b = elf_binary_get(paths[i], NULL);
        int n = b ? list_binary(kind, out, &s, b) : 0;
        total += n > 0 ? n : 0;
    }
    binary_paths_free(paths, count);
    free(s.own_target);
    return total;
}

const struct probe_kind probe_kind_uprobe = {
    .name = "uprobe",
    .aliases = {"u"},
    .provider = PROV_UPROBE,
    .bpf_prog_type = BPF_PROG_TYPE_KPROBE,
    .shape = "2 arguments",
    .offers = OFFERS_ARGN | OFFERS_FUNC | OFFERS_REGS | OFFERS_SIGNAL | OFFERS_USER_BINARY,
    .user_space = true,
    .listed_by_wildcard = true,
    .expand = expand_uprobe,
    .list = list_uprobe,
};

const struct probe_kind probe_kind_uretprobe = {
    .name = "uretprobe",
    .aliases = {"ur"},
    .provider = PROV_URETPROBE,
    .bpf_prog_type = BPF_PROG_TYPE_KPROBE,
    .shape = "2 arguments",
    .offers = OFFERS_RETVAL | OFFERS_FUNC | OFFERS_REGS | OFFERS_SIGNAL | OFFERS_USER_BINARY,
    .user_space = true,
    .expand = expand_uprobe,
    .list = list_uprobe,
};
