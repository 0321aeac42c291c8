/* pages.c — the figures capability's routes:
 *   GET /figures                            the themes (coordinator, admin)
 *   GET /figures/{theme}                    one theme's figures: filters, totals against the
 *                                           previous period, a chart and its data table each
 *   GET /figures/{theme}/export.csv|.xlsx   the same figures as CSV or as a workbook
 *   GET /api/v1/figures/{theme}             the same figures as JSON
 *   GET /api/v1/stats/attendance            each channel's key stat per period (cap_figure_t.stat)
 *   GET /api/v1/stats/profile               people by age band × gender (tables with stat "profile")
 *   GET /api/v1/stats/export.xlsx           every theme's figures in one workbook
 *   GET /api/v1/open-data/daily.csv|.json   the anonymous daily aggregate (public, rate-limited)
 * Filters: from, to (YYYY-MM-DD), office, zone, channel, procedure (codes), group
 * (day|week|month). Every route only reads. */
#include "figures/internal.h"
#include "figures/web.h"

#include "app.h"
#include "auth/auth.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "base/tz.h"
#include "catalog/catalog.h"
#include "http/kit.h"
#include "view/i18n.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CSV_MAX (64u << 20)

static int32_t today(void)
{
	tz_local_t l;
	const tz_t *z = tz_get("Europe/Madrid");
	tz_local(z ? z : tz_utc(), (int64_t)time(NULL), &l);
	return l.day;
}

static fg_query_t query_of(http_req_t *r)
{
	return (fg_query_t){http_query(r, "from"),    http_query(r, "to"),
			    http_query(r, "office"),  http_query(r, "zone"),
			    http_query(r, "channel"), http_query(r, "procedure"),
			    http_query(r, "group"),   r->lang};
}

static const char *tr(void *ud, const char *key)
{
	return http_t(ud, key);
}

/* A bad filter: 422 with the field and its message, in the request's language. */
static void bad_filter(http_req_t *r, const char *field)
{
	http_reply_error(r, 422, "bad_filter", arena_printf(r->arena, "fg_err_%s", field),
			 jpack("{s:s}", "field", field));
}

static const fg_theme_t *theme_of(http_req_t *r)
{
	const fg_theme_t *t = fg_theme_find(http_param(r, "theme"));
	if (!t)
		http_reply_error(r, 404, "not_found", "fg_err_theme", NULL);
	return t;
}

/* The filter of the request, or answered (422) and false. */
static bool filter_of(http_req_t *r, fg_filter_t *f)
{
	fg_query_t q = query_of(r);
	const char *field = NULL;
	if (fg_filter_make(r->arena, &q, today(), (int)config_int(r->app->cfg, "figures.max_days"), f, &field)) {
		bad_filter(r, field);
		return false;
	}
	f->summary = config_bool(r->app->cfg, "figures.summary");
	return true;
}

static const char *group_name(int g)
{
	return g == FG_WEEK ? "week" : g == FG_MONTH ? "month" : "day";
}

/* ---------------------------------------------------------------- JSON */

static json_t *cols_obj(const fg_fig_t *g, const int64_t *v)
{
	json_t *o = json_object();
	for (size_t c = 0; c < g->ncols; c++)
		json_object_set_new(o, g->fig->cols[c].name, json_integer(v[c]));
	return o;
}

static json_t *lines_json(const fg_fig_t *g, const fg_line_t *v, size_t n, const char *label_name)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = cols_obj(g, v[i].v);
		if (label_name)
			json_object_set_new(o, label_name, json_string(v[i].label));
		if (*v[i].office)
			json_object_set_new(o, "office", json_string(v[i].office));
		if (*v[i].channel)
			json_object_set_new(o, "channel", json_string(v[i].channel));
		json_object_set_new(o, "previous", cols_obj(g, v[i].pv));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *figures_json(const fg_filter_t *f, const char *theme, const fg_fig_t *v, size_t n)
{
	json_t *figs = json_array();
	for (size_t i = 0; i < n; i++) {
		const fg_fig_t *g = &v[i];
		json_t *cols = json_array();
		for (size_t c = 0; c < g->ncols; c++)
			json_array_append_new(cols, json_string(g->fig->cols[c].name));
		json_t *o = jpack("{s:s,s:s,s:s,s:o,s:b}", "name", g->fig->name, "capability", g->owner, "kind",
				  g->fig->kind == CAP_FIG_SERIES ? "series" : "table", "columns", cols, "skipped",
				  g->skipped);
		if (!g->skipped) {
			json_object_set_new(o, "totals", cols_obj(g, g->tot));
			json_object_set_new(o, "previous_totals", cols_obj(g, g->ptot));
			if (g->fig->kind == CAP_FIG_SERIES) {
				json_object_set_new(o, "series", lines_json(g, g->lines, g->nlines, "period"));
				json_object_set_new(o, "by_office_channel", lines_json(g, g->split, g->nsplit, NULL));
			} else {
				json_object_set_new(o, "rows", lines_json(g, g->lines, g->nlines, "label"));
			}
		}
		json_array_append_new(figs, o);
	}
	return jpack("{s:s,s:s,s:s,s:s,s:{s:s,s:s},s:{s:s,s:s,s:s,s:s},s:o}", "theme", theme, "from", f->cur.from, "to",
		     f->cur.to, "group", group_name(f->group), "previous", "from", f->prev.from, "to", f->prev.to,
		     "filter", "office", f->cur.office, "zone", f->cur.zone, "channel", f->cur.channel, "procedure",
		     f->cur.procedure, "figures", figs);
}

/* Gathers the figures of theme (NULL: every theme) for the request's filter, or answers (422,
 * 503) and returns false. */
static bool gather_for(http_req_t *r, const char *theme, bool stats_only, fg_filter_t *f, fg_fig_t **v, size_t *n)
{
	if (!filter_of(r, f))
		return false;
	f->stats_only = stats_only;
	int rc = fg_gather(r->db, r->arena, f, theme, v, n);
	if (rc) {
		http_reply_failed(r, rc);
		return false;
	}
	return true;
}

/* The same for the theme of the path (404 when there is none such). */
static bool gather(http_req_t *r, const fg_theme_t **t, fg_filter_t *f, fg_fig_t **v, size_t *n)
{
	return (*t = theme_of(r)) && gather_for(r, (*t)->name, false, f, v, n);
}

static void api_theme(http_req_t *r)
{
	const fg_theme_t *t;
	fg_filter_t f;
	fg_fig_t *v;
	size_t n;
	if (!gather(r, &t, &f, &v, &n))
		return;
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200, figures_json(&f, t->name, v, n));
}

/* The measure of g named by its stat_col, or -1. */
static int stat_col(const fg_fig_t *g)
{
	for (size_t c = 0; c < g->ncols; c++)
		if (str_eq(g->fig->cols[c].name, g->fig->stat_col))
			return (int)c;
	return -1;
}

/* GET /api/v1/stats/attendance: the key stat of every channel that has one (cap_figure_t.stat)
 * per period, and the totals. */
static void api_stats_attendance(http_req_t *r)
{
	fg_filter_t f;
	fg_fig_t *v;
	size_t n;
	if (!gather_for(r, "attendance", true, &f, &v, &n))
		return;
	json_t *series = json_array(), *totals = json_object();
	for (size_t i = 0; i < n; i++) {
		const fg_fig_t *g = &v[i];
		int c = g->fig->stat && !g->skipped && g->fig->kind == CAP_FIG_SERIES ? stat_col(g) : -1;
		if (c < 0)
			continue;
		for (size_t l = 0; l < g->nlines; l++) {
			json_t *p = json_array_get(series, l); /* every series has the same periods */
			if (!p) {
				p = jpack("{s:s}", "period", g->lines[l].label);
				json_array_append_new(series, p);
			}
			json_int_t had = json_integer_value(json_object_get(p, g->fig->stat));
			json_object_set_new(p, g->fig->stat, json_integer(had + g->lines[l].v[c]));
		}
		json_int_t had = json_integer_value(json_object_get(totals, g->fig->stat));
		json_object_set_new(totals, g->fig->stat, json_integer(had + g->tot[c]));
	}
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200,
			jpack("{s:s,s:s,s:s,s:o,s:o}", "from", f.cur.from, "to", f.cur.to, "group", group_name(f.group),
			      "series", series, "totals", totals));
}

/* GET /api/v1/stats/profile: the people by age band × gender, from every table of the people
 * theme whose stat is "profile" (rows: i18n keys ending in "_age_BAND"; measures: the genders),
 * summed cell by cell. */
static void api_stats_profile(http_req_t *r)
{
	fg_filter_t f;
	fg_fig_t *v;
	size_t n;
	if (!gather_for(r, "people", true, &f, &v, &n))
		return;
	json_t *cells = json_array(), *totals = json_object();
	json_int_t total = 0;
	for (size_t i = 0; i < n; i++) {
		const fg_fig_t *g = &v[i];
		if (!g->fig->stat || !str_eq(g->fig->stat, "profile") || g->skipped || g->fig->kind != CAP_FIG_TABLE)
			continue;
		for (size_t l = 0; l < g->nlines; l++) {
			const char *band = strstr(g->lines[l].label, "_age_");
			band = band ? band + 5 : g->lines[l].label;
			for (size_t c = 0; c < g->ncols; c++) {
				const char *gender = g->fig->cols[c].name;
				json_t *cell = NULL;
				for (size_t k = 0; !cell && k < json_array_size(cells); k++) {
					json_t *x = json_array_get(cells, k);
					if (str_eq(json_string_value(json_object_get(x, "age_band")), band) &&
					    str_eq(json_string_value(json_object_get(x, "gender")), gender))
						cell = x;
				}
				if (!cell) {
					cell = jpack("{s:s,s:s,s:I}", "age_band", band, "gender", gender, "count",
						     (json_int_t)0);
					json_array_append_new(cells, cell);
				}
				json_int_t x = g->lines[l].v[c];
				json_object_set_new(cell, "count",
						    json_integer(json_integer_value(json_object_get(cell, "count")) +
								 x));
				json_object_set_new(totals, gender,
						    json_integer(json_integer_value(json_object_get(totals, gender)) +
								 x));
				total += x;
			}
		}
	}
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200,
			jpack("{s:s,s:s,s:s,s:o,s:o,s:I}", "from", f.cur.from, "to", f.cur.to, "office",
			      f.cur.office ? f.cur.office : "", "counts", cells, "by_gender", totals, "total", total));
}

static void reply_csv(http_req_t *r, buf_t *b, const char *name)
{
	http_add_header(r, "Content-Disposition", arena_printf(r->arena, "attachment; filename=\"%s\"", name));
	http_reply_text(r, 200, "text/csv; charset=utf-8", b->data ? b->data : "", b->len);
}

static void csv_theme(http_req_t *r)
{
	const fg_theme_t *t;
	fg_filter_t f;
	fg_fig_t *v;
	size_t n;
	if (!gather(r, &t, &f, &v, &n))
		return;
	buf_t b;
	buf_init(&b, CSV_MAX);
	if (fg_csv_figures(&b, v, n))
		http_reply_error(r, 413, "too_big", "fg_err_too_big", NULL);
	else {
		http_add_header(r, "Cache-Control", "no-store");
		reply_csv(r, &b, arena_printf(r->arena, "figures-%s-%s-%s.csv", t->name, f.cur.from, f.cur.to));
	}
	buf_free(&b);
}

static void reply_xlsx(http_req_t *r, const fg_fig_t *v, size_t n, const char *name)
{
	buf_t b;
	buf_init(&b, CSV_MAX);
	int rc = fg_xlsx(&b, v, n, tr, r);
	if (rc == ERR_TOO_BIG)
		http_reply_error(r, 413, "too_big", "fg_err_too_big", NULL);
	else if (rc)
		http_reply_failed(r, rc);
	else {
		http_add_header(r, "Cache-Control", "no-store");
		http_add_header(r, "Content-Disposition", arena_printf(r->arena, "attachment; filename=\"%s\"", name));
		http_reply_bytes(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b.data,
				 b.len);
	}
	buf_free(&b);
}

static void xlsx_theme(http_req_t *r)
{
	const fg_theme_t *t;
	fg_filter_t f;
	fg_fig_t *v;
	size_t n;
	if (gather(r, &t, &f, &v, &n))
		reply_xlsx(r, v, n, arena_printf(r->arena, "figures-%s-%s-%s.xlsx", t->name, f.cur.from, f.cur.to));
}

/* GET /api/v1/stats/export.xlsx: every theme's figures in one workbook. */
static void xlsx_all(http_req_t *r)
{
	fg_filter_t f;
	fg_fig_t *v;
	size_t n;
	if (gather_for(r, NULL, false, &f, &v, &n))
		reply_xlsx(r, v, n, arena_printf(r->arena, "figures-%s-%s.xlsx", f.cur.from, f.cur.to));
}

/* GET /figures/report.pdf?month=YYYY-MM: the monthly report of any month as a PDF, what the job
 * mails on the first of the next month, in the request's language. Audited. */
static void report_pdf(http_req_t *r)
{
	int y, m;
	if (fg_month_parse(http_query(r, "month"), &y, &m)) {
		bad_filter(r, "month");
		return;
	}
	unsigned char *pdf = NULL;
	size_t len = 0;
	const char *city = auth_city_name(r->db, r->arena, r->app->cfg);
	int rc = fg_report_pdf(r->db, r->arena, city, y, m, r->lang, config_bool(r->app->cfg, "figures.summary"), &pdf,
			       &len);
	if (rc == ERR_TOO_BIG)
		http_reply_error(r, 413, "too_big", "fg_err_too_big", NULL);
	else if (rc)
		http_reply_failed(r, rc);
	else {
		const char *month = arena_printf(r->arena, "%04d-%02d", y, m);
		auth_audit(r, "figures.report_pdf", arena_printf(r->arena, "month:%s", month), NULL);
		http_add_header(r, "Cache-Control", "no-store");
		http_add_header(r, "Content-Disposition",
				arena_printf(r->arena, "attachment; filename=\"figures-%s.pdf\"", month));
		http_reply_bytes(r, 200, "application/pdf", (const char *)pdf, len);
	}
	free(pdf);
}

/* The month of local day d as "YYYY-MM", and its link text ("PDF report of November 2026"). */
static void month_link(http_req_t *r, int32_t d, const char **month, const char **label)
{
	int y, m, dd;
	tz_civil_from_days(d, &y, &m, &dd);
	*month = arena_printf(r->arena, "%04d-%02d", y, m);
	const char *vars[] = {"of_month", http_t(r, arena_printf(r->arena, "fg_of_month_%d", m)), "year",
			      arena_printf(r->arena, "%d", y), NULL};
	*label = i18n_subst(r->arena, http_t(r, "fg_report_pdf_of"), vars);
}

/* ---------------------------------------------------------------- pages */

static const char *delta(http_req_t *r, int64_t v, int64_t pv)
{
	if (pv == 0)
		return v == 0 ? "0" : arena_printf(r->arena, "%+" PRId64, v);
	return arena_printf(r->arena, "%+" PRId64 " (%+.0f%%)", v - pv, 100.0 * (double)(v - pv) / (double)pv);
}

static const char *channel_label(http_req_t *r, const char *ch)
{
	if (!*ch)
		return "";
	const char *key = arena_printf(r->arena, "fg_channel_%s", ch);
	const char *s = http_t(r, key);
	return str_eq(s, key) ? ch : s; /* a channel named by a capability merged later */
}

static json_t *cells(const fg_fig_t *g, const fg_line_t *l)
{
	json_t *a = json_array();
	for (size_t c = 0; c < g->ncols; c++)
		json_array_append_new(a, jpack("{s:I,s:I}", "v", (json_int_t)l->v[c], "pv", (json_int_t)l->pv[c]));
	return a;
}

static json_t *fig_model(http_req_t *r, const fg_fig_t *g, size_t i)
{
	const char *title = http_t(r, g->fig->title_key);
	const char *id = arena_printf(r->arena, "fg-%zu", i);
	json_t *cols = json_array(), *tot = json_array();
	for (size_t c = 0; c < g->ncols; c++) {
		const char *label = http_t(r, g->fig->cols[c].key);
		json_array_append_new(cols, jpack("{s:s}", "label", label));
		json_array_append_new(tot, jpack("{s:s,s:I,s:I,s:s}", "label", label, "v", (json_int_t)g->tot[c], "pv",
						 (json_int_t)g->ptot[c], "delta", delta(r, g->tot[c], g->ptot[c])));
	}
	json_t *m = jpack("{s:s,s:s,s:s,s:b,s:b,s:o,s:o}", "id", id, "title", title, "name", g->fig->name, "skipped",
			  g->skipped, "series", g->fig->kind == CAP_FIG_SERIES, "cols", cols, "totals", tot);
	if (g->skipped)
		return m;
	json_object_set_new(m, "svg", json_string(fg_svg(r->arena, g, id, title, tr, r)));
	json_t *lines = json_array(), *split = json_array();
	for (size_t l = 0; l < g->nlines; l++) {
		const char *label =
			(g->fig->flags & CAP_FIG_LABEL_KEYS) ? http_t(r, g->lines[l].label) : g->lines[l].label;
		json_array_append_new(lines, jpack("{s:s,s:o}", "label", label, "cells", cells(g, &g->lines[l])));
	}
	for (size_t l = 0; l < g->nsplit; l++)
		json_array_append_new(split,
				      jpack("{s:s,s:s,s:o}", "office", g->split[l].office, "channel",
					    channel_label(r, g->split[l].channel), "cells", cells(g, &g->split[l])));
	json_object_set_new(m, "lines", lines);
	json_object_set_new(m, "split", split);
	json_object_set_new(m, "has_split", json_boolean(g->nsplit > 0));
	json_object_set_new(m, "empty", json_boolean(g->nlines == 0));
	return m;
}

/* The filter form's choices: offices and procedures from the catalogue, the channels, groups. */
static json_t *choices(http_req_t *r, const fg_filter_t *f)
{
	catalog_office_t *o = NULL;
	catalog_procedure_t *p = NULL;
	size_t no = 0, np = 0;
	if (catalog_offices(r->db, r->arena, &o, &no) || catalog_procedures(r->db, r->arena, &p, &np))
		return NULL;
	json_t *offices = json_array(), *procs = json_array(), *chans = json_array(), *groups = json_array();
	for (size_t i = 0; i < no; i++)
		json_array_append_new(offices, jpack("{s:s,s:s,s:b}", "code", o[i].code, "name",
						     catalog_office_name(&o[i], r->lang), "selected",
						     str_eq(o[i].code, f->cur.office)));
	for (size_t i = 0; i < np; i++)
		json_array_append_new(procs, jpack("{s:s,s:s,s:b}", "code", p[i].code, "name",
						   catalog_procedure_name(&p[i], r->lang), "selected",
						   str_eq(p[i].code, f->cur.procedure)));
	static const char *const CH[] = {"in_person", "phone", "video"};
	for (size_t i = 0; i < sizeof CH / sizeof *CH; i++)
		json_array_append_new(chans, jpack("{s:s,s:s,s:b}", "code", CH[i], "name", channel_label(r, CH[i]),
						   "selected", str_eq(CH[i], f->cur.channel)));
	for (int g = FG_DAY; g <= FG_MONTH; g++)
		json_array_append_new(groups, jpack("{s:s,s:s,s:b}", "code", group_name(g), "name",
						    http_t(r, arena_printf(r->arena, "fg_group_%s", group_name(g))),
						    "selected", f->group == g));
	return jpack("{s:o,s:o,s:o,s:o}", "offices", offices, "procedures", procs, "channels", chans, "groups", groups);
}

static json_t *themes_model(http_req_t *r, const char *current)
{
	json_t *a = json_array();
	for (const fg_theme_t *t = fg_themes; t->name; t++)
		json_array_append_new(a,
				      jpack("{s:s,s:s,s:s,s:b}", "href", arena_printf(r->arena, "/figures/%s", t->name),
					    "title", http_t(r, t->title_key), "intro", http_t(r, t->intro_key),
					    "current", str_eq(t->name, current)));
	return a;
}

static void page_index(http_req_t *r)
{
	int y, m, d;
	tz_civil_from_days(today(), &y, &m, &d);
	const char *last = arena_printf(r->arena, "%04d-%02d", m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1);
	http_reply_page(r, 200, "figures/index", jpack("{s:o,s:s}", "themes", themes_model(r, ""), "last_month", last));
}

/* The query string of the request's filters (for the export links). */
static const char *filter_qs(http_req_t *r, const fg_filter_t *f)
{
	return arena_printf(r->arena, "from=%s&to=%s&office=%s&zone=%s&channel=%s&procedure=%s&group=%s", f->cur.from,
			    f->cur.to, str_url_encode(r->arena, f->cur.office), str_url_encode(r->arena, f->cur.zone),
			    str_url_encode(r->arena, f->cur.channel), str_url_encode(r->arena, f->cur.procedure),
			    group_name(f->group));
}

static void page_theme(http_req_t *r)
{
	const fg_theme_t *t = theme_of(r);
	if (!t)
		return;
	fg_filter_t f;
	fg_query_t q = query_of(r);
	const char *field = NULL;
	if (fg_filter_make(r->arena, &q, today(), (int)config_int(r->app->cfg, "figures.max_days"), &f, &field)) {
		/* the form again, with what was typed and the message; no figures */
		fg_query_t d = {.lang = r->lang};
		const char *ignored;
		(void)fg_filter_make(r->arena, &d, today(), 31, &f, &ignored);
		json_t *ch = choices(r, &f);
		if (!ch) {
			http_reply_unavailable(r);
			return;
		}
		json_t *m = jpack("{s:s,s:s,s:o,s:o,s:s,s:{s:s,s:s,s:s}}", "theme", t->name, "title",
				  http_t(r, t->title_key), "themes", themes_model(r, t->name), "choices", ch, "error",
				  http_t(r, arena_printf(r->arena, "fg_err_%s", field)), "f", "from",
				  q.from ? q.from : "", "to", q.to ? q.to : "", "zone", q.zone ? q.zone : "");
		http_reply_page(r, 422, "figures/theme", m);
		return;
	}
	fg_fig_t *v;
	size_t n;
	json_t *ch = NULL;
	f.summary = config_bool(r->app->cfg, "figures.summary");
	if (fg_gather(r->db, r->arena, &f, t->name, &v, &n) || !(ch = choices(r, &f))) {
		http_reply_unavailable(r);
		return;
	}
	json_t *figs = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(figs, fig_model(r, &v[i], i));
	const char *qs = filter_qs(r, &f);
	json_t *m = jpack("{s:s,s:s,s:s,s:o,s:o,s:{s:s,s:s,s:s},s:s,s:s,s:s,s:s,s:o,s:b}", "theme", t->name, "title",
			  http_t(r, t->title_key), "intro", http_t(r, t->intro_key), "themes", themes_model(r, t->name),
			  "choices", ch, "f", "from", f.cur.from, "to", f.cur.to, "zone", f.cur.zone, "prev_from",
			  f.prev.from, "prev_to", f.prev.to, "csv_href",
			  arena_printf(r->arena, "/figures/%s/export.csv?%s", t->name, qs), "json_href",
			  arena_printf(r->arena, "/api/v1/figures/%s?%s", t->name, qs), "figures", figs, "has_figures",
			  n > 0);
	json_object_set_new(m, "xlsx_href",
			    json_string(arena_printf(r->arena, "/figures/%s/export.xlsx?%s", t->name, qs)));
	const char *month, *label;
	month_link(r, f.from_day, &month, &label);
	json_object_set_new(m, "pdf_href", json_string(arena_printf(r->arena, "/figures/report.pdf?month=%s", month)));
	json_object_set_new(m, "pdf_label", json_string(label));
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_page(r, 200, "figures/theme", m);
}

/* ---------------------------------------------------------------- open data */

static bool open_data(http_req_t *r, fg_filter_t *f, fg_cell_t **v, size_t *n)
{
	const config_t *cfg = r->app->cfg;
	int retry = 0;
	if (!http_rate_ok(r, "figures.open_data", (int)config_int(cfg, "figures.rate_open_data"), 60, &retry)) {
		http_reply_error(r, 429, "rate_limited", "fg_err_rate", NULL);
		return false;
	}
	fg_query_t q = query_of(r);
	q.zone = q.procedure = q.group = NULL; /* the aggregate is per day, office and channel only */
	const char *field = NULL;
	int32_t yesterday = today() - 1;
	if (fg_filter_make(r->arena, &q, yesterday, (int)config_int(cfg, "figures.open_data_max_days"), f, &field)) {
		bad_filter(r, field);
		return false;
	}
	if (f->to_day > yesterday) { /* only days that are over */
		bad_filter(r, "open_to");
		return false;
	}
	f->summary = config_bool(cfg, "figures.summary");
	int rc = fg_open_data(r->db, r->arena, f, fg_min_cell(cfg), v, n);
	if (rc) {
		http_reply_failed(r, rc);
		return false;
	}
	http_add_header(r, "Cache-Control", "public, max-age=3600");
	return true;
}

static void open_csv(http_req_t *r)
{
	fg_filter_t f;
	fg_cell_t *v;
	size_t n;
	if (!open_data(r, &f, &v, &n))
		return;
	buf_t b;
	buf_init(&b, CSV_MAX);
	if (fg_csv_open_data(&b, v, n))
		http_reply_error(r, 413, "too_big", "fg_err_too_big", NULL);
	else
		reply_csv(r, &b, arena_printf(r->arena, "open-data-%s-%s.csv", f.cur.from, f.cur.to));
	buf_free(&b);
}

static void open_json(http_req_t *r)
{
	fg_filter_t f;
	fg_cell_t *v;
	size_t n;
	if (!open_data(r, &f, &v, &n))
		return;
	json_t *rows = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(rows,
				      jpack("{s:s,s:s,s:s,s:s,s:s,s:o}", "date", v[i].day, "office", v[i].office,
					    "channel", v[i].channel, "figure", v[i].figure, "measure", v[i].measure,
					    "count", v[i].suppressed ? json_null() : json_integer(v[i].value)));
	http_reply_json(r, 200,
			jpack("{s:s,s:s,s:I,s:o}", "from", f.cur.from, "to", f.cur.to, "min_cell",
			      (json_int_t)fg_min_cell(r->app->cfg), "rows", rows));
}

const http_route_t fg_page_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/figures", page_index, 0, FG_ROLES},
	{HTTP_GET | HTTP_HEAD, "/figures/report.pdf", report_pdf, RT_DB, FG_ROLES},
	{HTTP_GET | HTTP_HEAD, "/figures/{theme}", page_theme, RT_DB, FG_ROLES},
	{HTTP_GET | HTTP_HEAD, "/figures/{theme}/export.csv", csv_theme, RT_DB, FG_ROLES},
	{HTTP_GET | HTTP_HEAD, "/figures/{theme}/export.xlsx", xlsx_theme, RT_DB, FG_ROLES},
	{0},
};

const http_route_t fg_api_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/api/v1/figures/{theme}", api_theme, RT_API | RT_DB, FG_ROLES},
	{HTTP_GET | HTTP_HEAD, "/api/v1/stats/attendance", api_stats_attendance, RT_API | RT_DB, FG_ROLES},
	{HTTP_GET | HTTP_HEAD, "/api/v1/stats/profile", api_stats_profile, RT_API | RT_DB, FG_ROLES},
	{HTTP_GET | HTTP_HEAD, "/api/v1/stats/export.xlsx", xlsx_all, RT_API | RT_DB, FG_ROLES},
	{HTTP_GET | HTTP_HEAD, "/api/v1/open-data/daily.csv", open_csv, RT_API | RT_DB, 0},
	{HTTP_GET | HTTP_HEAD, "/api/v1/open-data/daily.json", open_json, RT_API | RT_DB, 0},
	{0},
};
