/* requests.c — a new deferred request and what it is: the checks, its SLA, the proof that it is
 * yours, and the model pages, the API and the mails show (see requests.h). */
#include "requests/internal.h"

#include "app.h"
#include "auth/auth.h"
#include "base/contact.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/rand.h"
#include "base/str.h"
#include "base/text.h"
#include "base/tz.h"
#include "catalog/catalog.h"
#include "notify/notify.h"
#include "people/people.h"
#include "view/i18n.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define CODE_ALPHABET "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
#define NAME_MAX_CHARS 200

const char *const rq_topics[5] = {"info", "procedure", "digital", "file", "other"};
const char *const rq_statuses[5] = {"new", "assigned", "waiting", "answered", "closed"};
const char *const rq_answer_by[3] = {"email", "sms", "phone"};
static const char *const sources[4] = {"web", "phone", "office", "chat"};

bool rq_in(const char *v, const char *const *set, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		if (str_eq(v, set[i]))
			return true;
	return false;
}

int rq_hhmm(const char *s, int *min)
{
	*min = -1;
	if (!s || !*s)
		return 0;
	return tz_hhmm_parse(s, min);
}

/* ---------------------------------------------------------------- a new request */

typedef struct {
	rq_row_t row;
	const char *category; /* the procedure's, for the SLA */
	const char *procedure_name;
} rq_new_t;

static void set_text(arena_t *a, const char *v, size_t max, bool multi, const char **out, fielderr_t *errs,
		     const char *field, const char *key)
{
	if (text_clean(a, v, max, multi, out) || !**out)
		fielderr_add(errs, field, key);
}

/* The contact fields and how to answer. */
static void check_contact(requests_ctx_t *ctx, const requests_input_t *in, rq_new_t *x, fielderr_t *errs)
{
	rq_row_t *r = &x->row;
	r->email = "";
	r->phone = "";
	if (in->email && *in->email && !(r->email = contact_email_normalise(ctx->a, in->email)))
		fielderr_add(errs, "email", "rq_err_email");
	if (in->phone && *in->phone && !(r->phone = contact_phone_default(ctx->a, in->phone)))
		fielderr_add(errs, "phone", "rq_err_phone");
	r->answer_by = in->answer_by;
	if (!RQ_IN(in->answer_by, rq_answer_by))
		fielderr_add(errs, "answer_by", "rq_err_answer_by");
	else if (str_eq(in->answer_by, "email") && (!r->email || !*r->email) && !fielderr_has(errs, "email"))
		fielderr_add(errs, "email", "rq_err_email_needed");
	else if (!str_eq(in->answer_by, "email") && (!r->phone || !*r->phone) && !fielderr_has(errs, "phone"))
		fielderr_add(errs, "phone", "rq_err_phone_needed");
	if (rq_hhmm(in->call_from, &r->call_from) || rq_hhmm(in->call_to, &r->call_to) ||
	    (r->call_from < 0) != (r->call_to < 0) || (r->call_from >= 0 && r->call_from >= r->call_to))
		fielderr_add(errs, "call_from", "rq_err_window");
	if (!str_eq(in->answer_by, "phone"))
		r->call_from = r->call_to = -1;
}

static int check_input(requests_ctx_t *ctx, const requests_input_t *in, rq_new_t *x, fielderr_t *errs)
{
	rq_row_t *r = &x->row;
	r->topic = in->topic;
	if (!RQ_IN(in->topic, rq_topics))
		fielderr_add(errs, "topic", "rq_err_topic");
	if (in->service && *in->service) {
		catalog_procedure_t p;
		cat_proc_t full;
		int rc = catalog_procedure_by_code(ctx->c, ctx->a, in->service, &p);
		if (rc == ERR_NOT_FOUND || (!rc && !p.active))
			fielderr_add(errs, "service", "rq_err_service");
		else if (rc)
			return rc;
		else if ((rc = catalog_procedure_full(ctx->c, ctx->a, in->service, &full)) != 0)
			return rc;
		else {
			r->procedure_id = p.id;
			x->category = full.category;
			x->procedure_name = catalog_procedure_name(&p, ctx->lang);
		}
	} else if (str_eq(in->topic, "procedure")) {
		fielderr_add(errs, "service", "rq_err_service_needed");
	}
	set_text(ctx->a, in->text, REQUESTS_TEXT_MAX, true, &r->text, errs, "text", "rq_err_text");
	set_text(ctx->a, in->name, NAME_MAX_CHARS, false, &r->name, errs, "name", "rq_err_name");
	check_contact(ctx, in, x, errs);
	r->lang = in->lang && *in->lang ? in->lang : ctx->lang;
	if (!i18n_supported(r->lang))
		fielderr_add(errs, "lang", "rq_err_lang");
	r->source = in->source && *in->source ? in->source : "web";
	if (!rq_in(r->source, sources, 4) || (!ctx->user && !str_eq(r->source, "web") && !str_eq(r->source, "chat")))
		fielderr_add(errs, "source", "rq_err_source");
	r->recorded_by = ctx->user ? ctx->user : "citizen";
	r->chat_ref = in->chat_ref ? in->chat_ref : "";
	return errs->n ? ERR_INVALID : 0;
}

static void new_code(char code[REQUESTS_CODE_LEN])
{
	for (int i = 0; i < REQUESTS_CODE_LEN - 1; i++)
		code[i] = CODE_ALPHABET[randombytes_uniform(sizeof CODE_ALPHABET - 1)];
	code[REQUESTS_CODE_LEN - 1] = '\0';
}

const char *rq_public(requests_ctx_t *ctx)
{
	const char *u = config_str(ctx->cfg, "server.public_url");
	size_t n = strlen(u);
	return n && u[n - 1] == '/' ? arena_strndup(ctx->a, u, n - 1) : u;
}

/* The acknowledgement: the code and the status page (e-mail with its token; the SMS carries the
 * link without it, where the page asks for the contact instead). */
static int notify_received(requests_ctx_t *ctx, const rq_row_t *r, const char *status_url, const char *topic)
{
	if (ctx->demo)
		return 0;
	json_t *m = jpack("{s:s,s:s,s:s,s:s,s:s}", "code", r->code, "manage_url", status_url, "status_url", status_url,
			  "name", r->name, "topic", topic);
	notify_msg_t msg = {.kind = "requests_received",
			    .lang = r->lang,
			    .to_email = *r->email ? r->email : NULL,
			    .to_phone = *r->phone ? r->phone : NULL,
			    .model = m,
			    .dedupe_key = arena_printf(ctx->a, "request:%s:received", r->code)};
	int rc = notify_enqueue(ctx->c, &msg);
	json_decref(m);
	return rc == ERR_DB || rc == ERR_BUSY ? rc : 0;
}

static int create_in_tx(requests_ctx_t *ctx, rq_new_t *x, requests_created_t *out)
{
	rq_row_t *r = &x->row;
	int rc = 0;
	for (int tries = 0; tries < 8; tries++) {
		new_code(out->code);
		rq_t other;
		rc = rq_store_by_code(ctx->c, ctx->a, out->code, &other, NULL);
		if (rc)
			break;
	}
	if (rc != ERR_NOT_FOUND)
		return rc ? rc : ERR_CONFLICT;
	char hash[RAND_TOKEN_HEX_LEN];
	rand_token_hex(out->token);
	rand_token_hash(out->token, hash);
	r->code = out->code;
	r->token_hash = hash;
	people_input_t who = {r->name, NULL, r->email, r->phone, r->lang};
	rc = people_link(ctx->c, ctx->a, &who, ctx->now, &r->person_id);
	if (!rc)
		rc = rq_store_insert(ctx->c, r, &out->id);
	rq_event_t e = {.at = ctx->now, .kind = "created", .actor = r->recorded_by, .to_status = "new", .public = true};
	if (!rc)
		rc = rq_store_event_add(ctx->c, out->id, &e);
	out->status_url = arena_printf(ctx->a, "%s/consulta/%s?token=%s", rq_public(ctx), out->code, out->token);
	if (!rc)
		rc = notify_received(ctx, r, out->status_url,
				     i18n_get(r->lang, arena_printf(ctx->a, "rq_topic_%s", r->topic)));
	if (!rc && ctx->audit)
		rc = ctx->audit(ctx->audit_ud, "requests.create", out->code, r->topic);
	return rc;
}

int requests_create_tx(requests_ctx_t *ctx, const requests_input_t *in, requests_created_t *out, fielderr_t *errs)
{
	memset(out, 0, sizeof *out);
	rq_new_t x = {0};
	int rc = check_input(ctx, in, &x, errs);
	if (rc)
		return rc;
	int hours;
	requests_sla(config_str(ctx->cfg, "requests.sla_hours"), x.row.topic, x.category, &hours);
	x.row.due_at = ctx->now + (int64_t)(hours ? hours : 48) * 3600;
	x.row.now = ctx->now;
	out->due_at = x.row.due_at;
	return create_in_tx(ctx, &x, out);
}

int requests_create(requests_ctx_t *ctx, const requests_input_t *in, requests_created_t *out, fielderr_t *errs)
{
	int rc = db_begin(ctx->c);
	if (!rc)
		rc = requests_create_tx(ctx, in, out, errs);
	if (!rc)
		rc = db_commit(ctx->c);
	if (rc) {
		db_rollback(ctx->c);
		sodium_memzero(out->token, sizeof out->token);
	}
	return rc;
}

/* ---------------------------------------------------------------- one request */

int rq_get(requests_ctx_t *ctx, const char *code, const char *token, const char *contact, rq_t *out)
{
	char up[REQUESTS_CODE_LEN];
	size_t n = code ? strlen(code) : 0;
	if (n != REQUESTS_CODE_LEN - 1)
		return ERR_NOT_FOUND;
	for (size_t i = 0; i < n; i++) {
		char ch = code[i] >= 'a' && code[i] <= 'z' ? (char)(code[i] - ('a' - 'A')) : code[i];
		if (!strchr(CODE_ALPHABET, ch) || !ch)
			return ERR_NOT_FOUND;
		up[i] = ch;
	}
	up[n] = '\0';
	char stored[65];
	int rc = rq_store_by_code(ctx->c, ctx->a, up, out, stored);
	if (rc)
		return rc;
	bool ok = ctx->user != NULL;
	if (!ok && token && strlen(token) == 64) {
		char h[RAND_TOKEN_HEX_LEN];
		rand_token_hash(token, h);
		ok = sodium_memcmp(h, stored, 64) == 0;
	}
	if (!ok && contact && *contact && *out->name) {
		const char *e = contact_email_normalise(ctx->a, contact);
		const char *p = e ? NULL : contact_phone_default(ctx->a, contact);
		ok = (e && *out->email && str_eq(e, out->email)) || (p && *out->phone && str_eq(p, out->phone));
	}
	return ok ? 0 : ERR_NOT_FOUND;
}

static json_t *events_model(requests_ctx_t *ctx, const rq_t *r, bool staff)
{
	rq_event_t *ev = NULL;
	size_t n = 0;
	json_t *a = json_array();
	if (rq_store_events(ctx->c, ctx->a, r->id, !staff, &ev, &n))
		return a;
	for (size_t i = 0; i < n; i++) {
		const rq_event_t *e = &ev[i];
		json_t *o = jpack("{s:I,s:o,s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "id", (json_int_t)e->id, "at",
				  people_iso(e->at), "when", people_when(ctx->a, e->at), "kind", e->kind, "kind_label",
				  i18n_get(ctx->lang, arena_printf(ctx->a, "rq_event_%s", e->kind)), "text", e->text,
				  "channel", e->channel, "to_status", e->to_status, "public", e->public);
		if (staff)
			json_object_set_new(o, "actor", json_string(e->actor));
		json_array_append_new(a, o);
	}
	return a;
}

json_t *rq_list_json(requests_ctx_t *ctx, const rq_t *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *m = rq_model(ctx, &v[i], true);
		json_object_del(m, "events");
		json_array_append_new(a, m);
	}
	return a;
}

json_t *rq_model(requests_ctx_t *ctx, const rq_t *r, bool staff)
{
	catalog_procedure_t p;
	const char *service = "", *service_name = "";
	if (r->procedure_id && catalog_procedure_by_id(ctx->c, ctx->a, r->procedure_id, &p) == 0) {
		service = p.code;
		service_name = catalog_procedure_name(&p, ctx->lang);
	}
	char from[TZ_HHMM_LEN] = "", to[TZ_HHMM_LEN] = "";
	if (r->call_from >= 0) {
		tz_hhmm_format(r->call_from, from);
		tz_hhmm_format(r->call_to, to);
	}
	bool overdue = (str_eq(r->status, "new") || str_eq(r->status, "assigned")) && r->due_at < ctx->now;
	json_t *m = jpack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:b,s:o}", "code", r->code,
			  "status", r->status, "status_label",
			  i18n_get(ctx->lang, arena_printf(ctx->a, "rq_status_%s", r->status)), "topic", r->topic,
			  "topic_label", i18n_get(ctx->lang, arena_printf(ctx->a, "rq_topic_%s", r->topic)), "service",
			  service, "service_name", service_name, "text", r->text, "answer_by", r->answer_by,
			  "call_from", from, "call_to", to, "created_at", people_iso(r->created_at), "due_at",
			  people_iso(r->due_at), "created", people_when(ctx->a, r->created_at), "due",
			  people_when(ctx->a, r->due_at), "overdue", overdue, "events", events_model(ctx, r, staff));
	json_object_set_new(m, "answer_by_label",
			    json_string(i18n_get(ctx->lang, arena_printf(ctx->a, "rq_by_%s", r->answer_by))));
	if (staff) {
		auth_person_t *ppl = NULL;
		size_t np = 0;
		const char *assignee = "";
		if (r->assignee_id && auth_people(ctx->c, ctx->a, &ppl, &np) == 0)
			for (size_t i = 0; i < np; i++)
				if (ppl[i].id == r->assignee_id)
					assignee = ppl[i].name && *ppl[i].name ? ppl[i].name : ppl[i].email;
		json_t *s = jpack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:I,s:s}", "name", r->name, "email", r->email,
				  "phone", r->phone, "source", r->source, "recorded_by", r->recorded_by, "chat_ref",
				  r->chat_ref, "person_id", (json_int_t)r->person_id, "assignee", assignee,
				  "assignee_id", (json_int_t)r->assignee_id, "lang", r->lang);
		json_object_update(m, s);
		json_decref(s);
	}
	return m;
}
