// fuzz-sources: src/http/parse.c
/* A Cookie header through parse_cookies. Names must come out as tokens and values as clean
 * UTF-8; writing the cookies back as 'n="v"; n="v"' and parsing again must give the same list. */
#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/str.h"
#include "http/parse.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COOKIES 50

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena_t *a = arena_new();
	kv_list_t l = {0};
	int rc = parse_cookies(a, (const char *)data, size, MAX_COOKIES, &l);
	if (rc != 0 && rc != ERR_INVALID && rc != ERR_TOO_BIG)
		abort();
	if (rc) {
		if (l.n)
			abort();
		goto done;
	}
	if (l.n > MAX_COOKIES)
		abort();
	buf_t b;
	buf_init(&b, 16 * 1024 * 1024);
	for (size_t i = 0; i < l.n; i++) {
		const kv_t *kv = &l.items[i];
		size_t kn = strlen(kv->key);
		if (!kn || strpbrk(kv->key, "()<>@,;:\\\"/[]?={} \t"))
			abort();
		for (size_t k = 0; k < kn; k++)
			if ((unsigned char)kv->key[k] <= 0x20 || (unsigned char)kv->key[k] >= 0x7f)
				abort();
		if (kv->val[kv->len] || memchr(kv->val, ';', kv->len) || memchr(kv->val, '"', kv->len) ||
		    !str_valid_utf8(kv->val, kv->len))
			abort();
		/* Quoted, since a quoted value may keep blanks at its ends. */
		buf_printf(&b, "%s%s=\"", i ? "; " : "", kv->key);
		buf_append(&b, kv->val, kv->len);
		buf_putc(&b, '"');
	}
	kv_list_t again = {0};
	if (parse_cookies(a, buf_str(&b), b.len, MAX_COOKIES, &again) != 0 || again.n != l.n)
		abort();
	for (size_t i = 0; i < l.n; i++)
		if (strcmp(again.items[i].key, l.items[i].key) || again.items[i].len != l.items[i].len ||
		    memcmp(again.items[i].val, l.items[i].val, l.items[i].len))
			abort();
	buf_free(&b);
done:
	arena_free(a);
	return 0;
}
