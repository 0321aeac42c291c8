/* history.c — `finestreta demo` with demo.history_days: the answers of the past days, on the
 * shape of core/demo.h (a share of each day's visitors, callers and video calls answer), scored
 * as a real service is (about 9 out of 10 on average, most answers 9 or 10), with a short comment
 * now and then (none names anyone). Written straight to the table in one transaction. */
#include "survey/internal.h"

#include "app.h"
#include "core/demo.h"

#include <stdio.h>

static const char *const KINDS[] = {"ticket", "appointment", "remote"};
static const unsigned KIND_W[] = {60, 22, 18};
static const char *const OFFICES[] = {"centre", "la-riera", "mar-blava", "hisenda"};
static const unsigned OFFICE_W[] = {45, 25, 20, 10};
/* Scores 0 … 10. */
static const unsigned SCORE_W[] = {5, 3, 4, 6, 8, 20, 30, 70, 140, 250, 464};
static const char *const COMMENTS[] = {
	"Molt ben atesa, gràcies.",
	"Ràpid i amable.",
	"He hagut d'esperar massa.",
	"M'han ajudat a fer el tràmit pas a pas.",
	"Muy buena atención, gracias.",
	"La videotrucada ha anat molt bé.",
	"No trobava on era la zona d'autoservei.",
	"Very helpful staff.",
};
static const char *const LANGS[] = {"ca", "es", "en"};
static const unsigned LANG_W[] = {58, 37, 5};

typedef struct {
	demo_batch_t *b;
	int64_t serial;
} hist_t;

static int day(const demo_day_t *d, void *ud)
{
	hist_t *h = ud;
	demo_rng_t r;
	if (d->weekday > 5)
		return 0; /* the offices close on Saturdays */
	demo_rng_init(&r, "survey.answers", d->day);
	int n = demo_rng_count(&r, d->visitors * 0.12, 15);
	for (int i = 0; i < n; i++) {
		sv_history_t s = {.kind = KINDS[demo_rng_pick(&r, KIND_W, 3)]};
		s.office = s.kind[0] == 'r' ? "" : OFFICES[demo_rng_pick(&r, OFFICE_W, 4)];
		s.lang = LANGS[demo_rng_pick(&r, LANG_W, 3)];
		snprintf(s.ref, sizeof s.ref, "history:%lld", (long long)++h->serial);
		for (int k = 0; k < 4; k++)
			snprintf(s.token + 16 * k, sizeof s.token - 16 * (size_t)k, "%016llx",
				 (unsigned long long)demo_rng_next(&r));
		s.created_at = demo_at(d, demo_rng_int(&r, 9 * 60 + 10, 14 * 60));
		s.answered_at = s.created_at + demo_rng_int(&r, 120, 6 * 3600);
		s.score = (int)demo_rng_pick(&r, SCORE_W, 11);
		s.comment = demo_rng_chance(&r, 120) ? COMMENTS[demo_rng_int(&r, 0, 7)] : "";
		int rc = sv_store_history_add(h->b, &s);
		if (rc)
			return rc;
	}
	return 0;
}

int sv_history_seed(struct app *app, db_conn_t *c, int64_t now, FILE *out)
{
	(void)out;
	hist_t h = {.b = sv_store_history_batch(c)};
	return demo_history_run(app->cfg, c, now, h.b, NULL, day, &h, "past survey answers", &h.serial);
}
