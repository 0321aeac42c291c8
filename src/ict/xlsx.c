/* xlsx.c — the evaluators' export as a workbook (libxlsxwriter): a "sessions" sheet with the
 * anonymised rows of the CSV (dates as dates, minutes and levels as numbers, a level not asked
 * left blank) and an "evaluation" sheet with every figure of the evaluation's JSON, one per line
 * (measure, value). */
#include "ict/internal.h"

#include "base/err.h"
#include "base/tz.h"

#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

const char *const ict_export_head[ICT_EXPORT_COLS] = {"person",     "date",       "office",      "age_band",
						      "gender",     "minutes",    "procedures",  "tools",
						      "next",       "moment",     "eprocedures", "email",
						      "digital_id", "esignature", "video_call"};

int32_t ict_local_day(int64_t at)
{
	tz_local_t lt;
	const tz_t *z = tz_get("Europe/Madrid");
	tz_local(z ? z : tz_utc(), at, &lt);
	return lt.day;
}

typedef struct {
	const ict_row_t *v;
	size_t n;
	const char *const *who;
	const json_t *ev;
} job_t;

/* One line per number of v, named by its path: objects by key, the array items by their string
 * fields ("skills.email.before", "profile.75_plus.female.people"; an empty one as "none"). */
static void figures(lxw_worksheet *ws, lxw_row_t *row, const char *name, const json_t *v)
{
	char sub[256];
	if (json_is_number(v)) {
		worksheet_write_string(ws, *row, 0, name, NULL);
		worksheet_write_number(ws, (*row)++, 1, json_number_value(v), NULL);
	} else if (json_is_object(v)) {
		const char *k;
		const json_t *x;
		json_object_foreach ((json_t *)v, k, x) {
			snprintf(sub, sizeof sub, "%s%s%s", name, *name ? "." : "", k);
			figures(ws, row, sub, x);
		}
	} else if (json_is_array(v)) {
		size_t i;
		const json_t *item;
		json_array_foreach (v, i, item) {
			snprintf(sub, sizeof sub, "%s", name);
			const char *k;
			const json_t *x;
			json_object_foreach ((json_t *)item, k, x)
				if (json_is_string(x)) {
					size_t len = strlen(sub);
					snprintf(sub + len, sizeof sub - len, ".%s",
						 *json_string_value(x) ? json_string_value(x) : "none");
				}
			json_object_foreach ((json_t *)item, k, x)
				if (json_is_number(x)) {
					char leaf[300];
					snprintf(leaf, sizeof leaf, "%s.%s", sub, k);
					figures(ws, row, leaf, x);
				}
		}
	}
}

static int build(const char *path, void *arg)
{
	const job_t *j = arg;
	lxw_workbook *wb = workbook_new(path);
	if (!wb)
		return ERR_IO;
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	lxw_format *day = workbook_add_format(wb);
	format_set_num_format(day, "yyyy-mm-dd");
	lxw_worksheet *ws = workbook_add_worksheet(wb, "sessions");
	for (lxw_col_t c = 0; c < ICT_EXPORT_COLS; c++)
		worksheet_write_string(ws, 0, c, ict_export_head[c], bold);
	worksheet_set_column(ws, 0, 1, 14, NULL);
	for (size_t i = 0; i < j->n; i++) {
		const ict_row_t *x = &j->v[i];
		lxw_row_t row = (lxw_row_t)(i + 1);
		int y, m, d;
		tz_civil_from_days(ict_local_day(x->at), &y, &m, &d);
		lxw_datetime dt = {.year = y, .month = m, .day = d};
		const char *text[] = {x->office, x->age_band, x->gender};
		worksheet_write_string(ws, row, 0, j->who[i], NULL);
		worksheet_write_datetime(ws, row, 1, &dt, day);
		for (lxw_col_t c = 0; c < 3; c++)
			worksheet_write_string(ws, row, 2 + c, text[c], NULL);
		worksheet_write_number(ws, row, 5, x->minutes, NULL);
		const char *more[] = {x->modes, x->tools, x->next, x->moment};
		for (lxw_col_t c = 0; c < 4; c++)
			worksheet_write_string(ws, row, 6 + c, more[c], NULL);
		for (int k = 0; k < ICT_SKILLS; k++)
			if (x->levels[k] >= 0)
				worksheet_write_number(ws, row, (lxw_col_t)(10 + k), x->levels[k], NULL);
	}
	lxw_worksheet *sum = workbook_add_worksheet(wb, "evaluation");
	worksheet_write_string(sum, 0, 0, "measure", bold);
	worksheet_write_string(sum, 0, 1, "value", bold);
	worksheet_set_column(sum, 0, 0, 36, NULL);
	lxw_row_t row = 1;
	figures(sum, &row, "", j->ev);
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : ERR_IO;
}

int ict_xlsx(buf_t *out, const ict_row_t *v, size_t n, const char *const *who, const json_t *ev)
{
	job_t j = {v, n, who, ev};
	return buf_from_temp(out, build, &j);
}
