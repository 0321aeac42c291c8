/* gauge.h — how many of something each client has open right now (connections, requests in
 * progress, event streams), with a ceiling per client.
 *
 * Unlike the rate limiter (ratelimit.h), which counts requests per window, a gauge goes up when
 * something opens and down when it closes. Keys are client keys (base/netaddr.h); an entry lives
 * only while its count is above zero, so memory is bounded by what is open at once (itself
 * bounded by server.connection_limit). Thread-safe: one mutex, a few probes per call.
 *
 * Ownership: gauge_new returns a new table, gauge_free frees it; keys are copied. */
#ifndef FIN_GAUGE_H
#define FIN_GAUGE_H

#include <stdbool.h>

typedef struct gauge gauge_t;

gauge_t *gauge_new(void);
void gauge_free(gauge_t *g);
/* Counts one more for key when its count is below max (max <= 0: no ceiling). True when
 * counted; a caller that got true calls gauge_give once for it. */
bool gauge_take(gauge_t *g, const char *key, int max);
/* Counts one less (never below zero). */
void gauge_give(gauge_t *g, const char *key);
/* The current count of key. */
int gauge_count(gauge_t *g, const char *key);

#endif
