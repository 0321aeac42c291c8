// fuzz-sources: src/legal/legal.c
/* The legal texts' plain format (an admin's text) on arbitrary bytes: the blocks are always an
 * array of objects with one member, "h" or "p" a string or "li" an array of strings. */
#include "legal/legal.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	json_t *b = legal_blocks(s);
	if (!json_is_array(b))
		abort();
	size_t i;
	json_t *x;
	json_array_foreach (b, i, x) {
		if (!json_is_object(x) || json_object_size(x) != 1)
			abort();
		json_t *li = json_object_get(x, "li");
		if (!li && !json_is_string(json_object_get(x, "h")) && !json_is_string(json_object_get(x, "p")))
			abort();
		if (li && !json_is_array(li))
			abort();
	}
	json_decref(b);
	free(s);
	return 0;
}
