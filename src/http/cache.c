/* cache.c — conditional replies for the public JSON APIs (ETag, Cache-Control, 304); see http.h. */
#include "base/str.h"
#include "http/http.h"
#include "http/server.h"

#include <microhttpd.h>
#include <sodium.h>
#include <string.h>

void http_etag(const void *body, size_t len, char out[HTTP_ETAG_SIZE])
{
	unsigned char h[16];
	crypto_generichash(h, sizeof h, body, len, NULL, 0);
	char hex[33];
	str_hex(h, sizeof h, hex);
	snprintf(out, HTTP_ETAG_SIZE, "\"%s\"", hex);
}

/* If-None-Match is a comma list of tags, each possibly weak (W/"…"); a weak match is enough for
 * a GET (RFC 9110 13.1.2). */
bool srv_etag_matches(const char *inm, const char *etag)
{
	if (!inm)
		return false;
	size_t n = strlen(etag);
	for (const char *p = inm; *p;) {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (*p == '*')
			return true;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		if (strncmp(p, etag, n) == 0 && (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return true;
		while (*p && *p != ',')
			p++;
	}
	return false;
}

void http_reply_json_cacheable(http_req_t *r, const char *body, size_t len, const char *etag, int max_age)
{
	static const char ctype[] = "application/json; charset=utf-8";
	http_add_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, arena_printf(r->arena, "public, max-age=%d", max_age));
	/* Vary: Accept-Language, Cookie is already there: every API answer carries it (server.c). */
	srv_vary(r, "Accept-Encoding");
	/* A compressed answer has a tag of its own (the reply marks the tag when it compresses); a
	 * revalidation must name the tag of the form this request would get. */
	enc_t e = srv_answer_coding(r, 200, ctype, len);
	size_t n = strlen(etag);
	const char *tag = e == ENC_IDENTITY || n < 2
				  ? etag
				  : arena_printf(r->arena, "%.*s%s\"", (int)(n - 1), etag, encode_etag_suffix(e));
	if (srv_etag_matches(http_header(r, MHD_HTTP_HEADER_IF_NONE_MATCH), tag)) {
		http_add_header(r, MHD_HTTP_HEADER_ETAG, tag);
		http_reply_bytes(r, 304, NULL, "", 0);
	} else {
		http_add_header(r, MHD_HTTP_HEADER_ETAG, etag);
		http_reply_bytes(r, 200, ctype, body, len);
	}
}
