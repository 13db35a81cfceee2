/* --metrics ADDR:PORT: an HTTP endpoint, GET /metrics, that Prometheus
 * scrapes while the program traces. Every scrape reads the maps at that
 * moment (output/metrics.h has the exposition); nothing is copied per
 * event.
 *
 * How it runs: the socket is bound before anything is loaded (a taken port
 * is one error line, exit 1, nothing attached); a thread of its own serves
 * it from when tracing starts, so scrapes neither wait for nor delay the
 * event loop; the listener and every connection are closed when tracing
 * stops (exit() or a signal), before END runs: the exposition is what the
 * probes counted, not what END does to the maps afterwards. A scrape in
 * progress then is cut off. metrics_http.c has what the endpoint answers. */
#ifndef SOBT_METRICS_SERVER_H
#define SOBT_METRICS_SERVER_H

#include <sys/socket.h>

#include "program.h"

/* Where to listen, as --metrics gave it. */
struct metrics_address {
    struct sockaddr_storage addr;
    socklen_t len;
    char text[64]; /* "127.0.0.1:9100", "[::1]:9100": for messages */
};

/* --metrics SPEC: PORT (on 127.0.0.1), IPV4:PORT, localhost:PORT or
 * [IPV6]:PORT, with PORT 1-65535. Returns 0, or -1 after printing one
 * error line. */
int metrics_parse_address(const char *spec, struct metrics_address *out);

struct metrics_server;

/* Bind and listen. NULL after printing one error line (the port is taken,
 * the address is not this host's, ...). */
struct metrics_server *metrics_listen(const struct metrics_address *address);

/* Serve the program's maps (map_fds[i] is the fd of prog->maps[i]) from a
 * thread. Returns 0, or -1 after printing one error line. */
int metrics_serve(struct metrics_server *s, const struct compiled_program *prog,
                  const int *map_fds);

/* Stop serving, close every socket, free s (NULL is fine). */
void metrics_close(struct metrics_server *s);

#endif
