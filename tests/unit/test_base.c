/* Unit tests for src/base: capped buffers, arenas, string helpers, tokens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/rand.h"
#include "base/str.h"

#include <sodium.h>
#include <string.h>

static void buf_caps(void **state)
{
	buf_t b;
	buf_init(&b, 8);
	assert_int_equal(buf_puts(&b, "12345678"), 0);
	assert_int_equal(b.len, 8);
	assert_int_equal(buf_putc(&b, 'x'), ERR_TOO_BIG);
	assert_string_equal(buf_str(&b), "12345678"); /* a refused append leaves it unchanged */
	buf_reset(&b);
	assert_int_equal(buf_printf(&b, "%d-%s", 42, "ab"), 0);
	assert_string_equal(buf_str(&b), "42-ab");
	assert_int_equal(buf_printf(&b, "%s", "toolong"), ERR_TOO_BIG);
	buf_free(&b);
}

static void buf_html(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"plain", "plain"},
		{"<b>&\"'", "&lt;b&gt;&amp;&quot;&#39;"},
		{"", ""},
		{"a<", "a&lt;"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		buf_t b;
		buf_init(&b, 1024);
		assert_int_equal(buf_put_html(&b, cases[i].in, strlen(cases[i].in)), 0);
		assert_string_equal(buf_str(&b), cases[i].out);
		buf_free(&b);
	}
}

static void arena_basics(void **state)
{
	arena_t *a = arena_new();
	char *s = arena_strdup(a, "hello");
	assert_string_equal(s, "hello");
	char *big = arena_alloc(a, 100000); /* larger than a chunk */
	memset(big, 'x', 100000);
	char *t = arena_printf(a, "%s-%d", s, 7);
	assert_string_equal(t, "hello-7");
	for (int i = 0; i < 10000; i++)
		assert_non_null(arena_alloc(a, 13));
	assert_true(arena_used(a) >= 100000 + 10000 * 13);
	unsigned char *z = arena_alloc(a, 64);
	for (int i = 0; i < 64; i++)
		assert_int_equal(z[i], 0);
	arena_free(a);
}

static void str_ints(void **state)
{
	static const struct {
		const char *in;
		int rc;
		int64_t v;
	} cases[] = {
		{"0", 0, 0},
		{"42", 0, 42},
		{"-7", 0, -7},
		{"", ERR_INVALID, 0},
		{" 1", ERR_INVALID, 0},
		{"1 ", ERR_INVALID, 0},
		{"1x", ERR_INVALID, 0},
		{"101", ERR_INVALID, 0},
		{"99999999999999999999", ERR_INVALID, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t v = -1;
		assert_int_equal(str_to_i64(cases[i].in, -100, 100, &v), cases[i].rc);
		if (cases[i].rc == 0)
			assert_int_equal(v, cases[i].v);
	}
}

static void str_decode(void **state)
{
	static const struct {
		const char *in;
		int rc;
		const char *out;
	} cases[] = {
		{"a+b", 3, "a b"},
		{"%41%42", 2, "AB"},
		{"%", ERR_INVALID, NULL},
		{"%4", ERR_INVALID, NULL},
		{"%zz", ERR_INVALID, NULL},
		{"caf%C3%A9", 5, "café"},
		{"", 0, ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char s[64];
		snprintf(s, sizeof s, "%s", cases[i].in);
		int rc = str_url_decode(s, strlen(s), true);
		assert_int_equal(rc, cases[i].rc);
		if (rc >= 0)
			assert_string_equal(s, cases[i].out);
	}
}

static void str_utf8(void **state)
{
	static const struct {
		const char *in;
		size_t n;
		bool ok;
	} cases[] = {
		{"abc", 3, true},
		{"caf\xc3\xa9", 5, true},
		{"\xc3", 1, false},
		{"\xc0\xaf", 2, false},         /* overlong '/' */
		{"\xed\xa0\x80", 3, false},     /* surrogate */
		{"\xf4\x90\x80\x80", 4, false}, /* past U+10FFFF */
		{"a\0b", 3, false},
		{"\xf0\x9f\x98\x80", 4, true},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(str_valid_utf8(cases[i].in, cases[i].n), cases[i].ok);
}

static void tokens(void **state)
{
	char a[RAND_TOKEN_HEX_LEN], b[RAND_TOKEN_HEX_LEN], h[RAND_TOKEN_HEX_LEN];
	rand_token_hex(a);
	rand_token_hex(b);
	assert_int_equal(strlen(a), 64);
	assert_string_not_equal(a, b);
	rand_token_hash("abc", h);
	/* SHA-256("abc") */
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_caps), cmocka_unit_test(buf_html),   cmocka_unit_test(arena_basics),
		cmocka_unit_test(str_ints), cmocka_unit_test(str_decode), cmocka_unit_test(str_utf8),
		cmocka_unit_test(tokens),
	};
	return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}
