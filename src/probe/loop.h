/*
 * loop.h - the probing schedule: one probe per tick, one at a time, until
 * --count, --duration or a stop signal.
 */
#ifndef FAILOVER_PROBE_LOOP_H
#define FAILOVER_PROBE_LOOP_H

#include "gaps.h"
#include "options.h"
#include "probe.h"

/*
 * Probes target as options say, feeding tracker (finished on return) and
 * printing each closed gap on stderr unless --quiet. *start is the first
 * tick, *end the moment probing stopped. Returns 0, or -ENOMEM when a gap
 * could not be stored (the run stops there).
 */
int probe_loop_run(const struct probe_options *options, const struct probe_target *target,
		   struct gap_tracker *tracker, struct probe_instant *start,
		   struct probe_instant *end);

#endif
