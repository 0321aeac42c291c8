/* holidays.c — storing public holidays and `finestreta import holidays FILE` (the CSV parser is
 * csv.c). */
#include "schedule/schedule.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/tz.h"
#include "schedule/store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_BYTES (256 * 1024)

int schedule_holidays_store(db_conn_t *c, const schedule_holiday_t *h, size_t n)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = sched_store_holiday_upsert(c, &h[i]);
	return rc;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	buf_t b;
	buf_init(&b, MAX_BYTES + 8192);
	char chunk[8192];
	size_t got;
	int rc = 0;
	while (rc == 0 && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
		rc = buf_append(&b, chunk, got);
	bool bad = ferror(f) != 0;
	fclose(f);
	if (bad) {
		buf_free(&b);
		return NULL;
	}
	/* Past the cap, hand the parser what was read: it is over its limit and says so. */
	(void)rc;
	return buf_detach(&b, len);
}

int schedule_import_holidays_file(db_t *db, const char *path, FILE *out, FILE *err_out)
{
	size_t len = 0;
	char *text = slurp(path, &len);
	if (!text) {
		fprintf(err_out, "finestreta import holidays: cannot read %s: %s\n", path, strerror(errno));
		return ERR_IO;
	}
	arena_t *a = arena_new();
	schedule_holiday_t *rows = NULL;
	size_t n = 0;
	schedule_csv_error_t perr = {0};
	int rc;
	rc = schedule_holidays_parse(a, text, len, &rows, &n, &perr);
	free(text);
	if (rc) {
		fprintf(err_out, "finestreta import holidays: %s: %s\n", path, schedule_csv_error_text(a, &perr));
		arena_free(a);
		return rc;
	}
	db_conn_t *c = db_acquire(db);
	if (!c) {
		fprintf(err_out, "finestreta import holidays: database unavailable\n");
		arena_free(a);
		return ERR_UNAVAILABLE;
	}
	schedule_report_t rep = {0};
	rc = db_begin(c);
	if (!rc)
		rc = schedule_holidays_store(c, rows, n);
	if (!rc)
		rc = schedule_materialise(c, a, 0, 0, (int64_t)time(NULL), SCHEDULE_SAFE, &rep);
	if (!rc)
		rc = db_commit(c);
	if (rc) {
		fprintf(err_out, "finestreta import holidays: %s\n",
			rc == ERR_INVALID ? "bad time zone" : db_errmsg(c));
		db_rollback(c);
	} else {
		fprintf(out, "imported %zu holiday(s) from %s; slots: %zu removed, %zu added, %zu updated\n", n, path,
			rep.deleted, rep.inserted, rep.updated);
		if (rep.nstrands) {
			fprintf(out, "warning: %zu booked slot(s) fall on changed days and were left as they are:\n",
				rep.nstrands);
			for (size_t i = 0; i < rep.nstrands; i++) {
				char hm[TZ_HHMM_LEN];
				tz_hhmm_format(rep.strands[i].start_min, hm);
				fprintf(out, "  %s %s %s: %d booked (slot %lld)\n", rep.strands[i].day, hm,
					rep.strands[i].channel, rep.strands[i].booked + rep.strands[i].staff_booked,
					(long long)rep.strands[i].slot_id);
			}
		}
	}
	db_release(c);
	arena_free(a);
	return rc;
}
