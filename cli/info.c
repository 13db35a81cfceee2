/* sobt --info: the system, how sobt was built, and what the kernel supports,
 * in the sections and format of `bpftrace --info` 0.17 (which prints it on
 * stderr). */
#include "info.h"

#include <elfutils/libdwfl.h>
#include <sys/utsname.h>

#include <bpf/libbpf.h>

#include "kernel_features.h"
#include "sobt_config.h"

static void print_system(FILE *out)
{
    struct utsname u;
    if (uname(&u) != 0) {
        fputs("System\n  OS: unknown\n", out);
        return;
    }
    fprintf(out, "System\n  OS: %s %s %s\n  Arch: %s\n", u.sysname, u.release, u.version,
            u.machine);
}

static void print_build(FILE *out)
{
    const char *dw = dwfl_version(NULL);
    fprintf(out,
            "Build\n"
            "  version: v%s (sobt, bpftrace language)\n"
            "  LLVM: %s (BPF back end only, linked statically)\n"
            "  bfd: no\n"
            "  libdw (DWARF support): yes (%s)\n"
            "  libbpf: %s\n"
            "  compiler: %s\n"
            "  build type: %s\n"
            "  sanitizers: %s\n",
            SOBT_VERSION, SOBT_LLVM_VERSION, dw ? dw : "unknown", libbpf_version_string(),
            SOBT_COMPILER, SOBT_BUILD_TYPE, SOBT_SANITIZERS);
}

void print_info(FILE *out)
{
    print_system(out);
    fputc('\n', out);
    print_build(out);
    fputc('\n', out);
    features_print(out);
}
