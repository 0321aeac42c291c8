/* pages_calendar.c — the booking flow's calendar (a month of days with free times) and its two
 * steps: the day and the time, where picking a time takes a hold (pages.c has the flow). */
#include "booking/pages.h"

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
#include "notify/notify.h"
#include "render/pdf.h"
#include "schedule/schedule.h"
#include "view/i18n.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------- the calendar */

static int32_t month_first(int y, int m)
{
	return tz_days_from_civil(y, m, 1);
}

static int32_t month_last(int y, int m)
{
	return tz_days_from_civil(y, m, tz_days_in_month(y, m));
}

static void month_step(int *y, int *m, int by)
{
	int k = *y * 12 + (*m - 1) + by;
	*y = k / 12;
	*m = k % 12 + 1;
}

static json_t *month_link(http_req_t *r, const cal_links_t *lk, int y, int m, const char *rel)
{
	const char *vars[] = {"month", http_tf(r, "cita_month_%s", arena_printf(r->arena, "%d", m)), "year",
			      arena_printf(r->arena, "%d", y), NULL};
	const char *label = http_tv(r, arena_printf(r->arena, "cita_cal_%s", rel), vars);
	json_t *o = jpack("{s:s,s:n,s:n}", "label", label, "href", "value");
	if (lk->month_href)
		json_object_set_new(o, "href",
				    json_string(arena_printf(r->arena, "%s%s", lk->month_href, bk_month_str(r, y, m))));
	else
		json_object_set_new(o, "value", json_string(bk_month_str(r, y, m)));
	return o;
}

/* The month as a table model: weeks from Monday, each day with a link (or a button) when it has
 * free slots. */
static json_t *calendar(http_req_t *r, int y, int m, const booking_day_t *days, size_t nd, int32_t today, bool prev,
			bool next, const cal_links_t *lk)
{
	json_t *wd = json_array();
	for (int d = 1; d <= 7; d++) {
		const char *k = arena_printf(r->arena, "%d", d);
		json_array_append_new(wd, jpack("{s:s,s:s}", "short", http_tf(r, "cita_wds_%s", k), "long",
						http_tf(r, "cita_wd_%s", k)));
	}
	int32_t first = month_first(y, m), last = month_last(y, m);
	json_t *weeks = json_array(), *cells = NULL;
	int32_t start = tz_week_start(first);
	for (int32_t d = start; d <= last || (tz_weekday(d) != 1); d++) {
		if (tz_weekday(d) == 1) {
			cells = json_array();
			json_array_append_new(weeks, jpack("{s:o}", "cells", cells));
		}
		/* Every key in every cell: a missing one would be looked up in the outer contexts. */
		if (d < first || d > last) {
			json_array_append_new(cells, jpack("{s:b,s:b,s:b,s:n,s:n}", "blank", true, "free", false,
							   "today", false, "href", "value"));
			continue;
		}
		char ds[TZ_DATE_LEN];
		tz_date_format(d, ds);
		bool free = false;
		for (size_t i = 0; i < nd && !free; i++)
			free = str_eq(days[i].date, ds);
		int yy, mm, dd;
		tz_civil_from_days(d, &yy, &mm, &dd);
		json_t *c = jpack("{s:b,s:i,s:b,s:b,s:s,s:n,s:n}", "blank", false, "num", dd, "free", free, "today",
				  d == today, "rest",
				  arena_printf(r->arena, " %s",
					       http_tf(r, "cita_of_month_%s", arena_printf(r->arena, "%d", mm))),
				  "href", "value");
		if (free) {
			json_object_set_new(c, "wd",
					    json_string(http_tf(r, "cita_wd_%s",
								arena_printf(r->arena, "%d", tz_weekday(d)))));
			if (lk->day_href)
				json_object_set_new(c, "href",
						    json_string(arena_printf(r->arena, "%s%s", lk->day_href, ds)));
			else
				json_object_set_new(c, "value", json_string(ds));
		}
		json_array_append_new(cells, c);
	}
	const char *vars[] = {"month", http_tf(r, "cita_month_%s", arena_printf(r->arena, "%d", m)), "year",
			      arena_printf(r->arena, "%d", y), NULL};
	json_t *cal = jpack("{s:s,s:o,s:o,s:b,s:n,s:n}", "caption", http_tv(r, "cita_month_year", vars), "wd", wd,
			    "weeks", weeks, "buttons", lk->day_href == NULL, "prev", "next");
	int py = y, pm = m, ny = y, nm = m;
	month_step(&py, &pm, -1);
	month_step(&ny, &nm, 1);
	if (prev)
		json_object_set_new(cal, "prev", month_link(r, lk, py, pm, "prev"));
	if (next)
		json_object_set_new(cal, "next", month_link(r, lk, ny, nm, "next"));
	return cal;
}

/* Works out the month to show (the one asked for, else the first with free days), queries it and
 * builds the calendar into m ("cal", "no_days", "release"). 0, ERR_INVALID for a bad month (the
 * caller answers), or a storage error. */
int bk_month_model(st_t *st, const char *month, const cal_links_t *lk, json_t *m, const char **shown)
{
	http_req_t *r = st->r;
	int y, mo;
	int32_t today = st->today;
	booking_day_t *days;
	size_t nd;
	int rc;
	if (*month) {
		if (!bk_month_parse(month, &y, &mo) || month_last(y, mo) < today ||
		    month_first(y, mo) > today + AHEAD_DAYS)
			return ERR_INVALID;
	} else {
		if ((rc = bk_avail(st, today, today + WINDOW_DAYS, &days, &nd)))
			return rc;
		int32_t d0 = today;
		if (nd)
			tz_date_parse(days[0].date, &d0);
		int dd;
		tz_civil_from_days(d0, &y, &mo, &dd);
	}
	int32_t first = month_first(y, mo), last = month_last(y, mo);
	if ((rc = bk_avail(st, first < today ? today : first, last, &days, &nd)))
		return rc;
	bool next = false;
	if (last + 1 <= today + AHEAD_DAYS) {
		booking_day_t *later;
		size_t nl;
		if ((rc = bk_avail(st, last + 1, last + 1 + WINDOW_DAYS, &later, &nl)))
			return rc;
		next = nl > 0;
	}
	int ty, tm, td;
	tz_civil_from_days(today, &ty, &tm, &td);
	bool prev = first > month_first(ty, tm);
	json_object_set_new(m, "cal", calendar(r, y, mo, days, nd, today, prev, next, lk));
	json_object_set_new(m, "no_days", json_boolean(nd == 0));
	json_object_set_new(m, "no_days_at_all", json_boolean(nd == 0 && !next));
	if (!st->f->staff && !st->ctx.staff) {
		int64_t rel = bk_next_release(st, today, today + WINDOW_DAYS);
		if (rel) {
			tz_local_t l;
			tz_local(st->tz, rel, &l);
			const char *vars[] = {"date", bk_long_date(r, l.day), "time", bk_local_hhmm(r, st->tz, rel),
					      NULL};
			json_object_set_new(m, "release", json_string(http_tv(r, "cita_release", vars)));
		}
	}
	*shown = bk_month_str(r, y, mo);
	return 0;
}

/* The free times of st->day as buttons of a POST form (model "times"). */
int bk_times_model(st_t *st, json_t *m)
{
	booking_day_t *days;
	size_t nd;
	int rc = bk_avail(st, st->dayn, st->dayn, &days, &nd);
	if (rc)
		return rc;
	json_t *times = json_array();
	for (size_t i = 0; i < nd; i++)
		for (size_t k = 0; k < days[i].nslots; k++) {
			const booking_slot_t *s = &days[i].slots[k];
			json_t *t = jpack("{s:s,s:s,s:n}", "value", s->start_iso, "label", s->time, "free");
			if (st->f->staff)
				json_object_set_new(t, "free", json_integer(s->free));
			json_array_append_new(times, t);
		}
	json_object_set_new(m, "has_times", json_boolean(json_array_size(times) > 0));
	json_object_set_new(m, "times", times);
	json_object_set_new(m, "day_long", json_string(bk_long_date(st->r, st->dayn)));
	return 0;
}

/* ---------------------------------------------------------------- step 4: the day */

static const char *back_from_day(st_t *st)
{
	if (str_eq(st->channel, "in_person"))
		return bk_st_url(st, "oficina", Q_TO_OFFICE, NULL);
	return bk_only_channel(&st->proc) ? st->f->base : bk_st_url(st, "canal", Q_SERVICE | Q_CHANNEL, NULL);
}

static void step_day(http_req_t *r, const flow_t *f)
{
	st_t st;
	if (!bk_st_begin(&st, r, f) || !bk_check_service(&st) || !bk_check_channel(&st) || !bk_check_office(&st))
		return;
	const char *month = bk_param(r, "month"), *shown = "";
	if (bk_limited(r, f, false,
		       bk_st_url(&st, "dia", Q_TO_OFFICE,
				 *month ? arena_printf(r->arena, "month=%s", str_url_encode(r->arena, month)) : NULL)))
		return;
	cal_links_t lk = {bk_st_url(&st, "hora", Q_TO_OFFICE, "day="), bk_st_url(&st, "dia", Q_TO_OFFICE, "month=")};
	json_t *m = json_object();
	int rc = bk_month_model(&st, month, &lk, m, &shown);
	if (rc == ERR_INVALID) {
		json_decref(m);
		bk_problem(r, f, 400, "cita_problem_title", http_t(r, "cita_err_month"),
			   bk_st_url(&st, "dia", Q_TO_OFFICE, NULL), "cita_choose_day");
		return;
	}
	if (rc) {
		json_decref(m);
		http_reply_unavailable(r);
		return;
	}
	bk_render(&st, 200, "booking/day", m, S_DAY,
		  bk_st_url(&st, "dia", Q_TO_OFFICE, arena_printf(r->arena, "month=%s", shown)), back_from_day(&st));
}

/* ---------------------------------------------------------------- step 5: the time */

void bk_time_page(st_t *st, int status, const char *msg_key, bool carry)
{
	http_req_t *r = st->r;
	json_t *m = bk_times_page_model(st);
	if (!m)
		return;
	if (msg_key) {
		json_object_set_new(m, "has_errors", json_true());
		json_object_set_new(m, "errors",
				    jpack("[{s:s,s:s,s:s}]", "id", "times", "label", http_t(r, "cita_f_time"), "msg",
					  http_t(r, msg_key)));
	}
	json_object_set_new(m, "action", json_string(arena_printf(r->arena, "%s/hora", st->f->base)));
	json_t *hidden = bk_st_hidden(st, Q_TO_DAY);
	if (carry) {
		bk_carry_details(st, hidden);
		json_object_set_new(m, "kept", json_true());
	}
	json_object_set_new(m, "hidden", hidden);
	bk_pow_model(st, m, "t-altcha", true); /* picking a time holds a seat: it costs what a booking costs */
	int64_t secs = config_int(r->app->cfg, "booking.hold_seconds");
	json_object_set_new(m, "hold_note", json_string(http_tn(r, "cita_hold_note", (long)((secs + 59) / 60), NULL)));
	json_object_set_new(m, "other_day",
			    json_string(
				    bk_st_url(st, "dia", Q_TO_OFFICE, arena_printf(r->arena, "month=%.7s", st->day))));
	bk_render(st, status, "booking/time", m, S_TIME, bk_st_url(st, "hora", Q_TO_DAY, NULL),
		  bk_st_url(st, "dia", Q_TO_OFFICE, arena_printf(r->arena, "month=%.7s", st->day)));
}

static void step_time(http_req_t *r, const flow_t *f)
{
	st_t st;
	if (!bk_st_begin(&st, r, f) || !bk_check_service(&st) || !bk_check_channel(&st) || !bk_check_office(&st) ||
	    !bk_check_day(&st))
		return;
	const char *again = bk_st_url(&st, "hora", Q_TO_DAY, NULL);
	if (r->method != HTTP_POST) {
		if (bk_limited(r, f, false, again))
			return;
		/* Coming back from the details page: give the held seat back at once. */
		const char *release = bk_param(r, "release");
		if (*release)
			booking_hold_release(&st.ctx, release);
		bk_time_page(&st, 200, NULL, false);
		return;
	}
	if (bk_limited(r, f, true, again))
		return;
	/* Details typed before a first time was lost travel with the form (bk_carry_details). */
	bool kept = str_eq(bk_param(r, "kept"), "1");
	if (!*st.start) {
		bk_time_page(&st, 422, "cita_err_time_missing", kept);
		return;
	}
	/* A slot of another day would be valid, but it is not what this page offered. */
	char date[TZ_DATE_LEN], hhmm[TZ_HHMM_LEN];
	if (!bk_iso_parts(st.start, date, hhmm) || !str_eq(date, st.day)) {
		bk_time_page(&st, 422, "cita_err_time", kept);
		return;
	}
	booking_input_t in = {.service = st.service,
			      .channel = st.channel,
			      .office = str_eq(st.channel, "in_person") ? st.office : NULL,
			      .start = st.start,
			      .altcha = bk_param(r, "altcha")};
	booking_err_t err = {0};
	char token[BOOKING_TOKEN_LEN];
	int64_t expires = 0;
	int rc = booking_hold(&st.ctx, &in, token, &expires, &err);
	const char *altcha = booking_err_field(&err, "altcha");
	if (rc == 0) {
		st.hold = arena_strdup(r->arena, token);
		st.until = arena_printf(r->arena, "%lld", (long long)expires);
		if (kept && bk_check_start(&st))
			bk_details_kept(&st);
		else if (!kept)
			http_reply_redirect(r, bk_st_url(&st, "dades", Q_ALL, NULL));
		return;
	}
	if (rc == ERR_CONFLICT) {
		bk_time_page(&st, 409, "cita_err_slot_full", kept);
		return;
	}
	if (rc == ERR_INVALID && altcha) {
		bk_time_page(&st, 422, str_eq(altcha, "booking_err_altcha_missing") ? "cita_err_altcha_nojs" : altcha,
			     kept);
		return;
	}
	if (rc == ERR_INVALID) {
		bk_time_page(&st, 422, "cita_err_time", kept);
		return;
	}
	if (rc == ERR_BUSY) {
		bk_time_page(&st, 429, "cita_err_hold_limit", kept);
		return;
	}
	log_warn("booking pages: hold failed: %s", err_name(rc));
	http_reply_unavailable(r);
}

/* ---------------------------------------------------------------- routes */

static void cit_day(http_req_t *r)
{
	step_day(r, &BK_CITIZEN);
}

static void cit_time(http_req_t *r)
{
	step_time(r, &BK_CITIZEN);
}

static void staff_day(http_req_t *r)
{
	step_day(r, &BK_STAFF);
}

static void staff_time(http_req_t *r)
{
	step_time(r, &BK_STAFF);
}

/* The day and the time: /cita/dia, /cita/hora and their staff twins. */
const http_route_t bk_calendar_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/cita/dia", cit_day, RT_DB, 0},
	{HTTP_GET | HTTP_HEAD | HTTP_POST, "/cita/hora", cit_time, RT_FORM | RT_DB, 0},
	{HTTP_GET | HTTP_HEAD, "/staff/cita/dia", staff_day, RT_DB, ROLE_PEOPLE},
	{HTTP_GET | HTTP_HEAD | HTTP_POST, "/staff/cita/hora", staff_time, RT_FORM | RT_DB, ROLE_PEOPLE},
	{0},
};
