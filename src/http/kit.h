/* kit.h — what handlers share beyond the request itself: one transaction helper that maps a
 * conflict to a field error and rolls back on every failure, one rate limiter for pages and API,
 * and field errors (base/fielderr.h) as a JSON reply.
 *
 * With the route flag RT_DB the core has already taken the storage connection (r->db) and
 * answered 503 itself when there is none; a handler of such a route never checks for it. */
#ifndef FIN_HTTP_KIT_H
#define FIN_HTTP_KIT_H

#include "base/fielderr.h"
#include "http/http.h"

#include <stdbool.h>

/* http_tx's answer when it has replied (503) and the handler must return at once. */
#define HTTP_TX_ANSWERED 1

/* The change to run in one transaction; 0 or an error code. */
typedef int (*http_tx_fn)(http_req_t *r, void *ud);
/* Runs fn on r->db (an RT_DB route) inside one transaction: commits when fn returns 0 and rolls
 * back on every failure, fn's or the commit's. Returns
 *   0                 committed;
 *   ERR_INVALID       fn found input to show again (it filled errs): rolled back;
 *   ERR_CONFLICT      a unique key or a state clash: rolled back; when conflict_field is given,
 *                     (conflict_field, conflict_key) is added to errs and the answer is ERR_INVALID;
 *   ERR_NOT_FOUND, ERR_PERM   rolled back, for the caller to answer (404, 403);
 *   HTTP_TX_ANSWERED  any other failure (storage): rolled back, logged, 503 answered.
 * errs may be NULL when conflict_field is. */
int http_tx(http_req_t *r, http_tx_fn fn, void *ud, fielderr_t *errs, const char *conflict_field,
	    const char *conflict_key);
/* The audit record of the change the next http_tx makes: written with the guard's audit hook
 * inside that transaction, once fn succeeded, so that the change and its record commit together
 * or not at all. Call it before http_tx, or inside fn when the target is only known there.
 * Copied; a later call replaces it. */
void http_tx_audit(http_req_t *r, const char *action, const char *target, const char *detail);
/* http_tx for a change that shows no form: true when committed; otherwise every failure has been
 * answered (404, 403, 409 for a conflict, 422 for ERR_INVALID, 503) and the handler returns. */
bool http_tx_ok(http_req_t *r, http_tx_fn fn, void *ud);

/* One rate limiter per node for every route, pages and API alike: requests are counted per
 * client address and bucket ("booking.read"), so a client that alternates between the pages and
 * the API of one capability spends one budget. Counts one request; true when it is within limit
 * requests per window seconds (limit <= 0: no limit). When over, Retry-After is added to the
 * response and *retry_after (may be NULL) gets the seconds to wait; the handler answers 429 in
 * its own words. */
bool http_rate_ok(http_req_t *r, const char *bucket, int limit, int window, int *retry_after);

/* {"error": code, "message": msg(key), "fields": {field: msg(key)}} in the request's language
 * ("fields" only when there are some), with status. */
void http_reply_fields(http_req_t *r, int status, const char *code, const char *key, const fielderr_t *fields);
/* 404 and 503 in the request's language (a page, or JSON for API routes). */
void http_reply_not_found(http_req_t *r);
void http_reply_unavailable(http_req_t *r);
/* The answer to a failed look-up: 404 for ERR_NOT_FOUND, 403 for ERR_PERM, else 503 (logged). */
void http_reply_failed(http_req_t *r, int rc);

/* The translation of the key printf(fmt, …) builds ("cat_kind_%s"). Borrowed or arena. */
const char *http_tf(http_req_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* msg (already translated) with its placeholder {name} filled with value (i18n_subst). Arena. */
const char *http_subst(http_req_t *r, const char *msg, const char *name, const char *value);
/* The translation of key with its {name} placeholders filled from vars (name, value pairs ending
 * with NULL; i18n_subst). Arena. */
const char *http_tv(http_req_t *r, const char *key, const char *const *vars);
/* The form of plural entry key for the count n (i18n_nget: "1 minut", "2 minuts"), with {n} and
 * the placeholders of vars (may be NULL) filled in. Arena. */
const char *http_tn(http_req_t *r, const char *key, long n, const char *const *vars);

/* The sentence of key with the city's help line (city.phone) in place of its "{phone}", as the
 * parts of a tel: link: {before, number, tel, after} (tel: digits and a leading +). New. */
json_t *http_phone_text(http_req_t *r, const char *key);

/* An instant as staff read it: in the city's time zone (Europe/Madrid) and the request's
 * language, "dilluns 07/12/2026, 09:30". "" for t <= 0. Arena. */
const char *http_local_time(http_req_t *r, int64_t t);

/* The name of something a page knows only by its code ("office", "centre" → "OAC Centre"), in the
 * request's language. The capability that owns such codes installs the namer when it starts (one
 * for the process); without one, or for an unknown code, the code itself. Borrowed or arena. */
typedef const char *(*http_namer_fn)(http_req_t *r, const char *kind, const char *code);
void http_set_namer(http_namer_fn fn);
const char *http_name_of(http_req_t *r, const char *kind, const char *code);

#endif
