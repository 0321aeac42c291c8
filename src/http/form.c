/* form.c — the re-shown form's model shared by the staff pages; see form.h. */
#include "http/form.h"

#include "base/arena.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "http/kit.h"

#include <string.h>

const char *form_str(http_req_t *r, const char *name)
{
	const char *v = http_form(r, name);
	return v ? str_trim(arena_strdup(r->arena, v)) : "";
}

const char *form_text(http_req_t *r, const char *name)
{
	const char *v = http_form(r, name);
	if (!v)
		return "";
	char *o = arena_strdup(r->arena, v), *w = o;
	for (const char *p = v; *p; p++)
		if (*p != '\r')
			*w++ = *p;
	*w = '\0';
	return str_trim(o);
}

bool form_check(http_req_t *r, const char *name)
{
	const char *v = http_form(r, name);
	return v && *v && strcmp(v, "0") != 0;
}

const char **form_values(http_req_t *r, const char *name, size_t *n)
{
	const char **v = arena_alloc(r->arena, (kv_count(&r->form, name) + 1) * sizeof *v);
	*n = 0;
	for (size_t i = 0; i < r->form.n; i++)
		if (strcmp(r->form.items[i].key, name) == 0 && *r->form.items[i].val)
			v[(*n)++] = r->form.items[i].val;
	return v;
}

form_t form_new(http_req_t *r, const char *prefix)
{
	return (form_t){r, prefix, json_object(), NULL, 0};
}

void form_free(form_t *m)
{
	json_decref(m->f);
	json_decref(m->summary);
	m->f = NULL;
	m->summary = NULL;
}

json_t *form_field(form_t *m, const char *field)
{
	json_t *o = json_object_get(m->f, field);
	if (!o) {
		o = json_object();
		json_object_set_new(m->f, field, o);
	}
	return o;
}

void form_val(form_t *m, const char *field, const char *v)
{
	json_object_set_new(form_field(m, field), "v", json_string(v ? v : ""));
}

void form_on(form_t *m, const char *field, bool on)
{
	json_object_set_new(form_field(m, field), "on", json_boolean(on));
}

json_t *form_item(const form_t *m, const char *field, const char *label, const char *msg)
{
	return jpack("{s:s,s:s,s:s}", "id", arena_printf(m->r->arena, "%s-%s", m->prefix, field), "label", label, "msg",
		     msg);
}

void form_err(form_t *m, const char *field, const char *label_key, const char *msg)
{
	json_t *f = form_field(m, field);
	if (json_object_get(f, "err"))
		return;
	json_object_set_new(f, "err", json_string(msg));
	if (!m->summary)
		m->summary = json_array();
	json_array_append_new(m->summary, form_item(m, field, http_t(m->r, label_key), msg));
}

bool form_bad(const form_t *m)
{
	return json_array_size(m->summary) > 0;
}

int form_lookup(form_t *m, int rc, const char *field, const char *label_key, const char *msg)
{
	if (rc == ERR_NOT_FOUND)
		form_err(m, field, label_key, msg);
	else if (rc && !m->storage)
		m->storage = rc;
	return rc;
}

bool form_failed(form_t *m)
{
	if (!m->storage)
		return false;
	form_free(m);
	http_reply_unavailable(m->r);
	return true;
}

void form_into(form_t *m, json_t *model)
{
	json_object_set(model, "f", m->f);
	if (form_bad(m)) {
		json_object_set_new(model, "has_errors", json_true());
		json_object_set(model, "errors", m->summary);
	}
	form_free(m);
}
