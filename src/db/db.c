/* db.c — URL dispatch, the connection pool (lending, health, reconnect back-off, the write
 * check) and db_reset. Statements and transactions are db_exec.c, the row readers db_rows.c,
 * the statement cache and SQL text helpers db_sql.c, the migration runner migrate.c. The
 * backends (db_sqlite.c, db_pg.c) sit behind db_ops_t; see db_internal.h. */
#include "db/db_internal.h"

#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
