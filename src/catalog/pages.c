/* pages.c — the catalogue's pages for administrators and coordinators: what they share (the
 * notice, the error summary in form order, options, the steps after a change) and the
 * organisations. The offices with their zones and desks are in pages_offices.c, the procedures
 * in pages_procs.c.
 *
 * Every form posts back to the server; a valid change is written in one transaction
 * (http_tx), then audited, announced on the bus (catalog_changed) and answered with 303 to the
 * page that shows it, with ?saved=WHAT for the notice. An invalid one is answered 422 with the
 * same page, the values as typed, an error summary linking to each field, and the message next
 * to the field. A storage failure rolls everything back and answers 503. */
#include "catalog/web.h"

#include "app.h"
#include "auth/auth.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "catalog/store.h"
#include "http/form.h"
#include "http/kit.h"
#include "view/i18n.h"

#include <string.h>

/* ---------------------------------------------------------------- form input */

/* Every value of a repeated field (checkboxes), as a list. */
void cat_form_list(http_req_t *r, const char *name, cat_list_t *l)
{
	l->v = form_values(r, name, &l->n);
}

/* The same as a comma list. */
const char *cat_form_commas(http_req_t *r, const char *name)
{
	cat_list_t l;
	cat_form_list(r, name, &l);
	return cat_list_join(r->arena, &l, ',');
}

/* ---------------------------------------------------------------- view models */

static const char *label_of(http_req_t *r, const char *field)
{
	return http_tf(r, "cat_f_%s", field);
}

/* The order fields appear in on the forms, so the error summary reads top to bottom. */
static int field_rank(const char *field)
{
	static const char *const order[] = {"code",
					    "organisation",
					    "kind",
					    "name_ca",
					    "name_es",
					    "name_en",
					    "address",
					    "postcode",
					    "city",
					    "lat",
					    "lon",
					    "phone",
					    "accessibility_ca",
					    "accessibility_es",
					    "accessibility_en",
					    "tz",
					    "colour",
					    "letter",
					    "display_name",
					    "category",
					    "description_ca",
					    "description_es",
					    "description_en",
					    "documents_ca",
					    "documents_es",
					    "documents_en",
					    "id_methods",
					    "channels",
					    "duration_min",
					    "online_url",
					    "offices",
					    "active",
					    "confirm"};
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (str_eq(order[i], field))
			return (int)i;
	return (int)(sizeof order / sizeof order[0]);
}

void cat_form_errors(form_t *m, const fielderr_t *errs_in, json_t *summary)
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

json_t *cat_options(http_req_t *r, const char *const *values, size_t n, const char *label_prefix, const char *selected,
		    const char *id_prefix)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, jpack("{s:s,s:s,s:b,s:s}", "value", values[i], "label",
					       http_t(r, arena_printf(r->arena, "%s%s", label_prefix, values[i])), "on",
					       cat_list_has(selected ? selected : "", values[i]), "id",
					       arena_printf(r->arena, "%s-%s", id_prefix, values[i])));
	return a;
}

json_t *cat_page_model(http_req_t *r, json_t *summary)
{
	static const char *const saved[] = {"office_created", "office_saved", "zone_created", "zone_saved",
					    "zone_deleted",   "desk_created", "desk_saved",   "desk_deleted",
					    "org_created",    "org_saved",    "proc_created", "proc_saved"};
	json_t *m = json_object();
	const char *s = http_query(r, "saved");
	if (s && cat_in(s, saved, sizeof saved / sizeof saved[0]) && !summary)
		json_object_set_new(m, "notice", json_string(http_tf(r, "cat_saved_%s", s)));
	if (summary && json_array_size(summary)) {
		json_object_set_new(m, "has_errors", json_true());
		json_object_set_new(m, "errors", summary);
	} else {
		json_decref(summary);
	}
	return m;
}

void cat_changed(http_req_t *r, const char *what, const char *code, const char *location)
{
	catalog_changed(r->app, what, code);
	http_reply_redirect(r, location);
}

/* ---------------------------------------------------------------- organisations */

static void org_from_form(http_req_t *r, cat_org_t *o, const char *code)
{
	*o = (cat_org_t){0};
	o->code = code ? code : form_str(r, "code");
	for (int l = 0; l < CAT_NLANG; l++)
		o->name[l] = form_str(r, arena_printf(r->arena, "name_%s", cat_langs[l]));
}

static void orgs_page(http_req_t *r, int status, const char *failed, const fielderr_t *errs)
{
	cat_org_t *orgs;
	size_t n;
	if (cat_store_orgs(r->db, r->arena, &orgs, &n)) {
		http_reply_unavailable(r);
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
			cat_form_errors(&fm, errs, summary);
		json_array_append_new(list, jpack("{s:s,s:s,s:s,s:o,s:b}", "gcode", orgs[i].code, "name",
						  i18n_pick(r->lang, orgs[i].name), "prefix", prefix, "gf", fm.f,
						  "open", is_failed));
	}
	form_t nf = form_new(r, "ng");
	bool new_failed = str_eq(failed, "");
	form_val(&nf, "code", new_failed ? form_str(r, "code") : "");
	for (int l = 0; l < CAT_NLANG; l++) {
		const char *k = arena_printf(r->arena, "name_%s", cat_langs[l]);
		form_val(&nf, k, new_failed ? form_str(r, k) : "");
	}
	if (new_failed)
		cat_form_errors(&nf, errs, summary);
	json_t *m = cat_page_model(r, summary);
	json_object_set_new(m, "orgs", list);
	json_object_set_new(m, "nf", nf.f);
	http_reply_page(r, status, "catalog/organisations", m);
}

static void orgs_get(http_req_t *r)
{
	orgs_page(r, 200, NULL, NULL);
}

typedef struct {
	cat_org_t o;
	int64_t id; /* 0: a new one */
} org_change_t;

static int org_write(http_req_t *r, void *ud)
{
	org_change_t *x = ud;
	return x->id ? cat_store_org_update(r->db, x->id, &x->o, cat_now())
		     : cat_store_org_insert(r->db, &x->o, cat_now(), &x->id);
}

static void orgs_post(http_req_t *r)
{
	org_change_t x = {0};
	org_from_form(r, &x.o, NULL);
	fielderr_t errs = {0};
	cat_org_check(&x.o, &errs);
	http_tx_audit(r, "organisation.create", arena_printf(r->arena, "organisation:%s", x.o.code), x.o.name[0]);
	if (!errs.n && http_tx(r, org_write, &x, &errs, "code", "err_cat_code_taken") == HTTP_TX_ANSWERED)
		return;
	if (errs.n) {
		orgs_page(r, 422, "", &errs);
		return;
	}
	cat_changed(r, "organisation", x.o.code, "/admin/organisations?saved=org_created");
}

static void org_post(http_req_t *r)
{
	cat_org_t old;
	int rc = cat_store_org_get(r->db, r->arena, http_param(r, "code"), &old);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	org_change_t x = {.id = old.id};
	org_from_form(r, &x.o, old.code);
	fielderr_t errs = {0};
	cat_org_check(&x.o, &errs);
	http_tx_audit(r, "organisation.update", arena_printf(r->arena, "organisation:%s", x.o.code), x.o.name[0]);
	if (!errs.n && http_tx(r, org_write, &x, &errs, NULL, NULL) == HTTP_TX_ANSWERED)
		return;
	if (errs.n) {
		orgs_page(r, 422, old.code, &errs);
		return;
	}
	cat_changed(r, "organisation", x.o.code, "/admin/organisations?saved=org_saved");
}

const http_route_t cat_page_routes[] = {
	{HTTP_GET, "/admin/organisations", orgs_get, RT_DB, CAT_ROLES},
	{HTTP_POST, "/admin/organisations", orgs_post, RT_FORM | RT_DB, CAT_ROLES},
	{HTTP_POST, "/admin/organisations/{code}", org_post, RT_FORM | RT_DB, CAT_ROLES},
	{0},
};
