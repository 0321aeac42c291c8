/* i18n_po.c — the .po parser: comments and flags, msgid/msgstr entries, multi-line strings and
 * escapes, the header's Plural-Forms, and plural entries (msgid_plural, msgstr[n]) as arrays of
 * their forms. It reads text it does not control (fuzz target tests/fuzz/fuzz_po.c). */
#include "view/i18n.h"
#include "view/i18n_internal.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/str.h"
#include "view/plural.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define MAX_KEY 128

struct po {
	const char *name; /* file name for messages, or NULL for "line N: " */
	char *err;
	size_t errlen;
	json_t *out;
	int line;
	/* the entry being read */
	enum { K_NONE, K_ID, K_IDP, K_STR, K_STRN } cur;
	buf_t id, str;
	int id_line;
	bool have_id, have_str, fuzzy, next_fuzzy;
	/* plural entries: msgid_plural (read, not kept) and msgstr[0..nforms) */
	buf_t idp, forms[PLURAL_MAX_FORMS];
	int nforms;
	bool have_idp;
	/* from the header's Plural-Forms (0: none seen) */
	int nplurals;
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

/* The header entry: its Plural-Forms line, when there is one, becomes the catalogue's "_plural"
 * member (the expression; keys cannot start with '_', so it never meets a message). */
static int po_header(struct po *p, const char *str)
{
	const char *h = strstr(str, "Plural-Forms:");
	if (!h || (h != str && h[-1] != '\n'))
		return 0;
	h += strlen("Plural-Forms:");
	const char *end = strchr(h, '\n');
	size_t n = end ? (size_t)(end - h) : strlen(h);
	char line[PLURAL_MAX_EXPR + 32], expr[PLURAL_MAX_EXPR];
	if (n >= sizeof line)
		return po_fail(p, p->id_line, "Plural-Forms is too long");
	memcpy(line, h, n);
	line[n] = '\0';
	if (plural_header(line, &p->nplurals, expr, sizeof expr))
		return po_fail(p, p->id_line,
			       "Plural-Forms is not 'nplurals=N; plural=EXPRESSION;' with forms below N");
	json_object_set_new(p->out, "_plural", json_string(expr));
	return 0;
}

/* A plural entry's forms as a JSON array (new, in *val): as many as the header's nplurals. */
static int po_forms(struct po *p, const char *id, json_t **val)
{
	if (!p->nplurals)
		return po_fail(p, p->id_line, "plural forms of '%s' without a Plural-Forms header", id);
	if (p->nforms != p->nplurals)
		return po_fail(p, p->id_line, "'%s' has %d plural forms but Plural-Forms says %d", id, p->nforms,
			       p->nplurals);
	*val = json_array();
	for (int i = 0; i < p->nforms; i++) {
		if (!str_valid_utf8(buf_str(&p->forms[i]), p->forms[i].len)) {
			json_decref(*val);
			return po_fail(p, p->id_line, "msgstr[%d] of '%s' is not valid UTF-8", i, id);
		}
		json_array_append_new(*val, json_stringn(buf_str(&p->forms[i]), p->forms[i].len));
	}
	return 0;
}

/* Ends the entry being read, adding it to the catalogue. */
static int po_flush(struct po *p)
{
	char shown[64];
	int rc = 0;
	if (!p->have_id)
		return 0;
	if (!p->have_str && !p->nforms)
		return po_fail(p, p->id_line, "msgid without msgstr");
	if (p->have_idp != (p->nforms > 0))
		return po_fail(p, p->id_line,
			       p->have_idp ? "msgid_plural without msgstr[0]" : "msgstr[n] without msgid_plural");
	const char *id = buf_str(&p->id), *str = buf_str(&p->str);
	size_t idn = p->id.len, strn = p->str.len;
	if (idn == 0) {
		rc = p->have_idp ? po_fail(p, p->id_line, "the header entry has plural forms") : po_header(p, str);
		goto done; /* the header entry: metadata, not a message */
	}
	if (!key_ok(id, idn)) {
		show(id, idn, shown, sizeof shown);
		rc = po_fail(p, p->id_line,
			     "msgid '%s' is not a key (lower-case letters, digits and '_', starting "
			     "with a letter)",
			     shown);
		goto done;
	}
	if (json_object_get(p->out, id)) {
		rc = po_fail(p, p->id_line, "duplicate msgid '%s'", id);
		goto done;
	}
	json_t *val = NULL;
	if (p->nforms) {
		if ((rc = po_forms(p, id, &val)))
			goto done;
	} else if (!str_valid_utf8(str, strn)) {
		rc = po_fail(p, p->id_line, "msgstr of '%s' is not valid UTF-8", id);
		goto done;
	} else {
		val = json_stringn(str, strn);
	}
	/* fuzzy translations are guesses waiting for review: gettext does not use them either */
	if (!p->fuzzy)
		json_object_set_new(p->out, id, val);
	else
		json_decref(val);
done:
	p->have_id = p->have_str = p->fuzzy = p->have_idp = false;
	p->cur = K_NONE;
	buf_reset(&p->id);
	buf_reset(&p->str);
	buf_reset(&p->idp);
	for (int i = 0; i < p->nforms; i++)
		buf_reset(&p->forms[i]);
	p->nforms = 0;
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
			return po_fail(p, p->line, "string too long (at most %d bytes)", I18N_MAX_PO_STRING);
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

/* Where a continuation string goes: the part of the entry read last. */
static buf_t *po_target(struct po *p)
{
	switch (p->cur) {
	case K_ID: return &p->id;
	case K_IDP: return &p->idp;
	case K_STRN: return &p->forms[p->nforms - 1];
	default: return &p->str;
	}
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
		if ((p->have_str || p->nforms) && (rc = po_flush(p)))
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
		return po_string(p, s, n, po_target(p));
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
		if (p->have_str || p->have_idp)
			return po_fail(p, p->line,
				       p->have_idp ? "msgid_plural needs msgstr[0], msgstr[1]…"
						   : "second msgstr for one msgid");
		p->have_str = true;
		p->cur = K_STR;
		return po_string(p, s + w, n - w, &p->str);
	}
	if (word_is(s, w, "msgid_plural")) {
		if (!p->have_id || p->have_str || p->have_idp || p->cur != K_ID)
			return po_fail(p, p->line, "msgid_plural must follow its msgid");
		p->have_idp = true;
		p->cur = K_IDP;
		return po_string(p, s + w, n - w, &p->idp);
	}
	if (w > 7 && memcmp(s, "msgstr[", 7) == 0) {
		/* msgstr[k], k the next form: 0, 1, … in order */
		if (!p->have_idp || p->have_str)
			return po_fail(p, p->line, "msgstr[n] without msgid_plural");
		if (w != 9 || s[8] != ']' || s[7] != '0' + p->nforms || p->nforms >= PLURAL_MAX_FORMS)
			return po_fail(p, p->line, "expected msgstr[%d]", p->nforms < PLURAL_MAX_FORMS ? p->nforms : 0);
		p->cur = K_STRN;
		return po_string(p, s + w, n - w, &p->forms[p->nforms++]);
	}
	if (word_is(s, w, "msgctxt"))
		return po_fail(p, p->line, "msgctxt is not supported (keys are unique, so no context is needed)");
	return po_fail(p, p->line, "expected msgid, msgstr, a string or a # comment");
}

json_t *i18n_po_parse(const char *name, const char *src, size_t len, char *err, size_t errlen)
{
	struct po p = {.name = name, .err = err, .errlen = errlen, .out = json_object()};
	buf_init(&p.id, I18N_MAX_PO_STRING);
	buf_init(&p.str, I18N_MAX_PO_STRING);
	buf_init(&p.idp, I18N_MAX_PO_STRING);
	for (int i = 0; i < PLURAL_MAX_FORMS; i++)
		buf_init(&p.forms[i], I18N_MAX_PO_STRING);
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
	buf_free(&p.idp);
	for (int i = 0; i < PLURAL_MAX_FORMS; i++)
		buf_free(&p.forms[i]);
	if (rc) {
		json_decref(p.out);
		return NULL;
	}
	return p.out;
}

json_t *i18n_parse_po(const char *src, size_t len, char *err, size_t errlen)
{
	return i18n_po_parse(NULL, src, len, err, errlen);
}
