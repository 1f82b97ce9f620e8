/*
 * test_probe_banner.c - --expect matching decides as soon as it can, and
 * never passes a banner that is shorter than the expected text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "banner.h"

static int check(const char *expect, const char *data, bool eof)
{
	return banner_check(expect, data, strlen(data), eof);
}

static void test_prefix_matches(void **state)
{
	assert_int_equal(check("220", "220 mail.example ESMTP\r\n", false), 1);
	assert_int_equal(check("220", "220", false), 1);
	assert_int_equal(check("* OK", "* OK IMAP ready", true), 1);
}

static void test_first_differing_byte_fails_at_once(void **state)
{
	assert_int_equal(check("220", "554 go away\r\n", false), 0);
	assert_int_equal(check("220", "5", false), 0);
	assert_int_equal(check("220", "22", false), -EAGAIN);
	assert_int_equal(check("220", "221 bye", false), 0);
}

static void test_short_banner_needs_more_or_fails_at_eof(void **state)
{
	assert_int_equal(check("220 ready", "220 re", false), -EAGAIN);
	assert_int_equal(check("220 ready", "220 re", true), 0);
	assert_int_equal(check("220", "", false), -EAGAIN);
	assert_int_equal(check("220", "", true), 0);
}

static void test_line_end_before_expected_text_fails(void **state)
{
	assert_int_equal(check("220 ready", "220\r\n", false), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_prefix_matches),
	    cmocka_unit_test(test_first_differing_byte_fails_at_once),
	    cmocka_unit_test(test_short_banner_needs_more_or_fails_at_eof),
	    cmocka_unit_test(test_line_end_before_expected_text_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
