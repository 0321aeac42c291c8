/* pages.c — the schedule's pages for administrators and coordinators: per office the opening
 * hours, closures, availability rules and a week of slots; public holidays (list and CSV import);
 * staff shifts and skills.
 *
 * Every change runs in one transaction with the recompute of the slots it affects
 * (schedule_materialise, SCHEDULE_STRICT). If the recompute would strand booked slots, the
 * transaction is rolled back and the page answers 409 with the list of those slots and a form
 * that posts the same fields again with confirm=1; then the change is applied with
 * SCHEDULE_CONFIRMED. A valid change is audited and answered 303 to the page that shows it
 * (?saved=WHAT for the notice); an invalid one 422 with the page, the values as typed, an error
 * summary linking to each field and the message next to the field. */
#include "schedule/web.h"

#include "app.h"
#include "auth/auth.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/str.h"
#include "base/tz.h"
#include "catalog/catalog.h"
#include "http/form.h"
#include "http/kit.h"
#include "schedule/store.h"
#include "view/i18n.h"

#include <stdlib.h>
#include <string.h>

const char *const sched_channels[SCHED_NCHANNELS] = {"in_person", "phone", "video", "ict_agent"};

/* ---------------------------------------------------------------- small helpers */

const char *sched_qstr(http_req_t *r, const char *name)
{
	const char *v = http_query(r, name);
	return v ? v : "";
}

const char *sched_hhmm(http_req_t *r, int minutes)
{
	char *s = arena_alloc(r->arena, TZ_HHMM_LEN);
	tz_hhmm_format(minutes, s);
	return s;
}

const char *sched_date_str(http_req_t *r, int32_t day)
{
	char *s = arena_alloc(r->arena, TZ_DATE_LEN);
	tz_date_format(day, s);
	return s;
}

const char *sched_weekday_name(http_req_t *r, int wd)
{
	return http_tf(r, "%s%s", "sch_wd_", arena_printf(r->arena, "%d", wd));
}

/* "dilluns 30/03/2026"-style label: the weekday's name in the staff member's language and the
 * day as people write it (forms and links keep the ISO date). */
const char *sched_day_label(http_req_t *r, int32_t day)
{
	int y, m, d;
	tz_civil_from_days(day, &y, &m, &d);
	return arena_printf(r->arena, "%s %02d/%02d/%04d", sched_weekday_name(r, tz_weekday(day)), d, m, y);
}

const char *sched_date_label(http_req_t *r, const char *date)
{
	int32_t d;
	return tz_date_parse(date, &d) ? date : sched_day_label(r, d);
}

const char *sched_channel_label(http_req_t *r, const char *ch)
{
	return http_tf(r, "%s%s", "sch_ch_", ch);
}

/* A local URL made of plain characters only (it goes into a Location header). */
bool sched_safe_url(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr("/?=&_.-", *p)))
			return false;
	return true;
}

/* The office of the {code} path parameter; replies 404/503 itself when it returns false. */
bool sched_load_office(http_req_t *r, catalog_office_t *o)
{
	int rc = catalog_office_by_code(r->db, r->arena, http_param(r, "code"), o);
	if (rc)
		http_reply_failed(r, rc);
	return rc == 0;
}

const tz_t *sched_zone_of(const catalog_office_t *o)
{
	const tz_t *z = tz_get(o->tz);
	return z ? z : tz_utc();
}

int32_t sched_today_at(const catalog_office_t *o)
{
	tz_local_t l;
	tz_local(sched_zone_of(o), sched_now(), &l);
	return l.day;
}

json_t *sched_office_json(http_req_t *r, const catalog_office_t *o)
{
	return jpack("{s:s,s:s,s:s}", "code", o->code, "name", catalog_office_name(o, r->lang), "tz", o->tz);
}

/* ---------------------------------------------------------------- forms */

static const char *msg_range(http_req_t *r, int min, int max)
{
	const char *s = http_subst(r, http_t(r, "sch_err_number"), "min", arena_printf(r->arena, "%d", min));
	return http_subst(r, s, "max", arena_printf(r->arena, "%d", max));
}

/* A required whole number in [min, max]; errors go on the field. */
int sched_f_int(form_t *m, const char *field, const char *label, int min, int max, int *out)
{
	const char *v = form_str(m->r, field);
	form_val(m, field, v);
	int64_t x;
	if (str_to_i64(v, min, max, &x)) {
		form_err(m, field, label, msg_range(m->r, min, max));
		return ERR_INVALID;
	}
	*out = (int)x;
	return 0;
}

/* An optional whole number: -1 when empty. */
int sched_f_int_opt(form_t *m, const char *field, const char *label, int min, int max, int *out)
{
	const char *v = form_str(m->r, field);
	if (!*v) {
		form_val(m, field, "");
		*out = -1;
		return 0;
	}
	return sched_f_int(m, field, label, min, max, out);
}

int sched_f_date(form_t *m, const char *field, const char *label, bool required, int32_t *out, const char **text)
{
	const char *v = form_str(m->r, field);
	form_val(m, field, v);
	*text = v;
	if (!*v && !required) {
		*out = INT32_MAX;
		return 0;
	}
	if (tz_date_parse(v, out)) {
		form_err(m, field, label, http_t(m->r, "sch_err_date"));
		return ERR_INVALID;
	}
	return 0;
}

/* A time of day "HH:MM"; empty gives -1 when not required. */
int sched_f_time(form_t *m, const char *field, const char *label, bool required, int *out)
{
	const char *v = form_str(m->r, field);
	form_val(m, field, v);
	if (!*v && !required) {
		*out = -1;
		return 0;
	}
	if (tz_hhmm_parse(v, out)) {
		form_err(m, field, label, http_t(m->r, "sch_err_time"));
		return ERR_INVALID;
	}
	return 0;
}

json_t *sched_channel_options(http_req_t *r, const char *selected)
{
	json_t *a = json_array();
	for (size_t i = 0; i < SCHED_NCHANNELS; i++)
		json_array_append_new(a, jpack("{s:s,s:s,s:b}", "value", sched_channels[i], "label",
					       sched_channel_label(r, sched_channels[i]), "on",
					       str_eq(selected, sched_channels[i])));
	return a;
}

/* ---------------------------------------------------------------- notices */

void sched_notice_into(http_req_t *r, json_t *model)
{
	static const char *const saved[] = {"hours",         "hours_deleted", "closure",  "closure_deleted",
					    "rule",          "rule_on",       "rule_off", "shift",
					    "shift_deleted", "skills",        "holidays", "holiday_deleted"};
	const char *what = http_query(r, "saved");
	for (size_t i = 0; what && i < sizeof saved / sizeof saved[0]; i++)
		if (str_eq(what, saved[i])) {
			const char *msg = http_tf(r, "%s%s", "sch_saved_", what);
			int64_t kept = 0;
			const char *k = http_query(r, "kept");
			if (k && str_to_i64(k, 1, 1000000, &kept) == 0)
				msg = arena_printf(r->arena, "%s %s", msg, http_tn(r, "sch_kept", (long)kept, NULL));
			json_object_set_new(model, "notice", json_string(msg));
		}
}

void sched_form_page(http_req_t *r, int status, const char *tpl, form_t *fm, json_t *model)
{
	form_into(fm, model);
	sched_notice_into(r, model);
	http_reply_page(r, status, tpl, model);
}

void sched_redirect_saved(http_req_t *r, const char *url, const char *what, const schedule_report_t *rep)
{
	size_t kept = rep ? rep->nstrands : 0;
	const char *sep = strchr(url, '?') ? "&" : "?";
	if (kept)
		http_reply_redirect(r, arena_printf(r->arena, "%s%ssaved=%s&kept=%zu", url, sep, what, kept));
	else
		http_reply_redirect(r, arena_printf(r->arena, "%s%ssaved=%s", url, sep, what));
}

/* ---------------------------------------------------------------- change + recompute */

/* The strand report: the booked slots a change would remove or shrink, and a form that posts
 * the same fields to the same place with confirm=1. */
static void confirm_page(http_req_t *r, const schedule_report_t *rep, const char *cancel_url)
{
	json_t *rows = json_array();
	for (size_t i = 0; i < rep->nstrands; i++) {
		const schedule_strand_t *s = &rep->strands[i];
		int32_t day = 0;
		tz_date_parse(s->day, &day);
		const char *change =
			s->removed
				? http_t(r, "sch_strand_removed")
				: http_subst(r, http_t(r, "sch_strand_shrunk"), "seats",
					     arena_printf(r->arena, "%d + %d", s->new_capacity, s->new_staff_capacity));
		json_array_append_new(rows,
				      jpack("{s:s,s:s,s:s,s:i,s:i,s:s}", "date", sched_day_label(r, day), "time",
					    sched_hhmm(r, s->start_min), "channel", sched_channel_label(r, s->channel),
					    "booked", s->booked, "staff_booked", s->staff_booked, "change", change));
	}
	json_t *fields = json_array();
	for (size_t i = 0; i < r->form.n; i++) {
		const char *k = r->form.items[i].key;
		if (str_eq(k, "_csrf") || str_eq(k, "confirm"))
			continue;
		json_array_append_new(fields, jpack("{s:s,s:s}", "name", k, "value", r->form.items[i].val));
	}
	/* An uploaded file cannot be posted again from a page: carry its text instead. */
	for (const multipart_file_t *f = r->files; f; f = f->next)
		if (str_eq(f->field, "file") && str_valid_utf8((const char *)f->data, f->size))
			json_array_append_new(fields, jpack("{s:s,s:s%}", "name", "csv", "value", (const char *)f->data,
							    f->size));
	json_t *m = jpack("{s:o,s:o,s:s,s:s,s:i}", "strands", rows, "fields", fields, "action", r->path, "cancel",
			  cancel_url, "count", (int)rep->nstrands);
	http_reply_page(r, 409, "schedule/confirm", m);
}

/* The change and the recompute, one transaction for http_tx. */
typedef struct {
	sched_change_fn fn;
	void *ctx;
	int64_t office_id, rule_id;
	schedule_report_t *rep;
	int fn_rc;     /* fn's own failure, for the caller */
	bool stranded; /* the recompute would strand booked slots */
} apply_t;

static int apply_tx(http_req_t *r, void *ud)
{
	apply_t *x = ud;
	int rc = x->fn(r, r->db, x->ctx);
	if (rc) {
		x->fn_rc = rc;
		return rc;
	}
	bool confirmed = str_eq(http_form(r, "confirm"), "1");
	rc = schedule_materialise(r->db, r->arena, x->office_id, x->rule_id, sched_now(),
				  confirmed ? SCHEDULE_CONFIRMED : SCHEDULE_STRICT, x->rep);
	x->stranded = rc == ERR_CONFLICT;
	return rc;
}

int sched_apply(http_req_t *r, int64_t office_id, int64_t rule_id, sched_change_fn fn, void *ctx,
		const char *cancel_url, schedule_report_t *rep)
{
	apply_t x = {fn, ctx, office_id, rule_id, rep, 0, false};
	int rc = http_tx(r, apply_tx, &x, NULL, NULL, NULL);
	if (rc == 0 || rc == HTTP_TX_ANSWERED)
		return rc;
	if (x.stranded) {
		confirm_page(r, rep, cancel_url);
		return 1;
	}
	if (rc == x.fn_rc)
		return rc;
	http_reply_unavailable(r);
	return 1;
}

void sched_apply_saved(http_req_t *r, int64_t office_id, int64_t rule_id, sched_change_fn fn, void *ctx,
		       const char *url, const char *what)
{
	schedule_report_t rep;
	int rc = sched_apply(r, office_id, rule_id, fn, ctx, url, &rep);
	if (rc > 0)
		return;
	if (rc)
		http_reply_failed(r, rc);
	else
		sched_redirect_saved(r, url, what, &rep);
}

/* ---------------------------------------------------------------- index */

json_t *sched_office_list(http_req_t *r, db_conn_t *c, const char *selected)
{
	catalog_office_t *o;
	size_t n;
	if (catalog_offices(c, r->arena, &o, &n))
		return NULL;
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, jpack("{s:s,s:s,s:s,s:b}", "code", o[i].code, "name",
					       catalog_office_name(&o[i], r->lang), "kind",
					       http_tf(r, "%s%s", "sch_kind_", o[i].kind), "on",
					       str_eq(selected, o[i].code)));
	return a;
}

static void index_get(http_req_t *r)
{
	json_t *offices = sched_office_list(r, r->db, NULL);
	if (!offices) {
		http_reply_unavailable(r);
		return;
	}
	http_reply_page(r, 200, "schedule/index", jpack("{s:o}", "offices", offices));
}

/* The schedule index. */
const http_route_t sched_page_routes[] = {
	{HTTP_GET, "/schedule", index_get, RT_DB, SCHED_ROLES},
	{0},
};
