/* parse.c — what the floor reads from people, on its own (tests/fuzz/fuzz_floor.c): the welcome
 * desk's check-in field and a ticket number. No storage, no allocation but the arena's. */
#include "floor/internal.h"

#include <string.h>

/* Upper case without spaces, dashes or dots ("12345678-z" → "12345678Z"); false when empty or
 * too long. */
static bool id_norm(const char *in, char out[BOOKING_ID_MAX])
{
	size_t n = 0;
	for (const char *p = in; *p; p++) {
		char ch = *p;
		if (ch == ' ' || ch == '-' || ch == '.')
			continue;
		if (n + 1 >= BOOKING_ID_MAX)
			return false;
		out[n++] = ch >= 'a' && ch <= 'z' ? (char)(ch - 'a' + 'A') : ch;
	}
	out[n] = '\0';
	return n > 0;
}

fl_checkin_kind_t fl_parse_checkin(arena_t *a, const char *what, const char **code, const char **token,
				   char id[BOOKING_ID_MAX])
{
	if (!what)
		return FL_CHECKIN_NONE;
	const char *p = strstr(what, "/cita/");
	const char *t = strstr(what, "token=");
	if (p && t && strlen(p + 6) >= BOOKING_CODE_LEN - 1 && strlen(t + 6) >= 64) {
		*code = arena_strndup(a, p + 6, BOOKING_CODE_LEN - 1);
		*token = arena_strndup(a, t + 6, 64);
		return FL_CHECKIN_LINK;
	}
	if (!id_norm(what, id))
		return FL_CHECKIN_NONE;
	return strlen(id) == BOOKING_CODE_LEN - 1 ? FL_CHECKIN_CODE_OR_ID : FL_CHECKIN_ID;
}

bool fl_number_valid(const char *s)
{
	size_t i = 0, d = 0;
	while (s && s[i] >= 'A' && s[i] <= 'Z')
		i++;
	if (i < 1 || i > 2)
		return false;
	for (; s[i]; i++, d++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return d >= 1 && d <= 5;
}
