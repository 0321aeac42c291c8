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
 * number put in a URL: those pages are answers to POSTs whose forms carry it in a hidden field. */
#include "app.h"
#include "auth/auth.h"
#include "base/config.h"
#include "base/err.h"
#include "base/log.h"
#include "base/str.h"
#include "base/tz.h"
#include "booking/booking.h"
#include "booking/web.h"
#include "catalog/catalog.h"
#include "http/router.h"
#include "notify/notify.h"
#include "render/pdf.h"
#include "schedule/schedule.h"
#include "view/i18n.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_QUERY 100     /* search text, bytes */
#define WINDOW_DAYS 91    /* one availability query spans at most this + 1 days (booking.h: 92) */
#define AHEAD_DAYS 400    /* months further than this are not shown */
#define MAX_VIRTUAL 16

/* ---------------------------------------------------------------- flows */

typedef struct {
	bool staff;
	const char *base; /* "/cita" or "/staff/cita" */
} flow_t;

static const flow_t CITIZEN = {false, "/cita"};
static const flow_t STAFF = {true, "/staff/cita"};

static const char *const CHANNELS[] = {"in_person", "phone", "video"};
#define NCHANNELS (sizeof CHANNELS / sizeof CHANNELS[0])

/* The logical steps; phone and video skip the office, so their numbers shift by one. */
enum { S_SERVICE = 1, S_CHANNEL, S_OFFICE, S_DAY, S_TIME, S_DETAILS };
static const char *const STEP_KEYS[] = {"",         "cita_step_service", "cita_step_channel", "cita_step_office",
					"cita_step_day", "cita_step_time",  "cita_step_details"};

/* ---------------------------------------------------------------- small helpers */

static const char *tr(http_req_t *r, const char *key)
{
	return http_t(r, key);
}

static const char *trf(http_req_t *r, const char *fmt, const char *arg)
{
	return http_t(r, arena_printf(r->arena, fmt, arg));
}

/* A translated message with {name} placeholders filled (NULL-terminated pairs). */
static const char *trv(http_req_t *r, const char *key, const char *const *vars)
{
	return i18n_subst(r->arena, http_t(r, key), vars);
}

/* A query parameter on GET, a form field on POST; trimmed, "" when absent. Arena. */
static const char *param(http_req_t *r, const char *name)
{
	const char *v = r->method == HTTP_POST ? http_form(r, name) : http_query(r, name);
	return v ? str_trim(arena_strdup(r->arena, v)) : "";
}

static bool is_booking_channel(const char *ch)
{
	for (size_t i = 0; i < NCHANNELS; i++)
		if (str_eq(ch, CHANNELS[i]))
			return true;
	return false;
}

static bool proc_bookable(const cat_proc_t *p)
{
	for (size_t i = 0; i < NCHANNELS; i++)
		if (catalog_channels_has(p->channels, CHANNELS[i]))
			return true;
	return false;
}

static bool list_has(const cat_list_t *l, const char *v)
{
	for (size_t i = 0; i < l->n; i++)
		if (str_eq(l->v[i], v))
			return true;
	return false;
}

/* "2026-12-03T09:30:00+01:00" (seconds optional, Z or an offset): the local date and time of the
 * slot as the schedule wrote it. False for anything else. */
static bool iso_parts(const char *s, char date[TZ_DATE_LEN], char hhmm[TZ_HHMM_LEN])
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
	if (!(str_eq(rest, "Z") || (strlen(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && isdigit((unsigned char)rest[1]) &&
				    isdigit((unsigned char)rest[2]) && rest[3] == ':' && isdigit((unsigned char)rest[4]) &&
				    isdigit((unsigned char)rest[5]))))
		return false;
	memcpy(date, d, sizeof d);
	memcpy(hhmm, t, sizeof t);
	return true;
}

/* "2026-12" → year and month. */
static bool month_parse(const char *s, int *y, int *m)
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

static const char *month_str(http_req_t *r, int y, int m)
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
static const char *long_date(http_req_t *r, int32_t day)
{
	int y, m, d;
	tz_civil_from_days(day, &y, &m, &d);
	const char *vars[] = {"weekday", trf(r, "cita_wd_%s", arena_printf(r->arena, "%d", tz_weekday(day))),
			      "day",     arena_printf(r->arena, "%d", d),
			      "month",   trf(r, "cita_of_month_%s", arena_printf(r->arena, "%d", m)),
			      NULL};
	return trv(r, "cita_date_long", vars);
}

static const char *local_hhmm(http_req_t *r, const tz_t *z, int64_t t)
{
	tz_local_t l;
	tz_local(z, t, &l);
	char *s = arena_alloc(r->arena, TZ_HHMM_LEN);
	tz_hhmm_format(l.minute, s);
	return s;
}

static const char *channel_label(http_req_t *r, const char *ch)
{
	return trf(r, "cita_ch_%s", ch);
}

/* The category's name: its translation when there is one, else the code itself. */
static const char *category_label(http_req_t *r, const char *code)
{
	char *k = arena_printf(r->arena, "cita_cat_%s", code);
	for (char *p = k; *p; p++)
		if (*p == '-')
			*p = '_';
	const char *t = http_t(r, k);
	return str_eq(t, k) ? code : t;
}

static void unavailable(http_req_t *r)
{
	http_reply_error(r, 503, "unavailable", "err_unavailable", NULL);
}

/* ---------------------------------------------------------------- rate limits */

static void problem(http_req_t *r, const flow_t *f, int status, const char *title_key, const char *msg,
		    const char *href, const char *link_key);

/* The API's limits and buckets (web.h): a client alternating between pages and API spends one
 * budget. True (and answered 429) when over. */
static bool limited(http_req_t *r, const flow_t *f, bool booking)
{
	int retry = 1;
	if (bk_rate_ok(r, booking, &retry))
		return false;
	const char *vars[] = {"minutes", arena_printf(r->arena, "%d", (retry + 59) / 60), NULL};
	problem(r, f, 429, "cita_rate_title", trv(r, "cita_err_rate", vars), f->base, "cita_start_again");
	return true;
}

/* ---------------------------------------------------------------- the state of a flow */

enum {
	Q_SERVICE = 1 << 0,
	Q_CHANNEL = 1 << 1,
	Q_OFFICE = 1 << 2,
	Q_DAY = 1 << 3,
	Q_START = 1 << 4,
	Q_HOLD = 1 << 5,
	Q_UNTIL = 1 << 6,
};
#define Q_TO_OFFICE (Q_SERVICE | Q_CHANNEL | Q_OFFICE)
#define Q_TO_DAY (Q_TO_OFFICE | Q_DAY)
#define Q_ALL (Q_TO_DAY | Q_START | Q_HOLD | Q_UNTIL)

typedef struct {
	http_req_t *r;
	const flow_t *f;
	booking_ctx_t ctx;
	const char *service, *channel, *office, *day, *start, *hold, *until;
	cat_proc_t proc;
	cat_office_t off;
	bool has_proc, has_channel, has_off, has_day, has_start;
	int32_t dayn;
	char sdate[TZ_DATE_LEN], stime[TZ_HHMM_LEN];
	const tz_t *tz;
	int32_t today;
} st_t;

/* The actor for the flow: a citizen on /cita whoever is signed in, the staff member on
 * /staff/cita. False (503 answered) when storage is down. */
static bool ctx_for(http_req_t *r, const flow_t *f, booking_ctx_t *ctx)
{
	bk_ctx_from_req(ctx, r);
	if (!f->staff) {
		ctx->staff = false;
		ctx->user_id = 0;
		ctx->user_email = NULL;
	}
	if (!ctx->c) {
		unavailable(r);
		return false;
	}
	return true;
}

static const tz_t *zone_or_default(const char *name)
{
	const tz_t *z = name && *name ? tz_get(name) : NULL;
	if (!z)
		z = tz_get("Europe/Madrid");
	return z ? z : tz_utc();
}

static bool st_begin(st_t *st, http_req_t *r, const flow_t *f)
{
	memset(st, 0, sizeof *st);
	st->r = r;
	st->f = f;
	if (!ctx_for(r, f, &st->ctx))
		return false;
	st->service = param(r, "service");
	st->channel = param(r, "channel");
	st->office = param(r, "office");
	st->day = param(r, "day");
	st->start = param(r, "start");
	st->hold = param(r, "hold");
	st->until = param(r, "until");
	st->tz = zone_or_default(NULL);
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
	} parts[] = {{Q_SERVICE, "service", st->service}, {Q_CHANNEL, "channel", st->channel},
		     {Q_OFFICE, "office", str_eq(st->channel, "in_person") ? st->office : ""},
		     {Q_DAY, "day", st->day}, {Q_START, "start", st->start}, {Q_HOLD, "hold", st->hold},
		     {Q_UNTIL, "until", st->until}};
	const char *q = "";
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if (!(flags & parts[i].flag) || !parts[i].value || !*parts[i].value)
			continue;
		q = arena_printf(r->arena, "%s%s%s=%s", q, *q ? "&" : "", parts[i].name, str_url_encode(r->arena, parts[i].value));
	}
	return q;
}

/* BASE/step?query&extra (extra starts without '&'; either may be empty). */
static const char *st_url(const st_t *st, const char *step, unsigned flags, const char *extra)
{
	http_req_t *r = st->r;
	const char *q = st_query(st, flags);
	bool has_extra = extra && *extra;
	return arena_printf(r->arena, "%s%s%s%s%s%s%s", st->f->base, *step ? "/" : "", step, (*q || has_extra) ? "?" : "", q,
			    (*q && has_extra) ? "&" : "", has_extra ? extra : "");
}

static void hidden_add(json_t *h, const char *name, const char *value)
{
	if (value && *value)
		json_array_append_new(h, json_pack("{s:s,s:s}", "name", name, "value", value));
}

/* The hidden fields that carry the state into a form. New reference. */
static json_t *st_hidden(const st_t *st, unsigned flags)
{
	json_t *h = json_array();
	if (flags & Q_SERVICE)
		hidden_add(h, "service", st->service);
	if (flags & Q_CHANNEL)
		hidden_add(h, "channel", st->channel);
	if ((flags & Q_OFFICE) && str_eq(st->channel, "in_person"))
		hidden_add(h, "office", st->office);
	if (flags & Q_DAY)
		hidden_add(h, "day", st->day);
	if (flags & Q_START)
		hidden_add(h, "start", st->start);
	if (flags & Q_HOLD)
		hidden_add(h, "hold", st->hold);
	if (flags & Q_UNTIL)
		hidden_add(h, "until", st->until);
	return h;
}

/* ---------------------------------------------------------------- rendering */

/* The language switcher for a URL that may already carry a query. */
static json_t *lang_links(http_req_t *r, const char *self)
{
	static const char *const labels[] = {"Català", "Español", "English"};
	json_t *a = json_array();
	bool has_q = strchr(self, '?') != NULL;
	for (int i = 0; i < I18N_NLANGS; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:b}", "code", i18n_langs[i], "label", labels[i], "url",
						   arena_printf(r->arena, "%s%slang=%s", self, has_q ? "&" : "?", i18n_langs[i]),
						   "current", str_eq(r->lang, i18n_langs[i])));
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
		json_array_append_new(s, json_pack("{s:s,s:s}", "label", tr(r, "cita_f_service"), "value", i18n_pick(r->lang, st->proc.name)));
	if (st->has_channel)
		json_array_append_new(s, json_pack("{s:s,s:s}", "label", tr(r, "cita_f_channel"), "value",
						   channel_label(r, st->channel)));
	if (st->has_off)
		json_array_append_new(s, json_pack("{s:s,s:s}", "label", tr(r, "cita_f_office"), "value",
						   arena_printf(r->arena, "%s (%s)", i18n_pick(r->lang, st->off.name), st->off.address ? st->off.address : "")));
	if (st->has_day)
		json_array_append_new(s, json_pack("{s:s,s:s}", "label", tr(r, "cita_f_day"), "value", long_date(r, st->dayn)));
	if (st->has_start)
		json_array_append_new(s, json_pack("{s:s,s:s}", "label", tr(r, "cita_f_time"), "value", st->stime));
	return s;
}

/* Adds what every page of the flow shows, and replies. step 0: no step indicator. self: this
 * page as a GET URL (for the language links), or NULL. back: the back link, or NULL. */
static void render(st_t *st, int status, const char *tpl, json_t *m, int step, const char *self, const char *back)
{
	http_req_t *r = st->r;
	json_object_set_new(m, "staff_flow", json_boolean(st->f->staff));
	json_object_set_new(m, "base", json_string(st->f->base));
	json_object_set_new(m, "csrf", json_string(http_csrf_token(r)));
	if (step) {
		int total = st_total(st);
		int n = (total == 5 && step > S_OFFICE) ? step - 1 : step;
		const char *vars[] = {"n", arena_printf(r->arena, "%d", n), "total", arena_printf(r->arena, "%d", total), NULL};
		json_object_set_new(m, "step", json_pack("{s:s,s:s}", "label", trv(r, "cita_step_of", vars), "name",
							 tr(r, STEP_KEYS[step])));
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
		json_object_set_new(m, "langs", lang_links(r, self));
	http_reply_page(r, status, tpl, m);
}

static void problem(http_req_t *r, const flow_t *f, int status, const char *title_key, const char *msg,
		    const char *href, const char *link_key)
{
	json_t *m = json_pack("{s:s,s:s,s:s,s:s,s:b,s:s}", "title", tr(r, title_key), "message", msg, "href", href, "link",
			      tr(r, link_key), "staff_flow", f->staff, "base", f->base);
	http_reply_page(r, status, "booking/problem", m);
}

/* ---------------------------------------------------------------- checks of the state */

/* Each check answers (redirect or problem page) and returns false when the flow cannot go on. */

static bool check_service(st_t *st)
{
	http_req_t *r = st->r;
	if (!*st->service) {
		http_reply_redirect(r, st->f->base);
		return false;
	}
	int rc = catalog_procedure_full(st->ctx.c, st->ctx.a, st->service, &st->proc);
	if (rc && rc != ERR_NOT_FOUND) {
		unavailable(r);
		return false;
	}
	if (rc || !st->proc.active || !proc_bookable(&st->proc)) {
		problem(r, st->f, 404, "cita_problem_title", tr(r, "cita_err_service"), st->f->base, "cita_choose_service");
		return false;
	}
	st->has_proc = true;
	return true;
}

static bool check_channel(st_t *st)
{
	http_req_t *r = st->r;
	if (!*st->channel) {
		http_reply_redirect(r, st_url(st, "canal", Q_SERVICE, NULL));
		return false;
	}
	if (!is_booking_channel(st->channel) || !catalog_channels_has(st->proc.channels, st->channel)) {
		problem(r, st->f, 400, "cita_problem_title", tr(r, "cita_err_channel"), st_url(st, "canal", Q_SERVICE, NULL),
			"cita_choose_channel");
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
	st->tz = zone_or_default(zone);
	tz_local_t l;
	tz_local(st->tz, st->ctx.now, &l);
	st->today = l.day;
}

static bool check_office(st_t *st)
{
	http_req_t *r = st->r;
	if (!str_eq(st->channel, "in_person")) {
		st->office = "";
		catalog_office_t v[MAX_VIRTUAL];
		size_t nv;
		if (virtual_offices(st, v, &nv)) {
			unavailable(r);
			return false;
		}
		st_set_zone(st, nv ? v[0].tz : NULL);
		return true;
	}
	if (!*st->office) {
		http_reply_redirect(r, st_url(st, "oficina", Q_SERVICE | Q_CHANNEL, NULL));
		return false;
	}
	int rc = catalog_office_full(st->ctx.c, st->ctx.a, st->office, &st->off);
	if (rc && rc != ERR_NOT_FOUND) {
		unavailable(r);
		return false;
	}
	if (rc || !st->off.active || !list_has(&st->proc.offices, st->off.code)) {
		problem(r, st->f, 400, "cita_problem_title", tr(r, "cita_err_office"),
			st_url(st, "oficina", Q_SERVICE | Q_CHANNEL, NULL), "cita_choose_office");
		return false;
	}
	st->has_off = true;
	st_set_zone(st, st->off.tz);
	return true;
}

static bool check_day(st_t *st)
{
	http_req_t *r = st->r;
	if (!*st->day) {
		http_reply_redirect(r, st_url(st, "dia", Q_TO_OFFICE, NULL));
		return false;
	}
	if (tz_date_parse(st->day, &st->dayn) || st->dayn < st->today || st->dayn > st->today + AHEAD_DAYS) {
		problem(r, st->f, 400, "cita_problem_title", tr(r, "cita_err_day"), st_url(st, "dia", Q_TO_OFFICE, NULL),
			"cita_choose_day");
		return false;
	}
	st->has_day = true;
	return true;
}

static bool check_start(st_t *st)
{
	http_req_t *r = st->r;
	if (!*st->start) {
		http_reply_redirect(r, st_url(st, "hora", Q_TO_DAY, NULL));
		return false;
	}
	if (!iso_parts(st->start, st->sdate, st->stime) || !str_eq(st->sdate, st->day)) {
		problem(r, st->f, 400, "cita_problem_title", tr(r, "cita_err_time"), st_url(st, "hora", Q_TO_DAY, NULL),
			"cita_choose_time");
		return false;
	}
	st->has_start = true;
	return true;
}

/* ---------------------------------------------------------------- availability */

/* Free slots for the state's service, channel and office on local days from..to. ERR_INVALID
 * when booking.h refuses the query (it should not, after the checks). */
static int avail(st_t *st, int32_t from, int32_t to, booking_day_t **days, size_t *nd)
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
static int64_t next_release(st_t *st, int32_t from, int32_t to)
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
			if (s[k].release_at > st->ctx.now && s[k].capacity > s[k].booked && (!best || s[k].release_at < best))
				best = s[k].release_at;
	}
	return best;
}

/* ---------------------------------------------------------------- the calendar */

typedef struct {
	const char *day_href;   /* the date is appended; NULL: buttons named "day" in a form */
	const char *month_href; /* "YYYY-MM" is appended; NULL: buttons named "month" */
} cal_links_t;

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
	const char *vars[] = {"month", trf(r, "cita_month_%s", arena_printf(r->arena, "%d", m)), "year",
			      arena_printf(r->arena, "%d", y), NULL};
	const char *label = trv(r, arena_printf(r->arena, "cita_cal_%s", rel), vars);
	json_t *o = json_pack("{s:s,s:n,s:n}", "label", label, "href", "value");
	if (lk->month_href)
		json_object_set_new(o, "href", json_string(arena_printf(r->arena, "%s%s", lk->month_href, month_str(r, y, m))));
	else
		json_object_set_new(o, "value", json_string(month_str(r, y, m)));
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
		json_array_append_new(wd, json_pack("{s:s,s:s}", "short", trf(r, "cita_wds_%s", k), "long", trf(r, "cita_wd_%s", k)));
	}
	int32_t first = month_first(y, m), last = month_last(y, m);
	json_t *weeks = json_array(), *cells = NULL;
	int32_t start = tz_week_start(first);
	for (int32_t d = start; d <= last || (tz_weekday(d) != 1); d++) {
		if (tz_weekday(d) == 1) {
			cells = json_array();
			json_array_append_new(weeks, json_pack("{s:o}", "cells", cells));
		}
		/* Every key in every cell: a missing one would be looked up in the outer contexts. */
		if (d < first || d > last) {
			json_array_append_new(cells, json_pack("{s:b,s:b,s:b,s:n,s:n}", "blank", true, "free", false, "today",
							       false, "href", "value"));
			continue;
		}
		char ds[TZ_DATE_LEN];
		tz_date_format(d, ds);
		bool free = false;
		for (size_t i = 0; i < nd && !free; i++)
			free = str_eq(days[i].date, ds);
		int yy, mm, dd;
		tz_civil_from_days(d, &yy, &mm, &dd);
		json_t *c = json_pack("{s:b,s:i,s:b,s:b,s:s,s:n,s:n}", "blank", false, "num", dd, "free", free, "today",
				      d == today, "rest",
				      arena_printf(r->arena, " %s", trf(r, "cita_of_month_%s", arena_printf(r->arena, "%d", mm))),
				      "href", "value");
		if (free) {
			json_object_set_new(c, "wd", json_string(trf(r, "cita_wd_%s", arena_printf(r->arena, "%d", tz_weekday(d)))));
			if (lk->day_href)
				json_object_set_new(c, "href", json_string(arena_printf(r->arena, "%s%s", lk->day_href, ds)));
			else
				json_object_set_new(c, "value", json_string(ds));
		}
		json_array_append_new(cells, c);
	}
	const char *vars[] = {"month", trf(r, "cita_month_%s", arena_printf(r->arena, "%d", m)), "year",
			      arena_printf(r->arena, "%d", y), NULL};
	json_t *cal = json_pack("{s:s,s:o,s:o,s:b,s:n,s:n}", "caption", trv(r, "cita_month_year", vars), "wd", wd, "weeks",
				weeks, "buttons", lk->day_href == NULL, "prev", "next");
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
static int month_model(st_t *st, const char *month, const cal_links_t *lk, json_t *m, const char **shown)
{
	http_req_t *r = st->r;
	int y, mo;
	int32_t today = st->today;
	booking_day_t *days;
	size_t nd;
	int rc;
	if (*month) {
		if (!month_parse(month, &y, &mo) || month_last(y, mo) < today || month_first(y, mo) > today + AHEAD_DAYS)
			return ERR_INVALID;
	} else {
		if ((rc = avail(st, today, today + WINDOW_DAYS, &days, &nd)))
			return rc;
		int32_t d0 = today;
		if (nd)
			tz_date_parse(days[0].date, &d0);
		int dd;
		tz_civil_from_days(d0, &y, &mo, &dd);
	}
	int32_t first = month_first(y, mo), last = month_last(y, mo);
	if ((rc = avail(st, first < today ? today : first, last, &days, &nd)))
		return rc;
	bool next = false;
	if (last + 1 <= today + AHEAD_DAYS) {
		booking_day_t *later;
		size_t nl;
		if ((rc = avail(st, last + 1, last + 1 + WINDOW_DAYS, &later, &nl)))
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
		int64_t rel = next_release(st, today, today + WINDOW_DAYS);
		if (rel) {
			tz_local_t l;
			tz_local(st->tz, rel, &l);
			const char *vars[] = {"date", long_date(r, l.day), "time", local_hhmm(r, st->tz, rel), NULL};
			json_object_set_new(m, "release", json_string(trv(r, "cita_release", vars)));
		}
	}
	*shown = month_str(r, y, mo);
	return 0;
}

/* The free times of st->day as buttons of a POST form (model "times"). */
static int times_model(st_t *st, json_t *m)
{
	booking_day_t *days;
	size_t nd;
	int rc = avail(st, st->dayn, st->dayn, &days, &nd);
	if (rc)
		return rc;
	json_t *times = json_array();
	for (size_t i = 0; i < nd; i++)
		for (size_t k = 0; k < days[i].nslots; k++) {
			const booking_slot_t *s = &days[i].slots[k];
			json_t *t = json_pack("{s:s,s:s,s:n}", "value", s->start_iso, "label", s->time, "free");
			if (st->f->staff)
				json_object_set_new(t, "free", json_integer(s->free));
			json_array_append_new(times, t);
		}
	json_object_set_new(m, "has_times", json_boolean(json_array_size(times) > 0));
	json_object_set_new(m, "times", times);
	json_object_set_new(m, "day_long", json_string(long_date(st->r, st->dayn)));
	return 0;
}

/* ---------------------------------------------------------------- step 1: the procedure */

static void step_service(http_req_t *r, const flow_t *f)
{
	st_t st;
	if (!st_begin(&st, r, f))
		return;
	const char *q = param(r, "q"), *cat = param(r, "category");
	if (strlen(q) > MAX_QUERY) {
		size_t n = MAX_QUERY;
		while (n > 0 && ((unsigned char)q[n] & 0xC0) == 0x80) /* not inside a UTF-8 character */
			n--;
		q = arena_strndup(r->arena, q, n);
	}
	cat_proc_t *procs;
	size_t n;
	if (catalog_procedures_full(st.ctx.c, st.ctx.a, &procs, &n)) {
		unavailable(r);
		return;
	}
	/* The categories of the bookable procedures, each once. */
	const char **cats = arena_alloc(r->arena, (n + 1) * sizeof *cats);
	size_t ncats = 0;
	for (size_t i = 0; i < n; i++) {
		if (!proc_bookable(&procs[i]))
			continue;
		size_t k;
		for (k = 0; k < ncats && !str_eq(cats[k], procs[i].category); k++)
			;
		if (k == ncats)
			cats[ncats++] = procs[i].category;
	}
	/* Topics in the order of their names in the visitor's language (insertion sort: a handful). */
	for (size_t i = 1; i < ncats; i++)
		for (size_t k = i; k > 0 && strcmp(str_fold(r->arena, category_label(r, cats[k - 1])),
						   str_fold(r->arena, category_label(r, cats[k]))) > 0; k--) {
			const char *t = cats[k];
			cats[k] = cats[k - 1];
			cats[k - 1] = t;
		}
	bool cat_known = false;
	for (size_t k = 0; k < ncats; k++)
		cat_known = cat_known || str_eq(cats[k], cat);
	if (!cat_known)
		cat = "";
	const char *fq = str_fold(r->arena, q);
	json_t *groups = json_array(), *catlinks = json_array();
	size_t shown = 0;
	for (size_t k = 0; k < ncats; k++) {
		json_array_append_new(catlinks, json_pack("{s:s,s:s,s:b}", "label", category_label(r, cats[k]), "href",
							  arena_printf(r->arena, "%s?category=%s", f->base, str_url_encode(r->arena, cats[k])),
							  "current", str_eq(cats[k], cat)));
		if (*cat && !str_eq(cat, cats[k]))
			continue;
		json_t *items = json_array();
		for (size_t i = 0; i < n; i++) {
			cat_proc_t *p = &procs[i];
			if (!proc_bookable(p) || !str_eq(p->category, cats[k]))
				continue;
			const char *name = i18n_pick(r->lang, p->name), *desc = i18n_pick(r->lang, p->desc);
			if (*fq && !strstr(str_fold(r->arena, name), fq) && !strstr(str_fold(r->arena, desc), fq))
				continue;
			const char *how = "";
			for (size_t c = 0; c < NCHANNELS; c++)
				if (catalog_channels_has(p->channels, CHANNELS[c]))
					how = arena_printf(r->arena, "%s%s%s", how, *how ? " · " : "",
							   trf(r, "cita_ch_short_%s", CHANNELS[c]));
			json_array_append_new(items, json_pack("{s:s,s:s,s:s,s:s}", "name", name, "desc", desc, "how", how, "href",
							       arena_printf(r->arena, "%s/canal?service=%s", f->base,
									    str_url_encode(r->arena, p->code))));
			shown++;
		}
		if (json_array_size(items))
			json_array_append_new(groups, json_pack("{s:s,s:s,s:o}", "label", category_label(r, cats[k]), "id",
								arena_printf(r->arena, "cat-%zu", k), "items", items));
		else
			json_decref(items);
	}
	json_t *m = json_object();
	json_object_set_new(m, "q", json_string(q));
	json_object_set_new(m, "category", json_string(cat));
	json_object_set_new(m, "groups", groups);
	json_object_set_new(m, "categories", catlinks);
	json_object_set_new(m, "filtered", json_boolean(*q || *cat));
	json_object_set_new(m, "none", json_boolean(shown == 0));
	const char *vars[] = {"n", arena_printf(r->arena, "%zu", shown), NULL};
	json_object_set_new(m, "count", json_string(trv(r, shown == 1 ? "cita_found_one" : "cita_found", vars)));
	const char *self = f->base;
	if (*q || *cat)
		self = arena_printf(r->arena, "%s?q=%s&category=%s", f->base, str_url_encode(r->arena, q), str_url_encode(r->arena, cat));
	render(&st, 200, "booking/service", m, S_SERVICE, self, f->staff ? "/staff" : "/");
}

/* ---------------------------------------------------------------- step 2: the channel */

static void step_channel(http_req_t *r, const flow_t *f)
{
	st_t st;
	if (!st_begin(&st, r, f) || !check_service(&st))
		return;
	const char *err = NULL;
	if (http_query(r, "channel") || http_query(r, "next")) {
		if (is_booking_channel(st.channel) && catalog_channels_has(st.proc.channels, st.channel)) {
			st.has_channel = true;
			http_reply_redirect(r, str_eq(st.channel, "in_person") ? st_url(&st, "oficina", Q_SERVICE | Q_CHANNEL, NULL)
									     : st_url(&st, "dia", Q_SERVICE | Q_CHANNEL, NULL));
			return;
		}
		err = tr(r, *st.channel ? "cita_err_channel" : "cita_err_channel_missing");
	}
	json_t *opts = json_array();
	size_t nopts = 0;
	for (size_t i = 0; i < NCHANNELS; i++)
		nopts += catalog_channels_has(st.proc.channels, CHANNELS[i]);
	for (size_t i = 0; i < NCHANNELS; i++) {
		if (!catalog_channels_has(st.proc.channels, CHANNELS[i]))
			continue;
		json_array_append_new(opts, json_pack("{s:s,s:s,s:s,s:s,s:b}", "value", CHANNELS[i], "id",
						      arena_printf(r->arena, "ch-%s", CHANNELS[i]), "label",
						      channel_label(r, CHANNELS[i]), "hint", trf(r, "cita_ch_hint_%s", CHANNELS[i]),
						      "on", str_eq(st.channel, CHANNELS[i]) || nopts == 1));
	}
	json_t *m = json_object();
	json_object_set_new(m, "options", opts);
	json_object_set_new(m, "hidden", st_hidden(&st, Q_SERVICE));
	json_object_set_new(m, "proc_desc", json_string(i18n_pick(r->lang, st.proc.desc)));
	if (err) {
		json_object_set_new(m, "has_errors", json_true());
		json_object_set_new(m, "errors", json_pack("[{s:s,s:s,s:s}]", "id", "channel-group", "label", tr(r, "cita_f_channel"),
							   "msg", err));
		json_object_set_new(m, "err", json_string(err));
	}
	render(&st, err ? 422 : 200, "booking/channel", m, S_CHANNEL, st_url(&st, "canal", Q_SERVICE, NULL), st.f->base);
}

/* ---------------------------------------------------------------- step 3: the office */

static void step_office(http_req_t *r, const flow_t *f)
{
	st_t st;
	if (!st_begin(&st, r, f) || !check_service(&st) || !check_channel(&st))
		return;
	if (!str_eq(st.channel, "in_person")) {
		http_reply_redirect(r, st_url(&st, "dia", Q_SERVICE | Q_CHANNEL, NULL));
		return;
	}
	cat_office_t *offices;
	size_t n;
	if (catalog_offices_full(st.ctx.c, st.ctx.a, &offices, &n)) {
		unavailable(r);
		return;
	}
	size_t noffer = 0;
	for (size_t i = 0; i < n; i++)
		noffer += list_has(&st.proc.offices, offices[i].code);
	const char *err = NULL;
	if (http_query(r, "office") || http_query(r, "next")) {
		for (size_t i = 0; i < n; i++)
			if (str_eq(offices[i].code, st.office) && list_has(&st.proc.offices, offices[i].code)) {
				http_reply_redirect(r, st_url(&st, "dia", Q_TO_OFFICE, NULL));
				return;
			}
		err = tr(r, *st.office ? "cita_err_office" : "cita_err_office_missing");
	}
	json_t *opts = json_array();
	for (size_t i = 0; i < n; i++) {
		cat_office_t *o = &offices[i];
		if (!list_has(&st.proc.offices, o->code))
			continue;
		const char *addr = o->address ? o->address : "";
		if (o->postcode && *o->postcode)
			addr = arena_printf(r->arena, "%s, %s %s", addr, o->postcode, o->city ? o->city : "");
		else if (o->city && *o->city)
			addr = arena_printf(r->arena, "%s, %s", addr, o->city);
		json_array_append_new(opts, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "value", o->code, "id",
						      arena_printf(r->arena, "of-%s", o->code), "label", i18n_pick(r->lang, o->name), "address",
						      addr, "access", i18n_pick(r->lang, o->access), "phone", o->phone ? o->phone : "", "on",
						      str_eq(st.office, o->code) || noffer == 1));
	}
	json_t *m = json_object();
	json_object_set_new(m, "options", opts);
	json_object_set_new(m, "none", json_boolean(noffer == 0));
	json_object_set_new(m, "hidden", st_hidden(&st, Q_SERVICE | Q_CHANNEL));
	if (err) {
		json_object_set_new(m, "has_errors", json_true());
		json_object_set_new(m, "errors", json_pack("[{s:s,s:s,s:s}]", "id", "office-group", "label", tr(r, "cita_f_office"),
							   "msg", err));
		json_object_set_new(m, "err", json_string(err));
	}
	render(&st, err ? 422 : 200, "booking/office", m, S_OFFICE, st_url(&st, "oficina", Q_SERVICE | Q_CHANNEL, NULL),
	       st_url(&st, "canal", Q_SERVICE | Q_CHANNEL, NULL));
}

/* ---------------------------------------------------------------- step 4: the day */

static const char *back_from_day(st_t *st)
{
	return str_eq(st->channel, "in_person") ? st_url(st, "oficina", Q_TO_OFFICE, NULL)
						: st_url(st, "canal", Q_SERVICE | Q_CHANNEL, NULL);
}

static void step_day(http_req_t *r, const flow_t *f)
{
	st_t st;
	if (!st_begin(&st, r, f) || !check_service(&st) || !check_channel(&st) || !check_office(&st))
		return;
	if (limited(r, f, false))
		return;
	const char *month = param(r, "month"), *shown = "";
	cal_links_t lk = {st_url(&st, "hora", Q_TO_OFFICE, "day="), st_url(&st, "dia", Q_TO_OFFICE, "month=")};
	json_t *m = json_object();
	int rc = month_model(&st, month, &lk, m, &shown);
	if (rc == ERR_INVALID) {
		json_decref(m);
		problem(r, f, 400, "cita_problem_title", tr(r, "cita_err_month"), st_url(&st, "dia", Q_TO_OFFICE, NULL),
			"cita_choose_day");
		return;
	}
	if (rc) {
		json_decref(m);
		unavailable(r);
		return;
	}
	render(&st, 200, "booking/day", m, S_DAY, st_url(&st, "dia", Q_TO_OFFICE, arena_printf(r->arena, "month=%s", shown)),
	       back_from_day(&st));
}

/* ---------------------------------------------------------------- step 5: the time */

static void time_page(st_t *st, int status, const char *msg_key)
{
	http_req_t *r = st->r;
	json_t *m = json_object();
	if (times_model(st, m)) {
		json_decref(m);
		unavailable(r);
		return;
	}
	if (msg_key) {
		json_object_set_new(m, "has_errors", json_true());
		json_object_set_new(m, "errors", json_pack("[{s:s,s:s,s:s}]", "id", "times", "label", tr(r, "cita_f_time"), "msg",
							   tr(r, msg_key)));
	}
	json_object_set_new(m, "action", json_string(arena_printf(r->arena, "%s/hora", st->f->base)));
	json_object_set_new(m, "hidden", st_hidden(st, Q_TO_DAY));
	int64_t secs = config_int(r->app->cfg, "booking.hold_seconds");
	const char *vars[] = {"minutes", arena_printf(r->arena, "%lld", (long long)((secs + 59) / 60)), NULL};
	json_object_set_new(m, "hold_note", json_string(trv(r, "cita_hold_note", vars)));
	json_object_set_new(m, "other_day", json_string(st_url(st, "dia", Q_TO_OFFICE, arena_printf(r->arena, "month=%.7s", st->day))));
	render(st, status, "booking/time", m, S_TIME, st_url(st, "hora", Q_TO_DAY, NULL),
	       st_url(st, "dia", Q_TO_OFFICE, arena_printf(r->arena, "month=%.7s", st->day)));
}

static void step_time(http_req_t *r, const flow_t *f)
{
	st_t st;
	if (!st_begin(&st, r, f) || !check_service(&st) || !check_channel(&st) || !check_office(&st) || !check_day(&st))
		return;
	if (r->method != HTTP_POST) {
		if (limited(r, f, false))
			return;
		/* Coming back from the details page: give the held seat back at once. */
		const char *release = param(r, "release");
		if (*release)
			booking_hold_release(&st.ctx, release);
		time_page(&st, 200, NULL);
		return;
	}
	if (limited(r, f, true))
		return;
	if (!*st.start) {
		time_page(&st, 422, "cita_err_time_missing");
		return;
	}
	/* A slot of another day would be valid, but it is not what this page offered. */
	char date[TZ_DATE_LEN], hhmm[TZ_HHMM_LEN];
	if (!iso_parts(st.start, date, hhmm) || !str_eq(date, st.day)) {
		time_page(&st, 422, "cita_err_time");
		return;
	}
	booking_input_t in = {.service = st.service,
			      .channel = st.channel,
			      .office = str_eq(st.channel, "in_person") ? st.office : NULL,
			      .start = st.start};
	booking_err_t err = {0};
	char token[BOOKING_TOKEN_LEN];
	int64_t expires = 0;
	int rc = booking_hold(&st.ctx, &in, token, &expires, &err);
	if (rc == 0) {
		st.hold = arena_strdup(r->arena, token);
		st.until = arena_printf(r->arena, "%lld", (long long)expires);
		http_reply_redirect(r, st_url(&st, "dades", Q_ALL, NULL));
		return;
	}
	if (rc == ERR_CONFLICT) {
		time_page(&st, 409, "cita_err_slot_full");
		return;
	}
	if (rc == ERR_INVALID) {
		time_page(&st, 422, "cita_err_time");
		return;
	}
	log_warn("booking pages: hold failed: %s", err_name(rc));
	unavailable(r);
}

/* ---------------------------------------------------------------- step 6: the details */

static const char *const DETAIL_FIELDS[] = {"name", "id_type", "id_number", "email", "phone", "lang",
					    "digital_confidence", "altcha"};
#define NDETAIL (sizeof DETAIL_FIELDS / sizeof DETAIL_FIELDS[0])

static bool is_detail_field(const char *f)
{
	for (size_t i = 0; i < NDETAIL; i++)
		if (str_eq(DETAIL_FIELDS[i], f))
			return true;
	return false;
}

/* The details form; err may be NULL (a fresh form). */
static void details_page(st_t *st, int status, const booking_err_t *err)
{
	http_req_t *r = st->r;
	bool post = r->method == HTTP_POST;
	bool pow = !st->f->staff && config_bool(r->app->cfg, "booking.proof_of_work");
	json_t *fm = json_object();
	for (size_t i = 0; i < NDETAIL; i++) {
		const char *v = post ? param(r, DETAIL_FIELDS[i]) : "";
		json_object_set_new(fm, DETAIL_FIELDS[i], json_pack("{s:s}", "v", v));
	}
	const char *id_type = post ? param(r, "id_type") : "dni";
	const char *lang = post ? param(r, "lang") : r->lang;
	const char *conf = post ? param(r, "digital_confidence") : "";
	json_t *summary = json_array();
	if (err) {
		for (size_t i = 0; i < NDETAIL; i++) {
			const char *key = booking_err_field(err, DETAIL_FIELDS[i]);
			if (!key)
				continue;
			const char *msg = tr(r, key);
			if (str_eq(DETAIL_FIELDS[i], "altcha") && str_eq(key, "booking_err_altcha_missing"))
				msg = tr(r, "cita_err_altcha_nojs");
			json_object_set_new(json_object_get(fm, DETAIL_FIELDS[i]), "err", json_string(msg));
			const char *id = arena_printf(r->arena, "d-%s", DETAIL_FIELDS[i]);
			if (str_eq(DETAIL_FIELDS[i], "id_type"))
				id = "d-id_type-dni";
			else if (str_eq(DETAIL_FIELDS[i], "lang"))
				id = "d-lang-ca";
			else if (str_eq(DETAIL_FIELDS[i], "digital_confidence"))
				id = "d-conf-0";
			else if (str_eq(DETAIL_FIELDS[i], "altcha"))
				id = "d-altcha";
			json_array_append_new(summary, json_pack("{s:s,s:s,s:s}", "id", id, "label",
								 trf(r, "cita_f_%s", DETAIL_FIELDS[i]), "msg", msg));
		}
		if (!json_array_size(summary) && err->key)
			json_array_append_new(summary, json_pack("{s:s,s:s,s:s}", "id", "d-name", "label", tr(r, "cita_f_name"), "msg",
								 tr(r, err->key)));
	}
	json_t *m = json_object();
	json_object_set_new(m, "f", fm);
	if (json_array_size(summary)) {
		json_object_set_new(m, "has_errors", json_true());
		json_object_set_new(m, "errors", summary);
	} else {
		json_decref(summary);
	}
	static const char *const id_types[] = {"dni", "nie", "passport"};
	json_t *types = json_array();
	for (size_t i = 0; i < 3; i++)
		json_array_append_new(types, json_pack("{s:s,s:s,s:s,s:b}", "value", id_types[i], "id",
						       arena_printf(r->arena, "d-id_type-%s", id_types[i]), "label",
						       trf(r, "cita_id_%s", id_types[i]), "on", str_eq(id_type, id_types[i])));
	json_object_set_new(m, "id_types", types);
	static const char *const langs[][2] = {{"ca", "Català"}, {"es", "Español"}, {"en", "English"}};
	json_t *lj = json_array();
	for (size_t i = 0; i < 3; i++)
		json_array_append_new(lj, json_pack("{s:s,s:s,s:s,s:b}", "value", langs[i][0], "id",
						    arena_printf(r->arena, "d-lang-%s", langs[i][0]), "label", langs[i][1], "on",
						    str_eq(lang, langs[i][0])));
	json_object_set_new(m, "langs_opt", lj);
	json_t *cj = json_array();
	for (int i = 0; i <= 4; i++) {
		const char *v = arena_printf(r->arena, "%d", i);
		json_array_append_new(cj, json_pack("{s:s,s:s,s:s,s:b}", "value", i ? v : "", "id",
						    arena_printf(r->arena, "d-conf-%d", i), "label", trf(r, "cita_conf_%s", v), "on",
						    i ? str_eq(conf, v) : !*conf));
	}
	json_object_set_new(m, "confidence", cj);
	json_object_set_new(m, "hidden", st_hidden(st, Q_ALL));
	json_object_set_new(m, "action", json_string(arena_printf(r->arena, "%s/dades", st->f->base)));
	json_object_set_new(m, "pow", json_boolean(pow));
	if (pow) {
		json_t *s = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "label", tr(r, "cita_pow_label"), "verified",
				      tr(r, "cita_pow_verified"), "verifying", tr(r, "cita_pow_verifying"), "error",
				      tr(r, "cita_pow_error"), "expired", tr(r, "cita_pow_expired"), "waitAlert",
				      tr(r, "cita_pow_wait"), "verificationRequired", tr(r, "cita_pow_required"));
		char *js = json_dumps(s, JSON_COMPACT);
		json_object_set_new(m, "pow_strings", json_string(js));
		free(js);
		json_decref(s);
	}
	/* How long the seat is kept: the hold's expiry as the time step wrote it. Shown, not trusted. */
	int64_t until = 0;
	if (*st->hold && str_to_i64(st->until, 0, INT64_MAX, &until) == 0 && until > 0) {
		if (until > st->ctx.now) {
			const char *vars[] = {"time", local_hhmm(r, st->tz, until), NULL};
			json_object_set_new(m, "held", json_string(trv(r, "cita_held_until", vars)));
		} else {
			json_object_set_new(m, "held_expired", json_string(tr(r, "cita_held_expired")));
		}
	}
	const char *back = st_url(st, "hora", Q_TO_DAY, *st->hold ? arena_printf(r->arena, "release=%s", st->hold) : NULL);
	render(st, status, "booking/details", m, S_DETAILS, st_url(st, "dades", Q_ALL, NULL), back);
}

static void step_details(http_req_t *r, const flow_t *f)
{
	st_t st;
	if (!st_begin(&st, r, f) || !check_service(&st) || !check_channel(&st) || !check_office(&st) || !check_day(&st) ||
	    !check_start(&st))
		return;
	if (r->method != HTTP_POST) {
		details_page(&st, 200, NULL);
		return;
	}
	if (limited(r, f, true))
		return;
	int64_t conf = 0;
	const char *cs = param(r, "digital_confidence");
	booking_err_t err = {0};
	if (*cs && str_to_i64(cs, 1, 4, &conf)) {
		err.code = "invalid";
		fielderr_add(&err.fields, "digital_confidence", "booking_err_confidence");
		details_page(&st, 422, &err);
		return;
	}
	booking_input_t in = {.service = st.service,
			      .channel = st.channel,
			      .office = str_eq(st.channel, "in_person") ? st.office : NULL,
			      .start = st.start,
			      .hold = *st.hold ? st.hold : NULL,
			      .name = param(r, "name"),
			      .id_type = param(r, "id_type"),
			      .id_number = param(r, "id_number"),
			      .email = param(r, "email"),
			      .phone = param(r, "phone"),
			      .lang = param(r, "lang"),
			      .digital_confidence = (int)conf,
			      .altcha = param(r, "altcha")};
	booking_created_t out;
	int rc = booking_create(&st.ctx, &in, &out, &err);
	if (rc == 0) {
		const char *code = arena_strdup(r->arena, out.code), *token = arena_strdup(r->arena, out.token);
		json_decref(out.model);
		if (f->staff) {
			auth_audit(r, "booking.create", arena_printf(r->arena, "appointment:%s", code), st.service);
			http_reply_redirect(r, arena_printf(r->arena, "/staff/cita/%s?token=%s", code, token));
		} else {
			http_reply_redirect(r, arena_printf(r->arena, "/cita/%s/confirmacio?token=%s", code, token));
		}
		return;
	}
	if (rc == ERR_CONFLICT) {
		/* The seat went to somebody else, or the hold ran out and the time filled: pick again. */
		st.hold = "";
		time_page(&st, 409, str_eq(err.code, "hold_expired") ? "cita_err_hold_expired" : "cita_err_slot_full");
		return;
	}
	if (rc == ERR_INVALID || rc == ERR_BUSY) {
		/* Fields of earlier steps are wrong only when the state was tampered with or went stale. */
		for (size_t i = 0; i < err.fields.n; i++) {
			if (is_detail_field(err.fields.e[i].field))
				continue;
			if (str_eq(err.fields.e[i].field, "start") || str_eq(err.fields.e[i].field, "hold")) {
				time_page(&st, 422, "cita_err_time");
				return;
			}
			problem(r, f, 400, "cita_problem_title", tr(r, "cita_err_state"), f->base, "cita_start_again");
			return;
		}
		details_page(&st, rc == ERR_BUSY ? booking_err_status(&err) : 422, &err);
		return;
	}
	log_warn("booking pages: booking failed: %s", err_name(rc));
	unavailable(r);
}

/* ---------------------------------------------------------------- one appointment */

/* How a citizen proves the appointment is theirs: the manage token (a link) or the ID number
 * (typed, carried in POST forms only). */
typedef struct {
	const char *token, *id_number;
} proof_t;

static proof_t proof_of(http_req_t *r)
{
	proof_t p = {param(r, "token"), ""};
	if (r->method == HTTP_POST)
		p.id_number = param(r, "id_number");
	if (*p.token)
		p.id_number = "";
	return p;
}

static bool by_id(const proof_t *p)
{
	return !*p->token && *p->id_number;
}

static json_t *proof_hidden(const proof_t *p)
{
	json_t *h = json_array();
	hidden_add(h, "token", p->token);
	hidden_add(h, "id_number", p->id_number);
	return h;
}

static const char *code_of(http_req_t *r)
{
	const char *c = http_param(r, "code");
	char *u = arena_strdup(r->arena, c ? c : "");
	for (char *p = u; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return u;
}

static void not_found_appt(http_req_t *r, const flow_t *f)
{
	problem(r, f, 404, "cita_nf_title", tr(r, "cita_err_not_found"), "/cita/gestiona", "cita_lookup_link");
}

/* Loads the appointment with the request's proof. False when answered (404, 503). */
static bool load_appt(http_req_t *r, booking_ctx_t *ctx, const char *code, const proof_t *p, booking_t *b)
{
	if (!*p->token && !*p->id_number) {
		not_found_appt(r, &CITIZEN);
		return false;
	}
	int rc = booking_get(ctx, code, *p->token ? p->token : NULL, *p->id_number ? p->id_number : NULL, b);
	if (rc == ERR_NOT_FOUND || rc == ERR_INVALID) {
		not_found_appt(r, &CITIZEN);
		return false;
	}
	if (rc) {
		unavailable(r);
		return false;
	}
	return true;
}

/* The appointment model with the page's extras: translated channel and status, the channel's
 * instructions. New reference, NULL on storage error. */
static json_t *appt_model(http_req_t *r, booking_ctx_t *ctx, const booking_t *b, const char *token)
{
	json_t *a = booking_model(ctx, b, token && *token ? token : NULL, r->lang);
	if (!a)
		return NULL;
	json_object_set_new(a, "channel_label", json_string(channel_label(r, b->channel)));
	json_object_set_new(a, "status_label", json_string(trf(r, "cita_status_%s", b->status)));
	json_object_set_new(a, "is_cancelled", json_boolean(str_eq(b->status, "cancelled")));
	json_object_set_new(a, "is_in_person", json_boolean(str_eq(b->channel, "in_person")));
	json_object_set_new(a, "id_type_label", json_string(trf(r, "cita_id_%s", b->id_type)));
	if (str_eq(b->channel, "phone")) {
		const char *vars[] = {"phone", b->phone && *b->phone ? b->phone : "—", NULL};
		json_object_set_new(a, "instructions", json_string(trv(r, "cita_phone_instructions", vars)));
	} else if (str_eq(b->channel, "video")) {
		json_object_set_new(a, "instructions", json_string(tr(r, "cita_video_instructions")));
	}
	json_object_set_new(a, "has_documents", json_boolean(json_array_size(json_object_get(a, "documents")) > 0));
	return a;
}

/* The manage page. notice: i18n key or NULL; err: i18n key or NULL. */
static void manage_page(http_req_t *r, int status, booking_ctx_t *ctx, const booking_t *b, const proof_t *p,
			const char *notice, const char *err)
{
	json_t *a = appt_model(r, ctx, b, p->token);
	if (!a) {
		unavailable(r);
		return;
	}
	json_t *m = json_object();
	json_object_set_new(m, "a", a);
	json_object_set_new(m, "by_id", json_boolean(by_id(p)));
	json_object_set_new(m, "proof", proof_hidden(p));
	json_object_set_new(m, "csrf", json_string(http_csrf_token(r)));
	bool can_change = str_eq(b->status, "booked") && b->start_at > ctx->now;
	json_object_set_new(m, "can_change", json_boolean(can_change));
	const char *tq = *p->token ? arena_printf(r->arena, "?token=%s", p->token) : "";
	json_object_set_new(m, "ics_href", json_string(arena_printf(r->arena, "/cita/%s/calendar.ics%s", b->code, tq)));
	json_object_set_new(m, "pdf_href", json_string(arena_printf(r->arena, "/cita/%s/receipt.pdf%s", b->code, tq)));
	json_object_set_new(m, "change_href", json_string(arena_printf(r->arena, "/cita/%s/canvia%s", b->code, tq)));
	json_object_set_new(m, "code_path", json_string(arena_printf(r->arena, "/cita/%s", b->code)));
	if (notice)
		json_object_set_new(m, "notice", json_string(tr(r, notice)));
	if (err) {
		json_object_set_new(m, "has_errors", json_true());
		json_object_set_new(m, "errors", json_pack("[{s:s,s:s,s:s}]", "id", "appt", "label", tr(r, "cita_f_appointment"),
							   "msg", tr(r, err)));
	}
	if (*p->token)
		json_object_set_new(m, "langs", lang_links(r, arena_printf(r->arena, "/cita/%s%s", b->code, tq)));
	http_reply_page(r, status, "booking/manage", m);
}

static void confirm_get(http_req_t *r)
{
	booking_ctx_t ctx;
	if (!ctx_for(r, &CITIZEN, &ctx))
		return;
	const char *code = code_of(r);
	proof_t p = {param(r, "token"), ""};
	booking_t b;
	if (!load_appt(r, &ctx, code, &p, &b))
		return;
	json_t *a = appt_model(r, &ctx, &b, p.token);
	if (!a) {
		unavailable(r);
		return;
	}
	const char *tq = arena_printf(r->arena, "?token=%s", str_url_encode(r->arena, p.token));
	json_t *m = json_object();
	json_object_set_new(m, "a", a);
	json_object_set_new(m, "ics_href", json_string(arena_printf(r->arena, "/cita/%s/calendar.ics%s", b.code, tq)));
	json_object_set_new(m, "pdf_href", json_string(arena_printf(r->arena, "/cita/%s/receipt.pdf%s", b.code, tq)));
	json_object_set_new(m, "manage_href", json_string(arena_printf(r->arena, "/cita/%s%s", b.code, tq)));
	json_object_set_new(m, "langs", lang_links(r, arena_printf(r->arena, "/cita/%s/confirmacio%s", b.code, tq)));
	const char *to = b.email && *b.email ? b.email : b.phone;
	if (to && *to) {
		const char *vars[] = {"to", to, NULL};
		json_object_set_new(m, "sent_to", json_string(trv(r, "cita_sent_to", vars)));
	}
	http_reply_page(r, 200, "booking/confirm", m);
}

static void manage_get(http_req_t *r)
{
	booking_ctx_t ctx;
	if (!ctx_for(r, &CITIZEN, &ctx))
		return;
	const char *code = code_of(r);
	proof_t p = {param(r, "token"), ""};
	if (!*p.token) {
		http_reply_redirect(r, arena_printf(r->arena, "/cita/gestiona?code=%s", str_url_encode(r->arena, code)));
		return;
	}
	booking_t b;
	if (!load_appt(r, &ctx, code, &p, &b))
		return;
	const char *done = param(r, "done");
	const char *notice = str_eq(done, "cancelled")     ? "cita_done_cancelled"
			     : str_eq(done, "rescheduled") ? "cita_done_rescheduled"
							   : NULL;
	manage_page(r, 200, &ctx, &b, &p, notice, NULL);
}

/* ---------------------------------------------------------------- look up by code and ID */

static void lookup_page(http_req_t *r, int status, const char *code, const char *err_field, const char *err_key)
{
	json_t *m = json_object();
	json_object_set_new(m, "code", json_string(code));
	json_object_set_new(m, "csrf", json_string(http_csrf_token(r)));
	if (err_key) {
		const char *msg = tr(r, err_key);
		json_object_set_new(m, "has_errors", json_true());
		json_object_set_new(m, "errors", json_pack("[{s:s,s:s,s:s}]", "id", arena_printf(r->arena, "l-%s", err_field),
							   "label", trf(r, "cita_f_%s", err_field), "msg", msg));
		json_object_set_new(m, str_eq(err_field, "code") ? "code_err" : "id_err", json_string(msg));
	}
	http_reply_page(r, status, "booking/lookup", m);
}

static void lookup(http_req_t *r)
{
	if (r->method != HTTP_POST) {
		const char *code = param(r, "code");
		if (strlen(code) > 16)
			code = "";
		lookup_page(r, 200, code, NULL, NULL);
		return;
	}
	const char *code = param(r, "code"), *id = param(r, "id_number");
	char *uc = arena_strdup(r->arena, code);
	for (char *p = uc; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	if (!*uc) {
		lookup_page(r, 422, "", "code", "cita_err_code_missing");
		return;
	}
	if (!*id) {
		lookup_page(r, 422, uc, "id_number", "cita_err_id_missing");
		return;
	}
	if (limited(r, &CITIZEN, true))
		return;
	booking_ctx_t ctx;
	if (!ctx_for(r, &CITIZEN, &ctx))
		return;
	booking_t b;
	int rc = booking_get(&ctx, uc, NULL, id, &b);
	if (rc == ERR_NOT_FOUND || rc == ERR_INVALID) {
		lookup_page(r, 404, uc, "code", "cita_err_not_found");
		return;
	}
	if (rc) {
		unavailable(r);
		return;
	}
	proof_t p = {"", id};
	manage_page(r, 200, &ctx, &b, &p, NULL, NULL);
}

/* ---------------------------------------------------------------- reschedule */

/* The state of the booking flow for the appointment's own service, channel and office. */
static bool resched_state(http_req_t *r, st_t *st, const booking_t *b)
{
	memset(st, 0, sizeof *st);
	st->r = r;
	st->f = &CITIZEN;
	if (!ctx_for(r, &CITIZEN, &st->ctx))
		return false;
	st->service = b->service_code;
	st->channel = b->channel;
	st->office = str_eq(b->channel, "in_person") ? b->office_code : "";
	st->day = st->start = st->hold = st->until = "";
	st->tz = zone_or_default(NULL);
	return check_service(st) && check_channel(st) && check_office(st);
}

static void resched_render(http_req_t *r, st_t *st, int status, const booking_t *b, const proof_t *p, json_t *m)
{
	json_t *a = appt_model(r, &st->ctx, b, p->token);
	if (!a) {
		json_decref(m);
		unavailable(r);
		return;
	}
	json_object_set_new(m, "a", a);
	json_object_set_new(m, "proof", proof_hidden(p));
	json_object_set_new(m, "by_id", json_boolean(by_id(p)));
	json_object_set_new(m, "csrf", json_string(http_csrf_token(r)));
	json_object_set_new(m, "action", json_string(arena_printf(r->arena, "/cita/%s/canvia", b->code)));
	const char *tq = *p->token ? arena_printf(r->arena, "?token=%s", p->token) : "";
	json_object_set_new(m, "manage_href", json_string(arena_printf(r->arena, "/cita/%s%s", b->code, tq)));
	json_object_set_new(m, "code_path", json_string(arena_printf(r->arena, "/cita/%s", b->code)));
	http_reply_page(r, status, "booking/reschedule", m);
}

static void resched_times(http_req_t *r, st_t *st, int status, const booking_t *b, const proof_t *p, const char *err)
{
	json_t *m = json_object();
	if (times_model(st, m)) {
		json_decref(m);
		unavailable(r);
		return;
	}
	json_object_set_new(m, "show_times", json_true());
	json_object_set_new(m, "day", json_string(st->day));
	json_t *h = proof_hidden(p);
	hidden_add(h, "day", st->day);
	json_object_set_new(m, "hidden", h);
	if (err) {
		json_object_set_new(m, "has_errors", json_true());
		json_object_set_new(m, "errors", json_pack("[{s:s,s:s,s:s}]", "id", "times", "label", tr(r, "cita_f_time"), "msg",
							   tr(r, err)));
	}
	if (*p->token)
		json_object_set_new(m, "other_day",
				    json_string(arena_printf(r->arena, "/cita/%s/canvia?token=%s&month=%.7s", b->code, p->token, st->day)));
	else
		json_object_set_new(m, "other_month", json_string(arena_printf(r->arena, "%.7s", st->day)));
	resched_render(r, st, status, b, p, m);
}

static void resched(http_req_t *r)
{
	booking_ctx_t ctx;
	if (!ctx_for(r, &CITIZEN, &ctx))
		return;
	const char *code = code_of(r);
	proof_t p = proof_of(r);
	const char *start = r->method == HTTP_POST ? param(r, "start") : "";
	const char *day = param(r, "day");
	/* One count per request: moving or proving with the ID number is a booking-class action,
	 * looking at days and times an availability one. */
	if (limited(r, &CITIZEN, *start || by_id(&p)))
		return;
	booking_t b;
	if (!load_appt(r, &ctx, code, &p, &b))
		return;
	if (!str_eq(b.status, "booked") || b.start_at <= ctx.now) {
		manage_page(r, 409, &ctx, &b, &p, NULL, "cita_err_not_changeable");
		return;
	}
	st_t st;
	if (!resched_state(r, &st, &b))
		return;
	if (*start) {
		booking_err_t err = {0};
		booking_t nb;
		int rc = booking_reschedule(&st.ctx, b.code, *p.token ? p.token : NULL, *p.id_number ? p.id_number : NULL, start,
					    0, &nb, &err);
		if (rc == 0) {
			if (*p.token) {
				http_reply_redirect(r, arena_printf(r->arena, "/cita/%s?token=%s&done=rescheduled", b.code, p.token));
			} else {
				booking_t fresh;
				if (booking_get(&ctx, b.code, NULL, p.id_number, &fresh)) {
					unavailable(r);
					return;
				}
				manage_page(r, 200, &ctx, &fresh, &p, "cita_done_rescheduled", NULL);
			}
			return;
		}
		st.day = day;
		bool day_ok = tz_date_parse(st.day, &st.dayn) == 0;
		if (rc == ERR_NOT_FOUND) {
			not_found_appt(r, &CITIZEN);
		} else if (str_eq(err.code, "bad_state") || str_eq(err.code, "too_late")) {
			manage_page(r, 409, &ctx, &b, &p, NULL, "cita_err_not_changeable");
		} else if ((rc == ERR_CONFLICT || rc == ERR_INVALID) && day_ok) {
			resched_times(r, &st, rc == ERR_CONFLICT ? 409 : 422, &b, &p,
				      rc == ERR_CONFLICT ? "cita_err_slot_full" : "cita_err_time");
		} else if (rc == ERR_CONFLICT || rc == ERR_INVALID) {
			manage_page(r, rc == ERR_CONFLICT ? 409 : 422, &ctx, &b, &p, NULL,
				    rc == ERR_CONFLICT ? "cita_err_slot_full" : "cita_err_time");
		} else {
			log_warn("booking pages: reschedule failed: %s", err_name(rc));
			unavailable(r);
		}
		return;
	}
	if (*day) {
		st.day = day;
		if (tz_date_parse(day, &st.dayn) || st.dayn < st.today || st.dayn > st.today + AHEAD_DAYS) {
			problem(r, &CITIZEN, 400, "cita_problem_title", tr(r, "cita_err_day"),
				*p.token ? arena_printf(r->arena, "/cita/%s/canvia?token=%s", b.code, p.token) : "/cita/gestiona",
				"cita_choose_day");
			return;
		}
		st.has_day = true;
		resched_times(r, &st, 200, &b, &p, NULL);
		return;
	}
	cal_links_t lk = {NULL, NULL};
	if (*p.token) {
		lk.day_href = arena_printf(r->arena, "/cita/%s/canvia?token=%s&day=", b.code, p.token);
		lk.month_href = arena_printf(r->arena, "/cita/%s/canvia?token=%s&month=", b.code, p.token);
	}
	json_t *m = json_object();
	const char *shown = "";
	int rc = month_model(&st, param(r, "month"), &lk, m, &shown);
	if (rc == ERR_INVALID) {
		json_decref(m);
		problem(r, &CITIZEN, 400, "cita_problem_title", tr(r, "cita_err_month"),
			*p.token ? arena_printf(r->arena, "/cita/%s/canvia?token=%s", b.code, p.token) : "/cita/gestiona",
			"cita_choose_day");
		return;
	}
	if (rc) {
		json_decref(m);
		unavailable(r);
		return;
	}
	if (*p.token)
		json_object_set_new(m, "langs", lang_links(r, arena_printf(r->arena, "/cita/%s/canvia?token=%s&month=%s", b.code,
									   p.token, shown)));
	resched_render(r, &st, 200, &b, &p, m);
}

/* ---------------------------------------------------------------- cancel */

static void cancel_post(http_req_t *r)
{
	booking_ctx_t ctx;
	if (!ctx_for(r, &CITIZEN, &ctx))
		return;
	const char *code = code_of(r);
	proof_t p = proof_of(r);
	if (by_id(&p) && limited(r, &CITIZEN, true))
		return;
	booking_t b;
	if (!load_appt(r, &ctx, code, &p, &b))
		return;
	if (!str_eq(param(r, "confirm"), "1")) {
		if (!str_eq(b.status, "booked") && !str_eq(b.status, "checked_in")) {
			manage_page(r, 409, &ctx, &b, &p, NULL, "cita_err_not_cancellable");
			return;
		}
		json_t *a = appt_model(r, &ctx, &b, p.token);
		if (!a) {
			unavailable(r);
			return;
		}
		json_t *m = json_object();
		json_object_set_new(m, "a", a);
		json_object_set_new(m, "proof", proof_hidden(&p));
		json_object_set_new(m, "by_id", json_boolean(by_id(&p)));
		json_object_set_new(m, "csrf", json_string(http_csrf_token(r)));
		json_object_set_new(m, "action", json_string(arena_printf(r->arena, "/cita/%s/anulla", b.code)));
		if (*p.token)
			json_object_set_new(m, "keep_href", json_string(arena_printf(r->arena, "/cita/%s?token=%s", b.code, p.token)));
		http_reply_page(r, 200, "booking/cancel", m);
		return;
	}
	booking_err_t err = {0};
	int rc = booking_cancel(&ctx, b.code, *p.token ? p.token : NULL, *p.id_number ? p.id_number : NULL, &err);
	if (rc == 0) {
		if (*p.token) {
			http_reply_redirect(r, arena_printf(r->arena, "/cita/%s?token=%s&done=cancelled", b.code, p.token));
			return;
		}
		booking_t fresh;
		if (booking_get(&ctx, b.code, NULL, p.id_number, &fresh)) {
			unavailable(r);
			return;
		}
		manage_page(r, 200, &ctx, &fresh, &p, "cita_done_cancelled", NULL);
		return;
	}
	if (rc == ERR_NOT_FOUND) {
		not_found_appt(r, &CITIZEN);
		return;
	}
	if (rc == ERR_CONFLICT || rc == ERR_INVALID || err.code) {
		manage_page(r, 409, &ctx, &b, &p, NULL, "cita_err_not_cancellable");
		return;
	}
	log_warn("booking pages: cancel failed: %s", err_name(rc));
	unavailable(r);
}

/* ---------------------------------------------------------------- downloads */

static void download(http_req_t *r, bool pdf)
{
	booking_ctx_t ctx;
	if (!ctx_for(r, &CITIZEN, &ctx))
		return;
	const char *code = code_of(r);
	proof_t p = proof_of(r);
	if (by_id(&p) ? limited(r, &CITIZEN, true) : limited(r, &CITIZEN, false))
		return;
	booking_t b;
	if (!load_appt(r, &ctx, code, &p, &b))
		return;
	/* The model in the booking's language: the file is the citizen's, whatever page it came from. */
	json_t *model = booking_model(&ctx, &b, *p.token ? p.token : NULL, pdf ? r->lang : NULL);
	if (!model) {
		unavailable(r);
		return;
	}
	json_t *brand = json_object();
	auth_branding(r, brand);
	json_t *city = json_object_get(brand, "city_name");
	if (city)
		json_object_set(model, "city", city);
	json_decref(brand);
	char *disp;
	if (pdf) {
		unsigned char *out = NULL;
		size_t len = 0;
		int rc = pdf_receipt(model, r->lang, &out, &len);
		json_decref(model);
		if (rc) {
			log_warn("booking pages: receipt failed: %s", err_name(rc));
			unavailable(r);
			return;
		}
		disp = arena_printf(r->arena, "attachment; filename=\"cita-%s.pdf\"", b.code);
		http_add_header(r, "Content-Disposition", disp);
		http_add_header(r, "Cache-Control", "no-store");
		http_reply_bytes(r, 200, "application/pdf", out, len);
		free(out);
		return;
	}
	size_t len = 0;
	char *ics = notify_ics(model, &len);
	json_decref(model);
	if (!ics) {
		unavailable(r);
		return;
	}
	disp = arena_printf(r->arena, "attachment; filename=\"cita-%s.ics\"", b.code);
	http_add_header(r, "Content-Disposition", disp);
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_bytes(r, 200, "text/calendar; charset=utf-8", ics, len);
	free(ics);
}

static void ics_get(http_req_t *r)
{
	download(r, false);
}

static void pdf_get(http_req_t *r)
{
	download(r, true);
}

/* ---------------------------------------------------------------- staff: the summary */

static void staff_summary(http_req_t *r)
{
	booking_ctx_t ctx;
	if (!ctx_for(r, &STAFF, &ctx))
		return;
	const char *code = code_of(r);
	booking_t b;
	int rc = booking_get(&ctx, code, NULL, NULL, &b);
	if (rc == ERR_NOT_FOUND || rc == ERR_INVALID) {
		problem(r, &STAFF, 404, "cita_nf_title", tr(r, "cita_err_not_found_staff"), "/staff/cita", "cita_book_another");
		return;
	}
	if (rc) {
		unavailable(r);
		return;
	}
	/* The manage link is shown only with the token the booking just made: check it as a citizen
	 * would, so a made-up token never prints a link that does not work. */
	const char *token = param(r, "token");
	if (*token) {
		booking_ctx_t cit = ctx;
		booking_t chk;
		cit.staff = false;
		cit.user_id = 0;
		cit.user_email = NULL;
		if (booking_get(&cit, code, token, NULL, &chk))
			token = "";
	}
	json_t *a = appt_model(r, &ctx, &b, token);
	if (!a) {
		unavailable(r);
		return;
	}
	auth_audit(r, "booking.view", arena_printf(r->arena, "appointment:%s", b.code), "");
	json_t *m = json_object();
	json_object_set_new(m, "a", a);
	json_object_set_new(m, "booked_by_citizen", json_boolean(str_eq(b.booked_by, "citizen")));
	json_object_set_new(m, "fresh", json_boolean(*token != '\0'));
	http_reply_page(r, 200, "booking/staff_summary", m);
}

/* ---------------------------------------------------------------- routes */

static void cit_service(http_req_t *r)
{
	step_service(r, &CITIZEN);
}
static void cit_channel(http_req_t *r)
{
	step_channel(r, &CITIZEN);
}
static void cit_office(http_req_t *r)
{
	step_office(r, &CITIZEN);
}
static void cit_day(http_req_t *r)
{
	step_day(r, &CITIZEN);
}
static void cit_time(http_req_t *r)
{
	step_time(r, &CITIZEN);
}
static void cit_details(http_req_t *r)
{
	step_details(r, &CITIZEN);
}
static void staff_service(http_req_t *r)
{
	step_service(r, &STAFF);
}
static void staff_channel(http_req_t *r)
{
	step_channel(r, &STAFF);
}
static void staff_office(http_req_t *r)
{
	step_office(r, &STAFF);
}
static void staff_day(http_req_t *r)
{
	step_day(r, &STAFF);
}
static void staff_time(http_req_t *r)
{
	step_time(r, &STAFF);
}
static void staff_details(http_req_t *r)
{
	step_details(r, &STAFF);
}

const http_route_t bk_page_routes[] = {
		{HTTP_GET | HTTP_HEAD, "/cita", cit_service, 0, 0},
		{HTTP_GET | HTTP_HEAD, "/cita/canal", cit_channel, 0, 0},
		{HTTP_GET | HTTP_HEAD, "/cita/oficina", cit_office, 0, 0},
		{HTTP_GET | HTTP_HEAD, "/cita/dia", cit_day, 0, 0},
		{HTTP_GET | HTTP_HEAD | HTTP_POST, "/cita/hora", cit_time, RT_FORM, 0},
		{HTTP_GET | HTTP_HEAD | HTTP_POST, "/cita/dades", cit_details, RT_FORM, 0},
		{HTTP_GET | HTTP_HEAD | HTTP_POST, "/cita/gestiona", lookup, RT_FORM, 0},
		{HTTP_GET | HTTP_HEAD, "/cita/{code}", manage_get, 0, 0},
		{HTTP_GET | HTTP_HEAD, "/cita/{code}/confirmacio", confirm_get, 0, 0},
		{HTTP_GET | HTTP_HEAD | HTTP_POST, "/cita/{code}/canvia", resched, RT_FORM, 0},
		{HTTP_POST, "/cita/{code}/anulla", cancel_post, RT_FORM, 0},
		{HTTP_GET | HTTP_HEAD | HTTP_POST, "/cita/{code}/calendar.ics", ics_get, RT_FORM, 0},
		{HTTP_GET | HTTP_HEAD | HTTP_POST, "/cita/{code}/receipt.pdf", pdf_get, RT_FORM, 0},
		{HTTP_GET | HTTP_HEAD, "/staff/cita", staff_service, 0, ROLE_PEOPLE},
		{HTTP_GET | HTTP_HEAD, "/staff/cita/canal", staff_channel, 0, ROLE_PEOPLE},
		{HTTP_GET | HTTP_HEAD, "/staff/cita/oficina", staff_office, 0, ROLE_PEOPLE},
		{HTTP_GET | HTTP_HEAD, "/staff/cita/dia", staff_day, 0, ROLE_PEOPLE},
		{HTTP_GET | HTTP_HEAD | HTTP_POST, "/staff/cita/hora", staff_time, RT_FORM, ROLE_PEOPLE},
		{HTTP_GET | HTTP_HEAD | HTTP_POST, "/staff/cita/dades", staff_details, RT_FORM, ROLE_PEOPLE},
		{HTTP_GET | HTTP_HEAD, "/staff/cita/{code}", staff_summary, 0, ROLE_PEOPLE},
		{0},
};
