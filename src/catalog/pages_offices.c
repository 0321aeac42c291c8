/* pages_offices.c — the catalogue's office pages (pages.c says how they answer): the list, the
 * office form, and the office page with its zones and desks, each edited in place. */
#include "catalog/web.h"

#include "app.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "catalog/store.h"
#include "http/form.h"
#include "http/kit.h"
#include "view/i18n.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- form input */

/* A decimal number people may write with a comma ("41,38"). */
static bool parse_coord(http_req_t *r, const char *s, double *out)
{
	char *t = arena_strdup(r->arena, s);
	for (char *p = t; *p; p++)
		if (*p == ',')
			*p = '.';
	char *end;
	*out = strtod(t, &end);
	return *t && !*end && isfinite(*out) && (isdigit((unsigned char)t[0]) || t[0] == '-' || t[0] == '+');
}

/* ---------------------------------------------------------------- offices: list and form */

static void offices_get(http_req_t *r)
{
	cat_office_t *offices;
	cat_org_t *orgs;
	size_t n, norgs;
	if (cat_store_orgs(r->db, r->arena, &orgs, &norgs) ||
	    cat_store_offices(r->db, r->arena, false, true, &offices, &n)) {
		http_reply_unavailable(r);
		return;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		const cat_office_t *o = &offices[i];
		size_t desks = 0;
		for (size_t z = 0; z < o->nzones; z++)
			desks += o->zones[z].ndesks;
		const char *org = o->org;
		for (size_t g = 0; g < norgs; g++)
			if (str_eq(orgs[g].code, o->org))
				org = i18n_pick(r->lang, orgs[g].name);
		json_array_append_new(list, jpack("{s:s,s:s,s:s,s:s,s:b,s:I,s:I}", "code", o->code, "name",
						  i18n_pick(r->lang, o->name), "kind",
						  http_tf(r, "cat_kind_%s", o->kind), "org", org, "active", o->active,
						  "zones", (json_int_t)o->nzones, "desks", (json_int_t)desks));
	}
	json_t *m = cat_page_model(r, NULL);
	json_object_set_new(m, "offices", list);
	json_object_set_new(m, "has_offices", json_boolean(n > 0));
	json_object_set_new(m, "has_orgs", json_boolean(norgs > 0));
	http_reply_page(r, 200, "catalog/offices", m);
}

static void office_from_form(http_req_t *r, cat_office_t *o, const char *code, fielderr_t *errs)
{
	*o = (cat_office_t){0};
	o->code = code ? code : form_str(r, "code");
	o->org = form_str(r, "organisation");
	o->kind = form_str(r, "kind");
	for (int l = 0; l < CAT_NLANG; l++) {
		o->name[l] = form_str(r, arena_printf(r->arena, "name_%s", cat_langs[l]));
		o->access[l] = form_text(r, arena_printf(r->arena, "accessibility_%s", cat_langs[l]));
	}
	o->address = form_str(r, "address");
	o->postcode = form_str(r, "postcode");
	o->city = form_str(r, "city");
	o->phone = form_str(r, "phone");
	o->tz = form_str(r, "tz");
	if (!*o->tz)
		o->tz = "Europe/Madrid";
	o->active = form_check(r, "active");
	const char *lat = form_str(r, "lat"), *lon = form_str(r, "lon");
	if (*lat || *lon) {
		bool okl = *lat && parse_coord(r, lat, &o->lat), okn = *lon && parse_coord(r, lon, &o->lon);
		okl = okl && o->lat >= -90 && o->lat <= 90;
		okn = okn && o->lon >= -180 && o->lon <= 180;
		if (*lat && !okl)
			fielderr_add(errs, "lat", "err_cat_lat");
		if (*lon && !okn)
			fielderr_add(errs, "lon", "err_cat_lon");
		if (!*lat || !*lon)
			fielderr_add(errs, *lat ? "lon" : "lat", "err_cat_coords");
		o->has_geo = okl && okn;
		o->lat = cat_round6(o->lat);
		o->lon = cat_round6(o->lon);
	}
}

static const char *coord_text(http_req_t *r, bool has, double v)
{
	if (!has)
		return "";
	char *s = arena_printf(r->arena, "%.6f", v);
	char *e = s + strlen(s) - 1;
	while (e > s && *e == '0')
		*e-- = '\0';
	if (*e == '.')
		*e = '\0';
	return s;
}

/* The create/edit form. o: the values to show (from the store or as posted). */
static void office_form_page(http_req_t *r, int status, bool editing, const cat_office_t *o, const fielderr_t *errs,
			     bool from_post)
{
	cat_org_t *orgs;
	size_t norgs;
	if (cat_store_orgs(r->db, r->arena, &orgs, &norgs)) {
		http_reply_unavailable(r);
		return;
	}
	form_t fm = form_new(r, "o");
	form_val(&fm, "code", o->code);
	for (int l = 0; l < CAT_NLANG; l++) {
		form_val(&fm, arena_printf(r->arena, "name_%s", cat_langs[l]), o->name[l]);
		form_val(&fm, arena_printf(r->arena, "accessibility_%s", cat_langs[l]), o->access[l]);
	}
	form_val(&fm, "address", o->address);
	form_val(&fm, "postcode", o->postcode);
	form_val(&fm, "city", o->city);
	form_val(&fm, "phone", o->phone);
	form_val(&fm, "tz", o->tz);
	/* Keep what was typed, even when it did not parse. */
	form_val(&fm, "lat", from_post ? form_str(r, "lat") : coord_text(r, o->has_geo, o->lat));
	form_val(&fm, "lon", from_post ? form_str(r, "lon") : coord_text(r, o->has_geo, o->lon));
	form_on(&fm, "active", o->active);
	json_t *summary = errs ? json_array() : NULL;
	if (errs)
		cat_form_errors(&fm, errs, summary);
	json_t *orgopts = json_array();
	bool chosen = false;
	for (size_t i = 0; i < norgs; i++) {
		chosen = chosen || str_eq(orgs[i].code, o->org);
		json_array_append_new(orgopts,
				      jpack("{s:s,s:s,s:b}", "value", orgs[i].code, "label",
					    i18n_pick(r->lang, orgs[i].name), "on", str_eq(orgs[i].code, o->org)));
	}
	json_t *m = cat_page_model(r, summary);
	json_object_set_new(m, "f", fm.f);
	json_object_set_new(m, "editing", json_boolean(editing));
	json_object_set_new(m, "code", json_string(o->code ? o->code : ""));
	json_object_set_new(m, "action",
			    json_string(editing ? arena_printf(r->arena, "/admin/offices/%s", o->code)
						: "/admin/offices"));
	json_object_set_new(m, "orgs", orgopts);
	json_object_set_new(m, "org_chosen", json_boolean(chosen));
	json_object_set_new(m, "kinds", cat_options(r, cat_office_kinds, 3, "cat_kind_", o->kind, "o-kind"));
	http_reply_page(r, status, "catalog/office_form", m);
}

static void office_new(http_req_t *r)
{
	cat_org_t *orgs;
	size_t norgs;
	if (cat_store_orgs(r->db, r->arena, &orgs, &norgs)) {
		http_reply_unavailable(r);
		return;
	}
	cat_office_t o = {.code = "",
			  .org = norgs == 1 ? orgs[0].code : "",
			  .kind = "citizen_office",
			  .tz = "Europe/Madrid",
			  .active = true,
			  .address = "",
			  .postcode = "",
			  .city = "",
			  .phone = ""};
	for (int l = 0; l < CAT_NLANG; l++)
		o.name[l] = o.access[l] = "";
	office_form_page(r, 200, false, &o, NULL, false);
}

/* An unknown organisation is a field error; 0, or a storage failure (answered: 503). */
static int office_check_org(http_req_t *r, const cat_office_t *o, fielderr_t *errs)
{
	cat_org_t org;
	if (!*o->org || fielderr_has(errs, "organisation"))
		return 0;
	int rc = cat_store_org_get(r->db, r->arena, o->org, &org);
	if (rc == ERR_NOT_FOUND)
		fielderr_add(errs, "organisation", "err_cat_org_unknown");
	else if (rc)
		http_reply_unavailable(r);
	return rc == ERR_NOT_FOUND ? 0 : rc;
}

typedef struct {
	cat_office_t o;
	int64_t id; /* 0: a new one */
} office_change_t;

static int office_write(http_req_t *r, void *ud)
{
	office_change_t *x = ud;
	return x->id ? cat_store_office_update(r->db, x->id, &x->o, cat_now())
		     : cat_store_office_insert(r->db, &x->o, cat_now(), &x->id);
}

static void offices_post(http_req_t *r)
{
	fielderr_t errs = {0};
	office_change_t x = {0};
	office_from_form(r, &x.o, NULL, &errs);
	cat_office_check(&x.o, &errs);
	if (office_check_org(r, &x.o, &errs))
		return;
	http_tx_audit(r, "office.create", arena_printf(r->arena, "office:%s", x.o.code), x.o.name[0]);
	if (!errs.n && http_tx(r, office_write, &x, &errs, "code", "err_cat_code_taken") == HTTP_TX_ANSWERED)
		return;
	if (errs.n) {
		office_form_page(r, 422, false, &x.o, &errs, true);
		return;
	}
	cat_changed(r, "office", x.o.code, arena_printf(r->arena, "/admin/offices/%s?saved=office_created", x.o.code));
}

static void office_edit(http_req_t *r)
{
	cat_office_t o;
	int rc = cat_store_office_get(r->db, r->arena, http_param(r, "code"), false, &o);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	office_form_page(r, 200, true, &o, NULL, false);
}

static void office_post(http_req_t *r)
{
	cat_office_t old;
	int rc = cat_store_office_get(r->db, r->arena, http_param(r, "code"), false, &old);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	fielderr_t errs = {0};
	office_change_t x = {.id = old.id};
	/* The code is the office's address in URLs and the API: it does not change here. */
	office_from_form(r, &x.o, old.code, &errs);
	cat_office_check(&x.o, &errs);
	if (office_check_org(r, &x.o, &errs))
		return;
	http_tx_audit(r, "office.update", arena_printf(r->arena, "office:%s", x.o.code),
		      x.o.active ? "active" : "inactive");
	if (!errs.n && http_tx(r, office_write, &x, &errs, NULL, NULL) == HTTP_TX_ANSWERED)
		return;
	if (errs.n) {
		office_form_page(r, 422, true, &x.o, &errs, true);
		return;
	}
	cat_changed(r, "office", x.o.code, arena_printf(r->arena, "/admin/offices/%s?saved=office_saved", x.o.code));
}

/* ---------------------------------------------------------------- the office page: zones and desks */

typedef enum { F_NONE, F_ZONE_NEW, F_ZONE_EDIT, F_ZONE_DELETE, F_DESK_NEW, F_DESK_EDIT } form_kind_t;

typedef struct {
	form_kind_t kind;
	const char *zone, *desk; /* codes from the URL */
	const fielderr_t *errs;
} failed_t;

static void zone_values(form_t *fm, const cat_zone_t *z)
{
	http_req_t *r = fm->r;
	form_val(fm, "code", z->code);
	for (int l = 0; l < CAT_NLANG; l++)
		form_val(fm, arena_printf(r->arena, "name_%s", cat_langs[l]), z->name[l]);
	form_val(fm, "colour", z->colour);
	form_val(fm, "letter", z->letter);
}

static void zone_from_form(http_req_t *r, cat_zone_t *z)
{
	*z = (cat_zone_t){0};
	z->code = form_str(r, "code");
	z->kind = form_str(r, "kind");
	for (int l = 0; l < CAT_NLANG; l++)
		z->name[l] = form_str(r, arena_printf(r->arena, "name_%s", cat_langs[l]));
	z->colour = form_str(r, "colour");
	/* People type "a"; the ticket shows "A". */
	char *letter = arena_strdup(r->arena, form_str(r, "letter"));
	for (char *p = letter; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	z->letter = letter;
}

static void desk_from_form(http_req_t *r, cat_desk_t *d, const char *code)
{
	*d = (cat_desk_t){0};
	d->display_name = form_str(r, "display_name");
	d->code = code ? code : form_str(r, "code");
	d->active = code ? form_check(r, "active") : true;
	/* A new desk's code may be left empty: it is made from the name ("Taula 5" → taula-5). */
	if (!code && !*d->code && *d->display_name) {
		const char *folded = str_fold(r->arena, d->display_name); /* "Ràpida" → "rapida" */
		char *s = arena_alloc(r->arena, strlen(folded) + 1), *w = s;
		for (const char *p = folded; *p; p++) {
			unsigned char ch = (unsigned char)*p;
			if (isalnum(ch))
				*w++ = (char)tolower(ch);
			else if (w > s && w[-1] != '-' && (ch == ' ' || ch == '-' || ch == '_' || ch == '.'))
				*w++ = '-';
		}
		while (w > s && w[-1] == '-')
			w--;
		*w = '\0';
		d->code = s;
	}
}

/* A zone of the office page: its edit and delete forms, its desks with their forms, the new-desk
 * form; the failed form (when it is one of these) shows its errors, appended to summary. */
static json_t *zone_json(http_req_t *r, const cat_zone_t *z, const failed_t *fail, json_t *summary)
{
	bool zone_failed = fail && str_eq(fail->zone, z->code);
	/* Zone edit form. */
	const char *zp = arena_printf(r->arena, "z-%s", z->code);
	form_t zf = form_new(r, zp);
	bool edit_failed = zone_failed && fail->kind == F_ZONE_EDIT;
	cat_zone_t shown = *z;
	if (edit_failed) {
		zone_from_form(r, &shown);
	}
	zone_values(&zf, &shown);
	if (edit_failed)
		cat_form_errors(&zf, fail->errs, summary);
	/* Delete form. */
	form_t xf = form_new(r, arena_printf(r->arena, "x-%s", z->code));
	if (zone_failed && fail->kind == F_ZONE_DELETE)
		cat_form_errors(&xf, fail->errs, summary);
	/* Desks. */
	json_t *desks = json_array();
	for (size_t k = 0; k < z->ndesks; k++) {
		const cat_desk_t *d = &z->desks[k];
		const char *dp = arena_printf(r->arena, "d-%s-%s", z->code, d->code);
		form_t df = form_new(r, dp);
		bool desk_failed = zone_failed && fail->kind == F_DESK_EDIT && str_eq(fail->desk, d->code);
		cat_desk_t ds = *d;
		if (desk_failed)
			desk_from_form(r, &ds, d->code);
		form_val(&df, "display_name", ds.display_name);
		form_on(&df, "active", ds.active);
		if (desk_failed)
			cat_form_errors(&df, fail->errs, summary);
		json_array_append_new(desks, jpack("{s:s,s:s,s:b,s:s,s:o}", "dcode", d->code, "display_name",
						   d->display_name, "active", d->active, "dp", dp, "df", df.f));
	}
	form_t nd = form_new(r, arena_printf(r->arena, "nd-%s", z->code));
	bool nd_failed = zone_failed && fail->kind == F_DESK_NEW;
	form_val(&nd, "code", nd_failed ? form_str(r, "code") : "");
	form_val(&nd, "display_name", nd_failed ? form_str(r, "display_name") : "");
	if (nd_failed)
		cat_form_errors(&nd, fail->errs, summary);
	char ratio[16];
	snprintf(ratio, sizeof ratio, "%.1f", cat_contrast_white(z->colour));
	json_t *jz = jpack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "zcode", z->code, "name", i18n_pick(r->lang, z->name),
			   "kind_label", http_tf(r, "cat_zone_%s", z->kind), "colour", z->colour, "letter", z->letter,
			   "ratio", ratio, "ndesks", (json_int_t)z->ndesks);
	json_object_set_new(jz, "zp", json_string(zp));
	json_object_set_new(jz, "zf", zf.f);
	json_object_set_new(jz, "xf", xf.f);
	json_object_set_new(jz, "open", json_boolean(edit_failed));
	json_object_set_new(jz, "kinds",
			    cat_options(r, cat_zone_kinds, 4, "cat_zone_", shown.kind,
					arena_printf(r->arena, "%s-kind", zp)));
	json_object_set_new(jz, "desks", desks);
	json_object_set_new(jz, "has_desks", json_boolean(z->ndesks > 0));
	json_object_set_new(jz, "nd", nd.f);
	return jz;
}

static void office_page(http_req_t *r, int status, const char *code, const failed_t *fail)
{
	cat_office_t o;
	cat_org_t org;
	int rc = cat_store_office_get(r->db, r->arena, code, true, &o);
	if (!rc)
		rc = cat_store_org_get(r->db, r->arena, o.org, &org);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	json_t *summary = fail ? json_array() : NULL;
	json_t *zones = json_array();
	for (size_t i = 0; i < o.nzones; i++)
		json_array_append_new(zones, zone_json(r, &o.zones[i], fail, summary));
	form_t nz = form_new(r, "nz");
	bool nz_failed = fail && fail->kind == F_ZONE_NEW;
	cat_zone_t newz = {.code = "", .kind = "welcome", .colour = "", .letter = ""};
	for (int l = 0; l < CAT_NLANG; l++)
		newz.name[l] = "";
	if (nz_failed)
		zone_from_form(r, &newz);
	zone_values(&nz, &newz);
	if (nz_failed)
		cat_form_errors(&nz, fail->errs, summary);

	json_t *m = cat_page_model(r, summary);
	json_t *jo =
		jpack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "code", o.code, "name",
		      i18n_pick(r->lang, o.name), "kind_label", http_tf(r, "cat_kind_%s", o.kind), "org",
		      i18n_pick(r->lang, org.name), "address", o.address, "postcode", o.postcode, "city", o.city,
		      "phone", o.phone, "tz", o.tz, "accessibility", i18n_pick(r->lang, o.access), "active", o.active);
	if (o.has_geo)
		json_object_set_new(jo, "coords",
				    json_string(arena_printf(r->arena, "%s, %s", coord_text(r, true, o.lat),
							     coord_text(r, true, o.lon))));
	json_object_set_new(m, "office", jo);
	json_object_set_new(m, "zones", zones);
	json_object_set_new(m, "has_zones", json_boolean(o.nzones > 0));
	json_object_set_new(m, "nz", nz.f);
	json_object_set_new(m, "nz_open", json_boolean(nz_failed));
	json_object_set_new(m, "nz_kinds", cat_options(r, cat_zone_kinds, 4, "cat_zone_", newz.kind, "nz-kind"));
	http_reply_page(r, status, "catalog/office", m);
}

static void office_get(http_req_t *r)
{
	office_page(r, 200, http_param(r, "code"), NULL);
}

/* Loads the office (with zones) of the URL, or replies 404/503. */
static bool load_office(http_req_t *r, cat_office_t *o)
{
	int rc = cat_store_office_get(r->db, r->arena, http_param(r, "code"), true, o);
	if (rc)
		http_reply_failed(r, rc);
	return rc == 0;
}

static const cat_zone_t *find_zone(const cat_office_t *o, const char *code)
{
	for (size_t i = 0; i < o->nzones; i++)
		if (str_eq(o->zones[i].code, code))
			return &o->zones[i];
	return NULL;
}

static void zone_letter_check(const cat_office_t *o, const cat_zone_t *z, int64_t self, fielderr_t *errs)
{
	for (size_t i = 0; i < o->nzones; i++)
		if (o->zones[i].id != self && str_eq(o->zones[i].letter, z->letter) && !fielderr_has(errs, "letter"))
			fielderr_add(errs, "letter", "err_cat_letter_taken");
	for (size_t i = 0; i < o->nzones; i++)
		if (o->zones[i].id != self && str_eq(o->zones[i].code, z->code) && !fielderr_has(errs, "code"))
			fielderr_add(errs, "code", "err_cat_code_taken");
}

static const char *office_url(http_req_t *r, const cat_office_t *o, const char *saved, const char *anchor)
{
	return arena_printf(r->arena, "/admin/offices/%s?saved=%s%s%s", o->code, saved, anchor ? "#" : "",
			    anchor ? anchor : "");
}

/* One change to an office's zones or desks and the office's updated_at, in one transaction: a
 * failure between them leaves neither. */
typedef enum { ZONE_INSERT, ZONE_UPDATE, ZONE_DELETE, DESK_INSERT, DESK_UPDATE, DESK_DELETE } office_op_t;

typedef struct {
	office_op_t op;
	int64_t office_id, id; /* the zone's or desk's id; for inserts, the zone (desk) or unused (zone) */
	const cat_zone_t *z;
	const cat_desk_t *d;
} office_part_t;

static int office_part_write(http_req_t *r, void *ud)
{
	office_part_t *x = ud;
	int64_t id;
	int rc = 0;
	switch (x->op) {
	case ZONE_INSERT: rc = cat_store_zone_insert(r->db, x->office_id, x->z, &id); break;
	case ZONE_UPDATE: rc = cat_store_zone_update(r->db, x->id, x->z); break;
	case ZONE_DELETE: rc = cat_store_zone_delete(r->db, x->id); break;
	case DESK_INSERT: rc = cat_store_desk_insert(r->db, x->id, x->d, &id); break;
	case DESK_UPDATE: rc = cat_store_desk_update(r->db, x->id, x->d); break;
	case DESK_DELETE: rc = cat_store_desk_delete(r->db, x->id); break;
	}
	return rc ? rc : cat_store_office_touch(r->db, x->office_id, cat_now());
}

/* Writes one change to a part of the office (its audit record set with http_tx_audit) and
 * answers: the office page again with its form marked (f; 409 when the part is in use, else 422),
 * or the announcement and the 303 to location. */
static void part_apply(http_req_t *r, const cat_office_t *o, office_part_t *x, fielderr_t *errs, const char *cfield,
		       const char *ckey, failed_t f, const char *what, const char *location)
{
	if (!errs->n && http_tx(r, office_part_write, x, errs, cfield, ckey) == HTTP_TX_ANSWERED)
		return;
	if (errs->n) {
		f.errs = errs;
		office_page(r, str_eq(errs->e[0].key, "err_cat_in_use") ? 409 : 422, o->code, &f);
		return;
	}
	cat_changed(r, what, o->code, location);
}

/* The office of the URL and, when want_zone, its zone; false when answered (404, 503). */
static bool load_part(http_req_t *r, cat_office_t *o, const cat_zone_t **z)
{
	if (!load_office(r, o))
		return false;
	if (!z)
		return true;
	*z = find_zone(o, http_param(r, "zone"));
	if (!*z)
		http_reply_not_found(r);
	return *z != NULL;
}

/* A new zone (old NULL) or an edit of old. */
static void zone_save(http_req_t *r, const cat_office_t *o, const cat_zone_t *old)
{
	cat_zone_t z;
	zone_from_form(r, &z);
	fielderr_t errs = {0};
	cat_zone_check(&z, &errs);
	zone_letter_check(o, &z, old ? old->id : 0, &errs);
	if (!old && o->nzones >= CAT_ZONES_MAX)
		fielderr_add(&errs, "code", "err_cat_too_many");
	office_part_t x = {old ? ZONE_UPDATE : ZONE_INSERT, o->id, old ? old->id : 0, &z, NULL};
	http_tx_audit(r, old ? "zone.update" : "zone.create", arena_printf(r->arena, "zone:%s/%s", o->code, z.code),
		      arena_printf(r->arena, "letter=%s colour=%s", z.letter, z.colour));
	failed_t f = {old ? F_ZONE_EDIT : F_ZONE_NEW, old ? old->code : NULL, NULL, NULL};
	part_apply(r, o, &x, &errs, "code", "err_cat_code_taken", f, "zone",
		   office_url(r, o, old ? "zone_saved" : "zone_created", arena_printf(r->arena, "zone-%s", z.code)));
}

static void zones_post(http_req_t *r)
{
	cat_office_t o;
	if (load_part(r, &o, NULL))
		zone_save(r, &o, NULL);
}

static void zone_post(http_req_t *r)
{
	cat_office_t o;
	const cat_zone_t *old;
	if (load_part(r, &o, &old))
		zone_save(r, &o, old);
}

static void zone_delete(http_req_t *r)
{
	cat_office_t o;
	const cat_zone_t *z;
	if (!load_part(r, &o, &z))
		return;
	fielderr_t errs = {0};
	if (!form_check(r, "confirm"))
		fielderr_add(&errs, "confirm", "err_cat_confirm");
	office_part_t x = {ZONE_DELETE, o.id, z->id, z, NULL};
	http_tx_audit(r, "zone.delete", arena_printf(r->arena, "zone:%s/%s", o.code, z->code),
		      arena_printf(r->arena, "desks=%zu", z->ndesks));
	part_apply(r, &o, &x, &errs, "confirm", "err_cat_in_use", (failed_t){F_ZONE_DELETE, z->code, NULL, NULL},
		   "zone", office_url(r, &o, "zone_deleted", "zones"));
}

static const cat_desk_t *find_desk(const cat_zone_t *z, const char *code)
{
	for (size_t k = 0; k < z->ndesks; k++)
		if (str_eq(z->desks[k].code, code))
			return &z->desks[k];
	return NULL;
}

/* The desk of the URL in zone z; NULL when answered (404). */
static const cat_desk_t *load_desk(http_req_t *r, const cat_zone_t *z)
{
	const cat_desk_t *d = find_desk(z, http_param(r, "desk"));
	if (!d)
		http_reply_not_found(r);
	return d;
}

static const char *desk_url(http_req_t *r, const cat_office_t *o, const cat_zone_t *z, const char *saved)
{
	return office_url(r, o, saved, arena_printf(r->arena, "zone-%s", z->code));
}

static void desks_post(http_req_t *r)
{
	cat_office_t o;
	const cat_zone_t *z;
	if (!load_part(r, &o, &z))
		return;
	cat_desk_t d;
	desk_from_form(r, &d, NULL);
	fielderr_t errs = {0};
	cat_desk_check(&d, &errs);
	for (size_t k = 0; k < z->ndesks; k++)
		if (str_eq(z->desks[k].code, d.code) && !fielderr_has(&errs, "code"))
			fielderr_add(&errs, "code", "err_cat_code_taken");
	if (z->ndesks >= CAT_DESKS_MAX)
		fielderr_add(&errs, "code", "err_cat_too_many");
	office_part_t x = {DESK_INSERT, o.id, z->id, z, &d};
	http_tx_audit(r, "desk.create", arena_printf(r->arena, "desk:%s/%s/%s", o.code, z->code, d.code),
		      d.display_name);
	part_apply(r, &o, &x, &errs, "code", "err_cat_code_taken", (failed_t){F_DESK_NEW, z->code, NULL, NULL}, "desk",
		   desk_url(r, &o, z, "desk_created"));
}

static void desk_post(http_req_t *r)
{
	cat_office_t o;
	const cat_zone_t *z;
	const cat_desk_t *old;
	if (!load_part(r, &o, &z) || !(old = load_desk(r, z)))
		return;
	cat_desk_t d;
	desk_from_form(r, &d, old->code);
	fielderr_t errs = {0};
	cat_desk_check(&d, &errs);
	office_part_t x = {DESK_UPDATE, o.id, old->id, z, &d};
	http_tx_audit(r, "desk.update", arena_printf(r->arena, "desk:%s/%s/%s", o.code, z->code, d.code),
		      arena_printf(r->arena, "%s%s", d.display_name, d.active ? "" : " (inactive)"));
	part_apply(r, &o, &x, &errs, NULL, NULL, (failed_t){F_DESK_EDIT, z->code, old->code, NULL}, "desk",
		   desk_url(r, &o, z, "desk_saved"));
}

static void desk_delete(http_req_t *r)
{
	cat_office_t o;
	const cat_zone_t *z;
	const cat_desk_t *d;
	if (!load_part(r, &o, &z) || !(d = load_desk(r, z)))
		return;
	fielderr_t errs = {0};
	office_part_t x = {DESK_DELETE, o.id, d->id, z, d};
	http_tx_audit(r, "desk.delete", arena_printf(r->arena, "desk:%s/%s/%s", o.code, z->code, d->code),
		      d->display_name);
	part_apply(r, &o, &x, &errs, "display_name", "err_cat_in_use", (failed_t){F_DESK_EDIT, z->code, d->code, NULL},
		   "desk", desk_url(r, &o, z, "desk_deleted"));
}

const http_route_t cat_office_routes[] = {
	{HTTP_GET, "/admin/offices", offices_get, RT_DB, CAT_ROLES},
	{HTTP_POST, "/admin/offices", offices_post, RT_FORM | RT_DB, CAT_ROLES},
	{HTTP_GET, "/admin/offices/new", office_new, RT_DB, CAT_ROLES},
	{HTTP_GET, "/admin/offices/{code}", office_get, RT_DB, CAT_ROLES},
	{HTTP_POST, "/admin/offices/{code}", office_post, RT_FORM | RT_DB, CAT_ROLES},
	{HTTP_GET, "/admin/offices/{code}/edit", office_edit, RT_DB, CAT_ROLES},
	{HTTP_POST, "/admin/offices/{code}/zones", zones_post, RT_FORM | RT_DB, CAT_ROLES},
	{HTTP_POST, "/admin/offices/{code}/zones/{zone}", zone_post, RT_FORM | RT_DB, CAT_ROLES},
	{HTTP_POST, "/admin/offices/{code}/zones/{zone}/delete", zone_delete, RT_FORM | RT_DB, CAT_ROLES},
	{HTTP_POST, "/admin/offices/{code}/zones/{zone}/desks", desks_post, RT_FORM | RT_DB, CAT_ROLES},
	{HTTP_POST, "/admin/offices/{code}/zones/{zone}/desks/{desk}", desk_post, RT_FORM | RT_DB, CAT_ROLES},
	{HTTP_POST, "/admin/offices/{code}/zones/{zone}/desks/{desk}/delete", desk_delete, RT_FORM | RT_DB, CAT_ROLES},
	{0},
};
