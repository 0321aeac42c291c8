#include "auth/internal.h"

#include "app.h"
#include "auth/store.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/rand.h"
#include "base/str.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

role_t auth_role_from_name(const char *name)
{
	return http_role_from_name(name);
}

const char *auth_role_name(role_t role)
{
	return http_role_name(role);
}

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

/* ---------------------------------------------------------------- identity */

static http_user_t *user_from_row(http_req_t *r, const au_row_t *row, bool bearer)
{
	http_user_t *u = arena_alloc(r->arena, sizeof *u);
	u->id = row->id;
	u->email = row->email;
	u->name = row->name;
	u->role = auth_role_from_name(row->role);
	u->office = row->office;
	u->csrf = row->csrf;
	u->bearer = bearer;
	return u->role ? u : NULL;
}

int auth_identify(http_req_t *r)
{
	const char *authz = http_header(r, "Authorization");
	const char *cookie = kv_get(&r->cookies, "fin_session");
	bool bearer = authz && strncasecmp(authz, "Bearer ", 7) == 0;
	if (!bearer && !cookie)
		return 0;
	db_conn_t *c = http_db(r);
	if (!c)
		return ERR_UNAVAILABLE;
	char hash[RAND_TOKEN_HEX_LEN];
	au_row_t row;
	int64_t now = now_s();
	if (bearer) {
		const char *tok = authz + 7;
		while (*tok == ' ')
			tok++;
		rand_token_hash(tok, hash);
		int rc = au_store_token_get(c, r->arena, hash, &row);
		if (rc == ERR_NOT_FOUND)
			return 0;
		if (rc)
			return ERR_UNAVAILABLE;
		r->user = user_from_row(r, &row, true);
		if (row.last_seen < now - 60)
			au_store_token_touch(c, hash, now);
		return 0;
	}
	rand_token_hash(cookie, hash);
	int rc = au_store_session_get(c, r->arena, hash, &row);
	if (rc == ERR_NOT_FOUND)
		return 0;
	if (rc)
		return ERR_UNAVAILABLE;
	int64_t idle = config_int(r->app->cfg, "session.idle");
	if (row.expires_at <= now || row.last_seen + idle <= now) {
		au_store_session_delete(c, hash);
		return 0;
	}
	r->user = user_from_row(r, &row, false);
	/* Sliding idle expiry, written at most once a minute rather than on every request. */
	if (row.last_seen < now - 60)
		au_store_session_touch(c, hash, now);
	return 0;
}

/* ---------------------------------------------------------------- CSRF */

/* The request's secret: the session's, or the pre-session cookie's (made on first need). */
static const char *csrf_secret(http_req_t *r)
{
	if (r->user && !r->user->bearer)
		return r->user->csrf;
	const char *t = kv_get(&r->cookies, "fin_csrf");
	if (t && strlen(t) == 64)
		return t;
	char *fresh = arena_alloc(r->arena, RAND_TOKEN_HEX_LEN);
	rand_token_hex(fresh);
	http_set_cookie(r, "fin_csrf", fresh, 86400, COOKIE_HTTPONLY | COOKIE_STRICT);
	/* Later calls in this request must see the same token. */
	kv_add(r->arena, &r->cookies, "fin_csrf", fresh, 64);
	return fresh;
}

#define SECRET_BYTES 32

/* What a page carries is the secret masked afresh each time: a random mask, then the secret XOR
 * the mask, both in hex (128 characters). Pages are sent compressed, and a compressed page that
 * also echoes what a visitor typed could otherwise give the secret away byte by byte to someone
 * who sees only the sizes on the wire (BREACH); a mask that changes every time leaves nothing
 * to match. */
const char *auth_csrf_token(http_req_t *r)
{
	const char *secret = csrf_secret(r);
	unsigned char raw[SECRET_BYTES], mask[SECRET_BYTES];
	if (strlen(secret) != 2 * SECRET_BYTES ||
	    sodium_hex2bin(raw, sizeof raw, secret, 2 * SECRET_BYTES, NULL, NULL, NULL) != 0)
		return secret;
	randombytes_buf(mask, sizeof mask);
	for (size_t i = 0; i < sizeof raw; i++)
		raw[i] ^= mask[i];
	char *out = arena_alloc(r->arena, 4 * SECRET_BYTES + 1);
	str_hex(mask, sizeof mask, out);
	str_hex(raw, sizeof raw, out + 2 * SECRET_BYTES);
	return out;
}

static bool token_eq(const char *a, const char *b)
{
	size_t n = strlen(a);
	return n == 64 && strlen(b) == n && sodium_memcmp(a, b, n) == 0;
}

/* A token as sent back: masked (auth_csrf_token) or, from clients that keep the secret
 * itself, plain. The secret in hex in out, or "" when it is neither. */
static void unmask(const char *sent, char out[2 * SECRET_BYTES + 1])
{
	unsigned char mask[SECRET_BYTES], raw[SECRET_BYTES];
	out[0] = '\0';
	size_t n = strlen(sent);
	if (n == 2 * SECRET_BYTES) {
		memcpy(out, sent, n + 1);
	} else if (n == 4 * SECRET_BYTES &&
		   sodium_hex2bin(mask, sizeof mask, sent, 2 * SECRET_BYTES, NULL, NULL, NULL) == 0 &&
		   sodium_hex2bin(raw, sizeof raw, sent + 2 * SECRET_BYTES, 2 * SECRET_BYTES, NULL, NULL, NULL) == 0) {
		for (size_t i = 0; i < sizeof raw; i++)
			raw[i] ^= mask[i];
		str_hex(raw, sizeof raw, out);
	}
}

bool auth_csrf_ok(http_req_t *r)
{
	const char *sent = http_form(r, "_csrf");
	if (!sent)
		sent = http_header(r, "X-CSRF-Token");
	if (!sent)
		return false;
	const char *want = (r->user && !r->user->bearer) ? r->user->csrf : kv_get(&r->cookies, "fin_csrf");
	char got[2 * SECRET_BYTES + 1];
	unmask(sent, got);
	return want && token_eq(want, got);
}

/* ---------------------------------------------------------------- the guard */

/* What every page shows: the branding, and the signed-in user with the session's CSRF token. */
static void page_model(http_req_t *r, json_t *m)
{
	auth_branding(r, m);
	if (!r->user)
		return;
	role_t role = r->user->role;
	json_object_set_new(m, "csrf", json_string(auth_csrf_token(r)));
	json_object_set_new(m, "user",
			    jpack("{s:s,s:s,s:s,s:s}", "email", r->user->email, "name", r->user->name, "role",
				  auth_role_name(role), "office", r->user->office));
	json_object_set_new(m, "is_admin", json_boolean(role & ROLE_ADMIN));
	json_object_set_new(m, "is_staff", json_true());
	/* A kiosk's screens wear the kiosk's frame (templates/kiosk/, static/kiosk.*). */
	json_object_set_new(m, "is_kiosk", json_boolean(role & ROLE_KIOSK));
}

/* ---------------------------------------------------------------- audit */

int auth_audit(http_req_t *r, const char *action, const char *target, const char *detail)
{
	db_conn_t *c = http_db(r);
	int rc = c ? au_store_audit_add(c, now_s(), r->user ? r->user->id : 0, r->user ? r->user->email : "system",
					action, target ? target : "", detail ? detail : "", r->client_ip)
		   : ERR_UNAVAILABLE;
	if (rc)
		log_error("audit: could not record %s on %s", action, target ? target : "");
	return rc;
}

int auth_audit_as(db_conn_t *c, int64_t at, const char *actor, const char *action, const char *target,
		  const char *detail, const char *ip)
{
	return au_store_audit_add(c, at, 0, actor, action, target ? target : "", detail ? detail : "", ip ? ip : "");
}

int auth_logo(db_conn_t *c, unsigned char **data, size_t *len, char **ctype)
{
	int64_t updated = 0;
	void *d = NULL;
	int rc = au_store_media_get(c, "logo", ctype, &d, len, &updated);
	if (rc == 0)
		*data = d;
	return rc;
}

const http_guard_t auth_guard = {auth_identify, auth_csrf_token, auth_csrf_ok, page_model, auth_audit};

/* ---------------------------------------------------------------- accounts */

int auth_user_add_hashed(db_conn_t *c, const char *email, const char *name, const char *role, const char *office,
			 const char *hash, int64_t *id_out)
{
	if (!auth_role_from_name(role))
		return ERR_INVALID;
	char lower[256];
	size_t n = strlen(email);
	if (n >= sizeof lower)
		return ERR_INVALID;
	for (size_t i = 0; i <= n; i++)
		lower[i] = (char)tolower((unsigned char)email[i]);
	return au_store_user_insert(c, lower, name, role, office ? office : "", hash, now_s(), id_out);
}

int auth_user_add(db_conn_t *c, const char *email, const char *name, const char *role, const char *office,
		  const char *password, int64_t *id_out)
{
	if (!auth_role_from_name(role))
		return ERR_INVALID;
	char hash[AUTH_HASH_LEN];
	int rc = auth_hash_password("local", password, hash);
	if (rc)
		return rc;
	return auth_user_add_hashed(c, email, name, role, office, hash, id_out);
}

int auth_token_create(db_conn_t *c, const char *email, const char *label, char out[65])
{
	arena_t *a = arena_new();
	au_row_t row;
	int rc = au_store_user_by_email(c, a, email, &row);
	if (rc == 0) {
		char hash[RAND_TOKEN_HEX_LEN];
		rand_token_hex(out);
		rand_token_hash(out, hash);
		rc = au_store_token_insert(c, hash, row.id, label ? label : "", now_s());
	}
	arena_free(a);
	return rc;
}

int auth_purge(db_conn_t *c)
{
	int64_t now = now_s();
	return au_store_purge(c, now, now - 7 * 86400);
}

/* ---------------------------------------------------------------- for other capabilities */

int auth_people(db_conn_t *c, arena_t *a, auth_person_t **out, size_t *n)
{
	json_t *list = NULL;
	int rc = au_store_user_list(c, &list);
	if (rc)
		return rc;
	size_t cap = json_array_size(list), k = 0, i;
	auth_person_t *p = arena_alloc(a, (cap ? cap : 1) * sizeof *p);
	json_t *u;
	json_array_foreach (list, i, u) {
		const char *role = json_string_value(json_object_get(u, "role"));
		if (!json_is_true(json_object_get(u, "active")) || !(auth_role_from_name(role) & ROLE_PEOPLE))
			continue;
		p[k].id = (int64_t)json_integer_value(json_object_get(u, "id"));
		p[k].email = arena_strdup(a, json_string_value(json_object_get(u, "email")));
		p[k].name = arena_strdup(a, json_string_value(json_object_get(u, "name")));
		p[k].role = arena_strdup(a, role);
		p[k].office = arena_strdup(a, json_string_value(json_object_get(u, "office")));
		k++;
	}
	json_decref(list);
	*out = p;
	*n = k;
	return 0;
}

int auth_user_id_by_email(db_conn_t *c, const char *email, int64_t *id)
{
	arena_t *a = arena_new();
	au_row_t row;
	int rc = au_store_user_by_email(c, a, email, &row);
	if (rc == 0)
		*id = row.id;
	arena_free(a);
	return rc;
}

int auth_city_name_get(db_conn_t *c, arena_t *a, const config_t *cfg, const char **out)
{
	const char *v = NULL;
	int rc = c ? au_store_setting_get(c, a, "city.name", &v) : ERR_NOT_FOUND;
	if (rc && rc != ERR_NOT_FOUND)
		return rc;
	*out = rc == 0 && v && *v ? v : config_str(cfg, "city.name");
	return 0;
}

const char *auth_city_name(db_conn_t *c, arena_t *a, const config_t *cfg)
{
	const char *v = NULL;
	return auth_city_name_get(c, a, cfg, &v) == 0 ? v : config_str(cfg, "city.name");
}
