/* store_history.c — the SQL of history.c: past chats as they were closed, at the first virtual
 * office. */
#include "chat/internal.h"

#include "core/demo.h"

demo_batch_t *ch_store_history_batch(db_conn_t *c)
{
	return demo_batch_new(c,
			      "INSERT INTO chats (token_hash, procedure_id, office_id, status, name, lang, outcome, "
			      "created_at, taken_at, closed_at, seen_at) VALUES ",
			      "($, (SELECT id FROM procedures WHERE code = $), (SELECT MIN(id) FROM offices WHERE kind "
			      "= "
			      "'virtual_office'), 'closed', $, $, $, $, $, $, $)");
}

int ch_store_history_add(demo_batch_t *b, const ch_history_t *x)
{
	db_param_t p[] = {DB_TEXT(x->token_hash),
			  DB_TEXT(x->procedure),
			  DB_TEXT(x->name),
			  DB_TEXT(x->lang),
			  DB_TEXT(x->outcome),
			  DB_INT(x->created_at),
			  x->taken_at ? DB_INT(x->taken_at) : DB_NULLP,
			  DB_INT(x->closed_at),
			  DB_INT(x->closed_at)};
	return demo_batch_add(b, p);
}
