/* id.c — Spanish identity documents: DNI and NIE with their check letter, passports.
 *
 * DNI: 8 digits and the letter "TRWAGMYFPDXBNJZSQVHLCKE"[n mod 23]. NIE: X, Y or Z (standing for
 * 0, 1, 2 in front of the 7 digits), then the same letter rule over those 8 digits. Passport
 * numbers have no common check digit; 5–20 letters and digits cover every format in use. What
 * people type is normalised first (upper case, spaces, dashes and dots dropped), so
 * "12.345.678-z" and "12345678Z" are the same number. */
#include "booking/booking.h"

#include "base/str.h"

#include <string.h>

static const char LETTERS[] = "TRWAGMYFPDXBNJZSQVHLCKE";

/* Upper case, without separators; false when the result would not fit or holds other bytes
 * than ASCII letters and digits. */
static bool normalise(const char *in, char out[BOOKING_ID_MAX])
{
	size_t n = 0;
	for (const char *p = in; *p; p++) {
		char ch = *p;
		if (ch == ' ' || ch == '-' || ch == '.' || ch == '\t')
			continue;
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')))
			return false;
		if (n + 1 >= BOOKING_ID_MAX)
			return false;
		out[n++] = ch;
	}
	out[n] = '\0';
	return n > 0;
}

static bool digits(const char *s, size_t n, long *value)
{
	long v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*value = v;
	return true;
}

static bool dni_ok(const char *s)
{
	long n;
	return strlen(s) == 9 && digits(s, 8, &n) && s[8] == LETTERS[n % 23];
}

static bool nie_ok(const char *s)
{
	if (strlen(s) != 9)
		return false;
	const char *prefix = strchr("XYZ", s[0]);
	long n;
	if (!prefix || !s[0] || !digits(s + 1, 7, &n))
		return false;
	n += (long)(prefix - "XYZ") * 10000000L;
	return s[8] == LETTERS[n % 23];
}

static bool passport_ok(const char *s)
{
	size_t n = strlen(s);
	return n >= 5 && n <= 20; /* normalise() already allowed only A-Z and 0-9 */
}

bool booking_id_valid(const char *type, const char *number, char normalised[BOOKING_ID_MAX])
{
	if (!type || !number)
		return false;
	char tmp[BOOKING_ID_MAX];
	if (!normalise(number, tmp))
		return false;
	bool ok = str_eq(type, "dni")        ? dni_ok(tmp)
		  : str_eq(type, "nie")      ? nie_ok(tmp)
		  : str_eq(type, "passport") ? passport_ok(tmp)
					     : false;
	if (ok && normalised)
		memcpy(normalised, tmp, strlen(tmp) + 1);
	return ok;
}

/* The same normalisation for a lookup by ID number (no type given). NULL-safe. */
bool booking_id_normalise(const char *number, char out[BOOKING_ID_MAX])
{
	return number && normalise(number, out);
}

const char *booking_id_mask(arena_t *a, const char *normalised)
{
	size_t n = strlen(normalised);
	size_t keep = n < 5 ? n : 5;
	char *out = arena_alloc(a, 3 + keep + 1);
	memcpy(out, "***", 3);
	memcpy(out + 3, normalised + n - keep, keep);
	out[3 + keep] = '\0';
	return out;
}
