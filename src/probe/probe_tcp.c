/*
 * probe_tcp.c - TCP probe: the connection is established (and, with
 * --expect, the server's first bytes start with the expected text).
 */
#include "probe_io.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

static ssize_t probe_tcp_read(struct probe_reader *reader, char *buffer, size_t size, short *events,
			      enum probe_status *failure)
{
	ssize_t n = recv(reader->fd, buffer, size, MSG_DONTWAIT);

	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK) {
		*events = POLLIN;
		return -EAGAIN;
	}
	*failure = probe_status_from_errno(errno);
	return -EIO;
}

enum probe_status probe_tcp_run(const struct probe_target *target, int64_t deadline_us)
{
	struct probe_reader reader = {.read = probe_tcp_read};
	enum probe_status status;
	int fd;

	status = probe_connect_stream(target, deadline_us, &fd);
	if (status != PROBE_OK)
		return status;
	if (target->expect) {
		reader.fd = fd;
		status = probe_read_banner(target, &reader, deadline_us);
	}
	close(fd);
	return status;
}
