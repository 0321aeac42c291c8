/* contact.c — see contact.h. */
#include "base/contact.h"

#include "base/str.h"

#include <stdbool.h>
#include <string.h>

#define PHONE_MIN_DIGITS 8
#define PHONE_MAX_DIGITS 15
#define EMAIL_LOCAL_MAX 64

const char *contact_phone_normalise(arena_t *a, const char *in, const char *country_code, int national_digits)
{
	if (!in || !country_code)
		return NULL;
	char digits[PHONE_MAX_DIGITS + 3];
	size_t nd = 0;
	bool plus = false, any = false;
	for (const char *p = in; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (nd >= sizeof digits - 1)
				return NULL;
			digits[nd++] = *p;
			any = true;
		} else if (*p == '+' && !any && !plus) {
			plus = true;
		} else if (!strchr(" \t-./()", *p)) {
			return NULL;
		}
	}
	digits[nd] = '\0';
	const char *intl = NULL;
	size_t cc = strlen(country_code);
	if (plus)
		intl = digits;
	else if (nd > 2 && digits[0] == '0' && digits[1] == '0')
		intl = digits + 2;
	else if (national_digits > 0 && nd == (size_t)national_digits)
		return arena_printf(a, "+%s%s", country_code, digits);
	else if (cc && national_digits > 0 && nd == cc + (size_t)national_digits &&
		 strncmp(digits, country_code, cc) == 0)
		intl = digits;
	if (!intl)
		return NULL;
	size_t n = strlen(intl);
	if (n < PHONE_MIN_DIGITS || n > PHONE_MAX_DIGITS || intl[0] == '0')
		return NULL;
	return arena_printf(a, "+%s", intl);
}

const char *contact_phone_default(arena_t *a, const char *in)
{
	return contact_phone_normalise(a, in, CONTACT_COUNTRY_CODE, CONTACT_NATIONAL_DIGITS);
}

const char *contact_email_normalise(arena_t *a, const char *in)
{
	if (!in)
		return NULL;
	char *s = str_trim(arena_strdup(a, in));
	size_t n = strlen(s);
	if (n < 5 || n > CONTACT_EMAIL_MAX) /* "a@b.c" */
		return NULL;
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@') || at - s > EMAIL_LOCAL_MAX)
		return NULL;
	const char *dom = at + 1;
	if (!strchr(dom, '.') || dom[0] == '.' || s[n - 1] == '.' || strstr(dom, ".."))
		return NULL;
	for (char *p = s; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch <= 0x20 || ch >= 0x7f || strchr("<>()[]\\,;:\"", ch))
			return NULL;
		if (ch >= 'A' && ch <= 'Z')
			*p = (char)(ch - 'A' + 'a');
	}
	return s;
}

/* Providers that deliver "a.n.a@" to "ana@": the dots of their local parts say nothing. */
static bool ignores_dots(const char *domain)
{
	return str_eq(domain, "gmail.com") || str_eq(domain, "googlemail.com");
}

const char *contact_email_identity(arena_t *a, const char *in)
{
	const char *addr = contact_email_normalise(a, in);
	if (!addr)
		return NULL;
	const char *at = strchr(addr, '@');
	const char *domain = at + 1;
	size_t local = (size_t)(at - addr);
	const char *plus = memchr(addr, '+', local);
	if (plus && plus > addr)
		local = (size_t)(plus - addr);
	bool dots = ignores_dots(domain);
	char *out = arena_alloc(a, strlen(addr) + 1), *w = out;
	for (size_t i = 0; i < local; i++)
		if (!(dots && addr[i] == '.'))
			*w++ = addr[i];
	if (w == out) /* a local part of dots only: keep it as it was */
		for (size_t i = 0; i < local; i++)
			*w++ = addr[i];
	*w++ = '@';
	const char *d = str_eq(domain, "googlemail.com") ? "gmail.com" : domain;
	size_t dl = strlen(d);
	memcpy(w, d, dl + 1);
	return out;
}
