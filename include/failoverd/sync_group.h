/*
 * sync_group.h - instances that must move together (a service VIP and the
 * gateway VIP in front of it): one member in FAULT takes the whole group to
 * FAULT, one member becoming MASTER brings the others, one member yielding
 * to a better peer takes the others to BACKUP.
 *
 * The group keeps no state machine of its own. After every member
 * transition it works out what the others must do and asks them through
 * their ordinary entry points (a "sync group" fault bit, FORCE_MASTER,
 * FORCE_BACKUP), each of which is idempotent, so a transition the group
 * itself caused settles without looping.
 */
#ifndef FAILOVERD_SYNC_GROUP_H
#define FAILOVERD_SYNC_GROUP_H

#include <stddef.h>

#include "failoverd/config.h"
#include "failoverd/fsm.h"

struct vrrp_instance;
struct notify_queue;
struct daemon;

struct sync_group {
	const struct sync_group_config *cfg;
	struct vrrp_instance **members;
	size_t member_count;
	struct notify_queue *notify; /* NULL: no group scripts */
	enum vrrp_state state;       /* last whole-group state announced */
};

int sync_group_init(struct sync_group *g, struct daemon *d, const struct sync_group_config *cfg);
void sync_group_free(struct sync_group *g);

/* Recomputes every member's sync-group fault cause from the members' own
 * causes (mask only; the members settle afterwards). */
void sync_group_update_faults(struct sync_group *g);

/* Called by a member after each of its transitions. */
void sync_group_member_changed(struct sync_group *g, struct vrrp_instance *member,
			       const struct vrrp_fsm_result *r);

#endif
