/* The --metrics endpoint's sockets and its thread (see metrics_server.h):
 * one poll() loop over the listener, the connections and a wake-up
 * eventfd. Every socket is non-blocking, so a slow or silent client only
 * holds its own connection, and only until its deadline:
 *  - a request head must arrive within READ_TIMEOUT_MS of the accept;
 *  - a response must make progress at least every WRITE_TIMEOUT_MS;
 *  - after the response the connection is half-closed and what the client
 *    still sends is read and dropped for up to LINGER_MS (closing with
 *    unread bytes would reset the connection and could cut the response).
 * At most MAX_CONNECTIONS are open; more wait in the listen backlog. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "metrics_http.h"
#include "metrics_server.h"
#include "output/metrics.h"

#define MAX_CONNECTIONS 16
#define LISTEN_BACKLOG 64
#define READ_TIMEOUT_MS 10000
#define WRITE_TIMEOUT_MS 10000
#define LINGER_MS 1000

enum conn_state { CONN_READING, CONN_WRITING, CONN_DRAINING };

struct connection {
    int fd;
    enum conn_state state;
    uint64_t deadline_ms;
    char head[HTTP_HEAD_MAX];
    size_t head_len;
    char *response;
    size_t response_len, sent;
};

struct metrics_server {
    int listen_fd;
    int wake_fd;
    pthread_t thread;
    bool running;
    struct metrics_plan plan;
    struct connection conns[MAX_CONNECTIONS];
    int nconns;
};

static int parse_port(const char *s)
{
    if (!*s || strlen(s) > 5 || strspn(s, "0123456789") != strlen(s))
        return -1;
    int port = atoi(s);
    return port >= 1 && port <= 65535 ? port : -1;
}

/* The address part: IPv4, localhost, or an IPv6 address in brackets. */
static bool parse_host(const char *host, size_t len, int port, struct metrics_address *out)
{
    char text[INET6_ADDRSTRLEN + 2];
    if (len == 0 || len >= sizeof(text))
        return false;
    memcpy(text, host, len);
    text[len] = '\0';
    memset(&out->addr, 0, sizeof(out->addr));
    if (text[0] == '[' && text[len - 1] == ']') {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&out->addr;
        text[len - 1] = '\0';
        if (inet_pton(AF_INET6, text + 1, &a6->sin6_addr) != 1)
            return false;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        out->len = sizeof(*a6);
        snprintf(out->text, sizeof(out->text), "[%s]:%d", text + 1, port);
        return true;
    }
    struct sockaddr_in *a4 = (struct sockaddr_in *)&out->addr;
    const char *v4 = strcmp(text, "localhost") == 0 ? "127.0.0.1" : text;
    if (inet_pton(AF_INET, v4, &a4->sin_addr) != 1)
        return false;
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    out->len = sizeof(*a4);
    snprintf(out->text, sizeof(out->text), "%s:%d", v4, port);
    return true;
}

int metrics_parse_address(const char *spec, struct metrics_address *out)
{
    const char *colon = strrchr(spec, ':');
    bool ok;
    if (!colon) {
        int port = parse_port(spec);
        ok = port > 0 && parse_host("127.0.0.1", 9, port, out);
    } else {
        int port = parse_port(colon + 1);
        ok = port > 0 && parse_host(spec, (size_t)(colon - spec), port, out);
    }
    if (!ok)
        diag_plain_error("--metrics: invalid address '%s': use PORT, IPV4:PORT, localhost:PORT "
                         "or [IPV6]:PORT, with PORT from 1 to 65535",
                         spec);
    return ok ? 0 : -1;
}

struct metrics_server *metrics_listen(const struct metrics_address *address)
{
    struct metrics_server *s = calloc(1, sizeof(*s));
    if (!s) {
        diag_plain_error("--metrics: %s", strerror(ENOMEM));
        return NULL;
    }
    s->wake_fd = -1;
    int family = ((const struct sockaddr *)&address->addr)->sa_family;
    s->listen_fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    /* SO_REUSEADDR lets a new sobt take the port while an old one's
     * connections linger in TIME_WAIT; a port someone listens on is still
     * refused. */
    if (s->listen_fd < 0 ||
        setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
        bind(s->listen_fd, (const struct sockaddr *)&address->addr, address->len) < 0 ||
        listen(s->listen_fd, LISTEN_BACKLOG) < 0) {
        diag_plain_error("--metrics: cannot listen on %s: %s", address->text, strerror(errno));
        metrics_close(s);
        return NULL;
    }
    return s;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void drop_connection(struct metrics_server *s, int i)
{
    close(s->conns[i].fd);
    free(s->conns[i].response);
    s->conns[i] = s->conns[--s->nconns];
}

static void accept_connections(struct metrics_server *s)
{
    while (s->nconns < MAX_CONNECTIONS) {
        int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return; /* EAGAIN, or a connection reset before we took it */
        struct connection *c = &s->conns[s->nconns++];
        memset(c, 0, sizeof(*c));
        c->fd = fd;
        c->state = CONN_READING;
        c->deadline_ms = now_ms() + READ_TIMEOUT_MS;
    }
}

static void start_response(struct metrics_server *s, struct connection *c, bool too_large)
{
    size_t end = too_large ? 0 : http_head_end(c->head, c->head_len);
    if (http_respond(too_large ? NULL : c->head, end, &s->plan, &c->response, &c->response_len) <
        0) {
        c->state = CONN_DRAINING; /* out of memory: no answer, just close */
        shutdown(c->fd, SHUT_WR);
        c->deadline_ms = now_ms() + LINGER_MS;
        return;
    }
    c->state = CONN_WRITING;
    c->deadline_ms = now_ms() + WRITE_TIMEOUT_MS;
}

/* false when the connection is done with */
static bool on_readable(struct metrics_server *s, struct connection *c)
{
    if (c->state == CONN_DRAINING) {
        char sink[4096];
        ssize_t n = recv(c->fd, sink, sizeof(sink), 0);
        return n > 0 || (n < 0 && errno == EAGAIN);
    }
    ssize_t n = recv(c->fd, c->head + c->head_len, sizeof(c->head) - c->head_len, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
        return false; /* closed before a whole request */
    if (n > 0)
        c->head_len += (size_t)n;
    if (http_head_end(c->head, c->head_len))
        start_response(s, c, false);
    else if (c->head_len == sizeof(c->head))
        start_response(s, c, true);
    return true;
}

static bool on_writable(struct connection *c)
{
    ssize_t n =
        send(c->fd, c->response + c->sent, c->response_len - c->sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0)
        return errno == EAGAIN || errno == EINTR;
    c->sent += (size_t)n;
    c->deadline_ms = now_ms() + WRITE_TIMEOUT_MS;
    if (c->sent == c->response_len) {
        shutdown(c->fd, SHUT_WR);
        c->state = CONN_DRAINING;
        c->deadline_ms = now_ms() + LINGER_MS;
    }
    return true;
}

/* The poll() set: wake-up, listener (while there is room), connections.
 * Returns how many entries and the timeout until the nearest deadline. */
static nfds_t poll_set(struct metrics_server *s, struct pollfd *fds, int *timeout)
{
    nfds_t n = 0;
    fds[n++] = (struct pollfd){.fd = s->wake_fd, .events = POLLIN};
    fds[n++] =
        (struct pollfd){.fd = s->nconns < MAX_CONNECTIONS ? s->listen_fd : -1, .events = POLLIN};
    uint64_t now = now_ms(), nearest = UINT64_MAX;
    for (int i = 0; i < s->nconns; i++) {
        const struct connection *c = &s->conns[i];
        fds[n++] =
            (struct pollfd){.fd = c->fd, .events = c->state == CONN_WRITING ? POLLOUT : POLLIN};
        if (c->deadline_ms < nearest)
            nearest = c->deadline_ms;
    }
    *timeout = nearest == UINT64_MAX ? -1 : nearest <= now ? 0 : (int)(nearest - now);
    return n;
}

static void *serve_loop(void *arg)
{
    struct metrics_server *s = arg;
    struct pollfd fds[2 + MAX_CONNECTIONS];
    for (;;) {
        int timeout;
        nfds_t n = poll_set(s, fds, &timeout);
        if (poll(fds, n, timeout) < 0 && errno != EINTR)
            break;
        if (fds[0].revents)
            break; /* metrics_close */
        /* connections first: fds[2 + i] is conns[i] as poll_set laid them out,
         * and dropping one moves the last into its place, so walk backwards */
        uint64_t now = now_ms();
        for (int i = (int)n - 3; i >= 0; i--) {
            struct connection *c = &s->conns[i];
            short ev = fds[2 + i].revents;
            bool keep = true;
            if (ev & (POLLERR | POLLNVAL))
                keep = false;
            else if (ev & POLLOUT)
                keep = on_writable(c);
            else if (ev & (POLLIN | POLLHUP))
                keep = on_readable(s, c);
            if (!keep || now >= c->deadline_ms)
                drop_connection(s, i);
        }
        if (fds[1].revents & POLLIN)
            accept_connections(s);
    }
    return NULL;
}

int metrics_serve(struct metrics_server *s, const struct compiled_program *prog, const int *map_fds)
{
    int err = metrics_plan_make(&s->plan, prog, map_fds);
    if (err) {
        diag_plain_error("--metrics: %s", strerror(-err));
        return -1;
    }
    s->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (s->wake_fd < 0) {
        diag_plain_error("--metrics: %s", strerror(errno));
        return -1;
    }
    /* The thread takes no signals: SIGINT and SIGTERM stop the trace in
     * the main thread, which this one must not swallow. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    err = pthread_create(&s->thread, NULL, serve_loop, s);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err) {
        diag_plain_error("--metrics: cannot start the server thread: %s", strerror(err));
        return -1;
    }
    s->running = true;
    return 0;
}

void metrics_close(struct metrics_server *s)
{
    if (!s)
        return;
    if (s->running) {
        uint64_t one = 1;
        if (write(s->wake_fd, &one, sizeof(one)) != sizeof(one))
            pthread_cancel(s->thread); /* cannot happen with an eventfd; never hang here */
        pthread_join(s->thread, NULL);
    }
    while (s->nconns > 0)
        drop_connection(s, s->nconns - 1);
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    if (s->wake_fd >= 0)
        close(s->wake_fd);
    metrics_plan_free(&s->plan);
    free(s);
}
