/* demo.c — the demo's deferred requests: one at every status, one overdue on the coordinators'
 * board, recorded on the web and by the 010 line, with notes, a question and answers (no mails). */
#include "requests/internal.h"

#include "app.h"
#include "auth/auth.h"
#include "base/err.h"
#include "base/log.h"
#include "base/str.h"

#include <string.h>

#define INFORMER "informador@vilamar.example"

typedef struct {
	requests_input_t in;
	int64_t ago;             /* seconds before now it was made */
	const char *steps[3][3]; /* action, argument (to / outcome / channel), text */
} demo_t;

static const demo_t DEMO[] = {
	{{"volant-individual", "procedure",
	  "Necessito un volant d'empadronament per a la beca, però no tinc "
	  "certificat digital. El puc demanar per correu?",
	  "Marta Ferrer Roca", "marta.ferrer@example.cat", NULL, "email", NULL, NULL, "ca", "web", NULL},
	 3600,
	 {{0}}},
	{{NULL, "digital", "No em funciona l'idCAT Mòbil des que vaig canviar de telèfon.", "Josep Serra Pujol", NULL,
	  "612 345 678", "phone", "10:00", "13:00", "ca", "phone", NULL},
	 60 * 3600,
	 {{"assign", "", ""}}},
	{{"padro-canvi-domicili", "procedure",
	  "Quiero empadronar a mi hija en mi nuevo domicilio. ¿Qué documentos "
	  "necesito si el piso es de alquiler?",
	  "Lucía Romero Gil", "lucia.romero@example.es", NULL, "email", NULL, NULL, "es", "web", NULL},
	 30 * 3600,
	 {{"assign", "", ""},
	  {"answer", "email",
	   "Necessitem saber si el contracte de lloguer és a nom vostre. Ens "
	   "podeu confirmar?"}}},
	{{"ibi", "procedure", "I received the property tax bill twice this year.", "Daniel Clark",
	  "d.clark@example.com", NULL, "email", NULL, NULL, "en", "web", NULL},
	 26 * 3600,
	 {{"assign", "", ""},
	  {"note", "", "Revisat amb Hisenda: el segon rebut és un duplicat i s'ha anul·lat."},
	  {"answer", "", "The second bill was a duplicate and has been cancelled. You only need to pay the first."}}},
	{{NULL, "info", "A quina hora obre l'OAC Mar Blava els dissabtes?", "Pere Soler Vila", NULL, "633 222 111",
	  "phone", "16:00", "18:00", "ca", "phone", NULL},
	 5 * 86400,
	 {{"assign", "", ""},
	  {"call", "answered", "Li hem dit que els dissabtes està tancada."},
	  {"status", "closed", ""}}},
};

static int seed_one(requests_ctx_t *ctx, const demo_t *d, int64_t now, int64_t informer)
{
	requests_created_t out;
	fielderr_t errs = {0};
	ctx->now = now - d->ago;
	ctx->user = str_eq(d->in.source, "phone") ? INFORMER : NULL;
	int rc = requests_create(ctx, &d->in, &out, &errs);
	if (rc)
		log_warn("demo: request not created (%s, %s)", err_name(rc), errs.n ? errs.e[0].field : "");
	ctx->user = INFORMER;
	ctx->user_id = informer;
	for (int i = 0; !rc && i < 3 && d->steps[i][0]; i++) {
		const char *const *s = d->steps[i];
		ctx->now += 1800;
		rq_act_t act = {.action = s[0],
				.to = s[1],
				.outcome = s[1],
				.channel = *s[1] ? s[1] : "email",
				.text = s[2],
				.ask = str_eq(s[0], "answer") && str_eq(s[1], "email")};
		rc = rq_act(ctx, out.code, NULL, NULL, &act, &errs);
		if (rc)
			log_warn("demo: request %s: %s not done (%s)", out.code, s[0], err_name(rc));
	}
	return rc;
}

int rq_demo_seed(app_t *app, db_conn_t *c, int64_t now, FILE *out)
{
	int64_t informer = 0;
	if (auth_user_id_by_email(c, INFORMER, &informer))
		return ERR_NOT_FOUND;
	arena_t *a = arena_new();
	requests_ctx_t ctx = {.c = c, .a = a, .cfg = app->cfg, .lang = "ca", .demo = true};
	int rc = 0;
	for (size_t i = 0; !rc && i < sizeof DEMO / sizeof *DEMO; i++)
		rc = seed_one(&ctx, &DEMO[i], now, informer);
	arena_free(a);
	return rc;
}
