/*
 * eventlog.c - JSON-lines event log (see eventlog.h for the contract).
 */
#include "failoverd/eventlog.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "failoverd/timefmt.h"

int eventlog_open(struct eventlog *log, const char *path, const char *node)
{
	memset(log, 0, sizeof(*log));
	log->fd = -1;
	snprintf(log->node, sizeof(log->node), "%s", node);
	if (!path || !*path)
		return 0;
	snprintf(log->path, sizeof(log->path), "%s", path);
	log->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (log->fd < 0)
		return -errno;
	return 0;
}

void eventlog_close(struct eventlog *log)
{
	if (log->fd >= 0)
		close(log->fd);
	log->fd = -1;
}

struct json_object *eventlog_begin(const struct eventlog *log, const char *event)
{
	struct json_object *obj = json_object_new_object();
	char stamp[TIMEFMT_RFC3339_MAX];
	char mono[32];

	timefmt_rfc3339_now(stamp, sizeof(stamp));
	double seconds = clock_monotonic_seconds();
	snprintf(mono, sizeof(mono), "%.6f", seconds);
	json_object_object_add(obj, "ts", json_object_new_string(stamp));
	json_object_object_add(obj, "mono", json_object_new_double_s(seconds, mono));
	json_object_object_add(obj, "node", json_object_new_string(log->node));
	json_object_object_add(obj, "event", json_object_new_string(event));
	return obj;
}

void eventlog_commit(struct eventlog *log, struct json_object *obj)
{
	if (log->fd >= 0) {
		size_t len;
		const char *text = json_object_to_json_string_length(
			obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
		char line[8192];

		if (len + 1 <= sizeof(line)) {
			memcpy(line, text, len);
			line[len] = '\n';
			if (write(log->fd, line, len + 1) != (ssize_t)(len + 1))
				log->write_errors++;
		} else {
			log->write_errors++;
		}
	}
	json_object_put(obj);
}

void eventlog_add_string(struct json_object *obj, const char *key, const char *value)
{
	json_object_object_add(obj, key, json_object_new_string(value ? value : ""));
}

void eventlog_add_int(struct json_object *obj, const char *key, int64_t value)
{
	json_object_object_add(obj, key, json_object_new_int64(value));
}

void eventlog_add_address(struct json_object *obj, const char *key, const struct ip_address *a)
{
	char text[IP_ADDRESS_TEXT_MAX];

	eventlog_add_string(obj, key, ip_address_format(a, text, sizeof(text)));
}

const char *eventlog_family_name(int family)
{
	return family == AF_INET6 ? "ipv6" : "ipv4";
}

void eventlog_state(struct eventlog *log, const struct eventlog_state *s)
{
	struct json_object *obj = eventlog_begin(log, "state");

	eventlog_add_string(obj, "instance", s->instance);
	eventlog_add_int(obj, "vrid", s->vrid);
	eventlog_add_string(obj, "family", eventlog_family_name(s->family));
	eventlog_add_string(obj, "from", s->from);
	eventlog_add_string(obj, "to", s->to);
	eventlog_add_string(obj, "reason", s->reason);
	eventlog_add_int(obj, "priority", s->priority);
	if (s->master && s->master->family)
		eventlog_add_address(obj, "master", s->master);
	eventlog_commit(log, obj);
}

void eventlog_vip(struct eventlog *log, const char *instance, const char *action,
		  const struct ip_prefix *vip, const char *interface)
{
	struct json_object *obj = eventlog_begin(log, "vip");
	char text[IP_ADDRESS_TEXT_MAX + 8];
	char addr[IP_ADDRESS_TEXT_MAX];

	snprintf(text, sizeof(text), "%s/%u",
		 ip_address_format(&vip->address, addr, sizeof(addr)), vip->length);
	eventlog_add_string(obj, "instance", instance);
	eventlog_add_string(obj, "action", action);
	eventlog_add_string(obj, "address", text);
	eventlog_add_string(obj, "interface", interface);
	eventlog_commit(log, obj);
}

void eventlog_rx_error(struct eventlog *log, const char *interface, const struct ip_address *source,
		       const char *reason, uint64_t count, uint64_t suppressed)
{
	struct json_object *obj = eventlog_begin(log, "rx_error");

	eventlog_add_string(obj, "interface", interface);
	eventlog_add_address(obj, "source", source);
	eventlog_add_string(obj, "reason", reason);
	eventlog_add_int(obj, "count", (int64_t)count);
	eventlog_add_int(obj, "suppressed", (int64_t)suppressed);
	eventlog_commit(log, obj);
}

void eventlog_priority(struct eventlog *log, const char *instance, int from, int to,
		       const char *tracker)
{
	struct json_object *obj = eventlog_begin(log, "priority");

	eventlog_add_string(obj, "instance", instance);
	eventlog_add_int(obj, "from", from);
	eventlog_add_int(obj, "to", to);
	eventlog_add_string(obj, "tracker", tracker);
	eventlog_commit(log, obj);
}

void eventlog_track(struct eventlog *log, const char *tracker, const char *kind, const char *status,
		    const char *detail)
{
	struct json_object *obj = eventlog_begin(log, "track");

	eventlog_add_string(obj, "tracker", tracker);
	eventlog_add_string(obj, "kind", kind);
	eventlog_add_string(obj, "status", status);
	eventlog_add_string(obj, "detail", detail);
	eventlog_commit(log, obj);
}
