/* contact.h — phone numbers and e-mail addresses as people type them, checked and brought to one
 * form: the form to store and send to, and (for e-mail) the form that says who the person is.
 *
 * Two spellings of one phone or one mailbox must give the same result, or a limit per person is
 * dodged by writing "+34 612 34 56 78" once and "0034612345678" the next time, or
 * "ana+1@example.org" and "ana+2@example.org".
 *
 * Phones become E.164: "+" and 8 to 15 digits, country code first.
 *   - Spaces, dashes, dots, slashes and brackets are dropped; any other character is refused.
 *   - A leading "+" or "00" is the international prefix: the digits after it are taken as they
 *     are ("0034 612 345 678" → "+34612345678").
 *   - Without one, the number is national: exactly `national_digits` digits get the default
 *     country code in front ("612 345 678" → "+34612345678"), and the country code followed by
 *     exactly that many digits is taken as already international ("34612345678"). Any other
 *     length without a prefix is refused: it cannot be told apart from a typing mistake.
 *
 * E-mail addresses: one "@", a local part of 1..64 bytes, a dotted domain, printable ASCII
 * without spaces, quotes or the specials <>()[]\,;: — at most 254 bytes, lower-cased (mail
 * providers treat addresses without regard to case). The identity of an address, for counting
 * per person, also drops the sub-address ("ana+tag@…" → "ana@…") and, for the providers that
 * ignore them (gmail.com, googlemail.com), the dots of the local part; googlemail.com becomes
 * gmail.com. The identity is never an address to send to: mail goes to the address given.
 *
 * Ownership: results are allocated in the arena given (NULL when the input is refused); inputs
 * are borrowed and may be NULL (refused). Nothing else is allocated and nothing is kept. */
#ifndef FIN_CONTACT_H
#define FIN_CONTACT_H

#include "base/arena.h"

#define CONTACT_EMAIL_MAX 254
/* The default country of phone numbers written without a prefix, for the capabilities without a
 * setting of their own: Spain, 9 national digits. */
#define CONTACT_COUNTRY_CODE "34"
#define CONTACT_NATIONAL_DIGITS 9

/* The phone number in E.164, or NULL. country_code: the default's digits without "+" ("34");
 * national_digits: the length of a national number in that country (9 for Spain). */
const char *contact_phone_normalise(arena_t *a, const char *in, const char *country_code, int national_digits);

/* The phone number in E.164 with the default country (CONTACT_COUNTRY_CODE,
 * CONTACT_NATIONAL_DIGITS), or NULL: the matching key of the citizen record and of the
 * capabilities without a country setting of their own. */
const char *contact_phone_default(arena_t *a, const char *in);

/* The address lower-cased, surrounding spaces trimmed, or NULL when it is not one. */
const char *contact_email_normalise(arena_t *a, const char *in);
/* The identity of an address (see above), from any spelling contact_email_normalise accepts, or
 * NULL when it accepts none. */
const char *contact_email_identity(arena_t *a, const char *in);

#endif
