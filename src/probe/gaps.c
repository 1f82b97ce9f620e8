/*
 * gaps.c - the gap tracker: runs of failed probes, their lengths and counts.
 *
 * Storage for a gap is reserved when the gap opens, so closing a gap (and
 * finishing the run) never fails: a probe running out of memory loses at
 * worst the start of an outage, never its end.
 */
#include "gaps.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void gap_tracker_init(struct gap_tracker *tracker)
{
	memset(tracker, 0, sizeof(*tracker));
}

void gap_tracker_free(struct gap_tracker *tracker)
{
	free(tracker->gaps);
	memset(tracker, 0, sizeof(*tracker));
}

int64_t gap_duration_us(const struct gap *gap)
{
	return gap->end.mono_us - gap->start.mono_us;
}

const struct gap *gap_tracker_last(const struct gap_tracker *tracker)
{
	return tracker->count ? &tracker->gaps[tracker->count - 1] : NULL;
}

static int gap_tracker_reserve(struct gap_tracker *tracker)
{
	size_t capacity;
	struct gap *gaps;

	if (tracker->count < tracker->capacity)
		return 0;
	capacity = tracker->capacity ? tracker->capacity * 2 : 16;
	gaps = realloc(tracker->gaps, capacity * sizeof(*gaps));
	if (!gaps)
		return -ENOMEM;
	tracker->gaps = gaps;
	tracker->capacity = capacity;
	return 0;
}

static void gap_tracker_store(struct gap_tracker *tracker)
{
	int64_t duration = gap_duration_us(&tracker->current);

	tracker->gaps[tracker->count++] = tracker->current;
	if (duration > tracker->longest_us)
		tracker->longest_us = duration;
	tracker->in_gap = false;
}

static int gap_tracker_record_failure(struct gap_tracker *tracker,
				      const struct probe_instant *start,
				      const struct probe_instant *finish, int failure)
{
	if (!tracker->in_gap) {
		int err = gap_tracker_reserve(tracker);

		if (err)
			return err;
		memset(&tracker->current, 0, sizeof(tracker->current));
		tracker->current.start = *start;
		tracker->current.first_reason = failure;
		tracker->in_gap = true;
	}
	tracker->current.end = *finish;
	tracker->current.failed++;
	tracker->failed++;
	tracker->probes++;
	return 0;
}

int gap_tracker_record(struct gap_tracker *tracker, const struct probe_instant *start,
		       const struct probe_instant *finish, int failure)
{
	if (tracker->finished)
		return -EINVAL;
	if (failure)
		return gap_tracker_record_failure(tracker, start, finish, failure);

	tracker->ok++;
	tracker->probes++;
	if (!tracker->in_gap)
		return 0;
	tracker->current.end = *start;
	gap_tracker_store(tracker);
	return 1;
}

void gap_tracker_finish(struct gap_tracker *tracker)
{
	if (tracker->finished)
		return;
	tracker->finished = true;
	if (!tracker->in_gap)
		return;
	tracker->current.open = true;
	gap_tracker_store(tracker);
}
