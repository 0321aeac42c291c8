/* cap.c — the notify capability's entry in the capability table (core/cap.h): the [mail] and
 * [sms] settings, the delivery job, `finestreta mail test`, the kind "test" and the lifecycle of
 * the composer. */
#include "notify/internal.h"
#include "notify/notify.h"
#include "core/cap.h"

#include "app.h"
#include "base/config.h"
#include "base/err.h"
#include "base/str.h"
#include "view/i18n.h"

#include <stdio.h>
#include <string.h>

/* smtp://HOST[:PORT] or smtps://…, or empty. */
static bool check_smtp_url(const char *v)
{
	if (!*v)
		return true;
	const char *rest = str_starts(v, "smtp://") ? v + 7 : str_starts(v, "smtps://") ? v + 8 : NULL;
	return rest && *rest && *rest != '/' && !strpbrk(v, " \t");
}

/* "a@b.c" or "Name <a@b.c>": one @, no spaces in the address. */
static bool check_mail_from(const char *v)
{
	const char *lt = strchr(v, '<'), *addr = lt ? lt + 1 : v;
	size_t n = lt ? strcspn(addr, ">") : strlen(v);
	if (lt && addr[n] != '>')
		return false;
	const char *at = memchr(addr, '@', n);
	if (!at || at == addr || at == addr + n - 1)
		return false;
	for (size_t i = 0; i < n; i++)
		if (addr[i] == ' ' || addr[i] == '\t' || addr[i] == '<')
			return false;
	return true;
}

static const config_key_t config[] = {
	CONFIG_KEY_STR("mail", "smtp_url", "", check_smtp_url, "empty, smtp://HOST[:PORT] or smtps://HOST[:PORT]",
		       "SMTP server that sends mail to citizens: smtp://host:587 (add starttls = true) or\n"
		       "smtps://host:465. Empty: mails are written as .eml files to outbox_dir instead."),
	CONFIG_KEY_STR("mail", "from", "noreply@localhost", check_mail_from, "an address, or Name <address>",
		       "Sender of the mails: an address, or \"Name <address>\" (the city's name when none)."),
	CONFIG_KEY_STR("mail", "username", "", NULL, NULL, "User name for the SMTP server; empty for none."),
	CONFIG_KEY_STR("mail", "password", "", NULL, NULL,
		       "Password for the SMTP server; better given as FINESTRETA_MAIL_PASSWORD."),
	CONFIG_KEY_BOOL("mail", "starttls", "false",
			"Require STARTTLS on an smtp:// server (smtps:// is always encrypted)."),
	CONFIG_KEY_STR("mail", "outbox_dir", "data/outbox", config_check_nonempty, "a directory",
		       "Without an SMTP server, mails are written here as .eml files and count as sent."),
	CONFIG_KEY_INT("mail", "batch", "20", 1, 1000,
		       "Most messages one delivery round sends (a round runs every few seconds)."),
	CONFIG_KEY_INT("mail", "max_attempts", "10", 1, 100,
		       "Attempts before a message is given up as dead (shown on the outbox page)."),
	CONFIG_KEY_INT("mail", "retry_base", "30", 1, 3600,
		       "Seconds before the first retry of a failed message; each retry waits twice as long\n"
		       "as the one before, up to an hour."),
	CONFIG_KEY_INT("mail", "timeout", "30", 1, 600,
		       "Seconds one exchange with the SMTP server or the SMS gateway may take."),
	CONFIG_KEY_INT("mail", "keep_days", "90", 1, 3650,
		       "Days sent and dead messages are kept (they hold personal data), then deleted."),
	CONFIG_KEY_STR("sms", "gateway_url", "", config_check_http_url_opt, "empty or an http:// or https:// URL",
		       "SMS gateway: each message is POSTed there as JSON {\"to\": PHONE, \"text\": TEXT}.\n"
		       "Empty: no SMS."),
	CONFIG_KEY_STR("sms", "gateway_token", "", NULL, NULL,
		       "Bearer token sent to the SMS gateway; better given as FINESTRETA_SMS_GATEWAY_TOKEN."),
	{0},
};

/* ---------------------------------------------------------------- lifecycle, job */

static int start(app_t *app)
{
	return notify_init(app);
}

static void stop(app_t *app)
{
	notify_stop(); /* end a delivery round now rather than after an SMTP timeout */
}

static void finish(app_t *app)
{
	notify_shutdown();
}

static int deliver_job(app_t *app, db_conn_t *c, int64_t now)
{
	return notify_job(c, now);
}

/* ---------------------------------------------------------------- mail test */

static int mail_test(cap_cli_t *x)
{
	const char *to = NULL, *lang = NULL;
	const cap_opt_t opts[] = {{"--to", &to, NULL}, {"--lang", &lang, NULL}, {0}};
	if (cap_cli_opts(x, opts, NULL, 0, NULL))
		return 2;
	if (!to) {
		fprintf(x->err, "finestreta mail test: --to is required\n");
		return 2;
	}
	if (lang && !i18n_supported(lang)) {
		fprintf(x->err, "finestreta mail test: --lang must be ca, es or en\n");
		return 2;
	}
	if (notify_init(x->app))
		return 1;
	int64_t id = 0;
	int rc = 1;
	int r = notify_test_mail(x->c, to, lang, &id);
	if (r == ERR_INVALID) {
		fprintf(x->err, "finestreta mail test: '%s' is not an e-mail address\n", to);
		rc = 2;
	} else if (r) {
		fprintf(x->err, "finestreta mail test: %s\n", db_errmsg(x->c));
	} else {
		const char *smtp = config_str(x->app->cfg, "mail.smtp_url");
		fprintf(x->out, "queued test message %lld to %s\n", (long long)id, to);
		if (*smtp)
			fprintf(x->out,
				"the server sends it over SMTP within seconds; /admin/outbox shows how it went\n");
		else
			fprintf(x->out,
				"no SMTP server set (mail.smtp_url): the server writes it to %s within seconds\n",
				config_str(x->app->cfg, "mail.outbox_dir"));
		rc = 0;
	}
	notify_shutdown();
	return rc;
}

static const cap_cmd_t commands[] = {
	{"mail", "test", "Queue a test mail to check the mail settings",
	 "Usage: finestreta mail test --to ADDRESS [--lang ca|es|en] [--config FILE] [--db URL]\n\n"
	 "Queues a test message to ADDRESS in the outbox, with the [mail] settings of the\n"
	 "configuration. The running server delivers it within seconds, over SMTP or to\n"
	 "mail.outbox_dir; /admin/outbox shows how it went.\n",
	 CAP_CMD_DB | CAP_CMD_VIEW, mail_test},
	{0},
};

/* ---------------------------------------------------------------- the entry */

static const cap_notice_t notices[] = {
	{"test", "mail/test", "mail_subject_test", "mail_intro_test", "sms_test", 0},
	{0},
};

static const cap_job_t jobs[] = {
	{"notify.deliver", 0, deliver_job},
	{0},
};

const cap_t notify_cap = {
	.name = "notify",
	.summary = "The outbox: mail (SMTP or .eml files) and SMS to citizens, with retries",
	.routes = {nt_routes},
	.config = config,
	.jobs = jobs,
	.notices = notices,
	.commands = commands,
	.start = start,
	.stop = stop,
	.finish = finish,
};
