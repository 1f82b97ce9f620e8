/*
 * test_bond_parse.c - the /proc/net/bonding/NAME parser (bond_proc_parse and
 * bond_proc_read), on status texts in the bonding driver's layout
 * (tests/unit/data/bond/, see its README), and on text that is not one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/track/link_track_internal.h"
#include "failoverd/link_track.h"

#define BOND_DATA TEST_DATA_DIR "/bond"

static int read_fixture(const char *name, struct bond_member *members, size_t max)
{
	return bond_proc_read(BOND_DATA, name, members, max);
}

static void assert_member(const struct bond_member *m, const char *name, bool up)
{
	assert_string_equal(m->name, name);
	assert_int_equal(m->up, up);
	assert_int_equal(m->ifindex, 0); /* /proc knows names only */
}

static void test_active_backup_one_down(void **state)
{
	struct bond_member m[LINK_TRACK_MAX_MEMBERS];

	assert_int_equal(read_fixture("ab_one_down", m, LINK_TRACK_MAX_MEMBERS), 2);
	/* The bond's own "MII Status: up" comes first and is no member's. */
	assert_member(&m[0], "eth0", true);
	assert_member(&m[1], "eth1", false);
}

static void test_lacp_both_up(void **state)
{
	struct bond_member m[LINK_TRACK_MAX_MEMBERS];

	/* The 802.3ad detail blocks (indented, with "port state" lines) are
	 * skipped, and the "Active Aggregator Info" block makes no member. */
	assert_int_equal(read_fixture("lacp_all_up", m, LINK_TRACK_MAX_MEMBERS), 2);
	assert_member(&m[0], "enp3s0f0", true);
	assert_member(&m[1], "enp3s0f1", true);
}

static void test_round_robin_all_down(void **state)
{
	struct bond_member m[LINK_TRACK_MAX_MEMBERS];

	assert_int_equal(read_fixture("rr_all_down", m, LINK_TRACK_MAX_MEMBERS), 3);
	assert_member(&m[0], "eth2", false);
	assert_member(&m[1], "eth3", false);
	assert_member(&m[2], "eth4", false);
}

static void test_going_back_is_not_up(void **state)
{
	struct bond_member m[LINK_TRACK_MAX_MEMBERS];

	/* BOND_LINK_BACK: the driver does not use the member yet either. */
	assert_int_equal(read_fixture("ab_arp_going_back", m, LINK_TRACK_MAX_MEMBERS), 2);
	assert_member(&m[0], "eth0", false);
	assert_member(&m[1], "eth1", true);
}

static void test_at_most_max_members(void **state)
{
	struct bond_member m[3];

	memset(m, 0x5a, sizeof(m));
	assert_int_equal(read_fixture("rr_all_down", m, 2), 2);
	assert_member(&m[0], "eth2", false);
	assert_member(&m[1], "eth3", false);
	/* Nothing written past max. */
	assert_int_equal(((unsigned char *)&m[2])[0], 0x5a);
	assert_int_equal(read_fixture("rr_all_down", NULL, 0), 0);
}

static void test_inline_text_variants(void **state)
{
	struct bond_member m[4];

	/* Leading blank lines, CRLF, and a member without an MII line (down). */
	assert_int_equal(bond_proc_parse("\n\nEthernet Channel Bonding Driver: v3.7.1\r\n"
					 "Bonding Mode: load balancing (xor)\r\n"
					 "MII Status: up\r\n\r\n"
					 "Slave Interface: eth5\r\n"
					 "MII Status: up\r\n\r\n"
					 "Slave Interface: eth6\r\n"
					 "Speed: 1000 Mbps\r\n",
					 m, 4),
			 2);
	assert_member(&m[0], "eth5", true);
	assert_member(&m[1], "eth6", false);
	/* Only the first MII line of a block counts. */
	assert_int_equal(bond_proc_parse("Ethernet Channel Bonding Driver: v6.1\n"
					 "Slave Interface: eth7\nMII Status: down\n"
					 "MII Status: up\n",
					 m, 4),
			 1);
	assert_member(&m[0], "eth7", false);
	/* A bond without members. */
	assert_int_equal(bond_proc_parse("Ethernet Channel Bonding Driver: v6.1\n"
					 "Bonding Mode: fault-tolerance (active-backup)\n"
					 "MII Status: down\n",
					 m, 4),
			 0);
}

static void test_garbage_is_einval(void **state)
{
	struct bond_member m[4];
	static const char *const garbage[] = {
	    "",
	    "\n\n",
	    "hello world\n",
	    /* The header must be the first line, not anywhere. */
	    "Bonding Mode: load balancing (round-robin)\n"
	    "Ethernet Channel Bonding Driver: v6.1\n",
	    "Inter-|   Receive                            |  Transmit\n"
	    " face |bytes    packets errs drop fifo frame compressed multicast|bytes\n",
	    /* A member without a name, and one whose name cannot be a link's. */
	    "Ethernet Channel Bonding Driver: v6.1\nSlave Interface:\nMII Status: up\n",
	    "Ethernet Channel Bonding Driver: v6.1\n"
	    "Slave Interface: averyveryverylongname0\nMII Status: up\n",
	};

	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++)
		assert_int_equal(bond_proc_parse(garbage[i], m, 4), -EINVAL);
	assert_int_equal(bond_proc_parse(NULL, m, 4), -EINVAL);
	/* A file that is not a bonding status text. */
	assert_int_equal(read_fixture("README", m, 4), -EINVAL);
}

static void test_missing_file(void **state)
{
	struct bond_member m[4];

	assert_int_equal(read_fixture("bond9", m, 4), -ENOENT);
	assert_int_equal(bond_proc_read(BOND_DATA "/no-such-dir", "bond0", m, 4), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_active_backup_one_down),
	    cmocka_unit_test(test_lacp_both_up),
	    cmocka_unit_test(test_round_robin_all_down),
	    cmocka_unit_test(test_going_back_is_not_up),
	    cmocka_unit_test(test_at_most_max_members),
	    cmocka_unit_test(test_inline_text_variants),
	    cmocka_unit_test(test_garbage_is_einval),
	    cmocka_unit_test(test_missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
