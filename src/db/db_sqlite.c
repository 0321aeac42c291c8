/* db_sqlite.c — the SQLite backend: WAL with synchronous=FULL (a commit is on disk before it is
 * answered), a 5 s busy timeout, foreign keys on, a per-connection cache of prepared statements
 * keyed by the caller's SQL text; for a file, checkpoints in a thread of their own
 * (docs/internals/db.md). */
#include "db/db_internal.h"

#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
	sqlite3 *h;
	db_stmt_cache_t cache;
	bool writer; /* holds db->writer (an open writing transaction) */
} sq_conn_t;

typedef struct {
	db_res_t base;
	sqlite3_stmt *st;
	db_stmt_t *ent; /* cache entry, or NULL when st is ours to finalize */
	bool pending;   /* the first row was already stepped by sq_query */
	bool on_row;
	bool done;
} sq_res_t;

static sqlite3 *handle(db_conn_t *c)
{
	return ((sq_conn_t *)c->impl)->h;
}

static int map_rc(int rc)
{
	switch (rc) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
	case SQLITE_CONSTRAINT_ROWID:
	case SQLITE_CONSTRAINT_FOREIGNKEY: return ERR_CONFLICT;
	}
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return ERR_BUSY;
	default: return ERR_DB;
	}
}

static int fail(db_conn_t *c, int rc)
{
	return db_fail(c, map_rc(rc), "%s", sqlite3_errmsg(handle(c)));
}

static void finalize_stmt(void *h, void *ctx)
{
	(void)ctx;
	sqlite3_finalize(h);
}

/* ---- checkpoints ----
 * SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL past 1000 pages: that
 * commit copies the pages into the database file and fsyncs it before it returns, while this
 * process's next writers queue behind it on db->writer (in a booking surge, a fifth of the time).
 * Instead every connection's WAL hook (which replaces the automatic checkpoint) wakes a thread of
 * the database's own once the WAL passes SQ_CKPT_PAGES, and that thread runs a PASSIVE checkpoint
 * — it never blocks readers or writers — on a connection of its own with synchronous=FULL, so the
 * database file is synced before the WAL can be reused. Durability is unchanged: each commit is
 * synced in the WAL before it is answered (synchronous=FULL); a checkpoint only moves pages that
 * are durable already. Should the WAL still pass SQ_CKPT_FORCE pages (the thread starved of CPU),
 * the committing connection checkpoints itself, as SQLite would have. */
#define SQ_CKPT_PAGES 1000
#define SQ_CKPT_FORCE (16 * SQ_CKPT_PAGES)

typedef struct {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool want, stop;
	char *path;
} sq_ckpt_t;

static void *ckpt_main(void *arg)
{
	sq_ckpt_t *k = arg;
	sqlite3 *h = NULL;
	pthread_mutex_lock(&k->mu);
	for (;;) {
		while (!k->want && !k->stop)
			pthread_cond_wait(&k->cv, &k->mu);
		if (k->stop)
			break;
		k->want = false;
		pthread_mutex_unlock(&k->mu);
		if (!h && sqlite3_open_v2(k->path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK)
			sqlite3_exec(h, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
		if (h && sqlite3_wal_checkpoint_v2(h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) != SQLITE_OK &&
		    sqlite3_errcode(h) != SQLITE_BUSY)
			log_warn("sqlite: checkpoint of %s failed: %s", k->path, sqlite3_errmsg(h));
		pthread_mutex_lock(&k->mu);
	}
	pthread_mutex_unlock(&k->mu);
	sqlite3_close_v2(h);
	return NULL;
}

/* The WAL hook: runs after each commit on the committing thread, with the WAL's size in pages. */
static int ckpt_hook(void *arg, sqlite3 *h, const char *name, int pages)
{
	sq_ckpt_t *k = arg;
	if (pages >= SQ_CKPT_FORCE) {
		sqlite3_wal_checkpoint_v2(h, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		return SQLITE_OK;
	}
	if (pages >= SQ_CKPT_PAGES) {
		pthread_mutex_lock(&k->mu);
		k->want = true;
		pthread_cond_signal(&k->cv);
		pthread_mutex_unlock(&k->mu);
	}
	return SQLITE_OK;
}

/* Starts the checkpointer of a file database (from db_open's first connection, before any other
 * thread can use db). Without it (the thread could not start) SQLite checkpoints by itself. */
static void ckpt_start(db_t *db)
{
	sq_ckpt_t *k = xcalloc(1, sizeof *k);
	pthread_mutex_init(&k->mu, NULL);
	pthread_cond_init(&k->cv, NULL);
	k->path = xstrdup(db->target);
	if (pthread_create(&k->th, NULL, ckpt_main, k) != 0) {
		log_warn("sqlite: no checkpoint thread; checkpoints run in the committing thread");
		pthread_mutex_destroy(&k->mu);
		pthread_cond_destroy(&k->cv);
		free(k->path);
		free(k);
		return;
	}
	db->backend = k;
}

static void ckpt_stop(db_t *db)
{
	sq_ckpt_t *k = db->backend;
	if (!k)
		return;
	pthread_mutex_lock(&k->mu);
	k->stop = true;
	pthread_cond_signal(&k->cv);
	pthread_mutex_unlock(&k->mu);
	pthread_join(k->th, NULL);
	pthread_mutex_destroy(&k->mu);
	pthread_cond_destroy(&k->cv);
	free(k->path);
	free(k);
	db->backend = NULL;
}

static int sq_connect(db_conn_t *c, char *err, size_t errlen)
{
	const char *path = c->db->target;
	bool mem = strcmp(path, ":memory:") == 0;
	sqlite3 *h = NULL;
	int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_extended_result_codes(h, 1);
	/* The timeout must be in place before switching to WAL, which briefly needs an exclusive
	 * lock when several connections open a new file at once. */
	sqlite3_busy_timeout(h, DB_BUSY_TIMEOUT_MS);
	/* synchronous=FULL: in WAL mode NORMAL may lose the last commits on a power cut (the WAL is
	 * synced only at checkpoints), and a booking answered 201 must survive one. FULL syncs the
	 * WAL at every commit: one fsync per change, which is what a booking is worth. */
	rc = sqlite3_exec(h,
			  mem ? "PRAGMA foreign_keys=ON"
			      : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON",
			  NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	if (!mem && !c->db->backend && c->db->nopen == 0)
		ckpt_start(c->db);
	if (c->db->backend)
		sqlite3_wal_hook(h, ckpt_hook, c->db->backend);
	sq_conn_t *s = xcalloc(1, sizeof *s);
	s->h = h;
	c->impl = s;
	return 0;
fail:
	snprintf(err, errlen, "sqlite: cannot open %s: %s", path, h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
	sqlite3_close_v2(h);
	return ERR_DB;
}

static void sq_disconnect(db_conn_t *c)
{
	sq_conn_t *s = c->impl;
	if (s->writer) { /* closing rolls the transaction back */
		s->writer = false;
		pthread_mutex_unlock(&c->db->writer);
	}
	db_stmt_clear(&s->cache, finalize_stmt, NULL);
	/* close_v2 defers the close if a leaked result still holds a statement. */
	sqlite3_close_v2(s->h);
	free(s);
	c->impl = NULL;
}

static bool sq_healthy(db_conn_t *c)
{
	(void)c;
	return true;
}

static int sq_heal(db_conn_t *c)
{
	(void)c;
	return 0;
}

/* SQLite re-prepares statements itself after a schema change. */
static void sq_forget(db_conn_t *c)
{
	(void)c;
}

static bool sq_in_tx(db_conn_t *c)
{
	return c->impl && !sqlite3_get_autocommit(handle(c));
}

static int run_simple(db_conn_t *c, const char *sql)
{
	int rc = sqlite3_exec(handle(c), sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : fail(c, rc);
}

/* The end of a writing transaction: the next writer of this process may begin. */
static void writer_done(db_conn_t *c)
{
	sq_conn_t *s = c->impl;
	if (s && s->writer && !sqlite3_get_autocommit(s->h)) /* still open: a failed COMMIT */
		return;
	if (s && s->writer) {
		s->writer = false;
		pthread_mutex_unlock(&c->db->writer);
	}
}

/* IMMEDIATE takes the write lock now (waiting up to the busy timeout), so two writers never
 * both read and then collide on upgrading their locks. The writers of this process first queue
 * on a mutex and are woken the moment the one before them ends, instead of meeting SQLite's busy
 * handler, which polls in growing sleeps (up to 100 ms each) and made the slowest bookings of a
 * surge wait hundreds of milliseconds. Other processes on the file still meet the busy timeout;
 * a thread that waited that long for the mutex goes on to BEGIN without it. */
static int sq_begin(db_conn_t *c)
{
	sq_conn_t *s = c->impl;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += DB_BUSY_TIMEOUT_MS / 1000;
	s->writer = pthread_mutex_timedlock(&c->db->writer, &ts) == 0;
	int rc = run_simple(c, "BEGIN IMMEDIATE");
	if (rc)
		writer_done(c);
	return rc;
}

static int sq_commit(db_conn_t *c)
{
	int rc = run_simple(c, "COMMIT");
	writer_done(c);
	return rc;
}

static int sq_rollback(db_conn_t *c)
{
	int rc = run_simple(c, "ROLLBACK");
	writer_done(c);
	return rc;
}

static int sq_script(db_conn_t *c, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(handle(c), sql, NULL, NULL, &msg);
	if (rc == SQLITE_OK)
		return 0;
	rc = db_fail(c, map_rc(rc), "%s", msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return rc;
}

/* Borrows the cached statement for sql, or prepares one. *ent is NULL when the statement is not
 * cached (cache full, or the cached one is being walked by an open result). */
static int prepare(db_conn_t *c, const char *sql, sqlite3_stmt **st, db_stmt_t **ent)
{
	sq_conn_t *s = c->impl;
	db_stmt_t *e = db_stmt_find(&s->cache, sql);
	*st = NULL;
	*ent = NULL;
	if (e && !e->busy) {
		e->busy = true;
		*st = e->handle;
		*ent = e;
		return 0;
	}
	char *q = db_sql_to_sqlite(sql);
	const char *tail = NULL;
	int rc = sqlite3_prepare_v2(s->h, q, -1, st, &tail);
	if (rc != SQLITE_OK) {
		rc = fail(c, rc);
		goto cleanup;
	}
	if (!*st) {
		rc = db_fail(c, ERR_DB, "empty statement");
		goto cleanup;
	}
	/* Text after the first statement would be silently ignored; only comments may follow. */
	sqlite3_stmt *extra = NULL;
	if (tail && *tail && (sqlite3_prepare_v2(s->h, tail, -1, &extra, NULL) != SQLITE_OK || extra)) {
		sqlite3_finalize(extra);
		sqlite3_finalize(*st);
		*st = NULL;
		rc = db_fail(c, ERR_DB, "one statement per call (use db_exec_script for several)");
		goto cleanup;
	}
	if (!e) {
		*ent = db_stmt_add(&s->cache, sql, *st);
		if (*ent)
			(*ent)->busy = true;
	}
	rc = 0;
cleanup:
	free(q);
	return rc;
}

static void release_stmt(sqlite3_stmt *st, db_stmt_t *ent)
{
	if (ent) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		ent->busy = false;
	} else {
		sqlite3_finalize(st);
	}
}

static int bind(db_conn_t *c, sqlite3_stmt *st, const db_param_t *p, int n)
{
	int want = sqlite3_bind_parameter_count(st);
	if (n != want)
		return db_fail(c, ERR_DB, "statement takes %d parameters, %d given", want, n);
	for (int i = 0; i < n; i++) {
		int rc;
		/* TRANSIENT copies: a query's statement outlives the call, the caller's strings not. */
		switch (p[i].type) {
		case DBP_NULL: rc = sqlite3_bind_null(st, i + 1); break;
		case DBP_INT: rc = sqlite3_bind_int64(st, i + 1, p[i].i); break;
		case DBP_REAL: rc = sqlite3_bind_double(st, i + 1, p[i].d); break;
		case DBP_TEXT:
			rc = p[i].s ? sqlite3_bind_text(st, i + 1, p[i].s, -1, SQLITE_TRANSIENT)
				    : sqlite3_bind_null(st, i + 1);
			break;
		case DBP_BLOB:
			/* A NULL pointer would bind SQL NULL; an empty blob is still a blob. */
			rc = sqlite3_bind_blob64(st, i + 1, p[i].s ? p[i].s : "", p[i].len, SQLITE_TRANSIENT);
			break;
		default: return db_fail(c, ERR_DB, "parameter %d has an unknown type", i + 1);
		}
		if (rc != SQLITE_OK)
			return fail(c, rc);
	}
	return 0;
}

static int64_t sq_exec(db_conn_t *c, const char *sql, const db_param_t *p, int n)
{
	sqlite3 *h = handle(c);
	sqlite3_stmt *st;
	db_stmt_t *ent;
	int rc = prepare(c, sql, &st, &ent);
	if (rc)
		return rc;
	int64_t out = bind(c, st, p, n);
	if (out)
		goto cleanup;
	sqlite3_int64 before = sqlite3_total_changes64(h);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		out = fail(c, rc);
	/* sqlite3_changes keeps the count of the last DML, so DDL would report a stale number. */
	else
		out = sqlite3_total_changes64(h) != before ? sqlite3_changes64(h) : 0;
cleanup:
	release_stmt(st, ent);
	return out;
}

static int sq_query(db_conn_t *c, const char *sql, const db_param_t *p, int n, db_res_t **out)
{
	sqlite3_stmt *st;
	db_stmt_t *ent;
	int rc = prepare(c, sql, &st, &ent);
	if (rc)
		return rc;
	rc = bind(c, st, p, n);
	if (rc)
		goto fail;
	/* Step once now so errors (a conflict on INSERT ... RETURNING, a busy lock) come back from
	 * db_query, as they do on PostgreSQL, not from the first db_res_next. */
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = fail(c, rc);
		goto fail;
	}
	sq_res_t *r = xcalloc(1, sizeof *r);
	r->base.ops = &db_sqlite_ops;
	r->base.conn = c;
	r->st = st;
	r->ent = ent;
	r->pending = rc == SQLITE_ROW;
	r->done = rc == SQLITE_DONE;
	*out = &r->base;
	return 0;
fail:
	release_stmt(st, ent);
	return rc;
}

static int sq_res_next(db_res_t *base)
{
	sq_res_t *r = (sq_res_t *)base;
	if (r->pending) {
		r->pending = false;
		r->on_row = true;
		return 1;
	}
	r->on_row = false;
	if (r->done)
		return 0;
	int rc = sqlite3_step(r->st);
	if (rc == SQLITE_ROW) {
		r->on_row = true;
		return 1;
	}
	r->done = true;
	return rc == SQLITE_DONE ? 0 : fail(base->conn, rc);
}

static int sq_res_ncols(const db_res_t *base)
{
	return sqlite3_column_count(((const sq_res_t *)base)->st);
}

static bool sq_res_null(const db_res_t *base, int col)
{
	const sq_res_t *r = (const sq_res_t *)base;
	return !r->on_row || sqlite3_column_type(r->st, col) == SQLITE_NULL;
}

static int64_t sq_res_int(const db_res_t *base, int col)
{
	const sq_res_t *r = (const sq_res_t *)base;
	return r->on_row ? sqlite3_column_int64(r->st, col) : 0;
}

static double sq_res_real(const db_res_t *base, int col)
{
	const sq_res_t *r = (const sq_res_t *)base;
	return r->on_row ? sqlite3_column_double(r->st, col) : 0.0;
}

static const char *sq_res_text(const db_res_t *base, int col)
{
	const sq_res_t *r = (const sq_res_t *)base;
	const unsigned char *t = r->on_row ? sqlite3_column_text(r->st, col) : NULL;
	return t ? (const char *)t : "";
}

static const void *sq_res_blob(const db_res_t *base, int col, size_t *len)
{
	const sq_res_t *r = (const sq_res_t *)base;
	*len = 0;
	if (!r->on_row || sqlite3_column_type(r->st, col) == SQLITE_NULL)
		return NULL;
	const void *p = sqlite3_column_blob(r->st, col);
	*len = (size_t)sqlite3_column_bytes(r->st, col);
	return p ? p : "";
}

static void sq_res_free(db_res_t *base)
{
	sq_res_t *r = (sq_res_t *)base;
	release_stmt(r->st, r->ent);
	free(r);
}

static int sq_notify(db_conn_t *c, const char *channel, const char *payload)
{
	(void)c;
	(void)channel;
	(void)payload;
	return 0;
}

static int sq_listen(db_t *db, const char *channel, db_notify_fn cb, void *ud)
{
	(void)db;
	(void)channel;
	(void)cb;
	(void)ud;
	return ERR_UNAVAILABLE;
}

/* db_close: the checkpointer stops (the last connection to close checkpoints the WAL). */
static void sq_stop_listeners(db_t *db)
{
	ckpt_stop(db);
}

/* BEGIN IMMEDIATE around each migration already serialises processes sharing the file. */
static int sq_migrate_lock(db_conn_t *c, bool lock)
{
	(void)c;
	(void)lock;
	return 0;
}

static int sq_reset(db_conn_t *c)
{
	sqlite3 *h = handle(c);
	sqlite3_stmt *st = NULL;
	char **drops = NULL;
	int n = 0, rc;
	/* Foreign keys would turn each DROP into a checked DELETE; the pragma is a no-op inside a
	 * transaction, so it is switched off before BEGIN. */
	rc = run_simple(c, "PRAGMA foreign_keys=OFF");
	if (!rc)
		rc = run_simple(c, "BEGIN IMMEDIATE");
	if (rc)
		goto cleanup;
	rc = sqlite3_prepare_v2(h,
				"SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') "
				"AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
				-1, &st, NULL);
	if (rc != SQLITE_OK) {
		rc = fail(c, rc);
		goto rollback;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(st, 0);
		/* %w doubles embedded quotes, so any table name is a safe identifier. */
		char *sql = sqlite3_mprintf("DROP %s IF EXISTS \"%w\"", str_eq(type, "view") ? "VIEW" : "TABLE",
					    (const char *)sqlite3_column_text(st, 1));
		drops = xrealloc(drops, (size_t)(n + 1) * sizeof *drops);
		drops[n++] = xstrdup(sql);
		sqlite3_free(sql);
	}
	if (rc != SQLITE_DONE) {
		rc = fail(c, rc);
		goto rollback;
	}
	sqlite3_finalize(st);
	st = NULL;
	for (int i = 0; i < n; i++) {
		rc = run_simple(c, drops[i]);
		if (rc)
			goto rollback;
	}
	rc = run_simple(c, "COMMIT");
	if (rc)
		goto rollback;
	goto cleanup;
rollback:
	sqlite3_finalize(st);
	st = NULL;
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
cleanup:
	sqlite3_finalize(st);
	sqlite3_exec(h, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
	for (int i = 0; i < n; i++)
		free(drops[i]);
	free(drops);
	return rc;
}

const db_ops_t db_sqlite_ops = {
	.connect = sq_connect,
	.disconnect = sq_disconnect,
	.healthy = sq_healthy,
	.heal = sq_heal,
	.forget = sq_forget,
	.in_tx = sq_in_tx,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.exec = sq_exec,
	.query = sq_query,
	.script = sq_script,
	.res_next = sq_res_next,
	.res_ncols = sq_res_ncols,
	.res_null = sq_res_null,
	.res_int = sq_res_int,
	.res_real = sq_res_real,
	.res_text = sq_res_text,
	.res_blob = sq_res_blob,
	.res_free = sq_res_free,
	.notify = sq_notify,
	.listen = sq_listen,
	.stop_listeners = sq_stop_listeners,
	.migrate_lock = sq_migrate_lock,
	.reset = sq_reset,
};
