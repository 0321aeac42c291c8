/* db_internal.h — what the core of src/db/ (db.c: the pool; db_exec.c: statements and
 * transactions; db_sql.c: statement cache and SQL text; migrate.c: migrations) shares with the two
 * backends (db_sqlite.c, db_pg.c). Nothing outside src/db/ (and tests/unit/test_db.c) includes
 * this file.
 *
 * The core owns the pool, the public entry points, transaction bookkeeping, error counting and
 * the migration runner; a backend only talks to its library through the db_ops_t table below. Every
 * backend function receives a connection that is lent to the calling thread, so backends need no
 * locking of their own (the pool hands one connection to one thread at a time). */
#ifndef FIN_DB_INTERNAL_H
#define FIN_DB_INTERNAL_H

#include "db/db.h"

/* Largest migration file. */
#define MIGRATION_MAX_BYTES (4u << 20)

#include <pthread.h>
#include <stdatomic.h>

#define DB_ERRMSG_MAX 512
#define DB_BUSY_TIMEOUT_MS 5000
/* Prepared statements kept per connection. SQL in store files is a fixed set of texts; the cap
 * only matters if someone builds SQL dynamically, and then extra statements run uncached. */
#define DB_STMT_BUCKETS 64
#define DB_STMT_MAX 1024

/* One cached prepared statement, keyed by the SQL text as the caller wrote it ($N form). */
typedef struct db_stmt {
	struct db_stmt *next;
	char *sql;    /* owned */
	void *handle; /* sqlite3_stmt *, or the PostgreSQL statement name (owned char *) */
	bool busy;    /* an open db_res_t is walking it (SQLite) */
} db_stmt_t;

typedef struct {
	db_stmt_t *buckets[DB_STMT_BUCKETS];
	int count;
} db_stmt_cache_t;

/* Borrowed entry or NULL. */
db_stmt_t *db_stmt_find(db_stmt_cache_t *sc, const char *sql);
/* Adds sql → handle (sql copied). NULL when the cache is full: the caller runs uncached. */
db_stmt_t *db_stmt_add(db_stmt_cache_t *sc, const char *sql, void *handle);
bool db_stmt_full(const db_stmt_cache_t *sc);
/* Empties the cache, calling drop(handle, ctx) for each entry. */
void db_stmt_clear(db_stmt_cache_t *sc, void (*drop)(void *handle, void *ctx), void *ctx);

struct db_listener; /* backend-defined (db_pg.c) */

typedef struct db_ops {
	/* Opens c->impl for c->db->target. 0, or an error with a message in err. */
	int (*connect)(db_conn_t *c, char *err, size_t errlen);
	void (*disconnect)(db_conn_t *c);
	/* Whether an open connection still works (a PostgreSQL link may have broken). */
	bool (*healthy)(db_conn_t *c);
	/* Called when a lent connection is not healthy: repairs the link (PostgreSQL). 0 or ERR_DB. */
	int (*heal)(db_conn_t *c);
	/* Drops cached statements after a schema change made through another connection. */
	void (*forget)(db_conn_t *c);
	bool (*in_tx)(db_conn_t *c);
	int (*begin)(db_conn_t *c);
	int (*commit)(db_conn_t *c);
	int (*rollback)(db_conn_t *c);
	int64_t (*exec)(db_conn_t *c, const char *sql, const db_param_t *p, int n);
	int (*query)(db_conn_t *c, const char *sql, const db_param_t *p, int n, db_res_t **out);
	int (*script)(db_conn_t *c, const char *sql);
	int (*res_next)(db_res_t *r);
	int (*res_ncols)(const db_res_t *r);
	bool (*res_null)(const db_res_t *r, int col);
	int64_t (*res_int)(const db_res_t *r, int col);
	double (*res_real)(const db_res_t *r, int col);
	const char *(*res_text)(const db_res_t *r, int col);
	const void *(*res_blob)(const db_res_t *r, int col, size_t *len);
	void (*res_free)(db_res_t *r);
	int (*notify)(db_conn_t *c, const char *channel, const char *payload);
	int (*listen)(db_t *db, const char *channel, db_notify_fn cb, void *ud);
	/* Stops whatever listen started (called by db_close). */
	void (*stop_listeners)(db_t *db);
	/* Serialises migration runs between processes (PostgreSQL advisory lock). */
	int (*migrate_lock)(db_conn_t *c, bool lock);
	/* Drops every table (db_reset). */
	int (*reset)(db_conn_t *c);
} db_ops_t;

struct db {
	db_kind_t kind;
	const db_ops_t *ops;
	char *target; /* SQLite path or PostgreSQL URL; owned */
	int pool_size;
	int nopen;         /* slots used in conns (opened or being opened) */
	db_conn_t **conns; /* pool_size slots */
	db_conn_t *free;   /* idle connections, LIFO so hot ones are reused */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	atomic_uint_least64_t errors;
	/* Bumped after migrations and db_reset: connections compare it on loan and drop their
	 * statement caches, since PostgreSQL refuses cached plans whose result shape changed. */
	atomic_uint generation;
	struct db_listener *listeners; /* owned by the backend */
	/* Reconnect back-off (db_acquire): after a failed connect or repair, nobody tries again
	 * before retry_at (monotonic ms), and then one thread at a time; the wait doubles up to
	 * DB_BACKOFF_MAX_MS and is forgotten after a success. */
	atomic_int_least64_t retry_at;
	int64_t backoff_ms; /* under mu */
	/* /healthz's write check, cached (db_write_check). */
	atomic_int_least64_t write_checked_at;
	atomic_int write_check_rc;
	/* SQLite: this process's writing transactions queue here (db_sqlite.c, sq_begin). */
	pthread_mutex_t writer;
	void (*on_touch)(void *ud); /* db_on_touch */
	void *on_touch_ud;
	void *backend; /* the backend's state for the whole database (db_sqlite.c: its checkpointer) */
};

#define DB_WRITE_CHECK_MS 1000
#define DB_BACKOFF_MIN_MS 250
#define DB_BACKOFF_MAX_MS 30000

struct db_conn {
	db_t *db;
	db_conn_t *next_free;
	void *impl; /* backend connection; NULL until opened */
	bool lent;
	pthread_t owner;
	unsigned generation;
	/* A statement failed inside the open transaction: everything until rollback fails, on
	 * SQLite as on PostgreSQL, so code tested on one backend behaves the same on the other. */
	bool tx_aborted;
	bool touched; /* db_touch: run db->on_touch after the commit */
	char errmsg[DB_ERRMSG_MAX];
};

/* Every backend result starts with this header so db_exec.c can dispatch. */
struct db_res {
	const db_ops_t *ops;
	db_conn_t *conn;
};

/* Records a failure on c (message kept for db_errmsg; counted unless it is ERR_CONFLICT) and
 * returns code. */
int db_fail(db_conn_t *c, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The SQL with $N placeholders turned into ?N outside string literals, quoted identifiers and
 * comments. New string, same length. */
char *db_sql_to_sqlite(const char *sql);

/* Keeps only the lines of a migration meant for kind (see db_migrate). The marker lines and the
 * other backend's lines become empty lines, so database line numbers still match the file.
 * 0 and *out (new), or ERR_INVALID with "line N: why" in err. */
int db_filter_regions(const char *src, db_kind_t kind, char **out, char *err, size_t errlen);

extern const db_ops_t db_sqlite_ops;
extern const db_ops_t db_pg_ops;

#endif
