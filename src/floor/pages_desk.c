/* pages_desk.c — the desks and the coordinator board, without JavaScript (staff.js refreshes the
 * queues when the floor changes):
 *   GET  /floor/desk               open a desk (which, serving which zones), then the ticket it
 *                                  has, its actions, the queues it serves and its parked tickets
 *   POST /floor/desk/open|close    the person's desk session
 *   POST /floor/desk/call          call next (or ?ticket=ID: that one)
 *   POST /floor/desk/act           recall, start, park, resume, no-show, transfer, finish
 *   GET  /floor/board              the coordinator board
 *   POST /floor/board/issuing      close or reopen a zone's issuing, set its quota
 *   POST /floor/board/move         move a waiting ticket to another zone */
#include "floor/web.h"

#include "app.h"
#include "auth/auth.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "base/tz.h"
#include "http/form.h"
#include "http/kit.h"
#include "people/people.h"
#include "view/i18n.h"

#include <stdlib.h>
#include <string.h>

/* The page's office, which the person may act at; NULL when answered (403). */
static const char *page_office(http_req_t *r)
{
	const char *o = fl_page_office(r);
	if (o && fl_office_allowed(r, o))
		return o;
	http_reply_error(r, 403, "forbidden", "err_forbidden", NULL);
	return NULL;
}

static const char *zname(http_req_t *r, const cat_zone_t *z)
{
	int i = i18n_index(r->lang);
	return z->name[i] && *z->name[i] ? z->name[i] : z->name[CAT_CA];
}

/* One waiting ticket as the lists show it. */
static json_t *queue_item(fl_ctx_t *ctx, http_req_t *r, const fl_office_t *f, const fl_ticket_t *t)
{
	json_t *o = jpack("{s:I,s:s,s:I,s:b}", "id", (json_int_t)t->id, "number", t->number, "since_min",
			  (json_int_t)((ctx->now - t->arrived_at) / 60), "priority", *t->priority != 0);
	if (t->appointment_at) {
		tz_local_t l;
		const tz_t *z = f->o.tz ? tz_get(f->o.tz) : NULL;
		tz_local(z ? z : tz_utc(), t->appointment_at, &l);
		json_object_set_new(o, "appointment",
				    json_string(arena_printf(r->arena, "%02d:%02d", l.minute / 60, l.minute % 60)));
	}
	if (*t->note)
		json_object_set_new(o, "note", json_string(t->note));
	if (*t->target_desk_code)
		json_object_set_new(o, "for_desk", json_string(t->target_desk_code));
	return o;
}

/* ---------------------------------------------------------------- the desk */

static bool zone_in(const char *list, int64_t id)
{
	for (const char *p = list; p && *p;) {
		char *end;
		if (strtoll(p, &end, 10) == id)
			return true;
		p = *end == ',' ? end + 1 : end;
		if (end == p && *p != ',')
			break;
	}
	return false;
}

/* The desk model when the person has a session at this office: the desk, its ticket, the queues. */
static json_t *desk_model(fl_ctx_t *ctx, http_req_t *r, const fl_office_t *f, const fl_session_t *s)
{
	const cat_zone_t *dz;
	const cat_desk_t *d = fl_desk_id(f, s->desk_id, &dz);
	fl_ticket_t *q, *act, cur;
	size_t n, nact;
	if (!d || fl_queue(ctx, f, &q, &n) || fl_store_active(ctx->c, ctx->a, f->o.id, f->day, &act, &nact))
		return NULL;
	int rc = fl_store_desk_current(ctx->c, ctx->a, d->id, &cur);
	if (rc && rc != ERR_NOT_FOUND)
		return NULL;
	json_t *zones = json_array(), *targets = json_array(), *parked = json_array();
	for (size_t i = 0; i < f->o.nzones; i++) {
		const cat_zone_t *z = &f->o.zones[i];
		json_array_append_new(targets, jpack("{s:s,s:s}", "value", z->code, "label", zname(r, z)));
		if (!zone_in(s->zones, z->id))
			continue;
		json_t *list = json_array();
		for (size_t k = 0; k < n; k++)
			if (q[k].zone_id == z->id && (!q[k].target_desk_id || q[k].target_desk_id == d->id))
				json_array_append_new(list, queue_item(ctx, r, f, &q[k]));
		json_array_append_new(zones, jpack("{s:s,s:s,s:I,s:o}", "name", zname(r, z), "letter", z->letter, "id",
						   (json_int_t)z->id, "waiting", list));
	}
	for (size_t i = 0; i < f->o.nzones; i++)
		for (size_t k = 0; k < f->o.zones[i].ndesks; k++)
			if (f->o.zones[i].desks[k].active && f->o.zones[i].desks[k].id != d->id)
				json_array_append_new(targets, jpack("{s:s,s:s}", "value",
								     arena_printf(r->arena, "desk:%s",
										  f->o.zones[i].desks[k].code),
								     "label", f->o.zones[i].desks[k].display_name));
	for (size_t k = 0; k < nact; k++)
		if (str_eq(act[k].status, "parked") && act[k].desk_id == d->id)
			json_array_append_new(parked,
					      jpack("{s:I,s:s}", "id", (json_int_t)act[k].id, "number", act[k].number));
	json_t *m = jpack("{s:{s:s,s:s},s:o,s:o,s:o}", "desk", "code", d->code, "name", d->display_name, "zones", zones,
			  "targets", targets, "parked", parked);
	if (!rc) {
		catalog_procedure_t *procs;
		size_t np;
		json_t *plist = json_array();
		if (catalog_procedures_at(ctx->c, ctx->a, f->o.id, &procs, &np) == 0)
			for (size_t i = 0; i < np; i++)
				json_array_append_new(plist, jpack("{s:s,s:s,s:b}", "code", procs[i].code, "name",
								   catalog_procedure_name(&procs[i], r->lang), "on",
								   procs[i].id == cur.procedure_id));
		json_t *c = jpack("{s:I,s:s,s:s,s:b,s:b,s:I,s:o}", "id", (json_int_t)cur.id, "number", cur.number,
				  "status", http_tf(r, "fl_status_%s", cur.status), "called",
				  str_eq(cur.status, "called"), "in_service", str_eq(cur.status, "in_service"),
				  "recalls", (json_int_t)cur.recalls, "procedures", plist);
		if (*cur.note)
			json_object_set_new(c, "note", json_string(cur.note));
		json_object_set_new(m, "current", c);
		/* The person's timeline beside the ticket: a view of the record, audited with the ticket
		 * as the reason (not shown when that record cannot be written). */
		if (cur.person_id && (r->user->role & ROLE_PEOPLE) &&
		    auth_audit(r, "people.view", arena_printf(r->arena, "person:%lld", (long long)cur.person_id),
			       arena_printf(r->arena, "ticket: %lld", (long long)cur.id)) == 0) {
			json_t *panel = people_panel(r->app, ctx->c, r->arena, cur.person_id, r->lang, &rc);
			if (panel)
				json_object_set_new(m, "panel", panel);
		}
	}
	return m;
}

/* The desks to open, grouped by zone, and the zones a desk may serve. */
static json_t *open_model(http_req_t *r, const fl_office_t *f)
{
	json_t *groups = json_array(), *zones = json_array();
	for (size_t i = 0; i < f->o.nzones; i++) {
		const cat_zone_t *z = &f->o.zones[i];
		json_t *desks = json_array();
		for (size_t k = 0; k < z->ndesks; k++)
			if (z->desks[k].active)
				json_array_append_new(desks, jpack("{s:s,s:s}", "code", z->desks[k].code, "name",
								   z->desks[k].display_name));
		json_array_append_new(groups, jpack("{s:s,s:o}", "zone", zname(r, z), "desks", desks));
		json_array_append_new(zones, jpack("{s:s,s:s,s:s}", "code", z->code, "name", zname(r, z), "id",
						   arena_printf(r->arena, "d-zone-%s", z->code)));
	}
	return jpack("{s:o,s:o}", "groups", groups, "zones", zones);
}

static void desk_page(http_req_t *r, int status, const char *problem)
{
	const char *office = page_office(r);
	if (!office)
		return;
	fl_ctx_t ctx;
	fl_ctx_from_req(&ctx, r);
	fl_office_t f;
	fl_session_t s;
	int rc = fl_office_load(&ctx, office, &f);
	if (!rc && (rc = fl_store_session_of(ctx.c, ctx.a, ctx.user_id, &s)) == 0 && !fl_desk_id(&f, s.desk_id, NULL))
		rc = ERR_NOT_FOUND; /* a desk at another office */
	json_t *m = NULL;
	if (!rc)
		m = desk_model(&ctx, r, &f, &s);
	else if (rc == ERR_NOT_FOUND && f.o.id)
		m = open_model(r, &f), rc = 0;
	if (!m) {
		http_reply_failed(r, rc ? rc : ERR_DB);
		return;
	}
	json_object_set_new(m, "office",
			    jpack("{s:s,s:s,s:I}", "code", f.o.code, "name", f.o.name[i18n_index(r->lang)], "id",
				  (json_int_t)f.o.id));
	if (problem)
		json_object_set_new(m, "problem", json_string(problem));
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_page(r, status, "floor/desk", m);
}

static void desk_get(http_req_t *r)
{
	desk_page(r, 200, NULL);
}

/* A change of the desk pages: its announcement, then back to the page (303), or the page again
 * with the problem. */
typedef struct {
	fl_ctx_t ctx;
	const char *office, *desk, *back;
	int64_t ticket_id;
	fl_action_t action;
	fl_act_in_t in;
	fl_change_t ch;
	fl_err_t err;
	bool call, open;
	const char **zones;
	size_t nzones;
} desk_tx_t;

static void finish_change(http_req_t *r, desk_tx_t *x, int rc, void (*page)(http_req_t *, int, const char *))
{
	if (rc == HTTP_TX_ANSWERED)
		return;
	if (!rc) {
		fl_announce(r, &x->ch);
		http_reply_redirect(r, x->back);
		return;
	}
	if (rc == ERR_NOT_FOUND && x->call && !x->err.code) {
		page(r, 200, http_t(r, "fl_nobody_waits"));
		return;
	}
	if (!x->err.code) {
		http_reply_failed(r, rc);
		return;
	}
	const char *msg = http_t(r, x->err.key);
	for (size_t i = 0; i < x->err.fields.n; i++)
		msg = arena_printf(r->arena, "%s %s", msg, http_t(r, x->err.fields.e[i].key));
	page(r, fl_err_status(&x->err), msg);
}

static desk_tx_t *desk_tx(http_req_t *r, const char *back_path)
{
	const char *office = page_office(r);
	if (!office)
		return NULL;
	desk_tx_t *x = arena_alloc(r->arena, sizeof *x);
	fl_ctx_from_req(&x->ctx, r);
	x->office = office;
	x->back = arena_printf(r->arena, "%s?office=%s", back_path, str_url_encode(r->arena, office));
	x->in.idcat = -1;
	str_to_i64(form_str(r, "ticket"), 1, INT64_MAX, &x->ticket_id);
	return x;
}

static int session_write(http_req_t *r, void *ud)
{
	desk_tx_t *x = ud;
	fl_office_t f;
	int rc = fl_office_load(&x->ctx, x->office, &f);
	const cat_zone_t *dz = NULL;
	const cat_desk_t *d = rc || !x->open ? NULL : fl_desk(&f, x->desk, &dz);
	if (rc)
		return rc;
	if (x->open && !d) {
		fl_err_set(&x->err, "invalid", "fl_err_desk");
		return ERR_INVALID;
	}
	const char *list = "";
	for (size_t i = 0; i < x->nzones; i++) {
		const cat_zone_t *z = fl_zone(&f, x->zones[i]);
		if (z)
			list = arena_printf(r->arena, "%s%s%lld", list, *list ? "," : "", (long long)z->id);
	}
	if (d && !*list)
		list = arena_printf(r->arena, "%lld", (long long)dz->id);
	http_tx_audit(r, x->open ? "floor.desk.open" : "floor.desk.close",
		      arena_printf(r->arena, "desk:%s", d ? d->code : ""), f.o.code);
	rc = fl_store_session_close(x->ctx.c, x->ctx.user_id, d ? d->id : 0, x->ctx.now);
	int64_t id;
	if (!rc && d)
		rc = fl_store_session_open(x->ctx.c, f.o.id, d->id, x->ctx.user_id, x->ctx.actor, list, x->ctx.now,
					   &id);
	return rc;
}

static void session_post(http_req_t *r, bool open)
{
	desk_tx_t *x = desk_tx(r, "/floor/desk");
	if (!x)
		return;
	x->open = open;
	x->desk = form_str(r, "desk");
	x->zones = form_values(r, "zones", &x->nzones);
	finish_change(r, x, http_tx(r, session_write, x, NULL, NULL, NULL), desk_page);
}

static void desk_open(http_req_t *r)
{
	session_post(r, true);
}

static void desk_close(http_req_t *r)
{
	session_post(r, false);
}

static int call_write(http_req_t *r, void *ud)
{
	desk_tx_t *x = ud;
	int rc = fl_call(&x->ctx, x->office, x->desk, x->ticket_id, &x->ch, &x->err);
	if (!rc)
		http_tx_audit(r, "floor.call", arena_printf(r->arena, "ticket:%lld", (long long)x->ch.t.id),
			      x->ch.t.number);
	return rc;
}

static void desk_call(http_req_t *r)
{
	desk_tx_t *x = desk_tx(r, "/floor/desk");
	if (!x)
		return;
	fl_session_t s;
	int rc = fl_store_session_of(x->ctx.c, x->ctx.a, x->ctx.user_id, &s);
	if (rc == ERR_NOT_FOUND) {
		desk_page(r, 409, http_t(r, "fl_open_first"));
		return;
	}
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	fl_office_t f;
	if ((rc = fl_office_load(&x->ctx, x->office, &f)) != 0) {
		http_reply_failed(r, rc);
		return;
	}
	if (!fl_desk_id(&f, s.desk_id, NULL)) {
		desk_page(r, 409, http_t(r, "fl_open_first"));
		return;
	}
	x->desk = fl_desk_id(&f, s.desk_id, NULL)->code;
	x->call = true;
	finish_change(r, x, http_tx(r, call_write, x, NULL, NULL, NULL), desk_page);
}

static int act_write(http_req_t *r, void *ud)
{
	desk_tx_t *x = ud;
	int rc = fl_act(&x->ctx, x->ticket_id, x->action, &x->in, &x->ch, &x->err);
	if (!rc)
		http_tx_audit(r, arena_printf(r->arena, "floor.%s", fl_action_name(x->action)),
			      arena_printf(r->arena, "ticket:%lld", (long long)x->ticket_id), x->ch.t.number);
	return rc;
}

/* The fields of an action: where a transfer goes, the outcome of a finish. */
static void act_input(http_req_t *r, desk_tx_t *x)
{
	const char *to = form_str(r, "to");
	if (str_starts(to, "desk:"))
		x->in.to_desk = to + 5;
	else
		x->in.to_zone = to;
	x->in.note = form_text(r, "note");
	x->in.desk = form_str(r, "desk");
	x->in.procedures = form_values(r, "procedures", &x->in.nprocedures);
	x->in.mode = form_str(r, "mode");
	const char *idcat = form_str(r, "idcat");
	x->in.idcat = str_eq(idcat, "1") ? 1 : str_eq(idcat, "0") ? 0 : *idcat ? 2 : -1;
	x->in.referred = form_str(r, "referred");
	x->in.notes = form_text(r, "notes");
}

static void act_post(http_req_t *r, void (*page)(http_req_t *, int, const char *), const char *back)
{
	desk_tx_t *x = desk_tx(r, back);
	if (!x)
		return;
	const char *name = form_str(r, "action");
	int a = str_eq(name, "no-show") ? FL_NO_SHOW : fl_action_from_name(name);
	fl_ticket_t t;
	int rc = fl_store_ticket(x->ctx.c, x->ctx.a, x->ticket_id, &t);
	if (a < 0 || a == FL_CALL || a == FL_EXPIRE || rc || !str_eq(t.office_code, x->office)) {
		if (rc && rc != ERR_NOT_FOUND)
			http_reply_failed(r, rc);
		else
			page(r, 404, http_t(r, "fl_err_ticket"));
		return;
	}
	x->action = (fl_action_t)a;
	act_input(r, x);
	finish_change(r, x, http_tx(r, act_write, x, NULL, NULL, NULL), page);
}

static void desk_act(http_req_t *r)
{
	act_post(r, desk_page, "/floor/desk");
}

/* ---------------------------------------------------------------- the board */

static void board_page(http_req_t *r, int status, const char *problem)
{
	const char *office = page_office(r);
	if (!office)
		return;
	fl_ctx_t ctx;
	fl_ctx_from_req(&ctx, r);
	fl_office_t f;
	int rc = fl_office_load(&ctx, office, &f);
	json_t *b = rc ? NULL : fl_board_json(&ctx, &f);
	if (!b) {
		http_reply_failed(r, rc ? rc : ERR_DB);
		return;
	}
	size_t i;
	json_t *z;
	json_array_foreach (json_object_get(b, "zones"), i, z) {
		json_object_set_new(z, "name", json_string(zname(r, &f.o.zones[i])));
		json_object_set_new(z, "id", json_integer(f.o.zones[i].id));
	}
	json_t *d;
	json_array_foreach (json_object_get(b, "desks"), i, d)
		json_object_set_new(d, "status_label",
				    json_string(
					    http_tf(r, "fl_desk_%s", json_string_value(json_object_get(d, "status")))));
	json_t *m = jpack("{s:o,s:{s:s,s:s,s:I}}", "board", b, "office", "code", f.o.code, "name",
			  f.o.name[i18n_index(r->lang)], "id", (json_int_t)f.o.id);
	/* The counts other capabilities put on the board, and the topics that say they changed. */
	floor_board_card_t cards[4];
	size_t nc = fl_board_cards(&ctx, r->lang, cards, 4);
	json_t *cl = json_array();
	const char *more = "";
	for (size_t k = 0; k < nc; k++) {
		json_t *o = jpack("{s:s,s:I,s:b}", "label", cards[k].label ? cards[k].label : "", "count",
				  (json_int_t)cards[k].count, "alert", cards[k].alert);
		if (cards[k].href)
			json_object_set_new(o, "href", json_string(cards[k].href));
		json_array_append_new(cl, o);
		if (cards[k].topic && cards[k].event)
			more = arena_printf(r->arena, "%s%s%s:%s", more, *more ? " " : "", cards[k].topic,
					    cards[k].event);
	}
	json_object_set_new(m, "cards", cl);
	json_object_set_new(m, "has_cards", json_boolean(nc > 0));
	json_object_set_new(m, "more_topics", json_string(more));
	if (problem)
		json_object_set_new(m, "problem", json_string(problem));
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_page(r, status, "floor/board", m);
}

static void board_get(http_req_t *r)
{
	board_page(r, 200, NULL);
}

typedef struct {
	fl_ctx_t ctx;
	const char *office, *zone;
	int open;
	int64_t quota;
	fl_change_t ch;
} issuing_form_t;

static int issuing_form_write(http_req_t *r, void *ud)
{
	issuing_form_t *x = ud;
	fl_office_t f;
	int rc = fl_office_load(&x->ctx, x->office, &f);
	const cat_zone_t *z = rc ? NULL : fl_zone(&f, x->zone);
	if (rc || !z)
		return rc ? rc : ERR_NOT_FOUND;
	int64_t quota = -1;
	bool closed = false;
	rc = fl_store_zone_get(x->ctx.c, z->id, &quota, &closed);
	if (rc && rc != ERR_NOT_FOUND)
		return rc;
	if (x->open >= 0)
		closed = !x->open;
	if (x->quota >= -1)
		quota = x->quota;
	x->ch = (fl_change_t){.office_id = f.o.id, .office_code = f.o.code, .nzones = 1};
	x->ch.zones[0] = z->id;
	http_tx_audit(r, closed ? "floor.issuing.close" : "floor.issuing.open",
		      arena_printf(r->arena, "zone:%s", z->code),
		      arena_printf(r->arena, "%s quota=%lld", f.o.code, (long long)quota));
	return fl_store_zone_set(x->ctx.c, z->id, quota, closed, x->ctx.now, x->ctx.actor);
}

static void board_issuing(http_req_t *r)
{
	const char *office = page_office(r);
	if (!office)
		return;
	issuing_form_t x = {.office = office, .zone = form_str(r, "zone"), .open = -1, .quota = -2};
	fl_ctx_from_req(&x.ctx, r);
	const char *open = form_str(r, "open"), *quota = form_str(r, "quota");
	if (*open)
		x.open = str_eq(open, "1");
	if (r->method == HTTP_POST && form_check(r, "set_quota") &&
	    (*quota ? str_to_i64(quota, 0, 100000, &x.quota) : (x.quota = -1, 0))) {
		board_page(r, 422, http_t(r, "fl_err_quota"));
		return;
	}
	int rc = http_tx(r, issuing_form_write, &x, NULL, NULL, NULL);
	if (rc == HTTP_TX_ANSWERED)
		return;
	if (rc == ERR_NOT_FOUND) {
		board_page(r, 404, http_t(r, "fl_err_zone"));
		return;
	}
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	fl_announce(r, &x.ch);
	http_reply_redirect(r, arena_printf(r->arena, "/floor/board?office=%s", str_url_encode(r->arena, office)));
}

/* Moves a waiting ticket, named by its number, to another zone (a transfer that keeps its
 * arrival). */
static void board_move(http_req_t *r)
{
	const char *office = page_office(r);
	if (!office)
		return;
	fl_ctx_t ctx;
	fl_ctx_from_req(&ctx, r);
	fl_office_t f;
	fl_ticket_t t;
	int rc = fl_office_load(&ctx, office, &f);
	if (!rc)
		rc = fl_store_ticket_by_number(ctx.c, ctx.a, f.o.id, f.day, form_str(r, "number"), &t);
	if (rc) {
		if (rc == ERR_NOT_FOUND)
			board_page(r, 404, http_t(r, "fl_err_ticket"));
		else
			http_reply_failed(r, rc);
		return;
	}
	kv_add(r->arena, &r->form, "ticket", arena_printf(r->arena, "%lld", (long long)t.id), 32);
	kv_add(r->arena, &r->form, "action", "transfer", 16);
	act_post(r, board_page, "/floor/board");
}

const http_route_t fl_desk_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/floor/desk", desk_get, RT_DB, FL_DESKS},
	{HTTP_POST, "/floor/desk/open", desk_open, RT_FORM | RT_DB, FL_DESKS},
	{HTTP_POST, "/floor/desk/close", desk_close, RT_FORM | RT_DB, FL_DESKS},
	{HTTP_POST, "/floor/desk/call", desk_call, RT_FORM | RT_DB, FL_DESKS},
	{HTTP_POST, "/floor/desk/act", desk_act, RT_FORM | RT_DB, FL_DESKS},
	{0},
};

const http_route_t fl_board_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/floor/board", board_get, RT_DB, FL_BOARD},
	{HTTP_POST, "/floor/board/issuing", board_issuing, RT_FORM | RT_DB, FL_BOARD},
	{HTTP_POST, "/floor/board/move", board_move, RT_FORM | RT_DB, FL_BOARD},
	{0},
};
