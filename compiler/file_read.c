#include "file_read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#define FILE_READ_MAX (1u << 30)

char *fd_read_all(int fd, size_t *len, int *err)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (cap - n < 2) {
            char *bigger = cap < FILE_READ_MAX ? realloc(buf, cap * 2) : NULL;
            if (!bigger) {
                *err = cap < FILE_READ_MAX ? -ENOMEM : -EFBIG;
                free(buf);
                return NULL;
            }
            buf = bigger;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            *err = -errno;
            free(buf);
            return NULL;
        }
        if (r == 0) {
            buf[n] = '\0';
            *len = n;
            return buf;
        }
        n += (size_t)r;
    }
    *err = -ENOMEM;
    return NULL;
}

char *file_read_all(const char *path, size_t *len, int *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *err = -errno;
        return NULL;
    }
    char *text = fd_read_all(fd, len, err);
    close(fd);
    return text;
}
