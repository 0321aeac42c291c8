/* cap.c — the chat's entry in the capability table (core/cap.h): [chat] settings, the transcript
 * mail, the housekeeping job, the bus topics and who may listen, the demo conversations, the
 * citizen record's hooks, the routes and the staff cards. */
#include "chat/internal.h"
#include "chat/web.h"

#include "app.h"
#include "core/cap.h"

static const config_key_t config[] = {
	CONFIG_KEY_INT("chat", "max_per_agent", "3", 1, 50, "Conversations one informer may have open at once."),
	CONFIG_KEY_INT("chat", "max_wait_min", "5", 1, 240,
		       "Minutes a citizen waits in the queue before being offered a deferred request that carries\n"
		       "the conversation (they may also keep waiting)."),
	CONFIG_KEY_INT("chat", "max_length", "1000", 10, 1500, "Longest message, in characters."),
	CONFIG_KEY_INT("chat", "max_per_client", "2", 1, 100000,
		       "Conversations one client address may have going at once (waiting or open)."),
	CONFIG_KEY_INT("chat", "rate_start", "5", 0, 1000000,
		       "New conversations (and requests made from one) per minute per client address; 0 for no\n"
		       "limit. Staff are not limited."),
	CONFIG_KEY_INT("chat", "rate_messages", "30", 0, 1000000,
		       "Messages, typing signals and reads per minute per client address; 0 for no limit."),
	CONFIG_KEY_INT("chat", "idle_min", "30", 1, 1440,
		       "Minutes without a sign of the citizen before a conversation closes as abandoned."),
	CONFIG_KEY_INT("chat", "keep_days", "90", 1, 3650,
		       "Days after closing before a conversation's personal data (name, e-mail, messages) is blanked."),
	{0},
};

static const cap_notice_t notices[] = {
	{"chat_transcript", "chat/mail/transcript", "ch_mail_subject", "ch_mail_intro", "ch_sms", 0},
	{0},
};

/* Conversations ("chat.c<ID>") and the inbox: staff only through /events; the citizen reaches
 * their own conversation's stream with its token (/api/v1/chats/{id}/events). */
static const bus_topic_t topics[] = {
	{"chat.", CH_ROLES},
	{0},
};

static const cap_job_t jobs[] = {
	{"chat.housekeeping", 30, ch_job},
	{0},
};

static const cap_seed_t seeds[] = {
	{520, "demo chats", ch_demo_seed, true},
	{530, "past chats (demo.history_days)", ch_history_seed, false},
	{0},
};

static const cap_card_t cards[] = {
	{CH_ROLES, "/staff/chat", "ch_inbox_title", "ch_card"},
	{CH_COORD, "/staff/chat/replies", "ch_replies_title", "ch_replies_card"},
	{CH_COORD, "/staff/chat/hours", "ch_hours_title", "ch_hours_card"},
	{0},
};

const cap_t chat_cap = {
	.name = "chat",
	.summary = "The portal chat: queue, inbox, quick replies, chat hours, transcripts",
	.routes = {ch_api_routes, ch_page_routes, ch_admin_routes, ch_staff_routes},
	.config = config,
	.topics = topics,
	.jobs = jobs,
	.notices = notices,
	.seeds = seeds,
	.cards = cards,
	.figures = ch_figures,
	.timeline = ch_timeline,
	.erase = ch_erase,
};
