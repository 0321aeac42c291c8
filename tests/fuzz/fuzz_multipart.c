// fuzz-sources: src/http/parse.c src/http/multipart.c
/* A multipart/form-data body through the streaming parser. The first two bytes pick how the body
 * is cut into feeds; the rest is the body, with the fixed boundary "fzb". The body is parsed
 * twice, in one feed and in those chunks, and the two must agree exactly (abort otherwise): the
 * parser may not depend on where the network splits a request. Results are also checked
 * against the limits and the header's promises. */
#include "base/arena.h"
#include "base/err.h"
#include "base/str.h"
#include "http/parse.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CONTENT_TYPE "multipart/form-data; boundary=fzb"

static const multipart_limits_t lim = {
	.max_parts = 16,
	.max_field_bytes = 512,
	.max_file_bytes = 8192,
	.max_total_bytes = 16384,
	.max_header_bytes = 512,
};

struct run {
	arena_t *a;
	multipart_t *m;
	int rc;
};

static void run_chunks(struct run *r, const char *body, size_t len, uint32_t seed, unsigned maxchunk)
{
	r->a = arena_new();
	r->m = multipart_new(r->a, CONTENT_TYPE, &lim);
	if (!r->m)
		abort();
	r->rc = 0;
	size_t i = 0;
	while (i < len && !r->rc) {
		size_t n = len - i;
		if (maxchunk) {
			/* xorshift32: cheap, and the same seed always cuts the same way. */
			seed ^= seed << 13;
			seed ^= seed >> 17;
			seed ^= seed << 5;
			size_t want = seed % 8 == 0 ? 0 : 1 + (seed >> 3) % maxchunk;
			if (want < n)
				n = want;
		}
		r->rc = multipart_feed(r->m, body + i, n);
		i += n;
	}
	int frc = multipart_finish(r->m);
	if (r->rc && frc != r->rc)
		abort(); /* errors stick */
	if (r->rc && multipart_feed(r->m, "x", 1) != r->rc)
		abort();
	r->rc = frc;
	if (r->rc != 0 && r->rc != ERR_INVALID && r->rc != ERR_TOO_BIG)
		abort();
}

static void check_result(const struct run *r)
{
	if (r->rc)
		return;
	const kv_list_t *f = multipart_fields(r->m);
	size_t parts = f->n, total = 0;
	for (size_t i = 0; i < f->n; i++) {
		const kv_t *kv = &f->items[i];
		if (!kv->key || !kv->val || kv->val[kv->len] != '\0' || kv->len > lim.max_field_bytes ||
		    !str_valid_utf8(kv->val, kv->len) || !str_valid_utf8(kv->key, strlen(kv->key)))
			abort();
		total += kv->len;
	}
	for (const multipart_file_t *fl = multipart_files(r->m); fl; fl = fl->next) {
		if (!fl->field || !fl->filename || !fl->content_type || !fl->data)
			abort();
		if (strchr(fl->filename, '/') || strchr(fl->filename, '\\') || str_eq(fl->filename, ".") ||
		    str_eq(fl->filename, ".."))
			abort();
		if (fl->size > lim.max_file_bytes || (!fl->filename[0] && !fl->size))
			abort();
		total += fl->size;
		parts++;
	}
	if (parts > lim.max_parts || total > lim.max_total_bytes)
		abort();
}

static void same(const struct run *x, const struct run *y)
{
	if (x->rc != y->rc)
		abort();
	if (x->rc)
		return;
	const kv_list_t *fx = multipart_fields(x->m), *fy = multipart_fields(y->m);
	if (fx->n != fy->n)
		abort();
	for (size_t i = 0; i < fx->n; i++)
		if (strcmp(fx->items[i].key, fy->items[i].key) || fx->items[i].len != fy->items[i].len ||
		    memcmp(fx->items[i].val, fy->items[i].val, fx->items[i].len))
			abort();
	const multipart_file_t *a = multipart_files(x->m), *b = multipart_files(y->m);
	for (; a && b; a = a->next, b = b->next)
		if (strcmp(a->field, b->field) || strcmp(a->filename, b->filename) ||
		    strcmp(a->content_type, b->content_type) || a->size != b->size || memcmp(a->data, b->data, a->size))
			abort();
	if (a || b)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint32_t seed = (uint32_t)data[0] << 8 | data[1] | 1u << 16;
	/* 0: byte by byte; otherwise chunks of 1..data[0]+1 bytes, and some empty feeds. */
	unsigned maxchunk = data[0] + 1u;
	const char *body = (const char *)data + 2;
	size_t len = size - 2;

	struct run whole, cut;
	run_chunks(&whole, body, len, 0, 0);
	check_result(&whole);
	if (data[0] == 0) {
		/* Byte by byte: every split point at once. */
		cut.a = arena_new();
		cut.m = multipart_new(cut.a, CONTENT_TYPE, &lim);
		cut.rc = 0;
		for (size_t i = 0; i < len && !cut.rc; i++)
			cut.rc = multipart_feed(cut.m, body + i, 1);
		int frc = multipart_finish(cut.m);
		if (cut.rc && frc != cut.rc)
			abort();
		cut.rc = frc;
	} else {
		run_chunks(&cut, body, len, seed, maxchunk);
	}
	check_result(&cut);
	same(&whole, &cut);
	arena_free(whole.a);
	arena_free(cut.a);

	/* The Content-Type parser, on the same bytes. */
	char *ct = malloc(size + 1);
	memcpy(ct, data, size);
	ct[size] = '\0';
	arena_t *a = arena_new();
	multipart_t *m = multipart_new(a, ct, &lim);
	if (m) {
		int rc = multipart_feed(m, (const char *)data, size);
		if (!rc)
			rc = multipart_finish(m);
		if (rc != 0 && rc != ERR_INVALID && rc != ERR_TOO_BIG)
			abort();
	}
	arena_free(a);
	free(ct);
	return 0;
}
