// fuzz-sources: src/view/i18n.c src/view/i18n_po.c src/view/i18n_load.c src/view/plural.c src/http/parse.c
/* The .po parser on arbitrary bytes (plural entries and the Plural-Forms expression included),
 * plus the other functions of i18n.c and plural.c that read text they do not control: language
 * negotiation (headers, cookies, query strings), placeholder substitution (translations) and the
 * plural expression on its own. */
#include "base/arena.h"
#include "http/parse.h"
#include "view/i18n.h"
#include "view/plural.h"

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
		/* every result is a snake_case key with a string or an array of plural forms, or the
		 * "_plural" rule, which evaluates */
		json_object_foreach (o, key, v) {
			if (!*key || !(json_is_string(v) || json_is_array(v)))
				abort();
			if (json_is_array(v)) {
				for (long n = 0; n < 30; n++)
					if (!i18n_plural_pick(o, v, n))
						abort();
			}
			unsigned long r;
			if (!strcmp(key, "_plural") && plural_eval(json_string_value(v), 7, &r))
				abort();
		}
		json_decref(o);
	} else if (!err[0]) {
		abort(); /* a failure always says why */
	}

	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	unsigned long r;
	(void)plural_eval(s, size, &r);
	int np;
	char expr[PLURAL_MAX_EXPR];
	if (plural_header(s, &np, expr, sizeof expr) == 0 && (plural_index(expr, 11) >= np || np < 1))
		abort();
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
