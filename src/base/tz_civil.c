/* tz_civil.c — civil dates (proleptic Gregorian, day numbers from 1970-01-01), weekdays, Easter,
 * and the ISO 8601 and HH:MM forms of dates and instants. See tz.h. */
#include "base/tz.h"
#include "base/tz_internal.h"

#include "base/err.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define DAY 86400

/* ---------------------------------------------------------------- civil dates */

bool tz_leap_year(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int tz_days_in_month(int64_t y, int m)
{
	static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12)
		return 0;
	return dim[m - 1] + (m == 2 && tz_leap_year(y));
}

int32_t tz_days_from_civil(int64_t y, int m, int d)
{
	return (int32_t)days_from_civil64(y, m, d);
}

void tz_civil_from_days(int32_t day, int *y, int *m, int *d)
{
	int64_t yy;
	civil_from_days64(day, &yy, m, d);
	*y = (int)yy;
}

int tz_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday (ISO 4). */
	return (int)floor_mod((int64_t)day + 3, 7) + 1;
}

int32_t tz_week_start(int32_t day)
{
	return day - (tz_weekday(day) - 1);
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return ERR_INVALID;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int tz_date_parse(const char *s, int32_t *out)
{
	int y, m, d;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) || digits(s + 5, 2, &m) ||
	    digits(s + 8, 2, &d))
		return ERR_INVALID;
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > tz_days_in_month(y, m))
		return ERR_INVALID;
	*out = tz_days_from_civil(y, m, d);
	return 0;
}

int tz_iso_parse(const char *s, unsigned flags, int64_t *out)
{
	bool lenient = flags & TZ_ISO_LENIENT;
	size_t n = s ? strlen(s) : 0;
	if (n < 16 || (!lenient && n > 30) || !(s[10] == 'T' || (lenient && s[10] == ' ')) || s[13] != ':')
		return ERR_INVALID;
	char date[TZ_DATE_LEN];
	memcpy(date, s, 10);
	date[10] = '\0';
	int32_t day;
	int hh, mm, ss = 0;
	if (tz_date_parse(date, &day) || digits(s + 11, 2, &hh) || digits(s + 14, 2, &mm) || hh > 23 || mm > 59)
		return ERR_INVALID;
	const char *p = s + 16;
	if (*p == ':') {
		if (digits(p + 1, 2, &ss) || ss > (lenient ? 60 : 59))
			return ERR_INVALID;
		p += 3;
		if (lenient && *p == '.')
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
	}
	int64_t offset;
	if (p[0] == 'Z' && !p[1]) {
		offset = 0;
	} else if ((p[0] == '+' || p[0] == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh, om;
		if (digits(p + 1, 2, &oh) || digits(p + 4, 2, &om) || oh > 23 || om > 59)
			return ERR_INVALID;
		offset = (oh * 3600 + om * 60) * (p[0] == '-' ? -1 : 1);
	} else {
		return ERR_INVALID;
	}
	*out = (int64_t)day * 86400 + hh * 3600 + mm * 60 + ss - offset;
	return 0;
}

#define DAY_MIN (-719162) /* 0001-01-01 */
#define DAY_MAX 2932896   /* 9999-12-31 */

void tz_date_format(int32_t day, char out[TZ_DATE_LEN])
{
	int64_t y;
	int m, d;
	if (day < DAY_MIN)
		day = DAY_MIN;
	if (day > DAY_MAX)
		day = DAY_MAX;
	civil_from_days64(day, &y, &m, &d);
	/* y, m and d are 1..9999, 1..12 and 1..31; the modulo tells the compiler so. */
	snprintf(out, TZ_DATE_LEN, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
}

int tz_date_add(const char *date, int n, char out[TZ_DATE_LEN])
{
	int32_t d;
	if (tz_date_parse(date, &d))
		return ERR_INVALID;
	int64_t r = (int64_t)d + n;
	if (r < DAY_MIN || r > DAY_MAX)
		return ERR_INVALID;
	tz_date_format((int32_t)r, out);
	return 0;
}

int tz_days_between(const char *a, const char *b, int *n)
{
	int32_t da, db;
	if (tz_date_parse(a, &da) || tz_date_parse(b, &db))
		return ERR_INVALID;
	*n = db - da;
	return 0;
}

int32_t tz_easter(int y)
{
	/* Anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
	int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
	return tz_days_from_civil(y, month, day);
}

int tz_hhmm_parse(const char *s, int *minutes)
{
	int h, m;
	if (!s || strlen(s) != 5 || s[2] != ':' || digits(s, 2, &h) || digits(s + 3, 2, &m))
		return ERR_INVALID;
	if (h > 24 || m > 59 || (h == 24 && m != 0))
		return ERR_INVALID;
	*minutes = h * 60 + m;
	return 0;
}

void tz_hhmm_format(int minutes, char out[TZ_HHMM_LEN])
{
	if (minutes < 0)
		minutes = 0;
	if (minutes > 1440)
		minutes = 1440;
	snprintf(out, TZ_HHMM_LEN, "%02d:%02d", minutes / 60, minutes % 60);
}
