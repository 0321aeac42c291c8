/* tz.h — time zones read from TZif files (RFC 8536, versions 1 to 4) and civil-date arithmetic.
 *
 * Instants are Unix seconds (UTC). A civil date is a day number: days since 1970-01-01 in the
 * proleptic Gregorian calendar (negative before), so adding days is `+` and the days between two
 * dates is `-`. A time of day is minutes after local midnight, 0..1440 (1440 is the next
 * midnight, so a range can end at the end of the day).
 *
 * Zones come from tz_get(NAME), which reads DIR/NAME once (DIR is /usr/share/zoneinfo, or $TZDIR,
 * or what tz_set_dir gave) and keeps the parsed zone for the life of the process. A zone is
 * immutable once loaded, so any thread may use it without locks; the cache itself is guarded.
 *
 * Local time → UTC has two awkward cases, decided here once for every caller:
 *   - a gap (the spring-forward hour: 02:30 on 2026-03-29 in Europe/Madrid never happens):
 *     ERR_NOT_FOUND, or with TZ_GAP_SHIFT the instant the same distance after the gap started
 *     (02:30 → 03:30 CEST), which is what a wall clock would show had it not been moved;
 *   - an overlap (the autumn hour: 02:30 on 2026-10-25 happens twice): the earlier instant.
 * Instants after the last transition of the file follow the POSIX TZ rule in its footer
 * ("CET-1CEST,M3.5.0,M10.5.0/3"), so a slim file or a date in 2100 converts right.
 *
 * Instants are meaningful within ±2^47 s of 1970 (4 million years); beyond that they are clamped
 * to it.
 *
 * Errors: 0 or a negative code from base/err.h. Nothing here allocates except tz_parse and the
 * cache. */
#ifndef FIN_TZ_H
#define FIN_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tz tz_t;

#define TZ_DATE_LEN 11 /* "YYYY-MM-DD" + NUL */
#define TZ_HHMM_LEN 6  /* "HH:MM" + NUL */
#define TZ_ISO_LEN 26  /* "2026-03-29T09:00:00+02:00" + NUL */
#define TZ_ABBR_MAX 16

/* ---------------------------------------------------------------- civil dates */

bool tz_leap_year(int64_t y);
int tz_days_in_month(int64_t y, int m); /* 0 for a month outside 1..12 */
/* Day number of y-m-d (no range check: the caller passes a valid date). */
int32_t tz_days_from_civil(int64_t y, int m, int d);
void tz_civil_from_days(int32_t day, int *y, int *m, int *d);
/* ISO weekday: 1 = Monday … 7 = Sunday. */
int tz_weekday(int32_t day);
/* The Monday of day's ISO week. */
int32_t tz_week_start(int32_t day);
/* Strict "YYYY-MM-DD": exactly ten characters, year 0001..9999, a real month and day.
 * 0 or ERR_INVALID (out is untouched then). */
int tz_date_parse(const char *s, int32_t *out);
/* "YYYY-MM-DD" for a day number in 0001-01-01..9999-12-31; other days are clamped to that
 * range (they never come out of tz_date_parse). */
void tz_date_format(int32_t day, char out[TZ_DATE_LEN]);
/* String conveniences over the two above: out = date + n days; *n = b - a in days. 0 or
 * ERR_INVALID (a bad date, or a result outside years 1..9999). */
int tz_date_add(const char *date, int n, char out[TZ_DATE_LEN]);
int tz_days_between(const char *a, const char *b, int *n);
/* Easter Sunday of year y (Gregorian computus, years 1583..9999), as a day number. */
int32_t tz_easter(int y);
/* Strict "HH:MM", 00:00..24:00 → minutes 0..1440. 0 or ERR_INVALID. */
int tz_hhmm_parse(const char *s, int *minutes);
/* minutes 0..1440 → "HH:MM" (clamped to that range). */
void tz_hhmm_format(int minutes, char out[TZ_HHMM_LEN]);

/* ---------------------------------------------------------------- zones */

/* The folder tz_get reads from (copied). Also empties the cache, freeing every zone it held: for
 * tests and start-up only, never while another thread may hold a zone. NULL restores the default
 * ($TZDIR, else /usr/share/zoneinfo). */
void tz_set_dir(const char *dir);
/* Whether name can be a zone name: "Europe/Madrid", "UTC", "Etc/GMT+1" — letters, digits and
 * _ + - / in up to 128 bytes, no empty, "." or ".." component, not absolute. */
bool tz_name_valid(const char *name);
/* The zone NAME, loaded on first use and kept (borrowed, valid until exit or tz_set_dir). NULL
 * when the name is not valid, the file is missing or unreadable, or it is not a valid TZif file
 * (logged once per name). "UTC" and "Etc/UTC" always succeed, even without tzdata. */
const tz_t *tz_get(const char *name);
/* A zone that is UTC all the time (borrowed, static). */
const tz_t *tz_utc(void);
/* Parses a TZif file held in memory. On success *out is a new zone (free with tz_free) named
 * name (copied; may be NULL). ERR_INVALID for anything malformed: bad magic or version, counts
 * that disagree with the size, more than 2000 transitions or 256 types, unsorted transitions,
 * an index out of range, an offset beyond ±26 h, an abbreviation without its NUL, leap-second
 * records (the "right/" zones: Unix time has no leap seconds), a footer that is not a POSIX TZ
 * rule or does not end the file. */
int tz_parse(const void *data, size_t len, const char *name, tz_t **out);
void tz_free(tz_t *z);
const char *tz_name(const tz_t *z); /* "" when parsed without a name */

/* ---------------------------------------------------------------- conversions */

typedef struct {
	int32_t day;    /* local civil date */
	int minute;     /* minutes after local midnight, 0..1439 */
	int second;     /* seconds after local midnight, 0..86399 */
	int32_t offset; /* seconds east of UTC in effect (local = UTC + offset) */
	bool is_dst;
	const char *abbr; /* "CEST"; borrowed from the zone */
} tz_local_t;

/* UTC → local. Never fails. */
void tz_local(const tz_t *z, int64_t t, tz_local_t *out);
/* The UTC offset (seconds east) at instant t. */
int32_t tz_offset(const tz_t *z, int64_t t);

enum { TZ_GAP_ERROR = 0, TZ_GAP_SHIFT = 1 };
/* Local date + minute (0..1440) → UTC, as documented at the top: ERR_NOT_FOUND for a time in a
 * gap unless flags has TZ_GAP_SHIFT; the earlier instant of an overlap. ERR_INVALID when minute
 * is out of range. */
int tz_to_utc(const tz_t *z, int32_t day, int minute, unsigned flags, int64_t *out);
/* The instant local midnight of day starts (a day that starts in a gap starts when the gap
 * ends). */
int64_t tz_day_start(const tz_t *z, int32_t day);
/* ISO 8601 with the offset in effect: "2026-03-29T09:00:00+02:00" (UTC gives "+00:00"). An
 * offset with seconds (old local mean times) is cut to whole minutes and the clock time shown
 * with it, so the string still names instant t. */
void tz_format_iso(const tz_t *z, int64_t t, char out[TZ_ISO_LEN]);
/* The other way: "2026-03-29T09:00:00+02:00" or "…Z", seconds optional, into Unix seconds.
 * Strict by default: no offset, a space for the T, fractions or an impossible date are
 * ERR_INVALID (a start that "almost" parses would book the wrong hour). TZ_ISO_LENIENT also
 * takes a space for the T, fractional seconds (ignored) and a leap second :60 (what other
 * systems write into view models). 0 or ERR_INVALID. */
enum { TZ_ISO_LENIENT = 1 };
int tz_iso_parse(const char *s, unsigned flags, int64_t *out);

#endif
