/* kiosk.h — the public header of the kiosk capability: the touch screens of the self-service zone
 * (a `kiosk` device account per screen, bound to its office). The capability owns the kiosk's
 * frame — the language chosen first, one task per screen, "start again" and "call for help", the
 * idle wipe — and the screens of its own (the task menu, idCAT Mòbil help, tickets and check-in
 * when the office floor is served); the tasks of other capabilities (padró certificates, booking,
 * facilities) run in their own pages, which wear the kiosk's frame when a kiosk shows them
 * (templates/layout/base.html, is_kiosk).
 *
 * A call for help is published on the bus topic KIOSK_HELP_TOPIC + office code ("kiosk.help.centre"),
 * type "help", data {"kiosk": account name, "office", "page", "at": ISO time}; staff of the office
 * (welcome, informer, coordinator, admin) may subscribe: GET /events?topic=kiosk.help.OFFICE. */
#ifndef FIN_KIOSK_H
#define FIN_KIOSK_H

#include <stdbool.h>

#define KIOSK_HELP_TOPIC "kiosk.help."

/* The seam with the office floor (src/floor): whether it is served by this build (it is in the
 * capability table). The ticket and check-in screens, the menu's buttons for them and idCAT
 * Mòbil's "with staff help now" are shown only then; what they do goes through floorSeam in
 * static/kiosk-floor.js (pages_floor.c). */
bool kiosk_floor_served(void);

#endif
