/* pages_admin.c — coordinators keep the facilities up to date:
 *   GET  /admin/facilities          every facility, active or not
 *   GET  /admin/facilities/new      the form for a new one;  POST /admin/facilities  creates it
 *   GET  /admin/facilities/{code}   its form;                POST …/{code}        saves it
 * Each change is one transaction with its audit record (facility.create, facility.update). */
#include "facilities/web.h"

#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "http/form.h"
#include "http/kit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const char *const text_fields[] = {"name",  "district", "address",  "postcode",
					  "phone", "hours",    "services", "accessibility"};

static void list_page(http_req_t *r)
{
	fc_facility_t *v;
	size_t n;
	int rc = fc_store_all(r->db, r->arena, &v, &n);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, jpack("{s:s,s:s,s:s,s:s,s:b}", "code", v[i].code, "name", v[i].name,
					       "category", http_tf(r, "fc_cat_%s", v[i].category), "district",
					       v[i].district, "active", v[i].active));
	json_t *m = jpack("{s:o,s:b}", "facilities", a, "saved", str_eq(http_query(r, "saved"), "1"));
	http_reply_page(r, 200, "facilities/admin_list", m);
}

static json_t *category_options(http_req_t *r, const char *selected)
{
	json_t *a = json_array();
	for (size_t i = 0; i < FC_NCATEGORIES; i++)
		json_array_append_new(a, jpack("{s:s,s:s,s:b}", "value", fc_categories[i], "label",
					       http_tf(r, "fc_cat_%s", fc_categories[i]), "selected",
					       str_eq(selected, fc_categories[i])));
	return a;
}

/* The form page (fm taken); code NULL for a new facility. */
static void form_page(http_req_t *r, int status, form_t *fm, const char *code, const char *category)
{
	json_t *m = jpack("{s:s,s:s,s:b,s:o}", "csrf", http_csrf_token(r), "action",
			  code ? arena_printf(r->arena, "/admin/facilities/%s", code) : "/admin/facilities", "is_new",
			  code == NULL, "categories", category_options(r, category));
	if (code)
		json_object_set_new(m, "code", json_string(code));
	form_into(fm, m);
	http_reply_page(r, status, "facilities/admin_form", m);
}

static const char *coord_text(http_req_t *r, bool has, double v)
{
	return has ? arena_printf(r->arena, "%.6f", v) : "";
}

static void fill_form(form_t *fm, const fc_facility_t *f)
{
	const char *values[] = {f->name,  f->district, f->address,  f->postcode,
				f->phone, f->hours,    f->services, f->accessibility};
	for (size_t i = 0; i < sizeof text_fields / sizeof *text_fields; i++)
		form_val(fm, text_fields[i], values[i]);
	form_val(fm, "lat", coord_text(fm->r, f->has_geo, f->lat));
	form_val(fm, "lon", coord_text(fm->r, f->has_geo, f->lon));
	form_on(fm, "active", f->active);
}

static void new_page(http_req_t *r)
{
	form_t fm = form_new(r, "fc");
	form_on(&fm, "active", true);
	form_page(r, 200, &fm, NULL, "citizen_office");
}

static void edit_page(http_req_t *r)
{
	fc_facility_t f;
	int rc = fc_store_get(r->db, r->arena, http_param(r, "code"), &f);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	form_t fm = form_new(r, "fc");
	fill_form(&fm, &f);
	form_page(r, 200, &fm, f.code, f.category);
}

static bool read_coord(const char *s, double *v)
{
	char *end;
	*v = strtod(s, &end);
	return end != s && !*end && isfinite(*v);
}

/* The posted facility into f; problems into fm. */
static void read_form(http_req_t *r, form_t *fm, fc_facility_t *f, const char *code)
{
	*f = (fc_facility_t){.code = code ? code : form_str(r, "code"),
			     .name = form_str(r, "name"),
			     .category = form_str(r, "category"),
			     .district = form_str(r, "district"),
			     .address = form_str(r, "address"),
			     .postcode = form_str(r, "postcode"),
			     .phone = form_str(r, "phone"),
			     .hours = form_text(r, "hours"),
			     .services = form_text(r, "services"),
			     .accessibility = form_text(r, "accessibility"),
			     .active = form_check(r, "active")};
	fill_form(fm, f);
	if (!code)
		form_val(fm, "code", f->code);
	const char *lat = form_str(r, "lat"), *lon = form_str(r, "lon");
	form_val(fm, "lat", lat);
	form_val(fm, "lon", lon);
	fielderr_t e = {0};
	f->has_geo = *lat || *lon;
	if (f->has_geo && (!read_coord(lat, &f->lat) || !read_coord(lon, &f->lon)))
		fielderr_add(&e, "lat", "fc_err_geo");
	fc_check(f, &e);
	for (size_t i = 0; i < e.n; i++)
		form_err(fm, e.e[i].field, arena_printf(r->arena, "fc_f_%s", e.e[i].field), http_t(r, e.e[i].key));
}

typedef struct {
	const fc_facility_t *f;
	bool create;
} write_t;

static int facility_write(http_req_t *r, void *ud)
{
	write_t *w = ud;
	fc_facility_t old;
	int rc = fc_store_get(r->db, r->arena, w->f->code, &old);
	if (w->create && rc == 0)
		return ERR_CONFLICT; /* a new facility never overwrites one */
	if (rc && (w->create ? rc != ERR_NOT_FOUND : true))
		return rc;
	return fc_store_upsert(r->db, w->f, fc_search_text(r->arena, w->f), (int64_t)time(NULL));
}

static void save(http_req_t *r, const char *code)
{
	form_t fm = form_new(r, "fc");
	fc_facility_t f;
	read_form(r, &fm, &f, code);
	if (form_bad(&fm)) {
		form_page(r, 422, &fm, code, f.category);
		return;
	}
	write_t w = {&f, code == NULL};
	fielderr_t errs = {0};
	http_tx_audit(r, code ? "facility.update" : "facility.create", arena_printf(r->arena, "facility:%s", f.code),
		      f.name);
	int rc = http_tx(r, facility_write, &w, &errs, code ? NULL : "code", "fc_err_taken");
	if (rc == HTTP_TX_ANSWERED) {
		form_free(&fm);
		return;
	}
	if (rc == ERR_INVALID) {
		form_err(&fm, "code", "fc_f_code", http_t(r, "fc_err_taken"));
		form_page(r, 422, &fm, code, f.category);
		return;
	}
	form_free(&fm);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	http_reply_redirect(r, "/admin/facilities?saved=1");
}

static void create_post(http_req_t *r)
{
	save(r, NULL);
}

static void update_post(http_req_t *r)
{
	save(r, http_param(r, "code"));
}

const http_route_t fc_admin_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/admin/facilities", list_page, RT_DB, FC_EDITORS},
	{HTTP_POST, "/admin/facilities", create_post, RT_FORM | RT_DB, FC_EDITORS},
	{HTTP_GET | HTTP_HEAD, "/admin/facilities/new", new_page, RT_DB, FC_EDITORS},
	{HTTP_GET | HTTP_HEAD, "/admin/facilities/{code}", edit_page, RT_DB, FC_EDITORS},
	{HTTP_POST, "/admin/facilities/{code}", update_post, RT_FORM | RT_DB, FC_EDITORS},
	{0},
};
