/*
 * vrrp_socket.c - the raw IP protocol 112 socket of one (interface, family).
 *
 * One socket per interface and family carries every virtual router on it,
 * multicast and unicast alike. It is bound to the device, joined to the
 * VRRP group on that ifindex and never bound to an address: an address
 * binding would make the kernel drop adverts sent to 224.0.0.18 / ff02::12.
 * The source address is instead pinned per packet with IP_PKTINFO /
 * IPV6_PKTINFO ancillary data.
 *
 * Receiving hands back the VRRP message plus its IP envelope, because the
 * protocol checks need it (RFC 5798 7.1: TTL / hop limit must be 255; the
 * source is the peer's primary address). IPv4 raw sockets deliver the IP
 * header in the data and it is parsed and stripped here; IPv6 raw sockets
 * deliver only the payload and the envelope comes from msg_name and
 * ancillary data.
 */
#include "failoverd/vrrp_socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/ip.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define VRRP_GROUP_V4 "224.0.0.18"
#define VRRP_GROUP_V6 "ff02::12"
#define IPV4_HEADER_MAX 60
/* RFC 5798 8.1.2 / 8.2.2: the checksum sits at offset 6 of the message. */
#define VRRP_CHECKSUM_OFFSET 6
#define VRRP_TRAFFIC_CLASS 0xc0 /* network control, as IPTOS_PREC_INTERNETCONTROL */

/* Room for the ancillary data either family asks for. */
union vrrp_cmsg_buffer {
	char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int)) +
		 CMSG_SPACE(sizeof(struct in_pktinfo)) + CMSG_SPACE(sizeof(int))];
	struct cmsghdr align;
};

static int set_int_option(int fd, int level, int name, int value)
{
	if (setsockopt(fd, level, name, &value, sizeof(value)) < 0)
		return -errno;
	return 0;
}

/* Called for every advert sent: constants, not text to parse each time. */
void vrrp_multicast_group(int family, struct ip_address *out)
{
	static const struct in6_addr group_v6 = {
		.s6_addr = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12}};

	memset(out, 0, sizeof(*out));
	if (family == AF_INET)
		out->in.v4.s_addr = htonl(0xe0000012); /* 224.0.0.18 */
	else if (family == AF_INET6)
		out->in.v6 = group_v6; /* ff02::12 */
	else
		return;
	out->family = family;
}

static int vrrp_socket_setup_v4(int fd, int ifindex)
{
	struct ip_mreqn group = {.imr_ifindex = ifindex};
	struct ip_mreqn outgoing = {.imr_ifindex = ifindex};
	int err;

	inet_pton(AF_INET, VRRP_GROUP_V4, &group.imr_multiaddr);
	if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &group, sizeof(group)) < 0)
		return -errno;
	if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &outgoing, sizeof(outgoing)) < 0)
		return -errno;
	/* RFC 5798 5.1.1.3: TTL 255, for multicast and unicast peers alike. */
	if ((err = set_int_option(fd, IPPROTO_IP, IP_MULTICAST_TTL, VRRP_TTL)) < 0 ||
	    (err = set_int_option(fd, IPPROTO_IP, IP_TTL, VRRP_TTL)) < 0)
		return err;
	/* Our own adverts must not come back to us, nor other groups' traffic. */
	if ((err = set_int_option(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0)) < 0 ||
	    (err = set_int_option(fd, IPPROTO_IP, IP_MULTICAST_ALL, 0)) < 0)
		return err;
	if ((err = set_int_option(fd, IPPROTO_IP, IP_PKTINFO, 1)) < 0 ||
	    (err = set_int_option(fd, IPPROTO_IP, IP_RECVTTL, 1)) < 0)
		return err;
	return set_int_option(fd, IPPROTO_IP, IP_TOS, IPTOS_PREC_INTERNETCONTROL);
}

static int vrrp_socket_setup_v6(int fd, int ifindex)
{
	struct ipv6_mreq group = {.ipv6mr_interface = (unsigned int)ifindex};
	int err;

	/* The kernel computes the checksum on send and drops bad ones on receipt. */
	if ((err = set_int_option(fd, IPPROTO_IPV6, IPV6_CHECKSUM, VRRP_CHECKSUM_OFFSET)) < 0)
		return err;
	inet_pton(AF_INET6, VRRP_GROUP_V6, &group.ipv6mr_multiaddr);
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &group, sizeof(group)) < 0)
		return -errno;
	if ((err = set_int_option(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex)) < 0)
		return err;
	/* RFC 5798 5.1.2.3: hop limit 255, for multicast and unicast peers alike. */
	if ((err = set_int_option(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, VRRP_TTL)) < 0 ||
	    (err = set_int_option(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, VRRP_TTL)) < 0)
		return err;
	if ((err = set_int_option(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0)) < 0)
		return err;
	/* Older kernels (< 4.20) lack it; the group join still filters enough. */
	err = set_int_option(fd, IPPROTO_IPV6, IPV6_MULTICAST_ALL, 0);
	if (err < 0 && err != -ENOPROTOOPT)
		return err;
	if ((err = set_int_option(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1)) < 0 ||
	    (err = set_int_option(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1)) < 0)
		return err;
	return set_int_option(fd, IPPROTO_IPV6, IPV6_TCLASS, VRRP_TRAFFIC_CLASS);
}

int vrrp_socket_open(struct vrrp_socket *s, int family, const char *ifname, int ifindex)
{
	size_t name_len = strlen(ifname);
	int err;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	if (name_len == 0 || name_len >= sizeof(s->ifname) || ifindex <= 0)
		return -EINVAL;

	int fd = socket(family, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, VRRP_IP_PROTOCOL);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)name_len + 1) < 0)
		err = -errno;
	else if (family == AF_INET)
		err = vrrp_socket_setup_v4(fd, ifindex);
	else
		err = vrrp_socket_setup_v6(fd, ifindex);
	if (err < 0) {
		close(fd);
		return err;
	}
	s->fd = fd;
	s->family = family;
	s->ifindex = ifindex;
	memcpy(s->ifname, ifname, name_len + 1);
	return 0;
}

void vrrp_socket_close(struct vrrp_socket *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* IP_PKTINFO: ipi_spec_dst is the source address of the outgoing packet. */
static size_t vrrp_cmsg_source_v4(struct msghdr *msg, int ifindex, const struct in_addr *source)
{
	struct cmsghdr *c = CMSG_FIRSTHDR(msg);
	struct in_pktinfo info = {.ipi_ifindex = ifindex, .ipi_spec_dst = *source};

	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(info));
	memcpy(CMSG_DATA(c), &info, sizeof(info));
	return CMSG_SPACE(sizeof(info));
}

static size_t vrrp_cmsg_source_v6(struct msghdr *msg, int ifindex, const struct in6_addr *source)
{
	struct cmsghdr *c = CMSG_FIRSTHDR(msg);
	struct in6_pktinfo info = {.ipi6_addr = *source, .ipi6_ifindex = (unsigned int)ifindex};

	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(info));
	memcpy(CMSG_DATA(c), &info, sizeof(info));
	return CMSG_SPACE(sizeof(info));
}

int vrrp_socket_send(const struct vrrp_socket *s, const uint8_t *buf, size_t len,
		     const struct ip_address *source, const struct ip_address *dst)
{
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} to;
	union vrrp_cmsg_buffer control;
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	struct msghdr msg = {.msg_name = &to, .msg_iov = &iov, .msg_iovlen = 1};
	bool with_source = source && source->family != 0;

	if (s->fd < 0)
		return -EBADF;
	if (dst->family != s->family || (with_source && source->family != s->family))
		return -EAFNOSUPPORT;

	memset(&to, 0, sizeof(to));
	memset(&control, 0, sizeof(control));
	if (with_source) {
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
	}
	if (s->family == AF_INET) {
		to.v4.sin_family = AF_INET;
		to.v4.sin_addr = dst->in.v4;
		msg.msg_namelen = sizeof(to.v4);
		if (with_source)
			msg.msg_controllen = vrrp_cmsg_source_v4(&msg, s->ifindex, &source->in.v4);
	} else {
		to.v6.sin6_family = AF_INET6;
		to.v6.sin6_addr = dst->in.v6;
		/* ff02::12 and fe80:: peers are only meaningful with a zone. */
		if (IN6_IS_ADDR_LINKLOCAL(&dst->in.v6) || IN6_IS_ADDR_MC_LINKLOCAL(&dst->in.v6))
			to.v6.sin6_scope_id = (uint32_t)s->ifindex;
		msg.msg_namelen = sizeof(to.v6);
		if (with_source)
			msg.msg_controllen = vrrp_cmsg_source_v6(&msg, s->ifindex, &source->in.v6);
	}

	ssize_t sent;
	do
		sent = sendmsg(s->fd, &msg, 0);
	while (sent < 0 && errno == EINTR);
	if (sent < 0)
		return -errno;
	return (size_t)sent == len ? 0 : -EIO;
}

/* Reads the interface and, for IPv6, the destination and hop limit. */
static void vrrp_received_ancillary(struct msghdr *msg, struct vrrp_received *out)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
			struct in_pktinfo info;

			memcpy(&info, CMSG_DATA(c), sizeof(info));
			out->ifindex = info.ipi_ifindex;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
			   c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
			struct in6_pktinfo info;

			memcpy(&info, CMSG_DATA(c), sizeof(info));
			out->ifindex = (int)info.ipi6_ifindex;
			out->destination.family = AF_INET6;
			out->destination.in.v6 = info.ipi6_addr;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT &&
			   c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			memcpy(&out->ttl, CMSG_DATA(c), sizeof(int));
		}
	}
}

/*
 * IPv4 raw sockets deliver the IP header first. Its addresses and TTL are
 * the envelope; the payload (total length minus header) is the message.
 */
static int vrrp_received_strip_v4(const uint8_t *packet, size_t len, bool truncated,
				  struct vrrp_received *out)
{
	struct iphdr ip;

	if (len < sizeof(ip))
		return -EBADMSG;
	memcpy(&ip, packet, sizeof(ip));
	size_t header_len = (size_t)ip.ihl * 4;
	size_t total_len = ntohs(ip.tot_len);
	if (ip.version != 4 || header_len < sizeof(ip) || header_len > len ||
	    total_len < header_len)
		return -EBADMSG;
	if (total_len > len && !truncated)
		return -EBADMSG;
	if (total_len < len)
		len = total_len;

	size_t payload_len = len - header_len;
	if (payload_len > sizeof(out->data)) {
		payload_len = sizeof(out->data);
		truncated = true;
	}
	memcpy(out->data, packet + header_len, payload_len);
	out->len = payload_len;
	out->truncated = truncated;
	out->ttl = ip.ttl;
	out->source.family = AF_INET;
	out->source.in.v4.s_addr = ip.saddr;
	out->destination.family = AF_INET;
	out->destination.in.v4.s_addr = ip.daddr;
	return 0;
}

static int vrrp_socket_receive_v4(const struct vrrp_socket *s, struct vrrp_received *out)
{
	uint8_t packet[IPV4_HEADER_MAX + sizeof(out->data)];
	union vrrp_cmsg_buffer control;
	struct iovec iov = {.iov_base = packet, .iov_len = sizeof(packet)};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf)};
	ssize_t n;

	do
		n = recvmsg(s->fd, &msg, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	vrrp_received_ancillary(&msg, out);
	return vrrp_received_strip_v4(packet, (size_t)n, msg.msg_flags & MSG_TRUNC, out);
}

static int vrrp_socket_receive_v6(const struct vrrp_socket *s, struct vrrp_received *out)
{
	struct sockaddr_in6 from;
	union vrrp_cmsg_buffer control;
	struct iovec iov = {.iov_base = out->data, .iov_len = sizeof(out->data)};
	struct msghdr msg = {.msg_name = &from,
			     .msg_namelen = sizeof(from),
			     .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf)};
	ssize_t n;

	memset(&from, 0, sizeof(from));
	do
		n = recvmsg(s->fd, &msg, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	out->len = (size_t)n;
	out->truncated = (msg.msg_flags & MSG_TRUNC) != 0;
	if (msg.msg_namelen >= sizeof(from) && from.sin6_family == AF_INET6) {
		out->source.family = AF_INET6;
		out->source.in.v6 = from.sin6_addr;
	}
	vrrp_received_ancillary(&msg, out);
	return 0;
}

int vrrp_socket_receive(const struct vrrp_socket *s, struct vrrp_received *out)
{
	memset(&out->source, 0, sizeof(out->source));
	memset(&out->destination, 0, sizeof(out->destination));
	out->len = 0;
	out->ttl = -1;
	/* SO_BINDTODEVICE: anything read here arrived on s->ifindex. */
	out->ifindex = s->ifindex;
	out->truncated = 0;
	if (s->fd < 0)
		return -EBADF;
	if (s->family == AF_INET)
		return vrrp_socket_receive_v4(s, out);
	return vrrp_socket_receive_v6(s, out);
}
