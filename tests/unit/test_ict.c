/* test_ict.c — digital accompaniment (src/ict/): the before → after figures on hand-made data
 * (people with one assessment left out), the checks of a session, and recording, evaluating,
 * the timeline and erasure on SQLite and, when FINESTRETA_TEST_PG_URL is set, PostgreSQL. Run from
 * the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app.h"
#include "base/arena.h"
#include "base/config.h"
#include "base/err.h"
#include "base/log.h"
#include "core/cap.h"
#include "ict/internal.h"
#include "testdb.h"

#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------- the figures */

#define A(p, t, after, e0, e1, e2)                                                                                     \
	{                                                                                                              \
		p, t, after,                                                                                           \
		{                                                                                                      \
			e0, e1, e2, -1, -1                                                                             \
		}                                                                                                      \
	}

static void test_pairs(void **state)
{
	(void)state;
	const ict_assess_t v[] = {
		A(1, 100, false, 0, 0, 1), A(1, 200, false, 1, 1, 1), /* the first "before" counts */
		A(1, 300, true, 2, 2, -1),                            /* digital_id not asked after */
		A(2, 100, false, 1, 2, 0), A(2, 300, true, 3, 3, 3),  A(2, 400, true, 1, 3, 1), /* the last "after" */
		A(3, 100, false, 0, 0, 0),                                                      /* before only */
		A(4, 100, true, 3, 3, 3),                                                       /* after only */
		A(5, 500, true, 0, 0, 0),  A(5, 600, false, 0, 0, 0), /* the after precedes the before */
	};
	ict_pairs_t p;
	ict_pairs(v, sizeof v / sizeof *v, &p);
	assert_int_equal(p.with_both, 2);
	assert_int_equal(p.low_before, 2);
	assert_int_equal(p.low_after, 1); /* person 2's last "after" is level 1 */
	assert_true(p.low_before_pct == 100.0);
	assert_true(p.low_after_pct == 50.0);
	assert_true(p.low_change_pct == -50.0);
	assert_int_equal(p.email_before, 1);
	assert_int_equal(p.email_after, 2);
	assert_true(p.email_change_pct == 100.0);
	assert_int_equal(p.asked[0], 2);
	assert_true(p.avg_before[0] == 0.5 && p.avg_after[0] == 1.5);
	assert_int_equal(p.asked[2], 1); /* person 1 was not asked digital_id after */
	assert_true(p.avg_before[2] == 0.0 && p.avg_after[2] == 1.0);
	assert_int_equal(p.asked[3], 0);
	ict_pairs(NULL, 0, &p);
	assert_int_equal(p.with_both, 0);
	assert_true(p.low_before_pct == 0.0 && p.low_change_pct == 0.0);
}

/* ---------------------------------------------------------------- storage */

typedef testfx_t fx_t; /* testdb.h */

static void sql(fx_t *f, const char *q)
{
	assert_true(db_exec(f->c, q, NULL, 0) >= 0);
}

/* Vilamar with a neighbourhood facility, a virtual office and one procedure. */
static int setup(void **state)
{
	if (testfx_setup(state))
		return -1;
	fx_t *f = *state;
	sql(f, "INSERT INTO organisations (code, name_ca, name_es, name_en, created_at, updated_at) "
	       "VALUES ('vilamar', 'Vilamar', 'Vilamar', 'Vilamar', 0, 0)");
	sql(f, "INSERT INTO offices (org_id, code, name_ca, name_es, name_en, kind, tz, created_at, updated_at) "
	       "VALUES (1, 'casal', 'Casal', 'Casal', 'Casal', 'neighbourhood_facility', 'Europe/Madrid', 0, 0)");
	sql(f, "INSERT INTO offices (org_id, code, name_ca, name_es, name_en, kind, tz, created_at, updated_at) "
	       "VALUES (1, 'remot', 'Remot', 'Remoto', 'Remote', 'virtual_office', 'Europe/Madrid', 0, 0)");
	sql(f, "INSERT INTO procedures (code, name_ca, name_es, name_en, category, channels, duration_min, created_at, "
	       "updated_at) VALUES ('padro', 'Padró', 'Padrón', 'Register', 'padro', 'in_person', 15, 0, 0)");
	return 0;
}

static ict_session_t sample(const char *id_number, const char *moment, int e0, int64_t at)
{
	ict_session_t s = {.office = "casal",
			   .agent = "agent@vilamar.example",
			   .lang = "ca",
			   .name = "Rosa Puig",
			   .id_number = id_number,
			   .age_band = "75_plus",
			   .gender = "female",
			   .consent = true,
			   .needs = "Vol el volant.",
			   .minutes = 40,
			   .at = at,
			   .moment = moment,
			   .next = "booked",
			   .levels = {e0, 1, -1, -1, -1}};
	s.procs[s.nprocs++] = (ict_proc_t){"padro", "", "with"};
	s.procs[s.nprocs++] = (ict_proc_t){"", "SEPE", "for"};
	s.tools[s.ntools++] = "email";
	s.tools[s.ntools++] = "email"; /* twice: kept once */
	return s;
}

static void test_check(void **state)
{
	fx_t *f = *state;
	fielderr_t e = {0};
	ict_session_t s = sample("12345678z", "before", 0, 1000);
	assert_int_equal(ict_check(f->c, f->a, &s, &e), 0);
	assert_string_equal(s.id_number, "12345678Z");
	assert_int_equal(s.ntools, 1);
	assert_true(s.office_id > 0);
	s = sample("12345678A", "later", 0, 1000);
	s.office = "remot";
	s.minutes = 481;
	s.procs[0].service = "nope";
	s.tools[1] = "fax";
	s.next = "soon";
	s.age_band = "old";
	assert_int_equal(ict_check(f->c, f->a, &s, &e), ERR_INVALID);
	const char *want[] = {"office", "procedures", "id_number", "age_band", "moment", "next", "minutes", "tools"};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		assert_true(fielderr_has(&e, want[i]));
	memset(&e, 0, sizeof e);
	s = sample("12345678Z", "after", 4, 1000);
	s.levels[1] = -2;
	assert_int_equal(ict_check(f->c, f->a, &s, &e), ERR_INVALID);
	assert_true(fielderr_has(&e, "level_eprocedures") && fielderr_has(&e, "level_email"));
	assert_int_equal((int)e.n, 2);
}

static int64_t count(fx_t *f, const char *q)
{
	int64_t n = -1;
	assert_int_equal(db_query_int(f->c, q, NULL, 0, &n), 0);
	return n;
}

static void record(fx_t *f, const char *id, const char *moment, int e0, int64_t at)
{
	fielderr_t e = {0};
	ict_session_t s = sample(id, moment, e0, at);
	assert_int_equal(ict_check(f->c, f->a, &s, &e), 0);
	assert_int_equal(ict_record(f->c, f->a, &s, 5000, &e), 0);
	assert_true(s.id > 0 && s.person_id > 0);
}

static void test_record_evaluate(void **state)
{
	fx_t *f = *state;
	record(f, "12345678Z", "before", 0, 1000);
	record(f, "12345678Z", "after", 2, 3000);
	record(f, "87654321X", "before", 1, 1500);
	record(f, "87654321X", "after", 1, 3500);
	record(f, "11111111H", "before", 0, 2000); /* before only */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM people"), 3);
	/* Once per person: a later session finds the consent in force. */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM person_consents WHERE what = 'ict_followup'"), 3);
	ict_eval_t ev;
	ict_filter_t all = {.from = 0, .to = INT64_MAX, .agent = ""};
	assert_int_equal(ict_evaluate(f->c, f->a, &all, &ev), 0);
	assert_int_equal(ev.people, 3);
	assert_int_equal(ev.sessions, 5);
	assert_int_equal(ev.new_people, 3);
	assert_int_equal(ev.minutes, 200);
	assert_int_equal(ev.modes[0], 5); /* for */
	assert_int_equal(ev.modes[1], 5); /* with */
	assert_int_equal(ev.modes[2], 0);
	assert_int_equal(ev.tools[0], 5); /* email, once a session */
	assert_int_equal(ev.pairs.with_both, 2);
	assert_int_equal(ev.pairs.low_before, 2);
	assert_int_equal(ev.pairs.low_after, 1);
	assert_int_equal((int)ev.nprofile, 1);
	assert_string_equal(ev.profile[0].key, "75_plus female");
	/* From 2500: two people, both returning; no pair within the period. */
	ict_filter_t late = {.from = 2500, .to = INT64_MAX, .agent = ""};
	assert_int_equal(ict_evaluate(f->c, f->a, &late, &ev), 0);
	assert_int_equal(ev.people, 2);
	assert_int_equal(ev.new_people, 0);
	assert_int_equal(ev.pairs.with_both, 0);
	ict_filter_t other = {.from = 0, .to = INT64_MAX, .agent = "someone@else"};
	assert_int_equal(ict_evaluate(f->c, f->a, &other, &ev), 0);
	assert_int_equal(ev.sessions, 0);
	/* The export's rows: tools and modes joined, levels -1 when not asked. */
	ict_row_t *rows;
	size_t n;
	assert_int_equal(ict_store_rows(f->c, f->a, &all, &rows, &n), 0);
	assert_int_equal((int)n, 5);
	assert_string_equal(rows[0].modes, "with;for");
	assert_string_equal(rows[0].tools, "email");
	assert_int_equal(rows[0].levels[0], 0);
	assert_int_equal(rows[0].levels[2], -1);
}

static void test_timeline_erase(void **state)
{
	fx_t *f = *state;
	record(f, "12345678Z", "before", 0, 1000);
	int64_t pid = count(f, "SELECT id FROM people");
	cap_tl_t tl = {.a = f->a, .lang = "ca", .ids = &pid, .nids = 1, .full = true};
	assert_int_equal(ict_timeline(&f->app, f->c, &tl), 0);
	assert_int_equal((int)tl.n, 1);
	assert_string_equal(tl.v[0].kind, "ict_session");
	assert_int_equal(tl.v[0].at, 1000);
	assert_non_null(strstr(tl.v[0].detail, "Vol el volant."));
	assert_int_equal(ict_erase(&f->app, f->c, &pid, 1, 6000), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM ict_sessions WHERE needs = '' AND notes = '' AND minutes = 40"),
			 1);
}

int main(void)
{
	log_set_quiet(1);
	cap_declare();
	cap_register();
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_pairs),
	};
	const struct CMUnitTest store[] = {
		cmocka_unit_test_setup_teardown(test_check, setup, testfx_teardown),
		cmocka_unit_test_setup_teardown(test_record_evaluate, setup, testfx_teardown),
		cmocka_unit_test_setup_teardown(test_timeline_erase, setup, testfx_teardown),
	};
	int rc = cmocka_run_group_tests_name("ict", pure, NULL, NULL);
	rc |= testdb_run_groups("ict store", store);
	return rc;
}
