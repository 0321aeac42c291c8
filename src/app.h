/* app.h — what a running process holds: settings, storage, views, static files, the event bus.
 * One app per process; created by the CLI, borrowed by everything else. The root of the layers:
 * it names the parts by their struct tags only, so any layer may include it (each part's own
 * header says what can be done with it). */
#ifndef FIN_APP_H
#define FIN_APP_H

#include <stdint.h>

struct config;
struct db;
struct view;
struct statics;
struct bus;

typedef struct app {
	struct config *cfg;
	struct db *db;
	struct view *view;
	struct statics *statics;
	struct bus *bus;
	const char *root;   /* folder with templates/, static/, locale/, migrations/ */
	int64_t started_at; /* Unix seconds */
} app_t;

#endif
