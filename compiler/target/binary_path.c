/* The files a uprobe or usdt target names (see binary_path.h). */
#include "target/binary_path.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "target/elf_symbols.h"
#include "target/shared_libs.h"

struct path_list {
    char **items;
    int count;
    dev_t *devs;
    ino_t *inos;
};

static bool has_glob(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

/* Adds path, unless `unique` and the same file is already listed. */
static int add_path(struct path_list *l, const char *path, bool unique)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    for (int i = 0; i < l->count && unique; i++)
        if (l->devs[i] == st.st_dev && l->inos[i] == st.st_ino)
            return 0;
    char **items = realloc(l->items, (size_t)(l->count + 1) * sizeof(*items));
    if (items)
        l->items = items;
    dev_t *devs = realloc(l->devs, (size_t)(l->count + 1) * sizeof(*devs));
    if (devs)
        l->devs = devs;
    ino_t *inos = realloc(l->inos, (size_t)(l->count + 1) * sizeof(*inos));
    if (inos)
        l->inos = inos;
    char *copy = strdup(path);
    if (!items || !devs || !inos || !copy) {
        free(copy);
        return -ENOMEM;
    }
    l->items[l->count] = copy;
    l->devs[l->count] = st.st_dev;
    l->inos[l->count] = st.st_ino;
    l->count++;
    return 0;
}

/* Executables must be executable; shared objects need not be. */
static bool is_probeable_binary(const char *path)
{
    int type = elf_file_type(path);
    return (type == ET_EXEC && access(path, X_OK) == 0) || type == ET_DYN;
}

/* A name found in several $PATH directories is one file (/bin is often
 * /usr/bin); what a glob matches is listed as bpftrace lists it, each name
 * on its own (rbash, a link to bash, too). */
static int add_candidate(struct path_list *l, const char *candidate)
{
    if (!has_glob(candidate))
        return is_probeable_binary(candidate) ? add_path(l, candidate, true) : 0;
    glob_t g;
    int rc = 0;
    if (glob(candidate, 0, NULL, &g) == 0)
        for (size_t i = 0; i < g.gl_pathc && rc == 0; i++)
            if (is_probeable_binary(g.gl_pathv[i]))
                rc = add_path(l, g.gl_pathv[i], false);
    globfree(&g);
    return rc;
}

/* Hands the list over (rc 0) or frees it. */
static int hand_over(struct path_list *l, int rc, char ***paths, int *count)
{
    free(l->devs);
    free(l->inos);
    if (rc) {
        binary_paths_free(l->items, l->count);
        return rc;
    }
    *paths = l->items;
    *count = l->count;
    return 0;
}

int binary_paths(const char *target, int pid, const char *needed_by, char ***paths, int *count)
{
    struct path_list l = {0};
    int rc = 0;
    char *lib = NULL;
    if (!has_glob(target) && !strchr(target, '/') && strncmp(target, "lib", 3) == 0)
        lib = shared_lib_find(target + 3, pid, needed_by);
    if (lib) {
        rc = add_path(&l, lib, true);
        free(lib);
    } else {
        rc = add_candidate(&l, target);
        const char *path = getenv("PATH");
        while (rc == 0 && !strchr(target, '/') && path && *path) {
            size_t n = strcspn(path, ":");
            char candidate[PATH_MAX];
            snprintf(candidate, sizeof(candidate), "%.*s/%s", (int)n, path, target);
            if (n > 0)
                rc = add_candidate(&l, candidate);
            path += n + (path[n] == ':');
        }
    }
    return hand_over(&l, rc, paths, count);
}

void binary_paths_free(char **paths, int count)
{
    for (int i = 0; i < count; i++)
        free(paths[i]);
    free(paths);
}

char *process_exe_path(int pid)
{
    char link[64], target[PATH_MAX];
    snprintf(link, sizeof(link), "/proc/%d/exe", pid);
    ssize_t n = readlink(link, target, sizeof(target) - 1);
    if (n <= 0)
        return NULL;
    target[n] = '\0';
    return strdup(target);
}

/* The ELF files pid maps executable, each under root + its path. */
static int add_mapped(struct path_list *l, int pid, const char *root)
{
    char maps[64];
    snprintf(maps, sizeof(maps), "/proc/%d/maps", pid);
    FILE *f = fopen(maps, "re");
    if (!f)
        return errno == ENOENT ? -ESRCH : -errno;
    char line[PATH_MAX + 128];
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof(line), f)) {
        char perms[8];
        char *path = strchr(line, '/');
        if (!path || sscanf(line, "%*s %7s", perms) != 1 || perms[2] != 'x')
            continue;
        path[strcspn(path, "\n")] = '\0';
        char rooted[PATH_MAX + 64];
        snprintf(rooted, sizeof(rooted), "%s%s", root, path);
        if (elf_file_type(rooted) >= 0)
            rc = add_path(l, rooted, true);
    }
    fclose(f);
    return rc;
}

int process_mapped_binaries(int pid, char ***paths, int *count)
{
    struct path_list l = {0};
    char root[64];
    snprintf(root, sizeof(root), "/proc/%d/root", pid);
    int rc = add_mapped(&l, pid, root);
    if (rc < 0 && rc != -ENOMEM)
        return rc; /* no maps to read: nothing was added */
    return hand_over(&l, rc, paths, count);
}

/* Whether pid's files are seen at their own paths from here (same mount
 * namespace), else through /proc/PID/root. */
static bool shares_mount_namespace(int pid)
{
    char mine[64] = "", theirs[64] = "", link[64];
    snprintf(link, sizeof(link), "/proc/%d/ns/mnt", pid);
    ssize_t a = readlink("/proc/self/ns/mnt", mine, sizeof(mine) - 1);
    ssize_t b = readlink(link, theirs, sizeof(theirs) - 1);
    return a > 0 && a == b && memcmp(mine, theirs, (size_t)a) == 0;
}

static int compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int host_mapped_binaries(char ***paths, int *count)
{
    struct path_list l = {0};
    DIR *proc = opendir("/proc");
    if (!proc)
        return -errno;
    struct dirent *e;
    int rc = 0;
    while (rc != -ENOMEM && (e = readdir(proc))) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end || pid <= 0 || pid == getpid())
            continue;
        char root[64] = "";
        if (!shares_mount_namespace((int)pid))
            snprintf(root, sizeof(root), "/proc/%ld/root", pid);
        rc = add_mapped(&l, (int)pid, root); /* one that has exited is skipped */
    }
    closedir(proc);
    rc = rc == -ENOMEM ? rc : 0;
    if (rc == 0)
        qsort(l.items, (size_t)l.count, sizeof(*l.items), compare_paths);
    return hand_over(&l, rc, paths, count);
}
