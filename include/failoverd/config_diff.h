/*
 * config_diff.h - what a reload changes (pure).
 *
 * Instances are matched by name. An instance is
 *   unchanged  - every setting equal: it keeps its state, VIPs and timers,
 *                and nothing is sent (no advert out of rhythm, no GARP);
 *   changed    - same identity (interface, vrid, family, version, unicast
 *                mode) but other settings differ: applied in place;
 *   replaced   - its identity changed: stopped as removed, started as added;
 *   removed / added.
 * A check is "changed" when any of its settings differ (it is restarted);
 * otherwise it keeps running with its current state.
 */
#ifndef FAILOVERD_CONFIG_DIFF_H
#define FAILOVERD_CONFIG_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "failoverd/config.h"

enum config_change {
	CONFIG_UNCHANGED = 0,
	CONFIG_CHANGED,
	CONFIG_REPLACED,
	CONFIG_ADDED,
	CONFIG_REMOVED,
};

/* What differs in a CONFIG_CHANGED instance (bits). */
enum config_instance_delta {
	CONFIG_DELTA_PRIORITY = 1u << 0,  /* priority */
	CONFIG_DELTA_VIPS = 1u << 1,      /* virtual_addresses / _excluded */
	CONFIG_DELTA_TIMING = 1u << 2,    /* advert_interval, preempt, preempt_delay, initial_state */
	CONFIG_DELTA_TRACK = 1u << 3,     /* track */
	CONFIG_DELTA_NOTIFY = 1u << 4,    /* notify */
	CONFIG_DELTA_GARP = 1u << 5,      /* garp */
	CONFIG_DELTA_OTHER = 1u << 6,     /* accept, checksum, auth, peers list, vmac, ... */
	CONFIG_DELTA_SYNC_GROUP = 1u << 7, /* its sync group membership or group settings */
};

struct config_instance_diff {
	const char *name;
	enum config_change change;
	unsigned int delta;                  /* CONFIG_CHANGED: enum config_instance_delta bits */
	const struct instance_config *old;   /* NULL when added */
	const struct instance_config *new;   /* NULL when removed */
};

struct config_diff {
	struct config_instance_diff *instances; /* new order first, then removed ones */
	size_t instance_count;
	size_t added, removed, changed, replaced, unchanged;
	/* checks by name: CONFIG_UNCHANGED / CHANGED / ADDED / REMOVED */
	struct {
		const char *name;
		enum config_change change;
	} *checks;
	size_t check_count;
	bool global_changed; /* node_name, event_log, control_socket, facility */
};

/* 0, or -ENOMEM. Free with config_diff_free. */
int config_diff_compute(const struct failoverd_config *old, const struct failoverd_config *new,
			struct config_diff *out);
void config_diff_free(struct config_diff *diff);

const char *config_change_name(enum config_change change); /* "unchanged", "changed", ... */

#endif
