/* core.h — routes every deployment has: /healthz, /metrics, /events, /static, the event
 * publishing API, and the citizen home page. */
#ifndef FIN_CORE_H
#define FIN_CORE_H

void core_routes(void);

#endif
