/*
 * address.h - an IPv4 or IPv6 address tagged with its family.
 *
 * VRRP carries either IPv4 or IPv6 addresses, never both in one virtual
 * router, so every module that handles addresses (packet codec, state
 * machine tie-break, netlink, config) shares this one small value type
 * instead of passing sockaddr unions around.
 */
#ifndef FAILOVERD_ADDRESS_H
#define FAILOVERD_ADDRESS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

/* Longest text form, including the terminating NUL. */
#define IP_ADDRESS_TEXT_MAX 46

struct ip_address {
	int family; /* AF_INET or AF_INET6; 0 = unset */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} in;
};

/* An address with a prefix length, as written in virtual_addresses. */
struct ip_prefix {
	struct ip_address address;
	unsigned int length; /* 0..32 or 0..128 */
};

/* Parses "192.0.2.1" or "2001:db8::1". Returns 0 or -EINVAL. */
int ip_address_parse(const char *text, struct ip_address *out);

/*
 * Parses "192.0.2.1/24" or "2001:db8::1"; without "/len" the prefix is the
 * full length (32 or 128). Returns 0 or -EINVAL.
 */
int ip_prefix_parse(const char *text, struct ip_prefix *out);

/* Formats into buf (at least IP_ADDRESS_TEXT_MAX bytes); returns buf. */
const char *ip_address_format(const struct ip_address *a, char *buf, size_t size);

/* Byte length of the address (4 or 16), 0 for an unset family. */
size_t ip_address_length(int family);

bool ip_address_equal(const struct ip_address *a, const struct ip_address *b);

/*
 * Orders addresses of one family as unsigned big-endian integers (RFC 5798
 * 6.4.3 compares primary addresses that way). <0, 0, >0 like memcmp.
 */
int ip_address_compare(const struct ip_address *a, const struct ip_address *b);

bool ip_address_is_link_local(const struct ip_address *a);

#endif
