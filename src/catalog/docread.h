/* docread.h — what the catalogue's document readers share (doc.c, doc_json.c, doc_csv.c). */
#ifndef FIN_CATALOG_DOCREAD_H
#define FIN_CATALOG_DOCREAD_H

#include "catalog/doc.h"

#include <stdbool.h>

/* Most entities one document or table may hold. */
#define MAX_ITEMS 20000

typedef struct {
	arena_t *a;
	cat_ierrs_t *errs;
	bool json; /* field names as JSON paths (name.ca) rather than CSV columns (name_ca) */
} cat_rd_t;

/* name_ca → name.ca for the JSON document's nested language objects. */
const char *cat_rd_label(cat_rd_t *r, const char *field);
/* Reports the errors of one entity: the reading problems first, then the check's, leaving out
 * fields that already have a reading problem. */
void cat_rd_flush(cat_rd_t *r, const char *where, const fielderr_t *read, const fielderr_t *check);
/* Single-line text trimmed; multi-line text with CRLF and CR as LF, trimmed (arena). */
const char *cat_clean_line(arena_t *a, const char *s);
const char *cat_clean_multi(arena_t *a, const char *s);
/* Whether a field holds multi-line text (descriptions, accessibility notes). */
bool cat_is_multi(const char *field);
/* A comma list of enumerated names from items; NULL when one is unknown. */
const char *cat_enum_from_list(arena_t *a, const cat_list_t *l, const char *const *set, size_t nset);
/* A CSV table's columns (ending with {NULL}), in the order the writer puts them. */
typedef struct {
	const char *name;
	bool required;
} cat_col_t;
const cat_col_t *cat_table_cols(cat_kind_t k);

/* Reports repeated codes (and zone letters) within the document. */
void cat_doc_dups(cat_rd_t *r, cat_doc_t *d);

#endif
