/*
 * metrics.c - the Prometheus text exposition (format 0.0.4) of a running
 * daemon, rendered from the status and stats replies of the control protocol
 * (see metrics.h and control.h).
 *
 * The renderer is pure: it reads two JSON objects and returns text, so the
 * daemon's "metrics" command and the unit tests see exactly the same output,
 * and the numbers scraped are the numbers failoverctl status/stats prints.
 *
 * Layout: one table row per metric family (name, type, help, emitter). Every
 * family gets its # HELP and # TYPE line even when it has no sample (an empty
 * instance list), so a scraper always sees the same set of families. Samples
 * of one family are kept together, as the format requires. A sample whose
 * inputs are missing from the objects is left out rather than invented.
 */
#include "failoverd/metrics.h"

#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "failoverd/fsm.h"

#define METRICS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A growing text buffer; after an allocation failure every append is a no-op. */
struct metrics_text {
	char *data;
	size_t len;
	size_t size;
	bool failed;
};

/* One label of a sample: name="value". */
struct metrics_label {
	const char *name;
	const char *value;
};

struct metrics_input {
	const struct json_object *status;
	const struct json_object *stats;
};

struct metrics_family {
	const char *name;
	const char *type;
	const char *help;
	void (*emit)(struct metrics_text *text, const struct metrics_family *family,
		     const struct metrics_input *input);
	const char *field; /* the JSON field the emitter reads, when it is one */
};

static bool metrics_text_reserve(struct metrics_text *text, size_t extra)
{
	if (text->failed)
		return false;
	if (text->len + extra + 1 <= text->size)
		return true;
	size_t size = text->size ? text->size : 4096;
	while (size < text->len + extra + 1)
		size *= 2;
	char *data = realloc(text->data, size);
	if (!data) {
		text->failed = true;
		return false;
	}
	text->data = data;
	text->size = size;
	return true;
}

static void metrics_text_append(struct metrics_text *text, const char *bytes, size_t len)
{
	if (!metrics_text_reserve(text, len))
		return;
	memcpy(text->data + text->len, bytes, len);
	text->len += len;
	text->data[text->len] = '\0';
}

static void metrics_text_puts(struct metrics_text *text, const char *string)
{
	metrics_text_append(text, string, strlen(string));
}

/* Label values escape backslash, double quote and line feed (format 0.0.4). */
static void metrics_text_escaped(struct metrics_text *text, const char *value)
{
	for (const char *p = value; *p; p++) {
		if (*p == '\\')
			metrics_text_puts(text, "\\\\");
		else if (*p == '"')
			metrics_text_puts(text, "\\\"");
		else if (*p == '\n')
			metrics_text_puts(text, "\\n");
		else
			metrics_text_append(text, p, 1);
	}
}

/* The shortest %g text that reads back as the same double. */
static void metrics_format_double(double value, char *buf, size_t size)
{
	if (isnan(value)) {
		snprintf(buf, size, "NaN");
		return;
	}
	if (isinf(value)) {
		snprintf(buf, size, "%s", value > 0 ? "+Inf" : "-Inf");
		return;
	}
	for (int precision = 15; precision <= 17; precision++) {
		snprintf(buf, size, "%.*g", precision, value);
		if (strtod(buf, NULL) == value)
			return;
	}
}

/*
 * The sample value of a JSON number or boolean; false when the field is
 * absent or of another type (the sample is then left out).
 */
static bool metrics_format_value(const struct json_object *value, char *buf, size_t size)
{
	switch (json_object_get_type(value)) {
	case json_type_boolean:
		snprintf(buf, size, "%d", json_object_get_boolean(value) ? 1 : 0);
		return true;
	case json_type_int: {
		int64_t number = json_object_get_int64(value);
		/* json-c keeps counters above INT64_MAX as unsigned. */
		if (number >= 0)
			snprintf(buf, size, "%llu",
				 (unsigned long long)json_object_get_uint64(value));
		else
			snprintf(buf, size, "%lld", (long long)number);
		return true;
	}
	case json_type_double:
		metrics_format_double(json_object_get_double(value), buf, size);
		return true;
	default:
		return false;
	}
}

static void metrics_emit_sample(struct metrics_text *text, const char *name,
				const struct metrics_label *labels, size_t count, const char *value)
{
	metrics_text_puts(text, name);
	for (size_t i = 0; i < count; i++) {
		metrics_text_puts(text, i ? "," : "{");
		metrics_text_puts(text, labels[i].name);
		metrics_text_puts(text, "=\"");
		metrics_text_escaped(text, labels[i].value);
		metrics_text_puts(text, "\"");
	}
	if (count)
		metrics_text_puts(text, "}");
	metrics_text_puts(text, " ");
	metrics_text_puts(text, value);
	metrics_text_puts(text, "\n");
}

static const struct json_object *metrics_field(const struct json_object *object, const char *key)
{
	struct json_object *value = NULL;

	if (!json_object_is_type(object, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(object, key, &value))
		return NULL;
	return value;
}

static const char *metrics_string(const struct json_object *object, const char *key)
{
	const struct json_object *value = metrics_field(object, key);

	if (!json_object_is_type(value, json_type_string))
		return NULL;
	return json_object_get_string((struct json_object *)value);
}

/* The array under key, or an empty one (0 elements) when absent. */
static size_t metrics_array_length(const struct json_object *object, const char *key,
				   const struct json_object **array)
{
	*array = metrics_field(object, key);
	if (!json_object_is_type(*array, json_type_array))
		return 0;
	return json_object_array_length(*array);
}

static const struct json_object *metrics_array_get(const struct json_object *array, size_t i)
{
	return json_object_array_get_idx(array, i);
}

static void metrics_emit_info(struct metrics_text *text, const struct metrics_family *family,
			      const struct metrics_input *input)
{
	const char *node = metrics_string(input->status, "node");
	const char *version = metrics_string(input->status, "version");

	if (!node || !version)
		return;
	const struct metrics_label labels[] = {{"node", node}, {"version", version}};
	metrics_emit_sample(text, family->name, labels, METRICS_ARRAY_SIZE(labels), "1");
}

static void metrics_emit_state_of(struct metrics_text *text, const char *name,
				  const struct json_object *instance)
{
	const char *instance_name = metrics_string(instance, "name");
	const char *current = metrics_string(instance, "state");
	bool known = false;

	if (!instance_name || !current)
		return;
	for (int state = 0; state < VRRP_STATE_COUNT; state++) {
		const char *state_name = vrrp_state_name((enum vrrp_state)state);
		bool is_current = strcmp(state_name, current) == 0;
		const struct metrics_label labels[] = {{"instance", instance_name},
						       {"state", state_name}};

		known = known || is_current;
		metrics_emit_sample(text, name, labels, 2, is_current ? "1" : "0");
	}
	if (!known) {
		/* A state this renderer does not know still shows as current. */
		const struct metrics_label labels[] = {{"instance", instance_name},
						       {"state", current}};
		metrics_emit_sample(text, name, labels, 2, "1");
	}
}

static void metrics_emit_state(struct metrics_text *text, const struct metrics_family *family,
			       const struct metrics_input *input)
{
	const struct json_object *instances;
	size_t count = metrics_array_length(input->status, "instances", &instances);

	for (size_t i = 0; i < count; i++)
		metrics_emit_state_of(text, family->name, metrics_array_get(instances, i));
}

/* One {instance} sample per element of source's "instances", from family->field. */
static void metrics_emit_per_instance(struct metrics_text *text,
				      const struct metrics_family *family,
				      const struct json_object *source)
{
	const struct json_object *instances;
	size_t count = metrics_array_length(source, "instances", &instances);
	char value[64];

	for (size_t i = 0; i < count; i++) {
		const struct json_object *instance = metrics_array_get(instances, i);
		const char *name = metrics_string(instance, "name");

		if (!name || !metrics_format_value(metrics_field(instance, family->field), value,
						   sizeof(value)))
			continue;
		const struct metrics_label labels[] = {{"instance", name}};
		metrics_emit_sample(text, family->name, labels, 1, value);
	}
}

static void metrics_emit_status_field(struct metrics_text *text,
				      const struct metrics_family *family,
				      const struct metrics_input *input)
{
	metrics_emit_per_instance(text, family, input->status);
}

static void metrics_emit_stats_field(struct metrics_text *text, const struct metrics_family *family,
				     const struct metrics_input *input)
{
	metrics_emit_per_instance(text, family, input->stats);
}

static void metrics_emit_rx_errors_of(struct metrics_text *text, const char *name,
				      const struct json_object *interface)
{
	const char *interface_name = metrics_string(interface, "interface");
	const char *family_name = metrics_string(interface, "family");
	const struct json_object *errors = metrics_field(interface, "rx_errors");
	char value[64];

	if (!interface_name || !family_name || !json_object_is_type(errors, json_type_object))
		return;
	json_object_object_foreach((struct json_object *)errors, reason, count)
	{
		if (!metrics_format_value(count, value, sizeof(value)))
			continue;
		const struct metrics_label labels[] = {
		    {"interface", interface_name}, {"family", family_name}, {"reason", reason}};
		metrics_emit_sample(text, name, labels, METRICS_ARRAY_SIZE(labels), value);
	}
}

static void metrics_emit_rx_errors(struct metrics_text *text, const struct metrics_family *family,
				   const struct metrics_input *input)
{
	const struct json_object *interfaces;
	size_t count = metrics_array_length(input->stats, "interfaces", &interfaces);

	for (size_t i = 0; i < count; i++)
		metrics_emit_rx_errors_of(text, family->name, metrics_array_get(interfaces, i));
}

/* Tracker status as a number: up 1, degraded 0.5, down 0; NULL if unknown. */
static const char *metrics_tracker_value(const char *status)
{
	if (!status)
		return NULL;
	if (!strcmp(status, "up"))
		return "1";
	if (!strcmp(status, "degraded"))
		return "0.5";
	if (!strcmp(status, "down"))
		return "0";
	return NULL;
}

static void metrics_emit_trackers_of(struct metrics_text *text, const char *name,
				     const struct json_object *instance)
{
	const char *instance_name = metrics_string(instance, "name");
	const struct json_object *trackers;
	size_t count = metrics_array_length(instance, "trackers", &trackers);

	if (!instance_name)
		return;
	for (size_t i = 0; i < count; i++) {
		const struct json_object *tracker = metrics_array_get(trackers, i);
		const char *tracker_name = metrics_string(tracker, "name");
		const char *kind = metrics_string(tracker, "kind");
		const char *value = metrics_tracker_value(metrics_string(tracker, "status"));

		if (!tracker_name || !kind || !value)
			continue;
		const struct metrics_label labels[] = {
		    {"instance", instance_name}, {"tracker", tracker_name}, {"kind", kind}};
		metrics_emit_sample(text, name, labels, METRICS_ARRAY_SIZE(labels), value);
	}
}

static void metrics_emit_trackers(struct metrics_text *text, const struct metrics_family *family,
				  const struct metrics_input *input)
{
	const struct json_object *instances;
	size_t count = metrics_array_length(input->status, "instances", &instances);

	for (size_t i = 0; i < count; i++)
		metrics_emit_trackers_of(text, family->name, metrics_array_get(instances, i));
}

/* The families of metrics.h, in its order. */
static const struct metrics_family metrics_families[] = {
    {"failoverd_info", "gauge", "Node name and version of the failoverd process; always 1.",
     metrics_emit_info, NULL},
    {"failoverd_instance_state", "gauge",
     "VRRP state of the instance: 1 for the current state, 0 for the others.", metrics_emit_state,
     NULL},
    {"failoverd_instance_priority", "gauge", "Configured VRRP priority of the instance.",
     metrics_emit_status_field, "priority"},
    {"failoverd_instance_effective_priority", "gauge",
     "Effective VRRP priority: configured priority plus the weights of failing trackers, "
     "clamped to 1..254.",
     metrics_emit_status_field, "effective_priority"},
    {"failoverd_instance_maintenance", "gauge",
     "1 while the instance is held in maintenance by the operator, else 0.",
     metrics_emit_status_field, "maintenance"},
    {"failoverd_instance_last_transition_seconds", "gauge",
     "Seconds the instance has been in its current state.", metrics_emit_status_field, "in_state"},
    {"failoverd_adverts_sent_total", "counter", "VRRP advertisements sent by the instance.",
     metrics_emit_stats_field, "adverts_sent"},
    {"failoverd_adverts_received_total", "counter",
     "VRRP advertisements received for the instance's virtual router.", metrics_emit_stats_field,
     "adverts_received"},
    {"failoverd_transitions_total", "counter", "State transitions of the instance.",
     metrics_emit_stats_field, "transitions"},
    {"failoverd_garps_sent_total", "counter",
     "Gratuitous ARPs and unsolicited neighbour advertisements sent for the instance's "
     "addresses.",
     metrics_emit_stats_field, "garps_sent"},
    {"failoverd_rx_errors_total", "counter",
     "VRRP packets dropped on receipt, by interface, address family and reason.",
     metrics_emit_rx_errors, NULL},
    {"failoverd_tracker_up", "gauge",
     "Tracker status as seen by the instance: 1 up, 0.5 degraded, 0 down.", metrics_emit_trackers,
     NULL},
};

char *metrics_render(const struct json_object *status, const struct json_object *stats)
{
	struct metrics_text text = {0};
	const struct metrics_input input = {status, stats};

	for (size_t i = 0; i < METRICS_ARRAY_SIZE(metrics_families); i++) {
		const struct metrics_family *family = &metrics_families[i];

		metrics_text_puts(&text, "# HELP ");
		metrics_text_puts(&text, family->name);
		metrics_text_puts(&text, " ");
		metrics_text_puts(&text, family->help);
		metrics_text_puts(&text, "\n# TYPE ");
		metrics_text_puts(&text, family->name);
		metrics_text_puts(&text, " ");
		metrics_text_puts(&text, family->type);
		metrics_text_puts(&text, "\n");
		family->emit(&text, family, &input);
	}
	if (text.failed) {
		free(text.data);
		return NULL;
	}
	return text.data;
}
