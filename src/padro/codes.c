/* codes.c — identification by a one-time SMS code, and the verification codes of certificates.
 *
 * No enumeration: asking for a code records a row and answers the same whether or not the ID is
 * in the register; the SMS only goes out when it is (and has a mobile). Rows count towards the
 * limits per ID and per client either way, so the limits do not tell either. A code is six
 * digits, lives padro.code_ttl seconds and allows padro.code_tries tries; only the newest code of
 * an ID counts. Codes and IDs are stored as hashes. */
#include "padro/internal.h"

#include "base/err.h"
#include "base/json.h"
#include "base/log.h"
#include "base/str.h"
#include "booking/booking.h"
#include "notify/notify.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

const char *pd_hash(arena_t *a, const char *s)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
	char *out = arena_alloc(a, 2 * sizeof h + 1);
	str_hex(h, sizeof h, out);
	return out;
}

const char *pd_id_key(arena_t *a, const char *id_type, const char *id_number)
{
	return pd_hash(a, arena_printf(a, "padro-id:%s:%s", id_type, id_number));
}

/* "SALT$HASH" of a code. */
static const char *code_hash(arena_t *a, const char *salt, const char *code)
{
	return arena_printf(a, "%s$%s", salt, pd_hash(a, arena_printf(a, "%s:%s", salt, code)));
}

static bool id_ok(const char *type, const char *number, char norm[BOOKING_ID_MAX], const char **bad_field)
{
	if (!str_eq(type, "dni") && !str_eq(type, "nie") && !str_eq(type, "passport")) {
		*bad_field = "id_type";
		return false;
	}
	if (!booking_id_valid(type, number, norm)) {
		*bad_field = "id_number";
		return false;
	}
	return true;
}

/* The SMS: sent through notify's outbox, so it is retried like any other message. */
static int send_code(pd_ctx_t *x, const pd_person_t *p, const char *code, int64_t row, const char *lang)
{
	if (!*p->mobile) {
		log_info("padro: a code was asked for a resident without a mobile number");
		return 0;
	}
	/* The SMS text (pd_sms_code) names it {code}, as notify's SMS texts do. */
	json_t *m = jpack("{s:s}", "code", code);
	notify_msg_t msg = {.kind = "padro_code",
			    .lang = lang,
			    .to_phone = p->mobile,
			    .model = m,
			    .dedupe_key = arena_printf(x->a, "padro_code:%lld", (long long)row)};
	int rc = notify_enqueue(x->c, &msg);
	json_decref(m);
	return rc;
}

int pd_code_request(pd_ctx_t *x, const char *id_type, const char *id_number, const char *client, int client_limit,
		    const char *lang, const char **bad_field)
{
	char norm[BOOKING_ID_MAX];
	if (!id_ok(id_type, id_number, norm, bad_field))
		return ERR_INVALID;
	pd_household_t h;
	int rc = pd_lookup(x->cfg, x->c, x->a, id_type, norm, &h);
	if (rc && rc != ERR_NOT_FOUND)
		return rc;
	const pd_person_t *p = rc == 0 ? &h.people[h.self] : NULL;
	const char *key = pd_id_key(x->a, id_type, norm);
	char code[8], salt[17];
	snprintf(code, sizeof code, "%06u", (unsigned)randombytes_uniform(1000000));
	unsigned char raw[8];
	randombytes_buf(raw, sizeof raw);
	str_hex(raw, sizeof raw, salt);
	int64_t by_id = 0, by_client = 0, row = 0;
	rc = db_begin(x->c);
	if (!rc)
		rc = pd_store_code_counts(x->c, key, client, x->now - config_int(x->cfg, "padro.window"), &by_id,
					  &by_client);
	if (!rc &&
	    (by_id >= config_int(x->cfg, "padro.codes_per_id") || (client_limit > 0 && by_client >= client_limit)))
		rc = ERR_BUSY;
	if (!rc)
		rc = pd_store_code_add(x->c, key, client, code_hash(x->a, salt, code), x->now,
				       x->now + config_int(x->cfg, "padro.code_ttl"), &row);
	if (!rc && p)
		rc = send_code(x, p, code, row, lang);
	if (!rc)
		rc = db_commit(x->c);
	if (rc)
		db_rollback(x->c);
	sodium_memzero(code, sizeof code);
	return rc;
}

int pd_code_check(pd_ctx_t *x, const char *id_key, const char *code)
{
	pd_code_row_t row;
	int rc = pd_store_code_latest(x->c, x->a, id_key, &row);
	if (rc)
		return rc == ERR_NOT_FOUND ? ERR_INVALID : rc;
	if (row.used_at || row.expires_at <= x->now || row.tries >= config_int(x->cfg, "padro.code_tries"))
		return ERR_INVALID;
	const char *dollar = strchr(row.code_hash, '$');
	bool ok = false;
	if (dollar && code && strlen(code) == 6 && strspn(code, "0123456789") == 6) {
		const char *salt = arena_strndup(x->a, row.code_hash, (size_t)(dollar - row.code_hash));
		const char *want = code_hash(x->a, salt, code);
		ok = strlen(want) == strlen(row.code_hash) && sodium_memcmp(want, row.code_hash, strlen(want)) == 0;
	}
	rc = pd_store_code_try(x->c, row.id, ok, x->now);
	if (rc < 0)
		return rc;
	return ok && rc == 1 ? 0 : ERR_INVALID;
}
