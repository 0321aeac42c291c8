/* history.c — `finestreta demo` with demo.history_days: the appointments of the past days, on the
 * shape of core/demo.h (the same busy Mondays and quiet Augusts as the floor's tickets), so the
 * figures of appointments, lead times, procedures, languages and first visits have a year to
 * show. Written straight to the table (the past cannot be booked through the rules) in one
 * transaction. The people are obviously fictitious ("Persona de prova 01234", passport DEMO01234,
 * no e-mail or phone); those past booking.retention_days, and the cancelled ones, are blank, as
 * the retention job leaves them. */
#include "booking/internal.h"

#include "base/err.h"
#include "core/demo.h"

#include <stdio.h>
#include <string.h>

static const char CODE_CHARS[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

static const char *const OFFICES[] = {"centre", "la-riera", "mar-blava", "hisenda"};
static const unsigned OFFICE_W[] = {45, 25, 20, 10};
static const char *const PROCS[] =
	{"idcat-mobil",     "registre-general",     "padro-canvi-domicili",   "volant-individual",
	 "padro-alta",      "certificat-digital",   "cita-serveis",           "ajuts-socials",
	 "beques-menjador", "aparcament-residents", "certificat-convivencia", "targeta-aparcament-pmr"};
static const unsigned PROC_W[] = {18, 15, 13, 12, 10, 8, 7, 6, 5, 3, 2, 1};
static const char *const TAX[] = {"ibi", "ivtm", "fraccionament", "domiciliacio", "bonificacions"};
static const unsigned TAX_W[] = {40, 20, 15, 15, 10};
static const char *const LANGS[] = {"ca", "es", "en"};
static const unsigned LANG_W[] = {58, 37, 5};
/* Days between booking and the appointment: under 1, 1, 2–7, 8–30, over 30. */
static const int LEAD_LO[] = {0, 1, 2, 8, 31}, LEAD_HI[] = {0, 1, 7, 30, 60};
static const unsigned LEAD_W[] = {10, 15, 45, 25, 5};
/* done, no-show, cancelled (per mille of the day's appointments). */
enum { DONE, NO_SHOW, CANCELLED };
static const unsigned STATUS_W[] = {800, 90, 110};
#define POOL 9000 /* fictitious people: some come back */

typedef struct {
	demo_batch_t *b;
	int64_t now, blank_before;
	int64_t serial, rows;
} hist_t;

static int one(hist_t *h, demo_rng_t *r, const demo_day_t *d, const char *channel, const char *office, const char *proc,
	       int minute, int length)
{
	bk_history_t x = {.channel = channel, .office = office, .procedure = proc};
	/* The code: "H" and the serial in the code alphabet, unique among the history. */
	int64_t n = ++h->serial;
	x.code[0] = 'H';
	for (int i = 7; i >= 1; i--) {
		x.code[i] = CODE_CHARS[n % 32];
		n /= 32;
	}
	x.code[8] = '\0';
	snprintf(x.token_hash, sizeof x.token_hash, "history:%s", x.code);
	x.start_at = demo_at(d, minute);
	x.end_at = x.start_at + (int64_t)length * 60;
	size_t lb = demo_rng_pick(r, LEAD_W, 5);
	int lead = demo_rng_int(r, LEAD_LO[lb], LEAD_HI[lb]);
	x.created_at = x.start_at - (int64_t)lead * 86400 - demo_rng_int(r, 600, 36000);
	x.lang = LANGS[demo_rng_pick(r, LANG_W, 3)];
	x.booked_by = demo_rng_chance(r, 250) ? "informador@vilamar.example" : "citizen";
	int who = demo_rng_int(r, 1, POOL);
	size_t status = demo_rng_pick(r, STATUS_W, 3);
	/* The retention job blanks appointments past retention_days, and cancelled ones once their
	 * time has passed. */
	if (x.end_at >= h->blank_before && status != CANCELLED) {
		demo_name(x.name, sizeof x.name, who);
		snprintf(x.id_number, sizeof x.id_number, "DEMO%05d", who);
	}
	switch (status) {
	case DONE:
		x.status = "done";
		x.checked_in_at = x.start_at - demo_rng_int(r, 60, 900);
		x.called_at = x.start_at + demo_rng_int(r, 0, 600);
		x.served_at = x.called_at + 30;
		x.done_at = x.served_at + demo_rng_int(r, 4, length + 10) * 60;
		break;
	case NO_SHOW: x.status = "no_show"; break;
	default:
		x.status = "cancelled";
		x.cancelled_at = x.created_at + (x.start_at - x.created_at) / 2;
		break;
	}
	h->rows++;
	return bk_store_history_add(h->b, &x, h->now);
}

static int day(const demo_day_t *d, void *ud)
{
	hist_t *h = ud;
	demo_rng_t r;
	demo_rng_init(&r, "booking.appointments", d->day);
	/* A third of the visitors come with an appointment; the 010 line calls back about a fifth as
	 * many people again, one in ten of them by video. */
	if (d->weekday > 5)
		return 0; /* the offices close on Saturdays, and so does the 010 line */
	int n = demo_rng_count(&r, d->visitors * 0.33, 8);
	for (int i = 0; i < n; i++) {
		size_t o = demo_rng_pick(&r, OFFICE_W, 4);
		const char *proc = o == 3 ? TAX[demo_rng_pick(&r, TAX_W, 5)] : PROCS[demo_rng_pick(&r, PROC_W, 12)];
		int minute = demo_office_minute(&r, d, 15) / 15 * 15;
		int rc = one(h, &r, d, "in_person", OFFICES[o], proc, minute, 15);
		if (rc)
			return rc;
	}
	n = demo_rng_count(&r, d->visitors * 0.22, 10);
	for (int i = 0; i < n; i++) {
		bool video = demo_rng_chance(&r, 100);
		const char *proc = PROCS[demo_rng_pick(&r, PROC_W, 12)];
		int minute = 9 * 60 + 20 * demo_rng_int(&r, 0, 26);
		int rc = one(h, &r, d, video ? "video" : "phone", "remot", proc, minute, 20);
		if (rc)
			return rc;
	}
	return 0;
}

int bk_history_seed(db_conn_t *c, const config_t *cfg, int64_t now)
{
	hist_t h = {.b = bk_store_history_batch(c),
		    .now = now,
		    .blank_before = demo_kept_from(cfg, "booking.retention_days", now)};
	return demo_history_run(cfg, c, now, h.b, NULL, day, &h, "past appointments", &h.rows);
}
