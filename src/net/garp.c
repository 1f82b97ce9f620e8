/*
 * garp.c - gratuitous ARP and unsolicited neighbour advertisements.
 *
 * When a router becomes MASTER it tells the segment that the VIPs now live
 * behind its MAC (RFC 5798 6.4.1 / 6.4.2, RFC 9568 likewise): a gratuitous
 * ARP request for each IPv4 VIP and an unsolicited NA for each IPv6 VIP.
 *
 * The builders write the frames byte by byte, so they are pure and their
 * output is compared with known frames in tests/unit/test_garp.c. The
 * sender owns two sockets opened once at start:
 * - AF_PACKET/SOCK_DGRAM for ARP: the kernel adds the Ethernet header with
 *   the sending interface's MAC. It is opened with protocol 0 so that it
 *   never receives (protocol ETH_P_ARP would queue every ARP frame on the
 *   host to it); the protocol is given per frame in sockaddr_ll.
 * - a raw ICMPv6 socket for NA: the kernel fills in the checksum. Every
 *   incoming ICMPv6 type is filtered out, for the same reason.
 */
#include "failoverd/garp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/icmp6.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ARP_HARDWARE_ETHER 1
#define ARP_PROTOCOL_IPV4 0x0800
#define ARP_OP_REQUEST 1
#define NA_TYPE 136
#define NA_FLAG_ROUTER 0x80
#define NA_FLAG_SOLICITED 0x40
#define NA_FLAG_OVERRIDE 0x20
#define ND_OPTION_TARGET_LINK_ADDRESS 2
#define ND_HOP_LIMIT 255 /* RFC 4861 7.1.2: receivers drop NAs with any other */

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * RFC 5227 3 (ARP Announcement): an ARP request whose sender and target
 * protocol addresses are both the VIP and whose target hardware address is
 * zero. Requests, not replies, are what every stack accepts to update an
 * existing entry.
 */
size_t garp_build_arp(uint8_t out[GARP_ARP_LEN], const uint8_t mac[6], const struct in_addr *vip)
{
	memset(out, 0, GARP_ARP_LEN);
	put_be16(out + 0, ARP_HARDWARE_ETHER);
	put_be16(out + 2, ARP_PROTOCOL_IPV4);
	out[4] = 6; /* hardware address length */
	out[5] = 4; /* protocol address length */
	put_be16(out + 6, ARP_OP_REQUEST);
	memcpy(out + 8, mac, 6);  /* sender hardware address */
	memcpy(out + 14, vip, 4); /* sender protocol address */
	/* out + 18: target hardware address, zero */
	memcpy(out + 24, vip, 4); /* target protocol address */
	return GARP_ARP_LEN;
}

/*
 * RFC 4861 4.4 and 7.2.6: type 136, checksum left to the kernel, Override
 * set so that caches take the new MAC, Solicited clear (unsolicited), the
 * target = VIP, and a Target Link-Layer Address option (type 2, length 1
 * unit of 8 bytes).
 */
size_t garp_build_na(uint8_t out[GARP_NA_LEN], const uint8_t mac[6], const struct in6_addr *vip,
		     bool router)
{
	memset(out, 0, GARP_NA_LEN);
	out[0] = NA_TYPE;
	/* out[1] code 0, out[2..3] checksum filled in by the kernel */
	out[4] = NA_FLAG_OVERRIDE | (router ? NA_FLAG_ROUTER : 0);
	memcpy(out + 8, vip, 16);
	out[24] = ND_OPTION_TARGET_LINK_ADDRESS;
	out[25] = 1;
	memcpy(out + 26, mac, 6);
	return GARP_NA_LEN;
}

static int garp_open_na_socket(int *out)
{
	struct icmp6_filter filter;
	int hops = ND_HOP_LIMIT;

	*out = -1;
	int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMPV6);
	if (fd < 0)
		return -errno;
	ICMP6_FILTER_SETBLOCKALL(&filter);
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	*out = fd;
	return 0;
}

/*
 * A host booted with IPv6 disabled cannot open the ICMPv6 socket; IPv4
 * announcements still work then, and garp_send refuses IPv6 VIPs.
 */
int garp_sender_open(struct garp_sender *g)
{
	g->na_fd = -1;
	g->arp_fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (g->arp_fd < 0)
		return -errno;
	int err = garp_open_na_socket(&g->na_fd);
	if (err < 0 && err != -EAFNOSUPPORT) {
		garp_sender_close(g);
		return err;
	}
	return 0;
}

void garp_sender_close(struct garp_sender *g)
{
	if (g->arp_fd >= 0)
		close(g->arp_fd);
	if (g->na_fd >= 0)
		close(g->na_fd);
	g->arp_fd = -1;
	g->na_fd = -1;
}

static int garp_send_arp(int fd, int ifindex, const uint8_t mac[6], const struct in_addr *vip)
{
	uint8_t frame[GARP_ARP_LEN];
	struct sockaddr_ll to = {
	    .sll_family = AF_PACKET,
	    .sll_protocol = htons(ETH_P_ARP),
	    .sll_ifindex = ifindex,
	    .sll_halen = 6,
	};

	memset(to.sll_addr, 0xff, 6); /* Ethernet broadcast */
	size_t len = garp_build_arp(frame, mac, vip);
	ssize_t sent = sendto(fd, frame, len, 0, (struct sockaddr *)&to, sizeof(to));
	if (sent < 0)
		return -errno;
	return (size_t)sent == len ? 0 : -EIO;
}

/* Adds a cmsg to msg at offset *used; returns the data pointer. */
static void *garp_cmsg_add(struct msghdr *msg, size_t *used, int type, size_t len)
{
	struct cmsghdr *c = (struct cmsghdr *)((char *)msg->msg_control + *used);

	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(len);
	*used += CMSG_SPACE(len);
	return CMSG_DATA(c);
}

static int garp_send_na(int fd, int ifindex, const uint8_t mac[6], const struct in6_addr *vip)
{
	uint8_t frame[GARP_NA_LEN];
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct sockaddr_in6 to = {.sin6_family = AF_INET6, .sin6_scope_id = (uint32_t)ifindex};
	struct in6_pktinfo info = {.ipi6_addr = IN6ADDR_ANY_INIT,
				   .ipi6_ifindex = (unsigned int)ifindex};
	int hops = ND_HOP_LIMIT;
	/* RFC 5798 6.4.2: VRRP announces its VIPs with the Router flag set. */
	size_t len = garp_build_na(frame, mac, vip, true);
	struct iovec iov = {.iov_base = frame, .iov_len = len};
	struct msghdr msg = {.msg_name = &to,
			     .msg_namelen = sizeof(to),
			     .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control.buf};
	size_t used = 0;

	memset(&control, 0, sizeof(control));
	inet_pton(AF_INET6, "ff02::1", &to.sin6_addr); /* all nodes */
	memcpy(garp_cmsg_add(&msg, &used, IPV6_PKTINFO, sizeof(info)), &info, sizeof(info));
	memcpy(garp_cmsg_add(&msg, &used, IPV6_HOPLIMIT, sizeof(hops)), &hops, sizeof(hops));
	msg.msg_controllen = used;

	ssize_t sent = sendmsg(fd, &msg, 0);
	if (sent < 0)
		return -errno;
	return (size_t)sent == len ? 0 : -EIO;
}

int garp_send(const struct garp_sender *g, int ifindex, const uint8_t mac[6],
	      const struct ip_address *vip)
{
	if (ifindex <= 0)
		return -EINVAL;
	switch (vip->family) {
	case AF_INET:
		if (g->arp_fd < 0)
			return -EBADF;
		return garp_send_arp(g->arp_fd, ifindex, mac, &vip->in.v4);
	case AF_INET6:
		if (g->na_fd < 0)
			return -EAFNOSUPPORT;
		return garp_send_na(g->na_fd, ifindex, mac, &vip->in.v6);
	default:
		return -EAFNOSUPPORT;
	}
}
