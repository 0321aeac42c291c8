/* web.h — what the schedule's HTTP files share: the route tables of the pages (pages.c) and of
 * the public hours API (api.c). */
#ifndef FIN_SCHEDULE_WEB_H
#define FIN_SCHEDULE_WEB_H

#include "http/http.h"
#include "schedule/internal.h"

extern const http_route_t sched_page_routes[];
extern const http_route_t sched_api_routes[];

#endif
