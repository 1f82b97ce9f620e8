/*
 * report_json.c - the --json report, built with json-c.
 *
 * Durations and monotonic times are written as decimal strings with fixed
 * precision (json_object_new_double_s), so the file shows exactly the
 * microseconds that were measured rather than a binary-float rendering.
 * "*_mono" are CLOCK_MONOTONIC seconds, like "mono" in failoverd's event
 * log, so gaps can be placed among state changes of agents on the same host.
 */
#include "report.h"

#include "probe.h"

#include <stdio.h>

static struct json_object *report_json_fixed(double value, int decimals)
{
	char text[48];

	snprintf(text, sizeof(text), "%.*f", decimals, value);
	return json_object_new_double_s(value, text);
}

static struct json_object *report_json_ms(int64_t us)
{
	return report_json_fixed((double)us / 1000.0, 3);
}

static struct json_object *report_json_mono(int64_t us)
{
	return report_json_fixed((double)us / 1e6, 6);
}

static struct json_object *report_json_time(int64_t real_us)
{
	char text[REPORT_TIME_MAX];

	return json_object_new_string(report_format_time(real_us, text, sizeof(text)));
}

static struct json_object *report_json_gap(const struct gap *gap)
{
	struct json_object *object = json_object_new_object();

	if (!object)
		return NULL;
	json_object_object_add(object, "start", report_json_time(gap->start.real_us));
	json_object_object_add(object, "end", report_json_time(gap->end.real_us));
	json_object_object_add(object, "start_mono", report_json_mono(gap->start.mono_us));
	json_object_object_add(object, "end_mono", report_json_mono(gap->end.mono_us));
	json_object_object_add(object, "duration_ms", report_json_ms(gap_duration_us(gap)));
	json_object_object_add(object, "failed", json_object_new_uint64(gap->failed));
	json_object_object_add(object, "reason",
			       json_object_new_string(probe_status_name(gap->first_reason)));
	json_object_object_add(object, "open", json_object_new_boolean(gap->open));
	return object;
}

static struct json_object *report_json_gaps(const struct gap_tracker *gaps)
{
	struct json_object *array = json_object_new_array();

	if (!array)
		return NULL;
	for (size_t i = 0; i < gaps->count; i++) {
		struct json_object *gap = report_json_gap(&gaps->gaps[i]);

		if (!gap || json_object_array_add(array, gap) != 0) {
			json_object_put(gap);
			json_object_put(array);
			return NULL;
		}
	}
	return array;
}

static void report_json_add_run(struct json_object *object, const struct report_run *run)
{
	const struct probe_options *options = run->options;

	json_object_object_add(object, "target", json_object_new_string(options->target));
	json_object_object_add(object, "mode",
			       json_object_new_string(probe_mode_name(options->mode)));
	json_object_object_add(object, "interval_ms", json_object_new_int64(options->interval_ms));
	json_object_object_add(object, "timeout_ms", json_object_new_int64(options->timeout_ms));
	json_object_object_add(object, "start", report_json_time(run->start.real_us));
	json_object_object_add(object, "end", report_json_time(run->end.real_us));
	json_object_object_add(object, "start_mono", report_json_mono(run->start.mono_us));
	json_object_object_add(object, "end_mono", report_json_mono(run->end.mono_us));
}

struct json_object *report_json_build(const struct report_run *run)
{
	const struct gap_tracker *gaps = run->gaps;
	struct json_object *object = json_object_new_object();
	struct json_object *array;

	if (!object)
		return NULL;
	array = report_json_gaps(gaps);
	if (!array) {
		json_object_put(object);
		return NULL;
	}
	report_json_add_run(object, run);
	json_object_object_add(object, "probes", json_object_new_uint64(gaps->probes));
	json_object_object_add(object, "ok", json_object_new_uint64(gaps->ok));
	json_object_object_add(object, "failed", json_object_new_uint64(gaps->failed));
	json_object_object_add(object, "longest_gap_ms", report_json_ms(gaps->longest_us));
	json_object_object_add(object, "gaps", array);
	return object;
}
