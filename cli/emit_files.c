/* Writing the compiler's products for --emit-elf and --emit-llvm. Errors are
 * one line: "ERROR: failed to write elf: ..." as bpftrace says it. */
#include "emit_files.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define LLVM_SUFFIX ".optimized.ll"

static char *llvm_path(const char *path)
{
    size_t n = strlen(path) + sizeof(LLVM_SUFFIX);
    char *full = malloc(n);
    if (full)
        snprintf(full, n, "%s%s", path, LLVM_SUFFIX);
    return full;
}

FILE *emit_llvm_open(const char *path)
{
    char *full = llvm_path(path);
    FILE *f = full ? fopen(full, "w") : NULL;
    if (!f)
        fprintf(stderr, "ERROR: failed to write LLVM IR to %s%s: %s\n", path, LLVM_SUFFIX,
                strerror(full ? errno : ENOMEM));
    free(full);
    return f;
}

int emit_llvm_close(FILE *f, const char *path)
{
    bool failed = ferror(f);
    if (fclose(f) != 0 || failed) {
        fprintf(stderr, "ERROR: failed to write LLVM IR to %s%s: %s\n", path, LLVM_SUFFIX,
                strerror(errno ? errno : EIO));
        return -1;
    }
    return 0;
}

int emit_elf_write(const char *path, const struct compiled_program *prog)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "ERROR: failed to write elf: %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t written = fwrite(prog->elf, 1, prog->elf_size, f);
    int err = written == prog->elf_size ? 0 : (errno ? errno : EIO);
    if (fclose(f) != 0 && !err)
        err = errno;
    if (err) {
        fprintf(stderr, "ERROR: failed to write elf: %s: %s\n", path, strerror(err));
        return -1;
    }
    return 0;
}
