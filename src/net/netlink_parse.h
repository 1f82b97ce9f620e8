/*
 * netlink_parse.h - pure helpers behind netlink.c and link_watch.c.
 *
 * Private to src/net (the public contract is include/failoverd/netlink.h).
 * They turn what the kernel reports (link objects, link messages, address
 * lists) into failoverd's plain structs and decisions without touching a
 * socket, so tests/unit/test_netlink_parse.c checks them without root.
 */
#ifndef FAILOVERD_NET_NETLINK_PARSE_H
#define FAILOVERD_NET_NETLINK_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "failoverd/address.h"
#include "failoverd/netlink.h"

struct nl_msg;
struct nlmsghdr;
struct rtnl_link;

/* Whether a link can carry traffic: admin up (IFF_UP), running, carrier,
 * and operstate UP or UNKNOWN (drivers without operstate, loopback). */
bool netlink_link_is_up(unsigned int flags, uint8_t carrier, uint8_t operstate);

/* Fills out from a libnl link object (name, ifindex, up, MAC, MTU, and
 * master, kind and slave kind as far as libnl knows them; the bonding slave
 * state stays -1: only netlink_parse_link_attributes reads it). */
void netlink_link_info_from(struct rtnl_link *link, struct link_info *out);

/*
 * Fills the fields libnl 3.7 has no getters for from the raw attributes of
 * an RTM_NEWLINK / RTM_DELLINK message (DEPENDENCIES 1.5): master_ifindex
 * (IFLA_MASTER), kind and slave_kind (IFLA_LINKINFO: IFLA_INFO_KIND,
 * IFLA_INFO_SLAVE_KIND), and, when the slave kind is "bond", the bonding
 * slave state and MII status (IFLA_INFO_SLAVE_DATA). What the message lacks
 * is reset (0, "", false, -1). 0, or -EBADMSG for a malformed message.
 */
int netlink_parse_link_attributes(struct nlmsghdr *header, struct link_info *out);

/*
 * Turns one routing netlink message into a link event. Returns 1 for an
 * RTM_NEWLINK / RTM_DELLINK of family AF_UNSPEC (out filled, including the
 * netlink_parse_link_attributes fields, *deleted set),
 * 0 for anything else (other types, and the AF_INET6 / AF_BRIDGE link
 * messages that lack carrier and would read as "down"), or -errno.
 */
int netlink_parse_link_message(struct nl_msg *msg, struct link_info *out, bool *deleted);

/* One address of an interface, in kernel (dump) order. */
struct netlink_address_candidate {
	struct ip_address address;
	unsigned int flags; /* IFA_F_* */
};

/*
 * Picks the primary address of family among candidates, ignoring those in
 * skip[] (compared by address, not prefix length). IPv4: the first one,
 * preferring primaries over IFA_F_SECONDARY ones. IPv6: the first
 * link-local, preferring non-tentative ones; DAD-failed ones never.
 * 0 or -ENOENT.
 */
int netlink_address_choose(const struct netlink_address_candidate *candidates, size_t count,
			   int family, const struct ip_prefix *skip, size_t skip_count,
			   struct ip_address *out);

#endif
