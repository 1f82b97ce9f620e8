/*
 * verify_overlap.c - dual masters: the MASTER intervals of every node for
 * one virtual router (from verify_check.c's replay) laid side by side.
 *
 * A sweep over the intervals' edges, in time order, counts the nodes that
 * are MASTER. Whenever that count reaches two an overlap begins, and it ends
 * when the count drops below two again; every node MASTER at some moment in
 * between is named. An overlap longer than the tolerance is a violation:
 * shorter ones are normal while adverts are in flight (a preempting node
 * is MASTER one advert before the old one hears it), and are still reported.
 * At the same microsecond an end sorts before a start, and an overlap of
 * zero length is none: a hand-over within one microsecond is not two masters.
 *
 * First, the peers' logs may show a node MASTER for longer than its own:
 * a MASTER that is fine logs nothing, so its interval would otherwise end at
 * its last event. When a peer yields to an advert (higher_priority_advert)
 * from the address a node announced when it became MASTER, that node was
 * MASTER then: an end its log only implies (end of log; restart without
 * stop, up to the restart) moves there. This is what shows a quiet MASTER
 * and a partitioned peer that also became MASTER until the partition healed.
 */
#include "verify_internal.h"

#include <errno.h>
#include <stdlib.h>

/* An address announced by a node as its own when it became MASTER. */
struct verify_owner {
	const char *address;
	uint32_t node;
	bool ambiguous; /* announced by more than one node: no evidence */
};

/* The owners of the router's addresses; NULL and v->error when out of memory. */
static struct verify_owner *verify_owners(struct verify *v, const struct verify_router *r,
					  size_t *count)
{
	struct verify_owner *owners = calloc(r->sighting_count + 1, sizeof(*owners));

	*count = 0;
	if (!owners) {
		v->error = -ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < r->sighting_count; i++) {
		const struct verify_sighting *s = &r->sightings[i];
		size_t k = 0;
		if (!s->own)
			continue;
		while (k < *count && owners[k].address != s->address)
			k++;
		if (k == *count)
			owners[(*count)++] = (struct verify_owner){s->address, s->node, false};
		else if (owners[k].node != s->node)
			owners[k].ambiguous = true;
	}
	return owners;
}

/* Moves the implied ends of owner's intervals up to sighting s. */
static void verify_apply_sighting(struct verify *v, struct verify_router *r, uint32_t owner,
				  const struct verify_sighting *s)
{
	for (size_t i = 0; i < r->interval_count; i++) {
		struct verify_interval *interval = &r->intervals[i];
		if (interval->node != owner || !interval->implied ||
		    interval->start_us > s->ts_us || interval->end_us >= s->ts_us ||
		    s->ts_us >= interval->limit_us)
			continue;
		interval->end_us = s->ts_us;
		struct verify_change *change = &r->changes[interval->change];
		change->kind = VERIFY_CHANGE_SEEN;
		change->ts_us = s->ts_us;
		change->witness = v->internal->nodes[s->node];
		change->file = s->file;
		change->line = s->line;
	}
}

static void verify_apply_sightings(struct verify *v, struct verify_router *r)
{
	size_t count;
	struct verify_owner *owners = verify_owners(v, r, &count);

	for (size_t i = 0; owners && i < r->sighting_count; i++) {
		const struct verify_sighting *s = &r->sightings[i];
		for (size_t k = 0; !s->own && k < count; k++)
			if (owners[k].address == s->address && !owners[k].ambiguous &&
			    owners[k].node != s->node)
				verify_apply_sighting(v, r, owners[k].node, s);
	}
	free(owners);
}

struct verify_edge {
	int64_t ts_us;
	int delta; /* +1 an interval starts, -1 it ends */
	size_t interval;
};

static int verify_compare_edges(const void *left, const void *right)
{
	const struct verify_edge *a = left, *b = right;

	if (a->ts_us != b->ts_us)
		return verify_compare_int64(a->ts_us, b->ts_us);
	if (a->delta != b->delta)
		return a->delta < b->delta ? -1 : 1; /* ends first */
	return a->interval < b->interval ? -1 : a->interval > b->interval;
}

static void verify_overlap_add(struct verify *v, int router, struct verify_overlap *o,
			       const bool *in_window)
{
	struct verify_router *r = &v->routers[router];
	char names[512], duration[32], tolerance[32], start[VERIFY_TIME_MAX], end[VERIFY_TIME_MAX];

	if (!VERIFY_RESERVE(v, r->overlaps, r->overlap_size, r->overlap_count))
		return;
	o->nodes = calloc(v->node_count, sizeof(*o->nodes));
	if (!o->nodes) {
		v->error = -ENOMEM;
		return;
	}
	for (size_t n = 0; n < v->node_count; n++)
		if (in_window[n])
			o->nodes[o->node_count++] = v->internal->nodes[n];
	o->violation = o->end_us - o->start_us > v->tolerance_us;
	r->overlaps[r->overlap_count++] = *o;
	if (!o->violation)
		return;
	verify_join_names(o->nodes, o->node_count, names, sizeof(names));
	struct verify_problem where = {
	    .kind = VERIFY_DUAL_MASTER,
	    .file = o->file,
	    .line = o->line,
	    .ts_us = o->start_us,
	    .router = router,
	};
	verify_problem_add(
	    v, &where,
	    "dual master: %s MASTER at once for %s s, from %s to %s "
	    "(tolerance %s s)",
	    names, verify_format_seconds(o->end_us - o->start_us, duration, sizeof(duration)),
	    verify_format_time(o->start_us, 3, start, sizeof(start)),
	    verify_format_time(o->end_us, 3, end, sizeof(end)),
	    verify_format_seconds(v->tolerance_us, tolerance, sizeof(tolerance)));
}

/* Walks the edges of one router's intervals; masters[n]: open intervals of node n. */
static void verify_sweep(struct verify *v, int router, const struct verify_edge *edges,
			 size_t count, int *masters, bool *in_window)
{
	const struct verify_interval *intervals = v->routers[router].intervals;
	struct verify_overlap overlap = {0};
	size_t active = 0; /* nodes with an open interval */

	for (size_t i = 0; i < count && !v->error; i++) {
		const struct verify_interval *interval = &intervals[edges[i].interval];
		uint32_t node = interval->node;
		if (edges[i].delta > 0 && masters[node]++ == 0 && ++active >= 2) {
			if (active == 2) {
				overlap = (struct verify_overlap){.start_us = edges[i].ts_us,
								  .file = interval->file,
								  .line = interval->line};
				for (size_t n = 0; n < v->node_count; n++)
					in_window[n] = masters[n] > 0;
			}
			in_window[node] = true;
		} else if (edges[i].delta < 0 && --masters[node] == 0 && active-- == 2) {
			overlap.end_us = edges[i].ts_us;
			if (overlap.end_us > overlap.start_us)
				verify_overlap_add(v, router, &overlap, in_window);
		}
	}
}

void verify_find_overlaps(struct verify *v, int router)
{
	struct verify_router *r = &v->routers[router];
	struct verify_edge *edges = calloc(2 * r->interval_count + 1, sizeof(*edges));
	int *masters = calloc(v->node_count + 1, sizeof(*masters));
	bool *in_window = calloc(v->node_count + 1, sizeof(*in_window));

	verify_apply_sightings(v, r);
	if (!edges || !masters || !in_window) {
		v->error = -ENOMEM;
	} else {
		for (size_t i = 0; i < r->interval_count; i++) {
			edges[2 * i] = (struct verify_edge){r->intervals[i].start_us, +1, i};
			edges[2 * i + 1] = (struct verify_edge){r->intervals[i].end_us, -1, i};
		}
		verify_sort(edges, 2 * r->interval_count, sizeof(*edges), verify_compare_edges);
		verify_sweep(v, router, edges, 2 * r->interval_count, masters, in_window);
	}
	free(edges);
	free(masters);
	free(in_window);
}
