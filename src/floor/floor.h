/* floor.h — the office floor: welcome triage, numbered tickets per office, zone and day, desks
 * that call them in one fair order, call displays, the live position page and the coordinator
 * board (docs/internals/floor.md, docs/api.md "Office floor").
 *
 * What other capabilities (later in the table) may use: issuing a ticket from another channel
 * (a kiosk) and announcing it; a listener told when an attention at a desk ends, so that the
 * satisfaction survey can offer itself; and the number of people waiting. Nothing here opens a
 * transaction. */
#ifndef FIN_FLOOR_H
#define FIN_FLOOR_H

#include "base/arena.h"
#include "base/fielderr.h"
#include "db/db.h"

#include <stdbool.h>
#include <stdint.h>

struct config;
struct bus;

/* ---------------------------------------------------------------- tickets from other channels */

/* A ticket asked for by a kiosk (or any channel), as the API's POST /api/v1/offices/{office}/
 * tickets body. Borrowed for the call. */
typedef struct {
	const char *office, *zone; /* codes, as in GET /api/v1/offices/{office} */
	const char *service;       /* procedure code; NULL or "": not sure */
	const char *age_band;      /* "under_30" | "30_50" | "over_50" | NULL */
	const char *gender;        /* "woman" | "man" | "other" | "not_stated" | NULL */
	const char *lang;          /* the person's language "ca" | "es" | "en" | NULL */
	int autonomous;            /* 1, 0, -1 not said */
	const char *priority;      /* comma list: reduced_mobility, disability, pregnancy, advanced_age, other */
	const char *channel;       /* "kiosk", "welcome", "api" (history and figures) */
	/* Who the person is, when they say (each NULL or ""): the ticket links to their citizen
	 * record (people/people.h). */
	const char *name, *id_number, *email, *phone;
	int64_t user_id;   /* the issuing account, 0 for none */
	const char *actor; /* history rows: the account's e-mail, or "kiosk" */
	int64_t now;
} floor_ticket_in_t;

/* The ticket issued. Strings in the arena given to floor_ticket_issue. Its live page is
 * PUBLIC/floor/t/ID?token=TOKEN and its 80 mm PDF /floor/t/ID/ticket.pdf?token=TOKEN (the token
 * is shown once: only its hash is stored). On a refusal, error is the API's error code
 * ("invalid" with fields, "quota_reached", "issuing_closed", "not_found") and error_key its
 * message key (floor's catalogue), to show in the person's language. */
typedef struct {
	int64_t id, office_id, zone_id;
	const char *number; /* "B014" */
	const char *zone;   /* zone code */
	int64_t ahead, estimated_wait_min;
	char token[65];
	const char *error, *error_key;
	fielderr_t fields;
} floor_ticket_t;

/* Issues a ticket inside the caller's transaction (the caller records the audit, e.g.
 * http_tx_audit "floor.issue"): the same rules as the API (numbering, quota, closed issuing,
 * field checks). 0; ERR_INVALID, ERR_CONFLICT,
 * ERR_NOT_FOUND with out->error set (roll back); storage errors. cfg may be NULL (defaults). */
int floor_ticket_issue(db_conn_t *c, arena_t *a, const struct config *cfg, const floor_ticket_in_t *in,
		       floor_ticket_t *out);
/* After the commit: tells the office's live pages, desks and board (on every node) that its
 * queue grew. A failure loses nothing (logged). */
void floor_ticket_announce(struct bus *bus, db_conn_t *c, arena_t *a, const struct config *cfg, const floor_ticket_t *t,
			   int64_t now);

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

/* ---------------------------------------------------------------- the board's cards
 * A capability later in the table puts a count of its own on the coordinators' board (deferred
 * requests overdue, …) without floor knowing it: a card is asked for each time the board is
 * drawn, and the board follows the card's bus topic live. */
typedef struct {
	const char *label;         /* in the language asked for */
	int64_t count;             /* what the card counts now */
	bool alert;                /* the count needs someone's attention */
	const char *href;          /* the staff page behind the count, or NULL */
	const char *topic, *event; /* the bus topic and event name that say the count changed, or NULL */
} floor_board_card_t;
/* Fills *out (strings in a, lang "ca" | "es" | "en"). 0 or an error (the card is left out). */
typedef int (*floor_board_fn)(db_conn_t *c, arena_t *a, const char *lang, int64_t now, floor_board_card_t *out);
/* Register from a start hook, before the server starts (at most 4; the same one twice is a
 * no-op). Cards are shown in the order registered. */
void floor_board_card(floor_board_fn fn);

/* People waiting now at an office (code), every zone. 0 or an error. */
int floor_waiting_count(db_conn_t *c, const char *office, int64_t *n);

#endif
