/* doc.h — the catalogue's exchange formats (docs/catalogue-format.md): one JSON document, or one
 * CSV file per table (organisations, offices, zones, desks, procedures) told apart by its header.
 *
 * Reading parses and validates without storage: every entity is checked (model.h), codes must be
 * unique where the database wants them unique, and every problem is reported with where it is
 * (a JSON path "offices[2].zones[0]" or a CSV "line 4") and which field. References to other
 * tables (an office's organisation, a procedure's offices, a zone's office in zones.csv) are
 * resolved when the document is applied (catalog.c), since they may already be in the database.
 *
 * Ownership: everything in a cat_doc_t read here is new memory of the arena passed in; the input
 * text is borrowed for the call only. cat_doc_to_json returns a new reference. */
#ifndef FIN_CATALOG_DOC_H
#define FIN_CATALOG_DOC_H

#include "base/arena.h"
#include "base/buf.h"
#include "catalog/model.h"

#include <jansson.h>
#include <stddef.h>

#define CAT_DOC_FORMAT "finestreta-catalogue"
#define CAT_DOC_VERSION 1
#define CAT_FILE_MAX ((size_t)16 << 20)

typedef enum {
	CAT_K_JSON,          /* a whole document */
	CAT_K_ORGANISATIONS, /* CSV tables */
	CAT_K_OFFICES,
	CAT_K_ZONES, /* offices[] hold only the code (ref) and their zones */
	CAT_K_DESKS, /* offices[] and their zones[] hold only codes, then desks */
	CAT_K_PROCEDURES,
} cat_kind_t;

/* "organisations", "offices", "zones", "desks", "procedures" ("json" for CAT_K_JSON). */
const char *cat_kind_name(cat_kind_t k);
/* The CSV table named s, or -1. */
int cat_kind_from_name(const char *s);

typedef struct {
	const char *where;  /* "offices[2].zones[0]", "line 4", or "" for the whole input */
	const char *field;  /* "colour", "name.ca", or "" */
	const char *reason; /* i18n key (model.h reasons) */
	const char *detail; /* extra English text or "" */
} cat_ierr_t;

#define CAT_IERRS_MAX 50
typedef struct {
	cat_ierr_t e[CAT_IERRS_MAX];
	size_t n;       /* kept */
	size_t dropped; /* past the cap */
} cat_ierrs_t;

void cat_ierrs_add(cat_ierrs_t *e, const char *where, const char *field, const char *reason, const char *detail);
/* One English line per error, "PREFIX WHERE: field FIELD: TEXT DETAIL\n" (prefix may be ""). */
int cat_ierrs_format(const cat_ierrs_t *e, const char *prefix, buf_t *out);

/* Parses and validates. 0, or ERR_INVALID with errs filled (*out is then unusable). cat_read_csv
 * also says which table the file holds. */
int cat_read_json(arena_t *a, const char *text, size_t len, cat_doc_t *out, cat_ierrs_t *errs);
int cat_read_csv(arena_t *a, const char *text, size_t len, cat_kind_t *kind, cat_doc_t *out, cat_ierrs_t *errs);

/* The whole document as JSON (organisations, offices with zones and desks, procedures, in the
 * order of the arrays). */
json_t *cat_doc_to_json(const cat_doc_t *d);
/* "a,b,,c" as ["a", "b", "c"] (empty items dropped). New. */
json_t *cat_commas_json(const char *s);
/* One table as CSV, header first, records ending in CRLF. 0 or ERR_TOO_BIG. */
int cat_doc_to_csv(const cat_doc_t *d, cat_kind_t table, buf_t *out);

/* Splits a stored list (one item per line) into l, and joins l back; arena memory. */
void cat_list_split(arena_t *a, const char *s, char sep, cat_list_t *l);
const char *cat_list_join(arena_t *a, const cat_list_t *l, char sep);

#endif
