/* store.c — all SQL of the catalogue (see store.h). */
#include "catalog/store.h"

#include "base/err.h"
#include "catalog/doc.h"

#include <string.h>

static const char *dup(arena_t *a, db_res_t *r, int col)
{
	return arena_strdup(a, db_res_text(r, col));
}

static int finish(db_res_t *res, int rc)
{
	db_res_free(res);
	return rc < 0 ? rc : 0;
}

static int exec_rc(int64_t n)
{
	return n < 0 ? (int)n : 0;
}

/* ---------------------------------------------------------------- light views */

#define OFFICE_LIGHT "SELECT id, code, name_ca, name_es, name_en, kind, tz, active FROM offices "

static void fill_office_light(db_res_t *r, void *item, arena_t *a)
{
	catalog_office_t *o = item;
	o->id = db_res_int(r, 0);
	o->code = dup(a, r, 1);
	o->name_ca = dup(a, r, 2);
	o->name_es = dup(a, r, 3);
	o->name_en = dup(a, r, 4);
	o->kind = dup(a, r, 5);
	o->tz = dup(a, r, 6);
	o->active = db_res_int(r, 7) != 0;
}

int cat_store_office_light(db_conn_t *c, arena_t *a, const char *code, int64_t id, catalog_office_t *out)
{
	db_param_t p[] = {code ? DB_TEXT(code) : DB_INT(id)};
	return db_query_item(c, a, code ? OFFICE_LIGHT "WHERE code = $1" : OFFICE_LIGHT "WHERE id = $1", p, 1,
			     fill_office_light, out);
}

int cat_store_offices_light(db_conn_t *c, arena_t *a, catalog_office_t **out, size_t *n)
{
	return DB_QUERY_ROWS(c, a, OFFICE_LIGHT "WHERE active = 1 ORDER BY code", NULL, 0, fill_office_light, out, n);
}

#define PROC_LIGHT                                                                                                     \
	"SELECT p.id, p.code, p.name_ca, p.name_es, p.name_en, p.channels, p.duration_min, p.active FROM procedures "  \
	"p "

static void fill_proc_light(db_res_t *r, void *item, arena_t *a)
{
	catalog_procedure_t *p = item;
	p->id = db_res_int(r, 0);
	p->code = dup(a, r, 1);
	p->name_ca = dup(a, r, 2);
	p->name_es = dup(a, r, 3);
	p->name_en = dup(a, r, 4);
	p->channels = dup(a, r, 5);
	p->duration_min = (int)db_res_int(r, 6);
	p->active = db_res_int(r, 7) != 0;
}

int cat_store_proc_light(db_conn_t *c, arena_t *a, const char *code, int64_t id, catalog_procedure_t *out)
{
	db_param_t p[] = {code ? DB_TEXT(code) : DB_INT(id)};
	return db_query_item(c, a, code ? PROC_LIGHT "WHERE p.code = $1" : PROC_LIGHT "WHERE p.id = $1", p, 1,
			     fill_proc_light, out);
}

int cat_store_procs_light(db_conn_t *c, arena_t *a, int64_t office_id, catalog_procedure_t **out, size_t *n)
{
	db_param_t p[] = {DB_INT(office_id)};
	if (!office_id)
		return DB_QUERY_ROWS(c, a, PROC_LIGHT "WHERE p.active = 1 ORDER BY p.code", NULL, 0, fill_proc_light,
				     out, n);
	return DB_QUERY_ROWS(c, a,
			     PROC_LIGHT "JOIN procedure_offices po ON po.procedure_id = p.id "
					"WHERE po.office_id = $1 AND p.active = 1 ORDER BY p.code",
			     p, 1, fill_proc_light, out, n);
}

int cat_store_offered(db_conn_t *c, int64_t proc_id, int64_t office_id)
{
	db_param_t p[] = {DB_INT(proc_id), DB_INT(office_id)};
	int64_t v = 0;
	return db_query_int(c, "SELECT 1 FROM procedure_offices WHERE procedure_id = $1 AND office_id = $2", p, 2, &v);
}

/* ---------------------------------------------------------------- organisations */

static void fill_org(db_res_t *r, void *item, arena_t *a)
{
	cat_org_t *o = item;
	*o = (cat_org_t){0};
	o->id = db_res_int(r, 0);
	o->code = dup(a, r, 1);
	for (int l = 0; l < CAT_NLANG; l++)
		o->name[l] = dup(a, r, 2 + l);
}

int cat_store_orgs(db_conn_t *c, arena_t *a, cat_org_t **out, size_t *n)
{
	return DB_QUERY_ROWS(c, a, "SELECT id, code, name_ca, name_es, name_en FROM organisations ORDER BY code", NULL,
			     0, fill_org, out, n);
}

int cat_store_org_get(db_conn_t *c, arena_t *a, const char *code, cat_org_t *out)
{
	db_param_t p[] = {DB_TEXT(code)};
	return db_query_item(c, a, "SELECT id, code, name_ca, name_es, name_en FROM organisations WHERE code = $1", p,
			     1, fill_org, out);
}

int cat_store_org_insert(db_conn_t *c, const cat_org_t *o, int64_t now, int64_t *id)
{
	db_param_t p[] = {DB_TEXT(o->code), DB_TEXT(o->name[0]), DB_TEXT(o->name[1]), DB_TEXT(o->name[2]), DB_INT(now)};
	return db_query_int(c,
			    "INSERT INTO organisations (code, name_ca, name_es, name_en, created_at, updated_at) "
			    "VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
			    p, 5, id);
}

int cat_store_org_update(db_conn_t *c, int64_t id, const cat_org_t *o, int64_t now)
{
	db_param_t p[] = {DB_INT(id), DB_TEXT(o->name[0]), DB_TEXT(o->name[1]), DB_TEXT(o->name[2]), DB_INT(now)};
	int64_t n = db_exec(c,
			    "UPDATE organisations SET name_ca = $2, name_es = $3, name_en = $4, updated_at = $5 WHERE "
			    "id = $1",
			    p, 5);
	return n == 0 ? ERR_NOT_FOUND : exec_rc(n);
}

bool cat_store_catalogue_empty(db_conn_t *c)
{
	int64_t v = 0;
	return db_query_int(c, "SELECT COUNT(*) FROM offices", NULL, 0, &v) == 0 && v == 0;
}

/* ---------------------------------------------------------------- offices */

#define OFFICE_COLS                                                                                                    \
	"SELECT o.id, o.code, g.code, o.kind, o.name_ca, o.name_es, o.name_en, o.address, o.postcode, o.city, "        \
	"o.lat, o.lon, o.phone, o.accessibility_ca, o.accessibility_es, o.accessibility_en, o.tz, o.active "           \
	"FROM offices o JOIN organisations g ON g.id = o.org_id "

static void fill_office(db_res_t *r, void *item, arena_t *a)
{
	cat_office_t *o = item;
	*o = (cat_office_t){0};
	o->id = db_res_int(r, 0);
	o->code = dup(a, r, 1);
	o->org = dup(a, r, 2);
	o->kind = dup(a, r, 3);
	for (int l = 0; l < CAT_NLANG; l++)
		o->name[l] = dup(a, r, 4 + l);
	o->address = dup(a, r, 7);
	o->postcode = dup(a, r, 8);
	o->city = dup(a, r, 9);
	o->has_geo = !db_res_null(r, 10) && !db_res_null(r, 11);
	if (o->has_geo) {
		o->lat = cat_round6(db_res_real(r, 10));
		o->lon = cat_round6(db_res_real(r, 11));
	}
	o->phone = dup(a, r, 12);
	for (int l = 0; l < CAT_NLANG; l++)
		o->access[l] = dup(a, r, 13 + l);
	o->tz = dup(a, r, 16);
	o->active = db_res_int(r, 17) != 0;
}

#define ZONE_COLS                                                                                                      \
	"SELECT z.id, z.office_id, z.code, z.kind, z.name_ca, z.name_es, z.name_en, z.colour, z.letter FROM zones z "
#define DESK_COLS "SELECT d.id, d.zone_id, d.code, d.display_name, d.active FROM desks d "

static void fill_zone(db_res_t *r, void *item, arena_t *a)
{
	cat_zone_t *z = item;
	*z = (cat_zone_t){0};
	z->id = db_res_int(r, 0);
	z->code = dup(a, r, 2);
	z->kind = dup(a, r, 3);
	for (int l = 0; l < CAT_NLANG; l++)
		z->name[l] = dup(a, r, 4 + l);
	z->colour = dup(a, r, 7);
	z->letter = dup(a, r, 8);
}

/* Loads zones and desks of the given offices (all of them when office_id is 0). */
static int load_zones(db_conn_t *c, arena_t *a, cat_office_t *offices, size_t n, int64_t office_id)
{
	db_param_t p[] = {DB_INT(office_id)};
	db_res_t *res;
	int rc = office_id ? db_query(c, ZONE_COLS "WHERE z.office_id = $1 ORDER BY z.office_id, z.letter, z.code", p,
				      1, &res)
			   : db_query(c, ZONE_COLS "ORDER BY z.office_id, z.letter, z.code", NULL, 0, &res);
	if (rc)
		return rc;
	size_t *caps = arena_alloc(a, (n + 1) * sizeof *caps);
	cat_office_t *cur = NULL;
	size_t cur_i = 0;
	while ((rc = db_res_next(res)) == 1) {
		int64_t oid = db_res_int(res, 1);
		if (!cur || cur->id != oid) {
			cur = NULL;
			for (size_t i = 0; i < n; i++)
				if (offices[i].id == oid) {
					cur = &offices[i];
					cur_i = i;
					break;
				}
		}
		if (!cur)
			continue;
		cur->zones = arena_grow(a, cur->zones, cur->nzones, &caps[cur_i], sizeof *cur->zones);
		fill_zone(res, &cur->zones[cur->nzones++], a);
	}
	db_res_free(res);
	if (rc < 0)
		return rc;
	rc = office_id ? db_query(c,
				  DESK_COLS
				  "JOIN zones z ON z.id = d.zone_id WHERE z.office_id = $1 ORDER BY d.zone_id, d.id",
				  p, 1, &res)
		       : db_query(c, DESK_COLS "ORDER BY d.zone_id, d.id", NULL, 0, &res);
	if (rc)
		return rc;
	cat_zone_t *zc = NULL;
	size_t zcap = 0;
	while ((rc = db_res_next(res)) == 1) {
		int64_t zid = db_res_int(res, 1);
		if (!zc || zc->id != zid) {
			zc = NULL;
			zcap = 0;
			for (size_t i = 0; i < n && !zc; i++)
				for (size_t z = 0; z < offices[i].nzones; z++)
					if (offices[i].zones[z].id == zid) {
						zc = &offices[i].zones[z];
						break;
					}
		}
		if (!zc)
			continue;
		zc->desks = arena_grow(a, zc->desks, zc->ndesks, &zcap, sizeof *zc->desks);
		cat_desk_t *d = &zc->desks[zc->ndesks++];
		*d = (cat_desk_t){.id = db_res_int(res, 0),
				  .code = dup(a, res, 2),
				  .display_name = dup(a, res, 3),
				  .active = db_res_int(res, 4) != 0};
	}
	return finish(res, rc);
}

int cat_store_offices(db_conn_t *c, arena_t *a, bool active_only, bool with_zones, cat_office_t **out, size_t *n)
{
	int rc = DB_QUERY_ROWS(c, a,
			       active_only ? OFFICE_COLS "WHERE o.active = 1 ORDER BY o.code"
					   : OFFICE_COLS "ORDER BY o.code",
			       NULL, 0, fill_office, out, n);
	return rc ? rc : with_zones && *n ? load_zones(c, a, *out, *n, 0) : 0;
}

int cat_store_office_get(db_conn_t *c, arena_t *a, const char *code, bool with_zones, cat_office_t *out)
{
	db_param_t p[] = {DB_TEXT(code)};
	int rc = db_query_item(c, a, OFFICE_COLS "WHERE o.code = $1", p, 1, fill_office, out);
	return rc ? rc : with_zones ? load_zones(c, a, out, 1, out->id) : 0;
}

static int org_id(db_conn_t *c, const char *code, int64_t *id)
{
	db_param_t p[] = {DB_TEXT(code)};
	return db_query_int(c, "SELECT id FROM organisations WHERE code = $1", p, 1, id);
}

#define OFFICE_PARAMS(o, org)                                                                                          \
	DB_INT(org), DB_TEXT((o)->code), DB_TEXT((o)->name[0]), DB_TEXT((o)->name[1]), DB_TEXT((o)->name[2]),          \
		DB_TEXT((o)->kind), DB_TEXT((o)->address ? (o)->address : ""),                                         \
		DB_TEXT((o)->postcode ? (o)->postcode : ""), DB_TEXT((o)->city ? (o)->city : ""),                      \
		(o)->has_geo ? DB_REAL((o)->lat) : DB_NULLP, (o)->has_geo ? DB_REAL((o)->lon) : DB_NULLP,              \
		DB_TEXT((o)->phone ? (o)->phone : ""), DB_TEXT((o)->access[0] ? (o)->access[0] : ""),                  \
		DB_TEXT((o)->access[1] ? (o)->access[1] : ""), DB_TEXT((o)->access[2] ? (o)->access[2] : ""),          \
		DB_TEXT((o)->tz), DB_INT((o)->active ? 1 : 0)

int cat_store_office_insert(db_conn_t *c, const cat_office_t *o, int64_t now, int64_t *id)
{
	int64_t org = 0;
	int rc = org_id(c, o->org, &org);
	if (rc)
		return rc;
	db_param_t p[] = {OFFICE_PARAMS(o, org), DB_INT(now)};
	return db_query_int(
		c,
		"INSERT INTO offices (org_id, code, name_ca, name_es, name_en, kind, address, postcode, city, "
		"lat, lon, phone, accessibility_ca, accessibility_es, accessibility_en, tz, active, "
		"created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
		"CAST($10 AS DOUBLE PRECISION), CAST($11 AS DOUBLE PRECISION), $12, $13, $14, $15, $16, $17, $18, $18) "
		"RETURNING id",
		p, 18, id);
}

int cat_store_office_update(db_conn_t *c, int64_t id, const cat_office_t *o, int64_t now)
{
	int64_t org = 0;
	int rc = org_id(c, o->org, &org);
	if (rc)
		return rc;
	db_param_t p[] = {OFFICE_PARAMS(o, org), DB_INT(now), DB_INT(id)};
	int64_t n = db_exec(c,
			    "UPDATE offices SET org_id = $1, code = $2, name_ca = $3, name_es = $4, name_en = $5, kind "
			    "= $6, "
			    "address = $7, postcode = $8, city = $9, lat = CAST($10 AS DOUBLE PRECISION), "
			    "lon = CAST($11 AS DOUBLE PRECISION), phone = $12, accessibility_ca = $13, "
			    "accessibility_es = $14, accessibility_en = $15, tz = $16, active = $17, updated_at = $18 "
			    "WHERE id = $19",
			    p, 19);
	return n == 0 ? ERR_NOT_FOUND : exec_rc(n);
}

int cat_store_office_touch(db_conn_t *c, int64_t id, int64_t now)
{
	db_param_t p[] = {DB_INT(id), DB_INT(now)};
	return exec_rc(db_exec(c, "UPDATE offices SET updated_at = $2 WHERE id = $1", p, 2));
}

int cat_store_office_exists(db_conn_t *c, const char *code)
{
	db_param_t p[] = {DB_TEXT(code)};
	int64_t v = 0;
	return db_query_int(c, "SELECT id FROM offices WHERE code = $1", p, 1, &v);
}

/* ---------------------------------------------------------------- zones and desks */

int cat_store_zone_insert(db_conn_t *c, int64_t office_id, const cat_zone_t *z, int64_t *id)
{
	db_param_t p[] = {DB_INT(office_id),   DB_TEXT(z->code),    DB_TEXT(z->kind),   DB_TEXT(z->name[0]),
			  DB_TEXT(z->name[1]), DB_TEXT(z->name[2]), DB_TEXT(z->colour), DB_TEXT(z->letter)};
	return db_query_int(c,
			    "INSERT INTO zones (office_id, code, kind, name_ca, name_es, name_en, colour, letter) "
			    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
			    p, 8, id);
}

int cat_store_zone_update(db_conn_t *c, int64_t id, const cat_zone_t *z)
{
	db_param_t p[] = {DB_INT(id),          DB_TEXT(z->code),    DB_TEXT(z->kind),   DB_TEXT(z->name[0]),
			  DB_TEXT(z->name[1]), DB_TEXT(z->name[2]), DB_TEXT(z->colour), DB_TEXT(z->letter)};
	int64_t n = db_exec(c,
			    "UPDATE zones SET code = $2, kind = $3, name_ca = $4, name_es = $5, name_en = $6, "
			    "colour = $7, letter = $8 WHERE id = $1",
			    p, 8);
	return n == 0 ? ERR_NOT_FOUND : exec_rc(n);
}

int cat_store_zone_delete(db_conn_t *c, int64_t id)
{
	db_param_t p[] = {DB_INT(id)};
	int64_t n = db_exec(c, "DELETE FROM zones WHERE id = $1", p, 1);
	return n == 0 ? ERR_NOT_FOUND : exec_rc(n);
}

int cat_store_desk_insert(db_conn_t *c, int64_t zone_id, const cat_desk_t *d, int64_t *id)
{
	db_param_t p[] = {DB_INT(zone_id), DB_TEXT(d->code), DB_TEXT(d->display_name), DB_INT(d->active ? 1 : 0)};
	return db_query_int(c,
			    "INSERT INTO desks (zone_id, code, display_name, active) VALUES ($1, $2, $3, $4) RETURNING "
			    "id",
			    p, 4, id);
}

int cat_store_desk_update(db_conn_t *c, int64_t id, const cat_desk_t *d)
{
	db_param_t p[] = {DB_INT(id), DB_TEXT(d->code), DB_TEXT(d->display_name), DB_INT(d->active ? 1 : 0)};
	int64_t n = db_exec(c, "UPDATE desks SET code = $2, display_name = $3, active = $4 WHERE id = $1", p, 4);
	return n == 0 ? ERR_NOT_FOUND : exec_rc(n);
}

int cat_store_desk_delete(db_conn_t *c, int64_t id)
{
	db_param_t p[] = {DB_INT(id)};
	int64_t n = db_exec(c, "DELETE FROM desks WHERE id = $1", p, 1);
	return n == 0 ? ERR_NOT_FOUND : exec_rc(n);
}

/* ---------------------------------------------------------------- procedures */

#define PROC_COLS                                                                                                      \
	"SELECT p.id, p.code, p.category, p.name_ca, p.name_es, p.name_en, p.description_ca, p.description_es, "       \
	"p.description_en, p.documents_ca, p.documents_es, p.documents_en, p.id_methods, p.channels, "                 \
	"p.duration_min, p.online_url, p.active FROM procedures p "

static void fill_proc(db_res_t *r, void *item, arena_t *a)
{
	cat_proc_t *p = item;
	*p = (cat_proc_t){0};
	p->id = db_res_int(r, 0);
	p->code = dup(a, r, 1);
	p->category = dup(a, r, 2);
	for (int l = 0; l < CAT_NLANG; l++) {
		p->name[l] = dup(a, r, 3 + l);
		p->desc[l] = dup(a, r, 6 + l);
		cat_list_split(a, db_res_text(r, 9 + l), '\n', &p->docs[l]);
	}
	p->id_methods = dup(a, r, 12);
	p->channels = dup(a, r, 13);
	p->duration_min = (int)db_res_int(r, 14);
	p->online_url = dup(a, r, 15);
	p->active = db_res_int(r, 16) != 0;
}

/* Attaches office codes to procedures (ordered by office code). */
static int load_proc_offices(db_conn_t *c, arena_t *a, cat_proc_t *procs, size_t n, int64_t proc_id)
{
	db_param_t p[] = {DB_INT(proc_id)};
	db_res_t *res;
	int rc = proc_id ? db_query(c,
				    "SELECT po.procedure_id, o.code FROM procedure_offices po JOIN offices o ON o.id = "
				    "po.office_id "
				    "WHERE po.procedure_id = $1 ORDER BY o.code",
				    p, 1, &res)
			 : db_query(c,
				    "SELECT po.procedure_id, o.code FROM procedure_offices po JOIN offices o ON o.id = "
				    "po.office_id "
				    "ORDER BY po.procedure_id, o.code",
				    NULL, 0, &res);
	if (rc)
		return rc;
	cat_proc_t *cur = NULL;
	size_t cap = 0;
	while ((rc = db_res_next(res)) == 1) {
		int64_t pid = db_res_int(res, 0);
		if (!cur || cur->id != pid) {
			cur = NULL;
			cap = 0;
			for (size_t i = 0; i < n; i++)
				if (procs[i].id == pid) {
					cur = &procs[i];
					break;
				}
		}
		if (!cur)
			continue;
		cur->offices.v = arena_grow(a, cur->offices.v, cur->offices.n, &cap, sizeof *cur->offices.v);
		cur->offices.v[cur->offices.n++] = dup(a, res, 1);
	}
	return finish(res, rc);
}

int cat_store_procs(db_conn_t *c, arena_t *a, bool active_only, cat_proc_t **out, size_t *n)
{
	int rc = DB_QUERY_ROWS(c, a,
			       active_only ? PROC_COLS "WHERE p.active = 1 ORDER BY p.code"
					   : PROC_COLS "ORDER BY p.code",
			       NULL, 0, fill_proc, out, n);
	return rc ? rc : *n ? load_proc_offices(c, a, *out, *n, 0) : 0;
}

int cat_store_proc_get(db_conn_t *c, arena_t *a, const char *code, cat_proc_t *out)
{
	db_param_t p[] = {DB_TEXT(code)};
	int rc = db_query_item(c, a, PROC_COLS "WHERE p.code = $1", p, 1, fill_proc, out);
	return rc ? rc : load_proc_offices(c, a, out, 1, out->id);
}

#define PROC_PARAMS(a, p)                                                                                              \
	DB_TEXT((p)->code), DB_TEXT((p)->category), DB_TEXT((p)->name[0]), DB_TEXT((p)->name[1]),                      \
		DB_TEXT((p)->name[2]), DB_TEXT((p)->desc[0] ? (p)->desc[0] : ""),                                      \
		DB_TEXT((p)->desc[1] ? (p)->desc[1] : ""), DB_TEXT((p)->desc[2] ? (p)->desc[2] : ""),                  \
		DB_TEXT(cat_list_join(a, &(p)->docs[0], '\n')), DB_TEXT(cat_list_join(a, &(p)->docs[1], '\n')),        \
		DB_TEXT(cat_list_join(a, &(p)->docs[2], '\n')), DB_TEXT((p)->id_methods), DB_TEXT((p)->channels),      \
		DB_INT((p)->duration_min), DB_TEXT((p)->online_url ? (p)->online_url : ""),                            \
		DB_INT((p)->active ? 1 : 0)

int cat_store_proc_insert(db_conn_t *c, const cat_proc_t *p, int64_t now, int64_t *id)
{
	arena_t *a = arena_new();
	db_param_t prm[] = {PROC_PARAMS(a, p), DB_INT(now)};
	int rc = db_query_int(c,
			      "INSERT INTO procedures (code, category, name_ca, name_es, name_en, description_ca, "
			      "description_es, description_en, documents_ca, documents_es, documents_en, id_methods, "
			      "channels, duration_min, online_url, active, created_at, updated_at) VALUES ($1, $2, $3, "
			      "$4, "
			      "$5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id",
			      prm, 17, id);
	arena_free(a);
	return rc;
}

int cat_store_proc_update(db_conn_t *c, int64_t id, const cat_proc_t *p, int64_t now)
{
	arena_t *a = arena_new();
	db_param_t prm[] = {PROC_PARAMS(a, p), DB_INT(now), DB_INT(id)};
	int64_t n =
		db_exec(c,
			"UPDATE procedures SET code = $1, category = $2, name_ca = $3, name_es = $4, name_en = $5, "
			"description_ca = $6, description_es = $7, description_en = $8, documents_ca = $9, "
			"documents_es = $10, documents_en = $11, id_methods = $12, channels = $13, duration_min = $14, "
			"online_url = $15, active = $16, updated_at = $17 WHERE id = $18",
			prm, 18);
	arena_free(a);
	return n == 0 ? ERR_NOT_FOUND : exec_rc(n);
}

int cat_store_proc_set_offices(db_conn_t *c, int64_t id, const cat_list_t *offices)
{
	db_param_t p[] = {DB_INT(id)};
	int rc = exec_rc(db_exec(c, "DELETE FROM procedure_offices WHERE procedure_id = $1", p, 1));
	for (size_t i = 0; i < offices->n && !rc; i++) {
		db_param_t q[] = {DB_INT(id), DB_TEXT(offices->v[i])};
		int64_t n = db_exec(c,
				    "INSERT INTO procedure_offices (procedure_id, office_id) "
				    "SELECT $1, id FROM offices WHERE code = $2",
				    q, 2);
		rc = n == 0 ? ERR_NOT_FOUND : exec_rc(n);
	}
	return rc;
}
