/*
 * clock.c - CLOCK_MONOTONIC and CLOCK_REALTIME in microseconds.
 */
#include "clock.h"

#include "failoverd/timefmt.h"

int64_t probe_clock_mono_us(void)
{
	return clock_monotonic_us();
}

void probe_clock_now(struct probe_instant *out)
{
	out->mono_us = clock_monotonic_us();
	out->real_us = clock_realtime_us();
}
