/* web.h — the legal capability's route table (pages.c). */
#ifndef FIN_LEGAL_WEB_H
#define FIN_LEGAL_WEB_H

#include "http/http.h"

extern const http_route_t lg_page_routes[];

#endif
