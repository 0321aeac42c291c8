/* internal.h — what the people capability's files share (prefix pe_); other capabilities use
 * people/people.h. No HTTP here: web.h has what the web files share. */
#ifndef FIN_PEOPLE_INTERNAL_H
#define FIN_PEOPLE_INTERNAL_H

#include "base/arena.h"
#include "base/fielderr.h"
#include "db/db.h"
#include "people/people.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The editable fields of a record. */
typedef struct {
	const char *name, *id_type, *id_number, *lang, *age_band, *gender; /* id_number NULL: unknown */
} pe_fields_t;

/* ---------------------------------------------------------------- store.c */

/* The root of id's merge chain (id itself when it was never merged). ERR_NOT_FOUND. */
int pe_store_root(db_conn_t *c, int64_t id, int64_t *root);
/* The record's own fields into out (ids, contacts, consents, merges left empty). */
int pe_store_get(db_conn_t *c, arena_t *a, int64_t id, people_t *out);
/* Every record merged into root, directly or not (root excluded), as an arena array. */
int pe_store_merged(db_conn_t *c, arena_t *a, int64_t root, int64_t **out, size_t *n);
int pe_store_contacts(db_conn_t *c, arena_t *a, const int64_t *ids, size_t n, people_contact_t **out, size_t *nout);
int pe_store_consents(db_conn_t *c, arena_t *a, const int64_t *ids, size_t n, people_consent_t **out, size_t *nout);
int pe_store_merges(db_conn_t *c, arena_t *a, const int64_t *ids, size_t n, people_merge_t **out, size_t *nout);
int pe_store_merge_get(db_conn_t *c, arena_t *a, int64_t merge_id, people_merge_t *out);
/* The record with this ID number (any record, merged or not); ERR_NOT_FOUND. */
int pe_store_by_id_number(db_conn_t *c, const char *id_number, int64_t *id);
/* The records with this contact key (kind "email" | "phone"), at most max. */
int pe_store_by_contact(db_conn_t *c, arena_t *a, const char *kind, const char *norm, int max, int64_t **out,
			size_t *n);
int pe_store_insert(db_conn_t *c, const pe_fields_t *f, int64_t now, int64_t *id);
/* Sets the fields of record id (id_number NULL clears it); ERR_CONFLICT for an ID number another
 * record has. */
int pe_store_update(db_conn_t *c, int64_t id, const pe_fields_t *f, int64_t now);
/* Adds the contact unless the person's record has its key already. */
int pe_store_contact_add(db_conn_t *c, int64_t id, const char *kind, const char *value, const char *norm, int64_t now);
int pe_store_contact_delete(db_conn_t *c, const int64_t *ids, size_t n, int64_t contact_id);
int pe_store_consent_add(db_conn_t *c, int64_t id, const char *what, const char *wording, const char *lang,
			 const char *source, int64_t now);
int pe_store_consent_withdraw(db_conn_t *c, const int64_t *ids, size_t n, int64_t consent_id, int64_t now);
/* merged.merged_into = survivor and the merge's row; ERR_CONFLICT when merged was merged already. */
int pe_store_merge(db_conn_t *c, int64_t survivor, int64_t merged, const char *by, int64_t now, int64_t *merge_id);
/* Clears the pointer of a standing merge and stamps it undone; ERR_CONFLICT when it was undone. */
int pe_store_unmerge(db_conn_t *c, const people_merge_t *m, const char *by, int64_t now);
/* Blanks the personal fields of the records and deletes their contacts (consents stay: what and
 * when, with no personal data in them). */
int pe_store_erase(db_conn_t *c, const int64_t *ids, size_t n, int64_t now);

/* ---------------------------------------------------------------- people.c */

/* A new record with f and the contacts (either may be NULL), in the caller's transaction. */
int pe_create(db_conn_t *c, arena_t *a, const pe_fields_t *f, const char *email, const char *phone, int64_t now,
	      int64_t *id);
/* Validates f, cleaning the name and normalising the ID number into a (fields in errs: "name",
 * "id_number", "lang", "age_band", "gender") and fills
 * id_type from the number. */
bool pe_fields_check(arena_t *a, pe_fields_t *f, fielderr_t *errs);
/* Merges merged's person into survivor's (both as roots; their own roots are used).
 * ERR_INVALID for the same person, ERR_CONFLICT for an erased one. */
int pe_merge(db_conn_t *c, arena_t *a, int64_t survivor, int64_t merged, const char *by, int64_t now,
	     int64_t *merge_id);
/* Undoes a standing merge. ERR_NOT_FOUND, ERR_CONFLICT (undone already). */
int pe_unmerge(db_conn_t *c, arena_t *a, int64_t merge_id, const char *by, int64_t now, people_merge_t *out);
/* Erases the person (every capability's .erase over the person's records). */
int pe_erase(struct app *app, db_conn_t *c, arena_t *a, int64_t id, int64_t now);
/* The data-protection export: {"exported_at","person":people_json,"timeline":[… with detail]}. New. */
json_t *pe_export(struct app *app, db_conn_t *c, arena_t *a, const people_t *p, const char *lang, int64_t now);

#endif
