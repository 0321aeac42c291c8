/* plural.h — gettext plural forms: the C expression of a .po header's "Plural-Forms" line
 * ("nplurals=2; plural=(n != 1);") evaluated for a count, so "1 minut" and "2 minuts" each get
 * their own form (docs/style.md, docs/languages.md).
 *
 * The expression language is gettext's: the variable n, decimal numbers, parentheses, ! * / %
 * + - < > <= >= == != && || and ?:, with C's precedence, evaluated on unsigned long as
 * gettext does (a division by zero gives 0). Nothing is allocated; nesting is limited so any
 * input is safe (the .po fuzz target feeds it headers). */
#ifndef FIN_PLURAL_H
#define FIN_PLURAL_H

#include <stdbool.h>
#include <stddef.h>

#define PLURAL_MAX_FORMS 6 /* Arabic has six; no language has more */
#define PLURAL_MAX_EXPR 256

/* Evaluates expr for n into *out. 0, or ERR_INVALID for a syntax error or nesting deeper than
 * 64 levels. */
int plural_eval(const char *expr, unsigned long n, unsigned long *out);

/* Reads a header's Plural-Forms value ("nplurals=3; plural=n==1 ? 0 : n<5 ? 1 : 2;") into
 * *nplurals and the expression (copied into expr, expr_len bytes, NUL-terminated, without the
 * final ';'). The expression must evaluate, for n = 0 .. 1000, to a form below nplurals.
 * 0, or ERR_INVALID. */
int plural_header(const char *value, int *nplurals, char *expr, size_t expr_len);

/* The form index for n under expr (0 when expr is NULL, empty or broken: the first form). */
int plural_index(const char *expr, unsigned long n);

#endif
