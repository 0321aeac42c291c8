/* api.c — the requests API (docs/api.md):
 *   POST /api/v1/requests                    a new request (anyone; staff may give a source)
 *   GET  /api/v1/requests/overdue            {"count","requests"} for the coordinators' board
 *   GET  /api/v1/requests                    the queue (staff): ?status=&mine=1&overdue=1
 *   GET  /api/v1/requests/{code}?token=      the request (the citizen with its token; staff)
 *   POST /api/v1/requests/{code}/add?token=  the citizen adds what was asked {"text"}
 *   POST /api/v1/requests/{code}/{action}    staff: assign, status, note, answer, call */
#include "requests/web.h"

#include "app.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "base/tz.h"
#include "http/kit.h"

#include <string.h>

static void create_api(http_req_t *r)
{
	if (!json_is_object(r->json)) {
		http_reply_error(r, 400, "bad_json", "err_bad_json", NULL);
		return;
	}
	if (!rq_rate_guard(r, true))
		return;
	requests_created_t out;
	fielderr_t errs = {0};
	int rc = rq_create_from(r, false, &out, &errs);
	if (rc == ERR_INVALID) {
		http_reply_fields(r, 422, "invalid", "rq_err_form", &errs);
		return;
	}
	if (rc) {
		http_reply_failed(r, rc == ERR_NOT_FOUND ? ERR_DB : rc);
		return;
	}
	char due[TZ_ISO_LEN];
	tz_format_iso(tz_utc(), out.due_at, due);
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 201,
			jpack("{s:s,s:s,s:s,s:s,s:s}", "code", out.code, "token", out.token, "status", "new", "due_at",
			      due, "status_url", out.status_url));
}

static void overdue_api(http_req_t *r)
{
	requests_ctx_t ctx;
	rq_ctx_from_req(&ctx, r);
	rq_t *v;
	size_t n;
	int64_t count = 0;
	int rc = rq_store_list(r->db, r->arena, "", 0, true, ctx.now, &v, &n);
	if (!rc)
		rc = requests_overdue_count(r->db, ctx.now, &count);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	/* The board shows codes and topics, never who asked. */
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		char due[TZ_ISO_LEN];
		tz_format_iso(tz_utc(), v[i].due_at, due);
		json_array_append_new(a,
				      jpack("{s:s,s:s,s:s,s:s,s:b}", "code", v[i].code, "topic", v[i].topic, "status",
					    v[i].status, "due_at", due, "assigned", v[i].assignee_id != 0));
	}
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200, jpack("{s:I,s:o}", "count", (json_int_t)count, "requests", a));
}

static void list_api(http_req_t *r)
{
	requests_ctx_t ctx;
	rq_ctx_from_req(&ctx, r);
	const char *status = http_query(r, "status");
	if (status && *status && !str_eq(status, "all") && !RQ_IN(status, rq_statuses)) {
		http_reply_error(r, 422, "invalid", "rq_err_status", NULL);
		return;
	}
	rq_t *v;
	size_t n;
	int rc = rq_store_list(r->db, r->arena, status, str_eq(http_query(r, "mine"), "1") ? r->user->id : 0,
			       str_eq(http_query(r, "overdue"), "1"), ctx.now, &v, &n);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200, jpack("{s:o}", "requests", rq_list_json(&ctx, v, n)));
}

static void get_api(http_req_t *r)
{
	if (!rq_rate_guard(r, false))
		return;
	requests_ctx_t ctx;
	rq_ctx_from_req(&ctx, r);
	rq_t q;
	int rc = rq_get(&ctx, http_param(r, "code"), http_query(r, "token"), http_query(r, "contact"), &q);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_json(r, 200, rq_model(&ctx, &q, ctx.user != NULL));
}

/* An action; the citizen's "add" proves ownership with ?token= (or the body's "contact"). */
static void act_api(http_req_t *r, const char *action)
{
	if (!json_is_object(r->json)) {
		http_reply_error(r, 400, "bad_json", "err_bad_json", NULL);
		return;
	}
	requests_ctx_t ctx;
	rq_ctx_from_req(&ctx, r);
	if (str_eq(action, "add")) {
		if (!rq_rate_guard(r, true))
			return;
		ctx.user = NULL; /* the citizen's own words, even when staff try it */
		ctx.user_id = 0;
	}
	json_t *j = r->json;
	rq_act_t act = {.action = action,
			.assignee = json_integer_value(json_object_get(j, "assignee")),
			.to = json_string_value(json_object_get(j, "to")),
			.text = json_string_value(json_object_get(j, "text")),
			.channel = json_string_value(json_object_get(j, "channel")),
			.ask = json_is_true(json_object_get(j, "ask")),
			.outcome = json_string_value(json_object_get(j, "outcome"))};
	fielderr_t errs = {0};
	const char *code = http_param(r, "code");
	int rc = rq_act(&ctx, code, http_query(r, "token"), json_string_value(json_object_get(j, "contact")), &act,
			&errs);
	if (rc == ERR_INVALID) {
		http_reply_fields(r, 422, "invalid", "rq_err_form", &errs);
		return;
	}
	if (rc == ERR_CONFLICT) {
		http_reply_error(r, 409, "bad_state", "rq_err_state", NULL);
		return;
	}
	rq_t q;
	if (!rc)
		rc = rq_get(&ctx, code, http_query(r, "token"), json_string_value(json_object_get(j, "contact")), &q);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	http_reply_json(r, 200, rq_model(&ctx, &q, ctx.user != NULL));
}

static void add_api(http_req_t *r)
{
	act_api(r, "add");
}

static void staff_act_api(http_req_t *r)
{
	const char *action = http_param(r, "action");
	static const char *const actions[] = {"assign", "status", "note", "answer", "call"};
	if (!rq_in(action, actions, 5)) {
		http_reply_not_found(r);
		return;
	}
	act_api(r, action);
}

const http_route_t rq_api_routes[] = {
	{HTTP_POST, "/api/v1/requests", create_api, RT_API | RT_JSON | RT_NO_CSRF | RT_DB, 0},
	{HTTP_GET, "/api/v1/requests/overdue", overdue_api, RT_API | RT_DB, RQ_BOARD | ROLE_DISPLAY},
	{HTTP_GET, "/api/v1/requests", list_api, RT_API | RT_DB, RQ_ROLES},
	{HTTP_GET, "/api/v1/requests/{code}", get_api, RT_API | RT_DB, 0},
	{HTTP_POST, "/api/v1/requests/{code}/add", add_api, RT_API | RT_JSON | RT_NO_CSRF | RT_DB, 0},
	{HTTP_POST, "/api/v1/requests/{code}/{action}", staff_act_api, RT_API | RT_JSON | RT_DB, RQ_ROLES},
	{0},
};
