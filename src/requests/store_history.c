/* store_history.c — the SQL of history.c: past requests as they ended (or still wait). */
#include "requests/internal.h"

#include "core/demo.h"

demo_batch_t *rq_store_history_batch(db_conn_t *c)
{
	return demo_batch_new(c,
			      "INSERT INTO requests (code, token_hash, topic, text, name, answer_by, lang, status, "
			      "source, recorded_by, due_at, escalated_at, created_at, updated_at, answered_at, "
			      "closed_at) "
			      "VALUES ",
			      "($, $, $, $, $, 'email', $, $, $, 'citizen', $, $, $, $, $, $)");
}

int rq_store_history_add(demo_batch_t *b, const rq_history_t *x)
{
#define AT(v) ((v) ? DB_INT(v) : DB_NULLP)
	db_param_t p[] = {DB_TEXT(x->code),   DB_TEXT(x->token_hash), DB_TEXT(x->topic),     DB_TEXT(x->text),
			  DB_TEXT(x->name),   DB_TEXT(x->lang),       DB_TEXT(x->status),    DB_TEXT(x->source),
			  DB_INT(x->due_at),  AT(x->escalated_at),    DB_INT(x->created_at), DB_INT(x->created_at),
			  AT(x->answered_at), AT(x->closed_at)};
#undef AT
	return demo_batch_add(b, p);
}
