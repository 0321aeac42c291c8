/* notify.h — notifications to citizens: an outbox table, mail composition (Mustache templates, the
 * citizen's language), the appointment's iCalendar file (libical), delivery over SMTP (libcurl)
 * or to a folder of .eml files, and SMS through an HTTP gateway (docs/internals/notify.md).
 *
 * Kinds. Each capability declares the kinds of message it sends in its capability entry
 * (cap_t.notices, core/cap.h): the kind's name, its templates (TPL.txt for the text part, TPL.html
 * for the HTML part, both extending mail/layout), the i18n keys of its subject, opening line and
 * SMS, and flags: NOTICE_APPOINTMENT (the model is an appointment: details and an .ics attached),
 * NOTICE_CANCEL (.ics METHOD:CANCEL, STATUS:CANCELLED), NOTICE_FIRST (.ics SEQUENCE 0 when the
 * model has none), NOTICE_SUPERSEDES / NOTICE_STALE (see notify_enqueue). This capability sends
 * "test" (notify_test_mail).
 *
 * A capability enqueues a message inside its own transaction (notify_enqueue), so the message
 * exists exactly when the change that caused it commits. The jobs thread delivers due messages
 * later (notify_deliver); a message is claimed with a conditional UPDATE before it is sent, so two
 * nodes never send it twice, and a failed attempt is retried with exponential backoff until
 * mail.max_attempts, after which it is "dead" (visible on /admin/outbox, retried by hand).
 *
 * The appointment view model (a json object, e.g. built by booking_model(); read here, never
 * kept): code, token, manage_url, status, channel ("in_person"|"phone"|"video"), service {code,
 * name}, office {code, name, address, phone, accessibility} (in person), start / end (ISO 8601
 * with offset), start_local {date, time, weekday, long}, tz, duration_min, name, id_type,
 * id_masked, email, phone, lang, documents [strings], online_url, booked_by, sequence,
 * city_name (or city). Missing members read as empty. The .ics SEQUENCE is the integer
 * "sequence" when present (a cancellation adds one), else 0 for NOTICE_FIRST kinds and the
 * seconds since 2026-01-01 for the others, so a later message always outranks an earlier one in
 * the citizen's calendar.
 *
 * Ownership: arguments are borrowed for the duration of the call; returned strings and buffers
 * are new (free()). Errors: 0 or a negative code from base/err.h. */
#ifndef FIN_NOTIFY_H
#define FIN_NOTIFY_H

#include "db/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	const char *kind;       /* a kind some capability declares ("booking_confirmed") */
	const char *lang;       /* "ca" | "es" | "en" */
	const char *to_email;   /* may be NULL */
	const char *to_phone;   /* may be NULL (SMS when a gateway is configured) */
	json_t *model;          /* borrowed: the view model (an appointment for NOTICE_APPOINTMENT) */
	int64_t not_before;     /* deliver from this instant (0 = now) */
	const char *dedupe_key; /* unique; a second enqueue with the same key is a no-op (returns 0) */
	/* A file attached to the e-mail (not to its SMS twin), stored with the message in the same
	 * row: NULL or attachment_len 0 for none. The name keeps letters, digits, '-', '_' and '.';
	 * the type is a MIME type ("application/pdf"; application/octet-stream when empty). */
	const void *attachment;
	size_t attachment_len;
	const char *attachment_name;
	const char *attachment_type;
} notify_msg_t;
/* Writes the message (rendered text + HTML parts, and the .ics of an appointment) to the outbox
 * inside the caller's transaction; delivery happens later in the jobs thread. Messages go to
 * to_email, and also to to_phone as a short SMS when sms.gateway_url is set (its own outbox row,
 * dedupe key dedupe_key + ":sms", the manage link without the token). Enqueueing a new
 * NOTICE_SUPERSEDES message first deletes what is still waiting (queued or failed) of the
 * NOTICE_STALE kinds about the same ref (the model's code), so the citizen hears the latest state
 * once and never gets a reminder for a time that no longer holds. ERR_INVALID for an unknown kind
 * or a bad address; ERR_UNAVAILABLE before notify_init. */
int notify_enqueue(db_conn_t *c, const notify_msg_t *m);
/* notify_enqueue in two steps, so that the rendering (Mustache, libical: most of an enqueue's
 * time) can happen before the caller's transaction begins and only the rows are written inside
 * it. notify_prepare composes m as notify_enqueue would (same errors; c is read for the city's
 * name, in or out of a transaction) into *out (new, free with notify_prepared_free; nothing of m
 * is kept, the attachment is copied). notify_enqueue_prepared writes it inside the caller's
 * transaction exactly as notify_enqueue would have: dedupe, superseding, the SMS twin. The caller
 * must make sure the model it prepared from is what commits (booking compares the appointment it
 * wrote with the one it composed for, and composes again inside the transaction when they
 * differ). A message that goes nowhere (no address, no SMS gateway) prepares and writes nothing. */
typedef struct notify_prepared notify_prepared_t;
int notify_prepare(db_conn_t *c, const notify_msg_t *m, notify_prepared_t **out);
int notify_enqueue_prepared(db_conn_t *c, const notify_prepared_t *p);
void notify_prepared_free(notify_prepared_t *p);
/* Whether notify_enqueue sends SMS (sms.gateway_url is set): without it a phone number alone gets
 * no message, and pages must not say one was sent. False before notify_init. */
bool notify_sms_enabled(void);
/* Whether a message with this dedupe key is in the outbox (waiting, sent or given up; until the
 * purge of mail.keep_days): 1, 0, or an error. Lets a job skip the work of a message it queued
 * already. */
int notify_queued(db_conn_t *c, const char *dedupe_key);
/* Deletes the message with this dedupe key (and its SMS twin) when it has not been sent yet.
 * 0 also when there was none or it was sent already. */
int notify_withdraw(db_conn_t *c, const char *dedupe_key);

/* The appointment as an iCalendar document as it stands: METHOD:CANCEL when its status is
 * "cancelled", else METHOD:REQUEST. New string, or NULL when the model lacks a code or a valid
 * start. */
char *notify_ics(const json_t *appointment_model, size_t *len);
/* The iCalendar document attached to a message of kind (its flags decide the method and
 * SEQUENCE). NULL also for an unknown kind. */
char *notify_ics_kind(const json_t *appointment_model, const char *kind, size_t *len);

/* The parts of a message of kind in lang, from model: new strings in *subject, *text, *html,
 * *sms (any of the out-pointers may be NULL). ERR_NOT_FOUND for an unknown kind;
 * ERR_UNAVAILABLE before notify_init. */
int notify_compose(const char *kind, const char *lang, const json_t *model, char **subject, char **text, char **html,
		   char **sms);

struct app;
/* Keeps the app (borrowed, must outlive every other call) for the templates (app->view and the
 * text templates ROOT/templates/…/NAME.txt, compiled here), the settings (server.public_url,
 * city.name, [mail], [sms]) and storage. Call once, after i18n_load and view_new, before the
 * server or the jobs thread starts (the capability's start hook does). 0, or ERR_INVALID with
 * the template's error logged. notify_shutdown frees what it compiled. */
int notify_init(struct app *app);
void notify_shutdown(void);
/* Asks a delivery in progress to end soon (a shutdown): the round sends no further message and a
 * transfer under way is aborted (the message is retried later, by this node or another). Any
 * thread; call before the jobs stop. */
void notify_stop(void);

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

/* POSTs body as JSON to url (http or https only) with Authorization: Bearer token (when not
 * empty), Accept: application/json, a timeout of timeout_s seconds for the whole exchange, and
 * aborted by notify_stop. The reply goes into reply up to its cap (a full buffer means it may have
 * been cut); *status gets the HTTP status. 0 (whatever the status), or ERR_IO when no answer
 * came, with the reason in err. Blocking; any thread. The SMS gateway and other capabilities'
 * calls to the city's services use it. */
struct buf;
int notify_post_json(const char *url, const char *token, int timeout_s, const json_t *body, struct buf *reply,
		     long *status, char *err, size_t errlen);

#endif
