/* padro.h — the public header of the padró capability: certificates of registration in the
 * municipal register (volants d'empadronament), issued to residents who identify with their ID
 * number and a one-time SMS code (or whose ID a member of staff has seen), with a verification
 * code anyone can check at /verify. The register itself is either a local table loaded with
 * `finestreta import padro FILE` or the city's own service over HTTP (padro.source).
 *
 * Other capabilities (after it in the table) may count what was issued; everything else stays
 * inside src/padro/ (internal.h). Errors: 0 or a negative code from base/err.h. */
#ifndef FIN_PADRO_H
#define FIN_PADRO_H

#include "db/db.h"

#include <stdint.h>

/* Certificates issued since `since` (Unix seconds), for figures. */
int padro_volants_issued(db_conn_t *c, int64_t since, int64_t *n);

#endif
