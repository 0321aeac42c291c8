/* internal.h — what the padró capability's files share (prefix pd_); other capabilities use
 * padro/padro.h. No HTTP here: the rules, the register sources, the import and the store take a
 * connection, an arena and the settings (pd_ctx_t); the web files (web.h) build that from the
 * request. docs/internals/padro.md explains the rules. */
#ifndef FIN_PADRO_INTERNAL_H
#define FIN_PADRO_INTERNAL_H

#include "base/arena.h"
#include "base/config.h"
#include "core/cap.h"
#include "db/db.h"
#include "padro/padro.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---------------------------------------------------------------- the register */

/* One resident. Strings are borrowed (arena, a parsed document or a result). */
typedef struct {
	const char *id_type;   /* "dni" | "nie" | "passport" */
	const char *id_number; /* normalised (booking_id_valid) */
	const char *given_name, *surnames;
	const char *birth_date, *registered_on; /* YYYY-MM-DD */
	const char *mobile;                     /* +34612345678, or "" */
} pd_person_t;

/* A household: its address and every member. */
typedef struct {
	const char *code, *address, *postcode, *district;
	pd_person_t *people;
	size_t n;
	size_t self; /* the member asked for (lookups) */
} pd_household_t;

/* The register the settings name (padro.source): the local table or the city's service.
 * ERR_NOT_FOUND when the ID is not registered, ERR_UNAVAILABLE when the service cannot answer,
 * ERR_INVALID for a type/number booking_id_valid refuses. Strings from a. */
int pd_lookup(const config_t *cfg, db_conn_t *c, arena_t *a, const char *id_type, const char *id_number,
	      pd_household_t *out);
/* http.c: the city's register service (padro.http_url): POST {"id_type","id_number"} → 200 with
 * the household (docs/padro-register.md), 404 not registered. */
int pd_http_lookup(const config_t *cfg, arena_t *a, const char *id_type, const char *id_number, pd_household_t *out);
/* The service's 200 body into out; self is the member with that number. ERR_INVALID when it is
 * not the documented shape (or the member is missing). Pure, fuzzed. */
int pd_http_parse(arena_t *a, const char *body, size_t len, const char *id_number, pd_household_t *out);
/* Normalises a Spanish or international mobile number ("600 11 22 33", "+34 600112233",
 * "0034600112233") to +CCNNN…; NULL when it is not one (arena). "" stays "". */
const char *pd_mobile_norm(arena_t *a, const char *s);
/* "dd/mm/yyyy" for an ISO date (arena); the input as it is when it is not one. */
const char *pd_date_show(arena_t *a, const char *iso);

/* ---------------------------------------------------------------- import */

typedef struct {
	size_t row;         /* 1-based line of the file (0: the file as a whole) */
	const char *field;  /* the column, or "" */
	const char *reason; /* English, static or arena */
} pd_import_err_t;

#define PD_IMPORT_ERRS_MAX 50
/* The documented CSV (docs/padro-register.md) into households (arena). Every bad row is
 * reported (up to max in errs, *nerr counts all of them); ERR_INVALID when there is any, with
 * *out untouched. */
int pd_import_parse(arena_t *a, const char *data, size_t len, pd_household_t **out, size_t *n, pd_import_err_t *errs,
		    size_t max, size_t *nerr);
/* `finestreta import padro FILE`: parse, then replace the whole local register in one
 * transaction. 0, ERR_INVALID (bad rows, said on err as FILE:ROW: FIELD: reason; nothing written)
 * or another error. */
int pd_import_file(db_conn_t *c, const char *path, FILE *out, FILE *err);

/* ---------------------------------------------------------------- rules */

typedef struct {
	db_conn_t *c;        /* borrowed; no transaction open unless said */
	arena_t *a;          /* where out-strings go */
	const config_t *cfg; /* [padro], [sms], server.public_url, city.name */
	int64_t now;
} pd_ctx_t;

/* SHA-256 of s as 64 hex characters (arena). */
const char *pd_hash(arena_t *a, const char *s);
/* The hashed key of an ID for the codes table ("dni:12345678Z" → 64 hex, arena). */
const char *pd_id_key(arena_t *a, const char *id_type, const char *id_number);

/* Asks for a one-time code: checks the limits (padro.codes_per_id and client_limit per
 * padro.window for client, a hashed address or kiosk), records the code whether or not the ID
 * is registered, and when it is and has a mobile, enqueues the SMS in the same transaction.
 * Begins and commits its own transaction. 0 (the same whether or not the person exists),
 * ERR_INVALID (the ID number is not one: *bad_field gets "id_number" or "id_type"), ERR_BUSY (a
 * limit is reached), ERR_UNAVAILABLE (the register service is down), or a storage error. */
int pd_code_request(pd_ctx_t *x, const char *id_type, const char *id_number, const char *client, int client_limit,
		    const char *lang, const char **bad_field);
/* Inside the caller's transaction: the latest live code of id_key against code (6 digits). 0
 * (the code is now used), ERR_INVALID (wrong, expired, used or out of tries: a wrong one counts a
 * try, which the caller commits), or a storage error. */
int pd_code_check(pd_ctx_t *x, const char *id_key, const char *code);

/* The verification code: 20 characters of Crockford base32 (100 bits from libsodium). */
#define PD_VCODE_LEN 21
void pd_vcode_new(char out[PD_VCODE_LEN]);
/* A code as typed (any case, dashes and spaces, O for 0, I and L for 1) into its 20 canonical
 * characters; false when it cannot be one. */
bool pd_vcode_norm(const char *in, char out[PD_VCODE_LEN]);
/* "ABCD-EFGH-…" for printing (arena). */
const char *pd_vcode_group(arena_t *a, const char *code);

/* What a certificate request asks for. */
typedef struct {
	const char *id_type, *id_number;
	const char *code;          /* the SMS code; NULL/"" when staff confirm the ID in person */
	const char *kind;          /* "individual" | "collective" */
	const char *lang;          /* "ca" | "es" | "en" */
	const char *channel;       /* "web", "kiosk", "staff", "api" */
	const char *confirmed_by;  /* "sms", or "staff:EMAIL" */
	bool staff;                /* no code needed */
	const unsigned char *logo; /* the city's logo (PNG) for the header, or NULL */
	size_t logo_len;
	const char *city; /* the city's name */
	const char *tz;   /* the zone the issue time is shown in (padro.tz) */
} pd_issue_t;

typedef enum { PD_ISSUED, PD_WRONG_CODE, PD_NOT_REGISTERED } pd_outcome_t;

/* A certificate prepared outside any transaction (the register asked, the PDF drawn). */
typedef struct {
	bool found;
	pd_household_t h;
	char vcode[PD_VCODE_LEN];
	int64_t issued_at;
	unsigned char *pdf; /* new (free with pd_prepared_free) */
	size_t pdf_len;
	char sha256[65];
	const char *holder; /* masked, for /verify */
	size_t holders;
	const char *id_key;
} pd_prepared_t;

/* Step 1, outside a transaction: checks the input (*bad_field: "id_type", "id_number", "kind",
 * "lang", "code"), asks the register, draws the PDF when the person is found. 0, ERR_INVALID,
 * ERR_UNAVAILABLE (register), or another error. */
int pd_volant_prepare(pd_ctx_t *x, const pd_issue_t *in, pd_prepared_t *p, const char **bad_field);
/* Step 2, inside the caller's transaction: checks the SMS code (not for staff), then stores the
 * certificate. *outcome says what happened; a wrong code and "not registered" still return 0 so
 * that the caller commits the spent try or the used code. */
int pd_volant_commit(pd_ctx_t *x, const pd_issue_t *in, pd_prepared_t *p, pd_outcome_t *outcome);
void pd_prepared_free(pd_prepared_t *p);

/* The certificate as a PDF (or a PNG of its page for kiosk printers) of household h (self is
 * the holder; collective: every member) in lang. New buffer. */
int pd_document(const pd_issue_t *in, const pd_household_t *h, const char *vcode, const char *verify_url,
		int64_t issued_at, bool png, unsigned char **out, size_t *len);

/* ---------------------------------------------------------------- store.c */

/* Replaces the whole local register with households h (inside the caller's transaction). */
int pd_store_replace(db_conn_t *c, const pd_household_t *h, size_t n);
/* The household of the person with this (normalised) number. ERR_NOT_FOUND. */
int pd_store_lookup(db_conn_t *c, arena_t *a, const char *id_number, pd_household_t *out);
/* How many people and households are loaded. */
int pd_store_counts(db_conn_t *c, int64_t *people, int64_t *households);

typedef struct {
	int64_t id, expires_at, tries, used_at;
	const char *code_hash;
} pd_code_row_t;
/* Codes asked since `since` for id_key and for client. */
int pd_store_code_counts(db_conn_t *c, const char *id_key, const char *client, int64_t since, int64_t *by_id,
			 int64_t *by_client);
int pd_store_code_add(db_conn_t *c, const char *id_key, const char *client, const char *code_hash, int64_t now,
		      int64_t expires_at, int64_t *id);
/* The newest code of id_key. ERR_NOT_FOUND. */
int pd_store_code_latest(db_conn_t *c, arena_t *a, const char *id_key, pd_code_row_t *out);
/* One try more; used marks it used (only while unused). 1 changed, 0 not, or an error. */
int pd_store_code_try(db_conn_t *c, int64_t id, bool used, int64_t now);

typedef struct {
	const char *code, *kind, *lang, *holder, *sha256, *channel, *confirmed_by;
	int64_t holders, issued_at;
	const unsigned char *pdf;
	size_t pdf_len;    /* 0 once erased */
	int64_t person_id; /* the citizen record (people/people.h), 0 when none */
} pd_volant_t;
int pd_store_volant_add(db_conn_t *c, const pd_volant_t *v);
/* A person's certificates (one record id), newest first, at most 500, without their PDFs. */
int pd_store_volants_by_person(db_conn_t *c, arena_t *a, int64_t person_id, pd_volant_t **out, size_t *n);
/* Erasure: blanks the masked holder and the PDF of the person's certificates. */
int pd_store_erase_person(db_conn_t *c, int64_t person_id);
/* By code; with_pdf also reads the document (into a). ERR_NOT_FOUND. */
int pd_store_volant_get(db_conn_t *c, arena_t *a, const char *code, bool with_pdf, pd_volant_t *out);
/* Deletes codes created before codes_before and certificates issued before volants_before. */
int pd_store_purge(db_conn_t *c, int64_t codes_before, int64_t volants_before);

/* people.c: the capability's hooks (core/cap.h): a person's certificates in the timeline;
 * erasure. */
struct app;
int pd_timeline(struct app *app, db_conn_t *c, cap_tl_t *tl);
int pd_erase(struct app *app, db_conn_t *c, const int64_t *ids, size_t n, int64_t now);

/* demo.c: the fictional residents of Vilamar (`finestreta demo`). */
int pd_demo_seed(db_conn_t *c, FILE *out);
/* history.c: demo.history_days of issued certificates (core/demo.h); a seed step. */
int pd_history_seed(struct app *app, db_conn_t *c, int64_t now, FILE *out);
struct demo_batch *pd_store_history_batch(db_conn_t *c);
int pd_store_history_add(struct demo_batch *b, const pd_volant_t *v);

/* store_figures.c: what the padró counts for src/figures (cap_t.figures). */
extern const cap_figure_t pd_figures[];

#endif
