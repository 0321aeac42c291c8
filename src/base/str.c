#include "base/str.h"

#include "base/err.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

int str_to_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	if (!s || !*s || isspace((unsigned char)*s))
		return ERR_INVALID;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return ERR_INVALID;
	*out = v;
	return 0;
}

int str_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int str_url_decode(char *s, size_t n, bool plus_is_space)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			if (i + 2 >= n)
				return ERR_INVALID;
			int h = str_hexval(s[i + 1]), l = str_hexval(s[i + 2]);
			if (h < 0 || l < 0)
				return ERR_INVALID;
			c = (char)(h * 16 + l);
			i += 2;
		} else if (c == '+' && plus_is_space) {
			c = ' ';
		}
		s[o++] = c;
	}
	s[o] = '\0';
	return (int)o;
}

bool str_valid_utf8(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t len;
		uint32_t cp;
		if ((c & 0xE0) == 0xC0) {
			len = 2;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + len > n)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += len;
	}
	return true;
}

void str_hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

char *str_trim(char *s)
{
	char *p = s;
	while (*p && isspace((unsigned char)*p))
		p++;
	size_t n = strlen(p);
	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	memmove(s, p, n);
	s[n] = '\0';
	return s;
}

const char *str_fold(arena_t *a, const char *s)
{
	static const struct {
		const char *from;
		char to;
	} map[] = {{"à", 'a'}, {"á", 'a'}, {"À", 'a'}, {"Á", 'a'}, {"è", 'e'}, {"é", 'e'}, {"È", 'e'},
		   {"É", 'e'}, {"í", 'i'}, {"ï", 'i'}, {"Í", 'i'}, {"Ï", 'i'}, {"ò", 'o'}, {"ó", 'o'},
		   {"Ò", 'o'}, {"Ó", 'o'}, {"ú", 'u'}, {"ü", 'u'}, {"Ú", 'u'}, {"Ü", 'u'}, {"ç", 'c'},
		   {"Ç", 'c'}, {"ñ", 'n'}, {"Ñ", 'n'}, {"·", '.'}, {"’", '\''}};
	char *o = arena_alloc(a, strlen(s) + 1), *w = o;
	for (const char *p = s; *p;) {
		size_t k;
		for (k = 0; k < sizeof map / sizeof map[0]; k++) {
			size_t n = strlen(map[k].from);
			if (strncmp(p, map[k].from, n) == 0) {
				*w++ = map[k].to;
				p += n;
				break;
			}
		}
		if (k == sizeof map / sizeof map[0])
			*w++ = (char)tolower((unsigned char)*p++);
	}
	*w = '\0';
	return o;
}

const char *str_url_encode(arena_t *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *o = arena_alloc(a, strlen(s) * 3 + 1), *w = o;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		    *p == '_' || *p == '.' || *p == '~') {
			*w++ = (char)*p;
		} else {
			*w++ = '%';
			*w++ = hex[*p >> 4];
			*w++ = hex[*p & 15];
		}
	}
	*w = '\0';
	return o;
}
