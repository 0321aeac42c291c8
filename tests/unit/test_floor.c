/* test_floor.c — the office floor's rules: the calling order (every class, ties, transfers that
 * keep their arrival, recalled and early tickets, tickets sent to one desk), the table of moves,
 * the wait estimate; and on SQLite and PostgreSQL (tests/unit/testdb.h): numbering per office,
 * zone and day, quotas and closed zones (a refused ticket spends no number), every move and its
 * refusals through fl_call and fl_act, recalls up to floor.max_recalls, the history rows, the
 * estimate from finished tickets and open desks, the job that ends yesterday's tickets, an
 * appointment's check-in through booking's listener. Plus the chime's WAV and the ticket's PDF.
 * Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app.h"
#include "base/arena.h"
#include "base/config.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "bus/bus.h"
#include "core/cap.h"
#include "floor/internal.h"
#include "render/pdf.h"
#include "render/speech.h"
#include "testdb.h"
#include "view/i18n.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOW 1800000000LL /* 2027-01-15 08:00 UTC, 09:00 in Madrid */
#define WINDOW 300

/* ---------------------------------------------------------------- the calling order */

static fl_ticket_t tk(int64_t id, int64_t arrived, const char *priority, int64_t appt_at)
{
	return (fl_ticket_t){.id = id,
			     .zone_id = 1,
			     .status = "waiting",
			     .arrived_at = arrived,
			     .priority = priority ? priority : "",
			     .appointment_id = appt_at ? id : 0,
			     .appointment_at = appt_at,
			     .note = "",
			     .target_desk_code = ""};
}

static void order_of(fl_ticket_t *v, size_t n, int64_t now, const int64_t *want)
{
	fl_order_sort(v, n, now, WINDOW);
	for (size_t i = 0; i < n; i++)
		if (v[i].id != want[i])
			fail_msg("position %zu: ticket %lld, expected %lld", i, (long long)v[i].id, (long long)want[i]);
}

static void test_order_classes(void **state)
{
	(void)state;
	fl_ticket_t walk = tk(1, NOW - 600, NULL, 0), prio = tk(2, NOW - 60, "pregnancy", 0);
	fl_ticket_t due = tk(3, NOW - 30, NULL, NOW + WINDOW), early = tk(4, NOW - 900, NULL, NOW + WINDOW + 1);
	fl_ticket_t late = tk(5, NOW, NULL, NOW - 3600);
	assert_int_equal(fl_order_class(&walk, NOW, WINDOW), FL_REGULAR);
	assert_int_equal(fl_order_class(&prio, NOW, WINDOW), FL_PRIORITY);
	assert_int_equal(fl_order_class(&due, NOW, WINDOW), FL_APPOINTMENT);  /* exactly the window before */
	assert_int_equal(fl_order_class(&early, NOW, WINDOW), FL_EARLY);      /* one second more */
	assert_int_equal(fl_order_class(&late, NOW, WINDOW), FL_APPOINTMENT); /* late is still first */
	fl_ticket_t v[] = {walk, prio, due, early, late};
	/* Callable appointments by their time (the late one first), priority, first come, early last. */
	order_of(v, 5, NOW, (const int64_t[]){5, 3, 2, 1, 4});
	/* A minute later the early one is due and goes before every walk-in. */
	fl_ticket_t w[] = {walk, prio, due, early, late};
	order_of(w, 5, NOW + 60, (const int64_t[]){5, 3, 4, 2, 1});
}

static void test_order_ties_and_transfers(void **state)
{
	(void)state;
	/* Same arrival second: the earlier issued (lower id) first, whatever the input order. */
	fl_ticket_t v[] = {tk(9, NOW - 100, NULL, 0), tk(7, NOW - 100, NULL, 0), tk(8, NOW - 100, NULL, 0)};
	order_of(v, 3, NOW, (const int64_t[]){7, 8, 9});
	/* A transferred ticket keeps its original arrival: it goes before those who came after it,
	 * though it joined the zone last (a higher id). */
	fl_ticket_t moved = tk(20, NOW - 1200, NULL, 0);
	moved.status = "transferred";
	fl_ticket_t w[] = {tk(10, NOW - 900, NULL, 0), tk(11, NOW - 1500, NULL, 0), moved};
	order_of(w, 3, NOW, (const int64_t[]){11, 20, 10});
	/* Two priorities: first come first served among them too. */
	fl_ticket_t p[] = {tk(30, NOW - 10, "disability", 0), tk(31, NOW - 20, "advanced_age", 0),
			   tk(32, NOW - 30, NULL, 0)};
	order_of(p, 3, NOW, (const int64_t[]){31, 30, 32});
	/* Two due appointments: by their time, then arrival. */
	fl_ticket_t a[] = {tk(40, NOW - 10, NULL, NOW + 120), tk(41, NOW - 5, NULL, NOW + 60),
			   tk(42, NOW - 50, NULL, NOW + 60)};
	order_of(a, 3, NOW, (const int64_t[]){42, 41, 40});
	assert_true(fl_order_cmp(&a[0], &a[1], NOW, WINDOW) < 0);
	assert_int_equal(fl_order_cmp(&a[0], &a[0], NOW, WINDOW), 0);
}

static void test_order_next(void **state)
{
	(void)state;
	fl_ticket_t called = tk(1, NOW - 3000, NULL, 0);
	called.status = "called"; /* a recalled ticket is at a desk, not in the queue */
	fl_ticket_t other_zone = tk(2, NOW - 2000, NULL, 0);
	other_zone.zone_id = 2;
	fl_ticket_t for_desk = tk(3, NOW - 1900, NULL, 0);
	for_desk.target_desk_id = 77;
	for_desk.zone_id = 3; /* sent to desk 77 in a zone desk 77 does not serve */
	fl_ticket_t early = tk(4, NOW - 1800, NULL, NOW + 3600);
	fl_ticket_t mine = tk(5, NOW - 1000, NULL, 0);
	fl_ticket_t v[] = {called, other_zone, for_desk, early, mine};
	fl_order_sort(v, 5, NOW, WINDOW);
	int64_t zones1[] = {1};
	long i = fl_order_next(v, 5, 55, zones1, 1, NOW, WINDOW);
	assert_true(i >= 0);
	assert_int_equal(v[i].id, 5); /* not the called, the other zone's, desk 77's, or the early one */
	i = fl_order_next(v, 5, 77, zones1, 1, NOW, WINDOW);
	assert_int_equal(v[i].id, 3); /* desk 77 takes the one sent to it first (it came earlier) */
	int64_t zones2[] = {1, 2};
	i = fl_order_next(v, 5, 55, zones2, 2, NOW, WINDOW);
	assert_int_equal(v[i].id, 2); /* a desk serving two zones: the earliest of both */
	assert_int_equal(fl_order_next(v, 5, 55, zones1, 0, NOW, WINDOW), -1);
	/* ahead: waiting tickets of its zone before it. */
	fl_ticket_t q[] = {tk(1, NOW - 30, NULL, 0), tk(2, NOW - 20, NULL, 0), tk(3, NOW - 10, NULL, 0)};
	q[1].zone_id = 9;
	assert_int_equal(fl_ahead(q, 3, &q[0]), 0);
	assert_int_equal(fl_ahead(q, 3, &q[2]), 1);
	q[2].status = "called";
	assert_int_equal(fl_ahead(q, 3, &q[2]), 0);
}

static void test_moves_table(void **state)
{
	(void)state;
	static const char *const S[] = {"waiting", "transferred", "called", "in_service", "parked", "done", "no_show"};
	/* to[action][from]: NULL refused */
	static const char *const to[FL_NACTIONS][7] = {
		[FL_CALL] = {"called", "called", 0, 0, 0, 0, 0},
		[FL_RECALL] = {0, 0, "called", 0, 0, 0, 0},
		[FL_START] = {0, 0, "in_service", 0, 0, 0, 0},
		[FL_PARK] = {0, 0, "parked", "parked", 0, 0, 0},
		[FL_RESUME] = {0, 0, 0, 0, "called", 0, 0},
		[FL_TRANSFER] = {"transferred", "transferred", "transferred", "transferred", "transferred", 0, 0},
		[FL_FINISH] = {0, 0, 0, "done", 0, 0, 0},
		[FL_NO_SHOW] = {0, 0, "no_show", 0, 0, 0, 0},
		[FL_EXPIRE] = {"no_show", "no_show", "no_show", "no_show", "no_show", 0, 0},
	};
	for (int a = 0; a < FL_NACTIONS; a++) {
		assert_int_equal(fl_action_from_name(fl_action_name((fl_action_t)a)), a);
		for (int s = 0; s < 7; s++) {
			const char *got = fl_move_to((fl_action_t)a, S[s]);
			if ((got == NULL) != (to[a][s] == NULL) || (got && strcmp(got, to[a][s])))
				fail_msg("%s from %s: %s, expected %s", fl_action_name((fl_action_t)a), S[s],
					 got ? got : "refused", to[a][s] ? to[a][s] : "refused");
		}
	}
	assert_null(fl_move_to(FL_START, "lost"));
	assert_int_equal(fl_action_from_name("explode"), -1);
	assert_false(fl_waiting("called"));
	assert_true(fl_waiting("transferred"));
}

static void test_wait_estimate(void **state)
{
	(void)state;
	fl_estimate_t e = {.service_s = 600, .desks = 2};
	assert_int_equal(fl_wait_min(&e, 0, NULL, NOW, WINDOW), 0);
	assert_int_equal(fl_wait_min(&e, 1, NULL, NOW, WINDOW), 5);  /* 600 s / 2 desks */
	assert_int_equal(fl_wait_min(&e, 3, NULL, NOW, WINDOW), 15); /* 1800 s / 2 */
	e.desks = 0;                                                 /* no desk open: counted as one */
	assert_int_equal(fl_wait_min(&e, 3, NULL, NOW, WINDOW), 30);
	e = (fl_estimate_t){.service_s = 100, .desks = 3};
	assert_int_equal(fl_wait_min(&e, 1, NULL, NOW, WINDOW), 1); /* 34 s: rounded up */
	fl_ticket_t appt = tk(1, NOW, NULL, NOW + 3600);
	assert_int_equal(fl_wait_min(&e, 0, &appt, NOW, WINDOW), 55); /* not before it is callable */
}

static void test_chime_and_ticket_pdf(void **state)
{
	(void)state;
	unsigned char *wav;
	size_t len;
	assert_int_equal(speech_chime(&wav, &len), 0);
	assert_memory_equal(wav, "RIFF", 4);
	assert_memory_equal(wav + 8, "WAVEfmt ", 8);
	assert_int_equal(len, 44 + (size_t)(1.35 * SPEECH_RATE) * 2);
	free(wav);
	const char *langs[] = {"ca"}, *texts[] = {"Número A 12, taula 5."}, *bad_voice[] = {"ca; rm"};
	assert_int_equal(speech_wav("/nonexistent/espeak-ng", langs, texts, 1, &wav, &len), ERR_UNAVAILABLE);
	assert_int_equal(speech_wav("espeak-ng", bad_voice, texts, 1, &wav, &len), ERR_INVALID);
	const char *empty[] = {""};
	assert_int_equal(speech_wav("espeak-ng", langs, empty, 1, &wav, &len), ERR_INVALID);
	json_t *m = jpack("{s:s,s:s,s:s,s:s,s:s,s:[{s:s,s:s}],s:s,s:s}", "city", "Vilamar", "office", "OAC Centre",
			  "number", "B012", "zone", "Atenció assistida", "colour", "#1d4f91", "lines", "label",
			  "Persones davant", "value", "3", "url", "https://example.cat/floor/t/1?token=abc", "caption",
			  "Escanegeu-lo");
	unsigned char *pdf;
	assert_int_equal(pdf_ticket(m, "ca", &pdf, &len), 0);
	assert_true(len > 1000);
	assert_memory_equal(pdf, "%PDF", 4);
	free(pdf);
	json_object_del(m, "number");
	assert_int_equal(pdf_ticket(m, "ca", &pdf, &len), ERR_INVALID);
	json_decref(m);
	char *svg = qr_svg("https://example.cat/floor/t/1");
	assert_non_null(svg);
	assert_non_null(strstr(svg, "<svg"));
	free(svg);
}

/* ---------------------------------------------------------------- storage */

typedef struct {
	TESTFX_HEAD; /* db, c, a, cfg, app (testdb.h) */
	fl_ctx_t ctx;
	int64_t office_id, zone_a, zone_b, desk1, desk2, desk3;
} fx_t;

static int64_t q_int(fx_t *f, const char *sql)
{
	int64_t v = -1;
	if (db_query_int(f->c, sql, NULL, 0, &v))
		fail_msg("query failed: %s (%s)", sql, db_errmsg(f->c));
	return v;
}

static int64_t ins(fx_t *f, const char *sql, const db_param_t *p, int n)
{
	int64_t id = 0;
	if (db_query_int(f->c, sql, p, n, &id))
		fail_msg("insert failed: %s (%s)", sql, db_errmsg(f->c));
	return id;
}

static int setup(void **state)
{
	fx_t *f = calloc(1, sizeof *f);
	if (testfx_open(&f->fx))
		return -1;
	int64_t org = ins(f,
			  "INSERT INTO organisations (code, name_ca, name_es, name_en, created_at, updated_at) "
			  "VALUES ('aj', 'Aj', 'Ay', 'CH', 1, 1) RETURNING id",
			  NULL, 0);
	db_param_t po[] = {DB_INT(org)};
	f->office_id =
		ins(f,
		    "INSERT INTO offices (org_id, code, name_ca, name_es, name_en, kind, created_at, updated_at) "
		    "VALUES ($1, 'oac', 'OAC', 'OAC', 'OAC', 'citizen_office', 1, 1) RETURNING id",
		    po, 1);
	db_param_t pz[] = {DB_INT(f->office_id)};
	f->zone_a = ins(f,
			"INSERT INTO zones (office_id, code, kind, name_ca, name_es, name_en, colour, letter) "
			"VALUES ($1, 'assistida', 'assisted', 'Assistida', 'Asistida', 'Assisted', '#1d4f91', 'B') "
			"RETURNING id",
			pz, 1);
	f->zone_b =
		ins(f,
		    "INSERT INTO zones (office_id, code, kind, name_ca, name_es, name_en, colour, letter) "
		    "VALUES ($1, 'cita', 'appointment', 'Cita', 'Cita', 'Appointment', '#1e6b34', 'D') RETURNING id",
		    pz, 1);
	db_param_t pa[] = {DB_INT(f->zone_a)}, pb[] = {DB_INT(f->zone_b)};
	f->desk1 =
		ins(f, "INSERT INTO desks (zone_id, code, display_name) VALUES ($1, 'taula-1', 'Taula 1') RETURNING id",
		    pa, 1);
	f->desk2 =
		ins(f, "INSERT INTO desks (zone_id, code, display_name) VALUES ($1, 'taula-2', 'Taula 2') RETURNING id",
		    pa, 1);
	f->desk3 =
		ins(f, "INSERT INTO desks (zone_id, code, display_name) VALUES ($1, 'taula-3', 'Taula 3') RETURNING id",
		    pb, 1);
	ins(f,
	    "INSERT INTO procedures (code, name_ca, name_es, name_en, category, channels, duration_min, created_at, "
	    "updated_at) VALUES ('idcat-mobil', 'idCAT', 'idCAT', 'idCAT', 'identitat', 'in_person', 10, 1, 1) "
	    "RETURNING id",
	    NULL, 0);
	f->ctx = (fl_ctx_t){.c = f->c,
			    .a = f->a,
			    .cfg = f->cfg,
			    .now = NOW,
			    .actor = "informador@example.cat",
			    .lang = "ca"};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx_t *f = *state;
	testfx_close(&f->fx);
	free(f);
	return 0;
}

/* Issues in its own transaction (rolled back on failure, as the web layer does). */
static int issue(fx_t *f, const char *zone, const char *priority, fl_ticket_t *t, fl_err_t *err)
{
	fl_issue_t in = {.office = "oac",
			 .zone = zone,
			 .priority = priority ? priority : "",
			 .autonomous = -1,
			 .channel = "welcome"};
	char token[65];
	assert_int_equal(db_begin(f->c), 0);
	int rc = fl_issue(&f->ctx, &in, t, token, err);
	if (rc)
		db_rollback(f->c);
	else
		assert_int_equal(db_commit(f->c), 0);
	return rc;
}

static fl_ticket_t issue_ok(fx_t *f, const char *zone, const char *priority)
{
	fl_ticket_t t;
	fl_err_t err = {0};
	int rc = issue(f, zone, priority, &t, &err);
	if (rc)
		fail_msg("issue in %s: %s (%s)", zone, err_name(rc), err.code ? err.code : "");
	return t;
}

static int in_tx(fx_t *f, int rc)
{
	if (rc)
		db_rollback(f->c);
	else
		assert_int_equal(db_commit(f->c), 0);
	return rc;
}

/* Each call starts with an empty change and error, as each request does. */
static int call(fx_t *f, const char *desk, int64_t ticket, fl_change_t *ch, fl_err_t *err)
{
	memset(ch, 0, sizeof *ch);
	memset(err, 0, sizeof *err);
	assert_int_equal(db_begin(f->c), 0);
	return in_tx(f, fl_call(&f->ctx, "oac", desk, ticket, ch, err));
}

static int act(fx_t *f, int64_t id, fl_action_t a, const fl_act_in_t *in, fl_change_t *ch, fl_err_t *err)
{
	memset(ch, 0, sizeof *ch);
	memset(err, 0, sizeof *err);
	assert_int_equal(db_begin(f->c), 0);
	return in_tx(f, fl_act(&f->ctx, id, a, in, ch, err));
}

static void test_numbering_and_quota(void **state)
{
	fx_t *f = *state;
	assert_string_equal(issue_ok(f, "assistida", NULL).number, "B001");
	assert_string_equal(issue_ok(f, "assistida", NULL).number, "B002");
	assert_string_equal(issue_ok(f, "cita", NULL).number, "D001"); /* per zone */
	/* A quota of 3 walk-ins: the fourth is refused and spends no number. */
	assert_int_equal(db_begin(f->c), 0);
	assert_int_equal(fl_store_zone_set(f->c, f->zone_a, 3, false, NOW, "test"), 0);
	assert_int_equal(db_commit(f->c), 0);
	assert_string_equal(issue_ok(f, "assistida", NULL).number, "B003");
	fl_ticket_t t;
	fl_err_t err = {0};
	assert_int_equal(issue(f, "assistida", NULL, &t, &err), ERR_CONFLICT);
	assert_string_equal(err.code, "quota_reached");
	assert_int_equal(q_int(f, "SELECT last_seq FROM floor_counters WHERE day = '2027-01-15' AND last_seq = 3"), 3);
	/* Closed by a coordinator: refused whatever the quota. */
	assert_int_equal(db_begin(f->c), 0);
	assert_int_equal(fl_store_zone_set(f->c, f->zone_a, -1, true, NOW, "test"), 0);
	assert_int_equal(db_commit(f->c), 0);
	memset(&err, 0, sizeof err);
	assert_int_equal(issue(f, "assistida", NULL, &t, &err), ERR_CONFLICT);
	assert_string_equal(err.code, "issuing_closed");
	assert_int_equal(db_begin(f->c), 0);
	assert_int_equal(fl_store_zone_set(f->c, f->zone_a, -1, false, NOW, "test"), 0);
	assert_int_equal(db_commit(f->c), 0);
	assert_string_equal(issue_ok(f, "assistida", NULL).number, "B004");
	/* The next day starts again at 1. */
	f->ctx.now = NOW + 86400;
	assert_string_equal(issue_ok(f, "assistida", NULL).number, "B001");
	/* Bad input: every field at once. */
	fl_issue_t bad = {.office = "oac",
			  .zone = "nowhere",
			  .service = "no-such",
			  .age_band = "20",
			  .gender = "x",
			  .lang = "fr",
			  .priority = "flying",
			  .autonomous = 5,
			  .channel = "fax"};
	char token[65];
	memset(&err, 0, sizeof err);
	assert_int_equal(db_begin(f->c), 0);
	assert_int_equal(fl_issue(&f->ctx, &bad, &t, token, &err), ERR_INVALID);
	db_rollback(f->c);
	const char *fields[] = {"zone", "service", "age_band", "gender", "lang", "priority", "autonomous", "channel"};
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
		if (!fielderr_has(&err.fields, fields[i]))
			fail_msg("no error for %s", fields[i]);
	bad = (fl_issue_t){.office = "closed-office", .zone = "assistida", .autonomous = -1};
	memset(&err, 0, sizeof err);
	assert_int_equal(db_begin(f->c), 0);
	assert_int_equal(fl_issue(&f->ctx, &bad, &t, token, &err), ERR_NOT_FOUND);
	db_rollback(f->c);
	assert_string_equal(err.code, "not_found");
}

/* What a kiosk calls (floor.h): the same rules as the API, the place and wait in the answer, the
 * refusal's code and message key, and the announcement of the grown queue on the office's topic. */
typedef struct {
	int n;
	char frame[2048];
} heard_t;

static void hear(void *ud, const bus_event_t *ev)
{
	heard_t *h = ud;
	if (ev->kind != BUS_EVENT)
		return;
	h->n++;
	snprintf(h->frame, sizeof h->frame, "%.*s", (int)ev->frame_len, ev->frame);
}

static int kiosk_issue(fx_t *f, const char *zone, const char *priority, floor_ticket_t *out)
{
	floor_ticket_in_t in = {.office = "oac",
				.zone = zone,
				.priority = priority,
				.lang = "es",
				.autonomous = 1,
				.channel = "kiosk",
				.actor = "kiosk",
				.now = NOW};
	assert_int_equal(db_begin(f->c), 0);
	return in_tx(f, floor_ticket_issue(f->c, f->a, f->cfg, &in, out));
}

static void test_kiosk_issue(void **state)
{
	fx_t *f = *state;
	floor_ticket_t a, b, c;
	assert_int_equal(kiosk_issue(f, "assistida", NULL, &a), 0);
	assert_string_equal(a.number, "B001");
	assert_string_equal(a.zone, "assistida");
	assert_int_equal(a.ahead, 0);
	assert_int_equal(a.estimated_wait_min, 0);
	assert_int_equal(strlen(a.token), 64);
	assert_null(a.error);
	assert_int_equal(kiosk_issue(f, "assistida", "pregnancy", &b), 0);
	assert_int_equal(b.ahead, 0); /* a priority need goes first */
	assert_int_equal(kiosk_issue(f, "assistida", "", &c), 0);
	assert_string_equal(c.number, "B003");
	assert_int_equal(c.ahead, 2);
	fl_estimate_t e;
	assert_int_equal(fl_estimate(&f->ctx, f->office_id, f->zone_a, "2027-01-15", &e), 0);
	assert_true(c.estimated_wait_min > 0);
	assert_int_equal(c.estimated_wait_min, (2 * e.service_s + 59) / 60);
	char sql[160];
	snprintf(sql, sizeof sql,
		 "SELECT COUNT(*) FROM floor_tickets WHERE id = %lld AND channel = 'kiosk' AND lang = 'es'",
		 (long long)c.id);
	assert_int_equal(q_int(f, sql), 1);
	/* The quota refuses with its code and message, and no token. */
	assert_int_equal(db_begin(f->c), 0);
	assert_int_equal(fl_store_zone_set(f->c, f->zone_a, 3, false, NOW, "test"), 0);
	assert_int_equal(db_commit(f->c), 0);
	floor_ticket_t r;
	assert_int_equal(kiosk_issue(f, "assistida", NULL, &r), ERR_CONFLICT);
	assert_string_equal(r.error, "quota_reached");
	assert_non_null(r.error_key);
	assert_string_equal(r.token, "");
	assert_int_equal(kiosk_issue(f, "nowhere", "flying", &r), ERR_INVALID);
	assert_string_equal(r.error, "invalid");
	assert_true(fielderr_has(&r.fields, "zone"));
	assert_true(fielderr_has(&r.fields, "priority"));
	/* The announcement reaches the office's queue topic with the zone's new order. */
	bus_t *bus = bus_new();
	heard_t h = {0};
	char topic[64];
	snprintf(topic, sizeof topic, "floor.queue.%lld", (long long)f->office_id);
	bus_sub_t *sub = bus_subscribe(bus, topic, hear, &h);
	floor_ticket_announce(bus, f->c, f->a, f->cfg, &c, NOW);
	bus_unsubscribe(bus, sub);
	bus_free(bus);
	assert_int_equal(h.n, 1);
	char order[96];
	snprintf(order, sizeof order, "\"order\":[%lld,%lld,%lld]", (long long)b.id, (long long)a.id, (long long)c.id);
	if (!strstr(h.frame, "event: queue\n") || !strstr(h.frame, "\"zone\":\"assistida\"") || !strstr(h.frame, order))
		fail_msg("announcement: %s (wanted %s)", h.frame, order);
}

static void test_life_cycle(void **state)
{
	fx_t *f = *state;
	config_set(f->cfg, "floor.max_recalls", "1", NULL, 0);
	fl_ticket_t a = issue_ok(f, "assistida", NULL);
	f->ctx.now += 10;
	fl_ticket_t p = issue_ok(f, "assistida", "advanced_age");
	fl_change_t ch = {0};
	fl_err_t err = {0};
	/* Call next: the priority visitor first; the desk is then busy. */
	assert_int_equal(call(f, "taula-1", 0, &ch, &err), 0);
	assert_int_equal(ch.t.id, p.id);
	assert_true(ch.call);
	assert_string_equal(ch.t.status, "called");
	memset(&err, 0, sizeof err);
	assert_int_equal(call(f, "taula-1", 0, &ch, &err), ERR_CONFLICT);
	assert_string_equal(err.code, "bad_state");
	/* Refusals: finish before start, resume a ticket that is not parked. */
	memset(&err, 0, sizeof err);
	assert_int_equal(act(f, p.id, FL_FINISH, NULL, &ch, &err), ERR_CONFLICT);
	memset(&err, 0, sizeof err);
	assert_int_equal(act(f, p.id, FL_RESUME, NULL, &ch, &err), ERR_CONFLICT);
	/* Start, park (the desk is free again), resume at another desk, finish with the outcome. */
	assert_int_equal(act(f, p.id, FL_START, NULL, &ch, &err), 0);
	assert_string_equal(ch.t.status, "in_service");
	assert_int_equal(act(f, p.id, FL_PARK, NULL, &ch, &err), 0);
	assert_string_equal(ch.t.status, "parked");
	fl_act_in_t at2 = {.desk = "taula-2", .idcat = -1};
	assert_int_equal(act(f, p.id, FL_RESUME, &at2, &ch, &err), 0);
	assert_string_equal(ch.t.desk_code, "taula-2");
	assert_int_equal(act(f, p.id, FL_START, NULL, &ch, &err), 0);
	const char *procs[] = {"idcat-mobil"};
	fl_act_in_t out = {.procedures = procs,
			   .nprocedures = 1,
			   .mode = "with",
			   .idcat = 1,
			   .referred = "",
			   .notes = "Ha marxat amb l'idCAT"};
	f->ctx.now += 420;
	assert_int_equal(act(f, p.id, FL_FINISH, &out, &ch, &err), 0);
	assert_string_equal(ch.t.status, "done");
	assert_int_equal(q_int(f, "SELECT count(*) FROM floor_ticket_procedures"), 1);
	/* Bad outcome: unknown procedure and mode, both said. */
	fl_ticket_t b = issue_ok(f, "assistida", NULL);
	assert_int_equal(call(f, "taula-2", b.id, &ch, &err), 0);
	assert_int_equal(act(f, b.id, FL_START, NULL, &ch, &err), 0);
	const char *bad_procs[] = {"no-such"};
	fl_act_in_t bad = {.procedures = bad_procs, .nprocedures = 1, .mode = "by", .idcat = -1};
	memset(&err, 0, sizeof err);
	assert_int_equal(act(f, b.id, FL_FINISH, &bad, &ch, &err), ERR_INVALID);
	assert_true(fielderr_has(&err.fields, "procedures"));
	assert_true(fielderr_has(&err.fields, "mode"));
	/* Recall once (max_recalls 1), then the next recall is a no-show. */
	assert_int_equal(call(f, "taula-1", 0, &ch, &err), 0);
	assert_int_equal(ch.t.id, a.id);
	assert_int_equal(act(f, a.id, FL_RECALL, NULL, &ch, &err), 0);
	assert_string_equal(ch.t.status, "called");
	assert_true(ch.call);
	assert_int_equal(act(f, a.id, FL_RECALL, NULL, &ch, &err), 0);
	assert_string_equal(ch.t.status, "no_show");
	assert_false(ch.call);
	/* Nobody left: call next finds nobody (ERR_NOT_FOUND without an error code). */
	memset(&err, 0, sizeof err);
	assert_int_equal(call(f, "taula-1", 0, &ch, &err), ERR_NOT_FOUND);
	assert_null(err.code);
	/* The history of the priority ticket, one row per change. */
	fl_event_t *ev;
	size_t n;
	assert_int_equal(fl_store_events(f->c, f->a, p.id, &ev, &n), 0);
	const char *want[] = {"issue", "call", "start", "park", "resume", "start", "finish"};
	assert_int_equal(n, 7);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(ev[i].action, want[i]);
	/* The calls the displays show: the call, the resume, the call of a, its recall. */
	assert_int_equal(q_int(f, "SELECT count(*) FROM floor_calls"), 5);
}

static void test_transfer_and_estimate(void **state)
{
	fx_t *f = *state;
	fl_change_t ch = {0};
	fl_err_t err = {0};
	/* Three finished attentions of 4, 6 and 8 minutes make the mean 6 minutes. */
	for (int k = 0; k < 3; k++) {
		fl_ticket_t t = issue_ok(f, "assistida", NULL);
		assert_int_equal(call(f, "taula-1", t.id, &ch, &err), 0);
		assert_int_equal(act(f, t.id, FL_START, NULL, &ch, &err), 0);
		f->ctx.now += (4 + 2 * k) * 60;
		assert_int_equal(act(f, t.id, FL_FINISH, NULL, &ch, &err), 0);
	}
	fl_estimate_t e;
	assert_int_equal(fl_estimate(&f->ctx, f->office_id, f->zone_a, "2027-01-15", &e), 0);
	assert_int_equal(e.samples, 3);
	assert_int_equal(e.service_s, 360);
	assert_int_equal(e.desks, 1); /* taula-1's session, opened by its first call */
	assert_int_equal(fl_estimate(&f->ctx, f->office_id, f->zone_b, "2027-01-15", &e), 0);
	assert_int_equal(e.samples, 0);
	assert_int_equal(e.service_s, 8 * 60); /* floor.default_service_min */
	/* A transfer keeps the arrival: the first to arrive, sent from a desk to the other zone,
	 * waits there before the one who came later. */
	fl_ticket_t first = issue_ok(f, "assistida", NULL);
	f->ctx.now += 60;
	fl_ticket_t later = issue_ok(f, "cita", NULL);
	assert_int_equal(call(f, "taula-1", first.id, &ch, &err), 0);
	fl_act_in_t to = {.to_zone = "cita", .note = "Ho porta la taula 3", .idcat = -1};
	assert_int_equal(act(f, first.id, FL_TRANSFER, &to, &ch, &err), 0);
	assert_string_equal(ch.t.status, "transferred");
	assert_int_equal(ch.nzones, 2); /* both queues changed */
	assert_int_equal(call(f, "taula-3", 0, &ch, &err), 0);
	assert_int_equal(ch.t.id, first.id);
	memset(&err, 0, sizeof err);
	fl_act_in_t nowhere = {.idcat = -1};
	assert_int_equal(act(f, later.id, FL_TRANSFER, &nowhere, &ch, &err), ERR_INVALID);
	assert_true(fielderr_has(&err.fields, "zone"));
	/* To a desk: only that desk calls it. */
	fl_act_in_t to_desk = {.to_desk = "taula-2", .idcat = -1};
	assert_int_equal(act(f, later.id, FL_TRANSFER, &to_desk, &ch, &err), 0);
	assert_int_equal(act(f, first.id, FL_NO_SHOW, NULL, &ch, &err), 0);
	assert_int_equal(call(f, "taula-3", 0, &ch, &err), ERR_NOT_FOUND);
	assert_int_equal(call(f, "taula-2", 0, &ch, &err), 0);
	assert_int_equal(ch.t.id, later.id);
}

/* ---------------------------------------------------------------- the queue read by index */

/* The next number of a small fixed generator (the same run every time). */
static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* An appointment at the office starting at `at`, for a check-in ticket. */
static int64_t appointment_at(fx_t *f, int k, int64_t at)
{
	db_param_t p[] = {DB_TEXT(arena_printf(f->a, "T%07d", k)), DB_TEXT(arena_printf(f->a, "h%d", k)),
			  DB_INT(f->office_id), DB_INT(at), DB_INT(at + 600)};
	return ins(f,
		   "INSERT INTO appointments (code, token_hash, office_id, procedure_id, channel, start_at, end_at, "
		   "name, id_type, id_number, created_at, updated_at) VALUES ($1, $2, $3, (SELECT id FROM procedures "
		   "LIMIT 1), 'in_person', $4, $5, 'Anna', 'dni', '12345678Z', 1, 1) RETURNING id",
		   p, 5);
}

/* What the index reads give (people ahead, each zone's order, call-next for several desks) is
 * what the calling order (order.c) gives over the whole queue. Returns the waiting tickets. */
static size_t check_reads(fx_t *f)
{
	fl_office_t off;
	fl_ticket_t *q;
	size_t n;
	assert_int_equal(fl_office_load(&f->ctx, "oac", &off), 0);
	assert_int_equal(fl_queue(&f->ctx, &off, &q, &n), 0);
	for (size_t i = 0; i < n; i++) {
		int64_t ahead = -1, wait = -1;
		assert_int_equal(fl_place(&f->ctx, &q[i], &ahead, &wait), 0);
		if (ahead != fl_ahead(q, n, &q[i]))
			fail_msg("ticket %s: %lld ahead, the order says %lld", q[i].number, (long long)ahead,
				 (long long)fl_ahead(q, n, &q[i]));
	}
	int64_t zones[] = {f->zone_a, f->zone_b};
	for (size_t z = 0; z < 2; z++) {
		fl_ticket_t *o;
		size_t no, k = 0;
		assert_int_equal(fl_store_zone_order(f->c, f->a, f->office_id, off.day, zones[z],
						     f->ctx.now + fl_window(&f->ctx), 400, &o, &no),
				 0);
		for (size_t i = 0; i < n; i++)
			if (q[i].zone_id == zones[z]) {
				assert_true(k < no);
				assert_int_equal(o[k++].id, q[i].id);
			}
		assert_int_equal(k, no);
	}
	/* Desks serving one zone, the other, both, none (only what was sent to them). */
	const struct {
		int64_t desk;
		size_t from, nz;
	} desks[] = {{f->desk1, 0, 1}, {f->desk2, 0, 1}, {f->desk3, 1, 1}, {f->desk1, 0, 2}, {f->desk2, 0, 0}};
	for (size_t d = 0; d < sizeof desks / sizeof desks[0]; d++) {
		fl_ticket_t t;
		int rc = fl_next(&f->ctx, &off, desks[d].desk, zones + desks[d].from, desks[d].nz, &t);
		long i = fl_order_next(q, n, desks[d].desk, zones + desks[d].from, desks[d].nz, f->ctx.now,
				       fl_window(&f->ctx));
		if (i < 0) {
			assert_int_equal(rc, ERR_NOT_FOUND);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(t.id, q[i].id);
			assert_string_equal(t.number, q[i].number); /* the whole ticket, read again */
		}
	}
	return n;
}

static void test_queue_reads_agree(void **state)
{
	fx_t *f = *state;
	const char *desk_codes[] = {"taula-1", "taula-2", "taula-3"};
	const char *zone_codes[] = {"assistida", "cita"};
	uint32_t seed = 2463534242u;
	int64_t parked[64];
	size_t nparked = 0, most = 0;
	int refused = 0, classes[4] = {0}, appts = 0;
	fl_change_t ch;
	fl_err_t err;
	for (int step = 0; step < 160; step++) {
		f->ctx.now += rnd(&seed) % 3 ? rnd(&seed) % 40 : 0; /* some arrive in the same second */
		uint32_t r = rnd(&seed) % 20;
		if (step == 80) /* a quota: the zone's walk-ins stop; a refused ticket changes nobody's place */
			assert_int_equal(fl_store_zone_set(f->c, f->zone_a, 1, false, f->ctx.now, "coord"), 0);
		if (r < 11) {
			fl_ticket_t t;
			memset(&err, 0, sizeof err);
			const char *prio = rnd(&seed) % 4 ? "" : "advanced_age";
			int rc = issue(f, zone_codes[rnd(&seed) % 2], prio, &t, &err);
			if (rc) {
				assert_int_equal(rc, ERR_CONFLICT);
				assert_string_equal(err.code, "quota_reached");
				refused++;
			}
		} else if (r < 14) {
			/* A check-in: an appointment from half an hour ago to an hour ahead, or one that
			 * becomes callable this very second (the window's edge). */
			int64_t at = rnd(&seed) % 3 ? f->ctx.now - 1800 + (int64_t)(rnd(&seed) % 5400)
						    : f->ctx.now + fl_window(&f->ctx);
			fl_issue_t in = {.office = "oac",
					 .zone = "cita",
					 .priority = "",
					 .autonomous = -1,
					 .channel = "check_in",
					 .appointment_id = appointment_at(f, step, at),
					 .appointment_at = at};
			fl_ticket_t t;
			char token[65];
			memset(&err, 0, sizeof err);
			assert_int_equal(db_begin(f->c), 0);
			assert_int_equal(in_tx(f, fl_issue(&f->ctx, &in, &t, token, &err)), 0);
			appts++;
		} else if (r < 15 && nparked) {
			/* Back from the park to a desk, then gone. */
			int64_t id = parked[--nparked];
			fl_act_in_t at = {.desk = desk_codes[rnd(&seed) % 3], .idcat = -1};
			assert_int_equal(act(f, id, FL_RESUME, &at, &ch, &err), 0);
			assert_int_equal(act(f, id, FL_NO_SHOW, NULL, &ch, &err), 0);
		} else {
			int rc = call(f, desk_codes[rnd(&seed) % 3], 0, &ch, &err);
			if (rc == ERR_NOT_FOUND)
				continue;
			assert_int_equal(rc, 0);
			int64_t id = ch.t.id;
			fl_act_in_t to_zone = {.to_zone = zone_codes[rnd(&seed) % 2], .idcat = -1};
			fl_act_in_t to_desk = {.to_desk = desk_codes[rnd(&seed) % 3], .idcat = -1};
			switch (rnd(&seed) % 5) {
			case 0: assert_int_equal(act(f, id, FL_NO_SHOW, NULL, &ch, &err), 0); break;
			case 1:
				assert_int_equal(act(f, id, FL_PARK, NULL, &ch, &err), 0);
				if (nparked < 64)
					parked[nparked++] = id;
				break;
			case 2: assert_int_equal(act(f, id, FL_TRANSFER, &to_zone, &ch, &err), 0); break;
			case 3: assert_int_equal(act(f, id, FL_TRANSFER, &to_desk, &ch, &err), 0); break;
			default:
				assert_int_equal(act(f, id, FL_START, NULL, &ch, &err), 0);
				assert_int_equal(act(f, id, FL_FINISH, NULL, &ch, &err), 0);
			}
		}
		size_t n = check_reads(f);
		most = n > most ? n : most;
		fl_office_t off;
		fl_ticket_t *q;
		assert_int_equal(fl_office_load(&f->ctx, "oac", &off), 0);
		assert_int_equal(fl_queue(&f->ctx, &off, &q, &n), 0);
		for (size_t i = 0; i < n; i++)
			classes[fl_order_class(&q[i], f->ctx.now, fl_window(&f->ctx))]++;
	}
	/* The run went through what it is meant to: every class waiting, transfers (to a desk too),
	 * parks, check-ins, refusals by the quota, a queue of some length. */
	for (int k = 0; k < 4; k++)
		if (!classes[k])
			fail_msg("no ticket of class %d ever waited", k);
	assert_true(appts > 5);
	assert_true(refused > 3);
	assert_true(most > 20);
	assert_true(q_int(f, "SELECT count(*) FROM floor_ticket_events WHERE action = 'transfer'") > 3);
	assert_true(q_int(f, "SELECT count(*) FROM floor_tickets WHERE target_desk_id IS NOT NULL") > 0);
	assert_true(q_int(f, "SELECT count(*) FROM floor_ticket_events WHERE action = 'park'") > 1);
}

/* The second desk's call-next, on a connection of its own. */
typedef struct {
	fx_t *f;
	fl_ctx_t ctx;
	fl_change_t ch;
	fl_err_t err;
	int rc;
} race_t;

static void *race_call(void *ud)
{
	race_t *x = ud;
	x->rc = db_begin(x->ctx.c);
	if (!x->rc)
		x->rc = fl_call(&x->ctx, "oac", "taula-2", 0, &x->ch, &x->err);
	if (x->rc)
		db_rollback(x->ctx.c);
	else
		x->rc = db_commit(x->ctx.c);
	return NULL;
}

/* Two desks call next at once: the second does not fail on the ticket the first took (on
 * PostgreSQL both read it as waiting; the second's write waits for the first's commit), it calls
 * the next one. On SQLite the second transaction waits for the first from its start. */
static void test_two_desks_call_next(void **state)
{
	fx_t *f = *state;
	fl_ticket_t x = issue_ok(f, "assistida", NULL);
	f->ctx.now += 5;
	fl_ticket_t y = issue_ok(f, "assistida", NULL);
	race_t r = {.f = f, .ctx = f->ctx};
	r.ctx.c = db_acquire(f->db);
	r.ctx.a = arena_new();
	fl_change_t ch = {0};
	fl_err_t err = {0};
	assert_int_equal(db_begin(f->c), 0);
	assert_int_equal(fl_call(&f->ctx, "oac", "taula-1", 0, &ch, &err), 0);
	assert_int_equal(ch.t.id, x.id);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, race_call, &r), 0);
	usleep(300 * 1000); /* the other desk reads x as waiting and waits to write it */
	assert_int_equal(db_commit(f->c), 0);
	pthread_join(th, NULL);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.ch.t.id, y.id);
	assert_string_equal(r.ch.t.desk_code, "taula-2");
	db_release(r.ctx.c);
	arena_free(r.ctx.a);
}

static void test_expire_job(void **state)
{
	fx_t *f = *state;
	fl_change_t ch = {0};
	fl_err_t err = {0};
	fl_ticket_t waiting = issue_ok(f, "assistida", NULL), serving = issue_ok(f, "assistida", NULL);
	assert_int_equal(call(f, "taula-1", serving.id, &ch, &err), 0);
	assert_int_equal(act(f, serving.id, FL_START, NULL, &ch, &err), 0);
	int n = -1;
	assert_int_equal(fl_expire(&f->ctx, &n), 0);
	assert_int_equal(n, 0); /* today's tickets stay */
	f->ctx.now = NOW + 86400;
	assert_int_equal(fl_expire(&f->ctx, &n), 0);
	assert_int_equal(n, 2);
	fl_ticket_t t;
	assert_int_equal(fl_store_ticket(f->c, f->a, waiting.id, &t), 0);
	assert_string_equal(t.status, "no_show");
	assert_int_equal(fl_store_ticket(f->c, f->a, serving.id, &t), 0);
	assert_string_equal(t.status, "done");
	assert_int_equal(q_int(f, "SELECT count(*) FROM floor_desk_sessions WHERE closed_at IS NULL"), 0);
}

int main(void)
{
	log_set_quiet(1);
	if (sodium_init() < 0)
		return 1;
	cap_declare();
	cap_register();
	char err[256];
	if (i18n_load("locale", err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_order_classes), cmocka_unit_test(test_order_ties_and_transfers),
		cmocka_unit_test(test_order_next),    cmocka_unit_test(test_moves_table),
		cmocka_unit_test(test_wait_estimate), cmocka_unit_test(test_chime_and_ticket_pdf),
	};
	const struct CMUnitTest store[] = {
		cmocka_unit_test_setup_teardown(test_numbering_and_quota, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kiosk_issue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_life_cycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transfer_and_estimate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expire_job, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_reads_agree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_desks_call_next, setup, teardown),
	};
	int rc = cmocka_run_group_tests_name("floor", pure, NULL, NULL);
	rc |= testdb_run_groups("floor store", store);
	pdf_shutdown();
	i18n_unload();
	return rc;
}
