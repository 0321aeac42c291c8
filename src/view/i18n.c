/* i18n.c — the languages offered (i18n_configure) and their table, shared with the loader
 * (i18n_internal.h); look-ups in the loaded catalogues, plural forms by each language's rule,
 * the language of a request (i18n_negotiate) and {placeholder} filling. The .po parser is
 * i18n_po.c; loading and checking the catalogues, i18n_load.c. */
#include "view/i18n.h"
#include "view/i18n_internal.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "view/plural.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *const i18n_langs[I18N_NLANGS] = {"ca", "es", "en"};

/* ---- the languages: the three every deployment has, and those a city adds ---- */

i18n_slot_t i18n_slots[I18N_MAX_LANGS];
int i18n_nslots = I18N_NLANGS;
/* The languages offered, as indexes into i18n_slots, in the order the switcher shows them; [0] is
 * the default. Until i18n_configure: ca, es, en. */
static int offered[I18N_MAX_LANGS] = {0, 1, 2};
static int noffered = I18N_NLANGS;
int i18n_fallback = 2; /* where a further language's missing keys come from: en */

int i18n_slot_of(const char *code)
{
	if (!code)
		return -1;
	for (int l = 0; l < i18n_nslots; l++)
		if (strcmp(code, l < I18N_NLANGS ? i18n_langs[l] : i18n_slots[l].code) == 0)
			return l;
	return -1;
}

const char *i18n_slot_code(int l)
{
	return l < I18N_NLANGS ? i18n_langs[l] : i18n_slots[l].code;
}

/* "ca,es,en,ar,zh" into codes (static storage of tokens in buf); the count, or -1. */
static int split_list(const char *list, char buf[I18N_MAX_LANGS][8])
{
	int n = 0;
	for (const char *p = list;;) {
		while (*p == ' ')
			p++;
		size_t k = 0;
		while (p[k] >= 'a' && p[k] <= 'z')
			k++;
		if (k < 2 || k > 3 || n == I18N_MAX_LANGS)
			return -1;
		memcpy(buf[n], p, k);
		buf[n][k] = '\0';
		for (int i = 0; i < n; i++)
			if (strcmp(buf[i], buf[n]) == 0)
				return -1;
		n++;
		p += k;
		while (*p == ' ')
			p++;
		if (!*p)
			return n;
		if (*p++ != ',')
			return -1;
	}
}

bool i18n_languages_ok(const char *list)
{
	char codes[I18N_MAX_LANGS][8];
	return list && split_list(list, codes) > 0;
}

int i18n_configure(const char *list, const char *fb, char *err, size_t errlen)
{
	char codes[I18N_MAX_LANGS][8];
	int n = list ? split_list(list, codes) : -1;
	if (n <= 0) {
		err_set(err, errlen,
			"i18n.languages: '%s' is not a list of language codes (two or three lower-case letters, "
			"separated by commas, each once, at most %d)",
			list ? list : "", I18N_MAX_LANGS);
		return ERR_INVALID;
	}
	int fbl = -1;
	for (int l = 0; l < I18N_NLANGS; l++)
		if (fb && strcmp(fb, i18n_langs[l]) == 0)
			fbl = l;
	if (fbl < 0) {
		err_set(err, errlen, "i18n.fallback: '%s' is not one of ca, es, en", fb ? fb : "");
		return ERR_INVALID;
	}
	i18n_unload();
	i18n_nslots = I18N_NLANGS;
	noffered = 0;
	i18n_fallback = fbl;
	for (int i = 0; i < n; i++) {
		int l = i18n_slot_of(codes[i]);
		if (l < 0) {
			l = i18n_nslots++;
			memcpy(i18n_slots[l].code, codes[i], sizeof i18n_slots[l].code);
		}
		offered[noffered++] = l;
	}
	return 0;
}

/* ---- lookups ---- */

/* The offered language lang is (exactly), or -1. */
static int offered_slot(const char *lang)
{
	int l = i18n_slot_of(lang);
	for (int i = 0; l >= 0 && i < noffered; i++)
		if (offered[i] == l)
			return l;
	return -1;
}

int i18n_supported(const char *lang)
{
	return offered_slot(lang) >= 0;
}

int i18n_count(void)
{
	return noffered;
}

const char *i18n_lang(int i)
{
	return i >= 0 && i < noffered ? i18n_slot_code(offered[i]) : NULL;
}

const char *i18n_default(void)
{
	return i18n_slot_code(offered[0]);
}

/* The loaded language lang is, else the default. */
static const i18n_slot_t *lang_of(const char *lang)
{
	int l = i18n_slot_of(lang);
	return &i18n_slots[l < 0 ? offered[0] : l];
}

json_t *i18n_catalog(const char *lang)
{
	return lang_of(lang)->cat;
}

/* Keys asked for that no catalogue has, each logged once (a bounded set: a flood of made-up
 * keys cannot grow memory, it only stops being logged). */
#define MAX_MISSING 256
static pthread_mutex_t missing_mu = PTHREAD_MUTEX_INITIALIZER;
static char *missing[MAX_MISSING];
static size_t nmissing;

static void note_missing(const char *key)
{
	pthread_mutex_lock(&missing_mu);
	bool seen = false;
	for (size_t i = 0; i < nmissing && !seen; i++)
		seen = strcmp(missing[i], key) == 0;
	if (!seen && nmissing < MAX_MISSING) {
		missing[nmissing++] = xstrdup(key);
		log_warn("i18n: no translation for '%s'", key);
	}
	pthread_mutex_unlock(&missing_mu);
}

const char *i18n_get(const char *lang, const char *key)
{
	json_t *cat = i18n_catalog(lang);
	json_t *v = json_object_get(cat, key);
	if (json_is_array(v)) /* a plural entry asked for without a count: its last, most general form */
		v = json_array_get(v, json_array_size(v) - 1);
	if (!v && cat && key && key[0] && key[0] != '_') /* "": no text wanted (an .ics without a subject) */
		note_missing(key);
	return v ? json_string_value(v) : key;
}

bool i18n_has(const char *lang, const char *key)
{
	return json_object_get(i18n_catalog(lang), key) != NULL;
}

/* The plural rule that applies to forms of catalog: the catalogue's own, except for a further
 * language's entries taken from its fallback, which keep the fallback's (Arabic's six forms do
 * not apply to English's two). */
static const char *plural_rule(const json_t *catalog, const json_t *forms)
{
	for (int l = I18N_NLANGS; l < i18n_nslots; l++) {
		if (i18n_slots[l].cat != catalog)
			continue;
		size_t i;
		json_t *f;
		json_array_foreach (i18n_slots[l].fbforms, i, f)
			if (f == forms)
				return json_string_value(json_object_get(i18n_slots[i18n_fallback].cat, "_plural"));
	}
	return json_string_value(json_object_get(catalog, "_plural"));
}

const char *i18n_plural_pick(const json_t *catalog, const json_t *forms, long n)
{
	unsigned long un = n < 0 ? (unsigned long)-n : (unsigned long)n;
	size_t k = (size_t)plural_index(plural_rule(catalog, forms), un);
	size_t nf = json_array_size(forms);
	if (!nf)
		return "";
	json_t *f = json_array_get(forms, k < nf ? k : nf - 1);
	return json_is_string(f) ? json_string_value(f) : "";
}

const char *i18n_nget(const char *lang, const char *key, long n)
{
	json_t *cat = i18n_catalog(lang);
	json_t *v = json_object_get(cat, key);
	if (json_is_array(v))
		return i18n_plural_pick(cat, v, n);
	return i18n_get(lang, key);
}

const char *i18n_dir(const char *lang)
{
	return lang_of(lang)->rtl ? "rtl" : "ltr";
}

const char *i18n_name(const char *lang)
{
	const i18n_slot_t *g = lang_of(lang);
	return g->name[0] ? g->name : i18n_slot_code((int)(g - i18n_slots));
}

const char *i18n_tag(const char *lang)
{
	const i18n_slot_t *g = lang_of(lang);
	return g->tag[0] ? g->tag : i18n_slot_code((int)(g - i18n_slots));
}

int i18n_index(const char *lang)
{
	int l = i18n_slot_of(lang);
	if (l < 0)
		return 0;
	return l < I18N_NLANGS ? l : i18n_fallback;
}

const char *i18n_pick(const char *lang, const char *const v[I18N_NLANGS])
{
	const char *s = v[i18n_index(lang)];
	if (!s || !*s)
		s = v[0];
	return s ? s : "";
}

/* An offered language from a query string or cookie, matched without regard to case ("CA"). */
static const char *canonical(const char *lang)
{
	if (!lang)
		return NULL;
	for (int i = 0; i < noffered; i++)
		if (strcasecmp(lang, i18n_slot_code(offered[i])) == 0)
			return i18n_slot_code(offered[i]);
	return NULL;
}

const char *i18n_negotiate(const char *query_lang, const char *cookie_lang, const char *const *accepted, int naccepted)
{
	const char *l;
	if ((l = canonical(query_lang)) || (l = canonical(cookie_lang)))
		return l;
	for (int i = 0; accepted && i < naccepted; i++)
		if ((l = canonical(accepted[i])))
			return l;
	return i18n_default();
}

const char *i18n_subst(arena_t *a, const char *msg, const char *const *vars)
{
	buf_t b;
	buf_init(&b, SIZE_MAX / 2);
	for (const char *p = msg; *p;) {
		const char *close = p[0] == '{' ? strchr(p + 1, '}') : NULL;
		const char *val = NULL;
		if (close && vars)
			for (size_t i = 0; vars[i] && vars[i + 1]; i += 2)
				if (strlen(vars[i]) == (size_t)(close - p - 1) &&
				    memcmp(vars[i], p + 1, (size_t)(close - p - 1)) == 0) {
					val = vars[i + 1];
					break;
				}
		if (val) {
			(void)buf_puts(&b, val); /* no cap (SIZE_MAX / 2): the message and values are ours */
			p = close + 1;
		} else {
			(void)buf_putc(&b, *p++);
		}
	}
	const char *out = arena_strndup(a, buf_str(&b), b.len);
	buf_free(&b);
	return out;
}
