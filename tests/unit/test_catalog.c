/* test_catalog.c — the catalogue: validation tables (codes, colours, letters, URLs, time zones,
 * channel and identification lists), the CSV parser and writer, the JSON and CSV readers' error
 * reports (path or line, and field), and the store through import/export and the contract
 * functions of catalog.h, on an SQLite file (and on PostgreSQL when FINESTRETA_TEST_PG_URL is
 * set). Run from the repository root: it reads migrations/ and deploy/demo/catalogue.json. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "base/mem.h"
#include "catalog/catalog.h"
#include "base/csv.h"
#include "catalog/doc.h"
#include "catalog/internal.h"
#include "catalog/model.h"
#include "catalog/store.h"
#include "db/db.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------------------------------------------------------------- single values */

static void test_codes(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		bool ok;
	} cases[] = {
		{"centre", true},
		{"la-riera", true},
		{"a", true},
		{"0", true},
		{"oac-2", true},
		{"", false},
		{"-a", false},
		{"a-", false},
		{"a--b", false},
		{"A", false},
		{"la riera", false},
		{"la_riera", false},
		{"riera.1", false},
		{"caf\xc3\xa8", false},
		{"a/b", false},
		{"..", false},
		{"0123456789012345678901234567890123456789012345678901234567890123", true},
		{"01234567890123456789012345678901234567890123456789012345678901234", false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (cat_code_valid(cases[i].s) != cases[i].ok)
			fail_msg("code '%s': expected %d", cases[i].s, cases[i].ok);
	assert_false(cat_code_valid(NULL));
}

static void test_colours(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		bool valid;
		double min, max; /* contrast of white text */
	} cases[] = {
		{"#000000", true, 20.9, 21.1}, {"#ffffff", true, 0.99, 1.01},
		{"#FFFFFF", true, 0.99, 1.01}, {"#a4135c", true, 7.3, 7.6},
		{"#1d4f91", true, 8.0, 8.3},   {"#a34700", true, 6.0, 6.2},
		{"#767676", true, 4.5, 4.6},   {"#777777", true, 4.4, 4.49},
		{"#ffff00", true, 1.0, 1.1},   {"a4135c", false, 0, 0},
		{"#a4135", false, 0, 0},       {"#a4135cc", false, 0, 0},
		{"#g4135c", false, 0, 0},      {"", false, 0, 0},
		{"red", false, 0, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (cat_colour_valid(cases[i].s) != cases[i].valid)
			fail_msg("colour '%s': expected %d", cases[i].s, cases[i].valid);
		double c = cat_contrast_white(cases[i].s);
		if (cases[i].valid && (c < cases[i].min || c > cases[i].max))
			fail_msg("contrast of '%s' is %.3f, expected %.2f..%.2f", cases[i].s, c, cases[i].min,
				 cases[i].max);
		if (!cases[i].valid && c != 0)
			fail_msg("contrast of invalid '%s' should be 0", cases[i].s);
	}
}

static void test_letters_urls_misc(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		bool ok;
	} letters[] = {{"A", true},  {"ZZ", true},  {"AB", true}, {"", false},  {"ABC", false},
		       {"a", false}, {"A1", false}, {"Ç", false}, {" A", false}};
	for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++)
		if (cat_letter_valid(letters[i].s) != letters[i].ok)
			fail_msg("letter '%s': expected %d", letters[i].s, letters[i].ok);

	static const struct {
		const char *s;
		bool ok;
	} urls[] = {
		{"https://seu.vilamar.cat/tramits/padro", true},
		{"https://seu.vilamar.cat", true},
		{"https://seu.vilamar.cat:8443/a?b=c&d=e#f", true},
		{"https://a.b/%C3%A0", true},
		{"http://seu.vilamar.cat/", false},
		{"https://", false},
		{"https://localhost/", false},
		{"https://user@seu.vilamar.cat/", false},
		{"https://seu..cat/", false},
		{"https://seu.vilamar.cat/a b", false},
		{"https://seu.vilamar.cat/\"><script>", false},
		{"javascript:alert(1)", false},
		{"https://seu.vilamar.cat:/x", false},
		{"https://seu.vilamar.cat:123456/", false},
		{"ftp://x.y/", false},
	};
	for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++)
		if (cat_url_valid(urls[i].s) != urls[i].ok)
			fail_msg("url '%s': expected %d", urls[i].s, urls[i].ok);

	static const struct {
		const char *s;
		bool ok;
	} tzs[] = {{"Europe/Madrid", true},
		   {"Atlantic/Canary", true},
		   {"UTC", true},
		   {"Europe/Vilamar", false},
		   {"", false},
		   {"../etc/passwd", false},
		   {"/etc/passwd", false},
		   {"Europe/../Europe/Madrid", false},
		   {"posix/Europe/Madrid", false},
		   {"zone.tab", false},
		   {"Europe", false},
		   {"Europe/Madrid ", false}};
	for (size_t i = 0; i < sizeof tzs / sizeof tzs[0]; i++)
		if (cat_tz_valid(tzs[i].s) != tzs[i].ok)
			fail_msg("tz '%s': expected %d", tzs[i].s, tzs[i].ok);

	assert_true(cat_phone_valid(""));
	assert_true(cat_phone_valid("010"));
	assert_true(cat_phone_valid("+34 938 000 120"));
	assert_true(cat_phone_valid("(93) 800-01.20"));
	assert_false(cat_phone_valid("10"));
	assert_false(cat_phone_valid("call me"));
	assert_false(cat_phone_valid("0123456789012345678901234567890"));
	assert_true(cat_postcode_valid("08990"));
	assert_true(cat_postcode_valid(""));
	assert_true(cat_postcode_valid("SW1A 1AA"));
	assert_false(cat_postcode_valid("08990-12345"));
	assert_false(cat_postcode_valid("08<990"));

	assert_true(cat_text_valid("Plaça de la Vila, 1", 200));
	assert_false(cat_text_valid("two\nlines", 200));
	assert_true(cat_long_text_valid("two\nlines\tok", 200));
	assert_false(cat_long_text_valid("bell\a", 200));
	assert_false(cat_text_valid("\xc2\x85 C1 control", 200));
	assert_false(cat_text_valid("bad \xff utf-8", 200));
	assert_true(cat_text_valid("àèòç", 4));
	assert_false(cat_text_valid("àèòçx", 4));
}

static void test_enum_lists(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		const char *out; /* NULL: refused */
	} ch[] = {
		{"in_person", "in_person"},
		{"phone,in_person", "in_person,phone"},
		{"deferred|kiosk|chat", "chat,kiosk,deferred"},
		{" video , video ,phone ", "phone,video"},
		{"", ""},
		{"fax", NULL},
		{"in_person,", "in_person"},
		{"IN_PERSON", NULL},
		{"in_person;phone", NULL},
	};
	char out[128];
	for (size_t i = 0; i < sizeof ch / sizeof ch[0]; i++) {
		bool ok = cat_enum_list(ch[i].in, cat_channels, 6, out, sizeof out);
		if (ok != (ch[i].out != NULL))
			fail_msg("channels '%s': expected %s", ch[i].in, ch[i].out ? "ok" : "refusal");
		if (ok)
			assert_string_equal(out, ch[i].out);
	}
	assert_true(cat_enum_list("dnie none", cat_id_methods, 5, out, sizeof out));
	assert_string_equal(out, "dnie,none");
	assert_true(cat_list_has("in_person,phone", "phone"));
	assert_false(cat_list_has("in_person,phone", "phon"));
	assert_false(cat_list_has("", "phone"));
	assert_true(catalog_channel_valid("deferred"));
	assert_false(catalog_channel_valid("ict_agent"));
	assert_false(catalog_channel_valid(NULL));
	assert_true(catalog_channels_has("in_person,video", "video"));
}

/* Procedures: one good, then one change per row, each with the field it must blame. */
static void test_procedure_checks(void **state)
{
	(void)state;
	const char *docs_ok[] = {"DNI", "Contracte de lloguer"};
	const char *docs_bar[] = {"DNI | NIE"};
	const char *offices_dup[] = {"centre", "centre"};
	cat_proc_t good = {.code = "padro-alta",
			   .category = "padro",
			   .name = {"Alta", "Alta", "Registering"},
			   .desc = {"", "", ""},
			   .docs = {{docs_ok, 2}, {NULL, 0}, {NULL, 0}},
			   .id_methods = "idcat_mobil,dnie",
			   .channels = "in_person",
			   .duration_min = 15,
			   .online_url = "https://seu.vilamar.cat/padro",
			   .active = true};
	fielderr_t e = {0};
	cat_proc_check(&good, &e);
	assert_int_equal(e.n, 0);
	static const struct {
		int which;
		const char *field, *reason;
	} cases[] = {
		{0, "code", "err_cat_code"},
		{1, "code", "err_cat_code_reserved"},
		{2, "name_en", "err_cat_required"},
		{3, "category", "err_cat_code"},
		{4, "documents_ca", "err_cat_documents"},
		{5, "id_methods", "err_cat_id_methods"},
		{6, "id_methods", "err_cat_id_methods"},
		{7, "channels", "err_cat_channels"},
		{8, "channels", "err_cat_channels"},
		{9, "duration_min", "err_cat_duration"},
		{10, "duration_min", "err_cat_duration"},
		{11, "online_url", "err_cat_url"},
		{12, "offices", "err_cat_duplicate"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cat_proc_t p = good;
		switch (cases[i].which) {
		case 0: p.code = "Padró"; break;
		case 1: p.code = "new"; break;
		case 2: p.name[2] = ""; break;
		case 3: p.category = "Padró"; break;
		case 4: p.docs[0] = (cat_list_t){docs_bar, 1}; break;
		case 5: p.id_methods = "none,dnie"; break;
		case 6: p.id_methods = ""; break;
		case 7: p.channels = ""; break;
		case 8: p.channels = "in_person,fax"; break;
		case 9: p.duration_min = 0; break;
		case 10: p.duration_min = 481; break;
		case 11: p.online_url = "http://seu.vilamar.cat"; break;
		case 12: p.offices = (cat_list_t){offices_dup, 2}; break;
		}
		fielderr_t pe = {0};
		cat_proc_check(&p, &pe);
		if (pe.n != 1 || strcmp(pe.e[0].field, cases[i].field) || strcmp(pe.e[0].key, cases[i].reason))
			fail_msg("case %d: got %zu errors, first %s/%s; expected %s/%s", cases[i].which, pe.n,
				 pe.n ? pe.e[0].field : "-", pe.n ? pe.e[0].key : "-", cases[i].field, cases[i].reason);
	}
}

static void test_zone_office_checks(void **state)
{
	(void)state;
	cat_zone_t z = {.code = "acollida",
			.kind = "welcome",
			.name = {"Acollida", "Acogida", "Welcome"},
			.colour = "#a4135c",
			.letter = "A"};
	fielderr_t e = {0};
	cat_zone_check(&z, &e);
	assert_int_equal(e.n, 0);
	z.colour = "#ffcc00";
	z.letter = "a";
	z.kind = "garden";
	cat_zone_check(&z, &e);
	assert_int_equal(e.n, 3);
	assert_true(fielderr_has(&e, "colour") && fielderr_has(&e, "letter") && fielderr_has(&e, "kind"));
	assert_string_equal(e.e[1].key, "err_cat_contrast");

	cat_office_t o = {.code = "centre",
			  .org = "vilamar",
			  .kind = "citizen_office",
			  .name = {"A", "B", "C"},
			  .address = "",
			  .postcode = "08990",
			  .city = "",
			  .phone = "010",
			  .access = {"", "", ""},
			  .tz = "Europe/Madrid",
			  .has_geo = true,
			  .lat = 41.2,
			  .lon = 1.9,
			  .active = true};
	fielderr_t oe = {0};
	cat_office_check(&o, &oe);
	assert_int_equal(oe.n, 0);
	o.lat = 91;
	o.lon = NAN;
	o.tz = "Mars/Olympus";
	o.kind = "palace";
	cat_office_check(&o, &oe);
	assert_int_equal(oe.n, 4);
	assert_true(fielderr_has(&oe, "lat") && fielderr_has(&oe, "lon") && fielderr_has(&oe, "tz") &&
		    fielderr_has(&oe, "kind"));
	assert_string_equal(cat_reason_en("err_cat_tz"), "is not a known time zone (e.g. Europe/Madrid)");
	assert_string_equal(cat_reason_en("no_such_key"), "no_such_key");
}

/* ---------------------------------------------------------------- CSV */

/* Expected records written as fields joined by '|' and records by '/'; NULL for an error at
 * (line, field). */
static void test_csv_table(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t len; /* 0: strlen */
		const char *want;
		size_t line, field;
	} cases[] = {
		{"a,b,c", 0, "a|b|c", 0, 0},
		{"a,b\r\nc,d\r\n", 0, "a|b/c|d", 0, 0},
		{"a,b\nc,d\n", 0, "a|b/c|d", 0, 0},
		{"a,b\rc,d", 0, "a|b/c|d", 0, 0},
		{"\"a,b\",c", 0, "a,b|c", 0, 0},
		{"\"say \"\"hi\"\"\",x", 0, "say \"hi\"|x", 0, 0},
		{"\"two\r\nlines\",x\r\ny,z", 0, "two\r\nlines|x/y|z", 0, 0},
		{"\"\"", 0, "", 0, 0},
		{"a,,c", 0, "a||c", 0, 0},
		{",", 0, "|", 0, 0},
		{"a,\n", 0, "a|", 0, 0},
		{"a,", 0, "a|", 0, 0},
		{"\n\na\n\n\nb\n", 0, "a/b", 0, 0},
		{"\xEF\xBB\xBFh1,h2\nv1,v2", 0, "h1|h2/v1|v2", 0, 0},
		{" a , b ", 0, " a | b ", 0, 0},
		{"Plaça,àèò", 0, "Plaça|àèò", 0, 0},
		{"", 0, "", 0, 0},
		/* errors */
		{"a,b\"c", 0, NULL, 1, 2},
		{"\"abc", 0, NULL, 1, 1},
		{"x\n\"ab\"c,d", 0, NULL, 2, 1},
		{"a,\"b\nc\nd", 0, NULL, 1, 2},
		{"x\ny,z,\"open\n\n", 0, NULL, 2, 3},
		{"ok\nbad \xff", 0, NULL, 2, 1},
		{"a,b\0c", 5, NULL, 1, 2},
		{"\"a\" ,b", 0, NULL, 1, 1},
	};
	csv_limits_t lim = {100, 10, 100, 0};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		arena_t *a = arena_new();
		csv_t out;
		csv_error_t err;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
		int rc = csv_parse(a, cases[i].in, len, &lim, &out, &err);
		if (!cases[i].want) {
			if (rc != ERR_INVALID)
				fail_msg("case %zu: expected ERR_INVALID, got %d", i, rc);
			if (err.line != cases[i].line || err.field != cases[i].field)
				fail_msg("case %zu: error at %zu:%zu, expected %zu:%zu (%s)", i, err.line, err.field,
					 cases[i].line, cases[i].field, err.reason);
			assert_non_null(err.reason);
			assert_int_equal(out.n, 0);
		} else {
			if (rc)
				fail_msg("case %zu: %d (%s)", i, rc, err.reason);
			buf_t b;
			buf_init(&b, 4096);
			for (size_t r = 0; r < out.n; r++) {
				if (r)
					buf_putc(&b, '/');
				for (size_t f = 0; f < out.rows[r].n; f++) {
					if (f)
						buf_putc(&b, '|');
					buf_puts(&b, out.rows[r].f[f]);
				}
			}
			if (strcmp(buf_str(&b), cases[i].want))
				fail_msg("case %zu: got '%s', expected '%s'", i, buf_str(&b), cases[i].want);
			buf_free(&b);
		}
		arena_free(a);
	}
}

static void test_csv_lines_and_caps(void **state)
{
	(void)state;
	arena_t *a = arena_new();
	csv_t out;
	csv_error_t err;
	csv_limits_t lim = {100, 10, 100, 0};
	const char *in = "h\n\"multi\nline\"\n\nlast";
	assert_int_equal(csv_parse(a, in, strlen(in), &lim, &out, &err), 0);
	assert_int_equal(out.n, 3);
	assert_int_equal(out.rows[0].line, 1);
	assert_int_equal(out.rows[1].line, 2);
	assert_int_equal(out.rows[2].line, 5);

	csv_limits_t small = {2, 3, 5, 0};
	assert_int_equal(csv_parse(a, "a\nb\nc", 5, &small, &out, &err), ERR_TOO_BIG);
	assert_int_equal(err.line, 3);
	assert_int_equal(csv_parse(a, "a,b,c,d", 7, &small, &out, &err), ERR_TOO_BIG);
	assert_int_equal(csv_parse(a, "abcdef", 6, &small, &out, &err), ERR_TOO_BIG);
	assert_int_equal(csv_parse(a, "\"abcdef\"", 8, &small, &out, &err), ERR_TOO_BIG);
	assert_int_equal(csv_parse(a, "abcde", 5, &small, &out, &err), 0);
	arena_free(a);
}

static void test_csv_writer_round_trip(void **state)
{
	(void)state;
	const char *fields[] = {"plain", "with, comma", "say \"hi\"", "two\nlines", " padded ", "", "àèò|x"};
	buf_t b;
	buf_init(&b, 4096);
	assert_int_equal(csv_put_row(&b, fields, 7), 0);
	assert_int_equal(csv_put_row(&b, fields, 2), 0);
	assert_string_equal(buf_str(&b),
			    "plain,\"with, comma\",\"say \"\"hi\"\"\",\"two\nlines\",\" padded \",,àèò|x\r\n"
			    "plain,\"with, comma\"\r\n");
	arena_t *a = arena_new();
	csv_t out;
	csv_error_t err;
	csv_limits_t lim = {10, 10, 100, 0};
	assert_int_equal(csv_parse(a, b.data, b.len, &lim, &out, &err), 0);
	assert_int_equal(out.n, 2);
	assert_int_equal(out.rows[0].n, 7);
	for (size_t i = 0; i < 7; i++)
		assert_string_equal(out.rows[0].f[i], fields[i]);
	/* A full buffer leaves what was there. */
	buf_t small;
	buf_init(&small, 8);
	assert_int_equal(csv_put_field(&small, "abc"), 0);
	assert_int_equal(csv_put_field(&small, "a,b,c,d"), ERR_TOO_BIG);
	assert_string_equal(buf_str(&small), "abc");
	buf_free(&small);
	buf_free(&b);
	arena_free(a);
}

/* ---------------------------------------------------------------- readers: error reports */

typedef struct {
	const char *where, *field, *reason;
} want_err_t;

static void expect_errs(const char *name, const cat_ierrs_t *e, const want_err_t *want, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool found = false;
		for (size_t k = 0; k < e->n && !found; k++)
			found = !strcmp(e->e[k].where, want[i].where) && !strcmp(e->e[k].field, want[i].field) &&
				(!want[i].reason || !strcmp(e->e[k].reason, want[i].reason));
		if (!found) {
			buf_t b;
			buf_init(&b, 1 << 16);
			cat_ierrs_format(e, "", &b);
			fail_msg("%s: no error %s / %s / %s among:\n%s", name, want[i].where, want[i].field,
				 want[i].reason ? want[i].reason : "*", buf_str(&b));
		}
	}
}

#define OFFICE_OK                                                                                                      \
	"{\"code\":\"centre\",\"organisation\":\"vilamar\",\"kind\":\"citizen_office\",\"name\":{\"ca\":\"OAC\","      \
	"\"es\":\"OAC\",\"en\":\"Office\"}"

static void test_json_errors(void **state)
{
	(void)state;
	static const struct {
		const char *doc;
		want_err_t errs[4];
	} cases[] = {
		{"{\"offices\":[" OFFICE_OK ",\"tz\":\"Mars/Base\"}]}", {{"offices[0]", "tz", "err_cat_tz"}}},
		{"{\"offices\":[" OFFICE_OK
		 ",\"zones\":[{\"code\":\"a\",\"kind\":\"welcome\",\"name\":{\"ca\":\"A\",\"es\":\"A\","
		 "\"en\":\"A\"},\"colour\":\"#ffffff\",\"letter\":\"A\"}]}]}",
		 {{"offices[0].zones[0]", "colour", "err_cat_contrast"}}},
		{"{\"offices\":[" OFFICE_OK
		 ",\"zones\":[{\"code\":\"a\",\"kind\":\"welcome\",\"name\":{\"ca\":\"A\",\"es\":\"A\","
		 "\"en\":\"A\"},\"colour\":\"#1d4f91\",\"letter\":\"A\",\"desks\":[{\"code\":\"t1\"},{\"code\":\"t1\","
		 "\"display_name\":\"T\"}]}]}]}",
		 {{"offices[0].zones[0].desks[0]", "display_name", "err_cat_required"},
		  {"offices[0].zones[0].desks[1]", "code", "err_cat_duplicate"}}},
		{"{\"offices\":[" OFFICE_OK
		 ",\"zones\":[{\"code\":\"a\",\"kind\":\"welcome\",\"name\":{\"ca\":\"A\",\"es\":\"A\","
		 "\"en\":\"A\"},\"colour\":\"#1d4f91\",\"letter\":\"A\"},{\"code\":\"b\",\"kind\":\"assisted\","
		 "\"name\":{\"ca\":"
		 "\"B\",\"es\":\"B\",\"en\":\"B\"},\"colour\":\"#1d4f91\",\"letter\":\"A\"}]}]}",
		 {{"offices[0].zones[1]", "letter", "err_cat_letter_taken"}}},
		{"{\"offices\":[" OFFICE_OK ",\"lat\":41.2}]}", {{"offices[0]", "lon", "err_cat_coords"}}},
		{"{\"offices\":[" OFFICE_OK ",\"lat\":\"41\",\"lon\":2}]}", {{"offices[0]", "lat", "err_cat_number"}}},
		{"{\"offices\":[" OFFICE_OK ",\"active\":\"yes\"}]}", {{"offices[0]", "active", "err_cat_bool"}}},
		{"{\"offices\":[" OFFICE_OK ",\"colour\":1}]}", {{"offices[0]", "colour", "err_cat_unknown_field"}}},
		{"{\"offices\":[{\"code\":\"x\",\"organisation\":\"v\",\"kind\":\"citizen_office\",\"name\":{\"ca\":"
		 "\"A\",\"es\":"
		 "\"B\"}}]}",
		 {{"offices[0]", "name.en", "err_cat_required"}}},
		{"{\"offices\":[{\"code\":\"x\",\"organisation\":\"v\",\"kind\":\"citizen_office\",\"name\":{\"ca\":"
		 "\"A\",\"es\":"
		 "\"B\",\"en\":\"C\",\"fr\":\"D\"}}]}",
		 {{"offices[0]", "name.fr", "err_cat_unknown_field"}}},
		{"{\"offices\":[" OFFICE_OK "}," OFFICE_OK "}]}", {{"offices[1]", "code", "err_cat_duplicate"}}},
		{"{\"procedures\":[{\"code\":\"p\",\"category\":\"c\",\"name\":{\"ca\":\"A\",\"es\":\"B\",\"en\":\"C\"}"
		 ","
		 "\"id_methods\":[\"dnie\"],\"channels\":[\"fax\"],\"duration_min\":10,\"documents\":{\"ca\":[\"a|b\"]}"
		 "}]}",
		 {{"procedures[0]", "channels", "err_cat_channels"},
		  {"procedures[0]", "documents.ca", "err_cat_documents"}}},
		{"{\"procedures\":[{\"code\":\"p\",\"category\":\"c\",\"name\":{\"ca\":\"A\",\"es\":\"B\",\"en\":\"C\"}"
		 ","
		 "\"id_methods\":[\"dnie\"],\"channels\":[\"phone\"],\"duration_min\":1.5,\"active\":\"yes\"}]}",
		 {{"procedures[0]", "duration_min", "err_cat_duration"}, {"procedures[0]", "active", "err_cat_bool"}}},
		{"{\"procedures\":[{\"code\":\"p\",\"category\":\"c\",\"name\":{\"ca\":\"A\",\"es\":\"B\",\"en\":\"C\"}"
		 ","
		 "\"id_methods\":[\"dnie\"],\"channels\":[\"phone\"],\"offices\":[\"centre\",\"\"]}]}",
		 {{"procedures[0]", "offices", "err_cat_required"},
		  {"procedures[0]", "duration_min", "err_cat_required"}}},
		{"{\"format\":\"other\",\"version\":2,\"offices\":{}}",
		 {{"document", "format", "err_cat_format"},
		  {"document", "version", "err_cat_format"},
		  {"document", "offices", "err_cat_type"}}},
		{"{\"organisations\":[7]}", {{"organisations[0]", "", "err_cat_type"}}},
		{"{\"offices\": [", {{"line 1, column 13", "", "err_cat_json"}}},
		{"[]", {{"", "", "err_cat_format"}}},
		{"{\"a\":1,\"a\":2}", {{"line 1, column 10", "", "err_cat_json"}}},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		arena_t *a = arena_new();
		cat_doc_t d;
		cat_ierrs_t *e = arena_alloc(a, sizeof *e);
		int rc = cat_read_json(a, cases[i].doc, strlen(cases[i].doc), &d, e);
		char name[32];
		snprintf(name, sizeof name, "json case %zu", i);
		if (rc != ERR_INVALID)
			fail_msg("%s: expected ERR_INVALID, got %d", name, rc);
		size_t n = 0;
		while (n < 4 && cases[i].errs[n].where)
			n++;
		expect_errs(name, e, cases[i].errs, n);
		arena_free(a);
	}
}

static void test_csv_reader_errors(void **state)
{
	(void)state;
	static const struct {
		const char *csv;
		want_err_t errs[3];
	} cases[] = {
		{"office,zone,kind,name_ca,name_es,name_en,colour,letter\n"
		 "centre,a,welcome,A,A,A,#1d4f91,A\n"
		 "centre,b,welcome,B,B,B,#1d4f91,A\n",
		 {{"line 3", "letter", "err_cat_letter_taken"}}},
		{"office,zone,kind,name_ca,name_es,name_en,colour,letter\n"
		 "centre,a,welcome,A,A,A,#1d4f91\n",
		 {{"line 2", "", "err_cat_columns"}}},
		{"office,zone,kind,name_ca,name_es,name_en,colour,letter,shoe\n",
		 {{"line 1", "shoe", "err_cat_column"}}},
		{"office,zone,kind,name_ca,name_es,name_en,colour\n", {{"line 1", "letter", "err_cat_column_missing"}}},
		{"name,city\nx,y\n", {{"line 1", "", "err_cat_header"}}},
		{"", {{"line 1", "", "err_cat_header"}}},
		{"procedure,category,name_ca,name_es,name_en,id_methods,channels,duration_min,active\n"
		 "p,c,A,B,C,dnie|none,in_person,10,maybe\n"
		 "p,c,A,B,C,dnie,in_person,abc,true\n",
		 {{"line 2", "id_methods", "err_cat_id_methods"},
		  {"line 2", "active", "err_cat_bool"},
		  {"line 3", "duration_min", "err_cat_duration"}}},
		{"procedure,category,name_ca,name_es,name_en,id_methods,channels,duration_min\n"
		 "p,c,A,B,C,dnie,in_person,10\n"
		 "p,c,A,B,C,dnie,in_person,10\n",
		 {{"line 3", "procedure", "err_cat_duplicate"}}},
		{"office,organisation,kind,name_ca,name_es,name_en,lat,lon\n"
		 "Centre,vilamar,citizen_office,A,B,C,41.2,\n",
		 {{"line 2", "office", "err_cat_code"}, {"line 2", "lon", "err_cat_coords"}}},
		{"office,zone,desk,display_name\n"
		 "centre,a,t1,\n"
		 "centre,,t2,T2\n",
		 {{"line 2", "display_name", "err_cat_required"}, {"line 3", "zone", "err_cat_required"}}},
		{"a,\"b\n", {{"line 1, field 2", "", "err_cat_csv"}}},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		arena_t *a = arena_new();
		cat_doc_t d;
		cat_kind_t kind;
		cat_ierrs_t *e = arena_alloc(a, sizeof *e);
		int rc = cat_read_csv(a, cases[i].csv, strlen(cases[i].csv), &kind, &d, e);
		char name[32];
		snprintf(name, sizeof name, "csv case %zu", i);
		if (rc != ERR_INVALID)
			fail_msg("%s: expected ERR_INVALID, got %d", name, rc);
		size_t n = 0;
		while (n < 3 && cases[i].errs[n].where)
			n++;
		expect_errs(name, e, cases[i].errs, n);
		arena_free(a);
	}
}

static void test_csv_reader_kinds(void **state)
{
	(void)state;
	static const struct {
		const char *header;
		cat_kind_t kind;
	} cases[] = {
		{"organisation,name_ca,name_es,name_en\n", CAT_K_ORGANISATIONS},
		{"name_en,office,organisation,kind,name_ca,name_es\n", CAT_K_OFFICES},
		{"office,zone,kind,name_ca,name_es,name_en,colour,letter\n", CAT_K_ZONES},
		{"office,zone,desk,display_name\n", CAT_K_DESKS},
		{"procedure,category,name_ca,name_es,name_en,id_methods,channels,duration_min\r\n", CAT_K_PROCEDURES},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		arena_t *a = arena_new();
		cat_doc_t d;
		cat_kind_t kind = CAT_K_JSON;
		cat_ierrs_t *e = arena_alloc(a, sizeof *e);
		if (cat_read_csv(a, cases[i].header, strlen(cases[i].header), &kind, &d, e))
			fail_msg("header %zu refused", i);
		assert_int_equal(kind, cases[i].kind);
		arena_free(a);
	}
	/* Rows of desks.csv group by office and zone. */
	arena_t *a = arena_new();
	const char *csv =
		"office,zone,desk,display_name,active\n"
		"centre,b,t1,Taula 1,true\ncentre,b,t2,Taula 2,0\nla-riera,b,t1,Taula 1,\ncentre,c,t9,Taula 9,yes\n";
	cat_doc_t d;
	cat_kind_t kind;
	cat_ierrs_t *e = arena_alloc(a, sizeof *e);
	assert_int_equal(cat_read_csv(a, csv, strlen(csv), &kind, &d, e), 0);
	assert_int_equal(d.noffices, 2);
	assert_true(d.offices[0].ref);
	assert_int_equal(d.offices[0].nzones, 2);
	assert_true(d.offices[0].zones[0].ref);
	assert_int_equal(d.offices[0].zones[0].ndesks, 2);
	assert_false(d.offices[0].zones[0].desks[1].active);
	assert_true(d.offices[1].zones[0].desks[0].active);
	arena_free(a);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	buf_t b;
	buf_init(&b, 64 << 20);
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	return buf_detach(&b, len);
}

/* The demo document reads without error, and writing it back gives the same JSON. */
static void test_demo_document(void **state)
{
	(void)state;
	size_t len;
	char *text = slurp("deploy/demo/catalogue.json", &len);
	assert_non_null(text);
	arena_t *a = arena_new();
	cat_doc_t d;
	cat_ierrs_t *e = arena_alloc(a, sizeof *e);
	int rc = cat_read_json(a, text, len, &d, e);
	if (rc) {
		buf_t b;
		buf_init(&b, 1 << 16);
		cat_ierrs_format(e, "demo", &b);
		fail_msg("%s", buf_str(&b));
	}
	assert_int_equal(d.norgs, 2);
	assert_true(d.noffices >= 6);
	assert_true(d.nprocs >= 20);
	json_t *j = cat_doc_to_json(&d);
	char *out = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	json_decref(j);
	json_error_t je;
	json_t *x = json_loadb(text, len, 0, &je), *y = json_loads(out, 0, &je);
	assert_true(json_equal(x, y));
	json_decref(x);
	json_decref(y);
	free(out);
	free(text);
	arena_free(a);
}

/* ---------------------------------------------------------------- the store */

typedef struct {
	const char *name;
	char url[512];
	char dir[64];
	db_t *db;
} backend_t;

static backend_t sqlite_backend = {.name = "sqlite"};
static backend_t pg_backend = {.name = "postgresql"};

static void copy_file(const char *from, const char *to)
{
	size_t len;
	char *s = slurp(from, &len);
	assert_non_null(s);
	FILE *f = fopen(to, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(s, 1, len, f), len);
	fclose(f);
	free(s);
}

static int store_setup(void **state)
{
	backend_t *b = *state;
	snprintf(b->dir, sizeof b->dir, "/tmp/fin-cat-XXXXXX");
	if (!mkdtemp(b->dir))
		return -1;
	char mig[128], path[160];
	snprintf(mig, sizeof mig, "%s/migrations", b->dir);
	if (mkdir(mig, 0700))
		return -1;
	snprintf(path, sizeof path, "%s/001_foundation.sql", mig);
	copy_file("migrations/auth/001_foundation.sql", path);
	snprintf(path, sizeof path, "%s/002_catalog.sql", mig);
	copy_file("migrations/catalog/002_catalog.sql", path);
	if (!b->url[0] || strcmp(b->name, "sqlite") == 0)
		snprintf(b->url, sizeof b->url, "sqlite:%s/test.db", b->dir);
	char err[512];
	b->db = db_open(b->url, 2, err, sizeof err);
	if (!b->db) {
		fprintf(stderr, "%s: %s\n", b->name, err);
		return -1;
	}
	if (db_reset(b->db, err, sizeof err) || db_migrate(b->db, mig, NULL, err, sizeof err) != 2) {
		fprintf(stderr, "%s: %s\n", b->name, err);
		return -1;
	}
	return 0;
}

static int store_teardown(void **state)
{
	backend_t *b = *state;
	db_close(b->db);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", b->dir);
	if (system(cmd) != 0)
		return -1;
	return 0;
}

static int import_text(db_conn_t *c, arena_t *a, const char *json, bool dry, cat_import_stats_t *st, cat_ierrs_t *e)
{
	cat_doc_t d;
	int rc = cat_read_json(a, json, strlen(json), &d, e);
	if (rc)
		return rc;
	return cat_import(c, a, &d, 1, dry, st, e);
}

static void test_store_import_export(void **state)
{
	backend_t *b = *state;
	db_conn_t *c = db_acquire(b->db);
	assert_non_null(c);
	arena_t *a = arena_new();

	assert_int_equal(catalog_demo_seed_root(c, "."), 0);
	cat_doc_t d1;
	assert_int_equal(cat_export(c, a, &d1), 0);
	assert_int_equal(d1.norgs, 2);
	/* A second seed leaves a catalogue that has offices alone. */
	assert_int_equal(catalog_demo_seed_root(c, "/nonexistent"), 0);

	/* The contract of catalog.h. */
	catalog_office_t o, o2;
	assert_int_equal(catalog_office_by_code(c, a, "centre", &o), 0);
	assert_string_equal(o.name_ca, "OAC Centre");
	assert_string_equal(o.kind, "citizen_office");
	assert_string_equal(o.tz, "Europe/Madrid");
	assert_true(o.active);
	assert_string_equal(catalog_office_name(&o, "es"), "OAC Centro");
	assert_string_equal(catalog_office_name(&o, "en"), "Centre Citizen Office");
	assert_string_equal(catalog_office_name(&o, "fr"), "OAC Centre");
	assert_int_equal(catalog_office_by_id(c, a, o.id, &o2), 0);
	assert_string_equal(o2.code, "centre");
	assert_int_equal(catalog_office_by_code(c, a, "nowhere", &o2), ERR_NOT_FOUND);
	assert_int_equal(catalog_office_by_code(c, a, "Bad Code", &o2), ERR_NOT_FOUND);
	assert_int_equal(catalog_office_by_id(c, a, 999999, &o2), ERR_NOT_FOUND);
	catalog_office_t *offices;
	size_t n;
	assert_int_equal(catalog_offices(c, a, &offices, &n), 0);
	assert_int_equal(n, d1.noffices);
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(offices[i - 1].code, offices[i].code) < 0);
	catalog_procedure_t p, *procs;
	assert_int_equal(catalog_procedure_by_code(c, a, "padro-alta", &p), 0);
	assert_int_equal(p.duration_min, 20);
	assert_true(catalog_channels_has(p.channels, "video"));
	assert_string_equal(catalog_procedure_name(&p, "en"), "Registering on the municipal register (padró)");
	assert_int_equal(catalog_procedures(c, a, &procs, &n), 0);
	assert_int_equal(n, d1.nprocs);
	assert_int_equal(catalog_procedure_offered(c, p.id, o.id), 0);
	catalog_office_t hisenda;
	assert_int_equal(catalog_office_by_code(c, a, "hisenda", &hisenda), 0);
	assert_int_equal(catalog_procedure_offered(c, p.id, hisenda.id), ERR_NOT_FOUND);
	assert_int_equal(catalog_procedures_at(c, a, hisenda.id, &procs, &n), 0);
	assert_true(n >= 4);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(catalog_procedure_offered(c, procs[i].id, hisenda.id), 0);
	catalog_procedure_t p2;
	assert_int_equal(catalog_procedure_by_id(c, a, p.id, &p2), 0);
	assert_string_equal(p2.code, "padro-alta");

	/* Import is idempotent: the export imported again changes nothing. */
	json_t *j = cat_doc_to_json(&d1);
	char *text = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(10));
	json_decref(j);
	cat_import_stats_t st;
	cat_ierrs_t *e = arena_alloc(a, sizeof *e);
	assert_int_equal(import_text(c, a, text, false, &st, e), 0);
	assert_int_equal(st.offices.created + st.offices.updated + st.zones.created + st.zones.updated +
				 st.desks.created + st.desks.updated + st.procs.created + st.procs.updated +
				 st.orgs.created + st.orgs.updated,
			 0);
	assert_int_equal(st.offices.unchanged, (int)d1.noffices);
	free(text);

	/* Letters passing between zones in one import (A↔B) and a renamed desk. */
	const char *swap =
		"{\"offices\":[{\"code\":\"centre\",\"organisation\":\"vilamar\",\"kind\":\"citizen_office\","
		"\"name\":{\"ca\":\"OAC Centre\",\"es\":\"OAC Centro\",\"en\":\"Centre Citizen Office\"},"
		"\"address\":\"Plaça de la Vila, "
		"1\",\"postcode\":\"08990\",\"city\":\"Vilamar\",\"lat\":41.2795,\"lon\":1.979,"
		"\"phone\":\"010\",\"zones\":["
		"{\"code\":\"acollida\",\"kind\":\"welcome\",\"name\":{\"ca\":\"Acollida\",\"es\":\"Acogida\",\"en\":"
		"\"Welcome\"},"
		"\"colour\":\"#a4135c\",\"letter\":\"B\"},"
		"{\"code\":\"assistida\",\"kind\":\"assisted\",\"name\":{\"ca\":\"Atenció "
		"assistida\",\"es\":\"Atención asistida\","
		"\"en\":\"Assisted service\"},\"colour\":\"#1d4f91\",\"letter\":\"A\",\"desks\":[{\"code\":\"taula-1\","
		"\"display_name\":\"Taula 1 (finestreta)\"}]}]}]}";
	e = arena_alloc(a, sizeof *e);
	assert_int_equal(import_text(c, a, swap, false, &st, e), 0);
	assert_int_equal(st.zones.updated, 2);
	assert_int_equal(st.desks.updated, 1);
	assert_int_equal(st.offices.updated, 1); /* accessibility notes were left out: now empty */
	cat_office_t full;
	assert_int_equal(cat_store_office_get(c, a, "centre", true, &full), 0);
	assert_int_equal(full.nzones, 4);
	assert_string_equal(full.zones[0].letter, "A");
	assert_string_equal(full.zones[0].code, "assistida");
	assert_string_equal(full.zones[0].desks[0].display_name, "Taula 1 (finestreta)");
	assert_int_equal(full.zones[0].ndesks, 4);

	/* Errors found while applying: nothing written, each named. */
	const char *bad =
		"{\"offices\":[{\"code\":\"nova\",\"organisation\":\"ningu\",\"kind\":\"citizen_office\","
		"\"name\":{\"ca\":\"N\",\"es\":\"N\",\"en\":\"N\"}}],"
		"\"procedures\":[{\"code\":\"nou\",\"category\":\"c\",\"name\":{\"ca\":\"A\",\"es\":\"B\",\"en\":\"C\"}"
		","
		"\"id_methods\":[\"none\"],\"channels\":[\"phone\"],\"duration_min\":5,\"offices\":[\"centre\","
		"\"enlloc\"]}],"
		"\"organisations\":[{\"code\":\"nou-org\",\"name\":{\"ca\":\"A\",\"es\":\"B\",\"en\":\"C\"}}]}";
	e = arena_alloc(a, sizeof *e);
	assert_int_equal(import_text(c, a, bad, false, &st, e), ERR_INVALID);
	want_err_t want[] = {{"offices[0]", "organisation", "err_cat_org_unknown"},
			     {"procedures[0]", "offices", "err_cat_office_unknown"}};
	expect_errs("apply", e, want, 2);
	cat_org_t org;
	assert_int_equal(cat_store_org_get(c, a, "nou-org", &org), ERR_NOT_FOUND);

	/* A dry run writes nothing even when valid. */
	const char *ok =
		"{\"organisations\":[{\"code\":\"nou-org\",\"name\":{\"ca\":\"A\",\"es\":\"B\",\"en\":\"C\"}}]}";
	e = arena_alloc(a, sizeof *e);
	assert_int_equal(import_text(c, a, ok, true, &st, e), 0);
	assert_int_equal(st.orgs.created, 1);
	assert_int_equal(cat_store_org_get(c, a, "nou-org", &org), ERR_NOT_FOUND);
	e = arena_alloc(a, sizeof *e);
	assert_int_equal(import_text(c, a, ok, false, &st, e), 0);
	assert_int_equal(cat_store_org_get(c, a, "nou-org", &org), 0);

	/* A letter held by a zone the document does not mention stays taken. */
	const char *clash =
		"{\"offices\":[{\"code\":\"centre\",\"organisation\":\"vilamar\",\"kind\":\"citizen_office\","
		"\"name\":{\"ca\":\"OAC Centre\",\"es\":\"OAC Centro\",\"en\":\"Centre Citizen Office\"},"
		"\"zones\":[{\"code\":\"nova\",\"kind\":\"welcome\",\"name\":{\"ca\":\"N\",\"es\":\"N\",\"en\":\"N\"},"
		"\"colour\":\"#1d4f91\",\"letter\":\"C\"}]}]}";
	e = arena_alloc(a, sizeof *e);
	assert_int_equal(import_text(c, a, clash, false, &st, e), ERR_INVALID);
	want_err_t want2[] = {{"offices[0].zones[0]", "letter", "err_cat_letter_taken"}};
	expect_errs("letter", e, want2, 1);

	db_release(c);
	arena_free(a);
}

int main(void)
{
	log_set_quiet(1);
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_colours),
		cmocka_unit_test(test_letters_urls_misc),
		cmocka_unit_test(test_enum_lists),
		cmocka_unit_test(test_procedure_checks),
		cmocka_unit_test(test_zone_office_checks),
		cmocka_unit_test(test_csv_table),
		cmocka_unit_test(test_csv_lines_and_caps),
		cmocka_unit_test(test_csv_writer_round_trip),
		cmocka_unit_test(test_json_errors),
		cmocka_unit_test(test_csv_reader_errors),
		cmocka_unit_test(test_csv_reader_kinds),
		cmocka_unit_test(test_demo_document),
	};
	int rc = cmocka_run_group_tests_name("catalog", pure, NULL, NULL);
	struct CMUnitTest store[] = {
		cmocka_unit_test_prestate_setup_teardown(test_store_import_export, store_setup, store_teardown,
							 &sqlite_backend),
	};
	rc |= cmocka_run_group_tests_name("catalog store (sqlite)", store, NULL, NULL);
	const char *pg = getenv("FINESTRETA_TEST_PG_URL");
	if (pg && *pg) {
		snprintf(pg_backend.url, sizeof pg_backend.url, "%s", pg);
		store[0].initial_state = &pg_backend;
		rc |= cmocka_run_group_tests_name("catalog store (postgresql)", store, NULL, NULL);
	}
	return rc;
}
