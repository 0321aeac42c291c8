/* web.c — see web.h. */
#include "chat/web.h"

#include "app.h"
#include "auth/auth.h"
#include "base/config.h"
#include "base/json.h"
#include "base/rand.h"
#include "base/str.h"
#include "catalog/catalog.h"
#include "http/kit.h"
#include "people/people.h"
#include "view/i18n.h"

#include <string.h>
#include <time.h>

static int audit_chat(void *ud, const char *action, int64_t id, const char *detail)
{
	http_req_t *r = ud;
	return auth_audit(r, action, arena_printf(r->arena, "chat:%lld", (long long)id), detail);
}

void ch_ctx_from_req(ch_ctx_t *ctx, http_req_t *r)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->c = r->db;
	ctx->a = r->arena;
	ctx->app = r->app;
	ctx->now = (int64_t)time(NULL);
	ctx->lang = r->lang;
	if (r->user && (r->user->role & ROLE_PEOPLE)) {
		ctx->user_id = r->user->id;
		ctx->user = r->user->email;
		ctx->user_name = r->user->name;
		ctx->coordinator = (r->user->role & CH_COORD) != 0;
	}
	char *h = arena_alloc(r->arena, RAND_TOKEN_HEX_LEN);
	rand_token_hash(r->client_ip ? r->client_ip : "", h);
	ctx->client = h;
	ctx->audit = audit_chat;
	ctx->audit_ud = r;
}

bool ch_rate_guard(http_req_t *r, const char *bucket, const char *setting)
{
	if (r->user && (r->user->role & ROLE_PEOPLE))
		return true;
	int retry = 0;
	if (http_rate_ok(r, bucket, (int)config_int(r->app->cfg, setting), 60, &retry))
		return true;
	http_reply_error(r, 429, "rate_limited", "ch_err_rate", NULL);
	return false;
}

int64_t ch_path_id(http_req_t *r)
{
	int64_t id = 0;
	if (str_to_i64(http_param(r, "id"), 1, INT64_MAX, &id))
		return 0;
	return id;
}

bool ch_staff_csrf(http_req_t *r)
{
	if (!r->user || r->user->bearer || http_csrf_ok(r))
		return true;
	http_reply_error(r, 403, "csrf", "err_csrf", NULL);
	return false;
}

json_t *ch_inbox_json(ch_ctx_t *ctx, const char *status, int64_t agent, bool others)
{
	ch_chat_t *v;
	size_t n;
	json_t *a = json_array();
	if (ch_store_list(ctx->c, ctx->a, status, agent, 200, &v, &n))
		return a;
	for (size_t i = n; i-- > 0;) {
		if (others && v[i].agent_id == ctx->user_id)
			continue;
		catalog_procedure_t p;
		json_t *s = ch_status_json(ctx, &v[i]);
		json_object_set_new(s, "name", json_string(v[i].name));
		json_object_set_new(s, "mine", json_boolean(v[i].agent_id == ctx->user_id));
		json_object_set_new(s, "since", json_string(people_when(ctx->a, v[i].created_at)));
		json_object_set_new(s, "href",
				    json_string(arena_printf(ctx->a, "/staff/chat/%lld", (long long)v[i].id)));
		if (catalog_procedure_by_id(ctx->c, ctx->a, v[i].procedure_id, &p) == 0)
			json_object_set_new(s, "service_name", json_string(catalog_procedure_name(&p, ctx->lang)));
		json_array_append_new(a, s);
	}
	return a;
}

json_t *ch_conversation_model(ch_ctx_t *ctx, const ch_chat_t *ch)
{
	ch_msg_t *m = NULL;
	size_t n = 0;
	json_t *msgs = json_array();
	if (ch_store_msgs(ctx->c, ctx->a, ch->id, 0, &m, &n) == 0)
		for (size_t i = 0; i < n; i++) {
			json_t *j = ch_msg_json(&m[i]);
			const char *when = people_when(ctx->a, m[i].at); /* "DD/MM/YYYY HH:MM": the time */
			json_object_set_new(j, "when", json_string(strlen(when) > 11 ? when + 11 : when));
			json_object_set_new(j, "mine",
					    json_boolean(str_eq(m[i].sender, ctx->user ? "staff" : "citizen")));
			json_object_set_new(j, "is_system", json_boolean(str_eq(m[i].sender, "system")));
			json_object_set_new(j, "who",
					    json_string(str_eq(m[i].sender, "citizen") ? ch->name : m[i].author));
			json_array_append_new(msgs, j);
		}
	catalog_procedure_t p;
	const char *service = "", *service_name = "";
	if (catalog_procedure_by_id(ctx->c, ctx->a, ch->procedure_id, &p) == 0) {
		service = p.code;
		service_name = catalog_procedure_name(&p, ctx->lang);
	}
	json_t *st = ch_status_json(ctx, ch);
	json_object_set_new(st, "messages", msgs);
	json_object_set_new(st, "last_id", json_integer(n ? m[n - 1].id : 0));
	json_object_set_new(st, "name", json_string(ch->name));
	json_object_set_new(st, "email", json_string(ch->email));
	json_object_set_new(st, "service", json_string(service));
	json_object_set_new(st, "service_name", json_string(service_name));
	json_object_set_new(st, "status_label",
			    json_string(i18n_get(ctx->lang, arena_printf(ctx->a, "ch_status_%s", ch->status))));
	json_object_set_new(st, "is_waiting", json_boolean(str_eq(ch->status, "waiting")));
	json_object_set_new(st, "is_open", json_boolean(str_eq(ch->status, "open")));
	json_object_set_new(st, "is_closed", json_boolean(str_eq(ch->status, "closed")));
	json_object_set_new(st, "transcript", json_boolean(ch->transcript));
	return st;
}
