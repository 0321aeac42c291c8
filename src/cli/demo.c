#include "cli/demo.h"

#include "auth/auth.h"
#include "base/err.h"
#include "base/log.h"
#include "booking/booking.h"
#include "catalog/catalog.h"
#include "schedule/schedule.h"

#include <time.h>

#define DEMO_PASSWORD "vilamar-demo-2026"

static const struct {
	const char *email, *name, *role, *office;
} staff[] = {
	{"admin@vilamar.example", "Núria Puig", "admin", ""},
	{"coordinacio@vilamar.example", "Jordi Soler", "coordinator", "centre"},
	{"informador@vilamar.example", "Marta Vidal", "informer", "centre"},
	{"agent.tic@vilamar.example", "Aleix Ferrer", "ict_agent", "la-riera"},
	{"acollida@vilamar.example", "Laia Serra", "welcome", "centre"},
	{"pantalla.centre@vilamar.example", "Pantalla OAC Centre", "display", "centre"},
	{"quiosc.centre@vilamar.example", "Quiosc OAC Centre", "kiosk", "centre"},
};

int demo_seed(db_t *db, config_t *cfg, FILE *out)
{
	db_conn_t *c = db_acquire(db);
	if (!c)
		return ERR_UNAVAILABLE;
	char hash[AUTH_HASH_LEN];
	int rc = auth_hash_password(DEMO_PASSWORD, hash);
	if (rc == 0)
		rc = db_begin(c);
	for (size_t i = 0; rc == 0 && i < sizeof staff / sizeof staff[0]; i++)
		rc = auth_user_add_hashed(c, staff[i].email, staff[i].name, staff[i].role, staff[i].office, hash, NULL);
	if (rc == 0)
		rc = db_commit(c);
	if (rc) {
		log_error("demo: %s", db_errmsg(c));
		db_rollback(c);
	}
	/* catalog: the city's offices, zones, desks and procedures (deploy/demo/catalogue.json). */
	if (rc == 0)
		rc = catalog_demo_seed_root(c, config_str(cfg, "server.root"));
	/* schedule: opening hours, holidays, closures, shifts, skills, rules and their slots. */
	if (rc == 0)
		rc = schedule_demo_seed_root(c, config_str(cfg, "server.root"), (int64_t)time(NULL));
	/* booking: a few appointments on the first free times (no mails); a miss is not fatal. */
	if (rc == 0 && booking_demo_seed(c, cfg, (int64_t)time(NULL)))
		log_warn("demo: some demo appointments could not be booked");
	db_release(c);
	if (rc)
		return rc;
	fprintf(out, "Demo data created. Staff logins (password: %s):\n", DEMO_PASSWORD);
	for (size_t i = 0; i < sizeof staff / sizeof staff[0]; i++)
		fprintf(out, "  %-34s %s\n", staff[i].email, staff[i].role);
	fflush(out);
	return 0;
}
