/* buf.h — a growable byte buffer with a hard cap (after curl's dynbuf).
 *
 * The cap is the defence against oversized input: an append that would pass it fails with
 * ERR_TOO_BIG and leaves the buffer as it was. The data is always NUL-terminated (the NUL is not
 * counted in len). The buffer owns its data; buf_free releases it, buf_detach hands it over. */
#ifndef FIN_BUF_H
#define FIN_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
	char *data; /* NULL until the first append */
	size_t len;
	size_t cap; /* allocated */
	size_t max; /* hard cap on len */
} buf_t;

void buf_init(buf_t *b, size_t max);
void buf_free(buf_t *b);
/* Empties the buffer, keeping its memory. */
void buf_reset(buf_t *b);
/* Returns the data (new, caller frees; never NULL) and leaves the buffer empty. */
char *buf_detach(buf_t *b, size_t *len);
/* 0 or ERR_TOO_BIG. */
int buf_append(buf_t *b, const void *p, size_t n);
int buf_puts(buf_t *b, const char *s);
int buf_putc(buf_t *b, char c);
int buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(buf_t *b, const char *fmt, va_list ap);
/* Appends s with HTML escaping of & < > " ' (attribute values are always quoted). */
int buf_put_html(buf_t *b, const char *s, size_t n);
/* Appends the whole file at path. 0, ERR_NOT_FOUND (cannot open), ERR_IO (cannot read) — errno
 * says why — or ERR_TOO_BIG (past the cap). */
int buf_read_file(buf_t *b, const char *path);
/* For libraries that write only to files: runs write(path, ud) on a new private temporary file,
 * appends the file to b and removes it. 0, ERR_IO (no temporary file), write's error or
 * buf_read_file's. */
int buf_from_temp(buf_t *b, int (*write)(const char *path, void *ud), void *ud);
/* The data as a C string; "" when empty. Borrowed. */
const char *buf_str(const buf_t *b);

#endif
