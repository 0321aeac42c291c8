/* internal.h — what the example capability's files share; not for other capabilities (they use
 * example/example.h). No HTTP here: the rules and the store stay testable without it; what the web
 * files share is in web.h. */
#ifndef FIN_EXAMPLE_INTERNAL_H
#define FIN_EXAMPLE_INTERNAL_H

#include "base/arena.h"
#include "core/cap.h"
#include "db/db.h"
#include "example/example.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
	int64_t id;
	const char *office, *body, *author; /* arena */
	int64_t created_at;
} ex_note_t;

/* store.c: the SQL. Lists go into arena a, newest first. */
int ex_store_notes(db_conn_t *c, arena_t *a, const char *office, int limit, ex_note_t **out, size_t *n);
int ex_store_note_add(db_conn_t *c, const ex_note_t *note, int64_t *id);
/* Deletes the notes created before `before`; *n gets how many. */
int ex_store_prune(db_conn_t *c, int64_t before, int64_t *n);

#endif
