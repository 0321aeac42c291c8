/* api.c — the booking JSON API (docs/api.md, "Booking"): availability, proof-of-work challenges,
 * holds, appointments (create, read, cancel, reschedule), check-in and state moves for staff.
 *
 * Citizens: rate limits per client address (booking.rate_availability for reads,
 * booking.rate_booking for everything that books or looks a booking up), proof of work on
 * create. Staff (a session or a bearer token of a person's account) skip both and book on the
 * staff share. The public POST routes are exempt from the core's CSRF check so that plain API
 * clients can use them; a call that carries a session cookie must still send X-CSRF-Token,
 * checked here, or a hostile page could book on a signed-in employee's behalf. */
#include "app.h"
#include "auth/auth.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "booking/freecache.h"
#include "booking/internal.h"
#include "booking/web.h"
#include "catalog/catalog.h"
#include "http/http.h"
#include "http/kit.h"
#include "http/router.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POW_TTL 900

/* True when over the limit: the 429 with Retry-After has been sent. */
static bool rate_limited(http_req_t *r, bool booking)
{
	int retry = 1;
	if (bk_rate_ok(r, booking, &retry))
		return false;
	http_reply_error(r, 429, "rate_limited", booking ? "booking_err_rate_booking" : "booking_err_rate_availability",
			 jpack("{s:i}", "retry_after", retry));
	return true;
}

/* The public POST routes skip the core's CSRF check; a session cookie call must pass it. */
static bool csrf_refused(http_req_t *r)
{
	if (r->user && !r->user->bearer && !http_csrf_ok(r)) {
		http_reply_error(r, 403, "csrf", "err_csrf", NULL);
		return true;
	}
	return false;
}

/* A string member of the JSON body, else the query parameter of that name. */
static const char *field(http_req_t *r, const char *name)
{
	json_t *v = r->json ? json_object_get(r->json, name) : NULL;
	if (json_is_string(v))
		return json_string_value(v);
	return v ? NULL : http_query(r, name);
}

static void reply_err(http_req_t *r, int rc, const booking_err_t *err)
{
	if (err->code) {
		http_reply_fields(r, booking_err_status(err), err->code, err->key ? err->key : "err_internal",
				  &err->fields);
	} else if (rc == ERR_UNAVAILABLE || rc == ERR_DB || rc == ERR_BUSY) {
		http_reply_error(r, 503, "unavailable", "err_unavailable", NULL);
	} else if (rc == ERR_NOT_FOUND) {
		http_reply_error(r, 404, "not_found", "booking_err_not_found", NULL);
	} else {
		http_reply_error(r, 500, "internal", "err_internal", NULL);
	}
}

static bool body_is_object(http_req_t *r)
{
	if (r->json && !json_is_object(r->json)) {
		http_reply_error(r, 400, "bad_json", "err_bad_json", NULL);
		return false;
	}
	return true;
}

/* The start of a handler: the request's checks (a change: a JSON object body, the CSRF token of a
 * session, the booking budget; a read: the budget booking names), then its booking context.
 * False when answered. */
static bool api_begin(http_req_t *r, bool change, bool booking, booking_ctx_t *ctx)
{
	if (change ? !body_is_object(r) || csrf_refused(r) || rate_limited(r, true) : rate_limited(r, booking))
		return false;
	bk_ctx_from_req(ctx, r);
	return true;
}

/* ---------------------------------------------------------------- availability, challenge */

static void api_availability(http_req_t *r)
{
	booking_ctx_t ctx;
	if (!api_begin(r, false, false, &ctx))
		return;
	booking_query_t q = {
		.service = http_query(r, "service"),
		.channel = http_query(r, "channel"),
		.office = http_query(r, "office"),
		.from = http_query(r, "from"),
		.to = http_query(r, "to"),
	};
	booking_err_t err = {0};
	booking_day_t *days;
	size_t n;
	/* The same question in the same second and generation: the answer kept (freecache.h). */
	const char *key = bk_freecache_key(r->arena, &q, ctx.staff);
	size_t len;
	const char *kept = bk_freecache_get(r->arena, key, ctx.now, &len);
	http_add_header(r, "Cache-Control", "no-store");
	if (kept) {
		http_reply_bytes(r, 200, "application/json; charset=utf-8", kept, len);
		return;
	}
	uint64_t gen = bk_freecache_gen();
	int rc = booking_availability(&ctx, &q, &days, &n, &err);
	if (rc) {
		reply_err(r, rc, &err);
		return;
	}
	json_t *body = booking_days_json(days, n);
	char *s = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	bk_freecache_put(key, ctx.now, gen, s, strlen(s));
	http_reply_bytes(r, 200, "application/json; charset=utf-8", s, strlen(s));
	free(s);
}

static void api_pow(http_req_t *r)
{
	if (rate_limited(r, false))
		return;
	const config_t *cfg = r->app->cfg;
	const unsigned char *key;
	size_t keylen;
	booking_pow_key(cfg, &key, &keylen);
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200,
			booking_pow_challenge(key, keylen, config_int(cfg, "booking.pow_max_number"),
					      (int64_t)time(NULL), POW_TTL));
}

/* ---------------------------------------------------------------- holds */

static void read_input(http_req_t *r, booking_input_t *in)
{
	memset(in, 0, sizeof *in);
	in->service = field(r, "service");
	in->channel = field(r, "channel");
	in->office = field(r, "office");
	in->start = field(r, "start");
	in->hold = field(r, "hold");
	in->name = field(r, "name");
	in->id_type = field(r, "id_type");
	in->id_number = field(r, "id_number");
	in->email = field(r, "email");
	in->phone = field(r, "phone");
	in->lang = field(r, "lang");
	in->altcha = field(r, "altcha");
	json_t *dc = r->json ? json_object_get(r->json, "digital_confidence") : NULL;
	if (json_is_integer(dc))
		in->digital_confidence =
			json_integer_value(dc) >= 0 && json_integer_value(dc) <= 5 ? (int)json_integer_value(dc) : -1;
	else if (dc && !json_is_null(dc))
		in->digital_confidence = -1;
}

/* A change made of a booking input (a hold, an appointment): api_begin, then the input. */
static bool api_begin_input(http_req_t *r, booking_ctx_t *ctx, booking_input_t *in)
{
	if (!api_begin(r, true, true, ctx))
		return false;
	read_input(r, in);
	return true;
}

static void api_hold(http_req_t *r)
{
	char token[BOOKING_TOKEN_LEN];
	int64_t exp;
	booking_ctx_t ctx;
	booking_input_t in;
	if (!api_begin_input(r, &ctx, &in))
		return;
	booking_err_t err = {0};
	int rc = booking_hold(&ctx, &in, token, &exp, &err);
	if (rc) {
		reply_err(r, rc, &err);
		return;
	}
	char iso[TZ_ISO_LEN];
	tz_format_iso(tz_utc(), exp, iso);
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 201,
			jpack("{s:s,s:s,s:I}", "hold", token, "expires_at", iso, "expires_in",
			      (json_int_t)(exp - ctx.now)));
}

static void api_hold_release(http_req_t *r)
{
	/* A random token tried against the table costs what any other booking call costs. */
	booking_ctx_t ctx;
	if (!api_begin(r, true, true, &ctx))
		return;
	int rc = booking_hold_release(&ctx, http_param(r, "hold"));
	if (rc == ERR_NOT_FOUND)
		http_reply_error(r, 404, "not_found", "booking_err_hold_expired", NULL);
	else if (rc)
		http_reply_error(r, 503, "unavailable", "err_unavailable", NULL);
	else
		http_reply_bytes(r, 204, NULL, "", 0);
}

/* ---------------------------------------------------------------- appointments */

static void api_create(http_req_t *r)
{
	booking_ctx_t ctx;
	booking_input_t in;
	if (!api_begin_input(r, &ctx, &in))
		return;
	booking_err_t err = {0};
	booking_created_t out;
	if (ctx.staff)
		bk_ctx_audit(&ctx, r, false);
	int rc = booking_create(&ctx, &in, &out, &err);
	if (rc) {
		reply_err(r, rc, &err);
		return;
	}
	http_add_header(r, "Cache-Control", "no-store");
	http_add_header(r, "Location", arena_printf(r->arena, "/api/v1/appointments/%s", out.code));
	http_reply_json(r, 201, out.model);
}

static json_t *history_json(booking_ctx_t *ctx, int64_t id)
{
	booking_event_t *ev;
	size_t n;
	json_t *h = json_array();
	if (booking_history(ctx, id, &ev, &n))
		return h;
	for (size_t i = 0; i < n; i++) {
		char at[TZ_ISO_LEN];
		tz_format_iso(tz_utc(), ev[i].at, at);
		json_array_append_new(h, jpack("{s:s,s:s,s:s,s:s}", "at", at, "from", ev[i].from_state, "to",
					       ev[i].to_state, "actor", ev[i].actor));
	}
	return h;
}

/* The appointment's model (with its manage link when token is a whole one); NULL when answered
 * (503). */
static json_t *model_or_503(http_req_t *r, booking_ctx_t *ctx, const booking_t *b, const char *token)
{
	json_t *m = booking_model(ctx, b, token && strlen(token) == 64 ? token : NULL, r->lang);
	if (!m)
		http_reply_error(r, 503, "unavailable", "err_unavailable", NULL);
	return m;
}

static void api_get(http_req_t *r)
{
	booking_ctx_t ctx;
	if (!api_begin(r, false, true, &ctx))
		return;
	const char *token = http_query(r, "token"), *idn = http_query(r, "id_number");
	booking_t b;
	int rc = booking_get(&ctx, http_param(r, "code"), token, idn, &b);
	if (rc) {
		booking_err_t err = {0};
		reply_err(r, rc, &err);
		return;
	}
	json_t *m = model_or_503(r, &ctx, &b, token);
	if (!m)
		return;
	if (ctx.staff) {
		json_object_set_new(m, "history", history_json(&ctx, b.id));
		auth_audit(r, "booking.view", b.code, NULL);
	}
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200, m);
}

static void api_cancel(http_req_t *r)
{
	booking_ctx_t ctx;
	if (!api_begin(r, true, true, &ctx))
		return;
	const char *code = http_param(r, "code");
	booking_err_t err = {0};
	if (ctx.staff)
		bk_ctx_audit(&ctx, r, false);
	int rc = booking_cancel(&ctx, code, field(r, "token"), field(r, "id_number"), &err);
	if (rc) {
		reply_err(r, rc, &err);
		return;
	}
	http_reply_json(r, 200, jpack("{s:s,s:s}", "code", code, "status", "cancelled"));
}

static void api_reschedule(http_req_t *r)
{
	booking_ctx_t ctx;
	if (!api_begin(r, true, true, &ctx))
		return;
	const char *code = http_param(r, "code"), *token = field(r, "token");
	booking_err_t err = {0};
	booking_t b;
	if (ctx.staff)
		bk_ctx_audit(&ctx, r, false);
	int rc = booking_reschedule(&ctx, code, token, field(r, "id_number"), field(r, "start"), 0, &b, &err);
	if (rc) {
		reply_err(r, rc, &err);
		return;
	}
	json_t *m = model_or_503(r, &ctx, &b, token);
	if (m)
		http_reply_json(r, 200, m);
}

/* The failure rc of a change to one appointment: field_rc is an "invalid" reply with key on
 * field, ERR_CONFLICT a bad state, anything else goes to reply_err as it is. */
static void reply_change_err(http_req_t *r, int rc, int field_rc, const char *field, const char *key)
{
	booking_err_t err = {0};
	if (rc == field_rc) {
		err.code = "invalid";
		err.key = "booking_err_invalid";
		fielderr_add(&err.fields, field, key);
	} else if (rc == ERR_CONFLICT) {
		err.code = "bad_state";
		err.key = "booking_err_bad_state";
	}
	reply_err(r, rc, &err);
}

static void api_check_in(http_req_t *r)
{
	if (!body_is_object(r))
		return;
	booking_ctx_t ctx;
	bk_ctx_from_req(&ctx, r);
	const char *code = http_param(r, "code");
	bk_ctx_audit(&ctx, r, false);
	int rc = booking_check_in(&ctx, code, field(r, "id_number"));
	if (rc) {
		reply_change_err(r, rc, ERR_PERM, "id_number", "booking_err_id_mismatch");
		return;
	}
	http_reply_json(r, 200, jpack("{s:s,s:s}", "code", code, "status", "checked_in"));
}

static void api_status(http_req_t *r)
{
	if (!body_is_object(r))
		return;
	booking_ctx_t ctx;
	bk_ctx_from_req(&ctx, r);
	const char *code = http_param(r, "code"), *to = field(r, "status");
	bk_ctx_audit(&ctx, r, false);
	int rc = booking_transition(&ctx, code, to);
	booking_t b;
	if (rc == ERR_CONFLICT && !booking_get(&ctx, code, NULL, NULL, &b) && booking_no_show_early(&b, to, ctx.now)) {
		booking_err_t err = {.code = "bad_state", .key = "booking_err_no_show_early"};
		reply_err(r, rc, &err);
		return;
	}
	if (rc) {
		reply_change_err(r, rc, ERR_INVALID, "status", "booking_err_status");
		return;
	}
	http_reply_json(r, 200, jpack("{s:s,s:s}", "code", code, "status", to));
}

static void api_list(http_req_t *r)
{
	booking_ctx_t ctx;
	bk_ctx_from_req(&ctx, r);
	const char *office = http_query(r, "office"), *date = http_query(r, "date"),
		   *channel = http_query(r, "channel");
	int64_t office_id = 0;
	if (office && *office) {
		catalog_office_t o;
		int rc = catalog_office_by_code(ctx.c, ctx.a, office, &o);
		if (rc) {
			http_reply_error(r, rc == ERR_NOT_FOUND ? 404 : 503,
					 rc == ERR_NOT_FOUND ? "not_found" : "unavailable",
					 rc == ERR_NOT_FOUND ? "err_not_found" : "err_unavailable", NULL);
			return;
		}
		office_id = o.id;
	}
	char today[TZ_DATE_LEN];
	if (!date || !*date) {
		tz_local_t l;
		const tz_t *z = tz_get("Europe/Madrid");
		tz_local(z ? z : tz_utc(), ctx.now, &l);
		tz_date_format(l.day, today);
		date = today;
	}
	booking_t *v;
	size_t n;
	int rc = booking_list(&ctx, office_id, date, channel, &v, &n);
	if (rc == ERR_INVALID) {
		http_reply_error(r, 400, "bad_date", "booking_err_date", NULL);
		return;
	}
	if (rc) {
		http_reply_error(r, 503, "unavailable", "err_unavailable", NULL);
		return;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		char s[TZ_ISO_LEN], e[TZ_ISO_LEN];
		const tz_t *z = tz_get("Europe/Madrid");
		tz_format_iso(z ? z : tz_utc(), v[i].start_at, s);
		tz_format_iso(z ? z : tz_utc(), v[i].end_at, e);
		json_array_append_new(list, jpack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "code", v[i].code, "status",
						  v[i].status, "channel", v[i].channel, "start", s, "end", e, "name",
						  v[i].name, "service", v[i].service_code, "office", v[i].office_code,
						  "booked_by", v[i].booked_by));
	}
	auth_audit(r, "booking.list", office ? office : "", date);
	http_reply_json(r, 200, jpack("{s:s,s:o}", "date", date, "appointments", list));
}

#define WELCOME_DESK (ROLE_WELCOME | ROLE_COORDINATOR | ROLE_ADMIN)

const http_route_t bk_api_routes[] = {
	{HTTP_GET, "/api/v1/availability", api_availability, RT_API | RT_DB, 0},
	{HTTP_GET, "/api/v1/pow/challenge", api_pow, RT_API | RT_NO_SESSION, 0},
	{HTTP_POST, "/api/v1/holds", api_hold, RT_API | RT_JSON | RT_NO_CSRF | RT_DB, 0},
	{HTTP_DELETE, "/api/v1/holds/{hold}", api_hold_release, RT_API | RT_NO_CSRF | RT_DB, 0},
	{HTTP_POST, "/api/v1/appointments", api_create, RT_API | RT_JSON | RT_NO_CSRF | RT_DB, 0},
	{HTTP_GET, "/api/v1/appointments", api_list, RT_API | RT_DB, ROLE_PEOPLE},
	{HTTP_GET, "/api/v1/appointments/{code}", api_get, RT_API | RT_DB, 0},
	{HTTP_POST, "/api/v1/appointments/{code}/cancel", api_cancel, RT_API | RT_JSON | RT_NO_CSRF | RT_DB, 0},
	{HTTP_POST, "/api/v1/appointments/{code}/reschedule", api_reschedule, RT_API | RT_JSON | RT_NO_CSRF | RT_DB, 0},
	{HTTP_POST, "/api/v1/appointments/{code}/check-in", api_check_in, RT_API | RT_JSON | RT_DB, WELCOME_DESK},
	{HTTP_POST, "/api/v1/appointments/{code}/status", api_status, RT_API | RT_JSON | RT_DB, ROLE_PEOPLE},
	{0},
};
