/* people.h — the citizen record: one record per person, found by ID number, e-mail or phone, with
 * name, contacts, language, age band, gender and the consents they gave; the timeline of
 * everything that happened with them on every channel; merges of duplicate records; and the
 * data-protection rights (export, erasure). docs/internals/people.md says why it is shaped so.
 *
 * Links. Another capability links its rows to a person with its own column `person_id
 * REFERENCES people (id)` and people_link() (find-or-create, in its own transaction) when the
 * person is known; it shows its rows in the timeline and blanks them on erasure through its
 * capability entry's .timeline and .erase hooks (core/cap.h): people walks the table and never
 * names another capability.
 *
 * Merges. A duplicate merged into another record keeps its row and points at the survivor
 * (merged_into); every look-up follows the pointer to the record at the end of the chain (the
 * root), and a record's timeline gathers the rows linked to it and to every record merged into it.
 * Undoing a merge clears the pointer: nothing else moved, so nothing else has to move back.
 *
 * Ownership: strings and arrays in out-structures come from the arena passed in. db connections
 * are borrowed; functions that change something run in the caller's transaction unless they say
 * otherwise. Errors: 0 or a negative code from base/err.h. */
#ifndef FIN_PEOPLE_H
#define FIN_PEOPLE_H

#include "base/arena.h"
#include "core/cap.h"
#include "db/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- normalisation
 * Contacts are matched by the shared normalisers of base/contact.h: an e-mail address by
 * contact_email_identity (lower case, without its sub-address, gmail's dots dropped), a phone by
 * contact_phone_default (E.164, Spain's "+34" for a national number). */

#define PEOPLE_ID_MAX 24
/* An identity document number: upper case, spaces, dashes and dots dropped, then recognised as
 * a DNI (8 digits and its check letter), a NIE (X/Y/Z, 7 digits, check letter) or a passport (5
 * to 20 letters and digits, with at least one digit). *type (may be NULL) gets "dni", "nie" or
 * "passport". False when it is none of them. */
bool people_norm_id(const char *s, char out[PEOPLE_ID_MAX], const char **type);
/* "***4567Z": the last five characters, the rest hidden. Arena. */
const char *people_id_mask(arena_t *a, const char *id_number);

/* ---------------------------------------------------------------- enumerations */

extern const char *const people_age_bands[5]; /* under_25 25_44 45_64 65_74 75_plus */
extern const char *const people_genders[4];   /* female male nonbinary undisclosed */
/* Whether v is "" or one of the set. */
bool people_age_band_valid(const char *v);
bool people_gender_valid(const char *v);

/* ---------------------------------------------------------------- the record */

typedef struct {
	int64_t id;
	const char *kind;  /* "email" | "phone" */
	const char *value; /* normalised */
	int64_t added_at;
} people_contact_t;

typedef struct {
	int64_t id;
	const char *what, *wording, *lang, *source;
	int64_t given_at, withdrawn_at; /* withdrawn_at 0 while in force */
} people_consent_t;

typedef struct {
	int64_t id, survivor_id, merged_id;
	const char *merged_by, *undone_by; /* undone_by "" while the merge stands */
	int64_t merged_at, undone_at;
} people_merge_t;

typedef struct {
	int64_t id;                                                        /* the root record */
	const char *name, *id_type, *id_number, *lang, *age_band, *gender; /* id_number "" unknown */
	int64_t created_at, updated_at, erased_at;
	/* The records of the person: the root first, then those merged into it (directly or not). */
	int64_t *ids;
	size_t nids;
	people_contact_t *contacts; /* of every record, e-mails first, newest first */
	size_t ncontacts;
	people_consent_t *consents; /* newest first */
	size_t nconsents;
	people_merge_t *merges; /* where this person is the survivor or the merged one, newest first */
	size_t nmerges;
} people_t;

/* What another capability knows of a person when it links a row (fields may be NULL or ""). */
typedef struct {
	const char *name, *id_number, *email, *phone, *lang;
} people_input_t;

/* Find-or-create, in the caller's transaction: the person with this ID number; else, when the
 * input has no ID number or nobody has it, the one person whose e-mail or phone matches (and who
 * has no other ID number); else a new record with what the input gives. Contacts the record lacks
 * are added to it. *id gets the root record, or 0 when the input names nobody (no valid ID, e-mail
 * or phone) or the contact matches several people (a person then identifies them by hand). */
int people_link(db_conn_t *c, arena_t *a, const people_input_t *in, int64_t now, int64_t *id);

/* The person whose record (or merged record) is id, from the root: ERR_NOT_FOUND when unknown. An
 * erased person is returned with erased_at set and the personal fields blank. */
int people_get(db_conn_t *c, arena_t *a, int64_t id, people_t *out);
/* The roots of the people matching an ID number, e-mail or phone (any may be NULL or ""; each
 * given one must match), erased people left out, at most 50, newest first. ERR_INVALID when none
 * is given or a given one is not valid. */
int people_find(db_conn_t *c, arena_t *a, const char *id_number, const char *email, const char *phone, int64_t **ids,
		size_t *n);

/* Records that the person agreed to `what`, shown `wording` in lang, through source. */
int people_consent_add(db_conn_t *c, int64_t person_id, const char *what, const char *wording, const char *lang,
		       const char *source, int64_t now);

/* The timeline: every capability's entries of the person's records (cap_timeline), newest first,
 * as an arena array. full fills each entry's detail (export). */
int people_timeline(struct app *app, db_conn_t *c, arena_t *a, const people_t *p, const char *lang, bool full,
		    cap_tl_entry_t **out, size_t *n);
/* The entries as JSON: [{"at","kind","ref","status","summary","href"(, "detail")}]. New. */
json_t *people_timeline_json(const cap_tl_entry_t *v, size_t n, bool full);
/* The person as the API shows it: {"id","name","id_type","id_number","lang","age_band","gender",
 * "emails":[…],"phones":[…],"consents":[{"what","wording","lang","source","given_at",
 * "withdrawn_at"}],"records":[ids],"created_at","erased"}. New. */
json_t *people_json(const people_t *p);

/* ---------------------------------------------------------------- for staff pages */

/* An instant as the API gives it: ISO 8601 in UTC ("2026-03-09T08:30:00+00:00"), null for 0. New. */
json_t *people_iso(int64_t t);
/* A time as staff pages show it: "DD/MM/YYYY HH:MM" in Europe/Madrid ("" for 0). Arena. */
const char *people_when(arena_t *a, int64_t t);
/* The panel staff pages show beside what they attend (a chat, a request, the record's own page):
 * {"person": {id, name, id_masked, lang, emails, phones, erased}, "timeline": [{at, when, kind,
 * kind_label, ref, status, summary, href}], "has_timeline"} with labels in lang. The caller has
 * audited the view (auth_audit, with its reason). New reference, or NULL on a storage error
 * (ERR_NOT_FOUND: *rc). */
json_t *people_panel(struct app *app, db_conn_t *c, arena_t *a, int64_t person_id, const char *lang, int *rc);

#endif
