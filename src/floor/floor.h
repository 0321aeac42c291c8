/* floor.h — the office floor: welcome triage, numbered tickets per office, zone and day, desks
 * that call them in one fair order, call displays, the live position page and the coordinator
 * board (docs/internals/floor.md, docs/api.md "Office floor").
 *
 * What other capabilities (later in the table) may use: a listener told when an attention at a
 * desk ends, so that the satisfaction survey can offer itself; and the number of people waiting.
 * Nothing here opens a transaction. */
#ifndef FIN_FLOOR_H
#define FIN_FLOOR_H

#include "db/db.h"

#include <stdint.h>

/* An attention that ended at a desk (a ticket finished). Borrowed for the call. */
typedef struct {
	const char *kind;   /* "ticket" (a walk-in) or "appointment" (an appointment's ticket) */
	const char *ref;    /* the ticket's id as text, or the appointment's code */
	const char *office; /* office code */
	const char *lang;   /* the person's language: "ca" | "es" | "en" */
	const char *email;  /* where to write (an appointment's address), or NULL */
	int64_t at;         /* when it ended */
} floor_attention_t;

/* Called inside the finishing transaction (an error rolls the finish back). The listener may
 * write into token (65 bytes, "" on entry) the token of a survey page /survey/TOKEN, which the
 * ticket's live page then links to. Register from a start hook, before the server starts (at
 * most 4; the same one twice is a no-op). */
typedef int (*floor_listener_fn)(db_conn_t *c, const floor_attention_t *a, char token[65]);
void floor_listen(floor_listener_fn fn);

/* People waiting now at an office (code), every zone. 0 or an error. */
int floor_waiting_count(db_conn_t *c, const char *office, int64_t *n);

#endif
