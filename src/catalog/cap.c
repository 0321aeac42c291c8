/* cap.c — the catalogue's entry in the capability table (core/cap.h): routes, the topic its
 * API cache listens to, the demo catalogue, `import catalogue` and `export catalogue`. */
#include "catalog/internal.h"
#include "catalog/web.h"
#include "core/cap.h"

#include "app.h"
#include "base/config.h"
#include "base/mem.h"
#include "base/str.h"
#include "http/kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* http_name_of for the codes the catalogue owns: offices and procedures, in the page's language. */
static const char *namer(http_req_t *r, const char *kind, const char *code)
{
	db_conn_t *c = http_db(r);
	if (!c)
		return NULL;
	if (str_eq(kind, "office")) {
		catalog_office_t o;
		return catalog_office_by_code(c, r->arena, code, &o) ? NULL : catalog_office_name(&o, r->lang);
	}
	if (str_eq(kind, "procedure")) {
		catalog_procedure_t p;
		return catalog_procedure_by_code(c, r->arena, code, &p) ? NULL : catalog_procedure_name(&p, r->lang);
	}
	return NULL;
}

static int start(app_t *app)
{
	catalog_start(app);
	http_set_namer(namer);
	return 0;
}

static int seed(app_t *app, db_conn_t *c, int64_t now, FILE *out)
{
	return catalog_demo_seed_root(c, app->root);
}

static int import(cap_cli_t *x)
{
	const char **files = xcalloc((size_t)x->argc + 1, sizeof *files);
	size_t n = 0;
	bool dry_run = false;
	const cap_opt_t opts[] = {{"--dry-run", NULL, &dry_run}, {0}};
	int rc = 2;
	if (cap_cli_opts(x, opts, files, (size_t)x->argc, &n) == 0) {
		if (n == 0)
			fprintf(x->err, "finestreta import catalogue: no FILE given\n");
		else
			rc = catalog_cli_import(x->c, files, n, dry_run, x->out, x->err) ? 1 : 0;
	}
	free(files);
	return rc;
}

static int export(cap_cli_t *x)
{
	const char *format = NULL, *table = NULL;
	const cap_opt_t opts[] = {{"--format", &format, NULL}, {"--table", &table, NULL}, {0}};
	if (cap_cli_opts(x, opts, NULL, 0, NULL))
		return 2;
	return catalog_cli_export(x->c, format, table, x->out, x->err) ? 1 : 0;
}

static const cap_cmd_t commands[] = {
	{"import", "catalogue", "Import offices, zones, desks, organisations and procedures",
	 "Usage: finestreta import catalogue FILE... [--dry-run] [--config FILE] [--db URL]\n\n"
	 "Loads offices (with zones and desks), organisations and procedures from FILE: one\n"
	 "JSON document, or CSV tables (a name ending in .csv) told apart by their header:\n"
	 "organisations, offices, zones, desks, procedures. Several files are applied\n"
	 "together in that order, in one transaction. Items are matched by code: new ones are\n"
	 "created, changed ones updated, nothing is deleted; importing the same file twice\n"
	 "changes nothing. Any error (named by file, row or JSON path, and field) leaves the\n"
	 "database as it was. --dry-run checks everything and writes nothing.\n"
	 "Format: docs/catalogue-format.md\n",
	 CAP_CMD_DB, import},
	{"export", "catalogue", "Write the catalogue to standard output",
	 "Usage: finestreta export catalogue [--format json|csv] [--table T] [--config FILE] [--db URL]\n\n"
	 "Writes the catalogue to standard output: the whole JSON document (default), or one\n"
	 "CSV table with --format csv: --table organisations, offices, zones, desks or\n"
	 "procedures (default procedures). The output imports back as it is.\n",
	 CAP_CMD_DB, export},
	{0},
};

static const bus_topic_t topics[] = {
	{"catalog.changed", 0}, /* public: it says only that something changed */
	{0},
};

static const cap_seed_t seeds[] = {
	{200, "catalogue (deploy/demo/catalogue.json)", seed, false},
	{0},
};

const cap_t catalog_cap = {
	.name = "catalog",
	.summary = "Organisations, offices, zones, desks and procedures; the public catalogue API",
	.routes = {cat_page_routes, cat_office_routes, cat_proc_routes, cat_api_routes},
	.topics = topics,
	.seeds = seeds,
	.commands = commands,
	.start = start,
};
