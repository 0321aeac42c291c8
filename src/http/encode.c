/* encode.c — Accept-Encoding negotiation and gzip/Brotli compression (see encode.h). */
#include "http/encode.h"

#include "base/err.h"
#include "base/mem.h"

#include <brotli/encode.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

const char *encode_name(enc_t e)
{
	return e == ENC_GZIP ? "gzip" : e == ENC_BR ? "br" : NULL;
}

const char *encode_etag_suffix(enc_t e)
{
	return e == ENC_GZIP ? "-gz" : e == ENC_BR ? "-br" : "";
}

/* ---------------------------------------------------------------- Accept-Encoding */

static bool is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in thousandths; -1 when bad.
 * *end gets the first character after it. */
static int parse_q(const char *p, const char **end)
{
	int q;
	if (*p != '0' && *p != '1')
		return -1;
	q = (*p++ - '0') * 1000;
	if (*p == '.') {
		p++;
		int scale = 100;
		for (int i = 0; i < 3 && *p >= '0' && *p <= '9'; i++, p++, scale /= 10)
			q += (*p - '0') * scale;
	}
	if (q > 1000)
		return -1;
	*end = p;
	return q;
}

enum { C_IDENTITY, C_GZIP, C_BR, C_STAR, C_N };

/* One element "coding *( OWS ; OWS q=qvalue )" at p, up to the next ',' or the end. Returns the
 * position after it (at the ',' or the NUL); *which is the coding (-1 for another one or a
 * malformed element), *q its q-value. */
static const char *parse_element(const char *p, int *which, int *q)
{
	const char *s = p;
	while (is_tchar(*p))
		p++;
	size_t n = (size_t)(p - s);
	*which = -1;
	*q = 1000;
	bool bad = n == 0;
	static const struct {
		const char *name;
		int which;
	} names[] = {{"identity", C_IDENTITY}, {"gzip", C_GZIP}, {"x-gzip", C_GZIP}, {"br", C_BR}, {"*", C_STAR}};
	int w = -1;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i].name) == n && strncasecmp(s, names[i].name, n) == 0)
			w = names[i].which;
	p = ows(p);
	while (!bad && *p == ';') {
		p = ows(p + 1);
		if ((*p == 'q' || *p == 'Q') && p[1] == '=') {
			*q = parse_q(p + 2, &p);
			if (*q < 0)
				bad = true;
			p = ows(p);
		} else {
			bad = true;
		}
	}
	if (*p != ',' && *p != '\0')
		bad = true;
	while (*p && *p != ',')
		p++;
	if (!bad)
		*which = w;
	return p;
}

enc_t encode_choose(const char *ae, unsigned offered)
{
	if (!ae)
		return ENC_IDENTITY;
	int q[C_N];
	bool seen[C_N] = {false};
	for (int i = 0; i < C_N; i++)
		q[i] = 0;
	for (const char *p = ae; *p;) {
		p = ows(p);
		if (*p == ',') {
			p++;
			continue;
		}
		if (!*p)
			break;
		int which, qv;
		p = parse_element(p, &which, &qv);
		if (which >= 0 && !seen[which]) {
			seen[which] = true;
			q[which] = qv;
		}
	}
	int qof[ENC_COUNT];
	/* Identity not listed is acceptable, but after any coding the client lists. */
	qof[ENC_IDENTITY] = seen[C_IDENTITY] ? q[C_IDENTITY] : seen[C_STAR] && q[C_STAR] == 0 ? 0 : 1;
	qof[ENC_GZIP] = seen[C_GZIP] ? q[C_GZIP] : seen[C_STAR] ? q[C_STAR] : 0;
	qof[ENC_BR] = seen[C_BR] ? q[C_BR] : seen[C_STAR] ? q[C_STAR] : 0;
	/* Preference on a tie: the smaller body. */
	static const enc_t order[] = {ENC_BR, ENC_GZIP, ENC_IDENTITY};
	enc_t best = ENC_IDENTITY;
	int bestq = 0;
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		enc_t e = order[i];
		if (e != ENC_IDENTITY && !(offered & ENC_BIT(e)))
			continue;
		if (qof[e] > bestq) {
			best = e;
			bestq = qof[e];
		}
	}
	return best;
}

bool encode_type_compressible(const char *ctype)
{
	if (!ctype)
		return false;
	static const char *const types[] = {"text/", "application/json", "application/manifest+json", "image/svg+xml",
					    "application/javascript"};
	if (strncasecmp(ctype, "text/event-stream", 17) == 0)
		return false;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strncasecmp(ctype, types[i], strlen(types[i])) == 0)
			return true;
	return false;
}

/* ---------------------------------------------------------------- compression */

static int gzip_compress(int level, const void *in, size_t n, char **out, size_t *outn)
{
	z_stream z = {0};
	/* windowBits 15 + 16: a gzip wrapper rather than zlib's own. */
	if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return ERR_INVALID;
	uLong cap = deflateBound(&z, (uLong)n);
	char *buf = xmalloc(cap);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)buf;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	size_t got = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END || got >= n) {
		free(buf);
		return ERR_INVALID;
	}
	*out = buf;
	*outn = got;
	return 0;
}

static int br_compress(int quality, const void *in, size_t n, char **out, size_t *outn)
{
	/* The smallest window that holds the whole body: less memory for the usual small page. */
	int lgwin = BROTLI_MIN_WINDOW_BITS;
	while (lgwin < BROTLI_DEFAULT_WINDOW && ((size_t)1 << lgwin) - 16 < n)
		lgwin++;
	size_t cap = BrotliEncoderMaxCompressedSize(n);
	if (cap == 0)
		return ERR_INVALID;
	char *buf = xmalloc(cap);
	size_t got = cap;
	if (!BrotliEncoderCompress(quality, lgwin, BROTLI_MODE_TEXT, n, in, &got, (uint8_t *)buf) || got >= n) {
		free(buf);
		return ERR_INVALID;
	}
	*out = buf;
	*outn = got;
	return 0;
}

int encode_compress(enc_t e, bool best, const void *in, size_t n, char **out, size_t *outn)
{
	/* Zero-length and oversized (past what zlib's 32-bit counters take) bodies go as they are. */
	if (n == 0 || n > UINT32_MAX)
		return ERR_INVALID;
	if (e == ENC_GZIP)
		return gzip_compress(best ? 9 : 6, in, n, out, outn);
	if (e == ENC_BR)
		return br_compress(best ? BROTLI_MAX_QUALITY : 5, in, n, out, outn);
	return ERR_INVALID;
}
