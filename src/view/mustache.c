/* mustache.c — the Mustache engine's compiler (the renderer is mustache_render.c); the design
 * is explained in docs/internals/mustache.md.
 *
 * Compiling settles every whitespace rule: standalone lines are cut out of the text, and each
 * place where a source line starts right after such a cut gets a BOL node. Rendering then only
 * needs the indentation in force (a chain of strings on the C stack) and whether a line start
 * is pending, so one compiled tree serves every indentation it is expanded with. */
#include "view/mustache.h"
#include "view/mustache_tree.h"

#include "base/arena.h"
#include "base/err.h"
#include "base/mem.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- compiling --------------------------------------------------------------------------- */

struct vec {
	struct node *v;
	size_t n, cap;
};

struct parser {
	arena_t *arena;
	const char *src;
	size_t len, pos;
	const char *ot, *ct; /* current delimiters */
	size_t otl, ctl;
	int line_base;   /* line number of src[0] */
	bool eof_is_eol; /* the end of src ends a line (not so for a block body cut mid-line) */
	bool skim;       /* only find where things end; build nothing */
	int depth;
	char *err;
	size_t errlen;
};

struct tag {
	size_t ts, te; /* from the opening delimiter to just past the closing one */
	char sigil;    /* one of # ^ / > < $ ! = { &, or 0 for a plain variable */
	size_t ns, nl; /* the content, trimmed */
};

/* An open section, parent or block while its body is parsed. */
struct open {
	struct open *up;
	enum ntype type;
	const char *name;
	size_t nlen, ts;
	size_t fb_at;    /* parent: a block opening here pairs with the parent's opening tag */
	size_t force_at; /* a closing tag here ends an inheritance pair and takes its line */
	bool keep_nl;    /* ...but leaves the newline (a block's {{$b}}{{/b}} pair) */
};

struct closed {
	size_t ce;    /* where the body ends */
	bool took_nl; /* the closing tag's line was cut, newline included */
};

/* Where a tag sits on its line. */
struct line {
	bool lok, rok; /* only blanks before it since the line start / after it up to the line end */
	size_t ls;     /* start of the blanks before the tag */
	size_t nl;     /* end of the blanks after it: the newline, or the end of the source */
	size_t le;     /* just past that newline */
};

static int parse_list(struct parser *P, struct vec *out, struct open *op, struct closed *cl);

static int line_at(const struct parser *P, size_t at)
{
	int line = P->line_base;
	for (size_t i = 0; i < at && i < P->len; i++)
		line += P->src[i] == '\n';
	return line;
}

static int fail(struct parser *P, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct parser *P, size_t at, const char *fmt, ...)
{
	if (P->err && P->errlen) {
		char msg[256];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		snprintf(P->err, P->errlen, "line %d: %s", line_at(P, at), msg);
	}
	return ERR_INVALID;
}

static struct node *vec_push(struct vec *v)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 8;
		v->v = xrealloc(v->v, v->cap * sizeof(*v->v));
	}
	struct node *n = &v->v[v->n++];
	memset(n, 0, sizeof(*n));
	return n;
}

static void vec_free(struct vec *v)
{
	free(v->v);
	v->v = NULL;
	v->n = v->cap = 0;
}

/* Moves the list into the arena, keeping only the blocks when only_blocks (a parent's body). */
static void vec_take(struct parser *P, struct vec *v, bool only_blocks, const struct node **out, size_t *n)
{
	size_t k = 0;
	for (size_t i = 0; i < v->n; i++)
		k += !only_blocks || v->v[i].type == N_BLOCK;
	*out = NULL;
	*n = k;
	if (k) {
		struct node *a = arena_alloc(P->arena, k * sizeof(*a));
		size_t j = 0;
		for (size_t i = 0; i < v->n; i++)
			if (!only_blocks || v->v[i].type == N_BLOCK)
				a[j++] = v->v[i];
		*out = a;
	}
	vec_free(v);
}

static void add_text(struct parser *P, struct vec *out, size_t from, size_t to)
{
	if (P->skim || to <= from)
		return;
	if (out->n) {
		struct node *last = &out->v[out->n - 1];
		if (last->type == N_TEXT && last->s + last->len == P->src + from) {
			last->len += to - from;
			return;
		}
	}
	struct node *n = vec_push(out);
	n->type = N_TEXT;
	n->s = P->src + from;
	n->len = to - from;
}

/* A source line starts here, after a cut standalone line. Text that ends with a newline already
 * marks the line start, so a BOL after it would change nothing. */
static void add_bol(struct parser *P, struct vec *out)
{
	if (P->skim)
		return;
	if (out->n) {
		const struct node *last = &out->v[out->n - 1];
		if (last->type == N_BOL || (last->type == N_TEXT && last->s[last->len - 1] == '\n'))
			return;
	}
	vec_push(out)->type = N_BOL;
}

static bool tag_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static const char *find(const struct parser *P, size_t from, const char *pat, size_t pl)
{
	if (from >= P->len)
		return NULL;
	return memmem(P->src + from, P->len - from, pat, pl);
}

/* Reads the tag whose opening delimiter is at ts; false when it is never closed. */
static bool scan_tag(const struct parser *P, size_t ts, struct tag *t)
{
	const char *s = P->src;
	size_t p = ts + P->otl, cs, ce;
	t->ts = ts;
	t->sigil = 0;
	if (p < P->len && s[p] && strchr("#^/><$!={&", s[p]))
		t->sigil = s[p++];
	cs = p;
	/* A triple mustache ends with "}" and a set-delimiters tag with "=" before the delimiter. */
	char pre = t->sigil == '{' ? '}' : t->sigil == '=' ? '=' : 0;
	for (;;) {
		const char *hit = find(P, p, P->ct, P->ctl);
		if (!hit)
			return false;
		size_t q = (size_t)(hit - s);
		if (!pre || (q > cs && s[q - 1] == pre)) {
			ce = pre ? q - 1 : q;
			t->te = q + P->ctl;
			break;
		}
		p = q + 1;
	}
	while (cs < ce && tag_ws(s[cs]))
		cs++;
	while (ce > cs && tag_ws(s[ce - 1]))
		ce--;
	t->ns = cs;
	t->nl = ce - cs;
	return true;
}

/* A tag right at `at`, if there is one. */
static bool peek_tag(const struct parser *P, size_t at, struct tag *t)
{
	if (at >= P->len || P->len - at < P->otl || memcmp(P->src + at, P->ot, P->otl))
		return false;
	return scan_tag(P, at, t);
}

static bool same_name(const struct parser *P, const struct tag *t, const char *name, size_t n)
{
	return t->nl == n && !memcmp(P->src + t->ns, name, n);
}

static void locate(const struct parser *P, const struct tag *t, struct line *L)
{
	const char *s = P->src;
	size_t i = t->ts, j = t->te;
	/* Only blanks since P->pos: anything before it on the line was a tag. */
	while (i > P->pos && blank(s[i - 1]))
		i--;
	L->ls = i;
	L->lok = i == 0 || s[i - 1] == '\n';
	while (j < P->len && blank(s[j]))
		j++;
	L->nl = j;
	if (j == P->len) {
		L->le = j;
		L->rok = P->eof_is_eol;
	} else if (s[j] == '\n') {
		L->le = j + 1;
		L->rok = true;
	} else if (s[j] == '\r' && j + 1 < P->len && s[j + 1] == '\n') {
		L->le = j + 2;
		L->rok = true;
	} else {
		L->le = j;
		L->rok = false;
	}
}

/* Only blanks follow the tag up to the end of its line. */
static bool rest_blank(const struct parser *P, const struct tag *t)
{
	struct line L;
	struct parser Q = *P;
	Q.pos = t->ts;
	locate(&Q, t, &L);
	return L.rok;
}

static bool name_ok(const struct parser *P, const struct tag *t)
{
	if (!t->nl)
		return false;
	for (size_t i = 0; i < t->nl; i++)
		if ((unsigned char)P->src[t->ns + i] <= ' ')
			return false;
	return true;
}

/* "." alone, or parts separated by single dots. */
static bool dotted_ok(const struct parser *P, const struct tag *t)
{
	const char *s = P->src + t->ns;
	size_t n = t->nl;
	if (n == 1 && s[0] == '.')
		return true;
	if (s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 1; i < n; i++)
		if (s[i] == '.' && s[i - 1] == '.')
			return false;
	return true;
}

static int bad_name(struct parser *P, const struct tag *t)
{
	if (!t->nl)
		return fail(P, t->ts, "empty tag");
	return fail(P, t->ts, "invalid name '%.*s'", (int)(t->nl < SHOWN ? t->nl : SHOWN), P->src + t->ns);
}

/* s[0..len) split at its dots into new parts (arena). */
static void split_dotted(struct parser *P, const char *s, size_t len, const char *const **out, size_t *nout)
{
	size_t k = 1;
	for (size_t i = 0; i < len; i++)
		k += s[i] == '.';
	char *copy = arena_strndup(P->arena, s, len);
	const char **parts = arena_alloc(P->arena, k * sizeof(*parts));
	size_t j = 0;
	parts[j++] = copy;
	for (size_t i = 0; i < len; i++) {
		if (copy[i] == '.') {
			copy[i] = '\0';
			parts[j++] = copy + i + 1;
		}
	}
	*out = parts;
	*nout = k;
}

static void set_name(struct parser *P, struct node *n, const struct tag *t, bool dotted)
{
	n->s = arena_strndup(P->arena, P->src + t->ns, t->nl);
	n->len = t->nl;
	if (!dotted || (t->nl == 1 && n->s[0] == '.'))
		return;
	split_dotted(P, n->s, n->len, &n->parts, &n->nparts);
}

/* A variable NAME(COUNT) (an extension: a plural message and the count that picks its form,
 * {{t.cita_minutes(minutes)}}): NAME and COUNT each dotted. Left as a plain name otherwise. */
static void set_count(struct parser *P, struct node *n)
{
	const char *open = memchr(n->s, '(', n->len);
	if (!open || open == n->s || n->len < 4 || n->s[n->len - 1] != ')' || open + 2 >= n->s + n->len)
		return;
	size_t pre = (size_t)(open - n->s), cl = n->len - pre - 2;
	if (memchr(open + 1, '(', cl) || memchr(open + 1, ')', cl) || open[-1] == '.' || open[1] == '.' ||
	    n->s[n->len - 2] == '.')
		return;
	split_dotted(P, n->s, pre, &n->parts, &n->nparts);
	split_dotted(P, open + 1, cl, &n->cparts, &n->ncparts);
}

static int set_delims(struct parser *P, const struct tag *t)
{
	const char *s = P->src + t->ns;
	size_t n = t->nl, i = 0, a, b;
	while (i < n && !tag_ws(s[i]))
		i++;
	a = i;
	while (i < n && tag_ws(s[i]))
		i++;
	b = i;
	while (i < n && !tag_ws(s[i]))
		i++;
	if (a == 0 || b == a || b == n || i != n)
		return fail(P, t->ts, "invalid set-delimiters tag");
	P->ot = s;
	P->otl = a;
	P->ct = s + b;
	P->ctl = n - b;
	return 0;
}

static void open_init(struct open *o, struct open *up, enum ntype type, const struct parser *P, const struct tag *t)
{
	o->up = up;
	o->type = type;
	o->name = P->src + t->ns;
	o->nlen = t->nl;
	o->ts = t->ts;
	o->fb_at = SIZE_MAX;
	o->force_at = SIZE_MAX;
	o->keep_nl = false;
}

static int close_tag(struct parser *P, struct vec *out, struct open *op, struct closed *cl, const struct tag *t,
		     const struct line *L)
{
	if (!name_ok(P, t))
		return bad_name(P, t);
	int shown = (int)(t->nl < SHOWN ? t->nl : SHOWN);
	if (!op)
		return fail(P, t->ts, "closing tag '%.*s' has no opening tag", shown, P->src + t->ns);
	if (!same_name(P, t, op->name, op->nlen))
		return fail(P, t->ts, "closing tag '%.*s' does not match '%.*s' opened on line %d", shown,
			    P->src + t->ns, (int)(op->nlen < SHOWN ? op->nlen : SHOWN), op->name, line_at(P, op->ts));

	struct tag nx;
	if (t->ts == op->force_at && L->rok) {
		add_text(P, out, P->pos, t->ts);
		cl->ce = t->ts;
		cl->took_nl = !op->keep_nl && L->le > L->nl;
		P->pos = op->keep_nl ? L->nl : L->le;
	} else if (op->type == N_BLOCK && op->up && op->up->type == N_PARENT && L->lok && peek_tag(P, t->te, &nx) &&
		   nx.sigil == '/' && same_name(P, &nx, op->up->name, op->up->nlen) && rest_blank(P, &nx)) {
		/* "{{/block}}{{/parent}}" on a line of its own: the parent's closing tag takes the
		 * line, the block's body ends before the blanks. */
		add_text(P, out, P->pos, L->ls);
		cl->ce = L->ls;
		cl->took_nl = false;
		P->pos = t->te;
		op->up->force_at = t->te;
	} else if (L->lok && L->rok) {
		add_text(P, out, P->pos, L->ls);
		cl->ce = L->ls;
		cl->took_nl = L->le > L->nl;
		P->pos = L->le;
	} else {
		add_text(P, out, P->pos, t->ts);
		cl->ce = t->ts;
		cl->took_nl = false;
		P->pos = t->te;
	}
	return 0;
}

/* The checks every opening tag passes: a good (dotted when allowed) name, nesting not too deep. */
static int open_ok(struct parser *P, const struct tag *t, bool dotted)
{
	if (!name_ok(P, t) || (dotted && !dotted_ok(P, t)))
		return bad_name(P, t);
	if (P->depth >= MAX_NEST)
		return fail(P, t->ts, "sections nested too deeply");
	return 0;
}

/* Parses the body of an opened tag, one level deeper, into kids. False when the caller stops
 * there with *rc (an error, or 0 while skimming); kids are then freed. */
static bool parse_nested(struct parser *P, struct vec *kids, struct open *o, struct closed *c, int *rc)
{
	P->depth++;
	*rc = parse_list(P, kids, o, c);
	P->depth--;
	if (*rc || P->skim) {
		vec_free(kids);
		return false;
	}
	return true;
}

static int parse_section(struct parser *P, struct vec *out, struct open *op, const struct tag *t, const struct line *L,
			 bool sa)
{
	int rc = open_ok(P, t, true);
	if (rc)
		return rc;
	add_text(P, out, P->pos, sa ? L->ls : t->ts);
	P->pos = sa ? L->le : t->te;

	struct open o;
	struct vec kids = {0};
	struct closed c = {0};
	open_init(&o, op, t->sigil == '#' ? N_SECTION : N_INVERTED, P, t);
	if (sa && L->le > L->nl)
		add_bol(P, &kids);
	if (!parse_nested(P, &kids, &o, &c, &rc))
		return rc;
	struct node *n = vec_push(out);
	n->type = o.type;
	set_name(P, n, t, true);
	vec_take(P, &kids, false, &n->kids, &n->nkids);
	if (c.took_nl)
		add_bol(P, out);
	return 0;
}

static int parse_partial(struct parser *P, struct vec *out, const struct tag *t, const struct line *L, bool sa)
{
	if (!name_ok(P, t))
		return bad_name(P, t);
	add_text(P, out, P->pos, sa ? L->ls : t->ts);
	P->pos = sa ? L->le : t->te;
	if (P->skim)
		return 0;
	struct node *n = vec_push(out);
	n->type = N_PARTIAL;
	set_name(P, n, t, false);
	n->standalone = sa;
	if (sa) {
		n->ind = P->src + L->ls;
		n->ind_len = t->ts - L->ls;
	}
	if (sa && L->le > L->nl)
		add_bol(P, out);
	return 0;
}

static int parse_parent(struct parser *P, struct vec *out, struct open *op, const struct tag *t, const struct line *L,
			bool std)
{
	int rc = open_ok(P, t, false);
	if (rc)
		return rc;
	/* Besides a line of its own, a parent is standalone as "{{<p}}{{/p}}" or "{{<p}}{{$b}}"
	 * with only blanks around the pair. */
	struct tag nx;
	bool have = peek_tag(P, t->te, &nx);
	bool pair = have && L->lok && nx.sigil == '/' && same_name(P, &nx, P->src + t->ns, t->nl) && rest_blank(P, &nx);
	bool fb = have && L->lok && nx.sigil == '$' && rest_blank(P, &nx);
	bool sa = std || pair || fb;
	add_text(P, out, P->pos, sa ? L->ls : t->ts);
	P->pos = std ? L->le : t->te;

	struct open o;
	struct vec kids = {0};
	struct closed c = {0};
	open_init(&o, op, N_PARENT, P, t);
	if (fb)
		o.fb_at = t->te;
	if (pair)
		o.force_at = t->te;
	if (!parse_nested(P, &kids, &o, &c, &rc))
		return rc;
	/* Only the blocks of a parent's body count: they are its arguments. */
	struct node *n = vec_push(out);
	n->type = N_PARENT;
	set_name(P, n, t, false);
	n->standalone = sa;
	if (sa) {
		n->ind = P->src + L->ls;
		n->ind_len = t->ts - L->ls;
	}
	vec_take(P, &kids, true, &n->kids, &n->nkids);
	if (c.took_nl)
		add_bol(P, out);
	return 0;
}

/* The longest run of blanks every non-blank line of src[from, to) starts with. */
static size_t common_indent(const char *s, size_t from, size_t to, const char **prefix)
{
	size_t d = 0;
	bool seen = false;
	*prefix = NULL;
	for (size_t a = from; a < to;) {
		const char *nl = memchr(s + a, '\n', to - a);
		size_t b = nl ? (size_t)(nl - s) : to, w = a;
		while (w < b && blank(s[w]))
			w++;
		if (!(w == b || (w + 1 == b && s[w] == '\r'))) {
			if (!seen) {
				*prefix = s + a;
				d = w - a;
				seen = true;
			} else {
				size_t k = 0;
				while (k < d && a + k < w && s[a + k] == (*prefix)[k])
					k++;
				d = k;
			}
		}
		a = b + 1;
	}
	return d;
}

/* The body of a standalone block loses its common indentation (the expansion site adds its
 * own back). Its extent is found by a skimming pass first; a body that needs dedenting is then
 * parsed from a dedented copy, so its standalone tags and nested blocks see the text exactly as
 * if it had been written that way. */
static int parse_block_body(struct parser *P, struct open *o, struct vec *kids, struct closed *c, const char **prefix,
			    size_t *plen)
{
	size_t cs = P->pos;
	struct parser S = *P;
	struct vec tmp = {0};
	S.skim = true;
	int rc = parse_list(&S, &tmp, o, c);
	vec_free(&tmp);
	if (rc)
		return rc;
	size_t d = common_indent(P->src, cs, c->ce, prefix);
	*plen = d;
	if (!d)
		return parse_list(P, kids, o, c);

	char *buf = arena_alloc(P->arena, c->ce - cs + 1);
	size_t bl = 0;
	for (size_t a = cs; a < c->ce;) {
		const char *nl = memchr(P->src + a, '\n', c->ce - a);
		size_t b = nl ? (size_t)(nl - P->src) + 1 : c->ce, w = a;
		while (w < b && w - a < d && blank(P->src[w]))
			w++;
		memcpy(buf + bl, P->src + w, b - w);
		bl += b - w;
		a = b;
	}
	struct parser Q = *P;
	Q.src = buf;
	Q.len = bl;
	Q.pos = 0;
	Q.line_base = line_at(P, cs);
	Q.eof_is_eol = P->src[c->ce - 1] == '\n';
	rc = parse_list(&Q, kids, NULL, NULL);
	if (rc)
		return rc;
	/* Carry on after the closing tag, with the delimiters the body left in force. */
	P->pos = S.pos;
	P->ot = S.ot;
	P->otl = S.otl;
	P->ct = S.ct;
	P->ctl = S.ctl;
	return 0;
}

static int parse_block(struct parser *P, struct vec *out, struct open *op, const struct tag *t, const struct line *L,
		       bool std)
{
	int rc = open_ok(P, t, false);
	if (rc)
		return rc;
	/* "{{<parent}}{{$block}}" pairs: the block's body starts on the next line. */
	bool forced = op && op->type == N_PARENT && t->ts == op->fb_at && L->rok;
	/* "{{$block}}{{/block}}" with only blanks around is standalone but keeps its newline. */
	struct tag nx;
	bool pair = !std && !forced && L->lok && peek_tag(P, t->te, &nx) && nx.sigil == '/' &&
		    same_name(P, &nx, P->src + t->ns, t->nl) && rest_blank(P, &nx);
	bool body_next_line = std || forced;
	bool sa = body_next_line || pair;
	size_t before = (std || pair) ? t->ts - L->ls : 0;
	add_text(P, out, P->pos, (std || pair) ? L->ls : t->ts);
	P->pos = body_next_line ? L->le : t->te;

	struct open o;
	struct vec kids = {0};
	struct closed c = {0};
	const char *prefix = NULL;
	size_t plen = 0;
	open_init(&o, op, N_BLOCK, P, t);
	if (pair) {
		o.force_at = t->te;
		o.keep_nl = true;
	}
	if (sa && !P->skim) {
		P->depth++;
		rc = parse_block_body(P, &o, &kids, &c, &prefix, &plen);
		P->depth--;
		if (rc) {
			vec_free(&kids);
			return rc;
		}
	} else if (!parse_nested(P, &kids, &o, &c, &rc)) {
		return rc;
	}
	struct node *n = vec_push(out);
	n->type = N_BLOCK;
	set_name(P, n, t, false);
	n->standalone = sa;
	if (sa && plen) {
		n->ind = prefix;
		n->ind_len = plen;
	} else if (sa) {
		n->ind = P->src + L->ls;
		n->ind_len = before;
	}
	vec_take(P, &kids, false, &n->kids, &n->nkids);
	if (c.took_nl)
		add_bol(P, out);
	return 0;
}

static int parse_list(struct parser *P, struct vec *out, struct open *op, struct closed *cl)
{
	for (;;) {
		const char *hit = find(P, P->pos, P->ot, P->otl);
		if (!hit) {
			add_text(P, out, P->pos, P->len);
			P->pos = P->len;
			if (op)
				return fail(P, op->ts, "unclosed section '%.*s'",
					    (int)(op->nlen < SHOWN ? op->nlen : SHOWN), op->name);
			return 0;
		}
		struct tag t;
		struct line L;
		size_t ts = (size_t)(hit - P->src);
		if (!scan_tag(P, ts, &t))
			return fail(P, ts, "unclosed tag");
		locate(P, &t, &L);
		bool std = L.lok && L.rok && t.sigil && t.sigil != '{' && t.sigil != '&';
		int rc = 0;
		switch (t.sigil) {
		case '!':
		case '=':
			add_text(P, out, P->pos, std ? L.ls : ts);
			P->pos = std ? L.le : t.te;
			if (t.sigil == '=')
				rc = set_delims(P, &t);
			if (std && L.le > L.nl)
				add_bol(P, out);
			break;
		case '/': return close_tag(P, out, op, cl, &t, &L);
		case '#':
		case '^': rc = parse_section(P, out, op, &t, &L, std); break;
		case '>': rc = parse_partial(P, out, &t, &L, std); break;
		case '<': rc = parse_parent(P, out, op, &t, &L, std); break;
		case '$': rc = parse_block(P, out, op, &t, &L, std); break;
		default:
			if (!name_ok(P, &t) || !dotted_ok(P, &t))
				return bad_name(P, &t);
			add_text(P, out, P->pos, ts);
			P->pos = t.te;
			if (!P->skim) {
				struct node *n = vec_push(out);
				n->type = t.sigil ? N_RAW : N_VAR;
				set_name(P, n, &t, true);
				set_count(P, n);
			}
			break;
		}
		if (rc)
			return rc;
	}
}

mustache_tpl *mustache_compile(const char *src, size_t len, char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
	mustache_tpl *t = xcalloc(1, sizeof(*t));
	t->arena = arena_new();
	char *copy = arena_alloc(t->arena, len + 1);
	if (len)
		memcpy(copy, src, len);
	struct parser P = {
		.arena = t->arena,
		.src = copy,
		.len = len,
		.ot = "{{",
		.otl = 2,
		.ct = "}}",
		.ctl = 2,
		.line_base = 1,
		.eof_is_eol = true,
		.err = err,
		.errlen = errlen,
	};
	struct vec root = {0};
	if (parse_list(&P, &root, NULL, NULL)) {
		vec_free(&root);
		mustache_free(t);
		return NULL;
	}
	vec_take(&P, &root, false, &t->nodes, &t->n);
	return t;
}

void mustache_free(mustache_tpl *t)
{
	if (!t)
		return;
	arena_free(t->arena);
	free(t);
}
