/* volant.c — issuing a certificate: prepared outside any transaction (the register asked, the
 * PDF drawn, its SHA-256 taken), then committed with the code check and the audit record in one
 * transaction the web layer runs (see internal.h). */
#include "padro/internal.h"

#include "base/err.h"
#include "base/str.h"
#include "booking/booking.h"
#include "people/people.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* "M. R. S. · ***4567Z": initials and the end of the ID, enough to match a paper copy. */
static const char *mask_holder(arena_t *a, const pd_person_t *p)
{
	buf_t b;
	buf_init(&b, 256);
	const char *parts[] = {p->given_name, p->surnames};
	for (size_t i = 0; i < 2; i++) {
		bool start = true;
		for (const char *s = parts[i]; *s; s++) {
			if (*s == ' ' || *s == '-') {
				start = true;
				continue;
			}
			if (start) {
				/* The whole first UTF-8 character of the word. */
				size_t n = 1;
				while (((unsigned char)s[n] & 0xC0) == 0x80)
					n++;
				(void)buf_append(&b, s, n); /* 256 bytes hold any initials we keep */
				(void)buf_puts(&b, ". ");
				start = false;
			}
		}
	}
	(void)buf_printf(&b, "· %s", booking_id_mask(a, p->id_number));
	const char *out = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return out;
}

int pd_volant_prepare(pd_ctx_t *x, const pd_issue_t *in, pd_prepared_t *p, const char **bad_field)
{
	memset(p, 0, sizeof *p);
	char norm[BOOKING_ID_MAX];
	if (!str_eq(in->id_type, "dni") && !str_eq(in->id_type, "nie") && !str_eq(in->id_type, "passport")) {
		*bad_field = "id_type";
		return ERR_INVALID;
	}
	if (!booking_id_valid(in->id_type, in->id_number, norm)) {
		*bad_field = "id_number";
		return ERR_INVALID;
	}
	if (!str_eq(in->kind, "individual") && !str_eq(in->kind, "collective")) {
		*bad_field = "kind";
		return ERR_INVALID;
	}
	if (!str_eq(in->lang, "ca") && !str_eq(in->lang, "es") && !str_eq(in->lang, "en")) {
		*bad_field = "lang";
		return ERR_INVALID;
	}
	if (!in->staff && (!in->code || strlen(in->code) != 6 || strspn(in->code, "0123456789") != 6)) {
		*bad_field = "code";
		return ERR_INVALID;
	}
	p->id_key = pd_id_key(x->a, in->id_type, norm);
	int rc = pd_lookup(x->cfg, x->c, x->a, in->id_type, norm, &p->h);
	if (rc == ERR_NOT_FOUND)
		return 0;
	if (rc)
		return rc;
	p->found = true;
	p->issued_at = x->now;
	pd_vcode_new(p->vcode);
	const char *url = arena_printf(x->a, "%s/verify/%s", config_str(x->cfg, "server.public_url"), p->vcode);
	rc = pd_document(in, &p->h, p->vcode, url, p->issued_at, false, &p->pdf, &p->pdf_len);
	if (rc)
		return rc;
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, p->pdf, p->pdf_len);
	str_hex(h, sizeof h, p->sha256);
	p->holder = mask_holder(x->a, &p->h.people[p->h.self]);
	p->holders = str_eq(in->kind, "collective") ? p->h.n : 1;
	return 0;
}

int pd_volant_commit(pd_ctx_t *x, const pd_issue_t *in, pd_prepared_t *p, pd_outcome_t *outcome)
{
	if (!in->staff) {
		int rc = pd_code_check(x, p->id_key, in->code);
		if (rc == ERR_INVALID) {
			*outcome = PD_WRONG_CODE;
			return 0;
		}
		if (rc)
			return rc;
	}
	if (!p->found) {
		*outcome = PD_NOT_REGISTERED;
		return 0;
	}
	pd_volant_t v = {.code = p->vcode,
			 .kind = in->kind,
			 .lang = in->lang,
			 .holder = p->holder,
			 .holders = (int64_t)p->holders,
			 .sha256 = p->sha256,
			 .channel = in->channel,
			 .confirmed_by = in->confirmed_by,
			 .issued_at = p->issued_at,
			 .pdf = p->pdf,
			 .pdf_len = p->pdf_len};
	/* The holder's citizen record, as the register names them. */
	const pd_person_t *self = &p->h.people[p->h.self];
	people_input_t who = {arena_printf(x->a, "%s %s", self->given_name, self->surnames), self->id_number, NULL,
			      self->mobile, in->lang};
	int rc = people_link(x->c, x->a, &who, x->now, &v.person_id);
	if (!rc)
		rc = pd_store_volant_add(x->c, &v);
	if (!rc)
		*outcome = PD_ISSUED;
	return rc;
}

void pd_prepared_free(pd_prepared_t *p)
{
	free(p->pdf);
	p->pdf = NULL;
}
