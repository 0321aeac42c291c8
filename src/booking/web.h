/* web.h — what the booking's HTTP files share (api.c, the pages): the context of a request, the
 * per-address rate limits, the route tables. The booking rules (booking.c and the files beside
 * it) know nothing of HTTP. Not for other capabilities. */
#ifndef FIN_BOOKING_WEB_H
#define FIN_BOOKING_WEB_H

#include "booking/booking.h"
#include "http/http.h"

#include <stdbool.h>

/* From a request: its storage connection (r->db; the routes are RT_DB), arena, config, language,
 * now, and the signed-in person as staff actor (display and kiosk accounts book as citizens). */
void bk_ctx_from_req(booking_ctx_t *ctx, http_req_t *r);
/* Has the change ctx makes write its audit record (auth_audit) in its transaction: target the
 * appointment's code (API) or "appointment:CODE" (page). */
void bk_ctx_audit(booking_ctx_t *ctx, http_req_t *r, bool page);

/* The per-address rate limits, shared by the pages and the API (one bucket each):
 * booking.rate_availability when booking is false (availability and challenges),
 * booking.rate_booking when true (bookings, holds, look-ups, cancellations, changes). Counts one
 * request of r's client address; staff are never limited. True when within the limit; when over,
 * Retry-After is set and *retry_after (may be NULL) gets the seconds: the caller answers 429. */
bool bk_rate_ok(http_req_t *r, bool booking, int *retry_after);

/* Route tables: the JSON API (api.c) and the pages of the citizen's and staff's flows: the steps
 * (pages_steps.c), the day and time (pages_calendar.c), one appointment (pages_manage.c). The
 * steps and the calendar come before the appointment's /cita/{code}. */
extern const http_route_t bk_api_routes[];
extern const http_route_t bk_page_routes[];
extern const http_route_t bk_calendar_routes[];
extern const http_route_t bk_manage_routes[];
extern const http_route_t bk_counter_routes[];

#endif
