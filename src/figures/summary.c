/* summary.c — the daily summary of the series figures and of the additive tables (docs/figures.md,
 * "Daily summary"). A series provider answers rows per local day × office × channel, so what it
 * answers for a whole day without filters is kept in fg_daily by the job figures.summary, and a
 * page whose filters are only the period, the office and the channel reads the days kept there
 * and asks the provider only for the others (today, and any day not summarised yet). An additive
 * table (CAP_FIG_ADDITIVE) is kept the same way by day and key in fg_daily_label, read back as
 * sums per key and made into the table by its provider. The job counts the missing days, the
 * last days again on every run (late changes: a cancellation, a no-show, a request answered
 * later) and a window of older days rolling back through the history, so every kept day is
 * counted again within a known time (docs/figures.md says how long). */
#include "figures/internal.h"

#include "app.h"
#include "base/config.h"
#include "base/err.h"
#include "base/rand.h"
#include "base/str.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK_DAYS 31 /* the days counted by one provider call and replaced in one transaction */

/* The provider's columns as "a,b,c": a day summarised with other columns is not read. */
static const char *cols_of(arena_t *a, const cap_figure_t *fig)
{
	buf_t b;
	buf_init(&b, 4096);
	for (size_t i = 0; i < CAP_FIG_COLS && fig->cols[i].name; i++)
		(void)buf_printf(&b, "%s%s", i ? "," : "", fig->cols[i].name);
	const char *s = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return s;
}

static void add(cap_fig_out_t *out, const char *day, const char *office, const char *channel, const int64_t *v)
{
	int64_t *w = cap_fig_row(out, day, office, channel);
	for (int i = 0; i < CAP_FIG_COLS; i++)
		w[i] += v[i];
}

static int summary_row(const fg_srow_t *r, void *ud)
{
	add(ud, r->day, r->office, r->channel, r->v);
	return 0;
}

/* f for the local days d0..d1, its instants a day wider on each side: a provider labels an event
 * with the local day of its office's zone (cap_fig_row_at), which for an office in another zone
 * (Atlantic/Canary) may fall outside the city's midnights; the rows labelled outside d0..d1 are
 * dropped by the caller, so every day's rows are whole wherever the calls split the period. */
static cap_fig_filter_t days_filter(arena_t *a, const cap_fig_filter_t *f, int32_t d0, int32_t d1)
{
	cap_fig_filter_t g = *f;
	fg_range(a, &g, d0, d1);
	g.from_at -= 86400;
	g.to_at += 86400;
	return g;
}

/* A table whose days the summary keeps (its run answers out->days and f->sums). */
static bool additive(const cap_figure_t *fig)
{
	return fig->kind == CAP_FIG_TABLE && (fig->flags & CAP_FIG_ADDITIVE);
}

/* The sum of key's rows: one row per key in sums (a few dozen keys at most: a linear search). */
static int sum_key(const char *key, const int64_t *v, void *ud)
{
	cap_fig_out_t *sums = ud;
	int64_t *w = NULL;
	for (size_t i = 0; !w && i < sums->n; i++)
		if (!strcmp(sums->rows[i].label, key))
			w = sums->rows[i].v;
	if (!w)
		w = cap_fig_row(sums, key, NULL, NULL);
	for (int i = 0; i < CAP_FIG_COLS; i++)
		w[i] += v[i];
	return 0;
}

/* True when some day of mark[0..n) is held by the summary. */
static bool any_held(const bool *mark, size_t n)
{
	size_t kept = 0;
	for (size_t i = 0; i < n; i++)
		kept += mark[i];
	return kept > 0;
}

/* The provider's rows for the days of d0..d1 the summary does not hold (mark), one call per run
 * of consecutive days; row gets each row labelled within its run (by its day when days, else by
 * its label). */
static int live_days(db_conn_t *c, const cap_figure_t *fig, const cap_fig_filter_t *f, int32_t d0, int32_t d1,
		     const bool *mark, bool days, int (*row)(const cap_fig_row_t *r, void *ud), void *ud, arena_t *a)
{
	int rc = 0;
	for (int32_t d = d0; !rc && d <= d1;) {
		if (mark[d - d0]) {
			d++;
			continue;
		}
		int32_t e = d;
		while (e < d1 && !mark[e + 1 - d0])
			e++;
		cap_fig_filter_t g = days_filter(a, f, d, e);
		cap_fig_out_t live = {.a = a, .days = days};
		rc = fig->run(c, &g, &live);
		for (size_t i = 0; !rc && i < live.n; i++) {
			const char *day = days ? live.rows[i].day : live.rows[i].label;
			int32_t x;
			if (day && !tz_date_parse(day, &x) && x >= d && x <= e)
				rc = row(&live.rows[i], ud);
		}
		d = e + 1;
	}
	return rc;
}

static int row_sum(const cap_fig_row_t *r, void *ud)
{
	return sum_key(r->label, r->v, ud);
}

static int row_add(const cap_fig_row_t *r, void *ud)
{
	add(ud, r->label, r->office, r->channel, r->v);
	return 0;
}

/* An additive table for the local days d0..d1: the sums over the days the summary holds, plus the
 * provider's rows by day for the others (one call per run of consecutive days), made into the
 * table by the provider (f->sums). */
static int table_read(db_conn_t *c, const cap_figure_t *fig, const cap_fig_filter_t *f, int32_t d0, int32_t d1,
		      cap_fig_out_t *out)
{
	size_t n = (size_t)(d1 - d0) + 1;
	bool *mark = arena_alloc(out->a, n);
	memset(mark, 0, n);
	cap_fig_out_t sums = {.a = out->a};
	int rc = fg_store_sums(c, fig->name, cols_of(out->a, fig), d0, d1, f->office, f->channel, mark, sum_key, &sums);
	if (rc)
		return rc;
	if (!any_held(mark, n))
		return fig->run(c, f, out); /* nothing summarised: exactly as before */
	rc = live_days(c, fig, f, d0, d1, mark, true, row_sum, &sums, out->a);
	if (rc)
		return rc;
	cap_fig_filter_t g = *f;
	g.sums = &sums;
	return fig->run(c, &g, out);
}

int fg_series_read(db_conn_t *c, const cap_figure_t *fig, const cap_fig_filter_t *f, bool summary, cap_fig_out_t *out)
{
	int32_t d0, d1;
	if (!summary || (fig->kind != CAP_FIG_SERIES && !additive(fig)) || *f->zone || *f->procedure ||
	    tz_date_parse(f->from, &d0) || tz_date_parse(f->to, &d1) || d1 < d0)
		return fig->run(c, f, out);
	if (fig->kind == CAP_FIG_TABLE)
		return table_read(c, fig, f, d0, d1, out);
	size_t n = (size_t)(d1 - d0) + 1;
	bool *mark = arena_alloc(out->a, n);
	memset(mark, 0, n);
	/* the days held and their rows (none when no day is held) */
	int rc = fg_store_read(c, fig->name, cols_of(out->a, fig), d0, d1, f->office, f->channel, mark, summary_row,
			       out);
	if (rc)
		return rc;
	if (!any_held(mark, n))
		return fig->run(c, f, out); /* nothing summarised: exactly as before */
	/* the other days live, one call per run of consecutive days */
	return live_days(c, fig, f, d0, d1, mark, false, row_add, out, out->a);
}

/* ---------------------------------------------------------------- the job */

static const char *nz(const char *s)
{
	return s ? s : "";
}

/* A row's day: a series' label, an additive table's day. */
static const char *day_of(const cap_fig_row_t *r)
{
	return r->day ? r->day : r->label;
}

static int row_cmp(const void *x, const void *y)
{
	const cap_fig_row_t *a = x, *b = y;
	int k = strcmp(day_of(a), day_of(b));
	if (!k)
		k = strcmp(a->label, b->label);
	if (!k)
		k = strcmp(nz(a->office), nz(b->office));
	return k ? k : strcmp(nz(a->channel), nz(b->channel));
}

/* Counts fig for the days d0..d1 without filters and replaces them in the summary: a series'
 * rows, or an additive table's rows by day (out->days). */
static int build(db_conn_t *c, arena_t *a, const cap_figure_t *fig, const char *cols, int32_t d0, int32_t d1,
		 int64_t now, fg_summary_stats_t *st)
{
	cap_fig_filter_t all = {.office = "", .zone = "", .channel = "", .procedure = "", .lang = "ca", .limit = 10};
	cap_fig_filter_t f = days_filter(a, &all, d0, d1);
	bool labels = fig->kind == CAP_FIG_TABLE;
	cap_fig_out_t out = {.a = a, .days = labels};
	int rc = fig->run(c, &f, &out);
	st->runs++;
	if (rc)
		return rc;
	/* only the period's days, sorted, each day × key × office × channel once */
	size_t n = 0;
	for (size_t i = 0; i < out.n; i++) {
		int32_t d;
		if ((!labels || out.rows[i].day) && !tz_date_parse(day_of(&out.rows[i]), &d) && d >= d0 && d <= d1)
			out.rows[n++] = out.rows[i];
	}
	if (n > 1)
		qsort(out.rows, n, sizeof *out.rows, row_cmp);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (m && !row_cmp(&out.rows[m - 1], &out.rows[i])) {
			for (int k = 0; k < CAP_FIG_COLS; k++)
				out.rows[m - 1].v[k] += out.rows[i].v[k];
		} else {
			out.rows[m++] = out.rows[i];
		}
	}
	/* the same rows as held (a recount that found no change, most of them): only the days marked */
	cap_fig_out_t held = {.a = a};
	rc = fg_store_rows(c, fig->name, d0, d1, labels, &held);
	if (rc)
		return rc;
	bool same = held.n == m;
	if (same && m > 1)
		qsort(held.rows, m, sizeof *held.rows, row_cmp);
	for (size_t i = 0; same && i < m; i++)
		same = !row_cmp(&held.rows[i], &out.rows[i]) &&
		       !memcmp(held.rows[i].v, out.rows[i].v, sizeof held.rows[i].v);
	rc = same ? fg_store_mark(c, fig->name, cols, d0, d1, now)
		  : fg_store_replace(c, fig->name, cols, d0, d1, labels, out.rows, m, now);
	if (!rc) {
		st->days += d1 - d0 + 1;
		st->rows += same ? 0 : (int64_t)m;
	}
	return rc;
}

/* The days of fig to count on this run (todo[i] for first + i), in chunks of CHUNK_DAYS. */
static int build_marked(db_conn_t *c, arena_t *a, const cap_figure_t *fig, const char *cols, int32_t first,
			const bool *todo, size_t n, int64_t now, fg_summary_stats_t *st)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < n;) {
		if (!todo[i]) {
			i++;
			continue;
		}
		size_t e = i;
		while (e + 1 < n && todo[e + 1] && e + 1 - i < CHUNK_DAYS)
			e++;
		rc = build(c, a, fig, cols, first + (int32_t)i, first + (int32_t)e, now, st);
		i = e + 1;
	}
	return rc;
}

int fg_summary_update(db_conn_t *c, int64_t now, const fg_summary_opts_t *o, fg_summary_stats_t *st)
{
	memset(st, 0, sizeof *st);
	int rc = fg_store_lease(c, o->holder, now, now + o->lease_s);
	if (rc <= 0) {
		st->skipped = rc == 0;
		return rc;
	}
	arena_t *a = arena_new();
	tz_local_t l;
	tz_local(fg_zone(), now, &l);
	int32_t last = l.day - 1, first = l.day - o->history_days;
	int32_t recent = last - o->recent_days + 1; /* from here to last: every run */
	const char *cur = "";
	int32_t cursor;
	rc = fg_store_cursor(c, a, &cur);
	if (rc)
		goto done;
	if (tz_date_parse(cur, &cursor) || cursor >= recent || cursor < first)
		cursor = recent - 1;
	int32_t vlo = cursor - o->verify_days + 1; /* the rolling re-check: vlo..cursor */
	if (vlo < first)
		vlo = first;
	size_t n = (size_t)(last - first) + 1;
	bool *todo = arena_alloc(a, n);
	for (size_t i = 0; !rc && i < cap_count; i++) {
		for (const cap_figure_t *fig = cap_table[i]->figures; !rc && fig && fig->name; fig++) {
			if (fig->kind != CAP_FIG_SERIES && !additive(fig))
				continue;
			const char *cols = cols_of(a, fig);
			memset(todo, 0, n);
			rc = fg_store_days(c, fig->name, cols, first, last, todo); /* the days kept */
			for (size_t k = 0; !rc && k < n; k++) {
				int32_t d = first + (int32_t)k;
				todo[k] = !todo[k] || d >= recent || (d >= vlo && d <= cursor);
			}
			if (!rc)
				rc = build_marked(c, a, fig, cols, first, todo, n, now, st);
		}
	}
	char next[TZ_DATE_LEN] = "";
	if (vlo - 1 >= first)
		tz_date_format(vlo - 1, next);
	tz_date_format(vlo, st->verified_to);
	if (!rc)
		rc = fg_store_done(c, o->holder, next, now);
done:
	if (rc)
		(void)fg_store_lease(c, o->holder, 0, 0); /* give the lease back; the cursor stays */
	arena_free(a);
	return rc;
}

int fg_summary_job(struct app *app, db_conn_t *c, int64_t now)
{
	/* the jobs thread only: when this node last ran it, and this node's name in the lease */
	static int64_t last;
	static char holder[RAND_TOKEN_HEX_LEN];
	const config_t *cfg = app->cfg;
	if (!config_bool(cfg, "figures.summary") || (last && now - last < config_int(cfg, "figures.summary_every")))
		return 0;
	last = now;
	if (!holder[0])
		rand_token_hex(holder);
	fg_summary_opts_t o = {
		.history_days = (int)config_int(cfg, "figures.summary_history_days"),
		.recent_days = (int)config_int(cfg, "figures.summary_recent_days"),
		.verify_days = (int)config_int(cfg, "figures.summary_verify_days"),
		.lease_s = 900,
		.holder = holder,
	};
	fg_summary_stats_t st;
	return fg_summary_update(c, now, &o, &st);
}
