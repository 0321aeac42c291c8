/* migrate.c — the migration runner: a folder of NNN_name.sql files applied in name order, each
 * once, in its own transaction, under a lock that keeps two processes from racing (db.h). */
#include "db/db_internal.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- migrations ---- */

static bool is_migration_name(const char *name)
{
	const char *p = name;
	while (isdigit((unsigned char)*p))
		p++;
	return p != name && *p == '_' && str_ends(name, ".sql") && strlen(name) > (size_t)(p - name) + 5;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted migration file names in dir (new array of new strings). */
static int list_migrations(const char *dir, char ***names, int *count, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return ERR_IO;
	}
	char **v = NULL;
	int n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!is_migration_name(e->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, (size_t)cap * sizeof *v);
		}
		v[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(v, (size_t)n, sizeof *v, cmp_names);
	*names = v;
	*count = n;
	return 0;
}

static int read_file(const char *path, char **out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ERR_IO;
	}
	buf_t b;
	buf_init(&b, MIGRATION_MAX_BYTES);
	char chunk[8192];
	size_t got;
	int rc = 0;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (buf_append(&b, chunk, got)) {
			snprintf(err, errlen, "%s: larger than %u bytes", path, MIGRATION_MAX_BYTES);
			rc = ERR_TOO_BIG;
			break;
		}
	}
	if (!rc && ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		rc = ERR_IO;
	}
	fclose(f);
	if (!rc && memchr(buf_str(&b), '\0', b.len)) {
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		rc = ERR_INVALID;
	}
	if (rc)
		buf_free(&b);
	else
		*out = buf_detach(&b, NULL);
	return rc;
}

/* Whether schema_migrations names version; a row of the bare file stem (what was recorded before
 * migrations moved into per-capability folders) is renamed to version and counts. */
static int already_applied(db_conn_t *c, const char *version, const char *stem, int64_t *seen)
{
	int rc = db_query_int(c, "SELECT COUNT(*) FROM schema_migrations WHERE version = $1",
			      (db_param_t[]){DB_TEXT(version)}, 1, seen);
	if (rc || *seen || version == stem)
		return rc;
	int64_t n = db_exec(c, "UPDATE schema_migrations SET version = $1 WHERE version = $2",
			    (db_param_t[]){DB_TEXT(version), DB_TEXT(stem)}, 2);
	if (n < 0)
		return (int)n;
	*seen = n;
	return 0;
}

/* Applies one file unless schema_migrations already names it. 1 applied, 0 skipped, or error. */
static int apply_one(db_conn_t *c, const char *dir, const char *prefix, const char *name, char *err, size_t errlen)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *stem = xstrndup(name, strlen(name) - 4);
	char *version = prefix && *prefix ? xasprintf("%s/%s", prefix, stem) : stem;
	char *text = NULL, *script = NULL, why[256];
	int64_t seen = 0;
	int rc = read_file(path, &text, err, errlen);
	if (rc)
		goto cleanup;
	rc = db_filter_regions(text, c->db->kind, &script, why, sizeof why);
	if (rc) {
		snprintf(err, errlen, "%s: %s", path, why);
		goto cleanup;
	}
	/* The check runs inside the transaction: on SQLite BEGIN IMMEDIATE already excludes a
	 * second process; on PostgreSQL the advisory lock does. */
	rc = db_begin(c);
	if (!rc)
		rc = already_applied(c, version, stem, &seen);
	if (rc) {
		snprintf(err, errlen, "%s: %s", path, db_errmsg(c));
		goto rollback;
	}
	if (seen) {
		rc = db_commit(c); /* keeps a rename */
		if (rc) {
			snprintf(err, errlen, "%s: %s", path, db_errmsg(c));
			goto rollback;
		}
		goto cleanup;
	}
	rc = db_exec_script(c, script);
	if (rc) {
		snprintf(err, errlen, "%s: %s", path, db_errmsg(c));
		goto rollback;
	}
	int64_t n = db_exec(c, "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
			    (db_param_t[]){DB_TEXT(version), DB_INT(time(NULL))}, 2);
	rc = n < 0 ? (int)n : db_commit(c);
	if (rc) {
		snprintf(err, errlen, "%s: %s", path, db_errmsg(c));
		goto rollback;
	}
	rc = 1;
	goto cleanup;
rollback:
	db_rollback(c);
cleanup:
	free(script);
	free(text);
	if (version != stem)
		free(version);
	free(stem);
	free(path);
	return rc;
}

int db_migrate(db_t *db, const char *dir, const char *prefix, char *err, size_t errlen)
{
	char **names = NULL;
	int count = 0, applied = 0;
	bool locked = false;
	int rc = list_migrations(dir, &names, &count, err, errlen);
	if (rc)
		return rc;
	db_conn_t *c = db_acquire(db);
	if (!c) {
		snprintf(err, errlen, "cannot reach the database");
		rc = ERR_UNAVAILABLE;
		goto cleanup;
	}
	rc = db->ops->migrate_lock(c, true);
	if (rc) {
		snprintf(err, errlen, "migration lock: %s", db_errmsg(c));
		goto cleanup;
	}
	locked = true;
	if (db_exec(c,
		    "CREATE TABLE IF NOT EXISTS schema_migrations ("
		    "version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)",
		    NULL, 0) < 0) {
		snprintf(err, errlen, "schema_migrations: %s", db_errmsg(c));
		rc = ERR_DB;
		goto cleanup;
	}
	/* The row db_write_check rewrites: the runner's like schema_migrations, no capability's. */
	if (db_exec(c, "CREATE TABLE IF NOT EXISTS db_health (id BIGINT PRIMARY KEY, at BIGINT NOT NULL)", NULL, 0) <
	    0) {
		snprintf(err, errlen, "db_health: %s", db_errmsg(c));
		rc = ERR_DB;
		goto cleanup;
	}
	for (int i = 0; i < count; i++) {
		rc = apply_one(c, dir, prefix, names[i], err, errlen);
		if (rc < 0)
			goto cleanup;
		if (rc == 1)
			log_info("db: applied migration %s", names[i]);
		applied += rc;
	}
	rc = 0;
cleanup:
	if (applied)
		atomic_fetch_add(&db->generation, 1);
	if (c) {
		if (locked)
			db->ops->migrate_lock(c, false);
		db_release(c);
	}
	for (int i = 0; i < count; i++)
		free(names[i]);
	free(names);
	return rc < 0 ? rc : applied;
}
