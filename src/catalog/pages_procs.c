/* pages_procs.c — the catalogue's procedure pages (pages.c says how they answer): the list
 * with search and category filter, and the procedure form. */
#include "catalog/web.h"

#include "app.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "catalog/store.h"
#include "http/form.h"
#include "http/kit.h"
#include "view/i18n.h"

#include <stdlib.h>
#include <string.h>

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
		json_array_append_new(a, json_string(http_tf(r, "%s%s", prefix, l.v[i])));
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
			json_array_append_new(a, jpack("{s:s,s:b}", "value", procs[i].category, "on",
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
	cat_proc_t *procs;
	size_t n;
	if (cat_store_procs(r->db, r->arena, false, &procs, &n)) {
		http_reply_unavailable(r);
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
		json_array_append_new(list, jpack("{s:s,s:s,s:s,s:o,s:i,s:b,s:I}", "code", p->code, "name",
						  i18n_pick(r->lang, p->name), "category", p->category, "channels",
						  labels(r, p->channels, "cat_ch_"), "duration_min", p->duration_min,
						  "active", p->active, "noffices", (json_int_t)p->offices.n));
	}
	json_t *m = cat_page_model(r, NULL);
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
	p->code = code ? code : form_str(r, "code");
	p->category = form_str(r, "category");
	for (int l = 0; l < CAT_NLANG; l++) {
		p->name[l] = form_str(r, arena_printf(r->arena, "name_%s", cat_langs[l]));
		p->desc[l] = form_text(r, arena_printf(r->arena, "description_%s", cat_langs[l]));
		cat_list_split(r->arena, form_text(r, arena_printf(r->arena, "documents_%s", cat_langs[l])), '\n',
			       &p->docs[l]);
	}
	char buf[160];
	const char *ids = cat_form_commas(r, "id_methods"), *chs = cat_form_commas(r, "channels");
	/* Unknown values can only come from a forged form; the check reports them. */
	p->id_methods = cat_enum_list(ids, cat_id_methods, 5, buf, sizeof buf) ? arena_strdup(r->arena, buf) : ids;
	p->channels = cat_enum_list(chs, cat_channels, 6, buf, sizeof buf) ? arena_strdup(r->arena, buf) : chs;
	const char *dur = form_str(r, "duration_min");
	int64_t d = 0;
	if (str_to_i64(dur, 1, CAT_DURATION_MAX, &d))
		fielderr_add(errs, "duration_min", *dur ? "err_cat_duration" : "err_cat_required");
	p->duration_min = (int)(d ? d : 1);
	p->online_url = form_str(r, "online_url");
	cat_form_list(r, "offices", &p->offices);
	p->active = form_check(r, "active");
}

static void proc_form_page(http_req_t *r, int status, bool editing, const cat_proc_t *p, const fielderr_t *errs,
			   bool from_post)
{
	cat_office_t *offices;
	cat_proc_t *procs;
	size_t noffices, nprocs;
	if (cat_store_offices(r->db, r->arena, false, false, &offices, &noffices) ||
	    cat_store_procs(r->db, r->arena, false, &procs, &nprocs)) {
		http_reply_unavailable(r);
		return;
	}
	form_t fm = form_new(r, "p");
	form_val(&fm, "code", p->code);
	form_val(&fm, "category", p->category);
	for (int l = 0; l < CAT_NLANG; l++) {
		form_val(&fm, arena_printf(r->arena, "name_%s", cat_langs[l]), p->name[l]);
		form_val(&fm, arena_printf(r->arena, "description_%s", cat_langs[l]), p->desc[l]);
		form_val(&fm, arena_printf(r->arena, "documents_%s", cat_langs[l]),
			 cat_list_join(r->arena, &p->docs[l], '\n'));
	}
	form_val(&fm, "duration_min",
		 from_post ? form_str(r, "duration_min") : arena_printf(r->arena, "%d", p->duration_min));
	form_val(&fm, "online_url", p->online_url);
	form_on(&fm, "active", p->active);
	json_t *summary = errs ? json_array() : NULL;
	if (errs)
		cat_form_errors(&fm, errs, summary);
	json_t *offs = json_array();
	for (size_t i = 0; i < noffices; i++) {
		bool on = false;
		for (size_t k = 0; k < p->offices.n && !on; k++)
			on = str_eq(p->offices.v[k], offices[i].code);
		json_array_append_new(offs, jpack("{s:s,s:s,s:b,s:b,s:s}", "value", offices[i].code, "label",
						  i18n_pick(r->lang, offices[i].name), "on", on, "inactive",
						  !offices[i].active, "id",
						  arena_printf(r->arena, "p-offices-%s", offices[i].code)));
	}
	json_t *m = cat_page_model(r, summary);
	json_object_set_new(m, "f", fm.f);
	json_object_set_new(m, "editing", json_boolean(editing));
	json_object_set_new(m, "code", json_string(p->code ? p->code : ""));
	json_object_set_new(m, "action",
			    json_string(editing ? arena_printf(r->arena, "/admin/procedures/%s", p->code)
						: "/admin/procedures"));
	json_object_set_new(m, "channels", cat_options(r, cat_channels, 6, "cat_ch_", p->channels, "p-channels"));
	json_object_set_new(m, "id_methods",
			    cat_options(r, cat_id_methods, 5, "cat_id_", p->id_methods, "p-id_methods"));
	json_object_set_new(m, "offices", offs);
	json_object_set_new(m, "categories", sorted_categories(r, procs, nprocs, ""));
	http_reply_page(r, status, "catalog/procedure_form", m);
}

static void proc_new(http_req_t *r)
{
	cat_proc_t p = {.code = "",
			.category = "",
			.id_methods = "",
			.channels = "in_person",
			.duration_min = 15,
			.online_url = "",
			.active = true};
	for (int l = 0; l < CAT_NLANG; l++)
		p.name[l] = p.desc[l] = "";
	proc_form_page(r, 200, false, &p, NULL, false);
}

/* An unknown office is a field error; 0, or a storage failure (answered: 503). */
static int proc_check_offices(http_req_t *r, const cat_proc_t *p, fielderr_t *errs)
{
	for (size_t i = 0; i < p->offices.n; i++) {
		int rc = cat_store_office_exists(r->db, p->offices.v[i]);
		if (rc == ERR_NOT_FOUND) {
			fielderr_add(errs, "offices", "err_cat_office_unknown");
			return 0;
		}
		if (rc) {
			http_reply_unavailable(r);
			return rc;
		}
	}
	return 0;
}

typedef struct {
	cat_proc_t p;
	int64_t id; /* 0: a new one */
} proc_change_t;

/* The procedure and the offices that offer it. */
static int proc_write(http_req_t *r, void *ud)
{
	proc_change_t *x = ud;
	int rc = x->id ? cat_store_proc_update(r->db, x->id, &x->p, cat_now())
		       : cat_store_proc_insert(r->db, &x->p, cat_now(), &x->id);
	return rc ? rc : cat_store_proc_set_offices(r->db, x->id, &x->p.offices);
}

static void procs_post(http_req_t *r)
{
	fielderr_t errs = {0};
	proc_change_t x = {0};
	proc_from_form(r, &x.p, NULL, &errs);
	cat_proc_check(&x.p, &errs);
	if (proc_check_offices(r, &x.p, &errs))
		return;
	http_tx_audit(r, "procedure.create", arena_printf(r->arena, "procedure:%s", x.p.code), x.p.name[0]);
	if (!errs.n && http_tx(r, proc_write, &x, &errs, "code", "err_cat_code_taken") == HTTP_TX_ANSWERED)
		return;
	if (errs.n) {
		proc_form_page(r, 422, false, &x.p, &errs, true);
		return;
	}
	cat_changed(r, "procedure", x.p.code, "/admin/procedures?saved=proc_created");
}

static void proc_edit(http_req_t *r)
{
	cat_proc_t p;
	int rc = cat_store_proc_get(r->db, r->arena, http_param(r, "code"), &p);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	proc_form_page(r, 200, true, &p, NULL, false);
}

static void proc_post(http_req_t *r)
{
	cat_proc_t old;
	int rc = cat_store_proc_get(r->db, r->arena, http_param(r, "code"), &old);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	fielderr_t errs = {0};
	proc_change_t x = {.id = old.id};
	proc_from_form(r, &x.p, old.code, &errs);
	cat_proc_check(&x.p, &errs);
	if (proc_check_offices(r, &x.p, &errs))
		return;
	http_tx_audit(r, "procedure.update", arena_printf(r->arena, "procedure:%s", x.p.code),
		      arena_printf(r->arena, "channels=%s offices=%zu%s", x.p.channels, x.p.offices.n,
				   x.p.active ? "" : " inactive"));
	if (!errs.n && http_tx(r, proc_write, &x, &errs, NULL, NULL) == HTTP_TX_ANSWERED)
		return;
	if (errs.n) {
		proc_form_page(r, 422, true, &x.p, &errs, true);
		return;
	}
	cat_changed(r, "procedure", x.p.code, "/admin/procedures?saved=proc_saved");
}

const http_route_t cat_proc_routes[] = {
	{HTTP_GET, "/admin/procedures", procs_get, RT_DB, CAT_ROLES},
	{HTTP_POST, "/admin/procedures", procs_post, RT_FORM | RT_DB, CAT_ROLES},
	{HTTP_GET, "/admin/procedures/new", proc_new, RT_DB, CAT_ROLES},
	{HTTP_GET, "/admin/procedures/{code}", proc_edit, RT_DB, CAT_ROLES},
	{HTTP_POST, "/admin/procedures/{code}", proc_post, RT_FORM | RT_DB, CAT_ROLES},
	{0},
};
