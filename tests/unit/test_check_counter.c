/*
 * test_check_counter.c - rise/fall hysteresis of health checks, as tables.
 *
 * Each row feeds a sequence of probe results ('+' success, '-' failure) to
 * a fresh counter and gives the status expected after each one ('U' up,
 * 'D' down); check_counter_record must return true exactly where that
 * status changes. A counter starts DOWN, so a service nobody has looked at
 * yet never counts as up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "failoverd/check.h"

struct counter_case {
	const char *what;
	unsigned int rise, fall;
	const char *results;  /* '+' / '-' */
	const char *expected; /* 'U' / 'D' after each result */
};

static const struct counter_case counter_cases[] = {
    {"rise 1 fall 1 follows every probe", 1, 1, "+-+-", "UDUD"},
    {"one failure while down changes nothing", 2, 3, "-", "D"},
    {"one success is not enough for rise 2", 2, 3, "+", "D"},
    {"rise 2: up on the second success", 2, 3, "++", "DU"},
    {"fall 3: down on the third failure", 2, 3, "++---", "DUUUD"},
    {"a failure resets the successes", 3, 1, "++-+++", "DDDDDU"},
    {"a success resets the failures", 1, 3, "+--+--+---", "UUUUUUUUUD"},
    {"flapping never reaches rise 2", 2, 2, "+-+-+-+-", "DDDDDDDD"},
    {"flapping never reaches fall 2", 1, 2, "+-+-+-+-", "UUUUUUUU"},
    {"down, up, down, and back", 2, 2, "++--+--++", "DUUDDDDDU"},
    {"failures while down do not delay the rise", 2, 2, "-----++", "DDDDDDU"},
    {"rise and fall 0 act as 1", 0, 0, "+-", "UD"},
};

static void run_counter_case(const struct counter_case *tc)
{
	struct check_counter c;
	bool was_up = false;
	size_t n = strlen(tc->results);

	assert_int_equal(n, strlen(tc->expected));
	check_counter_init(&c, tc->rise, tc->fall);
	assert_false(c.up);
	for (size_t i = 0; i < n; i++) {
		bool up = tc->expected[i] == 'U';
		bool changed = check_counter_record(&c, tc->results[i] == '+');

		if (c.up != up || changed != (up != was_up))
			fail_msg("%s: after result %zu ('%c' of \"%s\"): up=%d changed=%d, "
				 "expected up=%d changed=%d",
				 tc->what, i + 1, tc->results[i], tc->results, c.up, changed, up,
				 up != was_up);
		was_up = up;
	}
}

static void test_counter_table(void **state)
{
	for (size_t i = 0; i < sizeof(counter_cases) / sizeof(counter_cases[0]); i++)
		run_counter_case(&counter_cases[i]);
}

static void test_counter_starts_down_with_nothing_counted(void **state)
{
	struct check_counter c;

	memset(&c, 0xff, sizeof(c));
	check_counter_init(&c, 2, 3);
	assert_false(c.up);
	assert_int_equal(c.rise, 2);
	assert_int_equal(c.fall, 3);
	assert_int_equal(c.successes, 0);
	assert_int_equal(c.failures, 0);
}

/* A long healthy run must not overflow or make the fall slower. */
static void test_counter_long_runs_saturate(void **state)
{
	struct check_counter c;
	int changes = 0;

	check_counter_init(&c, 3, 2);
	for (int i = 0; i < 100000; i++)
		changes += check_counter_record(&c, true);
	assert_int_equal(changes, 1);
	assert_true(c.up);
	assert_true(c.successes <= c.rise);
	assert_false(check_counter_record(&c, false));
	assert_true(check_counter_record(&c, false));
	assert_false(c.up);
	for (int i = 0; i < 100000; i++)
		assert_false(check_counter_record(&c, false));
	assert_true(c.failures <= c.fall);
	assert_false(check_counter_record(&c, true));
	assert_false(check_counter_record(&c, true));
	assert_true(check_counter_record(&c, true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_counter_table),
	    cmocka_unit_test(test_counter_starts_down_with_nothing_counted),
	    cmocka_unit_test(test_counter_long_runs_saturate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
