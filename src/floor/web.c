/* web.c — see web.h. */
#include "floor/web.h"

#include "app.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/str.h"
#include "base/tz.h"
#include "bus/bus.h"
#include "http/kit.h"
#include "render/pdf.h"
#include "view/i18n.h"

#include <sodium.h>
#include <stdlib.h>

#include <string.h>
#include <time.h>

const char *fl_topic_calls(http_req_t *r, int64_t office_id)
{
	return fl_topic(r->arena, "calls", office_id);
}

const char *fl_topic_queue(http_req_t *r, int64_t office_id)
{
	return fl_topic(r->arena, "queue", office_id);
}

void fl_ctx_from_req(fl_ctx_t *ctx, http_req_t *r)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->c = r->db ? r->db : http_db(r);
	ctx->a = r->arena;
	ctx->cfg = r->app ? r->app->cfg : NULL;
	ctx->now = (int64_t)time(NULL);
	ctx->lang = r->lang ? r->lang : "ca";
	ctx->actor = "citizen";
	if (r->user) {
		ctx->user_id = r->user->id;
		ctx->actor = r->user->email;
	}
}

bool fl_office_allowed(http_req_t *r, const char *office)
{
	if (!r->user)
		return false;
	if (r->user->role & ROLE_ADMIN)
		return true;
	return !r->user->office || !*r->user->office || str_eq(r->user->office, office);
}

const char *fl_page_office(http_req_t *r)
{
	const char *o = r->method == HTTP_POST ? http_form(r, "office") : http_query(r, "office");
	if (o && *o)
		return o;
	if (r->user && r->user->office && *r->user->office)
		return r->user->office;
	catalog_office_t *v;
	size_t n;
	if (catalog_offices(r->db, r->arena, &v, &n) == 0)
		for (size_t i = 0; i < n; i++)
			if (str_eq(v[i].kind, "citizen_office"))
				return v[i].code;
	return NULL;
}

const char *fl_live_url(http_req_t *r, int64_t id, const char *token)
{
	return arena_printf(r->arena, "%s/floor/t/%lld?token=%s", config_str(r->app->cfg, "server.public_url"),
			    (long long)id, token);
}

static void set_time(json_t *o, const char *key, int64_t t)
{
	if (!t)
		return;
	char iso[TZ_ISO_LEN];
	tz_format_iso(tz_utc(), t, iso);
	json_object_set_new(o, key, json_string(iso));
}

json_t *fl_ticket_json(fl_ctx_t *ctx, http_req_t *r, const fl_ticket_t *t, const char *token)
{
	int64_t ahead, wait;
	if (fl_place(ctx, t, &ahead, &wait))
		return NULL;
	json_t *o = jpack("{s:I,s:s,s:s,s:s,s:s,s:I,s:I}", "id", (json_int_t)t->id, "number", t->number, "office",
			  t->office_code, "zone", t->zone_code, "status", t->status, "ahead", (json_int_t)ahead,
			  "estimated_wait_min", (json_int_t)wait);
	if (t->desk_code && *t->desk_code && !fl_waiting(t->status))
		json_object_set_new(o, "desk", json_string(t->desk_code));
	set_time(o, "issued_at", t->issued_at);
	set_time(o, "called_at", t->last_called_at);
	set_time(o, "appointment_at", t->appointment_at);
	if (t->survey_token)
		json_object_set_new(o, "survey_url",
				    json_string(arena_printf(r->arena, "%s/survey/%s",
							     config_str(r->app->cfg, "server.public_url"),
							     t->survey_token)));
	if (token) {
		json_object_set_new(o, "live_url", json_string(fl_live_url(r, t->id, token)));
		json_object_set_new(o, "token", json_string(token));
	}
	return o;
}

/* ---------------------------------------------------------------- pages */

void fl_page_lang(http_req_t *r, const char *lang)
{
	if (!i18n_supported(lang))
		return;
	r->lang = lang;
	r->t = i18n_catalog(lang);
}

static const char *zone_name(const cat_zone_t *z, const char *lang)
{
	int i = i18n_index(lang);
	return z->name[i] && *z->name[i] ? z->name[i] : z->name[CAT_CA];
}

/* "HH:MM" and "DD/MM/YYYY" of t at the office. */
static void local_time(arena_t *a, const cat_office_t *o, int64_t t, const char **hhmm, const char **date)
{
	const tz_t *z = o->tz ? tz_get(o->tz) : NULL;
	tz_local_t l;
	tz_local(z ? z : tz_utc(), t, &l);
	int y, m, d;
	tz_civil_from_days(l.day, &y, &m, &d);
	*hhmm = arena_printf(a, "%02d:%02d", l.minute / 60, l.minute % 60);
	*date = arena_printf(a, "%02d/%02d/%04d", d, m, y);
}

static const char *qr_data_uri(arena_t *a, const char *text)
{
	char *svg = qr_svg(text);
	if (!svg)
		return NULL;
	size_t n = strlen(svg), cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = arena_alloc(a, cap);
	sodium_bin2base64(b64, cap, (const unsigned char *)svg, n, sodium_base64_VARIANT_ORIGINAL);
	free(svg);
	return arena_printf(a, "data:image/svg+xml;base64,%s", b64);
}

json_t *fl_ticket_card(fl_ctx_t *ctx, http_req_t *r, const fl_ticket_t *t, const char *token)
{
	json_t *o = fl_ticket_json(ctx, r, t, token);
	fl_office_t f;
	if (!o || fl_office_load_id(ctx, t->office_id, &f)) {
		json_decref(o);
		return NULL;
	}
	const cat_zone_t *z = fl_zone_id(&f, t->zone_id);
	json_object_set_new(o, "zone",
			    jpack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)t->zone_id, "code", t->zone_code, "name",
				  z ? zone_name(z, r->lang) : "", "colour", z ? z->colour : "#1b1f24"));
	json_object_set_new(o, "office_name", json_string(f.o.name[i18n_index(r->lang)]));
	json_object_set_new(o, "status_label", json_string(http_tf(r, "fl_status_%s", t->status)));
	json_object_set_new(o, "is_waiting", json_boolean(fl_waiting(t->status)));
	json_object_set_new(o, "is_called", json_boolean(str_eq(t->status, "called")));
	json_object_set_new(o, "is_over", json_boolean(str_eq(t->status, "done") || str_eq(t->status, "no_show")));
	const cat_desk_t *d = fl_desk_id(&f, t->desk_id, NULL);
	if (d && !fl_waiting(t->status))
		json_object_set_new(o, "desk", jpack("{s:s,s:s}", "code", d->code, "name", d->display_name));
	else
		json_object_del(o, "desk");
	const char *hhmm, *date;
	local_time(r->arena, &f.o, t->issued_at, &hhmm, &date);
	json_object_set_new(o, "time", json_string(hhmm));
	json_object_set_new(o, "date", json_string(date));
	if (t->appointment_at) {
		local_time(r->arena, &f.o, t->appointment_at, &hhmm, &date);
		json_object_set_new(o, "appointment_time", json_string(hhmm));
	}
	if (token) {
		const char *qr = qr_data_uri(r->arena, fl_live_url(r, t->id, token));
		if (qr)
			json_object_set_new(o, "qr", json_string(qr));
	}
	return o;
}

/* ---------------------------------------------------------------- announcements */

void fl_announce(http_req_t *r, const fl_change_t *ch)
{
	fl_ctx_t ctx;
	fl_ctx_from_req(&ctx, r);
	fl_publish(&ctx, r->app->bus, ch);
}

bool fl_public_rate_ok(http_req_t *r)
{
	if (r->user)
		return true;
	int retry = 1;
	if (http_rate_ok(r, "floor.public", (int)config_int(r->app->cfg, "floor.rate_public"), 60, &retry))
		return true;
	http_reply_error(r, 429, "rate_limited", "fl_err_rate", jpack("{s:i}", "retry_after", retry));
	return false;
}

/* ---------------------------------------------------------------- errors */

void fl_reply_err(http_req_t *r, int rc, const fl_err_t *err)
{
	if (err && err->code)
		http_reply_fields(r, fl_err_status(err), err->code, err->key ? err->key : "err_internal", &err->fields);
	else
		http_reply_failed(r, rc);
}
