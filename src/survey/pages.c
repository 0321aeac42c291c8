/* pages.c — the survey's page (no sign-in, no JavaScript):
 *   GET  /survey/{token}   the question: 0–10 and an optional comment (or the thanks, once answered)
 *   POST /survey/{token}   the answer, once; a missing score shows the form again (422) */
#include "survey/internal.h"
#include "survey/web.h"

#include "app.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/str.h"
#include "http/form.h"
#include "http/kit.h"

#include <string.h>
#include <time.h>

static bool rate_ok(http_req_t *r)
{
	int retry = 1;
	if (r->user || http_rate_ok(r, "survey.page", (int)config_int(r->app->cfg, "survey.rate_public"), 60, &retry))
		return true;
	http_reply_error(r, 429, "rate_limited", "sv_err_rate", NULL);
	return false;
}

/* The survey of the path; false when answered (404, 503). */
static bool load(http_req_t *r, sv_survey_t *s)
{
	const char *token = http_param(r, "token");
	int rc = token && strlen(token) == 64 ? sv_store_by_token(r->db, r->arena, token, s) : ERR_NOT_FOUND;
	if (rc)
		http_reply_failed(r, rc);
	return rc == 0;
}

static void page(http_req_t *r, int status, const sv_survey_t *s, form_t *fm)
{
	json_t *scores = json_array();
	const char *chosen = form_str(r, "score");
	for (int i = 0; i <= 10; i++) {
		char v[4];
		snprintf(v, sizeof v, "%d", i);
		json_array_append_new(scores, jpack("{s:s,s:b}", "value", v, "checked",
						    r->method == HTTP_POST && str_eq(chosen, v)));
	}
	json_t *m = jpack("{s:s,s:o,s:b}", "action", arena_printf(r->arena, "/survey/%s", s->token), "scores", scores,
			  "answered", s->answered_at != 0);
	if (s->answered_at)
		json_object_set_new(m, "score", json_integer(s->score));
	json_object_set_new(m, "csrf", json_string(http_csrf_token(r))); /* anonymous: the pre-session token */
	form_into(fm, m);
	http_add_header(r, "Cache-Control", "no-store");
	http_add_header(r, "Referrer-Policy", "no-referrer");
	http_reply_page(r, status, "survey/form", m);
}

static void survey_get(http_req_t *r)
{
	sv_survey_t s;
	if (!rate_ok(r) || !load(r, &s))
		return;
	form_t fm = form_new(r, "sv");
	page(r, 200, &s, &fm);
}

typedef struct {
	const char *token, *comment;
	int score;
	int64_t now;
} answer_t;

static int answer_write(http_req_t *r, void *ud)
{
	answer_t *x = ud;
	return sv_store_answer(r->db, x->token, x->score, x->comment, x->now);
}

static void survey_post(http_req_t *r)
{
	sv_survey_t s;
	if (!rate_ok(r) || !load(r, &s))
		return;
	form_t fm = form_new(r, "sv");
	answer_t x = {.token = s.token, .comment = form_text(r, "comment"), .now = (int64_t)time(NULL)};
	int64_t score;
	form_val(&fm, "comment", x.comment);
	if (str_to_i64(form_str(r, "score"), 0, 10, &score))
		form_err(&fm, "score", "sv_score", http_t(r, "sv_err_score"));
	if (strlen(x.comment) > SV_COMMENT_MAX || !str_valid_utf8(x.comment, strlen(x.comment)))
		form_err(&fm, "comment", "sv_comment", http_t(r, "sv_err_comment"));
	if (form_bad(&fm) || s.answered_at) {
		page(r, s.answered_at ? 409 : 422, &s, &fm);
		return;
	}
	x.score = (int)score;
	int rc = http_tx(r, answer_write, &x, NULL, NULL, NULL);
	if (rc == HTTP_TX_ANSWERED) {
		form_free(&fm);
		return;
	}
	if (rc == 0 || rc == ERR_CONFLICT) { /* answered, now or by a second click meanwhile */
		s.answered_at = x.now;
		s.score = x.score;
	}
	page(r, rc == 0 ? 200 : 409, &s, &fm);
}

const http_route_t sv_page_routes[] = {
	{HTTP_GET | HTTP_HEAD, "/survey/{token}", survey_get, RT_DB, 0},
	{HTTP_POST, "/survey/{token}", survey_post, RT_FORM | RT_DB, 0},
	{0},
};
