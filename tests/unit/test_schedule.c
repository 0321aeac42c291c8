/* test_schedule.c — rule expansion and slot materialisation against SQLite in a temporary file
 * and, when FINESTRETA_TEST_PG_URL is set, PostgreSQL (tests/unit/testdb.h), migrated with the
 * real migrations/ folder: recurrence (weekdays, every N weeks from the anchor
 * week), validity, holidays and closures, opening-hours clipping, DST days, release times,
 * minimum notice, horizon, capacity from shifts and skills, the staff share, recompute that keeps
 * bookings, strand detection, idempotence, the job, opening hours per day, the holidays CSV.
 * Offices, procedures and users are inserted with SQL (they belong to other capabilities). Zones
 * come from tests/data/zoneinfo. Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/log.h"
#include "base/tz.h"
#include "db/db.h"
#include "schedule/internal.h"
#include "schedule/schedule.h"
#include "schedule/store.h"
#include "core/cap.h"
#include "testdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
	TESTFX_HEAD; /* db, c, a, cfg, app (testdb.h) */
	int64_t office, office2, p1, p2, u[4];
} fx_t;

static const tz_t *madrid(void)
{
	return tz_get("Europe/Madrid");
}

/* The instant of a local Madrid date and "HH:MM". */
static int64_t at(const char *date, const char *hhmm)
{
	int32_t d;
	int m;
	int64_t t = 0;
	if (tz_date_parse(date, &d) || tz_hhmm_parse(hhmm, &m) || tz_to_utc(madrid(), d, m, 0, &t))
		fail_msg("bad local time %s %s", date, hhmm);
	return t;
}

static void sql(fx_t *f, const char *s)
{
	if (db_exec(f->c, s, NULL, 0) < 0)
		fail_msg("%s: %s", s, db_errmsg(f->c));
}

static int64_t sql_int(fx_t *f, const char *s)
{
	int64_t v = -1;
	if (db_query_int(f->c, s, NULL, 0, &v))
		fail_msg("%s: %s", s, db_errmsg(f->c));
	return v;
}

static int setup(void **state)
{
	fx_t *f = calloc(1, sizeof *f);
	log_set_quiet(1);
	tz_set_dir("tests/data/zoneinfo");
	if (testfx_open(&f->fx))
		return -1;
	sql(f, "INSERT INTO organisations (code, name_ca, name_es, name_en, created_at, updated_at) "
	       "VALUES ('vilamar', 'Vilamar', 'Vilamar', 'Vilamar', 0, 0)");
	f->office = sql_int(f, "INSERT INTO offices (org_id, code, name_ca, name_es, name_en, kind, tz, created_at, "
			       "updated_at) "
			       "VALUES (1, 'centre', 'OAC Centre', 'OAC Centro', 'Centre office', 'citizen_office', "
			       "'Europe/Madrid', 0, 0) RETURNING id");
	f->office2 = sql_int(
		f, "INSERT INTO offices (org_id, code, name_ca, name_es, name_en, kind, tz, created_at, updated_at) "
		   "VALUES (1, 'nyc', 'NY', 'NY', 'NY', 'citizen_office', 'America/New_York', 0, 0) RETURNING id");
	f->p1 = sql_int(f, "INSERT INTO procedures (code, name_ca, name_es, name_en, category, channels, duration_min, "
			   "created_at, updated_at) VALUES ('padro', 'Padró', 'Padrón', 'Register', 'padro', "
			   "'in_person,phone', 15, 0, 0) RETURNING id");
	f->p2 = sql_int(f, "INSERT INTO procedures (code, name_ca, name_es, name_en, category, channels, duration_min, "
			   "created_at, updated_at) VALUES ('taxes', 'Tributs', 'Tributos', 'Taxes', 'taxes', "
			   "'in_person,phone', 15, 0, 0) RETURNING id");
	for (int i = 0; i < 4; i++) {
		char q[256];
		snprintf(q, sizeof q,
			 "INSERT INTO users (email, name, role, password_hash, created_at, updated_at) "
			 "VALUES ('u%d@x.example', 'U%d', 'informer', 'x', 0, 0) RETURNING id",
			 i, i);
		f->u[i] = sql_int(f, q);
	}
	/* Monday to Friday 08:00-15:00 from 2026 on (every test may add periods of its own). */
	for (int wd = 1; wd <= 5; wd++) {
		char q[256];
		snprintf(q, sizeof q,
			 "INSERT INTO opening_hours (office_id, weekday, open_min, close_min, valid_from) "
			 "VALUES (%lld, %d, 480, 900, '2026-01-01')",
			 (long long)f->office, wd);
		sql(f, q);
	}
	*state = f;
	return 0;
}

/* A rule with defaults: in_person, every weekday, 09:00-11:00 by 30 min, 2 seats, horizon 14,
 * no notice, no release, no staff share, from 2026-01-01. */
static sched_rule_t rule_defaults(fx_t *f)
{
	return (sched_rule_t){.office_id = f->office,
			      .channel = "in_person",
			      .weekdays = "1,2,3,4,5",
			      .every_weeks = 1,
			      .valid_from = "2026-01-01",
			      .valid_to = "",
			      .start_min = 540,
			      .end_min = 660,
			      .slot_min = 30,
			      .capacity = 2,
			      .staff_share = 0,
			      .horizon_days = 14,
			      .min_notice_min = 0,
			      .release_days = -1,
			      .release_min = -1,
			      .active = true};
}

static int64_t add_rule(fx_t *f, const sched_rule_t *r)
{
	int64_t id = 0;
	if (sched_store_rule_insert(f->c, r, 0, &id))
		fail_msg("rule insert: %s", db_errmsg(f->c));
	return id;
}

static schedule_report_t run(fx_t *f, int64_t now, schedule_mode_t mode, int want_rc)
{
	schedule_report_t rep;
	int rc = schedule_materialise(f->c, f->a, f->office, 0, now, mode, &rep);
	if (rc != want_rc)
		fail_msg("materialise: %d, want %d (%s)", rc, want_rc, db_errmsg(f->c));
	return rep;
}

/* "2026-03-23:4 2026-03-25:4" — slots per day of a rule (active ones). */
static const char *days_of(fx_t *f, int64_t rule)
{
	db_param_t p[] = {DB_INT(rule)};
	db_res_t *res;
	if (db_query(f->c,
		     "SELECT day, COUNT(*) FROM slots WHERE rule_id = $1 AND active = 1 GROUP BY day ORDER BY day", p,
		     1, &res))
		fail_msg("query: %s", db_errmsg(f->c));
	static char out[4096];
	size_t n = 0;
	out[0] = '\0';
	while (db_res_next(res) == 1)
		n += (size_t)snprintf(out + n, sizeof out - n, "%s%s:%lld", n ? " " : "", db_res_text(res, 0),
				      (long long)db_res_int(res, 1));
	db_res_free(res);
	return out;
}

/* "09:00/2+0 09:30/2+0" — local start/public+staff seats of a rule's slots on one day. */
static const char *seats_on(fx_t *f, int64_t rule, const char *day)
{
	db_param_t p[] = {DB_INT(rule), DB_TEXT(day)};
	db_res_t *res;
	if (db_query(f->c,
		     "SELECT start_at, capacity, staff_capacity FROM slots WHERE rule_id = $1 AND day = $2 AND active "
		     "= 1 "
		     "ORDER BY start_at",
		     p, 2, &res))
		fail_msg("query: %s", db_errmsg(f->c));
	static char out[4096];
	size_t n = 0;
	out[0] = '\0';
	while (db_res_next(res) == 1) {
		tz_local_t l;
		tz_local(madrid(), db_res_int(res, 0), &l);
		char hm[TZ_HHMM_LEN];
		tz_hhmm_format(l.minute, hm);
		n += (size_t)snprintf(out + n, sizeof out - n, "%s%s/%lld+%lld", n ? " " : "", hm,
				      (long long)db_res_int(res, 1), (long long)db_res_int(res, 2));
	}
	db_res_free(res);
	return out;
}

static void clear(fx_t *f)
{
	sql(f, "DELETE FROM slots");
	sql(f, "DELETE FROM rule_procedures");
	sql(f, "DELETE FROM availability_rules");
	sql(f, "DELETE FROM staff_shifts");
	sql(f, "DELETE FROM staff_skills");
	sql(f, "DELETE FROM closures");
	sql(f, "DELETE FROM holidays");
}

/* ---------------------------------------------------------------- recurrence */

static void test_recurrence(void **state)
{
	fx_t *f = *state;
	/* Today is Monday 23 March 2026, 07:00 in Madrid. */
	int64_t now = at("2026-03-23", "07:00");
	static const struct {
		const char *weekdays;
		int every;
		const char *from, *to;
		int horizon;
		const char *days;
	} t[] = {
		{"1,3", 1, "2026-01-01", "", 13, "2026-03-23:4 2026-03-25:4 2026-03-30:4 2026-04-01:4"},
		{"5", 1, "2026-01-01", "", 14, "2026-03-27:4 2026-04-03:4"},
		/* Every 2 weeks from the week of 25 March (Mon 23): weeks of 23/3, 6/4, 20/4. */
		{"1,3", 2, "2026-03-25", "", 30, "2026-03-25:4 2026-04-06:4 2026-04-08:4 2026-04-20:4 2026-04-22:4"},
		/* Every 3 weeks: weeks of 23/3 and 13/4. */
		{"1,3", 3, "2026-03-25", "", 30, "2026-03-25:4 2026-04-13:4 2026-04-15:4"},
		/* The anchor is valid_from's week even when it started long ago (2 Feb is 7 weeks before). */
		{"2", 2, "2026-02-02", "", 22, "2026-03-31:4 2026-04-14:4"},
		{"2", 2, "2026-02-09", "", 21, "2026-03-24:4 2026-04-07:4"},
		/* Validity: from and to cut the range. */
		{"1,2,3,4,5", 1, "2026-03-26", "2026-03-31", 30, "2026-03-26:4 2026-03-27:4 2026-03-30:4 2026-03-31:4"},
		{"1,2,3,4,5", 1, "2026-01-01", "2026-03-22", 30, ""},
		{"1,2,3,4,5", 1, "2026-05-01", "", 30, ""},
		/* Horizon: today plus 2 days. */
		{"1,2,3,4,5", 1, "2026-01-01", "", 2, "2026-03-23:4 2026-03-24:4 2026-03-25:4"},
		/* Weekends: the office is closed, so nothing. */
		{"6,7", 1, "2026-01-01", "", 14, ""},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		clear(f);
		sched_rule_t r = rule_defaults(f);
		r.weekdays = t[i].weekdays;
		r.every_weeks = t[i].every;
		r.valid_from = t[i].from;
		r.valid_to = t[i].to;
		r.horizon_days = t[i].horizon;
		int64_t id = add_rule(f, &r);
		run(f, now, SCHEDULE_STRICT, 0);
		const char *got = days_of(f, id);
		if (strcmp(got, t[i].days) != 0)
			fail_msg("case %zu (%s every %d from %s): got \"%s\", want \"%s\"", i, t[i].weekdays,
				 t[i].every, t[i].from, got, t[i].days);
	}
}

/* ---------------------------------------------------------------- exclusions and hours */

static void test_holidays_closures_hours(void **state)
{
	fx_t *f = *state;
	clear(f);
	int64_t now = at("2026-03-30", "07:00");
	schedule_holiday_t h[] = {{"2026-04-03", "national", "Divendres Sant", "Viernes Santo", "Good Friday"},
				  {"2026-04-06", "catalonia", "Dilluns de Pasqua", "Lunes de Pascua", "Easter Monday"},
				  {"2026-04-08", "city", "Festa local", "Fiesta local", "Local holiday"}};
	assert_int_equal(schedule_holidays_store(f->c, h, 3), 0);
	assert_int_equal(sched_store_closure_add(f->c, f->office, "2026-04-01", "Inventari", NULL), 0);
	/* Thursdays: 09:00-14:00 and 16:00-19:00 (this period starts later, so it wins). */
	sched_hours_t thu[] = {{0, 0, 4, 540, 840, "2026-03-01", ""}, {0, 0, 4, 960, 1140, "2026-03-01", ""},
			       {0, 0, 1, 540, 840, "2026-03-01", ""}, {0, 0, 2, 540, 840, "2026-03-01", ""},
			       {0, 0, 3, 540, 840, "2026-03-01", ""}, {0, 0, 5, 540, 840, "2026-03-01", ""}};
	assert_int_equal(sched_store_hours_replace(f->c, f->office, NULL, NULL, thu, 6), 0);
	sched_rule_t r = rule_defaults(f);
	r.start_min = 480; /* 08:00-20:00 by the hour */
	r.end_min = 1200;
	r.slot_min = 60;
	r.horizon_days = 10;
	int64_t id = add_rule(f, &r);
	run(f, now, SCHEDULE_STRICT, 0);
	/* 30/3 Mon, 31/3 Tue, [1/4 closed], 2/4 Thu (9..13 and 16..18), [3/4 holiday, 6/4 holiday],
	 * 7/4 Tue, [8/4 city holiday], 9/4 Thu. */
	assert_string_equal(days_of(f, id), "2026-03-30:5 2026-03-31:5 2026-04-02:8 2026-04-07:5 2026-04-09:8");
	assert_string_equal(seats_on(f, id, "2026-04-02"),
			    "09:00/2+0 10:00/2+0 11:00/2+0 12:00/2+0 13:00/2+0 16:00/2+0 17:00/2+0 18:00/2+0");
	/* Summer hours from July: 08:00-14:00 only; August (a shorter period inside) 09:00-13:00. */
	sched_hours_t rows[] = {
		{0, 0, 1, 540, 840, "2026-01-01", ""},           {0, 0, 1, 480, 840, "2026-07-01", "2026-08-31"},
		{0, 0, 1, 540, 780, "2026-08-01", "2026-08-31"}, {0, 0, 2, 540, 720, "2026-01-01", ""},
		{0, 0, 2, 720, 840, "2026-01-01", ""},           {0, 0, 2, 600, 700, "2026-01-01", ""},
	};
	static const struct {
		const char *date;
		int wd;
		const char *want;
	} t[] = {
		{"2026-06-29", 1, "540-840"},
		{"2026-07-06", 1, "480-840"},
		{"2026-08-03", 1, "540-780"},
		{"2026-08-31", 1, "540-780"},
		{"2026-09-07", 1, "540-840"},
		{"2025-12-29", 1, ""},
		/* Tuesday has no rows in the summer periods, and they do not cover Tuesdays anyway in
		 * this table; its open-ended intervals touch and overlap, so they merge. */
		{"2026-06-30", 2, "540-840"},
		{"2026-07-07", 2, ""},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		schedule_interval_t iv[8];
		size_t n = sched_day_intervals(rows, 6, t[i].date, t[i].wd, iv, 8);
		char got[64] = "";
		size_t len = 0;
		for (size_t k = 0; k < n; k++)
			len += (size_t)snprintf(got + len, sizeof got - len, "%s%d-%d", k ? "," : "", iv[k].open_min,
						iv[k].close_min);
		if (strcmp(got, t[i].want) != 0)
			fail_msg("%s: \"%s\", want \"%s\"", t[i].date, got, t[i].want);
	}
	/* schedule_hours: per day, with the holiday and closure reasons. */
	schedule_day_t *days;
	size_t nd;
	int32_t from, to;
	tz_date_parse("2026-04-01", &from);
	tz_date_parse("2026-04-05", &to);
	assert_int_equal(schedule_hours(f->c, f->a, f->office, from, to, &days, &nd), 0);
	assert_int_equal(nd, 5);
	assert_false(days[0].open);
	assert_string_equal(days[0].closed_reason, "Inventari");
	assert_int_equal(days[0].nintervals, 1);
	assert_true(days[1].open);
	assert_int_equal(days[1].nintervals, 2);
	assert_int_equal(days[1].intervals[1].open_min, 960);
	assert_false(days[2].open);
	assert_string_equal(days[2].holiday_en, "Good Friday");
	assert_string_equal(days[2].holiday_scope, "national");
	assert_false(days[3].open); /* Saturday: no hours */
	assert_null(days[3].closed_reason);
	assert_null(days[3].holiday_scope);
	assert_int_equal(days[4].weekday, 7);
	assert_int_equal(schedule_hours(f->c, f->a, f->office, to, from, &days, &nd), ERR_INVALID);
	assert_int_equal(schedule_hours(f->c, f->a, f->office, from, from + 366, &days, &nd), ERR_INVALID);
}

/* ---------------------------------------------------------------- DST */

static void test_dst_days(void **state)
{
	fx_t *f = *state;
	clear(f);
	sql(f, "DELETE FROM opening_hours");
	for (int wd = 1; wd <= 7; wd++) {
		char q[256];
		snprintf(q, sizeof q,
			 "INSERT INTO opening_hours (office_id, weekday, open_min, close_min, valid_from) "
			 "VALUES (%lld, %d, 0, 1440, '2026-01-01')",
			 (long long)f->office, wd);
		sql(f, q);
	}
	sched_rule_t r = rule_defaults(f);
	r.weekdays = "1,2,3,4,5,6,7";
	r.start_min = 60; /* 01:00-04:00 by the hour, and 09:00-10:00 */
	r.end_min = 240;
	r.slot_min = 60;
	r.horizon_days = 3;
	int64_t night = add_rule(f, &r);
	r.start_min = 540;
	r.end_min = 600;
	int64_t morning = add_rule(f, &r);
	run(f, at("2026-03-27", "12:00"), SCHEDULE_STRICT, 0);
	/* 29 March: 02:00 does not exist, so no slot then. */
	assert_string_equal(seats_on(f, night, "2026-03-29"), "01:00/2+0 03:00/2+0");
	assert_string_equal(seats_on(f, night, "2026-03-28"), "01:00/2+0 02:00/2+0 03:00/2+0");
	int64_t t;
	assert_int_equal(db_query_int(f->c,
				      "SELECT start_at FROM slots WHERE day = '2026-03-28' AND start_at % 86400 = 8 * "
				      "3600",
				      NULL, 0, &t),
			 0);
	/* 09:00 local is 08:00Z the day before the change and 07:00Z on it. */
	db_param_t p[] = {DB_INT(morning)};
	db_res_t *res;
	assert_int_equal(db_query(f->c, "SELECT day, start_at, end_at FROM slots WHERE rule_id = $1 ORDER BY start_at",
				  p, 1, &res),
			 0);
	static const char *want[][2] = {{"2026-03-28", "2026-03-28T09:00:00+01:00"},
					{"2026-03-29", "2026-03-29T09:00:00+02:00"},
					{"2026-03-30", "2026-03-30T09:00:00+02:00"}};
	int k = 0;
	while (db_res_next(res) == 1) {
		char iso[TZ_ISO_LEN];
		tz_format_iso(madrid(), db_res_int(res, 1), iso);
		assert_true(k < 3);
		assert_string_equal(db_res_text(res, 0), want[k][0]);
		assert_string_equal(iso, want[k][1]);
		assert_int_equal(db_res_int(res, 2) - db_res_int(res, 1), 3600);
		k++;
	}
	db_res_free(res);
	assert_int_equal(k, 3);
	assert_int_equal(at("2026-03-28", "09:00") % 86400, 8 * 3600);
	assert_int_equal(at("2026-03-29", "09:00") % 86400, 7 * 3600);
	/* 25 October: 02:00 happens twice; one slot, at the first one, lasting its own hour (until
	 * the second 02:00), not until 03:00 CET two hours later. */
	clear(f);
	r.start_min = 60;
	r.end_min = 240;
	night = add_rule(f, &r);
	run(f, at("2026-10-24", "12:00"), SCHEDULE_STRICT, 0);
	assert_string_equal(seats_on(f, night, "2026-10-25"), "01:00/2+0 02:00/2+0 03:00/2+0");
	db_param_t q[] = {DB_INT(night)};
	assert_int_equal(db_query(f->c,
				  "SELECT start_at, end_at FROM slots WHERE rule_id = $1 AND day = '2026-10-25' ORDER "
				  "BY start_at",
				  q, 1, &res),
			 0);
	assert_int_equal(db_res_next(res), 1);
	assert_int_equal(db_res_int(res, 1) - db_res_int(res, 0), 3600); /* 01:00 → 02:00 */
	assert_int_equal(db_res_next(res), 1);
	assert_int_equal(db_res_int(res, 1) - db_res_int(res, 0), 3600); /* 02:00 CEST → 02:00 CET */
	assert_int_equal(db_res_next(res), 1);
	assert_int_equal(db_res_int(res, 1) - db_res_int(res, 0), 3600);
	db_res_free(res);
	/* The other office runs on New York time: 09:00 there is 13:00Z in summer. */
	sql(f, "INSERT INTO opening_hours (office_id, weekday, open_min, close_min, valid_from) "
	       "SELECT id, 3, 480, 1020, '2026-01-01' FROM offices WHERE code = 'nyc'");
	sched_rule_t ny = rule_defaults(f);
	ny.office_id = f->office2;
	ny.weekdays = "3";
	ny.start_min = 540;
	ny.end_min = 600;
	ny.slot_min = 60;
	int64_t nyr = add_rule(f, &ny);
	assert_int_equal(schedule_materialise(f->c, f->a, f->office2, 0, at("2026-03-02", "12:00"), SCHEDULE_STRICT,
					      NULL),
			 0);
	db_param_t nq[] = {DB_INT(nyr)};
	assert_int_equal(db_query(f->c, "SELECT day, start_at FROM slots WHERE rule_id = $1 ORDER BY start_at", nq, 1,
				  &res),
			 0);
	assert_int_equal(db_res_next(res), 1);
	assert_string_equal(db_res_text(res, 0), "2026-03-04");
	assert_int_equal(db_res_int(res, 1) % 86400, 14 * 3600); /* EST */
	assert_int_equal(db_res_next(res), 1);
	assert_string_equal(db_res_text(res, 0), "2026-03-11");
	assert_int_equal(db_res_int(res, 1) % 86400, 13 * 3600); /* EDT since 8 March */
	db_res_free(res);
	sql(f, "DELETE FROM opening_hours WHERE weekday > 5 OR open_min = 0");
	sql(f, "DELETE FROM opening_hours WHERE office_id <> 1");
	for (int wd = 1; wd <= 5; wd++) {
		char s[256];
		snprintf(s, sizeof s,
			 "INSERT INTO opening_hours (office_id, weekday, open_min, close_min, valid_from) "
			 "VALUES (%lld, %d, 480, 900, '2026-01-01')",
			 (long long)f->office, wd);
		sql(f, s);
	}
	sql(f, "DELETE FROM slots");
	sql(f, "DELETE FROM availability_rules");
}

/* ---------------------------------------------------------------- release, notice, horizon */

/* 31 October 2027, Europe/Madrid: 03:00 CEST becomes 02:00 CET, so 02:00-03:00 happens twice. A
 * half-hour slot starting in that hour (at its first occurrence) lasts half an hour, not the 90
 * minutes to the wall-clock 03:00 CET; no two slots overlap. */
static void test_dst_autumn_2027(void **state)
{
	fx_t *f = *state;
	clear(f);
	sql(f, "DELETE FROM opening_hours");
	for (int wd = 1; wd <= 7; wd++) {
		char q[256];
		snprintf(q, sizeof q,
			 "INSERT INTO opening_hours (office_id, weekday, open_min, close_min, valid_from) "
			 "VALUES (%lld, %d, 0, 1440, '2026-01-01')",
			 (long long)f->office, wd);
		sql(f, q);
	}
	sched_rule_t r = rule_defaults(f);
	r.weekdays = "7";
	r.start_min = 60; /* 01:00-04:00 by half hours */
	r.end_min = 240;
	r.slot_min = 30;
	r.horizon_days = 5;
	int64_t rule = add_rule(f, &r);
	run(f, at("2027-10-29", "12:00"), SCHEDULE_STRICT, 0);
	db_param_t p[] = {DB_INT(rule)};
	db_res_t *res;
	assert_int_equal(db_query(f->c,
				  "SELECT start_at, end_at FROM slots WHERE rule_id = $1 AND day = '2027-10-31' "
				  "ORDER BY start_at",
				  p, 1, &res),
			 0);
	static const char *want[][2] = {
		{"2027-10-31T01:00:00+02:00", "2027-10-31T01:30:00+02:00"},
		{"2027-10-31T01:30:00+02:00", "2027-10-31T02:00:00+02:00"},
		{"2027-10-31T02:00:00+02:00", "2027-10-31T02:30:00+02:00"},
		{"2027-10-31T02:30:00+02:00", "2027-10-31T02:00:00+01:00"}, /* not 03:00+01:00 */
		{"2027-10-31T03:00:00+01:00", "2027-10-31T03:30:00+01:00"},
		{"2027-10-31T03:30:00+01:00", "2027-10-31T04:00:00+01:00"},
	};
	int k = 0;
	int64_t prev_end = 0;
	while (db_res_next(res) == 1) {
		int64_t sa = db_res_int(res, 0), ea = db_res_int(res, 1);
		char iso_s[TZ_ISO_LEN], iso_e[TZ_ISO_LEN];
		tz_format_iso(madrid(), sa, iso_s);
		tz_format_iso(madrid(), ea, iso_e);
		assert_true(k < 6);
		assert_string_equal(iso_s, want[k][0]);
		assert_string_equal(iso_e, want[k][1]);
		assert_int_equal(ea - sa, 30 * 60);
		assert_true(sa >= prev_end);
		prev_end = ea;
		k++;
	}
	db_res_free(res);
	assert_int_equal(k, 6);
}

static void test_release_notice_horizon(void **state)
{
	fx_t *f = *state;
	clear(f);
	int64_t now = at("2026-03-23", "08:40");
	sched_rule_t r = rule_defaults(f);
	r.start_min = 540;
	r.end_min = 720; /* 09:00-12:00 by the hour */
	r.slot_min = 60;
	r.horizon_days = 30;
	r.release_days = 7;
	r.release_min = 480;
	r.min_notice_min = 60;
	int64_t id = add_rule(f, &r);
	run(f, now, SCHEDULE_STRICT, 0);
	static const struct {
		const char *day, *release_date, *release_time;
	} t[] = {
		/* Released at 08:00 seven days before: CET before 29 March, CEST after. */
		{"2026-04-01", "2026-03-25", "08:00"},
		{"2026-04-03", "2026-03-27", "08:00"},
		{"2026-04-06", "2026-03-30", "08:00"},
		/* Days already inside the window are released since 08:00 seven days before (the past). */
		{"2026-03-23", "2026-03-16", "08:00"},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		db_param_t p[] = {DB_INT(id), DB_TEXT(t[i].day)};
		int64_t rel = 0;
		assert_int_equal(db_query_int(f->c, "SELECT MIN(release_at) FROM slots WHERE rule_id = $1 AND day = $2",
					      p, 2, &rel),
				 0);
		if (rel != at(t[i].release_date, t[i].release_time))
			fail_msg("%s: released at %lld, want %s %s", t[i].day, (long long)rel, t[i].release_date,
				 t[i].release_time);
	}
	/* Public: released (up to 30/3, as released by 08:00 on the 23rd) and at least 60 minutes
	 * ahead (so not 09:00 today at 08:40). */
	schedule_slot_t *s;
	size_t n;
	assert_int_equal(schedule_slots(f->c, f->a, f->office, "in_person", 0, "2026-03-01", "2026-12-31", now, false,
					&s, &n),
			 0);
	assert_true(n > 0);
	assert_string_equal(s[0].day, "2026-03-23");
	assert_int_equal(s[0].start_min, 600);
	assert_int_equal(s[0].end_min, 660);
	assert_string_equal(s[n - 1].day, "2026-03-30");
	assert_int_equal(n, 2 + 5 * 3); /* 10:00, 11:00 today; 24-27 and 30 March */
	assert_int_equal(s[0].free, 2);
	/* At 07:59 on 25 March, 1 April is not out yet; at 08:00 it is. */
	assert_int_equal(schedule_slots(f->c, f->a, f->office, "in_person", 0, "2026-04-01", "2026-04-01",
					at("2026-03-25", "07:59"), false, &s, &n),
			 0);
	assert_int_equal(n, 0);
	assert_int_equal(schedule_slots(f->c, f->a, f->office, "in_person", 0, "2026-04-01", "2026-04-01",
					at("2026-03-25", "08:00"), false, &s, &n),
			 0);
	assert_int_equal(n, 3);
	/* Staff see released or not, to the horizon (22 April). */
	assert_int_equal(schedule_slots(f->c, f->a, f->office, "in_person", 0, "2026-03-01", "2026-12-31", now, true,
					&s, &n),
			 0);
	assert_string_equal(s[n - 1].day, "2026-04-22");
	/* Without a release rule a day opens as it enters the horizon (midnight, 30 days before). */
	clear(f);
	r.release_days = -1;
	r.release_min = -1;
	r.horizon_days = 10;
	id = add_rule(f, &r);
	run(f, now, SCHEDULE_STRICT, 0);
	db_param_t p[] = {DB_INT(id)};
	int64_t rel = 0;
	assert_int_equal(db_query_int(f->c, "SELECT release_at FROM slots WHERE rule_id = $1 AND day = '2026-04-02'", p,
				      1, &rel),
			 0);
	assert_int_equal(rel, at("2026-03-23", "00:00"));
	assert_string_equal(days_of(f, id), "2026-03-23:3 2026-03-24:3 2026-03-25:3 2026-03-26:3 2026-03-27:3 "
					    "2026-03-30:3 2026-03-31:3 2026-04-01:3 2026-04-02:3");
	/* Slots that already started are not produced: at 10:30, today keeps 11:00 only. */
	clear(f);
	id = add_rule(f, &r);
	run(f, at("2026-03-23", "10:30"), SCHEDULE_STRICT, 0);
	assert_string_equal(seats_on(f, id, "2026-03-23"), "11:00/2+0");
	/* Procedure filter: a rule listing procedures serves those only. */
	sched_rule_t rp = rule_defaults(f);
	rp.channel = "phone";
	int64_t procs[] = {f->p1};
	rp.procs = procs;
	rp.nprocs = 1;
	add_rule(f, &rp);
	run(f, at("2026-03-23", "07:00"), SCHEDULE_STRICT, 0);
	assert_int_equal(schedule_slots(f->c, f->a, f->office, "phone", f->p1, "2026-03-23", "2026-03-23",
					at("2026-03-23", "07:00"), false, &s, &n),
			 0);
	assert_int_equal(n, 4);
	assert_int_equal(schedule_slots(f->c, f->a, f->office, "phone", f->p2, "2026-03-23", "2026-03-23",
					at("2026-03-23", "07:00"), false, &s, &n),
			 0);
	assert_int_equal(n, 0);
	assert_int_equal(schedule_slots(f->c, f->a, f->office, "phone", 0, "2026-03-23", "2026-03-23",
					at("2026-03-23", "07:00"), false, &s, &n),
			 0);
	assert_int_equal(n, 4);
	assert_int_equal(schedule_slots(f->c, f->a, f->office, "fax", 0, "2026-03-23", "2026-03-23", 0, false, &s, &n),
			 ERR_INVALID);
	assert_int_equal(schedule_slots(f->c, f->a, f->office, "phone", 0, "2026-3-23", "2026-03-23", 0, false, &s, &n),
			 ERR_INVALID);
}

/* ---------------------------------------------------------------- capacity */

static void add_shift(fx_t *f, int64_t user, const char *channel, const char *day, int from, int to)
{
	sched_shift_t s = {0, user, f->office, channel, day, from, to};
	assert_int_equal(sched_store_shift_add(f->c, &s, NULL), 0);
}

static void test_capacity_from_shifts(void **state)
{
	fx_t *f = *state;
	clear(f);
	const char *d = "2026-03-24";
	add_shift(f, f->u[0], "phone", d, 540, 660); /* 09-11, knows padró */
	add_shift(f, f->u[1], "phone", d, 540, 600); /* 09-10, knows padró */
	add_shift(f, f->u[2], "phone", d, 540, 660); /* 09-11, knows nothing */
	add_shift(f, f->u[3], "video", d, 540, 660); /* another channel */
	add_shift(f, f->u[0], "phone", d, 600, 660); /* a second shift of the same person */
	int64_t p1[] = {f->p1};
	assert_int_equal(sched_store_skills_set(f->c, f->u[0], p1, 1), 0);
	assert_int_equal(sched_store_skills_set(f->c, f->u[1], p1, 1), 0);
	assert_int_equal(sched_store_skills_set(f->c, f->u[3], p1, 1), 0);
	sched_rule_t r = rule_defaults(f);
	r.channel = "phone";
	r.capacity = -1;
	r.procs = p1;
	r.nprocs = 1;
	int64_t with_procs = add_rule(f, &r);
	r.procs = NULL;
	r.nprocs = 0;
	int64_t any = add_rule(f, &r);
	r.staff_share = 50;
	int64_t shared = add_rule(f, &r);
	run(f, at("2026-03-23", "07:00"), SCHEDULE_STRICT, 0);
	assert_string_equal(seats_on(f, with_procs, d), "09:00/2+0 09:30/2+0 10:00/1+0 10:30/1+0");
	assert_string_equal(seats_on(f, any, d), "09:00/3+0 09:30/3+0 10:00/2+0 10:30/2+0");
	assert_string_equal(seats_on(f, shared, d), "09:00/1+2 09:30/1+2 10:00/1+1 10:30/1+1");
	/* Days without shifts have no derived slots at all. */
	assert_string_equal(days_of(f, with_procs), "2026-03-24:4");
	/* A shift added recomputes the seats. */
	add_shift(f, f->u[1], "phone", d, 600, 660);
	run(f, at("2026-03-23", "07:00"), SCHEDULE_STRICT, 0);
	assert_string_equal(seats_on(f, with_procs, d), "09:00/2+0 09:30/2+0 10:00/2+0 10:30/2+0");
}

static void test_staff_share_rounding(void **state)
{
	fx_t *f = *state;
	static const struct {
		int seats, share, pub, staff;
	} t[] = {{1, 20, 0, 1}, {5, 20, 4, 1},  {6, 20, 4, 2},  {10, 0, 10, 0}, {3, 100, 0, 3}, {4, 25, 3, 1},
		 {7, 33, 4, 3}, {10, 20, 8, 2}, {11, 20, 8, 3}, {0, 50, 0, 0},  {2, 1, 1, 1},   {100, 99, 1, 99}};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int pub, staff;
		sched_split_seats(t[i].seats, t[i].share, &pub, &staff);
		if (pub != t[i].pub || staff != t[i].staff)
			fail_msg("%d seats at %d%%: %d+%d, want %d+%d", t[i].seats, t[i].share, pub, staff, t[i].pub,
				 t[i].staff);
	}
	clear(f);
	sched_rule_t r = rule_defaults(f);
	r.capacity = 6;
	r.staff_share = 20;
	int64_t id = add_rule(f, &r);
	run(f, at("2026-03-23", "07:00"), SCHEDULE_STRICT, 0);
	assert_string_equal(seats_on(f, id, "2026-03-24"), "09:00/4+2 09:30/4+2 10:00/4+2 10:30/4+2");
	/* Staff may take staff seats and then public ones; the public only public ones. */
	sql(f, "UPDATE slots SET booked = 4 WHERE day = '2026-03-24'");
	schedule_slot_t *s;
	size_t n;
	assert_int_equal(schedule_slots(f->c, f->a, f->office, "in_person", 0, "2026-03-24", "2026-03-24",
					at("2026-03-23", "07:00"), false, &s, &n),
			 0);
	assert_int_equal(n, 0);
	assert_int_equal(schedule_slots(f->c, f->a, f->office, "in_person", 0, "2026-03-24", "2026-03-24",
					at("2026-03-23", "07:00"), true, &s, &n),
			 0);
	assert_int_equal(n, 4);
	assert_int_equal(s[0].free, 2);
	sql(f, "UPDATE slots SET booked = 0");
}

/* ---------------------------------------------------------------- recompute and strands */

static int64_t slot_id(fx_t *f, const char *day, const char *hhmm)
{
	db_param_t p[] = {DB_TEXT(day), DB_INT(at(day, hhmm))};
	int64_t id = 0;
	if (db_query_int(f->c, "SELECT id FROM slots WHERE day = $1 AND start_at = $2", p, 2, &id))
		fail_msg("no slot %s %s", day, hhmm);
	return id;
}

static void test_recompute_and_strands(void **state)
{
	fx_t *f = *state;
	clear(f);
	int64_t now = at("2026-03-23", "07:00");
	sched_rule_t r = rule_defaults(f);
	int64_t id = add_rule(f, &r);
	schedule_report_t rep = run(f, now, SCHEDULE_STRICT, 0);
	assert_int_equal(rep.inserted, 11 * 4); /* 23/3..6/4: 11 weekdays */
	/* Idempotent: the second run changes nothing. */
	rep = run(f, now, SCHEDULE_STRICT, 0);
	assert_int_equal(rep.inserted + rep.updated + rep.deleted + rep.deactivated + rep.nstrands, 0);
	int64_t total = sql_int(f, "SELECT COUNT(*) FROM slots");
	assert_int_equal(total, 44);
	/* Bookings on Wednesday 25th 09:00 (1 public) and Thursday 26th 10:00 (2 public, 0 staff). */
	int64_t wed = slot_id(f, "2026-03-25", "09:00"), thu = slot_id(f, "2026-03-26", "10:00");
	char q[256];
	snprintf(q, sizeof q, "UPDATE slots SET booked = 1 WHERE id = %lld", (long long)wed);
	sql(f, q);
	snprintf(q, sizeof q, "UPDATE slots SET booked = 2 WHERE id = %lld", (long long)thu);
	sql(f, q);
	/* More seats: applied, bookings kept, same slots. */
	r.id = id;
	r.capacity = 3;
	assert_int_equal(sched_store_rule_update(f->c, &r, 1), 0);
	rep = run(f, now, SCHEDULE_STRICT, 0);
	assert_int_equal(rep.updated, 44);
	assert_int_equal(rep.nstrands, 0);
	snprintf(q, sizeof q, "SELECT booked * 10 + capacity FROM slots WHERE id = %lld", (long long)wed);
	assert_int_equal(sql_int(f, q), 13);
	snprintf(q, sizeof q, "SELECT booked * 10 + capacity FROM slots WHERE id = %lld", (long long)thu);
	assert_int_equal(sql_int(f, q), 23);
	/* Drop Wednesdays and go to 1 seat: strands both booked slots. STRICT writes nothing. */
	r.weekdays = "1,2,4,5";
	r.capacity = 1;
	assert_int_equal(sched_store_rule_update(f->c, &r, 2), 0);
	rep = run(f, now, SCHEDULE_STRICT, ERR_CONFLICT);
	assert_int_equal(rep.nstrands, 2);
	assert_int_equal(rep.strands[0].slot_id, wed);
	assert_true(rep.strands[0].removed);
	assert_string_equal(rep.strands[0].day, "2026-03-25");
	assert_int_equal(rep.strands[0].start_min, 540);
	assert_int_equal(rep.strands[0].booked, 1);
	assert_string_equal(rep.strands[0].channel, "in_person");
	assert_int_equal(rep.strands[1].slot_id, thu);
	assert_false(rep.strands[1].removed);
	assert_int_equal(rep.strands[1].new_capacity, 1);
	assert_int_equal(sql_int(f, "SELECT COUNT(*) FROM slots"), 44);
	assert_int_equal(sql_int(f, "SELECT COUNT(*) FROM slots WHERE capacity = 3"), 44);
	/* A dry run says the same and writes nothing either. */
	rep = run(f, now, SCHEDULE_DRY_RUN, 0);
	assert_int_equal(rep.nstrands, 2);
	assert_int_equal(sql_int(f, "SELECT COUNT(*) FROM slots"), 44);
	/* SAFE (the job) applies the rest and leaves both as they are. */
	rep = run(f, now, SCHEDULE_SAFE, 0);
	assert_int_equal(rep.nstrands, 2);
	assert_int_equal(sql_int(f, "SELECT COUNT(*) FROM slots"), 36 + 1);
	snprintf(q, sizeof q, "SELECT active * 100 + booked * 10 + capacity FROM slots WHERE id = %lld",
		 (long long)wed);
	assert_int_equal(sql_int(f, q), 113);
	snprintf(q, sizeof q, "SELECT booked * 10 + capacity FROM slots WHERE id = %lld", (long long)thu);
	assert_int_equal(sql_int(f, q), 23);
	/* Confirmed: the removed slot is kept inactive with its booking, the other shrinks. */
	rep = run(f, now, SCHEDULE_CONFIRMED, 0);
	assert_int_equal(rep.nstrands, 2);
	assert_int_equal(rep.deactivated, 1);
	snprintf(q, sizeof q, "SELECT active * 100 + booked * 10 + capacity FROM slots WHERE id = %lld",
		 (long long)wed);
	assert_int_equal(sql_int(f, q), 13);
	snprintf(q, sizeof q, "SELECT active * 100 + booked * 10 + capacity FROM slots WHERE id = %lld",
		 (long long)thu);
	assert_int_equal(sql_int(f, q), 121);
	/* Now stable: the inactive booked slot is not reported again. */
	rep = run(f, now, SCHEDULE_STRICT, 0);
	assert_int_equal(rep.inserted + rep.updated + rep.deleted + rep.nstrands, 0);
	/* Back to Wednesdays: the kept slot comes back to life with its booking. */
	r.weekdays = "1,2,3,4,5";
	r.capacity = 2;
	assert_int_equal(sched_store_rule_update(f->c, &r, 3), 0);
	rep = run(f, now, SCHEDULE_STRICT, 0);
	snprintf(q, sizeof q, "SELECT active * 100 + booked * 10 + capacity FROM slots WHERE id = %lld",
		 (long long)wed);
	assert_int_equal(sql_int(f, q), 112);
	assert_int_equal(sql_int(f, "SELECT COUNT(*) FROM slots WHERE active = 1"), 44);
	/* A closure on a booked day strands it; deactivating the rule strands all booked slots and
	 * deletes the rest. */
	assert_int_equal(sched_store_closure_add(f->c, f->office, "2026-03-26", "", NULL), 0);
	rep = run(f, now, SCHEDULE_STRICT, ERR_CONFLICT);
	assert_int_equal(rep.nstrands, 1);
	assert_int_equal(rep.strands[0].slot_id, thu);
	assert_int_equal(sched_store_rule_set_active(f->c, id, false, 4), 0);
	rep = run(f, now, SCHEDULE_CONFIRMED, 0);
	assert_int_equal(rep.nstrands, 2);
	assert_int_equal(sql_int(f, "SELECT COUNT(*) FROM slots"), 2);
	assert_int_equal(sql_int(f, "SELECT COUNT(*) FROM slots WHERE active = 1"), 0);
	/* Once their bookings are cancelled, the next run deletes them. */
	sql(f, "UPDATE slots SET booked = 0");
	rep = run(f, now, SCHEDULE_SAFE, 0);
	assert_int_equal(rep.deleted, 2);
	assert_int_equal(sql_int(f, "SELECT COUNT(*) FROM slots"), 0);
}

static void test_rule_edit_moves_slots(void **state)
{
	fx_t *f = *state;
	clear(f);
	int64_t now = at("2026-03-23", "07:00");
	sched_rule_t r = rule_defaults(f);
	r.horizon_days = 2;
	int64_t id = add_rule(f, &r);
	run(f, now, SCHEDULE_STRICT, 0);
	int64_t first = slot_id(f, "2026-03-24", "09:00");
	char q[256];
	snprintf(q, sizeof q, "UPDATE slots SET booked = 1 WHERE id = %lld", (long long)first);
	sql(f, q);
	/* Another channel, longer slots, a release rule: the same slots (by start) change in place. */
	r.id = id;
	r.channel = "video";
	r.slot_min = 60;
	r.release_days = 1;
	r.release_min = 600;
	assert_int_equal(sched_store_rule_update(f->c, &r, 1), 0);
	schedule_report_t rep = run(f, now, SCHEDULE_STRICT, 0);
	assert_int_equal(rep.nstrands, 0);
	assert_int_equal(rep.deleted, 6); /* the :30 slots of three days */
	assert_int_equal(sql_int(f, "SELECT COUNT(*) FROM slots WHERE channel = 'video'"), 6);
	assert_int_equal(sql_int(f, "SELECT COUNT(*) FROM slots WHERE channel <> 'video'"), 0);
	assert_int_equal(slot_id(f, "2026-03-24", "09:00"), first);
	snprintf(q, sizeof q, "SELECT (end_at - start_at) / 60 * 10 + booked FROM slots WHERE id = %lld",
		 (long long)first);
	assert_int_equal(sql_int(f, q), 601);
	snprintf(q, sizeof q, "SELECT release_at FROM slots WHERE id = %lld", (long long)first);
	assert_int_equal(sql_int(f, q), at("2026-03-23", "10:00"));
}

static void test_job_extends_horizon(void **state)
{
	fx_t *f = *state;
	clear(f);
	sched_rule_t r = rule_defaults(f);
	r.horizon_days = 2;
	int64_t id = add_rule(f, &r);
	assert_int_equal(schedule_job(f->c, at("2026-03-23", "07:00")), 0);
	assert_string_equal(days_of(f, id), "2026-03-23:4 2026-03-24:4 2026-03-25:4");
	int64_t first = slot_id(f, "2026-03-24", "09:00");
	/* A day later the window moves: Thursday appears, Monday (past) is kept as it was. */
	assert_int_equal(schedule_job(f->c, at("2026-03-24", "07:00")), 0);
	assert_string_equal(days_of(f, id), "2026-03-23:4 2026-03-24:4 2026-03-25:4 2026-03-26:4");
	assert_int_equal(slot_id(f, "2026-03-24", "09:00"), first);
	/* The same hour again: nothing to do. */
	assert_int_equal(schedule_job(f->c, at("2026-03-24", "07:30")), 0);
	assert_int_equal(sql_int(f, "SELECT COUNT(*) FROM slots"), 16);
}

/* ---------------------------------------------------------------- holidays CSV */

static void test_holidays_csv(void **state)
{
	fx_t *f = *state;
	static const struct {
		const char *csv;
		int rows;
		int line;
		const char *field, *code;
	} t[] = {
		{"date,scope,name_ca,name_es,name_en\n2026-01-01,national,Cap d'Any,Año Nuevo,New Year's Day\n", 1, 0,
		 "", ""},
		{"\xEF\xBB\xBF"
		 "2026-01-01,national,A,B,C\r\n2026-01-06,national,D,E,F\r\n",
		 2, 0, "", ""},
		{"# Calendar\n\n2026-06-24,catalonia,\"Sant Joan\",\"San Juan\",\"St John's Day\"\n  \n", 1, 0, "", ""},
		{"2026-09-11,catalonia,\"Diada, Catalunya\",\"Diada \"\"Nacional\"\"\",National Day", 1, 0, "", ""},
		{"2026-01-01,national,A,B,C\n2026-01-01,city,A,B,C\n", 2, 0, "", ""},
		{"", 0, 0, "", "empty"},
		{"# nothing\n\n", 0, 0, "", "empty"},
		{"date,scope,name_ca,name_es,name_en\n", 0, 0, "", "empty"},
		{"date,scope,name_ca,name_es\n2026-01-01,national,A,B,C\n", 0, 1, "", "header"},
		{"date,kind,name_ca,name_es,name_en\n", 0, 1, "scope", "header"},
		{"2026-01-01,national,A,B\n", 0, 1, "", "columns"},
		{"2026-01-01,national,A,B,C,D\n", 0, 1, "", "columns"},
		{"# c\n2026-02-30,national,A,B,C\n", 0, 2, "date", "date"},
		{"01/01/2026,national,A,B,C\n", 0, 1, "date", "date"},
		{"2026-01-01,regional,A,B,C\n", 0, 1, "scope", "scope"},
		{"2026-01-01,national,,B,C\n", 0, 1, "name_ca", "name"},
		{"2026-01-01,national,A,B,\"C\x01\"\n", 0, 1, "name_en", "name"},
		{"2026-01-01,national,A,B,C\n2026-01-01,national,D,E,F\n", 0, 2, "date", "duplicate"},
		{"2026-01-01,national,\"A,B,C\n", 0, 1, "", "columns"},
		{"2026-01-01,national,A\"x,B,C\n", 0, 1, "", "columns"},
		{"2026-01-01,national,A,B,C\n\xff\xfe\n", 0, 0, "", "encoding"},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		schedule_holiday_t *h = NULL;
		size_t n = 0;
		schedule_csv_error_t err = {0};
		int rc = schedule_holidays_parse(f->a, t[i].csv, strlen(t[i].csv), &h, &n, &err);
		if (t[i].rows) {
			if (rc != 0 || n != (size_t)t[i].rows)
				fail_msg("case %zu: rc %d n %zu (%s)", i, rc, n, schedule_csv_error_text(f->a, &err));
			continue;
		}
		if (rc != ERR_INVALID || err.line != t[i].line || strcmp(err.field, t[i].field) != 0 ||
		    strcmp(err.code, t[i].code) != 0)
			fail_msg("case %zu: rc %d line %d field %s code %s, want line %d field %s code %s", i, rc,
				 err.line, err.field ? err.field : "-", err.code ? err.code : "-", t[i].line,
				 t[i].field, t[i].code);
	}
	schedule_holiday_t *h;
	size_t n;
	schedule_csv_error_t err;
	const char *q = "2026-09-11,catalonia,\"Diada, Catalunya\",\"Diada \"\"Nacional\"\"\",National Day";
	assert_int_equal(schedule_holidays_parse(f->a, q, strlen(q), &h, &n, &err), 0);
	assert_string_equal(h[0].name_ca, "Diada, Catalunya");
	assert_string_equal(h[0].name_es, "Diada \"Nacional\"");
	err = (schedule_csv_error_t){4, "date", "date"};
	assert_string_equal(schedule_csv_error_text(f->a, &err), "line 4, date: not a date YYYY-MM-DD");
	/* The shipped files parse, hold the real calendar and agree with the computus. */
	static const struct {
		const char *path;
		int rows;
		const char *good_friday, *easter_monday;
		int year;
	} files[] = {{"deploy/holidays/catalonia-2026.csv", 12, "2026-04-03", "2026-04-06", 2026},
		     {"deploy/holidays/catalonia-2027.csv", 12, "2027-03-26", "2027-03-29", 2027}};
	for (size_t i = 0; i < 2; i++) {
		FILE *fp = fopen(files[i].path, "rb");
		assert_non_null(fp);
		static char buf[65536];
		size_t len = fread(buf, 1, sizeof buf, fp);
		fclose(fp);
		assert_int_equal(schedule_holidays_parse(f->a, buf, len, &h, &n, &err), 0);
		assert_int_equal(n, files[i].rows);
		bool gf = false, em = false;
		for (size_t k = 0; k < n; k++) {
			int32_t d;
			assert_int_equal(tz_date_parse(h[k].day, &d), 0);
			/* Holidays on a Sunday are not in the published calendars. */
			assert_int_not_equal(tz_weekday(d), 7);
			gf |= strcmp(h[k].day, files[i].good_friday) == 0;
			em |= strcmp(h[k].day, files[i].easter_monday) == 0;
			assert_true(strncmp(h[k].day, files[i].year == 2026 ? "2026" : "2027", 4) == 0);
		}
		assert_true(gf && em);
		char s[TZ_DATE_LEN];
		tz_date_format(tz_easter(files[i].year) - 2, s);
		assert_string_equal(s, files[i].good_friday);
		tz_date_format(tz_easter(files[i].year) + 1, s);
		assert_string_equal(s, files[i].easter_monday);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recurrence),
		cmocka_unit_test(test_holidays_closures_hours),
		cmocka_unit_test(test_dst_days),
		cmocka_unit_test(test_dst_autumn_2027),
		cmocka_unit_test(test_release_notice_horizon),
		cmocka_unit_test(test_capacity_from_shifts),
		cmocka_unit_test(test_staff_share_rounding),
		cmocka_unit_test(test_recompute_and_strands),
		cmocka_unit_test(test_rule_edit_moves_slots),
		cmocka_unit_test(test_job_extends_horizon),
		cmocka_unit_test(test_holidays_csv),
	};
	return testdb_run("schedule", tests, sizeof tests / sizeof tests[0], setup, testfx_teardown);
}
