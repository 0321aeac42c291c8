/* internal.h — what the schedule capability's own files share (schedule.c, holidays.c, pages.c,
 * demo.c). Other capabilities use schedule.h. */
#ifndef FIN_SCHEDULE_INTERNAL_H
#define FIN_SCHEDULE_INTERNAL_H

#include "schedule/schedule.h"
#include "schedule/store.h"

#include <stdio.h>

#include <stddef.h>
#include <stdint.h>

/* Seconds since the epoch (one function, so pages and jobs agree). */
int64_t sched_now(void);

/* The regular intervals of one local date from an office's opening-hours rows: the rows of the
 * most specific validity period covering the date (latest start; ties: earliest end, open-ended
 * last) for its weekday, sorted and with overlapping or touching intervals merged. Returns how
 * many were written (at most max). */
size_t sched_day_intervals(const sched_hours_t *rows, size_t n, const char *date, int weekday, schedule_interval_t *out,
			   size_t max);

/* "1,3,5" → bit mask with bit d set for ISO weekday d; 0 when malformed, empty or repeated. */
unsigned sched_weekday_mask(const char *s);
/* The mask back as "1,3,5" (out holds 14 bytes). */
void sched_weekday_list(unsigned mask, char out[16]);

/* Seats split: staff seats = ceil(seats × share / 100), the rest public. */
void sched_split_seats(int seats, int share, int *public_seats, int *staff_seats);

/* Demo data for the catalogue's demo offices (after the catalogue's demo step): opening hours,
 * the shipped holiday files for 2026 and 2027 (ROOT/deploy/holidays/) plus two city holidays,
 * closures, staff shifts for the coming weeks, skills, availability rules per office and
 * channel, then the slots. Runs its own transaction; 0 or an error (nothing written then). */
int schedule_demo_seed_root(db_conn_t *c, const char *root, int64_t now);

/* `finestreta import holidays FILE`: parse, store, re-materialise every office (SCHEDULE_SAFE),
 * one transaction. Prints a summary (and stranded slots, which it leaves alone) to out, errors
 * to err_out. 0, ERR_INVALID (bad file), ERR_IO, or a storage error. */
int schedule_import_holidays_file(db_t *db, const char *path, FILE *out, FILE *err_out);

/* history.c: demo.history_days of past slots (core/demo.h); a seed step. */
typedef struct {
	int64_t id, office_id;
	const char *channel, *weekdays;
	int start_min, end_min, slot_min, capacity, staff_share; /* capacity -1: derived */
} sched_history_rule_t;
typedef struct {
	int64_t rule_id, office_id, start_at, end_at, release_at;
	const char *channel, *day;
	int capacity, staff_capacity, booked, staff_booked;
} sched_history_slot_t;
struct app;
int sched_history_seed(struct app *app, db_conn_t *c, int64_t now, FILE *out);
int sched_store_history_rules(db_conn_t *c, arena_t *a, sched_history_rule_t **out, size_t *n);
struct demo_batch *sched_store_history_batch(db_conn_t *c);
int sched_store_history_slot(struct demo_batch *b, const sched_history_slot_t *s);

#endif
