// fuzz-sources: src/ict/sheet.c
/* A learning sheet's Markdown-like text on arbitrary bytes: read into the document model or
 * refused (ERR_INVALID), never a crash; what is read has a title and sections of strings. */
#include "base/arena.h"
#include "base/err.h"
#include "ict/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	arena_t *a = arena_new();
	json_t *doc = NULL;
	int rc = ict_sheet_doc(a, "t", s, &doc);
	if (rc != 0 && rc != ERR_INVALID)
		abort();
	if (!rc) {
		json_t *sections = json_object_get(doc, "sections");
		if (!json_is_array(sections) || json_array_size(sections) == 0)
			abort();
		size_t i;
		json_t *sec;
		json_array_foreach(sections, i, sec)
		{
			if (!json_is_string(json_object_get(sec, "heading")) ||
			    !json_is_array(json_object_get(sec, "paragraphs")))
				abort();
		}
	}
	json_decref(doc);
	arena_free(a);
	free(s);
	return 0;
}
