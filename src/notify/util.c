/* util.c — small readers the other files of src/notify/ share, kept apart from the templates so
 * that the fuzz target links them alone: a member of the view model, and ISO 8601 instants. */
#include "notify/internal.h"

#include "base/err.h"
#include "base/tz.h"

#include <string.h>

const char *notify_str(const json_t *obj, const char *path)
{
	const json_t *v = obj;
	const char *p = path;
	while (v && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		char key[64];
		if (n >= sizeof key || !json_is_object(v))
			return "";
		memcpy(key, p, n);
		key[n] = '\0';
		v = json_object_get(v, key);
		p = dot ? dot + 1 : p + n;
	}
	return v && json_is_string(v) ? json_string_value(v) : "";
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

int notify_parse_iso(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, se = 0;
	if (!s || strlen(s) < 16 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':')
		return ERR_INVALID;
	if (digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) || digits(s + 11, 2, &h) ||
	    digits(s + 14, 2, &mi))
		return ERR_INVALID;
	const char *p = s + 16;
	if (*p == ':') {
		if (digits(p + 1, 2, &se))
			return ERR_INVALID;
		p += 3;
		if (*p == '.')
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
	}
	int off = 0;
	if (*p == 'Z' && !p[1]) {
		off = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh, om;
		if (digits(p + 1, 2, &oh) || digits(p + 4, 2, &om) || oh > 23 || om > 59)
			return ERR_INVALID;
		off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
	} else {
		return ERR_INVALID;
	}
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > tz_days_in_month(y, mo) || h > 23 || mi > 59 || se > 60)
		return ERR_INVALID;
	*out = (int64_t)tz_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off;
	return 0;
}
