/* test_requests.c — the pure rules of deferred requests and the chat: the SLA setting
 * (requests.sla_hours) as a table of specs → hours, and the parts of a chat message (links only
 * from staff). Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "chat/internal.h"
#include "requests/requests.h"

#include <string.h>

static void test_sla(void **state)
{
	(void)state;
	static const struct {
		const char *spec, *topic, *category;
		int hours; /* 0: not valid */
	} cases[] = {
		{"48", "info", NULL, 48},
		{"48, digital=24", "digital", NULL, 24},
		{"48, digital=24", "info", "padro", 48},
		{"48, digital=24, padro=12", "procedure", "padro", 12},
		{"48, padro=12, procedure=6", "procedure", "padro", 12}, /* the category wins */
		{" 72 ,info = 8 ", "info", NULL, 8},
		{"digital=24", "digital", NULL, 0}, /* no default */
		{"48, =3", "info", NULL, 0},
		{"48, Info=3", "info", NULL, 0},
		{"0", "info", NULL, 0},
		{"8761", "info", NULL, 0},
		{"48,,", "info", NULL, 0},
		{"", "info", NULL, 0},
		{"48; digital=24", "info", NULL, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		int h = -1;
		requests_sla(cases[i].spec, cases[i].topic, cases[i].category, &h);
		if (h != cases[i].hours)
			print_error("case %zu: '%s' gave %d\n", i, cases[i].spec, h);
		assert_int_equal(h, cases[i].hours);
		assert_int_equal(requests_sla_valid(cases[i].spec), cases[i].hours != 0);
	}
}

static const char *part(json_t *parts, size_t i, const char *key)
{
	return json_string_value(json_object_get(json_array_get(parts, i), key));
}

static void test_parts(void **state)
{
	(void)state;
	json_t *p = ch_parts("Mireu https://seu.example/tramit. I http://a.example", true);
	assert_int_equal(json_array_size(p), 4);
	assert_string_equal(part(p, 0, "text"), "Mireu ");
	assert_string_equal(part(p, 1, "href"), "https://seu.example/tramit");
	assert_string_equal(part(p, 2, "text"), ". I ");
	assert_string_equal(part(p, 3, "href"), "http://a.example");
	json_decref(p);
	/* A citizen's message is one text part, whatever it holds. */
	p = ch_parts("https://phish.example", false);
	assert_int_equal(json_array_size(p), 1);
	assert_null(part(p, 0, "href"));
	json_decref(p);
	/* Not links: a scheme inside a word, javascript:, a bare "https://". */
	p = ch_parts("xhttps://a.example javascript:alert(1) https://", true);
	assert_int_equal(json_array_size(p), 1);
	json_decref(p);
	p = ch_parts("", true);
	assert_int_equal(json_array_size(p), 1);
	assert_string_equal(part(p, 0, "text"), "");
	json_decref(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sla),
		cmocka_unit_test(test_parts),
	};
	return cmocka_run_group_tests_name("requests and chat rules", tests, NULL, NULL);
}
