/* auth.h — staff identity: accounts and roles, sessions, API tokens, CSRF, the audit log, and
 * the city's branding (name and logo). Other capabilities use what is below; the rest is auth's
 * own (auth/internal.h).
 *
 * Sessions are random 256-bit tokens; only their SHA-256 is stored, so a copy of the database
 * yields no live session. API tokens work the same way for `Authorization: Bearer`. Passwords
 * are argon2id (libsodium). The capability plugs its guard into the HTTP core when it starts
 * (http_set_guard): who the request is, its CSRF token, the user and branding on every page.
 * Every staff action on personal data calls auth_audit. */
#ifndef FIN_AUTH_H
#define FIN_AUTH_H

#include "base/arena.h"
#include "db/db.h"
#include "http/http.h"

#include <stdbool.h>

/* Appends an audit record for the signed-in user (or "system"). Errors are logged, not returned:
 * an audit failure never hides the action's own outcome. */
/* Writes one audit record on the request's connection; 0 or an error. Inside a change, prefer
 * http_tx_audit (the record then commits with the change); a failure here is logged. */
int auth_audit(http_req_t *r, const char *action, const char *target, const char *detail);

/* Writes one audit record outside a request (a job, the demo, a citizen's action that has no
 * account): actor is "job", "citizen", …; user_id is 0. 0 or an error (not logged). */
int auth_audit_as(db_conn_t *c, int64_t at, const char *actor, const char *action, const char *target,
		  const char *detail, const char *ip);

/* Adds city_name (the admin's setting, else city.name) and logo_url when a logo exists. */
void auth_branding(http_req_t *r, json_t *model);

/* The city's logo as uploaded in the settings: *data (new, free()), *len and *ctype (new,
 * "image/png" or "image/jpeg"). ERR_NOT_FOUND when there is none, or a storage error. For
 * documents that print the city's header (certificates). */
int auth_logo(db_conn_t *c, unsigned char **data, size_t *len, char **ctype);

/* Role names as stored: "admin", "coordinator", ... 0 for an unknown name. */
role_t auth_role_from_name(const char *name);
const char *auth_role_name(role_t role);

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
