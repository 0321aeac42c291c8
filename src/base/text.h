/* text.h — free text and names people type, whatever capability takes them: valid UTF-8 and
 * nothing that changes how other text around it is shown. Two ways, one set of characters:
 *
 * - text_ok refuses (names, fields that are checked and answered with a field error): NUL and
 *   the other C0 controls (a line feed and a tab only where the text may have several lines),
 *   DEL, the C1 controls (U+0080–U+009F, which some terminals take as escape sequences), the
 *   line and paragraph separators U+2028/U+2029 in one-line text, and the bidirectional
 *   embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which can make a name read
 *   backwards on a staff screen, in a mail or in the log. The directional marks U+200E/U+200F
 *   stay allowed: right-to-left names need them and they reorder nothing past their own character.
 * - text_clean keeps (chat messages, requests, notes: nothing a person typed is thrown away): it
 *   replaces the same characters by U+FFFD, so a right-to-left override shows as a mark instead
 *   of reversing what follows it; CRLF and CR become LF; the ends are trimmed.
 *
 * Markup needs nothing here: it is text, and every output escapes it for its own format. */
#ifndef FIN_BASE_TEXT_H
#define FIN_BASE_TEXT_H

#include "base/arena.h"

#include <stdbool.h>
#include <stddef.h>

enum {
	TEXT_LINE = 0,      /* one line: no line breaks, no tabs */
	TEXT_MULTILINE = 1, /* a text area: line feeds (and CR before them) and tabs allowed */
};

/* Whether s[0..n) is valid UTF-8 that passes the check above for the given kind. */
bool text_ok_n(const char *s, size_t n, int kind);
/* text_ok_n over a NUL-terminated string; NULL is false. */
bool text_ok(const char *s, int kind);

/* The cleaned copy of s in arena a (*out), at most max code points (0: no cap). multiline keeps
 * line feeds (else they become spaces). 0, ERR_INVALID when s is not UTF-8, ERR_TOO_BIG when the
 * cleaned text is longer than max. NULL s is "". */
int text_clean(arena_t *a, const char *s, size_t max, bool multiline, const char **out);
/* Code points in a UTF-8 string (bytes that do not start one are not counted). */
size_t text_length(const char *s);
/* The first max code points of s, with "…" when cut (arena). */
const char *text_cut(arena_t *a, const char *s, size_t max);

#endif
