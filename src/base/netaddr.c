/* netaddr.c — see netaddr.h. */
#include "base/netaddr.h"

#include "base/str.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* An address as 16 bytes (IPv4 mapped into ::ffff:0:0/96) and whether it was IPv4. */
typedef struct {
	unsigned char b[16];
	bool v4;
} ip_t;

static bool ip_parse(const char *s, size_t n, ip_t *ip)
{
	char tmp[INET6_ADDRSTRLEN + 1];
	if (n == 0 || n >= sizeof tmp)
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	memset(ip, 0, sizeof *ip);
	struct in_addr a4;
	if (inet_pton(AF_INET, tmp, &a4) == 1) {
		ip->b[10] = ip->b[11] = 0xff;
		memcpy(ip->b + 12, &a4, 4);
		ip->v4 = true;
		return true;
	}
	if (inet_pton(AF_INET6, tmp, ip->b) != 1)
		return false;
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	ip->v4 = memcmp(ip->b, mapped, 12) == 0;
	return true;
}

char *netaddr_key(const char *addr, char out[NETADDR_KEY_MAX])
{
	ip_t ip;
	if (!addr || !ip_parse(addr, strlen(addr), &ip)) {
		snprintf(out, NETADDR_KEY_MAX, "%s", addr ? addr : "");
		return out;
	}
	if (ip.v4) {
		inet_ntop(AF_INET, ip.b + 12, out, NETADDR_KEY_MAX);
		return out;
	}
	unsigned char net[16] = {0};
	memcpy(net, ip.b, 8);
	char text[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, net, text, sizeof text);
	snprintf(out, NETADDR_KEY_MAX, "%s/64", text);
	return out;
}

/* One item of a list ("10.0.0.0/8", "::1"): the network and its prefix length in bits of the
 * 16-byte form. */
static bool net_parse(const char *s, size_t n, ip_t *net, int *bits)
{
	const char *slash = memchr(s, '/', n);
	size_t an = slash ? (size_t)(slash - s) : n;
	if (!ip_parse(s, an, net))
		return false;
	int max = net->v4 ? 32 : 128;
	int64_t len = max;
	if (slash) {
		char num[8];
		size_t ln = n - an - 1;
		if (ln == 0 || ln >= sizeof num)
			return false;
		memcpy(num, slash + 1, ln);
		num[ln] = '\0';
		if (str_to_i64(num, 0, max, &len))
			return false;
	}
	*bits = (int)len + (net->v4 ? 96 : 0);
	return true;
}

static bool in_net(const ip_t *ip, const ip_t *net, int bits)
{
	for (int i = 0; i < 16 && bits > 0; i++, bits -= 8) {
		unsigned char mask = bits >= 8 ? 0xff : (unsigned char)(0xff << (8 - bits));
		if ((ip->b[i] & mask) != (net->b[i] & mask))
			return false;
	}
	return true;
}

/* Calls each item of list; stops at the first for which fn returns true. Returns -1 when an item
 * does not parse, 1 when fn said stop, 0 otherwise. */
static int walk(const char *list, bool (*fn)(const ip_t *net, int bits, const void *ud), const void *ud)
{
	const char *p = list ? list : "";
	while (*p) {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		size_t n = strcspn(p, " ,\t");
		if (!n)
			break;
		ip_t net;
		int bits;
		if (!net_parse(p, n, &net, &bits))
			return -1;
		if (fn && fn(&net, bits, ud))
			return 1;
		p += n;
	}
	return 0;
}

bool netaddr_list_valid(const char *list)
{
	return walk(list, NULL, NULL) == 0;
}

static bool match_one(const ip_t *net, int bits, const void *ud)
{
	return in_net(ud, net, bits);
}

bool netaddr_list_has(const char *list, const char *addr)
{
	ip_t ip;
	if (!addr || !ip_parse(addr, strlen(addr), &ip) || !netaddr_list_valid(list))
		return false;
	return walk(list, match_one, &ip) == 1;
}
