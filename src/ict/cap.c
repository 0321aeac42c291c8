/* cap.c — the ict capability's entry in the capability table (core/cap.h): digital accompaniment's
 * pages and API, [ict] settings, the demo sessions, the citizen record's hooks and staff cards. */
#include "ict/internal.h"
#include "ict/web.h"

#include "app.h"
#include "base/config.h"
#include "core/cap.h"

static const config_key_t config[] = {
	CONFIG_KEY_INT("ict", "followup_days", "60", 1, 3650,
		       "Days after a person's first session when the \"after\" self-assessment is due (at the\n"
		       "last session or in a follow-up call)."),
	{0},
};

static const cap_seed_t seeds[] = {
	{600, "demo digital accompaniment", ict_demo_seed, true},
	{610, "past ICT sessions (demo.history_days)", ict_history_seed, false},
	{0},
};

static const cap_card_t cards[] = {
	{ICT_ROLES, "/staff/ict", "ict_title", "ict_card"},
	{ICT_ROLES, "/staff/ict/followup", "ict_followup_title", "ict_followup_card"},
	{ICT_ROLES, "/staff/ict/sheets", "ict_sheets_title", "ict_sheets_card"},
	{ICT_EVAL_ROLES, "/staff/ict/evaluation", "ict_eval_title", "ict_eval_card"},
	{0},
};

const cap_t ict_cap = {
	.name = "ict",
	.summary = "Digital accompaniment: ICT-agent sessions, skills before and after, the programme's evaluation",
	.routes = {ict_api_routes, ict_page_routes, ict_followup_routes, ict_sheet_routes},
	.config = config,
	.seeds = seeds,
	.cards = cards,
	.timeline = ict_timeline,
	.figures = ict_figures,
	.erase = ict_erase,
};
