/* doc_csv.c — reading one CSV table of the catalogue (doc.h, docs/catalogue-format.md): the
 * header names the table, each record becomes one entity, zones and desks attach to the offices
 * they name. */
#include "catalog/docread.h"

#include "base/csv.h"
#include "base/err.h"
#include "base/str.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- CSV */

typedef struct {
	cat_rd_t *r;
	const csv_row_t *row;
	const int *map; /* column index in the file of each table column, -1 when absent */
	const cat_col_t *cols;
	fielderr_t *errs;
} crow_t;

static int col_index(const cat_col_t *cols, const char *name)
{
	for (int i = 0; cols[i].name; i++)
		if (strcmp(cols[i].name, name) == 0)
			return i;
	return -1;
}

/* The raw cell of table column name, or NULL when the file has no such column. */
static const char *cell(crow_t *c, const char *name)
{
	int k = col_index(c->cols, name);
	if (k < 0 || c->map[k] < 0)
		return NULL;
	return c->row->f[c->map[k]];
}

static const char *c_str(crow_t *c, const char *name, const char *def)
{
	const char *v = cell(c, name);
	if (!v)
		return def;
	const char *s = cat_is_multi(name) ? cat_clean_multi(c->r->a, v) : cat_clean_line(c->r->a, v);
	return *s || !def ? s : def;
}

static bool c_bool(crow_t *c, const char *name, bool def)
{
	const char *v = cell(c, name);
	if (!v)
		return def;
	char *s = str_trim(arena_strdup(c->r->a, v));
	if (!*s)
		return def;
	if (!strcasecmp(s, "true") || !strcmp(s, "1") || !strcasecmp(s, "yes"))
		return true;
	if (!strcasecmp(s, "false") || !strcmp(s, "0") || !strcasecmp(s, "no"))
		return false;
	fielderr_add(c->errs, name, "err_cat_bool");
	return def;
}

static bool c_double(crow_t *c, const char *name, double *out)
{
	const char *v = cell(c, name);
	char *s = v ? str_trim(arena_strdup(c->r->a, v)) : NULL;
	if (!s || !*s)
		return false;
	char *end;
	double d = strtod(s, &end);
	if (*end || !isfinite(d) || !(isdigit((unsigned char)s[0]) || s[0] == '-' || s[0] == '+')) {
		fielderr_add(c->errs, name, "err_cat_number");
		return false;
	}
	*out = d;
	return true;
}

static void c_langs(crow_t *c, const char *base, const char *out[CAT_NLANG], const char *def)
{
	for (int l = 0; l < CAT_NLANG; l++)
		out[l] = c_str(c, arena_printf(c->r->a, "%s_%s", base, cat_langs[l]), def);
}

static void c_list(crow_t *c, const char *name, cat_list_t *l)
{
	cat_list_split(c->r->a, c_str(c, name, ""), '|', l);
}

static const char *c_enum(crow_t *c, const char *name, const char *const *set, size_t nset, const char *reason)
{
	cat_list_t l;
	c_list(c, name, &l);
	const char *s = cat_enum_from_list(c->r->a, &l, set, nset);
	if (!s) {
		fielderr_add(c->errs, name, reason);
		return NULL;
	}
	return s;
}

/* Table kind from the header: the most specific key column present. */
static int header_kind(const csv_row_t *h)
{
	static const struct {
		const char *col;
		cat_kind_t kind;
	} keys[] = {{"procedure", CAT_K_PROCEDURES},
		    {"desk", CAT_K_DESKS},
		    {"zone", CAT_K_ZONES},
		    {"office", CAT_K_OFFICES},
		    {"organisation", CAT_K_ORGANISATIONS}};
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
		for (size_t i = 0; i < h->n; i++) {
			const char *s = h->f[i];
			if (strcmp(s, keys[k].col) == 0)
				return (int)keys[k].kind;
		}
	return -1;
}

/* Index of the entry with code in an array of structs whose first string member after id is
 * the code: offices or zones. Linear: there are few offices and few zones per office. */
static cat_office_t *find_office(cat_doc_t *d, const char *code)
{
	for (size_t i = 0; i < d->noffices; i++)
		if (str_eq(d->offices[i].code, code))
			return &d->offices[i];
	return NULL;
}

static cat_zone_t *find_zone(cat_office_t *o, const char *code)
{
	for (size_t i = 0; i < o->nzones; i++)
		if (str_eq(o->zones[i].code, code))
			return &o->zones[i];
	return NULL;
}

typedef struct {
	size_t cap_offices, cap_orgs, cap_procs;
} caps_t;

static cat_office_t *ref_office(cat_rd_t *r, cat_doc_t *d, caps_t *caps, const char *code, const char *at)
{
	cat_office_t *o = find_office(d, code);
	if (o)
		return o;
	o = ARENA_PUSH(r->a, d->offices, d->noffices, caps->cap_offices);
	*o = (cat_office_t){.code = code, .ref = true, .at = at};
	return o;
}

/* In CSV messages the entity check's "code" is the table's key column. */
static void code_is(fielderr_t *check, const char *column)
{
	for (size_t i = 0; i < check->n; i++)
		if (str_eq(check->e[i].field, "code"))
			check->e[i].field = column;
}

/* A reference to another table's code (a zone's office). False, with the error, when invalid. */
static bool ref_ok(crow_t *c, const char *column, const char *code)
{
	if (cat_code_valid(code))
		return true;
	fielderr_add(c->errs, column, *code ? "err_cat_code" : "err_cat_required");
	return false;
}

/* Appends to a small array by copy (few zones per office, few desks per zone); returns the new
 * last element. */
static void *push_copy(arena_t *a, void **arr, size_t *n, size_t size)
{
	char *na = arena_alloc(a, (*n + 1) * size);
	if (*n)
		memcpy(na, *arr, *n * size);
	*arr = na;
	return na + (*n)++ * size;
}

static void row_org(crow_t *c, cat_doc_t *d, caps_t *caps, const char *at, fielderr_t *check)
{
	cat_org_t *o = ARENA_PUSH(c->r->a, d->orgs, d->norgs, caps->cap_orgs);
	*o = (cat_org_t){.at = at, .code = c_str(c, "organisation", NULL)};
	c_langs(c, "name", o->name, NULL);
	cat_org_check(o, check);
}

static void row_office(crow_t *c, cat_doc_t *d, caps_t *caps, const char *at, fielderr_t *check)
{
	cat_office_t *o = ARENA_PUSH(c->r->a, d->offices, d->noffices, caps->cap_offices);
	*o = (cat_office_t){.at = at};
	o->code = c_str(c, "office", NULL);
	o->org = c_str(c, "organisation", NULL);
	o->kind = c_str(c, "kind", NULL);
	c_langs(c, "name", o->name, NULL);
	o->address = c_str(c, "address", "");
	o->postcode = c_str(c, "postcode", "");
	o->city = c_str(c, "city", "");
	o->phone = c_str(c, "phone", "");
	c_langs(c, "accessibility", o->access, "");
	o->tz = c_str(c, "tz", "Europe/Madrid");
	o->active = c_bool(c, "active", true);
	bool hl = c_double(c, "lat", &o->lat), hn = c_double(c, "lon", &o->lon);
	if (hl != hn && !fielderr_has(c->errs, "lat") && !fielderr_has(c->errs, "lon"))
		fielderr_add(c->errs, hl ? "lon" : "lat", "err_cat_coords");
	o->has_geo = hl && hn;
	o->lat = cat_round6(o->lat);
	o->lon = cat_round6(o->lon);
	cat_office_check(o, check);
	code_is(check, "office");
}

static void row_zone(crow_t *c, cat_doc_t *d, caps_t *caps, const char *at, fielderr_t *check)
{
	const char *oc = c_str(c, "office", "");
	if (!ref_ok(c, "office", oc))
		return;
	cat_office_t *o = ref_office(c->r, d, caps, oc, at);
	cat_zone_t z = {.at = at};
	z.code = c_str(c, "zone", NULL);
	z.kind = c_str(c, "kind", NULL);
	c_langs(c, "name", z.name, NULL);
	z.colour = c_str(c, "colour", NULL);
	z.letter = c_str(c, "letter", NULL);
	cat_zone_check(&z, check);
	code_is(check, "zone");
	*(cat_zone_t *)push_copy(c->r->a, (void **)&o->zones, &o->nzones, sizeof z) = z;
	if (o->nzones > CAT_ZONES_MAX)
		fielderr_add(c->errs, "zone", "err_cat_too_many");
}

static void row_desk(crow_t *c, cat_doc_t *d, caps_t *caps, const char *at, fielderr_t *check)
{
	const char *oc = c_str(c, "office", ""), *zc = c_str(c, "zone", "");
	if (!ref_ok(c, "office", oc) || !ref_ok(c, "zone", zc))
		return;
	cat_office_t *o = ref_office(c->r, d, caps, oc, at);
	cat_zone_t *z = find_zone(o, zc);
	if (!z && o->nzones >= CAT_ZONES_MAX) {
		fielderr_add(c->errs, "zone", "err_cat_too_many");
		return;
	}
	if (!z) {
		z = push_copy(c->r->a, (void **)&o->zones, &o->nzones, sizeof *z);
		*z = (cat_zone_t){.code = zc, .ref = true, .at = at};
	}
	if (z->ndesks >= CAT_DESKS_MAX) {
		fielderr_add(c->errs, "desk", "err_cat_too_many");
		return;
	}
	cat_desk_t dk = {.at = at};
	dk.code = c_str(c, "desk", NULL);
	dk.display_name = c_str(c, "display_name", NULL);
	dk.active = c_bool(c, "active", true);
	cat_desk_check(&dk, check);
	code_is(check, "desk");
	*(cat_desk_t *)push_copy(c->r->a, (void **)&z->desks, &z->ndesks, sizeof dk) = dk;
}

static void row_proc(crow_t *c, cat_doc_t *d, caps_t *caps, const char *at, fielderr_t *check)
{
	cat_proc_t *p = ARENA_PUSH(c->r->a, d->procs, d->nprocs, caps->cap_procs);
	*p = (cat_proc_t){.at = at};
	p->code = c_str(c, "procedure", NULL);
	p->category = c_str(c, "category", NULL);
	c_langs(c, "name", p->name, NULL);
	c_langs(c, "description", p->desc, "");
	for (int l = 0; l < CAT_NLANG; l++)
		c_list(c, arena_printf(c->r->a, "documents_%s", cat_langs[l]), &p->docs[l]);
	p->id_methods = c_enum(c, "id_methods", cat_id_methods, 5, "err_cat_id_methods");
	p->channels = c_enum(c, "channels", cat_channels, 6, "err_cat_channels");
	const char *dur = c_str(c, "duration_min", "");
	int64_t dv = 0;
	if (str_to_i64(dur, 1, CAT_DURATION_MAX, &dv)) {
		fielderr_add(c->errs, "duration_min", *dur ? "err_cat_duration" : "err_cat_required");
		dv = 1;
	}
	p->duration_min = (int)dv;
	p->online_url = c_str(c, "online_url", "");
	c_list(c, "offices", &p->offices);
	p->active = c_bool(c, "active", true);
	cat_proc_check(p, check);
	code_is(check, "procedure");
}

/* One record of a table into the document, then its reading and check errors. */
static void csv_row(cat_rd_t *r, cat_kind_t kind, crow_t *c, cat_doc_t *d, caps_t *caps, const char *at)
{
	static void (*const readers[])(crow_t *, cat_doc_t *, caps_t *, const char *, fielderr_t *) = {
		[CAT_K_ORGANISATIONS] = row_org, [CAT_K_OFFICES] = row_office,  [CAT_K_ZONES] = row_zone,
		[CAT_K_DESKS] = row_desk,        [CAT_K_PROCEDURES] = row_proc,
	};
	fielderr_t check = {0};
	if (kind > CAT_K_JSON && kind <= CAT_K_PROCEDURES)
		readers[kind](c, d, caps, at, &check);
	cat_rd_flush(r, at, c->errs, &check);
}

/* For each column of the table, its place in the file's header (-1 when absent); unknown,
 * repeated and missing required columns go to errs. Arena. */
static int *column_map(arena_t *a, const csv_row_t *h, const cat_col_t *cols, cat_ierrs_t *errs)
{
	size_t ncols = 0;
	while (cols[ncols].name)
		ncols++;
	int *map = arena_alloc(a, ncols * sizeof *map);
	for (size_t i = 0; i < ncols; i++)
		map[i] = -1;
	const char *where = arena_printf(a, "line %zu", h->line);
	for (size_t i = 0; i < h->n; i++) {
		int ci = col_index(cols, h->f[i]);
		if (ci < 0)
			cat_ierrs_add(errs, where, h->f[i], "err_cat_column", "");
		else if (map[ci] >= 0)
			cat_ierrs_add(errs, where, h->f[i], "err_cat_duplicate", "");
		else
			map[ci] = (int)i;
	}
	for (size_t i = 0; i < ncols; i++)
		if (cols[i].required && map[i] < 0)
			cat_ierrs_add(errs, where, cols[i].name, "err_cat_column_missing", "");
	return map;
}

int cat_read_csv(arena_t *a, const char *text, size_t len, cat_kind_t *kind, cat_doc_t *out, cat_ierrs_t *errs)
{
	*out = (cat_doc_t){0};
	cat_rd_t r = {a, errs, false};
	if (len > CAT_FILE_MAX) {
		cat_ierrs_add(errs, "", "", "err_cat_too_many", "the file is larger than 16 MiB");
		return ERR_INVALID;
	}
	csv_limits_t lim = {MAX_ITEMS + 1, 64, 64 * 1024, 0};
	csv_t csv;
	csv_error_t ce;
	int rc = csv_parse(a, text, len, &lim, &csv, &ce);
	if (rc) {
		cat_ierrs_add(errs, arena_printf(a, "line %zu, field %zu", ce.line, ce.field), "", "err_cat_csv",
			      ce.reason);
		return ERR_INVALID;
	}
	if (csv.n == 0) {
		cat_ierrs_add(errs, "line 1", "", "err_cat_header", "the file is empty");
		return ERR_INVALID;
	}
	const csv_row_t *h = &csv.rows[0];
	for (size_t i = 0; i < h->n; i++)
		((char **)h->f)[i] = str_trim((char *)h->f[i]);
	int k = header_kind(h);
	if (k < 0) {
		cat_ierrs_add(errs, arena_printf(a, "line %zu", h->line), "", "err_cat_header",
			      "no key column (procedure, desk, zone, office or organisation)");
		return ERR_INVALID;
	}
	*kind = (cat_kind_t)k;
	const cat_col_t *cols = cat_table_cols(*kind);
	int *map = column_map(a, h, cols, errs);
	if (errs->n)
		return ERR_INVALID;
	caps_t caps = {0};
	for (size_t i = 1; i < csv.n; i++) {
		const csv_row_t *row = &csv.rows[i];
		const char *at = arena_printf(a, "line %zu", row->line);
		if (row->n != h->n) {
			cat_ierrs_add(errs, at, "", "err_cat_columns",
				      arena_printf(a, "%zu fields, the header has %zu", row->n, h->n));
			continue;
		}
		fielderr_t read = {0};
		crow_t c = {&r, row, map, cols, &read};
		csv_row(&r, *kind, &c, out, &caps, at);
	}
	/* Duplicate keys in a table: reuse the document check (codes were renamed to their columns
	 * only in the messages above, so entities still carry them as code). */
	cat_ierrs_t dups = {0};
	cat_rd_t rd2 = {a, &dups, false};
	cat_doc_dups(&rd2, out);
	const char *keycol = *kind == CAT_K_PROCEDURES      ? "procedure"
			     : *kind == CAT_K_ORGANISATIONS ? "organisation"
			     : *kind == CAT_K_OFFICES       ? "office"
			     : *kind == CAT_K_ZONES         ? "zone"
							    : "desk";
	for (size_t i = 0; i < dups.n; i++) {
		/* Offices referenced by several zone rows are grouped, not duplicates. */
		cat_ierr_t *e = &dups.e[i];
		cat_ierrs_add(errs, e->where, str_eq(e->field, "code") ? keycol : e->field, e->reason, e->detail);
	}
	return errs->n || errs->dropped ? ERR_INVALID : 0;
}
