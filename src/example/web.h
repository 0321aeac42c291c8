/* web.h — what the example capability's web files (cap.c, pages.c) share: the roles and the route
 * tables. Only web files (cap.c, web.[ch], api*.c, pages*.[ch]) include http/ headers
 * (scripts/check-layers.sh). */
#ifndef FIN_EXAMPLE_WEB_H
#define FIN_EXAMPLE_WEB_H

#include "http/http.h"

/* The roles that may read and write notes. */
#define EX_ROLES ROLE_PEOPLE

/* pages.c: the page with its form, and the JSON API. */
extern const http_route_t ex_page_routes[];
extern const http_route_t ex_api_routes[];

#endif
