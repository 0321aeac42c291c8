/* demo.h — the shape of the demo city's generated history (`finestreta demo` with
 * demo.history_days > 0): which past days the offices were open and how busy each was, and a
 * small deterministic random generator, so that every capability's history step (booking's
 * appointments, the floor's tickets, the surveys, the chats, …) draws the same year: more people
 * on Mondays and in January, fewer on Saturdays and in August, and a growth over the period from
 * about 305 to 443 visitors a day at the city's offices (the figures of a real citizen office),
 * scaled to the demo city by DEMO_SCALE.
 *
 * Everything is a function of the day and a stream name: the same database every time for the
 * same `now` day, whatever order the steps run in. */
#ifndef FIN_CORE_DEMO_H
#define FIN_CORE_DEMO_H

#include "base/config.h"
#include "base/tz.h"
#include "db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The in-person visitors of a day at DEMO_SCALE of a real office's 305 → 443 a day. */
#define DEMO_SCALE 0.4
#define DEMO_TZ "Europe/Madrid"

typedef struct demo_rng {
	uint64_t s;
} demo_rng_t;

/* A generator for stream (the capability and what it draws: "floor.tickets") on day. */
void demo_rng_init(demo_rng_t *r, const char *stream, int32_t day);
uint64_t demo_rng_next(demo_rng_t *r);
/* Uniform in lo..hi (both included). */
int demo_rng_int(demo_rng_t *r, int lo, int hi);
/* True with a probability of per_mille / 1000. */
bool demo_rng_chance(demo_rng_t *r, int per_mille);
/* An index of w[0..n) drawn with those weights (n > 0, some weight > 0). */
size_t demo_rng_pick(demo_rng_t *r, const unsigned *w, size_t n);
/* mean, with a random rounding and ±spread_pct % noise, never below 0. */
int demo_rng_count(demo_rng_t *r, double mean, int spread_pct);

typedef struct demo_day {
	int32_t day;            /* local civil date (tz_days_from_civil) */
	char date[TZ_DATE_LEN]; /* "YYYY-MM-DD" */
	int weekday;            /* 1 Monday … 6 Saturday (Sundays are closed) */
	int back;               /* days before today: 1 = yesterday */
	double growth;          /* 0 at the first day of the history, 1 at yesterday */
	double load;            /* weekday × season × growth, about 1 on an ordinary day */
	int visitors;           /* in-person visitors at the city's offices that day */
	const tz_t *tz;         /* DEMO_TZ */
} demo_day_t;

/* demo.history_days: 0 (no history) … */
int demo_history_days(const config_t *cfg);
/* True when the offices open on that local date: not a Sunday, not a public holiday of Catalonia
 * (fixed dates, Good Friday and Easter Monday). */
bool demo_open(int32_t day);
/* Calls fn for each open day from history_days days ago to yesterday (local dates of now), in
 * order; stops at fn's first error and returns it. 0 when history_days is 0. */
typedef int (*demo_day_fn)(const demo_day_t *d, void *ud);
int demo_history_each(const config_t *cfg, int64_t now, demo_day_fn fn, void *ud);
/* The demo city's offices open Monday to Friday 8:30–14:30 and on Thursday afternoons
 * 16:00–19:00 (the schedule's demo hours): the minute someone comes in (a fifth of Thursday's
 * people in the afternoon; mornings bunch up in the middle), at least before_close minutes before
 * closing; -1 on a Saturday. */
int demo_office_minute(demo_rng_t *r, const demo_day_t *d, int before_close);
/* The instant of minute (0..1439) of the day, local time. */
int64_t demo_at(const demo_day_t *d, int minute);
/* now less the days of config key (a retention: "chat.keep_days"): rows older than this are
 * blank in the history, as the purge leaves them. */
int64_t demo_kept_from(const config_t *cfg, const char *key, int64_t now);
/* Demo person who's obviously fictitious name into s: "Persona de prova 01234". */
void demo_name(char *s, size_t len, int who);

/* Rows written many at a time: one INSERT … VALUES (…), (…), … of up to DEMO_BATCH_ROWS rows per
 * round trip (a year of history is some 150,000 rows; one statement each is slow on
 * PostgreSQL). The store file gives the statement's head ("INSERT INTO t (a, b) VALUES ") and
 * one row with a bare $ for each parameter ("($, (SELECT id FROM offices WHERE code = $))");
 * the rows' text and blob parameters are copied, so they may live on the caller's stack. */
#define DEMO_BATCH_ROWS 64
#define DEMO_BATCH_COLS 24
typedef struct demo_batch {
	db_conn_t *c;
	const char *head, *row;
	int ncols;       /* $ in row, at most DEMO_BATCH_COLS */
	int n;           /* rows waiting */
	int64_t rows;    /* rows written so far */
	struct arena *a; /* the waiting rows' strings */
	char *sql;       /* the statement of a full batch */
	db_param_t p[DEMO_BATCH_ROWS * DEMO_BATCH_COLS];
} demo_batch_t;
/* A new batch (free it with demo_batch_free, after demo_batch_flush). */
demo_batch_t *demo_batch_new(db_conn_t *c, const char *head, const char *row);
/* Adds a row of ncols parameters; writes the batch when it is full. 0 or a storage error. */
int demo_batch_add(demo_batch_t *b, const db_param_t *row);
/* Writes the rows waiting. 0 or a storage error. */
int demo_batch_flush(demo_batch_t *b);
void demo_batch_free(demo_batch_t *b);

/* A capability's history step in one transaction on c: prep (may be NULL) for what the days
 * need, fn for each open day (demo_history_each), then b's waiting rows; commits, or rolls back
 * at the first error. On success logs "demo: N what" with N = *count. Frees b in any case;
 * 0 at once (b freed) when demo.history_days is 0. 0 or the first error. */
typedef int (*demo_prep_fn)(db_conn_t *c, void *ud);
int demo_history_run(const config_t *cfg, db_conn_t *c, int64_t now, demo_batch_t *b, demo_prep_fn prep, demo_day_fn fn,
		     void *ud, const char *what, const int64_t *count);

#endif
