/* import.c — `finestreta import facilities FILE` and `finestreta import postcodes FILE`: the CSV
 * formats of docs/facilities-format.md, every row checked before anything is written. */
#include "facilities/internal.h"

#include "base/buf.h"
#include "base/csv.h"
#include "base/err.h"
#include "base/str.h"
#include "view/i18n.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FILE_MAX ((size_t)32 << 20)
#define ERRS_SHOWN 50

static const char *const fac_cols[] = {"code", "name", "category", "district", "address",  "postcode",
				       "lat",  "lon",  "phone",    "hours",    "services", "accessibility"};
#define FAC_NCOLS (sizeof fac_cols / sizeof *fac_cols)

/* The file read and parsed, with its header checked against cols. NULL (said on err) when not. */
static csv_t *load(arena_t *a, const char *what, const char *path, const char *const *cols, size_t ncols, FILE *err)
{
	buf_t b;
	buf_init(&b, FILE_MAX);
	int rc = buf_read_file(&b, path);
	csv_t *csv = arena_alloc(a, sizeof *csv);
	csv_error_t ce;
	csv_limits_t lim = {200000, ncols + 1, 4000, CSV_TRIM | CSV_COMMENTS};
	if (rc) {
		fprintf(err, "finestreta import %s: %s: %s\n", what, path,
			rc == ERR_TOO_BIG ? "larger than 32 MiB" : strerror(errno));
		csv = NULL;
	} else if (csv_parse(a, buf_str(&b), b.len, &lim, csv, &ce)) {
		fprintf(err, "%s:%zu: field %zu: %s\n", path, ce.line, ce.field, ce.reason);
		csv = NULL;
	} else if (csv->n == 0 || csv->rows[0].n != ncols) {
		fprintf(err, "%s:1: the header must be: ", path);
		for (size_t i = 0; i < ncols; i++)
			fprintf(err, "%s%s", i ? "," : "", cols[i]);
		fputc('\n', err);
		csv = NULL;
	} else {
		for (size_t i = 0; i < ncols; i++)
			if (strcmp(csv->rows[0].f[i], cols[i]) != 0) {
				fprintf(err, "%s:1: %s: the header must name this column here\n", path, cols[i]);
				csv = NULL;
				break;
			}
	}
	buf_free(&b);
	return csv;
}

/* A coordinate column: "" is none; otherwise a number. */
static bool coord(const char *s, double *v, bool *given)
{
	*given = *s != '\0';
	if (!*given)
		return true;
	char *end;
	*v = strtod(s, &end);
	return end != s && !*end && isfinite(*v);
}

int fc_import_file(db_conn_t *c, const char *path, FILE *out, FILE *err)
{
	arena_t *a = arena_new();
	csv_t *csv = load(a, "facilities", path, fac_cols, FAC_NCOLS, err);
	int rc = csv ? 0 : ERR_INVALID;
	size_t nf = csv ? csv->n - 1 : 0, bad = 0;
	fc_facility_t *v = arena_alloc(a, (nf ? nf : 1) * sizeof *v);
	for (size_t i = 0; csv && i < nf; i++) {
		const csv_row_t *row = &csv->rows[i + 1];
		fielderr_t e = {0};
		if (row->n != FAC_NCOLS) {
			fprintf(err, "%s:%zu: the row must have the %zu documented columns\n", path, row->line,
				FAC_NCOLS);
			bad++;
			continue;
		}
		const char *const *f = row->f;
		bool glat = false, glon = false;
		fc_facility_t *x = &v[i];
		*x = (fc_facility_t){.code = f[0],
				     .name = f[1],
				     .category = f[2],
				     .district = f[3],
				     .address = f[4],
				     .postcode = f[5],
				     .phone = f[8],
				     .hours = f[9],
				     .services = f[10],
				     .accessibility = f[11],
				     .active = true};
		if (!coord(f[6], &x->lat, &glat) || !coord(f[7], &x->lon, &glon) || glat != glon)
			fielderr_add(&e, "lat", "fc_err_geo");
		x->has_geo = glat && glon;
		fc_check(x, &e);
		for (size_t k = 0; k < e.n; k++)
			fprintf(err, "%s:%zu: %s: %s\n", path, row->line, e.e[k].field, i18n_get("en", e.e[k].key));
		bad += e.n > 0;
	}
	if (csv && bad) {
		fprintf(err, "finestreta import facilities: %zu bad row(s); nothing was written\n", bad);
		rc = ERR_INVALID;
	}
	if (csv && !bad) {
		int64_t now = (int64_t)time(NULL);
		rc = db_begin(c);
		for (size_t i = 0; !rc && i < nf; i++)
			rc = fc_store_upsert(c, &v[i], fc_search_text(a, &v[i]), now);
		if (!rc)
			rc = db_commit(c);
		if (rc) {
			fprintf(err, "finestreta import facilities: %s; nothing was written\n", db_errmsg(c));
			db_rollback(c);
		} else {
			fprintf(out, "imported %zu facilities from %s (new ones added, known codes updated)\n", nf,
				path);
		}
	}
	arena_free(a);
	return rc;
}

int fc_import_postcodes(db_conn_t *c, const char *path, FILE *out, FILE *err)
{
	static const char *const cols[] = {"postcode", "lat", "lon"};
	arena_t *a = arena_new();
	csv_t *csv = load(a, "postcodes", path, cols, 3, err);
	int rc = csv ? 0 : ERR_INVALID;
	size_t n = csv ? csv->n - 1 : 0, bad = 0;
	const char **codes = arena_alloc(a, (n ? n : 1) * sizeof *codes);
	double *lat = arena_alloc(a, (n ? n : 1) * sizeof *lat), *lon = arena_alloc(a, (n ? n : 1) * sizeof *lon);
	for (size_t i = 0; csv && i < n; i++) {
		const csv_row_t *row = &csv->rows[i + 1];
		bool g1 = false, g2 = false;
		if (row->n != 3 || !*row->f[0] || strlen(row->f[0]) > 10 || !coord(row->f[1], &lat[i], &g1) ||
		    !coord(row->f[2], &lon[i], &g2) || !g1 || !g2 || fabs(lat[i]) > 90 || fabs(lon[i]) > 180) {
			fprintf(err, "%s:%zu: a postcode and its latitude and longitude are needed\n", path, row->line);
			bad++;
		} else {
			codes[i] = row->f[0];
		}
	}
	if (csv && bad) {
		fprintf(err, "finestreta import postcodes: %zu bad row(s); nothing was written\n", bad);
		rc = ERR_INVALID;
	}
	if (csv && !bad) {
		rc = db_begin(c);
		if (!rc)
			rc = fc_store_postcodes_replace(c, codes, lat, lon, n);
		if (!rc)
			rc = db_commit(c);
		if (rc) {
			fprintf(err, "finestreta import postcodes: %s; nothing was written\n", db_errmsg(c));
			db_rollback(c);
		} else {
			fprintf(out, "imported %zu postcodes from %s (the previous ones were replaced)\n", n, path);
		}
	}
	arena_free(a);
	return rc;
}
