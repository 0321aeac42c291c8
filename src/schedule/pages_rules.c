/* pages_rules.c — an office's availability rules and a week of its slots (pages.c says how
 * changes are answered). */
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

/* ---------------------------------------------------------------- availability rules */

json_t *sched_procedure_options(http_req_t *r, db_conn_t *c, const int64_t *sel, size_t nsel)
{
	catalog_procedure_t *p;
	size_t n;
	if (catalog_procedures(c, r->arena, &p, &n))
		return NULL;
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		bool on = false;
		for (size_t k = 0; k < nsel; k++)
			on |= sel[k] == p[i].id;
		json_array_append_new(a, jpack("{s:s,s:s,s:b}", "value", p[i].code, "label",
					       catalog_procedure_name(&p[i], r->lang), "on", on));
	}
	return a;
}

static json_t *weekday_options(http_req_t *r, unsigned mask)
{
	json_t *a = json_array();
	for (int d = 1; d <= 7; d++)
		json_array_append_new(a, jpack("{s:i,s:s,s:b}", "value", d, "label", sched_weekday_name(r, d), "on",
					       (mask & (1u << d)) != 0));
	return a;
}

static void rule_page(http_req_t *r, const catalog_office_t *o, int status, form_t *fm, int64_t rule_id,
		      const char *channel, unsigned mask, const int64_t *procs, size_t nprocs, bool active)
{
	json_t *options = sched_procedure_options(r, r->db, procs, nprocs);
	if (!options) {
		form_free(fm);
		http_reply_unavailable(r);
		return;
	}
	json_t *m =
		jpack("{s:o,s:o,s:o,s:o,s:b,s:s}", "office", sched_office_json(r, o), "channels",
		      sched_channel_options(r, channel), "weekdays", weekday_options(r, mask), "procedures", options,
		      "editing", rule_id > 0, "action",
		      rule_id ? arena_printf(r->arena, "/schedule/offices/%s/rules/%lld", o->code, (long long)rule_id)
			      : arena_printf(r->arena, "/schedule/offices/%s/rules", o->code));
	if (rule_id) {
		json_object_set_new(m, "rule_id", json_integer(rule_id));
		json_object_set_new(m, "active", json_boolean(active));
		json_object_set_new(m, "active_action",
				    json_string(arena_printf(r->arena, "/schedule/offices/%s/rules/%lld/active",
							     o->code, (long long)rule_id)));
	}
	form_into(fm, m);
	http_reply_page(r, status, "schedule/rule", m);
}

static void rule_values(http_req_t *r, form_t *fm, const sched_rule_t *x)
{
	form_val(fm, "every_weeks", arena_printf(r->arena, "%d", x->every_weeks));
	form_val(fm, "valid_from", x->valid_from);
	form_val(fm, "valid_to", x->valid_to);
	form_val(fm, "start", sched_hhmm(r, x->start_min));
	form_val(fm, "end", sched_hhmm(r, x->end_min));
	form_val(fm, "slot_min", arena_printf(r->arena, "%d", x->slot_min));
	form_val(fm, "capacity", x->capacity >= 0 ? arena_printf(r->arena, "%d", x->capacity) : "");
	form_val(fm, "staff_share", arena_printf(r->arena, "%d", x->staff_share));
	form_val(fm, "horizon_days", arena_printf(r->arena, "%d", x->horizon_days));
	form_val(fm, "min_notice_min", arena_printf(r->arena, "%d", x->min_notice_min));
	form_val(fm, "release_days", x->release_days >= 0 ? arena_printf(r->arena, "%d", x->release_days) : "");
	form_val(fm, "release_time", x->release_days >= 0 ? sched_hhmm(r, x->release_min) : "");
}

static void rule_new_get(http_req_t *r)
{
	catalog_office_t o;
	if (!sched_load_office(r, &o))
		return;
	const char *ch = str_eq(o.kind, "virtual_office")           ? "phone"
			 : str_eq(o.kind, "neighbourhood_facility") ? "ict_agent"
								    : "in_person";
	sched_rule_t x = {.every_weeks = 1,
			  .valid_from = sched_date_str(r, sched_today_at(&o)),
			  .valid_to = "",
			  .start_min = 540,
			  .end_min = 840,
			  .slot_min = 15,
			  .capacity = 1,
			  .staff_share = 0,
			  .horizon_days = 30,
			  .min_notice_min = 60,
			  .release_days = -1,
			  .release_min = -1};
	form_t fm = form_new(r, "r");
	rule_values(r, &fm, &x);
	rule_page(r, &o, 200, &fm, 0, ch, sched_weekday_mask("1,2,3,4,5"), NULL, 0, true);
}

/* The {id} rule of the {code} office; replies 404/503 itself when it returns false. */
static bool load_rule(http_req_t *r, const catalog_office_t *o, sched_rule_t *x)
{
	int64_t id;
	if (str_to_i64(http_param(r, "id"), 1, INT64_MAX, &id)) {
		http_reply_not_found(r);
		return false;
	}
	int rc = sched_store_rule_get(r->db, r->arena, id, x);
	if (rc == ERR_NOT_FOUND || (rc == 0 && x->office_id != o->id)) {
		http_reply_not_found(r);
		return false;
	}
	if (rc) {
		http_reply_unavailable(r);
		return false;
	}
	return true;
}

static void rule_get(http_req_t *r)
{
	catalog_office_t o;
	sched_rule_t x;
	if (!sched_load_office(r, &o) || !load_rule(r, &o, &x))
		return;
	form_t fm = form_new(r, "r");
	rule_values(r, &fm, &x);
	rule_page(r, &o, 200, &fm, x.id, x.channel, sched_weekday_mask(x.weekdays), x.procs, x.nprocs, x.active);
}

typedef struct {
	sched_rule_t rule;
	bool update;
	const char *office; /* code, for the audit record */
} rule_ctx_t;

/* The rule, and its audit record (a new rule's id is known once inserted). */
static int rule_change(http_req_t *r, db_conn_t *c, void *ctx)
{
	rule_ctx_t *x = ctx;
	sched_rule_t *u = &x->rule;
	int rc = x->update ? sched_store_rule_update(c, u, sched_now())
			   : sched_store_rule_insert(c, u, sched_now(), &u->id);
	if (!rc)
		http_tx_audit(r, x->update ? "schedule.rule.update" : "schedule.rule.create",
			      arena_printf(r->arena, "rule:%lld", (long long)u->id),
			      arena_printf(r->arena, "office %s %s %s %s-%s/%d seats %d share %d%%", x->office,
					   u->channel, u->weekdays, sched_hhmm(r, u->start_min),
					   sched_hhmm(r, u->end_min), u->slot_min, u->capacity, u->staff_share));
	return rc;
}

/* Reads and checks the rule form; errors go into fm. */
static void rule_read(http_req_t *r, db_conn_t *c, form_t *fm, sched_rule_t *x, unsigned *mask)
{
	const char *ch = form_str(r, "channel");
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
	sched_f_int(fm, "every_weeks", "sch_every_weeks", 1, 52, &x->every_weeks);
	int32_t from, to;
	const char *sfrom, *sto;
	sched_f_date(fm, "valid_from", "sch_period_from", true, &from, &sfrom);
	x->valid_from = sfrom;
	if (sched_f_date(fm, "valid_to", "sch_period_to", false, &to, &sto) == 0 && *sto && *sfrom && to < from)
		form_err(fm, "valid_to", "sch_period_to", http_t(r, "sch_err_date_order"));
	x->valid_to = sto;
	int rs = sched_f_time(fm, "start", "sch_time_from", true, &x->start_min);
	int re = sched_f_time(fm, "end", "sch_time_to", true, &x->end_min);
	if (!rs && !re && x->end_min <= x->start_min)
		form_err(fm, "end", "sch_time_to", http_t(r, "sch_err_time_order"));
	if (sched_f_int(fm, "slot_min", "sch_slot_min", 5, 480, &x->slot_min) == 0 && !rs && !re &&
	    x->start_min + x->slot_min > x->end_min && x->end_min > x->start_min)
		form_err(fm, "slot_min", "sch_slot_min", http_t(r, "sch_err_slot_fit"));
	sched_f_int_opt(fm, "capacity", "sch_capacity", 1, 500, &x->capacity);
	sched_f_int(fm, "staff_share", "sch_staff_share", 0, 100, &x->staff_share);
	sched_f_int(fm, "horizon_days", "sch_horizon", 1, 366, &x->horizon_days);
	sched_f_int(fm, "min_notice_min", "sch_min_notice", 0, 43200, &x->min_notice_min);
	int rd = sched_f_int_opt(fm, "release_days", "sch_release_days", 0, 366, &x->release_days);
	int rt = sched_f_time(fm, "release_time", "sch_release_time", false, &x->release_min);
	if (!rd && !rt && (x->release_days < 0) != (x->release_min < 0))
		form_err(fm, x->release_days < 0 ? "release_days" : "release_time",
			 x->release_days < 0 ? "sch_release_days" : "sch_release_time",
			 http_t(r, "sch_err_release_pair"));
	if (x->release_min >= 1440)
		form_err(fm, "release_time", "sch_release_time", http_t(r, "sch_err_time"));
	size_t np = kv_count(&r->form, "procedures");
	x->procs = arena_alloc(r->arena, (np + 1) * sizeof *x->procs);
	x->nprocs = 0;
	for (size_t i = 0; i < r->form.n; i++) {
		if (!str_eq(r->form.items[i].key, "procedures") || !*r->form.items[i].val)
			continue;
		catalog_procedure_t p;
		if (form_lookup(fm, catalog_procedure_by_code(c, r->arena, r->form.items[i].val, &p), "procedures",
				"sch_procedures", http_t(r, "sch_err_procedure")))
			continue;
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
	if (!sched_load_office(r, &o))
		return;
	db_conn_t *c = r->db;
	rule_ctx_t x = {.update = update, .office = o.code};
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
	if (form_failed(&fm))
		return;
	if (form_bad(&fm)) {
		rule_page(r, &o, 422, &fm, x.rule.id, x.rule.channel, mask, x.rule.procs, x.rule.nprocs, active);
		return;
	}
	form_free(&fm);
	schedule_report_t rep;
	/* A new rule has no slots yet: recompute the whole office (its id is unknown until insert). */
	int rc = sched_apply(r, o.id, update ? x.rule.id : 0, rule_change, &x,
			     arena_printf(r->arena, "/schedule/offices/%s", o.code), &rep);
	if (rc > 0)
		return;
	if (rc) {
		http_reply_unavailable(r);
		return;
	}
	/* Show what the rule yields: its first week of slots. */
	int32_t first = sched_today_at(&o);
	int32_t vf;
	if (tz_date_parse(x.rule.valid_from, &vf) == 0 && vf > first)
		first = vf;
	sched_redirect_saved(r,
			     arena_printf(r->arena, "/schedule/offices/%s/slots?channel=%s&week=%s", o.code,
					  x.rule.channel, sched_date_str(r, tz_week_start(first))),
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
	return sched_store_rule_set_active(c, x->id, x->active, sched_now());
}

static void rule_active_post(http_req_t *r)
{
	catalog_office_t o;
	sched_rule_t old;
	if (!sched_load_office(r, &o) || !load_rule(r, &o, &old))
		return;
	active_ctx_t x = {old.id, str_eq(form_str(r, "active"), "1")};
	http_tx_audit(r, x.active ? "schedule.rule.activate" : "schedule.rule.deactivate",
		      arena_printf(r->arena, "rule:%lld", (long long)old.id), o.code);
	sched_apply_saved(r, o.id, old.id, rule_active_change, &x,
			  arena_printf(r->arena, "/schedule/offices/%s", o.code), x.active ? "rule_on" : "rule_off");
}

/* ---------------------------------------------------------------- slots of a week */

/* Why a day has no slots (a holiday, a closure, closed), or NULL. */
static const char *day_note(http_req_t *r, const schedule_day_t *day)
{
	if (day->holiday_scope) {
		const char *name =
			i18n_pick(r->lang, (const char *const[]){day->holiday_ca, day->holiday_es, day->holiday_en});
		return http_subst(r, http_t(r, "sch_holiday_label"), "name", name);
	}
	if (day->closed_reason)
		return *day->closed_reason ? http_subst(r, http_t(r, "sch_closure_label"), "reason", day->closed_reason)
					   : http_t(r, "sch_closure_plain");
	return day->open ? NULL : http_t(r, "sch_closed");
}

static void slots_get(http_req_t *r)
{
	catalog_office_t o;
	if (!sched_load_office(r, &o))
		return;
	db_conn_t *c = r->db;
	const tz_t *z = sched_zone_of(&o);
	int32_t day = sched_today_at(&o);
	const char *week = sched_qstr(r, "week");
	if (*week && tz_date_parse(week, &day)) {
		http_reply_error(r, 400, "bad_date", "sch_err_date", NULL);
		return;
	}
	int32_t start = tz_week_start(day);
	const char *ch = sched_qstr(r, "channel");
	if (*ch && !schedule_channel_valid(ch))
		ch = "";
	sched_slot_t *s;
	schedule_day_t *days;
	size_t n, nd;
	if (sched_store_slots_days(c, r->arena, o.id, ch, sched_date_str(r, start), sched_date_str(r, start + 6), &s,
				   &n) ||
	    schedule_hours(c, r->arena, o.id, start, start + 6, &days, &nd)) {
		http_reply_unavailable(r);
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
			json_array_append_new(rows,
					      jpack("{s:s,s:s,s:i,s:i,s:i,s:i,s:s,s:b}", "time",
						    arena_printf(r->arena, "%s–%s", sched_hhmm(r, ls.minute),
								 sched_hhmm(r, le.day > ls.day ? 1440 : le.minute)),
						    "channel", sched_channel_label(r, s[k].channel), "capacity",
						    s[k].capacity, "staff_capacity", s[k].staff_capacity, "booked",
						    s[k].booked, "staff_booked", s[k].staff_booked, "release",
						    arena_printf(r->arena, "%s, %s", sched_day_label(r, lr.day),
								 sched_hhmm(r, lr.minute)),
						    "kept", !s[k].active));
		}
		const char *note = day_note(r, &days[d]);
		json_t *jd = jpack("{s:s,s:s,s:o,s:b,s:i}", "label", sched_day_label(r, days[d].day), "date",
				   days[d].date, "slots", rows, "has_slots", json_array_size(rows) > 0, "count",
				   (int)json_array_size(rows));
		if (note)
			json_object_set_new(jd, "note", json_string(note));
		json_array_append_new(jdays, jd);
	}
	json_t *chs = sched_channel_options(r, ch);
	json_t *m = jpack("{s:o,s:o,s:o,s:s,s:s,s:s,s:s,s:s}", "office", sched_office_json(r, &o), "days", jdays,
			  "channels", chs, "channel", ch, "week", sched_date_str(r, start), "week_label",
			  http_subst(r, http_t(r, "sch_week"), "date", sched_day_label(r, start)), "prev",
			  arena_printf(r->arena, "/schedule/offices/%s/slots?week=%s&channel=%s", o.code,
				       sched_date_str(r, start - 7), ch),
			  "next",
			  arena_printf(r->arena, "/schedule/offices/%s/slots?week=%s&channel=%s", o.code,
				       sched_date_str(r, start + 7), ch));
	json_object_set_new(m, "title",
			    json_string(http_subst(r, http_t(r, "sch_slots_title"), "name",
						   catalog_office_name(&o, r->lang))));
	sched_notice_into(r, m);
	http_reply_page(r, 200, "schedule/slots", m);
}

/* Availability rules and slots. */
const http_route_t sched_rule_routes[] = {
	{HTTP_GET, "/schedule/offices/{code}/slots", slots_get, RT_DB, SCHED_ROLES},
	{HTTP_GET, "/schedule/offices/{code}/rules/new", rule_new_get, RT_DB, SCHED_ROLES},
	{HTTP_POST, "/schedule/offices/{code}/rules", rules_post, RT_FORM | RT_DB, SCHED_ROLES},
	{HTTP_GET, "/schedule/offices/{code}/rules/{id}", rule_get, RT_DB, SCHED_ROLES},
	{HTTP_POST, "/schedule/offices/{code}/rules/{id}", rule_post, RT_FORM | RT_DB, SCHED_ROLES},
	{HTTP_POST, "/schedule/offices/{code}/rules/{id}/active", rule_active_post, RT_FORM | RT_DB, SCHED_ROLES},
	{0},
};
