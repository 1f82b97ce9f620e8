/*
 * gaps.h - turns a stream of probe results into gaps.
 *
 * A gap is a run of consecutive failed probes: what a client saw as an
 * outage. Its duration runs from the start of the first failed probe to the
 * start of the first successful probe after it, so it measures how long the
 * service was unreachable as far as the probe can tell, to within one
 * interval. The tracker is pure: the caller passes the timestamps it took,
 * so the unit test can drive it with a made-up clock.
 */
#ifndef FAILOVER_PROBE_GAPS_H
#define FAILOVER_PROBE_GAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One moment on both clocks: monotonic for arithmetic, real time for humans. */
struct probe_instant {
	int64_t mono_us; /* CLOCK_MONOTONIC, microseconds */
	int64_t real_us; /* CLOCK_REALTIME, microseconds since the epoch */
};

struct gap {
	struct probe_instant start; /* start of the first failed probe */
	/*
	 * Closed gap: start of the first successful probe after it.
	 * Open gap (still failing when probing stopped): end of its last failed
	 * probe, the last moment the outage was observed.
	 */
	struct probe_instant end;
	uint64_t failed;  /* failed probes in this gap */
	int first_reason; /* caller's failure code of the first failed probe */
	bool open;
};

struct gap_tracker {
	uint64_t probes;
	uint64_t ok;
	uint64_t failed;
	struct gap *gaps; /* closed gaps, then at most one open gap after finish */
	size_t count;
	size_t capacity;
	struct gap current; /* the gap in progress when in_gap */
	bool in_gap;
	bool finished;
	int64_t longest_us;
};

void gap_tracker_init(struct gap_tracker *tracker);
void gap_tracker_free(struct gap_tracker *tracker);

/*
 * Records one completed probe that started at start and finished at finish.
 * failure is 0 for a successful probe, otherwise a non-zero code the caller
 * chooses (kept for the first failed probe of each gap).
 * Returns 1 when this probe closed a gap (gap_tracker_last() is that gap),
 * 0 otherwise, -ENOMEM when a new gap could not be stored, -EINVAL after
 * gap_tracker_finish().
 */
int gap_tracker_record(struct gap_tracker *tracker, const struct probe_instant *start,
		       const struct probe_instant *finish, int failure);

/*
 * Ends the run: a gap still in progress is stored with open = true and
 * counts towards the longest gap. Further records are refused.
 */
void gap_tracker_finish(struct gap_tracker *tracker);

/* The most recently stored gap, or NULL. */
const struct gap *gap_tracker_last(const struct gap_tracker *tracker);

int64_t gap_duration_us(const struct gap *gap);

#endif
