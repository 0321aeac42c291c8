#include "base/rand.h"

#include "base/str.h"

#include <sodium.h>
#include <string.h>

void rand_token_hex(char out[RAND_TOKEN_HEX_LEN])
{
	unsigned char b[32];
	randombytes_buf(b, sizeof b);
	str_hex(b, sizeof b, out);
	sodium_memzero(b, sizeof b);
}

void rand_token_hash(const char *token, char out[RAND_TOKEN_HEX_LEN])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	str_hex(h, sizeof h, out);
}
