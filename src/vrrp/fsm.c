/*
 * fsm.c - the VRRP state machine of one virtual router (RFC 5798 6.4 + FAULT).
 *
 * Pure: vrrp_fsm_handle() reads one event and the caller's "now", updates
 * the small struct vrrp_fsm and writes the next state, the reason and an
 * ordered list of actions into a vrrp_fsm_result. It owns no clock, timer,
 * socket or allocation; the instance runtime turns the actions into I/O and
 * feeds timer expiries back in as events. That keeps every protocol decision
 * here, testable from plain structs, and keeps I/O out of this file.
 *
 * Layout: one handler per state (fsm_handle_init/backup/master/fault), each a
 * switch over the event type. Anything a state does not expect (an advert in
 * INIT, a stale Master_Down_Timer in MASTER...) falls through to "no change,
 * no action", so a late timer can never move the state.
 *
 * Beyond RFC 5798 (see DESIGN.md, protocol notes):
 *  - FAULT: the router cannot serve (link down, tracker without weight).
 *    Leaving it goes to BACKUP and waits a full Master_Down_Interval.
 *  - A BACKUP honours priority 0 only from the master it follows.
 *  - A MASTER answers a lower-priority advert at once with an advert and a
 *    GARP (heals stale ARP after a split brain), at most once per advert
 *    interval per peer so forged floods are never amplified.
 *  - preempt_delay: after entering BACKUP from INIT/FAULT, lower-priority
 *    adverts still reset the timer until the delay has elapsed.
 */
#include "failoverd/fsm.h"

#include <string.h>

#define USEC_PER_CENTISECOND 10000
#define USEC_PER_SECOND 1000000
#define VRRP_PRIORITY_OWNER 255

static int64_t fsm_centiseconds_to_us(uint16_t cs)
{
	return (int64_t)cs * USEC_PER_CENTISECOND;
}

static int64_t fsm_advert_interval_us(const struct vrrp_fsm *fsm)
{
	return fsm_centiseconds_to_us(fsm->cfg.advert_interval_cs);
}

/* An address owner becomes MASTER at once, unless an operator put it in
 * maintenance. */
static bool fsm_is_owner(const struct vrrp_fsm *fsm)
{
	return fsm->cfg.priority == VRRP_PRIORITY_OWNER && !fsm->cfg.maintenance;
}

/*
 * RFC 5798 6.1: Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256.
 * The interval is in centiseconds; multiply to microseconds before dividing
 * so the result is exact to the microsecond. VRRPv2 (RFC 3768 6.1) defines
 * Skew_Time = (256 - Priority) / 256 seconds, independent of the interval.
 */
int64_t vrrp_fsm_skew_time_us(const struct vrrp_fsm *fsm)
{
	int64_t weight = 256 - (int64_t)fsm->cfg.priority;

	if (fsm->cfg.version == 2)
		return weight * USEC_PER_SECOND / 256;
	return weight * fsm_centiseconds_to_us(fsm->master_adver_interval_cs) / 256;
}

/* RFC 5798 6.1: Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time. */
int64_t vrrp_fsm_master_down_interval_us(const struct vrrp_fsm *fsm)
{
	return 3 * fsm_centiseconds_to_us(fsm->master_adver_interval_cs) +
	       vrrp_fsm_skew_time_us(fsm);
}

void vrrp_fsm_init(struct vrrp_fsm *fsm, const struct vrrp_fsm_config *cfg)
{
	memset(fsm, 0, sizeof(*fsm));
	fsm->cfg = *cfg;
	fsm->state = VRRP_STATE_INIT;
	fsm->master_adver_interval_cs = cfg->advert_interval_cs;
}

/* ---- result building ----------------------------------------------------- */

static void fsm_result_begin(struct vrrp_fsm_result *out, enum vrrp_state state)
{
	memset(out, 0, sizeof(*out));
	out->from = state;
	out->to = state;
	out->reason = VRRP_REASON_NONE;
}

static void fsm_result_push(struct vrrp_fsm_result *out, enum vrrp_action_type type,
			    int64_t delay_us, uint8_t priority)
{
	if (out->n_actions >= VRRP_FSM_MAX_ACTIONS)
		return; /* cannot happen: no transition needs more than four */
	out->actions[out->n_actions++] = (struct vrrp_action){
	    .type = type,
	    .delay_us = delay_us,
	    .priority = priority,
	};
}

static void fsm_push_send_advert(struct vrrp_fsm_result *out, uint8_t priority)
{
	fsm_result_push(out, VRRP_ACTION_SEND_ADVERT, 0, priority);
}

static void fsm_push_arm_advert_timer(const struct vrrp_fsm *fsm, struct vrrp_fsm_result *out)
{
	fsm_result_push(out, VRRP_ACTION_ARM_ADVERT_TIMER, fsm_advert_interval_us(fsm), 0);
}

static void fsm_push_arm_master_down(struct vrrp_fsm_result *out, int64_t delay_us)
{
	fsm_result_push(out, VRRP_ACTION_ARM_MASTER_DOWN_TIMER, delay_us, 0);
}

static void fsm_push_simple(struct vrrp_fsm_result *out, enum vrrp_action_type type)
{
	fsm_result_push(out, type, 0, 0);
}

/* ---- per-state bookkeeping --------------------------------------------- */

static void fsm_forget_master(struct vrrp_fsm *fsm)
{
	memset(&fsm->master, 0, sizeof(fsm->master));
	fsm->preempting = false;
	fsm->priority_zero_seen = false;
}

static void fsm_set_state(struct vrrp_fsm *fsm, struct vrrp_fsm_result *out, enum vrrp_state state,
			  enum vrrp_reason reason)
{
	fsm->state = state;
	out->to = state;
	out->changed = out->from != state;
	out->reason = out->changed ? reason : VRRP_REASON_NONE;
}

/*
 * RFC 5798 6.4.1 / 6.4.2 "transition to the Master state": claim the VIPs,
 * send an advert, announce the VIPs (GARP / unsolicited NA), start the
 * Adver_Timer. The VIPs are added first so the GARP announces an address
 * the host already answers for.
 */
static void fsm_enter_master(struct vrrp_fsm *fsm, struct vrrp_fsm_result *out,
			     enum vrrp_reason reason)
{
	fsm_forget_master(fsm);
	memset(fsm->replies, 0, sizeof(fsm->replies));
	fsm->farewells_left = 0;
	fsm_set_state(fsm, out, VRRP_STATE_MASTER, reason);
	fsm_push_simple(out, VRRP_ACTION_ADD_VIPS);
	fsm_push_send_advert(out, fsm->cfg.priority);
	fsm_push_simple(out, VRRP_ACTION_SEND_GARP);
	fsm_push_arm_advert_timer(fsm, out);
}

/*
 * Entering BACKUP from INIT or FAULT (RFC 5798 6.4.1): Master_Adver_Interval
 * starts as our own Advertisement_Interval, the Master_Down_Timer runs for
 * delay_us, and preempt_delay counts from now.
 */
static void fsm_enter_backup_fresh(struct vrrp_fsm *fsm, struct vrrp_fsm_result *out,
				   int64_t now_us, enum vrrp_reason reason, bool hint_master)
{
	int64_t delay_us;

	fsm_forget_master(fsm);
	fsm->master_adver_interval_cs = fsm->cfg.advert_interval_cs;
	fsm->backup_since_us = now_us;
	fsm->farewells_left = 0;
	/*
	 * initial_state = "MASTER" is only a hint: wait one advert interval
	 * plus Skew_Time instead of the full Master_Down_Interval. That is long
	 * enough to hear one advert from a master already running (which then
	 * keeps us BACKUP as usual) and short enough to start serving fast when
	 * we are alone. Skew keeps two hinted routers from colliding.
	 */
	if (hint_master)
		delay_us = fsm_advert_interval_us(fsm) + vrrp_fsm_skew_time_us(fsm);
	else
		delay_us = vrrp_fsm_master_down_interval_us(fsm);
	fsm_set_state(fsm, out, VRRP_STATE_BACKUP, reason);
	fsm_push_arm_master_down(out, delay_us);
}

/* RFC 5798 6.4.2: follow this master and learn its Advertisement_Interval. */
static void fsm_follow_master(struct vrrp_fsm *fsm, const struct vrrp_event *event)
{
	fsm->master = event->source;
	/* v2 intervals must be equal (RFC 3768 7.1), so there is nothing to learn. */
	if (fsm->cfg.version != 2 && event->interval_cs != 0)
		fsm->master_adver_interval_cs = event->interval_cs;
	fsm->preempting = false;
	fsm->priority_zero_seen = false;
}

/* ---- INIT ---------------------------------------------------------------- */

static void fsm_handle_init(struct vrrp_fsm *fsm, const struct vrrp_event *event, int64_t now_us,
			    struct vrrp_fsm_result *out)
{
	switch (event->type) {
	case VRRP_EVENT_STARTUP:
		/* RFC 5798 6.4.1: the address owner becomes Master at once. */
		if (fsm_is_owner(fsm))
			fsm_enter_master(fsm, out, VRRP_REASON_STARTUP);
		else
			fsm_enter_backup_fresh(fsm, out, now_us, VRRP_REASON_STARTUP,
					       fsm->cfg.initial_master);
		break;
	case VRRP_EVENT_FAULT:
		fsm_forget_master(fsm);
		fsm_set_state(fsm, out, VRRP_STATE_FAULT, event->reason);
		break;
	default:
		break;
	}
}

/* ---- BACKUP -------------------------------------------------------------- */

/*
 * RFC 5798 6.4.2: priority 0 means the master is leaving; wait only
 * Skew_Time. DESIGN: honour it only from the master we follow, so a
 * stranger (or a forged packet) cannot make us take over early. While we
 * follow no master yet, the Master_Down_Timer already runs its full course.
 */
static void fsm_backup_priority_zero(struct vrrp_fsm *fsm, const struct vrrp_event *event,
				     struct vrrp_fsm_result *out)
{
	if (fsm->master.family == 0 || !ip_address_equal(&fsm->master, &event->source))
		return;
	fsm->priority_zero_seen = true;
	fsm_push_arm_master_down(out, vrrp_fsm_skew_time_us(fsm));
}

static bool fsm_preempt_delay_running(const struct vrrp_fsm *fsm, int64_t now_us)
{
	return now_us < fsm->backup_since_us + fsm->cfg.preempt_delay_us;
}

static void fsm_backup_advert(struct vrrp_fsm *fsm, const struct vrrp_event *event, int64_t now_us,
			      struct vrrp_fsm_result *out)
{
	if (event->priority == 0) {
		fsm_backup_priority_zero(fsm, event, out);
		return;
	}
	/*
	 * RFC 5798 6.4.2: reset the Master_Down_Timer if preemption is off or
	 * the advert's priority is greater than OR EQUAL to ours; a running
	 * preempt_delay also still defers to the current master.
	 */
	if (!fsm->cfg.preempt || fsm->cfg.maintenance || event->priority >= fsm->cfg.priority ||
	    fsm_preempt_delay_running(fsm, now_us)) {
		fsm_follow_master(fsm, event);
		fsm_push_arm_master_down(out, vrrp_fsm_master_down_interval_us(fsm));
		/* Just yielded: one more farewell (see fsm_master_yield). */
		if (fsm->farewells_left > 0 && event->priority > fsm->cfg.priority) {
			fsm->farewells_left--;
			fsm_push_send_advert(out, fsm->cfg.priority);
		}
		return;
	}
	/*
	 * RFC 5798 6.4.2 discards the advert and lets the timer run out, so a
	 * preemption costs up to a whole Master_Down_Interval (keepalived waits
	 * that long). failoverd moves sooner: the first lower-priority advert
	 * arms the timer to Skew_Time, so when a tracker lowers the MASTER
	 * below us we take over within about one advert interval plus skew.
	 * With several backups the best one (smallest skew) fires first; the
	 * others hear its higher-priority advert and re-arm as usual, and a
	 * keepalived MASTER that hears it steps down as RFC 5798 6.4.3 says.
	 * Later lower-priority adverts do not re-arm, so the timer runs out.
	 */
	/* Only the master we follow can trigger the fast path: a lower advert
	 * from anyone else (a forged one, a misconfigured box) is discarded as
	 * RFC 5798 6.4.2 says, and our followed master keeps resetting the timer. */
	bool from_master = fsm->master.family && ip_address_equal(&fsm->master, &event->source);

	if (!fsm->preempting && from_master) {
		fsm->preempting = true;
		fsm_push_arm_master_down(out, vrrp_fsm_skew_time_us(fsm));
	} else if (!from_master && fsm->master.family == 0) {
		fsm->preempting = true;
	}
}

static enum vrrp_reason fsm_backup_takeover_reason(const struct vrrp_fsm *fsm)
{
	if (fsm->preempting)
		return VRRP_REASON_PREEMPT;
	if (fsm->priority_zero_seen)
		return VRRP_REASON_PRIORITY_ZERO_RECEIVED;
	return VRRP_REASON_MASTER_DOWN_TIMER;
}

static void fsm_handle_backup(struct vrrp_fsm *fsm, const struct vrrp_event *event, int64_t now_us,
			      struct vrrp_fsm_result *out)
{
	switch (event->type) {
	case VRRP_EVENT_ADVERT:
		fsm_backup_advert(fsm, event, now_us, out);
		break;
	case VRRP_EVENT_MASTER_DOWN_TIMER:
		/*
		 * In maintenance the operator has taken this router out of
		 * service: it stays BACKUP and keeps watching, so that when
		 * maintenance ends the timer is already running.
		 */
		if (fsm->cfg.maintenance) {
			fsm_push_arm_master_down(out, vrrp_fsm_master_down_interval_us(fsm));
			break;
		}
		/* RFC 5798 6.4.2: Master_Down_Timer fired -> transition to Master. */
		fsm_enter_master(fsm, out, fsm_backup_takeover_reason(fsm));
		break;
	case VRRP_EVENT_FORCE_MASTER:
		/* A sync group member became MASTER: the group moves together. */
		if (fsm->cfg.maintenance)
			break;
		fsm_push_simple(out, VRRP_ACTION_STOP_MASTER_DOWN_TIMER);
		fsm_enter_master(fsm, out, event->reason);
		break;
	case VRRP_EVENT_FAULT:
		fsm_forget_master(fsm);
		fsm_set_state(fsm, out, VRRP_STATE_FAULT, event->reason);
		fsm_push_simple(out, VRRP_ACTION_STOP_MASTER_DOWN_TIMER);
		break;
	case VRRP_EVENT_SHUTDOWN:
		/* RFC 5798 6.4.2: Shutdown -> cancel Master_Down_Timer, go to Initialize. */
		fsm_forget_master(fsm);
		fsm_set_state(fsm, out, VRRP_STATE_INIT, VRRP_REASON_SHUTDOWN);
		fsm_push_simple(out, VRRP_ACTION_STOP_MASTER_DOWN_TIMER);
		break;
	default:
		/* PRIORITY_CHANGED: the next advert or timer uses the new value. */
		break;
	}
}

/* ---- MASTER -------------------------------------------------------------- */

/*
 * RFC 5798 6.4.3: a master yields to a higher priority, or to an equal one
 * from a greater primary address. An owner (255) thus never yields to a
 * non-owner: no non-owner priority can exceed 255.
 */
static bool fsm_advert_beats_us(const struct vrrp_fsm *fsm, const struct vrrp_event *event)
{
	if (event->priority != fsm->cfg.priority)
		return event->priority > fsm->cfg.priority;
	return ip_address_compare(&event->source, &fsm->cfg.primary) > 0;
}

static struct vrrp_peer_reply *fsm_reply_find(struct vrrp_fsm *fsm, const struct ip_address *peer)
{
	for (int i = 0; i < VRRP_FSM_PEER_MEMORY; i++) {
		struct vrrp_peer_reply *reply = &fsm->replies[i];

		if (reply->peer.family != 0 && ip_address_equal(&reply->peer, peer))
			return reply;
	}
	return NULL;
}

/* An unused slot, or else the one holding the oldest reply. */
static struct vrrp_peer_reply *fsm_reply_take_slot(struct vrrp_fsm *fsm)
{
	struct vrrp_peer_reply *oldest = &fsm->replies[0];

	for (int i = 0; i < VRRP_FSM_PEER_MEMORY; i++) {
		struct vrrp_peer_reply *reply = &fsm->replies[i];

		if (reply->peer.family == 0)
			return reply;
		if (reply->at_us < oldest->at_us)
			oldest = reply;
	}
	return oldest;
}

/*
 * DESIGN: the reply to a lower-priority advert is sent at most once per
 * advert interval per peer. Returns true (and records now) when this peer
 * may get a reply. Only VRRP_FSM_PEER_MEMORY peers are remembered; a new
 * peer beyond that replaces the one answered longest ago.
 */
static bool fsm_reply_allowed(struct vrrp_fsm *fsm, const struct ip_address *peer, int64_t now_us)
{
	struct vrrp_peer_reply *reply = fsm_reply_find(fsm, peer);

	if (reply && now_us - reply->at_us < fsm_advert_interval_us(fsm))
		return false;
	if (!reply) {
		reply = fsm_reply_take_slot(fsm);
		reply->peer = *peer;
	}
	reply->at_us = now_us;
	return true;
}

/*
 * RFC 5798 6.4.3: a better master exists; become BACKUP. Before going quiet
 * we send one last advert at our own priority. After a split brain the
 * winner may have heard nothing from us since the partition healed (its
 * advert reached us first), and clients still hold our MAC for the VIPs;
 * this advert is lower than the winner's, so the winner answers it with an
 * advert and a GARP (as failoverd and keepalived both do), which repairs
 * those ARP caches at once. A partition may heal one direction at a time,
 * so the next VRRP_FSM_FAREWELLS adverts of the new master are answered the
 * same way (see fsm_backup_advert); the winner rate-limits its replies.
 */
static void fsm_master_yield(struct vrrp_fsm *fsm, const struct vrrp_event *event,
			     struct vrrp_fsm_result *out)
{
	fsm_follow_master(fsm, event);
	fsm_set_state(fsm, out, VRRP_STATE_BACKUP, VRRP_REASON_HIGHER_PRIORITY_ADVERT);
	fsm_push_simple(out, VRRP_ACTION_STOP_ADVERT_TIMER);
	fsm_push_send_advert(out, fsm->cfg.priority);
	fsm->farewells_left = VRRP_FSM_FAREWELLS;
	fsm_push_simple(out, VRRP_ACTION_REMOVE_VIPS);
	fsm_push_arm_master_down(out, vrrp_fsm_master_down_interval_us(fsm));
}

static void fsm_master_advert(struct vrrp_fsm *fsm, const struct vrrp_event *event, int64_t now_us,
			      struct vrrp_fsm_result *out)
{
	if (event->priority == 0) {
		/* RFC 5798 6.4.3: another router left; advertise at once. */
		fsm_push_send_advert(out, fsm->cfg.priority);
		fsm_push_arm_advert_timer(fsm, out);
		return;
	}
	if (fsm_advert_beats_us(fsm, event)) {
		fsm_master_yield(fsm, event, out);
		return;
	}
	/*
	 * RFC 5798 6.4.3 says discard. DESIGN: answer at once (advert + GARP)
	 * so the peer backs off and stale ARP caches heal after a split brain,
	 * rate-limited per peer. The Adver_Timer keeps its rhythm.
	 */
	if (!fsm_reply_allowed(fsm, &event->source, now_us))
		return;
	fsm_push_send_advert(out, fsm->cfg.priority);
	fsm_push_simple(out, VRRP_ACTION_SEND_GARP);
}

static void fsm_handle_master(struct vrrp_fsm *fsm, const struct vrrp_event *event, int64_t now_us,
			      struct vrrp_fsm_result *out)
{
	switch (event->type) {
	case VRRP_EVENT_ADVERT:
		fsm_master_advert(fsm, event, now_us, out);
		break;
	case VRRP_EVENT_ADVERT_TIMER:
		/* RFC 5798 6.4.3: Adver_Timer fired -> advertise, restart it. */
		fsm_push_send_advert(out, fsm->cfg.priority);
		fsm_push_arm_advert_timer(fsm, out);
		break;
	case VRRP_EVENT_PRIORITY_CHANGED:
		/* Tell the peers the new priority now rather than next interval. */
		fsm_push_send_advert(out, fsm->cfg.priority);
		fsm_push_arm_advert_timer(fsm, out);
		break;
	case VRRP_EVENT_FAULT:
		/*
		 * With the VRRP link down an advert cannot leave: just let go.
		 * For any other fault (a tracker, the sync group) the link
		 * works, so say goodbye with priority 0 and the backup takes
		 * over after Skew_Time instead of Master_Down_Interval.
		 */
		fsm_set_state(fsm, out, VRRP_STATE_FAULT, event->reason);
		fsm_push_simple(out, VRRP_ACTION_STOP_ADVERT_TIMER);
		if (event->reason != VRRP_REASON_LINK_DOWN)
			fsm_push_send_advert(out, 0);
		fsm_push_simple(out, VRRP_ACTION_REMOVE_VIPS);
		break;
	case VRRP_EVENT_FORCE_BACKUP:
		/*
		 * Asked to step down (a sync group member yielded, or an
		 * operator): hand over like a shutdown, with priority 0 so the
		 * peer takes over after its Skew_Time, then wait as a BACKUP.
		 */
		fsm_forget_master(fsm);
		fsm_set_state(fsm, out, VRRP_STATE_BACKUP, event->reason);
		fsm_push_simple(out, VRRP_ACTION_STOP_ADVERT_TIMER);
		fsm_push_send_advert(out, 0);
		fsm_push_simple(out, VRRP_ACTION_REMOVE_VIPS);
		fsm_push_arm_master_down(out, vrrp_fsm_master_down_interval_us(fsm));
		break;
	case VRRP_EVENT_SHUTDOWN:
		/*
		 * RFC 5798 6.4.3: cancel Adver_Timer, send priority 0 so a
		 * backup takes over after Skew_Time, then release the VIPs.
		 */
		fsm_set_state(fsm, out, VRRP_STATE_INIT, VRRP_REASON_SHUTDOWN);
		fsm_push_simple(out, VRRP_ACTION_STOP_ADVERT_TIMER);
		fsm_push_send_advert(out, 0);
		fsm_push_simple(out, VRRP_ACTION_REMOVE_VIPS);
		break;
	default:
		break;
	}
}

/* ---- FAULT --------------------------------------------------------------- */

static void fsm_handle_fault(struct vrrp_fsm *fsm, const struct vrrp_event *event, int64_t now_us,
			     struct vrrp_fsm_result *out)
{
	switch (event->type) {
	case VRRP_EVENT_FAULT_CLEARED:
		/*
		 * DESIGN: leaving FAULT goes to BACKUP and waits a full
		 * Master_Down_Interval (no initial_state hint here: a master
		 * may well be running), with preempt_delay counting anew.
		 * The owner takes over at once, as at startup.
		 */
		if (fsm_is_owner(fsm))
			fsm_enter_master(fsm, out, event->reason);
		else
			fsm_enter_backup_fresh(fsm, out, now_us, event->reason, false);
		break;
	case VRRP_EVENT_SHUTDOWN:
		fsm_set_state(fsm, out, VRRP_STATE_INIT, VRRP_REASON_SHUTDOWN);
		break;
	default:
		break;
	}
}

void vrrp_fsm_handle(struct vrrp_fsm *fsm, const struct vrrp_event *event, int64_t now_us,
		     struct vrrp_fsm_result *out)
{
	fsm_result_begin(out, fsm->state);
	switch (fsm->state) {
	case VRRP_STATE_INIT:
		fsm_handle_init(fsm, event, now_us, out);
		break;
	case VRRP_STATE_BACKUP:
		fsm_handle_backup(fsm, event, now_us, out);
		break;
	case VRRP_STATE_MASTER:
		fsm_handle_master(fsm, event, now_us, out);
		break;
	case VRRP_STATE_FAULT:
		fsm_handle_fault(fsm, event, now_us, out);
		break;
	default:
		break;
	}
}

/* ---- names (the event log's vocabulary: never change a string) ----------- */

static const char *const fsm_state_names[VRRP_STATE_COUNT] = {
    [VRRP_STATE_INIT] = "INIT",
    [VRRP_STATE_BACKUP] = "BACKUP",
    [VRRP_STATE_MASTER] = "MASTER",
    [VRRP_STATE_FAULT] = "FAULT",
};

static const char *const fsm_reason_names[VRRP_REASON_COUNT] = {
    [VRRP_REASON_NONE] = "none",
    [VRRP_REASON_STARTUP] = "startup",
    [VRRP_REASON_MASTER_DOWN_TIMER] = "master_down_timer",
    [VRRP_REASON_HIGHER_PRIORITY_ADVERT] = "higher_priority_advert",
    [VRRP_REASON_PRIORITY_ZERO_RECEIVED] = "priority_zero_received",
    [VRRP_REASON_PREEMPT] = "preempt",
    [VRRP_REASON_LINK_DOWN] = "link_down",
    [VRRP_REASON_LINK_UP] = "link_up",
    [VRRP_REASON_TRACKER_FAULT] = "tracker_fault",
    [VRRP_REASON_TRACKER_RECOVERED] = "tracker_recovered",
    [VRRP_REASON_SYNC_GROUP] = "sync_group",
    [VRRP_REASON_SHUTDOWN] = "shutdown",
    [VRRP_REASON_ADMIN] = "admin",
};

static const char *const fsm_event_names[VRRP_EVENT_COUNT] = {
    [VRRP_EVENT_STARTUP] = "startup",
    [VRRP_EVENT_SHUTDOWN] = "shutdown",
    [VRRP_EVENT_ADVERT] = "advert",
    [VRRP_EVENT_MASTER_DOWN_TIMER] = "master_down_timer",
    [VRRP_EVENT_ADVERT_TIMER] = "advert_timer",
    [VRRP_EVENT_FAULT] = "fault",
    [VRRP_EVENT_FAULT_CLEARED] = "fault_cleared",
    [VRRP_EVENT_PRIORITY_CHANGED] = "priority_changed",
    [VRRP_EVENT_FORCE_MASTER] = "force_master",
    [VRRP_EVENT_FORCE_BACKUP] = "force_backup",
};

const char *vrrp_state_name(enum vrrp_state state)
{
	if ((unsigned int)state >= VRRP_STATE_COUNT)
		return "unknown";
	return fsm_state_names[state];
}

const char *vrrp_reason_name(enum vrrp_reason reason)
{
	if ((unsigned int)reason >= VRRP_REASON_COUNT)
		return "unknown";
	return fsm_reason_names[reason];
}

const char *vrrp_event_name(enum vrrp_event_type type)
{
	if ((unsigned int)type >= VRRP_EVENT_COUNT)
		return "unknown";
	return fsm_event_names[type];
}
