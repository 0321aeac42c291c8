/* api_video.c — the built-in video call's API (docs/api.md, "Remote attention"):
 *   GET  /api/v1/appointments/{code}/video/ice      ICE servers with per-call TURN credentials
 *   GET  /api/v1/appointments/{code}/video/events   Server-Sent Events: "a message is waiting"
 *   POST /api/v1/appointments/{code}/video/signal   a signalling message to the other side
 *   GET  /api/v1/appointments/{code}/video/signals  the messages after ?after=ID
 *   POST /api/v1/appointments/{code}/video/verified the informer saw the ID document (staff)
 * The citizen proves with ?token=, staff with a session (and its CSRF token on POST). Every route
 * answers 403 outside_window outside the room's window. Messages go through the database and the
 * event stream only names them, so they cross nodes through the bus relay whatever their size. */
#include "remote/web.h"

#include "app.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "base/tz.h"
#include "bus/bus.h"
#include "http/kit.h"

#include <ctype.h>
#include <string.h>

#define BODY_MAX 16384
#define FETCH_MAX 200

/* Access, the rate limit and the window; false when answered. */
static bool room_api(http_req_t *r, rm_acc_t *x)
{
	if (!rm_enter(r, x))
		return false;
	if (!str_eq(x->b.channel, "video")) {
		http_reply_error(r, 404, "not_found", "rm_err_not_video", NULL);
		return false;
	}
	if (!rm_active(&x->b)) {
		http_reply_error(r, 409, "not_active",
				 str_eq(x->b.status, "cancelled") ? "rm_err_cancelled" : "rm_err_over", NULL);
		return false;
	}
	if (rm_window(r->app->cfg, &x->b, x->ctx.now, NULL, NULL) != RM_OPEN) {
		http_reply_error(r, 403, "outside_window", "rm_err_outside", NULL);
		return false;
	}
	return rm_staff_csrf(r, x);
}

/* "remote.room.CODE.SIDE" (lower case). */
static const char *topic_of(http_req_t *r, const char *code, const char *side)
{
	char *t = arena_printf(r->arena, "remote.room.%s.%s", code, side);
	for (char *p = t; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return t;
}

/* The comma-separated URLs of a setting as a JSON array (spaces trimmed, empties dropped). */
static json_t *url_list(const char *s)
{
	json_t *a = json_array();
	while (s && *s) {
		size_t n = strcspn(s, ",");
		const char *b = s, *e = s + n;
		while (b < e && *b == ' ')
			b++;
		while (e > b && e[-1] == ' ')
			e--;
		if (e > b)
			json_array_append_new(a, json_stringn(b, (size_t)(e - b)));
		s += n;
		if (*s == ',')
			s++;
	}
	return a;
}

static void ice_get(http_req_t *r)
{
	rm_acc_t x;
	if (!room_api(r, &x))
		return;
	const config_t *cfg = r->app->cfg;
	int64_t close_at;
	rm_window(cfg, &x.b, x.ctx.now, NULL, &close_at);
	int64_t expires = x.ctx.now + config_int(cfg, "video.turn_ttl");
	if (expires > close_at)
		expires = close_at;
	json_t *servers = json_array();
	json_t *stun = url_list(config_str(cfg, "video.stun_urls"));
	if (json_array_size(stun))
		json_array_append_new(servers, jpack("{s:o}", "urls", stun));
	else
		json_decref(stun);
	json_t *turn = url_list(config_str(cfg, "video.turn_urls"));
	char user[RM_TURN_USER_MAX], pass[RM_TURN_PASS_MAX];
	if (json_array_size(turn) &&
	    rm_turn_credentials(config_str(cfg, "video.turn_secret"), expires, x.b.code, user, pass) == 0)
		json_array_append_new(servers,
				      jpack("{s:o,s:s,s:s}", "urls", turn, "username", user, "credential", pass));
	else
		json_decref(turn);
	char iso[TZ_ISO_LEN];
	tz_format_iso(tz_utc(), expires, iso);
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200,
			jpack("{s:o,s:s,s:s}", "iceServers", servers, "expires_at", iso, "iceTransportPolicy",
			      config_str(cfg, "video.ice_transport_policy")));
}

/* Live streams one side of a room may hold open on a node: its page, a reload whose old stream
 * the server has not yet seen close, a second tab. More would only hoard the server's streams
 * (limits.max_sse), which every room, display and chat shares. */
#define RM_STREAMS_MAX 4

static void events_get(http_req_t *r)
{
	rm_acc_t x;
	if (!room_api(r, &x))
		return;
	const char *topic = topic_of(r, x.b.code, x.side);
	if (bus_topic_subscriber_count(r->app->bus, topic) >= RM_STREAMS_MAX) {
		http_add_header(r, "Retry-After", "15");
		http_reply_error(r, 429, "too_many", "rm_err_streams", NULL);
		return;
	}
	http_reply_events(r, topic);
}

typedef struct {
	rm_acc_t *x;
	const char *kind, *body;
	bool connected; /* a staff "media" message saying the call is connected */
	int64_t id, last;
} sig_t;

/* The message, and what it means for the appointment: the citizen entering is a check-in, the
 * call connected is the attention under way, a request to be called is noted on the case. */
static int sig_write(http_req_t *r, void *ud)
{
	sig_t *s = ud;
	rm_acc_t *x = s->x;
	int64_t n = 0;
	int rc = rm_store_case_touch(r->db, x->b.id, x->ctx.now);
	if (!rc)
		rc = rm_store_signal_count(r->db, x->b.id, &n);
	if (!rc && n >= config_int(r->app->cfg, "remote.max_signals"))
		return ERR_BUSY;
	if (!rc)
		rc = rm_store_signal_add(r->db, x->b.id, x->other, s->kind, s->body, x->ctx.now, &s->id);
	if (!rc)
		rc = rm_store_signal_last(r->db, x->b.id, x->side, &s->last);
	if (rc)
		return rc;
	if (str_eq(s->kind, "hello")) {
		if (!x->staff) {
			rc = rm_store_stamp(r->db, x->b.id, "citizen_seen_at", x->ctx.now);
			if (!rc)
				rc = booking_advance_tx(&x->ctx, &x->b, "checked_in");
		}
		if (!rc)
			rc = rm_audit(r, x, "remote.room.enter", x->side);
	} else if (s->connected) {
		rc = booking_advance_tx(&x->ctx, &x->b, "in_service");
	} else if (str_eq(s->kind, "phone_request")) {
		rc = rm_store_stamp(r->db, x->b.id, "phone_requested_at", x->ctx.now);
		if (!rc)
			rc = rm_audit(r, x, "remote.room.phone_request", "");
	}
	return rc == ERR_CONFLICT ? 0 : rc; /* a state already past the step is fine */
}

static void signal_post(http_req_t *r)
{
	rm_acc_t x;
	if (!room_api(r, &x))
		return;
	const char *kind = json_string_value(json_object_get(r->json, "kind"));
	json_t *body = json_object_get(r->json, "body");
	if (!json_is_object(r->json) || !rm_signal_kind_ok(kind, x.staff) || (body && !json_is_object(body))) {
		http_reply_error(r, 422, "invalid", "rm_err_signal", NULL);
		return;
	}
	char *text = json_dumps(body ? body : json_object(), JSON_COMPACT);
	sig_t s = {.x = &x, .kind = kind, .body = text ? arena_strdup(r->arena, text) : "{}"};
	s.connected = x.staff && str_eq(kind, "media") &&
		      str_eq(json_string_value(json_object_get(body, "state")), "connected");
	free(text);
	if (strlen(s.body) > BODY_MAX) {
		http_reply_error(r, 413, "too_big", "err_too_big", NULL);
		return;
	}
	int rc = http_tx(r, sig_write, &s, NULL, NULL, NULL);
	if (rc == ERR_BUSY) {
		http_reply_error(r, 429, "too_many", "rm_err_signals", NULL);
		return;
	}
	if (rc) {
		if (rc != HTTP_TX_ANSWERED)
			http_reply_failed(r, rc);
		return;
	}
	json_t *ev = jpack("{s:I}", "id", (json_int_t)s.id);
	(void)bus_publish(r->app->bus, topic_of(r, x.b.code, x.other), "signal", ev, NULL); /* the reader polls too */
	json_decref(ev);
	http_reply_json(r, 201, jpack("{s:I,s:I}", "id", (json_int_t)s.id, "last", (json_int_t)s.last));
}

static void signals_get(http_req_t *r)
{
	rm_acc_t x;
	if (!room_api(r, &x))
		return;
	int64_t after = 0;
	const char *a = http_query(r, "after");
	if (a && *a && str_to_i64(a, 0, INT64_MAX, &after)) {
		http_reply_error(r, 422, "invalid", "rm_err_signal", NULL);
		return;
	}
	rm_signal_t *v;
	size_t n = 0;
	int rc = rm_store_signals(r->db, r->arena, x.b.id, x.side, after, FETCH_MAX, &v, &n);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *body = json_loads(v[i].body, 0, NULL);
		json_array_append_new(list, jpack("{s:I,s:s,s:o}", "id", (json_int_t)v[i].id, "kind", v[i].kind, "body",
						  body ? body : json_object()));
	}
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200, jpack("{s:o}", "messages", list));
}

static int verified_write(http_req_t *r, void *ud)
{
	rm_acc_t *x = ud;
	int64_t id;
	int rc = rm_store_verified(r->db, x->b.id, r->user->email, x->ctx.now);
	if (!rc)
		rc = rm_store_signal_add(r->db, x->b.id, "citizen", "verified", "{}", x->ctx.now, &id);
	if (!rc)
		rc = rm_audit(r, x, "remote.identity.verified", "");
	return rc;
}

static void verified_post(http_req_t *r)
{
	rm_acc_t x;
	if (!room_api(r, &x))
		return;
	if (!http_tx_ok(r, verified_write, &x))
		return;
	json_t *ev = jpack("{s:I}", "id", (json_int_t)0);
	(void)bus_publish(r->app->bus, topic_of(r, x.b.code, "citizen"), "signal", ev, NULL);
	json_decref(ev);
	rm_case_t k; /* the first check stands */
	int rc = rm_store_case(r->db, r->arena, x.b.id, &k);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	char iso[TZ_ISO_LEN];
	tz_format_iso(tz_utc(), k.verified_at, iso);
	http_reply_json(r, 200, jpack("{s:s,s:s}", "verified_at", iso, "verified_by", k.verified_by));
}

const http_route_t rm_video_routes[] = {
	{HTTP_GET, "/api/v1/appointments/{code}/video/ice", ice_get, RT_API | RT_DB, 0},
	{HTTP_GET, "/api/v1/appointments/{code}/video/events", events_get, RT_API | RT_DB, 0},
	{HTTP_POST, "/api/v1/appointments/{code}/video/signal", signal_post, RT_API | RT_JSON | RT_NO_CSRF | RT_DB, 0},
	{HTTP_GET, "/api/v1/appointments/{code}/video/signals", signals_get, RT_API | RT_DB, 0},
	{HTTP_POST, "/api/v1/appointments/{code}/video/verified", verified_post, RT_API | RT_DB, RM_STAFF},
	{0},
};
