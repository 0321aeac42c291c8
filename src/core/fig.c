/* fig.c — the rows a figure provider fills (core/cap.h, cap_figure_t): per label, per local day,
 * per day and key, and the look-up of a key in summed rows. Apart from cap.c so that what uses
 * only these (src/figures, its fuzz target) needs nothing else of the core. */
#include "core/cap.h"

#include "base/arena.h"
#include "base/tz.h"

#include <string.h>

int64_t *cap_fig_row(cap_fig_out_t *o, const char *label, const char *office, const char *channel)
{
	office = office ? office : "";
	channel = channel ? channel : "";
	for (size_t i = o->n; i-- > 0 && strcmp(o->rows[i].label, label) == 0;)
		if (strcmp(o->rows[i].office, office) == 0 && strcmp(o->rows[i].channel, channel) == 0)
			return o->rows[i].v;
	cap_fig_row_t *r = ARENA_PUSH(o->a, o->rows, o->n, o->cap);
	r->label = arena_strdup(o->a, label);
	r->office = arena_strdup(o->a, office);
	r->channel = arena_strdup(o->a, channel);
	return r->v;
}

/* The local day of at in tz (NULL or unknown: Europe/Madrid) into day. */
static void fig_day(int64_t at, const char *tz, char day[TZ_DATE_LEN])
{
	const tz_t *z = tz && *tz ? tz_get(tz) : NULL;
	if (!z)
		z = tz_get("Europe/Madrid");
	tz_local_t l;
	tz_local(z ? z : tz_utc(), at, &l);
	tz_date_format(l.day, day);
}

int64_t *cap_fig_row_at(cap_fig_out_t *o, int64_t at, const char *tz, const char *office, const char *channel)
{
	char day[TZ_DATE_LEN];
	fig_day(at, tz, day);
	return cap_fig_row(o, day, office, channel);
}

int64_t *cap_fig_row_day(cap_fig_out_t *o, const char *day, const char *key, const char *office, const char *channel)
{
	office = office ? office : "";
	channel = channel ? channel : "";
	for (size_t i = o->n; i-- > 0 && o->rows[i].day && strcmp(o->rows[i].day, day) == 0;)
		if (strcmp(o->rows[i].label, key) == 0 && strcmp(o->rows[i].office, office) == 0 &&
		    strcmp(o->rows[i].channel, channel) == 0)
			return o->rows[i].v;
	cap_fig_row_t *r = ARENA_PUSH(o->a, o->rows, o->n, o->cap);
	r->label = arena_strdup(o->a, key);
	r->office = arena_strdup(o->a, office);
	r->channel = arena_strdup(o->a, channel);
	r->day = arena_strdup(o->a, day);
	return r->v;
}

const int64_t *cap_fig_sum(const cap_fig_out_t *sums, const char *key)
{
	static const int64_t zero[CAP_FIG_COLS];
	for (size_t i = 0; i < sums->n; i++)
		if (strcmp(sums->rows[i].label, key) == 0)
			return sums->rows[i].v;
	return zero;
}

int64_t *cap_fig_row_day_at(cap_fig_out_t *o, int64_t at, const char *tz, const char *key, const char *office,
			    const char *channel)
{
	char day[TZ_DATE_LEN];
	fig_day(at, tz, day);
	return cap_fig_row_day(o, day, key, office, channel);
}
