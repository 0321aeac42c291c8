/* Unit tests for src/http/parse.c: tables of input → expected output for every parser.
 *
 * Results are compared as text: a kv list prints as "key=value\n" lines, an error as
 * "error NAME" (err_name). Bytes below 0x20, DEL and '\' print as \xHH, so the tables show
 * exactly which bytes came out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "http/parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUT_MAX (1 << 20)

static void put_escaped(buf_t *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '\\')
			buf_printf(b, "\\x%02x", c);
		else
			buf_putc(b, (char)c);
	}
}

/* The list as text; frees nothing (the arena does). Caller frees the result. */
static char *show_kv(int rc, const kv_list_t *l)
{
	buf_t b;
	buf_init(&b, OUT_MAX);
	if (rc) {
		buf_printf(&b, "error %s", err_name(rc));
		return buf_detach(&b, NULL);
	}
	for (size_t i = 0; i < l->n; i++) {
		/* Values must be NUL-terminated at len, whatever they contain. */
		assert_int_equal(l->items[i].val[l->items[i].len], '\0');
		put_escaped(&b, l->items[i].key, strlen(l->items[i].key));
		buf_putc(&b, '=');
		put_escaped(&b, l->items[i].val, l->items[i].len);
		buf_putc(&b, '\n');
	}
	return buf_detach(&b, NULL);
}

/* ---- kv ------------------------------------------------------------------------------------- */

static void test_kv(void **state)
{
	(void)state;
	arena_t *a = arena_new();
	kv_list_t l = {0};
	assert_null(kv_get(&l, "a"));
	assert_int_equal(kv_count(&l, "a"), 0);
	char keys[100][8];
	for (int i = 0; i < 100; i++) {
		snprintf(keys[i], sizeof keys[i], "k%d", i % 10);
		kv_add(a, &l, keys[i], keys[i], strlen(keys[i]));
	}
	assert_int_equal(l.n, 100);
	assert_true(l.cap >= 100);
	assert_ptr_equal(kv_get(&l, "k3"), keys[3]);
	assert_int_equal(kv_count(&l, "k3"), 10);
	assert_int_equal(kv_count(&l, "k"), 0);
	assert_null(kv_get(&l, "k10"));
	/* Order is kept through growth. */
	for (int i = 0; i < 100; i++)
		assert_ptr_equal(l.items[i].key, keys[i]);
	arena_free(a);
}

/* ---- urlencoded ----------------------------------------------------------------------------- */

struct url_case {
	const char *in;
	size_t len; /* 0: strlen(in) */
	size_t max;
	const char *want;
};

#define LEN(s) .in = s, .len = sizeof(s) - 1

static const struct url_case url_cases[] = {
	{"", 0, 10, ""},
	{"=", 0, 10, ""},
	{"=x&=", 0, 10, ""},
	{"a=", 0, 10, "a=\n"},
	{"a", 0, 10, "a=\n"},
	{"&&&", 0, 10, ""},
	{"a=1&b=%20x+y&c", 0, 10, "a=1\nb= x y\nc=\n"},
	{"a=1&&b=2&", 0, 10, "a=1\nb=2\n"},
	{"a=1=2", 0, 10, "a=1=2\n"},
	{"a=1&a=2", 0, 10, "a=1\na=2\n"},
	{"a%3Db=c%26d", 0, 10, "a=b=c&d\n"},
	{"+=+", 0, 10, " = \n"},
	{"%41%42=%4a%4A", 0, 10, "AB=JJ\n"},
	{"a=1;b=2", 0, 10, "a=1;b=2\n"},
	{"t=l%C3%ADnia%0D%0A2", 0, 10, "t=línia\\x0d\\x0a2\n"},
	{"e=%E2%82%AC&z=\xE2\x82\xAC", 0, 10, "e=€\nz=€\n"},
	{"%", 0, 10, "error invalid"},
	{"a=%", 0, 10, "error invalid"},
	{"a=%2", 0, 10, "error invalid"},
	{"a=%zz", 0, 10, "error invalid"},
	{"a=%g0", 0, 10, "error invalid"},
	{"a=%00", 0, 10, "error invalid"},
	{"%00=1", 0, 10, "error invalid"},
	{LEN("a=\0b"), 10, "error invalid"},
	{"a=%C0%AF", 0, 10, "error invalid"},       /* overlong '/' */
	{"a=\xC0\xAF", 0, 10, "error invalid"},     /* the same, raw */
	{"a=%E0%80%AF", 0, 10, "error invalid"},    /* overlong, 3 bytes */
	{"a=%ED%A0%80", 0, 10, "error invalid"},    /* surrogate */
	{"a=%F4%90%80%80", 0, 10, "error invalid"}, /* above U+10FFFF */
	{"a=%E2%82", 0, 10, "error invalid"},       /* truncated */
	{"a=%FF", 0, 10, "error invalid"},
	{"ok=1&bad=%zz", 0, 10, "error invalid"},
	{"a&b&c", 0, 3, "a=\nb=\nc=\n"},
	{"a&b&c", 0, 2, "error too_big"},
	{"", 0, 0, ""},
	{"a", 0, 0, "error too_big"},
	{"a&&=x&", 0, 1, "a=\n"},
	{"a&b&%zz", 0, 1, "error too_big"}, /* the cap is met before the bad escape */
};

static void test_urlencoded_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(url_cases) / sizeof(url_cases[0]); i++) {
		const struct url_case *c = &url_cases[i];
		arena_t *a = arena_new();
		kv_list_t l = {0};
		size_t n = c->len ? c->len : strlen(c->in);
		int rc = parse_urlencoded(a, c->in, n, c->max, &l);
		char *got = show_kv(rc, &l);
		if (strcmp(got, c->want) != 0)
			print_error("urlencoded case %zu (%s)\n", i, c->in);
		assert_string_equal(got, c->want);
		free(got);
		arena_free(a);
	}
}

static void test_urlencoded_keeps_list_on_error(void **state)
{
	(void)state;
	arena_t *a = arena_new();
	kv_list_t l = {0};
	assert_int_equal(parse_urlencoded(a, "x=1&y=2", 7, 10, &l), 0);
	assert_int_equal(parse_urlencoded(a, "z=3&w=%", 7, 10, &l), ERR_INVALID);
	assert_int_equal(l.n, 2);
	assert_int_equal(parse_urlencoded(a, "z=3&w=4", 7, 1, &l), ERR_TOO_BIG);
	assert_int_equal(l.n, 2);
	/* A second call appends: query string first, then the body. */
	assert_int_equal(parse_urlencoded(a, "x=9", 3, 10, &l), 0);
	assert_int_equal(kv_count(&l, "x"), 2);
	assert_string_equal(kv_get(&l, "x"), "1");
	assert_string_equal(kv_get(&l, "y"), "2");
	assert_null(kv_get(&l, "z"));
	/* Input need not be NUL-terminated: only n bytes are read. */
	assert_int_equal(parse_urlencoded(a, "q=abc&r=def", 5, 10, &l), 0);
	assert_string_equal(l.items[l.n - 1].val, "abc");
	arena_free(a);
}

static void test_urlencoded_many(void **state)
{
	(void)state;
	arena_t *a = arena_new();
	buf_t b;
	buf_init(&b, OUT_MAX);
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "%sf%d=%d", i ? "&" : "", i, i * 7);
	kv_list_t l = {0};
	assert_int_equal(parse_urlencoded(a, b.data, b.len, 1000, &l), 0);
	assert_int_equal(l.n, 1000);
	assert_string_equal(kv_get(&l, "f999"), "6993");
	kv_list_t l2 = {0};
	assert_int_equal(parse_urlencoded(a, b.data, b.len, 999, &l2), ERR_TOO_BIG);
	assert_int_equal(l2.n, 0);
	buf_free(&b);
	arena_free(a);
}

/* ---- cookies -------------------------------------------------------------------------------- */

static const struct url_case cookie_cases[] = {
	{"", 0, 10, ""},
	{"a=1", 0, 10, "a=1\n"},
	{"a=1; b=2", 0, 10, "a=1\nb=2\n"},
	{"a=1;b=2", 0, 10, "a=1\nb=2\n"},
	{"a=1;  b=2 ;", 0, 10, "a=1\nb=2\n"},
	{";;a=1;; ;", 0, 10, "a=1\n"},
	{" ; ", 0, 10, ""},
	{"a=", 0, 10, "a=\n"},
	{"a=\"x\"", 0, 10, "a=x\n"},
	{"a=\"\"", 0, 10, "a=\n"},
	{"a=\"quoted value\"", 0, 10, "a=quoted value\n"},
	{"a=b c", 0, 10, "a=b c\n"},
	{"a=1,b=2", 0, 10, "a=1,b=2\n"},
	{"sid=abc=def", 0, 10, "sid=abc=def\n"},
	{"a=%20x+y", 0, 10, "a=%20x+y\n"}, /* raw, not decoded */
	{"a = 1 ; b =\t2\t", 0, 10, "a=1\nb=2\n"},
	{"$Version=1; x!#$%&'*+-.^_`|~=2", 0, 10, "$Version=1\nx!#$%&'*+-.^_`|~=2\n"},
	{"a=caf\xC3\xA9", 0, 10, "a=café\n"},
	{"a=1; a=2", 0, 10, "a=1\na=2\n"},
	{"a=\"", 0, 10, "error invalid"},
	{"a=\"x", 0, 10, "error invalid"},
	{"a=x\"y", 0, 10, "error invalid"},
	{"a=\"x\"y\"", 0, 10, "error invalid"},
	{"=1", 0, 10, "error invalid"},
	{"a", 0, 10, "error invalid"},
	{"a=1; b", 0, 10, "error invalid"},
	{"a b=1", 0, 10, "error invalid"},
	{"a(b=1", 0, 10, "error invalid"},
	{"a@b=1", 0, 10, "error invalid"},
	{"a\"=1", 0, 10, "error invalid"},
	{"\xC3\xA9=1", 0, 10, "error invalid"},
	{"a=x\x01", 0, 10, "error invalid"},
	{"a=x\x7f", 0, 10, "error invalid"},
	{LEN("a=x\0y"), 10, "error invalid"},
	{"a=\xff", 0, 10, "error invalid"},
	{"a=\xC0\xAF", 0, 10, "error invalid"},
	{"a=1; b=2; c=3", 0, 3, "a=1\nb=2\nc=3\n"},
	{"a=1; b=2; c=3", 0, 2, "error too_big"},
	{"a=1;;;;", 0, 1, "a=1\n"},
};

static void test_cookies_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cookie_cases) / sizeof(cookie_cases[0]); i++) {
		const struct url_case *c = &cookie_cases[i];
		arena_t *a = arena_new();
		kv_list_t l = {0};
		size_t n = c->len ? c->len : strlen(c->in);
		int rc = parse_cookies(a, c->in, n, c->max, &l);
		char *got = show_kv(rc, &l);
		if (strcmp(got, c->want) != 0)
			print_error("cookie case %zu (%s)\n", i, c->in);
		assert_string_equal(got, c->want);
		free(got);
		arena_free(a);
	}
}

static void test_cookies_duplicates(void **state)
{
	(void)state;
	arena_t *a = arena_new();
	kv_list_t l = {0};
	const char *h = "sid=specific; lang=es; sid=general";
	assert_int_equal(parse_cookies(a, h, strlen(h), 10, &l), 0);
	assert_int_equal(kv_count(&l, "sid"), 2);
	assert_string_equal(kv_get(&l, "sid"), "specific");
	assert_string_equal(kv_get(&l, "lang"), "es");
	assert_int_equal(parse_cookies(a, "x=1; y", 6, 10, &l), ERR_INVALID);
	assert_int_equal(l.n, 3);
	arena_free(a);
}

/* ---- Accept-Language ------------------------------------------------------------------------ */

struct al_case {
	const char *in;
	int max;
	const char *want; /* tags joined by ',' */
};

static const struct al_case al_cases[] = {
	{NULL, 8, ""},
	{"", 8, ""},
	{"ca-ES,ca;q=0.9,es;q=0.8,en;q=0.7,*;q=0.1", 8, "ca,es,en"},
	{"en;q=0.7, es;q=0.8, ca", 8, "ca,es,en"},
	{"en;q=0.5, es", 8, "es,en"},
	{"fr;q=0.5,de;q=0.5,it;q=0.5", 8, "fr,de,it"},
	{"it;q=0.5,fr;q=0.5,de;q=0.5", 8, "it,fr,de"},
	{"es, en, es-ES", 8, "es,en"},
	{"en;q=0.5, es, en-GB", 8, "es,en"},
	{"en-GB;q=0.3, en;q=0.9, ca;q=0.5", 8, "en,ca"},
	{"EN-us", 8, "en"},
	{"zh-Hant-TW, sr-Latn", 8, "zh,sr"},
	{"*", 8, ""},
	{"*, ca", 8, "ca"},
	{"de;q=0", 8, ""},
	{"de;q=0.000, fr", 8, "fr"},
	{"de;q=1.0", 8, "de"},
	{"de;q=1.000", 8, "de"},
	{"de;q=0.001", 8, "de"},
	{"de;q=0.999,fr", 8, "fr,de"},
	{"de;q=1.001", 8, ""},
	{"de;q=2", 8, ""},
	{"de;q=0.0001", 8, ""},
	{"de;q=0.5000", 8, ""},
	{"de;q=.5", 8, ""},
	{"de;q=", 8, ""},
	{"de;q=abc, fr;q=0.1", 8, "fr"},
	{"de;q=-1", 8, ""},
	{"de;q=0.5x", 8, ""},
	{"de; q=0.5, fr ; Q = 0.6", 8, "fr,de"},
	{"ca-ES;q=0.9;foo=bar, es;level=1", 8, "es,ca"},
	{"en;q=0.8;q=0.1, fr;q=0.5", 8, "en,fr"},
	{"x-klingon, i-navajo", 8, ""},
	{"toolonglanguage, ca", 8, "ca"},
	{"en-, en--us, en_US, 123, e1", 8, ""},
	{"en-abcdefghi", 8, ""},
	{"en-abcdefgh", 8, "en"},
	{"\xff\xfe,,,;;;=", 8, ""},
	{",,, ,ca,,", 8, "ca"},
	{"ca es", 8, ""},
	{"ca,es,en", 2, "ca,es"},
	{"ca,es,en", 1, "ca"},
	{"ca,es,en", 0, ""},
	{"ca,es,en", -1, ""},
};

static char *show_tags(const char **tags, int n)
{
	buf_t b;
	buf_init(&b, OUT_MAX);
	for (int i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? "," : "", tags[i]);
	return buf_detach(&b, NULL);
}

static void test_accept_language_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(al_cases) / sizeof(al_cases[0]); i++) {
		const struct al_case *c = &al_cases[i];
		arena_t *a = arena_new();
		const char *tags[8] = {0};
		int n = parse_accept_language(c->in, tags, c->max, a);
		assert_true(n >= 0 && n <= (c->max > 0 ? c->max : 0));
		char *got = show_tags(tags, n);
		if (strcmp(got, c->want) != 0)
			print_error("accept-language case %zu (%s)\n", i, c->in ? c->in : "NULL");
		assert_string_equal(got, c->want);
		free(got);
		arena_free(a);
	}
}

static void test_accept_language_caps(void **state)
{
	(void)state;
	arena_t *a = arena_new();
	const char *tags[64];
	buf_t b;
	buf_init(&b, OUT_MAX);

	/* 40 distinct languages: only the first 32 entries are read. */
	for (int i = 0; i < 40; i++)
		buf_printf(&b, "%s%c%c", i ? "," : "", 'a' + i / 26, 'a' + i % 26);
	assert_int_equal(parse_accept_language(b.data, tags, 64, a), 32);
	assert_string_equal(tags[0], "aa");
	assert_string_equal(tags[31], "bf");

	/* Past 512 bytes nothing counts, and the entry that straddles byte 512 is dropped whole. */
	buf_reset(&b);
	buf_puts(&b, "es;q=0.5,");
	while (b.len < 508)
		buf_putc(&b, ' ');
	buf_puts(&b, "ca;q=0.9,fr");
	assert_true(b.len > 512);
	int n = parse_accept_language(b.data, tags, 64, a);
	char *got = show_tags(tags, n);
	assert_string_equal(got, "es");
	free(got);

	/* The same entry ending before the cap counts. */
	buf_reset(&b);
	buf_puts(&b, "es;q=0.5,");
	while (b.len < 490)
		buf_putc(&b, ' ');
	buf_puts(&b, "ca;q=0.9,fr");
	assert_true(b.len <= 512);
	n = parse_accept_language(b.data, tags, 64, a);
	got = show_tags(tags, n);
	assert_string_equal(got, "fr,ca,es");
	free(got);
	buf_free(&b);
	arena_free(a);
}

/* ---- multipart ------------------------------------------------------------------------------ */

#define CT "multipart/form-data; boundary=XyZ"
#define CD(name) "Content-Disposition: form-data; name=\"" name "\"\r\n"

static const multipart_limits_t test_lim = {
	.max_parts = 8,
	.max_field_bytes = 100,
	.max_file_bytes = 200,
	.max_total_bytes = 400,
	.max_header_bytes = 256,
};

/* How the body is cut into feeds. */
enum split { ONE_SHOT, TWO_AT, EVERY };

static char *show_mp(const char *ct, const char *body, size_t len, const multipart_limits_t *lim, enum split how,
		     size_t k)
{
	arena_t *a = arena_new();
	multipart_t *m = multipart_new(a, ct, lim);
	buf_t b;
	buf_init(&b, OUT_MAX);
	if (!m) {
		buf_puts(&b, "no multipart");
		goto done;
	}
	int rc = 0;
	switch (how) {
	case ONE_SHOT: rc = multipart_feed(m, body, len); break;
	case TWO_AT:
		rc = multipart_feed(m, body, k);
		if (!rc)
			rc = multipart_feed(m, body + k, len - k);
		break;
	case EVERY:
		for (size_t i = 0; i < len && !rc; i += k) {
			rc = multipart_feed(m, body + i, len - i < k ? len - i : k);
			/* Empty feeds change nothing. */
			if (!rc)
				rc = multipart_feed(m, body + i, 0);
		}
		break;
	}
	int frc = multipart_finish(m);
	if (rc) {
		/* An error sticks. */
		assert_int_equal(frc, rc);
		assert_int_equal(multipart_feed(m, "x", 1), rc);
		buf_printf(&b, "error %s", err_name(rc));
		goto done;
	}
	if (frc) {
		buf_printf(&b, "error %s", err_name(frc));
		goto done;
	}
	const kv_list_t *f = multipart_fields(m);
	for (size_t i = 0; i < f->n; i++) {
		assert_int_equal(f->items[i].val[f->items[i].len], '\0');
		put_escaped(&b, f->items[i].key, strlen(f->items[i].key));
		buf_putc(&b, '=');
		put_escaped(&b, f->items[i].val, f->items[i].len);
		buf_putc(&b, '\n');
	}
	for (const multipart_file_t *fl = multipart_files(m); fl; fl = fl->next) {
		assert_non_null(fl->data);
		buf_puts(&b, "file ");
		put_escaped(&b, fl->field, strlen(fl->field));
		buf_putc(&b, ' ');
		put_escaped(&b, fl->filename, strlen(fl->filename));
		buf_printf(&b, " %s %zu ", fl->content_type, fl->size);
		put_escaped(&b, (const char *)fl->data, fl->size);
		buf_putc(&b, '\n');
	}
done:
	arena_free(a);
	return buf_detach(&b, NULL);
}

/* The one-shot result, after checking that every way of cutting the body gives the same. */
static char *mp_all_splits(const char *ct, const char *body, size_t len, const multipart_limits_t *lim)
{
	char *one = show_mp(ct, body, len, lim, ONE_SHOT, 0);
	for (size_t k = 0; k <= len; k++) {
		char *two = show_mp(ct, body, len, lim, TWO_AT, k);
		if (strcmp(one, two) != 0)
			print_error("split at %zu differs\n", k);
		assert_string_equal(one, two);
		free(two);
	}
	for (size_t k = 1; k <= len; k++) {
		char *every = show_mp(ct, body, len, lim, EVERY, k);
		if (strcmp(one, every) != 0)
			print_error("chunks of %zu differ\n", k);
		assert_string_equal(one, every);
		free(every);
	}
	return one;
}

struct mp_case {
	const char *ct; /* NULL: CT */
	const char *body;
	size_t len;
	const char *want;
};

#define BODY(s) .body = s, .len = sizeof(s) - 1

static const struct mp_case mp_cases[] = {
	/* Two fields and a file, as a browser sends them; the file holds bytes that look like the
	 * start of a delimiter, a NUL and a non-UTF-8 byte. */
	{NULL,
	 BODY("--XyZ\r\n" CD(
		 "a") "\r\nhello\r\n"
		      "--XyZ\r\n" CD(
			      "b") "\r\nw\xC3\xB6rld\r\n"
				   "--XyZ\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"r.pdf\"\r\n"
				   "Content-Type: application/pdf\r\n\r\n%PDF\r\n--Xy\r\n-\r\r\n--\0\xff\r\n"
				   "--XyZ--\r\n"),
	 "a=hello\nb=wörld\n"
	 "file doc r.pdf application/pdf 20 %PDF\\x0d\\x0a--Xy\\x0d\\x0a-\\x0d\\x0d\\x0a--\\x00\xff\n"},
	/* Preamble and epilogue are ignored, even when the epilogue holds a delimiter. */
	{NULL,
	 BODY("This is the preamble. --XyZ is not at a line start\r\n"
	      "--XyZ\r\n" CD("a") "\r\n1\r\n--XyZ--\r\nepilogue\r\n--XyZ\r\nxx"),
	 "a=1\n"},
	{NULL, BODY("\r\n--XyZ\r\n" CD("a") "\r\n1\r\n--XyZ--"), "a=1\n"},
	{NULL, BODY("--XyZ--"), ""},
	{NULL, BODY("--XyZ--\r\n"), ""},
	{NULL, BODY("--XyZ\r\n" CD("e") "\r\n\r\n--XyZ--"), "e=\n"},
	{NULL, BODY("--XyZ\r\n" CD("e") "\r\n\r\n\r\n--XyZ--"), "e=\\x0d\\x0a\n"},
	{NULL, BODY("--XyZ\r\n" CD("a") "\r\nx\r\n--XyZ\r\n" CD("a") "\r\ny\r\n--XyZ--"), "a=x\na=y\n"},
	/* Transport padding after a boundary. */
	{NULL, BODY("--XyZ \t \r\n" CD("a") "\r\n1\r\n--XyZ  \r\n" CD("b") "\r\n2\r\n--XyZ--  \r\n"), "a=1\nb=2\n"},
	/* Header names and the disposition type are case-insensitive; unknown headers ignored. */
	{NULL,
	 BODY("--XyZ\r\ncontent-disposition: FORM-DATA;NAME=a\r\nX-Other: y\r\n"
	      "Content-Transfer-Encoding: 8bit\r\n\r\n1\r\n--XyZ--"),
	 "a=1\n"},
	{NULL, BODY("--XyZ\r\nContent-Disposition:form-data ; name = \"a b\" ;\r\n\r\n1\r\n--XyZ--"), "a b=1\n"},
	/* Filenames: quotes escaped, directories stripped, filename* ignored. */
	{NULL,
	 BODY("--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\\\"b.txt\"\r\n\r\nA\r\n"
	      "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"dir/sub/x.png\"\r\n\r\nB\r\n"
	      "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"C:\\Users\\me\\c.odt\"\r\n\r\nC\r\n"
	      "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"..\\..\\evil\"\r\n\r\nD\r\n"
	      "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\\\\b\"\r\n\r\nE\r\n"
	      "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x/..\"\r\n\r\nF\r\n"
	      "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=plain.txt; "
	      "filename*=UTF-8''%C3%A9.txt\r\n\r\nG\r\n"
	      "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"inf\xC3\xB2rme.pdf\"\r\n\r\nH\r\n"
	      "--XyZ--"),
	 "file f a\"b.txt application/octet-stream 1 A\n"
	 "file f x.png application/octet-stream 1 B\n"
	 "file f c.odt application/octet-stream 1 C\n"
	 "file f evil application/octet-stream 1 D\n"
	 "file f b application/octet-stream 1 E\n"
	 "file f  application/octet-stream 1 F\n"
	 "file f plain.txt application/octet-stream 1 G\n"
	 "file f infòrme.pdf application/octet-stream 1 H\n"},
	/* An untouched file input is dropped; an empty file with a name is kept. */
	{NULL,
	 BODY("--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\"\r\n"
	      "Content-Type: application/octet-stream\r\n\r\n\r\n"
	      "--XyZ\r\nContent-Disposition: form-data; name=\"g\"; filename=\"empty.txt\"\r\n"
	      "Content-Type: text/plain\r\n\r\n\r\n--XyZ--"),
	 "file g empty.txt text/plain 0 \n"},
	/* Text fields must be UTF-8; files need not. */
	{NULL, BODY("--XyZ\r\n" CD("a") "\r\n\xff\r\n--XyZ--"), "error invalid"},
	{NULL, BODY("--XyZ\r\n" CD("a") "\r\nx\0y\r\n--XyZ--"), "error invalid"},
	{NULL, BODY("--XyZ\r\n" CD("a") "\r\n\xC0\xAF\r\n--XyZ--"), "error invalid"},
	/* Bare LF line ends are refused. */
	{NULL, BODY("--XyZ\n" CD("a") "\n\nx\n--XyZ--\n"), "error invalid"},
	{NULL, BODY("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\n\r\nx\r\n--XyZ--"), "error invalid"},
	{NULL, BODY("--XyZ\r\n" CD("a") "X-Other: a\nb\r\n\r\nx\r\n--XyZ--"), "error invalid"},
	{NULL, BODY("--XyZ\r\n" CD("a") "\r\nx\n--XyZ--\n"), "error invalid"}, /* never closed */
	{NULL, BODY("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\rx\r\n\r\nx\r\n--XyZ--"), "error invalid"},
	/* No closing boundary. */
	{NULL, BODY(""), "error invalid"},
	{NULL, BODY("no multipart here"), "error invalid"},
	{NULL, BODY("--XyZ\r\n" CD("a") "\r\nx\r\n--XyZ\r\n"), "error invalid"},
	{NULL, BODY("--XyZ\r\n" CD("a") "\r\nx\r\n"), "error invalid"},
	{NULL, BODY("--XyZ\r\n" CD("a") "\r\nx\r\n--XyZ-"), "error invalid"},
	{NULL, BODY("--XyZ\r\n" CD("a")), "error invalid"},
	/* Bad delimiter lines. */
	{NULL, BODY("--XyZx\r\n" CD("a") "\r\nx\r\n--XyZ--"), "error invalid"},
	{NULL, BODY("--XyZ\r\n" CD("a") "\r\nx\r\n--XyZ-x"), "error invalid"},
	{NULL, BODY("--XyZ \tx\r\n"), "error invalid"},
	{NULL, BODY("--XyZ\rx"), "error invalid"},
	/* Bad part headers. */
	{NULL, BODY("--XyZ\r\n\r\nx\r\n--XyZ--"), "error invalid"},
	{NULL, BODY("--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--"), "error invalid"},
	{NULL, BODY("--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--"), "error invalid"},
	{NULL, BODY("--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--XyZ--"), "error invalid"},
	{NULL, BODY("--XyZ\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\nx\r\n--XyZ--"), "error invalid"},
	{NULL, BODY("--XyZ\r\nContent-Disposition: form-data; name=a; filename=x; filename=y\r\n\r\nx\r\n--XyZ--"),
	 "error invalid"},
	{NULL, BODY("--XyZ\r\n" CD("a") CD("b") "\r\nx\r\n--XyZ--"), "error invalid"},
	{NULL, BODY("--XyZ\r\n" CD("a") "Content-Type: a\r\nContent-Type: b\r\n\r\nx\r\n--XyZ--"), "error invalid"},
	{NULL, BODY("--XyZ\r\n" CD("a") "Content-Type:\r\n\r\nx\r\n--XyZ--"), "error invalid"},
	{NULL, BODY("--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--XyZ--"), "error invalid"},
	{NULL, BODY("--XyZ\r\nContent-Disposition: form-data; name=\r\n\r\nx\r\n--XyZ--"), "error invalid"},
	{NULL, BODY("--XyZ\r\nContent-Disposition: form-data; name=a b\r\n\r\nx\r\n--XyZ--"), "error invalid"},
	{NULL, BODY("--XyZ\r\nContent-Disposition: form-data; =a\r\n\r\nx\r\n--XyZ--"), "error invalid"},
	{NULL, BODY("--XyZ\r\nNo colon here\r\n" CD("a") "\r\nx\r\n--XyZ--"), "error invalid"},
	{NULL, BODY("--XyZ\r\n: empty name\r\n" CD("a") "\r\nx\r\n--XyZ--"), "error invalid"},
	{NULL, BODY("--XyZ\r\n" CD("a") " folded: line\r\n\r\nx\r\n--XyZ--"), "error invalid"},
	{NULL, BODY("--XyZ\r\n" CD("a") "X-Bad: \x01\r\n\r\nx\r\n--XyZ--"), "error invalid"},
	{NULL, BODY("--XyZ\r\n" CD("a") "X-Bad: \xff\r\n\r\nx\r\n--XyZ--"), "error invalid"},
	/* Boundaries made of dashes, quoted boundaries with spaces, browser-style boundaries. */
	{"multipart/form-data; boundary=-",
	 BODY("---\r\n" CD("a") "\r\n--\r\n--x\r\n-\r\n---\r\n" CD("b") "\r\n-\r\n-----\r\n"),
	 "a=--\\x0d\\x0a--x\\x0d\\x0a-\nb=-\n"},
	{"multipart/form-data; boundary=\"a b:c\"", BODY("--a b:c\r\n" CD("a") "\r\n--a b\r\n--a b:c--"), "a=--a b\n"},
	{"multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
	 BODY("------WebKitFormBoundary7MA4YWxkTrZu0gW\r\n" CD("tema") "\r\nPadr\xC3\xB3\r\n"
								       "------WebKitFormBoundary7MA4YWxkTrZu0gW--\r\n"),
	 "tema=Padró\n"},
	/* Limits (test_lim: 8 parts, field 100, file 200, total 400, headers 256). */
	{NULL,
	 BODY("--XyZ\r\n" CD("1") "\r\n\r\n--XyZ\r\n" CD("2") "\r\n\r\n--XyZ\r\n" CD(
		 "3") "\r\n\r\n"
		      "--XyZ\r\n" CD("4") "\r\n\r\n--XyZ\r\n" CD("5") "\r\n\r\n--XyZ\r\n" CD(
			      "6") "\r\n\r\n"
				   "--XyZ\r\n" CD("7") "\r\n\r\n--XyZ\r\n" CD("8") "\r\n\r\n--XyZ--"),
	 "1=\n2=\n3=\n4=\n5=\n6=\n7=\n8=\n"},
	{NULL,
	 BODY("--XyZ\r\n" CD("1") "\r\n\r\n--XyZ\r\n" CD("2") "\r\n\r\n--XyZ\r\n" CD(
		 "3") "\r\n\r\n"
		      "--XyZ\r\n" CD("4") "\r\n\r\n--XyZ\r\n" CD("5") "\r\n\r\n--XyZ\r\n" CD(
			      "6") "\r\n\r\n"
				   "--XyZ\r\n" CD("7") "\r\n\r\n--XyZ\r\n" CD("8") "\r\n\r\n--XyZ\r\n" CD(
					   "9") "\r\n\r\n"
						"--XyZ--"),
	 "error too_big"},
	{NULL,
	 BODY("--XyZ\r\n" CD("a") "X-Long: "
				  "0123456789012345678901234567890123456789012345678901234567890123456789"
				  "0123456789012345678901234567890123456789012345678901234567890123456789"
				  "0123456789012345678901234567890123456789012345678901234567890123456789"
				  "\r\n\r\nx\r\n--XyZ--"),
	 "error too_big"},
	/* Not multipart/form-data: no parser at all. */
	{"multipart/mixed; boundary=XyZ", BODY("--XyZ--"), "no multipart"},
};

static void test_multipart_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(mp_cases) / sizeof(mp_cases[0]); i++) {
		const struct mp_case *c = &mp_cases[i];
		char *got = mp_all_splits(c->ct ? c->ct : CT, c->body, c->len, &test_lim);
		if (strcmp(got, c->want) != 0)
			print_error("multipart case %zu\n", i);
		assert_string_equal(got, c->want);
		free(got);
	}
}

/* A body with one part of n bytes of 'v' (a file when filename is set), then the close. */
static char *one_part(const char *filename, size_t n, size_t *len)
{
	buf_t b;
	buf_init(&b, OUT_MAX);
	buf_puts(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"p\"");
	if (filename)
		buf_printf(&b, "; filename=\"%s\"", filename);
	buf_puts(&b, "\r\n\r\n");
	for (size_t i = 0; i < n; i++)
		buf_putc(&b, 'v');
	buf_puts(&b, "\r\n--XyZ--\r\n");
	return buf_detach(&b, len);
}

static void test_multipart_limits(void **state)
{
	(void)state;
	struct {
		const char *filename;
		size_t n;
		bool ok;
	} cases[] = {
		{NULL, 100, true}, {NULL, 101, false}, {"f.bin", 200, true}, {"f.bin", 201, false}, {NULL, 0, true},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len;
		char *body = one_part(cases[i].filename, cases[i].n, &len);
		char *got = mp_all_splits(CT, body, len, &test_lim);
		if (cases[i].ok)
			assert_string_not_equal(got, "error too_big");
		else
			assert_string_equal(got, "error too_big");
		assert_true(strncmp(got, "error", 5) != 0 || !cases[i].ok);
		free(got);
		free(body);
	}

	/* The total: three files of 150 bytes pass the file cap but not the 400-byte total. */
	buf_t b;
	buf_init(&b, OUT_MAX);
	for (int p = 0; p < 3; p++) {
		buf_printf(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"f%d\"; filename=\"x\"\r\n\r\n", p);
		for (int i = 0; i < 150; i++)
			buf_putc(&b, 'z');
		buf_puts(&b, "\r\n");
	}
	buf_puts(&b, "--XyZ--\r\n");
	char *got = mp_all_splits(CT, b.data, b.len, &test_lim);
	assert_string_equal(got, "error too_big");
	free(got);
	multipart_limits_t roomy = test_lim;
	roomy.max_total_bytes = 450;
	got = mp_all_splits(CT, b.data, b.len, &roomy);
	assert_true(strncmp(got, "file f0 x application/octet-stream 150 ", 39) == 0);
	free(got);

	/* The header cap counts every byte of the header block, blank line included. */
	const char *hdr = "--XyZ\r\n" CD("a") "\r\nx\r\n--XyZ--";
	multipart_limits_t tight = test_lim;
	tight.max_header_bytes = strlen(CD("a") "\r\n");
	got = mp_all_splits(CT, hdr, strlen(hdr), &tight);
	assert_string_equal(got, "a=x\n");
	free(got);
	tight.max_header_bytes--;
	got = mp_all_splits(CT, hdr, strlen(hdr), &tight);
	assert_string_equal(got, "error too_big");
	free(got);

	/* Zero parts allowed: only an empty form gets through. */
	tight = test_lim;
	tight.max_parts = 0;
	got = mp_all_splits(CT, "--XyZ--", 7, &tight);
	assert_string_equal(got, "");
	free(got);
	got = mp_all_splits(CT, hdr, strlen(hdr), &tight);
	assert_string_equal(got, "error too_big");
	free(got);
	buf_free(&b);
}

/* A real-sized upload: a 100 KB binary file fed in odd-sized chunks, memory bounded. */
static void test_multipart_big_file(void **state)
{
	(void)state;
	multipart_limits_t lim = {.max_parts = 4,
				  .max_field_bytes = 1024,
				  .max_file_bytes = 200000,
				  .max_total_bytes = 300000,
				  .max_header_bytes = 1024};
	buf_t b;
	buf_init(&b, OUT_MAX);
	buf_puts(&b, "--XyZ\r\n" CD("title") "\r\nInforme\r\n");
	buf_puts(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"big.bin\"\r\n"
		     "Content-Type: application/octet-stream\r\n\r\n");
	size_t start = b.len;
	uint32_t x = 12345;
	for (int i = 0; i < 100000; i++) {
		x = x * 1103515245u + 12345u;
		/* Plenty of CR, LF and '-' to tease the delimiter search. */
		static const char teasers[] = "\r\n-XyZ";
		char c = (x >> 16) % 4 ? teasers[(x >> 8) % 6] : (char)(x >> 24);
		buf_putc(&b, c);
	}
	size_t flen = b.len - start;
	/* The content must not hold the delimiter itself. */
	char *hit;
	while ((hit = memmem(b.data + start, flen, "\r\n--XyZ", 7)))
		hit[6] = 'z';
	buf_puts(&b, "\r\n--XyZ--\r\n");
	static const size_t chunks[] = {1, 7, 1000, 4096, 65536};
	for (size_t ci = 0; ci < sizeof(chunks) / sizeof(chunks[0]); ci++) {
		arena_t *a = arena_new();
		multipart_t *m = multipart_new(a, CT, &lim);
		assert_non_null(m);
		for (size_t i = 0; i < b.len; i += chunks[ci]) {
			size_t n = b.len - i < chunks[ci] ? b.len - i : chunks[ci];
			assert_int_equal(multipart_feed(m, b.data + i, n), 0);
		}
		assert_int_equal(multipart_finish(m), 0);
		assert_string_equal(kv_get(multipart_fields(m), "title"), "Informe");
		const multipart_file_t *f = multipart_files(m);
		assert_non_null(f);
		assert_null(f->next);
		assert_int_equal(f->size, flen);
		assert_memory_equal(f->data, b.data + start, flen);
		/* Doubling growth in the arena: at most about twice the file, plus overhead. */
		assert_true(arena_used(a) < 3 * flen + 65536);
		arena_free(a);
	}
	buf_free(&b);
}

struct ct_case {
	const char *ct;
	const char *boundary; /* NULL: multipart_new refuses it */
};

static const struct ct_case ct_cases[] = {
	{"multipart/form-data; boundary=abc", "abc"},
	{"Multipart/Form-Data; BOUNDARY=abc", "abc"},
	{"  multipart/form-data ;boundary=abc ", "abc"},
	{"multipart/form-data; boundary=\"a b\"", "a b"},
	{"multipart/form-data; boundary=\"abc\"; charset=utf-8", "abc"},
	{"multipart/form-data;boundary=abc;charset=utf-8", "abc"},
	{"multipart/form-data; charset=utf-8; boundary=abc", "abc"},
	{"multipart/form-data; boundary=abc;", "abc"},
	{"multipart/form-data; boundary=\"'()+_,-./:=?\"", "'()+_,-./:=?"},
	{"multipart/form-data; boundary='()+_,-./:=?", NULL}, /* unquoted, '(' ends the token */
	{"multipart/form-data; boundary="
	 "0123456789012345678901234567890123456789012345678901234567890123456789",
	 "0123456789012345678901234567890123456789012345678901234567890123456789"},
	{"multipart/form-data; boundary="
	 "01234567890123456789012345678901234567890123456789012345678901234567890",
	 NULL},
	{NULL, NULL},
	{"", NULL},
	{"multipart/form-data", NULL},
	{"multipart/form-data;", NULL},
	{"multipart/mixed; boundary=abc", NULL},
	{"multipart/form-datax; boundary=abc", NULL},
	{"multipart/form-data/x; boundary=abc", NULL},
	{"application/x-www-form-urlencoded", NULL},
	{"multipart/form-data; boundary=", NULL},
	{"multipart/form-data; boundary=\"\"", NULL},
	{"multipart/form-data; boundary=\"abc \"", NULL},
	{"multipart/form-data; boundary=\"abc", NULL},
	{"multipart/form-data; boundary=abc; boundary=abc", NULL},
	{"multipart/form-data; boundary=abc; Boundary=def", NULL},
	{"multipart/form-data; boundary=ab@c", NULL},
	{"multipart/form-data; boundary=\"ab@c\"", NULL},
	{"multipart/form-data; boundary=\"a\\\"b\"", NULL},
	{"multipart/form-data; boundary=\"ab\xC3\xA9\"", NULL},
	{"multipart/form-data; boundary = abc", NULL},
	{"multipart/form-data boundary=abc", NULL},
	{"multipart/form-data; =abc", NULL},
};

static void test_multipart_content_type(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(ct_cases) / sizeof(ct_cases[0]); i++) {
		const struct ct_case *c = &ct_cases[i];
		arena_t *a = arena_new();
		multipart_t *m = multipart_new(a, c->ct, &test_lim);
		if (!c->boundary) {
			if (m)
				print_error("content-type case %zu (%s) accepted\n", i, c->ct);
			assert_null(m);
		} else {
			assert_non_null(m);
			/* The boundary it took is the one expected. */
			char body[512];
			int n = snprintf(body, sizeof body, "--%s\r\n" CD("k") "\r\nv\r\n--%s--", c->boundary,
					 c->boundary);
			assert_int_equal(multipart_feed(m, body, (size_t)n), 0);
			assert_int_equal(multipart_finish(m), 0);
			assert_string_equal(kv_get(multipart_fields(m), "k"), "v");
		}
		arena_free(a);
	}
	/* NULL limits mean the defaults. */
	arena_t *a = arena_new();
	multipart_t *m = multipart_new(a, CT, NULL);
	assert_non_null(m);
	assert_int_equal(multipart_feed(m, "--XyZ--", 7), 0);
	assert_int_equal(multipart_finish(m), 0);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kv),
		cmocka_unit_test(test_urlencoded_table),
		cmocka_unit_test(test_urlencoded_keeps_list_on_error),
		cmocka_unit_test(test_urlencoded_many),
		cmocka_unit_test(test_cookies_table),
		cmocka_unit_test(test_cookies_duplicates),
		cmocka_unit_test(test_accept_language_table),
		cmocka_unit_test(test_accept_language_caps),
		cmocka_unit_test(test_multipart_table),
		cmocka_unit_test(test_multipart_limits),
		cmocka_unit_test(test_multipart_big_file),
		cmocka_unit_test(test_multipart_content_type),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
