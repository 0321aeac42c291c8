/* sheet.c — learning sheets: the Markdown-like text coordinators keep, read into the document
 * model of render/pdf.h. The text is plain: "# " starts a section with its heading, "- " or "* "
 * an item (shown with a bullet), a blank line ends a paragraph, other lines join the paragraph
 * they are in. Nothing else is interpreted. */
#include "ict/internal.h"

#include "base/err.h"
#include "base/json.h"
#include "base/text.h"

#include <string.h>

static json_t *new_section(json_t *sections, const char *heading)
{
	json_t *s = jpack("{s:s,s:[]}", "heading", heading, "paragraphs");
	json_array_append_new(sections, s);
	return json_object_get(s, "paragraphs");
}

/* Ends the paragraph being gathered in *para (if any) into paras. */
static void flush(arena_t *a, json_t *paras, const char **para)
{
	if (*para && **para)
		json_array_append_new(paras, json_string(*para));
	*para = NULL;
}

int ict_sheet_doc(arena_t *a, const char *title, const char *body, json_t **out)
{
	const char *clean;
	if (!body || text_clean(a, body, ICT_SHEET_MAX, true, &clean) || !*clean)
		return ERR_INVALID;
	json_t *sections = json_array();
	json_t *paras = new_section(sections, "");
	const char *para = NULL;
	for (const char *p = clean; *p;) {
		const char *end = strchr(p, '\n');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *line = arena_alloc(a, n + 1);
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + (end ? 1 : 0);
		while (*line == ' ' || *line == '\t')
			line++;
		if (!*line) {
			flush(a, paras, &para);
		} else if (line[0] == '#' && (line[1] == ' ' || line[1] == '#')) {
			flush(a, paras, &para);
			paras = new_section(sections, line + strspn(line, "# "));
		} else if ((line[0] == '-' || line[0] == '*') && line[1] == ' ') {
			flush(a, paras, &para);
			json_array_append_new(paras, json_string(arena_printf(a, "• %s", line + 2)));
		} else {
			para = para ? arena_printf(a, "%s %s", para, line) : line;
		}
	}
	flush(a, paras, &para);
	*out = jpack("{s:s,s:o}", "title", title, "sections", sections);
	return 0;
}
