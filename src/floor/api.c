/* api.c — the office floor's JSON API (docs/api.md, "Office floor"): issuing tickets and
 * checking appointments in, a ticket and its live stream, the desks (open, call next, call one,
 * the actions on a ticket), the queues and the coordinator board.
 *
 * Staff routes take a session (with X-CSRF-Token on changes) or a bearer token, and act only at
 * the person's own office (administrators anywhere). A ticket's own routes take its token. */
#include "floor/web.h"

#include "app.h"
#include "auth/auth.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/rand.h"
#include "base/str.h"
#include "base/tz.h"
#include "http/kit.h"

#include <sodium.h>
#include <string.h>

/* ---------------------------------------------------------------- request helpers */

/* A member that must be a string when present: false (and a field error) otherwise. */
static const char *jtext(http_req_t *r, const char *name, fl_err_t *err)
{
	json_t *v = r->json ? json_object_get(r->json, name) : NULL;
	if (v && !json_is_string(v) && !json_is_null(v))
		fl_err_field(err, name, "fl_err_type");
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* true → 1, false → 0, absent or null → -1; anything else is a field error. */
static int jflag(http_req_t *r, const char *name, fl_err_t *err)
{
	json_t *v = r->json ? json_object_get(r->json, name) : NULL;
	if (!v || json_is_null(v))
		return -1;
	if (!json_is_boolean(v)) {
		fl_err_field(err, name, "fl_err_type");
		return -1;
	}
	return json_is_true(v) ? 1 : 0;
}

/* The body is a JSON object (when there is one). */
static bool body_ok(http_req_t *r)
{
	if (r->json && !json_is_object(r->json)) {
		http_reply_error(r, 400, "bad_json", "err_bad_json", NULL);
		return false;
	}
	return true;
}

/* The office of the path, which the person may act at; false when answered (403). */
static bool office_ok(http_req_t *r, const char *office)
{
	if (fl_office_allowed(r, office))
		return true;
	http_reply_error(r, 403, "forbidden", "err_forbidden", NULL);
	return false;
}

static bool id_param(http_req_t *r, int64_t *id)
{
	if (str_to_i64(http_param(r, "id"), 1, INT64_MAX, id) == 0)
		return true;
	http_reply_error(r, 404, "not_found", "fl_err_ticket", NULL);
	return false;
}

/* The ticket of the path, proved by ?token= (anyone) or read by staff of its office. */
static int ticket_for(http_req_t *r, fl_ctx_t *ctx, int64_t id, const char *token, fl_ticket_t *t)
{
	if (token && *token) {
		if (strlen(token) != 64)
			return ERR_NOT_FOUND;
		char hash[RAND_TOKEN_HEX_LEN];
		rand_token_hash(token, hash);
		return fl_store_ticket_by_token(ctx->c, ctx->a, id, hash, t);
	}
	if (!r->user || !(r->user->role & FL_STAFF))
		return ERR_NOT_FOUND;
	int rc = fl_store_ticket(ctx->c, ctx->a, id, t);
	return !rc && !fl_office_allowed(r, t->office_code) ? ERR_NOT_FOUND : rc;
}

/* ---------------------------------------------------------------- issuing, check-in */

typedef struct {
	fl_ctx_t ctx;
	fl_issue_t in;
	fl_ticket_t t;
	char token[65];
	fl_err_t err;
	fl_change_t ch;
} issue_tx_t;

static int issue_write(http_req_t *r, void *ud)
{
	issue_tx_t *x = ud;
	int rc = fl_issue(&x->ctx, &x->in, &x->t, x->token, &x->err);
	if (!rc) {
		http_tx_audit(r, "floor.issue", arena_printf(r->arena, "ticket:%lld", (long long)x->t.id), x->t.number);
		x->ch = (fl_change_t){.office_id = x->t.office_id, .office_code = x->t.office_code, .t = x->t};
		x->ch.zones[x->ch.nzones++] = x->t.zone_id;
	}
	return rc;
}

/* Answers 201 with the ticket, its token and live link, and tells the floor. */
static void reply_new_ticket(http_req_t *r, fl_ctx_t *ctx, const fl_ticket_t *t, const char *token,
			     const fl_change_t *ch)
{
	fl_announce(r, ch);
	json_t *o = fl_ticket_json(ctx, r, t, token);
	if (!o) {
		http_reply_unavailable(r);
		return;
	}
	http_add_header(r, "Cache-Control", "no-store");
	http_add_header(r, "Location", arena_printf(r->arena, "/api/v1/tickets/%lld", (long long)t->id));
	http_reply_json(r, 201, o);
}

/* Reads the issue body into x (field errors of the wrong JSON type go into x->err). */
static void issue_input(http_req_t *r, issue_tx_t *x)
{
	x->in.office = http_param(r, "office");
	x->in.zone = jtext(r, "zone", &x->err);
	x->in.service = jtext(r, "service", &x->err);
	x->in.age_band = jtext(r, "age_band", &x->err);
	x->in.gender = jtext(r, "gender", &x->err);
	x->in.lang = jtext(r, "lang", &x->err);
	x->in.autonomous = jflag(r, "autonomous", &x->err);
	x->in.name = jtext(r, "name", &x->err);
	x->in.id_number = jtext(r, "id_number", &x->err);
	x->in.email = jtext(r, "email", &x->err);
	x->in.phone = jtext(r, "phone", &x->err);
	x->in.channel = r->user && (r->user->role & ROLE_KIOSK) ? "kiosk" : "api";
	/* priority: true (a priority need not named), a list of needs, or a comma list. */
	json_t *p = r->json ? json_object_get(r->json, "priority") : NULL;
	if (json_is_true(p)) {
		x->in.priority = "other"; /* a priority need, not named */
	} else if (json_is_array(p)) {
		const char *list = "";
		size_t i;
		json_t *v;
		json_array_foreach (p, i, v) {
			if (!json_is_string(v))
				fl_err_field(&x->err, "priority", "fl_err_priority");
			else
				list = arena_printf(r->arena, "%s%s%s", list, *list ? "," : "", json_string_value(v));
		}
		x->in.priority = list;
	} else if (json_is_string(p)) {
		x->in.priority = json_string_value(p);
	} else if (p && !json_is_false(p) && !json_is_null(p)) {
		fl_err_field(&x->err, "priority", "fl_err_priority");
	}
}

static void api_issue(http_req_t *r)
{
	if (!body_ok(r) || !office_ok(r, http_param(r, "office")))
		return;
	issue_tx_t *x = arena_alloc(r->arena, sizeof *x);
	fl_ctx_from_req(&x->ctx, r);
	issue_input(r, x); /* its field errors join those of fl_issue */
	int rc = http_tx(r, issue_write, x, NULL, NULL, NULL);
	if (rc == HTTP_TX_ANSWERED)
		return;
	if (rc) {
		fl_reply_err(r, rc, &x->err);
		return;
	}
	reply_new_ticket(r, &x->ctx, &x->t, x->token, &x->ch);
}

/* The check-in runs in booking's transaction, its audit record inside it. */
static int audit_check_in(void *ud, const char *action, const char *code, const char *detail)
{
	return auth_audit(ud, "floor.check_in", arena_printf(((http_req_t *)ud)->arena, "appointment:%s", code),
			  detail);
}

static void api_check_in(http_req_t *r)
{
	const char *office = http_param(r, "office");
	if (!body_ok(r) || !office_ok(r, office))
		return;
	issue_tx_t *x = arena_alloc(r->arena, sizeof *x);
	fl_ctx_from_req(&x->ctx, r);
	const char *what = jtext(r, "appointment", &x->err);
	if (!what || !*what)
		fl_err_field(&x->err, "appointment", "fl_err_appointment");
	if (x->err.code) {
		fl_reply_err(r, ERR_INVALID, &x->err);
		return;
	}
	int rc = fl_check_in(&x->ctx, office, what, &x->t, x->token, &x->err, audit_check_in, r);
	if (rc) {
		fl_reply_err(r, rc, &x->err);
		return;
	}
	x->ch = (fl_change_t){.office_id = x->t.office_id, .office_code = x->t.office_code, .t = x->t};
	x->ch.zones[x->ch.nzones++] = x->t.zone_id;
	reply_new_ticket(r, &x->ctx, &x->t, x->token, &x->ch);
}

/* ---------------------------------------------------------------- one ticket */

static void api_ticket(http_req_t *r)
{
	int64_t id;
	if (!fl_public_rate_ok(r) || !id_param(r, &id))
		return;
	fl_ctx_t ctx;
	fl_ctx_from_req(&ctx, r);
	fl_ticket_t t;
	const char *token = http_query(r, "token");
	int rc = ticket_for(r, &ctx, id, token, &t);
	if (rc == ERR_NOT_FOUND) {
		http_reply_error(r, 404, "not_found", "fl_err_ticket", NULL);
		return;
	}
	json_t *o = rc ? NULL : fl_ticket_json(&ctx, r, &t, token && *token ? token : NULL);
	if (!o) {
		http_reply_failed(r, rc ? rc : ERR_DB);
		return;
	}
	json_object_del(o, "token");
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200, o);
}

static void api_ticket_events(http_req_t *r)
{
	int64_t id;
	if (!fl_public_rate_ok(r) || !id_param(r, &id))
		return;
	fl_ctx_t ctx;
	fl_ctx_from_req(&ctx, r);
	fl_ticket_t t;
	int rc = ticket_for(r, &ctx, id, http_query(r, "token"), &t);
	if (rc) {
		if (rc == ERR_NOT_FOUND)
			http_reply_error(r, 404, "not_found", "fl_err_ticket", NULL);
		else
			http_reply_failed(r, rc);
		return;
	}
	http_reply_events(r, fl_topic_queue(r, t.office_id));
}

/* ---------------------------------------------------------------- desks */

typedef struct {
	fl_ctx_t ctx;
	const char *office, *desk;
	int64_t ticket_id;
	fl_action_t action;
	fl_act_in_t in;
	fl_change_t ch;
	fl_err_t err;
} act_tx_t;

static int call_write(http_req_t *r, void *ud)
{
	act_tx_t *x = ud;
	int rc = fl_call(&x->ctx, x->office, x->desk, x->ticket_id, &x->ch, &x->err);
	if (!rc)
		http_tx_audit(r, "floor.call", arena_printf(r->arena, "ticket:%lld", (long long)x->ch.t.id),
			      arena_printf(r->arena, "%s %s", x->ch.t.number, x->desk));
	return rc;
}

/* After a change: the ticket as it now is (200), and the floor told. */
static void reply_changed(http_req_t *r, act_tx_t *x)
{
	fl_announce(r, &x->ch);
	json_t *o = fl_ticket_json(&x->ctx, r, &x->ch.t, NULL);
	if (!o) {
		http_reply_unavailable(r);
		return;
	}
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200, o);
}

/* Runs fn in a transaction and answers: 200 with the ticket, 204 for nobody to call, or the
 * error. */
static void run_change(http_req_t *r, act_tx_t *x, http_tx_fn fn)
{
	int rc = http_tx(r, fn, x, NULL, NULL, NULL);
	if (rc == HTTP_TX_ANSWERED)
		return;
	if (rc == ERR_NOT_FOUND && !x->err.code && fn == call_write) {
		http_reply_bytes(r, 204, NULL, "", 0);
		return;
	}
	if (rc) {
		fl_reply_err(r, rc, &x->err);
		return;
	}
	reply_changed(r, x);
}

static act_tx_t *desk_begin(http_req_t *r)
{
	if (!body_ok(r) || !office_ok(r, http_param(r, "office")))
		return NULL;
	act_tx_t *x = arena_alloc(r->arena, sizeof *x);
	fl_ctx_from_req(&x->ctx, r);
	x->office = http_param(r, "office");
	x->desk = http_param(r, "desk");
	x->in.idcat = -1;
	return x;
}

static void api_call_next(http_req_t *r)
{
	act_tx_t *x = desk_begin(r);
	if (x)
		run_change(r, x, call_write);
}

/* The ticket a desk names: {"ticket": id} or {"number": "A012"} (today's). */
static int named_ticket(act_tx_t *x, http_req_t *r)
{
	json_t *id = r->json ? json_object_get(r->json, "ticket") : NULL;
	const char *number = jtext(r, "number", &x->err);
	if (json_is_integer(id) && json_integer_value(id) > 0) {
		x->ticket_id = json_integer_value(id);
		return 0;
	}
	fl_office_t f;
	fl_ticket_t t;
	int rc = number ? fl_office_load(&x->ctx, x->office, &f) : ERR_NOT_FOUND;
	if (!rc)
		rc = fl_store_ticket_by_number(x->ctx.c, x->ctx.a, f.o.id, f.day, number, &t);
	if (rc == ERR_NOT_FOUND)
		fl_err_field(&x->err, number ? "number" : "ticket", "fl_err_ticket");
	if (!rc)
		x->ticket_id = t.id;
	return rc;
}

static void api_call(http_req_t *r)
{
	act_tx_t *x = desk_begin(r);
	if (!x)
		return;
	int rc = named_ticket(x, r);
	if (rc) {
		fl_reply_err(r, rc, &x->err);
		return;
	}
	run_change(r, x, call_write);
}

typedef struct {
	fl_ctx_t ctx;
	const char *office, *desk;
	const char **zones;
	size_t nzones;
	bool open;
	fl_err_t err;
	json_t *out;
} session_tx_t;

/* Opens the person's session at the desk, serving the zones named (default: the desk's own). */
static int session_write(http_req_t *r, void *ud)
{
	session_tx_t *x = ud;
	fl_office_t f;
	int rc = fl_office_load(&x->ctx, x->office, &f);
	const cat_zone_t *dz = NULL;
	const cat_desk_t *d = rc ? NULL : fl_desk(&f, x->desk, &dz);
	if (!rc && !d)
		fl_err_set(&x->err, "not_found", "fl_err_desk"), rc = ERR_NOT_FOUND;
	if (rc)
		return rc;
	http_tx_audit(r, x->open ? "floor.desk.open" : "floor.desk.close", arena_printf(r->arena, "desk:%s", d->code),
		      f.o.code);
	/* Opening: one desk per person, one person per desk. Closing: the person's own. */
	rc = fl_store_session_close(x->ctx.c, x->ctx.user_id, x->open ? d->id : 0, x->ctx.now);
	if (rc || !x->open)
		return rc;
	const char *list = "";
	json_t *names = json_array();
	for (size_t i = 0; i < x->nzones; i++) {
		const cat_zone_t *z = fl_zone(&f, x->zones[i]);
		if (!z) {
			json_decref(names);
			fl_err_field(&x->err, "zones", "fl_err_zone");
			return ERR_INVALID;
		}
		list = arena_printf(r->arena, "%s%s%lld", list, *list ? "," : "", (long long)z->id);
		json_array_append_new(names, json_string(z->code));
	}
	if (!*list) {
		list = arena_printf(r->arena, "%lld", (long long)dz->id);
		json_array_append_new(names, json_string(dz->code));
	}
	int64_t id;
	rc = fl_store_session_open(x->ctx.c, f.o.id, d->id, x->ctx.user_id, x->ctx.actor, list, x->ctx.now, &id);
	if (!rc)
		x->out = jpack("{s:s,s:s,s:o}", "office", f.o.code, "desk", d->code, "zones", names);
	else
		json_decref(names);
	return rc;
}

static void desk_session(http_req_t *r, bool open)
{
	if (!body_ok(r) || !office_ok(r, http_param(r, "office")))
		return;
	session_tx_t *x = arena_alloc(r->arena, sizeof *x);
	fl_ctx_from_req(&x->ctx, r);
	x->office = http_param(r, "office");
	x->desk = http_param(r, "desk");
	x->open = open;
	json_t *z = r->json ? json_object_get(r->json, "zones") : NULL;
	size_t i, cap = 0;
	json_t *v;
	if (z && !json_is_array(z))
		fl_err_field(&x->err, "zones", "fl_err_zone");
	json_array_foreach (z, i, v) {
		if (!json_is_string(v))
			fl_err_field(&x->err, "zones", "fl_err_zone");
		else if (x->nzones < 26)
			*ARENA_PUSH(r->arena, x->zones, x->nzones, cap) = json_string_value(v);
	}
	int rc = x->err.code ? ERR_INVALID : http_tx(r, session_write, x, NULL, NULL, NULL);
	if (rc == HTTP_TX_ANSWERED) { /* the model was made before the commit failed */
		json_decref(x->out);
		return;
	}
	if (rc) {
		json_decref(x->out);
		fl_reply_err(r, rc, &x->err);
		return;
	}
	if (open)
		http_reply_json(r, 200, x->out);
	else
		http_reply_bytes(r, 204, NULL, "", 0);
}

static void api_desk_open(http_req_t *r)
{
	desk_session(r, true);
}

static void api_desk_close(http_req_t *r)
{
	desk_session(r, false);
}

/* ---------------------------------------------------------------- actions on a ticket */

static int act_write(http_req_t *r, void *ud)
{
	act_tx_t *x = ud;
	int rc = fl_act(&x->ctx, x->ticket_id, x->action, &x->in, &x->ch, &x->err);
	if (!rc)
		http_tx_audit(r, arena_printf(r->arena, "floor.%s", fl_action_name(x->action)),
			      arena_printf(r->arena, "ticket:%lld", (long long)x->ticket_id), x->ch.t.number);
	return rc;
}

/* The outcome of a finish: {"procedures": [codes], "mode", "idcat", "referred", "notes"}. */
static void finish_input(http_req_t *r, act_tx_t *x)
{
	json_t *p = r->json ? json_object_get(r->json, "procedures") : NULL;
	size_t i, cap = 0;
	json_t *v;
	if (p && !json_is_array(p))
		fl_err_field(&x->err, "procedures", "fl_err_procedures");
	json_array_foreach (p, i, v) {
		if (!json_is_string(v))
			fl_err_field(&x->err, "procedures", "fl_err_procedures");
		else
			*ARENA_PUSH(r->arena, x->in.procedures, x->in.nprocedures, cap) = json_string_value(v);
	}
	x->in.mode = jtext(r, "mode", &x->err);
	x->in.idcat = jflag(r, "idcat", &x->err);
	x->in.referred = jtext(r, "referred", &x->err);
	x->in.notes = jtext(r, "notes", &x->err);
}

static void api_action(http_req_t *r)
{
	const char *name = strrchr(r->path, '/') + 1; /* the literal routes have no {action} */
	int a = str_eq(name, "no-show") ? FL_NO_SHOW : fl_action_from_name(name);
	if (a < 0 || a == FL_CALL || a == FL_EXPIRE || str_eq(name, "no_show")) {
		http_reply_not_found(r);
		return;
	}
	int64_t id;
	if (!body_ok(r) || !id_param(r, &id))
		return;
	act_tx_t *x = arena_alloc(r->arena, sizeof *x);
	fl_ctx_from_req(&x->ctx, r);
	x->ticket_id = id;
	x->action = (fl_action_t)a;
	x->in.idcat = -1;
	fl_ticket_t t;
	int rc = fl_store_ticket(x->ctx.c, x->ctx.a, id, &t);
	if (!rc && !fl_office_allowed(r, t.office_code))
		rc = ERR_NOT_FOUND;
	if (rc) {
		if (rc == ERR_NOT_FOUND)
			http_reply_error(r, 404, "not_found", "fl_err_ticket", NULL);
		else
			http_reply_failed(r, rc);
		return;
	}
	x->in.desk = jtext(r, "desk", &x->err);
	x->in.to_zone = jtext(r, "zone", &x->err);
	x->in.to_desk = x->action == FL_TRANSFER ? x->in.desk : NULL;
	x->in.note = jtext(r, "note", &x->err);
	if (x->action == FL_FINISH)
		finish_input(r, x);
	if (x->err.code) {
		fl_reply_err(r, ERR_INVALID, &x->err);
		return;
	}
	run_change(r, x, act_write);
}

/* ---------------------------------------------------------------- queues */

static json_t *queue_json(fl_ctx_t *ctx, const fl_office_t *f, const fl_ticket_t *q, size_t n)
{
	json_t *zones = json_array();
	int64_t window = fl_cfg(ctx, "floor.appointment_window", 5) * 60;
	for (size_t z = 0; z < f->o.nzones; z++) {
		const cat_zone_t *zone = &f->o.zones[z];
		fl_estimate_t e;
		if (fl_estimate(ctx, f->o.id, zone->id, f->day, &e)) {
			json_decref(zones);
			return NULL;
		}
		json_t *list = json_array();
		int64_t ahead = 0;
		for (size_t i = 0; i < n; i++) {
			if (q[i].zone_id != zone->id)
				continue;
			char at[TZ_ISO_LEN];
			tz_format_iso(tz_utc(), q[i].arrived_at, at);
			json_t *o = jpack("{s:I,s:s,s:s,s:s,s:b,s:b,s:I}", "id", (json_int_t)q[i].id, "number",
					  q[i].number, "status", q[i].status, "arrived_at", at, "priority",
					  *q[i].priority != 0, "callable",
					  fl_order_class(&q[i], ctx->now, window) != FL_EARLY, "estimated_wait_min",
					  (json_int_t)fl_wait_min(&e, ahead++, &q[i], ctx->now, window));
			if (q[i].appointment_id) {
				tz_format_iso(tz_utc(), q[i].appointment_at, at);
				json_object_set_new(o, "appointment_at", json_string(at));
			}
			if (*q[i].target_desk_code)
				json_object_set_new(o, "desk", json_string(q[i].target_desk_code));
			if (*q[i].note)
				json_object_set_new(o, "note", json_string(q[i].note));
			json_array_append_new(list, o);
		}
		json_array_append_new(zones, jpack("{s:s,s:s,s:o}", "zone", zone->code, "letter", zone->letter,
						   "waiting", list));
	}
	return jpack("{s:s,s:s,s:o}", "office", f->o.code, "day", f->day, "zones", zones);
}

static void api_queue(http_req_t *r)
{
	const char *office = http_param(r, "office");
	if (!office_ok(r, office))
		return;
	fl_ctx_t ctx;
	fl_ctx_from_req(&ctx, r);
	fl_office_t f;
	fl_ticket_t *q;
	size_t n;
	int rc = fl_office_load(&ctx, office, &f);
	if (!rc)
		rc = fl_queue(&ctx, &f, &q, &n);
	json_t *o = rc ? NULL : queue_json(&ctx, &f, q, n);
	if (!o) {
		http_reply_failed(r, rc ? rc : ERR_DB);
		return;
	}
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200, o);
}

const http_route_t fl_api_routes[] = {
	{HTTP_POST, "/api/v1/offices/{office}/tickets", api_issue, RT_API | RT_JSON | RT_DB, FL_ISSUERS},
	{HTTP_POST, "/api/v1/offices/{office}/check-in", api_check_in, RT_API | RT_JSON | RT_DB, FL_ISSUERS},
	{HTTP_GET, "/api/v1/offices/{office}/queue", api_queue, RT_API | RT_DB, FL_STAFF},
	{HTTP_POST, "/api/v1/offices/{office}/desks/{desk}/open", api_desk_open, RT_API | RT_JSON | RT_DB, FL_DESKS},
	{HTTP_POST, "/api/v1/offices/{office}/desks/{desk}/close", api_desk_close, RT_API | RT_DB, FL_DESKS},
	{HTTP_POST, "/api/v1/offices/{office}/desks/{desk}/call-next", api_call_next, RT_API | RT_DB, FL_DESKS},
	{HTTP_POST, "/api/v1/offices/{office}/desks/{desk}/call", api_call, RT_API | RT_JSON | RT_DB, FL_DESKS},
	{HTTP_GET, "/api/v1/tickets/{id}", api_ticket, RT_API | RT_DB, 0},
	{HTTP_GET, "/api/v1/tickets/{id}/events", api_ticket_events, RT_API | RT_DB, 0},
	{HTTP_POST, "/api/v1/tickets/{id}/transfer", api_action, RT_API | RT_JSON | RT_DB, FL_DESKS},
	{HTTP_POST, "/api/v1/tickets/{id}/finish", api_action, RT_API | RT_JSON | RT_DB, FL_DESKS},
	{HTTP_POST, "/api/v1/tickets/{id}/resume", api_action, RT_API | RT_JSON | RT_DB, FL_DESKS},
	{HTTP_POST, "/api/v1/tickets/{id}/{action}", api_action, RT_API | RT_DB, FL_DESKS},
	{0},
};
