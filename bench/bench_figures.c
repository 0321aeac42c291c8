/* bench_figures.c — how long the figures of a year take for a city of 250,000: N attentions
 * (default 300,000) spread over 365 days and 5 offices — three fifths appointments (in person,
 * phone, video; 20 procedures, every state) and two fifths tickets at the offices' desks (4 ways
 * of issuing, every outcome, age band and gender) — written into a fresh database. Then each
 * theme's figures for the whole year (the year and the previous one, by month, as the page asks):
 * counted live; the summary job's first full build and one incremental run after it; read with
 * the summary; and both again with two busy threads spinning on the machine's cores ("loaded").
 * Prints the best and the median of a few rounds, and what each figure costs live and read.
 * Run by scripts/run-bench.sh (`make bench`):  bench_figures DB-URL [N]  from the repository root. */
#include "base/arena.h"
#include "base/tz.h"
#include "core/cap.h"
#include "db/db.h"
#include "figures/internal.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUNDS 5

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int fill(db_conn_t *c, int64_t n, int32_t first)
{
	const tz_t *z = tz_get("Europe/Madrid");
	int rc =
		db_exec_script(c, "INSERT INTO organisations (code, name_ca, name_es, name_en, created_at, updated_at) "
				  "VALUES ('bench', 'B', 'B', 'B', 0, 0)");
	for (int i = 0; !rc && i < 5; i++) {
		char code[16];
		snprintf(code, sizeof code, "o%d", i);
		db_param_t p[] = {DB_TEXT(code)};
		rc = db_exec_one(
			c,
			"INSERT INTO offices (org_id, code, name_ca, name_es, name_en, kind, created_at, updated_at) "
			"SELECT id, $1, $1, $1, $1, 'citizen_office', 0, 0 FROM organisations WHERE code = 'bench'",
			p, 1);
		if (!rc)
			rc = db_exec_one(c,
					 "INSERT INTO zones (office_id, code, kind, name_ca, name_es, name_en, letter) "
					 "SELECT id, 'z', 'assisted', 'Z', 'Z', 'Z', 'A' FROM offices WHERE code = $1",
					 p, 1);
	}
	for (int i = 0; !rc && i < 20; i++) {
		char code[16];
		snprintf(code, sizeof code, "p%d", i);
		db_param_t p[] = {DB_TEXT(code)};
		rc = db_exec_one(
			c,
			"INSERT INTO procedures (code, name_ca, name_es, name_en, category, channels, duration_min, "
			"created_at, updated_at) VALUES ($1, $1, $1, $1, 'c', 'in_person,phone,video', 15, 0, 0)",
			p, 1);
	}
	static const char *const ch[] = {"in_person", "phone", "video"};
	static const char *const st[] = {"done", "done", "done", "done", "no_show", "cancelled", "booked"};
	static const char *const lg[] = {"ca", "ca", "es", "en"};
	static const char *const tch[] = {"welcome", "welcome", "kiosk", "api", "check_in"};
	static const char *const tst[] = {"done", "done", "done", "done", "done", "no_show", "waiting"};
	static const char *const age[] = {"", "under_30", "30_50", "over_50"};
	static const char *const gen[] = {"", "woman", "man", "other", "not_stated"};
	int64_t office0 = 0, proc0 = 0, zone0 = 0;
	if (!rc)
		rc = db_query_int(c, "SELECT MIN(id) FROM offices", NULL, 0, &office0);
	if (!rc)
		rc = db_query_int(c, "SELECT MIN(id) FROM procedures", NULL, 0, &proc0);
	if (!rc)
		rc = db_query_int(c, "SELECT MIN(id) FROM zones", NULL, 0, &zone0);
	if (!rc)
		rc = db_begin(c);
	srand(7);
	int64_t napp = n * 3 / 5;
	for (int64_t i = 0; !rc && i < napp; i++) {
		int64_t at = tz_day_start(z, first + (int32_t)(i % 365)) + 8 * 3600 + (rand() % (6 * 3600));
		char code[24], hash[24];
		snprintf(code, sizeof code, "B%07" PRId64, i);
		snprintf(hash, sizeof hash, "h%" PRId64, i);
		db_param_t p[] = {DB_TEXT(code),
				  DB_TEXT(hash),
				  DB_INT(office0 + rand() % 5),
				  DB_INT(proc0 + rand() % 20),
				  DB_TEXT(ch[rand() % 3]),
				  DB_INT(at),
				  DB_TEXT(st[rand() % 7]),
				  DB_TEXT(lg[rand() % 4]),
				  DB_INT(at - 86400 * (rand() % 40)),
				  DB_INT(at + 900)};
		rc = db_exec_one(c,
				 "INSERT INTO appointments (code, token_hash, office_id, procedure_id, channel, "
				 "start_at, "
				 "end_at, status, name, id_type, id_number, lang, created_at, updated_at) "
				 "VALUES ($1, $2, $3, $4, $5, $6, $10, $7, 'P', 'dni', $1, $8, $9, $9)",
				 p, 10);
	}
	/* the desks' tickets: issued, called after a wait, served, or not there, or still waiting */
	for (int64_t i = napp; !rc && i < n; i++) {
		int32_t d = first + (int32_t)(i % 365);
		char day[TZ_DATE_LEN], number[24], hash[24];
		tz_date_format(d, day);
		snprintf(number, sizeof number, "A%" PRId64, i);
		snprintf(hash, sizeof hash, "t%" PRId64, i);
		int k = rand() % 5;
		const char *status = tst[rand() % 7];
		int64_t issued = tz_day_start(z, d) + 8 * 3600 + (rand() % (6 * 3600));
		int64_t called = issued + rand() % 1800, started = called + 60, finished = started + rand() % 1200;
		bool waiting = status[0] == 'w', done = status[0] == 'd';
		db_param_t p[] = {DB_INT(office0 + k),
				  DB_INT(zone0 + k),
				  DB_TEXT(day),
				  DB_INT(i),
				  DB_TEXT(number),
				  DB_TEXT(hash),
				  DB_TEXT(status),
				  DB_TEXT(tch[rand() % 5]),
				  DB_INT(proc0 + rand() % 20),
				  DB_TEXT(age[rand() % 4]),
				  DB_TEXT(gen[rand() % 5]),
				  DB_INT(issued),
				  waiting ? DB_NULLP : DB_INT(called),
				  done ? DB_INT(started) : DB_NULLP,
				  done ? DB_INT(finished) : DB_NULLP};
		rc = db_exec_one(c,
				 "INSERT INTO floor_tickets (office_id, number_zone_id, zone_id, day, seq, number, "
				 "token_hash, status, channel, procedure_id, age_band, gender, arrived_at, issued_at, "
				 "called_at, last_called_at, started_at, finished_at) VALUES ($1, $2, $2, $3, $4, $5, "
				 "$6, $7, $8, $9, $10, $11, $12, $12, $13, $13, $14, $15)",
				 p, 15);
	}
	if (!rc)
		rc = db_commit(c);
	/* the planner's statistics, as a database in use has them (PostgreSQL's autovacuum, a nightly
	 * ANALYZE): without them PostgreSQL may plan a correlated subquery as a nested loop */
	return rc ? rc : db_exec_script(c, "ANALYZE");
}

/* ---------------------------------------------------------------- load */

static volatile int spin_stop;

static void *spin(void *arg)
{
	volatile uint64_t x = 0;
	while (!spin_stop)
		x++;
	return arg;
}

/* ---------------------------------------------------------------- timing */

/* the four themes the generated data fills, and GET /api/v1/stats/attendance (the key stats only) */
static const char *const themes[] = {"attendance", "capacity", "people", "procedures", "stats"};

/* Each theme's figures for 2025 (and 2024 beside it), by month, ROUNDS times: best and median. */
static int time_themes(db_conn_t *c, int32_t first, bool summary, const char *mode)
{
	for (size_t k = 0; k < sizeof themes / sizeof *themes; k++) {
		double ms[ROUNDS];
		for (int r = 0; r < ROUNDS; r++) {
			arena_t *a = arena_new();
			fg_query_t q = {.from = "2025-01-01", .to = "2025-12-31", .group = "month"};
			fg_filter_t f;
			const char *field;
			fg_fig_t *v;
			size_t nv;
			double s = now_ms();
			int rc = fg_filter_make(a, &q, first + 400, 731, &f, &field);
			f.summary = summary;
			f.stats_only = k == 4;
			if (rc || fg_gather(c, a, &f, k == 4 ? "attendance" : themes[k], &v, &nv)) {
				fprintf(stderr, "bench_figures: %s: %s\n", themes[k], db_errmsg(c));
				return 1;
			}
			ms[r] = now_ms() - s;
			arena_free(a);
		}
		qsort(ms, ROUNDS, sizeof *ms, cmp);
		printf("figures_%s_%s_best_ms=%.0f\nfigures_%s_%s_median_ms=%.0f\n", themes[k], mode, ms[0], themes[k],
		       mode, ms[ROUNDS / 2]);
	}
	return 0;
}

/* What each figure costs for the year and the previous one: live, and read with the summary; and
 * a chunk of the summary job (31 days, by day for an additive table). */
static int time_figures(db_conn_t *c, int32_t first)
{
	arena_t *a = arena_new();
	fg_query_t q = {.from = "2025-01-01", .to = "2025-12-31", .group = "month"};
	fg_filter_t f;
	const char *field;
	int rc = fg_filter_make(a, &q, first + 400, 731, &f, &field);
	for (size_t i = 0; !rc && i < cap_count; i++)
		for (const cap_figure_t *fig = cap_table[i]->figures; !rc && fig && fig->name; fig++) {
			double ms[2];
			for (int m = 0; !rc && m < 2; m++) {
				double s = now_ms();
				cap_fig_out_t cur = {.a = a}, prev = {.a = a};
				rc = fg_series_read(c, fig, &f.cur, m == 1, &cur);
				if (!rc)
					rc = fg_series_read(c, fig, &f.prev, m == 1, &prev);
				ms[m] = now_ms() - s;
			}
			/* what the summary job pays for it: 31 days counted by day (one chunk) */
			double days_ms = 0;
			if (!rc && (fig->kind == CAP_FIG_SERIES || (fig->flags & CAP_FIG_ADDITIVE))) {
				cap_fig_filter_t g = f.cur;
				fg_range(a, &g, first + 100, first + 130);
				cap_fig_out_t d = {.a = a, .days = fig->kind == CAP_FIG_TABLE};
				double s = now_ms();
				rc = fig->run(c, &g, &d);
				days_ms = now_ms() - s;
			}
			printf("figure %s %s live_ms=%.1f read_ms=%.1f chunk_ms=%.1f\n", fig->name,
			       fig->kind == CAP_FIG_SERIES ? "series" : "table", ms[0], ms[1], days_ms);
		}
	arena_free(a);
	if (rc)
		fprintf(stderr, "bench_figures: %s\n", db_errmsg(c));
	return rc ? 1 : 0;
}

static int job(db_conn_t *c, int64_t now, const char *name)
{
	fg_summary_opts_t o = {.history_days = 800,
			       .recent_days = 14,
			       .verify_days = 62,
			       .lease_s = 900,
			       .holder = "bench"};
	fg_summary_stats_t st;
	double s = now_ms();
	if (fg_summary_update(c, now, &o, &st)) {
		fprintf(stderr, "bench_figures: summary: %s\n", db_errmsg(c));
		return 1;
	}
	printf("figures_%s_ms=%.0f\nfigures_%s_days=%" PRId64 "\nfigures_%s_rows=%" PRId64 "\n", name, now_ms() - s,
	       name, st.days, name, st.rows);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_figures DB-URL [N]\n");
		return 2;
	}
	int64_t n = argc > 2 ? strtoll(argv[2], NULL, 10) : 300000;
	tz_set_dir("tests/data/zoneinfo");
	char err[256];
	db_t *db = db_open(argv[1], 2, err, sizeof err);
	if (!db || cap_migrate(db, ".", err, sizeof err) < 0) {
		fprintf(stderr, "bench_figures: %s\n", err);
		return 1;
	}
	db_conn_t *c = db_acquire(db);
	int32_t first;
	tz_date_parse("2025-01-01", &first);
	double t0 = now_ms();
	if (fill(c, n, first)) {
		fprintf(stderr, "bench_figures: %s\n", db_errmsg(c));
		return 1;
	}
	printf("figures_rows=%" PRId64 "\nfigures_appointments=%" PRId64 "\nfigures_tickets=%" PRId64
	       "\nfigures_fill_s=%.1f\n",
	       n, n * 3 / 5, n - n * 3 / 5, (now_ms() - t0) / 1e3);
	/* "now": 2026-02-05 12:00, as the page's today is first + 400 */
	int64_t now = tz_day_start(tz_get("Europe/Madrid"), first + 400) + 12 * 3600;
	int rc = time_themes(c, first, false, "live") || job(c, now, "build") || job(c, now, "incremental") ||
		 time_themes(c, first, true, "summary") || time_figures(c, first);
	/* loaded: two threads spinning, one per core of the benchmark machine */
	pthread_t th[2];
	int spinning = 0;
	for (; !rc && spinning < 2; spinning++)
		if (pthread_create(&th[spinning], NULL, spin, NULL))
			break;
	if (!rc)
		rc = time_themes(c, first, true, "summary_loaded") || time_themes(c, first, false, "live_loaded") ||
		     job(c, now, "incremental_loaded");
	spin_stop = 1;
	for (int i = 0; i < spinning; i++)
		pthread_join(th[i], NULL);
	db_release(c);
	db_close(db);
	return rc;
}
