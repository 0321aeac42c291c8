/* kit.c — see kit.h. */
#include "http/kit.h"

#include "app.h"

#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/tz.h"
#include "db/db.h"
#include "http/ratelimit.h"
#include "http/server.h"

#include "view/i18n.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <string.h>
#include <stdio.h>
#include <time.h>

#define RATE_ENTRIES 65536

void http_tx_audit(http_req_t *r, const char *action, const char *target, const char *detail)
{
	ctx_t *x = srv_ctx(r);
	x->audit[0] = arena_strdup(r->arena, action);
	x->audit[1] = arena_strdup(r->arena, target ? target : "");
	x->audit[2] = arena_strdup(r->arena, detail ? detail : "");
}

/* Writes the pending audit record, if any (and forgets it). */
static int write_audit(http_req_t *r)
{
	ctx_t *x = srv_ctx(r);
	if (!x->audit[0])
		return 0;
	int rc = srv.guard && srv.guard->audit ? srv.guard->audit(r, x->audit[0], x->audit[1], x->audit[2]) : 0;
	x->audit[0] = NULL;
	return rc;
}

int http_tx(http_req_t *r, http_tx_fn fn, void *ud, fielderr_t *errs, const char *conflict_field,
	    const char *conflict_key)
{
	db_conn_t *c = r->db ? r->db : http_db(r);
	int rc = c ? db_begin(c) : ERR_UNAVAILABLE;
	if (rc == 0) {
		rc = fn(r, ud);
		if (rc == 0)
			rc = write_audit(r);
		if (rc == 0)
			rc = db_commit(c);
		if (rc)
			db_rollback(c);
	}
	srv_ctx(r)->audit[0] = NULL;
	if (rc == ERR_CONFLICT && conflict_field) {
		fielderr_add(errs, conflict_field, conflict_key);
		return ERR_INVALID;
	}
	if (rc == 0 || rc == ERR_INVALID || rc == ERR_CONFLICT || rc == ERR_NOT_FOUND || rc == ERR_PERM)
		return rc;
	static log_limit_t lim;
	log_error_limited(&lim, 5, "%s %s: change failed: %s %s", r->rt ? r->rt->pattern : "", r->path, err_name(rc),
			  c ? db_errmsg(c) : "no connection");
	http_reply_error(r, 503, "unavailable", "err_unavailable", NULL);
	return HTTP_TX_ANSWERED;
}

bool http_tx_ok(http_req_t *r, http_tx_fn fn, void *ud)
{
	int rc = http_tx(r, fn, ud, NULL, NULL, NULL);
	if (rc == 0)
		return true;
	if (rc == ERR_CONFLICT)
		http_reply_error(r, 409, "conflict", "err_conflict", NULL);
	else if (rc == ERR_INVALID)
		http_reply_error(r, 422, "invalid", "err_invalid", NULL);
	else if (rc != HTTP_TX_ANSWERED)
		http_reply_failed(r, rc);
	return false;
}

static ratelimit_t *limiter;
static pthread_once_t limiter_once = PTHREAD_ONCE_INIT;

static void limiter_init(void)
{
	limiter = ratelimit_new(RATE_ENTRIES);
}

bool http_rate_ok(http_req_t *r, const char *bucket, int limit, int window, int *retry_after)
{
	if (limit <= 0)
		return true;
	pthread_once(&limiter_once, limiter_init);
	const char *key = arena_printf(r->arena, "%s|%s", bucket, r->client_key ? r->client_key : "");
	int retry = 1;
	if (ratelimit_hit(limiter, key, limit, window, (int64_t)time(NULL), &retry))
		return true;
	char ra[16];
	snprintf(ra, sizeof ra, "%d", retry);
	http_add_header(r, "Retry-After", ra);
	if (retry_after)
		*retry_after = retry;
	return false;
}

void http_reply_fields(http_req_t *r, int status, const char *code, const char *key, const fielderr_t *fields)
{
	json_t *j = jpack("{s:s,s:s}", "error", code, "message", http_t(r, key));
	if (fields && fields->n) {
		json_t *f = json_object();
		for (size_t i = 0; i < fields->n; i++)
			if (!json_object_get(f, fields->e[i].field)) /* the first message of a field */
				json_object_set_new(f, fields->e[i].field, json_string(http_t(r, fields->e[i].key)));
		json_object_set_new(j, "fields", f);
	}
	http_reply_json(r, status, j);
}

void http_reply_not_found(http_req_t *r)
{
	http_reply_error(r, 404, "not_found", "err_not_found", NULL);
}

void http_reply_unavailable(http_req_t *r)
{
	http_reply_error(r, 503, "unavailable", "err_unavailable", NULL);
}

void http_reply_failed(http_req_t *r, int rc)
{
	if (rc == ERR_NOT_FOUND) {
		http_reply_not_found(r);
	} else if (rc == ERR_PERM) {
		http_reply_error(r, 403, "forbidden", "err_forbidden", NULL);
	} else {
		static log_limit_t lim;
		log_error_limited(&lim, 5, "%s: %s %s", r->path, err_name(rc), r->db ? db_errmsg(r->db) : "");
		http_reply_unavailable(r);
	}
}

const char *http_tf(http_req_t *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char key[128];
	int n = vsnprintf(key, sizeof key, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof key)
		return "";
	return http_t(r, arena_strdup(r->arena, key));
}

const char *http_tv(http_req_t *r, const char *key, const char *const *vars)
{
	return i18n_subst(r->arena, http_t(r, key), vars);
}

const char *http_tn(http_req_t *r, const char *key, long n, const char *const *vars)
{
	const char *msg = i18n_subst(r->arena, i18n_nget(r->lang, key, n),
				     (const char *const[]){"n", arena_printf(r->arena, "%ld", n), NULL});
	return vars ? i18n_subst(r->arena, msg, vars) : msg;
}

json_t *http_phone_text(http_req_t *r, const char *key)
{
	const char *num = config_str(r->app->cfg, "city.phone"), *msg = http_t(r, key);
	const char *at = strstr(msg, "{phone}");
	char *tel = arena_strdup(r->arena, num);
	size_t k = 0;
	for (const char *p = num; *p; p++)
		if ((*p >= '0' && *p <= '9') || (*p == '+' && k == 0))
			tel[k++] = *p;
	tel[k] = '\0';
	if (!at)
		return jpack("{s:s,s:s,s:s,s:s}", "before", msg, "number", "", "tel", tel, "after", "");
	return jpack("{s:s,s:s,s:s,s:s}", "before", arena_strndup(r->arena, msg, (size_t)(at - msg)), "number", num,
		     "tel", tel, "after", at + strlen("{phone}"));
}

const char *http_local_time(http_req_t *r, int64_t t)
{
	if (t <= 0)
		return "";
	const tz_t *z = tz_get("Europe/Madrid");
	tz_local_t l;
	tz_local(z ? z : tz_utc(), t, &l);
	int y, m, d;
	tz_civil_from_days(l.day, &y, &m, &d);
	char hhmm[TZ_HHMM_LEN];
	tz_hhmm_format(l.minute, hhmm);
	return arena_printf(r->arena, "%s %02d/%02d/%04d, %s", http_tf(r, "mail_wd_%d", tz_weekday(l.day)), d, m, y,
			    hhmm);
}

static _Atomic(http_namer_fn) namer;

void http_set_namer(http_namer_fn fn)
{
	atomic_store(&namer, fn);
}

const char *http_name_of(http_req_t *r, const char *kind, const char *code)
{
	http_namer_fn fn = atomic_load(&namer);
	const char *name = fn && code && *code ? fn(r, kind, code) : NULL;
	return name && *name ? name : (code ? code : "");
}

const char *http_subst(http_req_t *r, const char *msg, const char *name, const char *value)
{
	return i18n_subst(r->arena, msg, (const char *const[]){name, value, NULL});
}
