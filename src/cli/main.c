/* main.c — the finestreta command: serve, demo, migrate, user, token, render. */
#include "app.h"
#include "auth/auth.h"
#include "base/buf.h"
#include "base/config.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "booking/booking.h"
#include "booking/pages.h"
#include "bus/bus.h"
#include "catalog/catalog.h"
#include "schedule/schedule.h"
#include "cli/demo.h"
#include "db/db.h"
#include "http/core.h"
#include "http/http.h"
#include "http/statics.h"
#include "jobs/jobs.h"
#include "notify/notify.h"
#include "view/i18n.h"
#include "view/mustache.h"
#include "view/view.h"

#include <errno.h>
#include <sodium.h>
#include <stddef.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef FINESTRETA_VERSION
#define FINESTRETA_VERSION "0.1.0"
#endif

extern char **environ;

static const char *usage_main =
	"Usage: finestreta COMMAND [OPTIONS]\n"
	"\n"
	"Omnichannel citizen attention for city halls.\n"
	"\n"
	"Commands:\n"
	"  serve     Run the server\n"
	"  demo      Recreate the database with demo data, then serve\n"
	"  migrate   Apply pending database migrations\n"
	"  user      Manage staff accounts (user add)\n"
	"  token     Manage API tokens (token create)\n"
	"  render    Render a Mustache template with JSON data to stdout\n"
	/* catalog: */
	"  import    Import data (import catalogue FILE..., import holidays FILE)\n"
	"  export    Export data to stdout (export catalogue)\n"
	/* notify: */
	"  mail      Queue a test mail to check the mail settings (mail test --to ADDRESS)\n"
	"  help      Show help for a command (help COMMAND)\n"
	"\n"
	"Options:\n"
	"  --version  Print the version\n"
	"  --help     Print this help\n"
	"\n"
	"Run 'finestreta help COMMAND' for a command's options.\n";

static const struct {
	const char *name, *text;
} helps[] = {
	{"serve", "Usage: finestreta serve [--config FILE] [--db URL] [--listen ADDR:PORT]\n\n"
		  "Runs the server until SIGTERM or SIGINT. Settings come from FILE, then from\n"
		  "FINESTRETA_SECTION_KEY environment variables, then from these flags.\n"
		  "Database URLs: sqlite:PATH (default sqlite:data/finestreta.db) or postgresql://...\n"},
	{"demo", "Usage: finestreta demo [--config FILE] [--db URL] [--listen ADDR:PORT]\n\n"
		 "Erases the database, fills it with demo data (the city of Vilamar and its staff),\n"
		 "prints the demo logins, and serves.\n"},
	{"migrate", "Usage: finestreta migrate [--config FILE] [--db URL]\n\n"
		    "Applies the migrations that have not run yet and says how many it applied. The\n"
		    "server also does this at start.\n"},
	{"user", "Usage: finestreta user add --email E --role R [--name N] [--office CODE]\n"
		 "                           [--config FILE] [--db URL]\n\n"
		 "Creates a staff account. Roles: admin, coordinator, informer, ict_agent, welcome,\n"
		 "display, kiosk. The password is read from standard input when it is not a terminal;\n"
		 "otherwise a random one is generated and printed.\n"},
	{"token", "Usage: finestreta token create --user EMAIL [--label TEXT] [--config FILE] [--db URL]\n\n"
		  "Prints a new bearer token for the staff API (Authorization: Bearer TOKEN).\n"},
	/* catalog: import and export of the catalogue (docs/catalogue-format.md) */
	{"import", "Usage: finestreta import catalogue FILE... [--dry-run] [--config FILE] [--db URL]\n\n"
		   "Loads offices (with zones and desks), organisations and procedures from FILE: one\n"
		   "JSON document, or CSV tables (a name ending in .csv) told apart by their header:\n"
		   "organisations, offices, zones, desks, procedures. Several files are applied\n"
		   "together in that order, in one transaction. Items are matched by code: new ones are\n"
		   "created, changed ones updated, nothing is deleted; importing the same file twice\n"
		   "changes nothing. Any error (named by file, row or JSON path, and field) leaves the\n"
		   "database as it was. --dry-run checks everything and writes nothing.\n"
		   "Format: docs/catalogue-format.md\n"
		   /* schedule: */
		   "\nUsage: finestreta import holidays FILE [--config FILE] [--db URL]\n\n"
		   "Loads public holidays from a CSV file (date,scope,name_ca,name_es,name_en; scope is\n"
		   "national, catalonia or city), updating days already there, then recomputes every\n"
		   "office's slots. Booked slots that fall on a new holiday are left as they are and\n"
		   "listed. Any error (named by line and field) leaves the database as it was.\n"
		   "Calendars for Catalonia: deploy/holidays/.\n"},
	{"export", "Usage: finestreta export catalogue [--format json|csv] [--table T] [--config FILE] [--db URL]\n\n"
		   "Writes the catalogue to standard output: the whole JSON document (default), or one\n"
		   "CSV table with --format csv: --table organisations, offices, zones, desks or\n"
		   "procedures (default procedures). The output imports back as it is.\n"},
	/* notify: */
	{"mail", "Usage: finestreta mail test --to ADDRESS [--lang ca|es|en] [--config FILE] [--db URL]\n\n"
		 "Queues a test message to ADDRESS in the outbox, with the [mail] settings of the\n"
		 "configuration. The running server delivers it within seconds, over SMTP or to\n"
		 "mail.outbox_dir; /admin/outbox shows how it went.\n"},
	{"help", "Usage: finestreta help [COMMAND]\n\n"
		 "Prints the help of COMMAND, or the list of commands. 'finestreta COMMAND --help'\n"
		 "and 'finestreta COMMAND SUBCOMMAND --help' print the same.\n"},
	{"render", "Usage: finestreta render --template FILE --data FILE.json [--partials DIR]\n\n"
		   "Renders a Mustache template with JSON data to standard output. A partial or parent\n"
		   "named x is read from DIR/x.mustache.\n"},
};

static int help(const char *cmd)
{
	if (!cmd) {
		fputs(usage_main, stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++)
		if (strcmp(cmd, helps[i].name) == 0) {
			fputs(helps[i].text, stdout);
			return 0;
		}
	fprintf(stderr, "finestreta: unknown command '%s'\n", cmd);
	return 2;
}

/* ---------------------------------------------------------------- options */

typedef struct {
	const char *config, *db, *listen, *email, *role, *name, *office, *user, *label;
	const char *tpl, *data, *partials;
	const char *format, *table; /* catalog: export */
	const char *to, *lang;      /* notify: mail test */
} opts_t;

static int parse_opts(int argc, char **argv, int start, opts_t *o, const char *cmd)
{
	static const struct {
		const char *flag;
		size_t off;
	} flags[] = {
		{"--config", offsetof(opts_t, config)},     {"--db", offsetof(opts_t, db)},
		{"--listen", offsetof(opts_t, listen)},     {"--email", offsetof(opts_t, email)},
		{"--role", offsetof(opts_t, role)},         {"--name", offsetof(opts_t, name)},
		{"--office", offsetof(opts_t, office)},     {"--user", offsetof(opts_t, user)},
		{"--label", offsetof(opts_t, label)},       {"--template", offsetof(opts_t, tpl)},
		{"--data", offsetof(opts_t, data)},         {"--partials", offsetof(opts_t, partials)},
		{"--format", offsetof(opts_t, format)},     {"--table", offsetof(opts_t, table)},
		{"--to", offsetof(opts_t, to)},             {"--lang", offsetof(opts_t, lang)},
	};
	for (int i = start; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			help(cmd);
			exit(0);
		}
		const char *arg = argv[i], *val = NULL;
		const char *eq = strchr(arg, '=');
		size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
		size_t k;
		for (k = 0; k < sizeof flags / sizeof flags[0]; k++)
			if (strlen(flags[k].flag) == n && strncmp(arg, flags[k].flag, n) == 0)
				break;
		if (k == sizeof flags / sizeof flags[0]) {
			fprintf(stderr, "finestreta %s: unknown option '%s' (see 'finestreta help %s')\n", cmd, arg, cmd);
			return ERR_INVALID;
		}
		if (eq)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else {
			fprintf(stderr, "finestreta %s: %s needs a value\n", cmd, arg);
			return ERR_INVALID;
		}
		*(const char **)((char *)o + flags[k].off) = val;
	}
	return 0;
}

static config_t *load_config(const opts_t *o)
{
	char err[512];
	config_t *cfg = config_new();
	const char *file = o->config ? o->config : getenv("FINESTRETA_CONFIG");
	if ((file && config_load_file(cfg, file, err, sizeof err)) ||
	    config_load_env(cfg, environ, err, sizeof err) ||
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

static char *path_in(const char *root, const char *sub)
{
	return xasprintf("%s/%s", root, sub);
}

/* Opens and migrates the database; *applied (may be NULL) gets how many migrations ran. */
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
	char *mdir = path_in(root, "migrations");
	int n = db_migrate(db, mdir, err, sizeof err);
	free(mdir);
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

/* Whether argv[2] is the subcommand sub of "finestreta cmd"; if not, says so on stderr. */
static bool expect_sub(int argc, char **argv, const char *cmd, const char *sub)
{
	if (argc < 3 || strcmp(argv[2], sub) != 0) {
		fprintf(stderr, "finestreta %s: expected '%s' (see 'finestreta help %s')\n", cmd, sub, cmd);
		return false;
	}
	return true;
}

/* "finestreta cmd sub [options]" into o: 0, or 2 with the reason printed. */
static int parse_sub(int argc, char **argv, const char *cmd, const char *sub, opts_t *o)
{
	if (!expect_sub(argc, argv, cmd, sub))
		return 2;
	return parse_opts(argc, argv, 3, o, cmd) ? 2 : 0;
}

/* What a one-shot command needs: settings, a migrated database, one connection. */
typedef struct {
	config_t *cfg;
	db_t *db;
	db_conn_t *c;
} cli_db_t;

/* 0, or 1 with the reason printed. */
static int cli_db_open(const opts_t *o, cli_db_t *d)
{
	memset(d, 0, sizeof *d);
	log_set_quiet(1); /* stdout is the command's answer; only warnings go to stderr */
	d->cfg = load_config(o);
	if (!d->cfg)
		return 1;
	d->db = open_db(d->cfg, config_str(d->cfg, "server.root"), false, NULL);
	if (d->db)
		d->c = db_acquire(d->db);
	if (!d->c) {
		if (d->db)
			fprintf(stderr, "finestreta: database unavailable\n");
		return 1;
	}
	return 0;
}

static void cli_db_close(cli_db_t *d)
{
	if (d->c)
		db_release(d->c);
	if (d->db)
		db_close(d->db);
	config_free(d->cfg);
	memset(d, 0, sizeof *d);
}

static void announce(const char *url)
{
	printf("Finestreta listening on %s\n", url);
	fflush(stdout);
}

static int run_server(const opts_t *o, bool demo)
{
	config_t *cfg = load_config(o);
	if (!cfg)
		return 1;
	const char *root = config_str(cfg, "server.root");
	char err[512];
	app_t app = {.cfg = cfg, .root = root, .started_at = (int64_t)time(NULL)};
	int rc = 1;
	char *locale = path_in(root, "locale"), *templates = path_in(root, "templates"),
	     *statics = path_in(root, "static");
	if (i18n_load(locale, err, sizeof err)) {
		fprintf(stderr, "finestreta: translations: %s\n", err);
		goto out;
	}
	app.view = view_new(templates, err, sizeof err);
	if (!app.view) {
		fprintf(stderr, "finestreta: templates: %s\n", err);
		goto out;
	}
	app.statics = statics_load(statics, err, sizeof err);
	if (!app.statics) {
		fprintf(stderr, "finestreta: static files: %s\n", err);
		goto out;
	}
	if (notify_init(&app)) { /* notify: the mail text templates */
		fprintf(stderr, "finestreta: mail templates: see the log above\n");
		goto out;
	}
	app.db = open_db(cfg, root, demo, NULL);
	if (!app.db)
		goto out;
	if (demo) {
		if (demo_seed(app.db, cfg, stdout)) {
			fprintf(stderr, "finestreta: could not create the demo data\n");
			goto out;
		}
	}
	app.bus = bus_new();
	if (bus_start_relay(app.bus, app.db)) {
		fprintf(stderr, "finestreta: cannot listen for events from other nodes\n");
		goto out;
	}
	core_routes();
	auth_routes();
	catalog_routes();
	catalog_start(&app);
	schedule_routes();
	booking_routes();
	booking_pages_routes(); /* booking pages: /cita, /staff/cita */
	notify_routes();
	jobs_t *jobs = jobs_start(&app);
	rc = http_serve(&app, announce) ? 1 : 0;
	notify_stop(); /* notify: end a delivery round now rather than after an SMTP timeout */
	jobs_stop(jobs);
out:
	if (app.db)
		db_close(app.db);
	bus_free(app.bus);
	statics_free(app.statics);
	notify_shutdown();
	view_free(app.view);
	i18n_unload();
	config_free(cfg);
	free(locale);
	free(templates);
	free(statics);
	return rc;
}

/* ---------------------------------------------------------------- notify: mail test */

static int cmd_mail(int argc, char **argv)
{
	opts_t o = {0};
	if (parse_sub(argc, argv, "mail", "test", &o))
		return 2;
	if (!o.to) {
		fprintf(stderr, "finestreta mail test: --to is required\n");
		return 2;
	}
	if (o.lang && !(strcmp(o.lang, "ca") == 0 || strcmp(o.lang, "es") == 0 || strcmp(o.lang, "en") == 0)) {
		fprintf(stderr, "finestreta mail test: --lang must be ca, es or en\n");
		return 2;
	}
	config_t *cfg = load_config(&o);
	if (!cfg)
		return 1;
	log_set_quiet(1);
	const char *root = config_str(cfg, "server.root");
	char err[512];
	char *locale = path_in(root, "locale"), *templates = path_in(root, "templates");
	app_t app = {.cfg = cfg, .root = root, .started_at = (int64_t)time(NULL)};
	db_conn_t *c = NULL;
	int rc = 1;
	if (i18n_load(locale, err, sizeof err)) {
		fprintf(stderr, "finestreta: translations: %s\n", err);
		goto out;
	}
	app.view = view_new(templates, err, sizeof err);
	if (!app.view) {
		fprintf(stderr, "finestreta: templates: %s\n", err);
		goto out;
	}
	if (notify_init(&app))
		goto out;
	app.db = open_db(cfg, root, false, NULL);
	if (!app.db)
		goto out;
	c = db_acquire(app.db);
	if (!c) {
		fprintf(stderr, "finestreta mail test: database unavailable\n");
		goto out;
	}
	int64_t id = 0;
	int r = notify_test_mail(c, o.to, o.lang, &id);
	if (r == ERR_INVALID) {
		fprintf(stderr, "finestreta mail test: '%s' is not an e-mail address\n", o.to);
		rc = 2;
	} else if (r) {
		fprintf(stderr, "finestreta mail test: %s\n", c ? db_errmsg(c) : err_name(r));
	} else {
		const char *smtp = config_str(cfg, "mail.smtp_url");
		printf("queued test message %lld to %s\n", (long long)id, o.to);
		if (*smtp)
			printf("the server sends it over SMTP within seconds; /admin/outbox shows how it went\n");
		else
			printf("no SMTP server set (mail.smtp_url): the server writes it to %s within seconds\n",
			       config_str(cfg, "mail.outbox_dir"));
		rc = 0;
	}
out:
	if (c)
		db_release(c);
	if (app.db)
		db_close(app.db);
	notify_shutdown();
	view_free(app.view);
	i18n_unload();
	config_free(cfg);
	free(locale);
	free(templates);
	return rc;
}

static int cmd_migrate(const opts_t *o)
{
	config_t *cfg = load_config(o);
	if (!cfg)
		return 1;
	log_set_quiet(1); /* the one line below says what happened */
	int n = 0;
	db_t *db = open_db(cfg, config_str(cfg, "server.root"), false, &n);
	int rc = db ? 0 : 1;
	if (db) {
		if (n > 0)
			printf("applied %d migration%s; the database is up to date\n", n, n == 1 ? "" : "s");
		else
			printf("no migration to apply; the database is up to date\n");
		db_close(db);
	}
	config_free(cfg);
	return rc;
}

static int read_password(char *out, size_t n)
{
	if (isatty(STDIN_FILENO)) {
		unsigned char raw[15];
		randombytes_buf(raw, sizeof raw);
		sodium_bin2base64(out, n, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		return 1;
	}
	if (!fgets(out, (int)n, stdin))
		return -1;
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

static int cmd_user(int argc, char **argv)
{
	opts_t o = {0};
	if (parse_sub(argc, argv, "user", "add", &o))
		return 2;
	if (!o.email || !o.role) {
		fprintf(stderr, "finestreta user add: --email and --role are required\n");
		return 2;
	}
	if (!auth_role_from_name(o.role)) {
		fprintf(stderr, "finestreta user add: unknown role '%s'\n", o.role);
		return 2;
	}
	char password[256];
	int generated = read_password(password, sizeof password);
	if (generated < 0 || strlen(password) < 12) {
		fprintf(stderr, "finestreta user add: the password must have at least 12 characters\n");
		return 2;
	}
	cli_db_t d;
	int rc = 1;
	if (cli_db_open(&o, &d) == 0) {
		int64_t id = 0;
		int r = auth_user_add(d.c, o.email, o.name ? o.name : o.email, o.role, o.office ? o.office : "",
				      password, &id);
		if (r == ERR_CONFLICT)
			fprintf(stderr, "finestreta user add: %s already exists\n", o.email);
		else if (r)
			fprintf(stderr, "finestreta user add: %s\n", db_errmsg(d.c));
		else {
			printf("created user %lld: %s (%s)\n", (long long)id, o.email, o.role);
			if (generated == 1)
				printf("password: %s\n", password);
			rc = 0;
		}
	}
	cli_db_close(&d);
	sodium_memzero(password, sizeof password);
	return rc;
}

static int cmd_token(int argc, char **argv)
{
	opts_t o = {0};
	if (parse_sub(argc, argv, "token", "create", &o))
		return 2;
	if (!o.user) {
		fprintf(stderr, "finestreta token create: --user is required\n");
		return 2;
	}
	cli_db_t d;
	int rc = 1;
	if (cli_db_open(&o, &d) == 0) {
		char tok[65];
		int r = auth_token_create(d.c, o.user, o.label, tok);
		if (r == ERR_NOT_FOUND)
			fprintf(stderr, "finestreta token create: no active user %s\n", o.user);
		else if (r)
			fprintf(stderr, "finestreta token create: %s\n", db_errmsg(d.c));
		else {
			printf("%s\n", tok);
			rc = 0;
		}
	}
	cli_db_close(&d);
	return rc;
}

/* ---------------------------------------------------------------- catalog: import, export */

/* `import catalogue FILE... [--dry-run]` and `export catalogue`: the files and --dry-run are
 * taken out before the usual options are parsed. */
static int cmd_catalogue(int argc, char **argv, bool import)
{
	const char *cmd = import ? "import" : "export";
	if (!expect_sub(argc, argv, cmd, "catalogue"))
		return 2;
	char **rest = xcalloc((size_t)argc + 1, sizeof *rest);
	const char **files = xcalloc((size_t)argc + 1, sizeof *files);
	int nrest = 0;
	size_t nfiles = 0;
	bool dry_run = false;
	for (int i = 3; i < argc; i++) {
		if (import && strcmp(argv[i], "--dry-run") == 0)
			dry_run = true;
		else if (argv[i][0] == '-' && argv[i][1] == '-') {
			rest[nrest++] = argv[i];
			if (!strchr(argv[i], '=') && i + 1 < argc && strcmp(argv[i], "--help") != 0)
				rest[nrest++] = argv[++i];
		} else if (import && argv[i][0] != '-')
			files[nfiles++] = argv[i];
		else
			rest[nrest++] = argv[i];
	}
	opts_t o = {0};
	int rc = 2;
	if (parse_opts(nrest, rest, 0, &o, cmd))
		goto out;
	if (import && nfiles == 0) {
		fprintf(stderr, "finestreta import catalogue: no FILE given\n");
		goto out;
	}
	cli_db_t d;
	rc = 1;
	if (cli_db_open(&o, &d) == 0) {
		if (import)
			rc = catalog_cli_import(d.c, files, nfiles, dry_run, stdout, stderr) ? 1 : 0;
		else
			rc = catalog_cli_export(d.c, o.format, o.table, stdout, stderr) ? 1 : 0;
	}
	cli_db_close(&d);
out:
	free(rest);
	free(files);
	return rc;
}

/* ---------------------------------------------------------------- schedule: import holidays */

static int cmd_import_holidays(int argc, char **argv)
{
	if (argc < 4 || argv[3][0] == '-') {
		fprintf(stderr, "finestreta import holidays: FILE is required (see 'finestreta help import')\n");
		return 2;
	}
	opts_t o = {0};
	if (parse_opts(argc, argv, 4, &o, "import"))
		return 2;
	cli_db_t d;
	int rc = 1;
	if (cli_db_open(&o, &d) == 0) {
		int r = schedule_import_holidays_file(d.db, argv[3], stdout, stderr);
		rc = r == 0 ? 0 : r == ERR_INVALID ? 2 : 1;
	}
	cli_db_close(&d);
	return rc;
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

static int cmd_render(int argc, char **argv)
{
	opts_t o = {0};
	if (parse_opts(argc, argv, 2, &o, "render"))
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

static bool is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "finestreta: libsodium failed to start\n");
		return 1;
	}
	if (argc < 2) {
		fputs(usage_main, stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("finestreta %s\n", FINESTRETA_VERSION);
		return 0;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
		return help(NULL);
	if (strcmp(cmd, "help") == 0)
		return help(argc < 3 ? NULL : is_help(argv[2]) ? "help" : argv[2]);
	/* COMMAND --help and COMMAND SUBCOMMAND --help, before a command checks its arguments. */
	if ((argc > 2 && is_help(argv[2])) || (argc > 3 && argv[2][0] != '-' && is_help(argv[3])))
		return help(cmd);
	opts_t o = {0};
	if (strcmp(cmd, "serve") == 0 || strcmp(cmd, "demo") == 0) {
		if (parse_opts(argc, argv, 2, &o, cmd))
			return 2;
		return run_server(&o, strcmp(cmd, "demo") == 0);
	}
	if (strcmp(cmd, "migrate") == 0) {
		if (parse_opts(argc, argv, 2, &o, cmd))
			return 2;
		return cmd_migrate(&o);
	}
	if (strcmp(cmd, "user") == 0)
		return cmd_user(argc, argv);
	if (strcmp(cmd, "token") == 0)
		return cmd_token(argc, argv);
	if (strcmp(cmd, "render") == 0)
		return cmd_render(argc, argv);
	if (strcmp(cmd, "mail") == 0) /* notify */
		return cmd_mail(argc, argv);
	if (strcmp(cmd, "import") == 0 && argc > 2 && strcmp(argv[2], "holidays") == 0) /* schedule */
		return cmd_import_holidays(argc, argv);
	if (strcmp(cmd, "import") == 0 || strcmp(cmd, "export") == 0) /* catalog */
		return cmd_catalogue(argc, argv, strcmp(cmd, "import") == 0);
	fprintf(stderr, "finestreta: unknown command '%s'\n\n%s", cmd, usage_main);
	return 2;
}
