/* legal.h — the pages every public service must link from each page: the legal notice (avís
 * legal, LSSI art. 10), the privacy policy (GDPR arts. 13–14 and LOPDGDD: controller, purpose,
 * legal basis, retention, recipients, rights, data-protection officer) and the accessibility
 * statement (RD 1112/2018, art. 15). Each ships with a text in every language (locale/legal) that
 * an administrator replaces with the city's own on /admin/legal.
 *
 * The text is plain: paragraphs separated by a blank line, a paragraph starting "## " is a
 * heading (its first line) and lines starting "- " make a list. */
#ifndef FIN_LEGAL_H
#define FIN_LEGAL_H

#include "base/arena.h"

#include <jansson.h>

#define LEGAL_MAX_TEXT (64 * 1024)

/* text as blocks for a template: [{"h": heading}, {"p": paragraph}, {"li": [item, …]}] (new
 * reference). Any bytes; a line is cut at LEGAL_MAX_TEXT. */
json_t *legal_blocks(const char *text);

#endif
