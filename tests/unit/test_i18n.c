#include "base/arena.h"
#include "base/err.h"
#include "http/parse.h"
#include "view/i18n.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

/* ---- the parser ---- */

struct po_case {
	const char *what;
	const char *src;
	size_t len;      /* 0: strlen(src) */
	const char *err; /* NULL: parses */
	size_t count;    /* keys in the result */
	const char *key; /* one key to check, or NULL */
	const char *want;
};

static const struct po_case po_cases[] = {
	{"one entry", "msgid \"a\"\nmsgstr \"A\"\n", 0, NULL, 1, "a", "A"},
	{"empty input", "", 0, NULL, 0, NULL, NULL},
	{"header skipped",
	 "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
	 "\"Language: ca\\n\"\n\nmsgid \"nav_home\"\nmsgstr \"Inici\"\n",
	 0, NULL, 1, "nav_home", "Inici"},
	{"multi-line strings", "msgid \"\"\n\"long_\"\n\"key\"\nmsgstr \"\"\n\"line one, \"\n  \"line two\"\n", 0, NULL,
	 1, "long_key", "line one, line two"},
	{"escapes", "msgid \"e\"\nmsgstr \"q\\\" b\\\\ n\\n t\\t r\\r\"\n", 0, NULL, 1, "e", "q\" b\\ n\n t\t r\r"},
	{"every kind of comment",
	 "# translator\n#. extracted\n#: src/x.c:1\n#, c-format\n#| msgid \"old\"\n"
	 "msgid \"k\"\nmsgstr \"v\"\n#~ msgid \"gone\"\n#~ msgstr \"Gone\"\n",
	 0, NULL, 1, "k", "v"},
	{"fuzzy entries are not used",
	 "#, fuzzy\nmsgid \"a\"\nmsgstr \"guess\"\n\n#, c-format, fuzzy\nmsgid \"c\"\nmsgstr \"C\"\n"
	 "\nmsgid \"b\"\nmsgstr \"B\"\n",
	 0, NULL, 1, "b", "B"},
	{"fuzzy header does not hide the next entry",
	 "#, fuzzy\nmsgid \"\"\nmsgstr \"\"\n\nmsgid \"b\"\nmsgstr \"B\"\n", 0, NULL, 1, "b", "B"},
	{"CRLF lines and trailing blanks", "msgid \"a\"  \r\nmsgstr \"A\"\t\r\n", 0, NULL, 1, "a", "A"},
	{"no final newline", "msgid \"a\"\nmsgstr \"A\"", 0, NULL, 1, "a", "A"},
	{"no space after the keyword", "msgid\"a\"\nmsgstr\"A\"\n", 0, NULL, 1, "a", "A"},
	{"empty msgstr is kept (the loader reports it)", "msgid \"a\"\nmsgstr \"\"\n", 0, NULL, 1, "a", ""},
	{"UTF-8", "msgid \"action_cancel\"\nmsgstr \"Cancel·la\"\n", 0, NULL, 1, "action_cancel", "Cancel·la"},
	{"several entries", "msgid \"a\"\nmsgstr \"1\"\nmsgid \"b\"\nmsgstr \"2\"\n\nmsgid \"c9_x\"\nmsgstr \"3\"\n", 0,
	 NULL, 3, "c9_x", "3"},

	{"missing msgstr", "msgid \"a\"\n\nmsgid \"b\"\nmsgstr \"B\"\n", 0, "line 1: msgid without msgstr", 0, NULL,
	 NULL},
	{"missing msgstr at the end", "msgid \"a\"\nmsgstr \"A\"\n\nmsgid \"b\"\n", 0, "line 4: msgid without msgstr",
	 0, NULL, NULL},
	{"comment between msgid and msgstr", "msgid \"a\"\n# hm\nmsgstr \"A\"\n", 0, "line 1: msgid without msgstr", 0,
	 NULL, NULL},
	{"msgstr without msgid", "\nmsgstr \"A\"\n", 0, "line 2: msgstr without msgid", 0, NULL, NULL},
	{"second msgstr", "msgid \"a\"\nmsgstr \"A\"\nmsgstr \"B\"\n", 0, "line 3: second msgstr for one msgid", 0,
	 NULL, NULL},
	{"unterminated string", "msgid \"a\nmsgstr \"b\"\n", 0, "line 1: unterminated string", 0, NULL, NULL},
	{"unterminated after a backslash", "msgid \"a\"\nmsgstr \"b\\", 0, "line 2: unterminated string", 0, NULL,
	 NULL},
	{"unterminated continuation", "msgid \"a\"\nmsgstr \"b\"\n\"c\n", 0, "line 3: unterminated string", 0, NULL,
	 NULL},
	{"unknown escape", "msgid \"a\"\nmsgstr \"\\x41\"\n", 0, "line 2: unknown escape '\\x'", 0, NULL, NULL},
	{"text after the string", "msgid \"a\" b\nmsgstr \"A\"\n", 0, "line 1: unexpected text after the closing quote",
	 0, NULL, NULL},
	{"keyword without a string", "msgid\nmsgstr \"A\"\n", 0, "line 1: expected a string in double quotes", 0, NULL,
	 NULL},
	{"msgctxt rejected", "msgctxt \"menu\"\nmsgid \"a\"\nmsgstr \"A\"\n", 0,
	 "line 1: msgctxt is not supported (keys are unique, so no context is needed)", 0, NULL, NULL},
	{"msgid_plural rejected", "msgid \"a\"\nmsgid_plural \"as\"\nmsgstr[0] \"A\"\n", 0,
	 "line 2: plural forms are not supported (use one key per form)", 0, NULL, NULL},
	{"msgstr[n] rejected", "msgid \"a\"\nmsgstr[0] \"A\"\n", 0,
	 "line 2: plural forms are not supported (use one key per form)", 0, NULL, NULL},
	{"garbage", "hello world\n", 0, "line 1: expected msgid, msgstr, a string or a # comment", 0, NULL, NULL},
	{"binary garbage", "msgid \"a\"\nmsgstr \"A\"\n\x01\x02\xff\n", 0,
	 "line 3: expected msgid, msgstr, a string or a # comment", 0, NULL, NULL},
	{"string outside an entry", "\"abc\"\n", 0, "line 1: string outside an entry", 0, NULL, NULL},
	{"msgid is not a key", "msgid \"Sign in\"\nmsgstr \"Entra\"\n", 0,
	 "line 1: msgid 'Sign in' is not a key (lower-case letters, digits and '_', starting with "
	 "a letter)",
	 0, NULL, NULL},
	{"msgid starts with a digit", "msgid \"1a\"\nmsgstr \"A\"\n", 0,
	 "line 1: msgid '1a' is not a key (lower-case letters, digits and '_', starting with a "
	 "letter)",
	 0, NULL, NULL},
	{"duplicate msgid", "msgid \"a\"\nmsgstr \"A\"\n\nmsgid \"a\"\nmsgstr \"B\"\n", 0,
	 "line 4: duplicate msgid 'a'", 0, NULL, NULL},
	{"invalid UTF-8", "msgid \"a\"\nmsgstr \"\xc3\x28\"\n", 0, "line 1: msgstr of 'a' is not valid UTF-8", 0, NULL,
	 NULL},
	{"NUL byte", "msgid \"a\"\nmsgstr \"A\0B\"\n", 23, "line 2: NUL byte in the line", 0, NULL, NULL},
};

static void test_parse_po(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof po_cases / sizeof po_cases[0]; i++) {
		const struct po_case *t = &po_cases[i];
		char err[256] = "";
		size_t len = t->len ? t->len : strlen(t->src);
		print_message("case: %s\n", t->what);
		json_t *o = i18n_parse_po(t->src, len, err, sizeof err);
		if (t->err) {
			assert_null(o);
			assert_string_equal(err, t->err);
			continue;
		}
		if (!o)
			print_error("unexpected error: %s\n", err);
		assert_non_null(o);
		assert_int_equal(json_object_size(o), t->count);
		if (t->key)
			assert_string_equal(json_string_value(json_object_get(o, t->key)), t->want);
		json_decref(o);
	}
}

static void test_parse_po_caps(void **state)
{
	(void)state;
	/* a string past the 64 KiB cap is an error, not a huge allocation */
	size_t n = 70 * 1024;
	char *src = malloc(n + 64);
	assert_non_null(src);
	int h = snprintf(src, 64, "msgid \"a\"\nmsgstr \"");
	memset(src + h, 'x', n);
	memcpy(src + h + n, "\"\n", 2);
	char err[256];
	assert_null(i18n_parse_po(src, (size_t)h + n + 2, err, sizeof err));
	assert_string_equal(err, "line 2: string too long (at most 65536 bytes)");
	free(src);
}

/* ---- loading ---- */

static const char *locale_dir(void)
{
	/* tests run from the repository root; also allow build/tests/ */
	static const char *const dirs[] = {"locale", "../../locale", "../locale"};
	for (size_t i = 0; i < 3; i++) {
		char p[64];
		snprintf(p, sizeof p, "%s/ca.po", dirs[i]);
		if (access(p, R_OK) == 0)
			return dirs[i];
	}
	return "locale";
}

static void test_load_real_locale(void **state)
{
	(void)state;
	char err[512] = "";
	int rc = i18n_load(locale_dir(), err, sizeof err);
	if (rc)
		print_error("%s\n", err);
	assert_int_equal(rc, 0);
	json_t *ca = i18n_catalog("ca"), *es = i18n_catalog("es"), *en = i18n_catalog("en");
	assert_non_null(ca);
	assert_true(json_object_size(ca) >= 80);
	assert_int_equal(json_object_size(es), json_object_size(ca));
	assert_int_equal(json_object_size(en), json_object_size(ca));
	const char *key;
	json_t *v;
	json_object_foreach (ca, key, v) {
		assert_true(json_string_length(v) > 0);
		assert_non_null(json_object_get(es, key));
		assert_non_null(json_object_get(en, key));
	}
	assert_string_equal(i18n_get("ca", "nav_login"), "Entra");
	assert_string_equal(i18n_get("es", "nav_login"), "Entrar");
	assert_string_equal(i18n_get("en", "nav_login"), "Sign in");
	assert_string_equal(i18n_get("ca", "login_locked"),
			    "Massa intents. Torna-ho a provar d'aquí a {minutes} minuts.");
	assert_string_equal(i18n_get("ca", "app_name"), "Finestreta");
	/* unknown language: the default; unknown key: the key itself */
	assert_string_equal(i18n_get("fr", "nav_login"), "Entra");
	assert_string_equal(i18n_get(NULL, "nav_login"), "Entra");
	assert_string_equal(i18n_get("es", "no_such_key"), "no_such_key");
	assert_ptr_equal(i18n_catalog("de"), ca);
	i18n_unload();
	assert_null(i18n_catalog("ca"));
	assert_string_equal(i18n_get("ca", "nav_login"), "nav_login");
}

struct load_case {
	const char *what;
	const char *ca, *es, *en; /* NULL: the file is absent */
	const char *err;          /* with DIR for the directory; NULL: loads */
};

#define E(k, v) "msgid \"" k "\"\nmsgstr \"" v "\"\n"

static const struct load_case load_cases[] = {
	{"good", E("a", "A") E("b", "{n} B"), E("b", "B {n}") E("a", "A"), E("a", "A") E("b", "B{n}"), NULL},
	{"missing in es", E("a", "A") E("b", "B"), E("a", "A"), E("a", "A") E("b", "B"),
	 "DIR/es.po: missing translation for 'b' (it is in DIR/ca.po)"},
	{"fuzzy counts as missing", E("a", "A"), "#, fuzzy\n" E("a", "A"), E("a", "A"),
	 "DIR/es.po: missing translation for 'a' (it is in DIR/ca.po)"},
	{"empty in en", E("a", "A"), E("a", "A"), E("a", ""), "DIR/en.po: empty translation for 'a'"},
	{"empty in ca", E("a", ""), E("a", "A"), E("a", "A"), "DIR/ca.po: empty translation for 'a'"},
	{"extra in en", E("a", "A"), E("a", "A"), E("a", "A") E("z", "Z"), "DIR/en.po: 'z' is not in DIR/ca.po"},
	{"placeholder changed", E("w", "Hola, {name}"), E("w", "Hola, {nombre}"), E("w", "Hello, {name}"),
	 "DIR/es.po: 'w' has placeholders '{nombre}' but DIR/ca.po has '{name}'"},
	{"placeholder dropped", E("w", "{a} i {b}"), E("w", "{a} y {b}"), E("w", "{b}"),
	 "DIR/en.po: 'w' has placeholders '{b}' but DIR/ca.po has '{a} {b}'"},
	{"syntax error names file and line", E("a", "A"), E("a", "A") "\nmsgctxt \"x\"\n", E("a", "A"),
	 "DIR/es.po:4: msgctxt is not supported (keys are unique, so no context is needed)"},
	{"missing file", E("a", "A"), E("a", "A"), NULL, "DIR/en.po: cannot open: No such file or directory"},
};

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (!text) {
		unlink(path);
		return;
	}
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* want with every "DIR" replaced by dir */
static void expand(const char *want, const char *dir, char *out, size_t n)
{
	size_t o = 0;
	for (const char *p = want; *p && o + 1 < n;) {
		if (strncmp(p, "DIR", 3) == 0) {
			o += (size_t)snprintf(out + o, n - o, "%s", dir);
			p += 3;
		} else {
			out[o++] = *p++;
		}
	}
	out[o < n ? o : n - 1] = '\0';
}

static void test_load_checks(void **state)
{
	(void)state;
	char dir[] = "/tmp/finestreta-po-XXXXXX";
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < sizeof load_cases / sizeof load_cases[0]; i++) {
		const struct load_case *t = &load_cases[i];
		print_message("case: %s\n", t->what);
		write_file(dir, "ca.po", t->ca);
		write_file(dir, "es.po", t->es);
		write_file(dir, "en.po", t->en);
		char err[512] = "", want[512];
		int rc = i18n_load(dir, err, sizeof err);
		if (!t->err) {
			if (rc)
				print_error("unexpected error: %s\n", err);
			assert_int_equal(rc, 0);
			assert_string_equal(i18n_get("es", "b"), "B {n}");
			i18n_unload();
			continue;
		}
		assert_int_equal(rc, ERR_INVALID);
		expand(t->err, dir, want, sizeof want);
		assert_string_equal(err, want);
		/* a failed load installs nothing */
		assert_null(i18n_catalog("ca"));
	}
	write_file(dir, "ca.po", NULL);
	write_file(dir, "es.po", NULL);
	write_file(dir, "en.po", NULL);
	rmdir(dir);
}

static void test_failed_reload_keeps_catalogs(void **state)
{
	(void)state;
	char err[512];
	assert_int_equal(i18n_load(locale_dir(), err, sizeof err), 0);
	assert_int_not_equal(i18n_load("/nonexistent", err, sizeof err), 0);
	assert_string_equal(i18n_get("en", "nav_login"), "Sign in");
	i18n_unload();
}

/* ---- supported languages and negotiation ---- */

static void test_supported(void **state)
{
	(void)state;
	static const struct {
		const char *lang;
		int ok;
	} cases[] = {
		{"ca", 1}, {"es", 1}, {"en", 1}, {"fr", 0}, {"", 0}, {"CA", 0}, {"ca-ES", 0}, {NULL, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(i18n_supported(cases[i].lang) != 0, cases[i].ok);
	assert_string_equal(i18n_langs[0], "ca");
}

struct neg_case {
	const char *query, *cookie, *accept;
	const char *want;
};

static const struct neg_case neg_cases[] = {
	{NULL, NULL, NULL, "ca"},
	{"es", NULL, NULL, "es"},
	{"en", "es", "ca", "en"}, /* the query wins */
	{"EN", NULL, NULL, "en"}, /* any case */
	{"fr", "es", "en", "es"}, /* unsupported query: the cookie */
	{"", "en", NULL, "en"},
	{NULL, "xx", "es-ES,es;q=0.9", "es"}, /* bad cookie: Accept-Language */
	{NULL, NULL, "en-GB,en;q=0.9,ca;q=0.8", "en"},
	{NULL, NULL, "fr-FR, de;q=0.9, es;q=0.8, en;q=0.7", "es"}, /* first supported */
	{NULL, NULL, "en;q=0.5, ca;q=0.9", "ca"},                  /* by q-value, not order */
	{NULL, NULL, "en;q=0, es", "es"},                          /* q=0 means no */
	{NULL, NULL, "fr, de", "ca"},                              /* nothing supported: the default */
	{NULL, NULL, "", "ca"},
	{NULL, NULL, ";;;,,,q=", "ca"},
};

static void test_negotiate(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof neg_cases / sizeof neg_cases[0]; i++) {
		const struct neg_case *t = &neg_cases[i];
		arena_t *a = arena_new();
		print_message("negotiate: %s | %s | %s\n", t->query ? t->query : "-", t->cookie ? t->cookie : "-",
			      t->accept ? t->accept : "-");
		const char *tags[16];
		int n = parse_accept_language(t->accept, tags, 16, a);
		const char *got = i18n_negotiate(t->query, t->cookie, tags, n);
		assert_string_equal(got, t->want);
		/* always one of ours, so callers may keep the pointer past the arena */
		assert_true(got == i18n_langs[0] || got == i18n_langs[1] || got == i18n_langs[2]);
		arena_free(a);
	}
}

/* ---- placeholders ---- */

/* ---- further languages: from the configuration, partial, falling back per key ---- */

struct further_case {
	const char *what;
	const char *ar; /* DIR/ar.po; NULL: absent */
	const char *err;
};

#define META_AR E("lang_name", "العربية") E("lang_tag", "ar") E("lang_dir", "rtl")
#define CA3 E("lang_name", "Català") E("a", "A {n}") E("b", "B")
#define ES3 E("lang_name", "Español") E("a", "A {n}") E("b", "B")
#define EN3 E("lang_name", "English") E("a", "Ay {n}") E("b", "Bee")

static const struct further_case further_cases[] = {
	{"partial: b falls back", META_AR E("a", "ألف {n}"), NULL},
	{"no file at all", NULL, "DIR: no translations for 'ar' (i18n.languages lists it: add NAME/ar.po files)"},
	{"a key Catalan lacks", META_AR E("z", "Z"), "DIR/ar.po: 'z' is not in DIR/ca.po"},
	{"empty", META_AR E("a", ""), "DIR/ar.po: empty translation for 'a'"},
	{"placeholder changed", META_AR E("a", "ألف {m}"),
	 "DIR/ar.po: 'a' has placeholders '{m}' but DIR/ca.po has '{n}'"},
	{"bad direction", E("lang_name", "x") E("lang_dir", "up"), "DIR: lang_dir of 'ar' is 'up', not ltr or rtl"},
	{"syntax error", META_AR "msgid \"a\"\n", "DIR/ar.po:7: msgid without msgstr"},
};

static void test_further_languages(void **state)
{
	(void)state;
	char dir[] = "/tmp/finestreta-po-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char err[512] = "", want[512];
	assert_int_equal(i18n_configure("ca,es,en,ar", "en", err, sizeof err), 0);
	write_file(dir, "ca.po", CA3 E("lang_tag", "ca") E("lang_dir", "ltr"));
	write_file(dir, "es.po", ES3 E("lang_tag", "es") E("lang_dir", "ltr"));
	write_file(dir, "en.po", EN3 E("lang_tag", "en") E("lang_dir", "ltr"));
	for (size_t i = 0; i < sizeof further_cases / sizeof further_cases[0]; i++) {
		const struct further_case *t = &further_cases[i];
		print_message("case: %s\n", t->what);
		write_file(dir, "ar.po", t->ar);
		int rc = i18n_load(dir, err, sizeof err);
		if (!t->err) {
			if (rc)
				print_error("unexpected error: %s\n", err);
			assert_int_equal(rc, 0);
			continue;
		}
		assert_int_equal(rc, ERR_INVALID);
		expand(t->err, dir, want, sizeof want);
		assert_string_equal(err, want);
	}
	/* The first case is still what is loaded: a failed load changes nothing. */
	assert_string_equal(i18n_get("ar", "a"), "ألف {n}");
	assert_string_equal(i18n_get("ar", "b"), "Bee"); /* the fallback, key by key */
	assert_string_equal(i18n_dir("ar"), "rtl");
	assert_string_equal(i18n_dir("ca"), "ltr");
	assert_string_equal(i18n_name("ar"), "العربية");
	assert_string_equal(i18n_tag("ar"), "ar");
	assert_int_equal(json_object_size(i18n_catalog("ar")), json_object_size(i18n_catalog("ca")));
	assert_true(i18n_supported("ar"));
	assert_int_equal(i18n_count(), 4);
	assert_string_equal(i18n_lang(3), "ar");
	assert_null(i18n_lang(4));
	/* Texts kept in ca, es, en: a further language gets its fallback's. */
	assert_int_equal(i18n_index("ar"), 2);
	assert_string_equal(i18n_pick("ar", (const char *const[]){"cat", "esp", "eng"}), "eng");
	assert_string_equal(i18n_pick("ar", (const char *const[]){"cat", "esp", ""}), "cat");

	/* Another fallback, and an order where Spanish comes first (the default). */
	assert_int_equal(i18n_configure("es,ca,ar", "ca", err, sizeof err), 0);
	write_file(dir, "ar.po", META_AR E("a", "ألف {n}"));
	assert_int_equal(i18n_load(dir, err, sizeof err), 0);
	assert_string_equal(i18n_get("ar", "b"), "B");
	assert_string_equal(i18n_default(), "es");
	assert_false(i18n_supported("en")); /* loaded, not offered */
	assert_string_equal(i18n_get("en", "b"), "Bee");
	const char *tags[] = {"en", "ar"};
	assert_string_equal(i18n_negotiate("en", NULL, tags, 2), "ar");
	assert_string_equal(i18n_negotiate(NULL, NULL, NULL, 0), "es");
	assert_string_equal(i18n_pick("ar", (const char *const[]){"cat", "esp", "eng"}), "cat");
	i18n_unload();

	/* What the configuration may say. */
	static const struct {
		const char *list, *fallback;
		bool ok;
	} cfg[] = {
		{"ca,es,en,ar,zh", "en", true}, {"zh", "ca", true},
		{"ca,es,ca", "en", false},      {"ca,,es", "en", false},
		{"ca,EN", "en", false},         {"", "en", false},
		{"ca,es,", "en", false},        {"catalan", "en", false},
		{"ca,es", "ar", false},         {"ca,es", "", false},
		{"a,b,c", "en", false},         {"aa,ab,ac,ad,ae,af,ag,ah,ai,aj,ak,al,am,an,ao,ap,aq", "en", false},
	};
	for (size_t i = 0; i < sizeof cfg / sizeof cfg[0]; i++) {
		int rc = i18n_configure(cfg[i].list, cfg[i].fallback, err, sizeof err);
		if ((rc == 0) != cfg[i].ok)
			fail_msg("i18n_configure(\"%s\", \"%s\"): %d %s", cfg[i].list, cfg[i].fallback, rc, err);
		if (strcmp(cfg[i].fallback, "en") == 0)
			assert_int_equal(i18n_languages_ok(cfg[i].list), cfg[i].ok);
	}
	assert_int_equal(i18n_configure("ca,es,en", "en", err, sizeof err), 0);
	write_file(dir, "ca.po", NULL);
	write_file(dir, "es.po", NULL);
	write_file(dir, "en.po", NULL);
	write_file(dir, "ar.po", NULL);
	rmdir(dir);
}

/* The catalogues shipped: Arabic and Chinese load beside the three, right to left for Arabic,
 * with their own words for what citizens read. */
static void test_real_further_languages(void **state)
{
	(void)state;
	char err[512] = "";
	assert_int_equal(i18n_configure("ca,es,en,ar,zh", "en", err, sizeof err), 0);
	int rc = i18n_load(locale_dir(), err, sizeof err);
	if (rc)
		print_error("%s\n", err);
	assert_int_equal(rc, 0);
	assert_string_equal(i18n_dir("ar"), "rtl");
	assert_string_equal(i18n_dir("zh"), "ltr");
	assert_string_equal(i18n_tag("zh"), "zh-Hans");
	assert_string_equal(i18n_name("ar"), "العربية");
	assert_string_equal(i18n_get("ar", "cita_h1_confirm"), "تم حجز موعدك");
	assert_string_equal(i18n_get("zh", "pdf_title"), "预约回执");
	assert_string_equal(i18n_get("ar", "nav_login"), "تسجيل الدخول");
	assert_int_equal(json_object_size(i18n_catalog("zh")), json_object_size(i18n_catalog("ca")));
	const char *tags[] = {"zh"};
	assert_string_equal(i18n_negotiate(NULL, NULL, tags, 1), "zh");
	i18n_unload();
	assert_int_equal(i18n_configure("ca,es,en", "en", err, sizeof err), 0);
}

static void test_subst(void **state)
{
	(void)state;
	static const struct {
		const char *msg;
		const char *want;
	} cases[] = {
		{"Hola, {name}", "Hola, Marta"},
		{"{minutes} minuts", "15 minuts"},
		{"{name} ({minutes})", "Marta (15)"},
		{"{other} stays", "{other} stays"},
		{"no placeholders", "no placeholders"},
		{"unclosed {name", "unclosed {name"},
		{"{}", "{}"},
		{"", ""},
		{"{name}{name}", "MartaMarta"},
	};
	static const char *const vars[] = {"name", "Marta", "minutes", "15", NULL};
	arena_t *a = arena_new();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_string_equal(i18n_subst(a, cases[i].msg, vars), cases[i].want);
	assert_string_equal(i18n_subst(a, "Hola, {name}", NULL), "Hola, {name}");
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_po),
		cmocka_unit_test(test_parse_po_caps),
		cmocka_unit_test(test_load_real_locale),
		cmocka_unit_test(test_load_checks),
		cmocka_unit_test(test_failed_reload_keeps_catalogs),
		cmocka_unit_test(test_supported),
		cmocka_unit_test(test_negotiate),
		cmocka_unit_test(test_further_languages),
		cmocka_unit_test(test_real_further_languages),
		cmocka_unit_test(test_subst),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
