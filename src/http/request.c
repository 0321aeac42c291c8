/* request.c — reading one request: the accessors handlers use, its head (method, client address,
 * query, cookies, language), its body taken in under caps (url-encoded, JSON or multipart), and
 * the guards in front of every route (session, roles, CSRF, the storage connection) before the
 * handler runs. server.c calls these from libmicrohttpd's callbacks. */
#include "http/server.h"

#include "app.h"
#include "base/err.h"
#include "base/log.h"
#include "base/netaddr.h"
#include "base/str.h"
#include "db/db.h"
#include "http/router.h"
#include "view/i18n.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* ---------------------------------------------------------------- request accessors */

const char *http_header(http_req_t *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *http_query(http_req_t *r, const char *name)
{
	return kv_get(&r->query, name);
}

const char *http_form(http_req_t *r, const char *name)
{
	return kv_get(&r->form, name);
}

const char *http_param(http_req_t *r, const char *name)
{
	return kv_get(&r->params, name);
}

const char *http_t(http_req_t *r, const char *key)
{
	return i18n_get(r->lang, key);
}

void http_set_guard(const http_guard_t *g)
{
	srv.guard = g;
}

const char *http_csrf_token(http_req_t *r)
{
	return srv.guard ? srv.guard->csrf_token(r) : "";
}

bool http_csrf_ok(http_req_t *r)
{
	return srv.guard && srv.guard->csrf_ok(r);
}

struct db_conn *http_db(http_req_t *r)
{
	ctx_t *x = srv_ctx(r);
	if (!x->dbc)
		x->dbc = db_acquire(r->app->db);
	return x->dbc;
}

void srv_release_db(ctx_t *x)
{
	if (x->dbc) {
		db_release(x->dbc);
		x->dbc = NULL;
		x->r.db = NULL;
	}
}

/* ---------------------------------------------------------------- request intake */

http_method_t srv_method_parse(const char *m)
{
	static const struct {
		const char *name;
		http_method_t m;
	} ms[] = {{"GET", HTTP_GET},       {"HEAD", HTTP_HEAD},   {"POST", HTTP_POST},      {"PUT", HTTP_PUT},
		  {"DELETE", HTTP_DELETE}, {"PATCH", HTTP_PATCH}, {"OPTIONS", HTTP_OPTIONS}};
	for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++)
		if (strcmp(m, ms[i].name) == 0)
			return ms[i].m;
	return 0;
}

const char *srv_method_label(http_method_t m)
{
	switch (m) {
	case HTTP_GET: return "GET";
	case HTTP_HEAD: return "HEAD";
	case HTTP_POST: return "POST";
	case HTTP_PUT: return "PUT";
	case HTTP_DELETE: return "DELETE";
	case HTTP_PATCH: return "PATCH";
	case HTTP_OPTIONS: return "OPTIONS";
	}
	return "OTHER";
}

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	http_req_t *r = cls;
	const char *v = value ? value : "";
	if (r->query.n >= srv.max_fields)
		return MHD_NO;
	kv_add(r->arena, &r->query, arena_strdup(r->arena, key), arena_strdup(r->arena, v), strlen(v));
	return MHD_YES;
}

const char *srv_client_ip(struct MHD_Connection *c, http_req_t *r)
{
	if (srv.trust_proxy) {
		const char *xff = http_header(r, "X-Forwarded-For");
		if (xff && *xff) {
			const char *last = strrchr(xff, ',');
			char *ip = arena_strdup(r->arena, last ? last + 1 : xff);
			return str_trim(ip);
		}
	}
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char buf[INET6_ADDRSTRLEN] = "unknown";
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, sizeof buf);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, sizeof buf);
	}
	return arena_strdup(r->arena, buf);
}

/* The request's client for the limits: its address, or its IPv6 /64. */
const char *srv_client_key(http_req_t *r)
{
	char key[NETADDR_KEY_MAX];
	return arena_strdup(r->arena, netaddr_key(r->client_ip, key));
}

/* Another application on the same host may set a cookie we would call malformed; the browser
 * sends it to us too. Rather than lose our own cookies with it, keep every pair that parses. */
static void take_cookies(http_req_t *r, const char *header)
{
	size_t n = strlen(header);
	if (parse_cookies(r->arena, header, n, 64, &r->cookies) != ERR_INVALID)
		return;
	const char *p = header, *end = header + n;
	while (p < end && r->cookies.n < 64) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		size_t len = semi ? (size_t)(semi - p) : (size_t)(end - p);
		parse_cookies(r->arena, p, len, 64 - r->cookies.n, &r->cookies);
		p += len + 1;
	}
}

static bool ctype_is(const char *ct, const char *want)
{
	if (!ct)
		return false;
	size_t n = strlen(want);
	return strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

void srv_body_fail(ctx_t *x, int status, const char *code, const char *msg)
{
	if (!x->body_status) {
		x->body_status = status;
		x->body_code = code;
		x->body_msg = msg;
	}
}

/* Decides how the body will be taken in; called once before the first byte arrives. */
void srv_body_setup(ctx_t *x)
{
	http_req_t *r = &x->r;
	const http_route_t *rt = r->rt;
	const char *ct = http_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	const char *cl = http_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
	size_t cap = srv.max_body;
	if (rt && (rt->flags & RT_MULTIPART) && ctype_is(ct, "multipart/form-data")) {
		cap = srv.max_upload;
		multipart_limits_t lim = {.max_parts = srv.max_fields,
					  .max_field_bytes = srv.max_body,
					  .max_file_bytes = srv.max_upload,
					  .max_total_bytes = srv.max_upload,
					  .max_header_bytes = 8192};
		x->mp = multipart_new(r->arena, ct, &lim);
		if (!x->mp)
			srv_body_fail(x, 400, "bad_multipart", "err_bad_multipart");
	}
	int64_t len;
	if (cl && str_to_i64(cl, 0, INT64_MAX, &len) == 0 && (uint64_t)len > cap)
		srv_body_fail(x, 413, "too_big", "err_too_big");
	buf_init(&x->body, cap);
}

void srv_body_feed(ctx_t *x, const char *data, size_t n)
{
	if (x->body_status)
		return;
	if (x->mp) {
		int rc = multipart_feed(x->mp, data, n);
		if (rc == ERR_TOO_BIG)
			srv_body_fail(x, 413, "too_big", "err_too_big");
		else if (rc)
			srv_body_fail(x, 400, "bad_multipart", "err_bad_multipart");
		return;
	}
	if (buf_append(&x->body, data, n))
		srv_body_fail(x, 413, "too_big", "err_too_big");
}

/* Parses the complete body by the route's declared kind. */
void srv_body_finish(ctx_t *x)
{
	http_req_t *r = &x->r;
	const http_route_t *rt = r->rt;
	if (x->body_status || !rt)
		return;
	const char *ct = http_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (x->mp) {
		int rc = multipart_finish(x->mp);
		if (rc) {
			srv_body_fail(x, rc == ERR_TOO_BIG ? 413 : 400, rc == ERR_TOO_BIG ? "too_big" : "bad_multipart",
				      rc == ERR_TOO_BIG ? "err_too_big" : "err_bad_multipart");
			return;
		}
		r->form = *multipart_fields(x->mp);
		r->files = multipart_files(x->mp);
		return;
	}
	if (x->body.len == 0 && !(rt->flags & RT_JSON))
		return;
	if (x->body.len == 0 && (rt->flags & RT_JSON) && !(r->method & (HTTP_POST | HTTP_PUT | HTTP_PATCH)))
		return;
	if ((rt->flags & RT_JSON) && (ctype_is(ct, "application/json") || !(rt->flags & (RT_FORM | RT_MULTIPART)))) {
		if (!ctype_is(ct, "application/json")) {
			srv_body_fail(x, 415, "unsupported_media_type", "err_media_type");
			return;
		}
		json_error_t e;
		r->json = json_loadb(x->body.data ? x->body.data : "", x->body.len, JSON_REJECT_DUPLICATES, &e);
		if (!r->json)
			srv_body_fail(x, 400, "bad_json", "err_bad_json");
		return;
	}
	if (rt->flags & (RT_FORM | RT_MULTIPART)) {
		if (!ctype_is(ct, "application/x-www-form-urlencoded")) {
			srv_body_fail(x, 415, "unsupported_media_type", "err_media_type");
			return;
		}
		int rc = parse_urlencoded(r->arena, buf_str(&x->body), x->body.len, srv.max_fields, &r->form);
		if (rc == ERR_TOO_BIG)
			srv_body_fail(x, 413, "too_big", "err_too_big");
		else if (rc)
			srv_body_fail(x, 400, "bad_form", "err_bad_form");
	}
	/* Bodies sent to routes that take none are ignored. */
}

static void negotiate_language(http_req_t *r)
{
	const char *q = http_query(r, "lang");
	const char *c = kv_get(&r->cookies, "lang");
	const char *accepted[16];
	int n = parse_accept_language(http_header(r, "Accept-Language"), accepted, 16, r->arena);
	r->lang = i18n_negotiate(q, c, accepted, n);
	r->t = i18n_catalog(r->lang);
	/* Pages remember the choice; API answers may be cached by shared proxies, which do not
	 * store responses that set cookies, so they say what they vary on instead. */
	if (r->api)
		http_add_header(r, MHD_HTTP_HEADER_VARY, "Accept-Language, Cookie");
	else if (q && i18n_supported(q) && !str_eq(q, c))
		http_set_cookie(r, "lang", q, 31536000, 0);
}

void srv_read_head(ctx_t *x)
{
	http_req_t *r = &x->r;
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect_query, r);
	const char *cookie = http_header(r, MHD_HTTP_HEADER_COOKIE);
	if (cookie)
		take_cookies(r, cookie);
	negotiate_language(r);
}

/* A handler's end: a reply, or work offloaded (http_offload) whose `then` will reply. */
static void must_reply(ctx_t *x)
{
	http_req_t *r = &x->r;
	if (!r->replied && !x->job) {
		log_error("handler for %s %s gave no reply", srv_method_label(r->method), r->rt->pattern);
		http_reply_error(r, 500, "internal", "err_internal", NULL);
	}
}

/* The guards and the handler; always ends with a reply (or an offload). */
static void dispatch_guarded(ctx_t *x, route_result_t rr, unsigned allowed)
{
	http_req_t *r = &x->r;
	if (rr == ROUTE_NO_PATH) {
		http_reply_error(r, 404, "not_found", "err_not_found", NULL);
		return;
	}
	if (rr == ROUTE_NO_METHOD) {
		char allow[96];
		router_allow_header(allowed, allow, sizeof allow);
		http_add_header(r, MHD_HTTP_HEADER_ALLOW, allow);
		http_reply_error(r, 405, "method_not_allowed", "err_method", NULL);
		return;
	}
	/* A body past its cap stopped being read: answer that before anything else. */
	if (x->body_status == 413) {
		http_reply_error(r, x->body_status, x->body_code, x->body_msg, NULL);
		return;
	}
	const http_route_t *rt = r->rt;
	if (!(rt->flags & RT_NO_SESSION) && srv.guard && srv.guard->identify(r) == ERR_UNAVAILABLE) {
		http_reply_error(r, 503, "unavailable", "err_unavailable", NULL);
		return;
	}
	if (rt->roles) {
		if (!r->user) {
			if (r->api) {
				http_reply_error(r, 401, "unauthorized", "err_unauthorized", NULL);
			} else {
				char *next = arena_printf(r->arena, "/login?next=%s", r->path);
				http_reply_redirect(r, next);
			}
			return;
		}
		if (!(r->user->role & rt->roles)) {
			http_reply_error(r, 403, "forbidden", "err_forbidden", NULL);
			return;
		}
	}
	if (x->body_status) {
		http_reply_error(r, x->body_status, x->body_code, x->body_msg, NULL);
		return;
	}
	bool unsafe = !(r->method & (HTTP_GET | HTTP_HEAD | HTTP_OPTIONS));
	if (unsafe && !(rt->flags & RT_NO_CSRF) && !(r->user && r->user->bearer) && !http_csrf_ok(r)) {
		http_reply_error(r, 403, "csrf", "err_csrf", NULL);
		return;
	}
	if ((rt->flags & RT_DB) && !(r->db = http_db(r))) {
		http_reply_error(r, 503, "unavailable", "err_unavailable", NULL);
		return;
	}
	rt->fn(r);
	must_reply(x);
}

/* The fault injection (server.fault_injection, X-Fault-Db-Call: N) counts a request's database
 * calls across its offloads: disarmed while the connection is parked (its worker serves others
 * meanwhile), armed again for what is left when `then` runs; the answer says how many calls there
 * were and whether the fault fired. */
static void fault_pause(ctx_t *x)
{
	int64_t calls;
	x->fault_fired |= db_fault_disarm(&calls);
	x->fault_calls += calls;
	if (x->job || !x->resp)
		return;
	MHD_add_response_header(x->resp, "X-Fault-Db-Calls",
				arena_printf(x->r.arena, "%lld", (long long)x->fault_calls));
	MHD_add_response_header(x->resp, "X-Fault-Db", x->fault_fired ? "fired" : "unfired");
}

void srv_dispatch(ctx_t *x, route_result_t rr, unsigned allowed)
{
	http_req_t *r = &x->r;
	const char *want = srv.fault_injection ? http_header(r, "X-Fault-Db-Call") : NULL;
	int64_t n;
	if (!want || str_to_i64(want, 0, INT64_MAX, &n)) {
		dispatch_guarded(x, rr, allowed);
		return;
	}
	x->faulting = true;
	x->fault_at = n;
	db_fault_arm(n);
	dispatch_guarded(x, rr, allowed);
	fault_pause(x);
}

void srv_dispatch_then(ctx_t *x)
{
	if (x->faulting) /* 0 never fires: the one chosen has (or it is past the count) */
		db_fault_arm(x->fault_fired ? 0 : x->fault_at - x->fault_calls);
	http_req_t *r = &x->r;
	if ((r->rt->flags & RT_DB) && !(r->db = http_db(r))) {
		srv_offload_drop(x);
		http_reply_error(r, 503, "unavailable", "err_unavailable", NULL);
	} else {
		srv_offload_then(x);
	}
	must_reply(x);
	if (x->faulting)
		fault_pause(x);
}
