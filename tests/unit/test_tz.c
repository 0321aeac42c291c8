/* test_tz.c — time zones (TZif v1/v2+, POSIX footers), local ↔ UTC around DST changes, civil
 * dates. Zones come from tests/data/zoneinfo (copies of tzdata 2025b, plus a "slim" Madrid whose
 * table stops in 2007 so that the footer rule does the work), so the results do not depend on
 * the machine's tzdata. Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/err.h"
#include "base/log.h"
#include "base/tz.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ZONEINFO "tests/data/zoneinfo"

static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
	return (int64_t)tz_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

static const tz_t *zone(const char *name)
{
	const tz_t *z = tz_get(name);
	if (!z)
		fail_msg("zone %s did not load from %s", name, ZONEINFO);
	return z;
}

static int setup(void **state)
{
	(void)state;
	log_set_quiet(1);
	tz_set_dir(ZONEINFO);
	return 0;
}

/* ---------------------------------------------------------------- loading */

static void test_shipped_files_load(void **state)
{
	(void)state;
	static const char *names[] = {"Europe/Madrid",     "UTC", "Etc/UTC", "America/New_York", "Australia/Lord_Howe",
				      "Slim/Europe/Madrid"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const tz_t *z = zone(names[i]);
		assert_string_equal(tz_name(z), names[i]);
		/* Cached: the same object the second time. */
		assert_ptr_equal(tz_get(names[i]), z);
	}
	assert_null(tz_get("Europe/Nowhere"));
	assert_null(tz_get("../zoneinfo/Europe/Madrid"));
	assert_null(tz_get(""));
	assert_null(tz_get(NULL));
}

static void test_names(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		bool ok;
	} t[] = {
		{"Europe/Madrid", true},
		{"UTC", true},
		{"Etc/GMT+1", true},
		{"America/Port-au-Prince", true},
		{"America/Argentina/Buenos_Aires", true},
		{"/etc/passwd", false},
		{"Europe/../../etc", false},
		{"Europe//Madrid", false},
		{"Europe/", false},
		{".", false},
		{"a b", false},
		{"Europe/Madrid\n", false},
		{"Europe/Madr%69d", false},
		{"", false},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (tz_name_valid(t[i].name) != t[i].ok)
			fail_msg("tz_name_valid(\"%s\") should be %d", t[i].name, t[i].ok);
}

/* ---------------------------------------------------------------- UTC → local */

typedef struct {
	const char *zone;
	int64_t t;
	int32_t offset;
	bool dst;
	const char *abbr;
	const char *iso;
} utc_case_t;

static void check_utc_cases(const utc_case_t *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const tz_t *z = zone(t[i].zone);
		tz_local_t l;
		tz_local(z, t[i].t, &l);
		char iso[TZ_ISO_LEN];
		tz_format_iso(z, t[i].t, iso);
		if (l.offset != t[i].offset || l.is_dst != t[i].dst || strcmp(l.abbr, t[i].abbr) != 0 ||
		    strcmp(iso, t[i].iso) != 0)
			fail_msg("%s at %lld: got %d %d %s %s, want %d %d %s %s", t[i].zone, (long long)t[i].t,
				 l.offset, l.is_dst, l.abbr, iso, t[i].offset, t[i].dst, t[i].abbr, t[i].iso);
		assert_int_equal(tz_offset(z, t[i].t), t[i].offset);
	}
}

static void test_madrid_2026(void **state)
{
	(void)state;
	/* Both zone files: the fat one lists 2026 in its table, the slim one uses the footer. */
	for (int slim = 0; slim < 2; slim++) {
		const char *zn = slim ? "Slim/Europe/Madrid" : "Europe/Madrid";
		const utc_case_t t[] = {
			{zn, utc(2026, 1, 15, 12, 0, 0), 3600, false, "CET", "2026-01-15T13:00:00+01:00"},
			{zn, utc(2026, 3, 28, 8, 0, 0), 3600, false, "CET", "2026-03-28T09:00:00+01:00"},
			{zn, utc(2026, 3, 29, 0, 59, 59), 3600, false, "CET", "2026-03-29T01:59:59+01:00"},
			{zn, utc(2026, 3, 29, 1, 0, 0), 7200, true, "CEST", "2026-03-29T03:00:00+02:00"},
			{zn, utc(2026, 3, 29, 7, 0, 0), 7200, true, "CEST", "2026-03-29T09:00:00+02:00"},
			{zn, utc(2026, 7, 1, 22, 30, 0), 7200, true, "CEST", "2026-07-02T00:30:00+02:00"},
			{zn, utc(2026, 10, 25, 0, 0, 0), 7200, true, "CEST", "2026-10-25T02:00:00+02:00"},
			{zn, utc(2026, 10, 25, 0, 59, 59), 7200, true, "CEST", "2026-10-25T02:59:59+02:00"},
			{zn, utc(2026, 10, 25, 1, 0, 0), 3600, false, "CET", "2026-10-25T02:00:00+01:00"},
			{zn, utc(2026, 10, 25, 8, 0, 0), 3600, false, "CET", "2026-10-25T09:00:00+01:00"},
			{zn, utc(2026, 12, 31, 23, 30, 0), 3600, false, "CET", "2027-01-01T00:30:00+01:00"},
			/* 2027: last Sundays are 28 March and 31 October. */
			{zn, utc(2027, 3, 28, 0, 59, 59), 3600, false, "CET", "2027-03-28T01:59:59+01:00"},
			{zn, utc(2027, 3, 28, 1, 0, 0), 7200, true, "CEST", "2027-03-28T03:00:00+02:00"},
			{zn, utc(2027, 10, 31, 1, 0, 0), 3600, false, "CET", "2027-10-31T02:00:00+01:00"},
			/* Beyond the fat table (it stops in 2037): the footer rule. */
			{zn, utc(2040, 3, 25, 1, 0, 0), 7200, true, "CEST", "2040-03-25T03:00:00+02:00"},
			{zn, utc(2040, 3, 25, 0, 59, 0), 3600, false, "CET", "2040-03-25T01:59:00+01:00"},
			{zn, utc(2100, 10, 31, 0, 59, 59), 7200, true, "CEST", "2100-10-31T02:59:59+02:00"},
			{zn, utc(2100, 10, 31, 1, 0, 0), 3600, false, "CET", "2100-10-31T02:00:00+01:00"},
		};
		check_utc_cases(t, sizeof t / sizeof t[0]);
	}
	/* History from the table: Spain was on CET with summer time in 1979 too (1 April - 30 Sept). */
	const utc_case_t h[] = {
		{"Europe/Madrid", utc(1979, 6, 1, 12, 0, 0), 7200, true, "CEST", "1979-06-01T14:00:00+02:00"},
		{"Europe/Madrid", utc(1979, 12, 1, 12, 0, 0), 3600, false, "CET", "1979-12-01T13:00:00+01:00"},
	};
	check_utc_cases(h, sizeof h / sizeof h[0]);
}

static void test_other_zones(void **state)
{
	(void)state;
	const utc_case_t t[] = {
		{"UTC", 0, 0, false, "UTC", "1970-01-01T00:00:00+00:00"},
		{"UTC", utc(2026, 3, 29, 1, 0, 0), 0, false, "UTC", "2026-03-29T01:00:00+00:00"},
		{"Etc/UTC", utc(2099, 12, 31, 23, 59, 59), 0, false, "UTC", "2099-12-31T23:59:59+00:00"},
		/* New York 2026: 8 March 02:00 EST → 03:00 EDT; 1 November 02:00 EDT → 01:00 EST. */
		{"America/New_York", utc(2026, 3, 8, 6, 59, 59), -18000, false, "EST", "2026-03-08T01:59:59-05:00"},
		{"America/New_York", utc(2026, 3, 8, 7, 0, 0), -14400, true, "EDT", "2026-03-08T03:00:00-04:00"},
		{"America/New_York", utc(2026, 11, 1, 5, 59, 59), -14400, true, "EDT", "2026-11-01T01:59:59-04:00"},
		{"America/New_York", utc(2026, 11, 1, 6, 0, 0), -18000, false, "EST", "2026-11-01T01:00:00-05:00"},
		{"America/New_York", utc(2060, 7, 4, 16, 0, 0), -14400, true, "EDT", "2060-07-04T12:00:00-04:00"},
		/* Lord Howe: +10:30 standard, +11 in summer, half-hour changes. 2026: summer time ends
		 * Sunday 5 April 02:00 (+11) and starts Sunday 4 October 02:00 (+10:30). */
		{"Australia/Lord_Howe", utc(2026, 4, 4, 14, 59, 59), 39600, true, "+11", "2026-04-05T01:59:59+11:00"},
		{"Australia/Lord_Howe", utc(2026, 4, 4, 15, 0, 0), 37800, false, "+1030", "2026-04-05T01:30:00+10:30"},
		{"Australia/Lord_Howe", utc(2026, 10, 3, 15, 29, 59), 37800, false, "+1030",
		 "2026-10-04T01:59:59+10:30"},
		{"Australia/Lord_Howe", utc(2026, 10, 3, 15, 30, 0), 39600, true, "+11", "2026-10-04T02:30:00+11:00"},
		{"Australia/Lord_Howe", utc(2050, 1, 1, 0, 0, 0), 39600, true, "+11", "2050-01-01T11:00:00+11:00"},
	};
	check_utc_cases(t, sizeof t / sizeof t[0]);
}

/* Every 5 h 17 min from 1900 to 2100, our offset equals glibc's reading of the same file. */
static void test_agrees_with_libc(void **state)
{
	(void)state;
	static const char *names[] = {"Europe/Madrid", "Slim/Europe/Madrid", "America/New_York", "Australia/Lord_Howe"};
	char cwd[512];
	assert_non_null(getcwd(cwd, sizeof cwd));
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		char env[1024];
		snprintf(env, sizeof env, ":%s/%s/%s", cwd, ZONEINFO, names[k]);
		setenv("TZ", env, 1);
		tzset();
		const tz_t *z = zone(names[k]);
		size_t n = 0;
		for (int64_t t = utc(1900, 1, 1, 0, 0, 0); t < utc(2100, 1, 1, 0, 0, 0); t += 5 * 3600 + 17 * 60, n++) {
			time_t tt = (time_t)t;
			struct tm tm;
			localtime_r(&tt, &tm);
			tz_local_t l;
			tz_local(z, t, &l);
			if (l.offset != tm.tm_gmtoff || l.is_dst != (tm.tm_isdst > 0))
				fail_msg("%s at %lld: offset %d dst %d, libc %ld %d", names[k], (long long)t, l.offset,
					 l.is_dst, (long)tm.tm_gmtoff, tm.tm_isdst);
			int y, m, d;
			tz_civil_from_days(l.day, &y, &m, &d);
			if (y != tm.tm_year + 1900 || m != tm.tm_mon + 1 || d != tm.tm_mday ||
			    l.second != tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec)
				fail_msg("%s at %lld: local date differs from libc", names[k], (long long)t);
		}
		assert_true(n > 300000);
	}
	unsetenv("TZ");
	tzset();
}

/* ---------------------------------------------------------------- local → UTC */

typedef struct {
	const char *zone;
	const char *date;
	const char *hhmm;
	unsigned flags;
	int rc;
	int64_t t;
} local_case_t;

static void test_local_to_utc(void **state)
{
	(void)state;
	const local_case_t t[] = {
		/* Madrid: 09:00 is 07:00Z in summer and 08:00Z in winter. */
		{"Europe/Madrid", "2026-03-28", "09:00", 0, 0, utc(2026, 3, 28, 8, 0, 0)},
		{"Europe/Madrid", "2026-03-29", "09:00", 0, 0, utc(2026, 3, 29, 7, 0, 0)},
		{"Europe/Madrid", "2026-10-24", "09:00", 0, 0, utc(2026, 10, 24, 7, 0, 0)},
		{"Europe/Madrid", "2026-10-25", "09:00", 0, 0, utc(2026, 10, 25, 8, 0, 0)},
		{"Europe/Madrid", "2026-03-29", "00:00", 0, 0, utc(2026, 3, 28, 23, 0, 0)},
		{"Europe/Madrid", "2026-03-29", "01:59", 0, 0, utc(2026, 3, 29, 0, 59, 0)},
		/* The gap: 02:00-02:59 does not exist on 29 March 2026. */
		{"Europe/Madrid", "2026-03-29", "02:00", 0, ERR_NOT_FOUND, 0},
		{"Europe/Madrid", "2026-03-29", "02:30", 0, ERR_NOT_FOUND, 0},
		{"Europe/Madrid", "2026-03-29", "02:59", 0, ERR_NOT_FOUND, 0},
		{"Europe/Madrid", "2026-03-29", "02:30", TZ_GAP_SHIFT, 0, utc(2026, 3, 29, 1, 30, 0)},
		{"Europe/Madrid", "2026-03-29", "02:00", TZ_GAP_SHIFT, 0, utc(2026, 3, 29, 1, 0, 0)},
		{"Europe/Madrid", "2026-03-29", "03:00", 0, 0, utc(2026, 3, 29, 1, 0, 0)},
		{"Europe/Madrid", "2026-03-29", "24:00", 0, 0, utc(2026, 3, 29, 22, 0, 0)},
		/* The overlap: 02:00-02:59 happens twice on 25 October 2026; the first one wins. */
		{"Europe/Madrid", "2026-10-25", "01:59", 0, 0, utc(2026, 10, 24, 23, 59, 0)},
		{"Europe/Madrid", "2026-10-25", "02:00", 0, 0, utc(2026, 10, 25, 0, 0, 0)},
		{"Europe/Madrid", "2026-10-25", "02:30", 0, 0, utc(2026, 10, 25, 0, 30, 0)},
		{"Europe/Madrid", "2026-10-25", "03:00", 0, 0, utc(2026, 10, 25, 2, 0, 0)},
		{"Europe/Madrid", "2026-10-25", "24:00", 0, 0, utc(2026, 10, 25, 23, 0, 0)},
		{"Slim/Europe/Madrid", "2026-03-29", "02:30", 0, ERR_NOT_FOUND, 0},
		{"Slim/Europe/Madrid", "2026-03-29", "09:00", 0, 0, utc(2026, 3, 29, 7, 0, 0)},
		{"Slim/Europe/Madrid", "2026-10-25", "02:30", 0, 0, utc(2026, 10, 25, 0, 30, 0)},
		{"Europe/Madrid", "2045-03-26", "02:30", 0, ERR_NOT_FOUND, 0},
		{"Europe/Madrid", "2045-03-26", "09:00", 0, 0, utc(2045, 3, 26, 7, 0, 0)},
		{"America/New_York", "2026-03-08", "02:30", 0, ERR_NOT_FOUND, 0},
		{"America/New_York", "2026-03-08", "02:30", TZ_GAP_SHIFT, 0, utc(2026, 3, 8, 7, 30, 0)},
		{"America/New_York", "2026-11-01", "01:30", 0, 0, utc(2026, 11, 1, 5, 30, 0)},
		{"America/New_York", "2026-11-01", "09:00", 0, 0, utc(2026, 11, 1, 14, 0, 0)},
		/* Lord Howe: a 30-minute gap and a 30-minute overlap. */
		{"Australia/Lord_Howe", "2026-10-04", "02:00", 0, ERR_NOT_FOUND, 0},
		{"Australia/Lord_Howe", "2026-10-04", "02:29", 0, ERR_NOT_FOUND, 0},
		{"Australia/Lord_Howe", "2026-10-04", "02:30", 0, 0, utc(2026, 10, 3, 15, 30, 0)},
		{"Australia/Lord_Howe", "2026-10-04", "02:15", TZ_GAP_SHIFT, 0, utc(2026, 10, 3, 15, 45, 0)},
		{"Australia/Lord_Howe", "2026-04-05", "01:45", 0, 0, utc(2026, 4, 4, 14, 45, 0)},
		{"Australia/Lord_Howe", "2026-04-05", "02:00", 0, 0, utc(2026, 4, 4, 15, 30, 0)},
		{"UTC", "2026-03-29", "02:30", 0, 0, utc(2026, 3, 29, 2, 30, 0)},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int32_t day;
		int min;
		assert_int_equal(tz_date_parse(t[i].date, &day), 0);
		assert_int_equal(tz_hhmm_parse(t[i].hhmm, &min), 0);
		int64_t got = -1;
		int rc = tz_to_utc(zone(t[i].zone), day, min, t[i].flags, &got);
		if (rc != t[i].rc || (rc == 0 && got != t[i].t))
			fail_msg("%s %s %s flags %u: rc %d t %lld, want rc %d t %lld", t[i].zone, t[i].date, t[i].hhmm,
				 t[i].flags, rc, (long long)got, t[i].rc, (long long)t[i].t);
		/* Round trip: a time that exists converts back to itself (24:00 is next day's 00:00). */
		if (rc == 0 && !(t[i].flags & TZ_GAP_SHIFT) && min < 1440) {
			tz_local_t l;
			tz_local(zone(t[i].zone), got, &l);
			assert_int_equal(l.day, day);
			assert_int_equal(l.minute, min);
		}
	}
	int64_t out;
	assert_int_equal(tz_to_utc(zone("UTC"), 0, -1, 0, &out), ERR_INVALID);
	assert_int_equal(tz_to_utc(zone("UTC"), 0, 1441, 0, &out), ERR_INVALID);
}

/* Every minute of both 2026 change days in Madrid: existing minutes round-trip, the 60 minutes
 * of the gap are the only failures, and the overlap gives the first instant. */
static void test_madrid_change_days_every_minute(void **state)
{
	(void)state;
	const tz_t *z = zone("Europe/Madrid");
	int32_t spring, autumn;
	assert_int_equal(tz_date_parse("2026-03-29", &spring), 0);
	assert_int_equal(tz_date_parse("2026-10-25", &autumn), 0);
	int gaps = 0;
	for (int m = 0; m < 1440; m++) {
		int64_t t;
		int rc = tz_to_utc(z, spring, m, 0, &t);
		if (rc == ERR_NOT_FOUND) {
			assert_true(m >= 120 && m < 180);
			gaps++;
			continue;
		}
		assert_int_equal(rc, 0);
		tz_local_t l;
		tz_local(z, t, &l);
		assert_int_equal(l.minute, m);
		assert_int_equal(tz_to_utc(z, autumn, m, 0, &t), 0);
		tz_local(z, t, &l);
		assert_int_equal(l.minute, m);
		assert_int_equal(l.is_dst, m < 180);
	}
	assert_int_equal(gaps, 60);
	assert_int_equal(tz_day_start(z, spring), utc(2026, 3, 28, 23, 0, 0));
	assert_int_equal(tz_day_start(z, autumn), utc(2026, 10, 24, 22, 0, 0));
	/* The days are 23 and 25 hours long. */
	assert_int_equal(tz_day_start(z, spring + 1) - tz_day_start(z, spring), 23 * 3600);
	assert_int_equal(tz_day_start(z, autumn + 1) - tz_day_start(z, autumn), 25 * 3600);
}

/* ---------------------------------------------------------------- civil dates */

static void test_date_parse(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int ok;
		int wd;
	} t[] = {
		{"1970-01-01", 1, 4},  {"2026-03-29", 1, 7}, {"2026-10-25", 1, 7},  {"2000-01-01", 1, 6},
		{"0001-01-01", 1, 1},  {"9999-12-31", 1, 5}, {"2024-02-29", 1, 4},  {"2000-02-29", 1, 2},
		{"1900-02-29", 0, 0},  {"2026-02-29", 0, 0}, {"2026-13-01", 0, 0},  {"2026-00-10", 0, 0},
		{"2026-04-31", 0, 0},  {"2026-04-00", 0, 0}, {"0000-01-01", 0, 0},  {"2026-4-01", 0, 0},
		{"2026-04-1", 0, 0},   {"2026/04/01", 0, 0}, {" 2026-04-01", 0, 0}, {"2026-04-01 ", 0, 0},
		{"2026-04-01T", 0, 0}, {"+026-04-01", 0, 0}, {"2026-0a-01", 0, 0},  {"", 0, 0},
		{"20260401", 0, 0},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int32_t d = 12345;
		int rc = tz_date_parse(t[i].s, &d);
		if ((rc == 0) != t[i].ok)
			fail_msg("tz_date_parse(\"%s\") = %d", t[i].s, rc);
		if (!t[i].ok) {
			assert_int_equal(d, 12345);
			continue;
		}
		char back[TZ_DATE_LEN];
		tz_date_format(d, back);
		assert_string_equal(back, t[i].s);
		if (tz_weekday(d) != t[i].wd)
			fail_msg("weekday of %s: %d, want %d", t[i].s, tz_weekday(d), t[i].wd);
	}
	assert_int_equal(tz_date_parse(NULL, &(int32_t){0}), ERR_INVALID);
}

static void test_date_arithmetic(void **state)
{
	(void)state;
	static const struct {
		const char *from;
		int n;
		const char *to;
	} t[] = {
		{"2024-02-28", 1, "2024-02-29"},  {"2024-02-29", 1, "2024-03-01"},   {"2023-02-28", 1, "2023-03-01"},
		{"2026-12-31", 1, "2027-01-01"},  {"2027-01-01", -1, "2026-12-31"},  {"2026-03-01", -1, "2026-02-28"},
		{"2028-03-01", -1, "2028-02-29"}, {"2026-01-01", 365, "2027-01-01"}, {"2028-01-01", 366, "2029-01-01"},
		{"2000-03-01", -1, "2000-02-29"}, {"2100-03-01", -1, "2100-02-28"},  {"1969-12-31", 1, "1970-01-01"},
		{"2026-11-23", 92, "2027-02-23"},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char out[TZ_DATE_LEN];
		assert_int_equal(tz_date_add(t[i].from, t[i].n, out), 0);
		if (strcmp(out, t[i].to) != 0)
			fail_msg("%s + %d = %s, want %s", t[i].from, t[i].n, out, t[i].to);
		int n;
		assert_int_equal(tz_days_between(t[i].from, t[i].to, &n), 0);
		assert_int_equal(n, t[i].n);
	}
	char out[TZ_DATE_LEN];
	assert_int_equal(tz_date_add("9999-12-31", 1, out), ERR_INVALID);
	assert_int_equal(tz_date_add("0001-01-01", -1, out), ERR_INVALID);
	assert_int_equal(tz_date_add("2026-02-30", 1, out), ERR_INVALID);
	int n;
	assert_int_equal(tz_days_between("2026-01-01", "nope", &n), ERR_INVALID);
	assert_true(tz_leap_year(2024) && tz_leap_year(2000) && !tz_leap_year(1900) && !tz_leap_year(2026));
	assert_int_equal(tz_days_in_month(2024, 2), 29);
	assert_int_equal(tz_days_in_month(2026, 2), 28);
	assert_int_equal(tz_days_in_month(2026, 13), 0);
	/* Weeks start on Monday. */
	int32_t sun, mon;
	assert_int_equal(tz_date_parse("2026-03-29", &sun), 0);
	assert_int_equal(tz_date_parse("2026-03-23", &mon), 0);
	assert_int_equal(tz_week_start(sun), mon);
	assert_int_equal(tz_week_start(mon), mon);
	assert_int_equal(tz_week_start(-3), -3); /* 1969-12-29 was a Monday */
	/* 200 years of day numbers round-trip through y-m-d. */
	for (int32_t d = tz_days_from_civil(1900, 1, 1); d < tz_days_from_civil(2100, 1, 1); d++) {
		int y, m, dd;
		tz_civil_from_days(d, &y, &m, &dd);
		assert_int_equal(tz_days_from_civil(y, m, dd), d);
		assert_true(dd >= 1 && dd <= tz_days_in_month(y, m));
	}
}

static void test_easter_and_hhmm(void **state)
{
	(void)state;
	static const struct {
		int y;
		const char *easter;
	} e[] = {{2024, "2024-03-31"}, {2025, "2025-04-20"}, {2026, "2026-04-05"}, {2027, "2027-03-28"},
		 {2000, "2000-04-23"}, {2038, "2038-04-25"}, {1818, "1818-03-22"}, {2285, "2285-03-22"}};
	for (size_t i = 0; i < sizeof e / sizeof e[0]; i++) {
		char s[TZ_DATE_LEN];
		tz_date_format(tz_easter(e[i].y), s);
		assert_string_equal(s, e[i].easter);
	}
	static const struct {
		const char *s;
		int min;
	} h[] = {{"00:00", 0},  {"08:30", 510}, {"14:30", 870}, {"23:59", 1439}, {"24:00", 1440},
		 {"24:01", -1}, {"25:00", -1},  {"12:60", -1},  {"9:00", -1},    {"09:0", -1},
		 {"09.00", -1}, {"", -1},       {"09:00 ", -1}};
	for (size_t i = 0; i < sizeof h / sizeof h[0]; i++) {
		int m = -1;
		int rc = tz_hhmm_parse(h[i].s, &m);
		if (h[i].min < 0) {
			assert_int_equal(rc, ERR_INVALID);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(m, h[i].min);
		char back[TZ_HHMM_LEN];
		tz_hhmm_format(m, back);
		assert_string_equal(back, h[i].s);
	}
}

/* ---------------------------------------------------------------- bad files */

static unsigned char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static unsigned char buf[65536];
	*len = fread(buf, 1, sizeof buf, f);
	fclose(f);
	unsigned char *out = malloc(*len);
	memcpy(out, buf, *len);
	return out;
}

/* A TZif file built from parts, so each test breaks one thing. version 0 writes only the
 * 32-bit block; otherwise both blocks and the footer. */
typedef struct {
	char version;
	uint32_t counts[6]; /* isut isstd leap time type chars, as written in the header */
	int64_t trans[4];
	uint8_t idx[4];
	struct {
		int32_t off;
		uint8_t dst, abbr;
	} types[3];
	char chars[16];
	const char *footer; /* without the newlines */
	bool extra_byte;
} spec_t;

static size_t put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8),
	p[3] = (unsigned char)v;
	return 4;
}

static size_t block(unsigned char *p, const spec_t *s, int tsize)
{
	size_t n = 0;
	memcpy(p, "TZif", 4);
	p[4] = (unsigned char)s->version;
	memset(p + 5, 0, 15);
	n = 20;
	for (int i = 0; i < 6; i++)
		n += put32(p + n, s->counts[i]);
	uint32_t nt = s->counts[3], nty = s->counts[4], nc = s->counts[5];
	for (uint32_t i = 0; i < nt && i < 4; i++) {
		if (tsize == 8) {
			n += put32(p + n, (uint32_t)((uint64_t)s->trans[i] >> 32));
			n += put32(p + n, (uint32_t)s->trans[i]);
		} else {
			n += put32(p + n, (uint32_t)s->trans[i]);
		}
	}
	for (uint32_t i = 0; i < nt && i < 4; i++)
		p[n++] = s->idx[i];
	for (uint32_t i = 0; i < nty && i < 3; i++) {
		n += put32(p + n, (uint32_t)s->types[i].off);
		p[n++] = s->types[i].dst;
		p[n++] = s->types[i].abbr;
	}
	memcpy(p + n, s->chars, nc < 16 ? nc : 16);
	n += nc < 16 ? nc : 16;
	for (uint32_t i = 0; i < s->counts[2]; i++) {
		memset(p + n, 0, (size_t)tsize + 4);
		n += (size_t)tsize + 4;
	}
	for (uint32_t i = 0; i < s->counts[1] + s->counts[0]; i++)
		p[n++] = 0;
	return n;
}

static size_t build(unsigned char *p, const spec_t *s)
{
	size_t n = block(p, s, 4);
	if (s->version == 0)
		return n;
	n += block(p + n, s, 8);
	p[n++] = '\n';
	size_t fl = strlen(s->footer ? s->footer : "");
	memcpy(p + n, s->footer ? s->footer : "", fl);
	n += fl;
	p[n++] = '\n';
	if (s->extra_byte)
		p[n++] = 'x';
	return n;
}

/* A small valid zone: CET/CEST switching at two instants of 2026, then the EU rule. */
static spec_t good_spec(char version)
{
	spec_t s = {
		.version = version,
		.counts = {0, 0, 0, 2, 2, 10},
		.trans = {1774746000 /* 2026-03-29T01:00Z */, 1792890000 /* 2026-10-25T01:00Z */},
		.idx = {1, 0},
		.types = {{3600, 0, 0}, {7200, 1, 4}},
		.chars = "CET\0CEST\0",
		.footer = "CET-1CEST,M3.5.0,M10.5.0/3",
	};
	return s;
}

static void test_synthetic_versions(void **state)
{
	(void)state;
	unsigned char buf[1024];
	for (int v = 0; v < 4; v++) {
		char version = v == 0 ? 0 : (char)('1' + v);
		spec_t s = good_spec(version);
		size_t n = build(buf, &s);
		tz_t *z = NULL;
		assert_int_equal(tz_parse(buf, n, "Test/Zone", &z), 0);
		assert_string_equal(tz_name(z), "Test/Zone");
		assert_int_equal(tz_offset(z, utc(2026, 1, 1, 0, 0, 0)), 3600);
		assert_int_equal(tz_offset(z, utc(2026, 7, 1, 0, 0, 0)), 7200);
		assert_int_equal(tz_offset(z, utc(2026, 11, 1, 0, 0, 0)), 3600);
		/* After the table: v1 keeps the last type, v2+ follow the footer into summer 2027. */
		assert_int_equal(tz_offset(z, utc(2027, 7, 1, 0, 0, 0)), v == 0 ? 3600 : 7200);
		tz_free(z);
	}
	/* An empty footer is allowed: the last type then holds. */
	spec_t s = good_spec('2');
	s.footer = "";
	size_t n = build(buf, &s);
	tz_t *z = NULL;
	assert_int_equal(tz_parse(buf, n, NULL, &z), 0);
	assert_string_equal(tz_name(z), "");
	assert_int_equal(tz_offset(z, utc(2027, 7, 1, 0, 0, 0)), 3600);
	tz_free(z);
	/* No transitions, only a footer: the rule applies everywhere. */
	s = good_spec('3');
	s.counts[3] = 0;
	n = build(buf, &s);
	assert_int_equal(tz_parse(buf, n, NULL, &z), 0);
	assert_int_equal(tz_offset(z, utc(1990, 7, 1, 0, 0, 0)), 7200);
	assert_int_equal(tz_offset(z, utc(1990, 1, 1, 0, 0, 0)), 3600);
	tz_free(z);
	/* v3: DST all year ("EST5EDT,0/0,J365/25"), and hours beyond 24 in rule times. */
	const struct {
		const char *footer;
		int64_t t;
		int32_t off;
	} f[] = {
		{"EST5EDT,0/0,J365/25", utc(2030, 1, 1, 12, 0, 0), -14400},
		{"EST5EDT,0/0,J365/25", utc(2030, 12, 31, 23, 0, 0), -14400},
		{"EST5EDT,0/0,J365/25", utc(2030, 6, 30, 12, 0, 0), -14400},
		{"<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", utc(2030, 7, 1, 0, 0, 0), -7200},
		{"<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", utc(2030, 1, 1, 0, 0, 0), -10800},
		{"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", utc(2030, 1, 1, 0, 0, 0), 39600},
		{"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", utc(2030, 7, 1, 0, 0, 0), 37800},
		{"JST-9", utc(2030, 7, 1, 0, 0, 0), 32400},
		{"IST-1GMT0,M10.5.0,M3.5.0/1", utc(2030, 1, 15, 0, 0, 0), 0},
		{"IST-1GMT0,M10.5.0,M3.5.0/1", utc(2030, 7, 15, 0, 0, 0), 3600},
		{"AAA3BBB,J60/2,300/2", utc(2030, 3, 1, 12, 0, 0), -7200}, /* J60 is 1 March every year */
		{"AAA3BBB,J60/2,300/2", utc(2030, 2, 28, 12, 0, 0), -10800},
	};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		s = good_spec('3');
		s.counts[3] = 0;
		s.footer = f[i].footer;
		n = build(buf, &s);
		z = NULL;
		if (tz_parse(buf, n, NULL, &z) != 0)
			fail_msg("footer \"%s\" refused", f[i].footer);
		if (tz_offset(z, f[i].t) != f[i].off)
			fail_msg("footer \"%s\" at %lld: %d, want %d", f[i].footer, (long long)f[i].t,
				 tz_offset(z, f[i].t), f[i].off);
		tz_free(z);
	}
}

static void test_bad_files(void **state)
{
	(void)state;
	unsigned char buf[1024];
	tz_t *z = NULL;
	/* Each case breaks one thing of the good spec. */
	for (int k = 0; k < 19; k++) {
		spec_t s = good_spec('2');
		switch (k) {
		case 0: s.version = '5'; break;
		case 1: s.version = '1'; break;
		case 2: s.counts[4] = 0; break;                           /* no types */
		case 3: s.counts[5] = 0; break;                           /* no characters */
		case 4: s.trans[1] = s.trans[0]; break;                   /* not ascending */
		case 5: s.idx[1] = 2; break;                              /* index past the types */
		case 6: s.types[1].off = 27 * 3600; break;                /* offset out of range */
		case 7: s.types[1].dst = 2; break;                        /* isdst not a boolean */
		case 8: s.types[1].abbr = 10; break;                      /* abbreviation past the chars */
		case 9: s.chars[9] = 'X'; break;                          /* last abbreviation not terminated */
		case 10: s.counts[2] = 1; break;                          /* leap seconds */
		case 11: s.counts[0] = 1; break;                          /* isut count neither 0 nor typecnt */
		case 12: s.footer = "CET-1CEST"; break;                   /* DST without a rule */
		case 13: s.footer = "C-1"; break;                         /* abbreviation too short */
		case 14: s.footer = "CET-1CEST,M13.5.0,M10.5.0"; break;   /* month 13 */
		case 15: s.footer = "CET-1CEST,M3.5.0,M10.5.0/3x"; break; /* trailing junk */
		case 16: s.extra_byte = true; break;                      /* bytes after the footer */
		case 17: s.footer = "CET"; break;                         /* no offset */
		case 18: s.counts[3] = 3000; break;                       /* too many transitions */
		}
		size_t n = build(buf, &s);
		if (tz_parse(buf, n, NULL, &z) != ERR_INVALID)
			fail_msg("bad file case %d was accepted", k);
	}
	/* Wrong magic, empty, tiny. */
	assert_int_equal(tz_parse("TZxf2", 5, NULL, &z), ERR_INVALID);
	assert_int_equal(tz_parse("", 0, NULL, &z), ERR_INVALID);
	assert_int_equal(tz_parse(NULL, 0, NULL, &z), ERR_INVALID);
	/* Every truncation of a real file is refused, and so is a missing final newline. */
	size_t len;
	unsigned char *madrid = read_all(ZONEINFO "/Europe/Madrid", &len);
	assert_int_equal(tz_parse(madrid, len, NULL, &z), 0);
	tz_free(z);
	for (size_t n = 0; n < len; n++)
		if (tz_parse(madrid, n, NULL, &z) != ERR_INVALID)
			fail_msg("Madrid cut at %zu bytes was accepted", n);
	/* A flipped byte in the header counts must not crash (it may or may not parse). */
	for (size_t i = 20; i < 44; i++) {
		unsigned char save = madrid[i];
		madrid[i] ^= 0x80;
		if (tz_parse(madrid, len, NULL, &z) == 0)
			tz_free(z);
		madrid[i] = save;
	}
	free(madrid);
	/* A file that is not TZif is refused by tz_get too (and remembered as bad). */
	assert_null(tz_get("Europe"));
}

/* ---------------------------------------------------------------- threads */

static void *racer(void *arg)
{
	const tz_t **out = arg;
	*out = tz_get("America/New_York");
	return NULL;
}

static void test_cache_threads(void **state)
{
	(void)state;
	tz_set_dir(ZONEINFO);
	pthread_t th[8];
	const tz_t *got[8];
	for (int i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&th[i], NULL, racer, &got[i]), 0);
	for (int i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	for (int i = 1; i < 8; i++)
		assert_ptr_equal(got[i], got[0]);
	assert_non_null(got[0]);
	/* UTC works without any tzdata. */
	tz_set_dir("/nonexistent");
	assert_non_null(tz_get("UTC"));
	assert_int_equal(tz_offset(tz_get("UTC"), 1234567890), 0);
	assert_null(tz_get("Europe/Madrid"));
	assert_int_equal(tz_offset(tz_utc(), 0), 0);
	tz_set_dir(ZONEINFO);
	assert_non_null(tz_get("Europe/Madrid"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_files_load),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_madrid_2026),
		cmocka_unit_test(test_other_zones),
		cmocka_unit_test(test_agrees_with_libc),
		cmocka_unit_test(test_local_to_utc),
		cmocka_unit_test(test_madrid_change_days_every_minute),
		cmocka_unit_test(test_date_parse),
		cmocka_unit_test(test_date_arithmetic),
		cmocka_unit_test(test_easter_and_hhmm),
		cmocka_unit_test(test_synthetic_versions),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_cache_threads),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
