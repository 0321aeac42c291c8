/* gate.h — a bounded pool of turns for costly work (password hashing): at most `running` callers
 * inside at once, process-wide; up to `waiting` more wait their turn, first come first served,
 * for a bounded time; beyond that a caller is refused at once. Each caller names a key (its
 * client address): one key holds at most `per_key` waiting places, so one client cannot fill the
 * queue and push everyone else out.
 *
 * A freed turn goes straight to the oldest waiter, so a newcomer cannot overtake the queue. All
 * functions are thread-safe; the limits can be changed while callers are inside (the new ones
 * apply to the next entries). */
#ifndef FIN_GATE_H
#define FIN_GATE_H

#include <stdint.h>

typedef struct gate gate_t;

/* running ≥ 1; waiting and per_key may be 0 (then nobody waits). Never NULL. */
gate_t *gate_new(unsigned running, unsigned waiting, unsigned per_key);
void gate_free(gate_t *g);
void gate_set_limits(gate_t *g, unsigned running, unsigned waiting, unsigned per_key);

/* Takes a turn for key (NULL counts as ""), waiting at most wait_ms for it. 0 when inside (call
 * gate_leave once done), ERR_BUSY when refused: the queue was full, key already held its share
 * of the queue, or the wait ran out. */
int gate_enter(gate_t *g, const char *key, int64_t wait_ms);
void gate_leave(gate_t *g);

/* What the gate holds now, and the most callers that were ever inside at once. */
typedef struct {
	unsigned running, waiting, peak;
	uint64_t entered, refused;
} gate_stats_t;
void gate_stats(gate_t *g, gate_stats_t *out);

#endif
