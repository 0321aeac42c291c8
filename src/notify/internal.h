/* internal.h — what the files of src/notify/ share: the outbox row, its store (store.c, the
 * only SQL of the capability), the MIME writer (mime.c), transports (send.c) and composition
 * (compose.c). Not for other capabilities: they use notify.h. */
#ifndef FIN_NOTIFY_INTERNAL_H
#define FIN_NOTIFY_INTERNAL_H

#include "base/arena.h"
#include "base/buf.h"
#include "core/cap.h"
#include "db/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The outbox pages' route table (pages.c). */
extern const http_route_t nt_routes[];

struct app;
/* The app given to notify_init, or NULL. */
struct app *nt_app(void);
/* Whether notify_stop was called: rounds end and transfers abort. */
bool nt_stopping(void);

/* ---------------------------------------------------------------- store.c */

typedef struct {
	int64_t id;
	const char *kind, *channel, *lang, *ref, *to_email, *to_phone, *subject, *body_text, *body_html, *ics,
		*dedupe_key, *status, *last_error;
	int64_t not_before, next_attempt_at, created_at, sent_at;
	int attempts;
	const void *att; /* the stored attachment (NULL: none), att_len bytes */
	size_t att_len;
	const char *att_name, *att_type;
} nt_outbox_row_t;

/* Inserts unless the dedupe key exists (then 0 and *id = 0). Strings may be NULL where the
 * table allows it. */
int nt_outbox_insert(db_conn_t *c, const nt_outbox_row_t *row, int64_t *id);
/* Deletes the unsent rows (queued, failed or dead) whose dedupe key is key or key + ":sms". */
int nt_outbox_delete_unsent(db_conn_t *c, const char *key);
/* Ids of messages due at now (queued or failed, next_attempt_at <= now), oldest due first, at
 * most max into ids; *n gets how many. */
int nt_outbox_due(db_conn_t *c, int64_t now, int64_t *ids, size_t max, size_t *n);
/* Claims message id for one attempt: moves next_attempt_at to lease_until and counts the attempt,
 * only if it is still due at now. 1 claimed, 0 someone else has it (or it is not due), or an
 * error. */
int nt_outbox_claim(db_conn_t *c, int64_t id, int64_t now, int64_t lease_until);
/* One row, strings from a. ERR_NOT_FOUND. */
int nt_outbox_get(db_conn_t *c, arena_t *a, int64_t id, nt_outbox_row_t *out);
/* Outcome of an attempt. */
int nt_outbox_mark_sent(db_conn_t *c, int64_t id, int64_t now);
int nt_outbox_mark_failed(db_conn_t *c, int64_t id, bool dead, int64_t next_at, const char *error);
/* An admin's "retry now": a dead or failed message becomes queued, due now, attempts reset.
 * 1 changed, 0 when it was neither dead nor failed, or an error. */
int nt_outbox_retry(db_conn_t *c, int64_t id, int64_t now);
/* The latest messages (newest first, at most limit; status filter when status is not NULL or
 * empty) as a JSON array of {id, kind, channel, lang, ref, to, subject, status, attempts,
 * last_error, created_at, next_attempt_at, sent_at, attachment (its file name, "" for none)}. */
int nt_outbox_list(db_conn_t *c, const char *status, int limit, json_t **out);
/* 1 when a message with this dedupe key exists, 0 when not, or an error. */
int nt_outbox_key_exists(db_conn_t *c, const char *key);
/* Deletes the messages about appointment ref that a change or cancellation makes stale and that
 * are still waiting: confirmations, changes and reminders, queued or failed. */
int nt_outbox_supersede(db_conn_t *c, const char *ref);
/* Deletes sent and dead messages created before `before` (they hold personal data). */
int nt_outbox_purge(db_conn_t *c, int64_t before);
/* Counts by status as a JSON object {queued, failed, sent, dead}. */
int nt_outbox_counts(db_conn_t *c, json_t **out);

/* ---------------------------------------------------------------- mime.c */

typedef struct {
	const char *from_addr, *from_name; /* name may be NULL or "" */
	const char *to_addr, *to_name;
	const char *subject, *lang;
	const char *text, *html; /* html may be NULL */
	const char *ics;         /* may be NULL */
	const char *ics_method;  /* "REQUEST" | "CANCEL" */
	const char *ics_filename;
	const void *att; /* a stored attachment (may be NULL): att_len bytes, base64 */
	size_t att_len;
	const char *att_name, *att_type;
	const char *message_id;    /* without the angle brackets */
	int64_t date;              /* Unix seconds */
	const char *boundary_seed; /* makes boundaries unique per message (any text) */
} nt_mime_msg_t;

/* Writes an RFC 5322 message with CRLF line ends: multipart/alternative (text/plain, text/html;
 * UTF-8, base64), inside multipart/mixed with the .ics attached (text/calendar; method=…) and the
 * stored attachment (att_type, base64, att_name) when there are. Header values have CR and LF
 * removed; non-ASCII ones are RFC 2047 words. 0, ERR_INVALID (an address that is not one), or ERR_TOO_BIG. */
int nt_mime_write(const nt_mime_msg_t *m, buf_t *out);
/* Whether s looks like a deliverable address: local@domain, printable ASCII, no spaces, no
 * <>()[],;:"\ characters, a dot in the domain, at most 254 bytes. */
bool nt_mime_addr_ok(const char *s);
/* The address part of "Name <addr>" or "addr" into out. false when there is none. */
bool nt_mime_addr_split(const char *s, char *addr, size_t addrlen, char *name, size_t namelen);

/* ---------------------------------------------------------------- send.c */

/* Sends one message over SMTP (libcurl): from and to are bare addresses, data the whole message.
 * 0 or ERR_IO with a short reason in err. */
int nt_send_smtp(const char *url, const char *user, const char *password, bool starttls, int timeout_s,
		 const char *from, const char *to, const char *data, size_t len, char *err, size_t errlen);
/* POSTs {"to":…,"text":…} to the gateway with Authorization: Bearer token (when not empty); a 2xx
 * answer is success. 0 or ERR_IO with the reason in err. */
int nt_send_sms(const char *url, const char *token, int timeout_s, const char *to, const char *text, char *err,
		size_t errlen);
/* Writes data to DIR/NAME atomically (a temporary file renamed into place), creating DIR. */
int nt_send_file(const char *dir, const char *name, const char *data, size_t len, char *err, size_t errlen);

/* ---------------------------------------------------------------- compose.c */

/* Compiles every ROOT/templates/…/NAME.txt (names as for pages: "mail/layout",
 * "booking/mail/confirmed"). 0 or ERR_INVALID (logged). */
int nt_compose_load(const char *root);
void nt_compose_free(void);
/* The model's city_name, else city.name. Borrowed. */
const char *nt_compose_city(const json_t *model);
/* "Presencial" / "Telèfon" / "Videotrucada" in lang. Borrowed. */
const char *nt_compose_channel_label(const char *lang, const char *channel);
/* Renders one template (text, or an HTML page when html) of a message of kind k with the mail
 * context stack. New string in *out. */
int nt_compose_part(const char *tpl, bool html, const cap_notice_t *k, const char *lang, const json_t *model,
		    char **out);

/* ---------------------------------------------------------------- notify.c helpers */

/* The e-mail row r as the whole message that is sent (mail.from as sender, with city as its name
 * when mail.from gives none; dated date), appended to out; the sender's bare address goes to
 * from_addr. 0, or ERR_INVALID / ERR_TOO_BIG with the reason in err. */
int nt_message_eml(const nt_outbox_row_t *r, int64_t date, const char *city, buf_t *out, char *from_addr,
		   size_t fromlen, char *err, size_t errlen);

/* The host of server.public_url (or "localhost"), into out. */
void nt_public_host(char *out, size_t n);

#endif
