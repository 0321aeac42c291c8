/* pages.c — the certificate from home or a kiosk, and at a desk:
 *   GET  /padro            the ID form
 *   POST /padro/codi       asks for the SMS code (the same answer whether the ID is registered),
 *                          shows the code form (kind and language too)
 *   POST /padro/volant     checks the code and issues: 303 to /verify/CODE?new=1, or on a kiosk
 *                          the printable page itself
 *   GET/POST /staff/padro  staff who have seen the ID document issue it without a code */
#include "padro/web.h"

#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "http/form.h"
#include "http/kit.h"

#include <stdio.h>
#include <string.h>

/* A select's options: values labelled by the translation of fmt % value, selected marked (the
 * first one when selected is NULL and first is set). */
static json_t *options(http_req_t *r, const char *const *values, size_t n, const char *fmt, const char *selected,
		       bool first)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a,
				      jpack("{s:s,s:s,s:b}", "value", values[i], "label", http_tf(r, fmt, values[i]),
					    "selected", str_eq(selected, values[i]) || (!selected && first && i == 0)));
	return a;
}

static const char *const id_type_values[] = {"dni", "nie", "passport"};
static const char *const lang_values[] = {"ca", "es", "en"};

static json_t *id_types(http_req_t *r, const char *selected)
{
	return options(r, id_type_values, 3, "pd_idtype_%s", selected, true);
}

static json_t *langs(http_req_t *r, const char *selected)
{
	return options(r, lang_values, 3, "pd_lang_%s", selected, false);
}

static json_t *base_model(http_req_t *r, form_t *fm)
{
	json_t *m = jpack("{s:s,s:b}", "csrf", http_csrf_token(r), "kiosk", pd_is_kiosk(r));
	form_into(fm, m);
	return m;
}

/* Step 1: the ID form (fm taken). */
static void start_page(http_req_t *r, int status, form_t *fm, const char *alert_key)
{
	json_t *f = json_object_get(fm->f, "id_type");
	const char *type = json_string_value(json_object_get(f, "v"));
	json_t *m = base_model(r, fm);
	json_object_set_new(m, "id_types", id_types(r, type));
	if (alert_key)
		json_object_set_new(m, "alert", json_string(http_t(r, alert_key)));
	http_reply_page(r, status, "padro/start", m);
}

static void start_get(http_req_t *r)
{
	form_t fm = form_new(r, "pd");
	start_page(r, 200, &fm, NULL);
}

/* Step 2: the code form, with the ID carried in hidden fields (fm taken). */
static void code_page(http_req_t *r, int status, form_t *fm, const char *kind, const char *lang)
{
	json_t *m = base_model(r, fm);
	json_object_set_new(m, "doc_langs", langs(r, lang && *lang ? lang : r->lang));
	json_object_set_new(m, "collective", json_boolean(str_eq(kind, "collective")));
	char minutes[24];
	snprintf(minutes, sizeof minutes, "%lld", (long long)(config_int(r->app->cfg, "padro.code_ttl") + 59) / 60);
	json_object_set_new(m, "sent", json_string(http_subst(r, http_t(r, "pd_code_sent"), "minutes", minutes)));
	http_reply_page(r, status, "padro/code", m);
}

static const char *field_label(const char *field)
{
	return str_eq(field, "id_type")     ? "pd_f_id_type"
	       : str_eq(field, "id_number") ? "pd_f_id_number"
	       : str_eq(field, "kind")      ? "pd_f_kind"
	       : str_eq(field, "lang")      ? "pd_f_lang"
					    : "pd_f_code";
}

static void field_error(http_req_t *r, form_t *fm, const char *field)
{
	form_err(fm, field, field_label(field), http_t(r, arena_printf(r->arena, "pd_err_%s", field)));
}

static void code_post(http_req_t *r)
{
	form_t fm = form_new(r, "pd");
	const char *type = form_str(r, "id_type"), *number = form_str(r, "id_number");
	form_val(&fm, "id_type", type);
	form_val(&fm, "id_number", number);
	const char *bad = NULL;
	int rc = pd_web_code(r, type, number, &bad);
	if (rc == ERR_INVALID) {
		field_error(r, &fm, bad);
		start_page(r, 422, &fm, NULL);
	} else if (rc == ERR_BUSY) {
		start_page(r, 429, &fm, "pd_err_limit");
	} else if (rc) {
		form_free(&fm);
		http_reply_failed(r, rc);
	} else {
		code_page(r, 200, &fm, "individual", r->lang);
	}
}

/* The certificate a posted form asks for; the ID goes back into fm for a page shown again. */
static pd_issue_t issue_from_form(http_req_t *r, form_t *fm, bool staff)
{
	pd_issue_t in = {.id_type = form_str(r, "id_type"),
			 .id_number = form_str(r, "id_number"),
			 .code = staff ? NULL : form_str(r, "code"),
			 .kind = form_str(r, "kind"),
			 .lang = form_str(r, "lang"),
			 .staff = staff};
	form_val(fm, "id_type", in.id_type);
	form_val(fm, "id_number", in.id_number);
	return in;
}

static void volant_post(http_req_t *r)
{
	form_t fm = form_new(r, "pd");
	pd_issue_t in = issue_from_form(r, &fm, false);
	pd_prepared_t p = {0};
	const char *bad = NULL;
	pdw_t w = pd_web_issue(r, &in, &p, &bad);
	if (w == PDW_BAD_FIELD && (str_eq(bad, "id_type") || str_eq(bad, "id_number"))) {
		field_error(r, &fm, bad);
		start_page(r, 422, &fm, NULL);
	} else if (w == PDW_BAD_FIELD || w == PDW_WRONG_CODE) {
		field_error(r, &fm, w == PDW_WRONG_CODE ? "code" : bad);
		code_page(r, 422, &fm, in.kind, in.lang);
	} else if (w == PDW_NOT_REGISTERED) {
		form_free(&fm);
		http_reply_page(r, 404, "padro/not_registered", jpack("{s:b}", "kiosk", pd_is_kiosk(r)));
	} else if (w == PDW_ISSUED) {
		form_free(&fm);
		if (pd_is_kiosk(r))
			pd_kiosk_print(r, &in, &p);
		else
			http_reply_redirect(r, arena_printf(r->arena, "/verify/%s?new=1", p.vcode));
	} else {
		form_free(&fm);
	}
	pd_prepared_free(&p);
}

/* ---------------------------------------------------------------- staff */

static void staff_page(http_req_t *r, int status, form_t *fm, const char *kind, const char *lang)
{
	json_t *f = json_object_get(fm->f, "id_type");
	const char *type = json_string_value(json_object_get(f, "v"));
	json_t *m = base_model(r, fm);
	json_object_set_new(m, "id_types", id_types(r, type));
	json_object_set_new(m, "doc_langs", langs(r, lang && *lang ? lang : r->lang));
	json_object_set_new(m, "collective", json_boolean(str_eq(kind, "collective")));
	http_reply_page(r, status, "padro/staff", m);
}

static void staff_get(http_req_t *r)
{
	form_t fm = form_new(r, "pd");
	staff_page(r, 200, &fm, "individual", r->lang);
}

static void staff_post(http_req_t *r)
{
	form_t fm = form_new(r, "pd");
	pd_issue_t in = issue_from_form(r, &fm, true);
	if (!form_check(r, "seen")) {
		form_err(&fm, "seen", "pd_f_seen", http_t(r, "pd_err_seen"));
		staff_page(r, 422, &fm, in.kind, in.lang);
		return;
	}
	pd_prepared_t p = {0};
	const char *bad = NULL;
	pdw_t w = pd_web_issue(r, &in, &p, &bad);
	if (w == PDW_BAD_FIELD || w == PDW_NOT_REGISTERED) {
		if (w == PDW_NOT_REGISTERED)
			form_err(&fm, "id_number", "pd_f_id_number", http_t(r, "pd_err_not_registered"));
		else
			field_error(r, &fm, bad);
		staff_page(r, w == PDW_NOT_REGISTERED ? 404 : 422, &fm, in.kind, in.lang);
	} else {
		form_free(&fm);
		if (w == PDW_ISSUED)
			http_reply_redirect(r, arena_printf(r->arena, "/verify/%s?new=1", p.vcode));
	}
	pd_prepared_free(&p);
}

const http_route_t pd_page_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/padro", start_get, RT_DB, 0},
	{HTTP_POST, "/padro/codi", code_post, RT_FORM | RT_DB, 0},
	{HTTP_POST, "/padro/volant", volant_post, RT_FORM | RT_DB, 0},
	{HTTP_GET | HTTP_HEAD, "/staff/padro", staff_get, RT_DB, PD_STAFF_ROLES},
	{HTTP_POST, "/staff/padro", staff_post, RT_FORM | RT_DB, PD_STAFF_ROLES},
	{0},
};
