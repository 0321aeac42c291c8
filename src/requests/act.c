/* act.c — what happens to a request after it is made: staff assign it, ask the citizen, note,
 * answer through the outbox or by phone, close or reopen it; the citizen adds what was asked; the
 * job escalates overdue ones and forgets old ones; the citizen record's hooks. */
#include "requests/internal.h"

#include "app.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/rand.h"
#include "base/str.h"
#include "base/text.h"
#include "bus/bus.h"
#include "notify/notify.h"
#include "view/i18n.h"

#include <string.h>

/* The status an action leads to from cur (NULL: not allowed from cur; "" : unchanged). */
static const char *next_status(const rq_act_t *act, const rq_t *r)
{
	const char *cur = r->status;
	bool open = str_eq(cur, "new") || str_eq(cur, "assigned") || str_eq(cur, "waiting");
	const char *back = r->assignee_id ? "assigned" : "new";
	if (str_eq(act->action, "assign"))
		return str_eq(cur, "closed") ? NULL : str_eq(cur, "new") ? "assigned" : "";
	if (str_eq(act->action, "note"))
		return "";
	if (str_eq(act->action, "answer"))
		return open ? (act->ask ? "waiting" : "answered") : NULL;
	if (str_eq(act->action, "call"))
		return !open                              ? NULL
		       : str_eq(act->outcome, "answered") ? "answered"
		       : str_eq(act->outcome, "waiting")  ? "waiting"
							  : "";
	if (str_eq(act->action, "add"))
		return str_eq(cur, "waiting") || str_eq(cur, "answered") ? back : NULL;
	if (str_eq(act->action, "status")) {
		if (str_eq(act->to, "waiting"))
			return str_eq(cur, "new") || str_eq(cur, "assigned") ? "waiting" : NULL;
		if (str_eq(act->to, "closed"))
			return str_eq(cur, "closed") ? NULL : "closed";
		if (str_eq(act->to, "assigned"))
			return str_eq(cur, "answered") || str_eq(cur, "closed") || str_eq(cur, "waiting") ? back : NULL;
	}
	return NULL;
}

/* The checks of an action's own fields (the text is cleaned into *text). */
static void check_act(requests_ctx_t *ctx, const rq_act_t *act, const rq_t *r, const char **text, fielderr_t *errs)
{
	bool needs_text = str_eq(act->action, "note") || str_eq(act->action, "answer") || str_eq(act->action, "call") ||
			  str_eq(act->action, "add");
	*text = "";
	if (needs_text && (text_clean(ctx->a, act->text, REQUESTS_TEXT_MAX, true, text) || !**text))
		fielderr_add(errs, "text", "rq_err_text");
	if (str_eq(act->action, "answer")) {
		bool sms_on = *config_str(ctx->cfg, "sms.gateway_url") != '\0';
		if (str_eq(act->channel, "email") ? !*r->email
		    : str_eq(act->channel, "sms") ? !*r->phone || !sms_on
						  : true)
			fielderr_add(errs, "channel", "rq_err_channel");
	}
	if (str_eq(act->action, "call") &&
	    (!*r->phone || !(str_eq(act->outcome, "answered") || str_eq(act->outcome, "waiting") ||
			     str_eq(act->outcome, "no_answer"))))
		fielderr_add(errs, "outcome", "rq_err_outcome");
	if (str_eq(act->action, "status") &&
	    !(str_eq(act->to, "waiting") || str_eq(act->to, "closed") || str_eq(act->to, "assigned")))
		fielderr_add(errs, "to", "rq_err_to");
	if (!str_eq(act->action, "add") && !ctx->user)
		fielderr_add(errs, "action", "rq_err_action");
}

/* The answer through the outbox: to the e-mail or, as a short SMS, to the phone. */
static int notify_answer(requests_ctx_t *ctx, const rq_t *r, const rq_act_t *act, const char *text)
{
	char once[RAND_TOKEN_HEX_LEN];
	rand_token_hex(once); /* every answer is a message of its own */
	if (ctx->demo)
		return 0;
	const char *url = arena_printf(ctx->a, "%s/consulta/%s", rq_public(ctx), r->code);
	json_t *m = jpack("{s:s,s:s,s:s,s:s,s:s,s:b}", "code", r->code, "manage_url", url, "status_url", url, "name",
			  r->name, "answer", text, "ask", act->ask);
	bool sms = str_eq(act->channel, "sms");
	notify_msg_t msg = {.kind = act->ask ? "requests_question" : "requests_answer",
			    .lang = r->lang,
			    .to_email = sms ? NULL : r->email,
			    .to_phone = sms ? r->phone : NULL,
			    .model = m,
			    .dedupe_key = arena_printf(ctx->a, "request:%s:answer:%.16s", r->code, once)};
	int rc = notify_enqueue(ctx->c, &msg);
	json_decref(m);
	return rc;
}

static int act_in_tx(requests_ctx_t *ctx, const rq_t *r, const rq_act_t *act, const char *to, const char *text)
{
	const char *actor = ctx->user ? ctx->user : "citizen";
	int rc = 0;
	if (*to) {
		int moved = rq_store_status(ctx->c, r->id, r->status, to, ctx->now);
		if (moved <= 0)
			return moved < 0 ? moved : ERR_CONFLICT;
	}
	if (str_eq(act->action, "assign"))
		rc = rq_store_assign(ctx->c, r->id, act->assignee ? act->assignee : ctx->user_id, ctx->now);
	rq_event_t e = {.at = ctx->now,
			.kind = str_eq(act->action, "add") ? "citizen" : act->action,
			.actor = actor,
			.from_status = *to ? r->status : "",
			.to_status = to,
			.text = text,
			.channel = str_eq(act->action, "answer") ? act->channel
				   : str_eq(act->action, "call") ? "phone"
								 : "",
			/* The citizen sees answers, their own additions and the status; never notes. */
			.public = !str_eq(act->action, "note") && !str_eq(act->action, "assign")};
	if (!rc)
		rc = rq_store_event_add(ctx->c, r->id, &e);
	if (!rc && str_eq(act->action, "answer"))
		rc = notify_answer(ctx, r, act, text);
	if (!rc && ctx->audit)
		rc = ctx->audit(ctx->audit_ud, arena_printf(ctx->a, "requests.%s", act->action), r->code,
				*to ? to : act->action);
	return rc;
}

int rq_act(requests_ctx_t *ctx, const char *code, const char *token, const char *contact, const rq_act_t *act,
	   fielderr_t *errs)
{
	rq_t r;
	int rc = db_begin(ctx->c);
	if (rc)
		return rc;
	rc = rq_get(ctx, code, token, contact, &r);
	const char *text = "", *to = NULL;
	if (!rc) {
		check_act(ctx, act, &r, &text, errs);
		if (errs->n)
			rc = ERR_INVALID;
		else if (!(to = next_status(act, &r)))
			rc = ERR_CONFLICT;
	}
	if (!rc)
		rc = act_in_tx(ctx, &r, act, to, text);
	if (!rc)
		rc = db_commit(ctx->c);
	if (rc)
		db_rollback(ctx->c);
	return rc;
}

/* ---------------------------------------------------------------- the job */

int rq_job(app_t *app, db_conn_t *c, int64_t now)
{
	arena_t *a = arena_new();
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = db_begin(c);
	if (!rc)
		rc = rq_store_escalate(c, a, now, &ids, &n);
	for (size_t i = 0; !rc && i < n; i++) {
		rq_event_t e = {.at = now, .kind = "escalated", .actor = "job"};
		rc = rq_store_event_add(c, ids[i], &e);
	}
	int64_t purged = 0;
	if (!rc)
		rc = rq_store_purge(c, now - config_int(app->cfg, "requests.keep_days") * 86400, &purged);
	if (!rc)
		rc = db_commit(c);
	else
		db_rollback(c);
	int64_t count = 0;
	if (!rc && n && app->bus && requests_overdue_count(c, now, &count) == 0) {
		/* The coordinators' board and the queue pages refresh their count. */
		json_t *d = jpack("{s:I,s:I}", "overdue", (json_int_t)count, "escalated", (json_int_t)n);
		(void)bus_publish(app->bus, "requests.board", "overdue", d, NULL);
		json_decref(d);
		log_info("requests: %zu request%s escalated, %lld overdue", n, n == 1 ? "" : "s", (long long)count);
	}
	arena_free(a);
	return rc;
}

/* ---------------------------------------------------------------- the citizen record */

int rq_timeline(app_t *app, db_conn_t *c, cap_tl_t *tl)
{
	for (size_t i = 0; i < tl->nids; i++) {
		rq_t *v;
		size_t n;
		int rc = rq_store_by_person(c, tl->a, tl->ids[i], &v, &n);
		if (rc)
			return rc;
		for (size_t k = 0; k < n; k++) {
			cap_tl_entry_t *e = cap_tl_add(tl);
			e->at = v[k].created_at;
			e->kind = "request";
			e->ref = v[k].code;
			e->status = i18n_get(tl->lang, arena_printf(tl->a, "rq_status_%s", v[k].status));
			e->summary = arena_printf(tl->a, "%s · %s",
						  i18n_get(tl->lang, arena_printf(tl->a, "rq_topic_%s", v[k].topic)),
						  text_cut(tl->a, v[k].text, 80));
			e->href = arena_printf(tl->a, "/staff/requests/%s", v[k].code);
			if (!tl->full)
				continue;
			rq_event_t *ev;
			size_t ne;
			rc = rq_store_events(c, tl->a, v[k].id, true, &ev, &ne);
			if (rc)
				return rc;
			const char *d =
				arena_printf(tl->a, "%s\n%s · %s · %s", v[k].text, v[k].name, v[k].email, v[k].phone);
			for (size_t j = 0; j < ne; j++)
				if (*ev[j].text)
					d = arena_printf(tl->a, "%s\n[%s] %s", d, ev[j].kind, ev[j].text);
			e->detail = d;
		}
	}
	return 0;
}

int rq_board_card(db_conn_t *c, arena_t *a, const char *lang, int64_t now, floor_board_card_t *out)
{
	int64_t n = 0;
	int rc = requests_overdue_count(c, now, &n);
	if (rc)
		return rc;
	out->label = i18n_get(lang, "rq_board_overdue");
	out->count = n;
	out->alert = n > 0;
	out->href = "/staff/requests/overdue";
	out->topic = "requests.board";
	out->event = "overdue";
	return 0;
}

int rq_erase(app_t *app, db_conn_t *c, const int64_t *ids, size_t n, int64_t now)
{
	return cap_erase_each(c, ids, n, rq_store_erase_person);
}
