/*
 * netlink_parse.c - turning kernel link and address reports into decisions.
 *
 * Kept apart from the socket code so that the rules that matter for
 * failover (when is a link "up", which message is a real link event, which
 * address is the primary one) are unit-tested with synthetic input.
 */
#include "netlink_parse.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>

#include <linux/if.h> /* IF_OPER_*, after <net/if.h> */
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

bool netlink_link_is_up(unsigned int flags, uint8_t carrier, uint8_t operstate)
{
	if (!(flags & IFF_UP) || !(flags & IFF_RUNNING) || !carrier)
		return false;
	return operstate == IF_OPER_UP || operstate == IF_OPER_UNKNOWN;
}

void netlink_link_info_from(struct rtnl_link *link, struct link_info *out)
{
	const char *name = rtnl_link_get_name(link);
	struct nl_addr *mac = rtnl_link_get_addr(link);

	memset(out, 0, sizeof(*out));
	out->ifindex = rtnl_link_get_ifindex(link);
	if (name) {
		strncpy(out->name, name, sizeof(out->name) - 1);
		out->name[sizeof(out->name) - 1] = '\0';
	}
	out->up = netlink_link_is_up(rtnl_link_get_flags(link), rtnl_link_get_carrier(link),
				     rtnl_link_get_operstate(link));
	if (mac && nl_addr_get_len(mac) == sizeof(out->mac))
		memcpy(out->mac, nl_addr_get_binary_addr(mac), sizeof(out->mac));
	out->mtu = rtnl_link_get_mtu(link);
}

struct link_parse_result {
	struct link_info *out;
	bool found;
};

static void netlink_parse_link_object(struct nl_object *object, void *arg)
{
	struct link_parse_result *result = arg;
	struct rtnl_link *link = (struct rtnl_link *)object;

	if (result->found || rtnl_link_get_family(link) != AF_UNSPEC)
		return;
	netlink_link_info_from(link, result->out);
	result->found = true;
}

int netlink_parse_link_message(struct nl_msg *msg, struct link_info *out, bool *deleted)
{
	struct nlmsghdr *header = nlmsg_hdr(msg);
	struct link_parse_result result = {.out = out};

	if (header->nlmsg_type != RTM_NEWLINK && header->nlmsg_type != RTM_DELLINK)
		return 0;
	if (!nlmsg_valid_hdr(header, sizeof(struct ifinfomsg)))
		return -EBADMSG;
	const struct ifinfomsg *ifi = nlmsg_data(header);
	/* DEPENDENCIES 1.3: AF_INET6 link messages carry no carrier. */
	if (ifi->ifi_family != AF_UNSPEC)
		return 0;
	int err = nl_msg_parse(msg, netlink_parse_link_object, &result);
	if (err < 0)
		return -EBADMSG;
	if (!result.found)
		return 0;
	*deleted = header->nlmsg_type == RTM_DELLINK;
	return 1;
}

static bool netlink_address_skipped(const struct ip_address *a, const struct ip_prefix *skip,
				    size_t skip_count)
{
	for (size_t i = 0; i < skip_count; i++)
		if (ip_address_equal(a, &skip[i].address))
			return true;
	return false;
}

/* Lower is better; -1 means never. */
static int netlink_address_rank(const struct netlink_address_candidate *c, int family)
{
	if (c->address.family != family)
		return -1;
	if (family == AF_INET)
		return (c->flags & IFA_F_SECONDARY) ? 1 : 0;
	/* RFC 5798 5.1.2.2: IPv6 adverts come from the link-local address. */
	if (!IN6_IS_ADDR_LINKLOCAL(&c->address.in.v6) || (c->flags & IFA_F_DADFAILED))
		return -1;
	return (c->flags & IFA_F_TENTATIVE) ? 1 : 0;
}

int netlink_address_choose(const struct netlink_address_candidate *candidates, size_t count,
			   int family, const struct ip_prefix *skip, size_t skip_count,
			   struct ip_address *out)
{
	const struct netlink_address_candidate *best = NULL;
	int best_rank = 0;

	for (size_t i = 0; i < count; i++) {
		const struct netlink_address_candidate *c = &candidates[i];
		int rank = netlink_address_rank(c, family);

		if (rank < 0 || netlink_address_skipped(&c->address, skip, skip_count))
			continue;
		if (!best || rank < best_rank) {
			best = c;
			best_rank = rank;
		}
	}
	if (!best)
		return -ENOENT;
	*out = best->address;
	return 0;
}
