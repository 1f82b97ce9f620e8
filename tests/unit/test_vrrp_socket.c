/*
 * test_vrrp_socket.c - what vrrp_socket_receive makes of the bytes it reads.
 *
 * An IPv4 raw socket hands over whole IP packets; the receive path must
 * take the envelope (source, destination, TTL) from the header, strip it
 * (options included) and refuse malformed headers. Those paths are driven
 * here through a non-blocking AF_UNIX datagram pair standing in for the
 * raw socket, so no root is needed. Real traffic over a veth pair is
 * covered by tests/lab/net_smoke.py.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "failoverd/vrrp_socket.h"

struct pair {
	struct vrrp_socket s; /* reads from fds[0] */
	int peer;	      /* writes into it */
};

static int pair_setup(void **state)
{
	static struct pair p;
	int fds[2];

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, fds) < 0)
		return -1;
	memset(&p, 0, sizeof(p));
	p.s.fd = fds[0];
	p.s.family = AF_INET;
	p.s.ifindex = 3;
	strcpy(p.s.ifname, "eth0");
	p.peer = fds[1];
	*state = &p;
	return 0;
}

static int pair_teardown(void **state)
{
	struct pair *p = *state;

	vrrp_socket_close(&p->s);
	close(p->peer);
	return 0;
}

/* An IPv4 header of header_len bytes (options zero) announcing total_len. */
static size_t ipv4_packet(uint8_t *out, size_t header_len, size_t total_len, const uint8_t *payload,
			  size_t payload_len)
{
	memset(out, 0, header_len);
	out[0] = (uint8_t)(0x40 | (header_len / 4));
	out[2] = (uint8_t)(total_len >> 8);
	out[3] = (uint8_t)total_len;
	out[8] = 255; /* TTL */
	out[9] = 112; /* VRRP */
	inet_pton(AF_INET, "10.0.0.2", out + 12);
	inet_pton(AF_INET, "224.0.0.18", out + 16);
	memcpy(out + header_len, payload, payload_len);
	return header_len + payload_len;
}

static void send_bytes(struct pair *p, const uint8_t *buf, size_t len)
{
	assert_int_equal(send(p->peer, buf, len, 0), (ssize_t)len);
}

static const uint8_t advert[12] = {0x31, 0x33, 0x96, 0x01, 0x00, 0x64,
				   0xab, 0xcd, 0xc0, 0x00, 0x02, 0x33};

static void assert_address(const struct ip_address *a, const char *expected)
{
	char text[IP_ADDRESS_TEXT_MAX];

	assert_string_equal(ip_address_format(a, text, sizeof(text)), expected);
}

static void test_v4_header_stripped_envelope_kept(void **state)
{
	struct pair *p = *state;
	uint8_t packet[64];
	static struct vrrp_received r;

	send_bytes(p, packet, ipv4_packet(packet, 20, 20 + sizeof(advert), advert, sizeof(advert)));
	assert_int_equal(vrrp_socket_receive(&p->s, &r), 0);
	assert_int_equal(r.len, sizeof(advert));
	assert_memory_equal(r.data, advert, sizeof(advert));
	assert_int_equal(r.ttl, 255);
	assert_address(&r.source, "10.0.0.2");
	assert_address(&r.destination, "224.0.0.18");
	assert_int_equal(r.ifindex, 3);
	assert_false(r.truncated);
}

static void test_v4_header_options_stripped(void **state)
{
	struct pair *p = *state;
	uint8_t packet[64];
	static struct vrrp_received r;

	send_bytes(p, packet, ipv4_packet(packet, 24, 24 + sizeof(advert), advert, sizeof(advert)));
	assert_int_equal(vrrp_socket_receive(&p->s, &r), 0);
	assert_int_equal(r.len, sizeof(advert));
	assert_memory_equal(r.data, advert, sizeof(advert));
}

static void test_v4_trailing_bytes_beyond_total_length_ignored(void **state)
{
	struct pair *p = *state;
	uint8_t packet[64];
	static struct vrrp_received r;

	/* Total length says 8 bytes of payload; 12 follow. */
	send_bytes(p, packet, ipv4_packet(packet, 20, 28, advert, sizeof(advert)));
	assert_int_equal(vrrp_socket_receive(&p->s, &r), 0);
	assert_int_equal(r.len, 8);
}

static void test_v4_malformed_headers_refused(void **state)
{
	struct pair *p = *state;
	uint8_t packet[64];
	static struct vrrp_received r;
	size_t len;

	len = ipv4_packet(packet, 20, 20 + sizeof(advert), advert, sizeof(advert));
	send_bytes(p, packet, 19); /* runt: shorter than any header */
	assert_int_equal(vrrp_socket_receive(&p->s, &r), -EBADMSG);

	packet[0] = 0x44; /* IHL 4: below the minimum */
	send_bytes(p, packet, len);
	assert_int_equal(vrrp_socket_receive(&p->s, &r), -EBADMSG);

	packet[0] = 0x4f; /* IHL 15: 60 bytes, more than arrived */
	send_bytes(p, packet, len);
	assert_int_equal(vrrp_socket_receive(&p->s, &r), -EBADMSG);

	packet[0] = 0x65; /* version 6 */
	send_bytes(p, packet, len);
	assert_int_equal(vrrp_socket_receive(&p->s, &r), -EBADMSG);

	/* Total length beyond what arrived, without truncation. */
	len = ipv4_packet(packet, 20, 40 + sizeof(advert), advert, sizeof(advert));
	send_bytes(p, packet, len);
	assert_int_equal(vrrp_socket_receive(&p->s, &r), -EBADMSG);

	/* Total length shorter than the header. */
	len = ipv4_packet(packet, 20, 16, advert, sizeof(advert));
	send_bytes(p, packet, len);
	assert_int_equal(vrrp_socket_receive(&p->s, &r), -EBADMSG);
}

static void test_v4_oversized_datagram_truncated(void **state)
{
	struct pair *p = *state;
	static struct vrrp_received r;
	static uint8_t packet[20 + sizeof(r.data) + 200];
	static uint8_t payload[sizeof(r.data) + 200];

	memset(payload, 0x5a, sizeof(payload));
	send_bytes(p, packet, ipv4_packet(packet, 20, sizeof(packet), payload, sizeof(payload)));
	assert_int_equal(vrrp_socket_receive(&p->s, &r), 0);
	assert_true(r.truncated);
	assert_int_equal(r.len, sizeof(r.data));
	assert_memory_equal(r.data, payload, sizeof(r.data));
}

static void test_drained_socket_says_again(void **state)
{
	struct pair *p = *state;
	static struct vrrp_received r;

	assert_int_equal(vrrp_socket_receive(&p->s, &r), -EAGAIN);
}

/* IPv6 data has no header; without ancillary data nothing is known. */
static void test_v6_without_ancillary_data(void **state)
{
	struct pair *p = *state;
	static struct vrrp_received r;

	p->s.family = AF_INET6;
	send_bytes(p, advert, sizeof(advert));
	assert_int_equal(vrrp_socket_receive(&p->s, &r), 0);
	assert_int_equal(r.len, sizeof(advert));
	assert_memory_equal(r.data, advert, sizeof(advert));
	assert_int_equal(r.ttl, -1);
	assert_int_equal(r.source.family, 0);
	assert_int_equal(r.destination.family, 0);
	p->s.family = AF_INET;
}

static void test_multicast_groups(void **state)
{
	struct ip_address group;

	vrrp_multicast_group(AF_INET, &group);
	assert_address(&group, "224.0.0.18");
	vrrp_multicast_group(AF_INET6, &group);
	assert_address(&group, "ff02::12");
	vrrp_multicast_group(AF_UNIX, &group);
	assert_int_equal(group.family, 0);
}

static void test_open_refuses_bad_arguments(void **state)
{
	struct vrrp_socket s;

	assert_int_equal(vrrp_socket_open(&s, AF_UNIX, "eth0", 2), -EAFNOSUPPORT);
	assert_int_equal(s.fd, -1);
	assert_int_equal(vrrp_socket_open(&s, AF_INET, "a-name-longer-than-15", 2), -EINVAL);
	assert_int_equal(s.fd, -1);
	assert_int_equal(vrrp_socket_open(&s, AF_INET, "", 2), -EINVAL);
	assert_int_equal(vrrp_socket_open(&s, AF_INET6, "eth0", 0), -EINVAL);
}

static void test_send_checks_families(void **state)
{
	struct pair *p = *state;
	struct ip_address v4, v6;
	const struct vrrp_socket closed = {.fd = -1, .family = AF_INET, .ifindex = 3};

	vrrp_multicast_group(AF_INET, &v4);
	vrrp_multicast_group(AF_INET6, &v6);
	assert_int_equal(vrrp_socket_send(&p->s, advert, sizeof(advert), NULL, &v6), -EAFNOSUPPORT);
	assert_int_equal(vrrp_socket_send(&p->s, advert, sizeof(advert), &v6, &v4), -EAFNOSUPPORT);
	assert_int_equal(vrrp_socket_send(&closed, advert, sizeof(advert), NULL, &v4), -EBADF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_v4_header_stripped_envelope_kept, pair_setup,
					    pair_teardown),
	    cmocka_unit_test_setup_teardown(test_v4_header_options_stripped, pair_setup,
					    pair_teardown),
	    cmocka_unit_test_setup_teardown(test_v4_trailing_bytes_beyond_total_length_ignored,
					    pair_setup, pair_teardown),
	    cmocka_unit_test_setup_teardown(test_v4_malformed_headers_refused, pair_setup,
					    pair_teardown),
	    cmocka_unit_test_setup_teardown(test_v4_oversized_datagram_truncated, pair_setup,
					    pair_teardown),
	    cmocka_unit_test_setup_teardown(test_drained_socket_says_again, pair_setup,
					    pair_teardown),
	    cmocka_unit_test_setup_teardown(test_v6_without_ancillary_data, pair_setup,
					    pair_teardown),
	    cmocka_unit_test(test_multicast_groups),
	    cmocka_unit_test(test_open_refuses_bad_arguments),
	    cmocka_unit_test_setup_teardown(test_send_checks_families, pair_setup, pair_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
