/* doc.c — reading and writing the catalogue's JSON document and CSV tables (see doc.h and
 * docs/catalogue-format.md). Reading collects every problem it can (up to CAT_IERRS_MAX) rather
 * than stopping at the first, so one run shows what to fix. */
#include "catalog/doc.h"

#include "base/err.h"
#include "base/str.h"
#include "base/csv.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_ITEMS 20000

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

typedef struct {
	arena_t *a;
	cat_ierrs_t *errs;
	bool json; /* field names as JSON paths (name.ca) rather than CSV columns (name_ca) */
} rd_t;

/* name_ca → name.ca for the JSON document's nested language objects. */
static const char *field_label(rd_t *r, const char *field)
{
	static const char *nested[] = {"name", "description", "documents", "accessibility"};
	if (!r->json || !field)
		return field;
	size_t n = strlen(field);
	if (n > 3 && field[n - 3] == '_' && (str_ends(field, "_ca") || str_ends(field, "_es") || str_ends(field, "_en")))
		for (size_t i = 0; i < sizeof nested / sizeof nested[0]; i++)
			if (strlen(nested[i]) == n - 3 && strncmp(field, nested[i], n - 3) == 0)
				return arena_printf(r->a, "%.*s.%s", (int)(n - 3), field, field + n - 2);
	return field;
}

/* Reports the errors of one entity: the reading problems first, then the check's, leaving out
 * fields that already have a reading problem. */
static void flush(rd_t *r, const char *where, const fielderr_t *read, const fielderr_t *check)
{
	for (size_t i = 0; i < read->n; i++)
		cat_ierrs_add(r->errs, where, field_label(r, read->e[i].field), read->e[i].key, "");
	for (size_t i = 0; i < check->n; i++)
		if (!fielderr_has(read, check->e[i].field))
			cat_ierrs_add(r->errs, where, field_label(r, check->e[i].field), check->e[i].key, "");
}

/* Single-line text: trimmed. */
static const char *clean_line(arena_t *a, const char *s)
{
	return str_trim(arena_strdup(a, s));
}

/* Multi-line text: CRLF and CR become LF, then trimmed. */
static const char *clean_multi(arena_t *a, const char *s)
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

static bool is_multi(const char *field)
{
	return str_starts(field, "description_") || str_starts(field, "accessibility_");
}

/* A comma list of enumerated names from items; NULL when one is unknown. */
static const char *enum_from_list(arena_t *a, const cat_list_t *l, const char *const *set, size_t nset)
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
static void dup_check(rd_t *r, const char **codes, const char **wheres, size_t n, const char *field)
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

static void doc_dups(rd_t *r, cat_doc_t *d)
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
						cat_ierrs_add(r->errs, zn->at, "letter", "err_cat_letter_taken", zn->letter);
						break;
					}
				k++;
			}
		}
	}
}

/* ---------------------------------------------------------------- JSON */

typedef struct {
	rd_t *r;
	json_t *obj;
	fielderr_t *errs; /* this entity's reading errors */
} jobj_t;

static void j_keys(rd_t *r, json_t *obj, const char *where, const char *const *allowed)
{
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v)
	{
		bool ok = false;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = strcmp(*a, k) == 0;
		if (!ok)
			cat_ierrs_add(r->errs, where, arena_strdup(r->a, k), "err_cat_unknown_field", "");
	}
}

/* A string member; NULL when absent or null (def then), and an error for another type. */
static const char *j_str(jobj_t *o, const char *key, const char *field, const char *def)
{
	json_t *v = json_object_get(o->obj, key);
	if (!v || json_is_null(v))
		return def;
	if (!json_is_string(v)) {
		fielderr_add(o->errs, field, "err_cat_type");
		return def;
	}
	return is_multi(field) ? clean_multi(o->r->a, json_string_value(v)) : clean_line(o->r->a, json_string_value(v));
}

static bool j_bool(jobj_t *o, const char *key, bool def)
{
	json_t *v = json_object_get(o->obj, key);
	if (!v || json_is_null(v))
		return def;
	if (!json_is_boolean(v)) {
		fielderr_add(o->errs, key, "err_cat_bool");
		return def;
	}
	return json_is_true(v);
}

/* {"ca":…, "es":…, "en":…} into out[3]; fields base_ca… */
static void j_langs(jobj_t *o, const char *key, const char *out[CAT_NLANG], bool multi)
{
	static const char *suffix[CAT_NLANG] = {"_ca", "_es", "_en"};
	json_t *v = json_object_get(o->obj, key);
	for (int l = 0; l < CAT_NLANG; l++)
		out[l] = NULL;
	if (!v || json_is_null(v))
		return;
	if (!json_is_object(v)) {
		for (int l = 0; l < CAT_NLANG; l++)
			fielderr_add(o->errs, arena_printf(o->r->a, "%s%s", key, suffix[l]), "err_cat_type");
		return;
	}
	const char *k;
	json_t *x;
	json_object_foreach(v, k, x)
	{
		if (!str_eq(k, "ca") && !str_eq(k, "es") && !str_eq(k, "en"))
			fielderr_add(o->errs, arena_printf(o->r->a, "%s.%s", key, k), "err_cat_unknown_field");
	}
	for (int l = 0; l < CAT_NLANG; l++) {
		json_t *s = json_object_get(v, cat_langs[l]);
		const char *field = arena_printf(o->r->a, "%s%s", key, suffix[l]);
		if (!s || json_is_null(s))
			continue;
		if (!json_is_string(s))
			fielderr_add(o->errs, field, "err_cat_type");
		else
			out[l] = multi ? clean_multi(o->r->a, json_string_value(s)) : clean_line(o->r->a, json_string_value(s));
	}
}

/* An array of strings; false (and an error on field) for another shape. */
static bool j_strlist(jobj_t *o, json_t *v, const char *field, cat_list_t *l)
{
	*l = (cat_list_t){0};
	if (!v || json_is_null(v))
		return true;
	if (!json_is_array(v) || json_array_size(v) > MAX_ITEMS) {
		fielderr_add(o->errs, field, json_is_array(v) ? "err_cat_too_many" : "err_cat_type");
		return false;
	}
	l->v = arena_alloc(o->r->a, (json_array_size(v) + 1) * sizeof *l->v);
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x)
	{
		if (!json_is_string(x)) {
			fielderr_add(o->errs, field, "err_cat_type");
			return false;
		}
		const char *s = clean_line(o->r->a, json_string_value(x));
		if (*s)
			l->v[l->n++] = s;
		else {
			/* An empty item is a mistake in a hand-written list, not something to drop silently. */
			fielderr_add(o->errs, field, "err_cat_required");
			return false;
		}
	}
	return true;
}

static const char *j_enum(jobj_t *o, const char *key, const char *const *set, size_t nset, const char *reason)
{
	cat_list_t l;
	if (!j_strlist(o, json_object_get(o->obj, key), key, &l))
		return NULL;
	if (!json_object_get(o->obj, key))
		return "";
	const char *s = enum_from_list(o->r->a, &l, set, nset);
	if (!s) {
		fielderr_add(o->errs, key, reason);
		return NULL;
	}
	return s;
}

/* An array member: its size, or 0 with an error for another type. */
static size_t j_array(rd_t *r, json_t *obj, const char *key, const char *where, json_t **arr)
{
	json_t *v = json_object_get(obj, key);
	*arr = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v)) {
		cat_ierrs_add(r->errs, where, key, "err_cat_type", "an array is expected");
		return 0;
	}
	if (json_array_size(v) > MAX_ITEMS) {
		cat_ierrs_add(r->errs, where, key, "err_cat_too_many", "");
		return 0;
	}
	*arr = v;
	return json_array_size(v);
}

static bool j_item(rd_t *r, json_t *v, const char *where)
{
	if (json_is_object(v))
		return true;
	cat_ierrs_add(r->errs, where, "", "err_cat_type", "an object is expected");
	return false;
}

static void j_org(rd_t *r, json_t *v, const char *where, cat_org_t *org)
{
	static const char *const keys[] = {"code", "name", NULL};
	fielderr_t read = {0}, check = {0};
	jobj_t o = {r, v, &read};
	j_keys(r, v, where, keys);
	*org = (cat_org_t){.at = where};
	org->code = j_str(&o, "code", "code", NULL);
	j_langs(&o, "name", org->name, false);
	cat_org_check(org, &check);
	flush(r, where, &read, &check);
}

static void j_desk(rd_t *r, json_t *v, const char *where, cat_desk_t *d)
{
	static const char *const keys[] = {"code", "display_name", "active", NULL};
	fielderr_t read = {0}, check = {0};
	jobj_t o = {r, v, &read};
	j_keys(r, v, where, keys);
	*d = (cat_desk_t){.at = where};
	d->code = j_str(&o, "code", "code", NULL);
	d->display_name = j_str(&o, "display_name", "display_name", NULL);
	d->active = j_bool(&o, "active", true);
	cat_desk_check(d, &check);
	flush(r, where, &read, &check);
}

static void j_zone(rd_t *r, json_t *v, const char *where, cat_zone_t *z)
{
	static const char *const keys[] = {"code", "kind", "name", "colour", "letter", "desks", NULL};
	fielderr_t read = {0}, check = {0};
	jobj_t o = {r, v, &read};
	j_keys(r, v, where, keys);
	*z = (cat_zone_t){.at = where};
	z->code = j_str(&o, "code", "code", NULL);
	z->kind = j_str(&o, "kind", "kind", NULL);
	j_langs(&o, "name", z->name, false);
	z->colour = j_str(&o, "colour", "colour", NULL);
	z->letter = j_str(&o, "letter", "letter", NULL);
	cat_zone_check(z, &check);
	flush(r, where, &read, &check);
	json_t *arr;
	size_t n = j_array(r, v, "desks", where, &arr);
	if (n > CAT_DESKS_MAX) {
		cat_ierrs_add(r->errs, where, "desks", "err_cat_too_many", "");
		return;
	}
	z->desks = arena_alloc(r->a, (n + 1) * sizeof *z->desks);
	for (size_t i = 0; i < n; i++) {
		const char *w = arena_printf(r->a, "%s.desks[%zu]", where, i);
		json_t *x = json_array_get(arr, i);
		if (j_item(r, x, w))
			j_desk(r, x, w, &z->desks[z->ndesks++]);
	}
}

static void j_office(rd_t *r, json_t *v, const char *where, cat_office_t *off)
{
	static const char *const keys[] = {"code",  "organisation", "kind",          "name", "address", "postcode",
					   "city",  "lat",          "lon",           "phone", "accessibility", "tz",
					   "active", "zones",       NULL};
	fielderr_t read = {0}, check = {0};
	jobj_t o = {r, v, &read};
	j_keys(r, v, where, keys);
	*off = (cat_office_t){.at = where};
	off->code = j_str(&o, "code", "code", NULL);
	off->org = j_str(&o, "organisation", "organisation", NULL);
	off->kind = j_str(&o, "kind", "kind", NULL);
	j_langs(&o, "name", off->name, false);
	off->address = j_str(&o, "address", "address", "");
	off->postcode = j_str(&o, "postcode", "postcode", "");
	off->city = j_str(&o, "city", "city", "");
	off->phone = j_str(&o, "phone", "phone", "");
	j_langs(&o, "accessibility", off->access, true);
	for (int l = 0; l < CAT_NLANG; l++)
		if (!off->access[l])
			off->access[l] = "";
	off->tz = j_str(&o, "tz", "tz", "Europe/Madrid");
	off->active = j_bool(&o, "active", true);
	json_t *lat = json_object_get(v, "lat"), *lon = json_object_get(v, "lon");
	bool has_lat = lat && !json_is_null(lat), has_lon = lon && !json_is_null(lon);
	if (has_lat && !json_is_number(lat))
		fielderr_add(&read, "lat", "err_cat_number");
	else if (has_lon && !json_is_number(lon))
		fielderr_add(&read, "lon", "err_cat_number");
	else if (has_lat != has_lon)
		fielderr_add(&read, has_lat ? "lon" : "lat", "err_cat_coords");
	else if (has_lat) {
		off->has_geo = true;
		off->lat = cat_round6(json_number_value(lat));
		off->lon = cat_round6(json_number_value(lon));
	}
	cat_office_check(off, &check);
	flush(r, where, &read, &check);
	json_t *arr;
	size_t n = j_array(r, v, "zones", where, &arr);
	if (n > CAT_ZONES_MAX) {
		cat_ierrs_add(r->errs, where, "zones", "err_cat_too_many", "");
		return;
	}
	off->zones = arena_alloc(r->a, (n + 1) * sizeof *off->zones);
	for (size_t i = 0; i < n; i++) {
		const char *w = arena_printf(r->a, "%s.zones[%zu]", where, i);
		json_t *x = json_array_get(arr, i);
		if (j_item(r, x, w))
			j_zone(r, x, w, &off->zones[off->nzones++]);
	}
}

static void j_proc(rd_t *r, json_t *v, const char *where, cat_proc_t *p)
{
	static const char *const keys[] = {"code",     "category",     "name",       "description", "documents",
					   "id_methods", "channels",   "duration_min", "online_url", "offices",
					   "active",   NULL};
	fielderr_t read = {0}, check = {0};
	jobj_t o = {r, v, &read};
	j_keys(r, v, where, keys);
	*p = (cat_proc_t){.at = where};
	p->code = j_str(&o, "code", "code", NULL);
	p->category = j_str(&o, "category", "category", NULL);
	j_langs(&o, "name", p->name, false);
	j_langs(&o, "description", p->desc, true);
	for (int l = 0; l < CAT_NLANG; l++)
		if (!p->desc[l])
			p->desc[l] = "";
	json_t *docs = json_object_get(v, "documents");
	if (docs && !json_is_null(docs)) {
		if (!json_is_object(docs)) {
			fielderr_add(&read, "documents", "err_cat_type");
		} else {
			const char *k;
			json_t *x;
			json_object_foreach(docs, k, x)
			{
				if (!str_eq(k, "ca") && !str_eq(k, "es") && !str_eq(k, "en"))
					fielderr_add(&read, arena_printf(r->a, "documents.%s", k), "err_cat_unknown_field");
			}
			for (int l = 0; l < CAT_NLANG; l++)
				j_strlist(&o, json_object_get(docs, cat_langs[l]),
					  arena_printf(r->a, "documents_%s", cat_langs[l]), &p->docs[l]);
		}
	}
	p->id_methods = j_enum(&o, "id_methods", cat_id_methods, 5, "err_cat_id_methods");
	p->channels = j_enum(&o, "channels", cat_channels, 6, "err_cat_channels");
	json_t *dur = json_object_get(v, "duration_min");
	if (dur && !json_is_integer(dur))
		fielderr_add(&read, "duration_min", "err_cat_duration");
	else if (dur)
		p->duration_min = json_integer_value(dur) > 100000 || json_integer_value(dur) < -1
					  ? -1
					  : (int)json_integer_value(dur);
	else
		fielderr_add(&read, "duration_min", "err_cat_required");
	p->online_url = j_str(&o, "online_url", "online_url", "");
	j_strlist(&o, json_object_get(v, "offices"), "offices", &p->offices);
	p->active = j_bool(&o, "active", true);
	cat_proc_check(p, &check);
	flush(r, where, &read, &check);
}

int cat_read_json(arena_t *a, const char *text, size_t len, cat_doc_t *out, cat_ierrs_t *errs)
{
	*out = (cat_doc_t){0};
	rd_t r = {a, errs, true};
	if (len > CAT_FILE_MAX) {
		cat_ierrs_add(errs, "", "", "err_cat_too_many", "the file is larger than 16 MiB");
		return ERR_INVALID;
	}
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		cat_ierrs_add(errs, arena_printf(a, "line %d, column %d", je.line, je.column), "", "err_cat_json",
			      arena_strdup(a, je.text));
		return ERR_INVALID;
	}
	if (!json_is_object(root)) {
		cat_ierrs_add(errs, "", "", "err_cat_format", "the document must be a JSON object");
		json_decref(root);
		return ERR_INVALID;
	}
	static const char *const keys[] = {"format", "version", "organisations", "offices", "procedures", NULL};
	j_keys(&r, root, "document", keys);
	json_t *fmt = json_object_get(root, "format"), *ver = json_object_get(root, "version");
	if (fmt && !str_eq(json_string_value(fmt), CAT_DOC_FORMAT))
		cat_ierrs_add(errs, "document", "format", "err_cat_format", "expected \"" CAT_DOC_FORMAT "\"");
	if (ver && !(json_is_integer(ver) && json_integer_value(ver) == CAT_DOC_VERSION))
		cat_ierrs_add(errs, "document", "version", "err_cat_format", "expected 1");
	json_t *arr;
	size_t n = j_array(&r, root, "organisations", "document", &arr);
	out->orgs = arena_alloc(a, (n + 1) * sizeof *out->orgs);
	for (size_t i = 0; i < n; i++) {
		const char *w = arena_printf(a, "organisations[%zu]", i);
		json_t *x = json_array_get(arr, i);
		if (j_item(&r, x, w))
			j_org(&r, x, w, &out->orgs[out->norgs++]);
	}
	n = j_array(&r, root, "offices", "document", &arr);
	out->offices = arena_alloc(a, (n + 1) * sizeof *out->offices);
	for (size_t i = 0; i < n; i++) {
		const char *w = arena_printf(a, "offices[%zu]", i);
		json_t *x = json_array_get(arr, i);
		if (j_item(&r, x, w))
			j_office(&r, x, w, &out->offices[out->noffices++]);
	}
	n = j_array(&r, root, "procedures", "document", &arr);
	out->procs = arena_alloc(a, (n + 1) * sizeof *out->procs);
	for (size_t i = 0; i < n; i++) {
		const char *w = arena_printf(a, "procedures[%zu]", i);
		json_t *x = json_array_get(arr, i);
		if (j_item(&r, x, w))
			j_proc(&r, x, w, &out->procs[out->nprocs++]);
	}
	json_decref(root);
	doc_dups(&r, out);
	return errs->n || errs->dropped ? ERR_INVALID : 0;
}

/* ---------------------------------------------------------------- CSV */

typedef struct {
	const char *name;
	bool required;
} col_t;

static const col_t cols_orgs[] = {{"organisation", true}, {"name_ca", true}, {"name_es", true}, {"name_en", true}, {NULL, 0}};
static const col_t cols_offices[] = {
	{"office", true},   {"organisation", true}, {"kind", true},     {"name_ca", true},
	{"name_es", true},  {"name_en", true},      {"address", false}, {"postcode", false},
	{"city", false},    {"lat", false},         {"lon", false},     {"phone", false},
	{"accessibility_ca", false}, {"accessibility_es", false}, {"accessibility_en", false},
	{"tz", false},      {"active", false},      {NULL, 0}};
static const col_t cols_zones[] = {{"office", true},  {"zone", true},    {"kind", true},   {"name_ca", true},
				   {"name_es", true}, {"name_en", true}, {"colour", true}, {"letter", true},
				   {NULL, 0}};
static const col_t cols_desks[] = {{"office", true}, {"zone", true}, {"desk", true}, {"display_name", true},
				   {"active", false}, {NULL, 0}};
static const col_t cols_procs[] = {
	{"procedure", true},       {"category", true},       {"name_ca", true},        {"name_es", true},
	{"name_en", true},         {"description_ca", false}, {"description_es", false}, {"description_en", false},
	{"documents_ca", false},   {"documents_es", false},  {"documents_en", false},  {"id_methods", true},
	{"channels", true},        {"duration_min", true},   {"online_url", false},    {"offices", false},
	{"active", false},         {NULL, 0}};

static const col_t *table_cols(cat_kind_t k)
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

typedef struct {
	rd_t *r;
	const csv_row_t *row;
	const int *map; /* column index in the file of each table column, -1 when absent */
	const col_t *cols;
	fielderr_t *errs;
} crow_t;

static int col_index(const col_t *cols, const char *name)
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
	const char *s = is_multi(name) ? clean_multi(c->r->a, v) : clean_line(c->r->a, v);
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
	const char *s = enum_from_list(c->r->a, &l, set, nset);
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
	} keys[] = {{"procedure", CAT_K_PROCEDURES}, {"desk", CAT_K_DESKS}, {"zone", CAT_K_ZONES},
		    {"office", CAT_K_OFFICES},       {"organisation", CAT_K_ORGANISATIONS}};
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

static cat_office_t *ref_office(rd_t *r, cat_doc_t *d, caps_t *caps, const char *code, const char *at)
{
	cat_office_t *o = find_office(d, code);
	if (o)
		return o;
	o = ARENA_PUSH(r->a, d->offices, d->noffices, caps->cap_offices);
	*o = (cat_office_t){.code = code, .ref = true, .at = at};
	return o;
}

static void csv_row(rd_t *r, cat_kind_t kind, crow_t *c, cat_doc_t *d, caps_t *caps, const char *at)
{
	fielderr_t check = {0};
	switch (kind) {
	case CAT_K_ORGANISATIONS: {
		cat_org_t *o = ARENA_PUSH(r->a, d->orgs, d->norgs, caps->cap_orgs);
		*o = (cat_org_t){.at = at, .code = c_str(c, "organisation", NULL)};
		c_langs(c, "name", o->name, NULL);
		cat_org_check(o, &check);
		break;
	}
	case CAT_K_OFFICES: {
		cat_office_t *o = ARENA_PUSH(r->a, d->offices, d->noffices, caps->cap_offices);
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
		cat_office_check(o, &check);
		/* The map's "code" is the office column here. */
		for (size_t i = 0; i < check.n; i++)
			if (str_eq(check.e[i].field, "code"))
				check.e[i].field = "office";
		break;
	}
	case CAT_K_ZONES: {
		const char *oc = c_str(c, "office", "");
		if (!cat_code_valid(oc)) {
			fielderr_add(c->errs, "office", *oc ? "err_cat_code" : "err_cat_required");
			break;
		}
		cat_office_t *o = ref_office(r, d, caps, oc, at);
		cat_zone_t z = {.at = at};
		z.code = c_str(c, "zone", NULL);
		z.kind = c_str(c, "kind", NULL);
		c_langs(c, "name", z.name, NULL);
		z.colour = c_str(c, "colour", NULL);
		z.letter = c_str(c, "letter", NULL);
		cat_zone_check(&z, &check);
		for (size_t i = 0; i < check.n; i++)
			if (str_eq(check.e[i].field, "code"))
				check.e[i].field = "zone";
		size_t cap = o->nzones; /* zones arrays grow by copy: few zones per office */
		cat_zone_t *nz = arena_alloc(r->a, (cap + 1) * sizeof *nz);
		if (o->nzones)
			memcpy(nz, o->zones, o->nzones * sizeof *nz);
		nz[o->nzones++] = z;
		o->zones = nz;
		if (o->nzones > CAT_ZONES_MAX)
			fielderr_add(c->errs, "zone", "err_cat_too_many");
		break;
	}
	case CAT_K_DESKS: {
		const char *oc = c_str(c, "office", ""), *zc = c_str(c, "zone", "");
		if (!cat_code_valid(oc)) {
			fielderr_add(c->errs, "office", *oc ? "err_cat_code" : "err_cat_required");
			break;
		}
		if (!cat_code_valid(zc)) {
			fielderr_add(c->errs, "zone", *zc ? "err_cat_code" : "err_cat_required");
			break;
		}
		cat_office_t *o = ref_office(r, d, caps, oc, at);
		cat_zone_t *z = find_zone(o, zc);
		if (!z) {
			if (o->nzones >= CAT_ZONES_MAX) {
				fielderr_add(c->errs, "zone", "err_cat_too_many");
				break;
			}
			cat_zone_t *nz = arena_alloc(r->a, (o->nzones + 1) * sizeof *nz);
			if (o->nzones)
				memcpy(nz, o->zones, o->nzones * sizeof *nz);
			nz[o->nzones] = (cat_zone_t){.code = zc, .ref = true, .at = at};
			o->zones = nz;
			z = &o->zones[o->nzones++];
		}
		if (z->ndesks >= CAT_DESKS_MAX) {
			fielderr_add(c->errs, "desk", "err_cat_too_many");
			break;
		}
		cat_desk_t dk = {.at = at};
		dk.code = c_str(c, "desk", NULL);
		dk.display_name = c_str(c, "display_name", NULL);
		dk.active = c_bool(c, "active", true);
		cat_desk_check(&dk, &check);
		for (size_t i = 0; i < check.n; i++)
			if (str_eq(check.e[i].field, "code"))
				check.e[i].field = "desk";
		cat_desk_t *nd = arena_alloc(r->a, (z->ndesks + 1) * sizeof *nd);
		if (z->ndesks)
			memcpy(nd, z->desks, z->ndesks * sizeof *nd);
		nd[z->ndesks++] = dk;
		z->desks = nd;
		break;
	}
	case CAT_K_PROCEDURES: {
		cat_proc_t *p = ARENA_PUSH(r->a, d->procs, d->nprocs, caps->cap_procs);
		*p = (cat_proc_t){.at = at};
		p->code = c_str(c, "procedure", NULL);
		p->category = c_str(c, "category", NULL);
		c_langs(c, "name", p->name, NULL);
		c_langs(c, "description", p->desc, "");
		for (int l = 0; l < CAT_NLANG; l++)
			c_list(c, arena_printf(r->a, "documents_%s", cat_langs[l]), &p->docs[l]);
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
		cat_proc_check(p, &check);
		for (size_t i = 0; i < check.n; i++)
			if (str_eq(check.e[i].field, "code"))
				check.e[i].field = "procedure";
		break;
	}
	default:
		break;
	}
	flush(r, at, c->errs, &check);
}

int cat_read_csv(arena_t *a, const char *text, size_t len, cat_kind_t *kind, cat_doc_t *out, cat_ierrs_t *errs)
{
	*out = (cat_doc_t){0};
	rd_t r = {a, errs, false};
	if (len > CAT_FILE_MAX) {
		cat_ierrs_add(errs, "", "", "err_cat_too_many", "the file is larger than 16 MiB");
		return ERR_INVALID;
	}
	csv_limits_t lim = {MAX_ITEMS + 1, 64, 64 * 1024, 0};
	csv_t csv;
	csv_error_t ce;
	int rc = csv_parse(a, text, len, &lim, &csv, &ce);
	if (rc) {
		cat_ierrs_add(errs, arena_printf(a, "line %zu, field %zu", ce.line, ce.field), "", "err_cat_csv", ce.reason);
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
	const col_t *cols = table_cols(*kind);
	size_t ncols = 0;
	while (cols[ncols].name)
		ncols++;
	int *map = arena_alloc(a, ncols * sizeof *map);
	for (size_t i = 0; i < ncols; i++)
		map[i] = -1;
	for (size_t i = 0; i < h->n; i++) {
		const char *where = arena_printf(a, "line %zu", h->line);
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
			cat_ierrs_add(errs, arena_printf(a, "line %zu", h->line), cols[i].name, "err_cat_column_missing", "");
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
	rd_t rd2 = {a, &dups, false};
	doc_dups(&rd2, out);
	const char *keycol = *kind == CAT_K_PROCEDURES ? "procedure"
			     : *kind == CAT_K_ORGANISATIONS ? "organisation"
			     : *kind == CAT_K_OFFICES ? "office"
			     : *kind == CAT_K_ZONES ? "zone"
						    : "desk";
	for (size_t i = 0; i < dups.n; i++) {
		/* Offices referenced by several zone rows are grouped, not duplicates. */
		cat_ierr_t *e = &dups.e[i];
		cat_ierrs_add(errs, e->where, str_eq(e->field, "code") ? keycol : e->field, e->reason, e->detail);
	}
	return errs->n || errs->dropped ? ERR_INVALID : 0;
}

/* ---------------------------------------------------------------- writing */

static json_t *langs_json(const char *const v[CAT_NLANG])
{
	return json_pack("{s:s,s:s,s:s}", "ca", v[0] ? v[0] : "", "es", v[1] ? v[1] : "", "en", v[2] ? v[2] : "");
}

static json_t *list_json(const cat_list_t *l)
{
	json_t *a = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

static json_t *commas_json(const char *s)
{
	json_t *a = json_array();
	const char *p = s ? s : "";
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n)
			json_array_append_new(a, json_stringn(p, n));
		if (!e)
			break;
		p = e + 1;
	}
	return a;
}

json_t *cat_doc_to_json(const cat_doc_t *d)
{
	json_t *orgs = json_array(), *offices = json_array(), *procs = json_array();
	for (size_t i = 0; i < d->norgs; i++)
		json_array_append_new(orgs, json_pack("{s:s,s:o}", "code", d->orgs[i].code, "name", langs_json(d->orgs[i].name)));
	for (size_t i = 0; i < d->noffices; i++) {
		const cat_office_t *o = &d->offices[i];
		json_t *zones = json_array();
		for (size_t z = 0; z < o->nzones; z++) {
			const cat_zone_t *zn = &o->zones[z];
			json_t *desks = json_array();
			for (size_t k = 0; k < zn->ndesks; k++)
				json_array_append_new(desks, json_pack("{s:s,s:s,s:b}", "code", zn->desks[k].code, "display_name",
								       zn->desks[k].display_name, "active", zn->desks[k].active));
			json_array_append_new(zones, json_pack("{s:s,s:s,s:o,s:s,s:s,s:o}", "code", zn->code, "kind", zn->kind,
							       "name", langs_json(zn->name), "colour", zn->colour,
							       "letter", zn->letter, "desks", desks));
		}
		json_t *jo = json_pack("{s:s,s:s,s:s,s:o,s:s,s:s,s:s}", "code", o->code, "organisation", o->org, "kind",
				       o->kind, "name", langs_json(o->name), "address", o->address ? o->address : "",
				       "postcode", o->postcode ? o->postcode : "", "city", o->city ? o->city : "");
		json_object_set_new(jo, "lat", o->has_geo ? json_real(o->lat) : json_null());
		json_object_set_new(jo, "lon", o->has_geo ? json_real(o->lon) : json_null());
		json_object_set_new(jo, "phone", json_string(o->phone ? o->phone : ""));
		json_object_set_new(jo, "accessibility", langs_json(o->access));
		json_object_set_new(jo, "tz", json_string(o->tz));
		json_object_set_new(jo, "active", json_boolean(o->active));
		json_object_set_new(jo, "zones", zones);
		json_array_append_new(offices, jo);
	}
	for (size_t i = 0; i < d->nprocs; i++) {
		const cat_proc_t *p = &d->procs[i];
		json_t *jp = json_pack("{s:s,s:s,s:o,s:o}", "code", p->code, "category", p->category, "name",
				       langs_json(p->name), "description", langs_json(p->desc));
		json_object_set_new(jp, "documents",
				    json_pack("{s:o,s:o,s:o}", "ca", list_json(&p->docs[0]), "es", list_json(&p->docs[1]),
					      "en", list_json(&p->docs[2])));
		json_object_set_new(jp, "id_methods", commas_json(p->id_methods));
		json_object_set_new(jp, "channels", commas_json(p->channels));
		json_object_set_new(jp, "duration_min", json_integer(p->duration_min));
		json_object_set_new(jp, "online_url", json_string(p->online_url ? p->online_url : ""));
		json_object_set_new(jp, "offices", list_json(&p->offices));
		json_object_set_new(jp, "active", json_boolean(p->active));
		json_array_append_new(procs, jp);
	}
	return json_pack("{s:s,s:i,s:o,s:o,s:o}", "format", CAT_DOC_FORMAT, "version", CAT_DOC_VERSION, "organisations",
			 orgs, "offices", offices, "procedures", procs);
}

static const char *fmt_coord(char *buf, size_t n, bool has, double v)
{
	if (!has)
		return "";
	snprintf(buf, n, "%.6f", v);
	/* Trim trailing zeros so the file reads as people write coordinates. */
	char *e = buf + strlen(buf) - 1;
	while (e > buf && *e == '0')
		*e-- = '\0';
	if (*e == '.')
		*e = '\0';
	return buf;
}

static const char *bars(const char *commas, char *buf, size_t n)
{
	snprintf(buf, n, "%s", commas ? commas : "");
	for (char *p = buf; *p; p++)
		if (*p == ',')
			*p = '|';
	return buf;
}

int cat_doc_to_csv(const cat_doc_t *d, cat_kind_t table, buf_t *out)
{
	const col_t *cols = table_cols(table);
	if (!cols)
		return ERR_INVALID;
	const char *v[24];
	size_t nc = 0;
	while (cols[nc].name)
		v[nc] = cols[nc].name, nc++;
	int rc = csv_put_row(out, v, nc);
	arena_t *a = arena_new();
	char lat[32], lon[32], ids[128], chs[128];
	switch (table) {
	case CAT_K_ORGANISATIONS:
		for (size_t i = 0; i < d->norgs && !rc; i++) {
			const cat_org_t *o = &d->orgs[i];
			const char *row[] = {o->code, o->name[0], o->name[1], o->name[2]};
			rc = csv_put_row(out, row, 4);
		}
		break;
	case CAT_K_OFFICES:
		for (size_t i = 0; i < d->noffices && !rc; i++) {
			const cat_office_t *o = &d->offices[i];
			const char *row[] = {o->code, o->org, o->kind, o->name[0], o->name[1], o->name[2], o->address,
					     o->postcode, o->city, fmt_coord(lat, sizeof lat, o->has_geo, o->lat),
					     fmt_coord(lon, sizeof lon, o->has_geo, o->lon), o->phone, o->access[0],
					     o->access[1], o->access[2], o->tz, o->active ? "true" : "false"};
			rc = csv_put_row(out, row, sizeof row / sizeof row[0]);
		}
		break;
	case CAT_K_ZONES:
		for (size_t i = 0; i < d->noffices && !rc; i++)
			for (size_t z = 0; z < d->offices[i].nzones && !rc; z++) {
				const cat_zone_t *zn = &d->offices[i].zones[z];
				const char *row[] = {d->offices[i].code, zn->code, zn->kind, zn->name[0], zn->name[1],
						     zn->name[2], zn->colour, zn->letter};
				rc = csv_put_row(out, row, 8);
			}
		break;
	case CAT_K_DESKS:
		for (size_t i = 0; i < d->noffices && !rc; i++)
			for (size_t z = 0; z < d->offices[i].nzones && !rc; z++) {
				const cat_zone_t *zn = &d->offices[i].zones[z];
				for (size_t k = 0; k < zn->ndesks && !rc; k++) {
					const char *row[] = {d->offices[i].code, zn->code, zn->desks[k].code,
							     zn->desks[k].display_name, zn->desks[k].active ? "true" : "false"};
					rc = csv_put_row(out, row, 5);
				}
			}
		break;
	case CAT_K_PROCEDURES:
		for (size_t i = 0; i < d->nprocs && !rc; i++) {
			const cat_proc_t *p = &d->procs[i];
			char dur[16];
			snprintf(dur, sizeof dur, "%d", p->duration_min);
			const char *row[] = {p->code,
					     p->category,
					     p->name[0],
					     p->name[1],
					     p->name[2],
					     p->desc[0],
					     p->desc[1],
					     p->desc[2],
					     cat_list_join(a, &p->docs[0], '|'),
					     cat_list_join(a, &p->docs[1], '|'),
					     cat_list_join(a, &p->docs[2], '|'),
					     bars(p->id_methods, ids, sizeof ids),
					     bars(p->channels, chs, sizeof chs),
					     dur,
					     p->online_url,
					     cat_list_join(a, &p->offices, '|'),
					     p->active ? "true" : "false"};
			rc = csv_put_row(out, row, sizeof row / sizeof row[0]);
		}
		break;
	default:
		break;
	}
	arena_free(a);
	return rc;
}
