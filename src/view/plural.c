/* plural.c — see plural.h. A recursive-descent evaluator straight over the text: the
 * expressions are a few dozen bytes, so parsing on every use costs less than keeping a tree. */
#include "view/plural.h"

#include "base/err.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 64

typedef struct {
	const char *s;
	unsigned long n;
	int depth;
	bool bad;
} pe_t;

static void skip(pe_t *p)
{
	while (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r')
		p->s++;
}

/* Consumes tok when it comes next (and, for a one-character operator, is not the start of a
 * two-character one). */
static bool take(pe_t *p, const char *tok)
{
	skip(p);
	size_t n = strlen(tok);
	if (strncmp(p->s, tok, n) != 0)
		return false;
	if (n == 1 && (tok[0] == '<' || tok[0] == '>' || tok[0] == '!') && p->s[1] == '=')
		return false;
	if (n == 1 && (tok[0] == '&' || tok[0] == '|') && p->s[1] == tok[0])
		return false;
	p->s += n;
	return true;
}

static unsigned long cond(pe_t *p);

static unsigned long primary(pe_t *p)
{
	skip(p);
	if (*p->s == 'n') {
		p->s++;
		return p->n;
	}
	if (isdigit((unsigned char)*p->s)) {
		unsigned long v = 0;
		while (isdigit((unsigned char)*p->s)) {
			if (v > 100000000UL)
				p->bad = true;
			v = v * 10 + (unsigned long)(*p->s++ - '0');
		}
		return v;
	}
	if (take(p, "(")) {
		unsigned long v = cond(p);
		if (!take(p, ")"))
			p->bad = true;
		return v;
	}
	p->bad = true;
	return 0;
}

static unsigned long unary(pe_t *p)
{
	if (++p->depth > MAX_DEPTH) {
		p->bad = true;
		return 0;
	}
	unsigned long v = take(p, "!") ? !unary(p) : primary(p);
	p->depth--;
	return v;
}

static unsigned long mul(pe_t *p)
{
	unsigned long v = unary(p);
	while (!p->bad) {
		if (take(p, "*")) {
			v *= unary(p);
		} else if (take(p, "/")) {
			unsigned long d = unary(p);
			v = d ? v / d : 0;
		} else if (take(p, "%")) {
			unsigned long d = unary(p);
			v = d ? v % d : 0;
		} else {
			break;
		}
	}
	return v;
}

static unsigned long add(pe_t *p)
{
	unsigned long v = mul(p);
	while (!p->bad) {
		if (take(p, "+"))
			v += mul(p);
		else if (take(p, "-"))
			v -= mul(p);
		else
			break;
	}
	return v;
}

static unsigned long rel(pe_t *p)
{
	unsigned long v = add(p);
	while (!p->bad) {
		if (take(p, "<="))
			v = v <= add(p);
		else if (take(p, ">="))
			v = v >= add(p);
		else if (take(p, "<"))
			v = v < add(p);
		else if (take(p, ">"))
			v = v > add(p);
		else
			break;
	}
	return v;
}

static unsigned long eq(pe_t *p)
{
	unsigned long v = rel(p);
	while (!p->bad) {
		if (take(p, "=="))
			v = v == rel(p);
		else if (take(p, "!="))
			v = v != rel(p);
		else
			break;
	}
	return v;
}

static unsigned long and_(pe_t *p)
{
	unsigned long v = eq(p);
	while (!p->bad && take(p, "&&")) {
		unsigned long r = eq(p);
		v = v && r;
	}
	return v;
}

static unsigned long or_(pe_t *p)
{
	unsigned long v = and_(p);
	while (!p->bad && take(p, "||")) {
		unsigned long r = and_(p);
		v = v || r;
	}
	return v;
}

/* Both branches are parsed (to check the syntax); the condition picks one. */
static unsigned long cond(pe_t *p)
{
	if (++p->depth > MAX_DEPTH) {
		p->bad = true;
		return 0;
	}
	unsigned long c = or_(p), v = c;
	if (!p->bad && take(p, "?")) {
		unsigned long a = cond(p);
		if (!take(p, ":"))
			p->bad = true;
		unsigned long b = cond(p);
		v = c ? a : b;
	}
	p->depth--;
	return v;
}

int plural_eval(const char *expr, unsigned long n, unsigned long *out)
{
	if (!expr || strlen(expr) >= PLURAL_MAX_EXPR)
		return ERR_INVALID;
	pe_t p = {.s = expr, .n = n};
	unsigned long v = cond(&p);
	skip(&p);
	if (p.bad || *p.s)
		return ERR_INVALID;
	*out = v;
	return 0;
}

int plural_index(const char *expr, unsigned long n)
{
	unsigned long v;
	if (!expr || !*expr || plural_eval(expr, n, &v) || v >= PLURAL_MAX_FORMS)
		return 0;
	return (int)v;
}

/* The value after "name=" in s (up to the next ';' or the end), trimmed, into out. */
static bool field(const char *s, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);
	for (const char *p = s; (p = strstr(p, name)); p++) {
		if (p != s && !(p[-1] == ' ' || p[-1] == ';' || p[-1] == '\t'))
			continue;
		const char *v = p + nl;
		while (*v == ' ' || *v == '\t')
			v++;
		if (*v != '=')
			continue;
		v++;
		const char *end = strchr(v, ';');
		if (!end)
			end = v + strlen(v);
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		while (end > v && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
			end--;
		if ((size_t)(end - v) >= n)
			return false;
		memcpy(out, v, (size_t)(end - v));
		out[end - v] = '\0';
		return true;
	}
	return false;
}

int plural_header(const char *value, int *nplurals, char *expr, size_t expr_len)
{
	char np[16];
	if (!field(value, "nplurals", np, sizeof np) || !field(value, "plural", expr, expr_len))
		return ERR_INVALID;
	if (strlen(np) != 1 || np[0] < '1' || np[0] > '0' + PLURAL_MAX_FORMS)
		return ERR_INVALID;
	*nplurals = np[0] - '0';
	for (unsigned long n = 0; n <= 1000; n++) {
		unsigned long v;
		if (plural_eval(expr, n, &v) || v >= (unsigned long)*nplurals)
			return ERR_INVALID;
	}
	return 0;
}
