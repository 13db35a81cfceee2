/* Where the program's output goes: standard output or `-o FILE`. Writes go
 * through a stream that remembers the first write error, so that a full
 * disk or a broken pipe ends in one clear message and exit status 1 rather
 * than a silently shorter trace. */
#ifndef SOBT_OUTPUT_FILE_H
#define SOBT_OUTPUT_FILE_H

#include <stdio.h>

/* -B: how the output is buffered. */
enum buffer_mode {
    BUFFER_DEFAULT, /* line-buffered on a terminal, else written after each
                       batch of events */
    BUFFER_LINE,    /* -B line: written at each newline */
    BUFFER_FULL,    /* -B full: written when the buffer fills, and at exit */
    BUFFER_NONE,    /* -B none: written at once */
};

struct output_file {
    FILE *stream;
    const char *name; /* for messages: the -o path or "standard output" */
    int write_errno;  /* the first failed write(2)'s errno, 0 if none */
};

/* path NULL: standard output. A -o FILE is created or truncated, never
 * through a symbolic link (sobt runs as root: a link planted where the
 * output goes must not redirect the write). Returns 0, or -1 after printing
 * an error. */
int output_file_open(struct output_file *of, const char *path, enum buffer_mode buffering);

/* Flush and close; returns 0, or -1 after printing why writing failed. */
int output_file_close(struct output_file *of);

#endif
