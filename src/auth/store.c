#include "auth/store.h"

#include "base/err.h"
#include "base/json.h"
#include "base/mem.h"

#include <stdio.h>
#include <string.h>

int au_store_user_insert(db_conn_t *c, const char *email, const char *name, const char *role, const char *office,
			 const char *hash, int64_t now, int64_t *id)
{
	db_param_t p[] = {DB_TEXT(email), DB_TEXT(name), DB_TEXT(role), DB_TEXT(office), DB_TEXT(hash), DB_INT(now)};
	int64_t v = 0;
	int rc = db_query_int(c,
			      "INSERT INTO users (email, name, role, office, password_hash, active, created_at, "
			      "updated_at) "
			      "VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING id",
			      p, 6, &v);
	if (rc == 0 && id)
		*id = v;
	return rc;
}

typedef struct {
	arena_t *a;
	au_row_t *o;
	int with_session;
} fill_t;

static int fill_row(db_res_t *res, void *ud)
{
	fill_t *x = ud;
	arena_t *a = x->a;
	au_row_t *o = x->o;
	int with_session = x->with_session;
	o->id = db_res_int(res, 0);
	o->email = arena_strdup(a, db_res_text(res, 1));
	o->name = arena_strdup(a, db_res_text(res, 2));
	o->role = arena_strdup(a, db_res_text(res, 3));
	o->office = arena_strdup(a, db_res_text(res, 4));
	if (with_session) {
		o->csrf = arena_strdup(a, db_res_text(res, 5));
		o->expires_at = db_res_int(res, 6);
		o->last_seen = db_res_int(res, 7);
		o->password_hash = "";
	} else {
		o->password_hash = arena_strdup(a, db_res_text(res, 5));
		o->csrf = "";
	}
	return 0;
}

static int one_row(db_conn_t *c, arena_t *a, const char *sql, const char *key, au_row_t *out, int with_session)
{
	db_param_t p[] = {DB_TEXT(key)};
	return db_query_one(c, sql, p, 1, fill_row, &(fill_t){a, out, with_session});
}

int au_store_user_by_email(db_conn_t *c, arena_t *a, const char *email, au_row_t *out)
{
	return one_row(c, a,
		       "SELECT id, email, name, role, office, password_hash FROM users WHERE email = $1 AND active = 1",
		       email, out, 0);
}

static int user_json(db_res_t *res, void *ud)
{
	json_t *a = ud;
	json_array_append_new(a, jpack("{s:I,s:s,s:s,s:s,s:s,s:b}", "id", (json_int_t)db_res_int(res, 0), "email",
				       db_res_text(res, 1), "name", db_res_text(res, 2), "role", db_res_text(res, 3),
				       "office", db_res_text(res, 4), "active", (int)db_res_int(res, 5)));
	return 0;
}

int au_store_user_list(db_conn_t *c, json_t **out)
{
	json_t *a = json_array();
	int rc = db_query_each(c, "SELECT id, email, name, role, office, active FROM users ORDER BY role, email", NULL,
			       0, user_json, a);
	if (rc)
		json_decref(a);
	else
		*out = a;
	return rc;
}

int au_store_session_insert(db_conn_t *c, const char *token_hash, int64_t user_id, const char *csrf, int64_t now,
			    int64_t expires_at, const char *ip)
{
	db_param_t p[] = {DB_TEXT(token_hash), DB_INT(user_id),    DB_TEXT(csrf),
			  DB_INT(now),         DB_INT(expires_at), DB_TEXT(ip)};
	int64_t n = db_exec(c,
			    "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen, expires_at, ip) "
			    "VALUES ($1, $2, $3, $4, $4, $5, $6)",
			    p, 6);
	return n < 0 ? (int)n : 0;
}

int au_store_session_get(db_conn_t *c, arena_t *a, const char *token_hash, au_row_t *out)
{
	return one_row(c, a,
		       "SELECT u.id, u.email, u.name, u.role, u.office, s.csrf, s.expires_at, s.last_seen "
		       "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND u.active = 1",
		       token_hash, out, 1);
}

int au_store_session_touch(db_conn_t *c, const char *token_hash, int64_t now)
{
	db_param_t p[] = {DB_INT(now), DB_TEXT(token_hash)};
	int64_t n = db_exec(c, "UPDATE sessions SET last_seen = $1 WHERE token_hash = $2", p, 2);
	return n < 0 ? (int)n : 0;
}

int au_store_session_delete(db_conn_t *c, const char *token_hash)
{
	db_param_t p[] = {DB_TEXT(token_hash)};
	int64_t n = db_exec(c, "DELETE FROM sessions WHERE token_hash = $1", p, 1);
	return n < 0 ? (int)n : 0;
}

int au_store_token_insert(db_conn_t *c, const char *token_hash, int64_t user_id, const char *label, int64_t now)
{
	db_param_t p[] = {DB_TEXT(token_hash), DB_INT(user_id), DB_TEXT(label), DB_INT(now)};
	int64_t n =
		db_exec(c, "INSERT INTO api_tokens (token_hash, user_id, label, created_at) VALUES ($1, $2, $3, $4)", p,
			4);
	return n < 0 ? (int)n : 0;
}

int au_store_token_get(db_conn_t *c, arena_t *a, const char *token_hash, au_row_t *out)
{
	return one_row(c, a,
		       "SELECT u.id, u.email, u.name, u.role, u.office, '', 0, t.last_used "
		       "FROM api_tokens t JOIN users u ON u.id = t.user_id "
		       "WHERE t.token_hash = $1 AND t.revoked = 0 AND u.active = 1",
		       token_hash, out, 1);
}

int au_store_token_touch(db_conn_t *c, const char *token_hash, int64_t now)
{
	db_param_t p[] = {DB_INT(now), DB_TEXT(token_hash)};
	int64_t n = db_exec(c, "UPDATE api_tokens SET last_used = $1 WHERE token_hash = $2", p, 2);
	return n < 0 ? (int)n : 0;
}

int au_store_attempt_add(db_conn_t *c, const char *email, const char *ip, int64_t now, int64_t *id)
{
	db_param_t p[] = {DB_TEXT(email), DB_TEXT(ip), DB_INT(now)};
	return db_query_int(c, "INSERT INTO login_attempts (email, ip, at, ok) VALUES ($1, $2, $3, 0) RETURNING id", p,
			    3, id);
}

int au_store_attempt_ok(db_conn_t *c, int64_t id)
{
	db_param_t p[] = {DB_INT(id)};
	return db_exec_one(c, "UPDATE login_attempts SET ok = 1 WHERE id = $1", p, 1);
}

int au_store_attempt_forget(db_conn_t *c, int64_t id)
{
	db_param_t p[] = {DB_INT(id)};
	return db_exec_one(c, "DELETE FROM login_attempts WHERE id = $1", p, 1);
}

int au_store_login_guard(db_conn_t *c, const char *email, const char *ip, int64_t now)
{
	/* Every attempt takes the address's row, then the pair's: two attempts never wait on each
	 * other in opposite orders. */
	char addr[128], pair[400];
	snprintf(addr, sizeof addr, "addr:%s", ip);
	snprintf(pair, sizeof pair, "pair:%s|%s", email, ip);
	const char *keys[2] = {addr, pair};
	for (int i = 0; i < 2; i++) {
		db_param_t p[] = {DB_TEXT(keys[i]), DB_INT(now)};
		int64_t n = db_exec(c,
				    "INSERT INTO login_guard (k, at) VALUES ($1, $2) "
				    "ON CONFLICT (k) DO UPDATE SET at = excluded.at",
				    p, 2);
		if (n < 0)
			return (int)n;
	}
	return 0;
}

int au_store_attempt_failures(db_conn_t *c, const char *email, const char *ip, int64_t since, au_failures_t *out)
{
	db_param_t p[] = {DB_TEXT(email), DB_TEXT(ip), DB_INT(since)};
	int64_t v[4];
	int rc = db_query_ints(
		c,
		"SELECT "
		" (SELECT COUNT(*) FROM login_attempts f WHERE f.email = $1 AND f.ip = $2 AND f.ok = 0 AND f.at >= $3"
		"   AND f.at >= COALESCE((SELECT MAX(s.at) FROM login_attempts s WHERE s.email = $1 AND s.ip = $2 "
		"AND s.ok = 1), 0)),"
		" (SELECT COALESCE(MAX(at), 0) FROM login_attempts f WHERE f.email = $1 AND f.ip = $2 AND f.ok = 0 "
		"AND f.at >= $3),"
		" (SELECT COUNT(*) FROM login_attempts f WHERE f.ip = $2 AND f.ok = 0 AND f.at >= $3),"
		" (SELECT COALESCE(MAX(at), 0) FROM login_attempts f WHERE f.ip = $2 AND f.ok = 0 AND f.at >= $3)",
		p, 3, v, 4);
	if (rc == ERR_NOT_FOUND)
		rc = ERR_DB; /* one row of aggregates, always */
	if (rc == 0)
		*out = (au_failures_t){v[0], v[1], v[2], v[3]};
	return rc;
}

int au_store_audit_add(db_conn_t *c, int64_t now, int64_t user_id, const char *actor, const char *action,
		       const char *target, const char *detail, const char *ip)
{
	db_param_t p[] = {DB_INT(now),     user_id ? DB_INT(user_id) : DB_NULLP,
			  DB_TEXT(actor),  DB_TEXT(action),
			  DB_TEXT(target), DB_TEXT(detail),
			  DB_TEXT(ip)};
	int64_t n = db_exec(c,
			    "INSERT INTO audit_log (at, user_id, actor, action, target, detail, ip) "
			    "VALUES ($1, $2, $3, $4, $5, $6, $7)",
			    p, 7);
	return n < 0 ? (int)n : 0;
}

static int audit_json(db_res_t *res, void *ud)
{
	json_t *a = ud;
	json_array_append_new(a, jpack("{s:I,s:s,s:s,s:s,s:s,s:s}", "at", (json_int_t)db_res_int(res, 0), "actor",
				       db_res_text(res, 1), "action", db_res_text(res, 2), "target",
				       db_res_text(res, 3), "detail", db_res_text(res, 4), "ip", db_res_text(res, 5)));
	return 0;
}

int au_store_audit_list(db_conn_t *c, int limit, json_t **out)
{
	db_param_t p[] = {DB_INT(limit)};
	json_t *a = json_array();
	int rc = db_query_each(c,
			       "SELECT at, actor, action, target, detail, ip FROM audit_log ORDER BY id DESC LIMIT $1",
			       p, 1, audit_json, a);
	if (rc)
		json_decref(a);
	else
		*out = a;
	return rc;
}

int au_store_setting_get(db_conn_t *c, arena_t *a, const char *key, const char **out)
{
	db_param_t p[] = {DB_TEXT(key)};
	return db_query_str(c, a, "SELECT value FROM settings WHERE key = $1", p, 1, out);
}

int au_store_setting_set(db_conn_t *c, const char *key, const char *value, int64_t now)
{
	db_param_t p[] = {DB_TEXT(key), DB_TEXT(value), DB_INT(now)};
	int64_t n = db_exec(c,
			    "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) "
			    "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
			    p, 3);
	return n < 0 ? (int)n : 0;
}

int au_store_media_put(db_conn_t *c, const char *name, const char *ctype, const void *data, size_t len, int64_t now)
{
	db_param_t p[] = {DB_TEXT(name), DB_TEXT(ctype), DB_BLOB(data, len), DB_INT(now)};
	int64_t n = db_exec(c,
			    "INSERT INTO media (name, content_type, data, updated_at) VALUES ($1, $2, $3, $4) "
			    "ON CONFLICT (name) DO UPDATE SET content_type = excluded.content_type, "
			    "data = excluded.data, updated_at = excluded.updated_at",
			    p, 4);
	return n < 0 ? (int)n : 0;
}

int au_store_media_get(db_conn_t *c, const char *name, char **ctype, void **data, size_t *len, int64_t *updated)
{
	db_param_t p[] = {DB_TEXT(name)};
	db_res_t *res;
	int rc = db_query(c, "SELECT content_type, data, updated_at FROM media WHERE name = $1", p, 1, &res);
	if (rc)
		return rc;
	rc = db_res_next(res);
	if (rc == 1) {
		size_t n = 0;
		const void *d = db_res_blob(res, 1, &n);
		*ctype = xstrdup(db_res_text(res, 0));
		*data = xmalloc(n ? n : 1);
		if (n)
			memcpy(*data, d, n);
		*len = n;
		*updated = db_res_int(res, 2);
		rc = 0;
	} else if (rc == 0) {
		rc = ERR_NOT_FOUND;
	}
	db_res_free(res);
	return rc;
}

int au_store_purge(db_conn_t *c, int64_t now, int64_t attempts_before)
{
	db_param_t p1[] = {DB_INT(now)};
	int64_t n = db_exec(c, "DELETE FROM sessions WHERE expires_at < $1", p1, 1);
	if (n < 0)
		return (int)n;
	db_param_t p2[] = {DB_INT(attempts_before)};
	n = db_exec(c, "DELETE FROM login_attempts WHERE at < $1", p2, 1);
	if (n < 0)
		return (int)n;
	n = db_exec(c, "DELETE FROM login_guard WHERE at < $1", p2, 1);
	return n < 0 ? (int)n : 0;
}
