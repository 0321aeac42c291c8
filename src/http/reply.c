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
#include "http/encode.h"
#include "http/metrics.h"
#include "http/statics.h"
#include "view/i18n.h"
#include "view/view.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CSP_HEAD "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"
#define CSP_TAIL "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

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

void http_allow(http_req_t *r, const char *img_origin, bool geolocation)
{
	ctx_t *x = srv_ctx(r);
	x->csp_img = img_origin && *img_origin ? arena_strdup(r->arena, img_origin) : NULL;
	x->geolocation = geolocation;
}

static void add_security_headers(ctx_t *x, struct MHD_Response *resp)
{
	if (x->csp_img)
		MHD_add_response_header(resp, "Content-Security-Policy",
					arena_printf(x->r.arena, CSP_HEAD " %s" CSP_TAIL, x->csp_img));
	else
		MHD_add_response_header(resp, "Content-Security-Policy", CSP_HEAD CSP_TAIL);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Permissions-Policy",
				x->geolocation ? "camera=(self), microphone=(self), geolocation=(self)"
					       : "camera=(self), microphone=(self), geolocation=()");
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
	add_security_headers(x, resp);
	if (ctype)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	for (size_t i = 0; i < x->nhdrs; i++)
		MHD_add_response_header(resp, x->hdrs[i].name, x->hdrs[i].value);
	srv_release_db(x);
}

/* Adds token to the reply's Vary header (one header, a comma list), once. */
void srv_vary(http_req_t *r, const char *token)
{
	ctx_t *x = srv_ctx(r);
	for (size_t i = 0; i < x->nhdrs; i++) {
		if (strcasecmp(x->hdrs[i].name, MHD_HTTP_HEADER_VARY) != 0)
			continue;
		if (!strcasestr(x->hdrs[i].value, token))
			x->hdrs[i].value = arena_printf(r->arena, "%s, %s", x->hdrs[i].value, token);
		return;
	}
	http_add_header(r, MHD_HTTP_HEADER_VARY, token);
}

/* Smaller bodies are sent as they are: compressing them saves less than it costs. */
#define COMPRESS_MIN 512

enc_t srv_answer_coding(http_req_t *r, int status, const char *ctype, size_t len)
{
	if (status < 200 || status == 204 || status == 304 || len < COMPRESS_MIN || !encode_type_compressible(ctype))
		return ENC_IDENTITY;
	return encode_choose(http_header(r, MHD_HTTP_HEADER_ACCEPT_ENCODING), ENC_BIT(ENC_GZIP) | ENC_BIT(ENC_BR));
}

/* The reply for a body (new malloc'd memory, taken): compressed when the type is text or JSON
 * and the client accepts a coding, with Vary: Accept-Encoding on every answer whose body could
 * have been, and an entity tag set by the handler marked with the coding (each coded form is a
 * representation of its own). Event streams never come here (sse.c). */
static void reply_owned(http_req_t *r, int status, const char *ctype, char *data, size_t len)
{
	ctx_t *x = srv_ctx(r);
	bool varies = status >= 200 && status != 204 && status != 304 && encode_type_compressible(ctype);
	enc_t e = srv_answer_coding(r, status, ctype, len);
	char *packed;
	size_t plen;
	if (varies)
		srv_vary(r, "Accept-Encoding");
	if (e != ENC_IDENTITY && encode_compress(e, false, data, len, &packed, &plen) == 0) {
		free(data);
		data = packed;
		len = plen;
		http_add_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, encode_name(e));
		for (size_t i = 0; i < x->nhdrs; i++) {
			const char *v = x->hdrs[i].value;
			size_t n = strlen(v);
			if (strcasecmp(x->hdrs[i].name, MHD_HTTP_HEADER_ETAG) == 0 && n >= 2 && v[n - 1] == '"')
				x->hdrs[i].value =
					arena_printf(r->arena, "%.*s%s\"", (int)(n - 1), v, encode_etag_suffix(e));
		}
	}
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	x->resp_bytes = len;
	srv_set_response(x, status, resp, ctype);
}

void http_reply_bytes(http_req_t *r, int status, const char *ctype, const void *data, size_t len)
{
	char *copy = xmalloc(len ? len : 1);
	if (len)
		memcpy(copy, data, len);
	reply_owned(r, status, ctype, copy, len);
}

void srv_reply_static(http_req_t *r, int status, const char *ctype, const char *coding, const void *data, size_t len)
{
	/* The static files live until the process ends: no copy. */
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_PERSISTENT);
	if (coding)
		http_add_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, coding);
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
	reply_owned(r, status, ctype, data, len);
}

void http_reply_json(http_req_t *r, int status, json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(body);
	reply_owned(r, status, "application/json; charset=utf-8", s, strlen(s));
}

void http_reply_redirect(http_req_t *r, const char *location)
{
	http_add_header(r, MHD_HTTP_HEADER_LOCATION, location);
	http_add_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	http_reply_bytes(r, 303, "text/plain; charset=utf-8", "", 0);
}

/* The language switcher: the languages offered, each in its own name and direction, with the
 * current path and ?lang=xx. */
static json_t *lang_links(http_req_t *r)
{
	json_t *a = json_array();
	for (int i = 0; i < i18n_count(); i++) {
		const char *code = i18n_lang(i);
		json_array_append_new(a, jpack("{s:s,s:s,s:s,s:s,s:s,s:b}", "code", code, "tag", i18n_tag(code), "dir",
					       i18n_dir(code), "label", i18n_name(code), "url",
					       arena_printf(r->arena, "%s?lang=%s", r->path, code), "current",
					       strcmp(r->lang, code) == 0));
	}
	return a;
}

static json_t *srv_common_model(http_req_t *r)
{
	json_t *m = json_object();
	json_object_set_new(m, "lang", json_string(r->lang));
	json_object_set_new(m, "lang_tag", json_string(i18n_tag(r->lang)));
	json_object_set_new(m, "dir", json_string(i18n_dir(r->lang)));
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
			  http_t(r, status == 404 ? "err_not_found_title" : "err_title"));
	http_reply_page(r, status, "errors/error", m);
}
