/*
 * trackers.c - wiring between trackers and instances.
 *
 * Link and bond trackers live in one registry fed by the daemon's link
 * events; each configured health check gets a check_tracker. Every
 * instance holds references (config item with its weight + the tracker's
 * live state). When a tracker changes, this file logs it once (syslog and
 * a "track" event) and asks each instance that uses it to recompute its
 * effective priority: one tracker can feed many instances.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "failoverd/check.h"
#include "failoverd/daemon.h"
#include "failoverd/instance.h"
#include "failoverd/link_track.h"
#include "failoverd/log.h"
#include "failoverd/sync_group.h"

/* Every instance using the tracker is recomputed before any state machine
 * moves (see instance_trackers_recompute). */
static void trackers_fan_out(struct daemon *d, const struct tracker_state *st)
{
	bool *changed = calloc(d->instance_count ? d->instance_count : 1, sizeof(*changed));

	for (size_t i = 0; i < d->instance_count; i++)
		if (instance_uses_tracker(d->instances[i], st)) {
			bool moved = instance_trackers_recompute(d->instances[i], st);

			if (changed)
				changed[i] = moved;
		}
	for (size_t i = 0; i < d->instance_count; i++)
		if (instance_uses_tracker(d->instances[i], st))
			instance_trackers_settle(d->instances[i], changed && changed[i]);
	free(changed);
}

static void trackers_log(struct daemon *d, const struct tracker_state *st)
{
	if (st->kind == TRACKER_INTERFACE)
		log_warning("Kernel is reporting: interface %s %s (tracked)", st->name,
			    st->status == TRACKER_STATUS_UP ? "UP" : "DOWN");
	else
		log_notice("Tracker %s %s is %s: %s", tracker_kind_name(st->kind), st->name,
			   tracker_status_name(st->status), st->detail);
	eventlog_track(&d->events, st->name, tracker_kind_name(st->kind),
		       tracker_status_name(st->status), st->detail);
}

static void on_link_tracker(void *ctx, const struct tracker_state *st)
{
	struct daemon *d = ctx;

	trackers_log(d, st);
	trackers_fan_out(d, st);
}

static void on_check_status(void *ctx, struct check *check, bool up, const char *detail)
{
	struct check_tracker *ct = ctx;

	ct->state.status = up ? TRACKER_STATUS_UP : TRACKER_STATUS_DOWN;
	snprintf(ct->state.detail, sizeof(ct->state.detail), "%s", detail ? detail : "");
	trackers_log(ct->daemon, &ct->state);
	trackers_fan_out(ct->daemon, &ct->state);
}

static bool trackers_check_used(const struct daemon *d, const char *name)
{
	for (size_t i = 0; i < d->instance_count; i++) {
		const struct track_config *t = &d->instances[i]->cfg->track;

		for (size_t j = 0; j < t->check_count; j++)
			if (strcmp(t->checks[j].name, name) == 0)
				return true;
	}
	return false;
}

static struct check_tracker *trackers_check_new(struct daemon *d, const struct check_config *cc)
{
	struct check_tracker *ct = calloc(1, sizeof(*ct));

	if (!ct)
		return NULL;
	ct->daemon = d;
	ct->state.kind = TRACKER_CHECK;
	ct->state.status = TRACKER_STATUS_DOWN; /* until rise successes */
	snprintf(ct->state.name, sizeof(ct->state.name), "%s", cc->name);
	snprintf(ct->state.detail, sizeof(ct->state.detail), "not checked yet");
	ct->check = check_create(d->loop, cc, on_check_status, ct);
	if (!ct->check) {
		free(ct);
		return NULL;
	}
	return ct;
}

static void trackers_check_free(struct check_tracker *ct)
{
	check_stop(ct->check);
	check_free(ct->check);
	free(ct);
}

/* The running check of that name, taken out of the old list, or NULL. */
static struct check_tracker *trackers_take_check(struct check_tracker **old, size_t old_count,
						 const char *name)
{
	for (size_t i = 0; i < old_count; i++)
		if (old[i] && strcmp(old[i]->state.name, name) == 0) {
			struct check_tracker *ct = old[i];

			old[i] = NULL;
			return ct;
		}
	return NULL;
}

/*
 * One check_tracker per check some instance tracks. keep(name) says which
 * running checks may carry on as they are (a reload whose check settings
 * did not change): they keep their state, so a reload never makes a
 * healthy service look down.
 */
static int trackers_build_checks(struct daemon *d, bool (*keep)(const void *, const char *),
				 const void *keep_ctx)
{
	const struct failoverd_config *config = d->config;
	struct check_tracker **old = d->checks;
	size_t old_count = d->check_count;
	int err = 0;

	d->checks = calloc(config->check_count ? config->check_count : 1, sizeof(*d->checks));
	d->check_count = 0;
	if (!d->checks) {
		d->checks = old;
		d->check_count = old_count;
		return -ENOMEM;
	}
	for (size_t i = 0; i < config->check_count && err == 0; i++) {
		const struct check_config *cc = &config->checks[i];
		struct check_tracker *ct = NULL;

		if (!trackers_check_used(d, cc->name)) {
			log_info("check %s is defined but no instance tracks it; not running it",
				 cc->name);
			continue;
		}
		if (keep && keep(keep_ctx, cc->name))
			ct = trackers_take_check(old, old_count, cc->name);
		if (!ct) {
			ct = trackers_check_new(d, cc);
			if (!ct)
				err = -ENOMEM;
			else if (old)
				check_start(ct->check); /* a reload: the loop is running */
		}
		if (ct)
			d->checks[d->check_count++] = ct;
	}
	for (size_t i = 0; i < old_count; i++)
		if (old[i])
			trackers_check_free(old[i]);
	free(old);
	return err;
}

static const struct tracker_state *trackers_find_check(const struct daemon *d, const char *name)
{
	for (size_t i = 0; i < d->check_count; i++)
		if (strcmp(d->checks[i]->state.name, name) == 0)
			return &d->checks[i]->state;
	return NULL;
}

static int trackers_build_refs(struct daemon *d, struct vrrp_instance *inst)
{
	const struct track_config *t = &inst->cfg->track;
	size_t n = t->interface_count + t->bond_count + t->check_count;

	if (n == 0)
		return 0;
	inst->track_refs = calloc(n, sizeof(*inst->track_refs));
	if (!inst->track_refs)
		return -ENOMEM;
	if ((t->interface_count || t->bond_count) && !d->link_trackers) {
		d->link_trackers = link_trackers_create(d->loop, &d->netlink, on_link_tracker, d);
		if (!d->link_trackers)
			return -ENOMEM;
	}
	for (size_t i = 0; i < t->interface_count + t->bond_count; i++) {
		bool bond = i >= t->interface_count;
		const struct track_item *item = bond ? &t->bonds[i - t->interface_count]
						     : &t->interfaces[i];
		struct track_ref *ref = &inst->track_refs[inst->track_ref_count++];

		ref->item = item;
		ref->state = link_trackers_add(d->link_trackers,
					       bond ? TRACKER_BOND : TRACKER_INTERFACE, item->name,
					       item->up_delay_us, item->down_delay_us);
		if (!ref->state)
			return -ENOMEM;
	}
	for (size_t i = 0; i < t->check_count; i++) {
		struct track_ref *ref = &inst->track_refs[inst->track_ref_count++];

		ref->item = &t->checks[i];
		ref->state = trackers_find_check(d, t->checks[i].name);
		if (!ref->state)
			return -ENOENT; /* config validation guarantees it exists */
	}
	return 0;
}

static int trackers_build_groups(struct daemon *d)
{
	const struct failoverd_config *config = d->config;

	d->groups = calloc(config->sync_group_count ? config->sync_group_count : 1,
			   sizeof(*d->groups));
	if (!d->groups)
		return -ENOMEM;
	for (size_t i = 0; i < config->sync_group_count; i++) {
		int err = sync_group_init(&d->groups[i], d, &config->sync_groups[i]);

		d->group_count = i + 1;
		if (err < 0)
			return err;
	}
	return 0;
}

static bool refs_contain(const struct track_ref *refs, size_t count, const struct tracker_state *st)
{
	for (size_t i = 0; i < count; i++)
		if (refs[i].state == st)
			return true;
	return false;
}

/*
 * Members of a sync group move together, so they must agree on which node
 * is best: if only VI_1 tracked the service and lost 60 points, VI_GATEWAY
 * would still win on this node, VI_1 would lose, and each would drag the
 * other across forever. So every member carries the union of the group's
 * trackers (a tracker used by two members counts once, with the weight of
 * the first member listing it).
 */
static int trackers_share_in_group(struct sync_group *g)
{
	size_t total = 0, count = 0;
	struct track_ref *shared;

	for (size_t i = 0; i < g->member_count; i++)
		total += g->members[i]->track_ref_count;
	if (total == 0)
		return 0;
	shared = calloc(total, sizeof(*shared));
	if (!shared)
		return -ENOMEM;
	for (size_t i = 0; i < g->member_count; i++)
		for (size_t j = 0; j < g->members[i]->track_ref_count; j++) {
			const struct track_ref *ref = &g->members[i]->track_refs[j];

			if (!refs_contain(shared, count, ref->state))
				shared[count++] = *ref;
		}
	for (size_t i = 0; i < g->member_count; i++) {
		struct vrrp_instance *m = g->members[i];
		struct track_ref *copy = calloc(count, sizeof(*copy));

		if (!copy) {
			free(shared);
			return -ENOMEM;
		}
		memcpy(copy, shared, count * sizeof(*copy));
		free(m->track_refs);
		m->track_refs = copy;
		m->track_ref_count = count;
	}
	free(shared);
	log_info("VRRP_Group(%s): its %zu members share their %zu tracker%s", g->cfg->name,
		 g->member_count, count, count == 1 ? "" : "s");
	return 0;
}

/* Members that disagree on their configured priority flap as a group. */
static void trackers_check_group_priorities(const struct sync_group *g)
{
	for (size_t i = 1; i < g->member_count; i++)
		if (g->members[i]->cfg->priority != g->members[0]->cfg->priority) {
			log_warning("VRRP_Group(%s): members have different priorities (%s %u, %s %u);"
				    " a group whose members disagree on the best node can flap",
				    g->cfg->name, g->members[0]->cfg->name,
				    g->members[0]->cfg->priority, g->members[i]->cfg->name,
				    g->members[i]->cfg->priority);
			return;
		}
}

void trackers_detach(struct daemon *d)
{
	for (size_t i = 0; i < d->group_count; i++)
		sync_group_free(&d->groups[i]);
	free(d->groups);
	d->groups = NULL;
	d->group_count = 0;
	for (size_t i = 0; i < d->instance_count; i++) {
		free(d->instances[i]->track_refs);
		d->instances[i]->track_refs = NULL;
		d->instances[i]->track_ref_count = 0;
	}
}

static int trackers_build_all(struct daemon *d, bool (*keep)(const void *, const char *),
			      const void *keep_ctx)
{
	int err = trackers_build_checks(d, keep, keep_ctx);

	for (size_t i = 0; err == 0 && i < d->instance_count; i++)
		err = trackers_build_refs(d, d->instances[i]);
	if (err == 0)
		err = trackers_build_groups(d);
	for (size_t i = 0; err == 0 && i < d->group_count; i++) {
		trackers_check_group_priorities(&d->groups[i]);
		err = trackers_share_in_group(&d->groups[i]);
	}
	if (err == 0 && d->link_trackers) {
		err = link_trackers_sync(d->link_trackers);
		if (err < 0)
			log_error("cannot read the state of tracked links: %s", strerror(-err));
	}
	return err;
}

int trackers_build(struct daemon *d)
{
	return trackers_build_all(d, NULL, NULL);
}

/* Reload: the instances already point at the new config. Every reference
 * and group is rebuilt; checks whose settings did not change keep running. */
int trackers_rebuild(struct daemon *d, bool (*keep_check)(const void *, const char *),
		     const void *keep_ctx)
{
	trackers_detach(d);
	return trackers_build_all(d, keep_check, keep_ctx);
}

void trackers_start(struct daemon *d)
{
	for (size_t i = 0; i < d->check_count; i++)
		check_start(d->checks[i]->check);
}

void trackers_on_link(struct daemon *d, const struct link_info *link, bool deleted)
{
	if (d->link_trackers)
		link_trackers_on_link(d->link_trackers, link, deleted);
}

void trackers_free(struct daemon *d)
{
	for (size_t i = 0; i < d->check_count; i++)
		trackers_check_free(d->checks[i]);
	free(d->checks);
	d->checks = NULL;
	d->check_count = 0;
	trackers_detach(d);
	if (d->link_trackers)
		link_trackers_free(d->link_trackers);
	d->link_trackers = NULL;
}
