/*
 * link_track.h - interface and bond trackers, fed by netlink link events
 * (no polling).
 *
 * Interfaces are tracked by name: a link deleted and re-created under the
 * same name (new ifindex) is followed. A bond tracker follows any master
 * device (bond, team, bridge): its members are the links whose IFLA_MASTER
 * points at it, learnt from the same events; a member is up when the
 * bonding driver says MII up (IFLA_BOND_SLAVE_MII_STATUS) or, without
 * bonding attributes, when it has carrier and is up. Where the kernel
 * gives no bonding attributes for a bond, /proc/net/bonding/NAME is read
 * as a fallback. Changes can be debounced (up_delay / down_delay) against
 * flapping links.
 *
 * The parsers (bond /proc text, member evaluation) are pure and tested
 * with recorded data: the machine this was built on has no bonding driver.
 */
#ifndef FAILOVERD_LINK_TRACK_H
#define FAILOVERD_LINK_TRACK_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "failoverd/netlink.h"
#include "failoverd/track.h"

struct ev_loop;

#define LINK_TRACK_MAX_MEMBERS 32

struct bond_member {
	int ifindex;
	char name[IFNAMSIZ];
	bool up;
};

struct link_tracker; /* opaque */

/* Called after a tracker's state changed (after any debounce). */
typedef void (*link_tracker_fn)(void *ctx, const struct tracker_state *state);

struct link_trackers; /* opaque registry */

struct link_trackers *link_trackers_create(struct ev_loop *loop, struct netlink *nl,
					   link_tracker_fn callback, void *ctx);
void link_trackers_free(struct link_trackers *t);

/* Registers (or finds) the tracker for (kind, name); the same name and kind
 * with other delays is a separate tracker. The state pointer stays valid
 * until link_trackers_free. */
const struct tracker_state *link_trackers_add(struct link_trackers *t, enum tracker_kind kind,
					      const char *name, int64_t up_delay_us,
					      int64_t down_delay_us);

/* Reads the current state of every tracker from the kernel (a link dump);
 * no callback, no debounce: this is the starting point. 0 or -errno. */
int link_trackers_sync(struct link_trackers *t);

/* Feeds one link event (the daemon forwards link_watch events here). */
void link_trackers_on_link(struct link_trackers *t, const struct link_info *link, bool deleted);

/* ---- pure helpers (tested with recorded data) ---- */

/* Whether a bond member counts as up from its link_info. */
bool bond_member_is_up(const struct link_info *link);

/* Parses the text of /proc/net/bonding/NAME: fills members (name, up from
 * "MII Status"), returns how many (<= max), or -EINVAL if it is not a
 * bonding status text. */
int bond_proc_parse(const char *text, struct bond_member *members, size_t max);

#endif
