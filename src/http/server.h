/* server.h — what the files of the HTTP server share (server.c, request.c, reply.c, sse.c): the
 * state of one request beside its public part, the settings read at start, the steps of reading a
 * request and of a reply. Not for capabilities: they use http.h. */
#ifndef FIN_HTTP_SERVER_H
#define FIN_HTTP_SERVER_H

#include "base/buf.h"
#include "http/encode.h"
#include "http/conn.h"
#include "http/gauge.h"
#include "http/http.h"
#include "http/router.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct MHD_Response;
typedef struct offload_job offload_job_t;

#define SSE_QUEUE_MAX (256 * 1024)
/* Each connection's memory pool (request line and headers, the reply's headers): 24 KiB, most of
 * it resident for as long as the connection lives, so it is most of what an idle event stream
 * costs (docs/benchmarks.md). Request headers past about half of it are refused. */
#define SRV_CONN_MEMORY (24 * 1024)
/* The buffer libmicrohttpd keeps per event stream for what stream_read hands it: events are a few
 * hundred bytes, and a larger one goes out in several pieces. */
#define SSE_BLOCK 1024
/* Gives freed heap memory back to the system when many event streams have closed (memtrim.c);
 * open is how many are still open. */
void srv_streams_closed(int64_t open);
#define DISCARD_MAX ((size_t)16 << 20)

typedef struct {
	const char *name, *value;
} hdr_t;

typedef struct ctx {
	http_req_t r;
	buf_t body;
	multipart_t *mp;
	int body_status;       /* 0, or 400/413/415 decided while the body arrived */
	const char *body_code; /* error code for body_status */
	const char *body_msg;
	struct timespec t0;
	int status;
	struct MHD_Response *resp;
	size_t resp_bytes;
	hdr_t *hdrs;
	size_t nhdrs, caphdrs;
	struct db_conn *dbc;
	const char *method_name;
	size_t discarded;     /* body bytes dropped after an error */
	route_result_t early; /* ROUTE_NO_PATH / ROUTE_NO_METHOD, answered after the body */
	unsigned early_allowed;
	const char *audit[3]; /* http_tx_audit: action, target, detail (arena) */
	const char *csp_img;  /* http_allow: one more image origin (arena), or NULL */
	bool geolocation;     /* http_allow: the page may ask for the browser's location */
	conn_t *conn;         /* the connection's deadlines and direct answers (conn.h), or NULL */
	bool direct;          /* the reply is written at once on the socket (conn_answer_now) */
	bool in_flight;       /* counted in srv_requests (behind a proxy) */
	bool body_checked;    /* conn_body_in was asked (once): body_ok is its answer */
	bool body_ok;
	offload_job_t *job; /* http_offload: parked while this runs, then its `then` */
	bool faulting;      /* X-Fault-Db-Call: the n-th call fails, counted across offloads */
	bool fault_fired;
	int64_t fault_at, fault_calls;
} ctx_t;

/* The settings the server reads once at start (http_serve). */
typedef struct {
	bool access_log, trust_proxy, secure_cookies, fault_injection;
	size_t max_body, max_upload, max_fields, max_url;
	int64_t max_sse;
	int per_address;     /* server.connections_per_address */
	int sse_per_address; /* limits.max_sse_per_address, as applied */
	const char *metrics_allow, *metrics_token;
	const http_guard_t *guard;
} srv_settings_t;
extern srv_settings_t srv;
/* Event streams open per client key (sse.c takes and gives). */
extern gauge_t *srv_streams;

/* The security headers every answer carries (reply.c), ending with {0}. */
extern const hdr_t srv_security_headers[];

/* The request's full state: r is its first member. */
static inline ctx_t *srv_ctx(http_req_t *r)
{
	return (ctx_t *)r;
}
/* Gives the request's storage connection back (when it took one). */
void srv_release_db(ctx_t *x);

/* The whole body is in (conn_body_in, asked once): false when the watchdog answered 408 first. */
bool srv_body_in(ctx_t *x);

/* ---------------------------------------------------------------- offload.c */

/* Starts the offload threads reserved (http_offload_reserve). 0 or -1. */
int srv_offload_start(void);
/* Runs every job queued, resuming the connections still there, and stops the threads: before
 * MHD_stop_daemon. Later offloads run on the caller's thread. */
void srv_offload_stop(void);
/* Back on the worker once the job has run: its `then` (which may offload again). */
void srv_offload_then(ctx_t *x);
/* The request is over (completion callback): a job still running resumes nothing. */
void srv_offload_drop(ctx_t *x);

/* ---------------------------------------------------------------- request.c */

/* A method name as a method (0 for one the server does not know), and a method's label
 * ("OTHER" for 0). Static storage. */
http_method_t srv_method_parse(const char *m);
const char *srv_method_label(http_method_t m);
/* The client's address (behind a trusted proxy, the last X-Forwarded-For entry), and its key for
 * the limits (the address, or its IPv6 /64). Arena strings. */
const char *srv_client_ip(struct MHD_Connection *c, http_req_t *r);
const char *srv_client_key(http_req_t *r);
/* The rest of the head: query parameters (at most limits.max_fields), cookies and the language
 * (a Vary header for API answers, a cookie when ?lang= changes it on a page). */
void srv_read_head(ctx_t *x);
/* Records the body's failure (the first one counts): status, error code, message key. */
void srv_body_fail(ctx_t *x, int status, const char *code, const char *msg);
/* Decides how the body will be taken in; called once before the first byte arrives. */
void srv_body_setup(ctx_t *x);
/* Takes in one piece of the body under its cap. */
void srv_body_feed(ctx_t *x, const char *data, size_t n);
/* Parses the complete body by the route's declared kind. */
void srv_body_finish(ctx_t *x);
/* The guards and the handler, with the n-th database call made to fail when the test suite asks
 * for it (server.fault_injection, X-Fault-Db-Call: N); always ends with a reply. */
void srv_dispatch(ctx_t *x, route_result_t rr, unsigned allowed);
/* The rest of a dispatch the handler offloaded (x->job has run): its `then`, under the same fault
 * injection; always ends with a reply or another offload. */
void srv_dispatch_then(ctx_t *x);
/* The reply: status, response, content type, security and decoration headers; a second reply
 * is a programming error (logged; the first stays). The storage connection goes back. */
void srv_set_response(ctx_t *x, int status, struct MHD_Response *resp, const char *ctype);
/* Adds token ("Accept-Encoding") to the reply's one Vary header. */
void srv_vary(http_req_t *r, const char *token);
/* The coding an answer of this status, type and length will be sent in (reply.c compresses
 * text and JSON of 512 bytes or more when the client accepts gzip or Brotli). */
enc_t srv_answer_coding(http_req_t *r, int status, const char *ctype, size_t len);
/* A static file's bytes (borrowed for the process: not copied), already in coding (NULL for
 * none; the Content-Encoding header says it). */
void srv_reply_static(http_req_t *r, int status, const char *ctype, const char *coding, const void *data, size_t len);
/* Whether an If-None-Match value names etag (weak or strong, in a list) or is "*". */
bool srv_etag_matches(const char *inm, const char *etag);

#endif
