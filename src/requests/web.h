/* web.h — what the requests capability's web files share (cap.c, web.c, api.c, pages*.c). */
#ifndef FIN_REQUESTS_WEB_H
#define FIN_REQUESTS_WEB_H

#include "http/form.h"
#include "http/http.h"
#include "requests/internal.h"

/* Person-facing staff work the queue; coordinators also see the overdue board. */
#define RQ_ROLES ROLE_PEOPLE
#define RQ_BOARD (ROLE_ADMIN | ROLE_COORDINATOR)

/* From a request: its connection, arena, settings, language, now, and the signed-in staff member
 * as the actor (display and kiosk accounts act as citizens); the audit hook writes the record
 * with target "request:CODE". */
void rq_ctx_from_req(requests_ctx_t *ctx, http_req_t *r);
/* The per-address limit of citizens' requests (requests.rate_create or rate_read); staff are
 * never limited. True when within it; when over, it has answered 429 with Retry-After. */
bool rq_rate_guard(http_req_t *r, bool create);
/* The form's or the JSON body's fields of a new request. */
void rq_input_from_form(http_req_t *r, requests_input_t *in);
/* The pickers of the form: topics and procedures ([{value, label, on}]). New. */
json_t *rq_topics_model(http_req_t *r, const char *cur);
json_t *rq_services_model(http_req_t *r, const char *cur);
json_t *rq_answer_model(http_req_t *r, const char *cur);

/* requests_create with the form's or the JSON body's fields, by the signed-in staff member or,
 * with citizen (the public form), always as the citizen, from the web. */
int rq_create_from(http_req_t *r, bool citizen, requests_created_t *out, fielderr_t *errs);
/* The answer of a page's action (rq_act's rc): 422 with the first field's message, 409, 404 or
 * 503; true when rc is 0 and nothing was answered. */
bool rq_act_page(http_req_t *r, int rc, const fielderr_t *errs);
/* The request form (requests/new, requests/staff_new) shown with its pickers, fm and what extra
 * adds to the model (taken; may be NULL). */
void rq_form_page(http_req_t *r, int status, form_t *fm, const char *tpl, json_t *extra);
/* The submitted values kept and the field errors of requests_create into fm. */
void rq_form_errors(http_req_t *r, form_t *fm, const fielderr_t *errs);

extern const http_route_t rq_api_routes[];
extern const http_route_t rq_page_routes[];
extern const http_route_t rq_staff_routes[];

#endif
