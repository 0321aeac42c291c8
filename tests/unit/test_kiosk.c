/* test_kiosk.c — the kiosk camera's frames (kiosk/scan.h): the frame's strict size and base64
 * checks, the one link a QR code may hold, and a real QR code (libqrencode) drawn into a grey
 * frame and read back with libzbar. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/arena.h"
#include "base/err.h"
#include "kiosk/scan.h"

#include <qrencode.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const char BASE[] = "https://cita.vilamar.example";
static const char LINK[] = "https://cita.vilamar.example/cita/NY7CJQ6N?token="
			   "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static char *b64(arena_t *a, const uint8_t *px, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *s = arena_alloc(a, cap);
	sodium_bin2base64(s, cap, px, n, sodium_base64_VARIANT_ORIGINAL);
	return s;
}

static void test_frame(void **state)
{
	(void)state;
	arena_t *a = arena_new();
	uint8_t px[12] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255};
	char *s = b64(a, px, sizeof px);
	uint8_t *out = NULL;
	assert_int_equal(ks_frame_parse(a, 4, 3, s, strlen(s), &out), 0);
	assert_non_null(out);
	assert_memory_equal(out, px, sizeof px);
	static const struct {
		const char *what;
		int64_t w, h;
		int want;
	} sizes[] = {
		{"the sides do not match the bytes", 3, 3, ERR_INVALID},
		{"more pixels than bytes", 4, 4, ERR_INVALID},
		{"no width", 0, 3, ERR_INVALID},
		{"a negative height", 4, -3, ERR_INVALID},
		{"wider than the cap", KS_FRAME_MAX_SIDE + 1, 1, ERR_TOO_BIG},
		{"taller than the cap", 1, KS_FRAME_MAX_SIDE + 1, ERR_TOO_BIG},
		{"sides that overflow", INT64_MAX, INT64_MAX, ERR_TOO_BIG},
	};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		print_message("size: %s\n", sizes[i].what);
		assert_int_equal(ks_frame_parse(a, sizes[i].w, sizes[i].h, s, strlen(s), &out), sizes[i].want);
		assert_null(out);
	}
	/* Not base64, URL-safe base64, and text past the largest frame. */
	assert_int_equal(ks_frame_parse(a, 4, 3, "!!!!!!!!!!!!!!!!", 16, &out), ERR_INVALID);
	uint8_t hi[3] = {0xfb, 0xff, 0xfe};
	char *std = b64(a, hi, 3);
	char *url = arena_strndup(a, std, strlen(std));
	for (char *p = url; *p; p++)
		*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	assert_int_equal(ks_frame_parse(a, 3, 1, std, strlen(std), &out), 0);
	assert_int_equal(ks_frame_parse(a, 3, 1, url, strlen(url), &out), ERR_INVALID);
	size_t huge = (size_t)KS_FRAME_MAX_SIDE * KS_FRAME_MAX_SIDE / 3 * 4 + 8;
	char *big = arena_alloc(a, huge + 1);
	memset(big, 'A', huge);
	big[huge] = '\0';
	assert_int_equal(ks_frame_parse(a, 4, 3, big, huge, &out), ERR_TOO_BIG);
	arena_free(a);
}

static void test_link(void **state)
{
	(void)state;
	assert_true(ks_is_manage_link(LINK, strlen(LINK), BASE));
	static const char *const no[] = {
		"https://evil.example/cita/NY7CJQ6N?token="
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"https://cita.vilamar.example.evil.example/cita/NY7CJQ6N?token="
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"https://cita.vilamar.example/cita/NY7CJQ6N",
		"https://cita.vilamar.example/cita/NY7CJQ6N?token=0123",
		"https://cita.vilamar.example/cita/ny7cjq6n?token="
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"https://cita.vilamar.example/cita/NY7CJQ6N?token="
		"0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
		"https://cita.vilamar.example/cita/NY7CJQ6N?token="
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef&x=1",
		"https://cita.vilamar.example/cua/NY7CJQ6N?token="
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"",
	};
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
		print_message("not a link: %s\n", no[i]);
		assert_false(ks_is_manage_link(no[i], strlen(no[i]), BASE));
	}
	/* A NUL inside the code is not a letter of it. */
	char nul[sizeof LINK];
	memcpy(nul, LINK, sizeof LINK);
	nul[strlen(BASE) + 6] = '\0';
	assert_false(ks_is_manage_link(nul, sizeof LINK - 1, BASE));
	assert_false(ks_is_manage_link(LINK, strlen(LINK), ""));
}

/* text as a QR code, `scale` pixels a module, centred on a white w × h frame. */
static uint8_t *draw_qr(const char *text, int w, int h, int scale)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	assert_non_null(q);
	uint8_t *px = malloc((size_t)w * (size_t)h);
	assert_non_null(px);
	memset(px, 255, (size_t)w * (size_t)h);
	int side = q->width * scale, x0 = (w - side) / 2, y0 = (h - side) / 2;
	assert_true(x0 >= 4 * scale && y0 >= 4 * scale);
	for (int y = 0; y < side; y++)
		for (int x = 0; x < side; x++)
			if (q->data[(y / scale) * q->width + x / scale] & 1)
				px[(size_t)(y0 + y) * (size_t)w + (size_t)(x0 + x)] = 0;
	QRcode_free(q);
	return px;
}

static void test_qr(void **state)
{
	(void)state;
	arena_t *a = arena_new();
	uint8_t *px = draw_qr(LINK, 400, 300, 4);
	const char *text = NULL;
	size_t len = 0;
	assert_int_equal(ks_qr_read(a, px, 400, 300, &text, &len), 0);
	assert_int_equal(len, strlen(LINK));
	assert_string_equal(text, LINK);
	assert_true(ks_is_manage_link(text, len, BASE));
	/* The same frame through the wire's base64. */
	uint8_t *back = NULL;
	char *s = b64(a, px, 400 * 300);
	assert_int_equal(ks_frame_parse(a, 400, 300, s, strlen(s), &back), 0);
	assert_int_equal(ks_qr_read(a, back, 400, 300, &text, &len), 0);
	assert_string_equal(text, LINK);
	/* A blank frame and noise hold no code. */
	memset(px, 255, 400 * 300);
	assert_int_equal(ks_qr_read(a, px, 400, 300, &text, &len), ERR_NOT_FOUND);
	assert_null(text);
	randombytes_buf(px, 400 * 300);
	assert_int_equal(ks_qr_read(a, px, 400, 300, &text, &len), ERR_NOT_FOUND);
	free(px);
	arena_free(a);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_link),
		cmocka_unit_test(test_qr),
	};
	return cmocka_run_group_tests_name("kiosk", tests, NULL, NULL);
}
