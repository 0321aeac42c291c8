/* pages.c — the staff pages and API of the auth capability: sign in and out, staff home,
 * accounts, settings (city name and logo), audit log, /api/v1/me. */
#include "app.h"
#include "auth/internal.h"
#include "auth/store.h"
#include "core/cap.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/rand.h"
#include "base/str.h"
#include "base/text.h"
#include "base/tz.h"
#include "http/kit.h"
#include "http/router.h"

#include <ctype.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MIN_PASSWORD 12

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

/* Only local paths: "/x" but not "//host" or "/\host". */
static const char *safe_next(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\')
		return "/staff";
	for (const char *p = next; *p; p++)
		if ((unsigned char)*p < 0x20)
			return "/staff";
	return next;
}

static char *lower_dup(arena_t *a, const char *s)
{
	char *o = arena_strdup(a, s);
	for (char *p = o; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return o;
}

/* The model of templates/layout/form_messages.html; takes both references (either may be NULL). */
static void add_messages(json_t *m, json_t *errs, json_t *notice)
{
	if (errs) {
		json_object_set_new(m, "has_errors", json_true());
		json_object_set_new(m, "errors", errs);
	}
	if (notice)
		json_object_set_new(m, "notice", notice);
}

/* ---------------------------------------------------------------- sign in */

static void login_page(http_req_t *r, int status, const char *error, const char *email)
{
	json_t *m = json_object();
	if (error)
		json_object_set_new(m, "error", json_string(error));
	json_object_set_new(m, "email", json_string(email ? email : ""));
	json_object_set_new(m, "csrf", json_string(auth_csrf_token(r)));
	json_object_set_new(m, "next",
			    json_string(
				    safe_next(http_query(r, "next") ? http_query(r, "next") : http_form(r, "next"))));
	http_reply_page(r, status, "auth/login", m);
}

static void login_get(http_req_t *r)
{
	if (r->user && !r->user->bearer) {
		http_reply_redirect(r, "/staff");
		return;
	}
	login_page(r, 200, NULL, NULL);
}

/* A successful sign-in: its attempt marked as one (which resets the count of the account from this
 * address) and the session, together. */
typedef struct {
	int64_t user_id, now, ttl, attempt;
	const char *email;
	char token[RAND_TOKEN_HEX_LEN];
} session_t;

static int session_open(http_req_t *r, void *ud)
{
	session_t *x = ud;
	char hash[RAND_TOKEN_HEX_LEN], csrf[RAND_TOKEN_HEX_LEN];
	rand_token_hash(x->token, hash);
	rand_token_hex(csrf);
	int rc = au_store_attempt_ok(r->db, x->attempt);
	return rc ? rc : au_store_session_insert(r->db, hash, x->user_id, csrf, x->now, x->now + x->ttl, r->client_ip);
}

/* The lock-out: past `max` failures, a wait of login.lockout seconds after the latest one,
 * doubled for each failure beyond, up to login.lockout_max. Returns the end of the wait (0: none). */
static int64_t locked_until(const config_t *cfg, int64_t failures, int64_t max, int64_t last)
{
	if (failures < max)
		return 0;
	int64_t wait = config_int(cfg, "login.lockout"), most = config_int(cfg, "login.lockout_max");
	for (int64_t k = max; k < failures && wait < most; k++)
		wait *= 2;
	return last + (wait < most ? wait : most);
}

/* Checks whether this account may be tried from this address now and, when it may, counts the
 * attempt, both in one transaction (the guard rows make concurrent attempts take turns): so that
 * concurrent wrong passwords get no more tries than the limit. Locks are per account and address
 * (so a stranger's guesses lock nobody else out) and per address (so one address cannot try many
 * accounts). */
typedef struct {
	const char *email;
	int64_t now, attempt, until;
} attempt_t;

static int attempt_begin(http_req_t *r, void *ud)
{
	attempt_t *x = ud;
	const config_t *cfg = r->app->cfg;
	au_failures_t f;
	int rc = au_store_login_guard(r->db, x->email, r->client_key, x->now);
	if (!rc)
		rc = au_store_attempt_failures(r->db, x->email, r->client_key, x->now - config_int(cfg, "login.window"),
					       &f);
	if (rc)
		return rc;
	int64_t a = locked_until(cfg, f.pair, config_int(cfg, "login.max_attempts"), f.pair_last);
	int64_t b = locked_until(cfg, f.addr, config_int(cfg, "login.max_attempts_per_ip"), f.addr_last);
	x->until = a > b ? a : b;
	if (x->until > x->now)
		return 0; /* nothing counted: a refused attempt checks no password */
	x->until = 0;
	return au_store_attempt_add(r->db, x->email, r->client_key, x->now, &x->attempt);
}

static void login_locked(http_req_t *r, const attempt_t *at, const char *email_in)
{
	static log_limit_t lim;
	log_error_limited(&lim, 10, "login: %s from %s refused, locked for %lld s", at->email, r->client_ip,
			  (long long)(at->until - at->now));
	char secs[32];
	snprintf(secs, sizeof secs, "%lld", (long long)(at->until - at->now));
	http_add_header(r, MHD_HTTP_HEADER_RETRY_AFTER, secs);
	login_page(r, 429, http_tn(r, "login_locked", (long)((at->until - at->now + 59) / 60), NULL), email_in);
}

/* Seconds a sign-in refused for want of a hashing turn is told to wait. */
#define BUSY_RETRY "1"

/* No hashing turn: the same answer for every account, known or not, and no try counted. */
static void login_busy(http_req_t *r, const char *email_in)
{
	static log_limit_t lim;
	log_error_limited(&lim, 10, "login: from %s refused, every password-hashing turn taken", r->client_ip);
	http_add_header(r, MHD_HTTP_HEADER_RETRY_AFTER, BUSY_RETRY);
	login_page(r, 503, http_t(r, "login_busy"), email_in);
}

static int attempt_forget(http_req_t *r, void *ud)
{
	return au_store_attempt_forget(r->db, *(const int64_t *)ud);
}

/* The sign-in, back on the worker once the password has been checked off it (login_post). A check
 * that found no turn in time takes its try back (so it costs the account none) and is answered
 * like one refused a place at once. */
static void login_checked(http_req_t *r, void *data)
{
	auth_check_job_t *j = data;
	const char *email_in = http_form(r, "email");
	if (j->rc == ERR_BUSY) {
		(void)http_tx(r, attempt_forget, &j->attempt, NULL, NULL, NULL); /* kept if this fails */
		if (!r->replied)
			login_busy(r, email_in);
		return;
	}
	if (j->rc != 1) {
		login_page(r, 401, http_t(r, "login_failed"), email_in);
		return;
	}
	session_t x = {.user_id = j->user_id,
		       .email = lower_dup(r->arena, email_in),
		       .now = j->now,
		       .ttl = config_int(r->app->cfg, "session.ttl"),
		       .attempt = j->attempt};
	rand_token_hex(x.token);
	if (!http_tx_ok(r, session_open, &x))
		return;
	http_set_cookie(r, "fin_session", x.token, x.ttl, COOKIE_HTTPONLY);
	http_set_cookie(r, "fin_csrf", "", 0, COOKIE_DELETE | COOKIE_HTTPONLY | COOKIE_STRICT);
	http_reply_redirect(r, safe_next(http_form(r, "next")));
}

/* A place in the hashing gate is asked for first, without waiting: a sign-in refused one (503)
 * costs the account no try and the server no database call. Then, as before any check, the try is
 * checked against the lock-out and counted (a locked one: 429, the place given up, no password
 * checked), and the account read. The check itself runs off the worker thread (it may wait its
 * turn there, up to auth.hash_wait_ms), against the account's hash or, for an unknown account, a
 * dummy one that costs the same; login_checked answers. */
static void login_post(http_req_t *r)
{
	const char *email_in = http_form(r, "email");
	const char *password = http_form(r, "password");
	if (!email_in || !password || !*email_in || !*password) {
		login_page(r, 400, http_t(r, "login_failed"), email_in);
		return;
	}
	gate_ticket_t *turn;
	if (auth_hash_join(r->client_key, &turn)) {
		login_busy(r, email_in);
		return;
	}
	attempt_t at = {.email = lower_dup(r->arena, email_in), .now = now_s()};
	int rc = http_tx(r, attempt_begin, &at, NULL, NULL, NULL);
	au_row_t row;
	int found = rc || at.until ? 0 : au_store_user_by_email(r->db, r->arena, at.email, &row);
	if (rc || at.until || (found && found != ERR_NOT_FOUND)) {
		auth_hash_cancel(turn);
		if (at.until)
			login_locked(r, &at, email_in);
		else if (rc != HTTP_TX_ANSWERED)
			http_reply_unavailable(r);
		return;
	}
	size_t n = strlen(password) + 1, size = sizeof(auth_check_job_t) + n;
	auth_check_job_t *j = arena_alloc(r->arena, size);
	memset(j, 0, sizeof *j);
	j->turn = turn;
	j->attempt = at.attempt;
	j->now = at.now;
	j->known = found == 0 && row.password_hash && strlen(row.password_hash) < AUTH_HASH_LEN;
	if (j->known) {
		j->user_id = row.id;
		memcpy(j->hash, row.password_hash, strlen(row.password_hash) + 1);
	}
	memcpy(j->password, password, n);
	http_offload(r, auth_check_work, j, size, login_checked);
	sodium_memzero(j->password, n);
}

static void logout_post(http_req_t *r)
{
	const char *cookie = kv_get(&r->cookies, "fin_session");
	if (cookie) {
		char hash[RAND_TOKEN_HEX_LEN];
		rand_token_hash(cookie, hash);
		if (au_store_session_delete(r->db, hash)) {
			http_reply_unavailable(r);
			return;
		}
	}
	http_set_cookie(r, "fin_session", "", 0, COOKIE_DELETE | COOKIE_HTTPONLY);
	http_reply_redirect(r, "/");
}

/* ---------------------------------------------------------------- staff home */

static void staff_home(http_req_t *r)
{
	role_t role = r->user->role;
	json_t *m = json_object();
	json_object_set_new(m, "welcome",
			    json_string(
				    http_tv(r, "staff_welcome", (const char *const[]){"name", r->user->name, NULL})));
	json_object_set_new(m, "role_label",
			    json_string(http_t(r, arena_printf(r->arena, "role_%s", auth_role_name(role)))));
	json_object_set_new(m, "office_name", json_string(http_name_of(r, "office", r->user->office)));
	json_object_set_new(m, "can_admin", json_boolean(role & ROLE_ADMIN));
	json_object_set_new(m, "can_manage", json_boolean(role & (ROLE_ADMIN | ROLE_COORDINATOR)));
	json_object_set_new(m, "can_book", json_boolean(role & ROLE_PEOPLE)); /* booking pages */
	/* The cards the capabilities declare (cap_t.cards) for this role, in table order. */
	json_t *cards = json_array();
	for (size_t i = 0; i < cap_count; i++)
		for (const cap_card_t *k = cap_table[i]->cards; k && k->href; k++)
			if (k->roles & role)
				json_array_append_new(cards,
						      jpack("{s:s,s:s,s:s}", "href", k->href, "title",
							    http_t(r, k->title_key), "desc", http_t(r, k->desc_key)));
	json_object_set_new(m, "has_cards", json_boolean(json_array_size(cards) > 0));
	json_object_set_new(m, "cards", cards);
	/* Screen accounts: what the account is for, as long as their screens are not built. */
	if (role & (ROLE_DISPLAY | ROLE_KIOSK))
		json_object_set_new(m, "device_note",
				    json_string(http_t(r, role & ROLE_DISPLAY ? "staff_display_note"
									      : "staff_kiosk_note")));
	http_reply_page(r, 200, "staff/home", m);
}

static void me(http_req_t *r)
{
	http_reply_json(r, 200,
			jpack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)r->user->id, "email", r->user->email, "name",
			      r->user->name, "role", auth_role_name(r->user->role), "office", r->user->office));
}

/* ---------------------------------------------------------------- accounts */

static json_t *role_options(http_req_t *r, const char *selected)
{
	json_t *a = json_array();
	for (int i = 0; i < ROLE_COUNT; i++) {
		const char *name = http_role_name((role_t)(1u << i));
		json_array_append_new(a, jpack("{s:s,s:s,s:b}", "value", name, "label",
					       http_t(r, arena_printf(r->arena, "role_%s", name)), "selected",
					       str_eq(selected, name)));
	}
	return a;
}

static void users_page(http_req_t *r, int status, json_t *form_errors, json_t *notice)
{
	json_t *users = NULL;
	if (au_store_user_list(r->db, &users)) {
		json_decref(form_errors);
		json_decref(notice);
		http_reply_unavailable(r);
		return;
	}
	size_t i;
	json_t *u;
	json_array_foreach (users, i, u) {
		const char *role = json_string_value(json_object_get(u, "role"));
		json_object_set_new(u, "role_label", json_string(http_t(r, arena_printf(r->arena, "role_%s", role))));
		json_object_set_new(u, "office_name",
				    json_string(http_name_of(r, "office",
							     json_string_value(json_object_get(u, "office")))));
	}
	/* Viewing the list is recorded; a change shows it as its answer, and its own record says so. */
	if (r->method & (HTTP_GET | HTTP_HEAD))
		(void)auth_audit(r, "users.list", "users", "");
	json_t *m = json_object();
	json_object_set_new(m, "users", users);
	json_object_set_new(m, "roles", role_options(r, http_form(r, "role")));
	json_object_set_new(m, "form",
			    jpack("{s:s,s:s,s:s}", "email", http_form(r, "email") ? http_form(r, "email") : "", "name",
				  http_form(r, "name") ? http_form(r, "name") : "", "office",
				  http_form(r, "office") ? http_form(r, "office") : ""));
	add_messages(m, form_errors, notice);
	http_reply_page(r, status, "admin/users", m);
}

static void users_get(http_req_t *r)
{
	users_page(r, 200, NULL, NULL);
}

static bool email_valid(const char *e)
{
	const char *at = strchr(e, '@');
	size_t n = strlen(e);
	if (!at || at == e || n > 254 || strchr(at + 1, '@') || !strchr(at + 1, '.') || at[1] == '.' || e[n - 1] == '.')
		return false;
	for (const char *p = e; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == '"' || *p == ',')
			return false;
	return true;
}

/* A new account and its audit record, together. */
typedef struct {
	const char *email, *name, *role, *office;
	char hash[AUTH_HASH_LEN];
} new_user_t;

static int user_write(http_req_t *r, void *ud)
{
	new_user_t *x = ud;
	int64_t id = 0;
	int rc = auth_user_add_hashed(r->db, x->email, x->name, x->role, x->office, x->hash, &id);
	if (!rc)
		http_tx_audit(r, "user.create", arena_printf(r->arena, "user:%lld", (long long)id),
			      arena_printf(r->arena, "%s role=%s", x->email, x->role));
	return rc;
}

/* No hashing turn for the new password: nothing written, the form shown again. */
static void users_busy(http_req_t *r)
{
	http_add_header(r, MHD_HTTP_HEADER_RETRY_AFTER, BUSY_RETRY);
	users_page(r, 503, jpack("[s]", http_t(r, "err_hash_busy")), NULL);
}

/* The account, once its password has been hashed off the worker thread (users_post). */
static void user_hashed(http_req_t *r, void *data)
{
	auth_hash_job_t *j = data;
	if (j->rc == ERR_BUSY) {
		users_busy(r);
		return;
	}
	if (j->rc) {
		http_reply_unavailable(r);
		return;
	}
	const char *office = http_form(r, "office");
	new_user_t x = {http_form(r, "email"), http_form(r, "name"), http_form(r, "role"), office ? office : "", {0}};
	memcpy(x.hash, j->hash, sizeof x.hash);
	int rc = http_tx(r, user_write, &x, NULL, NULL, NULL);
	if (rc == ERR_CONFLICT) {
		users_page(r, 409, jpack("[s]", http_t(r, "err_email_taken")), NULL);
		return;
	}
	if (rc) {
		if (rc != HTTP_TX_ANSWERED)
			http_reply_unavailable(r);
		return;
	}
	/* Post/redirect/get would lose the notice without a flash store; render the list directly. */
	r->form.n = 0;
	users_page(r, 201, NULL, json_string(http_t(r, "user_created")));
}

static void users_post(http_req_t *r)
{
	const char *email = http_form(r, "email"), *name = http_form(r, "name"), *role = http_form(r, "role"),
		   *password = http_form(r, "password");
	json_t *errs = json_array();
	if (!email || !email_valid(email))
		json_array_append_new(errs, json_string(http_t(r, "err_invalid_email")));
	if (!name || !*str_trim(arena_strdup(r->arena, name)) || strlen(name) > 200 || !text_ok(name, TEXT_LINE))
		json_array_append_new(errs, json_string(http_t(r, "err_invalid_name")));
	if (!role || !auth_role_from_name(role))
		json_array_append_new(errs, json_string(http_t(r, "err_invalid_role")));
	if (!password || strlen(password) < MIN_PASSWORD)
		json_array_append_new(errs, json_string(http_t(r, "err_password_short")));
	if (json_array_size(errs)) {
		users_page(r, 422, errs, NULL);
		return;
	}
	json_decref(errs);
	gate_ticket_t *turn;
	if (auth_hash_join(r->client_key, &turn)) {
		users_busy(r);
		return;
	}
	size_t n = strlen(password) + 1, size = sizeof(auth_hash_job_t) + n;
	auth_hash_job_t *j = arena_alloc(r->arena, size);
	memset(j, 0, sizeof *j);
	j->turn = turn;
	memcpy(j->password, password, n);
	http_offload(r, auth_hash_work, j, size, user_hashed);
	sodium_memzero(j->password, n);
}

/* ---------------------------------------------------------------- settings and logo */

static const char *city_name(http_req_t *r)
{
	return auth_city_name(http_db(r), r->arena, r->app->cfg);
}

void auth_branding(http_req_t *r, json_t *model)
{
	const char *logo = NULL;
	db_conn_t *c = http_db(r);
	json_object_set_new(model, "city_name", json_string(city_name(r)));
	if (c && au_store_setting_get(c, r->arena, "logo.version", &logo) == 0)
		json_object_set_new(model, "logo_url", json_string(arena_printf(r->arena, "/media/logo?v=%s", logo)));
}

static void settings_page(http_req_t *r, int status, json_t *errs, json_t *notice)
{
	json_t *m = jpack("{s:s}", "city_name_value", city_name(r));
	add_messages(m, errs, notice);
	http_reply_page(r, status, "admin/settings", m);
}

static void settings_get(http_req_t *r)
{
	settings_page(r, 200, NULL, NULL);
}

/* The logo's type from its first bytes, not from what the browser claims. */
static const char *sniff_image(const unsigned char *d, size_t n)
{
	if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
		return "image/jpeg";
	return NULL;
}

/* The city's name, and the logo with its version (for the URL that busts caches), together. */
typedef struct {
	const char *name;
	const multipart_file_t *logo;
	const char *ctype;
} settings_t;

static int settings_write(http_req_t *r, void *ud)
{
	settings_t *x = ud;
	int64_t now = now_s();
	int rc = au_store_setting_set(r->db, "city.name", x->name, now);
	if (!rc && x->logo)
		rc = au_store_media_put(r->db, "logo", x->ctype, x->logo->data, x->logo->size, now);
	if (!rc && x->logo)
		rc = au_store_setting_set(r->db, "logo.version", arena_printf(r->arena, "%lld", (long long)now), now);
	return rc;
}

static void settings_post(http_req_t *r)
{
	const char *name = http_form(r, "city_name");
	if (!name || !*str_trim(arena_strdup(r->arena, name)) || strlen(name) > 200 || !text_ok(name, TEXT_LINE)) {
		settings_page(r, 422, jpack("[s]", http_t(r, "err_invalid_name")), NULL);
		return;
	}
	const multipart_file_t *logo = NULL;
	for (const multipart_file_t *f = r->files; f; f = f->next)
		if (str_eq(f->field, "logo") && f->size > 0)
			logo = f;
	const char *ctype = logo ? sniff_image(logo->data, logo->size) : NULL;
	if (logo && !ctype) {
		settings_page(r, 422, jpack("[s]", http_t(r, "err_logo_type")), NULL);
		return;
	}
	settings_t x = {name, logo, ctype};
	http_tx_audit(r, "settings.update", "settings", logo ? "city.name logo" : "city.name");
	if (!http_tx_ok(r, settings_write, &x))
		return;
	settings_page(r, 200, NULL, json_string(http_t(r, "saved")));
}

static void media_logo(http_req_t *r)
{
	char *ctype = NULL;
	void *data = NULL;
	size_t len = 0;
	int64_t updated = 0;
	int rc = au_store_media_get(r->db, "logo", &ctype, &data, &len, &updated);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	char etag[48];
	snprintf(etag, sizeof etag, "\"logo-%lld\"", (long long)updated);
	http_add_header(r, MHD_HTTP_HEADER_ETAG, etag);
	http_add_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	const char *inm = http_header(r, MHD_HTTP_HEADER_IF_NONE_MATCH);
	if (inm && strstr(inm, etag))
		http_reply_bytes(r, 304, NULL, "", 0);
	else
		http_reply_bytes(r, 200, ctype, data, len);
	free(ctype);
	free(data);
}

/* ---------------------------------------------------------------- audit */

static void audit_get(http_req_t *r)
{
	json_t *rows = NULL;
	if (au_store_audit_list(r->db, 200, &rows)) {
		http_reply_unavailable(r);
		return;
	}
	size_t i;
	json_t *row;
	json_array_foreach (rows, i, row) {
		int64_t at = json_integer_value(json_object_get(row, "at"));
		json_object_set_new(row, "when", json_string(http_local_time(r, at)));
		char iso[TZ_ISO_LEN];
		tz_format_iso(tz_utc(), at, iso);
		json_object_set_new(row, "iso", json_string(iso));
		/* "office:centre" read as "OAC Centre (office:centre)": the name first, the record kept. */
		const char *target = json_string_value(json_object_get(row, "target"));
		const char *colon = target ? strchr(target, ':') : NULL;
		if (colon && colon[1]) {
			const char *kind = arena_printf(r->arena, "%.*s", (int)(colon - target), target);
			const char *name = http_name_of(r, kind, colon + 1);
			if (!str_eq(name, colon + 1))
				json_object_set_new(row, "target",
						    json_string(arena_printf(r->arena, "%s (%s)", name, target)));
		}
	}
	http_reply_page(r, 200, "admin/audit", jpack("{s:b,s:o}", "has_rows", json_array_size(rows) > 0, "rows", rows));
}

const http_route_t auth_routes[] = {
	{HTTP_GET, "/login", login_get, 0, 0},
	{HTTP_POST, "/login", login_post, RT_FORM | RT_DB, 0},
	{HTTP_POST, "/logout", logout_post, RT_FORM | RT_DB, 0},
	{HTTP_GET, "/staff", staff_home, 0, ROLE_ANY},
	{HTTP_GET, "/admin/users", users_get, RT_DB, ROLE_ADMIN},
	{HTTP_POST, "/admin/users", users_post, RT_FORM | RT_DB, ROLE_ADMIN},
	{HTTP_GET, "/admin/settings", settings_get, 0, ROLE_ADMIN},
	{HTTP_POST, "/admin/settings", settings_post, RT_FORM | RT_MULTIPART | RT_DB, ROLE_ADMIN},
	{HTTP_GET, "/admin/audit", audit_get, RT_DB, ROLE_ADMIN},
	{HTTP_GET, "/media/logo", media_logo, RT_NO_SESSION | RT_DB, 0},
	{HTTP_GET, "/api/v1/me", me, 0, ROLE_ANY},
	{0},
};
