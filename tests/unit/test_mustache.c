/* Unit tests for src/view/mustache.c.
 *
 * Group "mustache_spec": one test per file of the official spec in tests/data/mustache-spec
 * (FINESTRETA_MUSTACHE_SPEC_DIR overrides the folder; run from the repo root). Every case is
 * compiled with its partials and rendered; the teardown prints "mustache spec: N/M passed".
 * Group "mustache": tables of our own (escaping, values, indentation, inheritance as layouts),
 * syntax errors with their line, the recursion guard, the output cap, and renders from many
 * threads at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "view/mustache.h"

#include <dirent.h>
#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUT_MAX (1 << 20)
#define MAX_PARTIALS 32
#define MAX_SPEC_FILES 64

/* ---- helpers ------------------------------------------------------------------------------ */

/* Templates by name: the loader the engine is given. */
struct partials {
	size_t n;
	char *names[MAX_PARTIALS];
	mustache_tpl *tpls[MAX_PARTIALS];
};

static const mustache_tpl *load(void *ud, const char *name)
{
	const struct partials *p = ud;
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->names[i], name))
			return p->tpls[i];
	return NULL;
}

static void partials_free(struct partials *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->names[i]);
		mustache_free(p->tpls[i]);
	}
	p->n = 0;
}

/* Compiles every member of a {"name": "template"} object; false on a syntax error. */
static bool partials_add(struct partials *p, json_t *obj, char *err, size_t errlen)
{
	const char *name;
	json_t *src;
	json_object_foreach (obj, name, src) {
		if (p->n == MAX_PARTIALS)
			return false;
		mustache_tpl *t = mustache_compile(json_string_value(src), json_string_length(src), err, errlen);
		if (!t)
			return false;
		p->names[p->n] = xstrdup(name);
		p->tpls[p->n++] = t;
	}
	return true;
}

static void put_shown(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			fputs("\\n", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

/* Renders tpl against data with the given partials (JSON object text, or NULL). Returns the
 * output (new) or "ERROR: ..." for a compile error or a failed render. */
static char *render_str(const char *tpl, json_t *data, json_t *parts)
{
	char err[256];
	struct partials p = {0};
	buf_t out;
	buf_init(&out, OUT_MAX);
	if (parts && !partials_add(&p, parts, err, sizeof(err))) {
		partials_free(&p);
		return xasprintf("ERROR: partial: %s", err);
	}
	mustache_tpl *t = mustache_compile(tpl, strlen(tpl), err, sizeof(err));
	if (!t) {
		partials_free(&p);
		return xasprintf("ERROR: %s", err);
	}
	json_t *ctx[1] = {data};
	int rc = mustache_render(t, ctx, 1, load, &p, &out);
	mustache_free(t);
	partials_free(&p);
	if (rc) {
		buf_free(&out);
		return xasprintf("ERROR: render %s", err_name(rc));
	}
	return buf_detach(&out, NULL);
}

static json_t *parse_json(const char *text)
{
	json_error_t je;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &je);
	if (!v)
		fail_msg("bad JSON in test table: %s (%s)", text, je.text);
	return v;
}

/* ---- the official spec -------------------------------------------------------------------- */

static int spec_total, spec_passed;

static bool run_spec_case(const char *file, json_t *tc)
{
	const char *name = json_string_value(json_object_get(tc, "name"));
	json_t *tpl = json_object_get(tc, "template");
	json_t *exp = json_object_get(tc, "expected");
	if (!json_is_string(tpl) || !json_is_string(exp)) {
		fprintf(stderr, "%s: case '%s' lacks template or expected\n", file, name);
		return false;
	}
	char *got = render_str(json_string_value(tpl), json_object_get(tc, "data"), json_object_get(tc, "partials"));
	bool ok = strlen(got) == json_string_length(exp) && !strcmp(got, json_string_value(exp));
	if (!ok) {
		fprintf(stderr, "FAIL %s: %s\n  template: ", file, name ? name : "?");
		put_shown(stderr, json_string_value(tpl), json_string_length(tpl));
		fputs("\n  expected: ", stderr);
		put_shown(stderr, json_string_value(exp), json_string_length(exp));
		fputs("\n  got:      ", stderr);
		put_shown(stderr, got, strlen(got));
		fputc('\n', stderr);
	}
	free(got);
	return ok;
}

static void test_spec_file(void **state)
{
	const char *path = *state;
	json_error_t je;
	json_t *doc = json_load_file(path, 0, &je);
	if (!doc)
		fail_msg("%s: %s (line %d)", path, je.text, je.line);
	json_t *cases = json_object_get(doc, "tests");
	assert_true(json_is_array(cases));
	assert_true(json_array_size(cases) > 0);
	size_t i;
	json_t *tc;
	int failed = 0;
	json_array_foreach (cases, i, tc) {
		spec_total++;
		if (run_spec_case(path, tc))
			spec_passed++;
		else
			failed++;
	}
	json_decref(doc);
	assert_int_equal(failed, 0);
}

static void test_spec_missing(void **state)
{
	fail_msg("no *.json spec files in %s", (const char *)*state);
}

static int spec_teardown(void **state)
{
	(void)state;
	printf("mustache spec: %d/%d passed\n", spec_passed, spec_total);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- tables of our own -------------------------------------------------------------------- */

struct rcase {
	const char *name;
	const char *tpl;
	const char *data;     /* JSON */
	const char *partials; /* JSON object, or NULL */
	const char *expected;
};

static void run_table(const struct rcase *cases, size_t n)
{
	int failed = 0;
	for (size_t i = 0; i < n; i++) {
		const struct rcase *c = &cases[i];
		json_t *data = parse_json(c->data);
		json_t *parts = c->partials ? parse_json(c->partials) : NULL;
		char *got = render_str(c->tpl, data, parts);
		if (strcmp(got, c->expected)) {
			failed++;
			fprintf(stderr, "FAIL %s\n  expected: ", c->name);
			put_shown(stderr, c->expected, strlen(c->expected));
			fputs("\n  got:      ", stderr);
			put_shown(stderr, got, strlen(got));
			fputc('\n', stderr);
		}
		free(got);
		json_decref(data);
		json_decref(parts);
	}
	assert_int_equal(failed, 0);
}

static void test_escaping(void **state)
{
	(void)state;
	static const struct rcase cases[] = {
		{"all five", "{{x}}", "{\"x\": \"& < > \\\" '\"}", NULL, "&amp; &lt; &gt; &quot; &#39;"},
		{"triple is raw", "{{{x}}}", "{\"x\": \"& < > \\\" '\"}", NULL, "& < > \" '"},
		{"ampersand is raw", "{{&x}}", "{\"x\": \"& < > \\\" '\"}", NULL, "& < > \" '"},
		{"script", "{{x}}", "{\"x\": \"<script>alert('x')</script>\"}", NULL,
		 "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"},
		{"attribute", "<a title=\"{{x}}\">", "{\"x\": \"\\\" onclick=\\\"evil()\"}", NULL,
		 "<a title=\"&quot; onclick=&quot;evil()\">"},
		{"already escaped is escaped again", "{{x}}", "{\"x\": \"&amp;\"}", NULL, "&amp;amp;"},
		{"dotted name escaped", "{{a.b}}", "{\"a\": {\"b\": \"<b>\"}}", NULL, "&lt;b&gt;"},
		{"implicit iterator escaped", "{{#l}}{{.}}{{/l}}", "{\"l\": [\"<\", \">\"]}", NULL, "&lt;&gt;"},
		{"template text is never escaped", "<p>&amp; {{x}}</p>", "{\"x\": \"&\"}", NULL, "<p>&amp; &amp;</p>"},
		{"triple with other delimiters", "{{=<% %>=}}<%{x}%> <%x%>", "{\"x\": \"<i>\"}", NULL, "<i> &lt;i&gt;"},
		{"partial output is not escaped twice", "{{>p}}", "{\"x\": \"<\"}", "{\"p\": \"<b>{{x}}</b>\"}",
		 "<b>&lt;</b>"},
	};
	run_table(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_values(void **state)
{
	(void)state;
	static const struct rcase cases[] = {
		{"real 1.21", "{{x}}", "{\"x\": 1.21}", NULL, "1.21"},
		{"real 0.1", "{{x}}", "{\"x\": 0.1}", NULL, "0.1"},
		{"real -2.5", "{{x}}", "{\"x\": -2.5}", NULL, "-2.5"},
		{"real 1/3", "{{x}}", "{\"x\": 0.3333333333333333}", NULL, "0.3333333333333333"},
		{"real 1e300", "{{x}}", "{\"x\": 1e300}", NULL, "1e+300"},
		{"real 3.0", "{{x}}", "{\"x\": 3.0}", NULL, "3"},
		{"integer", "{{x}}", "{\"x\": -42}", NULL, "-42"},
		{"big integer", "{{x}}", "{\"x\": 9007199254740993}", NULL, "9007199254740993"},
		{"booleans", "{{t}} {{f}}", "{\"t\": true, \"f\": false}", NULL, "true false"},
		{"null and missing", "[{{n}}{{m}}]", "{\"n\": null}", NULL, "[]"},
		{"objects and arrays print nothing", "[{{o}}{{a}}]", "{\"o\": {\"k\": 1}, \"a\": [1]}", NULL, "[]"},
		{"empty string is falsey", "{{#s}}yes{{/s}}{{^s}}no{{/s}}", "{\"s\": \"\"}", NULL, "no"},
		{"zero is truthy", "{{#z}}{{z}}{{/z}}", "{\"z\": 0}", NULL, "0"},
		{"empty object is truthy", "{{#o}}yes{{/o}}", "{\"o\": {}}", NULL, "yes"},
		{"empty list is falsey", "{{#l}}yes{{/l}}{{^l}}none{{/l}}", "{\"l\": []}", NULL, "none"},
		{"null shadows outer name", "{{#a}}[{{x}}]{{/a}}", "{\"x\": 1, \"a\": {\"x\": null}}", NULL, "[]"},
		{"dotted name through a non-object", "[{{a.b}}]", "{\"a\": \"str\"}", NULL, "[]"},
		{"nested lists", "{{#l}}({{#.}}{{.}}{{/.}}){{/l}}", "{\"l\": [[1, 2], [3]]}", NULL, "(12)(3)"},
	};
	run_table(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_indentation(void **state)
{
	(void)state;
	static const struct rcase cases[] = {
		{"nested standalone partials add up", "  {{>a}}\n", "{}",
		 "{\"a\": \"x\\n  {{>b}}\\ny\\n\", \"b\": \"1\\n2\\n\"}", "  x\n    1\n    2\n  y\n"},
		{"blank lines of a partial stay blank", "  {{>p}}\n", "{}", "{\"p\": \"a\\n\\nb\\n\"}", "  a\n\n  b\n"},
		{"a list inside an indented partial", "<ul>\n  {{>items}}\n</ul>\n", "{\"l\": [1, 2]}",
		 "{\"items\": \"{{#l}}\\n<li>{{.}}</li>\\n{{/l}}\\n\"}", "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>\n"},
		/* The partial's source indented is "  {{#l}}\n  {{.}}{{/l}}\n": the blanks belong to
		 * the body, so every iteration repeats them. */
		{"every iteration is indented", "  {{>p}}\n", "{\"l\": [1, 2]}", "{\"p\": \"{{#l}}\\n{{.}}{{/l}}\\n\"}",
		 "  1  2\n"},
		{"data newlines are not indented", "  {{>p}}\n", "{\"x\": \"a\\nb\"}", "{\"p\": \"[{{x}}]\\n\"}",
		 "  [a\nb]\n"},
		{"inline partial inside an indented one", "  {{>a}}\n", "{}",
		 "{\"a\": \"x {{>b}} y\\n\", \"b\": \"1\\n2\"}", "  x 1\n2 y\n"},
		{"CRLF partial", "a\r\n  {{>p}}\r\nb", "{}", "{\"p\": \"1\\r\\n2\\r\\n\"}", "a\r\n  1\r\n  2\r\nb"},
		{"set delimiters on their own line", "a\n  {{=[ ]=}}\n[x]\n", "{\"x\": 1}", NULL, "a\n1\n"},
		{"layout with a standalone block",
		 "{{<layout}}\n{{$content}}\n<h1>{{t}}</h1>\n<p>x</p>\n{{/content}}\n{{/layout}}\n", "{\"t\": \"T\"}",
		 "{\"layout\": \"<body>\\n  <main>\\n    {{$content}}\\n    {{/content}}\\n  </main>\\n</body>\\n\"}",
		 "<body>\n  <main>\n    <h1>T</h1>\n    <p>x</p>\n  </main>\n</body>\n"},
		{"layout keeps default content", "{{<layout}}{{/layout}}", "{}",
		 "{\"layout\": \"<title>{{$title}}Finestreta{{/title}}</title>\"}", "<title>Finestreta</title>"},
		{"override sees its own siblings",
		 "{{<l}}{{$body}}[{{$title}}T{{/title}}]{{/body}}{{$title}}custom{{/title}}{{/l}}", "{}",
		 "{\"l\": \"{{$body}}{{/body}}\"}", "[custom]"},
		{"unknown parent renders nothing", "a{{<nope}}{{$b}}x{{/b}}{{/nope}}b", "{}", NULL, "ab"},
		/* Regressions from fuzzing: a line start left pending by an indented expansion. */
		{"block body ending in a newline, closing tag inline", "{{<p}}{{/p}}", "{}",
		 "{\"p\": \"<\\n  {{$b}}\\n  x\\n{{/b}}y\\n\"}", "<\n  x\ny\n"},
		{"standalone partial at the end of an inline one", "{{>a}}z", "{}",
		 "{\"a\": \"  {{>b}}\", \"b\": \"x\\n\"}", "  x\nz"},
		{"dedented override, indented site", "{{<p}}\n  {{$b}}\n      one\n        two\n  {{/b}}\n{{/p}}\n",
		 "{}", "{\"p\": \"<div>\\n  {{$b}}\\n  {{/b}}\\n</div>\\n\"}", "<div>\n  one\n    two\n</div>\n"},
	};
	run_table(cases, sizeof(cases) / sizeof(cases[0]));
}

/* Indentation longer than the engine keeps in one piece still comes out whole. */
static void test_long_indentation(void **state)
{
	(void)state;
	char pad[61], tpl[80], want[512];
	memset(pad, ' ', 60);
	pad[60] = '\0';
	snprintf(tpl, sizeof(tpl), "%s{{>a}}\n", pad);
	json_t *parts = json_pack("{s:s+,s:s+,s:s}", "a", pad, "{{>b}}\n", "b", pad, "{{>c}}\n", "c", "x\ny\n");
	assert_non_null(parts);
	snprintf(want, sizeof(want), "%s%s%sx\n%s%s%sy\n", pad, pad, pad, pad, pad, pad);
	json_t *d = json_object();
	char *got = render_str(tpl, d, parts);
	assert_string_equal(got, want);
	free(got);
	json_decref(d);
	json_decref(parts);
}

static void test_context_stack(void **state)
{
	(void)state;
	char err[128];
	mustache_tpl *t = mustache_compile("{{a}} {{b}} {{#o}}{{a}}{{/o}}", 29, err, sizeof(err));
	assert_non_null(t);
	json_t *bottom = parse_json("{\"a\": \"bottom\", \"b\": \"b0\"}");
	json_t *top = parse_json("{\"a\": \"top\", \"o\": {}}");
	json_t *ctx[2] = {bottom, top};
	buf_t out;
	buf_init(&out, OUT_MAX);
	assert_int_equal(mustache_render(t, ctx, 2, NULL, NULL, &out), 0);
	assert_string_equal(buf_str(&out), "top b0 top");
	/* No context at all renders the text and nothing else. */
	buf_reset(&out);
	assert_int_equal(mustache_render(t, NULL, 0, NULL, NULL, &out), 0);
	assert_string_equal(buf_str(&out), "  ");
	buf_free(&out);
	json_decref(bottom);
	json_decref(top);
	mustache_free(t);
}

static void test_syntax_errors(void **state)
{
	(void)state;
	static const struct {
		const char *tpl;
		const char *err; /* the whole message must start with this */
	} cases[] = {
		{"{{#a}}\nx\n", "line 1: unclosed section 'a'"},
		{"x\n{{#a}}\n{{/b}}", "line 3: closing tag 'b' does not match 'a' opened on line 2"},
		{"a\nb\n{{name", "line 3: unclosed tag"},
		{"\n{{{x}}", "line 2: unclosed tag"},
		{"{{/a}}", "line 1: closing tag 'a' has no opening tag"},
		{"x\n\n\n{{=<%=}}", "line 4: invalid set-delimiters tag"},
		{"{{= a b c =}}", "line 1: invalid set-delimiters tag"},
		{"{{a b}}", "line 1: invalid name 'a b'"},
		{"{{a..b}}", "line 1: invalid name 'a..b'"},
		{"{{#.a}}{{/.a}}", "line 1: invalid name '.a'"},
		{"{{}}", "line 1: empty tag"},
		{"\n{{>}}", "line 2: empty tag"},
		{"{{<p}}\n{{$b}}x\n{{/p}}", "line 3: closing tag 'p' does not match 'b' opened on line 2"},
		{"{{=<% %>=}}\n<%#a%>\n{{/a}}", "line 2: unclosed section 'a'"},
		{"{{$b}}\n    x\n  {{#s}}\n{{/b}}", "line 4: closing tag 'b' does not match 's' opened on line 3"},
	};
	int failed = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[256] = "untouched";
		mustache_tpl *t = mustache_compile(cases[i].tpl, strlen(cases[i].tpl), err, sizeof(err));
		if (t || strncmp(err, cases[i].err, strlen(cases[i].err))) {
			failed++;
			fprintf(stderr, "FAIL syntax error %zu: want \"%s\", got %s \"%s\"\n", i, cases[i].err,
				t ? "a template and" : "NULL and", err);
		}
		mustache_free(t);
	}
	assert_int_equal(failed, 0);

	/* Nesting has a limit too; the error names the line of the tag past it. */
	buf_t src;
	buf_init(&src, OUT_MAX);
	for (int i = 0; i < 150; i++)
		assert_int_equal(buf_puts(&src, "{{#a}}\n"), 0);
	char err[256];
	assert_null(mustache_compile(src.data, src.len, err, sizeof(err)));
	assert_string_equal(err, "line 101: sections nested too deeply");
	/* A NULL err buffer is allowed. */
	assert_null(mustache_compile("{{#a}}", 6, NULL, 0));
	buf_free(&src);
}

/* The template itself, whatever name is asked for. */
static const mustache_tpl *load_self(void *ud, const char *name)
{
	(void)name;
	return ud;
}

static int render_self(const char *tpl, const char *data, buf_t *out)
{
	mustache_tpl *t = mustache_compile(tpl, strlen(tpl), NULL, 0);
	assert_non_null(t);
	json_t *d = parse_json(data);
	json_t *ctx[1] = {d};
	int rc = mustache_render(t, ctx, 1, load_self, t, out);
	json_decref(d);
	mustache_free(t);
	return rc;
}

static void test_recursion(void **state)
{
	(void)state;
	buf_t out;
	buf_init(&out, OUT_MAX);
	assert_int_equal(render_self("{{>self}}", "{}", &out), ERR_INVALID);
	assert_int_equal(render_self("x{{>self}}", "{}", &out), ERR_INVALID);
	assert_int_equal(render_self("{{<self}}{{/self}}", "{}", &out), ERR_INVALID);
	assert_int_equal(render_self("{{#l}}{{>self}}{{/l}}", "{\"l\": [1, 2]}", &out), ERR_INVALID);
	/* An override that holds the block it overrides. */
	struct partials p = {0};
	char err[128];
	json_t *parts = parse_json("{\"p\": \"{{$b}}{{/b}}\"}");
	assert_true(partials_add(&p, parts, err, sizeof(err)));
	const char *tpl = "{{<p}}{{$b}}x{{$b}}y{{/b}}{{/b}}{{/p}}";
	mustache_tpl *t = mustache_compile(tpl, strlen(tpl), err, sizeof(err));
	assert_non_null(t);
	json_t *ctx[1] = {parts};
	assert_int_equal(mustache_render(t, ctx, 1, load, &p, &out), ERR_INVALID);
	mustache_free(t);
	partials_free(&p);
	json_decref(parts);

	/* Recursion that ends is fine below the limit: a chain 60 objects deep renders once per
	 * object (the last one's "c": null stops the lookup from reaching outer objects). */
	buf_t data;
	buf_init(&data, OUT_MAX);
	for (int i = 0; i < 60; i++)
		buf_puts(&data, "{\"c\": ");
	buf_puts(&data, "null");
	for (int i = 0; i < 60; i++)
		buf_putc(&data, '}');
	buf_reset(&out);
	assert_int_equal(render_self("<{{#c}}{{>node}}{{/c}}>", data.data, &out), 0);
	assert_int_equal(out.len, 2 * 60);
	/* Past the limit the same template fails instead. */
	buf_reset(&data);
	for (int i = 0; i < 150; i++)
		buf_puts(&data, "{\"c\": ");
	buf_puts(&data, "null");
	for (int i = 0; i < 150; i++)
		buf_putc(&data, '}');
	buf_reset(&out);
	assert_int_equal(render_self("<{{#c}}{{>node}}{{/c}}>", data.data, &out), ERR_INVALID);
	buf_free(&data);
	buf_free(&out);
}

static void test_output_cap(void **state)
{
	(void)state;
	const char *tpl = "abcdefghij{{x}}{{>p}}";
	char err[128];
	mustache_tpl *t = mustache_compile(tpl, strlen(tpl), err, sizeof(err));
	assert_non_null(t);
	json_t *d = parse_json("{\"x\": \"<<\"}");
	json_t *ctx[1] = {d};
	static const struct {
		size_t cap;
		int rc;
	} cases[] = {
		{5, ERR_TOO_BIG},  /* in the text */
		{12, ERR_TOO_BIG}, /* in the escaped value: "<<" takes 8 bytes */
		{17, ERR_TOO_BIG},
		{18, 0}, /* the partial is unknown: nothing more */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_t out;
		buf_init(&out, cases[i].cap);
		assert_int_equal(mustache_render(t, ctx, 1, NULL, NULL, &out), cases[i].rc);
		assert_true(out.len <= cases[i].cap);
		buf_free(&out);
	}
	/* Indentation counts as output too. */
	struct partials p = {0};
	json_t *parts = parse_json("{\"p\": \"a\\nb\\n\"}");
	assert_true(partials_add(&p, parts, err, sizeof(err)));
	mustache_tpl *t2 = mustache_compile("        {{>p}}\n", 15, err, sizeof(err));
	assert_non_null(t2);
	buf_t out;
	buf_init(&out, 19);
	assert_int_equal(mustache_render(t2, ctx, 1, load, &p, &out), ERR_TOO_BIG);
	buf_free(&out);
	buf_init(&out, 20);
	assert_int_equal(mustache_render(t2, ctx, 1, load, &p, &out), 0);
	assert_string_equal(buf_str(&out), "        a\n        b\n");
	buf_free(&out);
	mustache_free(t2);
	partials_free(&p);
	json_decref(parts);
	json_decref(d);
	mustache_free(t);
}

/* One compiled template, rendered from several threads at once with different data. */
struct job {
	const mustache_tpl *t;
	struct partials *p;
	int id;
	int bad;
};

static void *render_many(void *arg)
{
	struct job *j = arg;
	char want[128];
	snprintf(want, sizeof(want), "<ul>\n  <li>%d</li>\n  <li>x&lt;%d</li>\n</ul>\n", j->id, j->id);
	char x[16];
	snprintf(x, sizeof(x), "x<%d", j->id);
	json_t *d = json_pack("{s:[i,s]}", "l", j->id, x);
	json_t *ctx[1] = {d};
	buf_t out;
	buf_init(&out, OUT_MAX);
	for (int i = 0; i < 2000; i++) {
		buf_reset(&out);
		if (mustache_render(j->t, ctx, 1, load, j->p, &out) || strcmp(buf_str(&out), want))
			j->bad++;
	}
	buf_free(&out);
	json_decref(d);
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	char err[128];
	struct partials p = {0};
	json_t *parts = parse_json("{\"items\": \"{{#l}}\\n<li>{{.}}</li>\\n{{/l}}\\n\"}");
	assert_true(partials_add(&p, parts, err, sizeof(err)));
	const char *tpl = "<ul>\n  {{>items}}\n</ul>\n";
	mustache_tpl *t = mustache_compile(tpl, strlen(tpl), err, sizeof(err));
	assert_non_null(t);
	struct job jobs[4];
	pthread_t th[4];
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct job){t, &p, i, 0};
		assert_int_equal(pthread_create(&th[i], NULL, render_many, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(jobs[i].bad, 0);
	}
	mustache_free(t);
	partials_free(&p);
	json_decref(parts);
}

int main(void)
{
	const char *dir = getenv("FINESTRETA_MUSTACHE_SPEC_DIR");
	if (!dir || !*dir)
		dir = "tests/data/mustache-spec";

	char *paths[MAX_SPEC_FILES];
	size_t np = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)) && np < MAX_SPEC_FILES) {
		size_t n = strlen(e->d_name);
		if (n > 5 && !strcmp(e->d_name + n - 5, ".json"))
			paths[np++] = xasprintf("%s/%s", dir, e->d_name);
	}
	if (d)
		closedir(d);
	qsort(paths, np, sizeof(paths[0]), cmp_str);

	struct CMUnitTest spec[MAX_SPEC_FILES];
	size_t nt = np;
	for (size_t i = 0; i < np; i++) {
		const char *base = strrchr(paths[i], '/') + 1;
		spec[i] = (struct CMUnitTest){base, test_spec_file, NULL, NULL, paths[i]};
	}
	if (!nt)
		spec[nt++] = (struct CMUnitTest){"spec files present", test_spec_missing, NULL, NULL, (void *)dir};

	const struct CMUnitTest own[] = {
		cmocka_unit_test(test_escaping),      cmocka_unit_test(test_values),
		cmocka_unit_test(test_indentation),   cmocka_unit_test(test_long_indentation),
		cmocka_unit_test(test_context_stack), cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_recursion),     cmocka_unit_test(test_output_cap),
		cmocka_unit_test(test_threads),
	};

	int failed = _cmocka_run_group_tests("mustache_spec", spec, nt, NULL, spec_teardown);
	failed += cmocka_run_group_tests_name("mustache", own, NULL, NULL);
	for (size_t i = 0; i < np; i++)
		free(paths[i]);
	return failed ? 1 : 0;
}
