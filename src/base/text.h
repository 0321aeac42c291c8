/* text.h — the one check every name and free text people type must pass, whatever capability
 * takes it: valid UTF-8 and nothing that changes how other text around it is shown.
 *
 * Refused: NUL and the other C0 controls (U+0000–U+001F; a line feed and a tab only where the text
 * may have several lines), DEL (U+007F), the C1 controls (U+0080–U+009F, which some terminals
 * take as escape sequences), the line and paragraph separators U+2028/U+2029 in one-line text,
 * and the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
 * can make a name read backwards on a staff screen, in a mail or in the log. The directional
 * marks U+200E/U+200F stay allowed: right-to-left names need them and they reorder nothing past
 * their own character.
 *
 * Nothing here allocates; strings are borrowed. */
#ifndef FIN_TEXT_H
#define FIN_TEXT_H

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

#endif
