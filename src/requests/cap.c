/* cap.c — the requests capability's entry in the capability table (core/cap.h): [requests]
 * settings, the mails it sends, the escalation job, the board's bus topic, the demo requests, the
 * citizen record's hooks, its routes and staff cards. */
#include "requests/internal.h"
#include "requests/web.h"

#include "app.h"
#include "core/cap.h"
#include "floor/floor.h"

static const config_key_t config[] = {
	CONFIG_KEY_STR("requests", "sla_hours", "48, digital=24", requests_sla_valid, "HOURS[, TOPIC=HOURS…]",
		       "Hours to answer a request: a number for every topic, then TOPIC=HOURS for a topic\n"
		       "(info, procedure, digital, file, other) or a procedure category (padro, tributs…);\n"
		       "the category wins over the topic. Overdue requests escalate to the coordinators."),
	CONFIG_KEY_INT("requests", "keep_days", "365", 30, 3650,
		       "Days after closing before a request's personal data (name, contact, texts) is blanked."),
	CONFIG_KEY_INT("requests", "rate_create", "5", 0, 1000000,
		       "New requests (and additions) per minute per client address; 0 for no limit. Staff are\n"
		       "not limited."),
	CONFIG_KEY_INT("requests", "rate_read", "30", 0, 1000000,
		       "Status look-ups per minute per client address; 0 for no limit."),
	{0},
};

static const cap_notice_t notices[] = {
	{"requests_received", "requests/mail/received", "rq_mail_subject_received", "rq_mail_intro_received",
	 "rq_sms_received", 0},
	{"requests_answer", "requests/mail/answer", "rq_mail_subject_answer", "rq_mail_intro_answer", "rq_sms_answer",
	 0},
	{"requests_question", "requests/mail/answer", "rq_mail_subject_question", "rq_mail_intro_question",
	 "rq_sms_question", 0},
	{0},
};

static const bus_topic_t topics[] = {
	{"requests.board", RQ_BOARD | ROLE_DISPLAY},
	{0},
};

static const cap_job_t jobs[] = {
	{"requests.escalate", 60, rq_job},
	{0},
};

static const cap_seed_t seeds[] = {
	{500, "demo requests", rq_demo_seed, true},
	{530, "past requests (demo.history_days)", rq_history_seed, false},
	{0},
};

static const cap_card_t cards[] = {
	{RQ_ROLES, "/staff/requests", "rq_queue_title", "rq_card"},
	{RQ_BOARD, "/staff/requests/overdue", "rq_overdue_title", "rq_overdue_card"},
	{0},
};

/* The overdue count on the office floor's coordinator board (floor_board_card). */
static int start(app_t *app)
{
	(void)app;
	floor_board_card(rq_board_card);
	return 0;
}

const cap_t requests_cap = {
	.name = "requests",
	.summary = "Deferred requests: the web form, the 010 line, the work queue with SLAs and escalation",
	.routes = {rq_api_routes, rq_page_routes, rq_staff_routes},
	.config = config,
	.topics = topics,
	.jobs = jobs,
	.notices = notices,
	.seeds = seeds,
	.cards = cards,
	.timeline = rq_timeline,
	.erase = rq_erase,
	.figures = rq_figures,
	.start = start,
};
