/* history.c — `finestreta demo` with demo.history_days: the tickets of the past days at the
 * city's offices, on the shape of core/demo.h (its visitors a day, split by office), so the
 * figures of tickets, waits and service times per zone, the welcome zone's routing and the
 * visitors' age band and gender have a year to show. The profile follows a real office's
 * (up to 30: 16 % men, 19 % women; 30–50: 19 %, 25 %; over 50: 11 %, 10 %), with some people not
 * asked. Written straight to the table in one transaction; no names, no people linked. */
#include "floor/internal.h"

#include "core/demo.h"

#include <stdio.h>
#include <string.h>

static const char *const OFFICES[] = {"centre", "la-riera", "mar-blava", "hisenda"};
static const unsigned OFFICE_W[] = {45, 25, 20, 10};

/* Where a visitor goes: by the welcome desk to the assisted or self-service zone, by a kiosk to
 * the self-service zone, or checking in an appointment. */
enum { TO_ASSISTED, TO_SELF, TO_KIOSK, TO_CHECK_IN };
static const unsigned ROUTE_W[] = {38, 22, 12, 28};
static const char *const ASSISTED[] = {"idcat-mobil",        "registre-general", "padro-canvi-domicili",
				       "certificat-digital", "cita-serveis",     "ajuts-socials"};
static const unsigned ASSISTED_W[] = {30, 22, 16, 12, 12, 8};
static const char *const SELF[] = {"volant-individual", "volant-collectiu", "cita-serveis", "certificat-empadronament"};
static const unsigned SELF_W[] = {45, 15, 25, 15};
static const char *const TAX[] = {"ibi", "ivtm", "fraccionament", "domiciliacio", "bonificacions"};
static const unsigned TAX_W[] = {40, 20, 15, 15, 10};

/* Age band × gender: a real office's profile, and a tenth not asked. */
static const struct {
	const char *band, *gender;
} PROFILE[] = {{"under_30", "man"}, {"under_30", "woman"},     {"30_50", "man"},
	       {"30_50", "woman"},  {"over_50", "man"},        {"over_50", "woman"},
	       {"30_50", "other"},  {"over_50", "not_stated"}, {"", ""}};
static const unsigned PROFILE_W[] = {144, 171, 171, 225, 99, 90, 4, 6, 90};
static const char *const LANGS[] = {"ca", "es", "en"};
static const unsigned LANG_W[] = {58, 37, 5};

typedef struct {
	demo_batch_t *b;
	arena_t *a;
	fl_history_zone_t *z;
	size_t nz;
	int64_t rows;
} hist_t;

static fl_history_zone_t *zone(hist_t *h, const char *office, const char *kind)
{
	for (size_t i = 0; i < h->nz; i++)
		if (!strcmp(h->z[i].office, office) && !strcmp(h->z[i].kind, kind))
			return &h->z[i];
	return NULL;
}

static int day(const demo_day_t *d, void *ud)
{
	hist_t *h = ud;
	demo_rng_t r;
	demo_rng_init(&r, "floor.tickets", d->day);
	for (size_t i = 0; i < h->nz; i++)
		h->z[i].seq = 0;
	if (d->weekday > 5)
		return 0; /* the offices close on Saturdays */
	for (int i = 0; i < d->visitors; i++) {
		const char *office = OFFICES[demo_rng_pick(&r, OFFICE_W, 4)];
		size_t route = demo_rng_pick(&r, ROUTE_W, 4);
		bool tax = !strcmp(office, "hisenda");
		if (tax && (route == TO_SELF || route == TO_KIOSK))
			route = TO_ASSISTED;
		fl_history_zone_t *z = zone(h, office,
					    route == TO_CHECK_IN   ? "appointment"
					    : route == TO_ASSISTED ? "assisted"
								   : "self_service");
		if (!z)
			continue;
		fl_history_t t = {.office_id = z->office_id, .zone_id = z->id, .day = d->date, .seq = ++z->seq};
		snprintf(t.number, sizeof t.number, "%s%03d", z->letter, t.seq % 1000);
		snprintf(t.token_hash, sizeof t.token_hash, "history:%lld", (long long)++h->rows);
		t.channel = route == TO_CHECK_IN ? "check_in" : route == TO_KIOSK ? "kiosk" : "welcome";
		t.procedure = tax                    ? TAX[demo_rng_pick(&r, TAX_W, 5)]
			      : route == TO_ASSISTED ? ASSISTED[demo_rng_pick(&r, ASSISTED_W, 6)]
			      : route == TO_CHECK_IN ? ASSISTED[demo_rng_pick(&r, ASSISTED_W, 6)]
						     : SELF[demo_rng_pick(&r, SELF_W, 4)];
		size_t p = demo_rng_pick(&r, PROFILE_W, sizeof PROFILE_W / sizeof PROFILE_W[0]);
		t.age_band = PROFILE[p].band;
		t.gender = PROFILE[p].gender;
		t.lang = LANGS[demo_rng_pick(&r, LANG_W, 3)];
		/* Waits grow with the day's load. */
		t.issued_at = demo_at(d, demo_office_minute(&r, d, 20)) + demo_rng_int(&r, 0, 59);
		int wait = route == TO_ASSISTED ? 720 : route == TO_CHECK_IN ? 180 : 240;
		wait = (int)(wait * d->load * (0.3 + demo_rng_int(&r, 0, 1400) / 1000.0));
		int service = route == TO_ASSISTED   ? demo_rng_int(&r, 360, 1500)
			      : route == TO_CHECK_IN ? demo_rng_int(&r, 480, 1200)
						     : demo_rng_int(&r, 180, 720);
		t.called_at = t.issued_at + wait;
		if (demo_rng_chance(&r, 70)) {
			t.status = "no_show";
		} else {
			t.status = "done";
			t.started_at = t.called_at + demo_rng_int(&r, 20, 90);
			t.finished_at = t.started_at + service;
			if (route == TO_ASSISTED)
				t.mode = demo_rng_chance(&r, 400) ? "for" : "with";
		}
		int rc = fl_store_history_add(h->b, &t);
		if (rc)
			return rc;
	}
	return 0;
}

static int prep(db_conn_t *c, void *ud)
{
	hist_t *h = ud;
	return fl_store_history_zones(c, h->a, &h->z, &h->nz);
}

int fl_history_seed(db_conn_t *c, const config_t *cfg, int64_t now)
{
	hist_t h = {.b = fl_store_history_batch(c), .a = arena_new()};
	int rc = demo_history_run(cfg, c, now, h.b, prep, day, &h, "past tickets", &h.rows);
	arena_free(h.a);
	return rc;
}
