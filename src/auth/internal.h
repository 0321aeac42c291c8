/* internal.h — what the files of src/auth/ share. Other capabilities use auth.h. */
#ifndef FIN_AUTH_INTERNAL_H
#define FIN_AUTH_INTERNAL_H

#include "auth/auth.h"
#include "base/gate.h"

#include <stdbool.h>
#include <stdint.h>

/* The guard the capability plugs into the HTTP core (auth.c). */
extern const http_guard_t auth_guard;
/* Sets r->user from the session cookie or a bearer token. 0, or ERR_UNAVAILABLE when storage
 * is down. An expired or unknown token leaves r->user NULL. */
int auth_identify(http_req_t *r);
/* The CSRF token forms on this page must carry: the session's when signed in, otherwise a
 * pre-session token kept in the fin_csrf cookie (set here when missing). Borrowed (arena). */
const char *auth_csrf_token(http_req_t *r);
/* Whether the request carries the right token (form field _csrf or header X-CSRF-Token). */
bool auth_csrf_ok(http_req_t *r);

/* Accounts for the CLI and the demo (no request). */
int auth_user_add(db_conn_t *c, const char *email, const char *name, const char *role, const char *office,
		  const char *password, int64_t *id_out);
/* The same with a hash from auth_hash_password (the demo hashes its one password once). */
int auth_user_add_hashed(db_conn_t *c, const char *email, const char *name, const char *role, const char *office,
			 const char *hash, int64_t *id_out);
/* Creates an API token for the user; writes the token (64 hex chars + NUL) into out. */
int auth_token_create(db_conn_t *c, const char *email, const char *label, char out[65]);
/* Password hashing under one process-wide limit (hash.c): at most auth.max_concurrent_hashes
 * hashes or checks at once, a short queue (auth.hash_queue, one place per client address, each
 * waiting at most auth.hash_wait_ms), the rest refused at once. */
#define AUTH_HASH_LEN 128
/* Applies the settings; once, when the server starts (before that: cores − 1 at once, no queue).
 * Returns the places the gate gives out (turns and waits): the most checks in flight at once. */
unsigned auth_hash_setup(const config_t *cfg);
/* Takes a turn for the client key (its address), waiting for it on this thread: 0, or ERR_BUSY
 * when refused. auth_hash_leave gives it back. For the command line and the demo. */
int auth_hash_enter(const char *key);
void auth_hash_leave(void);
/* The same in steps, for the pages (whose workers must not wait): a place for key, decided at
 * once (0 with *t, or ERR_BUSY); then, on an offload thread, its turn (0 inside, then
 * auth_hash_leave; ERR_BUSY when the wait ran out), or the place given up. */
int auth_hash_join(const char *key, gate_ticket_t **t);
int auth_hash_wait(gate_ticket_t *t);
void auth_hash_cancel(gate_ticket_t *t);
/* Offloaded work (http_offload): with a place joined, wait for its turn, then check a password
 * (rc 1 when it matches, 0 when not; an unknown account, known false, costs the same) or hash one
 * (rc 0 with hash, or ERR_UNAVAILABLE); rc ERR_BUSY when the wait ran out. The password is the
 * copy's tail. */
typedef struct {
	gate_ticket_t *turn;
	int rc;
	bool known;
	int64_t user_id, attempt, now; /* for the page: the account, its try counted, when */
	char hash[AUTH_HASH_LEN];
	char password[];
} auth_check_job_t;
void auth_check_work(void *data);
typedef struct {
	gate_ticket_t *turn;
	int rc;
	char hash[AUTH_HASH_LEN];
	char password[];
} auth_hash_job_t;
void auth_hash_work(void *data);
/* Whether password is the one hash holds (argon2id); hash NULL (an unknown account) spends the
 * same time on a dummy hash and gives false. Within a turn. */
bool auth_password_matches(const char *hash, const char *password);
/* argon2id (libsodium's interactive limits) into out (AUTH_HASH_LEN bytes), taking a turn for
 * key itself: 0, ERR_BUSY (no turn) or ERR_UNAVAILABLE. */
int auth_hash_password(const char *key, const char *password, char out[AUTH_HASH_LEN]);
/* Removes expired sessions and old login attempts (the job). */
int auth_purge(db_conn_t *c);

/* The pages' route table (pages.c). */
extern const http_route_t auth_routes[];

#endif
