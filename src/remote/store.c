/* store.c — every SQL statement of the remote attention (internal.h). One dialect for SQLite and
 * PostgreSQL (db/db.h). */
#include "remote/internal.h"

#include "base/err.h"
#include "base/str.h"

#include <string.h>

/* ---------------------------------------------------------------- cases */

#define CASE_COLS                                                                                                      \
	"appointment_id, informer_id, informer, assigned_by, assigned_at, verified_at, verified_by, citizen_seen_at, " \
	"phone_requested_at, rebook_sent_at, outcome_at, outcome_by, procedures, done_how, notes"

static void case_fill(db_res_t *r, void *item, arena_t *a)
{
	rm_case_t *x = item;
	x->appointment_id = db_res_int(r, 0);
	x->informer_id = db_res_int(r, 1);
	x->informer = db_res_astr(r, 2, a);
	x->assigned_by = db_res_astr(r, 3, a);
	x->assigned_at = db_res_int(r, 4);
	x->verified_at = db_res_int(r, 5);
	x->verified_by = db_res_astr(r, 6, a);
	x->citizen_seen_at = db_res_int(r, 7);
	x->phone_requested_at = db_res_int(r, 8);
	x->rebook_sent_at = db_res_int(r, 9);
	x->outcome_at = db_res_int(r, 10);
	x->outcome_by = db_res_astr(r, 11, a);
	x->procedures = db_res_astr(r, 12, a);
	x->done_how = db_res_astr(r, 13, a);
	x->notes = db_res_astr(r, 14, a);
}

int rm_store_case(db_conn_t *c, arena_t *a, int64_t appt, rm_case_t *out)
{
	db_param_t p[] = {DB_INT(appt)};
	int rc = db_query_item(c, a, "SELECT " CASE_COLS " FROM remote_cases WHERE appointment_id = $1", p, 1,
			       case_fill, out);
	if (rc == ERR_NOT_FOUND) {
		memset(out, 0, sizeof *out);
		out->appointment_id = appt;
		out->informer = out->assigned_by = out->verified_by = out->outcome_by = "";
		out->procedures = out->done_how = out->notes = "";
		rc = 0;
	}
	return rc;
}

int rm_store_case_touch(db_conn_t *c, int64_t appt, int64_t now)
{
	db_param_t p[] = {DB_INT(appt), DB_INT(now)};
	int64_t n = db_exec(c,
			    "INSERT INTO remote_cases (appointment_id, updated_at) VALUES ($1, $2) "
			    "ON CONFLICT (appointment_id) DO UPDATE SET updated_at = excluded.updated_at",
			    p, 2);
	return n < 0 ? (int)n : 0;
}

int rm_store_assign(db_conn_t *c, int64_t appt, int64_t informer_id, const char *informer, const char *by, int64_t now)
{
	int rc = rm_store_case_touch(c, appt, now);
	if (rc)
		return rc;
	db_param_t p[] = {DB_INT(appt), DB_OPT(informer_id), DB_TEXT(informer), DB_TEXT(by), DB_INT(now)};
	return db_exec_one(c,
			   "UPDATE remote_cases SET informer_id = $2, informer = $3, assigned_by = $4, assigned_at = "
			   "$5, "
			   "updated_at = $5 WHERE appointment_id = $1",
			   p, 5);
}

int rm_store_verified(db_conn_t *c, int64_t appt, const char *by, int64_t now)
{
	int rc = rm_store_case_touch(c, appt, now);
	if (rc)
		return rc;
	db_param_t p[] = {DB_INT(appt), DB_TEXT(by), DB_INT(now)};
	return db_exec_one(c,
			   "UPDATE remote_cases SET verified_at = COALESCE(verified_at, $3), "
			   "verified_by = CASE WHEN verified_at IS NULL THEN $2 ELSE verified_by END, updated_at = $3 "
			   "WHERE appointment_id = $1",
			   p, 3);
}

int rm_store_stamp(db_conn_t *c, int64_t appt, const char *column, int64_t now)
{
	/* The column comes from this fixed list, never from input. */
	const char *sql;
	if (str_eq(column, "citizen_seen_at"))
		sql = "UPDATE remote_cases SET citizen_seen_at = $2, updated_at = $2 WHERE appointment_id = $1";
	else if (str_eq(column, "phone_requested_at"))
		sql = "UPDATE remote_cases SET phone_requested_at = $2, updated_at = $2 WHERE appointment_id = $1";
	else if (str_eq(column, "rebook_sent_at"))
		sql = "UPDATE remote_cases SET rebook_sent_at = $2, updated_at = $2 WHERE appointment_id = $1";
	else
		return ERR_INVALID;
	int rc = rm_store_case_touch(c, appt, now);
	if (rc)
		return rc;
	db_param_t p[] = {DB_INT(appt), DB_INT(now)};
	return db_exec_one(c, sql, p, 2);
}

int rm_store_outcome(db_conn_t *c, int64_t appt, const char *by, const char *procedures, const char *how,
		     const char *notes, int64_t now)
{
	int rc = rm_store_case_touch(c, appt, now);
	if (rc)
		return rc;
	db_param_t p[] = {DB_INT(appt), DB_TEXT(by), DB_TEXT(procedures), DB_TEXT(how), DB_TEXT(notes), DB_INT(now)};
	return db_exec_one(c,
			   "UPDATE remote_cases SET outcome_at = $6, outcome_by = $2, procedures = $3, done_how = $4, "
			   "notes = $5, updated_at = $6 WHERE appointment_id = $1",
			   p, 6);
}

int remote_outcome(db_conn_t *c, arena_t *a, int64_t appointment_id, remote_outcome_t *out)
{
	rm_case_t k;
	int rc = rm_store_case(c, a, appointment_id, &k);
	if (rc)
		return rc;
	if (!k.outcome_at)
		return ERR_NOT_FOUND;
	*out = (remote_outcome_t){k.outcome_at, k.outcome_by, k.procedures, k.done_how, k.notes};
	return 0;
}

/* ---------------------------------------------------------------- attempts */

int rm_store_attempt_add(db_conn_t *c, int64_t appt, int64_t at, const char *actor, const char *outcome,
			 const char *note)
{
	db_param_t p[] = {DB_INT(appt), DB_INT(at), DB_TEXT(actor), DB_TEXT(outcome), DB_TEXT(note ? note : "")};
	int64_t n = db_exec(c,
			    "INSERT INTO remote_attempts (appointment_id, at, actor, outcome, note) "
			    "VALUES ($1, $2, $3, $4, $5)",
			    p, 5);
	return n < 0 ? (int)n : 0;
}

static void attempt_fill(db_res_t *r, void *item, arena_t *a)
{
	rm_attempt_t *x = item;
	x->id = db_res_int(r, 0);
	x->at = db_res_int(r, 1);
	x->actor = db_res_astr(r, 2, a);
	x->outcome = db_res_astr(r, 3, a);
	x->note = db_res_astr(r, 4, a);
}

int rm_store_attempts(db_conn_t *c, arena_t *a, int64_t appt, rm_attempt_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(appt)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT id, at, actor, outcome, note FROM remote_attempts WHERE appointment_id = $1 "
			     "ORDER BY id LIMIT 200",
			     p, 1, attempt_fill, out, n);
}

int rm_store_failed_attempts(db_conn_t *c, int64_t appt, int64_t *n)
{
	db_param_t p[] = {DB_INT(appt)};
	return db_query_int(c,
			    "SELECT COUNT(*) FROM remote_attempts WHERE appointment_id = $1 "
			    "AND outcome IN ('no_answer', 'wrong_number') AND id > COALESCE((SELECT MAX(id) FROM "
			    "remote_attempts WHERE appointment_id = $1 AND outcome IN ('attended', 'rescheduled')), 0)",
			    p, 1, n);
}

/* ---------------------------------------------------------------- signals */

int rm_store_signal_add(db_conn_t *c, int64_t appt, const char *to_side, const char *kind, const char *body,
			int64_t now, int64_t *id)
{
	db_param_t p[] = {DB_INT(appt), DB_TEXT(to_side), DB_TEXT(kind), DB_TEXT(body), DB_INT(now)};
	return db_query_int(c,
			    "INSERT INTO remote_signals (appointment_id, to_side, kind, body, created_at) "
			    "VALUES ($1, $2, $3, $4, $5) RETURNING id",
			    p, 5, id);
}

static void signal_fill(db_res_t *r, void *item, arena_t *a)
{
	rm_signal_t *x = item;
	x->id = db_res_int(r, 0);
	x->kind = db_res_astr(r, 1, a);
	x->body = db_res_astr(r, 2, a);
	x->created_at = db_res_int(r, 3);
}

int rm_store_signals(db_conn_t *c, arena_t *a, int64_t appt, const char *to_side, int64_t after, int limit,
		     rm_signal_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(appt), DB_TEXT(to_side), DB_INT(after), DB_INT(limit)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT id, kind, body, created_at FROM remote_signals WHERE appointment_id = $1 "
			     "AND to_side = $2 AND id > $3 ORDER BY id LIMIT $4",
			     p, 4, signal_fill, out, n);
}

int rm_store_signal_last(db_conn_t *c, int64_t appt, const char *to_side, int64_t *id)
{
	db_param_t p[] = {DB_INT(appt), DB_TEXT(to_side)};
	return db_query_int(c,
			    "SELECT COALESCE(MAX(id), 0) FROM remote_signals "
			    "WHERE appointment_id = $1 AND to_side = $2",
			    p, 2, id);
}

int rm_store_signal_count(db_conn_t *c, int64_t appt, int64_t *n)
{
	db_param_t p[] = {DB_INT(appt)};
	return db_query_int(c, "SELECT COUNT(*) FROM remote_signals WHERE appointment_id = $1", p, 1, n);
}

int rm_store_signals_purge(db_conn_t *c, int64_t before, int64_t *n)
{
	db_param_t p[] = {DB_INT(before)};
	int64_t r = db_exec(c, "DELETE FROM remote_signals WHERE created_at < $1", p, 1);
	if (r < 0)
		return (int)r;
	*n = r;
	return 0;
}

/* ---------------------------------------------------------------- documents */

#define DOC_COLS "id, appointment_id, origin, name, type, size, stored, key_id, uploaded_by, created_at"

static void doc_fill(db_res_t *r, void *item, arena_t *a)
{
	rm_doc_t *x = item;
	x->id = db_res_int(r, 0);
	x->appointment_id = db_res_int(r, 1);
	x->origin = db_res_astr(r, 2, a);
	x->name = db_res_astr(r, 3, a);
	x->type = db_res_astr(r, 4, a);
	x->size = db_res_int(r, 5);
	x->stored = db_res_astr(r, 6, a);
	x->key_id = (int)db_res_int(r, 7);
	x->uploaded_by = db_res_astr(r, 8, a);
	x->created_at = db_res_int(r, 9);
}

int rm_store_doc_add(db_conn_t *c, const rm_doc_t *d, int64_t *id)
{
	db_param_t p[] = {DB_INT(d->appointment_id), DB_TEXT(d->origin),      DB_TEXT(d->name),
			  DB_TEXT(d->type),          DB_INT(d->size),         DB_TEXT(d->stored),
			  DB_INT(d->key_id),         DB_TEXT(d->uploaded_by), DB_INT(d->created_at)};
	return db_query_int(c,
			    "INSERT INTO remote_documents (appointment_id, origin, name, type, size, stored, key_id, "
			    "uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
			    p, 9, id);
}

int rm_store_docs(db_conn_t *c, arena_t *a, int64_t appt, rm_doc_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(appt)};
	return DB_QUERY_ROWS(c, a, "SELECT " DOC_COLS " FROM remote_documents WHERE appointment_id = $1 ORDER BY id", p,
			     1, doc_fill, out, n);
}

int rm_store_doc(db_conn_t *c, arena_t *a, int64_t appt, int64_t id, rm_doc_t *out)
{
	db_param_t p[] = {DB_INT(appt), DB_INT(id)};
	return db_query_item(c, a, "SELECT " DOC_COLS " FROM remote_documents WHERE appointment_id = $1 AND id = $2", p,
			     2, doc_fill, out);
}

int rm_store_doc_count(db_conn_t *c, int64_t appt, int64_t *n)
{
	db_param_t p[] = {DB_INT(appt)};
	return db_query_int(c, "SELECT COUNT(*) FROM remote_documents WHERE appointment_id = $1", p, 1, n);
}

int rm_store_doc_delete(db_conn_t *c, int64_t id)
{
	db_param_t p[] = {DB_INT(id)};
	return db_exec_one(c, "DELETE FROM remote_documents WHERE id = $1", p, 1);
}

int rm_store_docs_all(db_conn_t *c, arena_t *a, int64_t after_id, int limit, rm_doc_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(after_id), DB_INT(limit)};
	return DB_QUERY_ROWS(c, a, "SELECT " DOC_COLS " FROM remote_documents WHERE id > $1 ORDER BY id LIMIT $2", p, 2,
			     doc_fill, out, n);
}

int rm_store_stored_known(db_conn_t *c, const char *stored, bool *known)
{
	db_param_t p[] = {DB_TEXT(stored)};
	int64_t n = 0;
	int rc = db_query_int(c, "SELECT COUNT(*) FROM remote_documents WHERE stored = $1", p, 1, &n);
	*known = n > 0;
	return rc;
}

int rm_store_doc_rekey(db_conn_t *c, int64_t id, const char *stored, int key_id)
{
	db_param_t p[] = {DB_INT(id), DB_TEXT(stored), DB_INT(key_id)};
	return db_exec_one(c, "UPDATE remote_documents SET stored = $2, key_id = $3 WHERE id = $1", p, 3);
}

/* ---------------------------------------------------------------- retention */

int rm_store_forget(db_conn_t *c, int64_t appt)
{
	db_param_t p[] = {DB_INT(appt)};
	int64_t n = db_exec(c, "DELETE FROM remote_attempts WHERE appointment_id = $1", p, 1);
	if (n >= 0)
		n = db_exec(c, "DELETE FROM remote_cases WHERE appointment_id = $1", p, 1);
	return n < 0 ? (int)n : 0;
}

int rm_store_case_ids(db_conn_t *c, arena_t *a, int64_t after_id, int limit, int64_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(after_id), DB_INT(limit)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT id FROM (SELECT appointment_id AS id FROM remote_cases UNION SELECT "
			     "appointment_id "
			     "FROM remote_attempts) x WHERE id > $1 ORDER BY id LIMIT $2",
			     p, 2, db_fill_int, out, n);
}
