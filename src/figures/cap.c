/* cap.c — the figures capability's entry in the capability table (core/cap.h): the statistics
 * area, its exports and the open-data aggregate. It counts nothing itself: every capability
 * lists its figure providers in its own cap_t (.figures) and this one walks the table. */
#include "figures/internal.h"
#include "figures/web.h"

#include "base/config.h"

static const config_key_t config[] = {
	CONFIG_KEY_INT("figures", "max_days", "731", 1, 3660,
		       "Longest period a statistics page or export covers, in days."),
	CONFIG_KEY_INT("stats", "min_cell", "5", 1, 1000,
		       "Open data: counts below this are suppressed (left empty), with the next smallest of the row."),
	CONFIG_KEY_INT("figures", "min_cell", "0", 0, 1000,
		       "Deprecated name of stats.min_cell: when set (not 0), it is used instead."),
	CONFIG_KEY_BOOL("figures", "summary", "true",
			"Keep the daily summary of the series figures and read the days it holds from it (false: every "
			"figure is counted live on each request)."),
	CONFIG_KEY_INT("figures", "summary_every", "60", 1, 86400, "Seconds between two runs of the summary job."),
	CONFIG_KEY_INT("figures", "summary_recent_days", "14", 1, 366,
		       "The summary job counts the last days again on every run (late changes)."),
	CONFIG_KEY_INT("figures", "summary_verify_days", "62", 1, 3660,
		       "And this many older days on each run, rolling back through the history."),
	CONFIG_KEY_INT("figures", "summary_history_days", "800", 1, 7320,
		       "Days kept in the summary (older days are counted live)."),
	CONFIG_KEY_INT("figures", "open_data_max_days", "366", 1, 3660,
		       "Longest period of one open-data request, in days."),
	CONFIG_KEY_INT("figures", "rate_open_data", "60", 0, 100000,
		       "Open-data requests per client address per minute (0: no limit)."),
	CONFIG_KEY_STR("figures", "report_to", "", NULL, NULL,
		       "Addresses (comma-separated) that get the previous month's figures by mail, the PDF report "
		       "attached; empty: none."),
	CONFIG_KEY_STR("figures", "report_lang", "ca", NULL, NULL,
		       "Language of the monthly report, its mail and its PDF: ca, es or en."),
	{0},
};

int64_t fg_min_cell(const config_t *cfg)
{
	int64_t old = config_int(cfg, "figures.min_cell");
	return old ? old : config_int(cfg, "stats.min_cell");
}

/* The monthly report: hourly, so that the first run of a month sends it (once: the dedupe key). */
static const cap_job_t jobs[] = {
	{"figures.summary", 0, fg_summary_job}, /* every round; figures.summary_every paces it */
	{"figures.monthly_report", 3600, fg_report_run},
	{0},
};

static const cap_notice_t notices[] = {
	{"figures_monthly", "figures/mail/monthly", "fg_mail_subject", "fg_mail_intro", "fg_mail_sms", 0},
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
	.jobs = jobs,
	.notices = notices,
	.cards = cards,
};
