/* config.h — settings from an INI file (libinih), then FINESTRETA_SECTION_KEY environment
 * variables, then command-line flags (config_set), each overriding the one before.
 *
 * Every key is declared in config.c with a type, a default and bounds; an unknown section/key or
 * a bad value is an error naming the file and line (or the variable), and the server refuses to
 * start. The config is read-only once the server runs, so any thread may read it. */
#ifndef FIN_CONFIG_H
#define FIN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct config config_t;

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

/* Additions. */

/* Like config_load_file, over INI text src[0..len) already in memory (tests, fuzzing); name is
 * what messages call the file. A line longer than libinih's buffer (198 bytes) is an error,
 * never silently cut. */
int config_load_string(config_t *c, const char *name, const char *src, size_t len, char *err,
		       size_t errlen);
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
