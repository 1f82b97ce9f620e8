/*
 * check_tcp.c - the tcp check, and the connection layer that tls and
 * http/https probes build on: a non-blocking connect (EINPROGRESS, wait for
 * EV_WRITE, read SO_ERROR), one ev_io whose callback runs the probe's
 * current step, and read/write helpers that go through TLS when the
 * connection has an SSL.
 *
 * Addresses must be numeric (IPv4, IPv6, IPv6 with %scope): they are
 * resolved once at create time with AI_NUMERICHOST, which never touches
 * DNS. A name would need a resolver call that can block the whole loop, so
 * it is refused when the check is created.
 *
 * A step that moves the probe on (connected -> handshake -> read) calls the
 * next step directly instead of waiting for readiness: TLS may already hold
 * decrypted bytes that no poll would announce.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_internal.h"
#include "failoverd/log.h"

int check_target_resolve(const char *host, uint16_t port, struct sockaddr_storage *out,
			 socklen_t *out_len)
{
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
				 .ai_socktype = SOCK_STREAM};
	struct addrinfo *res;
	char service[8];

	snprintf(service, sizeof(service), "%u", port);
	if (getaddrinfo(host, service, &hints, &res) != 0)
		return -EINVAL;
	memcpy(out, res->ai_addr, res->ai_addrlen);
	*out_len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static void check_conn_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct check *c = w->data;

	c->conn.step(c);
}

void check_conn_wait(struct check *c, int events, check_step_fn step, const char *phase)
{
	c->conn.step = step;
	c->conn.phase = phase;
	if (ev_is_active(&c->conn.io) && (c->conn.io.events & (EV_READ | EV_WRITE)) == events)
		return;
	ev_io_stop(c->loop, &c->conn.io);
	ev_io_set(&c->conn.io, c->conn.fd, events);
	ev_io_start(c->loop, &c->conn.io);
}

static void check_conn_connect_step(struct check *c)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->conn.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		check_probe_done(c, false, "connect: %s", strerror(err));
		return;
	}
	c->conn.after_connect(c);
}

void check_conn_open(struct check *c, check_step_fn on_connected)
{
	int fd = socket(c->target.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		check_probe_done(c, false, "socket: %s", strerror(errno));
		return;
	}
	c->conn.fd = fd;
	c->conn.len = 0;
	c->conn.sent = 0;
	c->conn.tls_done = false;
	c->conn.after_connect = on_connected;
	ev_io_init(&c->conn.io, check_conn_io_cb, fd, EV_WRITE);
	c->conn.io.data = c;
	if (connect(fd, (struct sockaddr *)&c->target, c->target_len) == 0) {
		on_connected(c);
		return;
	}
	if (errno != EINPROGRESS) {
		check_probe_done(c, false, "connect: %s", strerror(errno));
		return;
	}
	check_conn_wait(c, EV_WRITE, check_conn_connect_step, "connecting");
}

ssize_t check_conn_read(struct check *c, void *buf, size_t len)
{
	ssize_t n;

	if (c->conn.ssl)
		return check_tls_read(c, buf, len);
	n = recv(c->conn.fd, buf, len, 0);
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
		check_conn_wait(c, EV_READ, c->conn.step, c->conn.phase);
		return CHECK_IO_WAIT;
	}
	check_probe_done(c, false, "read: %s", strerror(errno));
	return CHECK_IO_DONE;
}

ssize_t check_conn_write(struct check *c, const void *buf, size_t len)
{
	ssize_t n;

	if (c->conn.ssl)
		return check_tls_write(c, buf, len);
	n = send(c->conn.fd, buf, len, MSG_NOSIGNAL);
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
		check_conn_wait(c, EV_WRITE, c->conn.step, c->conn.phase);
		return CHECK_IO_WAIT;
	}
	check_probe_done(c, false, "write: %s", strerror(errno));
	return CHECK_IO_DONE;
}

ssize_t check_conn_receive(struct check *c, size_t max)
{
	ssize_t n;

	if (!c->conn.buf) {
		c->conn.buf = malloc(max + 1);
		if (!c->conn.buf) {
			check_probe_done(c, false, "read: %s", strerror(ENOMEM));
			return CHECK_IO_DONE;
		}
		c->conn.cap = max;
		c->conn.len = 0;
	}
	for (;;) {
		if (c->conn.len >= c->conn.cap)
			return 0;
		n = check_conn_read(c, c->conn.buf + c->conn.len, c->conn.cap - c->conn.len);
		if (n <= 0)
			return n;
		c->conn.len += (size_t)n;
		c->conn.buf[c->conn.len] = '\0';
	}
}

void check_conn_close(struct check *c)
{
	if (c->conn.ssl)
		check_tls_close(c);
	if (c->conn.fd >= 0) {
		ev_io_stop(c->loop, &c->conn.io);
		close(c->conn.fd);
		c->conn.fd = -1;
	}
	free(c->conn.buf);
	c->conn.buf = NULL;
	c->conn.len = c->conn.cap = c->conn.sent = 0;
	c->conn.step = NULL;
	c->conn.phase = NULL;
}

const char *check_conn_phase(const struct check *c)
{
	return c->conn.phase;
}

/* tcp: success is an accepted connection. */

int check_target_init(struct check *c)
{
	if (check_target_resolve(c->cfg.address, c->cfg.port, &c->target, &c->target_len) < 0) {
		log_error("check %s: address '%s' is not a numeric IP address (names are not "
			  "resolved, so that no check can block the loop)",
			  c->cfg.name, c->cfg.address);
		return -EINVAL;
	}
	return 0;
}

static int check_tcp_init(struct check *c)
{
	return check_target_init(c);
}

static void check_tcp_connected(struct check *c)
{
	check_probe_done(c, true, "connected in %lld ms",
			 (long long)(check_probe_elapsed_us(c) / 1000));
}

static void check_tcp_start(struct check *c)
{
	check_conn_open(c, check_tcp_connected);
}

const struct check_ops check_tcp_ops = {
    .init = check_tcp_init,
    .start = check_tcp_start,
    .release = check_conn_close,
    .stop = check_conn_close,
    .phase = check_conn_phase,
};
