/* core.h — routes every deployment has: /healthz, /metrics, /events, /static, the event
 * publishing API, and the citizen home page. */
#ifndef FIN_CORE_H
#define FIN_CORE_H

#include "http/http.h"

/* The core's routes, ending with {0} (core/cap.c registers them before the capabilities'). */
extern const http_route_t core_routes[];

#endif
