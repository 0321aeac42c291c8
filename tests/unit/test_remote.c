/* test_remote.c — the remote attention's rules without HTTP: TURN credentials and the Jitsi JWT
 * on vectors computed apart (Python's hmac), the room window, the click-to-call link, the type
 * of a document by its content, safe names, sealing and opening (tampered, cut, wrong key, wrong
 * name), the keyring, the file store; and its store and purge on SQLite and, with
 * FINESTRETA_TEST_PG_URL, PostgreSQL. Run from the repository root. */
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
#include "base/str.h"
#include "bus/bus.h"
#include "core/cap.h"
#include "remote/internal.h"
#include "remote/remote.h"
#include "testdb.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------- credentials */

static void test_turn_vectors(void **state)
{
	(void)state;
	static const struct {
		const char *secret, *room;
		int64_t expiry;
		const char *user, *pass;
	} V[] = {
		{"coturn-secret", "K7M4QX2A", 1700000000, "1700000000:K7M4QX2A", "TEVxRNM1VeUlOztTqkGtCKhPYHw="},
		{"north", "ABCDEFGH", 1893456000, "1893456000:ABCDEFGH", "NpuJ8+e3XejvPVGyqvyppgZF21E="},
	};
	for (size_t i = 0; i < sizeof V / sizeof V[0]; i++) {
		char user[RM_TURN_USER_MAX], pass[RM_TURN_PASS_MAX];
		assert_int_equal(rm_turn_credentials(V[i].secret, V[i].expiry, V[i].room, user, pass), 0);
		assert_string_equal(user, V[i].user);
		assert_string_equal(pass, V[i].pass);
	}
	char user[RM_TURN_USER_MAX], pass[RM_TURN_PASS_MAX];
	assert_int_equal(rm_turn_credentials("", 1, "ROOM", user, pass), ERR_INVALID);
	assert_int_equal(rm_turn_credentials("s", 1, "", user, pass), ERR_INVALID);
	char big[200];
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(rm_turn_credentials("s", 1, big, user, pass), ERR_TOO_BIG);
}

static void test_jwt_vector(void **state)
{
	(void)state;
	json_t *c = json_pack("{s:s,s:I,s:s,s:I,s:s,s:s}", "iss", "finestreta", "exp", (json_int_t)1700003600, "aud",
			      "jitsi", "nbf", (json_int_t)1700000000, "room", "finestreta-k7m4qx2a", "sub",
			      "meet.example.org");
	char *jwt = rm_jwt_hs256(c, "jitsi-secret");
	assert_non_null(jwt);
	assert_string_equal(jwt, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
				 "eyJhdWQiOiJqaXRzaSIsImV4cCI6MTcwMDAwMzYwMCwiaXNzIjoiZmluZXN0cmV0YSIsIm5iZiI6MTcwMDAwM"
				 "DAwMCwicm9v"
				 "bSI6ImZpbmVzdHJldGEtazdtNHF4MmEiLCJzdWIiOiJtZWV0LmV4YW1wbGUub3JnIn0."
				 "DtWQkdeN9AxEioxgnEKnUp8OFECVFEqIXRgAA2WqKwI");
	free(jwt);
	assert_null(rm_jwt_hs256(c, ""));
	json_decref(c);
}

/* ---------------------------------------------------------------- rules */

static void test_window(void **state)
{
	(void)state;
	config_t *cfg = config_new();
	booking_t b = {.start_at = 10000, .end_at = 11200, .status = "booked"};
	int64_t o, c;
	/* Defaults: 10 minutes before, 30 after the end. */
	assert_int_equal(rm_window(cfg, &b, 10000 - 601, &o, &c), RM_EARLY);
	assert_int_equal(o, 10000 - 600);
	assert_int_equal(c, 11200 + 1800);
	assert_int_equal(rm_window(cfg, &b, 10000 - 600, NULL, NULL), RM_OPEN);
	assert_int_equal(rm_window(cfg, &b, 11200 + 1799, NULL, NULL), RM_OPEN);
	assert_int_equal(rm_window(cfg, &b, 11200 + 1800, NULL, NULL), RM_CLOSED);
	char err[128];
	assert_int_equal(config_set(cfg, "remote.open_before_min", "0", err, sizeof err), 0);
	assert_int_equal(rm_window(cfg, &b, 9999, NULL, NULL), RM_EARLY);
	assert_true(rm_active(&b));
	b.status = "no_show";
	assert_false(rm_active(&b));
	config_free(cfg);
}

static void test_call_link_and_kinds(void **state)
{
	(void)state;
	arena_t *a = arena_new();
	assert_string_equal(rm_call_link(a, "tel:{phone}", "+34 611-22.33 44"), "tel:+34611223344");
	assert_string_equal(rm_call_link(a, "sip:{digits}@pbx.example.org", "+34611223344"),
			    "sip:34611223344@pbx.example.org");
	assert_string_equal(rm_call_link(a, "tel:{phone}", ""), "");
	assert_string_equal(rm_call_link(a, "tel:{phone}", "6+1<script>"), "tel:61");
	assert_true(rm_attempt_valid("no_answer") && rm_attempt_failed("no_answer") &&
		    rm_attempt_failed("wrong_number"));
	assert_false(rm_attempt_failed("attended") || rm_attempt_valid("maybe"));
	assert_true(rm_signal_kind_ok("candidate", false) && rm_signal_kind_ok("phone_request", false));
	assert_false(rm_signal_kind_ok("phone_request", true) || rm_signal_kind_ok("verified", false) ||
		     rm_signal_kind_ok(NULL, false));
	arena_free(a);
}

/* ---------------------------------------------------------------- documents */

static const char PDF[] = "%PDF-1.7\n1 0 obj << >> endobj\ntrailer << /Root 1 0 R >>\nstartxref 0\n%%EOF\n";

static void test_sniff(void **state)
{
	(void)state;
	assert_string_equal(rm_doc_sniff((const unsigned char *)PDF, sizeof PDF - 1), "application/pdf");
	/* A PDF cut before its end, an executable, text named anything. */
	assert_null(rm_doc_sniff((const unsigned char *)PDF, 40));
	static const unsigned char elf[128] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
	assert_null(rm_doc_sniff(elf, sizeof elf));
	assert_null(rm_doc_sniff((const unsigned char *)"hello", 5));
	assert_null(rm_doc_sniff(NULL, 0));
	unsigned char jpg[200] = {0xFF, 0xD8, 0xFF, 0xE0};
	jpg[198] = 0xFF;
	jpg[199] = 0xD9;
	assert_string_equal(rm_doc_sniff(jpg, sizeof jpg), "image/jpeg");
	jpg[199] = 0;
	assert_null(rm_doc_sniff(jpg, sizeof jpg));
}

static void test_names(void **state)
{
	(void)state;
	arena_t *a = arena_new();
	static const struct {
		const char *in, *type, *out;
	} V[] = {
		{"contracte lloguer.pdf", "application/pdf", "contracte lloguer.pdf"},
		{"programa.exe", "application/pdf", "programa.pdf"},
		{"foto\xe2\x80\xaegnp.exe", "image/png", "fotognp.png"}, /* right-to-left override dropped */
		{"../../etc/passwd", "application/pdf", "passwd.pdf"},
		{"C:\\Users\\x\\dni.png", "image/png", "dni.png"},
		{"a\r\nb\t<c>|d?.jpeg", "image/jpeg", "abcd.jpg"},
		{"...", "image/png", "document.png"},
		{"", "application/pdf", "document.pdf"},
		{NULL, "application/pdf", "document.pdf"},
		{"x\xff\xfey.pdf", "application/pdf", "xy.pdf"}, /* invalid UTF-8 dropped */
		{"D\xc3\xa9u.pdf", "application/pdf", "D\xc3\xa9u.pdf"},
	};
	for (size_t i = 0; i < sizeof V / sizeof V[0]; i++)
		assert_string_equal(rm_doc_name(a, V[i].in, V[i].type), V[i].out);
	/* Long names are cut to RM_NAME_STEM bytes on a character boundary. */
	char longname[400];
	for (int i = 0; i < 100; i++)
		memcpy(longname + 2 * i, "\xc3\xa0", 2); /* à, two bytes */
	memcpy(longname + 200, ".pdf", 5);
	const char *n = rm_doc_name(a, longname, "application/pdf");
	assert_int_equal(strlen(n), RM_NAME_STEM + 4);
	assert_true(str_ends(n, ".pdf"));
	arena_free(a);
}

static void test_keyring(void **state)
{
	(void)state;
	rm_keyring_t k;
	const char *k1 = "1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
	assert_int_equal(rm_keyring_parse("", 0, &k), 0);
	assert_int_equal(k.n, 0);
	assert_int_equal(rm_keyring_parse(k1, 0, &k), 0);
	assert_int_equal(k.current, 1);
	assert_int_equal(rm_keyring_parse("1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=, "
					  "7:Hx4dHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=",
					  0, &k),
			 0);
	assert_int_equal(k.n, 2);
	assert_int_equal(k.current, 7);
	assert_int_equal(rm_keyring_parse("1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=,7:"
					  "Hx4dHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=",
					  1, &k),
			 0);
	assert_int_equal(k.current, 1);
	assert_int_equal(rm_keyring_parse(k1, 2, &k), ERR_INVALID);       /* no key 2 */
	assert_int_equal(rm_keyring_parse("1:AAEC", 0, &k), ERR_INVALID); /* short key */
	assert_int_equal(rm_keyring_parse("x:AAEC", 0, &k), ERR_INVALID); /* bad id */
	assert_int_equal(rm_keyring_parse("0:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", 0, &k), ERR_INVALID);
	assert_int_equal(rm_keyring_parse("1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=,1:"
					  "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
					  0, &k),
			 ERR_INVALID);
	assert_int_equal(rm_keyring_parse("", 3, &k), ERR_INVALID);
}

static void test_seal_open(void **state)
{
	(void)state;
	rm_keyring_t k, other;
	assert_int_equal(rm_keyring_parse("3:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", 0, &k), 0);
	assert_int_equal(rm_keyring_parse("3:Hx4dHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=", 0, &other), 0);
	/* Sizes around the 64 KiB chunk. */
	static const size_t sizes[] = {0, 1, 65535, 65536, 65537, 200000};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		size_t n = sizes[i];
		unsigned char *p = malloc(n + 1);
		for (size_t j = 0; j < n; j++)
			p[j] = (unsigned char)("Secret text of the citizen. "[j % 28]);
		buf_t s, o;
		buf_init(&s, n * 2 + 4096);
		buf_init(&o, n + 1);
		assert_int_equal(rm_doc_seal(&k, "name.fdoc", p, n, &s), 0);
		assert_int_equal(rm_doc_key_id((const unsigned char *)s.data, s.len), 3);
		/* No plaintext in the sealed bytes. */
		if (n >= 28)
			assert_null(memmem(s.data, s.len, "Secret text", 11));
		int kid = 0;
		assert_int_equal(rm_doc_open(&k, "name.fdoc", (const unsigned char *)s.data, s.len, &o, &kid), 0);
		assert_int_equal(kid, 3);
		assert_int_equal(o.len, n);
		assert_memory_equal(o.data ? o.data : "", p, n);
		buf_reset(&o);
		/* Another file's name, another key, a cut, a flipped byte, a byte more: refused. */
		assert_int_equal(rm_doc_open(&k, "other.fdoc", (const unsigned char *)s.data, s.len, &o, NULL),
				 ERR_INVALID);
		assert_int_equal(rm_doc_open(&other, "name.fdoc", (const unsigned char *)s.data, s.len, &o, NULL),
				 ERR_INVALID);
		assert_int_equal(rm_doc_open(&k, "name.fdoc", (const unsigned char *)s.data, s.len - 1, &o, NULL),
				 ERR_INVALID);
		if (n > 70000)
			assert_int_equal(rm_doc_open(&k, "name.fdoc", (const unsigned char *)s.data, s.len - 20, &o,
						     NULL),
					 ERR_INVALID);
		s.data[s.len / 2] ^= 1;
		assert_int_equal(rm_doc_open(&k, "name.fdoc", (const unsigned char *)s.data, s.len, &o, NULL),
				 ERR_INVALID);
		s.data[s.len / 2] ^= 1;
		assert_int_equal(buf_putc(&s, 'x'), 0);
		assert_int_equal(rm_doc_open(&k, "name.fdoc", (const unsigned char *)s.data, s.len, &o, NULL),
				 ERR_INVALID);
		buf_free(&s);
		buf_free(&o);
		free(p);
	}
	rm_keyring_t none = {0};
	buf_t s;
	buf_init(&s, 1024);
	assert_int_equal(rm_doc_seal(&none, "a", (const unsigned char *)"x", 1, &s), ERR_NOT_FOUND);
	assert_int_equal(rm_doc_open(&k, "a", (const unsigned char *)"FINDOC1\n", 8, &s, NULL), ERR_INVALID);
	buf_free(&s);
}

static void test_files(void **state)
{
	(void)state;
	char dir[] = "/tmp/fin-remote-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char sub[64];
	snprintf(sub, sizeof sub, "%s/a/b", dir);
	char name[RM_STORED_LEN];
	rm_stored_name(name);
	assert_true(rm_stored_valid(name));
	assert_false(rm_stored_valid("../etc/passwd") || rm_stored_valid(NULL));
	assert_int_equal(rm_file_write(sub, name, "abc", 3), 0);
	buf_t b;
	buf_init(&b, 100);
	assert_int_equal(rm_file_read(sub, name, 100, &b), 0);
	assert_int_equal(b.len, 3);
	assert_int_equal(rm_file_read(sub, name, 2, &b), ERR_TOO_BIG);
	assert_int_equal(rm_file_write(sub, "../x", "abc", 3), ERR_INVALID);
	assert_int_equal(rm_file_remove(sub, name), 0);
	assert_int_equal(rm_file_remove(sub, name), ERR_NOT_FOUND);
	buf_free(&b);
	rmdir(sub);
	snprintf(sub, sizeof sub, "%s/a", dir);
	rmdir(sub);
	rmdir(dir);
}

/* ---------------------------------------------------------------- the store, on both back ends */

typedef struct {
	TESTFX_HEAD; /* db, c, a, cfg, app (testdb.h) */
	char dir[32];
	FILE *out; /* what the demo prints goes nowhere */
} fx_t;

static int setup(void **state)
{
	fx_t *f = calloc(1, sizeof *f);
	if (testfx_open(&f->fx))
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/fin-rmdocs-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	char e[128];
	config_set(f->cfg, "documents.dir", f->dir, e, sizeof e);
	config_set(f->cfg, "documents.keys", "1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", e, sizeof e);
	rm_keys_forget();
	rm_keys_load(f->cfg, false);
	f->out = fopen("/dev/null", "w");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx_t *f = *state;
	testfx_close(&f->fx);
	rm_keys_forget();
	fclose(f->out);
	char cmd[80];
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static int64_t count(fx_t *f, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_query_int(f->c, sql, NULL, 0, &n), 0);
	return n;
}

/* The demo seeds appointments around now, with documents; the purge keeps them until
 * documents.retention_days after the end, then removes file and row, audited. */
static void test_demo_and_purge(void **state)
{
	fx_t *f = *state;
	int64_t now = (int64_t)time(NULL);
	/* The demo needs the demo city (auth, catalogue, schedule). */
	app_t app = {.cfg = f->cfg, .db = f->db, .root = "."};
	assert_int_equal(cap_seed(&app, f->c, now, f->out), 0);
	assert_true(count(f, "SELECT COUNT(*) FROM remote_documents") >= 3);
	assert_true(count(f, "SELECT COUNT(*) FROM remote_cases WHERE outcome_at IS NOT NULL") >= 1);
	int64_t files = count(f, "SELECT COUNT(*) FROM remote_documents");
	remote_outcome_t o;
	int64_t done = count(f, "SELECT appointment_id FROM remote_cases WHERE outcome_at IS NOT NULL");
	assert_int_equal(remote_outcome(f->c, f->a, done, &o), 0);
	assert_string_equal(o.how, "with");
	assert_int_equal(remote_outcome(f->c, f->a, 999999, &o), ERR_NOT_FOUND);

	int removed = -1;
	assert_int_equal(rm_purge(f->cfg, f->c, now, &removed), 0);
	assert_int_equal(removed, 0);
	/* 30 days after the appointments' end (and a day more for the one tomorrow). */
	assert_int_equal(rm_purge(f->cfg, f->c, now + 32 * 86400, &removed), 0);
	assert_int_equal(removed, files);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM remote_documents"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'remote.document.purge' AND actor = "
				  "'job'"),
			 files);
	char cmd[96];
	snprintf(cmd, sizeof cmd, "test -z \"$(ls -A %s)\"", f->dir);
	assert_int_equal(system(cmd), 0);
	/* Past booking.retention_days, the call-back log and outcome go, and the appointments'
	 * personal details too (booking's own job). */
	assert_int_equal(rm_purge(f->cfg, f->c, now + 400 * 86400, &removed), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM remote_cases"), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM remote_attempts"), 0);
	int erased = 0;
	assert_int_equal(booking_purge_personal(f->c, now + 400 * 86400, 365, &erased), 0);
	assert_true(erased > 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM appointments WHERE name <> '' OR id_number <> ''"), 0);
}

static void test_signals_and_attempts(void **state)
{
	fx_t *f = *state;
	app_t app = {.cfg = f->cfg, .db = f->db, .root = "."};
	int64_t now = (int64_t)time(NULL);
	assert_int_equal(cap_seed(&app, f->c, now, f->out), 0);
	int64_t appt = count(f, "SELECT MIN(id) FROM appointments WHERE channel = 'video'");
	int64_t id1, id2, last, n;
	assert_int_equal(rm_store_signal_add(f->c, appt, "staff", "hello", "{\"peer\":\"a\"}", now, &id1), 0);
	assert_int_equal(rm_store_signal_add(f->c, appt, "citizen", "offer", "{}", now, &id2), 0);
	assert_int_equal(rm_store_signal_last(f->c, appt, "staff", &last), 0);
	assert_int_equal(last, id1);
	rm_signal_t *v;
	size_t nv;
	assert_int_equal(rm_store_signals(f->c, f->a, appt, "citizen", 0, 10, &v, &nv), 0);
	assert_int_equal(nv, 1);
	assert_string_equal(v[0].kind, "offer");
	assert_int_equal(rm_store_signals(f->c, f->a, appt, "citizen", id2, 10, &v, &nv), 0);
	assert_int_equal(nv, 0);
	assert_int_equal(rm_store_signals_purge(f->c, now - 10, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(rm_store_signals_purge(f->c, now + 1, &n), 0);
	assert_int_equal(n, 2);
	/* Failed attempts count since the last attended one. */
	assert_int_equal(rm_store_attempt_add(f->c, appt, now, "a", "no_answer", ""), 0);
	assert_int_equal(rm_store_attempt_add(f->c, appt, now, "a", "attended", ""), 0);
	assert_int_equal(rm_store_attempt_add(f->c, appt, now, "a", "no_answer", ""), 0);
	assert_int_equal(rm_store_attempt_add(f->c, appt, now, "a", "wrong_number", ""), 0);
	assert_int_equal(rm_store_failed_attempts(f->c, appt, &n), 0);
	assert_int_equal(n, 2);
}

/* The cap on a room's live streams counts the subscriptions of exactly one topic on the node. */
static void noop(void *ud, const bus_event_t *ev)
{
	(void)ud;
	(void)ev;
}

static void test_stream_count(void **state)
{
	(void)state;
	bus_t *b = bus_new();
	bus_sub_t *a1 = bus_subscribe(b, "remote.room.k7m4qx2a.citizen", noop, NULL);
	bus_sub_t *a2 = bus_subscribe(b, "remote.room.k7m4qx2a.citizen", noop, NULL);
	bus_sub_t *s1 = bus_subscribe(b, "remote.room.k7m4qx2a.staff", noop, NULL);
	assert_int_equal(bus_topic_subscriber_count(b, "remote.room.k7m4qx2a.citizen"), 2);
	assert_int_equal(bus_topic_subscriber_count(b, "remote.room.k7m4qx2a.staff"), 1);
	assert_int_equal(bus_topic_subscriber_count(b, "remote.room.k7m4qx2a"), 0);
	assert_int_equal(bus_topic_subscriber_count(b, "remote.room.zzzzzzzz.citizen"), 0);
	bus_unsubscribe(b, a1);
	assert_int_equal(bus_topic_subscriber_count(b, "remote.room.k7m4qx2a.citizen"), 1);
	bus_unsubscribe(b, a2);
	bus_unsubscribe(b, s1);
	assert_int_equal(bus_topic_subscriber_count(b, "remote.room.k7m4qx2a.citizen"), 0);
	bus_free(b);
}

int main(void)
{
	log_set_quiet(1);
	if (sodium_init() < 0)
		return 1;
	cap_declare();
	cap_register();
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_turn_vectors), cmocka_unit_test(test_jwt_vector),
		cmocka_unit_test(test_window),       cmocka_unit_test(test_call_link_and_kinds),
		cmocka_unit_test(test_sniff),        cmocka_unit_test(test_names),
		cmocka_unit_test(test_keyring),      cmocka_unit_test(test_seal_open),
		cmocka_unit_test(test_files),        cmocka_unit_test(test_stream_count),
	};
	const struct CMUnitTest store[] = {
		cmocka_unit_test_setup_teardown(test_demo_and_purge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signals_and_attempts, setup, teardown),
	};
	int rc = cmocka_run_group_tests_name("remote", pure, NULL, NULL);
	rc |= testdb_run_groups("remote store", store);
	return rc;
}
