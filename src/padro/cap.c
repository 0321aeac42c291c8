/* cap.c — the padró capability's entry in the capability table (core/cap.h): its routes, the
 * [padro] settings, the SMS kind of the one-time code, the purge job, the demo register (and the
 * demo's SMS gateway that writes messages to the log), and `finestreta import padro FILE`. */
#include "padro/internal.h"
#include "padro/web.h"

#include "app.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/rand.h"
#include "base/str.h"
#include "http/kit.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static bool check_source(const char *v)
{
	return str_eq(v, "local") || str_eq(v, "http");
}

static const config_key_t config[] = {
	CONFIG_KEY_STR("padro", "source", "local", check_source, "local or http",
		       "Where the register is read: local (the table `finestreta import padro FILE` loads) or\n"
		       "http (the city's own register service at padro.http_url)."),
	CONFIG_KEY_STR("padro", "http_url", "", config_check_http_url_opt, "empty or an http:// or https:// URL",
		       "The register service (padro.source = http): POST {\"id_type\",\"id_number\"} answered with\n"
		       "the household as JSON, or 404 (docs/padro-register.md)."),
	CONFIG_KEY_STR("padro", "http_token", "", NULL, NULL,
		       "Sent to the register service as Authorization: Bearer TOKEN; better given in the\n"
		       "environment (FINESTRETA_PADRO_HTTP_TOKEN)."),
	CONFIG_KEY_INT("padro", "http_timeout", "5", 1, 60, "Seconds one call to the register service may take."),
	CONFIG_KEY_INT("padro", "code_ttl", "300", 60, 3600, "Seconds a one-time SMS code stays valid."),
	CONFIG_KEY_INT("padro", "code_tries", "3", 1, 10, "Tries one SMS code allows before it is spent."),
	CONFIG_KEY_INT("padro", "window", "3600", 60, 86400,
		       "Seconds over which codes asked for are counted for the limits below."),
	CONFIG_KEY_INT("padro", "codes_per_id", "3", 1, 100, "Codes one ID number may ask for within the window."),
	CONFIG_KEY_INT("padro", "codes_per_address", "10", 1, 100000,
		       "Codes one client address may ask for within the window (whatever the IDs)."),
	CONFIG_KEY_INT("padro", "codes_per_kiosk", "200", 1, 100000,
		       "Codes one kiosk may ask for within the window (kiosks count per device, not per address)."),
	CONFIG_KEY_INT("padro", "rate_per_minute", "5", 0, 100000,
		       "Code requests per minute per client address on one node (0: no limit), before storage."),
	CONFIG_KEY_INT("padro", "verify_per_minute", "30", 0, 100000,
		       "Verification look-ups (pages and API) per minute per client address (0: no limit)."),
	CONFIG_KEY_INT("padro", "keep_days", "365", 1, 3650,
		       "Days an issued certificate stays verifiable; then the job deletes it (it holds personal "
		       "data)."),
	CONFIG_KEY_STR("padro", "tz", "Europe/Madrid", config_check_nonempty, "a time zone",
		       "Time zone of the issue time printed on certificates."),
	CONFIG_KEY_BOOL("padro", "demo_sms_gateway", "false",
			"In `finestreta demo` only, when sms.gateway_url is empty: serve a demo SMS gateway at\n"
			"/demo/sms that writes every SMS (one-time codes included) to the log. Never in production."),
	{0},
};

static const cap_notice_t notices[] = {
	{"padro_code", "padro/mail/code", "pd_mail_subject", "pd_mail_intro", "pd_sms_code", 0},
	{0},
};

/* Spent codes after a day, certificates after padro.keep_days. */
static int purge(app_t *app, db_conn_t *c, int64_t now)
{
	return pd_store_purge(c, now - 86400, now - config_int(app->cfg, "padro.keep_days") * 86400);
}

static const cap_job_t jobs[] = {
	{"padro.purge", 3600, purge},
	{0},
};

/* ---------------------------------------------------------------- demo */

static atomic_bool demo_gateway;

static int seed(app_t *app, db_conn_t *c, int64_t now, FILE *out)
{
	int rc = pd_demo_seed(c, out);
	if (rc || !config_bool(app->cfg, "padro.demo_sms_gateway") || *config_str(app->cfg, "sms.gateway_url"))
		return rc;
	char token[RAND_TOKEN_HEX_LEN], err[256];
	rand_token_hex(token);
	const char *base = config_str(app->cfg, "server.public_url");
	char url[600];
	snprintf(url, sizeof url, "%s/demo/sms", base);
	if (config_set(app->cfg, "sms.gateway_url", url, err, sizeof err) ||
	    config_set(app->cfg, "sms.gateway_token", token, err, sizeof err)) {
		log_warn("padro: demo SMS gateway not set up: %s", err);
		return 0;
	}
	atomic_store(&demo_gateway, true);
	fprintf(out, "Demo SMS gateway: every SMS (one-time codes included) is written to the log\n");
	return 0;
}

static const cap_seed_t seeds[] = {
	{500, "padró register", seed, false},
	{530, "past certificates (demo.history_days)", pd_history_seed, false},
	{0},
};

/* The demo's SMS gateway: {"to","text"} with the bearer token seed() made. */
static void demo_sms(http_req_t *r)
{
	const char *auth = http_header(r, "Authorization");
	const char *want = config_str(r->app->cfg, "sms.gateway_token");
	if (!atomic_load(&demo_gateway) || !auth || !str_starts(auth, "Bearer ") || !str_eq(auth + 7, want)) {
		http_reply_not_found(r);
		return;
	}
	const char *to = json_string_value(json_object_get(r->json, "to"));
	const char *text = json_string_value(json_object_get(r->json, "text"));
	log_info("demo SMS to %s: %s", to ? to : "?", text ? text : "");
	http_reply_json(r, 200, jpack("{s:b}", "ok", 1));
}

const http_route_t pd_demo_routes[] = {
	{HTTP_POST, "/demo/sms", demo_sms, RT_JSON | RT_NO_CSRF | RT_NO_SESSION, 0},
	{0},
};

/* ---------------------------------------------------------------- start, CLI, cards */

static int start(app_t *app)
{
	if (str_eq(config_str(app->cfg, "padro.source"), "http") && !*config_str(app->cfg, "padro.http_url")) {
		log_error("padro: padro.source = http needs padro.http_url");
		return ERR_INVALID;
	}
	return 0;
}

static int import_padro(cap_cli_t *x)
{
	const char *file = NULL;
	size_t n = 0;
	if (cap_cli_opts(x, (const cap_opt_t[]){{0}}, &file, 1, &n))
		return 2;
	if (n == 0) {
		fprintf(x->err, "finestreta import padro: FILE is required (see 'finestreta help import')\n");
		return 2;
	}
	int rc = pd_import_file(x->c, file, x->out, x->err);
	return rc == 0 ? 0 : rc == ERR_INVALID ? 2 : 1;
}

static const cap_cmd_t commands[] = {
	{"import", "padro", "Replace the local municipal register with a CSV file",
	 "Usage: finestreta import padro FILE [--config FILE] [--db URL]\n\n"
	 "Loads the municipal register (padro.source = local) from a CSV file with the header\n"
	 "household,address,postcode,district,id_type,id_number,given_name,surnames,birth_date,\n"
	 "registered_on,mobile (one row per resident; see docs/padro-register.md) and replaces the\n"
	 "previous load in one transaction. Every bad row is listed as FILE:ROW: FIELD: reason,\n"
	 "and then nothing is written (exit status 2).\n",
	 CAP_CMD_DB, import_padro},
	{0},
};

static const cap_card_t cards[] = {
	{PD_STAFF_ROLES, "/staff/padro", "pd_staff_title", "pd_staff_card"},
	{0},
};

const cap_t padro_cap = {
	.name = "padro",
	.summary = "Padró certificates (volants) with a verification code",
	.routes = {pd_page_routes, pd_verify_routes, pd_api_routes, pd_demo_routes},
	.config = config,
	.jobs = jobs,
	.notices = notices,
	.seeds = seeds,
	.commands = commands,
	.cards = cards,
	.figures = pd_figures,
	.timeline = pd_timeline,
	.erase = pd_erase,
	.start = start,
};
