/* Unit tests for src/base: capped buffers, arenas, string helpers, tokens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/contact.h"
#include "base/err.h"
#include "base/log.h"
#include "base/netaddr.h"
#include "base/rand.h"
#include "base/str.h"
#include "base/text.h"

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

/* Names and free texts: no controls (a line feed and a tab only in several lines), no C1
 * controls, no bidirectional embeddings, overrides or isolates; marks and other scripts are fine. */
static void text_check(void **state)
{
	static const struct {
		const char *in;
		bool line, multi;
	} cases[] = {
		{"Maria Puig i Roca", true, true},
		{"Núria Çaçador-Ñúñez", true, true},
		{"محمد \xe2\x80\x8f", true, true}, /* Arabic with a right-to-left mark (U+200F) */
		{"", true, true},
		{"a\nb", false, true},
		{"a\r\nb", false, true},
		{"a\rb", false, false},
		{"a\tb", false, true},
		{"a\x1b[31mb", false, false}, /* ESC */
		{"a\x7f", false, false},      /* DEL */
		{"a\xc2\x85", false, false},  /* U+0085 NEL */
		{"a\xc2\x9b"
		 "31m",
		 false, false}, /* U+009B CSI */
		{"gpj.\xe2\x80\xae"
		 "exe",
		 false, false},                  /* U+202E RIGHT-TO-LEFT OVERRIDE */
		{"a\xe2\x80\xaa", false, false}, /* U+202A */
		{"a\xe2\x80\xac", false, false}, /* U+202C */
		{"a\xe2\x81\xa6"
		 "b\xe2\x81\xa9",
		 false, false},                  /* U+2066 … U+2069 isolates */
		{"a\xe2\x81\xa8", false, false}, /* U+2068 */
		{"a\xe2\x80\xa8"
		 "b",
		 false, true},          /* U+2028 LINE SEPARATOR */
		{"\xc3", false, false}, /* not UTF-8 */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (text_ok(cases[i].in, TEXT_LINE) != cases[i].line)
			fail_msg("case %zu: one line", i);
		if (text_ok(cases[i].in, TEXT_MULTILINE) != cases[i].multi)
			fail_msg("case %zu: several lines", i);
	}
	assert_false(text_ok(NULL, TEXT_LINE));
	assert_false(text_ok_n("a\0b", 3, TEXT_MULTILINE));
}

/* Every spelling of one phone gives one E.164 number; what is not a phone gives NULL. */
static void contact_phones(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"612345678", "+34612345678"},
		{"612 34 56 78", "+34612345678"},
		{"612-345-678", "+34612345678"},
		{"(612) 345.678", "+34612345678"},
		{"+34 612 345 678", "+34612345678"},
		{"+34612345678", "+34612345678"},
		{"0034 612 345 678", "+34612345678"},
		{"0034612345678", "+34612345678"},
		{"34612345678", "+34612345678"},
		{"+33 6 12 34 56 78", "+33612345678"},
		{"0033612345678", "+33612345678"},
		{"+1 (212) 555-0100", "+12125550100"},
		{"+44 20 7946 0958", "+442079460958"},
		{"93 402 70 00", "+34934027000"},
		{"1234567", NULL},
		{"1234567890123456", NULL},
		{"12345", NULL},       /* too short, no prefix */
		{"6123456789", NULL},  /* ten digits, no prefix: a typing mistake */
		{"+0612345678", NULL}, /* no country code starts with 0 */
		{"+123456789012345678", NULL},
		{"612345678x", NULL},
		{"612+345678", NULL},
		{"", NULL},
		{"++34612345678", NULL},
	};
	arena_t *a = arena_new();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *got = contact_phone_normalise(a, cases[i].in, "34", 9);
		if (cases[i].out ? !got || strcmp(got, cases[i].out) : got != NULL)
			fail_msg("%s: got %s, want %s", cases[i].in, got ? got : "NULL",
				 cases[i].out ? cases[i].out : "NULL");
	}
	assert_null(contact_phone_normalise(a, NULL, "34", 9));
	assert_string_equal(contact_phone_default(a, "0034 612-345-678"), "+34612345678");
	assert_null(contact_phone_default(a, "612345678x"));
	arena_free(a);
}

/* Addresses are lower-cased; identities drop the sub-address and gmail's dots. */
static void contact_emails(void **state)
{
	static const struct {
		const char *in, *addr, *id;
	} cases[] = {
		{"Ana.Puig@Example.org", "ana.puig@example.org", "ana.puig@example.org"},
		{" ana@example.org ", "ana@example.org", "ana@example.org"},
		{"ana+cita1@example.org", "ana+cita1@example.org", "ana@example.org"},
		{"ana+@example.org", "ana+@example.org", "ana@example.org"},
		{"a.n.a+x@gmail.com", "a.n.a+x@gmail.com", "ana@gmail.com"},
		{"A.Na@GoogleMail.com", "a.na@googlemail.com", "ana@gmail.com"},
		{"+tag@example.org", "+tag@example.org", "+tag@example.org"},
		{"no-at-sign", NULL, NULL},
		{"a@b@example.org", NULL, NULL},
		{"ana@example", NULL, NULL},
		{"ana@.example.org", NULL, NULL},
		{"ana@example..org", NULL, NULL},
		{"an a@example.org", NULL, NULL},
		{"ana@exa<mple.org", NULL, NULL},
		{"ana\n@example.org", NULL, NULL},
		{"a@b", NULL, NULL},
		{"a@@b.cat", NULL, NULL},
		{"<a>@c.cat", NULL, NULL},
	};
	arena_t *a = arena_new();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *addr = contact_email_normalise(a, cases[i].in),
			   *id = contact_email_identity(a, cases[i].in);
		if (cases[i].addr ? !addr || strcmp(addr, cases[i].addr) : addr != NULL)
			fail_msg("%s: address %s", cases[i].in, addr ? addr : "NULL");
		if (cases[i].id ? !id || strcmp(id, cases[i].id) : id != NULL)
			fail_msg("%s: identity %s", cases[i].in, id ? id : "NULL");
	}
	arena_free(a);
}

/* One client is an IPv4 address or an IPv6 /64; network lists match by prefix. */
static void netaddr_keys_and_lists(void **state)
{
	char k[NETADDR_KEY_MAX];
	assert_string_equal(netaddr_key("192.0.2.7", k), "192.0.2.7");
	assert_string_equal(netaddr_key("::ffff:192.0.2.7", k), "192.0.2.7");
	assert_string_equal(netaddr_key("2001:db8:1:2:3:4:5:6", k), "2001:db8:1:2::/64");
	assert_string_equal(netaddr_key("2001:db8:1:2:ffff::1", k), "2001:db8:1:2::/64");
	assert_string_equal(netaddr_key("not an address", k), "not an address");
	assert_true(netaddr_list_valid("127.0.0.0/8 ::1, 10.1.0.0/16"));
	assert_true(netaddr_list_valid(""));
	assert_false(netaddr_list_valid("127.0.0.0/33"));
	assert_false(netaddr_list_valid("localhost"));
	assert_false(netaddr_list_valid("10.0.0.0/"));
	assert_true(netaddr_list_has("127.0.0.0/8 ::1", "127.9.8.7"));
	assert_true(netaddr_list_has("127.0.0.0/8 ::1", "::1"));
	assert_true(netaddr_list_has("127.0.0.0/8", "::ffff:127.0.0.1"));
	assert_false(netaddr_list_has("127.0.0.0/8 ::1", "128.0.0.1"));
	assert_false(netaddr_list_has("127.0.0.0/8 ::1", "::2"));
	assert_true(netaddr_list_has("fd00::/8", "fd12:3456::1"));
	assert_false(netaddr_list_has("", "127.0.0.1"));
	assert_false(netaddr_list_has("127.0.0.0/8", "garbage"));
}

/* What goes to the log cannot start a line of its own or reach the terminal. */
static void log_escaping(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"GET /a HTTP/1.1", "GET /a HTTP/1.1"},
		{"/x\n2026-01-01 info forged", "/x\\n2026-01-01 info forged"},
		{"a\r\nb\tc", "a\\r\\nb\\tc"},
		{"\x1b[31mred", "\\x1b[31mred"},
		{"back\\slash", "back\\\\slash"},
		{"caf\xc3\xa9", "caf\xc3\xa9"},
		{"\xff\xfe", "\\xff\\xfe"},
		{"a\xc2\x9b"
		 "b",
		 "a\\u{009b}b"},
		{"x\xe2\x80\xaey", "x\\u{202e}y"},
		{"\x7f", "\\x7f"},
	};
	char out[256];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_string_equal(log_escape(cases[i].in, out, sizeof out), cases[i].out);
	/* Cut on a whole escape. */
	assert_string_equal(log_escape("ab\ncd", out, 4), "ab");
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_caps),
		cmocka_unit_test(buf_html),
		cmocka_unit_test(arena_basics),
		cmocka_unit_test(str_ints),
		cmocka_unit_test(str_decode),
		cmocka_unit_test(str_utf8),
		cmocka_unit_test(tokens),
		cmocka_unit_test(text_check),
		cmocka_unit_test(contact_phones),
		cmocka_unit_test(contact_emails),
		cmocka_unit_test(netaddr_keys_and_lists),
		cmocka_unit_test(log_escaping),
	};
	return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}
