/* pages_case.c — one phone or video appointment for the informer, GET /remote/{code}: the
 * citizen, procedure, channel, state, the click-to-call link or the way into the room, the
 * call-back attempts, earlier contacts of the same person, the documents, and the actions:
 *   POST /remote/{code}/take      the informer takes it
 *   POST /remote/{code}/assign    a coordinator assigns it to an informer
 *   POST /remote/{code}/attempt   a call-back attempt: attended, no answer, wrong number, or
 *                                 rescheduled (to a time picked here)
 *   POST /remote/{code}/outcome   what was done, once attended
 * Each change is one transaction with its audit record; viewing the page is audited too. */
#include "remote/web.h"

#include "app.h"
#include "auth/auth.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "base/tz.h"
#include "http/form.h"
#include "http/kit.h"
#include "notify/notify.h"

#include <string.h>

#define CONTACTS_MAX 20
#define TIMES_MAX 60
#define TEXT_MAX 4000

/* The staff member's access; false when answered. */
static bool staff_case(http_req_t *r, rm_acc_t *x)
{
	int rc = rm_access(r, x);
	if (rc) {
		rm_reply_access(r, rc);
		return false;
	}
	return true;
}

static json_t *when_json(http_req_t *r, int64_t t)
{
	char date[16], time_s[8];
	rm_local(t, date, time_s);
	return json_string(arena_printf(r->arena, "%s %s", date, time_s));
}

static json_t *attempts_json(http_req_t *r, const rm_attempt_t *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, jpack("{s:o,s:s,s:s,s:s}", "when", when_json(r, v[i].at), "actor", v[i].actor,
					       "outcome", http_tf(r, "rm_out_%s", v[i].outcome), "note", v[i].note));
	return a;
}

static json_t *contacts_json(http_req_t *r, const booking_t *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		bool remote = rm_remote_channel(v[i].channel);
		json_array_append_new(a,
				      jpack("{s:s,s:o,s:s,s:s,s:s,s:s}", "code", v[i].code, "when",
					    when_json(r, v[i].start_at), "channel",
					    http_tf(r, "rm_ch_%s", v[i].channel), "service", rm_service_name(r, &v[i]),
					    "status", http_tf(r, "rm_st_%s", v[i].status), "href",
					    arena_printf(r->arena, remote ? "/remote/%s" : "/staff/cita/%s",
							 v[i].code)));
	}
	return a;
}

/* The informers a coordinator may assign, with the current one selected. */
static json_t *informers_json(http_req_t *r, int64_t current)
{
	auth_person_t *v;
	size_t n = 0;
	json_t *a = json_array();
	if (auth_people(r->db, r->arena, &v, &n))
		return a;
	for (size_t i = 0; i < n; i++)
		if (str_eq(v[i].role, "informer") || str_eq(v[i].role, "coordinator"))
			json_array_append_new(a, jpack("{s:I,s:s,s:b}", "id", (json_int_t)v[i].id, "label",
						       *v[i].name ? v[i].name : v[i].email, "selected",
						       v[i].id == current));
	return a;
}

/* Free times the appointment may move to (the staff's share first), for the "rescheduled"
 * outcome. */
static json_t *times_json(http_req_t *r, rm_acc_t *x)
{
	json_t *a = json_array();
	if (!str_eq(x->b.status, "booked"))
		return a;
	char from[16], to[16];
	rm_day(x->ctx.now, from);
	rm_day(x->ctx.now + 14 * 86400, to);
	booking_query_t q = {x->b.service_code, x->b.channel, NULL, from, to};
	booking_day_t *days;
	size_t nd = 0, count = 0;
	booking_err_t err = {0};
	if (booking_availability(&x->ctx, &q, &days, &nd, &err))
		return a;
	for (size_t d = 0; d < nd && count < TIMES_MAX; d++)
		for (size_t s = 0; s < days[d].nslots && count < TIMES_MAX; s++, count++) {
			const booking_slot_t *sl = &days[d].slots[s];
			if (sl->start_at == x->b.start_at)
				continue;
			json_array_append_new(a, jpack("{s:s,s:o}", "start", sl->start_iso, "label",
						       when_json(r, sl->start_at)));
		}
	return a;
}

static void case_page(http_req_t *r, int status, rm_acc_t *x, const char *notice_key, const char *err_key)
{
	rm_case_t k;
	rm_attempt_t *at;
	booking_t *contacts;
	size_t nat = 0, nc = 0;
	int64_t failed = 0;
	json_t *docs = NULL;
	if (rm_store_case(r->db, r->arena, x->b.id, &k) || rm_store_attempts(r->db, r->arena, x->b.id, &at, &nat) ||
	    rm_store_failed_attempts(r->db, x->b.id, &failed) ||
	    booking_contacts(&x->ctx, &x->b, CONTACTS_MAX, &contacts, &nc) || !(docs = rm_docs_json(r, x)) ||
	    auth_audit(r, "remote.case.view", arena_printf(r->arena, "appointment:%s", x->b.code), "")) {
		json_decref(docs);
		http_reply_unavailable(r);
		return;
	}
	const config_t *cfg = r->app->cfg;
	bool video = str_eq(x->b.channel, "video"), active = rm_active(&x->b);
	bool mine = k.informer_id && k.informer_id == r->user->id;
	int64_t open_at, close_at;
	rm_phase_t ph = rm_window(cfg, &x->b, x->ctx.now, &open_at, &close_at);
	json_t *m = jpack("{s:s,s:s,s:o,s:o,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "code", x->b.code, "service",
			  rm_service_name(r, &x->b), "when", when_json(r, x->b.start_at), "until",
			  when_json(r, x->b.end_at), "channel", http_tf(r, "rm_ch_%s", x->b.channel), "status",
			  http_tf(r, "rm_st_%s", x->b.status), "name", x->b.name, "id_type",
			  http_tf(r, "rm_id_%s", x->b.id_type), "id_number", x->b.id_number, "email", x->b.email,
			  "phone", x->b.phone, "lang", x->b.lang, "csrf", http_csrf_token(r));
	json_object_set_new(m, "is_video", json_boolean(video));
	json_object_set_new(m, "is_phone", json_boolean(!video));
	json_object_set_new(m, "active", json_boolean(active));
	json_object_set_new(m, "informer", json_string(k.informer));
	json_object_set_new(m, "assigned_by", json_string(k.assigned_by));
	json_object_set_new(m, "mine", json_boolean(mine));
	json_object_set_new(m, "can_take", json_boolean(active && !k.informer_id && (r->user->role & ROLE_INFORMER)));
	json_object_set_new(m, "can_assign", json_boolean(active && (r->user->role & RM_LEADS)));
	if (r->user->role & RM_LEADS)
		json_object_set_new(m, "informers", informers_json(r, k.informer_id));
	if (k.verified_at)
		json_object_set_new(m, "verified",
				    jpack("{s:o,s:s}", "when", when_json(r, k.verified_at), "by", k.verified_by));
	if (k.phone_requested_at)
		json_object_set_new(m, "phone_requested", when_json(r, k.phone_requested_at));
	if (k.rebook_sent_at)
		json_object_set_new(m, "rebook_sent", when_json(r, k.rebook_sent_at));
	if (k.outcome_at)
		json_object_set_new(m, "outcome",
				    jpack("{s:o,s:s,s:s,s:s,s:s}", "when", when_json(r, k.outcome_at), "by",
					  k.outcome_by, "procedures", k.procedures, "how",
					  http_tf(r, "rm_how_%s", k.done_how), "notes", k.notes));
	json_object_set_new(m, "call_link",
			    json_string(rm_call_link(r->arena, config_str(cfg, "remote.call_template"), x->b.phone)));
	if (video && active)
		json_object_set_new(m, "room",
				    jpack("{s:s,s:b,s:o,s:o}", "href", arena_printf(r->arena, "/video/%s", x->b.code),
					  "open", ph == RM_OPEN, "opens", when_json(r, open_at), "closes",
					  when_json(r, close_at)));
	json_object_set_new(m, "attempts", attempts_json(r, at, nat));
	json_object_set_new(m, "has_attempts", json_boolean(nat > 0));
	json_object_set_new(m, "failed", json_integer(failed));
	json_object_set_new(m, "max_attempts", json_integer(config_int(cfg, "remote.max_call_attempts")));
	json_object_set_new(m, "can_attempt", json_boolean(!video && str_eq(x->b.status, "booked")));
	json_object_set_new(m, "times", times_json(r, x));
	json_object_set_new(m, "can_outcome", json_boolean(active && !k.outcome_at));
	json_object_set_new(m, "contacts", contacts_json(r, contacts, nc));
	json_object_set_new(m, "has_contacts", json_boolean(nc > 0));
	json_object_set_new(m, "documents", docs);
	json_object_set_new(m, "has_documents", json_boolean(json_array_size(docs) > 0));
	json_object_set_new(m, "can_upload", json_boolean(!str_eq(x->b.status, "cancelled") && rm_keys()));
	char day[16];
	rm_day(x->b.start_at, day);
	json_object_set_new(m, "agenda_href", json_string(arena_printf(r->arena, "/remote?date=%s", day)));
	if (notice_key)
		json_object_set_new(m, "notice", json_string(http_t(r, notice_key)));
	if (err_key) {
		json_object_set_new(m, "has_errors", json_true());
		json_object_set_new(m, "errors",
				    jpack("[{s:s,s:s,s:s}]", "id", "rm-actions", "label", http_t(r, "rm_actions"),
					  "msg", http_t(r, err_key)));
	}
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_page(r, status, "remote/case", m);
}

static void case_get(http_req_t *r)
{
	rm_acc_t x;
	if (!staff_case(r, &x))
		return;
	const char *saved = http_query(r, "saved");
	const char *notice = NULL;
	if (saved && (str_eq(saved, "taken") || str_eq(saved, "assigned") || str_eq(saved, "attempt") ||
		      str_eq(saved, "rebook") || str_eq(saved, "outcome") || str_eq(saved, "document") ||
		      str_eq(saved, "rescheduled")))
		notice = arena_printf(r->arena, "rm_saved_%s", saved);
	case_page(r, 200, &x, notice, NULL);
}

/* ---------------------------------------------------------------- take, assign */

typedef struct {
	rm_acc_t *x;
	int64_t informer_id;
	const char *informer;
} assign_t;

/* Taking: the appointment must be free (or already the taker's); a colleague's is reassigned by a
 * coordinator. The case row is locked first, so two informers taking at once do not both win. */
static int take_write(http_req_t *r, void *ud)
{
	assign_t *a = ud;
	rm_case_t k;
	int rc = rm_store_case_touch(r->db, a->x->b.id, a->x->ctx.now);
	if (!rc)
		rc = rm_store_case(r->db, r->arena, a->x->b.id, &k);
	if (!rc && k.informer_id && k.informer_id != a->informer_id)
		return ERR_CONFLICT;
	if (!rc)
		rc = rm_store_assign(r->db, a->x->b.id, a->informer_id, a->informer, r->user->email, a->x->ctx.now);
	if (!rc)
		rc = rm_audit(r, a->x, "remote.case.take", a->informer);
	return rc;
}

static int assign_write(http_req_t *r, void *ud)
{
	assign_t *a = ud;
	int rc = rm_store_assign(r->db, a->x->b.id, a->informer_id, a->informer, r->user->email, a->x->ctx.now);
	if (!rc)
		rc = rm_audit(r, a->x, "remote.case.assign", a->informer);
	return rc;
}

static void take_post(http_req_t *r)
{
	rm_acc_t x;
	if (!staff_case(r, &x))
		return;
	if (!rm_active(&x.b)) {
		case_page(r, 409, &x, NULL, "rm_err_over");
		return;
	}
	assign_t a = {&x, r->user->id, r->user->email};
	int rc = http_tx(r, take_write, &a, NULL, NULL, NULL);
	if (rc == ERR_CONFLICT)
		case_page(r, 409, &x, NULL, "rm_err_taken");
	else if (rc == 0)
		http_reply_redirect(r, arena_printf(r->arena, "/remote/%s?saved=taken", x.b.code));
	else if (rc != HTTP_TX_ANSWERED)
		http_reply_failed(r, rc);
}

static void assign_post(http_req_t *r)
{
	rm_acc_t x;
	if (!staff_case(r, &x))
		return;
	if (!rm_active(&x.b)) {
		case_page(r, 409, &x, NULL, "rm_err_over");
		return;
	}
	int64_t id = 0;
	auth_person_t *v;
	size_t n = 0;
	const char *who = NULL;
	if (str_to_i64(form_str(r, "informer"), 1, INT64_MAX, &id) == 0) {
		if (auth_people(r->db, r->arena, &v, &n)) {
			http_reply_unavailable(r);
			return;
		}
		for (size_t i = 0; i < n; i++)
			if (v[i].id == id && (str_eq(v[i].role, "informer") || str_eq(v[i].role, "coordinator")))
				who = v[i].email;
	}
	if (!who) {
		case_page(r, 422, &x, NULL, "rm_err_informer");
		return;
	}
	assign_t a = {&x, id, who};
	if (http_tx_ok(r, assign_write, &a))
		http_reply_redirect(r, arena_printf(r->arena, "/remote/%s?saved=assigned", x.b.code));
}

/* ---------------------------------------------------------------- attempts */

typedef struct {
	rm_acc_t *x;
	const char *outcome, *note;
	bool rebook; /* the attempts are over: the citizen is told how to book again */
} attempt_t;

/* The citizen is told by e-mail (and SMS with a gateway) how to book again; the appointment is a
 * no-show. Inside the attempt's transaction. */
static int rebook(http_req_t *r, rm_acc_t *x)
{
	int rc = booking_transition_tx(&x->ctx, x->b.code, "no_show");
	json_t *model = rc ? NULL : booking_model(&x->ctx, &x->b, NULL, x->b.lang);
	if (!rc && !model)
		rc = ERR_DB;
	if (!rc) {
		json_object_set_new(model, "attempts",
				    json_integer(config_int(r->app->cfg, "remote.max_call_attempts")));
		notify_msg_t msg = {.kind = "remote_rebook",
				    .lang = x->b.lang,
				    .to_email = *x->b.email ? x->b.email : NULL,
				    .to_phone = *x->b.phone ? x->b.phone : NULL,
				    .model = model,
				    .dedupe_key = arena_printf(r->arena, "rebook:%s", x->b.code)};
		rc = msg.to_email || msg.to_phone ? notify_enqueue(r->db, &msg) : 0;
	}
	json_decref(model);
	if (!rc)
		rc = rm_store_stamp(r->db, x->b.id, "rebook_sent_at", x->ctx.now);
	return rc;
}

static int attempt_write(http_req_t *r, void *ud)
{
	attempt_t *a = ud;
	rm_acc_t *x = a->x;
	int rc = rm_store_case_touch(r->db, x->b.id, x->ctx.now);
	if (!rc)
		rc = rm_store_attempt_add(r->db, x->b.id, x->ctx.now, r->user->email, a->outcome, a->note);
	if (!rc)
		rc = rm_audit(r, x, "remote.call.attempt", a->outcome);
	if (rc)
		return rc;
	if (str_eq(a->outcome, "attended"))
		return booking_advance_tx(&x->ctx, &x->b, "in_service");
	int64_t failed = 0;
	if ((rc = rm_store_failed_attempts(r->db, x->b.id, &failed)) != 0)
		return rc;
	/* A wrong number cannot be retried; no answer can, up to remote.max_call_attempts. */
	a->rebook = str_eq(a->outcome, "wrong_number") || failed >= config_int(r->app->cfg, "remote.max_call_attempts");
	return a->rebook ? rebook(r, x) : 0;
}

/* The rescheduled outcome: the attempt is written by booking's audit hook, inside the move's own
 * transaction, so the move and its record commit together or not at all. */
typedef struct {
	http_req_t *r;
	attempt_t *a;
} hook_t;

static int resched_audit(void *ud, const char *action, const char *code, const char *detail)
{
	hook_t *h = ud;
	rm_acc_t *x = h->a->x;
	int rc = rm_store_case_touch(h->r->db, x->b.id, x->ctx.now);
	if (!rc)
		rc = rm_store_attempt_add(h->r->db, x->b.id, x->ctx.now, h->r->user->email, "rescheduled",
					  *h->a->note ? h->a->note : detail);
	if (!rc)
		rc = auth_audit(h->r, action, arena_printf(h->r->arena, "appointment:%s", code), detail);
	return rc;
}

static void attempt_post(http_req_t *r)
{
	rm_acc_t x;
	if (!staff_case(r, &x))
		return;
	attempt_t a = {&x, form_str(r, "outcome"), form_text(r, "note"), false};
	if (str_eq(x.b.channel, "video") || !str_eq(x.b.status, "booked")) {
		case_page(r, 409, &x, NULL, "rm_err_no_attempt");
		return;
	}
	if (!rm_attempt_valid(a.outcome) || strlen(a.note) > TEXT_MAX) {
		case_page(r, 422, &x, NULL, "rm_err_outcome");
		return;
	}
	if (str_eq(a.outcome, "rescheduled")) {
		hook_t h = {r, &a};
		x.ctx.audit = resched_audit;
		x.ctx.audit_ud = &h;
		booking_err_t err = {0};
		int rc = booking_reschedule(&x.ctx, x.b.code, NULL, NULL, form_str(r, "start"), 0, NULL, &err);
		if (rc == ERR_INVALID || rc == ERR_CONFLICT || rc == ERR_BUSY)
			case_page(r, rc == ERR_INVALID ? 422 : 409, &x, NULL,
				  rc == ERR_INVALID ? "rm_err_time" : "rm_err_time_taken");
		else if (rc)
			http_reply_failed(r, rc == ERR_NOT_FOUND ? ERR_DB : rc);
		else
			http_reply_redirect(r, arena_printf(r->arena, "/remote/%s?saved=rescheduled", x.b.code));
		return;
	}
	if (http_tx_ok(r, attempt_write, &a))
		http_reply_redirect(r, arena_printf(r->arena, "/remote/%s?saved=%s", x.b.code,
						    a.rebook ? "rebook" : "attempt"));
}

/* ---------------------------------------------------------------- outcome */

typedef struct {
	rm_acc_t *x;
	const char *procedures, *how, *notes;
} outcome_t;

static int outcome_write(http_req_t *r, void *ud)
{
	outcome_t *o = ud;
	rm_acc_t *x = o->x;
	int rc = rm_store_outcome(r->db, x->b.id, r->user->email, o->procedures, o->how, o->notes, x->ctx.now);
	if (!rc)
		rc = rm_audit(r, x, "remote.case.outcome", o->how);
	if (!rc)
		rc = rm_end_attention(&x->ctx, &x->b); /* the survey's invitation follows from there */
	return rc;
}

static void outcome_post(http_req_t *r)
{
	rm_acc_t x;
	if (!staff_case(r, &x))
		return;
	outcome_t o = {&x, form_text(r, "procedures"), form_str(r, "how"), form_text(r, "notes")};
	if (!rm_active(&x.b)) {
		case_page(r, 409, &x, NULL, "rm_err_over");
		return;
	}
	if (!*o.procedures || strlen(o.procedures) > TEXT_MAX || strlen(o.notes) > TEXT_MAX ||
	    !(str_eq(o.how, "for") || str_eq(o.how, "with") || str_eq(o.how, "none"))) {
		case_page(r, 422, &x, NULL, "rm_err_outcome_fields");
		return;
	}
	if (http_tx_ok(r, outcome_write, &o))
		http_reply_redirect(r, arena_printf(r->arena, "/remote/%s?saved=outcome", x.b.code));
}

const http_route_t rm_case_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/remote/{code}", case_get, RT_DB, RM_STAFF},
	{HTTP_POST, "/remote/{code}/take", take_post, RT_FORM | RT_DB, ROLE_INFORMER},
	{HTTP_POST, "/remote/{code}/assign", assign_post, RT_FORM | RT_DB, RM_LEADS},
	{HTTP_POST, "/remote/{code}/attempt", attempt_post, RT_FORM | RT_DB, RM_STAFF},
	{HTTP_POST, "/remote/{code}/outcome", outcome_post, RT_FORM | RT_DB, RM_STAFF},
	{0},
};
