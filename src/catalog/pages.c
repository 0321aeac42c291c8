/* pages.c — the catalogue's pages for administrators and coordinators: organisations, offices
 * (with their zones and desks) and procedures.
 *
 * Every form posts back to the server; a valid change is committed, audited, announced on the
 * bus (catalog_changed) and answered with 303 to the page that shows it, with ?saved=WHAT for the
 * notice. An invalid one is answered 422 with the same page, the values as typed, an error
 * summary linking to each field, and the message next to the field. */
#include "app.h"
#include "auth/auth.h"
#include "base/err.h"
#include "base/log.h"
#include "base/str.h"
#include "catalog/internal.h"
#include "catalog/web.h"
#include "catalog/store.h"
#include "http/form.h"
#include "http/router.h"
#include "view/i18n.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ROLES (ROLE_ADMIN | ROLE_COORDINATOR)

/* ---------------------------------------------------------------- form input */

/* A form field, trimmed; "" when absent. Arena memory. */
static const char *fstr(http_req_t *r, const char *name)
{
	const char *v = http_form(r, name);
	return v ? str_trim(arena_strdup(r->arena, v)) : "";
}

/* A textarea: CRLF → LF, trimmed. */
static const char *ftext(http_req_t *r, const char *name)
{
	const char *v = http_form(r, name);
	if (!v)
		return "";
	char *o = arena_strdup(r->arena, v), *w = o;
	for (const char *p = v; *p; p++)
		if (*p != '\r')
			*w++ = *p;
	*w = '\0';
	return str_trim(o);
}

static bool fcheck(http_req_t *r, const char *name)
{
	const char *v = http_form(r, name);
	return v && *v && strcmp(v, "0") != 0;
}

/* Every value of a repeated field (checkboxes), as a list. */
static void fmulti(http_req_t *r, const char *name, cat_list_t *l)
{
	size_t n = kv_count(&r->form, name);
	l->v = arena_alloc(r->arena, (n + 1) * sizeof *l->v);
	l->n = 0;
	for (size_t i = 0; i < r->form.n; i++)
		if (strcmp(r->form.items[i].key, name) == 0 && *r->form.items[i].val)
			l->v[l->n++] = r->form.items[i].val;
}

static const char *fmulti_commas(http_req_t *r, const char *name)
{
	cat_list_t l;
	fmulti(r, name, &l);
	return cat_list_join(r->arena, &l, ',');
}

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

/* ---------------------------------------------------------------- view models */

static const char *label_of(http_req_t *r, const char *field)
{
	return http_t(r, arena_printf(r->arena, "cat_f_%s", field));
}

/* The order fields appear in on the forms, so the error summary reads top to bottom. */
static int field_rank(const char *field)
{
	static const char *const order[] = {
		"code",           "organisation",   "kind",           "name_ca",        "name_es",
		"name_en",        "address",        "postcode",       "city",           "lat",
		"lon",            "phone",          "accessibility_ca", "accessibility_es", "accessibility_en",
		"tz",             "colour",         "letter",         "display_name",   "category",
		"description_ca", "description_es", "description_en", "documents_ca",   "documents_es",
		"documents_en",   "id_methods",     "channels",       "duration_min",   "online_url",
		"offices",        "active",         "confirm"};
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (str_eq(order[i], field))
			return (int)i;
	return (int)(sizeof order / sizeof order[0]);
}

/* Marks the fields of errs and appends the summary entries to summary, in form order. */
static void fm_errors(form_t *m, const fielderr_t *errs_in, json_t *summary)
{
	http_req_t *r = m->r;
	fielderr_t sorted = *errs_in, *errs = &sorted;
	for (size_t i = 1; i < sorted.n; i++) /* insertion sort: stable, and n is small */
		for (size_t j = i; j > 0 && field_rank(sorted.e[j - 1].field) > field_rank(sorted.e[j].field); j--) {
			fielderr_item_t t = sorted.e[j];
			sorted.e[j] = sorted.e[j - 1];
			sorted.e[j - 1] = t;
		}
	for (size_t i = 0; i < errs->n; i++) {
		const char *field = errs->e[i].field;
		const char *msg = http_t(r, errs->e[i].key);
		json_t *f = form_field(m, field);
		if (!json_object_get(f, "err"))
			json_object_set_new(f, "err", json_string(msg));
		json_array_append_new(summary, form_item(m, field, label_of(r, field), msg));
	}
}

/* Options for a select or a group of checkboxes: [{value,label,on,id}]. selected is a comma list. */
static json_t *options(http_req_t *r, const char *const *values, size_t n, const char *label_prefix,
		       const char *selected, const char *id_prefix)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:b,s:s}", "value", values[i], "label",
						   http_t(r, arena_printf(r->arena, "%s%s", label_prefix, values[i])), "on",
						   cat_list_has(selected ? selected : "", values[i]), "id",
						   arena_printf(r->arena, "%s-%s", id_prefix, values[i])));
	return a;
}

/* Page model with the notice of ?saved=WHAT (whitelisted through the translations' keys). */
static json_t *page_model(http_req_t *r, json_t *summary)
{
	static const char *const saved[] = {"office_created", "office_saved", "zone_created", "zone_saved",
					    "zone_deleted",   "desk_created", "desk_saved",   "desk_deleted",
					    "org_created",    "org_saved",    "proc_created", "proc_saved"};
	json_t *m = json_object();
	const char *s = http_query(r, "saved");
	if (s && cat_in(s, saved, sizeof saved / sizeof saved[0]) && !summary)
		json_object_set_new(m, "notice", json_string(http_t(r, arena_printf(r->arena, "cat_saved_%s", s))));
	if (summary && json_array_size(summary)) {
		json_object_set_new(m, "has_errors", json_true());
		json_object_set_new(m, "errors", summary);
	} else {
		json_decref(summary);
	}
	return m;
}

static void unavailable(http_req_t *r)
{
	http_reply_error(r, 503, "unavailable", "err_unavailable", NULL);
}

static void not_found(http_req_t *r)
{
	http_reply_error(r, 404, "not_found", "err_not_found", NULL);
}

/* After a committed change. */
static void changed(http_req_t *r, const char *action, const char *target, const char *detail, const char *what,
		    const char *code, const char *location)
{
	auth_audit(r, action, target, detail ? detail : "");
	catalog_changed(r->app, what, code);
	http_reply_redirect(r, location);
}

/* Maps a write error: conflicts become a field error, the rest 503. Returns true when handled
 * as a field error (errs filled). */
static bool write_error(http_req_t *r, int rc, fielderr_t *errs, const char *field, const char *reason)
{
	if (rc == ERR_CONFLICT) {
		fielderr_add(errs, field, reason);
		return true;
	}
	log_error("catalogue: write failed on %s: %s", r->path, err_name(rc));
	unavailable(r);
	return false;
}

/* ---------------------------------------------------------------- organisations */

static void org_from_form(http_req_t *r, cat_org_t *o, const char *code)
{
	*o = (cat_org_t){0};
	o->code = code ? code : fstr(r, "code");
	for (int l = 0; l < CAT_NLANG; l++)
		o->name[l] = fstr(r, arena_printf(r->arena, "name_%s", cat_langs[l]));
}

static void orgs_page(http_req_t *r, int status, const char *failed, const fielderr_t *errs)
{
	db_conn_t *c = http_db(r);
	cat_org_t *orgs;
	size_t n;
	if (!c || cat_store_orgs(c, r->arena, &orgs, &n)) {
		unavailable(r);
		return;
	}
	json_t *summary = errs ? json_array() : NULL;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		const char *prefix = arena_printf(r->arena, "g-%s", orgs[i].code);
		form_t fm = form_new(r, prefix);
		bool is_failed = str_eq(failed, orgs[i].code);
		cat_org_t shown = orgs[i];
		if (is_failed)
			org_from_form(r, &shown, orgs[i].code);
		for (int l = 0; l < CAT_NLANG; l++)
			form_val(&fm, arena_printf(r->arena, "name_%s", cat_langs[l]), shown.name[l]);
		if (is_failed)
			fm_errors(&fm, errs, summary);
		json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:o,s:b}", "gcode", orgs[i].code, "name",
						      i18n_pick(r->lang, orgs[i].name), "prefix", prefix, "gf", fm.f, "open",
						      is_failed));
	}
	form_t nf = form_new(r, "ng");
	bool new_failed = str_eq(failed, "");
	form_val(&nf, "code", new_failed ? fstr(r, "code") : "");
	for (int l = 0; l < CAT_NLANG; l++) {
		const char *k = arena_printf(r->arena, "name_%s", cat_langs[l]);
		form_val(&nf, k, new_failed ? fstr(r, k) : "");
	}
	if (new_failed)
		fm_errors(&nf, errs, summary);
	json_t *m = page_model(r, summary);
	json_object_set_new(m, "orgs", list);
	json_object_set_new(m, "nf", nf.f);
	http_reply_page(r, status, "catalog/organisations", m);
}

static void orgs_get(http_req_t *r)
{
	orgs_page(r, 200, NULL, NULL);
}

static void orgs_post(http_req_t *r)
{
	cat_org_t o;
	org_from_form(r, &o, NULL);
	fielderr_t errs = {0};
	cat_org_check(&o, &errs);
	db_conn_t *c = http_db(r);
	if (!c) {
		unavailable(r);
		return;
	}
	int64_t id = 0;
	if (!errs.n) {
		int rc = cat_store_org_insert(c, &o, cat_now(), &id);
		if (rc && !write_error(r, rc, &errs, "code", "err_cat_code_taken"))
			return;
	}
	if (errs.n) {
		orgs_page(r, 422, "", &errs);
		return;
	}
	changed(r, "organisation.create", arena_printf(r->arena, "organisation:%s", o.code), o.name[0], "organisation",
		o.code, "/admin/organisations?saved=org_created");
}

static void org_post(http_req_t *r)
{
	const char *code = http_param(r, "code");
	db_conn_t *c = http_db(r);
	cat_org_t old;
	int rc = c ? cat_store_org_get(c, r->arena, code, &old) : ERR_UNAVAILABLE;
	if (rc == ERR_NOT_FOUND) {
		not_found(r);
		return;
	}
	if (rc) {
		unavailable(r);
		return;
	}
	cat_org_t o;
	org_from_form(r, &o, old.code);
	fielderr_t errs = {0};
	cat_org_check(&o, &errs);
	if (errs.n) {
		orgs_page(r, 422, old.code, &errs);
		return;
	}
	if ((rc = cat_store_org_update(c, old.id, &o, cat_now()))) {
		unavailable(r);
		return;
	}
	changed(r, "organisation.update", arena_printf(r->arena, "organisation:%s", o.code), o.name[0], "organisation",
		o.code, "/admin/organisations?saved=org_saved");
}

/* ---------------------------------------------------------------- offices: list and form */

static void offices_get(http_req_t *r)
{
	db_conn_t *c = http_db(r);
	cat_office_t *offices;
	cat_org_t *orgs;
	size_t n, norgs;
	if (!c || cat_store_orgs(c, r->arena, &orgs, &norgs) || cat_store_offices(c, r->arena, false, true, &offices, &n)) {
		unavailable(r);
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
		json_array_append_new(
			list, json_pack("{s:s,s:s,s:s,s:s,s:b,s:I,s:I}", "code", o->code, "name", i18n_pick(r->lang, o->name), "kind",
					http_t(r, arena_printf(r->arena, "cat_kind_%s", o->kind)), "org", org, "active",
					o->active, "zones", (json_int_t)o->nzones, "desks", (json_int_t)desks));
	}
	json_t *m = page_model(r, NULL);
	json_object_set_new(m, "offices", list);
	json_object_set_new(m, "has_offices", json_boolean(n > 0));
	json_object_set_new(m, "has_orgs", json_boolean(norgs > 0));
	http_reply_page(r, 200, "catalog/offices", m);
}

static void office_from_form(http_req_t *r, cat_office_t *o, const char *code, fielderr_t *errs)
{
	*o = (cat_office_t){0};
	o->code = code ? code : fstr(r, "code");
	o->org = fstr(r, "organisation");
	o->kind = fstr(r, "kind");
	for (int l = 0; l < CAT_NLANG; l++) {
		o->name[l] = fstr(r, arena_printf(r->arena, "name_%s", cat_langs[l]));
		o->access[l] = ftext(r, arena_printf(r->arena, "accessibility_%s", cat_langs[l]));
	}
	o->address = fstr(r, "address");
	o->postcode = fstr(r, "postcode");
	o->city = fstr(r, "city");
	o->phone = fstr(r, "phone");
	o->tz = fstr(r, "tz");
	if (!*o->tz)
		o->tz = "Europe/Madrid";
	o->active = fcheck(r, "active");
	const char *lat = fstr(r, "lat"), *lon = fstr(r, "lon");
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
	db_conn_t *c = http_db(r);
	cat_org_t *orgs;
	size_t norgs;
	if (!c || cat_store_orgs(c, r->arena, &orgs, &norgs)) {
		unavailable(r);
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
	form_val(&fm, "lat", from_post ? fstr(r, "lat") : coord_text(r, o->has_geo, o->lat));
	form_val(&fm, "lon", from_post ? fstr(r, "lon") : coord_text(r, o->has_geo, o->lon));
	form_on(&fm, "active", o->active);
	json_t *summary = errs ? json_array() : NULL;
	if (errs)
		fm_errors(&fm, errs, summary);
	json_t *orgopts = json_array();
	bool chosen = false;
	for (size_t i = 0; i < norgs; i++) {
		chosen = chosen || str_eq(orgs[i].code, o->org);
		json_array_append_new(orgopts, json_pack("{s:s,s:s,s:b}", "value", orgs[i].code, "label",
							 i18n_pick(r->lang, orgs[i].name), "on", str_eq(orgs[i].code, o->org)));
	}
	json_t *m = page_model(r, summary);
	json_object_set_new(m, "f", fm.f);
	json_object_set_new(m, "editing", json_boolean(editing));
	json_object_set_new(m, "code", json_string(o->code ? o->code : ""));
	json_object_set_new(m, "action", json_string(editing ? arena_printf(r->arena, "/admin/offices/%s", o->code)
							     : "/admin/offices"));
	json_object_set_new(m, "orgs", orgopts);
	json_object_set_new(m, "org_chosen", json_boolean(chosen));
	json_object_set_new(m, "kinds", options(r, cat_office_kinds, 3, "cat_kind_", o->kind, "o-kind"));
	http_reply_page(r, status, "catalog/office_form", m);
}

static void office_new(http_req_t *r)
{
	db_conn_t *c = http_db(r);
	cat_org_t *orgs;
	size_t norgs;
	if (!c || cat_store_orgs(c, r->arena, &orgs, &norgs)) {
		unavailable(r);
		return;
	}
	cat_office_t o = {.code = "", .org = norgs == 1 ? orgs[0].code : "", .kind = "citizen_office",
			  .tz = "Europe/Madrid", .active = true, .address = "", .postcode = "", .city = "", .phone = ""};
	for (int l = 0; l < CAT_NLANG; l++)
		o.name[l] = o.access[l] = "";
	office_form_page(r, 200, false, &o, NULL, false);
}

static void office_check_org(db_conn_t *c, http_req_t *r, const cat_office_t *o, fielderr_t *errs)
{
	cat_org_t org;
	if (*o->org && !fielderr_has(errs, "organisation") && cat_store_org_get(c, r->arena, o->org, &org))
		fielderr_add(errs, "organisation", "err_cat_org_unknown");
}

static void offices_post(http_req_t *r)
{
	fielderr_t errs = {0};
	cat_office_t o;
	office_from_form(r, &o, NULL, &errs);
	cat_office_check(&o, &errs);
	db_conn_t *c = http_db(r);
	if (!c) {
		unavailable(r);
		return;
	}
	office_check_org(c, r, &o, &errs);
	if (!errs.n) {
		int64_t id;
		int rc = cat_store_office_insert(c, &o, cat_now(), &id);
		if (rc && !write_error(r, rc, &errs, "code", "err_cat_code_taken"))
			return;
	}
	if (errs.n) {
		office_form_page(r, 422, false, &o, &errs, true);
		return;
	}
	changed(r, "office.create", arena_printf(r->arena, "office:%s", o.code), o.name[0], "office", o.code,
		arena_printf(r->arena, "/admin/offices/%s?saved=office_created", o.code));
}

static void office_edit(http_req_t *r)
{
	db_conn_t *c = http_db(r);
	cat_office_t o;
	int rc = c ? cat_store_office_get(c, r->arena, http_param(r, "code"), false, &o) : ERR_UNAVAILABLE;
	if (rc == ERR_NOT_FOUND) {
		not_found(r);
		return;
	}
	if (rc) {
		unavailable(r);
		return;
	}
	office_form_page(r, 200, true, &o, NULL, false);
}

static void office_post(http_req_t *r)
{
	db_conn_t *c = http_db(r);
	cat_office_t old;
	int rc = c ? cat_store_office_get(c, r->arena, http_param(r, "code"), false, &old) : ERR_UNAVAILABLE;
	if (rc == ERR_NOT_FOUND) {
		not_found(r);
		return;
	}
	if (rc) {
		unavailable(r);
		return;
	}
	fielderr_t errs = {0};
	cat_office_t o;
	/* The code is the office's address in URLs and the API: it does not change here. */
	office_from_form(r, &o, old.code, &errs);
	cat_office_check(&o, &errs);
	office_check_org(c, r, &o, &errs);
	if (errs.n) {
		office_form_page(r, 422, true, &o, &errs, true);
		return;
	}
	if ((rc = cat_store_office_update(c, old.id, &o, cat_now()))) {
		unavailable(r);
		return;
	}
	changed(r, "office.update", arena_printf(r->arena, "office:%s", o.code), o.active ? "active" : "inactive", "office",
		o.code, arena_printf(r->arena, "/admin/offices/%s?saved=office_saved", o.code));
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
	z->code = fstr(r, "code");
	z->kind = fstr(r, "kind");
	for (int l = 0; l < CAT_NLANG; l++)
		z->name[l] = fstr(r, arena_printf(r->arena, "name_%s", cat_langs[l]));
	z->colour = fstr(r, "colour");
	/* People type "a"; the ticket shows "A". */
	char *letter = arena_strdup(r->arena, fstr(r, "letter"));
	for (char *p = letter; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	z->letter = letter;
}

static void desk_from_form(http_req_t *r, cat_desk_t *d, const char *code)
{
	*d = (cat_desk_t){0};
	d->display_name = fstr(r, "display_name");
	d->code = code ? code : fstr(r, "code");
	d->active = code ? fcheck(r, "active") : true;
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

static void office_page(http_req_t *r, int status, const char *code, const failed_t *fail)
{
	db_conn_t *c = http_db(r);
	cat_office_t o;
	cat_org_t org;
	int rc = c ? cat_store_office_get(c, r->arena, code, true, &o) : ERR_UNAVAILABLE;
	if (rc == ERR_NOT_FOUND) {
		not_found(r);
		return;
	}
	if (rc || cat_store_org_get(c, r->arena, o.org, &org)) {
		unavailable(r);
		return;
	}
	json_t *summary = fail ? json_array() : NULL;
	json_t *zones = json_array();
	for (size_t i = 0; i < o.nzones; i++) {
		const cat_zone_t *z = &o.zones[i];
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
			fm_errors(&zf, fail->errs, summary);
		/* Delete form. */
		form_t xf = form_new(r, arena_printf(r->arena, "x-%s", z->code));
		if (zone_failed && fail->kind == F_ZONE_DELETE)
			fm_errors(&xf, fail->errs, summary);
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
				fm_errors(&df, fail->errs, summary);
			json_array_append_new(desks, json_pack("{s:s,s:s,s:b,s:s,s:o}", "dcode", d->code, "display_name",
							       d->display_name, "active", d->active, "dp", dp, "df", df.f));
		}
		form_t nd = form_new(r, arena_printf(r->arena, "nd-%s", z->code));
		bool nd_failed = zone_failed && fail->kind == F_DESK_NEW;
		form_val(&nd, "code", nd_failed ? fstr(r, "code") : "");
		form_val(&nd, "display_name", nd_failed ? fstr(r, "display_name") : "");
		if (nd_failed)
			fm_errors(&nd, fail->errs, summary);
		char ratio[16];
		snprintf(ratio, sizeof ratio, "%.1f", cat_contrast_white(z->colour));
		json_t *jz = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "zcode", z->code, "name", i18n_pick(r->lang, z->name),
				       "kind_label", http_t(r, arena_printf(r->arena, "cat_zone_%s", z->kind)), "colour",
				       z->colour, "letter", z->letter, "ratio", ratio, "ndesks", (json_int_t)z->ndesks);
		json_object_set_new(jz, "zp", json_string(zp));
		json_object_set_new(jz, "zf", zf.f);
		json_object_set_new(jz, "xf", xf.f);
		json_object_set_new(jz, "open", json_boolean(edit_failed));
		json_object_set_new(jz, "kinds",
				    options(r, cat_zone_kinds, 4, "cat_zone_", shown.kind, arena_printf(r->arena, "%s-kind", zp)));
		json_object_set_new(jz, "desks", desks);
		json_object_set_new(jz, "has_desks", json_boolean(z->ndesks > 0));
		json_object_set_new(jz, "nd", nd.f);
		json_array_append_new(zones, jz);
	}
	form_t nz = form_new(r, "nz");
	bool nz_failed = fail && fail->kind == F_ZONE_NEW;
	cat_zone_t newz = {.code = "", .kind = "welcome", .colour = "", .letter = ""};
	for (int l = 0; l < CAT_NLANG; l++)
		newz.name[l] = "";
	if (nz_failed)
		zone_from_form(r, &newz);
	zone_values(&nz, &newz);
	if (nz_failed)
		fm_errors(&nz, fail->errs, summary);

	json_t *m = page_model(r, summary);
	json_t *jo = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "code", o.code, "name", i18n_pick(r->lang, o.name),
			       "kind_label", http_t(r, arena_printf(r->arena, "cat_kind_%s", o.kind)), "org",
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
	json_object_set_new(m, "nz_kinds", options(r, cat_zone_kinds, 4, "cat_zone_", newz.kind, "nz-kind"));
	http_reply_page(r, status, "catalog/office", m);
}

static void office_get(http_req_t *r)
{
	office_page(r, 200, http_param(r, "code"), NULL);
}

/* Loads the office (with zones) of the URL, or replies 404/503. */
static bool load_office(http_req_t *r, db_conn_t **c, cat_office_t *o)
{
	*c = http_db(r);
	int rc = *c ? cat_store_office_get(*c, r->arena, http_param(r, "code"), true, o) : ERR_UNAVAILABLE;
	if (rc == ERR_NOT_FOUND)
		not_found(r);
	else if (rc)
		unavailable(r);
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

static void zones_post(http_req_t *r)
{
	db_conn_t *c;
	cat_office_t o;
	if (!load_office(r, &c, &o))
		return;
	cat_zone_t z;
	zone_from_form(r, &z);
	fielderr_t errs = {0};
	cat_zone_check(&z, &errs);
	zone_letter_check(&o, &z, 0, &errs);
	if (o.nzones >= CAT_ZONES_MAX)
		fielderr_add(&errs, "code", "err_cat_too_many");
	if (!errs.n) {
		int64_t id;
		int rc = cat_store_zone_insert(c, o.id, &z, &id);
		if (!rc)
			rc = cat_store_office_touch(c, o.id, cat_now());
		if (rc && !write_error(r, rc, &errs, "code", "err_cat_code_taken"))
			return;
	}
	if (errs.n) {
		failed_t f = {F_ZONE_NEW, NULL, NULL, &errs};
		office_page(r, 422, o.code, &f);
		return;
	}
	changed(r, "zone.create", arena_printf(r->arena, "zone:%s/%s", o.code, z.code),
		arena_printf(r->arena, "letter=%s colour=%s", z.letter, z.colour), "zone", o.code,
		office_url(r, &o, "zone_created", arena_printf(r->arena, "zone-%s", z.code)));
}

static void zone_post(http_req_t *r)
{
	db_conn_t *c;
	cat_office_t o;
	if (!load_office(r, &c, &o))
		return;
	const cat_zone_t *old = find_zone(&o, http_param(r, "zone"));
	if (!old) {
		not_found(r);
		return;
	}
	cat_zone_t z;
	zone_from_form(r, &z);
	fielderr_t errs = {0};
	cat_zone_check(&z, &errs);
	zone_letter_check(&o, &z, old->id, &errs);
	if (!errs.n) {
		int rc = cat_store_zone_update(c, old->id, &z);
		if (!rc)
			rc = cat_store_office_touch(c, o.id, cat_now());
		if (rc && !write_error(r, rc, &errs, "code", "err_cat_code_taken"))
			return;
	}
	if (errs.n) {
		failed_t f = {F_ZONE_EDIT, old->code, NULL, &errs};
		office_page(r, 422, o.code, &f);
		return;
	}
	changed(r, "zone.update", arena_printf(r->arena, "zone:%s/%s", o.code, z.code),
		arena_printf(r->arena, "letter=%s colour=%s", z.letter, z.colour), "zone", o.code,
		office_url(r, &o, "zone_saved", arena_printf(r->arena, "zone-%s", z.code)));
}

static void zone_delete(http_req_t *r)
{
	db_conn_t *c;
	cat_office_t o;
	if (!load_office(r, &c, &o))
		return;
	const cat_zone_t *z = find_zone(&o, http_param(r, "zone"));
	if (!z) {
		not_found(r);
		return;
	}
	fielderr_t errs = {0};
	if (!fcheck(r, "confirm"))
		fielderr_add(&errs, "confirm", "err_cat_confirm");
	if (!errs.n) {
		int rc = cat_store_zone_delete(c, z->id);
		if (!rc)
			rc = cat_store_office_touch(c, o.id, cat_now());
		if (rc && !write_error(r, rc, &errs, "confirm", "err_cat_in_use"))
			return;
	}
	if (errs.n) {
		failed_t f = {F_ZONE_DELETE, z->code, NULL, &errs};
		office_page(r, str_eq(errs.e[0].key, "err_cat_in_use") ? 409 : 422, o.code, &f);
		return;
	}
	changed(r, "zone.delete", arena_printf(r->arena, "zone:%s/%s", o.code, z->code),
		arena_printf(r->arena, "desks=%zu", z->ndesks), "zone", o.code, office_url(r, &o, "zone_deleted", "zones"));
}

static void desks_post(http_req_t *r)
{
	db_conn_t *c;
	cat_office_t o;
	if (!load_office(r, &c, &o))
		return;
	const cat_zone_t *z = find_zone(&o, http_param(r, "zone"));
	if (!z) {
		not_found(r);
		return;
	}
	cat_desk_t d;
	desk_from_form(r, &d, NULL);
	fielderr_t errs = {0};
	cat_desk_check(&d, &errs);
	for (size_t k = 0; k < z->ndesks; k++)
		if (str_eq(z->desks[k].code, d.code) && !fielderr_has(&errs, "code"))
			fielderr_add(&errs, "code", "err_cat_code_taken");
	if (z->ndesks >= CAT_DESKS_MAX)
		fielderr_add(&errs, "code", "err_cat_too_many");
	if (!errs.n) {
		int64_t id;
		int rc = cat_store_desk_insert(c, z->id, &d, &id);
		if (!rc)
			rc = cat_store_office_touch(c, o.id, cat_now());
		if (rc && !write_error(r, rc, &errs, "code", "err_cat_code_taken"))
			return;
	}
	if (errs.n) {
		failed_t f = {F_DESK_NEW, z->code, NULL, &errs};
		office_page(r, 422, o.code, &f);
		return;
	}
	changed(r, "desk.create", arena_printf(r->arena, "desk:%s/%s/%s", o.code, z->code, d.code), d.display_name,
		"desk", o.code, office_url(r, &o, "desk_created", arena_printf(r->arena, "zone-%s", z->code)));
}

static const cat_desk_t *find_desk(const cat_zone_t *z, const char *code)
{
	for (size_t k = 0; k < z->ndesks; k++)
		if (str_eq(z->desks[k].code, code))
			return &z->desks[k];
	return NULL;
}

static void desk_post(http_req_t *r)
{
	db_conn_t *c;
	cat_office_t o;
	if (!load_office(r, &c, &o))
		return;
	const cat_zone_t *z = find_zone(&o, http_param(r, "zone"));
	const cat_desk_t *old = z ? find_desk(z, http_param(r, "desk")) : NULL;
	if (!old) {
		not_found(r);
		return;
	}
	cat_desk_t d;
	desk_from_form(r, &d, old->code);
	fielderr_t errs = {0};
	cat_desk_check(&d, &errs);
	if (!errs.n) {
		int rc = cat_store_desk_update(c, old->id, &d);
		if (!rc)
			rc = cat_store_office_touch(c, o.id, cat_now());
		if (rc) {
			unavailable(r);
			return;
		}
	}
	if (errs.n) {
		failed_t f = {F_DESK_EDIT, z->code, old->code, &errs};
		office_page(r, 422, o.code, &f);
		return;
	}
	changed(r, "desk.update", arena_printf(r->arena, "desk:%s/%s/%s", o.code, z->code, d.code),
		arena_printf(r->arena, "%s%s", d.display_name, d.active ? "" : " (inactive)"), "desk", o.code,
		office_url(r, &o, "desk_saved", arena_printf(r->arena, "zone-%s", z->code)));
}

static void desk_delete(http_req_t *r)
{
	db_conn_t *c;
	cat_office_t o;
	if (!load_office(r, &c, &o))
		return;
	const cat_zone_t *z = find_zone(&o, http_param(r, "zone"));
	const cat_desk_t *d = z ? find_desk(z, http_param(r, "desk")) : NULL;
	if (!d) {
		not_found(r);
		return;
	}
	int rc = cat_store_desk_delete(c, d->id);
	if (!rc)
		rc = cat_store_office_touch(c, o.id, cat_now());
	if (rc == ERR_CONFLICT) {
		fielderr_t errs = {0};
		fielderr_add(&errs, "display_name", "err_cat_in_use");
		failed_t f = {F_DESK_EDIT, z->code, d->code, &errs};
		office_page(r, 409, o.code, &f);
		return;
	}
	if (rc) {
		unavailable(r);
		return;
	}
	changed(r, "desk.delete", arena_printf(r->arena, "desk:%s/%s/%s", o.code, z->code, d->code), d->display_name,
		"desk", o.code, office_url(r, &o, "desk_deleted", arena_printf(r->arena, "zone-%s", z->code)));
}

/* ---------------------------------------------------------------- procedures */

static bool proc_matches(arena_t *a, const cat_proc_t *p, const char *q)
{
	if (strstr(p->code, q))
		return true;
	for (int l = 0; l < CAT_NLANG; l++)
		if (strstr(str_fold(a, p->name[l]), q) || strstr(str_fold(a, p->desc[l]), q))
			return true;
	return false;
}

static json_t *labels(http_req_t *r, const char *commas, const char *prefix)
{
	json_t *a = json_array();
	cat_list_t l;
	cat_list_split(r->arena, commas, ',', &l);
	for (size_t i = 0; i < l.n; i++)
		json_array_append_new(a, json_string(http_t(r, arena_printf(r->arena, "%s%s", prefix, l.v[i]))));
	return a;
}

static json_t *categories(http_req_t *r, const cat_proc_t *procs, size_t n, const char *selected)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = str_eq(procs[j].category, procs[i].category);
		if (!seen)
			json_array_append_new(a, json_pack("{s:s,s:b}", "value", procs[i].category, "on",
							   str_eq(selected, procs[i].category)));
	}
	return a;
}

static int cmp_cat(const void *x, const void *y)
{
	return strcmp(json_string_value(json_object_get(*(json_t *const *)x, "value")),
		      json_string_value(json_object_get(*(json_t *const *)y, "value")));
}

static json_t *sorted_categories(http_req_t *r, const cat_proc_t *procs, size_t n, const char *selected)
{
	json_t *a = categories(r, procs, n, selected);
	size_t k = json_array_size(a);
	json_t **items = arena_alloc(r->arena, (k + 1) * sizeof *items);
	for (size_t i = 0; i < k; i++)
		items[i] = json_incref(json_array_get(a, i));
	qsort(items, k, sizeof *items, cmp_cat);
	json_t *s = json_array();
	for (size_t i = 0; i < k; i++)
		json_array_append_new(s, items[i]);
	json_decref(a);
	return s;
}

static void procs_get(http_req_t *r)
{
	db_conn_t *c = http_db(r);
	cat_proc_t *procs;
	size_t n;
	if (!c || cat_store_procs(c, r->arena, false, &procs, &n)) {
		unavailable(r);
		return;
	}
	const char *q = http_query(r, "q"), *cat = http_query(r, "category");
	q = q ? str_trim(arena_strdup(r->arena, q)) : "";
	cat = cat ? cat : "";
	const char *fq = str_fold(r->arena, q);
	json_t *list = json_array();
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		const cat_proc_t *p = &procs[i];
		if ((*cat && !str_eq(p->category, cat)) || (*fq && !proc_matches(r->arena, p, fq)))
			continue;
		shown++;
		json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:o,s:i,s:b,s:I}", "code", p->code, "name",
						      i18n_pick(r->lang, p->name), "category", p->category, "channels",
						      labels(r, p->channels, "cat_ch_"), "duration_min", p->duration_min,
						      "active", p->active, "noffices", (json_int_t)p->offices.n));
	}
	json_t *m = page_model(r, NULL);
	json_object_set_new(m, "procs", list);
	json_object_set_new(m, "q", json_string(q));
	json_object_set_new(m, "categories", sorted_categories(r, procs, n, cat));
	json_object_set_new(m, "filtered", json_boolean(*q || *cat));
	json_object_set_new(m, "count", json_string(arena_printf(r->arena, "%zu / %zu", shown, n)));
	http_reply_page(r, 200, "catalog/procedures", m);
}

static void proc_from_form(http_req_t *r, cat_proc_t *p, const char *code, fielderr_t *errs)
{
	*p = (cat_proc_t){0};
	p->code = code ? code : fstr(r, "code");
	p->category = fstr(r, "category");
	for (int l = 0; l < CAT_NLANG; l++) {
		p->name[l] = fstr(r, arena_printf(r->arena, "name_%s", cat_langs[l]));
		p->desc[l] = ftext(r, arena_printf(r->arena, "description_%s", cat_langs[l]));
		cat_list_split(r->arena, ftext(r, arena_printf(r->arena, "documents_%s", cat_langs[l])), '\n', &p->docs[l]);
	}
	char buf[160];
	const char *ids = fmulti_commas(r, "id_methods"), *chs = fmulti_commas(r, "channels");
	/* Unknown values can only come from a forged form; the check reports them. */
	p->id_methods = cat_enum_list(ids, cat_id_methods, 5, buf, sizeof buf) ? arena_strdup(r->arena, buf) : ids;
	p->channels = cat_enum_list(chs, cat_channels, 6, buf, sizeof buf) ? arena_strdup(r->arena, buf) : chs;
	const char *dur = fstr(r, "duration_min");
	int64_t d = 0;
	if (str_to_i64(dur, 1, CAT_DURATION_MAX, &d))
		fielderr_add(errs, "duration_min", *dur ? "err_cat_duration" : "err_cat_required");
	p->duration_min = (int)(d ? d : 1);
	p->online_url = fstr(r, "online_url");
	fmulti(r, "offices", &p->offices);
	p->active = fcheck(r, "active");
}

static void proc_form_page(http_req_t *r, int status, bool editing, const cat_proc_t *p, const fielderr_t *errs,
			   bool from_post)
{
	db_conn_t *c = http_db(r);
	cat_office_t *offices;
	cat_proc_t *procs;
	size_t noffices, nprocs;
	if (!c || cat_store_offices(c, r->arena, false, false, &offices, &noffices) ||
	    cat_store_procs(c, r->arena, false, &procs, &nprocs)) {
		unavailable(r);
		return;
	}
	form_t fm = form_new(r, "p");
	form_val(&fm, "code", p->code);
	form_val(&fm, "category", p->category);
	for (int l = 0; l < CAT_NLANG; l++) {
		form_val(&fm, arena_printf(r->arena, "name_%s", cat_langs[l]), p->name[l]);
		form_val(&fm, arena_printf(r->arena, "description_%s", cat_langs[l]), p->desc[l]);
		form_val(&fm, arena_printf(r->arena, "documents_%s", cat_langs[l]), cat_list_join(r->arena, &p->docs[l], '\n'));
	}
	form_val(&fm, "duration_min", from_post ? fstr(r, "duration_min") : arena_printf(r->arena, "%d", p->duration_min));
	form_val(&fm, "online_url", p->online_url);
	form_on(&fm, "active", p->active);
	json_t *summary = errs ? json_array() : NULL;
	if (errs)
		fm_errors(&fm, errs, summary);
	json_t *offs = json_array();
	for (size_t i = 0; i < noffices; i++) {
		bool on = false;
		for (size_t k = 0; k < p->offices.n && !on; k++)
			on = str_eq(p->offices.v[k], offices[i].code);
		json_array_append_new(offs, json_pack("{s:s,s:s,s:b,s:b,s:s}", "value", offices[i].code, "label",
						      i18n_pick(r->lang, offices[i].name), "on", on, "inactive",
						      !offices[i].active, "id",
						      arena_printf(r->arena, "p-offices-%s", offices[i].code)));
	}
	json_t *m = page_model(r, summary);
	json_object_set_new(m, "f", fm.f);
	json_object_set_new(m, "editing", json_boolean(editing));
	json_object_set_new(m, "code", json_string(p->code ? p->code : ""));
	json_object_set_new(m, "action", json_string(editing ? arena_printf(r->arena, "/admin/procedures/%s", p->code)
							     : "/admin/procedures"));
	json_object_set_new(m, "channels", options(r, cat_channels, 6, "cat_ch_", p->channels, "p-channels"));
	json_object_set_new(m, "id_methods", options(r, cat_id_methods, 5, "cat_id_", p->id_methods, "p-id_methods"));
	json_object_set_new(m, "offices", offs);
	json_object_set_new(m, "categories", sorted_categories(r, procs, nprocs, ""));
	http_reply_page(r, status, "catalog/procedure_form", m);
}

static void proc_new(http_req_t *r)
{
	cat_proc_t p = {.code = "", .category = "", .id_methods = "", .channels = "in_person", .duration_min = 15,
			.online_url = "", .active = true};
	for (int l = 0; l < CAT_NLANG; l++)
		p.name[l] = p.desc[l] = "";
	proc_form_page(r, 200, false, &p, NULL, false);
}

static void proc_check_offices(db_conn_t *c, const cat_proc_t *p, fielderr_t *errs)
{
	for (size_t i = 0; i < p->offices.n; i++)
		if (!cat_store_office_exists(c, p->offices.v[i])) {
			fielderr_add(errs, "offices", "err_cat_office_unknown");
			return;
		}
}

static int proc_save(db_conn_t *c, int64_t id, const cat_proc_t *p)
{
	int rc = db_begin(c);
	if (rc)
		return rc;
	int64_t nid = id;
	rc = id ? cat_store_proc_update(c, id, p, cat_now()) : cat_store_proc_insert(c, p, cat_now(), &nid);
	if (!rc)
		rc = cat_store_proc_set_offices(c, nid, &p->offices);
	if (!rc)
		rc = db_commit(c);
	if (rc)
		db_rollback(c);
	return rc;
}

static void procs_post(http_req_t *r)
{
	fielderr_t errs = {0};
	cat_proc_t p;
	proc_from_form(r, &p, NULL, &errs);
	cat_proc_check(&p, &errs);
	db_conn_t *c = http_db(r);
	if (!c) {
		unavailable(r);
		return;
	}
	proc_check_offices(c, &p, &errs);
	if (!errs.n) {
		int rc = proc_save(c, 0, &p);
		if (rc && !write_error(r, rc, &errs, "code", "err_cat_code_taken"))
			return;
	}
	if (errs.n) {
		proc_form_page(r, 422, false, &p, &errs, true);
		return;
	}
	changed(r, "procedure.create", arena_printf(r->arena, "procedure:%s", p.code), p.name[0], "procedure", p.code,
		"/admin/procedures?saved=proc_created");
}

static void proc_edit(http_req_t *r)
{
	db_conn_t *c = http_db(r);
	cat_proc_t p;
	int rc = c ? cat_store_proc_get(c, r->arena, http_param(r, "code"), &p) : ERR_UNAVAILABLE;
	if (rc == ERR_NOT_FOUND) {
		not_found(r);
		return;
	}
	if (rc) {
		unavailable(r);
		return;
	}
	proc_form_page(r, 200, true, &p, NULL, false);
}

static void proc_post(http_req_t *r)
{
	db_conn_t *c = http_db(r);
	cat_proc_t old;
	int rc = c ? cat_store_proc_get(c, r->arena, http_param(r, "code"), &old) : ERR_UNAVAILABLE;
	if (rc == ERR_NOT_FOUND) {
		not_found(r);
		return;
	}
	if (rc) {
		unavailable(r);
		return;
	}
	fielderr_t errs = {0};
	cat_proc_t p;
	proc_from_form(r, &p, old.code, &errs);
	cat_proc_check(&p, &errs);
	proc_check_offices(c, &p, &errs);
	if (errs.n) {
		proc_form_page(r, 422, true, &p, &errs, true);
		return;
	}
	if ((rc = proc_save(c, old.id, &p))) {
		unavailable(r);
		return;
	}
	changed(r, "procedure.update", arena_printf(r->arena, "procedure:%s", p.code),
		arena_printf(r->arena, "channels=%s offices=%zu%s", p.channels, p.offices.n, p.active ? "" : " inactive"),
		"procedure", p.code, "/admin/procedures?saved=proc_saved");
}

const http_route_t cat_page_routes[] = {
	{HTTP_GET, "/admin/organisations", orgs_get, 0, ROLES},
	{HTTP_POST, "/admin/organisations", orgs_post, RT_FORM, ROLES},
	{HTTP_POST, "/admin/organisations/{code}", org_post, RT_FORM, ROLES},
	{HTTP_GET, "/admin/offices", offices_get, 0, ROLES},
	{HTTP_POST, "/admin/offices", offices_post, RT_FORM, ROLES},
	{HTTP_GET, "/admin/offices/new", office_new, 0, ROLES},
	{HTTP_GET, "/admin/offices/{code}", office_get, 0, ROLES},
	{HTTP_POST, "/admin/offices/{code}", office_post, RT_FORM, ROLES},
	{HTTP_GET, "/admin/offices/{code}/edit", office_edit, 0, ROLES},
	{HTTP_POST, "/admin/offices/{code}/zones", zones_post, RT_FORM, ROLES},
	{HTTP_POST, "/admin/offices/{code}/zones/{zone}", zone_post, RT_FORM, ROLES},
	{HTTP_POST, "/admin/offices/{code}/zones/{zone}/delete", zone_delete, RT_FORM, ROLES},
	{HTTP_POST, "/admin/offices/{code}/zones/{zone}/desks", desks_post, RT_FORM, ROLES},
	{HTTP_POST, "/admin/offices/{code}/zones/{zone}/desks/{desk}", desk_post, RT_FORM, ROLES},
	{HTTP_POST, "/admin/offices/{code}/zones/{zone}/desks/{desk}/delete", desk_delete, RT_FORM, ROLES},
	{HTTP_GET, "/admin/procedures", procs_get, 0, ROLES},
	{HTTP_POST, "/admin/procedures", procs_post, RT_FORM, ROLES},
	{HTTP_GET, "/admin/procedures/new", proc_new, 0, ROLES},
	{HTTP_GET, "/admin/procedures/{code}", proc_edit, 0, ROLES},
	{HTTP_POST, "/admin/procedures/{code}", proc_post, RT_FORM, ROLES},
	{0},
};
