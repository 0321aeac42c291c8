/* check.c — the facility finder's pure parts (no storage), fuzzed by tests/fuzz/fuzz_padro.c:
 * the categories, a facility's checks, its folded search text, points and distances. */
#include "facilities/internal.h"

#include "base/err.h"
#include "base/str.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const fc_categories[FC_NCATEGORIES] = {"citizen_office",         "civic_centre",  "library",
						   "neighbourhood_facility", "senior_centre", "youth_centre",
						   "sports_centre",          "other"};

static bool in_list(const char *v, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (str_eq(v, list[i]))
			return true;
	return false;
}

static bool code_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static bool text_ok(const char *s, size_t max)
{
	return s && strlen(s) <= max && str_valid_utf8(s, strlen(s));
}

bool fc_check(const fc_facility_t *f, fielderr_t *e)
{
	size_t before = e->n;
	if (!code_ok(f->code))
		fielderr_add(e, "code", "fc_err_code");
	if (!f->name || !*f->name || !text_ok(f->name, 200))
		fielderr_add(e, "name", "fc_err_name");
	if (!in_list(f->category, fc_categories, FC_NCATEGORIES))
		fielderr_add(e, "category", "fc_err_category");
	static const struct {
		const char *field;
		size_t max;
	} texts[] = {{"district", 100}, {"address", 300},   {"postcode", 10},       {"phone", 40},
		     {"hours", 1000},   {"services", 1000}, {"accessibility", 1000}};
	const char *values[] = {f->district, f->address,  f->postcode,     f->phone,
				f->hours,    f->services, f->accessibility};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
		if (!text_ok(values[i] ? values[i] : "", texts[i].max))
			fielderr_add(e, texts[i].field, "fc_err_long");
	if (f->has_geo && (!isfinite(f->lat) || !isfinite(f->lon) || fabs(f->lat) > 90 || fabs(f->lon) > 180))
		fielderr_add(e, "lat", "fc_err_geo");
	return e->n == before;
}

const char *fc_search_text(arena_t *a, const fc_facility_t *f)
{
	return str_fold(a, arena_printf(a, "%s | %s | %s | %s | %s", f->name, f->address, f->services, f->district,
					f->postcode));
}

double fc_distance_m(double lat1, double lon1, double lat2, double lon2)
{
	const double r = 6371008.8, rad = M_PI / 180;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double h = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
	return 2 * r * asin(sqrt(h < 1 ? h : 1));
}

bool fc_parse_point(const char *s, double *lat, double *lon)
{
	if (!s || strlen(s) > 60)
		return false;
	char *end;
	double a = strtod(s, &end);
	if (end == s || *end != ',')
		return false;
	const char *t = end + 1;
	double b = strtod(t, &end);
	if (end == t || *end || !isfinite(a) || !isfinite(b) || fabs(a) > 90 || fabs(b) > 180)
		return false;
	*lat = a;
	*lon = b;
	return true;
}
