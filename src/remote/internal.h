/* internal.h — what the files of src/remote/ share: the rules (room window, call-back attempts,
 * credentials, documents) and the store. No HTTP here: the web files' own is in web.h. Not for
 * other capabilities: they use remote/remote.h. */
#ifndef FIN_REMOTE_INTERNAL_H
#define FIN_REMOTE_INTERNAL_H

#include "base/arena.h"
#include "base/buf.h"
#include "base/config.h"
#include "booking/booking.h"
#include "core/cap.h"
#include "db/db.h"
#include "remote/remote.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- the video room (rules.c) */

typedef enum { RM_EARLY, RM_OPEN, RM_CLOSED } rm_phase_t;
/* When the room of b opens and closes (remote.open_before_min before the start,
 * remote.close_after_min after the end), and where now stands. */
rm_phase_t rm_window(const config_t *cfg, const booking_t *b, int64_t now, int64_t *open_at, int64_t *close_at);
/* Whether the appointment still takes part in remote attention (not cancelled, done or a no-show). */
bool rm_active(const booking_t *b);
/* Whether channel is a remote one (phone, video). */
bool rm_remote_channel(const char *channel);

/* The attention of b ends (the informer recorded its outcome): the appointment moves to done,
 * inside the caller's transaction. The one place for what follows an attention: the
 * satisfaction survey's invitation is offered here. */
int rm_end_attention(booking_ctx_t *ctx, const booking_t *b);

/* The click-to-call link of phone from remote.call_template ("tel:{phone}", "sip:{phone}@pbx"):
 * the number's digits (and a leading +) put in place of {phone}, {digits} for the digits only.
 * Arena; "" when the phone is empty. */
const char *rm_call_link(arena_t *a, const char *tpl, const char *phone);

/* The outcomes of a call-back attempt, and whether one counts as failed. */
bool rm_attempt_valid(const char *outcome);
bool rm_attempt_failed(const char *outcome);

/* The signalling message kinds a browser may send (hello, offer, answer, candidate, bye,
 * phone_request, media); a staff browser also verified. */
bool rm_signal_kind_ok(const char *kind, bool staff);

/* ---------------------------------------------------------------- credentials (creds.c) */

#define RM_TURN_USER_MAX 96
#define RM_TURN_PASS_MAX 40 /* base64 of 20 bytes: 28 + NUL */
/* coturn's REST scheme: user = "EXPIRY:ROOM", pass = base64(HMAC-SHA1(secret, user)).
 * ERR_INVALID for an empty secret or room, ERR_TOO_BIG for a room past the buffer. */
int rm_turn_credentials(const char *secret, int64_t expiry, const char *room, char user[RM_TURN_USER_MAX],
			char pass[RM_TURN_PASS_MAX]);
/* A JSON Web Token signed with HS256 over claims (compact, keys sorted). New string, or NULL. */
char *rm_jwt_hs256(const json_t *claims, const char *secret);

/* ---------------------------------------------------------------- documents (docs.c) */

#define RM_KEYS_MAX 16
#define RM_KEY_BYTES 32
typedef struct {
	int n;
	int ids[RM_KEYS_MAX];
	unsigned char keys[RM_KEYS_MAX][RM_KEY_BYTES];
	int current; /* the id new files are sealed with */
} rm_keyring_t;
/* "ID:BASE64,ID:BASE64" (ids 1..999999, 32-byte keys) and the id to seal with (0: the highest).
 * ERR_INVALID for anything else (an empty spec gives an empty ring: 0 with n = 0). */
int rm_keyring_parse(const char *spec, int64_t current, rm_keyring_t *out);
/* The key of id, or NULL. */
const unsigned char *rm_keyring_key(const rm_keyring_t *k, int id);
/* The process's keyring from documents.keys / documents.key_id (rm_keys_load at start), or NULL
 * when none is configured (the document space is off). */
const rm_keyring_t *rm_keys(void);
int rm_keys_load(const config_t *cfg, bool demo);
void rm_keys_forget(void);

/* The type of a file by its content: "application/pdf", "image/jpeg", "image/png", or NULL. */
const char *rm_doc_sniff(const unsigned char *p, size_t n);
/* A safe name to show and offer on download: no directories, control or bidirectional-override
 * characters, no characters that file systems refuse, at most RM_NAME_STEM bytes before the
 * extension of type, valid UTF-8. Arena. */
#define RM_NAME_STEM 80
const char *rm_doc_name(arena_t *a, const char *filename, const char *type);

/* Sealing: libsodium secretstream (XChaCha20-Poly1305) in 64 KiB chunks after a header with the
 * key id; ad (the stored name) binds the bytes to their file. */
int rm_doc_seal(const rm_keyring_t *k, const char *ad, const unsigned char *p, size_t n, buf_t *out);
/* ERR_INVALID when the bytes are not a sealed document, were changed, cut, or sealed for another
 * ad; ERR_NOT_FOUND when their key is not in the ring. *key_id (may be NULL) gets the header's. */
int rm_doc_open(const rm_keyring_t *k, const char *ad, const unsigned char *p, size_t n, buf_t *out, int *key_id);
/* The key id a sealed document names, or ERR_INVALID. */
int rm_doc_key_id(const unsigned char *p, size_t n);

/* The file store under dir: a new random name (RM_STORED_LEN), an atomic write (temporary file,
 * fsync, rename), a read (capped at max bytes) and a removal (ERR_NOT_FOUND when missing). */
#define RM_STORED_LEN 38 /* 32 hex + ".fdoc" + NUL */
void rm_stored_name(char out[RM_STORED_LEN]);
bool rm_stored_valid(const char *name);
int rm_file_write(const char *dir, const char *name, const void *p, size_t n);
int rm_file_read(const char *dir, const char *name, size_t max, buf_t *out);
int rm_file_remove(const char *dir, const char *name);

/* ---------------------------------------------------------------- store.c */

typedef struct {
	int64_t appointment_id, informer_id;
	const char *informer, *assigned_by;
	int64_t assigned_at, verified_at;
	const char *verified_by;
	int64_t citizen_seen_at, phone_requested_at, rebook_sent_at, outcome_at;
	const char *outcome_by, *procedures, *done_how, *notes;
} rm_case_t;

typedef struct {
	int64_t id, at;
	const char *actor, *outcome, *note;
} rm_attempt_t;

typedef struct {
	int64_t id, appointment_id;
	const char *origin, *name, *type;
	int64_t size;
	const char *stored;
	int key_id;
	const char *uploaded_by;
	int64_t created_at;
} rm_doc_t;

typedef struct {
	int64_t id;
	const char *kind, *body;
	int64_t created_at;
} rm_signal_t;

/* The case of an appointment; a zeroed one (appointment_id set) when there is none. */
int rm_store_case(db_conn_t *c, arena_t *a, int64_t appt, rm_case_t *out);
/* Makes sure the case row exists and locks it for the transaction (an upsert): the writes that
 * count something per appointment take turns. */
int rm_store_case_touch(db_conn_t *c, int64_t appt, int64_t now);
int rm_store_assign(db_conn_t *c, int64_t appt, int64_t informer_id, const char *informer, const char *by, int64_t now);
/* The first check of the identity is kept (a second press changes nothing). */
int rm_store_verified(db_conn_t *c, int64_t appt, const char *by, int64_t now);
/* Stamps one of the case's moments: "citizen_seen_at", "phone_requested_at", "rebook_sent_at". */
int rm_store_stamp(db_conn_t *c, int64_t appt, const char *column, int64_t now);
int rm_store_outcome(db_conn_t *c, int64_t appt, const char *by, const char *procedures, const char *how,
		     const char *notes, int64_t now);

int rm_store_attempt_add(db_conn_t *c, int64_t appt, int64_t at, const char *actor, const char *outcome,
			 const char *note);
int rm_store_attempts(db_conn_t *c, arena_t *a, int64_t appt, rm_attempt_t **out, size_t *n);
/* Failed attempts (no answer, wrong number) since the last attended or rescheduled one. */
int rm_store_failed_attempts(db_conn_t *c, int64_t appt, int64_t *n);

int rm_store_signal_add(db_conn_t *c, int64_t appt, const char *to_side, const char *kind, const char *body,
			int64_t now, int64_t *id);
/* Messages to to_side after id `after`, oldest first, at most limit. */
int rm_store_signals(db_conn_t *c, arena_t *a, int64_t appt, const char *to_side, int64_t after, int limit,
		     rm_signal_t **out, size_t *n);
int rm_store_signal_last(db_conn_t *c, int64_t appt, const char *to_side, int64_t *id);
int rm_store_signal_count(db_conn_t *c, int64_t appt, int64_t *n);
/* Deletes messages created before `before`; *n deleted. */
int rm_store_signals_purge(db_conn_t *c, int64_t before, int64_t *n);

int rm_store_doc_add(db_conn_t *c, const rm_doc_t *d, int64_t *id);
int rm_store_docs(db_conn_t *c, arena_t *a, int64_t appt, rm_doc_t **out, size_t *n);
int rm_store_doc(db_conn_t *c, arena_t *a, int64_t appt, int64_t id, rm_doc_t *out);
int rm_store_doc_count(db_conn_t *c, int64_t appt, int64_t *n);
int rm_store_doc_delete(db_conn_t *c, int64_t id);
/* Documents of appointments that ended before `ended_before` (the purge), at most limit. The
 * appointment's end comes from booking's table through the caller: here, by appointment ids. */
int rm_store_docs_all(db_conn_t *c, arena_t *a, int64_t after_id, int limit, rm_doc_t **out, size_t *n);
/* Whether a stored name is known (the sweep of orphan files). */
int rm_store_stored_known(db_conn_t *c, const char *stored, bool *known);
/* Re-points a document at a new file sealed with another key (rotation). */
int rm_store_doc_rekey(db_conn_t *c, int64_t id, const char *stored, int key_id);
/* Forgets the call-back log, the outcome notes and the case of an appointment (retention). */
int rm_store_forget(db_conn_t *c, int64_t appt);
/* Appointment ids with a case or attempts, after after_id, at most limit (the retention walk). */
int rm_store_case_ids(db_conn_t *c, arena_t *a, int64_t after_id, int limit, int64_t **out, size_t *n);

/* ---------------------------------------------------------------- jobs (purge.c) and demo.c */

/* Documents past documents.retention_days after their appointment's end are removed (file and
 * row, logged and audited); files no row names, older than a day, are swept; signalling messages
 * older than an hour go; the call-back log and outcome of appointments past
 * booking.retention_days are forgotten. *removed (may be NULL) gets the documents removed. */
int rm_purge(const config_t *cfg, db_conn_t *c, int64_t now, int *removed);
/* Seals every document whose key is not the current one again with the current key. *n (may be
 * NULL) gets how many. */
int rm_rekey(const config_t *cfg, db_conn_t *c, int64_t now, int *n);
/* Demo: phone and video appointments for the demo informer around now, one whose room is open,
 * with documents both ways. Prints the room's links to out. */
int rm_demo_seed(const config_t *cfg, db_conn_t *c, int64_t now, FILE *out);

/* Writes an audit record outside a request (jobs, demo): actor "job". */
int rm_audit_job(db_conn_t *c, int64_t now, const char *action, const char *target, const char *detail);

/* store_figures.c: what remote attention counts for src/figures (cap_t.figures). */
extern const cap_figure_t rm_figures[];

/* history.c: the demo history's calls (demo.history_days; core/demo.h). */
typedef struct {
	int64_t appointment_id, assigned_at, citizen_seen_at, outcome_at; /* 0: none */
	const char *informer, *done_how;
} rm_history_t;
int rm_history_seed(db_conn_t *c, const config_t *cfg, int64_t now);
struct demo_batch;
void rm_store_history_batches(db_conn_t *c, struct demo_batch **attempts, struct demo_batch **cases);
int rm_store_history_attempt(struct demo_batch *b, int64_t appt, int64_t at, const char *actor, const char *outcome);
int rm_store_history_case(struct demo_batch *b, const rm_history_t *h);

#endif
