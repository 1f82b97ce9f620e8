/*
 * priority.c - effective priority and FAULT from tracker states (pure).
 *
 * Recomputed from scratch every time any tracker changes or the config is
 * reloaded: configured priority + the weights of the trackers failing now,
 * clamped to 1..254 (an owner keeps 255). Computing, never accumulating,
 * is what keeps a flapping tracker or a reload from making it drift.
 */
#include "failoverd/track.h"

#include "failoverd/packet.h"

bool track_ref_failing(const struct track_ref *ref, int *cost, bool *forces_fault)
{
	const struct track_item *item = ref->item;
	const struct tracker_state *st = ref->state;

	*cost = 0;
	*forces_fault = false;
	if (st->kind == TRACKER_BOND) {
		unsigned int min = item->min_members ? item->min_members : 1;
		unsigned int lost = st->members_total > st->members_up
					    ? st->members_total - st->members_up
					    : 0;

		if (item->has_weight)
			*cost = item->weight * (int)lost;
		/* A bond whose master is down has no member up at all. */
		if (st->status == TRACKER_STATUS_DOWN || st->members_up < min) {
			*forces_fault = true;
			return true;
		}
		return lost > 0;
	}
	if (st->status == TRACKER_STATUS_UP)
		return false;
	if (item->has_weight)
		*cost = item->weight;
	else
		*forces_fault = true;
	return true;
}

void track_compute(uint8_t base, const struct track_ref *refs, size_t count,
		   struct track_verdict *out)
{
	int sum = 0;
	int lowest_cost = 0;

	out->fault = false;
	out->fault_ref = NULL;
	out->lowest_ref = NULL;
	for (size_t i = 0; i < count; i++) {
		int cost;
		bool forces_fault;

		if (!track_ref_failing(&refs[i], &cost, &forces_fault))
			continue;
		if (forces_fault && !out->fault) {
			out->fault = true;
			out->fault_ref = &refs[i];
		}
		sum += cost;
		if (cost != 0 && (!out->lowest_ref || cost < lowest_cost)) {
			lowest_cost = cost;
			out->lowest_ref = &refs[i];
		}
	}
	if (base == VRRP_PRIORITY_OWNER) {
		out->priority = VRRP_PRIORITY_OWNER;
		return;
	}
	sum += base;
	out->priority = sum < 1 ? 1 : sum > 254 ? 254 : sum;
}

const char *tracker_kind_name(enum tracker_kind kind)
{
	switch (kind) {
	case TRACKER_INTERFACE:
		return "interface";
	case TRACKER_BOND:
		return "bond";
	case TRACKER_CHECK:
		return "check";
	}
	return "unknown";
}

const char *tracker_status_name(enum tracker_status status)
{
	switch (status) {
	case TRACKER_STATUS_UP:
		return "up";
	case TRACKER_STATUS_DOWN:
		return "down";
	case TRACKER_STATUS_DEGRADED:
		return "degraded";
	}
	return "unknown";
}
