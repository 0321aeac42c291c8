/* parse.h — parsers for what a client sends: query strings, url-encoded forms, cookies,
 * multipart/form-data (streamed), Accept-Language. All allocate from the request's arena, all
 * have hard caps, and none trusts its input: malformed input is ERR_INVALID, input past a cap is
 * ERR_TOO_BIG, and nothing crashes (each has a fuzz target in tests/fuzz).
 *
 * Values are decoded, NUL-terminated, and checked to be valid UTF-8 without NUL bytes (text
 * fields only: uploaded file content is binary). */
#ifndef FIN_HTTP_PARSE_H
#define FIN_HTTP_PARSE_H

#include "base/arena.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct {
	const char *key;
	const char *val;
	size_t len; /* of val */
} kv_t;

typedef struct {
	kv_t *items; /* arena memory */
	size_t n, cap;
} kv_list_t;

/* Appends (key and val are borrowed: copy into the arena first if needed). */
void kv_add(arena_t *a, kv_list_t *l, const char *key, const char *val, size_t len);
/* The first value for key, or NULL. */
const char *kv_get(const kv_list_t *l, const char *key);
size_t kv_count(const kv_list_t *l, const char *key);

/* application/x-www-form-urlencoded and query strings: "a=1&b=%20x+y&c". A key without '=' has
 * value "". Empty pairs ("a=1&&b=2") are skipped, and so are pairs with an empty key ("=x").
 * At most max_fields pairs (ERR_TOO_BIG after). Keys and values are %-decoded ('+' is a space)
 * into the arena; a bad escape, invalid UTF-8 or a NUL byte is ERR_INVALID. On error out keeps
 * the entries it had before the call. */
int parse_urlencoded(arena_t *a, const char *s, size_t n, size_t max_fields, kv_list_t *out);

/* A Cookie header: "a=1; b=2". Values may be quoted. At most max_cookies (ERR_TOO_BIG after);
 * names must be RFC 6265 tokens (ERR_INVALID otherwise). Values are stored raw (no %-decoding),
 * without their quotes; a control byte, a stray DQUOTE or invalid UTF-8 is ERR_INVALID. Empty
 * segments ("a=1;;b=2;") are skipped. Duplicate names are all kept in order: kv_get gives the
 * first, which browsers send for the most specific path. On error out is left as it was. */
int parse_cookies(arena_t *a, const char *s, size_t n, size_t max_cookies, kv_list_t *out);

/* Accept-Language: writes into out up to max language tags (lower-cased primary subtag, e.g.
 * "ca", "es", "en"), ordered by q-value (stable for ties), skipping q=0. Returns the count.
 * Never fails: garbage yields 0 tags. A language listed twice ("ca-ES, ca;q=0.9") appears once,
 * at its best weight; '*' is dropped; an unreadable q counts as q=0. Only the first 512 bytes
 * (whole entries) and 32 entries are read. Tags are new arena strings. */
int parse_accept_language(const char *s, const char **out, int max, arena_t *a);

/* multipart/form-data, fed in chunks as they arrive. */
typedef struct {
	size_t max_parts;        /* fields + files */
	size_t max_field_bytes;  /* one text field */
	size_t max_file_bytes;   /* one file */
	size_t max_total_bytes;  /* sum of all part bodies */
	size_t max_header_bytes; /* one part's headers, CRLFs and the blank line included */
} multipart_limits_t;

typedef struct multipart_file {
	const char *field;
	const char *filename;      /* as sent, without any directory part ("." and ".." become "") */
	const char *content_type;  /* the part's header value as sent (parameters included);
	                           * "application/octet-stream" when absent */
	const unsigned char *data; /* arena memory */
	size_t size;
	struct multipart_file *next;
} multipart_file_t;

typedef struct multipart multipart_t;

/* content_type is the request's Content-Type header; the boundary is taken from it.
 * NULL when it is not multipart/form-data or has no valid boundary (RFC 2046: 1..70 chars), or
 * has two. lim is copied; NULL means defaults (64 parts, 64 KiB field, 10 MiB file, 20 MiB total,
 * 8 KiB headers). Lines must end in CRLF: bare LF is ERR_INVALID. The result lives in a. */
multipart_t *multipart_new(arena_t *a, const char *content_type, const multipart_limits_t *lim);
/* 0, ERR_INVALID (malformed), ERR_TOO_BIG (a limit). After an error, further feeds return it. */
int multipart_feed(multipart_t *m, const char *data, size_t n);
/* Call at the end of the body: ERR_INVALID unless the closing boundary was seen. */
int multipart_finish(multipart_t *m);
/* Text fields (parts without filename) and files, valid after a successful finish. A file part
 * with an empty filename and no content (an untouched file input) is dropped. */
const kv_list_t *multipart_fields(const multipart_t *m);
const multipart_file_t *multipart_files(const multipart_t *m);

#endif
