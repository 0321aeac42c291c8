/* catalog.h — the city's attention network: organisation → office → zone → desk, and the
 * procedure catalogue (tràmits). Other capabilities read offices and procedures only through
 * this header.
 *
 * Ownership: every string in an out-structure is allocated from the arena the caller passes and
 * lives as long as it; arrays returned through **out are arena memory too. db connections are
 * borrowed. Errors are 0 or a negative code from base/err.h: ERR_NOT_FOUND for an unknown code or
 * id, ERR_DB / ERR_BUSY for storage failures. */
#ifndef FIN_CATALOG_H
#define FIN_CATALOG_H

#include "base/arena.h"
#include "catalog/model.h"
#include "db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
	int64_t id;
	const char *code, *name_ca, *name_es, *name_en, *kind, *tz;
	bool active;
} catalog_office_t;

typedef struct {
	int64_t id;
	const char *code, *name_ca, *name_es, *name_en, *channels; /* channels: "in_person,phone" */
	int duration_min;
	bool active;
} catalog_procedure_t;

/* One office or procedure, active or not. ERR_NOT_FOUND when unknown. */
int catalog_office_by_code(db_conn_t *c, arena_t *a, const char *code, catalog_office_t *out);
int catalog_office_by_id(db_conn_t *c, arena_t *a, int64_t id, catalog_office_t *out);
int catalog_procedure_by_code(db_conn_t *c, arena_t *a, const char *code, catalog_procedure_t *out);
int catalog_procedure_by_id(db_conn_t *c, arena_t *a, int64_t id, catalog_procedure_t *out);

/* All active offices / procedures, ordered by code, as arena arrays (*n may be 0). */
int catalog_offices(db_conn_t *c, arena_t *a, catalog_office_t **out, size_t *n);
int catalog_procedures(db_conn_t *c, arena_t *a, catalog_procedure_t **out, size_t *n);
/* Active procedures offered at an office (by office id), ordered by code. */
int catalog_procedures_at(db_conn_t *c, arena_t *a, int64_t office_id, catalog_procedure_t **out, size_t *n);
/* 0 when the procedure is offered at the office, ERR_NOT_FOUND when not, or a storage error. */
int catalog_procedure_offered(db_conn_t *c, int64_t procedure_id, int64_t office_id);

/* The full records (address, accessibility notes, documents, descriptions) for other
 * capabilities' pages and models. The lists hold active records only; by code, any record
 * (check .active), ERR_NOT_FOUND for an unknown code. */
int catalog_office_full(db_conn_t *c, arena_t *a, const char *code, cat_office_t *out);
int catalog_procedure_full(db_conn_t *c, arena_t *a, const char *code, cat_proc_t *out);
int catalog_offices_full(db_conn_t *c, arena_t *a, cat_office_t **out, size_t *n);
/* One office (any) with its zones and their desks (active or not), as the office floor reads it. */
int catalog_office_with_zones(db_conn_t *c, arena_t *a, const char *code, cat_office_t *out);
int catalog_procedures_full(db_conn_t *c, arena_t *a, cat_proc_t **out, size_t *n);

/* The localised name for lang ("ca"|"es"|"en"; anything else gives Catalan). Borrowed from o/p. */
const char *catalog_office_name(const catalog_office_t *o, const char *lang);
const char *catalog_procedure_name(const catalog_procedure_t *p, const char *lang);

/* Channel names: in_person phone video chat kiosk deferred. */
bool catalog_channel_valid(const char *channel);
/* Whether a comma-separated channel list ("in_person,phone") holds channel. */
bool catalog_channels_has(const char *channels, const char *channel);

struct app;
/* After a committed change: drops this node's API cache and publishes `catalog.changed`
 * (type "changed", data {"what":…,"code":…}) for the other nodes. what/code may be NULL. */
void catalog_changed(struct app *app, const char *what, const char *code);

#endif
