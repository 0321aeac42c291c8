/* cap.c — the booking's entry in the capability table (core/cap.h): the [booking] settings, the
 * kinds of mail it sends, the housekeeping job, the demo appointments and its routes. */
#include "booking/freecache.h"
#include "booking/internal.h"
#include "booking/web.h"
#include "core/cap.h"

#include "app.h"

#include <string.h>

static bool check_country_code(const char *v)
{
	size_t n = strlen(v);
	if (n < 1 || n > 3 || v[0] == '0')
		return false;
	for (size_t i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return false;
	return true;
}

static const config_key_t config[] = {
	CONFIG_KEY_INT("booking", "max_active_per_id", "2", 0, 1000,
		       "Most active future appointments one ID document may hold; 0 for no limit."),
	CONFIG_KEY_INT("booking", "max_active_per_email", "2", 0, 1000,
		       "Most active future appointments one e-mail address may hold; 0 for no limit."),
	CONFIG_KEY_INT("booking", "max_active_per_phone", "2", 0, 1000,
		       "Most active future appointments one phone number may hold; 0 for no limit."),
	CONFIG_KEY_INT("booking", "cancel_return_delay", "3600", 0, 604800,
		       "Seconds before a cancelled (or moved-away-from) seat, or the seat of a hold released or\n"
		       "expired without a booking, is offered again, so a seat cannot be handed to a buyer at\n"
		       "an agreed moment; 0 returns it at once."),
	CONFIG_KEY_INT("booking", "hold_seconds", "300", 10, 3600,
		       "Seconds a seat stays held while the citizen types their details."),
	CONFIG_KEY_INT("booking", "max_holds_per_address", "2", 0, 1000,
		       "Most seats one client address may hold at once (staff are not limited); 0 for no\n"
		       "limit."),
	CONFIG_KEY_INT("booking", "max_passport_per_address", "3", 0, 1000,
		       "Most bookings with a passport (a number with no check digit, so any can be made up)\n"
		       "from one client address in 24 hours (staff are not limited); 0 for no limit."),
	CONFIG_KEY_STR("booking", "phone_country_code", "34", check_country_code, "1 to 3 digits",
		       "Country code of national phone numbers (given without + or 00); phones are kept\n"
		       "in E.164, so that one number counts once whichever way it is written."),
	CONFIG_KEY_INT("booking", "phone_national_digits", "9", 4, 14,
		       "Digits of a national phone number in that country (9 in Spain)."),
	CONFIG_KEY_INT("booking", "rate_availability", "60", 0, 1000000,
		       "Availability queries (and proof-of-work challenges) per minute per client address;\n"
		       "0 for no limit. Staff are not limited."),
	CONFIG_KEY_INT("booking", "rate_booking", "10", 0, 1000000,
		       "Bookings, holds, look-ups, cancellations and changes per minute per client address;\n"
		       "0 for no limit. Staff are not limited."),
	CONFIG_KEY_BOOL("booking", "proof_of_work", "true",
			"Ask online bookings for a proof of work (solved by the booking page's script); staff\n"
			"bookings never."),
	CONFIG_KEY_INT("booking", "pow_max_number", "100000", 1, 100000000,
		       "Difficulty of the proof of work: the largest number the browser may have to try\n"
		       "(it tries half of them on average)."),
	CONFIG_KEY_STR("booking", "pow_key", "", NULL, NULL,
		       "Secret key that signs proof-of-work challenges. Empty: a random key per process,\n"
		       "which works for one node only; several nodes must share one key."),
	CONFIG_KEY_INT("booking", "reminder_hours", "24", 1, 720, "Hours before the appointment the reminder is sent."),
	CONFIG_KEY_INT("booking", "no_show_grace_min", "15", 0, 1440,
		       "Minutes after the start before a booked appointment nobody checked in is a no-show."),
	CONFIG_KEY_INT("booking", "retention_days", "365", 1, 3650,
		       "Days after an appointment before its personal details (name, ID number, e-mail, phone)\n"
		       "are erased; a cancelled appointment's go once its time has passed."),
	{0},
};

/* A change or a cancellation withdraws what still waits about the appointment: the citizen
 * hears the latest state once, and never a reminder for a time that no longer holds. A
 * confirmation, a change and a reminder say the same things (their subject and intro differ),
 * so they share one template. */
static const cap_notice_t notices[] = {
	{"booking_confirmed", "booking/mail/appointment", "mail_subject_confirmed", "mail_intro_confirmed",
	 "sms_confirmed", NOTICE_APPOINTMENT | NOTICE_FIRST | NOTICE_STALE},
	{"booking_changed", "booking/mail/appointment", "mail_subject_changed", "mail_intro_changed", "sms_changed",
	 NOTICE_APPOINTMENT | NOTICE_SUPERSEDES | NOTICE_STALE},
	{"booking_cancelled", "booking/mail/cancelled", "mail_subject_cancelled", "mail_intro_cancelled",
	 "sms_cancelled", NOTICE_APPOINTMENT | NOTICE_CANCEL | NOTICE_SUPERSEDES},
	{"booking_reminder", "booking/mail/appointment", "mail_subject_reminder", "mail_intro_reminder", "sms_reminder",
	 NOTICE_APPOINTMENT | NOTICE_STALE},
	{0},
};

/* Expired holds, delayed seat returns, no-shows (each step logs its own failures). */
static int housekeeping(app_t *app, db_conn_t *c, int64_t now)
{
	booking_job(c, app->cfg, now, NULL);
	return 0;
}

/* A few appointments on the first free times (no mails); a miss is not fatal. */
static int seed(app_t *app, db_conn_t *c, int64_t now, FILE *out)
{
	return booking_demo_seed(c, app->cfg, now);
}

static int history(app_t *app, db_conn_t *c, int64_t now, FILE *out)
{
	(void)out;
	return bk_history_seed(c, app->cfg, now);
}

/* The retention the privacy notice promises (booking_purge_personal). */
static int retention(app_t *app, db_conn_t *c, int64_t now)
{
	return booking_purge_personal(c, now, config_int(app->cfg, "booking.retention_days"), NULL);
}

static const cap_job_t jobs[] = {
	{"booking.housekeeping", 0, housekeeping},
	{"booking.retention", 3600, retention},
	{0},
};

static const cap_seed_t seeds[] = {
	{400, "demo appointments", seed, true},
	{410, "past appointments (demo.history_days)", history, false},
	{0},
};

/* The counter: every person's role sees an office's day. */
static const cap_card_t cards[] = {
	{ROLE_PEOPLE, "/staff/cites", "cita_counter_title", "cita_counter_card"},
	{0},
};

const cap_t booking_cap = {
	.name = "booking",
	.summary = "Appointments on three channels: the seat, holds, states, limits, proof of work",
	.routes = {bk_api_routes, bk_page_routes, bk_calendar_routes, bk_counter_routes, bk_manage_routes},
	.config = config,
	.jobs = jobs,
	.notices = notices,
	.seeds = seeds,
	.cards = cards,
	.start = bk_freecache_start,
	.finish = bk_freecache_finish,
	.timeline = bk_timeline,
	.erase = bk_erase,
	.figures = bk_figures,
};
