/* bench_figures.c — how long the figures of a year take for a city of 250,000: N appointments
 * (default 300,000) spread over 365 days, 5 offices, 3 channels, 20 procedures and every state,
 * written into a fresh database, then each theme's figures gathered for the whole year (the
 * year and the previous one, as the page asks) a few times; prints the best and the median.
 * Run by scripts/run-bench.sh (`make bench`):  bench_figures DB-URL [N]  from the repository root. */
#include "base/arena.h"
#include "base/tz.h"
#include "core/cap.h"
#include "db/db.h"
#include "figures/internal.h"

#include <inttypes.h>
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

static int fill(db_conn_t *c, int64_t n, int64_t year_start)
{
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
	int64_t office0 = 0, proc0 = 0;
	db_param_t none[1];
	if (!rc)
		rc = db_query_int(c, "SELECT MIN(id) FROM offices", none, 0, &office0);
	if (!rc)
		rc = db_query_int(c, "SELECT MIN(id) FROM procedures", none, 0, &proc0);
	if (!rc)
		rc = db_begin(c);
	srand(7);
	for (int64_t i = 0; !rc && i < n; i++) {
		int64_t at = year_start + (i % 365) * 86400 + 8 * 3600 + (rand() % (6 * 3600));
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
				  DB_INT(at - 86400 * (rand() % 40))};
		rc = db_exec_one(c,
				 "INSERT INTO appointments (code, token_hash, office_id, procedure_id, channel, "
				 "start_at, "
				 "end_at, status, name, id_type, id_number, lang, created_at, updated_at) "
				 "VALUES ($1, $2, $3, $4, $5, $6, $6 + 900, $7, 'P', 'dni', $1, $8, $9, $9)",
				 p, 9);
	}
	return rc ? rc : db_commit(c);
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
	if (fill(c, n, tz_day_start(tz_get("Europe/Madrid"), first))) {
		fprintf(stderr, "bench_figures: %s\n", db_errmsg(c));
		return 1;
	}
	printf("figures_rows=%" PRId64 "\nfigures_fill_s=%.1f\n", n, (now_ms() - t0) / 1e3);
	static const char *const themes[] = {"attendance", "capacity", "people", "procedures"};
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
			if (fg_filter_make(a, &q, first + 400, 731, &f, &field) ||
			    fg_gather(c, a, &f, themes[k], &v, &nv)) {
				fprintf(stderr, "bench_figures: %s: %s\n", themes[k], db_errmsg(c));
				return 1;
			}
			ms[r] = now_ms() - s;
			arena_free(a);
		}
		qsort(ms, ROUNDS, sizeof *ms, cmp);
		printf("figures_%s_best_ms=%.0f\nfigures_%s_median_ms=%.0f\n", themes[k], ms[0], themes[k],
		       ms[ROUNDS / 2]);
	}
	db_release(c);
	db_close(db);
	return 0;
}
