/* pages.c — the ict staff pages:
 *   GET  /staff/ict              the session form (ICT agents, coordinators, admins); ?saved=ID
 *   POST /staff/ict              records the session: 303 to ?saved=ID, or the form again (422)
 *   GET  /staff/ict/evaluation   the programme's figures with a chart and the CSV link
 *                                (coordinators, admins); ?from=&to=&office=&agent= */
#include "ict/web.h"

#include "app.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "base/tz.h"
#include "booking/booking.h"
#include "catalog/catalog.h"
#include "http/form.h"
#include "http/kit.h"
#include "people/people.h"

#include <string.h>
#include <time.h>

static json_t *opt(const char *value, const char *label, bool on)
{
	return jpack("{s:s,s:s,s:b}", "value", value, "label", label, "on", on);
}

static json_t *choices(http_req_t *r, const char *const *set, int n, const char *fmt, const char *cur)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, opt(set[i], http_tf(r, fmt, set[i]), str_eq(cur, set[i])));
	return a;
}

/* The pickers and repeated rows of the form, from what was posted (or nothing). */
static json_t *form_model(http_req_t *r, bool posted, const fielderr_t *errs)
{
	const char *office = posted ? form_str(r, "office") : r->user->office ? r->user->office : "";
	json_t *m = json_object(), *offices = json_array(), *rows = json_array(), *tools = json_array();
	json_t *levels = json_array();
	catalog_office_t *o = NULL;
	catalog_procedure_t *p = NULL;
	size_t no = 0, np = 0;
	if (catalog_offices(r->db, r->arena, &o, &no) || catalog_procedures(r->db, r->arena, &p, &np))
		no = np = 0;
	for (size_t i = 0; i < no; i++)
		if (o[i].active && !str_eq(o[i].kind, "virtual_office"))
			json_array_append_new(offices, opt(o[i].code, catalog_office_name(&o[i], r->lang),
							   str_eq(office, o[i].code)));
	for (int k = 1; k <= 3; k++) {
		const char *svc = posted ? form_str(r, arena_printf(r->arena, "service_%d", k)) : "";
		json_t *services = json_array();
		for (size_t i = 0; i < np; i++)
			json_array_append_new(services, opt(p[i].code, catalog_procedure_name(&p[i], r->lang),
							    str_eq(svc, p[i].code)));
		const char *mode = posted ? form_str(r, arena_printf(r->arena, "mode_%d", k)) : "with";
		json_array_append_new(rows, jpack("{s:i,s:o,s:s,s:o}", "k", k, "services", services, "other",
						  posted ? form_str(r, arena_printf(r->arena, "other_%d", k)) : "",
						  "modes", choices(r, ict_modes, ICT_MODES, "ict_mode_%s", mode)));
	}
	size_t nt = 0;
	const char **on = posted ? form_values(r, "tools", &nt) : NULL;
	for (int k = 0; k < ICT_TOOLS; k++)
		json_array_append_new(tools, opt(ict_tools[k], http_tf(r, "ict_tool_%s", ict_tools[k]),
						 ict_in(ict_tools[k], on, (int)nt)));
	for (int k = 0; k < ICT_SKILLS; k++) {
		const char *cur = posted ? form_str(r, arena_printf(r->arena, "level_%s", ict_skills[k])) : "";
		static const char *const lv[4] = {"0", "1", "2", "3"};
		const char *err = errs ? fielderr_get(errs, arena_printf(r->arena, "level_%s", ict_skills[k])) : NULL;
		json_array_append_new(levels, jpack("{s:s,s:s,s:o,s:s?}", "skill", ict_skills[k], "label",
						    http_tf(r, "ict_skill_%s", ict_skills[k]), "options",
						    choices(r, lv, 4, "ict_level_%s", cur), "err",
						    err ? http_t(r, err) : NULL));
	}
	json_object_set_new(m, "offices", offices);
	json_object_set_new(m, "rows", rows);
	json_object_set_new(m, "tools", tools);
	json_object_set_new(m, "levels", levels);
	json_object_set_new(m, "age_bands",
			    choices(r, people_age_bands, 5, "ict_age_%s", posted ? form_str(r, "age_band") : ""));
	json_object_set_new(m, "genders",
			    choices(r, people_genders, 4, "ict_gender_%s", posted ? form_str(r, "gender") : ""));
	json_object_set_new(m, "nexts",
			    choices(r, ict_nexts, ICT_NEXT, "ict_next_%s", posted ? form_str(r, "next") : ""));
	static const char *const moments[2] = {"before", "after"};
	json_object_set_new(m, "moments", choices(r, moments, 2, "ict_moment_%s", posted ? form_str(r, "moment") : ""));
	return m;
}

#define RECENT_MAX 10

/* The signed-in agent's latest sessions, with who they were with (their own work: no audit). */
static json_t *recent_model(http_req_t *r)
{
	json_t *a = json_array();
	ict_item_t *v;
	size_t n;
	if (ict_store_recent(r->db, r->arena, r->user->email, RECENT_MAX, &v, &n))
		return a;
	for (size_t i = 0; i < n; i++) {
		people_t p;
		if (people_get(r->db, r->arena, v[i].person_id, &p))
			continue;
		json_array_append_new(a, jpack("{s:I,s:s,s:s,s:s,s:i,s:s,s:s}", "id", (json_int_t)v[i].id, "when",
					       people_when(r->arena, v[i].at), "name", p.name, "office", v[i].office,
					       "minutes", v[i].minutes, "moment",
					       *v[i].moment ? http_tf(r, "ict_moment_%s", v[i].moment) : "", "next",
					       *v[i].next ? http_tf(r, "ict_next_%s", v[i].next) : ""));
	}
	return a;
}

/* The agenda: today's appointments at the signed-in person's office that are still to be served,
 * each with the link that starts its session. */
static json_t *agenda_model(http_req_t *r)
{
	json_t *a = json_array();
	catalog_office_t o;
	if (!r->user->office || !*r->user->office || catalog_office_by_code(r->db, r->arena, r->user->office, &o))
		return a;
	const tz_t *z = tz_get(o.tz && *o.tz ? o.tz : "Europe/Madrid");
	tz_local_t lt;
	tz_local(z ? z : tz_utc(), (int64_t)time(NULL), &lt);
	char day[TZ_DATE_LEN], hhmm[TZ_HHMM_LEN];
	tz_date_format(lt.day, day);
	booking_ctx_t ctx;
	ict_booking_ctx(r, &ctx);
	booking_t *v;
	size_t n;
	if (booking_list(&ctx, o.id, day, "", &v, &n))
		return a;
	for (size_t i = 0; i < n; i++) {
		if (!str_eq(v[i].status, "booked") && !str_eq(v[i].status, "checked_in"))
			continue;
		tz_local(z ? z : tz_utc(), v[i].start_at, &lt);
		tz_hhmm_format(lt.minute, hhmm);
		json_array_append_new(a, jpack("{s:s,s:s,s:s,s:s,s:s}", "time", hhmm, "name", v[i].name, "code",
					       v[i].code, "service", v[i].service_code, "href",
					       arena_printf(r->arena, "/staff/ict?appointment=%s", v[i].code)));
	}
	return a;
}

static void session_page(http_req_t *r, int status, form_t *fm, const fielderr_t *errs)
{
	bool posted = errs != NULL;
	json_t *m = form_model(r, posted, errs);
	json_t *recent = recent_model(r);
	json_object_set_new(m, "has_recent", json_boolean(json_array_size(recent) > 0));
	json_object_set_new(m, "recent", recent);
	json_t *agenda = agenda_model(r);
	json_object_set_new(m, "has_agenda", json_boolean(json_array_size(agenda) > 0));
	json_object_set_new(m, "agenda", agenda);
	const char *saved = http_query(r, "saved");
	int64_t id = 0;
	if (!posted && saved && !str_to_i64(saved, 1, INT64_MAX, &id))
		json_object_set_new(m, "notice", json_string(http_subst(r, http_t(r, "ict_saved"), "id", saved)));
	form_into(fm, m);
	http_reply_page(r, status, "ict/session", m);
}

static void session_get(http_req_t *r)
{
	form_t fm = form_new(r, "ict");
	form_val(&fm, "minutes", "30");
	const char *appt = http_query(r, "appointment");
	form_val(&fm, "appointment", appt ? appt : "");
	session_page(r, 200, &fm, NULL);
}

static void session_post(http_req_t *r)
{
	ict_session_t s;
	fielderr_t errs = {0};
	ict_from_form(r, &s, &errs);
	int rc = ict_save(r, &s, &errs);
	if (rc == HTTP_TX_ANSWERED)
		return;
	if (rc && rc != ERR_INVALID) {
		http_reply_failed(r, rc == ERR_NOT_FOUND ? ERR_DB : rc);
		return;
	}
	if (!rc) {
		http_reply_redirect(r, arena_printf(r->arena, "/staff/ict?saved=%lld", (long long)s.id));
		return;
	}
	form_t fm = form_new(r, "ict");
	static const char *const kept[] = {"appointment", "name",  "id_number", "email", "phone",
					   "needs",       "notes", "minutes",   "date"};
	for (size_t i = 0; i < sizeof kept / sizeof *kept; i++)
		form_val(&fm, kept[i], form_str(r, kept[i]));
	form_on(&fm, "consent", form_check(r, "consent"));
	for (size_t i = 0; i < errs.n; i++)
		form_err(&fm, errs.e[i].field, arena_printf(r->arena, "ict_f_%s", errs.e[i].field),
			 http_t(r, errs.e[i].key));
	session_page(r, 422, &fm, &errs);
}

/* ---------------------------------------------------------------- the evaluation */

/* Bars of the chart: width in the SVG's units (300 = 100 %). */
static json_t *bar(http_req_t *r, const char *key, double pct, int y)
{
	return jpack("{s:s,s:s,s:i,s:i,s:i}", "label", http_t(r, key), "pct", arena_printf(r->arena, "%.1f", pct), "w",
		     (int)(pct * 3.0 + 0.5), "y", y, "ty", y + 16);
}

static void evaluation_page(http_req_t *r)
{
	ict_filter_t f;
	ict_eval_t ev;
	if (!ict_filter_from(r, &f) || !ict_eval_for(r, &f, &ev))
		return;
	json_t *m = ict_eval_json(&ev), *bars = json_array(), *skills = json_object_get(m, "skills");
	json_array_append_new(bars, bar(r, "ict_low_before", ev.pairs.low_before_pct, 0));
	json_array_append_new(bars, bar(r, "ict_low_after", ev.pairs.low_after_pct, 30));
	json_array_append_new(bars, bar(r, "ict_email_before", ev.pairs.email_before_pct, 70));
	json_array_append_new(bars, bar(r, "ict_email_after", ev.pairs.email_after_pct, 100));
	json_object_set_new(m, "bars", bars);
	for (size_t i = 0; i < json_array_size(skills); i++) {
		json_t *s = json_array_get(skills, i);
		json_object_set_new(s, "label",
				    json_string(http_tf(r, "ict_skill_%s",
							json_string_value(json_object_get(s, "skill")))));
	}
	json_t *tools = json_array(), *modes = json_array(), *profile = json_object_get(m, "profile");
	for (int k = 0; k < ICT_TOOLS; k++)
		json_array_append_new(tools, jpack("{s:s,s:I}", "label", http_tf(r, "ict_tool_%s", ict_tools[k]), "n",
						   (json_int_t)ev.tools[k]));
	for (int k = 0; k < ICT_MODES; k++)
		json_array_append_new(modes, jpack("{s:s,s:I}", "label", http_tf(r, "ict_mode_%s", ict_modes[k]), "n",
						   (json_int_t)ev.modes[k]));
	for (size_t i = 0; i < json_array_size(profile); i++) {
		json_t *p = json_array_get(profile, i);
		const char *ab = json_string_value(json_object_get(p, "age_band"));
		const char *g = json_string_value(json_object_get(p, "gender"));
		json_object_set_new(p, "age_label", json_string(*ab ? http_tf(r, "ict_age_%s", ab) : "—"));
		json_object_set_new(p, "gender_label", json_string(*g ? http_tf(r, "ict_gender_%s", g) : "—"));
	}
	json_object_set_new(m, "tool_rows", tools);
	json_object_set_new(m, "mode_rows", modes);
	static const char *const keys[4] = {"from", "to", "office", "agent"};
	json_t *fv = json_object();
	const char *csv = "/api/v1/ict/evaluation.csv?";
	for (int k = 0; k < 4; k++) {
		const char *v = http_query(r, keys[k]);
		v = v ? v : "";
		json_object_set_new(fv, keys[k], json_string(v));
		csv = arena_printf(r->arena, "%s%s%s=%s", csv, k ? "&" : "", keys[k], str_url_encode(r->arena, v));
	}
	json_object_set_new(m, "csv", json_string(csv));
	json_object_set_new(m, "xlsx",
			    json_string(arena_printf(r->arena, "/api/v1/ict/evaluation.xlsx%s", strchr(csv, '?'))));
	json_object_set_new(m, "q", fv);
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_page(r, 200, "ict/evaluation", m);
}

const http_route_t ict_page_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/staff/ict", session_get, RT_DB, ICT_ROLES},
	{HTTP_POST, "/staff/ict", session_post, RT_FORM | RT_DB, ICT_ROLES},
	{HTTP_GET | HTTP_HEAD, "/staff/ict/evaluation", evaluation_page, RT_DB, ICT_EVAL_ROLES},
	{0},
};
