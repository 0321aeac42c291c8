/* parse.c — instants as clients write them: "2026-03-29T09:00:00+02:00", "…Z", seconds
 * optional. Strict: anything else (no offset, a space for the T, an impossible date) is refused,
 * since a start that "almost" parses would book the wrong hour. No storage (fuzzed alone). */
#include "booking/internal.h"

#include "base/err.h"
#include "base/str.h"
#include "base/tz.h"

#include <string.h>

static int two(const char *s, int *v)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return ERR_INVALID;
	*v = (s[0] - '0') * 10 + (s[1] - '0');
	return 0;
}

int bk_parse_iso(const char *s, int64_t *out)
{
	if (!s || strlen(s) < 16 || strlen(s) > 30 || s[10] != 'T' || s[13] != ':')
		return ERR_INVALID;
	char date[TZ_DATE_LEN];
	memcpy(date, s, 10);
	date[10] = '\0';
	int32_t day;
	int hh, mm, ss = 0;
	if (tz_date_parse(date, &day) || two(s + 11, &hh) || two(s + 14, &mm) || hh > 23 || mm > 59)
		return ERR_INVALID;
	const char *p = s + 16;
	if (*p == ':') {
		if (two(p + 1, &ss) || ss > 59)
			return ERR_INVALID;
		p += 3;
	}
	int64_t offset;
	if (str_eq(p, "Z")) {
		offset = 0;
	} else if ((p[0] == '+' || p[0] == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh, om;
		if (two(p + 1, &oh) || two(p + 4, &om) || oh > 23 || om > 59)
			return ERR_INVALID;
		offset = (oh * 3600 + om * 60) * (p[0] == '-' ? -1 : 1);
	} else {
		return ERR_INVALID;
	}
	*out = (int64_t)day * 86400 + hh * 3600 + mm * 60 + ss - offset;
	return 0;
}
