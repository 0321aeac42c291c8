/* store.c — every SQL statement of the requests capability (see internal.h). */
#include "requests/internal.h"

#include "base/err.h"

#include <string.h>

#define OPEN_STATUSES "('new', 'assigned', 'waiting')"
#define OVERDUE "status IN ('new', 'assigned') AND due_at < $1"

static db_param_t opt_min(int v)
{
	return v >= 0 ? DB_INT(v) : DB_NULLP;
}

int rq_store_insert(db_conn_t *c, const rq_row_t *r, int64_t *id)
{
	db_param_t p[] = {DB_TEXT(r->code),        DB_TEXT(r->token_hash), DB_TEXT(r->topic),
			  DB_OPT(r->procedure_id), DB_TEXT(r->text),       DB_TEXT(r->name),
			  DB_TEXT(r->email),       DB_TEXT(r->phone),      DB_TEXT(r->answer_by),
			  opt_min(r->call_from),   opt_min(r->call_to),    DB_TEXT(r->lang),
			  DB_OPT(r->person_id),    DB_TEXT(r->source),     DB_TEXT(r->recorded_by),
			  DB_TEXT(r->chat_ref),    DB_INT(r->due_at),      DB_INT(r->now)};
	return db_query_int(c,
			    "INSERT INTO requests (code, token_hash, topic, procedure_id, text, name, email, phone, "
			    "answer_by, call_from, call_to, lang, person_id, source, recorded_by, chat_ref, due_at, "
			    "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
			    "$14, "
			    "$15, $16, $17, $18, $18) RETURNING id",
			    p, 18, id);
}

#define RQ_COLS                                                                                                        \
	"r.id, r.code, r.topic, r.procedure_id, r.text, r.name, r.email, r.phone, r.answer_by, r.call_from, "          \
	"r.call_to, r.lang, r.status, r.person_id, r.assignee_id, r.source, r.recorded_by, r.chat_ref, r.due_at, "     \
	"r.escalated_at, r.created_at, r.updated_at, r.answered_at, r.closed_at, r.token_hash FROM requests r"

static void rq_row(db_res_t *r, void *item, arena_t *a)
{
	rq_t *x = item;
	x->id = db_res_int(r, 0);
	x->code = db_res_astr(r, 1, a);
	x->topic = db_res_astr(r, 2, a);
	x->procedure_id = db_res_int(r, 3);
	x->text = db_res_astr(r, 4, a);
	x->name = db_res_astr(r, 5, a);
	x->email = db_res_astr(r, 6, a);
	x->phone = db_res_astr(r, 7, a);
	x->answer_by = db_res_astr(r, 8, a);
	x->call_from = db_res_null(r, 9) ? -1 : (int)db_res_int(r, 9);
	x->call_to = db_res_null(r, 10) ? -1 : (int)db_res_int(r, 10);
	x->lang = db_res_astr(r, 11, a);
	x->status = db_res_astr(r, 12, a);
	x->person_id = db_res_int(r, 13);
	x->assignee_id = db_res_int(r, 14);
	x->assignee = "";
	x->source = db_res_astr(r, 15, a);
	x->recorded_by = db_res_astr(r, 16, a);
	x->chat_ref = db_res_astr(r, 17, a);
	x->due_at = db_res_int(r, 18);
	x->escalated_at = db_res_int(r, 19);
	x->created_at = db_res_int(r, 20);
	x->updated_at = db_res_int(r, 21);
	x->answered_at = db_res_int(r, 22);
	x->closed_at = db_res_int(r, 23);
}

typedef struct {
	arena_t *a;
	rq_t *out;
	char *hash;
} one_t;

static int one_row(db_res_t *r, void *ud)
{
	one_t *x = ud;
	rq_row(r, x->out, x->a);
	if (x->hash)
		db_res_copy(r, 24, x->hash, 65);
	return 0;
}

int rq_store_by_code(db_conn_t *c, arena_t *a, const char *code, rq_t *out, char token_hash[65])
{
	db_param_t p[] = {DB_TEXT(code)};
	return db_query_one(c, "SELECT " RQ_COLS " WHERE r.code = $1", p, 1, one_row, &(one_t){a, out, token_hash});
}

int rq_store_event_add(db_conn_t *c, int64_t request_id, const rq_event_t *e)
{
	db_param_t p[] = {DB_INT(request_id),
			  DB_INT(e->at),
			  DB_TEXT(e->kind),
			  DB_TEXT(e->actor),
			  DB_TEXT(e->from_status ? e->from_status : ""),
			  DB_TEXT(e->to_status ? e->to_status : ""),
			  DB_TEXT(e->channel ? e->channel : ""),
			  DB_TEXT(e->text ? e->text : ""),
			  DB_INT(e->public ? 1 : 0)};
	int64_t n = db_exec(c,
			    "INSERT INTO request_events (request_id, at, kind, actor, from_status, to_status, channel, "
			    "text, public) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
			    p, 9);
	return n < 0 ? (int)n : 0;
}

static void event_row(db_res_t *r, void *item, arena_t *a)
{
	rq_event_t *x = item;
	x->id = db_res_int(r, 0);
	x->at = db_res_int(r, 1);
	x->kind = db_res_astr(r, 2, a);
	x->actor = db_res_astr(r, 3, a);
	x->from_status = db_res_astr(r, 4, a);
	x->to_status = db_res_astr(r, 5, a);
	x->channel = db_res_astr(r, 6, a);
	x->text = db_res_astr(r, 7, a);
	x->public = db_res_int(r, 8) != 0;
}

int rq_store_events(db_conn_t *c, arena_t *a, int64_t request_id, bool public_only, rq_event_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(request_id), DB_INT(public_only ? 1 : 0)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT id, at, kind, actor, from_status, to_status, channel, text, public FROM "
			     "request_events WHERE request_id = $1 AND (public = 1 OR $2 = 0) ORDER BY id",
			     p, 2, event_row, out, n);
}

int rq_store_list(db_conn_t *c, arena_t *a, const char *status, int64_t assignee, bool overdue_only, int64_t now,
		  rq_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(now), DB_TEXT(status ? status : ""), DB_INT(assignee), DB_INT(overdue_only ? 1 : 0)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT " RQ_COLS " WHERE ((($2 = '' AND r.status IN " OPEN_STATUSES ") OR $2 = 'all' "
			     "OR r.status = $2) AND (CAST($3 AS BIGINT) = 0 OR r.assignee_id = $3) AND ($4 = 0 OR "
			     "(r.status IN ('new', 'assigned') AND r.due_at < $1))) ORDER BY r.due_at, r.id LIMIT 500",
			     p, 4, rq_row, out, n);
}

int rq_store_status(db_conn_t *c, int64_t id, const char *from, const char *to, int64_t now)
{
	db_param_t p[] = {DB_INT(id), DB_TEXT(from), DB_TEXT(to), DB_INT(now)};
	return db_exec_any(c,
			   "UPDATE requests SET status = $3, updated_at = $4, "
			   "answered_at = CASE WHEN $3 = 'answered' THEN $4 ELSE answered_at END, "
			   "closed_at = CASE WHEN $3 = 'closed' THEN $4 ELSE NULL END "
			   "WHERE id = $1 AND status = $2",
			   p, 4);
}

int rq_store_assign(db_conn_t *c, int64_t id, int64_t user_id, int64_t now)
{
	db_param_t p[] = {DB_INT(id), DB_INT(user_id), DB_INT(now)};
	return db_exec_one(c, "UPDATE requests SET assignee_id = $2, updated_at = $3 WHERE id = $1", p, 3);
}

int rq_store_escalate(db_conn_t *c, arena_t *a, int64_t now, int64_t **ids, size_t *n)
{
	db_param_t p[] = {DB_INT(now)};
	int rc = DB_QUERY_ROWS(c, a,
			       "SELECT id FROM requests WHERE " OVERDUE " AND escalated_at IS NULL ORDER BY id "
			       "LIMIT 500",
			       p, 1, db_fill_int, ids, n);
	/* Another node's job may have escalated some since the SELECT: keep the ones this one did. */
	size_t kept = 0;
	for (size_t i = 0; !rc && i < *n; i++) {
		db_param_t q[] = {DB_INT((*ids)[i]), DB_INT(now)};
		rc = db_exec_any(c, "UPDATE requests SET escalated_at = $2 WHERE id = $1 AND escalated_at IS NULL", q,
				 2);
		if (rc == 1)
			(*ids)[kept++] = (*ids)[i];
		rc = rc < 0 ? rc : 0;
	}
	*n = kept;
	return rc;
}

int requests_overdue_count(db_conn_t *c, int64_t now, int64_t *n)
{
	db_param_t p[] = {DB_INT(now)};
	return db_query_int(c, "SELECT COUNT(*) FROM requests WHERE " OVERDUE, p, 1, n);
}

int rq_store_by_person(db_conn_t *c, arena_t *a, int64_t person_id, rq_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(person_id)};
	return DB_QUERY_ROWS(c, a, "SELECT " RQ_COLS " WHERE r.person_id = $1 ORDER BY r.created_at DESC LIMIT 500", p,
			     1, rq_row, out, n);
}

/* The personal fields of the requests a WHERE clause on requests (r) picks, and their history. */
#define BLANK_REQUESTS "UPDATE requests SET text = '', name = '', email = '', phone = '' WHERE "
#define BLANK_EVENTS "UPDATE request_events SET text = '' WHERE request_id IN (SELECT id FROM requests WHERE "

int rq_store_erase_person(db_conn_t *c, int64_t person_id)
{
	db_param_t p[] = {DB_INT(person_id)};
	int64_t n = db_exec(c, BLANK_EVENTS "person_id = $1)", p, 1);
	if (n >= 0)
		n = db_exec(c, BLANK_REQUESTS "person_id = $1", p, 1);
	return n < 0 ? (int)n : 0;
}

int rq_store_purge(db_conn_t *c, int64_t before, int64_t *n)
{
	db_param_t p[] = {DB_INT(before)};
	int64_t k = db_exec(c, BLANK_EVENTS "status = 'closed' AND closed_at < $1 AND name <> '')", p, 1);
	if (k >= 0)
		k = db_exec(c, BLANK_REQUESTS "status = 'closed' AND closed_at < $1 AND name <> ''", p, 1);
	if (k < 0)
		return (int)k;
	*n = k;
	return 0;
}
