#include "view/view.h"

#include "base/err.h"
#include "base/mem.h"
#include "base/str.h"
#include "view/mustache.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
	char *name;
	mustache_tpl *tpl;
} entry_t;

struct view {
	entry_t *e;
	size_t n, cap;
};

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const entry_t *)a)->name, ((const entry_t *)b)->name);
}

static const mustache_tpl *lookup(void *ud, const char *name)
{
	const view_t *v = ud;
	entry_t key = {.name = (char *)name};
	const entry_t *e = bsearch(&key, v->e, v->n, sizeof *v->e, cmp_entry);
	return e ? e->tpl : NULL;
}

typedef struct {
	const char *suffix;
	size_t max_size;
	view_add_fn add;
	void *ud;
	char *err;
	size_t errlen;
} walk_t;

static int compile_file(walk_t *w, const char *path, const char *prefix, const char *file)
{
	buf_t src;
	buf_init(&src, w->max_size);
	int read_rc = buf_read_file(&src, path);
	char msg[256];
	mustache_tpl *t = read_rc ? NULL : mustache_compile(buf_str(&src), src.len, msg, sizeof msg);
	buf_free(&src);
	if (!t) {
		snprintf(w->err, w->errlen, "%s: %s", path, read_rc ? "cannot read" : msg);
		return ERR_INVALID;
	}
	size_t nl = strlen(file) - strlen(w->suffix);
	w->add(w->ud, xasprintf("%s%.*s", prefix, (int)nl, file), t);
	return 0;
}

static int walk(walk_t *w, const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(w->err, w->errlen, "%s: cannot open template folder", dir);
		return ERR_IO;
	}
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *path = xasprintf("%s/%s", dir, de->d_name);
		struct stat st;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			char *sub = xasprintf("%s%s/", prefix, de->d_name);
			rc = walk(w, path, sub);
			free(sub);
		} else if (str_ends(de->d_name, w->suffix)) {
			rc = compile_file(w, path, prefix, de->d_name);
		}
		free(path);
	}
	closedir(d);
	return rc;
}

int view_compile_dir(const char *dir, const char *suffix, size_t max_size, view_add_fn add, void *ud, char *err,
		     size_t errlen)
{
	walk_t w = {suffix, max_size, add, ud, err, errlen};
	return walk(&w, dir, "");
}

static void add_entry(void *ud, char *name, mustache_tpl *t)
{
	view_t *v = ud;
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 32;
		v->e = xrealloc(v->e, v->cap * sizeof *v->e);
	}
	v->e[v->n++] = (entry_t){name, t};
}

view_t *view_new(const char *dir, char *err, size_t errlen)
{
	view_t *v = xcalloc(1, sizeof *v);
	if (view_compile_dir(dir, ".html", 4 << 20, add_entry, v, err, errlen)) {
		view_free(v);
		return NULL;
	}
	qsort(v->e, v->n, sizeof *v->e, cmp_entry);
	return v;
}

void view_free(view_t *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		free(v->e[i].name);
		mustache_free(v->e[i].tpl);
	}
	free(v->e);
	free(v);
}

size_t view_count(const view_t *v)
{
	return v->n;
}

int view_render(const view_t *v, const char *name, json_t *const *ctx, size_t n, buf_t *out)
{
	const mustache_tpl *t = lookup((void *)v, name);
	if (!t)
		return ERR_NOT_FOUND;
	return mustache_render(t, ctx, n, lookup, (void *)v, out);
}
