/*
 * instance.c - one virtual router at run time.
 *
 * The state machine (vrrp/fsm.c) decides; this file acts. Every entry point
 * (timer, received advert, link change, start, stop) builds a struct
 * vrrp_event, hands it to vrrp_fsm_handle() and then carries out the
 * returned actions in order through instance_apply(). Keeping all I/O here
 * means the protocol logic stays testable without root, and the order of
 * side effects (VIPs before the advert that claims them, GARP after) is
 * decided in one place: the fsm's action list.
 */
#include "failoverd/instance.h"

#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "failoverd/config_diff.h"
#include "failoverd/daemon.h"
#include "failoverd/eventlog.h"
#include "failoverd/log.h"
#include "failoverd/netlink.h"
#include "failoverd/notify.h"
#include "failoverd/sync_group.h"
#include "failoverd/timefmt.h"
#include "failoverd/vrrp_socket.h"

static void instance_handle(struct vrrp_instance *inst, const struct vrrp_event *event);
static void on_maintenance_timer(struct ev_loop *loop, ev_timer *w, int revents);

static double us_to_seconds(int64_t us)
{
	return (double)us / 1e6;
}

/* ---- adverts ----------------------------------------------------------- */

static void instance_prepare_advert(struct vrrp_instance *inst)
{
	const struct instance_config *cfg = inst->cfg;
	struct vrrp_advert *adv = &inst->advert;

	memset(adv, 0, sizeof(*adv));
	adv->version = cfg->version;
	adv->type = VRRP_TYPE_ADVERTISEMENT;
	adv->vrid = cfg->vrid;
	adv->priority = cfg->priority;
	adv->interval_cs = cfg->advert_interval_cs;
	adv->family = cfg->family;
	adv->checksum_mode = cfg->checksum_mode;
	adv->count = (uint8_t)cfg->vip_count;
	for (size_t i = 0; i < cfg->vip_count; i++) {
		adv->addresses[i] = cfg->vips[i].address;
		inst->advertised[i] = cfg->vips[i].address;
	}
	if (cfg->version == 2 && cfg->auth.type == AUTH_PASS) {
		adv->auth_type = VRRP_V2_AUTH_PASSWORD;
		memcpy(adv->password, cfg->auth.password, strnlen(cfg->auth.password, 8));
	}
}

void instance_build_expect(const struct vrrp_instance *inst, struct vrrp_rx_expect *expect)
{
	memset(expect, 0, sizeof(*expect));
	expect->version = inst->cfg->version;
	expect->interval_cs = inst->cfg->advert_interval_cs;
	expect->auth_type = inst->advert.auth_type;
	memcpy(expect->password, inst->advert.password, sizeof(expect->password));
	expect->addresses = inst->advertised;
	expect->count = inst->cfg->vip_count;
}

static void instance_refresh_primary(struct vrrp_instance *inst)
{
	const struct instance_config *cfg = inst->cfg;
	struct ip_address found;

	if (cfg->unicast.enabled) {
		inst->primary = cfg->unicast.source;
		inst->fsm.cfg.primary = cfg->unicast.source; /* the tie-break uses it */
		return;
	}
	if (!inst->ifindex)
		return;
	if (netlink_primary_address(&inst->daemon->netlink, inst->ifindex, cfg->family, cfg->vips,
				    cfg->vip_count, &found) == 0) {
		if (!ip_address_equal(&found, &inst->primary)) {
			char text[IP_ADDRESS_TEXT_MAX];

			log_info("(%s) using %s as primary address on %s", cfg->name,
				 ip_address_format(&found, text, sizeof(text)), cfg->interface);
		}
		inst->primary = found;
		inst->fsm.cfg.primary = found;
	}
}

static void instance_send_to(struct vrrp_instance *inst, const uint8_t *buf, size_t len,
			     const struct ip_address *dst)
{
	struct vrrp_channel *c = inst->channel;
	char to[IP_ADDRESS_TEXT_MAX], from[IP_ADDRESS_TEXT_MAX];
	int err = c->socket.fd < 0 ? -ENETDOWN : vrrp_socket_send(&c->socket, buf, len,
								    &inst->primary, dst);

	if (err == 0) {
		if (inst->failed_sends)
			log_notice("(%s) adverts are being sent again after %llu failed sends",
				   inst->cfg->name, (unsigned long long)inst->failed_sends);
		inst->failed_sends = 0;
		inst->counters.adverts_sent++;
		return;
	}
	/* The kernel refuses a source address that is still tentative (IPv6
	 * duplicate address detection after link up) or gone. */
	bool source_refused = err == -EINVAL || err == -EADDRNOTAVAIL;

	inst->counters.send_errors++;
	if (inst->failed_sends++ % 1000 == 0)
		log_warning("(%s) cannot send advert from %s to %s on %s: %s%s", inst->cfg->name,
			    ip_address_format(&inst->primary, from, sizeof(from)),
			    ip_address_format(dst, to, sizeof(to)), inst->cfg->interface,
			    strerror(-err),
			    source_refused && inst->cfg->family == AF_INET6
				    ? " (source address not usable yet: IPv6 DAD still running?)"
				    : "");
	/* Only then can another source help (DAD over, address re-added); a
	 * netlink dump per failed advert for any other error is wasted. */
	if (source_refused)
		instance_refresh_primary(inst);
}

static void instance_send_advert(struct vrrp_instance *inst, uint8_t priority)
{
	const struct instance_config *cfg = inst->cfg;
	uint8_t buf[VRRP_PACKET_MAX];
	struct ip_address group;

	if (!inst->primary.family)
		instance_refresh_primary(inst);
	inst->advert.priority = priority;
	if (priority == VRRP_PRIORITY_STOP) {
		log_notice("(%s) sending 0 priority", cfg->name);
		inst->counters.priority_zero_sent++;
	}
	if (cfg->unicast.enabled) {
		for (size_t i = 0; i < cfg->unicast.peer_count; i++) {
			int len = vrrp_packet_encode(&inst->advert, &inst->primary,
						     &cfg->unicast.peers[i], buf, sizeof(buf));
			if (len > 0)
				instance_send_to(inst, buf, (size_t)len, &cfg->unicast.peers[i]);
		}
		return;
	}
	vrrp_multicast_group(cfg->family, &group);
	int len = vrrp_packet_encode(&inst->advert, &inst->primary, &group, buf, sizeof(buf));
	if (len < 0) {
		log_error("(%s) cannot encode advert: %s", cfg->name, strerror(-len));
		return;
	}
	instance_send_to(inst, buf, (size_t)len, &group);
}

/* ---- VIPs and GARP ----------------------------------------------------- */

static void instance_vip_label(const struct vrrp_instance *inst, char *label, size_t size)
{
	int n = snprintf(label, size, "%s:vr%u", inst->cfg->interface, inst->cfg->vrid);

	if (n < 0 || (size_t)n >= size || n > 15)
		label[0] = '\0';
}

static void instance_vip_change(struct vrrp_instance *inst, const struct ip_prefix *vip, bool add)
{
	const struct instance_config *cfg = inst->cfg;
	char text[IP_ADDRESS_TEXT_MAX];
	char label[IFNAMSIZ + 8];
	int err;

	ip_address_format(&vip->address, text, sizeof(text));
	if (!inst->ifindex) {
		log_warning("(%s) cannot %s VIP %s/%u: interface %s is missing", cfg->name,
			    add ? "add" : "remove", text, vip->length, cfg->interface);
		return;
	}
	if (add) {
		instance_vip_label(inst, label, 16);
		err = netlink_vip_add(&inst->daemon->netlink, inst->ifindex, vip,
				      label[0] ? label : NULL);
	} else {
		err = netlink_vip_remove(&inst->daemon->netlink, inst->ifindex, vip);
	}
	if (err < 0) {
		log_error("(%s) cannot %s VIP %s/%u on %s: %s", cfg->name, add ? "add" : "remove",
			  text, vip->length, cfg->interface, strerror(-err));
		return;
	}
	if (err == 1)
		log_info("(%s) VIP %s/%u on %s: %s", cfg->name, text, vip->length, cfg->interface,
			 add ? "already present (sending GARP anyway)" : "already absent");
	else
		log_info("(%s) %s VIP %s/%u on %s", cfg->name, add ? "added" : "removed", text,
			 vip->length, cfg->interface);
	if (err == 0)
		eventlog_vip(&inst->daemon->events, cfg->name, add ? "add" : "remove", vip,
			     cfg->interface);
}

static void instance_vips_apply(struct vrrp_instance *inst, bool add)
{
	const struct instance_config *cfg = inst->cfg;

	for (size_t i = 0; i < config_owned_count(cfg); i++)
		instance_vip_change(inst, config_owned(cfg, i), add);
	inst->vips_installed = add;
}

/* One GARP / unsolicited NA per owned address. */
static void instance_garp_round(struct vrrp_instance *inst)
{
	const struct instance_config *cfg = inst->cfg;
	const struct garp_sender *g = &inst->daemon->garp;

	if (!inst->ifindex)
		return;
	for (size_t i = 0; i < config_owned_count(cfg); i++) {
		const struct ip_prefix *vip = config_owned(cfg, i);
		if (garp_send(g, inst->ifindex, inst->mac, &vip->address) == 0)
			inst->counters.garps_sent++;
	}
}

/* Sends garp.repeat rounds, garp.interval apart (all at once when 0). */
static void instance_garp_burst(struct vrrp_instance *inst)
{
	const struct garp_config *garp = &inst->cfg->garp;
	unsigned int repeat = garp->repeat ? garp->repeat : 1;

	ev_timer_stop(inst->daemon->loop, &inst->garp_timer);
	if (garp->interval_us <= 0) {
		for (unsigned int i = 0; i < repeat; i++)
			instance_garp_round(inst);
		inst->garp_remaining = 0;
		return;
	}
	instance_garp_round(inst);
	inst->garp_remaining = repeat - 1;
	if (inst->garp_remaining) {
		ev_timer_set(&inst->garp_timer, us_to_seconds(garp->interval_us),
			     us_to_seconds(garp->interval_us));
		ev_timer_start(inst->daemon->loop, &inst->garp_timer);
	}
}

static void instance_garp_start(struct vrrp_instance *inst)
{
	const struct garp_config *garp = &inst->cfg->garp;
	struct ev_loop *loop = inst->daemon->loop;

	instance_garp_burst(inst);
	ev_timer_stop(loop, &inst->garp_delay_timer);
	if (garp->delay_us > 0) {
		ev_timer_set(&inst->garp_delay_timer, us_to_seconds(garp->delay_us), 0.);
		ev_timer_start(loop, &inst->garp_delay_timer);
	}
	if (garp->refresh_us > 0 && !ev_is_active(&inst->garp_refresh_timer)) {
		ev_timer_set(&inst->garp_refresh_timer, us_to_seconds(garp->refresh_us),
			     us_to_seconds(garp->refresh_us));
		ev_timer_start(loop, &inst->garp_refresh_timer);
	}
}

static void instance_garp_stop(struct vrrp_instance *inst)
{
	struct ev_loop *loop = inst->daemon->loop;

	ev_timer_stop(loop, &inst->garp_timer);
	ev_timer_stop(loop, &inst->garp_delay_timer);
	ev_timer_stop(loop, &inst->garp_refresh_timer);
	inst->garp_remaining = 0;
}

static void on_garp_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct vrrp_instance *inst = w->data;

	instance_garp_round(inst);
	if (inst->garp_remaining > 0)
		inst->garp_remaining--;
	if (inst->garp_remaining == 0)
		ev_timer_stop(loop, w);
}

static void on_garp_delay_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct vrrp_instance *inst = w->data;

	if (inst->fsm.state == VRRP_STATE_MASTER)
		instance_garp_burst(inst);
}

static void on_garp_refresh_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct vrrp_instance *inst = w->data;

	if (inst->fsm.state == VRRP_STATE_MASTER)
		instance_garp_round(inst);
	else
		ev_timer_stop(loop, w);
}

/* ---- applying the state machine's decisions ----------------------------- */

static void instance_arm(struct vrrp_instance *inst, ev_timer *timer, int64_t delay_us, bool repeat)
{
	struct ev_loop *loop = inst->daemon->loop;
	double delay = us_to_seconds(delay_us);

	/* The advert timer repeats by itself (libev counts each repeat from the
	 * previous due time, so adverts do not drift); when the fsm re-arms it
	 * from inside its own tick with the same interval, leave it running. */
	if (repeat && inst->in_advert_tick && ev_is_active(timer) && timer->repeat == delay)
		return;
	ev_timer_stop(loop, timer);
	/* Work done since the loop woke (netlink round trips) makes ev_now()
	 * stale; a timer armed from a stale now fires early. */
	ev_now_update(loop);
	ev_timer_set(timer, delay, repeat ? delay : 0.);
	ev_timer_start(loop, timer);
}

static void instance_log_transition(struct vrrp_instance *inst, const struct vrrp_fsm_result *r)
{
	const struct instance_config *cfg = inst->cfg;
	char master[IP_ADDRESS_TEXT_MAX] = "";
	int64_t now = clock_monotonic_us();

	if (inst->fsm.master.family)
		ip_address_format(&inst->fsm.master, master, sizeof(master));
	log_notice("(%s) Entering %s STATE (%s%s%s; was %s for %.3f s)", cfg->name,
		   vrrp_state_name(r->to), vrrp_reason_name(r->reason), master[0] ? ", master " : "",
		   master, vrrp_state_name(r->from), us_to_seconds(now - inst->state_since_us));
	struct eventlog_state event = {
		.instance = cfg->name,
		.vrid = cfg->vrid,
		.family = cfg->family,
		.from = vrrp_state_name(r->from),
		.to = vrrp_state_name(r->to),
		.reason = vrrp_reason_name(r->reason),
		.priority = inst->fsm.cfg.priority,
		.master = r->to == VRRP_STATE_MASTER ? &inst->primary : &inst->fsm.master,
	};
	eventlog_state(&inst->daemon->events, &event);
	inst->state_since_us = now;
	inst->last_reason = r->reason;
	inst->counters.transitions++;
}

/* keepalived's notify convention: SCRIPT INSTANCE NAME STATE PRIORITY. */
static void instance_notify(struct vrrp_instance *inst, enum vrrp_state to)
{
	const struct notify_config *n = &inst->cfg->notify;
	const char *script, *state;

	if (!inst->notify)
		return;
	switch (to) {
	case VRRP_STATE_MASTER: script = n->master; state = "MASTER"; break;
	case VRRP_STATE_BACKUP: script = n->backup; state = "BACKUP"; break;
	case VRRP_STATE_FAULT: script = n->fault; state = "FAULT"; break;
	default: script = n->stop; state = "STOP"; break;
	}
	notify_queue_push(inst->notify, script, state, inst->fsm.cfg.priority);
	notify_queue_push(inst->notify, n->any, state, inst->fsm.cfg.priority);
}

static void instance_apply(struct vrrp_instance *inst, const struct vrrp_fsm_result *r)
{
	struct ev_loop *loop = inst->daemon->loop;

	if (r->changed)
		instance_log_transition(inst, r);
	for (int i = 0; i < r->n_actions; i++) {
		const struct vrrp_action *a = &r->actions[i];

		switch (a->type) {
		case VRRP_ACTION_ADD_VIPS:
			instance_vips_apply(inst, true);
			break;
		case VRRP_ACTION_REMOVE_VIPS:
			instance_garp_stop(inst);
			instance_vips_apply(inst, false);
			break;
		case VRRP_ACTION_SEND_ADVERT:
			instance_send_advert(inst, a->priority);
			break;
		case VRRP_ACTION_SEND_GARP:
			if (r->changed) {
				instance_garp_start(inst);
			} else {
				/* Only an answer to a lower-priority advert. */
				inst->counters.lower_priority_replies++;
				instance_garp_round(inst);
			}
			break;
		case VRRP_ACTION_ARM_ADVERT_TIMER:
			instance_arm(inst, &inst->advert_timer, a->delay_us, true);
			break;
		case VRRP_ACTION_STOP_ADVERT_TIMER:
			ev_timer_stop(loop, &inst->advert_timer);
			break;
		case VRRP_ACTION_ARM_MASTER_DOWN_TIMER:
			instance_arm(inst, &inst->master_down_timer, a->delay_us, false);
			break;
		case VRRP_ACTION_STOP_MASTER_DOWN_TIMER:
			ev_timer_stop(loop, &inst->master_down_timer);
			break;
		}
	}
	if (!r->changed)
		return;
	instance_notify(inst, r->to);
	if (inst->group)
		sync_group_member_changed(inst->group, inst, r);
}

static void instance_handle(struct vrrp_instance *inst, const struct vrrp_event *event)
{
	struct vrrp_fsm_result result;

	vrrp_fsm_handle(&inst->fsm, event, clock_monotonic_us(), &result);
	instance_apply(inst, &result);
}

static void instance_handle_type(struct vrrp_instance *inst, enum vrrp_event_type type,
				 enum vrrp_reason reason)
{
	struct vrrp_event event = {.type = type, .reason = reason};

	instance_handle(inst, &event);
}

static void on_advert_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct vrrp_instance *inst = w->data;

	inst->in_advert_tick = true;
	instance_handle_type(inst, VRRP_EVENT_ADVERT_TIMER, VRRP_REASON_NONE);
	inst->in_advert_tick = false;
}

static void on_master_down_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	instance_handle_type(w->data, VRRP_EVENT_MASTER_DOWN_TIMER, VRRP_REASON_NONE);
}

/* ---- entry points -------------------------------------------------------- */

static bool address_on_link(const struct ip_address *peer, const char *ifname)
{
	struct ifaddrs *list, *ifa;
	bool found = false;

	if (getifaddrs(&list) < 0)
		return true; /* cannot tell: keep the stricter check */
	for (ifa = list; ifa && !found; ifa = ifa->ifa_next) {
		if (!ifa->ifa_addr || !ifa->ifa_netmask || strcmp(ifa->ifa_name, ifname) != 0 ||
		    ifa->ifa_addr->sa_family != peer->family)
			continue;
		const uint8_t *a, *m, *p = (const uint8_t *)&peer->in;
		size_t len = ip_address_length(peer->family);
		if (peer->family == AF_INET) {
			a = (const uint8_t *)&((struct sockaddr_in *)ifa->ifa_addr)->sin_addr;
			m = (const uint8_t *)&((struct sockaddr_in *)ifa->ifa_netmask)->sin_addr;
		} else {
			a = (const uint8_t *)&((struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr;
			m = (const uint8_t *)&((struct sockaddr_in6 *)ifa->ifa_netmask)->sin6_addr;
		}
		found = true;
		for (size_t i = 0; i < len; i++)
			if ((a[i] & m[i]) != (p[i] & m[i]))
				found = false;
	}
	freeifaddrs(list);
	return found || ip_address_is_link_local(peer);
}

int instance_init(struct vrrp_instance *inst, struct daemon *d, const struct instance_config *cfg,
		  struct vrrp_channel *channel)
{
	memset(inst, 0, sizeof(*inst));
	inst->daemon = d;
	inst->cfg = cfg;
	inst->channel = channel;
	inst->advertised = calloc(cfg->vip_count ? cfg->vip_count : 1, sizeof(*inst->advertised));
	inst->peer_on_link = calloc(cfg->unicast.peer_count + 1, sizeof(bool));
	if (!inst->advertised || !inst->peer_on_link)
		return -ENOMEM;
	instance_prepare_advert(inst);

	struct vrrp_fsm_config fc = {
		.priority = cfg->priority,
		.advert_interval_cs = cfg->advert_interval_cs,
		.version = cfg->version,
		.preempt = cfg->preempt,
		.preempt_delay_us = cfg->preempt_delay_us,
		.initial_master = cfg->initial_state == INITIAL_STATE_MASTER,
	};
	vrrp_fsm_init(&inst->fsm, &fc);

	ev_init(&inst->advert_timer, on_advert_timer);
	ev_init(&inst->master_down_timer, on_master_down_timer);
	ev_init(&inst->garp_timer, on_garp_timer);
	ev_init(&inst->garp_delay_timer, on_garp_delay_timer);
	ev_init(&inst->garp_refresh_timer, on_garp_refresh_timer);
	ev_init(&inst->maintenance_timer, on_maintenance_timer);
	inst->maintenance_timer.data = inst;
	inst->advert_timer.data = inst->master_down_timer.data = inst;
	inst->garp_timer.data = inst->garp_delay_timer.data = inst->garp_refresh_timer.data = inst;
	inst->state_since_us = clock_monotonic_us();
	const struct notify_config *n = &cfg->notify;
	if (n->master[0] || n->backup[0] || n->fault[0] || n->stop[0] || n->any[0]) {
		inst->notify = notify_queue_create(d->loop, "INSTANCE", cfg->name,
						   NOTIFY_DEFAULT_TIMEOUT_US);
		if (!inst->notify)
			return -ENOMEM;
	}
	return 0;
}

void instance_free(struct vrrp_instance *inst)
{
	struct ev_loop *loop = inst->daemon ? inst->daemon->loop : NULL;

	if (loop) {
		ev_timer_stop(loop, &inst->advert_timer);
		ev_timer_stop(loop, &inst->master_down_timer);
		ev_timer_stop(loop, &inst->maintenance_timer);
		instance_garp_stop(inst);
	}
	free(inst->advertised);
	free(inst->peer_on_link);
	free(inst->track_refs);
	if (inst->notify)
		notify_queue_free(inst->notify);
	inst->advertised = NULL;
	inst->peer_on_link = NULL;
	inst->track_refs = NULL;
	inst->notify = NULL;
}

/* VIPs this config owns that are already there were left by a crash or a
 * kill; a BACKUP must not answer for them. */
static void instance_clear_stale_vips(struct vrrp_instance *inst)
{
	const struct instance_config *cfg = inst->cfg;

	if (cfg->priority == VRRP_PRIORITY_OWNER || !inst->ifindex)
		return;
	for (size_t i = 0; i < config_owned_count(cfg); i++) {
		const struct ip_prefix *vip = config_owned(cfg, i);
		char text[IP_ADDRESS_TEXT_MAX];

		if (netlink_vip_remove(&inst->daemon->netlink, inst->ifindex, vip) == 0) {
			log_warning("(%s) removed stale VIP %s/%u from %s (left by an earlier run)",
				    cfg->name, ip_address_format(&vip->address, text, sizeof(text)),
				    vip->length, cfg->interface);
			eventlog_vip(&inst->daemon->events, cfg->name, "remove", vip,
				     cfg->interface);
		}
	}
}

void instance_start(struct vrrp_instance *inst)
{
	const struct instance_config *cfg = inst->cfg;
	struct link_info link;
	int err = netlink_link_get(&inst->daemon->netlink, cfg->interface, &link);

	if (err == 0) {
		inst->ifindex = link.ifindex;
		inst->link_up = link.up;
		memcpy(inst->mac, link.mac, sizeof(inst->mac));
	} else {
		log_error("(%s) interface %s: %s", cfg->name, cfg->interface,
			  err == -ENODEV ? "no such interface" : strerror(-err));
	}
	for (size_t i = 0; i < cfg->unicast.peer_count; i++)
		inst->peer_on_link[i] = address_on_link(&cfg->unicast.peers[i], cfg->interface);
	instance_clear_stale_vips(inst);
	instance_refresh_primary(inst);
	if (!inst->link_up) {
		log_warning("Kernel is reporting: interface %s DOWN", cfg->interface);
		instance_update_fault(inst, INSTANCE_FAULT_LINK, true, VRRP_REASON_LINK_DOWN);
	}
	instance_trackers_recompute(inst, NULL);
	inst->started = true;
	/* With a fault already known, the instance waits in FAULT and starts
	 * through FAULT_CLEARED (a full Master_Down_Interval) when it clears. */
	if (inst->fault_mask)
		instance_settle_faults(inst);
	else
		instance_handle_type(inst, VRRP_EVENT_STARTUP, VRRP_REASON_STARTUP);
}

/*
 * Fault causes are changed in two steps so that several instances (a sync
 * group, or all users of one tracker) can all be updated before any state
 * machine moves: otherwise the first to recover would see the others still
 * failing and bounce through FAULT again.
 */
void instance_update_fault(struct vrrp_instance *inst, unsigned int cause, bool on,
			   enum vrrp_reason reason)
{
	unsigned int mask = on ? inst->fault_mask | cause : inst->fault_mask & ~cause;

	/* The reason logged is the instance's own (link, tracker) whenever it
	 * has one; "sync_group" only when another member is the cause. */
	if (mask != inst->fault_mask && (cause & INSTANCE_FAULT_OWN))
		inst->fault_reason = reason;
	inst->fault_mask = mask;
}

/* Tells the state machine what the fault mask now says, if it differs. */
void instance_settle_faults(struct vrrp_instance *inst)
{
	bool in_fault = inst->fsm.state == VRRP_STATE_FAULT;

	if (!inst->started)
		return;
	/* A member's own cause may have changed without any transition yet:
	 * the group's "another member is failing" causes follow first. */
	if (inst->group)
		sync_group_update_faults(inst->group);
	if (inst->fault_mask && !in_fault) {
		inst->own_fault_at_entry = inst->fault_mask & INSTANCE_FAULT_OWN;
		instance_handle_type(inst, VRRP_EVENT_FAULT,
				     inst->own_fault_at_entry ? inst->fault_reason
							      : VRRP_REASON_SYNC_GROUP);
	} else if (!inst->fault_mask && in_fault) {
		instance_handle_type(inst, VRRP_EVENT_FAULT_CLEARED,
				     inst->own_fault_at_entry ? inst->fault_reason
							      : VRRP_REASON_SYNC_GROUP);
	}
}

void instance_set_fault(struct vrrp_instance *inst, unsigned int cause, bool on,
			enum vrrp_reason reason)
{
	instance_update_fault(inst, cause, on, reason);
	instance_settle_faults(inst);
}

void instance_force(struct vrrp_instance *inst, enum vrrp_event_type type, enum vrrp_reason reason)
{
	instance_handle_type(inst, type, reason);
}

bool instance_uses_tracker(const struct vrrp_instance *inst, const struct tracker_state *st)
{
	for (size_t i = 0; i < inst->track_ref_count; i++)
		if (inst->track_refs[i].state == st)
			return true;
	return false;
}

/*
 * Effective priority is recomputed from every tracker's state now (never
 * adjusted by deltas), and the tracker fault cause updated. Returns true
 * when the priority changed. The state machine hears nothing yet: see
 * instance_trackers_settle.
 */
bool instance_trackers_recompute(struct vrrp_instance *inst, const struct tracker_state *changed)
{
	const struct instance_config *cfg = inst->cfg;
	struct track_verdict v;
	int before = inst->fsm.cfg.priority;

	track_compute(cfg->priority, inst->track_refs, inst->track_ref_count, &v);
	/* In maintenance the lowest priority makes any peer take over. */
	if (inst->fsm.cfg.maintenance)
		v.priority = 1;
	if (v.priority != before) {
		const struct tracker_state *why = changed ? changed
					       : v.lowest_ref ? v.lowest_ref->state : NULL;

		if (why)
			log_notice("(%s) Changing effective priority from %d to %d (%s %s %s: %s)",
				   cfg->name, before, v.priority, tracker_kind_name(why->kind),
				   why->name, tracker_status_name(why->status), why->detail);
		else
			log_notice("(%s) Changing effective priority from %d to %d", cfg->name,
				   before, v.priority);
		eventlog_priority(&inst->daemon->events, cfg->name, before, v.priority,
				  why ? why->name : "");
		inst->fsm.cfg.priority = (uint8_t)v.priority;
	}
	bool was_fault = inst->fault_mask & INSTANCE_FAULT_TRACKER;
	if (v.fault && !was_fault)
		log_warning("(%s) tracker %s failed without a weight: entering FAULT (%s)", cfg->name,
			    v.fault_ref->state->name, v.fault_ref->state->detail);
	instance_update_fault(inst, INSTANCE_FAULT_TRACKER, v.fault,
			      v.fault ? VRRP_REASON_TRACKER_FAULT : VRRP_REASON_TRACKER_RECOVERED);
	return v.priority != before;
}

void instance_trackers_settle(struct vrrp_instance *inst, bool priority_changed)
{
	enum vrrp_state before = inst->fsm.state;

	instance_settle_faults(inst);
	/* A peer learns a new priority at once rather than at the next advert. */
	if (priority_changed && inst->fsm.state == before && before != VRRP_STATE_INIT)
		instance_handle_type(inst, VRRP_EVENT_PRIORITY_CHANGED, VRRP_REASON_NONE);
}

void instance_trackers_changed(struct vrrp_instance *inst, const struct tracker_state *changed)
{
	instance_trackers_settle(inst, instance_trackers_recompute(inst, changed));
}

/* Maintenance fallback: no peer took over the lowered priority in time. */
static void on_maintenance_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct vrrp_instance *inst = w->data;

	if (inst->fsm.state != VRRP_STATE_MASTER || !inst->fsm.cfg.maintenance)
		return;
	log_warning("(%s) maintenance: no peer took over at priority 1; releasing with priority 0",
		    inst->cfg->name);
	instance_handle_type(inst, VRRP_EVENT_FORCE_BACKUP, VRRP_REASON_ADMIN);
}

/*
 * Maintenance hands mastership over make-before-break: the MASTER
 * advertises priority 1 and keeps its VIPs until a peer (which takes over
 * after its skew time, see the fast hand-over) announces itself; only if
 * none does within a Master_Down_Interval does it release them with
 * priority 0. While on, the instance never becomes MASTER.
 */
void instance_set_maintenance(struct vrrp_instance *inst, bool on)
{
	if (inst->fsm.cfg.maintenance == on)
		return;
	inst->fsm.cfg.maintenance = on;
	log_notice("(%s) maintenance %s%s", inst->cfg->name, on ? "on" : "off",
		   on && inst->fsm.state == VRRP_STATE_MASTER ? ": handing over to a peer" : "");
	ev_timer_stop(inst->daemon->loop, &inst->maintenance_timer);
	if (on && inst->fsm.state == VRRP_STATE_MASTER) {
		ev_timer_set(&inst->maintenance_timer,
			     (double)vrrp_fsm_master_down_interval_us(&inst->fsm) / 1e6, 0.);
		ev_timer_start(inst->daemon->loop, &inst->maintenance_timer);
	}
	instance_trackers_changed(inst, NULL);
}

/* A MASTER whose VIP list changed adds the new ones (each announced with a
 * GARP / NA) and removes the dropped ones; the others are not touched. */
static void instance_vips_reconcile(struct vrrp_instance *inst, const struct instance_config *old)
{
	const struct instance_config *cfg = inst->cfg;

	for (size_t i = 0; i < config_owned_count(old); i++)
		if (!config_owns(cfg, config_owned(old, i)))
			instance_vip_change(inst, config_owned(old, i), false);
	for (size_t i = 0; i < config_owned_count(cfg); i++) {
		const struct ip_prefix *p = config_owned(cfg, i);

		if (config_owns(old, p))
			continue;
		instance_vip_change(inst, p, true);
		/* Announce the new address only: the others did not move. */
		if (inst->ifindex &&
		    garp_send(&inst->daemon->garp, inst->ifindex, inst->mac, &p->address) == 0)
			inst->counters.garps_sent++;
	}
}

int instance_reconfigure(struct vrrp_instance *inst, const struct instance_config *cfg,
			 unsigned int delta)
{
	const struct instance_config *old = inst->cfg;
	struct ip_address *advertised = realloc(inst->advertised,
						(cfg->vip_count ? cfg->vip_count : 1) *
							sizeof(*advertised));
	bool *on_link = realloc(inst->peer_on_link, (cfg->unicast.peer_count + 1) * sizeof(bool));

	if (advertised)
		inst->advertised = advertised;
	if (on_link)
		inst->peer_on_link = on_link;
	if (!advertised || !on_link)
		return -ENOMEM;
	inst->cfg = cfg;
	instance_prepare_advert(inst);
	for (size_t i = 0; i < cfg->unicast.peer_count; i++)
		inst->peer_on_link[i] = address_on_link(&cfg->unicast.peers[i], cfg->interface);
	inst->fsm.cfg.advert_interval_cs = cfg->advert_interval_cs;
	inst->fsm.cfg.preempt = cfg->preempt;
	inst->fsm.cfg.preempt_delay_us = cfg->preempt_delay_us;
	inst->fsm.cfg.initial_master = cfg->initial_state == INITIAL_STATE_MASTER;
	if ((delta & CONFIG_DELTA_VIPS) && inst->fsm.state == VRRP_STATE_MASTER)
		instance_vips_reconcile(inst, old);
	if ((delta & CONFIG_DELTA_TIMING) && inst->fsm.state == VRRP_STATE_MASTER &&
	    old->advert_interval_cs != cfg->advert_interval_cs)
		instance_arm(inst, &inst->advert_timer, (int64_t)cfg->advert_interval_cs * 10000,
			     true);
	const struct notify_config *n = &cfg->notify;
	bool wants_notify = n->master[0] || n->backup[0] || n->fault[0] || n->stop[0] || n->any[0];
	if (wants_notify && !inst->notify)
		inst->notify = notify_queue_create(inst->daemon->loop, "INSTANCE", cfg->name,
						   NOTIFY_DEFAULT_TIMEOUT_US);
	return 0;
}

void instance_stop(struct vrrp_instance *inst)
{
	instance_handle_type(inst, VRRP_EVENT_SHUTDOWN, VRRP_REASON_SHUTDOWN);
	inst->started = false;
	/* Whatever the state machine thought, nothing this instance owns stays. */
	if (inst->vips_installed)
		instance_vips_apply(inst, false);
	instance_garp_stop(inst);
	ev_timer_stop(inst->daemon->loop, &inst->advert_timer);
	ev_timer_stop(inst->daemon->loop, &inst->master_down_timer);
}

static const char *checksum_mode_name(enum vrrp_checksum_mode mode)
{
	return mode == VRRP_CHECKSUM_RFC9568 ? "rfc9568 (no pseudo-header)" : "pseudo-header";
}

/* Remembers each peer's checksum convention and says when it is new or
 * changes; with more peers than slots, the oldest slot is reused. */
static void instance_note_peer(struct vrrp_instance *inst, const struct vrrp_advert *adv,
			       const struct ip_address *source)
{
	struct instance_peer *peer = NULL;
	char text[IP_ADDRESS_TEXT_MAX];

	for (size_t i = 0; i < inst->peer_count && !peer; i++)
		if (ip_address_equal(&inst->peers[i].address, source))
			peer = &inst->peers[i];
	if (!peer) {
		size_t slot = inst->peer_count < INSTANCE_PEER_MEMORY
				      ? inst->peer_count++
				      : (size_t)(inst->counters.adverts_received % INSTANCE_PEER_MEMORY);
		peer = &inst->peers[slot];
		peer->address = *source;
		peer->adverts = 0;
	} else if (peer->checksum_mode == adv->checksum_mode) {
		peer->adverts++;
		return;
	}
	if (adv->version == 3 && adv->family == AF_INET)
		log_info("(%s) peer %s uses the %s VRRPv3 checksum", inst->cfg->name,
			 ip_address_format(source, text, sizeof(text)),
			 checksum_mode_name(adv->checksum_mode));
	peer->checksum_mode = adv->checksum_mode;
	peer->adverts++;
}

void instance_receive(struct vrrp_instance *inst, const struct vrrp_advert *adv,
		      const struct ip_address *source)
{
	struct vrrp_event event = {
		.type = VRRP_EVENT_ADVERT,
		.priority = adv->priority,
		.interval_cs = adv->interval_cs,
		.source = *source,
	};
	enum vrrp_state before = inst->fsm.state;

	inst->counters.adverts_received++;
	instance_note_peer(inst, adv, source);
	if (adv->priority == VRRP_PRIORITY_STOP)
		inst->counters.priority_zero_received++;
	if (before == VRRP_STATE_MASTER && adv->priority > inst->fsm.cfg.priority) {
		char text[IP_ADDRESS_TEXT_MAX];

		log_notice("(%s) received advert from %s with higher priority %u, ours %u",
			   inst->cfg->name, ip_address_format(source, text, sizeof(text)),
			   adv->priority, inst->fsm.cfg.priority);
	}
	instance_handle(inst, &event);
}

bool instance_accepts_source(const struct vrrp_instance *inst, const struct ip_address *source,
			     bool *check_ttl)
{
	const struct unicast_config *u = &inst->cfg->unicast;

	*check_ttl = true;
	if (!u->enabled)
		return true;
	for (size_t i = 0; i < u->peer_count; i++) {
		if (ip_address_equal(&u->peers[i], source)) {
			*check_ttl = inst->peer_on_link[i];
			return true;
		}
	}
	return false;
}

void instance_link_changed(struct vrrp_instance *inst, int ifindex, bool up, const uint8_t mac[6])
{
	const struct instance_config *cfg = inst->cfg;
	bool was_up = inst->link_up;

	inst->ifindex = ifindex;
	inst->link_up = up;
	if (mac)
		memcpy(inst->mac, mac, sizeof(inst->mac));
	if (was_up == up)
		return;
	log_warning("Kernel is reporting: interface %s %s", cfg->interface, up ? "UP" : "DOWN");
	if (up)
		instance_refresh_primary(inst);
	instance_set_fault(inst, INSTANCE_FAULT_LINK, !up,
			   up ? VRRP_REASON_LINK_UP : VRRP_REASON_LINK_DOWN);
}
