/*
 * verify_internal.h - what the files of the log verifier share and nobody
 * else needs (the public side is include/failoverd/verify.h):
 *
 *   verify.c         lifecycle, growing arrays, interned strings, problems,
 *                    times and names
 *   verify_parse.c   a line of a log -> an event (or a malformed line)
 *   verify_check.c   each node's history replayed: transitions, restarts,
 *                    MASTER intervals
 *   verify_overlap.c dual masters per virtual router, from those intervals
 *   verify_report.c  the text and JSON reports
 */
#ifndef FAILOVERD_VERIFY_INTERNAL_H
#define FAILOVERD_VERIFY_INTERNAL_H

#include <json-c/json.h>

#include "failoverd/verify.h"

#define VERIFY_VRID_MAX 255
#define VERIFY_FAMILIES 2 /* ipv4, ipv6 */

enum verify_event_type {
	VERIFY_EVENT_OTHER, /* vip, priority, track, rx_error, reload, unknown */
	VERIFY_EVENT_START,
	VERIFY_EVENT_STOP,
	VERIFY_EVENT_STATE,
};

/* An event as far as verifying needs it; strings are interned. */
struct verify_event {
	int64_t ts_us;
	int64_t segment_us; /* first ts of this node in this file: orders a node's logs */
	uint32_t node;
	uint32_t file;
	unsigned long line;
	enum verify_event_type type;
	/* VERIFY_EVENT_STATE */
	const char *instance;
	const char *reason; /* "" when absent */
	const char *master; /* NULL when absent */
	int vrid, family;   /* family: 0 ipv4, 1 ipv6 */
	int router;	    /* index into routers */
	int priority;	    /* -1 when absent */
	enum verify_state from, to;
};

/* A MASTER interval of one node for one virtual router. */
struct verify_interval {
	uint32_t node;
	int64_t start_us, end_us;
	const char *file; /* the event that began it */
	unsigned long line;
	/* An end the log only implies (end of log, restart without stop) may
	 * move up to limit_us when a peer's log shows the node MASTER later;
	 * change is the timeline line that shows that end. */
	bool implied;
	int64_t limit_us;
	size_t change;
};

/*
 * A master's address in a state event: the node's own, announced when it
 * becomes MASTER (own), or the master whose advert a peer yielded to
 * (higher_priority_advert): that master was alive and MASTER at ts.
 */
struct verify_sighting {
	int64_t ts_us;
	const char *address;
	uint32_t node; /* who logged it */
	bool own;
	const char *file;
	unsigned long line;
};

/* Interned strings: one copy of each node, instance, reason and address. */
struct verify_string {
	char *text;
	int node; /* its node index when it names a node, else -1 */
};

struct verify_strings {
	struct verify_string *slots; /* open addressing; text NULL: free slot */
	size_t size, count;
};

struct verify_internal {
	struct verify_strings strings;
	const char **nodes; /* index -> name */
	size_t node_size;
	struct verify_event *events;
	size_t event_count, event_size;
	int router_index[VERIFY_VRID_MAX + 1][VERIFY_FAMILIES]; /* -1: none yet */
	json_tokener *tokener;
	uint64_t order; /* next verify_problem/verify_change order */
};

/*
 * Makes room for one more item in array (count in use, size allocated);
 * both are lvalues without side effects. False, with v->error set, when
 * memory ran out (or already had); array is then unchanged.
 */
#define VERIFY_RESERVE(v, array, size, count)                                                      \
	((array) = verify_grow((v), (array), &(size), (count), sizeof(*(array))), !(v)->error)

/* array, grown when count has reached *size; array itself on failure. */
void *verify_grow(struct verify *v, void *array, size_t *size, size_t count, size_t item);

/*
 * The one copy of text, or NULL when out of memory. The slot is valid until
 * the next call; its text for as long as v.
 */
struct verify_string *verify_intern(struct verify *v, const char *text);

/* The index of node name, adding it when new; -1 when out of memory. */
int verify_node_index(struct verify *v, const char *name);

/* Records a violation or warning; the message is printf-formatted. */
void verify_problem_add(struct verify *v, const struct verify_problem *where, const char *format,
			...) __attribute__((format(printf, 3, 4)));

void verify_malformed_add(struct verify *v, size_t file, unsigned long line, const char *reason);

/* "lb1", "lb1 and lb2", "lb1, lb2 and lb3" (truncated to size). */
void verify_join_names(const char *const *names, size_t count, char *buf, size_t size);

/* qsort that accepts an empty (NULL) array. */
void verify_sort(void *items, size_t count, size_t size,
		 int (*compare)(const void *, const void *));
int verify_compare_int64(int64_t a, int64_t b);

/* Finds the overlaps of routers[router] (and records the violations). */
void verify_find_overlaps(struct verify *v, int router);

bool verify_kind_is_violation(enum verify_kind kind);
const char *verify_change_kind_name(enum verify_change_kind kind);

#endif
