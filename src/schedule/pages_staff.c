/* pages_staff.c — public holidays (list and CSV import), staff shifts and skills (pages.c says
 * how changes are answered). */
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

/* ---------------------------------------------------------------- holidays */

static void holidays_page(http_req_t *r, int status, form_t *fm, int year)
{
	db_conn_t *c = r->db;
	if (year == 0) {
		tz_local_t l;
		tz_local(tz_get("Europe/Madrid") ? tz_get("Europe/Madrid") : tz_utc(), sched_now(), &l);
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
	if (sched_store_holidays(c, r->arena, from, to, &h, &n) ||
	    sched_store_holiday_years(c, r->arena, &years, &ny)) {
		form_free(fm);
		http_reply_unavailable(r);
		return;
	}
	json_t *rows = json_array();
	for (size_t i = 0; i < n; i++) {
		const char *name =
			i18n_pick(r->lang, (const char *const[]){h[i].h.name_ca, h[i].h.name_es, h[i].h.name_en});
		json_array_append_new(rows, jpack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)h[i].id, "date",
						  sched_date_label(r, h[i].h.day), "name", name, "scope",
						  http_tf(r, "%s%s", "sch_scope_", h[i].h.scope), "year",
						  arena_printf(r->arena, "%d", year)));
	}
	json_t *ys = json_array();
	bool seen = false;
	for (size_t i = 0; i < ny; i++) {
		seen |= years[i] == year;
		json_array_append_new(ys, jpack("{s:i,s:b}", "year", years[i], "on", years[i] == year));
	}
	if (!seen)
		json_array_append_new(ys, jpack("{s:i,s:b}", "year", year, "on", true));
	json_t *m = jpack("{s:o,s:o,s:i,s:b}", "holidays", rows, "years", ys, "year", year, "has_holidays", n > 0);
	form_into(fm, m);
	sched_notice_into(r, m);
	const char *imported = http_query(r, "imported");
	int64_t count;
	if (imported && str_to_i64(imported, 0, 100000, &count) == 0)
		json_object_set_new(m, "notice", json_string(http_tn(r, "sch_imported", (long)count, NULL)));
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
			const char *msg = http_tf(r, "%s%s", "sch_err_csv_", err.code);
			if (err.line > 0)
				msg = arena_printf(r->arena, "%s%s%s: %s",
						   http_subst(r, http_t(r, "sch_csv_line"), "line",
							      arena_printf(r->arena, "%d", err.line)),
						   *err.field ? " · " : "", err.field, msg);
			form_err(&fm, "file", "sch_import_file", msg);
		}
	}
	if (form_bad(&fm)) {
		holidays_page(r, 422, &fm, 0);
		return;
	}
	form_free(&fm);
	if (n == 0) { /* the parser refuses a file without holidays */
		http_reply_error(r, 500, "internal", "err_internal", NULL);
		return;
	}
	hol_ctx_t x = {rows, n, 0};
	schedule_report_t rep;
	http_tx_audit(r, "schedule.holidays.import", "holidays",
		      arena_printf(r->arena, "%zu holiday(s) from %s to %s", n, rows[0].day, rows[n - 1].day));
	int rc = sched_apply(r, 0, 0, holidays_change, &x, "/schedule/holidays", &rep);
	if (rc > 0)
		return;
	if (rc) {
		http_reply_unavailable(r);
		return;
	}
	const char *year = arena_strndup(r->arena, rows[0].day, 4);
	http_reply_redirect(r,
			    arena_printf(r->arena, "/schedule/holidays?year=%s&imported=%zu%s", year, n,
					 rep.nstrands ? arena_printf(r->arena, "&saved=holidays&kept=%zu", rep.nstrands)
						      : ""));
}

static void holiday_delete_post(http_req_t *r)
{
	int64_t id;
	if (str_to_i64(form_str(r, "id"), 1, INT64_MAX, &id)) {
		http_reply_not_found(r);
		return;
	}
	hol_ctx_t x = {NULL, 0, id};
	schedule_report_t rep;
	http_tx_audit(r, "schedule.holiday.delete", arena_printf(r->arena, "holiday:%lld", (long long)id), "");
	int rc = sched_apply(r, 0, 0, holiday_delete_change, &x, "/schedule/holidays", &rep);
	if (rc > 0)
		return;
	if (rc) {
		http_reply_not_found(r);
		return;
	}
	const char *year = form_str(r, "year");
	int64_t y;
	sched_redirect_saved(r,
			     str_to_i64(year, 1, 9999, &y) == 0
				     ? arena_printf(r->arena, "/schedule/holidays?year=%s", year)
				     : "/schedule/holidays",
			     "holiday_deleted", &rep);
}

/* ---------------------------------------------------------------- shifts */

static json_t *people_options(http_req_t *r, const auth_person_t *p, size_t n, int64_t selected)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, jpack("{s:I,s:s,s:s,s:b}", "value", (json_int_t)p[i].id, "label",
					       arena_printf(r->arena, "%s (%s)", p[i].name,
							    http_tf(r, "%s%s", "role_", p[i].role)),
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
	db_conn_t *c = r->db;
	catalog_office_t o = {0};
	int orc = *office_code ? catalog_office_by_code(c, r->arena, office_code, &o) : ERR_NOT_FOUND;
	bool has_office = orc == 0;
	json_t *offices = orc == 0 || orc == ERR_NOT_FOUND ? sched_office_list(r, c, has_office ? o.code : "") : NULL;
	if (!offices) {
		form_free(fm);
		http_reply_unavailable(r);
		return;
	}
	if (!week) {
		tz_local_t l;
		tz_local(has_office ? sched_zone_of(&o) : tz_utc(), sched_now(), &l);
		week = l.day;
	}
	int32_t start = tz_week_start(week);
	auth_person_t *people;
	size_t np;
	sched_shift_t *s = NULL;
	size_t n = 0;
	if (auth_people(c, r->arena, &people, &np) ||
	    (has_office &&
	     sched_store_shifts(c, r->arena, o.id, sched_date_str(r, start), sched_date_str(r, start + 6), &s, &n))) {
		json_decref(offices);
		form_free(fm);
		http_reply_unavailable(r);
		return;
	}
	json_t *rows = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(rows, jpack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)s[i].id, "date",
						  sched_date_label(r, s[i].day), "person",
						  person_name(people, np, s[i].user_id), "channel",
						  sched_channel_label(r, s[i].channel), "time",
						  arena_printf(r->arena, "%s–%s", sched_hhmm(r, s[i].start_min),
							       sched_hhmm(r, s[i].end_min))));
	}
	const char *base = arena_printf(r->arena, "/schedule/shifts?office=%s", has_office ? o.code : "");
	json_t *m =
		jpack("{s:o,s:o,s:o,s:o,s:b,s:b,s:s,s:s,s:s,s:s}", "offices", offices, "people",
		      people_options(r, people, np, person), "channels",
		      sched_channel_options(r, json_string_value(json_object_get(form_field(fm, "channel"), "v"))),
		      "shifts", rows, "has_office", has_office, "has_shifts", n > 0, "week", sched_date_str(r, start),
		      "week_label", http_subst(r, http_t(r, "sch_week"), "date", sched_day_label(r, start)), "prev",
		      arena_printf(r->arena, "%s&week=%s", base, sched_date_str(r, start - 7)), "next",
		      arena_printf(r->arena, "%s&week=%s", base, sched_date_str(r, start + 7)));
	if (has_office)
		json_object_set_new(m, "office", sched_office_json(r, &o));
	sched_form_page(r, status, "schedule/shifts", fm, m);
}

static void shifts_get(http_req_t *r)
{
	int32_t week = 0;
	const char *w = sched_qstr(r, "week");
	if (*w && tz_date_parse(w, &week)) {
		http_reply_error(r, 400, "bad_date", "sch_err_date", NULL);
		return;
	}
	form_t fm = form_new(r, "s");
	const char *office = sched_qstr(r, "office");
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
		x->shift.day = sched_date_str(r, d);
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

/* The person of the form's "user" field: 1 and *person when staff, 0 when not (the field's error
 * is added to fm), -1 when storage failed (answered: 503; fm freed). */
static int form_person(http_req_t *r, form_t *fm, int64_t *person)
{
	auth_person_t *people;
	size_t np;
	if (auth_people(r->db, r->arena, &people, &np)) {
		form_free(fm);
		http_reply_unavailable(r);
		return -1;
	}
	bool known = false;
	if (str_to_i64(form_str(r, "user"), 1, INT64_MAX, person) == 0)
		for (size_t i = 0; i < np; i++)
			known |= people[i].id == *person;
	if (!known)
		form_err(fm, "user", "sch_person", http_t(r, "sch_err_person"));
	return known;
}

static void shifts_post(http_req_t *r)
{
	db_conn_t *c = r->db;
	form_t fm = form_new(r, "s");
	shift_ctx_t x = {0};
	const char *office = form_str(r, "office");
	form_val(&fm, "office", office);
	catalog_office_t o;
	form_lookup(&fm, catalog_office_by_code(c, r->arena, office, &o), "office", "field_office",
		    http_t(r, "sch_err_office"));
	int64_t person = 0;
	if (form_person(r, &fm, &person) < 0)
		return;
	const char *ch = form_str(r, "channel");
	form_val(&fm, "channel", ch);
	if (!schedule_channel_valid(ch))
		form_err(&fm, "channel", "sch_channel", http_t(r, "sch_err_channel"));
	int32_t day, until;
	const char *sday, *suntil;
	sched_f_date(&fm, "day", "sch_date", true, &day, &sday);
	if (sched_f_date(&fm, "until", "sch_repeat_until", false, &until, &suntil) == 0 && *suntil && *sday) {
		if (until < day)
			form_err(&fm, "until", "sch_repeat_until", http_t(r, "sch_err_date_order"));
		else if (until - day > 26 * 7)
			form_err(&fm, "until", "sch_repeat_until", http_t(r, "sch_err_repeat"));
	}
	int a, b;
	int ra = sched_f_time(&fm, "start", "sch_time_from", true, &a),
	    rb = sched_f_time(&fm, "end", "sch_time_to", true, &b);
	if (!ra && !rb && b <= a)
		form_err(&fm, "end", "sch_time_to", http_t(r, "sch_err_time_order"));
	if (form_failed(&fm))
		return;
	if (form_bad(&fm)) {
		shifts_page(r, 422, &fm, office, 0, person);
		return;
	}
	form_free(&fm);
	x.shift = (sched_shift_t){0, person, o.id, ch, sday, a, b};
	x.first = day;
	x.last = *suntil ? until : day;
	const char *back = arena_printf(r->arena, "/schedule/shifts?office=%s&week=%s", o.code, sday);
	size_t weeks = x.last >= x.first ? (size_t)((x.last - x.first) / 7 + 1) : 0; /* what the change adds */
	http_tx_audit(r, "schedule.shift.add", arena_printf(r->arena, "user:%lld", (long long)person),
		      arena_printf(r->arena, "office %s %s %s %s-%s x%zu", o.code, ch, sday, sched_hhmm(r, a),
				   sched_hhmm(r, b), weeks));
	sched_apply_saved(r, o.id, 0, shift_add_change, &x, back, "shift");
}

static void shift_delete_post(http_req_t *r)
{
	db_conn_t *c = r->db;
	int64_t id;
	if (str_to_i64(form_str(r, "id"), 1, INT64_MAX, &id)) {
		http_reply_not_found(r);
		return;
	}
	/* The recompute needs the office: find it first. */
	int64_t office_id = 0;
	int rc = sched_store_shift_office(c, id, &office_id);
	if (rc == ERR_NOT_FOUND) {
		http_reply_not_found(r);
		return;
	}
	if (rc) {
		http_reply_unavailable(r);
		return;
	}
	shift_ctx_t x = {.id = id};
	const char *back = form_str(r, "back");
	if (!str_starts(back, "/schedule/shifts") || !sched_safe_url(back))
		back = "/schedule/shifts";
	http_tx_audit(r, "schedule.shift.delete", arena_printf(r->arena, "shift:%lld", (long long)id), "");
	sched_apply_saved(r, office_id, 0, shift_delete_change, &x, back, "shift_deleted");
}

/* ---------------------------------------------------------------- skills */

static void skills_page(http_req_t *r, int status, int64_t person, form_t *fm)
{
	db_conn_t *c = r->db;
	auth_person_t *people;
	size_t np;
	int64_t *skills = NULL;
	size_t ns = 0;
	if (auth_people(c, r->arena, &people, &np) ||
	    (person && sched_store_skills_of(c, r->arena, person, &skills, &ns))) {
		form_free(fm);
		http_reply_unavailable(r);
		return;
	}
	const char *name = NULL;
	for (size_t i = 0; i < np; i++)
		if (people[i].id == person)
			name = people[i].name;
	json_t *m = jpack("{s:o,s:b}", "people", people_options(r, people, np, person), "has_person", name != NULL);
	if (name) {
		json_t *options = sched_procedure_options(r, c, skills, ns);
		if (!options) {
			json_decref(m);
			form_free(fm);
			http_reply_unavailable(r);
			return;
		}
		json_object_set_new(m, "person", json_integer(person));
		json_object_set_new(m, "skills_title",
				    json_string(http_subst(r, http_t(r, "sch_skills_for"), "name", name)));
		json_object_set_new(m, "procedures", options);
	}
	sched_form_page(r, status, "schedule/skills", fm, m);
}

static void skills_get(http_req_t *r)
{
	int64_t person = 0;
	const char *u = sched_qstr(r, "user");
	if (*u && str_to_i64(u, 1, INT64_MAX, &person)) {
		http_reply_not_found(r);
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
	db_conn_t *c = r->db;
	form_t fm = form_new(r, "k");
	skills_ctx_t x = {0};
	int known = form_person(r, &fm, &x.person);
	if (known < 0)
		return;
	if (!known) {
		skills_page(r, 422, 0, &fm);
		return;
	}
	x.procs = arena_alloc(r->arena, (kv_count(&r->form, "procedures") + 1) * sizeof *x.procs);
	for (size_t i = 0; i < r->form.n; i++) {
		if (!str_eq(r->form.items[i].key, "procedures"))
			continue;
		catalog_procedure_t p;
		if (form_lookup(&fm, catalog_procedure_by_code(c, r->arena, r->form.items[i].val, &p), "procedures",
				"sch_procedures", http_t(r, "sch_err_procedure")))
			continue;
		x.procs[x.n++] = p.id;
	}
	if (form_failed(&fm))
		return;
	if (form_bad(&fm)) {
		skills_page(r, 422, x.person, &fm);
		return;
	}
	form_free(&fm);
	const char *back = arena_printf(r->arena, "/schedule/skills?user=%lld", (long long)x.person);
	/* Skills change derived seats wherever the person has shifts: every office. */
	http_tx_audit(r, "schedule.skills.set", arena_printf(r->arena, "user:%lld", (long long)x.person),
		      arena_printf(r->arena, "%zu procedure(s)", x.n));
	sched_apply_saved(r, 0, 0, skills_change, &x, back, "skills");
}

/* Holidays, shifts, skills. */
const http_route_t sched_staff_routes[] = {
	{HTTP_GET, "/schedule/holidays", holidays_get, RT_DB, SCHED_ROLES},
	{HTTP_POST, "/schedule/holidays/import", holidays_import_post, RT_FORM | RT_MULTIPART | RT_DB, SCHED_ROLES},
	{HTTP_POST, "/schedule/holidays/delete", holiday_delete_post, RT_FORM | RT_DB, SCHED_ROLES},
	{HTTP_GET, "/schedule/shifts", shifts_get, RT_DB, SCHED_ROLES},
	{HTTP_POST, "/schedule/shifts", shifts_post, RT_FORM | RT_DB, SCHED_ROLES},
	{HTTP_POST, "/schedule/shifts/delete", shift_delete_post, RT_FORM | RT_DB, SCHED_ROLES},
	{HTTP_GET, "/schedule/skills", skills_get, RT_DB, SCHED_ROLES},
	{HTTP_POST, "/schedule/skills", skills_post, RT_FORM | RT_DB, SCHED_ROLES},
	{0},
};
