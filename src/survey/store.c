/* store.c — every SQL statement of the survey (internal.h). */
#include "survey/internal.h"

#include "base/err.h"

static void survey_row(db_res_t *r, void *item, arena_t *a)
{
	sv_survey_t *s = item;
	s->id = db_res_int(r, 0);
	s->token = db_res_astr(r, 1, a);
	s->kind = db_res_astr(r, 2, a);
	s->ref = db_res_astr(r, 3, a);
	s->office = db_res_astr(r, 4, a);
	s->lang = db_res_astr(r, 5, a);
	s->created_at = db_res_int(r, 6);
	s->answered_at = db_res_int(r, 7);
	s->score = (int)db_res_int(r, 8);
	s->comment = db_res_astr(r, 9, a);
}

#define COLS                                                                                                           \
	"SELECT id, token, kind, ref, office, lang, created_at, COALESCE(answered_at, 0), COALESCE(score, -1), "       \
	"comment FROM surveys "

int sv_store_by_token(db_conn_t *c, arena_t *a, const char *token, sv_survey_t *out)
{
	db_param_t p[] = {DB_TEXT(token)};
	return db_query_item(c, a, COLS "WHERE token = $1", p, 1, survey_row, out);
}

int sv_store_by_ref(db_conn_t *c, arena_t *a, const char *kind, const char *ref, sv_survey_t *out)
{
	db_param_t p[] = {DB_TEXT(kind), DB_TEXT(ref)};
	return db_query_item(c, a, COLS "WHERE kind = $1 AND ref = $2", p, 2, survey_row, out);
}

int sv_store_insert(db_conn_t *c, const survey_offer_t *o, const char *token, bool invited)
{
	db_param_t p[] = {DB_TEXT(token),   DB_TEXT(o->kind), DB_TEXT(o->ref), DB_TEXT(o->office ? o->office : ""),
			  DB_TEXT(o->lang), DB_INT(invited),  DB_INT(o->now)};
	int64_t rc = db_exec(c,
			     "INSERT INTO surveys (token, kind, ref, office, lang, invited, created_at) "
			     "VALUES ($1, $2, $3, $4, $5, $6, $7)",
			     p, 7);
	return rc < 0 ? (int)rc : 0;
}

int sv_store_answer(db_conn_t *c, const char *token, int score, const char *comment, int64_t now)
{
	db_param_t p[] = {DB_TEXT(token), DB_INT(score), DB_TEXT(comment), DB_INT(now)};
	int rc = db_exec_any(c,
			     "UPDATE surveys SET score = $2, comment = $3, answered_at = $4 "
			     "WHERE token = $1 AND answered_at IS NULL",
			     p, 4);
	if (rc < 0)
		return rc;
	return rc ? 0 : ERR_CONFLICT;
}

int survey_figures(db_conn_t *c, const char *office, int64_t from, int64_t to, int64_t *n, int64_t *sum)
{
	db_param_t p[] = {DB_TEXT(office ? office : ""), DB_INT(from), DB_INT(to)};
	int64_t v[2];
	int rc = db_query_ints(c,
			       "SELECT COUNT(*), COALESCE(SUM(score), 0) FROM surveys WHERE answered_at IS NOT NULL "
			       "AND ($1 = '' OR office = $1) AND answered_at >= $2 AND answered_at < $3",
			       p, 3, v, 2);
	if (!rc) {
		*n = v[0];
		*sum = v[1];
	}
	return rc;
}
