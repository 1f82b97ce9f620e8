/*
 * test_netlink_parse.c - the netlink decisions that need no kernel: when a
 * link counts as up, which routing messages are link events, which address
 * is the primary one, and how libnl errors become errno values.
 *
 * Link messages are built here the way the kernel sends them (ifinfomsg +
 * IFLA_* attributes) and fed to the same parser the event socket uses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <string.h>

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "../../src/net/netlink_parse.h"
#include "failoverd/netlink.h"

#define ALL_UP (IFF_UP | IFF_RUNNING | IFF_LOWER_UP)

static void test_link_up_needs_admin_running_carrier(void **state)
{
	assert_true(netlink_link_is_up(ALL_UP, 1, IF_OPER_UP));
	assert_false(netlink_link_is_up(ALL_UP & ~IFF_UP, 1, IF_OPER_UP));
	assert_false(netlink_link_is_up(ALL_UP & ~IFF_RUNNING, 1, IF_OPER_UP));
	assert_false(netlink_link_is_up(ALL_UP, 0, IF_OPER_UP));
}

static void test_link_up_operstate(void **state)
{
	/* Drivers that do not track operstate (dummy, lo) report UNKNOWN. */
	assert_true(netlink_link_is_up(ALL_UP, 1, IF_OPER_UNKNOWN));
	assert_false(netlink_link_is_up(ALL_UP, 1, IF_OPER_DOWN));
	/* A macvlan whose lower device is down. */
	assert_false(netlink_link_is_up(ALL_UP, 1, IF_OPER_LOWERLAYERDOWN));
	assert_false(netlink_link_is_up(ALL_UP, 1, IF_OPER_DORMANT));
}

/* A link message as the kernel sends it. */
static struct nl_msg *link_message(int type, unsigned char family, int ifindex, const char *name,
				   unsigned int flags, uint8_t carrier, uint8_t operstate)
{
	const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x07};
	struct ifinfomsg ifi = {
	    .ifi_family = family, .ifi_index = ifindex, .ifi_flags = flags, .ifi_change = 0};
	struct nl_msg *msg = nlmsg_alloc_simple(type, 0);

	assert_non_null(msg);
	assert_int_equal(nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO), 0);
	assert_int_equal(nla_put_string(msg, IFLA_IFNAME, name), 0);
	assert_int_equal(nla_put_u32(msg, IFLA_MTU, 1400), 0);
	if (family == AF_UNSPEC) {
		assert_int_equal(nla_put(msg, IFLA_ADDRESS, sizeof(mac), mac), 0);
		assert_int_equal(nla_put_u8(msg, IFLA_CARRIER, carrier), 0);
		assert_int_equal(nla_put_u8(msg, IFLA_OPERSTATE, operstate), 0);
	}
	/* Received messages carry their protocol; libnl picks the parser by it. */
	nlmsg_set_proto(msg, NETLINK_ROUTE);
	return msg;
}

static void test_newlink_becomes_event(void **state)
{
	struct nl_msg *msg =
	    link_message(RTM_NEWLINK, AF_UNSPEC, 7, "veth0", ALL_UP, 1, IF_OPER_UP);
	struct link_info link;
	bool deleted = true;

	assert_int_equal(netlink_parse_link_message(msg, &link, &deleted), 1);
	assert_false(deleted);
	assert_int_equal(link.ifindex, 7);
	assert_string_equal(link.name, "veth0");
	assert_true(link.up);
	assert_int_equal(link.mtu, 1400);
	assert_memory_equal(link.mac, "\x02\x00\x00\x00\x00\x07", 6);
	nlmsg_free(msg);
}

static void test_newlink_without_carrier_is_down(void **state)
{
	struct nl_msg *msg =
	    link_message(RTM_NEWLINK, AF_UNSPEC, 7, "veth0", IFF_UP, 0, IF_OPER_LOWERLAYERDOWN);
	struct link_info link;
	bool deleted = true;

	assert_int_equal(netlink_parse_link_message(msg, &link, &deleted), 1);
	assert_false(link.up);
	nlmsg_free(msg);
}

static void test_dellink_is_deletion(void **state)
{
	struct nl_msg *msg = link_message(RTM_DELLINK, AF_UNSPEC, 9, "dummy3", 0, 0, IF_OPER_DOWN);
	struct link_info link;
	bool deleted = false;

	assert_int_equal(netlink_parse_link_message(msg, &link, &deleted), 1);
	assert_true(deleted);
	assert_int_equal(link.ifindex, 9);
	assert_string_equal(link.name, "dummy3");
	assert_false(link.up);
	nlmsg_free(msg);
}

/* DEPENDENCIES 1.3: the AF_INET6 copy of a link has no carrier; ignore it. */
static void test_inet6_link_message_ignored(void **state)
{
	struct nl_msg *msg = link_message(RTM_NEWLINK, AF_INET6, 7, "veth0", ALL_UP, 0, 0);
	struct link_info link;
	bool deleted = false;

	assert_int_equal(netlink_parse_link_message(msg, &link, &deleted), 0);
	nlmsg_free(msg);
}

static void test_other_messages_ignored(void **state)
{
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWADDR, 0);
	struct ifaddrmsg ifa = {.ifa_family = AF_INET, .ifa_index = 7};
	struct link_info link;
	bool deleted = false;

	assert_int_equal(nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO), 0);
	nlmsg_set_proto(msg, NETLINK_ROUTE);
	assert_int_equal(netlink_parse_link_message(msg, &link, &deleted), 0);
	nlmsg_free(msg);
}

static void test_runt_link_message_rejected(void **state)
{
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, 0);
	struct link_info link;
	bool deleted = false;

	nlmsg_set_proto(msg, NETLINK_ROUTE);
	assert_int_equal(netlink_parse_link_message(msg, &link, &deleted), -EBADMSG);
	nlmsg_free(msg);
}

static struct netlink_address_candidate candidate(const char *text, unsigned int flags)
{
	struct netlink_address_candidate c = {.flags = flags};

	assert_int_equal(ip_address_parse(text, &c.address), 0);
	return c;
}

static struct ip_prefix prefix(const char *text)
{
	struct ip_prefix p;

	assert_int_equal(ip_prefix_parse(text, &p), 0);
	return p;
}

static void assert_chosen(const struct netlink_address_candidate *c, size_t n, int family,
			  const struct ip_prefix *skip, size_t skip_count, const char *expected)
{
	struct ip_address chosen;
	char text[IP_ADDRESS_TEXT_MAX];

	assert_int_equal(netlink_address_choose(c, n, family, skip, skip_count, &chosen), 0);
	assert_string_equal(ip_address_format(&chosen, text, sizeof(text)), expected);
}

static void test_primary_v4_first_in_kernel_order(void **state)
{
	const struct netlink_address_candidate c[] = {
	    candidate("2001:db8::1", 0),
	    candidate("10.0.0.7", 0),
	    candidate("10.0.0.1", 0),
	};

	assert_chosen(c, 3, AF_INET, NULL, 0, "10.0.0.7");
}

static void test_primary_v4_skips_vips(void **state)
{
	const struct netlink_address_candidate c[] = {
	    candidate("192.0.2.51", 0),
	    candidate("10.0.0.1", 0),
	};
	/* Skipped by address, whatever prefix length the VIP was given. */
	const struct ip_prefix skip[] = {prefix("192.0.2.51/24")};

	assert_chosen(c, 2, AF_INET, skip, 1, "10.0.0.1");
}

static void test_primary_v4_prefers_primary_over_secondary(void **state)
{
	const struct netlink_address_candidate c[] = {
	    candidate("10.0.0.9", IFA_F_SECONDARY),
	    candidate("10.0.0.1", 0),
	};
	const struct ip_prefix skip[] = {prefix("10.0.0.1")};

	assert_chosen(c, 2, AF_INET, NULL, 0, "10.0.0.1");
	/* Only secondaries left: take the first of them. */
	assert_chosen(c, 2, AF_INET, skip, 1, "10.0.0.9");
}

static void test_primary_v6_is_link_local(void **state)
{
	const struct netlink_address_candidate c[] = {
	    candidate("2001:db8::1", 0),
	    candidate("10.0.0.1", 0),
	    candidate("fe80::1", 0),
	    candidate("fe80::2", 0),
	};
	const struct ip_prefix skip[] = {prefix("fe80::1/64")};

	assert_chosen(c, 4, AF_INET6, NULL, 0, "fe80::1");
	/* A link-local VIP (VRRPv3 IPv6 needs one) is not the primary. */
	assert_chosen(c, 4, AF_INET6, skip, 1, "fe80::2");
}

static void test_primary_v6_prefers_non_tentative(void **state)
{
	const struct netlink_address_candidate c[] = {
	    candidate("fe80::bad", IFA_F_DADFAILED),
	    candidate("fe80::1", IFA_F_TENTATIVE),
	    candidate("fe80::2", IFA_F_PERMANENT),
	};

	assert_chosen(c, 3, AF_INET6, NULL, 0, "fe80::2");
	/* Tentative is better than nothing: it becomes usable shortly. */
	assert_chosen(c, 2, AF_INET6, NULL, 0, "fe80::1");
}

static void test_primary_none(void **state)
{
	const struct netlink_address_candidate c[] = {
	    candidate("2001:db8::1", 0),
	    candidate("fe80::bad", IFA_F_DADFAILED),
	    candidate("10.0.0.1", 0),
	};
	const struct ip_prefix skip[] = {prefix("10.0.0.1")};
	struct ip_address out;

	assert_int_equal(netlink_address_choose(c, 3, AF_INET6, NULL, 0, &out), -ENOENT);
	assert_int_equal(netlink_address_choose(c, 3, AF_INET, skip, 1, &out), -ENOENT);
	assert_int_equal(netlink_address_choose(c, 0, AF_INET, NULL, 0, &out), -ENOENT);
}

static void test_errno_mapping(void **state)
{
	static const struct {
		int nl;
		int expected;
	} table[] = {
	    {NLE_EXIST, -EEXIST}, {NLE_NOADDR, -EADDRNOTAVAIL},
	    {NLE_NODEV, -ENODEV}, {NLE_PERM, -EPERM},
	    {NLE_NOMEM, -ENOMEM}, {NLE_AGAIN, -EAGAIN},
	    {NLE_INVAL, -EINVAL}, {NLE_RANGE, -ERANGE},
	    {NLE_BUSY, -EBUSY},	  {NLE_OBJ_NOTFOUND, -ENOENT},
	    {NLE_FAILURE, -EIO},  {NLE_PARSE_ERR, -EIO},
	    {NLE_SUCCESS, 0},
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		assert_int_equal(netlink_errno(table[i].nl), table[i].expected);
		/* libnl functions return the code negated; both forms map alike. */
		assert_int_equal(netlink_errno(-table[i].nl), table[i].expected);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_link_up_needs_admin_running_carrier),
	    cmocka_unit_test(test_link_up_operstate),
	    cmocka_unit_test(test_newlink_becomes_event),
	    cmocka_unit_test(test_newlink_without_carrier_is_down),
	    cmocka_unit_test(test_dellink_is_deletion),
	    cmocka_unit_test(test_inet6_link_message_ignored),
	    cmocka_unit_test(test_other_messages_ignored),
	    cmocka_unit_test(test_runt_link_message_rejected),
	    cmocka_unit_test(test_primary_v4_first_in_kernel_order),
	    cmocka_unit_test(test_primary_v4_skips_vips),
	    cmocka_unit_test(test_primary_v4_prefers_primary_over_secondary),
	    cmocka_unit_test(test_primary_v6_is_link_local),
	    cmocka_unit_test(test_primary_v6_prefers_non_tentative),
	    cmocka_unit_test(test_primary_none),
	    cmocka_unit_test(test_errno_mapping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
