/* internal.h — what the requests capability's files share (prefix rq_); other capabilities use
 * requests/requests.h. No HTTP here: web.h has what the web files share. */
#ifndef FIN_REQUESTS_INTERNAL_H
#define FIN_REQUESTS_INTERNAL_H

#include "core/cap.h"
#include "floor/floor.h"
#include "requests/requests.h"

#include <jansson.h>

extern const char *const rq_topics[5];    /* info procedure digital file other */
extern const char *const rq_statuses[5];  /* new assigned waiting answered closed */
extern const char *const rq_answer_by[3]; /* email sms phone */
bool rq_in(const char *v, const char *const *set, size_t n);
#define RQ_IN(v, set) rq_in((v), (set), sizeof(set) / sizeof((set)[0]))

typedef struct {
	int64_t id;
	const char *code, *topic, *text, *name, *email, *phone, *answer_by, *lang, *status;
	int64_t procedure_id;   /* 0: none */
	int call_from, call_to; /* -1: no window */
	int64_t person_id, assignee_id;
	const char *assignee; /* the assignee's e-mail (filled by rq_model from auth), or "" */
	const char *source, *recorded_by, *chat_ref;
	int64_t due_at, escalated_at, created_at, updated_at, answered_at, closed_at;
} rq_t;

typedef struct {
	int64_t id, at;
	const char *kind, *actor, *from_status, *to_status, *channel, *text;
	bool public;
} rq_event_t;

/* ---------------------------------------------------------------- store.c */

/* The row an insert writes (everything checked). */
typedef struct {
	const char *code, *token_hash, *topic, *text, *name, *email, *phone, *answer_by, *lang, *source, *recorded_by,
		*chat_ref;
	int64_t procedure_id, person_id, due_at, now;
	int call_from, call_to;
} rq_row_t;
int rq_store_insert(db_conn_t *c, const rq_row_t *row, int64_t *id);
/* By code; token_hash (may be NULL) gets the stored hash. ERR_NOT_FOUND. */
int rq_store_by_code(db_conn_t *c, arena_t *a, const char *code, rq_t *out, char token_hash[65]);
int rq_store_event_add(db_conn_t *c, int64_t request_id, const rq_event_t *e);
int rq_store_events(db_conn_t *c, arena_t *a, int64_t request_id, bool public_only, rq_event_t **out, size_t *n);
/* The queue: status "" for the open ones (new, assigned, waiting), "all", or one status;
 * assignee 0 for anyone; overdue_only; ordered by due time; at most 500. */
int rq_store_list(db_conn_t *c, arena_t *a, const char *status, int64_t assignee, bool overdue_only, int64_t now,
		  rq_t **out, size_t *n);
/* status from → to (stamping answered_at / closed_at); 1 when moved, 0 when it was not from. */
int rq_store_status(db_conn_t *c, int64_t id, const char *from, const char *to, int64_t now);
int rq_store_assign(db_conn_t *c, int64_t id, int64_t user_id, int64_t now);
/* Overdue requests not escalated yet, stamped escalated_at = now (at most 500); their ids. */
int rq_store_escalate(db_conn_t *c, arena_t *a, int64_t now, int64_t **ids, size_t *n);
int rq_store_by_person(db_conn_t *c, arena_t *a, int64_t person_id, rq_t **out, size_t *n);
/* Blanks the personal fields of a person's requests and the text of their history. */
int rq_store_erase_person(db_conn_t *c, int64_t person_id);
/* Requests closed before `before`: personal fields blanked (retention). *n how many. */
int rq_store_purge(db_conn_t *c, int64_t before, int64_t *n);

/* ---------------------------------------------------------------- requests.c */

/* The request with this code when the token (64 hex) or a contact (its e-mail or phone) matches;
 * staff (ctx->user) need neither. ERR_NOT_FOUND otherwise (an unknown code looks the same). */
int rq_get(requests_ctx_t *ctx, const char *code, const char *token, const char *contact, rq_t *out);

/* What staff do to a request, and the citizen's addition. */
typedef struct {
	const char *action;  /* "assign" | "status" | "note" | "answer" | "call" | "add" (citizen) */
	int64_t assignee;    /* assign: the user (0: the actor) */
	const char *to;      /* status: "waiting" | "closed" | "assigned" (reopen) */
	const char *text;    /* note, answer, call, add */
	const char *channel; /* answer: "email" | "sms" */
	bool ask;            /* answer: it asks the citizen for something (status waiting) */
	const char *outcome; /* call: "answered" | "waiting" | "no_answer" */
} rq_act_t;
/* Applies act to the request in one transaction (history row, message, audit). ERR_INVALID with
 * errs (text, channel, to, outcome, assignee), ERR_CONFLICT when the status does not allow it,
 * ERR_NOT_FOUND. The citizen's "add" needs the same proof as rq_get. */
int rq_act(requests_ctx_t *ctx, const char *code, const char *token, const char *contact, const rq_act_t *act,
	   fielderr_t *errs);

/* The status page / API model: {code, status, topic, service, text, answer_by, created_at,
 * due_at, events:[{at, kind, text, channel}]} (public events only for the citizen). New. */
json_t *rq_model(requests_ctx_t *ctx, const rq_t *r, bool staff);
/* A queue as JSON: the staff model of each, without their events. New. */
json_t *rq_list_json(requests_ctx_t *ctx, const rq_t *v, size_t n);
/* The job: escalates what became overdue (history row, bus event for the board) and purges what
 * was closed longer than requests.keep_days ago. */
struct app;
int rq_job(struct app *app, db_conn_t *c, int64_t now);
int rq_timeline(struct app *app, db_conn_t *c, cap_tl_t *tl);
/* The coordinators' board of the office floor: deferred requests overdue now, following the
 * requests.board topic (floor/floor.h floor_board_card). */
int rq_board_card(db_conn_t *c, arena_t *a, const char *lang, int64_t now, floor_board_card_t *out);
int rq_erase(struct app *app, db_conn_t *c, const int64_t *ids, size_t n, int64_t now);
/* demo.c: requests at every status, one of them overdue. */
int rq_demo_seed(struct app *app, db_conn_t *c, int64_t now, FILE *out);

/* history.c: demo.history_days of deferred requests (core/demo.h); a seed step. */
typedef struct {
	char code[9], token_hash[32], name[32]; /* name: "" when blanked */
	const char *topic, *text, *lang, *status, *source;
	int64_t due_at, escalated_at, created_at, answered_at, closed_at; /* 0: none */
} rq_history_t;
int rq_history_seed(struct app *app, db_conn_t *c, int64_t now, FILE *out);
struct demo_batch *rq_store_history_batch(db_conn_t *c);
int rq_store_history_add(struct demo_batch *b, const rq_history_t *x);
/* server.public_url without a trailing slash. */
const char *rq_public(requests_ctx_t *ctx);
/* "09:00" or "" → minutes (-1 for ""); ERR_INVALID. */
int rq_hhmm(const char *s, int *min);

/* store_figures.c: what requests count for src/figures (cap_t.figures). */
extern const cap_figure_t rq_figures[];

#endif
