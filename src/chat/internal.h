/* internal.h — what the chat capability's files share (prefix ch_); other capabilities use
 * chat/chat.h. No HTTP here: web.h has what the web files share. */
#ifndef FIN_CHAT_INTERNAL_H
#define FIN_CHAT_INTERNAL_H

#include "base/arena.h"
#include "base/config.h"
#include "base/fielderr.h"
#include "chat/chat.h"
#include "core/cap.h"
#include "requests/requests.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CH_TOKEN_LEN 65
#define CH_NAME_MAX 100

extern const char *const ch_outcomes[5]; /* resolved appointment request referred abandoned */

/* Who acts, with what settings. */
typedef struct {
	db_conn_t *c; /* no transaction open */
	arena_t *a;
	struct app *app; /* settings, the bus (events go out after each commit) */
	int64_t now;
	const char *lang;
	int64_t user_id;              /* staff (0: the citizen) */
	const char *user, *user_name; /* staff e-mail and name */
	bool coordinator;             /* may act on another agent's conversation */
	const char *client;           /* the citizen's address, hashed (the per-address cap) */
	int (*audit)(void *ud, const char *action, int64_t chat_id, const char *detail);
	void *audit_ud;
	bool demo;
} ch_ctx_t;

typedef struct {
	int64_t id, procedure_id, office_id, person_id, agent_id;
	const char *status, *name, *email, *lang, *outcome, *request_code;
	bool transcript;
	int64_t created_at, taken_at, closed_at, offered_at, seen_at;
} ch_chat_t;

typedef struct {
	int64_t id, at;
	const char *sender, *author, *text;
} ch_msg_t;

typedef struct {
	int64_t id, procedure_id;
	const char *title, *body;
} ch_reply_t;

typedef struct {
	int64_t id, office_id;
	int weekday, open_min, close_min;
	bool holidays;
} ch_hours_t;

/* ---------------------------------------------------------------- store.c */

typedef struct {
	const char *token_hash, *name, *email, *lang, *client;
	int64_t procedure_id, office_id, person_id, now;
	bool transcript;
} ch_row_t;
int ch_store_insert(db_conn_t *c, const ch_row_t *row, int64_t *id);
/* The chat; token_hash (may be NULL) gets the stored hash. ERR_NOT_FOUND. */
int ch_store_get(db_conn_t *c, arena_t *a, int64_t id, ch_chat_t *out, char token_hash[65]);
int ch_store_msg_add(db_conn_t *c, int64_t chat_id, const char *sender, int64_t user_id, const char *author,
		     const char *text, int64_t at, int64_t *id);
/* Messages after after_id, oldest first, at most 500. */
int ch_store_msgs(db_conn_t *c, arena_t *a, int64_t chat_id, int64_t after_id, ch_msg_t **out, size_t *n);
/* status from → to with the agent, stamping taken_at / closed_at; 1 moved, 0 when not from. */
int ch_store_move(db_conn_t *c, int64_t id, const char *from, const char *to, int64_t agent, const char *outcome,
		  int64_t now);
int ch_store_seen(db_conn_t *c, int64_t id, int64_t now);
int ch_store_person(db_conn_t *c, int64_t id, int64_t person);
int ch_store_transcript(db_conn_t *c, int64_t id, const char *email);
int ch_store_request(db_conn_t *c, int64_t id, const char *code);
/* Waiting chats of the office created before (or at) id: the place in the queue. */
int ch_store_position(db_conn_t *c, int64_t office_id, int64_t id, int64_t *pos);
/* Open chats of an agent; waiting or open chats of a client. */
int ch_store_agent_load(db_conn_t *c, int64_t agent, int64_t *n);
int ch_store_client_load(db_conn_t *c, const char *client, int64_t *n);
/* The inbox: chats by status ("waiting" | "open" | "closed"), agent 0 for any; newest last. */
int ch_store_list(db_conn_t *c, arena_t *a, const char *status, int64_t agent, int limit, ch_chat_t **out, size_t *n);
/* The office's queue, first come first. */
int ch_store_waiting(db_conn_t *c, arena_t *a, int64_t office_id, ch_chat_t **out, size_t *n);
/* Waiting chats created before `before` not offered yet, stamped offered_at = now. */
int ch_store_offer_due(db_conn_t *c, arena_t *a, int64_t before, int64_t now, int64_t **ids, size_t *n);
/* Chats not closed whose citizen was last seen before `before`. */
int ch_store_idle(db_conn_t *c, arena_t *a, int64_t before, int64_t **ids, size_t *n);
int ch_store_by_person(db_conn_t *c, arena_t *a, int64_t person_id, ch_chat_t **out, size_t *n);
int ch_store_erase_person(db_conn_t *c, int64_t person_id);
int ch_store_purge(db_conn_t *c, int64_t before, int64_t *n);
int ch_store_replies(db_conn_t *c, arena_t *a, int64_t procedure_id, ch_reply_t **out, size_t *n);
int ch_store_reply_add(db_conn_t *c, int64_t procedure_id, const char *title, const char *body, const char *by,
		       int64_t now, int64_t *id);
int ch_store_reply_delete(db_conn_t *c, int64_t id);
int ch_store_hours(db_conn_t *c, arena_t *a, int64_t office_id, ch_hours_t **out, size_t *n);
int ch_store_hours_add(db_conn_t *c, const ch_hours_t *h, int64_t *id);
int ch_store_hours_delete(db_conn_t *c, int64_t id);

/* ---------------------------------------------------------------- hours.c */

/* Whether the office answers chats at now: its chat hours (holidays and closures close it unless
 * the row says otherwise), or its opening hours when it has none. */
int ch_open_at(db_conn_t *c, arena_t *a, int64_t office_id, int64_t now, bool *open);
/* The virtual office that serves the procedure now (one listed for it, else any active one): the
 * first open one, else the first. ERR_NOT_FOUND when the procedure has no chat or there is no
 * virtual office. */
int ch_office_for(db_conn_t *c, arena_t *a, const char *service, int64_t now, int64_t *procedure_id, int64_t *office_id,
		  bool *open);
/* The chat hours of the office as a page model: [{day, from, to, holidays}] ("" hours: its opening
 * hours apply). New. */
json_t *ch_hours_model(db_conn_t *c, arena_t *a, int64_t office_id, const char *lang);

/* ---------------------------------------------------------------- chat.c */

typedef struct {
	const char *service, *name, *email, *lang, *text;
	bool transcript;
} ch_input_t;

/* A new conversation with its first message. ERR_INVALID (errs: service, name, email, text,
 * lang), ERR_UNAVAILABLE (closed now), ERR_BUSY (this address has chat.max_per_client going). */
int ch_create(ch_ctx_t *ctx, const ch_input_t *in, int64_t *id, char token[CH_TOKEN_LEN], fielderr_t *errs);
/* The chat when the token matches (staff need none). ERR_NOT_FOUND. */
int ch_get(ch_ctx_t *ctx, int64_t id, const char *token, ch_chat_t *out);
/* A message from the actor: the citizen while waiting or open, the agent of an open chat (or a
 * coordinator). ERR_INVALID (errs: text), ERR_CONFLICT (closed), ERR_PERM. */
int ch_say(ch_ctx_t *ctx, const ch_chat_t *chat, const char *text, int64_t *msg_id, fielderr_t *errs);
int ch_take(ch_ctx_t *ctx, int64_t id);
/* to 0: back to the queue. ERR_BUSY when to has chat.max_per_agent open. */
int ch_transfer(ch_ctx_t *ctx, int64_t id, int64_t to);
/* outcome: one of ch_outcomes for staff, "left" for the citizen. Sends the transcript when asked. */
int ch_close(ch_ctx_t *ctx, int64_t id, const char *outcome);
/* Carries the conversation into a deferred request and closes it (one transaction). */
int ch_defer(ch_ctx_t *ctx, const ch_chat_t *chat, const requests_input_t *in, requests_created_t *out,
	     fielderr_t *errs);
/* The citizen asks for the transcript (to email, or the one given at the start). */
int ch_want_transcript(ch_ctx_t *ctx, const ch_chat_t *chat, const char *email);
/* Staff link the conversation to a person's record. */
int ch_identify(ch_ctx_t *ctx, int64_t id, int64_t person_id);
/* {"status","position","offer","agent","requests_url"} of a chat (position 0 unless waiting). */
json_t *ch_status_json(ch_ctx_t *ctx, const ch_chat_t *chat);
json_t *ch_msg_json(const ch_msg_t *m);
/* The parts of a message's text (UTF-8, as text_clean leaves it) — for a staff message: [{text}]
 * and [{href, text}] for its http(s) links; a citizen's is
 * one text part (links only from staff). New. */
json_t *ch_parts(const char *text, bool links);
/* The requests page for a chat's procedure. Arena. */
const char *ch_requests_url(ch_ctx_t *ctx, int64_t procedure_id);
/* Bus events after a commit: to the conversation and to the inbox; the new places of a queue. */
void ch_publish(ch_ctx_t *ctx, int64_t chat_id, const char *type, json_t *data);
void ch_publish_status(ch_ctx_t *ctx, int64_t chat_id);
void ch_publish_queue(ch_ctx_t *ctx, int64_t office_id);

/* ---------------------------------------------------------------- job.c */

int ch_job(struct app *app, db_conn_t *c, int64_t now);
int ch_timeline(struct app *app, db_conn_t *c, cap_tl_t *tl);
int ch_erase(struct app *app, db_conn_t *c, const int64_t *ids, size_t n, int64_t now);
int ch_demo_seed(struct app *app, db_conn_t *c, int64_t now, FILE *out);

/* history.c: demo.history_days of closed chats (core/demo.h); a seed step. */
typedef struct {
	char token_hash[32], name[32]; /* name: "" when blanked */
	const char *procedure, *lang, *outcome;
	int64_t created_at, taken_at, closed_at; /* taken_at 0: nobody took it */
} ch_history_t;
int ch_history_seed(struct app *app, db_conn_t *c, int64_t now, FILE *out);
struct demo_batch *ch_store_history_batch(db_conn_t *c);
int ch_store_history_add(struct demo_batch *b, const ch_history_t *x);

/* store_figures.c: what the chat counts for src/figures (cap_t.figures). */
extern const cap_figure_t ch_figures[];

#endif
