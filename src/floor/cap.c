/* cap.c — the office floor's entry in the capability table (core/cap.h): the [floor] settings,
 * the bus topics and who may subscribe, the job that ends yesterday's tickets, the demo morning,
 * the staff home card, and the start hook that turns check-ins into tickets. */
#include "floor/internal.h"
#include "floor/web.h"

#include "app.h"
#include "base/config.h"
#include "base/str.h"
#include "core/cap.h"

#include <string.h>

/* Languages of the spoken calls: a comma list of ca, es, en. */
static bool languages_ok(const char *v)
{
	char out[32];
	static const char *const langs[] = {"ca", "es", "en"};
	return cat_enum_list(v, langs, 3, out, sizeof out) && *out;
}

static const config_key_t config[] = {
	CONFIG_KEY_INT("floor", "appointment_window", "5", 0, 240,
		       "Minutes before its time an appointment's ticket becomes callable; from then on it goes\n"
		       "before walk-ins."),
	CONFIG_KEY_INT("floor", "max_recalls", "2", 0, 20,
		       "Times a called ticket may be called again; the next recall makes it a no-show."),
	CONFIG_KEY_INT("floor", "daily_quota", "0", 0, 100000,
		       "Walk-in tickets a zone issues per day unless the board sets its own; 0 for no limit."),
	CONFIG_KEY_INT("floor", "default_service_min", "8", 1, 480,
		       "Minutes one attention is taken to last while a zone has finished fewer than three today."),
	CONFIG_KEY_INT("floor", "wait_sample", "10", 1, 200,
		       "Finished tickets (the latest of the day, per zone) whose service times make the estimate."),
	CONFIG_KEY_STR("floor", "languages", "ca,es", languages_ok, "a comma list of ca, es, en",
		       "Languages of the spoken calls on the call displays, in this order of ca, es, en."),
	CONFIG_KEY_STR("floor", "espeak", "espeak-ng", config_check_nonempty, "a program name or path",
		       "The espeak-ng program that speaks the calls (looked up in PATH)."),
	CONFIG_KEY_INT("floor", "rate_public", "120", 0, 1000000,
		       "Requests per minute per client address to the public floor routes (live page, ticket,\n"
		       "display stream, spoken calls); 0 for no limit. Signed-in accounts are not counted."),
	{0},
};

/* /events?topic= for staff and displays; the public streams have routes of their own. */
static const bus_topic_t topics[] = {
	{"floor.", ROLE_PEOPLE | ROLE_DISPLAY},
	{0},
};

static int expire(app_t *app, db_conn_t *c, int64_t now)
{
	arena_t *a = arena_new();
	fl_ctx_t ctx = {.c = c, .a = a, .cfg = app->cfg, .now = now, .actor = "job", .lang = "ca"};
	int rc = fl_expire(&ctx, NULL);
	arena_free(a);
	return rc;
}

static const cap_job_t jobs[] = {
	{"floor.expire", 600, expire},
	{0},
};

static int seed(app_t *app, db_conn_t *c, int64_t now, FILE *out)
{
	return fl_demo_seed(c, app->cfg, now);
}

static int history(app_t *app, db_conn_t *c, int64_t now, FILE *out)
{
	(void)out;
	return fl_history_seed(c, app->cfg, now);
}

static const cap_seed_t seeds[] = {
	{500, "a morning on the office floor", seed, true},
	{510, "past tickets (demo.history_days)", history, false},
	{0},
};

static const cap_card_t cards[] = {
	{FL_STAFF, "/floor", "fl_title", "fl_card"},
	{ROLE_DISPLAY, "/floor/display", "fl_display_title", "fl_display_card"},
	{0},
};

static int start(app_t *app)
{
	booking_listen(fl_on_booking);
	return 0;
}

const cap_t floor_cap = {
	.name = "floor",
	.summary = "The office floor: tickets, desks, call displays, live position, board",
	.routes = {fl_api_routes, fl_display_routes, fl_welcome_routes, fl_desk_routes, fl_board_routes, fl_live_routes,
		   fl_ticket_routes},
	.config = config,
	.topics = topics,
	.jobs = jobs,
	.seeds = seeds,
	.cards = cards,
	.figures = fl_figures,
	.timeline = fl_timeline,
	.erase = fl_erase,
	.start = start,
};
