/* test_padro.c — the padró capability (src/padro/): the value checks as tables (mobile numbers,
 * verification codes, dates), the import parser with good and bad files, the register service's
 * answer parser, and on SQLite and, with FINESTRETA_TEST_PG_URL, PostgreSQL: replacing the
 * register, look-ups, the limits of code requests, code checks (tries, expiry, use) and the
 * certificates' rows and purge. Run from the repository root. */
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
#include "core/cap.h"
#include "padro/internal.h"
#include "testdb.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- values */

static void test_mobile(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out; /* out NULL: refused */
	} t[] = {
		{"600 11 22 33", "+34600112233"},
		{"+34 600112233", "+34600112233"},
		{"0034-700-112-233", "+34700112233"},
		{"(+33) 6 12 34 56 78", "+33612345678"},
		{"", ""},
		{"912345678", NULL},
		{"60011223", NULL},
		{"+34 912 345 678", NULL},
		{"600-11-22-3x", NULL},
		{"+0612345678", NULL},
		{"++34600112233", NULL},
		{"+1234567890123456", NULL},
	};
	arena_t *a = arena_new();
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		const char *got = pd_mobile_norm(a, t[i].in);
		if (!t[i].out)
			assert_null(got);
		else
			assert_string_equal(got, t[i].out);
	}
	assert_string_equal(pd_date_show(a, "2026-03-01"), "01/03/2026");
	assert_string_equal(pd_date_show(a, "2026-02-30"), "2026-02-30");
	arena_free(a);
}

static void test_vcode(void **state)
{
	(void)state;
	char a[PD_VCODE_LEN], b[PD_VCODE_LEN], n[PD_VCODE_LEN];
	pd_vcode_new(a);
	pd_vcode_new(b);
	assert_int_equal(strlen(a), 20);
	assert_string_not_equal(a, b);
	assert_int_equal(strspn(a, "0123456789ABCDEFGHJKMNPQRSTVWXYZ"), 20);
	static const struct {
		const char *in, *out;
	} t[] = {
		{"ABCD-EFGH-JKMN-PQRS-TVWX", "ABCDEFGHJKMNPQRSTVWX"},
		{"abcd efgh jkmn pqrs tvwx", "ABCDEFGHJKMNPQRSTVWX"},
		{"OOOO-IIII-LLLL-0000-1111", "00001111111100001111"},
		{"ABCD-EFGH-JKMN-PQRS-TVWU", NULL}, /* U is not Crockford */
		{"ABCD-EFGH-JKMN-PQRS-TVW", NULL},
		{"ABCD-EFGH-JKMN-PQRS-TVWXY", NULL},
		{"", NULL},
		{"ABCD/EFGH/JKMN/PQRS/TVWX", NULL},
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		bool ok = pd_vcode_norm(t[i].in, n);
		assert_int_equal(ok, t[i].out != NULL);
		if (ok)
			assert_string_equal(n, t[i].out);
	}
	arena_t *ar = arena_new();
	assert_string_equal(pd_vcode_group(ar, "ABCDEFGHJKMNPQRSTVWX"), "ABCD-EFGH-JKMN-PQRS-TVWX");
	arena_free(ar);
}

/* ---------------------------------------------------------------- import */

#define HEADER                                                                                                         \
	"household,address,postcode,district,id_type,id_number,given_name,surnames,birth_date,registered_on,mobile\n"

static void test_import_good(void **state)
{
	(void)state;
	const char *csv =
		HEADER "# comment\n"
		       "H2,\"Carrer B, 2\",08991,Riera,dni,22222222J,Berta,Roig,1991-01-01,2001-01-01,\n"
		       "H1,\"Carrer A, 1\",08990,Centre,dni,11111111-h,Anna,Pi,1990-01-01,2000-01-01,600111222\n"
		       "H2,\"Carrer B, 2\",08991,Riera,nie,y1234567x,Carles,Roig,1992-01-01,2002-01-01,+33612345678\n";
	arena_t *a = arena_new();
	pd_household_t *h = NULL;
	size_t n = 0, nerr = 9;
	pd_import_err_t errs[8];
	assert_int_equal(pd_import_parse(a, csv, strlen(csv), &h, &n, errs, 8, &nerr), 0);
	assert_int_equal(nerr, 0);
	assert_int_equal(n, 2);
	assert_string_equal(h[0].code, "H1");
	assert_int_equal(h[0].n, 1);
	assert_string_equal(h[0].people[0].id_number, "11111111H");
	assert_string_equal(h[0].people[0].mobile, "+34600111222");
	assert_string_equal(h[1].code, "H2");
	assert_int_equal(h[1].n, 2);
	assert_string_equal(h[1].people[1].id_number, "Y1234567X");
	arena_free(a);
}

static void test_import_bad(void **state)
{
	(void)state;
	static const struct {
		const char *csv;
		size_t row;
		const char *field;
	} t[] = {
		{"", 0, ""},
		{"household,address\n", 1, ""},
		{"household,address,postcode,district,id_type,id_number,given_name,surnames,birth_date,registered,"
		 "mobile\n",
		 1, "registered_on"},
		{HEADER "H1,A,08990,C,dni,11111111A,Anna,Pi,1990-01-01,2000-01-01,\n", 2, "id_number"},
		{HEADER "H1,A,08990,C,card,11111111H,Anna,Pi,1990-01-01,2000-01-01,\n", 2, "id_type"},
		{HEADER "H1,A,08990,C,dni,11111111H,,Pi,1990-01-01,2000-01-01,\n", 2, "given_name"},
		{HEADER "H1,A,08990,C,dni,11111111H,Anna,Pi,1990-13-01,2000-01-01,\n", 2, "birth_date"},
		{HEADER "H1,A,08990,C,dni,11111111H,Anna,Pi,1990-01-01,1989-01-01,\n", 2, "registered_on"},
		{HEADER "H1,A,08990,C,dni,11111111H,Anna,Pi,1990-01-01,2000-01-01,123\n", 2, "mobile"},
		{HEADER "H1,A,08990,C,dni,11111111H,Anna,Pi,1990-01-01,2000-01-01\n", 2, ""},
		{HEADER "H1,A,08990,C,dni,11111111H,Anna,Pi,1990-01-01,2000-01-01,\n"
			"H2,B,08990,C,dni,11111111H,Bet,Pi,1990-01-01,2000-01-01,\n",
		 3, "id_number"},
		{HEADER "H1,A,08990,C,dni,11111111H,Anna,Pi,1990-01-01,2000-01-01,\n"
			"H1,B,08990,C,dni,22222222J,Bet,Pi,1990-01-01,2000-01-01,\n",
		 3, "address"},
		{HEADER "H1,\"A,08990\n", 2, ""},
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		arena_t *a = arena_new();
		pd_household_t *h = NULL;
		size_t n = 0, nerr = 0;
		pd_import_err_t errs[8];
		int rc = pd_import_parse(a, t[i].csv, strlen(t[i].csv), &h, &n, errs, 8, &nerr);
		if (rc != ERR_INVALID || nerr == 0 || errs[0].row != t[i].row || strcmp(errs[0].field, t[i].field) != 0)
			fail_msg("case %zu: rc %d, %zu errors, first at row %zu field '%s' (%s)", i, rc, nerr,
				 nerr ? errs[0].row : 0, nerr ? errs[0].field : "", nerr ? errs[0].reason : "");
		assert_null(h);
		arena_free(a);
	}
}

/* ---------------------------------------------------------------- the register service's answer */

static void test_http_parse(void **state)
{
	(void)state;
	const char *good = "{\"household\":{\"code\":\"E1\",\"address\":\"Carrer C, 3\",\"postcode\":\"08992\","
			   "\"district\":\"Mar\"},\"people\":[{\"id_type\":\"dni\",\"id_number\":\"11111111H\","
			   "\"given_name\":\"Anna\",\"surnames\":\"Pi\",\"birth_date\":\"1990-01-01\","
			   "\"registered_on\":\"2000-01-01\",\"mobile\":\"600111222\"},{\"id_type\":\"passport\","
			   "\"id_number\":\"ab12345\",\"given_name\":\"Bo\",\"surnames\":\"Li\",\"birth_date\":"
			   "\"1991-01-01\",\"registered_on\":\"2001-01-01\",\"mobile\":null}]}";
	arena_t *a = arena_new();
	pd_household_t h;
	assert_int_equal(pd_http_parse(a, good, strlen(good), "AB12345", &h), 0);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.self, 1);
	assert_string_equal(h.people[0].mobile, "+34600111222");
	assert_string_equal(h.people[1].mobile, "");
	assert_string_equal(h.address, "Carrer C, 3");
	static const char *const bad[] = {
		"",
		"[]",
		"{\"household\":{},\"people\":[]}",
		"{\"household\":{\"code\":\"E\",\"address\":\"A\",\"postcode\":\"1\",\"district\":\"D\"},\"people\":[]"
		"}",
		"{\"household\":{\"code\":\"E\",\"address\":\"A\",\"postcode\":\"1\",\"district\":\"D\"},\"people\":[{"
		"\"id_type\":\"dni\",\"id_number\":\"11111111A\",\"given_name\":\"A\",\"surnames\":\"P\",\"birth_"
		"date\":"
		"\"1990-01-01\",\"registered_on\":\"2000-01-01\"}]}",
		"{\"household\":{\"code\":\"E\",\"address\":\"A\",\"postcode\":\"1\",\"district\":\"D\"},\"people\":[{"
		"\"id_type\":\"dni\",\"id_number\":\"11111111H\",\"given_name\":\"A\",\"surnames\":\"P\",\"birth_"
		"date\":"
		"\"1990-01-01\",\"registered_on\":\"2000-01-01\",\"mobile\":\"12\"}]}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (pd_http_parse(a, bad[i], strlen(bad[i]), "11111111H", &h) != ERR_INVALID)
			fail_msg("bad answer %zu accepted", i);
	/* A good household without the member asked for. */
	assert_int_equal(pd_http_parse(a, good, strlen(good), "22222222J", &h), ERR_INVALID);
	arena_free(a);
}

/* ---------------------------------------------------------------- storage */

typedef testfx_t fx_t; /* testdb.h */

static void load(fx_t *f, const char *csv)
{
	pd_household_t *h = NULL;
	size_t n = 0, nerr = 0;
	pd_import_err_t errs[4];
	assert_int_equal(pd_import_parse(f->a, csv, strlen(csv), &h, &n, errs, 4, &nerr), 0);
	assert_int_equal(db_begin(f->c), 0);
	assert_int_equal(pd_store_replace(f->c, h, n), 0);
	assert_int_equal(db_commit(f->c), 0);
}

static void test_register(void **state)
{
	fx_t *f = *state;
	load(f, HEADER "H1,\"Carrer A, 1\",08990,Centre,dni,11111111H,Anna,Pi,1990-01-01,2000-01-01,\n"
		       "H1,\"Carrer A, 1\",08990,Centre,passport,XY1234,Bo,Li,1980-01-01,2005-01-01,\n");
	pd_household_t h;
	assert_int_equal(pd_lookup(f->cfg, f->c, f->a, "passport", "xy-1234", &h), 0);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.people[h.self].given_name, "Bo");
	assert_string_equal(h.people[0].given_name, "Bo"); /* oldest first */
	/* The type must match the number's. */
	assert_int_equal(pd_lookup(f->cfg, f->c, f->a, "dni", "11111111H", &h), 0);
	assert_int_equal(pd_lookup(f->cfg, f->c, f->a, "nie", "X1111111G", &h), ERR_NOT_FOUND);
	assert_int_equal(pd_lookup(f->cfg, f->c, f->a, "dni", "11111111A", &h), ERR_INVALID);
	/* A second load replaces the first whole. */
	load(f, HEADER "H9,\"Carrer Z, 9\",08993,Port,dni,22222222J,Cesc,Mas,1970-01-01,1999-01-01,\n");
	int64_t people = 0, households = 0;
	assert_int_equal(pd_store_counts(f->c, &people, &households), 0);
	assert_int_equal(people, 1);
	assert_int_equal(households, 1);
	assert_int_equal(pd_lookup(f->cfg, f->c, f->a, "dni", "11111111H", &h), ERR_NOT_FOUND);
}

/* A code row with a known code, as codes.c stores it ("SALT$sha256(SALT:CODE)"). */
static int64_t add_code(fx_t *f, const char *key, const char *code, int64_t now, int64_t ttl)
{
	unsigned char d[crypto_hash_sha256_BYTES];
	char hex[65], line[64];
	snprintf(line, sizeof line, "s4lt:%s", code);
	crypto_hash_sha256(d, (const unsigned char *)line, strlen(line));
	str_hex(d, sizeof d, hex);
	int64_t id = 0;
	assert_int_equal(pd_store_code_add(f->c, key, "client-a", arena_printf(f->a, "s4lt$%s", hex), now, now + ttl,
					   &id),
			 0);
	return id;
}

static void test_codes(void **state)
{
	fx_t *f = *state;
	int64_t now = 1800000000;
	pd_ctx_t x = {.c = f->c, .a = f->a, .cfg = f->cfg, .now = now};
	const char *key = pd_id_key(f->a, "dni", "11111111H");
	assert_int_equal(strlen(key), 64);
	assert_string_not_equal(key, pd_id_key(f->a, "nie", "11111111H"));
	add_code(f, key, "123456", now - 10, 300);
	assert_int_equal(pd_code_check(&x, key, "654321"), ERR_INVALID);
	assert_int_equal(pd_code_check(&x, key, "12345"), ERR_INVALID);
	assert_int_equal(pd_code_check(&x, key, "123456"), 0);
	assert_int_equal(pd_code_check(&x, key, "123456"), ERR_INVALID); /* used */
	/* Three tries, then the right code no longer counts. */
	add_code(f, key, "111111", now - 5, 300);
	for (int i = 0; i < 3; i++)
		assert_int_equal(pd_code_check(&x, key, "222222"), ERR_INVALID);
	assert_int_equal(pd_code_check(&x, key, "111111"), ERR_INVALID);
	/* Only the newest code counts; an expired one never does. */
	add_code(f, key, "333333", now - 4, 300);
	add_code(f, key, "444444", now - 3, 300);
	assert_int_equal(pd_code_check(&x, key, "333333"), ERR_INVALID);
	add_code(f, key, "555555", now - 400, 300);
	assert_int_equal(pd_code_check(&x, key, "555555"), ERR_INVALID);
	/* The counts behind the limits, per ID and per client. */
	int64_t by_id = 0, by_client = 0;
	assert_int_equal(pd_store_code_counts(f->c, key, "client-a", now - 60, &by_id, &by_client), 0);
	assert_int_equal(by_id, 4);
	assert_int_equal(by_client, 4);
	assert_int_equal(pd_store_code_counts(f->c, key, "client-b", now - 3600, &by_id, &by_client), 0);
	assert_int_equal(by_id, 5);
	assert_int_equal(by_client, 0);
}

static void test_volants(void **state)
{
	fx_t *f = *state;
	static const unsigned char pdf[] = "%PDF-1.5 not really";
	pd_volant_t v = {.code = "ABCDEFGHJKMNPQRSTVWX",
			 .kind = "collective",
			 .lang = "ca",
			 .holder = "A. P. · ***1111H",
			 .holders = 2,
			 .sha256 = "00",
			 .channel = "web",
			 .confirmed_by = "sms",
			 .issued_at = 1000,
			 .pdf = pdf,
			 .pdf_len = sizeof pdf - 1};
	assert_int_equal(pd_store_volant_add(f->c, &v), 0);
	assert_int_equal(pd_store_volant_add(f->c, &v), ERR_CONFLICT);
	pd_volant_t got;
	assert_int_equal(pd_store_volant_get(f->c, f->a, v.code, true, &got), 0);
	assert_int_equal(got.pdf_len, sizeof pdf - 1);
	assert_memory_equal(got.pdf, pdf, sizeof pdf - 1);
	assert_string_equal(got.holder, v.holder);
	assert_int_equal(got.holders, 2);
	assert_int_equal(pd_store_volant_get(f->c, f->a, "ZZZZZZZZZZZZZZZZZZZZ", false, &got), ERR_NOT_FOUND);
	int64_t n = 0;
	assert_int_equal(padro_volants_issued(f->c, 999, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(pd_store_purge(f->c, 0, 1001), 0);
	assert_int_equal(pd_store_volant_get(f->c, f->a, v.code, false, &got), ERR_NOT_FOUND);
}

int main(void)
{
	log_set_quiet(1);
	if (sodium_init() < 0)
		return 1;
	cap_declare();
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_mobile),      cmocka_unit_test(test_vcode),
		cmocka_unit_test(test_import_good), cmocka_unit_test(test_import_bad),
		cmocka_unit_test(test_http_parse),
	};
	const struct CMUnitTest store[] = {
		cmocka_unit_test_setup_teardown(test_register, testfx_setup, testfx_teardown),
		cmocka_unit_test_setup_teardown(test_codes, testfx_setup, testfx_teardown),
		cmocka_unit_test_setup_teardown(test_volants, testfx_setup, testfx_teardown),
	};
	int rc = cmocka_run_group_tests_name("padro", pure, NULL, NULL);
	rc |= testdb_run_groups("padro store", store);
	return rc;
}
