/* auth.h — staff identity: sessions, API tokens, CSRF, roles, audit.
 *
 * Sessions are random 256-bit tokens; only their SHA-256 is stored, so a copy of the database
 * yields no live session. API tokens work the same way for `Authorization: Bearer`. Passwords
 * are argon2id (libsodium). Every staff action on personal data calls auth_audit. */
#ifndef FIN_AUTH_H
#define FIN_AUTH_H

#include "db/db.h"
#include "http/http.h"

#include <stdbool.h>

/* Registers /login, /logout, /staff, /admin/users, /admin/audit, /api/v1/me. */
void auth_routes(void);
/* Sets r->user from the session cookie or a bearer token. 0, or ERR_UNAVAILABLE when storage
 * is down. An expired or unknown token leaves r->user NULL. */
int auth_identify(http_req_t *r);
/* The CSRF token forms on this page must carry: the session's when signed in, otherwise a
 * pre-session token kept in the fin_csrf cookie (set here when missing). Borrowed (arena). */
const char *auth_csrf_token(http_req_t *r);
/* Whether the request carries the right token (form field _csrf or header X-CSRF-Token). */
bool auth_csrf_ok(http_req_t *r);
/* Appends an audit record for the signed-in user (or "system"). Errors are logged, not returned:
 * an audit failure never hides the action's own outcome. */
void auth_audit(http_req_t *r, const char *action, const char *target, const char *detail);

/* Adds city_name (the admin's setting, else city.name) and logo_url when a logo exists. */
void auth_branding(http_req_t *r, json_t *model);

/* Role names as stored: "admin", "coordinator", ... 0 for an unknown name. */
role_t auth_role_from_name(const char *name);
const char *auth_role_name(role_t role);

/* Accounts for the CLI and the demo (no request). */
int auth_user_add(db_conn_t *c, const char *email, const char *name, const char *role,
		  const char *office, const char *password, int64_t *id_out);
/* The same with a hash from auth_hash_password (the demo hashes its one password once). */
int auth_user_add_hashed(db_conn_t *c, const char *email, const char *name, const char *role,
			 const char *office, const char *hash, int64_t *id_out);
/* Creates an API token for the user; writes the token (64 hex chars + NUL) into out. */
int auth_token_create(db_conn_t *c, const char *email, const char *label, char out[65]);
/* argon2id (libsodium's interactive limits) into out (AUTH_HASH_LEN bytes). */
#define AUTH_HASH_LEN 128
int auth_hash_password(const char *password, char out[AUTH_HASH_LEN]);
/* Removes expired sessions and old login attempts (jobs). */
int auth_purge(db_conn_t *c);

/* ---- Additions for other capabilities (schedule: staff pickers and demo shifts). */

/* A staff account as pickers show it. */
typedef struct {
	int64_t id;
	const char *email, *name, *role, *office;
} auth_person_t;
/* Active accounts of people (not display or kiosk devices), ordered by role then e-mail, as an
 * arena array. 0 or a storage error. */
int auth_people(db_conn_t *c, arena_t *a, auth_person_t **out, size_t *n);
/* The id of the active account with this e-mail. ERR_NOT_FOUND when there is none. */
int auth_user_id_by_email(db_conn_t *c, const char *email, int64_t *id);

#endif
