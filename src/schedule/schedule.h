/* schedule.h — time and capacity: opening hours, closures, public holidays, staff shifts and
 * skills, availability rules, and the slots they materialise (docs/internals/schedule.md).
 *
 * Dates are local civil dates of the office's time zone ("YYYY-MM-DD", or day numbers from
 * base/tz.h); times of day are minutes after local midnight; instants are Unix seconds. Offices
 * and procedures come from catalog.h, staff accounts from auth.h.
 *
 * Seats. A slot has `capacity` public seats and `staff_capacity` seats kept for staff bookings
 * (the phone line, ICT agents): staff_capacity = ceil(seats × staff_share / 100), capacity =
 * seats − staff_capacity. The booking capability owns the counters: a public booking takes a
 * public seat (booked + 1, while booked < capacity); a staff booking takes a staff seat
 * (staff_booked + 1, while staff_booked < staff_capacity) or, when those are gone, a public one.
 * Nothing here ever lowers or resets booked / staff_booked.
 *
 * Ownership: strings and arrays in out-structures are allocated from the arena passed in. db
 * connections are borrowed. Errors: 0 or a negative code from base/err.h. */
#ifndef FIN_SCHEDULE_H
#define FIN_SCHEDULE_H

#include "base/arena.h"
#include "base/tz.h"
#include "db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The availability channels: "in_person", "phone", "video", "ict_agent". */
bool schedule_channel_valid(const char *channel);

/* ---------------------------------------------------------------- bookable slots */

typedef struct {
	int64_t id, rule_id, office_id;
	const char *channel;
	const char *day;          /* local date of the start */
	int start_min, end_min;   /* local times of day (end_min may be 1440) */
	int64_t start_at, end_at; /* instants */
	int64_t release_at;       /* bookable online from here */
	int capacity, staff_capacity, booked, staff_booked;
	int free; /* seats the asker may take now (public, or staff: see above) */
	bool active;
} schedule_slot_t;

/* The slots of an office and channel on local days from_day..to_day (inclusive) that can be
 * booked at instant now: active, start_at >= now + the rule's minimum notice, with a free seat,
 * serving procedure_id (0 = any; a rule without procedures serves every procedure), and — for
 * the public (staff = false) — released (release_at <= now, which also holds the booking
 * horizon: a slot is released no earlier than the day it enters the horizon). Staff bookings
 * ignore the release time but not the minimum notice. Ordered by start; at most 2000.
 * ERR_INVALID for a bad channel or date. */
int schedule_slots(db_conn_t *c, arena_t *a, int64_t office_id, const char *channel, int64_t procedure_id,
		   const char *from_day, const char *to_day, int64_t now, bool staff, schedule_slot_t **out, size_t *n);
/* The slots schedule_slots would list that start at instant at (an indexed read of those slots
 * alone, not of their day), by id; at most 64. ERR_INVALID for a bad channel. */
int schedule_slots_at(db_conn_t *c, arena_t *a, int64_t office_id, const char *channel, int64_t procedure_id,
		      int64_t at, int64_t now, bool staff, schedule_slot_t **out, size_t *n);
/* One slot by id, whatever its state (free is computed for the public). ERR_NOT_FOUND. */
int schedule_slot_get(db_conn_t *c, arena_t *a, int64_t slot_id, schedule_slot_t *out);

/* ---------------------------------------------------------------- opening hours per day */

typedef struct {
	int open_min, close_min;
} schedule_interval_t;

typedef struct {
	int32_t day;
	const char *date;                     /* "YYYY-MM-DD" */
	int weekday;                          /* ISO: 1 = Monday */
	bool open;                            /* has intervals and is neither a closure nor a holiday */
	const schedule_interval_t *intervals; /* the regular hours of the day, even when closed */
	size_t nintervals;
	const char *closed_reason; /* a closure's reason ("" when it gave none), or NULL */
	const char *holiday_scope; /* "national" | "catalonia" | "city", or NULL */
	const char *holiday_ca, *holiday_es, *holiday_en;
} schedule_day_t;

/* Opening hours of an office for local days from..to (at most 366 days). For each date the
 * hours come from the most specific validity period covering it: the one that starts latest
 * (ties: the one that ends first); a period with no rows for a weekday means closed that day.
 * ERR_INVALID when the range is inverted or too long. */
int schedule_hours(db_conn_t *c, arena_t *a, int64_t office_id, int32_t from, int32_t to, schedule_day_t **out,
		   size_t *n);

/* ---------------------------------------------------------------- materialisation */

typedef struct {
	int64_t slot_id, rule_id;
	const char *channel;
	const char *day; /* local date */
	int start_min;   /* local time of day */
	int64_t start_at;
	int booked, staff_booked;
	bool removed; /* the change no longer yields the slot (else: fewer seats) */
	int new_capacity, new_staff_capacity;
} schedule_strand_t;

typedef struct {
	size_t inserted, updated, deleted, deactivated;
	schedule_strand_t *strands; /* booked slots the change removes or shrinks below their bookings */
	size_t nstrands;
} schedule_report_t;

typedef enum {
	/* Work out the change and fill the report; write nothing. */
	SCHEDULE_DRY_RUN,
	/* Apply everything, unless some booked slot would be stranded: then write nothing and
	 * return ERR_CONFLICT with the strands in the report (pages ask for a confirmation). */
	SCHEDULE_STRICT,
	/* Apply everything; stranded booked slots are kept with active = 0 (removed) or get their
	 * smaller capacity (shrunk), so every booking still points at its slot. */
	SCHEDULE_CONFIRMED,
	/* Apply what strands nobody and leave stranded slots as they are (the background job; a
	 * later change on the pages reports them). */
	SCHEDULE_SAFE,
} schedule_mode_t;

/* Brings the future slots (start_at >= now) of an office (0: every office with rules), or of
 * one rule of it (rule_id != 0), in line with rules, opening hours, closures, holidays, shifts
 * and skills over [today, today + horizon] of each rule: inserts missing slots, updates seats
 * and release times, deletes slots nobody booked that are no longer produced. Idempotent: a
 * second run changes nothing. It neither begins nor commits: run it inside the transaction of the
 * change that prompted it, so that both are undone together (pages roll back on ERR_CONFLICT).
 * rep may be NULL (its arrays come from a). ERR_CONFLICT in SCHEDULE_STRICT as said above;
 * ERR_INVALID when an office's time zone cannot be loaded. */
int schedule_materialise(db_conn_t *c, arena_t *a, int64_t office_id, int64_t rule_id, int64_t now,
			 schedule_mode_t mode, schedule_report_t *rep);

/* The background job: every office, SCHEDULE_SAFE, each in its own transaction. Logs stranded
 * slots it leaves alone. */
int schedule_job(db_conn_t *c, int64_t now);

/* ---------------------------------------------------------------- holidays */

typedef struct {
	const char *day, *scope, *name_ca, *name_es, *name_en;
} schedule_holiday_t;

/* Why a holidays CSV was refused: line (1-based, 0 for the whole file), the column name or "",
 * and a code: "empty", "encoding", "too_big", "columns", "header", "date", "scope", "name",
 * "duplicate". */
typedef struct {
	int line;
	const char *field;
	const char *code;
} schedule_csv_error_t;

/* Parses a holidays CSV: an optional header line "date,scope,name_ca,name_es,name_en", then one
 * holiday a line with those five fields (RFC 4180 quoting; '#' starts a comment line; blank
 * lines are skipped; UTF-8, optional BOM; CRLF or LF). At most 1000 rows, 256 KiB. 0 or
 * ERR_INVALID with *err filled (nothing else is returned then). */
int schedule_holidays_parse(arena_t *a, const char *text, size_t len, schedule_holiday_t **out, size_t *n,
			    schedule_csv_error_t *err);
/* The error in English, for the CLI ("line 4, date: not a date YYYY-MM-DD"). Arena memory. */
const char *schedule_csv_error_text(arena_t *a, const schedule_csv_error_t *err);
/* Upserts the holidays (by date and scope) in the caller's transaction. 0 or a storage error. */
int schedule_holidays_store(db_conn_t *c, const schedule_holiday_t *h, size_t n);

#endif
