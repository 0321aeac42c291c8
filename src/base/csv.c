/* csv.c — RFC 4180 parser and writer (see csv.h). One pass over the input, one field buffer with
 * the field cap, rows and fields kept in arena arrays that double as they grow. */
#include "base/csv.h"

#include "base/err.h"
#include "base/str.h"

#include <stdbool.h>
#include <string.h>

typedef struct {
	arena_t *a;
	const csv_limits_t *lim;
	csv_row_t *rows;
	size_t nrows, caprows;
	const char **fields;
	size_t nfields, capfields;
	buf_t field;
	csv_error_t *err;
	size_t line, row_line;
} parser_t;

static int fail(parser_t *p, int rc, const char *reason)
{
	p->err->line = p->line;
	p->err->field = p->nfields + 1;
	p->err->reason = reason;
	return rc;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* quoted: the field was in quotes (CSV_TRIM keeps blanks inside them). */
static int end_field(parser_t *p, bool quoted)
{
	if (!str_valid_utf8(buf_str(&p->field), p->field.len))
		return fail(p, ERR_INVALID, "invalid UTF-8 or a NUL byte");
	if (p->nfields == p->lim->max_fields)
		return fail(p, ERR_TOO_BIG, "too many fields in a record");
	char *v = arena_strndup(p->a, buf_str(&p->field), p->field.len);
	if ((p->lim->flags & CSV_TRIM) && !quoted)
		str_trim(v);
	*ARENA_PUSH(p->a, p->fields, p->nfields, p->capfields) = v;
	buf_reset(&p->field);
	return 0;
}

static int end_record(parser_t *p)
{
	if (p->nrows == p->lim->max_rows)
		return fail(p, ERR_TOO_BIG, "too many records");
	csv_row_t *r = ARENA_PUSH(p->a, p->rows, p->nrows, p->caprows);
	r->f = arena_alloc(p->a, p->nfields * sizeof *r->f + 1);
	memcpy(r->f, p->fields, p->nfields * sizeof *r->f);
	r->n = p->nfields;
	r->line = p->row_line;
	p->nfields = 0;
	return 0;
}

static int add_byte(parser_t *p, char c)
{
	if (buf_putc(&p->field, c))
		return fail(p, ERR_TOO_BIG, "a field is too long");
	return 0;
}

/* At the start of a record: the end of a line that holds nothing (or only blanks with CSV_TRIM,
 * or a comment with CSV_COMMENTS), past its line end; i itself when the line holds a record. */
static size_t skip_empty_line(const parser_t *p, const char *data, size_t len, size_t i)
{
	size_t j = i;
	while ((p->lim->flags & CSV_TRIM) && j < len && blank(data[j]))
		j++;
	bool comment = (p->lim->flags & CSV_COMMENTS) && data[i] == '#';
	if (!comment && j < len && data[j] != '\n' && data[j] != '\r')
		return i;
	while (j < len && data[j] != '\n' && data[j] != '\r')
		j++;
	if (j < len && data[j] == '\r' && j + 1 < len && data[j + 1] == '\n')
		j++;
	return j + 1;
}

/* A quoted field from the opening quote at *i, past the closing one and any blanks after it
 * (CSV_TRIM). */
static int read_quoted(parser_t *p, const char *data, size_t len, size_t *i)
{
	size_t opened = p->line;
	int rc;
	for ((*i)++;;) {
		if (*i >= len) {
			/* Name the line where the quote opened: the end of the file says little. */
			p->line = opened;
			return fail(p, ERR_INVALID, "a quoted field is not closed");
		}
		char c = data[(*i)++];
		if (c == '"' && *i < len && data[*i] == '"') {
			(*i)++;
		} else if (c == '"') {
			break;
		} else if (c == '\n' || (c == '\r' && !(*i < len && data[*i] == '\n'))) {
			p->line++;
		}
		if ((rc = add_byte(p, c)))
			return rc;
	}
	while ((p->lim->flags & CSV_TRIM) && *i < len && blank(data[*i]))
		(*i)++;
	if (*i < len && data[*i] != ',' && data[*i] != '\n' && data[*i] != '\r')
		return fail(p, ERR_INVALID, "text after a closing quote");
	return 0;
}

static int read_unquoted(parser_t *p, const char *data, size_t len, size_t *i)
{
	int rc;
	while (*i < len && data[*i] != ',' && data[*i] != '\n' && data[*i] != '\r') {
		if (data[*i] == '"')
			return fail(p, ERR_INVALID, "a quote inside an unquoted field");
		if ((rc = add_byte(p, data[(*i)++])))
			return rc;
	}
	return 0;
}

/* One field from *i, then its separator: 1 when a record ended (a line end, or the end of the
 * input), 0 when another field follows, or an error. */
static int read_field(parser_t *p, const char *data, size_t len, size_t *i)
{
	while ((p->lim->flags & CSV_TRIM) && *i < len && blank(data[*i]))
		(*i)++;
	bool quoted = *i < len && data[*i] == '"';
	int rc = quoted ? read_quoted(p, data, len, i) : read_unquoted(p, data, len, i);
	if (!rc)
		rc = end_field(p, quoted);
	if (rc || *i >= len)
		return rc ? rc : 1;
	if (data[(*i)++] == ',')
		/* "a," at the very end: the record ends with an empty field. */
		return *i >= len ? ((rc = end_field(p, false)) ? rc : 1) : 0;
	if (data[*i - 1] == '\r' && *i < len && data[*i] == '\n')
		(*i)++;
	return 1;
}

int csv_parse(arena_t *a, const char *data, size_t len, const csv_limits_t *lim, csv_t *out, csv_error_t *err)
{
	parser_t p = {.a = a, .lim = lim, .err = err, .line = 1, .row_line = 1};
	buf_init(&p.field, lim->max_field_bytes);
	*out = (csv_t){0};
	*err = (csv_error_t){0};
	size_t i = 0;
	int rc = 0;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	if (lim->max_rows == 0 || lim->max_fields == 0) {
		rc = len > i ? fail(&p, ERR_TOO_BIG, "too many records") : 0;
		goto done;
	}
	while (i < len) {
		/* A line with nothing on it is skipped, not read as a record of one empty field. */
		size_t next = skip_empty_line(&p, data, len, i);
		if (next != i) {
			i = next;
			p.line++;
			continue;
		}
		p.row_line = p.line;
		while ((rc = read_field(&p, data, len, &i)) == 0)
			;
		if (rc < 0)
			goto done;
		if ((rc = end_record(&p)))
			goto done;
		p.line++;
	}
	out->rows = p.rows;
	out->n = p.nrows;
done:
	buf_free(&p.field);
	if (rc)
		*out = (csv_t){0};
	return rc;
}

int csv_put_field(buf_t *b, const char *s)
{
	size_t n = strlen(s);
	/* Blanks at the ends survive spreadsheets only when quoted; a leading byte-order mark
	 * would be taken for the file's own at the start of the file. */
	bool quote = n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t' ||
			   (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0));
	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (!quote)
		return buf_append(b, s, n);
	size_t mark = b->len;
	int rc = buf_putc(b, '"');
	for (size_t i = 0; i < n && !rc; i++)
		rc = s[i] == '"' ? buf_append(b, "\"\"", 2) : buf_putc(b, s[i]);
	if (!rc)
		rc = buf_putc(b, '"');
	if (rc) {
		b->len = mark;
		if (b->data)
			b->data[mark] = '\0';
	}
	return rc;
}

int csv_put_row(buf_t *b, const char *const *fields, size_t n)
{
	/* A record of one empty field would be an empty line, which readers skip. */
	if (n == 1 && (!fields[0] || !*fields[0]))
		return buf_append(b, "\"\"\r\n", 4);
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if (i)
			rc = buf_putc(b, ',');
		if (!rc)
			rc = csv_put_field(b, fields[i] ? fields[i] : "");
	}
	if (!rc)
		rc = buf_append(b, "\r\n", 2);
	return rc;
}
