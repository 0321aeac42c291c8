// fuzz-sources: src/booking/id.c src/booking/pow.c src/booking/search.c
/* What a citizen or a bot sends a booking, without storage: ID numbers of each type (a valid one
 * normalises to itself and keeps its last five characters in the mask), ISO instants (one that
 * parses comes back to the same instant in UTC), and altcha payloads, which must never verify
 * against a key the input cannot know — except the one built here from the input's own salt,
 * which must verify exactly until its expiry; and what people type to find a procedure (at most
 * BK_QUERY_WORDS stems, and a query always matches the text it was typed from). */
#include "base/arena.h"
#include "base/str.h"
#include "base/tz.h"
#include "booking/booking.h"
#include "booking/internal.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char KEY[] = "fuzz key";

static void check_id(const char *s, arena_t *a)
{
	static const char *const types[] = {"dni", "nie", "passport", "other"};
	for (size_t i = 0; i < 4; i++) {
		char norm[BOOKING_ID_MAX];
		if (!booking_id_valid(types[i], s, norm))
			continue;
		char again[BOOKING_ID_MAX];
		if (i == 3 || !booking_id_valid(types[i], norm, again) || strcmp(norm, again) != 0)
			abort();
		const char *m = booking_id_mask(a, norm);
		size_t n = strlen(norm), keep = n < 5 ? n : 5;
		if (strncmp(m, "***", 3) != 0 || strcmp(m + 3, norm + n - keep) != 0)
			abort();
	}
}

static void check_iso(const char *s)
{
	int64_t t;
	if (tz_iso_parse(s, 0, &t))
		return;
	char iso[TZ_ISO_LEN];
	tz_format_iso(tz_utc(), t, iso);
	int64_t back;
	if (tz_iso_parse(iso, 0, &back) || back != t)
		abort();
}

/* A payload from the input's bytes as salt text, signed with KEY: valid before its expiry. */
static void check_own_payload(const uint8_t *data, size_t size)
{
	char hex[2 * 16 + 1];
	size_t n = size < 16 ? size : 16;
	str_hex(data, n, hex);
	char salt[96], buf[128], ch[65], sig[65];
	snprintf(salt, sizeof salt, "%s?expires=%d&", hex, 2000000000);
	unsigned number = size;
	snprintf(buf, sizeof buf, "%s%u", salt, number);
	unsigned char h[32];
	crypto_hash_sha256(h, (const unsigned char *)buf, strlen(buf));
	str_hex(h, 32, ch);
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, KEY, sizeof KEY - 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ch, 64);
	crypto_auth_hmacsha256_final(&st, h);
	str_hex(h, 32, sig);
	char json[512];
	snprintf(json, sizeof json,
		 "{\"algorithm\":\"SHA-256\",\"challenge\":\"%s\",\"number\":%u,\"salt\":\"%s\",\"signature\":\"%s\"}",
		 ch, number, salt, sig);
	char b64[1024];
	sodium_bin2base64(b64, sizeof b64, (const unsigned char *)json, strlen(json), sodium_base64_VARIANT_ORIGINAL);
	if (booking_pow_verify(KEY, sizeof KEY - 1, b64, 1999999999, NULL, NULL) != 0)
		abort();
	if (booking_pow_verify(KEY, sizeof KEY - 1, b64, 2000000000, NULL, NULL) == 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		if (sodium_init() < 0)
			abort();
		ready = 1;
	}
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	arena_t *a = arena_new();
	check_id(s, a);
	check_iso(s);
	/* Nobody can sign for KEY but us: arbitrary text (raw or base64) never verifies. */
	if (booking_pow_verify(KEY, sizeof KEY - 1, s, 0, NULL, NULL) == 0)
		abort();
	if (size < 1500) {
		char b64[2100];
		sodium_bin2base64(b64, sizeof b64, data, size, sodium_base64_VARIANT_ORIGINAL);
		if (booking_pow_verify(KEY, sizeof KEY - 1, b64, 0, NULL, NULL) == 0)
			abort();
	}
	check_own_payload(data, size);
	bk_query_t q;
	bk_query_parse(a, s, &q);
	const char *texts[] = {s};
	if (q.n > BK_QUERY_WORDS || !bk_query_match(a, &q, texts, 1))
		abort();
	arena_free(a);
	free(s);
	return 0;
}
