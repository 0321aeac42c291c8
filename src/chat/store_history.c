/* store_history.c — the SQL of history.c: past chats as they were closed, at the first virtual
 * office. */
#include "chat/internal.h"

int ch_store_history_add(db_conn_t *c, const ch_history_t *x)
{
	db_param_t p[] = {DB_TEXT(x->token_hash),
			  DB_TEXT(x->procedure),
			  DB_TEXT(x->name),
			  DB_TEXT(x->lang),
			  DB_TEXT(x->outcome),
			  DB_INT(x->created_at),
			  x->taken_at ? DB_INT(x->taken_at) : DB_NULLP,
			  DB_INT(x->closed_at)};
	int64_t r =
		db_exec(c,
			"INSERT INTO chats (token_hash, procedure_id, office_id, status, name, lang, outcome, "
			"created_at, taken_at, closed_at, seen_at) VALUES ($1, (SELECT id FROM procedures WHERE "
			"code = $2), (SELECT MIN(id) FROM offices WHERE kind = 'virtual_office'), 'closed', $3, $4, "
			"$5, $6, $7, $8, $8)",
			p, 8);
	return r < 0 ? (int)r : 0;
}
