/* notify.h — notifications to citizens: an outbox table, mail composition (Mustache templates in
 * templates/mail/, the citizen's language), the appointment's iCalendar file (libical), delivery
 * over SMTP (libcurl) or to a folder of .eml files, and SMS through an HTTP gateway.
 *
 * A capability enqueues a message inside its own transaction (notify_enqueue), so the message
 * exists exactly when the change that caused it commits. The jobs thread delivers due messages
 * later (notify_deliver); a message is claimed with a conditional UPDATE before it is sent, so two
 * nodes never send it twice, and a failed attempt is retried with exponential backoff until
 * mail.max_attempts, after which it is "dead" (visible on /admin/outbox, retried by hand).
 *
 * Ownership: arguments are borrowed for the duration of the call; returned strings and buffers
 * are new (free()). Errors: 0 or a negative code from base/err.h.
 *
 * The appointment view model (a json object built by booking_model(); read here, never kept):
 * code, token, manage_url, status, channel ("in_person"|"phone"|"video"), service {code, name},
 * office {code, name, address, phone, accessibility} (in person), start / end (ISO 8601 with
 * offset), start_local {date, time, weekday}, tz, duration_min, name, id_type, id_masked, email,
 * phone, lang, documents [strings], online_url, booked_by. Missing members
 * read as empty. */
#ifndef FIN_NOTIFY_H
#define FIN_NOTIFY_H

#include "db/db.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	const char *kind;       /* "booking_confirmed" | "booking_changed" | "booking_cancelled" | "booking_reminder" */
	const char *lang;       /* "ca" | "es" | "en" */
	const char *to_email;   /* may be NULL */
	const char *to_phone;   /* may be NULL (SMS when a gateway is configured) */
	json_t *model;          /* borrowed: the appointment view model (see below) */
	int64_t not_before;     /* deliver from this instant (0 = now) */
	const char *dedupe_key; /* unique; a second enqueue with the same key is a no-op (returns 0) */
} notify_msg_t;
/* Writes the message (rendered text + HTML parts, and the .ics for the appointment) to the outbox
 * inside the caller's transaction; delivery happens later in the jobs thread. 0 or an error. */
int notify_enqueue(db_conn_t *c, const notify_msg_t *m);
/* The appointment as an iCalendar document (libical), new string. */
char *notify_ics(const json_t *appointment_model, size_t *len);

/* ---- Additions: set-up, delivery, withdrawal, the operator's test mail, the admin pages.
 *
 * Kinds: the four above, plus "test" (notify_test_mail). A booking_reminder is enqueued with
 * not_before = start - the reminder lead time. Enqueueing a new booking_changed or
 * booking_cancelled first deletes what is still waiting (queued or failed) about the same
 * appointment (the model's code): confirmations, changes and reminders, so the citizen hears the
 * latest state once and never gets a reminder for a time that no longer holds (notify_withdraw
 * does the same for one key).
 *
 * The .ics of booking_cancelled is METHOD:CANCEL; every other kind carries METHOD:REQUEST. Its
 * SEQUENCE is the model's integer member "sequence" when present (bump it on every change; a
 * cancellation adds one more), else 0 for booking_confirmed and the seconds since 2026-01-01
 * for the others, so a later message always outranks an earlier one in the citizen's calendar.
 *
 * The model's "city_name" (or "city") names the city when present, else city.name; mails show
 * start_local.long ("dimarts, 24 de novembre de 2026") when present. Messages go to to_email,
 * and also to to_phone as a short SMS when sms.gateway_url is set (its own outbox row, dedupe key
 * dedupe_key + ":sms", the manage link without the token). */

struct app;

/* Keeps the app (borrowed, must outlive every other call) for the templates (app->view and the
 * text templates under ROOT/templates/mail/NAME.txt, compiled here), the settings
 * (server.public_url, city.name, [mail], [sms]) and storage. Call once, after i18n_load and
 * view_new, before the server or the jobs thread starts. 0, or ERR_INVALID with the template's
 * error logged. Before it, notify_enqueue answers ERR_UNAVAILABLE. notify_shutdown frees what
 * it compiled. */
int notify_init(struct app *app);
void notify_shutdown(void);
/* Asks a delivery in progress to end soon (a shutdown): the round sends no further message and a
 * transfer under way is aborted (the message is retried later, by this node or another). Any
 * thread; call before jobs_stop. */
void notify_stop(void);

/* Deletes the message with this dedupe key (and its SMS twin) when it has not been sent yet.
 * 0 also when there was none or it was sent already. */
int notify_withdraw(db_conn_t *c, const char *dedupe_key);

/* Registers /admin/outbox, /admin/outbox/{id}, /admin/outbox/{id}/message.eml and
 * /admin/outbox/{id}/retry (admin role). */
void notify_routes(void);

/* Enqueues the operator's test mail (kind "test") to `to` in lang ("ca" when NULL), due now,
 * under a new dedupe key. *id (may be NULL) gets the message's id. 0, ERR_INVALID for an
 * address that is not one or an unknown language, or another error. */
int notify_test_mail(db_conn_t *c, const char *to, const char *lang, int64_t *id);

/* One delivery round (the jobs thread), on a connection the caller holds outside a
 * transaction: claims up to mail.batch due messages one by one, sends each over SMTP (or writes
 * it to mail.outbox_dir as an .eml file when mail.smtp_url is empty) or to the SMS gateway, and
 * records the outcome (sent; failed with the next attempt after notify_backoff; dead after
 * mail.max_attempts). *sent (may be NULL) gets the number delivered. 0 or a storage error. */
int notify_deliver(db_conn_t *c, int64_t now, int *sent);

/* The jobs thread's task, every jobs.interval: delivery rounds while they come back full (for up
 * to 5 s), and once an hour the removal of sent and dead messages older than mail.keep_days (they
 * hold personal data). 0 or an error. */
int notify_job(db_conn_t *c, int64_t now);

/* Seconds to wait after the attempts-th failed attempt (1-based): base, 2 × base, 4 × base, …,
 * capped at one hour (or at base when base is more than an hour). */
int64_t notify_backoff(int64_t base, int attempts);

/* The parts of a message of kind (see notify_msg_t, plus "test") in lang, from model: new
 * strings in *subject, *text, *html, *sms (any of the out-pointers may be NULL). ERR_NOT_FOUND
 * for an unknown kind; ERR_UNAVAILABLE before notify_init. */
int notify_compose(const char *kind, const char *lang, const json_t *model, char **subject,
		   char **text, char **html, char **sms);

/* The appointment's local date in lang as messages show it, long ("dilluns, 6 d'abril de 2026")
 * and short ("06/04/2026"), and its time ("09:30"): from the model's start_local (long, date,
 * time), else worked out from start and tz. "" when unknown. Strings are borrowed from the model
 * or the catalogue, or allocated from a. */
struct arena;
void notify_when(struct arena *a, const json_t *appointment_model, const char *lang, const char **date_long,
		 const char **date_short, const char **time);

/* The iCalendar document of the appointment for a message of kind: METHOD:CANCEL with
 * STATUS:CANCELLED for "booking_cancelled", METHOD:REQUEST otherwise; SEQUENCE as said above.
 * New string, or NULL when the model lacks a code or a valid start. notify_ics(m, len) is
 * notify_ics_kind(m, "booking_confirmed", len) unless the model's status is "cancelled". */
char *notify_ics_kind(const json_t *appointment_model, const char *kind, size_t *len);

#endif
