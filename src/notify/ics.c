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
	app_t *app = notify_app();
	const char *from = app ? config_str(app->cfg, "mail.from") : "";
	if (!mime_addr_split(from, buf, n, NULL, 0) || !strchr(buf, '@'))
		snprintf(buf, n, "noreply@localhost");
	return buf;
}

/* A calendar file outside any message: the appointment as it stands. */
static const cap_notice_t ics_current = {"", "mail/ics", "", "", "", NOTICE_APPOINTMENT | NOTICE_FIRST};
static const cap_notice_t ics_cancelled = {"", "mail/ics", "", "", "", NOTICE_APPOINTMENT | NOTICE_CANCEL};

static char *ics_build(const json_t *m, const cap_notice_t *k, size_t *len)
{
	const char *code = vmodel_str(m, "code");
	int64_t start, end;
	if (!*code || tz_iso_parse(vmodel_str(m, "start"), TZ_ISO_LENIENT, &start))
		return NULL;
	if (tz_iso_parse(vmodel_str(m, "end"), TZ_ISO_LENIENT, &end) || end <= start) {
		json_int_t dur = json_integer_value(json_object_get(m, "duration_min"));
		end = start + (dur > 0 ? dur : 15) * 60;
	}
	bool cancel = k->flags & NOTICE_CANCEL;
	const char *lang = vmodel_str(m, "lang");
	if (!i18n_supported(lang))
		lang = i18n_langs[0];
	const char *channel = vmodel_str(m, "channel");
	int64_t now = (int64_t)time(NULL);
	int sequence = 0;
	const json_t *seq = json_object_get(m, "sequence");
	if (json_is_integer(seq))
		/* A cancellation outranks the last version the citizen was sent, whose SEQUENCE is the
		 * model's (the appointment itself does not change when it is cancelled). */
		sequence = (int)json_integer_value(seq) + (cancel ? 1 : 0);
	else if (!(k->flags & NOTICE_FIRST) && now > SEQUENCE_EPOCH)
		sequence = (int)(now - SEQUENCE_EPOCH);

	char host[256], uid[512], from[256];
	notify_public_host(host, sizeof host);
	snprintf(uid, sizeof uid, "%s@%s", code, host);
	from_address(from, sizeof from);

	/* The description is a text template, so it says what the mail says; without templates
	 * (a bare notify_ics call) it falls back to the code and the manage link. */
	char *desc = NULL;
	if (compose_part("mail/ics", false, k, lang, m, &desc) != 0)
		desc = xasprintf("%s\n%s", code, vmodel_str(m, "manage_url"));
	for (size_t n = strlen(desc); n > 0 && (desc[n - 1] == '\n' || desc[n - 1] == ' '); n--)
		desc[n - 1] = '\0';

	const char *location;
	char *loc_buf = NULL;
	if (str_eq(channel, "phone"))
		location = i18n_get(lang, "ics_location_phone");
	else if (str_eq(channel, "video"))
		location = i18n_get(lang, "ics_location_video");
	else {
		const char *oname = vmodel_str(m, "office.name"), *addr = vmodel_str(m, "office.address");
		loc_buf = *oname && *addr ? xasprintf("%s, %s", oname, addr) : xstrdup(*addr ? addr : oname);
		location = loc_buf;
	}
	const char *summary = vmodel_str(m, "service.name");
	char *summary_buf = xasprintf("%s (%s)", *summary ? summary : code, compose_city(m));

	pthread_mutex_lock(&ical_mu);
	icalcomponent *cal = icalcomponent_new_vcalendar();
	icalcomponent_add_property(cal, icalproperty_new_prodid("-//Finestreta//Cita previa//CA"));
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(cal, icalproperty_new_method(cancel ? ICAL_METHOD_CANCEL : ICAL_METHOD_REQUEST));

	icalcomponent *ev = icalcomponent_new_vevent();
	icalcomponent_add_property(ev, icalproperty_new_uid(uid));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(utc_time(now)));
	icalcomponent_add_property(ev, icalproperty_new_dtstart(utc_time(start)));
	icalcomponent_add_property(ev, icalproperty_new_dtend(utc_time(end)));
	icalcomponent_add_property(ev, icalproperty_new_sequence(sequence));
	icalcomponent_add_property(ev, icalproperty_new_status(cancel ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
	icalcomponent_add_property(ev, icalproperty_new_summary(summary_buf));
	if (*location)
		icalcomponent_add_property(ev, icalproperty_new_location(location));
	icalcomponent_add_property(ev, icalproperty_new_description(desc));
	const char *manage = vmodel_str(m, "manage_url");
	if (*manage)
		icalcomponent_add_property(ev, icalproperty_new_url(manage));
	icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_OPAQUE));

	char *mailto = xasprintf("mailto:%s", from);
	icalproperty *org = icalproperty_new_organizer(mailto);
	icalproperty_add_parameter(org, icalparameter_new_cn(compose_city(m)));
	icalcomponent_add_property(ev, org);
	free(mailto);
	const char *email = vmodel_str(m, "email");
	if (mime_addr_ok(email)) {
		mailto = xasprintf("mailto:%s", email);
		icalproperty *att = icalproperty_new_attendee(mailto);
		const char *name = vmodel_str(m, "name");
		if (*name)
			icalproperty_add_parameter(att, icalparameter_new_cn(name));
		icalproperty_add_parameter(att, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
		icalproperty_add_parameter(att, icalparameter_new_partstat(cancel ? ICAL_PARTSTAT_DECLINED
										  : ICAL_PARTSTAT_ACCEPTED));
		icalproperty_add_parameter(att, icalparameter_new_rsvp(ICAL_RSVP_FALSE));
		icalcomponent_add_property(ev, att);
		free(mailto);
	}
	if (!cancel) {
		icalcomponent *alarm = icalcomponent_new_valarm();
		icalcomponent_add_property(alarm, icalproperty_new_action(ICAL_ACTION_DISPLAY));
		/* An hour ahead: the mail reminder comes a day before; this one gets them out the door. */
		icalcomponent_add_property(alarm, icalproperty_new_trigger(icaltriggertype_from_int(-3600)));
		icalcomponent_add_property(alarm, icalproperty_new_description(summary_buf));
		icalcomponent_add_component(ev, alarm);
	}
	icalcomponent_add_component(cal, ev);
	char *s = icalcomponent_as_ical_string_r(cal);
	char *out = s ? xstrdup(s) : NULL;
	if (s)
		icalmemory_free_buffer(s);
	icalcomponent_free(cal);
	pthread_mutex_unlock(&ical_mu);

	free(desc);
	free(loc_buf);
	free(summary_buf);
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
