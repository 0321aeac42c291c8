/* store.h — the auth capability's tables: users, sessions, api_tokens, login_attempts,
 * audit_log, settings, media. All SQL of the capability lives in store.c. Strings written into
 * out-structures are allocated from the given arena. */
#ifndef FIN_AUTH_STORE_H
#define FIN_AUTH_STORE_H

#include "base/arena.h"
#include "db/db.h"

#include <jansson.h>
#include <stdint.h>

typedef struct {
	int64_t id;
	const char *email, *name, *role, *office, *password_hash, *csrf;
	int64_t expires_at, last_seen;
} au_row_t;

int au_store_user_insert(db_conn_t *c, const char *email, const char *name, const char *role, const char *office,
			 const char *hash, int64_t now, int64_t *id);
/* ERR_NOT_FOUND when no active user has that e-mail. */
int au_store_user_by_email(db_conn_t *c, arena_t *a, const char *email, au_row_t *out);
/* Users as a JSON array of {id,email,name,role,office,active}. */
int au_store_user_list(db_conn_t *c, json_t **out);

int au_store_session_insert(db_conn_t *c, const char *token_hash, int64_t user_id, const char *csrf, int64_t now,
			    int64_t expires_at, const char *ip);
int au_store_session_get(db_conn_t *c, arena_t *a, const char *token_hash, au_row_t *out);
int au_store_session_touch(db_conn_t *c, const char *token_hash, int64_t now);
int au_store_session_delete(db_conn_t *c, const char *token_hash);

int au_store_token_insert(db_conn_t *c, const char *token_hash, int64_t user_id, const char *label, int64_t now);
int au_store_token_get(db_conn_t *c, arena_t *a, const char *token_hash, au_row_t *out);
int au_store_token_touch(db_conn_t *c, const char *token_hash, int64_t now);

/* A sign-in attempt, counted as failed until au_store_attempt_ok says otherwise: an attempt is
 * counted before its password is checked, so that concurrent guesses cannot outrun the count.
 * ip is the client's key (http_req_t.client_key). *id: the attempt. */
int au_store_attempt_add(db_conn_t *c, const char *email, const char *ip, int64_t now, int64_t *id);
int au_store_attempt_ok(db_conn_t *c, int64_t id);
/* Uncounts an attempt whose password was never checked (no hashing turn in time). */
int au_store_attempt_forget(db_conn_t *c, int64_t id);
/* Inside the transaction that checks and counts: takes the rows of the account+address and of the
 * address (login_guard), so that concurrent attempts from them take turns. */
int au_store_login_guard(db_conn_t *c, const char *email, const char *ip, int64_t now);
/* Failures since `since`: of the account from the address (after its last success from there),
 * and of the address for any account, each with the time of its latest. */
typedef struct {
	int64_t pair, pair_last, addr, addr_last;
} au_failures_t;
int au_store_attempt_failures(db_conn_t *c, const char *email, const char *ip, int64_t since, au_failures_t *out);

int au_store_audit_add(db_conn_t *c, int64_t now, int64_t user_id, const char *actor, const char *action,
		       const char *target, const char *detail, const char *ip);
/* Latest entries first, as a JSON array of {at,actor,action,target,detail,ip}. */
int au_store_audit_list(db_conn_t *c, int limit, json_t **out);

int au_store_setting_get(db_conn_t *c, arena_t *a, const char *key, const char **out);
int au_store_setting_set(db_conn_t *c, const char *key, const char *value, int64_t now);
int au_store_media_put(db_conn_t *c, const char *name, const char *ctype, const void *data, size_t len, int64_t now);
/* *data is new (caller frees). */
int au_store_media_get(db_conn_t *c, const char *name, char **ctype, void **data, size_t *len, int64_t *updated);

int au_store_purge(db_conn_t *c, int64_t now, int64_t attempts_before);

#endif
