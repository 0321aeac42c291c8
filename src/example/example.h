/* example.h — the public header of the example capability: what other capabilities may use of it
 * (they include "example/example.h" and nothing else of this folder, and only when they come
 * after it in the capability table: scripts/check-layers.sh).
 *
 * src/example/ is the skeleton a new capability is copied from (CONTRIBUTING.md, "A new
 * capability"). It is compiled and tested (tests/unit/test_example.c registers it in a table of
 * its own) but not in the capability table, so a deployment does not serve it. Every file shows
 * one registration point with the smallest useful body:
 *
 *   cap.c        the capability entry: routes, [example] settings, job, bus topic and who may
 *                subscribe, notification kind, demo seed step, CLI sub-command
 *   pages.c      a page with a form (GET/POST /example) and a JSON API (GET /api/v1/example/notes)
 *                built with the kit (http/kit.h): RT_DB, http_tx, http_tx_audit, form_t
 *   store.c      every SQL statement, with the row readers of db/db.h
 *   internal.h   what the folder's files share (prefix ex_); web.h what its web files share
 *   migrations/example/001_example.sql, locale/example/{ca,es,en}.po, templates/example/
 *
 * Names: what a capability offers others starts with its name (example_…); what its files share
 * starts with one short internal prefix (ex_…); the rest is static. */
#ifndef FIN_EXAMPLE_H
#define FIN_EXAMPLE_H

#include "db/db.h"

#include <stdint.h>

/* How many notes an office has (another capability's dashboard might show it). 0 or an error. */
int example_note_count(db_conn_t *c, const char *office, int64_t *n);

#endif
