/* mustache_tree.h — the compiled form of a Mustache template, shared by the compiler
 * (mustache.c) and the renderer (mustache_render.c). Private to view/. */
#ifndef FIN_VIEW_MUSTACHE_TREE_H
#define FIN_VIEW_MUSTACHE_TREE_H

#include "base/arena.h"
#include "view/mustache.h"

#include <stdbool.h>
#include <stddef.h>

/* Sections, parents and blocks nested deeper than this are rejected at compile time. */
#define MAX_NEST 100
/* Partials, parents and block overrides expanded inside each other: the recursion guard. */
#define MAX_EXPAND 100
/* Node lists rendered inside each other, whatever the reason; bounds the C stack. */
#define MAX_FRAMES 2000
/* How much of a name an error message quotes. */
#define SHOWN 40

enum ntype { N_TEXT, N_BOL, N_VAR, N_RAW, N_SECTION, N_INVERTED, N_PARTIAL, N_PARENT, N_BLOCK };

struct node {
	enum ntype type;
	bool standalone; /* partial, parent, block: expanded as whole lines */
	const char *s;   /* text bytes; or the name, NUL-terminated */
	size_t len;
	const char *const *parts; /* dotted name of a variable or section; none for "." */
	size_t nparts;
	const char *const *cparts; /* a variable NAME(COUNT): COUNT's dotted name; none otherwise */
	size_t ncparts;
	const char *ind; /* indentation a standalone partial, parent or block adds */
	size_t ind_len;
	const struct node *kids; /* section body, block default, or a parent's blocks */
	size_t nkids;
};

struct mustache_tpl {
	arena_t *arena;
	const struct node *nodes;
	size_t n;
};

#endif
