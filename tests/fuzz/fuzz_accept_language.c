// fuzz-sources: src/http/parse.c
/* An Accept-Language header through parse_accept_language: never more tags than asked for,
 * each a lower-case primary subtag of 2..8 letters, none twice. */
#include "base/arena.h"
#include "http/parse.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	/* The first byte picks how many tags the caller wants, -2..13. */
	int max = (int)(data[0] % 16) - 2;
	char *s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	arena_t *a = arena_new();
	const char *tags[16];
	int n = parse_accept_language(s, tags, max, a);
	if (n < 0 || n > (max > 0 ? max : 0))
		abort();
	for (int i = 0; i < n; i++) {
		size_t len = strlen(tags[i]);
		if (len < 2 || len > 8 || strspn(tags[i], "abcdefghijklmnopqrstuvwxyz") != len)
			abort();
		for (int j = 0; j < i; j++)
			if (strcmp(tags[i], tags[j]) == 0)
				abort();
	}
	/* Asking for fewer gives a prefix of the same answer. */
	if (n > 1) {
		const char *fewer[16];
		int m = parse_accept_language(s, fewer, n - 1, a);
		if (m != n - 1)
			abort();
		for (int i = 0; i < m; i++)
			if (strcmp(fewer[i], tags[i]) != 0)
				abort();
	}
	arena_free(a);
	free(s);
	return 0;
}
