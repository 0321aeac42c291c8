/* pages.c — the citizen's pages of deferred requests (no JavaScript needed):
 *   GET  /consulta/nova[?servei=CODE]   the form: topic or procedure, the question, how and when
 *                                       to be answered, the contact
 *   POST /consulta/nova                 the request: 303 to its status page
 *   GET  /consulta/{code}?token=        the status page (without the token it asks for the
 *   POST /consulta/{code}                e-mail or phone given, which the POST checks)
 *   POST /consulta/{code}/afegeix       adds what was asked (token or contact in the form) */
#include "requests/web.h"

#include "app.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "http/form.h"
#include "http/kit.h"

#include <string.h>

/* The form's model: pickers with the values kept, and the errors. */
void rq_form_page(http_req_t *r, int status, form_t *fm, const char *tpl, json_t *extra)
{
	json_t *m =
		jpack("{s:o,s:o,s:o}", "topics", rq_topics_model(r, form_str(r, "topic")), "services",
		      rq_services_model(r, r->method == HTTP_POST ? form_str(r, "service") : http_query(r, "servei")),
		      "answers", rq_answer_model(r, r->method == HTTP_POST ? form_str(r, "answer_by") : NULL));
	json_object_set_new(m, "csrf", json_string(http_csrf_token(r))); /* visitors' forms too */
	if (extra) {
		json_object_update(m, extra);
		json_decref(extra);
	}
	form_into(fm, m);
	http_reply_page(r, status, tpl, m);
}

static void new_get(http_req_t *r)
{
	form_t fm = form_new(r, "rq");
	rq_form_page(r, 200, &fm, "requests/new", NULL);
}

void rq_form_errors(http_req_t *r, form_t *fm, const fielderr_t *errs)
{
	static const char *const keep[] = {"service", "topic", "text",      "name",
					   "email",   "phone", "call_from", "call_to"};
	for (size_t i = 0; i < sizeof keep / sizeof *keep; i++)
		form_val(fm, keep[i], str_eq(keep[i], "text") ? form_text(r, "text") : form_str(r, keep[i]));
	for (size_t i = 0; i < errs->n; i++)
		form_err(fm, errs->e[i].field, arena_printf(r->arena, "rq_f_%s", errs->e[i].field),
			 http_t(r, errs->e[i].key));
}

static void new_post(http_req_t *r)
{
	if (!rq_rate_guard(r, true))
		return;
	requests_created_t out;
	fielderr_t errs = {0};
	int rc = rq_create_from(r, true, &out, &errs); /* the public form is the citizen's */
	if (rc == ERR_INVALID) {
		form_t fm = form_new(r, "rq");
		rq_form_errors(r, &fm, &errs);
		rq_form_page(r, 422, &fm, "requests/new", NULL);
		return;
	}
	if (rc) {
		http_reply_failed(r, ERR_DB);
		return;
	}
	http_reply_redirect(r, arena_printf(r->arena, "/consulta/%s?token=%s&nova=1", out.code, out.token));
}

/* The status page of a proved request, or the form asking for the contact. */
static void status_page(http_req_t *r, const char *token, const char *contact)
{
	requests_ctx_t ctx;
	rq_ctx_from_req(&ctx, r);
	ctx.user = NULL;
	rq_t q;
	const char *code = http_param(r, "code");
	int rc = (token && *token) || (contact && *contact) ? rq_get(&ctx, code, token, contact, &q) : ERR_NOT_FOUND;
	if (rc == ERR_NOT_FOUND) {
		bool tried = (token && *token) || (contact && *contact);
		json_t *m =
			jpack("{s:s,s:b,s:s}", "code", code ? code : "", "tried", tried, "csrf", http_csrf_token(r));
		http_reply_page(r, tried ? 404 : 200, "requests/lookup", m);
		return;
	}
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	json_t *m = rq_model(&ctx, &q, false);
	json_object_set_new(m, "token", json_string(token ? token : ""));
	json_object_set_new(m, "csrf", json_string(http_csrf_token(r)));
	json_object_set_new(m, "contact", json_string(contact ? contact : ""));
	json_object_set_new(m, "can_add", json_boolean(str_eq(q.status, "waiting") || str_eq(q.status, "answered")));
	const char *flag = http_query(r, "nova") ? "rq_created" : http_query(r, "afegit") ? "rq_added" : NULL;
	if (flag)
		json_object_set_new(m, "notice", json_string(http_t(r, flag)));
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_page(r, 200, "requests/status", m);
}

static void status_get(http_req_t *r)
{
	if (!rq_rate_guard(r, false))
		return;
	status_page(r, http_query(r, "token"), NULL);
}

static void status_post(http_req_t *r)
{
	if (!rq_rate_guard(r, false))
		return;
	status_page(r, NULL, form_str(r, "contact"));
}

static void add_post(http_req_t *r)
{
	if (!rq_rate_guard(r, true))
		return;
	requests_ctx_t ctx;
	rq_ctx_from_req(&ctx, r);
	ctx.user = NULL;
	ctx.user_id = 0;
	rq_act_t act = {.action = "add", .text = form_text(r, "text")};
	fielderr_t errs = {0};
	const char *token = form_str(r, "token"), *contact = form_str(r, "contact");
	if (!rq_act_page(r, rq_act(&ctx, http_param(r, "code"), token, contact, &act, &errs), &errs))
		return;
	if (*token)
		http_reply_redirect(r, arena_printf(r->arena, "/consulta/%s?token=%s&afegit=1", http_param(r, "code"),
						    token));
	else
		status_page(r, NULL, contact);
}

const http_route_t rq_page_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/consulta/nova", new_get, RT_DB, 0},
	{HTTP_POST, "/consulta/nova", new_post, RT_FORM | RT_DB, 0},
	{HTTP_GET | HTTP_HEAD, "/consulta/{code}", status_get, RT_DB, 0},
	{HTTP_POST, "/consulta/{code}", status_post, RT_FORM | RT_DB, 0},
	{HTTP_POST, "/consulta/{code}/afegeix", add_post, RT_FORM | RT_DB, 0},
	{0},
};
