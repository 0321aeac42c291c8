// fuzz-sources: src/base/tz.c
/* TZif files from arbitrary bytes. A file that parses is then used: instants around its
 * transitions and far outside them convert to local time and back, and the invariants hold
 * (a local time that exists round-trips; the overlap answer is never later than the instant). */
#include "base/err.h"
#include "base/tz.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_instant(const tz_t *z, int64_t t)
{
	tz_local_t l;
	tz_local(z, t, &l);
	if (l.minute < 0 || l.minute > 1439 || l.second < 0 || l.second > 86399 || !l.abbr)
		abort();
	char iso[TZ_ISO_LEN];
	tz_format_iso(z, t, iso);
	if (strlen(iso) != TZ_ISO_LEN - 1)
		abort();
	int64_t back;
	int rc = tz_to_utc(z, l.day, l.minute, 0, &back);
	if (rc != 0 && rc != ERR_NOT_FOUND)
		abort();
	/* On a whole minute of a whole-minute offset, t itself answers the local minute, so it
	 * converts, to t or (an overlap gives the earlier one) before it. Odd offsets and odd
	 * transition instants may leave a local minute start in a gap. */
	if (t % 60 == 0 && l.offset % 60 == 0 && (rc != 0 || back > t))
		abort();
	if (rc == 0) {
		tz_local_t l2;
		tz_local(z, back, &l2);
		if (l2.day != l.day || l2.minute != l.minute)
			abort();
	}
	rc = tz_to_utc(z, l.day, l.minute, TZ_GAP_SHIFT, &back);
	if (rc != 0 && rc != ERR_NOT_FOUND)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tz_t *z = NULL;
	if (tz_parse(data, size, "fuzz", &z) != 0)
		return 0;
	static const int64_t fixed[] = {0,
					1774746000,
					1792890000,
					-2208988800LL,
					4102444800LL,
					253402300799LL,
					-62135596800LL,
					(int64_t)1 << 46,
					-((int64_t)1 << 46)};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		check_instant(z, fixed[i]);
	/* Instants taken from the input itself, which reach its own transitions. */
	for (size_t i = 0; i + 8 <= size && i < 512; i += 37) {
		int64_t t;
		memcpy(&t, data + i, 8);
		t %= (int64_t)1 << 40;
		check_instant(z, t);
		check_instant(z, t - t % 60);
		check_instant(z, t + 1);
		check_instant(z, t - 1);
	}
	tz_free(z);
	return 0;
}
