/* pages_office.c — the schedule page of one office (its hours, closures and rules at a glance)
 * and the forms behind it: opening hours and closures (pages.c says how changes are answered). */
#include "schedule/web.h"

#include "app.h"
#include "auth/auth.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/str.h"
#include "base/text.h"
#include "base/tz.h"
#include "catalog/catalog.h"
#include "http/form.h"
#include "http/kit.h"
#include "schedule/store.h"
#include "view/i18n.h"

#include <stdlib.h>
#include <string.h>

#define MAX_REASON 200
#define MAX_INTERVALS_FORM 2

/* ---------------------------------------------------------------- office overview */

static const char *intervals_text(http_req_t *r, const schedule_interval_t *iv, size_t n)
{
	if (n == 0)
		return http_t(r, "sch_closed");
	const char *s = "";
	for (size_t i = 0; i < n; i++)
		s = arena_printf(r->arena, "%s%s%s–%s", s, i ? ", " : "", sched_hhmm(r, iv[i].open_min),
				 sched_hhmm(r, iv[i].close_min));
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
			json_array_append_new(days, jpack("{s:s,s:s}", "name", sched_weekday_name(r, wd), "text",
							  intervals_text(r, iv, k)));
		}
		const char *to =
			*h[i].valid_to ? sched_date_label(r, h[i].valid_to) : http_t(r, "sch_period_open_ended");
		json_array_append_new(periods, jpack("{s:s,s:s,s:s,s:s,s:s,s:o}", "from", h[i].valid_from, "from_label",
						     sched_date_label(r, h[i].valid_from), "to", h[i].valid_to,
						     "to_label", to, "edit_url",
						     arena_printf(r->arena, "/schedule/offices/%s/hours?from=%s&to=%s",
								  o->code, h[i].valid_from, h[i].valid_to),
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
			s = arena_printf(r->arena, "%s%s%s", s, *s ? ", " : "", sched_weekday_name(r, d));
	return s;
}

static json_t *rules_json(http_req_t *r, db_conn_t *c, const catalog_office_t *o, const sched_rule_t *rules, size_t n)
{
	json_t *a = json_array();
	int64_t now = sched_now();
	for (size_t i = 0; i < n; i++) {
		const sched_rule_t *x = &rules[i];
		int64_t slots = 0, booked = 0;
		sched_store_slot_counts(c, x->id, now, &slots, &booked);
		const char *seats =
			x->capacity >= 0 ? arena_printf(r->arena, "%d", x->capacity) : http_t(r, "sch_capacity_shifts");
		const char *release =
			x->release_days >= 0
				? http_tn(r, "sch_release_text", x->release_days,
					  (const char *const[]){"time", sched_hhmm(r, x->release_min), NULL})
				: http_t(r, "sch_release_none");
		const char *from = sched_date_label(r, x->valid_from);
		const char *validity =
			*x->valid_to ? arena_printf(r->arena, "%s – %s", from, sched_date_label(r, x->valid_to))
				     : arena_printf(r->arena, "%s –", from);
		json_t *j =
			jpack("{s:I,s:s,s:s,s:s,s:i,s:s,s:i,s:s,s:i,s:i,s:i,s:s,s:s,s:b,s:s,s:I,s:I,s:s,s:s}", "id",
			      (json_int_t)x->id, "channel", sched_channel_label(r, x->channel), "days",
			      weekdays_text(r, x->weekdays), "validity", validity, "every", x->every_weeks, "time",
			      arena_printf(r->arena, "%s–%s", sched_hhmm(r, x->start_min), sched_hhmm(r, x->end_min)),
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

void sched_office_page(http_req_t *r, const catalog_office_t *o, int status, form_t *closure_form)
{
	db_conn_t *c = r->db;
	sched_hours_t *hours;
	sched_closure_t *cl;
	sched_rule_t *rules;
	size_t nh, ncl, nr;
	int32_t today = sched_today_at(o);
	if (sched_store_hours(c, r->arena, o->id, &hours, &nh) ||
	    sched_store_closures(c, r->arena, o->id, sched_date_str(r, today), "9999-12-31", &cl, &ncl) ||
	    sched_store_rules(c, r->arena, o->id, &rules, &nr)) {
		if (closure_form)
			form_free(closure_form);
		http_reply_unavailable(r);
		return;
	}
	json_t *closures = json_array();
	for (size_t i = 0; i < ncl; i++) {
		json_array_append_new(closures, jpack("{s:I,s:s,s:s}", "id", (json_int_t)cl[i].id, "date",
						      sched_date_label(r, cl[i].day), "reason", cl[i].reason));
	}
	json_t *m = jpack("{s:o,s:o,s:b,s:o,s:b,s:o,s:s}", "office", sched_office_json(r, o), "periods",
			  periods_json(r, o, hours, nh), "has_periods", nh > 0, "closures", closures, "has_closures",
			  ncl > 0, "rules", rules_json(r, c, o, rules, nr), "title",
			  http_subst(r, http_t(r, "sch_office_title"), "name", catalog_office_name(o, r->lang)));
	if (closure_form) {
		form_into(closure_form, m);
	} else {
		form_t f = form_new(r, "cl");
		form_val(&f, "day", "");
		form_val(&f, "reason", "");
		form_into(&f, m);
	}
	sched_notice_into(r, m);
	http_reply_page(r, status, "schedule/office", m);
}

static void office_get(http_req_t *r)
{
	catalog_office_t o;
	if (sched_load_office(r, &o))
		sched_office_page(r, &o, 200, NULL);
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
		/* The labels by part and interval: the same keys the checks of the form use. */
		static const char *const labels[2][2] = {{"sch_opens", "sch_opens2"}, {"sch_closes", "sch_closes2"}};
		for (int k = 1; k <= MAX_INTERVALS_FORM; k++)
			for (int p = 0; p < 2; p++) {
				const char *name = arena_printf(r->arena, "%s%d_%d", parts[p], k, wd);
				json_t *f = form_field(fm, name);
				const char *label = http_t(r, labels[p][k == 1 ? 0 : 1]);
				json_t *j = jpack("{s:s,s:s,s:s,s:O}", "name", name, "id",
						  arena_printf(r->arena, "h-%s", name), "label", label, "f", f);
				json_array_append_new(fields, j);
			}
		json_array_append_new(days, jpack("{s:i,s:s,s:o}", "wd", wd, "name", sched_weekday_name(r, wd),
						  "fields", fields));
	}
	json_t *m = jpack("{s:o,s:o,s:b,s:s}", "office", sched_office_json(r, o), "days", days, "editing", editing,
			  "action", arena_printf(r->arena, "/schedule/offices/%s/hours", o->code));
	form_into(fm, m);
	http_reply_page(r, status, "schedule/hours", m);
}

static void hours_get(http_req_t *r)
{
	catalog_office_t o;
	if (!sched_load_office(r, &o))
		return;
	form_t fm = form_new(r, "h");
	const char *from = sched_qstr(r, "from"), *to = sched_qstr(r, "to");
	bool editing = false;
	if (*from) {
		sched_hours_t *h;
		size_t n;
		if (sched_store_hours(r->db, r->arena, o.id, &h, &n)) {
			form_free(&fm);
			http_reply_unavailable(r);
			return;
		}
		int used[8] = {0};
		for (size_t i = 0; i < n; i++) {
			if (!str_eq(h[i].valid_from, from) || !str_eq(h[i].valid_to, to) || h[i].weekday < 1 ||
			    h[i].weekday > 7 || used[h[i].weekday] >= MAX_INTERVALS_FORM)
				continue;
			int k = ++used[h[i].weekday];
			form_val(&fm, arena_printf(r->arena, "open%d_%d", k, h[i].weekday),
				 sched_hhmm(r, h[i].open_min));
			form_val(&fm, arena_printf(r->arena, "close%d_%d", k, h[i].weekday),
				 sched_hhmm(r, h[i].close_min));
			editing = true;
		}
		if (!editing) {
			form_free(&fm);
			http_reply_not_found(r);
			return;
		}
		form_val(&fm, "valid_from", from);
		form_val(&fm, "valid_to", to);
		form_val(&fm, "orig_from", from);
		form_val(&fm, "orig_to", to);
	} else {
		form_val(&fm, "valid_from", sched_date_str(r, sched_today_at(&o)));
	}
	hours_page(r, &o, 200, &fm, editing);
}

static void hours_post(http_req_t *r)
{
	catalog_office_t o;
	if (!sched_load_office(r, &o))
		return;
	form_t fm = form_new(r, "h");
	hours_ctx_t h = {.o = &o};
	int32_t from, to;
	const char *sfrom, *sto;
	sched_f_date(&fm, "valid_from", "sch_period_from", true, &from, &sfrom);
	if (sched_f_date(&fm, "valid_to", "sch_period_to", false, &to, &sto) == 0 && *sto && *sfrom && to < from)
		form_err(&fm, "valid_to", "sch_period_to", http_t(r, "sch_err_date_order"));
	const char *orig_from = form_str(r, "orig_from"), *orig_to = form_str(r, "orig_to");
	form_val(&fm, "orig_from", orig_from);
	form_val(&fm, "orig_to", orig_to);
	for (int wd = 1; wd <= 7; wd++) {
		int prev_close = -1;
		for (int k = 1; k <= MAX_INTERVALS_FORM; k++) {
			const char *on = arena_printf(r->arena, "open%d_%d", k, wd),
				   *cn = arena_printf(r->arena, "close%d_%d", k, wd);
			const char *ol = k == 1 ? "sch_opens" : "sch_opens2",
				   *cl = k == 1 ? "sch_closes" : "sch_closes2";
			int a, b;
			int ra = sched_f_time(&fm, on, ol, false, &a), rb = sched_f_time(&fm, cn, cl, false, &b);
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
	http_tx_audit(r, "schedule.hours.save", arena_printf(r->arena, "office:%s", o.code),
		      arena_printf(r->arena, "period %s..%s, %zu interval(s)", sfrom, *sto ? sto : "", h.n));
	int rc =
		sched_apply(r, o.id, 0, hours_change, &h, arena_printf(r->arena, "/schedule/offices/%s", o.code), &rep);
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
	sched_redirect_saved(r, arena_printf(r->arena, "/schedule/offices/%s", o.code), "hours", &rep);
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
	if (!sched_load_office(r, &o))
		return;
	office_ctx_t x = {.o = &o, .from = form_str(r, "from"), .to = form_str(r, "to")};
	http_tx_audit(r, "schedule.hours.delete", arena_printf(r->arena, "office:%s", o.code),
		      arena_printf(r->arena, "period %s..%s", x.from, x.to));
	sched_apply_saved(r, o.id, 0, hours_delete_change, &x, arena_printf(r->arena, "/schedule/offices/%s", o.code),
			  "hours_deleted");
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
	if (!sched_load_office(r, &o))
		return;
	form_t fm = form_new(r, "cl");
	int32_t day;
	const char *sday;
	sched_f_date(&fm, "day", "sch_date", true, &day, &sday);
	const char *reason = form_str(r, "reason");
	form_val(&fm, "reason", reason);
	if (strlen(reason) > MAX_REASON || !text_ok(reason, TEXT_LINE))
		form_err(&fm, "reason", "sch_reason", http_t(r, "sch_err_reason"));
	if (form_bad(&fm)) {
		sched_office_page(r, &o, 422, &fm);
		return;
	}
	office_ctx_t x = {.o = &o, .day = sday, .reason = reason};
	schedule_report_t rep;
	http_tx_audit(r, "schedule.closure.add", arena_printf(r->arena, "office:%s", o.code),
		      arena_printf(r->arena, "%s %s", sday, reason));
	int rc = sched_apply(r, o.id, 0, closure_add_change, &x, arena_printf(r->arena, "/schedule/offices/%s", o.code),
			     &rep);
	if (rc > 0) {
		form_free(&fm);
		return;
	}
	if (rc == ERR_CONFLICT) {
		form_err(&fm, "day", "sch_date", http_t(r, "sch_err_closure_exists"));
		sched_office_page(r, &o, 409, &fm);
		return;
	}
	form_free(&fm);
	sched_redirect_saved(r, arena_printf(r->arena, "/schedule/offices/%s", o.code), "closure", &rep);
}

static void closure_delete_post(http_req_t *r)
{
	catalog_office_t o;
	if (!sched_load_office(r, &o))
		return;
	int64_t id;
	if (str_to_i64(form_str(r, "id"), 1, INT64_MAX, &id)) {
		http_reply_not_found(r);
		return;
	}
	office_ctx_t x = {.o = &o, .id = id};
	http_tx_audit(r, "schedule.closure.delete", arena_printf(r->arena, "office:%s", o.code),
		      arena_printf(r->arena, "closure:%lld", (long long)id));
	sched_apply_saved(r, o.id, 0, closure_delete_change, &x, arena_printf(r->arena, "/schedule/offices/%s", o.code),
			  "closure_deleted");
}

/* One office: overview, opening hours, closures. */
const http_route_t sched_office_routes[] = {
	{HTTP_GET, "/schedule/offices/{code}", office_get, RT_DB, SCHED_ROLES},
	{HTTP_GET, "/schedule/offices/{code}/hours", hours_get, RT_DB, SCHED_ROLES},
	{HTTP_POST, "/schedule/offices/{code}/hours", hours_post, RT_FORM | RT_DB, SCHED_ROLES},
	{HTTP_POST, "/schedule/offices/{code}/hours/delete", hours_delete_post, RT_FORM | RT_DB, SCHED_ROLES},
	{HTTP_POST, "/schedule/offices/{code}/closures", closures_post, RT_FORM | RT_DB, SCHED_ROLES},
	{HTTP_POST, "/schedule/offices/{code}/closures/delete", closure_delete_post, RT_FORM | RT_DB, SCHED_ROLES},
	{0},
};
