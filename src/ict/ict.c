/* ict.c — the rules of digital accompaniment: checking a session, recording it with its person,
 * the before → after figures, the evaluation, and the citizen record's hooks. */
#include "ict/internal.h"

#include "base/contact.h"
#include "base/err.h"
#include "base/str.h"
#include "base/text.h"
#include "catalog/catalog.h"
#include "people/people.h"
#include "view/i18n.h"

#include <string.h>

const char *const ict_tools[ICT_TOOLS] = {"email", "digital_id",   "esignature",  "video_call",
					  "pdf",   "online_forms", "appointment", "apps"};
const char *const ict_skills[ICT_SKILLS] = {"eprocedures", "email", "digital_id", "esignature", "video_call"};
const char *const ict_modes[ICT_MODES] = {"for", "with", "taught"};
const char *const ict_nexts[ICT_NEXT] = {"booked", "course", "autonomous"};

bool ict_in(const char *v, const char *const *set, int n)
{
	for (int i = 0; v && i < n; i++)
		if (strcmp(v, set[i]) == 0)
			return true;
	return false;
}

/* text_clean into *s; the field's error when it is not text or too long. */
static void clean(arena_t *a, const char **s, size_t max, bool multiline, fielderr_t *e, const char *field)
{
	const char *out = "";
	if (text_clean(a, *s, max, multiline, &out))
		fielderr_add(e, field, "ict_err_text");
	*s = out;
}

static int check_office(db_conn_t *c, arena_t *a, ict_session_t *s, fielderr_t *e)
{
	catalog_office_t o;
	int rc = catalog_office_by_code(c, a, s->office ? s->office : "", &o);
	if (rc == ERR_NOT_FOUND || (!rc && (!o.active || str_eq(o.kind, "virtual_office")))) {
		fielderr_add(e, "office", "ict_err_office");
		return 0;
	}
	s->office_id = rc ? 0 : o.id;
	return rc;
}

static int check_procs(db_conn_t *c, arena_t *a, ict_session_t *s, fielderr_t *e)
{
	for (size_t i = 0; i < s->nprocs; i++) {
		ict_proc_t *p = &s->procs[i];
		clean(a, &p->other, 200, false, e, "procedures");
		if (!p->service)
			p->service = "";
		if (!ict_in(p->mode, ict_modes, ICT_MODES) || (!*p->service && !*p->other)) {
			fielderr_add(e, "procedures", "ict_err_procedure");
			continue;
		}
		if (!*p->service)
			continue;
		catalog_procedure_t q;
		int rc = catalog_procedure_by_code(c, a, p->service, &q);
		if (rc == ERR_NOT_FOUND)
			fielderr_add(e, "procedures", "ict_err_procedure");
		else if (rc)
			return rc;
	}
	return 0;
}

static void check_person(arena_t *a, ict_session_t *s, fielderr_t *e)
{
	clean(a, &s->name, 200, false, e, "name");
	if (s->id_number && *s->id_number) {
		char id[PEOPLE_ID_MAX];
		if (people_norm_id(s->id_number, id, NULL))
			s->id_number = arena_strdup(a, id);
		else
			fielderr_add(e, "id_number", "ict_err_id_number");
	}
	if (s->email && *s->email && !(s->email = contact_email_normalise(a, s->email)))
		fielderr_add(e, "email", "ict_err_email");
	if (s->phone && *s->phone && !(s->phone = contact_phone_default(a, s->phone)))
		fielderr_add(e, "phone", "ict_err_phone");
	if (!s->age_band)
		s->age_band = "";
	if (!s->gender)
		s->gender = "";
	if (!people_age_band_valid(s->age_band))
		fielderr_add(e, "age_band", "ict_err_choice");
	if (!people_gender_valid(s->gender))
		fielderr_add(e, "gender", "ict_err_choice");
}

/* The fields of the levels in errors (the person's "email" is another field). */
static const char *const level_fields[ICT_SKILLS] = {"level_eprocedures", "level_email", "level_digital_id",
						     "level_esignature", "level_video_call"};

static void check_assessment(ict_session_t *s, fielderr_t *e)
{
	if (!s->moment)
		s->moment = "";
	if (!*s->moment)
		return;
	if (!str_eq(s->moment, "before") && !str_eq(s->moment, "after")) {
		fielderr_add(e, "moment", "ict_err_choice");
		return;
	}
	if (s->levels[0] < 0 || s->levels[0] > 3)
		fielderr_add(e, level_fields[0], "ict_err_level");
	for (int i = 1; i < ICT_SKILLS; i++)
		if (s->levels[i] < -1 || s->levels[i] > 3)
			fielderr_add(e, level_fields[i], "ict_err_level");
}

int ict_check(db_conn_t *c, arena_t *a, ict_session_t *s, fielderr_t *e)
{
	int rc = check_office(c, a, s, e);
	if (!rc)
		rc = check_procs(c, a, s, e);
	if (rc)
		return rc;
	check_person(a, s, e);
	check_assessment(s, e);
	clean(a, &s->needs, ICT_TEXT_MAX, true, e, "needs");
	clean(a, &s->notes, ICT_TEXT_MAX, true, e, "notes");
	if (!s->next)
		s->next = "";
	if (*s->next && !ict_in(s->next, ict_nexts, ICT_NEXT))
		fielderr_add(e, "next", "ict_err_choice");
	if (s->minutes < 1 || s->minutes > 480)
		fielderr_add(e, "minutes", "ict_err_minutes");
	/* Tools: known ones, each once. */
	size_t k = 0;
	for (size_t i = 0; i < s->ntools; i++) {
		if (!ict_in(s->tools[i], ict_tools, ICT_TOOLS)) {
			fielderr_add(e, "tools", "ict_err_tool");
			continue;
		}
		if (!ict_in(s->tools[i], s->tools, (int)k))
			s->tools[k++] = s->tools[i];
	}
	s->ntools = k;
	if (!s->appointment)
		s->appointment = "";
	return e->n ? ERR_INVALID : 0;
}

/* Whether the person's follow-up consent is already on record and not withdrawn. */
static int consent_in_force(db_conn_t *c, arena_t *a, int64_t person_id, bool *known)
{
	people_t p;
	int rc = people_get(c, a, person_id, &p);
	*known = false;
	for (size_t i = 0; !rc && i < p.nconsents; i++)
		if (str_eq(p.consents[i].what, ICT_CONSENT_WHAT) && !p.consents[i].withdrawn_at)
			*known = true;
	return rc;
}

int ict_record(db_conn_t *c, arena_t *a, ict_session_t *s, int64_t now, fielderr_t *e)
{
	people_input_t in = {s->name, s->id_number, s->email, s->phone, s->lang};
	int rc = people_link(c, a, &in, now, &s->person_id);
	if (rc)
		return rc;
	if (!s->person_id) {
		fielderr_add(e, "id_number", "ict_err_person");
		return ERR_INVALID;
	}
	if (s->consent) {
		rc = consent_in_force(c, a, s->person_id, &s->consent_known);
		if (rc)
			return rc;
	}
	if (s->consent && !s->consent_known) {
		const char *lang = s->lang && *s->lang ? s->lang : "ca";
		rc = people_consent_add(c, s->person_id, ICT_CONSENT_WHAT, i18n_get(lang, "ict_consent_wording"), lang,
					"ict", now);
		if (rc)
			return rc;
	}
	if (!s->at)
		s->at = now;
	return ict_store_session_add(c, s, now, &s->id);
}

/* ---------------------------------------------------------------- the figures */

static double pct(int64_t part, int64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* One person's pair into out (first "before", last "after" taken later). */
static void add_pair(const ict_assess_t *before, const ict_assess_t *after, ict_pairs_t *out)
{
	if (!before || !after)
		return;
	out->with_both++;
	out->low_before += before->levels[0] <= 1;
	out->low_after += after->levels[0] <= 1;
	out->email_before += before->levels[1] >= 2;
	out->email_after += after->levels[1] >= 2;
	for (int k = 0; k < ICT_SKILLS; k++) {
		if (before->levels[k] < 0 || after->levels[k] < 0)
			continue;
		out->asked[k]++;
		out->avg_before[k] += before->levels[k];
		out->avg_after[k] += after->levels[k];
	}
}

void ict_pairs(const ict_assess_t *v, size_t n, ict_pairs_t *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		const ict_assess_t *before = NULL, *after = NULL;
		for (; j < n && v[j].person_id == v[i].person_id; j++) {
			if (!v[j].after && !before)
				before = &v[j];
			else if (v[j].after && before && v[j].at >= before->at)
				after = &v[j];
		}
		add_pair(before, after, out);
		i = j;
	}
	for (int k = 0; k < ICT_SKILLS; k++) {
		if (!out->asked[k])
			continue;
		out->avg_before[k] /= (double)out->asked[k];
		out->avg_after[k] /= (double)out->asked[k];
	}
	out->low_before_pct = pct(out->low_before, out->with_both);
	out->low_after_pct = pct(out->low_after, out->with_both);
	out->email_before_pct = pct(out->email_before, out->with_both);
	out->email_after_pct = pct(out->email_after, out->with_both);
	/* The relative change, as the programme reports it ("fell by 42 %"). */
	out->low_change_pct = out->low_before ? pct(out->low_after - out->low_before, out->low_before) : 0.0;
	out->email_change_pct = out->email_before ? pct(out->email_after - out->email_before, out->email_before) : 0.0;
}

int ict_evaluate(db_conn_t *c, arena_t *a, const ict_filter_t *f, ict_eval_t *out)
{
	memset(out, 0, sizeof *out);
	ict_assess_t *v = NULL;
	ict_count_t *modes = NULL, *tools = NULL;
	size_t n = 0, nm = 0, nt = 0;
	int rc = ict_store_counts(c, f, &out->people, &out->sessions, &out->new_people, &out->minutes);
	if (!rc)
		rc = ict_store_modes(c, a, f, &modes, &nm);
	if (!rc)
		rc = ict_store_tools(c, a, f, &tools, &nt);
	if (!rc)
		rc = ict_store_profile(c, a, f, &out->profile, &out->nprofile);
	if (!rc)
		rc = ict_store_assessments(c, a, f, &v, &n);
	if (rc)
		return rc;
	for (size_t i = 0; i < nm; i++)
		for (int k = 0; k < ICT_MODES; k++)
			if (str_eq(modes[i].key, ict_modes[k]))
				out->modes[k] = modes[i].n;
	for (size_t i = 0; i < nt; i++)
		for (int k = 0; k < ICT_TOOLS; k++)
			if (str_eq(tools[i].key, ict_tools[k]))
				out->tools[k] = tools[i].n;
	ict_pairs(v, n, &out->pairs);
	return 0;
}

/* ---------------------------------------------------------------- the citizen record */

int ict_timeline(app_t *app, db_conn_t *c, cap_tl_t *tl)
{
	for (size_t i = 0; i < tl->nids; i++) {
		ict_item_t *v;
		size_t n;
		int rc = ict_store_by_person(c, tl->a, tl->ids[i], &v, &n);
		if (rc)
			return rc;
		for (size_t k = 0; k < n; k++) {
			cap_tl_entry_t *e = cap_tl_add(tl);
			e->at = v[k].at;
			e->kind = "ict_session";
			e->ref = arena_printf(tl->a, "%lld", (long long)v[k].id);
			e->status = *v[k].next ? i18n_get(tl->lang, arena_printf(tl->a, "ict_next_%s", v[k].next)) : "";
			const char *sum = arena_printf(tl->a, "%s · %s · %d %s", i18n_get(tl->lang, "ict_tl_summary"),
						       v[k].office, v[k].minutes, i18n_get(tl->lang, "ict_min"));
			if (*v[k].needs)
				sum = arena_printf(tl->a, "%s · %s", sum, text_cut(tl->a, v[k].needs, 80));
			e->summary = sum;
			e->href = "";
			if (tl->full)
				e->detail = arena_printf(tl->a, "%s\n%s\n%s", v[k].agent, v[k].needs, v[k].notes);
		}
	}
	return 0;
}

int ict_erase(app_t *app, db_conn_t *c, const int64_t *ids, size_t n, int64_t now)
{
	return cap_erase_each(c, ids, n, ict_store_erase_person);
}
