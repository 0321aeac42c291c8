/* Unit tests for src/http/encode.c: Accept-Encoding as a table of header → coding chosen, and
 * compression that shrinks text and comes back the same (gzip through zlib's inflate). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/err.h"
#include "http/encode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define BOTH (ENC_BIT(ENC_GZIP) | ENC_BIT(ENC_BR))

static const char *show(enc_t e)
{
	return e == ENC_IDENTITY ? "identity" : encode_name(e);
}

static void test_choose_table(void **state)
{
	static const struct {
		const char *ae;
		unsigned offered;
		const char *want;
	} cases[] = {
		/* what browsers send */
		{"gzip, deflate, br", BOTH, "br"},
		{"gzip, deflate, br, zstd", BOTH, "br"},
		{"gzip, deflate", BOTH, "gzip"},
		{"br", BOTH, "br"},
		{"gzip", BOTH, "gzip"},
		{"BR", BOTH, "br"},
		{"x-gzip", BOTH, "gzip"},
		/* no header, an empty one, only identity, unknown codings */
		{NULL, BOTH, "identity"},
		{"", BOTH, "identity"},
		{"identity", BOTH, "identity"},
		{"deflate, compress", BOTH, "identity"},
		/* q-values: higher wins, 0 refuses, a tie goes to the smaller body */
		{"gzip;q=1.0, br;q=0.5", BOTH, "gzip"},
		{"gzip;q=0.5, br;q=0.500", BOTH, "br"},
		{"br;q=0, gzip", BOTH, "gzip"},
		{"br;q=0.000, gzip;q=0", BOTH, "identity"},
		{"gzip;q=0.001", BOTH, "gzip"},
		{"gzip ; q=0.8 , br ;Q=0.9", BOTH, "br"},
		{"gzip;q=0.5", BOTH, "gzip"},
		{"gzip;q=0.5, identity", BOTH, "identity"},
		{"gzip;q=0.5, identity;q=0.4", BOTH, "gzip"},
		/* "*" stands for what is not listed */
		{"*", BOTH, "br"},
		{"*;q=0.5, gzip", BOTH, "gzip"},
		{"*;q=0, gzip", BOTH, "gzip"},
		{"*;q=0", BOTH, "identity"},
		{"identity;q=0", BOTH, "identity"},
		{"identity;q=0, gzip;q=0", BOTH, "identity"},
		/* only what the answer has */
		{"br", ENC_BIT(ENC_GZIP), "identity"},
		{"gzip, br", ENC_BIT(ENC_GZIP), "gzip"},
		{"gzip, br", 0, "identity"},
		/* malformed elements are skipped, the others count */
		{"br;q=2, gzip", BOTH, "gzip"},
		{"br;q=abc, gzip", BOTH, "gzip"},
		{"br;level=5, gzip", BOTH, "gzip"},
		{"br junk, gzip", BOTH, "gzip"},
		{"br;q=1.5", BOTH, "identity"},
		{"br;q=0.1234, gzip;q=0.1", BOTH, "gzip"},
		{",,, ,br,,", BOTH, "br"},
		{";;;", BOTH, "identity"},
		{"gzip;q=0, gzip", BOTH, "identity"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *got = show(encode_choose(cases[i].ae, cases[i].offered));
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("Accept-Encoding \"%s\" (offered %u): got %s, want %s",
				 cases[i].ae ? cases[i].ae : "(none)", cases[i].offered, got, cases[i].want);
	}
}

static void test_types(void **state)
{
	assert_true(encode_type_compressible("text/html; charset=utf-8"));
	assert_true(encode_type_compressible("application/json; charset=utf-8"));
	assert_true(encode_type_compressible("text/css; charset=utf-8"));
	assert_true(encode_type_compressible("image/svg+xml"));
	assert_false(encode_type_compressible("text/event-stream"));
	assert_false(encode_type_compressible("application/pdf"));
	assert_false(encode_type_compressible("image/png"));
	assert_false(encode_type_compressible(NULL));
}

static char *gunzip(const char *in, size_t n, size_t cap, size_t *outn)
{
	char *out = malloc(cap);
	z_stream z = {0};
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	*outn = z.total_out;
	inflateEnd(&z);
	return out;
}

static void test_compress(void **state)
{
	char page[8192];
	size_t n = 0;
	while (n + 64 < sizeof page)
		n += (size_t)snprintf(page + n, sizeof page - n, "<li><a href=\"/cita?service=%zu\">Tràmit</a></li>\n",
				      n);
	for (int best = 0; best <= 1; best++) {
		char *gz, *br;
		size_t gzn, brn;
		assert_int_equal(encode_compress(ENC_GZIP, best, page, n, &gz, &gzn), 0);
		assert_int_equal(encode_compress(ENC_BR, best, page, n, &br, &brn), 0);
		assert_true(gzn < n / 3);
		assert_true(brn < gzn);
		size_t back;
		char *plain = gunzip(gz, gzn, n + 1, &back);
		assert_int_equal(back, n);
		assert_memory_equal(plain, page, n);
		free(plain);
		free(gz);
		free(br);
	}
	/* Nothing to gain: random-looking bytes, an empty body, identity. */
	unsigned char noise[256];
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < sizeof noise; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		noise[i] = (unsigned char)x;
	}
	char *out;
	size_t outn;
	assert_int_equal(encode_compress(ENC_GZIP, true, noise, sizeof noise, &out, &outn), ERR_INVALID);
	assert_int_equal(encode_compress(ENC_BR, true, noise, sizeof noise, &out, &outn), ERR_INVALID);
	assert_int_equal(encode_compress(ENC_BR, false, "", 0, &out, &outn), ERR_INVALID);
	assert_int_equal(encode_compress(ENC_IDENTITY, false, page, n, &out, &outn), ERR_INVALID);
	assert_string_equal(encode_etag_suffix(ENC_BR), "-br");
	assert_string_equal(encode_etag_suffix(ENC_GZIP), "-gz");
	assert_string_equal(encode_etag_suffix(ENC_IDENTITY), "");
	assert_null(encode_name(ENC_IDENTITY));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choose_table),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_compress),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
