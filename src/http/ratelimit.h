/* ratelimit.h — fixed-window request counters per key (a client address), in memory, per node.
 *
 * Each key gets `limit` requests per window of `window` seconds; the window starts with the key's
 * first request. The table has a fixed number of entries chosen at creation, so memory is bounded
 * whatever the traffic: keys are stored as keyed 64-bit hashes (never the addresses themselves),
 * and when the probe sequence of a new key is full of live entries, the entry whose window is
 * oldest is reused — under a flood of distinct addresses a key may forget its count early, which
 * errs on the side of letting a request through rather than growing. Thread-safe (one mutex per
 * table; the critical section is a few probes).
 *
 * Several nodes each count on their own: behind a load balancer a client gets up to N × limit.
 *
 * Ownership: ratelimit_new returns a new table; ratelimit_free frees it. Keys are borrowed. */
#ifndef FIN_RATELIMIT_H
#define FIN_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ratelimit ratelimit_t;

/* A table for up to `entries` keys at once (rounded up to a power of two, at least 64). */
ratelimit_t *ratelimit_new(size_t entries);
void ratelimit_free(ratelimit_t *rl);

/* Counts one request of key at instant now (seconds). True when it is within limit requests for
 * the current window; false when refused, with *retry_after (may be NULL) set to the seconds
 * until the window ends (at least 1). limit <= 0 means no limit (always true, nothing counted). */
bool ratelimit_hit(ratelimit_t *rl, const char *key, int limit, int window, int64_t now, int *retry_after);

/* Entries in use (tests, metrics). */
size_t ratelimit_size(ratelimit_t *rl);

#endif
