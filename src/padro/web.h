/* web.h — what the padró capability's web files share (cap.c, web.c, pages*.c, api.c): the
 * context of a request, the one way a certificate is issued from any channel, the roles and the
 * route tables. */
#ifndef FIN_PADRO_WEB_H
#define FIN_PADRO_WEB_H

#include "http/http.h"
#include "padro/internal.h"

/* Staff who may issue a certificate after seeing the ID document in person. */
#define PD_STAFF_ROLES (ROLE_ADMIN | ROLE_COORDINATOR | ROLE_INFORMER | ROLE_WELCOME)

/* The rules' context from the request: r->db, its arena, the settings, now. */
void pd_ctx(http_req_t *r, pd_ctx_t *x);
/* Whether the request comes from a kiosk device account. */
bool pd_is_kiosk(http_req_t *r);
/* The channel a request issues on: "kiosk", "staff", "api" or "web". */
const char *pd_channel(http_req_t *r);
/* Fills the branding of a certificate (city name, logo, zone) into in (arena). */
void pd_issue_branding(http_req_t *r, pd_issue_t *in);

/* Asks for a code for the request's client (a kiosk counts per device, anyone else per
 * address). As pd_code_request; ERR_BUSY also when the per-node address limit is hit (Retry-After
 * set). */
int pd_web_code(http_req_t *r, const char *id_type, const char *id_number, const char **bad_field);

typedef enum { PDW_ISSUED, PDW_BAD_FIELD, PDW_WRONG_CODE, PDW_NOT_REGISTERED, PDW_ANSWERED } pdw_t;
/* Issues a certificate: prepare, then one transaction for the code check, the row and its audit
 * record (padro.volant.issue). PDW_ANSWERED when a failure was answered (503). On PDW_ISSUED, p
 * holds the certificate; the caller frees p with pd_prepared_free in every case. */
pdw_t pd_web_issue(http_req_t *r, pd_issue_t *in, pd_prepared_t *p, const char **bad_field);
/* The page of a certificate just issued on a kiosk: its picture, sent to the printer by
 * static/kiosk.js. */
void pd_kiosk_print(http_req_t *r, const pd_issue_t *in, const pd_prepared_t *p);

/* The certificate's verification page URL and PDF URL (absolute, arena). */
const char *pd_verify_url(http_req_t *r, const char *vcode);
const char *pd_pdf_url(http_req_t *r, const char *vcode);

extern const http_route_t pd_page_routes[];   /* pages.c: the citizen's flow and staff's */
extern const http_route_t pd_verify_routes[]; /* pages_verify.c: /verify */
extern const http_route_t pd_api_routes[];    /* api.c */
extern const http_route_t pd_demo_routes[];   /* cap.c: the demo SMS gateway */

#endif
