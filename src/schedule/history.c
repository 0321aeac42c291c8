/* history.c — `finestreta demo` with demo.history_days: the slots the demo's availability rules
 * would have offered on the past days the offices were open (core/demo.h), and how many of their
 * seats were taken — more on busy days, fewer in August — so the capacity figures (seats offered
 * and used) have a year to show. A rule's derived capacity (from staff shifts) is taken as two
 * seats for the phone and one for video. Written straight to the table in one transaction; the
 * materialiser only touches future slots. */
#include "schedule/internal.h"

#include "app.h"
#include "core/demo.h"

typedef struct {
	db_conn_t *c;
	demo_batch_t *b;
	arena_t *a;
	sched_history_rule_t *rules;
	size_t nrules;
	int64_t rows;
} hist_t;

/* Each of n seats taken with a chance of per_mille. */
static int taken(demo_rng_t *r, int n, int per_mille)
{
	int k = 0;
	for (int i = 0; i < n; i++)
		k += demo_rng_chance(r, per_mille);
	return k;
}

static int day(const demo_day_t *d, void *ud)
{
	hist_t *h = ud;
	demo_rng_t r;
	demo_rng_init(&r, "schedule.slots", d->day);
	for (size_t i = 0; i < h->nrules; i++) {
		const sched_history_rule_t *x = &h->rules[i];
		if (!(sched_weekday_mask(x->weekdays) & (1u << d->weekday)))
			continue;
		int seats = x->capacity >= 0 ? x->capacity : x->channel[0] == 'v' ? 1 : 2;
		int pub, staff;
		sched_split_seats(seats, x->staff_share, &pub, &staff);
		int fill = (int)(600 * d->load) + demo_rng_int(&r, -80, 120);
		fill = fill < 100 ? 100 : fill > 980 ? 980 : fill;
		/* Within the office's opening hours of the day, when it has some on record. */
		sched_hours_t *hours;
		size_t nhours;
		schedule_interval_t in[8];
		int rc = sched_store_hours(h->c, h->a, x->office_id, &hours, &nhours);
		if (rc)
			return rc;
		size_t nin = sched_day_intervals(hours, nhours, d->date, d->weekday, in, 8);
		for (int m = x->start_min; m + x->slot_min <= x->end_min; m += x->slot_min) {
			bool inside = !nin;
			for (size_t k = 0; k < nin && !inside; k++)
				inside = m >= in[k].open_min && m + x->slot_min <= in[k].close_min;
			if (!inside)
				continue;
			sched_history_slot_t s = {.rule_id = x->id,
						  .office_id = x->office_id,
						  .channel = x->channel,
						  .day = d->date,
						  .start_at = demo_at(d, m),
						  .capacity = pub,
						  .staff_capacity = staff};
			s.end_at = s.start_at + (int64_t)x->slot_min * 60;
			s.booked = taken(&r, pub, fill);
			s.staff_booked = taken(&r, staff, fill / 2);
			s.release_at = s.start_at - 30 * 86400;
			rc = sched_store_history_slot(h->b, &s);
			if (rc)
				return rc;
			h->rows++;
		}
	}
	return 0;
}

static int prep(db_conn_t *c, void *ud)
{
	hist_t *h = ud;
	return sched_store_history_rules(c, h->a, &h->rules, &h->nrules);
}

int sched_history_seed(struct app *app, db_conn_t *c, int64_t now, FILE *out)
{
	(void)out;
	hist_t h = {.b = sched_store_history_batch(c), .a = arena_new(), .c = c};
	int rc = demo_history_run(app->cfg, c, now, h.b, prep, day, &h, "past slots", &h.rows);
	arena_free(h.a);
	return rc;
}
