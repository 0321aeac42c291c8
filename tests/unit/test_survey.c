/* test_survey.c — satisfaction surveys (survey.h) as another capability uses them, on every
 * storage back end: an offer for any kind of attention (a video call: "remote"), one per
 * attention whoever offers it, the invitation mail queued once, bad kinds and references
 * refused, one answer per survey, and the figures by office and period. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app.h"
#include "base/arena.h"
#include "base/config.h"
#include "base/err.h"
#include "base/log.h"
#include "core/cap.h"
#include "notify/notify.h"
#include "render/pdf.h"
#include "survey/internal.h"
#include "testapp.h"
#include "testdb.h"
#include "view/i18n.h"
#include "view/view.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW 1800000000LL

typedef testfx_t fx_t; /* testdb.h */

static int64_t q_int(fx_t *f, const char *sql)
{
	int64_t v = -1;
	if (db_query_int(f->c, sql, NULL, 0, &v))
		fail_msg("query failed: %s (%s)", sql, db_errmsg(f->c));
	return v;
}

/* survey_offer in its own transaction, as a caller's request would run it. */
static int offer(fx_t *f, const char *kind, const char *ref, const char *office, const char *email,
		 char token[SURVEY_TOKEN_LEN])
{
	survey_offer_t o = {.kind = kind, .ref = ref, .office = office, .lang = "es", .email = email, .now = NOW};
	assert_int_equal(db_begin(f->c), 0);
	int rc = survey_offer(f->c, &o, token);
	if (rc)
		db_rollback(f->c);
	else
		assert_int_equal(db_commit(f->c), 0);
	return rc;
}

static void test_offer_once(void **state)
{
	fx_t *f = *state;
	char t1[SURVEY_TOKEN_LEN], t2[SURVEY_TOKEN_LEN], t3[SURVEY_TOKEN_LEN];
	assert_int_equal(offer(f, "remote", "K7P2M9QX", "centre", "persona@example.cat", t1), 0);
	assert_int_equal(strlen(t1), 64);
	assert_int_equal(strspn(t1, "0123456789abcdef"), 64);
	/* A second offer of the same attention: the same survey, no second mail. */
	assert_int_equal(offer(f, "remote", "K7P2M9QX", "centre", "persona@example.cat", t2), 0);
	assert_string_equal(t1, t2);
	assert_int_equal(q_int(f, "SELECT COUNT(*) FROM surveys WHERE kind = 'remote' AND ref = 'K7P2M9QX'"), 1);
	assert_int_equal(q_int(f, "SELECT COUNT(*) FROM outbox WHERE kind = 'survey_invite' AND "
				  "to_email = 'persona@example.cat'"),
			 1);
	/* The mail, in the person's language, links to the survey's page. */
	char sql[256];
	snprintf(sql, sizeof sql,
		 "SELECT COUNT(*) FROM outbox WHERE kind = 'survey_invite' AND lang = 'es' AND body_text LIKE "
		 "'%%https://cita.vilamar.example/survey/%s%%'",
		 t1);
	assert_int_equal(q_int(f, sql), 1);
	/* Another kind with the same reference is another attention; without an address, no mail. */
	assert_int_equal(offer(f, "appointment", "K7P2M9QX", "centre", NULL, t3), 0);
	assert_string_not_equal(t1, t3);
	assert_int_equal(q_int(f, "SELECT COUNT(*) FROM outbox WHERE kind = 'survey_invite'"), 1);
	assert_int_equal(q_int(f, "SELECT invited FROM surveys WHERE kind = 'appointment'"), 0);
	assert_int_equal(q_int(f, "SELECT invited FROM surveys WHERE kind = 'remote'"), 1);
}

static void test_offer_refusals(void **state)
{
	fx_t *f = *state;
	char t[SURVEY_TOKEN_LEN];
	char long_kind[40], long_ref[70];
	memset(long_kind, 'a', 33);
	long_kind[33] = 0;
	memset(long_ref, 'R', 65);
	long_ref[65] = 0;
	const char *kinds[] = {"", "Remote", "video-call", "remote1", long_kind, NULL};
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (offer(f, kinds[i], "REF", NULL, NULL, t) != ERR_INVALID)
			fail_msg("kind %s was not refused", kinds[i] ? kinds[i] : "(null)");
	const char *refs[] = {"", long_ref, NULL};
	for (size_t i = 0; i < sizeof refs / sizeof *refs; i++)
		if (offer(f, "remote", refs[i], NULL, NULL, t) != ERR_INVALID)
			fail_msg("ref %s was not refused", refs[i] ? refs[i] : "(null)");
	assert_int_equal(q_int(f, "SELECT COUNT(*) FROM surveys"), 0);
}

static void test_answers_and_figures(void **state)
{
	fx_t *f = *state;
	char a[SURVEY_TOKEN_LEN], b[SURVEY_TOKEN_LEN], c[SURVEY_TOKEN_LEN];
	assert_int_equal(offer(f, "ticket", "1", "centre", NULL, a), 0);
	assert_int_equal(offer(f, "remote", "K7P2M9QX", "centre", NULL, b), 0);
	assert_int_equal(offer(f, "ticket", "2", "mar-blava", NULL, c), 0);
	assert_int_equal(sv_store_answer(f->c, a, 9, "Molt amables", NOW + 60), 0);
	assert_int_equal(sv_store_answer(f->c, a, 0, "", NOW + 120), ERR_CONFLICT); /* once */
	assert_int_equal(sv_store_answer(f->c, b, 6, "", NOW + 3600), 0);
	assert_int_equal(sv_store_answer(f->c, c, 10, "", NOW + 60), 0);
	int64_t n, sum;
	assert_int_equal(survey_figures(f->c, "centre", NOW, NOW + 86400, &n, &sum), 0);
	assert_int_equal(n, 2);
	assert_int_equal(sum, 15);
	assert_int_equal(survey_figures(f->c, NULL, NOW, NOW + 86400, &n, &sum), 0);
	assert_int_equal(n, 3);
	assert_int_equal(sum, 25);
	/* The period is [from, to): the answer at NOW + 3600 is out of [NOW, NOW + 3600). */
	assert_int_equal(survey_figures(f->c, "centre", NOW, NOW + 3600, &n, &sum), 0);
	assert_int_equal(n, 1);
	assert_int_equal(sum, 9);
	assert_int_equal(survey_figures(f->c, "nowhere", NOW, NOW + 86400, &n, &sum), 0);
	assert_int_equal(n, 0);
	assert_int_equal(sum, 0);
}

/* The outbox renders mails at enqueue: templates, catalogues and settings as the server has. */
static app_t app;
static char tmpdir[64];

int main(void)
{
	log_set_quiet(1);
	if (sodium_init() < 0)
		return 1;
	cap_declare();
	cap_register();
	sv_set_base("https://cita.vilamar.example");
	const char *const settings[] = {"server.public_url", "https://cita.vilamar.example", NULL};
	if (testapp_start(&app, "survey", settings, tmpdir, sizeof tmpdir))
		return 1;
	const struct CMUnitTest store[] = {
		cmocka_unit_test_setup_teardown(test_offer_once, testfx_setup, testfx_teardown),
		cmocka_unit_test_setup_teardown(test_offer_refusals, testfx_setup, testfx_teardown),
		cmocka_unit_test_setup_teardown(test_answers_and_figures, testfx_setup, testfx_teardown),
	};
	int rc = testdb_run_groups("survey", store);
	testapp_stop(&app, tmpdir);
	return rc;
}
