/* compose.c — a message's subject, text and HTML parts, its SMS text and its .ics description,
 * from Mustache templates in the citizen's language.
 *
 * HTML parts are pages of the server's template registry (templates/mail/KIND.html, which
 * extend mail/layout: inline styles only, since mail clients drop style sheets). Text parts are
 * templates/mail/KIND.txt, compiled here into a small registry of their own (the server's only
 * takes .html). Both render with the same context stack as pages: the catalogue ({t: …}), the
 * common values (city, public URL, language), the appointment model, and the values worked out
 * here (greeting, date line, channel flags, instructions). The engine escapes for HTML; a text
 * part is rendered the same way and that one layer of escaping is undone, so {{name}} is right
 * in both kinds of template. */
#include "base/json.h"
#include "notify/internal.h"
#include "notify/notify.h"

#include "app.h"
#include "core/cap.h"
#include "base/config.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "base/tz.h"
#include "view/i18n.h"
#include "view/mustache.h"
#include "view/view.h"
#include "view/vmodel.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define PART_MAX (1 << 20)

/* ---------------------------------------------------------------- the text registry */

typedef struct {
	char *name; /* "mail/booking_confirmed" */
	mustache_tpl *tpl;
} text_tpl_t;

static text_tpl_t *texts;
static size_t ntexts;

static const mustache_tpl *text_lookup(void *ud, const char *name)
{
	(void)ud;
	for (size_t i = 0; i < ntexts; i++)
		if (strcmp(texts[i].name, name) == 0)
			return texts[i].tpl;
	return NULL;
}

void nt_compose_free(void)
{
	for (size_t i = 0; i < ntexts; i++) {
		free(texts[i].name);
		mustache_free(texts[i].tpl);
	}
	free(texts);
	texts = NULL;
	ntexts = 0;
}

static void add_text(void *ud, char *name, mustache_tpl *t)
{
	size_t *cap = ud;
	if (ntexts == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		texts = xrealloc(texts, *cap * sizeof *texts);
	}
	texts[ntexts].name = name;
	texts[ntexts].tpl = t;
	ntexts++;
}

int nt_compose_load(const char *root)
{
	nt_compose_free();
	char *dir = xasprintf("%s/templates", root), err[512];
	size_t cap = 0;
	int rc = view_compile_dir(dir, ".txt", 1 << 20, add_text, &cap, err, sizeof err);
	if (rc)
		log_error("notify: %s", err);
	free(dir);
	return rc;
}

/* ---------------------------------------------------------------- kinds */

/* Kinds come from the capabilities that send them (cap_t.notices; "test" is ours). */
static const cap_notice_t *kind_find(const char *kind)
{
	return kind ? cap_notice_find(kind) : NULL;
}

/* ---------------------------------------------------------------- shared helpers */

void nt_public_host(char *out, size_t n)
{
	app_t *app = nt_app();
	const char *url = app ? config_str(app->cfg, "server.public_url") : "";
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	size_t len = strcspn(p, ":/?#");
	if (len == 0 || len >= n) {
		snprintf(out, n, "localhost");
		return;
	}
	memcpy(out, p, len);
	out[len] = '\0';
}

static char *public_url(void)
{
	app_t *app = nt_app();
	const char *url = app ? config_str(app->cfg, "server.public_url") : "http://localhost";
	size_t n = strlen(url);
	while (n && url[n - 1] == '/')
		n--;
	return xstrndup(url, n);
}

const char *nt_compose_city(const json_t *model)
{
	const char *c = vmodel_str(model, "city_name");
	if (!*c)
		c = vmodel_str(model, "city");
	if (*c)
		return c;
	app_t *app = nt_app();
	return app ? config_str(app->cfg, "city.name") : "";
}

const char *nt_compose_channel_label(const char *lang, const char *channel)
{
	if (str_eq(channel, "phone"))
		return i18n_get(lang, "mail_channel_phone");
	if (str_eq(channel, "video"))
		return i18n_get(lang, "mail_channel_video");
	return i18n_get(lang, "mail_channel_in_person");
}

static const char *subst(arena_t *a, const char *lang, const char *key, const char *const *vars)
{
	return i18n_subst(a, i18n_get(lang, key), vars);
}

/* Undoes the HTML escaping of buf_put_html (&amp; &lt; &gt; &quot; &#39;) in place. */
static void unescape(char *s)
{
	static const struct {
		const char *ent;
		char ch;
	} ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
	char *w = s;
	for (char *r = s; *r;) {
		size_t k;
		for (k = 0; k < sizeof ents / sizeof ents[0]; k++)
			if (strncmp(r, ents[k].ent, strlen(ents[k].ent)) == 0)
				break;
		if (k < sizeof ents / sizeof ents[0]) {
			*w++ = ents[k].ch;
			r += strlen(ents[k].ent);
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

/* The values templates need beyond the model. New object. */
static json_t *extra_model(arena_t *a, const cap_notice_t *k, const char *lang, const json_t *model)
{
	const char *date, *date_short, *time_s;
	vmodel_when(a, model, lang, &date, &date_short, &time_s);
	const char *channel = vmodel_str(model, "channel");
	const char *name = vmodel_str(model, "name");
	const char *service = vmodel_str(model, "service.name");
	const char *code = vmodel_str(model, "code");
	const char *city = nt_compose_city(model);
	char *pub = public_url();
	const char *vars[] = {"name", name,   "service", service, "code", code,    "date",
			      date,   "time", time_s,    "city",  city,   "phone", vmodel_str(model, "phone"),
			      "url",  pub,    NULL};
	json_t *x = json_object();
	/* Mail readers know few CSS logical properties: the layout takes its sides from these. */
	bool rtl = str_eq(i18n_dir(lang), "rtl");
	json_object_set_new(x, "lang_tag", json_string(i18n_tag(lang)));
	json_object_set_new(x, "dir", json_string(rtl ? "rtl" : "ltr"));
	json_object_set_new(x, "start", json_string(rtl ? "right" : "left"));
	json_object_set_new(x, "end", json_string(rtl ? "left" : "right"));
	json_object_set_new(x, "subject", json_string(subst(a, lang, k->subject_key, vars)));
	json_object_set_new(x, "intro", json_string(subst(a, lang, k->intro_key, vars)));
	json_object_set_new(x, "greeting",
			    json_string(subst(a, lang, *name ? "mail_greeting_name" : "mail_greeting", vars)));
	if (*date)
		json_object_set_new(x, "when", json_string(subst(a, lang, "mail_when_format", vars)));
	json_object_set_new(x, "channel_label", json_string(nt_compose_channel_label(lang, channel)));
	json_object_set_new(x, "is_in_person", json_boolean(!str_eq(channel, "phone") && !str_eq(channel, "video")));
	json_object_set_new(x, "is_phone", json_boolean(str_eq(channel, "phone")));
	json_object_set_new(x, "is_video", json_boolean(str_eq(channel, "video")));
	bool appointment = k->flags & NOTICE_APPOINTMENT, cancel = k->flags & NOTICE_CANCEL;
	json_object_set_new(x, "is_cancelled", json_boolean(cancel));
	json_object_set_new(x, "is_active", json_boolean(appointment && !cancel));
	json_object_set_new(x, "has_appointment", json_boolean(appointment));
	json_object_set_new(x, "phone_instructions", json_string(subst(a, lang, "mail_phone_instructions", vars)));
	json_object_set_new(x, "rebook", json_string(subst(a, lang, "mail_rebook", vars)));
	json_object_set_new(x, "public_url", json_string(pub));
	json_object_set_new(x, "city_name", json_string(city));
	json_object_set_new(x, "lang", json_string(lang));
	const json_t *docs = json_object_get(model, "documents");
	json_object_set_new(x, "has_documents", json_boolean(json_is_array(docs) && json_array_size(docs) > 0));
	free(pub);
	return x;
}

/* Renders a text template (its escaping undone) or an HTML page into a new string. */
static int render(bool html, const char *name, json_t *const *ctx, size_t n, char **out)
{
	buf_t b;
	buf_init(&b, PART_MAX);
	int rc;
	if (html) {
		app_t *app = nt_app();
		rc = app && app->view ? view_render(app->view, name, ctx, n, &b) : ERR_UNAVAILABLE;
	} else {
		const mustache_tpl *t = text_lookup(NULL, name);
		rc = t ? mustache_render(t, ctx, n, text_lookup, NULL, &b) : ERR_NOT_FOUND;
	}
	if (rc) {
		buf_free(&b);
		return rc;
	}
	char *s = buf_detach(&b, NULL);
	if (!html)
		unescape(s);
	*out = s;
	return 0;
}

/* What a render of kind needs: translations t, the caller's model and the kind's own model x,
 * in lang (or the default language when lang is not one). */
typedef struct {
	const char *lang;
	arena_t *a;
	json_t *tctx, *x, *empty;
	json_t *ctx[3];
} cctx_t;

/* 0, or ERR_UNAVAILABLE when the language's catalogue is not loaded (nothing to close then). */
static int cctx_open(cctx_t *c, const cap_notice_t *k, const char *lang, const json_t *model)
{
	if (!i18n_supported(lang))
		lang = i18n_default();
	json_t *cat = i18n_catalog(lang);
	if (!cat)
		return ERR_UNAVAILABLE;
	c->lang = lang;
	c->a = arena_new();
	c->tctx = jpack("{s:O}", "t", cat);
	c->x = extra_model(c->a, k, lang, model);
	c->empty = json_object();
	c->ctx[0] = c->tctx;
	c->ctx[1] = model ? (json_t *)model : c->empty;
	c->ctx[2] = c->x;
	return 0;
}

static void cctx_close(cctx_t *c)
{
	json_decref(c->empty);
	json_decref(c->x);
	json_decref(c->tctx);
	arena_free(c->a);
}

int nt_compose_part(const char *tpl, bool html, const cap_notice_t *k, const char *lang, const json_t *model,
		    char **out)
{
	cctx_t c;
	int rc = cctx_open(&c, k, lang, model);
	if (rc)
		return rc;
	rc = render(html, tpl, c.ctx, 3, out);
	cctx_close(&c);
	return rc;
}

int notify_compose(const char *kind, const char *lang, const json_t *model, char **subject, char **text, char **html,
		   char **sms)
{
	const cap_notice_t *k = kind_find(kind);
	if (!k)
		return ERR_NOT_FOUND;
	if (!nt_app() || !ntexts)
		return ERR_UNAVAILABLE;
	cctx_t c;
	int rc = cctx_open(&c, k, lang, model);
	if (rc)
		return rc;
	char *t = NULL, *h = NULL;
	if (text)
		rc = render(false, k->tpl, c.ctx, 3, &t);
	if (!rc && html)
		rc = render(true, k->tpl, c.ctx, 3, &h);
	if (!rc) {
		if (subject)
			*subject = xstrdup(json_string_value(json_object_get(c.x, "subject")));
		if (text)
			*text = t;
		if (html)
			*html = h;
		if (sms) {
			char *pub = public_url();
			const char *date_long, *date, *time_s;
			vmodel_when(c.a, model, c.lang, &date_long, &date, &time_s);
			/* The manage link without its token: an SMS is short, travels less safely than a
			 * mail, and the page asks for the ID number instead. */
			const char *manage = vmodel_str(model, "manage_url");
			const char *url = *manage ? arena_strndup(c.a, manage, strcspn(manage, "?#")) : pub;
			const char *vars[] = {"code", vmodel_str(model, "code"), "date", date, "time", time_s,
					      "city", nt_compose_city(model),    "url",  url,  NULL};
			*sms = xstrdup(subst(c.a, c.lang, k->sms_key, vars));
			free(pub);
		}
	} else {
		free(t);
		free(h);
	}
	cctx_close(&c);
	return rc;
}
