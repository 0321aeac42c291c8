/* text.h — free text typed by people (chat messages, requests, notes, names), made safe to keep
 * and to show as plain text anywhere: pages (where the templates escape it), e-mails, PDFs.
 *
 * text_clean checks the bytes are UTF-8 and replaces what could change how text around it is
 * shown rather than being shown itself: control characters (C0 but tab and, in multi-line
 * text, line feed; DEL; C1) and the bidirectional embeddings, overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069) become U+FFFD, so a right-to-left override shows as a mark
 * instead of reversing what follows it. CRLF and CR become LF; the ends are trimmed. Markup needs
 * nothing here: it is text, and every output escapes it for its own format. */
#ifndef FIN_BASE_TEXT_H
#define FIN_BASE_TEXT_H

#include "base/arena.h"

#include <stdbool.h>
#include <stddef.h>

/* The cleaned copy of s in arena a (*out), at most max code points (0: no cap). multiline keeps
 * line feeds (else they become spaces). 0, ERR_INVALID when s is not UTF-8, ERR_TOO_BIG when the
 * cleaned text is longer than max. NULL s is "". */
int text_clean(arena_t *a, const char *s, size_t max, bool multiline, const char **out);
/* Code points in a UTF-8 string (bytes that do not start one are not counted). */
size_t text_length(const char *s);
/* The first max code points of s, with "…" when cut (arena). */
const char *text_cut(arena_t *a, const char *s, size_t max);

#endif
