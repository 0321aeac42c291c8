/* db.c — URL dispatch, the connection pool and transaction bookkeeping (the migration runner is
 * migrate.c). The backends (db_sqlite.c, db_pg.c) sit behind db_ops_t; see db_internal.h. */
#include "db/db_internal.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* ---- errors ---- */

int db_fail(db_conn_t *c, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->errmsg, sizeof c->errmsg, fmt, ap);
	va_end(ap);
	/* Conflicts are the expected outcome of racing for a slot or a unique name, not a fault. */
	if (code != ERR_CONFLICT)
		atomic_fetch_add(&c->db->errors, 1);
	return code;
}

/* After any failure inside a transaction, the transaction is dead until rolled back. */
static void note_failure(db_conn_t *c)
{
	if (c->db->ops->in_tx(c))
		c->tx_aborted = true;
}

/* ---- fault injection (db_fault_arm) ---- */

static _Thread_local struct {
	bool armed, fired;
	int64_t at, calls;
} fault;

void db_fault_arm(int64_t n)
{
	fault.armed = true;
	fault.fired = false;
	fault.at = n;
	fault.calls = 0;
}

bool db_fault_disarm(int64_t *calls)
{
	if (calls)
		*calls = fault.calls;
	bool fired = fault.fired;
	fault.armed = fault.fired = false;
	return fired;
}

/* Counts a call; ERR_DB when it is the one chosen to fail (the transaction, if any, is then dead
 * until rolled back, as after a real failure). */
static int fault_check(db_conn_t *c, const char *what)
{
	if (!fault.armed || ++fault.calls != fault.at)
		return 0;
	fault.fired = true;
	log_warn("db: injected fault at call %lld: %.200s", (long long)fault.at, what);
	if (c->db->ops->in_tx(c))
		c->tx_aborted = true;
	return db_fail(c, ERR_DB, "injected fault at database call %lld", (long long)fault.at);
}

static int check_usable(db_conn_t *c)
{
	if (c->tx_aborted && c->db->ops->in_tx(c))
		return db_fail(c, ERR_DB, "current transaction is aborted by an earlier error; roll it back");
	return 0;
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

/* ---- open, close, pool ---- */

db_t *db_open(const char *url, int pool_size, char *err, size_t errlen)
{
	const db_ops_t *ops;
	db_kind_t kind;
	const char *target;
	if (!url)
		url = "";
	if (str_starts(url, "sqlite:")) {
		kind = DB_SQLITE;
		ops = &db_sqlite_ops;
		target = url + strlen("sqlite:");
		if (!*target) {
			snprintf(err, errlen, "database URL \"sqlite:\" needs a path");
			return NULL;
		}
	} else if (str_starts(url, "postgresql://") || str_starts(url, "postgres://")) {
		kind = DB_POSTGRES;
		ops = &db_pg_ops;
		target = url;
	} else {
		snprintf(err, errlen, "unsupported database URL (use sqlite:PATH or postgresql://...)");
		return NULL;
	}
	if (pool_size < 1)
		pool_size = 1;
	/* A private in-memory database lives inside one connection; one connection is the pool. */
	if (kind == DB_SQLITE && strcmp(target, ":memory:") == 0)
		pool_size = 1;

	db_t *db = xcalloc(1, sizeof *db);
	db->kind = kind;
	db->ops = ops;
	db->target = xstrdup(target);
	db->pool_size = pool_size;
	db->conns = xcalloc((size_t)pool_size, sizeof *db->conns);
	pthread_mutex_init(&db->mu, NULL);
	pthread_mutex_init(&db->writer, NULL);
	pthread_cond_init(&db->cv, NULL);
	atomic_init(&db->errors, 0);
	atomic_init(&db->generation, 0);

	/* Open the first connection now: a wrong path or an unreachable server should stop the
	 * program at start, not at the first request. */
	db_conn_t *c = xcalloc(1, sizeof *c);
	c->db = db;
	if (ops->connect(c, err, errlen)) {
		free(c);
		db_close(db);
		return NULL;
	}
	db->conns[db->nopen++] = c;
	db->free = c;
	return db;
}

void db_close(db_t *db)
{
	if (!db)
		return;
	db->ops->stop_listeners(db);
	for (int i = 0; i < db->nopen; i++) {
		db_conn_t *c = db->conns[i];
		if (!c)
			continue;
		if (c->lent)
			log_warn("db_close: a connection is still lent; closing it anyway");
		if (c->impl)
			db->ops->disconnect(c);
		free(c);
	}
	free(db->conns);
	pthread_mutex_destroy(&db->mu);
	pthread_mutex_destroy(&db->writer);
	pthread_cond_destroy(&db->cv);
	free(db->target);
	free(db);
}

db_kind_t db_kind(const db_t *db)
{
	return db->kind;
}

uint64_t db_error_count(const db_t *db)
{
	return atomic_load(&((db_t *)db)->errors);
}

static void give_back(db_conn_t *c)
{
	db_t *db = c->db;
	pthread_mutex_lock(&db->mu);
	c->lent = false;
	c->next_free = db->free;
	db->free = c;
	pthread_cond_signal(&db->cv);
	pthread_mutex_unlock(&db->mu);
}

/* Whether every connection of the pool is lent to this thread (so waiting would never end). */
static bool all_held_by(db_t *db, pthread_t self)
{
	if (db->nopen < db->pool_size)
		return false;
	for (int i = 0; i < db->nopen; i++)
		if (!db->conns[i]->lent || !pthread_equal(db->conns[i]->owner, self))
			return false;
	return true;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether this thread may try to (re)connect now: not while a back-off runs, and only one thread
 * once it is over (the others fail at once instead of each waiting for a dead server). */
static bool may_connect(db_t *db)
{
	int_least64_t at = atomic_load(&db->retry_at);
	if (at == 0)
		return true;
	int64_t now = now_ms();
	/* The winner moves retry_at past its own attempt, so the others keep failing fast. */
	return now >= at && atomic_compare_exchange_strong(&db->retry_at, &at, now + DB_BACKOFF_MAX_MS);
}

static void connect_result(db_t *db, bool ok)
{
	pthread_mutex_lock(&db->mu);
	if (ok) {
		db->backoff_ms = 0;
		atomic_store(&db->retry_at, 0);
	} else {
		db->backoff_ms = db->backoff_ms ? db->backoff_ms * 2 : DB_BACKOFF_MIN_MS;
		if (db->backoff_ms > DB_BACKOFF_MAX_MS)
			db->backoff_ms = DB_BACKOFF_MAX_MS;
		atomic_store(&db->retry_at, now_ms() + db->backoff_ms);
	}
	pthread_mutex_unlock(&db->mu);
}

static log_limit_t acquire_log;

/* Opens or repairs the connection just taken from the pool. 0, or an error with c->errmsg set. */
static int make_usable(db_conn_t *c)
{
	db_t *db = c->db;
	bool needs = !c->impl || !db->ops->healthy(c);
	if (!needs)
		return 0;
	if (!may_connect(db)) {
		snprintf(c->errmsg, sizeof c->errmsg, "the database is unreachable; waiting before the next try");
		return ERR_UNAVAILABLE;
	}
	int rc;
	if (!c->impl) {
		char msg[DB_ERRMSG_MAX];
		rc = db->ops->connect(c, msg, sizeof msg);
		if (rc) {
			snprintf(c->errmsg, sizeof c->errmsg, "%s", msg);
			atomic_fetch_add(&db->errors, 1);
		}
	} else {
		rc = db->ops->heal(c);
	}
	connect_result(db, rc == 0);
	if (rc)
		log_error_limited(&acquire_log, 10, "db_acquire: %s (next try in %lld ms)", c->errmsg,
				  (long long)db->backoff_ms);
	return rc;
}

db_conn_t *db_acquire(db_t *db)
{
	pthread_t self = pthread_self();
	db_conn_t *c;
	pthread_mutex_lock(&db->mu);
	for (;;) {
		if (db->free) {
			c = db->free;
			db->free = c->next_free;
			break;
		}
		if (db->nopen < db->pool_size) {
			c = xcalloc(1, sizeof *c);
			c->db = db;
			db->conns[db->nopen++] = c;
			break;
		}
		if (all_held_by(db, self)) {
			pthread_mutex_unlock(&db->mu);
			log_error("db_acquire: this thread already holds all %d pool connections; "
				  "waiting would deadlock",
				  db->pool_size);
			return NULL;
		}
		pthread_cond_wait(&db->cv, &db->mu);
	}
	c->lent = true;
	c->owner = self;
	c->next_free = NULL;
	pthread_mutex_unlock(&db->mu);

	/* Opening and repairing happen outside the lock: they can take seconds. */
	c->errmsg[0] = '\0';
	if (make_usable(c)) {
		give_back(c);
		return NULL;
	}
	unsigned gen = atomic_load(&db->generation);
	if (c->generation != gen) {
		db->ops->forget(c);
		c->generation = gen;
	}
	c->tx_aborted = false;
	return c;
}

void db_release(db_conn_t *c)
{
	if (!c)
		return;
	if (c->db->ops->in_tx(c)) {
		log_warn("db_release: rolling back a transaction left open");
		db_rollback(c);
	}
	c->tx_aborted = false;
	give_back(c);
}

const char *db_errmsg(const db_conn_t *c)
{
	return c ? c->errmsg : "no connection";
}

bool db_conn_usable(db_conn_t *c)
{
	return c && c->impl && c->db->ops->healthy(c);
}

bool db_ping(db_t *db)
{
	db_conn_t *c = db_acquire(db);
	if (!c)
		return false;
	int64_t one = 0;
	int rc = db_query_int(c, "SELECT 1", NULL, 0, &one);
	db_release(c);
	return rc == 0 && one == 1;
}

/* One committed write of a row that nothing else reads. */
static int write_probe(db_t *db)
{
	db_conn_t *c = db_acquire(db);
	if (!c)
		return ERR_UNAVAILABLE;
	db_param_t p[] = {DB_INT((int64_t)time(NULL))};
	int rc = db_begin(c);
	if (!rc) {
		int64_t n = db_exec(c,
				    "INSERT INTO db_health (id, at) VALUES (1, $1) "
				    "ON CONFLICT (id) DO UPDATE SET at = excluded.at",
				    p, 1);
		rc = n < 0 ? (int)n : db_commit(c);
	}
	if (rc) {
		static log_limit_t lim;
		log_error_limited(&lim, 10, "db: the database cannot be written: %s", db_errmsg(c));
		db_rollback(c);
	}
	db_release(c);
	return rc;
}

int db_write_check(db_t *db)
{
	int64_t now = now_ms();
	int_least64_t at = atomic_load(&db->write_checked_at);
	/* At most one probe per DB_WRITE_CHECK_MS, so that polling /healthz cannot queue writes. */
	if (at && now - at < DB_WRITE_CHECK_MS)
		return atomic_load(&db->write_check_rc);
	if (!atomic_compare_exchange_strong(&db->write_checked_at, &at, now))
		return atomic_load(&db->write_check_rc);
	int rc = write_probe(db);
	atomic_store(&db->write_check_rc, rc);
	return rc;
}

/* ---- transactions and statements ---- */

void db_touch(db_conn_t *c)
{
	if (c)
		c->touched = true;
}

void db_on_touch(db_t *db, void (*fn)(void *ud), void *ud)
{
	db->on_touch = fn;
	db->on_touch_ud = ud;
}

/* The end of a touched transaction (or statement): the hook when it committed. */
static void touch_done(db_conn_t *c, bool committed)
{
	if (!c->touched)
		return;
	c->touched = false;
	if (committed && c->db->on_touch)
		c->db->on_touch(c->db->on_touch_ud);
}

int db_begin(db_conn_t *c)
{
	if (!c)
		return ERR_UNAVAILABLE;
	if (c->db->ops->in_tx(c))
		return db_fail(c, ERR_DB, "a transaction is already open");
	if (fault_check(c, "BEGIN"))
		return ERR_DB;
	c->tx_aborted = false;
	int rc = c->db->ops->begin(c);
	return rc;
}

int db_commit(db_conn_t *c)
{
	if (!c)
		return ERR_UNAVAILABLE;
	const db_ops_t *ops = c->db->ops;
	if (!ops->in_tx(c))
		return db_fail(c, ERR_DB, "commit without an open transaction");
	if (fault_check(c, "COMMIT")) {
		ops->rollback(c); /* a failed commit leaves nothing behind */
		c->tx_aborted = false;
		touch_done(c, false);
		return ERR_DB;
	}
	if (c->tx_aborted) {
		char why[DB_ERRMSG_MAX];
		snprintf(why, sizeof why, "%s", c->errmsg);
		ops->rollback(c);
		c->tx_aborted = false;
		touch_done(c, false);
		return db_fail(c, ERR_DB, "transaction rolled back after an earlier error: %s", why);
	}
	int rc = ops->commit(c);
	if (rc)
		note_failure(c);
	touch_done(c, rc == 0);
	return rc;
}

int db_rollback(db_conn_t *c)
{
	if (!c)
		return ERR_UNAVAILABLE;
	c->tx_aborted = false;
	touch_done(c, false);
	if (!c->db->ops->in_tx(c))
		return 0;
	return c->db->ops->rollback(c);
}

static int check_params(db_conn_t *c, const char *sql, const db_param_t *p, int n)
{
	if (!sql || n < 0 || (n > 0 && !p))
		return db_fail(c, ERR_DB, "bad statement arguments");
	return 0;
}

/* What every statement passes first: a connection, sound arguments, a live transaction (when
 * one is open), no injected fault. */
static int statement_ok(db_conn_t *c, const char *sql, const db_param_t *p, int n)
{
	if (!c)
		return ERR_UNAVAILABLE;
	int rc = check_params(c, sql, p, n);
	if (!rc)
		rc = check_usable(c);
	if (!rc)
		rc = fault_check(c, sql);
	return rc;
}

int64_t db_exec(db_conn_t *c, const char *sql, const db_param_t *p, int n)
{
	int rc = statement_ok(c, sql, p, n);
	if (rc) {
		if (c && !c->db->ops->in_tx(c))
			touch_done(c, false);
		return rc;
	}
	int64_t r = c->db->ops->exec(c, sql, p, n);
	if (r < 0)
		note_failure(c);
	if (!c->db->ops->in_tx(c))
		touch_done(c, r >= 0);
	return r;
}

int db_exec_any(db_conn_t *c, const char *sql, const db_param_t *p, int n)
{
	int64_t r = db_exec(c, sql, p, n);
	return r < 0 ? (int)r : r > 0;
}

int db_exec_one(db_conn_t *c, const char *sql, const db_param_t *p, int n)
{
	int rc = db_exec_any(c, sql, p, n);
	return rc == 0 ? ERR_NOT_FOUND : rc < 0 ? rc : 0;
}

int db_query(db_conn_t *c, const char *sql, const db_param_t *p, int n, db_res_t **out)
{
	*out = NULL;
	int rc = statement_ok(c, sql, p, n);
	if (rc)
		return rc;
	rc = c->db->ops->query(c, sql, p, n, out);
	if (rc < 0)
		note_failure(c);
	return rc;
}

int db_exec_script(db_conn_t *c, const char *sql)
{
	if (!c)
		return ERR_UNAVAILABLE;
	int rc = check_usable(c);
	if (!rc)
		rc = fault_check(c, sql);
	if (rc)
		return rc;
	rc = c->db->ops->script(c, sql);
	if (rc < 0)
		note_failure(c);
	return rc;
}

int db_res_next(db_res_t *r)
{
	if (!r)
		return 0;
	int rc = r->ops->res_next(r);
	if (rc < 0)
		note_failure(r->conn);
	return rc;
}

int db_res_ncols(const db_res_t *r)
{
	return r ? r->ops->res_ncols(r) : 0;
}

static bool col_ok(const db_res_t *r, int col)
{
	return r && col >= 0 && col < r->ops->res_ncols(r);
}

bool db_res_null(const db_res_t *r, int col)
{
	return col_ok(r, col) ? r->ops->res_null(r, col) : true;
}

int64_t db_res_int(const db_res_t *r, int col)
{
	return col_ok(r, col) ? r->ops->res_int(r, col) : 0;
}

double db_res_real(const db_res_t *r, int col)
{
	return col_ok(r, col) ? r->ops->res_real(r, col) : 0.0;
}

const char *db_res_text(const db_res_t *r, int col)
{
	return col_ok(r, col) ? r->ops->res_text(r, col) : "";
}

const void *db_res_blob(const db_res_t *r, int col, size_t *len)
{
	if (!col_ok(r, col)) {
		*len = 0;
		return NULL;
	}
	return r->ops->res_blob(r, col, len);
}

void db_res_free(db_res_t *r)
{
	if (r)
		r->ops->res_free(r);
}

int db_query_int(db_conn_t *c, const char *sql, const db_param_t *p, int n, int64_t *out)
{
	return db_query_ints(c, sql, p, n, out, 1);
}

/* ---- row readers ---- */

/* Calls fn for each row (the first only when one); ERR_NOT_FOUND when one finds none. */
static int walk(db_conn_t *c, const char *sql, const db_param_t *p, int n, db_row_fn fn, void *ud, bool one)
{
	db_res_t *r;
	int rc = db_query(c, sql, p, n, &r);
	if (rc)
		return rc;
	bool seen = false;
	while ((rc = db_res_next(r)) == 1) {
		seen = true;
		if ((rc = fn(r, ud)) != 0 || one)
			break;
	}
	db_res_free(r);
	return rc ? rc : one && !seen ? ERR_NOT_FOUND : 0;
}

int db_query_each(db_conn_t *c, const char *sql, const db_param_t *p, int n, db_row_fn fn, void *ud)
{
	return walk(c, sql, p, n, fn, ud, false);
}

int db_query_one(db_conn_t *c, const char *sql, const db_param_t *p, int n, db_row_fn fn, void *ud)
{
	return walk(c, sql, p, n, fn, ud, true);
}

typedef struct {
	int64_t *out;
	int ncols;
} ints_t;

static int read_ints(db_res_t *r, void *ud)
{
	ints_t *x = ud;
	for (int i = 0; i < x->ncols; i++)
		x->out[i] = db_res_int(r, i);
	return 0;
}

int db_query_ints(db_conn_t *c, const char *sql, const db_param_t *p, int n, int64_t *out, int ncols)
{
	return db_query_one(c, sql, p, n, read_ints, &(ints_t){out, ncols});
}

typedef struct {
	arena_t *a;
	size_t size, n, cap;
	void *items;
	db_fill_fn fill;
} rows_t;

static int collect_row(db_res_t *r, void *ud)
{
	rows_t *x = ud;
	x->items = arena_grow(x->a, x->items, x->n, &x->cap, x->size);
	void *item = (char *)x->items + x->n++ * x->size;
	memset(item, 0, x->size);
	x->fill(r, item, x->a);
	return 0;
}

int db_query_rows(db_conn_t *c, arena_t *a, const char *sql, const db_param_t *p, int n, size_t size, db_fill_fn fill,
		  void **out, size_t *count)
{
	rows_t x = {a, size, 0, 0, NULL, fill};
	int rc = db_query_each(c, sql, p, n, collect_row, &x);
	if (rc)
		return rc;
	*out = x.items;
	*count = x.n;
	return 0;
}

typedef struct {
	arena_t *a;
	void *item;
	db_fill_fn fill;
} item_t;

static int fill_item(db_res_t *r, void *ud)
{
	item_t *x = ud;
	x->fill(r, x->item, x->a);
	return 0;
}

int db_query_item(db_conn_t *c, arena_t *a, const char *sql, const db_param_t *p, int n, db_fill_fn fill, void *item)
{
	item_t x = {a, item, fill};
	return db_query_one(c, sql, p, n, fill_item, &x);
}

void db_fill_int(db_res_t *r, void *item, arena_t *a)
{
	*(int64_t *)item = db_res_int(r, 0);
}

static void str_fill(db_res_t *r, void *item, arena_t *a)
{
	*(const char **)item = arena_strdup(a, db_res_text(r, 0));
}

int db_query_str(db_conn_t *c, arena_t *a, const char *sql, const db_param_t *p, int n, const char **out)
{
	return db_query_item(c, a, sql, p, n, str_fill, out);
}

const char *db_res_astr(db_res_t *r, int col, arena_t *a)
{
	return arena_strdup(a, db_res_text(r, col));
}

const char *db_res_anull(db_res_t *r, int col, arena_t *a)
{
	return db_res_null(r, col) ? NULL : arena_strdup(a, db_res_text(r, col));
}

int db_notify(db_conn_t *c, const char *channel, const char *payload)
{
	if (!c)
		return ERR_UNAVAILABLE;
	int rc = check_usable(c);
	if (!rc)
		rc = fault_check(c, channel);
	if (rc)
		return rc;
	rc = c->db->ops->notify(c, channel, payload ? payload : "");
	if (rc < 0)
		note_failure(c);
	return rc;
}

int db_listen(db_t *db, const char *channel, db_notify_fn cb, void *ud)
{
	if (!channel || !*channel || !cb)
		return ERR_INVALID;
	return db->ops->listen(db, channel, cb, ud);
}

int db_reset(db_t *db, char *err, size_t errlen)
{
	db_conn_t *c = db_acquire(db);
	if (!c) {
		snprintf(err, errlen, "cannot reach the database");
		return ERR_UNAVAILABLE;
	}
	int rc = db->ops->reset(c);
	if (rc)
		snprintf(err, errlen, "reset: %s", c->errmsg);
	atomic_fetch_add(&db->generation, 1);
	db_release(c);
	return rc;
}
