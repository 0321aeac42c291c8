#include "base/log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int quiet;

void log_set_quiet(int q)
{
	quiet = q;
}

/* The length of the valid UTF-8 sequence at s (1..4) and its code point, or 0 when it is not
 * one. */
static size_t utf8_seq(const unsigned char *s, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
	if (!n)
		return 0;
	uint32_t v = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
	for (size_t k = 1; k < n; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[k] & 0x3F);
	}
	if ((n == 2 && v < 0x80) || (n == 3 && v < 0x800) || (n == 4 && v < 0x10000) || v > 0x10FFFF ||
	    (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

static bool unsafe_cp(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

char *log_escape(const char *in, char *out, size_t n)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0;
	if (!n)
		return out;
	while (*s) {
		char esc[16];
		size_t len = 1, el;
		uint32_t cp = 0;
		if (*s == '\\') {
			el = (size_t)snprintf(esc, sizeof esc, "\\\\");
		} else if (*s == '\n' || *s == '\r' || *s == '\t') {
			el = (size_t)snprintf(esc, sizeof esc, "\\%c", *s == '\n' ? 'n' : *s == '\r' ? 'r' : 't');
		} else if (*s < 0x20 || *s == 0x7F) {
			el = (size_t)snprintf(esc, sizeof esc, "\\x%02x", *s);
		} else if (*s < 0x80) {
			esc[0] = (char)*s;
			el = 1;
		} else if ((len = utf8_seq(s, &cp)) == 0) {
			len = 1;
			el = (size_t)snprintf(esc, sizeof esc, "\\x%02x", *s);
		} else if (unsafe_cp(cp)) {
			el = (size_t)snprintf(esc, sizeof esc, "\\u{%04x}", (unsigned)cp);
		} else {
			memcpy(esc, s, len);
			el = len;
		}
		if (o + el >= n)
			break;
		memcpy(out + o, esc, el);
		o += el;
		s += len;
	}
	out[o] = '\0';
	return out;
}

static void emit(const char *level, const char *suffix, const char *fmt, va_list ap)
{
	char msg[2048], safe[4096], stamp[32];
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	vsnprintf(msg, sizeof msg, fmt, ap);
	log_escape(msg, safe, sizeof safe);
	/* One fprintf per line: stdio locks the stream, so lines from threads do not interleave. */
	fprintf(stderr, "%s.%03ldZ %s %s%s\n", stamp, ts.tv_nsec / 1000000, level, safe, suffix);
}

void log_info(const char *fmt, ...)
{
	if (quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	emit("info", "", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit("warn", "", fmt, ap);
	va_end(ap);
}

void log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit("error", "", fmt, ap);
	va_end(ap);
}

void log_error_limited(log_limit_t *l, int period, const char *fmt, ...)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	int_least64_t now = (int_least64_t)ts.tv_sec, next = atomic_load(&l->next);
	/* One thread wins the slot; the others count themselves as dropped. */
	if (now < next || !atomic_compare_exchange_strong(&l->next, &next, now + (period > 0 ? period : 1))) {
		atomic_fetch_add(&l->dropped, 1);
		return;
	}
	int dropped = atomic_exchange(&l->dropped, 0);
	char suffix[48] = "";
	if (dropped)
		snprintf(suffix, sizeof suffix, " (%d alike not shown)", dropped);
	va_list ap;
	va_start(ap, fmt);
	emit("error", suffix, fmt, ap);
	va_end(ap);
}
