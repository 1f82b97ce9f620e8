/*
 * test_link_track.c - interface and bond trackers driven by synthetic link
 * events on a real libev loop, without root: links going up, down, away
 * and coming back under a new ifindex; bond members lost, regained, moved
 * to another master; bridges tracked by carrier; the /proc/net/bonding
 * fallback on recorded texts; and debouncing, where the loop runs for real
 * and a second timer plays the flapping link.
 *
 * The registry is created without netlink (sync then does nothing), except
 * in the one test that syncs from the kernel's own link dump (no root
 * needed for a dump).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ev.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if_bonding.h> /* after <net/if.h> */

#include "../../src/track/link_track_internal.h"
#include "failoverd/link_track.h"

#define CALLS_MAX 32
#define MS 1000 /* microseconds */

struct fixture {
	struct ev_loop *loop;
	struct link_trackers *t;
	struct tracker_state calls[CALLS_MAX];
	size_t count;
};

static void on_state(void *ctx, const struct tracker_state *state)
{
	struct fixture *f = ctx;

	assert_true(f->count < CALLS_MAX);
	f->calls[f->count++] = *state;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->loop = ev_loop_new(EVFLAG_AUTO);
	f->t = link_trackers_create(f->loop, NULL, on_state, f);
	assert_non_null(f->t);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	link_trackers_free(f->t);
	ev_loop_destroy(f->loop);
	free(f);
	return 0;
}

/* ---- synthetic links ---- */

static struct link_info plain_link(int ifindex, const char *name, bool up)
{
	struct link_info l = {.ifindex = ifindex, .up = up, .mtu = 1500};

	snprintf(l.name, sizeof(l.name), "%s", name);
	l.bond_slave_state = -1;
	l.bond_mii_status = -1;
	return l;
}

static struct link_info master_link(int ifindex, const char *name, const char *kind, bool up)
{
	struct link_info l = plain_link(ifindex, name, up);

	snprintf(l.kind, sizeof(l.kind), "%s", kind);
	return l;
}

/* A bridge (or team) port: up by carrier. */
static struct link_info port_link(int ifindex, const char *name, int master, bool up)
{
	struct link_info l = plain_link(ifindex, name, up);

	l.master_ifindex = master;
	snprintf(l.kind, sizeof(l.kind), "veth");
	snprintf(l.slave_kind, sizeof(l.slave_kind), "bridge");
	return l;
}

/* A bonding slave as the kernel reports it: carrier follows MII. */
static struct link_info slave_link(int ifindex, const char *name, int master, bool mii_up)
{
	struct link_info l = plain_link(ifindex, name, mii_up);

	l.master_ifindex = master;
	snprintf(l.slave_kind, sizeof(l.slave_kind), "bond");
	l.has_bond_slave = true;
	l.bond_slave_state = BOND_STATE_BACKUP;
	l.bond_mii_status = mii_up ? BOND_LINK_UP : BOND_LINK_DOWN;
	return l;
}

static void feed(struct fixture *f, struct link_info l)
{
	link_trackers_on_link(f->t, &l, false);
}

static void feed_deleted(struct fixture *f, struct link_info l)
{
	link_trackers_on_link(f->t, &l, true);
}

static void assert_state(const struct tracker_state *s, const char *name,
			 enum tracker_status status, unsigned int up, unsigned int total,
			 const char *detail)
{
	assert_string_equal(s->name, name);
	assert_int_equal(s->status, status);
	assert_int_equal(s->members_up, up);
	assert_int_equal(s->members_total, total);
	assert_string_equal(s->detail, detail);
}

/* The callbacks since the last check: exactly one, with these values. */
static void assert_call(struct fixture *f, size_t *seen, const char *name,
			enum tracker_status status, unsigned int up, unsigned int total,
			const char *detail)
{
	assert_int_equal(f->count, *seen + 1);
	assert_state(&f->calls[(*seen)++], name, status, up, total, detail);
}

/* ---- registry ---- */

static void test_add_finds_or_creates(void **state)
{
	struct fixture *f = *state;
	const struct tracker_state *a = link_trackers_add(f->t, TRACKER_INTERFACE, "eth1", 0, 0);

	assert_non_null(a);
	assert_ptr_equal(link_trackers_add(f->t, TRACKER_INTERFACE, "eth1", 0, 0), a);
	const struct tracker_state *b = link_trackers_add(f->t, TRACKER_BOND, "eth1", 0, 0);
	const struct tracker_state *c = link_trackers_add(f->t, TRACKER_INTERFACE, "eth1", 0, 5);
	assert_non_null(b);
	assert_non_null(c);
	assert_ptr_not_equal(a, b);
	assert_ptr_not_equal(a, c);
	assert_int_equal(a->kind, TRACKER_INTERFACE);
	assert_int_equal(b->kind, TRACKER_BOND);
	/* Unknown until synced or told. */
	assert_int_equal(a->status, TRACKER_STATUS_DOWN);
	assert_string_equal(a->detail, "interface eth1 not known yet");
	assert_string_equal(b->detail, "eth1: not known yet");

	assert_null(link_trackers_add(f->t, TRACKER_CHECK, "eth1", 0, 0));
	assert_null(link_trackers_add(f->t, TRACKER_INTERFACE, "", 0, 0));
	assert_null(link_trackers_add(f->t, TRACKER_INTERFACE, NULL, 0, 0));
	assert_null(link_trackers_add(f->t, TRACKER_INTERFACE, "a-name-too-long0", 0, 0));
}

static void test_sync_without_netlink_does_nothing(void **state)
{
	struct fixture *f = *state;
	const struct tracker_state *s = link_trackers_add(f->t, TRACKER_INTERFACE, "lo", 0, 0);

	assert_int_equal(link_trackers_sync(f->t), 0);
	assert_int_equal(s->status, TRACKER_STATUS_DOWN);
	assert_string_equal(s->detail, "interface lo not known yet");
	assert_int_equal(f->count, 0);
}

/* A link dump needs no privilege: the kernel's own loopback. */
static void test_sync_from_kernel(void **state)
{
	struct fixture *f = *state;
	struct netlink nl;
	struct link_info lo;

	if (netlink_open(&nl) < 0 || netlink_link_get(&nl, "lo", &lo) < 0)
		skip();
	struct link_trackers *t = link_trackers_create(f->loop, &nl, on_state, f);
	const struct tracker_state *iface = link_trackers_add(t, TRACKER_INTERFACE, "lo", 0, 0);
	const struct tracker_state *none =
	    link_trackers_add(t, TRACKER_INTERFACE, "folt-none0", 0, 0);
	const struct tracker_state *bond = link_trackers_add(t, TRACKER_BOND, "lo", 0, 0);

	assert_int_equal(link_trackers_sync(t), 0);
	assert_int_equal(iface->status, lo.up ? TRACKER_STATUS_UP : TRACKER_STATUS_DOWN);
	assert_string_equal(iface->detail, lo.up ? "interface lo UP" : "interface lo DOWN");
	assert_int_equal(none->status, TRACKER_STATUS_DOWN);
	assert_string_equal(none->detail, "interface folt-none0 not found");
	/* lo has no ports: a bond of nothing is down. */
	assert_int_equal(bond->status, TRACKER_STATUS_DOWN);
	assert_int_equal(bond->members_total, 0);
	/* The starting point is not a change. */
	assert_int_equal(f->count, 0);
	link_trackers_free(t);
	netlink_close(&nl);
}

/* ---- interfaces ---- */

static void test_interface_up_down_delete_recreate(void **state)
{
	struct fixture *f = *state;
	size_t seen = 0;

	link_trackers_add(f->t, TRACKER_INTERFACE, "eth1", 0, 0);
	feed(f, plain_link(3, "eth1", true));
	assert_call(f, &seen, "eth1", TRACKER_STATUS_UP, 0, 0, "interface eth1 UP");
	feed(f, plain_link(3, "eth1", false));
	assert_call(f, &seen, "eth1", TRACKER_STATUS_DOWN, 0, 0, "interface eth1 DOWN");
	feed(f, plain_link(3, "eth1", true));
	assert_call(f, &seen, "eth1", TRACKER_STATUS_UP, 0, 0, "interface eth1 UP");
	feed_deleted(f, plain_link(3, "eth1", false));
	assert_call(f, &seen, "eth1", TRACKER_STATUS_DOWN, 0, 0, "interface eth1 deleted");
	/* Re-created: a new ifindex, the same name. */
	feed(f, plain_link(9, "eth1", true));
	assert_call(f, &seen, "eth1", TRACKER_STATUS_UP, 0, 0, "interface eth1 UP");
	/* A late deletion of the old ifindex does not touch the new link. */
	feed_deleted(f, plain_link(3, "eth1", false));
	assert_int_equal(f->count, seen);
	feed(f, plain_link(9, "eth1", false));
	assert_call(f, &seen, "eth1", TRACKER_STATUS_DOWN, 0, 0, "interface eth1 DOWN");
}

static void test_interface_other_links_and_repeats_ignored(void **state)
{
	struct fixture *f = *state;
	size_t seen = 0;

	link_trackers_add(f->t, TRACKER_INTERFACE, "eth1", 0, 0);
	feed(f, plain_link(3, "eth1", true));
	assert_call(f, &seen, "eth1", TRACKER_STATUS_UP, 0, 0, "interface eth1 UP");
	feed(f, plain_link(3, "eth1", true));
	struct link_info mtu = plain_link(3, "eth1", true);
	mtu.mtu = 9000;
	feed(f, mtu);
	feed(f, plain_link(4, "eth2", false));
	feed_deleted(f, plain_link(4, "eth2", false));
	feed(f, plain_link(5, "eth10", false));
	assert_int_equal(f->count, seen);
}

static void test_interface_renamed_away(void **state)
{
	struct fixture *f = *state;
	size_t seen = 0;

	link_trackers_add(f->t, TRACKER_INTERFACE, "eth1", 0, 0);
	feed(f, plain_link(3, "eth1", true));
	assert_call(f, &seen, "eth1", TRACKER_STATUS_UP, 0, 0, "interface eth1 UP");
	feed(f, plain_link(3, "wan0", true));
	assert_call(f, &seen, "eth1", TRACKER_STATUS_DOWN, 0, 0, "interface eth1 renamed to wan0");
	/* Another link renamed to the tracked name is followed. */
	feed(f, plain_link(4, "eth1", true));
	assert_call(f, &seen, "eth1", TRACKER_STATUS_UP, 0, 0, "interface eth1 UP");
}

/* ---- bonds ---- */

static void test_bond_members_lost_and_back(void **state)
{
	struct fixture *f = *state;
	size_t seen = 0;

	link_trackers_add(f->t, TRACKER_BOND, "bond0", 0, 0);
	feed(f, master_link(10, "bond0", "bond", true));
	/* No members: down, as it was while unknown, so no callback. */
	assert_int_equal(f->count, 0);
	feed(f, slave_link(4, "eth1", 10, true));
	assert_call(f, &seen, "bond0", TRACKER_STATUS_UP, 1, 1,
		    "bond0: member eth1 joined (1 of 1 up)");
	feed(f, slave_link(5, "eth2", 10, true));
	assert_call(f, &seen, "bond0", TRACKER_STATUS_UP, 2, 2,
		    "bond0: member eth2 joined (2 of 2 up)");
	feed(f, slave_link(4, "eth1", 10, false));
	assert_call(f, &seen, "bond0", TRACKER_STATUS_DEGRADED, 1, 2,
		    "bond0: member eth1 down (1 of 2 up)");
	feed(f, slave_link(5, "eth2", 10, false));
	assert_call(f, &seen, "bond0", TRACKER_STATUS_DOWN, 0, 2,
		    "bond0: member eth2 down (0 of 2 up)");
	feed(f, slave_link(4, "eth1", 10, true));
	assert_call(f, &seen, "bond0", TRACKER_STATUS_DEGRADED, 1, 2,
		    "bond0: member eth1 up (1 of 2 up)");
	/* eth2 is released, then enslaved again, healthy. */
	feed(f, plain_link(5, "eth2", false));
	assert_call(f, &seen, "bond0", TRACKER_STATUS_UP, 1, 1,
		    "bond0: member eth2 left (1 of 1 up)");
	feed(f, slave_link(5, "eth2", 10, true));
	assert_call(f, &seen, "bond0", TRACKER_STATUS_UP, 2, 2,
		    "bond0: member eth2 joined (2 of 2 up)");
	/* A member deleted outright leaves too. */
	feed_deleted(f, slave_link(5, "eth2", 10, true));
	assert_call(f, &seen, "bond0", TRACKER_STATUS_UP, 1, 1,
		    "bond0: member eth2 left (1 of 1 up)");
}

static void test_bond_master_down_deleted_recreated(void **state)
{
	struct fixture *f = *state;
	size_t seen = 0;

	link_trackers_add(f->t, TRACKER_BOND, "bond0", 0, 0);
	feed(f, master_link(10, "bond0", "bond", true));
	feed(f, slave_link(4, "eth1", 10, true));
	feed(f, slave_link(5, "eth2", 10, true));
	seen = f->count;
	feed(f, master_link(10, "bond0", "bond", false));
	assert_call(f, &seen, "bond0", TRACKER_STATUS_DOWN, 2, 2, "bond0: master down");
	feed(f, master_link(10, "bond0", "bond", true));
	assert_call(f, &seen, "bond0", TRACKER_STATUS_UP, 2, 2, "bond0: master up, 2 of 2 up");
	/* A member lost while the master was down is named when it returns. */
	feed(f, master_link(10, "bond0", "bond", false));
	feed(f, slave_link(5, "eth2", 10, false));
	seen = f->count - 1;
	assert_call(f, &seen, "bond0", TRACKER_STATUS_DOWN, 1, 2, "bond0: master down");
	feed(f, master_link(10, "bond0", "bond", true));
	assert_call(f, &seen, "bond0", TRACKER_STATUS_DEGRADED, 1, 2,
		    "bond0: master up, member eth2 down (1 of 2 up)");
	feed_deleted(f, master_link(10, "bond0", "bond", false));
	assert_call(f, &seen, "bond0", TRACKER_STATUS_DOWN, 0, 0, "bond0: deleted");
	/* Re-created as ifindex 20: members of the old ifindex do not count. */
	feed(f, master_link(20, "bond0", "bond", true));
	feed(f, slave_link(4, "eth1", 10, true));
	assert_int_equal(f->count, seen);
	feed(f, slave_link(4, "eth1", 20, true));
	assert_call(f, &seen, "bond0", TRACKER_STATUS_UP, 1, 1,
		    "bond0: member eth1 joined (1 of 1 up)");
	/* Re-created again with the deletion lost (an overrun): the new
	 * ifindex alone tells that the old members are gone. */
	feed(f, master_link(30, "bond0", "bond", true));
	assert_call(f, &seen, "bond0", TRACKER_STATUS_DOWN, 0, 0, "bond0: no members");
}

static void test_bond_member_moves_to_other_master(void **state)
{
	struct fixture *f = *state;
	size_t seen = 0;

	link_trackers_add(f->t, TRACKER_BOND, "bond0", 0, 0);
	link_trackers_add(f->t, TRACKER_BOND, "bond1", 0, 0);
	feed(f, master_link(10, "bond0", "bond", true));
	feed(f, master_link(11, "bond1", "bond", true));
	feed(f, slave_link(4, "eth1", 10, true));
	feed(f, slave_link(5, "eth2", 10, true));
	feed(f, slave_link(6, "eth3", 11, true));
	seen = f->count;
	feed(f, slave_link(5, "eth2", 11, true));
	/* One event, two trackers, in the order they were added. */
	assert_int_equal(f->count, seen + 2);
	assert_state(&f->calls[seen], "bond0", TRACKER_STATUS_UP, 1, 1,
		     "bond0: member eth2 left (1 of 1 up)");
	assert_state(&f->calls[seen + 1], "bond1", TRACKER_STATUS_UP, 2, 2,
		     "bond1: member eth2 joined (2 of 2 up)");
}

static void test_bond_member_up_is_mii_not_carrier(void **state)
{
	struct fixture *f = *state;
	size_t seen = 0;
	struct link_info carrier_no_mii = slave_link(4, "eth1", 10, true);

	carrier_no_mii.bond_mii_status = BOND_LINK_FAIL; /* within the bond's downdelay */
	assert_false(bond_member_is_up(&carrier_no_mii));
	struct link_info mii_no_carrier = slave_link(4, "eth1", 10, false);
	mii_no_carrier.bond_mii_status = BOND_LINK_UP;
	assert_true(bond_member_is_up(&mii_no_carrier));
	assert_true(bond_member_is_up(&(struct link_info){.up = true}));
	assert_false(bond_member_is_up(&(struct link_info){.up = false}));

	link_trackers_add(f->t, TRACKER_BOND, "bond0", 0, 0);
	feed(f, master_link(10, "bond0", "bond", true));
	feed(f, slave_link(5, "eth2", 10, true));
	feed(f, carrier_no_mii);
	seen = f->count - 1;
	assert_call(f, &seen, "bond0", TRACKER_STATUS_DEGRADED, 1, 2,
		    "bond0: member eth1 joined (1 of 2 up)");
}

/* A bridge as the aggregate: ports count by carrier. */
static void test_bridge_members_by_carrier(void **state)
{
	struct fixture *f = *state;
	size_t seen = 0;

	link_trackers_add(f->t, TRACKER_BOND, "agg0", 0, 0);
	feed(f, master_link(7, "agg0", "bridge", true));
	feed(f, port_link(8, "m1", 7, true));
	feed(f, port_link(9, "m2", 7, true));
	seen = f->count - 1;
	assert_call(f, &seen, "agg0", TRACKER_STATUS_UP, 2, 2,
		    "agg0: member m2 joined (2 of 2 up)");
	feed(f, port_link(8, "m1", 7, false));
	assert_call(f, &seen, "agg0", TRACKER_STATUS_DEGRADED, 1, 2,
		    "agg0: member m1 down (1 of 2 up)");
	/* The bridge itself is no member of itself, nor is an unrelated link. */
	feed(f, master_link(7, "agg0", "bridge", true));
	feed(f, plain_link(12, "eth0", true));
	assert_int_equal(f->count, seen);
}

/* No bonding attributes from netlink: /proc/net/bonding/NAME decides. */
static void test_bond_proc_fallback(void **state)
{
	struct fixture *f = *state;
	size_t seen = 0;

	link_trackers_set_bond_proc_dir(f->t, TEST_DATA_DIR "/bond");
	/* ab_one_down says eth0 up, eth1 down; the links have carrier. */
	const struct tracker_state *ab = link_trackers_add(f->t, TRACKER_BOND, "ab_one_down", 0, 0);
	feed(f, master_link(10, "ab_one_down", "bond", true));
	feed(f, plain_link(4, "eth0", true));
	struct link_info eth0 = plain_link(4, "eth0", true), eth1 = plain_link(5, "eth1", true);
	eth0.master_ifindex = eth1.master_ifindex = 10;
	feed(f, eth0);
	feed(f, eth1);
	seen = f->count - 1;
	assert_call(f, &seen, "ab_one_down", TRACKER_STATUS_DEGRADED, 1, 2,
		    "ab_one_down: member eth1 joined (1 of 2 up)");
	/* With bonding attributes, netlink wins over the file. */
	feed(f, slave_link(5, "eth1", 10, true));
	assert_call(f, &seen, "ab_one_down", TRACKER_STATUS_UP, 2, 2,
		    "ab_one_down: member eth1 up (2 of 2 up)");
	assert_int_equal(ab->status, TRACKER_STATUS_UP);

	/* A bridge of that name is no bond: carrier decides, no file read. */
	link_trackers_add(f->t, TRACKER_BOND, "rr_all_down", 0, 0);
	feed(f, master_link(20, "rr_all_down", "bridge", true));
	struct link_info port = port_link(21, "eth2", 20, true);
	feed(f, port);
	assert_call(f, &seen, "rr_all_down", TRACKER_STATUS_UP, 1, 1,
		    "rr_all_down: member eth2 joined (1 of 1 up)");
	/* A bond without a status file: carrier decides. */
	link_trackers_add(f->t, TRACKER_BOND, "bond7", 0, 0);
	feed(f, master_link(30, "bond7", "bond", true));
	struct link_info eth3 = plain_link(31, "eth3", true);
	eth3.master_ifindex = 30;
	feed(f, eth3);
	assert_call(f, &seen, "bond7", TRACKER_STATUS_UP, 1, 1,
		    "bond7: member eth3 joined (1 of 1 up)");
}

/* ---- debounce ---- */

struct later {
	ev_timer timer;
	struct fixture *f;
	struct link_info link;
};

static void on_later(struct ev_loop *loop, ev_timer *timer, int revents)
{
	struct later *l = timer->data;

	feed(l->f, l->link);
}

/* Feeds link after delay_ms of loop time. */
static void feed_later(struct fixture *f, struct later *l, double delay_ms, struct link_info link)
{
	l->f = f;
	l->link = link;
	ev_timer_init(&l->timer, on_later, delay_ms / 1000., 0.);
	l->timer.data = l;
	ev_now_update(f->loop);
	ev_timer_start(f->loop, &l->timer);
}

static void test_debounce_short_flap_is_silent(void **state)
{
	struct fixture *f = *state;
	struct later back;
	size_t seen = 0;

	const struct tracker_state *s =
	    link_trackers_add(f->t, TRACKER_INTERFACE, "eth1", 0, 300 * MS);
	feed(f, plain_link(3, "eth1", true)); /* up_delay 0: at once */
	assert_call(f, &seen, "eth1", TRACKER_STATUS_UP, 0, 0, "interface eth1 UP");
	feed(f, plain_link(3, "eth1", false));
	feed_later(f, &back, 20, plain_link(3, "eth1", true));
	/* Runs until no timer is left: the flap ended before down_delay. */
	ev_run(f->loop, 0);
	assert_int_equal(f->count, seen);
	assert_int_equal(s->status, TRACKER_STATUS_UP);
}

static void test_debounce_long_loss_is_one_callback(void **state)
{
	struct fixture *f = *state;
	size_t seen = 0;

	link_trackers_add(f->t, TRACKER_INTERFACE, "eth1", 0, 50 * MS);
	feed(f, plain_link(3, "eth1", true));
	assert_call(f, &seen, "eth1", TRACKER_STATUS_UP, 0, 0, "interface eth1 UP");
	ev_now_update(f->loop);
	ev_tstamp start = ev_now(f->loop);
	feed(f, plain_link(3, "eth1", false));
	feed(f, plain_link(3, "eth1", false)); /* a repeat does not restart the wait */
	assert_int_equal(f->count, seen);
	ev_run(f->loop, 0);
	assert_call(f, &seen, "eth1", TRACKER_STATUS_DOWN, 0, 0, "interface eth1 DOWN");
	assert_true(ev_now(f->loop) - start >= 0.049);
}

static void test_debounce_up_delay(void **state)
{
	struct fixture *f = *state;
	size_t seen = 0;

	const struct tracker_state *s =
	    link_trackers_add(f->t, TRACKER_INTERFACE, "eth1", 40 * MS, 0);
	feed(f, plain_link(3, "eth1", false)); /* unknown -> down: no change */
	feed(f, plain_link(3, "eth1", true));
	assert_int_equal(f->count, 0);
	assert_int_equal(s->status, TRACKER_STATUS_DOWN);
	ev_run(f->loop, 0);
	assert_call(f, &seen, "eth1", TRACKER_STATUS_UP, 0, 0, "interface eth1 UP");
	/* Losses are not delayed by up_delay. */
	feed(f, plain_link(3, "eth1", false));
	assert_call(f, &seen, "eth1", TRACKER_STATUS_DOWN, 0, 0, "interface eth1 DOWN");
}

/* A further change while waiting must itself last the full delay; only
 * the final state is reported. */
static void test_debounce_new_change_restarts(void **state)
{
	struct fixture *f = *state;
	struct later second;
	size_t seen = 0;

	link_trackers_add(f->t, TRACKER_BOND, "bond0", 0, 60 * MS);
	feed(f, master_link(10, "bond0", "bond", true));
	feed(f, slave_link(4, "eth1", 10, true));
	feed(f, slave_link(5, "eth2", 10, true));
	seen = f->count;
	assert_int_equal(seen, 2);
	feed(f, slave_link(4, "eth1", 10, false));
	feed_later(f, &second, 30, slave_link(5, "eth2", 10, false));
	ev_now_update(f->loop);
	ev_tstamp start = ev_now(f->loop);
	ev_run(f->loop, 0);
	assert_call(f, &seen, "bond0", TRACKER_STATUS_DOWN, 0, 2,
		    "bond0: member eth2 down (0 of 2 up)");
	assert_true(ev_now(f->loop) - start >= 0.089);
}

/* Freed with a debounce pending: the timer leaves the loop with it. */
static void test_free_with_pending_debounce(void **state)
{
	struct fixture *f = *state;

	link_trackers_add(f->t, TRACKER_INTERFACE, "eth1", 0, 0);
	link_trackers_add(f->t, TRACKER_INTERFACE, "eth1", 0, 10000 * MS);
	feed(f, plain_link(3, "eth1", true));
	feed(f, plain_link(3, "eth1", false));
	assert_int_equal(f->count, 3); /* up twice, down once (no delay) */
	link_trackers_free(f->t);
	f->t = NULL;
	/* Nothing left to wait for: returns at once, not after 10 s. */
	ev_tstamp start = ev_time();
	ev_run(f->loop, 0);
	assert_true(ev_time() - start < 5.0);
	assert_int_equal(f->count, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_add_finds_or_creates, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sync_without_netlink_does_nothing, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_sync_from_kernel, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_interface_up_down_delete_recreate, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_interface_other_links_and_repeats_ignored, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_interface_renamed_away, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bond_members_lost_and_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bond_master_down_deleted_recreated, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_bond_member_moves_to_other_master, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_bond_member_up_is_mii_not_carrier, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_bridge_members_by_carrier, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bond_proc_fallback, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_debounce_short_flap_is_silent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_debounce_long_loss_is_one_callback, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_debounce_up_delay, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_debounce_new_change_restarts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_free_with_pending_debounce, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
