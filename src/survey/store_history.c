/* store_history.c — the SQL of history.c: answered surveys of the past days. */
#include "survey/internal.h"

#include "core/demo.h"

demo_batch_t *sv_store_history_batch(db_conn_t *c)
{
	return demo_batch_new(c,
			      "INSERT INTO surveys (token, kind, ref, office, lang, invited, created_at, answered_at, "
			      "score, comment) VALUES ",
			      "($, $, $, $, $, 0, $, $, $, $)");
}

int sv_store_history_add(demo_batch_t *b, const sv_history_t *s)
{
	db_param_t p[] = {DB_TEXT(s->token),      DB_TEXT(s->kind), DB_TEXT(s->ref),
			  DB_TEXT(s->office),     DB_TEXT(s->lang), DB_INT(s->created_at),
			  DB_INT(s->answered_at), DB_INT(s->score), DB_TEXT(s->comment)};
	return demo_batch_add(b, p);
}
