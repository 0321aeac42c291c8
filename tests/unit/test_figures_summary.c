/* test_figures_summary.c — the daily summary of the series figures (src/figures/summary.c) on
 * hand-made visits with known answers, on SQLite (and PostgreSQL when FINESTRETA_TEST_PG_URL is
 * set): a capability table of this file's own whose one series provider counts the rows of a table
 * the test writes. The figures read from the summary equal those counted live, for a month, an
 * empty month, the two DST days of 2027 in Europe/Madrid (23 and 25 hours) and with office and
 * channel filters; a late change to a recent day is right after one run, one to an old day after
 * at most the runs of one rolling re-check (the staleness docs/figures.md states); the lease keeps
 * a second node out. An additive table of its own (CAP_FIG_ADDITIVE: the top statuses) reads the
 * same from the summary as counted, with a top N whose order changes over the days, an empty
 * period, the DST days, an office filter and a period ending today. Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/tz.h"
#include "core/cap.h"
#include "db/db.h"
#include "figures/internal.h"
#include "testdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZONEINFO "tests/data/zoneinfo"

/* ---------------------------------------------------------------- a table of its own */

/* Visits (t_visits): counted on the local day of `at`; measures visits, done, no_show. */
static int visits_row(db_res_t *r, void *ud)
{
	cap_fig_out_t *out = ud;
	int64_t *v = cap_fig_row_at(out, db_res_int(r, 0), NULL, db_res_text(r, 1), db_res_text(r, 2));
	const char *st = db_res_text(r, 3);
	v[0]++;
	v[1] += strcmp(st, "done") == 0;
	v[2] += strcmp(st, "no_show") == 0;
	return 0;
}

static int visits(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	db_param_t p[] = {DB_INT(f->from_at), DB_INT(f->to_at), DB_TEXT(f->office), DB_TEXT(f->channel)};
	return db_query_each(c,
			     "SELECT at, office, channel, status FROM t_visits WHERE at >= $1 AND at < $2 "
			     "AND ($3 = '' OR office = $3) AND ($4 = '' OR channel = $4) ORDER BY at, id",
			     p, 4, visits_row, out);
}

/* An additive table (CAP_FIG_ADDITIVE): the top f->limit statuses by visits (most first, then by
 * status), labelled "st_" + status: counted; by day and status (out->days); from the sums
 * (f->sums). */
static int status_live_row(db_res_t *r, void *ud)
{
	cap_fig_out_t *out = ud;
	char label[64];
	snprintf(label, sizeof label, "st_%s", db_res_text(r, 0));
	cap_fig_row(out, label, NULL, NULL)[0] = db_res_int(r, 1);
	return 0;
}

static int status_day_row(db_res_t *r, void *ud)
{
	cap_fig_row_day_at(ud, db_res_int(r, 0), NULL, db_res_text(r, 3), db_res_text(r, 1), db_res_text(r, 2))[0]++;
	return 0;
}

static int sum_cmp(const void *x, const void *y)
{
	const cap_fig_row_t *a = *(const cap_fig_row_t *const *)x, *b = *(const cap_fig_row_t *const *)y;
	return a->v[0] != b->v[0] ? (a->v[0] > b->v[0] ? -1 : 1) : strcmp(a->label, b->label);
}

static int statuses(db_conn_t *c, const cap_fig_filter_t *f, cap_fig_out_t *out)
{
	if (f->sums) {
		const cap_fig_row_t *v[16];
		size_t n = 0;
		for (size_t i = 0; i < f->sums->n && n < 16; i++)
			v[n++] = &f->sums->rows[i];
		qsort(v, n, sizeof *v, sum_cmp);
		for (size_t i = 0; i < n && (int)i < f->limit; i++) {
			char label[64];
			snprintf(label, sizeof label, "st_%s", v[i]->label);
			cap_fig_row(out, label, NULL, NULL)[0] = v[i]->v[0];
		}
		return 0;
	}
	db_param_t p[] = {DB_INT(f->from_at), DB_INT(f->to_at), DB_TEXT(f->office), DB_TEXT(f->channel),
			  DB_INT(f->limit)};
	if (out->days)
		return db_query_each(c,
				     "SELECT at, office, channel, status FROM t_visits WHERE at >= $1 AND at < $2 "
				     "AND ($3 = '' OR office = $3) AND ($4 = '' OR channel = $4) ORDER BY at, id",
				     p, 4, status_day_row, out);
	return db_query_each(c,
			     "SELECT status, COUNT(*) FROM t_visits WHERE at >= $1 AND at < $2 AND ($3 = '' OR office "
			     "= $3) AND ($4 = '' OR channel = $4) GROUP BY status ORDER BY COUNT(*) DESC, status LIMIT "
			     "$5",
			     p, 5, status_live_row, out);
}

static const cap_fig_col_t cols[] = {{"visits", "k_v"}, {"done", "k_d"}, {"no_show", "k_n"}, {0}};
static const cap_fig_col_t status_cols[] = {{"visits", "k_v"}, {0}};
static const cap_figure_t figs[] = {
	{"t.visits", "attendance", "k_visits", CAP_FIG_SERIES,
	 CAP_FIG_BY_OFFICE | CAP_FIG_BY_CHANNEL | CAP_FIG_BY_ZONE | CAP_FIG_OPEN, cols, visits, NULL, NULL},
	{"t.statuses", "people", "k_statuses", CAP_FIG_TABLE, CAP_FIG_BY_OFFICE | CAP_FIG_BY_CHANNEL | CAP_FIG_ADDITIVE,
	 status_cols, statuses, NULL, NULL},
	{0},
};
/* named "figures" so that testdb_open applies migrations/figures/ */
static const cap_t test_cap = {.name = "figures", .figures = figs};
const cap_t *const cap_table[] = {&test_cap};
const size_t cap_count = 1;

/* ---------------------------------------------------------------- fixture */

static testdb_t *g_backend;

typedef struct {
	db_t *db;
	db_conn_t *c;
	int64_t next_id;
} fx_t;

static int setup(void **state)
{
	char err[256];
	fx_t *f = calloc(1, sizeof *f);
	f->db = testdb_open(g_backend, 2, 1, err, sizeof err);
	if (!f->db) {
		print_error("setup (%s): %s\n", g_backend->name, err);
		free(f);
		return -1;
	}
	f->c = db_acquire(f->db);
	if (db_exec_script(f->c, "CREATE TABLE t_visits (id BIGINT PRIMARY KEY, at BIGINT NOT NULL, office TEXT "
				 "NOT NULL, channel TEXT NOT NULL, status TEXT NOT NULL)")) {
		print_error("setup: %s\n", db_errmsg(f->c));
		return -1;
	}
	f->next_id = 1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx_t *f = *state;
	db_release(f->c);
	testdb_close(g_backend, f->db);
	free(f);
	return 0;
}

/* An instant from an ISO-like UTC string "YYYY-MM-DDTHH:MM". */
static int64_t utc(const char *s)
{
	int32_t d;
	char day[11];
	snprintf(day, sizeof day, "%.10s", s);
	assert_int_equal(tz_date_parse(day, &d), 0);
	int h = (s[11] - '0') * 10 + (s[12] - '0'), m = (s[14] - '0') * 10 + (s[15] - '0');
	return (int64_t)d * 86400 + h * 3600 + m * 60;
}

static int64_t visit(fx_t *f, const char *at_utc, const char *office, const char *channel, const char *status)
{
	int64_t id = f->next_id++;
	db_param_t p[] = {DB_INT(id), DB_INT(utc(at_utc)), DB_TEXT(office), DB_TEXT(channel), DB_TEXT(status)};
	assert_int_equal(db_exec_one(f->c, "INSERT INTO t_visits VALUES ($1, $2, $3, $4, $5)", p, 5), 0);
	return id;
}

static void set_status(fx_t *f, int64_t id, const char *status)
{
	db_param_t p[] = {DB_TEXT(status), DB_INT(id)};
	assert_int_equal(db_exec_one(f->c, "UPDATE t_visits SET status = $1 WHERE id = $2", p, 2), 0);
}

/* "now" is 2027-11-15 12:00 local (11:00 UTC): today is the 15th, yesterday the 14th. */
#define NOW_UTC "2027-11-15T11:00"
static const fg_summary_opts_t OPTS = {.history_days = 400,
				       .recent_days = 3,
				       .verify_days = 30,
				       .lease_s = 900,
				       .holder = "node-a"};

static fg_summary_stats_t run_job(fx_t *f, const fg_summary_opts_t *o)
{
	fg_summary_stats_t st;
	int rc = fg_summary_update(f->c, utc(NOW_UTC), o, &st);
	if (rc)
		print_error("job: %s\n", db_errmsg(f->c));
	assert_int_equal(rc, 0);
	return st;
}

/* The visits' figure for from..to (today: 2027-11-15), from the summary or live. */
static fg_fig_t gather(fx_t *f, arena_t *a, const char *from, const char *to, const char *office, const char *channel,
		       bool summary)
{
	int32_t today;
	assert_int_equal(tz_date_parse("2027-11-15", &today), 0);
	fg_query_t q = {.from = from, .to = to, .office = office, .channel = channel, .group = "day"};
	fg_filter_t ff;
	const char *field = NULL;
	assert_int_equal(fg_filter_make(a, &q, today, 731, &ff, &field), 0);
	ff.summary = summary;
	fg_fig_t *v;
	size_t n;
	assert_int_equal(fg_gather(f->c, a, &ff, "attendance", &v, &n), 0);
	assert_int_equal(n, 1);
	return v[0];
}

static void assert_same(const fg_fig_t *x, const fg_fig_t *y)
{
	assert_int_equal(x->nlines, y->nlines);
	assert_int_equal(x->nsplit, y->nsplit);
	for (size_t c = 0; c < CAP_FIG_COLS; c++) {
		assert_int_equal(x->tot[c], y->tot[c]);
		assert_int_equal(x->ptot[c], y->ptot[c]);
	}
	for (size_t i = 0; i < x->nlines; i++) {
		assert_string_equal(x->lines[i].label, y->lines[i].label);
		assert_memory_equal(x->lines[i].v, y->lines[i].v, sizeof x->lines[i].v);
		assert_memory_equal(x->lines[i].pv, y->lines[i].pv, sizeof x->lines[i].pv);
	}
	for (size_t i = 0; i < x->nsplit; i++) {
		assert_string_equal(x->split[i].office, y->split[i].office);
		assert_string_equal(x->split[i].channel, y->split[i].channel);
		assert_memory_equal(x->split[i].v, y->split[i].v, sizeof x->split[i].v);
		assert_memory_equal(x->split[i].pv, y->split[i].pv, sizeof x->split[i].pv);
	}
}

/* Gathers both ways, checks they agree, and returns the summary's. */
static fg_fig_t both(fx_t *f, arena_t *a, const char *from, const char *to, const char *office, const char *channel)
{
	fg_fig_t live = gather(f, a, from, to, office, channel, false);
	fg_fig_t sum = gather(f, a, from, to, office, channel, true);
	assert_same(&sum, &live);
	return sum;
}

static const fg_line_t *line(const fg_fig_t *g, const char *label)
{
	for (size_t i = 0; i < g->nlines; i++)
		if (strcmp(g->lines[i].label, label) == 0)
			return &g->lines[i];
	fail_msg("no line %s", label);
	return NULL;
}

static int64_t count(fx_t *f, const char *sql)
{
	int64_t n = -1;
	db_param_t none[1];
	assert_int_equal(db_query_int(f->c, sql, none, 0, &n), 0);
	return n;
}

/* The DST days of 2027 in Europe/Madrid and their neighbours, by the UTC instant:
 * spring forward on 2027-03-28 (local 02:00 CET → 03:00 CEST; 23 hours, 2027-03-27T23:00Z to
 * 2027-03-28T22:00Z); fall back on 2027-10-31 (03:00 CEST → 02:00 CET; 25 hours, 2027-10-30T22:00Z to
 * 2027-10-31T23:00Z). */
static void dst_visits(fx_t *f)
{
	visit(f, "2027-03-27T22:30", "centre", "in_person", "done");   /* 27th, 23:30 CET */
	visit(f, "2027-03-27T23:00", "centre", "in_person", "done");   /* 28th, 00:00 CET */
	visit(f, "2027-03-28T00:59", "centre", "phone", "no_show");    /* 28th, 01:59 CET */
	visit(f, "2027-03-28T01:00", "port", "in_person", "done");     /* 28th, 03:00 CEST */
	visit(f, "2027-03-28T21:59", "centre", "in_person", "booked"); /* 28th, 23:59 CEST */
	visit(f, "2027-03-28T22:00", "centre", "in_person", "done");   /* 29th, 00:00 CEST */
	visit(f, "2027-10-30T21:59", "centre", "in_person", "done");   /* 30th, 23:59 CEST */
	visit(f, "2027-10-30T22:00", "centre", "in_person", "done");   /* 31st, 00:00 CEST */
	visit(f, "2027-10-31T00:30", "centre", "phone", "done");       /* 31st, 02:30 CEST */
	visit(f, "2027-10-31T01:30", "centre", "phone", "no_show");    /* 31st, 02:30 CET */
	visit(f, "2027-10-31T22:59", "port", "in_person", "done");     /* 31st, 23:59 CET */
	visit(f, "2027-10-31T23:00", "port", "in_person", "done");     /* 1 Nov, 00:00 CET */
}

/* The statuses' table for from..to with the top limit, from the summary or live; its lines. */
static fg_fig_t gather_table(fx_t *f, arena_t *a, const char *from, const char *to, const char *office, int limit,
			     bool summary)
{
	int32_t today;
	assert_int_equal(tz_date_parse("2027-11-15", &today), 0);
	fg_query_t q = {.from = from, .to = to, .office = office, .group = "day"};
	fg_filter_t ff;
	const char *field = NULL;
	assert_int_equal(fg_filter_make(a, &q, today, 731, &ff, &field), 0);
	ff.summary = summary;
	ff.cur.limit = ff.prev.limit = limit;
	fg_fig_t *v;
	size_t n;
	assert_int_equal(fg_gather(f->c, a, &ff, "people", &v, &n), 0);
	assert_int_equal(n, 1);
	return v[0];
}

/* Both ways, the same rows in the same order (and the previous period's beside them); the
 * summary's, as "label=n,label=n", are want. */
static void table_both(fx_t *f, arena_t *a, const char *from, const char *to, const char *office, int limit,
		       const char *want)
{
	char s[256];
	size_t len = sizeof s;
	fg_fig_t live = gather_table(f, a, from, to, office, limit, false);
	fg_fig_t sum = gather_table(f, a, from, to, office, limit, true);
	assert_int_equal(sum.nlines, live.nlines);
	size_t k = 0;
	s[0] = 0;
	for (size_t i = 0; i < sum.nlines; i++) {
		assert_string_equal(sum.lines[i].label, live.lines[i].label);
		assert_memory_equal(sum.lines[i].v, live.lines[i].v, sizeof sum.lines[i].v);
		assert_memory_equal(sum.lines[i].pv, live.lines[i].pv, sizeof sum.lines[i].pv);
		k += (size_t)snprintf(s + k, len - k, "%s%s=%lld", i ? "," : "", sum.lines[i].label,
				      (long long)sum.lines[i].v[0]);
	}
	assert_string_equal(s, want);
}

/* ---------------------------------------------------------------- tests */

/* An additive table read from the summary: the same top N as counted, whose order changes over
 * the days; an empty period; the DST days; an office filter; a period ending today. */
static void test_table_equals_live(void **state)
{
	fx_t *f = *state;
	dst_visits(f); /* 28 Mar: done 2, no_show 1, booked 1; 31 Oct: done 3, no_show 1 */
	/* early September: done leads; late September: cancelled overtakes it */
	for (int i = 0; i < 5; i++)
		visit(f, "2027-09-02T08:00", "centre", "in_person", "done");
	visit(f, "2027-09-03T08:00", "port", "in_person", "no_show");
	visit(f, "2027-09-03T09:00", "port", "phone", "no_show");
	for (int i = 0; i < 7; i++)
		visit(f, "2027-09-25T08:00", i % 2 ? "port" : "centre", "in_person", "cancelled");
	visit(f, "2027-11-15T09:00", "centre", "in_person", "cancelled"); /* today: always live */
	visit(f, "2027-11-15T09:30", "centre", "in_person", "cancelled");
	run_job(f, &OPTS);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM fg_days WHERE figure = 't.statuses'"), 400);
	assert_true(count(f, "SELECT COUNT(*) FROM fg_daily_label WHERE figure = 't.statuses'") > 0);

	arena_t *a = arena_new();
	table_both(f, a, "2027-09-01", "2027-09-10", "", 2, "st_done=5,st_no_show=2");
	table_both(f, a, "2027-09-01", "2027-09-30", "", 2, "st_cancelled=7,st_done=5");
	table_both(f, a, "2027-09-01", "2027-09-30", "port", 10, "st_cancelled=3,st_no_show=2");
	/* an empty month: no rows either way */
	table_both(f, a, "2027-06-01", "2027-06-30", "", 10, "");
	/* the DST days (23 and 25 hours) */
	table_both(f, a, "2027-03-28", "2027-03-28", "", 10, "st_done=2,st_booked=1,st_no_show=1");
	table_both(f, a, "2027-10-31", "2027-10-31", "", 10, "st_done=3,st_no_show=1");
	/* ending today: the summary's days and today counted by day */
	table_both(f, a, "2027-09-20", "2027-11-15", "", 2, "st_cancelled=9,st_done=5");
	/* read from the summary, not recounted: a count changed there shows */
	assert_true(db_exec(f->c, "UPDATE fg_daily_label SET v0 = v0 + 100 WHERE label = 'no_show'", NULL, 0) > 0);
	fg_fig_t g = gather_table(f, a, "2027-09-01", "2027-09-10", "", 2, true);
	assert_string_equal(g.lines[0].label, "st_no_show");
	assert_int_equal(g.lines[0].v[0], 202);
	arena_free(a);
}

static void test_summary_equals_live(void **state)
{
	fx_t *f = *state;
	dst_visits(f);
	visit(f, "2027-11-02T09:00", "centre", "in_person", "done");
	visit(f, "2027-11-15T09:00", "centre", "in_person", "booked"); /* today: always live */
	fg_summary_stats_t st = run_job(f, &OPTS);
	assert_false(st.skipped);
	assert_int_equal(st.days, 2 * 400); /* every day of the history, yesterday included, of both figures */
	/* the days are kept, today is not */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM fg_days WHERE figure = 't.visits'"), 400);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM fg_days WHERE day = '2027-11-15'"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM fg_days WHERE day = '2027-11-14'"), 2);

	arena_t *a = arena_new();
	/* spring forward: 4 visits on the 23-hour day, one either side */
	fg_fig_t g = both(f, a, "2027-03-27", "2027-03-29", "", "");
	assert_int_equal(line(&g, "2027-03-27")->v[0], 1);
	assert_int_equal(line(&g, "2027-03-28")->v[0], 4);
	assert_int_equal(line(&g, "2027-03-28")->v[1], 2);
	assert_int_equal(line(&g, "2027-03-28")->v[2], 1);
	assert_int_equal(line(&g, "2027-03-29")->v[0], 1);
	/* fall back: 4 visits on the 25-hour day (02:30 twice) */
	g = both(f, a, "2027-10-30", "2027-11-01", "", "");
	assert_int_equal(line(&g, "2027-10-30")->v[0], 1);
	assert_int_equal(line(&g, "2027-10-31")->v[0], 4);
	assert_int_equal(line(&g, "2027-10-31")->v[2], 1);
	assert_int_equal(line(&g, "2027-11-01")->v[0], 1);
	/* the single DST days, with office and channel filters */
	g = both(f, a, "2027-03-28", "2027-03-28", "centre", "");
	assert_int_equal(g.tot[0], 3);
	g = both(f, a, "2027-10-31", "2027-10-31", "", "phone");
	assert_int_equal(g.tot[0], 2);
	g = both(f, a, "2027-10-31", "2027-10-31", "port", "in_person");
	assert_int_equal(g.tot[0], 1);
	assert_int_equal(g.nsplit, 1);
	/* an empty month (and its empty previous month) */
	g = both(f, a, "2027-06-01", "2027-06-30", "", "");
	assert_int_equal(g.nlines, 30);
	assert_int_equal(g.tot[0], 0);
	assert_int_equal(g.nsplit, 0);
	/* a period that ends today: the summary's days and today live */
	g = both(f, a, "2027-10-16", "2027-11-15", "", "");
	assert_int_equal(g.tot[0], 8); /* 30 Oct, 4 on the 31st, 1 and 2 Nov, today */
	assert_int_equal(line(&g, "2027-11-15")->v[0], 1);
	/* a year, grouped by day, with the previous year beside it */
	g = both(f, a, "2026-11-16", "2027-11-15", "", "");
	assert_int_equal(g.tot[0], 14);
	arena_free(a);
}

/* A recount that finds a day's rows as held only marks the day; one that finds a change replaces
 * them. */
static void test_recount_unchanged(void **state)
{
	fx_t *f = *state;
	visit(f, "2027-11-14T09:00", "centre", "in_person", "done");
	int64_t id = visit(f, "2027-11-14T10:00", "port", "phone", "booked");
	visit(f, "2027-11-01T10:00", "port", "phone", "cancelled");
	fg_summary_stats_t st = run_job(f, &OPTS);
	assert_true(st.rows > 0);
	st = run_job(f, &OPTS);
	assert_int_equal(st.days, 2 * (OPTS.recent_days + OPTS.verify_days));
	assert_int_equal(st.rows, 0); /* nothing changed: nothing written */
	set_status(f, id, "no_show");
	st = run_job(f, &OPTS);
	/* the 14th's chunk of each figure rewritten: t.visits' 2 rows and t.statuses' 2 of the 12th..14th */
	assert_int_equal(st.rows, 4);
	assert_int_equal(count(f, "SELECT v2 FROM fg_daily WHERE day = '2027-11-14' AND office = 'port'"), 1);
	assert_int_equal(count(f, "SELECT v0 FROM fg_daily_label WHERE day = '2027-11-14' AND label = 'no_show'"), 1);
	arena_t *a = arena_new();
	table_both(f, a, "2027-11-01", "2027-11-14", "", 10, "st_cancelled=1,st_done=1,st_no_show=1");
	arena_free(a);
}

/* The summary is read, not recounted: a change it has not seen yet shows only live; a change to
 * a recent day is right after one run, one to an old day after at most
 * ceil((history - recent) / verify) + 1 runs. */
static void test_late_changes(void **state)
{
	fx_t *f = *state;
	dst_visits(f);
	int64_t recent = visit(f, "2027-11-13T09:00", "centre", "in_person", "booked"); /* 2 days ago */
	run_job(f, &OPTS);
	arena_t *a = arena_new();

	/* a no-show marked late on a recent day */
	set_status(f, recent, "no_show");
	fg_fig_t live = gather(f, a, "2027-11-13", "2027-11-13", "", "", false);
	fg_fig_t sum = gather(f, a, "2027-11-13", "2027-11-13", "", "", true);
	assert_int_equal(live.tot[2], 1);
	assert_int_equal(sum.tot[2], 0); /* stale until the job runs */
	run_job(f, &OPTS);
	sum = both(f, a, "2027-11-13", "2027-11-13", "", "");
	assert_int_equal(sum.tot[2], 1);

	/* a visit on the spring-forward day, long past, marked done seven months later... */
	int64_t old = visit(f, "2027-03-28T08:00", "centre", "in_person", "booked");
	/* ...after which the day is recounted within one rolling cycle, not necessarily the next run */
	run_job(f, &OPTS);
	set_status(f, old, "done");
	int runs = 0, bound = (OPTS.history_days - OPTS.recent_days + OPTS.verify_days - 1) / OPTS.verify_days + 1;
	for (;;) {
		sum = gather(f, a, "2027-03-28", "2027-03-28", "", "", true);
		if (sum.tot[1] == 3)
			break;
		assert_int_equal(sum.tot[1], 2); /* the old count until then, never something else */
		assert_true(runs < bound);
		run_job(f, &OPTS);
		runs++;
	}
	assert_true(runs >= 1); /* the run right after the change does not reach March... */
	assert_true(runs <= bound);
	both(f, a, "2027-03-01", "2027-03-31", "", "");
	arena_free(a);
}

/* A row of the summary altered by hand is put right by the rolling re-check; rows of a day
 * replaced leave nothing behind (a visit moved to another office). */
static void test_replace_whole_day(void **state)
{
	fx_t *f = *state;
	int64_t id = visit(f, "2027-11-12T09:00", "centre", "in_person", "done");
	run_job(f, &OPTS);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM fg_daily WHERE day = '2027-11-12' AND office = 'centre'"), 1);
	db_param_t p[] = {DB_INT(id)};
	assert_int_equal(db_exec_one(f->c, "UPDATE t_visits SET office = 'port' WHERE id = $1", p, 1), 0);
	run_job(f, &OPTS);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM fg_daily WHERE day = '2027-11-12' AND office = 'centre'"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM fg_daily WHERE day = '2027-11-12' AND office = 'port'"), 1);
	arena_t *a = arena_new();
	fg_fig_t g = both(f, a, "2027-11-12", "2027-11-12", "centre", "");
	assert_int_equal(g.tot[0], 0);
	arena_free(a);
}

/* Two nodes: while one holds the lease the other's run does nothing; once given back it runs. A
 * figure's days summarised with other columns are not read. */
static void test_lease_and_columns(void **state)
{
	fx_t *f = *state;
	visit(f, "2027-11-10T09:00", "centre", "in_person", "done");
	int64_t now = utc(NOW_UTC);
	assert_int_equal(fg_store_lease(f->c, "node-a", now, now + 900), 1); /* node a is running */
	fg_summary_opts_t b = OPTS;
	b.holder = "node-b";
	fg_summary_stats_t st = run_job(f, &b);
	assert_true(st.skipped);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM fg_days"), 0);
	st = run_job(f, &OPTS); /* node a's own run goes on, and gives the lease back */
	assert_false(st.skipped);
	st = run_job(f, &b);
	assert_false(st.skipped);
	assert_int_equal(st.days, 2 * (OPTS.recent_days + OPTS.verify_days)); /* the rest is kept */

	/* columns changed (a new version of the provider): those days are counted live again */
	assert_true(db_exec(f->c, "UPDATE fg_days SET cols = 'visits'", NULL, 0) > 0);
	assert_true(db_exec(f->c, "UPDATE fg_daily SET v0 = 99", NULL, 0) > 0);
	arena_t *a = arena_new();
	fg_fig_t g = both(f, a, "2027-11-10", "2027-11-10", "", "");
	assert_int_equal(g.tot[0], 1);
	arena_free(a);
}

int main(void)
{
	tz_set_dir(ZONEINFO);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_summary_equals_live, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_equals_live, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recount_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_late_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace_whole_day, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lease_and_columns, setup, teardown),
	};
	testdb_t backends[TESTDB_MAX];
	int n = testdb_backends(backends), rc = 0;
	for (int i = 0; i < n; i++) {
		g_backend = &backends[i];
		rc |= cmocka_run_group_tests_name(backends[i].name, tests, NULL, NULL);
	}
	return rc;
}
