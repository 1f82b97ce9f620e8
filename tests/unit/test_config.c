/*
 * test_config.c - config_load(): the shipped examples load, defaults are
 * applied, and every validation rule refuses a bad file with the exact
 * FILE:LINE of the offending setting.
 *
 * Most cases are written to a temporary directory by the test itself, one
 * small file per case, so the line numbers asserted are visible right next
 * to the text. The @include and syntax-error cases use fixtures in
 * tests/unit/data/config/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "failoverd/config.h"

/* config_url_check() is tested on its own as well. */
#include "../../src/config/config_internal.h"

#define CONFIG_DATA TEST_DATA_DIR "/config"
#define CONF_DIR TEST_DATA_DIR "/../../../conf"

static char temp_dir[] = "/tmp/test_config.XXXXXX";

struct loaded {
	int rc;
	struct failoverd_config *config;
	struct config_errors errors;
	char path[512];
};

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

static void load_path(const char *path, struct loaded *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->path, sizeof(out->path), "%s", path);
	out->config = (struct failoverd_config *)0x1; /* must be overwritten */
	out->rc = config_load(path, &out->config, &out->errors);
	if (out->rc == 0) {
		assert_non_null(out->config);
		assert_int_equal(out->errors.count, 0);
	} else {
		assert_int_equal(out->rc, -1);
		assert_null(out->config);
		assert_true(out->errors.count >= 1);
	}
}

/* Writes text to temp_dir/name and loads it. */
static void load_text(const char *name, const char *text, struct loaded *out)
{
	char path[512];
	FILE *file;

	snprintf(path, sizeof(path), "%s/%s", temp_dir, name);
	file = fopen(path, "w");
	assert_non_null(file);
	assert_int_equal(fputs(text, file) >= 0, 1);
	assert_int_equal(fclose(file), 0);
	load_path(path, out);
}

static void loaded_free(struct loaded *loaded)
{
	config_free(loaded->config);
	config_errors_free(&loaded->errors);
	loaded->config = NULL;
}

static void print_errors(const struct loaded *loaded)
{
	for (size_t i = 0; i < loaded->errors.count; i++)
		print_message("  error: %s\n", loaded->errors.lines[i]);
}

static void expect_loaded(const struct loaded *loaded)
{
	if (loaded->rc != 0)
		print_errors(loaded);
	assert_int_equal(loaded->rc, 0);
}

/* An error "FILE:LINE: ..." containing text exists, FILE being the loaded path. */
static bool has_error_in(const struct loaded *loaded, const char *file, int line, const char *text)
{
	char prefix[640];

	if (line > 0)
		snprintf(prefix, sizeof(prefix), "%s:%d: ", file, line);
	else
		snprintf(prefix, sizeof(prefix), "%s: ", file);
	for (size_t i = 0; i < loaded->errors.count; i++) {
		const char *error = loaded->errors.lines[i];

		if (strncmp(error, prefix, strlen(prefix)) == 0 &&
		    strstr(error + strlen(prefix), text))
			return true;
	}
	return false;
}

static void expect_error_in(const struct loaded *loaded, const char *file, int line,
			    const char *text)
{
	assert_int_equal(loaded->rc, -1);
	if (!has_error_in(loaded, file, line, text)) {
		print_message("expected %s:%d: ...%s...\n", file, line, text);
		print_errors(loaded);
		fail();
	}
}

static void expect_error(const struct loaded *loaded, int line, const char *text)
{
	expect_error_in(loaded, loaded->path, line, text);
}

/* The error list is exactly the one line "PATH:LINE: message". */
static void expect_only_error(const struct loaded *loaded, int line, const char *message)
{
	char expected[1024];

	if (line > 0)
		snprintf(expected, sizeof(expected), "%s:%d: %s", loaded->path, line, message);
	else
		snprintf(expected, sizeof(expected), "%s: %s", loaded->path, message);
	if (loaded->errors.count != 1 || strcmp(loaded->errors.lines[0], expected) != 0) {
		print_message("expected only: %s\n", expected);
		print_errors(loaded);
		fail();
	}
}

/* ---- the shipped examples ------------------------------------------- */

static void test_example_lb_pair_loads(void **state)
{
	struct loaded l;
	const struct instance_config *vi1, *gateway;
	char text[IP_ADDRESS_TEXT_MAX];

	(void)state;
	load_path(CONF_DIR "/failoverd.conf", &l);
	expect_loaded(&l);
	assert_string_equal(l.config->path, CONF_DIR "/failoverd.conf");
	assert_string_equal(l.config->global.node_name, "lb1");
	assert_int_equal(l.config->global.syslog_facility_value, LOG_DAEMON);
	assert_int_equal(l.config->instance_count, 2);

	vi1 = config_find_instance(l.config, "VI_1");
	gateway = config_find_instance(l.config, "VI_GATEWAY");
	assert_non_null(vi1);
	assert_non_null(gateway);
	assert_null(config_find_instance(l.config, "VI_2"));
	assert_int_equal(vi1->vip_count, 6);
	assert_int_equal(vi1->family, AF_INET);
	assert_string_equal(ip_address_format(&vi1->vips[5].address, text, sizeof(text)),
			    "192.168.255.16");
	assert_int_equal(vi1->vips[0].length, 32);
	assert_int_equal(vi1->advert_interval_cs, 10);
	assert_int_equal(vi1->priority, 150);
	assert_int_equal(vi1->preempt_delay_us, 30000000);
	assert_int_equal(vi1->track.interface_count, 2);
	assert_int_equal(vi1->track.check_count, 4);
	assert_false(vi1->track.interfaces[0].has_weight);
	assert_string_equal(vi1->track.interfaces[1].name, "eth2");
	assert_true(vi1->track.interfaces[1].has_weight);
	assert_int_equal(vi1->track.interfaces[1].weight, -60);
	assert_int_equal(vi1->track.interfaces[1].up_delay_us, 5000000);
	assert_int_equal(vi1->track.bond_count, 1);
	assert_string_equal(vi1->track.bonds[0].name, "bond0");
	assert_int_equal(vi1->track.bonds[0].weight, -20);
	assert_int_equal(vi1->track.bonds[0].min_members, 1);
	assert_int_equal(vi1->track.bonds[0].up_delay_us, 2000000);
	assert_int_equal(vi1->track.bonds[0].down_delay_us, 200000);
	assert_string_equal(vi1->track.checks[0].name, "smtps");
	assert_int_equal(vi1->track.checks[0].weight, -60);
	assert_string_equal(vi1->file, l.config->path);
	assert_string_equal(gateway->interface, "eth1");
	assert_int_equal(gateway->vips[0].length, 24);

	assert_int_equal(l.config->sync_group_count, 1);
	assert_string_equal(l.config->sync_groups[0].name, "PEC");
	assert_int_equal(l.config->sync_groups[0].instance_count, 2);
	assert_string_equal(l.config->sync_groups[0].instances[0], "VI_1");
	assert_string_equal(l.config->sync_groups[0].instances[1], "VI_GATEWAY");
	assert_string_equal(l.config->sync_groups[0].notify.any, "/etc/failoverd/notify-pec.sh");
	assert_string_equal(l.config->sync_groups[0].notify.master, "");
	assert_string_equal(l.config->sync_groups[0].file, l.config->path);

	assert_int_equal(l.config->check_count, 6);
	assert_string_equal(l.config->checks[0].name, "smtps");
	assert_int_equal(l.config->checks[0].type, CHECK_TLS);
	assert_string_equal(l.config->checks[0].address, "127.0.0.1");
	assert_int_equal(l.config->checks[0].port, 465);
	assert_string_equal(l.config->checks[0].expect, "220");
	assert_false(l.config->checks[0].verify);
	assert_string_equal(l.config->checks[0].file, l.config->path);
	assert_int_equal(l.config->checks[3].type, CHECK_HTTP);
	assert_int_equal(l.config->checks[3].max_latency_us, 500000);
	assert_string_equal(l.config->checks[3].sni, "webmail.example.net");
	assert_int_equal(l.config->checks[5].type, CHECK_PROCESS);
	assert_string_equal(l.config->checks[5].process_name, "haproxy");
	assert_null(l.config->checks[5].command);
	loaded_free(&l);
}

static void test_examples_load(void **state)
{
	struct loaded l;
	const struct instance_config *vi;
	char text[IP_ADDRESS_TEXT_MAX];

	(void)state;
	load_path(CONF_DIR "/examples/minimal-ipv4.conf", &l);
	expect_loaded(&l);
	assert_int_equal(l.config->instance_count, 1);
	assert_int_equal(l.config->instances[0].version, 3);
	loaded_free(&l);

	load_path(CONF_DIR "/examples/ipv6.conf", &l);
	expect_loaded(&l);
	vi = &l.config->instances[0];
	assert_int_equal(vi->family, AF_INET6);
	assert_int_equal(vi->vip_count, 2);
	assert_int_equal(vi->advert_interval_cs, 50);
	loaded_free(&l);

	load_path(CONF_DIR "/examples/vrrpv2-keepalived.conf", &l);
	expect_loaded(&l);
	vi = &l.config->instances[0];
	assert_int_equal(vi->version, 2);
	assert_int_equal(vi->advert_interval_cs, 100);
	assert_int_equal(vi->auth.type, AUTH_PASS);
	assert_string_equal(vi->auth.password, "secret12");
	loaded_free(&l);

	load_path(CONF_DIR "/examples/unicast.conf", &l);
	expect_loaded(&l);
	vi = &l.config->instances[0];
	assert_true(vi->unicast.enabled);
	assert_string_equal(ip_address_format(&vi->unicast.source, text, sizeof(text)), "10.0.0.1");
	assert_int_equal(vi->unicast.peer_count, 1);
	assert_string_equal(ip_address_format(&vi->unicast.peers[0], text, sizeof(text)),
			    "10.0.0.2");
	loaded_free(&l);
}

/* ---- defaults and values -------------------------------------------- */

static void test_defaults_applied(void **state)
{
	struct loaded l;
	const struct instance_config *vi;
	const struct check_config *check;

	(void)state;
	load_text("defaults.conf",
		  "instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 7;\n"
		  "  virtual_addresses = ( \"192.0.2.1\" ); } );\n"
		  "checks = ( { name = \"web\"; type = \"http\"; url = \"http://127.0.0.1/\"; },\n"
		  "  { name = \"fast\"; type = \"tcp\"; address = \"::1\"; port = 22;\n"
		  "    interval = 0.5; } );\n",
		  &l);
	expect_loaded(&l);
	assert_string_equal(l.config->global.node_name, "");
	assert_string_equal(l.config->global.event_log, CONFIG_DEFAULT_EVENT_LOG);
	assert_string_equal(l.config->global.control_socket, CONFIG_DEFAULT_SOCKET);
	assert_string_equal(l.config->global.syslog_facility, "daemon");
	assert_int_equal(l.config->global.syslog_facility_value, LOG_DAEMON);

	vi = &l.config->instances[0];
	assert_int_equal(vi->vrid, 7);
	assert_int_equal(vi->priority, 100);
	assert_int_equal(vi->advert_interval_cs, 100);
	assert_int_equal(vi->version, 3);
	assert_true(vi->preempt);
	assert_int_equal(vi->preempt_delay_us, 0);
	assert_true(vi->accept);
	assert_int_equal(vi->checksum_mode, VRRP_CHECKSUM_PSEUDO_HEADER);
	assert_int_equal(vi->initial_state, INITIAL_STATE_BACKUP);
	assert_int_equal(vi->vips[0].length, 32);
	assert_int_equal(vi->vip_excluded_count, 0);
	assert_int_equal(vi->garp.delay_us, 5000000);
	assert_int_equal(vi->garp.repeat, 5);
	assert_int_equal(vi->garp.interval_us, 0);
	assert_int_equal(vi->garp.refresh_us, 0);
	assert_false(vi->unicast.enabled);
	assert_false(vi->vmac);
	assert_int_equal(vi->auth.type, AUTH_NONE);
	assert_int_equal(vi->track.interface_count + vi->track.bond_count + vi->track.check_count,
			 0);
	assert_string_equal(vi->notify.master, "");
	assert_int_equal(vi->line, 1);
	assert_int_equal(l.config->sync_group_count, 0);

	check = &l.config->checks[0];
	assert_int_equal(check->status, 200);
	assert_string_equal(check->url, "http://127.0.0.1/");
	assert_string_equal(check->expect, "");
	assert_int_equal(check->max_latency_us, 0);
	assert_false(check->verify);
	assert_string_equal(check->ca_file, "");
	assert_string_equal(check->sni, "");
	assert_null(check->command);
	assert_string_equal(check->process_name, "");
	assert_string_equal(check->pid_file, "");
	assert_string_equal(check->file, l.config->path);
	assert_int_equal(check->interval_us, 2000000);
	assert_int_equal(check->timeout_us, 1000000);
	assert_int_equal(check->rise, 2);
	assert_int_equal(check->fall, 3);
	assert_int_equal(check->line, 3);
	/* A shorter interval bounds the default timeout. */
	assert_int_equal(l.config->checks[1].interval_us, 500000);
	assert_int_equal(l.config->checks[1].timeout_us, 500000);
	loaded_free(&l);
}

static void test_every_setting_parsed(void **state)
{
	struct loaded l;
	const struct instance_config *vi;
	const struct check_config *exec;

	(void)state;
	load_text("full.conf",
		  "global = { node_name = \"lb-2.site\"; event_log = \"\";\n"
		  "  control_socket = \"/run/x.sock\"; syslog_facility = \"local3\"; };\n"
		  "instances = ( {\n"
		  "  name = \"VI_1\"; interface = \"eth0\"; vrid = 255; priority = 255;\n"
		  "  advert_interval = 40.95; version = 3; preempt = false;\n"
		  "  preempt_delay = 1.5; accept = false; checksum_v3_ipv4 = \"rfc9568\";\n"
		  "  initial_state = \"MASTER\"; vmac = true;\n"
		  "  virtual_addresses = [ \"192.0.2.1/24\", \"192.0.2.2\" ];\n"
		  "  virtual_addresses_excluded = ( \"198.51.100.1/25\" );\n"
		  "  garp = { delay = 0; repeat = 100; interval = 0.25; refresh = 60; };\n"
		  "  unicast = { source = \"192.0.2.100\"; peers = ( \"192.0.2.101\", "
		  "\"192.0.2.102\" ); };\n"
		  "  authentication = { type = \"hmac-sha256\"; key_file = \"/etc/k\";\n"
		  "    mode = \"send-only\"; };\n"
		  "  track = { interfaces = ( { name = \"eth1\"; weight = -254; } );\n"
		  "    bonds = ( { name = \"bond0\"; weight = -20; min_members = 2; },\n"
		  "              { name = \"bond1\"; } );\n"
		  "    checks = ( { name = \"app\"; weight = 254; } ); };\n"
		  "  notify = { master = \"/m\"; backup = \"/b\"; fault = \"/f\"; stop = \"/s\";\n"
		  "    any = \"/a\"; };\n"
		  "} );\n"
		  "checks = ( { name = \"app\"; type = \"exec\";\n"
		  "  command = [ \"/usr/bin/check\", \"--quick\", \"\" ];\n"
		  "  interval = 10; timeout = 10; rise = 1; fall = 7; } );\n",
		  &l);
	expect_loaded(&l);
	assert_string_equal(l.config->global.node_name, "lb-2.site");
	assert_string_equal(l.config->global.event_log, "");
	assert_string_equal(l.config->global.control_socket, "/run/x.sock");
	assert_string_equal(l.config->global.syslog_facility, "local3");
	assert_int_equal(l.config->global.syslog_facility_value, LOG_LOCAL3);

	vi = &l.config->instances[0];
	assert_int_equal(vi->vrid, 255);
	assert_int_equal(vi->priority, 255);
	assert_int_equal(vi->advert_interval_cs, 4095);
	assert_false(vi->preempt);
	assert_int_equal(vi->preempt_delay_us, 1500000);
	assert_false(vi->accept);
	assert_int_equal(vi->checksum_mode, VRRP_CHECKSUM_RFC9568);
	assert_int_equal(vi->initial_state, INITIAL_STATE_MASTER);
	assert_true(vi->vmac);
	assert_int_equal(vi->vip_count, 2);
	assert_int_equal(vi->vips[0].length, 24);
	assert_int_equal(vi->vip_excluded_count, 1);
	assert_int_equal(vi->vips_excluded[0].length, 25);
	assert_int_equal(vi->garp.delay_us, 0);
	assert_int_equal(vi->garp.repeat, 100);
	assert_int_equal(vi->garp.interval_us, 250000);
	assert_int_equal(vi->garp.refresh_us, 60000000);
	assert_true(vi->unicast.enabled);
	assert_int_equal(vi->unicast.peer_count, 2);
	assert_int_equal(vi->auth.type, AUTH_HMAC_SHA256);
	assert_string_equal(vi->auth.key_file, "/etc/k");
	assert_int_equal(vi->auth.mode, AUTH_MODE_SEND_ONLY);
	assert_int_equal(vi->track.interface_count, 1);
	assert_true(vi->track.interfaces[0].has_weight);
	assert_int_equal(vi->track.interfaces[0].weight, -254);
	assert_int_equal(vi->track.interfaces[0].line, 14);
	assert_int_equal(vi->track.bond_count, 2);
	assert_int_equal(vi->track.bonds[0].min_members, 2);
	assert_int_equal(vi->track.bonds[1].min_members, 1);
	assert_false(vi->track.bonds[1].has_weight);
	assert_int_equal(vi->track.bonds[1].line, 16);
	assert_int_equal(vi->track.checks[0].weight, 254);
	assert_string_equal(vi->notify.master, "/m");
	assert_string_equal(vi->notify.backup, "/b");
	assert_string_equal(vi->notify.fault, "/f");
	assert_string_equal(vi->notify.stop, "/s");
	assert_string_equal(vi->notify.any, "/a");
	assert_int_equal(vi->line, 3);

	exec = &l.config->checks[0];
	assert_int_equal(exec->type, CHECK_EXEC);
	assert_string_equal(exec->command[0], "/usr/bin/check");
	assert_string_equal(exec->command[1], "--quick");
	assert_string_equal(exec->command[2], "");
	assert_null(exec->command[3]);
	assert_int_equal(exec->interval_us, 10000000);
	assert_int_equal(exec->timeout_us, 10000000);
	assert_int_equal(exec->rise, 1);
	assert_int_equal(exec->fall, 7);
	loaded_free(&l);
}

/* One instance whose advert_interval (and version) vary. */
static void load_interval(const char *version, const char *interval, struct loaded *l)
{
	char text[512];

	snprintf(text, sizeof(text),
		 "instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
		 "  virtual_addresses = ( \"192.0.2.1\" ); version = %s;\n"
		 "  advert_interval = %s; } );\n",
		 version, interval);
	load_text("interval.conf", text, l);
}

static void test_advert_interval_centiseconds(void **state)
{
	static const struct {
		const char *version, *text;
		int cs; /* -1: refused */
	} cases[] = {
	    {"3", "1", 100}, /* an integer where a float is expected */
	    {"3", "0.01", 1},	     {"3", "40.95", 4095}, {"3", "0.07", 7},
	    {"3", "1.0000001", 100}, /* within 1e-6 of a centisecond multiple */
	    {"3", "1.00001", -1},    {"3", "0.005", -1},   {"3", "0.0", -1},
	    {"3", "40.96", -1},	     {"3", "-1.0", -1},	   {"2", "3", 300},
	    {"2", "255.0", 25500},   {"2", "1.5", -1},	   {"2", "0.5", -1},
	    {"2", "256", -1},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct loaded l;

		load_interval(cases[i].version, cases[i].text, &l);
		if (cases[i].cs < 0) {
			expect_error(&l, 3, "'advert_interval' must be");
			assert_int_equal(l.errors.count, 1);
		} else {
			expect_loaded(&l);
			assert_int_equal(l.config->instances[0].advert_interval_cs, cases[i].cs);
		}
		loaded_free(&l);
	}
}

/* ---- instance settings, one refused value at a time ------------------ */

/*
 * Builds an instance from fixed lines plus `before` and `setting`, each on
 * its own line, and expects an error containing `message` on the line of
 * `setting` (or on the line of the instance's group when at_group).
 * A setting that redefines name, interface, vrid or virtual_addresses
 * replaces the fixed line.
 */
struct instance_case {
	const char *before;
	const char *setting;
	const char *message;
	bool at_group;
};

/* "vrid = 0;" replaces the fixed vrid line; "# vrid" removes it. */
static bool line_replaces(const char *line, const char *name)
{
	size_t length = strlen(name);

	if (!line)
		return false;
	if (strncmp(line, "# ", 2) == 0)
		line += 2;
	return strncmp(line, name, length) == 0 && (line[length] == ' ' || line[length] == '\0');
}

static bool setting_replaces(const struct instance_case *c, const char *name)
{
	return line_replaces(c->setting, name) || line_replaces(c->before, name);
}

static void run_instance_case(const struct instance_case *c)
{
	static const char *const fixed[][2] = {
	    {"name", "name = \"VI_1\";"},
	    {"interface", "interface = \"eth0\";"},
	    {"vrid", "vrid = 51;"},
	    {"virtual_addresses", "virtual_addresses = ( \"192.0.2.10/24\" );"},
	};
	char text[4096];
	size_t used = 0;
	int line = 3;
	struct loaded l;

	used += (size_t)snprintf(text + used, sizeof(text) - used,
				 "checks = ( { name = \"app\"; type = \"tcp\"; "
				 "address = \"127.0.0.1\"; port = 80; } );\n"
				 "instances = (\n  {\n");
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (setting_replaces(c, fixed[i][0]))
			continue;
		used += (size_t)snprintf(text + used, sizeof(text) - used, "    %s\n", fixed[i][1]);
		line++;
	}
	if (c->before) {
		used += (size_t)snprintf(text + used, sizeof(text) - used, "    %s\n", c->before);
		line++;
	}
	used += (size_t)snprintf(text + used, sizeof(text) - used, "    %s\n  }\n);\n", c->setting);
	line++;
	assert_true(used < sizeof(text));
	load_text("instance.conf", text, &l);
	if (!has_error_in(&l, l.path, c->at_group ? 3 : line, c->message)) {
		print_message("case: %s\n", c->setting);
		expect_error(&l, c->at_group ? 3 : line, c->message);
	}
	loaded_free(&l);
}

static void run_instance_cases(const struct instance_case *cases, size_t count)
{
	for (size_t i = 0; i < count; i++)
		run_instance_case(&cases[i]);
}

static void test_instance_ranges(void **state)
{
	static const struct instance_case cases[] = {
	    {NULL, "vrid = 0;", "instance 'VI_1': 'vrid' must be between 1 and 255 (got 0)", false},
	    {NULL, "vrid = 256;", "'vrid' must be between 1 and 255 (got 256)", false},
	    {NULL, "priority = 0;", "'priority' must be between 1 and 255 (got 0)", false},
	    {NULL, "priority = 256;", "'priority' must be between 1 and 255 (got 256)", false},
	    {NULL, "version = 4;", "'version' must be between 2 and 3 (got 4)", false},
	    {NULL, "version = 1;", "'version' must be between 2 and 3 (got 1)", false},
	    {NULL, "advert_interval = 0.0;",
	     "'advert_interval' must be between 0.01 and 40.95 seconds for version 3 (got 0)",
	     false},
	    {NULL, "advert_interval = 0.015;",
	     "'advert_interval' must be a multiple of 0.01 seconds (got 0.015)", false},
	    {"version = 2;", "advert_interval = 1.5;",
	     "'advert_interval' must be whole seconds between 1 and 255 for version 2 (got "
	     "1.5)",
	     false},
	    {NULL, "preempt_delay = 3601.0;",
	     "'preempt_delay' must be between 0 and 3600 (got 3601)", false},
	    {NULL, "preempt_delay = -1;", "'preempt_delay' must be between 0 and 3600 (got -1)",
	     false},
	    {NULL, "checksum_v3_ipv4 = \"none\";",
	     "'checksum_v3_ipv4' must be \"pseudo-header\" or \"rfc9568\", not \"none\"", false},
	    {NULL, "checksum_v3_ipv4 = \"RFC9568\";", "(did you mean 'rfc9568'?)", false},
	    {NULL, "initial_state = \"master\";",
	     "'initial_state' must be \"BACKUP\" or \"MASTER\", not \"master\" (did you mean "
	     "'MASTER'?)",
	     false},
	    {NULL, "initial_state = \"FAULT\";", "not \"FAULT\"", false},
	};

	(void)state;
	run_instance_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_instance_names_and_interface(void **state)
{
	static const struct instance_case cases[] = {
	    {NULL, "name = \"VI 1\";",
	     "instance name \"VI 1\" is invalid: use 1 to 63 characters of A-Z a-z 0-9 _ . -",
	     false},
	    {NULL, "name = \"VI/1\";", "instance name \"VI/1\" is invalid", false},
	    {NULL, "name = \"\";", "instance #1: 'name' must not be empty", false},
	    {NULL, "name = \"a123456789b123456789c123456789d123456789e123456789f123456789xyzw\";",
	     "'name' is too long (at most 63 characters)", false},
	    {NULL, "interface = \"\";", "'interface' must not be empty", false},
	    {NULL, "interface = \"eth0123456789abc\";",
	     "'interface' is too long (at most 15 characters)", false},
	    {NULL, "interface = \"eth/0\";",
	     "interface name \"eth/0\" is invalid: use 1 to 15 characters, no '/' and no "
	     "whitespace",
	     false},
	    {NULL, "interface = \"eth 0\";", "interface name \"eth 0\" is invalid", false},
	    {NULL, "interface = \"eth\\t0\";", "is invalid", false},
	};

	(void)state;
	run_instance_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_instance_required_settings(void **state)
{
	static const struct instance_case cases[] = {
	    {NULL, "# name", "instance #1: missing required setting 'name'", true},
	    {NULL, "# interface", "instance 'VI_1': missing required setting 'interface'", true},
	    {NULL, "# vrid", "instance 'VI_1': missing required setting 'vrid'", true},
	    {NULL, "# virtual_addresses",
	     "instance 'VI_1': missing required setting 'virtual_addresses'", true},
	};

	(void)state;
	run_instance_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_instance_types(void **state)
{
	static const struct instance_case cases[] = {
	    {NULL, "priority = \"high\";",
	     "instance 'VI_1': 'priority' must be an integer, not a string", false},
	    {NULL, "vrid = 51.0;", "'vrid' must be an integer, not a number", false},
	    {NULL, "version = 2.0;", "'version' must be an integer, not a number", false},
	    {NULL, "preempt = 1;", "'preempt' must be a boolean (true or false), not an integer",
	     false},
	    {NULL, "accept = \"yes\";", "'accept' must be a boolean (true or false), not a string",
	     false},
	    {NULL, "vmac = 0;", "'vmac' must be a boolean (true or false), not an integer", false},
	    {NULL, "interface = 5;", "'interface' must be a string, not an integer", false},
	    {NULL, "name = [ \"VI_1\" ];", "'name' must be a string, not an array [ ... ]", false},
	    {NULL, "advert_interval = \"1s\";", "'advert_interval' must be a number, not a string",
	     false},
	    {NULL, "virtual_addresses = \"192.0.2.1\";",
	     "'virtual_addresses' must be a list ( ... ), not a string", false},
	    {NULL, "virtual_addresses = ( 5 );",
	     "a virtual address must be a string, not an integer", false},
	    {NULL, "garp = 5;", "'garp' must be a group { ... }, not an integer", false},
	    {NULL, "track = ( );", "'track' must be a group { ... }, not a list ( ... )", false},
	    {NULL, "initial_state = true;", "'initial_state' must be a string, not a boolean",
	     false},
	};

	(void)state;
	run_instance_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_virtual_addresses(void **state)
{
	static const struct instance_case cases[] = {
	    {NULL, "virtual_addresses = ( );", "'virtual_addresses' must list at least one address",
	     false},
	    {NULL, "virtual_addresses = ( \"192.0.2.1\", \"2001:db8::1\" );",
	     "virtual address 2001:db8::1 is IPv6 but the instance's addresses are IPv4 (one "
	     "family per instance)",
	     false},
	    {NULL, "virtual_addresses = ( \"192.0.2.1\", \"192.0.2.1/24\" );",
	     "virtual address 192.0.2.1/24 is listed twice", false},
	    {NULL, "virtual_addresses = ( \"192.0.2.300\" );",
	     "\"192.0.2.300\" is not an IPv4 or IPv6 address with an optional /prefix length",
	     false},
	    {NULL, "virtual_addresses = ( \"192.0.2.1/33\" );", "\"192.0.2.1/33\" is not an",
	     false},
	    {NULL, "virtual_addresses = ( \"2001:db8::1/129\" );", "is not an IPv4 or IPv6", false},
	    {NULL, "virtual_addresses = ( \"224.0.0.18\" );",
	     "virtual address 224.0.0.18 is not a unicast address", false},
	    {NULL, "virtual_addresses = ( \"0.0.0.0\" );", "is not a unicast address", false},
	    {NULL, "virtual_addresses = ( \"ff02::12\" );", "is not a unicast address", false},
	    {NULL, "virtual_addresses_excluded = ( \"192.0.2.10\" );",
	     "virtual address 192.0.2.10 is in both virtual_addresses and "
	     "virtual_addresses_excluded",
	     false},
	    {NULL, "virtual_addresses_excluded = ( \"198.51.100.1\", \"198.51.100.1\" );",
	     "virtual address 198.51.100.1 is listed twice", false},
	    {NULL, "virtual_addresses_excluded = ( \"2001:db8::1\" );",
	     "virtual address 2001:db8::1 is IPv6 but the instance's addresses are IPv4", false},
	    {NULL, "virtual_addresses_excluded = \"192.0.2.99\";",
	     "'virtual_addresses_excluded' must be a list ( ... ), not a string", false},
	};

	(void)state;
	run_instance_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_virtual_address_count(void **state)
{
	/* 255 addresses fit the 8-bit count; 256 do not. */
	for (int count = 255; count <= 256; count++) {
		size_t size = 200 + (size_t)count * 20;
		char *text = malloc(size);
		size_t used;
		struct loaded l;

		assert_non_null(text);
		used = (size_t)snprintf(text, size,
					"instances = ( { name = \"VI_1\"; interface = \"eth0\";\n"
					"  vrid = 1;\n  virtual_addresses = (");
		for (int i = 0; i < count; i++)
			used += (size_t)snprintf(text + used, size - used, "%s\"10.0.%d.%d\"",
						 i ? ", " : " ", i / 200, i % 200 + 1);
		snprintf(text + used, size - used, " ); } );\n");
		load_text("count.conf", text, &l);
		if (count == 255) {
			expect_loaded(&l);
			assert_int_equal(l.config->instances[0].vip_count, 255);
		} else {
			expect_only_error(&l, 3,
					  "instance 'VI_1': 'virtual_addresses' lists 256 "
					  "addresses, at most 255 fit in an advertisement");
		}
		loaded_free(&l);
		free(text);
	}
}

static void test_version2_needs_ipv4(void **state)
{
	struct loaded l;

	(void)state;
	load_text("v2v6.conf",
		  "instances = ( { name = \"VI_6\"; interface = \"eth0\"; vrid = 1;\n"
		  "  version = 2;\n"
		  "  virtual_addresses = ( \"2001:db8::1\" ); } );\n",
		  &l);
	expect_only_error(&l, 2,
			  "instance 'VI_6': version 2 supports IPv4 only (the virtual addresses "
			  "are IPv6; use version 3)");
	loaded_free(&l);
}

static void test_nested_groups(void **state)
{
	static const struct instance_case cases[] = {
	    {NULL, "garp = { delay = 3600.5; };",
	     "garp of instance 'VI_1': 'delay' must be between 0 and 3600 (got 3600.5)", false},
	    {NULL, "garp = { repeat = 0; };", "'repeat' must be between 1 and 100 (got 0)", false},
	    {NULL, "garp = { repeat = 101; };", "'repeat' must be between 1 and 100 (got 101)",
	     false},
	    {NULL, "garp = { interval = 10.5; };", "'interval' must be between 0 and 10", false},
	    {NULL, "garp = { refresh = 0.5; };",
	     "'refresh' must be 0 (never) or between 1 and 86400 seconds (got 0.5)", false},
	    {NULL, "garp = { refresh = 86401; };", "'refresh' must be between 0 and 86400", false},
	    {NULL, "garp = { repeat = 2.5; };", "'repeat' must be an integer, not a number", false},
	    {NULL, "unicast = { peers = ( \"192.0.2.2\" ); };",
	     "unicast of instance 'VI_1': missing required setting 'source'", false},
	    {NULL, "unicast = { source = \"192.0.2.1\"; };",
	     "unicast of instance 'VI_1': missing required setting 'peers'", false},
	    {NULL, "unicast = { source = \"192.0.2.1\"; peers = ( ); };",
	     "'peers' must list at least one address", false},
	    {NULL, "unicast = { source = \"2001:db8::1\"; peers = ( \"192.0.2.2\" ); };",
	     "source 2001:db8::1 is IPv6 but the instance's virtual addresses are IPv4", false},
	    {NULL, "unicast = { source = \"192.0.2.1\"; peers = ( \"2001:db8::2\" ); };",
	     "peer 2001:db8::2 is IPv6 but the instance's virtual addresses are IPv4", false},
	    {NULL,
	     "unicast = { source = \"192.0.2.1\"; peers = ( \"192.0.2.2\", \"192.0.2.2\" ); };",
	     "peer 192.0.2.2 is listed twice", false},
	    {NULL, "unicast = { source = \"192.0.2.1\"; peers = ( \"192.0.2.1\" ); };",
	     "peer 192.0.2.1 is the source address itself", false},
	    {NULL, "unicast = { source = \"nope\"; peers = ( \"192.0.2.2\" ); };",
	     "source \"nope\" is not a unicast IPv4 or IPv6 address", false},
	    {NULL, "unicast = { source = \"192.0.2.1\"; peers = ( \"192.0.2.255/24\" ); };",
	     "peer \"192.0.2.255/24\" is not a unicast", false},
	    {NULL, "notify = { master = \"notify.sh\"; };",
	     "notify of instance 'VI_1': 'master' must be an absolute path (got \"notify.sh\")",
	     false},
	    {NULL, "notify = { any = \"\"; };", "'any' must not be empty", false},
	    {NULL, "notify = { stop = 1; };", "'stop' must be a string, not an integer", false},
	};

	(void)state;
	run_instance_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_authentication(void **state)
{
	static const struct instance_case cases[] = {
	    {NULL, "authentication = { type = \"pass\"; password = \"secret\"; };",
	     "authentication of instance 'VI_1': type \"pass\" exists only for VRRPv2 "
	     "interoperation (set version = 2, or use \"hmac-sha256\" with version 3)",
	     false},
	    {"version = 2;", "authentication = { type = \"pass\"; password = \"123456789\"; };",
	     "'password' is too long (at most 8 characters)", false},
	    {"version = 2;", "authentication = { type = \"pass\"; password = \"\"; };",
	     "'password' must not be empty", false},
	    {"version = 2;", "authentication = { type = \"pass\"; };",
	     "missing required setting 'password'", false},
	    {"version = 2;",
	     "authentication = { type = \"pass\"; password = \"x\"; key_file = \"/k\"; };",
	     "'key_file' applies only to type \"hmac-sha256\"", false},
	    {NULL, "authentication = { type = \"hmac-sha256\"; };",
	     "authentication of instance 'VI_1': missing required setting 'key_file'", false},
	    {NULL, "authentication = { type = \"hmac-sha256\"; key_file = \"vrrp.key\"; };",
	     "'key_file' must be an absolute path (got \"vrrp.key\")", false},
	    {NULL,
	     "authentication = { type = \"hmac-sha256\"; key_file = \"/k\"; mode = \"strict\"; };",
	     "'mode' must be \"enforce\", \"accept\" or \"send-only\", not \"strict\"", false},
	    {NULL,
	     "authentication = { type = \"hmac-sha256\"; key_file = \"/k\"; password = \"x\"; };",
	     "'password' applies only to type \"pass\"", false},
	    {NULL, "authentication = { type = \"md5\"; };",
	     "'type' must be \"pass\" or \"hmac-sha256\", not \"md5\"", false},
	    {NULL, "authentication = { password = \"x\"; };", "missing required setting 'type'",
	     false},
	};
	struct loaded l;

	(void)state;
	run_instance_cases(cases, sizeof(cases) / sizeof(cases[0]));

	load_text("auth.conf",
		  "instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
		  "  virtual_addresses = ( \"192.0.2.1\" );\n"
		  "  authentication = { type = \"hmac-sha256\"; key_file = \"/k\"; "
		  "mode = \"accept\"; }; },\n"
		  "  { name = \"VI_2\"; interface = \"eth0\"; vrid = 2;\n"
		  "  virtual_addresses = ( \"192.0.2.2\" );\n"
		  "  authentication = { type = \"hmac-sha256\"; key_file = \"/k\"; }; } );\n",
		  &l);
	expect_loaded(&l);
	assert_int_equal(l.config->instances[0].auth.mode, AUTH_MODE_ACCEPT);
	assert_int_equal(l.config->instances[1].auth.mode, AUTH_MODE_ENFORCE);
	loaded_free(&l);
}

static void test_track(void **state)
{
	static const struct instance_case cases[] = {
	    {NULL, "track = { interfaces = ( { name = \"eth1\"; weight = 255; } ); };",
	     "track.interfaces item #1 of instance 'VI_1': 'weight' must be between -254 and "
	     "254 (got 255)",
	     false},
	    {NULL, "track = { interfaces = ( { name = \"eth1\"; weight = -255; } ); };",
	     "'weight' must be between -254 and 254 (got -255)", false},
	    {NULL, "track = { checks = ( { name = \"app\"; }, { name = \"missing\"; } ); };",
	     "track.checks item #2 of instance 'VI_1': check 'missing' is not defined in the "
	     "top-level 'checks' list",
	     false},
	    {NULL, "track = { bonds = ( { name = \"bond0\"; min_members = 0; } ); };",
	     "track.bonds item #1 of instance 'VI_1': 'min_members' must be between 1 and", false},
	    {NULL, "track = { interfaces = ( { name = \"eth1\"; min_members = 1; } ); };",
	     "unknown setting 'min_members' in track.interfaces item #1 of instance 'VI_1'", false},
	    {NULL, "track = { interfaces = ( { weight = -10; } ); };",
	     "track.interfaces item #1 of instance 'VI_1': missing required setting 'name'", false},
	    {NULL, "track = { interfaces = ( \"eth1\" ); };",
	     "each item must be a group { name = ...; }, not a string", false},
	    {NULL, "track = { interfaces = ( { name = \"eth1\"; }, { name = \"eth1\"; } ); };",
	     "track.interfaces item #2 of instance 'VI_1': 'eth1' is tracked twice", false},
	    {NULL, "track = { bonds = ( { name = \"bond 0\"; } ); };",
	     "interface name \"bond 0\" is invalid", false},
	    {NULL, "track = { checks = { name = \"app\"; }; };",
	     "track of instance 'VI_1': 'checks' must be a list ( ... ), not a group { ... }",
	     false},
	};

	(void)state;
	run_instance_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_track_delays(void **state)
{
	static const struct instance_case cases[] = {
	    {NULL, "track = { interfaces = ( { name = \"eth1\"; up_delay = 3601; } ); };",
	     "track.interfaces item #1 of instance 'VI_1': 'up_delay' must be between 0 and 3600 "
	     "(got 3601)",
	     false},
	    {NULL, "track = { interfaces = ( { name = \"eth1\"; down_delay = -0.5; } ); };",
	     "track.interfaces item #1 of instance 'VI_1': 'down_delay' must be between 0 and "
	     "3600 (got -0.5)",
	     false},
	    {NULL, "track = { bonds = ( { name = \"bond0\"; down_delay = 3600.5; } ); };",
	     "track.bonds item #1 of instance 'VI_1': 'down_delay' must be between 0 and 3600 "
	     "(got 3600.5)",
	     false},
	    {NULL, "track = { bonds = ( { name = \"bond0\"; up_delay = \"2s\"; } ); };",
	     "track.bonds item #1 of instance 'VI_1': 'up_delay' must be a number, not a string",
	     false},
	    {NULL, "track = { interfaces = ( { name = \"eth1\"; down_delay = true; } ); };",
	     "'down_delay' must be a number, not a boolean", false},
	    {NULL, "track = { checks = ( { name = \"app\"; up_delay = 1; } ); };",
	     "unknown setting 'up_delay' in track.checks item #1 of instance 'VI_1' ('up_delay' "
	     "applies to interfaces and bonds; a check is debounced by its own 'rise' and "
	     "'fall')",
	     false},
	    {NULL, "track = { checks = ( { name = \"app\"; down_delay = 1; } ); };",
	     "unknown setting 'down_delay' in track.checks item #1 of instance 'VI_1' "
	     "('down_delay' applies to interfaces and bonds",
	     false},
	    {NULL, "track = { checks = ( { name = \"app\"; min_members = 1; } ); };",
	     "unknown setting 'min_members' in track.checks item #1 of instance 'VI_1' "
	     "('min_members' applies to track.bonds only)",
	     false},
	    {NULL, "track = { interfaces = ( { name = \"eth1\"; up_dealy = 1; } ); };",
	     "unknown setting 'up_dealy' in track.interfaces item #1 of instance 'VI_1' (did you "
	     "mean 'up_delay'?)",
	     false},
	    {NULL, "track = { bonds = ( { name = \"bond0\"; downdelay = 1; } ); };",
	     "(did you mean 'down_delay'?)", false},
	};
	struct loaded l;
	const struct track_config *track;

	(void)state;
	run_instance_cases(cases, sizeof(cases) / sizeof(cases[0]));

	/* Values, defaults, and the exact text of one error with its hint. */
	load_text("delays.conf",
		  "checks = ( { name = \"app\"; type = \"tcp\"; address = \"127.0.0.1\"; port = 1; } );\n"
		  "instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
		  "  virtual_addresses = ( \"192.0.2.1\" );\n"
		  "  track = {\n"
		  "    interfaces = ( { name = \"eth1\"; up_delay = 2.5; down_delay = 0.1; },\n"
		  "                   { name = \"eth2\"; weight = -60; } );\n"
		  "    bonds = ( { name = \"bond0\"; weight = -20; min_members = 1;\n"
		  "                up_delay = 3600; down_delay = 0; } );\n"
		  "    checks = ( { name = \"app\"; weight = -60; } ); }; } );\n",
		  &l);
	expect_loaded(&l);
	track = &l.config->instances[0].track;
	assert_int_equal(track->interfaces[0].up_delay_us, 2500000);
	assert_int_equal(track->interfaces[0].down_delay_us, 100000);
	assert_false(track->interfaces[0].has_weight);
	assert_int_equal(track->interfaces[0].line, 5);
	assert_int_equal(track->interfaces[1].up_delay_us, 0);
	assert_int_equal(track->interfaces[1].down_delay_us, 0);
	assert_int_equal(track->interfaces[1].weight, -60);
	assert_int_equal(track->interfaces[1].line, 6);
	assert_int_equal(track->bonds[0].up_delay_us, 3600000000LL);
	assert_int_equal(track->bonds[0].down_delay_us, 0);
	assert_int_equal(track->bonds[0].weight, -20);
	assert_int_equal(track->bonds[0].min_members, 1);
	assert_int_equal(track->bonds[0].line, 7);
	assert_int_equal(track->checks[0].up_delay_us, 0);
	assert_int_equal(track->checks[0].down_delay_us, 0);
	loaded_free(&l);

	load_text("delays-check.conf",
		  "checks = ( { name = \"app\"; type = \"tcp\"; address = \"127.0.0.1\"; port = 1; } );\n"
		  "instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
		  "  virtual_addresses = ( \"192.0.2.1\" );\n"
		  "  track = { checks = ( { name = \"app\"; weight = -60;\n"
		  "                         down_delay = 2; } ); }; } );\n",
		  &l);
	expect_only_error(&l, 5,
			  "unknown setting 'down_delay' in track.checks item #1 of instance "
			  "'VI_1' ('down_delay' applies to interfaces and bonds; a check is "
			  "debounced by its own 'rise' and 'fall')");
	loaded_free(&l);
}

/* ---- unknown settings and did-you-mean hints -------------------------- */

static void test_unknown_setting_hints(void **state)
{
	static const struct instance_case cases[] = {
	    {NULL, "priorty = 100;",
	     "unknown setting 'priorty' in instance 'VI_1' (did you mean 'priority'?)", false},
	    {NULL, "VRID_X = 1;", "unknown setting 'VRID_X' in instance 'VI_1'", false},
	    {NULL, "Priority = 100;",
	     "unknown setting 'Priority' in instance 'VI_1' (did you mean 'priority'?)", false},
	    {NULL, "garp = { dealy = 1.0; };",
	     "unknown setting 'dealy' in garp of instance 'VI_1' (did you mean 'delay'?)", false},
	    {NULL, "unicast = { source = \"192.0.2.1\"; peer = ( \"192.0.2.2\" ); };",
	     "unknown setting 'peer' in unicast of instance 'VI_1' (did you mean 'peers'?)", false},
	    {NULL, "authentication = { type = \"hmac-sha256\"; keyfile = \"/k\"; };",
	     "unknown setting 'keyfile' in authentication of instance 'VI_1' (did you mean "
	     "'key_file'?)",
	     false},
	    {NULL, "track = { interface = ( ); };",
	     "unknown setting 'interface' in track of instance 'VI_1' (did you mean "
	     "'interfaces'?)",
	     false},
	    {NULL, "track = { bonds = ( { name = \"bond0\"; min_member = 1; } ); };",
	     "unknown setting 'min_member' in track.bonds item #1 of instance 'VI_1' (did you "
	     "mean 'min_members'?)",
	     false},
	    {NULL, "notify = { mastr = \"/x\"; };",
	     "unknown setting 'mastr' in notify of instance 'VI_1' (did you mean 'master'?)",
	     false},
	};
	struct loaded l;

	(void)state;
	run_instance_cases(cases, sizeof(cases) / sizeof(cases[0]));

	/* The exact line, and no hint when nothing is close. */
	load_text("unknown.conf",
		  "instances = (\n"
		  "  { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
		  "    virtual_addresses = ( \"192.0.2.1\" );\n"
		  "    frobnicate = true; }\n"
		  ");\n",
		  &l);
	expect_only_error(&l, 4, "unknown setting 'frobnicate' in instance 'VI_1'");
	loaded_free(&l);

	load_text("unknown-top.conf",
		  "globl = { };\n"
		  "instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
		  "  virtual_addresses = ( \"192.0.2.1\" ); } );\n"
		  "sync_group = ( );\n"
		  "check = ( );\n"
		  "vrrp_instance = 1;\n"
		  "global = { nodename = \"x\"; };\n"
		  "checks = ( { name = \"c\"; type = \"tcp\"; address = \"127.0.0.1\"; port = 1;\n"
		  "  intervall = 2.0; } );\n"
		  "sync_groups = ( { name = \"G\"; instance = ( \"VI_1\" ); } );\n",
		  &l);
	expect_error(&l, 1, "unknown setting 'globl' at top level (did you mean 'global'?)");
	expect_error(&l, 4,
		     "unknown setting 'sync_group' at top level (did you mean 'sync_groups'?)");
	expect_error(&l, 5, "unknown setting 'check' at top level (did you mean 'checks'?)");
	expect_error(&l, 6, "unknown setting 'vrrp_instance' at top level");
	expect_error(&l, 7, "unknown setting 'nodename' in global (did you mean 'node_name'?)");
	expect_error(&l, 9, "unknown setting 'intervall' in check 'c' (did you mean 'interval'?)");
	expect_error(&l, 10,
		     "unknown setting 'instance' in sync group 'G' (did you mean 'instances'?)");
	assert_false(has_error_in(&l, l.path, 6, "did you mean"));
	loaded_free(&l);
}

/* ---- rules across instances --------------------------------------------- */

static void test_instance_uniqueness(void **state)
{
	struct loaded l;

	(void)state;
	load_text("unique.conf",
		  "instances = (\n"
		  "  { name = \"VI_1\"; interface = \"eth0\"; vrid = 51;\n"
		  "    virtual_addresses = ( \"192.0.2.1\", \"192.0.2.2\" ); },\n"
		  "  { name = \"VI_1\"; interface = \"eth1\"; vrid = 52;\n"
		  "    virtual_addresses = ( \"192.0.2.3\" ); },\n"
		  "  { name = \"VI_3\"; interface = \"eth0\";\n"
		  "    vrid = 51;\n"
		  "    virtual_addresses = ( \"198.51.100.1\" ); },\n"
		  "  { name = \"VI_4\"; interface = \"eth2\"; vrid = 9;\n"
		  "    virtual_addresses = ( \"203.0.113.1\",\n"
		  "                          \"192.0.2.2\" ); }\n"
		  ");\n",
		  &l);
	expect_error(&l, 4,
		     "instance name 'VI_1' is already used by the instance at " /* path:2 */);
	expect_error(&l, 7,
		     "instance 'VI_3': vrid 51 on interface eth0 (IPv4) is already used by "
		     "instance 'VI_1'");
	expect_error(&l, 11,
		     "instance 'VI_4': virtual address 192.0.2.2 is already used by instance "
		     "'VI_1'");
	assert_int_equal(l.errors.count, 3);
	loaded_free(&l);

	/* Same VRID on another interface, or for the other family: allowed. */
	load_text("vrid-ok.conf",
		  "instances = (\n"
		  "  { name = \"A\"; interface = \"eth0\"; vrid = 51;\n"
		  "    virtual_addresses = ( \"192.0.2.1\" ); },\n"
		  "  { name = \"B\"; interface = \"eth1\"; vrid = 51;\n"
		  "    virtual_addresses = ( \"192.0.2.2\" ); },\n"
		  "  { name = \"C\"; interface = \"eth0\"; vrid = 51;\n"
		  "    virtual_addresses = ( \"2001:db8::1\" ); }\n"
		  ");\n",
		  &l);
	expect_loaded(&l);
	assert_int_equal(l.config->instances[2].family, AF_INET6);
	assert_int_equal(l.config->instance_count, 3);
	loaded_free(&l);

	load_text("excluded-twice.conf",
		  "instances = (\n"
		  "  { name = \"A\"; interface = \"eth0\"; vrid = 1;\n"
		  "    virtual_addresses = ( \"192.0.2.1\" );\n"
		  "    virtual_addresses_excluded = ( \"192.0.2.9\" ); },\n"
		  "  { name = \"B\"; interface = \"eth0\"; vrid = 2;\n"
		  "    virtual_addresses = ( \"192.0.2.9\" ); }\n"
		  ");\n",
		  &l);
	expect_only_error(&l, 6,
			  "instance 'B': virtual address 192.0.2.9 is already used by instance "
			  "'A'");
	loaded_free(&l);
}

/* The last element of a multi-line list is reported on its own line. */
static void test_list_element_lines(void **state)
{
	struct loaded l;

	(void)state;
	load_text("elements.conf",
		  "instances = (\n"
		  "  { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
		  "    virtual_addresses = (\n"
		  "      \"192.0.2.1\",\n"
		  "      \"192.0.2.x\",   # line 5\n"
		  "      \"192.0.2.1\"    # line 6\n"
		  "      # a comment\n"
		  "    );\n"
		  "    track = { interfaces = (\n"
		  "      { name = \"eth1\"; },\n"
		  "      \"eth2\"\n"
		  "    ); };\n"
		  "  }\n"
		  ");\n"
		  "sync_groups = ( { name = \"G\"; instances = [\n"
		  "  \"VI_1\",\n"
		  "  \"VI_9\"\n"
		  "]; } );\n",
		  &l);
	expect_error(&l, 5, "\"192.0.2.x\" is not an IPv4 or IPv6 address");
	expect_error(&l, 6, "virtual address 192.0.2.1 is listed twice");
	expect_error(&l, 11, "each item must be a group { name = ...; }, not a string");
	expect_error(&l, 17, "sync group 'G': instance 'VI_9' is not defined");
	assert_int_equal(l.errors.count, 4);
	loaded_free(&l);
}

static void test_instances_list(void **state)
{
	struct loaded l;

	(void)state;
	load_text("no-instances.conf", "global = { node_name = \"lb1\"; };\n", &l);
	expect_only_error(&l, 0, "no 'instances' list: at least one instance is required");
	loaded_free(&l);

	load_text("empty-instances.conf", "\ninstances = ( );\n", &l);
	expect_only_error(&l, 2, "'instances' must hold at least one instance");
	loaded_free(&l);

	load_text("instances-group.conf", "instances = { name = \"VI_1\"; };\n", &l);
	expect_only_error(&l, 1,
			  "top level: 'instances' must be a list ( ... ), not a group { ... }");
	loaded_free(&l);

	load_text("instances-scalar.conf", "instances = ( \"VI_1\" );\n", &l);
	expect_only_error(&l, 1, "instances: instance #1 must be a group { ... }, not a string");
	loaded_free(&l);
}

static const char sync_instances[] =
    "instances = (\n"
    "  { name = \"A\"; interface = \"eth0\"; vrid = 1; virtual_addresses = ( \"192.0.2.1\" ); },\n"
    "  { name = \"B\"; interface = \"eth0\"; vrid = 2; virtual_addresses = ( \"192.0.2.2\" ); }\n"
    ");\n";

static void test_sync_groups(void **state)
{
	char text[2048];
	struct loaded l;

	(void)state;
	snprintf(text, sizeof(text),
		 "%s"
		 "sync_groups = (\n"					 /* line 5 */
		 "  { name = \"G1\"; instances = ( \"A\",\n"		 /* 6 */
		 "      \"C\" ); },\n"					 /* 7 */
		 "  { name = \"G2\"; instances = ( \"B\", \"B\" ); },\n" /* 8 */
		 "  { name = \"G1\"; instances = ( \"A\" ); },\n"	 /* 9 */
		 "  { name = \"G4\"; },\n"				 /* 10 */
		 "  { name = \"G5\"; instances = ( ); },\n"		 /* 11 */
		 "  { name = \"G 6\"; instances = [ \"x\" ]; },\n"	 /* 12 */
		 "  { instances = ( \"A\" ); }\n"			 /* 13 */
		 ");\n",
		 sync_instances);
	load_text("sync.conf", text, &l);
	expect_error(&l, 7, "sync group 'G1': instance 'C' is not defined");
	expect_error(&l, 8, "sync group 'G2': instance 'B' is listed twice");
	expect_error(&l, 9, "sync group name 'G1' is already defined at line 6");
	expect_error(&l, 9,
		     "sync group 'G1': instance 'A' is already in sync group 'G1' (an instance "
		     "belongs to at most one group)");
	expect_error(&l, 10, "sync group 'G4': missing required setting 'instances'");
	expect_error(&l, 11, "sync group 'G5': 'instances' must name at least one instance");
	expect_error(&l, 12, "sync group name \"G 6\" is invalid");
	expect_error(&l, 12, "sync group 'G 6': instance 'x' is not defined");
	expect_error(&l, 13, "sync group #7: missing required setting 'name'");
	expect_error(&l, 13, "sync group #7: instance 'A' is already in sync group 'G1'");
	assert_int_equal(l.errors.count, 10);
	loaded_free(&l);
}

static void test_sync_group_notify(void **state)
{
	char text[2048];
	struct loaded l;

	(void)state;
	snprintf(text, sizeof(text),
		 "%s"
		 "sync_groups = (\n"						      /* line 5 */
		 "  { name = \"G1\"; instances = ( \"A\" );\n"			      /* 6 */
		 "    notify = { master = \"/m\"; backup = \"/b\"; fault = \"/f\";\n" /* 7 */
		 "      stop = \"/s\"; any = \"/a\"; }; },\n"			      /* 8 */
		 "  { name = \"G2\"; instances = ( \"B\" ); }\n"		      /* 9 */
		 ");\n",
		 sync_instances);
	load_text("sync-notify.conf", text, &l);
	expect_loaded(&l);
	assert_string_equal(l.config->sync_groups[0].notify.master, "/m");
	assert_string_equal(l.config->sync_groups[0].notify.backup, "/b");
	assert_string_equal(l.config->sync_groups[0].notify.fault, "/f");
	assert_string_equal(l.config->sync_groups[0].notify.stop, "/s");
	assert_string_equal(l.config->sync_groups[0].notify.any, "/a");
	assert_string_equal(l.config->sync_groups[0].file, l.config->path);
	assert_int_equal(l.config->sync_groups[0].line, 6);
	/* Without a notify group, no scripts. */
	assert_string_equal(l.config->sync_groups[1].notify.master, "");
	assert_string_equal(l.config->sync_groups[1].notify.stop, "");
	assert_string_equal(l.config->sync_groups[1].notify.any, "");
	assert_int_equal(l.config->sync_groups[1].line, 9);
	loaded_free(&l);

	snprintf(text, sizeof(text),
		 "%s"
		 "sync_groups = (\n"						  /* line 5 */
		 "  { name = \"G1\"; instances = ( \"A\" );\n"			  /* 6 */
		 "    notify = {\n"						  /* 7 */
		 "      master = \"notify.sh\";\n"				  /* 8 */
		 "      stp = \"/s\";\n"					  /* 9 */
		 "      fault = 1;\n"						  /* 10 */
		 "      any = \"\";\n"						  /* 11 */
		 "    }; },\n"							  /* 12 */
		 "  { name = \"G2\"; instances = ( \"B\" ); notify = \"/x\"; }\n" /* 13 */
		 ");\n",
		 sync_instances);
	load_text("sync-notify-bad.conf", text, &l);
	expect_error(&l, 8,
		     "notify of sync group 'G1': 'master' must be an absolute path (got "
		     "\"notify.sh\")");
	expect_error(&l, 9,
		     "unknown setting 'stp' in notify of sync group 'G1' (did you mean 'stop'?)");
	expect_error(&l, 10, "notify of sync group 'G1': 'fault' must be a string, not an integer");
	expect_error(&l, 11, "notify of sync group 'G1': 'any' must not be empty");
	expect_error(&l, 13, "sync group 'G2': 'notify' must be a group { ... }, not a string");
	assert_int_equal(l.errors.count, 5);
	loaded_free(&l);
}

/* ---- checks ------------------------------------------------------------ */

struct check_case {
	const char *body;
	int line; /* 2: the check's group, 3: the body line */
	const char *message;
	size_t others; /* errors expected besides this one (default 0: it is alone) */
};

static void test_checks(void **state)
{
	static const struct check_case cases[] = {
	    {"name = \"c\"; type = \"tcp\"; address = \"127.0.0.1\"; port = 0;", 3,
	     "check 'c': 'port' must be between 1 and 65535 (got 0)", 0},
	    {"name = \"c\"; type = \"tls\"; address = \"127.0.0.1\"; port = 65536;", 3,
	     "'port' must be between 1 and 65535 (got 65536)", 0},
	    {"name = \"c\"; type = \"tcp\"; port = 80;", 2,
	     "check 'c': missing required setting 'address'", 0},
	    {"name = \"c\"; type = \"tcp\"; address = \"127.0.0.1\";", 2,
	     "check 'c': missing required setting 'port'", 0},
	    /* Checks never resolve names: that could block the event loop. */
	    {"name = \"c\"; type = \"tcp\"; address = \"db.example.net\"; port = 80;", 3,
	     "'address' \"db.example.net\": host names are not resolved by health checks", 0},
	    {"name = \"c\"; type = \"http\"; url = \"http://web.example.net/health\";", 3,
	     "host names are not resolved by health checks", 0},
	    {"name = \"c\"; type = \"tcp\"; address = \"not valid!\"; port = 80;", 3,
	     "'address' \"not valid!\": not a valid IP address", 0},
	    {"name = \"c\"; type = \"tcp\"; address = \"127.0.0.1\"; port = 80; url = \"http://127.0.0.1/\";", 3,
	     "check 'c': 'url' does not apply to a check of type \"tcp\"", 0},
	    {"name = \"c\"; type = \"tcp\"; address = \"127.0.0.1\"; port = 80; expect = \"x\";", 3,
	     "'expect' does not apply to a check of type \"tcp\"", 0},
	    {"name = \"c\"; type = \"exec\"; command = [ \"/x\" ]; port = 1;", 3,
	     "'port' does not apply to a check of type \"exec\"", 0},
	    {"name = \"c\"; type = \"http\"; url = \"ftp://x/\";", 3,
	     "check 'c': 'url' \"ftp://x/\": must start with http:// or https://", 0},
	    {"name = \"c\"; type = \"http\"; url = \"https://\";", 3,
	     "'url' \"https://\": the host is missing", 0},
	    {"name = \"c\"; type = \"http\"; url = \"http://127.0.0.1:0/\";", 3,
	     "'url' \"http://127.0.0.1:0/\": the port must be a number between 1 and 65535", 0},
	    {"name = \"c\"; type = \"http\"; url = \"http://300.1.1.1/\";", 3,
	     "the host is not a valid IPv4 address", 0},
	    {"name = \"c\"; type = \"http\"; url = \"http://[::1/\";", 3,
	     "'[' without a closing ']'", 0},
	    {"name = \"c\"; type = \"http\"; url = 80;", 3,
	     "check 'c': 'url' must be a string, not an integer", 0},
	    {"name = \"c\"; type = \"http\"; url = \"http://127.0.0.1/\"; status = \"200\";", 3,
	     "check 'c': 'status' must be an integer, not a string", 0},
	    {"name = \"c\"; type = \"http\"; url = \"http://127.0.0.1/\"; status = 99;", 3,
	     "'status' must be between 100 and 599 (got 99)", 0},
	    {"name = \"c\"; type = \"http\"; url = \"http://127.0.0.1/\"; status = 600;", 3,
	     "'status' must be between 100 and 599 (got 600)", 0},
	    {"name = \"c\"; type = \"http\";", 2, "check 'c': missing required setting 'url'", 0},
	    {"name = \"c\"; type = \"http\"; url = \"http://127.0.0.1/\"; expect = \"\";", 3,
	     "'expect' must not be empty", 0},
	    {"name = \"c\"; type = \"exec\"; command = [ ];", 3, "'command' must not be empty", 0},
	    {"name = \"c\"; type = \"exec\"; command = [ \"check.sh\" ];", 3,
	     "the first element of 'command' must be an absolute path (got \"check.sh\")", 0},
	    {"name = \"c\"; type = \"exec\"; command = [ \"\" ];", 3,
	     "the first element of 'command' must not be empty", 0},
	    {"name = \"c\"; type = \"exec\"; command = ( \"/x\", 1 );", 3,
	     "'command' elements must be strings, not an integer", 0},
	    {"name = \"c\"; type = \"exec\"; command = \"/bin/true\";", 3,
	     "'command' must be a list ( ... ), not a string", 0},
	    {"name = \"c\"; type = \"exec\";", 2, "check 'c': missing required setting 'command'",
	     0},
	    /* max_latency: http only, 0 < max_latency <= timeout */
	    {"name = \"c\"; type = \"http\"; url = \"http://127.0.0.1/\"; max_latency = 0;", 3,
	     "check 'c': 'max_latency' must be greater than 0 and at most 'timeout' (1 s), got 0",
	     0},
	    {"name = \"c\"; type = \"http\"; url = \"http://127.0.0.1/\"; max_latency = 1.5;", 3,
	     "'max_latency' must be greater than 0 and at most 'timeout' (1 s), got 1.5", 0},
	    {"name = \"c\"; type = \"http\"; url = \"http://127.0.0.1/\"; max_latency = -1;", 3,
	     "'max_latency' must be between 0 and 86400 (got -1)", 0},
	    {"name = \"c\"; type = \"http\"; url = \"http://127.0.0.1/\"; max_latency = \"1s\";", 3,
	     "'max_latency' must be a number, not a string", 0},
	    {"name = \"c\"; type = \"tls\"; address = \"127.0.0.1\"; port = 1; max_latency = 0.5;", 3,
	     "check 'c': 'max_latency' does not apply to a check of type \"tls\"", 0},
	    /* verify, ca_file, sni: tls, and http with an https:// url */
	    {"name = \"c\"; type = \"http\"; url = \"http://127.0.0.1/\"; verify = true;", 3,
	     "check 'c': 'verify' applies only to tls checks and https:// URLs (the url is not "
	     "https://)",
	     0},
	    {"name = \"c\"; type = \"http\"; url = \"http://127.0.0.1/\"; sni = \"x\";", 3,
	     "'sni' applies only to tls checks and https:// URLs", 0},
	    {"name = \"c\"; type = \"http\"; url = \"http://127.0.0.1/\"; ca_file = \"/ca\";", 3,
	     "'ca_file' applies only to tls checks and https:// URLs", 0},
	    {"name = \"c\"; type = \"tcp\"; address = \"127.0.0.1\"; port = 1; verify = false;", 3,
	     "'verify' does not apply to a check of type \"tcp\"", 0},
	    {"name = \"c\"; type = \"tls\"; address = \"127.0.0.1\"; port = 1; verify = 1;", 3,
	     "check 'c': 'verify' must be a boolean (true or false), not an integer", 0},
	    {"name = \"c\"; type = \"tls\"; address = \"127.0.0.1\"; port = 1; verify = true; "
	     "ca_file = \"ca.pem\";",
	     3, "check 'c': 'ca_file' must be an absolute path (got \"ca.pem\")", 0},
	    {"name = \"c\"; type = \"http\"; url = \"https://127.0.0.1/\"; ca_file = \"/ca.pem\";", 3,
	     "check 'c': 'ca_file' is used only to verify the certificate: set verify = true, or "
	     "remove it",
	     0},
	    {"name = \"c\"; type = \"tls\"; address = \"127.0.0.1\"; port = 1; sni = \"192.0.2.1\";", 3,
	     "check 'c': 'sni' \"192.0.2.1\" must be a host name (TLS server names are never IP "
	     "addresses)",
	     0},
	    {"name = \"c\"; type = \"tls\"; address = \"127.0.0.1\"; port = 1; sni = \"mail server\";", 3,
	     "'sni' \"mail server\" must be a host name", 0},
	    {"name = \"c\"; type = \"tls\"; address = \"127.0.0.1\"; port = 1; sni = \"\";", 3,
	     "'sni' must not be empty", 0},
	    /* process: exactly one of process (a comm name) and pid_file */
	    {"name = \"c\"; type = \"process\"; command = [ \"haproxy\" ];", 3,
	     "check 'c': 'command' does not apply to a check of type \"process\" (a process "
	     "check names 'process' or 'pid_file')",
	     1},
	    {"name = \"c\"; type = \"process\";", 2,
	     "check 'c': a check of type \"process\" needs 'process' (a process name) or "
	     "'pid_file'",
	     0},
	    {"name = \"c\"; type = \"process\"; process = \"nginx\"; pid_file = \"/run/n.pid\";", 3,
	     "check 'c': 'process' and 'pid_file' exclude each other: set one of them", 0},
	    {"name = \"c\"; type = \"process\"; process = \"/usr/sbin/nginx\";", 3,
	     "check 'c': 'process' \"/usr/sbin/nginx\" is a path: give the process name as in "
	     "/proc/PID/comm (e.g. \"nginx\"), or use 'pid_file'",
	     0},
	    {"name = \"c\"; type = \"process\"; process = \"0123456789abcdef\";", 3,
	     "'process' \"0123456789abcdef\" is longer than 15 characters", 0},
	    {"name = \"c\"; type = \"process\"; process = \"tab\\there\";", 3,
	     "contains a control character", 0},
	    {"name = \"c\"; type = \"process\"; process = \"\";", 3, "'process' must not be empty",
	     0},
	    {"name = \"c\"; type = \"process\"; process = 5;", 3,
	     "'process' must be a string, not an integer", 0},
	    {"name = \"c\"; type = \"process\"; pid_file = \"run/nginx.pid\";", 3,
	     "check 'c': 'pid_file' must be an absolute path (got \"run/nginx.pid\")", 0},
	    {"name = \"c\"; type = \"exec\"; command = [ \"/x\" ]; process = \"x\";", 3,
	     "'process' does not apply to a check of type \"exec\"", 0},
	    {"name = \"c\"; type = \"tcp\"; address = \"127.0.0.1\"; port = 1; pid_file = \"/p\";", 3,
	     "'pid_file' does not apply to a check of type \"tcp\"", 0},
	    {"name = \"c\"; type = \"process\"; pidfile = \"/p\";", 3,
	     "unknown setting 'pidfile' in check 'c' (did you mean 'pid_file'?)", 1},
	    {"name = \"c\"; type = \"http\"; url = \"http://127.0.0.1/\"; max_latncy = 1;", 3,
	     "unknown setting 'max_latncy' in check 'c' (did you mean 'max_latency'?)", 0},
	    {"name = \"c\"; type = \"dns\";", 3,
	     "'type' must be \"tcp\", \"tls\", \"http\", \"exec\" or \"process\", not \"dns\"", 0},
	    {"name = \"c\"; port = 1;", 2, "check 'c': missing required setting 'type'", 0},
	    {"type = \"tcp\"; address = \"127.0.0.1\"; port = 1;", 2,
	     "check #1: missing required setting 'name'", 0},
	    {"name = \"c d\"; type = \"tcp\"; address = \"127.0.0.1\"; port = 1;", 3,
	     "check name \"c d\" is invalid", 0},
	    {"name = \"c\"; type = \"tcp\"; address = \"127.0.0.1\"; port = 1; interval = 0;", 3,
	     "check 'c': 'interval' must be greater than 0", 0},
	    {"name = \"c\"; type = \"tcp\"; address = \"127.0.0.1\"; port = 1; timeout = 0.0;", 3,
	     "'timeout' must be greater than 0 and at most 'interval' (2 s), got 0", 0},
	    {"name = \"c\"; type = \"tcp\"; address = \"127.0.0.1\"; port = 1; interval = 1; "
	     "timeout = 1.5;",
	     3, "'timeout' must be greater than 0 and at most 'interval' (1 s), got 1.5", 0},
	    {"name = \"c\"; type = \"tcp\"; address = \"127.0.0.1\"; port = 1; rise = 0;", 3,
	     "'rise' must be between 1 and", 0},
	    {"name = \"c\"; type = \"tcp\"; address = \"127.0.0.1\"; port = 1; fall = 0;", 3,
	     "'fall' must be between 1 and", 0},
	    {"name = \"c\"; type = \"tcp\"; address = \"127.0.0.1\"; port = 1; fall = \"3\";", 3,
	     "'fall' must be an integer, not a string", 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[1024];
		struct loaded l;

		snprintf(text, sizeof(text),
			 "checks = (\n  {\n    %s\n  }\n);\n"
			 "instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
			 "  virtual_addresses = ( \"192.0.2.1\" ); } );\n",
			 cases[i].body);
		load_text("check.conf", text, &l);
		if (!has_error_in(&l, l.path, cases[i].line, cases[i].message) ||
		    l.errors.count != 1 + cases[i].others) {
			print_message("case: %s\n", cases[i].body);
			print_errors(&l);
			expect_error(&l, cases[i].line, cases[i].message);
			assert_int_equal(l.errors.count, 1 + cases[i].others);
		}
		loaded_free(&l);
	}
}

/* Every check field that has a value, and its FILE:LINE. */
static void test_check_values_parsed(void **state)
{
	struct loaded l;
	const struct check_config *c;

	(void)state;
	load_text(
	    "check-values.conf",
	    "checks = (\n"
	    "  { name = \"smtps\"; type = \"tls\"; address = \"192.0.2.25\";\n" /* 2 */
	    "    port = 465; expect = \"220\"; verify = true;\n"
	    "    ca_file = \"/etc/ssl/ca.pem\"; sni = \"mail.example.net\"; },\n"
	    "  { name = \"web\"; type = \"http\";\n" /* 5 */
	    "    url = \"https://[2001:db8::1]:8443/health?full=1\"; status = 204;\n"
	    "    expect = \"ok\"; max_latency = 0.25; verify = false; sni = \"www\"; },\n"
	    "  { name = \"bare\"; type = \"http\"; url = \"http://192.0.2.80:81\"; },\n" /* 8 */
	    "  { name = \"query\"; type = \"http\"; url = \"http://192.0.2.80?x=1\"; },\n"
	    "  { name = \"nginx\"; type = \"process\"; process = \"nginx: master\"; },\n"
	    "  { name = \"pid\"; type = \"process\"; pid_file = \"/run/nginx.pid\";\n" /* 11 */
	    "    interval = 0.5; },\n"
	    "  { name = \"slow\"; type = \"http\"; url = \"http://192.0.2.80/\"; timeout = 2;\n"
	    "    max_latency = 2; }\n"
	    ");\n"
	    "instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
	    "  virtual_addresses = ( \"192.0.2.1\" ); } );\n",
	    &l);
	expect_loaded(&l);
	assert_int_equal(l.config->check_count, 7);

	c = &l.config->checks[0];
	assert_int_equal(c->type, CHECK_TLS);
	assert_string_equal(c->address, "192.0.2.25");
	assert_true(c->verify);
	assert_string_equal(c->ca_file, "/etc/ssl/ca.pem");
	assert_string_equal(c->sni, "mail.example.net");
	assert_string_equal(c->expect, "220");
	assert_int_equal(c->max_latency_us, 0);
	assert_string_equal(c->file, l.config->path);
	assert_int_equal(c->line, 2);

	c = &l.config->checks[1];
	assert_int_equal(c->type, CHECK_HTTP);
	assert_string_equal(c->url, "https://[2001:db8::1]:8443/health?full=1");
	assert_int_equal(c->status, 204);
	assert_string_equal(c->expect, "ok");
	assert_int_equal(c->max_latency_us, 250000);
	assert_false(c->verify);
	assert_string_equal(c->ca_file, "");
	assert_string_equal(c->sni, "www");
	assert_int_equal(c->line, 5);

	/* A URL without a path gets "/" (the default path). */
	assert_string_equal(l.config->checks[2].url, "http://192.0.2.80:81/");
	assert_int_equal(l.config->checks[2].status, 200);
	assert_int_equal(l.config->checks[2].line, 8);
	assert_string_equal(l.config->checks[3].url, "http://192.0.2.80/?x=1");

	c = &l.config->checks[4];
	assert_int_equal(c->type, CHECK_PROCESS);
	assert_string_equal(c->process_name, "nginx: master");
	assert_string_equal(c->pid_file, "");
	assert_null(c->command);

	c = &l.config->checks[5];
	assert_string_equal(c->process_name, "");
	assert_string_equal(c->pid_file, "/run/nginx.pid");
	assert_int_equal(c->interval_us, 500000);
	assert_int_equal(c->line, 11);
	assert_string_equal(c->file, l.config->path);

	/* max_latency may equal the timeout. */
	assert_int_equal(l.config->checks[6].max_latency_us, 2000000);
	loaded_free(&l);
}

/* config_url_check() on its own: what it accepts, and why it refuses. */
static void test_url_check(void **state)
{
	static const struct {
		const char *url;
		const char *problem; /* NULL: valid */
		bool https;
		const char *host;
		int port;
		size_t path_offset;
	} cases[] = {
	    {"http://127.0.0.1/health", NULL, false, "127.0.0.1", 80, 16},
	    {"https://127.0.0.1", NULL, true, "127.0.0.1", 443, 17},
	    {"https://[::1]:8443/x", NULL, true, "::1", 8443, 18},
	    {"http://[fe80::1]/", NULL, false, "fe80::1", 80, 16},
	    {"http://www.example.net.:65535/a/b?c=d&e", NULL, false, "www.example.net.", 65535, 29},
	    {"http://x-1.y/", NULL, false, "x-1.y", 80, 12},
	    {"http://h?q", NULL, false, "h", 80, 8},
	    {"http://h:1", NULL, false, "h", 1, 10},
	    {"ftp://h/", "must start with http:// or https://", false, NULL, 0, 0},
	    {"HTTP://h/", "must start with http:// or https://", false, NULL, 0, 0},
	    {"http:/h/", "must start with http:// or https://", false, NULL, 0, 0},
	    {"http://", "the host is missing", false, NULL, 0, 0},
	    {"http:///x", "the host is missing", false, NULL, 0, 0},
	    {"http://:80/", "the host is missing", false, NULL, 0, 0},
	    {"http://h:/", "the port must be a number between 1 and 65535", false, NULL, 0, 0},
	    {"http://h:0/", "the port must be a number between 1 and 65535", false, NULL, 0, 0},
	    {"http://h:65536/", "the port must be a number between 1 and 65535", false, NULL, 0, 0},
	    {"http://h:080x/", "the port must be a number between 1 and 65535", false, NULL, 0, 0},
	    {"http://h:-1/", "the port must be a number between 1 and 65535", false, NULL, 0, 0},
	    {"http://h:1:2/", "the port must be a number between 1 and 65535", false, NULL, 0, 0},
	    {"http://::1/", "an IPv6 address must be written in brackets", false, NULL, 0, 0},
	    {"http://2001:db8::1/", "an IPv6 address must be written in brackets", false, NULL, 0,
	     0},
	    {"http://[::1/", "'[' without a closing ']'", false, NULL, 0, 0},
	    {"http://[1.2.3.4]/", "the host in [ ] is not a valid IPv6 address", false, NULL, 0, 0},
	    {"http://[]/", "the host in [ ] is not a valid IPv6 address", false, NULL, 0, 0},
	    {"http://[::1]x/", "']' must be followed by ':PORT', '/' or the end", false, NULL, 0,
	     0},
	    {"http://300.1.1.1/", "the host is not a valid IPv4 address", false, NULL, 0, 0},
	    {"http://1.2.3/", "the host is not a valid IPv4 address", false, NULL, 0, 0},
	    {"http://a_b/", "the host is not a valid host name", false, NULL, 0, 0},
	    {"http://-a/", "the host is not a valid host name", false, NULL, 0, 0},
	    {"http://a-/", "the host is not a valid host name", false, NULL, 0, 0},
	    {"http://a..b/", "the host is not a valid host name", false, NULL, 0, 0},
	    {"http://user@h/", "user information (user@host) is not supported", false, NULL, 0, 0},
	    {"http://h/a b", "space, control and non-ASCII characters must be percent-encoded",
	     false, NULL, 0, 0},
	    {"http://h/\xc3\xa9", "must be percent-encoded", false, NULL, 0, 0},
	    {"http://h/#top", "a fragment (#...) is never sent to the server", false, NULL, 0, 0},
	};
	char name[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct config_url url;
		const char *problem = config_url_check(cases[i].url, &url);

		if (!cases[i].problem) {
			if (problem)
				print_message("%s: %s\n", cases[i].url, problem);
			assert_null(problem);
			assert_int_equal(url.https, cases[i].https);
			assert_string_equal(url.host, cases[i].host);
			assert_int_equal(url.port, cases[i].port);
			assert_int_equal(url.path_offset, cases[i].path_offset);
		} else {
			if (!problem || !strstr(problem, cases[i].problem))
				print_message("%s: expected \"%s\", got \"%s\"\n", cases[i].url,
					      cases[i].problem, problem ? problem : "(valid)");
			assert_non_null(problem);
			assert_non_null(strstr(problem, cases[i].problem));
		}
	}
	/* Labels of up to 63 characters, names of up to 253. */
	memset(name, 'a', sizeof(name));
	assert_true(config_host_name_valid(name, 63));
	assert_false(config_host_name_valid(name, 64));
	for (size_t i = 63; i < sizeof(name); i += 64)
		name[i] = '.';
	assert_true(config_host_name_valid(name, 253));
	assert_false(config_host_name_valid(name, 254));
}

static void test_check_names_unique(void **state)
{
	struct loaded l;

	(void)state;
	load_text("checks-dup.conf",
		  "checks = (\n"
		  "  { name = \"web\"; type = \"tcp\"; address = \"127.0.0.1\"; port = 80; },\n"
		  "  { name = \"web\"; type = \"tcp\"; address = \"127.0.0.1\"; port = 81; },\n"
		  "  \"db\"\n"
		  ");\n"
		  "instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
		  "  virtual_addresses = ( \"192.0.2.1\" ); } );\n",
		  &l);
	expect_error(&l, 3, "check name 'web' is already defined at line 2");
	expect_error(&l, 4, "checks: check #3 must be a group { ... }, not a string");
	assert_int_equal(l.errors.count, 2);
	loaded_free(&l);
}

/* ---- global ---------------------------------------------------------------- */

static void test_global(void **state)
{
	struct loaded l;
	char text[1024];

	(void)state;
	snprintf(text, sizeof(text),
		 "global = {\n"
		 "  node_name = \"lb 1\";\n"
		 "  event_log = \"events.jsonl\";\n"
		 "  control_socket = \"/run/%0120d.sock\";\n"
		 "  syslog_facility = \"local8\";\n"
		 "};\n"
		 "instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
		 "  virtual_addresses = ( \"192.0.2.1\" ); } );\n",
		 0);
	load_text("global.conf", text, &l);
	expect_error(&l, 2, "global: node name \"lb 1\" is invalid");
	expect_error(&l, 3, "global: 'event_log' must be an absolute path (got \"events.jsonl\")");
	expect_error(&l, 4, "global: 'control_socket' is too long (at most 107 characters)");
	expect_error(&l, 5,
		     "global: 'syslog_facility' must be \"daemon\", \"user\", \"local0\", "
		     "\"local1\", \"local2\", \"local3\", \"local4\", \"local5\", \"local6\" or "
		     "\"local7\", not \"local8\"");
	assert_int_equal(l.errors.count, 4);
	loaded_free(&l);

	load_text("global-type.conf",
		  "global = ( );\n"
		  "instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
		  "  virtual_addresses = ( \"192.0.2.1\" ); } );\n",
		  &l);
	expect_only_error(&l, 1, "top level: 'global' must be a group { ... }, not a list ( ... )");
	loaded_free(&l);

	load_text("global-user.conf",
		  "global = { syslog_facility = \"user\"; control_socket = \"relative.sock\"; };\n"
		  "instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
		  "  virtual_addresses = ( \"192.0.2.1\" ); } );\n",
		  &l);
	expect_only_error(&l, 1,
			  "global: 'control_socket' must be an absolute path (got "
			  "\"relative.sock\")");
	loaded_free(&l);

	load_text("global-local7.conf",
		  "global = { syslog_facility = \"local7\"; };\n"
		  "instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
		  "  virtual_addresses = ( \"192.0.2.1\" ); } );\n",
		  &l);
	expect_loaded(&l);
	assert_int_equal(l.config->global.syslog_facility_value, LOG_LOCAL7);
	loaded_free(&l);
}

static void test_control_group(void **state)
{
	struct loaded l;

	(void)state;
	load_text("group-default.conf",
		  "instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
		  "  virtual_addresses = ( \"192.0.2.1\" ); } );\n",
		  &l);
	expect_loaded(&l);
	assert_string_equal(l.config->global.control_group, "");
	loaded_free(&l);

	/* root exists on every system this runs on. */
	load_text("group-root.conf",
		  "global = { control_group = \"root\"; };\n"
		  "instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
		  "  virtual_addresses = ( \"192.0.2.1\" ); } );\n",
		  &l);
	expect_loaded(&l);
	assert_string_equal(l.config->global.control_group, "root");
	loaded_free(&l);

	load_text("group-empty.conf",
		  "global = { control_group = \"\"; };\n"
		  "instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
		  "  virtual_addresses = ( \"192.0.2.1\" ); } );\n",
		  &l);
	expect_loaded(&l);
	assert_string_equal(l.config->global.control_group, "");
	loaded_free(&l);

	load_text("group-missing.conf",
		  "global = {\n"
		  "  node_name = \"lb1\";\n"
		  "  control_group = \"no-such-group-xyz\";\n"
		  "};\n"
		  "instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
		  "  virtual_addresses = ( \"192.0.2.1\" ); } );\n",
		  &l);
	expect_only_error(&l, 3, "global: 'control_group': no such group 'no-such-group-xyz'");
	loaded_free(&l);

	load_text("group-type.conf",
		  "global = { control_group = 0; };\n"
		  "instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
		  "  virtual_addresses = ( \"192.0.2.1\" ); } );\n",
		  &l);
	expect_only_error(&l, 1, "global: 'control_group' must be a string, not an integer");
	loaded_free(&l);

	load_text("group-hint.conf",
		  "global = { controlgroup = \"root\"; };\n"
		  "instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
		  "  virtual_addresses = ( \"192.0.2.1\" ); } );\n",
		  &l);
	expect_only_error(&l, 1,
			  "unknown setting 'controlgroup' in global (did you mean "
			  "'control_group'?)");
	loaded_free(&l);
}

/* ---- all errors together, in file order ------------------------------------ */

static void test_multiple_errors_in_file_order(void **state)
{
	struct loaded l;
	char expected[3][1024];

	(void)state;
	load_text("many.conf",
		  "instances = (\n"
		  "  { name = \"VI_1\"; interface = \"eth0\";\n"
		  "    vrid = 0;\n"
		  "    virtual_addresses = ( \"192.0.2.1\" );\n"
		  "    track = { checks = ( { name = \"nope\"; } ); };\n"
		  "    priorty = 1; }\n"
		  ");\n"
		  "checks = ( { name = \"c\"; type = \"tcp\"; address = \"127.0.0.1\"; port = 0; } );\n",
		  &l);
	assert_int_equal(l.rc, -1);
	assert_int_equal(l.errors.count, 4);
	/* Checks are parsed first, but errors come out sorted by line. */
	snprintf(expected[0], sizeof(expected[0]),
		 "%s:3: instance 'VI_1': 'vrid' must be between 1 and 255 (got 0)", l.path);
	snprintf(expected[1], sizeof(expected[1]),
		 "%s:5: track.checks item #1 of instance 'VI_1': check 'nope' is not defined in "
		 "the top-level 'checks' list",
		 l.path);
	snprintf(expected[2], sizeof(expected[2]),
		 "%s:6: unknown setting 'priorty' in instance 'VI_1' (did you mean 'priority'?)",
		 l.path);
	assert_string_equal(l.errors.lines[0], expected[0]);
	assert_string_equal(l.errors.lines[1], expected[1]);
	assert_string_equal(l.errors.lines[2], expected[2]);
	expect_error(&l, 8, "check 'c': 'port' must be between 1 and 65535 (got 0)");
	assert_true(strstr(l.errors.lines[3], ":8: ") != NULL);
	loaded_free(&l);
}

/* ---- syntax, missing files, includes -------------------------------------- */

static void test_syntax_errors(void **state)
{
	struct loaded l;

	(void)state;
	load_path(CONFIG_DATA "/syntax-error.conf", &l);
	expect_only_error(&l, 5, "syntax error");
	loaded_free(&l);

	load_text("duplicate.conf",
		  "instances = ( { name = \"VI_1\"; interface = \"eth0\";\n"
		  "  vrid = 1;\n"
		  "  vrid = 2;\n"
		  "  virtual_addresses = ( \"192.0.2.1\" ); } );\n",
		  &l);
	expect_only_error(&l, 3, "syntax error: duplicate setting name");
	loaded_free(&l);

	/* Semicolons are optional in libconfig: not an error. */
	load_text("no-semicolons.conf",
		  "instances = ( { name = \"VI_1\"\n"
		  "  interface = \"eth0\"\n  vrid = 1\n"
		  "  virtual_addresses = ( \"192.0.2.1\" ) } )\n",
		  &l);
	expect_loaded(&l);
	loaded_free(&l);
}

static void test_missing_file(void **state)
{
	struct loaded l;
	char path[600];

	(void)state;
	snprintf(path, sizeof(path), "%s/does-not-exist.conf", temp_dir);
	load_path(path, &l);
	expect_only_error(&l, 0, "cannot read: No such file or directory");
	loaded_free(&l);

	load_path(temp_dir, &l);
	expect_only_error(&l, 0, "cannot read: Is a directory");
	loaded_free(&l);
}

static void test_include(void **state)
{
	struct loaded l;
	const struct instance_config *vi;

	(void)state;
	load_path(CONFIG_DATA "/include-main.conf", &l);
	expect_loaded(&l);
	vi = config_find_instance(l.config, "VI_GATEWAY");
	assert_non_null(vi);
	assert_string_equal(vi->file, CONFIG_DATA "/conf.d/instances.conf");
	assert_int_equal(vi->line, 5);
	assert_string_equal(l.config->files[0], CONFIG_DATA "/include-main.conf");
	assert_string_equal(l.config->files[1], CONFIG_DATA "/conf.d/instances.conf");
	assert_string_equal(l.config->global.node_name, "lb1");
	assert_int_equal(l.config->sync_group_count, 1);
	assert_string_equal(l.config->sync_groups[0].file, CONFIG_DATA "/include-main.conf");
	assert_int_equal(l.config->sync_groups[0].line, 4);
	/* A check defined in an included file names that file. */
	assert_int_equal(l.config->check_count, 1);
	assert_string_equal(l.config->checks[0].file, CONFIG_DATA "/conf.d/checks.conf");
	assert_int_equal(l.config->checks[0].line, 3);
	assert_int_equal(l.config->file_count, 3);
	loaded_free(&l);

	/* A semantic error in an included file names that file. */
	load_path(CONFIG_DATA "/include-bad.conf", &l);
	expect_error_in(&l, CONFIG_DATA "/conf.d/bad-instance.conf", 4,
			"instance 'VI_1': 'vrid' must be between 1 and 255 (got 300)");
	assert_int_equal(l.errors.count, 1);
	loaded_free(&l);

	/* So does a syntax error. */
	load_path(CONFIG_DATA "/include-syntax.conf", &l);
	expect_error_in(&l, CONFIG_DATA "/conf.d/syntax-error.conf", 3, "syntax error");
	assert_int_equal(l.errors.count, 1);
	loaded_free(&l);

	load_path(CONFIG_DATA "/include-missing.conf", &l);
	expect_only_error(&l, 2,
			  "cannot open include file (@include paths are relative to the "
			  "directory '" CONFIG_DATA "')");
	loaded_free(&l);
}

/* Run from the file's directory, names stay as written in @include. */
static void test_include_relative_path(void **state)
{
	char cwd[1024];
	struct loaded l;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(CONFIG_DATA), 0);
	load_path("include-bad.conf", &l);
	assert_int_equal(chdir(cwd), 0);
	expect_error_in(&l, "conf.d/bad-instance.conf", 4, "'vrid' must be between 1 and 255");
	assert_int_equal(l.errors.count, 1);
	loaded_free(&l);
}

static void test_free_and_errors_free_accept_empty(void **state)
{
	struct config_errors errors = {0};

	(void)state;
	config_free(NULL);
	config_errors_free(&errors);
	config_errors_free(NULL);
	assert_null(config_find_instance(NULL, "VI_1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_example_lb_pair_loads),
	    cmocka_unit_test(test_examples_load),
	    cmocka_unit_test(test_defaults_applied),
	    cmocka_unit_test(test_every_setting_parsed),
	    cmocka_unit_test(test_advert_interval_centiseconds),
	    cmocka_unit_test(test_instance_ranges),
	    cmocka_unit_test(test_instance_names_and_interface),
	    cmocka_unit_test(test_instance_required_settings),
	    cmocka_unit_test(test_instance_types),
	    cmocka_unit_test(test_virtual_addresses),
	    cmocka_unit_test(test_virtual_address_count),
	    cmocka_unit_test(test_version2_needs_ipv4),
	    cmocka_unit_test(test_nested_groups),
	    cmocka_unit_test(test_authentication),
	    cmocka_unit_test(test_track),
	    cmocka_unit_test(test_track_delays),
	    cmocka_unit_test(test_unknown_setting_hints),
	    cmocka_unit_test(test_instance_uniqueness),
	    cmocka_unit_test(test_list_element_lines),
	    cmocka_unit_test(test_instances_list),
	    cmocka_unit_test(test_sync_groups),
	    cmocka_unit_test(test_sync_group_notify),
	    cmocka_unit_test(test_checks),
	    cmocka_unit_test(test_check_values_parsed),
	    cmocka_unit_test(test_url_check),
	    cmocka_unit_test(test_check_names_unique),
	    cmocka_unit_test(test_global),
	    cmocka_unit_test(test_control_group),
	    cmocka_unit_test(test_multiple_errors_in_file_order),
	    cmocka_unit_test(test_syntax_errors),
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_include),
	    cmocka_unit_test(test_include_relative_path),
	    cmocka_unit_test(test_free_and_errors_free_accept_empty),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
