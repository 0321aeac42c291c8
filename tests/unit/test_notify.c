/* test_notify.c — notifications: mail composition for every kind × language × channel, the text
 * part's unescaping, the .ics fields (parsed back with libical), the MIME writer (encoded words,
 * header injection, structure), the backoff schedule, and the outbox on storage: dedupe,
 * superseding, withdrawal, the claim two connections race for, delivery to the .eml folder, and
 * failure → retry → dead → "retry now". The storage tests run on SQLite, and on PostgreSQL too
 * when FINESTRETA_TEST_PG_URL is set. Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app.h"
#include "base/mem.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/config.h"
#include "base/err.h"
#include "base/log.h"
#include "db/db.h"
#include "notify/internal.h"
#include "notify/notify.h"
#include "render/pdf.h"
#include "view/i18n.h"
#include "view/view.h"
#include "base/tz.h"
#include "core/cap.h"
#include "testapp.h"

#include <dirent.h>
#include <libical/ical.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static app_t app;
static char tmpdir[64];

/* 2026-04-06 09:30 Europe/Madrid (CEST) = 07:30 UTC. */
#define START_UTC 1775460600

static json_t *appointment(const char *channel, const char *lang, const char *name)
{
	json_t *m =
		json_pack("{s:s,s:s,s:s,s:s,s:{s:s,s:s},s:s,s:s,s:{s:s,s:s,s:s,s:s},s:s,s:i,s:s,s:s,s:s,"
			  "s:s,s:[s,s],s:s,s:i}",
			  "code", "K7M4QX", "token", "tok123", "manage_url",
			  "https://cita.vilamar.example/cita/K7M4QX?token=tok123", "status", "booked", "service",
			  "code", "padro", "name", "Alta al padró", "start", "2026-04-06T09:30:00+02:00", "end",
			  "2026-04-06T09:45:00+02:00", "start_local", "date", "2026-04-06", "time", "09:30", "weekday",
			  "dilluns", "long", "dilluns, 6 d'abril de 2026", "tz", "Europe/Madrid", "duration_min", 15,
			  "name", name, "email", "anna@example.cat", "phone", "+34600111222", "lang", lang, "documents",
			  "Contracte de lloguer", "Llibre de família", "channel", channel, "sequence", 0);
	if (strcmp(channel, "in_person") == 0)
		json_object_set_new(m, "office",
				    json_pack("{s:s,s:s,s:s,s:s,s:s}", "code", "OAC-CENTRE", "name", "OAC Centre",
					      "address", "Plaça de la Vila 1, 08999 Vilamar", "phone",
					      "+34 930 000 010", "accessibility",
					      "Entrada sense graons; bucle magnètic"));
	if (strcmp(channel, "video") == 0) /* booking_model gives these with the token */
		json_object_set_new(m, "video_url",
				    json_string("https://cita.vilamar.example/video/K7M4QX?token=tok123"));
	if (strcmp(channel, "in_person") != 0)
		json_object_set_new(m, "docs_url",
				    json_string("https://cita.vilamar.example/docs/K7M4QX?token=tok123"));
	return m;
}

static int global_setup(void **state)
{
	(void)state;
	log_set_quiet(1);
	if (sodium_init() < 0)
		return -1;
	cap_declare();
	const char *const settings[] = {"server.public_url", "https://cita.vilamar.example/", "mail.from",
					"Cita prèvia <cita@vilamar.example>", NULL};
	return testapp_start(&app, "notify", settings, tmpdir, sizeof tmpdir);
}

static int global_teardown(void **state)
{
	(void)state;
	return testapp_stop(&app, tmpdir);
}

static void set(const char *name, const char *value)
{
	char err[256];
	if (config_set(app.cfg, name, value, err, sizeof err))
		fail_msg("%s: %s", name, err);
}

/* ---------------------------------------------------------------- composition */

typedef struct {
	const char *kind, *lang, *channel;
	const char *subject_has;                 /* in the subject */
	const char *text_has[4], *text_lacks[2]; /* in / not in the text part (NULL ends) */
} compose_case_t;

static const compose_case_t compose_cases[] = {
	{"booking_confirmed",
	 "ca",
	 "in_person",
	 "Cita confirmada: Alta al padró, dilluns, 6 d'abril de 2026 a les 09:30",
	 {"Plaça de la Vila 1, 08999 Vilamar", "Llibre de família", "bucle magnètic", "token=tok123"},
	 {"Us trucarem", NULL}},
	{"booking_confirmed",
	 "es",
	 "phone",
	 "Cita confirmada: Alta al padró",
	 {"Le llamaremos al +34600111222", "K7M4QX", "Para cambiar o anular la cita", "Contracte de lloguer"},
	 {"Plaça de la Vila", NULL}},
	{"booking_confirmed",
	 "en",
	 "video",
	 "Appointment confirmed: Alta al padró",
	 {"join the video call from this link", "/video/K7M4QX", "/docs/K7M4QX", "K7M4QX"},
	 {"get in touch", NULL}},
	{"booking_changed",
	 "ca",
	 "phone",
	 "Cita modificada",
	 {"La vostra cita ha canviat", "Us trucarem al +34600111222", "token=tok123", NULL},
	 {NULL}},
	{"booking_changed", "en", "in_person", "Appointment changed", {"OAC Centre", "What to bring", NULL}, {NULL}},
	{"booking_cancelled",
	 "ca",
	 "in_person",
	 "Cita anul·lada: Alta al padró",
	 {"s'ha anul·lat", "K7M4QX", "https://cita.vilamar.example.", NULL},
	 {"token=tok123", "Què cal portar"}},
	{"booking_cancelled", "es", "video", "Cita anulada", {"ha sido anulada", NULL}, {"token=tok123", NULL}},
	{"booking_reminder",
	 "es",
	 "in_person",
	 "Recordatorio de cita",
	 {"Le recordamos", "Qué debe traer", NULL},
	 {NULL}},
	{"booking_reminder", "en", "phone", "Appointment reminder", {"We will call you at +34600111222", NULL}, {NULL}},
	{"test",
	 "ca",
	 "in_person",
	 "Ajuntament de Vilamar: missatge de prova",
	 {"missatge de prova", NULL},
	 {"K7M4QX", NULL}},
	{"test", "en", "in_person", "test message", {"sending mail works", NULL}, {NULL}},
};

static void test_compose_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof compose_cases / sizeof compose_cases[0]; i++) {
		const compose_case_t *k = &compose_cases[i];
		json_t *m = appointment(k->channel, k->lang, "Anna Puig");
		if (strcmp(k->kind, "test") == 0) {
			json_decref(m);
			m = json_object();
		}
		char *subject = NULL, *text = NULL, *html = NULL, *sms = NULL;
		int rc = notify_compose(k->kind, k->lang, m, &subject, &text, &html, &sms);
		if (rc)
			fail_msg("case %zu %s/%s: %s", i, k->kind, k->lang, err_name(rc));
		if (!strstr(subject, k->subject_has))
			fail_msg("case %zu %s/%s: subject '%s' lacks '%s'", i, k->kind, k->lang, subject,
				 k->subject_has);
		for (int j = 0; j < 4 && k->text_has[j]; j++)
			if (!strstr(text, k->text_has[j]))
				fail_msg("case %zu %s/%s: text lacks '%s':\n%s", i, k->kind, k->lang, k->text_has[j],
					 text);
		for (int j = 0; j < 2 && k->text_lacks[j]; j++)
			if (strstr(text, k->text_lacks[j]))
				fail_msg("case %zu %s/%s: text has '%s':\n%s", i, k->kind, k->lang, k->text_lacks[j],
					 text);
		/* The HTML part says the same things, in its own language, and is a whole document. */
		char lang_attr[32];
		snprintf(lang_attr, sizeof lang_attr, "<html lang=\"%s\" dir=\"ltr\">", k->lang);
		assert_non_null(strstr(html, lang_attr));
		assert_non_null(strstr(html, "</html>"));
		assert_null(strstr(html, "<script"));
		assert_null(strstr(html, "<link"));
		if (strcmp(k->kind, "test") != 0) {
			assert_non_null(strstr(html, "K7M4QX"));
			assert_non_null(strstr(sms, "K7M4QX"));
			assert_non_null(strstr(sms, "06/04/2026"));
			assert_null(strstr(sms, "token="));
		}
		assert_true(strlen(sms) <= 160);
		free(subject);
		free(text);
		free(html);
		free(sms);
		json_decref(m);
	}
	/* An unknown kind. */
	char *s = NULL;
	assert_int_equal(notify_compose("booking_lost", "ca", NULL, &s, NULL, NULL, NULL), ERR_NOT_FOUND);
	assert_null(s);
}

/* Names are escaped in HTML and left as typed in the text part. */
static void test_compose_escaping(void **state)
{
	(void)state;
	const char *name = "Anna & <Joan> \"O'Neil\"";
	json_t *m = appointment("in_person", "ca", name);
	char *subject, *text, *html;
	assert_int_equal(notify_compose("booking_confirmed", "ca", m, &subject, &text, &html, NULL), 0);
	assert_non_null(strstr(text, "Hola, Anna & <Joan> \"O'Neil\":"));
	assert_null(strstr(text, "&amp;"));
	assert_non_null(strstr(html, "Anna &amp; &lt;Joan&gt; &quot;O&#39;Neil&quot;"));
	assert_null(strstr(html, "<Joan>"));
	free(subject);
	free(text);
	free(html);
	json_decref(m);
}

/* Without start_local the date comes from start and tz. */
static void test_compose_fallback_date(void **state)
{
	(void)state;
	json_t *m = appointment("phone", "es", "Anna");
	json_object_del(m, "start_local");
	char *subject;
	assert_int_equal(notify_compose("booking_confirmed", "es", m, &subject, NULL, NULL, NULL), 0);
	assert_string_equal(subject, "Cita confirmada: Alta al padró, lunes 06/04/2026 a las 09:30");
	free(subject);
	json_decref(m);
}

/* ---------------------------------------------------------------- iCalendar */

static const char *prop_text(icalcomponent *c, icalproperty_kind k)
{
	icalproperty *p = icalcomponent_get_first_property(c, k);
	return p ? icalproperty_get_value_as_string(p) : NULL;
}

typedef struct {
	const char *kind, *channel, *lang;
	const char *method, *status, *location;
	int sequence; /* -1: "seconds since 2026" (just > 0) */
	bool alarm;
} ics_case_t;

static const ics_case_t ics_cases[] = {
	{"booking_confirmed", "in_person", "ca", "REQUEST", "CONFIRMED",
	 "OAC Centre, Plaça de la Vila 1, 08999 Vilamar", 0, true},
	{"booking_changed", "phone", "ca", "REQUEST", "CONFIRMED", "Telèfon", 3, true},
	{"booking_reminder", "video", "es", "REQUEST", "CONFIRMED", "Videollamada", 3, true},
	{"booking_cancelled", "video", "en", "CANCEL", "CANCELLED", "Video call", 4, false}, /* → 5 */
	{"booking_cancelled", "phone", "ca", "CANCEL", "CANCELLED", "Telèfon", -1, false},
};

static void test_ics_fields(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof ics_cases / sizeof ics_cases[0]; i++) {
		const ics_case_t *k = &ics_cases[i];
		json_t *m = appointment(k->channel, k->lang, "Anna Puig");
		if (k->sequence >= 0)
			json_object_set_new(m, "sequence", json_integer(k->sequence));
		else
			json_object_del(m, "sequence");
		size_t len = 0;
		char *ics = notify_ics_kind(m, k->kind, &len);
		assert_non_null(ics);
		assert_int_equal(len, strlen(ics));
		assert_non_null(strstr(ics, "\r\n")); /* RFC 5545 line ends */
		icalcomponent *cal = icalparser_parse_string(ics);
		assert_non_null(cal);
		assert_string_equal(icalproperty_method_to_string(icalcomponent_get_method(cal)), k->method);
		icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
		assert_non_null(ev);
		assert_string_equal(icalcomponent_get_uid(ev), "K7M4QX@cita.vilamar.example");
		struct icaltimetype st = icalcomponent_get_dtstart(ev), en = icalcomponent_get_dtend(ev);
		assert_true(icaltime_is_utc(st));
		assert_int_equal((int64_t)icaltime_as_timet(st), START_UTC);
		assert_int_equal((int64_t)icaltime_as_timet(en), START_UTC + 15 * 60);
		assert_non_null(strstr(ics, "DTSTART:20260406T073000Z"));
		assert_string_equal(prop_text(ev, ICAL_STATUS_PROPERTY), k->status);
		assert_string_equal(icalcomponent_get_location(ev), k->location);
		assert_non_null(strstr(icalcomponent_get_summary(ev), "Alta al padró"));
		assert_string_equal(prop_text(ev, ICAL_URL_PROPERTY),
				    "https://cita.vilamar.example/cita/K7M4QX?token=tok123");
		assert_non_null(strstr(icalcomponent_get_description(ev), "K7M4QX"));
		int seq = icalcomponent_get_sequence(ev);
		if (k->sequence >= 0) /* a cancellation outranks the version it cancels */
			assert_int_equal(seq, k->sequence + (strcmp(k->method, "CANCEL") == 0));
		else
			assert_true(seq > 0);
		assert_non_null(icalcomponent_get_first_property(ev, ICAL_DTSTAMP_PROPERTY));
		assert_non_null(strstr(prop_text(ev, ICAL_ORGANIZER_PROPERTY), "cita@vilamar.example"));
		assert_non_null(strstr(prop_text(ev, ICAL_ATTENDEE_PROPERTY), "anna@example.cat"));
		icalcomponent *alarm = icalcomponent_get_first_component(ev, ICAL_VALARM_COMPONENT);
		assert_int_equal(alarm != NULL, k->alarm);
		icalcomponent_free(cal);
		free(ics);
		json_decref(m);
	}
	/* notify_ics follows the model's status; a model without a code or start has no calendar. */
	json_t *m = appointment("phone", "ca", "Anna");
	json_object_set_new(m, "status", json_string("cancelled"));
	char *ics = notify_ics(m, NULL);
	assert_non_null(strstr(ics, "METHOD:CANCEL"));
	free(ics);
	json_object_set_new(m, "start", json_string("6 April"));
	assert_null(notify_ics(m, NULL));
	json_decref(m);
}

/* ---------------------------------------------------------------- small pieces */

static void test_iso(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int rc;
		int64_t t;
	} cases[] = {
		{"2026-04-06T09:30:00+02:00", 0, START_UTC},
		{"2026-04-06T07:30:00Z", 0, START_UTC},
		{"2026-04-06T07:30Z", 0, START_UTC},
		{"2026-04-06T07:30:00.250Z", 0, START_UTC},
		{"2026-04-06T04:00:00-03:30", 0, START_UTC},
		{"2026-02-29T09:30:00+01:00", ERR_INVALID, 0},
		{"2026-04-06T24:00:00Z", ERR_INVALID, 0},
		{"2026-04-06T09:30:00", ERR_INVALID, 0},
		{"2026-04-06T09:30:00+2:00", ERR_INVALID, 0},
		{"2026-4-06T09:30:00Z", ERR_INVALID, 0},
		{"", ERR_INVALID, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t t = 0;
		int rc = tz_iso_parse(cases[i].s, TZ_ISO_LENIENT, &t);
		if (rc != cases[i].rc || (rc == 0 && t != cases[i].t))
			fail_msg("'%s': rc %d t %lld", cases[i].s, rc, (long long)t);
	}
}

static void test_backoff(void **state)
{
	(void)state;
	static const struct {
		int64_t base;
		int attempts;
		int64_t wait;
	} cases[] = {
		{30, 1, 30},   {30, 2, 60},   {30, 3, 120},    {30, 4, 240},     {30, 5, 480}, {30, 6, 960},
		{30, 7, 1920}, {30, 8, 3600}, {30, 9, 3600},   {30, 1000, 3600}, {1, 1, 1},    {1, 2, 2},
		{1, 10, 512},  {1, 13, 3600}, {5000, 1, 5000}, {5000, 4, 5000},  {30, 0, 30},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t w = notify_backoff(cases[i].base, cases[i].attempts);
		if (w != cases[i].wait)
			fail_msg("base %lld attempt %d: %lld, want %lld", (long long)cases[i].base, cases[i].attempts,
				 (long long)w, (long long)cases[i].wait);
	}
}

static void test_addresses(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		bool ok;
	} cases[] = {
		{"anna@example.cat", true},
		{"anna.puig+cita@sub.example.cat", true},
		{"a@b.co", true},
		{"anna@localhost", false},
		{"anna@example.", false},
		{"anna@.example.cat", false},
		{"anna@example..cat", false},
		{"@example.cat", false},
		{"anna@@example.cat", false},
		{"anna puig@example.cat", false},
		{"anna@example.cat\r\nBcc: x@y.z", false},
		{"<anna@example.cat>", false},
		{"anna@exàmple.cat", false},
		{"", false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (nt_mime_addr_ok(cases[i].s) != cases[i].ok)
			fail_msg("'%s' should be %s", cases[i].s, cases[i].ok ? "accepted" : "refused");
	char addr[64], name[64];
	assert_true(nt_mime_addr_split("Cita prèvia <cita@vilamar.example>", addr, sizeof addr, name, sizeof name));
	assert_string_equal(addr, "cita@vilamar.example");
	assert_string_equal(name, "Cita prèvia");
	assert_true(nt_mime_addr_split(" cita@vilamar.example ", addr, sizeof addr, name, sizeof name));
	assert_string_equal(addr, "cita@vilamar.example");
	assert_string_equal(name, "");
	assert_false(nt_mime_addr_split("Cita <cita@vilamar.example", addr, sizeof addr, name, sizeof name));
}

/* Decodes the base64 body that follows the part header naming ctype: new bytes (NUL-terminated)
 * with their length in *len (may be NULL), or NULL. */
static char *part_bytes(const char *msg, const char *ctype, size_t *len)
{
	const char *h = strstr(msg, ctype);
	if (!h)
		return NULL;
	const char *b = strstr(h, "\r\n\r\n");
	if (!b)
		return NULL;
	b += 4;
	const char *e = strstr(b, "\r\n--");
	if (!e)
		return NULL;
	size_t max = (size_t)(e - b);
	char *out = malloc(max + 1);
	size_t n = 0;
	if (sodium_base642bin((unsigned char *)out, max, b, (size_t)(e - b), "\r\n", &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL)) {
		free(out);
		return NULL;
	}
	out[n] = '\0';
	if (len)
		*len = n;
	return out;
}

/* The same as a string. */
static char *part_body(const char *msg, const char *ctype)
{
	return part_bytes(msg, ctype, NULL);
}

static void test_mime(void **state)
{
	(void)state;
	nt_mime_msg_t m = {
		.from_addr = "cita@vilamar.example",
		.from_name = "Ajuntament de l'Hospitalet · Cita",
		.to_addr = "anna@example.cat",
		.to_name = "Anna",
		.subject = "Cita confirmada: Alta al padró\r\nBcc: victim@example.cat",
		.lang = "ca",
		.text = "Línia 1\nLínia 2\n",
		.html = "<p>Hola</p>",
		.ics = "BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n",
		.ics_method = "CANCEL",
		.ics_filename = "cita-K7M4QX.ics",
		.message_id = "outbox-1.2@cita.vilamar.example",
		.date = START_UTC,
		.boundary_seed = "1:2:key",
	};
	buf_t b;
	buf_init(&b, 1 << 20);
	assert_int_equal(nt_mime_write(&m, &b), 0);
	const char *s = buf_str(&b);
	/* No header line can be forged through a value. */
	assert_null(strstr(s, "\r\nBcc:"));
	assert_non_null(strstr(s, "\r\nSubject: =?UTF-8?B?"));
	assert_non_null(strstr(s, "From: =?UTF-8?B?"));
	assert_non_null(strstr(s, "<cita@vilamar.example>\r\n"));
	assert_non_null(strstr(s, "To: \"Anna\" <anna@example.cat>\r\n"));
	assert_non_null(strstr(s, "Date: Mon, 06 Apr 2026 07:30:00 +0000\r\n"));
	assert_non_null(strstr(s, "Message-ID: <outbox-1.2@cita.vilamar.example>\r\n"));
	assert_non_null(strstr(s, "MIME-Version: 1.0\r\n"));
	assert_non_null(strstr(s, "Content-Type: multipart/mixed; boundary="));
	assert_non_null(strstr(s, "Content-Type: multipart/alternative; boundary="));
	assert_non_null(
		strstr(s, "Content-Type: text/calendar; charset=UTF-8; method=CANCEL;\r\n name=\"cita-K7M4QX.ics\""));
	assert_non_null(strstr(s, "Content-Disposition: attachment; filename=\"cita-K7M4QX.ics\""));
	/* Text parts are canonical (CRLF) inside their base64. */
	char *text = part_body(s, "text/plain; charset=UTF-8");
	assert_non_null(text);
	assert_string_equal(text, "Línia 1\r\nLínia 2\r\n");
	free(text);
	char *ics = part_body(s, "text/calendar");
	assert_non_null(ics);
	assert_non_null(strstr(ics, "METHOD:CANCEL"));
	free(ics);
	/* No line is longer than 78 characters (RFC 5322's recommendation). */
	for (const char *p = s, *e; *p; p = e + 2) {
		e = strstr(p, "\r\n");
		if (!e)
			break;
		if (e - p > 78)
			fail_msg("line too long: %.*s", (int)(e - p), p);
	}
	/* A bad recipient is refused; a too small cap leaves the buffer as it was. */
	m.to_addr = "anna@example.cat>\r\nBcc: x";
	buf_reset(&b);
	assert_int_equal(nt_mime_write(&m, &b), ERR_INVALID);
	buf_free(&b);
	m.to_addr = "anna@example.cat";
	buf_init(&b, 300);
	assert_int_equal(nt_mime_write(&m, &b), ERR_TOO_BIG);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

/* A stored attachment: a base64 part of its own inside multipart/mixed, with or without an .ics,
 * its bytes (a NUL among them) intact, its name and type unable to carry anything else. */
static void test_mime_attachment(void **state)
{
	(void)state;
	static const unsigned char pdf[] = "%PDF-1.5\n\0\x01\xff binary\r\n--not a boundary\n%%EOF";
	nt_mime_msg_t m = {
		.from_addr = "cita@vilamar.example",
		.to_addr = "direccio@vilamar.example",
		.subject = "Les xifres de novembre de 2026",
		.lang = "ca",
		.text = "La memòria en PDF va adjunta.\n",
		.html = "<p>Hola</p>",
		.att = pdf,
		.att_len = sizeof pdf - 1,
		.att_name = "figures-2026-11.pdf",
		.att_type = "application/pdf",
		.message_id = "outbox-7.8@cita.vilamar.example",
		.date = START_UTC,
		.boundary_seed = "7:8:key",
	};
	for (int with_ics = 0; with_ics < 2; with_ics++) {
		m.ics = with_ics ? "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n" : NULL;
		m.ics_filename = "cita-K7M4QX.ics";
		buf_t b;
		buf_init(&b, 1 << 20);
		assert_int_equal(nt_mime_write(&m, &b), 0);
		const char *s = buf_str(&b);
		assert_non_null(strstr(s, "Content-Type: multipart/mixed; boundary="));
		assert_non_null(strstr(s, "Content-Type: multipart/alternative; boundary="));
		assert_non_null(strstr(s, "Content-Type: application/pdf;\r\n name=\"figures-2026-11.pdf\"\r\n"
					  "Content-Disposition: attachment; filename=\"figures-2026-11.pdf\"\r\n"
					  "Content-Transfer-Encoding: base64\r\n\r\n"));
		assert_true((strstr(s, "text/calendar") != NULL) == (with_ics == 1));
		size_t n = 0;
		char *got = part_bytes(s, "Content-Type: application/pdf", &n);
		assert_non_null(got);
		assert_int_equal(n, sizeof pdf - 1);
		assert_memory_equal(got, pdf, n);
		free(got);
		/* The closing boundary of multipart/mixed ends the message. */
		const char *mix = strstr(s, "boundary=\"=_mix_");
		assert_non_null(mix);
		char close[64];
		snprintf(close, sizeof close, "--%.30s--\r\n", mix + strlen("boundary=\""));
		assert_true(b.len > strlen(close));
		assert_string_equal(s + b.len - strlen(close), close);
		buf_free(&b);
	}
	/* A name or type that would add a header or a parameter is neutralised. */
	m.ics = NULL;
	m.att_name = "x\"\r\nBcc: victim@example.cat.pdf";
	m.att_type = "application/pdf\r\nBcc: victim@example.cat";
	buf_t b;
	buf_init(&b, 1 << 20);
	assert_int_equal(nt_mime_write(&m, &b), 0);
	assert_null(strstr(buf_str(&b), "\r\nBcc:"));
	assert_non_null(strstr(buf_str(&b),
			       "Content-Type: application/octet-stream;\r\n name=\"x___Bcc__victim_example.cat.pdf\""));
	buf_free(&b);
}

static void test_pdf(void **state)
{
	(void)state;
	json_t *m = appointment("in_person", "ca", "Anna Puig");
	unsigned char *pdf = NULL;
	size_t len = 0;
	assert_int_equal(pdf_receipt(m, "ca", &pdf, &len), 0);
	assert_true(len > 2000);
	assert_memory_equal(pdf, "%PDF-", 5);
	assert_non_null(memmem(pdf, len, "%%EOF", 5));
	free(pdf);
	json_object_del(m, "code");
	assert_int_equal(pdf_receipt(m, "ca", &pdf, &len), ERR_INVALID);
	json_decref(m);
}

/* ---------------------------------------------------------------- storage */

typedef struct {
	const char *name;
	char url[256];
	db_t *db;
	db_conn_t *c, *c2;
} backend_t;

static backend_t sqlite_backend = {.name = "sqlite"};
static backend_t pg_backend = {.name = "postgresql"};

static int store_setup(void **state)
{
	backend_t *b = *state;
	char err[512];
	if (strcmp(b->name, "sqlite") == 0)
		snprintf(b->url, sizeof b->url, "sqlite:%s/test.db", tmpdir);
	b->db = db_open(b->url, 2, err, sizeof err);
	if (!b->db || db_reset(b->db, err, sizeof err) || cap_migrate(b->db, ".", err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", b->name, err);
		return -1;
	}
	b->c = db_acquire(b->db);
	b->c2 = db_acquire(b->db);
	set("mail.smtp_url", "");
	set("sms.gateway_url", "");
	set("mail.max_attempts", "10");
	set("mail.retry_base", "30");
	return b->c && b->c2 ? 0 : -1;
}

static int store_teardown(void **state)
{
	backend_t *b = *state;
	db_release(b->c);
	db_release(b->c2);
	db_close(b->db);
	return 0;
}

static int64_t count(db_conn_t *c, const char *where)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM outbox WHERE %s", where);
	int64_t n = -1;
	if (db_query_int(c, sql, NULL, 0, &n))
		fail_msg("%s: %s", sql, db_errmsg(c));
	return n;
}

static int enqueue(db_conn_t *c, const char *kind, const char *key, int64_t not_before)
{
	json_t *m = appointment("in_person", "ca", "Anna");
	notify_msg_t msg = {.kind = kind,
			    .lang = "ca",
			    .to_email = "anna@example.cat",
			    .to_phone = "+34600111222",
			    .model = m,
			    .not_before = not_before,
			    .dedupe_key = key};
	int rc = notify_enqueue(c, &msg);
	json_decref(m);
	return rc;
}

static void test_store_dedupe_and_supersede(void **state)
{
	backend_t *b = *state;
	db_conn_t *c = b->c;
	int64_t now = (int64_t)time(NULL);
	/* Inside the caller's transaction: a rollback leaves nothing. */
	assert_int_equal(db_begin(c), 0);
	assert_int_equal(enqueue(c, "booking_confirmed", "confirmed:K7M4QX:0", 0), 0);
	assert_int_equal(db_rollback(c), 0);
	assert_int_equal(count(c, "1=1"), 0);

	assert_int_equal(db_begin(c), 0);
	assert_int_equal(enqueue(c, "booking_confirmed", "confirmed:K7M4QX:0", 0), 0);
	assert_int_equal(enqueue(c, "booking_reminder", "reminder:K7M4QX", now + 86400), 0);
	assert_int_equal(db_commit(c), 0);
	/* No gateway: no SMS rows. The same key again is a no-op. */
	assert_int_equal(count(c, "1=1"), 2);
	assert_int_equal(enqueue(c, "booking_confirmed", "confirmed:K7M4QX:0", 0), 0);
	assert_int_equal(count(c, "1=1"), 2);
	assert_int_equal(count(c, "ref = 'K7M4QX' AND ics LIKE '%METHOD:REQUEST%' AND body_html LIKE '%<html%'"), 2);

	/* A change replaces what still waits: the confirmation and the old reminder go. */
	assert_int_equal(enqueue(c, "booking_changed", "changed:K7M4QX:1", 0), 0);
	assert_int_equal(enqueue(c, "booking_reminder", "reminder:K7M4QX:1", now + 86400), 0);
	assert_int_equal(count(c, "1=1"), 2);
	assert_int_equal(count(c, "dedupe_key IN ('changed:K7M4QX:1', 'reminder:K7M4QX:1')"), 2);
	/* Enqueueing the change again must not drop the new reminder. */
	assert_int_equal(enqueue(c, "booking_changed", "changed:K7M4QX:1", 0), 0);
	assert_int_equal(count(c, "dedupe_key = 'reminder:K7M4QX:1'"), 1);

	/* With a gateway, an SMS twin; withdrawal takes both. */
	set("sms.gateway_url", "http://127.0.0.1:9/sms");
	assert_int_equal(enqueue(c, "booking_reminder", "reminder:K7M4QX:2", now + 86400), 0);
	assert_int_equal(
		count(c, "dedupe_key = 'reminder:K7M4QX:2:sms' AND channel = 'sms' AND to_phone = '+34600111222'"), 1);
	assert_int_equal(count(c, "channel = 'sms' AND length(body_text) <= 160 AND body_html IS NULL"), 1);
	assert_int_equal(notify_withdraw(c, "reminder:K7M4QX:2"), 0);
	assert_int_equal(count(c, "dedupe_key LIKE 'reminder:K7M4QX:2%'"), 0);
	set("sms.gateway_url", "");

	/* A cancellation: no reminder left, a CANCEL calendar. */
	assert_int_equal(enqueue(c, "booking_cancelled", "cancelled:K7M4QX", 0), 0);
	assert_int_equal(count(c, "kind = 'booking_reminder'"), 0);
	assert_int_equal(count(c, "kind = 'booking_cancelled' AND ics LIKE '%METHOD:CANCEL%'"), 1);

	/* Bad input. */
	assert_int_equal(enqueue(c, "booking_lost", "x", 0), ERR_INVALID);
	json_t *m = json_object();
	notify_msg_t bad = {.kind = "booking_confirmed",
			    .lang = "ca",
			    .to_email = "not an address",
			    .model = m,
			    .dedupe_key = "bad"};
	assert_int_equal(notify_enqueue(c, &bad), ERR_INVALID);
	json_decref(m);
	int64_t id = 0;
	assert_int_equal(notify_test_mail(c, "ops@vilamar.example", "es", &id), 0);
	assert_true(id > 0);
	assert_int_equal(count(c, "kind = 'test' AND lang = 'es' AND ics IS NULL"), 1);
	assert_int_equal(notify_test_mail(c, "ops", "es", NULL), ERR_INVALID);
	assert_int_equal(notify_test_mail(c, "ops@vilamar.example", "fr", NULL), ERR_INVALID);
}

/* notify_prepare outside any transaction, notify_enqueue_prepared inside one: the same rows as
 * notify_enqueue (parts, SMS twin, attachment), nothing after a rollback, dedupe and superseding
 * as before; the prepared message keeps nothing of what it was given. */
static void test_store_prepared(void **state)
{
	backend_t *b = *state;
	db_conn_t *c = b->c;
	set("sms.gateway_url", "http://127.0.0.1:9/sms");
	json_t *m = appointment("in_person", "ca", "Anna");
	char *att = xstrdup("%PDF-1.5 prepared");
	notify_msg_t msg = {.kind = "booking_confirmed",
			    .lang = "ca",
			    .to_email = "anna@example.cat",
			    .to_phone = "+34600111222",
			    .model = m,
			    .dedupe_key = "confirmed:K7M4QX:0",
			    .attachment = att,
			    .attachment_len = strlen(att),
			    .attachment_name = "a.pdf",
			    .attachment_type = "application/pdf"};
	notify_prepared_t *p = NULL;
	assert_int_equal(notify_prepare(c, &msg, &p), 0);
	assert_non_null(p);
	/* The same message by notify_enqueue, under another key, to compare with. */
	notify_msg_t plain = msg;
	plain.dedupe_key = "plain:1";
	assert_int_equal(notify_enqueue(c, &plain), 0);
	memset(att, 'x', strlen(att));
	free(att);
	json_decref(m);

	assert_int_equal(db_begin(c), 0);
	assert_int_equal(notify_enqueue_prepared(c, p), 0);
	assert_int_equal(db_rollback(c), 0);
	assert_int_equal(count(c, "dedupe_key LIKE 'confirmed:%'"), 0);

	assert_int_equal(db_begin(c), 0);
	assert_int_equal(notify_enqueue_prepared(c, p), 0);
	assert_int_equal(db_commit(c), 0);
	assert_int_equal(count(c, "dedupe_key = 'confirmed:K7M4QX:0' AND ref = 'K7M4QX' AND channel = 'email' AND "
				  "ics LIKE '%METHOD:REQUEST%' AND attachment_name = 'a.pdf'"),
			 1);
	assert_int_equal(count(c, "dedupe_key = 'confirmed:K7M4QX:0:sms' AND channel = 'sms' AND to_phone = "
				  "'+34600111222' AND attachment IS NULL"),
			 1);
	int64_t same = -1;
	assert_int_equal(db_query_int(c,
				      "SELECT COUNT(*) FROM outbox a JOIN outbox b ON a.channel = b.channel AND "
				      "a.subject = b.subject AND a.lang = b.lang AND a.ref = b.ref AND "
				      "a.kind = b.kind AND "
				      "a.attachment = b.attachment "
				      "AND a.body_text = b.body_text AND a.body_html = b.body_html "
				      "WHERE a.dedupe_key = 'confirmed:K7M4QX:0' AND b.dedupe_key = 'plain:1'",
				      NULL, 0, &same),
			 0);
	assert_int_equal(same, 1);
	/* The same key again is a no-op. */
	assert_int_equal(notify_enqueue_prepared(c, p), 0);
	assert_int_equal(count(c, "dedupe_key LIKE 'confirmed:K7M4QX:0%'"), 2);
	notify_prepared_free(p);

	/* A prepared change supersedes what still waits about the appointment. */
	json_t *mc = appointment("in_person", "ca", "Anna");
	notify_msg_t ch = {.kind = "booking_changed",
			   .lang = "ca",
			   .to_email = "anna@example.cat",
			   .model = mc,
			   .dedupe_key = "changed:K7M4QX:1"};
	assert_int_equal(notify_prepare(c, &ch, &p), 0);
	json_decref(mc);
	assert_int_equal(notify_enqueue_prepared(c, p), 0);
	notify_prepared_free(p);
	assert_int_equal(count(c, "ref = 'K7M4QX'"), 1);
	assert_int_equal(count(c, "dedupe_key = 'changed:K7M4QX:1'"), 1);

	/* Bad input is refused when preparing, as notify_enqueue refuses it. */
	json_t *e = json_object();
	notify_msg_t bad = {.kind = "booking_confirmed",
			    .lang = "ca",
			    .to_email = "nope",
			    .model = e,
			    .dedupe_key = "b"};
	p = NULL;
	assert_int_equal(notify_prepare(c, &bad, &p), ERR_INVALID);
	assert_null(p);
	bad.to_email = "anna@example.cat";
	bad.kind = "booking_lost";
	assert_int_equal(notify_prepare(c, &bad, &p), ERR_INVALID);
	assert_null(p);
	json_decref(e);
	assert_int_equal(notify_enqueue_prepared(c, NULL), ERR_INVALID);
	set("sms.gateway_url", "");
}

/* Two connections race for one message: exactly one gets it, and not again until the lease
 * runs out; a message not yet due is nobody's. */
static void test_store_claim(void **state)
{
	backend_t *b = *state;
	int64_t now = (int64_t)time(NULL);
	assert_int_equal(enqueue(b->c, "booking_confirmed", "claim:1", 0), 0);
	assert_int_equal(enqueue(b->c, "booking_reminder", "claim:2", now + 3600), 0);
	int64_t ids[10];
	size_t n = 0;
	assert_int_equal(nt_outbox_due(b->c, now, ids, 10, &n), 0);
	assert_int_equal(n, 1);
	int64_t id = ids[0];
	assert_int_equal(nt_outbox_claim(b->c, id, now, now + 120), 1);
	assert_int_equal(nt_outbox_claim(b->c2, id, now, now + 120), 0);
	assert_int_equal(nt_outbox_claim(b->c, id, now + 60, now + 180), 0);
	assert_int_equal(nt_outbox_due(b->c2, now + 60, ids, 10, &n), 0);
	assert_int_equal(n, 0);
	/* The claimer died: once the lease is over, another node takes it (attempt 2). */
	assert_int_equal(nt_outbox_claim(b->c2, id, now + 120, now + 240), 1);
	assert_int_equal(count(b->c, "dedupe_key = 'claim:1' AND attempts = 2 AND status = 'queued'"), 1);
	/* The reminder is not due before its time, so nobody can claim it. */
	assert_int_equal(nt_outbox_due(b->c, now + 300, ids, 10, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], id);
	int64_t later = 0;
	assert_int_equal(db_query_int(b->c, "SELECT id FROM outbox WHERE dedupe_key = 'claim:2'", NULL, 0, &later), 0);
	assert_int_equal(nt_outbox_claim(b->c, later, now + 300, now + 400), 0);
	assert_int_equal(nt_outbox_claim(b->c2, later, now + 3600, now + 3700), 1);
	assert_int_equal(count(b->c, "dedupe_key = 'claim:2' AND attempts = 1"), 1);
}

/* Counts the .eml files in the outbox folder. */
static int eml_files(char *first, size_t n)
{
	char dir[96];
	snprintf(dir, sizeof dir, "%s/outbox", tmpdir);
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int k = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		if (strstr(de->d_name, ".eml") && de->d_name[0] != '.') {
			if (k++ == 0 && first)
				snprintf(first, n, "%s/%s", dir, de->d_name);
		}
	closedir(d);
	return k;
}

static void test_store_deliver(void **state)
{
	backend_t *b = *state;
	db_conn_t *c = b->c;
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s/outbox'", tmpdir);
	assert_int_equal(system(cmd), 0);
	int64_t now = (int64_t)time(NULL);
	assert_int_equal(enqueue(c, "booking_confirmed", "deliver:1", 0), 0);
	assert_int_equal(enqueue(c, "booking_reminder", "deliver:2", now + 365 * 86400), 0);

	/* No SMTP: the folder. */
	int sent = -1;
	assert_int_equal(notify_deliver(c, now, &sent), 0);
	assert_int_equal(sent, 1);
	char path[512];
	assert_int_equal(eml_files(path, sizeof path), 1);
	buf_t eml;
	buf_init(&eml, 1 << 20);
	assert_int_equal(buf_read_file(&eml, path), 0);
	assert_non_null(strstr(buf_str(&eml), "To: anna@example.cat\r\n"));
	assert_non_null(strstr(buf_str(&eml), "method=REQUEST"));
	char *text = part_body(buf_str(&eml), "text/plain");
	assert_non_null(text);
	assert_non_null(strstr(text, "K7M4QX"));
	free(text);
	buf_free(&eml);
	assert_int_equal(count(c,
			       "dedupe_key = 'deliver:1' AND status = 'sent' AND sent_at IS NOT NULL AND attempts = 1"),
			 1);
	assert_int_equal(notify_deliver(c, now, &sent), 0);
	assert_int_equal(sent, 0);

	/* An SMTP server that is not there: failed, retried after the backoff, then dead. */
	set("mail.smtp_url", "smtp://127.0.0.1:9");
	set("mail.max_attempts", "3");
	set("mail.timeout", "5");
	assert_int_equal(enqueue(c, "booking_confirmed", "deliver:3", 0), 0);
	assert_int_equal(notify_deliver(c, now, &sent), 0);
	assert_int_equal(sent, 0);
	assert_int_equal(count(c, "dedupe_key = 'deliver:3' AND status = 'failed' AND attempts = 1 AND last_error LIKE "
				  "'smtp:%'"),
			 1);
	int64_t next = 0;
	assert_int_equal(db_query_int(c, "SELECT next_attempt_at FROM outbox WHERE dedupe_key = 'deliver:3'", NULL, 0,
				      &next),
			 0);
	assert_true(next >= now + 30 && next <= (int64_t)time(NULL) + 30);
	/* Not before its time. */
	assert_int_equal(notify_deliver(c, next - 1, &sent), 0);
	assert_int_equal(count(c, "dedupe_key = 'deliver:3' AND attempts = 1"), 1);
	assert_int_equal(notify_deliver(c, next, &sent), 0);
	assert_int_equal(count(c, "dedupe_key = 'deliver:3' AND status = 'failed' AND attempts = 2"), 1);
	assert_int_equal(notify_deliver(c, next + 3600, &sent), 0);
	assert_int_equal(count(c, "dedupe_key = 'deliver:3' AND status = 'dead' AND attempts = 3"), 1);
	assert_int_equal(notify_deliver(c, next + 86400, &sent), 0);
	assert_int_equal(count(c, "dedupe_key = 'deliver:3' AND status = 'dead' AND attempts = 3"), 1);

	/* "Retry now" after the server is back (the folder again). */
	int64_t id = 0;
	assert_int_equal(db_query_int(c, "SELECT id FROM outbox WHERE dedupe_key = 'deliver:3'", NULL, 0, &id), 0);
	assert_int_equal(nt_outbox_retry(c, id, now), 1);
	assert_int_equal(nt_outbox_retry(c, id, now), 0);
	set("mail.smtp_url", "");
	assert_int_equal(notify_deliver(c, now, &sent), 0);
	assert_int_equal(sent, 1);
	assert_int_equal(count(c, "dedupe_key = 'deliver:3' AND status = 'sent' AND last_error IS NULL"), 1);
	assert_int_equal(eml_files(NULL, 0), 2);
	assert_int_equal(nt_outbox_retry(c, id, now), 0); /* sent: nothing to retry */

	/* A stored attachment: kept in the row with the e-mail (not with its SMS twin), sent as a part
	 * of its own, and purged with the message. */
	static const unsigned char att[] = "%PDF-1.5\n\0\xfe\xff%%EOF";
	json_t *model = appointment("in_person", "ca", "Anna");
	notify_msg_t am = {.kind = "booking_confirmed",
			   .lang = "ca",
			   .to_email = "anna@example.cat",
			   .to_phone = "+34600111222",
			   .model = model,
			   .dedupe_key = "deliver:att",
			   .not_before = now, /* due at this test's now, not at the clock's later second */
			   .attachment = att,
			   .attachment_len = sizeof att - 1,
			   .attachment_name = "figures-2026-11.pdf",
			   .attachment_type = "application/pdf"};
	set("sms.gateway_url", "http://127.0.0.1:9/sms");
	assert_int_equal(notify_enqueue(c, &am), 0);
	set("sms.gateway_url", "");
	json_decref(model);
	assert_int_equal(count(c, "dedupe_key = 'deliver:att:sms' AND attachment IS NULL"), 1);
	assert_true(db_exec(c, "DELETE FROM outbox WHERE dedupe_key = 'deliver:att:sms'", NULL, 0) == 1);
	assert_int_equal(count(c, "dedupe_key = 'deliver:att' AND attachment_name = 'figures-2026-11.pdf' AND "
				  "attachment_type = 'application/pdf' AND attachment IS NOT NULL"),
			 1);
	int64_t att_id = 0;
	assert_int_equal(db_query_int(c, "SELECT id FROM outbox WHERE dedupe_key = 'deliver:att'", NULL, 0, &att_id),
			 0);
	arena_t *ar = arena_new();
	nt_outbox_row_t row;
	assert_int_equal(nt_outbox_get(c, ar, att_id, &row), 0);
	assert_int_equal(row.att_len, sizeof att - 1);
	assert_memory_equal(row.att, att, sizeof att - 1);
	assert_string_equal(row.att_name, "figures-2026-11.pdf");
	buf_t withatt;
	buf_init(&withatt, 1 << 20);
	char from[256], why[256];
	assert_int_equal(nt_message_eml(&row, now, "Vilamar", &withatt, from, sizeof from, why, sizeof why), 0);
	size_t got_len = 0;
	char *got = part_bytes(buf_str(&withatt), "Content-Type: application/pdf", &got_len);
	assert_non_null(got);
	assert_int_equal(got_len, sizeof att - 1);
	assert_memory_equal(got, att, got_len);
	free(got);
	buf_free(&withatt);
	arena_free(ar);
	json_t *list = NULL;
	assert_int_equal(nt_outbox_list(c, NULL, 10, &list), 0);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "attachment")),
			    "figures-2026-11.pdf");
	json_decref(list);
	assert_int_equal(notify_deliver(c, now, &sent), 0);
	assert_int_equal(sent, 1);
	assert_int_equal(count(c, "dedupe_key = 'deliver:att' AND status = 'sent'"), 1);

	/* Old sent messages are purged; waiting ones stay. (The job purges once an hour: each backend's
	 * run goes two hours further.) */
	static int64_t shift;
	shift += 7200;
	assert_int_equal(notify_job(c, now + 91 * 86400 + shift), 0);
	assert_int_equal(count(c, "status = 'sent'"), 0);
	assert_int_equal(count(c, "dedupe_key = 'deliver:2'"), 1);
	set("mail.max_attempts", "10");
	set("mail.timeout", "30");
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_compose_table),
		cmocka_unit_test(test_compose_escaping),
		cmocka_unit_test(test_compose_fallback_date),
		cmocka_unit_test(test_ics_fields),
		cmocka_unit_test(test_iso),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_mime),
		cmocka_unit_test(test_mime_attachment),
		cmocka_unit_test(test_pdf),
	};
	if (global_setup(NULL))
		return 1;
	int rc = cmocka_run_group_tests_name("notify", pure, NULL, NULL);
	struct CMUnitTest store[] = {
		cmocka_unit_test_prestate_setup_teardown(test_store_dedupe_and_supersede, store_setup, store_teardown,
							 &sqlite_backend),
		cmocka_unit_test_prestate_setup_teardown(test_store_prepared, store_setup, store_teardown,
							 &sqlite_backend),
		cmocka_unit_test_prestate_setup_teardown(test_store_claim, store_setup, store_teardown,
							 &sqlite_backend),
		cmocka_unit_test_prestate_setup_teardown(test_store_deliver, store_setup, store_teardown,
							 &sqlite_backend),
	};
	rc |= cmocka_run_group_tests_name("notify store (sqlite)", store, NULL, NULL);
	const char *pg = getenv("FINESTRETA_TEST_PG_URL");
	if (pg && *pg) {
		snprintf(pg_backend.url, sizeof pg_backend.url, "%s", pg);
		for (size_t i = 0; i < sizeof store / sizeof store[0]; i++)
			store[i].initial_state = &pg_backend;
		rc |= cmocka_run_group_tests_name("notify store (postgresql)", store, NULL, NULL);
	}
	global_teardown(NULL);
	return rc;
}
