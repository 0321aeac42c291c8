/* scan.c — the QR code in a kiosk camera frame, read with libzbar (scan.h). */
#include "kiosk/scan.h"

#include "base/err.h"

#include <stdlib.h>
#include <zbar.h>

int ks_qr_read(arena_t *a, const uint8_t *px, int width, int height, const char **text, size_t *len)
{
	*text = NULL;
	*len = 0;
	zbar_image_scanner_t *sc = zbar_image_scanner_create();
	zbar_image_t *img = zbar_image_create();
	if (!sc || !img)
		abort();
	/* QR codes only: a confirmation carries nothing else worth reading. */
	zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, (unsigned)width, (unsigned)height);
	zbar_image_set_data(img, px, (unsigned long)width * (unsigned long)height, NULL);
	int rc = ERR_NOT_FOUND;
	if (zbar_scan_image(sc, img) > 0) {
		for (const zbar_symbol_t *s = zbar_image_first_symbol(img); s; s = zbar_symbol_next(s)) {
			if (zbar_symbol_get_type(s) != ZBAR_QRCODE)
				continue;
			const char *d = zbar_symbol_get_data(s);
			unsigned n = zbar_symbol_get_data_length(s);
			*text = arena_strndup(a, d ? d : "", n);
			*len = n;
			rc = 0;
			break;
		}
	}
	zbar_image_destroy(img);
	zbar_image_scanner_destroy(sc);
	return rc;
}
