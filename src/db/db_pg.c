/* db_pg.c — the PostgreSQL backend (libpq). Statements are prepared once per connection under
 * generated names and run with text parameters (bytea goes in binary). A connection found broken
 * is reset, so the pool heals after a server restart. LISTEN runs on a thread with a connection
 * of its own. */
#include "db/db_internal.h"

#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Type OIDs from pg_type.h (server headers are not part of libpq-dev). */
#define BOOLOID 16
#define BYTEAOID 17

/* Key of the session advisory lock held while migrating ("fine" in ASCII). */
#define MIGRATE_LOCK_KEY 0x66696e65

typedef struct {
	PGconn *pg;
	db_stmt_cache_t cache;
	unsigned next_id;
} pg_conn_t;

typedef struct {
	db_res_t base;
	PGresult *res;
	int row, nrows, ncols;
	unsigned char **blobs; /* decoded bytea of the current row, per column, lazily */
	size_t *bloblens;
} pg_res_t;

struct db_listener {
	struct db_listener *next;
	const char *url; /* borrowed from the db_t, which outlives the thread */
	char *channel;
	db_notify_fn cb;
	void *ud;
	int wake[2];
	pthread_t thread;
	PGconn *pg;
};

static PGconn *pgconn(db_conn_t *c)
{
	return ((pg_conn_t *)c->impl)->pg;
}

static void ignore_notice(void *arg, const char *msg)
{
	/* "relation already exists, skipping" and friends are not worth a log line. */
	(void)arg;
	(void)msg;
}

/* A message on one line, without libpq's trailing newline. */
static void one_line(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
	for (char *p = dst; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	size_t len = strlen(dst);
	while (len && dst[len - 1] == ' ')
		dst[--len] = '\0';
}

/* The session's settings, on every new or reset connection. Custom plans: the statements filter
 * with optional parameters ("$3 = '' OR o.code = $3"), which a generic plan, chosen by PostgreSQL
 * from a prepared statement's sixth run on, cannot drop — booking's lead time went from 40 ms to
 * 1.7 s a query after a connection's first requests (docs/internals/db.md). A SET rather than a
 * startup option, so that PgBouncer passes it. */
static bool session_setup(PGconn *pg)
{
	PGresult *res = PQexec(pg, "SET plan_cache_mode = force_custom_plan");
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	return ok;
}

static PGconn *open_pg(const char *url, char *err, size_t errlen)
{
	/* The URL comes last so anything it sets overrides these defaults. Keepalives make a
	 * vanished server show up as a dead socket instead of an endless wait. */
	static const char *const keys[] = {
		"application_name",    "client_encoding",  "connect_timeout", "keepalives", "keepalives_idle",
		"keepalives_interval", "keepalives_count", "dbname",          NULL,
	};
	const char *vals[] = {"finestreta", "UTF8", "5", "1", "30", "10", "3", url, NULL};
	PGconn *pg = PQconnectdbParams(keys, vals, 1);
	if (!pg) {
		snprintf(err, errlen, "postgresql: out of memory");
		return NULL;
	}
	if (PQstatus(pg) != CONNECTION_OK) {
		char msg[DB_ERRMSG_MAX];
		one_line(msg, sizeof msg, PQerrorMessage(pg));
		snprintf(err, errlen, "postgresql: %s", msg);
		PQfinish(pg);
		return NULL;
	}
	PQsetNoticeProcessor(pg, ignore_notice, NULL);
	if (!session_setup(pg)) {
		char msg[DB_ERRMSG_MAX];
		one_line(msg, sizeof msg, PQerrorMessage(pg));
		snprintf(err, errlen, "postgresql: session settings: %s", msg);
		PQfinish(pg);
		return NULL;
	}
	return pg;
}

static void free_name(void *h, void *ctx)
{
	(void)ctx;
	free(h);
}

static int pg_connect(db_conn_t *c, char *err, size_t errlen)
{
	PGconn *pg = open_pg(c->db->target, err, errlen);
	if (!pg)
		return ERR_DB;
	pg_conn_t *g = xcalloc(1, sizeof *g);
	g->pg = pg;
	c->impl = g;
	return 0;
}

static void pg_disconnect(db_conn_t *c)
{
	pg_conn_t *g = c->impl;
	db_stmt_clear(&g->cache, free_name, NULL);
	PQfinish(g->pg);
	free(g);
	c->impl = NULL;
}

static int map_state(const char *st)
{
	if (!st)
		return ERR_DB;
	if (!strcmp(st, "23505") || !strcmp(st, "23503"))
		return ERR_CONFLICT;
	if (!strcmp(st, "40001") || !strcmp(st, "40P01") || !strcmp(st, "55P03"))
		return ERR_BUSY;
	return ERR_DB;
}

/* Records the failure of res (may be NULL). Only the primary message is kept: DETAIL lines
 * quote row values, which can be personal data, and this text ends up in logs. */
static int fail_res(db_conn_t *c, const PGresult *res)
{
	char msg[DB_ERRMSG_MAX];
	const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	one_line(msg, sizeof msg, primary ? primary : PQerrorMessage(pgconn(c)));
	if (!*msg)
		snprintf(msg, sizeof msg, "unexpected result %s", res ? PQresStatus(PQresultStatus(res)) : "(none)");
	if (st)
		return db_fail(c, map_state(st), "%s (SQLSTATE %s)", msg, st);
	return db_fail(c, ERR_DB, "%s", msg);
}

static bool res_ok(const PGresult *res)
{
	ExecStatusType s = PQresultStatus(res);
	return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY;
}

static bool pg_healthy(db_conn_t *c)
{
	return PQstatus(pgconn(c)) == CONNECTION_OK;
}

/* A reconnected session has no prepared statements: forget the names without DEALLOCATE. */
static int pg_heal(db_conn_t *c)
{
	pg_conn_t *g = c->impl;
	if (PQstatus(g->pg) == CONNECTION_OK)
		return 0;
	db_stmt_clear(&g->cache, free_name, NULL);
	PQreset(g->pg);
	if (PQstatus(g->pg) != CONNECTION_OK || !session_setup(g->pg)) {
		char msg[DB_ERRMSG_MAX];
		one_line(msg, sizeof msg, PQerrorMessage(g->pg));
		return db_fail(c, ERR_DB, "postgresql: reconnect failed: %s", msg);
	}
	log_info("db: reconnected to postgresql");
	return 0;
}

static void pg_forget(db_conn_t *c)
{
	pg_conn_t *g = c->impl;
	if (!g->cache.count)
		return;
	if (PQstatus(g->pg) == CONNECTION_OK)
		PQclear(PQexec(g->pg, "DEALLOCATE ALL"));
	db_stmt_clear(&g->cache, free_name, NULL);
}

static bool pg_in_tx(db_conn_t *c)
{
	if (!c->impl)
		return false;
	PGTransactionStatusType s = PQtransactionStatus(pgconn(c));
	return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

/* Whether a failed call may be repeated on a fresh session: the link broke while no transaction
 * was open, so nothing of the caller's work is lost by starting over. */
static bool retry_after_break(db_conn_t *c, PGTransactionStatusType before)
{
	return before == PQTRANS_IDLE && PQstatus(pgconn(c)) == CONNECTION_BAD && pg_heal(c) == 0;
}

/* Runs sql without parameters (transaction control, scripts). 0 or an error. */
static int simple(db_conn_t *c, const char *sql)
{
	for (int attempt = 0;; attempt++) {
		PGTransactionStatusType before = PQtransactionStatus(pgconn(c));
		PGresult *res = PQexec(pgconn(c), sql);
		if (res && res_ok(res)) {
			PQclear(res);
			return 0;
		}
		if (attempt == 0 && retry_after_break(c, before)) {
			PQclear(res);
			continue;
		}
		int rc = fail_res(c, res);
		PQclear(res);
		return rc;
	}
}

static int pg_begin(db_conn_t *c)
{
	return simple(c, "BEGIN");
}

static int pg_commit(db_conn_t *c)
{
	/* COMMIT of a failed transaction "succeeds" as a ROLLBACK; db.c catches the failures it
	 * saw, this catches the ones it did not. */
	if (PQtransactionStatus(pgconn(c)) == PQTRANS_INERROR) {
		simple(c, "ROLLBACK");
		return db_fail(c, ERR_DB, "transaction was aborted by an earlier error; rolled back");
	}
	return simple(c, "COMMIT");
}

static int pg_rollback(db_conn_t *c)
{
	return simple(c, "ROLLBACK");
}

static int pg_script(db_conn_t *c, const char *sql)
{
	return simple(c, sql);
}

/* Parameters in libpq's shape. Numbers are sent as text; blobs in binary so bytea needs no
 * escaping. */
typedef struct {
	const char **vals;
	int *lens;
	int *fmts;
	char (*num)[32];
} pg_params_t;

static int build_params(db_conn_t *c, const db_param_t *p, int n, pg_params_t *pp)
{
	memset(pp, 0, sizeof *pp);
	if (!n)
		return 0;
	pp->vals = xcalloc((size_t)n, sizeof *pp->vals);
	pp->lens = xcalloc((size_t)n, sizeof *pp->lens);
	pp->fmts = xcalloc((size_t)n, sizeof *pp->fmts);
	pp->num = xcalloc((size_t)n, sizeof *pp->num);
	for (int i = 0; i < n; i++) {
		switch (p[i].type) {
		case DBP_NULL: break;
		case DBP_INT:
			snprintf(pp->num[i], sizeof pp->num[i], "%" PRId64, p[i].i);
			pp->vals[i] = pp->num[i];
			break;
		case DBP_REAL:
			/* 17 significant digits survive the round trip through float8 exactly. */
			snprintf(pp->num[i], sizeof pp->num[i], "%.17g", p[i].d);
			pp->vals[i] = pp->num[i];
			break;
		case DBP_TEXT: pp->vals[i] = p[i].s; break;
		case DBP_BLOB:
			if (p[i].len > INT32_MAX)
				return db_fail(c, ERR_DB, "parameter %d: blob too large", i + 1);
			pp->vals[i] = p[i].s ? p[i].s : "";
			pp->lens[i] = (int)p[i].len;
			pp->fmts[i] = 1;
			break;
		default: return db_fail(c, ERR_DB, "parameter %d has an unknown type", i + 1);
		}
	}
	return 0;
}

static void free_params(pg_params_t *pp)
{
	free(pp->vals);
	free(pp->lens);
	free(pp->fmts);
	free(pp->num);
}

/* Prepares sql on first use, then executes it. The result (owned by the caller) or NULL with the
 * error in *rc. */
static PGresult *run(db_conn_t *c, const char *sql, const db_param_t *p, int n, int *rc)
{
	pg_conn_t *g = c->impl;
	pg_params_t pp;
	PGresult *res = NULL;
	*rc = build_params(c, p, n, &pp);
	if (*rc)
		goto cleanup;
	for (int attempt = 0;; attempt++) {
		PGTransactionStatusType before = PQtransactionStatus(g->pg);
		db_stmt_t *e = db_stmt_find(&g->cache, sql);
		if (!e && db_stmt_full(&g->cache)) {
			/* Over the cap: the unnamed statement, replaced on every use, leaks nothing. */
			res = PQexecParams(g->pg, sql, n, NULL, pp.vals, pp.lens, pp.fmts, 0);
		} else {
			if (!e) {
				char name[32];
				snprintf(name, sizeof name, "fin_%u", ++g->next_id);
				res = PQprepare(g->pg, name, sql, 0, NULL);
				if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
					goto failed;
				PQclear(res);
				e = db_stmt_add(&g->cache, sql, xstrdup(name));
			}
			res = PQexecPrepared(g->pg, e->handle, n, pp.vals, pp.lens, pp.fmts, 0);
		}
		if (res && (PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK))
			goto cleanup;
	failed:
		if (attempt == 0 && retry_after_break(c, before)) {
			PQclear(res);
			res = NULL;
			continue;
		}
		/* "cached plan must not change result type": a table changed shape under a statement
		 * prepared before (another node migrated). Prepare afresh once. */
		const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
		if (attempt == 0 && before == PQTRANS_IDLE && st && !strcmp(st, "0A000")) {
			PQclear(res);
			res = NULL;
			pg_forget(c);
			continue;
		}
		*rc = fail_res(c, res);
		PQclear(res);
		res = NULL;
		goto cleanup;
	}
cleanup:
	free_params(&pp);
	return res;
}

static int64_t pg_exec(db_conn_t *c, const char *sql, const db_param_t *p, int n)
{
	int rc;
	PGresult *res = run(c, sql, p, n, &rc);
	if (!res)
		return rc;
	/* PQcmdTuples is "" for DDL and the row count for SELECT; SQLite counts neither as a
	 * change, so neither is one here. */
	int64_t changed = strncmp(PQcmdStatus(res), "SELECT", 6) ? strtoll(PQcmdTuples(res), NULL, 10) : 0;
	PQclear(res);
	return changed;
}

static int pg_query(db_conn_t *c, const char *sql, const db_param_t *p, int n, db_res_t **out)
{
	int rc;
	PGresult *res = run(c, sql, p, n, &rc);
	if (!res)
		return rc;
	pg_res_t *r = xcalloc(1, sizeof *r);
	r->base.ops = &db_pg_ops;
	r->base.conn = c;
	r->res = res;
	r->row = -1;
	r->nrows = PQntuples(res);
	r->ncols = PQnfields(res);
	*out = &r->base;
	return 0;
}

static void drop_blobs(pg_res_t *r)
{
	if (!r->blobs)
		return;
	for (int i = 0; i < r->ncols; i++) {
		PQfreemem(r->blobs[i]);
		r->blobs[i] = NULL;
	}
}

static bool on_row(const pg_res_t *r)
{
	return r->row >= 0 && r->row < r->nrows;
}

static int pg_res_next(db_res_t *base)
{
	pg_res_t *r = (pg_res_t *)base;
	drop_blobs(r);
	if (r->row < r->nrows)
		r->row++;
	return r->row < r->nrows ? 1 : 0;
}

static int pg_res_ncols(const db_res_t *base)
{
	return ((const pg_res_t *)base)->ncols;
}

static bool pg_res_null(const db_res_t *base, int col)
{
	const pg_res_t *r = (const pg_res_t *)base;
	return !on_row(r) || PQgetisnull(r->res, r->row, col);
}

static int64_t pg_res_int(const db_res_t *base, int col)
{
	const pg_res_t *r = (const pg_res_t *)base;
	if (pg_res_null(base, col))
		return 0;
	const char *v = PQgetvalue(r->res, r->row, col);
	/* A comparison in a select list is boolean in PostgreSQL; SQLite gives 0/1. */
	if (PQftype(r->res, col) == BOOLOID)
		return v[0] == 't';
	return strtoll(v, NULL, 10);
}

static double pg_res_real(const db_res_t *base, int col)
{
	const pg_res_t *r = (const pg_res_t *)base;
	if (pg_res_null(base, col))
		return 0.0;
	return strtod(PQgetvalue(r->res, r->row, col), NULL);
}

static const char *pg_res_text(const db_res_t *base, int col)
{
	const pg_res_t *r = (const pg_res_t *)base;
	if (pg_res_null(base, col))
		return "";
	if (PQftype(r->res, col) == BOOLOID)
		return PQgetvalue(r->res, r->row, col)[0] == 't' ? "1" : "0";
	return PQgetvalue(r->res, r->row, col);
}

static const void *pg_res_blob(const db_res_t *base, int col, size_t *len)
{
	pg_res_t *r = (pg_res_t *)base;
	*len = 0;
	if (pg_res_null(base, col))
		return NULL;
	const char *v = PQgetvalue(r->res, r->row, col);
	if (PQftype(r->res, col) != BYTEAOID) {
		*len = (size_t)PQgetlength(r->res, r->row, col);
		return v;
	}
	if (!r->blobs) {
		r->blobs = xcalloc((size_t)r->ncols, sizeof *r->blobs);
		r->bloblens = xcalloc((size_t)r->ncols, sizeof *r->bloblens);
	}
	if (!r->blobs[col]) {
		r->blobs[col] = PQunescapeBytea((const unsigned char *)v, &r->bloblens[col]);
		if (!r->blobs[col])
			return NULL;
	}
	*len = r->bloblens[col];
	return r->blobs[col];
}

static void pg_res_free(db_res_t *base)
{
	pg_res_t *r = (pg_res_t *)base;
	drop_blobs(r);
	free(r->blobs);
	free(r->bloblens);
	PQclear(r->res);
	free(r);
}

static int pg_notify(db_conn_t *c, const char *channel, const char *payload)
{
	int rc;
	PGresult *res = run(c, "SELECT pg_notify($1, $2)", (db_param_t[]){DB_TEXT(channel), DB_TEXT(payload)}, 2, &rc);
	if (!res)
		return rc;
	PQclear(res);
	return 0;
}

/* ---- LISTEN ---- */

static PGconn *listen_connect(struct db_listener *l, char *err, size_t errlen)
{
	PGconn *pg = open_pg(l->url, err, errlen);
	if (!pg)
		return NULL;
	char *id = PQescapeIdentifier(pg, l->channel, strlen(l->channel));
	char *sql = id ? xasprintf("LISTEN %s", id) : NULL;
	PQfreemem(id);
	PGresult *res = sql ? PQexec(pg, sql) : NULL;
	free(sql);
	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
		one_line(err, errlen, PQerrorMessage(pg));
		PQclear(res);
		PQfinish(pg);
		return NULL;
	}
	PQclear(res);
	return pg;
}

/* Sleeps ms unless told to stop; true when told to stop. */
static bool wait_stop(struct db_listener *l, int ms)
{
	struct pollfd pfd = {.fd = l->wake[0], .events = POLLIN};
	int rc;
	do
		rc = poll(&pfd, 1, ms);
	while (rc < 0 && errno == EINTR);
	return rc > 0;
}

static void *listen_main(void *arg)
{
	struct db_listener *l = arg;
	int backoff = 100;
	bool lost = false;
	for (;;) {
		if (!l->pg) {
			char err[DB_ERRMSG_MAX];
			l->pg = listen_connect(l, err, sizeof err);
			if (!l->pg) {
				log_warn("db: listen %s: %s; retrying in %d ms", l->channel, err, backoff);
				if (wait_stop(l, backoff))
					break;
				backoff = backoff * 2 > 10000 ? 10000 : backoff * 2;
				continue;
			}
			if (lost)
				log_info("db: listen %s: reconnected", l->channel);
			backoff = 100;
			lost = false;
		}
		struct pollfd fds[2] = {
			{.fd = PQsocket(l->pg), .events = POLLIN},
			{.fd = l->wake[0], .events = POLLIN},
		};
		int rc = poll(fds, 2, -1);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0 || fds[1].revents)
			break;
		if (!fds[0].revents)
			continue;
		if (!PQconsumeInput(l->pg) || PQstatus(l->pg) != CONNECTION_OK) {
			char err[DB_ERRMSG_MAX];
			one_line(err, sizeof err, PQerrorMessage(l->pg));
			log_warn("db: listen %s: connection lost: %s", l->channel, err);
			PQfinish(l->pg);
			l->pg = NULL;
			lost = true;
			continue;
		}
		PGnotify *nt;
		while ((nt = PQnotifies(l->pg))) {
			if (!strcmp(nt->relname, l->channel))
				l->cb(l->ud, nt->relname, nt->extra ? nt->extra : "");
			PQfreemem(nt);
		}
	}
	if (l->pg)
		PQfinish(l->pg);
	l->pg = NULL;
	return NULL;
}

static int pg_listen(db_t *db, const char *channel, db_notify_fn cb, void *ud)
{
	struct db_listener *l = xcalloc(1, sizeof *l);
	l->url = db->target;
	l->channel = xstrdup(channel);
	l->cb = cb;
	l->ud = ud;
	if (pipe2(l->wake, O_CLOEXEC) < 0) {
		log_error("db: listen %s: pipe: %s", channel, strerror(errno));
		free(l->channel);
		free(l);
		return ERR_IO;
	}
	/* LISTEN before returning, so a notification sent right after db_listen is not missed.
	 * If the server is away now, the thread keeps trying. */
	char err[DB_ERRMSG_MAX];
	l->pg = listen_connect(l, err, sizeof err);
	if (!l->pg)
		log_warn("db: listen %s: %s; will retry", channel, err);
	int rc = pthread_create(&l->thread, NULL, listen_main, l);
	if (rc) {
		log_error("db: listen %s: thread: %s", channel, strerror(rc));
		if (l->pg)
			PQfinish(l->pg);
		close(l->wake[0]);
		close(l->wake[1]);
		free(l->channel);
		free(l);
		return ERR_UNAVAILABLE;
	}
	pthread_mutex_lock(&db->mu);
	l->next = db->listeners;
	db->listeners = l;
	pthread_mutex_unlock(&db->mu);
	return 0;
}

static void pg_stop_listeners(db_t *db)
{
	struct db_listener *l = db->listeners;
	db->listeners = NULL;
	while (l) {
		struct db_listener *next = l->next;
		ssize_t w;
		do
			w = write(l->wake[1], "x", 1);
		while (w < 0 && errno == EINTR);
		pthread_join(l->thread, NULL);
		close(l->wake[0]);
		close(l->wake[1]);
		free(l->channel);
		free(l);
		l = next;
	}
}

/* A session lock: two servers starting together take turns, and it goes away with the
 * connection if the process dies. */
static int pg_migrate_lock(db_conn_t *c, bool lock)
{
	char sql[64];
	snprintf(sql, sizeof sql, "SELECT %s(%d)", lock ? "pg_advisory_lock" : "pg_advisory_unlock", MIGRATE_LOCK_KEY);
	return simple(c, sql);
}

static int pg_reset(db_conn_t *c)
{
	int rc = simple(c, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	pg_forget(c);
	return rc;
}

const db_ops_t db_pg_ops = {
	.connect = pg_connect,
	.disconnect = pg_disconnect,
	.healthy = pg_healthy,
	.heal = pg_heal,
	.forget = pg_forget,
	.in_tx = pg_in_tx,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.exec = pg_exec,
	.query = pg_query,
	.script = pg_script,
	.res_next = pg_res_next,
	.res_ncols = pg_res_ncols,
	.res_null = pg_res_null,
	.res_int = pg_res_int,
	.res_real = pg_res_real,
	.res_text = pg_res_text,
	.res_blob = pg_res_blob,
	.res_free = pg_res_free,
	.notify = pg_notify,
	.listen = pg_listen,
	.stop_listeners = pg_stop_listeners,
	.migrate_lock = pg_migrate_lock,
	.reset = pg_reset,
};
