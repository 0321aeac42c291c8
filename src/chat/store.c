/* store.c — every SQL statement of the chat capability (see internal.h). */
#include "chat/internal.h"

#include "base/err.h"
#include "base/str.h"

#include <string.h>

int ch_store_insert(db_conn_t *c, const ch_row_t *r, int64_t *id)
{
	db_param_t p[] = {DB_TEXT(r->token_hash), DB_INT(r->procedure_id), DB_INT(r->office_id), DB_TEXT(r->name),
			  DB_TEXT(r->email),      DB_TEXT(r->lang),        DB_OPT(r->person_id), DB_INT(r->transcript),
			  DB_TEXT(r->client),     DB_INT(r->now)};
	return db_query_int(c,
			    "INSERT INTO chats (token_hash, procedure_id, office_id, name, email, lang, person_id, "
			    "transcript, client, created_at, seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
			    "$10) RETURNING id",
			    p, 10, id);
}

#define CHAT_COLS                                                                                                      \
	"id, procedure_id, office_id, person_id, agent_id, status, name, email, lang, outcome, request_code, "         \
	"transcript, created_at, taken_at, closed_at, offered_at, seen_at, token_hash FROM chats"

static void chat_row(db_res_t *r, void *item, arena_t *a)
{
	ch_chat_t *x = item;
	x->id = db_res_int(r, 0);
	x->procedure_id = db_res_int(r, 1);
	x->office_id = db_res_int(r, 2);
	x->person_id = db_res_int(r, 3);
	x->agent_id = db_res_int(r, 4);
	x->status = db_res_astr(r, 5, a);
	x->name = db_res_astr(r, 6, a);
	x->email = db_res_astr(r, 7, a);
	x->lang = db_res_astr(r, 8, a);
	x->outcome = db_res_astr(r, 9, a);
	x->request_code = db_res_astr(r, 10, a);
	x->transcript = db_res_int(r, 11) != 0;
	x->created_at = db_res_int(r, 12);
	x->taken_at = db_res_int(r, 13);
	x->closed_at = db_res_int(r, 14);
	x->offered_at = db_res_int(r, 15);
	x->seen_at = db_res_int(r, 16);
}

typedef struct {
	arena_t *a;
	ch_chat_t *out;
	char *hash;
} one_t;

static int one_row(db_res_t *r, void *ud)
{
	one_t *x = ud;
	chat_row(r, x->out, x->a);
	if (x->hash)
		db_res_copy(r, 17, x->hash, 65);
	return 0;
}

int ch_store_get(db_conn_t *c, arena_t *a, int64_t id, ch_chat_t *out, char token_hash[65])
{
	db_param_t p[] = {DB_INT(id)};
	return db_query_one(c, "SELECT " CHAT_COLS " WHERE id = $1", p, 1, one_row, &(one_t){a, out, token_hash});
}

int ch_store_msg_add(db_conn_t *c, int64_t chat_id, const char *sender, int64_t user_id, const char *author,
		     const char *text, int64_t at, int64_t *id)
{
	db_param_t p[] = {DB_INT(chat_id), DB_TEXT(sender), DB_OPT(user_id),
			  DB_TEXT(author), DB_TEXT(text),   DB_INT(at)};
	return db_query_int(c,
			    "INSERT INTO chat_messages (chat_id, sender, user_id, author, text, at) "
			    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
			    p, 6, id);
}

static void msg_row(db_res_t *r, void *item, arena_t *a)
{
	ch_msg_t *x = item;
	x->id = db_res_int(r, 0);
	x->sender = db_res_astr(r, 1, a);
	x->author = db_res_astr(r, 2, a);
	x->text = db_res_astr(r, 3, a);
	x->at = db_res_int(r, 4);
}

int ch_store_msgs(db_conn_t *c, arena_t *a, int64_t chat_id, int64_t after_id, ch_msg_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(chat_id), DB_INT(after_id)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT id, sender, author, text, at FROM chat_messages WHERE chat_id = $1 AND id > $2 "
			     "ORDER BY id LIMIT 500",
			     p, 2, msg_row, out, n);
}

int ch_store_move(db_conn_t *c, int64_t id, const char *from, const char *to, int64_t agent, const char *outcome,
		  int64_t now)
{
	db_param_t p[] = {DB_INT(id), DB_TEXT(from), DB_TEXT(to), DB_OPT(agent), DB_TEXT(outcome ? outcome : ""),
			  DB_INT(now)};
	return db_exec_any(c,
			   "UPDATE chats SET status = $3, agent_id = $4, outcome = $5, "
			   "taken_at = CASE WHEN $3 = 'open' THEN $6 ELSE taken_at END, "
			   "closed_at = CASE WHEN $3 = 'closed' THEN $6 ELSE NULL END WHERE id = $1 AND status = $2",
			   p, 6);
}

int ch_store_seen(db_conn_t *c, int64_t id, int64_t now)
{
	db_param_t p[] = {DB_INT(id), DB_INT(now)};
	return db_exec_one(c, "UPDATE chats SET seen_at = $2 WHERE id = $1", p, 2);
}

int ch_store_person(db_conn_t *c, int64_t id, int64_t person)
{
	db_param_t p[] = {DB_INT(id), DB_OPT(person)};
	return db_exec_one(c, "UPDATE chats SET person_id = $2 WHERE id = $1", p, 2);
}

int ch_store_transcript(db_conn_t *c, int64_t id, const char *email)
{
	db_param_t p[] = {DB_INT(id), DB_TEXT(email)};
	return db_exec_one(c, "UPDATE chats SET transcript = 1, email = $2 WHERE id = $1", p, 2);
}

int ch_store_request(db_conn_t *c, int64_t id, const char *code)
{
	db_param_t p[] = {DB_INT(id), DB_TEXT(code)};
	return db_exec_one(c, "UPDATE chats SET request_code = $2 WHERE id = $1", p, 2);
}

int ch_store_position(db_conn_t *c, int64_t office_id, int64_t id, int64_t *pos)
{
	db_param_t p[] = {DB_INT(office_id), DB_INT(id)};
	return db_query_int(c, "SELECT COUNT(*) FROM chats WHERE office_id = $1 AND status = 'waiting' AND id <= $2", p,
			    2, pos);
}

int ch_store_agent_load(db_conn_t *c, int64_t agent, int64_t *n)
{
	db_param_t p[] = {DB_INT(agent)};
	return db_query_int(c, "SELECT COUNT(*) FROM chats WHERE agent_id = $1 AND status = 'open'", p, 1, n);
}

int ch_store_client_load(db_conn_t *c, const char *client, int64_t *n)
{
	db_param_t p[] = {DB_TEXT(client)};
	return db_query_int(c, "SELECT COUNT(*) FROM chats WHERE client = $1 AND status <> 'closed'", p, 1, n);
}

int ch_store_list(db_conn_t *c, arena_t *a, const char *status, int64_t agent, int limit, ch_chat_t **out, size_t *n)
{
	db_param_t p[] = {DB_TEXT(status), DB_INT(agent), DB_INT(limit)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT " CHAT_COLS " WHERE status = $1 AND (CAST($2 AS BIGINT) = 0 OR agent_id = $2) "
			     "ORDER BY id DESC LIMIT $3",
			     p, 3, chat_row, out, n);
}

int ch_store_waiting(db_conn_t *c, arena_t *a, int64_t office_id, ch_chat_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(office_id)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT " CHAT_COLS " WHERE office_id = $1 AND status = 'waiting' ORDER BY id LIMIT 500",
			     p, 1, chat_row, out, n);
}

int ch_store_offer_due(db_conn_t *c, arena_t *a, int64_t before, int64_t now, int64_t **ids, size_t *n)
{
	db_param_t p[] = {DB_INT(before)};
	int rc = DB_QUERY_ROWS(c, a,
			       "SELECT id FROM chats WHERE status = 'waiting' AND created_at < $1 AND offered_at IS "
			       "NULL "
			       "ORDER BY id LIMIT 500",
			       p, 1, db_fill_int, ids, n);
	/* Another node's job may have offered some since the SELECT: keep the ones this one did. */
	size_t kept = 0;
	for (size_t i = 0; !rc && i < *n; i++) {
		db_param_t q[] = {DB_INT((*ids)[i]), DB_INT(now)};
		rc = db_exec_any(c, "UPDATE chats SET offered_at = $2 WHERE id = $1 AND offered_at IS NULL", q, 2);
		if (rc == 1)
			(*ids)[kept++] = (*ids)[i];
		rc = rc < 0 ? rc : 0;
	}
	*n = kept;
	return rc;
}

int ch_store_idle(db_conn_t *c, arena_t *a, int64_t before, int64_t **ids, size_t *n)
{
	db_param_t p[] = {DB_INT(before)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT id FROM chats WHERE status <> 'closed' AND seen_at < $1 ORDER BY id LIMIT 500", p,
			     1, db_fill_int, ids, n);
}

int ch_store_by_person(db_conn_t *c, arena_t *a, int64_t person_id, ch_chat_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(person_id)};
	return DB_QUERY_ROWS(c, a, "SELECT " CHAT_COLS " WHERE person_id = $1 ORDER BY id DESC LIMIT 500", p, 1,
			     chat_row, out, n);
}

#define BLANK_CHATS "UPDATE chats SET name = '', email = '', transcript = 0 WHERE "
#define BLANK_MESSAGES "UPDATE chat_messages SET text = '' WHERE chat_id IN (SELECT id FROM chats WHERE "

int ch_store_erase_person(db_conn_t *c, int64_t person_id)
{
	db_param_t p[] = {DB_INT(person_id)};
	int64_t n = db_exec(c, BLANK_MESSAGES "person_id = $1)", p, 1);
	if (n >= 0)
		n = db_exec(c, BLANK_CHATS "person_id = $1", p, 1);
	return n < 0 ? (int)n : 0;
}

int ch_store_purge(db_conn_t *c, int64_t before, int64_t *n)
{
	db_param_t p[] = {DB_INT(before)};
	int64_t k = db_exec(c, BLANK_MESSAGES "status = 'closed' AND closed_at < $1 AND name <> '')", p, 1);
	if (k >= 0)
		k = db_exec(c, BLANK_CHATS "status = 'closed' AND closed_at < $1 AND name <> ''", p, 1);
	if (k < 0)
		return (int)k;
	*n = k;
	return 0;
}

static void reply_row(db_res_t *r, void *item, arena_t *a)
{
	ch_reply_t *x = item;
	x->id = db_res_int(r, 0);
	x->procedure_id = db_res_int(r, 1);
	x->title = db_res_astr(r, 2, a);
	x->body = db_res_astr(r, 3, a);
}

int ch_store_replies(db_conn_t *c, arena_t *a, int64_t procedure_id, ch_reply_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(procedure_id)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT id, procedure_id, title, body FROM chat_replies WHERE procedure_id IS NULL OR "
			     "procedure_id = $1 OR CAST($1 AS BIGINT) = 0 ORDER BY procedure_id IS NULL, title, id "
			     "LIMIT 200",
			     p, 1, reply_row, out, n);
}

int ch_store_reply_add(db_conn_t *c, int64_t procedure_id, const char *title, const char *body, const char *by,
		       int64_t now, int64_t *id)
{
	db_param_t p[] = {DB_OPT(procedure_id), DB_TEXT(title), DB_TEXT(body), DB_TEXT(by), DB_INT(now)};
	return db_query_int(c,
			    "INSERT INTO chat_replies (procedure_id, title, body, created_by, updated_at) "
			    "VALUES ($1, $2, $3, $4, $5) RETURNING id",
			    p, 5, id);
}

int ch_store_reply_delete(db_conn_t *c, int64_t id)
{
	db_param_t p[] = {DB_INT(id)};
	return db_exec_one(c, "DELETE FROM chat_replies WHERE id = $1", p, 1);
}

static void hours_row(db_res_t *r, void *item, arena_t *a)
{
	ch_hours_t *x = item;
	x->id = db_res_int(r, 0);
	x->office_id = db_res_int(r, 1);
	x->weekday = (int)db_res_int(r, 2);
	x->open_min = (int)db_res_int(r, 3);
	x->close_min = (int)db_res_int(r, 4);
	x->holidays = db_res_int(r, 5) != 0;
}

int ch_store_hours(db_conn_t *c, arena_t *a, int64_t office_id, ch_hours_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(office_id)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT id, office_id, weekday, open_min, close_min, holidays FROM chat_hours "
			     "WHERE office_id = $1 ORDER BY weekday, open_min",
			     p, 1, hours_row, out, n);
}

int ch_store_hours_add(db_conn_t *c, const ch_hours_t *h, int64_t *id)
{
	db_param_t p[] = {DB_INT(h->office_id), DB_INT(h->weekday), DB_INT(h->open_min), DB_INT(h->close_min),
			  DB_INT(h->holidays ? 1 : 0)};
	return db_query_int(c,
			    "INSERT INTO chat_hours (office_id, weekday, open_min, close_min, holidays) "
			    "VALUES ($1, $2, $3, $4, $5) RETURNING id",
			    p, 5, id);
}

int ch_store_hours_delete(db_conn_t *c, int64_t id)
{
	db_param_t p[] = {DB_INT(id)};
	return db_exec_one(c, "DELETE FROM chat_hours WHERE id = $1", p, 1);
}

int chat_counts(db_conn_t *c, int64_t *waiting, int64_t *open)
{
	int64_t v[2];
	int rc = db_query_ints(c,
			       "SELECT COALESCE(SUM(CASE WHEN status = 'waiting' THEN 1 ELSE 0 END), 0), "
			       "COALESCE(SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), 0) FROM chats "
			       "WHERE status <> 'closed'",
			       NULL, 0, v, 2);
	if (!rc) {
		*waiting = v[0];
		*open = v[1];
	}
	return rc;
}
