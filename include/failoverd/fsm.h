/*
 * fsm.h - the VRRP state machine of one virtual router (pure).
 *
 * RFC 5798 6.4 (INIT, BACKUP, MASTER) plus FAULT, the state a router is in
 * while it cannot serve (VRRP interface down; later, a tracker without a
 * weight). vrrp_fsm_handle() takes one event and the current time and
 * returns the new state, the reason for any change and an ordered list of
 * actions for the caller to carry out (send an advert, add VIPs, arm a
 * timer...). It never touches a socket, a clock or a global: the instance
 * runtime (src/vrrp/instance.c) is the only place that turns actions into
 * I/O, and tests drive it with plain structs.
 *
 * Times are microseconds on a monotonic clock chosen by the caller.
 * Intervals are centiseconds, as in the packet (v2's seconds * 100).
 */
#ifndef FAILOVERD_FSM_H
#define FAILOVERD_FSM_H

#include <stdbool.h>
#include <stdint.h>

#include "failoverd/address.h"

enum vrrp_state {
	VRRP_STATE_INIT = 0,
	VRRP_STATE_BACKUP,
	VRRP_STATE_MASTER,
	VRRP_STATE_FAULT,
	VRRP_STATE_COUNT
};

/* Why a state changed: the event log's state.reason. */
enum vrrp_reason {
	VRRP_REASON_NONE = 0,
	VRRP_REASON_STARTUP,
	VRRP_REASON_MASTER_DOWN_TIMER,
	VRRP_REASON_HIGHER_PRIORITY_ADVERT,
	VRRP_REASON_PRIORITY_ZERO_RECEIVED,
	VRRP_REASON_PREEMPT,
	VRRP_REASON_LINK_DOWN,
	VRRP_REASON_LINK_UP,
	VRRP_REASON_TRACKER_FAULT,
	VRRP_REASON_TRACKER_RECOVERED,
	VRRP_REASON_SYNC_GROUP,
	VRRP_REASON_SHUTDOWN,
	VRRP_REASON_ADMIN,
	VRRP_REASON_COUNT
};

enum vrrp_event_type {
	VRRP_EVENT_STARTUP = 0,     /* INIT: start the protocol */
	VRRP_EVENT_SHUTDOWN,        /* leave to INIT (priority 0 if MASTER) */
	VRRP_EVENT_ADVERT,          /* a valid advert for this VRID */
	VRRP_EVENT_MASTER_DOWN_TIMER,
	VRRP_EVENT_ADVERT_TIMER,
	VRRP_EVENT_FAULT,           /* cannot serve; .reason says why */
	VRRP_EVENT_FAULT_CLEARED,   /* can serve again; .reason says why */
	VRRP_EVENT_PRIORITY_CHANGED, /* effective priority now cfg.priority */
	VRRP_EVENT_FORCE_MASTER,    /* BACKUP -> MASTER now; .reason (sync_group) */
	VRRP_EVENT_FORCE_BACKUP,    /* MASTER -> BACKUP now, priority 0 sent; .reason */
	VRRP_EVENT_COUNT
};

struct vrrp_event {
	enum vrrp_event_type type;
	enum vrrp_reason reason;    /* FAULT, FAULT_CLEARED, FORCE_*: why */
	/* ADVERT only: */
	uint8_t priority;
	uint16_t interval_cs;
	struct ip_address source;   /* the advert's IP source */
};

enum vrrp_action_type {
	VRRP_ACTION_ADD_VIPS = 0,
	VRRP_ACTION_REMOVE_VIPS,
	VRRP_ACTION_SEND_ADVERT,       /* .priority: effective or 0 */
	VRRP_ACTION_SEND_GARP,         /* start the GARP / unsolicited NA burst */
	VRRP_ACTION_ARM_ADVERT_TIMER,  /* .delay_us; replaces a running one */
	VRRP_ACTION_STOP_ADVERT_TIMER,
	VRRP_ACTION_ARM_MASTER_DOWN_TIMER, /* .delay_us; replaces a running one */
	VRRP_ACTION_STOP_MASTER_DOWN_TIMER,
};

struct vrrp_action {
	enum vrrp_action_type type;
	int64_t delay_us;  /* ARM_* */
	uint8_t priority;  /* SEND_ADVERT */
};

#define VRRP_FSM_MAX_ACTIONS 8
#define VRRP_FSM_PEER_MEMORY 8 /* peers remembered for the reply rate limit */
#define VRRP_FSM_FAREWELLS 3    /* new master's adverts answered after yielding */

struct vrrp_fsm_result {
	enum vrrp_state from, to;
	bool changed;               /* from != to */
	enum vrrp_reason reason;    /* why, when changed */
	int n_actions;
	struct vrrp_action actions[VRRP_FSM_MAX_ACTIONS];
};

struct vrrp_fsm_config {
	uint8_t priority;           /* effective priority, 1..255 (255 = owner) */
	uint16_t advert_interval_cs; /* our Advertisement_Interval */
	uint8_t version;            /* 2 or 3: picks the skew formula */
	bool preempt;
	int64_t preempt_delay_us;   /* after leaving INIT/FAULT, before preempting */
	bool initial_master;        /* initial_state = "MASTER" hint */
	struct ip_address primary;  /* our primary address, for the tie-break */
	bool maintenance;           /* operator hand-over: never become MASTER */
};

struct vrrp_peer_reply {
	struct ip_address peer;
	int64_t at_us;
};

struct vrrp_fsm {
	struct vrrp_fsm_config cfg;
	enum vrrp_state state;
	uint16_t master_adver_interval_cs; /* learnt from the master */
	struct ip_address master;          /* the master we follow; family 0 = none */
	bool preempting;                   /* a lower-priority master is being ignored */
	bool priority_zero_seen;           /* master-down armed to skew by priority 0 */
	int64_t backup_since_us;           /* entered BACKUP from INIT/FAULT */
	uint8_t farewells_left;            /* after yielding: adverts still to answer */
	struct vrrp_peer_reply replies[VRRP_FSM_PEER_MEMORY];
};

void vrrp_fsm_init(struct vrrp_fsm *fsm, const struct vrrp_fsm_config *cfg);

/* Handles one event at time now_us; fills *out (always, also when nothing
 * changes). */
void vrrp_fsm_handle(struct vrrp_fsm *fsm, const struct vrrp_event *event, int64_t now_us,
		     struct vrrp_fsm_result *out);

/* RFC 5798 6.1 timers for the fsm's current priority and learnt interval. */
int64_t vrrp_fsm_skew_time_us(const struct vrrp_fsm *fsm);
int64_t vrrp_fsm_master_down_interval_us(const struct vrrp_fsm *fsm);

const char *vrrp_state_name(enum vrrp_state state);   /* "MASTER", ... */
const char *vrrp_reason_name(enum vrrp_reason reason); /* "master_down_timer", ... */
const char *vrrp_event_name(enum vrrp_event_type type);

#endif
