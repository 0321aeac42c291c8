/* pages.c — the kiosk's frame and menu:
 *   GET  /kiosk            the language, chosen first (labels in their own language, no flags)
 *   GET  /kiosk/inici      one button per task
 *   GET  /kiosk/wipe       the idle wipe and "start again": forgets the language and the
 *                          browser's cache and storage (Clear-Site-Data), back to /kiosk
 *   POST /kiosk/help       "call for help": the welcome desk of the kiosk's office hears it live
 *                          (bus topic kiosk.help.OFFICE); JSON for kiosk.js, a page without it
 *   GET  /kiosk/settings   what kiosk.js needs: the idle and warning times
 *   GET  /kiosk/alerts     the calls for help of one's office, live (staff)
 * Kiosk pages say Cache-Control: no-store (every page does), and nothing personal travels in a
 * URL, so the browser's history keeps nothing worth reading. */
#include "kiosk/web.h"

#include "app.h"
#include "base/config.h"
#include "base/json.h"
#include "base/str.h"
#include "base/tz.h"
#include "bus/bus.h"
#include "core/cap.h"
#include "http/kit.h"

#include <string.h>
#include <time.h>

bool kiosk_floor_served(void)
{
	return cap_find("floor") != NULL;
}

static bool is_kiosk(http_req_t *r)
{
	return r->user && (r->user->role & ROLE_KIOSK);
}

static void lang_page(http_req_t *r)
{
	static const char *const codes[] = {"ca", "es", "en"};
	static const char *const own[] = {"Català", "Castellano", "English"};
	json_t *langs = json_array();
	for (size_t i = 0; i < 3; i++)
		json_array_append_new(langs, jpack("{s:s,s:s,s:s}", "code", codes[i], "label", own[i], "href",
						   arena_printf(r->arena, "/kiosk/inici?lang=%s", codes[i])));
	http_reply_page(r, 200, "kiosk/lang", jpack("{s:o,s:b}", "choices", langs, "home", 1));
}

static void menu_page(http_req_t *r)
{
	bool floor = kiosk_floor_served();
	json_t *m = jpack("{s:b,s:b,s:s}", "floor", floor, "kiosk", is_kiosk(r), "office",
			  r->user->office ? r->user->office : "");
	http_reply_page(r, 200, "kiosk/menu", m);
}

static void wipe(http_req_t *r)
{
	http_set_cookie(r, "lang", "", 0, COOKIE_DELETE);
	http_add_header(r, "Clear-Site-Data", "\"cache\", \"storage\"");
	http_reply_redirect(r, "/kiosk");
}

static void settings(http_req_t *r)
{
	config_t *cfg = r->app->cfg;
	http_reply_json(r, 200,
			jpack("{s:I,s:I}", "idle_seconds", (json_int_t)config_int(cfg, "kiosk.idle_seconds"),
			      "warn_seconds", (json_int_t)config_int(cfg, "kiosk.warn_seconds")));
}

static void help(http_req_t *r)
{
	const char *office = r->user->office && *r->user->office ? r->user->office : "";
	const char *page = http_form(r, "page");
	if (!page || !*page || page[0] != '/' || strlen(page) > 200 || !str_valid_utf8(page, strlen(page)))
		page = "/kiosk";
	const char *accept = http_header(r, "Accept");
	bool json = accept && str_starts(accept, "application/json");
	int wait = 0;
	/* One call per kiosk every few seconds: a finger on the button sends one alert. */
	if (!http_rate_ok(r, arena_printf(r->arena, "kiosk.help.%lld", (long long)r->user->id), 1,
			  (int)config_int(r->app->cfg, "kiosk.help_every"), &wait)) {
		if (json)
			http_reply_json(r, 200, jpack("{s:b,s:s}", "sent", 0, "message", http_t(r, "ks_help_already")));
		else
			http_reply_page(r, 200, "kiosk/help",
					jpack("{s:s,s:s}", "message", http_t(r, "ks_help_already"), "back", page));
		return;
	}
	char at[TZ_ISO_LEN];
	tz_format_iso(tz_utc(), (int64_t)time(NULL), at);
	json_t *data = jpack("{s:s,s:s,s:s,s:s}", "kiosk", r->user->name, "office", office, "page", page, "at", at);
	int rc = *office ? bus_publish(r->app->bus, arena_printf(r->arena, KIOSK_HELP_TOPIC "%s", office), "help", data,
				       NULL)
			 : -1;
	json_decref(data);
	const char *msg = http_t(r, rc == 0 ? "ks_help_sent" : "ks_help_failed");
	if (json)
		http_reply_json(r, rc == 0 ? 200 : 503, jpack("{s:b,s:s}", "sent", rc == 0, "message", msg));
	else
		http_reply_page(r, rc == 0 ? 200 : 503, "kiosk/help", jpack("{s:s,s:s}", "message", msg, "back", page));
}

static void alerts(http_req_t *r)
{
	const char *office = http_query(r, "office");
	if (!office || !*office)
		office = r->user->office ? r->user->office : "";
	json_t *m =
		jpack("{s:s,s:s}", "office", office, "topic", arena_printf(r->arena, KIOSK_HELP_TOPIC "%s", office));
	http_reply_page(r, 200, "kiosk/alerts", m);
}

const http_route_t ks_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/kiosk", lang_page, 0, KS_ROLES},
	{HTTP_GET | HTTP_HEAD, "/kiosk/inici", menu_page, 0, KS_ROLES},
	{HTTP_GET | HTTP_HEAD, "/kiosk/wipe", wipe, 0, KS_ROLES},
	{HTTP_GET | HTTP_HEAD, "/kiosk/settings", settings, RT_API, KS_ROLES},
	{HTTP_POST, "/kiosk/help", help, RT_FORM, ROLE_KIOSK},
	{HTTP_GET | HTTP_HEAD, "/kiosk/alerts", alerts, 0, KS_HELPERS},
	{0},
};
