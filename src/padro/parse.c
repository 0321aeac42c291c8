/* parse.c — what the padró capability reads from outside, with no storage and no network, so
 * that tests/fuzz/fuzz_padro.c can feed it anything: the register's CSV (the import), the
 * register service's JSON answer, mobile numbers, dates and verification codes. */
#include "padro/internal.h"

#include "base/csv.h"
#include "base/err.h"
#include "base/str.h"
#include "base/tz.h"
#include "booking/booking.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MEMBERS_MAX 200
#define ROWS_MAX 2000000
#define FIELD_MAX 300
#define CROCKFORD "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#define VCODE_CHARS 20

/* ---------------------------------------------------------------- values */

const char *pd_mobile_norm(arena_t *a, const char *s)
{
	if (!s || !*s)
		return "";
	char digits[32] = {0};
	size_t n = 0;
	bool plus = false;
	for (const char *p = s; *p; p++) {
		if (*p == '+' && n == 0 && !plus)
			plus = true;
		else if (*p >= '0' && *p <= '9') {
			if (n + 1 >= sizeof digits)
				return NULL;
			digits[n++] = *p;
		} else if (!strchr(" -.()", *p))
			return NULL;
	}
	digits[n] = '\0';
	const char *d = digits;
	if (!plus && strncmp(d, "00", 2) == 0) {
		d += 2;
		plus = true;
	}
	if (!plus) {
		/* A national number: a Spanish mobile starts with 6 or 7 and has nine digits. */
		if (strlen(d) != 9 || (d[0] != '6' && d[0] != '7'))
			return NULL;
		return arena_printf(a, "+34%s", d);
	}
	size_t len = strlen(d);
	if (len < 8 || len > 15 || d[0] == '0')
		return NULL;
	if (strncmp(d, "34", 2) == 0 && (len != 11 || (d[2] != '6' && d[2] != '7')))
		return NULL;
	return arena_printf(a, "+%s", d);
}

const char *pd_date_show(arena_t *a, const char *iso)
{
	int32_t day;
	if (!iso || tz_date_parse(iso, &day))
		return iso ? iso : "";
	int y, m, d;
	tz_civil_from_days(day, &y, &m, &d);
	return arena_printf(a, "%02d/%02d/%04d", d, m, y);
}

/* ---------------------------------------------------------------- the register service's answer */

static const char *member_str(arena_t *a, const json_t *o, const char *key, bool *bad)
{
	const json_t *v = json_object_get(o, key);
	if (!json_is_string(v)) {
		*bad = true;
		return "";
	}
	return arena_strdup(a, json_string_value(v));
}

/* One member of the service's answer; false when a field is missing or wrong. */
static bool member_read(arena_t *a, const json_t *o, pd_person_t *p)
{
	bool bad = !json_is_object(o);
	if (bad)
		return false;
	const char *type = member_str(a, o, "id_type", &bad), *number = member_str(a, o, "id_number", &bad);
	char norm[BOOKING_ID_MAX];
	int32_t day;
	p->id_type = type;
	p->given_name = member_str(a, o, "given_name", &bad);
	p->surnames = member_str(a, o, "surnames", &bad);
	p->birth_date = member_str(a, o, "birth_date", &bad);
	p->registered_on = member_str(a, o, "registered_on", &bad);
	const json_t *m = json_object_get(o, "mobile");
	p->mobile = json_is_string(m) ? pd_mobile_norm(a, json_string_value(m)) : "";
	if (bad || !p->mobile || !booking_id_valid(type, number, norm) || !*p->given_name ||
	    tz_date_parse(p->birth_date, &day) || tz_date_parse(p->registered_on, &day))
		return false;
	p->id_number = arena_strdup(a, norm);
	return true;
}

int pd_http_parse(arena_t *a, const char *body, size_t len, const char *id_number, pd_household_t *out)
{
	json_error_t jerr;
	json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	int rc = ERR_INVALID;
	const json_t *h = json_object_get(j, "household"), *people = json_object_get(j, "people");
	if (!json_is_object(h) || !json_is_array(people) || json_array_size(people) == 0 ||
	    json_array_size(people) > MEMBERS_MAX)
		goto out;
	bool bad = false;
	pd_household_t x = {.code = member_str(a, h, "code", &bad),
			    .address = member_str(a, h, "address", &bad),
			    .postcode = member_str(a, h, "postcode", &bad),
			    .district = member_str(a, h, "district", &bad)};
	if (bad || !*x.address)
		goto out;
	x.n = json_array_size(people);
	x.people = arena_alloc(a, x.n * sizeof *x.people);
	bool self = false;
	for (size_t i = 0; i < x.n; i++) {
		if (!member_read(a, json_array_get(people, i), &x.people[i]))
			goto out;
		if (!self && str_eq(x.people[i].id_number, id_number)) {
			x.self = i;
			self = true;
		}
	}
	if (!self)
		goto out;
	*out = x;
	rc = 0;
out:
	json_decref(j);
	return rc;
}

/* ---------------------------------------------------------------- the import's CSV */

static const char *const columns[] = {"household",  "address",  "postcode",   "district",      "id_type", "id_number",
				      "given_name", "surnames", "birth_date", "registered_on", "mobile"};
enum {
	C_HOUSEHOLD,
	C_ADDRESS,
	C_POSTCODE,
	C_DISTRICT,
	C_TYPE,
	C_NUMBER,
	C_GIVEN,
	C_SURNAMES,
	C_BIRTH,
	C_SINCE,
	C_MOBILE,
	C_COUNT
};

typedef struct {
	pd_import_err_t *errs;
	size_t max, n;
} errs_t;

static void bad(errs_t *e, size_t row, const char *field, const char *reason)
{
	if (e->n < e->max)
		e->errs[e->n] = (pd_import_err_t){row, field, reason};
	e->n++;
}

/* One parsed row, with the line it came from. */
typedef struct {
	pd_person_t p;
	const char *household, *address, *postcode, *district;
	size_t line;
} row_t;

static int by_household(const void *a, const void *b)
{
	const row_t *x = *(row_t *const *)a, *y = *(row_t *const *)b;
	int c = strcmp(x->household, y->household);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

static int by_number(const void *a, const void *b)
{
	const row_t *x = *(row_t *const *)a, *y = *(row_t *const *)b;
	int c = strcmp(x->p.id_number, y->p.id_number);
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* The header must name the columns in the documented order. */
static bool header_ok(const csv_row_t *h, errs_t *e)
{
	if (h->n != C_COUNT) {
		bad(e, h->line, "", "the header must have the 11 documented columns");
		return false;
	}
	for (size_t i = 0; i < C_COUNT; i++)
		if (strcmp(h->f[i], columns[i]) != 0) {
			bad(e, h->line, columns[i], "the header must name this column here");
			return false;
		}
	return true;
}

static bool date_ok(const char *s, int32_t *day)
{
	return tz_date_parse(s, day) == 0;
}

/* Reads and checks one data row into r; errors go to e. */
static void row_read(arena_t *a, const csv_row_t *c, row_t *r, int32_t today, errs_t *e)
{
	size_t before = e->n;
	if (c->n != C_COUNT) {
		bad(e, c->line, "", "the row must have the 11 documented columns");
		return;
	}
	const char *const *f = c->f;
	for (size_t i = 0; i < C_COUNT; i++)
		if (strlen(f[i]) > FIELD_MAX)
			bad(e, c->line, columns[i], "longer than 300 bytes");
	static const int required[] = {C_HOUSEHOLD, C_ADDRESS, C_POSTCODE, C_GIVEN, C_SURNAMES};
	for (size_t i = 0; i < sizeof required / sizeof *required; i++)
		if (!*f[required[i]])
			bad(e, c->line, columns[required[i]], "required");
	char norm[BOOKING_ID_MAX];
	if (!str_eq(f[C_TYPE], "dni") && !str_eq(f[C_TYPE], "nie") && !str_eq(f[C_TYPE], "passport"))
		bad(e, c->line, "id_type", "must be dni, nie or passport");
	else if (!booking_id_valid(f[C_TYPE], f[C_NUMBER], norm))
		bad(e, c->line, "id_number", "not a valid number for its id_type (check letter, length)");
	int32_t born = 0, since = 0;
	if (!date_ok(f[C_BIRTH], &born) || born > today)
		bad(e, c->line, "birth_date", "must be a past date YYYY-MM-DD");
	if (!date_ok(f[C_SINCE], &since) || since > today)
		bad(e, c->line, "registered_on", "must be a date YYYY-MM-DD, not in the future");
	else if (since < born)
		bad(e, c->line, "registered_on", "before the birth date");
	const char *mobile = pd_mobile_norm(a, f[C_MOBILE]);
	if (!mobile)
		bad(e, c->line, "mobile", "not a mobile number (9 digits from 6 or 7, or +country number)");
	if (e->n > before)
		return;
	*r = (row_t){.p = {f[C_TYPE], arena_strdup(a, norm), f[C_GIVEN], f[C_SURNAMES], f[C_BIRTH], f[C_SINCE], mobile},
		     .household = f[C_HOUSEHOLD],
		     .address = f[C_ADDRESS],
		     .postcode = f[C_POSTCODE],
		     .district = f[C_DISTRICT],
		     .line = c->line};
}

/* Groups rows (sorted by household) into households; members must agree on the address. */
static pd_household_t *group(arena_t *a, row_t **rows, size_t n, size_t *nh, errs_t *e)
{
	pd_household_t *h = NULL;
	size_t cap = 0;
	*nh = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && strcmp(rows[j]->household, rows[i]->household) == 0)
			j++;
		pd_household_t *x = ARENA_PUSH(a, h, *nh, cap);
		*x = (pd_household_t){.code = rows[i]->household,
				      .address = rows[i]->address,
				      .postcode = rows[i]->postcode,
				      .district = rows[i]->district};
		x->n = j - i;
		x->people = arena_alloc(a, x->n * sizeof *x->people);
		for (size_t k = i; k < j; k++) {
			if (!str_eq(rows[k]->address, x->address) || !str_eq(rows[k]->postcode, x->postcode) ||
			    !str_eq(rows[k]->district, x->district))
				bad(e, rows[k]->line, "address",
				    "differs from the household's first row (address, postcode and district)");
			x->people[k - i] = rows[k]->p;
		}
		i = j;
	}
	return h;
}

int pd_import_parse(arena_t *a, const char *data, size_t len, pd_household_t **out, size_t *n, pd_import_err_t *errs,
		    size_t max, size_t *nerr)
{
	errs_t e = {errs, max, 0};
	csv_t csv;
	csv_error_t cerr;
	csv_limits_t lim = {ROWS_MAX + 1, C_COUNT + 1, FIELD_MAX * 4, CSV_TRIM | CSV_COMMENTS};
	if (csv_parse(a, data, len, &lim, &csv, &cerr)) {
		bad(&e, cerr.line, "", arena_printf(a, "field %zu: %s", cerr.field, cerr.reason));
		*nerr = e.n;
		return ERR_INVALID;
	}
	if (csv.n == 0 || !header_ok(&csv.rows[0], &e)) {
		if (csv.n == 0)
			bad(&e, 0, "", "the file is empty");
		*nerr = e.n;
		return ERR_INVALID;
	}
	size_t nr = csv.n - 1;
	row_t *rows = arena_alloc(a, (nr ? nr : 1) * sizeof *rows);
	row_t **ord = arena_alloc(a, (nr ? nr : 1) * sizeof *ord);
	int32_t today = (int32_t)(time(NULL) / 86400) + 1; /* a day of slack for time zones */
	for (size_t i = 0; i < nr; i++) {
		row_read(a, &csv.rows[i + 1], &rows[i], today, &e);
		ord[i] = &rows[i];
	}
	if (e.n == 0) {
		qsort(ord, nr, sizeof *ord, by_number);
		for (size_t i = 1; i < nr; i++)
			if (strcmp(ord[i]->p.id_number, ord[i - 1]->p.id_number) == 0)
				bad(&e, ord[i]->line, "id_number",
				    arena_printf(a, "the same number as line %zu", ord[i - 1]->line));
	}
	size_t nh = 0;
	pd_household_t *h = NULL;
	if (e.n == 0) {
		qsort(ord, nr, sizeof *ord, by_household);
		h = group(a, ord, nr, &nh, &e);
	}
	*nerr = e.n;
	if (e.n)
		return ERR_INVALID;
	*out = h;
	*n = nh;
	return 0;
}

/* ---------------------------------------------------------------- verification codes */

void pd_vcode_new(char out[PD_VCODE_LEN])
{
	for (int i = 0; i < VCODE_CHARS; i++)
		out[i] = CROCKFORD[randombytes_uniform(32)];
	out[VCODE_CHARS] = '\0';
}

bool pd_vcode_norm(const char *in, char out[PD_VCODE_LEN])
{
	size_t n = 0;
	for (const char *p = in ? in : ""; *p; p++) {
		char ch = *p;
		if (ch == '-' || ch == ' ')
			continue;
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		if (ch == 'O')
			ch = '0';
		else if (ch == 'I' || ch == 'L')
			ch = '1';
		if (!strchr(CROCKFORD, ch) || ch == '\0' || n >= VCODE_CHARS)
			return false;
		out[n++] = ch;
	}
	out[n] = '\0';
	return n == VCODE_CHARS;
}

const char *pd_vcode_group(arena_t *a, const char *code)
{
	size_t n = strlen(code);
	char *out = arena_alloc(a, n + n / 4 + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && i % 4 == 0)
			out[k++] = '-';
		out[k++] = code[i];
	}
	out[k] = '\0';
	return out;
}
