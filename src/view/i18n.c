#include "view/i18n.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const i18n_langs[I18N_NLANGS] = {"ca", "es", "en"};

#define MAX_PO_FILE (4 * 1024 * 1024)
#define MAX_PO_STRING (64 * 1024)
#define MAX_KEY 128

/* ---- the .po parser ---- */

struct po {
	const char *name; /* file name for messages, or NULL for "line N: " */
	char *err;
	size_t errlen;
	json_t *out;
	int line;
	/* the entry being read */
	enum { K_NONE, K_ID, K_STR } cur;
	buf_t id, str;
	int id_line;
	bool have_id, have_str, fuzzy, next_fuzzy;
};

static int po_fail(struct po *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int po_fail(struct po *p, int line, const char *fmt, ...)
{
	char msg[384];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (p->err && p->errlen) {
		if (p->name)
			snprintf(p->err, p->errlen, "%s:%d: %s", p->name, line, msg);
		else
			snprintf(p->err, p->errlen, "line %d: %s", line, msg);
	}
	return ERR_INVALID;
}

/* msgids are template names ({{t.nav_login}}), so they must be plain snake_case. */
static bool key_ok(const char *k, size_t n)
{
	if (n == 0 || n > MAX_KEY || !(k[0] >= 'a' && k[0] <= 'z'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
			return false;
	return true;
}

/* Shows a key in a message: printable ASCII only, cut short. */
static void show(const char *s, size_t n, char *out, size_t outn)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 4 < outn; i++) {
		if (i == 40) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		unsigned char c = (unsigned char)s[i];
		out[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	out[o] = '\0';
}

/* Ends the entry being read, adding it to the catalogue. */
static int po_flush(struct po *p)
{
	char shown[64];
	int rc = 0;
	if (!p->have_id)
		return 0;
	if (!p->have_str)
		return po_fail(p, p->id_line, "msgid without msgstr");
	const char *id = buf_str(&p->id), *str = buf_str(&p->str);
	size_t idn = p->id.len, strn = p->str.len;
	if (idn == 0)
		goto done; /* the header entry: metadata, not a message */
	if (!key_ok(id, idn)) {
		show(id, idn, shown, sizeof shown);
		rc = po_fail(p, p->id_line,
			     "msgid '%s' is not a key (lower-case letters, digits and '_', starting "
			     "with a letter)",
			     shown);
		goto done;
	}
	if (!str_valid_utf8(str, strn)) {
		rc = po_fail(p, p->id_line, "msgstr of '%s' is not valid UTF-8", id);
		goto done;
	}
	if (json_object_get(p->out, id)) {
		rc = po_fail(p, p->id_line, "duplicate msgid '%s'", id);
		goto done;
	}
	/* fuzzy translations are guesses waiting for review: gettext does not use them either */
	if (!p->fuzzy)
		json_object_set_new(p->out, id, json_stringn(str, strn));
done:
	p->have_id = p->have_str = p->fuzzy = false;
	p->cur = K_NONE;
	buf_reset(&p->id);
	buf_reset(&p->str);
	return rc;
}

/* Appends the quoted string at s[0..n) (leading blanks skipped) to b. */
static int po_string(struct po *p, const char *s, size_t n, buf_t *b)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i >= n || s[i] != '"')
		return po_fail(p, p->line, "expected a string in double quotes");
	for (i++; i < n; i++) {
		char c = s[i];
		if (c == '"')
			break;
		if (c == '\\') {
			if (++i >= n)
				break;
			switch (s[i]) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case '"': c = '"'; break;
			case '\\': c = '\\'; break;
			default:
				if (s[i] >= 0x20 && s[i] < 0x7f)
					return po_fail(p, p->line, "unknown escape '\\%c'", s[i]);
				return po_fail(p, p->line, "unknown escape");
			}
		}
		if (buf_putc(b, c))
			return po_fail(p, p->line, "string too long (at most %d bytes)", MAX_PO_STRING);
	}
	if (i >= n)
		return po_fail(p, p->line, "unterminated string");
	for (i++; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return po_fail(p, p->line, "unexpected text after the closing quote");
	return 0;
}

static bool word_is(const char *s, size_t n, const char *w)
{
	size_t wn = strlen(w);
	return n == wn && memcmp(s, w, n) == 0;
}

static int po_line(struct po *p, const char *s, size_t n)
{
	int rc;
	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	if (n == 0)
		return 0;
	if (s[0] == '#') {
		/* a comment ends an entry that already has its msgstr */
		if (p->have_str && (rc = po_flush(p)))
			return rc;
		if (p->have_id)
			return po_fail(p, p->id_line, "msgid without msgstr");
		if (n >= 2 && s[1] == ',') {
			/* flags: "#, fuzzy, c-format" */
			for (size_t i = 2; i < n;) {
				while (i < n && (s[i] == ' ' || s[i] == ','))
					i++;
				size_t st = i;
				while (i < n && s[i] != ' ' && s[i] != ',')
					i++;
				if (word_is(s + st, i - st, "fuzzy"))
					p->next_fuzzy = true;
			}
		}
		return 0;
	}
	if (s[0] == '"') {
		if (p->cur == K_NONE)
			return po_fail(p, p->line, "string outside an entry");
		return po_string(p, s, n, p->cur == K_ID ? &p->id : &p->str);
	}
	size_t w = 0;
	while (w < n && s[w] != ' ' && s[w] != '\t' && s[w] != '"')
		w++;
	if (word_is(s, w, "msgid")) {
		if ((rc = po_flush(p)))
			return rc;
		p->have_id = true;
		p->id_line = p->line;
		p->fuzzy = p->next_fuzzy;
		p->next_fuzzy = false;
		p->cur = K_ID;
		return po_string(p, s + w, n - w, &p->id);
	}
	if (word_is(s, w, "msgstr")) {
		if (!p->have_id)
			return po_fail(p, p->line, "msgstr without msgid");
		if (p->have_str)
			return po_fail(p, p->line, "second msgstr for one msgid");
		p->have_str = true;
		p->cur = K_STR;
		return po_string(p, s + w, n - w, &p->str);
	}
	if (word_is(s, w, "msgctxt"))
		return po_fail(p, p->line, "msgctxt is not supported (keys are unique, so no context is needed)");
	if (word_is(s, w, "msgid_plural") || (w > 7 && memcmp(s, "msgstr[", 7) == 0))
		return po_fail(p, p->line, "plural forms are not supported (use one key per form)");
	return po_fail(p, p->line, "expected msgid, msgstr, a string or a # comment");
}

static json_t *parse_po(const char *name, const char *src, size_t len, char *err, size_t errlen)
{
	struct po p = {.name = name, .err = err, .errlen = errlen, .out = json_object()};
	buf_init(&p.id, MAX_PO_STRING);
	buf_init(&p.str, MAX_PO_STRING);
	int rc = 0;
	size_t pos = 0;
	if (err && errlen)
		err[0] = '\0';
	while (pos < len) {
		const char *s = src + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		pos += n + (nl ? 1 : 0);
		p.line++;
		if (memchr(s, '\0', n)) {
			rc = po_fail(&p, p.line, "NUL byte in the line");
			goto cleanup;
		}
		if ((rc = po_line(&p, s, n)))
			goto cleanup;
	}
	rc = po_flush(&p);
cleanup:
	buf_free(&p.id);
	buf_free(&p.str);
	if (rc) {
		json_decref(p.out);
		return NULL;
	}
	return p.out;
}

json_t *i18n_parse_po(const char *src, size_t len, char *err, size_t errlen)
{
	return parse_po(NULL, src, len, err, errlen);
}

/* ---- loading ---- */

static json_t *load_po(const char *path, char *err, size_t errlen)
{
	json_t *out = NULL;
	buf_t b;
	buf_init(&b, MAX_PO_FILE);
	int rc = buf_read_file(&b, path);
	if (rc == ERR_TOO_BIG)
		err_set(err, errlen, "%s: file too big (at most %d bytes)", path, MAX_PO_FILE);
	else if (rc)
		err_set(err, errlen, "%s: cannot %s: %s", path, rc == ERR_NOT_FOUND ? "open" : "read", strerror(errno));
	else
		out = parse_po(path, buf_str(&b), b.len, err, errlen);
	buf_free(&b);
	return out;
}

/* The {placeholders} of s, sorted and joined, so two messages can be compared. */
static void placeholders(const char *s, char *out, size_t n)
{
	const char *names[32];
	size_t lens[32], count = 0;
	for (const char *p = s; (p = strchr(p, '{')) && count < 32; p++) {
		size_t k = 1;
		while ((p[k] >= 'a' && p[k] <= 'z') || p[k] == '_')
			k++;
		if (k > 1 && p[k] == '}') {
			names[count] = p + 1;
			lens[count++] = k - 1;
		}
	}
	/* insertion sort: a message has a handful at most */
	for (size_t i = 1; i < count; i++)
		for (size_t j = i; j > 0; j--) {
			size_t m = lens[j] < lens[j - 1] ? lens[j] : lens[j - 1];
			int c = memcmp(names[j], names[j - 1], m);
			if (c > 0 || (c == 0 && lens[j] >= lens[j - 1]))
				break;
			const char *tn = names[j];
			size_t tl = lens[j];
			names[j] = names[j - 1];
			lens[j] = lens[j - 1];
			names[j - 1] = tn;
			lens[j - 1] = tl;
		}
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < count; i++) {
		int w = snprintf(out + o, n - o, "%s{%.*s}", i ? " " : "", (int)lens[i], names[i]);
		if (w < 0 || (size_t)w >= n - o)
			break;
		o += (size_t)w;
	}
}

/* Every language must translate every key of the default one, with the same placeholders, and
 * nothing else: a missing string is caught at start, not by a citizen. */
static int check_catalogs(json_t *const cat[I18N_NLANGS], char *const paths[I18N_NLANGS], char *err, size_t errlen)
{
	const char *key;
	json_t *val;
	json_object_foreach (cat[0], key, val) {
		const char *ca = json_string_value(val);
		if (!*ca) {
			err_set(err, errlen, "%s: empty translation for '%s'", paths[0], key);
			return ERR_INVALID;
		}
		char want[256], got[256];
		placeholders(ca, want, sizeof want);
		for (int l = 1; l < I18N_NLANGS; l++) {
			json_t *other = json_object_get(cat[l], key);
			if (!other) {
				err_set(err, errlen, "%s: missing translation for '%s' (it is in %s)", paths[l], key,
					paths[0]);
				return ERR_INVALID;
			}
			const char *tr = json_string_value(other);
			if (!*tr) {
				err_set(err, errlen, "%s: empty translation for '%s'", paths[l], key);
				return ERR_INVALID;
			}
			placeholders(tr, got, sizeof got);
			if (strcmp(want, got) != 0) {
				err_set(err, errlen, "%s: '%s' has placeholders '%s' but %s has '%s'", paths[l], key,
					got, paths[0], want);
				return ERR_INVALID;
			}
		}
	}
	for (int l = 1; l < I18N_NLANGS; l++)
		json_object_foreach (cat[l], key, val) {
			if (!json_object_get(cat[0], key)) {
				err_set(err, errlen, "%s: '%s' is not in %s", paths[l], key, paths[0]);
				return ERR_INVALID;
			}
		}
	return 0;
}

/* A further language's catalogue may leave keys out (they fall back, key by key), but what it
 * has must be right: keys of the Catalan one, not empty, with the same placeholders. */
static int check_partial(const json_t *ca, const char *ca_path, const json_t *cat, const char *path, char *err,
			 size_t errlen)
{
	const char *key;
	json_t *val;
	json_object_foreach ((json_t *)cat, key, val) {
		const json_t *src = json_object_get(ca, key);
		if (!src) {
			err_set(err, errlen, "%s: '%s' is not in %s", path, key, ca_path);
			return ERR_INVALID;
		}
		if (!*json_string_value(val)) {
			err_set(err, errlen, "%s: empty translation for '%s'", path, key);
			return ERR_INVALID;
		}
		char want[256], got[256];
		placeholders(src ? json_string_value(src) : "", want, sizeof want);
		placeholders(json_string_value(val), got, sizeof got);
		if (src && strcmp(want, got) != 0) {
			err_set(err, errlen, "%s: '%s' has placeholders '%s' but %s has '%s'", path, key, got, ca_path,
				want);
			return ERR_INVALID;
		}
	}
	return 0;
}

/* ---- the languages: the three every deployment has, and those a city adds ---- */

typedef struct {
	char code[8];
	json_t *cat;            /* merged catalogue, fallbacks filled in */
	char name[64], tag[24]; /* lang_name, lang_tag of its own catalogue (else the code) */
	bool rtl;               /* lang_dir "rtl" */
} lang_t;

/* langs[0..2] are ca, es, en (i18n_langs order); further languages follow. */
static lang_t langs[I18N_MAX_LANGS];
static int nlangs = I18N_NLANGS;
/* The languages offered, as indexes into langs, in the order the switcher shows them; [0] is
 * the default. Until i18n_configure: ca, es, en. */
static int offered[I18N_MAX_LANGS] = {0, 1, 2};
static int noffered = I18N_NLANGS;
static int fallback = 2; /* where a further language's missing keys come from: en */

static int lang_slot(const char *code)
{
	if (!code)
		return -1;
	for (int l = 0; l < nlangs; l++)
		if (strcmp(code, l < I18N_NLANGS ? i18n_langs[l] : langs[l].code) == 0)
			return l;
	return -1;
}

static const char *slot_code(int l)
{
	return l < I18N_NLANGS ? i18n_langs[l] : langs[l].code;
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
	nlangs = I18N_NLANGS;
	noffered = 0;
	fallback = fbl;
	for (int i = 0; i < n; i++) {
		int l = lang_slot(codes[i]);
		if (l < 0) {
			l = nlangs++;
			memcpy(langs[l].code, codes[i], sizeof langs[l].code);
		}
		offered[noffered++] = l;
	}
	return 0;
}

/* One folder's catalogues of every language into cat[] (new objects; NULL for a further
 * language the folder has no file for), checked. */
static int load_folder(const char *dir, json_t *cat[I18N_MAX_LANGS], char *err, size_t errlen)
{
	char *paths[I18N_MAX_LANGS] = {0};
	int rc = ERR_INVALID;
	for (int l = 0; l < nlangs; l++) {
		paths[l] = xasprintf("%s/%s.po", dir, slot_code(l));
		if (l >= I18N_NLANGS && access(paths[l], F_OK) != 0)
			continue; /* a further language may not cover this folder at all */
		cat[l] = load_po(paths[l], err, errlen);
		if (!cat[l])
			goto cleanup;
	}
	rc = check_catalogs(cat, paths, err, errlen);
	for (int l = I18N_NLANGS; rc == 0 && l < nlangs; l++)
		if (cat[l])
			rc = check_partial(cat[0], paths[0], cat[l], paths[l], err, errlen);
cleanup:
	for (int l = 0; l < nlangs; l++) {
		if (rc) {
			json_decref(cat[l]);
			cat[l] = NULL;
		}
		free(paths[l]);
	}
	return rc;
}

/* Adds one folder's catalogues to all; a key already there is an error. */
static int merge_folder(json_t *all[I18N_MAX_LANGS], const char *dir, char *err, size_t errlen)
{
	json_t *cat[I18N_MAX_LANGS] = {0};
	int rc = load_folder(dir, cat, err, errlen);
	if (rc)
		return rc;
	const char *key;
	json_t *val;
	json_object_foreach (cat[0], key, val) {
		if (json_object_get(all[0], key)) {
			err_set(err, errlen, "%s/%s.po: '%s' is defined in another folder too", dir, i18n_langs[0],
				key);
			rc = ERR_INVALID;
			break;
		}
	}
	for (int l = 0; l < nlangs; l++) {
		if (!rc && cat[l])
			json_object_update(all[l], cat[l]);
		json_decref(cat[l]);
	}
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sub-folders of dir holding a ca.po, sorted (new array of new strings). */
static int list_folders(const char *dir, char ***out, size_t *n, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d) {
		err_set(err, errlen, "%s: cannot open: %s", dir, strerror(errno));
		return ERR_IO;
	}
	char **v = NULL;
	size_t cnt = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *sub = xasprintf("%s/%s", dir, de->d_name);
		char *po = xasprintf("%s/%s.po", sub, i18n_langs[0]);
		struct stat st;
		if (stat(po, &st) == 0 && S_ISREG(st.st_mode)) {
			if (cnt == cap) {
				cap = cap ? cap * 2 : 16;
				v = xrealloc(v, cap * sizeof *v);
			}
			v[cnt++] = sub;
			sub = NULL;
		}
		free(po);
		free(sub);
	}
	closedir(d);
	if (cnt)
		qsort(v, cnt, sizeof *v, cmp_str);
	*out = v;
	*n = cnt;
	return 0;
}

/* A language's own name, tag and direction, from the lang_* keys of its own catalogue; then
 * the keys it does not translate, from the fallback language. */
static int finish_lang(int l, json_t *all[I18N_MAX_LANGS], const char *dir, char *err, size_t errlen)
{
	lang_t *g = &langs[l];
	const char *name = json_string_value(json_object_get(all[l], "lang_name"));
	const char *tag = json_string_value(json_object_get(all[l], "lang_tag"));
	const char *ldir = json_string_value(json_object_get(all[l], "lang_dir"));
	const char *code = slot_code(l);
	if (l >= I18N_NLANGS && json_object_size(all[l]) == 0) {
		err_set(err, errlen, "%s: no translations for '%s' (i18n.languages lists it: add NAME/%s.po files)",
			dir, code, code);
		return ERR_INVALID;
	}
	if (ldir && strcmp(ldir, "ltr") != 0 && strcmp(ldir, "rtl") != 0) {
		err_set(err, errlen, "%s: lang_dir of '%s' is '%s', not ltr or rtl", dir, code, ldir);
		return ERR_INVALID;
	}
	if (!name)
		name = code;
	if (!tag)
		tag = code;
	if (strlen(name) >= sizeof g->name || strlen(tag) >= sizeof g->tag) {
		err_set(err, errlen, "%s: lang_name or lang_tag of '%s' is too long", dir, code);
		return ERR_INVALID;
	}
	memcpy(g->name, name, strlen(name) + 1);
	memcpy(g->tag, tag, strlen(tag) + 1);
	g->rtl = ldir && strcmp(ldir, "rtl") == 0;
	if (l >= I18N_NLANGS) {
		size_t own = json_object_size(all[l]), total = json_object_size(all[0]);
		json_object_update_missing(all[l], all[fallback]);
		if (own < total)
			log_info("translations: %s has %zu of %zu messages; the others in %s", code, own, total,
				 i18n_langs[fallback]);
	}
	return 0;
}

int i18n_load(const char *dir, char *err, size_t errlen)
{
	json_t *all[I18N_MAX_LANGS] = {0};
	for (int l = 0; l < nlangs; l++)
		all[l] = json_object();
	char **folders = NULL;
	size_t n = 0;
	char *flat = xasprintf("%s/%s.po", dir, i18n_langs[0]);
	int rc;
	/* A folder with ca.po is one catalogue; otherwise each sub-folder with one is. */
	if (access(flat, F_OK) == 0) {
		rc = merge_folder(all, dir, err, errlen);
	} else {
		rc = list_folders(dir, &folders, &n, err, errlen);
		if (rc == 0 && n == 0) {
			err_set(err, errlen, "%s: no translations (expected NAME/%s.po folders)", dir, i18n_langs[0]);
			rc = ERR_INVALID;
		}
		for (size_t i = 0; rc == 0 && i < n; i++)
			rc = merge_folder(all, folders[i], err, errlen);
	}
	lang_t saved[I18N_MAX_LANGS];
	memcpy(saved, langs, sizeof saved);
	for (int l = 0; rc == 0 && l < nlangs; l++)
		rc = finish_lang(l, all, dir, err, errlen);
	if (rc == 0) {
		i18n_unload();
		for (int l = 0; l < nlangs; l++) {
			langs[l].cat = all[l];
			all[l] = NULL;
		}
	} else {
		/* a failed load changes nothing: the names read so far go back too */
		memcpy(langs, saved, sizeof saved);
	}
	for (int l = 0; l < nlangs; l++)
		json_decref(all[l]);
	for (size_t i = 0; i < n; i++)
		free(folders[i]);
	free(folders);
	free(flat);
	return rc;
}

void i18n_unload(void)
{
	for (int l = 0; l < I18N_MAX_LANGS; l++) {
		json_decref(langs[l].cat);
		langs[l].cat = NULL;
	}
}

/* ---- lookups ---- */

/* The offered language lang is (exactly), or -1. */
static int offered_slot(const char *lang)
{
	int l = lang_slot(lang);
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
	return i >= 0 && i < noffered ? slot_code(offered[i]) : NULL;
}

const char *i18n_default(void)
{
	return slot_code(offered[0]);
}

/* The loaded language lang is, else the default. */
static const lang_t *lang_of(const char *lang)
{
	int l = lang_slot(lang);
	return &langs[l < 0 ? offered[0] : l];
}

json_t *i18n_catalog(const char *lang)
{
	return lang_of(lang)->cat;
}

const char *i18n_get(const char *lang, const char *key)
{
	json_t *v = json_object_get(i18n_catalog(lang), key);
	return v ? json_string_value(v) : key;
}

const char *i18n_dir(const char *lang)
{
	return lang_of(lang)->rtl ? "rtl" : "ltr";
}

const char *i18n_name(const char *lang)
{
	const lang_t *g = lang_of(lang);
	return g->name[0] ? g->name : slot_code((int)(g - langs));
}

const char *i18n_tag(const char *lang)
{
	const lang_t *g = lang_of(lang);
	return g->tag[0] ? g->tag : slot_code((int)(g - langs));
}

int i18n_index(const char *lang)
{
	int l = lang_slot(lang);
	if (l < 0)
		return 0;
	return l < I18N_NLANGS ? l : fallback;
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
		if (strcasecmp(lang, slot_code(offered[i])) == 0)
			return slot_code(offered[i]);
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
