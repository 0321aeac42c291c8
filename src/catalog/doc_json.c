/* doc_json.c — reading the catalogue's JSON document (doc.h, docs/catalogue-format.md). */
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

/* ---------------------------------------------------------------- JSON */

typedef struct {
	cat_rd_t *r;
	json_t *obj;
	fielderr_t *errs; /* this entity's reading errors */
} jobj_t;

static void j_keys(cat_rd_t *r, json_t *obj, const char *where, const char *const *allowed)
{
	const char *k;
	json_t *v;
	json_object_foreach (obj, k, v) {
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
	return cat_is_multi(field) ? cat_clean_multi(o->r->a, json_string_value(v))
				   : cat_clean_line(o->r->a, json_string_value(v));
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
	json_object_foreach (v, k, x) {
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
			out[l] = multi ? cat_clean_multi(o->r->a, json_string_value(s))
				       : cat_clean_line(o->r->a, json_string_value(s));
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
	json_array_foreach (v, i, x) {
		if (!json_is_string(x)) {
			fielderr_add(o->errs, field, "err_cat_type");
			return false;
		}
		const char *s = cat_clean_line(o->r->a, json_string_value(x));
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
	const char *s = cat_enum_from_list(o->r->a, &l, set, nset);
	if (!s) {
		fielderr_add(o->errs, key, reason);
		return NULL;
	}
	return s;
}

/* An array member: its size, or 0 with an error for another type. */
static size_t j_array(cat_rd_t *r, json_t *obj, const char *key, const char *where, json_t **arr)
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

static bool j_item(cat_rd_t *r, json_t *v, const char *where)
{
	if (json_is_object(v))
		return true;
	cat_ierrs_add(r->errs, where, "", "err_cat_type", "an object is expected");
	return false;
}

static void j_org(cat_rd_t *r, json_t *v, const char *where, cat_org_t *org)
{
	static const char *const keys[] = {"code", "name", NULL};
	fielderr_t read = {0}, check = {0};
	jobj_t o = {r, v, &read};
	j_keys(r, v, where, keys);
	*org = (cat_org_t){.at = where};
	org->code = j_str(&o, "code", "code", NULL);
	j_langs(&o, "name", org->name, false);
	cat_org_check(org, &check);
	cat_rd_flush(r, where, &read, &check);
}

static void j_desk(cat_rd_t *r, json_t *v, const char *where, cat_desk_t *d)
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
	cat_rd_flush(r, where, &read, &check);
}

static void j_zone(cat_rd_t *r, json_t *v, const char *where, cat_zone_t *z)
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
	cat_rd_flush(r, where, &read, &check);
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

static void j_office(cat_rd_t *r, json_t *v, const char *where, cat_office_t *off)
{
	static const char *const keys[] = {"code",          "organisation", "kind",   "name",  "address",
					   "postcode",      "city",         "lat",    "lon",   "phone",
					   "accessibility", "tz",           "active", "zones", NULL};
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
	cat_rd_flush(r, where, &read, &check);
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

static void j_proc(cat_rd_t *r, json_t *v, const char *where, cat_proc_t *p)
{
	static const char *const keys[] = {"code",       "category",   "name",     "description",
					   "documents",  "id_methods", "channels", "duration_min",
					   "online_url", "offices",    "active",   NULL};
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
			json_object_foreach (docs, k, x) {
				if (!str_eq(k, "ca") && !str_eq(k, "es") && !str_eq(k, "en"))
					fielderr_add(&read, arena_printf(r->a, "documents.%s", k),
						     "err_cat_unknown_field");
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
	cat_rd_flush(r, where, &read, &check);
}

int cat_read_json(arena_t *a, const char *text, size_t len, cat_doc_t *out, cat_ierrs_t *errs)
{
	*out = (cat_doc_t){0};
	cat_rd_t r = {a, errs, true};
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
	cat_doc_dups(&r, out);
	return errs->n || errs->dropped ? ERR_INVALID : 0;
}
