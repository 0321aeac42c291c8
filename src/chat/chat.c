/* chat.c — the rules of a conversation: starting one, the proof that it is yours, messages,
 * taking, transferring, closing, carrying it into a deferred request, the transcript, and the
 * events every change sends (see chat.h). Each change is one transaction; its events go out after
 * the commit. */
#include "chat/internal.h"

#include "app.h"
#include "base/contact.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/rand.h"
#include "base/str.h"
#include "base/text.h"
#include "base/tz.h"
#include "bus/bus.h"
#include "catalog/catalog.h"
#include "notify/notify.h"
#include "people/people.h"
#include "view/i18n.h"

#include <sodium.h>
#include <string.h>

const char *const ch_outcomes[5] = {"resolved", "appointment", "request", "referred", "abandoned"};

static int cfg(ch_ctx_t *ctx, const char *key)
{
	return (int)config_int(ctx->app->cfg, key);
}

/* Runs fn in one transaction, with the audit record, then nothing else: the caller publishes. */
static int in_tx(ch_ctx_t *ctx, int (*fn)(ch_ctx_t *, void *), void *ud)
{
	int rc = db_begin(ctx->c);
	if (!rc)
		rc = fn(ctx, ud);
	if (!rc)
		rc = db_commit(ctx->c);
	if (rc)
		db_rollback(ctx->c);
	return rc;
}

static int audit(ch_ctx_t *ctx, const char *action, int64_t id, const char *detail)
{
	return ctx->audit ? ctx->audit(ctx->audit_ud, action, id, detail) : 0;
}

/* ---------------------------------------------------------------- events */

static json_t *status_at(ch_ctx_t *ctx, const ch_chat_t *ch, int64_t pos);

void ch_publish(ch_ctx_t *ctx, int64_t chat_id, const char *type, json_t *data)
{
	if (!ctx->app || !ctx->app->bus)
		return;
	char topic[32];
	snprintf(topic, sizeof topic, "chat.c%lld", (long long)chat_id);
	(void)bus_publish(ctx->app->bus, topic, type, data, NULL); /* a lost event: the page reloads */
}

static void publish_inbox(ch_ctx_t *ctx, int64_t chat_id, const char *status)
{
	if (!ctx->app || !ctx->app->bus)
		return;
	json_t *d = jpack("{s:I,s:s}", "id", (json_int_t)chat_id, "status", status);
	(void)bus_publish(ctx->app->bus, "chat.inbox", "changed", d, NULL);
	json_decref(d);
}

void ch_publish_status(ch_ctx_t *ctx, int64_t chat_id)
{
	ch_chat_t ch;
	if (ch_store_get(ctx->c, ctx->a, chat_id, &ch, NULL))
		return;
	json_t *d = ch_status_json(ctx, &ch);
	ch_publish(ctx, chat_id, "status", d);
	json_decref(d);
	publish_inbox(ctx, chat_id, ch.status);
}

void ch_publish_queue(ch_ctx_t *ctx, int64_t office_id)
{
	ch_chat_t *v;
	size_t n;
	/* One query for the whole queue: each place is the rank in it. */
	if (ch_store_waiting(ctx->c, ctx->a, office_id, &v, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		json_t *d = status_at(ctx, &v[i], (int64_t)i + 1);
		ch_publish(ctx, v[i].id, "status", d);
		json_decref(d);
	}
}

json_t *ch_msg_json(const ch_msg_t *m)
{
	char at[TZ_ISO_LEN];
	tz_format_iso(tz_utc(), m->at, at);
	bool staff = str_eq(m->sender, "staff");
	return jpack("{s:I,s:s,s:s,s:s,s:s,s:o}", "id", (json_int_t)m->id, "from", m->sender, "text", m->text, "at", at,
		     "author", m->author, "parts", ch_parts(m->text, staff));
}

const char *ch_requests_url(ch_ctx_t *ctx, int64_t procedure_id)
{
	catalog_procedure_t p;
	const char *pub = config_str(ctx->app->cfg, "server.public_url");
	size_t n = strlen(pub);
	if (n && pub[n - 1] == '/')
		n--;
	if (catalog_procedure_by_id(ctx->c, ctx->a, procedure_id, &p))
		return arena_printf(ctx->a, "%.*s/consulta/nova", (int)n, pub);
	return arena_printf(ctx->a, "%.*s/consulta/nova?servei=%s", (int)n, pub, p.code);
}

/* The status of a chat whose place in the queue is known (0 when not waiting). */
static json_t *status_at(ch_ctx_t *ctx, const ch_chat_t *ch, int64_t pos)
{
	bool waiting = str_eq(ch->status, "waiting");
	bool offer = waiting && (ch->offered_at || ctx->now - ch->created_at >= cfg(ctx, "chat.max_wait_min") * 60);
	json_t *d = jpack("{s:I,s:s,s:I,s:b,s:s,s:s}", "id", (json_int_t)ch->id, "status", ch->status, "position",
			  (json_int_t)(waiting ? pos : 0), "offer", offer, "outcome", ch->outcome, "request",
			  ch->request_code);
	if (offer)
		json_object_set_new(d, "requests_url", json_string(ch_requests_url(ctx, ch->procedure_id)));
	return d;
}

json_t *ch_status_json(ch_ctx_t *ctx, const ch_chat_t *ch)
{
	int64_t pos = 0;
	if (str_eq(ch->status, "waiting"))
		(void)ch_store_position(ctx->c, ch->office_id, ch->id, &pos); /* 0 shows no place */
	return status_at(ctx, ch, pos);
}

/* ---------------------------------------------------------------- a new conversation */

typedef struct {
	const ch_input_t *in;
	ch_row_t row;
	const char *text;
	char *token;
	int64_t id;
} create_t;

static int create_tx(ch_ctx_t *ctx, void *ud)
{
	create_t *x = ud;
	int64_t load = 0;
	int rc = ch_store_client_load(ctx->c, x->row.client, &load);
	if (!rc && load >= cfg(ctx, "chat.max_per_client"))
		rc = ERR_BUSY;
	if (!rc && *x->row.email) {
		people_input_t who = {x->row.name, NULL, x->row.email, NULL, x->row.lang};
		rc = people_link(ctx->c, ctx->a, &who, ctx->now, &x->row.person_id);
	}
	if (!rc && x->row.person_id && x->row.transcript)
		rc = people_consent_add(ctx->c, x->row.person_id, "chat_transcript",
					i18n_get(x->row.lang, "ch_transcript_consent"), x->row.lang, "chat", ctx->now);
	if (!rc)
		rc = ch_store_insert(ctx->c, &x->row, &x->id);
	int64_t mid;
	if (!rc)
		rc = ch_store_msg_add(ctx->c, x->id, "citizen", 0, "", x->text, ctx->now, &mid);
	if (!rc)
		rc = audit(ctx, "chat.start", x->id, x->in->service);
	return rc;
}

static void check_create(ch_ctx_t *ctx, const ch_input_t *in, create_t *x, fielderr_t *errs)
{
	if (text_clean(ctx->a, in->name, CH_NAME_MAX, false, &x->row.name) || !*x->row.name)
		fielderr_add(errs, "name", "ch_err_name");
	const char *email = in->email && *in->email ? contact_email_normalise(ctx->a, in->email) : "";
	if (!email)
		fielderr_add(errs, "email", "ch_err_email");
	x->row.email = email ? email : "";
	if (in->transcript && !*x->row.email && !fielderr_has(errs, "email"))
		fielderr_add(errs, "email", "ch_err_email_needed");
	if (text_clean(ctx->a, in->text, (size_t)cfg(ctx, "chat.max_length"), true, &x->text) || !*x->text)
		fielderr_add(errs, "text", "ch_err_text");
	x->row.lang = in->lang && *in->lang ? in->lang : ctx->lang;
	if (!i18n_supported(x->row.lang))
		fielderr_add(errs, "lang", "ch_err_lang");
	x->row.transcript = in->transcript;
}

int ch_create(ch_ctx_t *ctx, const ch_input_t *in, int64_t *id, char token[CH_TOKEN_LEN], fielderr_t *errs)
{
	create_t x = {.in = in};
	bool open = false;
	int rc = ch_office_for(ctx->c, ctx->a, in->service, ctx->now, &x.row.procedure_id, &x.row.office_id, &open);
	if (rc == ERR_NOT_FOUND)
		fielderr_add(errs, "service", "ch_err_service");
	else if (rc)
		return rc;
	check_create(ctx, in, &x, errs);
	if (errs->n)
		return ERR_INVALID;
	if (!open)
		return ERR_UNAVAILABLE;
	char hash[RAND_TOKEN_HEX_LEN];
	rand_token_hex(token);
	rand_token_hash(token, hash);
	x.row.token_hash = hash;
	x.row.client = ctx->client ? ctx->client : "";
	x.row.now = ctx->now;
	rc = in_tx(ctx, create_tx, &x);
	if (rc) {
		sodium_memzero(token, CH_TOKEN_LEN);
		return rc;
	}
	*id = x.id;
	publish_inbox(ctx, x.id, "waiting");
	return 0;
}

int ch_get(ch_ctx_t *ctx, int64_t id, const char *token, ch_chat_t *out)
{
	char stored[65];
	int rc = ch_store_get(ctx->c, ctx->a, id, out, stored);
	if (rc)
		return rc;
	if (ctx->user)
		return 0;
	if (!token || strlen(token) != 64)
		return ERR_NOT_FOUND;
	char h[RAND_TOKEN_HEX_LEN];
	rand_token_hash(token, h);
	return sodium_memcmp(h, stored, 64) == 0 ? 0 : ERR_NOT_FOUND;
}

/* ---------------------------------------------------------------- messages */

typedef struct {
	const ch_chat_t *chat;
	const char *text;
	ch_msg_t m;
} say_t;

static int say_tx(ch_ctx_t *ctx, void *ud)
{
	say_t *x = ud;
	int rc = ch_store_msg_add(ctx->c, x->chat->id, x->m.sender, ctx->user_id, x->m.author, x->text, ctx->now,
				  &x->m.id);
	if (!rc && !ctx->user)
		rc = ch_store_seen(ctx->c, x->chat->id, ctx->now);
	return rc;
}

int ch_say(ch_ctx_t *ctx, const ch_chat_t *chat, const char *text, int64_t *msg_id, fielderr_t *errs)
{
	say_t x = {.chat = chat};
	if (text_clean(ctx->a, text, (size_t)cfg(ctx, "chat.max_length"), true, &x.text) || !*x.text) {
		fielderr_add(errs, "text", "ch_err_text");
		return ERR_INVALID;
	}
	if (str_eq(chat->status, "closed"))
		return ERR_CONFLICT;
	if (ctx->user) {
		/* Staff speak in a conversation that is theirs (coordinators may step into any). */
		if (!str_eq(chat->status, "open"))
			return ERR_CONFLICT;
		if (chat->agent_id != ctx->user_id && !ctx->coordinator)
			return ERR_PERM;
	}
	x.m.sender = ctx->user ? "staff" : "citizen";
	x.m.author = ctx->user ? (ctx->user_name && *ctx->user_name ? ctx->user_name : ctx->user) : "";
	x.m.text = x.text;
	x.m.at = ctx->now;
	int rc = in_tx(ctx, say_tx, &x);
	if (rc)
		return rc;
	json_t *d = ch_msg_json(&x.m);
	ch_publish(ctx, chat->id, "message", d);
	json_decref(d);
	*msg_id = x.m.id;
	return 0;
}

/* ---------------------------------------------------------------- take, transfer, close */

typedef struct {
	int64_t id, to;
	const char *outcome;
	ch_chat_t chat;
} move_t;

/* A system line in the conversation ("Anna has joined"), in the chat's language. */
static int system_line(ch_ctx_t *ctx, const ch_chat_t *ch, const char *key, const char *name)
{
	const char *vars[] = {"name", name ? name : "", NULL};
	int64_t mid;
	return ch_store_msg_add(ctx->c, ch->id, "system", 0, "", i18n_subst(ctx->a, i18n_get(ch->lang, key), vars),
				ctx->now, &mid);
}

static int check_load(ch_ctx_t *ctx, int64_t agent)
{
	int64_t load = 0;
	int rc = ch_store_agent_load(ctx->c, agent, &load);
	return rc ? rc : load >= cfg(ctx, "chat.max_per_agent") ? ERR_BUSY : 0;
}

static int take_tx(ch_ctx_t *ctx, void *ud)
{
	move_t *x = ud;
	int rc = ch_store_get(ctx->c, ctx->a, x->id, &x->chat, NULL);
	if (!rc)
		rc = check_load(ctx, ctx->user_id);
	if (!rc) {
		int moved = ch_store_move(ctx->c, x->id, "waiting", "open", ctx->user_id, "", ctx->now);
		rc = moved < 0 ? moved : moved == 0 ? ERR_CONFLICT : 0;
	}
	if (!rc)
		rc = system_line(ctx, &x->chat, "ch_sys_joined", ctx->user_name);
	if (!rc)
		rc = audit(ctx, "chat.take", x->id, "");
	return rc;
}

/* After a change of who has a conversation: its line, its status, the queue's places. */
static void after_move(ch_ctx_t *ctx, const move_t *x)
{
	ch_msg_t *m;
	size_t n;
	if (ch_store_msgs(ctx->c, ctx->a, x->id, 0, &m, &n) == 0 && n && str_eq(m[n - 1].sender, "system")) {
		json_t *d = ch_msg_json(&m[n - 1]);
		ch_publish(ctx, x->id, "message", d);
		json_decref(d);
	}
	ch_publish_status(ctx, x->id);
	ch_publish_queue(ctx, x->chat.office_id);
}

int ch_take(ch_ctx_t *ctx, int64_t id)
{
	move_t x = {.id = id};
	int rc = in_tx(ctx, take_tx, &x);
	if (!rc)
		after_move(ctx, &x);
	return rc;
}

static int transfer_tx(ch_ctx_t *ctx, void *ud)
{
	move_t *x = ud;
	int rc = ch_store_get(ctx->c, ctx->a, x->id, &x->chat, NULL);
	if (!rc && !str_eq(x->chat.status, "open"))
		rc = ERR_CONFLICT;
	if (!rc && x->chat.agent_id != ctx->user_id && !ctx->coordinator)
		rc = ERR_PERM;
	if (!rc && x->to)
		rc = check_load(ctx, x->to);
	if (!rc) {
		int moved = ch_store_move(ctx->c, x->id, "open", x->to ? "open" : "waiting", x->to, "", ctx->now);
		rc = moved < 0 ? moved : moved == 0 ? ERR_CONFLICT : 0;
	}
	if (!rc)
		rc = system_line(ctx, &x->chat, x->to ? "ch_sys_transferred" : "ch_sys_queued", "");
	if (!rc)
		rc = audit(ctx, "chat.transfer", x->id,
			   x->to ? arena_printf(ctx->a, "user:%lld", (long long)x->to) : "queue");
	return rc;
}

int ch_transfer(ch_ctx_t *ctx, int64_t id, int64_t to)
{
	move_t x = {.id = id, .to = to};
	int rc = in_tx(ctx, transfer_tx, &x);
	if (!rc)
		after_move(ctx, &x);
	return rc;
}

/* The transcript to the citizen's e-mail, when they asked for it. */
static int send_transcript(ch_ctx_t *ctx, const ch_chat_t *ch)
{
	if (!ch->transcript || !*ch->email || ctx->demo)
		return 0;
	ch_msg_t *m;
	size_t n;
	int rc = ch_store_msgs(ctx->c, ctx->a, ch->id, 0, &m, &n);
	if (rc)
		return rc;
	json_t *lines = json_array();
	for (size_t i = 0; i < n; i++) {
		const char *who = str_eq(m[i].sender, "citizen") ? ch->name
				  : str_eq(m[i].sender, "staff") ? m[i].author
								 : "—";
		json_array_append_new(lines, jpack("{s:s,s:s,s:s}", "when", people_when(ctx->a, m[i].at), "who", who,
						   "text", m[i].text));
	}
	json_t *model = jpack("{s:s,s:s,s:o}", "code", arena_printf(ctx->a, "%lld", (long long)ch->id), "name",
			      ch->name, "messages", lines);
	notify_msg_t msg = {.kind = "chat_transcript",
			    .lang = ch->lang,
			    .to_email = ch->email,
			    .model = model,
			    .dedupe_key = arena_printf(ctx->a, "chat:%lld:transcript", (long long)ch->id)};
	rc = notify_enqueue(ctx->c, &msg);
	json_decref(model);
	return rc;
}

static int close_tx(ch_ctx_t *ctx, void *ud)
{
	move_t *x = ud;
	int rc = ch_store_get(ctx->c, ctx->a, x->id, &x->chat, NULL);
	if (!rc && str_eq(x->chat.status, "closed"))
		rc = ERR_CONFLICT;
	if (!rc && ctx->user && str_eq(x->chat.status, "open") && x->chat.agent_id != ctx->user_id && !ctx->coordinator)
		rc = ERR_PERM;
	if (!rc) {
		int moved =
			ch_store_move(ctx->c, x->id, x->chat.status, "closed", x->chat.agent_id, x->outcome, ctx->now);
		rc = moved < 0 ? moved : moved == 0 ? ERR_CONFLICT : 0;
	}
	if (!rc)
		rc = system_line(ctx, &x->chat, ctx->user ? "ch_sys_closed" : "ch_sys_left", "");
	if (!rc)
		rc = send_transcript(ctx, &x->chat);
	if (!rc)
		rc = audit(ctx, "chat.close", x->id, x->outcome);
	return rc;
}

static bool outcome_ok(const char *o)
{
	for (size_t i = 0; i < sizeof ch_outcomes / sizeof *ch_outcomes; i++)
		if (str_eq(o, ch_outcomes[i]))
			return true;
	return false;
}

int ch_close(ch_ctx_t *ctx, int64_t id, const char *outcome)
{
	if (ctx->user ? !outcome_ok(outcome) : !str_eq(outcome, "left"))
		return ERR_INVALID;
	move_t x = {.id = id, .outcome = outcome};
	int rc = in_tx(ctx, close_tx, &x);
	if (!rc)
		after_move(ctx, &x);
	return rc;
}

/* ---------------------------------------------------------------- deferred request, transcript */

typedef struct {
	const ch_chat_t *chat;
	const requests_input_t *in;
	requests_created_t *out;
	fielderr_t *errs;
} defer_t;

/* The conversation as the request's text: its first lines, oldest first, within the cap. */
static const char *conversation(ch_ctx_t *ctx, const ch_chat_t *ch)
{
	ch_msg_t *m;
	size_t n;
	if (ch_store_msgs(ctx->c, ctx->a, ch->id, 0, &m, &n))
		return NULL;
	const char *t = "";
	for (size_t i = 0; i < n; i++) {
		const char *who = str_eq(m[i].sender, "citizen") ? ch->name : m[i].author;
		const char *line = arena_printf(ctx->a, "%s%s%s: %s", t, *t ? "\n" : "", *who ? who : "—", m[i].text);
		if (text_length(line) > REQUESTS_TEXT_MAX - 100)
			break;
		t = line;
	}
	return t;
}

static int defer_tx(ch_ctx_t *ctx, void *ud)
{
	defer_t *x = ud;
	requests_ctx_t rq = {.c = ctx->c,
			     .a = ctx->a,
			     .cfg = ctx->app->cfg,
			     .now = ctx->now,
			     .lang = x->chat->lang,
			     .demo = ctx->demo};
	requests_input_t in = *x->in;
	catalog_procedure_t p;
	int rc = catalog_procedure_by_id(ctx->c, ctx->a, x->chat->procedure_id, &p);
	if (rc)
		return rc;
	in.service = p.code;
	in.topic = "procedure";
	in.source = "chat";
	in.name = x->chat->name;
	in.lang = x->chat->lang;
	in.chat_ref = arena_printf(ctx->a, "chat:%lld", (long long)x->chat->id);
	if (!in.email || !*in.email)
		in.email = x->chat->email;
	if (!(in.text = conversation(ctx, x->chat)))
		return ERR_DB;
	rc = requests_create_tx(&rq, &in, x->out, x->errs);
	if (!rc) {
		int moved = ch_store_move(ctx->c, x->chat->id, x->chat->status, "closed", x->chat->agent_id, "request",
					  ctx->now);
		rc = moved < 0 ? moved : moved == 0 ? ERR_CONFLICT : 0;
	}
	if (!rc)
		rc = ch_store_request(ctx->c, x->chat->id, x->out->code);
	if (!rc)
		rc = system_line(ctx, x->chat, "ch_sys_request", x->out->code);
	if (!rc)
		rc = audit(ctx, "chat.request", x->chat->id, x->out->code);
	return rc;
}

int ch_defer(ch_ctx_t *ctx, const ch_chat_t *chat, const requests_input_t *in, requests_created_t *out,
	     fielderr_t *errs)
{
	if (str_eq(chat->status, "closed"))
		return ERR_CONFLICT;
	defer_t x = {chat, in, out, errs};
	int rc = in_tx(ctx, defer_tx, &x);
	if (!rc)
		after_move(ctx, &(move_t){.id = chat->id, .chat = *chat});
	return rc;
}

typedef struct {
	const ch_chat_t *chat;
	const char *email;
	int64_t person;
} transcript_t;

static int transcript_tx(ch_ctx_t *ctx, void *ud)
{
	transcript_t *x = ud;
	int rc = ch_store_transcript(ctx->c, x->chat->id, x->email);
	if (!rc && x->person)
		rc = people_consent_add(ctx->c, x->person, "chat_transcript",
					i18n_get(x->chat->lang, "ch_transcript_consent"), x->chat->lang, "chat",
					ctx->now);
	return rc;
}

int ch_want_transcript(ch_ctx_t *ctx, const ch_chat_t *chat, const char *email)
{
	transcript_t x = {chat, chat->email, chat->person_id};
	if (email && *email && !(x.email = contact_email_normalise(ctx->a, email)))
		return ERR_INVALID;
	if (!*x.email)
		return ERR_INVALID;
	if (str_eq(chat->status, "closed"))
		return ERR_CONFLICT;
	return in_tx(ctx, transcript_tx, &x);
}

typedef struct {
	int64_t id, person;
} identify_t;

static int identify_tx(ch_ctx_t *ctx, void *ud)
{
	identify_t *x = ud;
	people_t p;
	int rc = people_get(ctx->c, ctx->a, x->person, &p);
	if (!rc && p.erased_at)
		rc = ERR_CONFLICT;
	if (!rc)
		rc = ch_store_person(ctx->c, x->id, p.id);
	if (!rc)
		rc = audit(ctx, "chat.identify", x->id, arena_printf(ctx->a, "person:%lld", (long long)p.id));
	return rc;
}

int ch_identify(ch_ctx_t *ctx, int64_t id, int64_t person_id)
{
	identify_t x = {id, person_id};
	return in_tx(ctx, identify_tx, &x);
}
