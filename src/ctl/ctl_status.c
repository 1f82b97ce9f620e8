/*
 * ctl_status.c - failoverctl's tables for the status and stats replies
 * (shapes in control.h).
 *
 * status: one summary line about the daemon, one row per virtual router
 * (INSTANCE IFACE VRID STATE PRIO(CFG/EFF) MASTER VIPS IN-STATE REASON), and
 * when any instance tracks something, one row per tracker. The STATE cell
 * carries markers an operator must not miss: "[maintenance]" while held
 * BACKUP by hand, "[fault=link,tracker]" for the fault causes now set.
 *
 * stats: one row of counters per instance, then one row per interface with
 * its received count and only the receive-error reasons that are non-zero
 * ("none" when all are).
 */
#include "ctl.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <string.h>

#define CTL_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define CTL_VIPS_SHOWN 2
#define CTL_CELL_MAX 512

static const char *ctl_or_dash(const char *text)
{
	return text && *text ? text : "-";
}

static void ctl_format_int(const struct json_object *object, const char *key, char *buf,
			   size_t size)
{
	int64_t value;

	if (ctl_reply_int(object, key, &value))
		snprintf(buf, size, "%" PRId64, value);
	else
		snprintf(buf, size, "-");
}

static void ctl_status_print_summary(const struct json_object *reply, FILE *out)
{
	const char *node = ctl_reply_string(reply, "node");
	const char *version = ctl_reply_string(reply, "version");
	const char *config = ctl_reply_string(reply, "config");
	int64_t pid;
	double uptime;
	char duration[32];

	fprintf(out, "node %s, failoverd %s", ctl_or_dash(node), ctl_or_dash(version));
	if (ctl_reply_int(reply, "pid", &pid))
		fprintf(out, ", pid %" PRId64, pid);
	if (ctl_reply_double(reply, "uptime", &uptime)) {
		ctl_format_duration(uptime, duration, sizeof(duration));
		fprintf(out, ", up %s", duration);
	}
	if (config) {
		fputs(", config ", out);
		ctl_print_clean(out, config);
	}
	fputc('\n', out);
}

/* "MASTER", "BACKUP [maintenance]", "FAULT [fault=link,tracker]". */
static void ctl_format_state(const struct json_object *instance, char *buf, size_t size)
{
	bool maintenance = false;
	struct json_object *faults;
	char causes[CTL_CELL_MAX];
	int len = snprintf(buf, size, "%s", ctl_or_dash(ctl_reply_string(instance, "state")));

	if (ctl_reply_bool(instance, "maintenance", &maintenance) && maintenance && len >= 0 &&
	    (size_t)len < size)
		len += snprintf(buf + len, size - (size_t)len, " [maintenance]");
	if (ctl_reply_array(instance, "faults", &faults) && len >= 0 && (size_t)len < size) {
		ctl_join_strings(faults, 0, causes, sizeof(causes));
		/* A table cell is bounded; a cut-off list of causes is acceptable. */
		if (snprintf(buf + len, size - (size_t)len, " [fault=%s]", causes) >=
		    (int)(size - (size_t)len))
			buf[size - 1] = '\0';
	}
}

static void ctl_format_priority(const struct json_object *instance, char *buf, size_t size)
{
	char configured[32], effective[32];

	ctl_format_int(instance, "priority", configured, sizeof(configured));
	ctl_format_int(instance, "effective_priority", effective, sizeof(effective));
	snprintf(buf, size, "%s/%s", configured, effective);
}

static const struct ctl_column ctl_status_columns[] = {
    {"INSTANCE", CTL_ALIGN_LEFT}, {"IFACE", CTL_ALIGN_LEFT},	     {"VRID", CTL_ALIGN_RIGHT},
    {"STATE", CTL_ALIGN_LEFT},	  {"PRIO(CFG/EFF)", CTL_ALIGN_LEFT}, {"MASTER", CTL_ALIGN_LEFT},
    {"VIPS", CTL_ALIGN_LEFT},	  {"IN-STATE", CTL_ALIGN_RIGHT},     {"REASON", CTL_ALIGN_LEFT},
};

static void ctl_status_add_instance(struct ctl_table *table, const struct json_object *instance)
{
	char vrid[32], state[CTL_CELL_MAX], priority[64], vips[CTL_CELL_MAX], in_state[32];
	struct json_object *addresses;
	double seconds = -1;

	ctl_format_int(instance, "vrid", vrid, sizeof(vrid));
	ctl_format_state(instance, state, sizeof(state));
	ctl_format_priority(instance, priority, sizeof(priority));
	ctl_reply_array(instance, "vips", &addresses);
	ctl_join_strings(addresses, CTL_VIPS_SHOWN, vips, sizeof(vips));
	ctl_reply_double(instance, "in_state", &seconds);
	ctl_format_duration(seconds, in_state, sizeof(in_state));

	const char *cells[] = {
	    ctl_or_dash(ctl_reply_string(instance, "name")),
	    ctl_or_dash(ctl_reply_string(instance, "interface")),
	    vrid,
	    state,
	    priority,
	    ctl_or_dash(ctl_reply_string(instance, "master")),
	    vips,
	    in_state,
	    ctl_or_dash(ctl_reply_string(instance, "reason")),
	};
	ctl_table_add_row(table, cells);
}

static const struct ctl_column ctl_tracker_columns[] = {
    {"INSTANCE", CTL_ALIGN_LEFT}, {"TRACKER", CTL_ALIGN_LEFT}, {"KIND", CTL_ALIGN_LEFT},
    {"STATUS", CTL_ALIGN_LEFT},	  {"WEIGHT", CTL_ALIGN_RIGHT}, {"DETAIL", CTL_ALIGN_LEFT},
};

/* A tracker without a weight puts its instance in FAULT when it fails. */
static void ctl_status_add_trackers(struct ctl_table *table, const struct json_object *instance)
{
	struct json_object *trackers;
	size_t count = ctl_reply_array(instance, "trackers", &trackers);

	for (size_t i = 0; i < count; i++) {
		struct json_object *tracker = json_object_array_get_idx(trackers, i);
		char weight[32];
		int64_t value;

		if (ctl_reply_int(tracker, "weight", &value))
			snprintf(weight, sizeof(weight), "%+" PRId64, value);
		else
			snprintf(weight, sizeof(weight), "fault");
		const char *cells[] = {
		    ctl_or_dash(ctl_reply_string(instance, "name")),
		    ctl_or_dash(ctl_reply_string(tracker, "name")),
		    ctl_or_dash(ctl_reply_string(tracker, "kind")),
		    ctl_or_dash(ctl_reply_string(tracker, "status")),
		    weight,
		    ctl_or_dash(ctl_reply_string(tracker, "detail")),
		};
		ctl_table_add_row(table, cells);
	}
}

void ctl_status_print(const struct json_object *reply, FILE *out)
{
	struct json_object *instances;
	size_t count = ctl_reply_array(reply, "instances", &instances);

	ctl_status_print_summary(reply, out);
	fputc('\n', out);
	if (count == 0) {
		fputs("no instances configured\n", out);
		return;
	}
	struct ctl_table *table =
	    ctl_table_new(ctl_status_columns, CTL_ARRAY_SIZE(ctl_status_columns));
	struct ctl_table *trackers =
	    ctl_table_new(ctl_tracker_columns, CTL_ARRAY_SIZE(ctl_tracker_columns));
	for (size_t i = 0; i < count; i++) {
		struct json_object *instance = json_object_array_get_idx(instances, i);
		ctl_status_add_instance(table, instance);
		ctl_status_add_trackers(trackers, instance);
	}
	ctl_table_print(table, out);
	if (ctl_table_rows(trackers)) {
		fputc('\n', out);
		ctl_table_print(trackers, out);
	}
	ctl_table_free(trackers);
	ctl_table_free(table);
}

static const struct ctl_column ctl_counter_columns[] = {
    {"INSTANCE", CTL_ALIGN_LEFT},
    {"ADVERTS-SENT", CTL_ALIGN_RIGHT},
    {"ADVERTS-RECEIVED", CTL_ALIGN_RIGHT},
    {"PRIO0-SENT", CTL_ALIGN_RIGHT},
    {"PRIO0-RECEIVED", CTL_ALIGN_RIGHT},
    {"GARPS-SENT", CTL_ALIGN_RIGHT},
    {"TRANSITIONS", CTL_ALIGN_RIGHT},
    {"SEND-ERRORS", CTL_ALIGN_RIGHT},
    {"LOWER-PRIO-REPLIES", CTL_ALIGN_RIGHT},
};

/* The reply fields behind ctl_counter_columns[1...], in the same order. */
static const char *const ctl_counter_fields[] = {
    "adverts_sent", "adverts_received", "priority_zero_sent", "priority_zero_received",
    "garps_sent",   "transitions",	"send_errors",	      "lower_priority_replies",
};

static void ctl_stats_add_instance(struct ctl_table *table, const struct json_object *instance)
{
	char numbers[CTL_ARRAY_SIZE(ctl_counter_fields)][32];
	const char *cells[CTL_ARRAY_SIZE(ctl_counter_columns)];

	_Static_assert(CTL_ARRAY_SIZE(ctl_counter_fields) + 1 ==
			   CTL_ARRAY_SIZE(ctl_counter_columns),
		       "one field per counter column");
	cells[0] = ctl_or_dash(ctl_reply_string(instance, "name"));
	for (size_t i = 0; i < CTL_ARRAY_SIZE(ctl_counter_fields); i++) {
		ctl_format_int(instance, ctl_counter_fields[i], numbers[i], sizeof(numbers[i]));
		cells[i + 1] = numbers[i];
	}
	ctl_table_add_row(table, cells);
}

/* "ttl=2 auth=5" for the non-zero reasons, "none" when there is none. */
static void ctl_format_rx_errors(const struct json_object *interface, char *buf, size_t size)
{
	struct json_object *errors = NULL;
	size_t len = 0;

	snprintf(buf, size, "none");
	if (!json_object_object_get_ex(interface, "rx_errors", &errors) ||
	    !json_object_is_type(errors, json_type_object)) {
		snprintf(buf, size, "-");
		return;
	}
	json_object_object_foreach(errors, reason, count)
	{
		int64_t value = json_object_get_int64(count);
		if (!json_object_is_type(count, json_type_int) || value == 0)
			continue;
		int n =
		    snprintf(buf + len, size - len, "%s%s=%" PRId64, len ? " " : "", reason, value);
		if (n < 0 || (size_t)n >= size - len)
			return;
		len += (size_t)n;
	}
}

static const struct ctl_column ctl_interface_columns[] = {
    {"INTERFACE", CTL_ALIGN_LEFT},
    {"FAMILY", CTL_ALIGN_LEFT},
    {"RECEIVED", CTL_ALIGN_RIGHT},
    {"RX-ERRORS", CTL_ALIGN_LEFT},
};

static void ctl_stats_add_interface(struct ctl_table *table, const struct json_object *interface)
{
	char received[32], errors[CTL_CELL_MAX];

	ctl_format_int(interface, "received", received, sizeof(received));
	ctl_format_rx_errors(interface, errors, sizeof(errors));
	const char *cells[] = {
	    ctl_or_dash(ctl_reply_string(interface, "interface")),
	    ctl_or_dash(ctl_reply_string(interface, "family")),
	    received,
	    errors,
	};
	ctl_table_add_row(table, cells);
}

void ctl_stats_print(const struct json_object *reply, FILE *out)
{
	struct json_object *instances, *interfaces;
	size_t instance_count = ctl_reply_array(reply, "instances", &instances);
	size_t interface_count = ctl_reply_array(reply, "interfaces", &interfaces);

	if (instance_count == 0) {
		fputs("no instances configured\n", out);
	} else {
		struct ctl_table *table =
		    ctl_table_new(ctl_counter_columns, CTL_ARRAY_SIZE(ctl_counter_columns));
		for (size_t i = 0; i < instance_count; i++)
			ctl_stats_add_instance(table, json_object_array_get_idx(instances, i));
		ctl_table_print(table, out);
		ctl_table_free(table);
	}
	if (interface_count == 0)
		return;
	struct ctl_table *table =
	    ctl_table_new(ctl_interface_columns, CTL_ARRAY_SIZE(ctl_interface_columns));
	for (size_t i = 0; i < interface_count; i++)
		ctl_stats_add_interface(table, json_object_array_get_idx(interfaces, i));
	fputc('\n', out);
	ctl_table_print(table, out);
	ctl_table_free(table);
}
