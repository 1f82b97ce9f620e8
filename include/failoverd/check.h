/*
 * check.h - health checks, all non-blocking inside the one libev loop: no
 * thread and no blocking call per check.
 *
 * A check runs one probe every interval (exec, tcp, tls, http/https,
 * process), each bounded by timeout; rise consecutive successes make it
 * up, fall consecutive failures make it down (check_counter, pure). A check
 * starts DOWN and its first probe runs at once, so an instance never claims
 * mastership on the strength of a service nobody has looked at yet.
 * A status change is reported through the callback; one check may feed
 * several instances (the daemon fans it out).
 */
#ifndef FAILOVERD_CHECK_H
#define FAILOVERD_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "failoverd/config.h"

struct ev_loop;

/* Rise/fall hysteresis (pure). */
struct check_counter {
	unsigned int rise, fall;
	unsigned int successes; /* consecutive */
	unsigned int failures;  /* consecutive */
	bool up;
};

void check_counter_init(struct check_counter *c, unsigned int rise, unsigned int fall);
/* Records one probe result; returns true when c->up changed. */
bool check_counter_record(struct check_counter *c, bool ok);

struct check;

/* up: the new status; detail: why (e.g. "connect: Connection refused",
 * "exit status 2: <first line of output>", "HTTP 503 after 12 ms"). */
typedef void (*check_status_fn)(void *ctx, struct check *check, bool up, const char *detail);

/* Creates a check from its validated config; nothing runs until check_start. */
struct check *check_create(struct ev_loop *loop, const struct check_config *cfg,
			   check_status_fn callback, void *ctx);
void check_start(struct check *check);
/* Stops the check; a probe in flight is cancelled (an exec child and its
 * whole process group are killed and reaped). */
void check_stop(struct check *check);
void check_free(struct check *check);

bool check_is_up(const struct check *check);
const char *check_last_detail(const struct check *check);

struct check_stats {
	uint64_t probes, successes, failures, timeouts;
	int64_t last_latency_us;
};
void check_get_stats(const struct check *check, struct check_stats *out);

#endif
