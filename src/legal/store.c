/* store.c — the SQL of the legal capability (internal.h). */
#include "legal/internal.h"

#include "base/err.h"

int lg_store_text(db_conn_t *c, arena_t *a, const char *doc, const char *lang, const char **body)
{
	db_param_t p[] = {DB_TEXT(doc), DB_TEXT(lang)};
	return db_query_str(c, a, "SELECT body FROM legal_texts WHERE doc = $1 AND lang = $2", p, 2, body);
}

int lg_store_save(db_conn_t *c, const char *doc, const char *lang, const char *body, const char *by, int64_t now)
{
	db_param_t p[] = {DB_TEXT(doc), DB_TEXT(lang)};
	int64_t n = db_exec(c, "DELETE FROM legal_texts WHERE doc = $1 AND lang = $2", p, 2);
	if (n < 0)
		return (int)n;
	if (!*body)
		return 0;
	db_param_t q[] = {DB_TEXT(doc), DB_TEXT(lang), DB_TEXT(body), DB_INT(now), DB_TEXT(by)};
	return db_exec_one(c,
			   "INSERT INTO legal_texts (doc, lang, body, updated_at, updated_by) VALUES ($1, $2, $3, $4, "
			   "$5)",
			   q, 5);
}
