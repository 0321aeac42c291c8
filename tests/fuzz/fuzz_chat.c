// fuzz-sources: src/chat/text.c
/* The parts of a chat message on arbitrary UTF-8 text (messages are cleaned by text_clean first,
 * which refuses anything else): joined again they are the text, a citizen's
 * message has no link, and every link of a staff message is an http(s) URL without spaces or
 * markup characters. */
#include "base/str.h"
#include "chat/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!str_valid_utf8((const char *)data, size))
		return 0;
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	for (int links = 0; links < 2; links++) {
		json_t *p = ch_parts(s, links);
		size_t i, total = 0;
		json_t *part;
		json_array_foreach (p, i, part) {
			const char *t = json_string_value(json_object_get(part, "text"));
			const char *href = json_string_value(json_object_get(part, "href"));
			if (!t || strncmp(s + total, t, strlen(t)) != 0)
				abort();
			total += strlen(t);
			if (href && (!links || strcmp(href, t) || strpbrk(href, " \n\t<>\"") ||
				     (strncmp(href, "https://", 8) && strncmp(href, "http://", 7))))
				abort();
		}
		if (total != strlen(s))
			abort();
		json_decref(p);
	}
	free(s);
	return 0;
}
