/* pages.c — the citizen's chat pages. They work without JavaScript (a plain form; new messages
 * show on reload); static/chat.js adds the live stream, typing and sending without reloads.
 *   GET  /xat                          the procedures with a chat, open now or not
 *   GET  /xat/{service}                the start form, or when closed the hours and a request
 *   POST /xat/{service}                starts: 303 to the conversation
 *   GET  /xat/c/{id}?token=            the conversation
 *   POST /xat/c/{id}/missatge          a message (token in the form)
 *   POST /xat/c/{id}/surt              leaves
 *   POST /xat/c/{id}/consulta          carries the conversation into a deferred request
 *   POST /xat/c/{id}/transcripcio      asks for the transcript by e-mail */
#include "chat/web.h"

#include "app.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "catalog/catalog.h"
#include "http/form.h"
#include "http/kit.h"

#include <string.h>

static void index_get(http_req_t *r)
{
	ch_ctx_t ctx;
	ch_ctx_from_req(&ctx, r);
	catalog_procedure_t *p;
	size_t n;
	int rc = catalog_procedures(r->db, r->arena, &p, &n);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		int64_t pid, office;
		bool open = false;
		if (!catalog_channels_has(p[i].channels, "chat") ||
		    ch_office_for(r->db, r->arena, p[i].code, ctx.now, &pid, &office, &open))
			continue;
		json_array_append_new(list, jpack("{s:s,s:s,s:b}", "code", p[i].code, "name",
						  catalog_procedure_name(&p[i], r->lang), "open", open));
	}
	http_reply_page(r, 200, "chat/index",
			jpack("{s:o,s:b}", "services", list, "has_services", json_array_size(list) > 0));
}

/* The start page: the form (open) or the hours and the request link (closed). */
static void start_page(http_req_t *r, int status, form_t *fm)
{
	ch_ctx_t ctx;
	ch_ctx_from_req(&ctx, r);
	const char *service = http_param(r, "service");
	int64_t pid = 0, office = 0;
	bool open = false;
	int rc = ch_office_for(r->db, r->arena, service, ctx.now, &pid, &office, &open);
	catalog_procedure_t p;
	if (!rc)
		rc = catalog_procedure_by_id(r->db, r->arena, pid, &p);
	if (rc) {
		form_free(fm);
		http_reply_failed(r, rc);
		return;
	}
	json_t *m = jpack("{s:s,s:s,s:b,s:o,s:s}", "service", p.code, "service_name",
			  catalog_procedure_name(&p, r->lang), "open", open, "hours",
			  ch_hours_model(r->db, r->arena, office, r->lang), "requests_url", ch_requests_url(&ctx, pid));
	json_object_set_new(m, "has_hours", json_boolean(json_array_size(json_object_get(m, "hours")) > 0));
	json_object_set_new(m, "csrf", json_string(http_csrf_token(r))); /* visitors' forms too */
	form_into(fm, m);
	http_reply_page(r, status, "chat/start", m);
}

static void start_get(http_req_t *r)
{
	form_t fm = form_new(r, "ch");
	start_page(r, 200, &fm);
}

static void start_post(http_req_t *r)
{
	if (!ch_rate_guard(r, "chat.start", "chat.rate_start"))
		return;
	ch_ctx_t ctx;
	ch_ctx_from_req(&ctx, r);
	ctx.user = NULL;
	ctx.user_id = 0;
	ch_input_t in = {http_param(r, "service"), form_str(r, "name"),        form_str(r, "email"), r->lang,
			 form_text(r, "text"),     form_check(r, "transcript")};
	int64_t id = 0;
	char token[CH_TOKEN_LEN];
	fielderr_t errs = {0};
	int rc = ch_create(&ctx, &in, &id, token, &errs);
	form_t fm = form_new(r, "ch");
	form_val(&fm, "name", in.name);
	form_val(&fm, "email", in.email);
	form_val(&fm, "text", in.text);
	form_on(&fm, "transcript", in.transcript);
	if (rc == ERR_INVALID || rc == ERR_UNAVAILABLE || rc == ERR_BUSY) {
		for (size_t i = 0; i < errs.n; i++)
			form_err(&fm, errs.e[i].field, http_tf(r, "ch_f_%s", errs.e[i].field),
				 http_t(r, errs.e[i].key));
		if (rc == ERR_BUSY)
			form_err(&fm, "name", "ch_f_name", http_t(r, "ch_err_per_client"));
		start_page(r, rc == ERR_INVALID ? 422 : rc == ERR_BUSY ? 429 : 409, &fm);
		return;
	}
	form_free(&fm);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	http_reply_redirect(r, arena_printf(r->arena, "/xat/c/%lld?token=%s", (long long)id, token));
}

/* The conversation of the path with the token of the query or the form; false when answered. */
static bool load(http_req_t *r, ch_ctx_t *ctx, ch_chat_t *ch, const char **token)
{
	ch_ctx_from_req(ctx, r);
	ctx->user = NULL; /* these are the citizen's pages, whoever is signed in */
	ctx->user_id = 0;
	*token = r->method == HTTP_POST ? form_str(r, "token") : http_query(r, "token");
	int rc = ch_get(ctx, ch_path_id(r), *token, ch);
	if (rc) {
		http_reply_failed(r, rc);
		return false;
	}
	return true;
}

static void conversation_get(http_req_t *r)
{
	ch_ctx_t ctx;
	ch_chat_t ch;
	const char *token;
	if (!ch_rate_guard(r, "chat.read", "chat.rate_messages") || !load(r, &ctx, &ch, &token))
		return;
	if (!str_eq(ch.status, "closed"))
		(void)ch_store_seen(r->db, ch.id, ctx.now); /* a reload is a sign of life */
	json_t *m = ch_conversation_model(&ctx, &ch);
	json_object_set_new(m, "token", json_string(token));
	json_object_set_new(m, "csrf", json_string(http_csrf_token(r)));
	json_object_set_new(m, "answers",
			    jpack("[{s:s,s:s},{s:s,s:s},{s:s,s:s}]", "value", "email", "label",
				  http_t(r, "rq_by_email"), "value", "sms", "label", http_t(r, "rq_by_sms"), "value",
				  "phone", "label", http_t(r, "rq_by_phone")));
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_page(r, 200, "chat/conversation", m);
}

static const char *back(http_req_t *r, int64_t id, const char *token, const char *flag)
{
	return arena_printf(r->arena, "/xat/c/%lld?token=%s%s#end", (long long)id, token, flag);
}

static void say_post(http_req_t *r)
{
	ch_ctx_t ctx;
	ch_chat_t ch;
	const char *token;
	if (!ch_rate_guard(r, "chat.say", "chat.rate_messages") || !load(r, &ctx, &ch, &token))
		return;
	int64_t mid;
	fielderr_t errs = {0};
	int rc = ch_say(&ctx, &ch, form_text(r, "text"), &mid, &errs);
	if (rc == ERR_INVALID)
		http_reply_error(r, 422, "invalid", "ch_err_text", NULL);
	else if (rc == ERR_CONFLICT)
		http_reply_error(r, 409, "bad_state", "ch_err_state", NULL);
	else if (rc)
		http_reply_failed(r, rc);
	else
		http_reply_redirect(r, back(r, ch.id, token, ""));
}

static void leave_post(http_req_t *r)
{
	ch_ctx_t ctx;
	ch_chat_t ch;
	const char *token;
	if (!load(r, &ctx, &ch, &token))
		return;
	int rc = ch_close(&ctx, ch.id, "left");
	if (rc && rc != ERR_CONFLICT)
		http_reply_failed(r, rc);
	else
		http_reply_redirect(r, back(r, ch.id, token, ""));
}

static void request_post(http_req_t *r)
{
	ch_ctx_t ctx;
	ch_chat_t ch;
	const char *token;
	if (!ch_rate_guard(r, "chat.start", "chat.rate_start") || !load(r, &ctx, &ch, &token))
		return;
	requests_input_t in = {.email = form_str(r, "email"),
			       .phone = form_str(r, "phone"),
			       .answer_by = form_str(r, "answer_by"),
			       .call_from = form_str(r, "call_from"),
			       .call_to = form_str(r, "call_to")};
	requests_created_t out;
	fielderr_t errs = {0};
	int rc = ch_defer(&ctx, &ch, &in, &out, &errs);
	if (rc == ERR_INVALID)
		http_reply_error(r, 422, "invalid", errs.n ? errs.e[0].key : "ch_err_form", NULL);
	else if (rc == ERR_CONFLICT)
		http_reply_error(r, 409, "bad_state", "ch_err_state", NULL);
	else if (rc)
		http_reply_failed(r, rc);
	else
		http_reply_redirect(r, arena_printf(r->arena, "/consulta/%s?token=%s&nova=1", out.code, out.token));
}

static void transcript_post(http_req_t *r)
{
	ch_ctx_t ctx;
	ch_chat_t ch;
	const char *token;
	if (!load(r, &ctx, &ch, &token))
		return;
	int rc = ch_want_transcript(&ctx, &ch, form_str(r, "email"));
	if (rc == ERR_INVALID)
		http_reply_error(r, 422, "invalid", "ch_err_email_needed", NULL);
	else if (rc == ERR_CONFLICT)
		http_reply_error(r, 409, "bad_state", "ch_err_state", NULL);
	else if (rc)
		http_reply_failed(r, rc);
	else
		http_reply_redirect(r, back(r, ch.id, token, "&transcripcio=1"));
}

const http_route_t ch_page_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/xat", index_get, RT_DB, 0},
	{HTTP_GET | HTTP_HEAD, "/xat/{service}", start_get, RT_DB, 0},
	{HTTP_POST, "/xat/{service}", start_post, RT_FORM | RT_DB, 0},
	{HTTP_GET | HTTP_HEAD, "/xat/c/{id}", conversation_get, RT_DB, 0},
	{HTTP_POST, "/xat/c/{id}/missatge", say_post, RT_FORM | RT_DB, 0},
	{HTTP_POST, "/xat/c/{id}/surt", leave_post, RT_FORM | RT_DB, 0},
	{HTTP_POST, "/xat/c/{id}/consulta", request_post, RT_FORM | RT_DB, 0},
	{HTTP_POST, "/xat/c/{id}/transcripcio", transcript_post, RT_FORM | RT_DB, 0},
	{0},
};
