/* frame.c — the parts of reading a kiosk camera frame that trust nothing (scan.h): the frame
 * itself and the link the QR code must be. No libraries but libsodium (base64). */
#include "kiosk/scan.h"

#include "base/err.h"
#include "booking/booking.h"

#include <sodium.h>
#include <string.h>

int ks_frame_parse(arena_t *a, int64_t width, int64_t height, const char *b64, size_t len, uint8_t **px)
{
	*px = NULL;
	if (width > KS_FRAME_MAX_SIDE || height > KS_FRAME_MAX_SIDE)
		return ERR_TOO_BIG;
	const size_t max_px = (size_t)KS_FRAME_MAX_SIDE * KS_FRAME_MAX_SIDE;
	if (len > (max_px + 2) / 3 * 4)
		return ERR_TOO_BIG;
	if (width < 1 || height < 1 || !b64)
		return ERR_INVALID;
	size_t want = (size_t)width * (size_t)height;
	if (len != (want + 2) / 3 * 4)
		return ERR_INVALID;
	uint8_t *out = arena_alloc(a, want + 2);
	size_t got = 0;
	const char *end = NULL;
	if (sodium_base642bin(out, want + 2, b64, len, NULL, &got, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != b64 + len || got != want)
		return ERR_INVALID;
	*px = out;
	return 0;
}

bool ks_is_manage_link(const char *text, size_t len, const char *base)
{
	static const char cita[] = "/cita/", tok[] = "?token=";
	const size_t code = BOOKING_CODE_LEN - 1, hex = BOOKING_TOKEN_LEN - 1;
	if (!text || !base || !*base)
		return false;
	size_t blen = strlen(base);
	if (len != blen + strlen(cita) + code + strlen(tok) + hex || memcmp(text, base, blen) != 0)
		return false;
	const char *p = text + blen;
	if (memcmp(p, cita, strlen(cita)) != 0)
		return false;
	p += strlen(cita);
	for (size_t i = 0; i < code; i++)
		if (!p[i] || !strchr(BOOKING_CODE_ALPHABET, p[i]))
			return false;
	p += code;
	if (memcmp(p, tok, strlen(tok)) != 0)
		return false;
	p += strlen(tok);
	for (size_t i = 0; i < hex; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}
