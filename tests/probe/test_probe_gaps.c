/*
 * test_probe_gaps.c - the gap tracker: gaps open on the first failed probe,
 * close at the start of the next successful one, the longest is kept, and a
 * gap still open at the end is reported as open.
 *
 * Times are made up: probe k starts at k * 100 ms on the monotonic clock
 * (real time = monotonic + a fixed offset) and takes 10 ms.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>

#include "gaps.h"

#define REAL_OFFSET_US 1700000000000000LL

static struct probe_instant at_ms(int64_t ms)
{
	struct probe_instant instant = {.mono_us = ms * 1000,
					.real_us = REAL_OFFSET_US + ms * 1000};

	return instant;
}

/* Records probe number k (starting at k*100 ms, lasting 10 ms). */
static int record(struct gap_tracker *tracker, int k, int failure)
{
	struct probe_instant start = at_ms(k * 100), finish = at_ms(k * 100 + 10);

	return gap_tracker_record(tracker, &start, &finish, failure);
}

/* Records probes first..last with the results given as a string: '.' ok, 'x' failed. */
static void record_pattern(struct gap_tracker *tracker, const char *pattern)
{
	for (int k = 0; pattern[k]; k++)
		assert_true(record(tracker, k, pattern[k] == 'x' ? 7 : 0) >= 0);
}

static void test_all_ok_has_no_gap(void **state)
{
	struct gap_tracker tracker;

	gap_tracker_init(&tracker);
	record_pattern(&tracker, ".....");
	gap_tracker_finish(&tracker);
	assert_int_equal(tracker.probes, 5);
	assert_int_equal(tracker.ok, 5);
	assert_int_equal(tracker.failed, 0);
	assert_int_equal(tracker.count, 0);
	assert_int_equal(tracker.longest_us, 0);
	assert_null(gap_tracker_last(&tracker));
	gap_tracker_free(&tracker);
}

static void test_gap_runs_from_first_failure_to_next_success(void **state)
{
	struct gap_tracker tracker;
	const struct gap *gap;

	gap_tracker_init(&tracker);
	assert_int_equal(record(&tracker, 0, 0), 0);
	assert_int_equal(record(&tracker, 1, 3), 0);
	assert_int_equal(record(&tracker, 2, 5), 0);
	assert_int_equal(tracker.count, 0); /* still open: not stored yet */
	assert_int_equal(record(&tracker, 3, 0), 1);
	gap = gap_tracker_last(&tracker);
	assert_non_null(gap);
	assert_int_equal(gap->start.mono_us, 100000);
	assert_int_equal(gap->start.real_us, REAL_OFFSET_US + 100000);
	assert_int_equal(gap->end.mono_us, 300000); /* start of probe 3, not its end */
	assert_int_equal(gap->end.real_us, REAL_OFFSET_US + 300000);
	assert_int_equal(gap_duration_us(gap), 200000);
	assert_int_equal(gap->failed, 2);
	assert_int_equal(gap->first_reason, 3);
	assert_false(gap->open);
	assert_int_equal(tracker.longest_us, 200000);
	assert_int_equal(record(&tracker, 4, 0), 0); /* ok after ok closes nothing */
	gap_tracker_finish(&tracker);
	assert_int_equal(tracker.count, 1);
	assert_int_equal(tracker.probes, 5);
	assert_int_equal(tracker.ok, 3);
	assert_int_equal(tracker.failed, 2);
	gap_tracker_free(&tracker);
}

static void test_longest_of_several_gaps(void **state)
{
	struct gap_tracker tracker;

	gap_tracker_init(&tracker);
	record_pattern(&tracker, ".x..xxx.xx.");
	gap_tracker_finish(&tracker);
	assert_int_equal(tracker.count, 3);
	assert_int_equal(gap_duration_us(&tracker.gaps[0]), 100000);
	assert_int_equal(gap_duration_us(&tracker.gaps[1]), 300000);
	assert_int_equal(gap_duration_us(&tracker.gaps[2]), 200000);
	assert_int_equal(tracker.gaps[1].failed, 3);
	assert_int_equal(tracker.longest_us, 300000);
	assert_int_equal(tracker.failed, 6);
	assert_int_equal(tracker.ok, 5);
	gap_tracker_free(&tracker);
}

static void test_open_gap_at_end(void **state)
{
	struct gap_tracker tracker;
	const struct gap *gap;

	gap_tracker_init(&tracker);
	record_pattern(&tracker, "..xx.xxxx");
	assert_int_equal(tracker.count, 1);
	gap_tracker_finish(&tracker);
	assert_int_equal(tracker.count, 2);
	gap = gap_tracker_last(&tracker);
	assert_true(gap->open);
	assert_false(tracker.gaps[0].open);
	assert_int_equal(gap->failed, 4);
	assert_int_equal(gap->start.mono_us, 500000);
	/* Open: ends when its last failed probe (number 8) finished. */
	assert_int_equal(gap->end.mono_us, 810000);
	assert_int_equal(tracker.longest_us, 310000);
	gap_tracker_free(&tracker);
}

static void test_failing_from_the_first_probe(void **state)
{
	struct gap_tracker tracker;

	gap_tracker_init(&tracker);
	record_pattern(&tracker, "xxx");
	gap_tracker_finish(&tracker);
	assert_int_equal(tracker.count, 1);
	assert_true(tracker.gaps[0].open);
	assert_int_equal(tracker.gaps[0].start.mono_us, 0);
	assert_int_equal(tracker.ok, 0);
	assert_int_equal(tracker.longest_us, 210000);
	gap_tracker_free(&tracker);
}

static void test_finish_is_final(void **state)
{
	struct gap_tracker tracker;

	gap_tracker_init(&tracker);
	record_pattern(&tracker, ".x");
	gap_tracker_finish(&tracker);
	gap_tracker_finish(&tracker);
	assert_int_equal(tracker.count, 1);
	assert_int_equal(record(&tracker, 2, 0), -EINVAL);
	assert_int_equal(tracker.probes, 2);
	gap_tracker_free(&tracker);
}

static void test_many_gaps_are_all_kept(void **state)
{
	struct gap_tracker tracker;
	char pattern[201];

	for (int k = 0; k < 200; k++)
		pattern[k] = k % 2 ? 'x' : '.';
	pattern[200] = '\0';
	gap_tracker_init(&tracker);
	record_pattern(&tracker, pattern);
	gap_tracker_finish(&tracker);
	assert_int_equal(tracker.count, 100);
	for (size_t i = 0; i < tracker.count; i++)
		assert_int_equal(tracker.gaps[i].start.mono_us, (int64_t)(2 * i + 1) * 100000);
	assert_true(tracker.gaps[99].open);
	gap_tracker_free(&tracker);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_all_ok_has_no_gap),
	    cmocka_unit_test(test_gap_runs_from_first_failure_to_next_success),
	    cmocka_unit_test(test_longest_of_several_gaps),
	    cmocka_unit_test(test_open_gap_at_end),
	    cmocka_unit_test(test_failing_from_the_first_probe),
	    cmocka_unit_test(test_finish_is_final),
	    cmocka_unit_test(test_many_gaps_are_all_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
