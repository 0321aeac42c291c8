/* doc.c — what reading and writing the catalogue's documents share (see doc.h and
 * docs/catalogue-format.md): the table kinds, the error list, stored lists, the reading helpers
 * and the uniqueness checks. The JSON reader is doc_json.c, the CSV reader doc_csv.c, the writers
 * doc_write.c. Reading collects every problem it can (up to CAT_IERRS_MAX) rather than stopping
 * at the first, so one run shows what to fix. */
#include "catalog/doc.h"
#include "catalog/docread.h"

#include "base/err.h"
#include "base/str.h"
#include "base/csv.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *kind_names[] = {"json", "organisations", "offices", "zones", "desks", "procedures"};

const char *cat_kind_name(cat_kind_t k)
{
	return (unsigned)k < sizeof kind_names / sizeof kind_names[0] ? kind_names[k] : "?";
}

int cat_kind_from_name(const char *s)
{
	for (int k = CAT_K_ORGANISATIONS; k <= CAT_K_PROCEDURES; k++)
		if (str_eq(s, kind_names[k]))
			return k;
	return -1;
}

void cat_ierrs_add(cat_ierrs_t *e, const char *where, const char *field, const char *reason, const char *detail)
{
	if (e->n == CAT_IERRS_MAX) {
		e->dropped++;
		return;
	}
	e->e[e->n++] = (cat_ierr_t){where ? where : "", field ? field : "", reason, detail ? detail : ""};
}

int cat_ierrs_format(const cat_ierrs_t *e, const char *prefix, buf_t *out)
{
	int rc = 0;
	for (size_t i = 0; i < e->n && !rc; i++) {
		const cat_ierr_t *x = &e->e[i];
		const char *pre = prefix && *prefix ? prefix : "";
		const char *sep = *pre && *x->where ? " " : "";
		if (*x->field)
			rc = buf_printf(out, "%s%s%s: field '%s' %s%s%s\n", pre, sep, x->where, x->field,
					cat_reason_en(x->reason), *x->detail ? ": " : "", x->detail);
		else
			rc = buf_printf(out, "%s%s%s: %s%s%s\n", pre, sep, x->where, cat_reason_en(x->reason),
					*x->detail ? ": " : "", x->detail);
	}
	if (!rc && e->dropped)
		rc = buf_printf(out, "%s: and %zu more errors\n", prefix && *prefix ? prefix : "catalogue", e->dropped);
	return rc;
}

/* ---------------------------------------------------------------- lists */

void cat_list_split(arena_t *a, const char *s, char sep, cat_list_t *l)
{
	*l = (cat_list_t){0};
	if (!s || !*s)
		return;
	size_t cap = 1;
	for (const char *p = s; *p; p++)
		if (*p == sep)
			cap++;
	l->v = arena_alloc(a, cap * sizeof *l->v);
	const char *p = s;
	for (;;) {
		const char *e = strchr(p, sep);
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char *item = str_trim(arena_strndup(a, p, n));
		if (*item)
			l->v[l->n++] = item;
		if (!e)
			break;
		p = e + 1;
	}
}

const char *cat_list_join(arena_t *a, const cat_list_t *l, char sep)
{
	size_t n = 1;
	for (size_t i = 0; i < l->n; i++)
		n += strlen(l->v[i]) + 1;
	char *o = arena_alloc(a, n), *w = o;
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			*w++ = sep;
		size_t k = strlen(l->v[i]);
		memcpy(w, l->v[i], k);
		w += k;
	}
	*w = '\0';
	return o;
}

/* ---------------------------------------------------------------- shared reading helpers */

/* name_ca → name.ca for the JSON document's nested language objects. */
const char *cat_rd_label(cat_rd_t *r, const char *field)
{
	static const char *nested[] = {"name", "description", "documents", "accessibility"};
	if (!r->json || !field)
		return field;
	size_t n = strlen(field);
	if (n > 3 && field[n - 3] == '_' &&
	    (str_ends(field, "_ca") || str_ends(field, "_es") || str_ends(field, "_en")))
		for (size_t i = 0; i < sizeof nested / sizeof nested[0]; i++)
			if (strlen(nested[i]) == n - 3 && strncmp(field, nested[i], n - 3) == 0)
				return arena_printf(r->a, "%.*s.%s", (int)(n - 3), field, field + n - 2);
	return field;
}

/* Reports the errors of one entity: the reading problems first, then the check's, leaving out
 * fields that already have a reading problem. */
void cat_rd_flush(cat_rd_t *r, const char *where, const fielderr_t *read, const fielderr_t *check)
{
	for (size_t i = 0; i < read->n; i++)
		cat_ierrs_add(r->errs, where, cat_rd_label(r, read->e[i].field), read->e[i].key, "");
	for (size_t i = 0; i < check->n; i++)
		if (!fielderr_has(read, check->e[i].field))
			cat_ierrs_add(r->errs, where, cat_rd_label(r, check->e[i].field), check->e[i].key, "");
}

/* Single-line text: trimmed. */
const char *cat_clean_line(arena_t *a, const char *s)
{
	return str_trim(arena_strdup(a, s));
}

/* Multi-line text: CRLF and CR become LF, then trimmed. */
const char *cat_clean_multi(arena_t *a, const char *s)
{
	char *o = arena_strdup(a, s), *w = o;
	for (const char *p = s; *p; p++) {
		if (*p == '\r') {
			*w++ = '\n';
			if (p[1] == '\n')
				p++;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return str_trim(o);
}

bool cat_is_multi(const char *field)
{
	return str_starts(field, "description_") || str_starts(field, "accessibility_");
}

/* A comma list of enumerated names from items; NULL when one is unknown. */
const char *cat_enum_from_list(arena_t *a, const cat_list_t *l, const char *const *set, size_t nset)
{
	const char *joined = cat_list_join(a, l, ',');
	char out[160];
	if (!cat_enum_list(joined, set, nset, out, sizeof out))
		return NULL;
	return arena_strdup(a, out);
}

/* ---------------------------------------------------------------- uniqueness */

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Reports codes[i] seen before at where[i]. n is small per call except for top-level lists,
 * where sorting keeps it O(n log n). */
static void dup_check(cat_rd_t *r, const char **codes, const char **wheres, size_t n, const char *field)
{
	if (n < 2)
		return;
	const char **sorted = arena_alloc(r->a, n * sizeof *sorted);
	memcpy(sorted, codes, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, cmp_str);
	for (size_t i = 1; i < n; i++) {
		if (!*sorted[i] || strcmp(sorted[i], sorted[i - 1]) != 0)
			continue;
		if (i >= 2 && strcmp(sorted[i], sorted[i - 2]) == 0)
			continue; /* reported once per code */
		/* Name the second occurrence in input order. */
		size_t seen = 0;
		for (size_t k = 0; k < n; k++)
			if (strcmp(codes[k], sorted[i]) == 0 && ++seen == 2) {
				cat_ierrs_add(r->errs, wheres[k], field, "err_cat_duplicate", sorted[i]);
				break;
			}
	}
}

void cat_doc_dups(cat_rd_t *r, cat_doc_t *d)
{
	size_t n = d->norgs > d->noffices ? d->norgs : d->noffices;
	if (d->nprocs > n)
		n = d->nprocs;
	const char **codes = arena_alloc(r->a, (n + 1) * sizeof *codes);
	const char **wheres = arena_alloc(r->a, (n + 1) * sizeof *wheres);
	for (size_t i = 0; i < d->norgs; i++)
		codes[i] = d->orgs[i].code ? d->orgs[i].code : "", wheres[i] = d->orgs[i].at;
	dup_check(r, codes, wheres, d->norgs, "code");
	for (size_t i = 0; i < d->noffices; i++)
		codes[i] = d->offices[i].code ? d->offices[i].code : "", wheres[i] = d->offices[i].at;
	dup_check(r, codes, wheres, d->noffices, "code");
	for (size_t i = 0; i < d->nprocs; i++)
		codes[i] = d->procs[i].code ? d->procs[i].code : "", wheres[i] = d->procs[i].at;
	dup_check(r, codes, wheres, d->nprocs, "code");
	for (size_t i = 0; i < d->noffices; i++) {
		cat_office_t *o = &d->offices[i];
		const char **zc = arena_alloc(r->a, (o->nzones + 1) * sizeof *zc);
		const char **zl = arena_alloc(r->a, (o->nzones + 1) * sizeof *zl);
		const char **zw = arena_alloc(r->a, (o->nzones + 1) * sizeof *zw);
		size_t nl = 0;
		for (size_t z = 0; z < o->nzones; z++) {
			cat_zone_t *zn = &o->zones[z];
			zc[z] = zn->code ? zn->code : "";
			zw[z] = zn->at;
			if (!zn->ref && zn->letter && cat_letter_valid(zn->letter))
				zl[nl++] = zn->letter;
			const char **dc = arena_alloc(r->a, (zn->ndesks + 1) * sizeof *dc);
			const char **dw = arena_alloc(r->a, (zn->ndesks + 1) * sizeof *dw);
			for (size_t k = 0; k < zn->ndesks; k++)
				dc[k] = zn->desks[k].code ? zn->desks[k].code : "", dw[k] = zn->desks[k].at;
			dup_check(r, dc, dw, zn->ndesks, "code");
		}
		dup_check(r, zc, zw, o->nzones, "code");
		/* Letters: name the zone with the repeated letter. */
		if (nl > 1) {
			size_t k = 0;
			for (size_t z = 0; z < o->nzones; z++) {
				cat_zone_t *zn = &o->zones[z];
				if (zn->ref || !zn->letter || !cat_letter_valid(zn->letter))
					continue;
				for (size_t j = 0; j < k; j++)
					if (strcmp(zl[j], zn->letter) == 0) {
						cat_ierrs_add(r->errs, zn->at, "letter", "err_cat_letter_taken",
							      zn->letter);
						break;
					}
				k++;
			}
		}
	}
}

/* ---------------------------------------------------------------- CSV columns */

static const cat_col_t cols_orgs[] = {{"organisation", true},
				      {"name_ca", true},
				      {"name_es", true},
				      {"name_en", true},
				      {NULL, 0}};
static const cat_col_t cols_offices[] = {{"office", true},
					 {"organisation", true},
					 {"kind", true},
					 {"name_ca", true},
					 {"name_es", true},
					 {"name_en", true},
					 {"address", false},
					 {"postcode", false},
					 {"city", false},
					 {"lat", false},
					 {"lon", false},
					 {"phone", false},
					 {"accessibility_ca", false},
					 {"accessibility_es", false},
					 {"accessibility_en", false},
					 {"tz", false},
					 {"active", false},
					 {NULL, 0}};
static const cat_col_t cols_zones[] = {{"office", true},  {"zone", true},    {"kind", true},
				       {"name_ca", true}, {"name_es", true}, {"name_en", true},
				       {"colour", true},  {"letter", true},  {NULL, 0}};
static const cat_col_t cols_desks[] = {{"office", true},       {"zone", true},    {"desk", true},
				       {"display_name", true}, {"active", false}, {NULL, 0}};
static const cat_col_t cols_procs[] = {{"procedure", true},       {"category", true},        {"name_ca", true},
				       {"name_es", true},         {"name_en", true},         {"description_ca", false},
				       {"description_es", false}, {"description_en", false}, {"documents_ca", false},
				       {"documents_es", false},   {"documents_en", false},   {"id_methods", true},
				       {"channels", true},        {"duration_min", true},    {"online_url", false},
				       {"offices", false},        {"active", false},         {NULL, 0}};

const cat_col_t *cat_table_cols(cat_kind_t k)
{
	switch (k) {
	case CAT_K_ORGANISATIONS: return cols_orgs;
	case CAT_K_OFFICES: return cols_offices;
	case CAT_K_ZONES: return cols_zones;
	case CAT_K_DESKS: return cols_desks;
	case CAT_K_PROCEDURES: return cols_procs;
	default: return NULL;
	}
}
