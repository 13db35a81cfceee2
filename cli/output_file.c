#include "output_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct sink {
    int fd;
    int *write_errno;
};

static ssize_t sink_write(void *cookie, const char *buf, size_t size)
{
    struct sink *s = cookie;
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(s->fd, buf + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (*s->write_errno == 0)
                *s->write_errno = n < 0 ? errno : EIO;
            return done ? (ssize_t)done : -1;
        }
        done += (size_t)n;
    }
    return (ssize_t)done;
}

static int sink_close(void *cookie)
{
    struct sink *s = cookie;
    int rc = s->fd == STDOUT_FILENO ? 0 : close(s->fd);
    free(s);
    return rc;
}

static FILE *stream_over(int fd, int *write_errno)
{
    struct sink *s = malloc(sizeof(*s));
    if (!s)
        return NULL;
    s->fd = fd;
    s->write_errno = write_errno;
    FILE *f = fopencookie(s, "w", (cookie_io_functions_t){.write = sink_write, .close = sink_close});
    if (!f)
        free(s);
    return f;
}

int output_file_open(struct output_file *of, const char *path, enum buffer_mode buffering)
{
    of->write_errno = 0;
    of->name = path ? path : "standard output";
    int fd = STDOUT_FILENO;
    if (path) {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0) {
            if (errno == ELOOP)
                fprintf(stderr, "ERROR: cannot write the output to %s: it is a symbolic link, "
                                "and sobt does not follow links for its output\n", path);
            else
                fprintf(stderr, "ERROR: cannot open %s: %s\n", path, strerror(errno));
            return -1;
        }
    }
    of->stream = stream_over(fd, &of->write_errno);
    if (!of->stream) {
        fprintf(stderr, "ERROR: cannot open %s: %s\n", of->name, strerror(errno));
        if (path)
            close(fd);
        return -1;
    }
    /* By default as stdout would be: line-buffered on a terminal, else fully
     * buffered (the runtime then writes after each batch of events). */
    if (buffering == BUFFER_LINE || (buffering == BUFFER_DEFAULT && isatty(fd)))
        setvbuf(of->stream, NULL, _IOLBF, 0);
    else if (buffering == BUFFER_NONE)
        setvbuf(of->stream, NULL, _IONBF, 0);
    return 0;
}

int output_file_close(struct output_file *of)
{
    int rc = fclose(of->stream);
    of->stream = NULL;
    if (rc == 0 && of->write_errno == 0)
        return 0;
    fprintf(stderr, "ERROR: writing the output to %s failed: %s\n", of->name,
            strerror(of->write_errno ? of->write_errno : errno));
    return -1;
}
