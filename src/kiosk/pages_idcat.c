/* pages_idcat.c — getting started with idCAT Mòbil (the Catalan public digital identity by SMS):
 *   GET /idcat    the guided steps, the documents needed and a printable sheet, for everyone;
 *                 on a kiosk, "do it with staff help now" takes a ticket for the assisted zone
 *                 with the need recorded (when the office floor is served). */
#include "kiosk/web.h"

#include "app.h"
#include "base/config.h"
#include "base/json.h"
#include "base/str.h"
#include "http/kit.h"

static void idcat(http_req_t *r)
{
	bool kiosk = r->user && (r->user->role & ROLE_KIOSK);
	json_t *steps = json_array(), *docs = json_array();
	for (int i = 1; i <= 5; i++)
		json_array_append_new(steps, jpack("{s:i,s:s,s:s}", "n", i, "title", http_tf(r, "ks_idcat_step%d", i),
						   "text", http_tf(r, "ks_idcat_step%d_text", i)));
	for (int i = 1; i <= 4; i++)
		json_array_append_new(docs, json_string(http_tf(r, "ks_idcat_doc%d", i)));
	/* The ticket for the assisted zone, with the need recorded when the city names its procedure. */
	const char *need = config_str(r->app->cfg, "kiosk.idcat_procedure");
	const char *ticket = kiosk && kiosk_floor_served() ? "/kiosk/tiquet?zone=assisted" : "";
	if (*ticket && need && *need)
		ticket = arena_printf(r->arena, "%s&need=%s", ticket, str_url_encode(r->arena, need));
	json_t *m = jpack("{s:o,s:o,s:b,s:s}", "steps", steps, "docs", docs, "kiosk", kiosk, "ticket", ticket);
	http_reply_page(r, 200, "kiosk/idcat", m);
}

const http_route_t ks_idcat_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/idcat", idcat, 0, 0},
	{0},
};
