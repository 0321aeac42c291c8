/* str.h — small string helpers. Nothing here allocates unless it says so. */
#ifndef FIN_STR_H
#define FIN_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool str_eq(const char *a, const char *b);          /* NULL-safe */
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

#endif
