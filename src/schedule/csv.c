/* csv.c — the public-holidays CSV parser. Pure (no storage), so it is fuzzed alone
 * (tests/fuzz/fuzz_holidays.c); holidays.c stores what it returns. */
#include "schedule/schedule.h"

#include "base/csv.h"
#include "base/err.h"
#include "base/str.h"
#include "base/text.h"
#include "base/tz.h"

#include <string.h>
#include <strings.h>

#define MAX_BYTES (256 * 1024)
#define MAX_ROWS 1000
#define MAX_NAME 200
#define NCOLS 5

static const char *const columns[NCOLS] = {"date", "scope", "name_ca", "name_es", "name_en"};

static int fail(schedule_csv_error_t *err, int line, const char *field, const char *code)
{
	err->line = line;
	err->field = field;
	err->code = code;
	return ERR_INVALID;
}

/* A holiday's name: one line of text (base/text.h). */
static bool name_ok(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n <= MAX_NAME && text_ok_n(s, n, TEXT_LINE);
}

int schedule_holidays_parse(arena_t *a, const char *text, size_t len, schedule_holiday_t **out, size_t *n,
			    schedule_csv_error_t *err)
{
	if (len > MAX_BYTES)
		return fail(err, 0, "", "too_big");
	if (!text || !str_valid_utf8(text, len))
		return fail(err, 0, "", "encoding");
	/* Hand-written files: blanks around fields, '#' comments. The byte cap bounds the rows. */
	csv_limits_t lim = {.max_rows = MAX_BYTES,
			    .max_fields = NCOLS + 1,
			    .max_field_bytes = MAX_BYTES,
			    .flags = CSV_TRIM | CSV_COMMENTS};
	csv_t csv;
	csv_error_t ce;
	if (csv_parse(a, text, len, &lim, &csv, &ce))
		return fail(err, (int)ce.line, "", "columns");
	schedule_holiday_t *rows = arena_alloc(a, MAX_ROWS * sizeof *rows);
	size_t nrows = 0;
	for (size_t r = 0; r < csv.n; r++) {
		const char *const *f = csv.rows[r].f;
		size_t nf = csv.rows[r].n;
		int line = (int)csv.rows[r].line;
		if (r == 0 && strcasecmp(f[0], "date") == 0) {
			if (nf != NCOLS)
				return fail(err, line, "", "header");
			for (int k = 0; k < NCOLS; k++)
				if (strcasecmp(f[k], columns[k]) != 0)
					return fail(err, line, columns[k], "header");
			continue;
		}
		if (nf != NCOLS)
			return fail(err, line, "", "columns");
		int32_t day;
		if (tz_date_parse(f[0], &day))
			return fail(err, line, "date", "date");
		if (!str_eq(f[1], "national") && !str_eq(f[1], "catalonia") && !str_eq(f[1], "city"))
			return fail(err, line, "scope", "scope");
		for (int k = 2; k < NCOLS; k++)
			if (!name_ok(f[k]))
				return fail(err, line, columns[k], "name");
		for (size_t i = 0; i < nrows; i++)
			if (str_eq(rows[i].day, f[0]) && str_eq(rows[i].scope, f[1]))
				return fail(err, line, "date", "duplicate");
		if (nrows == MAX_ROWS)
			return fail(err, line, "", "too_big");
		rows[nrows++] = (schedule_holiday_t){f[0], f[1], f[2], f[3], f[4]};
	}
	if (nrows == 0)
		return fail(err, 0, "", "empty");
	*out = rows;
	*n = nrows;
	return 0;
}

const char *schedule_csv_error_text(arena_t *a, const schedule_csv_error_t *err)
{
	static const struct {
		const char *code, *text;
	} texts[] = {
		{"empty", "no holidays in the file"},
		{"encoding", "the file is not UTF-8 text"},
		{"too_big", "the file is too big (at most 1000 rows, 256 KiB)"},
		{"columns", "expected 5 fields: date,scope,name_ca,name_es,name_en"},
		{"header", "the header must be date,scope,name_ca,name_es,name_en"},
		{"date", "not a date YYYY-MM-DD"},
		{"scope", "scope must be national, catalonia or city"},
		{"name", "the name is empty, too long or has control or direction-override characters"},
		{"duplicate", "this date and scope are already in the file"},
	};
	const char *text = err->code;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (str_eq(err->code, texts[i].code))
			text = texts[i].text;
	if (err->line <= 0)
		return arena_printf(a, "%s", text);
	if (err->field && *err->field)
		return arena_printf(a, "line %d, %s: %s", err->line, err->field, text);
	return arena_printf(a, "line %d: %s", err->line, text);
}
