/* pages_ticket.c — one ticket as staff see it, the page a person's timeline links to:
 *   GET /floor/tickets/{id}   its card (number, zone, state, times), what was handled, the
 *                             outcome and its history; staff of the ticket's office. */
#include "floor/web.h"

#include "app.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "base/tz.h"
#include "http/kit.h"
#include "people/people.h"
#include "view/i18n.h"

static void ticket_staff_page(http_req_t *r)
{
	fl_ctx_t ctx;
	fl_ctx_from_req(&ctx, r);
	int64_t id;
	fl_ticket_t t;
	int rc = str_to_i64(http_param(r, "id"), 1, INT64_MAX, &id) ? ERR_NOT_FOUND
								    : fl_store_ticket(ctx.c, ctx.a, id, &t);
	if (!rc && !fl_office_allowed(r, t.office_code))
		rc = ERR_NOT_FOUND;
	fl_event_t *ev = NULL;
	size_t nev = 0;
	if (!rc)
		rc = fl_store_events(ctx.c, ctx.a, t.id, &ev, &nev);
	json_t *card = rc ? NULL : fl_ticket_card(&ctx, r, &t, NULL);
	if (!card) {
		if (rc == ERR_NOT_FOUND)
			http_reply_error(r, 404, "not_found", "fl_err_ticket", NULL);
		else
			http_reply_failed(r, rc ? rc : ERR_DB);
		return;
	}
	json_t *events = json_array();
	for (size_t i = 0; i < nev; i++)
		json_array_append_new(events, jpack("{s:s,s:s,s:s}", "when", people_when(r->arena, ev[i].at), "to",
						    http_tf(r, "fl_status_%s", ev[i].to), "actor", ev[i].actor));
	json_t *m = jpack("{s:o,s:s,s:o}", "ticket", card, "office", t.office_code, "events", events);
	if (*t.referred)
		json_object_set_new(m, "referred", json_string(t.referred));
	if (*t.outcome_notes)
		json_object_set_new(m, "notes", json_string(t.outcome_notes));
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_page(r, 200, "floor/ticket_staff", m);
}

const http_route_t fl_ticket_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/floor/tickets/{id}", ticket_staff_page, RT_DB, FL_STAFF},
	{0},
};
