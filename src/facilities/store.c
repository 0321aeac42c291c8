/* store.c — every SQL statement of the facility finder (see internal.h). */
#include "facilities/internal.h"

#include "base/err.h"

#include <string.h>

#define COLS                                                                                                           \
	"id, code, name, category, district, address, postcode, lat, lon, phone, hours, services, accessibility, "     \
	"active"

static void row(db_res_t *r, void *item, arena_t *a)
{
	fc_facility_t *f = item;
	f->id = db_res_int(r, 0);
	f->code = db_res_astr(r, 1, a);
	f->name = db_res_astr(r, 2, a);
	f->category = db_res_astr(r, 3, a);
	f->district = db_res_astr(r, 4, a);
	f->address = db_res_astr(r, 5, a);
	f->postcode = db_res_astr(r, 6, a);
	f->has_geo = !db_res_null(r, 7) && !db_res_null(r, 8);
	f->lat = f->has_geo ? db_res_real(r, 7) : 0;
	f->lon = f->has_geo ? db_res_real(r, 8) : 0;
	f->phone = db_res_astr(r, 9, a);
	f->hours = db_res_astr(r, 10, a);
	f->services = db_res_astr(r, 11, a);
	f->accessibility = db_res_astr(r, 12, a);
	f->active = db_res_int(r, 13) != 0;
}

int fc_store_upsert(db_conn_t *c, const fc_facility_t *f, const char *search, int64_t now)
{
	db_param_t p[] = {DB_TEXT(f->code),
			  DB_TEXT(f->name),
			  DB_TEXT(f->category),
			  DB_TEXT(f->district),
			  DB_TEXT(f->address),
			  DB_TEXT(f->postcode),
			  f->has_geo ? DB_REAL(f->lat) : DB_NULLP,
			  f->has_geo ? DB_REAL(f->lon) : DB_NULLP,
			  DB_TEXT(f->phone),
			  DB_TEXT(f->hours),
			  DB_TEXT(f->services),
			  DB_TEXT(f->accessibility),
			  DB_INT(f->active),
			  DB_TEXT(search),
			  DB_INT(now)};
	return db_exec_one(
		c,
		"INSERT INTO facilities (code, name, category, district, address, postcode, lat, lon, phone, "
		"hours, services, accessibility, active, search, updated_at) "
		"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) "
		"ON CONFLICT (code) DO UPDATE SET name = $2, category = $3, district = $4, address = $5, "
		"postcode = $6, lat = $7, lon = $8, phone = $9, hours = $10, services = $11, accessibility = $12, "
		"active = $13, search = $14, updated_at = $15",
		p, 15);
}

int fc_store_get(db_conn_t *c, arena_t *a, const char *code, fc_facility_t *out)
{
	db_param_t p[] = {DB_TEXT(code)};
	return db_query_item(c, a, "SELECT " COLS " FROM facilities WHERE code = $1", p, 1, row, out);
}

int fc_store_all(db_conn_t *c, arena_t *a, fc_facility_t **out, size_t *n)
{
	return DB_QUERY_ROWS(c, a, "SELECT " COLS " FROM facilities ORDER BY name, code LIMIT 5000", NULL, 0, row, out,
			     n);
}

int fc_store_query(db_conn_t *c, arena_t *a, const fc_query_t *q, const char *qfold, size_t limit, fc_facility_t **out,
		   size_t *n)
{
	db_param_t p[] = {DB_TEXT(qfold), DB_TEXT(q->category), DB_TEXT(q->district), DB_TEXT(q->service),
			  DB_INT((int64_t)limit)};
	return DB_QUERY_ROWS(c, a,
			     "SELECT " COLS " FROM facilities WHERE active = 1 "
			     "AND ($1 = '' OR search LIKE '%' || $1 || '%') AND ($2 = '' OR category = $2) "
			     "AND ($3 = '' OR district = $3) AND ($4 = '' OR search LIKE '%' || $4 || '%') "
			     "ORDER BY name, code LIMIT $5",
			     p, 5, row, out, n);
}

int fc_store_postcode(db_conn_t *c, const char *postcode, double *lat, double *lon)
{
	db_res_t *r;
	db_param_t p[] = {DB_TEXT(postcode)};
	int rc = db_query(c, "SELECT lat, lon FROM facility_postcodes WHERE postcode = $1", p, 1, &r);
	if (rc)
		return rc;
	rc = db_res_next(r);
	if (rc == 1) {
		*lat = db_res_real(r, 0);
		*lon = db_res_real(r, 1);
		rc = 0;
	} else if (rc == 0) {
		rc = ERR_NOT_FOUND;
	}
	db_res_free(r);
	return rc;
}

int fc_store_postcodes_replace(db_conn_t *c, const char *const *codes, const double *lat, const double *lon, size_t n)
{
	int64_t d = db_exec(c, "DELETE FROM facility_postcodes", NULL, 0);
	int rc = d < 0 ? (int)d : 0;
	for (size_t i = 0; !rc && i < n; i++) {
		db_param_t p[] = {DB_TEXT(codes[i]), DB_REAL(lat[i]), DB_REAL(lon[i])};
		rc = db_exec_one(c, "INSERT INTO facility_postcodes (postcode, lat, lon) VALUES ($1, $2, $3)", p, 3);
	}
	return rc;
}

static void str_row(db_res_t *r, void *item, arena_t *a)
{
	*(const char **)item = db_res_astr(r, 0, a);
}

int fc_store_districts(db_conn_t *c, arena_t *a, const char ***out, size_t *n)
{
	return DB_QUERY_ROWS(c, a,
			     "SELECT DISTINCT district FROM facilities WHERE active = 1 AND district <> '' "
			     "ORDER BY district LIMIT 200",
			     NULL, 0, str_row, out, n);
}

int facilities_count(db_conn_t *c, int64_t *n)
{
	return db_query_int(c, "SELECT COUNT(*) FROM facilities WHERE active = 1", NULL, 0, n);
}
