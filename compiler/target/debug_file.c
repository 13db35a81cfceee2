/* Finding a stripped ELF file's separate debug file (see debug_file.h). */
#include "target/debug_file.h"

#include <fcntl.h>
#include <gelf.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define DEBUG_ROOT "/usr/lib/debug"

static Elf_Data *section_data(Elf *elf, const char *wanted)
{
    size_t stridx;
    if (elf_getshdrstrndx(elf, &stridx) != 0)
        return NULL;
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn))) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh))
            continue;
        const char *name = elf_strptr(elf, stridx, sh.sh_name);
        if (name && strcmp(name, wanted) == 0)
            return elf_getdata(scn, NULL);
    }
    return NULL;
}

/* /usr/lib/debug/.build-id/ab/cdef....debug */
static char *by_build_id(Elf *elf)
{
    Elf_Data *d = section_data(elf, ".note.gnu.build-id");
    /* one note: namesz, descsz, type, "GNU\0", then the id */
    if (!d || d->d_size <= 16 || memcmp((const char *)d->d_buf + 12, "GNU", 4) != 0)
        return NULL;
    const unsigned char *id = (const unsigned char *)d->d_buf + 16;
    size_t len = d->d_size - 16;
    if (len < 2 || len > 64)
        return NULL;
    char hex[129];
    for (size_t i = 0; i < len; i++)
        snprintf(hex + 2 * i, 3, "%02x", id[i]);
    char path[256];
    snprintf(path, sizeof(path), DEBUG_ROOT "/.build-id/%.2s/%s.debug", hex, hex + 2);
    return access(path, R_OK) == 0 ? strdup(path) : NULL;
}

static bool crc_matches(const char *path, uint32_t want)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    bool ok = false;
    if (fstat(fd, &st) == 0 && st.st_size > 0) {
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p != MAP_FAILED) {
            ok = (uint32_t)crc32(0, p, (uInt)st.st_size) == want;
            munmap(p, (size_t)st.st_size);
        }
    }
    close(fd);
    return ok;
}

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* The .gnu_debuglink name, in the file's directory (unless it is the file
 * itself), in its .debug/ and under /usr/lib/debug/DIR/. */
static char *by_debuglink(Elf *elf, const char *path)
{
    Elf_Data *d = section_data(elf, ".gnu_debuglink");
    if (!d || d->d_size <= 5)
        return NULL;
    const char *name = d->d_buf;
    if (strnlen(name, d->d_size - 4) >= d->d_size - 4)
        return NULL;
    uint32_t crc;
    memcpy(&crc, (const char *)d->d_buf + d->d_size - 4, sizeof(crc));
    char *copy = strdup(path);
    if (!copy)
        return NULL;
    const char *dir = dirname(copy);
    char candidates[3][4096];
    snprintf(candidates[0], sizeof(candidates[0]), "%s/%s", dir, name);
    snprintf(candidates[1], sizeof(candidates[1]), "%s/.debug/%s", dir, name);
    snprintf(candidates[2], sizeof(candidates[2]), DEBUG_ROOT "%s/%s", dir, name);
    char *found = NULL;
    for (int i = 0; i < 3 && !found; i++) {
        if (i == 0 && same_file(candidates[0], path))
            continue;
        if (access(candidates[i], R_OK) == 0 && crc_matches(candidates[i], crc))
            found = strdup(candidates[i]);
    }
    free(copy);
    return found;
}

char *elf_find_debug_file(Elf *elf, const char *path)
{
    char *found = by_build_id(elf);
    return found ? found : by_debuglink(elf, path);
}
