/* server.c — the HTTP core on libmicrohttpd: request lifecycle, body intake with caps, the
 * guards in front of every route (language, session, roles, CSRF), replies with security headers,
 * Server-Sent Events with suspend/resume, the access log, and graceful shutdown. */
#include "http/server.h"

#include "app.h"
#include "base/config.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/netaddr.h"
#include "base/str.h"
#include "bus/bus.h"
#include "db/db.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/statics.h"
#include "view/i18n.h"
#include "view/view.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The one running server (a process serves once). */
static app_t *g_app;
static struct MHD_Daemon *g_daemon;
static atomic_int g_inflight;
srv_settings_t srv;
gauge_t *srv_streams;
/* Requests in progress per forwarded client address (behind a proxy, where every connection
 * comes from the proxy and conn.c cannot count per client). */
static gauge_t *g_requests;
/* What the URI callback returns for a request target over its limits (answered 414). */
static char uri_over;

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

static http_method_t parse_method(const char *m)
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

static const char *method_label(http_method_t m)
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

static const char *client_ip(struct MHD_Connection *c, http_req_t *r)
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
static const char *client_key(http_req_t *r)
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

static void body_fail(ctx_t *x, int status, const char *code, const char *msg)
{
	if (!x->body_status) {
		x->body_status = status;
		x->body_code = code;
		x->body_msg = msg;
	}
}

/* Decides how the body will be taken in; called once before the first byte arrives. */
static void body_setup(ctx_t *x)
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
			body_fail(x, 400, "bad_multipart", "err_bad_multipart");
	}
	int64_t len;
	if (cl && str_to_i64(cl, 0, INT64_MAX, &len) == 0 && (uint64_t)len > cap)
		body_fail(x, 413, "too_big", "err_too_big");
	buf_init(&x->body, cap);
}

static void body_feed(ctx_t *x, const char *data, size_t n)
{
	if (x->body_status)
		return;
	if (x->mp) {
		int rc = multipart_feed(x->mp, data, n);
		if (rc == ERR_TOO_BIG)
			body_fail(x, 413, "too_big", "err_too_big");
		else if (rc)
			body_fail(x, 400, "bad_multipart", "err_bad_multipart");
		return;
	}
	if (buf_append(&x->body, data, n))
		body_fail(x, 413, "too_big", "err_too_big");
}

/* Parses the complete body by the route's declared kind. */
static void body_finish(ctx_t *x)
{
	http_req_t *r = &x->r;
	const http_route_t *rt = r->rt;
	if (x->body_status || !rt)
		return;
	const char *ct = http_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (x->mp) {
		int rc = multipart_finish(x->mp);
		if (rc) {
			body_fail(x, rc == ERR_TOO_BIG ? 413 : 400, rc == ERR_TOO_BIG ? "too_big" : "bad_multipart",
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
			body_fail(x, 415, "unsupported_media_type", "err_media_type");
			return;
		}
		json_error_t e;
		r->json = json_loadb(x->body.data ? x->body.data : "", x->body.len, JSON_REJECT_DUPLICATES, &e);
		if (!r->json)
			body_fail(x, 400, "bad_json", "err_bad_json");
		return;
	}
	if (rt->flags & (RT_FORM | RT_MULTIPART)) {
		if (!ctype_is(ct, "application/x-www-form-urlencoded")) {
			body_fail(x, 415, "unsupported_media_type", "err_media_type");
			return;
		}
		int rc = parse_urlencoded(r->arena, buf_str(&x->body), x->body.len, srv.max_fields, &r->form);
		if (rc == ERR_TOO_BIG)
			body_fail(x, 413, "too_big", "err_too_big");
		else if (rc)
			body_fail(x, 400, "bad_form", "err_bad_form");
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

/* The guards and the handler; always ends with a reply. */
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
	if (!r->replied) {
		log_error("handler for %s %s gave no reply", method_label(r->method), r->rt->pattern);
		http_reply_error(r, 500, "internal", "err_internal", NULL);
	}
}

/* dispatch_guarded, with the n-th database call made to fail when the test suite asks for it
 * (server.fault_injection, X-Fault-Db-Call: N); the answer says how many calls there were and
 * whether the fault fired. */
static void dispatch(ctx_t *x, route_result_t rr, unsigned allowed)
{
	http_req_t *r = &x->r;
	const char *want = srv.fault_injection ? http_header(r, "X-Fault-Db-Call") : NULL;
	int64_t n;
	if (!want || str_to_i64(want, 0, INT64_MAX, &n)) {
		dispatch_guarded(x, rr, allowed);
		return;
	}
	db_fault_arm(n);
	dispatch_guarded(x, rr, allowed);
	int64_t calls;
	bool fired = db_fault_disarm(&calls);
	if (x->resp) {
		MHD_add_response_header(x->resp, "X-Fault-Db-Calls", arena_printf(r->arena, "%lld", (long long)calls));
		MHD_add_response_header(x->resp, "X-Fault-Db", fired ? "fired" : "unfired");
	}
}

/* The request's context, made when its headers are in. */
static ctx_t *request_new(struct MHD_Connection *c, const char *url, const char *method)
{
	arena_t *a = arena_new();
	ctx_t *x = arena_alloc(a, sizeof *x);
	atomic_fetch_add(&g_inflight, 1);
	clock_gettime(CLOCK_MONOTONIC, &x->t0);
	http_req_t *r = &x->r;
	r->arena = a;
	r->app = g_app;
	r->conn = c;
	r->method = parse_method(method);
	x->method_name = method_label(r->method);
	x->conn = conn_of(c);
	r->route = "other";
	r->path = arena_strdup(a, url);
	r->api = str_starts(url, "/api/");
	r->client_ip = client_ip(c, r);
	r->client_key = client_key(r);
	return x;
}

/* Reads the rest of the request's head (query, cookies, language) and routes it. ROUTE_FOUND
 * with the body set up, or what to answer (an early answer sets x->body_status). */
static route_result_t request_route(ctx_t *x, const char *url, unsigned *allowed, bool uri_too_long)
{
	http_req_t *r = &x->r;
	arena_t *a = r->arena;
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect_query, r);
	const char *cookie = http_header(r, MHD_HTTP_HEADER_COOKIE);
	if (cookie)
		take_cookies(r, cookie);
	negotiate_language(r);
	route_result_t rr = ROUTE_NO_PATH;
	if (!str_valid_utf8(url, strlen(url))) {
		rr = ROUTE_NO_PATH;
	} else if (r->method) {
		rr = router_match(a, r->method, url, &r->rt, &r->params, allowed);
	} else {
		rr = ROUTE_NO_METHOD;
		*allowed = HTTP_GET | HTTP_HEAD;
		router_match(a, HTTP_GET, url, &r->rt, &r->params, allowed);
	}
	if (rr == ROUTE_FOUND) {
		r->route = r->rt->pattern;
		if (r->rt->flags & RT_API)
			r->api = true;
	}
	if (uri_too_long) {
		/* Answered at once, before the body: libmicrohttpd then closes the connection. */
		body_fail(x, 414, "uri_too_long", "err_uri_too_long");
		return rr;
	}
	if (srv.trust_proxy && !(x->in_flight = gauge_take(g_requests, r->client_key, srv.per_address))) {
		http_add_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "5");
		body_fail(x, 503, "too_many_connections", "err_too_many_connections");
		metrics_refused("connections_per_address");
		return rr;
	}
	if (rr == ROUTE_FOUND)
		body_setup(x);
	return rr;
}

/* Sends the reply dispatch made. */
static enum MHD_Result queue(ctx_t *x)
{
	if (!conn_body_in(x->conn))
		return MHD_NO; /* the watchdog answered 408 first */
	return MHD_queue_response(x->r.conn, (unsigned)x->status, x->resp);
}

/* An over-limit body: the error written on the socket now, the rest of the body dropped. */
static void answer_now(ctx_t *x)
{
	if (!x->conn || x->r.replied)
		return;
	x->direct = true;
	http_reply_error(&x->r, x->body_status, x->body_code, x->body_msg, NULL);
	x->direct = false;
}

/* The first call, when the headers are in: route, and answer at once what cannot wait. */
static enum MHD_Result request_start(struct MHD_Connection *c, const char *url, const char *method, void **con_cls)
{
	bool uri_too_long = *con_cls == &uri_over;
	ctx_t *x = request_new(c, url, method);
	*con_cls = x;
	if (!conn_headers_in(x->conn))
		return MHD_NO; /* the watchdog answered 408 first */
	unsigned allowed = 0;
	route_result_t rr = request_route(x, url, &allowed, uri_too_long);
	if (rr == ROUTE_FOUND && !x->body_status)
		return MHD_YES; /* wait for the body (or its absence) */
	if (x->body_status == 414 || x->body_status == 503) {
		http_add_header(&x->r, MHD_HTTP_HEADER_CONNECTION, "close");
		http_reply_error(&x->r, x->body_status, x->body_code, x->body_msg, NULL);
		return queue(x);
	}
	if (rr != ROUTE_FOUND) {
		/* 404 and 405 are answered after the (discarded) body, not now: a reply queued
		 * before libmicrohttpd has read the body forces it to close the connection. */
		x->r.rt = NULL;
		x->early = rr;
		x->early_allowed = allowed;
		body_fail(x, rr == ROUTE_NO_METHOD ? 405 : 404, "", "");
		return MHD_YES;
	}
	/* The declared length is past the cap: answer now without reading the body. */
	dispatch(x, rr, allowed);
	return queue(x);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	ctx_t *x = *con_cls;
	if (!x || *con_cls == &uri_over)
		return request_start(c, url, method, con_cls);
	if (x->r.replied) {
		/* What a client still sends after the answer. An answer queued early makes
		 * libmicrohttpd drop it itself; after one written on the socket, the body is drained
		 * (bounded) and the connection closed at its end. */
		bool end = *upload_size == 0;
		x->discarded += *upload_size;
		*upload_size = 0;
		if (conn_answered(x->conn))
			return end || x->discarded > DISCARD_MAX ? MHD_NO : MHD_YES;
		return MHD_YES;
	}
	if (*upload_size) {
		if (x->body_status) {
			/* libmicrohttpd cannot answer in the middle of a body: drain it (bounded) and
			 * answer at its end; a client that keeps sending past the bound is cut off. */
			x->discarded += *upload_size;
			*upload_size = 0;
			return x->discarded > DISCARD_MAX ? MHD_NO : MHD_YES;
		}
		body_feed(x, upload, *upload_size);
		*upload_size = 0;
		/* Over its cap: answered on the socket now, not after the rest of the body. */
		if (x->body_status && !x->early)
			answer_now(x);
		return MHD_YES;
	}
	if (x->early) {
		dispatch(x, x->early, x->early_allowed);
	} else {
		body_finish(x);
		dispatch(x, ROUTE_FOUND, 0);
	}
	return queue(x);
}

/* A request target over limits.max_url or with more than limits.max_fields parameters is
 * answered 414. libmicrohttpd parses the query into its connection's memory before the handler
 * runs, and a few hundred parameters exhaust it so that no answer goes out at all: so the query
 * is cut here, before that parse, and the request marked. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	(void)c;
	char *q = strchr(uri, '?');
	bool over = strlen(uri) > srv.max_url;
	size_t fields = 1;
	for (char *p = q; p && *p && !over; p++)
		if (*p == '&' && ++fields > srv.max_fields) {
			over = true;
			*p = '\0'; /* libmicrohttpd's buffer: the parse after this callback stops here */
		}
	if (over && q)
		q[1] = '\0';
	return over ? &uri_over : NULL;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	ctx_t *x = *con_cls;
	if (!x || x == (void *)&uri_over) {
		*con_cls = NULL;
		return;
	}
	*con_cls = NULL;
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - x->t0.tv_sec) + (double)(t1.tv_nsec - x->t0.tv_nsec) / 1e9;
	http_req_t *r = &x->r;
	int status = x->status ? x->status : 499;
	metrics_request(r->route, x->method_name, status, secs);
	if (srv.access_log)
		log_info("access %s \"%s %s\" %d %zu %.1fms%s%s", r->client_ip, x->method_name, r->path, status,
			 x->resp_bytes, secs * 1000.0, r->user ? " user=" : "", r->user ? r->user->email : "");
	if (x->in_flight)
		gauge_give(g_requests, r->client_key);
	conn_request_over(x->conn);
	srv_release_db(x);
	if (x->resp)
		MHD_destroy_response(x->resp);
	json_decref(r->json);
	buf_free(&x->body);
	arena_free(r->arena);
	atomic_fetch_sub(&g_inflight, 1);
}

/* Decodes %XX in the path and query, except %00: a NUL would cut the C string short and make
 * "/static/a.css%00.png" look like "/static/a.css". Left encoded, it matches nothing. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char *o = s;
	for (char *p = s; *p; p++) {
		if (p[0] == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2]) &&
		    !(p[1] == '0' && p[2] == '0')) {
			char hex[3] = {p[1], p[2], 0};
			*o++ = (char)strtol(hex, NULL, 16);
			p += 2;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return (size_t)(o - s);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	/* A client that goes away (a closed tab ending its event stream) is business as usual, and so
	 * is closing a connection whose answer conn.c wrote (the handler's MHD_NO). */
	if (strstr(msg, "no longer available for sending") || strstr(msg, "closed by remote peer") ||
	    strstr(msg, "Application reported internal error"))
		log_info("httpd: client left: %s", msg);
	else
		log_warn("httpd: %s", msg);
}

/* "127.0.0.1:8080" or "[::1]:8080" → sockaddr. */
static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof *ss);
	const char *colon = strrchr(s, ':');
	if (!colon)
		return ERR_INVALID;
	int64_t port;
	if (str_to_i64(colon + 1, 1, 65535, &port))
		return ERR_INVALID;
	char host[64];
	size_t hl = (size_t)(colon - s);
	if (hl >= sizeof host)
		return ERR_INVALID;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (host[0] == '[' && hl >= 2 && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
			return ERR_INVALID;
		*len = sizeof *a6;
		return AF_INET6;
	}
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
		return ERR_INVALID;
	*len = sizeof *a4;
	return AF_INET;
}

/* A quarter of the connections, overall and per address, is kept for ordinary requests: the
 * event stream caps are lowered to three quarters of the connection caps when set higher. */
static int64_t stream_cap(const config_t *cfg, const char *key, int64_t connections)
{
	int64_t want = config_int(cfg, key), reserve = connections / 4;
	if (reserve < 1 && connections > 1)
		reserve = 1;
	int64_t most = connections - reserve;
	if (want > most) {
		log_warn("%s = %lld leaves no room for ordinary requests among %lld connections; using %lld", key,
			 (long long)want, (long long)connections, (long long)most);
		return most;
	}
	return want;
}

static void stream_caps(const config_t *cfg)
{
	srv.per_address = (int)config_int(cfg, "server.connections_per_address");
	srv.max_sse = stream_cap(cfg, "limits.max_sse", config_int(cfg, "server.connection_limit"));
	srv.sse_per_address = (int)stream_cap(cfg, "limits.max_sse_per_address", srv.per_address);
}

/* The 408 the watchdog writes: before the request's headers are in there is no language to pick,
 * so the message is in every language. Static: the watchdog borrows it. */
static const char *timeout_answer(void)
{
	static char msg[2048];
	buf_t body, m;
	buf_init(&body, 1024);
	buf_init(&m, sizeof msg - 1);
	for (int i = 0; i < I18N_NLANGS; i++)
		(void)buf_printf(&body, "%s\n", i18n_get(i18n_langs[i], "err_timeout")); /* a cut line is fine */
	int rc = buf_printf(&m, "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: %zu\r\n",
			    body.len);
	for (const hdr_t *h = srv_security_headers; !rc && h->name; h++)
		rc = buf_printf(&m, "%s: %s\r\n", h->name, h->value);
	if (!rc)
		rc = buf_printf(&m, "Content-Type: text/plain; charset=utf-8\r\n\r\n%s", buf_str(&body));
	snprintf(msg, sizeof msg, "%s",
		 rc ? "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n" : buf_str(&m));
	buf_free(&body);
	buf_free(&m);
	return msg;
}

static int start_conn(const config_t *cfg)
{
	conn_settings_t cs = {
		.per_socket = !srv.trust_proxy,
		.per_address = srv.per_address,
		.header_ms = config_int(cfg, "server.header_timeout") * 1000,
		.body_ms = config_int(cfg, "server.body_timeout") * 1000,
		.timeout_body = timeout_answer(),
	};
	srv_streams = gauge_new();
	g_requests = gauge_new();
	return conn_start(&cs);
}

int http_serve(app_t *app, void (*on_ready)(const char *url))
{
	g_app = app;
	config_t *cfg = app->cfg;
	srv.access_log = config_bool(cfg, "log.access");
	srv.trust_proxy = config_bool(cfg, "server.trust_proxy");
	srv.secure_cookies = config_bool(cfg, "server.secure_cookies");
	srv.fault_injection = config_bool(cfg, "server.fault_injection");
	srv.max_body = (size_t)config_int(cfg, "limits.max_body");
	srv.max_upload = (size_t)config_int(cfg, "limits.max_upload");
	srv.max_fields = (size_t)config_int(cfg, "limits.max_fields");
	srv.max_url = (size_t)config_int(cfg, "limits.max_url");
	srv.metrics_allow = config_str(cfg, "metrics.allow");
	srv.metrics_token = config_str(cfg, "metrics.token");
	stream_caps(cfg);

	const char *listen = config_str(cfg, "server.listen");
	struct sockaddr_storage ss;
	socklen_t sl;
	int fam = parse_listen(listen, &ss, &sl);
	if (fam < 0) {
		log_error("server.listen: cannot use '%s'", listen);
		return ERR_INVALID;
	}
	unsigned threads = (unsigned)config_int(cfg, "server.threads");
	if (threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 2;
	}

	/* Signals are taken by sigwait below; every thread started from here inherits the mask. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* A file size limit reached (a full quota) must fail the write, not kill the server. */
	signal(SIGXFSZ, SIG_IGN);
	if (start_conn(cfg)) {
		log_error("cannot start the connection watchdog");
		return ERR_IO;
	}

	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	if (fam == AF_INET6)
		flags |= MHD_USE_IPv6;
	g_daemon =
		MHD_start_daemon(flags, 0, conn_accept, NULL, on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, mhd_log,
				 NULL, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_URI_LOG_CALLBACK,
				 on_uri, NULL, MHD_OPTION_NOTIFY_CONNECTION, conn_notify, NULL, MHD_OPTION_SOCK_ADDR,
				 (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, threads,
				 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)config_int(cfg, "server.connection_timeout"),
				 MHD_OPTION_CONNECTION_LIMIT, (unsigned)config_int(cfg, "server.connection_limit"),
				 MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
				 MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SRV_CONN_MEMORY, MHD_OPTION_END);
	if (!g_daemon) {
		log_error("cannot listen on %s: %s", listen, strerror(errno));
		conn_stop();
		return ERR_IO;
	}
	bus_start_heartbeat(app->bus, (int)config_int(cfg, "events.heartbeat"));
	char url[128];
	snprintf(url, sizeof url, "http://%s", listen);
	log_info("listening on %s with %u worker threads", url, threads);
	if (on_ready)
		on_ready(url);

	int sig = 0;
	sigwait(&set, &sig);
	log_info("signal %d: shutting down", sig);
	MHD_socket lfd = MHD_quiesce_daemon(g_daemon);
	if (lfd != MHD_INVALID_SOCKET)
		close(lfd);
	bus_close_all(app->bus);
	for (int i = 0; i < 100 && atomic_load(&g_inflight) > 0; i++)
		usleep(100 * 1000);
	if (atomic_load(&g_inflight) > 0)
		log_warn("%d requests still open after 10 s; closing them", atomic_load(&g_inflight));
	conn_stop();
	MHD_stop_daemon(g_daemon);
	g_daemon = NULL;
	log_info("stopped");
	return 0;
}
