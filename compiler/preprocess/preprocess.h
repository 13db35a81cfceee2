/* The preprocessor: what clang's preprocessor did for bpftrace, without clang
 * and without kernel headers.
 *
 * The output has exactly the lines of the input: every directive line (with
 * its continuation lines) and every line of an inactive #if branch becomes an
 * empty line, so the parser's line numbers are the script's. In code lines,
 * the script's macros (and those of "..." headers next to it) are expanded
 * textually, as clang did, except object-like macros whose body is a plain
 * integer ("#define MAX 10"): they stay identifiers and the resolver gets
 * their value from constant_lookup, so the line keeps its columns (the
 * value is the last definition's; after #undef it stays known).
 *
 * Headers are read for their macros and enumerators (kernel types come from
 * BTF); the script's own headers also for their top-level struct, union and
 * enum definitions and typedefs, which go, joined into one line, on the
 * line of the script's #include that read them (so the parser takes them as
 * definitions written in the script; other declarations are skipped). A <header> that cannot be found is
 * skipped silently (kernel-internal headers such as <net/sock.h> do not exist
 * without kernel headers), unless strict_includes; a "header" that the script
 * (or one of its own headers) includes and that is found nowhere is an error.
 * Own headers are those included with "..." and found beside the includer or
 * in a -I dir: errors in them are reported and their macros expand in the
 * script's code. Other headers are read leniently, for constants only.
 *
 * Search order: for "name" the including file's directory, then -I dirs (in
 * order), then /usr/include, /usr/include/<multiarch>, then the running
 * kernel's header trees if installed (/lib/modules/$(uname -r)/build,
 * /usr/src/linux-headers-*: arch/x86/include, arch/x86/include/generated,
 * include, arch/x86/include/uapi, arch/x86/include/generated/uapi,
 * include/uapi, include/generated/uapi). <name> skips the first step.
 *
 * Predefined: BPFTRACE_HAVE_BTF (when /sys/kernel/btf/vmlinux exists), and
 * what gcc predefines for x86-64 Linux that headers test (__x86_64__,
 * __linux__, __LP64__, __GNUC__ 4, __CHAR_BIT__, __SIZEOF_*__, byte order),
 * and _GNU_SOURCE, so glibc headers define all they have (AT_EMPTY_PATH).
 * In headers, an #if that cannot be evaluated (a function-like macro that is
 * not defined, such as __GNUC_PREREQ (4, 8) before <features.h>; syntax this
 * evaluator does not know) is false; __has_include works; __has_attribute,
 * __has_builtin and the other __has_* feature tests are 0. In the script
 * and its "..." headers the same cases are errors. */
#ifndef SOBT_PREPROCESS_H
#define SOBT_PREPROCESS_H

#include <stdbool.h>

#include "frontend/ast.h"

struct constants;

struct preprocess_options {
    const char *const *include_dirs; /* -I DIR, in order */
    int ninclude_dirs;
    /* --include FILE, in order, as if "#include FILE" came first: "x.h" and
     * plain x.h are searched like "x.h" (from the current directory, an
     * error if missing), <x.h> like <x.h> */
    const char *const *include_files;
    int ninclude_files;
    bool strict_includes; /* a <header> that cannot be found is an error too */
    /* BPFTRACE_KERNEL_SOURCE: the kernel tree whose headers are searched
     * (instead of the running kernel's under /lib/modules); NULL: those */
    const char *kernel_source;
    /* Names the resolver gives a meaning of their own (built-in variables):
     * a script macro of such a name is expanded in the text even when its
     * body is a plain integer, so the name cannot shadow it. NULL: none. */
    bool (*reserved_name)(const char *name);
};

/* Preprocess src (src->filename: the script's path, "stdin" or NULL for -e:
 * "..." includes are then searched from the current directory). Macros and
 * header enumerators go into consts, for constant_lookup. Returns the new
 * text (malloc'd, NUL-terminated, the same number of lines as src->text),
 * or NULL after printing diagnostics. opts may be NULL. */
char *preprocess(const struct source *src, const struct preprocess_options *opts,
                 struct constants *consts);

#endif
