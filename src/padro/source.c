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
