/* pages_staff.c — the informers' chat inbox (static/chat.js keeps it live; every action is also
 * a plain form):
 *   GET  /staff/chat                    waiting conversations, mine, the others open
 *   GET  /staff/chat/{id}               one conversation: messages, quick replies (with the
 *                                       procedure's documents and online link), the citizen's
 *                                       timeline when identified (an audited view), the actions
 *   POST /staff/chat/{id}/{action}      say, take, transfer, close, identify */
#include "chat/web.h"

#include "app.h"
#include "auth/auth.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "catalog/catalog.h"
#include "http/form.h"
#include "http/kit.h"
#include "people/people.h"
#include "view/i18n.h"

#include <string.h>

static void inbox_get(http_req_t *r)
{
	ch_ctx_t ctx;
	ch_ctx_from_req(&ctx, r);
	json_t *w = ch_inbox_json(&ctx, "waiting", 0, false), *mine = ch_inbox_json(&ctx, "open", ctx.user_id, false),
	       *others = ch_inbox_json(&ctx, "open", 0, true);
	json_t *m = jpack("{s:o,s:o,s:o,s:b,s:b,s:b,s:b,s:I}", "waiting", w, "mine", mine, "others", others,
			  "has_waiting", json_array_size(w) > 0, "has_mine", json_array_size(mine) > 0, "has_others",
			  json_array_size(others) > 0, "coordinator", ctx.coordinator, "max",
			  (json_int_t)config_int(r->app->cfg, "chat.max_per_agent"));
	http_reply_page(r, 200, "chat/inbox", m);
}

/* The quick replies of the procedure, and its documents and online link as replies too. */
static json_t *replies_model(ch_ctx_t *ctx, const ch_chat_t *ch)
{
	json_t *a = json_array();
	ch_reply_t *v;
	size_t n;
	if (ch_store_replies(ctx->c, ctx->a, ch->procedure_id, &v, &n) == 0)
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, jpack("{s:s,s:s}", "title", v[i].title, "body", v[i].body));
	catalog_procedure_t p;
	cat_proc_t full;
	if (catalog_procedure_by_id(ctx->c, ctx->a, ch->procedure_id, &p) ||
	    catalog_procedure_full(ctx->c, ctx->a, p.code, &full))
		return a;
	int l = str_eq(ch->lang, "es") ? 1 : str_eq(ch->lang, "en") ? 2 : 0;
	const cat_list_t *docs = &full.docs[l];
	if (docs->n) {
		const char *body = i18n_get(ch->lang, "ch_docs_intro");
		for (size_t i = 0; i < docs->n; i++)
			body = arena_printf(ctx->a, "%s\n- %s", body, docs->v[i]);
		json_array_append_new(a,
				      jpack("{s:s,s:s}", "title", i18n_get(ctx->lang, "ch_insert_docs"), "body", body));
	}
	if (full.online_url && *full.online_url)
		json_array_append_new(a, jpack("{s:s,s:s}", "title", i18n_get(ctx->lang, "ch_insert_link"), "body",
					       arena_printf(ctx->a, "%s %s", i18n_get(ch->lang, "ch_link_intro"),
							    full.online_url)));
	return a;
}

static json_t *agents_model(http_req_t *r)
{
	auth_person_t *v;
	size_t n;
	json_t *a = json_array();
	if (auth_people(r->db, r->arena, &v, &n))
		return a;
	for (size_t i = 0; i < n; i++)
		if (v[i].id != r->user->id)
			json_array_append_new(a, jpack("{s:I,s:s}", "id", (json_int_t)v[i].id, "label",
						       *v[i].name ? v[i].name : v[i].email));
	return a;
}

static json_t *outcomes_model(http_req_t *r)
{
	json_t *a = json_array();
	for (size_t i = 0; i < sizeof ch_outcomes / sizeof *ch_outcomes; i++)
		json_array_append_new(a, jpack("{s:s,s:s}", "value", ch_outcomes[i], "label",
					       http_tf(r, "ch_outcome_%s", ch_outcomes[i])));
	return a;
}

static void conversation_page(http_req_t *r, int status, const char *notice)
{
	ch_ctx_t ctx;
	ch_ctx_from_req(&ctx, r);
	ch_chat_t ch;
	int rc = ch_get(&ctx, ch_path_id(r), NULL, &ch);
	if (rc) {
		http_reply_failed(r, rc);
		return;
	}
	json_t *m = ch_conversation_model(&ctx, &ch);
	json_object_set_new(m, "replies", replies_model(&ctx, &ch));
	json_object_set_new(m, "agents", agents_model(r));
	json_object_set_new(m, "outcomes", outcomes_model(r));
	json_object_set_new(m, "mine", json_boolean(ch.agent_id == ctx.user_id));
	json_object_set_new(m, "can_speak",
			    json_boolean(str_eq(ch.status, "open") && (ch.agent_id == ctx.user_id || ctx.coordinator)));
	if (ch.person_id && auth_audit(r, "people.view", arena_printf(r->arena, "person:%lld", (long long)ch.person_id),
				       arena_printf(r->arena, "chat: %lld", (long long)ch.id)) == 0) {
		json_t *panel = people_panel(r->app, r->db, r->arena, ch.person_id, r->lang, &rc);
		if (panel)
			json_object_set_new(m, "panel", panel);
	}
	if (notice)
		json_object_set_new(m, "notice", json_string(http_t(r, notice)));
	http_add_header(r, "Cache-Control", "no-store");
	http_reply_page(r, status, "chat/staff_conversation", m);
}

static void conversation_get(http_req_t *r)
{
	conversation_page(r, 200, NULL);
}

/* Links the conversation to the record found by an ID number, e-mail or phone. */
static int identify(http_req_t *r, ch_ctx_t *ctx, int64_t id)
{
	int64_t *ids;
	size_t n;
	int rc = people_find(r->db, r->arena, form_str(r, "id_number"), form_str(r, "email"), form_str(r, "phone"),
			     &ids, &n);
	if (rc)
		return rc;
	if (n != 1)
		return ERR_NOT_FOUND;
	return ch_identify(ctx, id, ids[0]);
}

static int act(http_req_t *r, ch_ctx_t *ctx, const char *action, int64_t id)
{
	if (str_eq(action, "take"))
		return ch_take(ctx, id);
	if (str_eq(action, "close"))
		return ch_close(ctx, id, form_str(r, "outcome"));
	if (str_eq(action, "identify"))
		return identify(r, ctx, id);
	if (str_eq(action, "transfer")) {
		int64_t to = 0;
		const char *v = form_str(r, "to");
		if (*v && str_to_i64(v, 1, INT64_MAX, &to))
			return ERR_INVALID;
		return ch_transfer(ctx, id, to);
	}
	ch_chat_t ch;
	int rc = ch_get(ctx, id, NULL, &ch);
	int64_t mid;
	fielderr_t errs = {0};
	return rc ? rc : ch_say(ctx, &ch, form_text(r, "text"), &mid, &errs);
}

static void action_post(http_req_t *r)
{
	const char *action = http_param(r, "action");
	static const char *const actions[] = {"say", "take", "transfer", "close", "identify"};
	bool known = false;
	for (size_t i = 0; i < sizeof actions / sizeof *actions; i++)
		known = known || str_eq(action, actions[i]);
	if (!known) {
		http_reply_not_found(r);
		return;
	}
	ch_ctx_t ctx;
	ch_ctx_from_req(&ctx, r);
	int64_t id = ch_path_id(r);
	int rc = act(r, &ctx, action, id);
	if (rc == ERR_INVALID)
		http_reply_error(r, 422, "invalid", str_eq(action, "say") ? "ch_err_text" : "ch_err_form", NULL);
	else if (rc == ERR_CONFLICT)
		http_reply_error(r, 409, "bad_state", "ch_err_state", NULL);
	else if (rc == ERR_BUSY)
		http_reply_error(r, 409, "too_many", "ch_err_too_many", NULL);
	else if (rc == ERR_NOT_FOUND && str_eq(action, "identify"))
		http_reply_error(r, 422, "not_found", "ch_err_identify", NULL);
	else if (rc)
		http_reply_failed(r, rc);
	else
		http_reply_redirect(r, arena_printf(r->arena, "/staff/chat/%lld#end", (long long)id));
}

const http_route_t ch_staff_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/staff/chat", inbox_get, RT_DB, CH_ROLES},
	{HTTP_GET | HTTP_HEAD, "/staff/chat/{id}", conversation_get, RT_DB, CH_ROLES},
	{HTTP_POST, "/staff/chat/{id}/{action}", action_post, RT_FORM | RT_DB, CH_ROLES},
	{0},
};
