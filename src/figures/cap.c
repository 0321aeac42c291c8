/* cap.c — the figures capability's entry in the capability table (core/cap.h): the statistics
 * area, its exports and the open-data aggregate. It counts nothing itself: every capability
 * lists its figure providers in its own cap_t (.figures) and this one walks the table. */
#include "figures/internal.h"
#include "figures/web.h"

#include "base/config.h"

static const config_key_t config[] = {
	CONFIG_KEY_INT("figures", "max_days", "731", 1, 3660,
		       "Longest period a statistics page or export covers, in days."),
	CONFIG_KEY_INT("figures", "min_cell", "5", 1, 1000,
		       "Open data: counts below this are suppressed (left empty), with the next smallest of the row."),
	CONFIG_KEY_INT("figures", "open_data_max_days", "366", 1, 3660,
		       "Longest period of one open-data request, in days."),
	CONFIG_KEY_INT("figures", "rate_open_data", "60", 0, 100000,
		       "Open-data requests per client address per minute (0: no limit)."),
	{0},
};

static const cap_card_t cards[] = {
	{FG_ROLES, "/figures", "fg_title", "fg_card"},
	{0},
};

const cap_t figures_cap = {
	.name = "figures",
	.summary = "Statistics of every channel: pages with charts, comparisons, CSV and JSON, open data",
	.routes = {fg_page_routes, fg_api_routes},
	.config = config,
	.cards = cards,
};
