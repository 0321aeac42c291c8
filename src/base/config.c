/* config.c — the settings: the core's sections (the key table), the tables capabilities
 * declare, the values of a config_t and how one is checked and set, typed reads, config_dump and
 * the derived defaults. Reading files, the environment and flags is config_load.c; the checks of
 * single values, config_check.c. */
#include "base/config.h"
#include "base/config_internal.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STR CONFIG_KEY_STR
#define INT CONFIG_KEY_INT
#define BOOL CONFIG_KEY_BOOL

/* The core's sections; capabilities declare theirs (config_declare). */
static const config_key_t core_keys[] = {
	STR("server", "listen", "127.0.0.1:8080", cfg_check_listen,
	    "ADDR:PORT or [IPv6]:PORT with an IP address and a port 1..65535",
	    "Address and port to listen on: an IPv4 address and port (0.0.0.0:8080 for every\n"
	    "interface) or an IPv6 address in brackets ([::1]:8080). Plain HTTP: put nginx or\n"
	    "HAProxy in front for TLS."),
	INT("server", "threads", "0", 0, 256, "Worker threads that serve requests; 0 starts one per CPU core."),
	INT("server", "connection_limit", "1000", 1, 100000,
	    "Most connections open at once, live event streams (SSE) included."),
	INT("server", "connections_per_address", "64", 1, 100000,
	    "Most connections open at once from one client address (an IPv6 /64); more are\n"
	    "refused. Behind a proxy (trust_proxy), most requests in progress at once per\n"
	    "forwarded address (503 past it)."),
	INT("server", "connection_timeout", "30", 1, 3600,
	    "Seconds an idle connection is kept open before it is closed."),
	INT("server", "header_timeout", "10", 1, 300,
	    "Seconds a client has to send a request's line and headers, counted from its first byte\n"
	    "(or from the previous answer on a kept-alive connection), however it trickles them;\n"
	    "then 408 and the connection is closed."),
	INT("server", "body_timeout", "60", 1, 3600,
	    "Seconds a client has to send a request's body once its headers are in; then 408."),
	STR("server", "root", "", NULL, "a directory",
	    "Directory that holds templates/, static/, locale/ and migrations/; empty: the ones\n"
	    "installed with the binary (BINDIR/../share/finestreta, or the source tree it was\n"
	    "built in), else the current directory."),
	STR("server", "public_url", "", config_check_http_url_opt, "an http:// or https:// URL",
	    "The address citizens reach the service at, used in e-mails, QR codes and links;\n"
	    "empty: http:// and the address the server listens on (server.listen)."),
	BOOL("server", "secure_cookies", "false",
	     "Mark cookies Secure; turn on when the service is served over HTTPS behind a proxy."),
	BOOL("server", "trust_proxy", "false",
	     "Take the client address from X-Forwarded-For; turn on only behind your own proxy,\n"
	     "otherwise clients can pick their own address and dodge rate limits."),
	BOOL("server", "fault_injection", "false",
	     "For the test suite only: a request's X-Fault-Db-Call: N header makes its N-th database\n"
	     "call fail. Never turn on in production."),
	STR("database", "url", "sqlite:data/finestreta.db", cfg_check_db_url,
	    "sqlite:PATH, postgresql://... or postgres://...",
	    "Where data lives: sqlite:PATH for an embedded file, or a PostgreSQL URL\n"
	    "(postgresql://user:password@host/dbname) when several nodes share one database."),
	INT("database", "pool", "8", 1, 256, "Database connections kept open per node."),
	INT("limits", "max_body", "1048576", 1024, 1073741824, "Largest request body in bytes for forms and JSON."),
	INT("limits", "max_upload", "10485760", 1024, 1073741824,
	    "Largest upload in bytes (documents sent with multipart/form-data)."),
	INT("limits", "max_fields", "200", 1, 10000, "Most fields in one form, query string or upload."),
	INT("limits", "max_url", "8192", 256, 16384,
	    "Longest request target (path and query) in bytes; a longer one, or one with more than\n"
	    "max_fields query parameters, is answered 414 at once."),
	INT("limits", "max_sse", "750", 0, 1000000,
	    "Most live event streams (call displays, queue pages, chats) open at once; 0 turns\n"
	    "live updates off. At most three quarters of server.connection_limit are used, so that\n"
	    "pages are still served when the streams are at their cap."),
	INT("limits", "max_sse_per_address", "16", 1, 100000,
	    "Most live event streams open at once from one client address (429 past it); at most\n"
	    "three quarters of server.connections_per_address are used."),
	STR("city", "name", "Ajuntament de Vilamar", config_check_nonempty, "a name",
	    "Name of the city hall, shown on every page until an administrator changes it."),
	STR("city", "phone", "010", config_check_nonempty, "a phone number",
	    "The city's help line, offered on the home page and the booking pages as a tel: link\n"
	    "(\"call 010 and we book by phone\"): digits, spaces and a leading + as people dial it."),
	STR("i18n", "languages", "ca,es,en", cfg_check_languages,
	    "language codes separated by commas (two or three lower-case letters each, at most 16)",
	    "The languages citizens and staff can choose, in the order the language switcher shows\n"
	    "them; the first is the default. Each needs its locale/NAME/LANG.po files: ca, es and en\n"
	    "are complete; ar and zh are shipped too (ca,es,en,ar,zh), and a language's missing\n"
	    "messages come from i18n.fallback."),
	STR("i18n", "fallback", "en", cfg_check_fallback, "ca, es or en",
	    "The language a further language's untranslated messages are shown in: ca, es or en."),
	INT("events", "heartbeat", "15", 1, 300,
	    "Seconds between keep-alive messages on live event streams, so proxies keep them open."),
	BOOL("log", "access", "true", "Write one line per request to the log."),
	STR("metrics", "allow", "127.0.0.0/8 ::1", cfg_check_networks,
	    "addresses or CIDR blocks, separated by spaces or commas",
	    "Client addresses that may read /metrics (behind a proxy, the forwarded address);\n"
	    "empty: none, only the token."),
	STR("metrics", "token", "", NULL, NULL,
	    "A secret that also opens /metrics as Authorization: Bearer TOKEN (a scraper from\n"
	    "elsewhere); empty: none. Give it in the environment rather than the file."),
	INT("jobs", "interval", "10", 1, 3600,
	    "Seconds between rounds of the background jobs (holds, seat returns, no-shows, mail)."),
	INT("demo", "history_days", "0", 0, 3660,
	    "`finestreta demo` only: days of generated history before today (slots, appointments,\n"
	    "tickets, calls, chats, requests, surveys, certificates, ICT sessions), so the figures\n"
	    "have a shape; 0 for none. `make demo` asks for a year (365)."),
};

#define MAX_TABLES 64

/* Tables declared with config_declare, then copied into every config_new. */
static struct {
	const config_key_t *keys;
	size_t n;
} tables[MAX_TABLES] = {{core_keys, sizeof core_keys / sizeof core_keys[0]}};
static size_t ntables = 1;
/* Checks raw against k. 0, or ERR_INVALID with "bad value for S.K: 'raw' (expected ...)". */
int cfg_validate(const config_key_t *k, const char *raw, struct cfg_value *out, char *err, size_t errlen)
{
	char q[80];
	bool b;
	int64_t i;
	switch (k->type) {
	case CONFIG_INT:
		if (str_to_i64(raw, k->min, k->max, &i) == 0) {
			out->i = i;
			return 0;
		}
		cfg_quote(raw, q, sizeof q);
		err_set(err, errlen, "bad value for %s.%s: '%s' (expected an integer %lld..%lld)", k->section, k->name,
			q, (long long)k->min, (long long)k->max);
		return ERR_INVALID;
	case CONFIG_BOOL:
		if (cfg_parse_bool(raw, &b) == 0) {
			out->b = b;
			return 0;
		}
		cfg_quote(raw, q, sizeof q);
		err_set(err, errlen,
			"bad value for %s.%s: '%s' (expected true or false: true/false, on/off, "
			"yes/no, 1/0)",
			k->section, k->name, q);
		return ERR_INVALID;
	case CONFIG_STR:
		if (cfg_text_ok(raw) && (!k->check || k->check(raw)))
			return 0;
		cfg_quote(raw, q, sizeof q);
		err_set(err, errlen, "bad value for %s.%s: '%s' (expected %s)", k->section, k->name, q,
			!cfg_text_ok(raw) ? "UTF-8 text without control characters, at most 2048 bytes"
			: k->check        ? k->expect
					  : "text");
		return ERR_INVALID;
	}
	return ERR_INVALID;
}

/* Sets value idx from raw, already validated, when level may override what is there. */
void cfg_commit(config_t *c, size_t idx, const char *raw, enum cfg_level level)
{
	struct cfg_value nv = {0};
	if (level < c->v[idx].level)
		return;
	if (cfg_validate(c->k[idx], raw, &nv, NULL, 0))
		abort(); /* callers validate first */
	free(c->v[idx].s);
	c->v[idx].s = xstrdup(raw);
	c->v[idx].i = nv.i;
	c->v[idx].b = nv.b;
	c->v[idx].level = level;
}

bool cfg_section_known(const config_t *c, const char *s)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->k[i]->section, s) == 0)
			return true;
	return false;
}

int cfg_find_key(const config_t *c, const char *section, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->k[i]->section, section) == 0 && strcmp(c->k[i]->name, name) == 0)
			return (int)i;
	return -1;
}

/* "section.key" → index, or -1. */
int cfg_find_dotted(const config_t *c, const char *name)
{
	const char *dot = name ? strchr(name, '.') : NULL;
	if (!dot)
		return -1;
	size_t sn = (size_t)(dot - name);
	for (size_t i = 0; i < c->n; i++)
		if (strlen(c->k[i]->section) == sn && memcmp(c->k[i]->section, name, sn) == 0 &&
		    strcmp(c->k[i]->name, dot + 1) == 0)
			return (int)i;
	return -1;
}

/* ---- lifecycle ---- */

void config_declare(const config_key_t *keys, size_t n)
{
	for (size_t t = 0; t < ntables; t++)
		if (tables[t].keys == keys)
			return;
	if (ntables == MAX_TABLES) {
		log_error("config: more than %d tables of keys", MAX_TABLES);
		abort();
	}
	for (size_t i = 0; i < n; i++)
		for (size_t t = 0; t < ntables; t++)
			for (size_t j = 0; j < tables[t].n; j++)
				if (str_eq(keys[i].section, tables[t].keys[j].section) &&
				    str_eq(keys[i].name, tables[t].keys[j].name)) {
					log_error("config: %s.%s is declared twice", keys[i].section, keys[i].name);
					abort();
				}
	tables[ntables].keys = keys;
	tables[ntables].n = n;
	ntables++;
}

config_t *config_new(void)
{
	config_t *c = xcalloc(1, sizeof *c);
	for (size_t t = 0; t < ntables; t++)
		c->n += tables[t].n;
	c->k = xcalloc(c->n, sizeof *c->k);
	c->v = xcalloc(c->n, sizeof *c->v);
	size_t i = 0;
	for (size_t t = 0; t < ntables; t++)
		for (size_t j = 0; j < tables[t].n; j++)
			c->k[i++] = &tables[t].keys[j];
	for (i = 0; i < c->n; i++)
		cfg_commit(c, i, c->k[i]->def, L_DEFAULT);
	return c;
}

void config_free(config_t *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].s);
	free(c->v);
	free(c->k);
	free(c);
}

/* ---- reads ---- */

static const struct cfg_value *get(const config_t *c, const char *name, config_type_t type)
{
	int idx = cfg_find_dotted(c, name);
	if (idx < 0 || c->k[idx]->type != type) {
		log_error("config: %s is not a declared %s setting", name ? name : "(null)",
			  type == CONFIG_STR   ? "text"
			  : type == CONFIG_INT ? "integer"
					       : "boolean");
		abort();
	}
	return &c->v[idx];
}

const char *config_str(const config_t *c, const char *name)
{
	return get(c, name, CONFIG_STR)->s;
}

int64_t config_int(const config_t *c, const char *name)
{
	return get(c, name, CONFIG_INT)->i;
}

bool config_bool(const config_t *c, const char *name)
{
	return get(c, name, CONFIG_BOOL)->b;
}

/* ---- dump ---- */

static void put_comment(buf_t *b, const char *text)
{
	(void)buf_puts(b, "# ");
	for (const char *p = text; *p; p++) {
		(void)buf_putc(b, *p);
		if (*p == '\n')
			(void)buf_puts(b, "# ");
	}
	(void)buf_putc(b, '\n');
}

void config_dump(const config_t *c, char **out, size_t *len)
{
	buf_t b;
	buf_init(&b, SIZE_MAX / 2); /* no cap: only our own key tables go in */
	(void)buf_puts(&b, "# Finestreta configuration.\n"
			   "#\n"
			   "# Lines starting with # or ; are comments. Each setting can also be given as an\n"
			   "# environment variable, which overrides this file; command-line flags override\n"
			   "# both. An unknown section or key, or a bad value, stops the server with the\n"
			   "# file and line at fault.\n");
	const char *section = "";
	for (size_t i = 0; i < c->n; i++) {
		const config_key_t *k = c->k[i];
		if (strcmp(section, k->section) != 0) {
			section = k->section;
			(void)buf_printf(&b, "\n[%s]\n", section);
		} else {
			(void)buf_putc(&b, '\n');
		}
		put_comment(&b, k->doc);
		char env[96];
		cfg_env_name(k, env, sizeof env);
		switch (k->type) {
		case CONFIG_INT: buf_printf(&b, "# Integer %lld..%lld. ", (long long)k->min, (long long)k->max); break;
		case CONFIG_BOOL: buf_puts(&b, "# true or false. "); break;
		case CONFIG_STR: buf_puts(&b, "# "); break;
		}
		if (k->type == CONFIG_STR)
			(void)buf_printf(&b, "Default: \"%s\". Environment: %s.\n", k->def, env);
		else
			(void)buf_printf(&b, "Default: %s. Environment: %s.\n", k->def, env);
		(void)buf_printf(&b, "%s = %s\n", k->name, c->v[i].s);
	}
	*out = buf_detach(&b, len);
}

/* ---- derived defaults ---- */

void config_default_public_url(config_t *c)
{
	if (*config_str(c, "server.public_url"))
		return;
	char host[256], url[300];
	int port;
	if (config_split_listen(config_str(c, "server.listen"), host, sizeof host, &port))
		return; /* server.listen was checked when it was set */
	bool v6 = strchr(host, ':') != NULL;
	/* A wildcard address is no address a browser can reach: name this machine instead. */
	if (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0) {
		if (gethostname(host, sizeof host) == 0 && host[0]) {
			host[sizeof host - 1] = '\0';
			v6 = false;
		} else
			snprintf(host, sizeof host, "%s", v6 ? "::1" : "127.0.0.1");
	}
	snprintf(url, sizeof url, v6 ? "http://[%s]:%d" : "http://%s:%d", host, port);
	size_t idx = (size_t)cfg_find_dotted(c, "server.public_url");
	struct cfg_value tmp;
	if (cfg_validate(c->k[idx], url, &tmp, NULL, 0) == 0) /* a host name too long for a URL: keep "" */
		cfg_commit(c, idx, url, c->v[idx].level);
}

static bool has_data(const char *dir)
{
	struct stat st;
	char p[4300];
	snprintf(p, sizeof p, "%s/templates", dir);
	if (stat(p, &st) || !S_ISDIR(st.st_mode))
		return false;
	snprintf(p, sizeof p, "%s/migrations", dir);
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

void config_default_root(config_t *c, const char *exe)
{
	if (*config_str(c, "server.root"))
		return;
	const char *found = ".";
	char dir[4096], cand[4200];
	const char *slash = exe ? strrchr(exe, '/') : NULL;
	if (slash && (size_t)(slash - exe) < sizeof dir) {
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - exe), exe);
		/* Installed: PREFIX/bin/finestreta beside PREFIX/share/finestreta. Built: build/finestreta
		 * or build/asan/finestreta inside the source tree. */
		static const char *const rel[] = {"/../share/finestreta", "/..", "/../.."};
		for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
			snprintf(cand, sizeof cand, "%s%s", dir, rel[i]);
			if (has_data(cand)) {
				found = cand;
				break;
			}
		}
	}
	char *real = strcmp(found, ".") ? realpath(found, NULL) : NULL;
	size_t idx = (size_t)cfg_find_dotted(c, "server.root");
	struct cfg_value tmp;
	if (real && cfg_validate(c->k[idx], real, &tmp, NULL, 0)) {
		free(real);
		real = NULL;
	}
	cfg_commit(c, idx, real ? real : found, c->v[idx].level);
	free(real);
}
