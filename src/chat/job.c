/* job.c — the chat's background work (offers of a deferred request to those who waited too long,
 * conversations the citizen left without a word, the retention purge), the citizen record's hooks
 * and the demo's conversations. */
#include "chat/internal.h"

#include "app.h"
#include "auth/auth.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/str.h"
#include "base/text.h"
#include "catalog/catalog.h"
#include "people/people.h"
#include "view/i18n.h"

#include <string.h>

int ch_job(app_t *app, db_conn_t *c, int64_t now)
{
	arena_t *a = arena_new();
	ch_ctx_t ctx = {.c = c, .a = a, .app = app, .now = now, .lang = "ca"};
	int64_t *offers = NULL, *idle = NULL, purged = 0;
	size_t no = 0, ni = 0;
	int rc = db_begin(c);
	if (!rc)
		rc = ch_store_offer_due(c, a, now - config_int(app->cfg, "chat.max_wait_min") * 60, now, &offers, &no);
	if (!rc)
		rc = ch_store_purge(c, now - config_int(app->cfg, "chat.keep_days") * 86400, &purged);
	if (!rc)
		rc = db_commit(c);
	else
		db_rollback(c);
	for (size_t i = 0; !rc && i < no; i++)
		ch_publish_status(&ctx, offers[i]);
	/* Left without a word: closed as abandoned, one by one (each with its line and events). */
	if (!rc)
		rc = ch_store_idle(c, a, now - config_int(app->cfg, "chat.idle_min") * 60, &idle, &ni);
	for (size_t i = 0; !rc && i < ni; i++) {
		ctx.user = "job";
		ctx.coordinator = true;
		int r = ch_close(&ctx, idle[i], "abandoned");
		if (r && r != ERR_CONFLICT)
			rc = r;
	}
	arena_free(a);
	return rc;
}

int ch_timeline(app_t *app, db_conn_t *c, cap_tl_t *tl)
{
	for (size_t i = 0; i < tl->nids; i++) {
		ch_chat_t *v;
		size_t n;
		int rc = ch_store_by_person(c, tl->a, tl->ids[i], &v, &n);
		for (size_t k = 0; !rc && k < n; k++) {
			catalog_procedure_t p;
			rc = catalog_procedure_by_id(c, tl->a, v[k].procedure_id, &p);
			if (rc)
				break;
			cap_tl_entry_t *e = cap_tl_add(tl);
			e->at = v[k].created_at;
			e->kind = "chat";
			e->ref = arena_printf(tl->a, "%lld", (long long)v[k].id);
			e->status = i18n_get(tl->lang, arena_printf(tl->a, "ch_status_%s", v[k].status));
			e->summary = *v[k].outcome
					     ? arena_printf(tl->a, "%s · %s", catalog_procedure_name(&p, tl->lang),
							    i18n_get(tl->lang, arena_printf(tl->a, "ch_outcome_%s",
											    v[k].outcome)))
					     : catalog_procedure_name(&p, tl->lang);
			e->href = arena_printf(tl->a, "/staff/chat/%lld", (long long)v[k].id);
			if (!tl->full)
				continue;
			ch_msg_t *m;
			size_t nm;
			rc = ch_store_msgs(c, tl->a, v[k].id, 0, &m, &nm);
			const char *d = arena_printf(tl->a, "%s · %s", v[k].name, v[k].email);
			for (size_t j = 0; !rc && j < nm; j++)
				d = arena_printf(tl->a, "%s\n%s: %s", d,
						 str_eq(m[j].sender, "citizen") ? v[k].name : m[j].author, m[j].text);
			e->detail = d;
		}
		if (rc)
			return rc;
	}
	return 0;
}

int ch_erase(app_t *app, db_conn_t *c, const int64_t *ids, size_t n, int64_t now)
{
	return cap_erase_each(c, ids, n, ch_store_erase_person);
}

/* ---------------------------------------------------------------- the demo */

#define INFORMER "informador@vilamar.example"

/* The demo's virtual office answers chats at every hour of every day, holidays included, so that
 * the chat can be tried whenever the demo runs; its padró procedures get the chat channel's quick
 * replies, and a few conversations show every status. */
static int demo_hours(db_conn_t *c, arena_t *a, int64_t *office, int64_t *procedure)
{
	catalog_office_t *o;
	size_t n;
	int rc = catalog_offices(c, a, &o, &n);
	for (size_t i = 0; !rc && i < n; i++) {
		if (!str_eq(o[i].kind, "virtual_office"))
			continue;
		*office = o[i].id;
		for (int d = 1; !rc && d <= 7; d++) {
			int64_t id;
			ch_hours_t h = {.office_id = o[i].id,
					.weekday = d,
					.open_min = 0,
					.close_min = 1440,
					.holidays = true};
			rc = ch_store_hours_add(c, &h, &id);
		}
	}
	catalog_procedure_t p;
	if (!rc)
		rc = catalog_procedure_by_code(c, a, "volant-individual", &p);
	if (!rc)
		*procedure = p.id;
	return rc;
}

typedef struct {
	const char *name, *email, *status, *outcome;
	int64_t ago;
	const char *lines[4]; /* citizen, staff, citizen, staff */
} demo_chat_t;

static const demo_chat_t CHATS[] = {
	{"Rosa Martí", "", "waiting", "", 120, {"Bon dia, puc demanar el volant per a una altra persona?"}},
	{"Ahmed Benali",
	 "ahmed.benali@example.org",
	 "open",
	 "",
	 600,
	 {"Hola, necessito el volant per a l'escola del meu fill.",
	  "Bon dia! El podeu demanar en línia o a l'OAC. "
	  "Teniu certificat digital?",
	  "No en tinc."}},
	{"Carme Vidal",
	 "",
	 "closed",
	 "resolved",
	 86400,
	 {"Quant triga el volant?", "El volant individual es fa al moment, a qualsevol OAC.", "Gràcies!",
	  "A vosaltres. Bon dia!"}},
	{"Joan Prats", "", "closed", "abandoned", 2 * 86400, {"Hola?"}},
};

static int demo_chat(ch_ctx_t *ctx, const demo_chat_t *d, int64_t office, int64_t procedure, int64_t agent)
{
	ch_row_t row = {.token_hash = arena_printf(ctx->a, "demo-%s", d->name),
			.name = d->name,
			.email = d->email,
			.lang = "ca",
			.client = "demo",
			.procedure_id = procedure,
			.office_id = office,
			.now = ctx->now - d->ago};
	int64_t id, mid;
	int rc = 0;
	if (*d->email) {
		people_input_t who = {d->name, NULL, d->email, NULL, "ca"};
		rc = people_link(ctx->c, ctx->a, &who, row.now, &row.person_id);
	}
	if (!rc)
		rc = ch_store_insert(ctx->c, &row, &id);
	for (int i = 0; !rc && i < 4 && d->lines[i]; i++)
		rc = ch_store_msg_add(ctx->c, id, i % 2 ? "staff" : "citizen", i % 2 ? agent : 0,
				      i % 2 ? "Informador" : "", d->lines[i], row.now + 30 * i, &mid);
	if (!rc && !str_eq(d->status, "waiting"))
		rc = ch_store_move(ctx->c, id, "waiting", "open", agent, "", row.now + 20) == 1 ? 0 : ERR_DB;
	if (!rc && str_eq(d->status, "closed"))
		rc = ch_store_move(ctx->c, id, "open", "closed", agent, d->outcome, row.now + 300) == 1 ? 0 : ERR_DB;
	return rc;
}

int ch_demo_seed(app_t *app, db_conn_t *c, int64_t now, FILE *out)
{
	arena_t *a = arena_new();
	ch_ctx_t ctx = {.c = c, .a = a, .app = app, .now = now, .lang = "ca", .demo = true};
	int64_t office = 0, procedure = 0, agent = 0, id;
	int rc = auth_user_id_by_email(c, INFORMER, &agent);
	if (!rc)
		rc = db_begin(c);
	if (!rc)
		rc = demo_hours(c, a, &office, &procedure);
	if (!rc)
		rc = ch_store_reply_add(c, procedure, "Volant en línia",
					"El podeu demanar en línia amb idCAT Mòbil o certificat digital; "
					"us arriba al "
					"moment.",
					"demo", now, &id);
	if (!rc)
		rc = ch_store_reply_add(c, 0, "Salutació",
					"Bon dia! Soc l'informador de l'Ajuntament. "
					"En què us puc ajudar?",
					"demo", now, &id);
	for (size_t i = 0; !rc && i < sizeof CHATS / sizeof *CHATS; i++)
		rc = demo_chat(&ctx, &CHATS[i], office, procedure, agent);
	if (!rc)
		rc = db_commit(c);
	else
		db_rollback(c);
	arena_free(a);
	return rc;
}
