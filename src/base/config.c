#include "base/config.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/netaddr.h"
#include "base/str.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Where a value came from. A later source only overrides an equal or earlier one, so "file <
 * environment < flags" holds whatever order main calls the loaders in. */
enum level { L_DEFAULT, L_FILE, L_ENV, L_FLAG };

static bool check_listen(const char *v);
static bool check_networks(const char *v)
{
	return netaddr_list_valid(v);
}

static bool check_db_url(const char *v);
static bool check_languages(const char *v);
static bool check_fallback(const char *v);
static bool check_networks(const char *v);

#define STR CONFIG_KEY_STR
#define INT CONFIG_KEY_INT
#define BOOL CONFIG_KEY_BOOL

/* The core's sections; capabilities declare theirs (config_declare). */
static const config_key_t core_keys[] = {
	STR("server", "listen", "127.0.0.1:8080", check_listen,
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
	STR("database", "url", "sqlite:data/finestreta.db", check_db_url,
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
	STR("i18n", "languages", "ca,es,en", check_languages,
	    "language codes separated by commas (two or three lower-case letters each, at most 16)",
	    "The languages citizens and staff can choose, in the order the language switcher shows\n"
	    "them; the first is the default. Each needs its locale/NAME/LANG.po files: ca, es and en\n"
	    "are complete; ar and zh are shipped too (ca,es,en,ar,zh), and a language's missing\n"
	    "messages come from i18n.fallback."),
	STR("i18n", "fallback", "en", check_fallback, "ca, es or en",
	    "The language a further language's untranslated messages are shown in: ca, es or en."),
	INT("events", "heartbeat", "15", 1, 300,
	    "Seconds between keep-alive messages on live event streams, so proxies keep them open."),
	BOOL("log", "access", "true", "Write one line per request to the log."),
	STR("metrics", "allow", "127.0.0.0/8 ::1", check_networks,
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
#define ENV_PREFIX "FINESTRETA_"
#define MAX_FILE (1024 * 1024)
#define MAX_STR 2048

struct value {
	char *s; /* the text as given (CONFIG_STR: the value; others: for dump) */
	int64_t i;
	bool b;
	enum level level;
};

struct config {
	size_t n;
	const config_key_t **k; /* every declared key, core first, then tables in declaration order */
	struct value *v;
};

/* Tables declared with config_declare, then copied into every config_new. */
static struct {
	const config_key_t *keys;
	size_t n;
} tables[MAX_TABLES] = {{core_keys, sizeof core_keys / sizeof core_keys[0]}};
static size_t ntables = 1;

/* "ca,es,en,ar": codes of two or three lower-case letters, each once (src/view/i18n.c reads it). */
static bool check_languages(const char *v)
{
	const char *seen[16];
	size_t lens[16], n = 0;
	for (const char *p = v;;) {
		size_t k = 0;
		while (p[k] >= 'a' && p[k] <= 'z')
			k++;
		if (k < 2 || k > 3 || n == 16)
			return false;
		for (size_t i = 0; i < n; i++)
			if (lens[i] == k && memcmp(seen[i], p, k) == 0)
				return false;
		seen[n] = p;
		lens[n++] = k;
		p += k;
		if (!*p)
			return true;
		if (*p++ != ',')
			return false;
	}
}

static bool check_fallback(const char *v)
{
	return strcmp(v, "ca") == 0 || strcmp(v, "es") == 0 || strcmp(v, "en") == 0;
}

/* ---- helpers ---- */

/* A value as it can be quoted in a message: control bytes (and every non-ASCII byte when the
 * value is not UTF-8) shown as '?', cut after about 64 bytes on a character boundary, so a
 * hostile value can neither forge log lines nor garble them. */
static void quote(const char *v, char *out, size_t n)
{
	bool utf8 = str_valid_utf8(v, strlen(v));
	size_t o = 0;
	for (size_t i = 0; v[i] && o + 4 < n; i++) {
		unsigned char ch = (unsigned char)v[i];
		if (i >= 64 && (ch & 0xC0) != 0x80) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		out[o++] = (ch < 0x20 || ch == 0x7f || (!utf8 && ch >= 0x80)) ? '?' : (char)ch;
	}
	out[o] = '\0';
}

static bool text_ok(const char *v)
{
	size_t n = strlen(v);
	if (n > MAX_STR || !str_valid_utf8(v, n))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return false;
	return true;
}

bool config_check_nonempty(const char *v)
{
	return *v != '\0';
}

int config_split_listen(const char *s, char *host, size_t hostlen, int *port)
{
	const char *h, *colon;
	size_t hn;
	int family;
	if (!s)
		return ERR_INVALID;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return ERR_INVALID;
		h = s + 1;
		hn = (size_t)(close - h);
		colon = close + 1;
		family = AF_INET6;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return ERR_INVALID;
		h = s;
		hn = (size_t)(colon - s);
		family = AF_INET;
	}
	char tmp[INET6_ADDRSTRLEN + 1];
	unsigned char addr[sizeof(struct in6_addr)];
	int64_t p;
	if (hn == 0 || hn >= sizeof tmp || hn >= hostlen)
		return ERR_INVALID;
	memcpy(tmp, h, hn);
	tmp[hn] = '\0';
	if (inet_pton(family, tmp, addr) != 1)
		return ERR_INVALID;
	if (str_to_i64(colon + 1, 1, 65535, &p) || !isdigit((unsigned char)colon[1]))
		return ERR_INVALID;
	memcpy(host, tmp, hn + 1);
	*port = (int)p;
	return 0;
}

static bool check_listen(const char *v)
{
	char host[INET6_ADDRSTRLEN + 1];
	int port;
	return config_split_listen(v, host, sizeof host, &port) == 0;
}

static bool has_space(const char *v)
{
	for (; *v; v++)
		if (*v == ' ' || *v == '\t')
			return true;
	return false;
}

bool config_check_http_url(const char *v)
{
	const char *rest;
	if (str_starts(v, "http://"))
		rest = v + 7;
	else if (str_starts(v, "https://"))
		rest = v + 8;
	else
		return false;
	return *rest && *rest != '/' && !has_space(v);
}

static bool check_db_url(const char *v)
{
	if (str_starts(v, "sqlite:"))
		return v[7] != '\0';
	return str_starts(v, "postgresql://") || str_starts(v, "postgres://");
}

bool config_check_http_url_opt(const char *v)
{
	return !*v || config_check_http_url(v);
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"true", "on", "yes", "1"};
	static const char *const no[] = {"false", "off", "no", "0"};
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return ERR_INVALID;
}

/* Checks raw against k. 0, or ERR_INVALID with "bad value for S.K: 'raw' (expected ...)". */
static int validate(const config_key_t *k, const char *raw, struct value *out, char *err, size_t errlen)
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
		quote(raw, q, sizeof q);
		err_set(err, errlen, "bad value for %s.%s: '%s' (expected an integer %lld..%lld)", k->section, k->name,
			q, (long long)k->min, (long long)k->max);
		return ERR_INVALID;
	case CONFIG_BOOL:
		if (parse_bool(raw, &b) == 0) {
			out->b = b;
			return 0;
		}
		quote(raw, q, sizeof q);
		err_set(err, errlen,
			"bad value for %s.%s: '%s' (expected true or false: true/false, on/off, "
			"yes/no, 1/0)",
			k->section, k->name, q);
		return ERR_INVALID;
	case CONFIG_STR:
		if (text_ok(raw) && (!k->check || k->check(raw)))
			return 0;
		quote(raw, q, sizeof q);
		err_set(err, errlen, "bad value for %s.%s: '%s' (expected %s)", k->section, k->name, q,
			!text_ok(raw) ? "UTF-8 text without control characters, at most 2048 bytes"
			: k->check    ? k->expect
				      : "text");
		return ERR_INVALID;
	}
	return ERR_INVALID;
}

/* Sets value idx from raw, already validated, when level may override what is there. */
static void commit(config_t *c, size_t idx, const char *raw, enum level level)
{
	struct value nv = {0};
	if (level < c->v[idx].level)
		return;
	if (validate(c->k[idx], raw, &nv, NULL, 0))
		abort(); /* callers validate first */
	free(c->v[idx].s);
	c->v[idx].s = xstrdup(raw);
	c->v[idx].i = nv.i;
	c->v[idx].b = nv.b;
	c->v[idx].level = level;
}

static bool section_known(const config_t *c, const char *s)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->k[i]->section, s) == 0)
			return true;
	return false;
}

static int find_key(const config_t *c, const char *section, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->k[i]->section, section) == 0 && strcmp(c->k[i]->name, name) == 0)
			return (int)i;
	return -1;
}

/* "section.key" → index, or -1. */
static int find_dotted(const config_t *c, const char *name)
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
		commit(c, i, c->k[i]->def, L_DEFAULT);
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

/* ---- INI files ---- */

/* libinih reports syntax errors only as a line number and has no line number in the handler
 * (Debian builds it without INI_HANDLER_LINENO), so the reader below feeds it one line at a time
 * and counts. Values are staged and committed only when the whole file is good. */
struct ini_ctx {
	const char *name;
	const char *src;
	size_t len, pos;
	int line;
	int err_line; /* first error found by the reader or handler; 0 = none */
	char *err;
	size_t errlen;
	config_t *c;
	int *seen;     /* line each key was set on, to catch duplicates */
	char **staged; /* value per key */
};

static void ctx_fail(struct ini_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void ctx_fail(struct ini_ctx *x, const char *fmt, ...)
{
	if (x->err_line)
		return; /* the first error is the one worth reading */
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	x->err_line = x->line;
	err_set(x->err, x->errlen, "%s:%d: %s", x->name, x->line, msg);
}

/* A section header's name as libinih reads it: from '[' to the first ']'. */
static bool header_name(const char *line, char *out, size_t n)
{
	if (str_starts(line, "\xEF\xBB\xBF")) /* a UTF-8 BOM, which libinih skips too */
		line += 3;
	while (*line == ' ' || *line == '\t')
		line++;
	if (*line != '[')
		return false;
	const char *close = strchr(line, ']');
	if (!close)
		return false;
	size_t len = (size_t)(close - line - 1);
	if (len >= n)
		len = n - 1;
	memcpy(out, line + 1, len);
	out[len] = '\0';
	return true;
}

static char *read_line(char *str, int num, void *stream)
{
	struct ini_ctx *x = stream;
	if (x->pos >= x->len || num < 3)
		return NULL;
	const char *p = x->src + x->pos;
	size_t rest = x->len - x->pos;
	const char *nl = memchr(p, '\n', rest);
	size_t n = nl ? (size_t)(nl - p) + 1 : rest;
	size_t content = nl ? n - 1 : n;
	x->pos += n;
	x->line++;
	if (memchr(p, '\0', n)) {
		ctx_fail(x, "NUL byte in the line");
		goto blank;
	}
	if (content > (size_t)num - 2) {
		ctx_fail(x, "line too long (at most %d bytes)", num - 2);
		goto blank;
	}
	memcpy(str, p, n);
	str[n] = '\0';
	char sec[64], q[80];
	if (header_name(str, sec, sizeof sec) && !section_known(x->c, sec)) {
		quote(sec, q, sizeof q);
		ctx_fail(x, "unknown section [%s]", q);
	}
	return str;
blank:
	/* libinih must still count the line */
	str[0] = '\n';
	str[1] = '\0';
	return str;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct ini_ctx *x = user;
	char q[80];
	if (!*section) {
		quote(name, q, sizeof q);
		ctx_fail(x, "'%s' is outside any section (start with a [section] line)", q);
		return 1;
	}
	if (!section_known(x->c, section)) {
		/* normally reported at the header already; this catches any header libinih reads
		 * differently from header_name */
		quote(section, q, sizeof q);
		ctx_fail(x, "unknown section [%s]", q);
		return 1;
	}
	int idx = find_key(x->c, section, name);
	if (idx < 0) {
		quote(name, q, sizeof q);
		ctx_fail(x, "unknown key '%s' in section [%s]", q, section);
		return 1;
	}
	if (x->seen[idx]) {
		ctx_fail(x, "%s.%s is set twice (first on line %d)", section, name, x->seen[idx]);
		return 1;
	}
	x->seen[idx] = x->line;
	/* Quotes are a common habit in INI files; accept one surrounding pair. */
	size_t vn = strlen(value);
	char *v = (vn >= 2 && value[0] == '"' && value[vn - 1] == '"') ? xstrndup(value + 1, vn - 2) : xstrdup(value);
	char msg[512];
	struct value tmp;
	if (validate(x->c->k[idx], v, &tmp, msg, sizeof msg)) {
		ctx_fail(x, "%s", msg);
		free(v);
		return 1;
	}
	x->staged[idx] = v;
	return 1;
}

/* The text of line n (1-based) of src, for diagnosing a syntax error libinih found. */
static void nth_line(const char *src, size_t len, int n, char *out, size_t outn)
{
	size_t i = 0;
	for (int l = 1; l < n && i < len; i++)
		if (src[i] == '\n')
			l++;
	size_t o = 0;
	while (i < len && src[i] != '\n' && o + 1 < outn)
		out[o++] = src[i++];
	out[o] = '\0';
}

int config_load_string(config_t *c, const char *name, const char *src, size_t len, char *err, size_t errlen)
{
	struct ini_ctx x = {.name = name, .src = src, .len = len, .err = err, .errlen = errlen, .c = c};
	x.seen = xcalloc(c->n, sizeof *x.seen);
	x.staged = xcalloc(c->n, sizeof *x.staged);
	int rc = 0;
	if (err && errlen)
		err[0] = '\0';
	/* Continuation lines would silently glue an indented "key = value" onto the key above. */
	ini_allow_multiline = false;
	int r = ini_parse_stream(read_line, &x, on_key, &x);
	if (r < 0) {
		err_set(err, errlen, "%s: cannot parse (%d)", name, r);
		rc = ERR_INVALID;
		goto cleanup;
	}
	if (r > 0 && (!x.err_line || r < x.err_line)) {
		char line[256];
		nth_line(src, len, r, line, sizeof line);
		str_trim(line);
		err_set(err, errlen, "%s:%d: %s", name, r,
			line[0] == '[' ? "section header without a closing ']'"
				       : "expected 'key = value', a [section] or a comment");
		rc = ERR_INVALID;
		goto cleanup;
	}
	if (x.err_line) {
		rc = ERR_INVALID;
		goto cleanup;
	}
	for (size_t i = 0; i < c->n; i++)
		if (x.staged[i])
			commit(c, i, x.staged[i], L_FILE);
cleanup:
	for (size_t i = 0; i < c->n; i++)
		free(x.staged[i]);
	free(x.staged);
	free(x.seen);
	return rc;
}

int config_load_file(config_t *c, const char *path, char *err, size_t errlen)
{
	buf_t b;
	buf_init(&b, MAX_FILE);
	int rc = buf_read_file(&b, path);
	if (rc == ERR_TOO_BIG)
		err_set(err, errlen, "%s: file too big (at most %d bytes)", path, MAX_FILE);
	else if (rc)
		err_set(err, errlen, "%s: cannot %s: %s", path, rc == ERR_NOT_FOUND ? "open" : "read", strerror(errno));
	else
		rc = config_load_string(c, path, buf_str(&b), b.len, err, errlen);
	if (rc == ERR_TOO_BIG)
		rc = ERR_INVALID;
	else if (rc == ERR_NOT_FOUND)
		rc = ERR_IO;
	buf_free(&b);
	return rc;
}

/* ---- environment and flags ---- */

/* FINESTRETA_LIMITS_MAX_BODY for limits.max_body. */
static void env_name(const config_key_t *k, char *out, size_t n)
{
	snprintf(out, n, ENV_PREFIX "%s_%s", k->section, k->name);
	for (char *p = out; *p; p++)
		*p = (char)toupper((unsigned char)*p);
}

/* Whether "SECTION_..." starts with a declared section: only then is an unknown name a typo
 * worth stopping for. */
static bool names_section(const config_t *c, const char *rest, size_t n)
{
	for (size_t i = 0; i < c->n; i++) {
		size_t sl = strlen(c->k[i]->section);
		if (sl < n && rest[sl] == '_' && strncasecmp(rest, c->k[i]->section, sl) == 0)
			return true;
	}
	return false;
}

int config_load_env(config_t *c, char *const *envp, char *err, size_t errlen)
{
	if (!envp)
		return 0;
	const char **staged = xcalloc(c->n, sizeof *staged);
	int rc = 0;
	for (size_t e = 0; envp[e]; e++) {
		const char *var = envp[e];
		const char *eq = strchr(var, '=');
		if (!str_starts(var, ENV_PREFIX) || !eq)
			continue;
		size_t vn = (size_t)(eq - var);
		int idx = -1;
		for (size_t i = 0; i < c->n && idx < 0; i++) {
			char want[96];
			env_name(c->k[i], want, sizeof want);
			if (strlen(want) == vn && memcmp(want, var, vn) == 0)
				idx = (int)i;
		}
		char q[80];
		if (idx < 0 && !names_section(c, var + strlen(ENV_PREFIX), vn - strlen(ENV_PREFIX)))
			continue; /* FINESTRETA_CONFIG and the like are not settings */
		if (idx < 0) {
			char nm[128];
			snprintf(nm, sizeof nm, "%.*s", (int)(vn < 100 ? vn : 100), var);
			quote(nm, q, sizeof q);
			err_set(err, errlen, "environment %s: unknown setting", q);
			rc = ERR_INVALID;
			goto out;
		}
		char msg[512];
		struct value tmp;
		if (validate(c->k[idx], eq + 1, &tmp, msg, sizeof msg)) {
			char nm[96];
			env_name(c->k[idx], nm, sizeof nm);
			err_set(err, errlen, "environment %s: %s", nm, msg);
			rc = ERR_INVALID;
			goto out;
		}
		staged[idx] = eq + 1;
	}
	for (size_t i = 0; i < c->n; i++)
		if (staged[i])
			commit(c, i, staged[i], L_ENV);
out:
	free(staged);
	return rc;
}

int config_set(config_t *c, const char *name, const char *value, char *err, size_t errlen)
{
	char q[80];
	int idx = find_dotted(c, name);
	if (idx < 0) {
		quote(name ? name : "", q, sizeof q);
		err_set(err, errlen, "unknown setting '%s'", q);
		return ERR_INVALID;
	}
	struct value tmp;
	if (!value || validate(c->k[idx], value, &tmp, err, errlen)) {
		if (!value)
			err_set(err, errlen, "%s.%s: missing value", c->k[idx]->section, c->k[idx]->name);
		return ERR_INVALID;
	}
	commit(c, (size_t)idx, value, L_FLAG);
	return 0;
}

/* ---- reads ---- */

static const struct value *get(const config_t *c, const char *name, config_type_t type)
{
	int idx = find_dotted(c, name);
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
		env_name(k, env, sizeof env);
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
	size_t idx = (size_t)find_dotted(c, "server.public_url");
	struct value tmp;
	if (validate(c->k[idx], url, &tmp, NULL, 0) == 0) /* a host name too long for a URL: keep "" */
		commit(c, idx, url, c->v[idx].level);
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
	size_t idx = (size_t)find_dotted(c, "server.root");
	struct value tmp;
	if (real && validate(c->k[idx], real, &tmp, NULL, 0)) {
		free(real);
		real = NULL;
	}
	commit(c, idx, real ? real : found, c->v[idx].level);
	free(real);
}
