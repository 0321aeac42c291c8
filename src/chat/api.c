/* api.c — the chat API (docs/api.md). The citizen proves a conversation is theirs with ?token=;
 * staff with their session or bearer token:
 *   POST /api/v1/chats                           a new conversation (409 "closed" outside hours)
 *   GET  /api/v1/chats                           the inbox: waiting, mine, others open (staff)
 *   GET  /api/v1/chats/{id}?token=&after=        its status and messages (after a message id)
 *   GET  /api/v1/chats/{id}/events?token=        Server-Sent Events: message, status, typing
 *   POST /api/v1/chats/{id}/messages?token=      {"text"}: a message (citizen or its agent)
 *   POST /api/v1/chats/{id}/typing?token=        the other side sees "typing…"
 *   POST /api/v1/chats/{id}/take                 staff take a waiting conversation
 *   POST /api/v1/chats/{id}/transfer             {"to": user id, or null for the queue}
 *   POST /api/v1/chats/{id}/close?token=         staff {"outcome"}; the citizen leaves
 *   POST /api/v1/chats/{id}/request?token=       carried into a deferred request
 *   POST /api/v1/chats/{id}/transcript?token=    {"email"?}: the transcript by e-mail at the end */
#include "chat/web.h"

#include "app.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "http/kit.h"

#include <string.h>

static const char *jstr(http_req_t *r, const char *name)
{
	return json_string_value(json_object_get(r->json, name));
}

static bool body_ok(http_req_t *r)
{
	if (json_is_object(r->json))
		return true;
	http_reply_error(r, 400, "bad_json", "err_bad_json", NULL);
	return false;
}

/* The chat of the path for whoever asks (token or staff); NULL when it has answered. */
static bool load(http_req_t *r, ch_ctx_t *ctx, ch_chat_t *ch)
{
	ch_ctx_from_req(ctx, r);
	int rc = ch_get(ctx, ch_path_id(r), http_query(r, "token"), ch);
	if (rc) {
		http_reply_failed(r, rc);
		return false;
	}
	return true;
}

/* The answer to a change that failed. */
static void reply_rc(http_req_t *r, int rc, const fielderr_t *errs)
{
	if (rc == ERR_INVALID)
		http_reply_fields(r, 422, "invalid", "ch_err_form", errs);
	else if (rc == ERR_CONFLICT)
		http_reply_error(r, 409, "bad_state", "ch_err_state", NULL);
	else if (rc == ERR_BUSY)
		http_reply_error(r, 409, "too_many", "ch_err_too_many", NULL);
	else
		http_reply_failed(r, rc);
}

static void create_api(http_req_t *r)
{
	if (!body_ok(r) || !ch_rate_guard(r, "chat.start", "chat.rate_start"))
		return;
	ch_ctx_t ctx;
	ch_ctx_from_req(&ctx, r);
	ctx.user = NULL; /* a conversation is always the citizen's */
	ctx.user_id = 0;
	ch_input_t in = {jstr(r, "service"), jstr(r, "name"), jstr(r, "email"),
			 jstr(r, "lang"),    jstr(r, "text"), json_is_true(json_object_get(r->json, "transcript"))};
	int64_t id = 0;
	char token[CH_TOKEN_LEN];
	fielderr_t errs = {0};
	int rc = ch_create(&ctx, &in, &id, token, &errs);
	if (rc == ERR_UNAVAILABLE) {
		int64_t pid = 0, office = 0;
		bool open;
		(void)ch_office_for(r->db, r->arena, in.service, ctx.now, &pid, &office, &open);
		http_reply_error(r, 409, "closed", "ch_err_closed",
				 jpack("{s:s}", "requests_url", ch_requests_url(&ctx, pid)));
		return;
	}
	if (rc == ERR_BUSY) {
		http_reply_error(r, 429, "too_many", "ch_err_per_client", NULL);
		return;
	}
	if (rc) {
		reply_rc(r, rc, &errs);
		return;
	}
	ch_chat_t ch;
	int64_t pos = 0;
	if (ch_store_get(r->db, r->arena, id, &ch, NULL) == 0)
		(void)ch_store_position(r->db, ch.office_id, id, &pos); /* 0: unknown place */
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 201,
			jpack("{s:I,s:s,s:s,s:I}", "id", (json_int_t)id, "token", token, "status", "waiting",
			      "position", (json_int_t)pos));
}

static void inbox_api(http_req_t *r)
{
	ch_ctx_t ctx;
	ch_ctx_from_req(&ctx, r);
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200,
			jpack("{s:o,s:o}", "waiting", ch_inbox_json(&ctx, "waiting", 0, false), "open",
			      ch_inbox_json(&ctx, "open", 0, false)));
}

static void get_api(http_req_t *r)
{
	ch_ctx_t ctx;
	ch_chat_t ch;
	if (!ch_rate_guard(r, "chat.read", "chat.rate_messages") || !load(r, &ctx, &ch))
		return;
	int64_t after = 0;
	(void)str_to_i64(http_query(r, "after"), 0, INT64_MAX, &after); /* 0: every message */
	if (!ctx.user && !str_eq(ch.status, "closed"))
		(void)ch_store_seen(r->db, ch.id, ctx.now); /* the citizen is still there */
	ch_msg_t *m;
	size_t n;
	int rc = ch_store_msgs(r->db, r->arena, ch.id, after, &m, &n);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	json_t *msgs = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(msgs, ch_msg_json(&m[i]));
	json_t *body = ch_status_json(&ctx, &ch);
	json_object_set_new(body, "messages", msgs);
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200, body);
}

static void events_api(http_req_t *r)
{
	ch_ctx_t ctx;
	ch_chat_t ch;
	if (!load(r, &ctx, &ch))
		return;
	http_reply_events(r, arena_printf(r->arena, "chat.c%lld", (long long)ch.id));
}

static void say_api(http_req_t *r)
{
	ch_ctx_t ctx;
	ch_chat_t ch;
	if (!body_ok(r) || !ch_staff_csrf(r) || !ch_rate_guard(r, "chat.say", "chat.rate_messages") ||
	    !load(r, &ctx, &ch))
		return;
	fielderr_t errs = {0};
	int64_t mid = 0;
	int rc = ch_say(&ctx, &ch, jstr(r, "text"), &mid, &errs);
	if (rc) {
		reply_rc(r, rc, &errs);
		return;
	}
	http_reply_json(r, 201, jpack("{s:I}", "id", (json_int_t)mid));
}

static void typing_api(http_req_t *r)
{
	ch_ctx_t ctx;
	ch_chat_t ch;
	if (!ch_staff_csrf(r) || !ch_rate_guard(r, "chat.say", "chat.rate_messages") || !load(r, &ctx, &ch))
		return;
	if (str_eq(ch.status, "closed")) {
		http_reply_error(r, 409, "bad_state", "ch_err_state", NULL);
		return;
	}
	json_t *d = jpack("{s:s}", "from", ctx.user ? "staff" : "citizen");
	ch_publish(&ctx, ch.id, "typing", d);
	json_decref(d);
	http_reply_json(r, 202, jpack("{s:b}", "ok", 1));
}

/* take, transfer and close by staff: the result is the conversation's status. */
static void staff_done(http_req_t *r, ch_ctx_t *ctx, int rc)
{
	ch_chat_t ch;
	if (!rc)
		rc = ch_store_get(r->db, r->arena, ch_path_id(r), &ch, NULL);
	if (rc) {
		reply_rc(r, rc, NULL);
		return;
	}
	http_reply_json(r, 200, ch_status_json(ctx, &ch));
}

static void take_api(http_req_t *r)
{
	ch_ctx_t ctx;
	ch_ctx_from_req(&ctx, r);
	staff_done(r, &ctx, ch_take(&ctx, ch_path_id(r)));
}

static void transfer_api(http_req_t *r)
{
	if (!body_ok(r))
		return;
	ch_ctx_t ctx;
	ch_ctx_from_req(&ctx, r);
	json_t *to = json_object_get(r->json, "to");
	if (to && !json_is_null(to) && !json_is_integer(to)) {
		http_reply_error(r, 422, "invalid", "ch_err_to", NULL);
		return;
	}
	staff_done(r, &ctx, ch_transfer(&ctx, ch_path_id(r), json_integer_value(to)));
}

static void close_api(http_req_t *r)
{
	ch_ctx_t ctx;
	ch_chat_t ch;
	if (!body_ok(r) || !ch_staff_csrf(r) || !load(r, &ctx, &ch))
		return;
	const char *outcome = ctx.user ? jstr(r, "outcome") : "left";
	int rc = ch_close(&ctx, ch.id, outcome);
	if (rc == ERR_INVALID) {
		fielderr_t e = {0};
		fielderr_add(&e, "outcome", "ch_err_outcome");
		reply_rc(r, rc, &e);
		return;
	}
	staff_done(r, &ctx, rc);
}

static void request_api(http_req_t *r)
{
	ch_ctx_t ctx;
	ch_chat_t ch;
	if (!body_ok(r) || !ch_staff_csrf(r) || !ch_rate_guard(r, "chat.start", "chat.rate_start") ||
	    !load(r, &ctx, &ch))
		return;
	requests_input_t in = {.email = jstr(r, "email"),
			       .phone = jstr(r, "phone"),
			       .answer_by = jstr(r, "answer_by"),
			       .call_from = jstr(r, "call_from"),
			       .call_to = jstr(r, "call_to")};
	requests_created_t out;
	fielderr_t errs = {0};
	int rc = ch_defer(&ctx, &ch, &in, &out, &errs);
	if (rc) {
		reply_rc(r, rc, &errs);
		return;
	}
	http_reply_json(r, 201,
			jpack("{s:s,s:s,s:s}", "code", out.code, "token", out.token, "status_url", out.status_url));
}

static void transcript_api(http_req_t *r)
{
	ch_ctx_t ctx;
	ch_chat_t ch;
	if (!body_ok(r) || !load(r, &ctx, &ch))
		return;
	int rc = ch_want_transcript(&ctx, &ch, jstr(r, "email"));
	if (rc == ERR_INVALID) {
		fielderr_t e = {0};
		fielderr_add(&e, "email", "ch_err_email_needed");
		reply_rc(r, rc, &e);
		return;
	}
	if (rc) {
		reply_rc(r, rc, NULL);
		return;
	}
	http_reply_json(r, 202, jpack("{s:b}", "transcript", 1));
}

const http_route_t ch_api_routes[] = {
	{HTTP_POST, "/api/v1/chats", create_api, RT_API | RT_JSON | RT_NO_CSRF | RT_DB, 0},
	{HTTP_GET, "/api/v1/chats", inbox_api, RT_API | RT_DB, CH_ROLES},
	{HTTP_GET, "/api/v1/chats/{id}", get_api, RT_API | RT_DB, 0},
	{HTTP_GET, "/api/v1/chats/{id}/events", events_api, RT_API | RT_DB, 0},
	{HTTP_POST, "/api/v1/chats/{id}/messages", say_api, RT_API | RT_JSON | RT_NO_CSRF | RT_DB, 0},
	{HTTP_POST, "/api/v1/chats/{id}/typing", typing_api, RT_API | RT_NO_CSRF | RT_DB, 0},
	{HTTP_POST, "/api/v1/chats/{id}/take", take_api, RT_API | RT_DB, CH_ROLES},
	{HTTP_POST, "/api/v1/chats/{id}/transfer", transfer_api, RT_API | RT_JSON | RT_DB, CH_ROLES},
	{HTTP_POST, "/api/v1/chats/{id}/close", close_api, RT_API | RT_JSON | RT_NO_CSRF | RT_DB, 0},
	{HTTP_POST, "/api/v1/chats/{id}/request", request_api, RT_API | RT_JSON | RT_NO_CSRF | RT_DB, 0},
	{HTTP_POST, "/api/v1/chats/{id}/transcript", transcript_api, RT_API | RT_JSON | RT_NO_CSRF | RT_DB, 0},
	{0},
};
