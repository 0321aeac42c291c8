/* web.h — what the kiosk capability's web files share (cap.c, pages*.c). */
#ifndef FIN_KIOSK_WEB_H
#define FIN_KIOSK_WEB_H

#include "http/http.h"
#include "kiosk/kiosk.h"

/* The kiosk's own screens: kiosk accounts, and coordinators and admins to try them. */
#define KS_ROLES (ROLE_KIOSK | ROLE_COORDINATOR | ROLE_ADMIN)
/* Who hears a kiosk's call for help. */
#define KS_HELPERS (ROLE_WELCOME | ROLE_INFORMER | ROLE_COORDINATOR | ROLE_ADMIN)

extern const http_route_t ks_routes[];       /* pages.c: language, menu, wipe, help, settings */
extern const http_route_t ks_idcat_routes[]; /* pages_idcat.c: idCAT Mòbil help (public) */
extern const http_route_t ks_floor_routes[]; /* pages_floor.c: ticket and check-in screens, QR */

#endif
