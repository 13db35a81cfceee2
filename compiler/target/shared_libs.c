/* Shared libraries by short name (see shared_libs.h). */
#include "target/shared_libs.h"

#include <fcntl.h>
#include <gelf.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file_read.h"

#define LD_SO_CACHE "/etc/ld.so.cache"
/* glibc's "new" cache format: a 48-byte header, then 24-byte entries whose
 * strings are offsets from the start of the file. */
#define CACHE_MAGIC "glibc-ld.so.cache1.1"
#define CACHE_HEADER_SIZE 48
#define CACHE_ENTRY_SIZE 24
/* An x86-64 libc6 library (glibc's FLAG_ELF_LIBC6 | FLAG_X8664_LIB64). */
#define CACHE_FLAGS_X86_64 0x0303

/* Does a library file name belong to lib`name` ("libc.so.6", "libc-2.31.so"
 * for "c")? bcc's test on the paths a process has mapped. */
static bool names_library(const char *path, const char *name)
{
    char dot[300], dash[300];
    snprintf(dot, sizeof(dot), "/lib%s.", name);
    snprintf(dash, sizeof(dash), "/lib%s-", name);
    return strstr(path, ".so") && (strstr(path, dot) || strstr(path, dash));
}

static char *find_in_process(const char *name, int pid)
{
    char maps[64];
    snprintf(maps, sizeof(maps), "/proc/%d/maps", pid);
    FILE *f = fopen(maps, "re");
    if (!f)
        return NULL;
    char line[4096];
    char *found = NULL;
    while (!found && fgets(line, sizeof(line), f)) {
        char *path = strchr(line, '/');
        if (!path)
            continue;
        path[strcspn(path, "\n")] = '\0';
        if (names_library(path, name))
            found = strdup(path);
    }
    fclose(f);
    return found;
}

/* The first x86-64 entry of /etc/ld.so.cache whose name matches: exactly
 * `soname`, or starting with `prefix`. */
static char *find_in_cache(const char *soname, const char *prefix)
{
    size_t len;
    int err;
    char *c = file_read_all(LD_SO_CACHE, &len, &err);
    if (!c)
        return NULL;
    char *found = NULL;
    uint32_t n;
    if (len >= CACHE_HEADER_SIZE && memcmp(c, CACHE_MAGIC, strlen(CACHE_MAGIC)) == 0) {
        memcpy(&n, c + 20, sizeof(n));
        for (uint32_t i = 0; i < n && !found; i++) {
            size_t at = CACHE_HEADER_SIZE + (size_t)i * CACHE_ENTRY_SIZE;
            if (at + CACHE_ENTRY_SIZE > len)
                break;
            int32_t flags;
            uint32_t key, value;
            memcpy(&flags, c + at, 4);
            memcpy(&key, c + at + 4, 4);
            memcpy(&value, c + at + 8, 4);
            if ((flags & 0xffff) != CACHE_FLAGS_X86_64 || key >= len || value >= len ||
                !memchr(c + key, '\0', len - key) || !memchr(c + value, '\0', len - value))
                continue;
            const char *lib = c + key;
            bool match =
                soname ? strcmp(lib, soname) == 0 : strncmp(lib, prefix, strlen(prefix)) == 0;
            if (match)
                found = strdup(c + value);
        }
    }
    free(c);
    return found;
}

/* A DT_NEEDED soname as the dynamic linker finds it for `binary`: its
 * RUNPATH (or RPATH) directories with $ORIGIN expanded, the cache, then the
 * default directories. */
static char *locate_needed(const char *soname, const char *search_path, const char *binary)
{
    char *copy = strdup(binary), *origin = copy ? dirname(copy) : ".";
    char *found = NULL;
    for (const char *p = search_path; p && *p && !found;) {
        size_t n = strcspn(p, ":");
        char dir[4096];
        if (n >= 7 && strncmp(p, "$ORIGIN", 7) == 0)
            snprintf(dir, sizeof(dir), "%s%.*s", origin, (int)(n - 7), p + 7);
        else
            snprintf(dir, sizeof(dir), "%.*s", (int)n, p);
        char path[8192];
        snprintf(path, sizeof(path), "%s/%s", dir, soname);
        if (access(path, R_OK) == 0)
            found = strdup(path);
        p += n + (p[n] == ':');
    }
    free(copy);
    if (!found)
        found = find_in_cache(soname, NULL);
    static const char *const defaults[] = {"/lib/x86_64-linux-gnu",
                                           "/usr/lib/x86_64-linux-gnu",
                                           "/lib64",
                                           "/usr/lib64",
                                           "/lib",
                                           "/usr/lib"};
    for (size_t i = 0; !found && i < sizeof(defaults) / sizeof(defaults[0]); i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", defaults[i], soname);
        if (access(path, R_OK) == 0)
            found = strdup(path);
    }
    return found;
}

/* The dynamic section's DT_NEEDED entry that is lib`name`, located. */
static char *find_needed(const char *name, const char *binary)
{
    int fd = open(binary, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || elf_version(EV_CURRENT) == EV_NONE) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    Elf_Scn *scn = NULL;
    char *found = NULL;
    while (elf && !found && (scn = elf_nextscn(elf, scn))) {
        GElf_Shdr sh;
        Elf_Data *d;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC || !(d = elf_getdata(scn, NULL)))
            continue;
        const char *runpath = NULL, *needed = NULL;
        size_t n = sh.sh_entsize ? d->d_size / sh.sh_entsize : 0;
        for (size_t i = 0; i < n; i++) {
            GElf_Dyn dyn;
            if (!gelf_getdyn(d, (int)i, &dyn))
                continue;
            const char *s = elf_strptr(elf, sh.sh_link, dyn.d_un.d_val);
            char slash_name[512];
            snprintf(slash_name, sizeof(slash_name), "/%s", s ? s : "");
            if (dyn.d_tag == DT_NEEDED && s && !needed && names_library(slash_name, name))
                needed = s;
            else if ((dyn.d_tag == DT_RUNPATH || (dyn.d_tag == DT_RPATH && !runpath)) && s)
                runpath = s;
        }
        if (needed)
            found = locate_needed(needed, runpath, binary);
        /* the file by its real name, as a process's maps would show it */
        char *real = found ? realpath(found, NULL) : NULL;
        if (real) {
            free(found);
            found = real;
        }
    }
    if (elf)
        elf_end(elf);
    close(fd);
    return found;
}

char *shared_lib_find(const char *name, int pid, const char *needed_by)
{
    char *found = pid > 0 ? find_in_process(name, pid) : NULL;
    if (!found && needed_by)
        found = find_needed(name, needed_by);
    if (!found) {
        char prefix[300];
        snprintf(prefix, sizeof(prefix), "lib%s.so", name);
        found = find_in_cache(NULL, prefix);
    }
    return found;
}
