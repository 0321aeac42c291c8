/* csv.c — the public-holidays CSV parser. Pure (no storage), so it is fuzzed alone
 * (tests/fuzz/fuzz_holidays.c); holidays.c stores what it returns. */
#include "schedule/schedule.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/str.h"
#include "base/tz.h"

#include <string.h>
#include <strings.h>

#define MAX_BYTES (256 * 1024)
#define MAX_ROWS 1000
#define MAX_NAME 200
#define NCOLS 5

static const char *const columns[NCOLS] = {"date", "scope", "name_ca", "name_es", "name_en"};

typedef struct {
	const char *p, *end;
	int line;
} cursor_t;

static int fail(schedule_csv_error_t *err, int line, const char *field, const char *code)
{
	err->line = line;
	err->field = field;
	err->code = code;
	return ERR_INVALID;
}

/* One record into fields (arena strings). Returns the field count, 0 at the end of input, or -1
 * for a malformed quote. *line_out is the line the record starts on. */
static int read_record(cursor_t *c, arena_t *a, const char **fields, int max, int *line_out)
{
	if (c->p >= c->end)
		return 0;
	*line_out = c->line;
	int nf = 0;
	buf_t b;
	buf_init(&b, MAX_BYTES);
	for (;;) {
		buf_reset(&b);
		bool quoted = false;
		/* Leading blanks of an unquoted field are dropped, so "a, b" reads as "a","b". */
		while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
			c->p++;
		if (c->p < c->end && *c->p == '"') {
			quoted = true;
			c->p++;
			for (;;) {
				if (c->p >= c->end) {
					buf_free(&b);
					return -1;
				}
				char ch = *c->p++;
				if (ch == '"') {
					if (c->p < c->end && *c->p == '"') {
						c->p++;
						buf_putc(&b, '"');
						continue;
					}
					break;
				}
				if (ch == '\n')
					c->line++;
				buf_putc(&b, ch);
			}
			while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
				c->p++;
			if (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
				buf_free(&b);
				return -1;
			}
		} else {
			while (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
				if (*c->p == '"') {
					buf_free(&b);
					return -1;
				}
				buf_putc(&b, *c->p++);
			}
		}
		char *v = arena_strdup(a, buf_str(&b));
		if (!quoted)
			str_trim(v);
		if (nf < max)
			fields[nf] = v;
		nf++;
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		/* End of record: CRLF, LF, lone CR, or the end of input. */
		if (c->p < c->end && *c->p == '\r')
			c->p++;
		if (c->p < c->end && *c->p == '\n')
			c->p++;
		c->line++;
		break;
	}
	buf_free(&b);
	return nf;
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > MAX_NAME)
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static bool blank_line(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p >= end || *p == '\n' || *p == '\r';
}

static void skip_line(cursor_t *c)
{
	while (c->p < c->end && *c->p != '\n')
		c->p++;
	if (c->p < c->end)
		c->p++;
	c->line++;
}

int schedule_holidays_parse(arena_t *a, const char *text, size_t len, schedule_holiday_t **out, size_t *n,
			    schedule_csv_error_t *err)
{
	if (len > MAX_BYTES)
		return fail(err, 0, "", "too_big");
	if (!text || !str_valid_utf8(text, len))
		return fail(err, 0, "", "encoding");
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		len -= 3;
	}
	cursor_t c = {text, text + len, 1};
	schedule_holiday_t *rows = arena_alloc(a, MAX_ROWS * sizeof *rows);
	size_t nrows = 0;
	bool first = true;
	for (;;) {
		/* Comments and blank lines between records. */
		while (c.p < c.end && (*c.p == '#' || blank_line(c.p, c.end)))
			skip_line(&c);
		const char *f[NCOLS + 1];
		int line = c.line;
		int nf = read_record(&c, a, f, NCOLS + 1, &line);
		if (nf == 0)
			break;
		if (nf < 0)
			return fail(err, line, "", "columns");
		if (first && nf >= 1 && strcasecmp(f[0], "date") == 0) {
			first = false;
			if (nf != NCOLS)
				return fail(err, line, "", "header");
			for (int k = 0; k < NCOLS; k++)
				if (strcasecmp(f[k], columns[k]) != 0)
					return fail(err, line, columns[k], "header");
			continue;
		}
		first = false;
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
		{"name", "the name is empty, too long or has control characters"},
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

