/* demo.c — the demo city's time: opening hours for every demo office (by kind), the shipped
 * holiday files plus two Vilamar holidays a year, a couple of closures, shifts for the informer
 * (phone and video at the virtual office) and the ICT agent (at the neighbourhood facilities) for
 * the coming five weeks, their skills, availability rules per office and channel, and the slots.
 * Everything is relative to `now`, so the demo always shows the weeks ahead. */
#include "schedule/schedule.h"

#include "auth/auth.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "base/tz.h"
#include "catalog/catalog.h"
#include "schedule/internal.h"
#include "schedule/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INFORMER "informador@vilamar.example"
#define ICT_AGENT "agent.tic@vilamar.example"
#define SHIFT_WEEKS 5

static char *read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	buf_t b;
	buf_init(&b, 1 << 20);
	char chunk[4096];
	size_t n;
	int rc = 0;
	while (rc == 0 && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		rc = buf_append(&b, chunk, n);
	fclose(f);
	if (rc) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b, len);
}

static int import_file(db_conn_t *c, arena_t *a, const char *root, const char *name)
{
	char *path = xasprintf("%s/deploy/holidays/%s", root, name);
	size_t len = 0;
	char *text = read_text(path, &len);
	int rc = ERR_IO;
	if (!text) {
		log_error("demo: cannot read %s", path);
	} else {
		schedule_holiday_t *h;
		size_t n;
		schedule_csv_error_t err;
		rc = schedule_holidays_parse(a, text, len, &h, &n, &err);
		if (rc)
			log_error("demo: %s: %s", path, schedule_csv_error_text(a, &err));
		else
			rc = schedule_holidays_store(c, h, n);
	}
	free(text);
	free(path);
	return rc;
}

/* Weekday rows of a period: days is a mask of ISO weekdays. */
static int hours(db_conn_t *c, int64_t office, unsigned days, const char *open, const char *close, const char *from,
		 const char *to)
{
	sched_hours_t rows[7];
	size_t n = 0;
	int o, e;
	tz_hhmm_parse(open, &o);
	tz_hhmm_parse(close, &e);
	for (int d = 1; d <= 7; d++)
		if (days & (1u << d))
			rows[n++] = (sched_hours_t){0, office, d, o, e, from, to ? to : ""};
	return sched_store_hours_replace(c, office, NULL, NULL, rows, n);
}

#define MON (1u << 1)
#define TUE (1u << 2)
#define WED (1u << 3)
#define THU (1u << 4)
#define FRI (1u << 5)
#define WEEKDAYS (MON | TUE | WED | THU | FRI)

typedef struct {
	const char *channel, *weekdays, *start, *end;
	int slot, capacity, share, horizon, notice, release_days;
	const char *release_time;
	const char *procs; /* comma-separated procedure codes, or "" */
} demo_rule_t;

static int rule(db_conn_t *c, arena_t *a, int64_t office, const char *from, const demo_rule_t *d)
{
	sched_rule_t r = {.office_id = office,
			  .channel = d->channel,
			  .weekdays = d->weekdays,
			  .every_weeks = 1,
			  .valid_from = from,
			  .valid_to = "",
			  .slot_min = d->slot,
			  .capacity = d->capacity,
			  .staff_share = d->share,
			  .horizon_days = d->horizon,
			  .min_notice_min = d->notice,
			  .release_days = d->release_days,
			  .release_min = -1,
			  .active = true};
	tz_hhmm_parse(d->start, &r.start_min);
	tz_hhmm_parse(d->end, &r.end_min);
	if (d->release_time)
		tz_hhmm_parse(d->release_time, &r.release_min);
	int64_t procs[16];
	char *list = arena_strdup(a, d->procs);
	for (char *p = list; *p && r.nprocs < 16;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		catalog_procedure_t proc;
		if (catalog_procedure_by_code(c, a, p, &proc) == 0)
			procs[r.nprocs++] = proc.id;
		if (!comma)
			break;
		p = comma + 1;
	}
	r.procs = procs;
	return sched_store_rule_insert(c, &r, 0, NULL);
}

static int skills(db_conn_t *c, arena_t *a, int64_t user, const char *codes)
{
	int64_t ids[32];
	size_t n = 0;
	char *list = arena_strdup(a, codes);
	for (char *p = list; *p && n < 32;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		catalog_procedure_t proc;
		if (catalog_procedure_by_code(c, a, p, &proc) == 0)
			ids[n++] = proc.id;
		if (!comma)
			break;
		p = comma + 1;
	}
	return sched_store_skills_set(c, user, ids, n);
}

/* A shift on every listed weekday of the next SHIFT_WEEKS weeks. */
static int shifts(db_conn_t *c, arena_t *a, int64_t user, int64_t office, const char *channel, unsigned days,
		  const char *start, const char *end, int32_t today)
{
	sched_shift_t s = {.user_id = user, .office_id = office, .channel = channel};
	tz_hhmm_parse(start, &s.start_min);
	tz_hhmm_parse(end, &s.end_min);
	for (int32_t d = today; d < today + SHIFT_WEEKS * 7; d++) {
		if (!(days & (1u << tz_weekday(d))))
			continue;
		char *date = arena_alloc(a, TZ_DATE_LEN);
		tz_date_format(d, date);
		s.day = date;
		int rc = sched_store_shift_add(c, &s, NULL);
		if (rc)
			return rc;
	}
	return 0;
}

/* The first weekday (Monday-Friday) at least n days after today. */
static int32_t weekday_after(int32_t today, int n)
{
	int32_t d = today + n;
	while (tz_weekday(d) > 5)
		d++;
	return d;
}

static const char *const PHONE_VIDEO_SKILLS =
	"ajuts-socials,cita-serveis,domiciliacio,enotum,ibi,idcat-mobil,ivtm,padro-alta,padro-canvi-domicili,"
	"queixes-suggeriments,volant-collectiu,volant-individual,beques-menjador,fraccionament";
static const char *const ICT_SKILLS = "acompanyament-digital,idcat-mobil,enotum,volant-individual,beques-menjador";

/* The shipped calendars for 2026 and 2027 and Vilamar's two local holidays each year: Whit
 * Monday and the Festa Major. */
static int seed_holidays(db_conn_t *c, arena_t *a, const char *root)
{
	static const schedule_holiday_t city[] = {
		{"2026-05-25", "city", "Dilluns de Pasqua Granada", "Lunes de Pascua Granada", "Whit Monday"},
		{"2026-09-14", "city", "Festa Major de Vilamar", "Fiesta Mayor de Vilamar", "Vilamar Town Festival"},
		{"2027-05-17", "city", "Dilluns de Pasqua Granada", "Lunes de Pascua Granada", "Whit Monday"},
		{"2027-09-13", "city", "Festa Major de Vilamar", "Fiesta Mayor de Vilamar", "Vilamar Town Festival"},
	};
	int rc = import_file(c, a, root, "catalonia-2026.csv");
	if (!rc)
		rc = import_file(c, a, root, "catalonia-2027.csv");
	if (!rc)
		rc = schedule_holidays_store(c, city, sizeof city / sizeof city[0]);
	return rc;
}

/* One demo office: its day, the dates its periods start from, who staffs it. */
typedef struct {
	db_conn_t *c;
	arena_t *a;
	const catalog_office_t *o;
	int32_t today;
	char jan1[TZ_DATE_LEN], jul1[TZ_DATE_LEN], aug31[TZ_DATE_LEN], from[TZ_DATE_LEN];
	int64_t informer, agent;
} demo_office_t;

/* A citizen office: mornings, Thursday afternoons, shorter summer hours, one in-person rule (the
 * opening hours clip it; the centre releases a day a week ahead at 08:00), and a closure or two. */
static int seed_citizen_office(demo_office_t *x)
{
	int64_t id = x->o->id;
	int rc = hours(x->c, id, WEEKDAYS, "08:30", "14:30", x->jan1, NULL);
	if (!rc)
		rc = hours(x->c, id, THU, "16:00", "19:00", x->jan1, NULL);
	if (!rc)
		rc = hours(x->c, id, WEEKDAYS, "08:30", "14:00", x->jul1, x->aug31);
	bool tax = str_eq(x->o->code, "hisenda"), centre = str_eq(x->o->code, "centre");
	demo_rule_t in_person = {"in_person",
				 "1,2,3,4,5",
				 "09:00",
				 "19:00",
				 15,
				 centre ? 3 : 2,
				 20,
				 30,
				 60,
				 centre ? 7 : -1,
				 centre ? "08:00" : NULL,
				 tax ? "ibi,ivtm,fraccionament,bonificacions,domiciliacio" : ""};
	if (!rc)
		rc = rule(x->c, x->a, id, x->from, &in_person);
	char day[TZ_DATE_LEN];
	if (!rc && centre) {
		tz_date_format(weekday_after(x->today, 10), day);
		rc = sched_store_closure_add(x->c, id, day, "Formació del personal", NULL);
	}
	if (!rc && str_eq(x->o->code, "la-riera")) {
		tz_date_format(weekday_after(x->today, 17), day);
		rc = sched_store_closure_add(x->c, id, day, "Obres de manteniment", NULL);
	}
	return rc;
}

/* The virtual office: phone and video rules, the informer's shifts. */
static int seed_virtual_office(demo_office_t *x)
{
	int64_t id = x->o->id;
	int rc = hours(x->c, id, WEEKDAYS, "09:00", "14:00", x->jan1, NULL);
	if (!rc)
		rc = hours(x->c, id, TUE | THU, "16:00", "18:00", x->jan1, NULL);
	demo_rule_t phone = {"phone", "1,2,3,4,5", "09:00", "18:00", 15, -1, 0, 21, 30, 7, "08:00", ""};
	demo_rule_t video = {"video", "2,4", "09:00", "14:00", 30, -1, 0, 21, 120, -1, NULL, ""};
	if (!rc)
		rc = rule(x->c, x->a, id, x->from, &phone);
	if (!rc)
		rc = rule(x->c, x->a, id, x->from, &video);
	if (!rc && x->informer)
		rc = shifts(x->c, x->a, x->informer, id, "phone", MON | WED | FRI, "09:00", "14:00", x->today);
	if (!rc && x->informer)
		rc = shifts(x->c, x->a, x->informer, id, "video", TUE | THU, "09:00", "14:00", x->today);
	if (!rc && x->informer)
		rc = shifts(x->c, x->a, x->informer, id, "phone", TUE | THU, "16:00", "18:00", x->today);
	return rc;
}

/* A neighbourhood facility: the ICT agent's afternoons, a different pair each. */
static int seed_facility(demo_office_t *x)
{
	int64_t id = x->o->id;
	bool first = strcmp(x->o->code, "c") < 0; /* "biblioteca-..." before "casal-..." */
	unsigned days = first ? (MON | WED) : (TUE | THU);
	int rc = hours(x->c, id, days, "16:00", "20:00", x->jan1, NULL);
	if (!rc && first)
		rc = hours(x->c, id, FRI, "10:00", "13:00", x->jan1, NULL);
	demo_rule_t ict = {"ict_agent", first ? "1,3,5" : "2,4",
			   "10:00",     "20:00",
			   30,          -1,
			   0,           30,
			   60,          -1,
			   NULL,        "acompanyament-digital,idcat-mobil,enotum"};
	if (!rc)
		rc = rule(x->c, x->a, id, x->from, &ict);
	if (!rc && x->agent)
		rc = shifts(x->c, x->a, x->agent, id, "ict_agent", days, "16:00", "20:00", x->today);
	if (!rc && x->agent && first)
		rc = shifts(x->c, x->a, x->agent, id, "ict_agent", FRI, "10:00", "13:00", x->today);
	return rc;
}

static int seed_office(demo_office_t *x, int64_t now)
{
	const tz_t *z = tz_get(x->o->tz);
	tz_local_t l;
	tz_local(z ? z : tz_utc(), now, &l);
	x->today = l.day;
	int y, m, d;
	tz_civil_from_days(x->today, &y, &m, &d);
	/* Periods start on 1 January, so the hours look established; summer hours every year. */
	snprintf(x->jan1, sizeof x->jan1, "%04d-01-01", y);
	snprintf(x->jul1, sizeof x->jul1, "%04d-07-01", y);
	snprintf(x->aug31, sizeof x->aug31, "%04d-08-31", y);
	tz_date_format(x->today, x->from);
	if (str_eq(x->o->kind, "citizen_office"))
		return seed_citizen_office(x);
	if (str_eq(x->o->kind, "virtual_office"))
		return seed_virtual_office(x);
	return seed_facility(x);
}

static int seed(db_conn_t *c, arena_t *a, const char *root, int64_t now)
{
	int rc = seed_holidays(c, a, root);
	if (rc)
		return rc;
	demo_office_t x = {.c = c, .a = a};
	if (auth_user_id_by_email(c, INFORMER, &x.informer) || auth_user_id_by_email(c, ICT_AGENT, &x.agent))
		log_warn("demo: the demo informer or ICT agent is missing; no shifts for them");
	if (x.informer && (rc = skills(c, a, x.informer, PHONE_VIDEO_SKILLS)))
		return rc;
	if (x.agent && (rc = skills(c, a, x.agent, ICT_SKILLS)))
		return rc;
	catalog_office_t *o;
	size_t n;
	rc = catalog_offices(c, a, &o, &n);
	for (size_t i = 0; !rc && i < n; i++) {
		x.o = &o[i];
		rc = seed_office(&x, now);
	}
	if (!rc)
		rc = schedule_materialise(c, a, 0, 0, now, SCHEDULE_CONFIRMED, NULL);
	return rc;
}

int schedule_demo_seed_root(db_conn_t *c, const char *root, int64_t now)
{
	arena_t *a = arena_new();
	int rc = db_begin(c);
	if (!rc)
		rc = seed(c, a, root && *root ? root : ".", now);
	if (!rc)
		rc = db_commit(c);
	if (rc) {
		log_error("demo: schedule: %s %s", err_name(rc), db_errmsg(c));
		db_rollback(c);
	}
	arena_free(a);
	return rc;
}
