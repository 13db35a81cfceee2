/* One HTTP request of the --metrics endpoint and its response; the table of
 * answers is in metrics_http.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "metrics_http.h"

#define CONTENT_PROMETHEUS "text/plain; version=0.0.4; charset=utf-8"
#define CONTENT_OPENMETRICS "application/openmetrics-text; version=1.0.0; charset=utf-8"

size_t http_head_end(const char *buf, size_t len)
{
    /* CRLF CRLF as the standard says, and bare LF LF as lenient servers accept */
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != '\n')
            continue;
        if (i + 1 < len && buf[i + 1] == '\n')
            return i + 2;
        if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

struct request {
    char method[16];
    char path[256];
    bool openmetrics;
};

enum verdict {
    ANSWER_METRICS,
    ANSWER_BAD_REQUEST,
    ANSWER_NOT_FOUND,
    ANSWER_NOT_ALLOWED,
    ANSWER_BAD_VERSION,
    ANSWER_TOO_LARGE,
};

/* The line starting at p (ending at a LF, or at end), without its CR LF. */
static size_t line_length(const char *p, const char *end, const char **next)
{
    const char *lf = memchr(p, '\n', (size_t)(end - p));
    const char *stop = lf ? lf : end;
    *next = lf ? lf + 1 : end;
    if (stop > p && stop[-1] == '\r')
        stop--;
    return (size_t)(stop - p);
}

/* Copy the next space-separated word of the line into buf; false when
 * there is none or it does not fit. */
static bool next_word(const char **p, const char *end, char *buf, size_t cap)
{
    const char *start = *p;
    const char *sp = memchr(start, ' ', (size_t)(end - start));
    const char *stop = sp ? sp : end;
    size_t n = (size_t)(stop - start);
    if (n == 0 || n >= cap)
        return false;
    memcpy(buf, start, n);
    buf[n] = '\0';
    *p = sp ? sp + 1 : end;
    return true;
}

static bool names_openmetrics(const char *value, size_t len)
{
    static const char wanted[] = "application/openmetrics-text";
    size_t n = sizeof(wanted) - 1;
    for (size_t i = 0; i + n <= len; i++)
        if (strncasecmp(value + i, wanted, n) == 0)
            return true;
    return false;
}

static void read_headers(const char *p, const char *end, struct request *r)
{
    while (p < end) {
        const char *next;
        size_t len = line_length(p, end, &next);
        static const char accept[] = "accept:";
        if (len >= sizeof(accept) - 1 && strncasecmp(p, accept, sizeof(accept) - 1) == 0)
            r->openmetrics = r->openmetrics || names_openmetrics(p, len);
        p = next;
    }
}

static enum verdict judge(const char *head, size_t head_len, struct request *r)
{
    const char *end = head + head_len, *rest;
    size_t len = line_length(head, end, &rest);
    const char *p = head, *line_end = head + len;
    char target[1024], version[16];
    if (!next_word(&p, line_end, r->method, sizeof(r->method)) ||
        !next_word(&p, line_end, target, sizeof(target)) ||
        !next_word(&p, line_end, version, sizeof(version)) || p != line_end)
        return ANSWER_BAD_REQUEST;
    if (strncmp(version, "HTTP/", 5) != 0)
        return ANSWER_BAD_REQUEST;
    if (strcmp(version, "HTTP/1.0") != 0 && strcmp(version, "HTTP/1.1") != 0)
        return ANSWER_BAD_VERSION;
    read_headers(rest, end, r);
    size_t path_len = strcspn(target, "?");
    if (path_len != strlen("/metrics") || strncmp(target, "/metrics", path_len) != 0)
        return ANSWER_NOT_FOUND;
    if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
        return ANSWER_NOT_ALLOWED;
    return ANSWER_METRICS;
}

static void write_head(FILE *out, const char *status, const char *type, size_t length,
                       const char *extra)
{
    fprintf(out,
            "HTTP/1.1 %s\r\n"
            "Content-Type: %s\r\n"
            "Content-Length: %zu\r\n"
            "%s"
            "Connection: close\r\n"
            "\r\n",
            status, type, length, extra);
}

static const char *status_of(enum verdict v, const char **body, const char **extra)
{
    *extra = "";
    switch (v) {
    case ANSWER_NOT_FOUND:
        *body = "404 Not Found: sobt serves /metrics only\n";
        return "404 Not Found";
    case ANSWER_NOT_ALLOWED:
        *body = "405 Method Not Allowed: /metrics takes GET or HEAD\n";
        *extra = "Allow: GET, HEAD\r\n";
        return "405 Method Not Allowed";
    case ANSWER_BAD_VERSION:
        *body = "505 HTTP Version Not Supported: use HTTP/1.0 or HTTP/1.1\n";
        return "505 HTTP Version Not Supported";
    case ANSWER_TOO_LARGE:
        *body = "431 Request Header Fields Too Large\n";
        return "431 Request Header Fields Too Large";
    case ANSWER_BAD_REQUEST:
    case ANSWER_METRICS:
        break;
    }
    *body = "400 Bad Request\n";
    return "400 Bad Request";
}

/* The exposition as the response body, or the reason it could not be read. */
static void write_metrics(FILE *out, const struct request *r, const struct metrics_plan *plan)
{
    char *body = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&body, &len);
    int err = mem ? 0 : -ENOMEM;
    if (mem) {
        err = metrics_render(mem, plan,
                             r->openmetrics ? METRICS_OPENMETRICS : METRICS_PROMETHEUS_TEXT);
        if (fclose(mem) != 0 && !err)
            err = -ENOMEM;
    }
    bool head_only = strcmp(r->method, "HEAD") == 0;
    if (err) {
        char reason[160];
        int n = snprintf(reason, sizeof(reason),
                         "500 Internal Server Error: reading a map "
                         "failed: %s\n",
                         strerror(-err));
        write_head(out, "500 Internal Server Error", "text/plain; charset=utf-8", (size_t)n, "");
        if (!head_only)
            fputs(reason, out);
    } else {
        write_head(out, "200 OK", r->openmetrics ? CONTENT_OPENMETRICS : CONTENT_PROMETHEUS, len,
                   "");
        if (!head_only)
            fwrite(body, 1, len, out);
    }
    free(body);
}

int http_respond(const char *head, size_t len, const struct metrics_plan *plan, char **out,
                 size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    FILE *mem = open_memstream(out, out_len);
    if (!mem)
        return -ENOMEM;
    struct request r = {0};
    enum verdict v = head ? judge(head, len, &r) : ANSWER_TOO_LARGE;
    if (v == ANSWER_METRICS) {
        write_metrics(mem, &r, plan);
    } else {
        const char *body, *extra;
        const char *status = status_of(v, &body, &extra);
        write_head(mem, status, "text/plain; charset=utf-8", strlen(body), extra);
        if (strcmp(r.method, "HEAD") != 0)
            fputs(body, mem);
    }
    if (fclose(mem) != 0) {
        free(*out);
        *out = NULL;
        return -ENOMEM;
    }
    return 0;
}
