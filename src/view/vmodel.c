/* vmodel.c — see vmodel.h. */
#include "view/vmodel.h"

#include "base/tz.h"
#include "view/i18n.h"

#include <stdio.h>
#include <string.h>

const char *vmodel_str(const json_t *obj, const char *path)
{
	const json_t *v = obj;
	const char *p = path;
	while (v && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		char key[64];
		if (n >= sizeof key || !json_is_object(v))
			return "";
		memcpy(key, p, n);
		key[n] = '\0';
		v = json_object_get(v, key);
		p = dot ? dot + 1 : p + n;
	}
	return v && json_is_string(v) ? json_string_value(v) : "";
}

/* "dilluns 06/04/2026" when the model gives no long form. */
static const char *long_date(arena_t *a, const char *lang, int32_t day, const char *date_short)
{
	char key[16];
	snprintf(key, sizeof key, "mail_wd_%d", tz_weekday(day));
	return arena_printf(a, "%s %s", i18n_get(lang, key), date_short);
}

/* "06/04/2026" in the order lang writes it (date_short: "{dd}/{mm}/{yyyy}"). */
static const char *short_date(arena_t *a, const char *lang, int32_t day)
{
	int y, m, d;
	tz_civil_from_days(day, &y, &m, &d);
	const char *vars[] = {"dd",   arena_printf(a, "%02d", d), "mm", arena_printf(a, "%02d", m),
			      "yyyy", arena_printf(a, "%04d", y), NULL};
	return i18n_subst(a, i18n_get(lang, "date_short"), vars);
}

void vmodel_when(arena_t *a, const json_t *model, const char *lang, const char **date_long, const char **date_short,
		 const char **time_s)
{
	*date_long = vmodel_str(model, "start_local.long");
	*date_short = "";
	*time_s = vmodel_str(model, "start_local.time");
	int32_t day;
	if (tz_date_parse(vmodel_str(model, "start_local.date"), &day) == 0 && **time_s) {
		*date_short = short_date(a, lang, day);
		if (!**date_long)
			*date_long = long_date(a, lang, day, *date_short);
		return;
	}
	int64_t t;
	if (tz_iso_parse(vmodel_str(model, "start"), TZ_ISO_LENIENT, &t)) {
		*date_long = "";
		*time_s = "";
		return;
	}
	const char *zone = vmodel_str(model, "tz");
	const tz_t *z = tz_get(*zone ? zone : "Europe/Madrid");
	if (!z)
		z = tz_utc();
	tz_local_t l;
	tz_local(z, t, &l);
	*date_short = short_date(a, lang, l.day);
	char hm[TZ_HHMM_LEN];
	tz_hhmm_format(l.minute, hm);
	*time_s = arena_strdup(a, hm);
	*date_long = long_date(a, lang, l.day, *date_short);
}
