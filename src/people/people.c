/* people.c — the rules of the citizen record: find-or-create, look-ups through merges, the
 * timeline across capabilities, merges and their undoing, erasure and the export (see people.h). */
#include "people/internal.h"

#include "app.h"
#include "base/contact.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "base/text.h"
#include "base/tz.h"
#include "view/i18n.h"

#include <stdlib.h>
#include <string.h>

#define FIND_MAX 50
#define NAME_MAX_CHARS 200

static bool lang_ok(const char *l)
{
	return str_eq(l, "ca") || str_eq(l, "es") || str_eq(l, "en");
}

/* ---------------------------------------------------------------- look-ups */

int people_get(db_conn_t *c, arena_t *a, int64_t id, people_t *out)
{
	int64_t root;
	int rc = pe_store_root(c, id, &root);
	if (!rc)
		rc = pe_store_get(c, a, root, out);
	int64_t *merged = NULL;
	size_t nm = 0;
	if (!rc)
		rc = pe_store_merged(c, a, root, &merged, &nm);
	if (rc)
		return rc;
	out->nids = 1 + nm;
	out->ids = arena_alloc(a, out->nids * sizeof *out->ids);
	out->ids[0] = root;
	if (nm)
		memcpy(out->ids + 1, merged, nm * sizeof *merged);
	rc = pe_store_contacts(c, a, out->ids, out->nids, &out->contacts, &out->ncontacts);
	if (!rc)
		rc = pe_store_consents(c, a, out->ids, out->nids, &out->consents, &out->nconsents);
	if (!rc)
		rc = pe_store_merges(c, a, out->ids, out->nids, &out->merges, &out->nmerges);
	if (rc)
		return rc;
	/* What the root lacks, a merged record may know. */
	for (size_t i = 1; i < out->nids; i++) {
		people_t m;
		if ((!*out->name || !*out->id_number) && pe_store_get(c, a, out->ids[i], &m) == 0) {
			if (!*out->name)
				out->name = m.name;
			if (!*out->id_number) {
				out->id_number = m.id_number;
				out->id_type = m.id_type;
			}
		}
	}
	return 0;
}

static void add_unique(arena_t *a, int64_t **v, size_t *n, size_t *cap, int64_t id)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i] == id)
			return;
	*ARENA_PUSH(a, *v, *n, *cap) = id;
}

/* The roots of records, each once, erased people left out. */
static int roots_of(db_conn_t *c, arena_t *a, const int64_t *recs, size_t nrecs, int64_t **out, size_t *n)
{
	int64_t *v = NULL;
	size_t nv = 0, cap = 0;
	for (size_t i = 0; i < nrecs; i++) {
		int64_t root;
		people_t p;
		int rc = pe_store_root(c, recs[i], &root);
		if (!rc)
			rc = pe_store_get(c, a, root, &p);
		if (rc)
			return rc;
		if (!p.erased_at)
			add_unique(a, &v, &nv, &cap, root);
	}
	*out = v;
	*n = nv;
	return 0;
}

/* Keeps in *v only the ids that are also in w. */
static void intersect(int64_t *v, size_t *n, const int64_t *w, size_t nw)
{
	size_t k = 0;
	for (size_t i = 0; i < *n; i++)
		for (size_t j = 0; j < nw; j++)
			if (v[i] == w[j]) {
				v[k++] = v[i];
				break;
			}
	*n = k;
}

/* The roots matching one key: kind "id", "email" or "phone" with its normalised value. */
static int find_one(db_conn_t *c, arena_t *a, const char *kind, const char *norm, int64_t **out, size_t *n)
{
	int64_t *recs = NULL;
	size_t nr = 0;
	int rc;
	if (str_eq(kind, "id")) {
		int64_t id;
		rc = pe_store_by_id_number(c, norm, &id);
		if (rc == ERR_NOT_FOUND) {
			*out = NULL;
			*n = 0;
			return 0;
		}
		if (!rc) {
			recs = arena_alloc(a, sizeof *recs);
			recs[0] = id;
			nr = 1;
		}
	} else {
		rc = pe_store_by_contact(c, a, kind, norm, FIND_MAX, &recs, &nr);
	}
	if (rc)
		return rc;
	return roots_of(c, a, recs, nr, out, n);
}

int people_find(db_conn_t *c, arena_t *a, const char *id_number, const char *email, const char *phone, int64_t **ids,
		size_t *n)
{
	const char *keys[3][2] = {{"id", NULL}, {"email", NULL}, {"phone", NULL}};
	char idn[PEOPLE_ID_MAX];
	if (id_number && *id_number) {
		if (!people_norm_id(id_number, idn, NULL))
			return ERR_INVALID;
		keys[0][1] = idn;
	}
	if (email && *email && !(keys[1][1] = contact_email_identity(a, email)))
		return ERR_INVALID;
	if (phone && *phone && !(keys[2][1] = contact_phone_default(a, phone)))
		return ERR_INVALID;
	bool any = false;
	int64_t *v = NULL;
	size_t nv = 0;
	for (int k = 0; k < 3; k++) {
		if (!keys[k][1])
			continue;
		int64_t *w;
		size_t nw;
		int rc = find_one(c, a, keys[k][0], keys[k][1], &w, &nw);
		if (rc)
			return rc;
		if (!any) {
			v = w;
			nv = nw;
		} else {
			intersect(v, &nv, w, nw);
		}
		any = true;
	}
	if (!any)
		return ERR_INVALID;
	*ids = v;
	*n = nv;
	return 0;
}

/* ---------------------------------------------------------------- find-or-create */

/* Adds the input's contacts to the record (those it has already are skipped). */
static int add_contacts(db_conn_t *c, arena_t *a, int64_t id, const char *email, const char *phone, int64_t now)
{
	const char *e = email && *email ? contact_email_normalise(a, email) : NULL;
	const char *key = e ? contact_email_identity(a, email) : NULL;
	const char *p = phone && *phone ? contact_phone_default(a, phone) : NULL;
	int rc = e ? pe_store_contact_add(c, id, "email", e, key, now) : 0;
	if (!rc && p)
		rc = pe_store_contact_add(c, id, "phone", p, p, now);
	return rc;
}

int pe_create(db_conn_t *c, arena_t *a, const pe_fields_t *f, const char *email, const char *phone, int64_t now,
	      int64_t *id)
{
	int rc = pe_store_insert(c, f, now, id);
	if (!rc)
		rc = add_contacts(c, a, *id, email, phone, now);
	return rc;
}

/* The one root whose contact matches, when it has no ID number other than idn ("" for none). */
static int by_contact(db_conn_t *c, arena_t *a, const char *kind, const char *norm, const char *idn, int64_t *id,
		      bool *ambiguous)
{
	int64_t *v;
	size_t n;
	int rc = find_one(c, a, kind, norm, &v, &n);
	if (rc || n == 0)
		return rc;
	if (n > 1) {
		*ambiguous = true;
		return 0;
	}
	people_t p;
	rc = pe_store_get(c, a, v[0], &p);
	if (!rc && (!*p.id_number || !*idn || str_eq(p.id_number, idn)))
		*id = v[0];
	return rc;
}

int people_link(db_conn_t *c, arena_t *a, const people_input_t *in, int64_t now, int64_t *id)
{
	*id = 0;
	char idn[PEOPLE_ID_MAX] = "";
	const char *type = "";
	if (in->id_number && *in->id_number && !people_norm_id(in->id_number, idn, &type))
		idn[0] = '\0';
	const char *email = in->email && *in->email ? contact_email_normalise(a, in->email) : NULL;
	const char *ekey = email ? contact_email_identity(a, in->email) : NULL;
	const char *phone = in->phone && *in->phone ? contact_phone_default(a, in->phone) : NULL;
	if (!*idn && !email && !phone)
		return 0;
	int rc = 0;
	bool ambiguous = false;
	int64_t found = 0;
	if (*idn) {
		rc = pe_store_by_id_number(c, idn, &found);
		if (rc == ERR_NOT_FOUND)
			rc = 0, found = 0;
		else if (!rc)
			rc = pe_store_root(c, found, &found);
	}
	if (!rc && !found && email)
		rc = by_contact(c, a, "email", ekey, idn, &found, &ambiguous);
	if (!rc && !found && phone)
		rc = by_contact(c, a, "phone", phone, idn, &found, &ambiguous);
	if (rc)
		return rc;
	const char *name = in->name && *in->name ? in->name : "";
	if (text_clean(a, name, NAME_MAX_CHARS, false, &name))
		name = "";
	if (!found && ambiguous && !*idn)
		return 0;
	if (!found) {
		pe_fields_t f = {.name = name,
				 .id_type = type,
				 .id_number = *idn ? idn : NULL,
				 .lang = lang_ok(in->lang) ? in->lang : "ca"};
		return pe_create(c, a, &f, email, phone, now, id);
	}
	people_t p;
	rc = pe_store_get(c, a, found, &p);
	if (!rc && p.erased_at)
		return 0; /* an erased person is never linked again */
	/* A record found by a contact learns the ID number it lacked. */
	if (!rc && *idn && !*p.id_number) {
		pe_fields_t f = {p.name && *p.name ? p.name : name, type, idn, p.lang, p.age_band, p.gender};
		rc = pe_store_update(c, found, &f, now);
	} else if (!rc && !*p.name && *name) {
		pe_fields_t f = {name, p.id_type, *p.id_number ? p.id_number : NULL, p.lang, p.age_band, p.gender};
		rc = pe_store_update(c, found, &f, now);
	}
	if (!rc)
		rc = add_contacts(c, a, found, email, phone, now);
	if (!rc)
		*id = found;
	return rc;
}

int people_consent_add(db_conn_t *c, int64_t person_id, const char *what, const char *wording, const char *lang,
		       const char *source, int64_t now)
{
	return pe_store_consent_add(c, person_id, what, wording, lang, source, now);
}

bool pe_fields_check(arena_t *a, pe_fields_t *f, fielderr_t *errs)
{
	size_t before = errs->n;
	if (!f->name || text_clean(a, f->name, NAME_MAX_CHARS, false, &f->name))
		fielderr_add(errs, "name", "pe_err_name");
	if (f->id_number && *f->id_number) {
		char *idn = arena_alloc(a, PEOPLE_ID_MAX);
		if (!people_norm_id(f->id_number, idn, &f->id_type))
			fielderr_add(errs, "id_number", "pe_err_id_number");
		f->id_number = idn;
	} else {
		f->id_number = NULL;
		f->id_type = "";
	}
	if (!lang_ok(f->lang))
		fielderr_add(errs, "lang", "pe_err_lang");
	if (!people_age_band_valid(f->age_band))
		fielderr_add(errs, "age_band", "pe_err_age_band");
	if (!people_gender_valid(f->gender))
		fielderr_add(errs, "gender", "pe_err_gender");
	return errs->n == before;
}

/* ---------------------------------------------------------------- timeline */

static int tl_newest_first(const void *x, const void *y)
{
	const cap_tl_entry_t *a = x, *b = y;
	if (a->at != b->at)
		return a->at < b->at ? 1 : -1;
	return strcmp(b->ref ? b->ref : "", a->ref ? a->ref : "");
}

int people_timeline(app_t *app, db_conn_t *c, arena_t *a, const people_t *p, const char *lang, bool full,
		    cap_tl_entry_t **out, size_t *n)
{
	cap_tl_t tl = {.a = a, .lang = lang_ok(lang) ? lang : "ca", .ids = p->ids, .nids = p->nids, .full = full};
	int rc = cap_timeline(app, c, &tl);
	if (rc)
		return rc;
	if (tl.n)
		qsort(tl.v, tl.n, sizeof *tl.v, tl_newest_first);
	*out = tl.v;
	*n = tl.n;
	return 0;
}

json_t *people_iso(int64_t t)
{
	if (!t)
		return json_null();
	char s[TZ_ISO_LEN];
	tz_format_iso(tz_utc(), t, s);
	return json_string(s);
}

json_t *people_timeline_json(const cap_tl_entry_t *v, size_t n, bool full)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *e = jpack("{s:o,s:s,s:s,s:s,s:s,s:s}", "at", people_iso(v[i].at), "kind",
				  v[i].kind ? v[i].kind : "", "ref", v[i].ref ? v[i].ref : "", "status",
				  v[i].status ? v[i].status : "", "summary", v[i].summary ? v[i].summary : "", "href",
				  v[i].href ? v[i].href : "");
		if (full)
			json_object_set_new(e, "detail", json_string(v[i].detail ? v[i].detail : ""));
		json_array_append_new(arr, e);
	}
	return arr;
}

json_t *people_json(const people_t *p)
{
	json_t *emails = json_array(), *phones = json_array(), *consents = json_array(), *records = json_array();
	for (size_t i = 0; i < p->ncontacts; i++)
		json_array_append_new(str_eq(p->contacts[i].kind, "email") ? emails : phones,
				      json_string(p->contacts[i].value));
	for (size_t i = 0; i < p->nconsents; i++) {
		const people_consent_t *k = &p->consents[i];
		json_array_append_new(consents,
				      jpack("{s:I,s:s,s:s,s:s,s:s,s:o,s:o}", "id", (json_int_t)k->id, "what", k->what,
					    "wording", k->wording, "lang", k->lang, "source", k->source, "given_at",
					    people_iso(k->given_at), "withdrawn_at", people_iso(k->withdrawn_at)));
	}
	for (size_t i = 0; i < p->nids; i++)
		json_array_append_new(records, json_integer(p->ids[i]));
	return jpack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:b}", "id", (json_int_t)p->id, "name", p->name,
		     "id_type", p->id_type, "id_number", p->id_number, "lang", p->lang, "age_band", p->age_band,
		     "gender", p->gender, "emails", emails, "phones", phones, "consents", consents, "records", records,
		     "created_at", people_iso(p->created_at), "erased", p->erased_at != 0);
}

/* ---------------------------------------------------------------- merges, erasure, export */

int pe_merge(db_conn_t *c, arena_t *a, int64_t survivor, int64_t merged, const char *by, int64_t now, int64_t *merge_id)
{
	int64_t rs, rm;
	int rc = pe_store_root(c, survivor, &rs);
	if (!rc)
		rc = pe_store_root(c, merged, &rm);
	if (rc)
		return rc;
	if (rs == rm)
		return ERR_INVALID;
	people_t s, m;
	rc = pe_store_get(c, a, rs, &s);
	if (!rc)
		rc = pe_store_get(c, a, rm, &m);
	if (rc)
		return rc;
	if (s.erased_at || m.erased_at)
		return ERR_CONFLICT;
	return pe_store_merge(c, rs, rm, by, now, merge_id);
}

int pe_unmerge(db_conn_t *c, arena_t *a, int64_t merge_id, const char *by, int64_t now, people_merge_t *out)
{
	int rc = pe_store_merge_get(c, a, merge_id, out);
	if (!rc)
		rc = pe_store_unmerge(c, out, by, now);
	return rc;
}

int pe_erase(app_t *app, db_conn_t *c, arena_t *a, int64_t id, int64_t now)
{
	people_t p;
	int rc = people_get(c, a, id, &p);
	if (rc)
		return rc;
	if (p.erased_at)
		return ERR_CONFLICT;
	return cap_erase(app, c, p.ids, p.nids, now);
}

json_t *pe_export(app_t *app, db_conn_t *c, arena_t *a, const people_t *p, const char *lang, int64_t now)
{
	cap_tl_entry_t *v;
	size_t n;
	if (people_timeline(app, c, a, p, lang, true, &v, &n))
		return NULL;
	return jpack("{s:o,s:o,s:o}", "exported_at", people_iso(now), "person", people_json(p), "timeline",
		     people_timeline_json(v, n, true));
}

/* ---------------------------------------------------------------- the staff panel */

const char *people_when(arena_t *a, int64_t t)
{
	if (!t)
		return "";
	const tz_t *z = tz_get("Europe/Madrid");
	tz_local_t l;
	tz_local(z ? z : tz_utc(), t, &l);
	int y, m, d;
	tz_civil_from_days(l.day, &y, &m, &d);
	return arena_printf(a, "%02d/%02d/%04d %02d:%02d", d, m, y, l.minute / 60, l.minute % 60);
}

json_t *people_panel(app_t *app, db_conn_t *c, arena_t *a, int64_t person_id, const char *lang, int *rc)
{
	people_t p;
	cap_tl_entry_t *v = NULL;
	size_t n = 0;
	*rc = people_get(c, a, person_id, &p);
	if (!*rc)
		*rc = people_timeline(app, c, a, &p, lang, false, &v, &n);
	if (*rc)
		return NULL;
	json_t *person = people_json(&p);
	json_object_set_new(person, "id_masked", json_string(people_id_mask(a, p.id_number)));
	json_t *tl = json_array();
	for (size_t i = 0; i < n; i++) {
		const char *kind = v[i].kind ? v[i].kind : "";
		json_array_append_new(tl, jpack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "at", (json_int_t)v[i].at, "when",
						people_when(a, v[i].at), "kind", kind, "kind_label",
						i18n_get(lang, arena_printf(a, "pe_kind_%s", kind)), "ref",
						v[i].ref ? v[i].ref : "", "status", v[i].status ? v[i].status : "",
						"summary", v[i].summary ? v[i].summary : "", "href",
						v[i].href ? v[i].href : ""));
	}
	return jpack("{s:o,s:o,s:b}", "person", person, "timeline", tl, "has_timeline", n > 0);
}
