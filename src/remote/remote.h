/* remote.h — remote attention (Barcelona's "L'OAC et truca"): the informers' agenda of phone and
 * video appointments, the phone call-back with its attempt log, the built-in 1:1 video call (or a
 * Jitsi Meet room with a JWT), the encrypted document space of each appointment, and the outcome
 * the informer records after the attention (docs/internals/remote.md).
 *
 * What other capabilities may use: whether an appointment's attention has been recorded, and
 * what it was. Ownership: strings come from the arena given. Errors: 0 or a negative code from
 * base/err.h. */
#ifndef FIN_REMOTE_H
#define FIN_REMOTE_H

#include "base/arena.h"
#include "db/db.h"

#include <stdint.h>

/* The outcome an informer recorded for the appointment with this id: when, by whom, what was
 * done ("procedures", one per line), how ("for" the citizen, "with" them, "none") and the notes.
 * ERR_NOT_FOUND when none was recorded. */
typedef struct {
	int64_t at;
	const char *by, *procedures, *how, *notes;
} remote_outcome_t;
int remote_outcome(db_conn_t *c, arena_t *a, int64_t appointment_id, remote_outcome_t *out);

#endif
