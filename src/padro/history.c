/* history.c — `finestreta demo` with demo.history_days: the certificates (volants) issued on the
 * past days at the kiosks, at the desks, on the web and through the API, on the shape of
 * core/demo.h. Only those of the last padro.keep_days, as the purge leaves them; each is stored
 * as an erased one is (no holder, no PDF), so none holds personal data. */
#include "padro/internal.h"

#include "app.h"
#include "core/demo.h"

#include <stdio.h>

static const char VCODE[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
static const char *const CHANNELS[] = {"kiosk", "staff", "web", "api"};
static const unsigned CHANNEL_W[] = {35, 20, 40, 5};
static const char *const LANGS[] = {"ca", "es", "en"};
static const unsigned LANG_W[] = {58, 37, 5};
/* SHA-256 of the empty document an erased certificate keeps. */
static const char EMPTY_SHA256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

typedef struct {
	demo_batch_t *b;
	int64_t since, rows;
} hist_t;

static int day(const demo_day_t *d, void *ud)
{
	hist_t *h = ud;
	if (demo_at(d, 0) < h->since)
		return 0;
	demo_rng_t r;
	demo_rng_init(&r, "padro.volants", d->day);
	int n = demo_rng_count(&r, d->visitors * 0.18, 12);
	for (int i = 0; i < n; i++) {
		char code[PD_VCODE_LEN];
		for (int k = 0; k < PD_VCODE_LEN - 1; k++)
			code[k] = VCODE[demo_rng_next(&r) % 32];
		code[PD_VCODE_LEN - 1] = '\0';
		bool collective = demo_rng_chance(&r, 200);
		const char *channel = CHANNELS[demo_rng_pick(&r, CHANNEL_W, 4)];
		pd_volant_t v = {
			.code = code,
			.kind = collective ? "collective" : "individual",
			.lang = LANGS[demo_rng_pick(&r, LANG_W, 3)],
			.holder = "",
			.holders = collective ? demo_rng_int(&r, 2, 5) : 1,
			.sha256 = EMPTY_SHA256,
			.channel = channel,
			.confirmed_by = channel[0] == 's' ? "informador@vilamar.example" : "",
			.issued_at = demo_at(d, demo_rng_int(&r, 9 * 60, 20 * 60)),
			.pdf = (const unsigned char *)"",
		};
		int rc = pd_store_history_add(h->b, &v);
		if (rc)
			return rc;
		h->rows++;
	}
	return 0;
}

int pd_history_seed(struct app *app, db_conn_t *c, int64_t now, FILE *out)
{
	(void)out;
	hist_t h = {.b = pd_store_history_batch(c), .since = demo_kept_from(app->cfg, "padro.keep_days", now)};
	return demo_history_run(app->cfg, c, now, h.b, NULL, day, &h, "past certificates", &h.rows);
}
