/*
 * clock.c - CLOCK_MONOTONIC and CLOCK_REALTIME in microseconds.
 */
#include "clock.h"

#include <time.h>

static int64_t probe_clock_read_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t probe_clock_mono_us(void)
{
	return probe_clock_read_us(CLOCK_MONOTONIC);
}

void probe_clock_now(struct probe_instant *out)
{
	out->mono_us = probe_clock_read_us(CLOCK_MONOTONIC);
	out->real_us = probe_clock_read_us(CLOCK_REALTIME);
}
