/*
 * instance.h - one configured virtual router at run time: the pure state
 * machine (fsm.h) plus everything it needs to act in the world. This is the
 * only place that turns state-machine actions into I/O: adverts sent, VIPs
 * added and removed through netlink, GARP bursts, libev timers, log lines
 * and events.
 */
#ifndef FAILOVERD_INSTANCE_H
#define FAILOVERD_INSTANCE_H

#include <ev.h>
#include <stdbool.h>
#include <stdint.h>

#include "failoverd/config.h"
#include "failoverd/fsm.h"
#include "failoverd/packet.h"
#include "failoverd/track.h"

struct daemon;
struct vrrp_channel;
struct sync_group;
struct notify_queue;

/*
 * Why an instance is in FAULT, as a bitmask (several causes can overlap;
 * FAULT ends only when all have cleared).
 */
enum instance_fault {
	INSTANCE_FAULT_LINK = 1u << 0,       /* the VRRP interface is down or missing */
	INSTANCE_FAULT_TRACKER = 1u << 1,    /* a tracker without weight fails */
	INSTANCE_FAULT_SYNC_GROUP = 1u << 2, /* another member of the group is in FAULT */
};
#define INSTANCE_FAULT_OWN (INSTANCE_FAULT_LINK | INSTANCE_FAULT_TRACKER)

struct instance_counters {
	uint64_t adverts_sent;
	uint64_t adverts_received;
	uint64_t priority_zero_sent;
	uint64_t priority_zero_received;
	uint64_t garps_sent;
	uint64_t transitions;
	uint64_t send_errors;
	uint64_t lower_priority_replies;
};

#define INSTANCE_PEER_MEMORY 8

/* What we learnt about a peer that talks to us: which v3/IPv4 checksum
 * convention it uses (DESIGN: record it per peer). */
struct instance_peer {
	struct ip_address address;
	enum vrrp_checksum_mode checksum_mode;
	uint64_t adverts;
};

struct vrrp_instance {
	struct daemon *daemon;
	const struct instance_config *cfg;
	struct vrrp_channel *channel;
	struct vrrp_fsm fsm;
	ev_timer advert_timer;
	ev_timer master_down_timer;
	ev_timer garp_timer;    /* next GARP of the current burst */
	ev_timer garp_delay_timer; /* second burst garp.delay after MASTER */
	ev_timer garp_refresh_timer;
	ev_timer maintenance_timer; /* fallback when no peer takes over */
	unsigned int garp_remaining;
	bool in_advert_tick;
	int ifindex;            /* 0 while the interface is missing */
	bool link_up;
	uint8_t mac[6];
	struct ip_address primary; /* source of our adverts, tie-break */
	bool vips_installed;
	bool *peer_on_link;     /* unicast: per cfg->unicast.peers */
	struct vrrp_advert advert; /* prebuilt; priority set per send */
	struct ip_address *advertised; /* cfg->vips addresses, for match() */
	int64_t state_since_us;
	enum vrrp_reason last_reason;
	struct instance_counters counters;
	uint64_t failed_sends; /* consecutive; reset by the next good send */
	struct instance_peer peers[INSTANCE_PEER_MEMORY];
	size_t peer_count;
	unsigned int fault_mask;       /* enum instance_fault bits */
	enum vrrp_reason fault_reason; /* of the last change to an own cause */
	bool own_fault_at_entry;       /* FAULT was entered for an own cause */
	bool started;                  /* between instance_start and instance_stop */
	struct track_ref *track_refs;  /* this instance's trackers and weights */
	size_t track_ref_count;
	struct sync_group *group;      /* NULL: not in a sync group */
	struct notify_queue *notify;   /* NULL: no notify scripts */
};

int instance_init(struct vrrp_instance *inst, struct daemon *d, const struct instance_config *cfg,
		  struct vrrp_channel *channel);
void instance_free(struct vrrp_instance *inst);

/* Resolves the interface, clears stale VIPs and starts the protocol. */
void instance_start(struct vrrp_instance *inst);

/* Shutdown: priority 0 if MASTER, VIPs removed, INIT. */
void instance_stop(struct vrrp_instance *inst);

/* A validated advert addressed to this instance. */
void instance_receive(struct vrrp_instance *inst, const struct vrrp_advert *adv,
		      const struct ip_address *source);

/* The interface came or went (by name). */
void instance_link_changed(struct vrrp_instance *inst, int ifindex, bool up, const uint8_t mac[6]);

/* Whether source may talk to this instance (unicast: a listed peer). */
bool instance_accepts_source(const struct vrrp_instance *inst, const struct ip_address *source,
			     bool *check_ttl);

void instance_build_expect(const struct vrrp_instance *inst, struct vrrp_rx_expect *expect);

/* Recomputes effective priority and tracker FAULT from the trackers' current
 * states; changed (may be NULL) names the tracker that moved, for the log.
 * _recompute only updates (returns whether the priority changed); _settle
 * then lets the state machine act; _changed does both. Several instances
 * affected by one change are all recomputed before any is settled. */
bool instance_trackers_recompute(struct vrrp_instance *inst, const struct tracker_state *changed);
void instance_trackers_settle(struct vrrp_instance *inst, bool priority_changed);
void instance_trackers_changed(struct vrrp_instance *inst, const struct tracker_state *changed);

/* Sets or clears one fault cause; the state machine hears FAULT when the
 * first cause appears and FAULT_CLEARED (with reason) when the last goes.
 * _update changes only the mask; _settle tells the state machine. */
void instance_update_fault(struct vrrp_instance *inst, unsigned int cause, bool on,
			   enum vrrp_reason reason);
void instance_settle_faults(struct vrrp_instance *inst);
void instance_set_fault(struct vrrp_instance *inst, unsigned int cause, bool on,
			enum vrrp_reason reason);

/* Maintenance on: hand over make-before-break and stay BACKUP; off: back
 * to normal (the timers and preempt decide). */
void instance_set_maintenance(struct vrrp_instance *inst, bool on);

/* Reload: switch to cfg (same identity) and apply delta (config_diff.h
 * bits) in place; nothing is sent unless something changed. 0 or -errno. */
int instance_reconfigure(struct vrrp_instance *inst, const struct instance_config *cfg,
			 unsigned int delta);

/* FORCE_MASTER / FORCE_BACKUP with a reason (sync_group, admin). */
void instance_force(struct vrrp_instance *inst, enum vrrp_event_type type, enum vrrp_reason reason);

/* Whether this instance uses the tracker whose state is at st. */
bool instance_uses_tracker(const struct vrrp_instance *inst, const struct tracker_state *st);

#endif
