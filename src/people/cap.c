/* cap.c — the people capability's entry in the capability table (core/cap.h): its pages and API,
 * its own part of an erasure, the demo's duplicate to merge and its card on the staff home. */
#include "people/internal.h"
#include "people/web.h"

#include "app.h"
#include "core/cap.h"

/* Its own rows in an erasure (the other capabilities blank theirs through their own hooks). */
static int erase(app_t *app, db_conn_t *c, const int64_t *ids, size_t n, int64_t now)
{
	return pe_store_erase(c, ids, n, now);
}

/* The demo: a person known twice (a record made from an e-mail before they gave their ID number at
 * a booking), so merging can be tried, and the consents a citizen gave. */
static int seed(app_t *app, db_conn_t *c, int64_t now, FILE *out)
{
	arena_t *a = arena_new();
	int64_t first = 0, second = 0;
	people_input_t one = {"Núria Vidal Soler", "12345678Z", "nuria.vidal@example.org", "600 111 222", "ca"};
	people_input_t two = {"Núria Vidal", NULL, "nvidal@example.net", "+34 600 111 223", "ca"};
	int rc = db_begin(c);
	if (!rc)
		rc = people_link(c, a, &one, now - 40 * 86400, &first);
	if (!rc)
		rc = pe_create(c, a, &(pe_fields_t){two.name, "", NULL, "ca", "45_64", "female"}, two.email, two.phone,
			       now - 20 * 86400, &second);
	if (!rc)
		rc = people_consent_add(c, first, "record",
					"Accepto que l'Ajuntament guardi les meves dades de contacte "
					"per atendre les meves gestions.",
					"ca", "office", now - 40 * 86400);
	if (!rc)
		rc = db_commit(c);
	else
		db_rollback(c);
	arena_free(a);
	return rc;
}

static const cap_seed_t seeds[] = {
	{450, "demo people", seed, true},
	{0},
};

static const cap_card_t cards[] = {
	{PE_ROLES, "/staff/people", "pe_title", "pe_card"},
	{0},
};

const cap_t people_cap = {
	.name = "people",
	.summary = "The citizen record: one person across channels, timeline, merges, export and erasure",
	.routes = {pe_api_routes, pe_page_routes, pe_record_routes},
	.seeds = seeds,
	.cards = cards,
	.erase = erase,
};
