/* Values resolved when printed; see resolved_values.h. The texts are
 * bpftrace's: buffers as hex_format_buffer, MAC addresses in capitals, cgroup
 * paths per hierarchy (cgroup2 first, named "unified"), user names from
 * /etc/passwd, strftime() on nanoseconds since boot with %f for
 * microseconds. */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <mntent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "output/resolved_values.h"

void output_print_buffer(FILE *out, const uint8_t *field, uint32_t size, char style)
{
    uint32_t len = size ? field[0] : 0;
    if (len > size - 1)
        len = size - 1;
    const uint8_t *b = field + 1;
    for (uint32_t i = 0; i < len; i++) {
        if (style == 'h')
            fprintf(out, i ? " %02x" : "%02x", b[i]);
        else if (style == '\0' && b[i] >= 32 && b[i] <= 126)
            fputc(b[i], out);
        else
            fprintf(out, "\\x%02x", b[i]);
    }
}

static void print_macaddr(FILE *out, const uint8_t *p)
{
    fprintf(out, "%02X:%02X:%02X:%02X:%02X:%02X", p[0], p[1], p[2], p[3], p[4], p[5]);
}

/* ---- cgroup paths ---- */

/* The path below root of the cgroup directory (or file: bpftrace compares
 * every entry's inode) whose inode is id, depth first in directory order.
 * Returns true when found; path holds "/a/b" ("/" for the root). */
static bool find_inode(const char *dir, size_t root_len, uint64_t id, char *path, size_t cap,
                       int depth)
{
    DIR *d = opendir(dir);
    if (!d || depth > 64) {
        if (d)
            closedir(d);
        return false;
    }
    struct dirent *e;
    bool found = false;
    while (!found && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char child[4096];
        if (snprintf(child, sizeof(child), "%s/%s", dir, e->d_name) >= (int)sizeof(child))
            continue;
        struct stat st;
        if (lstat(child, &st) < 0)
            continue;
        if ((uint64_t)st.st_ino == id) {
            snprintf(path, cap, "%s", child + root_len);
            found = true;
        } else if (S_ISDIR(st.st_mode)) {
            found = find_inode(child, root_len, id, path, cap, depth + 1);
        }
    }
    closedir(d);
    return found;
}

struct hierarchy {
    char name[256]; /* "unified" for cgroup2, else the mount point's last component */
    char root[4096];
};

static int by_name_then_root(const void *a, const void *b)
{
    const struct hierarchy *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->root, y->root);
}

/* The mounted hierarchies the filter (a wildcard) names: cgroup2 ones
 * first, in mount order, then cgroup v1 ones sorted by name. */
static int list_hierarchies(const char *filter, struct hierarchy *out, int cap)
{
    FILE *m = setmntent("/proc/mounts", "r");
    if (!m)
        return 0;
    int n = 0, nv2 = 0;
    struct mntent *e;
    while ((e = getmntent(m)) && n < cap) {
        bool v2 = strcmp(e->mnt_type, "cgroup2") == 0;
        if (!v2 && strcmp(e->mnt_type, "cgroup") != 0)
            continue;
        const char *slash = strrchr(e->mnt_dir, '/');
        const char *name = v2 ? "unified" : slash ? slash + 1 : e->mnt_dir;
        if (fnmatch(filter, name, 0) != 0)
            continue;
        struct hierarchy h;
        snprintf(h.name, sizeof(h.name), "%s", name);
        snprintf(h.root, sizeof(h.root), "%s", e->mnt_dir);
        if (v2) {
            memmove(out + nv2 + 1, out + nv2, (size_t)(n - nv2) * sizeof(*out));
            out[nv2++] = h;
        } else {
            out[n] = h;
        }
        n++;
    }
    endmntent(m);
    qsort(out + nv2, (size_t)(n - nv2), sizeof(*out), by_name_then_root);
    return n;
}

#define MAX_HIERARCHIES 32

static void print_cgroup_path(FILE *out, const struct compiled_program *prog, const uint8_t *p)
{
    uint64_t id, filter_index;
    memcpy(&id, p, 8);
    memcpy(&filter_index, p + 8, 8);
    const char *filter = prog && filter_index < (uint64_t)prog->nvalue_strings
                             ? prog->value_strings[filter_index]
                             : "*";
    struct hierarchy *hs = calloc(MAX_HIERARCHIES, sizeof(*hs));
    if (!hs)
        return;
    int n = list_hierarchies(filter, hs, MAX_HIERARCHIES);
    bool first = true;
    for (int i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        if (stat(hs[i].root, &st) == 0 && (uint64_t)st.st_ino == id)
            snprintf(path, sizeof(path), "/");
        else if (!find_inode(hs[i].root, strlen(hs[i].root), id, path, sizeof(path), 0))
            continue;
        fprintf(out, "%s%s:%s", first ? "" : ",", hs[i].name, path);
        first = false;
    }
    free(hs);
}

/* ---- user names ---- */

static void print_username(FILE *out, uint64_t uid)
{
    FILE *f = fopen("/etc/passwd", "r");
    if (!f)
        return;
    char line[1024];
    while (fgets(line, sizeof(line), f)) {
        char *name_end = strchr(line, ':');
        char *uid_start = name_end ? strchr(name_end + 1, ':') : NULL;
        if (!uid_start)
            continue;
        char *end;
        errno = 0;
        unsigned long long v = strtoull(uid_start + 1, &end, 10);
        if (!errno && *end == ':' && end > uid_start + 1 && v == uid) {
            fwrite(line, 1, (size_t)(name_end - line), out);
            break;
        }
    }
    fclose(f);
}

/* ---- strftime() ---- */

/* Wall-clock time at boot: CLOCK_REALTIME minus CLOCK_BOOTTIME, taken once. */
static bool boot_time(struct timespec *out)
{
    static struct timespec boot;
    static int state; /* 0 unknown, 1 known, -1 failed */
    if (state == 0) {
        struct timespec real, since_boot;
        if (clock_gettime(CLOCK_REALTIME, &real) < 0 ||
            clock_gettime(CLOCK_BOOTTIME, &since_boot) < 0) {
            state = -1;
        } else {
            int64_t ns = ((int64_t)real.tv_sec - since_boot.tv_sec) * 1000000000 +
                         (real.tv_nsec - since_boot.tv_nsec);
            boot.tv_sec = ns / 1000000000;
            boot.tv_nsec = ns % 1000000000;
            state = 1;
        }
    }
    *out = boot;
    return state == 1;
}

/* fmt with every "%f" replaced by the microseconds, as bpftrace's regex does. */
static char *expand_microseconds(const char *fmt, uint64_t us)
{
    char digits[16];
    snprintf(digits, sizeof(digits), "%06" PRIu64, us % 1000000);
    size_t n = 0;
    for (const char *s = fmt; (s = strstr(s, "%f")); s += 2)
        n++;
    char *out = malloc(strlen(fmt) + n * 4 + 1);
    if (!out)
        return NULL;
    char *w = out;
    for (const char *s = fmt; *s;) {
        if (s[0] == '%' && s[1] == 'f') {
            w = stpcpy(w, digits);
            s += 2;
        } else {
            *w++ = *s++;
        }
    }
    *w = '\0';
    return out;
}

static void print_timestamp(FILE *out, const struct compiled_program *prog, const uint8_t *p)
{
    uint64_t ns, fmt_index;
    memcpy(&ns, p, 8);
    memcpy(&fmt_index, p + 8, 8);
    struct timespec boot;
    if (!prog || fmt_index >= (uint64_t)prog->nvalue_strings || !boot_time(&boot)) {
        fputs("(?)", out);
        return;
    }
    uint64_t total = (uint64_t)boot.tv_nsec + ns;
    time_t when = boot.tv_sec + (time_t)(total / 1000000000);
    struct tm local;
    char *fmt = expand_microseconds(prog->value_strings[fmt_index], (total % 1000000000) / 1000);
    size_t cap = prog->strlen ? prog->strlen : 64;
    char *text = malloc(cap);
    size_t n = 0;
    if (fmt && text && localtime_r(&when, &local))
        n = strftime(text, cap, fmt, &local);
    if (n == 0)
        fputs("(?)", out);
    else
        fwrite(text, 1, n, out);
    free(text);
    free(fmt);
}

bool output_is_resolved_kind(enum value_kind kind)
{
    switch (kind) {
    case VK_BUFFER:
    case VK_MACADDR:
    case VK_CGROUP_PATH:
    case VK_STRERROR:
    case VK_USERNAME:
    case VK_TIMESTAMP:
        return true;
    default:
        return false;
    }
}

void output_print_resolved(FILE *out, const struct compiled_program *prog,
                           const struct value_desc *v, const uint8_t *p)
{
    uint64_t word;
    switch (v->kind) {
    case VK_BUFFER:
        output_print_buffer(out, p, v->size, '\0');
        return;
    case VK_MACADDR:
        print_macaddr(out, p);
        return;
    case VK_CGROUP_PATH:
        print_cgroup_path(out, prog, p);
        return;
    case VK_STRERROR:
        memcpy(&word, p, 8);
        fputs(strerror((int)word), out);
        return;
    case VK_USERNAME:
        memcpy(&word, p, 8);
        print_username(out, word);
        return;
    case VK_TIMESTAMP:
        print_timestamp(out, prog, p);
        return;
    default:
        return;
    }
}
