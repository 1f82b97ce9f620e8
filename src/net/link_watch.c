/*
 * link_watch.c - link events from the kernel, delivered into the libev loop.
 *
 * A raw libnl event socket (DEPENDENCIES 1.3 option A) subscribed to
 * RTNLGRP_LINK only, non-blocking, with a 1 MiB receive buffer so that a
 * burst of link changes (a switch reboot flapping every port) fits. Each
 * RTM_NEWLINK / RTM_DELLINK of family AF_UNSPEC becomes one callback, with
 * master, kind and bonding slave state read from the raw message; the
 * AF_INET6 copies the kernel also sends are ignored (they have no carrier
 * attribute and would read as "link down").
 *
 * If the buffer overflows anyway the kernel reports ENOBUFS (libnl:
 * -NLE_NOMEM) and some events are lost for good. The watcher counts the
 * overrun, dumps every link on a separate request socket and reports each
 * one, so the caller's view is whole again.
 */
#include "failoverd/netlink.h"

#include <errno.h>
#include <ev.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/rtnetlink.h>
#include <netlink/netlink.h>

#include "netlink_parse.h"

#define LINK_WATCH_BUFFER (1 << 20)
/* Datagrams handled per wake-up; libev calls again while more are queued. */
#define LINK_WATCH_BATCH 256

static int link_watch_on_message(struct nl_msg *msg, void *arg)
{
	struct link_watch *w = arg;
	struct link_info link;
	bool deleted = false;

	if (netlink_parse_link_message(msg, &link, &deleted) == 1)
		w->callback(w->ctx, &link, deleted);
	return NL_OK;
}

/* After an overrun: report every link as it is now (a dump on a request
 * socket of its own, so the bonding slave state comes along too). */
static void link_watch_resync(struct link_watch *w)
{
	struct netlink nl;

	if (netlink_open(&nl) < 0)
		return;
	netlink_link_dump(&nl, w->callback, w->ctx);
	netlink_close(&nl);
}

static void link_watch_on_readable(struct ev_loop *loop, ev_io *io, int revents)
{
	struct link_watch *w = io->data;
	struct nl_cb *cb = nl_socket_get_cb(w->sk);
	bool overrun = false;

	for (int i = 0; i < LINK_WATCH_BATCH; i++) {
		/* > 0: messages handled; -NLE_AGAIN: drained. */
		int err = nl_recvmsgs_report(w->sk, cb);

		if (err > 0)
			continue;
		if (err == -NLE_NOMEM) {
			w->overruns++;
			overrun = true;
			continue;
		}
		break;
	}
	nl_cb_put(cb);
	/* One dump after the batch covers every overrun seen in it. */
	if (overrun)
		link_watch_resync(w);
}

/* Asks for LINK_WATCH_BUFFER even above net.core.rmem_max when allowed
 * (CAP_NET_ADMIN), else whatever rmem_max grants. */
static int link_watch_set_buffer(struct nl_sock *sk)
{
	int size = LINK_WATCH_BUFFER;

	if (setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) == 0)
		return 0;
	return nl_socket_set_buffer_size(sk, LINK_WATCH_BUFFER, 0);
}

static int link_watch_connect(struct link_watch *w)
{
	int err;

	/* Notifications carry sequence number 0. */
	nl_socket_disable_seq_check(w->sk);
	err = nl_socket_modify_cb(w->sk, NL_CB_VALID, NL_CB_CUSTOM, link_watch_on_message, w);
	if (err < 0)
		return err;
	if ((err = nl_connect(w->sk, NETLINK_ROUTE)) < 0 ||
	    (err = nl_socket_add_memberships(w->sk, RTNLGRP_LINK, 0)) < 0 ||
	    (err = nl_socket_set_nonblocking(w->sk)) < 0)
		return err;
	return link_watch_set_buffer(w->sk);
}

int link_watch_open(struct link_watch *w, struct ev_loop *loop, link_event_fn callback, void *ctx)
{
	memset(w, 0, sizeof(*w));
	w->loop = loop;
	w->callback = callback;
	w->ctx = ctx;
	w->sk = nl_socket_alloc();
	ev_io *io = malloc(sizeof(*io));
	if (!w->sk || !io) {
		free(io);
		link_watch_close(w);
		return -ENOMEM;
	}
	int err = link_watch_connect(w);
	if (err < 0) {
		free(io);
		link_watch_close(w);
		return netlink_errno(err);
	}
	ev_io_init(io, link_watch_on_readable, nl_socket_get_fd(w->sk), EV_READ);
	io->data = w;
	ev_io_start(loop, io);
	w->io = io;
	return 0;
}

void link_watch_close(struct link_watch *w)
{
	if (w->io) {
		ev_io_stop(w->loop, w->io);
		free(w->io);
	}
	if (w->sk)
		nl_socket_free(w->sk);
	w->io = NULL;
	w->sk = NULL;
}
