/* reply.c — replies: headers and cookies, pages rendered in the base layout with the common view
 * model, JSON, bytes, redirects and errors, all with the security headers (see http.h). */
#include "http/server.h"

#include "app.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "bus/bus.h"
#include "db/db.h"
#include "http/metrics.h"
#include "http/statics.h"
#include "view/i18n.h"
#include "view/view.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CSP                                                                                                            \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "                              \
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

/* ---------------------------------------------------------------- response decoration */

void http_add_header(http_req_t *r, const char *name, const char *value)
{
	ctx_t *x = srv_ctx(r);
	*ARENA_PUSH(r->arena, x->hdrs, x->nhdrs, x->caphdrs) =
		(hdr_t){arena_strdup(r->arena, name), arena_strdup(r->arena, value)};
}

void http_set_cookie(http_req_t *r, const char *name, const char *value, int64_t max_age, unsigned flags)
{
	char *v = arena_printf(r->arena, "%s=%s; Path=/; Max-Age=%lld; SameSite=%s%s%s", name,
			       (flags & COOKIE_DELETE) ? "" : value, (long long)((flags & COOKIE_DELETE) ? 0 : max_age),
			       (flags & COOKIE_STRICT) ? "Strict" : "Lax",
			       (flags & COOKIE_HTTPONLY) ? "; HttpOnly" : "", srv.secure_cookies ? "; Secure" : "");
	http_add_header(r, MHD_HTTP_HEADER_SET_COOKIE, v);
}

static void add_security_headers(struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Permissions-Policy", "camera=(self), microphone=(self), geolocation=()");
}

void srv_set_response(ctx_t *x, int status, struct MHD_Response *resp, const char *ctype)
{
	http_req_t *r = &x->r;
	if (r->replied) {
		/* A second reply is a programming error; keep the first. */
		log_error("double reply on %s", r->path);
		MHD_destroy_response(resp);
		return;
	}
	r->replied = true;
	x->status = status;
	x->resp = resp;
	add_security_headers(resp);
	if (ctype)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	for (size_t i = 0; i < x->nhdrs; i++)
		MHD_add_response_header(resp, x->hdrs[i].name, x->hdrs[i].value);
	srv_release_db(x);
}

void http_reply_bytes(http_req_t *r, int status, const char *ctype, const void *data, size_t len)
{
	void *copy = xmalloc(len ? len : 1);
	if (len)
		memcpy(copy, data, len);
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, copy, MHD_RESPMEM_MUST_FREE);
	srv_ctx(r)->resp_bytes = len;
	srv_set_response(srv_ctx(r), status, resp, ctype);
}

void http_reply_text(http_req_t *r, int status, const char *ctype, const char *body, size_t len)
{
	http_reply_bytes(r, status, ctype, body, len);
}

static void reply_buf(http_req_t *r, int status, const char *ctype, buf_t *b)
{
	size_t len;
	char *data = buf_detach(b, &len);
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	srv_ctx(r)->resp_bytes = len;
	srv_set_response(srv_ctx(r), status, resp, ctype);
}

void http_reply_json(http_req_t *r, int status, json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(body);
	size_t len = strlen(s);
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, s, MHD_RESPMEM_MUST_FREE);
	srv_ctx(r)->resp_bytes = len;
	srv_set_response(srv_ctx(r), status, resp, "application/json; charset=utf-8");
}

void http_reply_redirect(http_req_t *r, const char *location)
{
	http_add_header(r, MHD_HTTP_HEADER_LOCATION, location);
	http_add_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	http_reply_bytes(r, 303, "text/plain; charset=utf-8", "", 0);
}

/* The language switcher: the current path with ?lang=xx. */
static json_t *lang_links(http_req_t *r)
{
	static const char *labels[] = {"Català", "Español", "English"};
	json_t *a = json_array();
	for (int i = 0; i < I18N_NLANGS; i++) {
		json_array_append_new(a, jpack("{s:s,s:s,s:s,s:b}", "code", i18n_langs[i], "label", labels[i], "url",
					       arena_printf(r->arena, "%s?lang=%s", r->path, i18n_langs[i]), "current",
					       strcmp(r->lang, i18n_langs[i]) == 0));
	}
	return a;
}

static json_t *srv_common_model(http_req_t *r)
{
	json_t *m = json_object();
	json_object_set_new(m, "lang", json_string(r->lang));
	json_object_set_new(m, "langs", lang_links(r));
	json_object_set_new(m, "path", json_string(r->path));
	json_object_set(m, "assets", statics_assets(r->app->statics));
	if (srv.guard)
		srv.guard->page_model(r, m);
	return m;
}

void http_reply_page(http_req_t *r, int status, const char *tpl, json_t *model)
{
	json_t *common = srv_common_model(r);
	json_t *tctx = jpack("{s:O}", "t", r->t);
	json_t *ctx[3] = {tctx, common, model ? model : json_object()};
	buf_t out;
	buf_init(&out, 8 << 20);
	int rc = view_render(r->app->view, tpl, ctx, 3, &out);
	json_decref(ctx[2]);
	json_decref(common);
	json_decref(tctx);
	if (rc) {
		log_error("render %s: %s", tpl, err_name(rc));
		buf_free(&out);
		http_reply_bytes(r, 500, "text/plain; charset=utf-8", "500", 3);
		return;
	}
	http_add_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	reply_buf(r, status, "text/html; charset=utf-8", &out);
}

void http_reply_error(http_req_t *r, int status, const char *code, const char *msg_key, json_t *extra)
{
	const char *msg = http_t(r, msg_key);
	if (r->api) {
		json_t *b = jpack("{s:s,s:s}", "error", code, "message", msg);
		if (extra)
			json_object_update(b, extra);
		json_decref(extra);
		http_reply_json(r, status, b);
		return;
	}
	json_decref(extra);
	json_t *m = jpack("{s:i,s:s,s:s,s:s}", "status", status, "code", code, "message", msg, "title",
			  http_t(r, status == 404   ? "err_not_found_title"
				    : status == 403 ? "err_forbidden_title"
						    : "err_title"));
	http_reply_page(r, status, "errors/error", m);
}
