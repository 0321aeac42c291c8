/* pages.c — the booking pages: the citizen's flow under /cita (no account), the manage link and
 * its downloads, and the same flow for staff under /staff/cita (docs/api.md, "Booking pages").
 *
 * Every step is a plain HTML page that works without JavaScript. The choices made so far travel
 * in the query string (GET steps) or in hidden fields (POST forms), and every step checks all of
 * them again — procedure, channel, office, day — before it shows anything: a link can be edited,
 * shared or stale. A step whose own choice is a form (channel, office) posts back to itself and
 * is answered 303 to the next step, so a wrong choice comes back as a 422 on the page that asked
 * for it. Picking a time takes a hold (booking_hold) and the details page books
 * (booking_create); both are POSTs with the CSRF token (the pre-session cookie for citizens).
 *
 * Citizens book as citizens even when a staff session cookie is present: the public share of
 * seats, proof of work, rate limits. Staff use /staff/cita, which books on the staff share and
 * records who booked.
 *
 * Catalogue details the flow shows (descriptions, categories, addresses, accessibility notes)
 * come from the catalogue's store, as in booking/model.c: catalog.h's light structs lack them.
 *
 * A citizen who manages an appointment with the code and ID number (no token) never sees the
 * number put in a URL: those pages are answers to POSTs whose forms carry it in a hidden field.
 *
 * This file holds the flow itself (its state in the query, the checks of every step, the page
 * frame); pages_steps.c the procedure, channel, office and details steps, pages_calendar.c the
 * day and the time, pages_manage.c what a citizen or staff member does with one appointment. */
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

/* ---------------------------------------------------------------- flows */

const flow_t BK_CITIZEN = {false, "/cita"};
const flow_t BK_STAFF = {true, "/staff/cita"};
const char *const BK_CHANNELS[BK_NCHANNELS] = {"in_person", "phone", "video"};
const char *const BK_STEP_KEYS[] = {"",
				    "cita_step_service",
				    "cita_step_channel",
				    "cita_step_office",
				    "cita_step_day",
				    "cita_step_time",
				    "cita_step_details"};

/* ---------------------------------------------------------------- small helpers */

/* A query parameter on GET, a form field on POST; trimmed, "" when absent. Arena. */
const char *bk_param(http_req_t *r, const char *name)
{
	const char *v = r->method == HTTP_POST ? http_form(r, name) : http_query(r, name);
	return v ? str_trim(arena_strdup(r->arena, v)) : "";
}

bool bk_is_booking_channel(const char *ch)
{
	for (size_t i = 0; i < BK_NCHANNELS; i++)
		if (str_eq(ch, BK_CHANNELS[i]))
			return true;
	return false;
}

bool bk_proc_bookable(const cat_proc_t *p)
{
	for (size_t i = 0; i < BK_NCHANNELS; i++)
		if (catalog_channels_has(p->channels, BK_CHANNELS[i]))
			return true;
	return false;
}

bool bk_list_has(const cat_list_t *l, const char *v)
{
	for (size_t i = 0; i < l->n; i++)
		if (str_eq(l->v[i], v))
			return true;
	return false;
}

/* "2026-12-03T09:30:00+01:00" (seconds optional, Z or an offset): the local date and time of the
 * slot as the schedule wrote it. False for anything else. */
bool bk_iso_parts(const char *s, char date[TZ_DATE_LEN], char hhmm[TZ_HHMM_LEN])
{
	size_t n = strlen(s);
	if (n < 17 || n > 25 || s[10] != 'T' || s[13] != ':')
		return false;
	char d[TZ_DATE_LEN], t[TZ_HHMM_LEN];
	memcpy(d, s, 10);
	d[10] = '\0';
	memcpy(t, s + 11, 5);
	t[5] = '\0';
	int32_t day;
	int min;
	if (tz_date_parse(d, &day) || tz_hhmm_parse(t, &min) || min >= 1440)
		return false;
	const char *rest = s + 16;
	if (rest[0] == ':') {
		if (!isdigit((unsigned char)rest[1]) || !isdigit((unsigned char)rest[2]))
			return false;
		rest += 3;
	}
	if (!(str_eq(rest, "Z") ||
	      (strlen(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && isdigit((unsigned char)rest[1]) &&
	       isdigit((unsigned char)rest[2]) && rest[3] == ':' && isdigit((unsigned char)rest[4]) &&
	       isdigit((unsigned char)rest[5]))))
		return false;
	memcpy(date, d, sizeof d);
	memcpy(hhmm, t, sizeof t);
	return true;
}

/* "2026-12" → year and month. */
bool bk_month_parse(const char *s, int *y, int *m)
{
	if (strlen(s) != 7 || s[4] != '-')
		return false;
	for (int i = 0; i < 7; i++)
		if (i != 4 && !isdigit((unsigned char)s[i]))
			return false;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	return *y >= 1 && *m >= 1 && *m <= 12;
}

const char *bk_month_str(http_req_t *r, int y, int m)
{
	return arena_printf(r->arena, "%04d-%02d", y, m);
}

static const char *date_str(http_req_t *r, int32_t day)
{
	char *s = arena_alloc(r->arena, TZ_DATE_LEN);
	tz_date_format(day, s);
	return s;
}

/* "dijous 3 de desembre" / "jueves 3 de diciembre" / "Thursday 3 December". */
const char *bk_long_date(http_req_t *r, int32_t day)
{
	int y, m, d;
	tz_civil_from_days(day, &y, &m, &d);
	const char *vars[] = {"weekday", http_tf(r, "cita_wd_%s", arena_printf(r->arena, "%d", tz_weekday(day))),
			      "day",     arena_printf(r->arena, "%d", d),
			      "month",   http_tf(r, "cita_of_month_%s", arena_printf(r->arena, "%d", m)),
			      NULL};
	return http_tv(r, "cita_date_long", vars);
}

const char *bk_local_hhmm(http_req_t *r, const tz_t *z, int64_t t)
{
	tz_local_t l;
	tz_local(z, t, &l);
	char *s = arena_alloc(r->arena, TZ_HHMM_LEN);
	tz_hhmm_format(l.minute, s);
	return s;
}

const char *bk_channel_label(http_req_t *r, const char *ch)
{
	return http_tf(r, "cita_ch_%s", ch);
}

/* The category's name: its translation when there is one, else the code itself. */
const char *bk_category_label(http_req_t *r, const char *code)
{
	char *k = arena_printf(r->arena, "cita_cat_%s", code);
	for (char *p = k; *p; p++)
		if (*p == '-')
			*p = '_';
	const char *t = http_t(r, k);
	return str_eq(t, k) ? code : t;
}

/* ---------------------------------------------------------------- rate limits */

/* The API's limits and buckets (web.h): a client alternating between pages and API spends one
 * budget. True (and answered 429) when over. */
bool bk_limited(http_req_t *r, const flow_t *f, bool booking)
{
	int retry = 1;
	if (bk_rate_ok(r, booking, &retry))
		return false;
	const char *vars[] = {"minutes", arena_printf(r->arena, "%d", (retry + 59) / 60), NULL};
	bk_problem(r, f, 429, "cita_rate_title", http_tv(r, "cita_err_rate", vars), f->base, "cita_start_again");
	return true;
}

/* ---------------------------------------------------------------- the state of a flow */

/* The actor for the flow: a citizen on /cita whoever is signed in, the staff member on
 * /staff/cita. False (503 answered) when storage is down. */
bool bk_ctx_for(http_req_t *r, const flow_t *f, booking_ctx_t *ctx)
{
	bk_ctx_from_req(ctx, r);
	if (!f->staff) {
		ctx->staff = false;
		ctx->user_id = 0;
		ctx->user_email = NULL;
	}
	if (!ctx->c) {
		http_reply_unavailable(r);
		return false;
	}
	return true;
}

const tz_t *bk_zone_or_default(const char *name)
{
	const tz_t *z = name && *name ? tz_get(name) : NULL;
	if (!z)
		z = tz_get("Europe/Madrid");
	return z ? z : tz_utc();
}

bool bk_st_begin(st_t *st, http_req_t *r, const flow_t *f)
{
	memset(st, 0, sizeof *st);
	st->r = r;
	st->f = f;
	if (!bk_ctx_for(r, f, &st->ctx))
		return false;
	st->service = bk_param(r, "service");
	st->channel = bk_param(r, "channel");
	st->office = bk_param(r, "office");
	st->day = bk_param(r, "day");
	st->start = bk_param(r, "start");
	st->hold = bk_param(r, "hold");
	st->until = bk_param(r, "until");
	st->tz = bk_zone_or_default(NULL);
	tz_local_t l;
	tz_local(st->tz, st->ctx.now, &l);
	st->today = l.day;
	return true;
}

/* "service=…&channel=…" for the parts in flags that are set. Arena. */
static const char *st_query(const st_t *st, unsigned flags)
{
	http_req_t *r = st->r;
	const struct {
		unsigned flag;
		const char *name, *value;
	} parts[] = {{Q_SERVICE, "service", st->service},
		     {Q_CHANNEL, "channel", st->channel},
		     {Q_OFFICE, "office", str_eq(st->channel, "in_person") ? st->office : ""},
		     {Q_DAY, "day", st->day},
		     {Q_START, "start", st->start},
		     {Q_HOLD, "hold", st->hold},
		     {Q_UNTIL, "until", st->until}};
	const char *q = "";
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if (!(flags & parts[i].flag) || !parts[i].value || !*parts[i].value)
			continue;
		q = arena_printf(r->arena, "%s%s%s=%s", q, *q ? "&" : "", parts[i].name,
				 str_url_encode(r->arena, parts[i].value));
	}
	return q;
}

/* BASE/step?query&extra (extra starts without '&'; either may be empty). */
const char *bk_st_url(const st_t *st, const char *step, unsigned flags, const char *extra)
{
	http_req_t *r = st->r;
	const char *q = st_query(st, flags);
	bool has_extra = extra && *extra;
	return arena_printf(r->arena, "%s%s%s%s%s%s%s", st->f->base, *step ? "/" : "", step,
			    (*q || has_extra) ? "?" : "", q, (*q && has_extra) ? "&" : "", has_extra ? extra : "");
}

void bk_hidden_add(json_t *h, const char *name, const char *value)
{
	if (value && *value)
		json_array_append_new(h, jpack("{s:s,s:s}", "name", name, "value", value));
}

/* The hidden fields that carry the state into a form. New reference. */
json_t *bk_st_hidden(const st_t *st, unsigned flags)
{
	json_t *h = json_array();
	if (flags & Q_SERVICE)
		bk_hidden_add(h, "service", st->service);
	if (flags & Q_CHANNEL)
		bk_hidden_add(h, "channel", st->channel);
	if ((flags & Q_OFFICE) && str_eq(st->channel, "in_person"))
		bk_hidden_add(h, "office", st->office);
	if (flags & Q_DAY)
		bk_hidden_add(h, "day", st->day);
	if (flags & Q_START)
		bk_hidden_add(h, "start", st->start);
	if (flags & Q_HOLD)
		bk_hidden_add(h, "hold", st->hold);
	if (flags & Q_UNTIL)
		bk_hidden_add(h, "until", st->until);
	return h;
}

/* ---------------------------------------------------------------- rendering */

/* The language switcher for a URL that may already carry a query. */
json_t *bk_lang_links(http_req_t *r, const char *self)
{
	json_t *a = json_array();
	bool has_q = strchr(self, '?') != NULL;
	for (int i = 0; i < i18n_count(); i++) {
		const char *code = i18n_lang(i);
		json_array_append_new(a, jpack("{s:s,s:s,s:s,s:s,s:s,s:b}", "code", code, "tag", i18n_tag(code), "dir",
					       i18n_dir(code), "label", i18n_name(code), "url",
					       arena_printf(r->arena, "%s%slang=%s", self, has_q ? "&" : "?", code),
					       "current", str_eq(r->lang, code)));
	}
	return a;
}

/* Total number of steps: six in person, five by phone or video (no office). */
static int st_total(const st_t *st)
{
	if (st->has_channel)
		return str_eq(st->channel, "in_person") ? 6 : 5;
	if (st->has_proc && !catalog_channels_has(st->proc.channels, "in_person"))
		return 5;
	return 6;
}

/* What the person has chosen so far, for the box at the top of each step. */
static json_t *st_summary(const st_t *st)
{
	http_req_t *r = st->r;
	json_t *s = json_array();
	if (st->has_proc)
		json_array_append_new(s, jpack("{s:s,s:s}", "label", http_t(r, "cita_f_service"), "value",
					       i18n_pick(r->lang, st->proc.name)));
	if (st->has_channel)
		json_array_append_new(s, jpack("{s:s,s:s}", "label", http_t(r, "cita_f_channel"), "value",
					       bk_channel_label(r, st->channel)));
	if (st->has_off)
		json_array_append_new(s, jpack("{s:s,s:s}", "label", http_t(r, "cita_f_office"), "value",
					       arena_printf(r->arena, "%s (%s)", i18n_pick(r->lang, st->off.name),
							    st->off.address ? st->off.address : "")));
	if (st->has_day)
		json_array_append_new(s, jpack("{s:s,s:s}", "label", http_t(r, "cita_f_day"), "value",
					       bk_long_date(r, st->dayn)));
	if (st->has_start)
		json_array_append_new(s, jpack("{s:s,s:s}", "label", http_t(r, "cita_f_time"), "value", st->stime));
	return s;
}

/* Adds what every page of the flow shows, and replies. step 0: no step indicator. self: this
 * page as a GET URL (for the language links), or NULL. back: the back link, or NULL. */
void bk_render(st_t *st, int status, const char *tpl, json_t *m, int step, const char *self, const char *back)
{
	http_req_t *r = st->r;
	json_object_set_new(m, "staff_flow", json_boolean(st->f->staff));
	json_object_set_new(m, "base", json_string(st->f->base));
	json_object_set_new(m, "csrf", json_string(http_csrf_token(r)));
	if (step) {
		int total = st_total(st);
		int n = (total == 5 && step > S_OFFICE) ? step - 1 : step;
		const char *vars[] = {"n", arena_printf(r->arena, "%d", n), "total",
				      arena_printf(r->arena, "%d", total), NULL};
		json_object_set_new(m, "step",
				    jpack("{s:s,s:s}", "label", http_tv(r, "cita_step_of", vars), "name",
					  http_t(r, BK_STEP_KEYS[step])));
		json_t *sum = st_summary(st);
		if (json_array_size(sum)) {
			json_object_set_new(m, "summary", sum);
			json_object_set_new(m, "has_summary", json_true());
		} else
			json_decref(sum);
	}
	if (back)
		json_object_set_new(m, "back", json_string(back));
	if (self)
		json_object_set_new(m, "langs", bk_lang_links(r, self));
	http_reply_page(r, status, tpl, m);
}

void bk_problem(http_req_t *r, const flow_t *f, int status, const char *title_key, const char *msg, const char *href,
		const char *link_key)
{
	json_t *m = jpack("{s:s,s:s,s:s,s:s,s:b,s:s}", "title", http_t(r, title_key), "message", msg, "href", href,
			  "link", http_t(r, link_key), "staff_flow", f->staff, "base", f->base);
	http_reply_page(r, status, "booking/problem", m);
}

/* ---------------------------------------------------------------- checks of the state */

/* Each check answers (redirect or problem page) and returns false when the flow cannot go on. */

bool bk_check_service(st_t *st)
{
	http_req_t *r = st->r;
	if (!*st->service) {
		http_reply_redirect(r, st->f->base);
		return false;
	}
	int rc = catalog_procedure_full(st->ctx.c, st->ctx.a, st->service, &st->proc);
	if (rc && rc != ERR_NOT_FOUND) {
		http_reply_unavailable(r);
		return false;
	}
	if (rc || !st->proc.active || !bk_proc_bookable(&st->proc)) {
		bk_problem(r, st->f, 404, "cita_problem_title", http_t(r, "cita_err_service"), st->f->base,
			   "cita_choose_service");
		return false;
	}
	st->has_proc = true;
	return true;
}

bool bk_check_channel(st_t *st)
{
	http_req_t *r = st->r;
	if (!*st->channel) {
		http_reply_redirect(r, bk_st_url(st, "canal", Q_SERVICE, NULL));
		return false;
	}
	if (!bk_is_booking_channel(st->channel) || !catalog_channels_has(st->proc.channels, st->channel)) {
		bk_problem(r, st->f, 400, "cita_problem_title", http_t(r, "cita_err_channel"),
			   bk_st_url(st, "canal", Q_SERVICE, NULL), "cita_choose_channel");
		return false;
	}
	st->has_channel = true;
	return true;
}

/* The time zone of phone and video slots: the first active virtual office's. */
static int virtual_offices(st_t *st, catalog_office_t *out, size_t *n)
{
	catalog_office_t *all;
	size_t na;
	*n = 0;
	int rc = catalog_offices(st->ctx.c, st->ctx.a, &all, &na);
	if (rc)
		return rc;
	for (size_t i = 0; i < na && *n < MAX_VIRTUAL; i++)
		if (str_eq(all[i].kind, "virtual_office"))
			out[(*n)++] = all[i];
	return 0;
}

static void st_set_zone(st_t *st, const char *zone)
{
	st->tz = bk_zone_or_default(zone);
	tz_local_t l;
	tz_local(st->tz, st->ctx.now, &l);
	st->today = l.day;
}

bool bk_check_office(st_t *st)
{
	http_req_t *r = st->r;
	if (!str_eq(st->channel, "in_person")) {
		st->office = "";
		catalog_office_t v[MAX_VIRTUAL];
		size_t nv;
		if (virtual_offices(st, v, &nv)) {
			http_reply_unavailable(r);
			return false;
		}
		st_set_zone(st, nv ? v[0].tz : NULL);
		return true;
	}
	if (!*st->office) {
		http_reply_redirect(r, bk_st_url(st, "oficina", Q_SERVICE | Q_CHANNEL, NULL));
		return false;
	}
	int rc = catalog_office_full(st->ctx.c, st->ctx.a, st->office, &st->off);
	if (rc && rc != ERR_NOT_FOUND) {
		http_reply_unavailable(r);
		return false;
	}
	if (rc || !st->off.active || !bk_list_has(&st->proc.offices, st->off.code)) {
		bk_problem(r, st->f, 400, "cita_problem_title", http_t(r, "cita_err_office"),
			   bk_st_url(st, "oficina", Q_SERVICE | Q_CHANNEL, NULL), "cita_choose_office");
		return false;
	}
	st->has_off = true;
	st_set_zone(st, st->off.tz);
	return true;
}

bool bk_check_day(st_t *st)
{
	http_req_t *r = st->r;
	if (!*st->day) {
		http_reply_redirect(r, bk_st_url(st, "dia", Q_TO_OFFICE, NULL));
		return false;
	}
	if (tz_date_parse(st->day, &st->dayn) || st->dayn < st->today || st->dayn > st->today + AHEAD_DAYS) {
		bk_problem(r, st->f, 400, "cita_problem_title", http_t(r, "cita_err_day"),
			   bk_st_url(st, "dia", Q_TO_OFFICE, NULL), "cita_choose_day");
		return false;
	}
	st->has_day = true;
	return true;
}

bool bk_check_start(st_t *st)
{
	http_req_t *r = st->r;
	if (!*st->start) {
		http_reply_redirect(r, bk_st_url(st, "hora", Q_TO_DAY, NULL));
		return false;
	}
	if (!bk_iso_parts(st->start, st->sdate, st->stime) || !str_eq(st->sdate, st->day)) {
		bk_problem(r, st->f, 400, "cita_problem_title", http_t(r, "cita_err_time"),
			   bk_st_url(st, "hora", Q_TO_DAY, NULL), "cita_choose_time");
		return false;
	}
	st->has_start = true;
	return true;
}

/* ---------------------------------------------------------------- availability */

/* Free slots for the state's service, channel and office on local days from..to. ERR_INVALID
 * when booking.h refuses the query (it should not, after the checks). */
int bk_avail(st_t *st, int32_t from, int32_t to, booking_day_t **days, size_t *nd)
{
	booking_err_t err = {0};
	booking_query_t q = {.service = st->service,
			     .channel = st->channel,
			     .office = str_eq(st->channel, "in_person") ? st->office : NULL,
			     .from = date_str(st->r, from),
			     .to = date_str(st->r, to)};
	return booking_availability(&st->ctx, &q, days, nd, &err);
}

/* The earliest instant after now at which public seats in from..to are released online, or 0.
 * Only the citizen's flow asks: staff see unreleased days anyway. */
int64_t bk_next_release(st_t *st, int32_t from, int32_t to)
{
	int64_t ids[MAX_VIRTUAL];
	size_t n = 0;
	if (str_eq(st->channel, "in_person")) {
		ids[n++] = st->off.id;
	} else {
		catalog_office_t v[MAX_VIRTUAL];
		size_t nv;
		if (virtual_offices(st, v, &nv))
			return 0;
		for (size_t i = 0; i < nv; i++)
			ids[n++] = v[i].id;
	}
	int64_t best = 0;
	for (size_t i = 0; i < n; i++) {
		schedule_slot_t *s;
		size_t ns;
		if (schedule_slots(st->ctx.c, st->ctx.a, ids[i], st->channel, st->proc.id, date_str(st->r, from),
				   date_str(st->r, to), st->ctx.now, true, &s, &ns))
			continue;
		for (size_t k = 0; k < ns; k++)
			if (s[k].release_at > st->ctx.now && s[k].capacity > s[k].booked &&
			    (!best || s[k].release_at < best))
				best = s[k].release_at;
	}
	return best;
}
