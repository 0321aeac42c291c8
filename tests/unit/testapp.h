/* testapp.h — for a unit test that renders or queues mail: an app_t as the server has one, with
 * the catalogues of locale/, the templates of templates/, default settings plus the ones given,
 * an outbox folder (mail.outbox_dir) inside a fresh temporary folder, and notify started on it.
 * Header-only, as testdb.h. Run from the repository root, after cap_declare(). Usage:
 *
 *	static app_t app;
 *	static char tmpdir[64];
 *	const char *const settings[] = {"server.public_url", "https://cita.vilamar.example", NULL};
 *	if (testapp_start(&app, "NAME", settings, tmpdir, sizeof tmpdir)) return 1;
 *	...
 *	testapp_stop(&app, tmpdir);
 */
#ifndef FIN_TESTAPP_H
#define FIN_TESTAPP_H

#include "app.h"
#include "base/config.h"
#include "notify/notify.h"
#include "render/pdf.h"
#include "view/i18n.h"
#include "view/view.h"

#include <stdio.h>
#include <stdlib.h>

/* settings: name, value, name, value, …, NULL. dir receives the temporary folder
 * (/tmp/fin-TAG-XXXXXX). 0, or -1 with the reason printed. */
static inline int testapp_start(app_t *app, const char *tag, const char *const *settings, char *dir, size_t dirlen)
{
	char err[512];
	if (i18n_load("locale", err, sizeof err)) {
		fprintf(stderr, "i18n: %s\n", err);
		return -1;
	}
	app->view = view_new("templates", err, sizeof err);
	if (!app->view) {
		fprintf(stderr, "templates: %s\n", err);
		return -1;
	}
	snprintf(dir, dirlen, "/tmp/fin-%s-XXXXXX", tag);
	if (!mkdtemp(dir))
		return -1;
	char outbox[128];
	snprintf(outbox, sizeof outbox, "%s/outbox", dir);
	app->cfg = config_new();
	app->root = ".";
	if (config_set(app->cfg, "mail.outbox_dir", outbox, err, sizeof err)) {
		fprintf(stderr, "config: %s\n", err);
		return -1;
	}
	for (size_t i = 0; settings && settings[i]; i += 2)
		if (config_set(app->cfg, settings[i], settings[i + 1], err, sizeof err)) {
			fprintf(stderr, "config: %s\n", err);
			return -1;
		}
	return notify_init(app) ? -1 : 0;
}

/* Stops what testapp_start started and removes dir; -1 if dir could not be removed. */
static inline int testapp_stop(app_t *app, const char *dir)
{
	notify_shutdown();
	pdf_shutdown();
	view_free(app->view);
	config_free(app->cfg);
	i18n_unload();
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "could not remove %s\n", dir);
		return -1;
	}
	return 0;
}

#endif
