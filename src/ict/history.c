/* history.c — `finestreta demo` with demo.history_days: the ICT agents' sessions of the past
 * days, on the shape of core/demo.h: on each weekday the offices open, a few new people start
 * (one to three sessions a week to a month apart, on open days, with the self-assessment before
 * and, for most, after), drawn as demo.c draws its people, through the rules (ict_record), so the
 * programme's evaluation counts them. The people are obviously fictitious ("Persona de prova",
 * passport DEMO…), with no phone. */
#include "ict/internal.h"

#include "base/log.h"
#include "core/demo.h"

#include <stdint.h>

#define FIRST_PERSON 1000 /* above demo.c's people */
#define PEOPLE_MAX 8000   /* person numbers wrap: someone comes back */

typedef struct {
	db_conn_t *c;
	arena_t *a;
	int64_t ids[3], now, until;
	int serial;
} hist_t;

static bool open_at(int64_t at)
{
	const tz_t *z = tz_get(DEMO_TZ);
	tz_local_t l;
	tz_local(z ? z : tz_utc(), at, &l);
	return demo_open(l.day) && tz_weekday(l.day) < 6;
}

static int day(const demo_day_t *d, void *ud)
{
	hist_t *h = ud;
	if (d->weekday == 6)
		return 0;
	demo_rng_t r;
	demo_rng_init(&r, "ict.sessions", d->day);
	int n = demo_rng_count(&r, d->visitors * 0.015, 30);
	for (int i = 0; i < n; i++) {
		uint32_t s = (uint32_t)demo_rng_next(&r) | 1u;
		int64_t first = demo_at(d, 60 * demo_rng_int(&r, 9, 17));
		int rc = ict_demo_person(h->c, h->a, &s, FIRST_PERSON + h->serial++ % PEOPLE_MAX, h->ids, &first,
					 h->until, open_at, h->now);
		if (rc)
			return rc;
	}
	return 0;
}

int ict_history_seed(app_t *app, db_conn_t *c, int64_t now, FILE *out)
{
	(void)out;
	if (demo_history_days(app->cfg) <= 0)
		return 0;
	/* The last session ends before today's local midnight. */
	const tz_t *z = tz_get(DEMO_TZ);
	tz_local_t l;
	tz_local(z ? z : tz_utc(), now, &l);
	hist_t h = {.c = c, .a = arena_new(), .now = now, .until = tz_day_start(z ? z : tz_utc(), l.day)};
	int rc = ict_demo_facilities(c, h.a, h.ids);
	if (!rc)
		rc = db_begin(c);
	if (!rc) {
		rc = demo_history_each(app->cfg, now, day, &h);
		if (!rc)
			rc = db_commit(c);
		else
			db_rollback(c);
	}
	if (!rc)
		log_info("demo: %d people with past ICT sessions", h.serial);
	arena_free(h.a);
	return rc;
}
