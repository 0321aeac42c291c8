// fuzz-sources:
/* What people type and what clients send, through the checks every limit relies on: phones and
 * e-mail addresses (base/contact.h), names and free texts (base/text.h), client addresses and
 * network lists (base/netaddr.h) and the log's escaping (base/log.h). Normalising twice changes
 * nothing; a phone is E.164; an identity is an address; an escaped line holds no control byte. */
#include "base/arena.h"
#include "base/contact.h"
#include "base/log.h"
#include "base/netaddr.h"
#include "base/str.h"
#include "base/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void phone(arena_t *a, const char *s)
{
	const char *p = contact_phone_normalise(a, s, "34", 9);
	if (!p)
		return;
	size_t n = strlen(p);
	if (p[0] != '+' || n < 9 || n > 16 || p[1] == '0')
		abort();
	for (size_t i = 1; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			abort();
	const char *again = contact_phone_normalise(a, p, "34", 9);
	if (!again || strcmp(again, p))
		abort();
}

static void email(arena_t *a, const char *s)
{
	const char *addr = contact_email_normalise(a, s), *id = contact_email_identity(a, s);
	if (!addr != !id)
		abort();
	if (!addr)
		return;
	const char *again = contact_email_normalise(a, addr);
	if (!again || strcmp(again, addr) || strlen(addr) > CONTACT_EMAIL_MAX || !strchr(addr, '@'))
		abort();
	const char *id2 = contact_email_identity(a, id);
	if (!id2 || strcmp(id2, id) || !contact_email_normalise(a, id))
		abort();
}

static void text_and_log(const char *s, size_t n)
{
	bool line = text_ok_n(s, n, TEXT_LINE), multi = text_ok_n(s, n, TEXT_MULTILINE);
	if ((line || multi) && !str_valid_utf8(s, n))
		abort();
	if (line && !multi)
		abort();
	if (line && (memchr(s, '\n', n) || memchr(s, '\x1b', n)))
		abort();
	char out[4096];
	log_escape(s, out, sizeof out);
	size_t m = strlen(out);
	for (size_t i = 0; i < m; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			abort();
	if (!str_valid_utf8(out, m))
		abort();
}

static void addresses(const char *s)
{
	char k[NETADDR_KEY_MAX];
	if (strlen(netaddr_key(s, k)) >= NETADDR_KEY_MAX)
		abort();
	if (!netaddr_list_valid(s) && netaddr_list_has(s, "127.0.0.1"))
		abort();
	if (netaddr_list_valid("127.0.0.0/8 ::1") && netaddr_list_has("127.0.0.0/8 ::1", s) &&
	    !netaddr_list_valid(s))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	arena_t *a = arena_new();
	phone(a, s);
	email(a, s);
	text_and_log(s, strlen(s));
	addresses(s);
	arena_free(a);
	free(s);
	return 0;
}
