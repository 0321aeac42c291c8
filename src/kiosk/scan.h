/* scan.h — the kiosk camera's frames (src/kiosk/scan.c, libzbar): a frame the kiosk page took
 * with getUserMedia, downscaled and turned to 8-bit grey (Y800: one byte per pixel, row after
 * row), travels as {"width","height","y800": base64}; the server reads the QR code in it and
 * keeps the text only when it is the manage link of one of this server's appointments
 * (PUBLIC_URL/cita/CODE?token=HEX), which the kiosk then checks in. */
#ifndef FIN_KIOSK_SCAN_H
#define FIN_KIOSK_SCAN_H

#include "base/arena.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest frame, in pixels each way (the page downscales to this). */
#define KS_FRAME_MAX_SIDE 640

/* Reads a frame: width and height (1 … KS_FRAME_MAX_SIDE) and the base64 (standard alphabet,
 * padded) of exactly width × height bytes. 0 and *px (arena) on success; ERR_TOO_BIG for a side
 * over the cap or more text than the largest frame takes; ERR_INVALID for anything else. */
int ks_frame_parse(arena_t *a, int64_t width, int64_t height, const char *b64, size_t len, uint8_t **px);

/* Whether text (len bytes) is exactly base + "/cita/" + an appointment code + "?token=" + 64
 * lower-case hex digits: the manage link of an appointment of this server. */
bool ks_is_manage_link(const char *text, size_t len, const char *base);

/* The first QR code in a Y800 frame: 0 and *text (arena, NUL-terminated, *len bytes);
 * ERR_NOT_FOUND when none is seen. */
int ks_qr_read(arena_t *a, const uint8_t *px, int width, int height, const char **text, size_t *len);

#endif
