/* sla.c — the requests.sla_hours setting: "48, digital=24, padro=12" (see requests.h). Pure: no
 * storage, so that the fuzz target links it alone. */
#include "requests/requests.h"

#include "base/err.h"
#include "base/str.h"

#include <string.h>

#define SLA_MAX_HOURS 8760

/* Reads "KEY=HOURS" or "HOURS" from s[0..n): 0 or ERR_INVALID. key is "" for a bare number. */
static int sla_item(const char *s, size_t n, char *key, size_t keymax, int *hours)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	const char *eq = memchr(s, '=', n);
	size_t klen = eq ? (size_t)(eq - s) : 0;
	while (klen && s[klen - 1] == ' ')
		klen--;
	if (klen >= keymax || (eq && !klen))
		return ERR_INVALID;
	for (size_t i = 0; i < klen; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
			return ERR_INVALID;
	memcpy(key, s, klen);
	key[klen] = '\0';
	const char *num = eq ? eq + 1 : s;
	size_t nlen = n - (size_t)(num - s);
	while (nlen && *num == ' ')
		num++, nlen--;
	if (!nlen || nlen > 4)
		return ERR_INVALID;
	int v = 0;
	for (size_t i = 0; i < nlen; i++) {
		if (num[i] < '0' || num[i] > '9')
			return ERR_INVALID;
		v = v * 10 + (num[i] - '0');
	}
	if (v < 1 || v > SLA_MAX_HOURS)
		return ERR_INVALID;
	*hours = v;
	return 0;
}

/* Walks spec: the hours of the bare number, of topic and of category (0 when absent). */
static bool sla_walk(const char *spec, const char *topic, const char *category, int *def, int *t, int *cat)
{
	*def = *t = *cat = 0;
	if (!spec)
		return false;
	const char *p = spec;
	bool any = false;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char key[65];
		int h;
		if (sla_item(p, n, key, sizeof key, &h))
			return false;
		if (!*key)
			*def = h;
		else if (topic && str_eq(key, topic))
			*t = h;
		else if (category && *category && str_eq(key, category))
			*cat = h;
		any = true;
		p += n + (end ? 1 : 0);
	}
	return any && *def > 0;
}

void requests_sla(const char *spec, const char *topic, const char *category, int *hours)
{
	int def, t, cat;
	*hours = 0;
	if (sla_walk(spec, topic, category, &def, &t, &cat))
		*hours = cat ? cat : t ? t : def;
}

bool requests_sla_valid(const char *spec)
{
	int def, t, cat;
	return sla_walk(spec, NULL, NULL, &def, &t, &cat);
}
