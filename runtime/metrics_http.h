/* What the --metrics endpoint answers to one HTTP request (HTTP/1.0 and
 * 1.1, one request per connection, "Connection: close"):
 *
 *   GET /metrics, HEAD /metrics    200, the exposition (a query string is
 *                                   ignored): OpenMetrics 1.0 when the Accept
 *                                   header names application/openmetrics-text
 *                                   (as Prometheus's does), else the
 *                                   Prometheus text format 0.0.4
 *   another method on /metrics     405, "Allow: GET, HEAD"
 *   any other path                 404
 *   not an HTTP/1.x request        400 (505 for another HTTP version)
 *   a request head over 8 KiB      431
 *   a map that cannot be read      500, the reason in the body
 *
 * Private to the metrics server. */
#ifndef SOBT_METRICS_HTTP_H
#define SOBT_METRICS_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "output/metrics.h"

#define HTTP_HEAD_MAX 8192

/* The end of the request head in buf (the byte after its empty line), or 0
 * while it is incomplete. */
size_t http_head_end(const char *buf, size_t len);

/* The whole response to the request head (len bytes, NUL not needed) or,
 * with head NULL, to a head that grew past HTTP_HEAD_MAX. Allocated: *out
 * and *out_len; returns 0 or -ENOMEM. */
int http_respond(const char *head, size_t len, const struct metrics_plan *plan, char **out,
                 size_t *out_len);

#endif
