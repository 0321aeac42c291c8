/* text.c — the parts of a chat message: plain text, and for staff messages their http(s) links
 * (see internal.h). Pure: no storage, so that the fuzz target links it alone. */
#include "chat/internal.h"

#include "base/json.h"
#include "base/str.h"

#include <string.h>

/* Where a link in s[0..] ends: at a space, or before closing punctuation. */
static size_t link_len(const char *s)
{
	size_t n = 0;
	while (s[n] && s[n] != ' ' && s[n] != '\n' && s[n] != '\t' && s[n] != '<' && s[n] != '>' && s[n] != '"')
		n++;
	while (n && strchr(".,;:!?)]'", s[n - 1]))
		n--;
	return n;
}

json_t *ch_parts(const char *text, bool links)
{
	json_t *a = json_array();
	const char *p = text ? text : "", *start = p;
	while (links && *p) {
		bool at_link = (str_starts(p, "https://") || str_starts(p, "http://")) &&
			       (p == text || strchr(" \n\t(", p[-1]));
		size_t n = at_link ? link_len(p) : 0;
		if (n > 8) {
			if (p > start)
				json_array_append_new(a, jpack("{s:s%,s:b}", "text", start, (size_t)(p - start), "link",
							       0));
			json_array_append_new(a, jpack("{s:s%,s:s%,s:b}", "text", p, n, "href", p, n, "link", 1));
			p += n;
			start = p;
		} else {
			p++;
		}
	}
	if (*start || json_array_size(a) == 0)
		json_array_append_new(a, jpack("{s:s,s:b}", "text", start, "link", 0));
	return a;
}
