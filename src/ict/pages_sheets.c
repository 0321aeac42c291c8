/* pages_sheets.c — learning sheets, one page per tool and language, handed over at the end of a
 * session:
 *   GET  /staff/ict/sheets                 the sheets there are, to print (ICT agents and up)
 *   GET  /staff/ict/sheets/{tool}/pdf      one sheet as a PDF, ?lang=ca|es|en (404 when none)
 *   GET  /staff/ict/sheets/{tool}          its text in a form, ?lang= (coordinators, admins)
 *   POST /staff/ict/sheets/{tool}          saves it: 303 to the list, or the form again (422) */
#include "ict/web.h"

#include "app.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "base/text.h"
#include "http/form.h"
#include "http/kit.h"
#include "render/pdf.h"
#include "view/i18n.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const langs[3] = {"ca", "es", "en"};

/* The {tool} of the path when it is a known tool, else NULL (404 answered). */
static const char *tool_of(http_req_t *r)
{
	const char *t = http_param(r, "tool");
	if (ict_in(t, ict_tools, ICT_TOOLS))
		return t;
	http_reply_not_found(r);
	return NULL;
}

static const char *lang_of(http_req_t *r)
{
	const char *l = r->method == HTTP_POST ? form_str(r, "lang") : http_query(r, "lang");
	return ict_in(l, langs, 3) ? l : r->lang;
}

static void list_page(http_req_t *r)
{
	ict_count_t *v;
	size_t n;
	int rc = ict_store_sheets(r->db, r->arena, &v, &n);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	json_t *rows = json_array();
	for (int k = 0; k < ICT_TOOLS; k++) {
		json_t *files = json_array();
		for (size_t i = 0; i < n; i++) {
			size_t len = strlen(ict_tools[k]);
			if (strncmp(v[i].key, ict_tools[k], len) == 0 && v[i].key[len] == ' ')
				json_array_append_new(files,
						      jpack("{s:s,s:s}", "lang", v[i].key + len + 1, "href",
							    arena_printf(r->arena, "/staff/ict/sheets/%s/pdf?lang=%s",
									 ict_tools[k], v[i].key + len + 1)));
		}
		json_array_append_new(rows, jpack("{s:s,s:s,s:o,s:b}", "tool", ict_tools[k], "label",
						  http_tf(r, "ict_tool_%s", ict_tools[k]), "files", files, "none",
						  json_array_size(files) == 0));
	}
	json_t *m = jpack("{s:o,s:b}", "rows", rows, "can_edit", (r->user->role & ICT_EVAL_ROLES) != 0);
	const char *saved = http_query(r, "saved");
	if (ict_in(saved, ict_tools, ICT_TOOLS))
		json_object_set_new(m, "notice", json_string(http_t(r, "ict_sheet_saved")));
	http_reply_page(r, 200, "ict/sheets", m);
}

static void pdf_get(http_req_t *r)
{
	const char *tool = tool_of(r), *lang = lang_of(r), *body = NULL;
	if (!tool)
		return;
	int rc = ict_store_sheet_get(r->db, r->arena, tool, lang, &body);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	json_t *doc = NULL;
	const char *title = i18n_get(lang, arena_printf(r->arena, "ict_tool_%s", tool));
	unsigned char *out = NULL;
	size_t len = 0;
	rc = ict_sheet_doc(r->arena, title, body, &doc);
	if (!rc) {
		json_object_set_new(doc, "city", json_string(config_str(r->app->cfg, "city.name")));
		json_object_set_new(doc, "footer", json_string(i18n_get(lang, "ict_sheet_footer")));
		rc = pdf_document(doc, &out, &len);
	}
	json_decref(doc);
	if (rc) {
		http_reply_failed(r, ERR_DB);
		return;
	}
	http_add_header(r, "Content-Disposition", arena_printf(r->arena, "inline; filename=\"%s-%s.pdf\"", tool, lang));
	http_reply_bytes(r, 200, "application/pdf", out, len);
	free(out);
}

static void edit_page(http_req_t *r, int status, form_t *fm, const char *tool, const char *lang)
{
	static const char *const labels[3] = {"Català", "Español", "English"};
	json_t *ls = json_array();
	for (int i = 0; i < 3; i++)
		json_array_append_new(ls, jpack("{s:s,s:s,s:b}", "value", langs[i], "label", labels[i], "on",
						str_eq(lang, langs[i])));
	json_t *m = jpack("{s:s,s:s,s:o}", "tool", tool, "label", http_tf(r, "ict_tool_%s", tool), "langs", ls);
	form_into(fm, m);
	http_reply_page(r, status, "ict/sheet", m);
}

static void edit_get(http_req_t *r)
{
	const char *tool = tool_of(r), *lang = lang_of(r), *body = "";
	if (!tool)
		return;
	int rc = ict_store_sheet_get(r->db, r->arena, tool, lang, &body);
	if (rc && rc != ERR_NOT_FOUND) {
		http_reply_failed(r, rc);
		return;
	}
	form_t fm = form_new(r, "ict");
	form_val(&fm, "body", rc ? "" : body);
	edit_page(r, 200, &fm, tool, lang);
}

typedef struct {
	const char *tool, *lang, *body;
} sheet_t;

static int sheet_write(http_req_t *r, void *ud)
{
	sheet_t *x = ud;
	return ict_store_sheet_put(r->db, x->tool, x->lang, x->body, r->user->email, (int64_t)time(NULL));
}

static void edit_post(http_req_t *r)
{
	const char *tool = tool_of(r);
	if (!tool)
		return;
	sheet_t x = {tool, lang_of(r), form_text(r, "body")};
	json_t *doc = NULL;
	form_t fm = form_new(r, "ict");
	form_val(&fm, "body", x.body);
	if (ict_sheet_doc(r->arena, tool, x.body, &doc)) {
		form_err(&fm, "body", "ict_f_sheet", http_t(r, "ict_err_sheet"));
		edit_page(r, 422, &fm, tool, x.lang);
		return;
	}
	json_decref(doc);
	form_free(&fm);
	http_tx_audit(r, "ict.sheet.save", arena_printf(r->arena, "ict_sheet:%s/%s", tool, x.lang), NULL);
	if (!http_tx_ok(r, sheet_write, &x))
		return;
	http_reply_redirect(r, arena_printf(r->arena, "/staff/ict/sheets?saved=%s", tool));
}

const http_route_t ict_sheet_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/staff/ict/sheets", list_page, RT_DB, ICT_ROLES},
	{HTTP_GET | HTTP_HEAD, "/staff/ict/sheets/{tool}/pdf", pdf_get, RT_DB, ICT_ROLES},
	{HTTP_GET | HTTP_HEAD, "/staff/ict/sheets/{tool}", edit_get, RT_DB, ICT_EVAL_ROLES},
	{HTTP_POST, "/staff/ict/sheets/{tool}", edit_post, RT_FORM | RT_DB, ICT_EVAL_ROLES},
	{0},
};
