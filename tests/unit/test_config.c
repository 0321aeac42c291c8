#include "base/buf.h"
#include "base/config.h"
#include "base/mem.h"
#include "base/err.h"
#include "core/cap.h"
#include "figures/internal.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

/* How to read the key a case checks: 's' text, 'i' integer, 'b' boolean. */
struct file_case {
	const char *what;
	const char *ini;
	const char *err; /* NULL: loads; otherwise the exact message */
	char type;
	const char *key; /* checked after loading (or, on error, that it kept its default) */
	const char *want;
};

static const struct file_case file_cases[] = {
	{"empty file keeps defaults", "", NULL, 's', "server.listen", "127.0.0.1:8080"},
	{"comments only", "# one\n; two\n\n", NULL, 'i', "server.threads", "0"},
	{"int", "[server]\nthreads = 4\n", NULL, 'i', "server.threads", "4"},
	{"int at the low bound", "[limits]\nmax_sse = 0\n", NULL, 'i', "limits.max_sse", "0"},
	{"int at the high bound", "[limits]\nmax_body = 1073741824\n", NULL, 'i', "limits.max_body", "1073741824"},
	{"ipv4 listen", "[server]\nlisten = 0.0.0.0:80\n", NULL, 's', "server.listen", "0.0.0.0:80"},
	{"ipv6 listen", "[server]\nlisten = [::1]:9000\n", NULL, 's', "server.listen", "[::1]:9000"},
	{"postgresql url", "[database]\nurl = postgresql://fin:pw@db/fin?sslmode=require\n", NULL, 's', "database.url",
	 "postgresql://fin:pw@db/fin?sslmode=require"},
	{"postgres url", "[database]\nurl = postgres://db/fin\n", NULL, 's', "database.url", "postgres://db/fin"},
	{"inline comment", "[database]\npool = 16 ; per node\n", NULL, 'i', "database.pool", "16"},
	{"quoted value", "[city]\nname = \"Ajuntament de l'Hospitalet\"\n", NULL, 's', "city.name",
	 "Ajuntament de l'Hospitalet"},
	{"utf-8 value", "[city]\nname = Ajuntament de Lleida · Paeria\n", NULL, 's', "city.name",
	 "Ajuntament de Lleida · Paeria"},
	{"CRLF lines", "[server]\r\nthreads = 7\r\n", NULL, 'i', "server.threads", "7"},
	{"no final newline", "[server]\nthreads = 3", NULL, 'i', "server.threads", "3"},
	{"colon separator", "[server]\nthreads: 5\n", NULL, 'i', "server.threads", "5"},
	{"bool on", "[server]\nsecure_cookies = On\n", NULL, 'b', "server.secure_cookies", "true"},
	{"bool yes", "[server]\ntrust_proxy = yes\n", NULL, 'b', "server.trust_proxy", "true"},
	{"bool 0", "[log]\naccess = 0\n", NULL, 'b', "log.access", "false"},
	{"bool off", "[log]\naccess = off\n", NULL, 'b', "log.access", "false"},
	{"indented key is a key, not a continuation", "[server]\nlisten = 10.0.0.1:8080\n    threads = 4\n", NULL, 'i',
	 "server.threads", "4"},
	{"section given twice", "[server]\nthreads = 2\n[log]\naccess = no\n[server]\nconnection_limit = 9\n", NULL,
	 'i', "server.connection_limit", "9"},
	{"whole file",
	 "# Finestreta\n"
	 "[server]\n"
	 "listen = 127.0.0.1:9090\n"
	 "threads = 8\n"
	 "connection_limit = 5000\n"
	 "connection_timeout = 60\n"
	 "root = /srv/finestreta\n"
	 "public_url = https://cita.example.cat\n"
	 "secure_cookies = true\n"
	 "trust_proxy = true\n"
	 "\n[database]\nurl = sqlite:/var/lib/finestreta/db\npool = 4\n"
	 "\n[limits]\nmax_body = 2048\nmax_upload = 4096\nmax_fields = 10\nmax_sse = 5\n"
	 "\n[session]\nttl = 600\nidle = 60\n"
	 "\n[login]\nmax_attempts = 3\nwindow = 60\nlockout = 120\nmax_attempts_per_ip = 9\n"
	 "\n[city]\nname = Vilamar\n"
	 "\n[events]\nheartbeat = 5\n"
	 "\n[log]\naccess = false\n",
	 NULL, 'i', "login.max_attempts_per_ip", "9"},

	{"unknown section", "# comment\n\n[sever]\nthreads = 1\n", "t.ini:3: unknown section [sever]", 'i',
	 "server.threads", "0"},
	{"byte order mark", "\xEF\xBB\xBF[server]\nthreads = 6\n", NULL, 'i', "server.threads", "6"},
	{"unknown section after a byte order mark", "\xEF\xBB\xBF[extra]\n", "t.ini:1: unknown section [extra]", 'i',
	 "server.threads", "0"},
	{"empty unknown section", "[server]\nthreads = 1\n[extra]\n", "t.ini:3: unknown section [extra]", 'i',
	 "server.threads", "0"},
	{"unknown key", "[server]\n\n; comment\nthread = 4\n", "t.ini:4: unknown key 'thread' in section [server]", 'i',
	 "server.threads", "0"},
	{"key of another section", "[server]\npool = 4\n", "t.ini:2: unknown key 'pool' in section [server]", 'i',
	 "database.pool", "8"},
	{"keys are case-sensitive", "[server]\nThreads = 4\n", "t.ini:2: unknown key 'Threads' in section [server]",
	 'i', "server.threads", "0"},
	{"bad int", "[server]\nthreads = abc\n",
	 "t.ini:2: bad value for server.threads: 'abc' (expected an integer 0..256)", 'i', "server.threads", "0"},
	{"int with a unit", "[session]\nttl = 60s\n",
	 "t.ini:2: bad value for session.ttl: '60s' (expected an integer 60..2592000)", 'i', "session.ttl", "28800"},
	{"int above range", "[server]\nthreads = 257\n",
	 "t.ini:2: bad value for server.threads: '257' (expected an integer 0..256)", 'i', "server.threads", "0"},
	{"int below range", "[database]\npool = 0\n",
	 "t.ini:2: bad value for database.pool: '0' (expected an integer 1..256)", 'i', "database.pool", "8"},
	{"negative int", "[limits]\nmax_fields = -1\n",
	 "t.ini:2: bad value for limits.max_fields: '-1' (expected an integer 1..10000)", 'i', "limits.max_fields",
	 "200"},
	{"huge int", "[limits]\nmax_body = 99999999999999999999999\n",
	 "t.ini:2: bad value for limits.max_body: '99999999999999999999999' (expected an integer "
	 "1024..1073741824)",
	 'i', "limits.max_body", "1048576"},
	{"empty int", "[events]\nheartbeat =\n",
	 "t.ini:2: bad value for events.heartbeat: '' (expected an integer 1..300)", 'i', "events.heartbeat", "15"},
	{"bad bool", "[server]\nsecure_cookies = maybe\n",
	 "t.ini:2: bad value for server.secure_cookies: 'maybe' (expected true or false: "
	 "true/false, on/off, yes/no, 1/0)",
	 'b', "server.secure_cookies", "false"},
	{"listen without port", "[server]\nlisten = 127.0.0.1\n",
	 "t.ini:2: bad value for server.listen: '127.0.0.1' (expected ADDR:PORT or [IPv6]:PORT "
	 "with an IP address and a port 1..65535)",
	 's', "server.listen", "127.0.0.1:8080"},
	{"listen with a host name", "[server]\nlisten = localhost:8080\n",
	 "t.ini:2: bad value for server.listen: 'localhost:8080' (expected ADDR:PORT or "
	 "[IPv6]:PORT with an IP address and a port 1..65535)",
	 's', "server.listen", "127.0.0.1:8080"},
	{"listen port 0", "[server]\nlisten = 127.0.0.1:0\n",
	 "t.ini:2: bad value for server.listen: '127.0.0.1:0' (expected ADDR:PORT or [IPv6]:PORT "
	 "with an IP address and a port 1..65535)",
	 's', "server.listen", "127.0.0.1:8080"},
	{"listen port too big", "[server]\nlisten = 127.0.0.1:65536\n",
	 "t.ini:2: bad value for server.listen: '127.0.0.1:65536' (expected ADDR:PORT or "
	 "[IPv6]:PORT with an IP address and a port 1..65535)",
	 's', "server.listen", "127.0.0.1:8080"},
	{"listen ipv6 without brackets", "[server]\nlisten = ::1:8080\n",
	 "t.ini:2: bad value for server.listen: '::1:8080' (expected ADDR:PORT or [IPv6]:PORT "
	 "with an IP address and a port 1..65535)",
	 's', "server.listen", "127.0.0.1:8080"},
	{"bad url", "[database]\nurl = mysql://db/fin\n",
	 "t.ini:2: bad value for database.url: 'mysql://db/fin' (expected sqlite:PATH, "
	 "postgresql://... or postgres://...)",
	 's', "database.url", "sqlite:data/finestreta.db"},
	{"sqlite url without path", "[database]\nurl = sqlite:\n",
	 "t.ini:2: bad value for database.url: 'sqlite:' (expected sqlite:PATH, postgresql://... "
	 "or postgres://...)",
	 's', "database.url", "sqlite:data/finestreta.db"},
	{"bad public url", "[server]\npublic_url = cita.example.cat\n",
	 "t.ini:2: bad value for server.public_url: 'cita.example.cat' (expected an http:// or "
	 "https:// URL)",
	 's', "server.public_url", ""},
	{"key outside a section", "threads = 4\n",
	 "t.ini:1: 'threads' is outside any section (start with a [section] line)", 'i', "server.threads", "0"},
	{"line without '='", "[server]\n\nthreads 4\n", "t.ini:3: expected 'key = value', a [section] or a comment",
	 'i', "server.threads", "0"},
	{"header without ']'", "# x\n[server\nthreads = 4\n", "t.ini:2: section header without a closing ']'", 'i',
	 "server.threads", "0"},
	{"key set twice", "[server]\nthreads = 1\n\nthreads = 2\n",
	 "t.ini:4: server.threads is set twice (first on line 2)", 'i', "server.threads", "0"},
	{"line number after comments and blank lines",
	 "# Finestreta\n"
	 "; settings\n"
	 "\n"
	 "[server]\n"
	 "   # indented comment\n"
	 "listen = 127.0.0.1:8080\n"
	 "\n"
	 "\n"
	 "threads = many\n"
	 "pool = 1\n",
	 "t.ini:9: bad value for server.threads: 'many' (expected an integer 0..256)", 's', "server.listen",
	 "127.0.0.1:8080"},
	{"first of several errors is reported", "[server]\nthreads = x\nfoo = 1\n",
	 "t.ini:2: bad value for server.threads: 'x' (expected an integer 0..256)", 'i', "server.threads", "0"},
	{"a bad file changes nothing", "[server]\nthreads = 9\npool = 1\n",
	 "t.ini:3: unknown key 'pool' in section [server]", 'i', "server.threads", "0"},
	{"control character in a value", "[city]\nname = a\tb\n",
	 "t.ini:2: bad value for city.name: 'a?b' (expected UTF-8 text without control "
	 "characters, at most 2048 bytes)",
	 's', "city.name", "Ajuntament de Vilamar"},
	{"invalid UTF-8 in a value", "[city]\nname = \xff\xfe\n",
	 "t.ini:2: bad value for city.name: '?\?' (expected UTF-8 text without control "
	 "characters, at most 2048 bytes)",
	 's', "city.name", "Ajuntament de Vilamar"},
};

static void check_value(const config_t *c, const struct file_case *t)
{
	char got[64];
	switch (t->type) {
	case 's': assert_string_equal(config_str(c, t->key), t->want); return;
	case 'i':
		snprintf(got, sizeof got, "%lld", (long long)config_int(c, t->key));
		assert_string_equal(got, t->want);
		return;
	case 'b': assert_string_equal(config_bool(c, t->key) ? "true" : "false", t->want); return;
	}
	fail();
}

static void test_files(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof file_cases / sizeof file_cases[0]; i++) {
		const struct file_case *t = &file_cases[i];
		config_t *c = config_new();
		char err[512] = "";
		int rc = config_load_string(c, "t.ini", t->ini, strlen(t->ini), err, sizeof err);
		print_message("case: %s\n", t->what);
		if (t->err) {
			assert_int_equal(rc, ERR_INVALID);
			assert_string_equal(err, t->err);
		} else {
			if (rc)
				print_error("unexpected error: %s\n", err);
			assert_int_equal(rc, 0);
		}
		check_value(c, t);
		config_free(c);
	}
}

static void test_whole_file_values(void **state)
{
	(void)state;
	const struct file_case *t = NULL;
	for (size_t i = 0; i < sizeof file_cases / sizeof file_cases[0]; i++)
		if (strcmp(file_cases[i].what, "whole file") == 0)
			t = &file_cases[i];
	assert_non_null(t);
	config_t *c = config_new();
	char err[256];
	assert_int_equal(config_load_string(c, "t.ini", t->ini, strlen(t->ini), err, sizeof err), 0);
	assert_string_equal(config_str(c, "server.listen"), "127.0.0.1:9090");
	assert_int_equal(config_int(c, "server.threads"), 8);
	assert_int_equal(config_int(c, "server.connection_limit"), 5000);
	assert_int_equal(config_int(c, "server.connection_timeout"), 60);
	assert_string_equal(config_str(c, "server.root"), "/srv/finestreta");
	assert_string_equal(config_str(c, "server.public_url"), "https://cita.example.cat");
	assert_true(config_bool(c, "server.secure_cookies"));
	assert_true(config_bool(c, "server.trust_proxy"));
	assert_string_equal(config_str(c, "database.url"), "sqlite:/var/lib/finestreta/db");
	assert_int_equal(config_int(c, "database.pool"), 4);
	assert_int_equal(config_int(c, "limits.max_body"), 2048);
	assert_int_equal(config_int(c, "limits.max_upload"), 4096);
	assert_int_equal(config_int(c, "limits.max_fields"), 10);
	assert_int_equal(config_int(c, "limits.max_sse"), 5);
	assert_int_equal(config_int(c, "session.ttl"), 600);
	assert_int_equal(config_int(c, "session.idle"), 60);
	assert_int_equal(config_int(c, "login.max_attempts"), 3);
	assert_int_equal(config_int(c, "login.window"), 60);
	assert_int_equal(config_int(c, "login.lockout"), 120);
	assert_string_equal(config_str(c, "city.name"), "Vilamar");
	assert_int_equal(config_int(c, "events.heartbeat"), 5);
	assert_false(config_bool(c, "log.access"));
	config_free(c);
}

static void test_defaults(void **state)
{
	(void)state;
	config_t *c = config_new();
	assert_string_equal(config_str(c, "server.listen"), "127.0.0.1:8080");
	assert_int_equal(config_int(c, "server.threads"), 0);
	assert_int_equal(config_int(c, "server.connection_limit"), 1000);
	assert_int_equal(config_int(c, "server.connection_timeout"), 30);
	assert_string_equal(config_str(c, "server.root"), "");
	assert_string_equal(config_str(c, "server.public_url"), "");
	assert_false(config_bool(c, "server.secure_cookies"));
	assert_false(config_bool(c, "server.trust_proxy"));
	assert_string_equal(config_str(c, "database.url"), "sqlite:data/finestreta.db");
	assert_int_equal(config_int(c, "database.pool"), 8);
	assert_int_equal(config_int(c, "limits.max_body"), 1048576);
	assert_int_equal(config_int(c, "limits.max_upload"), 10485760);
	assert_int_equal(config_int(c, "limits.max_fields"), 200);
	assert_int_equal(config_int(c, "limits.max_sse"), 750);
	assert_int_equal(config_int(c, "limits.max_sse_per_address"), 16);
	assert_int_equal(config_int(c, "limits.max_url"), 8192);
	assert_int_equal(config_int(c, "server.connections_per_address"), 64);
	assert_int_equal(config_int(c, "server.header_timeout"), 10);
	assert_int_equal(config_int(c, "server.body_timeout"), 60);
	assert_string_equal(config_str(c, "metrics.allow"), "127.0.0.0/8 ::1");
	assert_string_equal(config_str(c, "metrics.token"), "");
	assert_int_equal(config_int(c, "session.ttl"), 28800);
	assert_int_equal(config_int(c, "session.idle"), 3600);
	assert_int_equal(config_int(c, "login.max_attempts"), 5);
	assert_int_equal(config_int(c, "login.window"), 86400);
	assert_int_equal(config_int(c, "login.lockout"), 900);
	assert_int_equal(config_int(c, "login.lockout_max"), 86400);
	assert_int_equal(config_int(c, "login.max_attempts_per_ip"), 50);
	assert_string_equal(config_str(c, "city.name"), "Ajuntament de Vilamar");
	assert_int_equal(config_int(c, "events.heartbeat"), 15);
	assert_true(config_bool(c, "log.access"));
	config_free(c);
}

static void test_long_line_and_nul(void **state)
{
	(void)state;
	config_t *c = config_new();
	char err[256];
	char ini[600];
	/* 198 bytes fit libinih's buffer; 199 do not */
	int n = snprintf(ini, sizeof ini, "[city]\nname = %0*d\n", 198 - 7, 0);
	assert_int_equal(config_load_string(c, "t.ini", ini, (size_t)n, err, sizeof err), 0);
	assert_int_equal(strlen(config_str(c, "city.name")), 198 - 7);
	n = snprintf(ini, sizeof ini, "[city]\n\nname = %0*d\n", 199 - 7, 0);
	assert_int_equal(config_load_string(c, "t.ini", ini, (size_t)n, err, sizeof err), ERR_INVALID);
	assert_string_equal(err, "t.ini:3: line too long (at most 198 bytes)");

	static const char nul[] = "[server]\nthreads = 1\0 2\n";
	assert_int_equal(config_load_string(c, "t.ini", nul, sizeof nul - 1, err, sizeof err), ERR_INVALID);
	assert_string_equal(err, "t.ini:2: NUL byte in the line");
	assert_int_equal(config_int(c, "server.threads"), 0);
	config_free(c);
}

static void test_load_file(void **state)
{
	(void)state;
	char path[] = "/tmp/finestreta-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	static const char ini[] = "[server]\nthreads = 12\n\n[database]\npool = abc\n";
	assert_int_equal(write(fd, ini, sizeof ini - 1), (ssize_t)(sizeof ini - 1));
	close(fd);

	config_t *c = config_new();
	char err[512], want[512];
	assert_int_equal(config_load_file(c, path, err, sizeof err), ERR_INVALID);
	snprintf(want, sizeof want, "%s:5: bad value for database.pool: 'abc' (expected an integer 1..256)", path);
	assert_string_equal(err, want);

	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("[server]\nthreads = 12\n", f);
	fclose(f);
	assert_int_equal(config_load_file(c, path, err, sizeof err), 0);
	assert_int_equal(config_int(c, "server.threads"), 12);
	unlink(path);

	assert_int_equal(config_load_file(c, path, err, sizeof err), ERR_IO);
	snprintf(want, sizeof want, "%s: cannot open: No such file or directory", path);
	assert_string_equal(err, want);
	config_free(c);
}

static void test_env(void **state)
{
	(void)state;
	char err[256];
	config_t *c = config_new();
	static const char ini[] = "[server]\nthreads = 4\nlisten = 127.0.0.1:1000\n";
	char *env[] = {"PATH=/usr/bin",
		       "FINESTRETA_SERVER_THREADS=6",
		       "FINESTRETA_LIMITS_MAX_BODY=4096",
		       "FINESTRETA_SERVER_PUBLIC_URL=https://x.cat",
		       "FINESTRETA_LOG_ACCESS=off",
		       "FINESTRETA=ignored",
		       NULL};

	/* the environment wins over the file whichever is read first */
	assert_int_equal(config_load_string(c, "t.ini", ini, strlen(ini), err, sizeof err), 0);
	assert_int_equal(config_load_env(c, env, err, sizeof err), 0);
	assert_int_equal(config_int(c, "server.threads"), 6);
	assert_string_equal(config_str(c, "server.listen"), "127.0.0.1:1000");
	assert_int_equal(config_int(c, "limits.max_body"), 4096);
	assert_string_equal(config_str(c, "server.public_url"), "https://x.cat");
	assert_false(config_bool(c, "log.access"));
	config_free(c);

	c = config_new();
	assert_int_equal(config_load_env(c, env, err, sizeof err), 0);
	assert_int_equal(config_load_string(c, "t.ini", ini, strlen(ini), err, sizeof err), 0);
	assert_int_equal(config_int(c, "server.threads"), 6);
	assert_string_equal(config_str(c, "server.listen"), "127.0.0.1:1000");

	/* flags win over the environment, whichever comes first */
	assert_int_equal(config_set(c, "server.threads", "2", err, sizeof err), 0);
	assert_int_equal(config_int(c, "server.threads"), 2);
	assert_int_equal(config_load_env(c, env, err, sizeof err), 0);
	assert_int_equal(config_int(c, "server.threads"), 2);
	assert_int_equal(config_set(c, "server.threads", "3", err, sizeof err), 0);
	assert_int_equal(config_int(c, "server.threads"), 3);
	config_free(c);
}

struct env_err_case {
	const char *var;
	const char *err;
};

static const struct env_err_case env_errs[] = {
	{"FINESTRETA_SERVER_THREAD=1", "environment FINESTRETA_SERVER_THREAD: unknown setting"},
	{"FINESTRETA_server_threads=1", "environment FINESTRETA_server_threads: unknown setting"},
	{"FINESTRETA_LIMITS_MAX=1", "environment FINESTRETA_LIMITS_MAX: unknown setting"},
	{"FINESTRETA_SERVER_THREADS=x",
	 "environment FINESTRETA_SERVER_THREADS: bad value for server.threads: 'x' (expected an "
	 "integer 0..256)"},
	{"FINESTRETA_DATABASE_URL=mysql:x",
	 "environment FINESTRETA_DATABASE_URL: bad value for database.url: 'mysql:x' (expected "
	 "sqlite:PATH, postgresql://... or postgres://...)"},
	{"FINESTRETA_SERVER_TRUST_PROXY=",
	 "environment FINESTRETA_SERVER_TRUST_PROXY: bad value for server.trust_proxy: '' "
	 "(expected true or false: true/false, on/off, yes/no, 1/0)"},
};

static void test_env_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof env_errs / sizeof env_errs[0]; i++) {
		config_t *c = config_new();
		char err[256] = "";
		char *env[] = {"FINESTRETA_DATABASE_POOL=3", (char *)env_errs[i].var, NULL};
		assert_int_equal(config_load_env(c, env, err, sizeof err), ERR_INVALID);
		assert_string_equal(err, env_errs[i].err);
		/* nothing is applied from a bad environment */
		assert_int_equal(config_int(c, "database.pool"), 8);
		config_free(c);
	}
}

/* Variables that name no section are not settings (FINESTRETA_CONFIG, a test harness's own). */
static void test_env_ignored(void **state)
{
	(void)state;
	config_t *c = config_new();
	char err[256] = "";
	char *env[] = {"FINESTRETA_CONFIG=/etc/x.ini", "FINESTRETA_TEST_DB=sqlite:x", "FINESTRETA_FOO_BAR=1",
		       "FINESTRETA_SERVER=1",          "FINESTRETA_DATABASE_POOL=3",  NULL};
	assert_int_equal(config_load_env(c, env, err, sizeof err), 0);
	assert_int_equal(config_int(c, "database.pool"), 3);
	config_free(c);
}

static void test_set(void **state)
{
	(void)state;
	config_t *c = config_new();
	char err[256];
	assert_int_equal(config_set(c, "server.listen", "[::]:443", err, sizeof err), 0);
	assert_string_equal(config_str(c, "server.listen"), "[::]:443");
	assert_int_equal(config_set(c, "server.nope", "1", err, sizeof err), ERR_INVALID);
	assert_string_equal(err, "unknown setting 'server.nope'");
	assert_int_equal(config_set(c, "threads", "1", err, sizeof err), ERR_INVALID);
	assert_string_equal(err, "unknown setting 'threads'");
	assert_int_equal(config_set(c, "session.idle", "59", err, sizeof err), ERR_INVALID);
	assert_string_equal(err, "bad value for session.idle: '59' (expected an integer 60..2592000)");
	assert_int_equal(config_int(c, "session.idle"), 3600);
	assert_int_equal(config_set(c, "server.secure_cookies", "TRUE", err, sizeof err), 0);
	assert_true(config_bool(c, "server.secure_cookies"));
	config_free(c);
}

/* An empty server.public_url becomes the address the server listens on, never a fixed one. */
static void test_default_public_url(void **state)
{
	(void)state;
	char err[256], host[256], want[300];
	config_t *c = config_new();
	assert_int_equal(config_set(c, "server.listen", "127.0.0.1:18099", err, sizeof err), 0);
	config_default_public_url(c);
	assert_string_equal(config_str(c, "server.public_url"), "http://127.0.0.1:18099");
	config_free(c);

	c = config_new();
	assert_int_equal(config_set(c, "server.listen", "[::1]:8443", err, sizeof err), 0);
	config_default_public_url(c);
	assert_string_equal(config_str(c, "server.public_url"), "http://[::1]:8443");
	config_free(c);

	c = config_new();
	assert_int_equal(config_set(c, "server.listen", "0.0.0.0:9000", err, sizeof err), 0);
	config_default_public_url(c);
	assert_int_equal(gethostname(host, sizeof host), 0);
	snprintf(want, sizeof want, "http://%s:9000", host);
	assert_string_equal(config_str(c, "server.public_url"), want);
	config_free(c);

	/* A set address stays, even an explicit empty one in a file is derived. */
	c = config_new();
	assert_int_equal(config_set(c, "server.public_url", "https://cita.example.cat", err, sizeof err), 0);
	config_default_public_url(c);
	assert_string_equal(config_str(c, "server.public_url"), "https://cita.example.cat");
	config_free(c);
	c = config_new();
	const char ini[] = "[server]\npublic_url =\nlisten = 127.0.0.1:7001\n";
	assert_int_equal(config_load_string(c, "t.ini", ini, sizeof ini - 1, err, sizeof err), 0);
	config_default_public_url(c);
	assert_string_equal(config_str(c, "server.public_url"), "http://127.0.0.1:7001");
	config_free(c);
}

/* An empty server.root is the data installed with the binary, or its source tree. */
static void test_default_root(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/fin-root-XXXXXX", p[512], want[512], err[256];
	assert_non_null(mkdtemp(tmpl));
	const char *dirs[] = {"usr",
			      "usr/bin",
			      "usr/share",
			      "usr/share/finestreta",
			      "usr/share/finestreta/templates",
			      "usr/share/finestreta/migrations",
			      "src",
			      "src/build",
			      "src/build/asan",
			      "src/templates",
			      "src/migrations"};
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", tmpl, dirs[i]);
		assert_int_equal(mkdir(p, 0755), 0);
	}
	struct {
		const char *exe, *want;
	} cases[] = {
		{"usr/bin/finestreta", "usr/share/finestreta"},
		{"src/build/finestreta", "src"},
		{"src/build/asan/finestreta", "src"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		config_t *c = config_new();
		snprintf(p, sizeof p, "%s/%s", tmpl, cases[i].exe);
		config_default_root(c, p);
		snprintf(want, sizeof want, "%s/%s", tmpl, cases[i].want);
		assert_string_equal(config_str(c, "server.root"), want);
		config_free(c);
	}
	config_t *c = config_new();
	config_default_root(c, "/nonexistent/bin/finestreta");
	assert_string_equal(config_str(c, "server.root"), ".");
	config_free(c);
	c = config_new();
	assert_int_equal(config_set(c, "server.root", "/srv/f", err, sizeof err), 0);
	snprintf(p, sizeof p, "%s/usr/bin/finestreta", tmpl);
	config_default_root(c, p);
	assert_string_equal(config_str(c, "server.root"), "/srv/f");
	config_free(c);
	for (size_t i = sizeof dirs / sizeof dirs[0]; i-- > 0;) {
		snprintf(p, sizeof p, "%s/%s", tmpl, dirs[i]);
		rmdir(p);
	}
	rmdir(tmpl);
}

static void test_dump_round_trip(void **state)
{
	(void)state;
	config_t *c = config_new();
	char err[256];
	assert_int_equal(config_set(c, "server.threads", "5", err, sizeof err), 0);
	assert_int_equal(config_set(c, "city.name", "Ajuntament de Sant Feliu", err, sizeof err), 0);
	assert_int_equal(config_set(c, "log.access", "no", err, sizeof err), 0);
	char *out;
	size_t len;
	config_dump(c, &out, &len);
	assert_int_equal(strlen(out), len);
	assert_non_null(strstr(out, "[limits]\n"));
	assert_non_null(strstr(out, "Environment: FINESTRETA_LIMITS_MAX_BODY."));
	assert_non_null(strstr(out, "# Integer 0..256. Default: 0. Environment: "
				    "FINESTRETA_SERVER_THREADS.\nthreads = 5\n"));

	config_t *d = config_new();
	if (config_load_string(d, "dump", out, len, err, sizeof err))
		print_error("%s\n", err);
	assert_int_equal(config_load_string(d, "dump", out, len, err, sizeof err), 0);
	assert_int_equal(config_int(d, "server.threads"), 5);
	assert_string_equal(config_str(d, "city.name"), "Ajuntament de Sant Feliu");
	assert_false(config_bool(d, "log.access"));
	free(out);
	config_free(c);
	config_free(d);
}

struct listen_case {
	const char *in;
	int rc;
	const char *host;
	int port;
};

static const struct listen_case listen_cases[] = {
	{"127.0.0.1:8080", 0, "127.0.0.1", 8080},
	{"0.0.0.0:1", 0, "0.0.0.0", 1},
	{"[::1]:65535", 0, "::1", 65535},
	{"[::]:80", 0, "::", 80},
	{"[2001:db8::5]:8443", 0, "2001:db8::5", 8443},
	{"127.0.0.1", ERR_INVALID, NULL, 0},
	{"127.0.0.1:", ERR_INVALID, NULL, 0},
	{"127.0.0.1:+80", ERR_INVALID, NULL, 0},
	{"127.0.0.1:80x", ERR_INVALID, NULL, 0},
	{":8080", ERR_INVALID, NULL, 0},
	{"[::1]8080", ERR_INVALID, NULL, 0},
	{"[::1:8080", ERR_INVALID, NULL, 0},
	{"[127.0.0.1]:80", ERR_INVALID, NULL, 0},
	{"256.0.0.1:80", ERR_INVALID, NULL, 0},
	{"example.cat:80", ERR_INVALID, NULL, 0},
	{"", ERR_INVALID, NULL, 0},
};

static void test_split_listen(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof listen_cases / sizeof listen_cases[0]; i++) {
		const struct listen_case *t = &listen_cases[i];
		char host[64] = "";
		int port = 0;
		print_message("listen: %s\n", t->in);
		assert_int_equal(config_split_listen(t->in, host, sizeof host, &port), t->rc);
		if (t->rc == 0) {
			assert_string_equal(host, t->host);
			assert_int_equal(port, t->port);
		}
	}
	char small[4];
	int port;
	assert_int_equal(config_split_listen("127.0.0.1:80", small, sizeof small, &port), ERR_INVALID);
}

/* tests run from the repository root; also allow build/tests/ */
static const char *repo_path(const char *rel, char *out, size_t n)
{
	static const char *const up[] = {"", "../../", "../"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(out, n, "%s%s", up[i], rel);
		if (access(out, R_OK) == 0)
			return out;
	}
	snprintf(out, n, "%s", rel);
	return out;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static char data[256 * 1024];
	size_t n = fread(data, 1, sizeof data - 1, f);
	fclose(f);
	data[n] = '\0';
	return data;
}

/* docs/configuration.md and every docs/config/NAME.md (a capability's own page of settings), one
 * after the other (heap). */
static char *settings_docs(void)
{
	char path[256];
	buf_t b;
	buf_init(&b, 4 << 20);
	assert_int_equal(buf_puts(&b, slurp(repo_path("docs/configuration.md", path, sizeof path))), 0);
	DIR *d = opendir(repo_path("docs/config", path, sizeof path));
	for (struct dirent *de; d && (de = readdir(d));) {
		size_t n = strlen(de->d_name);
		if (n < 4 || strcmp(de->d_name + n - 3, ".md") != 0)
			continue;
		char file[512];
		snprintf(file, sizeof file, "%s/%s", path, de->d_name);
		assert_int_equal(buf_puts(&b, slurp(file)), 0);
	}
	if (d)
		closedir(d);
	char *s = xstrdup(buf_str(&b));
	buf_free(&b);
	return s;
}

/* docs/configuration.md (or a capability's docs/config/NAME.md) names every key with its
 * environment variable and default, and the example file loads: both are checked against the
 * declared keys, so they cannot drift. */
static void test_docs_and_example(void **state)
{
	(void)state;
	char path[256], err[512];
	config_t *c = config_new();
	assert_int_equal(config_load_file(c, repo_path("deploy/finestreta.ini.example", path, sizeof path), err,
					  sizeof err),
			 0);
	assert_true(config_bool(c, "server.secure_cookies"));
	config_free(c);

	c = config_new();
	char *dump;
	size_t len;
	config_dump(c, &dump, &len);
	char *doc = settings_docs();
	size_t keys = 0;
	for (const char *p = dump; (p = strstr(p, "Environment: ")); p++) {
		p += strlen("Environment: ");
		const char *end = strchr(p, '.');
		assert_non_null(end);
		char env[96], name[64], row[512];
		snprintf(env, sizeof env, "%.*s", (int)(end - p), p);
		/* the key line follows: "name = value" */
		const char *kl = strchr(end, '\n') + 1;
		snprintf(name, sizeof name, "%.*s", (int)(strchr(kl, ' ') - kl), kl);
		const char *val = strstr(kl, " = ") + 3;
		char def[128];
		snprintf(def, sizeof def, "%.*s", (int)(strchr(val, '\n') - val), val);
		snprintf(row, sizeof row, "| `%s` | `%s` | `%s` |", name, def, env);
		if (!strstr(doc, row))
			print_error("docs/configuration.md (or docs/config/*.md) lacks the row: %s\n", row);
		assert_non_null(strstr(doc, row));
		keys++;
	}
	assert_true(keys >= 50); /* the core's and every capability's */
	free(doc);
	free(dump);
	config_free(c);
}

/* The open data's threshold is stats.min_cell; figures.min_cell, its old name, wins when set. */
static void test_renamed_key(void **state)
{
	(void)state;
	char err[256];
	config_t *c = config_new();
	assert_int_equal(fg_min_cell(c), 5);
	assert_int_equal(config_set(c, "stats.min_cell", "7", err, sizeof err), 0);
	assert_int_equal(fg_min_cell(c), 7);
	assert_int_equal(config_set(c, "figures.min_cell", "3", err, sizeof err), 0);
	assert_int_equal(fg_min_cell(c), 3);
	config_free(c);
}

int main(void)
{
	cap_declare(); /* the capabilities' sections ([session], [mail], [booking], …) */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_whole_file_values),
		cmocka_unit_test(test_long_line_and_nul),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_env_errors),
		cmocka_unit_test(test_env_ignored),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_default_public_url),
		cmocka_unit_test(test_default_root),
		cmocka_unit_test(test_dump_round_trip),
		cmocka_unit_test(test_split_listen),
		cmocka_unit_test(test_renamed_key),
		cmocka_unit_test(test_docs_and_example),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
