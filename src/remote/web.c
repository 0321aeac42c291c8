/* web.c — see web.h. */
#include "remote/web.h"

#include "app.h"
#include "auth/auth.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "base/tz.h"
#include "catalog/catalog.h"
#include "http/kit.h"

#include <ctype.h>
#include <string.h>
#include <time.h>

#define RATE_WINDOW 60

void rm_ctx(booking_ctx_t *ctx, http_req_t *r)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->c = r->db ? r->db : http_db(r);
	ctx->a = r->arena;
	ctx->cfg = r->app->cfg;
	ctx->now = (int64_t)time(NULL);
	ctx->lang = r->lang ? r->lang : "ca";
	if (r->user && (r->user->role & RM_STAFF)) {
		ctx->staff = true;
		ctx->user_id = r->user->id;
		ctx->user_email = r->user->email;
	}
}

static bool hex64(const char *s)
{
	if (!s || strlen(s) != 64)
		return false;
	for (const char *p = s; *p; p++)
		if (!isxdigit((unsigned char)*p))
			return false;
	return true;
}

int rm_access(http_req_t *r, rm_acc_t *x)
{
	memset(x, 0, sizeof *x);
	rm_ctx(&x->ctx, r);
	const char *code = http_param(r, "code");
	char *up = arena_strdup(r->arena, code ? code : "");
	for (char *p = up; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	const char *token = http_query(r, "token");
	if (!token || !*token)
		token = http_form(r, "token");
	x->staff = x->ctx.staff;
	x->token = "";
	if (!x->staff) {
		if (!token || !*token)
			return ERR_PERM;
		if (!hex64(token))
			return ERR_NOT_FOUND;
		x->token = token;
	}
	int rc = booking_get(&x->ctx, up, x->staff ? NULL : token, NULL, &x->b);
	if (rc == ERR_INVALID)
		rc = ERR_NOT_FOUND;
	if (!rc && !rm_remote_channel(x->b.channel))
		rc = ERR_NOT_FOUND; /* an in-person appointment has no room and no document space */
	x->side = x->staff ? "staff" : "citizen";
	x->other = x->staff ? "citizen" : "staff";
	return rc;
}

void rm_reply_access(http_req_t *r, int rc)
{
	if (rc == ERR_PERM) {
		if (r->api)
			http_reply_error(r, 403, "no_token", "rm_err_no_token", NULL);
		else
			rm_refuse(r, 403, "rm_no_token_title", "rm_err_no_token", NULL);
	} else if (rc == ERR_NOT_FOUND) {
		if (r->api)
			http_reply_error(r, 404, "not_found", "rm_err_not_found", NULL);
		else
			rm_refuse(r, 404, "rm_not_found_title", "rm_err_not_found", NULL);
	} else {
		http_reply_failed(r, rc);
	}
}

int rm_audit(http_req_t *r, const rm_acc_t *x, const char *action, const char *detail)
{
	const char *target = arena_printf(r->arena, "appointment:%s", x->b.code);
	if (x->staff)
		return auth_audit(r, action, target, detail);
	return auth_audit_as(r->db, x->ctx.now, "citizen", action, target, detail, r->client_ip);
}

bool rm_rate(http_req_t *r)
{
	if (r->user && (r->user->role & RM_STAFF))
		return true;
	int retry = 0;
	if (http_rate_ok(r, "remote", (int)config_int(r->app->cfg, "remote.rate_citizen"), RATE_WINDOW, &retry))
		return true;
	if (r->api)
		http_reply_error(r, 429, "rate_limited", "rm_err_rate", NULL);
	else
		rm_refuse(r, 429, "rm_rate_title", "rm_err_rate", NULL);
	return false;
}

void rm_refuse(http_req_t *r, int status, const char *title_key, const char *msg_key, const char *const *vars)
{
	json_t *m = jpack("{s:s,s:s}", "title", http_t(r, title_key), "message",
			  vars ? http_tv(r, msg_key, vars) : http_t(r, msg_key));
	http_reply_page(r, status, "remote/refused", m);
}

static const tz_t *zone(void)
{
	const tz_t *z = tz_get("Europe/Madrid");
	return z ? z : tz_utc();
}

void rm_local(int64_t t, char date[16], char time_s[8])
{
	tz_local_t l;
	tz_local(zone(), t, &l);
	int y, m, d;
	tz_civil_from_days(l.day, &y, &m, &d);
	snprintf(date, 16, "%02d/%02d/%04d", d, m, y);
	char hm[TZ_HHMM_LEN];
	tz_hhmm_format(l.minute, hm);
	snprintf(time_s, 8, "%s", hm);
}

void rm_day(int64_t t, char out[16])
{
	tz_local_t l;
	tz_local(zone(), t, &l);
	char d[TZ_DATE_LEN];
	tz_date_format(l.day, d);
	snprintf(out, 16, "%s", d);
}

const char *rm_service_name(http_req_t *r, const booking_t *b)
{
	catalog_procedure_t p;
	if (catalog_procedure_by_id(r->db, r->arena, b->procedure_id, &p) != 0)
		return b->service_code ? b->service_code : "";
	const char *v = str_eq(r->lang, "es") ? p.name_es : str_eq(r->lang, "en") ? p.name_en : p.name_ca;
	return v && *v ? v : p.name_ca;
}

bool rm_enter(http_req_t *r, rm_acc_t *x)
{
	if (!rm_rate(r))
		return false;
	int rc = rm_access(r, x);
	if (rc)
		rm_reply_access(r, rc);
	return rc == 0;
}

bool rm_staff_csrf(http_req_t *r, const rm_acc_t *x)
{
	if (!x->staff || r->method != HTTP_POST || r->user->bearer || http_csrf_ok(r))
		return true;
	http_reply_error(r, 403, "csrf", "err_csrf", NULL);
	return false;
}
