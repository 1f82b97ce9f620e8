/*
 * notify.h - notify scripts, run asynchronously and in order.
 *
 * Each instance and each sync group owns a notify_queue. A state change
 * appends jobs (the state's own script, then "any"); the queue runs one job
 * at a time with execve and an argv (never a shell string), so a later
 * state's script never starts before an earlier one has finished, and the
 * protocol never waits for a script. A job that outlives its timeout is
 * killed with its whole process group and reported. Arguments follow
 * keepalived's convention so existing scripts keep working:
 *   SCRIPT INSTANCE|GROUP NAME STATE PRIORITY
 */
#ifndef FAILOVERD_NOTIFY_H
#define FAILOVERD_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct notify_queue;

#define NOTIFY_DEFAULT_TIMEOUT_US 10000000 /* 10 s */
#define NOTIFY_QUEUE_MAX 64 /* jobs waiting; older ones are dropped beyond this (logged) */

/* kind: "INSTANCE" or "GROUP". */
struct notify_queue *notify_queue_create(struct ev_loop *loop, const char *kind, const char *name,
					 int64_t timeout_us);
/* Appends one job: path STATE PRIORITY with the queue's kind and name.
 * path "" is ignored. 0 or -errno. */
int notify_queue_push(struct notify_queue *q, const char *path, const char *state, int priority);
/* Jobs waiting or running. */
size_t notify_queue_pending(const struct notify_queue *q);
/* Kills a running job (process group), drops waiting ones, frees. */
void notify_queue_free(struct notify_queue *q);

struct notify_stats {
	uint64_t started, succeeded, failed, timed_out, dropped;
};
void notify_queue_stats(const struct notify_queue *q, struct notify_stats *out);

#endif
