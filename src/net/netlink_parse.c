/*
 * netlink_parse.c - turning kernel link and address reports into decisions.
 *
 * Kept apart from the socket code so that the rules that matter for
 * failover (when is a link "up", which message is a real link event, which
 * address is the primary one, what a bond member's state is) are
 * unit-tested with synthetic input.
 *
 * libnl 3.7 turns a link message into an rtnl_link object but has no
 * getters for the bonding slave attributes, so the message is read twice:
 * once by libnl for the common fields, once here, raw, for IFLA_MASTER and
 * IFLA_LINKINFO (DEPENDENCIES 1.4 and 1.5).
 */
#include "netlink_parse.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>

#include <linux/if.h> /* IF_OPER_*, after <net/if.h> */
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

/* Copies a possibly NULL name, truncated and terminated. */
static void netlink_copy_name(char *to, size_t size, const char *from)
{
	if (!from)
		from = "";
	strncpy(to, from, size - 1);
	to[size - 1] = '\0';
}

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
	netlink_copy_name(out->name, sizeof(out->name), name);
	out->up = netlink_link_is_up(rtnl_link_get_flags(link), rtnl_link_get_carrier(link),
				     rtnl_link_get_operstate(link));
	if (mac && nl_addr_get_len(mac) == sizeof(out->mac))
		memcpy(out->mac, nl_addr_get_binary_addr(mac), sizeof(out->mac));
	out->mtu = rtnl_link_get_mtu(link);
	out->master_ifindex = rtnl_link_get_master(link);
	netlink_copy_name(out->kind, sizeof(out->kind), rtnl_link_get_type(link));
	netlink_copy_name(out->slave_kind, sizeof(out->slave_kind), rtnl_link_get_slave_type(link));
	out->bond_slave_state = -1;
	out->bond_mii_status = -1;
}

/* The attributes read raw, with the sizes the kernel gives them. */
static const struct nla_policy netlink_link_policy[IFLA_MAX + 1] = {
    [IFLA_MASTER] = {.type = NLA_U32},
    [IFLA_LINKINFO] = {.type = NLA_NESTED},
};

static const struct nla_policy netlink_link_info_policy[IFLA_INFO_MAX + 1] = {
    [IFLA_INFO_KIND] = {.type = NLA_STRING},
    [IFLA_INFO_SLAVE_KIND] = {.type = NLA_STRING},
    [IFLA_INFO_SLAVE_DATA] = {.type = NLA_NESTED},
};

static const struct nla_policy netlink_bond_slave_policy[IFLA_BOND_SLAVE_MAX + 1] = {
    [IFLA_BOND_SLAVE_STATE] = {.type = NLA_U8},
    [IFLA_BOND_SLAVE_MII_STATUS] = {.type = NLA_U8},
};

static void netlink_reset_link_attributes(struct link_info *out)
{
	out->master_ifindex = 0;
	out->kind[0] = '\0';
	out->slave_kind[0] = '\0';
	out->has_bond_slave = false;
	out->bond_slave_state = -1;
	out->bond_mii_status = -1;
}

/* IFLA_INFO_SLAVE_DATA of a bond port (drivers/net/bonding/bond_netlink.c
 * puts IFLA_BOND_SLAVE_STATE and IFLA_BOND_SLAVE_MII_STATUS as u8). */
static int netlink_parse_bond_slave(struct nlattr *data, struct link_info *out)
{
	struct nlattr *sd[IFLA_BOND_SLAVE_MAX + 1];

	if (nla_parse_nested(sd, IFLA_BOND_SLAVE_MAX, data, netlink_bond_slave_policy) < 0)
		return -EBADMSG;
	out->has_bond_slave = true;
	if (sd[IFLA_BOND_SLAVE_STATE])
		out->bond_slave_state = nla_get_u8(sd[IFLA_BOND_SLAVE_STATE]);
	if (sd[IFLA_BOND_SLAVE_MII_STATUS])
		out->bond_mii_status = nla_get_u8(sd[IFLA_BOND_SLAVE_MII_STATUS]);
	return 0;
}

static int netlink_parse_link_kind(struct nlattr *linkinfo, struct link_info *out)
{
	struct nlattr *li[IFLA_INFO_MAX + 1];

	if (nla_parse_nested(li, IFLA_INFO_MAX, linkinfo, netlink_link_info_policy) < 0)
		return -EBADMSG;
	if (li[IFLA_INFO_KIND])
		nla_strlcpy(out->kind, li[IFLA_INFO_KIND], sizeof(out->kind));
	if (li[IFLA_INFO_SLAVE_KIND])
		nla_strlcpy(out->slave_kind, li[IFLA_INFO_SLAVE_KIND], sizeof(out->slave_kind));
	if (!strcmp(out->slave_kind, "bond") && li[IFLA_INFO_SLAVE_DATA])
		return netlink_parse_bond_slave(li[IFLA_INFO_SLAVE_DATA], out);
	return 0;
}

int netlink_parse_link_attributes(struct nlmsghdr *header, struct link_info *out)
{
	struct nlattr *tb[IFLA_MAX + 1];

	netlink_reset_link_attributes(out);
	if (!nlmsg_valid_hdr(header, sizeof(struct ifinfomsg)) ||
	    nlmsg_parse(header, sizeof(struct ifinfomsg), tb, IFLA_MAX, netlink_link_policy) < 0)
		return -EBADMSG;
	if (tb[IFLA_MASTER])
		out->master_ifindex = (int)nla_get_u32(tb[IFLA_MASTER]);
	if (!tb[IFLA_LINKINFO])
		return 0;
	int err = netlink_parse_link_kind(tb[IFLA_LINKINFO], out);
	if (err < 0)
		netlink_reset_link_attributes(out);
	return err;
}

struct link_parse_result {
	struct link_info *out;
	bool found;
};

static void netlink_parse_link_object(struct nl_object *object, void *arg)
{
	struct link_parse_result *result = arg;
	struct rtnl_link *link = (struct rtnl_link *)object;

	/* Not rtnl_link_get_family(): libnl sets AF_BRIDGE on a bridge's
	 * AF_UNSPEC message (from its kind); the caller checked ifi_family. */
	if (result->found)
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
	err = netlink_parse_link_attributes(header, out);
	if (err < 0)
		return err;
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
