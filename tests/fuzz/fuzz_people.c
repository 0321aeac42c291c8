// fuzz-sources: src/people/norm.c
/* The citizen record's ID normaliser and the plain-text cleaning on arbitrary bytes: they accept or
 * refuse, never crash, and what they give back holds: an ID number of A-Z and 0-9, and cleaned
 * text that is UTF-8 without control characters or bidirectional overrides. (Contacts:
 * fuzz_contact.c.) */
#include "base/arena.h"
#include "base/str.h"
#include "base/text.h"
#include "people/people.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_clean(const char *out, bool multiline)
{
	if (!str_valid_utf8(out, strlen(out)))
		abort();
	for (const unsigned char *p = (const unsigned char *)out; *p; p++) {
		if ((*p < 0x20 && *p != '\t' && !(multiline && *p == '\n')) || *p == 0x7f)
			abort();
		if (p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE)
			abort(); /* U+202A..U+202E */
		if (p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9)
			abort(); /* U+2066..U+2069 */
		if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
			abort(); /* C1 */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	arena_t *a = arena_new();
	char id[PEOPLE_ID_MAX];
	const char *type = NULL;
	if (people_norm_id(s, id, &type)) {
		if (!type || strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != strlen(id))
			abort();
	}
	for (int m = 0; m < 2; m++) {
		const char *out = NULL;
		if (text_clean(a, s, 0, m == 1, &out) == 0)
			check_clean(out, m == 1);
	}
	(void)text_cut(a, s, size % 17);
	arena_free(a);
	free(s);
	return 0;
}
