/* pages.c — the legal capability's routes:
 *   GET  /avis-legal, /privacitat, /accessibilitat   the documents (anyone), in the visitor's
 *                                                     language: the city's text, else the shipped one
 *   GET  /admin/legal                                 every document in every language, editable
 *   POST /admin/legal                                 saves one document (all its languages) with
 *                                                     its audit record; an empty text brings back the
 *                                                     shipped one; 303 back, or 422 with the form */
#include "legal/internal.h"
#include "legal/web.h"

#include "app.h"
#include "auth/auth.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "http/form.h"
#include "http/kit.h"
#include "view/i18n.h"

#include <string.h>
#include <time.h>

static const lg_doc_t *doc_by_code(const char *code)
{
	for (size_t i = 0; i < LG_NDOCS; i++)
		if (str_eq(lg_docs[i].code, code))
			return &lg_docs[i];
	return NULL;
}

/* The text shown for doc in lang: the city's own (for a further language, the city's own in
 * that language's fallback: the city writes ca, es and en), else the shipped one with the city's
 * name. False on a storage failure. */
static bool text_of(http_req_t *r, const lg_doc_t *d, const char *lang, const char **body, bool *own)
{
	int rc = lg_store_text(r->db, r->arena, d->code, lang, body);
	const char *fb = i18n_langs[i18n_index(lang)];
	if (rc == ERR_NOT_FOUND && !str_eq(fb, lang))
		rc = lg_store_text(r->db, r->arena, d->code, fb, body);
	*own = rc == 0;
	if (rc == ERR_NOT_FOUND) {
		json_t *brand = json_object();
		auth_branding(r, brand);
		const char *vars[] = {"city",
				      arena_strdup(r->arena, json_string_value(json_object_get(brand, "city_name"))),
				      NULL};
		json_decref(brand);
		*body = i18n_subst(r->arena, i18n_get(lang, d->default_key), vars);
		return true;
	}
	return rc == 0;
}

static void doc_page(http_req_t *r, const lg_doc_t *d)
{
	const char *body;
	bool own;
	if (!text_of(r, d, r->lang, &body, &own)) {
		http_reply_unavailable(r);
		return;
	}
	json_t *m = jpack("{s:s,s:o}", "title", http_t(r, d->title_key), "blocks", legal_blocks(body));
	http_reply_page(r, 200, "legal/page", m);
}

static void notice_get(http_req_t *r)
{
	doc_page(r, &lg_docs[0]);
}

static void privacy_get(http_req_t *r)
{
	doc_page(r, &lg_docs[1]);
}

static void access_get(http_req_t *r)
{
	doc_page(r, &lg_docs[2]);
}

/* ---------------------------------------------------------------- the admin page */

/* Every document with a field per language: the posted text for the document in fm (shown again
 * with its error), else what the page shows now. */
static void admin_page(http_req_t *r, int status, const char *posted_doc, json_t *errors)
{
	json_t *docs = json_array();
	for (size_t i = 0; i < LG_NDOCS; i++) {
		const lg_doc_t *d = &lg_docs[i];
		json_t *fields = json_array();
		for (int l = 0; l < I18N_NLANGS; l++) {
			const char *lang = i18n_langs[l], *body;
			bool own;
			bool posted = posted_doc && str_eq(posted_doc, d->code);
			if (posted) {
				body = form_text(r, lang);
				own = true;
			} else if (!text_of(r, d, lang, &body, &own)) {
				json_decref(docs);
				json_decref(errors);
				http_reply_unavailable(r);
				return;
			}
			json_t *err = posted ? json_object_get(errors, lang) : NULL;
			json_array_append_new(fields, jpack("{s:s,s:s,s:s,s:s,s:b,s:O*}", "lang", lang, "id",
							    arena_printf(r->arena, "lg-%s-%s", d->code, lang), "label",
							    http_tf(r, "lg_lang_%s", lang), "body", body, "own", own,
							    "err", err));
		}
		json_array_append_new(docs, jpack("{s:s,s:s,s:s,s:o}", "code", d->code, "title",
						  http_t(r, d->title_key), "path", d->path, "fields", fields));
	}
	json_t *m = jpack("{s:o}", "docs", docs);
	if (json_object_size(errors)) {
		json_t *summary = json_array();
		const char *lang;
		json_t *msg;
		json_object_foreach (errors, lang, msg)
			json_array_append_new(summary, jpack("{s:s,s:s,s:O}", "id",
							     arena_printf(r->arena, "lg-%s-%s", posted_doc, lang),
							     "label", http_tf(r, "lg_lang_%s", lang), "msg", msg));
		json_object_set_new(m, "has_errors", json_true());
		json_object_set_new(m, "errors", summary);
	}
	json_decref(errors);
	if (str_eq(http_query(r, "saved"), "1"))
		json_object_set_new(m, "notice", json_string(http_t(r, "lg_saved")));
	json_object_set_new(m, "csrf", json_string(http_csrf_token(r)));
	http_reply_page(r, status, "legal/admin", m);
}

static void admin_get(http_req_t *r)
{
	admin_page(r, 200, NULL, NULL);
}

typedef struct {
	const lg_doc_t *d;
	const char *texts[I18N_NLANGS];
} save_t;

static int save_write(http_req_t *r, void *ud)
{
	save_t *x = ud;
	int64_t now = (int64_t)time(NULL);
	int rc = 0;
	for (int l = 0; !rc && l < I18N_NLANGS; l++)
		rc = lg_store_save(r->db, x->d->code, i18n_langs[l], x->texts[l], r->user ? r->user->email : "", now);
	return rc;
}

static void admin_post(http_req_t *r)
{
	save_t x = {.d = doc_by_code(form_str(r, "doc"))};
	if (!x.d) {
		http_reply_error(r, 422, "invalid", "lg_err_doc", NULL);
		return;
	}
	json_t *errors = json_object();
	for (int l = 0; l < I18N_NLANGS; l++) {
		x.texts[l] = form_text(r, i18n_langs[l]);
		size_t n = strlen(x.texts[l]);
		if (n > LEGAL_MAX_TEXT || !str_valid_utf8(x.texts[l], n))
			json_object_set_new(errors, i18n_langs[l], json_string(http_t(r, "lg_err_text")));
	}
	if (json_object_size(errors)) {
		admin_page(r, 422, x.d->code, errors);
		return;
	}
	json_decref(errors);
	http_tx_audit(r, "legal.save", arena_printf(r->arena, "legal:%s", x.d->code), NULL);
	if (!http_tx_ok(r, save_write, &x))
		return;
	http_reply_redirect(r, arena_printf(r->arena, "/admin/legal?saved=1#doc-%s", x.d->code));
}

const http_route_t lg_page_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/avis-legal", notice_get, RT_DB, 0},
	{HTTP_GET | HTTP_HEAD, "/privacitat", privacy_get, RT_DB, 0},
	{HTTP_GET | HTTP_HEAD, "/accessibilitat", access_get, RT_DB, 0},
	{HTTP_GET | HTTP_HEAD, "/admin/legal", admin_get, RT_DB, ROLE_ADMIN},
	{HTTP_POST, "/admin/legal", admin_post, RT_FORM | RT_DB, ROLE_ADMIN},
	{0},
};
