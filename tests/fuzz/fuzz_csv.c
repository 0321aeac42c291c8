// fuzz-sources:
/* The catalogue's CSV parser on arbitrary bytes, with small caps so they are reached. On success
 * every field is valid UTF-8 within the caps and records start on increasing lines; then the
 * writer's output of those records must parse back to the same records. */
#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/str.h"
#include "base/csv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena_t *a = arena_new();
	csv_limits_t lim = {64, 16, 256, 0};
	csv_t out;
	csv_error_t err;
	int rc = csv_parse(a, (const char *)data, size, &lim, &out, &err);
	if (rc != 0 && rc != ERR_INVALID && rc != ERR_TOO_BIG)
		abort();
	if (rc) {
		if (!err.reason || err.line == 0 || err.field == 0 || out.n != 0)
			abort();
		arena_free(a);
		return 0;
	}
	if (out.n > lim.max_rows)
		abort();
	size_t last = 0;
	for (size_t r = 0; r < out.n; r++) {
		const csv_row_t *row = &out.rows[r];
		if (row->n == 0 || row->n > lim.max_fields || row->line <= last)
			abort();
		last = row->line;
		for (size_t f = 0; f < row->n; f++) {
			size_t n = strlen(row->f[f]);
			if (n > lim.max_field_bytes || !str_valid_utf8(row->f[f], n))
				abort();
		}
	}
	buf_t b;
	buf_init(&b, 1 << 20);
	for (size_t r = 0; r < out.n; r++)
		if (csv_put_row(&b, out.rows[r].f, out.rows[r].n))
			abort();
	/* Quoting adds bytes, so give the second parse room for them. */
	csv_limits_t lim2 = {64, 16, 256, 0};
	csv_t back;
	if (csv_parse(a, b.data ? b.data : "", b.len, &lim2, &back, &err) || back.n != out.n)
		abort();
	for (size_t r = 0; r < out.n; r++) {
		if (back.rows[r].n != out.rows[r].n)
			abort();
		for (size_t f = 0; f < out.rows[r].n; f++)
			if (strcmp(back.rows[r].f[f], out.rows[r].f[f]) != 0)
				abort();
	}
	buf_free(&b);
	arena_free(a);
	return 0;
}
