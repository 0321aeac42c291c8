/* api_display.c — what the call displays read (no sign-in: it is what the screen shows to the
 * room) and the coordinator board:
 *   GET  /api/v1/offices/{office}/calls          Server-Sent Events, one "call" per call
 *   GET  /api/v1/offices/{office}/calls/recent   the latest calls, zones and desks (resync)
 *   GET  /api/v1/offices/{office}/calls/audio    the spoken call (?number=&desk=), WAV
 *   GET  /api/v1/offices/{office}/board          queues, waits, served, desks, quotas (coordinators)
 *   POST /api/v1/offices/{office}/zones/{zone}/issuing   close or reopen issuing, set the quota */
#include "floor/web.h"

#include "app.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "base/tz.h"
#include "http/kit.h"

#include <string.h>

#define RECENT_CALLS 12

/* The office of a public route (active); false when answered (404, 503). */
static bool public_office(http_req_t *r, fl_ctx_t *ctx, fl_office_t *f)
{
	fl_ctx_from_req(ctx, r);
	if (!fl_public_rate_ok(r))
		return false;
	int rc = fl_office_load(ctx, http_param(r, "office"), f);
	if (rc == ERR_NOT_FOUND)
		http_reply_error(r, 404, "not_found", "fl_err_office", NULL);
	else if (rc)
		http_reply_failed(r, rc);
	return rc == 0;
}

static void api_calls_stream(http_req_t *r)
{
	fl_ctx_t ctx;
	fl_office_t f;
	if (public_office(r, &ctx, &f))
		http_reply_events(r, fl_topic_calls(r, f.o.id));
}

json_t *fl_office_json(const fl_office_t *f, const char *lang)
{
	json_t *zones = json_array(), *desks = json_array();
	int li = strcmp(lang, "es") == 0 ? CAT_ES : strcmp(lang, "en") == 0 ? CAT_EN : CAT_CA;
	for (size_t i = 0; i < f->o.nzones; i++) {
		const cat_zone_t *z = &f->o.zones[i];
		json_array_append_new(zones, jpack("{s:s,s:s,s:s,s:s,s:s}", "code", z->code, "letter", z->letter,
						   "colour", z->colour, "kind", z->kind, "name",
						   z->name[li] && *z->name[li] ? z->name[li] : z->name[CAT_CA]));
		for (size_t k = 0; k < z->ndesks; k++)
			if (z->desks[k].active)
				json_array_append_new(desks, jpack("{s:s,s:s,s:s}", "code", z->desks[k].code, "name",
								   z->desks[k].display_name, "zone", z->code));
	}
	const char *name = f->o.name[li] && *f->o.name[li] ? f->o.name[li] : f->o.name[CAT_CA];
	return jpack("{s:s,s:s,s:s,s:o,s:o}", "office", f->o.code, "name", name, "tz", f->o.tz ? f->o.tz : "", "zones",
		     zones, "desks", desks);
}

json_t *fl_calls_json(fl_ctx_t *ctx, const fl_office_t *f)
{
	fl_call_t *v;
	size_t n;
	/* Today's calls only: a screen switched on in the morning starts empty. */
	const tz_t *z = f->o.tz ? tz_get(f->o.tz) : NULL;
	tz_local_t l;
	tz_local(z ? z : tz_utc(), ctx->now, &l);
	if (fl_store_calls(ctx->c, ctx->a, f->o.id, tz_day_start(z ? z : tz_utc(), l.day), RECENT_CALLS, &v, &n))
		return NULL;
	json_t *calls = json_array();
	for (size_t i = 0; i < n; i++) {
		char at[TZ_ISO_LEN];
		tz_format_iso(tz_utc(), v[i].at, at);
		json_array_append_new(calls, jpack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)v[i].id, "number",
						   v[i].number, "desk", v[i].desk, "zone", v[i].zone, "at", at));
	}
	return calls;
}

static void api_calls_recent(http_req_t *r)
{
	fl_ctx_t ctx;
	fl_office_t f;
	if (!public_office(r, &ctx, &f))
		return;
	json_t *calls = fl_calls_json(&ctx, &f);
	if (!calls) {
		http_reply_unavailable(r);
		return;
	}
	json_t *o = fl_office_json(&f, r->lang);
	json_object_set_new(o, "calls", calls);
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200, o);
}

static void api_calls_audio(http_req_t *r)
{
	fl_ctx_t ctx;
	fl_office_t f;
	if (!public_office(r, &ctx, &f))
		return;
	const char *number = http_query(r, "number");
	const cat_desk_t *d = fl_desk(&f, http_query(r, "desk"), NULL);
	if (!fl_number_valid(number) || !d) {
		fl_err_t err = {0};
		fl_err_field(&err, fl_number_valid(number) ? "desk" : "number",
			     fl_number_valid(number) ? "fl_err_desk" : "fl_err_number");
		fl_reply_err(r, ERR_INVALID, &err);
		return;
	}
	const unsigned char *wav;
	size_t len;
	const char *key;
	int rc = fl_announcement(&ctx, number, d, &wav, &len, &key);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	http_add_header(r, "Cache-Control", str_eq(key, "chime") ? "no-store" : "public, max-age=86400");
	http_add_header(r, "ETag", arena_printf(r->arena, "\"%s\"", key));
	http_reply_bytes(r, 200, "audio/wav", wav, len);
}

/* ---------------------------------------------------------------- the board */

static json_t *board_zone(fl_ctx_t *ctx, const fl_office_t *f, size_t zi, const fl_ticket_t *q, size_t n)
{
	const cat_zone_t *z = &f->o.zones[zi];
	int64_t waiting = 0, oldest = 0, served = 0, no_shows = 0, walk_ins = 0;
	for (size_t i = 0; i < n; i++)
		if (q[i].zone_id == z->id) {
			waiting++;
			if (!oldest || q[i].arrived_at < oldest)
				oldest = q[i].arrived_at;
		}
	fl_estimate_t e;
	if (fl_store_zone_counts(ctx->c, f->o.id, z->id, f->day, &served, &no_shows) ||
	    fl_store_walk_ins(ctx->c, f->o.id, z->id, f->day, &walk_ins) ||
	    fl_estimate(ctx, f->o.id, z->id, f->day, &e))
		return NULL;
	json_t *o =
		jpack("{s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:b,s:I,s:I}", "zone", z->code, "letter", z->letter,
		      "colour", z->colour, "name", z->name[CAT_CA], "waiting", (json_int_t)waiting, "longest_wait_min",
		      (json_int_t)(oldest ? (ctx->now - oldest) / 60 : 0), "served", (json_int_t)served, "no_shows",
		      (json_int_t)no_shows, "issued", (json_int_t)walk_ins, "closed", f->closed[zi], "desks_open",
		      (json_int_t)e.desks, "service_min", (json_int_t)((e.service_s + 30) / 60));
	if (f->quota[zi] > 0) {
		json_object_set_new(o, "quota", json_integer(f->quota[zi]));
		json_object_set_new(o, "quota_left",
				    json_integer(f->quota[zi] > walk_ins ? f->quota[zi] - walk_ins : 0));
	} else {
		json_object_set_new(o, "quota", json_null());
		json_object_set_new(o, "quota_left", json_null());
	}
	return o;
}

/* Each open desk: who, which zones, and the ticket it has called or serves. */
static json_t *board_desks(fl_ctx_t *ctx, const fl_office_t *f, const fl_ticket_t *act, size_t nact)
{
	fl_session_t *s;
	size_t ns;
	if (fl_store_sessions(ctx->c, ctx->a, f->o.id, &s, &ns))
		return NULL;
	json_t *desks = json_array();
	for (size_t i = 0; i < ns; i++) {
		const cat_desk_t *d = fl_desk_id(f, s[i].desk_id, NULL);
		if (!d)
			continue;
		json_t *o = jpack("{s:s,s:s,s:s,s:s}", "desk", d->code, "name", d->display_name, "user",
				  s[i].user_email, "status", "idle");
		for (size_t k = 0; k < nact; k++)
			if (act[k].desk_id == d->id && !str_eq(act[k].status, "parked")) {
				json_object_set_new(o, "status", json_string(act[k].status));
				json_object_set_new(o, "ticket", json_string(act[k].number));
				json_object_set_new(o, "since_min",
						    json_integer((ctx->now - act[k].last_called_at) / 60));
			}
		json_array_append_new(desks, o);
	}
	return desks;
}

json_t *fl_board_json(fl_ctx_t *ctx, const fl_office_t *f)
{
	fl_ticket_t *q, *act;
	size_t n, nact;
	if (fl_queue(ctx, f, &q, &n) || fl_store_active(ctx->c, ctx->a, f->o.id, f->day, &act, &nact))
		return NULL;
	json_t *zones = json_array();
	for (size_t i = 0; i < f->o.nzones; i++) {
		json_t *z = board_zone(ctx, f, i, q, n);
		if (!z) {
			json_decref(zones);
			return NULL;
		}
		json_array_append_new(zones, z);
	}
	json_t *desks = board_desks(ctx, f, act, nact);
	if (!desks) {
		json_decref(zones);
		return NULL;
	}
	json_t *parked = json_array();
	for (size_t k = 0; k < nact; k++)
		if (str_eq(act[k].status, "parked"))
			json_array_append_new(parked, jpack("{s:I,s:s,s:s}", "id", (json_int_t)act[k].id, "number",
							    act[k].number, "desk", act[k].desk_code));
	return jpack("{s:s,s:s,s:o,s:o,s:o}", "office", f->o.code, "day", f->day, "zones", zones, "desks", desks,
		     "parked", parked);
}

static void api_board(http_req_t *r)
{
	const char *office = http_param(r, "office");
	if (!fl_office_allowed(r, office)) {
		http_reply_error(r, 403, "forbidden", "err_forbidden", NULL);
		return;
	}
	fl_ctx_t ctx;
	fl_ctx_from_req(&ctx, r);
	fl_office_t f;
	int rc = fl_office_load(&ctx, office, &f);
	json_t *o = rc ? NULL : fl_board_json(&ctx, &f);
	if (!o) {
		http_reply_failed(r, rc ? rc : ERR_DB);
		return;
	}
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200, o);
}

/* ---------------------------------------------------------------- issuing per zone */

typedef struct {
	fl_ctx_t ctx;
	const char *office, *zone;
	int open;      /* 1, 0, -1 unchanged */
	int64_t quota; /* -1 the default, -2 unchanged */
	fl_err_t err;
	fl_office_t f;
	size_t zi;
} issuing_tx_t;

static int issuing_write(http_req_t *r, void *ud)
{
	issuing_tx_t *x = ud;
	int rc = fl_office_load(&x->ctx, x->office, &x->f);
	const cat_zone_t *z = rc ? NULL : fl_zone(&x->f, x->zone);
	if (rc == ERR_NOT_FOUND || (!rc && !z)) {
		fl_err_set(&x->err, "not_found", rc ? "fl_err_office" : "fl_err_zone");
		return ERR_NOT_FOUND;
	}
	if (rc)
		return rc;
	x->zi = (size_t)(z - x->f.o.zones);
	int64_t quota = -1, old_quota = -1;
	bool closed = false;
	rc = fl_store_zone_get(x->ctx.c, z->id, &old_quota, &closed);
	if (rc && rc != ERR_NOT_FOUND)
		return rc;
	quota = x->quota == -2 ? old_quota : x->quota;
	if (x->open >= 0)
		closed = !x->open;
	x->f.closed[x->zi] = closed;
	x->f.quota[x->zi] = quota >= 0 ? quota : fl_cfg(&x->ctx, "floor.daily_quota", 0);
	http_tx_audit(r, closed ? "floor.issuing.close" : "floor.issuing.open",
		      arena_printf(r->arena, "zone:%s", z->code),
		      arena_printf(r->arena, "%s quota=%lld", x->f.o.code, (long long)quota));
	return fl_store_zone_set(x->ctx.c, z->id, quota, closed, x->ctx.now, x->ctx.actor);
}

static void api_issuing(http_req_t *r)
{
	if (r->json && !json_is_object(r->json)) {
		http_reply_error(r, 400, "bad_json", "err_bad_json", NULL);
		return;
	}
	issuing_tx_t *x = arena_alloc(r->arena, sizeof *x);
	fl_ctx_from_req(&x->ctx, r);
	x->office = http_param(r, "office");
	x->zone = http_param(r, "zone");
	if (!fl_office_allowed(r, x->office)) {
		http_reply_error(r, 403, "forbidden", "err_forbidden", NULL);
		return;
	}
	json_t *open = json_object_get(r->json, "open"), *quota = json_object_get(r->json, "quota");
	x->open = json_is_boolean(open) ? json_is_true(open) : -1;
	if (open && !json_is_boolean(open))
		fl_err_field(&x->err, "open", "fl_err_type");
	x->quota = !quota ? -2 : json_is_null(quota) ? -1 : json_is_integer(quota) ? json_integer_value(quota) : -3;
	if (x->quota < -2 || x->quota > 100000)
		fl_err_field(&x->err, "quota", "fl_err_quota");
	int rc = x->err.code ? ERR_INVALID : http_tx(r, issuing_write, x, NULL, NULL, NULL);
	if (rc == HTTP_TX_ANSWERED)
		return;
	if (rc) {
		fl_reply_err(r, rc, &x->err);
		return;
	}
	json_t *o = board_zone(&x->ctx, &x->f, x->zi, NULL, 0);
	if (!o) {
		http_reply_unavailable(r);
		return;
	}
	json_object_del(o, "waiting");
	json_object_del(o, "longest_wait_min");
	fl_change_t ch = {.office_id = x->f.o.id, .office_code = x->f.o.code, .nzones = 1};
	ch.zones[0] = x->f.o.zones[x->zi].id;
	fl_announce(r, &ch);
	http_reply_json(r, 200, o);
}

const http_route_t fl_display_routes[] = {
	{HTTP_GET, "/api/v1/offices/{office}/calls", api_calls_stream, RT_API | RT_DB, 0},
	{HTTP_GET, "/api/v1/offices/{office}/calls/recent", api_calls_recent, RT_API | RT_DB, 0},
	{HTTP_GET | HTTP_HEAD, "/api/v1/offices/{office}/calls/audio", api_calls_audio, RT_API | RT_DB, 0},
	{HTTP_GET, "/api/v1/offices/{office}/board", api_board, RT_API | RT_DB, FL_BOARD},
	{HTTP_POST, "/api/v1/offices/{office}/zones/{zone}/issuing", api_issuing, RT_API | RT_JSON | RT_DB, FL_BOARD},
	{0},
};
