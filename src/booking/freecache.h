/* freecache.h — availability answers kept in memory per node (freecache.c).
 *
 * An answer (the JSON body of GET /api/v1/availability) is kept under its query and the second it
 * was computed for, with the generation of the free seats it was computed from. The generation
 * moves after every committed change of a slot's seats (db_touch in the stores: bookings, holds,
 * cancellations, returns, slots and rules), after a catalogue change, and when another node says
 * its seats changed (bus topic "booking.seats", relayed through PostgreSQL LISTEN/NOTIFY). An
 * answer is served only within the same second and generation, so it is exactly what the
 * database would answer at that second on this node (time-bound rules such as the release instant
 * and the minimum notice are counted in whole seconds); another node's change is seen once its
 * notification arrives. */
#ifndef FIN_BOOKING_FREECACHE_H
#define FIN_BOOKING_FREECACHE_H

#include "base/arena.h"
#include "booking/booking.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;

#define BK_FREECACHE_TOPIC "booking.seats"

/* The key of an availability question asked by staff or by a citizen (each value
 * length-prefixed, so no two questions share one), in a. */
const char *bk_freecache_key(arena_t *a, const booking_query_t *q, bool staff);

/* The generation to pass to bk_freecache_put: read it BEFORE reading the database. */
uint64_t bk_freecache_gen(void);
/* The answer kept for key at second now and the current generation, copied into a (with *len),
 * or NULL. */
const char *bk_freecache_get(arena_t *a, const char *key, int64_t now, size_t *len);
/* Keeps body for key (replacing what that place held) unless gen is already past. */
void bk_freecache_put(const char *key, int64_t now, uint64_t gen, const char *body, size_t len);
/* Moves the generation: every kept answer is dropped. */
void bk_freecache_drop(void);
/* Hits and misses since the process started. */
void bk_freecache_stats(uint64_t *hits, uint64_t *misses);

/* serve/demo: watches the database's touched commits and the bus; on PostgreSQL a thread tells
 * the other nodes (coalesced: one notification for a burst of changes). */
int bk_freecache_start(struct app *app);
void bk_freecache_finish(struct app *app);

#endif
