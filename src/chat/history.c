/* history.c — `finestreta demo` with demo.history_days: the portal chats of the past days at the
 * virtual office, on the shape of core/demo.h: most taken by an informer within a few minutes and
 * closed with an outcome, some abandoned before anyone took them. No messages are kept; those
 * closed more than chat.keep_days ago are blank, as the purge leaves them, the others name an
 * obviously fictitious person. Written straight to the table in one transaction. */
#include "chat/internal.h"

#include "app.h"
#include "core/demo.h"

#include <stdio.h>

static const char *const PROCS[] = {"idcat-mobil",  "padro-canvi-domicili", "volant-individual",
				    "cita-serveis", "registre-general",     "ibi",
				    "ajuts-socials"};
static const unsigned PROC_W[] = {25, 15, 15, 15, 12, 10, 8};
static const char *const OUTCOMES[] = {"resolved", "appointment", "request", "referred", "abandoned"};
static const unsigned OUTCOME_W[] = {62, 12, 6, 5, 15};
static const char *const LANGS[] = {"ca", "es", "en"};
static const unsigned LANG_W[] = {58, 37, 5};

typedef struct {
	demo_batch_t *b;
	int64_t blank_before, rows;
} hist_t;

static int day(const demo_day_t *d, void *ud)
{
	hist_t *h = ud;
	demo_rng_t r;
	demo_rng_init(&r, "chat.chats", d->day);
	int n = demo_rng_count(&r, d->visitors * 0.10, 15);
	for (int i = 0; i < n; i++) {
		ch_history_t x = {.procedure = PROCS[demo_rng_pick(&r, PROC_W, 7)]};
		x.outcome = OUTCOMES[demo_rng_pick(&r, OUTCOME_W, 5)];
		x.lang = LANGS[demo_rng_pick(&r, LANG_W, 3)];
		snprintf(x.token_hash, sizeof x.token_hash, "history:%lld", (long long)++h->rows);
		x.created_at = demo_at(d, demo_rng_int(&r, 9 * 60, 19 * 60));
		if (x.outcome[0] == 'a' && x.outcome[1] == 'b') {
			x.closed_at = x.created_at + demo_rng_int(&r, 60, 900);
		} else {
			x.taken_at = x.created_at + demo_rng_int(&r, 15, 600);
			x.closed_at = x.taken_at + demo_rng_int(&r, 180, 1800);
		}
		if (x.closed_at >= h->blank_before)
			demo_name(x.name, sizeof x.name, demo_rng_int(&r, 1, 9000));
		int rc = ch_store_history_add(h->b, &x);
		if (rc)
			return rc;
	}
	return 0;
}

int ch_history_seed(struct app *app, db_conn_t *c, int64_t now, FILE *out)
{
	(void)out;
	hist_t h = {.b = ch_store_history_batch(c), .blank_before = demo_kept_from(app->cfg, "chat.keep_days", now)};
	return demo_history_run(app->cfg, c, now, h.b, NULL, day, &h, "past chats", &h.rows);
}
