/* The preprocessor (see preprocess.h): the loop over a file's logical lines,
 * #include, and the entry point. The steps it drives live beside it
 * (pp_internal.h lists them). */
#include "preprocess/preprocess.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "preprocess/constants.h"
#include "preprocess/pp_internal.h"

/* gcc's limit is 200; real header chains are under 20 deep */
#define MAX_INCLUDE_DEPTH 64

static void process_file(struct pp *pp, struct pp_file *f);

static void free_file(struct pp_file *f)
{
    free(f->dir);
    free(f->conds);
    free(f->line.s);
    free(f->guard);
    free(f->en.name.s);
    free(f->en.expr.s);
}

/* Include name from the file from (for --include: a stand-in for the
 * command line, with no path, whose errors have no location). */
static void include_file(struct pp *pp, struct pp_file *from, const char *name, bool angled,
                         bool next, struct loc loc)
{
    bool from_user = from->user;
    if (pp->depth >= MAX_INCLUDE_DEPTH) {
        file_error(pp, from, loc, "#include nested too deeply");
        return;
    }
    char path[4096];
    int dir_index;
    if (!include_find(pp->search, from->dir, from->dir_index, name, angled, next, path,
                      sizeof(path), &dir_index)) {
        /* kernel-internal headers (<net/sock.h>) are not installed: their
         * types come from BTF, so they are passed over */
        if (from_user && (!angled || pp->opts->strict_includes))
            file_error(pp, from, loc, "cannot find include file %s", name);
        return;
    }
    if (include_guard_skips(pp->search, path, pp->macros))
        return;
    size_t len = 0;
    char *text = read_whole_file(path, &len);
    if (!text)
        return;
    /* the user's own headers: quoted, found beside the includer or in -I */
    bool user = from_user && !angled && (dir_index < 0 || dir_index < pp->opts->ninclude_dirs);
    struct pp_file inc = {
        .path = path,
        .dir = dir_of(path),
        .dir_index = dir_index,
        .text = text,
        .len = len,
        .user = user,
        .src = {.filename = path, .text = text, .len = len},
    };
    pp->depth++;
    process_file(pp, &inc);
    pp->depth--;
    if (user && !pp->failed)
        collect_header_types(&pp->header_types, inc.code.s, inc.code.len);
    free(inc.code.s);
    if (inc.guard_possible && inc.guard_closed && inc.guard)
        include_guard_remember(pp->search, path, inc.guard);
    free_file(&inc);
    free(text);
}

/* A directive line, and the file it includes if it is an #include. */
static void read_directive(struct pp *pp, struct pp_file *f, const char *text, size_t hash_pos)
{
    struct include_request inc = {0};
    handle_directive(pp, f, text, hash_pos, &inc);
    if (inc.wanted)
        include_file(pp, f, inc.name, inc.angled, inc.next, inc.loc);
}

static void process_file(struct pp *pp, struct pp_file *f)
{
    f->line_no = 1;
    while (f->pos < f->len) {
        size_t start = f->pos;
        int newlines = read_logical_line(f);
        const char *l = skip_blanks(f->line.s);
        if (*l == '#') {
            if (!(f->is_script && start == 0 && l[1] == '!')) /* the #! line */
                read_directive(pp, f, l + 1, start);
            if (f->is_script && pp->header_types.len) {
                /* what its own headers define, on the #include's line */
                buf_put(&pp->out, pp->header_types.s, pp->header_types.len);
                pp->header_types.len = 0;
            }
            if (f->is_script)
                buf_newlines(&pp->out, newlines);
        } else if (!pp_active(f)) {
            if (f->is_script)
                buf_newlines(&pp->out, newlines);
        } else {
            if (*l)
                note_content(f);
            if (f->is_script) {
                emit_code(pp, f, start, f->pos);
                /* a macro invocation may have read more lines */
                newlines = count_newlines_in(f->text + start, f->text + f->pos);
            }
            if (*l)
                scan_enums(pp, f);
            if (*l && f->user && !f->is_script) {
                buf_put(&f->code, f->line.s, f->line.len);
                buf_putc(&f->code, '\n');
            }
        }
        f->line_no += newlines;
    }
    if (f->nconds > 0) {
        struct cond *c = &f->conds[0];
        /* report at the outermost open #if; line numbers are recounted */
        int line = 1;
        for (size_t i = 0; i < c->hash_pos; i++)
            line += f->text[i] == '\n';
        f->line_no = line;
        file_error(pp, f, directive_loc(f, c->hash_pos), "unterminated conditional directive");
        f->guard_possible = false;
    }
}

static void predefine(struct macro_table *t)
{
    static const char *const defs[][2] = {
#if defined(__x86_64__)
        {"__x86_64__", "1"},
        {"__x86_64", "1"},
        {"__amd64__", "1"},
        {"__amd64", "1"},
#elif defined(__aarch64__)
        {"__aarch64__", "1"},
#endif
        {"__linux__", "1"},
        {"__linux", "1"},
        {"__gnu_linux__", "1"},
        {"__unix__", "1"},
        {"__unix", "1"},
        {"__ELF__", "1"},
        {"__LP64__", "1"},
        {"_LP64", "1"},
        {"__CHAR_BIT__", "8"},
        {"__SIZEOF_SHORT__", "2"},
        {"__SIZEOF_INT__", "4"},
        {"__SIZEOF_LONG__", "8"},
        {"__SIZEOF_LONG_LONG__", "8"},
        {"__SIZEOF_POINTER__", "8"},
        {"__SIZEOF_SIZE_T__", "8"},
        {"__SIZEOF_INT128__", "16"},
        {"__ORDER_LITTLE_ENDIAN__", "1234"},
        {"__ORDER_BIG_ENDIAN__", "4321"},
        {"__ORDER_PDP_ENDIAN__", "3412"},
        {"__BYTE_ORDER__", "__ORDER_LITTLE_ENDIAN__"},
        {"__GNUC__", "4"},
        {"__GNUC_MINOR__", "2"},
        {"__GNUC_PATCHLEVEL__", "1"},
        {"__STDC__", "1"},
        {"__STDC_VERSION__", "201112L"},
        {"__STDC_HOSTED__", "1"},
        {"__SCHAR_MAX__", "0x7f"},
        {"__SHRT_MAX__", "0x7fff"},
        {"__INT_MAX__", "0x7fffffff"},
        {"__LONG_MAX__", "0x7fffffffffffffffL"},
        {"__LONG_LONG_MAX__", "0x7fffffffffffffffLL"},
        {"__WCHAR_MAX__", "0x7fffffff"},
        /* glibc then defines everything it has (AT_EMPTY_PATH, O_PATH, ...) */
        {"_GNU_SOURCE", "1"},
    };
    for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
        macro_define_simple(t, defs[i][0], defs[i][1], MACRO_PREDEFINED);
    if (access("/sys/kernel/btf/vmlinux", R_OK) == 0)
        macro_define_simple(t, "BPFTRACE_HAVE_BTF", "1", MACRO_PREDEFINED);
}

static void include_from_command_line(struct pp *pp, const char *arg)
{
    size_t n = strlen(arg);
    char name[1024];
    bool angled = n > 2 && arg[0] == '<' && arg[n - 1] == '>';
    bool quoted = n > 2 && arg[0] == '"' && arg[n - 1] == '"';
    if ((angled || quoted) && n - 2 < sizeof(name)) {
        memcpy(name, arg + 1, n - 2);
        name[n - 2] = '\0';
    } else {
        snprintf(name, sizeof(name), "%s", arg);
    }
    struct pp_file cmdline = {.dir = ".", .dir_index = -1, .user = true};
    include_file(pp, &cmdline, name, angled, false, (struct loc){0, 0, 0});
}

char *preprocess(const struct source *src, const struct preprocess_options *opts,
                 struct constants *consts)
{
    static const struct preprocess_options no_options;
    struct pp pp = {.macros = constants_macros(consts), .opts = opts ? opts : &no_options};
    pp.search = include_search_new(pp.opts->include_dirs, pp.opts->ninclude_dirs,
                                   pp.opts->kernel_source);
    predefine(pp.macros);

    for (int i = 0; i < pp.opts->ninclude_files; i++)
        include_from_command_line(&pp, pp.opts->include_files[i]);

    bool from_stdin = !src->filename || strcmp(src->filename, "stdin") == 0;
    struct pp_file script = {
        .path = src->filename ? src->filename : "stdin",
        .dir = from_stdin ? strdup(".") : dir_of(src->filename),
        .dir_index = -1,
        .text = src->text,
        .len = src->len,
        .is_script = true,
        .user = true,
        .src = *src,
    };
    buf_put(&pp.out, "", 0);
    process_file(&pp, &script);
    free_file(&script);

    include_search_free(pp.search);
    free(pp.header_types.s);
    if (pp.failed) {
        free(pp.out.s);
        return NULL;
    }
    return pp.out.s;
}
