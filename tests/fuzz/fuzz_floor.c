// fuzz-sources: src/floor/parse.c src/render/speech.c
/* What the office floor reads from outside: the welcome desk's check-in field
 * (fl_parse_checkin), a ticket number (fl_number_valid), and espeak-ng's WAV output
 * (speech_samples). The first byte picks which. A link gives a code of 8 characters and a token
 * of 64; an ID number comes out upper case without separators; a WAV's samples lie inside it. */
#include "base/arena.h"
#include "floor/internal.h"
#include "render/speech.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t which = data[0] % 3;
	data++, size--;
	if (which == 2) {
		size_t off = 0, len = 0;
		if (speech_samples(data, size, &off, &len) == 0 && (off > size || len > size - off || len % 2))
			abort();
		return 0;
	}
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	if (which == 1) {
		bool ok = fl_number_valid(s);
		if (ok && (strlen(s) < 2 || strlen(s) > 7 || s[0] < 'A' || s[0] > 'Z'))
			abort();
		free(s);
		return 0;
	}
	arena_t *a = arena_new();
	const char *code = NULL, *token = NULL;
	char id[BOOKING_ID_MAX];
	fl_checkin_kind_t k = fl_parse_checkin(a, s, &code, &token, id);
	if (k == FL_CHECKIN_LINK && (strlen(code) > BOOKING_CODE_LEN - 1 || strlen(token) > 64))
		abort();
	if (k == FL_CHECKIN_CODE_OR_ID || k == FL_CHECKIN_ID) {
		size_t n = strlen(id);
		if (!n || n >= BOOKING_ID_MAX || (k == FL_CHECKIN_CODE_OR_ID) != (n == BOOKING_CODE_LEN - 1))
			abort();
		for (size_t i = 0; i < n; i++)
			if ((id[i] >= 'a' && id[i] <= 'z') || id[i] == ' ' || id[i] == '-' || id[i] == '.')
				abort();
	}
	arena_free(a);
	free(s);
	return 0;
}
