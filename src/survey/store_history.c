/* store_history.c — the SQL of history.c: answered surveys of the past days. */
#include "survey/internal.h"

int sv_store_history_add(db_conn_t *c, const sv_history_t *s)
{
	db_param_t p[] = {DB_TEXT(s->token),      DB_TEXT(s->kind), DB_TEXT(s->ref),
			  DB_TEXT(s->office),     DB_TEXT(s->lang), DB_INT(s->created_at),
			  DB_INT(s->answered_at), DB_INT(s->score), DB_TEXT(s->comment)};
	int64_t r = db_exec(c,
			    "INSERT INTO surveys (token, kind, ref, office, lang, invited, created_at, answered_at, "
			    "score, comment) VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8, $9)",
			    p, 9);
	return r < 0 ? (int)r : 0;
}
