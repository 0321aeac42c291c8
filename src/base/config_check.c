/* config_check.c — checks of single setting values: the listen address, URLs, the language
 * list and fallback, network lists, booleans and text; and quoting a value in a message so that a
 * hostile one can neither forge log lines nor garble them. */
#include "base/config.h"
#include "base/config_internal.h"

#include "base/err.h"
#include "base/netaddr.h"
#include "base/str.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

bool cfg_check_networks(const char *v)
{
	return netaddr_list_valid(v);
}

/* "ca,es,en,ar": codes of two or three lower-case letters, each once (src/view/i18n.c reads it). */
bool cfg_check_languages(const char *v)
{
	const char *seen[16];
	size_t lens[16], n = 0;
	for (const char *p = v;;) {
		size_t k = 0;
		while (p[k] >= 'a' && p[k] <= 'z')
			k++;
		if (k < 2 || k > 3 || n == 16)
			return false;
		for (size_t i = 0; i < n; i++)
			if (lens[i] == k && memcmp(seen[i], p, k) == 0)
				return false;
		seen[n] = p;
		lens[n++] = k;
		p += k;
		if (!*p)
			return true;
		if (*p++ != ',')
			return false;
	}
}

bool cfg_check_fallback(const char *v)
{
	return strcmp(v, "ca") == 0 || strcmp(v, "es") == 0 || strcmp(v, "en") == 0;
}
/* A value as it can be quoted in a message: control bytes (and every non-ASCII byte when the
 * value is not UTF-8) shown as '?', cut after about 64 bytes on a character boundary, so a
 * hostile value can neither forge log lines nor garble them. */
void cfg_quote(const char *v, char *out, size_t n)
{
	bool utf8 = str_valid_utf8(v, strlen(v));
	size_t o = 0;
	for (size_t i = 0; v[i] && o + 4 < n; i++) {
		unsigned char ch = (unsigned char)v[i];
		if (i >= 64 && (ch & 0xC0) != 0x80) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		out[o++] = (ch < 0x20 || ch == 0x7f || (!utf8 && ch >= 0x80)) ? '?' : (char)ch;
	}
	out[o] = '\0';
}

bool cfg_text_ok(const char *v)
{
	size_t n = strlen(v);
	if (n > CFG_MAX_STR || !str_valid_utf8(v, n))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return false;
	return true;
}

bool config_check_nonempty(const char *v)
{
	return *v != '\0';
}

int config_split_listen(const char *s, char *host, size_t hostlen, int *port)
{
	const char *h, *colon;
	size_t hn;
	int family;
	if (!s)
		return ERR_INVALID;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return ERR_INVALID;
		h = s + 1;
		hn = (size_t)(close - h);
		colon = close + 1;
		family = AF_INET6;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return ERR_INVALID;
		h = s;
		hn = (size_t)(colon - s);
		family = AF_INET;
	}
	char tmp[INET6_ADDRSTRLEN + 1];
	unsigned char addr[sizeof(struct in6_addr)];
	int64_t p;
	if (hn == 0 || hn >= sizeof tmp || hn >= hostlen)
		return ERR_INVALID;
	memcpy(tmp, h, hn);
	tmp[hn] = '\0';
	if (inet_pton(family, tmp, addr) != 1)
		return ERR_INVALID;
	if (str_to_i64(colon + 1, 1, 65535, &p) || !isdigit((unsigned char)colon[1]))
		return ERR_INVALID;
	memcpy(host, tmp, hn + 1);
	*port = (int)p;
	return 0;
}

bool cfg_check_listen(const char *v)
{
	char host[INET6_ADDRSTRLEN + 1];
	int port;
	return config_split_listen(v, host, sizeof host, &port) == 0;
}

static bool has_space(const char *v)
{
	for (; *v; v++)
		if (*v == ' ' || *v == '\t')
			return true;
	return false;
}

bool config_check_http_url(const char *v)
{
	const char *rest;
	if (str_starts(v, "http://"))
		rest = v + 7;
	else if (str_starts(v, "https://"))
		rest = v + 8;
	else
		return false;
	return *rest && *rest != '/' && !has_space(v);
}

bool cfg_check_db_url(const char *v)
{
	if (str_starts(v, "sqlite:"))
		return v[7] != '\0';
	return str_starts(v, "postgresql://") || str_starts(v, "postgres://");
}

bool config_check_http_url_opt(const char *v)
{
	return !*v || config_check_http_url(v);
}

int cfg_parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"true", "on", "yes", "1"};
	static const char *const no[] = {"false", "off", "no", "0"};
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return ERR_INVALID;
}
