/* internal.h — what the facility finder's files share (prefix fc_). No HTTP here. */
#ifndef FIN_FACILITIES_INTERNAL_H
#define FIN_FACILITIES_INTERNAL_H

#include "base/arena.h"
#include "base/fielderr.h"
#include "db/db.h"
#include "facilities/facilities.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The categories a facility may have (docs/facilities-format.md). */
#define FC_NCATEGORIES 8
extern const char *const fc_categories[FC_NCATEGORIES];

typedef struct {
	int64_t id;
	const char *code, *name, *category, *district, *address, *postcode, *phone, *hours, *services,
		*accessibility; /* services: "name; name; …" */
	bool has_geo;
	double lat, lon;
	bool active;
	double dist_m; /* from the search's point, when it has one */
} fc_facility_t;

/* Checks a facility (fields as named in the CSV and the forms); errors go to e with i18n keys
 * fc_err_*. true when there is none. */
bool fc_check(const fc_facility_t *f, fielderr_t *e);
/* The folded text searches match (arena). */
const char *fc_search_text(arena_t *a, const fc_facility_t *f);

typedef struct {
	const char *q, *category, *district, *service; /* "" for any */
	bool near;
	double lat, lon;
} fc_query_t;

/* Active facilities matching q (folded, anywhere in name, address, services or district), nearest
 * first when q->near (each with dist_m), else by name; at most limit (arena). */
int fc_search(db_conn_t *c, arena_t *a, const fc_query_t *q, size_t limit, fc_facility_t **out, size_t *n);
/* Great-circle distance in metres. */
double fc_distance_m(double lat1, double lon1, double lat2, double lon2);
/* "41.28,1.98" into lat and lon (within range). */
bool fc_parse_point(const char *s, double *lat, double *lon);

/* CSV import (docs/facilities-format.md): every row checked; ERR_INVALID with the problems on
 * err as FILE:LINE: FIELD: reason and nothing written, else one transaction that adds new codes
 * and updates known ones. */
int fc_import_file(db_conn_t *c, const char *path, FILE *out, FILE *err);
/* postcode,lat,lon: replaces the postcode centres. */
int fc_import_postcodes(db_conn_t *c, const char *path, FILE *out, FILE *err);

/* store.c */
int fc_store_upsert(db_conn_t *c, const fc_facility_t *f, const char *search, int64_t now);
int fc_store_get(db_conn_t *c, arena_t *a, const char *code, fc_facility_t *out);
/* Every facility (active or not), by name, for the coordinators' list. */
int fc_store_all(db_conn_t *c, arena_t *a, fc_facility_t **out, size_t *n);
int fc_store_query(db_conn_t *c, arena_t *a, const fc_query_t *q, const char *qfold, size_t limit, fc_facility_t **out,
		   size_t *n);
int fc_store_postcode(db_conn_t *c, const char *postcode, double *lat, double *lon);
int fc_store_postcodes_replace(db_conn_t *c, const char *const *codes, const double *lat, const double *lon, size_t n);
/* The districts in use, sorted (arena). */
int fc_store_districts(db_conn_t *c, arena_t *a, const char ***out, size_t *n);

/* demo.c */
int fc_demo_seed_root(db_conn_t *c, const char *root, FILE *out);

#endif
