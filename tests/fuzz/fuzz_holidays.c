// fuzz-sources: src/schedule/csv.c
/* The public-holidays CSV parser on arbitrary bytes: it accepts or refuses, never crashes, and
 * what it accepts holds: real dates, known scopes, names without control characters, no
 * duplicate (date, scope); a refusal always says where and why. */
#include "base/arena.h"
#include "base/err.h"
#include "base/tz.h"
#include "schedule/schedule.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena_t *a = arena_new();
	schedule_holiday_t *h = NULL;
	size_t n = 0;
	schedule_csv_error_t err = {0};
	int rc = schedule_holidays_parse(a, (const char *)data, size, &h, &n, &err);
	if (rc == 0) {
		if (n == 0 || n > 1000)
			abort();
		for (size_t i = 0; i < n; i++) {
			int32_t d;
			if (tz_date_parse(h[i].day, &d))
				abort();
			if (strcmp(h[i].scope, "national") && strcmp(h[i].scope, "catalonia") &&
			    strcmp(h[i].scope, "city"))
				abort();
			const char *names[] = {h[i].name_ca, h[i].name_es, h[i].name_en};
			for (int k = 0; k < 3; k++) {
				if (!*names[k] || strlen(names[k]) > 200)
					abort();
				for (const char *p = names[k]; *p; p++)
					if ((unsigned char)*p < 0x20)
						abort();
			}
			for (size_t j = 0; j < i; j++)
				if (!strcmp(h[i].day, h[j].day) && !strcmp(h[i].scope, h[j].scope))
					abort();
		}
	} else {
		if (rc != ERR_INVALID || !err.code || !err.field || err.line < 0)
			abort();
		if (!*schedule_csv_error_text(a, &err))
			abort();
	}
	arena_free(a);
	return 0;
}
