/* requests.h — deferred requests (atenció diferida): a question the citizen asks on the web form,
 * or that a 010 / office informer records on their behalf, to be answered later by e-mail, SMS or
 * a phone call in a time window. The citizen gets a code and a status page; staff work a queue
 * with an SLA per topic (requests.sla_hours), assignment, statuses (new, assigned, waiting for the
 * citizen, answered, closed), internal notes, answers sent through the outbox or logged calls;
 * overdue requests escalate to the coordinators (docs/internals/requests.md).
 *
 * Every change runs in ONE transaction with its history row, its messages (notify_enqueue) and,
 * through ctx->audit, its audit record. The functions that change something begin and commit
 * their own transaction: call them outside one.
 *
 * Ownership: strings in out-structures come from ctx->a. Errors: 0 or a negative code from
 * base/err.h; field errors (i18n keys) in a fielderr_t. */
#ifndef FIN_REQUESTS_H
#define FIN_REQUESTS_H

#include "base/arena.h"
#include "base/config.h"
#include "base/fielderr.h"
#include "db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REQUESTS_CODE_LEN 9   /* 8 characters + NUL */
#define REQUESTS_TOKEN_LEN 65 /* 64 hex + NUL */
#define REQUESTS_TEXT_MAX 4000

/* Who acts and with what settings. */
typedef struct {
	db_conn_t *c; /* borrowed; no transaction open */
	arena_t *a;
	const config_t *cfg; /* [requests], server.public_url */
	int64_t now;
	const char *lang;
	int64_t user_id;  /* staff (0: the citizen) */
	const char *user; /* staff e-mail, or NULL for the citizen */
	/* Called inside a change's transaction with what happened ("requests.create", …), the code
	 * and a detail: the web layer writes its audit record with it. NULL: nothing to record. */
	int (*audit)(void *ud, const char *action, const char *code, const char *detail);
	void *audit_ud;
	bool demo; /* demo data: no mails */
} requests_ctx_t;

/* A new request. topic: info | procedure | digital | file | other; service: a procedure code
 * (optional; required with topic "procedure"); answer_by: email | sms | phone (email needs an
 * e-mail, sms and phone a phone number); call_from/call_to "HH:MM" (phone, optional, both or
 * neither). source: web | phone | office | chat (staff record the last three). */
typedef struct {
	const char *service, *topic, *text, *name, *email, *phone, *answer_by, *call_from, *call_to, *lang;
	const char *source;
	const char *chat_ref; /* "chat:12" when it carries a conversation, or NULL */
} requests_input_t;

typedef struct {
	int64_t id;
	char code[REQUESTS_CODE_LEN];
	char token[REQUESTS_TOKEN_LEN]; /* for the status page link: shown once, never stored */
	int64_t due_at;
	const char *status_url; /* PUBLIC/consulta/CODE?token=… (arena) */
} requests_created_t;

/* Validates every field (all errors at once into errs: service, topic, text, name, email, phone,
 * answer_by, call_from, lang, source), links the person (people_link), inserts the request with
 * its due time from the topic's SLA, its first history row and the acknowledgement to the
 * citizen (code and status link) — one transaction. ERR_INVALID with errs filled. */
int requests_create(requests_ctx_t *ctx, const requests_input_t *in, requests_created_t *out, fielderr_t *errs);
/* The same inside the caller's transaction (a chat carried over into a request closes with it). */
int requests_create_tx(requests_ctx_t *ctx, const requests_input_t *in, requests_created_t *out, fielderr_t *errs);

/* How many requests are overdue now (new or assigned past their due time): what the coordinators'
 * board shows. */
int requests_overdue_count(db_conn_t *c, int64_t now, int64_t *n);

/* The SLA of a topic in hours from a requests.sla_hours value: "48, digital=24, padro=12" — a
 * bare number for every topic, KEY=HOURS for a topic or a procedure's category (the category wins
 * when both are given); 1..8760 hours. *hours = 0 when the value is not valid. */
void requests_sla(const char *spec, const char *topic, const char *category, int *hours);
/* Whether a requests.sla_hours value is valid (the config check). */
bool requests_sla_valid(const char *spec);

#endif
