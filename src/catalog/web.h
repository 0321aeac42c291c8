/* web.h — what the catalogue's HTTP files share: the route tables of the public API (api.c) and
 * of the pages (pages.c). */
#ifndef FIN_CATALOG_WEB_H
#define FIN_CATALOG_WEB_H

#include "catalog/internal.h"
#include "http/http.h"

extern const http_route_t cat_api_routes[];
extern const http_route_t cat_page_routes[];

#endif
