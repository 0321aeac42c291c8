// fuzz-sources: src/view/i18n.c src/http/parse.c
/* The .po parser on arbitrary bytes, plus the other two functions of i18n.c that read text they
 * do not control: language negotiation (headers, cookies, query strings) and placeholder
 * substitution (translations). */
#include "base/arena.h"
#include "http/parse.h"
#include "view/i18n.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	json_t *o = i18n_parse_po((const char *)data, size, err, sizeof err);
	if (o) {
		const char *key;
		json_t *v;
		/* every result must be a snake_case key with a valid string */
		json_object_foreach (o, key, v) {
			if (!json_is_string(v) || !*key)
				abort();
		}
		json_decref(o);
	} else if (!err[0]) {
		abort(); /* a failure always says why */
	}

	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	arena_t *a = arena_new();
	const char *tags[16];
	int n = parse_accept_language(s, tags, 16, a);
	const char *lang = i18n_negotiate(s, NULL, tags, n);
	if (!i18n_supported(lang))
		abort();
	lang = i18n_negotiate(NULL, NULL, tags, n);
	if (!i18n_supported(lang))
		abort();
	static const char *const vars[] = {"name", "Marta", "minutes", "{minutes}", NULL};
	const char *out = i18n_subst(a, s, vars);
	if (!out)
		abort();
	arena_free(a);
	free(s);
	return 0;
}
