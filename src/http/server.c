/* server.c — the HTTP core on libmicrohttpd: the callbacks of a request's life (its first call,
 * its body, its completion), the request-target limits, the access log, start-up and graceful
 * shutdown. Reading a request (head, body, guards) is request.c; replies, reply.c; event
 * streams, sse.c. */
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

/* ---------------------------------------------------------------- request lifecycle */

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
	r->method = srv_method_parse(method);
	x->method_name = srv_method_label(r->method);
	x->conn = conn_of(c);
	r->route = "other";
	r->path = arena_strdup(a, url);
	r->api = str_starts(url, "/api/");
	r->client_ip = srv_client_ip(c, r);
	r->client_key = srv_client_key(r);
	return x;
}

/* Reads the rest of the request's head (query, cookies, language) and routes it. ROUTE_FOUND
 * with the body set up, or what to answer (an early answer sets x->body_status). */
static route_result_t request_route(ctx_t *x, const char *url, unsigned *allowed, bool uri_too_long)
{
	http_req_t *r = &x->r;
	arena_t *a = r->arena;
	srv_read_head(x);
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
		srv_body_fail(x, 414, "uri_too_long", "err_uri_too_long");
		return rr;
	}
	if (srv.trust_proxy && !(x->in_flight = gauge_take(g_requests, r->client_key, srv.per_address))) {
		http_add_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "5");
		srv_body_fail(x, 503, "too_many_connections", "err_too_many_connections");
		metrics_refused("connections_per_address");
		return rr;
	}
	if (rr == ROUTE_FOUND)
		srv_body_setup(x);
	return rr;
}

bool srv_body_in(ctx_t *x)
{
	if (!x->body_checked) {
		x->body_ok = conn_body_in(x->conn);
		x->body_checked = true;
	}
	return x->body_ok;
}

/* Sends the reply dispatch made; nothing while the handler's offloaded work runs. */
static enum MHD_Result queue(ctx_t *x)
{
	if (!srv_body_in(x))
		return MHD_NO; /* the watchdog answered 408 first */
	if (x->job)
		return MHD_YES; /* parked: resumed when the work is done */
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
		srv_body_fail(x, rr == ROUTE_NO_METHOD ? 405 : 404, "", "");
		return MHD_YES;
	}
	/* The declared length is past the cap: answer now without reading the body. */
	srv_dispatch(x, rr, allowed);
	return queue(x);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	ctx_t *x = *con_cls;
	if (!x || *con_cls == &uri_over)
		return request_start(c, url, method, con_cls);
	if (x->job) {
		/* Resumed: the offloaded work is done. */
		srv_dispatch_then(x);
		return queue(x);
	}
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
		srv_body_feed(x, upload, *upload_size);
		*upload_size = 0;
		/* Over its cap: answered on the socket now, not after the rest of the body. */
		if (x->body_status && !x->early)
			answer_now(x);
		return MHD_YES;
	}
	if (x->early) {
		srv_dispatch(x, x->early, x->early_allowed);
	} else {
		srv_body_finish(x);
		srv_dispatch(x, ROUTE_FOUND, 0);
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
	srv_offload_drop(x);
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
	if (srv_offload_start()) {
		log_error("cannot start the offload threads");
		srv_offload_stop();
		conn_stop();
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
		srv_offload_stop();
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
	/* Work still running ends and resumes its connections: libmicrohttpd will not stop with one
	 * suspended. */
	srv_offload_stop();
	conn_stop();
	MHD_stop_daemon(g_daemon);
	g_daemon = NULL;
	log_info("stopped");
	return 0;
}
