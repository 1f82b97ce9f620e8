/*
 * report.h - the end-of-run report (text or JSON) and the per-gap line.
 *
 * Formats:
 *   gap start=<RFC 3339 UTC us> end=<...> duration_ms=<ms> failed=<n> reason=<r> [open=true]
 *   probes=<n> ok=<n> failed=<n> longest_gap_ms=<ms> gaps=<n>
 * and with --json one object carrying the same data plus monotonic times
 * (see failover-probe --help). With --output the report replaces FILE
 * atomically, so a reader never sees half a report.
 */
#ifndef FAILOVER_PROBE_REPORT_H
#define FAILOVER_PROBE_REPORT_H

#include "gaps.h"
#include "options.h"

#include <json-c/json.h>
#include <stdio.h>

struct report_run {
	const struct probe_options *options;
	const struct gap_tracker *gaps;
	struct probe_instant start; /* first tick */
	struct probe_instant end;   /* probing stopped */
};

#define REPORT_TIME_MAX 48

/* "2026-11-22T17:30:03.123456Z" into buffer (REPORT_TIME_MAX bytes). */
const char *report_format_time(int64_t real_us, char *buffer, size_t size);

/* One "gap ..." line, as in the text report. */
void report_print_gap(FILE *out, const struct gap *gap);

/* Writes the report to --output or stdout. Returns 0 or -errno. */
int report_write(const struct report_run *run);

/* The JSON report (report_json.c); NULL when out of memory. */
struct json_object *report_json_build(const struct report_run *run);

#endif
