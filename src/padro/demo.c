/* demo.c — the fictional register of Vilamar for `finestreta demo`: a few hundred residents in
 * households along the demo city's streets, made by a fixed pseudo-random sequence so that every
 * demo has the same people. The first household is the one the README names. */
#include "padro/internal.h"

#include "base/err.h"
#include "base/tz.h"

#include <stdint.h>
#include <stdio.h>

#define HOUSEHOLDS 120

static const char *const given[] = {"Martina", "Jordi", "Laia",   "Pau",    "Núria", "Marc",   "Aina",   "Pol",
				    "Carla",   "Arnau", "Júlia",  "Oriol",  "Lucía", "Hugo",   "Fatima", "Yusuf",
				    "Andrea",  "Àlex",  "Mireia", "Xavier", "Ana",   "Daniel", "Wei",    "Ioana"};
static const char *const surnames[] = {"Puig",  "Serra", "Vidal",   "Soler", "Ferrer", "Roca",    "Costa", "Font",
				       "Martí", "Pujol", "García",  "López", "Rius",   "Casals",  "Mas",   "Bosch",
				       "Camps", "Riera", "Navarro", "Ramos", "Benali", "Popescu", "Li",    "Pons"};
static const struct {
	const char *street, *postcode, *district;
} streets[] = {
	{"Carrer Major", "08990", "Centre"},          {"Plaça de la Vila", "08990", "Centre"},
	{"Carrer de la Riera", "08991", "La Riera"},  {"Carrer de l'Escola", "08991", "La Riera"},
	{"Passeig Marítim", "08992", "Mar Blava"},    {"Carrer de les Barques", "08992", "Mar Blava"},
	{"Plaça de Sant Pere", "08993", "Sant Pere"}, {"Carrer del Far", "08993", "Sant Pere"},
};

static uint32_t next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static char dni_letter(uint32_t n)
{
	return "TRWAGMYFPDXBNJZSQVHLCKE"[n % 23];
}

/* A date n days after base, as YYYY-MM-DD (arena). */
static const char *date_after(arena_t *a, const char *base, int n)
{
	char out[TZ_DATE_LEN];
	if (tz_date_add(base, n, out))
		return base;
	return arena_strdup(a, out);
}

static void person(arena_t *a, uint32_t *s, size_t k, pd_person_t *p, const char *family, const char *born_from)
{
	uint32_t number = 20000000u + (uint32_t)k * 7919u;
	p->id_type = "dni";
	p->id_number = arena_printf(a, "%08u%c", number, dni_letter(number));
	p->given_name = given[next(s) % (sizeof given / sizeof *given)];
	p->surnames = arena_printf(a, "%s %s", family, surnames[next(s) % (sizeof surnames / sizeof *surnames)]);
	p->birth_date = date_after(a, born_from, (int)(next(s) % 9000));
	p->registered_on = date_after(a, p->birth_date, (int)(next(s) % 3000));
	p->mobile = next(s) % 5 ? arena_printf(a, "+346%08u", 10000000u + (uint32_t)k) : "";
}

int pd_demo_seed(db_conn_t *c, FILE *out)
{
	arena_t *a = arena_new();
	uint32_t s = 2026;
	pd_household_t *h = arena_alloc(a, HOUSEHOLDS * sizeof *h);
	size_t people = 0;
	for (size_t i = 0; i < HOUSEHOLDS; i++) {
		size_t st = next(&s) % (sizeof streets / sizeof *streets);
		h[i] = (pd_household_t){.code = arena_printf(a, "VLM-%05zu", i + 1),
					.address = arena_printf(a, "%s, %u, %uº %uª", streets[st].street,
								1 + next(&s) % 90, 1 + next(&s) % 5, 1 + next(&s) % 4),
					.postcode = streets[st].postcode,
					.district = streets[st].district};
		h[i].n = 1 + next(&s) % 4;
		h[i].people = arena_alloc(a, h[i].n * sizeof *h[i].people);
		const char *family = surnames[next(&s) % (sizeof surnames / sizeof *surnames)];
		for (size_t k = 0; k < h[i].n; k++)
			person(a, &s, people + k, &h[i].people[k], family, k < 2 ? "1950-01-01" : "1995-01-01");
		people += h[i].n;
	}
	/* The resident the README names: DNI 12345678Z, mobile +34 600 000 001, a household of
	 * three at the town hall's square. */
	pd_household_t *x = &h[0];
	x->address = "Plaça de la Vila, 4, 2n 1a";
	x->postcode = "08990";
	x->district = "Centre";
	x->n = 3;
	x->people = arena_alloc(a, 3 * sizeof *x->people);
	x->people[0] =
		(pd_person_t){"dni", "12345678Z", "Martina", "Puig Serra", "1984-03-12", "2009-06-01", "+34600000001"};
	x->people[1] =
		(pd_person_t){"nie", "X1234567L", "Ioana", "Popescu", "1986-11-02", "2015-09-14", "+34600000002"};
	x->people[2] = (pd_person_t){"dni", "87654321X", "Pau", "Puig Popescu", "2016-05-20", "2016-06-03", ""};
	people = 0;
	for (size_t i = 0; i < HOUSEHOLDS; i++)
		people += h[i].n;
	int rc = db_begin(c);
	if (!rc)
		rc = pd_store_replace(c, h, HOUSEHOLDS);
	if (!rc)
		rc = db_commit(c);
	if (rc)
		db_rollback(c);
	else
		fprintf(out,
			"Padró: %zu fictional residents in %d households "
			"(try DNI 12345678Z, mobile +34 600 000 001)\n",
			people, HOUSEHOLDS);
	arena_free(a);
	return rc;
}
