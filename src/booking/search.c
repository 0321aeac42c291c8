/* search.c — finding a procedure by what people type: any of its languages, and a verb or a
 * noun of the same family ("empadronar" finds "empadronament" and "empadronat", "certificado"
 * finds "certificat"). Each word typed is folded (no accents, lower case) and cut down to a stem
 * by dropping a common Catalan, Spanish or English ending; it matches a word of the text that
 * starts with the stem. Every word typed must match (the few small words that carry no meaning
 * are skipped). No dictionary: a stem keeps at least four letters, so short words stay whole. */
#include "booking/internal.h"

#include "base/str.h"

#include <ctype.h>
#include <string.h>

#define MIN_STEM 4

/* Longest first, so "ament" goes before "ment" and "t". */
static const char *const ENDINGS[] = {
	"amientos", "amiento", "aments", "ament", "ciones", "acions", "acion", "acio", "ments", "ment", "cions",
	"cion",     "cio",     "adas",   "ados",  "ades",   "ats",    "ada",   "ado",  "ing",   "ar",   "er",
	"ir",       "re",      "es",     "os",    "as",     "at",     "ed",    "s",    "o",     "a",    "e",
};

static const char *const SMALL[] = {"del", "les", "los", "las", "per", "para",
				    "por", "the", "and", "for", "una", "uno"};

static bool is_word(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

/* The stem of a folded word of n bytes: n less the first ending that leaves MIN_STEM letters. */
static size_t stem_len(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof ENDINGS / sizeof ENDINGS[0]; i++) {
		size_t e = strlen(ENDINGS[i]);
		if (n >= e + MIN_STEM && memcmp(w + n - e, ENDINGS[i], e) == 0)
			return n - e;
	}
	return n;
}

static bool small_word(const char *w, size_t n)
{
	if (n < 3)
		return true;
	for (size_t i = 0; i < sizeof SMALL / sizeof SMALL[0]; i++)
		if (strlen(SMALL[i]) == n && memcmp(SMALL[i], w, n) == 0)
			return true;
	return false;
}

void bk_query_parse(arena_t *a, const char *q, bk_query_t *out)
{
	memset(out, 0, sizeof *out);
	const char *f = str_fold(a, q ? q : "");
	for (const char *p = f; *p && out->n < BK_QUERY_WORDS;) {
		while (*p && !is_word((unsigned char)*p))
			p++;
		const char *w = p;
		while (*p && is_word((unsigned char)*p))
			p++;
		size_t n = (size_t)(p - w);
		if (!n || small_word(w, n))
			continue;
		out->w[out->n++] = arena_strndup(a, w, stem_len(w, n));
	}
}

/* Whether some word of folded text starts with stem. */
static bool has_word_start(const char *text, const char *stem)
{
	for (const char *p = text; (p = strstr(p, stem)); p++)
		if (p == text || !is_word((unsigned char)p[-1]))
			return true;
	return false;
}

bool bk_query_match(arena_t *a, const bk_query_t *q, const char *const *texts, size_t ntexts)
{
	const char **folded = arena_alloc(a, (ntexts ? ntexts : 1) * sizeof *folded);
	for (size_t i = 0; i < ntexts; i++)
		folded[i] = str_fold(a, texts[i] ? texts[i] : "");
	for (size_t k = 0; k < q->n; k++) {
		bool found = false;
		for (size_t i = 0; i < ntexts && !found; i++)
			found = has_word_start(folded[i], q->w[k]);
		if (!found)
			return false;
	}
	return true;
}
