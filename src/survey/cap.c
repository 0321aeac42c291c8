/* cap.c — the survey's entry in the capability table: its settings, the invitation mail, its
 * page, and the start hook that registers its listeners with the office floor and booking. */
#include "survey/internal.h"
#include "survey/web.h"

#include "app.h"
#include "base/config.h"
#include "core/cap.h"

static const config_key_t config[] = {
	CONFIG_KEY_INT("survey", "rate_public", "30", 0, 1000000,
		       "Requests per minute per client address to the survey pages; 0 for no limit."),
	{0},
};

static const cap_notice_t notices[] = {
	{"survey_invite", "survey/mail/invite", "sv_mail_subject", "sv_mail_intro", "sv_sms", 0},
	{0},
};

static const cap_seed_t seeds[] = {
	{530, "past survey answers (demo.history_days)", sv_history_seed, false},
	{0},
};

static int start(app_t *app)
{
	sv_set_base(config_str(app->cfg, "server.public_url"));
	sv_listen();
	return 0;
}

const cap_t survey_cap = {
	.name = "survey",
	.summary = "Satisfaction surveys: 0–10 and a comment, once per attention",
	.routes = {sv_page_routes},
	.config = config,
	.notices = notices,
	.seeds = seeds,
	.figures = sv_figures,
	.start = start,
};
