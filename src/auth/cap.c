/* cap.c — the auth capability's entry in the capability table (core/cap.h): its settings, job,
 * demo staff, CLI sub-commands and the guard it plugs into the HTTP core. */
#include "auth/internal.h"
#include "app.h"
#include "core/cap.h"

#include "base/err.h"
#include "base/log.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const config_key_t config[] = {
	CONFIG_KEY_INT("session", "ttl", "28800", 60, 2592000,
		       "Seconds a staff session lasts at most, however active."),
	CONFIG_KEY_INT("session", "idle", "3600", 60, 2592000,
		       "Seconds without activity after which a staff session ends."),
	CONFIG_KEY_INT("login", "max_attempts", "5", 1, 1000,
		       "Failed sign-ins for one account from one client address before that account is locked\n"
		       "for that address (others, and the right password from elsewhere, still get in)."),
	CONFIG_KEY_INT("login", "window", "86400", 60, 604800,
		       "Seconds failed sign-ins are remembered (since the account's last success from the\n"
		       "address)."),
	CONFIG_KEY_INT("login", "lockout", "900", 1, 86400,
		       "Seconds of the first lock; each further failure doubles it, up to lockout_max."),
	CONFIG_KEY_INT("login", "lockout_max", "86400", 1, 604800, "Longest lock, in seconds."),
	CONFIG_KEY_INT("login", "max_attempts_per_ip", "50", 1, 100000,
		       "Failed sign-ins from one client address, for any accounts, before the address is\n"
		       "locked (with the same growing waits)."),
	CONFIG_KEY_INT("auth", "max_concurrent_hashes", "0", 0, 256,
		       "Password hashes and checks (argon2id, 64 MiB and ~0.1-0.3 s of a core each) at once,\n"
		       "process-wide; 0: one fewer than the cores, at least 1."),
	CONFIG_KEY_INT("auth", "hash_queue", "4", 0, 256,
		       "Sign-ins that may wait for a hashing turn (one per client address); the rest are\n"
		       "answered 503 at once. A waiting sign-in holds no worker thread (it waits off them)."),
	CONFIG_KEY_INT("auth", "hash_wait_ms", "2000", 0, 30000,
		       "Milliseconds a sign-in waits for a hashing turn before it is answered 503."),
	{0},
};

/* ---------------------------------------------------------------- job, start */

static int purge_job(app_t *app, db_conn_t *c, int64_t now)
{
	return auth_purge(c);
}

static int start(app_t *app)
{
	http_set_guard(&auth_guard);
	/* Checks run off the worker threads: one offload thread per place the gate gives out. */
	http_offload_reserve(auth_hash_setup(app->cfg));
	return 0;
}

/* ---------------------------------------------------------------- demo staff */

#define DEMO_PASSWORD "vilamar-demo-2026"

static const struct {
	const char *email, *name, *role, *office;
} staff[] = {
	{"admin@vilamar.example", "Núria Puig", "admin", ""},
	{"coordinacio@vilamar.example", "Jordi Soler", "coordinator", "centre"},
	{"informador@vilamar.example", "Marta Vidal", "informer", "centre"},
	{"agent.tic@vilamar.example", "Aleix Ferrer", "ict_agent", "la-riera"},
	{"acollida@vilamar.example", "Laia Serra", "welcome", "centre"},
	{"pantalla.centre@vilamar.example", "Pantalla OAC Centre", "display", "centre"},
	{"quiosc.centre@vilamar.example", "Quiosc OAC Centre", "kiosk", "centre"},
	{"quiosc.riera@vilamar.example", "Quiosc OAC La Riera", "kiosk", "la-riera"},
};

static int seed_staff(app_t *app, db_conn_t *c, int64_t now, FILE *out)
{
	char hash[AUTH_HASH_LEN];
	int rc = auth_hash_password("local", DEMO_PASSWORD, hash);
	if (rc == 0)
		rc = db_begin(c);
	for (size_t i = 0; rc == 0 && i < sizeof staff / sizeof staff[0]; i++)
		rc = auth_user_add_hashed(c, staff[i].email, staff[i].name, staff[i].role, staff[i].office, hash, NULL);
	if (rc == 0)
		rc = db_commit(c);
	if (rc) {
		log_error("demo: %s", db_errmsg(c));
		db_rollback(c);
	}
	return rc;
}

/* Last, once everything else is in place. */
static int seed_logins(app_t *app, db_conn_t *c, int64_t now, FILE *out)
{
	fprintf(out, "Demo data created. Staff logins (password: %s):\n", DEMO_PASSWORD);
	for (size_t i = 0; i < sizeof staff / sizeof staff[0]; i++)
		fprintf(out, "  %-34s %s\n", staff[i].email, staff[i].role);
	fflush(out);
	return 0;
}

static const cap_seed_t seeds[] = {
	{100, "staff accounts", seed_staff, false},
	{10000, "staff logins", seed_logins, false},
	{0},
};

/* ---------------------------------------------------------------- user add, token create */

/* The password from standard input when it is not a terminal (1 when one was generated). */
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

static int user_add(cap_cli_t *x)
{
	const char *email = NULL, *role = NULL, *name = NULL, *office = NULL;
	const cap_opt_t opts[] = {{"--email", &email, NULL},
				  {"--role", &role, NULL},
				  {"--name", &name, NULL},
				  {"--office", &office, NULL},
				  {0}};
	if (cap_cli_opts(x, opts, NULL, 0, NULL))
		return 2;
	if (!email || !role) {
		fprintf(x->err, "finestreta user add: --email and --role are required\n");
		return 2;
	}
	if (!auth_role_from_name(role)) {
		fprintf(x->err, "finestreta user add: unknown role '%s'\n", role);
		return 2;
	}
	char password[256];
	int generated = read_password(password, sizeof password);
	int rc = 1;
	if (generated < 0 || strlen(password) < 12) {
		fprintf(x->err, "finestreta user add: the password must have at least 12 characters\n");
		rc = 2;
		goto out;
	}
	int64_t id = 0;
	int r = auth_user_add(x->c, email, name ? name : email, role, office ? office : "", password, &id);
	if (r == ERR_CONFLICT) {
		fprintf(x->err, "finestreta user add: %s already exists\n", email);
	} else if (r) {
		fprintf(x->err, "finestreta user add: %s\n", db_errmsg(x->c));
	} else {
		fprintf(x->out, "created user %lld: %s (%s)\n", (long long)id, email, role);
		if (generated == 1)
			fprintf(x->out, "password: %s\n", password);
		rc = 0;
	}
out:
	sodium_memzero(password, sizeof password);
	return rc;
}

static int token_create(cap_cli_t *x)
{
	const char *user = NULL, *label = NULL;
	const cap_opt_t opts[] = {{"--user", &user, NULL}, {"--label", &label, NULL}, {0}};
	if (cap_cli_opts(x, opts, NULL, 0, NULL))
		return 2;
	if (!user) {
		fprintf(x->err, "finestreta token create: --user is required\n");
		return 2;
	}
	char tok[65];
	int r = auth_token_create(x->c, user, label, tok);
	if (r == ERR_NOT_FOUND) {
		fprintf(x->err, "finestreta token create: no active user %s\n", user);
		return 1;
	}
	if (r) {
		fprintf(x->err, "finestreta token create: %s\n", db_errmsg(x->c));
		return 1;
	}
	fprintf(x->out, "%s\n", tok);
	return 0;
}

static const cap_cmd_t commands[] = {
	{"user", "add", "Create a staff account",
	 "Usage: finestreta user add --email E --role R [--name N] [--office CODE]\n"
	 "                           [--config FILE] [--db URL]\n\n"
	 "Creates a staff account. Roles: admin, coordinator, informer, ict_agent, welcome,\n"
	 "display, kiosk. The password is read from standard input when it is not a terminal;\n"
	 "otherwise a random one is generated and printed.\n",
	 CAP_CMD_DB, user_add},
	{"token", "create", "Print a new API token for a staff account",
	 "Usage: finestreta token create --user EMAIL [--label TEXT] [--config FILE] [--db URL]\n\n"
	 "Prints a new bearer token for the staff API (Authorization: Bearer TOKEN).\n",
	 CAP_CMD_DB, token_create},
	{0},
};

/* ---------------------------------------------------------------- the entry */

static const bus_topic_t topics[] = {
	{"staff.", ROLE_ANY}, /* desks, displays and kiosks: any signed-in account */
	{0},
};

static const cap_job_t jobs[] = {
	{"auth.purge", 0, purge_job},
	{0},
};

const cap_t auth_cap = {
	.name = "auth",
	.summary = "Staff accounts, sessions, API tokens, CSRF, audit log, branding",
	.routes = {auth_routes},
	.config = config,
	.topics = topics,
	.jobs = jobs,
	.seeds = seeds,
	.commands = commands,
	.start = start,
};
