/* report.c — the monthly report: on the first run of a month (the jobs thread, hourly), the
 * previous month's figures, every theme, as a mail to each address of figures.report_to through
 * the outbox (notify), in figures.report_lang, with the report as a PDF attached (render/pdf.h,
 * pdf_report: the headline figures, charts of the month's days and every figure, each compared
 * with the month before) and a link to the statistics pages of that month. The dedupe key (month
 * and address) makes it once per month and address, whichever node runs it. The same PDF, for
 * any month, is what staff download from the statistics pages (fg_report_pdf). */
#include "figures/internal.h"

#include "app.h"
#include "auth/auth.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/mem.h"
#include "base/str.h"
#include "base/tz.h"
#include "notify/notify.h"
#include "render/pdf.h"
#include "view/i18n.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STATS 8

static const char *tr(void *ud, const char *key)
{
	const char *s = i18n_get(ud, key);
	return s ? s : key;
}

int fg_month_parse(const char *s, int *y, int *m)
{
	if (!s || strlen(s) != 7 || s[4] != '-')
		return ERR_INVALID;
	for (int i = 0; i < 7; i++)
		if (i != 4 && !isdigit((unsigned char)s[i]))
			return ERR_INVALID;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	return *y >= 2000 && *y <= 2999 && *m >= 1 && *m <= 12 ? 0 : ERR_INVALID;
}

/* The figures of the calendar month y-m, by group (day or month), every theme. */
static int gather_month(db_conn_t *c, arena_t *a, int y, int m, const char *group, const char *lang, bool summary,
			fg_filter_t *f, fg_fig_t **v, size_t *n)
{
	int32_t first = tz_days_from_civil(y, m, 1);
	int32_t last = tz_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - 1;
	char *from = arena_alloc(a, TZ_DATE_LEN), *to = arena_alloc(a, TZ_DATE_LEN);
	tz_date_format(first, from);
	tz_date_format(last, to);
	fg_query_t q = {.from = from, .to = to, .group = group, .lang = lang};
	const char *field;
	int rc = fg_filter_make(a, &q, last, 62, f, &field);
	f->summary = summary; /* as the pages and the API read, so the report says what they say */
	return rc ? rc : fg_gather(c, a, f, NULL, v, n);
}

/* The same figure in the month before (gathered in the same order), or NULL. */
static const fg_fig_t *before(const fg_fig_t *g, const fg_fig_t *pv, size_t pn)
{
	for (size_t j = 0; j < pn; j++)
		if (pv[j].fig == g->fig && !pv[j].skipped)
			return &pv[j];
	return NULL;
}

/* "novembre de 2026": the month's name in lang. */
static const char *month_name(arena_t *a, const char *lang, int y, int m)
{
	const char *vars[] = {"month", tr((void *)lang, arena_printf(a, "fg_month_%d", m)), "year",
			      arena_printf(a, "%d", y), NULL};
	return i18n_subst(a, tr((void *)lang, "fg_report_month"), vars);
}

/* The key stats of the attendance theme (as GET /api/v1/stats/attendance counts them). */
typedef struct {
	const char *name;
	int64_t tot, ptot;
	int64_t *daily; /* one per day of the month */
} stat_t;

static size_t key_stats(arena_t *a, const fg_fig_t *v, size_t n, const fg_fig_t *pv, size_t pn, size_t days, stat_t *st)
{
	size_t ns = 0;
	for (size_t i = 0; i < n; i++) {
		const fg_fig_t *g = &v[i];
		if (!g->fig->stat || g->skipped || g->fig->kind != CAP_FIG_SERIES ||
		    !str_eq(g->fig->theme, "attendance"))
			continue;
		int c = -1;
		for (size_t k = 0; k < g->ncols; k++)
			if (str_eq(g->fig->cols[k].name, g->fig->stat_col))
				c = (int)k;
		if (c < 0)
			continue;
		size_t s = 0;
		while (s < ns && !str_eq(st[s].name, g->fig->stat))
			s++;
		if (s == ns) {
			if (ns == MAX_STATS)
				continue;
			st[ns++] = (stat_t){.name = g->fig->stat, .daily = arena_alloc(a, days * sizeof(int64_t))};
			memset(st[s].daily, 0, days * sizeof(int64_t));
		}
		st[s].tot += g->tot[c];
		const fg_fig_t *p = before(g, pv, pn);
		if (p)
			st[s].ptot += p->tot[c];
		for (size_t l = 0; l < g->nlines && l < days; l++)
			st[s].daily[l] += g->lines[l].v[c];
	}
	return ns;
}

static json_t *row(const char *label, int64_t v, int64_t pv)
{
	return jpack("{s:s,s:I,s:I}", "label", label, "value", (json_int_t)v, "previous", (json_int_t)pv);
}

/* Each figure counted in v: {title, rows: [{label, value, previous}]}, previous from pv. */
static json_t *fig_sections(const char *lang, const fg_fig_t *v, size_t n, const fg_fig_t *pv, size_t pn)
{
	void *L = (void *)lang;
	json_t *sections = json_array();
	for (size_t i = 0; i < n; i++) {
		const fg_fig_t *g = &v[i];
		if (g->skipped)
			continue;
		const fg_fig_t *p = before(g, pv, pn);
		json_t *rows = json_array();
		for (size_t c = 0; c < g->ncols; c++)
			json_array_append_new(rows, row(tr(L, g->fig->cols[c].key), g->tot[c], p ? p->tot[c] : 0));
		json_array_append_new(sections, jpack("{s:s,s:o}", "title", tr(L, g->fig->title_key), "rows", rows));
	}
	return sections;
}

/* The model of pdf_report (render/pdf.h) for month y-m in lang. */
static json_t *pdf_model(arena_t *a, const char *lang, const char *city, int y, int m, const fg_filter_t *f,
			 const fg_fig_t *v, size_t n, const fg_fig_t *pv, size_t pn)
{
	void *L = (void *)lang;
	const char *month = month_name(a, lang, y, m);
	const char *prev = month_name(a, lang, m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1);
	const char *tvars[] = {"month",    tr(L, arena_printf(a, "fg_month_%d", m)),
			       "of_month", tr(L, arena_printf(a, "fg_of_month_%d", m)),
			       "year",     arena_printf(a, "%d", y),
			       NULL};
	const char *title = i18n_subst(a, tr(L, "fg_report_title"), tvars);
	const char *svars[] = {"from", f->cur.from, "to", f->cur.to, "previous", prev, NULL};
	size_t days = (size_t)(f->to_day - f->from_day + 1);

	stat_t st[MAX_STATS];
	size_t ns = key_stats(a, v, n, pv, pn, days, st);
	json_t *head = json_array(), *daily = json_array(), *labels = json_array(), *now = json_array(),
	       *then = json_array(), *days_l = json_array();
	for (size_t s = 0; s < ns; s++) {
		const char *label = tr(L, arena_printf(a, "fg_stat_%s", st[s].name));
		json_array_append_new(head, row(label, st[s].tot, st[s].ptot));
		json_array_append_new(labels, json_string(label));
		json_array_append_new(now, json_integer(st[s].tot));
		json_array_append_new(then, json_integer(st[s].ptot));
		json_t *vals = json_array();
		for (size_t d = 0; d < days; d++)
			json_array_append_new(vals, json_integer(st[s].daily[d]));
		json_array_append_new(daily, jpack("{s:s,s:o}", "name", label, "values", vals));
	}
	for (size_t d = 0; d < days; d++)
		json_array_append_new(days_l, json_string(arena_printf(a, "%zu", d + 1)));

	json_t *sections = fig_sections(lang, v, n, pv, pn);
	json_t *charts = json_array();
	if (ns) {
		json_array_append_new(charts,
				      jpack("{s:s,s:s,s:s,s:s,s:o,s:o}", "title", tr(L, "fg_report_daily"),
					    "description", tr(L, "fg_report_daily_desc"), "kind", "stacked",
					    "label_header", tr(L, "fg_report_day"), "labels", days_l, "series", daily));
		json_array_append_new(charts, jpack("{s:s,s:s,s:s,s:o,s:[{s:s,s:o},{s:s,s:o}]}", "title",
						    tr(L, "fg_report_compare"), "kind", "bars", "label_header",
						    tr(L, "fg_report_col_figure"), "labels", labels, "series", "name",
						    month, "values", now, "name", prev, "values", then));
	} else {
		json_decref(days_l);
		json_decref(daily);
		json_decref(labels);
		json_decref(now);
		json_decref(then);
	}
	return jpack("{s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s,s:s},s:{s:s,s:o},s:o,s:o}", "city", city, "title", title,
		     "subtitle", i18n_subst(a, tr(L, "fg_report_period"), svars), "footer",
		     arena_printf(a, "%s · %s", city, title), "sections_title", tr(L, "fg_report_all"), "columns",
		     "label", tr(L, "fg_report_col_figure"), "value", month, "previous", prev, "change",
		     tr(L, "fg_report_col_change"), "headline", "title", tr(L, "fg_report_headline"), "rows", head,
		     "charts", charts, "sections", sections);
}

/* The figures of y-m by day and of the month before; 0 or an error. */
static int gather_both(db_conn_t *c, arena_t *a, int y, int m, const char *lang, bool summary, fg_filter_t *f,
		       fg_fig_t **v, size_t *n, fg_fig_t **pv, size_t *pn)
{
	fg_filter_t pf;
	int rc = gather_month(c, a, y, m, "day", lang, summary, f, v, n);
	return rc ? rc
		  : gather_month(c, a, m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1, "month", lang, summary, &pf, pv, pn);
}

int fg_report_pdf(db_conn_t *c, arena_t *a, const char *city, int y, int m, const char *lang, bool summary,
		  unsigned char **pdf, size_t *len)
{
	fg_filter_t f;
	fg_fig_t *v, *pv;
	size_t n, pn;
	int rc = gather_both(c, a, y, m, lang, summary, &f, &v, &n, &pv, &pn);
	if (rc)
		return rc;
	json_t *model = pdf_model(a, lang, city, y, m, &f, v, n, pv, pn);
	rc = pdf_report(model, lang, pdf, len);
	json_decref(model);
	return rc;
}

/* The mail's model: {month, from, to, link, figures: [{title, rows: [{label, value, previous}]}]},
 * the month compared with the month before, as in the PDF. */
static json_t *mail_model(arena_t *a, const char *base, const fg_filter_t *f, const fg_fig_t *v, size_t n,
			  const fg_fig_t *pv, size_t pn, const char *lang, const char *pdf_name)
{
	json_t *figs = fig_sections(lang, v, n, pv, pn);
	char month[8];
	snprintf(month, sizeof month, "%.7s", f->cur.from);
	return jpack("{s:s,s:s,s:s,s:s,s:s,s:o}", "month", month, "from", f->cur.from, "to", f->cur.to, "link",
		     arena_printf(a, "%s/figures/attendance?from=%s&to=%s&group=day", base, f->cur.from, f->cur.to),
		     "pdf_name", pdf_name, "figures", figs);
}

/* Queues the report to every address of the list, the PDF attached (inside one transaction). */
static int enqueue(db_conn_t *c, arena_t *a, const char *to, const char *lang, json_t *model, const char *month,
		   const unsigned char *pdf, size_t pdf_len, const char *pdf_name)
{
	int rc = db_begin(c);
	char *list = arena_strdup(a, to);
	for (char *p = list; !rc && p && *p;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		char *addr = str_trim(p);
		if (*addr) {
			notify_msg_t m = {.kind = "figures_monthly",
					  .lang = lang,
					  .to_email = addr,
					  .model = model,
					  .dedupe_key = arena_printf(a, "figures-monthly:%s:%s", month, addr),
					  .attachment = pdf,
					  .attachment_len = pdf_len,
					  .attachment_name = pdf_name,
					  .attachment_type = "application/pdf"};
			rc = notify_enqueue(c, &m);
		}
		p = comma ? comma + 1 : NULL;
	}
	if (rc) {
		(void)db_rollback(c);
		return rc;
	}
	return db_commit(c);
}

/* Whether every address of the list has this month's report already (sent or waiting). */
static int all_queued(db_conn_t *c, arena_t *a, const char *to, const char *month)
{
	char *list = arena_strdup(a, to);
	for (char *p = list; p && *p;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		char *addr = str_trim(p);
		if (*addr) {
			int rc = notify_queued(c, arena_printf(a, "figures-monthly:%s:%s", month, addr));
			if (rc <= 0)
				return rc;
		}
		p = comma ? comma + 1 : NULL;
	}
	return 1;
}

int fg_report_run(app_t *app, db_conn_t *c, int64_t now)
{
	const char *to = config_str(app->cfg, "figures.report_to");
	if (!to || !*to)
		return 0;
	const char *lang = config_str(app->cfg, "figures.report_lang");
	const tz_t *z = tz_get("Europe/Madrid");
	tz_local_t l;
	tz_local(z ? z : tz_utc(), now, &l);
	int y, m, d;
	tz_civil_from_days(l.day, &y, &m, &d);
	if (--m == 0) { /* the month before */
		m = 12;
		y--;
	}
	arena_t *a = arena_new();
	char month[16];
	snprintf(month, sizeof month, "%04d-%02d", y, m);
	/* Hourly: once every address has it, nothing is gathered or drawn again. */
	int rc = all_queued(c, a, to, month);
	if (rc != 0) {
		arena_free(a);
		return rc < 0 ? rc : 0;
	}
	fg_filter_t f;
	fg_fig_t *v, *pv;
	size_t n, pn;
	const char *city = NULL;
	rc = auth_city_name_get(c, a, app->cfg, &city);
	if (!rc)
		rc = gather_both(c, a, y, m, lang, config_bool(app->cfg, "figures.summary"), &f, &v, &n, &pv, &pn);
	if (!rc) {
		const char *name = arena_printf(a, "figures-%s.pdf", month);
		json_t *pm = pdf_model(a, lang, city, y, m, &f, v, n, pv, pn);
		unsigned char *pdf = NULL;
		size_t len = 0;
		rc = pdf_report(pm, lang, &pdf, &len);
		json_decref(pm);
		if (!rc) {
			const char *base = config_str(app->cfg, "server.public_url");
			json_t *model = mail_model(a, base ? base : "", &f, v, n, pv, pn, lang, name);
			rc = enqueue(c, a, to, lang, model, month, pdf, len, name);
			json_decref(model);
		}
		free(pdf);
	}
	arena_free(a);
	return rc;
}
