/* store.c — every SQL statement of the padró capability (see internal.h). */
#include "padro/internal.h"

#include "base/err.h"

#include <string.h>

/* db_exec for a statement that may change any number of rows: 0 or the error. */
static int exec_ok(db_conn_t *c, const char *sql, const db_param_t *p, int n)
{
	int64_t r = db_exec(c, sql, p, n);
	return r < 0 ? (int)r : 0;
}

/* ---------------------------------------------------------------- the local register */

int pd_store_replace(db_conn_t *c, const pd_household_t *h, size_t n)
{
	int rc = exec_ok(c, "DELETE FROM padro_people", NULL, 0);
	if (!rc)
		rc = exec_ok(c, "DELETE FROM padro_households", NULL, 0);
	for (size_t i = 0; !rc && i < n; i++) {
		int64_t hid = 0;
		db_param_t hp[] = {DB_TEXT(h[i].code), DB_TEXT(h[i].address), DB_TEXT(h[i].postcode),
				   DB_TEXT(h[i].district)};
		rc = db_query_int(c,
				  "INSERT INTO padro_households (code, address, postcode, district) "
				  "VALUES ($1, $2, $3, $4) RETURNING id",
				  hp, 4, &hid);
		for (size_t k = 0; !rc && k < h[i].n; k++) {
			const pd_person_t *p = &h[i].people[k];
			db_param_t pp[] = {DB_INT(hid),
					   DB_TEXT(p->id_type),
					   DB_TEXT(p->id_number),
					   DB_TEXT(p->given_name),
					   DB_TEXT(p->surnames),
					   DB_TEXT(p->birth_date),
					   DB_TEXT(p->registered_on),
					   DB_TEXT(p->mobile)};
			rc = db_exec_one(c,
					 "INSERT INTO padro_people (household_id, id_type, id_number, given_name, "
					 "surnames, birth_date, registered_on, mobile) VALUES ($1, $2, $3, $4, $5, $6, "
					 "$7, $8)",
					 pp, 8);
		}
	}
	return rc;
}

static void person_row(db_res_t *r, void *item, arena_t *a)
{
	pd_person_t *p = item;
	p->id_type = db_res_astr(r, 0, a);
	p->id_number = db_res_astr(r, 1, a);
	p->given_name = db_res_astr(r, 2, a);
	p->surnames = db_res_astr(r, 3, a);
	p->birth_date = db_res_astr(r, 4, a);
	p->registered_on = db_res_astr(r, 5, a);
	p->mobile = db_res_astr(r, 6, a);
}

static void household_row(db_res_t *r, void *item, arena_t *a)
{
	pd_household_t *h = item;
	memset(h, 0, sizeof *h);
	h->code = db_res_astr(r, 0, a);
	h->address = db_res_astr(r, 1, a);
	h->postcode = db_res_astr(r, 2, a);
	h->district = db_res_astr(r, 3, a);
}

int pd_store_lookup(db_conn_t *c, arena_t *a, const char *id_number, pd_household_t *out)
{
	db_param_t p[] = {DB_TEXT(id_number)};
	int rc = db_query_item(c, a,
			       "SELECT h.code, h.address, h.postcode, h.district FROM padro_people p "
			       "JOIN padro_households h ON h.id = p.household_id WHERE p.id_number = $1",
			       p, 1, household_row, out);
	if (rc)
		return rc;
	rc = DB_QUERY_ROWS(c, a,
			   "SELECT p.id_type, p.id_number, p.given_name, p.surnames, p.birth_date, p.registered_on, "
			   "p.mobile FROM padro_people p JOIN padro_households h ON h.id = p.household_id "
			   "WHERE h.code = $1 ORDER BY p.birth_date, p.id LIMIT 200",
			   (db_param_t[]){DB_TEXT(out->code)}, 1, person_row, &out->people, &out->n);
	for (size_t i = 0; !rc && i < out->n; i++)
		if (strcmp(out->people[i].id_number, id_number) == 0)
			out->self = i;
	return rc;
}

int pd_store_counts(db_conn_t *c, int64_t *people, int64_t *households)
{
	int rc = db_query_int(c, "SELECT COUNT(*) FROM padro_people", NULL, 0, people);
	return rc ? rc : db_query_int(c, "SELECT COUNT(*) FROM padro_households", NULL, 0, households);
}

/* ---------------------------------------------------------------- codes */

int pd_store_code_counts(db_conn_t *c, const char *id_key, const char *client, int64_t since, int64_t *by_id,
			 int64_t *by_client)
{
	db_param_t p[] = {DB_TEXT(id_key), DB_INT(since)};
	int rc =
		db_query_int(c, "SELECT COUNT(*) FROM padro_codes WHERE id_key = $1 AND created_at >= $2", p, 2, by_id);
	if (rc)
		return rc;
	db_param_t q[] = {DB_TEXT(client), DB_INT(since)};
	return db_query_int(c, "SELECT COUNT(*) FROM padro_codes WHERE client = $1 AND created_at >= $2", q, 2,
			    by_client);
}

int pd_store_code_add(db_conn_t *c, const char *id_key, const char *client, const char *code_hash, int64_t now,
		      int64_t expires_at, int64_t *id)
{
	db_param_t p[] = {DB_TEXT(id_key), DB_TEXT(client), DB_TEXT(code_hash), DB_INT(now), DB_INT(expires_at)};
	return db_query_int(c,
			    "INSERT INTO padro_codes (id_key, client, code_hash, created_at, expires_at) "
			    "VALUES ($1, $2, $3, $4, $5) RETURNING id",
			    p, 5, id);
}

static void code_row(db_res_t *r, void *item, arena_t *a)
{
	pd_code_row_t *x = item;
	x->id = db_res_int(r, 0);
	x->expires_at = db_res_int(r, 1);
	x->tries = db_res_int(r, 2);
	x->used_at = db_res_int(r, 3);
	x->code_hash = db_res_astr(r, 4, a);
}

int pd_store_code_latest(db_conn_t *c, arena_t *a, const char *id_key, pd_code_row_t *out)
{
	db_param_t p[] = {DB_TEXT(id_key)};
	return db_query_item(c, a,
			     "SELECT id, expires_at, tries, used_at, code_hash FROM padro_codes WHERE id_key = $1 "
			     "ORDER BY created_at DESC, id DESC LIMIT 1",
			     p, 1, code_row, out);
}

int pd_store_code_try(db_conn_t *c, int64_t id, bool used, int64_t now)
{
	db_param_t p[] = {DB_INT(id), DB_INT(used ? now : 0)};
	int64_t n = db_exec(c,
			    "UPDATE padro_codes SET tries = tries + 1, "
			    "used_at = CASE WHEN $2 > 0 THEN $2 ELSE used_at END WHERE id = $1 AND used_at IS NULL",
			    p, 2);
	return n < 0 ? (int)n : n > 0 ? 1 : 0;
}

/* ---------------------------------------------------------------- certificates */

int pd_store_volant_add(db_conn_t *c, const pd_volant_t *v)
{
	db_param_t p[] = {DB_TEXT(v->code),
			  DB_TEXT(v->kind),
			  DB_TEXT(v->lang),
			  DB_TEXT(v->holder),
			  DB_INT(v->holders),
			  DB_TEXT(v->sha256),
			  DB_TEXT(v->channel),
			  DB_TEXT(v->confirmed_by),
			  DB_INT(v->issued_at),
			  DB_BLOB(v->pdf, v->pdf_len),
			  v->person_id > 0 ? DB_INT(v->person_id) : DB_NULLP};
	return db_exec_one(c,
			   "INSERT INTO padro_volants (code, kind, lang, holder, holders, sha256, channel, "
			   "confirmed_by, issued_at, pdf, person_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
			   "$10, $11)",
			   p, 11);
}

static void volant_fill(db_res_t *r, void *item, arena_t *a)
{
	pd_volant_t *v = item;
	v->code = db_res_astr(r, 0, a);
	v->kind = db_res_astr(r, 1, a);
	v->lang = db_res_astr(r, 2, a);
	v->holder = db_res_astr(r, 3, a);
	v->holders = db_res_int(r, 4);
	v->sha256 = db_res_astr(r, 5, a);
	v->channel = db_res_astr(r, 6, a);
	v->confirmed_by = db_res_astr(r, 7, a);
	v->issued_at = db_res_int(r, 8);
	v->person_id = db_res_int(r, 9);
}

int pd_store_volants_by_person(db_conn_t *c, arena_t *a, int64_t person_id, pd_volant_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(person_id)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT code, kind, lang, holder, holders, sha256, channel, confirmed_by, issued_at, "
			     "COALESCE(person_id, 0) FROM padro_volants WHERE person_id = $1 ORDER BY issued_at DESC, "
			     "id DESC LIMIT 500",
			     p, 1, volant_fill, out, n);
}

int pd_store_erase_person(db_conn_t *c, int64_t person_id)
{
	db_param_t p[] = {DB_BLOB("", 0), DB_INT(person_id)};
	return exec_ok(c, "UPDATE padro_volants SET holder = '', pdf = $1 WHERE person_id = $2", p, 2);
}

typedef struct {
	arena_t *a;
	bool with_pdf;
	pd_volant_t *v;
} volant_read_t;

static int volant_row(db_res_t *r, void *ud)
{
	volant_read_t *x = ud;
	pd_volant_t *v = x->v;
	memset(v, 0, sizeof *v);
	volant_fill(r, v, x->a);
	if (x->with_pdf) {
		size_t n = 0;
		const void *d = db_res_blob(r, 10, &n);
		unsigned char *copy = arena_alloc(x->a, n ? n : 1);
		if (n)
			memcpy(copy, d, n);
		v->pdf = copy;
		v->pdf_len = n;
	}
	return 0;
}

int pd_store_volant_get(db_conn_t *c, arena_t *a, const char *code, bool with_pdf, pd_volant_t *out)
{
	db_param_t p[] = {DB_TEXT(code)};
	volant_read_t x = {a, with_pdf, out};
	return db_query_one(
		c,
		with_pdf ? "SELECT code, kind, lang, holder, holders, sha256, channel, confirmed_by, issued_at, "
			   "COALESCE(person_id, 0), pdf FROM padro_volants WHERE code = $1"
			 : "SELECT code, kind, lang, holder, holders, sha256, channel, confirmed_by, issued_at, "
			   "COALESCE(person_id, 0) FROM padro_volants WHERE code = $1",
		p, 1, volant_row, &x);
}

int pd_store_purge(db_conn_t *c, int64_t codes_before, int64_t volants_before)
{
	int rc = exec_ok(c, "DELETE FROM padro_codes WHERE created_at < $1", (db_param_t[]){DB_INT(codes_before)}, 1);
	return rc ? rc
		  : exec_ok(c, "DELETE FROM padro_volants WHERE issued_at < $1", (db_param_t[]){DB_INT(volants_before)},
			    1);
}

int padro_volants_issued(db_conn_t *c, int64_t since, int64_t *n)
{
	db_param_t p[] = {DB_INT(since)};
	return db_query_int(c, "SELECT COUNT(*) FROM padro_volants WHERE issued_at >= $1", p, 1, n);
}
