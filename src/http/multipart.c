/* multipart.c — multipart/form-data (RFC 7578), fed in chunks as the body arrives: a state
 * machine over boundaries, part headers and content, with every cap checked as it goes (see
 * parse.h). */
#include "http/parse.h"
#include "http/chars.h"

#include "base/err.h"
#include "base/str.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

/* ---- multipart/form-data -------------------------------------------------------------------- */

#define MP_BOUNDARY_MAX 70
#define MP_CT_MAX 1024
/* Keeps "limit + 1" (room for the NUL) and doubling from overflowing. */
#define MP_LIMIT_MAX ((size_t)1 << 40)

/* A growable byte buffer in the arena, bounded by max (one spare byte for a NUL). */
typedef struct {
	char *p;
	size_t len, cap, max;
} gbuf_t;

static int gbuf_append(arena_t *a, gbuf_t *g, const char *d, size_t n)
{
	if (n > g->max - g->len)
		return ERR_TOO_BIG;
	size_t need = g->len + n + 1;
	if (need > g->cap) {
		size_t cap = g->cap ? g->cap : 256;
		while (cap < need)
			cap *= 2;
		if (cap > g->max + 1)
			cap = g->max + 1;
		char *p = arena_alloc(a, cap);
		if (g->len && g->p)
			memcpy(p, g->p, g->len);
		g->p = p;
		g->cap = cap;
	}
	if (!g->p)
		return ERR_TOO_BIG; /* only when max + 1 wrapped to 0: nothing fits */
	if (n && d)
		memcpy(g->p + g->len, d, n);
	g->len += n;
	g->p[g->len] = '\0';
	return 0;
}

enum mp_state {
	MP_PREAMBLE,  /* looking for the first delimiter; bytes dropped */
	MP_DELIM_END, /* right after "\r\n--boundary" */
	MP_DASH2,     /* after "--boundary-" */
	MP_PADDING,   /* transport padding (SP / HT) before the line's CRLF */
	MP_LF,        /* after the boundary line's CR */
	MP_HEADER,    /* in a part's header line */
	MP_HEADER_LF, /* after a header line's CR */
	MP_BODY,      /* part content, looking for the next delimiter */
	MP_EPILOGUE,  /* after "--boundary--": the rest is ignored */
};

struct multipart {
	arena_t *a;
	multipart_limits_t lim;
	char delim[4 + MP_BOUNDARY_MAX]; /* "\r\n--" boundary */
	size_t dlen;
	enum mp_state state;
	int err;
	/* Bytes of delim matched and held back: they are part content unless the match completes.
	 * This count is all the state the search needs across chunks (see docs/internals/parse.md). */
	size_t match;
	bool in_part;
	size_t parts, total;
	/* The current part. */
	size_t header_bytes;
	gbuf_t line;
	gbuf_t body;
	bool has_cd, has_ct, has_name, has_filename;
	const char *name, *filename, *content_type;
	kv_list_t fields;
	multipart_file_t *files, **tail;
};

/* RFC 2046 bchars. */
static bool is_bchar(unsigned char c)
{
	return is_alpha(c) || is_digit(c) || (c && strchr("'()+_,-./:=? ", c) != NULL);
}

/* Reads a parameter value at s[*i..n): a token (bytes >= 0x80 allowed, as some clients send raw
 * UTF-8 unquoted) or a quoted-string. In a quoted-string a backslash escapes only '"' and '\'
 * and is otherwise literal, so old browsers' "C:\dir\file.txt" survives. New arena string in
 * *out; false when malformed. */
static bool read_param_value(arena_t *a, const char *s, size_t n, size_t *i, char **out, size_t *outlen)
{
	size_t k = *i;
	if (k < n && s[k] == '"') {
		char *v = arena_alloc(a, n - k);
		size_t o = 0;
		k++;
		while (k < n && s[k] != '"') {
			if (s[k] == '\\' && k + 1 < n && (s[k + 1] == '"' || s[k + 1] == '\\'))
				k++;
			v[o++] = s[k++];
		}
		if (k >= n)
			return false;
		*i = k + 1;
		*out = v;
		*outlen = o;
		return true;
	}
	size_t start = k;
	while (k < n && (is_tchar((unsigned char)s[k]) || (unsigned char)s[k] >= 0x80))
		k++;
	if (k == start)
		return false;
	*out = arena_strndup(a, s + start, k - start);
	*outlen = k - start;
	*i = k;
	return true;
}

static size_t skip_ows(const char *s, size_t n, size_t i)
{
	while (i < n && is_ows((unsigned char)s[i]))
		i++;
	return i;
}

static size_t skip_token(const char *s, size_t n, size_t i)
{
	while (i < n && is_tchar((unsigned char)s[i]))
		i++;
	return i;
}

multipart_t *multipart_new(arena_t *a, const char *content_type, const multipart_limits_t *lim)
{
	static const multipart_limits_t defaults = {
		.max_parts = 64,
		.max_field_bytes = 64 * 1024,
		.max_file_bytes = 10 * 1024 * 1024,
		.max_total_bytes = 20 * 1024 * 1024,
		.max_header_bytes = 8 * 1024,
	};
	if (!content_type)
		return NULL;
	const char *s = content_type;
	size_t n = strnlen(s, MP_CT_MAX + 1);
	if (n > MP_CT_MAX)
		return NULL;
	size_t i = skip_ows(s, n, 0);
	size_t t0 = i;
	i = skip_token(s, n, i);
	size_t t1 = i;
	if (i < n && s[i] == '/')
		i = skip_token(s, n, i + 1);
	if (!ieq_n(s + t0, i - t0, "multipart/form-data") || t1 == t0)
		return NULL;
	const char *boundary = NULL;
	size_t blen = 0;
	for (;;) {
		i = skip_ows(s, n, i);
		if (i == n)
			break;
		if (s[i] != ';')
			return NULL;
		i = skip_ows(s, n, i + 1);
		if (i == n)
			break;
		size_t p0 = i;
		i = skip_token(s, n, i);
		size_t p1 = i;
		if (p1 == p0 || i >= n || s[i] != '=')
			return NULL;
		i++;
		char *v;
		size_t vlen;
		if (!read_param_value(a, s, n, &i, &v, &vlen))
			return NULL;
		if (ieq_n(s + p0, p1 - p0, "boundary")) {
			/* Two boundaries would let two parsers split the same body differently. */
			if (boundary)
				return NULL;
			boundary = v;
			blen = vlen;
		}
	}
	if (!boundary || blen < 1 || blen > MP_BOUNDARY_MAX || boundary[blen - 1] == ' ')
		return NULL;
	for (size_t k = 0; k < blen; k++)
		if (!is_bchar((unsigned char)boundary[k]))
			return NULL;

	multipart_t *m = arena_alloc(a, sizeof(*m));
	m->a = a;
	m->lim = lim ? *lim : defaults;
	size_t *caps[] = {&m->lim.max_parts, &m->lim.max_field_bytes, &m->lim.max_file_bytes, &m->lim.max_total_bytes,
			  &m->lim.max_header_bytes};
	for (size_t k = 0; k < sizeof(caps) / sizeof(caps[0]); k++)
		if (*caps[k] > MP_LIMIT_MAX)
			*caps[k] = MP_LIMIT_MAX;
	memcpy(m->delim, "\r\n--", 4);
	memcpy(m->delim + 4, boundary, blen);
	m->dlen = 4 + blen;
	m->state = MP_PREAMBLE;
	/* The first delimiter may open the body, without the CRLF that belongs to it: start as if
	 * that CRLF had been seen. */
	m->match = 2;
	m->tail = &m->files;
	return m;
}

static void mp_start_part(multipart_t *m)
{
	m->header_bytes = 0;
	m->line = (gbuf_t){.max = m->lim.max_header_bytes};
	m->body = (gbuf_t){0};
	m->has_cd = m->has_ct = m->has_name = m->has_filename = false;
	m->name = m->filename = m->content_type = NULL;
}

/* Content-Disposition: form-data; name="field"; filename="a.pdf" */
static int mp_disposition(multipart_t *m, const char *s, size_t n)
{
	size_t i = skip_token(s, n, 0);
	if (!ieq_n(s, i, "form-data"))
		return ERR_INVALID;
	for (;;) {
		i = skip_ows(s, n, i);
		if (i == n)
			return 0;
		if (s[i] != ';')
			return ERR_INVALID;
		i = skip_ows(s, n, i + 1);
		if (i == n)
			return 0;
		size_t p0 = i;
		i = skip_token(s, n, i);
		size_t p1 = i;
		i = skip_ows(s, n, i);
		if (p1 == p0 || i >= n || s[i] != '=')
			return ERR_INVALID;
		i = skip_ows(s, n, i + 1);
		char *v;
		size_t vlen;
		if (!read_param_value(m->a, s, n, &i, &v, &vlen))
			return ERR_INVALID;
		if (ieq_n(s + p0, p1 - p0, "name")) {
			if (m->has_name)
				return ERR_INVALID;
			m->has_name = true;
			m->name = v;
		} else if (ieq_n(s + p0, p1 - p0, "filename")) {
			if (m->has_filename)
				return ERR_INVALID;
			m->has_filename = true;
			/* Only the last path component: clients have sent full local paths. */
			const char *base = v;
			for (size_t k = 0; k < vlen; k++)
				if (v[k] == '/' || v[k] == '\\')
					base = v + k + 1;
			if (str_eq(base, ".") || str_eq(base, ".."))
				base = "";
			m->filename = base;
		}
		/* filename* (RFC 5987) and anything else: ignored; browsers never send them. */
	}
}

static int mp_header_line(multipart_t *m)
{
	const char *s = m->line.p;
	size_t n = m->line.len;
	if (!str_valid_utf8(s, n))
		return ERR_INVALID;
	size_t i = skip_token(s, n, 0);
	if (i == 0 || i >= n || s[i] != ':')
		return ERR_INVALID;
	size_t name_len = i;
	size_t v0 = skip_ows(s, n, i + 1), v1 = n;
	while (v1 > v0 && is_ows((unsigned char)s[v1 - 1]))
		v1--;
	if (ieq_n(s, name_len, "content-disposition")) {
		if (m->has_cd)
			return ERR_INVALID;
		m->has_cd = true;
		return mp_disposition(m, s + v0, v1 - v0);
	}
	if (ieq_n(s, name_len, "content-type")) {
		if (m->has_ct || v1 == v0)
			return ERR_INVALID;
		m->has_ct = true;
		m->content_type = arena_strndup(m->a, s + v0, v1 - v0);
	}
	return 0;
}

static int mp_headers_done(multipart_t *m)
{
	if (!m->has_cd || !m->has_name)
		return ERR_INVALID;
	m->body.max = m->has_filename ? m->lim.max_file_bytes : m->lim.max_field_bytes;
	return 0;
}

static int mp_end_part(multipart_t *m)
{
	/* Never NULL, even for an empty part. */
	if (!m->body.p && gbuf_append(m->a, &m->body, "", 0))
		return ERR_TOO_BIG;
	if (!m->has_filename) {
		if (!str_valid_utf8(m->body.p, m->body.len))
			return ERR_INVALID;
		kv_add(m->a, &m->fields, m->name, m->body.p, m->body.len);
		return 0;
	}
	/* What browsers send for a file input left empty. */
	if (!m->filename[0] && m->body.len == 0)
		return 0;
	multipart_file_t *f = arena_alloc(m->a, sizeof(*f));
	f->field = m->name;
	f->filename = m->filename;
	f->content_type = m->content_type ? m->content_type : "application/octet-stream";
	f->data = (const unsigned char *)m->body.p;
	f->size = m->body.len;
	*m->tail = f;
	m->tail = &f->next;
	return 0;
}

static int mp_content(multipart_t *m, const char *d, size_t n)
{
	if (!n || m->state == MP_PREAMBLE)
		return 0;
	if (n > m->lim.max_total_bytes - m->total)
		return ERR_TOO_BIG;
	m->total += n;
	return gbuf_append(m->a, &m->body, d, n);
}

/* Runs the delimiter search over data[*i..n) in the preamble or a part body. Returns 1 when a
 * delimiter completed (at *i), 0 when the input ran out, or an error. */
static int mp_scan(multipart_t *m, const char *data, size_t n, size_t *i)
{
	int rc;
	while (*i < n) {
		if (m->match == 0) {
			/* Delimiters start with CR: everything before the next CR is content. */
			const char *cr = memchr(data + *i, '\r', n - *i);
			size_t run = cr ? (size_t)(cr - (data + *i)) : n - *i;
			if ((rc = mp_content(m, data + *i, run)))
				return rc;
			*i += run;
			if (!cr)
				return 0;
			m->match = 1;
			(*i)++;
			continue;
		}
		if (data[*i] == m->delim[m->match]) {
			(*i)++;
			if (++m->match == m->dlen) {
				m->match = 0;
				return 1;
			}
			continue;
		}
		/* CR appears only at the head of the delimiter, so no shorter prefix of it can end
		 * inside the held bytes: they are all content, and the current byte is looked at
		 * afresh. */
		if ((rc = mp_content(m, m->delim, m->match)))
			return rc;
		m->match = 0;
	}
	return 0;
}

static int mp_feed(multipart_t *m, const char *data, size_t n)
{
	size_t i = 0;
	int rc;
	while (i < n) {
		unsigned char c = (unsigned char)data[i];
		switch (m->state) {
		case MP_PREAMBLE:
		case MP_BODY:
			rc = mp_scan(m, data, n, &i);
			if (rc < 0)
				return rc;
			if (rc == 1) {
				if (m->in_part && (rc = mp_end_part(m)))
					return rc;
				m->in_part = false;
				m->state = MP_DELIM_END;
			}
			continue;
		case MP_DELIM_END:
			if (c == '-')
				m->state = MP_DASH2;
			else if (is_ows(c))
				m->state = MP_PADDING;
			else if (c == '\r')
				m->state = MP_LF;
			else
				return ERR_INVALID;
			break;
		case MP_DASH2:
			if (c != '-')
				return ERR_INVALID;
			m->state = MP_EPILOGUE;
			break;
		case MP_PADDING:
			if (c == '\r')
				m->state = MP_LF;
			else if (!is_ows(c))
				return ERR_INVALID;
			break;
		case MP_LF:
			/* A bare LF ends here too: RFC 2046 wants CRLF, every browser sends it, and
			 * guessing at line ends would make binary content ambiguous. */
			if (c != '\n')
				return ERR_INVALID;
			if (++m->parts > m->lim.max_parts)
				return ERR_TOO_BIG;
			mp_start_part(m);
			m->in_part = true;
			m->state = MP_HEADER;
			break;
		case MP_HEADER:
			if (++m->header_bytes > m->lim.max_header_bytes)
				return ERR_TOO_BIG;
			if (c == '\r') {
				m->state = MP_HEADER_LF;
				break;
			}
			/* Bare LF, controls, and folded lines (obsolete, RFC 7578 4.8) are refused. */
			if (c == '\n' || (is_ctl(c) && c != '\t') || (m->line.len == 0 && is_ows(c)))
				return ERR_INVALID;
			if ((rc = gbuf_append(m->a, &m->line, data + i, 1)))
				return rc;
			break;
		case MP_HEADER_LF:
			if (++m->header_bytes > m->lim.max_header_bytes)
				return ERR_TOO_BIG;
			if (c != '\n')
				return ERR_INVALID;
			if (m->line.len == 0) {
				if ((rc = mp_headers_done(m)))
					return rc;
				m->state = MP_BODY;
				m->match = 0;
			} else {
				if ((rc = mp_header_line(m)))
					return rc;
				m->line.len = 0;
				m->state = MP_HEADER;
			}
			break;
		case MP_EPILOGUE: return 0;
		}
		i++;
	}
	return 0;
}

int multipart_feed(multipart_t *m, const char *data, size_t n)
{
	if (m->err)
		return m->err;
	int rc = mp_feed(m, data, n);
	if (rc)
		m->err = rc;
	return rc;
}

int multipart_finish(multipart_t *m)
{
	if (m->err)
		return m->err;
	if (m->state != MP_EPILOGUE)
		m->err = ERR_INVALID;
	return m->err;
}

const kv_list_t *multipart_fields(const multipart_t *m)
{
	return &m->fields;
}

const multipart_file_t *multipart_files(const multipart_t *m)
{
	return m->files;
}
