// fuzz-sources: src/remote/docs.c
/* The document space's parsers on arbitrary bytes: the keyring setting (a success has 1..16 keys
 * and a current id among them), a file's name (the result is valid UTF-8, ends with the type's
 * extension, holds no '/', '\' or control byte, and fits the stem cap), the type by content, and
 * the opening of sealed bytes (a failure leaves the output empty; what seals opens back to the
 * same bytes, and a flipped byte never opens). */
#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/str.h"
#include "remote/internal.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const KEYS = "5:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (sodium_init() < 0)
		abort();
	if (size < 1)
		return 0;
	const uint8_t mode = data[0] % 3;
	data++;
	size--;
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	arena_t *a = arena_new();
	rm_keyring_t k;
	if (mode == 0) {
		int rc = rm_keyring_parse(s, 0, &k);
		if (rc != 0 && rc != ERR_INVALID)
			abort();
		if (rc == 0 && k.n && (k.n > RM_KEYS_MAX || !rm_keyring_key(&k, k.current)))
			abort();
	} else if (mode == 1) {
		const char *type = rm_doc_sniff(data, size);
		const char *n = rm_doc_name(a, s, type ? type : "application/pdf");
		size_t len = strlen(n);
		if (!str_valid_utf8(n, len) || len > RM_NAME_STEM + 4 || strpbrk(n, "/\\\r\n\t"))
			abort();
		if (!str_ends(n, type && strcmp(type, "image/png") == 0    ? ".png"
				 : type && strcmp(type, "image/jpeg") == 0 ? ".jpg"
									   : ".pdf"))
			abort();
	} else {
		if (rm_keyring_parse(KEYS, 0, &k))
			abort();
		buf_t out, sealed;
		buf_init(&out, size + 1);
		buf_init(&sealed, size * 2 + 4096);
		if (rm_doc_open(&k, "ad", data, size, &out, NULL) != 0 && out.len != 0)
			abort();
		buf_reset(&out);
		if (rm_doc_seal(&k, "ad", data, size, &sealed) ||
		    rm_doc_open(&k, "ad", (uint8_t *)sealed.data, sealed.len, &out, NULL) || out.len != size ||
		    (size && memcmp(out.data, data, size)))
			abort();
		buf_reset(&out);
		sealed.data[sealed.len - 1 - (size % (sealed.len - 40))] ^= 0x20;
		if (rm_doc_open(&k, "ad", (uint8_t *)sealed.data, sealed.len, &out, NULL) == 0)
			abort();
		buf_free(&out);
		buf_free(&sealed);
	}
	arena_free(a);
	free(s);
	return 0;
}
