/* app.h — what a running server holds: settings, storage, views, the event bus.
 * One app per process; created by the CLI, borrowed by everything else. */
#ifndef FIN_APP_H
#define FIN_APP_H

#include "base/config.h"
#include "db/db.h"

#include <stdint.h>

struct view;
struct statics;
struct bus;

typedef struct app {
	config_t *cfg;
	db_t *db;
	struct view *view;
	struct statics *statics;
	struct bus *bus;
	const char *root;   /* folder with templates/, static/, locale/, migrations/ */
	int64_t started_at; /* Unix seconds */
} app_t;

#endif
