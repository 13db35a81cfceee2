/* Read-only tracefs queries: where tracefs is and which tracepoints it has. */
#include "target/tracefs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const tracefs_candidates[] = {
    "/sys/kernel/tracing",
    "/sys/kernel/debug/tracing",
};

/* Not cached when missing: the runtime may mount tracefs after a first look. */
const char *tracefs_path(void)
{
    static const char *found;
    if (found)
        return found;
    for (size_t i = 0; i < sizeof(tracefs_candidates) / sizeof(tracefs_candidates[0]); i++) {
        char events[256];
        snprintf(events, sizeof(events), "%s/events", tracefs_candidates[i]);
        if (access(events, X_OK) == 0) {
            found = tracefs_candidates[i];
            return found;
        }
    }
    return NULL;
}

static bool is_glob(const char *pattern)
{
    return strpbrk(pattern, "*?[\\") != NULL;
}

/* Directory entries that are directories. d_type answers without a stat()
 * on tracefs; the stat is only a fallback for file systems that do not fill it. */
static bool entry_is_dir(int dir_fd, const struct dirent *de)
{
    if (de->d_type == DT_DIR)
        return true;
    if (de->d_type != DT_UNKNOWN)
        return false;
    struct stat st;
    return fstatat(dir_fd, de->d_name, &st, 0) == 0 && S_ISDIR(st.st_mode);
}

static bool is_dot_or_dotdot(const char *name)
{
    return name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
}

/* A literal name that stays inside its directory. */
static bool is_plain_name(const char *name)
{
    return name[0] != '\0' && !strchr(name, '/') && !is_dot_or_dotdot(name);
}

/* events/ftrace holds the formats of ftrace's own records (function,
 * funcgraph_entry, ...): they are not tracepoints, cannot be attached to,
 * and are absent from available_events, so bpftrace never lists them. */
static bool category_is_tracepoints(const char *category)
{
    return strcmp(category, "ftrace") != 0;
}

struct name_list {
    char **items;
    int count;
    int cap;
};

static int name_list_add(struct name_list *l, const char *category, const char *name)
{
    if (l->count == l->cap) {
        int cap = l->cap ? l->cap * 2 : 64;
        char **items = realloc(l->items, (size_t)cap * sizeof(*items));
        if (!items)
            return -ENOMEM;
        l->items = items;
        l->cap = cap;
    }
    size_t clen = strlen(category), nlen = strlen(name);
    char *s = malloc(clen + 1 + nlen + 1);
    if (!s)
        return -ENOMEM;
    memcpy(s, category, clen);
    s[clen] = ':';
    memcpy(s + clen + 1, name, nlen + 1);
    l->items[l->count++] = s;
    return 0;
}

/* Sorted as whole "category:name" strings, the order bpftrace lists and
 * attaches in (it keeps them in a std::set): "fib6:x" comes before "fib:y"
 * because '6' < ':'. */
static int compare_tracepoint_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Add the events of one category directory that match name_glob. */
static int match_in_category(int events_fd, const char *category, const char *name_glob,
                             struct name_list *out)
{
    if (!is_glob(name_glob)) {
        /* One stat instead of reading a directory of hundreds of entries. */
        char rel[512];
        struct stat st;
        if (snprintf(rel, sizeof(rel), "%s/%s", category, name_glob) >= (int)sizeof(rel))
            return 0;
        if (!is_plain_name(name_glob) || fstatat(events_fd, rel, &st, 0) != 0 ||
            !S_ISDIR(st.st_mode))
            return 0;
        return name_list_add(out, category, name_glob);
    }
    int fd = openat(events_fd, category, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    DIR *dir = fdopendir(fd);
    if (!dir) {
        close(fd);
        return 0;
    }
    int err = 0;
    struct dirent *de;
    while (!err && (de = readdir(dir)) != NULL) {
        if (is_dot_or_dotdot(de->d_name) || fnmatch(name_glob, de->d_name, 0) != 0)
            continue;
        /* Inside a category every directory is an event; the files are
         * "enable" and "filter". */
        if (entry_is_dir(fd, de))
            err = name_list_add(out, category, de->d_name);
    }
    closedir(dir);
    return err;
}

int tracefs_match_tracepoints(const char *category_glob, const char *name_glob, char ***out)
{
    *out = NULL;
    const char *root = tracefs_path();
    if (!root)
        return -ENOENT;
    char events[256];
    snprintf(events, sizeof(events), "%s/events", root);
    int events_fd = open(events, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (events_fd < 0)
        return -errno;

    struct name_list list = {0};
    int err = 0;
    if (!is_glob(category_glob)) {
        if (is_plain_name(category_glob) && category_is_tracepoints(category_glob))
            err = match_in_category(events_fd, category_glob, name_glob, &list);
    } else {
        int fd = dup(events_fd);
        DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
        if (!dir) {
            err = -errno;
            if (fd >= 0)
                close(fd);
        }
        struct dirent *de;
        while (dir && !err && (de = readdir(dir)) != NULL) {
            /* Top-level files (enable, header_event, header_page) are not
             * categories; only directories are. */
            if (is_dot_or_dotdot(de->d_name) || !category_is_tracepoints(de->d_name) ||
                fnmatch(category_glob, de->d_name, 0) != 0 || !entry_is_dir(events_fd, de))
                continue;
            err = match_in_category(events_fd, de->d_name, name_glob, &list);
        }
        if (dir)
            closedir(dir);
    }
    close(events_fd);
    if (err) {
        tracefs_free_list(list.items, list.count);
        return err;
    }
    if (list.count > 1)
        qsort(list.items, (size_t)list.count, sizeof(*list.items), compare_tracepoint_names);
    *out = list.items;
    return list.count;
}

void tracefs_free_list(char **list, int n)
{
    if (!list)
        return;
    for (int i = 0; i < n; i++)
        free(list[i]);
    free(list);
}
