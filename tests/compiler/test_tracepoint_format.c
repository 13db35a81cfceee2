/* Tracepoint format parsing: real format files of this kernel (specific
 * fields checked by value, then every tracepoint parsed and cross-checked
 * against its raw text), and synthetic malformed text that must be rejected
 * with -EINVAL without crashing. */
#include <fcntl.h>

#include "probe_test.h"
#include "target/tracepoint_format.h"

static const struct tp_field *field(const struct tp_format *fmt, const char *name)
{
    const struct tp_field *f = tp_format_field(fmt, name);
    if (!f)
        fprintf(stderr, "FAIL: %s:%s has no field %s\n", fmt->category, fmt->name, name);
    return f;
}

static void check_field(const struct tp_format *fmt, const char *name, const char *c_type,
                        int offset, int size, bool is_signed, bool is_pointer, bool is_data_loc,
                        int array_len)
{
    const struct tp_field *f = field(fmt, name);
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK_STR(f->c_type, c_type);
    if (offset >= 0)
        CHECK_INT(f->offset, offset);
    CHECK_INT(f->size, size);
    CHECK_INT(f->is_signed, is_signed);
    CHECK_INT(f->is_pointer, is_pointer);
    CHECK_INT(f->is_data_loc, is_data_loc);
    CHECK_INT(f->array_len, array_len);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2)
            buf = realloc(buf, cap *= 2);
    }
    buf[len] = '\0';
    fclose(f);
    return buf;
}

static int tracepoint_id(const char *cat, const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/events/%s/%s/id", tracefs_path(), cat, name);
    char *text = read_file(path);
    int id = text ? atoi(text) : -1;
    free(text);
    return id;
}

static void test_known_formats(void)
{
    struct tp_format fmt;
    CHECK_INT(tp_format_load("syscalls", "sys_enter_connect", &fmt), 0);
    CHECK_STR(fmt.category, "syscalls");
    CHECK_STR(fmt.name, "sys_enter_connect");
    CHECK_INT(fmt.id, tracepoint_id("syscalls", "sys_enter_connect"));
    CHECK_INT(fmt.nfields, 8);
    if (fmt.nfields == 8) {
        /* common_* first, in file order */
        CHECK_STR(fmt.fields[0].name, "common_type");
        CHECK_STR(fmt.fields[3].name, "common_pid");
        CHECK_STR(fmt.fields[4].name, "__syscall_nr");
        CHECK_STR(fmt.fields[7].name, "addrlen");
    }
    check_field(&fmt, "common_type", "unsigned short", 0, 2, false, false, false, 0);
    check_field(&fmt, "common_pid", "int", 4, 4, true, false, false, 0);
    check_field(&fmt, "__syscall_nr", "int", 8, 4, true, false, false, 0);
    check_field(&fmt, "fd", "int", 16, 8, false, false, false, 0);
    check_field(&fmt, "uservaddr", "struct sockaddr *", 24, 8, false, true, false, 0);
    check_field(&fmt, "addrlen", "int", 32, 8, false, false, false, 0);
    CHECK(tp_format_field(&fmt, "nope") == NULL);
    tp_format_free(&fmt);

    CHECK_INT(tp_format_load("sched", "sched_switch", &fmt), 0);
    check_field(&fmt, "prev_comm", "char[16]", 8, 16, false, false, false, 16);
    check_field(&fmt, "next_comm", "char[16]", -1, 16, false, false, false, 16);
    check_field(&fmt, "prev_pid", "pid_t", -1, 4, true, false, false, 0);
    check_field(&fmt, "prev_state", "long", -1, 8, true, false, false, 0);
    tp_format_free(&fmt);

    CHECK_INT(tp_format_load("sched", "sched_process_exec", &fmt), 0);
    check_field(&fmt, "filename", "__data_loc char[]", 8, 4, false, false, true, 0);
    tp_format_free(&fmt);

    CHECK_INT(tp_format_load("syscalls", "sys_enter_openat", &fmt), 0);
    check_field(&fmt, "filename", "const char *", -1, 8, false, true, false, 0);
    tp_format_free(&fmt);

    CHECK_INT(tp_format_load("raw_syscalls", "sys_enter", &fmt), 0);
    check_field(&fmt, "id", "long", 8, 8, true, false, false, 0);
    check_field(&fmt, "args", "unsigned long[6]", 16, 48, false, false, false, 6);
    tp_format_free(&fmt);

    CHECK_INT(tp_format_load("syscalls", "sys_enter_accept4", &fmt), 0);
    check_field(&fmt, "upeer_sockaddr", "struct sockaddr *", -1, 8, false, true, false, 0);
    check_field(&fmt, "upeer_addrlen", "int *", -1, 8, false, true, false, 0);
    tp_format_free(&fmt);

    /* A missing tracepoint is -ENOENT; names that would leave events/ are refused. */
    CHECK_INT(tp_format_load("syscalls", "sys_enter_nope", &fmt), -ENOENT);
    CHECK_INT(tp_format_load("..", "sched", &fmt), -EINVAL);
    CHECK_INT(tp_format_load("sched/../sched", "sched_switch", &fmt), -EINVAL);
    CHECK_INT(tp_format_load("", "x", &fmt), -EINVAL);
    CHECK(fmt.fields == NULL && fmt.nfields == 0);
}

/* The declaration as the format file spells it, rebuilt from the parse. */
static void rebuild_declaration(const struct tp_field *f, char *buf, size_t len)
{
    const char *bracket = f->is_data_loc ? NULL : strchr(f->c_type, '[');
    if (bracket)
        snprintf(buf, len, "%.*s %s%s", (int)(bracket - f->c_type), f->c_type, f->name, bracket);
    else
        snprintf(buf, len, "%s %s", f->c_type, f->name);
}

/* Every tracepoint of this kernel parses, and each field says what the raw
 * line says: declaration, offset, size, signedness. */
static void test_every_format(void)
{
    char **list;
    int n = tracefs_match_tracepoints("*", "*", &list);
    CHECK(n > 1000);
    int failed = 0, fields = 0;
    for (int i = 0; i < n; i++) {
        char *colon = strchr(list[i], ':');
        *colon = '\0';
        const char *cat = list[i], *name = colon + 1;
        struct tp_format fmt;
        int rc = tp_format_load(cat, name, &fmt);
        if (rc != 0) {
            if (failed++ < 5)
                fprintf(stderr, "FAIL: %s:%s: tp_format_load = %d\n", cat, name, rc);
            continue;
        }
        char path[512];
        snprintf(path, sizeof(path), "%s/events/%s/%s/format", tracefs_path(), cat, name);
        char *text = read_file(path);
        char *line = text;
        int k = 0;
        while (line && (line = strstr(line, "\tfield:")) != NULL) {
            char *eol = strchr(line, '\n');
            if (eol)
                *eol = '\0';
            char want[512], got[600];
            if (k < fmt.nfields) {
                const struct tp_field *f = &fmt.fields[k];
                rebuild_declaration(f, got, sizeof(got) / 2);
                snprintf(want, sizeof(want), "%s", line);
                char *end = got + strlen(got);
                snprintf(end, sizeof(got) - (size_t)(end - got),
                         ";\toffset:%u;\tsize:%u;\tsigned:%d;", f->offset, f->size, f->is_signed);
                if (strcmp(want + 7, got) != 0 && failed++ < 5)
                    fprintf(stderr, "FAIL: %s:%s field %d\n    raw:    %s\n    parsed: %s\n", cat,
                            name, k, want + 7, got);
            }
            k++;
            fields++;
            line = eol ? eol + 1 : NULL;
        }
        if (k != fmt.nfields && failed++ < 5)
            fprintf(stderr, "FAIL: %s:%s: %d field lines, %d parsed\n", cat, name, k, fmt.nfields);
        if (fmt.id != tracepoint_id(cat, name) && failed++ < 5)
            fprintf(stderr, "FAIL: %s:%s: id %d\n", cat, name, fmt.id);
        free(text);
        tp_format_free(&fmt);
    }
    tracefs_free_list(list, n);
    CHECK_INT(failed, 0);
    printf("parsed %d formats, %d fields\n", n, fields);
}

static const char good_text[] =
    "name: demo\n"
    "ID: 42\n"
    "format:\n"
    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
    "\n"
    "\tfield:const void* p;\toffset:8;\tsize:8;\tsigned:0;\n"
    "\tfield:char name[TASK_LEN];\toffset:16;\tsize:16;\tsigned:0;\n"
    "\tfield:__data_loc cpumask_t mask;\toffset:32;\tsize:4;\tsigned:0;\n"
    "\tfield:const struct attr *const a;\toffset:40;\tsize:8;\tsigned:0;\n"
    "\tfield:unsigned long args[];\toffset:48;\tsize:0;\tsigned:0;\n"
    "\tfield:char *s;\toffset:48;\tsize:8;\tsigned:0;\n"
    "\n"
    "print fmt: \"p=%p\", REC->p\n";

static void test_synthetic_good(void)
{
    struct tp_format fmt;
    CHECK_INT(tp_format_parse(good_text, &fmt), 0);
    CHECK_STR(fmt.name, "demo");
    CHECK_INT(fmt.id, 42);
    CHECK_INT(fmt.nfields, 7);
    check_field(&fmt, "p", "const void*", 8, 8, false, true, false, 0);
    /* a bound that is not a number leaves array_len 0; size still says 16 */
    check_field(&fmt, "name", "char[TASK_LEN]", 16, 16, false, false, false, 0);
    check_field(&fmt, "mask", "__data_loc cpumask_t", 32, 4, false, false, true, 0);
    check_field(&fmt, "a", "const struct attr *const", 40, 8, false, true, false, 0);
    check_field(&fmt, "args", "unsigned long[]", 48, 0, false, false, false, 0);
    check_field(&fmt, "s", "char *", 48, 8, false, true, false, 0);
    tp_format_free(&fmt);

    /* Pre-2.6.31 kernels have no signed: attribute. */
    CHECK_INT(tp_format_parse("name: x\nID: 1\n\tfield:int a;\toffset:0;\tsize:4;\n", &fmt), 0);
    CHECK_INT(fmt.nfields, 1);
    tp_format_free(&fmt);
}

static void test_synthetic_malformed(void)
{
    static const char *const bad[] = {
        "",
        "garbage",
        "\x01\x02\xff\xfe",
        "name: x\n",                                              /* no ID, no fields */
        "name: x\nID: 1\n",                                       /* no fields */
        "ID: 1\n\tfield:int a;\toffset:0;\tsize:4;\tsigned:1;\n", /* no name */
        "name: x\nID: abc\n\tfield:int a;\toffset:0;\tsize:4;\tsigned:1;\n",
        "name: x\nID: -1\n\tfield:int a;\toffset:0;\tsize:4;\tsigned:1;\n",
        "name: x\nID: 99999999999999999999\n\tfield:int a;\toffset:0;\tsize:4;\tsigned:1;\n",
        "name: x\nID: 1\n\tfield:int a;\n",            /* no offset */
        "name: x\nID: 1\n\tfield:int a;\toffset:0;\n", /* no size */
        "name: x\nID: 1\n\tfield:int a;\toffset:x;\tsize:4;\tsigned:1;\n",
        "name: x\nID: 1\n\tfield:int a;\toffset:;\tsize:4;\tsigned:1;\n",
        "name: x\nID: 1\n\tfield:int a;\toffset:0;\tsize:4294967296;\tsigned:1;\n",
        "name: x\nID: 1\n\tfield:int a;\toffset:0;\tsize:4;\tsigned:2;\n",
        "name: x\nID: 1\n\tfield:int a;\toffset:0;\tsize:4;\tsigned:1;junk\n",
        "name: x\nID: 1\n\tfield:int;\toffset:0;\tsize:4;\tsigned:1;\n", /* no name */
        "name: x\nID: 1\n\tfield:a;\toffset:0;\tsize:4;\tsigned:1;\n",   /* no type */
        "name: x\nID: 1\n\tfield:;\toffset:0;\tsize:4;\tsigned:1;\n",
        "name: x\nID: 1\n\tfield:int 9a;\toffset:0;\tsize:4;\tsigned:1;\n",
        "name: x\nID: 1\n\tfield:char c]16];\toffset:0;\tsize:4;\tsigned:1;\n",
        "name: x\nID: 1\n\tfield:char [16];\toffset:0;\tsize:16;\tsigned:1;\n",
        "name: x\nID: 1\n\tfield:int a", /* truncated */
        "name: x\nID: 1\n\tfield:int a;\toffset:0;\tsize:4;\tsigned:1;\n\tfield:int b;\toff",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct tp_format fmt;
        int rc = tp_format_parse(bad[i], &fmt);
        if (rc != -EINVAL) {
            fprintf(stderr, "FAIL: malformed text %zu accepted (rc %d)\n", i, rc);
            test_failures++;
        }
        CHECK(fmt.fields == NULL && fmt.nfields == 0 && fmt.name == NULL);
    }
    struct tp_format fmt;
    CHECK_INT(tp_format_parse(NULL, &fmt), -EINVAL);

    /* Every prefix of a real format file and of the synthetic one: either a
     * complete parse or -EINVAL, never anything else (run under valgrind to
     * see that nothing reads out of bounds). */
    char path[512];
    snprintf(path, sizeof(path), "%s/events/sched/sched_switch/format", tracefs_path());
    char *real = read_file(path);
    CHECK(real != NULL);
    const char *texts[] = {real ? real : "", good_text};
    for (int t = 0; t < 2; t++) {
        size_t len = strlen(texts[t]);
        char *buf = malloc(len + 1);
        for (size_t cut = 0; cut <= len; cut++) {
            memcpy(buf, texts[t], cut);
            buf[cut] = '\0';
            int rc = tp_format_parse(buf, &fmt);
            CHECK(rc == 0 || rc == -EINVAL);
            if (rc == 0)
                tp_format_free(&fmt);
        }
        /* Flip each byte to a few troublesome characters. */
        static const char junk[] = {'\n', '\t', ';', ':', '[', ']', '*', ' ', 'x', '\x80'};
        for (size_t pos = 0; pos < len; pos++)
            for (size_t j = 0; j < sizeof(junk); j++) {
                memcpy(buf, texts[t], len + 1);
                buf[pos] = junk[j];
                int rc = tp_format_parse(buf, &fmt);
                CHECK(rc == 0 || rc == -EINVAL);
                if (rc == 0)
                    tp_format_free(&fmt);
            }
        free(buf);
    }
    free(real);
}

int main(void)
{
    require_tracefs();
    test_known_formats();
    test_every_format();
    test_synthetic_good();
    test_synthetic_malformed();
    return test_finish("test_tracepoint_format");
}
