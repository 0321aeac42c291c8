/* facilities.h — the public header of the facility finder: the city's municipal facilities
 * (civic centres, libraries, neighbourhood facilities where ICT agents work, citizen offices…)
 * with category, address, coordinates, opening hours, services, phone and accessibility notes;
 * searched by name, category, service and district, nearest first from a point or a postcode;
 * imported from open data (`finestreta import facilities FILE`, docs/facilities-format.md) and
 * edited by coordinators. Errors: 0 or a negative code from base/err.h. */
#ifndef FIN_FACILITIES_H
#define FIN_FACILITIES_H

#include "db/db.h"

#include <stdint.h>

/* How many active facilities there are. */
int facilities_count(db_conn_t *c, int64_t *n);

#endif
