/* test_legal.c — the legal texts: the plain text format as blocks (a table of cases), and the
 * store on SQLite and, when FINESTRETA_TEST_PG_URL is set, PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/arena.h"
#include "base/err.h"
#include "legal/internal.h"
#include "legal/legal.h"
#include "testdb.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	const char *what, *text, *want; /* want: the blocks as compact JSON */
} cases[] = {
	{"empty", "", "[]"},
	{"one paragraph over two lines", "Line one\nline two", "[{\"p\": \"Line one line two\"}]"},
	{"a heading, then its paragraph", "## Who\nThe city.\n\nMore.",
	 "[{\"h\": \"Who\"}, {\"p\": \"The city.\"}, {\"p\": \"More.\"}]"},
	{"a list after a paragraph", "Rights:\n- access\n- erasure\n  and more",
	 "[{\"p\": \"Rights:\"}, {\"li\": [\"access\", \"erasure and more\"]}]"},
	{"CRLF and blanks", "  ## Title  \r\n\r\n text \r\n", "[{\"h\": \"Title\"}, {\"p\": \"text\"}]"},
	{"## in a paragraph stays text", "One\n## two", "[{\"p\": \"One ## two\"}]"},
	{"not UTF-8: nothing", "ok \xff", "[]"},
};

static void test_blocks(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		print_message("case: %s\n", cases[i].what);
		json_t *b = legal_blocks(cases[i].text);
		char *got = json_dumps(b, JSON_COMPACT | JSON_ENSURE_ASCII);
		json_t *want = json_loads(cases[i].want, 0, NULL);
		char *w = json_dumps(want, JSON_COMPACT | JSON_ENSURE_ASCII);
		assert_string_equal(got, w);
		free(got);
		free(w);
		json_decref(want);
		json_decref(b);
	}
	json_t *none = legal_blocks(NULL);
	assert_int_equal(json_array_size(none), 0);
	json_decref(none);
}

static void test_store(void **state)
{
	(void)state;
	char err[256];
	db_t *db = testdb_open(testdb_current, 1, 5, err, sizeof err);
	if (!db)
		fail_msg("%s", err);
	db_conn_t *c = db_acquire(db);
	arena_t *a = arena_new();
	const char *body = NULL;
	assert_int_equal(lg_store_text(c, a, "privacy", "ca", &body), ERR_NOT_FOUND);
	assert_int_equal(lg_store_save(c, "privacy", "ca", "## Responsable\nL'Ajuntament.", "admin@x", 1), 0);
	assert_int_equal(lg_store_save(c, "privacy", "ca", "## Responsable\nL'Ajuntament de Vilamar.", "admin@x", 2),
			 0);
	assert_int_equal(lg_store_text(c, a, "privacy", "ca", &body), 0);
	assert_string_equal(body, "## Responsable\nL'Ajuntament de Vilamar.");
	assert_int_equal(lg_store_text(c, a, "privacy", "es", &body), ERR_NOT_FOUND);
	/* An empty text brings back the shipped one: no row. */
	assert_int_equal(lg_store_save(c, "privacy", "ca", "", "admin@x", 3), 0);
	assert_int_equal(lg_store_text(c, a, "privacy", "ca", &body), ERR_NOT_FOUND);
	/* Only the three documents. */
	assert_int_not_equal(lg_store_save(c, "other", "ca", "x", "admin@x", 4), 0);
	for (size_t i = 0; i < LG_NDOCS; i++)
		assert_int_equal(lg_store_save(c, lg_docs[i].code, "en", "Text", "admin@x", 5), 0);
	arena_free(a);
	db_release(c);
	testdb_close(testdb_current, db);
}

int main(void)
{
	const struct CMUnitTest pure[] = {cmocka_unit_test(test_blocks)};
	const struct CMUnitTest storage[] = {cmocka_unit_test(test_store)};
	int rc = cmocka_run_group_tests_name("legal", pure, NULL, NULL);
	rc |= testdb_run_groups("legal store", storage);
	return rc;
}
