/* internal.h — what the catalogue's own files share: import and export over the store, the
 * public API cache, the route tables. Not for other capabilities (they use catalog.h). */
#ifndef FIN_CATALOG_INTERNAL_H
#define FIN_CATALOG_INTERNAL_H

#include "catalog/catalog.h"
#include "catalog/doc.h"

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
/* Subscribes this node's public API cache to the bus topic `catalog.changed`, so a change made
 * on another node drops it too. Idempotent; the API handlers also call it on first use. */
struct app;
void catalog_start(struct app *app);

/* Fills an empty catalogue with the demo city: ROOT/deploy/demo/catalogue.json, loaded with the
 * catalogue import. 0, or an error; nothing is written on error. A catalogue that already has
 * offices is left as is (0). Runs its own transaction: call it outside one. */
int catalog_demo_seed_root(db_conn_t *c, const char *root);

/* `finestreta import catalogue FILE...`: reads each file (JSON, or CSV when its name ends in
 * .csv), then applies them all in one transaction (CSV tables in the order organisations,
 * offices, zones, desks, procedures). Prints what changed to out, or each problem (file, row or
 * JSON path, field) to err. 0, ERR_INVALID (bad input, nothing written), or another error. */
int catalog_cli_import(db_conn_t *c, const char *const *files, size_t n, bool dry_run, FILE *out, FILE *err);
/* `finestreta export catalogue`: format "json" (the whole document) or "csv" (one table: table is
 * organisations, offices, zones, desks or procedures; NULL gives procedures). */
int catalog_cli_export(db_conn_t *c, const char *format, const char *table, FILE *out, FILE *err);

/* Seconds since the epoch (a function so tests and pages agree). */
int64_t cat_now(void);

#endif
