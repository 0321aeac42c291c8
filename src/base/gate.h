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

/* gate_enter in two steps, for a caller that must not block where it asks (an HTTP worker thread
 * that hands the work to another thread): gate_join decides at once, without waiting: ERR_BUSY
 * (refused, as gate_enter) or 0 with *t a place, granted already or in the queue for at most
 * wait_ms from now. gate_wait, on any thread, waits for that place's turn and consumes t: 0 when
 * inside (call gate_leave once done), ERR_BUSY when the wait ran out. Every place joined must be
 * waited for exactly once. */
typedef struct gate_ticket gate_ticket_t;
int gate_join(gate_t *g, const char *key, int64_t wait_ms, gate_ticket_t **t);
int gate_wait(gate_t *g, gate_ticket_t *t);
/* Gives up a place instead of waiting for it (granted or not), and consumes t. */
void gate_cancel(gate_t *g, gate_ticket_t *t);

/* What the gate holds now, and the most callers that were ever inside at once. */
typedef struct {
	unsigned running, waiting, peak;
	uint64_t entered, refused;
} gate_stats_t;
void gate_stats(gate_t *g, gate_stats_t *out);

#endif
