/* netaddr.h — client addresses as the limits see them: a textual IPv4 or IPv6 address, the key
 * that counts as "one client", and lists of networks ("127.0.0.0/8 ::1 10.1.0.0/16").
 *
 * One client is one IPv4 address, or one IPv6 /64: a home or a phone on IPv6 gets a whole /64
 * from its provider and can pick any address in it, so counting per IPv6 address would let one
 * client count as 2^64. An IPv4-mapped IPv6 address (::ffff:1.2.3.4) is the IPv4 address.
 *
 * Nothing here allocates; strings are borrowed. */
#ifndef FIN_NETADDR_H
#define FIN_NETADDR_H

#include <stdbool.h>
#include <stddef.h>

/* Long enough for any key and any textual address. */
#define NETADDR_KEY_MAX 64

/* The client key of a textual address into out ("1.2.3.4", or "2001:db8:1:2::/64"); a text that
 * is not an address is copied as it is (cut to fit), so that it still counts as one client.
 * Returns out. */
char *netaddr_key(const char *addr, char out[NETADDR_KEY_MAX]);

/* Whether list is a valid list of networks: addresses or CIDR blocks (1.2.3.0/24, fd00::/8),
 * separated by spaces or commas; empty is valid (nothing matches). */
bool netaddr_list_valid(const char *list);
/* Whether addr (textual) is in one of the networks of list. False for an address or a list that
 * does not parse. */
bool netaddr_list_has(const char *list, const char *addr);

#endif
