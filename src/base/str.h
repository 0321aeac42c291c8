/* str.h — small string helpers. Nothing here allocates unless it says so; what does, allocates
 * from the arena it is given. */
#ifndef FIN_STR_H
#define FIN_STR_H

#include "base/arena.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool str_eq(const char *a, const char *b); /* NULL-safe */
bool str_starts(const char *s, const char *prefix);
bool str_ends(const char *s, const char *suffix);
/* Parses a whole decimal integer in [min, max]. 0 or ERR_INVALID. */
int str_to_i64(const char *s, int64_t min, int64_t max, int64_t *out);
/* Decodes %XX and (when plus_is_space) '+' in place; returns the new length, or ERR_INVALID for
 * a bad escape. The result is NUL-terminated. */
int str_url_decode(char *s, size_t n, bool plus_is_space);
/* Whether s[0..n) is valid UTF-8 without NUL bytes. */
bool str_valid_utf8(const char *s, size_t n);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void str_hex(const unsigned char *in, size_t n, char *out);
/* Trims ASCII whitespace at both ends in place; returns s. */
char *str_trim(char *s);
/* The value of one hex digit (either case), or -1. */
int str_hexval(char c);
/* For searching: lower-case ASCII, with the accented letters of Catalan and Spanish folded to
 * their base letter (à → a, ç → c, ñ → n), "·" → "." and "’" → "'". Arena. */
const char *str_fold(arena_t *a, const char *s);
/* s percent-encoded for a URL's query or path (everything but A-Z a-z 0-9 - _ . ~). Arena. */
const char *str_url_encode(arena_t *a, const char *s);

#endif
