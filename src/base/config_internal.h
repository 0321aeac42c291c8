/* config_internal.h — what the files of the settings share: the values of a config_t and how a
 * value is checked and set (config.c), the checks of the core's keys and quoting for messages
 * (config_check.c), and the environment variable of a key (config_load.c, which reads files,
 * the environment and flags). Nothing outside src/base/config*.c includes this file. */
#ifndef FIN_CONFIG_INTERNAL_H
#define FIN_CONFIG_INTERNAL_H

#include "base/config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CFG_ENV_PREFIX "FINESTRETA_"
/* The longest text value. */
#define CFG_MAX_STR 2048

/* Where a value came from. A later source only overrides an equal or earlier one, so "file <
 * environment < flags" holds whatever order main calls the loaders in. */
enum cfg_level { L_DEFAULT, L_FILE, L_ENV, L_FLAG };

struct cfg_value {
	char *s; /* the text as given (CONFIG_STR: the value; others: for dump) */
	int64_t i;
	bool b;
	enum cfg_level level;
};

struct config {
	size_t n;
	const config_key_t **k; /* every declared key, core first, then tables in declaration order */
	struct cfg_value *v;
};

/* ---------------------------------------------------------------- config.c */

/* Checks raw against k. 0, or ERR_INVALID with "bad value for S.K: 'raw' (expected ...)". */
int cfg_validate(const config_key_t *k, const char *raw, struct cfg_value *out, char *err, size_t errlen);
/* Sets value idx from raw, already validated, when level may override what is there. */
void cfg_commit(config_t *c, size_t idx, const char *raw, enum cfg_level level);
/* Whether a key of section s is declared. */
bool cfg_section_known(const config_t *c, const char *s);
/* The index of section.name, or -1. */
int cfg_find_key(const config_t *c, const char *section, const char *name);
/* "section.key" → index, or -1. */
int cfg_find_dotted(const config_t *c, const char *name);

/* ---------------------------------------------------------------- config_check.c */

/* A value as it can be quoted in a message (control bytes shown as '?', cut short). */
void cfg_quote(const char *v, char *out, size_t n);
/* UTF-8 text without control characters, at most CFG_MAX_STR bytes. */
bool cfg_text_ok(const char *v);
/* true/false, on/off, yes/no, 1/0 (any case). 0 or ERR_INVALID. */
int cfg_parse_bool(const char *v, bool *out);
/* The checks of the core's keys (config.c's table). */
bool cfg_check_listen(const char *v);
bool cfg_check_networks(const char *v);
bool cfg_check_db_url(const char *v);
bool cfg_check_languages(const char *v);
bool cfg_check_fallback(const char *v);

/* ---------------------------------------------------------------- config_load.c */

/* FINESTRETA_LIMITS_MAX_BODY for limits.max_body. */
void cfg_env_name(const config_key_t *k, char *out, size_t n);

#endif
