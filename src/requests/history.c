/* history.c — `finestreta demo` with demo.history_days: the deferred requests of the past days,
 * on the shape of core/demo.h and growing faster than the visits over the period (the 010 line
 * took on the e-office's questions: from 3,500 to 20,000 a year in a real city), from the web
 * form, the phone, the desks and the chat; most answered within their topic's SLA
 * (requests.sla_hours), some late, some escalated and still open. Those closed more than
 * requests.keep_days ago are blank, as the purge leaves them; the others name an obviously
 * fictitious person. Written straight to the table in one transaction. */
#include "requests/internal.h"

#include "app.h"
#include "core/demo.h"

#include <stdio.h>

static const char CODE_CHARS[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
static const char *const SOURCES[] = {"web", "phone", "office", "chat"};
static const unsigned SOURCE_W[] = {55, 28, 10, 7};
static const char *const TOPICS[] = {"info", "procedure", "digital", "file", "other"};
static const unsigned TOPIC_W[] = {30, 30, 25, 10, 5};
static const char *const TEXTS[] = {
	"Consulta de prova: quins documents cal portar?",
	"Consulta de prova: com puc seguir l'estat del meu expedient?",
	"Consulta de prova: no puc entrar a la seu electrònica amb l'idCAT Mòbil.",
	"Consulta de prova: vull canviar el domicili de l'empadronament.",
	"Consulta de prova: altres.",
};
static const char *const LANGS[] = {"ca", "es", "en"};
static const unsigned LANG_W[] = {58, 37, 5};
/* Within the SLA, late, escalated and still open (per mille). */
enum { IN_TIME, LATE, OPEN };
static const unsigned FATE_W[] = {850, 120, 30};

typedef struct {
	demo_batch_t *b;
	const char *sla;
	int64_t now, blank_before, serial;
} hist_t;

static int day(const demo_day_t *d, void *ud)
{
	hist_t *h = ud;
	if (d->weekday == 6)
		return 0;
	demo_rng_t r;
	demo_rng_init(&r, "requests.requests", d->day);
	int n = demo_rng_count(&r, d->visitors * (0.04 + 0.14 * d->growth), 15);
	for (int i = 0; i < n; i++) {
		rq_history_t x = {.source = SOURCES[demo_rng_pick(&r, SOURCE_W, 4)]};
		size_t t = demo_rng_pick(&r, TOPIC_W, 5);
		x.topic = TOPICS[t];
		x.text = TEXTS[t];
		x.lang = LANGS[demo_rng_pick(&r, LANG_W, 3)];
		int64_t n32 = ++h->serial;
		x.code[0] = 'H';
		for (int k = 7; k >= 1; k--, n32 /= 32)
			x.code[k] = CODE_CHARS[n32 % 32];
		x.code[8] = '\0';
		snprintf(x.token_hash, sizeof x.token_hash, "history:%s", x.code);
		x.created_at = demo_at(d, demo_rng_int(&r, 8 * 60, 21 * 60));
		int hours = 0;
		requests_sla(h->sla, x.topic, NULL, &hours);
		x.due_at = x.created_at + (int64_t)(hours > 0 ? hours : 48) * 3600;
		size_t fate = demo_rng_pick(&r, FATE_W, 3);
		int64_t span = x.due_at - x.created_at;
		if (fate == IN_TIME)
			x.answered_at = x.created_at + span / 10 + (int64_t)demo_rng_int(&r, 0, 850) * span / 1000;
		else if (fate == LATE)
			x.answered_at = x.due_at + demo_rng_int(&r, 3600, 4 * 86400);
		if (x.answered_at > h->now)
			x.answered_at = 0;
		if (fate != IN_TIME && x.due_at < h->now)
			x.escalated_at = x.due_at + 600;
		x.status = x.answered_at ? "closed" : "assigned";
		x.closed_at = x.answered_at;
		if (x.answered_at && x.closed_at < h->blank_before) {
			x.text = "";
		} else {
			demo_name(x.name, sizeof x.name, demo_rng_int(&r, 1, 9000));
		}
		int rc = rq_store_history_add(h->b, &x);
		if (rc)
			return rc;
	}
	return 0;
}

int rq_history_seed(struct app *app, db_conn_t *c, int64_t now, FILE *out)
{
	(void)out;
	hist_t h = {.b = rq_store_history_batch(c),
		    .sla = config_str(app->cfg, "requests.sla_hours"),
		    .now = now,
		    .blank_before = demo_kept_from(app->cfg, "requests.keep_days", now)};
	return demo_history_run(app->cfg, c, now, h.b, NULL, day, &h, "past requests", &h.serial);
}
