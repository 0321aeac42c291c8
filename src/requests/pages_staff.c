/* pages_staff.c — the work queue of deferred requests (person-facing staff):
 *   GET  /staff/requests                 the queue: ?status=&mine=1&overdue=1, by due time
 *   GET  /staff/requests/overdue         what is overdue, for the coordinators
 *   GET  /staff/requests/new             a request recorded on the citizen's behalf (010, office)
 *   POST /staff/requests/new
 *   GET  /staff/requests/{code}          one request: its history, the person's timeline (an
 *                                        audited view), the forms of the actions
 *   POST /staff/requests/{code}/{action} assign, status, note, answer, call */
#include "requests/web.h"

#include "app.h"
#include "auth/auth.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "http/form.h"
#include "http/kit.h"
#include "people/people.h"

#include <string.h>

static void queue_page(http_req_t *r, bool overdue)
{
	requests_ctx_t ctx;
	rq_ctx_from_req(&ctx, r);
	const char *status = overdue ? "" : http_query(r, "status");
	if (status && *status && !str_eq(status, "all") && !RQ_IN(status, rq_statuses))
		status = "";
	bool mine = !overdue && str_eq(http_query(r, "mine"), "1");
	rq_t *v;
	size_t n;
	int64_t count = 0;
	int rc = rq_store_list(r->db, r->arena, status, mine ? r->user->id : 0, overdue, ctx.now, &v, &n);
	if (!rc)
		rc = requests_overdue_count(r->db, ctx.now, &count);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	json_t *list = rq_list_json(&ctx, v, n);
	json_t *statuses = json_array();
	for (size_t i = 0; i < 5; i++)
		json_array_append_new(statuses, jpack("{s:s,s:s,s:b}", "value", rq_statuses[i], "label",
						      http_tf(r, "rq_status_%s", rq_statuses[i]), "on",
						      str_eq(status, rq_statuses[i])));
	json_t *m = jpack("{s:o,s:b,s:o,s:I,s:b,s:b,s:b}", "requests", list, "has_requests", n > 0, "statuses",
			  statuses, "overdue_count", (json_int_t)count, "mine", mine, "overdue_view", overdue, "board",
			  (r->user->role & RQ_BOARD) != 0);
	http_reply_page(r, 200, "requests/queue", m);
}

static void queue_get(http_req_t *r)
{
	queue_page(r, false);
}

static void overdue_get(http_req_t *r)
{
	queue_page(r, true);
}

static json_t *sources_model(http_req_t *r, const char *cur)
{
	static const char *const staff_sources[] = {"phone", "office"};
	json_t *a = json_array();
	for (size_t i = 0; i < 2; i++)
		json_array_append_new(a, jpack("{s:s,s:s,s:b}", "value", staff_sources[i], "label",
					       http_tf(r, "rq_source_%s", staff_sources[i]), "on",
					       str_eq(cur, staff_sources[i])));
	return a;
}

/* The staff form: the citizen's, plus where the request came from. */
static void staff_form(http_req_t *r, int status, form_t *fm)
{
	rq_form_page(r, status, fm, "requests/staff_new",
		     jpack("{s:o}", "sources", sources_model(r, form_str(r, "source"))));
}

static void new_get(http_req_t *r)
{
	form_t fm = form_new(r, "rq");
	staff_form(r, 200, &fm);
}

static void new_post(http_req_t *r)
{
	requests_created_t out;
	fielderr_t errs = {0};
	int rc = rq_create_from(r, false, &out, &errs);
	if (rc == ERR_INVALID) {
		form_t fm = form_new(r, "rq");
		rq_form_errors(r, &fm, &errs);
		staff_form(r, 422, &fm);
		return;
	}
	if (rc) {
		http_reply_failed(r, ERR_DB);
		return;
	}
	http_reply_redirect(r, arena_printf(r->arena, "/staff/requests/%s?nova=1", out.code));
}

/* The person's panel beside the request: a view of their record, audited with the request as
 * its reason. NULL when the request names nobody (or on a storage failure, logged: the request
 * page still shows). */
static json_t *person_panel(http_req_t *r, const rq_t *q)
{
	if (!q->person_id)
		return NULL;
	if (auth_audit(r, "people.view", arena_printf(r->arena, "person:%lld", (long long)q->person_id),
		       arena_printf(r->arena, "request: %s", q->code)))
		return NULL;
	int rc;
	return people_panel(r->app, r->db, r->arena, q->person_id, r->lang, &rc);
}

static json_t *staff_options(http_req_t *r)
{
	auth_person_t *v;
	size_t n;
	json_t *a = json_array();
	if (auth_people(r->db, r->arena, &v, &n))
		return a;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, jpack("{s:I,s:s,s:b}", "id", (json_int_t)v[i].id, "label",
					       *v[i].name ? v[i].name : v[i].email, "me", v[i].id == r->user->id));
	return a;
}

static void request_page(http_req_t *r, int status, const char *notice_key)
{
	requests_ctx_t ctx;
	rq_ctx_from_req(&ctx, r);
	rq_t q;
	int rc = rq_get(&ctx, http_param(r, "code"), NULL, NULL, &q);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	json_t *m = rq_model(&ctx, &q, true);
	json_t *panel = person_panel(r, &q);
	if (panel)
		json_object_set_new(m, "panel", panel);
	json_object_set_new(m, "staff", staff_options(r));
	json_object_set_new(m, "can_email", json_boolean(*q.email));
	json_object_set_new(m, "can_sms", json_boolean(*q.phone && *config_str(r->app->cfg, "sms.gateway_url")));
	json_object_set_new(m, "can_call", json_boolean(*q.phone));
	json_object_set_new(m, "is_open",
			    json_boolean(str_eq(q.status, "new") || str_eq(q.status, "assigned") ||
					 str_eq(q.status, "waiting")));
	json_object_set_new(m, "is_closed", json_boolean(str_eq(q.status, "closed")));
	if (notice_key)
		json_object_set_new(m, "notice", json_string(http_t(r, notice_key)));
	http_reply_page(r, status, "requests/request", m);
}

static void request_get(http_req_t *r)
{
	request_page(r, 200, http_query(r, "nova") ? "rq_recorded" : http_query(r, "fet") ? "rq_done" : NULL);
}

static void action_post(http_req_t *r)
{
	const char *action = http_param(r, "action");
	static const char *const actions[] = {"assign", "status", "note", "answer", "call"};
	if (!rq_in(action, actions, 5)) {
		http_reply_not_found(r);
		return;
	}
	requests_ctx_t ctx;
	rq_ctx_from_req(&ctx, r);
	int64_t assignee = 0;
	if (str_eq(action, "assign") && str_to_i64(form_str(r, "assignee"), 1, INT64_MAX, &assignee)) {
		http_reply_error(r, 422, "invalid", "rq_err_assignee", NULL);
		return;
	}
	rq_act_t act = {.action = action,
			.assignee = assignee,
			.to = form_str(r, "to"),
			.text = form_text(r, "text"),
			.channel = form_str(r, "channel"),
			.ask = form_check(r, "ask"),
			.outcome = form_str(r, "outcome")};
	fielderr_t errs = {0};
	if (!rq_act_page(r, rq_act(&ctx, http_param(r, "code"), NULL, NULL, &act, &errs), &errs))
		return;
	http_reply_redirect(r, arena_printf(r->arena, "/staff/requests/%s?fet=1", http_param(r, "code")));
}

const http_route_t rq_staff_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/staff/requests", queue_get, RT_DB, RQ_ROLES},
	{HTTP_GET | HTTP_HEAD, "/staff/requests/overdue", overdue_get, RT_DB, RQ_BOARD},
	{HTTP_GET | HTTP_HEAD, "/staff/requests/new", new_get, RT_DB, RQ_ROLES},
	{HTTP_POST, "/staff/requests/new", new_post, RT_FORM | RT_DB, RQ_ROLES},
	{HTTP_GET | HTTP_HEAD, "/staff/requests/{code}", request_get, RT_DB, RQ_ROLES},
	{HTTP_POST, "/staff/requests/{code}/{action}", action_post, RT_FORM | RT_DB, RQ_ROLES},
	{0},
};
