/* norm.c — identity documents and the enumerations of the citizen record (see people.h; contacts
 * are normalised by base/contact.h). */
#include "people/people.h"

#include "base/str.h"

#include <string.h>

/* The check letter of a DNI number (and of a NIE, its X/Y/Z read as 0/1/2). */
static char check_letter(long number)
{
	return "TRWAGMYFPDXBNJZSQVHLCKE"[number % 23];
}

/* The value of n decimal digits at s, or -1 when one is not a digit. */
static long number_at(const char *s, size_t n)
{
	long v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

bool people_norm_id(const char *s, char out[PEOPLE_ID_MAX], const char **type)
{
	if (!s)
		return false;
	size_t k = 0;
	bool digit = false;
	for (; *s; s++) {
		char ch = *s;
		if (strchr(" \t-./", ch))
			continue;
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - ('a' - 'A'));
		bool num = ch >= '0' && ch <= '9';
		if ((!num && (ch < 'A' || ch > 'Z')) || k + 1 >= PEOPLE_ID_MAX)
			return false;
		digit = digit || num;
		out[k++] = ch;
	}
	out[k] = '\0';
	const char *t = NULL;
	const char *lead = k == 9 ? strchr("XYZ", out[0]) : NULL;
	long v;
	if (k == 9 && (v = number_at(out, 8)) >= 0)
		t = check_letter(v) == out[8] ? "dni" : NULL;
	else if (lead && *lead && (v = number_at(out + 1, 7)) >= 0)
		t = check_letter(v + (long)(lead - "XYZ") * 10000000L) == out[8] ? "nie" : NULL;
	else if (k >= 5 && k <= 20 && digit)
		t = "passport";
	if (type)
		*type = t;
	return t != NULL;
}

const char *people_id_mask(arena_t *a, const char *id_number)
{
	size_t n = id_number ? strlen(id_number) : 0;
	if (!n)
		return "";
	size_t keep = n < 5 ? n : 5;
	return arena_printf(a, "***%s", id_number + n - keep);
}

const char *const people_age_bands[5] = {"under_25", "25_44", "45_64", "65_74", "75_plus"};
const char *const people_genders[4] = {"female", "male", "nonbinary", "undisclosed"};

static bool in_set(const char *v, const char *const *set, size_t n)
{
	if (!v || !*v)
		return true;
	for (size_t i = 0; i < n; i++)
		if (str_eq(v, set[i]))
			return true;
	return false;
}

bool people_age_band_valid(const char *v)
{
	return in_set(v, people_age_bands, 5);
}

bool people_gender_valid(const char *v)
{
	return in_set(v, people_genders, 4);
}
