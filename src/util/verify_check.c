/*
 * verify_check.c - what the merged logs say (see verify.h): each node's
 * history replayed on its own, then the MASTER intervals of all nodes laid
 * side by side per virtual router.
 *
 * One node at a time. Its events are taken in the order of its logs (a
 * node's logs, e.g. rotated ones, by their first ts; each log in line
 * order), not by ts: a clock stepped back must not reorder what the node did.
 * Along the way each instance's state is tracked, so that
 *   - every state event starts where the previous one of that instance on
 *     that node ended ("from" = the previous "to");
 *   - every step is legal (RFC 5798 6.4; INIT or FAULT -> MASTER only for
 *     the address owner, priority 255, RFC 5798 6.4.1);
 *   - the node's MASTER intervals per virtual router are known.
 * A start resets every instance to INIT. A start with no stop since the
 * previous run means the agent was killed: what it was MASTER of ends at its
 * last event before the start (nothing later in its own log shows it alive;
 * a peer's log may, see verify_overlap.c). A log that
 * begins without a start leaves states unknown until then: an instance's
 * first event is believed, and one that leaves MASTER was MASTER since the
 * node's first event. A MASTER interval still open at the end of a node's
 * logs ends at its last event (or later, again by a peer's log).
 *
 * Then verify_overlap.c lays the MASTER intervals of all nodes side by side.
 */
#include "verify_internal.h"

#include <stdlib.h>
#include <string.h>

/*
 * The steps of a virtual router, [from][to] in the order INIT, BACKUP,
 * MASTER, FAULT: 0 never, 1 always, 2 only for the address owner.
 */
static const int verify_transitions[4][4] = {
    [VERIFY_STATE_INIT] = {0, 1, 2, 1},
    [VERIFY_STATE_BACKUP] = {1, 0, 1, 1},
    [VERIFY_STATE_MASTER] = {1, 1, 0, 1},
    [VERIFY_STATE_FAULT] = {1, 1, 2, 0},
};
#define VERIFY_PRIORITY_OWNER 255

struct verify_instance_run {
	const char *name;
	int router;
	enum verify_state state;
	const struct verify_event *set_by; /* NULL: by a start/stop, or believed */
	bool master;			   /* interval open since .interval.start_us */
	struct verify_interval interval;
	bool shared_warned;
};

struct verify_node_run {
	uint32_t node;
	const char *name;
	struct verify_instance_run *instances;
	size_t instance_count, instance_size;
	bool known;			  /* states known: a start or stop was seen */
	bool stopped;			  /* the last start/stop was a stop */
	const struct verify_event *first; /* of this node */
	const struct verify_event *last;  /* the one before the current event */
	const struct verify_event *reset; /* the last start or stop */
};

/* ---- ordering ------------------------------------------------------------ */

/* A node's events, log by log in line order. */
static int verify_compare_by_file(const void *left, const void *right)
{
	const struct verify_event *a = left, *b = right;

	if (a->node != b->node)
		return a->node < b->node ? -1 : 1;
	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

/* A node's events, its logs ordered by their first ts. */
static int verify_compare_by_segment(const void *left, const void *right)
{
	const struct verify_event *a = left, *b = right;

	if (a->node != b->node)
		return a->node < b->node ? -1 : 1;
	if (a->segment_us != b->segment_us)
		return verify_compare_int64(a->segment_us, b->segment_us);
	return verify_compare_by_file(left, right);
}

static void verify_order_events(struct verify_internal *in)
{
	verify_sort(in->events, in->event_count, sizeof(*in->events), verify_compare_by_file);
	for (size_t i = 0; i < in->event_count;) {
		size_t j = i;
		while (j < in->event_count && in->events[j].node == in->events[i].node &&
		       in->events[j].file == in->events[i].file)
			in->events[j++].segment_us = in->events[i].ts_us;
		i = j;
	}
	verify_sort(in->events, in->event_count, sizeof(*in->events), verify_compare_by_segment);
}

static int verify_compare_routers(const void *left, const void *right)
{
	const struct verify_router *a = left, *b = right;

	if (a->vrid != b->vrid)
		return a->vrid < b->vrid ? -1 : 1;
	return strcmp(a->family, b->family);
}

/* Routers by vrid and family; the events follow their router. */
static void verify_order_routers(struct verify *v)
{
	struct verify_internal *in = v->internal;

	verify_sort(v->routers, v->router_count, sizeof(*v->routers), verify_compare_routers);
	for (size_t i = 0; i < v->router_count; i++)
		in->router_index[v->routers[i].vrid][!strcmp(v->routers[i].family, "ipv6")] =
		    (int)i;
	for (size_t i = 0; i < in->event_count; i++) {
		struct verify_event *e = &in->events[i];
		if (e->type == VERIFY_EVENT_STATE)
			e->router = in->router_index[e->vrid][e->family];
	}
}

static int verify_compare_changes(const void *left, const void *right)
{
	const struct verify_change *a = left, *b = right;

	if (a->ts_us != b->ts_us)
		return verify_compare_int64(a->ts_us, b->ts_us);
	return a->order < b->order ? -1 : a->order > b->order;
}

static int verify_compare_problems(const void *left, const void *right)
{
	const struct verify_problem *a = left, *b = right;

	if (a->ts_us != b->ts_us)
		return verify_compare_int64(a->ts_us, b->ts_us);
	return a->order < b->order ? -1 : a->order > b->order;
}

/* ---- recording ----------------------------------------------------------- */

static void verify_change_add(struct verify *v, const struct verify_node_run *run,
			      const struct verify_instance_run *inst, enum verify_change_kind kind,
			      const struct verify_event *e)
{
	struct verify_router *r = &v->routers[inst->router];

	if (!VERIFY_RESERVE(v, r->changes, r->change_size, r->change_count))
		return;
	r->changes[r->change_count++] = (struct verify_change){
	    .kind = kind,
	    .ts_us = e->ts_us,
	    .node = run->name,
	    .instance = inst->name,
	    .from = kind == VERIFY_CHANGE_STATE ? e->from : VERIFY_STATE_MASTER,
	    .to = kind == VERIFY_CHANGE_STATE ? e->to : VERIFY_STATE_MASTER,
	    .reason = kind == VERIFY_CHANGE_STATE ? e->reason : "",
	    .priority = kind == VERIFY_CHANGE_STATE ? e->priority : -1,
	    .master = kind == VERIFY_CHANGE_STATE ? e->master : NULL,
	    .file = v->files[e->file].name,
	    .line = e->line,
	    .order = v->internal->order++,
	};
}

static void verify_master_open(struct verify_node_run *run, struct verify_instance_run *inst,
			       const struct verify *v, const struct verify_event *at)
{
	inst->master = true;
	inst->interval = (struct verify_interval){
	    .node = run->node,
	    .start_us = at->ts_us,
	    .file = v->files[at->file].name,
	    .line = at->line,
	};
}

/* The interval recorded, or NULL when out of memory. */
static struct verify_interval *verify_master_close(struct verify *v,
						   struct verify_instance_run *inst, int64_t end_us)
{
	struct verify_router *r = &v->routers[inst->router];

	inst->master = false;
	if (!VERIFY_RESERVE(v, r->intervals, r->interval_size, r->interval_count))
		return NULL;
	inst->interval.end_us = end_us > inst->interval.start_us ? end_us : inst->interval.start_us;
	r->intervals[r->interval_count] = inst->interval;
	return &r->intervals[r->interval_count++];
}

/*
 * Ends a MASTER interval where the log stops showing it (event at, a
 * timeline line of kind); a peer's log may move the end up to limit_us.
 */
static void verify_master_end_implied(struct verify *v, const struct verify_node_run *run,
				      struct verify_instance_run *inst,
				      enum verify_change_kind kind, const struct verify_event *at,
				      int64_t limit_us)
{
	struct verify_interval *interval = verify_master_close(v, inst, at->ts_us);

	verify_change_add(v, run, inst, kind, at);
	if (!interval || v->error)
		return;
	interval->implied = true;
	interval->limit_us = limit_us;
	interval->change = v->routers[inst->router].change_count - 1;
}

/* Remembers a master's address that e shows (see struct verify_sighting). */
static void verify_sighting_add(struct verify *v, const struct verify_node_run *run,
				const struct verify_event *e)
{
	struct verify_router *r = &v->routers[e->router];
	bool own = e->to == VERIFY_STATE_MASTER;

	if (!e->master ||
	    (!own && (e->to != VERIFY_STATE_BACKUP || strcmp(e->reason, "higher_priority_advert"))))
		return;
	if (!VERIFY_RESERVE(v, r->sightings, r->sighting_size, r->sighting_count))
		return;
	r->sightings[r->sighting_count++] = (struct verify_sighting){
	    .ts_us = e->ts_us,
	    .address = e->master,
	    .node = run->node,
	    .own = own,
	    .file = v->files[e->file].name,
	    .line = e->line,
	};
}

/* Where a problem about event e of run shows. */
static struct verify_problem verify_problem_at(const struct verify *v,
					       const struct verify_node_run *run,
					       const struct verify_event *e, enum verify_kind kind)
{
	return (struct verify_problem){
	    .kind = kind,
	    .file = v->files[e->file].name,
	    .line = e->line,
	    .ts_us = e->ts_us,
	    .node = run->name,
	    .router = -1,
	};
}

/* ---- one node ------------------------------------------------------------ */

/* A clock stepped back within a log, or two logs of the node overlapping. */
static void verify_node_clock(struct verify *v, const struct verify_node_run *run,
			      const struct verify_event *e)
{
	const struct verify_event *last = run->last;
	char back[32];

	if (!last || e->ts_us >= last->ts_us)
		return;
	verify_format_seconds(last->ts_us - e->ts_us, back, sizeof(back));
	if (e->file != last->file) {
		struct verify_problem where = verify_problem_at(v, run, e, VERIFY_OVERLAPPING_LOGS);
		verify_problem_add(v, &where,
				   "its logs %s and %s overlap in time by %s s (the same log "
				   "twice?); %s is taken after %s",
				   v->files[last->file].name, v->files[e->file].name, back,
				   v->files[e->file].name, v->files[last->file].name);
	} else {
		struct verify_problem where = verify_problem_at(v, run, e, VERIFY_CLOCK_BACK);
		verify_problem_add(
		    v, &where,
		    "time goes back %s s after line %lu (clock stepped?); its events "
		    "are taken in log order",
		    back, last->line);
	}
}

/* Every instance back to INIT, as a start or a stop leaves it. */
static void verify_node_reset(struct verify_node_run *run, const struct verify_event *e)
{
	for (size_t i = 0; i < run->instance_count; i++) {
		run->instances[i].state = VERIFY_STATE_INIT;
		run->instances[i].set_by = NULL;
	}
	run->known = true;
	run->reset = e;
	run->stopped = e->type == VERIFY_EVENT_STOP;
}

static void verify_node_start(struct verify *v, struct verify_node_run *run,
			      const struct verify_event *e)
{
	const struct verify_event *last = run->last;

	if (last && !run->stopped) {
		struct verify_problem where =
		    verify_problem_at(v, run, e, VERIFY_RESTART_WITHOUT_STOP);
		char when[VERIFY_TIME_MAX];
		verify_problem_add(v, &where,
				   "agent restarted without stop (killed?); its previous run ends "
				   "at its last event, %s:%lu (%s)",
				   v->files[last->file].name, last->line,
				   verify_format_time(last->ts_us, 3, when, sizeof(when)));
		for (size_t i = 0; i < run->instance_count; i++)
			if (run->instances[i].master)
				verify_master_end_implied(v, run, &run->instances[i],
							  VERIFY_CHANGE_RESTART, last, e->ts_us);
	}
	verify_node_reset(run, e);
}

static void verify_node_stop(struct verify *v, struct verify_node_run *run,
			     const struct verify_event *e)
{
	for (size_t i = 0; i < run->instance_count; i++) {
		struct verify_instance_run *inst = &run->instances[i];
		if (!inst->master)
			continue;
		struct verify_problem where = verify_problem_at(v, run, e, VERIFY_MASTER_AT_STOP);
		where.instance = inst->name;
		where.router = inst->router;
		verify_problem_add(v, &where,
				   "stopped while still MASTER (no state event left it)");
		verify_master_close(v, inst, e->ts_us);
		verify_change_add(v, run, inst, VERIFY_CHANGE_STOP, e);
	}
	verify_node_reset(run, e);
}

/* The instance of state event e, created on its first event. */
static struct verify_instance_run *
verify_node_instance(struct verify *v, struct verify_node_run *run, const struct verify_event *e)
{
	for (size_t i = 0; i < run->instance_count; i++)
		if (run->instances[i].name == e->instance && run->instances[i].router == e->router)
			return &run->instances[i];
	if (!VERIFY_RESERVE(v, run->instances, run->instance_size, run->instance_count))
		return NULL;
	struct verify_instance_run *inst = &run->instances[run->instance_count++];
	*inst = (struct verify_instance_run){
	    .name = e->instance,
	    .router = e->router,
	    .state = run->known ? VERIFY_STATE_INIT : e->from,
	};
	if (!run->known && e->from == VERIFY_STATE_MASTER) {
		/* MASTER before the log began: since its first event, at least. */
		verify_master_open(run, inst, v, run->first);
		verify_change_add(v, run, inst, VERIFY_CHANGE_LOG_START, run->first);
	}
	return inst;
}

/* "from" must be where the previous event of this instance left it. */
static void verify_check_continuity(struct verify *v, const struct verify_node_run *run,
				    const struct verify_instance_run *inst,
				    const struct verify_event *e)
{
	const struct verify_event *cause = inst->set_by ? inst->set_by : run->reset;
	const char *since = !inst->set_by ? "" : "set at ";

	if (e->from == inst->state)
		return;
	struct verify_problem where = verify_problem_at(v, run, e, VERIFY_DISCONTINUITY);
	where.instance = inst->name;
	where.router = inst->router;
	if (!inst->set_by && cause)
		since = cause->type == VERIFY_EVENT_START ? "since the start at "
							  : "since the stop at ";
	verify_problem_add(v, &where, "%s -> %s, but it was %s (%s%s:%lu)",
			   verify_state_name(e->from), verify_state_name(e->to),
			   verify_state_name(inst->state), since,
			   cause ? v->files[cause->file].name : "?", cause ? cause->line : 0);
}

/* RFC 5798 6.4: the step itself must be one a virtual router can take. */
static void verify_check_transition(struct verify *v, const struct verify_node_run *run,
				    const struct verify_instance_run *inst,
				    const struct verify_event *e)
{
	int rule = verify_transitions[e->from][e->to];

	if (rule == 1 || (rule == 2 && (e->priority < 0 || e->priority == VERIFY_PRIORITY_OWNER)))
		return;
	struct verify_problem where = verify_problem_at(v, run, e, VERIFY_ILLEGAL_TRANSITION);
	where.instance = inst->name;
	where.router = inst->router;
	if (rule == 0)
		verify_problem_add(v, &where, "illegal transition %s -> %s",
				   verify_state_name(e->from), verify_state_name(e->to));
	else /* RFC 5798 6.4.1: only the owner becomes Master without waiting */
		verify_problem_add(v, &where,
				   "illegal transition %s -> %s at priority %d (only the address "
				   "owner, priority 255, skips BACKUP)",
				   verify_state_name(e->from), verify_state_name(e->to),
				   e->priority);
}

/* Two instances of one node active on one (vrid, family): the merge cannot tell them apart. */
static void verify_check_shared(struct verify *v, struct verify_node_run *run,
				struct verify_instance_run *inst, const struct verify_event *e)
{
	if (e->to == VERIFY_STATE_INIT)
		return;
	for (size_t i = 0; i < run->instance_count; i++) {
		struct verify_instance_run *other = &run->instances[i];
		if (other == inst || other->router != inst->router ||
		    other->state == VERIFY_STATE_INIT || inst->shared_warned ||
		    other->shared_warned)
			continue;
		struct verify_problem where = verify_problem_at(v, run, e, VERIFY_SHARED_ROUTER);
		where.instance = inst->name;
		where.router = inst->router;
		verify_problem_add(v, &where,
				   "%s and %s of this node both use this vrid and family (other "
				   "interfaces?); they are verified as one virtual router",
				   other->name, inst->name);
		inst->shared_warned = other->shared_warned = true;
	}
}

static void verify_node_state(struct verify *v, struct verify_node_run *run,
			      const struct verify_event *e)
{
	struct verify_instance_run *inst = verify_node_instance(v, run, e);

	if (!inst)
		return;
	verify_check_continuity(v, run, inst, e);
	verify_check_transition(v, run, inst, e);
	verify_check_shared(v, run, inst, e);

	bool was_master = inst->master;
	if (was_master && e->to != VERIFY_STATE_MASTER)
		verify_master_close(v, inst, e->ts_us);
	else if (!was_master && e->to == VERIFY_STATE_MASTER)
		verify_master_open(run, inst, v, e);
	if (was_master || e->from == VERIFY_STATE_MASTER || e->to == VERIFY_STATE_MASTER)
		verify_change_add(v, run, inst, VERIFY_CHANGE_STATE, e);
	verify_sighting_add(v, run, e);
	inst->state = e->to;
	inst->set_by = e;
}

/* The end of the node's logs: MASTER intervals still open end here. */
static void verify_node_end(struct verify *v, struct verify_node_run *run)
{
	for (size_t i = 0; i < run->instance_count; i++)
		if (run->instances[i].master)
			verify_master_end_implied(v, run, &run->instances[i], VERIFY_CHANGE_LOG_END,
						  run->last, INT64_MAX);
	free(run->instances);
}

/* Replays events[0..count) of one node. */
static void verify_replay_node(struct verify *v, const struct verify_event *events, size_t count)
{
	struct verify_node_run run = {
	    .node = events[0].node,
	    .name = v->internal->nodes[events[0].node],
	    .first = &events[0],
	};

	for (size_t i = 0; i < count && !v->error; i++) {
		const struct verify_event *e = &events[i];
		verify_node_clock(v, &run, e);
		if (e->type == VERIFY_EVENT_START)
			verify_node_start(v, &run, e);
		else if (e->type == VERIFY_EVENT_STOP)
			verify_node_stop(v, &run, e);
		else if (e->type == VERIFY_EVENT_STATE)
			verify_node_state(v, &run, e);
		run.last = e;
	}
	verify_node_end(v, &run);
}

/* ---- the whole check ------------------------------------------------------ */

int verify_check(struct verify *v)
{
	struct verify_internal *in = v->internal;

	if (v->checked || v->error)
		return v->error;
	v->checked = true;
	verify_order_routers(v);
	verify_order_events(in);
	for (size_t i = 0; i < in->event_count && !v->error;) {
		size_t j = i;
		while (j < in->event_count && in->events[j].node == in->events[i].node)
			j++;
		verify_replay_node(v, &in->events[i], j - i);
		i = j;
	}
	for (size_t i = 0; i < v->router_count && !v->error; i++) {
		struct verify_router *r = &v->routers[i];
		verify_find_overlaps(v, (int)i);
		verify_sort(r->changes, r->change_count, sizeof(*r->changes),
			    verify_compare_changes);
	}
	verify_sort(v->violations, v->violation_count, sizeof(*v->violations),
		    verify_compare_problems);
	verify_sort(v->warnings, v->warning_count, sizeof(*v->warnings), verify_compare_problems);
	return v->error;
}
