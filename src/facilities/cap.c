/* cap.c — the facility finder's entry in the capability table (core/cap.h): its routes, the [map]
 * settings, the demo facilities of Vilamar, `import facilities` and `import postcodes`, and the
 * coordinators' card. */
#include "facilities/internal.h"
#include "facilities/web.h"

#include "app.h"
#include "base/config.h"
#include "base/err.h"
#include "base/str.h"
#include "core/cap.h"

#include <stdio.h>
#include <string.h>

/* A tile URL template: empty, or an http(s) URL with {z}, {x} and {y}. */
static bool check_tiles(const char *v)
{
	return !*v || (config_check_http_url(v) && strstr(v, "{z}") && strstr(v, "{x}") && strstr(v, "{y}"));
}

static const config_key_t config[] = {
	CONFIG_KEY_STR("map", "tile_url", "", check_tiles, "empty, or an http(s) URL template with {z}, {x} and {y}",
		       "The map tiles of the facility finder (Leaflet), e.g. "
		       "https://tiles.example.org/{z}/{x}/{y}.png,\n"
		       "from a tile server the city is allowed to use; its origin is added to the page's\n"
		       "img-src. Empty (the default): the finder shows the list alone."),
	CONFIG_KEY_STR("map", "attribution", "", NULL, NULL,
		       "The credit the tile server asks for, shown on the map (plain text)."),
	{0},
};

static int seed(app_t *app, db_conn_t *c, int64_t now, FILE *out)
{
	return fc_demo_seed_root(c, app->root, out);
}

static const cap_seed_t seeds[] = {
	{550, "facilities (deploy/demo/facilities.csv, postcodes.csv)", seed, false},
	{0},
};

/* `import facilities FILE` / `import postcodes FILE`. */
static int import_with(cap_cli_t *x, const char *what, int (*run)(db_conn_t *, const char *, FILE *, FILE *))
{
	const char *file = NULL;
	size_t n = 0;
	if (cap_cli_opts(x, (const cap_opt_t[]){{0}}, &file, 1, &n))
		return 2;
	if (n == 0) {
		fprintf(x->err, "finestreta import %s: FILE is required (see 'finestreta help import')\n", what);
		return 2;
	}
	int rc = run(x->c, file, x->out, x->err);
	return rc == 0 ? 0 : rc == ERR_INVALID ? 2 : 1;
}

static int import_facilities(cap_cli_t *x)
{
	return import_with(x, "facilities", fc_import_file);
}

static int import_postcodes(cap_cli_t *x)
{
	return import_with(x, "postcodes", fc_import_postcodes);
}

static const cap_cmd_t commands[] = {
	{"import", "facilities", "Import municipal facilities from the city's open-data CSV",
	 "Usage: finestreta import facilities FILE [--config FILE] [--db URL]\n\n"
	 "Loads facilities from a CSV file with the header\n"
	 "code,name,category,district,address,postcode,lat,lon,phone,hours,services,accessibility\n"
	 "(docs/facilities-format.md): new codes are added, known ones updated, none deleted.\n"
	 "Every bad row is listed as FILE:LINE: FIELD: reason, and then nothing is written.\n",
	 CAP_CMD_DB | CAP_CMD_VIEW, import_facilities},
	{"import", "postcodes", "Import the centres of the city's postcodes (for \"near my postcode\")",
	 "Usage: finestreta import postcodes FILE [--config FILE] [--db URL]\n\n"
	 "Replaces the postcode centres with a CSV file with the header postcode,lat,lon.\n",
	 CAP_CMD_DB, import_postcodes},
	{0},
};

static const cap_card_t cards[] = {
	{FC_EDITORS, "/admin/facilities", "fc_admin_title", "fc_admin_card"},
	{0},
};

const cap_t facilities_cap = {
	.name = "facilities",
	.summary = "The facility finder: municipal facilities, search, nearest first, map",
	.routes = {fc_page_routes, fc_admin_routes, fc_api_routes},
	.config = config,
	.seeds = seeds,
	.commands = commands,
	.cards = cards,
};
