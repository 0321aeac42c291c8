/* facilities.c — the search: the store's matches, nearest first when there is a place. */
#include "facilities/internal.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/str.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int by_distance(const void *x, const void *y)
{
	const fc_facility_t *a = x, *b = y;
	if (a->has_geo != b->has_geo)
		return a->has_geo ? -1 : 1;
	return (a->dist_m > b->dist_m) - (a->dist_m < b->dist_m);
}

int fc_search(db_conn_t *c, arena_t *a, const fc_query_t *q, size_t limit, fc_facility_t **out, size_t *n)
{
	const char *qf = q->q && *q->q ? str_fold(a, q->q) : "";
	fc_query_t folded = *q;
	folded.category = q->category ? q->category : "";
	folded.district = q->district ? q->district : "";
	folded.service = q->service && *q->service ? str_fold(a, q->service) : "";
	/* Nearest first needs every match before the cut. */
	int rc = fc_store_query(c, a, &folded, qf, q->near ? 5000 : limit, out, n);
	if (rc || !q->near)
		return rc;
	for (size_t i = 0; i < *n; i++)
		if ((*out)[i].has_geo)
			(*out)[i].dist_m = fc_distance_m(q->lat, q->lon, (*out)[i].lat, (*out)[i].lon);
	qsort(*out, *n, sizeof **out, by_distance);
	if (*n > limit)
		*n = limit;
	return 0;
}
