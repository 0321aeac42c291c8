// fuzz-sources: src/kiosk/frame.c src/kiosk/scan.c
/* What a kiosk's camera sends (POST /kiosk/scan): a frame's width, height and base64 text
 * (ks_frame_parse), the QR code libzbar reads in the pixels it gives (ks_qr_read), and whether
 * that text is an appointment's manage link (ks_is_manage_link). Input: width and height as two
 * bytes each, then the base64 text. A frame taken has exactly width × height bytes; a link is
 * never accepted for another server. */
#include "base/arena.h"
#include "base/err.h"
#include "kiosk/scan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char BASE[] = "https://cita.vilamar.example";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4)
		return 0;
	int64_t w = (int64_t)(data[0] | data[1] << 8) - 8, h = (int64_t)(data[2] | data[3] << 8) - 8;
	data += 4, size -= 4;
	arena_t *a = arena_new();
	char *s = arena_strndup(a, (const char *)data, size);
	uint8_t *px = NULL;
	int rc = ks_frame_parse(a, w, h, s, size, &px);
	if (rc != 0 && rc != ERR_INVALID && rc != ERR_TOO_BIG)
		abort();
	if ((rc == 0) != (px != NULL))
		abort();
	if (rc == 0) {
		if (w < 1 || h < 1 || w > KS_FRAME_MAX_SIDE || h > KS_FRAME_MAX_SIDE)
			abort();
		const char *text = NULL;
		size_t len = 0;
		if (ks_qr_read(a, px, (int)w, (int)h, &text, &len) == 0 &&
		    ks_is_manage_link(text, len, BASE) && strncmp(text, BASE, strlen(BASE)) != 0)
			abort();
	}
	/* The same bytes as a scanned text. */
	if (ks_is_manage_link(s, size, BASE) && (size < strlen(BASE) || memcmp(s, BASE, strlen(BASE)) != 0))
		abort();
	if (ks_is_manage_link(s, size, "https://other.example"))
		if (ks_is_manage_link(s, size, BASE))
			abort();
	arena_free(a);
	return 0;
}
