/*
 * probe_io.h - socket plumbing shared by the probe kinds: waiting with a
 * deadline, non-blocking connect, reading a banner, errno to status.
 */
#ifndef FAILOVER_PROBE_PROBE_IO_H
#define FAILOVER_PROBE_PROBE_IO_H

#include "probe.h"

#include <sys/types.h>

/*
 * Waits until fd is ready for events or deadline_us passes. fd < 0 just
 * sleeps. Returns the ready events (> 0), 0 at the deadline, -EINTR when a
 * stop was requested, or another -errno.
 */
int probe_wait(const struct probe_target *target, int fd, short events, int64_t deadline_us);

/* Maps a wait result that is not "ready" to a probe status. */
enum probe_status probe_status_from_wait(int wait_result);

enum probe_status probe_status_from_errno(int err);

/* Non-blocking TCP connect; on PROBE_OK *fd is the connected socket. */
enum probe_status probe_connect_stream(const struct probe_target *target, int64_t deadline_us,
				       int *fd);

/*
 * A byte source for probe_read_banner(). read returns the number of bytes
 * read (> 0), 0 at end of stream, -EAGAIN after setting *events to what to
 * wait for, or another negative value after setting *failure.
 */
struct probe_reader {
	int fd;
	void *context;
	ssize_t (*read)(struct probe_reader *reader, char *buffer, size_t size, short *events,
			enum probe_status *failure);
};

/* Reads until the banner is known to start with target->expect, or not. */
enum probe_status probe_read_banner(const struct probe_target *target, struct probe_reader *reader,
				    int64_t deadline_us);

enum probe_status probe_tcp_run(const struct probe_target *target, int64_t deadline_us);
enum probe_status probe_tls_run(const struct probe_target *target, int64_t deadline_us);
enum probe_status probe_udp_run(const struct probe_target *target, int64_t deadline_us);

/* tls: the client context for options (verification, CA file). */
int probe_tls_context_create(const struct probe_options *options, SSL_CTX **out, char *error,
			     size_t error_size);

#endif
