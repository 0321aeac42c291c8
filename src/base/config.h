/* config.h — settings from an INI file (libinih), then FINESTRETA_SECTION_KEY environment
 * variables, then command-line flags (config_set), each overriding the one before.
 *
 * Every key is declared with a type, a default and bounds: the core's sections in config.c, a
 * capability's own section in its capability entry (core/cap.h), declared with config_declare
 * before config_new. An unknown section/key or a bad value is an error naming the file and line
 * (or the variable), and the server refuses to start. The config is read-only once the server
 * runs, so any thread may read it. */
#ifndef FIN_CONFIG_H
#define FIN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct config config_t;

typedef enum { CONFIG_STR, CONFIG_INT, CONFIG_BOOL } config_type_t;

/* One declared key. Tables of keys live in static storage and are borrowed for the process. */
typedef struct config_key {
	const char *section, *name;
	config_type_t type;
	const char *def;
	int64_t min, max;             /* CONFIG_INT */
	bool (*check)(const char *v); /* CONFIG_STR: extra validation, or NULL */
	const char *expect;           /* CONFIG_STR: what check wants, for the error message */
	const char *doc;              /* one or more lines for docs and config_dump */
} config_key_t;

#define CONFIG_KEY_STR(s, k, d, chk, exp, doc)                                                                         \
	{                                                                                                              \
		s, k, CONFIG_STR, d, 0, 0, chk, exp, doc                                                               \
	}
#define CONFIG_KEY_INT(s, k, d, lo, hi, doc)                                                                           \
	{                                                                                                              \
		s, k, CONFIG_INT, d, lo, hi, NULL, NULL, doc                                                           \
	}
#define CONFIG_KEY_BOOL(s, k, d, doc)                                                                                  \
	{                                                                                                              \
		s, k, CONFIG_BOOL, d, 0, 0, NULL, NULL, doc                                                            \
	}

/* Adds a table of keys (a capability's section) to every config made afterwards; process-wide,
 * before config_new and before any thread starts. Declaring the same table again is a no-op; a
 * key that is already declared by another table aborts (a programming error). */
void config_declare(const config_key_t *keys, size_t n);

/* Checks key tables may share (CONFIG_KEY_STR's chk): not empty; empty or an http:// or
 * https:// URL with a host; an http:// or https:// URL with a host. */
bool config_check_nonempty(const char *v);
bool config_check_http_url(const char *v);
bool config_check_http_url_opt(const char *v);

/* Defaults only. */
config_t *config_new(void);
void config_free(config_t *c);
/* Reads an INI file over the current values. 0, or ERR_INVALID/ERR_IO with "FILE:LINE: message"
 * in err. */
int config_load_file(config_t *c, const char *path, char *err, size_t errlen);
/* Applies FINESTRETA_SECTION_KEY variables from envp (NULL-terminated, like environ). Variables
 * with the prefix that name no key are errors. */
int config_load_env(config_t *c, char *const *envp, char *err, size_t errlen);
/* Sets "section.key" from a string (command-line flags). */
int config_set(config_t *c, const char *name, const char *value, char *err, size_t errlen);

/* Typed reads by "section.key"; the key must be declared (abort otherwise: a programming error). */
const char *config_str(const config_t *c, const char *name);
int64_t config_int(const config_t *c, const char *name);
bool config_bool(const config_t *c, const char *name);

/* Writes every key with its current value and a comment, as an INI file (docs, --help). */
void config_dump(const config_t *c, char **out, size_t *len);

/* Like config_load_file, over INI text src[0..len) already in memory (tests, fuzzing); name is
 * what messages call the file. A line longer than libinih's buffer (198 bytes) is an error,
 * never silently cut. */
int config_load_string(config_t *c, const char *name, const char *src, size_t len, char *err, size_t errlen);
/* Splits a listen address as server.listen accepts it ("127.0.0.1:8080", "[::1]:8080") into the
 * address without brackets and the port. 0, or ERR_INVALID when it is not an IP literal and a
 * port 1..65535 (or the address does not fit hostlen). */
int config_split_listen(const char *s, char *host, size_t hostlen, int *port);

/* Derived defaults, applied once every source is read and before the server starts. When
 * server.public_url is empty: http:// and server.listen, with a wildcard address (0.0.0.0, [::])
 * replaced by this machine's name. When server.root is empty: the data installed with the
 * executable at path exe (EXEDIR/../share/finestreta), or the source tree it was built in
 * (EXEDIR/.. or EXEDIR/../.., holding templates/ and migrations/), else ".". */
void config_default_public_url(config_t *c);
void config_default_root(config_t *c, const char *exe);

#endif
