/*
 * test_config_diff.c - config_diff_compute(): what a reload would change.
 *
 * Every config here is real: text written to a temporary directory and
 * loaded with config_load(), so the diff sees exactly what the parser
 * produces (defaults filled in, lines and file names set, lists in file
 * order). Most cases start from one base file that sets every instance
 * setting explicitly and change one thing in it by text replacement; the
 * table then says which instances must come out changed (and with which
 * delta bits) or replaced, and which check changed. Everything else must
 * be unchanged, in both directions (old -> new and new -> old).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "failoverd/config.h"
#include "failoverd/config_diff.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static char temp_dir[] = "/tmp/test_config_diff.XXXXXX";

/* Sets every instance setting, so that each can be changed alone. */
static const char base_text[] =
    "global = { node_name = \"lb1\"; event_log = \"/var/log/f/events.jsonl\";\n"
    "  control_socket = \"/run/f.sock\"; syslog_facility = \"daemon\"; control_group = \"\"; };\n"
    "checks = (\n"
    "  { name = \"web\"; type = \"http\"; url = \"http://127.0.0.1:8080/health\"; status = 200;\n"
    "    expect = \"ok\"; max_latency = 0.5; interval = 2.0; timeout = 1.0; rise = 2; fall = 3; "
    "},\n"
    "  { name = \"secure\"; type = \"http\"; url = \"https://127.0.0.1/\"; verify = true;\n"
    "    ca_file = \"/etc/ca.pem\"; sni = \"www.example\"; },\n"
    "  { name = \"smtps\"; type = \"tls\"; address = \"127.0.0.1\"; port = 465; expect = \"220\"; "
    "},\n"
    "  { name = \"script\"; type = \"exec\"; command = [ \"/bin/check\", \"--quick\" ]; },\n"
    "  { name = \"nginx\"; type = \"process\"; process = \"nginx\"; },\n"
    "  { name = \"pidf\"; type = \"process\"; pid_file = \"/run/app.pid\"; },\n"
    "  { name = \"smtp\"; type = \"tcp\"; address = \"127.0.0.1\"; port = 25; }\n"
    ");\n"
    "instances = (\n"
    "  { name = \"VI_1\"; interface = \"eth0\"; vrid = 51; priority = 150;\n"
    "    advert_interval = 1.0; version = 3; preempt = true; preempt_delay = 0.0;\n"
    "    accept = true; checksum_v3_ipv4 = \"pseudo-header\"; initial_state = \"BACKUP\";\n"
    "    virtual_addresses = ( \"192.0.2.1/32\", \"192.0.2.2/24\", \"192.0.2.3/32\" );\n"
    "    virtual_addresses_excluded = ( \"198.51.100.1/32\" );\n"
    "    garp = { delay = 5.0; repeat = 5; interval = 0.0; refresh = 0.0; };\n"
    "    unicast = { source = \"10.0.0.1\"; peers = ( \"10.0.0.2\", \"10.0.0.3\" ); };\n"
    "    vmac = false;\n"
    "    authentication = { type = \"hmac-sha256\"; key_file = \"/etc/f/vrrp.key\"; mode = "
    "\"enforce\"; };\n"
    "    track = {\n"
    "      interfaces = ( { name = \"eth2\"; weight = -60; up_delay = 1.0; down_delay = 0.5; },\n"
    "                     { name = \"eth3\"; } );\n"
    "      bonds = ( { name = \"bond0\"; weight = -20; min_members = 1; up_delay = 2.0;\n"
    "                  down_delay = 0.2; } );\n"
    "      checks = ( { name = \"web\"; weight = -60; }, { name = \"script\"; } ); };\n"
    "    notify = { master = \"/n/master\"; backup = \"/n/backup\"; fault = \"/n/fault\";\n"
    "      stop = \"/n/stop\"; any = \"/n/any\"; }; },\n"
    "  { name = \"VI_2\"; interface = \"eth1\"; vrid = 52; priority = 100;\n"
    "    virtual_addresses = ( \"203.0.113.1/24\" ); },\n"
    "  { name = \"VI_3\"; interface = \"eth1\"; vrid = 53;\n"
    "    virtual_addresses = ( \"203.0.113.2/24\" ); }\n"
    ");\n"
    "sync_groups = ( { name = \"PEC\"; instances = ( \"VI_1\", \"VI_2\" ); notify = { any = "
    "\"/n/pec\"; }; } );\n";

/* The base file, shuffled: other order, whitespace, comments, number forms. */
static const char base_shuffled_text[] =
    "# the same configuration, written differently\n"
    "sync_groups = ( { instances = ( \"VI_2\", \"VI_1\" ); name = \"PEC\";\n"
    "                  notify = { any = \"/n/pec\"; }; } );\n"
    "instances = (\n"
    "  { name = \"VI_3\"; vrid = 53; interface = \"eth1\";\n"
    "    virtual_addresses = [ \"203.0.113.2/24\" ]; priority = 100; },\n"
    "  /* VI_2 keeps its defaults */\n"
    "  { name = \"VI_2\"; interface = \"eth1\"; vrid = 52;\n"
    "    virtual_addresses = ( \"203.0.113.1/24\" ); },\n"
    "  {\n"
    "    name = \"VI_1\";\n"
    "    interface = \"eth0\";\n"
    "    vrid = 51;\n"
    "    priority = 150;\n"
    "    advert_interval = 1;        // an integer this time\n"
    "    virtual_addresses = ( \"192.0.2.3/32\", \"192.0.2.2/24\", \"192.0.2.1\" );\n"
    "    virtual_addresses_excluded = ( \"198.51.100.1\" );\n"
    "    garp = { refresh = 0; repeat = 5; delay = 5; };\n"
    "    unicast = { peers = ( \"10.0.0.3\", \"10.0.0.2\" ); source = \"10.0.0.1\"; };\n"
    "    authentication = { key_file = \"/etc/f/vrrp.key\"; type = \"hmac-sha256\"; };\n"
    "    track = {\n"
    "      checks = ( { name = \"script\"; }, { weight = -60; name = \"web\"; } );\n"
    "      bonds = ( { name = \"bond0\"; weight = -20; up_delay = 2; down_delay = 0.2; } );\n"
    "      interfaces = ( { name = \"eth3\"; },\n"
    "                     { name = \"eth2\"; down_delay = 0.5; up_delay = 1; weight = -60; } );\n"
    "    };\n"
    "    notify = { any = \"/n/any\"; stop = \"/n/stop\"; fault = \"/n/fault\";\n"
    "               backup = \"/n/backup\"; master = \"/n/master\"; };\n"
    "  }\n"
    ");\n"
    "checks = (\n"
    "  { name = \"smtp\"; type = \"tcp\"; port = 25; address = \"127.0.0.1\"; },\n"
    "  { name = \"pidf\"; type = \"process\"; pid_file = \"/run/app.pid\"; },\n"
    "  { name = \"nginx\"; type = \"process\"; process = \"nginx\"; },\n"
    "  { name = \"script\"; type = \"exec\"; command = ( \"/bin/check\", \"--quick\" ); },\n"
    "  { name = \"smtps\"; type = \"tls\"; address = \"127.0.0.1\"; port = 465; expect = "
    "\"220\";\n"
    "    verify = false; },\n"
    "  { name = \"secure\"; type = \"http\"; url = \"https://127.0.0.1/\"; verify = true;\n"
    "    ca_file = \"/etc/ca.pem\"; sni = \"www.example\"; interval = 2; },\n"
    "  { name = \"web\"; type = \"http\"; url = \"http://127.0.0.1:8080/health\";\n"
    "    expect = \"ok\"; max_latency = 0.5; interval = 2; timeout = 1; rise = 2; fall = 3; }\n"
    ");\n"
    "global = { control_socket = \"/run/f.sock\"; node_name = \"lb1\";\n"
    "           event_log = \"/var/log/f/events.jsonl\"; };\n";

static int group_setup(void **state)
{
	(void)state;
	return mkdtemp(temp_dir) ? 0 : -1;
}

static int group_teardown(void **state)
{
	char command[600];

	(void)state;
	snprintf(command, sizeof(command), "rm -rf '%s'", temp_dir);
	return system(command) == 0 ? 0 : -1;
}

static void write_file(const char *path, const char *text)
{
	FILE *file = fopen(path, "w");

	assert_non_null(file);
	assert_true(fputs(text, file) >= 0);
	assert_int_equal(fclose(file), 0);
}

/* Writes text to temp_dir/name and loads it; the file must be valid. */
static struct failoverd_config *load_text(const char *name, const char *text)
{
	struct config_errors errors = {0};
	struct failoverd_config *config = NULL;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", temp_dir, name);
	write_file(path, text);
	if (config_load(path, &config, &errors) != 0) {
		for (size_t i = 0; i < errors.count; i++)
			print_message("  error: %s\n", errors.lines[i]);
		print_message("in:\n%s\n", text);
		config_errors_free(&errors);
		fail();
	}
	assert_non_null(config);
	return config;
}

/* text with from (which must occur exactly once) replaced by to; free() it. */
static char *text_replace(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	char *out;

	if (!at || strstr(at + 1, from)) {
		print_message("'%s' must occur exactly once in the text\n", from);
		fail();
	}
	assert_true(asprintf(&out, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from)) > 0);
	return out;
}

static const struct config_instance_diff *find_instance(const struct config_diff *diff,
							const char *name)
{
	for (size_t i = 0; i < diff->instance_count; i++)
		if (strcmp(diff->instances[i].name, name) == 0)
			return &diff->instances[i];
	return NULL;
}

static enum config_change check_change(const struct config_diff *diff, const char *name)
{
	for (size_t i = 0; i < diff->check_count; i++)
		if (strcmp(diff->checks[i].name, name) == 0)
			return diff->checks[i].change;
	print_message("check '%s' is not in the diff\n", name);
	fail();
	return CONFIG_UNCHANGED;
}

/* The counters agree with the entries. */
static void expect_counts_consistent(const struct config_diff *diff)
{
	size_t counts[CONFIG_REMOVED + 1] = {0};

	for (size_t i = 0; i < diff->instance_count; i++) {
		const struct config_instance_diff *entry = &diff->instances[i];

		counts[entry->change]++;
		assert_true(entry->old || entry->change == CONFIG_ADDED);
		assert_true(entry->new || entry->change == CONFIG_REMOVED);
		assert_true(entry->delta == 0 || entry->change == CONFIG_CHANGED);
		assert_true(entry->delta != 0 || entry->change != CONFIG_CHANGED);
	}
	assert_int_equal(counts[CONFIG_UNCHANGED], diff->unchanged);
	assert_int_equal(counts[CONFIG_CHANGED], diff->changed);
	assert_int_equal(counts[CONFIG_REPLACED], diff->replaced);
	assert_int_equal(counts[CONFIG_ADDED], diff->added);
	assert_int_equal(counts[CONFIG_REMOVED], diff->removed);
}

static void expect_all_unchanged(const struct config_diff *diff, size_t instances, size_t checks)
{
	expect_counts_consistent(diff);
	assert_int_equal(diff->instance_count, instances);
	assert_int_equal(diff->unchanged, instances);
	for (size_t i = 0; i < diff->instance_count; i++) {
		if (diff->instances[i].change != CONFIG_UNCHANGED)
			print_message("%s: %s, delta 0x%x\n", diff->instances[i].name,
				      config_change_name(diff->instances[i].change),
				      diff->instances[i].delta);
		assert_int_equal(diff->instances[i].change, CONFIG_UNCHANGED);
	}
	assert_int_equal(diff->check_count, checks);
	for (size_t i = 0; i < diff->check_count; i++) {
		if (diff->checks[i].change != CONFIG_UNCHANGED)
			print_message("check %s: %s\n", diff->checks[i].name,
				      config_change_name(diff->checks[i].change));
		assert_int_equal(diff->checks[i].change, CONFIG_UNCHANGED);
	}
	assert_false(diff->global_changed);
}

/* ---- identical configurations ---------------------------------------- */

static void test_identical_unchanged(void **state)
{
	struct failoverd_config *old = load_text("old.conf", base_text);
	struct failoverd_config *new = load_text("new.conf", base_text);
	struct config_diff diff;

	(void)state;
	assert_int_equal(config_diff_compute(old, new, &diff), 0);
	expect_all_unchanged(&diff, 3, 7);
	for (size_t i = 0; i < diff.instance_count; i++) {
		assert_ptr_equal(diff.instances[i].old, &old->instances[i]);
		assert_ptr_equal(diff.instances[i].new, &new->instances[i]);
		assert_string_equal(diff.instances[i].name, new->instances[i].name);
		assert_int_equal(diff.instances[i].delta, 0);
	}
	config_diff_free(&diff);
	assert_null(diff.instances);
	assert_null(diff.checks);
	assert_int_equal(diff.instance_count, 0);

	/* A config against itself: the same answer. */
	assert_int_equal(config_diff_compute(old, old, &diff), 0);
	expect_all_unchanged(&diff, 3, 7);
	config_diff_free(&diff);
	config_free(old);
	config_free(new);
}

static void test_reordered_and_reformatted_unchanged(void **state)
{
	struct failoverd_config *old = load_text("old.conf", base_text);
	struct failoverd_config *new = load_text("new.conf", base_shuffled_text);
	struct config_diff diff;
	static const char *const new_order[] = {"VI_3", "VI_2", "VI_1"};

	(void)state;
	/* The files differ in lines too: the diff must not look at them. */
	assert_int_not_equal(old->instances[0].line, new->instances[2].line);
	assert_int_equal(config_diff_compute(old, new, &diff), 0);
	expect_all_unchanged(&diff, 3, 7);
	/* Entries follow the new file's order. */
	for (size_t i = 0; i < ARRAY_SIZE(new_order); i++)
		assert_string_equal(diff.instances[i].name, new_order[i]);
	assert_ptr_equal(diff.instances[0].old, config_find_instance(old, "VI_3"));
	assert_ptr_equal(diff.instances[0].new, &new->instances[0]);
	assert_string_equal(diff.checks[0].name, "smtp");
	config_diff_free(&diff);

	assert_int_equal(config_diff_compute(new, old, &diff), 0);
	expect_all_unchanged(&diff, 3, 7);
	config_diff_free(&diff);
	config_free(old);
	config_free(new);
}

/* An instance moved into an @include file: another file and line, same values. */
static void test_moved_to_include_unchanged(void **state)
{
	char *main_text = text_replace(base_text,
				       "  { name = \"VI_3\"; interface = \"eth1\"; vrid = 53;\n"
				       "    virtual_addresses = ( \"203.0.113.2/24\" ); }\n",
				       "  @include \"vi3.inc\"\n");
	struct failoverd_config *old = load_text("old.conf", base_text);
	struct failoverd_config *new;
	struct config_diff diff;
	char path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/vi3.inc", temp_dir);
	write_file(path, "{ name = \"VI_3\"; interface = \"eth1\"; vrid = 53;\n"
			 "  virtual_addresses = ( \"203.0.113.2/24\" ); }\n");
	new = load_text("new.conf", main_text);
	assert_string_not_equal(config_find_instance(new, "VI_3")->file,
				config_find_instance(old, "VI_3")->file);
	assert_int_equal(config_diff_compute(old, new, &diff), 0);
	expect_all_unchanged(&diff, 3, 7);
	config_diff_free(&diff);
	config_free(old);
	config_free(new);
	free(main_text);
}

/* ---- one change at a time ---------------------------------------------- */

struct diff_case {
	const char *from, *to;	 /* a text replacement in base_text */
	const char *from2, *to2; /* and another, or NULL */
	const char *instances;	 /* space-separated names with `change`; NULL = none */
	enum config_change change;
	unsigned int delta;
	const char *check; /* the one check that changed, or NULL */
};

static bool name_listed(const char *list, const char *name)
{
	size_t length = strlen(name);

	for (const char *at = list ? strstr(list, name) : NULL; at; at = strstr(at + 1, name))
		if ((at == list || at[-1] == ' ') && (at[length] == ' ' || at[length] == '\0'))
			return true;
	return false;
}

/* Whether diff is what c says; prints every difference. */
static bool case_matches(const struct diff_case *c, const struct config_diff *diff)
{
	bool matches = !diff->global_changed;

	for (size_t i = 0; i < diff->instance_count; i++) {
		const struct config_instance_diff *entry = &diff->instances[i];
		bool listed = name_listed(c->instances, entry->name);
		enum config_change change = listed ? c->change : CONFIG_UNCHANGED;
		unsigned int delta = listed && c->change == CONFIG_CHANGED ? c->delta : 0;

		if (entry->change == change && entry->delta == delta)
			continue;
		print_message("%s: %s delta 0x%x, expected %s delta 0x%x\n", entry->name,
			      config_change_name(entry->change), entry->delta,
			      config_change_name(change), delta);
		matches = false;
	}
	for (size_t i = 0; i < diff->check_count; i++) {
		bool listed = c->check && strcmp(diff->checks[i].name, c->check) == 0;
		enum config_change change = listed ? CONFIG_CHANGED : CONFIG_UNCHANGED;

		if (diff->checks[i].change == change)
			continue;
		print_message("check %s: %s, expected %s\n", diff->checks[i].name,
			      config_change_name(diff->checks[i].change),
			      config_change_name(change));
		matches = false;
	}
	return matches;
}

static void expect_case(const struct diff_case *c, const struct config_diff *diff)
{
	expect_counts_consistent(diff);
	assert_int_equal(diff->instance_count, 3);
	assert_int_equal(diff->check_count, 7);
	if (!case_matches(c, diff)) {
		print_message("in the case '%s' -> '%s'%s%s%s%s\n", c->from, c->to,
			      c->from2 ? " and '" : "", c->from2 ? c->from2 : "",
			      c->from2 ? "' -> " : "", c->to2 ? c->to2 : "");
		fail();
	}
}

static void run_case(const struct diff_case *c)
{
	char *first = text_replace(base_text, c->from, c->to);
	char *changed = c->from2 ? text_replace(first, c->from2, c->to2) : NULL;
	struct failoverd_config *old = load_text("old.conf", base_text);
	struct failoverd_config *new = load_text("new.conf", changed ? changed : first);
	struct config_diff diff;

	assert_int_equal(config_diff_compute(old, new, &diff), 0);
	expect_case(c, &diff);
	config_diff_free(&diff);
	/* Every difference is one both ways. */
	assert_int_equal(config_diff_compute(new, old, &diff), 0);
	expect_case(c, &diff);
	config_diff_free(&diff);
	config_free(old);
	config_free(new);
	free(first);
	free(changed);
}

static void run_cases(const struct diff_case *cases, size_t count)
{
	for (size_t i = 0; i < count; i++)
		run_case(&cases[i]);
}

/* Rows for the common cases: VI_1 changed, or nothing changed at all. */
// clang-format off
#define CHANGED(f, t, bits) \
	{.from = f, .to = t, .instances = "VI_1", .change = CONFIG_CHANGED, .delta = bits}
#define UNCHANGED(f, t) {.from = f, .to = t, .change = CONFIG_UNCHANGED}
// clang-format on

static void test_priority_and_timing(void **state)
{
	static const struct diff_case cases[] = {
	    CHANGED("priority = 150;", "priority = 160;", CONFIG_DELTA_PRIORITY),
	    CHANGED("advert_interval = 1.0;", "advert_interval = 0.5;", CONFIG_DELTA_TIMING),
	    CHANGED("preempt = true;", "preempt = false;", CONFIG_DELTA_TIMING),
	    CHANGED("preempt_delay = 0.0;", "preempt_delay = 1.5;", CONFIG_DELTA_TIMING),
	    CHANGED("initial_state = \"BACKUP\";", "initial_state = \"MASTER\";",
		    CONFIG_DELTA_TIMING),
	    /* Written differently, or left to its default: the same value. */
	    UNCHANGED("advert_interval = 1.0;", "advert_interval = 1;"),
	    UNCHANGED("preempt = true; preempt_delay = 0.0;", ""),
	    UNCHANGED("initial_state = \"BACKUP\";", ""),
	    {"priority = 150;", "priority = 151;", "advert_interval = 1.0;",
	     "advert_interval = 2.0;", "VI_1", CONFIG_CHANGED,
	     CONFIG_DELTA_PRIORITY | CONFIG_DELTA_TIMING, NULL},
	    {"priority = 100;", "priority = 254;", NULL, NULL, "VI_2", CONFIG_CHANGED,
	     CONFIG_DELTA_PRIORITY, NULL},
	    {"vrid = 53;", "vrid = 53; priority = 100;", NULL, NULL, NULL, CONFIG_UNCHANGED, 0,
	     NULL},
	};

	(void)state;
	run_cases(cases, ARRAY_SIZE(cases));
}

static void test_virtual_addresses(void **state)
{
	static const struct diff_case cases[] = {
	    CHANGED("\"192.0.2.3/32\" )", "\"192.0.2.3/32\", \"192.0.2.4/32\" )",
		    CONFIG_DELTA_VIPS),
	    CHANGED("\"192.0.2.2/24\", ", "", CONFIG_DELTA_VIPS),
	    CHANGED("192.0.2.3/32", "192.0.2.9/32", CONFIG_DELTA_VIPS),
	    /* Only the prefix length: the kernel's address changes. */
	    CHANGED("192.0.2.2/24", "192.0.2.2/25", CONFIG_DELTA_VIPS),
	    CHANGED("198.51.100.1/32", "198.51.100.1/31", CONFIG_DELTA_VIPS),
	    CHANGED("198.51.100.1/32", "198.51.100.2/32", CONFIG_DELTA_VIPS),
	    CHANGED("    virtual_addresses_excluded = ( \"198.51.100.1/32\" );\n", "",
		    CONFIG_DELTA_VIPS),
	    /* From advertised to excluded: same addresses, other adverts. */
	    CHANGED("\"192.0.2.2/24\", \"192.0.2.3/32\" );\n"
		    "    virtual_addresses_excluded = ( \"198.51.100.1/32\" );",
		    "\"192.0.2.2/24\" );\n"
		    "    virtual_addresses_excluded = ( \"198.51.100.1/32\", \"192.0.2.3/32\" );",
		    CONFIG_DELTA_VIPS),
	    /* Swap one VIP for another of the same count. */
	    CHANGED("\"192.0.2.1/32\", \"192.0.2.2/24\"", "\"192.0.2.2/24\", \"192.0.2.7/32\"",
		    CONFIG_DELTA_VIPS),
	    UNCHANGED("\"192.0.2.1/32\", \"192.0.2.2/24\", \"192.0.2.3/32\"",
		      "\"192.0.2.3/32\", \"192.0.2.1/32\", \"192.0.2.2/24\""),
	    UNCHANGED("\"192.0.2.1/32\", \"192.0.2.2/24\", \"192.0.2.3/32\"",
		      "\"192.0.2.2/24\", \"192.0.2.3\", \"192.0.2.1\""),
	    {"203.0.113.2/24", "203.0.113.3/24", NULL, NULL, "VI_3", CONFIG_CHANGED,
	     CONFIG_DELTA_VIPS, NULL},
	};

	(void)state;
	run_cases(cases, ARRAY_SIZE(cases));
}

static void test_garp_and_other(void **state)
{
	static const struct diff_case cases[] = {
	    CHANGED("delay = 5.0;", "delay = 2.0;", CONFIG_DELTA_GARP),
	    CHANGED("repeat = 5;", "repeat = 3;", CONFIG_DELTA_GARP),
	    CHANGED("interval = 0.0; refresh", "interval = 0.1; refresh", CONFIG_DELTA_GARP),
	    CHANGED("refresh = 0.0;", "refresh = 60.0;", CONFIG_DELTA_GARP),
	    /* The explicit defaults, or no garp group at all. */
	    UNCHANGED("    garp = { delay = 5.0; repeat = 5; interval = 0.0; refresh = 0.0; };\n",
		      ""),
	    CHANGED("accept = true;", "accept = false;", CONFIG_DELTA_OTHER),
	    CHANGED("\"pseudo-header\"", "\"rfc9568\"", CONFIG_DELTA_OTHER),
	    CHANGED("vmac = false;", "vmac = true;", CONFIG_DELTA_OTHER),
	    CHANGED("source = \"10.0.0.1\"", "source = \"10.0.0.9\"", CONFIG_DELTA_OTHER),
	    CHANGED("\"10.0.0.3\" )", "\"10.0.0.3\", \"10.0.0.4\" )", CONFIG_DELTA_OTHER),
	    CHANGED("\"10.0.0.2\", ", "", CONFIG_DELTA_OTHER),
	    CHANGED("\"10.0.0.3\" )", "\"10.0.0.5\" )", CONFIG_DELTA_OTHER),
	    UNCHANGED("\"10.0.0.2\", \"10.0.0.3\"", "\"10.0.0.3\", \"10.0.0.2\""),
	    CHANGED("/etc/f/vrrp.key", "/etc/f/other.key", CONFIG_DELTA_OTHER),
	    CHANGED("mode = \"enforce\"", "mode = \"accept\"", CONFIG_DELTA_OTHER),
	    CHANGED(
		"    authentication = { type = \"hmac-sha256\"; key_file = \"/etc/f/vrrp.key\"; "
		"mode = \"enforce\"; };\n",
		"", CONFIG_DELTA_OTHER),
	    UNCHANGED(" mode = \"enforce\";", ""),
	};

	(void)state;
	run_cases(cases, ARRAY_SIZE(cases));
}

/* The password needs version 2 in both files, so it has a base of its own. */
static void test_password_change(void **state)
{
	char *old_text =
	    text_replace(base_text, "priority = 100;",
			 "priority = 100; version = 2;\n"
			 "    authentication = { type = \"pass\"; password = \"secret\"; };");
	char *new_text = text_replace(old_text, "\"secret\"", "\"secret2\"");
	struct failoverd_config *old = load_text("old.conf", old_text);
	struct failoverd_config *new = load_text("new.conf", new_text);
	struct config_diff diff;

	(void)state;
	assert_int_equal(config_diff_compute(old, new, &diff), 0);
	assert_int_equal(find_instance(&diff, "VI_2")->change, CONFIG_CHANGED);
	assert_int_equal(find_instance(&diff, "VI_2")->delta, CONFIG_DELTA_OTHER);
	assert_int_equal(diff.changed, 1);
	assert_int_equal(diff.unchanged, 2);
	config_diff_free(&diff);
	config_free(old);
	config_free(new);
	free(old_text);
	free(new_text);
}

static void test_track(void **state)
{
	static const struct diff_case cases[] = {
	    CHANGED("weight = -60; up_delay", "weight = -50; up_delay", CONFIG_DELTA_TRACK),
	    CHANGED("up_delay = 1.0;", "up_delay = 1.5;", CONFIG_DELTA_TRACK),
	    CHANGED("down_delay = 0.5;", "down_delay = 0.7;", CONFIG_DELTA_TRACK),
	    /* No weight means FAULT: another behaviour than any weight. */
	    CHANGED("name = \"eth2\"; weight = -60; ", "name = \"eth2\"; ", CONFIG_DELTA_TRACK),
	    CHANGED("{ name = \"eth3\"; }", "{ name = \"eth3\"; }, { name = \"eth4\"; }",
		    CONFIG_DELTA_TRACK),
	    CHANGED("\"eth3\"", "\"eth5\"", CONFIG_DELTA_TRACK),
	    CHANGED("{ name = \"eth3\"; }", "{ name = \"eth3\"; weight = -1; }",
		    CONFIG_DELTA_TRACK),
	    /* weight = 0 changes no priority, but it is not FAULT either. */
	    CHANGED("{ name = \"eth3\"; }", "{ name = \"eth3\"; weight = 0; }", CONFIG_DELTA_TRACK),
	    UNCHANGED("{ name = \"eth2\"; weight = -60; up_delay = 1.0; down_delay = 0.5; },\n"
		      "                     { name = \"eth3\"; }",
		      "{ name = \"eth3\"; }, { up_delay = 1; down_delay = 0.5; name = \"eth2\"; "
		      "weight = -60; }"),
	    CHANGED("min_members = 1;", "min_members = 2;", CONFIG_DELTA_TRACK),
	    UNCHANGED(" min_members = 1;", ""),
	    CHANGED("weight = -20;", "weight = -30;", CONFIG_DELTA_TRACK),
	    CHANGED("up_delay = 2.0;", "up_delay = 3.0;", CONFIG_DELTA_TRACK),
	    CHANGED("down_delay = 0.2;", "down_delay = 0.3;", CONFIG_DELTA_TRACK),
	    CHANGED("\"bond0\"", "\"bond1\"", CONFIG_DELTA_TRACK),
	    /* The same item, moved from bonds to interfaces. */
	    {"      bonds = ( { name = \"bond0\"; weight = -20; min_members = 1; up_delay = 2.0;\n"
	     "                  down_delay = 0.2; } );\n",
	     "", "{ name = \"eth3\"; }",
	     "{ name = \"eth3\"; }, { name = \"bond0\"; weight = -20; up_delay = 2.0; down_delay "
	     "= 0.2; }",
	     "VI_1", CONFIG_CHANGED, CONFIG_DELTA_TRACK, NULL},
	    CHANGED("{ name = \"web\"; weight = -60; }", "{ name = \"web\"; weight = -40; }",
		    CONFIG_DELTA_TRACK),
	    CHANGED("{ name = \"script\"; } )", "{ name = \"script\"; }, { name = \"smtp\"; } )",
		    CONFIG_DELTA_TRACK),
	    CHANGED(", { name = \"script\"; } )", " )", CONFIG_DELTA_TRACK),
	    UNCHANGED("{ name = \"web\"; weight = -60; }, { name = \"script\"; }",
		      "{ name = \"script\"; }, { name = \"web\"; weight = -60; }"),
	};

	(void)state;
	run_cases(cases, ARRAY_SIZE(cases));
}

static void test_track_removed(void **state)
{
	const char *start = strstr(base_text, "    track = {\n");
	const char *end = strstr(base_text, "    notify = {");
	char *track, *removed;
	struct failoverd_config *old, *new;
	struct config_diff diff;

	(void)state;
	assert_non_null(start);
	assert_non_null(end);
	track = strndup(start, (size_t)(end - start));
	removed = text_replace(base_text, track, "");
	old = load_text("old.conf", base_text);
	new = load_text("new.conf", removed);
	assert_int_equal(config_diff_compute(old, new, &diff), 0);
	assert_int_equal(find_instance(&diff, "VI_1")->change, CONFIG_CHANGED);
	assert_int_equal(find_instance(&diff, "VI_1")->delta, CONFIG_DELTA_TRACK);
	/* The checks it tracked still exist and are unchanged. */
	assert_int_equal(check_change(&diff, "web"), CONFIG_UNCHANGED);
	config_diff_free(&diff);
	config_free(old);
	config_free(new);
	free(track);
	free(removed);
}

static void test_notify(void **state)
{
	static const struct diff_case cases[] = {
	    CHANGED("\"/n/master\"", "\"/n/master2\"", CONFIG_DELTA_NOTIFY),
	    CHANGED("\"/n/backup\"", "\"/n/backup2\"", CONFIG_DELTA_NOTIFY),
	    CHANGED("\"/n/fault\"", "\"/n/fault2\"", CONFIG_DELTA_NOTIFY),
	    CHANGED("\"/n/stop\"", "\"/n/stop2\"", CONFIG_DELTA_NOTIFY),
	    CHANGED("\"/n/any\"", "\"/n/any2\"", CONFIG_DELTA_NOTIFY),
	    CHANGED(" any = \"/n/any\";", "", CONFIG_DELTA_NOTIFY),
	    CHANGED("    notify = { master = \"/n/master\"; backup = \"/n/backup\"; fault = "
		    "\"/n/fault\";\n      stop = \"/n/stop\"; any = \"/n/any\"; }; },\n",
		    "  },\n", CONFIG_DELTA_NOTIFY),
	};

	(void)state;
	run_cases(cases, ARRAY_SIZE(cases));
}

static void test_sync_groups(void **state)
{
	static const struct diff_case cases[] = {
	    {"\"/n/pec\"", "\"/n/pec2\"", NULL, NULL, "VI_1 VI_2", CONFIG_CHANGED,
	     CONFIG_DELTA_SYNC_GROUP, NULL},
	    {" notify = { any = \"/n/pec\"; };", "", NULL, NULL, "VI_1 VI_2", CONFIG_CHANGED,
	     CONFIG_DELTA_SYNC_GROUP, NULL},
	    {"name = \"PEC\"", "name = \"PEC2\"", NULL, NULL, "VI_1 VI_2", CONFIG_CHANGED,
	     CONFIG_DELTA_SYNC_GROUP, NULL},
	    /* A new member changes the group of the old members too. */
	    {"\"VI_1\", \"VI_2\" )", "\"VI_1\", \"VI_2\", \"VI_3\" )", NULL, NULL, "VI_1 VI_2 VI_3",
	     CONFIG_CHANGED, CONFIG_DELTA_SYNC_GROUP, NULL},
	    {"\"VI_1\", \"VI_2\" )", "\"VI_1\" )", NULL, NULL, "VI_1 VI_2", CONFIG_CHANGED,
	     CONFIG_DELTA_SYNC_GROUP, NULL},
	    {"sync_groups = ( { name = \"PEC\"; instances = ( \"VI_1\", \"VI_2\" ); notify = { any "
	     "= \"/n/pec\"; }; } );\n",
	     "", NULL, NULL, "VI_1 VI_2", CONFIG_CHANGED, CONFIG_DELTA_SYNC_GROUP, NULL},
	    /* VI_3 gets a group of its own: the PEC members are untouched. */
	    {"\"/n/pec\"; }; } );\n",
	     "\"/n/pec\"; }; },\n  { name = \"SOLO\"; instances = ( \"VI_3\" ); } );\n", NULL, NULL,
	     "VI_3", CONFIG_CHANGED, CONFIG_DELTA_SYNC_GROUP, NULL},
	    UNCHANGED("\"VI_1\", \"VI_2\"", "\"VI_2\", \"VI_1\""),
	};
	char *group_text = text_replace(base_text, "\"/n/pec\"", "\"/n/pec2\"");
	char *both_text = text_replace(group_text, "priority = 150;", "priority = 10;");
	struct failoverd_config *old, *new;
	struct config_diff diff;

	(void)state;
	run_cases(cases, ARRAY_SIZE(cases));

	/* A group change and a setting change together: both bits. */
	old = load_text("old.conf", base_text);
	new = load_text("new.conf", both_text);
	assert_int_equal(config_diff_compute(old, new, &diff), 0);
	assert_int_equal(find_instance(&diff, "VI_1")->delta,
			 CONFIG_DELTA_SYNC_GROUP | CONFIG_DELTA_PRIORITY);
	assert_int_equal(find_instance(&diff, "VI_2")->delta, CONFIG_DELTA_SYNC_GROUP);
	assert_int_equal(find_instance(&diff, "VI_3")->change, CONFIG_UNCHANGED);
	config_diff_free(&diff);
	config_free(old);
	config_free(new);
	free(group_text);
	free(both_text);
}

/* ---- identity: replaced ------------------------------------------------ */

static void test_identity_replaced(void **state)
{
	static const struct diff_case cases[] = {
	    {"vrid = 51;", "vrid = 61;", NULL, NULL, "VI_1", CONFIG_REPLACED, 0, NULL},
	    {"interface = \"eth0\"", "interface = \"eth5\"", NULL, NULL, "VI_1", CONFIG_REPLACED, 0,
	     NULL},
	    /* Unicast to multicast. */
	    {"    unicast = { source = \"10.0.0.1\"; peers = ( \"10.0.0.2\", \"10.0.0.3\" ); };\n",
	     "", NULL, NULL, "VI_1", CONFIG_REPLACED, 0, NULL},
	    {"priority = 100;", "priority = 100; version = 2;", NULL, NULL, "VI_2", CONFIG_REPLACED,
	     0, NULL},
	    /* IPv4 to IPv6. */
	    {"\"203.0.113.1/24\"", "\"2001:db8::1/64\"", NULL, NULL, "VI_2", CONFIG_REPLACED, 0,
	     NULL},
	    /* Replaced wins over any other change: no delta. */
	    {"vrid = 51;", "vrid = 61;", "priority = 150;", "priority = 160;", "VI_1",
	     CONFIG_REPLACED, 0, NULL},
	    /* VI_3 takes the VRID VI_2 leaves. */
	    {"vrid = 52;", "vrid = 54;", "vrid = 53;", "vrid = 52;", "VI_2 VI_3", CONFIG_REPLACED,
	     0, NULL},
	};

	(void)state;
	run_cases(cases, ARRAY_SIZE(cases));
}

/* ---- added and removed ----------------------------------------------------- */

static void test_added_and_removed(void **state)
{
	char *renamed = text_replace(base_text, "name = \"VI_3\"", "name = \"VI_4\"");
	struct failoverd_config *old = load_text("old.conf", base_text);
	struct failoverd_config *new = load_text("new.conf", renamed);
	struct config_diff diff;

	(void)state;
	assert_int_equal(config_diff_compute(old, new, &diff), 0);
	expect_counts_consistent(&diff);
	assert_int_equal(diff.instance_count, 4);
	assert_int_equal(diff.unchanged, 2);
	assert_int_equal(diff.added, 1);
	assert_int_equal(diff.removed, 1);
	/* New order first, then what is gone. */
	assert_string_equal(diff.instances[2].name, "VI_4");
	assert_int_equal(diff.instances[2].change, CONFIG_ADDED);
	assert_null(diff.instances[2].old);
	assert_ptr_equal(diff.instances[2].new, &new->instances[2]);
	assert_string_equal(diff.instances[3].name, "VI_3");
	assert_int_equal(diff.instances[3].change, CONFIG_REMOVED);
	assert_ptr_equal(diff.instances[3].old, &old->instances[2]);
	assert_null(diff.instances[3].new);
	config_diff_free(&diff);

	/* Backwards: VI_3 comes back, VI_4 goes. */
	assert_int_equal(config_diff_compute(new, old, &diff), 0);
	assert_int_equal(find_instance(&diff, "VI_3")->change, CONFIG_ADDED);
	assert_int_equal(find_instance(&diff, "VI_4")->change, CONFIG_REMOVED);
	config_diff_free(&diff);
	config_free(old);
	config_free(new);
	free(renamed);
}

static void test_all_removed_all_added(void **state)
{
	struct failoverd_config *old = load_text("old.conf", base_text);
	struct failoverd_config *new =
	    load_text("new.conf", "instances = ( { name = \"X\"; interface = \"eth9\"; vrid = 9;\n"
				  "  virtual_addresses = ( \"192.0.2.99\" ); } );\n");
	struct config_diff diff;

	(void)state;
	assert_int_equal(config_diff_compute(old, new, &diff), 0);
	expect_counts_consistent(&diff);
	assert_int_equal(diff.instance_count, 4);
	assert_int_equal(diff.added, 1);
	assert_int_equal(diff.removed, 3);
	assert_string_equal(diff.instances[0].name, "X");
	assert_string_equal(diff.instances[1].name, "VI_1");
	assert_string_equal(diff.instances[3].name, "VI_3");
	assert_int_equal(diff.check_count, 7);
	for (size_t i = 0; i < diff.check_count; i++)
		assert_int_equal(diff.checks[i].change, CONFIG_REMOVED);
	assert_true(diff.global_changed);
	config_diff_free(&diff);
	config_free(old);
	config_free(new);
}

/* ---- checks ---------------------------------------------------------------- */

// clang-format off
#define CHECK_CHANGED(f, t, name) \
	{.from = f, .to = t, .change = CONFIG_UNCHANGED, .check = name}
// clang-format on

static void test_checks_changed(void **state)
{
	static const struct diff_case cases[] = {
	    CHECK_CHANGED("8080/health", "8080/ready", "web"),
	    CHECK_CHANGED("status = 200;", "status = 204;", "web"),
	    CHECK_CHANGED("expect = \"ok\"", "expect = \"OK\"", "web"),
	    CHECK_CHANGED("max_latency = 0.5;", "max_latency = 0.8;", "web"),
	    CHECK_CHANGED("interval = 2.0; timeout", "interval = 3.0; timeout", "web"),
	    CHECK_CHANGED("timeout = 1.0;", "timeout = 1.5;", "web"),
	    CHECK_CHANGED("rise = 2;", "rise = 3;", "web"),
	    CHECK_CHANGED("fall = 3;", "fall = 4;", "web"),
	    CHECK_CHANGED("\"https://127.0.0.1/\"", "\"https://127.0.0.1/x\"", "secure"),
	    CHECK_CHANGED("ca_file = \"/etc/ca.pem\"", "ca_file = \"/etc/ca2.pem\"", "secure"),
	    CHECK_CHANGED("\"www.example\"", "\"api.example\"", "secure"),
	    CHECK_CHANGED("port = 465;", "port = 466;", "smtps"),
	    CHECK_CHANGED("address = \"127.0.0.1\"; port = 465",
			  "address = \"127.0.0.2\"; port = 465", "smtps"),
	    CHECK_CHANGED("expect = \"220\";", "expect = \"220\"; verify = true;", "smtps"),
	    CHECK_CHANGED("expect = \"220\";", "expect = \"220 \";", "smtps"),
	    CHECK_CHANGED("\"--quick\" ]", "\"--slow\" ]", "script"),
	    CHECK_CHANGED("\"--quick\" ]", "\"--quick\", \"-v\" ]", "script"),
	    CHECK_CHANGED(", \"--quick\" ]", " ]", "script"),
	    CHECK_CHANGED("\"/bin/check\"", "\"/bin/check2\"", "script"),
	    CHECK_CHANGED("process = \"nginx\"", "process = \"httpd\"", "nginx"),
	    CHECK_CHANGED("\"/run/app.pid\"", "\"/run/app2.pid\"", "pidf"),
	    CHECK_CHANGED("process = \"nginx\"", "pid_file = \"/run/nginx.pid\"", "nginx"),
	    CHECK_CHANGED("type = \"tcp\"", "type = \"tls\"", "smtp"),
	    CHECK_CHANGED("port = 25;", "port = 26;", "smtp"),
	    /* The defaults written out, and another order of fields. */
	    UNCHANGED("status = 200;", ""),
	    UNCHANGED("rise = 2; fall = 3; ", "fall = 3; rise = 2; "),
	    UNCHANGED("[ \"/bin/check\", \"--quick\" ]", "( \"/bin/check\", \"--quick\" )"),
	};

	(void)state;
	run_cases(cases, ARRAY_SIZE(cases));
}

static void test_checks_added_and_removed(void **state)
{
	char *renamed = text_replace(base_text, "name = \"smtp\";", "name = \"smtp2\";");
	char *text = text_replace(renamed,
				  "  { name = \"nginx\"; type = \"process\"; process = "
				  "\"nginx\"; },\n",
				  "");
	struct failoverd_config *old = load_text("old.conf", base_text);
	struct failoverd_config *new = load_text("new.conf", text);
	struct config_diff diff;

	(void)state;
	assert_int_equal(config_diff_compute(old, new, &diff), 0);
	expect_counts_consistent(&diff);
	assert_int_equal(diff.unchanged, 3);
	assert_int_equal(diff.check_count, 8);
	assert_int_equal(check_change(&diff, "web"), CONFIG_UNCHANGED);
	assert_int_equal(check_change(&diff, "script"), CONFIG_UNCHANGED);
	assert_int_equal(check_change(&diff, "smtp2"), CONFIG_ADDED);
	assert_int_equal(check_change(&diff, "smtp"), CONFIG_REMOVED);
	assert_int_equal(check_change(&diff, "nginx"), CONFIG_REMOVED);
	/* New order first, then the removed ones in the old order. */
	assert_string_equal(diff.checks[5].name, "smtp2");
	assert_string_equal(diff.checks[6].name, "nginx");
	assert_string_equal(diff.checks[7].name, "smtp");
	assert_false(diff.global_changed);
	config_diff_free(&diff);
	config_free(old);
	config_free(new);
	free(renamed);
	free(text);
}

/* ---- global ------------------------------------------------------------------ */

static void test_global_changed(void **state)
{
	static const char *const changes[][2] = {
	    {"node_name = \"lb1\"", "node_name = \"lb2\""},
	    {"node_name = \"lb1\"", "node_name = \"\""},
	    {"\"/var/log/f/events.jsonl\"", "\"/var/log/f/other.jsonl\""},
	    {"\"/var/log/f/events.jsonl\"", "\"\""},
	    {"\"/run/f.sock\"", "\"/run/g.sock\""},
	    {"syslog_facility = \"daemon\"", "syslog_facility = \"local0\""},
	    {"control_group = \"\"", "control_group = \"root\""},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(changes); i++) {
		char *text = text_replace(base_text, changes[i][0], changes[i][1]);
		struct failoverd_config *old = load_text("old.conf", base_text);
		struct failoverd_config *new = load_text("new.conf", text);
		struct config_diff diff;

		assert_int_equal(config_diff_compute(old, new, &diff), 0);
		assert_true(diff.global_changed);
		assert_int_equal(diff.unchanged, 3);
		for (size_t k = 0; k < diff.check_count; k++)
			assert_int_equal(diff.checks[k].change, CONFIG_UNCHANGED);
		config_diff_free(&diff);
		config_free(old);
		config_free(new);
		free(text);
	}
}

/* ---- size -------------------------------------------------------------------- */

/* instances instances of 4 VIPs, unicast, tracking; sync groups of 10. */
static char *large_text(unsigned int instances, bool reversed)
{
	size_t size = 4096 + (size_t)instances * 1024;
	char *text = malloc(size);
	size_t used = 0;

	assert_non_null(text);
#define APPEND(...) (used += (size_t)snprintf(text + used, size - used, __VA_ARGS__))
	APPEND("checks = (\n");
	for (unsigned int c = 0; c < 10; c++)
		APPEND(
		    "  { name = \"c%u\"; type = \"tcp\"; address = \"127.0.0.1\"; port = %u; }%s\n",
		    c, 1000 + c, c + 1 < 10 ? "," : "");
	APPEND(");\ninstances = (\n");
	for (unsigned int k = 0; k < instances; k++) {
		unsigned int i = reversed ? instances - 1 - k : k;

		APPEND("  { name = \"VI_%u\"; interface = \"eth%u\"; vrid = %u; priority = %u;\n"
		       "    advert_interval = 0.1;\n"
		       "    virtual_addresses = ( \"10.%u.0.1/32\", \"10.%u.0.2/32\", "
		       "\"10.%u.0.3/24\", \"10.%u.0.4/32\" );\n"
		       "    unicast = { source = \"172.16.0.1\"; peers = ( \"172.16.0.2\", "
		       "\"172.16.0.3\" ); };\n"
		       "    track = { interfaces = ( { name = \"uplink%u\"; weight = -10; } );\n"
		       "      checks = ( { name = \"c%u\"; weight = -20; } ); };\n"
		       "    notify = { any = \"/usr/local/bin/notify\"; }; }%s\n",
		       i, i / 100, i % 100 + 1, 100 + i % 100, i, i, i, i, i % 4, i % 10,
		       k + 1 < instances ? "," : "");
	}
	APPEND(");\nsync_groups = (\n");
	for (unsigned int g = 0; g < instances / 10; g++) {
		APPEND("  { name = \"G%u\"; instances = ( ", g);
		for (unsigned int m = 0; m < 10; m++)
			APPEND("\"VI_%u\"%s", g * 10 + m, m + 1 < 10 ? ", " : "");
		APPEND(" ); }%s\n", g + 1 < instances / 10 ? "," : "");
	}
	APPEND(");\n");
#undef APPEND
	assert_true(used < size);
	return text;
}

static double elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) * 1e3 +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

static void test_large_config_fast(void **state)
{
	char *text = large_text(200, false);
	char *reversed_text = large_text(200, true);
	struct failoverd_config *old = load_text("old.conf", text);
	struct failoverd_config *new = load_text("new.conf", text);
	struct failoverd_config *reversed = load_text("reversed.conf", reversed_text);
	struct config_diff diff;
	struct timespec start;
	double ms;

	(void)state;
	assert_int_equal(old->instance_count, 200);
	assert_int_equal(old->sync_group_count, 20);

	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(config_diff_compute(old, new, &diff), 0);
	ms = elapsed_ms(&start);
	print_message("200 instances diffed in %.3f ms\n", ms);
	assert_true(ms < 1000.0); /* well under 50 ms natively; valgrind is ~50x slower */
	expect_all_unchanged(&diff, 200, 10);
	config_diff_free(&diff);

	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(config_diff_compute(old, reversed, &diff), 0);
	ms = elapsed_ms(&start);
	print_message("200 instances in reverse order diffed in %.3f ms\n", ms);
	assert_true(ms < 1000.0);
	expect_all_unchanged(&diff, 200, 10);
	assert_string_equal(diff.instances[0].name, "VI_199");
	config_diff_free(&diff);

	config_free(old);
	config_free(new);
	config_free(reversed);
	free(text);
	free(reversed_text);
}

static void test_change_names(void **state)
{
	(void)state;
	assert_string_equal(config_change_name(CONFIG_UNCHANGED), "unchanged");
	assert_string_equal(config_change_name(CONFIG_CHANGED), "changed");
	assert_string_equal(config_change_name(CONFIG_REPLACED), "replaced");
	assert_string_equal(config_change_name(CONFIG_ADDED), "added");
	assert_string_equal(config_change_name(CONFIG_REMOVED), "removed");
	assert_string_equal(config_change_name((enum config_change)99), "unknown");
	config_diff_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_identical_unchanged),
	    cmocka_unit_test(test_reordered_and_reformatted_unchanged),
	    cmocka_unit_test(test_moved_to_include_unchanged),
	    cmocka_unit_test(test_priority_and_timing),
	    cmocka_unit_test(test_virtual_addresses),
	    cmocka_unit_test(test_garp_and_other),
	    cmocka_unit_test(test_password_change),
	    cmocka_unit_test(test_track),
	    cmocka_unit_test(test_track_removed),
	    cmocka_unit_test(test_notify),
	    cmocka_unit_test(test_sync_groups),
	    cmocka_unit_test(test_identity_replaced),
	    cmocka_unit_test(test_added_and_removed),
	    cmocka_unit_test(test_all_removed_all_added),
	    cmocka_unit_test(test_checks_changed),
	    cmocka_unit_test(test_checks_added_and_removed),
	    cmocka_unit_test(test_global_changed),
	    cmocka_unit_test(test_large_config_fast),
	    cmocka_unit_test(test_change_names),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
