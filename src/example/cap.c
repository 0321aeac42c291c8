/* cap.c — the example capability's entry in the capability table (core/cap.h): everything the
 * core needs to know about it, in one place. A real capability is listed in
 * src/cli/capabilities.c (one line, X(NAME)); this one is registered by its unit test only. */
#include "example/internal.h"
#include "example/web.h"

#include "app.h"
#include "base/config.h"
#include "base/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* [example] in finestreta.ini, FINESTRETA_EXAMPLE_* in the environment. Declared here, checked
 * by the core at start (bad values stop the server with the file and line). Document each key in
 * docs/configuration.md (tests/unit/test_config.c checks that every declared key has its row). */
static const config_key_t config[] = {
	CONFIG_KEY_INT("example", "max_length", "500", 1, 10000, "Longest note, in bytes."),
	CONFIG_KEY_INT("example", "keep_days", "30", 1, 3650, "Days a note is kept before the job deletes it."),
	{0},
};

/* Who may subscribe to the topics this capability publishes (GET /events?topic=…): staff only. */
static const bus_topic_t topics[] = {
	{"example.changed", ROLE_PEOPLE},
	{0},
};

/* The kinds of message it sends with notify_enqueue (inside its own transaction), each with its
 * templates (templates/example/mail/note.{txt,html}) and i18n keys (locale/example/). Kinds are
 * unique across capabilities: prefix them with the capability's name. */
static const cap_notice_t notices[] = {
	{"example_note", "example/mail/note", "ex_mail_subject", "ex_mail_intro", "ex_sms", 0},
	{0},
};

/* Deletes old notes; runs on the jobs thread with a connection outside any transaction. */
static int prune(app_t *app, db_conn_t *c, int64_t now)
{
	int64_t n = 0;
	return ex_store_prune(c, now - config_int(app->cfg, "example.keep_days") * 86400, &n);
}

static const cap_job_t jobs[] = {
	{"example.prune", 3600, prune}, /* hourly; 0 would run it every jobs.interval */
	{0},
};

/* `finestreta demo`: a few notes, after the catalogue's offices (order 200). Pick an order after
 * the steps whose data yours needs; leave gaps for others. */
static int seed(app_t *app, db_conn_t *c, int64_t now, FILE *out)
{
	static const char *const bodies[] = {"Benvinguts a l'oficina.", "Avui tanquem a les 14:00."};
	for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
		ex_note_t x = {.office = "centre", .body = bodies[i], .author = "demo", .created_at = now};
		int64_t id;
		int rc = ex_store_note_add(c, &x, &id);
		if (rc)
			return rc;
	}
	return 0;
}

static const cap_seed_t seeds[] = {
	{900, "example notes", seed, true},
	{0},
};

/* `finestreta example notes [--office CODE]`: the core parses --config and --db, opens and
 * migrates the database (CAP_CMD_DB) and lends a connection. */
static int cmd_notes(cap_cli_t *x)
{
	const char *office = NULL;
	const cap_opt_t opts[] = {{"--office", &office, NULL}, {0}};
	if (cap_cli_opts(x, opts, NULL, 0, NULL))
		return 2;
	arena_t *a = arena_new();
	ex_note_t *v;
	size_t n;
	int rc = ex_store_notes(x->c, a, office, 1000, &v, &n);
	if (rc)
		fprintf(x->err, "finestreta example notes: %s\n", db_errmsg(x->c));
	for (size_t i = 0; !rc && i < n; i++)
		fprintf(x->out, "%s\t%s\t%s\n", v[i].office, v[i].author, v[i].body);
	arena_free(a);
	return rc ? 1 : 0;
}

static const cap_cmd_t commands[] = {
	{"example", "notes", "List the example notes",
	 "Usage: finestreta example notes [--office CODE] [--config FILE] [--db URL]\n\n"
	 "Prints the notes, newest first, one per line: office, author, text.\n",
	 CAP_CMD_DB, cmd_notes},
	{0},
};

/* Its card on the staff home page. */
static const cap_card_t cards[] = {
	{EX_ROLES, "/example", "ex_title", "ex_card"},
	{0},
};

const cap_t example_cap = {
	.name = "example", /* = the folder: src/example, migrations/example, locale/example, templates/example */
	.summary = "A skeleton to copy: notes per office",
	.routes = {ex_page_routes, ex_api_routes},
	.config = config,
	.topics = topics,
	.jobs = jobs,
	.notices = notices,
	.seeds = seeds,
	.commands = commands,
	.cards = cards,
};
