/*
 * vrrp_socket.h - raw IP protocol 112 socket for one (interface, family).
 *
 * All instances on an interface and family share one socket; the caller
 * dispatches received adverts by VRID. The socket joins 224.0.0.18 or
 * ff02::12 on the interface, sends with TTL / hop limit 255, pins the
 * source address per packet with IP_PKTINFO / IPV6_PKTINFO (binding would
 * filter multicast reception), and returns each received VRRP message with
 * its IP envelope (source, destination, TTL) and without the IPv4 header.
 */
#ifndef FAILOVERD_VRRP_SOCKET_H
#define FAILOVERD_VRRP_SOCKET_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "failoverd/address.h"
#include "failoverd/packet.h"

struct vrrp_socket {
	int fd;
	int family;
	int ifindex;
	char ifname[IFNAMSIZ];
};

struct vrrp_received {
	uint8_t data[VRRP_PACKET_MAX + 64]; /* the VRRP message */
	size_t len;
	struct ip_address source;
	struct ip_address destination;
	int ttl;     /* -1 if the kernel did not say */
	int ifindex; /* arrival interface */
	int truncated; /* the datagram was larger than data */
};

/* Opens, binds to the device and joins the VRRP group. 0 or -errno. */
int vrrp_socket_open(struct vrrp_socket *s, int family, const char *ifname, int ifindex);

/* Sends one VRRP message from source (may be unset: kernel chooses) to dst. */
int vrrp_socket_send(const struct vrrp_socket *s, const uint8_t *buf, size_t len,
		     const struct ip_address *source, const struct ip_address *dst);

/* Reads one datagram: 0, -EAGAIN when drained, -EBADMSG for a runt IPv4
 * header, or another -errno. */
int vrrp_socket_receive(const struct vrrp_socket *s, struct vrrp_received *out);

void vrrp_socket_close(struct vrrp_socket *s);

/* The VRRP multicast group of a family (224.0.0.18 / ff02::12). */
void vrrp_multicast_group(int family, struct ip_address *out);

#endif
