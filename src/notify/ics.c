/* ics.c — the appointment as an iCalendar document (RFC 5545, with the iTIP methods of RFC 5546)
 * written by libical: one VEVENT in UTC with a reminder alarm; METHOD:REQUEST for a new or
 * changed appointment, METHOD:CANCEL with STATUS:CANCELLED for a cancelled one. The UID is
 * CODE@HOST, so every message about one appointment updates the same calendar entry. */
#include "notify/internal.h"
#include "notify/notify.h"

#include "app.h"
#include "base/tz.h"
#include "core/cap.h"
#include "base/config.h"
#include "base/mem.h"
#include "base/str.h"
#include "view/i18n.h"
#include "view/vmodel.h"

#include <libical/ical.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* SEQUENCE for changes when the model has none: seconds since 2026-01-01, so a later message
 * always outranks an earlier one. */
#define SEQUENCE_EPOCH 1767225600

/* libical keeps some global state (its error flag, the built-in UTC zone); one document at a
 * time keeps it simple and costs nothing at our rates. */
static pthread_mutex_t ical_mu = PTHREAD_MUTEX_INITIALIZER;

static struct icaltimetype utc_time(int64_t t)
{
	return icaltime_from_timet_with_zone((time_t)t, 0, icaltimezone_get_utc_timezone());
}

static const char *from_address(char *buf, size_t n)
{
	app_t *app = nt_app();
	const char *from = app ? config_str(app->cfg, "mail.from") : "";
	if (!nt_mime_addr_split(from, buf, n, NULL, 0) || !strchr(buf, '@'))
		snprintf(buf, n, "noreply@localhost");
	return buf;
}

/* A calendar file outside any message: the appointment as it stands. */
static const cap_notice_t ics_current = {"", "mail/ics", "", "", "", NOTICE_APPOINTMENT | NOTICE_FIRST};
static const cap_notice_t ics_cancelled = {"", "mail/ics", "", "", "", NOTICE_APPOINTMENT | NOTICE_CANCEL};

/* What an event says, worked out from the model before libical is touched. New strings are
 * desc, loc_buf and summary (ics_facts_free). */
typedef struct {
	const char *code, *lang, *location, *manage;
	int64_t start, end, now;
	int sequence;
	bool cancel;
	char uid[512], from[256];
	char *desc, *loc_buf, *summary;
} ics_facts_t;

/* SEQUENCE: the model's (a cancellation outranks the last version the citizen was sent, whose
 * SEQUENCE is the model's: the appointment itself does not change when it is cancelled), else 0
 * for a NOTICE_FIRST kind and the seconds since SEQUENCE_EPOCH for the others. */
static int ics_sequence(const json_t *m, const cap_notice_t *k, int64_t now)
{
	const json_t *seq = json_object_get(m, "sequence");
	if (json_is_integer(seq))
		return (int)json_integer_value(seq) + ((k->flags & NOTICE_CANCEL) ? 1 : 0);
	if (!(k->flags & NOTICE_FIRST) && now > SEQUENCE_EPOCH)
		return (int)(now - SEQUENCE_EPOCH);
	return 0;
}

static const char *ics_location(const json_t *m, const char *lang, char **buf)
{
	const char *channel = vmodel_str(m, "channel");
	if (str_eq(channel, "phone"))
		return i18n_get(lang, "ics_location_phone");
	if (str_eq(channel, "video"))
		return i18n_get(lang, "ics_location_video");
	const char *oname = vmodel_str(m, "office.name"), *addr = vmodel_str(m, "office.address");
	*buf = *oname && *addr ? xasprintf("%s, %s", oname, addr) : xstrdup(*addr ? addr : oname);
	return *buf;
}

/* false when the model lacks a code or a valid start. */
static bool ics_facts(const json_t *m, const cap_notice_t *k, ics_facts_t *f)
{
	memset(f, 0, sizeof *f);
	f->code = vmodel_str(m, "code");
	if (!*f->code || tz_iso_parse(vmodel_str(m, "start"), TZ_ISO_LENIENT, &f->start))
		return false;
	if (tz_iso_parse(vmodel_str(m, "end"), TZ_ISO_LENIENT, &f->end) || f->end <= f->start) {
		json_int_t dur = json_integer_value(json_object_get(m, "duration_min"));
		f->end = f->start + (dur > 0 ? dur : 15) * 60;
	}
	f->cancel = k->flags & NOTICE_CANCEL;
	f->lang = vmodel_str(m, "lang");
	if (!i18n_supported(f->lang))
		f->lang = i18n_default();
	f->now = (int64_t)time(NULL);
	f->sequence = ics_sequence(m, k, f->now);
	char host[256];
	nt_public_host(host, sizeof host);
	snprintf(f->uid, sizeof f->uid, "%s@%s", f->code, host);
	from_address(f->from, sizeof f->from);
	/* The description is a text template, so it says what the mail says; without templates
	 * (a bare notify_ics call) it falls back to the code and the manage link. */
	if (nt_compose_part("mail/ics", false, k, f->lang, m, &f->desc) != 0)
		f->desc = xasprintf("%s\n%s", f->code, vmodel_str(m, "manage_url"));
	for (size_t n = strlen(f->desc); n > 0 && (f->desc[n - 1] == '\n' || f->desc[n - 1] == ' '); n--)
		f->desc[n - 1] = '\0';
	f->location = ics_location(m, f->lang, &f->loc_buf);
	const char *service = vmodel_str(m, "service.name");
	f->summary = xasprintf("%s (%s)", *service ? service : f->code, nt_compose_city(m));
	f->manage = vmodel_str(m, "manage_url");
	return true;
}

static void ics_facts_free(ics_facts_t *f)
{
	free(f->desc);
	free(f->loc_buf);
	free(f->summary);
}

/* The organiser (the city, from mail.from) and the citizen as attendee. */
static void ics_people(icalcomponent *ev, const json_t *m, const ics_facts_t *f)
{
	char *mailto = xasprintf("mailto:%s", f->from);
	icalproperty *org = icalproperty_new_organizer(mailto);
	icalproperty_add_parameter(org, icalparameter_new_cn(nt_compose_city(m)));
	icalcomponent_add_property(ev, org);
	free(mailto);
	const char *email = vmodel_str(m, "email");
	if (!nt_mime_addr_ok(email))
		return;
	mailto = xasprintf("mailto:%s", email);
	icalproperty *att = icalproperty_new_attendee(mailto);
	const char *name = vmodel_str(m, "name");
	if (*name)
		icalproperty_add_parameter(att, icalparameter_new_cn(name));
	icalproperty_add_parameter(att, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
	icalproperty_add_parameter(att, icalparameter_new_partstat(f->cancel ? ICAL_PARTSTAT_DECLINED
									     : ICAL_PARTSTAT_ACCEPTED));
	icalproperty_add_parameter(att, icalparameter_new_rsvp(ICAL_RSVP_FALSE));
	icalcomponent_add_property(ev, att);
	free(mailto);
}

/* p with LANGUAGE= the text's language (RFC 5545 3.2.10), so a calendar shows and reads it
 * right (an Arabic summary right to left). */
static icalproperty *in_lang(icalproperty *p, const ics_facts_t *f)
{
	icalproperty_add_parameter(p, icalparameter_new_language(i18n_tag(f->lang)));
	return p;
}

static icalcomponent *ics_event(const json_t *m, const ics_facts_t *f)
{
	icalcomponent *ev = icalcomponent_new_vevent();
	icalcomponent_add_property(ev, icalproperty_new_uid(f->uid));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(utc_time(f->now)));
	icalcomponent_add_property(ev, icalproperty_new_dtstart(utc_time(f->start)));
	icalcomponent_add_property(ev, icalproperty_new_dtend(utc_time(f->end)));
	icalcomponent_add_property(ev, icalproperty_new_sequence(f->sequence));
	icalcomponent_add_property(ev,
				   icalproperty_new_status(f->cancel ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
	icalcomponent_add_property(ev, in_lang(icalproperty_new_summary(f->summary), f));
	if (*f->location)
		icalcomponent_add_property(ev, icalproperty_new_location(f->location));
	icalcomponent_add_property(ev, in_lang(icalproperty_new_description(f->desc), f));
	if (*f->manage)
		icalcomponent_add_property(ev, icalproperty_new_url(f->manage));
	icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_OPAQUE));
	ics_people(ev, m, f);
	if (!f->cancel) {
		icalcomponent *alarm = icalcomponent_new_valarm();
		icalcomponent_add_property(alarm, icalproperty_new_action(ICAL_ACTION_DISPLAY));
		/* An hour ahead: the mail reminder comes a day before; this one gets them out the door. */
		icalcomponent_add_property(alarm, icalproperty_new_trigger(icaltriggertype_from_int(-3600)));
		icalcomponent_add_property(alarm, icalproperty_new_description(f->summary));
		icalcomponent_add_component(ev, alarm);
	}
	return ev;
}

static char *ics_build(const json_t *m, const cap_notice_t *k, size_t *len)
{
	ics_facts_t f;
	if (!ics_facts(m, k, &f))
		return NULL;
	pthread_mutex_lock(&ical_mu);
	icalcomponent *cal = icalcomponent_new_vcalendar();
	icalcomponent_add_property(cal, icalproperty_new_prodid("-//Finestreta//Cita previa//CA"));
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(cal, icalproperty_new_method(f.cancel ? ICAL_METHOD_CANCEL : ICAL_METHOD_REQUEST));
	icalcomponent_add_component(cal, ics_event(m, &f));
	char *s = icalcomponent_as_ical_string_r(cal);
	char *out = s ? xstrdup(s) : NULL;
	if (s)
		icalmemory_free_buffer(s);
	icalcomponent_free(cal);
	pthread_mutex_unlock(&ical_mu);
	ics_facts_free(&f);
	if (out && len)
		*len = strlen(out);
	return out;
}

char *notify_ics_kind(const json_t *m, const char *kind, size_t *len)
{
	const cap_notice_t *k = cap_notice_find(kind ? kind : "");
	return k ? ics_build(m, k, len) : NULL;
}

char *notify_ics(const json_t *appointment_model, size_t *len)
{
	bool cancelled = str_eq(vmodel_str(appointment_model, "status"), "cancelled");
	return ics_build(appointment_model, cancelled ? &ics_cancelled : &ics_current, len);
}
