/*
 * verify_parse.c - reading event logs for verification: each line is one
 * JSON object (eventlog.h, failoverd(8) EVENT LOG). A line that has what
 * verifying needs becomes a struct verify_event; any other line is counted
 * as malformed, with its file, line and reason, and skipped: a torn last
 * line or a stray edit must not hide what the rest of the log shows.
 *
 * Required: ts (RFC 3339), node and event; for state events also instance,
 * vrid (1..255), family (ipv4, ipv6), from and to (state names). reason,
 * priority and master are used when present. mono is not read: it counts
 * from each node's boot, so it orders nothing across nodes. Events of
 * types this file does not know are kept: they still show the node alive
 * at that time, and a newer daemon's log still verifies.
 */
#include "verify_internal.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

size_t verify_add_file(struct verify *v, const char *name)
{
	if (!VERIFY_RESERVE(v, v->files, v->file_size, v->file_count))
		return SIZE_MAX;
	char *copy = strdup(name);
	if (!copy) {
		v->error = -ENOMEM;
		return SIZE_MAX;
	}
	v->files[v->file_count] = (struct verify_file){.name = copy};
	return v->file_count++;
}

/* The value of key when it is a non-empty string, else NULL. */
static const char *verify_json_string(struct json_object *obj, const char *key)
{
	struct json_object *value;

	if (!json_object_object_get_ex(obj, key, &value) ||
	    !json_object_is_type(value, json_type_string))
		return NULL;
	const char *text = json_object_get_string(value);
	return *text ? text : NULL;
}

/* 1: an integer in min..max; 0: absent; -1: present but not such an integer. */
static int verify_json_int(struct json_object *obj, const char *key, int min, int max, int *out)
{
	struct json_object *value;

	if (!json_object_object_get_ex(obj, key, &value))
		return 0;
	if (!json_object_is_type(value, json_type_int))
		return -1;
	int64_t number = json_object_get_int64(value);
	if (number < min || number > max)
		return -1;
	*out = (int)number;
	return 1;
}

static bool verify_state_parse(const char *name, enum verify_state *state)
{
	for (enum verify_state s = VERIFY_STATE_INIT; s <= VERIFY_STATE_FAULT; s++) {
		if (name && !strcmp(name, verify_state_name(s))) {
			*state = s;
			return true;
		}
	}
	return false;
}

/* The router of (vrid, family), created when new; instance joins its names. */
static int verify_router_find(struct verify *v, int vrid, int family, const char *instance)
{
	int *index = &v->internal->router_index[vrid][family];

	if (*index < 0) {
		if (!VERIFY_RESERVE(v, v->routers, v->router_size, v->router_count))
			return -1;
		v->routers[v->router_count] = (struct verify_router){
		    .vrid = vrid,
		    .family = family ? "ipv6" : "ipv4",
		};
		*index = (int)v->router_count++;
	}
	struct verify_router *r = &v->routers[*index];
	for (size_t i = 0; i < r->instance_count; i++)
		if (r->instances[i] == instance)
			return *index;
	if (!VERIFY_RESERVE(v, r->instances, r->instance_size, r->instance_count))
		return -1;
	r->instances[r->instance_count++] = instance;
	return *index;
}

static const char *verify_intern_text(struct verify *v, const char *text)
{
	struct verify_string *string = verify_intern(v, text);

	return string ? string->text : NULL;
}

/* The fields of a state event; NULL, or why the line is malformed. */
static const char *verify_state_from_json(struct verify *v, struct json_object *obj,
					  struct verify_event *event)
{
	const char *instance = verify_json_string(obj, "instance");
	const char *family = verify_json_string(obj, "family");
	struct json_object *reason = NULL, *master = NULL;
	int vrid = 0;

	if (!instance)
		return "state event without an instance name";
	if (verify_json_int(obj, "vrid", 1, VERIFY_VRID_MAX, &vrid) != 1)
		return "state event without a vrid 1..255";
	if (!family || (strcmp(family, "ipv4") && strcmp(family, "ipv6")))
		return "state event without family ipv4 or ipv6";
	if (!verify_state_parse(verify_json_string(obj, "from"), &event->from))
		return "state event without a from state (INIT, BACKUP, MASTER, FAULT)";
	if (!verify_state_parse(verify_json_string(obj, "to"), &event->to))
		return "state event without a to state (INIT, BACKUP, MASTER, FAULT)";
	if (verify_json_int(obj, "priority", 0, 255, &event->priority) < 0)
		return "state event with a priority that is not 0..255";
	if (json_object_object_get_ex(obj, "reason", &reason) &&
	    !json_object_is_type(reason, json_type_string))
		return "state event with a reason that is not a string";
	if (json_object_object_get_ex(obj, "master", &master) &&
	    !json_object_is_type(master, json_type_string))
		return "state event with a master that is not a string";

	event->instance = verify_intern_text(v, instance);
	event->reason = verify_intern_text(v, reason ? json_object_get_string(reason) : "");
	if (master && *json_object_get_string(master))
		event->master = verify_intern_text(v, json_object_get_string(master));
	event->vrid = vrid;
	event->family = !strcmp(family, "ipv6");
	if (event->instance)
		event->router = verify_router_find(v, vrid, event->family, event->instance);
	return NULL;
}

/* NULL, or why the line is malformed (v->error set when memory ran out). */
static const char *verify_event_from_json(struct verify *v, struct json_object *obj,
					  struct verify_event *event)
{
	const char *ts = verify_json_string(obj, "ts");
	const char *node = verify_json_string(obj, "node");
	const char *type = verify_json_string(obj, "event");

	if (!ts)
		return "no ts";
	if (verify_parse_time(ts, &event->ts_us) < 0)
		return "ts is not an RFC 3339 time";
	if (!node)
		return "no node name";
	if (!type)
		return "no event type";
	if (!strcmp(type, "state")) {
		event->type = VERIFY_EVENT_STATE;
		const char *malformed = verify_state_from_json(v, obj, event);
		if (malformed)
			return malformed;
	} else if (!strcmp(type, "start")) {
		event->type = VERIFY_EVENT_START;
	} else if (!strcmp(type, "stop")) {
		event->type = VERIFY_EVENT_STOP;
	}
	int index = verify_node_index(v, node);
	event->node = index < 0 ? 0 : (uint32_t)index;
	return NULL;
}

/* The line as one JSON object; NULL with *malformed set, or v->error. */
static struct json_object *verify_parse_json(struct verify *v, const char *text, size_t len,
					     const char **malformed)
{
	struct verify_internal *in = v->internal;

	if (len > INT_MAX) {
		*malformed = "line too long";
		return NULL;
	}
	if (!in->tokener && !(in->tokener = json_tokener_new())) {
		v->error = -ENOMEM;
		return NULL;
	}
	json_tokener_reset(in->tokener);
	struct json_object *obj = json_tokener_parse_ex(in->tokener, text, (int)len);
	enum json_tokener_error error = json_tokener_get_error(in->tokener);
	if (error == json_tokener_continue)
		*malformed = "incomplete JSON (a torn line?)";
	else if (error != json_tokener_success)
		*malformed = "not JSON";
	else if (json_tokener_get_parse_end(in->tokener) != len)
		*malformed = "more than one JSON value";
	else if (!json_object_is_type(obj, json_type_object))
		*malformed = "not a JSON object";
	else
		return obj;
	json_object_put(obj);
	return NULL;
}

static bool verify_blank(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isspace((unsigned char)text[i]))
			return false;
	return true;
}

void verify_add_line(struct verify *v, size_t file, unsigned long line, const char *text,
		     size_t len)
{
	const char *malformed = NULL;

	if (v->error || file >= v->file_count)
		return;
	v->files[file].lines++;
	while (len > 0 && isspace((unsigned char)text[len - 1]))
		len--; /* the newline, a CR of a file that went through Windows */
	if (verify_blank(text, len))
		return;
	struct json_object *obj = verify_parse_json(v, text, len, &malformed);
	if (!obj) {
		if (malformed)
			verify_malformed_add(v, file, line, malformed);
		return;
	}
	struct verify_event event = {
	    .file = (uint32_t)file, .line = line, .router = -1, .priority = -1};
	malformed = verify_event_from_json(v, obj, &event);
	json_object_put(obj);
	if (malformed) {
		verify_malformed_add(v, file, line, malformed);
		return;
	}
	struct verify_internal *in = v->internal;
	if (!VERIFY_RESERVE(v, in->events, in->event_size, in->event_count))
		return;
	in->events[in->event_count++] = event;
	v->files[file].events++;
	v->event_count++;
}

int verify_read(struct verify *v, const char *name, FILE *in)
{
	size_t file = verify_add_file(v, name);
	unsigned long line = 0;
	char *text = NULL;
	size_t size = 0;
	ssize_t len;

	if (file == SIZE_MAX)
		return v->error;
	while ((len = getline(&text, &size, in)) >= 0)
		verify_add_line(v, file, ++line, text, (size_t)len);
	int status = ferror(in) ? -(errno ? errno : EIO) : 0;
	free(text);
	return status ? status : v->error;
}
