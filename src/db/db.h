/* db.h — one storage interface over SQLite and PostgreSQL.
 *
 * Ownership: db_open returns a new db_t (db_close frees it). Connections come from a pool owned by
 * the db_t: db_acquire lends one, db_release gives it back (rolling back any open transaction).
 * A db_res_t is new, owned by the caller, freed with db_res_free; the strings it returns are
 * borrowed and valid until the next db_res_next or db_res_free. Parameters are borrowed for the
 * duration of the call.
 *
 * SQL: one dialect for both backends, with $1..$N placeholders (rewritten to ?N for SQLite), and
 * only the portable subset: INTEGER/BIGINT, TEXT, REAL, booleans as 0/1 integers, times as Unix
 * seconds (BIGINT), `RETURNING`, `ON CONFLICT`. Statements are prepared once per connection and
 * cached by their SQL text.
 *
 * Errors: negative codes from base/err.h — ERR_CONFLICT for a unique/foreign key violation,
 * ERR_BUSY when the database stayed locked past the busy timeout, ERR_DB otherwise. The last
 * error message of a connection is kept for logging (db_errmsg). */
#ifndef FIN_DB_H
#define FIN_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct db db_t;
typedef struct db_conn db_conn_t;
typedef struct db_res db_res_t;

typedef enum { DB_SQLITE, DB_POSTGRES } db_kind_t;

typedef enum { DBP_NULL, DBP_INT, DBP_TEXT, DBP_REAL, DBP_BLOB } db_ptype_t;
typedef struct {
	db_ptype_t type;
	int64_t i;
	double d;
	const char *s; /* TEXT (NUL-terminated) or BLOB */
	size_t len;    /* BLOB length */
} db_param_t;

#define DB_INT(x) ((db_param_t){.type = DBP_INT, .i = (int64_t)(x)})
/* The NULL test goes through a function so DB_TEXT(char_array) does not trip GCC's -Waddress. */
static inline db_ptype_t db_text_type_(const char *s)
{
	return s ? DBP_TEXT : DBP_NULL;
}
#define DB_TEXT(x) ((db_param_t){.type = db_text_type_(x), .s = (x)})
#define DB_REAL(x) ((db_param_t){.type = DBP_REAL, .d = (x)})
#define DB_BLOB(p, n) ((db_param_t){.type = DBP_BLOB, .s = (const char *)(p), .len = (n)})
#define DB_NULLP ((db_param_t){.type = DBP_NULL})
/* An optional integer, such as a reference to a row that may be absent: NULL for 0. */
static inline db_param_t db_opt_(int64_t v)
{
	return v ? DB_INT(v) : DB_NULLP;
}
#define DB_OPT(x) db_opt_(x)

/* url: "sqlite:PATH" (file created if missing; "sqlite::memory:" for tests) or
 * "postgresql://..." / "postgres://...". pool_size connections are opened lazily (the first one
 * at once, so a bad path or an unreachable server fails here). "sqlite::memory:" is a private
 * database inside one connection, so its pool size is always 1.
 * On failure returns NULL and writes a message into err. */
db_t *db_open(const char *url, int pool_size, char *err, size_t errlen);
void db_close(db_t *db);
db_kind_t db_kind(const db_t *db);
/* True when a trivial query succeeds now (used by /healthz). */
bool db_ping(db_t *db);
/* Whether c's link to the database still works (false once a PostgreSQL connection broke): a
 * loop of work on c stops there rather than failing, and logging, once per item. */
bool db_conn_usable(db_conn_t *c);
/* Whether the database takes a committed write now (used by /healthz): a disk that is full or a
 * database that is read-only answers queries but loses every change. One small write to the
 * db_health table (created by db_migrate), at most once a second: a call within a second of the
 * last probe returns that probe's answer. 0, or the error of the write. */
int db_write_check(db_t *db);
/* Count of storage errors since start (for /metrics). */
uint64_t db_error_count(const db_t *db);

/* Blocks until a connection is free. NULL when the database cannot be reached, or (logged as an
 * error) when the calling thread already holds every connection of the pool and would wait
 * forever. A failed connect or repair starts a back-off (250 ms, doubling up to 30 s): until it
 * ends, db_acquire returns NULL at once for a connection that would need one, instead of every
 * request waiting for the connect timeout of a server that is down. Failures are logged at most
 * once every 10 s. */
db_conn_t *db_acquire(db_t *db);
void db_release(db_conn_t *c);
const char *db_errmsg(const db_conn_t *c);

/* Transactions behave as on PostgreSQL on both backends: after a statement fails inside one,
 * every further statement fails (ERR_DB) until db_rollback, and db_commit rolls back and returns
 * ERR_DB. db_begin inside a transaction and db_commit outside one are ERR_DB; db_rollback
 * outside one is a no-op returning 0. */
int db_begin(db_conn_t *c); /* BEGIN IMMEDIATE on SQLite: writers serialize at the start */
int db_commit(db_conn_t *c);
int db_rollback(db_conn_t *c);
/* Marks the open transaction (outside one: the next db_exec) as one that changes what the hook
 * of db_on_touch watches (the free seats of slots): the hook runs on this thread once it has
 * committed, never after a rollback or a failed statement. Stores call it beside such writes. */
void db_touch(db_conn_t *c);
/* The hook for db_touch (one per database; NULL removes it). Set it before the server starts;
 * it must be quick and must not use the connection. */
void db_on_touch(db_t *db, void (*fn)(void *ud), void *ud);

/* Runs a statement; returns the number of rows changed (>= 0) or an error. */
int64_t db_exec(db_conn_t *c, const char *sql, const db_param_t *p, int n);
/* db_exec for a change that must find its row: 1 when it changed some, 0 when none, or an error;
 * db_exec_one: 0 when it changed some, ERR_NOT_FOUND when none, or an error. */
int db_exec_any(db_conn_t *c, const char *sql, const db_param_t *p, int n);
int db_exec_one(db_conn_t *c, const char *sql, const db_param_t *p, int n);
/* Runs a query; on success *out is a result to walk with db_res_next. */
int db_query(db_conn_t *c, const char *sql, const db_param_t *p, int n, db_res_t **out);
/* 1 when positioned on a row, 0 at the end, or an error. */
int db_res_next(db_res_t *r);
int db_res_ncols(const db_res_t *r);
bool db_res_null(const db_res_t *r, int col);
int64_t db_res_int(const db_res_t *r, int col); /* 0 for NULL */
double db_res_real(const db_res_t *r, int col);
const char *db_res_text(const db_res_t *r, int col); /* "" for NULL */
const void *db_res_blob(const db_res_t *r, int col, size_t *len);
void db_res_free(db_res_t *r);

/* Convenience: the first column of the first row as an integer (ERR_NOT_FOUND when no row). */
int db_query_int(db_conn_t *c, const char *sql, const db_param_t *p, int n, int64_t *out);
/* The first ncols columns of the first row as integers into out[0..ncols) (ERR_NOT_FOUND when no
 * row). */
int db_query_ints(db_conn_t *c, const char *sql, const db_param_t *p, int n, int64_t *out, int ncols);

/* Reading rows without writing the loop. A row reader gets the result positioned on a row and
 * its own ud; it returns 0, or an error that stops the walk and is returned. */
typedef int (*db_row_fn)(db_res_t *r, void *ud);
/* Calls fn for each row of the query, in order. 0, or the query's or fn's first error. */
int db_query_each(db_conn_t *c, const char *sql, const db_param_t *p, int n, db_row_fn fn, void *ud);
/* Calls fn for the first row only; ERR_NOT_FOUND when there is none. */
int db_query_one(db_conn_t *c, const char *sql, const db_param_t *p, int n, db_row_fn fn, void *ud);

/* Each row as a new item of an array in arena a: fill(r, item, a) fills one zeroed item of size
 * bytes. *out and *count get the array (NULL and 0 when no rows; untouched on error). Use
 * DB_QUERY_ROWS, which takes the item size and type from out. */
struct arena;
typedef void (*db_fill_fn)(db_res_t *r, void *item, struct arena *a);
int db_query_rows(db_conn_t *c, struct arena *a, const char *sql, const db_param_t *p, int n, size_t size,
		  db_fill_fn fill, void **out, size_t *count);
#define DB_QUERY_ROWS(c, a, sql, p, n, fill, out, count)                                                               \
	db_query_rows((c), (a), (sql), (p), (n), sizeof **(out), (fill), (void **)(out), (count))
/* A db_fill_fn for a list of ids: column 0 as an int64_t item. */
void db_fill_int(db_res_t *r, void *item, struct arena *a);
/* The first row into item with fill (which zeroes what it does not set); ERR_NOT_FOUND when there
 * is none. */
int db_query_item(db_conn_t *c, struct arena *a, const char *sql, const db_param_t *p, int n, db_fill_fn fill,
		  void *item);
/* The first column of the first row as a string in arena a (ERR_NOT_FOUND when no row). */
int db_query_str(db_conn_t *c, struct arena *a, const char *sql, const db_param_t *p, int n, const char **out);
/* Column col as a string in arena a: "" for NULL (db_res_astr), or NULL for NULL (db_res_anull). */
const char *db_res_astr(db_res_t *r, int col, struct arena *a);
const char *db_res_anull(db_res_t *r, int col, struct arena *a);
/* Column col into dst (size > 0 bytes): NUL-terminated, cut to size - 1 bytes, "" for NULL. */
void db_res_copy(const db_res_t *r, int col, char *dst, size_t size);

/* Runs several ;-separated statements without parameters (migrations). */
int db_exec_script(db_conn_t *c, const char *sql);

/* Applies the migrations in dir (files NNN_name.sql, in order) that have not run yet, each in a
 * transaction, recording them in schema_migrations as "PREFIX/NNN_name" (just "NNN_name" when
 * prefix is NULL or ""). A row "NNN_name" recorded before migrations moved into per-capability
 * folders counts as "PREFIX/NNN_name" (the row is renamed). Text between "-- sqlite:" /
 * "-- postgresql:" and "-- end" applies to that backend only. Returns the number applied, or an
 * error with a message in err. */
int db_migrate(db_t *db, const char *dir, const char *prefix, char *err, size_t errlen);

/* Cross-node notifications (PostgreSQL LISTEN/NOTIFY). db_notify sends payload on channel (on
 * SQLite it is a no-op returning 0: one node only). db_listen starts a thread holding its own
 * connection that calls cb for each notification on channel, reconnecting when the link drops;
 * returns 0, or ERR_UNAVAILABLE on SQLite. The thread stops in db_close. */
typedef void (*db_notify_fn)(void *ud, const char *channel, const char *payload);
int db_notify(db_conn_t *c, const char *channel, const char *payload);
int db_listen(db_t *db, const char *channel, db_notify_fn cb, void *ud);

/* Fault injection, for the test suite (server.fault_injection): db_fault_arm(n) makes the n-th
 * database call of this thread fail with ERR_DB as a lost connection would (n = 0 fails none and
 * only counts). Calls are db_begin, db_commit, db_exec, db_query (db_query_int), db_exec_script
 * and db_notify; db_rollback and db_release never fail, so that every failure can be cleaned up.
 * db_fault_disarm stops counting and says how many calls were made and whether one failed. */
void db_fault_arm(int64_t n);
bool db_fault_disarm(int64_t *calls);

/* Drops every table (and view) of the database: on SQLite all of sqlite_master but sqlite_*, on
 * PostgreSQL DROP SCHEMA public CASCADE + CREATE SCHEMA public. Used by `finestreta demo` to start
 * from scratch; run db_migrate afterwards. 0, or an error with a message in err. */
int db_reset(db_t *db, char *err, size_t errlen);

#endif
