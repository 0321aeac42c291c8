/* demo.h — demo data for `finestreta demo`: the fictional city of Vilamar and its staff. */
#ifndef FIN_DEMO_H
#define FIN_DEMO_H

#include "base/config.h"
#include "db/db.h"

#include <stdio.h>

/* Fills a freshly migrated database and prints the logins to out. 0 or an error. */
int demo_seed(db_t *db, config_t *cfg, FILE *out);

#endif
