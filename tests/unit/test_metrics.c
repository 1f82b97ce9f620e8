/*
 * test_metrics.c - metrics_render (src/util/metrics.c): the Prometheus text
 * rendered from status/stats objects shaped as in control.h, read from the
 * fixtures in tests/unit/data/metrics/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "failoverd/metrics.h"

#define FIXTURE_DIR TEST_DATA_DIR "/metrics/"

/* The families metrics.h promises, with their types. */
static const struct {
	const char *name;
	const char *type;
} expected_families[] = {
    {"failoverd_info", "gauge"},
    {"failoverd_instance_state", "gauge"},
    {"failoverd_instance_priority", "gauge"},
    {"failoverd_instance_effective_priority", "gauge"},
    {"failoverd_instance_maintenance", "gauge"},
    {"failoverd_instance_last_transition_seconds", "gauge"},
    {"failoverd_adverts_sent_total", "counter"},
    {"failoverd_adverts_received_total", "counter"},
    {"failoverd_transitions_total", "counter"},
    {"failoverd_garps_sent_total", "counter"},
    {"failoverd_rx_errors_total", "counter"},
    {"failoverd_tracker_up", "gauge"},
};
#define FAMILY_COUNT (sizeof(expected_families) / sizeof(expected_families[0]))

static struct json_object *load_json(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), FIXTURE_DIR "%s", name);
	struct json_object *object = json_object_from_file(path);
	assert_non_null(object);
	return object;
}

static char *load_text(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), FIXTURE_DIR "%s", name);
	FILE *file = fopen(path, "r");
	assert_non_null(file);
	char *text = calloc(1, 65536);
	assert_non_null(text);
	size_t len = fread(text, 1, 65535, file);
	assert_true(feof(file));
	text[len] = '\0';
	fclose(file);
	return text;
}

static char *render_files(const char *status_name, const char *stats_name)
{
	struct json_object *status = status_name ? load_json(status_name) : NULL;
	struct json_object *stats = stats_name ? load_json(stats_name) : NULL;
	char *text = metrics_render(status, stats);

	json_object_put(status);
	json_object_put(stats);
	assert_non_null(text);
	return text;
}

static size_t count_occurrences(const char *text, const char *needle)
{
	size_t count = 0;

	for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
		count++;
	return count;
}

/* Lines that are samples (not comments). */
static size_t count_samples(const char *text)
{
	size_t count = 0;

	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		assert_non_null(end); /* every line, the last too, ends with \n */
		if (*line != '#')
			count++;
		line = end + 1;
	}
	return count;
}

static int family_index(const char *name, size_t len)
{
	for (size_t i = 0; i < FAMILY_COUNT; i++)
		if (strlen(expected_families[i].name) == len &&
		    !strncmp(expected_families[i].name, name, len))
			return (int)i;
	return -1;
}

/*
 * Every family of metrics.h has exactly one HELP and one TYPE line (TYPE
 * right after HELP, before any sample), each sample belongs to the family
 * declared last, and families come in the order of metrics.h.
 */
static void assert_families_well_formed(const char *text)
{
	int current = -1;
	int help_seen[FAMILY_COUNT] = {0};
	int type_seen[FAMILY_COUNT] = {0};

	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		assert_non_null(end);
		if (!strncmp(line, "# HELP ", 7)) {
			const char *name = line + 7;
			size_t len = strcspn(name, " \n");
			int index = family_index(name, len);
			assert_true(index == current + 1);
			help_seen[index]++;
			current = index;
		} else if (!strncmp(line, "# TYPE ", 7)) {
			const char *name = line + 7;
			size_t len = strcspn(name, " \n");
			assert_int_equal(family_index(name, len), current);
			char type[16] = "";
			snprintf(type, sizeof(type), "%.*s", (int)(end - (name + len + 1)),
				 name + len + 1);
			assert_string_equal(type, expected_families[current].type);
			type_seen[current]++;
		} else {
			size_t len = strcspn(line, "{ ");
			assert_true(current >= 0);
			assert_int_equal(family_index(line, len), current);
			assert_int_equal(type_seen[current], 1);
		}
		line = end + 1;
	}
	for (size_t i = 0; i < FAMILY_COUNT; i++) {
		assert_int_equal(help_seen[i], 1);
		assert_int_equal(type_seen[i], 1);
	}
}

static void test_two_instances_exact(void **state)
{
	char *text = render_files("status_two.json", "stats_two.json");
	char *expected = load_text("expected_two.prom");

	assert_string_equal(text, expected);
	assert_families_well_formed(text);
	free(expected);
	free(text);
}

static void test_label_values_escaped(void **state)
{
	char *text = render_files("status_escape.json", NULL);

	assert_non_null(
	    strstr(text, "failoverd_info{node=\"lb\\\"1\\\"\",version=\"0.1.0\\\\dev\"} 1\n"));
	assert_non_null(strstr(text, "failoverd_instance_state{instance=\"VI \\\"a\\\\b\\\"\\nx\","
				     "state=\"MASTER\"} 1\n"));
	assert_non_null(strstr(text, "failoverd_tracker_up{instance=\"VI \\\"a\\\\b\\\"\\nx\","
				     "tracker=\"chk\\\\\\\"q\\\"\",kind=\"check\"} 1\n"));
	assert_non_null(strstr(text, "failoverd_instance_last_transition_seconds{instance=\"VI "
				     "\\\"a\\\\b\\\"\\nx\"} 1.5\n"));
	/* The raw line feed of the name never splits a sample. */
	assert_families_well_formed(text);
	free(text);
}

static void test_missing_optional_fields(void **state)
{
	char *text = render_files("status_minimal.json", "stats_minimal.json");

	assert_non_null(strstr(text, "failoverd_info{node=\"lb2\",version=\"0.1.0\"} 1\n"));
	assert_non_null(
	    strstr(text, "failoverd_instance_state{instance=\"VI_1\",state=\"BACKUP\"} 1\n"));
	assert_non_null(strstr(text, "failoverd_instance_priority{instance=\"VI_1\"} 100\n"));
	assert_non_null(strstr(text, "failoverd_adverts_received_total{instance=\"VI_1\"} 7\n"));
	/* Absent fields give no sample rather than an invented 0. */
	assert_null(strstr(text, "failoverd_instance_effective_priority{"));
	assert_null(strstr(text, "failoverd_instance_maintenance{"));
	assert_null(strstr(text, "failoverd_instance_last_transition_seconds{"));
	assert_null(strstr(text, "failoverd_adverts_sent_total{"));
	assert_null(strstr(text, "failoverd_rx_errors_total{"));
	assert_null(strstr(text, "failoverd_tracker_up{"));
	/* 4 state samples, priority, adverts_received and info. */
	assert_int_equal(count_samples(text), 7);
	assert_families_well_formed(text);
	free(text);
}

static void test_empty_instance_lists(void **state)
{
	char *text = render_files("status_empty.json", "stats_empty.json");

	assert_int_equal(count_samples(text), 1);
	assert_non_null(strstr(text, "failoverd_info{node=\"lb3\",version=\"0.1.0\"} 1\n"));
	assert_int_equal(count_occurrences(text, "# HELP "), FAMILY_COUNT);
	assert_int_equal(count_occurrences(text, "# TYPE "), FAMILY_COUNT);
	assert_families_well_formed(text);
	free(text);
}

static void test_no_objects_at_all(void **state)
{
	char *text = metrics_render(NULL, NULL);

	assert_non_null(text);
	assert_int_equal(count_samples(text), 0);
	assert_families_well_formed(text);
	free(text);
}

static void test_every_family_once(void **state)
{
	char *text = render_files("status_two.json", "stats_two.json");

	for (size_t i = 0; i < FAMILY_COUNT; i++) {
		char line[128];

		snprintf(line, sizeof(line), "# HELP %s ", expected_families[i].name);
		assert_int_equal(count_occurrences(text, line), 1);
		snprintf(line, sizeof(line), "# TYPE %s %s\n", expected_families[i].name,
			 expected_families[i].type);
		assert_int_equal(count_occurrences(text, line), 1);
	}
	assert_int_equal(count_occurrences(text, "# HELP "), FAMILY_COUNT);
	assert_int_equal(count_occurrences(text, "# TYPE "), FAMILY_COUNT);
	free(text);
}

static void test_number_formats(void **state)
{
	struct json_object *stats = json_tokener_parse(
	    "{\"instances\":[{\"name\":\"big\",\"adverts_sent\":18446744073709551615,"
	    "\"transitions\":9223372036854775807,\"garps_sent\":\"12\"}],"
	    "\"interfaces\":[{\"interface\":\"eth0\",\"family\":\"ipv4\","
	    "\"rx_errors\":{\"ttl\":1,\"auth\":null}}]}");
	struct json_object *status = json_tokener_parse(
	    "{\"instances\":[{\"name\":\"t\",\"state\":\"WEIRD\",\"in_state\":0.1,"
	    "\"priority\":254,\"trackers\":[{\"name\":\"x\",\"kind\":\"check\","
	    "\"status\":\"sideways\"}]}]}");
	assert_non_null(stats);
	assert_non_null(status);
	char *text = metrics_render(status, stats);
	assert_non_null(text);

	assert_non_null(strstr(text, "failoverd_adverts_sent_total{instance=\"big\"} "
				     "18446744073709551615\n"));
	assert_non_null(strstr(text, "failoverd_transitions_total{instance=\"big\"} "
				     "9223372036854775807\n"));
	/* A string where a number belongs is not a sample. */
	assert_null(strstr(text, "failoverd_garps_sent_total{"));
	assert_non_null(strstr(text, "reason=\"ttl\"} 1\n"));
	assert_null(strstr(text, "reason=\"auth\""));
	assert_non_null(strstr(text, "failoverd_instance_last_transition_seconds{instance=\"t\"} "
				     "0.1\n"));
	/* No node/version: no info sample. */
	assert_null(strstr(text, "failoverd_info{"));
	/* An unknown state is still shown as the current one. */
	assert_non_null(
	    strstr(text, "failoverd_instance_state{instance=\"t\",state=\"WEIRD\"} 1\n"));
	assert_non_null(
	    strstr(text, "failoverd_instance_state{instance=\"t\",state=\"MASTER\"} 0\n"));
	/* An unknown tracker status is left out. */
	assert_null(strstr(text, "failoverd_tracker_up{"));
	assert_families_well_formed(text);
	free(text);
	json_object_put(stats);
	json_object_put(status);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_two_instances_exact),
	    cmocka_unit_test(test_label_values_escaped),
	    cmocka_unit_test(test_missing_optional_fields),
	    cmocka_unit_test(test_empty_instance_lists),
	    cmocka_unit_test(test_no_objects_at_all),
	    cmocka_unit_test(test_every_family_once),
	    cmocka_unit_test(test_number_formats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
