/* main.c — the finestreta command: the core's commands (serve, demo, migrate, render, help) and
 * every sub-command the capabilities declare (cap_t.commands: user add, import catalogue, …). */
#include "app.h"
#include "base/buf.h"
#include "base/config.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "bus/bus.h"
#include "core/cap.h"
#include "db/db.h"
#include "http/http.h"
#include "http/statics.h"
#include "jobs/jobs.h"
#include "view/i18n.h"
#include "view/mustache.h"
#include "view/view.h"

#include <errno.h>
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef FINESTRETA_VERSION
#define FINESTRETA_VERSION "0.1.0"
#endif

extern char **environ;

/* ---------------------------------------------------------------- the core's commands */

static int cmd_serve(cap_cli_t *x);
static int cmd_demo(cap_cli_t *x);
static int cmd_migrate(cap_cli_t *x);
static int cmd_render(cap_cli_t *x);
static int cmd_routes(cap_cli_t *x);
static int cmd_help(cap_cli_t *x);

static const cap_cmd_t core_commands[] = {
	{"serve", NULL, "Run the server",
	 "Usage: finestreta serve [--config FILE] [--db URL] [--listen ADDR:PORT]\n\n"
	 "Runs the server until SIGTERM or SIGINT. Settings come from FILE, then from\n"
	 "FINESTRETA_SECTION_KEY environment variables, then from these flags.\n"
	 "Database URLs: sqlite:PATH (default sqlite:data/finestreta.db) or postgresql://...\n",
	 0, cmd_serve},
	{"demo", NULL, "Recreate the database with demo data, then serve",
	 "Usage: finestreta demo [--config FILE] [--db URL] [--listen ADDR:PORT]\n\n"
	 "Erases the database, fills it with demo data (the city of Vilamar and its staff),\n"
	 "prints the demo logins, and serves.\n",
	 0, cmd_demo},
	{"migrate", NULL, "Apply pending database migrations",
	 "Usage: finestreta migrate [--config FILE] [--db URL]\n\n"
	 "Applies the migrations that have not run yet and says how many it applied. The\n"
	 "server also does this at start.\n",
	 0, cmd_migrate},
	{"render", NULL, "Render a Mustache template with JSON data to stdout",
	 "Usage: finestreta render --template FILE --data FILE.json [--partials DIR]\n\n"
	 "Renders a Mustache template with JSON data to standard output. A partial or parent\n"
	 "named x is read from DIR/x.mustache.\n",
	 0, cmd_render},
	{"routes", NULL, "List every HTTP route and who owns it",
	 "Usage: finestreta routes\n\n"
	 "Lists the HTTP routes in the order they are matched, one per line, tab-separated:\n"
	 "methods, path pattern, owner (core or the capability), flags (form, json,\n"
	 "multipart, no_csrf, api, no_session, db) and the roles admitted (public for all).\n",
	 0, cmd_routes},
	{"help", NULL, "Show help for a command (help COMMAND)",
	 "Usage: finestreta help [COMMAND]\n\n"
	 "Prints the help of COMMAND, or the list of commands. 'finestreta COMMAND --help'\n"
	 "and 'finestreta COMMAND SUBCOMMAND --help' print the same.\n",
	 0, cmd_help},
	{0},
};

/* Calls fn for every command: the core's, then each capability's in table order. */
static void each_command(void (*fn)(const cap_cmd_t *c, void *ud), void *ud)
{
	for (const cap_cmd_t *c = core_commands; c->cmd; c++)
		fn(c, ud);
	for (size_t i = 0; i < cap_count; i++)
		for (const cap_cmd_t *c = cap_table[i]->commands; c && c->cmd; c++)
			fn(c, ud);
}

static void usage_line(const cap_cmd_t *c, void *ud)
{
	char name[48];
	snprintf(name, sizeof name, "%s%s%s", c->cmd, c->sub ? " " : "", c->sub ? c->sub : "");
	fprintf(ud, "  %-19s %s\n", name, c->summary);
}

static void usage(FILE *out)
{
	fputs("Usage: finestreta COMMAND [OPTIONS]\n"
	      "\n"
	      "Omnichannel citizen attention for city halls.\n"
	      "\n"
	      "Commands:\n",
	      out);
	each_command(usage_line, out);
	fputs("\n"
	      "Options:\n"
	      "  --version  Print the version\n"
	      "  --help     Print this help\n"
	      "\n"
	      "Run 'finestreta help COMMAND' for a command's options.\n",
	      out);
}

typedef struct {
	const char *cmd;
	int found;
} help_t;

static void help_one(const cap_cmd_t *c, void *ud)
{
	help_t *h = ud;
	if (!str_eq(c->cmd, h->cmd))
		return;
	fputs(h->found++ ? "\n" : "", stdout);
	fputs(c->help, stdout);
}

/* `finestreta help CMD`: the help of every sub-command of CMD. */
static int help(const char *cmd)
{
	if (!cmd) {
		usage(stdout);
		return 0;
	}
	help_t h = {cmd, 0};
	each_command(help_one, &h);
	if (h.found)
		return 0;
	fprintf(stderr, "finestreta: unknown command '%s'\n", cmd);
	return 2;
}

/* ---------------------------------------------------------------- settings and storage */

static bool is_help(const char *arg)
{
	return str_eq(arg, "--help") || str_eq(arg, "-h");
}

typedef struct {
	const char *config, *db, *listen;
} common_t;

/* Takes --config, --db and (serve, demo) --listen out of argv[0..argc), in place; answers --help.
 * The remaining count, or -1 after printing the command's help (exit 0) or -2 (a flag without
 * its value, said on stderr). */
static int take_common(const char *cmd, int argc, char **argv, common_t *o, bool listen)
{
	static const char *const flags[] = {"--config", "--db", "--listen"};
	int n = 0;
	for (int i = 0; i < argc; i++) {
		if (is_help(argv[i])) {
			help(cmd);
			return -1;
		}
		size_t k;
		const char *eq = strchr(argv[i], '=');
		size_t len = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		for (k = 0; k < (listen ? 3u : 2u); k++)
			if (strlen(flags[k]) == len && strncmp(argv[i], flags[k], len) == 0)
				break;
		if (k == (listen ? 3u : 2u)) {
			argv[n++] = argv[i];
			continue;
		}
		const char *v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
		if (!v) {
			fprintf(stderr, "finestreta %s: %s needs a value\n", cmd, flags[k]);
			return -2;
		}
		*(k == 0 ? &o->config : k == 1 ? &o->db : &o->listen) = v;
	}
	return n;
}

static config_t *load_config(const common_t *o)
{
	char err[512];
	cap_declare();
	config_t *cfg = config_new();
	const char *file = o->config ? o->config : getenv("FINESTRETA_CONFIG");
	if ((file && config_load_file(cfg, file, err, sizeof err)) || config_load_env(cfg, environ, err, sizeof err) ||
	    (o->db && config_set(cfg, "database.url", o->db, err, sizeof err)) ||
	    (o->listen && config_set(cfg, "server.listen", o->listen, err, sizeof err))) {
		fprintf(stderr, "finestreta: %s\n", err);
		config_free(cfg);
		return NULL;
	}
	/* The data installed with this executable, whatever the working directory. */
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = '\0';
	config_default_root(cfg, n > 0 ? exe : NULL);
	config_default_public_url(cfg);
	return cfg;
}

/* mkdir -p: creates each missing folder of path. */
static int mkdir_p(char *path)
{
	for (char *p = path + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			int rc = mkdir(path, 0755);
			*p = c;
			if (rc && errno != EEXIST)
				return -1;
			if (!c)
				return 0;
		}
	}
}

/* Opens the database (erased first when reset) and applies every capability's migrations;
 * *applied (may be NULL) gets how many ran. */
static db_t *open_db(config_t *cfg, const char *root, bool reset, int *applied)
{
	char err[512];
	const char *url = config_str(cfg, "database.url");
	if (str_starts(url, "sqlite:") && strcmp(url, "sqlite::memory:") != 0) {
		/* Create the folder of the default data/ path so a first run just works. */
		const char *path = url + 7;
		const char *slash = strrchr(path, '/');
		if (slash) {
			char *dir = xstrndup(path, (size_t)(slash - path));
			if (*dir && mkdir_p(dir))
				log_warn("could not create %s", dir);
			free(dir);
		}
	}
	db_t *db = db_open(url, (int)config_int(cfg, "database.pool"), err, sizeof err);
	if (!db) {
		fprintf(stderr, "finestreta: database: %s\n", err);
		return NULL;
	}
	if (reset && db_reset(db, err, sizeof err)) {
		fprintf(stderr, "finestreta: database reset: %s\n", err);
		db_close(db);
		return NULL;
	}
	int n = cap_migrate(db, root, err, sizeof err);
	if (n < 0) {
		fprintf(stderr, "finestreta: migrate: %s\n", err);
		db_close(db);
		return NULL;
	}
	if (n > 0)
		log_info("applied %d migration(s)", n);
	if (applied)
		*applied = n;
	return db;
}

/* Translations and templates into app. 0, or 1 with the reason printed. */
static int load_views(app_t *app)
{
	char err[512];
	char *locale = xasprintf("%s/locale", app->root), *templates = xasprintf("%s/templates", app->root);
	int rc = 1;
	if (i18n_configure(config_str(app->cfg, "i18n.languages"), config_str(app->cfg, "i18n.fallback"), err,
			   sizeof err) ||
	    i18n_load(locale, err, sizeof err))
		fprintf(stderr, "finestreta: translations: %s\n", err);
	else if (!(app->view = view_new(templates, err, sizeof err)))
		fprintf(stderr, "finestreta: templates: %s\n", err);
	else
		rc = 0;
	free(locale);
	free(templates);
	return rc;
}

static void app_close(app_t *app)
{
	if (app->db)
		db_close(app->db);
	bus_free(app->bus);
	statics_free(app->statics);
	view_free(app->view);
	i18n_unload();
	config_free(app->cfg);
	memset(app, 0, sizeof *app);
}

/* ---------------------------------------------------------------- serve, demo, migrate */

static void announce(const char *url)
{
	printf("Finestreta listening on %s\n", url);
	fflush(stdout);
}

static int seed_demo(app_t *app)
{
	db_conn_t *c = db_acquire(app->db);
	if (!c)
		return ERR_UNAVAILABLE;
	int rc = cap_seed(app, c, (int64_t)time(NULL), stdout);
	db_release(c);
	return rc;
}

static int run_server(cap_cli_t *x, bool demo)
{
	app_t *app = x->app;
	char err[512];
	int rc = 1;
	char *statics = xasprintf("%s/static", app->root);
	if (load_views(app))
		goto out;
	app->statics = statics_load(statics, err, sizeof err);
	if (!app->statics) {
		fprintf(stderr, "finestreta: static files: %s\n", err);
		goto out;
	}
	app->db = open_db(app->cfg, app->root, demo, NULL);
	if (!app->db)
		goto out;
	if (demo && seed_demo(app)) {
		fprintf(stderr, "finestreta: could not create the demo data\n");
		goto out;
	}
	app->bus = bus_new();
	if (bus_start_relay(app->bus, app->db)) {
		fprintf(stderr, "finestreta: cannot listen for events from other nodes\n");
		goto out;
	}
	cap_register();
	if (cap_start(app)) {
		fprintf(stderr, "finestreta: a capability could not start: see the log above\n");
		goto out;
	}
	jobs_t *jobs = jobs_start(app);
	rc = http_serve(app, announce) ? 1 : 0;
	cap_stop(app);
	jobs_stop(jobs);
	cap_finish(app);
out:
	free(statics);
	return rc;
}

static int cmd_serve(cap_cli_t *x)
{
	if (cap_cli_opts(x, (const cap_opt_t[]){{0}}, NULL, 0, NULL))
		return 2;
	return run_server(x, false);
}

static int cmd_demo(cap_cli_t *x)
{
	if (cap_cli_opts(x, (const cap_opt_t[]){{0}}, NULL, 0, NULL))
		return 2;
	return run_server(x, true);
}

static int cmd_migrate(cap_cli_t *x)
{
	if (cap_cli_opts(x, (const cap_opt_t[]){{0}}, NULL, 0, NULL))
		return 2;
	log_set_quiet(1); /* the one line below says what happened */
	int n = 0;
	x->app->db = open_db(x->app->cfg, x->app->root, false, &n);
	if (!x->app->db)
		return 1;
	if (n > 0)
		printf("applied %d migration%s; the database is up to date\n", n, n == 1 ? "" : "s");
	else
		printf("no migration to apply; the database is up to date\n");
	return 0;
}

/* `finestreta help [COMMAND]`; `help --help` is answered before it runs (take_common). */
static int cmd_help(cap_cli_t *x)
{
	if (x->argc > 1) {
		fprintf(stderr, "finestreta help: one command at most (see 'finestreta help help')\n");
		return 2;
	}
	return help(x->argc ? x->argv[0] : NULL);
}

/* ---------------------------------------------------------------- render */

typedef struct {
	const char *dir;
	struct {
		char *name;
		mustache_tpl *tpl;
	} cache[256];
	int n;
} partials_t;

/* The whole file as a new string, or NULL. */
static char *read_file(const char *path, size_t *len)
{
	buf_t b;
	buf_init(&b, 64 << 20);
	if (buf_read_file(&b, path)) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b, len);
}

static const mustache_tpl *load_partial(void *ud, const char *name)
{
	partials_t *p = ud;
	for (int i = 0; i < p->n; i++)
		if (strcmp(p->cache[i].name, name) == 0)
			return p->cache[i].tpl;
	if (!p->dir || strstr(name, "..") || p->n == 256)
		return NULL;
	char *path = xasprintf("%s/%s.mustache", p->dir, name);
	size_t len;
	char *src = read_file(path, &len);
	free(path);
	mustache_tpl *t = NULL;
	if (src) {
		char err[256];
		t = mustache_compile(src, len, err, sizeof err);
		if (!t)
			fprintf(stderr, "finestreta render: partial %s: %s\n", name, err);
		free(src);
	}
	p->cache[p->n].name = xstrdup(name);
	p->cache[p->n].tpl = t;
	p->n++;
	return t;
}

static int cmd_render(cap_cli_t *x)
{
	struct {
		const char *tpl, *data, *partials;
	} o = {0};
	const cap_opt_t opts[] = {{"--template", &o.tpl, NULL},
				  {"--data", &o.data, NULL},
				  {"--partials", &o.partials, NULL},
				  {0}};
	if (cap_cli_opts(x, opts, NULL, 0, NULL))
		return 2;
	if (!o.tpl || !o.data) {
		fprintf(stderr, "finestreta render: --template and --data are required\n");
		return 2;
	}
	size_t len;
	char *src = read_file(o.tpl, &len);
	if (!src) {
		fprintf(stderr, "finestreta render: cannot read %s\n", o.tpl);
		return 1;
	}
	json_error_t je;
	json_t *data = json_load_file(o.data, JSON_DECODE_ANY, &je);
	if (!data) {
		fprintf(stderr, "finestreta render: %s:%d: %s\n", o.data, je.line, je.text);
		free(src);
		return 1;
	}
	char err[256];
	mustache_tpl *t = mustache_compile(src, len, err, sizeof err);
	free(src);
	int rc = 1;
	if (!t) {
		fprintf(stderr, "finestreta render: %s: %s\n", o.tpl, err);
	} else {
		partials_t p = {.dir = o.partials};
		buf_t out;
		buf_init(&out, (size_t)1 << 30);
		int r = mustache_render(t, &data, 1, load_partial, &p, &out);
		if (r)
			fprintf(stderr, "finestreta render: %s\n", err_name(r));
		else if (fwrite(out.data ? out.data : "", 1, out.len, stdout) == out.len)
			rc = 0;
		buf_free(&out);
		for (int i = 0; i < p.n; i++) {
			free(p.cache[i].name);
			mustache_free(p.cache[i].tpl);
		}
		mustache_free(t);
	}
	json_decref(data);
	return rc;
}

/* ---------------------------------------------------------------- routes */

/* Space-separated names of the bits set in v (names[i] is bit i), or `none`. */
static void print_bits(unsigned v, const char *const *names, size_t n, const char *none)
{
	const char *sep = "";
	for (size_t i = 0; i < n; i++)
		if (v & (1u << i)) {
			printf("%s%s", sep, names[i]);
			sep = " ";
		}
	if (!*sep)
		fputs(none, stdout);
}

static void route_line(const char *owner, const http_route_t *rt, void *ud)
{
	static const char *const methods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
	static const char *const flags[] = {"form", "json", "multipart", "no_csrf", "api", "no_session", "db"};
	const char *roles[ROLE_COUNT];
	for (int i = 0; i < ROLE_COUNT; i++)
		roles[i] = http_role_name((role_t)(1u << i));
	print_bits(rt->methods, methods, sizeof methods / sizeof *methods, "-");
	printf("\t%s\t%s\t", rt->pattern, owner);
	print_bits(rt->flags, flags, sizeof flags / sizeof *flags, "-");
	putchar('\t');
	print_bits(rt->roles, roles, ROLE_COUNT, "public");
	putchar('\n');
}

static int cmd_routes(cap_cli_t *x)
{
	if (cap_cli_opts(x, (const cap_opt_t[]){{0}}, NULL, 0, NULL))
		return 2;
	cap_routes_each(route_line, NULL);
	return fflush(stdout) ? 1 : 0;
}

/* ---------------------------------------------------------------- dispatch */

/* The command of argv (argv[1], and argv[2] when the command has sub-commands), or NULL with the
 * problem said. *words gets how many words name it. */
static const cap_cmd_t *find_command(int argc, char **argv, int *words)
{
	const char *cmd = argv[1], *sub = argc > 2 ? argv[2] : NULL;
	for (const cap_cmd_t *c = core_commands; c->cmd; c++)
		if (str_eq(c->cmd, cmd)) {
			*words = 1;
			return c;
		}
	const cap_cmd_t *found = cap_cmd_find(cmd, sub);
	if (found) {
		*words = found->sub ? 2 : 1;
		return found;
	}
	/* Known command, unknown sub-command: say which ones there are. */
	buf_t subs;
	buf_init(&subs, SIZE_MAX / 2); /* sub-command names from static tables */
	for (size_t i = 0; i < cap_count; i++)
		for (const cap_cmd_t *c = cap_table[i]->commands; c && c->cmd; c++)
			if (str_eq(c->cmd, cmd) && c->sub)
				(void)buf_printf(&subs, "%s'%s'", subs.len ? " or " : "", c->sub);
	if (subs.len)
		fprintf(stderr, "finestreta %s: expected %s (see 'finestreta help %s')\n", cmd, buf_str(&subs), cmd);
	else {
		fprintf(stderr, "finestreta: unknown command '%s'\n\n", cmd);
		usage(stderr);
	}
	buf_free(&subs);
	return NULL;
}

/* Settings always, then what the command needs; runs it. */
static int run_command(const cap_cmd_t *cmd, int argc, char **argv)
{
	bool server = cmd->run == cmd_serve || cmd->run == cmd_demo;
	common_t o = {0};
	int n = take_common(cmd->cmd, argc, argv, &o, server);
	if (n < 0)
		return n == -1 ? 0 : 2;
	app_t app = {.started_at = (int64_t)time(NULL)};
	cap_cli_t x = {.cmd = cmd, .argc = n, .argv = argv, .app = &app, .out = stdout, .err = stderr};
	int rc = 1;
	if (cmd->run != cmd_render && cmd->run != cmd_help) {
		app.cfg = load_config(&o);
		if (!app.cfg)
			return 1;
		app.root = config_str(app.cfg, "server.root");
	}
	if (cmd->needs)
		log_set_quiet(1); /* stdout is the command's answer; only warnings go to stderr */
	if ((cmd->needs & CAP_CMD_VIEW) && load_views(&app))
		goto out;
	if (cmd->needs & CAP_CMD_DB) {
		app.db = open_db(app.cfg, app.root, false, NULL);
		x.c = app.db ? db_acquire(app.db) : NULL;
		if (!x.c) {
			if (app.db)
				fprintf(stderr, "finestreta: database unavailable\n");
			goto out;
		}
	}
	rc = cmd->run(&x);
out:
	if (x.c)
		db_release(x.c);
	app_close(&app);
	return rc;
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "finestreta: libsodium failed to start\n");
		return 1;
	}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (str_eq(cmd, "--version") || str_eq(cmd, "version")) {
		printf("finestreta %s\n", FINESTRETA_VERSION);
		return 0;
	}
	if (is_help(cmd))
		return help(NULL);
	/* COMMAND --help, before the sub-command is looked for (COMMAND SUB --help: take_common). */
	if (argc > 2 && is_help(argv[2]))
		return help(cmd);
	int words = 0;
	const cap_cmd_t *c = find_command(argc, argv, &words);
	if (!c)
		return 2;
	return run_command(c, argc - 1 - words, argv + 1 + words);
}
