/* rand.h — unpredictable tokens from libsodium. sodium_init() must have run (main does it). */
#ifndef FIN_RAND_H
#define FIN_RAND_H

#include <stddef.h>

/* 32 random bytes as 64 hex characters plus NUL. */
#define RAND_TOKEN_HEX_LEN 65
void rand_token_hex(char out[RAND_TOKEN_HEX_LEN]);
/* SHA-256 of a token, as hex (65 bytes): what is stored, so a database leak yields no sessions. */
void rand_token_hash(const char *token, char out[RAND_TOKEN_HEX_LEN]);

#endif
