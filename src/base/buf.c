#include "base/buf.h"

#include "base/err.h"
#include "base/mem.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void buf_init(buf_t *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void buf_free(buf_t *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void buf_reset(buf_t *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *buf_detach(buf_t *b, size_t *len)
{
	char *p = b->data ? b->data : xstrdup("");
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

static int grow(buf_t *b, size_t extra)
{
	if (extra > b->max || b->len > b->max - extra)
		return ERR_TOO_BIG;
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
	return 0;
}

int buf_append(buf_t *b, const void *p, size_t n)
{
	if (grow(b, n))
		return ERR_TOO_BIG;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int buf_puts(buf_t *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int buf_putc(buf_t *b, char c)
{
	return buf_append(b, &c, 1);
}

int buf_vprintf(buf_t *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	char probe[1];
	int n = vsnprintf(probe, sizeof probe, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return ERR_INVALID;
	if (grow(b, (size_t)n))
		return ERR_TOO_BIG;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_printf(buf_t *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

int buf_put_html(buf_t *b, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		if (buf_append(b, s + start, i - start) || buf_puts(b, rep))
			return ERR_TOO_BIG;
		start = i + 1;
	}
	return buf_append(b, s + start, n - start);
}

int buf_read_file(buf_t *b, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return ERR_NOT_FOUND;
	char chunk[8192];
	size_t n;
	int rc = 0;
	while (rc == 0 && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		rc = buf_append(b, chunk, n);
	if (rc == 0 && ferror(f))
		rc = ERR_IO;
	int saved = errno;
	fclose(f);
	errno = saved;
	return rc;
}

int buf_from_temp(buf_t *b, int (*write)(const char *path, void *ud), void *ud)
{
	char path[] = "/tmp/finestreta-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return ERR_IO;
	close(fd);
	int rc = write(path, ud);
	if (!rc)
		rc = buf_read_file(b, path);
	unlink(path);
	return rc;
}

const char *buf_str(const buf_t *b)
{
	return b->data ? b->data : "";
}
