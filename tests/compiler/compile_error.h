/* Shared by the exact-text error tests (test_semantic_errors.c,
 * test_language_errors.c): a program that must not compile, and everything
 * it writes to the diagnostics stream. */
#ifndef SOBT_TESTS_COMPILE_ERROR_H
#define SOBT_TESTS_COMPILE_ERROR_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/check.h"
#include "compile.h"
#include "diag.h"

/* strlen: BPFTRACE_STRLEN (0: the default, 64); params: $1.. (up to 3,
 * NULL-terminated, or NULL). */
static inline void check_compile_error(const char *program, const char *expected, uint32_t strlen,
                                       const char *const *params)
{
    char *buf = NULL;
    size_t len = 0;
    diag_stream = open_memstream(&buf, &len);
    struct compile_options opts = {
        .filename = "stdin", .text = program, .strlen = strlen ? strlen : 64, .params = params};
    while (params && opts.nparams < 3 && params[opts.nparams])
        opts.nparams++;
    struct compiled_program *p = compile_program(&opts);
    fclose(diag_stream);
    diag_stream = NULL;
    if (p) {
        fprintf(stderr, "FAIL: compiled although it should not: %s\n", program);
        test_failures++;
        compiled_program_free(p);
    }
    CHECK_STR(buf, expected);
    free(buf);
}

#endif
