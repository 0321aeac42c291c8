/* text.c — see text.h. */
#include "base/text.h"

#include "base/str.h"

#include <stdint.h>
#include <string.h>

/* The code point starting at s[i] (the string is known to be valid UTF-8) and its length. */
static uint32_t decode(const unsigned char *s, size_t i, size_t *len)
{
	unsigned char c = s[i];
	if (c < 0x80) {
		*len = 1;
		return c;
	}
	size_t n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
	uint32_t cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
	for (size_t k = 1; k < n; k++)
		cp = (cp << 6) | (s[i + k] & 0x3F);
	*len = n;
	return cp;
}

static bool refused(uint32_t cp, uint32_t next, int kind)
{
	if (cp == '\n' || cp == '\t')
		return kind != TEXT_MULTILINE;
	if (cp == '\r') /* only as the first half of CRLF */
		return kind != TEXT_MULTILINE || next != '\n';
	if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
		return true;
	if (cp == 0x2028 || cp == 0x2029)
		return kind != TEXT_MULTILINE;
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

bool text_ok_n(const char *str, size_t n, int kind)
{
	if (!str || !str_valid_utf8(str, n))
		return false;
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < n;) {
		size_t len;
		uint32_t cp = decode(s, i, &len);
		uint32_t next = i + len < n ? s[i + len] : 0;
		if (refused(cp, next, kind))
			return false;
		i += len;
	}
	return true;
}

bool text_ok(const char *s, int kind)
{
	return s && text_ok_n(s, strlen(s), kind);
}
