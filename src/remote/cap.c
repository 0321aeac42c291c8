/* cap.c — the remote attention's entry in the capability table (core/cap.h): the [remote],
 * [video] and [documents] settings, the bus topics of the video rooms, the mail that tells a
 * citizen how to book again, the purge job, the demo appointments, the `remote` sub-commands, the
 * staff card and the routes. */
#include "remote/internal.h"
#include "remote/web.h"

#include "app.h"
#include "base/config.h"
#include "base/err.h"
#include "base/log.h"
#include "base/str.h"
#include "core/cap.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static bool check_video(const char *v)
{
	return str_eq(v, "builtin") || str_eq(v, "jitsi");
}

static bool check_policy(const char *v)
{
	return str_eq(v, "all") || str_eq(v, "relay");
}

static bool check_call(const char *v)
{
	return (str_starts(v, "tel:") || str_starts(v, "sip:") || str_starts(v, "sips:")) &&
	       (strstr(v, "{phone}") || strstr(v, "{digits}"));
}

/* ICE URLs: "stun:", "turn:" or "turns:" entries, comma-separated (or none). */
static bool check_ice(const char *v)
{
	for (const char *p = v; *p;) {
		while (*p == ' ')
			p++;
		if (!str_starts(p, "stun:") && !str_starts(p, "turn:") && !str_starts(p, "turns:"))
			return false;
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	return true;
}

static const config_key_t config[] = {
	CONFIG_KEY_STR("remote", "video", "builtin", check_video, "builtin or jitsi",
		       "The video call: builtin (1:1 WebRTC through this server) or jitsi (a Jitsi Meet\n"
		       "room with a token limited to the room and the appointment's window)."),
	CONFIG_KEY_INT("remote", "open_before_min", "10", 0, 240, "Minutes before the start the video room opens."),
	CONFIG_KEY_INT("remote", "close_after_min", "30", 0, 720, "Minutes after the end the video room closes."),
	CONFIG_KEY_INT("remote", "max_call_attempts", "3", 1, 20,
		       "Unanswered call-back attempts before the citizen is told how to book again."),
	CONFIG_KEY_STR("remote", "call_template", "tel:{phone}", check_call,
		       "a tel: or sip: URI with {phone} or {digits}",
		       "The click-to-call link: {phone} is the number with its +, {digits} the digits only\n"
		       "(\"sip:{digits}@pbx.example.org\")."),
	CONFIG_KEY_INT("remote", "rate_citizen", "600", 0, 1000000,
		       "Requests a minute one address may make to the rooms and document spaces (citizens;\n"
		       "staff are not limited); 0 for no limit."),
	CONFIG_KEY_INT("remote", "max_signals", "2000", 10, 1000000,
		       "Most signalling messages one video room keeps (they go after an hour)."),
	CONFIG_KEY_STR("video", "stun_urls", "", check_ice, "stun: URLs, comma-separated",
		       "STUN servers given to the browsers, e.g. stun:turn.example.org:3478."),
	CONFIG_KEY_STR("video", "turn_urls", "", check_ice, "turn:/turns: URLs, comma-separated",
		       "TURN servers given to the browsers with per-call credentials (coturn's REST scheme),\n"
		       "e.g. turn:turn.example.org:3478?transport=udp,turns:turn.example.org:5349."),
	CONFIG_KEY_STR("video", "turn_secret", "", NULL, NULL,
		       "coturn's static-auth-secret: signs the per-call TURN credentials."),
	CONFIG_KEY_INT("video", "turn_ttl", "3600", 60, 86400,
		       "Seconds a TURN credential lasts (never past the room's closing)."),
	CONFIG_KEY_STR("video", "ice_transport_policy", "all", check_policy, "all or relay",
		       "relay sends every call through TURN, so neither side learns the other's address."),
	CONFIG_KEY_STR("video", "jitsi_url", "", config_check_http_url_opt, "an https:// URL",
		       "Jitsi mode: the Jitsi Meet site, e.g. https://meet.example.org."),
	CONFIG_KEY_STR("video", "jitsi_app_id", "finestreta", NULL, NULL, "Jitsi mode: the token's issuer (iss)."),
	CONFIG_KEY_STR("video", "jitsi_aud", "jitsi", NULL, NULL, "Jitsi mode: the token's audience (aud)."),
	CONFIG_KEY_STR("video", "jitsi_secret", "", NULL, NULL, "Jitsi mode: the HS256 secret Jitsi shares."),
	CONFIG_KEY_STR("documents", "dir", "data/documents", config_check_nonempty, "a folder",
		       "Where the encrypted documents are kept (shared by every node)."),
	CONFIG_KEY_STR("documents", "keys", "", NULL, NULL,
		       "Encryption keys as ID:BASE64 pairs of 32 random bytes, comma-separated\n"
		       "(openssl rand -base64 32). Empty: the document space is off (the demo makes a key)."),
	CONFIG_KEY_INT("documents", "key_id", "0", 0, 999999,
		       "The key new documents are sealed with; 0 for the highest id. Older keys stay to read\n"
		       "older files until `finestreta remote rekey` seals them again."),
	CONFIG_KEY_INT("documents", "max_bytes", "5242880", 1024, 1073741824, "Largest document, in bytes."),
	CONFIG_KEY_INT("documents", "max_files", "10", 1, 1000, "Most documents one appointment may hold."),
	CONFIG_KEY_INT("documents", "retention_days", "30", 1, 3650,
		       "Days after the appointment before its documents are deleted."),
	{0},
};

/* Video rooms: the browsers read them through the room's own event stream (api_video.c), which
 * checks the token; the general /events is for staff only. */
static const bus_topic_t topics[] = {
	{"remote.", RM_STAFF},
	{0},
};

static const cap_notice_t notices[] = {
	{"remote_rebook", "remote/mail/rebook", "rm_mail_rebook_subject", "rm_mail_rebook_intro", "rm_sms_rebook", 0},
	{0},
};

static int purge_job(app_t *app, db_conn_t *c, int64_t now)
{
	return rm_purge(app->cfg, c, now, NULL);
}

static const cap_job_t jobs[] = {
	{"remote.purge", 3600, purge_job},
	{0},
};

static int seed(app_t *app, db_conn_t *c, int64_t now, FILE *out)
{
	int rc = rm_keys_load(app->cfg, true);
	return rc ? rc : rm_demo_seed(app->cfg, c, now, out);
}

static int history(app_t *app, db_conn_t *c, int64_t now, FILE *out)
{
	(void)out;
	return rm_history_seed(c, app->cfg, now);
}

static const cap_seed_t seeds[] = {
	{500, "remote attention", seed, true},
	{520, "past calls (demo.history_days)", history, false},
	{0},
};

static int cmd_purge(cap_cli_t *x)
{
	if (cap_cli_opts(x, (const cap_opt_t[]){{0}}, NULL, 0, NULL))
		return 2;
	int n = 0;
	if (rm_keys_load(x->app->cfg, false))
		return 1;
	int rc = rm_purge(x->app->cfg, x->c, (int64_t)time(NULL), &n);
	if (rc) {
		fprintf(x->err, "finestreta remote purge: %s (%s)\n", err_name(rc), db_errmsg(x->c));
		return 1;
	}
	fprintf(x->out, "removed %d document%s past retention\n", n, n == 1 ? "" : "s");
	return 0;
}

static int cmd_rekey(cap_cli_t *x)
{
	if (cap_cli_opts(x, (const cap_opt_t[]){{0}}, NULL, 0, NULL))
		return 2;
	if (rm_keys_load(x->app->cfg, false))
		return 1;
	if (!rm_keys()) {
		fprintf(x->err, "finestreta remote rekey: documents.keys is empty\n");
		return 1;
	}
	int n = 0;
	int rc = rm_rekey(x->app->cfg, x->c, (int64_t)time(NULL), &n);
	fprintf(x->out, "sealed %d document%s again with key %d\n", n, n == 1 ? "" : "s", rm_keys()->current);
	return rc ? 1 : 0;
}

static const cap_cmd_t commands[] = {
	{"remote", "purge", "Delete documents past their retention now",
	 "Usage: finestreta remote purge [--config FILE] [--db URL]\n\n"
	 "Does what the hourly job does: deletes the documents past documents.retention_days (files\n"
	 "and records, each one logged and audited), files no record names, old signalling messages,\n"
	 "and the call-back log of appointments past booking.retention_days.\n",
	 CAP_CMD_DB, cmd_purge},
	{"remote", "rekey", "Seal every document again with the current key",
	 "Usage: finestreta remote rekey [--config FILE] [--db URL]\n\n"
	 "After adding a key to documents.keys (and making it documents.key_id), seals the documents\n"
	 "of older keys again with it; then the old key can be removed from documents.keys.\n",
	 CAP_CMD_DB, cmd_rekey},
	{0},
};

static const cap_card_t cards[] = {
	{RM_STAFF, "/remote", "rm_title", "rm_card"},
	{0},
};

static int start(app_t *app)
{
	return rm_keys_load(app->cfg, false);
}

static void finish(app_t *app)
{
	rm_keys_forget();
}

const cap_t remote_cap = {
	.name = "remote",
	.summary = "Remote attention: the informers' agenda, phone call-back, video call, document space",
	.routes = {rm_agenda_routes, rm_case_routes, rm_room_routes, rm_video_routes, rm_doc_routes},
	.config = config,
	.topics = topics,
	.jobs = jobs,
	.notices = notices,
	.seeds = seeds,
	.commands = commands,
	.figures = rm_figures,
	.cards = cards,
	.start = start,
	.finish = finish,
};
