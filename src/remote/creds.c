/* creds.c — the credentials a call needs: TURN passwords in coturn's REST scheme (HMAC-SHA1 from
 * OpenSSL's libcrypto) and the HS256 JSON Web Token of the Jitsi mode (HMAC-SHA256 from
 * libsodium). Pure functions of their inputs: tests/unit/test_remote.c checks them on vectors. */
#include "remote/internal.h"

#include "base/err.h"
#include "base/mem.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

int rm_turn_credentials(const char *secret, int64_t expiry, const char *room, char user[RM_TURN_USER_MAX],
			char pass[RM_TURN_PASS_MAX])
{
	if (!secret || !*secret || !room || !*room || expiry <= 0)
		return ERR_INVALID;
	int n = snprintf(user, RM_TURN_USER_MAX, "%lld:%s", (long long)expiry, room);
	if (n < 0 || n >= RM_TURN_USER_MAX)
		return ERR_TOO_BIG;
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	if (!HMAC(EVP_sha1(), secret, (int)strlen(secret), (const unsigned char *)user, (size_t)n, mac, &maclen))
		return ERR_INVALID;
	sodium_bin2base64(pass, RM_TURN_PASS_MAX, mac, maclen, sodium_base64_VARIANT_ORIGINAL);
	return 0;
}

/* base64url without padding of n bytes, into a new string. */
static char *b64url(const void *p, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *s = xmalloc(cap);
	sodium_bin2base64(s, cap, p, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return s;
}

char *rm_jwt_hs256(const json_t *claims, const char *secret)
{
	if (!claims || !secret || !*secret)
		return NULL;
	static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	char *body = json_dumps(claims, JSON_COMPACT | JSON_SORT_KEYS);
	if (!body)
		return NULL;
	char *h64 = b64url(header, sizeof header - 1), *b64 = b64url(body, strlen(body));
	char *signing = xasprintf("%s.%s", h64, b64);
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)signing, strlen(signing));
	crypto_auth_hmacsha256_final(&st, mac);
	char *sig = b64url(mac, sizeof mac);
	char *jwt = xasprintf("%s.%s", signing, sig);
	free(body);
	free(h64);
	free(b64);
	free(signing);
	free(sig);
	return jwt;
}
