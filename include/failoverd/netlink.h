/*
 * netlink.h - everything failoverd asks of or tells the kernel's routing
 * netlink, through libnl-route-3: VIPs added and removed, link and address
 * lookups, and link events delivered into the libev loop.
 *
 * One request socket (struct netlink) for queries and changes, one event
 * socket (struct link_watch) subscribed to RTNLGRP_LINK. Interfaces are
 * followed by name: a link deleted and re-created gets a new ifindex, and
 * the watcher reports it under the same name.
 */
#ifndef FAILOVERD_NETLINK_H
#define FAILOVERD_NETLINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "failoverd/address.h"

struct nl_sock;
struct ev_loop;

struct netlink {
	struct nl_sock *sk;
};

int netlink_open(struct netlink *nl);
void netlink_close(struct netlink *nl);

struct link_info {
	int ifindex;
	char name[IFNAMSIZ];
	bool up; /* admin up, operstate up (or unknown for loopback-like), carrier */
	uint8_t mac[6];
	unsigned int mtu;
	int master_ifindex;   /* IFLA_MASTER: the bond/bridge/team it belongs to; 0 = none */
	char kind[16];        /* IFLA_INFO_KIND: "bond", "bridge", "veth"...; "" = plain NIC */
	char slave_kind[16];  /* IFLA_INFO_SLAVE_KIND: its master's kind; "" = not a port */
	bool has_bond_slave;  /* IFLA_BOND_SLAVE_* attributes were present */
	int bond_slave_state; /* BOND_STATE_ACTIVE (0) / BOND_STATE_BACKUP (1); -1 unknown */
	int bond_mii_status;  /* BOND_LINK_UP (0) / FAIL / DOWN / BACK; -1 unknown */
};

/* Looks a link up by name: 0, -ENODEV, or another -errno. */
int netlink_link_get(struct netlink *nl, const char *name, struct link_info *out);

/*
 * The interface's primary address of a family, skipping the addresses in
 * skip[] (our VIPs): IPv4, the first address in kernel order; IPv6, the
 * first link-local. 0, -ENOENT if none, or -errno.
 */
int netlink_primary_address(struct netlink *nl, int ifindex, int family,
			    const struct ip_prefix *skip, size_t skip_count, struct ip_address *out);

/*
 * Adds a VIP (IPv6 with IFA_F_NODAD; IPv4 with label, which may be NULL).
 * Returns 0 if added, 1 if it was already present, or -errno.
 */
int netlink_vip_add(struct netlink *nl, int ifindex, const struct ip_prefix *vip, const char *label);

/* Removes a VIP: 0 if removed, 1 if it was not present, or -errno. */
int netlink_vip_remove(struct netlink *nl, int ifindex, const struct ip_prefix *vip);

/* Whether the address is on the interface now: 1, 0, or -errno. */
int netlink_vip_present(struct netlink *nl, int ifindex, const struct ip_prefix *vip);

/* Link events. */
typedef void (*link_event_fn)(void *ctx, const struct link_info *link, bool deleted);

struct link_watch {
	struct nl_sock *sk;
	struct ev_loop *loop;
	void *io; /* struct ev_io, kept opaque here */
	link_event_fn callback;
	void *ctx;
	unsigned long overruns; /* ENOBUFS seen (events lost; a resync followed) */
};

/* Subscribes to link events; callback runs for every RTM_NEWLINK/DELLINK of
 * family AF_UNSPEC, and for every link after an overrun (resync). */
int link_watch_open(struct link_watch *w, struct ev_loop *loop, link_event_fn callback, void *ctx);
void link_watch_close(struct link_watch *w);

/* Every link the kernel has now (for the initial state of trackers). Calls
 * callback(ctx, link, false) for each. 0 or -errno. */
int netlink_link_dump(struct netlink *nl, link_event_fn callback, void *ctx);

/* libnl error (positive NLE_*) to a negative errno. */
int netlink_errno(int nl_error);

#endif
