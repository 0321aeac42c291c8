/* mime.c — one RFC 5322 message with MIME parts, written the same way for SMTP and for the
 * .eml folder, so what an operator reads in data/outbox is byte for byte what would be sent.
 * (curl_mime can only stream a message to a server, never into a file.) */
#include "notify/internal.h"

#include "base/err.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define LINE 76

/* A buffer with a sticky error: the first append that hits the cap is remembered, so the
 * writer checks once at the end. */
typedef struct {
	buf_t *b;
	int rc;
} w_t;

static void w_puts(w_t *w, const char *s)
{
	if (!w->rc)
		w->rc = buf_puts(w->b, s);
}

static void w_putc(w_t *w, char c)
{
	if (!w->rc)
		w->rc = buf_putc(w->b, c);
}

static void w_printf(w_t *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void w_printf(w_t *w, const char *fmt, ...)
{
	if (w->rc)
		return;
	va_list ap;
	va_start(ap, fmt);
	w->rc = buf_vprintf(w->b, fmt, ap);
	va_end(ap);
}

/* local@domain in printable ASCII without the characters that would need quoting. */
static bool addr_plain(const char *s)
{
	if (!s)
		return false;
	size_t n = strlen(s);
	if (n < 3 || n > 254)
		return false;
	const char *at = strchr(s, '@');
	if (!at || at == s || !at[1] || strchr(at + 1, '@') || at - s > 64)
		return false;
	for (const char *p = s; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch <= 0x20 || ch >= 0x7f || strchr("<>()[],;:\"\\", ch))
			return false;
	}
	return true;
}

bool nt_mime_addr_ok(const char *s)
{
	if (!addr_plain(s))
		return false;
	const char *dom = strchr(s, '@') + 1;
	const char *dot = strchr(dom, '.');
	return dot && dot != dom && dom[strlen(dom) - 1] != '.' && !strstr(dom, "..");
}

bool nt_mime_addr_split(const char *s, char *addr, size_t addrlen, char *name, size_t namelen)
{
	if (name && namelen)
		name[0] = '\0';
	if (!s)
		return false;
	const char *lt = strchr(s, '<');
	if (!lt) {
		size_t n = strlen(s);
		while (n && s[n - 1] == ' ')
			n--;
		while (n && *s == ' ')
			s++, n--;
		if (n >= addrlen)
			return false;
		memcpy(addr, s, n);
		addr[n] = '\0';
		return true;
	}
	const char *gt = strchr(lt, '>');
	if (!gt || (size_t)(gt - lt - 1) >= addrlen)
		return false;
	memcpy(addr, lt + 1, (size_t)(gt - lt - 1));
	addr[gt - lt - 1] = '\0';
	if (name && namelen) {
		const char *b = s, *e = lt;
		while (b < e && (*b == ' ' || *b == '"'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '"'))
			e--;
		size_t n = (size_t)(e - b) < namelen ? (size_t)(e - b) : namelen - 1;
		memcpy(name, b, n);
		name[n] = '\0';
	}
	return true;
}

static bool is_ascii_plain(const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch < 0x20 || ch >= 0x7f)
			return false;
	}
	return true;
}

/* A header value without line breaks: CR, LF and other controls become spaces, so a value can
 * never start a header of its own. */
static void put_clean(w_t *o, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		w_putc(o, ch < 0x20 || ch == 0x7f ? ' ' : (char)ch);
	}
}

/* RFC 2047 encoded words (UTF-8, base64), split on character boundaries so that each word stays
 * within 75 characters, joined by folding whitespace. */
static void put_encoded(w_t *o, const char *s)
{
	size_t n = strlen(s), i = 0;
	bool first = true;
	while (i < n) {
		/* 39 bytes of text make 52 base64 characters + 12 of framing: with a header name in
		 * front, every line stays within 78 characters. */
		size_t max = n - i < 39 ? n - i : 39, take = max;
		while (take < n - i && take > 0 && ((unsigned char)s[i + take] & 0xC0) == 0x80)
			take--;
		if (take == 0) /* not UTF-8: no boundary to respect */
			take = max;
		char chunk[40], b64[64];
		memcpy(chunk, s + i, take);
		for (size_t k = 0; k < take; k++)
			if ((unsigned char)chunk[k] < 0x20 || chunk[k] == 0x7f)
				chunk[k] = ' ';
		sodium_bin2base64(b64, sizeof b64, (const unsigned char *)chunk, take, sodium_base64_VARIANT_ORIGINAL);
		if (!first)
			w_puts(o, "\r\n ");
		w_printf(o, "=?UTF-8?B?%s?=", b64);
		first = false;
		i += take;
	}
}

static void put_header_text(w_t *o, const char *name, const char *value)
{
	w_printf(o, "%s: ", name);
	if (is_ascii_plain(value) && strlen(name) + 2 + strlen(value) <= 78)
		put_clean(o, value);
	else
		put_encoded(o, value);
	w_puts(o, "\r\n");
}

/* "Name <addr>" with the name quoted or encoded as it needs; the address goes on a folded line
 * of its own when the first would pass 78 characters. */
static void put_mailbox(w_t *o, const char *header, const char *addr, const char *name)
{
	w_printf(o, "%s: ", header);
	size_t used = strlen(header) + 2;
	if (name && *name) {
		if (is_ascii_plain(name) && !strpbrk(name, "\"\\") && used + strlen(name) + 3 <= 78) {
			w_putc(o, '"');
			put_clean(o, name);
			w_putc(o, '"');
			used += strlen(name) + 2;
		} else {
			put_encoded(o, name);
			used = 78; /* the address goes on the next line */
		}
		if (used + strlen(addr) + 3 > 78)
			w_printf(o, "\r\n <%s>\r\n", addr);
		else
			w_printf(o, " <%s>\r\n", addr);
	} else {
		w_printf(o, "%s\r\n", addr);
	}
}

static void put_base64(w_t *o, const char *data, size_t len)
{
	/* 57 input bytes per 76-character line. */
	for (size_t i = 0; i < len; i += 57) {
		size_t take = len - i < 57 ? len - i : 57;
		char line[LINE + 4];
		sodium_bin2base64(line, sizeof line, (const unsigned char *)data + i, take,
				  sodium_base64_VARIANT_ORIGINAL);
		w_puts(o, line);
		w_puts(o, "\r\n");
	}
}

/* A filename parameter: only characters that need no quoting rules beyond the quotes. */
static void put_safe_name(w_t *o, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		w_putc(o, (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
					  ch == '-' || ch == '_' || ch == '.'
				  ? (char)ch
				  : '_');
	}
}

/* A content type of the form type/subtype in token characters, else application/octet-stream:
 * a stored value can never add parameters or headers. */
static void put_safe_type(w_t *o, const char *s)
{
	bool ok = s && *s && strchr(s, '/') && strlen(s) < 128;
	for (const char *p = s; ok && *p; p++) {
		unsigned char ch = (unsigned char)*p;
		ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		     strchr("/.+-", ch);
	}
	w_puts(o, ok ? s : "application/octet-stream");
}

/* A text part in canonical form (RFC 2046: CRLF line ends, also inside base64). */
static void put_part(w_t *o, const char *ctype, const char *body)
{
	w_printf(o, "Content-Type: %s\r\nContent-Transfer-Encoding: base64\r\n\r\n", ctype);
	buf_t crlf;
	buf_init(&crlf, o->b->max);
	int rc = 0;
	for (const char *p = body; *p && !rc; p++) {
		if (*p == '\n' && (p == body || p[-1] != '\r'))
			rc = buf_putc(&crlf, '\r');
		if (!rc)
			rc = buf_putc(&crlf, *p);
	}
	if (rc && !o->rc)
		o->rc = rc;
	put_base64(o, crlf.data ? crlf.data : "", crlf.len);
	buf_free(&crlf);
}

int nt_mime_write(const nt_mime_msg_t *m, buf_t *out)
{
	w_t wr = {out, 0}, *o = &wr;
	/* The sender is the operator's setting and may be a local name (noreply@localhost); the
	 * recipient came from a citizen and must look deliverable. */
	if (!addr_plain(m->from_addr) || !nt_mime_addr_ok(m->to_addr))
		return ERR_INVALID;
	/* Boundaries: a hash of the seed, unique per message; every body is base64, whose lines
	 * never start with "--" nor hold '_', so a boundary cannot occur inside one. */
	unsigned char h[12];
	crypto_generichash(h, sizeof h, (const unsigned char *)(m->boundary_seed ? m->boundary_seed : ""),
			   m->boundary_seed ? strlen(m->boundary_seed) : 0, NULL, 0);
	char hex[25];
	for (size_t i = 0; i < sizeof h; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	char alt[48], mixed[48];
	snprintf(alt, sizeof alt, "=_alt_%s", hex);
	snprintf(mixed, sizeof mixed, "=_mix_%s", hex);

	char date[64];
	time_t t = (time_t)m->date;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);

	size_t start = out->len;
	put_mailbox(o, "From", m->from_addr, m->from_name);
	put_mailbox(o, "To", m->to_addr, m->to_name);
	put_header_text(o, "Subject", m->subject ? m->subject : "");
	w_printf(o, "Date: %s\r\n", date);
	w_puts(o, "Message-ID: <");
	put_clean(o, m->message_id ? m->message_id : "x@localhost");
	w_puts(o, ">\r\n");
	w_puts(o, "MIME-Version: 1.0\r\n");
	/* RFC 3834: no vacation replies to a machine. */
	w_puts(o, "Auto-Submitted: auto-generated\r\n");
	if (m->lang && *m->lang) {
		w_puts(o, "Content-Language: ");
		put_clean(o, m->lang);
		w_puts(o, "\r\n");
	}
	bool with_ics = m->ics && *m->ics;
	bool with_att = m->att && m->att_len;
	if (with_ics || with_att)
		w_printf(o, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n--%s\r\n", mixed, mixed);
	if (m->html && *m->html) {
		w_printf(o, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", alt);
		w_printf(o, "--%s\r\n", alt);
		put_part(o, "text/plain; charset=UTF-8", m->text ? m->text : "");
		w_printf(o, "--%s\r\n", alt);
		put_part(o, "text/html; charset=UTF-8", m->html);
		w_printf(o, "--%s--\r\n", alt);
	} else {
		put_part(o, "text/plain; charset=UTF-8", m->text ? m->text : "");
	}
	if (with_ics) {
		w_printf(o, "--%s\r\n", mixed);
		const char *method = m->ics_method && strcmp(m->ics_method, "CANCEL") == 0 ? "CANCEL" : "REQUEST";
		w_printf(o, "Content-Type: text/calendar; charset=UTF-8; method=%s;\r\n name=\"", method);
		put_safe_name(o, m->ics_filename ? m->ics_filename : "invite.ics");
		w_puts(o, "\"\r\nContent-Disposition: attachment; filename=\"");
		put_safe_name(o, m->ics_filename ? m->ics_filename : "invite.ics");
		w_puts(o, "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
		put_base64(o, m->ics, strlen(m->ics));
	}
	if (with_att) {
		const char *name = m->att_name && *m->att_name ? m->att_name : "attachment";
		w_printf(o, "--%s\r\nContent-Type: ", mixed);
		put_safe_type(o, m->att_type);
		w_puts(o, ";\r\n name=\"");
		put_safe_name(o, name);
		w_puts(o, "\"\r\nContent-Disposition: attachment; filename=\"");
		put_safe_name(o, name);
		w_puts(o, "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
		put_base64(o, m->att, m->att_len);
	}
	if (with_ics || with_att)
		w_printf(o, "--%s--\r\n", mixed);
	if (wr.rc) {
		out->len = start; /* no half message */
		if (out->data)
			out->data[start] = '\0';
		return wr.rc;
	}
	return 0;
}
