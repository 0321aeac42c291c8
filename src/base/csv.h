/* csv.h — RFC 4180 comma-separated values: a parser with hard caps, and a writer.
 *
 * Parsing: fields are separated by ',' and records by CRLF or LF (a lone CR counts as a line end
 * too). A field that starts with '"' is quoted: it may hold commas, line breaks and doubled
 * quotes ("" for "), and must be followed by a separator, a line end or the end of the input.
 * A UTF-8 byte-order mark at the start is skipped (spreadsheets write one). Lines with nothing
 * on them are skipped; the last record needs no line end. Fields must be valid UTF-8 without
 * NUL bytes. Two options loosen this for files people write by hand: CSV_TRIM drops blanks
 * (spaces, tabs) around fields — outside the quotes — and skips lines of blanks; CSV_COMMENTS
 * skips lines that start with '#'.
 *
 * Errors: ERR_INVALID for a quote inside an unquoted field, text after a closing quote, an
 * unterminated quoted field, invalid UTF-8 or NUL; ERR_TOO_BIG when a cap is passed. Either way
 * err says where (1-based line and field) and why, and out is left empty.
 *
 * Ownership: rows, fields and their strings are new arena memory (the arena the caller passes);
 * the input is borrowed for the call only. */
#ifndef FIN_BASE_CSV_H
#define FIN_BASE_CSV_H

#include "base/arena.h"
#include "base/buf.h"

#include <stddef.h>

typedef struct {
	const char **f; /* NUL-terminated fields */
	size_t n;
	size_t line; /* line where the record starts, 1-based */
} csv_row_t;

typedef struct {
	csv_row_t *rows;
	size_t n;
} csv_t;

enum { CSV_TRIM = 1 << 0, CSV_COMMENTS = 1 << 1 };

typedef struct {
	size_t max_rows;        /* records, header included */
	size_t max_fields;      /* per record */
	size_t max_field_bytes; /* one field, decoded */
	unsigned flags;         /* CSV_TRIM, CSV_COMMENTS */
} csv_limits_t;

typedef struct {
	size_t line, field; /* where parsing stopped (1-based) */
	const char *reason; /* static English text */
} csv_error_t;

int csv_parse(arena_t *a, const char *data, size_t len, const csv_limits_t *lim, csv_t *out, csv_error_t *err);

/* Appends one field, quoted when it holds a comma, a quote, a line break or leading/trailing
 * blanks. 0 or ERR_TOO_BIG (from the buffer's cap; the buffer is then as it was). */
int csv_put_field(buf_t *b, const char *s);
/* Appends a record: fields separated by commas, ending with CRLF. What csv_parse reads back
 * is the same fields. On ERR_TOO_BIG part of the record may have been written. */
int csv_put_row(buf_t *b, const char *const *fields, size_t n);

#endif
