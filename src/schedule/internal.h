/* internal.h — what the schedule capability's own files share (schedule.c, holidays.c, pages.c,
 * demo.c). Other capabilities use schedule.h. */
#ifndef FIN_SCHEDULE_INTERNAL_H
#define FIN_SCHEDULE_INTERNAL_H

#include "schedule/schedule.h"
#include "schedule/store.h"

#include <stddef.h>
#include <stdint.h>

/* Seconds since the epoch (one function, so pages and jobs agree). */
int64_t sched_now(void);

/* The regular intervals of one local date from an office's opening-hours rows: the rows of the
 * most specific validity period covering the date (latest start; ties: earliest end, open-ended
 * last) for its weekday, sorted and with overlapping or touching intervals merged. Returns how
 * many were written (at most max). */
size_t sched_day_intervals(const sched_hours_t *rows, size_t n, const char *date, int weekday,
			   schedule_interval_t *out, size_t max);

/* "1,3,5" → bit mask with bit d set for ISO weekday d; 0 when malformed, empty or repeated. */
unsigned sched_weekday_mask(const char *s);
/* The mask back as "1,3,5" (out holds 14 bytes). */
void sched_weekday_list(unsigned mask, char out[16]);

/* Seats split: staff seats = ceil(seats × share / 100), the rest public. */
void sched_split_seats(int seats, int share, int *public_seats, int *staff_seats);

/* Pages' route tables (pages.c) and the public hours API (api.c). */
void sched_page_routes(void);
void sched_api_routes(void);

#endif
