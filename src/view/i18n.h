/* i18n.h — translations from gettext .po files: Catalan (the source), Spanish and English in
 * every deployment, and the further languages a city offers (i18n.languages, e.g. Arabic and
 * Chinese).
 *
 * msgids are stable keys in snake_case ("nav_login", "err_not_found") so that templates can
 * use them as Mustache names: {{t.nav_login}}. Each language's catalogue is loaded once at start
 * into a jansson object that is read-only afterwards and shared by all threads (borrowed).
 *
 * Catalan, Spanish and English must be complete: every key in each. A further language may
 * leave keys out; each missing key is filled in at load from the fallback language
 * (i18n.fallback, English by default), so a catalogue object always has every key. Each
 * language describes itself in its own catalogue (locale/core/LANG.po): lang_name (its name in
 * itself, for the switcher), lang_tag (the BCP 47 tag pages carry, "zh-Hans") and lang_dir
 * ("ltr" or "rtl"). */
#ifndef FIN_I18N_H
#define FIN_I18N_H

#include "base/arena.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The mandatory languages, complete in every catalogue, and those texts kept in the database
 * come in (names of offices and procedures: v[] of i18n_pick). */
#define I18N_NLANGS 3
extern const char *const i18n_langs[I18N_NLANGS]; /* "ca", "es", "en"; [0] is the source */
#define I18N_MAX_LANGS 16

/* The languages offered, before i18n_load: list as i18n.languages gives it ("ca,es,en,ar,zh":
 * codes of two or three lower-case letters separated by commas, each once, at most
 * I18N_MAX_LANGS; the order is the switcher's, the first is the default) and the fallback of the
 * further languages' missing keys (one of ca, es, en). Unloads the catalogues. 0, or
 * ERR_INVALID with the reason in err. Until called: ca, es, en with en as the fallback. */
int i18n_configure(const char *list, const char *fallback, char *err, size_t errlen);
/* Whether list is one i18n_configure takes (the config key's check). */
bool i18n_languages_ok(const char *list);

/* Loads the catalogues of every folder under DIR (DIR/NAME/LANG.po: one folder per capability,
 * "core" for what the core's pages share) and merges them: ca, es, en always, and every further
 * language offered. 0, or an error with "FILE:LINE: message" in err. A key present in a folder's
 * ca.po but missing or empty in es or en is an error, and so is a key that two folders define,
 * a further language's key that ca.po does not have, an empty one, one whose {placeholders}
 * differ from the Catalan ones, and a further language offered without any file. A failed
 * load leaves what was loaded before. */
int i18n_load(const char *dir, char *err, size_t errlen);
void i18n_unload(void);
/* Whether lang is one of the languages offered. */
int i18n_supported(const char *lang);
/* The languages offered, in order: how many, and the i-th (NULL past the end; static storage). */
int i18n_count(void);
const char *i18n_lang(int i);
/* The default language: the first offered. */
const char *i18n_default(void);
/* A loaded language's direction ("ltr" or "rtl"), own name ("العربية") and BCP 47 tag
 * ("zh-Hans"); the default's for a language not loaded. Static storage. */
const char *i18n_dir(const char *lang);
const char *i18n_name(const char *lang);
const char *i18n_tag(const char *lang);
/* The catalogue object for lang (falls back to the default). Borrowed; NULL before i18n_load. */
json_t *i18n_catalog(const char *lang);
/* One message; the key itself when unknown (so a missing string is visible, never a crash). */
const char *i18n_get(const char *lang, const char *key);
/* lang's place in i18n_langs; for a further language, its fallback's; 0 for a language that is
 * not loaded. */
int i18n_index(const char *lang);
/* Of a text kept in the three mandatory languages (v in i18n_langs order: ca, es, en), the one
 * in lang (a further language's fallback), else Catalan, else "" (never NULL). Borrowed from v. */
const char *i18n_pick(const char *lang, const char *const v[I18N_NLANGS]);

/* The .po parser on its own (fuzz target and tests): parses src into a new object key → msgstr.
 * Handles comments, msgctxt (rejected), multi-line strings, escapes \n \t \" \\; skips the header
 * entry (msgid ""). Returns NULL with "line N: message" in err for malformed input.
 * Also: msgid_plural/msgstr[n] are rejected; a msgid must be a snake_case key; msgstr must be
 * UTF-8; entries flagged "#, fuzzy" are left out (as msgfmt does); an empty msgstr is kept as ""
 * (i18n_load reports it); strings are capped at 64 KiB. */
json_t *i18n_parse_po(const char *src, size_t len, char *err, size_t errlen);

/* The language for a request: ?lang= when it is offered, else the language cookie when it is,
 * else the first offered among accepted (the Accept-Language primary subtags, best first, as
 * parse_accept_language gives them: "zh-CN" is "zh"), else the default. Tags match without
 * regard to case. Returns an offered code in static storage (one of i18n_langs for ca, es, en). */
const char *i18n_negotiate(const char *query_lang, const char *cookie_lang, const char *const *accepted, int naccepted);

/* Fills {name} placeholders of msg (as in "Hola, {name}") from vars, a NULL-terminated list of
 * name, value pairs. Values are inserted as given (escape them when rendering, as for any
 * text); placeholders without a value are left as they are. Returns arena memory. The .po
 * loader checks that every language uses the same placeholders as Catalan. */
const char *i18n_subst(arena_t *a, const char *msg, const char *const *vars);

#endif
