// fuzz-sources: src/http/parse.c
/* An application/x-www-form-urlencoded request body through parse_urlencoded, with the cap a
 * form handler uses. Checks what the header promises of every value, and that a failed parse
 * leaves the list as it was. */
#include "base/arena.h"
#include "base/err.h"
#include "base/str.h"
#include "http/parse.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena_t *a = arena_new();
	kv_list_t l = {0};
	kv_add(a, &l, "before", "x", 1);
	int rc = parse_urlencoded(a, (const char *)data, size, 256, &l);
	if (rc != 0 && rc != ERR_INVALID && rc != ERR_TOO_BIG)
		abort();
	if (rc && l.n != 1)
		abort();
	if (l.n > 257)
		abort();
	for (size_t i = 1; i < l.n; i++) {
		const kv_t *kv = &l.items[i];
		if (!kv->key[0] || !str_valid_utf8(kv->key, strlen(kv->key)))
			abort();
		if (kv->val[kv->len] != '\0' || !str_valid_utf8(kv->val, kv->len))
			abort();
		/* Decoding never lengthens. */
		if (kv->len > size)
			abort();
	}
	arena_free(a);
	return 0;
}
