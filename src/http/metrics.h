/* metrics.h — request counters and latency histograms in Prometheus text format.
 * Route labels are route patterns (a bounded set), never raw paths. Thread-safe. */
#ifndef FIN_METRICS_H
#define FIN_METRICS_H

#include "base/buf.h"

#include <stdbool.h>
#include <stdint.h>

void metrics_request(const char *route, const char *method, int status, double seconds);
void metrics_sse_open(int delta);
/* Counts one more open stream when fewer than max are open (max < 0: no cap); false otherwise.
 * Check and count are one atomic step, so concurrent streams cannot pass the cap together. */
bool metrics_sse_try_open(int64_t max);
/* One connection or request refused or cut by the server's own limits; reason is a static
 * string ("header_timeout", "connections_per_address", …), one of a fixed few. */
void metrics_refused(const char *reason);
int64_t metrics_sse_count(void);
/* Appends the whole exposition; db_errors comes from the storage layer. 0, or ERR_TOO_BIG when out
 * is full (part was written). */
int metrics_write(buf_t *out, uint64_t db_errors);

#endif
