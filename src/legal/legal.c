/* legal.c — the documents and the plain text format of legal.h. */
#include "legal/internal.h"

#include "base/json.h"
#include "base/mem.h"
#include "base/str.h"

#include <string.h>

const lg_doc_t lg_docs[LG_NDOCS] = {
	{"notice", "/avis-legal", "lg_notice_title", "lg_notice_default"},
	{"privacy", "/privacitat", "lg_privacy_title", "lg_privacy_default"},
	{"accessibility", "/accessibilitat", "lg_access_title", "lg_access_default"},
};

/* One line of text[0..n) without its end of line and the blanks around it (new string). */
static char *line_dup(const char *s, size_t n)
{
	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	return xstrndup(s, n);
}

/* Ends the paragraph or list being built into blocks. */
static void flush(json_t *blocks, char **para, json_t **list)
{
	if (*para) {
		json_array_append_new(blocks, jpack("{s:s}", "p", *para));
		free(*para);
		*para = NULL;
	}
	if (*list) {
		json_array_append_new(blocks, jpack("{s:o}", "li", *list));
		*list = NULL;
	}
}

json_t *legal_blocks(const char *text)
{
	json_t *blocks = json_array(), *list = NULL;
	char *para = NULL;
	size_t len = text ? strnlen(text, LEGAL_MAX_TEXT) : 0;
	if (!str_valid_utf8(text, len)) /* the admin form refuses such text; nothing to show */
		len = 0;
	for (size_t pos = 0; pos < len;) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		pos += n + (nl ? 1 : 0);
		char *l = line_dup(s, n);
		if (!*l) {
			flush(blocks, &para, &list);
		} else if (!strncmp(l, "## ", 3) && !para && !list) {
			json_array_append_new(blocks, jpack("{s:s}", "h", str_trim(l + 3)));
		} else if (!strncmp(l, "- ", 2)) {
			if (para)
				flush(blocks, &para, &list);
			if (!list)
				list = json_array();
			json_array_append_new(list, json_string(str_trim(l + 2)));
		} else if (list) {
			/* a line under an item continues it */
			json_t *last = json_array_get(list, json_array_size(list) - 1);
			char *joined = xasprintf("%s %s", json_string_value(last), l);
			json_array_set_new(list, json_array_size(list) - 1, json_string(joined));
			free(joined);
		} else {
			char *joined = para ? xasprintf("%s %s", para, l) : xstrdup(l);
			free(para);
			para = joined;
		}
		free(l);
	}
	flush(blocks, &para, &list);
	return blocks;
}
