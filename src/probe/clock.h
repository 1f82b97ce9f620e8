/*
 * clock.h - the probe's two clocks.
 *
 * Gaps are measured on CLOCK_MONOTONIC (immune to NTP steps); every instant
 * also carries CLOCK_REALTIME so the report can be lined up with other
 * nodes' logs.
 */
#ifndef FAILOVER_PROBE_CLOCK_H
#define FAILOVER_PROBE_CLOCK_H

#include "gaps.h"

#include <stdint.h>

int64_t probe_clock_mono_us(void);

/* Reads both clocks, monotonic first. */
void probe_clock_now(struct probe_instant *out);

#endif
