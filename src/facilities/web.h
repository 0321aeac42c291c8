/* web.h — what the facility finder's web files share (cap.c, pages*.c, api.c). */
#ifndef FIN_FACILITIES_WEB_H
#define FIN_FACILITIES_WEB_H

#include "facilities/internal.h"
#include "http/http.h"

/* Who edits facilities. */
#define FC_EDITORS (ROLE_ADMIN | ROLE_COORDINATOR)

/* The search of a request's query string (?q=&category=&district=&service=&near=LAT,LON or
 * &postcode=): false with *bad ("near", "postcode") when a place cannot be read; a storage
 * failure is ERR_* in *rc. */
bool fc_web_query(http_req_t *r, fc_query_t *q, const char **bad, int *rc);
/* One facility as the API and the map show it (new reference). */
json_t *fc_web_json(http_req_t *r, const fc_facility_t *f, bool near);

extern const http_route_t fc_page_routes[];  /* pages.c: /equipaments */
extern const http_route_t fc_admin_routes[]; /* pages_admin.c: /admin/facilities */
extern const http_route_t fc_api_routes[];   /* api.c */

#endif
