/* test_example.c — the skeleton capability (src/example/) registered in a capability table of the
 * test's own (this file's cap_table replaces src/cli/capabilities.c): its settings are declared,
 * its migrations run after the others', its routes, sub-command and notification kind are found,
 * and its store, job and seed work on SQLite and, when FINESTRETA_TEST_PG_URL is set, PostgreSQL.
 *
 * A copy of the skeleton keeps this file as its own unit test (tests/unit/test_NAME.c) without
 * the table below: once NAME is in src/cli/capabilities.c, the real table has it. Run from the
 * repository root. */
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
#include "example/example.h"
#include "example/internal.h"
#include "example/web.h"
#include "http/router.h"
#include "testdb.h"

#include <stdio.h>
#include <string.h>

extern const cap_t example_cap; /* src/example/cap.c */

/* ---------------------------------------------------------------- the table, with example last */
/* (A copy of the skeleton deletes this block: the capability table has it.) */

extern const cap_t auth_cap, notify_cap, catalog_cap, people_cap, schedule_cap, booking_cap;
const cap_t *const cap_table[] = {&auth_cap,     &notify_cap,  &catalog_cap, &people_cap,
				  &schedule_cap, &booking_cap, &example_cap};
const size_t cap_count = sizeof cap_table / sizeof cap_table[0];

/* ---------------------------------------------------------------- */

/* ---------------------------------------------------------------- registration */

static void test_settings(void **state)
{
	(void)state;
	char err[256];
	config_t *c = config_new();
	assert_int_equal(config_int(c, "example.max_length"), 500);
	assert_int_equal(config_int(c, "example.keep_days"), 30);
	assert_int_equal(config_set(c, "example.max_length", "20", err, sizeof err), 0);
	assert_int_equal(config_int(c, "example.max_length"), 20);
	assert_int_not_equal(config_set(c, "example.max_length", "0", err, sizeof err), 0);
	config_free(c);
}

static void test_routes_commands_notices(void **state)
{
	(void)state;
	arena_t *a = arena_new();
	const http_route_t *rt;
	kv_list_t params = {0};
	unsigned allowed = 0;
	assert_int_equal(router_match(a, HTTP_GET, "/example", &rt, &params, &allowed), ROUTE_FOUND);
	assert_true(rt->flags & RT_DB);
	assert_int_equal(rt->roles, EX_ROLES);
	assert_int_equal(router_match(a, HTTP_POST, "/example", &rt, &params, &allowed), ROUTE_FOUND);
	assert_true(rt->flags & RT_FORM);
	assert_int_equal(router_match(a, HTTP_GET, "/api/v1/example/notes", &rt, &params, &allowed), ROUTE_FOUND);
	assert_int_equal(router_match(a, HTTP_DELETE, "/example", &rt, &params, &allowed), ROUTE_NO_METHOD);
	const cap_cmd_t *cmd = cap_cmd_find("example", "notes");
	assert_non_null(cmd);
	assert_true(cmd->needs & CAP_CMD_DB);
	const cap_notice_t *k = cap_notice_find("example_note");
	assert_non_null(k);
	assert_string_equal(k->tpl, "example/mail/note");
	assert_ptr_equal(cap_find("example"), &example_cap);
	assert_int_equal(bus_topic_roles("example.changed"), ROLE_PEOPLE);
	assert_string_equal(example_cap.cards[0].href, "/example");
	arena_free(a);
}

/* ---------------------------------------------------------------- storage, job, seed */

typedef testfx_t fx_t; /* testdb.h */

static void test_store(void **state)
{
	fx_t *f = *state;
	int64_t id = 0, n = -1;
	ex_note_t x = {.office = "centre", .body = "Primera", .author = "a@example.cat", .created_at = 1000};
	assert_int_equal(ex_store_note_add(f->c, &x, &id), 0);
	assert_true(id > 0);
	x.body = "Segona";
	x.created_at = 2000;
	assert_int_equal(ex_store_note_add(f->c, &x, &id), 0);
	x.office = "la-riera";
	assert_int_equal(ex_store_note_add(f->c, &x, &id), 0);
	ex_note_t *v;
	size_t nv;
	assert_int_equal(ex_store_notes(f->c, f->a, "centre", 10, &v, &nv), 0);
	assert_int_equal(nv, 2);
	assert_string_equal(v[0].body, "Segona"); /* newest first */
	assert_int_equal(ex_store_notes(f->c, f->a, "", 10, &v, &nv), 0);
	assert_int_equal(nv, 3);
	assert_int_equal(example_note_count(f->c, "centre", &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ex_store_prune(f->c, 1500, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ex_store_notes(f->c, f->a, "nowhere", 10, &v, &nv), 0);
	assert_int_equal(nv, 0);
}

static void test_job_and_seed(void **state)
{
	fx_t *f = *state;
	int64_t now = 1800000000, n = 0;
	assert_int_equal(example_cap.seeds[0].run(&f->app, f->c, now, stdout), 0);
	assert_int_equal(example_note_count(f->c, "centre", &n), 0);
	assert_int_equal(n, 2);
	/* The job keeps notes for example.keep_days (30). */
	assert_int_equal(example_cap.jobs[0].run(&f->app, f->c, now + 29 * 86400), 0);
	assert_int_equal(example_note_count(f->c, "centre", &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(example_cap.jobs[0].run(&f->app, f->c, now + 31 * 86400), 0);
	assert_int_equal(example_note_count(f->c, "centre", &n), 0);
	assert_int_equal(n, 0);
}

int main(void)
{
	log_set_quiet(1);
	cap_declare();
	cap_register();
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_routes_commands_notices),
	};
	const struct CMUnitTest store[] = {
		cmocka_unit_test_setup_teardown(test_store, testfx_setup, testfx_teardown),
		cmocka_unit_test_setup_teardown(test_job_and_seed, testfx_setup, testfx_teardown),
	};
	int rc = cmocka_run_group_tests_name("example", pure, NULL, NULL);
	rc |= testdb_run_groups("example store", store);
	return rc;
}
