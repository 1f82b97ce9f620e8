/*
 * test_probe_options.c - failover-probe's command line: defaults, HOST:PORT
 * forms (IPv6 in brackets), number ranges, options that exclude or need
 * each other, and --send escapes. Every rejected command line must come
 * with a message (main prints it and exits 1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "options.h"

#define ARGS_MAX 16

struct parsed {
	struct probe_options options;
	enum probe_options_result result;
	char error[256];
};

/* Parses "failover-probe" followed by args (a NULL-terminated list). */
static enum probe_options_result parse_argv(struct parsed *out, const char *const *args)
{
	char *argv[ARGS_MAX + 1] = {(char *)"failover-probe"};
	int argc = 1;

	for (; *args && argc < ARGS_MAX; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	out->result =
	    probe_options_parse(argc, argv, &out->options, out->error, sizeof(out->error));
	return out->result;
}

#define parse_args(out, ...) parse_argv(out, (const char *const[]){__VA_ARGS__, NULL})

static void assert_rejected(struct parsed *p, const char *message_part)
{
	assert_int_equal(p->result, PROBE_OPTIONS_ERROR);
	assert_non_null(strstr(p->error, message_part));
	probe_options_free(&p->options);
}

static void test_defaults(void **state)
{
	struct parsed p;

	assert_int_equal(parse_args(&p, "--target", "192.0.2.1:465"), PROBE_OPTIONS_RUN);
	assert_string_equal(p.options.host, "192.0.2.1");
	assert_string_equal(p.options.port, "465");
	assert_int_equal(p.options.mode, PROBE_MODE_TCP);
	assert_int_equal(p.options.interval_ms, 100);
	assert_int_equal(p.options.timeout_ms, 100);
	assert_int_equal(p.options.duration_us, 0);
	assert_int_equal(p.options.count, 0);
	assert_int_equal(p.options.fail_on_gap_us, -1);
	assert_null(p.options.expect);
	assert_false(p.options.json);
	probe_options_free(&p.options);
}

static void test_timeout_follows_interval_unless_given(void **state)
{
	struct parsed p;

	parse_args(&p, "--target", "127.0.0.1:25", "--interval", "20");
	assert_int_equal(p.options.timeout_ms, 20);
	probe_options_free(&p.options);
	parse_args(&p, "--timeout", "500", "--target", "127.0.0.1:25", "--interval", "20");
	assert_int_equal(p.result, PROBE_OPTIONS_RUN);
	assert_int_equal(p.options.timeout_ms, 500);
	probe_options_free(&p.options);
	parse_args(&p, "--target", "127.0.0.1:25", "--timeout", "0");
	assert_rejected(&p, "--timeout");
	parse_args(&p, "--target", "127.0.0.1:25", "--interval", "10ms");
	assert_rejected(&p, "--interval");
}

static void test_ipv6_target_in_brackets(void **state)
{
	struct parsed p;

	parse_args(&p, "--target", "[2001:db8::1]:993");
	assert_int_equal(p.result, PROBE_OPTIONS_RUN);
	assert_string_equal(p.options.host, "2001:db8::1");
	assert_string_equal(p.options.port, "993");
	probe_options_free(&p.options);
	parse_args(&p, "--target", "2001:db8::1:993");
	assert_rejected(&p, "brackets");
	parse_args(&p, "--target", "[2001:db8::1:993");
	assert_rejected(&p, "[IPV6]:PORT");
	parse_args(&p, "--target", "[2001:db8::1]");
	assert_rejected(&p, "[IPV6]:PORT");
}

static void test_bad_targets(void **state)
{
	struct parsed p;

	parse_args(&p, "--count", "3");
	assert_rejected(&p, "--target");
	parse_args(&p, "--target", "127.0.0.1");
	assert_rejected(&p, "HOST:PORT");
	parse_args(&p, "--target", "127.0.0.1:0");
	assert_rejected(&p, "port");
	parse_args(&p, "--target", "127.0.0.1:65536");
	assert_rejected(&p, "port");
	parse_args(&p, "--target", "127.0.0.1:+80");
	assert_rejected(&p, "port");
	parse_args(&p, "--target", ":80");
	assert_rejected(&p, "host");
}

static void test_duration_and_count(void **state)
{
	struct parsed p;

	parse_args(&p, "--target", "127.0.0.1:80", "--duration", "1.5");
	assert_int_equal(p.result, PROBE_OPTIONS_RUN);
	assert_int_equal(p.options.duration_us, 1500000);
	probe_options_free(&p.options);
	parse_args(&p, "--target", "127.0.0.1:80", "--count", "7");
	assert_int_equal(p.options.count, 7);
	probe_options_free(&p.options);
	parse_args(&p, "--target", "127.0.0.1:80", "--count", "7", "--duration", "2");
	assert_rejected(&p, "exclude");
	parse_args(&p, "--target", "127.0.0.1:80", "--duration", "0");
	assert_rejected(&p, "--duration");
	parse_args(&p, "--target", "127.0.0.1:80", "--duration", "1e3");
	assert_rejected(&p, "--duration");
	parse_args(&p, "--target", "127.0.0.1:80", "--duration", "-1");
	assert_rejected(&p, "--duration");
	parse_args(&p, "--target", "127.0.0.1:80", "--count", "0");
	assert_rejected(&p, "--count");
}

static void test_fail_on_gap(void **state)
{
	struct parsed p;

	parse_args(&p, "--target", "127.0.0.1:80", "--fail-on-gap", "250.5");
	assert_int_equal(p.options.fail_on_gap_us, 250500);
	probe_options_free(&p.options);
	parse_args(&p, "--target", "127.0.0.1:80", "--fail-on-gap", "0");
	assert_int_equal(p.options.fail_on_gap_us, 0);
	probe_options_free(&p.options);
	parse_args(&p, "--target", "127.0.0.1:80", "--fail-on-gap", "1.2.3");
	assert_rejected(&p, "--fail-on-gap");
}

static void test_mode_specific_options(void **state)
{
	struct parsed p;

	parse_args(&p, "--target", "127.0.0.1:80", "--mode", "http");
	assert_rejected(&p, "--mode");
	parse_args(&p, "--target", "127.0.0.1:80", "--sni", "mail.example");
	assert_rejected(&p, "--mode tls");
	parse_args(&p, "--target", "127.0.0.1:80", "--mode", "udp", "--verify");
	assert_rejected(&p, "--mode tls");
	parse_args(&p, "--target", "127.0.0.1:80", "--send", "x");
	assert_rejected(&p, "--mode udp");
	parse_args(&p, "--target", "127.0.0.1:465", "--mode", "tls", "--ca", "/tmp/ca.pem");
	assert_int_equal(p.result, PROBE_OPTIONS_RUN);
	assert_true(p.options.verify);
	assert_string_equal(p.options.ca_file, "/tmp/ca.pem");
	probe_options_free(&p.options);
}

static void test_udp_payload(void **state)
{
	struct parsed p;

	parse_args(&p, "--target", "127.0.0.1:7", "--mode", "udp");
	assert_int_equal(p.result, PROBE_OPTIONS_RUN);
	assert_int_equal(p.options.payload_length, 5);
	assert_memory_equal(p.options.payload, "ping\n", 5);
	probe_options_free(&p.options);
	parse_args(&p, "--target", "127.0.0.1:7", "--mode", "udp", "--send", "a\\x41\\x00\\t\\\\");
	assert_int_equal(p.result, PROBE_OPTIONS_RUN);
	assert_int_equal(p.options.payload_length, 5);
	assert_memory_equal(p.options.payload, "aA\0\t\\", 5);
	probe_options_free(&p.options);
	parse_args(&p, "--target", "127.0.0.1:7", "--mode", "udp", "--send", "\\q");
	assert_rejected(&p, "escape");
	parse_args(&p, "--target", "127.0.0.1:7", "--mode", "udp", "--send", "\\x4");
	assert_rejected(&p, "escape");
}

static void test_getopt_errors_and_help(void **state)
{
	struct parsed p;

	parse_args(&p, "--target", "127.0.0.1:80", "--bogus");
	assert_rejected(&p, "--bogus");
	parse_args(&p, "--target");
	assert_rejected(&p, "--target");
	parse_args(&p, "--target", "127.0.0.1:80", "extra");
	assert_rejected(&p, "extra");
	parse_args(&p, "--target", "127.0.0.1:80", "--expect", "");
	assert_rejected(&p, "--expect");
	assert_int_equal(parse_args(&p, "--help"), PROBE_OPTIONS_HELP);
	probe_options_free(&p.options);
	assert_int_equal(parse_args(&p, "--version", "--bogus"), PROBE_OPTIONS_VERSION);
	probe_options_free(&p.options);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_timeout_follows_interval_unless_given),
	    cmocka_unit_test(test_ipv6_target_in_brackets),
	    cmocka_unit_test(test_bad_targets),
	    cmocka_unit_test(test_duration_and_count),
	    cmocka_unit_test(test_fail_on_gap),
	    cmocka_unit_test(test_mode_specific_options),
	    cmocka_unit_test(test_udp_payload),
	    cmocka_unit_test(test_getopt_errors_and_help),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
