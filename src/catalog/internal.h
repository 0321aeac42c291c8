/* internal.h — what the catalogue's own files share: import and export over the store, the
 * public API cache, the route tables. Not for other capabilities (they use catalog.h). */
#ifndef FIN_CATALOG_INTERNAL_H
#define FIN_CATALOG_INTERNAL_H

#include "catalog/catalog.h"
#include "catalog/doc.h"
#include "http/http.h"

#include <stdbool.h>

typedef struct {
	int created, updated, unchanged;
} cat_count_t;

typedef struct {
	cat_count_t orgs, offices, zones, desks, procs;
} cat_import_stats_t;

/* Applies documents (in the order given; read them with doc.h) in one transaction: upserts by
 * code, never deletes. Office lists of procedures are replaced by the document's. On any error
 * nothing is written and errs says where; dry_run rolls back even when all went well.
 * 0, ERR_INVALID (errs filled), or a storage error (errs holds its message). */
int cat_import(db_conn_t *c, arena_t *a, const cat_doc_t *docs, size_t n, bool dry_run, cat_import_stats_t *st,
	       cat_ierrs_t *errs);
/* The whole catalogue, active or not, ordered by code (zones by letter, desks as created). */
int cat_export(db_conn_t *c, arena_t *a, cat_doc_t *out);

/* The public API's cache of rendered bodies (api.c). */
void cat_cache_clear(void);
void cat_api_routes(void);
void cat_page_routes(void);

/* Seconds since the epoch (a function so tests and pages agree). */
int64_t cat_now(void);

#endif
