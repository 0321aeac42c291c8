// fuzz-sources: src/notify/mime.c
/* The mail writer and the small parsers of src/notify/ on arbitrary bytes. The input is split on
 * NUL bytes into a subject, a display name, a recipient and a text part. Whatever they hold, the
 * message's header must stay a list of "Name: value" lines and folded continuations (no value
 * may start a header of its own, e.g. "Bcc:"), every line must end in CRLF, and a refused
 * message leaves the buffer empty. Past the header too, every line is a part header the writer
 * knows, a folded continuation, a boundary or base64: an attachment's name or type (taken from the
 * input as well) cannot add a line of its own. tz_iso_parse and nt_mime_addr_split must not crash and must
 * answer the same twice. */
#include "base/buf.h"
#include "base/err.h"
#include "base/tz.h"
#include "notify/internal.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *known[] = {"From: ",           "To: ",
			      "Subject: ",        "Date: ",
			      "Message-ID: ",     "MIME-Version: ",
			      "Auto-Submitted: ", "Content-Language: ",
			      "Content-Type: ",   "Content-Transfer-Encoding: "};

static void check_header(const char *s, size_t len)
{
	const char *end = strstr(s, "\r\n\r\n");
	if (!end)
		abort();
	for (const char *p = s; p < end + 2;) {
		const char *e = strstr(p, "\r\n");
		if (!e)
			abort();
		if (*p != ' ') {
			size_t k;
			for (k = 0; k < sizeof known / sizeof known[0]; k++)
				if (strncmp(p, known[k], strlen(known[k])) == 0)
					break;
			if (k == sizeof known / sizeof known[0])
				abort();
		}
		for (const char *q = p; q < e; q++)
			if (*q == '\r' || *q == '\n')
				abort();
		p = e + 2;
	}
	/* Bare LF anywhere in the message is a bug: SMTP wants CRLF. */
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			abort();
}

/* Every line of the body: empty, a boundary, a continuation, base64, or a part header. */
static void check_body(const char *s)
{
	static const char *part[] = {"Content-Type: ", "Content-Transfer-Encoding: ", "Content-Disposition: "};
	const char *p = strstr(s, "\r\n\r\n") + 4;
	while (*p) {
		const char *e = strstr(p, "\r\n");
		if (!e)
			abort();
		bool ok = e == p || *p == ' ' || strncmp(p, "--=_", 4) == 0;
		for (size_t k = 0; !ok && k < sizeof part / sizeof part[0]; k++)
			ok = strncmp(p, part[k], strlen(part[k])) == 0;
		if (!ok) {
			ok = true;
			for (const char *q = p; q < e && ok; q++)
				ok = (*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') ||
				     *q == '+' || *q == '/' || *q == '=';
		}
		if (!ok)
			abort();
		p = e + 2;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	if (!init) {
		if (sodium_init() < 0)
			abort();
		init = 1;
	}
	char *copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	const char *f[4] = {"", "", "anna@example.cat", ""};
	size_t nf = 0;
	for (char *p = copy; nf < 4 && p <= copy + size; nf++) {
		f[nf] = p;
		p += strlen(p) + 1;
	}

	nt_mime_msg_t m = {
		.from_addr = "cita@vilamar.example",
		.from_name = f[1],
		.to_addr = f[2],
		.to_name = f[1],
		.subject = f[0],
		.lang = "ca",
		.text = f[3],
		.html = f[3],
		.ics = f[0],
		.ics_method = "REQUEST",
		.ics_filename = f[1],
		.att = f[3],
		.att_len = strlen(f[3]),
		.att_name = f[1],
		.att_type = f[0],
		.message_id = "outbox-1.1@example.cat",
		.date = 0,
		.boundary_seed = f[0],
	};
	buf_t b;
	buf_init(&b, 1 << 20);
	int rc = nt_mime_write(&m, &b);
	if (rc == 0) {
		check_header(buf_str(&b), b.len);
		check_body(buf_str(&b));
	} else if ((rc != ERR_INVALID && rc != ERR_TOO_BIG) || b.len != 0)
		abort();
	if (rc == ERR_INVALID && nt_mime_addr_ok(f[2]))
		abort();
	buf_free(&b);

	int64_t t1 = 0, t2 = 0;
	int r1 = tz_iso_parse(f[0], TZ_ISO_LENIENT, &t1), r2 = tz_iso_parse(f[0], TZ_ISO_LENIENT, &t2);
	if (r1 != r2 || t1 != t2 || (r1 != 0 && r1 != ERR_INVALID))
		abort();
	char addr[64], name[64];
	bool s1 = nt_mime_addr_split(f[0], addr, sizeof addr, name, sizeof name);
	if (s1 && (strlen(addr) >= sizeof addr || strlen(name) >= sizeof name))
		abort();
	free(copy);
	return 0;
}
