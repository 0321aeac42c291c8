/* db_exec.c — statements and transactions over the backend of a connection: the checks every
 * statement passes first (sound arguments, a live transaction, the injected fault of the test
 * suite), begin/commit/rollback with the touch hook, results, and NOTIFY/LISTEN. */
#include "db/db_internal.h"

#include "base/err.h"
#include "base/log.h"

#include <stdio.h>

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
