/* test_booking.c — the booking capability without HTTP: ID documents (tables of valid and
 * invalid DNI, NIE and passport numbers), the state machine table, ISO instants, the proof of
 * work (a challenge solved here; wrong number, bad signature, expired, spliced salt, replay), the
 * rate limiter (limits, windows, bounded memory, threads), and — against SQLite and, when
 * FINESTRETA_TEST_PG_URL is set, PostgreSQL (tests/unit/testdb.h), migrated with the real
 * migrations/ and the demo catalogue — the seat counters, limits, holds, cancellation delay,
 * reschedule, check-in and the no-show job at chosen instants. Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/arena.h"
#include "base/config.h"
#include "base/err.h"
#include "base/log.h"
#include "base/str.h"
#include "auth/internal.h"
#include "base/tz.h"
#include "booking/booking.h"
#include "booking/internal.h"
#include "catalog/catalog.h"
#include "db/db.h"
#include "http/ratelimit.h"
#include "core/cap.h"
#include "catalog/internal.h"
#include "testdb.h"
#include "view/i18n.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- ID documents */

static void test_id_table(void **state)
{
	(void)state;
	static const struct {
		const char *type, *in, *norm; /* norm NULL: invalid */
	} cases[] = {
		{"dni", "12345678Z", "12345678Z"},
		{"dni", "12345678z", "12345678Z"},      /* lower case accepted */
		{"dni", " 12.345.678-Z ", "12345678Z"}, /* separators dropped */
		{"dni", "00000000T", "00000000T"},      /* 0 % 23 = 0 → T */
		{"dni", "99999999R", "99999999R"},      /* 99999999 % 23 = 1 → R */
		{"dni", "00000023T", "00000023T"},      /* 23 % 23 = 0 */
		{"dni", "00000022E", "00000022E"},      /* 22 → E, the last letter */
		{"dni", "12345678A", NULL},             /* wrong letter */
		{"dni", "1234567Z", NULL},              /* short */
		{"dni", "123456789Z", NULL},            /* long */
		{"dni", "1234A678Z", NULL},             /* letter among the digits */
		{"dni", "12345678", NULL},              /* no letter */
		{"dni", "X1234567L", NULL},             /* a NIE is not a DNI */
		{"dni", "", NULL},
		{"dni", "12345678Ñ", NULL}, /* not ASCII */
		{"dni", "12345678_Z", NULL},
		{"nie", "X1234567L", "X1234567L"}, /* 1234567 % 23 = 19 → L */
		{"nie", "x1234567l", "X1234567L"},
		{"nie", "Y1234567X", "Y1234567X"}, /* 11234567 % 23 = 10 → X */
		{"nie", "Z1234567R", "Z1234567R"}, /* 21234567 % 23 = 1 → R */
		{"nie", "Z-1234567-R", "Z1234567R"},
		{"nie", "X0000000T", "X0000000T"},
		{"nie", "Z1234567L", NULL},  /* X's letter with a Z */
		{"nie", "W1234567L", NULL},  /* bad prefix */
		{"nie", "X123456L", NULL},   /* short */
		{"nie", "X12345678L", NULL}, /* long */
		{"nie", "X12A4567L", NULL},
		{"nie", "12345678Z", NULL}, /* a DNI is not a NIE */
		{"passport", "AB123456", "AB123456"},
		{"passport", "ab 12345", "AB12345"},
		{"passport", "12345", "12345"}, /* 5: the shortest */
		{"passport", "1234", NULL},
		{"passport", "ABCDEFGHIJ0123456789", "ABCDEFGHIJ0123456789"}, /* 20 */
		{"passport", "ABCDEFGHIJ01234567890", NULL},                  /* 21 */
		{"passport", "AB12/3456", NULL},
		{"cif", "B12345678", NULL}, /* unknown type */
		{NULL, "12345678Z", NULL},
		{"dni", NULL, NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[BOOKING_ID_MAX] = "unchanged";
		bool ok = booking_id_valid(cases[i].type, cases[i].in, out);
		if (ok != (cases[i].norm != NULL))
			fail_msg("%s %s: expected %s", cases[i].type ? cases[i].type : "(null)",
				 cases[i].in ? cases[i].in : "(null)", cases[i].norm ? "valid" : "invalid");
		if (ok)
			assert_string_equal(out, cases[i].norm);
		else
			assert_string_equal(out, "unchanged");
	}
	assert_true(booking_id_valid("dni", "12345678Z", NULL));
	arena_t *a = arena_new();
	assert_string_equal(booking_id_mask(a, "12345678Z"), "***5678Z");
	assert_string_equal(booking_id_mask(a, "AB1"), "***AB1");
	arena_free(a);
}

/* Every DNI number maps to exactly one valid letter. */
static void test_id_letters(void **state)
{
	(void)state;
	const char letters[] = "TRWAGMYFPDXBNJZSQVHLCKE";
	for (long n = 0; n < 100000000L; n += 4999999L) {
		int valid = 0;
		for (const char *l = letters; *l; l++) {
			char id[16];
			snprintf(id, sizeof id, "%08ld%c", n, *l);
			valid += booking_id_valid("dni", id, NULL);
		}
		assert_int_equal(valid, 1);
	}
}

/* ---------------------------------------------------------------- states, ISO */

static void test_state_table(void **state)
{
	(void)state;
	static const char *const S[] = {"booked", "checked_in", "called", "in_service", "done", "no_show", "cancelled"};
	/* allowed[i][j]: S[i] → S[j] */
	static const bool allowed[7][7] = {
		/* booked */ {0, 1, 0, 0, 0, 1, 1},
		/* checked_in */ {0, 0, 1, 0, 0, 0, 1},
		/* called */ {0, 1, 0, 1, 0, 1, 0},
		/* in_service */ {0, 0, 0, 0, 1, 0, 0},
		/* done */ {0, 0, 0, 0, 0, 0, 0},
		/* no_show */ {0, 0, 0, 0, 0, 0, 0},
		/* cancelled */ {0, 0, 0, 0, 0, 0, 0},
	};
	for (int i = 0; i < 7; i++) {
		assert_true(booking_state_valid(S[i]));
		for (int j = 0; j < 7; j++)
			if (booking_transition_allowed(S[i], S[j]) != allowed[i][j])
				fail_msg("%s → %s should be %s", S[i], S[j], allowed[i][j] ? "allowed" : "refused");
	}
	assert_false(booking_state_valid("lost"));
	assert_false(booking_state_valid(NULL));
	assert_false(booking_transition_allowed("booked", "lost"));
	assert_false(booking_transition_allowed(NULL, "booked"));
}

static void test_iso(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int64_t want; /* -1: invalid */
	} cases[] = {
		{"2026-03-29T09:00:00+02:00", 1774767600},
		{"2026-03-29T07:00:00Z", 1774767600},
		{"2026-03-29T07:00Z", 1774767600},
		{"2026-03-29T01:00:00-06:00", 1774767600},
		{"1970-01-01T00:00:00Z", 0},
		{"2026-03-29 09:00:00+02:00", -1},
		{"2026-03-29T09:00:00", -1}, /* no offset */
		{"2026-02-30T09:00:00Z", -1},
		{"2026-03-29T24:00:00Z", -1},
		{"2026-03-29T09:60:00Z", -1},
		{"2026-03-29T09:00:00+2:00", -1},
		{"2026-03-29T09:00:00+02:00x", -1},
		{"", -1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t t = -1;
		int rc = tz_iso_parse(cases[i].in, 0, &t);
		if (cases[i].want < 0) {
			assert_int_equal(rc, ERR_INVALID);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(t, cases[i].want);
		}
	}
	int64_t t;
	assert_int_equal(tz_iso_parse(NULL, 0, &t), ERR_INVALID);
}

/* ---------------------------------------------------------------- proof of work */

static const unsigned char KEY[] = "test hmac key";
#define KEYLEN (sizeof KEY - 1)

static char *b64(const char *s)
{
	size_t n = strlen(s);
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *out = malloc(cap);
	sodium_bin2base64(out, cap, (const unsigned char *)s, n, sodium_base64_VARIANT_ORIGINAL);
	return out;
}

static void sha_hex(const char *s, char out[65])
{
	unsigned char h[32];
	crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
	str_hex(h, sizeof h, out);
}

/* Solves a challenge the way the widget does: tries numbers until the hash matches. */
static int64_t solve(const json_t *ch)
{
	const char *salt = json_string_value(json_object_get(ch, "salt"));
	const char *want = json_string_value(json_object_get(ch, "challenge"));
	int64_t max = json_integer_value(json_object_get(ch, "maxnumber"));
	for (int64_t n = 0; n <= max; n++) {
		char buf[256], hex[65];
		snprintf(buf, sizeof buf, "%s%lld", salt, (long long)n);
		sha_hex(buf, hex);
		if (str_eq(hex, want))
			return n;
	}
	return -1;
}

static char *payload(const char *alg, const char *challenge, long long number, const char *salt, const char *sig)
{
	json_t *j = json_pack("{s:s,s:s,s:I,s:s,s:s,s:i}", "algorithm", alg, "challenge", challenge, "number",
			      (json_int_t)number, "salt", salt, "signature", sig, "took", 12);
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	char *out = b64(s);
	free(s);
	return out;
}

static void test_pow(void **state)
{
	(void)state;
	int64_t now = 1790000000;
	json_t *ch = booking_pow_challenge(KEY, KEYLEN, 2000, now, 600);
	assert_string_equal(json_string_value(json_object_get(ch, "algorithm")), "SHA-256");
	assert_int_equal(json_integer_value(json_object_get(ch, "maxnumber")), 2000);
	const char *salt = json_string_value(json_object_get(ch, "salt"));
	const char *c = json_string_value(json_object_get(ch, "challenge"));
	const char *sig = json_string_value(json_object_get(ch, "signature"));
	assert_true(str_ends(salt, "?expires=1790000600&"));
	/* The signature is HMAC-SHA256(key, challenge), as altcha-lib computes it. */
	unsigned char mac[32];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, KEY, KEYLEN);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)c, strlen(c));
	crypto_auth_hmacsha256_final(&st, mac);
	char mhex[65];
	str_hex(mac, sizeof mac, mhex);
	assert_string_equal(sig, mhex);

	int64_t n = solve(ch);
	assert_true(n >= 0 && n <= 2000);
	char *good = payload("SHA-256", c, n, salt, sig);
	int64_t exp = 0;
	char got[65];
	assert_int_equal(booking_pow_verify(KEY, KEYLEN, good, now, &exp, got), 0);
	assert_int_equal(exp, now + 600);
	assert_string_equal(got, c);
	/* Expired: at and after the instant in the salt. */
	assert_int_equal(booking_pow_verify(KEY, KEYLEN, good, now + 600, NULL, NULL), ERR_INVALID);
	/* Another key. */
	assert_int_equal(booking_pow_verify((const unsigned char *)"other", 5, good, now, NULL, NULL), ERR_INVALID);

	char *wrong = payload("SHA-256", c, n + 1, salt, sig);
	assert_int_equal(booking_pow_verify(KEY, KEYLEN, wrong, now, NULL, NULL), ERR_INVALID);
	char badsig[65];
	memcpy(badsig, sig, 65);
	badsig[0] = badsig[0] == 'a' ? 'b' : 'a';
	char *forged = payload("SHA-256", c, n, salt, badsig);
	assert_int_equal(booking_pow_verify(KEY, KEYLEN, forged, now, NULL, NULL), ERR_INVALID);
	char *alg = payload("SHA-1", c, n, salt, sig);
	assert_int_equal(booking_pow_verify(KEY, KEYLEN, alg, now, NULL, NULL), ERR_INVALID);

	/* A self-made challenge with a later expiry: the hash is right but the signature is not. */
	char salt2[128], buf[160], c2[65];
	snprintf(salt2, sizeof salt2, "abcdef?expires=%lld&", (long long)(now + 99999));
	snprintf(buf, sizeof buf, "%s%d", salt2, 7);
	sha_hex(buf, c2);
	char *self = payload("SHA-256", c2, 7, salt2, sig);
	assert_int_equal(booking_pow_verify(KEY, KEYLEN, self, now, NULL, NULL), ERR_INVALID);

	/* Splicing: digits moved from the number into the salt keep the hash but drop the '&'. */
	char salt3[128], c3[65], sig3[65];
	snprintf(salt3, sizeof salt3, "abcdef?expires=%lld&", (long long)(now + 10));
	snprintf(buf, sizeof buf, "%s%d", salt3, 12345);
	sha_hex(buf, c3);
	crypto_auth_hmacsha256_init(&st, KEY, KEYLEN);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)c3, 64);
	crypto_auth_hmacsha256_final(&st, mac);
	str_hex(mac, sizeof mac, sig3);
	char *honest = payload("SHA-256", c3, 12345, salt3, sig3);
	assert_int_equal(booking_pow_verify(KEY, KEYLEN, honest, now, NULL, NULL), 0);
	snprintf(buf, sizeof buf, "%s1234", salt3); /* salt "…&1234", number 5 */
	char *spliced = payload("SHA-256", c3, 5, buf, sig3);
	assert_int_equal(booking_pow_verify(KEY, KEYLEN, spliced, now, NULL, NULL), ERR_INVALID);

	/* Garbage. */
	static const char *const junk[] = {"", "!!!!", "e30=", "W10=", "bnVsbA=="};
	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++)
		assert_int_equal(booking_pow_verify(KEY, KEYLEN, junk[i], now, NULL, NULL), ERR_INVALID);
	assert_int_equal(booking_pow_verify(KEY, KEYLEN, NULL, now, NULL, NULL), ERR_INVALID);

	free(good);
	free(wrong);
	free(forged);
	free(alg);
	free(self);
	free(honest);
	free(spliced);
	json_decref(ch);
}

/* A fixed vector: salt "s?expires=2000000000&", number 3. */
static void test_pow_vector(void **state)
{
	(void)state;
	const char *salt = "s?expires=2000000000&";
	char buf[64], c[65], sig[65];
	snprintf(buf, sizeof buf, "%s3", salt);
	sha_hex(buf, c);
	unsigned char mac[32];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, KEY, KEYLEN);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)c, 64);
	crypto_auth_hmacsha256_final(&st, mac);
	str_hex(mac, sizeof mac, sig);
	/* node -e "crypto.createHash('sha256').update('s?expires=2000000000&3').digest('hex')" */
	assert_string_equal(c, "34abe118008ee9f0f2ee67110a7d249b6fd54b8e63f755a3fbcd6089efeb62c7");
	char *p = payload("SHA-256", c, 3, salt, sig);
	assert_int_equal(booking_pow_verify(KEY, KEYLEN, p, 1999999999, NULL, NULL), 0);
	free(p);
}

/* ---------------------------------------------------------------- rate limiter */

static void test_ratelimit(void **state)
{
	(void)state;
	ratelimit_t *rl = ratelimit_new(100);
	int retry = 0;
	for (int i = 0; i < 3; i++)
		assert_true(ratelimit_hit(rl, "10.0.0.1", 3, 60, 1000 + i, &retry));
	assert_false(ratelimit_hit(rl, "10.0.0.1", 3, 60, 1010, &retry));
	assert_int_equal(retry, 50);
	assert_true(ratelimit_hit(rl, "10.0.0.2", 3, 60, 1010, &retry)); /* another key */
	assert_false(ratelimit_hit(rl, "10.0.0.1", 3, 60, 1059, &retry));
	assert_int_equal(retry, 1);
	assert_true(ratelimit_hit(rl, "10.0.0.1", 3, 60, 1060, &retry)); /* a new window */
	assert_true(ratelimit_hit(rl, "10.0.0.1", 0, 60, 1060, &retry)); /* 0: no limit */
	assert_true(ratelimit_hit(rl, "10.0.0.1", -1, 60, 1060, &retry));
	/* Bounded: a flood of addresses never grows the table past its size. */
	for (int i = 0; i < 100000; i++) {
		char k[32];
		snprintf(k, sizeof k, "192.0.%d.%d", i / 256, i % 256);
		ratelimit_hit(rl, k, 5, 60, 2000, NULL);
	}
	assert_true(ratelimit_size(rl) <= 128);
	ratelimit_free(rl);
}

typedef struct {
	ratelimit_t *rl;
	int ok;
} worker_t;

static void *hammer(void *arg)
{
	worker_t *w = arg;
	for (int i = 0; i < 1000; i++)
		w->ok += ratelimit_hit(w->rl, "203.0.113.9", 500, 60, 5000, NULL);
	return NULL;
}

static void test_ratelimit_threads(void **state)
{
	(void)state;
	ratelimit_t *rl = ratelimit_new(64);
	pthread_t t[8];
	worker_t w[8];
	for (int i = 0; i < 8; i++) {
		w[i] = (worker_t){rl, 0};
		pthread_create(&t[i], NULL, hammer, &w[i]);
	}
	int total = 0;
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		total += w[i].ok;
	}
	assert_int_equal(total, 500);
	ratelimit_free(rl);
}

/* ---------------------------------------------------------------- against the database */

typedef struct {
	db_t *db;
	db_conn_t *c;
	arena_t *a;
	config_t *cfg;
	int64_t now, office, slot, start;
} fx_t;

static int64_t q_int(fx_t *f, const char *sql, int64_t id)
{
	db_param_t p[] = {DB_INT(id)};
	int64_t v = -1;
	if (db_query_int(f->c, sql, p, 1, &v))
		fail_msg("%s: %s", sql, db_errmsg(f->c));
	return v;
}

/* A slot of `cap` public and `staff` staff seats at the centre, `days` after now at 09:00 UTC. */
static int64_t make_slot(fx_t *f, int cap, int staff, int days, int64_t *start)
{
	int64_t t = (f->now / 86400 + days) * 86400 + 9 * 3600;
	tz_local_t l;
	tz_local(tz_get("Europe/Madrid"), t, &l);
	char day[TZ_DATE_LEN];
	tz_date_format(l.day, day);
	db_param_t pr[] = {DB_INT(f->office), DB_INT(f->now)};
	int64_t rule;
	if (db_query_int(
		    f->c,
		    "INSERT INTO availability_rules (office_id, channel, weekdays, every_weeks, valid_from, start_min, "
		    "end_min, slot_min, capacity, staff_share, horizon_days, min_notice_min, active, created_at, "
		    "updated_at) VALUES ($1, 'in_person', '1,2,3,4,5,6,7', 1, '2020-01-01', 0, 1440, 15, 1, 0, 366, 0, "
		    "1, $2, $2) RETURNING id",
		    pr, 2, &rule))
		fail_msg("rule: %s", db_errmsg(f->c));
	db_param_t ps[] = {DB_INT(rule),    DB_INT(f->office), DB_TEXT(day),  DB_INT(t),
			   DB_INT(t + 900), DB_INT(cap),       DB_INT(staff), DB_INT(f->now - 10)};
	int64_t id;
	if (db_query_int(f->c,
			 "INSERT INTO slots (rule_id, office_id, channel, day, start_at, end_at, capacity, "
			 "staff_capacity, "
			 "release_at) VALUES ($1, $2, 'in_person', $3, $4, $5, $6, $7, $8) RETURNING id",
			 ps, 8, &id))
		fail_msg("slot: %s", db_errmsg(f->c));
	*start = t;
	return id;
}

static int setup(void **state)
{
	fx_t *f = calloc(1, sizeof *f);
	char err[256];
	f->db = testdb_open(testdb_current, 1, 5, err, sizeof err);
	if (!f->db) {
		print_error("setup (%s): %s\n", testdb_current->name, err);
		return -1;
	}
	f->c = db_acquire(f->db);
	if (catalog_demo_seed_root(f->c, ".")) {
		print_error("setup: demo catalogue\n");
		return -1;
	}
	f->a = arena_new();
	cap_declare();
	f->cfg = config_new();
	assert_int_equal(config_set(f->cfg, "booking.proof_of_work", "off", err, sizeof err), 0);
	assert_int_equal(config_set(f->cfg, "booking.cancel_return_delay", "600", err, sizeof err), 0);
	assert_int_equal(config_set(f->cfg, "server.listen", "127.0.0.1:18080", err, sizeof err), 0);
	config_default_public_url(f->cfg); /* as the command line does */
	f->now = 1790000000;               /* 2026-09-21 */
	db_param_t p[] = {DB_TEXT("centre")};
	if (db_query_int(f->c, "SELECT id FROM offices WHERE code = $1", p, 1, &f->office))
		return -1;
	f->slot = make_slot(f, 3, 0, 2, &f->start);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx_t *f = *state;
	arena_free(f->a);
	config_free(f->cfg);
	db_release(f->c);
	testdb_close(testdb_current, f->db);
	free(f);
	return 0;
}

static booking_ctx_t ctx_of(fx_t *f, int64_t now)
{
	return (booking_ctx_t){.c = f->c, .a = f->a, .cfg = f->cfg, .now = now, .lang = "ca"};
}

static booking_input_t input(fx_t *f, int64_t slot, long dni)
{
	static const char letters[] = "TRWAGMYFPDXBNJZSQVHLCKE";
	char *id = arena_printf(f->a, "%08ld%c", dni, letters[dni % 23]);
	return (booking_input_t){.service = "volant-individual",
				 .channel = "in_person",
				 .office = "centre",
				 .slot_id = slot,
				 .name = "Maria Puig i Roca",
				 .id_type = "dni",
				 .id_number = id,
				 .email = arena_printf(f->a, "persona%ld@example.cat", dni),
				 .lang = "ca"};
}

static int book(fx_t *f, booking_input_t in, booking_created_t *out, booking_err_t *err)
{
	booking_ctx_t ctx = ctx_of(f, f->now);
	memset(err, 0, sizeof *err);
	int rc = booking_create(&ctx, &in, out, err);
	json_decref(out->model);
	out->model = NULL;
	return rc;
}

static void test_seats_and_limits(void **state)
{
	fx_t *f = *state;
	booking_created_t out;
	booking_err_t err;
	for (int i = 0; i < 3; i++)
		assert_int_equal(book(f, input(f, f->slot, 1000 + i), &out, &err), 0);
	assert_int_equal(strlen(out.code), 8);
	assert_int_equal(strspn(out.code, BOOKING_CODE_ALPHABET), 8);
	assert_int_equal(strlen(out.token), 64);
	assert_int_equal(book(f, input(f, f->slot, 2000), &out, &err), ERR_CONFLICT);
	assert_string_equal(err.code, "slot_full");
	assert_int_equal(booking_err_status(&err), 409);
	assert_int_equal(q_int(f, "SELECT booked FROM slots WHERE id = $1", f->slot), 3);
	assert_int_equal(q_int(f, "SELECT COUNT(*) FROM appointments WHERE slot_id = $1", f->slot), 3);

	/* Two per ID number (the default), counted on other slots too. */
	int64_t s2, t2;
	s2 = make_slot(f, 10, 0, 3, &t2);
	assert_int_equal(book(f, input(f, s2, 1000), &out, &err), 0);
	booking_input_t again = input(f, s2, 1000);
	again.email = "other@example.cat";
	assert_int_equal(book(f, again, &out, &err), ERR_BUSY);
	assert_string_equal(err.code, "limit_reached");
	assert_int_equal(booking_err_status(&err), 429);
	assert_string_equal(booking_err_field(&err, "id_number"), "booking_err_limit_id");
	/* Per e-mail: another person with the same address. */
	booking_input_t mail = input(f, s2, 3000);
	mail.email = "persona1001@example.cat";
	assert_int_equal(book(f, mail, &out, &err), 0);
	mail = input(f, s2, 3001);
	mail.email = "PERSONA1001@example.cat"; /* case does not matter */
	assert_int_equal(book(f, mail, &out, &err), ERR_BUSY);
	assert_string_equal(booking_err_field(&err, "email"), "booking_err_limit_email");
	/* Nothing was written by the refused ones. */
	assert_int_equal(q_int(f, "SELECT booked FROM slots WHERE id = $1", s2), 2);
}

static void test_validation(void **state)
{
	fx_t *f = *state;
	booking_created_t out;
	booking_err_t err;
	booking_input_t in = input(f, f->slot, 4000);
	in.id_number = "12345678A";
	in.email = "nope";
	in.phone = "12";
	in.name = " ";
	in.lang = "fr";
	in.digital_confidence = 9;
	assert_int_equal(book(f, in, &out, &err), ERR_INVALID);
	assert_string_equal(err.code, "invalid");
	assert_int_equal(booking_err_status(&err), 422);
	assert_string_equal(booking_err_field(&err, "id_number"), "booking_err_dni");
	assert_string_equal(booking_err_field(&err, "email"), "booking_err_email");
	assert_string_equal(booking_err_field(&err, "phone"), "booking_err_phone");
	assert_string_equal(booking_err_field(&err, "name"), "booking_err_name");
	assert_string_equal(booking_err_field(&err, "lang"), "booking_err_lang");
	assert_string_equal(booking_err_field(&err, "digital_confidence"), "booking_err_confidence");
	in = input(f, f->slot, 4000);
	in.email = NULL;
	in.phone = "";
	assert_int_equal(book(f, in, &out, &err), ERR_INVALID);
	assert_string_equal(booking_err_field(&err, "email"), "booking_err_contact");
	in = input(f, f->slot, 4000);
	in.channel = "video"; /* volant-individual has no video */
	assert_int_equal(book(f, in, &out, &err), ERR_INVALID);
	assert_string_equal(booking_err_field(&err, "channel"), "booking_err_channel");
	/* Proof of work on: a citizen needs it, staff do not. */
	char e[128];
	assert_int_equal(config_set(f->cfg, "booking.proof_of_work", "on", e, sizeof e), 0);
	in = input(f, f->slot, 4000);
	assert_int_equal(book(f, in, &out, &err), ERR_INVALID);
	assert_string_equal(booking_err_field(&err, "altcha"), "booking_err_altcha_missing");
	in.altcha = "garbage";
	assert_int_equal(book(f, in, &out, &err), ERR_INVALID);
	assert_string_equal(booking_err_field(&err, "altcha"), "booking_err_altcha");
	assert_int_equal(config_set(f->cfg, "booking.proof_of_work", "off", e, sizeof e), 0);
}

static void test_cancel_delay_and_job(void **state)
{
	fx_t *f = *state;
	booking_created_t out;
	booking_err_t err;
	assert_int_equal(book(f, input(f, f->slot, 5000), &out, &err), 0);
	booking_ctx_t ctx = ctx_of(f, f->now + 60);
	/* Wrong proofs look like an unknown code. */
	assert_int_equal(booking_cancel(&ctx, out.code, NULL, "00000000T", &err), ERR_NOT_FOUND);
	assert_string_equal(err.code, "not_found");
	memset(&err, 0, sizeof err);
	char lower[16];
	for (int i = 0; i < 9; i++)
		lower[i] = (char)((out.code[i] >= 'A' && out.code[i] <= 'Z') ? out.code[i] + 32 : out.code[i]);
	assert_int_equal(booking_cancel(&ctx, lower, out.token, NULL, &err), 0);
	assert_int_equal(q_int(f, "SELECT booked FROM slots WHERE id = $1", f->slot), 1);
	/* The seat is not back before the delay… */
	int changed = 0;
	assert_int_equal(booking_job(f->c, f->cfg, f->now + 60 + 599, &changed), 0);
	assert_int_equal(q_int(f, "SELECT booked FROM slots WHERE id = $1", f->slot), 1);
	/* …and is after it. */
	assert_int_equal(booking_job(f->c, f->cfg, f->now + 60 + 600, &changed), 0);
	assert_true(changed >= 1);
	assert_int_equal(q_int(f, "SELECT booked FROM slots WHERE id = $1", f->slot), 0);
	/* Cancelling twice is a state error. */
	memset(&err, 0, sizeof err);
	assert_int_equal(booking_cancel(&ctx, out.code, out.token, NULL, &err), ERR_CONFLICT);
	assert_string_equal(err.code, "bad_state");
	booking_t b;
	assert_int_equal(booking_get(&ctx, out.code, out.token, NULL, &b), 0);
	assert_string_equal(b.status, "cancelled");
	booking_event_t *ev;
	size_t n;
	assert_int_equal(booking_history(&ctx, b.id, &ev, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ev[0].to_state, "booked");
	assert_string_equal(ev[1].from_state, "booked");
	assert_string_equal(ev[1].to_state, "cancelled");
	assert_string_equal(ev[1].actor, "citizen");
}

static void test_states_and_no_show(void **state)
{
	fx_t *f = *state;
	booking_created_t a1, a2;
	booking_err_t err;
	assert_int_equal(book(f, input(f, f->slot, 6000), &a1, &err), 0);
	assert_int_equal(book(f, input(f, f->slot, 6001), &a2, &err), 0);
	booking_ctx_t staff = ctx_of(f, f->start - 300);
	staff.staff = true;
	staff.user_email = "acollida@vilamar.example";
	assert_int_equal(booking_transition(&staff, a1.code, "done"), ERR_CONFLICT);
	assert_int_equal(booking_transition(&staff, a1.code, "flying"), ERR_INVALID);
	assert_int_equal(booking_check_in(&staff, a1.code, "00000000T"), ERR_PERM);
	assert_int_equal(booking_check_in(&staff, a1.code, NULL), ERR_PERM);
	char id[16];
	snprintf(id, sizeof id, "%08d%c", 6000, "TRWAGMYFPDXBNJZSQVHLCKE"[6000 % 23]);
	assert_int_equal(booking_check_in(&staff, a1.code, id), 0);
	assert_int_equal(booking_check_in(&staff, a1.code, id), ERR_CONFLICT);
	assert_int_equal(booking_transition(&staff, a1.code, "called"), 0);
	assert_int_equal(booking_transition(&staff, a1.code, "in_service"), 0);
	assert_int_equal(booking_transition(&staff, a1.code, "done"), 0);
	assert_int_equal(booking_transition(&staff, a1.code, "cancelled"), ERR_CONFLICT);
	assert_int_equal(booking_transition(&staff, "ZZZZZZZZ", "called"), ERR_NOT_FOUND);
	/* Nobody misses an appointment whose time has not come: a no-show is refused until then. */
	assert_int_equal(booking_transition(&staff, a2.code, "no_show"), ERR_CONFLICT);
	/* The job: not before start + grace (15 min), then a no-show, with a history row. */
	int changed;
	assert_int_equal(booking_job(f->c, f->cfg, f->start + 15 * 60 - 1, &changed), 0);
	booking_t b;
	assert_int_equal(booking_get(&staff, a2.code, NULL, NULL, &b), 0);
	assert_string_equal(b.status, "booked");
	assert_int_equal(booking_job(f->c, f->cfg, f->start + 15 * 60, &changed), 0);
	assert_int_equal(booking_get(&staff, a2.code, NULL, NULL, &b), 0);
	assert_string_equal(b.status, "no_show");
	assert_int_equal(booking_get(&staff, a1.code, NULL, NULL, &b), 0);
	assert_string_equal(b.status, "done");
	assert_true(b.done_at > 0 && b.served_at > 0 && b.called_at > 0 && b.checked_in_at > 0);
	assert_int_equal(q_int(f, "SELECT COUNT(*) FROM appointment_events WHERE actor = 'job' AND appointment_id = $1",
			       q_int(f, "SELECT id FROM appointments WHERE status = 'no_show' AND slot_id = $1",
				     f->slot)),
			 1);
}

static void test_holds(void **state)
{
	fx_t *f = *state;
	booking_ctx_t ctx = ctx_of(f, f->now);
	booking_input_t in = input(f, f->slot, 7000);
	char tok[BOOKING_TOKEN_LEN];
	int64_t exp;
	booking_err_t err = {0};
	assert_int_equal(booking_hold(&ctx, &in, tok, &exp, &err), 0);
	assert_int_equal(exp, f->now + 300);
	assert_int_equal(q_int(f, "SELECT booked FROM slots WHERE id = $1", f->slot), 1);
	/* Confirmed with the hold: the held seat, not another one. */
	booking_created_t out;
	in.hold = tok;
	in.slot_id = 0;
	assert_int_equal(book(f, in, &out, &err), 0);
	assert_int_equal(q_int(f, "SELECT booked FROM slots WHERE id = $1", f->slot), 1);
	/* A used hold is gone. */
	booking_input_t again = input(f, 0, 7001);
	again.hold = tok;
	assert_int_equal(book(f, again, &out, &err), ERR_CONFLICT);
	assert_string_equal(err.code, "hold_expired");
	/* An expired hold: the job ends it, and its seat returns after the cancellation delay
	 * (600 s here), not at the moment its holder knows in advance. */
	memset(&err, 0, sizeof err);
	in.slot_id = f->slot;
	in.hold = NULL;
	assert_int_equal(booking_hold(&ctx, &in, tok, &exp, &err), 0);
	assert_int_equal(q_int(f, "SELECT booked FROM slots WHERE id = $1", f->slot), 2);
	assert_int_equal(booking_job(f->c, f->cfg, exp - 1, NULL), 0);
	assert_int_equal(q_int(f, "SELECT COUNT(*) FROM holds WHERE slot_id = $1", f->slot), 1);
	assert_int_equal(booking_job(f->c, f->cfg, exp, NULL), 0);
	assert_int_equal(q_int(f, "SELECT COUNT(*) FROM holds WHERE slot_id = $1", f->slot), 0);
	assert_int_equal(q_int(f, "SELECT booked FROM slots WHERE id = $1", f->slot), 2);
	assert_int_equal(booking_job(f->c, f->cfg, exp + 599, NULL), 0);
	assert_int_equal(q_int(f, "SELECT booked FROM slots WHERE id = $1", f->slot), 2);
	assert_int_equal(booking_job(f->c, f->cfg, exp + 600, NULL), 0);
	assert_int_equal(q_int(f, "SELECT booked FROM slots WHERE id = $1", f->slot), 1);
	/* Released by hand: the same delay, from the release. */
	assert_int_equal(booking_hold(&ctx, &in, tok, &exp, &err), 0);
	assert_int_equal(booking_hold_release(&ctx, tok), 0);
	assert_int_equal(booking_hold_release(&ctx, tok), ERR_NOT_FOUND);
	assert_int_equal(q_int(f, "SELECT booked FROM slots WHERE id = $1", f->slot), 2);
	assert_int_equal(booking_job(f->c, f->cfg, f->now + 599, NULL), 0);
	assert_int_equal(q_int(f, "SELECT booked FROM slots WHERE id = $1", f->slot), 2);
	assert_int_equal(booking_job(f->c, f->cfg, f->now + 600, NULL), 0);
	assert_int_equal(q_int(f, "SELECT booked FROM slots WHERE id = $1", f->slot), 1);
}

/* A hold is claimed only for what it was taken for and by whom took it; one client holds at most
 * booking.max_holds_per_address seats. */
static void test_hold_claims_and_quota(void **state)
{
	fx_t *f = *state;
	booking_ctx_t ctx = ctx_of(f, f->now);
	ctx.client = "192.0.2.7";
	int64_t t;
	booking_input_t in = input(f, make_slot(f, 6, 0, 3, &t), 7100);
	char tok[BOOKING_TOKEN_LEN], tok2[BOOKING_TOKEN_LEN], tok3[BOOKING_TOKEN_LEN];
	int64_t exp;
	booking_err_t err = {0};
	assert_int_equal(booking_hold(&ctx, &in, tok, &exp, &err), 0);
	int64_t booked = q_int(f, "SELECT booked FROM slots WHERE id = $1", in.slot_id);
	/* Handed to another client: refused, and the hold stays its holder's. */
	booking_ctx_t other = ctx_of(f, f->now);
	other.client = "198.51.100.9";
	booking_created_t out;
	booking_input_t b = input(f, 0, 7101);
	b.hold = tok;
	assert_int_equal(booking_create(&other, &b, &out, &err), ERR_INVALID);
	assert_non_null(booking_err_field(&err, "hold"));
	assert_int_equal(q_int(f, "SELECT COUNT(*) FROM holds WHERE slot_id = $1", in.slot_id), 1);
	/* Its holder books with it: the held seat, no other. */
	memset(&err, 0, sizeof err);
	assert_int_equal(booking_create(&ctx, &b, &out, &err), 0);
	json_decref(out.model);
	assert_int_equal(q_int(f, "SELECT booked FROM slots WHERE id = $1", in.slot_id), booked);
	/* Two live holds per client by default; the third is refused until one ends. */
	memset(&err, 0, sizeof err);
	assert_int_equal(booking_hold(&ctx, &in, tok, &exp, &err), 0);
	assert_int_equal(booking_hold(&ctx, &in, tok2, &exp, &err), 0);
	assert_int_equal(booking_hold(&ctx, &in, tok3, &exp, &err), ERR_BUSY);
	assert_string_equal(err.code, "hold_limit");
	assert_int_equal(booking_err_status(&err), 429);
	assert_int_equal(booking_hold(&other, &in, tok3, &exp, &err), 0); /* another client is not */
	assert_int_equal(booking_hold_release(&ctx, tok), 0);
	memset(&err, 0, sizeof err);
	assert_int_equal(booking_hold(&ctx, &in, tok, &exp, &err), 0);
	/* Staff are not counted. */
	booking_ctx_t staff = ctx;
	staff.staff = true;
	staff.user_id = 1;
	assert_int_equal(booking_hold(&staff, &in, tok3, &exp, &err), 0);
}

/* What became of a hold: only the hold token opens it, and it gives the manage token back. */
static void test_hold_results(void **state)
{
	fx_t *f = *state;
	booking_ctx_t ctx = ctx_of(f, f->now);
	booking_input_t in = input(f, f->slot, 7500);
	char tok[BOOKING_TOKEN_LEN], code[BOOKING_CODE_LEN], manage[BOOKING_TOKEN_LEN];
	int64_t exp;
	booking_err_t err = {0};
	assert_int_equal(booking_hold(&ctx, &in, tok, &exp, &err), 0);
	assert_int_equal(booking_hold_result(&ctx, tok, code, manage), ERR_NOT_FOUND);
	booking_created_t out;
	in.hold = tok;
	assert_int_equal(booking_create(&ctx, &in, &out, &err), 0);
	json_decref(out.model);
	assert_int_equal(booking_hold_result(&ctx, tok, code, manage), 0);
	assert_string_equal(code, out.code);
	assert_string_equal(manage, out.token);
	/* The database keeps neither token in the clear. */
	assert_int_equal(q_int(f, "SELECT COUNT(*) FROM hold_results WHERE appointment_id > $1", 0), 1);
	char *clear = arena_printf(f->a, "%%%s%%", out.token);
	db_param_t p[] = {DB_TEXT(clear)};
	int64_t n = -1;
	assert_int_equal(db_query_int(f->c,
				      "SELECT COUNT(*) FROM hold_results WHERE sealed LIKE $1 OR token_hash LIKE $1", p,
				      1, &n),
			 0);
	assert_int_equal(n, 0);
	/* Another token opens nothing; a day later the record is gone. */
	char other[BOOKING_TOKEN_LEN];
	memcpy(other, tok, sizeof other);
	other[0] = other[0] == 'a' ? 'b' : 'a';
	assert_int_equal(booking_hold_result(&ctx, other, code, manage), ERR_NOT_FOUND);
	assert_int_equal(booking_hold_result(&ctx, "short", code, manage), ERR_NOT_FOUND);
	assert_int_equal(booking_job(f->c, f->cfg, f->now + 86400, NULL), 0);
	booking_ctx_t later = ctx_of(f, f->now + 86400);
	assert_int_equal(booking_hold_result(&later, tok, code, manage), ERR_NOT_FOUND);
	assert_int_equal(q_int(f, "SELECT COUNT(*) FROM hold_results WHERE appointment_id > $1", 0), 0);
}

/* A call-back needs a phone; booking_validate says so without writing anything. */
static void test_phone_needed(void **state)
{
	fx_t *f = *state;
	booking_ctx_t ctx = ctx_of(f, f->now);
	booking_input_t in = input(f, f->slot, 7600); /* the slot is checked when booking, not here */
	in.service = "cita-serveis";
	in.channel = "phone";
	in.office = "remot";
	booking_err_t err = {0};
	assert_int_equal(booking_validate(&ctx, &in, &err), ERR_INVALID);
	assert_string_equal(booking_err_field(&err, "phone"), "booking_err_phone_needed");
	assert_int_equal(q_int(f, "SELECT COUNT(*) FROM appointments WHERE id > $1", 0), 0);
	memset(&err, 0, sizeof err);
	in.phone = "612 34 56 78";
	assert_int_equal(booking_validate(&ctx, &in, &err), 0);
	assert_null(err.code);
}

static void test_slot_channel(void **state)
{
	(void)state;
	assert_string_equal(booking_slot_channel("neighbourhood_facility", "in_person"), "ict_agent");
	assert_string_equal(booking_slot_channel("citizen_office", "in_person"), "in_person");
	assert_string_equal(booking_slot_channel("neighbourhood_facility", "phone"), "phone");
	assert_string_equal(booking_slot_channel(NULL, "video"), "video");
}

/* Finding a procedure: every word typed, by its stem, in any of the texts. */
static void test_search(void **state)
{
	(void)state;
	arena_t *a = arena_new();
	static const char *const padro[] = {"Alta al padró municipal", "Alta en el padrón municipal",
					    "Inscripció al padró. Estar empadronat us dona accés…", NULL};
	static const char *const cert[] = {"Certificat digital idCAT", "Certificado digital idCAT", NULL};
	static const char *const ibi[] = {"Impost sobre béns immobles (IBI)", "Impuesto sobre bienes inmuebles", NULL};
	static const struct {
		const char *q;
		const char *const *texts;
		bool want;
	} cases[] = {
		{"empadronar", padro, true},
		{"PADRÓ", padro, true},
		{"padron", padro, true},
		{"certificado", cert, true},
		{"certificats digitals", cert, true},
		{"certificado", ibi, false},
		{"impuestos", ibi, true},
		{"alta impost", padro, false},
		{"de la", ibi, true},
		{"", ibi, true},
		{"dig", cert, true}, /* a short word: as typed, the start of "digital" */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		bk_query_t q;
		bk_query_parse(a, cases[i].q, &q);
		size_t n = 0;
		while (cases[i].texts[n]) /* each list ends with NULL */
			n++;
		print_message("search: '%s'\n", cases[i].q);
		assert_int_equal(bk_query_match(a, &q, cases[i].texts, n), cases[i].want);
	}
	/* Any bytes are a query: long, odd, invalid UTF-8. */
	bk_query_t q;
	bk_query_parse(a, "\xff\xfe ab \x01 cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk", &q);
	assert_true(q.n <= BK_QUERY_WORDS);
	arena_free(a);
}

static void test_reschedule_and_staff_share(void **state)
{
	fx_t *f = *state;
	int64_t t2, t3;
	int64_t s2 = make_slot(f, 1, 1, 4, &t2); /* one public, one staff seat */
	int64_t s3 = make_slot(f, 1, 0, 5, &t3);
	booking_created_t out;
	booking_err_t err;
	assert_int_equal(book(f, input(f, f->slot, 8000), &out, &err), 0);
	booking_ctx_t ctx = ctx_of(f, f->now);
	booking_t b;
	memset(&err, 0, sizeof err);
	assert_int_equal(booking_reschedule(&ctx, out.code, NULL,
					    "0000 8000-"
					    "P",
					    0, s2, &b, &err),
			 ERR_NOT_FOUND);
	char id[16];
	snprintf(id, sizeof id, "%08d%c", 8000, "TRWAGMYFPDXBNJZSQVHLCKE"[8000 % 23]);
	memset(&err, 0, sizeof err);
	assert_int_equal(booking_reschedule(&ctx, out.code, NULL, id, NULL, s2, &b, &err), 0);
	assert_int_equal(b.slot_id, s2);
	assert_int_equal(b.start_at, t2);
	assert_int_equal(b.sequence, 1);
	assert_int_equal(q_int(f, "SELECT booked FROM slots WHERE id = $1", s2), 1);
	/* The old seat comes back after the delay, like a cancellation. */
	assert_int_equal(q_int(f, "SELECT booked FROM slots WHERE id = $1", f->slot), 1);
	assert_int_equal(q_int(f, "SELECT COUNT(*) FROM seat_returns WHERE slot_id = $1", f->slot), 1);
	/* s2's public seat is gone: a citizen gets 409, the old appointment stays as it was. */
	booking_created_t o2;
	assert_int_equal(book(f, input(f, s3, 8001), &o2, &err), 0);
	memset(&err, 0, sizeof err);
	assert_int_equal(booking_reschedule(&ctx, o2.code, o2.token, NULL, NULL, s2, &b, &err), ERR_CONFLICT);
	assert_string_equal(err.code, "slot_full");
	assert_int_equal(booking_get(&ctx, o2.code, o2.token, NULL, &b), 0);
	assert_int_equal(b.slot_id, s3);
	assert_int_equal(q_int(f, "SELECT booked FROM slots WHERE id = $1", s3), 1);
	/* Staff take the staff seat, then nothing is left. */
	booking_ctx_t staff = ctx_of(f, f->now);
	staff.staff = true;
	staff.user_email = "informador@vilamar.example";
	assert_int_equal(auth_user_add_hashed(f->c, staff.user_email, "Informador", "informer", "", "x",
					      &staff.user_id),
			 0);
	booking_input_t in = input(f, s2, 8002);
	memset(&err, 0, sizeof err);
	booking_created_t o3;
	assert_int_equal(booking_create(&staff, &in, &o3, &err), 0);
	assert_string_equal(json_string_value(json_object_get(o3.model, "booked_by")), "informador@vilamar.example");
	json_decref(o3.model);
	assert_int_equal(q_int(f, "SELECT staff_booked FROM slots WHERE id = $1", s2), 1);
	assert_int_equal(q_int(f, "SELECT staff_seat FROM appointments WHERE id = $1", o3.id), 1);
	in = input(f, s2, 8003);
	memset(&err, 0, sizeof err);
	assert_int_equal(booking_create(&staff, &in, &o3, &err), ERR_CONFLICT);
	assert_string_equal(err.code, "slot_full");
}

static void test_model(void **state)
{
	fx_t *f = *state;
	booking_created_t out;
	booking_err_t err;
	booking_ctx_t ctx = ctx_of(f, f->now);
	booking_input_t in = input(f, f->slot, 9000);
	in.lang = "es";
	memset(&err, 0, sizeof err);
	assert_int_equal(booking_create(&ctx, &in, &out, &err), 0);
	json_t *m = out.model;
	assert_string_equal(json_string_value(json_object_get(m, "code")), out.code);
	assert_string_equal(json_string_value(json_object_get(m, "token")), out.token);
	char *url = arena_printf(f->a, "http://127.0.0.1:18080/cita/%s?token=%s", out.code, out.token);
	assert_string_equal(json_string_value(json_object_get(m, "manage_url")), url);
	assert_string_equal(json_string_value(json_object_get(m, "channel")), "in_person");
	assert_string_equal(json_string_value(json_object_get(json_object_get(m, "office"), "code")), "centre");
	assert_string_equal(json_string_value(json_object_get(json_object_get(m, "service"), "code")),
			    "volant-individual");
	assert_string_equal(json_string_value(json_object_get(m, "id_masked")), "***9000F");
	assert_string_equal(json_string_value(json_object_get(m, "tz")), "Europe/Madrid");
	assert_int_equal(json_integer_value(json_object_get(m, "duration_min")), 15);
	assert_string_equal(json_string_value(json_object_get(m, "booked_by")), "citizen");
	assert_true(json_array_size(json_object_get(m, "documents")) >= 1);
	int64_t t;
	assert_int_equal(tz_iso_parse(json_string_value(json_object_get(m, "start")), 0, &t), 0);
	assert_int_equal(t, f->start);
	json_decref(m);
	booking_t b;
	assert_int_equal(booking_get(&ctx, out.code, out.token, NULL, &b), 0);
	m = booking_model(&ctx, &b, NULL, "es");
	assert_null(json_object_get(m, "token"));
	url = arena_printf(f->a, "http://127.0.0.1:18080/cita/%s", out.code);
	assert_string_equal(json_string_value(json_object_get(m, "manage_url")), url);
	const char *lng = json_string_value(json_object_get(json_object_get(m, "start_local"), "long"));
	assert_non_null(strstr(lng, "de septiembre de 2026"));
	json_decref(m);
}

static void test_pow_replay(void **state)
{
	fx_t *f = *state;
	const unsigned char *key;
	size_t keylen;
	booking_pow_key(f->cfg, &key, &keylen);
	assert_int_equal(keylen, 32); /* no pow_key: a random one per process */
	json_t *ch = booking_pow_challenge(key, keylen, 500, f->now, 600);
	int64_t n = solve(ch);
	char *p = payload("SHA-256", json_string_value(json_object_get(ch, "challenge")), n,
			  json_string_value(json_object_get(ch, "salt")),
			  json_string_value(json_object_get(ch, "signature")));
	booking_ctx_t ctx = ctx_of(f, f->now);
	assert_int_equal(db_begin(f->c), 0);
	assert_int_equal(booking_pow_redeem(&ctx, p), 0);
	assert_int_equal(booking_pow_redeem(&ctx, p), ERR_CONFLICT);
	assert_int_equal(db_commit(f->c), 0);
	/* Purged once expired (then the signature check refuses it anyway). */
	assert_int_equal(q_int(f, "SELECT COUNT(*) FROM pow_used WHERE expires_at > $1", 0), 1);
	assert_int_equal(booking_job(f->c, f->cfg, f->now + 600, NULL), 0);
	assert_int_equal(q_int(f, "SELECT COUNT(*) FROM pow_used WHERE expires_at > $1", 0), 0);
	free(p);
	json_decref(ch);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	log_set_quiet(1);
	tz_set_dir("tests/data/zoneinfo");
	/* The appointment model writes its dates with the catalogues' words. */
	char err[512];
	if (i18n_load("locale", err, sizeof err)) {
		fprintf(stderr, "translations: %s\n", err);
		return 1;
	}
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_id_table),     cmocka_unit_test(test_id_letters),
		cmocka_unit_test(test_state_table),  cmocka_unit_test(test_iso),
		cmocka_unit_test(test_pow),          cmocka_unit_test(test_pow_vector),
		cmocka_unit_test(test_ratelimit),    cmocka_unit_test(test_ratelimit_threads),
		cmocka_unit_test(test_slot_channel), cmocka_unit_test(test_search),
	};
	const struct CMUnitTest store[] = {
		cmocka_unit_test_setup_teardown(test_seats_and_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_delay_and_job, setup, teardown),
		cmocka_unit_test_setup_teardown(test_states_and_no_show, setup, teardown),
		cmocka_unit_test_setup_teardown(test_holds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hold_claims_and_quota, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hold_results, setup, teardown),
		cmocka_unit_test_setup_teardown(test_phone_needed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reschedule_and_staff_share, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pow_replay, setup, teardown),
	};
	int rc = cmocka_run_group_tests_name("booking", pure, NULL, NULL);
	rc |= testdb_run_groups("booking store", store);
	i18n_unload();
	return rc;
}
