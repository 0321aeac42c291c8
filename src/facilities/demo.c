/* demo.c — the facilities of Vilamar for `finestreta demo`: the open-data example files
 * deploy/demo/facilities.csv and deploy/demo/postcodes.csv, imported as a city would. */
#include "facilities/internal.h"

#include "base/mem.h"

#include <stdlib.h>

int fc_demo_seed_root(db_conn_t *c, const char *root, FILE *out)
{
	char *f = xasprintf("%s/deploy/demo/facilities.csv", root && *root ? root : ".");
	char *p = xasprintf("%s/deploy/demo/postcodes.csv", root && *root ? root : ".");
	int rc = fc_import_file(c, f, out, stderr);
	if (!rc)
		rc = fc_import_postcodes(c, p, out, stderr);
	free(f);
	free(p);
	return rc;
}
