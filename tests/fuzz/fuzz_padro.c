// fuzz-sources: src/padro/parse.c src/booking/id.c src/facilities/check.c
/* What the self-service zone reads from outside, on arbitrary bytes: the municipal register's CSV
 * (an accepted file's households hold valid, normalised IDs, unique across the file, dates in
 * order and normalised mobiles), the register service's JSON answer (the member asked for is in
 * it), verification codes (a normalised code is 20 Crockford characters and normalises to itself),
 * mobile numbers (a normalised one normalises to itself), and the facility finder's points and
 * checks. The first byte picks the reader. */
#include "base/arena.h"
#include "base/err.h"
#include "base/tz.h"
#include "booking/booking.h"
#include "facilities/internal.h"
#include "padro/internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void import_csv(arena_t *a, const char *d, size_t n)
{
	pd_household_t *h = NULL;
	size_t nh = 0, nerr = 0;
	pd_import_err_t errs[8];
	int rc = pd_import_parse(a, d, n, &h, &nh, errs, 8, &nerr);
	if (rc != 0) {
		if (rc != ERR_INVALID || nerr == 0 || h)
			abort();
		for (size_t i = 0; i < nerr && i < 8; i++)
			if (!errs[i].field || !errs[i].reason || !*errs[i].reason)
				abort();
		return;
	}
	for (size_t i = 0; i < nh; i++) {
		if (h[i].n == 0 || !*h[i].code || !*h[i].address)
			abort();
		for (size_t k = 0; k < h[i].n; k++) {
			const pd_person_t *p = &h[i].people[k];
			char norm[BOOKING_ID_MAX];
			int32_t born, since;
			if (!booking_id_valid(p->id_type, p->id_number, norm) || strcmp(norm, p->id_number) != 0)
				abort();
			if (tz_date_parse(p->birth_date, &born) || tz_date_parse(p->registered_on, &since) ||
			    since < born)
				abort();
			const char *m = pd_mobile_norm(a, p->mobile);
			if (!m || strcmp(m, p->mobile) != 0)
				abort();
		}
	}
}

static void register_answer(arena_t *a, const char *d, size_t n)
{
	/* The number asked for is the text before the first newline. */
	const char *nl = memchr(d, '\n', n);
	if (!nl)
		return;
	const char *id = arena_strndup(a, d, (size_t)(nl - d));
	pd_household_t h;
	if (pd_http_parse(a, nl + 1, n - (size_t)(nl + 1 - d), id, &h) == 0 &&
	    (h.self >= h.n || strcmp(h.people[h.self].id_number, id) != 0))
		abort();
}

static void values(arena_t *a, const char *d, size_t n)
{
	const char *s = arena_strndup(a, d, n);
	char v[PD_VCODE_LEN], again[PD_VCODE_LEN];
	if (pd_vcode_norm(s, v) && (strlen(v) != 20 || !pd_vcode_norm(v, again) || strcmp(v, again) != 0 ||
				    !pd_vcode_norm(pd_vcode_group(a, v), again) || strcmp(v, again) != 0))
		abort();
	const char *m = pd_mobile_norm(a, s);
	if (m && *m && (m[0] != '+' || strcmp(pd_mobile_norm(a, m), m) != 0))
		abort();
	double lat, lon;
	if (fc_parse_point(s, &lat, &lon) && (!isfinite(lat) || fabs(lat) > 90 || fabs(lon) > 180))
		abort();
	fc_facility_t f = {.code = s,
			   .name = s,
			   .category = s,
			   .district = "",
			   .address = s,
			   .postcode = "",
			   .phone = "",
			   .hours = "",
			   .services = s,
			   .accessibility = ""};
	fielderr_t e = {0};
	if (fc_check(&f, &e) != (e.n == 0))
		abort();
	(void)fc_search_text(a, &f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	arena_t *a = arena_new();
	const char *d = (const char *)data + 1;
	size_t n = size - 1;
	switch (data[0] % 3) {
	case 0: import_csv(a, d, n); break;
	case 1: register_answer(a, d, n); break;
	default: values(a, d, n);
	}
	arena_free(a);
	return 0;
}
