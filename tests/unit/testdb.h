/* testdb.h — the storage back ends a capability's unit tests run on: SQLite in a temporary file
 * always, and PostgreSQL as well when FINESTRETA_TEST_PG_URL is set (scripts/pg-test.sh starts
 * one; make check does). Header-only, because every unit test is one .c file linked to the
 * library. Usage:
 *
 *	static testdb_t tdb[TESTDB_MAX];
 *	int n = testdb_backends(tdb);             // 1 or 2
 *	for (int i = 0; i < n; i++) {
 *		g_backend = &tdb[i];                  // read by the group's setup
 *		rc |= cmocka_run_group_tests_name(tdb[i].name, tests, NULL, NULL);
 *	}
 *
 * and in the setup: db_t *db = testdb_open(g_backend, 2, 5, err, sizeof err) — a fresh database
 * (a new SQLite file, or the PostgreSQL one emptied) with every capability's migrations applied
 * (at least `min` of them); testdb_close(g_backend, db) in the teardown. The PostgreSQL database
 * is shared by the runs, so tests must not run in parallel on it (the unit tests do not). */
#ifndef FIN_TESTDB_H
#define FIN_TESTDB_H

#include "core/cap.h"
#include "db/db.h"

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

#endif
