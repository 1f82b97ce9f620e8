/*
 * sync_group.c - members of a sync group move together (see sync_group.h).
 *
 * Three rules, applied after every member transition:
 *  - FAULT: every member carries the "sync group" fault cause exactly while
 *    some OTHER member has a fault of its own (link or tracker). Computing
 *    the cause from scratch each time makes the rule idempotent: the
 *    transitions it causes come back here and change nothing further.
 *  - MASTER: a member that became MASTER on its own (timer, preempt,
 *    priority 0) brings the BACKUP members with it.
 *  - BACKUP: a member that yielded to a better peer takes the MASTER
 *    members down with it (they send priority 0, so the peer group's
 *    members follow within a skew time).
 * Transitions made for the group carry the reason sync_group and do not
 * trigger the MASTER/BACKUP rules again.
 */
#include "failoverd/sync_group.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "failoverd/daemon.h"
#include "failoverd/instance.h"
#include "failoverd/log.h"
#include "failoverd/notify.h"

static bool sync_group_state(const struct sync_group *g, enum vrrp_state *out);

int sync_group_init(struct sync_group *g, struct daemon *d, const struct sync_group_config *cfg)
{
	const struct notify_config *n = &cfg->notify;

	memset(g, 0, sizeof(*g));
	g->cfg = cfg;
	g->state = VRRP_STATE_INIT;
	g->members = calloc(cfg->instance_count ? cfg->instance_count : 1, sizeof(*g->members));
	if (!g->members)
		return -ENOMEM;
	for (size_t i = 0; i < cfg->instance_count; i++) {
		for (size_t j = 0; j < d->instance_count; j++) {
			if (strcmp(d->instances[j]->cfg->name, cfg->instances[i]) == 0) {
				g->members[g->member_count++] = d->instances[j];
				d->instances[j]->group = g;
			}
		}
	}
	if (n->master[0] || n->backup[0] || n->fault[0] || n->stop[0] || n->any[0]) {
		g->notify = notify_queue_create(d->loop, "GROUP", cfg->name,
						NOTIFY_DEFAULT_TIMEOUT_US);
		if (!g->notify)
			return -ENOMEM;
	}
	/* Rebuilt by a reload: the members' state is already announced. */
	if (g->member_count && !sync_group_state(g, &g->state))
		g->state = VRRP_STATE_INIT;
	return 0;
}

void sync_group_free(struct sync_group *g)
{
	for (size_t i = 0; i < g->member_count; i++)
		g->members[i]->group = NULL;
	free(g->members);
	if (g->notify)
		notify_queue_free(g->notify);
	memset(g, 0, sizeof(*g));
}

static bool sync_group_other_has_own_fault(const struct sync_group *g,
					   const struct vrrp_instance *self)
{
	for (size_t i = 0; i < g->member_count; i++)
		if (g->members[i] != self && (g->members[i]->fault_mask & INSTANCE_FAULT_OWN))
			return true;
	return false;
}

void sync_group_update_faults(struct sync_group *g)
{
	for (size_t i = 0; i < g->member_count; i++) {
		struct vrrp_instance *m = g->members[i];

		instance_update_fault(m, INSTANCE_FAULT_SYNC_GROUP,
				      sync_group_other_has_own_fault(g, m), VRRP_REASON_SYNC_GROUP);
	}
}

/* All members' sync causes are updated before any of them settles. */
static void sync_group_apply_faults(struct sync_group *g)
{
	sync_group_update_faults(g);
	for (size_t i = 0; i < g->member_count; i++)
		instance_settle_faults(g->members[i]);
}

static void sync_group_force(struct sync_group *g, struct vrrp_instance *leader,
			     enum vrrp_state from, enum vrrp_event_type event)
{
	bool announced = false;

	for (size_t i = 0; i < g->member_count; i++) {
		struct vrrp_instance *m = g->members[i];

		if (m == leader || m->fsm.state != from)
			continue;
		if (!announced)
			log_notice("VRRP_Group(%s) Syncing instances to %s state (%s)", g->cfg->name,
				   event == VRRP_EVENT_FORCE_MASTER ? "MASTER" : "BACKUP",
				   leader->cfg->name);
		announced = true;
		instance_force(m, event, VRRP_REASON_SYNC_GROUP);
	}
}

/* The whole group's state, for group notify scripts: FAULT if any member
 * is, MASTER or BACKUP once every member agrees, INIT when all stopped. */
static bool sync_group_state(const struct sync_group *g, enum vrrp_state *out)
{
	enum vrrp_state first = g->members[0]->fsm.state;

	for (size_t i = 0; i < g->member_count; i++)
		if (g->members[i]->fsm.state == VRRP_STATE_FAULT) {
			*out = VRRP_STATE_FAULT;
			return true;
		}
	for (size_t i = 1; i < g->member_count; i++)
		if (g->members[i]->fsm.state != first)
			return false;
	*out = first;
	return true;
}

static void sync_group_announce(struct sync_group *g)
{
	const struct notify_config *n = &g->cfg->notify;
	enum vrrp_state state;
	const char *script, *name;

	if (!g->member_count || !sync_group_state(g, &state) || state == g->state)
		return;
	g->state = state;
	if (state == VRRP_STATE_FAULT)
		log_warning("VRRP_Group(%s) Entering FAULT STATE", g->cfg->name);
	if (!g->notify)
		return;
	switch (state) {
	case VRRP_STATE_MASTER: script = n->master; name = "MASTER"; break;
	case VRRP_STATE_BACKUP: script = n->backup; name = "BACKUP"; break;
	case VRRP_STATE_FAULT: script = n->fault; name = "FAULT"; break;
	default: script = n->stop; name = "STOP"; break;
	}
	notify_queue_push(g->notify, script, name, 0);
	notify_queue_push(g->notify, n->any, name, 0);
}

void sync_group_member_changed(struct sync_group *g, struct vrrp_instance *member,
			       const struct vrrp_fsm_result *r)
{
	if (r->to == VRRP_STATE_INIT) {
		/* Shutdown: each member stops on its own. */
		sync_group_announce(g);
		return;
	}
	if (r->to == VRRP_STATE_FAULT || r->from == VRRP_STATE_FAULT)
		sync_group_apply_faults(g);
	if (r->reason != VRRP_REASON_SYNC_GROUP) {
		if (r->to == VRRP_STATE_MASTER)
			sync_group_force(g, member, VRRP_STATE_BACKUP, VRRP_EVENT_FORCE_MASTER);
		else if (r->from == VRRP_STATE_MASTER && r->to == VRRP_STATE_BACKUP)
			sync_group_force(g, member, VRRP_STATE_MASTER, VRRP_EVENT_FORCE_BACKUP);
	}
	sync_group_announce(g);
}
