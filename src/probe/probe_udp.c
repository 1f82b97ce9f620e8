/*
 * probe_udp.c - UDP probe: send the payload, succeed on any reply (that
 * starts with --expect, if given).
 *
 * Each probe uses a fresh connected socket: a reply that arrives after its
 * probe timed out hits a closed port instead of being credited to the next
 * probe, and an ICMP port unreachable for our own datagram comes back as
 * ECONNREFUSED, failing the probe at once instead of at the timeout.
 */
#include "probe_io.h"

#include "banner.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

/* Big enough for any reply worth matching; a longer one is truncated. */
#define PROBE_UDP_REPLY_MAX 2048

static enum probe_status probe_udp_check_reply(const struct probe_target *target, const char *reply,
					       size_t length)
{
	if (!target->expect)
		return PROBE_OK;
	return banner_check(target->expect, reply, length, true) == 1 ? PROBE_OK : PROBE_MISMATCH;
}

static enum probe_status probe_udp_await_reply(const struct probe_target *target, int fd,
					       int64_t deadline_us)
{
	char reply[PROBE_UDP_REPLY_MAX];

	for (;;) {
		ssize_t n = recv(fd, reply, sizeof(reply), MSG_DONTWAIT);
		int ready;

		if (n >= 0)
			return probe_udp_check_reply(target, reply, (size_t)n);
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return probe_status_from_errno(errno);
		ready = probe_wait(target, fd, POLLIN, deadline_us);
		if (ready <= 0)
			return probe_status_from_wait(ready);
	}
}

enum probe_status probe_udp_run(const struct probe_target *target, int64_t deadline_us)
{
	enum probe_status status;
	int fd;

	fd = socket(target->address.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return PROBE_ERROR;
	if (connect(fd, (const struct sockaddr *)&target->address, target->address_length) < 0)
		status = probe_status_from_errno(errno);
	else if (send(fd, target->payload, target->payload_length, MSG_NOSIGNAL) < 0)
		status = probe_status_from_errno(errno);
	else
		status = probe_udp_await_reply(target, fd, deadline_us);
	close(fd);
	return status;
}
