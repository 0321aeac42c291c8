/* source.c — the register behind one call (pd_lookup): the local table (padro.source = local)
 * or the city's own service over HTTP (padro.source = http, docs/padro-register.md), and the
 * small value checks both share with the import. */
#include "padro/internal.h"

#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/str.h"
#include "base/tz.h"
#include "booking/booking.h"
#include "notify/notify.h"

#include <string.h>

#define REPLY_MAX (256 * 1024)
#define MEMBERS_MAX 200

const char *pd_mobile_norm(arena_t *a, const char *s)
{
	if (!s || !*s)
		return "";
	char digits[32];
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

/* ---------------------------------------------------------------- the HTTP service */

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

int pd_http_lookup(const config_t *cfg, arena_t *a, const char *id_type, const char *id_number, pd_household_t *out)
{
	json_t *body = jpack("{s:s,s:s}", "id_type", id_type, "id_number", id_number);
	buf_t reply;
	buf_init(&reply, REPLY_MAX);
	long status = 0;
	char err[256] = "";
	int rc = notify_post_json(config_str(cfg, "padro.http_url"), config_str(cfg, "padro.http_token"),
				  (int)config_int(cfg, "padro.http_timeout"), body, &reply, &status, err, sizeof err);
	json_decref(body);
	if (rc) {
		log_warn("padro: the register service did not answer: %s", err);
		rc = ERR_UNAVAILABLE;
	} else if (status == 404) {
		rc = ERR_NOT_FOUND;
	} else if (status != 200 || reply.len >= reply.max ||
		   pd_http_parse(a, buf_str(&reply), reply.len, id_number, out)) {
		log_warn("padro: the register service answered %ld with %zu bytes that are not a household", status,
			 reply.len);
		rc = ERR_UNAVAILABLE;
	}
	buf_free(&reply);
	return rc;
}

int pd_lookup(const config_t *cfg, db_conn_t *c, arena_t *a, const char *id_type, const char *id_number,
	      pd_household_t *out)
{
	char norm[BOOKING_ID_MAX];
	if (!booking_id_valid(id_type, id_number, norm))
		return ERR_INVALID;
	if (str_eq(config_str(cfg, "padro.source"), "http"))
		return pd_http_lookup(cfg, a, id_type, norm, out);
	int rc = pd_store_lookup(c, a, norm, out);
	/* The type must match too: a passport number that happens to equal a DNI is not that DNI. */
	if (rc == 0 && !str_eq(out->people[out->self].id_type, id_type))
		rc = ERR_NOT_FOUND;
	return rc;
}
