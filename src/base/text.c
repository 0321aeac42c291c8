/* text.c — see text.h. */
#include "base/text.h"

#include "base/err.h"
#include "base/str.h"

#include <stdint.h>
#include <string.h>

/* U+FFFD in UTF-8. */
static const char REPLACEMENT[] = "\xEF\xBF\xBD";

/* The code point at s (valid UTF-8, checked before) and its length in bytes. */
static uint32_t decode(const unsigned char *s, size_t *len)
{
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if ((s[0] & 0xE0) == 0xC0) {
		*len = 2;
		return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
	}
	if ((s[0] & 0xF0) == 0xE0) {
		*len = 3;
		return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
	}
	*len = 4;
	return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) | ((uint32_t)(s[2] & 0x3F) << 6) |
	       (s[3] & 0x3F);
}

/* Whether cp is shown as a mark instead of being kept. */
static bool hostile(uint32_t cp, bool multiline)
{
	if (cp == '\t' || (multiline && cp == '\n'))
		return false;
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

int text_clean(arena_t *a, const char *s, size_t max, bool multiline, const char **out)
{
	if (!s)
		s = "";
	size_t n = strlen(s);
	if (!str_valid_utf8(s, n))
		return ERR_INVALID;
	/* Each byte becomes at most the 3 bytes of U+FFFD. */
	char *o = arena_alloc(a, 3 * n + 1);
	size_t k = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t len;
		uint32_t cp = decode(p, &len);
		if (cp == '\r') { /* CRLF and a lone CR are one line break */
			cp = '\n';
			if (p[1] == '\n')
				len = 2;
		}
		if (cp == '\n') {
			o[k++] = multiline ? '\n' : ' ';
		} else if (hostile(cp, multiline)) {
			memcpy(o + k, REPLACEMENT, 3);
			k += 3;
		} else {
			memcpy(o + k, p, len);
			k += len;
		}
		p += len;
	}
	o[k] = '\0';
	str_trim(o);
	if (max && text_length(o) > max)
		return ERR_TOO_BIG;
	*out = o;
	return 0;
}

size_t text_length(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
		if ((*p & 0xC0) != 0x80)
			n++;
	return n;
}

const char *text_cut(arena_t *a, const char *s, size_t max)
{
	if (!s)
		return "";
	size_t cps = 0;
	const unsigned char *p = (const unsigned char *)s;
	for (; *p; p++) {
		if ((*p & 0xC0) != 0x80 && cps++ == max)
			break;
	}
	if (!*p)
		return s;
	size_t bytes = (size_t)((const char *)p - s);
	char *o = arena_alloc(a, bytes + 4);
	memcpy(o, s, bytes);
	memcpy(o + bytes, "\xE2\x80\xA6", 4); /* "…" and its NUL */
	return o;
}
