/*
 * ctl_commands.c - failoverctl's commands: each builds its request
 * (control.h), runs one exchange, and prints the reply: as text, or with
 * --json as the daemon's reply object itself, pretty-printed.
 *
 * An ok:false reply is printed on stderr by ctl_reply_check and decides the
 * exit code; with --json the reply object is still printed on stdout, so a
 * script sees exactly what the daemon said.
 */
#include "ctl.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "failoverd/control.h"

#define CTL_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static struct json_object *ctl_request_new(const char *command)
{
	struct json_object *request = json_object_new_object();

	if (!request) {
		fprintf(stderr, "failoverctl: out of memory\n");
		exit(CONTROL_EXIT_UNREACHABLE);
	}
	json_object_object_add(request, "command", json_object_new_string(command));
	return request;
}

/*
 * Sends request (and frees it); on success *reply holds an ok:true reply.
 * Prints the reply with --json whatever it says.
 */
static int ctl_run_request(const struct ctl_options *options, struct json_object *request,
			   struct json_object **reply)
{
	int status = ctl_exchange(options->socket_path, request, reply);

	json_object_put(request);
	if (status != CONTROL_EXIT_OK)
		return status;
	if (options->json)
		ctl_reply_print_json(*reply, stdout);
	status = ctl_reply_check(*reply);
	if (status != CONTROL_EXIT_OK) {
		json_object_put(*reply);
		*reply = NULL;
	}
	return status;
}

static int ctl_command_status(const struct ctl_options *options, int argc, char **argv)
{
	struct json_object *reply;
	int status = ctl_run_request(options, ctl_request_new("status"), &reply);

	if (status == CONTROL_EXIT_OK && !options->json)
		ctl_status_print(reply, stdout);
	json_object_put(reply);
	return status;
}

static int ctl_command_stats(const struct ctl_options *options, int argc, char **argv)
{
	struct json_object *reply;
	int status = ctl_run_request(options, ctl_request_new("stats"), &reply);

	if (status == CONTROL_EXIT_OK && !options->json)
		ctl_stats_print(reply, stdout);
	json_object_put(reply);
	return status;
}

static int ctl_command_metrics(const struct ctl_options *options, int argc, char **argv)
{
	struct json_object *reply;
	int status = ctl_run_request(options, ctl_request_new("metrics"), &reply);

	if (status == CONTROL_EXIT_OK && !options->json) {
		const char *text = ctl_reply_string(reply, "text");
		if (text) {
			fputs(text, stdout);
		} else {
			fprintf(stderr, "failoverctl: the metrics reply has no \"text\"\n");
			status = CONTROL_EXIT_UNREACHABLE;
		}
	}
	json_object_put(reply);
	return status;
}

/* "added: VI_9" / "changed: VI_1, VI_2" when the list is not empty. */
static void ctl_print_names(const struct json_object *reply, const char *key, FILE *out)
{
	struct json_object *names;
	size_t count = ctl_reply_array(reply, key, &names);

	if (count == 0)
		return;
	fprintf(out, "%s:", key);
	for (size_t i = 0; i < count; i++) {
		struct json_object *name = json_object_array_get_idx(names, i);
		fputs(i ? ", " : " ", out);
		ctl_print_clean(out, json_object_is_type(name, json_type_string)
					 ? json_object_get_string(name)
					 : "?");
	}
	fputc('\n', out);
}

static void ctl_reload_print(const struct json_object *reply, FILE *out)
{
	struct json_object *added, *removed, *changed;
	const char *result = ctl_reply_string(reply, "result");
	int64_t unchanged = 0;

	ctl_reply_int(reply, "unchanged", &unchanged);
	ctl_print_clean(out, result ? result : "applied");
	fprintf(out, ": %zu added, %zu removed, %zu changed, %lld unchanged\n",
		ctl_reply_array(reply, "added", &added),
		ctl_reply_array(reply, "removed", &removed),
		ctl_reply_array(reply, "changed", &changed), (long long)unchanged);
	ctl_print_names(reply, "added", out);
	ctl_print_names(reply, "removed", out);
	ctl_print_names(reply, "changed", out);
}

static int ctl_command_reload(const struct ctl_options *options, int argc, char **argv)
{
	struct json_object *reply;
	int status = ctl_run_request(options, ctl_request_new("reload"), &reply);

	if (status == CONTROL_EXIT_OK && !options->json)
		ctl_reload_print(reply, stdout);
	json_object_put(reply);
	return status;
}

static void ctl_maintenance_print(const struct json_object *reply, const char *state, FILE *out)
{
	struct json_object *instances;
	size_t count = ctl_reply_array(reply, "instances", &instances);
	const char *replied = ctl_reply_string(reply, "state");

	fputs("maintenance ", out);
	ctl_print_clean(out, replied ? replied : state);
	fputc(':', out);
	if (count == 0)
		fputs(" no instance", out);
	for (size_t i = 0; i < count; i++) {
		struct json_object *name = json_object_array_get_idx(instances, i);
		fputs(i ? ", " : " ", out);
		ctl_print_clean(out, json_object_is_type(name, json_type_string)
					 ? json_object_get_string(name)
					 : "?");
	}
	fputc('\n', out);
}

/* maintenance INSTANCE|all on|off */
static int ctl_command_maintenance(const struct ctl_options *options, int argc, char **argv)
{
	const char *instance = argv[0];
	const char *state = argv[1];

	if (!*instance) {
		fprintf(stderr, "failoverctl: maintenance: empty instance name\n");
		return CONTROL_EXIT_USAGE;
	}
	if (strcmp(state, "on") && strcmp(state, "off")) {
		fprintf(stderr, "failoverctl: maintenance: state must be 'on' or 'off', not '%s'\n",
			state);
		return CONTROL_EXIT_USAGE;
	}
	struct json_object *request = ctl_request_new("maintenance");
	json_object_object_add(request, "instance", json_object_new_string(instance));
	json_object_object_add(request, "state", json_object_new_string(state));

	struct json_object *reply;
	int status = ctl_run_request(options, request, &reply);
	if (status == CONTROL_EXIT_OK && !options->json)
		ctl_maintenance_print(reply, state, stdout);
	json_object_put(reply);
	return status;
}

/*
 * The commands that talk to the daemon, in --help order. "verify" reads
 * event logs instead and is dispatched before this table (ctl_verify.c).
 */
static const struct ctl_command ctl_commands[] = {
    {"status", "", "state of every virtual router (table)", 0, 0, ctl_command_status},
    {"stats", "", "packet counters per instance and receive errors per interface", 0, 0,
     ctl_command_stats},
    {"metrics", "", "the daemon's metrics in Prometheus text format", 0, 0, ctl_command_metrics},
    {"reload", "", "re-read the configuration file and print what changed", 0, 0,
     ctl_command_reload},
    {"maintenance", "INSTANCE|all on|off",
     "on: hand mastership over and stay BACKUP; off: take part in elections again", 2, 2,
     ctl_command_maintenance},
};

const struct ctl_command *ctl_command_find(const char *name)
{
	for (size_t i = 0; i < CTL_ARRAY_SIZE(ctl_commands); i++)
		if (!strcmp(ctl_commands[i].name, name))
			return &ctl_commands[i];
	return NULL;
}

const struct ctl_command *ctl_command_at(size_t index)
{
	return index < CTL_ARRAY_SIZE(ctl_commands) ? &ctl_commands[index] : NULL;
}
