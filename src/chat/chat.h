/* chat.h — the portal chat: a citizen on the page of a procedure with the `chat` channel talks
 * with an informer of the virtual office that serves it, during that office's chat hours; staff
 * take conversations from a queue into an inbox (at most chat.max_per_agent at once), transfer
 * and close them with an outcome; outside hours or with nobody free after chat.max_wait_min the
 * citizen is offered a deferred request that carries the conversation (docs/internals/chat.md).
 *
 * Messages travel as bus events (topic "chat.c<ID>": message, status, typing), so a citizen on
 * one node and an informer on another see each other through the PostgreSQL relay; the staff
 * inbox listens to "chat.inbox". Messages are plain text (base/text.h), capped and rate-limited;
 * only staff messages may carry links.
 *
 * Ownership: strings in out-structures come from the arena given. Errors: 0 or a negative code
 * from base/err.h. */
#ifndef FIN_CHAT_H
#define FIN_CHAT_H

#include "db/db.h"

#include <stdint.h>

/* Conversations waiting for an informer and open now (for boards and the staff home). */
int chat_counts(db_conn_t *c, int64_t *waiting, int64_t *open);

#endif
