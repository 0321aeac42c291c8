/* test_people.c — the citizen record (src/people/): identity documents as a table of input →
 * output (contacts: base/contact.h, in test_base), the plain-text cleaning every capability uses
 * (base/text.h), and on SQLite and (with
 * FINESTRETA_TEST_PG_URL) PostgreSQL: find-or-create by ID number, e-mail and phone, look-ups
 * through merges and their undoing, and erasure. Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/text.h"
#include "people/internal.h"
#include "people/people.h"
#include "testdb.h"

#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------- normalisers */

static void test_id(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out, *type;
	} cases[] = {
		{"12345678z", "12345678Z", "dni"},
		{"12.345.678-Z", "12345678Z", "dni"},
		{"12345678A", NULL, NULL},
		{"x1234567l", "X1234567L", "nie"},
		{"Y1234567X", "Y1234567X", "nie"},
		{"Z1234567A", NULL, NULL},
		{"AB123456", "AB123456", "passport"},
		{"ABCDEFG", NULL, NULL},
		{"12ñ", NULL, NULL},
		{"", NULL, NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char out[PEOPLE_ID_MAX];
		const char *type = NULL;
		bool ok = people_norm_id(cases[i].in, out, &type);
		assert_int_equal(ok, cases[i].out != NULL);
		if (ok) {
			assert_string_equal(out, cases[i].out);
			assert_string_equal(type, cases[i].type);
		}
	}
}

static void test_text_clean(void **state)
{
	(void)state;
	arena_t *a = arena_new();
	const char *out;
	assert_int_equal(text_clean(a, " <b>hola</b>\r\nadéu\t ", 0, true, &out), 0);
	assert_string_equal(out, "<b>hola</b>\nadéu");
	assert_int_equal(text_clean(a, "a\nb", 0, false, &out), 0);
	assert_string_equal(out, "a b");
	/* A bell, a right-to-left override and an isolate become U+FFFD. */
	assert_int_equal(text_clean(a, "x\a\xE2\x80\xAEy\xE2\x81\xA6z", 0, true, &out), 0);
	assert_string_equal(out, "x\xEF\xBF\xBD\xEF\xBF\xBDy\xEF\xBF\xBDz");
	assert_int_equal(text_clean(a, "\xC3\x28", 0, true, &out), ERR_INVALID);
	assert_int_equal(text_clean(a, "àààà", 3, true, &out), ERR_TOO_BIG);
	assert_int_equal(text_clean(a, "ààà", 3, true, &out), 0);
	assert_string_equal(text_cut(a, "abcdef", 3), "abc\xE2\x80\xA6");
	assert_string_equal(text_cut(a, "abc", 3), "abc");
	arena_free(a);
}

/* ---------------------------------------------------------------- storage */

typedef testfx_t fx_t; /* testdb.h */

static int64_t linked(fx_t *f, const char *name, const char *idn, const char *email, const char *phone)
{
	people_input_t in = {name, idn, email, phone, "ca"};
	int64_t id = -1;
	assert_int_equal(db_begin(f->c), 0);
	assert_int_equal(people_link(f->c, f->a, &in, 1000, &id), 0);
	assert_int_equal(db_commit(f->c), 0);
	return id;
}

static void test_link(void **state)
{
	fx_t *f = *state;
	int64_t a = linked(f, "Anna", "12345678Z", "anna@x.cat", NULL);
	assert_true(a > 0);
	assert_int_equal(linked(f, "", "12345678z", NULL, NULL), a);       /* the same ID number */
	assert_int_equal(linked(f, "", NULL, "ANNA+cita@x.cat", NULL), a); /* the e-mail's key */
	/* The phone given later is added to the record. */
	assert_int_equal(linked(f, "", "12345678Z", NULL, "612345678"), a);
	int64_t *ids;
	size_t n;
	assert_int_equal(people_find(f->c, f->a, NULL, NULL, "+34 612 34 56 78", &ids, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], a);
	/* Another ID number with the same e-mail is another person (a family's shared address). */
	int64_t b = linked(f, "Bernat", "X1234567L", "anna@x.cat", NULL);
	assert_true(b > 0 && b != a);
	/* Now the e-mail alone is ambiguous: nobody is linked. */
	assert_int_equal(linked(f, "", NULL, "anna@x.cat", NULL), 0);
	assert_int_equal(people_find(f->c, f->a, NULL, "anna@x.cat", NULL, &ids, &n), 0);
	assert_int_equal(n, 2);
	/* Nothing to go on: nobody. */
	assert_int_equal(linked(f, "Només nom", NULL, NULL, NULL), 0);
	assert_int_equal(people_find(f->c, f->a, "bad id", NULL, NULL, &ids, &n), ERR_INVALID);
}

static void test_merge_and_erase(void **state)
{
	fx_t *f = *state;
	int64_t a = linked(f, "Carme", "87654321X", "carme@x.cat", NULL);
	int64_t b = linked(f, "Carme V.", NULL, "cvidal@y.cat", "699000111");
	int64_t m = 0;
	assert_int_equal(db_begin(f->c), 0);
	assert_int_equal(pe_merge(f->c, f->a, a, b, "coord@x.cat", 2000, &m), 0);
	assert_int_equal(db_commit(f->c), 0);
	people_t p;
	assert_int_equal(people_get(f->c, f->a, b, &p), 0); /* a merged record leads to its survivor */
	assert_int_equal(p.id, a);
	assert_int_equal(p.nids, 2);
	assert_int_equal(p.ncontacts, 3);
	assert_int_equal(p.nmerges, 1);
	/* Merging again, or a person into itself, is refused. */
	assert_int_equal(db_begin(f->c), 0);
	int64_t m2;
	assert_int_equal(pe_merge(f->c, f->a, a, b, "coord@x.cat", 2001, &m2), ERR_INVALID);
	db_rollback(f->c);
	/* Undo: each record stands alone again, once. */
	people_merge_t g;
	assert_int_equal(db_begin(f->c), 0);
	assert_int_equal(pe_unmerge(f->c, f->a, m, "coord@x.cat", 3000, &g), 0);
	assert_int_equal(db_commit(f->c), 0);
	assert_int_equal(people_get(f->c, f->a, b, &p), 0);
	assert_int_equal(p.id, b);
	assert_int_equal(db_begin(f->c), 0);
	assert_int_equal(pe_unmerge(f->c, f->a, m, "coord@x.cat", 3001, &g), ERR_CONFLICT);
	db_rollback(f->c);
	/* Erasure blanks the personal fields; the record is found no more and never linked again. */
	assert_int_equal(db_begin(f->c), 0);
	assert_int_equal(pe_store_erase(f->c, &a, 1, 4000), 0);
	assert_int_equal(db_commit(f->c), 0);
	assert_int_equal(people_get(f->c, f->a, a, &p), 0);
	assert_string_equal(p.name, "");
	assert_string_equal(p.id_number, "");
	assert_int_equal(p.ncontacts, 0);
	assert_int_equal(p.erased_at, 4000);
	int64_t *ids;
	size_t n;
	assert_int_equal(people_find(f->c, f->a, "87654321X", NULL, NULL, &ids, &n), 0);
	assert_int_equal(n, 0);
	assert_int_not_equal(linked(f, "Carme", "87654321X", NULL, NULL), a);
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_id),
		cmocka_unit_test(test_text_clean),
	};
	int rc = cmocka_run_group_tests_name("people: normalisers", pure, NULL, NULL);
	const struct CMUnitTest storage[] = {
		cmocka_unit_test_setup_teardown(test_link, testfx_setup, testfx_teardown),
		cmocka_unit_test_setup_teardown(test_merge_and_erase, testfx_setup, testfx_teardown),
	};
	rc |= testdb_run_groups("people store", storage);
	return rc;
}
