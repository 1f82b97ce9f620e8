/*
 * address.c - parsing, formatting and ordering of family-tagged addresses.
 */
#include "failoverd/address.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t ip_address_length(int family)
{
	switch (family) {
	case AF_INET:
		return sizeof(struct in_addr);
	case AF_INET6:
		return sizeof(struct in6_addr);
	default:
		return 0;
	}
}

int ip_address_parse(const char *text, struct ip_address *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, text, &out->in.v4) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, &out->in.v6) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

int ip_prefix_parse(const char *text, struct ip_prefix *out)
{
	char host[IP_ADDRESS_TEXT_MAX];
	const char *slash = strchr(text, '/');
	size_t host_len = slash ? (size_t)(slash - text) : strlen(text);

	memset(out, 0, sizeof(*out));
	if (host_len == 0 || host_len >= sizeof(host))
		return -EINVAL;
	memcpy(host, text, host_len);
	host[host_len] = '\0';
	if (ip_address_parse(host, &out->address) < 0)
		return -EINVAL;

	unsigned int max = out->address.family == AF_INET ? 32 : 128;
	out->length = max;
	if (slash) {
		char *end;
		const char *digits = slash + 1;

		if (*digits < '0' || *digits > '9')
			return -EINVAL;
		errno = 0;
		unsigned long len = strtoul(digits, &end, 10);
		if (errno || *end != '\0' || len > max)
			return -EINVAL;
		out->length = (unsigned int)len;
	}
	return 0;
}

const char *ip_address_format(const struct ip_address *a, char *buf, size_t size)
{
	if (size == 0)
		return buf;
	if (!a->family || !inet_ntop(a->family, &a->in, buf, (socklen_t)size))
		snprintf(buf, size, "?");
	return buf;
}

bool ip_address_equal(const struct ip_address *a, const struct ip_address *b)
{
	return a->family == b->family &&
	       memcmp(&a->in, &b->in, ip_address_length(a->family)) == 0;
}

int ip_address_compare(const struct ip_address *a, const struct ip_address *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(&a->in, &b->in, ip_address_length(a->family));
}

bool ip_address_is_link_local(const struct ip_address *a)
{
	if (a->family == AF_INET6)
		return IN6_IS_ADDR_LINKLOCAL(&a->in.v6);
	if (a->family == AF_INET)
		return (ntohl(a->in.v4.s_addr) & 0xffff0000u) == 0xa9fe0000u;
	return false;
}
