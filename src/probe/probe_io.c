/*
 * probe_io.c - deadline-bounded waiting, non-blocking connect and banner
 * reading for the probe kinds.
 *
 * Every wait goes through probe_wait(): ppoll() with the time left until an
 * absolute CLOCK_MONOTONIC deadline and with SIGINT/SIGTERM unblocked only
 * for the duration of the call, so a stop request cannot slip in between a
 * check of the flag and the wait.
 */
#include "probe_io.h"

#include "banner.h"
#include "clock.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int probe_wait(const struct probe_target *target, int fd, short events, int64_t deadline_us)
{
	struct pollfd pfd = {.fd = fd, .events = events};

	for (;;) {
		int64_t left = deadline_us - probe_clock_mono_us();
		struct timespec timeout;
		int ready;

		if (left < 0)
			left = 0;
		timeout.tv_sec = left / 1000000;
		timeout.tv_nsec = (left % 1000000) * 1000;
		ready = ppoll(fd >= 0 ? &pfd : NULL, fd >= 0 ? 1 : 0, &timeout, &target->wait_mask);
		if (ready > 0)
			return pfd.revents;
		if (ready == 0) {
			if (left == 0 || probe_clock_mono_us() >= deadline_us)
				return 0;
			continue;
		}
		if (errno != EINTR)
			return -errno;
		if (*target->stop)
			return -EINTR;
	}
}

enum probe_status probe_status_from_wait(int wait_result)
{
	if (wait_result == 0)
		return PROBE_TIMEOUT;
	if (wait_result == -EINTR)
		return PROBE_INTERRUPTED;
	return PROBE_ERROR;
}

enum probe_status probe_status_from_errno(int err)
{
	switch (err) {
	case 0:
		return PROBE_OK;
	case ECONNREFUSED:
		return PROBE_REFUSED;
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EHOSTDOWN:
	case ENETDOWN:
		return PROBE_UNREACHABLE;
	case ECONNRESET:
	case EPIPE:
		return PROBE_RESET;
	case ETIMEDOUT:
		return PROBE_TIMEOUT;
	default:
		return PROBE_ERROR;
	}
}

static enum probe_status probe_connect_finish(const struct probe_target *target, int fd,
					      int64_t deadline_us)
{
	socklen_t length = sizeof(int);
	int ready, err = 0;

	ready = probe_wait(target, fd, POLLOUT, deadline_us);
	if (ready <= 0)
		return probe_status_from_wait(ready);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &length) < 0)
		return PROBE_ERROR;
	return probe_status_from_errno(err);
}

enum probe_status probe_connect_stream(const struct probe_target *target, int64_t deadline_us,
				       int *fd)
{
	enum probe_status status = PROBE_OK;
	int sock;

	sock = socket(target->address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return PROBE_ERROR;
	if (connect(sock, (const struct sockaddr *)&target->address, target->address_length) < 0) {
		if (errno == EINPROGRESS)
			status = probe_connect_finish(target, sock, deadline_us);
		else
			status = probe_status_from_errno(errno);
	}
	if (status != PROBE_OK) {
		close(sock);
		return status;
	}
	*fd = sock;
	return PROBE_OK;
}

enum probe_status probe_read_banner(const struct probe_target *target, struct probe_reader *reader,
				    int64_t deadline_us)
{
	char banner[BANNER_EXPECT_MAX];
	size_t length = 0;

	for (;;) {
		enum probe_status failure = PROBE_ERROR;
		short events = POLLIN;
		ssize_t n;
		int ready;

		n = reader->read(reader, banner + length, sizeof(banner) - length, &events,
				 &failure);
		if (n > 0) {
			int verdict;

			length += (size_t)n;
			verdict = banner_check(target->expect, banner, length, false);
			if (verdict >= 0)
				return verdict ? PROBE_OK : PROBE_MISMATCH;
			continue;
		}
		/* End of stream: every byte so far matched, but too few came. */
		if (n == 0)
			return PROBE_CLOSED;
		if (n != -EAGAIN)
			return failure;
		ready = probe_wait(target, reader->fd, events, deadline_us);
		if (ready <= 0)
			return probe_status_from_wait(ready);
	}
}
