/* http.h — the request/response contract between the HTTP core and capability handlers.
 *
 * A request lives in its own arena (r->arena): every string below is borrowed from it and lives
 * until the response has been sent. Handlers are thin: parse → call the capability → build a view
 * model → one of the http_reply_* calls. A handler must produce exactly one reply; if it returns
 * without one, the core answers 500.
 *
 * The core has already done, before a handler runs: routing (404/405), body size caps (413),
 * body parsing by the route's declared kind (400 when malformed), language negotiation, session
 * lookup (through the guard the identity capability plugs in: http_set_guard), the role check
 * (303 to /login or 401/403), the CSRF check on state-changing methods (403), and for RT_DB
 * routes the storage connection (503 when the database cannot be reached).
 *
 * Kit for handlers (http/kit.h): transactions that map conflicts to field errors, one rate
 * limiter, field errors as a page or as JSON. */
#ifndef FIN_HTTP_H
#define FIN_HTTP_H

#include "base/arena.h"
#include "base/buf.h"
#include "http/parse.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct MHD_Connection;
struct app;
struct db_conn;

typedef enum {
	HTTP_GET = 1 << 0,
	HTTP_HEAD = 1 << 1,
	HTTP_POST = 1 << 2,
	HTTP_PUT = 1 << 3,
	HTTP_DELETE = 1 << 4,
	HTTP_PATCH = 1 << 5,
	HTTP_OPTIONS = 1 << 6,
} http_method_t;

/* Roles as bits, so a route names the set it admits. Display and kiosk are device accounts. */
typedef enum {
	ROLE_ADMIN = 1 << 0,
	ROLE_COORDINATOR = 1 << 1,
	ROLE_INFORMER = 1 << 2,
	ROLE_ICT_AGENT = 1 << 3,
	ROLE_WELCOME = 1 << 4,
	ROLE_DISPLAY = 1 << 5,
	ROLE_KIOSK = 1 << 6,
} role_t;
#define ROLE_PEOPLE (ROLE_ADMIN | ROLE_COORDINATOR | ROLE_INFORMER | ROLE_ICT_AGENT | ROLE_WELCOME)
#define ROLE_ANY (ROLE_PEOPLE | ROLE_DISPLAY | ROLE_KIOSK)
#define ROLE_COUNT 7
/* Role names as stored and shown: "admin", "coordinator", … ("" / 0 for anything else). */
const char *http_role_name(role_t role);
role_t http_role_from_name(const char *name);

/* The signed-in account of a request (NULL user when anonymous). */
typedef struct {
	int64_t id;
	const char *email;
	const char *name;
	role_t role;
	const char *office; /* office code or "" */
	const char *csrf;   /* the session's CSRF token ("" for bearer tokens) */
	bool bearer;        /* authenticated by an API token, not a cookie */
} http_user_t;

/* Route flags: the body the route accepts and how it is guarded. */
enum {
	RT_FORM = 1 << 0,       /* application/x-www-form-urlencoded body → r->form */
	RT_JSON = 1 << 1,       /* application/json body → r->json */
	RT_MULTIPART = 1 << 2,  /* multipart/form-data body → r->form + r->files */
	RT_NO_CSRF = 1 << 3,    /* exempt (login form checks its own pre-session token) */
	RT_API = 1 << 4,        /* errors as JSON (set automatically for /api/ paths) */
	RT_NO_SESSION = 1 << 5, /* skip the session lookup (static files, probes) */
	RT_DB = 1 << 6,         /* r->db is a storage connection; the core answers 503 without one */
};

typedef struct http_req http_req_t;
typedef void (*http_handler_fn)(http_req_t *r);

typedef struct {
	unsigned methods;    /* http_method_t bits */
	const char *pattern; /* "/admin/users", "/api/v1/offices/{code}", "/static/{*}" */
	http_handler_fn fn;
	unsigned flags; /* RT_* */
	unsigned roles; /* 0 = public; otherwise the role_t bits admitted */
} http_route_t;

struct http_req {
	arena_t *arena;
	struct app *app;
	struct MHD_Connection *conn;
	http_method_t method;
	const char *path;  /* decoded, without the query */
	const char *route; /* the matched pattern (metrics label) or "other" */
	const http_route_t *rt;
	kv_list_t query;  /* decoded query string */
	kv_list_t params; /* path parameters by name; "*" for a tail */
	kv_list_t cookies;
	kv_list_t form; /* form fields (url-encoded or multipart) */
	const multipart_file_t *files;
	json_t *json;     /* parsed JSON body, owned by the request */
	const char *lang; /* "ca" | "es" | "en" */
	json_t *t;        /* translations for lang (borrowed, shared) */
	const char *client_ip;
	/* The client as every per-address limit counts it: the address, or its IPv6 /64 (see
	 * base/netaddr.h). Behind a proxy (server.trust_proxy), the forwarded address's. */
	const char *client_key;
	http_user_t *user;  /* NULL when anonymous */
	struct db_conn *db; /* RT_DB routes: the request's storage connection (see http_db) */
	bool api;           /* JSON errors */
	bool replied;
};

/* Request headers (case-insensitive name). NULL when absent. */
const char *http_header(http_req_t *r, const char *name);
/* A query parameter, form field or path parameter, or NULL. */
const char *http_query(http_req_t *r, const char *name);
const char *http_form(http_req_t *r, const char *name);
const char *http_param(http_req_t *r, const char *name);
/* One message in the request's language. */
const char *http_t(http_req_t *r, const char *key);

/* Response decoration, before the reply. Values are copied. */
void http_add_header(http_req_t *r, const char *name, const char *value);
enum { COOKIE_HTTPONLY = 1, COOKIE_STRICT = 2, COOKIE_DELETE = 4 };
void http_set_cookie(http_req_t *r, const char *name, const char *value, int64_t max_age, unsigned flags);

/* Loosens this response's security headers for the one page that needs it: img_origin (may be
 * NULL; "https://tiles.example.org", or a wildcard host for several) is added to the CSP img-src (a
 * map's tile server), and geolocation lets the page ask for the browser's location
 * (Permissions-Policy geolocation=(self)). Copied; before the reply. */
void http_allow(http_req_t *r, const char *img_origin, bool geolocation);

/* Replies. Each takes what it is given: json_t references are stolen. */
/* A page: template name under templates/ without extension ("home/index"), rendered inside the
 * base layout with the common view model (lang, t, user, csrf, city, assets). */
void http_reply_page(http_req_t *r, int status, const char *tpl, json_t *model);
void http_reply_json(http_req_t *r, int status, json_t *body);
void http_reply_text(http_req_t *r, int status, const char *ctype, const char *body, size_t len);
/* Copies data. */
void http_reply_bytes(http_req_t *r, int status, const char *ctype, const void *data, size_t len);
void http_reply_redirect(http_req_t *r, const char *location);
/* An error in the request's language: a page, or {"error":code,"message":…} for API requests.
 * msg_key is an i18n key; extra (may be NULL) is merged into the JSON body. */
void http_reply_error(http_req_t *r, int status, const char *code, const char *msg_key, json_t *extra);
/* The quoted strong ETag of a body: a 16-byte BLAKE2b hash in hex, 34 characters and NUL. */
#define HTTP_ETAG_SIZE 40
void http_etag(const void *body, size_t len, char out[HTTP_ETAG_SIZE]);
/* A public JSON body (copied) with ETag etag (quoted), Cache-Control: public, max-age=max_age and
 * (like every /api/ answer) Vary: Accept-Language, Cookie, since the language comes from ?lang=,
 * the lang cookie or Accept-Language; an empty 304 instead when If-None-Match names etag (weak or strong) or "*". */
void http_reply_json_cacheable(http_req_t *r, const char *body, size_t len, const char *etag, int max_age);
/* Streams Server-Sent Events of topic to the client until it leaves or the server stops. */
void http_reply_events(http_req_t *r, const char *topic);

/* Work that must not hold a worker thread (a password check: ~0.2 s of a core): the request's
 * connection is parked (suspended; its worker serves its other connections meanwhile), work runs
 * on one of the server's offload threads, then `then` runs back on the worker and replies (or
 * offloads again). work gets a copy of the size bytes at data and only that: it must not touch the
 * request, which may be gone when it runs (a client that left, a server stopping). Outside any
 * transaction: the request's database connection goes back to the pool while it is parked, and
 * `then` has one again (r->db; the core answers 503 when it cannot). then(r, copy)
 * gets the copy as work left it; the copy is wiped and freed after then returns (or when the
 * client has left). The handler returns without a reply after this call. Work must be short and
 * bounded: the server waits for work in flight before it stops. Without offload threads (no
 * reservation, or outside the server) work and then run at once on the calling thread. */
typedef void (*http_work_fn)(void *data);
typedef void (*http_then_fn)(http_req_t *r, void *data);
void http_offload(http_req_t *r, http_work_fn work, const void *data, size_t size, http_then_fn then);
/* Asks for n more offload threads (a capability's start, before http_serve): as many as it can
 * have work in flight at once, since it bounds that itself. The server starts the sum. */
void http_offload_reserve(unsigned n);

/* Registers routes (the table must outlive the server). Call before http_serve. */
void http_routes_add(const http_route_t *routes, size_t n);

/* What the identity capability plugs into the core (the core itself knows no accounts): */
typedef struct {
	/* Sets r->user from the request's session or token. 0, or ERR_UNAVAILABLE when storage is
	 * down (the core answers 503). */
	int (*identify)(http_req_t *r);
	/* The CSRF token this request's forms must carry (borrowed, arena), and whether the request
	 * carries the right one. */
	const char *(*csrf_token)(http_req_t *r);
	bool (*csrf_ok)(http_req_t *r);
	/* Adds what every page shows to the common view model: the city's name, the logo, the
	 * signed-in user. */
	void (*page_model)(http_req_t *r, json_t *model);
	/* Writes one record of the audit log on the request's connection (inside the transaction
	 * http_tx runs: see http_tx_audit). 0 or an error. */
	int (*audit)(http_req_t *r, const char *action, const char *target, const char *detail);
} http_guard_t;
/* Installs the guard (static storage), before the server starts. Without one nobody is signed
 * in and every state-changing request that needs a CSRF token is refused. */
void http_set_guard(const http_guard_t *g);
/* The guard's CSRF token for this request's forms ("" without a guard), and its check. */
const char *http_csrf_token(http_req_t *r);
bool http_csrf_ok(http_req_t *r);

/* The request's storage connection, acquired on first use and released when the reply is
 * queued. NULL when the database cannot be reached (reply 503). */
struct db_conn *http_db(http_req_t *r);
/* Starts the server on app's settings and blocks until SIGTERM or SIGINT, then shuts down
 * gracefully: stop accepting, end event streams, let in-flight requests finish. 0 or an error.
 * on_ready (may be NULL) is called once the socket listens, with the bound address. */
int http_serve(struct app *app, void (*on_ready)(const char *url));

#endif
