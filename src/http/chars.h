/* chars.h — character classes of HTTP (RFC 9110) for the parsers in http/. Private to http/. */
#ifndef FIN_HTTP_CHARS_H
#define FIN_HTTP_CHARS_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* RFC 9110 tchar: what a header, parameter or cookie name may be made of. */
static inline bool is_tchar(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return true;
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static inline bool is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7F;
}

static inline bool is_ows(unsigned char c)
{
	return c == ' ' || c == '\t';
}

static inline bool is_alpha(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static inline bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline unsigned char lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

static inline bool ieq_n(const char *s, size_t n, const char *lit)
{
	size_t m = strlen(lit);
	if (n != m)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)s[i]) != lower((unsigned char)lit[i]))
			return false;
	return true;
}

#endif
