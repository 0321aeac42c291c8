// fuzz-sources: src/view/mustache.c src/view/mustache_render.c src/view/i18n.c src/view/i18n_po.c src/view/i18n_load.c src/view/plural.c
/* Arbitrary bytes as a Mustache template, compiled and rendered against a small fixed context.
 * Every partial and parent name loads the template itself, so recursion is always at hand and
 * the depth guard must stop it. Checks: a compile error says "line N: ...", a render ends with
 * 0, ERR_TOO_BIG or ERR_INVALID within the cap, and rendering twice gives the same result (the
 * compiled tree is not changed by rendering). */
#include "base/buf.h"
#include "base/err.h"
#include "view/mustache.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define OUT_CAP (64 * 1024)

/* Every list element and nested object shadows the names that lead to it, so nested sections
 * stay linear instead of multiplying. */
static const char CONTEXT[] =
	"{\"name\": \"a<b>&\\\"'\", \"n\": 42, \"r\": 1.21, \"big\": -9007199254740993,"
	" \"t\": true, \"f\": false, \"z\": null, \"e\": \"\", \"nl\": \"x\\ny\","
	" \"list\": [{\"name\": \"x\", \"list\": [], \"t\": false}, {\"name\": \"y\", \"list\": false}],"
	" \"obj\": {\"name\": \"o\", \"obj\": null, \"deep\": {\"v\": 1.5}}, \"empty\": [],"
	" \"tr\": {\"_plural\": \"n != 1\", \"m\": [\"{n} minut\", \"{n} minuts\"]}}";

static const mustache_tpl *load_self(void *ud, const char *name)
{
	(void)name;
	return ud;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t *ctx;
	if (!ctx) {
		ctx = json_loads(CONTEXT, 0, NULL);
		if (!ctx)
			abort();
	}

	char err[128];
	mustache_tpl *t = mustache_compile((const char *)data, size, err, sizeof(err));
	if (!t) {
		if (strncmp(err, "line ", 5))
			abort();
		return 0;
	}

	json_t *stack[1] = {ctx};
	buf_t a, b;
	buf_init(&a, OUT_CAP);
	buf_init(&b, OUT_CAP);
	int rc1 = mustache_render(t, stack, 1, load_self, t, &a);
	int rc2 = mustache_render(t, stack, 1, load_self, t, &b);
	if (rc1 != 0 && rc1 != ERR_TOO_BIG && rc1 != ERR_INVALID)
		abort();
	if (rc1 != rc2 || a.len != b.len || a.len > OUT_CAP || memcmp(buf_str(&a), buf_str(&b), a.len))
		abort();
	buf_free(&a);
	buf_free(&b);
	mustache_free(t);
	return 0;
}
