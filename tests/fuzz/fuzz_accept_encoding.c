// fuzz-sources: src/http/encode.c
/* An Accept-Encoding header through encode_choose: the answer is identity or one of the codings
 * offered; offering only the winner (or nothing but identity, when identity won) gives the same
 * answer, and a coding the header names nowhere (nor "*") never wins. */
#include "http/encode.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	/* The first byte picks the codings offered. */
	unsigned offered = data[0] & (ENC_BIT(ENC_GZIP) | ENC_BIT(ENC_BR));
	char *s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	enc_t e = encode_choose(s, offered);
	if (e != ENC_IDENTITY && !(offered & ENC_BIT(e)))
		abort();
	if (encode_choose(s, e == ENC_IDENTITY ? 0 : ENC_BIT(e)) != e)
		abort();
	if (e == ENC_GZIP && !strcasestr(s, "gzip") && !strchr(s, '*'))
		abort();
	if (e == ENC_BR && !strcasestr(s, "br") && !strchr(s, '*'))
		abort();
	if (encode_choose(NULL, offered) != ENC_IDENTITY)
		abort();
	free(s);
	return 0;
}
