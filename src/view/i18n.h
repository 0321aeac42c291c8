/* i18n.h — translations from gettext .po files: Catalan (default), Spanish, English.
 *
 * msgids are stable keys in snake_case ("nav_login", "err_not_found") so that templates can
 * use them as Mustache names: {{t.nav_login}}. Each language's catalogue is loaded once at start
 * into a jansson object that is read-only afterwards and shared by all threads (borrowed). */
#ifndef FIN_I18N_H
#define FIN_I18N_H

#include "base/arena.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define I18N_NLANGS 3
extern const char *const i18n_langs[I18N_NLANGS]; /* "ca", "es", "en"; [0] is the default */

/* Loads the catalogues of every folder under DIR (DIR/NAME/ca.po, es.po, en.po: one folder per
 * capability, "core" for what the core's pages share) and merges them. 0, or an error with
 * "FILE:LINE: message" in err. A key present in a folder's ca.po but missing or empty in another
 * of its languages is an error, and so is a key that two folders define. */
int i18n_load(const char *dir, char *err, size_t errlen);
void i18n_unload(void);
/* Whether lang is one of ours. */
int i18n_supported(const char *lang);
/* The catalogue object for lang (falls back to the default). Borrowed; NULL before i18n_load. */
json_t *i18n_catalog(const char *lang);
/* One message; the key itself when unknown (so a missing string is visible, never a crash; the
 * first time, a warning names it in the log, which the test suites read). A plural entry asked
 * for without a count gives its last form. */
const char *i18n_get(const char *lang, const char *key);
/* Whether the catalogue has key (no warning: for look-ups with a fallback of their own). */
bool i18n_has(const char *lang, const char *key);
/* The form of a plural entry (msgid_plural / msgstr[n]) for the count n under lang's
 * Plural-Forms ("1 minut", "2 minuts"), its {n} left for i18n_subst; for a plain entry, the
 * entry. */
const char *i18n_nget(const char *lang, const char *key, long n);
/* The same for a plural entry forms (a JSON array) of catalogue catalog (an i18n_catalog()
 * object: its "_plural" member holds the rule): the Mustache renderer's {{t.KEY(count)}}. */
const char *i18n_plural_pick(const json_t *catalog, const json_t *forms, long n);
/* lang's place in i18n_langs; the default's (0) for a language that is not one of ours. */
int i18n_index(const char *lang);
/* Of a text kept in every language (v in i18n_langs order: ca, es, en), the one in lang, else
 * the default language's, else "" (never NULL). Borrowed from v. */
const char *i18n_pick(const char *lang, const char *const v[I18N_NLANGS]);

/* The .po parser on its own (fuzz target and tests): parses src into a new object key → msgstr.
 * Handles comments, msgctxt (rejected), multi-line strings, escapes \n \t \" \\; reads the header
 * entry (msgid "") for its Plural-Forms only, kept as the member "_plural" (the expression).
 * A plural entry (msgid_plural, then msgstr[0], msgstr[1], … as many as the header's nplurals)
 * becomes an array of its forms. Returns NULL with "line N: message" in err for malformed input.
 * Also: a msgid must be a snake_case key; msgstr must be
 * UTF-8; entries flagged "#, fuzzy" are left out (as msgfmt does); an empty msgstr is kept as ""
 * (i18n_load reports it); strings are capped at 64 KiB. */
json_t *i18n_parse_po(const char *src, size_t len, char *err, size_t errlen);

/* The language for a request: ?lang= when it is one of ours, else the language cookie when it
 * is, else the first of ours among accepted (the Accept-Language tags, best first, as
 * parse_accept_language gives them), else the default. Tags match without regard to case.
 * Returns one of i18n_langs (static storage). */
const char *i18n_negotiate(const char *query_lang, const char *cookie_lang, const char *const *accepted, int naccepted);

/* Fills {name} placeholders of msg (as in "Hola, {name}") from vars, a NULL-terminated list of
 * name, value pairs. Values are inserted as given (escape them when rendering, as for any
 * text); placeholders without a value are left as they are. Returns arena memory. The .po
 * loader checks that every language uses the same placeholders as Catalan. */
const char *i18n_subst(arena_t *a, const char *msg, const char *const *vars);

#endif
