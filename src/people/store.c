/* store.c — every SQL statement of the people capability (see internal.h). Lists of a person's
 * records are walked one record at a time: a person has one record, or a few after merges. */
#include "people/internal.h"

#include "base/err.h"

#include <string.h>

/* Chains are short; the cap stops a cycle a bug might have made from looping. */
#define CHAIN_MAX 64

int pe_store_root(db_conn_t *c, int64_t id, int64_t *root)
{
	for (int i = 0; i < CHAIN_MAX; i++) {
		db_param_t p[] = {DB_INT(id)};
		int64_t next;
		int rc = db_query_int(c, "SELECT COALESCE(merged_into, 0) FROM people WHERE id = $1", p, 1, &next);
		if (rc)
			return rc;
		if (!next) {
			*root = id;
			return 0;
		}
		id = next;
	}
	return ERR_CONFLICT;
}

static void person_row(db_res_t *r, void *item, arena_t *a)
{
	people_t *x = item;
	memset(x, 0, sizeof *x);
	x->id = db_res_int(r, 0);
	x->name = db_res_astr(r, 1, a);
	x->id_type = db_res_astr(r, 2, a);
	x->id_number = db_res_astr(r, 3, a);
	x->lang = db_res_astr(r, 4, a);
	x->age_band = db_res_astr(r, 5, a);
	x->gender = db_res_astr(r, 6, a);
	x->created_at = db_res_int(r, 7);
	x->updated_at = db_res_int(r, 8);
	x->erased_at = db_res_int(r, 9);
}

int pe_store_get(db_conn_t *c, arena_t *a, int64_t id, people_t *out)
{
	db_param_t p[] = {DB_INT(id)};
	return db_query_item(c, a,
			     "SELECT id, name, id_type, id_number, lang, age_band, gender, created_at, updated_at, "
			     "erased_at FROM people WHERE id = $1",
			     p, 1, person_row, out);
}

int pe_store_merged(db_conn_t *c, arena_t *a, int64_t root, int64_t **out, size_t *n)
{
	int64_t *v = NULL;
	size_t nv = 0, cap = 0;
	/* Breadth first over merged_into: each round reads the children of one record. */
	int64_t *todo = arena_alloc(a, sizeof *todo);
	size_t ntodo = 1, head = 0, captodo = 1;
	todo[0] = root;
	while (head < ntodo && nv < CHAIN_MAX) {
		db_param_t p[] = {DB_INT(todo[head++])};
		int64_t *kids;
		size_t nk;
		int rc = DB_QUERY_ROWS(c, a, "SELECT id FROM people WHERE merged_into = $1 ORDER BY id", p, 1,
				       db_fill_int, &kids, &nk);
		if (rc)
			return rc;
		for (size_t i = 0; i < nk; i++) {
			*ARENA_PUSH(a, v, nv, cap) = kids[i];
			*ARENA_PUSH(a, todo, ntodo, captodo) = kids[i];
		}
	}
	*out = v;
	*n = nv;
	return 0;
}

/* Runs a list query once per record and concatenates the rows (size bytes each). */
static int rows_of(db_conn_t *c, arena_t *a, const char *sql, const int64_t *ids, size_t n, size_t size,
		   db_fill_fn fill, void **out, size_t *nout)
{
	char *all = NULL;
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		db_param_t p[] = {DB_INT(ids[i])};
		void *v;
		size_t nv;
		int rc = db_query_rows(c, a, sql, p, 1, size, fill, &v, &nv);
		if (rc)
			return rc;
		if (!nv)
			continue;
		char *grown = arena_alloc(a, (total + nv) * size);
		if (total)
			memcpy(grown, all, total * size);
		memcpy(grown + total * size, v, nv * size);
		all = grown;
		total += nv;
	}
	*out = all;
	*nout = total;
	return 0;
}

static void contact_row(db_res_t *r, void *item, arena_t *a)
{
	people_contact_t *x = item;
	x->id = db_res_int(r, 0);
	x->kind = db_res_astr(r, 1, a);
	x->value = db_res_astr(r, 2, a);
	x->added_at = db_res_int(r, 3);
}

int pe_store_contacts(db_conn_t *c, arena_t *a, const int64_t *ids, size_t n, people_contact_t **out, size_t *nout)
{
	return rows_of(c, a,
		       "SELECT id, kind, value, added_at FROM person_contacts WHERE person_id = $1 "
		       "ORDER BY kind, added_at DESC, id DESC",
		       ids, n, sizeof **out, contact_row, (void **)out, nout);
}

static void consent_row(db_res_t *r, void *item, arena_t *a)
{
	people_consent_t *x = item;
	x->id = db_res_int(r, 0);
	x->what = db_res_astr(r, 1, a);
	x->wording = db_res_astr(r, 2, a);
	x->lang = db_res_astr(r, 3, a);
	x->source = db_res_astr(r, 4, a);
	x->given_at = db_res_int(r, 5);
	x->withdrawn_at = db_res_int(r, 6);
}

int pe_store_consents(db_conn_t *c, arena_t *a, const int64_t *ids, size_t n, people_consent_t **out, size_t *nout)
{
	return rows_of(c, a,
		       "SELECT id, what, wording, lang, source, given_at, withdrawn_at FROM person_consents "
		       "WHERE person_id = $1 ORDER BY given_at DESC, id DESC",
		       ids, n, sizeof **out, consent_row, (void **)out, nout);
}

static void merge_row(db_res_t *r, void *item, arena_t *a)
{
	people_merge_t *x = item;
	x->id = db_res_int(r, 0);
	x->survivor_id = db_res_int(r, 1);
	x->merged_id = db_res_int(r, 2);
	x->merged_by = db_res_astr(r, 3, a);
	x->merged_at = db_res_int(r, 4);
	x->undone_by = db_res_astr(r, 5, a);
	x->undone_at = db_res_int(r, 6);
}

#define MERGE_COLS "id, survivor_id, merged_id, merged_by, merged_at, undone_by, undone_at"

int pe_store_merges(db_conn_t *c, arena_t *a, const int64_t *ids, size_t n, people_merge_t **out, size_t *nout)
{
	return rows_of(c, a,
		       "SELECT " MERGE_COLS
		       " FROM people_merges WHERE survivor_id = $1 ORDER BY merged_at DESC, id DESC",
		       ids, n, sizeof **out, merge_row, (void **)out, nout);
}

int pe_store_merge_get(db_conn_t *c, arena_t *a, int64_t merge_id, people_merge_t *out)
{
	db_param_t p[] = {DB_INT(merge_id)};
	return db_query_item(c, a, "SELECT " MERGE_COLS " FROM people_merges WHERE id = $1", p, 1, merge_row, out);
}

int pe_store_by_id_number(db_conn_t *c, const char *id_number, int64_t *id)
{
	db_param_t p[] = {DB_TEXT(id_number)};
	return db_query_int(c, "SELECT id FROM people WHERE id_number = $1", p, 1, id);
}

int pe_store_by_contact(db_conn_t *c, arena_t *a, const char *kind, const char *norm, int max, int64_t **out, size_t *n)
{
	db_param_t p[] = {DB_TEXT(kind), DB_TEXT(norm), DB_INT(max)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT DISTINCT person_id FROM person_contacts WHERE kind = $1 AND norm = $2 "
			     "ORDER BY person_id DESC LIMIT $3",
			     p, 3, db_fill_int, out, n);
}

int pe_store_insert(db_conn_t *c, const pe_fields_t *f, int64_t now, int64_t *id)
{
	db_param_t p[] = {DB_TEXT(f->name ? f->name : ""),
			  DB_TEXT(f->id_type ? f->id_type : ""),
			  f->id_number && *f->id_number ? DB_TEXT(f->id_number) : DB_NULLP,
			  DB_TEXT(f->lang && *f->lang ? f->lang : "ca"),
			  DB_TEXT(f->age_band ? f->age_band : ""),
			  DB_TEXT(f->gender ? f->gender : ""),
			  DB_INT(now)};
	return db_query_int(c,
			    "INSERT INTO people (name, id_type, id_number, lang, age_band, gender, created_at, "
			    "updated_at) "
			    "VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
			    p, 7, id);
}

int pe_store_update(db_conn_t *c, int64_t id, const pe_fields_t *f, int64_t now)
{
	db_param_t p[] = {DB_INT(id),
			  DB_TEXT(f->name ? f->name : ""),
			  DB_TEXT(f->id_type ? f->id_type : ""),
			  f->id_number && *f->id_number ? DB_TEXT(f->id_number) : DB_NULLP,
			  DB_TEXT(f->lang && *f->lang ? f->lang : "ca"),
			  DB_TEXT(f->age_band ? f->age_band : ""),
			  DB_TEXT(f->gender ? f->gender : ""),
			  DB_INT(now)};
	return db_exec_one(c,
			   "UPDATE people SET name = $2, id_type = $3, id_number = $4, lang = $5, age_band = $6, "
			   "gender = $7, updated_at = $8 WHERE id = $1 AND erased_at IS NULL",
			   p, 8);
}

int pe_store_contact_add(db_conn_t *c, int64_t id, const char *kind, const char *value, const char *norm, int64_t now)
{
	db_param_t p[] = {DB_INT(id), DB_TEXT(kind), DB_TEXT(value), DB_TEXT(norm), DB_INT(now)};
	int64_t n = db_exec(c,
			    "INSERT INTO person_contacts (person_id, kind, value, norm, added_at) "
			    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (person_id, kind, norm) DO NOTHING",
			    p, 5);
	return n < 0 ? (int)n : 0;
}

/* A change to one row of a person's: the statement once per record until one changes a row. */
static int exec_on_one_of(db_conn_t *c, const char *sql, int np, const int64_t *ids, size_t n, int64_t row, int64_t now)
{
	for (size_t i = 0; i < n; i++) {
		db_param_t p[] = {DB_INT(ids[i]), DB_INT(row), DB_INT(now)};
		int rc = db_exec_any(c, sql, p, np);
		if (rc)
			return rc < 0 ? rc : 0;
	}
	return ERR_NOT_FOUND;
}

int pe_store_contact_delete(db_conn_t *c, const int64_t *ids, size_t n, int64_t contact_id)
{
	return exec_on_one_of(c, "DELETE FROM person_contacts WHERE person_id = $1 AND id = $2", 2, ids, n, contact_id,
			      0);
}

int pe_store_consent_add(db_conn_t *c, int64_t id, const char *what, const char *wording, const char *lang,
			 const char *source, int64_t now)
{
	db_param_t p[] = {DB_INT(id),
			  DB_TEXT(what),
			  DB_TEXT(wording),
			  DB_TEXT(lang ? lang : "ca"),
			  DB_TEXT(source ? source : ""),
			  DB_INT(now)};
	int64_t n = db_exec(c,
			    "INSERT INTO person_consents (person_id, what, wording, lang, source, given_at) "
			    "VALUES ($1, $2, $3, $4, $5, $6)",
			    p, 6);
	return n < 0 ? (int)n : 0;
}

int pe_store_consent_withdraw(db_conn_t *c, const int64_t *ids, size_t n, int64_t consent_id, int64_t now)
{
	return exec_on_one_of(c,
			      "UPDATE person_consents SET withdrawn_at = $3 WHERE person_id = $1 AND id = $2 "
			      "AND withdrawn_at IS NULL",
			      3, ids, n, consent_id, now);
}

int pe_store_merge(db_conn_t *c, int64_t survivor, int64_t merged, const char *by, int64_t now, int64_t *merge_id)
{
	db_param_t p[] = {DB_INT(merged), DB_INT(survivor), DB_INT(now)};
	int rc =
		db_exec_any(c,
			    "UPDATE people SET merged_into = $2, updated_at = $3 WHERE id = $1 AND merged_into IS NULL",
			    p, 3);
	if (rc <= 0)
		return rc < 0 ? rc : ERR_CONFLICT;
	db_param_t q[] = {DB_INT(survivor), DB_INT(merged), DB_TEXT(by), DB_INT(now)};
	return db_query_int(c,
			    "INSERT INTO people_merges (survivor_id, merged_id, merged_by, merged_at) "
			    "VALUES ($1, $2, $3, $4) RETURNING id",
			    q, 4, merge_id);
}

int pe_store_unmerge(db_conn_t *c, const people_merge_t *m, const char *by, int64_t now)
{
	db_param_t p[] = {DB_INT(m->id), DB_TEXT(by), DB_INT(now)};
	int rc = db_exec_any(c,
			     "UPDATE people_merges SET undone_by = $2, undone_at = $3 "
			     "WHERE id = $1 AND undone_at IS NULL",
			     p, 3);
	if (rc <= 0)
		return rc < 0 ? rc : ERR_CONFLICT;
	db_param_t q[] = {DB_INT(m->merged_id), DB_INT(m->survivor_id), DB_INT(now)};
	return db_exec_one(c,
			   "UPDATE people SET merged_into = NULL, updated_at = $3 WHERE id = $1 AND merged_into = $2",
			   q, 3);
}

int pe_store_erase(db_conn_t *c, const int64_t *ids, size_t n, int64_t now)
{
	for (size_t i = 0; i < n; i++) {
		db_param_t p[] = {DB_INT(ids[i]), DB_INT(now)};
		int64_t rc = db_exec(c,
				     "UPDATE people SET name = '', id_type = '', id_number = NULL, erased_at = $2, "
				     "updated_at = $2 WHERE id = $1",
				     p, 2);
		if (rc >= 0)
			rc = db_exec(c, "DELETE FROM person_contacts WHERE person_id = $1", p, 1);
		if (rc < 0)
			return (int)rc;
	}
	return 0;
}
