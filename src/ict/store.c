/* store.c — every SQL statement of the ict capability (see internal.h). One dialect for SQLite and
 * PostgreSQL (db/db.h). */
#include "ict/internal.h"

#include "base/err.h"

#include <stdlib.h>
#include <string.h>

/* The filter's WHERE clause over ict_sessions s, with its four parameters from $1. */
#define FILTER "s.at >= $1 AND s.at < $2 AND ($3 = 0 OR s.office_id = $3) AND ($4 = '' OR s.agent = $4)"
#define FILTER_PARAMS(f)                                                                                               \
	{                                                                                                              \
		DB_INT((f)->from), DB_INT((f)->to), DB_INT((f)->office_id), DB_TEXT((f)->agent)                        \
	}

static int add_children(db_conn_t *c, const ict_session_t *s)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < s->nprocs; i++) {
		db_param_t p[] = {DB_INT(s->id), DB_INT((int64_t)i), DB_TEXT(s->procs[i].service),
				  DB_TEXT(s->procs[i].other), DB_TEXT(s->procs[i].mode)};
		rc = db_exec_one(c,
				 "INSERT INTO ict_procedures (session_id, pos, service, other, mode) "
				 "VALUES ($1, $2, $3, $4, $5)",
				 p, 5);
	}
	for (size_t i = 0; !rc && i < s->ntools; i++) {
		db_param_t p[] = {DB_INT(s->id), DB_TEXT(s->tools[i])};
		rc = db_exec_one(c, "INSERT INTO ict_tools (session_id, tool) VALUES ($1, $2)", p, 2);
	}
	if (!rc && *s->moment) {
		db_param_t p[] = {DB_INT(s->id),        DB_TEXT(s->moment),   DB_INT(s->levels[0]),
				  DB_INT(s->levels[1]), DB_INT(s->levels[2]), DB_INT(s->levels[3]),
				  DB_INT(s->levels[4])};
		rc = db_exec_one(c,
				 "INSERT INTO ict_assessments (session_id, moment, eprocedures, email, digital_id, "
				 "esignature, video_call) VALUES ($1, $2, $3, $4, $5, $6, $7)",
				 p, 7);
	}
	return rc;
}

int ict_store_session_add(db_conn_t *c, const ict_session_t *s, int64_t now, int64_t *id)
{
	db_param_t p[] = {DB_INT(s->office_id), DB_INT(s->person_id), DB_TEXT(s->agent),    DB_TEXT(s->appointment),
			  DB_INT(s->at),        DB_INT(s->minutes),   DB_TEXT(s->age_band), DB_TEXT(s->gender),
			  DB_INT(s->consent),   DB_TEXT(s->needs),    DB_TEXT(s->notes),    DB_TEXT(s->next),
			  DB_INT(now)};
	int rc = db_query_int(c,
			      "INSERT INTO ict_sessions (office_id, person_id, agent, appointment, at, minutes, "
			      "age_band, "
			      "gender, consent, needs, notes, next_step, created_at) "
			      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
			      p, 13, id);
	if (rc)
		return rc;
	ict_session_t x = *s;
	x.id = *id;
	return add_children(c, &x);
}

static void assess_row(db_res_t *r, void *item, arena_t *a)
{
	ict_assess_t *x = item;
	x->person_id = db_res_int(r, 0);
	x->at = db_res_int(r, 1);
	x->after = strcmp(db_res_text(r, 2), "after") == 0;
	for (int i = 0; i < ICT_SKILLS; i++)
		x->levels[i] = (int)db_res_int(r, 3 + i);
}

int ict_store_assessments(db_conn_t *c, arena_t *a, const ict_filter_t *f, ict_assess_t **out, size_t *n)
{
	db_param_t p[] = FILTER_PARAMS(f);
	return DB_QUERY_ROWS(c, a,
			     "SELECT s.person_id, s.at, x.moment, x.eprocedures, x.email, x.digital_id, x.esignature, "
			     "x.video_call FROM ict_assessments x JOIN ict_sessions s ON s.id = x.session_id "
			     "WHERE " FILTER " ORDER BY s.person_id, s.at, s.id",
			     p, 4, assess_row, out, n);
}

int ict_store_counts(db_conn_t *c, const ict_filter_t *f, int64_t *people, int64_t *sessions, int64_t *new_people,
		     int64_t *minutes)
{
	db_param_t p[] = FILTER_PARAMS(f);
	int64_t v[3];
	int rc = db_query_ints(c,
			       "SELECT COUNT(DISTINCT s.person_id), COUNT(*), COALESCE(SUM(s.minutes), 0) "
			       "FROM ict_sessions s WHERE " FILTER,
			       p, 4, v, 3);
	if (rc)
		return rc;
	*people = v[0];
	*sessions = v[1];
	*minutes = v[2];
	/* New: no session of theirs, anywhere, before the period. */
	return db_query_int(c,
			    "SELECT COUNT(*) FROM (SELECT s.person_id FROM ict_sessions s WHERE " FILTER
			    " GROUP BY s.person_id) x WHERE NOT EXISTS (SELECT 1 FROM ict_sessions e "
			    "WHERE e.person_id = x.person_id AND e.at < $1)",
			    p, 4, new_people);
}

static void count_row(db_res_t *r, void *item, arena_t *a)
{
	ict_count_t *x = item;
	x->key = db_res_astr(r, 0, a);
	x->n = db_res_int(r, 1);
}

int ict_store_modes(db_conn_t *c, arena_t *a, const ict_filter_t *f, ict_count_t **out, size_t *n)
{
	db_param_t p[] = FILTER_PARAMS(f);
	return DB_QUERY_ROWS(c, a,
			     "SELECT x.mode, COUNT(*) FROM ict_procedures x JOIN ict_sessions s ON s.id = x.session_id "
			     "WHERE " FILTER " GROUP BY x.mode ORDER BY x.mode",
			     p, 4, count_row, out, n);
}

int ict_store_tools(db_conn_t *c, arena_t *a, const ict_filter_t *f, ict_count_t **out, size_t *n)
{
	db_param_t p[] = FILTER_PARAMS(f);
	return DB_QUERY_ROWS(c, a,
			     "SELECT x.tool, COUNT(*) FROM ict_tools x JOIN ict_sessions s ON s.id = x.session_id "
			     "WHERE " FILTER " GROUP BY x.tool ORDER BY x.tool",
			     p, 4, count_row, out, n);
}

int ict_store_profile(db_conn_t *c, arena_t *a, const ict_filter_t *f, ict_count_t **out, size_t *n)
{
	db_param_t p[] = FILTER_PARAMS(f);
	return DB_QUERY_ROWS(c, a,
			     "SELECT s.age_band || ' ' || s.gender, COUNT(DISTINCT s.person_id) FROM ict_sessions s "
			     "WHERE " FILTER " GROUP BY s.age_band, s.gender ORDER BY s.age_band, s.gender",
			     p, 4, count_row, out, n);
}

/* ---------------------------------------------------------------- the export's rows */

typedef struct {
	int64_t id;
	ict_row_t row;
} keyed_row_t;

static void export_row(db_res_t *r, void *item, arena_t *a)
{
	keyed_row_t *k = item;
	ict_row_t *x = &k->row;
	k->id = db_res_int(r, 0);
	x->person_id = db_res_int(r, 1);
	x->at = db_res_int(r, 2);
	x->minutes = (int)db_res_int(r, 3);
	x->office = db_res_astr(r, 4, a);
	x->age_band = db_res_astr(r, 5, a);
	x->gender = db_res_astr(r, 6, a);
	x->next = db_res_astr(r, 7, a);
	x->moment = db_res_astr(r, 8, a);
	for (int i = 0; i < ICT_SKILLS; i++)
		x->levels[i] = db_res_null(r, 9 + i) ? -1 : (int)db_res_int(r, 9 + i);
	x->tools = "";
	x->modes = "";
}

typedef struct {
	keyed_row_t *v;
	size_t n;
	arena_t *a;
	bool modes;
} join_t;

static int cmp_id(const void *k, const void *e)
{
	int64_t a = *(const int64_t *)k, b = ((const keyed_row_t *)e)->id;
	return a < b ? -1 : a > b;
}

/* Appends column 1 to the row of session column 0 (tools or procedure modes), ";"-separated. */
static int join_each(db_res_t *r, void *ud)
{
	join_t *j = ud;
	int64_t id = db_res_int(r, 0);
	keyed_row_t *k = bsearch(&id, j->v, j->n, sizeof *j->v, cmp_id);
	if (!k)
		return 0;
	const char **dst = j->modes ? &k->row.modes : &k->row.tools;
	*dst = **dst ? arena_printf(j->a, "%s;%s", *dst, db_res_text(r, 1)) : db_res_astr(r, 1, j->a);
	return 0;
}

int ict_store_rows(db_conn_t *c, arena_t *a, const ict_filter_t *f, ict_row_t **out, size_t *n)
{
	db_param_t p[] = FILTER_PARAMS(f);
	keyed_row_t *v = NULL;
	size_t nv = 0;
	int rc = DB_QUERY_ROWS(c, a,
			       "SELECT s.id, s.person_id, s.at, s.minutes, o.code, s.age_band, s.gender, s.next_step, "
			       "COALESCE(x.moment, ''), x.eprocedures, x.email, x.digital_id, x.esignature, "
			       "x.video_call "
			       "FROM ict_sessions s JOIN offices o ON o.id = s.office_id "
			       "LEFT JOIN ict_assessments x ON x.session_id = s.id WHERE " FILTER " ORDER BY s.id",
			       p, 4, export_row, &v, &nv);
	join_t j = {v, nv, a, false};
	if (!rc)
		rc = db_query_each(c,
				   "SELECT s.id, x.tool FROM ict_tools x JOIN ict_sessions s ON s.id = x.session_id "
				   "WHERE " FILTER " ORDER BY s.id, x.tool",
				   p, 4, join_each, &j);
	j.modes = true;
	if (!rc)
		rc = db_query_each(c,
				   "SELECT s.id, x.mode FROM ict_procedures x "
				   "JOIN ict_sessions s ON s.id = x.session_id "
				   "WHERE " FILTER " ORDER BY s.id, x.pos",
				   p, 4, join_each, &j);
	if (rc)
		return rc;
	*out = nv ? arena_alloc(a, nv * sizeof **out) : NULL;
	for (size_t i = 0; i < nv; i++)
		(*out)[i] = v[i].row;
	*n = nv;
	return 0;
}

/* ---------------------------------------------------------------- the citizen record */

static void item_row(db_res_t *r, void *item, arena_t *a)
{
	ict_item_t *x = item;
	x->id = db_res_int(r, 0);
	x->at = db_res_int(r, 1);
	x->minutes = (int)db_res_int(r, 2);
	x->office = db_res_astr(r, 3, a);
	x->agent = db_res_astr(r, 4, a);
	x->needs = db_res_astr(r, 5, a);
	x->notes = db_res_astr(r, 6, a);
	x->next = db_res_astr(r, 7, a);
	x->moment = db_res_astr(r, 8, a);
	x->person_id = db_res_int(r, 9);
}

int ict_store_by_person(db_conn_t *c, arena_t *a, int64_t person_id, ict_item_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(person_id)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT s.id, s.at, s.minutes, o.code, s.agent, s.needs, s.notes, s.next_step, "
			     "COALESCE(x.moment, ''), s.person_id FROM ict_sessions s JOIN offices o ON o.id = "
			     "s.office_id "
			     "LEFT JOIN ict_assessments x ON x.session_id = s.id WHERE s.person_id = $1 "
			     "ORDER BY s.at DESC, s.id DESC",
			     p, 1, item_row, out, n);
}

int ict_store_recent(db_conn_t *c, arena_t *a, const char *agent, int limit, ict_item_t **out, size_t *n)
{
	db_param_t p[] = {DB_TEXT(agent), DB_INT(limit)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT s.id, s.at, s.minutes, o.code, s.agent, s.needs, s.notes, s.next_step, "
			     "COALESCE(x.moment, ''), s.person_id FROM ict_sessions s JOIN offices o ON o.id = "
			     "s.office_id "
			     "LEFT JOIN ict_assessments x ON x.session_id = s.id WHERE s.agent = $1 "
			     "ORDER BY s.created_at DESC, s.id DESC LIMIT $2",
			     p, 2, item_row, out, n);
}

int ict_store_erase_person(db_conn_t *c, int64_t person_id)
{
	db_param_t p[] = {DB_INT(person_id)};
	int64_t r = db_exec(c, "UPDATE ict_sessions SET needs = '', notes = '' WHERE person_id = $1", p, 1);
	return r < 0 ? (int)r : 0;
}

static void due_row(db_res_t *r, void *item, arena_t *a)
{
	ict_due_t *x = item;
	x->person_id = db_res_int(r, 0);
	x->before_at = db_res_int(r, 1);
	x->last_at = db_res_int(r, 2);
}

int ict_store_due(db_conn_t *c, arena_t *a, int64_t due, int limit, ict_due_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(due), DB_INT(limit)};
	return DB_QUERY_ROWS(
		c, a,
		"SELECT b.person_id, b.at, (SELECT MAX(l.at) FROM ict_sessions l WHERE l.person_id = b.person_id) "
		"FROM (SELECT s.person_id, MIN(s.at) AS at FROM ict_sessions s "
		"JOIN ict_assessments x ON x.session_id = s.id WHERE x.moment = 'before' GROUP BY s.person_id) b "
		"WHERE b.at < $1 AND EXISTS (SELECT 1 FROM ict_sessions k WHERE k.person_id = b.person_id "
		"AND k.consent = 1) AND NOT EXISTS (SELECT 1 FROM ict_sessions s2 JOIN ict_assessments x2 "
		"ON x2.session_id = s2.id WHERE s2.person_id = b.person_id AND x2.moment = 'after' "
		"AND s2.at >= b.at) ORDER BY b.at, b.person_id LIMIT $2",
		p, 2, due_row, out, n);
}

int ict_store_sheet_get(db_conn_t *c, arena_t *a, const char *tool, const char *lang, const char **body)
{
	db_param_t p[] = {DB_TEXT(tool), DB_TEXT(lang)};
	return db_query_str(c, a, "SELECT body FROM ict_sheets WHERE tool = $1 AND lang = $2", p, 2, body);
}

int ict_store_sheet_put(db_conn_t *c, const char *tool, const char *lang, const char *body, const char *by, int64_t now)
{
	db_param_t p[] = {DB_TEXT(tool), DB_TEXT(lang), DB_TEXT(body), DB_TEXT(by), DB_INT(now)};
	return db_exec_one(
		c,
		"INSERT INTO ict_sheets (tool, lang, body, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5) "
		"ON CONFLICT (tool, lang) DO UPDATE SET body = excluded.body, updated_by = excluded.updated_by, "
		"updated_at = excluded.updated_at",
		p, 5);
}

int ict_store_sheets(db_conn_t *c, arena_t *a, ict_count_t **out, size_t *n)
{
	return DB_QUERY_ROWS(c, a, "SELECT tool || ' ' || lang, 0 FROM ict_sheets ORDER BY tool, lang", NULL, 0,
			     count_row, out, n);
}
