/*
 * track.h - trackers: the things outside VRRP whose failure must move
 * mastership (an uplink, one leg of a bond, a service that stopped
 * answering), and the one place where they turn into an instance's
 * effective priority or FAULT.
 *
 * Effective priority is always recomputed from scratch as
 *   configured priority + sum of the weights of the trackers failing now
 * clamped to 1..254, never by applying deltas, so no sequence of events or
 * reloads can make it drift. An owner (255) keeps 255. A tracker referenced
 * without a weight puts the instance in FAULT while it fails; a bond is in
 * FAULT below min_members up, and otherwise costs weight per lost member.
 */
#ifndef FAILOVERD_TRACK_H
#define FAILOVERD_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "failoverd/config.h"

enum tracker_kind { TRACKER_INTERFACE = 0, TRACKER_BOND, TRACKER_CHECK };

enum tracker_status {
	TRACKER_STATUS_UP = 0,
	TRACKER_STATUS_DOWN,
	TRACKER_STATUS_DEGRADED, /* bonds: some members lost */
};

/* What a tracker looks like now; owned by the tracker runtime. */
struct tracker_state {
	enum tracker_kind kind;
	char name[CONFIG_NAME_MAX];
	enum tracker_status status;
	unsigned int members_total; /* bonds */
	unsigned int members_up;    /* bonds */
	char detail[160];           /* human reason of the last change */
};

/* One instance's use of a tracker: its config item (weight, min_members)
 * and the tracker's live state. */
struct track_ref {
	const struct track_item *item;
	const struct tracker_state *state;
};

struct track_verdict {
	int priority;                      /* effective, 1..254 (255 for owners) */
	bool fault;                        /* some tracker forces FAULT */
	const struct track_ref *fault_ref; /* the first one that does */
	const struct track_ref *lowest_ref; /* the failing weighted tracker costing most */
};

/* Pure: the effective priority and FAULT verdict for base and refs. */
void track_compute(uint8_t base, const struct track_ref *refs, size_t count,
		   struct track_verdict *out);

/* Whether one reference currently fails, what its weight costs now (0 when
 * healthy or unweighted), and whether it forces FAULT. */
bool track_ref_failing(const struct track_ref *ref, int *cost, bool *forces_fault);

const char *tracker_kind_name(enum tracker_kind kind);     /* "interface", "bond", "check" */
const char *tracker_status_name(enum tracker_status status); /* "up", "down", "degraded" */

#endif
