/* Reading a whole file into memory: the script, headers, tracefs format
 * files, /proc/kallsyms. Reads until end of file rather than trusting
 * st_size, which is 0 for tracefs and /proc files. */
#ifndef SOBT_FILE_READ_H
#define SOBT_FILE_READ_H

#include <stddef.h>

/* The bytes of fd up to end of file, NUL-terminated (a malloc'ed buffer,
 * *len without the NUL). NULL with *err a negative errno on failure;
 * -EFBIG past 1 GiB. fd is not closed. */
char *fd_read_all(int fd, size_t *len, int *err);

/* The same for the file at path. */
char *file_read_all(const char *path, size_t *len, int *err);

#endif
