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
#include "app.h"
#include "auth/auth.h"
#include "base/err.h"
#include "base/log.h"
#include "base/str.h"
#include "base/tz.h"
#include "catalog/catalog.h"
#include "http/form.h"
#include "http/router.h"
#include "schedule/internal.h"
#include "schedule/web.h"
#include "view/i18n.h"
#include "schedule/schedule.h"
#include "schedule/store.h"

#include <stdlib.h>
#include <string.h>

#define ROLES (ROLE_ADMIN | ROLE_COORDINATOR)
#define MAX_REASON 200
#define MAX_INTERVALS_FORM 2

static const char *const channels[] = {"in_person", "phone", "video", "ict_agent"};
#define NCHANNELS (sizeof channels / sizeof channels[0])

/* ---------------------------------------------------------------- small helpers */

static const char *fstr(http_req_t *r, const char *name)
{
	const char *v = http_form(r, name);
	return v ? str_trim(arena_strdup(r->arena, v)) : "";
}

static const char *qstr(http_req_t *r, const char *name)
{
	const char *v = http_query(r, name);
	return v ? v : "";
}

/* Replaces "{name}" in a translated message (arena). */
static const char *subst(http_req_t *r, const char *msg, const char *name, const char *value)
{
	char *key = arena_printf(r->arena, "{%s}", name);
	const char *at = strstr(msg, key);
	if (!at)
		return msg;
	return arena_printf(r->arena, "%.*s%s%s", (int)(at - msg), msg, value, at + strlen(key));
}

static const char *tkey(http_req_t *r, const char *prefix, const char *name)
{
	return http_t(r, arena_printf(r->arena, "%s%s", prefix, name));
}

static const char *hhmm(http_req_t *r, int minutes)
{
	char *s = arena_alloc(r->arena, TZ_HHMM_LEN);
	tz_hhmm_format(minutes, s);
	return s;
}

static const char *date_str(http_req_t *r, int32_t day)
{
	char *s = arena_alloc(r->arena, TZ_DATE_LEN);
	tz_date_format(day, s);
	return s;
}

static const char *weekday_name(http_req_t *r, int wd)
{
	return tkey(r, "sch_wd_", arena_printf(r->arena, "%d", wd));
}

/* "dilluns 30/03/2026"-style label: weekday name and the ISO date. */
static const char *day_label(http_req_t *r, int32_t day)
{
	return arena_printf(r->arena, "%s %s", weekday_name(r, tz_weekday(day)), date_str(r, day));
}

static const char *channel_label(http_req_t *r, const char *ch)
{
	return tkey(r, "sch_ch_", ch);
}

/* A local URL made of plain characters only (it goes into a Location header). */
static bool safe_url(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr("/?=&_.-", *p)))
			return false;
	return true;
}

static int64_t now_s(void)
{
	return sched_now();
}

static void unavailable(http_req_t *r)
{
	http_reply_error(r, 503, "unavailable", "err_unavailable", NULL);
}

static void not_found(http_req_t *r)
{
	http_reply_error(r, 404, "not_found", "err_not_found", NULL);
}

/* The office of the {code} path parameter; replies 404/503 itself when it returns false. */
static bool load_office(http_req_t *r, catalog_office_t *o)
{
	db_conn_t *c = http_db(r);
	if (!c) {
		unavailable(r);
		return false;
	}
	int rc = catalog_office_by_code(c, r->arena, http_param(r, "code"), o);
	if (rc == ERR_NOT_FOUND) {
		not_found(r);
		return false;
	}
	if (rc) {
		unavailable(r);
		return false;
	}
	return true;
}

static const tz_t *zone_of(const catalog_office_t *o)
{
	const tz_t *z = tz_get(o->tz);
	return z ? z : tz_utc();
}

static int32_t today_at(const catalog_office_t *o)
{
	tz_local_t l;
	tz_local(zone_of(o), now_s(), &l);
	return l.day;
}

static json_t *office_json(http_req_t *r, const catalog_office_t *o)
{
	return json_pack("{s:s,s:s,s:s}", "code", o->code, "name", catalog_office_name(o, r->lang), "tz", o->tz);
}

/* ---------------------------------------------------------------- forms */

static const char *msg_range(http_req_t *r, int min, int max)
{
	const char *s = subst(r, http_t(r, "sch_err_number"), "min", arena_printf(r->arena, "%d", min));
	return subst(r, s, "max", arena_printf(r->arena, "%d", max));
}

/* A required whole number in [min, max]; errors go on the field. */
static int f_int(form_t *m, const char *field, const char *label, int min, int max, int *out)
{
	const char *v = fstr(m->r, field);
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
static int f_int_opt(form_t *m, const char *field, const char *label, int min, int max, int *out)
{
	const char *v = fstr(m->r, field);
	if (!*v) {
		form_val(m, field, "");
		*out = -1;
		return 0;
	}
	return f_int(m, field, label, min, max, out);
}

static int f_date(form_t *m, const char *field, const char *label, bool required, int32_t *out, const char **text)
{
	const char *v = fstr(m->r, field);
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
static int f_time(form_t *m, const char *field, const char *label, bool required, int *out)
{
	const char *v = fstr(m->r, field);
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

static json_t *channel_options(http_req_t *r, const char *selected)
{
	json_t *a = json_array();
	for (size_t i = 0; i < NCHANNELS; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", channels[i], "label", channel_label(r, channels[i]),
						   "on", str_eq(selected, channels[i])));
	return a;
}

/* ---------------------------------------------------------------- notices */

static void notice_into(http_req_t *r, json_t *model)
{
	static const char *const saved[] = {"hours", "hours_deleted", "closure", "closure_deleted", "rule",
					    "rule_on", "rule_off", "shift", "shift_deleted", "skills",
					    "holidays", "holiday_deleted"};
	const char *what = http_query(r, "saved");
	for (size_t i = 0; what && i < sizeof saved / sizeof saved[0]; i++)
		if (str_eq(what, saved[i])) {
			const char *msg = tkey(r, "sch_saved_", what);
			int64_t kept = 0;
			const char *k = http_query(r, "kept");
			if (k && str_to_i64(k, 1, 1000000, &kept) == 0)
				msg = arena_printf(r->arena, "%s %s", msg,
						   subst(r, http_t(r, "sch_kept"), "count", arena_printf(r->arena, "%lld", (long long)kept)));
			json_object_set_new(model, "notice", json_string(msg));
		}
}

static void redirect_saved(http_req_t *r, const char *url, const char *what, const schedule_report_t *rep)
{
	size_t kept = rep ? rep->nstrands : 0;
	const char *sep = strchr(url, '?') ? "&" : "?";
	if (kept)
		http_reply_redirect(r, arena_printf(r->arena, "%s%ssaved=%s&kept=%zu", url, sep, what, kept));
	else
		http_reply_redirect(r, arena_printf(r->arena, "%s%ssaved=%s", url, sep, what));
}

/* ---------------------------------------------------------------- change + recompute */

typedef int (*change_fn)(http_req_t *r, db_conn_t *c, void *ctx);

/* The strand report: the booked slots a change would remove or shrink, and a form that posts
 * the same fields to the same place with confirm=1. */
static void confirm_page(http_req_t *r, const schedule_report_t *rep, const char *cancel_url)
{
	json_t *rows = json_array();
	for (size_t i = 0; i < rep->nstrands; i++) {
		const schedule_strand_t *s = &rep->strands[i];
		int32_t day = 0;
		tz_date_parse(s->day, &day);
		const char *change = s->removed ? http_t(r, "sch_strand_removed")
						: subst(r, http_t(r, "sch_strand_shrunk"), "seats",
							arena_printf(r->arena, "%d + %d", s->new_capacity, s->new_staff_capacity));
		json_array_append_new(rows, json_pack("{s:s,s:s,s:s,s:i,s:i,s:s}", "date", day_label(r, day), "time",
						      hhmm(r, s->start_min), "channel", channel_label(r, s->channel),
						      "booked", s->booked, "staff_booked", s->staff_booked, "change", change));
	}
	json_t *fields = json_array();
	for (size_t i = 0; i < r->form.n; i++) {
		const char *k = r->form.items[i].key;
		if (str_eq(k, "_csrf") || str_eq(k, "confirm"))
			continue;
		json_array_append_new(fields, json_pack("{s:s,s:s}", "name", k, "value", r->form.items[i].val));
	}
	/* An uploaded file cannot be posted again from a page: carry its text instead. */
	for (const multipart_file_t *f = r->files; f; f = f->next)
		if (str_eq(f->field, "file") && str_valid_utf8((const char *)f->data, f->size))
			json_array_append_new(fields, json_pack("{s:s,s:s%}", "name", "csv", "value", (const char *)f->data,
								f->size));
	json_t *m = json_pack("{s:o,s:o,s:s,s:s,s:i}", "strands", rows, "fields", fields, "action", r->path, "cancel",
			      cancel_url, "count", (int)rep->nstrands);
	http_reply_page(r, 409, "schedule/confirm", m);
}

/* Runs fn and the recompute in one transaction. 0: committed (rep filled); 1: a reply was sent
 * (the strand report, or 503); < 0: fn's own error, rolled back, for the caller to show. */
static int apply(http_req_t *r, int64_t office_id, int64_t rule_id, change_fn fn, void *ctx, const char *cancel_url,
		 schedule_report_t *rep)
{
	db_conn_t *c = http_db(r);
	bool confirmed = str_eq(http_form(r, "confirm"), "1");
	if (!c || db_begin(c)) {
		unavailable(r);
		return 1;
	}
	int rc = fn(r, c, ctx);
	if (rc) {
		db_rollback(c);
		if (rc == ERR_DB || rc == ERR_BUSY || rc == ERR_UNAVAILABLE) {
			log_error("schedule: change failed: %s", db_errmsg(c));
			unavailable(r);
			return 1;
		}
		return rc;
	}
	rc = schedule_materialise(c, r->arena, office_id, rule_id, now_s(), confirmed ? SCHEDULE_CONFIRMED : SCHEDULE_STRICT,
				  rep);
	if (rc == ERR_CONFLICT) {
		db_rollback(c);
		confirm_page(r, rep, cancel_url);
		return 1;
	}
	if (!rc)
		rc = db_commit(c);
	if (rc) {
		log_error("schedule: recompute failed: %s %s", err_name(rc), db_errmsg(c));
		db_rollback(c);
		unavailable(r);
		return 1;
	}
	return 0;
}

/* ---------------------------------------------------------------- index */

static json_t *office_list(http_req_t *r, db_conn_t *c, const char *selected)
{
	catalog_office_t *o;
	size_t n;
	json_t *a = json_array();
	if (catalog_offices(c, r->arena, &o, &n) == 0)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:b}", "code", o[i].code, "name",
							   catalog_office_name(&o[i], r->lang), "kind",
							   tkey(r, "sch_kind_", o[i].kind), "on", str_eq(selected, o[i].code)));
	return a;
}

static void index_get(http_req_t *r)
{
	db_conn_t *c = http_db(r);
	if (!c) {
		unavailable(r);
		return;
	}
	http_reply_page(r, 200, "schedule/index", json_pack("{s:o}", "offices", office_list(r, c, NULL)));
}

/* ---------------------------------------------------------------- office overview */

static const char *intervals_text(http_req_t *r, const schedule_interval_t *iv, size_t n)
{
	if (n == 0)
		return http_t(r, "sch_closed");
	const char *s = "";
	for (size_t i = 0; i < n; i++)
		s = arena_printf(r->arena, "%s%s%s–%s", s, i ? ", " : "", hhmm(r, iv[i].open_min), hhmm(r, iv[i].close_min));
	return s;
}

static json_t *periods_json(http_req_t *r, const catalog_office_t *o, const sched_hours_t *h, size_t n)
{
	json_t *periods = json_array();
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && str_eq(h[j].valid_from, h[i].valid_from) && str_eq(h[j].valid_to, h[i].valid_to))
			j++;
		json_t *days = json_array();
		for (int wd = 1; wd <= 7; wd++) {
			schedule_interval_t iv[8];
			size_t k = 0;
			for (size_t x = i; x < j && k < 8; x++)
				if (h[x].weekday == wd)
					iv[k++] = (schedule_interval_t){h[x].open_min, h[x].close_min};
			json_array_append_new(days, json_pack("{s:s,s:s}", "name", weekday_name(r, wd), "text",
							      intervals_text(r, iv, k)));
		}
		const char *to = *h[i].valid_to ? h[i].valid_to : http_t(r, "sch_period_open_ended");
		json_array_append_new(
			periods,
			json_pack("{s:s,s:s,s:s,s:s,s:o}", "from", h[i].valid_from, "to", h[i].valid_to, "to_label", to,
				  "edit_url",
				  arena_printf(r->arena, "/schedule/offices/%s/hours?from=%s&to=%s", o->code, h[i].valid_from,
					       h[i].valid_to),
				  "days", days));
		i = j;
	}
	return periods;
}

static const char *procs_text(http_req_t *r, db_conn_t *c, const sched_rule_t *rule)
{
	if (rule->nprocs == 0)
		return http_t(r, "sch_procedures_all");
	const char *s = "";
	for (size_t i = 0; i < rule->nprocs; i++) {
		catalog_procedure_t p;
		if (catalog_procedure_by_id(c, r->arena, rule->procs[i], &p) == 0)
			s = arena_printf(r->arena, "%s%s%s", s, *s ? ", " : "", catalog_procedure_name(&p, r->lang));
	}
	return s;
}

static const char *weekdays_text(http_req_t *r, const char *list)
{
	unsigned mask = sched_weekday_mask(list);
	const char *s = "";
	for (int d = 1; d <= 7; d++)
		if (mask & (1u << d))
			s = arena_printf(r->arena, "%s%s%s", s, *s ? ", " : "", weekday_name(r, d));
	return s;
}

static json_t *rules_json(http_req_t *r, db_conn_t *c, const catalog_office_t *o, const sched_rule_t *rules, size_t n)
{
	json_t *a = json_array();
	int64_t now = now_s();
	for (size_t i = 0; i < n; i++) {
		const sched_rule_t *x = &rules[i];
		int64_t slots = 0, booked = 0;
		sched_store_slot_counts(c, x->id, now, &slots, &booked);
		const char *seats = x->capacity >= 0 ? arena_printf(r->arena, "%d", x->capacity) : http_t(r, "sch_capacity_shifts");
		const char *release = x->release_days >= 0
					      ? subst(r, subst(r, http_t(r, "sch_release_text"), "days",
							       arena_printf(r->arena, "%d", x->release_days)),
						      "time", hhmm(r, x->release_min))
					      : http_t(r, "sch_release_none");
		const char *validity = *x->valid_to ? arena_printf(r->arena, "%s – %s", x->valid_from, x->valid_to)
						    : arena_printf(r->arena, "%s –", x->valid_from);
		json_t *j = json_pack("{s:I,s:s,s:s,s:s,s:i,s:s,s:i,s:s,s:i,s:i,s:i,s:s,s:s,s:b,s:s,s:I,s:I,s:s,s:s}",
				      "id", (json_int_t)x->id, "channel", channel_label(r, x->channel), "days",
				      weekdays_text(r, x->weekdays), "validity", validity, "every", x->every_weeks, "time",
				      arena_printf(r->arena, "%s–%s", hhmm(r, x->start_min), hhmm(r, x->end_min)),
				      "slot_min", x->slot_min, "seats", seats, "share", x->staff_share, "horizon",
				      x->horizon_days, "notice", x->min_notice_min, "release", release, "procedures",
				      procs_text(r, c, x), "active", x->active, "status",
				      http_t(r, x->active ? "status_active" : "status_disabled"), "slots", (json_int_t)slots,
				      "booked", (json_int_t)booked, "edit_url",
				      arena_printf(r->arena, "/schedule/offices/%s/rules/%lld", o->code, (long long)x->id),
				      "slots_url",
				      arena_printf(r->arena, "/schedule/offices/%s/slots?channel=%s", o->code, x->channel));
		json_object_set_new(j, "every_n", json_boolean(x->every_weeks > 1));
		json_array_append_new(a, j);
	}
	return a;
}

static void office_page(http_req_t *r, const catalog_office_t *o, int status, form_t *closure_form)
{
	db_conn_t *c = http_db(r);
	sched_hours_t *hours;
	sched_closure_t *cl;
	sched_rule_t *rules;
	size_t nh, ncl, nr;
	int32_t today = today_at(o);
	if (!c || sched_store_hours(c, r->arena, o->id, &hours, &nh) ||
	    sched_store_closures(c, r->arena, o->id, date_str(r, today), "9999-12-31", &cl, &ncl) ||
	    sched_store_rules(c, r->arena, o->id, &rules, &nr)) {
		if (closure_form)
			form_free(closure_form);
		unavailable(r);
		return;
	}
	json_t *closures = json_array();
	for (size_t i = 0; i < ncl; i++) {
		int32_t d = 0;
		tz_date_parse(cl[i].day, &d);
		json_array_append_new(closures, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)cl[i].id, "date", day_label(r, d),
							  "reason", cl[i].reason));
	}
	json_t *m = json_pack("{s:o,s:o,s:b,s:o,s:b,s:o,s:s}", "office", office_json(r, o), "periods",
			      periods_json(r, o, hours, nh), "has_periods", nh > 0, "closures", closures, "has_closures",
			      ncl > 0, "rules",
			      rules_json(r, c, o, rules, nr), "title",
			      subst(r, http_t(r, "sch_office_title"), "name", catalog_office_name(o, r->lang)));
	if (closure_form) {
		form_into(closure_form, m);
	} else {
		form_t f = form_new(r, "cl");
		form_val(&f, "day", "");
		form_val(&f, "reason", "");
		form_into(&f, m);
	}
	notice_into(r, m);
	http_reply_page(r, status, "schedule/office", m);
}

static void office_get(http_req_t *r)
{
	catalog_office_t o;
	if (load_office(r, &o))
		office_page(r, &o, 200, NULL);
}

/* ---------------------------------------------------------------- opening hours */

typedef struct {
	const catalog_office_t *o;
	const char *old_from, *old_to; /* NULL: a new period */
	sched_hours_t rows[7 * MAX_INTERVALS_FORM];
	size_t n;
} hours_ctx_t;

static int hours_change(http_req_t *r, db_conn_t *c, void *ctx)
{
	hours_ctx_t *h = ctx;
	/* A period is its dates: saving one replaces any period with the same dates (a new one
	 * too), and an edited period leaves its old dates. */
	int rc = sched_store_hours_replace(c, h->o->id, h->rows[0].valid_from, h->rows[0].valid_to, NULL, 0);
	if (!rc && h->old_from)
		rc = sched_store_hours_replace(c, h->o->id, h->old_from, h->old_to, NULL, 0);
	if (!rc)
		rc = sched_store_hours_replace(c, h->o->id, NULL, NULL, h->rows, h->n);
	return rc;
}

static void hours_page(http_req_t *r, const catalog_office_t *o, int status, form_t *fm, bool editing)
{
	json_t *days = json_array();
	for (int wd = 1; wd <= 7; wd++) {
		json_t *fields = json_array();
		static const char *const parts[] = {"open", "close"};
		for (int k = 1; k <= MAX_INTERVALS_FORM; k++)
			for (int p = 0; p < 2; p++) {
				const char *name = arena_printf(r->arena, "%s%d_%d", parts[p], k, wd);
				json_t *f = form_field(fm, name);
				const char *label = http_t(r, arena_printf(r->arena, "sch_%s%s", parts[p], k == 1 ? "" : "2"));
				json_t *j = json_pack("{s:s,s:s,s:s,s:O}", "name", name, "id", arena_printf(r->arena, "h-%s", name),
						      "label", label, "f", f);
				json_array_append_new(fields, j);
			}
		json_array_append_new(days, json_pack("{s:i,s:s,s:o}", "wd", wd, "name", weekday_name(r, wd), "fields", fields));
	}
	json_t *m = json_pack("{s:o,s:o,s:b,s:s}", "office", office_json(r, o), "days", days, "editing", editing, "action",
			      arena_printf(r->arena, "/schedule/offices/%s/hours", o->code));
	form_into(fm, m);
	http_reply_page(r, status, "schedule/hours", m);
}

static void hours_get(http_req_t *r)
{
	catalog_office_t o;
	if (!load_office(r, &o))
		return;
	form_t fm = form_new(r, "h");
	const char *from = qstr(r, "from"), *to = qstr(r, "to");
	bool editing = false;
	if (*from) {
		sched_hours_t *h;
		size_t n;
		if (sched_store_hours(http_db(r), r->arena, o.id, &h, &n)) {
			form_free(&fm);
			unavailable(r);
			return;
		}
		int used[8] = {0};
		for (size_t i = 0; i < n; i++) {
			if (!str_eq(h[i].valid_from, from) || !str_eq(h[i].valid_to, to) || h[i].weekday < 1 || h[i].weekday > 7 ||
			    used[h[i].weekday] >= MAX_INTERVALS_FORM)
				continue;
			int k = ++used[h[i].weekday];
			form_val(&fm, arena_printf(r->arena, "open%d_%d", k, h[i].weekday), hhmm(r, h[i].open_min));
			form_val(&fm, arena_printf(r->arena, "close%d_%d", k, h[i].weekday), hhmm(r, h[i].close_min));
			editing = true;
		}
		if (!editing) {
			form_free(&fm);
			not_found(r);
			return;
		}
		form_val(&fm, "valid_from", from);
		form_val(&fm, "valid_to", to);
		form_val(&fm, "orig_from", from);
		form_val(&fm, "orig_to", to);
	} else {
		form_val(&fm, "valid_from", date_str(r, today_at(&o)));
	}
	hours_page(r, &o, 200, &fm, editing);
}

static void hours_post(http_req_t *r)
{
	catalog_office_t o;
	if (!load_office(r, &o))
		return;
	form_t fm = form_new(r, "h");
	hours_ctx_t h = {.o = &o};
	int32_t from, to;
	const char *sfrom, *sto;
	f_date(&fm, "valid_from", "sch_period_from", true, &from, &sfrom);
	if (f_date(&fm, "valid_to", "sch_period_to", false, &to, &sto) == 0 && *sto && *sfrom && to < from)
		form_err(&fm, "valid_to", "sch_period_to", http_t(r, "sch_err_date_order"));
	const char *orig_from = fstr(r, "orig_from"), *orig_to = fstr(r, "orig_to");
	form_val(&fm, "orig_from", orig_from);
	form_val(&fm, "orig_to", orig_to);
	for (int wd = 1; wd <= 7; wd++) {
		int prev_close = -1;
		for (int k = 1; k <= MAX_INTERVALS_FORM; k++) {
			const char *on = arena_printf(r->arena, "open%d_%d", k, wd), *cn = arena_printf(r->arena, "close%d_%d", k, wd);
			const char *ol = k == 1 ? "sch_opens" : "sch_opens2", *cl = k == 1 ? "sch_closes" : "sch_closes2";
			int a, b;
			int ra = f_time(&fm, on, ol, false, &a), rb = f_time(&fm, cn, cl, false, &b);
			if (ra || rb || (a < 0 && b < 0))
				continue;
			if (a < 0 || b < 0) {
				form_err(&fm, a < 0 ? on : cn, a < 0 ? ol : cl, http_t(r, "sch_err_time_pair"));
				continue;
			}
			if (b <= a) {
				form_err(&fm, cn, cl, http_t(r, "sch_err_time_order"));
				continue;
			}
			if (prev_close >= 0 && a < prev_close) {
				form_err(&fm, on, ol, http_t(r, "sch_err_overlap"));
				continue;
			}
			prev_close = b;
			h.rows[h.n++] = (sched_hours_t){0, o.id, wd, a, b, sfrom, *sto ? sto : ""};
		}
	}
	if (!form_bad(&fm) && h.n == 0)
		form_err(&fm, "open1_1", "sch_opens", http_t(r, "sch_err_hours_empty"));
	if (form_bad(&fm)) {
		hours_page(r, &o, 422, &fm, *orig_from != '\0');
		return;
	}
	if (*orig_from) {
		h.old_from = orig_from;
		h.old_to = orig_to;
	}
	schedule_report_t rep;
	int rc = apply(r, o.id, 0, hours_change, &h, arena_printf(r->arena, "/schedule/offices/%s", o.code), &rep);
	if (rc > 0) {
		form_free(&fm);
		return;
	}
	if (rc == ERR_CONFLICT) {
		form_err(&fm, "valid_from", "sch_period_from", http_t(r, "sch_err_conflict"));
		hours_page(r, &o, 409, &fm, *orig_from != '\0');
		return;
	}
	form_free(&fm);
	auth_audit(r, "schedule.hours.save", arena_printf(r->arena, "office:%s", o.code),
		   arena_printf(r->arena, "period %s..%s, %zu interval(s)", sfrom, *sto ? sto : "", h.n));
	redirect_saved(r, arena_printf(r->arena, "/schedule/offices/%s", o.code), "hours", &rep);
}

typedef struct {
	const catalog_office_t *o;
	const char *from, *to;
	int64_t id;
	const char *day, *reason;
} office_ctx_t;

static int hours_delete_change(http_req_t *r, db_conn_t *c, void *ctx)
{
	office_ctx_t *x = ctx;
	return sched_store_hours_delete(c, x->o->id, x->from, x->to);
}

static void hours_delete_post(http_req_t *r)
{
	catalog_office_t o;
	if (!load_office(r, &o))
		return;
	office_ctx_t x = {.o = &o, .from = fstr(r, "from"), .to = fstr(r, "to")};
	schedule_report_t rep;
	int rc = apply(r, o.id, 0, hours_delete_change, &x, arena_printf(r->arena, "/schedule/offices/%s", o.code), &rep);
	if (rc > 0)
		return;
	if (rc) {
		not_found(r);
		return;
	}
	auth_audit(r, "schedule.hours.delete", arena_printf(r->arena, "office:%s", o.code),
		   arena_printf(r->arena, "period %s..%s", x.from, x.to));
	redirect_saved(r, arena_printf(r->arena, "/schedule/offices/%s", o.code), "hours_deleted", &rep);
}

/* ---------------------------------------------------------------- closures */

static int closure_add_change(http_req_t *r, db_conn_t *c, void *ctx)
{
	office_ctx_t *x = ctx;
	return sched_store_closure_add(c, x->o->id, x->day, x->reason, &x->id);
}

static int closure_delete_change(http_req_t *r, db_conn_t *c, void *ctx)
{
	office_ctx_t *x = ctx;
	return sched_store_closure_delete(c, x->o->id, x->id);
}

static void closures_post(http_req_t *r)
{
	catalog_office_t o;
	if (!load_office(r, &o))
		return;
	form_t fm = form_new(r, "cl");
	int32_t day;
	const char *sday;
	f_date(&fm, "day", "sch_date", true, &day, &sday);
	const char *reason = fstr(r, "reason");
	form_val(&fm, "reason", reason);
	if (strlen(reason) > MAX_REASON)
		form_err(&fm, "reason", "sch_reason", http_t(r, "sch_err_reason"));
	if (form_bad(&fm)) {
		office_page(r, &o, 422, &fm);
		return;
	}
	office_ctx_t x = {.o = &o, .day = sday, .reason = reason};
	schedule_report_t rep;
	int rc = apply(r, o.id, 0, closure_add_change, &x, arena_printf(r->arena, "/schedule/offices/%s", o.code), &rep);
	if (rc > 0) {
		form_free(&fm);
		return;
	}
	if (rc == ERR_CONFLICT) {
		form_err(&fm, "day", "sch_date", http_t(r, "sch_err_closure_exists"));
		office_page(r, &o, 409, &fm);
		return;
	}
	form_free(&fm);
	auth_audit(r, "schedule.closure.add", arena_printf(r->arena, "office:%s", o.code),
		   arena_printf(r->arena, "%s %s", sday, reason));
	redirect_saved(r, arena_printf(r->arena, "/schedule/offices/%s", o.code), "closure", &rep);
}

static void closure_delete_post(http_req_t *r)
{
	catalog_office_t o;
	if (!load_office(r, &o))
		return;
	int64_t id;
	if (str_to_i64(fstr(r, "id"), 1, INT64_MAX, &id)) {
		not_found(r);
		return;
	}
	office_ctx_t x = {.o = &o, .id = id};
	schedule_report_t rep;
	int rc = apply(r, o.id, 0, closure_delete_change, &x, arena_printf(r->arena, "/schedule/offices/%s", o.code), &rep);
	if (rc > 0)
		return;
	if (rc) {
		not_found(r);
		return;
	}
	auth_audit(r, "schedule.closure.delete", arena_printf(r->arena, "office:%s", o.code),
		   arena_printf(r->arena, "closure:%lld", (long long)id));
	redirect_saved(r, arena_printf(r->arena, "/schedule/offices/%s", o.code), "closure_deleted", &rep);
}

/* ---------------------------------------------------------------- availability rules */

static json_t *procedure_options(http_req_t *r, db_conn_t *c, const int64_t *sel, size_t nsel)
{
	catalog_procedure_t *p;
	size_t n;
	json_t *a = json_array();
	if (catalog_procedures(c, r->arena, &p, &n))
		return a;
	for (size_t i = 0; i < n; i++) {
		bool on = false;
		for (size_t k = 0; k < nsel; k++)
			on |= sel[k] == p[i].id;
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", p[i].code, "label",
						   catalog_procedure_name(&p[i], r->lang), "on", on));
	}
	return a;
}

static json_t *weekday_options(http_req_t *r, unsigned mask)
{
	json_t *a = json_array();
	for (int d = 1; d <= 7; d++)
		json_array_append_new(a, json_pack("{s:i,s:s,s:b}", "value", d, "label", weekday_name(r, d), "on",
						   (mask & (1u << d)) != 0));
	return a;
}

static void rule_page(http_req_t *r, const catalog_office_t *o, int status, form_t *fm, int64_t rule_id,
		      const char *channel, unsigned mask, const int64_t *procs, size_t nprocs, bool active)
{
	db_conn_t *c = http_db(r);
	json_t *m = json_pack("{s:o,s:o,s:o,s:o,s:b,s:s}", "office", office_json(r, o), "channels",
			      channel_options(r, channel), "weekdays", weekday_options(r, mask), "procedures",
			      procedure_options(r, c, procs, nprocs), "editing", rule_id > 0, "action",
			      rule_id ? arena_printf(r->arena, "/schedule/offices/%s/rules/%lld", o->code, (long long)rule_id)
				      : arena_printf(r->arena, "/schedule/offices/%s/rules", o->code));
	if (rule_id) {
		json_object_set_new(m, "rule_id", json_integer(rule_id));
		json_object_set_new(m, "active", json_boolean(active));
		json_object_set_new(m, "active_action",
				    json_string(arena_printf(r->arena, "/schedule/offices/%s/rules/%lld/active", o->code,
							     (long long)rule_id)));
	}
	form_into(fm, m);
	http_reply_page(r, status, "schedule/rule", m);
}

static void rule_values(http_req_t *r, form_t *fm, const sched_rule_t *x)
{
	form_val(fm, "every_weeks", arena_printf(r->arena, "%d", x->every_weeks));
	form_val(fm, "valid_from", x->valid_from);
	form_val(fm, "valid_to", x->valid_to);
	form_val(fm, "start", hhmm(r, x->start_min));
	form_val(fm, "end", hhmm(r, x->end_min));
	form_val(fm, "slot_min", arena_printf(r->arena, "%d", x->slot_min));
	form_val(fm, "capacity", x->capacity >= 0 ? arena_printf(r->arena, "%d", x->capacity) : "");
	form_val(fm, "staff_share", arena_printf(r->arena, "%d", x->staff_share));
	form_val(fm, "horizon_days", arena_printf(r->arena, "%d", x->horizon_days));
	form_val(fm, "min_notice_min", arena_printf(r->arena, "%d", x->min_notice_min));
	form_val(fm, "release_days", x->release_days >= 0 ? arena_printf(r->arena, "%d", x->release_days) : "");
	form_val(fm, "release_time", x->release_days >= 0 ? hhmm(r, x->release_min) : "");
}

static void rule_new_get(http_req_t *r)
{
	catalog_office_t o;
	if (!load_office(r, &o))
		return;
	const char *ch = str_eq(o.kind, "virtual_office")		? "phone"
			 : str_eq(o.kind, "neighbourhood_facility") ? "ict_agent"
								    : "in_person";
	sched_rule_t x = {.every_weeks = 1, .valid_from = date_str(r, today_at(&o)), .valid_to = "", .start_min = 540,
			  .end_min = 840, .slot_min = 15, .capacity = 1, .staff_share = 0, .horizon_days = 30,
			  .min_notice_min = 60, .release_days = -1, .release_min = -1};
	form_t fm = form_new(r, "r");
	rule_values(r, &fm, &x);
	rule_page(r, &o, 200, &fm, 0, ch, sched_weekday_mask("1,2,3,4,5"), NULL, 0, true);
}

/* The {id} rule of the {code} office; replies 404/503 itself when it returns false. */
static bool load_rule(http_req_t *r, const catalog_office_t *o, sched_rule_t *x)
{
	int64_t id;
	if (str_to_i64(http_param(r, "id"), 1, INT64_MAX, &id)) {
		not_found(r);
		return false;
	}
	int rc = sched_store_rule_get(http_db(r), r->arena, id, x);
	if (rc == ERR_NOT_FOUND || (rc == 0 && x->office_id != o->id)) {
		not_found(r);
		return false;
	}
	if (rc) {
		unavailable(r);
		return false;
	}
	return true;
}

static void rule_get(http_req_t *r)
{
	catalog_office_t o;
	sched_rule_t x;
	if (!load_office(r, &o) || !load_rule(r, &o, &x))
		return;
	form_t fm = form_new(r, "r");
	rule_values(r, &fm, &x);
	rule_page(r, &o, 200, &fm, x.id, x.channel, sched_weekday_mask(x.weekdays), x.procs, x.nprocs, x.active);
}

typedef struct {
	sched_rule_t rule;
	bool update;
} rule_ctx_t;

static int rule_change(http_req_t *r, db_conn_t *c, void *ctx)
{
	rule_ctx_t *x = ctx;
	if (x->update)
		return sched_store_rule_update(c, &x->rule, now_s());
	return sched_store_rule_insert(c, &x->rule, now_s(), &x->rule.id);
}

/* Reads and checks the rule form; errors go into fm. */
static void rule_read(http_req_t *r, db_conn_t *c, form_t *fm, sched_rule_t *x, unsigned *mask)
{
	const char *ch = fstr(r, "channel");
	x->channel = ch;
	if (!schedule_channel_valid(ch))
		form_err(fm, "channel", "sch_channel", http_t(r, "sch_err_channel"));
	*mask = 0;
	for (size_t i = 0; i < r->form.n; i++) {
		int64_t d;
		if (str_eq(r->form.items[i].key, "weekdays") && str_to_i64(r->form.items[i].val, 1, 7, &d) == 0)
			*mask |= 1u << d;
	}
	char *list = arena_alloc(r->arena, 16);
	sched_weekday_list(*mask, list);
	x->weekdays = list;
	if (!*mask)
		form_err(fm, "weekdays", "sch_weekdays", http_t(r, "sch_err_weekdays"));
	f_int(fm, "every_weeks", "sch_every_weeks", 1, 52, &x->every_weeks);
	int32_t from, to;
	const char *sfrom, *sto;
	f_date(fm, "valid_from", "sch_period_from", true, &from, &sfrom);
	x->valid_from = sfrom;
	if (f_date(fm, "valid_to", "sch_period_to", false, &to, &sto) == 0 && *sto && *sfrom && to < from)
		form_err(fm, "valid_to", "sch_period_to", http_t(r, "sch_err_date_order"));
	x->valid_to = sto;
	int rs = f_time(fm, "start", "sch_time_from", true, &x->start_min);
	int re = f_time(fm, "end", "sch_time_to", true, &x->end_min);
	if (!rs && !re && x->end_min <= x->start_min)
		form_err(fm, "end", "sch_time_to", http_t(r, "sch_err_time_order"));
	if (f_int(fm, "slot_min", "sch_slot_min", 5, 480, &x->slot_min) == 0 && !rs && !re &&
	    x->start_min + x->slot_min > x->end_min && x->end_min > x->start_min)
		form_err(fm, "slot_min", "sch_slot_min", http_t(r, "sch_err_slot_fit"));
	f_int_opt(fm, "capacity", "sch_capacity", 1, 500, &x->capacity);
	f_int(fm, "staff_share", "sch_staff_share", 0, 100, &x->staff_share);
	f_int(fm, "horizon_days", "sch_horizon", 1, 366, &x->horizon_days);
	f_int(fm, "min_notice_min", "sch_min_notice", 0, 43200, &x->min_notice_min);
	int rd = f_int_opt(fm, "release_days", "sch_release_days", 0, 366, &x->release_days);
	int rt = f_time(fm, "release_time", "sch_release_time", false, &x->release_min);
	if (!rd && !rt && (x->release_days < 0) != (x->release_min < 0))
		form_err(fm, x->release_days < 0 ? "release_days" : "release_time",
		       x->release_days < 0 ? "sch_release_days" : "sch_release_time", http_t(r, "sch_err_release_pair"));
	if (x->release_min >= 1440)
		form_err(fm, "release_time", "sch_release_time", http_t(r, "sch_err_time"));
	size_t np = kv_count(&r->form, "procedures");
	x->procs = arena_alloc(r->arena, (np + 1) * sizeof *x->procs);
	x->nprocs = 0;
	for (size_t i = 0; i < r->form.n; i++) {
		if (!str_eq(r->form.items[i].key, "procedures") || !*r->form.items[i].val)
			continue;
		catalog_procedure_t p;
		if (catalog_procedure_by_code(c, r->arena, r->form.items[i].val, &p)) {
			form_err(fm, "procedures", "sch_procedures", http_t(r, "sch_err_procedure"));
			continue;
		}
		bool dup = false;
		for (size_t k = 0; k < x->nprocs; k++)
			dup |= x->procs[k] == p.id;
		if (!dup)
			x->procs[x->nprocs++] = p.id;
	}
}

static void rule_save(http_req_t *r, bool update)
{
	catalog_office_t o;
	if (!load_office(r, &o))
		return;
	db_conn_t *c = http_db(r);
	rule_ctx_t x = {.update = update};
	bool active = true;
	if (update) {
		sched_rule_t old;
		if (!load_rule(r, &o, &old))
			return;
		x.rule.id = old.id;
		active = old.active;
	}
	form_t fm = form_new(r, "r");
	unsigned mask = 0;
	rule_read(r, c, &fm, &x.rule, &mask);
	x.rule.office_id = o.id;
	x.rule.active = active;
	if (form_bad(&fm)) {
		rule_page(r, &o, 422, &fm, x.rule.id, x.rule.channel, mask, x.rule.procs, x.rule.nprocs, active);
		return;
	}
	form_free(&fm);
	schedule_report_t rep;
	/* A new rule has no slots yet: recompute the whole office (its id is unknown until insert). */
	int rc = apply(r, o.id, update ? x.rule.id : 0, rule_change, &x,
		       arena_printf(r->arena, "/schedule/offices/%s", o.code), &rep);
	if (rc > 0)
		return;
	if (rc) {
		unavailable(r);
		return;
	}
	auth_audit(r, update ? "schedule.rule.update" : "schedule.rule.create",
		   arena_printf(r->arena, "rule:%lld", (long long)x.rule.id),
		   arena_printf(r->arena, "office %s %s %s %s-%s/%d seats %d share %d%%", o.code, x.rule.channel,
				x.rule.weekdays, hhmm(r, x.rule.start_min), hhmm(r, x.rule.end_min), x.rule.slot_min,
				x.rule.capacity, x.rule.staff_share));
	/* Show what the rule yields: its first week of slots. */
	int32_t first = today_at(&o);
	int32_t vf;
	if (tz_date_parse(x.rule.valid_from, &vf) == 0 && vf > first)
		first = vf;
	redirect_saved(r,
		       arena_printf(r->arena, "/schedule/offices/%s/slots?channel=%s&week=%s", o.code, x.rule.channel,
				    date_str(r, tz_week_start(first))),
		       "rule", &rep);
}

static void rules_post(http_req_t *r)
{
	rule_save(r, false);
}

static void rule_post(http_req_t *r)
{
	rule_save(r, true);
}

typedef struct {
	int64_t id;
	bool active;
} active_ctx_t;

static int rule_active_change(http_req_t *r, db_conn_t *c, void *ctx)
{
	active_ctx_t *x = ctx;
	return sched_store_rule_set_active(c, x->id, x->active, now_s());
}

static void rule_active_post(http_req_t *r)
{
	catalog_office_t o;
	sched_rule_t old;
	if (!load_office(r, &o) || !load_rule(r, &o, &old))
		return;
	active_ctx_t x = {old.id, str_eq(fstr(r, "active"), "1")};
	schedule_report_t rep;
	int rc = apply(r, o.id, old.id, rule_active_change, &x, arena_printf(r->arena, "/schedule/offices/%s", o.code), &rep);
	if (rc > 0)
		return;
	if (rc) {
		unavailable(r);
		return;
	}
	auth_audit(r, x.active ? "schedule.rule.activate" : "schedule.rule.deactivate",
		   arena_printf(r->arena, "rule:%lld", (long long)old.id), o.code);
	redirect_saved(r, arena_printf(r->arena, "/schedule/offices/%s", o.code), x.active ? "rule_on" : "rule_off", &rep);
}

/* ---------------------------------------------------------------- slots of a week */

static void slots_get(http_req_t *r)
{
	catalog_office_t o;
	if (!load_office(r, &o))
		return;
	db_conn_t *c = http_db(r);
	const tz_t *z = zone_of(&o);
	int32_t day = today_at(&o);
	const char *week = qstr(r, "week");
	if (*week && tz_date_parse(week, &day)) {
		http_reply_error(r, 400, "bad_date", "sch_err_date", NULL);
		return;
	}
	int32_t start = tz_week_start(day);
	const char *ch = qstr(r, "channel");
	if (*ch && !schedule_channel_valid(ch))
		ch = "";
	sched_slot_t *s;
	schedule_day_t *days;
	size_t n, nd;
	if (sched_store_slots_days(c, r->arena, o.id, ch, date_str(r, start), date_str(r, start + 6), &s, &n) ||
	    schedule_hours(c, r->arena, o.id, start, start + 6, &days, &nd)) {
		unavailable(r);
		return;
	}
	json_t *jdays = json_array();
	size_t k = 0;
	for (size_t d = 0; d < nd; d++) {
		json_t *rows = json_array();
		for (; k < n && strcmp(s[k].day, days[d].date) <= 0; k++) {
			if (strcmp(s[k].day, days[d].date) != 0)
				continue;
			tz_local_t ls, le, lr;
			tz_local(z, s[k].start_at, &ls);
			tz_local(z, s[k].end_at, &le);
			tz_local(z, s[k].release_at, &lr);
			json_array_append_new(
				rows,
				json_pack("{s:s,s:s,s:i,s:i,s:i,s:i,s:s,s:b}", "time",
					  arena_printf(r->arena, "%s–%s", hhmm(r, ls.minute), hhmm(r, le.day > ls.day ? 1440 : le.minute)),
					  "channel", channel_label(r, s[k].channel), "capacity", s[k].capacity, "staff_capacity",
					  s[k].staff_capacity, "booked", s[k].booked, "staff_booked", s[k].staff_booked,
					  "release", arena_printf(r->arena, "%s %s", date_str(r, lr.day), hhmm(r, lr.minute)),
					  "kept", !s[k].active));
		}
		const char *note = NULL;
		if (days[d].holiday_scope) {
			const char *name = i18n_pick(r->lang, (const char *const[]){days[d].holiday_ca,
										       days[d].holiday_es, days[d].holiday_en});
			note = subst(r, http_t(r, "sch_holiday_label"), "name", name);
		} else if (days[d].closed_reason) {
			note = *days[d].closed_reason ? subst(r, http_t(r, "sch_closure_label"), "reason", days[d].closed_reason)
						      : http_t(r, "sch_closure_plain");
		} else if (!days[d].open) {
			note = http_t(r, "sch_closed");
		}
		json_t *jd = json_pack("{s:s,s:s,s:o,s:b,s:i}", "label", day_label(r, days[d].day), "date", days[d].date,
				       "slots", rows, "has_slots", json_array_size(rows) > 0, "count", (int)json_array_size(rows));
		if (note)
			json_object_set_new(jd, "note", json_string(note));
		json_array_append_new(jdays, jd);
	}
	json_t *chs = channel_options(r, ch);
	json_t *m = json_pack("{s:o,s:o,s:o,s:s,s:s,s:s,s:s,s:s}", "office", office_json(r, &o), "days", jdays, "channels",
			      chs, "channel", ch, "week", date_str(r, start), "week_label",
			      subst(r, http_t(r, "sch_week"), "date", day_label(r, start)), "prev",
			      arena_printf(r->arena, "/schedule/offices/%s/slots?week=%s&channel=%s", o.code,
					   date_str(r, start - 7), ch),
			      "next",
			      arena_printf(r->arena, "/schedule/offices/%s/slots?week=%s&channel=%s", o.code,
					   date_str(r, start + 7), ch));
	json_object_set_new(m, "title", json_string(subst(r, http_t(r, "sch_slots_title"), "name", catalog_office_name(&o, r->lang))));
	notice_into(r, m);
	http_reply_page(r, 200, "schedule/slots", m);
}

/* ---------------------------------------------------------------- holidays */

static void holidays_page(http_req_t *r, int status, form_t *fm, int year)
{
	db_conn_t *c = http_db(r);
	if (year == 0) {
		tz_local_t l;
		tz_local(tz_get("Europe/Madrid") ? tz_get("Europe/Madrid") : tz_utc(), now_s(), &l);
		int y, mo, d;
		tz_civil_from_days(l.day, &y, &mo, &d);
		year = y;
	}
	sched_holiday_row_t *h;
	int *years;
	size_t n, ny;
	char from[16], to[16];
	snprintf(from, sizeof from, "%04d-01-01", year);
	snprintf(to, sizeof to, "%04d-12-31", year);
	if (!c || sched_store_holidays(c, r->arena, from, to, &h, &n) ||
	    sched_store_holiday_years(c, r->arena, &years, &ny)) {
		form_free(fm);
		unavailable(r);
		return;
	}
	json_t *rows = json_array();
	for (size_t i = 0; i < n; i++) {
		int32_t d = 0;
		tz_date_parse(h[i].h.day, &d);
		const char *name = i18n_pick(r->lang, (const char *const[]){h[i].h.name_ca, h[i].h.name_es, h[i].h.name_en});
		json_array_append_new(rows, json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)h[i].id, "date",
						      day_label(r, d), "name", name, "scope", tkey(r, "sch_scope_", h[i].h.scope),
						      "year", arena_printf(r->arena, "%d", year)));
	}
	json_t *ys = json_array();
	bool seen = false;
	for (size_t i = 0; i < ny; i++) {
		seen |= years[i] == year;
		json_array_append_new(ys, json_pack("{s:i,s:b}", "year", years[i], "on", years[i] == year));
	}
	if (!seen)
		json_array_append_new(ys, json_pack("{s:i,s:b}", "year", year, "on", true));
	json_t *m = json_pack("{s:o,s:o,s:i,s:b}", "holidays", rows, "years", ys, "year", year, "has_holidays", n > 0);
	form_into(fm, m);
	notice_into(r, m);
	const char *imported = http_query(r, "imported");
	int64_t count;
	if (imported && str_to_i64(imported, 0, 100000, &count) == 0)
		json_object_set_new(m, "notice", json_string(subst(r, http_t(r, "sch_imported"), "count", imported)));
	http_reply_page(r, status, "schedule/holidays", m);
}

static void holidays_get(http_req_t *r)
{
	int64_t year = 0;
	const char *y = http_query(r, "year");
	if (y && str_to_i64(y, 1, 9999, &year)) {
		http_reply_error(r, 400, "bad_date", "sch_err_year", NULL);
		return;
	}
	form_t fm = form_new(r, "hol");
	holidays_page(r, 200, &fm, (int)year);
}

typedef struct {
	const schedule_holiday_t *rows;
	size_t n;
	int64_t id;
} hol_ctx_t;

static int holidays_change(http_req_t *r, db_conn_t *c, void *ctx)
{
	hol_ctx_t *x = ctx;
	return schedule_holidays_store(c, x->rows, x->n);
}

static int holiday_delete_change(http_req_t *r, db_conn_t *c, void *ctx)
{
	hol_ctx_t *x = ctx;
	return sched_store_holiday_delete(c, x->id);
}

static void holidays_import_post(http_req_t *r)
{
	const char *text = NULL;
	size_t len = 0;
	for (const multipart_file_t *f = r->files; f; f = f->next)
		if (str_eq(f->field, "file") && f->size > 0) {
			text = (const char *)f->data;
			len = f->size;
		}
	if (!text && http_form(r, "csv")) {
		text = http_form(r, "csv");
		len = strlen(text);
	}
	form_t fm = form_new(r, "hol");
	schedule_holiday_t *rows = NULL;
	size_t n = 0;
	if (!text || len == 0) {
		form_err(&fm, "file", "sch_import_file", http_t(r, "sch_err_no_file"));
	} else {
		schedule_csv_error_t err = {0};
		if (schedule_holidays_parse(r->arena, text, len, &rows, &n, &err)) {
			const char *msg = tkey(r, "sch_err_csv_", err.code);
			if (err.line > 0)
				msg = arena_printf(r->arena, "%s%s%s: %s",
						   subst(r, http_t(r, "sch_csv_line"), "line", arena_printf(r->arena, "%d", err.line)),
						   *err.field ? " · " : "", err.field, msg);
			form_err(&fm, "file", "sch_import_file", msg);
		}
	}
	if (form_bad(&fm)) {
		holidays_page(r, 422, &fm, 0);
		return;
	}
	form_free(&fm);
	hol_ctx_t x = {rows, n, 0};
	schedule_report_t rep;
	int rc = apply(r, 0, 0, holidays_change, &x, "/schedule/holidays", &rep);
	if (rc > 0)
		return;
	if (rc) {
		unavailable(r);
		return;
	}
	auth_audit(r, "schedule.holidays.import", "holidays",
		   arena_printf(r->arena, "%zu holiday(s) from %s to %s", n, rows[0].day, rows[n - 1].day));
	const char *year = arena_strndup(r->arena, rows[0].day, 4);
	http_reply_redirect(r, arena_printf(r->arena, "/schedule/holidays?year=%s&imported=%zu%s", year, n,
					    rep.nstrands ? arena_printf(r->arena, "&saved=holidays&kept=%zu", rep.nstrands) : ""));
}

static void holiday_delete_post(http_req_t *r)
{
	int64_t id;
	if (str_to_i64(fstr(r, "id"), 1, INT64_MAX, &id)) {
		not_found(r);
		return;
	}
	hol_ctx_t x = {NULL, 0, id};
	schedule_report_t rep;
	int rc = apply(r, 0, 0, holiday_delete_change, &x, "/schedule/holidays", &rep);
	if (rc > 0)
		return;
	if (rc) {
		not_found(r);
		return;
	}
	auth_audit(r, "schedule.holiday.delete", arena_printf(r->arena, "holiday:%lld", (long long)id), "");
	const char *year = fstr(r, "year");
	int64_t y;
	redirect_saved(r, str_to_i64(year, 1, 9999, &y) == 0 ? arena_printf(r->arena, "/schedule/holidays?year=%s", year)
							     : "/schedule/holidays",
		       "holiday_deleted", &rep);
}

/* ---------------------------------------------------------------- shifts */

static json_t *people_options(http_req_t *r, const auth_person_t *p, size_t n, int64_t selected)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:I,s:s,s:s,s:b}", "value", (json_int_t)p[i].id, "label",
						   arena_printf(r->arena, "%s (%s)", p[i].name, tkey(r, "role_", p[i].role)),
						   "email", p[i].email, "on", p[i].id == selected));
	return a;
}

static const char *person_name(const auth_person_t *p, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (p[i].id == id)
			return p[i].name;
	return "?";
}

static void shifts_page(http_req_t *r, int status, form_t *fm, const char *office_code, int32_t week, int64_t person)
{
	db_conn_t *c = http_db(r);
	catalog_office_t o = {0};
	bool has_office = *office_code && catalog_office_by_code(c, r->arena, office_code, &o) == 0;
	if (!week) {
		tz_local_t l;
		tz_local(has_office ? zone_of(&o) : tz_utc(), now_s(), &l);
		week = l.day;
	}
	int32_t start = tz_week_start(week);
	auth_person_t *people;
	size_t np;
	sched_shift_t *s = NULL;
	size_t n = 0;
	if (!c || auth_people(c, r->arena, &people, &np) ||
	    (has_office && sched_store_shifts(c, r->arena, o.id, date_str(r, start), date_str(r, start + 6), &s, &n))) {
		form_free(fm);
		unavailable(r);
		return;
	}
	json_t *rows = json_array();
	for (size_t i = 0; i < n; i++) {
		int32_t d = 0;
		tz_date_parse(s[i].day, &d);
		json_array_append_new(rows, json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)s[i].id, "date", day_label(r, d),
						      "person", person_name(people, np, s[i].user_id), "channel",
						      channel_label(r, s[i].channel), "time",
						      arena_printf(r->arena, "%s–%s", hhmm(r, s[i].start_min), hhmm(r, s[i].end_min))));
	}
	const char *base = arena_printf(r->arena, "/schedule/shifts?office=%s", has_office ? o.code : "");
	json_t *m = json_pack("{s:o,s:o,s:o,s:o,s:b,s:b,s:s,s:s,s:s,s:s}", "offices", office_list(r, c, has_office ? o.code : ""),
			      "people", people_options(r, people, np, person), "channels",
			      channel_options(r, json_string_value(json_object_get(form_field(fm, "channel"), "v"))), "shifts",
			      rows, "has_office", has_office, "has_shifts", n > 0, "week", date_str(r, start), "week_label",
			      subst(r, http_t(r, "sch_week"), "date", day_label(r, start)), "prev",
			      arena_printf(r->arena, "%s&week=%s", base, date_str(r, start - 7)), "next",
			      arena_printf(r->arena, "%s&week=%s", base, date_str(r, start + 7)));
	if (has_office)
		json_object_set_new(m, "office", office_json(r, &o));
	form_into(fm, m);
	notice_into(r, m);
	http_reply_page(r, status, "schedule/shifts", m);
}

static void shifts_get(http_req_t *r)
{
	int32_t week = 0;
	const char *w = qstr(r, "week");
	if (*w && tz_date_parse(w, &week)) {
		http_reply_error(r, 400, "bad_date", "sch_err_date", NULL);
		return;
	}
	form_t fm = form_new(r, "s");
	const char *office = qstr(r, "office");
	form_val(&fm, "office", office);
	form_val(&fm, "channel", "");
	form_val(&fm, "start", "09:00");
	form_val(&fm, "end", "14:00");
	form_val(&fm, "day", "");
	form_val(&fm, "until", "");
	shifts_page(r, 200, &fm, office, week, 0);
}

typedef struct {
	sched_shift_t shift;
	int32_t first, last;
	int64_t office_id, id;
	size_t added;
} shift_ctx_t;

static int shift_add_change(http_req_t *r, db_conn_t *c, void *ctx)
{
	shift_ctx_t *x = ctx;
	for (int32_t d = x->first; d <= x->last; d += 7) {
		x->shift.day = date_str(r, d);
		int rc = sched_store_shift_add(c, &x->shift, &x->id);
		if (rc)
			return rc;
		x->added++;
	}
	return 0;
}

static int shift_delete_change(http_req_t *r, db_conn_t *c, void *ctx)
{
	shift_ctx_t *x = ctx;
	return sched_store_shift_delete(c, x->id, &x->office_id);
}

static void shifts_post(http_req_t *r)
{
	db_conn_t *c = http_db(r);
	if (!c) {
		unavailable(r);
		return;
	}
	form_t fm = form_new(r, "s");
	shift_ctx_t x = {0};
	const char *office = fstr(r, "office");
	form_val(&fm, "office", office);
	catalog_office_t o;
	if (catalog_office_by_code(c, r->arena, office, &o))
		form_err(&fm, "office", "field_office", http_t(r, "sch_err_office"));
	int64_t person = 0;
	auth_person_t *people;
	size_t np;
	if (auth_people(c, r->arena, &people, &np)) {
		form_free(&fm);
		unavailable(r);
		return;
	}
	bool known = false;
	if (str_to_i64(fstr(r, "user"), 1, INT64_MAX, &person) == 0)
		for (size_t i = 0; i < np; i++)
			known |= people[i].id == person;
	if (!known)
		form_err(&fm, "user", "sch_person", http_t(r, "sch_err_person"));
	const char *ch = fstr(r, "channel");
	form_val(&fm, "channel", ch);
	if (!schedule_channel_valid(ch))
		form_err(&fm, "channel", "sch_channel", http_t(r, "sch_err_channel"));
	int32_t day, until;
	const char *sday, *suntil;
	f_date(&fm, "day", "sch_date", true, &day, &sday);
	if (f_date(&fm, "until", "sch_repeat_until", false, &until, &suntil) == 0 && *suntil && *sday) {
		if (until < day)
			form_err(&fm, "until", "sch_repeat_until", http_t(r, "sch_err_date_order"));
		else if (until - day > 26 * 7)
			form_err(&fm, "until", "sch_repeat_until", http_t(r, "sch_err_repeat"));
	}
	int a, b;
	int ra = f_time(&fm, "start", "sch_time_from", true, &a), rb = f_time(&fm, "end", "sch_time_to", true, &b);
	if (!ra && !rb && b <= a)
		form_err(&fm, "end", "sch_time_to", http_t(r, "sch_err_time_order"));
	if (form_bad(&fm)) {
		shifts_page(r, 422, &fm, office, 0, person);
		return;
	}
	form_free(&fm);
	x.shift = (sched_shift_t){0, person, o.id, ch, sday, a, b};
	x.first = day;
	x.last = *suntil ? until : day;
	schedule_report_t rep;
	const char *back = arena_printf(r->arena, "/schedule/shifts?office=%s&week=%s", o.code, sday);
	int rc = apply(r, o.id, 0, shift_add_change, &x, back, &rep);
	if (rc > 0)
		return;
	if (rc) {
		unavailable(r);
		return;
	}
	auth_audit(r, "schedule.shift.add", arena_printf(r->arena, "user:%lld", (long long)person),
		   arena_printf(r->arena, "office %s %s %s %s-%s x%zu", o.code, ch, sday, hhmm(r, a), hhmm(r, b), x.added));
	redirect_saved(r, back, "shift", &rep);
}

static void shift_delete_post(http_req_t *r)
{
	db_conn_t *c = http_db(r);
	int64_t id;
	if (!c) {
		unavailable(r);
		return;
	}
	if (str_to_i64(fstr(r, "id"), 1, INT64_MAX, &id)) {
		not_found(r);
		return;
	}
	/* The recompute needs the office: find it first. */
	int64_t office_id = 0;
	int rc = sched_store_shift_office(c, id, &office_id);
	if (rc == ERR_NOT_FOUND) {
		not_found(r);
		return;
	}
	if (rc) {
		unavailable(r);
		return;
	}
	shift_ctx_t x = {.id = id};
	const char *back = fstr(r, "back");
	if (!str_starts(back, "/schedule/shifts") || !safe_url(back))
		back = "/schedule/shifts";
	schedule_report_t rep;
	rc = apply(r, office_id, 0, shift_delete_change, &x, back, &rep);
	if (rc > 0)
		return;
	if (rc) {
		not_found(r);
		return;
	}
	auth_audit(r, "schedule.shift.delete", arena_printf(r->arena, "shift:%lld", (long long)id), "");
	redirect_saved(r, back, "shift_deleted", &rep);
}

/* ---------------------------------------------------------------- skills */

static void skills_page(http_req_t *r, int status, int64_t person, form_t *fm)
{
	db_conn_t *c = http_db(r);
	auth_person_t *people;
	size_t np;
	int64_t *skills = NULL;
	size_t ns = 0;
	if (!c || auth_people(c, r->arena, &people, &np) ||
	    (person && sched_store_skills_of(c, r->arena, person, &skills, &ns))) {
		form_free(fm);
		unavailable(r);
		return;
	}
	const char *name = NULL;
	for (size_t i = 0; i < np; i++)
		if (people[i].id == person)
			name = people[i].name;
	json_t *m = json_pack("{s:o,s:b}", "people", people_options(r, people, np, person), "has_person", name != NULL);
	if (name) {
		json_object_set_new(m, "person", json_integer(person));
		json_object_set_new(m, "skills_title", json_string(subst(r, http_t(r, "sch_skills_for"), "name", name)));
		json_object_set_new(m, "procedures", procedure_options(r, c, skills, ns));
	}
	form_into(fm, m);
	notice_into(r, m);
	http_reply_page(r, status, "schedule/skills", m);
}

static void skills_get(http_req_t *r)
{
	int64_t person = 0;
	const char *u = qstr(r, "user");
	if (*u && str_to_i64(u, 1, INT64_MAX, &person)) {
		not_found(r);
		return;
	}
	form_t fm = form_new(r, "k");
	skills_page(r, 200, person, &fm);
}

typedef struct {
	int64_t person;
	int64_t *procs;
	size_t n;
} skills_ctx_t;

static int skills_change(http_req_t *r, db_conn_t *c, void *ctx)
{
	skills_ctx_t *x = ctx;
	return sched_store_skills_set(c, x->person, x->procs, x->n);
}

static void skills_post(http_req_t *r)
{
	db_conn_t *c = http_db(r);
	if (!c) {
		unavailable(r);
		return;
	}
	form_t fm = form_new(r, "k");
	skills_ctx_t x = {0};
	auth_person_t *people;
	size_t np;
	if (auth_people(c, r->arena, &people, &np)) {
		form_free(&fm);
		unavailable(r);
		return;
	}
	bool known = false;
	if (str_to_i64(fstr(r, "user"), 1, INT64_MAX, &x.person) == 0)
		for (size_t i = 0; i < np; i++)
			known |= people[i].id == x.person;
	if (!known) {
		form_err(&fm, "user", "sch_person", http_t(r, "sch_err_person"));
		skills_page(r, 422, 0, &fm);
		return;
	}
	x.procs = arena_alloc(r->arena, (kv_count(&r->form, "procedures") + 1) * sizeof *x.procs);
	for (size_t i = 0; i < r->form.n; i++) {
		if (!str_eq(r->form.items[i].key, "procedures"))
			continue;
		catalog_procedure_t p;
		if (catalog_procedure_by_code(c, r->arena, r->form.items[i].val, &p)) {
			form_err(&fm, "procedures", "sch_procedures", http_t(r, "sch_err_procedure"));
			continue;
		}
		x.procs[x.n++] = p.id;
	}
	if (form_bad(&fm)) {
		skills_page(r, 422, x.person, &fm);
		return;
	}
	form_free(&fm);
	schedule_report_t rep;
	const char *back = arena_printf(r->arena, "/schedule/skills?user=%lld", (long long)x.person);
	/* Skills change derived seats wherever the person has shifts: every office. */
	int rc = apply(r, 0, 0, skills_change, &x, back, &rep);
	if (rc > 0)
		return;
	if (rc) {
		unavailable(r);
		return;
	}
	auth_audit(r, "schedule.skills.set", arena_printf(r->arena, "user:%lld", (long long)x.person),
		   arena_printf(r->arena, "%zu procedure(s)", x.n));
	redirect_saved(r, back, "skills", &rep);
}

const http_route_t sched_page_routes[] = {
	{HTTP_GET, "/schedule", index_get, 0, ROLES},
	{HTTP_GET, "/schedule/holidays", holidays_get, 0, ROLES},
	{HTTP_POST, "/schedule/holidays/import", holidays_import_post, RT_FORM | RT_MULTIPART, ROLES},
	{HTTP_POST, "/schedule/holidays/delete", holiday_delete_post, RT_FORM, ROLES},
	{HTTP_GET, "/schedule/shifts", shifts_get, 0, ROLES},
	{HTTP_POST, "/schedule/shifts", shifts_post, RT_FORM, ROLES},
	{HTTP_POST, "/schedule/shifts/delete", shift_delete_post, RT_FORM, ROLES},
	{HTTP_GET, "/schedule/skills", skills_get, 0, ROLES},
	{HTTP_POST, "/schedule/skills", skills_post, RT_FORM, ROLES},
	{HTTP_GET, "/schedule/offices/{code}", office_get, 0, ROLES},
	{HTTP_GET, "/schedule/offices/{code}/hours", hours_get, 0, ROLES},
	{HTTP_POST, "/schedule/offices/{code}/hours", hours_post, RT_FORM, ROLES},
	{HTTP_POST, "/schedule/offices/{code}/hours/delete", hours_delete_post, RT_FORM, ROLES},
	{HTTP_POST, "/schedule/offices/{code}/closures", closures_post, RT_FORM, ROLES},
	{HTTP_POST, "/schedule/offices/{code}/closures/delete", closure_delete_post, RT_FORM, ROLES},
	{HTTP_GET, "/schedule/offices/{code}/slots", slots_get, 0, ROLES},
	{HTTP_GET, "/schedule/offices/{code}/rules/new", rule_new_get, 0, ROLES},
	{HTTP_POST, "/schedule/offices/{code}/rules", rules_post, RT_FORM, ROLES},
	{HTTP_GET, "/schedule/offices/{code}/rules/{id}", rule_get, 0, ROLES},
	{HTTP_POST, "/schedule/offices/{code}/rules/{id}", rule_post, RT_FORM, ROLES},
	{HTTP_POST, "/schedule/offices/{code}/rules/{id}/active", rule_active_post, RT_FORM, ROLES},
	{0},
};
