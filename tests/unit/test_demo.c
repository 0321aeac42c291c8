/* test_demo.c — the demo history's shared shape (core/demo.h): which days the offices open, the
 * walk over the past days and its weekday and season shape, the deterministic generator, and the
 * batched INSERT (on SQLite, and on PostgreSQL when FINESTRETA_TEST_PG_URL is set). Run from the
 * repository root (the zones come from tests/data/zoneinfo). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/config.h"
#include "base/tz.h"
#include "core/cap.h"
#include "core/demo.h"
#include "testdb.h"

#include <stdio.h>
#include <string.h>

static testdb_t *g_backend;

static int32_t date(int y, int m, int d)
{
	return tz_days_from_civil(y, m, d);
}

/* 2026-12-07 10:00 UTC, a Monday. */
static int64_t monday(void)
{
	return (int64_t)date(2026, 12, 7) * 86400 + 10 * 3600;
}

static config_t *cfg_days(const char *days)
{
	cap_declare();
	config_t *c = config_new();
	char err[256];
	if (days && config_set(c, "demo.history_days", days, err, sizeof err))
		fail_msg("config_set: %s", err);
	return c;
}

static void test_open_days(void **state)
{
	(void)state;
	assert_false(demo_open(date(2026, 3, 8)));  /* a Sunday */
	assert_true(demo_open(date(2026, 3, 7)));   /* a Saturday */
	assert_true(demo_open(date(2026, 3, 9)));   /* a Monday */
	assert_false(demo_open(date(2026, 1, 1)));  /* New Year */
	assert_false(demo_open(date(2026, 1, 6)));  /* Epiphany */
	assert_false(demo_open(date(2026, 9, 11))); /* Catalonia's day */
	assert_false(demo_open(date(2026, 12, 25)));
	assert_false(demo_open(date(2026, 12, 26)));
	assert_false(demo_open(date(2026, 4, 3))); /* Good Friday (Easter 2026-04-05) */
	assert_false(demo_open(date(2026, 4, 6))); /* Easter Monday */
	assert_true(demo_open(date(2026, 4, 7)));
	assert_true(demo_open(date(2026, 4, 2)));
	assert_false(demo_open(date(2027, 3, 26))); /* Good Friday 2027 (Easter 2027-03-28) */
	assert_false(demo_open(date(2027, 3, 29)));
}

typedef struct {
	demo_day_t v[400];
	int n;
} days_t;

static int collect(const demo_day_t *d, void *ud)
{
	days_t *x = ud;
	if (x->n >= 400)
		return -1;
	x->v[x->n++] = *d;
	return 0;
}

static void test_walk(void **state)
{
	(void)state;
	config_t *none = cfg_days(NULL);
	assert_int_equal(demo_history_days(none), 0);
	days_t d = {0};
	assert_int_equal(demo_history_each(none, monday(), collect, &d), 0);
	assert_int_equal(d.n, 0);
	config_free(none);

	config_t *year = cfg_days("365");
	assert_int_equal(demo_history_days(year), 365);
	assert_int_equal(demo_history_each(year, monday(), collect, &d), 0);
	/* 365 days back from 2026-12-06: 52 Sundays and the holidays that fall on other days. */
	assert_true(d.n > 290 && d.n < 313);
	/* 365 days before is Sunday 2025-12-07, then a holiday (12-08). */
	assert_string_equal(d.v[0].date, "2025-12-09");
	assert_int_equal(d.v[0].back, 363);
	assert_int_equal(d.v[d.n - 1].back, 2);
	assert_string_equal(d.v[d.n - 1].date, "2026-12-05"); /* Saturday; Sunday 12-06 is closed */
	double mon = 0, sat = 0, aug = 0, sep = 0;
	int nmon = 0, nsat = 0, naug = 0, nsep = 0;
	for (int i = 0; i < d.n; i++) {
		const demo_day_t *x = &d.v[i];
		assert_true(demo_open(x->day));
		assert_int_not_equal(x->weekday, 7);
		assert_true(x->visitors > 0);
		if (i) {
			assert_true(x->day > d.v[i - 1].day);
			assert_true(x->growth >= d.v[i - 1].growth);
			assert_true(strcmp(x->date, d.v[i - 1].date) > 0);
		}
		if (x->weekday == 1)
			mon += x->visitors, nmon++;
		if (x->weekday == 6)
			sat += x->visitors, nsat++;
		if (x->weekday < 6 && !strncmp(x->date, "2026-08", 7))
			aug += x->visitors, naug++;
		if (x->weekday < 6 && !strncmp(x->date, "2026-09", 7))
			sep += x->visitors, nsep++;
	}
	assert_true(mon / nmon > 3 * sat / nsat);
	assert_true(sep / nsep > 1.5 * aug / naug);
	/* The growth: about 305 → 443 a day at DEMO_SCALE. */
	assert_true(d.v[0].growth < 0.01 && d.v[d.n - 1].growth > 0.99);

	/* The same walk gives the same days. */
	days_t again = {0};
	assert_int_equal(demo_history_each(year, monday(), collect, &again), 0);
	assert_int_equal(again.n, d.n);
	for (int i = 0; i < d.n; i++)
		assert_int_equal(again.v[i].visitors, d.v[i].visitors);
	config_free(year);
}

static void test_office_minutes(void **state)
{
	(void)state;
	demo_rng_t r;
	demo_rng_init(&r, "test", 1);
	demo_day_t sat = {.weekday = 6}, thu = {.weekday = 4}, mon = {.weekday = 1};
	assert_int_equal(demo_office_minute(&r, &sat, 20), -1);
	int afternoon = 0;
	for (int i = 0; i < 2000; i++) {
		int m = demo_office_minute(&r, &mon, 20);
		assert_true(m >= 8 * 60 + 30 && m <= 14 * 60 + 10);
		m = demo_office_minute(&r, &thu, 15);
		assert_true((m >= 8 * 60 + 30 && m <= 14 * 60 + 15) || (m >= 16 * 60 && m <= 18 * 60 + 45));
		afternoon += m >= 16 * 60;
	}
	assert_true(afternoon > 300 && afternoon < 500);
}

static void test_rng(void **state)
{
	(void)state;
	demo_rng_t a, b, c;
	demo_rng_init(&a, "floor.tickets", 20000);
	demo_rng_init(&b, "floor.tickets", 20000);
	demo_rng_init(&c, "booking.appointments", 20000);
	int same = 0;
	for (int i = 0; i < 100; i++) {
		uint64_t x = demo_rng_next(&a), y = demo_rng_next(&b), z = demo_rng_next(&c);
		assert_true(x == y);
		same += x == z;
	}
	assert_int_equal(same, 0);
	static const unsigned w[] = {0, 3, 0, 1};
	int seen[4] = {0};
	for (int i = 0; i < 4000; i++) {
		int k = demo_rng_int(&a, -2, 5);
		assert_true(k >= -2 && k <= 5);
		seen[demo_rng_pick(&a, w, 4)]++;
	}
	assert_int_equal(seen[0] + seen[2], 0);
	assert_true(seen[1] > 2 * seen[3] && seen[3] > 0);
	long sum = 0;
	for (int i = 0; i < 1000; i++)
		sum += demo_rng_count(&a, 10.5, 10);
	assert_true(sum > 9800 && sum < 11200);
	assert_int_equal(demo_rng_count(&a, 0, 10), 0);
}

static void test_batch(void **state)
{
	(void)state;
	char err[512] = "";
	db_t *db = testdb_open(g_backend, 1, 1, err, sizeof err);
	if (!db)
		fail_msg("setup (%s): %s", g_backend->name, err);
	db_conn_t *c = db_acquire(db);
	assert_non_null(c);
	assert_int_equal(db_exec_script(c, "CREATE TABLE demo_batch_rows (n BIGINT NOT NULL, label TEXT NOT NULL, "
					   "at BIGINT, office TEXT)"),
			 0);
	demo_batch_t *b = demo_batch_new(c, "INSERT INTO demo_batch_rows (n, label, at, office) VALUES ",
					 "($, $, $, (SELECT code FROM offices WHERE code = $))");
	assert_int_equal(b->ncols, 4);
	int total = 2 * DEMO_BATCH_ROWS + 7;
	for (int i = 0; i < total; i++) {
		char label[16]; /* reused: the batch keeps its own copy */
		snprintf(label, sizeof label, "row %d", i);
		db_param_t p[] = {DB_INT(i), DB_TEXT(label), i % 2 ? DB_INT(1000 + i) : DB_NULLP, DB_TEXT("nowhere")};
		assert_int_equal(demo_batch_add(b, p), 0);
	}
	assert_int_equal(b->rows, 2 * DEMO_BATCH_ROWS); /* two full batches written */
	assert_int_equal(demo_batch_flush(b), 0);
	assert_int_equal(b->rows, total);
	assert_int_equal(demo_batch_flush(b), 0);
	assert_int_equal(b->rows, total);
	demo_batch_free(b);
	int64_t v[4];
	assert_int_equal(db_query_ints(c,
				       "SELECT COUNT(*), SUM(n), SUM(CASE WHEN at IS NULL THEN 1 ELSE 0 END), "
				       "SUM(CASE WHEN label = 'row ' || CAST(n AS TEXT) THEN 1 ELSE 0 END) FROM "
				       "demo_batch_rows",
				       NULL, 0, v, 4),
			 0);
	assert_int_equal(v[0], total);
	assert_int_equal(v[1], (int64_t)total * (total - 1) / 2);
	assert_int_equal(v[2], (total + 1) / 2);
	assert_int_equal(v[3], total);
	db_release(c);
	testdb_close(g_backend, db);
}

int main(void)
{
	tz_set_dir("tests/data/zoneinfo");
	const struct CMUnitTest shape[] = {
		cmocka_unit_test(test_open_days),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_rng),
		cmocka_unit_test(test_office_minutes),
	};
	const struct CMUnitTest store[] = {
		cmocka_unit_test(test_batch),
	};
	int rc = cmocka_run_group_tests_name("shape", shape, NULL, NULL);
	testdb_t backends[TESTDB_MAX];
	int n = testdb_backends(backends);
	for (int i = 0; i < n; i++) {
		g_backend = &backends[i];
		rc |= cmocka_run_group_tests_name(backends[i].name, store, NULL, NULL);
	}
	return rc;
}
