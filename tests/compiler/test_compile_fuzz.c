/* The whole compiler (parse, resolve, codegen, emit) on mutated programs:
 * every input must either compile or fail with at least one located ERROR
 * line, never crash. Run under ASan/UBSan in the test suite. The mutations
 * are deterministic (fixed seed) so a failure reproduces. */
#include "compile.h"
#include "diag.h"
#include "probe_test.h"

static const char *seeds[] = {
    "BEGIN { printf(\"%d %s\\n\", pid, comm); @x[pid, comm] = count(); exit(); }",
    "t:syscalls:sys_enter_connect /pid != 0/ { @[comm] = sum(args->addrlen); @h = hist(args->fd); }",
    "i:ms:10 { @c++; if (@c > 3) { exit(); } else if (@c == 2) { print(@c); } else { clear(@m); } "
    "@m[1] = lhist(@c, 0, 10, 2); }",
    "BEGIN { $s = \"abc\"; $i = 0; while ($i < 5) { $i += 1; @v[$s, $i] = max($i * -3); } "
    "@t = $i > 2 ? \"big\" : \"small\"; delete(@v[\"abc\", 1]); zero(@v); time(\"%H\\n\"); }",
    "tracepoint:net:net_dev_queue { @[args->name] = stats(args->len); @a = avg(args->len); "
    "@q = (uint32)args->skbaddr >> 3; }",
    "END { @e = elapsed / 1000; @n = nsecs % 7; @p[probe] = min(cpu); print(@p, 3, 2); }",
};

/* Characters worth inserting: the language's punctuation and digits. */
static const char alphabet[] = "{}()[]@$;,/*+-!<>=&|^%?:.\"0123456789 \nabcxyz_";

/* Append n bytes of s to out (of capacity cap, with *len used). */
static void append(char *out, size_t cap, size_t *len, const char *s, size_t n)
{
    if (*len + n >= cap)
        n = cap - *len - 1;
    memcpy(out + *len, s, n);
    *len += n;
    out[*len] = '\0';
}

static void mutate(const char *in, char *out, size_t cap)
{
    size_t len = strlen(in), used = 0;
    size_t pos = len ? test_random() % len : 0;
    size_t span = test_random() % 8;
    if (pos + span > len)
        span = len - pos;
    char c = alphabet[test_random() % (sizeof(alphabet) - 1)];
    out[0] = '\0';
    append(out, cap, &used, in, pos);
    switch (test_random() % 4) {
    case 0: /* delete a span */
        append(out, cap, &used, in + pos + span, len - pos - span);
        break;
    case 1: /* insert a character */
        append(out, cap, &used, &c, 1);
        append(out, cap, &used, in + pos, len - pos);
        break;
    case 2: /* replace a character */
        append(out, cap, &used, &c, len > pos ? 1 : 0);
        append(out, cap, &used, in + pos + (len > pos), len - pos - (len > pos));
        break;
    default: /* duplicate a span */
        append(out, cap, &used, in + pos, span);
        append(out, cap, &used, in + pos, len - pos);
    }
}

int main(void)
{
    require_tracefs();
    static char a[4096], b[4096];
    char *buf[2] = {a, b};
    int compiled = 0, rejected = 0;
    for (size_t s = 0; s < sizeof(seeds) / sizeof(seeds[0]); s++) {
        for (int round = 0; round < 120; round++) {
            /* a chain of up to three mutations of the seed */
            snprintf(a, sizeof(a), "%s", seeds[s]);
            int steps = 1 + (int)(test_random() % 3);
            for (int k = 0; k < steps; k++)
                mutate(buf[k % 2], buf[(k + 1) % 2], sizeof(a));
            const char *text = buf[steps % 2];
            char *diag = NULL;
            size_t dlen = 0;
            diag_stream = open_memstream(&diag, &dlen);
            struct compile_options opts = {.filename = "fuzz", .text = text, .strlen = 64};
            struct compiled_program *p = compile_program(&opts);
            fclose(diag_stream);
            diag_stream = NULL;
            if (p) {
                compiled++;
                CHECK(p->elf_size > 0);
                compiled_program_free(p);
            } else {
                rejected++;
                if (!diag || !strstr(diag, "ERROR: ")) {
                    fprintf(stderr, "FAIL: rejected without an error message: %s\n", text);
                    test_failures++;
                }
            }
            free(diag);
        }
    }
    printf("compile_fuzz: %d compiled, %d rejected\n", compiled, rejected);
    CHECK(compiled > 0 && rejected > 0);
    return test_finish("compile_fuzz");
}
