/* doc_write.c — writing the catalogue as its JSON document or as one CSV table (doc.h). */
#include "catalog/docread.h"

#include "base/csv.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- writing */

static json_t *langs_json(const char *const v[CAT_NLANG])
{
	return jpack("{s:s,s:s,s:s}", "ca", v[0] ? v[0] : "", "es", v[1] ? v[1] : "", "en", v[2] ? v[2] : "");
}

static json_t *list_json(const cat_list_t *l)
{
	json_t *a = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

json_t *cat_commas_json(const char *s)
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
		json_array_append_new(orgs,
				      jpack("{s:s,s:o}", "code", d->orgs[i].code, "name", langs_json(d->orgs[i].name)));
	for (size_t i = 0; i < d->noffices; i++) {
		const cat_office_t *o = &d->offices[i];
		json_t *zones = json_array();
		for (size_t z = 0; z < o->nzones; z++) {
			const cat_zone_t *zn = &o->zones[z];
			json_t *desks = json_array();
			for (size_t k = 0; k < zn->ndesks; k++)
				json_array_append_new(desks,
						      jpack("{s:s,s:s,s:b}", "code", zn->desks[k].code, "display_name",
							    zn->desks[k].display_name, "active", zn->desks[k].active));
			json_array_append_new(zones, jpack("{s:s,s:s,s:o,s:s,s:s,s:o}", "code", zn->code, "kind",
							   zn->kind, "name", langs_json(zn->name), "colour", zn->colour,
							   "letter", zn->letter, "desks", desks));
		}
		json_t *jo = jpack("{s:s,s:s,s:s,s:o,s:s,s:s,s:s}", "code", o->code, "organisation", o->org, "kind",
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
		json_t *jp = jpack("{s:s,s:s,s:o,s:o}", "code", p->code, "category", p->category, "name",
				   langs_json(p->name), "description", langs_json(p->desc));
		json_object_set_new(jp, "documents",
				    jpack("{s:o,s:o,s:o}", "ca", list_json(&p->docs[0]), "es", list_json(&p->docs[1]),
					  "en", list_json(&p->docs[2])));
		json_object_set_new(jp, "id_methods", cat_commas_json(p->id_methods));
		json_object_set_new(jp, "channels", cat_commas_json(p->channels));
		json_object_set_new(jp, "duration_min", json_integer(p->duration_min));
		json_object_set_new(jp, "online_url", json_string(p->online_url ? p->online_url : ""));
		json_object_set_new(jp, "offices", list_json(&p->offices));
		json_object_set_new(jp, "active", json_boolean(p->active));
		json_array_append_new(procs, jp);
	}
	return jpack("{s:s,s:i,s:o,s:o,s:o}", "format", CAT_DOC_FORMAT, "version", CAT_DOC_VERSION, "organisations",
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

static int csv_orgs(const cat_doc_t *d, buf_t *out)
{
	int rc = 0;
	for (size_t i = 0; i < d->norgs && !rc; i++) {
		const cat_org_t *o = &d->orgs[i];
		const char *row[] = {o->code, o->name[0], o->name[1], o->name[2]};
		rc = csv_put_row(out, row, 4);
	}
	return rc;
}

static int csv_offices(const cat_doc_t *d, buf_t *out)
{
	int rc = 0;
	char lat[32], lon[32];
	for (size_t i = 0; i < d->noffices && !rc; i++) {
		const cat_office_t *o = &d->offices[i];
		const char *row[] = {o->code,
				     o->org,
				     o->kind,
				     o->name[0],
				     o->name[1],
				     o->name[2],
				     o->address,
				     o->postcode,
				     o->city,
				     fmt_coord(lat, sizeof lat, o->has_geo, o->lat),
				     fmt_coord(lon, sizeof lon, o->has_geo, o->lon),
				     o->phone,
				     o->access[0],
				     o->access[1],
				     o->access[2],
				     o->tz,
				     o->active ? "true" : "false"};
		rc = csv_put_row(out, row, sizeof row / sizeof row[0]);
	}
	return rc;
}

static int csv_zones(const cat_doc_t *d, buf_t *out)
{
	int rc = 0;
	for (size_t i = 0; i < d->noffices && !rc; i++)
		for (size_t z = 0; z < d->offices[i].nzones && !rc; z++) {
			const cat_zone_t *zn = &d->offices[i].zones[z];
			const char *row[] = {d->offices[i].code, zn->code,    zn->kind,   zn->name[0],
					     zn->name[1],        zn->name[2], zn->colour, zn->letter};
			rc = csv_put_row(out, row, 8);
		}
	return rc;
}

static int csv_desks(const cat_doc_t *d, buf_t *out)
{
	int rc = 0;
	for (size_t i = 0; i < d->noffices && !rc; i++)
		for (size_t z = 0; z < d->offices[i].nzones && !rc; z++) {
			const cat_zone_t *zn = &d->offices[i].zones[z];
			for (size_t k = 0; k < zn->ndesks && !rc; k++) {
				const char *row[] = {d->offices[i].code, zn->code, zn->desks[k].code,
						     zn->desks[k].display_name, zn->desks[k].active ? "true" : "false"};
				rc = csv_put_row(out, row, 5);
			}
		}
	return rc;
}

static int csv_procs(const cat_doc_t *d, buf_t *out)
{
	int rc = 0;
	arena_t *a = arena_new();
	char ids[128], chs[128];
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
	arena_free(a);
	return rc;
}

int cat_doc_to_csv(const cat_doc_t *d, cat_kind_t table, buf_t *out)
{
	const cat_col_t *cols = cat_table_cols(table);
	if (!cols)
		return ERR_INVALID;
	const char *v[24];
	size_t nc = 0;
	while (cols[nc].name)
		v[nc] = cols[nc].name, nc++;
	int rc = csv_put_row(out, v, nc);
	if (rc)
		return rc;
	switch (table) {
	case CAT_K_ORGANISATIONS: return csv_orgs(d, out);
	case CAT_K_OFFICES: return csv_offices(d, out);
	case CAT_K_ZONES: return csv_zones(d, out);
	case CAT_K_DESKS: return csv_desks(d, out);
	case CAT_K_PROCEDURES: return csv_procs(d, out);
	default: return 0;
	}
}
