/* pages_room.c — the video room's page, GET /video/{code}: the citizen enters with the secret
 * link of the confirmation mail (?token=), the informer from the agenda with a staff session.
 * Refused with a page of its own without the token, with a wrong one, for an appointment that is
 * not a video call or no longer active, and outside the room's window. In the built-in mode the
 * page is the waiting room and the call (static/remote/room.js); in the Jitsi mode it links to
 * the Jitsi Meet room with a token limited to that room and the window. */
#include "remote/web.h"

#include "app.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/mem.h"
#include "base/str.h"
#include "http/kit.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Refuses entry when the appointment cannot be attended in its room now; true when answered. */
static bool refuse_room(http_req_t *r, const rm_acc_t *x)
{
	if (!str_eq(x->b.channel, "video")) {
		rm_refuse(r, 409, "rm_room_title", "rm_err_not_video", NULL);
		return true;
	}
	if (!rm_active(&x->b)) {
		rm_refuse(r, 409, "rm_room_title",
			  str_eq(x->b.status, "cancelled") ? "rm_err_cancelled" : "rm_err_over", NULL);
		return true;
	}
	int64_t open_at, close_at;
	rm_phase_t ph = rm_window(r->app->cfg, &x->b, x->ctx.now, &open_at, &close_at);
	if (ph == RM_OPEN)
		return false;
	char date[16], time_s[8];
	rm_local(ph == RM_EARLY ? open_at : close_at, date, time_s);
	const char *vars[] = {"date", date, "time", time_s, NULL};
	rm_refuse(r, 403, ph == RM_EARLY ? "rm_early_title" : "rm_closed_title",
		  ph == RM_EARLY ? "rm_err_early" : "rm_err_closed", vars);
	return true;
}

/* The Jitsi Meet link: https://HOST/ROOM?jwt=TOKEN, the token limited to the room and the window. */
static const char *jitsi_link(http_req_t *r, const rm_acc_t *x)
{
	const config_t *cfg = r->app->cfg;
	const char *base = config_str(cfg, "video.jitsi_url");
	size_t n = strlen(base);
	while (n && base[n - 1] == '/')
		n--;
	const char *host = strstr(base, "://");
	host = host ? host + 3 : base;
	const char *room = arena_printf(r->arena, "finestreta-%s", x->b.code);
	for (char *p = (char *)room; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	int64_t open_at, close_at;
	rm_window(cfg, &x->b, x->ctx.now, &open_at, &close_at);
	const char *name = x->staff ? (r->user->name && *r->user->name ? r->user->name : r->user->email) : x->b.name;
	json_t *claims =
		jpack("{s:s,s:s,s:s#,s:s,s:I,s:I,s:{s:{s:s,s:s,s:b}}}", "iss", config_str(cfg, "video.jitsi_app_id"),
		      "aud", config_str(cfg, "video.jitsi_aud"), "sub", host, strcspn(host, "/:"), "room", room, "nbf",
		      (json_int_t)open_at, "exp", (json_int_t)close_at, "context", "user", "id", x->side, "name", name,
		      "moderator", x->staff);
	char *jwt = rm_jwt_hs256(claims, config_str(cfg, "video.jitsi_secret"));
	json_decref(claims);
	const char *link = arena_printf(r->arena, "%.*s/%s?jwt=%s", (int)n, base, room, jwt ? jwt : "");
	free(jwt);
	return link;
}

static void room_get(http_req_t *r)
{
	if (!rm_rate(r))
		return;
	rm_acc_t x;
	int rc = rm_access(r, &x);
	if (rc) {
		rm_reply_access(r, rc);
		return;
	}
	if (refuse_room(r, &x))
		return;
	const char *service = rm_service_name(r, &x.b);
	char date[16], time_s[8];
	rm_local(x.b.start_at, date, time_s);
	bool jitsi = str_eq(config_str(r->app->cfg, "remote.video"), "jitsi");
	const char *api = arena_printf(r->arena, "/api/v1/appointments/%s/video", x.b.code);
	const char *phone = rm_call_link(r->arena, config_str(r->app->cfg, "remote.call_template"), x.b.phone);
	json_t *m = jpack("{s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:s,s:s,s:s,s:s}", "code", x.b.code, "service", service, "date",
			  date, "time", time_s, "side", x.side, "staff", x.staff, "jitsi", jitsi, "token", x.token,
			  "api", api, "csrf", x.staff ? http_csrf_token(r) : "", "name", x.staff ? x.b.name : "");
	if (x.staff) {
		json_object_set_new(m, "phone", json_string(x.b.phone));
		json_object_set_new(m, "call_link", json_string(phone));
		json_object_set_new(m, "case_href", json_string(arena_printf(r->arena, "/remote/%s", x.b.code)));
	} else {
		json_object_set_new(m, "docs_href",
				    json_string(arena_printf(r->arena, "/docs/%s?token=%s", x.b.code, x.token)));
	}
	if (jitsi)
		json_object_set_new(m, "jitsi_link", json_string(jitsi_link(r, &x)));
	if (!rm_audit(r, &x, "remote.room.open", x.side))
		(void)0; /* a failed record is logged by the audit hook; the page is still shown */
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_page(r, 200, "remote/room", m);
}

const http_route_t rm_room_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/video/{code}", room_get, RT_DB, 0},
	{0},
};
