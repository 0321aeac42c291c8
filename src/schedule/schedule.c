/* schedule.c — opening hours per day, rule expansion, slot materialisation and recompute, the
 * bookable-slot queries and the background job. See docs/internals/schedule.md. */
#include "schedule/schedule.h"

#include "base/err.h"
#include "base/log.h"
#include "base/str.h"
#include "catalog/catalog.h"
#include "schedule/internal.h"
#include "schedule/store.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_INTERVALS 16
#define DAY_S 86400

int64_t sched_now(void)
{
	return (int64_t)time(NULL);
}

bool schedule_channel_valid(const char *ch)
{
	return str_eq(ch, "in_person") || str_eq(ch, "phone") || str_eq(ch, "video") || str_eq(ch, "ict_agent");
}

unsigned sched_weekday_mask(const char *s)
{
	unsigned mask = 0;
	if (!s || !*s)
		return 0;
	for (const char *p = s;; p += 2) {
		if (p[0] < '1' || p[0] > '7')
			return 0;
		unsigned bit = 1u << (p[0] - '0');
		if (mask & bit)
			return 0;
		mask |= bit;
		if (p[1] == '\0')
			return mask;
		if (p[1] != ',')
			return 0;
	}
}

void sched_weekday_list(unsigned mask, char out[16])
{
	size_t n = 0;
	for (int d = 1; d <= 7; d++)
		if (mask & (1u << d)) {
			if (n)
				out[n++] = ',';
			out[n++] = (char)('0' + d);
		}
	out[n] = '\0';
}

void sched_split_seats(int seats, int share, int *public_seats, int *staff_seats)
{
	int staff = (seats * share + 99) / 100;
	if (staff > seats)
		staff = seats;
	*staff_seats = staff;
	*public_seats = seats - staff;
}

/* ---------------------------------------------------------------- opening hours */

static int cmp_interval(const void *a, const void *b)
{
	const schedule_interval_t *x = a, *y = b;
	return x->open_min != y->open_min ? (x->open_min < y->open_min ? -1 : 1)
					  : (x->close_min < y->close_min ? -1 : x->close_min > y->close_min);
}

/* Whether period (from, to) is more specific than (bfrom, bto): later start, then earlier end. */
static bool more_specific(const char *from, const char *to, const char *bfrom, const char *bto)
{
	int c = strcmp(from, bfrom);
	if (c != 0)
		return c > 0;
	if (!*to)
		return false;
	return !*bto || strcmp(to, bto) < 0;
}

size_t sched_day_intervals(const sched_hours_t *rows, size_t n, const char *date, int weekday, schedule_interval_t *out,
			   size_t max)
{
	const char *bfrom = NULL, *bto = NULL;
	for (size_t i = 0; i < n; i++) {
		const sched_hours_t *h = &rows[i];
		if (strcmp(h->valid_from, date) > 0 || (*h->valid_to && strcmp(date, h->valid_to) > 0))
			continue;
		if (!bfrom || more_specific(h->valid_from, h->valid_to, bfrom, bto)) {
			bfrom = h->valid_from;
			bto = h->valid_to;
		}
	}
	if (!bfrom)
		return 0;
	size_t k = 0;
	for (size_t i = 0; i < n && k < max; i++) {
		const sched_hours_t *h = &rows[i];
		if (h->weekday == weekday && strcmp(h->valid_from, bfrom) == 0 && strcmp(h->valid_to, bto) == 0)
			out[k++] = (schedule_interval_t){h->open_min, h->close_min};
	}
	qsort(out, k, sizeof *out, cmp_interval);
	size_t m = 0;
	for (size_t i = 0; i < k; i++) {
		if (m > 0 && out[i].open_min <= out[m - 1].close_min) {
			if (out[i].close_min > out[m - 1].close_min)
				out[m - 1].close_min = out[i].close_min;
		} else {
			out[m++] = out[i];
		}
	}
	return m;
}

static int scope_rank(const char *scope)
{
	return str_eq(scope, "national") ? 0 : str_eq(scope, "catalonia") ? 1 : 2;
}

/* Several scopes may share a date; the widest one names it (national, catalonia, city). */
static const sched_holiday_row_t *holiday_on(const sched_holiday_row_t *h, size_t n, const char *date)
{
	const sched_holiday_row_t *best = NULL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(h[i].h.day, date) == 0 && (!best || scope_rank(h[i].h.scope) < scope_rank(best->h.scope)))
			best = &h[i];
	return best;
}

static const sched_closure_t *closure_on(const sched_closure_t *c, size_t n, const char *date)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i].day, date) == 0)
			return &c[i];
	return NULL;
}

int schedule_hours(db_conn_t *c, arena_t *a, int64_t office_id, int32_t from, int32_t to, schedule_day_t **out,
		   size_t *n)
{
	if (to < from || to - from > 365)
		return ERR_INVALID;
	char sfrom[TZ_DATE_LEN], sto[TZ_DATE_LEN];
	tz_date_format(from, sfrom);
	tz_date_format(to, sto);
	sched_hours_t *rows;
	sched_closure_t *cl;
	sched_holiday_row_t *hol;
	size_t nrows, ncl, nhol;
	int rc = sched_store_hours(c, a, office_id, &rows, &nrows);
	if (!rc)
		rc = sched_store_closures(c, a, office_id, sfrom, sto, &cl, &ncl);
	if (!rc)
		rc = sched_store_holidays(c, a, sfrom, sto, &hol, &nhol);
	if (rc)
		return rc;
	size_t count = (size_t)(to - from) + 1;
	schedule_day_t *days = arena_alloc(a, count * sizeof *days);
	for (size_t i = 0; i < count; i++) {
		schedule_day_t *d = &days[i];
		d->day = from + (int32_t)i;
		char *date = arena_alloc(a, TZ_DATE_LEN);
		tz_date_format(d->day, date);
		d->date = date;
		d->weekday = tz_weekday(d->day);
		schedule_interval_t iv[MAX_INTERVALS];
		d->nintervals = sched_day_intervals(rows, nrows, date, d->weekday, iv, MAX_INTERVALS);
		schedule_interval_t *copy = arena_alloc(a, (d->nintervals ? d->nintervals : 1) * sizeof *copy);
		memcpy(copy, iv, d->nintervals * sizeof *copy);
		d->intervals = copy;
		const sched_closure_t *x = closure_on(cl, ncl, date);
		d->closed_reason = x ? x->reason : NULL;
		const sched_holiday_row_t *h = holiday_on(hol, nhol, date);
		if (h) {
			d->holiday_scope = h->h.scope;
			d->holiday_ca = h->h.name_ca;
			d->holiday_es = h->h.name_es;
			d->holiday_en = h->h.name_en;
		}
		d->open = d->nintervals > 0 && !x && !h;
	}
	*out = days;
	*n = count;
	return 0;
}

/* ---------------------------------------------------------------- materialisation */

typedef struct {
	arena_t *a;
	sched_slot_t *items;
	size_t n, cap;
} slots_t;

static sched_slot_t *slot_push(slots_t *v)
{
	return ARENA_PUSH(v->a, v->items, v->n, v->cap);
}

typedef struct {
	arena_t *a;
	schedule_strand_t *items;
	size_t n, cap;
} strands_t;

static schedule_strand_t *strand_push(strands_t *v)
{
	return ARENA_PUSH(v->a, v->items, v->n, v->cap);
}

/* What one office's expansion reads, loaded once. */
typedef struct {
	const tz_t *z;
	int64_t office_id;
	sched_hours_t *hours;
	size_t nhours;
	sched_closure_t *closures;
	size_t nclosures;
	sched_holiday_row_t *holidays;
	size_t nholidays;
	sched_shift_t *shifts;
	size_t nshifts;
	sched_skill_t *skills;
	size_t nskills;
} office_data_t;

static bool has_skill(const office_data_t *od, int64_t user, const sched_rule_t *r)
{
	if (r->nprocs == 0)
		return true;
	for (size_t i = 0; i < od->nskills; i++)
		if (od->skills[i].user_id == user)
			for (size_t k = 0; k < r->nprocs; k++)
				if (od->skills[i].procedure_id == r->procs[k])
					return true;
	return false;
}

/* Staff with a shift at the office and channel covering all of [s, e] on date (and a skill for
 * one of the rule's procedures, when it lists any). */
static int derived_seats(const office_data_t *od, const sched_rule_t *r, const char *date, int s, int e)
{
	int64_t seen[64];
	int n = 0;
	for (size_t i = 0; i < od->nshifts; i++) {
		const sched_shift_t *sh = &od->shifts[i];
		if (strcmp(sh->day, date) != 0 || strcmp(sh->channel, r->channel) != 0 || sh->start_min > s ||
		    sh->end_min < e)
			continue;
		bool dup = false;
		for (int k = 0; k < n; k++)
			dup |= seen[k] == sh->user_id;
		if (dup || !has_skill(od, sh->user_id, r))
			continue;
		if (n < 64)
			seen[n++] = sh->user_id;
	}
	return n;
}

static void expand_rule(const office_data_t *od, const sched_rule_t *r, int32_t today, int64_t now, slots_t *out)
{
	unsigned mask = sched_weekday_mask(r->weekdays);
	int32_t vf, vt = INT32_MAX;
	if (!mask || tz_date_parse(r->valid_from, &vf) || (*r->valid_to && tz_date_parse(r->valid_to, &vt)) ||
	    r->slot_min <= 0 || r->every_weeks < 1)
		return;
	int32_t first = vf > today ? vf : today;
	int32_t last = today + r->horizon_days;
	if (vt < last)
		last = vt;
	int32_t anchor = tz_week_start(vf);
	for (int32_t d = first; d <= last; d++) {
		int wd = tz_weekday(d);
		if (!(mask & (1u << wd)) || ((tz_week_start(d) - anchor) / 7) % r->every_weeks != 0)
			continue;
		char date[TZ_DATE_LEN];
		tz_date_format(d, date);
		if (holiday_on(od->holidays, od->nholidays, date) || closure_on(od->closures, od->nclosures, date))
			continue;
		schedule_interval_t iv[MAX_INTERVALS];
		size_t niv = sched_day_intervals(od->hours, od->nhours, date, wd, iv, MAX_INTERVALS);
		if (niv == 0)
			continue;
		const char *day = NULL;
		int64_t horizon_entry = tz_day_start(od->z, d - r->horizon_days);
		int64_t release = horizon_entry;
		if (r->release_days >= 0) {
			int64_t t;
			if (tz_to_utc(od->z, d - r->release_days, r->release_min, TZ_GAP_SHIFT, &t) == 0 && t > release)
				release = t;
		}
		for (int s = r->start_min; s + r->slot_min <= r->end_min; s += r->slot_min) {
			int e = s + r->slot_min;
			bool inside = false;
			for (size_t k = 0; k < niv && !inside; k++)
				inside = iv[k].open_min <= s && e <= iv[k].close_min;
			int64_t sa;
			/* A slot that starts in a nonexistent local hour (spring forward) is not produced. A
			 * slot lasts slot_min whatever the clocks do: 01:00-02:00 ends at 03:00 CEST when the
			 * clock jumps, and one starting in the hour that happens twice (autumn, at its first
			 * occurrence) ends slot_min later, not at the wall-clock end an hour after that. */
			if (!inside || tz_to_utc(od->z, d, s, 0, &sa) || sa < now)
				continue;
			int64_t ea = sa + (int64_t)r->slot_min * 60;
			int seats = r->capacity >= 0 ? r->capacity : derived_seats(od, r, date, s, e);
			if (seats <= 0)
				continue;
			if (!day)
				day = arena_strdup(out->a, date);
			sched_slot_t *x = slot_push(out);
			x->rule_id = r->id;
			x->office_id = od->office_id;
			x->channel = r->channel;
			x->day = day;
			x->start_at = sa;
			x->end_at = ea;
			x->release_at = release;
			x->active = true;
			sched_split_seats(seats, r->staff_share, &x->capacity, &x->staff_capacity);
		}
	}
}

static int cmp_slot(const void *a, const void *b)
{
	const sched_slot_t *x = a, *y = b;
	if (x->rule_id != y->rule_id)
		return x->rule_id < y->rule_id ? -1 : 1;
	return x->start_at < y->start_at ? -1 : x->start_at > y->start_at;
}

static const char *channel_of(const sched_rule_t *rules, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (rules[i].id == id)
			return rules[i].channel;
	return "";
}

static void add_strand(strands_t *st, const tz_t *z, const sched_slot_t *old, const sched_slot_t *want,
		       const char *channel)
{
	schedule_strand_t *s = strand_push(st);
	tz_local_t l;
	tz_local(z, old->start_at, &l);
	s->slot_id = old->id;
	s->rule_id = old->rule_id;
	s->channel = channel;
	s->day = old->day;
	s->start_min = l.minute;
	s->start_at = old->start_at;
	s->booked = old->booked;
	s->staff_booked = old->staff_booked;
	s->removed = want == NULL;
	s->new_capacity = want ? want->capacity : 0;
	s->new_staff_capacity = want ? want->staff_capacity : 0;
}

typedef struct {
	arena_t *a;
	schedule_mode_t mode;
	strands_t strands;
	schedule_report_t counts;
} run_t;

/* The office, its rules, and the slots they yield from today to the furthest horizon: what the
 * office's future should hold. */
typedef struct {
	office_data_t od;
	sched_rule_t *rules;
	size_t nrules;
	slots_t want; /* sorted by (rule, start) */
} wanted_t;

static bool rule_in_run(const sched_rule_t *r, int64_t rule_id)
{
	return r->active && (!rule_id || r->id == rule_id);
}

static int load_wanted(db_conn_t *c, arena_t *a, int64_t office_id, int64_t rule_id, int64_t now, wanted_t *w)
{
	catalog_office_t office;
	int rc = catalog_office_by_id(c, a, office_id, &office);
	if (rc && rc != ERR_NOT_FOUND)
		return rc;
	bool office_on = rc == 0 && office.active;
	*w = (wanted_t){.od = {.office_id = office_id, .z = office_on ? tz_get(office.tz) : tz_utc()},
			.want = {a, NULL, 0, 0}};
	office_data_t *od = &w->od;
	if (!od->z) {
		log_error("schedule: office %lld has an unknown time zone '%s'", (long long)office_id, office.tz);
		return ERR_INVALID;
	}
	rc = sched_store_rules(c, a, office_id, &w->rules, &w->nrules);
	if (rc)
		return rc;
	tz_local_t lnow;
	tz_local(od->z, now, &lnow);
	int32_t today = lnow.day;
	int horizon = 0;
	bool derive = false;
	for (size_t i = 0; i < w->nrules; i++)
		if (rule_in_run(&w->rules[i], rule_id)) {
			if (w->rules[i].horizon_days > horizon)
				horizon = w->rules[i].horizon_days;
			derive |= w->rules[i].capacity < 0;
		}
	if (!office_on || horizon <= 0)
		return 0;
	char from[TZ_DATE_LEN], to[TZ_DATE_LEN];
	tz_date_format(today, from);
	tz_date_format(today + horizon, to);
	rc = sched_store_hours(c, a, office_id, &od->hours, &od->nhours);
	if (!rc)
		rc = sched_store_closures(c, a, office_id, from, to, &od->closures, &od->nclosures);
	if (!rc)
		rc = sched_store_holidays(c, a, from, to, &od->holidays, &od->nholidays);
	if (!rc && derive)
		rc = sched_store_shifts(c, a, office_id, from, to, &od->shifts, &od->nshifts);
	if (!rc && derive)
		rc = sched_store_skills_at(c, a, office_id, from, to, &od->skills, &od->nskills);
	if (rc)
		return rc;
	for (size_t i = 0; i < w->nrules; i++)
		if (rule_in_run(&w->rules[i], rule_id))
			expand_rule(od, &w->rules[i], today, now, &w->want);
	if (w->want.n > 1)
		qsort(w->want.items, w->want.n, sizeof *w->want.items, cmp_slot);
	return 0;
}

/* What to write to bring the office's future slots in line with the wanted ones. An update
 * that shrinks a slot below its bookings is unguarded (SCHEDULE_CONFIRMED only). */
typedef struct {
	sched_slot_t *ins;
	const sched_slot_t **upd_new, **upd_old, **del, **deact;
	bool *upd_guard;
	size_t nins, nupd, ndel, ndeact;
} plan_t;

static void plan_alloc(arena_t *a, plan_t *p, size_t cap)
{
	*p = (plan_t){0};
	p->ins = arena_alloc(a, cap * sizeof *p->ins);
	p->upd_new = arena_alloc(a, cap * sizeof *p->upd_new);
	p->upd_old = arena_alloc(a, cap * sizeof *p->upd_old);
	p->upd_guard = arena_alloc(a, cap * sizeof *p->upd_guard);
	p->del = arena_alloc(a, cap * sizeof *p->del);
	p->deact = arena_alloc(a, cap * sizeof *p->deact);
}

/* A stored slot the rules no longer yield: deleted when nobody booked it, else a strand
 * (deactivated when confirmed; an inactive booked slot was reported when it was stranded). */
static void plan_gone(run_t *run, const wanted_t *w, const sched_slot_t *o, plan_t *p)
{
	if (o->booked == 0 && o->staff_booked == 0) {
		p->del[p->ndel++] = o;
	} else if (o->active) {
		add_strand(&run->strands, w->od.z, o, NULL, channel_of(w->rules, w->nrules, o->rule_id));
		if (run->mode == SCHEDULE_CONFIRMED)
			p->deact[p->ndeact++] = o;
	}
}

/* A stored slot the rules still yield, maybe with other seats or times. */
static void plan_kept(run_t *run, const wanted_t *w, const sched_slot_t *want, const sched_slot_t *o, plan_t *p)
{
	bool shrinks = want->capacity < o->booked || want->staff_capacity < o->staff_booked;
	bool same = o->active && strcmp(o->day, want->day) == 0 && strcmp(o->channel, want->channel) == 0 &&
		    o->end_at == want->end_at && o->capacity == want->capacity &&
		    o->staff_capacity == want->staff_capacity && o->release_at == want->release_at;
	if (same)
		return;
	if (shrinks) {
		add_strand(&run->strands, w->od.z, o, want, channel_of(w->rules, w->nrules, o->rule_id));
		if (run->mode != SCHEDULE_CONFIRMED)
			return;
	}
	sched_slot_t *nw = arena_alloc(run->a, sizeof *nw);
	*nw = *want;
	nw->id = o->id;
	p->upd_new[p->nupd] = nw;
	p->upd_old[p->nupd] = o;
	p->upd_guard[p->nupd] = !shrinks;
	p->nupd++;
}

/* The diff of the wanted and the stored slots, by (rule, start): both lists are sorted that way. */
static void plan_diff(run_t *run, const wanted_t *w, const sched_slot_t *have, size_t nhave, plan_t *p)
{
	const slots_t *want = &w->want;
	plan_alloc(run->a, p, want->n + nhave + 1);
	size_t i = 0, j = 0;
	while (i < want->n || j < nhave) {
		int cmp = i == want->n ? 1 : j == nhave ? -1 : cmp_slot(&want->items[i], &have[j]);
		if (cmp < 0)
			p->ins[p->nins++] = want->items[i++];
		else if (cmp > 0)
			plan_gone(run, w, &have[j++], p);
		else
			plan_kept(run, w, &want->items[i++], &have[j++], p);
	}
}

/* Writes the plan. Deletes and updates are guarded by the bookings they saw: on PostgreSQL a
 * booking may land between the read and the write. A guard that fails is a late strand
 * (ERR_CONFLICT in SCHEDULE_STRICT). */
static int plan_apply(db_conn_t *c, run_t *run, const wanted_t *w, plan_t *p)
{
	for (size_t k = 0; k < p->ndel; k++) {
		int64_t r = sched_store_slot_delete_free(c, p->del[k]->id);
		if (r < 0)
			return (int)r;
		if (r == 1) {
			run->counts.deleted++;
			continue;
		}
		add_strand(&run->strands, w->od.z, p->del[k], NULL,
			   channel_of(w->rules, w->nrules, p->del[k]->rule_id));
		if (run->mode == SCHEDULE_STRICT)
			return ERR_CONFLICT;
		if (run->mode == SCHEDULE_CONFIRMED && p->del[k]->active)
			p->deact[p->ndeact++] = p->del[k];
	}
	for (size_t k = 0; k < p->nupd; k++) {
		int64_t r = sched_store_slot_update(c, p->upd_new[k], p->upd_guard[k]);
		if (r < 0)
			return (int)r;
		if (r == 0) {
			add_strand(&run->strands, w->od.z, p->upd_old[k], p->upd_new[k],
				   channel_of(w->rules, w->nrules, p->upd_old[k]->rule_id));
			if (run->mode == SCHEDULE_STRICT)
				return ERR_CONFLICT;
			if (run->mode == SCHEDULE_CONFIRMED &&
			    (r = sched_store_slot_update(c, p->upd_new[k], false)) < 0)
				return (int)r;
		}
		run->counts.updated += r > 0;
	}
	for (size_t k = 0; k < p->ndeact; k++) {
		int rc = sched_store_slot_deactivate(c, p->deact[k]->id);
		if (rc)
			return rc;
		run->counts.deactivated++;
	}
	int rc = sched_store_slots_insert(c, p->ins, p->nins);
	if (!rc)
		run->counts.inserted += p->nins;
	return rc;
}

static int materialise_office(db_conn_t *c, run_t *run, int64_t office_id, int64_t rule_id, int64_t now)
{
	wanted_t w;
	int rc = load_wanted(c, run->a, office_id, rule_id, now, &w);
	sched_slot_t *have;
	size_t nhave;
	if (!rc)
		rc = sched_store_future_slots(c, run->a, office_id, rule_id, now, &have, &nhave);
	if (rc)
		return rc;
	size_t strands_before = run->strands.n;
	plan_t p;
	plan_diff(run, &w, have, nhave, &p);
	if (run->mode == SCHEDULE_DRY_RUN || (run->mode == SCHEDULE_STRICT && run->strands.n > strands_before)) {
		run->counts.inserted += p.nins;
		run->counts.updated += p.nupd;
		run->counts.deleted += p.ndel;
		return 0;
	}
	return plan_apply(c, run, &w, &p);
}

int schedule_materialise(db_conn_t *c, arena_t *a, int64_t office_id, int64_t rule_id, int64_t now,
			 schedule_mode_t mode, schedule_report_t *rep)
{
	run_t run = {.a = a, .mode = mode, .strands = {a, NULL, 0, 0}};
	int rc = 0;
	if (office_id) {
		rc = materialise_office(c, &run, office_id, rule_id, now);
	} else {
		int64_t *ids;
		size_t n;
		rc = sched_store_rule_offices(c, a, &ids, &n);
		/* STRICT over several offices: look at all of them before writing to any. */
		if (!rc && mode == SCHEDULE_STRICT) {
			run.mode = SCHEDULE_DRY_RUN;
			for (size_t i = 0; !rc && i < n; i++)
				rc = materialise_office(c, &run, ids[i], 0, now);
			run.mode = SCHEDULE_STRICT;
			if (!rc && run.strands.n == 0) {
				run.counts = (schedule_report_t){0};
				for (size_t i = 0; !rc && i < n; i++)
					rc = materialise_office(c, &run, ids[i], 0, now);
			}
		} else {
			for (size_t i = 0; !rc && i < n; i++)
				rc = materialise_office(c, &run, ids[i], 0, now);
		}
	}
	if (rep) {
		*rep = run.counts;
		rep->strands = run.strands.items;
		rep->nstrands = run.strands.n;
	}
	if (!rc && mode == SCHEDULE_STRICT && run.strands.n > 0)
		rc = ERR_CONFLICT;
	return rc;
}

int schedule_job(db_conn_t *c, int64_t now)
{
	arena_t *a = arena_new();
	int64_t *ids;
	size_t n;
	int rc = sched_store_rule_offices(c, a, &ids, &n);
	int first = rc;
	for (size_t i = 0; !rc && i < n; i++) {
		schedule_report_t rep;
		int r = db_begin(c);
		if (!r)
			r = schedule_materialise(c, a, ids[i], 0, now, SCHEDULE_SAFE, &rep);
		if (!r)
			r = db_commit(c);
		if (r) {
			db_rollback(c);
			if (!first)
				first = r;
			if (!db_conn_usable(c))
				break; /* the connection is gone: the jobs runner says so once */
			log_warn("schedule job: office %lld: %s %s", (long long)ids[i], err_name(r), db_errmsg(c));
			continue;
		}
		if (rep.nstrands)
			log_warn("schedule job: office %lld: %zu booked slot(s) no longer fit their rules; "
				 "left as they are until a coordinator confirms a change",
				 (long long)ids[i], rep.nstrands);
		if (rep.inserted || rep.deleted || rep.updated)
			log_info("schedule job: office %lld: %zu slot(s) added, %zu updated, %zu removed",
				 (long long)ids[i], rep.inserted, rep.updated, rep.deleted);
	}
	arena_free(a);
	return first;
}

/* ---------------------------------------------------------------- bookable slots */

static void to_public(const sched_slot_t *s, const tz_t *z, bool staff, schedule_slot_t *o)
{
	tz_local_t ls, le;
	tz_local(z, s->start_at, &ls);
	tz_local(z, s->end_at, &le);
	o->id = s->id;
	o->rule_id = s->rule_id;
	o->office_id = s->office_id;
	o->channel = s->channel;
	o->day = s->day;
	o->start_min = ls.minute;
	o->end_min = le.day > ls.day ? 1440 : le.minute;
	o->start_at = s->start_at;
	o->end_at = s->end_at;
	o->release_at = s->release_at;
	o->capacity = s->capacity;
	o->staff_capacity = s->staff_capacity;
	o->booked = s->booked;
	o->staff_booked = s->staff_booked;
	o->active = s->active;
	int free_public = s->capacity - s->booked;
	int free_all = s->capacity + s->staff_capacity - s->booked - s->staff_booked;
	o->free = staff ? free_all : free_public;
	if (o->free < 0)
		o->free = 0;
}

/* The office's time zone (UTC for a zone this machine lacks). A storage failure is returned,
 * never shown as times in the wrong zone. */
static int office_zone(db_conn_t *c, arena_t *a, int64_t office_id, const tz_t **z)
{
	catalog_office_t o;
	int rc = catalog_office_by_id(c, a, office_id, &o);
	if (rc == ERR_NOT_FOUND) {
		*z = tz_utc();
		return 0;
	}
	if (rc)
		return rc;
	*z = tz_get(o.tz);
	if (!*z)
		*z = tz_utc();
	return 0;
}

int schedule_slots(db_conn_t *c, arena_t *a, int64_t office_id, const char *channel, int64_t procedure_id,
		   const char *from_day, const char *to_day, int64_t now, bool staff, schedule_slot_t **out, size_t *n)
{
	int32_t f, t;
	if (!schedule_channel_valid(channel) || tz_date_parse(from_day, &f) || tz_date_parse(to_day, &t))
		return ERR_INVALID;
	sched_slot_t *rows;
	size_t nrows;
	int rc = sched_store_slots_bookable(c, a, office_id, channel, procedure_id, from_day, to_day, now, staff, &rows,
					    &nrows);
	if (rc)
		return rc;
	const tz_t *z;
	if ((rc = office_zone(c, a, office_id, &z)) != 0)
		return rc;
	schedule_slot_t *o = arena_alloc(a, (nrows ? nrows : 1) * sizeof *o);
	for (size_t i = 0; i < nrows; i++)
		to_public(&rows[i], z, staff, &o[i]);
	*out = o;
	*n = nrows;
	return 0;
}

int schedule_slots_at(db_conn_t *c, arena_t *a, int64_t office_id, const char *channel, int64_t procedure_id,
		      int64_t at, int64_t now, bool staff, schedule_slot_t **out, size_t *n)
{
	if (!schedule_channel_valid(channel))
		return ERR_INVALID;
	sched_slot_t *rows;
	size_t nrows;
	int rc = sched_store_slots_bookable_at(c, a, office_id, channel, procedure_id, at, now, staff, &rows, &nrows);
	if (rc)
		return rc;
	const tz_t *z = tz_utc();
	if (nrows && (rc = office_zone(c, a, office_id, &z)) != 0)
		return rc;
	schedule_slot_t *o = arena_alloc(a, (nrows ? nrows : 1) * sizeof *o);
	for (size_t i = 0; i < nrows; i++)
		to_public(&rows[i], z, staff, &o[i]);
	*out = o;
	*n = nrows;
	return 0;
}

int schedule_slot_get(db_conn_t *c, arena_t *a, int64_t slot_id, schedule_slot_t *out)
{
	sched_slot_t s;
	const tz_t *z;
	int rc = sched_store_slot_get(c, a, slot_id, &s);
	if (!rc)
		rc = office_zone(c, a, s.office_id, &z);
	if (rc)
		return rc;
	to_public(&s, z, false, out);
	return 0;
}
