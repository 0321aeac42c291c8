/* cap.c — the schedule's entry in the capability table (core/cap.h): routes, the hourly slot
 * job, the demo hours and rules, `import holidays`. */
#include "schedule/internal.h"
#include "schedule/web.h"
#include "schedule/schedule.h"
#include "core/cap.h"

#include "app.h"
#include "base/err.h"

#include <stdio.h>

/* The slots' horizon moves a day at local midnight; once an hour is plenty. */
static int slots_job(app_t *app, db_conn_t *c, int64_t now)
{
	return schedule_job(c, now);
}

static int seed(app_t *app, db_conn_t *c, int64_t now, FILE *out)
{
	return schedule_demo_seed_root(c, app->root, now);
}

static int import_holidays(cap_cli_t *x)
{
	const char *file = NULL;
	size_t n = 0;
	if (cap_cli_opts(x, (const cap_opt_t[]){{0}}, &file, 1, &n))
		return 2;
	if (n == 0) {
		fprintf(x->err, "finestreta import holidays: FILE is required (see 'finestreta help import')\n");
		return 2;
	}
	int r = schedule_import_holidays_file(x->app->db, file, x->out, x->err);
	return r == 0 ? 0 : r == ERR_INVALID ? 2 : 1;
}

static const cap_cmd_t commands[] = {
	{"import", "holidays", "Import public holidays from a CSV file",
	 "Usage: finestreta import holidays FILE [--config FILE] [--db URL]\n\n"
	 "Loads public holidays from a CSV file (date,scope,name_ca,name_es,name_en; scope is\n"
	 "national, catalonia or city), updating days already there, then recomputes every\n"
	 "office's slots. Booked slots that fall on a new holiday are left as they are and\n"
	 "listed. Any error (named by line and field) leaves the database as it was.\n"
	 "Calendars for Catalonia: deploy/holidays/.\n",
	 CAP_CMD_DB, import_holidays},
	{0},
};

static const cap_job_t jobs[] = {
	{"schedule.slots", 3600, slots_job},
	{0},
};

static const cap_seed_t seeds[] = {
	{300, "opening hours, holidays, shifts, rules and slots", seed, false},
	{310, "past slots (demo.history_days)", sched_history_seed, false},
	{0},
};

const cap_t schedule_cap = {
	.name = "schedule",
	.summary = "Opening hours, closures, holidays, shifts, skills, availability rules and slots",
	.routes = {sched_page_routes, sched_office_routes, sched_rule_routes, sched_staff_routes, sched_api_routes},
	.jobs = jobs,
	.seeds = seeds,
	.commands = commands,
};
