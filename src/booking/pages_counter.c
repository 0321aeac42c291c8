/* pages_counter.c — the counter: one office's appointments of one day for the staff, and what the
 * staff do with them on the person's behalf (pages.c has the booking flow):
 *   GET  /staff/cites                         picks the office (the person's own, else a list)
 *   GET  /staff/cites/{office}?date=          the day's list, times in the office's zone, in the
 *                                             staff member's language (each view audited)
 *   POST /staff/cites/{office}/arribada       check-in: by code, the QR code's link or the ID
 *                                             number; a code asks for the ID number shown, which
 *                                             must match (booking_check_in)
 *   POST /staff/cita/{code}/estat             no-show or cancel (booking_transition), audited
 *   GET|POST /staff/cita/{code}/canvia        another day and time (booking_reschedule), audited
 * Every change goes through booking.h and records its audit entry in its own transaction. */
#include "booking/pages.h"
#include "booking/internal.h"

#include "app.h"
#include "auth/auth.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/str.h"
#include "base/tz.h"
#include "catalog/catalog.h"
#include "http/kit.h"
#include "view/i18n.h"

#include <ctype.h>
#include <string.h>

/* Who may check people in: the welcome desk, as in the API. */
#define CHECK_IN_ROLES (ROLE_WELCOME | ROLE_COORDINATOR | ROLE_ADMIN)

static const char *counter_href(http_req_t *r, const char *office, const char *date)
{
	return arena_printf(r->arena, "/staff/cites/%s?date=%s", str_url_encode(r->arena, office), date);
}

/* ---------------------------------------------------------------- reading what staff type */

/* A code typed in any case, or the code inside the QR code's link (".../cita/CODE?token=..."),
 * upper case; NULL when s is neither. Arena. */
static const char *code_in(http_req_t *r, const char *s)
{
	const char *at = strstr(s, "/cita/");
	if (at)
		s = at + strlen("/cita/");
	char code[BOOKING_CODE_LEN];
	size_t k = 0;
	for (const char *p = s; *p && k < BOOKING_CODE_LEN; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (!isalnum((unsigned char)*p))
			break;
		code[k++] = (char)toupper((unsigned char)*p);
	}
	if (k != BOOKING_CODE_LEN - 1)
		return NULL;
	code[k] = '\0';
	for (size_t i = 0; i < k; i++)
		if (!strchr(BOOKING_CODE_ALPHABET, code[i]))
			return NULL;
	return arena_strdup(r->arena, code);
}

/* ---------------------------------------------------------------- the day's list */

typedef struct {
	http_req_t *r;
	booking_ctx_t ctx;
	catalog_office_t office;
	const tz_t *tz;
	int32_t day;
	char date[TZ_DATE_LEN];
} counter_t;

/* The office of the path and the date of ?date= (or the form's), today in the office's zone by
 * default. False when answered (404, 400, 503). */
static bool counter_begin(counter_t *k, http_req_t *r)
{
	memset(k, 0, sizeof *k);
	k->r = r;
	if (!bk_ctx_for(r, &BK_STAFF, &k->ctx))
		return false;
	int rc = catalog_office_by_code(k->ctx.c, k->ctx.a, http_param(r, "office"), &k->office);
	if (rc) {
		http_reply_failed(r, rc);
		return false;
	}
	k->tz = bk_zone_or_default(k->office.tz);
	const char *d = bk_param(r, "date");
	if (*d) {
		if (tz_date_parse(d, &k->day)) {
			http_reply_error(r, 400, "bad_date", "booking_err_date", NULL);
			return false;
		}
	} else {
		tz_local_t l;
		tz_local(k->tz, k->ctx.now, &l);
		k->day = l.day;
	}
	tz_date_format(k->day, k->date);
	return true;
}

/* The procedure's name in the staff member's language (looked up once per procedure). */
static const char *service_name(counter_t *k, json_t *cache, const booking_t *b)
{
	json_t *v = json_object_get(cache, b->service_code);
	if (v)
		return json_string_value(v);
	catalog_procedure_t p;
	const char *name = b->service_code;
	if (catalog_procedure_by_id(k->ctx.c, k->ctx.a, b->procedure_id, &p) == 0)
		name = catalog_procedure_name(&p, k->r->lang);
	json_object_set_new(cache, b->service_code, json_string(name));
	return name;
}

/* One appointment of the list, with the actions its state allows. New. */
static json_t *row_json(counter_t *k, json_t *cache, const booking_t *b)
{
	http_req_t *r = k->r;
	bool booked = str_eq(b->status, "booked");
	bool can_check_in = booked && str_eq(b->channel, "in_person") && r->user && (r->user->role & CHECK_IN_ROLES);
	json_t *o = jpack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "code", b->code, "time",
			  bk_local_hhmm(r, k->tz, b->start_at), "end", bk_local_hhmm(r, k->tz, b->end_at), "name",
			  b->name, "id", booking_id_mask(r->arena, b->id_number), "service", service_name(k, cache, b),
			  "channel", bk_channel_label(r, b->channel), "status", b->status, "status_label",
			  http_tf(r, "cita_staff_status_%s", b->status));
	json_object_set_new(o, "can_check_in", json_boolean(can_check_in));
	json_object_set_new(o, "can_no_show", json_boolean(booked && b->start_at <= k->ctx.now));
	json_object_set_new(o, "can_cancel", json_boolean(booked || str_eq(b->status, "checked_in")));
	json_object_set_new(o, "cancel_q", json_string(bk_cancel_question(r, b)));
	json_object_set_new(o, "can_move", json_boolean(booked));
	json_object_set_new(o, "is_cancelled", json_boolean(str_eq(b->status, "cancelled")));
	json_object_set_new(o, "phone", json_string(str_eq(b->channel, "phone") && b->phone ? b->phone : ""));
	return o;
}

/* The other offices, by name, for the picker. New. */
static json_t *office_links(counter_t *k, const char *current)
{
	catalog_office_t *all;
	size_t n;
	json_t *a = json_array();
	if (catalog_offices(k->ctx.c, k->ctx.a, &all, &n))
		return a;
	for (size_t i = 0; i < n; i++)
		if (all[i].active)
			json_array_append_new(a, jpack("{s:s,s:s,s:b}", "value", all[i].code, "label",
						       catalog_office_name(&all[i], k->r->lang), "on",
						       str_eq(all[i].code, current)));
	return a;
}

/* The page. notice, problem: messages (may be NULL); confirm: an appointment found by code whose
 * ID number is asked next (may be NULL). */
static void counter_page(counter_t *k, int status, const char *notice, const char *problem, const booking_t *confirm)
{
	http_req_t *r = k->r;
	booking_t *v;
	size_t n;
	if (booking_list(&k->ctx, k->office.id, k->date, "", &v, &n)) {
		http_reply_unavailable(r);
		return;
	}
	json_t *rows = json_array(), *cache = json_object();
	size_t active = 0;
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(rows, row_json(k, cache, &v[i]));
		active += !str_eq(v[i].status, "cancelled");
	}
	json_decref(cache);
	auth_audit(r, "booking.list", arena_printf(r->arena, "office:%s", k->office.code), k->date);
	const char *name = catalog_office_name(&k->office, r->lang);
	json_t *m = jpack("{s:s,s:s,s:s,s:s,s:o,s:b,s:s}", "office_name", name, "office", k->office.code, "date",
			  k->date, "date_long", bk_long_date(r, k->day), "rows", rows, "has_rows", n > 0, "count",
			  http_tn(r, "cita_counter_count", (long)active, NULL));
	char d[TZ_DATE_LEN];
	tz_date_format(k->day - 1, d);
	json_object_set_new(m, "prev", json_string(counter_href(r, k->office.code, d)));
	tz_date_format(k->day + 1, d);
	json_object_set_new(m, "next", json_string(counter_href(r, k->office.code, d)));
	json_object_set_new(m, "offices", office_links(k, k->office.code));
	json_object_set_new(m, "csrf", json_string(http_csrf_token(r)));
	json_object_set_new(m, "can_check_in", json_boolean(r->user && (r->user->role & CHECK_IN_ROLES)));
	json_object_set_new(m, "is_virtual", json_boolean(str_eq(k->office.kind, "virtual_office")));
	if (notice)
		json_object_set_new(m, "notice", json_string(notice));
	if (problem) {
		json_object_set_new(m, "has_errors", json_true());
		json_object_set_new(m, "errors",
				    jpack("[{s:s,s:s,s:s}]", "id", confirm ? "k-id_number" : "k-find", "label",
					  http_t(r, confirm ? "cita_f_id_number" : "cita_counter_find"), "msg",
					  problem));
		json_object_set_new(m, "find_err", json_string(problem));
	}
	if (confirm)
		json_object_set_new(m, "confirm",
				    jpack("{s:s,s:s,s:s}", "code", confirm->code, "name", confirm->name, "time",
					  bk_local_hhmm(r, k->tz, confirm->start_at)));
	json_object_set_new(m, "find", json_string(bk_param(r, "find")));
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_page(r, status, "booking/counter", m);
}

/* /staff/cites: the person's own office, else the first active one (the page offers the rest). */
static void counter_home(http_req_t *r)
{
	booking_ctx_t ctx;
	if (!bk_ctx_for(r, &BK_STAFF, &ctx))
		return;
	const char *office = r->user && r->user->office ? r->user->office : "";
	catalog_office_t o;
	if (!*office || catalog_office_by_code(ctx.c, ctx.a, office, &o)) {
		catalog_office_t *all;
		size_t n;
		if (catalog_offices(ctx.c, ctx.a, &all, &n)) {
			http_reply_unavailable(r);
			return;
		}
		office = "";
		for (size_t i = 0; i < n && !*office; i++)
			if (all[i].active)
				office = all[i].code;
	}
	if (!*office) {
		http_reply_not_found(r);
		return;
	}
	http_reply_redirect(r, arena_printf(r->arena, "/staff/cites/%s", str_url_encode(r->arena, office)));
}

/* ---------------------------------------------------------------- check-in */

/* The day's appointment at this office that find names: by code (or the QR code's link), else by
 * ID number. ERR_NOT_FOUND when none; *by_code says which. */
static int find_appt(counter_t *k, const char *find, booking_t *out, bool *by_code)
{
	booking_t *v;
	size_t n;
	int rc = booking_list(&k->ctx, k->office.id, k->date, "", &v, &n);
	if (rc)
		return rc;
	const char *code = code_in(k->r, find);
	char id[BOOKING_ID_MAX];
	bool is_id = booking_id_normalise(find, id);
	for (size_t i = 0; i < n; i++) {
		if (code && str_eq(v[i].code, code)) {
			*out = v[i];
			*by_code = true;
			return 0;
		}
	}
	/* An ID number may have several appointments in a day: the first one still booked. */
	for (size_t i = 0; is_id && i < n; i++) {
		if (str_eq(v[i].id_number, id) && str_eq(v[i].status, "booked")) {
			*out = v[i];
			*by_code = false;
			return 0;
		}
	}
	return ERR_NOT_FOUND;
}

static void check_in_post(http_req_t *r)
{
	counter_t k;
	if (!counter_begin(&k, r))
		return;
	const char *find = bk_param(r, "find"), *idn = bk_param(r, "id_number");
	if (!*find) {
		counter_page(&k, 422, NULL, http_t(r, "cita_counter_err_find"), NULL);
		return;
	}
	booking_t b;
	bool by_code = false;
	int rc = find_appt(&k, find, &b, &by_code);
	if (rc == ERR_NOT_FOUND) {
		counter_page(&k, 404, NULL, http_t(r, "cita_counter_err_none"), NULL);
		return;
	}
	if (rc) {
		http_reply_unavailable(r);
		return;
	}
	if (by_code && !*idn) {
		/* The appointment is bound to its ID document: ask for the number on the one shown. */
		counter_page(&k, 200, NULL, NULL, &b);
		return;
	}
	bk_ctx_audit(&k.ctx, r, true);
	rc = booking_check_in(&k.ctx, b.code, by_code ? idn : b.id_number);
	const char *vars[] = {"name", b.name, "time", bk_local_hhmm(r, k.tz, b.start_at), NULL};
	if (rc == 0) {
		http_reply_redirect(r, arena_printf(r->arena, "%s&done=checked_in&who=%s",
						    counter_href(r, k.office.code, k.date), b.code));
		return;
	}
	if (rc == ERR_PERM)
		counter_page(&k, 422, NULL, http_t(r, "cita_counter_err_id"), &b);
	else if (rc == ERR_CONFLICT)
		counter_page(&k, 409, NULL, http_tv(r, "cita_counter_err_state", vars), NULL);
	else if (rc == ERR_NOT_FOUND)
		counter_page(&k, 404, NULL, http_t(r, "cita_counter_err_none"), NULL);
	else
		http_reply_failed(r, rc);
}

/* ?done=… after a change: what happened, to whom. */
static const char *done_notice(http_req_t *r, counter_t *k)
{
	const char *done = http_query(r, "done"), *who = http_query(r, "who");
	if (!done || !who)
		return NULL;
	booking_t b;
	if (booking_get(&k->ctx, who, NULL, NULL, &b))
		return NULL;
	const char *vars[] = {"name", b.name, "time", bk_local_hhmm(r, k->tz, b.start_at), NULL};
	if (str_eq(done, "checked_in") || str_eq(done, "no_show") || str_eq(done, "cancelled") ||
	    str_eq(done, "rescheduled"))
		return http_tv(r, arena_printf(r->arena, "cita_counter_done_%s", done), vars);
	return NULL;
}

static void counter_get_done(http_req_t *r)
{
	counter_t k;
	if (!counter_begin(&k, r))
		return;
	/* The page's office picker (a GET form, no script): another office is another address. */
	const char *pick = bk_param(r, "office_pick");
	if (*pick && !str_eq(pick, k.office.code)) {
		http_reply_redirect(r, counter_href(r, pick, k.date));
		return;
	}
	counter_page(&k, 200, done_notice(r, &k), NULL, NULL);
}

/* ---------------------------------------------------------------- no-show, cancel */

static void status_post(http_req_t *r)
{
	booking_ctx_t ctx;
	if (!bk_ctx_for(r, &BK_STAFF, &ctx))
		return;
	const char *code = http_param(r, "code"), *to = bk_param(r, "status");
	if (!str_eq(to, "no_show") && !str_eq(to, "cancelled")) {
		http_reply_error(r, 422, "invalid", "booking_err_status", NULL);
		return;
	}
	booking_t b;
	int rc = booking_get(&ctx, code, NULL, NULL, &b);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	bk_ctx_audit(&ctx, r, true);
	rc = booking_transition(&ctx, b.code, to);
	if (rc == ERR_CONFLICT) {
		bool early = booking_no_show_early(&b, to, ctx.now);
		bk_problem(r, &BK_STAFF, 409, "cita_problem_title",
			   http_t(r, early ? "booking_err_no_show_early" : "booking_err_bad_state"),
			   arena_printf(r->arena, "/staff/cita/%s", b.code), "cita_back");
		return;
	}
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	catalog_office_t o;
	if (catalog_office_by_id(ctx.c, ctx.a, b.office_id, &o)) {
		http_reply_redirect(r, arena_printf(r->arena, "/staff/cita/%s", b.code));
		return;
	}
	tz_local_t l;
	tz_local(bk_zone_or_default(o.tz), b.start_at, &l);
	char d[TZ_DATE_LEN];
	tz_date_format(l.day, d);
	http_reply_redirect(r, arena_printf(r->arena, "%s&done=%s&who=%s", counter_href(r, o.code, d), to, b.code));
}

/* ---------------------------------------------------------------- another day and time */

/* The reschedule page (booking/reschedule) in the staff's version: links under /staff/cita. */
static void move_render(st_t *st, int status, const booking_t *b, json_t *m)
{
	http_req_t *r = st->r;
	json_t *a = bk_appt_model(r, &st->ctx, b, NULL);
	if (!a) {
		json_decref(m);
		http_reply_unavailable(r);
		return;
	}
	json_object_set_new(m, "a", a);
	json_object_set_new(m, "staff_flow", json_true());
	json_object_set_new(m, "proof", json_array());
	json_object_set_new(m, "csrf", json_string(http_csrf_token(r)));
	json_object_set_new(m, "action", json_string(arena_printf(r->arena, "/staff/cita/%s/canvia", b->code)));
	json_object_set_new(m, "manage_href", json_string(arena_printf(r->arena, "/staff/cita/%s", b->code)));
	bk_common(r, &BK_STAFF, m);
	http_reply_page(r, status, "booking/reschedule", m);
}

static void move_times(st_t *st, int status, const booking_t *b, const char *err)
{
	http_req_t *r = st->r;
	json_t *m = bk_move_times_model(st, json_array(), err);
	if (!m)
		return;
	json_object_set_new(m, "other_day",
			    json_string(arena_printf(r->arena, "/staff/cita/%s/canvia?month=%.7s", b->code, st->day)));
	move_render(st, status, b, m);
}

static void move_month(st_t *st, const booking_t *b)
{
	http_req_t *r = st->r;
	cal_links_t lk = {arena_printf(r->arena, "/staff/cita/%s/canvia?day=", b->code),
			  arena_printf(r->arena, "/staff/cita/%s/canvia?month=", b->code)};
	const char *shown = "";
	json_t *m = bk_move_month_model(st, &lk, arena_printf(r->arena, "/staff/cita/%s/canvia", b->code), &shown);
	if (m)
		move_render(st, 200, b, m);
}

/* The move itself: to the day's list at the new date, or the times again with the reason. */
static void move_to(st_t *st, const booking_t *b, const char *start)
{
	http_req_t *r = st->r;
	booking_err_t err = {0};
	booking_t nb;
	bk_ctx_audit(&st->ctx, r, true);
	int rc = booking_reschedule(&st->ctx, b->code, NULL, NULL, start, 0, &nb, &err);
	if (rc == 0) {
		tz_local_t l;
		catalog_office_t o;
		if (catalog_office_by_id(st->ctx.c, st->ctx.a, nb.office_id, &o)) {
			http_reply_redirect(r, arena_printf(r->arena, "/staff/cita/%s", nb.code));
			return;
		}
		tz_local(bk_zone_or_default(o.tz), nb.start_at, &l);
		char d[TZ_DATE_LEN];
		tz_date_format(l.day, d);
		http_reply_redirect(r, arena_printf(r->arena, "%s&done=rescheduled&who=%s", counter_href(r, o.code, d),
						    nb.code));
		return;
	}
	if (str_eq(err.code, "bad_state") || str_eq(err.code, "too_late") || rc == ERR_NOT_FOUND) {
		bk_problem(r, &BK_STAFF, rc == ERR_NOT_FOUND ? 404 : 409, "cita_problem_title",
			   http_t(r, "cita_err_not_changeable"), arena_printf(r->arena, "/staff/cita/%s", b->code),
			   "cita_back");
		return;
	}
	if ((rc == ERR_CONFLICT || rc == ERR_INVALID) && tz_date_parse(st->day, &st->dayn) == 0) {
		st->has_day = true;
		move_times(st, rc == ERR_CONFLICT ? 409 : 422, b,
			   rc == ERR_CONFLICT ? "cita_err_slot_full" : "cita_err_time");
		return;
	}
	log_warn("booking counter: reschedule failed: %s", err_name(rc));
	http_reply_failed(r, rc);
}

static void move(http_req_t *r)
{
	booking_ctx_t ctx;
	if (!bk_ctx_for(r, &BK_STAFF, &ctx))
		return;
	booking_t b;
	int rc = booking_get(&ctx, http_param(r, "code"), NULL, NULL, &b);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	if (!str_eq(b.status, "booked")) {
		bk_problem(r, &BK_STAFF, 409, "cita_problem_title", http_t(r, "cita_err_not_changeable"),
			   arena_printf(r->arena, "/staff/cita/%s", b.code), "cita_back");
		return;
	}
	st_t st;
	if (!bk_st_for_appt(&st, r, &BK_STAFF, &b)) /* the staff share of seats */
		return;
	st.day = bk_param(r, "day");
	const char *start = r->method == HTTP_POST ? bk_param(r, "start") : "";
	if (*start) {
		move_to(&st, &b, start);
		return;
	}
	if (!*st.day) {
		move_month(&st, &b);
		return;
	}
	if (tz_date_parse(st.day, &st.dayn) || st.dayn < st.today || st.dayn > st.today + AHEAD_DAYS) {
		bk_problem(r, &BK_STAFF, 400, "cita_problem_title", http_t(r, "cita_err_day"),
			   arena_printf(r->arena, "/staff/cita/%s/canvia", b.code), "cita_choose_day");
		return;
	}
	st.has_day = true;
	move_times(&st, 200, &b, NULL);
}

/* ---------------------------------------------------------------- routes */

const http_route_t bk_counter_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/staff/cites", counter_home, RT_DB, ROLE_PEOPLE},
	{HTTP_GET | HTTP_HEAD, "/staff/cites/{office}", counter_get_done, RT_DB, ROLE_PEOPLE},
	{HTTP_POST, "/staff/cites/{office}/arribada", check_in_post, RT_FORM | RT_DB, CHECK_IN_ROLES},
	{HTTP_POST, "/staff/cita/{code}/estat", status_post, RT_FORM | RT_DB, ROLE_PEOPLE},
	{HTTP_GET | HTTP_HEAD | HTTP_POST, "/staff/cita/{code}/canvia", move, RT_FORM | RT_DB, ROLE_PEOPLE},
	{0},
};
