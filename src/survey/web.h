/* web.h — the survey's web files (cap.c, pages.c): the route table. */
#ifndef FIN_SURVEY_WEB_H
#define FIN_SURVEY_WEB_H

#include "http/http.h"

extern const http_route_t sv_page_routes[];

#endif
