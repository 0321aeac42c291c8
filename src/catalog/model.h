/* model.h — the catalogue's entities in full, as the pages, the import/export and the store
 * exchange them, and their validation (pure functions: no storage, no I/O but the time-zone
 * lookup under /usr/share/zoneinfo).
 *
 * Ownership: strings and arrays in these structs are borrowed — from an arena, a jansson value or
 * a db result the caller keeps alive. Validation never allocates; it appends (field, key) pairs to
 * a fielderr_t (base/fielderr.h), where key is an i18n key ("err_cat_code") and field the name of
 * the entity's field ("code", "name_ca", "zones"…). */
#ifndef FIN_CATALOG_MODEL_H
#define FIN_CATALOG_MODEL_H

#include "base/fielderr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { CAT_CA, CAT_ES, CAT_EN, CAT_NLANG };
extern const char *const cat_langs[CAT_NLANG]; /* "ca", "es", "en" */

/* Caps (bytes of UTF-8 unless said). */
#define CAT_CODE_MAX 64
#define CAT_NAME_MAX 200
#define CAT_ADDRESS_MAX 300
#define CAT_LONG_MAX 2000 /* descriptions, accessibility notes */
#define CAT_DOC_MAX 300   /* one document to bring */
#define CAT_DOCS_MAX 30   /* documents per language */
#define CAT_URL_MAX 500
#define CAT_DURATION_MAX 480
#define CAT_ZONES_MAX 26
#define CAT_DESKS_MAX 200

typedef struct {
	const char **v;
	size_t n;
} cat_list_t;

/* In every entity, `at` says where an imported item was read ("offices[2]", "line 4"; NULL
 * otherwise), for error messages. */
typedef struct {
	int64_t id;
	const char *code;
	const char *name[CAT_NLANG];
	const char *at;
} cat_org_t;

typedef struct {
	int64_t id;
	const char *code, *display_name;
	bool active;
	const char *at;
} cat_desk_t;

typedef struct {
	int64_t id;
	const char *code, *kind, *colour, *letter;
	const char *name[CAT_NLANG];
	cat_desk_t *desks;
	size_t ndesks;
	const char *at;
	bool ref; /* only code and desks are given (desks.csv): the zone itself is not updated */
} cat_zone_t;

typedef struct {
	int64_t id;
	const char *code, *org, *kind, *address, *postcode, *city, *phone, *tz;
	const char *name[CAT_NLANG];
	const char *access[CAT_NLANG];
	bool has_geo;
	double lat, lon;
	bool active;
	cat_zone_t *zones;
	size_t nzones;
	const char *at;
	bool ref; /* only code and zones are given (zones.csv, desks.csv) */
} cat_office_t;

typedef struct {
	int64_t id;
	const char *code, *category, *online_url;
	const char *name[CAT_NLANG];
	const char *desc[CAT_NLANG];
	cat_list_t docs[CAT_NLANG];
	const char *id_methods; /* canonical comma list; "none" when no identification is asked */
	const char *channels;   /* canonical comma list */
	int duration_min;
	cat_list_t offices; /* office codes */
	bool active;
	const char *at;
} cat_proc_t;

/* A whole catalogue: what import reads and export writes. */
typedef struct {
	cat_org_t *orgs;
	size_t norgs;
	cat_office_t *offices;
	size_t noffices;
	cat_proc_t *procs;
	size_t nprocs;
} cat_doc_t;

/* ---------------------------------------------------------------- errors */

/* The English text of a reason key (for the CLI). Static storage; the key itself if unknown. */
const char *cat_reason_en(const char *reason);

/* ---------------------------------------------------------------- enumerations */

extern const char *const cat_office_kinds[3]; /* citizen_office neighbourhood_facility virtual_office */
extern const char *const cat_zone_kinds[4];   /* welcome assisted self_service appointment */
extern const char *const cat_channels[6];     /* in_person phone video chat kiosk deferred */
extern const char *const cat_id_methods[5];   /* idcat_mobil clave_pin certificate dnie none */
bool cat_in(const char *s, const char *const *set, size_t n);
#define CAT_IN(s, set) cat_in((s), (set), sizeof(set) / sizeof((set)[0]))

/* ---------------------------------------------------------------- single values */

/* [a-z0-9-], 1..64, starting and ending with a letter or digit, no "--". */
bool cat_code_valid(const char *s);
/* "#rrggbb" (either case). */
bool cat_colour_valid(const char *s);
/* Contrast ratio of white text on colour (WCAG 2.1 relative luminance), e.g. 4.5; 0 if invalid. */
double cat_contrast_white(const char *colour);
/* One or two letters A–Z. */
bool cat_letter_valid(const char *s);
/* https://host[:port][/path…] with a plain host name, printable ASCII, ≤ CAT_URL_MAX. */
bool cat_url_valid(const char *s);
/* A zone name of the IANA database present under /usr/share/zoneinfo (a TZif file). */
bool cat_tz_valid(const char *s);
/* Digits, spaces and + - ( ) . with at least 3 digits, ≤ 30 bytes; "" is valid. */
bool cat_phone_valid(const char *s);
/* Letters, digits, spaces and '-', ≤ 10 bytes; "" is valid. */
bool cat_postcode_valid(const char *s);
/* One-line text: valid UTF-8, no control characters, at most max code points. */
bool cat_text_valid(const char *s, size_t max);
/* Multi-line text: as above but newlines (LF) and tabs allowed. */
bool cat_long_text_valid(const char *s, size_t max);

/* Normalises a list of enumerated names (comma-, space- or '|'-separated in s, or as items) into
 * the canonical comma list in the enumeration's order, without duplicates, into out (size n).
 * ERR-like: returns false when an item is unknown (out is then undefined). */
bool cat_enum_list(const char *s, const char *const *set, size_t nset, char *out, size_t n);
/* Whether a canonical comma list holds name. */
bool cat_list_has(const char *list, const char *name);

/* ---------------------------------------------------------------- entities
 * Each checks one entity on its own (references to other entities are the caller's business:
 * they need the store or the rest of the document). */
void cat_org_check(const cat_org_t *o, fielderr_t *e);
void cat_office_check(const cat_office_t *o, fielderr_t *e); /* without its zones */
void cat_zone_check(const cat_zone_t *z, fielderr_t *e);     /* without its desks */
void cat_desk_check(const cat_desk_t *d, fielderr_t *e);
void cat_proc_check(const cat_proc_t *p, fielderr_t *e);

/* Equality of stored content (ids and nested arrays ignored; offices lists compared as sets). */
bool cat_org_same(const cat_org_t *a, const cat_org_t *b);
bool cat_office_same(const cat_office_t *a, const cat_office_t *b);
bool cat_zone_same(const cat_zone_t *a, const cat_zone_t *b);
bool cat_desk_same(const cat_desk_t *a, const cat_desk_t *b);
bool cat_proc_same(const cat_proc_t *a, const cat_proc_t *b);

/* Coordinates rounded to 6 decimals (about 10 cm), so they survive export and import. */
double cat_round6(double x);

#endif
