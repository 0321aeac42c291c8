/* report.c — the monthly report: on the first run of a month (the jobs thread, hourly), the
 * previous month's figures, every theme, as a mail to each address of figures.report_to through
 * the outbox (notify), in figures.report_lang, with a link to the statistics pages of that month.
 * The dedupe key (month and address) makes it once per month and address, whichever node runs it. */
#include "figures/internal.h"

#include "app.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "base/tz.h"
#include "notify/notify.h"
#include "view/i18n.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *tr(void *ud, const char *key)
{
	const char *s = i18n_get(ud, key);
	return s ? s : key;
}

/* The report's model: {month, from, to, link, figures: [{title, rows: [{label, value, previous}]}]} */
static json_t *report_model(arena_t *a, const char *base, const fg_filter_t *f, const fg_fig_t *v, size_t n,
			    const char *lang)
{
	json_t *figs = json_array();
	for (size_t i = 0; i < n; i++) {
		const fg_fig_t *g = &v[i];
		if (g->skipped)
			continue;
		json_t *rows = json_array();
		for (size_t c = 0; c < g->ncols; c++)
			json_array_append_new(rows, jpack("{s:s,s:I,s:I}", "label",
							  tr((void *)lang, g->fig->cols[c].key), "value",
							  (json_int_t)g->tot[c], "previous", (json_int_t)g->ptot[c]));
		json_array_append_new(figs,
				      jpack("{s:s,s:o}", "title", tr((void *)lang, g->fig->title_key), "rows", rows));
	}
	char month[8];
	snprintf(month, sizeof month, "%.7s", f->cur.from);
	return jpack("{s:s,s:s,s:s,s:s,s:o}", "month", month, "from", f->cur.from, "to", f->cur.to, "link",
		     arena_printf(a, "%s/figures/attendance?from=%s&to=%s&group=day", base, f->cur.from, f->cur.to),
		     "figures", figs);
}

/* Queues the report of the month before `now` to every address (inside one transaction). */
static int enqueue(app_t *app, db_conn_t *c, arena_t *a, const char *to, const char *lang, json_t *model,
		   const char *month)
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
					  .dedupe_key = arena_printf(a, "figures-monthly:%s:%s", month, addr)};
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
	int32_t first = tz_days_from_civil(m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1, 1);
	int32_t last = l.day - d; /* the last day of the previous month */
	char from[TZ_DATE_LEN], until[TZ_DATE_LEN];
	tz_date_format(first, from);
	tz_date_format(last, until);
	arena_t *a = arena_new();
	fg_query_t q = {.from = from, .to = until, .group = "month", .lang = lang};
	fg_filter_t f;
	const char *field;
	fg_fig_t *v;
	size_t n;
	int rc = fg_filter_make(a, &q, l.day, 62, &f, &field);
	f.summary = config_bool(app->cfg, "figures.summary");
	if (!rc)
		rc = fg_gather(c, a, &f, NULL, &v, &n);
	if (!rc) {
		const char *base = config_str(app->cfg, "server.public_url");
		json_t *model = report_model(a, base ? base : "", &f, v, n, lang);
		char month[8];
		snprintf(month, sizeof month, "%.7s", from);
		rc = enqueue(app, c, a, to, lang, model, month);
		json_decref(model);
	}
	arena_free(a);
	return rc;
}
