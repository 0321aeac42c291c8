/* catalog.c — the catalogue's contract (catalog.h), import and export over the store, the demo
 * catalogue and the CLI commands. */
#include "catalog/catalog.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "catalog/internal.h"
#include "catalog/store.h"
#include "view/i18n.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t cat_now(void)
{
	return (int64_t)time(NULL);
}

/* ---------------------------------------------------------------- the contract */

int catalog_office_by_code(db_conn_t *c, arena_t *a, const char *code, catalog_office_t *out)
{
	if (!code || !cat_code_valid(code))
		return ERR_NOT_FOUND;
	return cat_store_office_light(c, a, code, 0, out);
}

int catalog_office_by_id(db_conn_t *c, arena_t *a, int64_t id, catalog_office_t *out)
{
	return cat_store_office_light(c, a, NULL, id, out);
}

int catalog_procedure_by_code(db_conn_t *c, arena_t *a, const char *code, catalog_procedure_t *out)
{
	if (!code || !cat_code_valid(code))
		return ERR_NOT_FOUND;
	return cat_store_proc_light(c, a, code, 0, out);
}

int catalog_procedure_by_id(db_conn_t *c, arena_t *a, int64_t id, catalog_procedure_t *out)
{
	return cat_store_proc_light(c, a, NULL, id, out);
}

int catalog_offices(db_conn_t *c, arena_t *a, catalog_office_t **out, size_t *n)
{
	return cat_store_offices_light(c, a, out, n);
}

int catalog_procedures(db_conn_t *c, arena_t *a, catalog_procedure_t **out, size_t *n)
{
	return cat_store_procs_light(c, a, 0, out, n);
}

int catalog_office_full(db_conn_t *c, arena_t *a, const char *code, cat_office_t *out)
{
	return cat_store_office_get(c, a, code, false, out);
}

int catalog_office_with_zones(db_conn_t *c, arena_t *a, const char *code, cat_office_t *out)
{
	return cat_store_office_get(c, a, code, true, out);
}

int catalog_procedure_full(db_conn_t *c, arena_t *a, const char *code, cat_proc_t *out)
{
	return cat_store_proc_get(c, a, code, out);
}

int catalog_offices_full(db_conn_t *c, arena_t *a, cat_office_t **out, size_t *n)
{
	return cat_store_offices(c, a, true, false, out, n);
}

int catalog_procedures_full(db_conn_t *c, arena_t *a, cat_proc_t **out, size_t *n)
{
	return cat_store_procs(c, a, true, out, n);
}

int catalog_procedures_at(db_conn_t *c, arena_t *a, int64_t office_id, catalog_procedure_t **out, size_t *n)
{
	if (office_id <= 0) {
		*out = NULL;
		*n = 0;
		return 0;
	}
	return cat_store_procs_light(c, a, office_id, out, n);
}

int catalog_procedure_offered(db_conn_t *c, int64_t procedure_id, int64_t office_id)
{
	return cat_store_offered(c, procedure_id, office_id);
}

const char *catalog_office_name(const catalog_office_t *o, const char *lang)
{
	return i18n_pick(lang, (const char *const[]){o->name_ca, o->name_es, o->name_en});
}

const char *catalog_procedure_name(const catalog_procedure_t *p, const char *lang)
{
	return i18n_pick(lang, (const char *const[]){p->name_ca, p->name_es, p->name_en});
}

bool catalog_channel_valid(const char *channel)
{
	return CAT_IN(channel, cat_channels);
}

bool catalog_channels_has(const char *channels, const char *channel)
{
	return cat_list_has(channels, channel);
}

/* ---------------------------------------------------------------- export */

int cat_export(db_conn_t *c, arena_t *a, cat_doc_t *out)
{
	*out = (cat_doc_t){0};
	int rc = cat_store_orgs(c, a, &out->orgs, &out->norgs);
	if (!rc)
		rc = cat_store_offices(c, a, false, true, &out->offices, &out->noffices);
	if (!rc)
		rc = cat_store_procs(c, a, false, &out->procs, &out->nprocs);
	return rc;
}

/* ---------------------------------------------------------------- import */

typedef struct {
	db_conn_t *c;
	arena_t *a;
	cat_import_stats_t *st;
	cat_ierrs_t *errs;
	int64_t now;
	int fatal; /* a storage error: the transaction is dead, stop writing */
} imp_t;

/* Records a failed write. A conflict is the input's fault (a code or letter already taken in a
 * way the checks could not see); anything else is the storage's. */
static void write_failed(imp_t *m, int rc, const char *at)
{
	if (rc == ERR_CONFLICT)
		cat_ierrs_add(m->errs, at, "", "err_cat_conflict", db_errmsg(m->c));
	else
		cat_ierrs_add(m->errs, at, "", "err_cat_storage", db_errmsg(m->c));
	m->fatal = rc;
}

static void imp_orgs(imp_t *m, const cat_doc_t *d)
{
	for (size_t i = 0; i < d->norgs && !m->fatal; i++) {
		const cat_org_t *o = &d->orgs[i];
		cat_org_t old;
		int rc = cat_store_org_get(m->c, m->a, o->code, &old);
		int64_t id;
		if (rc == ERR_NOT_FOUND) {
			rc = cat_store_org_insert(m->c, o, m->now, &id);
			if (!rc)
				m->st->orgs.created++;
		} else if (!rc && !cat_org_same(o, &old)) {
			rc = cat_store_org_update(m->c, old.id, o, m->now);
			if (!rc)
				m->st->orgs.updated++;
		} else if (!rc) {
			m->st->orgs.unchanged++;
		}
		if (rc)
			write_failed(m, rc, o->at);
	}
}

static const cat_zone_t *zone_by_code(const cat_office_t *o, const char *code)
{
	for (size_t i = 0; i < o->nzones; i++)
		if (str_eq(o->zones[i].code, code))
			return &o->zones[i];
	return NULL;
}

static void imp_desks(imp_t *m, int64_t zone_id, const cat_zone_t *old, const cat_zone_t *z)
{
	for (size_t k = 0; k < z->ndesks && !m->fatal; k++) {
		const cat_desk_t *dk = &z->desks[k];
		const cat_desk_t *prev = NULL;
		for (size_t j = 0; old && j < old->ndesks && !prev; j++)
			if (str_eq(old->desks[j].code, dk->code))
				prev = &old->desks[j];
		int rc = 0;
		int64_t id;
		if (!prev) {
			rc = cat_store_desk_insert(m->c, zone_id, dk, &id);
			if (!rc)
				m->st->desks.created++;
		} else if (!cat_desk_same(dk, prev)) {
			rc = cat_store_desk_update(m->c, prev->id, dk);
			if (!rc)
				m->st->desks.updated++;
		} else {
			m->st->desks.unchanged++;
		}
		if (rc)
			write_failed(m, rc, dk->at);
	}
}

/* Zones (and their desks) of one stored office, upserted from the document's office o. */
static void imp_zones(imp_t *m, const cat_office_t *old, const cat_office_t *o)
{
	/* A letter may pass from one zone to another in the same import (A↔B): park the letters that
	 * change on unique placeholders first, so the unique (office, letter) index never sees two
	 * zones holding the same letter in between. */
	bool *skip = arena_alloc(m->a, (o->nzones + 1) * sizeof *skip);
	for (size_t i = 0; i < o->nzones && !m->fatal; i++) {
		const cat_zone_t *z = &o->zones[i];
		if (z->ref)
			continue;
		const cat_zone_t *prev = old ? zone_by_code(old, z->code) : NULL;
		/* A letter held by a stored zone the document does not mention stays taken. */
		for (size_t j = 0; old && j < old->nzones && !skip[i]; j++) {
			const cat_zone_t *other = &old->zones[j];
			bool mentioned = false;
			for (size_t k = 0; k < o->nzones && !mentioned; k++)
				mentioned = str_eq(o->zones[k].code, other->code);
			if (!mentioned && str_eq(other->letter, z->letter)) {
				cat_ierrs_add(m->errs, z->at, "letter", "err_cat_letter_taken", z->letter);
				skip[i] = true;
			}
		}
		if (skip[i])
			continue;
		if (prev && !str_eq(prev->letter, z->letter)) {
			cat_zone_t parked = *prev;
			parked.letter = arena_printf(m->a, "~%lld", (long long)prev->id);
			int rc = cat_store_zone_update(m->c, prev->id, &parked);
			if (rc)
				write_failed(m, rc, z->at);
		}
	}
	for (size_t i = 0; i < o->nzones && !m->fatal; i++) {
		const cat_zone_t *z = &o->zones[i];
		if (skip[i])
			continue;
		const cat_zone_t *prev = old ? zone_by_code(old, z->code) : NULL;
		int64_t zid = prev ? prev->id : 0;
		int rc = 0;
		if (z->ref) {
			if (!prev) {
				cat_ierrs_add(m->errs, z->at, "zone", "err_cat_zone_unknown", z->code);
				continue;
			}
		} else if (!prev) {
			rc = cat_store_zone_insert(m->c, old ? old->id : 0, z, &zid);
			if (!rc)
				m->st->zones.created++;
		} else if (!cat_zone_same(z, prev)) {
			rc = cat_store_zone_update(m->c, prev->id, z);
			if (!rc)
				m->st->zones.updated++;
		} else {
			m->st->zones.unchanged++;
		}
		if (rc) {
			write_failed(m, rc, z->at);
			break;
		}
		imp_desks(m, zid, prev, z);
	}
}

static void imp_offices(imp_t *m, const cat_doc_t *d)
{
	for (size_t i = 0; i < d->noffices && !m->fatal; i++) {
		const cat_office_t *o = &d->offices[i];
		cat_office_t old;
		int rc = cat_store_office_get(m->c, m->a, o->code, true, &old);
		if (rc && rc != ERR_NOT_FOUND) {
			write_failed(m, rc, o->at);
			break;
		}
		bool exists = rc == 0;
		if (o->ref) {
			if (!exists) {
				cat_ierrs_add(m->errs, o->at, "office", "err_cat_office_unknown", o->code);
				continue;
			}
			imp_zones(m, &old, o);
			continue;
		}
		cat_org_t org;
		rc = cat_store_org_get(m->c, m->a, o->org, &org);
		if (rc == ERR_NOT_FOUND) {
			cat_ierrs_add(m->errs, o->at, "organisation", "err_cat_org_unknown", o->org);
			continue;
		}
		if (rc) {
			write_failed(m, rc, o->at);
			break;
		}
		if (!exists) {
			int64_t id = 0;
			rc = cat_store_office_insert(m->c, o, m->now, &id);
			if (!rc) {
				m->st->offices.created++;
				old = *o;
				old.id = id;
				old.zones = NULL;
				old.nzones = 0;
			}
		} else if (!cat_office_same(o, &old)) {
			rc = cat_store_office_update(m->c, old.id, o, m->now);
			if (!rc)
				m->st->offices.updated++;
		} else {
			m->st->offices.unchanged++;
		}
		if (rc) {
			write_failed(m, rc, o->at);
			break;
		}
		imp_zones(m, &old, o);
	}
}

static void imp_procs(imp_t *m, const cat_doc_t *d)
{
	for (size_t i = 0; i < d->nprocs && !m->fatal; i++) {
		const cat_proc_t *p = &d->procs[i];
		bool refs_ok = true;
		for (size_t k = 0; k < p->offices.n && !m->fatal; k++) {
			int rc = cat_store_office_exists(m->c, p->offices.v[k]);
			if (rc == ERR_NOT_FOUND) {
				cat_ierrs_add(m->errs, p->at, "offices", "err_cat_office_unknown", p->offices.v[k]);
				refs_ok = false;
			} else if (rc) {
				m->fatal = rc;
			}
		}
		if (!refs_ok || m->fatal)
			continue;
		cat_proc_t old;
		int rc = cat_store_proc_get(m->c, m->a, p->code, &old);
		int64_t id = 0;
		if (rc == ERR_NOT_FOUND) {
			rc = cat_store_proc_insert(m->c, p, m->now, &id);
			if (!rc)
				rc = cat_store_proc_set_offices(m->c, id, &p->offices);
			if (!rc)
				m->st->procs.created++;
		} else if (!rc && !cat_proc_same(p, &old)) {
			rc = cat_store_proc_update(m->c, old.id, p, m->now);
			if (!rc)
				rc = cat_store_proc_set_offices(m->c, old.id, &p->offices);
			if (!rc)
				m->st->procs.updated++;
		} else if (!rc) {
			m->st->procs.unchanged++;
		}
		if (rc)
			write_failed(m, rc, p->at);
	}
}

int cat_import(db_conn_t *c, arena_t *a, const cat_doc_t *docs, size_t n, bool dry_run, cat_import_stats_t *st,
	       cat_ierrs_t *errs)
{
	*st = (cat_import_stats_t){0};
	imp_t m = {c, a, st, errs, cat_now(), 0};
	int rc = db_begin(c);
	if (rc) {
		cat_ierrs_add(errs, "", "", "err_cat_storage", db_errmsg(c));
		return rc;
	}
	/* Organisations, then offices, then procedures, whatever the order of the documents: each
	 * level refers to the one before. */
	for (size_t i = 0; i < n && !m.fatal; i++)
		imp_orgs(&m, &docs[i]);
	for (size_t i = 0; i < n && !m.fatal; i++)
		imp_offices(&m, &docs[i]);
	for (size_t i = 0; i < n && !m.fatal; i++)
		imp_procs(&m, &docs[i]);
	if (m.fatal || errs->n || errs->dropped || dry_run) {
		db_rollback(c);
		if (m.fatal && m.fatal != ERR_CONFLICT)
			return m.fatal;
		return errs->n || errs->dropped ? ERR_INVALID : 0;
	}
	rc = db_commit(c);
	if (rc)
		cat_ierrs_add(errs, "", "", "err_cat_storage", db_errmsg(c));
	return rc;
}

/* ---------------------------------------------------------------- files */

/* Prefixes every entity's place with the file name, so errors found while applying several
 * files say which one. */
static const char *in_file(arena_t *a, const char *path, const char *at)
{
	return arena_printf(a, "%s %s", path, at ? at : "");
}

static void name_places(arena_t *a, cat_doc_t *d, const char *path)
{
	for (size_t i = 0; i < d->norgs; i++)
		d->orgs[i].at = in_file(a, path, d->orgs[i].at);
	for (size_t i = 0; i < d->noffices; i++) {
		cat_office_t *o = &d->offices[i];
		o->at = in_file(a, path, o->at);
		for (size_t z = 0; z < o->nzones; z++) {
			o->zones[z].at = in_file(a, path, o->zones[z].at);
			for (size_t k = 0; k < o->zones[z].ndesks; k++)
				o->zones[z].desks[k].at = in_file(a, path, o->zones[z].desks[k].at);
		}
	}
	for (size_t i = 0; i < d->nprocs; i++)
		d->procs[i].at = in_file(a, path, d->procs[i].at);
}

static int read_file(arena_t *a, const char *path, cat_kind_t *kind, cat_doc_t *doc, cat_ierrs_t *errs, FILE *err)
{
	*kind = CAT_K_JSON;
	*doc = (cat_doc_t){0};
	buf_t b;
	buf_init(&b, CAT_FILE_MAX);
	int rc = buf_read_file(&b, path);
	if (rc) {
		fprintf(err, "%s: %s\n", path, rc == ERR_TOO_BIG ? "larger than 16 MiB" : "cannot read the file");
		buf_free(&b);
		return rc == ERR_TOO_BIG ? rc : ERR_IO;
	}
	if (str_ends(path, ".csv") || str_ends(path, ".CSV"))
		rc = cat_read_csv(a, buf_str(&b), b.len, kind, doc, errs);
	else
		rc = cat_read_json(a, buf_str(&b), b.len, doc, errs);
	buf_free(&b);
	if (!rc)
		name_places(a, doc, path);
	return rc;
}

static void print_errs(const cat_ierrs_t *errs, const char *prefix, FILE *err)
{
	buf_t b;
	buf_init(&b, 1 << 20);
	cat_ierrs_format(errs, prefix, &b);
	fputs(buf_str(&b), err);
	buf_free(&b);
}

static void print_count(FILE *out, const char *what, const cat_count_t *k)
{
	if (k->created || k->updated || k->unchanged)
		fprintf(out, "  %-14s %d created, %d updated, %d unchanged\n", what, k->created, k->updated,
			k->unchanged);
}

int catalog_cli_import(db_conn_t *c, const char *const *files, size_t n, bool dry_run, FILE *out, FILE *err)
{
	arena_t *a = arena_new();
	cat_doc_t *docs = arena_alloc(a, (n + 1) * sizeof *docs);
	cat_kind_t *kinds = arena_alloc(a, (n + 1) * sizeof *kinds);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		cat_ierrs_t *errs = arena_alloc(a, sizeof *errs);
		int r = read_file(a, files[i], &kinds[i], &docs[i], errs, err);
		if (r == ERR_INVALID)
			print_errs(errs, files[i], err);
		if (r && !rc)
			rc = r;
	}
	if (rc)
		goto out;
	/* CSV tables refer upwards (desks to zones to offices to organisations): apply them in
	 * that order, whatever order the files were given in. */
	cat_doc_t *sorted = arena_alloc(a, (n + 1) * sizeof *sorted);
	size_t m = 0;
	for (int k = CAT_K_JSON; k <= CAT_K_PROCEDURES; k++)
		for (size_t i = 0; i < n; i++)
			if ((int)kinds[i] == k)
				sorted[m++] = docs[i];
	cat_ierrs_t *errs = arena_alloc(a, sizeof *errs);
	cat_import_stats_t st;
	rc = cat_import(c, a, sorted, m, dry_run, &st, errs);
	if (rc) {
		print_errs(errs, "", err);
		fprintf(err, "nothing was imported\n");
		goto out;
	}
	fprintf(out, "%s:\n", dry_run ? "catalogue checked (dry run, nothing written)" : "catalogue imported");
	print_count(out, "organisations", &st.orgs);
	print_count(out, "offices", &st.offices);
	print_count(out, "zones", &st.zones);
	print_count(out, "desks", &st.desks);
	print_count(out, "procedures", &st.procs);
	if (!dry_run)
		fprintf(out, "running servers show the change within 60 seconds (their cache time)\n");
out:
	arena_free(a);
	return rc;
}

int catalog_cli_export(db_conn_t *c, const char *format, const char *table, FILE *out, FILE *err)
{
	bool csv = str_eq(format, "csv");
	if (format && !csv && !str_eq(format, "json")) {
		fprintf(err, "export catalogue: --format must be json or csv\n");
		return ERR_INVALID;
	}
	int kind = CAT_K_PROCEDURES;
	if (table) {
		kind = cat_kind_from_name(table);
		if (!csv || kind < 0) {
			fprintf(err, "export catalogue: --table works with --format csv and is one of organisations, "
				     "offices, "
				     "zones, desks, procedures\n");
			return ERR_INVALID;
		}
	}
	arena_t *a = arena_new();
	cat_doc_t d;
	int rc = cat_export(c, a, &d);
	if (rc) {
		fprintf(err, "export catalogue: storage error: %s\n", db_errmsg(c));
		goto out;
	}
	if (csv) {
		buf_t b;
		buf_init(&b, (size_t)256 << 20);
		rc = cat_doc_to_csv(&d, (cat_kind_t)kind, &b);
		if (!rc && fwrite(buf_str(&b), 1, b.len, out) != b.len)
			rc = ERR_IO;
		buf_free(&b);
	} else {
		json_t *j = cat_doc_to_json(&d);
		char *s = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
		json_decref(j);
		if (!s || fputs(s, out) < 0 || fputc('\n', out) < 0)
			rc = ERR_IO;
		free(s);
	}
	if (rc)
		fprintf(err, "export catalogue: cannot write the output\n");
out:
	arena_free(a);
	return rc;
}

/* ---------------------------------------------------------------- demo */

int catalog_demo_seed_root(db_conn_t *c, const char *root)
{
	if (!cat_store_catalogue_empty(c))
		return 0;
	char *path = xasprintf("%s/deploy/demo/catalogue.json", root && *root ? root : ".");
	arena_t *a = arena_new();
	cat_ierrs_t *errs = arena_alloc(a, sizeof *errs);
	cat_kind_t kind;
	cat_doc_t doc;
	int rc = read_file(a, path, &kind, &doc, errs, stderr);
	cat_import_stats_t st;
	if (!rc)
		rc = cat_import(c, a, &doc, 1, false, &st, errs);
	if (rc) {
		buf_t b;
		buf_init(&b, 1 << 20);
		cat_ierrs_format(errs, "", &b);
		log_error("demo catalogue: %s%s", rc == ERR_INVALID ? "\n" : err_name(rc), buf_str(&b));
		buf_free(&b);
	}
	free(path);
	arena_free(a);
	return rc;
}
