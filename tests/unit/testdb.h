/* testdb.h — the storage back ends a capability's unit tests run on: SQLite in a temporary file
 * always, and PostgreSQL as well when FINESTRETA_TEST_PG_URL is set (scripts/pg-test.sh starts
 * one; make check does). Header-only, because every unit test is one .c file linked to the
 * library. Usage:
 *
 *	static const struct CMUnitTest store[] = {
 *		cmocka_unit_test_setup_teardown(test_x, testfx_setup, testfx_teardown), ...};
 *	rc |= testdb_run_groups("NAME store", store);   // "NAME store (sqlite)", then (postgresql)
 *
 * testdb_run_groups sets testdb_current to each back end in turn; a test's setup opens a
 * testfx_t on it (testfx_setup, or testfx_open for a fixture of its own that starts with
 * TESTFX_HEAD): a fresh database (a new SQLite file, or the PostgreSQL one emptied) with every
 * capability's migrations applied, one connection, an arena, default settings and an app_t
 * over them. Lower down, testdb_open(testdb_current, pool, min, err, sizeof err) gives the
 * database alone (at least `min` migrations applied) and testdb_close(testdb_current, db) ends
 * it. The PostgreSQL database is shared by the runs, so tests must not run in parallel on it
 * (the unit tests do not). */
#ifndef FIN_TESTDB_H
#define FIN_TESTDB_H

#include "app.h"
#include "base/arena.h"
#include "base/config.h"
#include "core/cap.h"
#include "db/db.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TESTDB_MAX 2

typedef struct {
	const char *name; /* "sqlite" or "postgresql" */
	char url[512];
	char dir[64]; /* SQLite: the temporary folder of the current database */
} testdb_t;

static inline int testdb_backends(testdb_t out[TESTDB_MAX])
{
	int n = 0;
	out[n++] = (testdb_t){.name = "sqlite"};
	const char *pg = getenv("FINESTRETA_TEST_PG_URL");
	if (pg && *pg) {
		out[n] = (testdb_t){.name = "postgresql"};
		snprintf(out[n].url, sizeof out[n].url, "%s", pg);
		n++;
	} else {
		fprintf(stderr, "FINESTRETA_TEST_PG_URL not set: the PostgreSQL run is skipped\n");
	}
	return n;
}

static inline int testdb_is_pg(const testdb_t *b)
{
	return strcmp(b->name, "postgresql") == 0;
}

/* A fresh, migrated database on back end b; NULL with err filled. */
static inline db_t *testdb_open(testdb_t *b, int pool, int min, char *err, size_t errlen)
{
	if (!testdb_is_pg(b)) {
		snprintf(b->dir, sizeof b->dir, "/tmp/fin-unit-XXXXXX");
		if (!mkdtemp(b->dir)) {
			snprintf(err, errlen, "mkdtemp failed");
			return NULL;
		}
		snprintf(b->url, sizeof b->url, "sqlite:%s/t.db", b->dir);
	}
	db_t *db = db_open(b->url, pool, err, errlen);
	if (!db)
		return NULL;
	int n = testdb_is_pg(b) && db_reset(db, err, errlen) ? -1 : cap_migrate(db, ".", err, errlen);
	if (n >= 0 && n < min)
		snprintf(err, errlen, "%d migrations applied, %d expected", n, min);
	if (n < min) {
		db_close(db);
		return NULL;
	}
	return db;
}

static inline void testdb_close(testdb_t *b, db_t *db)
{
	db_close(db);
	if (testdb_is_pg(b) || !b->dir[0])
		return;
	static const char *const files[] = {"t.db", "t.db-wal", "t.db-shm", "t.db-journal"};
	char p[128];
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		snprintf(p, sizeof p, "%s/%s", b->dir, files[i]);
		unlink(p);
	}
	rmdir(b->dir);
	b->dir[0] = 0;
}

/* The back end the running group is on (set by testdb_run_groups). */
static testdb_t *testdb_current;

/* Runs `tests` as one group per back end, named "PREFIX (sqlite)" and "PREFIX (postgresql)",
 * with the group set-up and tear-down given (or NULL); non-zero if any test failed. */
static inline int testdb_run(const char *prefix, const struct CMUnitTest *tests, size_t n, CMFixtureFunction setup,
			     CMFixtureFunction teardown)
{
	testdb_t backends[TESTDB_MAX];
	int nb = testdb_backends(backends), rc = 0;
	for (int i = 0; i < nb; i++) {
		testdb_current = &backends[i];
		char name[96];
		snprintf(name, sizeof name, "%s (%s)", prefix, backends[i].name);
		rc |= _cmocka_run_group_tests(name, tests, n, setup, teardown);
	}
	testdb_current = NULL;
	return rc;
}
#define testdb_run_groups(prefix, tests) testdb_run(prefix, tests, sizeof(tests) / sizeof((tests)[0]), NULL, NULL)

/* A storage test's fixture: a fresh database on testdb_current (a pool of 2; at least 6
 * migrations applied), one connection to it, an arena, default settings (of the keys declared
 * by then: call cap_declare() first) and an app_t over them (the root is "."). A fixture of a
 * test's own starts with TESTFX_HEAD: it has these members by name (f->c) and, as f->fx, the
 * testfx_t that testfx_open and testfx_close take. */
#define TESTFX_MEMBERS                                                                                                 \
	db_t *db;                                                                                                      \
	db_conn_t *c;                                                                                                  \
	arena_t *a;                                                                                                    \
	config_t *cfg;                                                                                                 \
	app_t app
typedef struct {
	TESTFX_MEMBERS;
} testfx_t;
#define TESTFX_HEAD                                                                                                    \
	union {                                                                                                        \
		testfx_t fx;                                                                                           \
		struct {                                                                                               \
			TESTFX_MEMBERS;                                                                                \
		};                                                                                                     \
	}

/* Fills f (zeroed by the caller); 0, or -1 with the reason printed and nothing left open. */
static inline int testfx_open(testfx_t *f)
{
	char err[256];
	f->db = testdb_open(testdb_current, 2, 6, err, sizeof err);
	if (!f->db) {
		print_error("setup (%s): %s\n", testdb_current->name, err);
		return -1;
	}
	f->c = db_acquire(f->db);
	f->a = arena_new();
	f->cfg = config_new();
	f->app = (app_t){.cfg = f->cfg, .db = f->db, .root = "."};
	return 0;
}

static inline void testfx_close(testfx_t *f)
{
	db_release(f->c);
	testdb_close(testdb_current, f->db);
	arena_free(f->a);
	config_free(f->cfg);
}

/* cmocka set-up for a test whose fixture is a plain testfx_t (*state); the tear-down also ends
 * a fixture of a test's own that starts with TESTFX_HEAD and holds nothing more to free. */
static inline int testfx_setup(void **state)
{
	testfx_t *f = calloc(1, sizeof *f);
	if (testfx_open(f)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static inline int testfx_teardown(void **state)
{
	testfx_close(*state);
	free(*state);
	return 0;
}

#endif
