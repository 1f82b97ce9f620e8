/*
 * loop.c - the probing schedule.
 *
 * Ticks sit on a fixed grid, start + k * interval, so a slow probe does not
 * shift every later probe. Only one probe is in flight: a probe is a
 * blocking call bounded by its timeout, and when it overruns the next tick
 * that tick simply waits and fires the moment the probe returns. Ticks that
 * passed entirely while it ran are folded into that one late tick (never a
 * burst of catch-up probes, which would hammer a recovering service and
 * count one outage several times over). A stop request abandons the probe in
 * flight; it is not counted, as its answer is unknown.
 */
#include "loop.h"

#include "clock.h"
#include "report.h"

#include <errno.h>
#include <stdio.h>

struct probe_schedule {
	int64_t anchor_us; /* CLOCK_MONOTONIC of tick 0 */
	int64_t interval_us;
	uint64_t tick;
	int64_t stop_us; /* --duration: no probe starts at or after this; 0: none */
};

static int64_t probe_schedule_due(const struct probe_schedule *schedule)
{
	return schedule->anchor_us + (int64_t)schedule->tick * schedule->interval_us;
}

/* Moves to the next tick; if it already passed, to the latest passed one. */
static void probe_schedule_advance(struct probe_schedule *schedule, int64_t now_us)
{
	uint64_t passed;

	schedule->tick++;
	if (probe_schedule_due(schedule) >= now_us)
		return;
	passed = (uint64_t)((now_us - schedule->anchor_us) / schedule->interval_us);
	if (passed > schedule->tick)
		schedule->tick = passed;
}

static bool probe_loop_done(const struct probe_options *options,
			    const struct probe_schedule *schedule,
			    const struct gap_tracker *tracker)
{
	if (options->count && tracker->probes >= options->count)
		return true;
	return schedule->stop_us && probe_clock_mono_us() >= schedule->stop_us;
}

/* One probe at this tick. Returns 0, 1 when interrupted, or -ENOMEM. */
static int probe_loop_tick(const struct probe_options *options, const struct probe_target *target,
			   struct gap_tracker *tracker)
{
	struct probe_instant started, finished;
	enum probe_status status;
	int closed;

	probe_clock_now(&started);
	status = probe_run(target, started.mono_us + (int64_t)options->timeout_ms * 1000);
	if (status == PROBE_INTERRUPTED)
		return 1;
	probe_clock_now(&finished);
	closed = gap_tracker_record(tracker, &started, &finished, status);
	if (closed < 0)
		return closed;
	if (closed && !options->quiet)
		report_print_gap(stderr, gap_tracker_last(tracker));
	return 0;
}

int probe_loop_run(const struct probe_options *options, const struct probe_target *target,
		   struct gap_tracker *tracker, struct probe_instant *start,
		   struct probe_instant *end)
{
	struct probe_schedule schedule = {.interval_us = (int64_t)options->interval_ms * 1000};
	int err = 0;

	probe_clock_now(start);
	schedule.anchor_us = start->mono_us;
	if (options->duration_us)
		schedule.stop_us = start->mono_us + options->duration_us;
	while (!*target->stop) {
		int64_t due = probe_schedule_due(&schedule);

		if (schedule.stop_us && due >= schedule.stop_us) {
			probe_sleep_until(target, schedule.stop_us);
			break;
		}
		if (probe_sleep_until(target, due) == -EINTR)
			break;
		if (probe_loop_done(options, &schedule, tracker))
			break;
		err = probe_loop_tick(options, target, tracker);
		if (err)
			break;
		if (probe_loop_done(options, &schedule, tracker))
			break;
		probe_schedule_advance(&schedule, probe_clock_mono_us());
	}
	probe_clock_now(end);
	gap_tracker_finish(tracker);
	return err < 0 ? err : 0;
}
