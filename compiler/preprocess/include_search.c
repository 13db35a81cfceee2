/* Include file search and include guards (see include_search.h). */
#include "preprocess/include_search.h"
#include "file_read.h"

#include <fcntl.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "preprocess/macros.h"

/* A search's answer, remembered: glibc headers include <features.h> and
 * <bits/types.h> over and over, and misses (<stddef.h> lives in gcc's own
 * directory) would otherwise try every directory each time. */
struct include_hit {
    struct include_hit *next;
    char *path; /* NULL: not found */
    int dir_index;
    char key[];
};

struct guard_entry {
    struct guard_entry *next;
    char *guard; /* "" for #pragma once */
    char path[];
};

struct include_search {
    char **dirs;
    int ndirs, cap_dirs;
    bool kernel_dirs_added;
    char *kernel_source; /* BPFTRACE_KERNEL_SOURCE, or NULL */
    struct name_map hits;
    struct include_hit *hit_list;
    struct name_map guards;
    struct guard_entry *guard_list;
};

static void add_dir(struct include_search *s, const char *dir)
{
    if (s->ndirs == s->cap_dirs) {
        s->cap_dirs = s->cap_dirs ? s->cap_dirs * 2 : 16;
        s->dirs = realloc(s->dirs, s->cap_dirs * sizeof(*s->dirs));
    }
    s->dirs[s->ndirs++] = strdup(dir);
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *multiarch_triplet(void)
{
#if defined(__x86_64__)
    return "x86_64-linux-gnu";
#elif defined(__aarch64__)
    return "aarch64-linux-gnu";
#else
    return NULL;
#endif
}

struct include_search *include_search_new(const char *const *user_dirs, int nuser_dirs,
                                          const char *kernel_source)
{
    struct include_search *s = calloc(1, sizeof(*s));
    s->kernel_source = kernel_source ? strdup(kernel_source) : NULL;
    for (int i = 0; i < nuser_dirs; i++)
        add_dir(s, user_dirs[i]);
    add_dir(s, "/usr/include");
    const char *triplet = multiarch_triplet();
    if (triplet) {
        char dir[256];
        snprintf(dir, sizeof(dir), "/usr/include/%s", triplet);
        if (is_dir(dir))
            add_dir(s, dir);
    }
    return s;
}

void include_search_free(struct include_search *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->ndirs; i++)
        free(s->dirs[i]);
    free(s->dirs);
    free(s->kernel_source);
    for (struct include_hit *h = s->hit_list, *next; h; h = next) {
        next = h->next;
        free(h->path);
        free(h);
    }
    name_map_free(&s->hits);
    for (struct guard_entry *g = s->guard_list, *next; g; g = next) {
        next = g->next;
        free(g->guard);
        free(g);
    }
    name_map_free(&s->guards);
    free(s);
}

/* The kernel's own header trees, if installed: looked for only when a header
 * is not found elsewhere, so scripts with uapi includes never pay for it. */
static void add_kernel_tree(struct include_search *s, const char *base)
{
    static const char *const subdirs[] = {
        "arch/x86/include",       "arch/x86/include/generated",      "include",
        "arch/x86/include/uapi",  "arch/x86/include/generated/uapi", "include/uapi",
        "include/generated/uapi",
    };
    char dir[4096];
    for (size_t i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
        snprintf(dir, sizeof(dir), "%s/%s", base, subdirs[i]);
        if (is_dir(dir))
            add_dir(s, dir);
    }
}

static void add_kernel_dirs(struct include_search *s)
{
    s->kernel_dirs_added = true;
    if (s->kernel_source) {
        add_kernel_tree(s, s->kernel_source);
        return;
    }
    struct utsname u;
    char base[512];
    if (uname(&u) == 0) {
        snprintf(base, sizeof(base), "/lib/modules/%s/build", u.release);
        add_kernel_tree(s, base);
        snprintf(base, sizeof(base), "/lib/modules/%s/source", u.release);
        add_kernel_tree(s, base);
    }
    glob_t g;
    if (glob("/usr/src/linux-headers-*", GLOB_ONLYDIR, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++)
            add_kernel_tree(s, g.gl_pathv[i]);
        globfree(&g);
    }
}

static bool is_file(const char *dir, const char *name, char *path, size_t size)
{
    if (dir)
        snprintf(path, size, "%s/%s", dir, name);
    else
        snprintf(path, size, "%s", name);
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool search(struct include_search *s, const char *includer_dir, int includer_index,
                   const char *name, bool angled, bool next, char *path, size_t size,
                   int *dir_index)
{
    *dir_index = -1;
    if (name[0] == '/')
        return is_file(NULL, name, path, size);
    if (!angled && !next && is_file(includer_dir, name, path, size))
        return true;
    int first = next && includer_index >= 0 ? includer_index + 1 : 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = first; i < s->ndirs; i++)
            if (is_file(s->dirs[i], name, path, size)) {
                *dir_index = i;
                return true;
            }
        if (s->kernel_dirs_added)
            break;
        first = s->ndirs > first ? s->ndirs : first;
        add_kernel_dirs(s);
    }
    return false;
}

bool include_find(struct include_search *s, const char *includer_dir, int includer_index,
                  const char *name, bool angled, bool next, char *path, size_t size, int *dir_index)
{
    char key[4096 + 32];
    if (next)
        snprintf(key, sizeof(key), "N%d:%s", includer_index, name);
    else if (angled || name[0] == '/')
        snprintf(key, sizeof(key), "A:%s", name);
    else
        snprintf(key, sizeof(key), "Q%s:%s", includer_dir, name);
    const struct include_hit *hit = name_map_get(&s->hits, key, strlen(key));
    if (!hit) {
        bool found =
            search(s, includer_dir, includer_index, name, angled, next, path, size, dir_index);
        size_t n = strlen(key);
        struct include_hit *h = malloc(sizeof(*h) + n + 1);
        memcpy(h->key, key, n + 1);
        h->path = found ? strdup(path) : NULL;
        h->dir_index = *dir_index;
        h->next = s->hit_list;
        s->hit_list = h;
        name_map_put(&s->hits, h->key, h);
        hit = h;
    }
    if (!hit->path)
        return false;
    snprintf(path, size, "%s", hit->path);
    *dir_index = hit->dir_index;
    return true;
}

void include_guard_remember(struct include_search *s, const char *path, const char *guard)
{
    if (name_map_get(&s->guards, path, strlen(path)))
        return;
    size_t n = strlen(path);
    struct guard_entry *g = malloc(sizeof(*g) + n + 1);
    memcpy(g->path, path, n + 1);
    g->guard = strdup(guard);
    g->next = s->guard_list;
    s->guard_list = g;
    name_map_put(&s->guards, g->path, g);
}

bool include_guard_skips(const struct include_search *s, const char *path,
                         const struct macro_table *macros)
{
    const struct guard_entry *g = name_map_get(&s->guards, path, strlen(path));
    return g && (!g->guard[0] || macro_find(macros, g->guard, strlen(g->guard)));
}

char *read_whole_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > SIZE_MAX / 2) {
        close(fd);
        return NULL;
    }
    int err;
    char *text = fd_read_all(fd, len, &err);
    close(fd);
    return text;
}

char *dir_of(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, slash - path);
}
