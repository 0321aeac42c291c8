/* web.h — what the office floor's web files (cap.c, web.c, api*.c, pages*.c) share: the roles,
 * the context built from a request, the ticket as JSON, the announcements made after a commit,
 * and the route tables. */
#ifndef FIN_FLOOR_WEB_H
#define FIN_FLOOR_WEB_H

#include "floor/internal.h"
#include "http/http.h"

/* Who issues tickets; who works at a desk; who runs the floor. */
#define FL_ISSUERS (ROLE_WELCOME | ROLE_KIOSK | ROLE_COORDINATOR | ROLE_ADMIN)
#define FL_DESKS (ROLE_INFORMER | ROLE_COORDINATOR | ROLE_ADMIN)
#define FL_BOARD (ROLE_COORDINATOR | ROLE_ADMIN)
#define FL_STAFF (ROLE_WELCOME | ROLE_INFORMER | ROLE_COORDINATOR | ROLE_ADMIN)

/* The bus topics of an office: its calls (the displays) and its queues (the live pages, the
 * desks and the board). Topic names carry the office's id (codes may be too long for a topic). */
const char *fl_topic_calls(http_req_t *r, int64_t office_id);
const char *fl_topic_queue(http_req_t *r, int64_t office_id);

/* The context of a request's change or read. */
void fl_ctx_from_req(fl_ctx_t *ctx, http_req_t *r);
/* Whether the signed-in person may act at this office: an administrator anywhere, others at
 * their own office (or anywhere when their account names none). */
bool fl_office_allowed(http_req_t *r, const char *office);
/* The office a staff page is about: ?office= (or the form's), else the person's own, else the
 * first active office. Arena; NULL when there is none. */
const char *fl_page_office(http_req_t *r);

/* The ticket as the API shows it: id, number, office, zone, status, ahead, estimated_wait_min,
 * desk (once called), appointment_at, survey_url (once done, when a survey was offered),
 * live_url and token (when token is given). NULL on a storage failure. New reference. */
json_t *fl_ticket_json(fl_ctx_t *ctx, http_req_t *r, const fl_ticket_t *t, const char *token);
/* PUBLIC/floor/t/ID?token=TOKEN (arena). */
const char *fl_live_url(http_req_t *r, int64_t id, const char *token);

/* After a committed change: the call to the displays (ch->call) and the new order of the zones
 * it touched to the live pages, desks and board. A failure loses nothing (logged). */
void fl_announce(http_req_t *r, const fl_change_t *ch);

/* Public routes (no sign-in): floor.rate_public requests per minute per client address; staff
 * and device accounts are not counted. False when answered (429). */
bool fl_public_rate_ok(http_req_t *r);

/* api_display.c, for the pages too: the office as a display shows it {office, name, tz, zones
 * [{code, letter, colour, kind, name}], desks [{code, name, zone}]} (names in lang); today's
 * latest calls [{id, number, desk, zone, at}], newest first; the coordinator board. New
 * references; NULL on a storage failure. */
json_t *fl_office_json(const fl_office_t *f, const char *lang);
json_t *fl_calls_json(fl_ctx_t *ctx, const fl_office_t *f);
json_t *fl_board_json(fl_ctx_t *ctx, const fl_office_t *f);

/* The ticket as pages and the PDF show it (texts in the request's language): number, zone
 * {code, name, colour}, status and its label, ahead, wait_min, desk {code, name} once called,
 * time and date of issue (the office's clock), live_url and qr (a data: URI of its QR code as
 * SVG) when token is given, survey_url once offered. NULL on a storage failure. New reference. */
json_t *fl_ticket_card(fl_ctx_t *ctx, http_req_t *r, const fl_ticket_t *t, const char *token);
/* Sets the request's language (pages in the person's language). */
void fl_page_lang(http_req_t *r, const char *lang);

/* Replies for a rules' error: its fl_err_t when it has a code, else 404/503. */
void fl_reply_err(http_req_t *r, int rc, const fl_err_t *err);

/* Route tables: the JSON API (api.c), the display and audio (api_display.c), the staff pages
 * (pages_*.c) and the citizen's live page (pages_live.c). */
extern const http_route_t fl_api_routes[];
extern const http_route_t fl_display_routes[];
extern const http_route_t fl_welcome_routes[];
extern const http_route_t fl_desk_routes[];
extern const http_route_t fl_board_routes[];
extern const http_route_t fl_live_routes[];
extern const http_route_t fl_ticket_routes[];

#endif
