#include "http/core.h"

#include "app.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "bus/bus.h"
#include "db/db.h"
#include "http/http.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "http/statics.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void healthz(http_req_t *r)
{
	db_t *db = r->app->db;
	bool ok = db_ping(db);
	http_add_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	http_reply_json(r, ok ? 200 : 503,
			jpack("{s:s,s:{s:s,s:b}}", "status", ok ? "ok" : "unavailable", "storage", "backend",
			      db_kind(db) == DB_POSTGRES ? "postgresql" : "sqlite", "ok", ok));
}

static void metrics(http_req_t *r)
{
	buf_t b;
	buf_init(&b, 16 << 20);
	if (metrics_write(&b, db_error_count(r->app->db))) {
		buf_free(&b);
		http_reply_error(r, 500, "internal", "err_internal", NULL);
		return;
	}
	http_add_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	http_reply_text(r, 200, "text/plain; version=0.0.4; charset=utf-8", buf_str(&b), b.len);
	buf_free(&b);
}

/* One static file in the form the client accepts best (precompressed at start: statics.c),
 * with that form's entity tag; 304 when the client's copy is that form, unchanged. */
static void send_static(http_req_t *r, const static_file_t *f, const char *cache_control)
{
	enc_t e = encode_choose(http_header(r, MHD_HTTP_HEADER_ACCEPT_ENCODING), f->codings);
	const static_form_t *v = &f->form[e];
	char lm[64];
	struct tm tm;
	gmtime_r(&f->mtime, &tm);
	strftime(lm, sizeof lm, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	http_add_header(r, MHD_HTTP_HEADER_ETAG, v->etag);
	http_add_header(r, MHD_HTTP_HEADER_LAST_MODIFIED, lm);
	http_add_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache_control);
	if (f->compressible)
		srv_vary(r, "Accept-Encoding");
	const char *inm = http_header(r, MHD_HTTP_HEADER_IF_NONE_MATCH);
	const char *ims = http_header(r, MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
	bool fresh = false;
	if (inm)
		fresh = srv_etag_matches(inm, v->etag);
	else if (ims) {
		struct tm t2 = {0};
		const char *end = strptime(ims, "%a, %d %b %Y %H:%M:%S GMT", &t2);
		fresh = end && timegm(&t2) >= f->mtime;
	}
	if (fresh)
		http_reply_bytes(r, 304, NULL, "", 0);
	else
		srv_reply_static(r, 200, f->ctype, encode_name(e), v->data, v->size);
}

static void static_file(http_req_t *r)
{
	const char *name = http_param(r, "*");
	static_file_t f;
	/* Only names loaded at start exist, so "..", "%2e%2e" or NUL can never reach the disk. */
	if (!name || !statics_find(r->app->statics, name, &f)) {
		http_reply_error(r, 404, "not_found", "err_not_found", NULL);
		return;
	}
	send_static(r, &f, f.fingerprinted ? "public, max-age=31536000, immutable" : "no-cache");
}

/* Browsers ask for /favicon.ico on their own; answer with the icon rather than a 404. */
static void favicon(http_req_t *r)
{
	static_file_t f;
	if (!statics_find(r->app->statics, "favicon.svg", &f)) {
		http_reply_error(r, 404, "not_found", "err_not_found", NULL);
		return;
	}
	send_static(r, &f, "public, max-age=86400");
}

static void events(http_req_t *r)
{
	const char *topic = http_query(r, "topic");
	if (!topic || !bus_topic_valid(topic)) {
		http_reply_error(r, 400, "bad_topic", "err_bad_topic", NULL);
		return;
	}
	/* Who may listen is the business of the capability that publishes (bus_topics_add). */
	unsigned roles = bus_topic_roles(topic);
	if (roles) {
		if (!r->user) {
			http_reply_error(r, 401, "unauthorized", "err_unauthorized", NULL);
			return;
		}
		if (!(r->user->role & roles)) {
			http_reply_error(r, 403, "forbidden", "err_forbidden", NULL);
			return;
		}
	}
	http_reply_events(r, topic);
}

static void publish(http_req_t *r)
{
	const char *topic = NULL, *type = NULL;
	json_t *data = NULL;
	if (!json_is_object(r->json) ||
	    json_unpack(r->json, "{s:s,s:s,s?o}", "topic", &topic, "type", &type, "data", &data) ||
	    !bus_topic_valid(topic) || !bus_topic_valid(type)) {
		http_reply_error(r, 422, "invalid", "err_bad_event", NULL);
		return;
	}
	int64_t id = 0;
	int rc = bus_publish(r->app->bus, topic, type, data, &id);
	if (rc == ERR_TOO_BIG) {
		http_reply_error(r, 413, "too_big", "err_too_big", NULL);
		return;
	}
	if (rc && rc != ERR_DB) {
		http_reply_error(r, 422, "invalid", "err_bad_event", NULL);
		return;
	}
	http_reply_json(r, 202, jpack("{s:I,s:b}", "id", (json_int_t)id, "relayed", rc == 0));
}

static void home(http_req_t *r)
{
	http_reply_page(r, 200, "home/index", NULL);
}

const http_route_t core_routes[] = {
	{HTTP_GET, "/", home, 0, 0},
	{HTTP_GET, "/healthz", healthz, RT_API | RT_NO_SESSION, 0},
	{HTTP_GET, "/metrics", metrics, RT_NO_SESSION, 0},
	{HTTP_GET, "/static/{*}", static_file, RT_NO_SESSION, 0},
	{HTTP_GET, "/favicon.ico", favicon, RT_NO_SESSION, 0},
	{HTTP_GET, "/events", events, 0, 0},
	{HTTP_POST, "/api/v1/events", publish, RT_JSON, ROLE_ADMIN | ROLE_COORDINATOR},
	{0},
};
