/* import.c — `finestreta import padro FILE`: the documented CSV (docs/padro-register.md) read
 * whole, every row checked, and the local register replaced in one transaction, or nothing
 * written when any row is bad. */
#include "padro/internal.h"

#include "base/buf.h"
#include "base/csv.h"
#include "base/err.h"
#include "base/str.h"
#include "base/tz.h"
#include "booking/booking.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FILE_MAX ((size_t)256 << 20)

int pd_import_file(db_conn_t *c, const char *path, FILE *out, FILE *err)
{
	buf_t b;
	buf_init(&b, FILE_MAX);
	int rc = buf_read_file(&b, path);
	if (rc) {
		fprintf(err, "finestreta import padro: %s: %s\n", path,
			rc == ERR_TOO_BIG ? "larger than 256 MiB" : strerror(errno));
		buf_free(&b);
		return rc == ERR_TOO_BIG ? ERR_INVALID : ERR_IO;
	}
	arena_t *a = arena_new();
	pd_import_err_t errs[PD_IMPORT_ERRS_MAX];
	size_t nerr = 0, nh = 0;
	pd_household_t *h = NULL;
	rc = pd_import_parse(a, buf_str(&b), b.len, &h, &nh, errs, PD_IMPORT_ERRS_MAX, &nerr);
	if (rc) {
		for (size_t i = 0; i < nerr && i < PD_IMPORT_ERRS_MAX; i++)
			fprintf(err, "%s:%zu: %s%s%s\n", path, errs[i].row, errs[i].field, *errs[i].field ? ": " : "",
				errs[i].reason);
		if (nerr > PD_IMPORT_ERRS_MAX)
			fprintf(err, "%s: … and %zu more\n", path, nerr - PD_IMPORT_ERRS_MAX);
		fprintf(err, "finestreta import padro: %zu problem(s); nothing was written\n", nerr);
	} else {
		size_t people = 0;
		for (size_t i = 0; i < nh; i++)
			people += h[i].n;
		rc = db_begin(c);
		if (!rc)
			rc = pd_store_replace(c, h, nh);
		if (!rc)
			rc = db_commit(c);
		if (rc) {
			fprintf(err, "finestreta import padro: %s; nothing was written\n", db_errmsg(c));
			db_rollback(c);
		} else {
			fprintf(out,
				"imported %zu people in %zu households from %s (the previous register was replaced)\n",
				people, nh, path);
		}
	}
	arena_free(a);
	buf_free(&b);
	return rc;
}
