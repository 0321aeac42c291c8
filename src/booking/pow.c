/* pow.c — proof of work compatible with the altcha widget (protocol v1).
 *
 * The server hands out {algorithm:"SHA-256", challenge, maxnumber, salt, signature}, where
 * challenge = hex SHA-256(salt ‖ decimal(number)) for a secret random number ≤ maxnumber and
 * signature = hex HMAC-SHA256(key, challenge). The browser tries numbers until the hash matches
 * (on average maxnumber / 2 hashes: the cost a bot pays per booking) and posts back base64 of
 * {algorithm, challenge, number, salt, signature}. Checking is two hashes: no state is kept per
 * challenge, so any node holding the key verifies it.
 *
 * The salt carries its expiry as "HEX?expires=UNIX&". The trailing '&' is required: the hash
 * covers salt ‖ number, so without a terminator a client could move digits between the two and
 * lengthen "expires" while the hash (and so the signature) stayed the same.
 *
 * Replays: a solved payload is good once. Redeeming (booking_pow_redeem, in booking.c with the
 * rest that touches storage) inserts its challenge into pow_used, kept until it expires, inside
 * the booking's transaction, so a booking that fails leaves the payload usable and two nodes
 * cannot both accept it. This file needs no storage (the fuzz target links it alone). */
#include "booking/internal.h"

#include "base/err.h"
#include "base/json.h"
#include "base/str.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAYLOAD_MAX 2048
#define SALT_MAX 200

static void hmac_hex(const unsigned char *key, size_t keylen, const char *msg, char out[65])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_init(&st, key, keylen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, strlen(msg));
	crypto_auth_hmacsha256_final(&st, mac);
	str_hex(mac, sizeof mac, out);
}

static void challenge_hex(const char *salt, int64_t number, char out[65])
{
	char num[24];
	snprintf(num, sizeof num, "%lld", (long long)number);
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)salt, strlen(salt));
	crypto_hash_sha256_update(&st, (const unsigned char *)num, strlen(num));
	crypto_hash_sha256_final(&st, h);
	str_hex(h, sizeof h, out);
}

json_t *booking_pow_challenge(const unsigned char *key, size_t keylen, int64_t maxnumber, int64_t now, int64_t ttl)
{
	unsigned char rnd[12];
	randombytes_buf(rnd, sizeof rnd);
	char hex[25], salt[80], ch[65], sig[65];
	str_hex(rnd, sizeof rnd, hex);
	snprintf(salt, sizeof salt, "%s?expires=%lld&", hex, (long long)(now + ttl));
	if (maxnumber < 1)
		maxnumber = 1;
	/* randombytes_uniform is 32-bit; difficulties past 4 billion make no sense for a phone. */
	uint32_t bound = maxnumber >= (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)maxnumber + 1;
	int64_t number = (int64_t)randombytes_uniform(bound);
	challenge_hex(salt, number, ch);
	hmac_hex(key, keylen, ch, sig);
	return jpack("{s:s,s:s,s:I,s:s,s:s}", "algorithm", "SHA-256", "challenge", ch, "maxnumber",
		     (json_int_t)maxnumber, "salt", salt, "signature", sig);
}

static bool is_hex64(const char *s)
{
	if (!s || strlen(s) != 64)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

/* The expiry in "…?expires=UNIX&…" (the salt must end with '&'). */
static int salt_expiry(const char *salt, int64_t *out)
{
	size_t n = strlen(salt);
	if (n == 0 || n > SALT_MAX || salt[n - 1] != '&')
		return ERR_INVALID;
	const char *q = strchr(salt, '?');
	if (!q)
		return ERR_INVALID;
	for (const char *p = q + 1; *p;) {
		const char *amp = strchr(p, '&');
		size_t len = (size_t)(amp - p); /* amp exists: the salt ends with '&' */
		if (len > 8 && memcmp(p, "expires=", 8) == 0) {
			char num[24];
			if (len - 8 >= sizeof num)
				return ERR_INVALID;
			memcpy(num, p + 8, len - 8);
			num[len - 8] = '\0';
			return str_to_i64(num, 0, INT64_MAX / 2, out);
		}
		p = amp + 1;
	}
	return ERR_INVALID;
}

int booking_pow_verify(const unsigned char *key, size_t keylen, const char *payload, int64_t now, int64_t *expires,
		       char challenge_out[65])
{
	if (!payload)
		return ERR_INVALID;
	size_t plen = strlen(payload);
	if (plen == 0 || plen > PAYLOAD_MAX)
		return ERR_INVALID;
	unsigned char raw[PAYLOAD_MAX];
	size_t rawlen = 0;
	if (sodium_base642bin(raw, sizeof raw, payload, plen, " \r\n", &rawlen, NULL, sodium_base64_VARIANT_ORIGINAL) !=
		    0 &&
	    sodium_base642bin(raw, sizeof raw, payload, plen, " \r\n", &rawlen, NULL,
			      sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0)
		return ERR_INVALID;
	json_error_t jerr;
	json_t *j = json_loadb((const char *)raw, rawlen, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(j)) {
		json_decref(j);
		return ERR_INVALID;
	}
	int rc = ERR_INVALID;
	const char *alg = json_string_value(json_object_get(j, "algorithm"));
	const char *ch = json_string_value(json_object_get(j, "challenge"));
	const char *salt = json_string_value(json_object_get(j, "salt"));
	const char *sig = json_string_value(json_object_get(j, "signature"));
	json_t *jn = json_object_get(j, "number");
	int64_t exp;
	if (!str_eq(alg, "SHA-256") || !is_hex64(ch) || !is_hex64(sig) || !salt || !json_is_integer(jn) ||
	    json_integer_value(jn) < 0 || salt_expiry(salt, &exp) || exp <= now)
		goto done;
	char want_ch[65], want_sig[65];
	challenge_hex(salt, (int64_t)json_integer_value(jn), want_ch);
	hmac_hex(key, keylen, ch, want_sig);
	if (sodium_memcmp(want_ch, ch, 64) != 0 || sodium_memcmp(want_sig, sig, 64) != 0)
		goto done;
	if (expires)
		*expires = exp;
	if (challenge_out)
		memcpy(challenge_out, ch, 65);
	rc = 0;
done:
	json_decref(j);
	return rc;
}

static unsigned char proc_key[32];
static pthread_once_t proc_key_once = PTHREAD_ONCE_INIT;

static void make_proc_key(void)
{
	randombytes_buf(proc_key, sizeof proc_key);
}

void booking_pow_key(const config_t *cfg, const unsigned char **key, size_t *keylen)
{
	const char *k = cfg ? config_str(cfg, "booking.pow_key") : "";
	if (k && *k) {
		*key = (const unsigned char *)k;
		*keylen = strlen(k);
		return;
	}
	pthread_once(&proc_key_once, make_proc_key);
	*key = proc_key;
	*keylen = sizeof proc_key;
}
