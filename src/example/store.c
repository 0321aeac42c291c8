/* store.c — every SQL statement of the example capability (see internal.h). One dialect for
 * SQLite and PostgreSQL (db/db.h); the row readers (DB_QUERY_ROWS, db_query_int) write the loops. */
#include "example/internal.h"

#include "base/err.h"

static void note_row(db_res_t *r, void *item, arena_t *a)
{
	ex_note_t *x = item;
	x->id = db_res_int(r, 0);
	x->office = db_res_astr(r, 1, a);
	x->body = db_res_astr(r, 2, a);
	x->author = db_res_astr(r, 3, a);
	x->created_at = db_res_int(r, 4);
}

int ex_store_notes(db_conn_t *c, arena_t *a, const char *office, int limit, ex_note_t **out, size_t *n)
{
	db_param_t p[] = {DB_TEXT(office ? office : ""), DB_INT(limit)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT id, office, body, author, created_at FROM example_notes "
			     "WHERE ($1 = '' OR office = $1) ORDER BY created_at DESC, id DESC LIMIT $2",
			     p, 2, note_row, out, n);
}

int ex_store_note_add(db_conn_t *c, const ex_note_t *note, int64_t *id)
{
	db_param_t p[] = {DB_TEXT(note->office), DB_TEXT(note->body), DB_TEXT(note->author), DB_INT(note->created_at)};
	return db_query_int(c,
			    "INSERT INTO example_notes (office, body, author, created_at) VALUES ($1, $2, $3, $4) "
			    "RETURNING id",
			    p, 4, id);
}

int ex_store_prune(db_conn_t *c, int64_t before, int64_t *n)
{
	db_param_t p[] = {DB_INT(before)};
	int64_t r = db_exec(c, "DELETE FROM example_notes WHERE created_at < $1", p, 1);
	if (r < 0)
		return (int)r;
	*n = r;
	return 0;
}

int example_note_count(db_conn_t *c, const char *office, int64_t *n)
{
	db_param_t p[] = {DB_TEXT(office)};
	return db_query_int(c, "SELECT COUNT(*) FROM example_notes WHERE office = $1", p, 1, n);
}
