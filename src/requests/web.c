/* web.c — see web.h. */
#include "requests/web.h"

#include "app.h"
#include "auth/auth.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "catalog/catalog.h"
#include "http/form.h"
#include "http/kit.h"

#include <string.h>
#include <time.h>

static int audit_request(void *ud, const char *action, const char *code, const char *detail)
{
	http_req_t *r = ud;
	return auth_audit(r, action, arena_printf(r->arena, "request:%s", code), detail);
}

void rq_ctx_from_req(requests_ctx_t *ctx, http_req_t *r)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->c = r->db;
	ctx->a = r->arena;
	ctx->cfg = r->app->cfg;
	ctx->now = (int64_t)time(NULL);
	ctx->lang = r->lang;
	if (r->user && (r->user->role & ROLE_PEOPLE)) {
		ctx->user_id = r->user->id;
		ctx->user = r->user->email;
	}
	ctx->audit = audit_request;
	ctx->audit_ud = r;
}

bool rq_rate_guard(http_req_t *r, bool create)
{
	if (r->user && (r->user->role & ROLE_PEOPLE))
		return true;
	int retry = 0;
	if (http_rate_ok(r, create ? "requests.create" : "requests.read",
			 (int)config_int(r->app->cfg, create ? "requests.rate_create" : "requests.rate_read"), 60,
			 &retry))
		return true;
	http_reply_error(r, 429, "rate_limited", "rq_err_rate", NULL);
	return false;
}

/* A field of the JSON body or the form. */
static const char *field(http_req_t *r, const char *name)
{
	if (r->json)
		return json_string_value(json_object_get(r->json, name));
	return form_str(r, name);
}

void rq_input_from_form(http_req_t *r, requests_input_t *in)
{
	memset(in, 0, sizeof *in);
	in->service = field(r, "service");
	in->topic = field(r, "topic");
	in->text = r->json ? field(r, "text") : form_text(r, "text");
	in->name = field(r, "name");
	in->email = field(r, "email");
	in->phone = field(r, "phone");
	in->answer_by = field(r, "answer_by");
	in->call_from = field(r, "call_from");
	in->call_to = field(r, "call_to");
	in->lang = field(r, "lang");
	in->source = field(r, "source");
}

static json_t *options(http_req_t *r, const char *const *set, size_t n, const char *fmt, const char *cur)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, jpack("{s:s,s:s,s:b}", "value", set[i], "label", http_tf(r, fmt, set[i]), "on",
					       str_eq(cur, set[i])));
	return a;
}

int rq_create_from(http_req_t *r, bool citizen, requests_created_t *out, fielderr_t *errs)
{
	requests_ctx_t ctx;
	rq_ctx_from_req(&ctx, r);
	requests_input_t in;
	rq_input_from_form(r, &in);
	if (citizen) {
		ctx.user = NULL;
		ctx.user_id = 0;
		in.source = "web";
	}
	return requests_create(&ctx, &in, out, errs);
}

bool rq_act_page(http_req_t *r, int rc, const fielderr_t *errs)
{
	if (rc == ERR_INVALID)
		http_reply_error(r, 422, "invalid", errs->n ? errs->e[0].key : "rq_err_form", NULL);
	else if (rc == ERR_CONFLICT)
		http_reply_error(r, 409, "bad_state", "rq_err_state", NULL);
	else if (rc)
		http_reply_failed(r, rc);
	return rc == 0;
}

json_t *rq_topics_model(http_req_t *r, const char *cur)
{
	return options(r, rq_topics, 5, "rq_topic_%s", cur);
}

json_t *rq_answer_model(http_req_t *r, const char *cur)
{
	return options(r, rq_answer_by, 3, "rq_by_%s", cur ? cur : "email");
}

json_t *rq_services_model(http_req_t *r, const char *cur)
{
	json_t *a = json_array();
	catalog_procedure_t *p;
	size_t n;
	if (catalog_procedures(r->db, r->arena, &p, &n))
		return a;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, jpack("{s:s,s:s,s:b}", "value", p[i].code, "label",
					       catalog_procedure_name(&p[i], r->lang), "on", str_eq(cur, p[i].code)));
	return a;
}
