/* i18n_load.c — loading the catalogues: every folder's LANG.po files read, checked against the
 * Catalan ones (every key, no extra ones, the same placeholders, plural entries kept plural) and
 * merged; then each language's name, tag and direction, and a further language's missing keys
 * from the fallback language. */
#include "view/i18n.h"
#include "view/i18n_internal.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "view/plural.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_PO_FILE (4 * 1024 * 1024)

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
		out = i18n_po_parse(path, buf_str(&b), b.len, err, errlen);
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
		if (i && lens[i] == lens[i - 1] && memcmp(names[i], names[i - 1], lens[i]) == 0)
			continue; /* once each, as a set */
		int w = snprintf(out + o, n - o, "%s{%.*s}", o ? " " : "", (int)lens[i], names[i]);
		if (w < 0 || (size_t)w >= n - o)
			break;
		o += (size_t)w;
	}
}

/* The placeholders of a message: a string's, or for plural forms those of all forms together. */
static void msg_placeholders(const json_t *v, char *out, size_t n)
{
	if (json_is_string(v)) {
		placeholders(json_string_value(v), out, n);
		return;
	}
	buf_t all;
	buf_init(&all, I18N_MAX_PO_STRING * PLURAL_MAX_FORMS + PLURAL_MAX_FORMS);
	size_t i;
	json_t *f;
	json_array_foreach (v, i, f) {
		(void)buf_puts(&all, json_string_value(f)); /* the forms fit: each is capped by the parser */
		(void)buf_putc(&all, ' ');
	}
	placeholders(buf_str(&all), out, n);
	buf_free(&all);
}

/* Whether a message is empty: an empty string, or a plural entry with an empty form. */
static bool msg_empty(const json_t *v)
{
	if (json_is_string(v))
		return json_string_length(v) == 0;
	size_t i;
	json_t *f;
	json_array_foreach (v, i, f)
		if (!json_string_length(f))
			return true;
	return json_array_size(v) == 0;
}

/* Every language must translate every key of the default one, with the same placeholders, and
 * nothing else: a missing string is caught at start, not by a citizen. A plural entry stays a
 * plural entry in every language (each with its own number of forms). Members starting with '_'
 * ("_plural") are the catalogue's own, not messages. */
static int check_catalogs(json_t *const cat[I18N_NLANGS], char *const paths[I18N_NLANGS], char *err, size_t errlen)
{
	const char *key;
	json_t *val;
	json_object_foreach (cat[0], key, val) {
		if (key[0] == '_')
			continue;
		if (msg_empty(val)) {
			err_set(err, errlen, "%s: empty translation for '%s'", paths[0], key);
			return ERR_INVALID;
		}
		char want[256], got[256];
		msg_placeholders(val, want, sizeof want);
		for (int l = 1; l < I18N_NLANGS; l++) {
			json_t *other = json_object_get(cat[l], key);
			if (!other) {
				err_set(err, errlen, "%s: missing translation for '%s' (it is in %s)", paths[l], key,
					paths[0]);
				return ERR_INVALID;
			}
			if (json_is_array(other) != json_is_array(val)) {
				err_set(err, errlen, "%s: '%s' %s plural forms but %s %s", paths[l], key,
					json_is_array(other) ? "has" : "lacks", paths[0],
					json_is_array(val) ? "has them" : "does not");
				return ERR_INVALID;
			}
			if (msg_empty(other)) {
				err_set(err, errlen, "%s: empty translation for '%s'", paths[l], key);
				return ERR_INVALID;
			}
			msg_placeholders(other, got, sizeof got);
			if (strcmp(want, got) != 0) {
				err_set(err, errlen, "%s: '%s' has placeholders '%s' but %s has '%s'", paths[l], key,
					got, paths[0], want);
				return ERR_INVALID;
			}
		}
	}
	for (int l = 1; l < I18N_NLANGS; l++)
		json_object_foreach (cat[l], key, val) {
			if (key[0] != '_' && !json_object_get(cat[0], key)) {
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
		if (key[0] == '_')
			continue; /* the catalogue's own ("_plural"), not a message */
		const json_t *src = json_object_get(ca, key);
		if (!src) {
			err_set(err, errlen, "%s: '%s' is not in %s", path, key, ca_path);
			return ERR_INVALID;
		}
		if (json_is_array(val) != json_is_array(src)) {
			err_set(err, errlen, "%s: '%s' %s plural forms but %s %s", path, key,
				json_is_array(val) ? "has" : "lacks", ca_path,
				json_is_array(src) ? "has them" : "does not");
			return ERR_INVALID;
		}
		if (msg_empty(val)) {
			err_set(err, errlen, "%s: empty translation for '%s'", path, key);
			return ERR_INVALID;
		}
		char want[256], got[256];
		msg_placeholders(src, want, sizeof want);
		msg_placeholders(val, got, sizeof got);
		if (strcmp(want, got) != 0) {
			err_set(err, errlen, "%s: '%s' has placeholders '%s' but %s has '%s'", path, key, got, ca_path,
				want);
			return ERR_INVALID;
		}
	}
	return 0;
}

/* One folder's catalogues of every language into cat[] (new objects; NULL for a further
 * language the folder has no file for), checked. */
static int load_folder(const char *dir, json_t *cat[I18N_MAX_LANGS], char *err, size_t errlen)
{
	char *paths[I18N_MAX_LANGS] = {0};
	int rc = ERR_INVALID;
	for (int l = 0; l < i18n_nslots; l++) {
		paths[l] = xasprintf("%s/%s.po", dir, i18n_slot_code(l));
		if (l >= I18N_NLANGS && access(paths[l], F_OK) != 0)
			continue; /* a further language may not cover this folder at all */
		cat[l] = load_po(paths[l], err, errlen);
		if (!cat[l])
			goto cleanup;
	}
	rc = check_catalogs(cat, paths, err, errlen);
	for (int l = I18N_NLANGS; rc == 0 && l < i18n_nslots; l++)
		if (cat[l])
			rc = check_partial(cat[0], paths[0], cat[l], paths[l], err, errlen);
cleanup:
	for (int l = 0; l < i18n_nslots; l++) {
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
		if (key[0] != '_' && json_object_get(all[0], key)) {
			err_set(err, errlen, "%s/%s.po: '%s' is defined in another folder too", dir, i18n_langs[0],
				key);
			rc = ERR_INVALID;
			break;
		}
	}
	/* One plural rule per language, whichever folder states it. */
	for (int l = 0; !rc && l < i18n_nslots; l++) {
		const char *a = json_string_value(json_object_get(all[l], "_plural")),
			   *b = json_string_value(json_object_get(cat[l], "_plural"));
		if (a && b && strcmp(a, b) != 0) {
			err_set(err, errlen, "%s/%s.po: Plural-Forms differs from another folder's", dir,
				i18n_slot_code(l));
			rc = ERR_INVALID;
		}
	}
	for (int l = 0; l < i18n_nslots; l++) {
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

/* The messages a further language does not translate, from the fallback's catalogue fb; the
 * plural entries among them (the same arrays) into fbforms, as they keep fb's rule. */
static void fill_fallback(json_t *cat, json_t *fb, json_t *fbforms)
{
	const char *key;
	json_t *val;
	json_object_foreach (fb, key, val) {
		if (key[0] == '_' || json_object_get(cat, key))
			continue;
		json_object_set(cat, key, val);
		if (json_is_array(val))
			json_array_append(fbforms, val);
	}
}

/* A language's own name, tag and direction, from the lang_* keys of its own catalogue; then
 * the keys it does not translate, from the fallback language. */
static int finish_lang(int l, json_t *all[I18N_MAX_LANGS], json_t *fbforms[I18N_MAX_LANGS], const char *dir, char *err,
		       size_t errlen)
{
	i18n_slot_t *g = &i18n_slots[l];
	const char *name = json_string_value(json_object_get(all[l], "lang_name"));
	const char *tag = json_string_value(json_object_get(all[l], "lang_tag"));
	const char *ldir = json_string_value(json_object_get(all[l], "lang_dir"));
	const char *code = i18n_slot_code(l);
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
		fill_fallback(all[l], all[i18n_fallback], fbforms[l]);
		if (own < total)
			log_info("translations: %s has %zu of %zu messages; the others in %s", code, own, total,
				 i18n_langs[i18n_fallback]);
	}
	return 0;
}

int i18n_load(const char *dir, char *err, size_t errlen)
{
	json_t *all[I18N_MAX_LANGS] = {0}, *fbforms[I18N_MAX_LANGS] = {0};
	for (int l = 0; l < i18n_nslots; l++) {
		all[l] = json_object();
		fbforms[l] = json_array();
	}
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
	i18n_slot_t saved[I18N_MAX_LANGS];
	memcpy(saved, i18n_slots, sizeof saved);
	for (int l = 0; rc == 0 && l < i18n_nslots; l++)
		rc = finish_lang(l, all, fbforms, dir, err, errlen);
	if (rc == 0) {
		i18n_unload();
		for (int l = 0; l < i18n_nslots; l++) {
			i18n_slots[l].cat = all[l];
			i18n_slots[l].fbforms = fbforms[l];
			all[l] = fbforms[l] = NULL;
		}
	} else {
		/* a failed load changes nothing: the names read so far go back too */
		memcpy(i18n_slots, saved, sizeof saved);
	}
	for (int l = 0; l < i18n_nslots; l++) {
		json_decref(all[l]);
		json_decref(fbforms[l]);
	}
	for (size_t i = 0; i < n; i++)
		free(folders[i]);
	free(folders);
	free(flat);
	return rc;
}

void i18n_unload(void)
{
	for (int l = 0; l < I18N_MAX_LANGS; l++) {
		json_decref(i18n_slots[l].cat);
		json_decref(i18n_slots[l].fbforms);
		i18n_slots[l].cat = i18n_slots[l].fbforms = NULL;
	}
}
