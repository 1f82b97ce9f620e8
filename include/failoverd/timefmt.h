/*
 * timefmt.h - the clocks failoverd reads and the one timestamp format it
 * writes (RFC 3339, UTC, microseconds: 2026-11-22T17:40:01.123456Z).
 */
#ifndef FAILOVERD_TIMEFMT_H
#define FAILOVERD_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TIMEFMT_RFC3339_MAX 32

/* Formats a CLOCK_REALTIME timespec; returns buf. */
const char *timefmt_rfc3339(const struct timespec *ts, char *buf, size_t size);
const char *timefmt_rfc3339_now(char *buf, size_t size);

/* CLOCK_MONOTONIC in microseconds and in seconds; CLOCK_REALTIME in
 * microseconds. */
int64_t clock_monotonic_us(void);
int64_t clock_realtime_us(void);
double clock_monotonic_seconds(void);

#endif
