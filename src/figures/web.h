/* web.h — what the figures capability's web files (cap.c, pages.c) share: the roles and the
 * route tables. */
#ifndef FIN_FIGURES_WEB_H
#define FIN_FIGURES_WEB_H

#include "http/http.h"

/* The statistics area is for coordinators and admins; open data is public. */
#define FG_ROLES (ROLE_ADMIN | ROLE_COORDINATOR)

/* pages.c: the statistics pages, their CSV, the JSON API and the open-data export. */
extern const http_route_t fg_page_routes[];
extern const http_route_t fg_api_routes[];

#endif
