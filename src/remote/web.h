/* web.h — what the remote attention's web files share (cap.c, web.c, pages_*.c, api_*.c): who
 * the request is for (a citizen with the appointment's secret token, or staff with a session),
 * the context for booking's functions, the audit record, the rate limit, refusal pages and the
 * route tables. */
#ifndef FIN_REMOTE_WEB_H
#define FIN_REMOTE_WEB_H

#include "booking/booking.h"
#include "http/http.h"
#include "remote/internal.h"

#include <stdbool.h>

/* The staff who attend remote appointments. */
#define RM_STAFF (ROLE_INFORMER | ROLE_COORDINATOR | ROLE_ADMIN)
#define RM_LEADS (ROLE_COORDINATOR | ROLE_ADMIN)

/* The appointment a request is about and who asks. */
typedef struct {
	booking_ctx_t ctx;
	booking_t b;
	bool staff;        /* a staff session (RM_STAFF); else the citizen with the token */
	const char *token; /* the citizen's token ("" for staff) */
	const char *side;  /* "staff" | "citizen" */
	const char *other; /* the other side */
} rm_acc_t;

/* From the request: booking's context (storage, arena, settings, now, language; staff when the
 * session's role is in RM_STAFF). */
void rm_ctx(booking_ctx_t *ctx, http_req_t *r);
/* Who the request is and which appointment ({code}): staff with a session, or a citizen whose
 * ?token= (or form field token) proves it. 0; ERR_PERM without a token and without a session;
 * ERR_NOT_FOUND for a wrong code or token; another error from storage. */
int rm_access(http_req_t *r, rm_acc_t *x);
/* The answer to a failed rm_access, a page or JSON: 403 "no_token", 404, 503. */
void rm_reply_access(http_req_t *r, int rc);
/* rm_rate, then rm_access answered by rm_reply_access when it fails: false when answered. */
bool rm_enter(http_req_t *r, rm_acc_t *x);
/* The routes open to token holders check a staff session's POST for its CSRF token themselves:
 * false when answered 403. */
bool rm_staff_csrf(http_req_t *r, const rm_acc_t *x);
/* An audit record inside the running transaction: the staff member's (auth_audit), or the
 * citizen's (actor "citizen", with the address). Target "appointment:CODE". */
int rm_audit(http_req_t *r, const rm_acc_t *x, const char *action, const char *detail);
/* The citizens' per-address limit (remote.rate_citizen requests a minute, bucket "remote");
 * staff are not limited. False when answered 429. */
bool rm_rate(http_req_t *r);
/* A refusal page: status, title and message keys, optional {var} pairs for the message. */
void rm_refuse(http_req_t *r, int status, const char *title_key, const char *msg_key, const char *const *vars);
/* The appointment's procedure in the request's language (its code when unknown). */
const char *rm_service_name(http_req_t *r, const booking_t *b);
/* Local date and time of t in the appointment's zone (Europe/Madrid): "DD/MM/YYYY" and "HH:MM". */
void rm_local(int64_t t, char date[16], char time[8]);
/* The date of t as YYYY-MM-DD in Europe/Madrid. */
void rm_day(int64_t t, char out[16]);

/* Route tables: the video room page and its API (pages_room.c, api_video.c), the document space
 * (pages_docs.c), the agenda and the appointment page (pages_agenda.c, pages_case.c). */
extern const http_route_t rm_room_routes[];
extern const http_route_t rm_video_routes[];
extern const http_route_t rm_doc_routes[];
extern const http_route_t rm_agenda_routes[];
extern const http_route_t rm_case_routes[];

/* pages_docs.c: stores one uploaded file for x (origin "citizen" or "office") in one transaction
 * with its audit record. 0 with *out; ERR_INVALID with *err_key (rm_err_type, rm_err_size,
 * rm_err_count, rm_err_empty); ERR_UNAVAILABLE when no key is configured; another error
 * (answered by the caller as 503). */
int rm_upload(http_req_t *r, rm_acc_t *x, const multipart_file_t *f, rm_doc_t *out, const char **err_key);
/* The documents of x as JSON [{id, name, type, size, origin, at, href}] (href with the token for
 * citizens). New, or NULL on storage failure. */
json_t *rm_docs_json(http_req_t *r, const rm_acc_t *x);

#endif
