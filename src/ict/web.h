/* web.h — what the ict capability's web files (cap.c, web.c, api.c, pages*.c) share. */
#ifndef FIN_ICT_WEB_H
#define FIN_ICT_WEB_H

#include "booking/booking.h"
#include "http/http.h"
#include "ict/internal.h"

#include <jansson.h>

/* ICT agents record sessions; coordinators and admins too, and they read the evaluation. */
#define ICT_ROLES (ROLE_ADMIN | ROLE_COORDINATOR | ROLE_ICT_AGENT)
#define ICT_EVAL_ROLES (ROLE_ADMIN | ROLE_COORDINATOR)

/* The booking capability's context for the signed-in staff member (staff view, no transaction). */
void ict_booking_ctx(http_req_t *r, booking_ctx_t *ctx);
/* The session from the JSON body (API) or the posted form (page). Strings in the request's arena;
 * shape errors (a procedure that is not an object, too many of them) go into errs. */
void ict_from_json(http_req_t *r, ict_session_t *s, fielderr_t *errs);
void ict_from_form(http_req_t *r, ict_session_t *s, fielderr_t *errs);
/* Checks s (taking the person and office from its appointment when it names one) and records it
 * in one transaction with its audit record. 0; ERR_INVALID with errs; HTTP_TX_ANSWERED (503
 * answered); or another error to answer. */
int ict_save(http_req_t *r, ict_session_t *s, fielderr_t *errs);
/* The evaluation's filter from ?from=&to=&office=&agent= (dates YYYY-MM-DD, Europe/Madrid, to
 * inclusive). False when a value is wrong: 422 answered (or 503 when the office look-up failed). */
bool ict_filter_from(http_req_t *r, ict_filter_t *f);
/* The evaluation for filter f into ev. False when it failed: the failure answered. */
bool ict_eval_for(http_req_t *r, const ict_filter_t *f, ict_eval_t *ev);
/* The figures as the API gives them. New. */
json_t *ict_eval_json(const ict_eval_t *ev);

extern const http_route_t ict_api_routes[];
extern const http_route_t ict_page_routes[];
extern const http_route_t ict_followup_routes[];
extern const http_route_t ict_sheet_routes[];

#endif
