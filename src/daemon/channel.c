/*
 * channel.c - the receive side of one (interface, family): a raw VRRP
 * socket shared by every instance on it.
 *
 * A datagram goes through vrrp_packet_decode() (envelope checks), is
 * dispatched by VRID, then vrrp_packet_match() checks it against that
 * instance's configuration. A packet that fails any check is counted
 * under its reason and dropped before it can touch a timer; the event log
 * and syslog get the first one and then at most one line per reason every
 * RX_ERROR_LOG_INTERVAL, carrying the count of what was held back.
 */
#include <errno.h>
#include <string.h>

#include "failoverd/daemon.h"
#include "failoverd/instance.h"
#include "failoverd/log.h"
#include "failoverd/timefmt.h"

#define RX_ERROR_LOG_INTERVAL_US 10000000 /* 10 s */
#define RX_BURST_MAX 64 /* datagrams per wake-up, so one busy socket cannot starve timers */

static void channel_rx_error(struct vrrp_channel *c, enum vrrp_rx_error error,
			     const struct ip_address *source)
{
	uint64_t suppressed = 0;
	char text[IP_ADDRESS_TEXT_MAX];

	c->rx_errors[error]++;
	if (!ratelimit_allow(&c->rx_error_log[error], clock_monotonic_us(),
			     RX_ERROR_LOG_INTERVAL_US, &suppressed))
		return;
	log_warning("(%s) dropped VRRP packet from %s: %s (%llu such packets so far%s)", c->ifname,
		    ip_address_format(source, text, sizeof(text)), vrrp_rx_error_name(error),
		    (unsigned long long)c->rx_errors[error],
		    suppressed ? ", some not logged" : "");
	eventlog_rx_error(&c->daemon->events, c->ifname, source, vrrp_rx_error_name(error),
			  c->rx_errors[error], suppressed);
}

/* The TTL check is skipped only for unicast peers that are not on-link. */
static bool channel_check_ttl(const struct vrrp_channel *c, const struct ip_address *source)
{
	if (c->unicast_members == 0)
		return true;
	for (size_t i = 0; i < c->member_count; i++) {
		bool check;

		if (c->members[i]->cfg->unicast.enabled &&
		    instance_accepts_source(c->members[i], source, &check) && !check)
			return false;
	}
	return true;
}

static void channel_handle(struct vrrp_channel *c, const struct vrrp_received *rx)
{
	struct vrrp_advert *adv = &c->daemon->rx_advert;
	struct vrrp_rx_meta meta = {
		.source = rx->source,
		.destination = rx->destination,
		.ttl = rx->ttl,
	};
	struct vrrp_rx_expect expect;
	enum vrrp_rx_error err;
	bool check_ttl;

	c->received++;
	meta.check_ttl = channel_check_ttl(c, &rx->source);
	if (rx->truncated) {
		channel_rx_error(c, VRRP_RX_LENGTH, &rx->source);
		return;
	}
	err = vrrp_packet_decode(rx->data, rx->len, &meta, adv);
	if (err != VRRP_RX_OK) {
		channel_rx_error(c, err, &rx->source);
		return;
	}
	struct vrrp_instance *inst = c->by_vrid[adv->vrid];
	if (!inst) {
		channel_rx_error(c, VRRP_RX_VRID, &rx->source);
		return;
	}
	if (!instance_accepts_source(inst, &rx->source, &check_ttl)) {
		channel_rx_error(c, VRRP_RX_PEER, &rx->source);
		return;
	}
	instance_build_expect(inst, &expect);
	err = vrrp_packet_match(adv, &expect);
	if (err != VRRP_RX_OK) {
		channel_rx_error(c, err, &rx->source);
		return;
	}
	/* RFC 5798 7.1: the address owner does not process adverts. */
	if (inst->cfg->priority == VRRP_PRIORITY_OWNER)
		return;
	instance_receive(inst, adv, &rx->source);
}

static void on_channel_readable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct vrrp_channel *c = w->data;
	struct vrrp_received *rx = &c->daemon->rx_datagram;

	for (int i = 0; i < RX_BURST_MAX; i++) {
		int err = vrrp_socket_receive(&c->socket, rx);

		if (err == -EAGAIN)
			return;
		if (err == -EBADMSG) {
			channel_rx_error(c, VRRP_RX_LENGTH, &rx->source);
			continue;
		}
		if (err < 0) {
			log_warning("(%s) receive error: %s", c->ifname, strerror(-err));
			return;
		}
		channel_handle(c, rx);
	}
}

int channel_open(struct vrrp_channel *c)
{
	struct link_info link;
	int err;

	channel_close(c);
	err = netlink_link_get(&c->daemon->netlink, c->ifname, &link);
	if (err < 0)
		return err;
	err = vrrp_socket_open(&c->socket, c->family, c->ifname, link.ifindex);
	if (err < 0) {
		log_error("cannot open VRRP socket on %s (%s): %s", c->ifname,
			  c->family == AF_INET6 ? "IPv6" : "IPv4", strerror(-err));
		c->socket.fd = -1;
		return err;
	}
	ev_io_init(&c->io, on_channel_readable, c->socket.fd, EV_READ);
	c->io.data = c;
	ev_io_start(c->daemon->loop, &c->io);
	return 0;
}

void channel_close(struct vrrp_channel *c)
{
	if (c->socket.fd >= 0) {
		ev_io_stop(c->daemon->loop, &c->io);
		vrrp_socket_close(&c->socket);
	}
	c->socket.fd = -1;
}
