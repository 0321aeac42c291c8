/* mustache_render.c — rendering a compiled template (mustache_tree.h) with a context stack of
 * jansson values: the indentation in force and whether a line start is pending are all the state
 * whitespace needs (docs/internals/mustache.md). */
#include "view/mustache.h"
#include "view/mustache_tree.h"

#include "base/arena.h"
#include "base/err.h"
#include "base/mem.h"
#include "view/i18n.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- rendering --------------------------------------------------------------------------- */

/* The context stack above the caller's array, one frame per section entered. */
struct ctxf {
	json_t *v;
	const struct ctxf *up;
};

/* How much indentation is kept flat, in one piece, so a line costs one append. */
#define IND_FLAT 120

/* Indentation in force: this link's string after all of up's. */
struct ind {
	const char *s;
	size_t n;
	const struct ind *up;
	size_t total;     /* the whole indentation's length */
	const char *flat; /* the whole indentation in one piece (buf), or NULL when too long */
	char buf[IND_FLAT];
};

/* The parents being expanded, innermost first; the outermost override of a block wins. */
struct ovf {
	const struct node *parent;
	const struct ovf *up;
};

struct rstate {
	json_t *const *base;
	size_t nbase;
	mustache_loader_fn loader;
	void *ud;
	buf_t *out;
	const struct ind *pend; /* a line started: this indentation goes before its first byte */
	int expand;
	int frames;
};

static int render_list(struct rstate *st, const struct node *nodes, size_t cnt, const struct ctxf *ctx,
		       const struct ind *chain, const struct ovf *ov);

static int put_ind(buf_t *b, const struct ind *i)
{
	if (!i)
		return 0;
	if (i->flat)
		return buf_append(b, i->flat, i->total);
	int rc = put_ind(b, i->up);
	return rc ? rc : buf_append(b, i->s, i->n);
}

/* Pushes s[0..n) onto chain as `in` and returns it; nothing when n == 0. */
static const struct ind *push_ind(struct ind *in, const char *s, size_t n, const struct ind *chain)
{
	if (!n)
		return chain;
	size_t up = chain ? chain->total : 0;
	in->s = s;
	in->n = n;
	in->up = chain;
	in->total = up + n;
	in->flat = NULL;
	if (in->total <= IND_FLAT && (!chain || chain->flat)) {
		if (up)
			memcpy(in->buf, chain->flat, up);
		memcpy(in->buf + up, s, n);
		in->flat = in->buf;
	}
	return in;
}

/* Writes p[0..n), indenting first when a line is pending. An empty line stays empty,
 * so indentation never leaves trailing blanks. */
static int emit(struct rstate *st, const char *p, size_t n, bool esc)
{
	if (!n)
		return 0;
	if (st->pend) {
		const struct ind *i = st->pend;
		st->pend = NULL;
		if (p[0] != '\n' && !(p[0] == '\r' && n > 1 && p[1] == '\n') && put_ind(st->out, i))
			return ERR_TOO_BIG;
	}
	return esc ? buf_put_html(st->out, p, n) : buf_append(st->out, p, n);
}

static int emit_text(struct rstate *st, const char *p, size_t n, const struct ind *chain)
{
	if (!chain)
		return emit(st, p, n, false);
	while (n) {
		const char *nl = memchr(p, '\n', n);
		size_t k = nl ? (size_t)(nl - p) + 1 : n;
		int rc = emit(st, p, k, false);
		if (rc)
			return rc;
		if (nl)
			st->pend = chain;
		p += k;
		n -= k;
	}
	return 0;
}

/* The shortest of %.15g..%.17g that reads back as the same double, so 1.21 stays "1.21". */
static size_t fmt_real(double d, char *b, size_t bn)
{
	int n = 0;
	for (int prec = 15; prec <= 17; prec++) {
		n = snprintf(b, bn, "%.*g", prec, d);
		if (strtod(b, NULL) == d)
			break;
	}
	if (n < 0)
		return 0;
	/* A locale with a decimal comma must not leak into the page. */
	for (int i = 0; i < n; i++)
		if (b[i] == ',')
			b[i] = '.';
	return (size_t)n;
}

static int emit_int(struct rstate *st, json_int_t v)
{
	char b[24], *p = b + sizeof(b);
	/* Through unsigned, so the most negative value has a magnitude too. */
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	return emit(st, p, (size_t)(b + sizeof(b) - p), false);
}

static int emit_value(struct rstate *st, json_t *v, bool esc)
{
	char num[64];
	switch (json_typeof(v)) {
	case JSON_STRING: return emit(st, json_string_value(v), json_string_length(v), esc);
	case JSON_INTEGER: return emit_int(st, json_integer_value(v));
	case JSON_REAL: return emit(st, num, fmt_real(json_real_value(v), num, sizeof(num)), false);
	case JSON_TRUE: return emit(st, "true", 4, false);
	case JSON_FALSE: return emit(st, "false", 5, false);
	default: return 0;
	}
}

static bool truthy(const json_t *v)
{
	if (!v || json_is_false(v) || json_is_null(v))
		return false;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	return true;
}

/* The value of a dotted name (nparts parts; the first looked up down the stack, the rest through
 * objects); upto < nparts stops early and gives the object holding the last parts. */
static json_t *lookup_parts(const struct rstate *st, const struct ctxf *c, const char *const *parts, size_t nparts,
			    size_t upto)
{
	if (!nparts)
		return c ? c->v : st->nbase ? st->base[st->nbase - 1] : NULL;
	const char *k = parts[0];
	json_t *v = NULL;
	for (; c && !v; c = c->up)
		if (json_is_object(c->v))
			v = json_object_get(c->v, k);
	for (size_t i = st->nbase; !v && i-- > 0;)
		if (json_is_object(st->base[i]))
			v = json_object_get(st->base[i], k);
	for (size_t i = 1; v && i < upto; i++)
		v = json_is_object(v) ? json_object_get(v, parts[i]) : NULL;
	return v;
}

static json_t *lookup(const struct rstate *st, const struct ctxf *c, const struct node *n)
{
	return lookup_parts(st, c, n->parts, n->nparts, n->nparts);
}

/* {{NAME(COUNT)}}: NAME a plural message (an array of forms in a translation catalogue, whose
 * "_plural" member holds the rule), COUNT an integer; the form for COUNT with its {n} filled in.
 * Anything else renders as nothing, as a missing name does. */
static int emit_plural(struct rstate *st, const struct ctxf *ctx, const struct node *n)
{
	json_t *forms = lookup(st, ctx, n), *count = lookup_parts(st, ctx, n->cparts, n->ncparts, n->ncparts);
	json_t *cat = n->nparts > 1 ? lookup_parts(st, ctx, n->parts, n->nparts, n->nparts - 1) : NULL;
	if (!json_is_array(forms) || !json_is_integer(count) || !json_is_object(cat))
		return 0;
	json_int_t c = json_integer_value(count);
	const char *f = i18n_plural_pick(cat, forms, (long)c);
	char num[24];
	int nl = snprintf(num, sizeof num, "%lld", (long long)c);
	for (const char *p = f; *p;) {
		const char *ph = strstr(p, "{n}");
		size_t k = ph ? (size_t)(ph - p) : strlen(p);
		int rc = emit(st, p, k, n->type == N_VAR);
		if (!rc && ph)
			rc = emit(st, num, (size_t)nl, false);
		if (rc)
			return rc;
		p += k + (ph ? 3 : 0);
	}
	return 0;
}

static int render_section(struct rstate *st, const struct node *n, const struct ctxf *ctx, const struct ind *chain,
			  const struct ovf *ov)
{
	json_t *v = lookup(st, ctx, n);
	if (n->type == N_INVERTED)
		return truthy(v) ? 0 : render_list(st, n->kids, n->nkids, ctx, chain, ov);
	if (json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach (v, i, e) {
			struct ctxf f = {e, ctx};
			int rc = render_list(st, n->kids, n->nkids, &f, chain, ov);
			if (rc)
				return rc;
		}
		return 0;
	}
	if (!truthy(v))
		return 0;
	struct ctxf f = {v, ctx};
	return render_list(st, n->kids, n->nkids, &f, chain, ov);
}

/* A partial or a parent: the named template, expanded in place. Standalone, every line of it
 * gets the tag's indentation; inline, none of its lines after the first do. */
static int render_partial(struct rstate *st, const struct node *n, const struct ctxf *ctx, const struct ind *chain,
			  const struct ovf *ov)
{
	const mustache_tpl *t = st->loader ? st->loader(st->ud, n->s) : NULL;
	if (!t)
		return 0;
	if (st->expand >= MAX_EXPAND)
		return ERR_INVALID;
	struct ind in;
	const struct ind *c2 = NULL;
	if (n->standalone) {
		c2 = push_ind(&in, n->ind, n->ind_len, chain);
		st->pend = c2;
	}
	struct ovf f = {n, ov};
	st->expand++;
	int rc = render_list(st, t->nodes, t->n, ctx, c2, n->type == N_PARENT ? &f : ov);
	st->expand--;
	/* A line start pending with our own indentation must not outlive `in`. The text after a
	 * standalone tag starts with a BOL or a newline anyway, or comes after an enclosing tag,
	 * mid-line, where no indentation belongs. */
	if (st->pend == &in)
		st->pend = NULL;
	return rc;
}

static int render_block(struct rstate *st, const struct node *n, const struct ctxf *ctx, const struct ind *chain,
			const struct ovf *ov)
{
	const struct node *body = n->kids;
	size_t nb = n->nkids;
	const struct ovf *scope = ov;
	bool over = false;
	for (const struct ovf *f = ov; f; f = f->up) {
		const struct node *p = f->parent;
		for (size_t i = 0; i < p->nkids; i++) {
			if (!strcmp(p->kids[i].s, n->s)) {
				body = p->kids[i].kids;
				nb = p->kids[i].nkids;
				scope = f;
				over = true;
				break;
			}
		}
	}
	/* An override may hold the very block it overrides. */
	if (over && st->expand >= MAX_EXPAND)
		return ERR_INVALID;
	struct ind in;
	const struct ind *c2 = chain;
	if (n->standalone) {
		c2 = push_ind(&in, n->ind, n->ind_len, chain);
		st->pend = c2;
	}
	st->expand += over;
	int rc = render_list(st, body, nb, ctx, c2, scope);
	st->expand -= over;
	if (st->pend == &in) /* as in render_partial */
		st->pend = NULL;
	return rc;
}

static int render_list(struct rstate *st, const struct node *nodes, size_t cnt, const struct ctxf *ctx,
		       const struct ind *chain, const struct ovf *ov)
{
	if (st->frames >= MAX_FRAMES)
		return ERR_INVALID;
	st->frames++;
	int rc = 0;
	for (size_t i = 0; i < cnt && !rc; i++) {
		const struct node *n = &nodes[i];
		json_t *v;
		switch (n->type) {
		case N_TEXT: rc = emit_text(st, n->s, n->len, chain); break;
		case N_BOL: st->pend = chain; break;
		case N_VAR:
		case N_RAW:
			if (n->ncparts) {
				rc = emit_plural(st, ctx, n);
				break;
			}
			v = lookup(st, ctx, n);
			if (v)
				rc = emit_value(st, v, n->type == N_VAR);
			break;
		case N_SECTION:
		case N_INVERTED: rc = render_section(st, n, ctx, chain, ov); break;
		case N_PARTIAL:
		case N_PARENT: rc = render_partial(st, n, ctx, chain, ov); break;
		case N_BLOCK: rc = render_block(st, n, ctx, chain, ov); break;
		}
	}
	st->frames--;
	return rc;
}

int mustache_render(const mustache_tpl *t, json_t *const *ctx, size_t n, mustache_loader_fn loader, void *ud,
		    buf_t *out)
{
	if (!t || !out)
		return ERR_INVALID;
	struct rstate st = {
		.base = ctx,
		.nbase = ctx ? n : 0,
		.loader = loader,
		.ud = ud,
		.out = out,
	};
	return render_list(&st, t->nodes, t->n, NULL, NULL, NULL);
}
