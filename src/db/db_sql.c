/* db_sql.c — what both backends share below the statements: the prepared-statement cache of a
 * connection, the $N → ?N rewrite for SQLite, and the backend regions of a migration
 * (-- sqlite: / -- postgresql: / -- end). */
#include "db/db_internal.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- statement cache ---- */

static unsigned sql_hash(const char *s)
{
	unsigned h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % DB_STMT_BUCKETS;
}

db_stmt_t *db_stmt_find(db_stmt_cache_t *sc, const char *sql)
{
	for (db_stmt_t *e = sc->buckets[sql_hash(sql)]; e; e = e->next)
		if (strcmp(e->sql, sql) == 0)
			return e;
	return NULL;
}

bool db_stmt_full(const db_stmt_cache_t *sc)
{
	return sc->count >= DB_STMT_MAX;
}

db_stmt_t *db_stmt_add(db_stmt_cache_t *sc, const char *sql, void *handle)
{
	if (db_stmt_full(sc))
		return NULL;
	unsigned h = sql_hash(sql);
	db_stmt_t *e = xcalloc(1, sizeof *e);
	e->sql = xstrdup(sql);
	e->handle = handle;
	e->next = sc->buckets[h];
	sc->buckets[h] = e;
	sc->count++;
	return e;
}

void db_stmt_clear(db_stmt_cache_t *sc, void (*drop)(void *handle, void *ctx), void *ctx)
{
	for (int i = 0; i < DB_STMT_BUCKETS; i++) {
		db_stmt_t *e = sc->buckets[i];
		while (e) {
			db_stmt_t *next = e->next;
			drop(e->handle, ctx);
			free(e->sql);
			free(e);
			e = next;
		}
		sc->buckets[i] = NULL;
	}
	sc->count = 0;
}

/* ---- SQL text helpers ---- */

char *db_sql_to_sqlite(const char *sql)
{
	char *out = xstrdup(sql);
	char *p = out;
	while (*p) {
		if (*p == '\'' || *p == '"') {
			/* A doubled quote inside is an escaped quote: the loop simply re-enters. */
			char q = *p++;
			while (*p && *p != q)
				p++;
			if (*p)
				p++;
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			char *end = strstr(p + 2, "*/");
			p = end ? end + 2 : p + strlen(p);
		} else if (p[0] == '$' && isdigit((unsigned char)p[1]) &&
			   (p == out || !(isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '$'))) {
			/* PostgreSQL allows $ inside identifiers (col$1): only a free-standing $N is a
			 * parameter. */
			*p++ = '?';
		} else {
			p++;
		}
	}
	return out;
}

enum { REGION_NONE, REGION_SQLITE, REGION_PG, REGION_END, REGION_TEXT };

/* Classifies one line (without its newline) as a region marker or ordinary text. */
static int marker_of(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	if (n - i < 2 || s[i] != '-' || s[i + 1] != '-')
		return REGION_TEXT;
	i += 2;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	while (n > i && isspace((unsigned char)s[n - 1]))
		n--;
	size_t len = n - i;
	const char *w = s + i;
	if (len == 7 && memcmp(w, "sqlite:", 7) == 0)
		return REGION_SQLITE;
	if (len == 11 && memcmp(w, "postgresql:", 11) == 0)
		return REGION_PG;
	if (len == 3 && memcmp(w, "end", 3) == 0)
		return REGION_END;
	return REGION_TEXT;
}

int db_filter_regions(const char *src, db_kind_t kind, char **out, char *err, size_t errlen)
{
	buf_t b;
	buf_init(&b, MIGRATION_MAX_BYTES);
	int region = REGION_NONE, start_line = 0, line = 0, rc = 0;
	const char *p = src;
	*out = NULL;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		line++;
		int m = marker_of(p, n);
		bool keep = false;
		if (m == REGION_SQLITE || m == REGION_PG) {
			if (region != REGION_NONE) {
				snprintf(err, errlen, "line %d: region opened inside the region of line %d", line,
					 start_line);
				rc = ERR_INVALID;
				goto cleanup;
			}
			region = m;
			start_line = line;
		} else if (m == REGION_END) {
			if (region == REGION_NONE) {
				snprintf(err, errlen, "line %d: \"-- end\" without an open region", line);
				rc = ERR_INVALID;
				goto cleanup;
			}
			region = REGION_NONE;
		} else {
			keep = region == REGION_NONE || (region == REGION_SQLITE && kind == DB_SQLITE) ||
			       (region == REGION_PG && kind == DB_POSTGRES);
		}
		if ((keep && buf_append(&b, p, n)) || buf_putc(&b, '\n')) {
			snprintf(err, errlen, "migration larger than %u bytes", MIGRATION_MAX_BYTES);
			rc = ERR_TOO_BIG;
			goto cleanup;
		}
		p = nl ? nl + 1 : p + n;
	}
	if (region != REGION_NONE) {
		snprintf(err, errlen, "line %d: region not closed with \"-- end\"", start_line);
		rc = ERR_INVALID;
		goto cleanup;
	}
	*out = buf_detach(&b, NULL);
cleanup:
	buf_free(&b);
	return rc;
}
