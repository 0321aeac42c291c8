/* store.h — the catalogue's tables (migrations/002_catalog.sql): organisations, offices, zones,
 * desks, procedures, procedure_offices. All SQL of the capability lives in store.c.
 *
 * Reads fill model.h structs whose strings and arrays come from the arena passed in. Writes take
 * validated entities (the caller ran the model checks) and return ERR_CONFLICT for a unique or
 * foreign-key clash, ERR_DB / ERR_BUSY otherwise. None of these opens a transaction: the caller
 * decides. */
#ifndef FIN_CATALOG_STORE_H
#define FIN_CATALOG_STORE_H

#include "base/arena.h"
#include "catalog/catalog.h"
#include "catalog/model.h"
#include "db/db.h"

#include <stdbool.h>
#include <stdint.h>

/* ---- the contract's light views (catalog.h) */
int cat_store_office_light(db_conn_t *c, arena_t *a, const char *code, int64_t id, catalog_office_t *out);
int cat_store_offices_light(db_conn_t *c, arena_t *a, catalog_office_t **out, size_t *n);
int cat_store_proc_light(db_conn_t *c, arena_t *a, const char *code, int64_t id, catalog_procedure_t *out);
/* office_id 0: every active procedure. */
int cat_store_procs_light(db_conn_t *c, arena_t *a, int64_t office_id, catalog_procedure_t **out, size_t *n);
int cat_store_offered(db_conn_t *c, int64_t proc_id, int64_t office_id);

/* ---- organisations */
int cat_store_orgs(db_conn_t *c, arena_t *a, cat_org_t **out, size_t *n);
int cat_store_org_get(db_conn_t *c, arena_t *a, const char *code, cat_org_t *out);
int cat_store_org_insert(db_conn_t *c, const cat_org_t *o, int64_t now, int64_t *id);
int cat_store_org_update(db_conn_t *c, int64_t id, const cat_org_t *o, int64_t now);
bool cat_store_catalogue_empty(db_conn_t *c);

/* ---- offices, with their zones and desks when with_zones */
int cat_store_offices(db_conn_t *c, arena_t *a, bool active_only, bool with_zones, cat_office_t **out, size_t *n);
int cat_store_office_get(db_conn_t *c, arena_t *a, const char *code, bool with_zones, cat_office_t *out);
/* o->org is the organisation's code; ERR_NOT_FOUND when it does not exist. */
int cat_store_office_insert(db_conn_t *c, const cat_office_t *o, int64_t now, int64_t *id);
int cat_store_office_update(db_conn_t *c, int64_t id, const cat_office_t *o, int64_t now);
int cat_store_office_touch(db_conn_t *c, int64_t id, int64_t now);

int cat_store_zone_insert(db_conn_t *c, int64_t office_id, const cat_zone_t *z, int64_t *id);
int cat_store_zone_update(db_conn_t *c, int64_t id, const cat_zone_t *z);
int cat_store_zone_delete(db_conn_t *c, int64_t id);
int cat_store_desk_insert(db_conn_t *c, int64_t zone_id, const cat_desk_t *d, int64_t *id);
int cat_store_desk_update(db_conn_t *c, int64_t id, const cat_desk_t *d);
int cat_store_desk_delete(db_conn_t *c, int64_t id);

/* ---- procedures, with the codes of the offices offering them */
int cat_store_procs(db_conn_t *c, arena_t *a, bool active_only, cat_proc_t **out, size_t *n);
int cat_store_proc_get(db_conn_t *c, arena_t *a, const char *code, cat_proc_t *out);
int cat_store_proc_insert(db_conn_t *c, const cat_proc_t *p, int64_t now, int64_t *id);
int cat_store_proc_update(db_conn_t *c, int64_t id, const cat_proc_t *p, int64_t now);
/* Replaces the offices of a procedure; ERR_NOT_FOUND names no office (check first). */
int cat_store_proc_set_offices(db_conn_t *c, int64_t id, const cat_list_t *offices);
/* 0 when an office with that code exists (active or not), ERR_NOT_FOUND, or a storage error. */
int cat_store_office_exists(db_conn_t *c, const char *code);

#endif
