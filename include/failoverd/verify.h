/*
 * verify.h - checking the event logs (eventlog.h) of several nodes against
 * each other: the pure part of "failoverctl verify" (src/ctl/ctl_verify.c is
 * its command line).
 *
 * The logs are read line by line (verify_read), merged and checked
 * (verify_check), then rendered (verify_print, verify_to_json). No clock, no
 * global: the same lines give the same report, which the unit tests rely on.
 *
 * A virtual router across nodes is (vrid, family): instance names may differ
 * per node. Nodes are merged by ts (wall clock); mono is per node and per
 * boot, so it is never compared across nodes. The events of one node keep
 * their order in its log, whatever its ts says. A MASTER interval that a
 * node's log leaves open ends at its last event, or later when a peer's log
 * shows it still MASTER (the peer yielded to its advert).
 *
 * Violations (the logs show something VRRP must not do):
 *   - two nodes MASTER of one virtual router at once for longer than the
 *     tolerance (adverts in flight make short overlaps normal);
 *   - a state change that is not a legal step (RFC 5798 6.4), or whose
 *     "from" is not where the previous event of that instance on that node
 *     left it.
 * Warnings (worth reading, not a failure): an agent restarted without a stop
 * (killed?), a stop while still MASTER, a clock going back, two logs of one
 * node overlapping in time, two instances of one node sharing a virtual
 * router, and malformed lines (skipped, each named by file:line).
 */
#ifndef FAILOVERD_VERIFY_H
#define FAILOVERD_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json_object;

/* One advert interval (1 s, the default) plus a little skew. */
#define VERIFY_DEFAULT_TOLERANCE_US 1000000
/* Malformed lines listed one by one in the report; all are counted. */
#define VERIFY_MALFORMED_LISTED 100
/* RFC 3339, UTC, microseconds: 2026-11-22T17:40:01.123456Z */
#define VERIFY_TIME_MAX 32

enum verify_state {
	VERIFY_STATE_INIT,
	VERIFY_STATE_BACKUP,
	VERIFY_STATE_MASTER,
	VERIFY_STATE_FAULT,
};

enum verify_kind {
	/* violations */
	VERIFY_DUAL_MASTER,
	VERIFY_ILLEGAL_TRANSITION,
	VERIFY_DISCONTINUITY, /* from is not the previous to */
	/* warnings */
	VERIFY_RESTART_WITHOUT_STOP,
	VERIFY_MASTER_AT_STOP,
	VERIFY_CLOCK_BACK,
	VERIFY_OVERLAPPING_LOGS,
	VERIFY_SHARED_ROUTER,
};

/* A violation or a warning. Strings belong to the struct verify. */
struct verify_problem {
	enum verify_kind kind;
	const char *file; /* where it shows, NULL when no one line does */
	unsigned long line;
	int64_t ts_us;	      /* when (UTC microseconds since the epoch) */
	const char *node;     /* NULL when not about one node */
	const char *instance; /* NULL when not about one instance */
	int router;	      /* index into routers, -1 when not about one */
	char *message;	      /* the rest: without file, line, node or router */
	uint64_t order;	      /* private: keeps sorting stable */
};

struct verify_malformed {
	const char *file;
	unsigned long line;
	const char *reason; /* static text */
};

/*
 * A line of a virtual router's timeline: a state event into or out of
 * MASTER, or the start or end of a MASTER interval that the logs only imply.
 */
enum verify_change_kind {
	VERIFY_CHANGE_STATE,	 /* a state event */
	VERIFY_CHANGE_LOG_START, /* already MASTER where its log begins */
	VERIFY_CHANGE_RESTART,	 /* MASTER ends: restarted without stop */
	VERIFY_CHANGE_STOP,	 /* MASTER ends: stop event while MASTER */
	VERIFY_CHANGE_LOG_END,	 /* MASTER ends: the end of its log */
	VERIFY_CHANGE_SEEN,	 /* MASTER ends: a peer's log shows it MASTER until here */
};

struct verify_change {
	enum verify_change_kind kind;
	int64_t ts_us;
	const char *node;
	const char *instance;
	enum verify_state from, to; /* VERIFY_CHANGE_STATE only */
	const char *reason;	    /* "" when the event has none */
	int priority;		    /* -1 when the event has none */
	const char *master;	    /* NULL when the event has none */
	const char *witness;	    /* VERIFY_CHANGE_SEEN: the peer whose log shows it */
	const char *file;
	unsigned long line;
	uint64_t order; /* private: keeps sorting stable */
};

/* A time when more than one node was MASTER of a virtual router. */
struct verify_overlap {
	int64_t start_us, end_us;
	const char **nodes; /* every node MASTER at some time in it */
	size_t node_count;
	bool violation;	  /* longer than the tolerance */
	const char *file; /* the event that made the second MASTER */
	unsigned long line;
};

struct verify_interval; /* private */
struct verify_sighting; /* private */

struct verify_router {
	int vrid;
	const char *family;	/* "ipv4" or "ipv6" */
	const char **instances; /* names seen on any node, first seen first */
	size_t instance_count, instance_size;
	struct verify_change *changes; /* by time */
	size_t change_count, change_size;
	struct verify_overlap *overlaps; /* by time */
	size_t overlap_count, overlap_size;
	struct verify_interval *intervals; /* private: MASTER intervals */
	size_t interval_count, interval_size;
	struct verify_sighting *sightings; /* private: addresses of masters */
	size_t sighting_count, sighting_size;
};

struct verify_file {
	char *name;
	unsigned long lines, events, malformed;
};

struct verify_internal;

struct verify {
	int64_t tolerance_us;
	int error; /* 0, or the first -errno (-ENOMEM): the report is incomplete */
	bool checked;

	struct verify_file *files;
	size_t file_count, file_size;
	struct verify_router *routers; /* by vrid, then family */
	size_t router_count, router_size;
	struct verify_problem *violations; /* by time */
	size_t violation_count, violation_size;
	struct verify_problem *warnings; /* by time */
	size_t warning_count, warning_size;
	struct verify_malformed *malformed; /* the first VERIFY_MALFORMED_LISTED */
	size_t malformed_count, malformed_size;
	unsigned long malformed_total;
	unsigned long event_count; /* well-formed events read */
	size_t node_count;

	struct verify_internal *internal;
};

void verify_init(struct verify *v, int64_t tolerance_us);
void verify_free(struct verify *v);

/*
 * Reads every line of one log; name is how the report calls it. Lines that
 * are not events are counted as malformed and skipped. 0, or -errno if
 * reading failed (the lines read so far are kept).
 */
int verify_read(struct verify *v, const char *name, FILE *in);

/* The same for a log given as lines already in memory (tests, fuzzing). */
size_t verify_add_file(struct verify *v, const char *name);
void verify_add_line(struct verify *v, size_t file, unsigned long line, const char *text,
		     size_t len);

/* Merges what was read and checks it; once. 0 or v->error. */
int verify_check(struct verify *v);

static inline bool verify_passed(const struct verify *v)
{
	return v->checked && !v->error && v->violation_count == 0;
}

/*
 * The report: every virtual router's timeline, then the violations, the
 * warnings and one summary line. Times to the millisecond, durations exact.
 */
void verify_print(const struct verify *v, FILE *out);

/* The same as a JSON object (times to the microsecond); NULL if out of memory. */
struct json_object *verify_to_json(const struct verify *v);

/* "vrid 51/ipv4 (VI_1)" */
const char *verify_router_label(const struct verify *v, int router, char *buf, size_t size);

/* RFC 3339 ("2026-11-22T17:40:01.123456Z", "...T18:40:01+01:00") to UTC
 * microseconds since the epoch. 0 or -EINVAL. */
int verify_parse_time(const char *text, int64_t *us);
/* UTC, with digits (0, 3 or 6) of fraction; returns buf. */
const char *verify_format_time(int64_t us, int digits, char *buf, size_t size);
/* Seconds with 3 to 6 decimals, as few as show the value exactly: "3.200", "1.0004". */
const char *verify_format_seconds(int64_t us, char *buf, size_t size);

const char *verify_state_name(enum verify_state state);
const char *verify_kind_name(enum verify_kind kind);

#endif
