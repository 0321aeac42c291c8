/* pages.h — the HTML booking pages (src/booking/pages.c): the citizen's flow under /cita (no
 * account), the manage link, the downloads, and the same flow for staff under /staff/cita.
 * Everything they do goes through booking.h; this header only registers the routes. */
#ifndef FIN_BOOKING_PAGES_H
#define FIN_BOOKING_PAGES_H

/* Registers /cita, /cita/{canal,oficina,dia,hora,dades,gestiona}, /cita/{code}[/confirmacio|
 * /canvia|/anulla|/calendar.ics|/receipt.pdf] and /staff/cita[...] (people's roles). Call after
 * booking_routes(). */
void booking_pages_routes(void);

#endif
