#include "http/statics.h"

#include "base/buf.h"
#include "base/mem.h"
#include "base/str.h"

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
	char *name; /* lookup key: plain or fingerprinted */
	int file;   /* index into files */
	bool fingerprinted;
} key_t_;

typedef struct {
	char *data[ENC_COUNT]; /* [ENC_IDENTITY] the file; the others NULL when not kept */
	size_t size[ENC_COUNT];
	char etag[ENC_COUNT][40];
	bool compressible;
	const char *ctype;
	time_t mtime;
} file_t;

struct statics {
	file_t *files;
	size_t nfiles, capfiles;
	key_t_ *keys;
	size_t nkeys, capkeys;
	json_t *assets;
};

static const char *ctype_of(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".css", "text/css; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"},
		{".json", "application/json"},
		{".webmanifest", "application/manifest+json"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".jpg", "image/jpeg"},
		{".jpeg", "image/jpeg"},
		{".ico", "image/x-icon"},
		{".woff2", "font/woff2"},
		{".txt", "text/plain; charset=utf-8"},
		{".ogg", "audio/ogg"},
		{".mp3", "audio/mpeg"},
		{".wav", "audio/wav"},
		{".html", "text/html; charset=utf-8"},
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (str_ends(name, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

static void add_key(statics_t *s, char *name, int file, bool fp)
{
	if (s->nkeys == s->capkeys) {
		s->capkeys = s->capkeys ? s->capkeys * 2 : 64;
		s->keys = xrealloc(s->keys, s->capkeys * sizeof *s->keys);
	}
	s->keys[s->nkeys++] = (key_t_){name, file, fp};
}

static int load_file(statics_t *s, const char *path, const char *rel, const struct stat *st)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char *data = xmalloc((size_t)st->st_size + 1);
	size_t got = fread(data, 1, (size_t)st->st_size, f);
	fclose(f);
	if (got != (size_t)st->st_size) {
		free(data);
		return -1;
	}
	if (s->nfiles == s->capfiles) {
		s->capfiles = s->capfiles ? s->capfiles * 2 : 32;
		s->files = xrealloc(s->files, s->capfiles * sizeof *s->files);
	}
	int idx = (int)s->nfiles++;
	file_t *fl = &s->files[idx];
	*fl = (file_t){.ctype = ctype_of(rel), .mtime = st->st_mtime};
	fl->data[ENC_IDENTITY] = data;
	fl->size[ENC_IDENTITY] = got;
	unsigned char h[crypto_generichash_BYTES_MIN];
	crypto_generichash(h, sizeof h, (const unsigned char *)data, got, NULL, 0);
	char hex[2 * sizeof h + 1];
	str_hex(h, 5, hex); /* 10 hex digits: plenty to tell versions apart */
	fl->compressible = encode_type_compressible(fl->ctype);
	for (enc_t e = ENC_IDENTITY; e < ENC_COUNT; e++) {
		snprintf(fl->etag[e], sizeof fl->etag[e], "\"%s%s\"", hex, encode_etag_suffix(e));
		if (e != ENC_IDENTITY && fl->compressible &&
		    encode_compress(e, true, data, got, &fl->data[e], &fl->size[e]) != 0)
			fl->data[e] = NULL;
	}

	/* fingerprinted name: insert the hash before the last extension */
	const char *slash = strrchr(rel, '/');
	const char *dot = strrchr(slash ? slash : rel, '.');
	char *fp = dot ? xasprintf("%.*s.%s%s", (int)(dot - rel), rel, hex, dot) : xasprintf("%s.%s", rel, hex);
	add_key(s, xstrdup(rel), idx, false);
	add_key(s, fp, idx, true);

	char *akey = xstrdup(rel);
	for (char *p = akey; *p; p++)
		if (*p == '.' || *p == '/' || *p == '-')
			*p = '_';
	char *url = xasprintf("/static/%s", fp);
	json_object_set_new(s->assets, akey, json_string(url));
	free(akey);
	free(url);
	return 0;
}

static int scan(statics_t *s, const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *de;
	int rc = 0;
	while (rc == 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *path = xasprintf("%s/%s", dir, de->d_name);
		char *rel = xasprintf("%s%s", prefix, de->d_name);
		struct stat st;
		if (stat(path, &st) == 0) {
			if (S_ISDIR(st.st_mode)) {
				char *sub = xasprintf("%s/", rel);
				rc = scan(s, path, sub);
				free(sub);
			} else if (S_ISREG(st.st_mode)) {
				rc = load_file(s, path, rel, &st);
			}
		}
		free(path);
		free(rel);
	}
	closedir(d);
	return rc;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(((const key_t_ *)a)->name, ((const key_t_ *)b)->name);
}

statics_t *statics_load(const char *dir, char *err, size_t errlen)
{
	statics_t *s = xcalloc(1, sizeof *s);
	s->assets = json_object();
	if (scan(s, dir, "")) {
		snprintf(err, errlen, "%s: cannot read static files", dir);
		statics_free(s);
		return NULL;
	}
	qsort(s->keys, s->nkeys, sizeof *s->keys, cmp_key);
	return s;
}

void statics_free(statics_t *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nfiles; i++)
		for (int e = 0; e < ENC_COUNT; e++)
			free(s->files[i].data[e]);
	for (size_t i = 0; i < s->nkeys; i++)
		free(s->keys[i].name);
	free(s->files);
	free(s->keys);
	json_decref(s->assets);
	free(s);
}

bool statics_find(const statics_t *s, const char *name, static_file_t *out)
{
	key_t_ k = {.name = (char *)name};
	const key_t_ *hit = bsearch(&k, s->keys, s->nkeys, sizeof *s->keys, cmp_key);
	if (!hit)
		return false;
	const file_t *f = &s->files[hit->file];
	*out = (static_file_t){.compressible = f->compressible,
			       .ctype = f->ctype,
			       .mtime = f->mtime,
			       .fingerprinted = hit->fingerprinted};
	for (enc_t e = ENC_IDENTITY; e < ENC_COUNT; e++) {
		if (!f->data[e])
			continue;
		out->form[e] = (static_form_t){f->data[e], f->size[e], f->etag[e]};
		if (e != ENC_IDENTITY)
			out->codings |= ENC_BIT(e);
	}
	return true;
}

json_t *statics_assets(const statics_t *s)
{
	return s->assets;
}
