/*
 * link_track.c - interface and bond trackers, kept current by link events.
 *
 * Each tracker keeps the facts the kernel reported (the tracked link, found
 * by name, and for a bond the links whose IFLA_MASTER points at it) and
 * derives three states from them:
 *
 *   facts    --evaluate-->  observed  --debounce-->  state (published)
 *
 * "observed" is recomputed from scratch after every event that touched the
 * facts, so no sequence of events can make the counts drift. "state" is
 * what the callback saw: it follows "observed" once a difference in
 * status, members_up or members_total has lasted down_delay (a loss) or
 * up_delay (a recovery). A difference that goes away sooner cancels the
 * timer, and one that changes again restarts it, so a flap shorter than
 * the delay never reaches the callback. Details ("bond0: member eth1 down
 * (1 of 2 up)") come from comparing an evaluation with the previous one.
 *
 * A link is followed by name: deleted, it is down; re-created under the
 * same name with a new ifindex, it is followed again (and a bond's old
 * members, which pointed at the old ifindex, are forgotten). Members are
 * known by ifindex, so a renamed member stays a member.
 *
 * For a bond master of kind "bond" whose members carry no bonding
 * attributes (kernels before 3.13), members' MII status is read from
 * /proc/net/bonding/NAME (bond_proc.c) at each evaluation.
 */
#include "failoverd/link_track.h"

#include <errno.h>
#include <ev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if_bonding.h> /* BOND_LINK_UP; after <net/if.h> */

#include "link_track_internal.h"

struct link_tracker {
	struct link_tracker *next;
	struct link_trackers *owner;
	struct tracker_state state;    /* published: what the callback saw */
	struct tracker_state observed; /* from the facts now, before debounce */
	struct tracker_state target;   /* what the running debounce timer waits for */
	int64_t up_delay_us;
	int64_t down_delay_us;
	ev_timer debounce;

	/* Facts: the interface or the bond's master, ... */
	bool present;
	struct link_info link;
	char absence[48]; /* why not present: "deleted", "not found", ... */
	/* ... and a bond's members, as the last event about each showed it. */
	struct link_info members[LINK_TRACK_MAX_MEMBERS];
	size_t member_count;

	/* The previous evaluation of the members, to name what changed. */
	struct bond_member view[LINK_TRACK_MAX_MEMBERS];
	size_t view_count;
	bool view_master_up;
};

struct link_trackers {
	struct ev_loop *loop;
	struct netlink *nl;
	link_tracker_fn callback;
	void *ctx;
	char *bond_proc_dir;
	struct link_tracker *first;
};

bool bond_member_is_up(const struct link_info *link)
{
	return link->has_bond_slave ? link->bond_mii_status == BOND_LINK_UP : link->up;
}

/* ---- facts ---- */

static void tracker_set_absent(struct link_tracker *tr, const char *why)
{
	tr->present = false;
	tr->member_count = 0;
	snprintf(tr->absence, sizeof(tr->absence), "%s", why);
}

/* An event about the tracked link: true if the facts changed. */
static bool tracker_apply_link(struct link_tracker *tr, const struct link_info *link, bool deleted)
{
	bool same_name = !strcmp(link->name, tr->state.name);
	bool same_link = tr->present && link->ifindex == tr->link.ifindex;

	if (same_link && (deleted || !same_name)) {
		char why[sizeof(tr->absence)];

		if (deleted)
			snprintf(why, sizeof(why), "deleted");
		else
			snprintf(why, sizeof(why), "renamed to %s", link->name);
		tracker_set_absent(tr, why);
		return true;
	}
	if (!same_name || deleted)
		return false;
	if (!same_link)
		tr->member_count = 0; /* re-created: members pointed at the old ifindex */
	tr->present = true;
	tr->link = *link;
	return true;
}

static int tracker_find_member(const struct link_tracker *tr, int ifindex)
{
	for (size_t i = 0; i < tr->member_count; i++)
		if (tr->members[i].ifindex == ifindex)
			return (int)i;
	return -1;
}

/* An event about a (possible) member of a bond: true if the facts changed.
 * A member whose master changed away, or that was deleted, leaves. */
static bool tracker_apply_member(struct link_tracker *tr, const struct link_info *link,
				 bool deleted)
{
	int at = tracker_find_member(tr, link->ifindex);
	bool belongs = !deleted && tr->present && link->master_ifindex == tr->link.ifindex &&
		       link->ifindex != tr->link.ifindex;

	if (belongs) {
		if (at < 0) {
			if (tr->member_count == LINK_TRACK_MAX_MEMBERS)
				return false;
			at = (int)tr->member_count++;
		}
		tr->members[at] = *link;
		return true;
	}
	if (at < 0)
		return false;
	tr->member_count--;
	memmove(&tr->members[at], &tr->members[at + 1],
		(tr->member_count - (size_t)at) * sizeof(tr->members[0]));
	return true;
}

/* ---- evaluation ---- */

/* Without bonding attributes from netlink, the bonding driver's /proc text
 * says which members have MII up. */
static void bond_view_from_proc(const struct link_tracker *tr, struct bond_member *view,
				size_t count)
{
	struct bond_member proc[LINK_TRACK_MAX_MEMBERS];
	int found =
	    bond_proc_read(tr->owner->bond_proc_dir, tr->link.name, proc, LINK_TRACK_MAX_MEMBERS);

	for (int j = 0; j < found; j++)
		for (size_t i = 0; i < count; i++)
			if (!strcmp(view[i].name, proc[j].name))
				view[i].up = proc[j].up;
}

static size_t bond_view_build(const struct link_tracker *tr, struct bond_member *view)
{
	bool bonding_attributes = false;

	if (!tr->present)
		return 0;
	for (size_t i = 0; i < tr->member_count; i++) {
		const struct link_info *m = &tr->members[i];

		view[i].ifindex = m->ifindex;
		memcpy(view[i].name, m->name, sizeof(view[i].name));
		view[i].up = bond_member_is_up(m);
		bonding_attributes |= m->has_bond_slave;
	}
	if (!bonding_attributes && tr->member_count && !strcmp(tr->link.kind, "bond"))
		bond_view_from_proc(tr, view, tr->member_count);
	return tr->member_count;
}

static const struct bond_member *bond_view_find(const struct bond_member *view, size_t count,
						int ifindex)
{
	for (size_t i = 0; i < count; i++)
		if (view[i].ifindex == ifindex)
			return &view[i];
	return NULL;
}

/* The first thing that differs from the previous evaluation: a member
 * that went up or down, then one that joined, then one that left. */
static bool bond_view_change(const struct link_tracker *tr, const struct bond_member *view,
			     size_t count, const char **name, const char **what)
{
	for (size_t i = 0; i < count; i++) {
		const struct bond_member *old =
		    bond_view_find(tr->view, tr->view_count, view[i].ifindex);
		if (old && old->up != view[i].up) {
			*name = view[i].name;
			*what = view[i].up ? "up" : "down";
			return true;
		}
	}
	for (size_t i = 0; i < count; i++) {
		if (!bond_view_find(tr->view, tr->view_count, view[i].ifindex)) {
			*name = view[i].name;
			*what = "joined";
			return true;
		}
	}
	for (size_t i = 0; i < tr->view_count; i++) {
		if (!bond_view_find(view, count, tr->view[i].ifindex)) {
			*name = tr->view[i].name;
			*what = "left";
			return true;
		}
	}
	return false;
}

static void bond_describe(const struct link_tracker *tr, const struct bond_member *view,
			  size_t count, bool initial, char *detail, size_t size)
{
	const struct tracker_state *o = &tr->observed;
	const char *name = NULL, *what = NULL;

	if (!tr->present) {
		snprintf(detail, size, "%s: %s", o->name, tr->absence);
		return;
	}
	if (!tr->link.up) {
		snprintf(detail, size, "%s: master down", o->name);
		return;
	}
	if (count == 0) {
		snprintf(detail, size, "%s: no members", o->name);
		return;
	}
	if (initial || !bond_view_change(tr, view, count, &name, &what)) {
		for (size_t i = 0; i < count && !name; i++) {
			if (!view[i].up) {
				name = view[i].name;
				what = "down";
			}
		}
	}
	/* The master coming back is the news; a member still down is worth
	 * naming with it. */
	const char *master = tr->view_master_up || initial ? "" : "master up, ";
	if (name)
		snprintf(detail, size, "%s: %smember %s %s (%u of %u up)", o->name, master, name,
			 what, o->members_up, o->members_total);
	else
		snprintf(detail, size, "%s: %s%u of %u up", o->name, master, o->members_up,
			 o->members_total);
}

static void bond_observe(struct link_tracker *tr, bool initial)
{
	struct tracker_state *o = &tr->observed;
	struct bond_member view[LINK_TRACK_MAX_MEMBERS];
	size_t count = bond_view_build(tr, view);

	o->members_total = (unsigned int)count;
	o->members_up = 0;
	for (size_t i = 0; i < count; i++)
		o->members_up += view[i].up;
	if (!tr->present || !tr->link.up || o->members_up == 0)
		o->status = TRACKER_STATUS_DOWN;
	else if (o->members_up == o->members_total)
		o->status = TRACKER_STATUS_UP;
	else
		o->status = TRACKER_STATUS_DEGRADED;
	bond_describe(tr, view, count, initial, o->detail, sizeof(o->detail));
	memcpy(tr->view, view, count * sizeof(view[0]));
	tr->view_count = count;
	tr->view_master_up = tr->present && tr->link.up;
}

static void interface_observe(struct link_tracker *tr)
{
	struct tracker_state *o = &tr->observed;

	o->status = tr->present && tr->link.up ? TRACKER_STATUS_UP : TRACKER_STATUS_DOWN;
	snprintf(o->detail, sizeof(o->detail), "interface %s %s", o->name,
		 !tr->present  ? tr->absence
		 : tr->link.up ? "UP"
			       : "DOWN");
}

static void tracker_observe(struct link_tracker *tr, bool initial)
{
	if (tr->observed.kind == TRACKER_BOND)
		bond_observe(tr, initial);
	else
		interface_observe(tr);
}

/* ---- debounce and publication ---- */

static bool tracker_state_same(const struct tracker_state *a, const struct tracker_state *b)
{
	return a->status == b->status && a->members_up == b->members_up &&
	       a->members_total == b->members_total;
}

static int tracker_severity(enum tracker_status status)
{
	return status == TRACKER_STATUS_UP ? 0 : status == TRACKER_STATUS_DEGRADED ? 1 : 2;
}

static bool tracker_change_is_loss(const struct tracker_state *from, const struct tracker_state *to)
{
	return tracker_severity(to->status) > tracker_severity(from->status) ||
	       to->members_up < from->members_up;
}

static void tracker_publish(struct link_tracker *tr)
{
	struct link_trackers *t = tr->owner;

	tr->state = tr->observed;
	if (t->callback)
		t->callback(t->ctx, &tr->state);
}

static void tracker_on_debounce(struct ev_loop *loop, ev_timer *timer, int revents)
{
	struct link_tracker *tr = timer->data;

	if (!tracker_state_same(&tr->observed, &tr->state))
		tracker_publish(tr);
}

/* After an evaluation: publish now, wait for the change to last, or drop a
 * pending change that went away. */
static void tracker_settle(struct link_tracker *tr)
{
	struct ev_loop *loop = tr->owner->loop;

	if (tracker_state_same(&tr->observed, &tr->state)) {
		ev_timer_stop(loop, &tr->debounce); /* a flap shorter than the delay */
		return;
	}
	int64_t delay =
	    tracker_change_is_loss(&tr->state, &tr->observed) ? tr->down_delay_us : tr->up_delay_us;
	if (delay <= 0) {
		ev_timer_stop(loop, &tr->debounce);
		tracker_publish(tr);
		return;
	}
	if (ev_is_active(&tr->debounce) && tracker_state_same(&tr->observed, &tr->target))
		return;
	tr->target = tr->observed;
	ev_timer_stop(loop, &tr->debounce);
	ev_now_update(loop); /* the delay counts from now, not from the loop's last wake-up */
	ev_timer_set(&tr->debounce, (double)delay / 1e6, 0.);
	ev_timer_start(loop, &tr->debounce);
}

/* ---- registry ---- */

struct link_trackers *link_trackers_create(struct ev_loop *loop, struct netlink *nl,
					   link_tracker_fn callback, void *ctx)
{
	struct link_trackers *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->bond_proc_dir = strdup(BOND_PROC_DIR);
	if (!t->bond_proc_dir) {
		free(t);
		return NULL;
	}
	t->loop = loop;
	t->nl = nl;
	t->callback = callback;
	t->ctx = ctx;
	return t;
}

void link_trackers_free(struct link_trackers *t)
{
	if (!t)
		return;
	while (t->first) {
		struct link_tracker *tr = t->first;

		t->first = tr->next;
		ev_timer_stop(t->loop, &tr->debounce);
		free(tr);
	}
	free(t->bond_proc_dir);
	free(t);
}

void link_trackers_set_bond_proc_dir(struct link_trackers *t, const char *dir)
{
	char *copy = strdup(dir);

	if (!copy)
		return;
	free(t->bond_proc_dir);
	t->bond_proc_dir = copy;
}

static struct link_tracker *tracker_create(struct link_trackers *t, enum tracker_kind kind,
					   const char *name, int64_t up_delay_us,
					   int64_t down_delay_us)
{
	struct link_tracker *tr = calloc(1, sizeof(*tr));

	if (!tr)
		return NULL;
	tr->owner = t;
	tr->up_delay_us = up_delay_us > 0 ? up_delay_us : 0;
	tr->down_delay_us = down_delay_us > 0 ? down_delay_us : 0;
	ev_init(&tr->debounce, tracker_on_debounce);
	tr->debounce.data = tr;
	tr->observed.kind = kind;
	snprintf(tr->observed.name, sizeof(tr->observed.name), "%s", name);
	tracker_set_absent(tr, "not known yet");
	tracker_observe(tr, true);
	tr->state = tr->observed;
	return tr;
}

const struct tracker_state *link_trackers_add(struct link_trackers *t, enum tracker_kind kind,
					      const char *name, int64_t up_delay_us,
					      int64_t down_delay_us)
{
	struct link_tracker **end = &t->first;

	if ((kind != TRACKER_INTERFACE && kind != TRACKER_BOND) || !name || !*name ||
	    strlen(name) >= IFNAMSIZ)
		return NULL;
	for (struct link_tracker *tr = t->first; tr; tr = tr->next) {
		if (tr->state.kind == kind && !strcmp(tr->state.name, name) &&
		    tr->up_delay_us == up_delay_us && tr->down_delay_us == down_delay_us)
			return &tr->state;
		end = &tr->next;
	}
	*end = tracker_create(t, kind, name, up_delay_us, down_delay_us);
	return *end ? &(*end)->state : NULL;
}

/* ---- input: the kernel's view ---- */

struct link_snapshot {
	struct link_info *links;
	size_t count;
	size_t capacity;
	int err;
};

static void link_snapshot_add(void *ctx, const struct link_info *link, bool deleted)
{
	struct link_snapshot *s = ctx;

	if (s->err)
		return;
	if (s->count == s->capacity) {
		size_t capacity = s->capacity ? s->capacity * 2 : 32;
		struct link_info *grown = reallocarray(s->links, capacity, sizeof(*grown));

		if (!grown) {
			s->err = -ENOMEM;
			return;
		}
		s->links = grown;
		s->capacity = capacity;
	}
	s->links[s->count++] = *link;
}

/* The starting point: facts from a full dump, published without callback.
 * Two passes, as members may come before their master in the dump. */
static void tracker_sync(struct link_tracker *tr, const struct link_snapshot *s)
{
	tracker_set_absent(tr, "not found");
	for (size_t i = 0; i < s->count; i++)
		tracker_apply_link(tr, &s->links[i], false);
	for (size_t i = 0; tr->observed.kind == TRACKER_BOND && i < s->count; i++)
		tracker_apply_member(tr, &s->links[i], false);
	tracker_observe(tr, true);
	ev_timer_stop(tr->owner->loop, &tr->debounce);
	tr->state = tr->observed;
}

int link_trackers_sync(struct link_trackers *t)
{
	struct link_snapshot s = {0};

	if (!t->nl || !t->nl->sk)
		return 0;
	int err = netlink_link_dump(t->nl, link_snapshot_add, &s);
	if (err == 0)
		err = s.err;
	for (struct link_tracker *tr = t->first; err == 0 && tr; tr = tr->next)
		tracker_sync(tr, &s);
	free(s.links);
	return err;
}

void link_trackers_on_link(struct link_trackers *t, const struct link_info *link, bool deleted)
{
	for (struct link_tracker *tr = t->first; tr; tr = tr->next) {
		bool changed = tracker_apply_link(tr, link, deleted);

		if (tr->observed.kind == TRACKER_BOND)
			changed |= tracker_apply_member(tr, link, deleted);
		if (changed) {
			tracker_observe(tr, false);
			tracker_settle(tr);
		}
	}
}
