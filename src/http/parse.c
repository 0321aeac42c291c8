#include "http/parse.h"
#include "http/chars.h"

#include "base/err.h"
#include "base/str.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

/* ---- key/value lists ------------------------------------------------------------------------ */

void kv_add(arena_t *a, kv_list_t *l, const char *key, const char *val, size_t len)
{
	*ARENA_PUSH(a, l->items, l->n, l->cap) = (kv_t){.key = key, .val = val, .len = len};
}

const char *kv_get(const kv_list_t *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].key, key) == 0)
			return l->items[i].val;
	return NULL;
}

size_t kv_count(const kv_list_t *l, const char *key)
{
	size_t c = 0;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].key, key) == 0)
			c++;
	return c;
}

/* ---- application/x-www-form-urlencoded ------------------------------------------------------ */

/* Copies s[0..n) into the arena and decodes it; *out is NUL-terminated text. */
static int decode_component(arena_t *a, const char *s, size_t n, char **out, size_t *outlen)
{
	char *p = arena_strndup(a, s, n);
	int len = str_url_decode(p, n, true);
	if (len < 0)
		return ERR_INVALID;
	if (!str_valid_utf8(p, (size_t)len))
		return ERR_INVALID;
	*out = p;
	*outlen = (size_t)len;
	return 0;
}

int parse_urlencoded(arena_t *a, const char *s, size_t n, size_t max_fields, kv_list_t *out)
{
	size_t start_n = out->n, fields = 0;
	int rc = 0;
	/* str_url_decode reports lengths as int. */
	if (n > INT_MAX)
		return ERR_TOO_BIG;
	size_t i = 0;
	while (i < n) {
		const char *seg = s + i;
		const char *amp = memchr(seg, '&', n - i);
		size_t seglen = amp ? (size_t)(amp - seg) : n - i;
		i += seglen + 1;
		if (seglen == 0)
			continue;
		const char *eq = memchr(seg, '=', seglen);
		size_t klen = eq ? (size_t)(eq - seg) : seglen;
		/* "=x" names nothing a handler could ask for: skipped like an empty pair. */
		if (klen == 0)
			continue;
		if (++fields > max_fields) {
			rc = ERR_TOO_BIG;
			goto cleanup;
		}
		char *key, *val;
		size_t keylen, vallen;
		rc = decode_component(a, seg, klen, &key, &keylen);
		if (rc)
			goto cleanup;
		if (eq)
			rc = decode_component(a, eq + 1, seglen - klen - 1, &val, &vallen);
		else
			rc = decode_component(a, "", 0, &val, &vallen);
		if (rc)
			goto cleanup;
		kv_add(a, out, key, val, vallen);
	}
cleanup:
	if (rc)
		out->n = start_n;
	return rc;
}

/* ---- Cookie --------------------------------------------------------------------------------- */

int parse_cookies(arena_t *a, const char *s, size_t n, size_t max_cookies, kv_list_t *out)
{
	size_t start_n = out->n, count = 0;
	int rc = 0;
	size_t i = 0;
	while (i < n) {
		const char *seg = s + i;
		const char *semi = memchr(seg, ';', n - i);
		size_t seglen = semi ? (size_t)(semi - seg) : n - i;
		i += seglen + 1;
		while (seglen && is_ows((unsigned char)seg[0])) {
			seg++;
			seglen--;
		}
		while (seglen && is_ows((unsigned char)seg[seglen - 1]))
			seglen--;
		/* Browsers do send "a=1;" and "a=1; ; b=2" now and then. */
		if (seglen == 0)
			continue;
		const char *eq = memchr(seg, '=', seglen);
		if (!eq) {
			rc = ERR_INVALID;
			goto cleanup;
		}
		size_t nlen = (size_t)(eq - seg);
		while (nlen && is_ows((unsigned char)seg[nlen - 1]))
			nlen--;
		if (nlen == 0) {
			rc = ERR_INVALID;
			goto cleanup;
		}
		for (size_t k = 0; k < nlen; k++) {
			if (!is_tchar((unsigned char)seg[k])) {
				rc = ERR_INVALID;
				goto cleanup;
			}
		}
		const char *v = eq + 1;
		size_t vlen = seglen - (size_t)(v - seg);
		while (vlen && is_ows((unsigned char)v[0])) {
			v++;
			vlen--;
		}
		if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
			v++;
			vlen -= 2;
		}
		/* Values stay raw (no %-decoding): cookies we set are tokens anyway. Octets outside
		 * RFC 6265's cookie-octet other than controls and DQUOTE (space, comma, backslash) are
		 * tolerated, since other applications on the same site set such cookies and the
		 * browser sends them all. */
		for (size_t k = 0; k < vlen; k++) {
			unsigned char c = (unsigned char)v[k];
			if (is_ctl(c) || c == '"') {
				rc = ERR_INVALID;
				goto cleanup;
			}
		}
		if (!str_valid_utf8(v, vlen)) {
			rc = ERR_INVALID;
			goto cleanup;
		}
		if (++count > max_cookies) {
			rc = ERR_TOO_BIG;
			goto cleanup;
		}
		kv_add(a, out, arena_strndup(a, seg, nlen), arena_strndup(a, v, vlen), vlen);
	}
cleanup:
	if (rc)
		out->n = start_n;
	return rc;
}

/* ---- Accept-Language ------------------------------------------------------------------------ */

#define AL_MAX_BYTES 512
#define AL_MAX_ENTRIES 32
#define AL_TAG_MAX 8

struct al_entry {
	char tag[AL_TAG_MAX + 1];
	int q;   /* thousandths */
	int pos; /* order in the header, for stable ties */
};

/* RFC 9110 qvalue: ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in thousandths; -1 when
 * malformed. */
static int parse_qvalue(const char *s, size_t n)
{
	if (n == 0 || (s[0] != '0' && s[0] != '1'))
		return -1;
	int q = (s[0] - '0') * 1000;
	if (n == 1)
		return q;
	if (s[1] != '.' || n > 5)
		return -1;
	int scale = 100;
	for (size_t i = 2; i < n; i++) {
		if (!is_digit((unsigned char)s[i]))
			return -1;
		q += (s[i] - '0') * scale;
		scale /= 10;
	}
	return q > 1000 ? -1 : q;
}

/* Reads one "tag;q=0.8" entry. Returns false when it is to be skipped. */
static bool al_entry(const char *s, size_t n, struct al_entry *e)
{
	const char *semi = memchr(s, ';', n);
	size_t tlen = semi ? (size_t)(semi - s) : n;
	while (tlen && is_ows((unsigned char)s[tlen - 1]))
		tlen--;
	/* language-range: 1*8ALPHA *("-" 1*8alphanum); '*' and single-letter prefixes ("x-", "i-")
	 * name no language we could serve. */
	size_t plen = 0;
	while (plen < tlen && is_alpha((unsigned char)s[plen]))
		plen++;
	if (plen < 2 || plen > AL_TAG_MAX)
		return false;
	size_t k = plen;
	while (k < tlen) {
		if (s[k] != '-')
			return false;
		size_t sub = 0;
		k++;
		while (k < tlen && (is_alpha((unsigned char)s[k]) || is_digit((unsigned char)s[k]))) {
			k++;
			sub++;
		}
		if (sub < 1 || sub > AL_TAG_MAX)
			return false;
	}
	for (size_t j = 0; j < plen; j++)
		e->tag[j] = (char)lower((unsigned char)s[j]);
	e->tag[plen] = '\0';
	e->q = 1000;
	bool seen_q = false;
	while (semi) {
		const char *p = semi + 1;
		size_t rest = n - (size_t)(p - s);
		semi = memchr(p, ';', rest);
		size_t plen2 = semi ? (size_t)(semi - p) : rest;
		while (plen2 && is_ows((unsigned char)p[0])) {
			p++;
			plen2--;
		}
		while (plen2 && is_ows((unsigned char)p[plen2 - 1]))
			plen2--;
		if (plen2 < 2 || lower((unsigned char)p[0]) != 'q')
			continue;
		size_t j = 1;
		while (j < plen2 && is_ows((unsigned char)p[j]))
			j++;
		if (j >= plen2 || p[j] != '=')
			continue;
		j++;
		while (j < plen2 && is_ows((unsigned char)p[j]))
			j++;
		if (seen_q)
			continue;
		seen_q = true;
		int q = parse_qvalue(p + j, plen2 - j);
		/* An unreadable weight is no consent to that language. */
		e->q = q < 0 ? 0 : q;
	}
	return e->q > 0;
}

int parse_accept_language(const char *s, const char **out, int max, arena_t *a)
{
	if (!s || max <= 0)
		return 0;
	size_t n = strnlen(s, AL_MAX_BYTES + 1);
	if (n > AL_MAX_BYTES) {
		/* Only whole entries within the cap count. */
		n = AL_MAX_BYTES;
		while (n && s[n] != ',')
			n--;
	}
	struct al_entry e[AL_MAX_ENTRIES];
	int ne = 0, pos = 0;
	size_t i = 0;
	while (i < n && pos < AL_MAX_ENTRIES) {
		const char *seg = s + i;
		const char *comma = memchr(seg, ',', n - i);
		size_t seglen = comma ? (size_t)(comma - seg) : n - i;
		i += seglen + 1;
		while (seglen && is_ows((unsigned char)seg[0])) {
			seg++;
			seglen--;
		}
		if (seglen == 0)
			continue;
		struct al_entry cur;
		cur.pos = pos++;
		if (!al_entry(seg, seglen, &cur))
			continue;
		/* "ca-ES, ca;q=0.9": one language, at its best weight and the place that weight has. */
		int j;
		for (j = 0; j < ne; j++)
			if (strcmp(e[j].tag, cur.tag) == 0)
				break;
		if (j < ne) {
			if (cur.q > e[j].q)
				e[j] = cur;
			continue;
		}
		e[ne++] = cur;
	}
	/* Insertion sort: stable, and ne is at most AL_MAX_ENTRIES. */
	for (int k = 1; k < ne; k++) {
		struct al_entry t = e[k];
		int j = k;
		while (j > 0 && (e[j - 1].q < t.q || (e[j - 1].q == t.q && e[j - 1].pos > t.pos))) {
			e[j] = e[j - 1];
			j--;
		}
		e[j] = t;
	}
	int count = ne < max ? ne : max;
	for (int k = 0; k < count; k++)
		out[k] = arena_strdup(a, e[k].tag);
	return count;
}
