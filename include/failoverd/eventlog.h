/*
 * eventlog.h - the machine-readable event log: JSON lines, append-only,
 * one object per event, each written with a single write(2) so a line is
 * never torn and is on disk (in the page cache) before the next event.
 *
 * Every object starts with ts (UTC RFC 3339, microseconds), mono
 * (CLOCK_MONOTONIC seconds, for ordering on one node), node and event; the
 * typed helpers below add the fields DESIGN.md names for each event. Log
 * verification (failoverctl verify, the lab) reads these lines back, so
 * field names here are a contract.
 */
#ifndef FAILOVERD_EVENTLOG_H
#define FAILOVERD_EVENTLOG_H

#include <stdbool.h>
#include <stdint.h>

#include "failoverd/address.h"
#include "failoverd/config.h"

struct json_object;

struct eventlog {
	int fd; /* -1: no event log configured */
	char path[CONFIG_PATH_MAX];
	char node[CONFIG_NAME_MAX];
	unsigned long write_errors;
};

/* Opens path for appending (creating it 0640); path "" disables the log.
 * 0 or -errno. */
int eventlog_open(struct eventlog *log, const char *path, const char *node);
void eventlog_close(struct eventlog *log);

/* A new object with ts, mono, node and event already set. */
struct json_object *eventlog_begin(const struct eventlog *log, const char *event);

/* Writes obj as one line and releases it. */
void eventlog_commit(struct eventlog *log, struct json_object *obj);

void eventlog_add_string(struct json_object *obj, const char *key, const char *value);
void eventlog_add_int(struct json_object *obj, const char *key, int64_t value);
void eventlog_add_address(struct json_object *obj, const char *key, const struct ip_address *a);

struct eventlog_state {
	const char *instance;
	int vrid;
	int family;
	const char *from, *to, *reason;
	int priority;
	const struct ip_address *master; /* NULL or unset family: omitted */
};

void eventlog_state(struct eventlog *log, const struct eventlog_state *s);
void eventlog_vip(struct eventlog *log, const char *instance, const char *action,
		  const struct ip_prefix *vip, const char *interface);
void eventlog_rx_error(struct eventlog *log, const char *interface, const struct ip_address *source,
		       const char *reason, uint64_t count, uint64_t suppressed);

void eventlog_priority(struct eventlog *log, const char *instance, int from, int to,
		       const char *tracker);
void eventlog_track(struct eventlog *log, const char *tracker, const char *kind, const char *status,
		    const char *detail);

/* "ipv4" / "ipv6". */
const char *eventlog_family_name(int family);

#endif
