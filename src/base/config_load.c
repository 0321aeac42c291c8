/* config_load.c — the sources of settings: INI files (libinih, fed one counted line at a time so
 * that every error names its line), FINESTRETA_SECTION_KEY environment variables and
 * command-line flags (config_set). */
#include "base/config.h"
#include "base/config_internal.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/str.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_FILE (1024 * 1024)

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
	if (header_name(str, sec, sizeof sec) && !cfg_section_known(x->c, sec)) {
		cfg_quote(sec, q, sizeof q);
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
		cfg_quote(name, q, sizeof q);
		ctx_fail(x, "'%s' is outside any section (start with a [section] line)", q);
		return 1;
	}
	if (!cfg_section_known(x->c, section)) {
		/* normally reported at the header already; this catches any header libinih reads
		 * differently from header_name */
		cfg_quote(section, q, sizeof q);
		ctx_fail(x, "unknown section [%s]", q);
		return 1;
	}
	int idx = cfg_find_key(x->c, section, name);
	if (idx < 0) {
		cfg_quote(name, q, sizeof q);
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
	struct cfg_value tmp;
	if (cfg_validate(x->c->k[idx], v, &tmp, msg, sizeof msg)) {
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
			cfg_commit(c, i, x.staged[i], L_FILE);
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
void cfg_env_name(const config_key_t *k, char *out, size_t n)
{
	snprintf(out, n, CFG_ENV_PREFIX "%s_%s", k->section, k->name);
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
		if (!str_starts(var, CFG_ENV_PREFIX) || !eq)
			continue;
		size_t vn = (size_t)(eq - var);
		int idx = -1;
		for (size_t i = 0; i < c->n && idx < 0; i++) {
			char want[96];
			cfg_env_name(c->k[i], want, sizeof want);
			if (strlen(want) == vn && memcmp(want, var, vn) == 0)
				idx = (int)i;
		}
		char q[80];
		if (idx < 0 && !names_section(c, var + strlen(CFG_ENV_PREFIX), vn - strlen(CFG_ENV_PREFIX)))
			continue; /* FINESTRETA_CONFIG and the like are not settings */
		if (idx < 0) {
			char nm[128];
			snprintf(nm, sizeof nm, "%.*s", (int)(vn < 100 ? vn : 100), var);
			cfg_quote(nm, q, sizeof q);
			err_set(err, errlen, "environment %s: unknown setting", q);
			rc = ERR_INVALID;
			goto out;
		}
		char msg[512];
		struct cfg_value tmp;
		if (cfg_validate(c->k[idx], eq + 1, &tmp, msg, sizeof msg)) {
			char nm[96];
			cfg_env_name(c->k[idx], nm, sizeof nm);
			err_set(err, errlen, "environment %s: %s", nm, msg);
			rc = ERR_INVALID;
			goto out;
		}
		staged[idx] = eq + 1;
	}
	for (size_t i = 0; i < c->n; i++)
		if (staged[i])
			cfg_commit(c, i, staged[i], L_ENV);
out:
	free(staged);
	return rc;
}

int config_set(config_t *c, const char *name, const char *value, char *err, size_t errlen)
{
	char q[80];
	int idx = cfg_find_dotted(c, name);
	if (idx < 0) {
		cfg_quote(name ? name : "", q, sizeof q);
		err_set(err, errlen, "unknown setting '%s'", q);
		return ERR_INVALID;
	}
	struct cfg_value tmp;
	if (!value || cfg_validate(c->k[idx], value, &tmp, err, errlen)) {
		if (!value)
			err_set(err, errlen, "%s.%s: missing value", c->k[idx]->section, c->k[idx]->name);
		return ERR_INVALID;
	}
	cfg_commit(c, (size_t)idx, value, L_FLAG);
	return 0;
}
