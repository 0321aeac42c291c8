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
#define ROWS_MAX 2000000
#define FIELD_MAX 300

static const char *const columns[] = {"household",  "address",  "postcode",   "district",      "id_type", "id_number",
				      "given_name", "surnames", "birth_date", "registered_on", "mobile"};
enum {
	C_HOUSEHOLD,
	C_ADDRESS,
	C_POSTCODE,
	C_DISTRICT,
	C_TYPE,
	C_NUMBER,
	C_GIVEN,
	C_SURNAMES,
	C_BIRTH,
	C_SINCE,
	C_MOBILE,
	C_COUNT
};

typedef struct {
	pd_import_err_t *errs;
	size_t max, n;
} errs_t;

static void bad(errs_t *e, size_t row, const char *field, const char *reason)
{
	if (e->n < e->max)
		e->errs[e->n] = (pd_import_err_t){row, field, reason};
	e->n++;
}

/* One parsed row, with the line it came from. */
typedef struct {
	pd_person_t p;
	const char *household, *address, *postcode, *district;
	size_t line;
} row_t;

static int by_household(const void *a, const void *b)
{
	const row_t *x = *(row_t *const *)a, *y = *(row_t *const *)b;
	int c = strcmp(x->household, y->household);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

static int by_number(const void *a, const void *b)
{
	const row_t *x = *(row_t *const *)a, *y = *(row_t *const *)b;
	int c = strcmp(x->p.id_number, y->p.id_number);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* The header must name the columns in the documented order. */
static bool header_ok(const csv_row_t *h, errs_t *e)
{
	if (h->n != C_COUNT) {
		bad(e, h->line, "", "the header must have the 11 documented columns");
		return false;
	}
	for (size_t i = 0; i < C_COUNT; i++)
		if (strcmp(h->f[i], columns[i]) != 0) {
			bad(e, h->line, columns[i], "the header must name this column here");
			return false;
		}
	return true;
}

static bool date_ok(const char *s, int32_t *day)
{
	return tz_date_parse(s, day) == 0;
}

/* Reads and checks one data row into r; errors go to e. */
static void row_read(arena_t *a, const csv_row_t *c, row_t *r, int32_t today, errs_t *e)
{
	size_t before = e->n;
	if (c->n != C_COUNT) {
		bad(e, c->line, "", "the row must have the 11 documented columns");
		return;
	}
	const char *const *f = c->f;
	for (size_t i = 0; i < C_COUNT; i++)
		if (strlen(f[i]) > FIELD_MAX)
			bad(e, c->line, columns[i], "longer than 300 bytes");
	static const int required[] = {C_HOUSEHOLD, C_ADDRESS, C_POSTCODE, C_GIVEN, C_SURNAMES};
	for (size_t i = 0; i < sizeof required / sizeof *required; i++)
		if (!*f[required[i]])
			bad(e, c->line, columns[required[i]], "required");
	char norm[BOOKING_ID_MAX];
	if (!str_eq(f[C_TYPE], "dni") && !str_eq(f[C_TYPE], "nie") && !str_eq(f[C_TYPE], "passport"))
		bad(e, c->line, "id_type", "must be dni, nie or passport");
	else if (!booking_id_valid(f[C_TYPE], f[C_NUMBER], norm))
		bad(e, c->line, "id_number", "not a valid number for its id_type (check letter, length)");
	int32_t born = 0, since = 0;
	if (!date_ok(f[C_BIRTH], &born) || born > today)
		bad(e, c->line, "birth_date", "must be a past date YYYY-MM-DD");
	if (!date_ok(f[C_SINCE], &since) || since > today)
		bad(e, c->line, "registered_on", "must be a date YYYY-MM-DD, not in the future");
	else if (since < born)
		bad(e, c->line, "registered_on", "before the birth date");
	const char *mobile = pd_mobile_norm(a, f[C_MOBILE]);
	if (!mobile)
		bad(e, c->line, "mobile", "not a mobile number (9 digits from 6 or 7, or +country number)");
	if (e->n > before)
		return;
	*r = (row_t){.p = {f[C_TYPE], arena_strdup(a, norm), f[C_GIVEN], f[C_SURNAMES], f[C_BIRTH], f[C_SINCE], mobile},
		     .household = f[C_HOUSEHOLD],
		     .address = f[C_ADDRESS],
		     .postcode = f[C_POSTCODE],
		     .district = f[C_DISTRICT],
		     .line = c->line};
}

/* Groups rows (sorted by household) into households; members must agree on the address. */
static pd_household_t *group(arena_t *a, row_t **rows, size_t n, size_t *nh, errs_t *e)
{
	pd_household_t *h = NULL;
	size_t cap = 0;
	*nh = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && strcmp(rows[j]->household, rows[i]->household) == 0)
			j++;
		pd_household_t *x = ARENA_PUSH(a, h, *nh, cap);
		*x = (pd_household_t){.code = rows[i]->household,
				      .address = rows[i]->address,
				      .postcode = rows[i]->postcode,
				      .district = rows[i]->district};
		x->n = j - i;
		x->people = arena_alloc(a, x->n * sizeof *x->people);
		for (size_t k = i; k < j; k++) {
			if (!str_eq(rows[k]->address, x->address) || !str_eq(rows[k]->postcode, x->postcode) ||
			    !str_eq(rows[k]->district, x->district))
				bad(e, rows[k]->line, "address",
				    "differs from the household's first row (address, postcode and district)");
			x->people[k - i] = rows[k]->p;
		}
		i = j;
	}
	return h;
}

int pd_import_parse(arena_t *a, const char *data, size_t len, pd_household_t **out, size_t *n, pd_import_err_t *errs,
		    size_t max, size_t *nerr)
{
	errs_t e = {errs, max, 0};
	csv_t csv;
	csv_error_t cerr;
	csv_limits_t lim = {ROWS_MAX + 1, C_COUNT + 1, FIELD_MAX * 4, CSV_TRIM | CSV_COMMENTS};
	if (csv_parse(a, data, len, &lim, &csv, &cerr)) {
		bad(&e, cerr.line, "", arena_printf(a, "field %zu: %s", cerr.field, cerr.reason));
		*nerr = e.n;
		return ERR_INVALID;
	}
	if (csv.n == 0 || !header_ok(&csv.rows[0], &e)) {
		if (csv.n == 0)
			bad(&e, 0, "", "the file is empty");
		*nerr = e.n;
		return ERR_INVALID;
	}
	size_t nr = csv.n - 1;
	row_t *rows = arena_alloc(a, (nr ? nr : 1) * sizeof *rows);
	row_t **ord = arena_alloc(a, (nr ? nr : 1) * sizeof *ord);
	int32_t today = (int32_t)(time(NULL) / 86400) + 1; /* a day of slack for time zones */
	for (size_t i = 0; i < nr; i++) {
		row_read(a, &csv.rows[i + 1], &rows[i], today, &e);
		ord[i] = &rows[i];
	}
	if (e.n == 0) {
		qsort(ord, nr, sizeof *ord, by_number);
		for (size_t i = 1; i < nr; i++)
			if (strcmp(ord[i]->p.id_number, ord[i - 1]->p.id_number) == 0)
				bad(&e, ord[i]->line, "id_number",
				    arena_printf(a, "the same number as line %zu", ord[i - 1]->line));
	}
	size_t nh = 0;
	pd_household_t *h = NULL;
	if (e.n == 0) {
		qsort(ord, nr, sizeof *ord, by_household);
		h = group(a, ord, nr, &nh, &e);
	}
	*nerr = e.n;
	if (e.n)
		return ERR_INVALID;
	*out = h;
	*n = nh;
	return 0;
}

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
