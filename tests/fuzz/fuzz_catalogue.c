// fuzz-sources: src/catalog/doc.c src/catalog/doc_json.c src/catalog/doc_csv.c src/catalog/doc_write.c src/catalog/check.c
/* The catalogue import's reading and validation, without a database: the input as a JSON
 * document and as a CSV table. Whatever reads without error must write out (JSON, or the CSV of
 * its table) and read back without error to the same document. */
#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "catalog/doc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_errs(const cat_ierrs_t *e)
{
	if (e->n == 0 && e->dropped == 0)
		abort(); /* a refusal always says why */
	buf_t b;
	buf_init(&b, 1 << 20);
	if (cat_ierrs_format(e, "f", &b))
		abort();
	buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena_t *a = arena_new();
	cat_doc_t d;
	cat_ierrs_t *e = arena_alloc(a, sizeof *e);
	int rc = cat_read_json(a, (const char *)data, size, &d, e);
	if (rc && rc != ERR_INVALID)
		abort();
	if (rc) {
		check_errs(e);
	} else {
		json_t *j = cat_doc_to_json(&d);
		char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10));
		cat_doc_t d2;
		cat_ierrs_t *e2 = arena_alloc(a, sizeof *e2);
		if (cat_read_json(a, s, strlen(s), &d2, e2))
			abort();
		json_t *j2 = cat_doc_to_json(&d2);
		if (!json_equal(j, j2))
			abort();
		json_decref(j);
		json_decref(j2);
		free(s);
	}

	cat_kind_t kind;
	e = arena_alloc(a, sizeof *e);
	rc = cat_read_csv(a, (const char *)data, size, &kind, &d, e);
	if (rc && rc != ERR_INVALID)
		abort();
	if (rc) {
		check_errs(e);
	} else {
		buf_t b;
		buf_init(&b, 8 << 20);
		if (cat_doc_to_csv(&d, kind, &b))
			abort();
		cat_doc_t d2;
		cat_kind_t kind2;
		cat_ierrs_t *e2 = arena_alloc(a, sizeof *e2);
		if (cat_read_csv(a, b.data ? b.data : "", b.len, &kind2, &d2, e2) || kind2 != kind)
			abort();
		buf_t b2;
		buf_init(&b2, 8 << 20);
		if (cat_doc_to_csv(&d2, kind, &b2) || b2.len != b.len || memcmp(b.data, b2.data, b.len) != 0)
			abort();
		buf_free(&b);
		buf_free(&b2);
	}
	arena_free(a);
	return 0;
}
