/* store.h — the schedule capability's tables (migrations/003_schedule.sql): opening_hours,
 * closures, holidays, staff_shifts, staff_skills, availability_rules, rule_procedures, slots.
 * All SQL of the capability lives in store.c. Names are sched_store_*; strings and arrays in
 * out-parameters come from the arena given. Dates are "YYYY-MM-DD" text (which sorts as dates),
 * times of day minutes, instants Unix seconds. Errors: 0 or a negative code (ERR_CONFLICT for a
 * duplicate, ERR_NOT_FOUND when the row to change does not exist). */
#ifndef FIN_SCHEDULE_STORE_H
#define FIN_SCHEDULE_STORE_H

#include "base/arena.h"
#include "db/db.h"
#include "schedule/schedule.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	int64_t id, office_id;
	int weekday, open_min, close_min;
	const char *valid_from;
	const char *valid_to; /* "" = open-ended */
} sched_hours_t;

typedef struct {
	int64_t id, office_id;
	const char *day, *reason;
} sched_closure_t;

typedef struct {
	int64_t id;
	schedule_holiday_t h;
} sched_holiday_row_t;

typedef struct {
	int64_t id, user_id, office_id;
	const char *channel, *day;
	int start_min, end_min;
} sched_shift_t;

typedef struct {
	int64_t user_id, procedure_id;
} sched_skill_t;

typedef struct {
	int64_t id, office_id;
	const char *channel;
	const char *weekdays; /* "1,2,3,4,5" */
	int every_weeks;
	const char *valid_from;
	const char *valid_to; /* "" = open-ended */
	int start_min, end_min, slot_min;
	int capacity; /* -1: derived from shifts */
	int staff_share, horizon_days, min_notice_min;
	int release_days, release_min; /* -1: no release rule */
	bool active;
	int64_t created_at, updated_at;
	int64_t *procs; /* procedure ids, sorted */
	size_t nprocs;
} sched_rule_t;

typedef struct {
	int64_t id, rule_id, office_id;
	const char *channel, *day;
	int64_t start_at, end_at, release_at;
	int capacity, staff_capacity, booked, staff_booked;
	bool active;
} sched_slot_t;

/* ---- opening hours */
int sched_store_hours(db_conn_t *c, arena_t *a, int64_t office_id, sched_hours_t **out, size_t *n);
/* Deletes the rows of period (old_from, old_to) — old_from NULL: none — and inserts rows. */
int sched_store_hours_replace(db_conn_t *c, int64_t office_id, const char *old_from, const char *old_to,
			      const sched_hours_t *rows, size_t n);
/* ERR_NOT_FOUND when the period has no rows. */
int sched_store_hours_delete(db_conn_t *c, int64_t office_id, const char *from, const char *to);

/* ---- closures */
int sched_store_closures(db_conn_t *c, arena_t *a, int64_t office_id, const char *from, const char *to,
			 sched_closure_t **out, size_t *n);
int sched_store_closure_add(db_conn_t *c, int64_t office_id, const char *day, const char *reason, int64_t *id);
int sched_store_closure_delete(db_conn_t *c, int64_t office_id, int64_t id);

/* ---- holidays */
int sched_store_holidays(db_conn_t *c, arena_t *a, const char *from, const char *to, sched_holiday_row_t **out,
			 size_t *n);
int sched_store_holiday_upsert(db_conn_t *c, const schedule_holiday_t *h);
int sched_store_holiday_delete(db_conn_t *c, int64_t id);
/* Years that have holidays, ascending, as ints. */
int sched_store_holiday_years(db_conn_t *c, arena_t *a, int **out, size_t *n);

/* ---- shifts and skills */
/* office_id 0: every office. Ordered by day, start, user. At most 5000. */
int sched_store_shifts(db_conn_t *c, arena_t *a, int64_t office_id, const char *from, const char *to,
		       sched_shift_t **out, size_t *n);
int sched_store_shift_add(db_conn_t *c, const sched_shift_t *s, int64_t *id);
/* The office of a shift. ERR_NOT_FOUND. */
int sched_store_shift_office(db_conn_t *c, int64_t id, int64_t *office_id);
/* The deleted shift's office goes to *office_id. */
int sched_store_shift_delete(db_conn_t *c, int64_t id, int64_t *office_id);
int sched_store_skills_of(db_conn_t *c, arena_t *a, int64_t user_id, int64_t **out, size_t *n);
int sched_store_skills_set(db_conn_t *c, int64_t user_id, const int64_t *procs, size_t n);
/* Skills of every person with a shift at the office between from and to. */
int sched_store_skills_at(db_conn_t *c, arena_t *a, int64_t office_id, const char *from, const char *to,
			  sched_skill_t **out, size_t *n);

/* ---- rules */
int sched_store_rules(db_conn_t *c, arena_t *a, int64_t office_id, sched_rule_t **out, size_t *n);
int sched_store_rule_get(db_conn_t *c, arena_t *a, int64_t id, sched_rule_t *out);
int sched_store_rule_insert(db_conn_t *c, const sched_rule_t *r, int64_t now, int64_t *id);
/* Every field but office and created_at; the procedures are replaced. */
int sched_store_rule_update(db_conn_t *c, const sched_rule_t *r, int64_t now);
int sched_store_rule_set_active(db_conn_t *c, int64_t id, bool active, int64_t now);
/* Offices that have rules. */
int sched_store_rule_offices(db_conn_t *c, arena_t *a, int64_t **out, size_t *n);

/* ---- slots */
/* Slots of an office (and rule, when rule_id != 0) starting at or after now, by rule and start. */
int sched_store_future_slots(db_conn_t *c, arena_t *a, int64_t office_id, int64_t rule_id, int64_t now,
			     sched_slot_t **out, size_t *n);
int sched_store_slots_insert(db_conn_t *c, const sched_slot_t *s, size_t n);
/* Sets end, day, channel, seats, release and active = 1. With guard, only while the bookings still fit
 * the new seats. Returns the rows changed (0 or 1) or an error. */
int64_t sched_store_slot_update(db_conn_t *c, const sched_slot_t *s, bool guard);
/* Deletes the slot if nobody booked it. Rows deleted (0 or 1) or an error. */
int64_t sched_store_slot_delete_free(db_conn_t *c, int64_t id);
int sched_store_slot_deactivate(db_conn_t *c, int64_t id);
/* Every slot of an office and channel ("" = all) on days from..to, by start. At most 5000. */
int sched_store_slots_days(db_conn_t *c, arena_t *a, int64_t office_id, const char *channel, const char *from,
			   const char *to, sched_slot_t **out, size_t *n);
int sched_store_slots_bookable(db_conn_t *c, arena_t *a, int64_t office_id, const char *channel, int64_t procedure_id,
			       const char *from, const char *to, int64_t now, bool staff, sched_slot_t **out,
			       size_t *n);
/* The same, for the slots starting at instant at (the index slots_lookup), by id. At most 64. */
int sched_store_slots_bookable_at(db_conn_t *c, arena_t *a, int64_t office_id, const char *channel,
				  int64_t procedure_id, int64_t at, int64_t now, bool staff, sched_slot_t **out,
				  size_t *n);
int sched_store_slot_get(db_conn_t *c, arena_t *a, int64_t id, sched_slot_t *out);
/* Counts for the overview: slots per rule from `now` on. */
int sched_store_slot_counts(db_conn_t *c, int64_t rule_id, int64_t now, int64_t *slots, int64_t *booked);

#endif
