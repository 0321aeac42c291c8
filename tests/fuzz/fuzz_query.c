// fuzz-sources: src/http/parse.c
/* A request target ("/path?query#frag") as the router sees it: the query string goes through
 * parse_urlencoded with the small cap used for URLs. What parses must survive a round trip:
 * re-encoding the pairs and parsing them again gives the same list. */
#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "http/parse.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define QUERY_MAX_FIELDS 64

static void encode(buf_t *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '.' || c == '_' || c == '~') {
			buf_putc(b, (char)c);
		} else if (c == ' ') {
			buf_putc(b, '+');
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *q = memchr(s, '?', size);
	if (!q)
		return 0;
	q++;
	size_t n = size - (size_t)(q - s);
	const char *frag = memchr(q, '#', n);
	if (frag)
		n = (size_t)(frag - q);

	arena_t *a = arena_new();
	kv_list_t l = {0};
	int rc = parse_urlencoded(a, q, n, QUERY_MAX_FIELDS, &l);
	if (rc != 0 && rc != ERR_INVALID && rc != ERR_TOO_BIG)
		abort();
	if (rc) {
		if (l.n)
			abort();
		goto done;
	}
	if (l.n > QUERY_MAX_FIELDS)
		abort();
	buf_t b;
	buf_init(&b, 16 * 1024 * 1024);
	for (size_t i = 0; i < l.n; i++) {
		if (i)
			buf_putc(&b, '&');
		encode(&b, l.items[i].key, strlen(l.items[i].key));
		buf_putc(&b, '=');
		encode(&b, l.items[i].val, l.items[i].len);
	}
	kv_list_t again = {0};
	if (parse_urlencoded(a, buf_str(&b), b.len, QUERY_MAX_FIELDS, &again) != 0)
		abort();
	if (again.n != l.n)
		abort();
	for (size_t i = 0; i < l.n; i++) {
		if (strcmp(again.items[i].key, l.items[i].key) != 0 || again.items[i].len != l.items[i].len ||
		    memcmp(again.items[i].val, l.items[i].val, l.items[i].len) != 0)
			abort();
	}
	/* kv_get answers with the first pair of a key. */
	for (size_t i = 0; i < l.n; i++) {
		size_t first = 0;
		while (strcmp(l.items[first].key, l.items[i].key) != 0)
			first++;
		if (kv_get(&l, l.items[i].key) != l.items[first].val || kv_count(&l, l.items[i].key) < 1)
			abort();
	}
	buf_free(&b);
done:
	arena_free(a);
	return 0;
}
