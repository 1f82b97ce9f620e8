/*
 * test_garp.c - the gratuitous ARP and unsolicited NA frames, byte by byte.
 *
 * The expected frames are written out from RFC 826 / RFC 5227 (ARP) and
 * RFC 4861 4.4 (NA) field by field, so a builder that shifts a field,
 * swaps byte order or sets the wrong flag fails here without root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "failoverd/garp.h"

/* 00:00:5e:00:01:33, the VRRP virtual MAC of VRID 51 (RFC 5798 7.3). */
static const uint8_t vmac[6] = {0x00, 0x00, 0x5e, 0x00, 0x01, 0x33};

static void test_arp_frame_is_announcement(void **state)
{
	const uint8_t expected[GARP_ARP_LEN] = {
	    0x00, 0x01,				/* hardware: Ethernet */
	    0x08, 0x00,				/* protocol: IPv4 */
	    0x06, 0x04,				/* address lengths */
	    0x00, 0x01,				/* op: request */
	    0x00, 0x00, 0x5e, 0x00, 0x01, 0x33, /* sender MAC */
	    0xc0, 0x00, 0x02, 0x33,		/* sender IP 192.0.2.51 */
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* target MAC: zero */
	    0xc0, 0x00, 0x02, 0x33,		/* target IP = sender IP */
	};
	uint8_t frame[GARP_ARP_LEN];
	struct in_addr vip;

	memset(frame, 0xaa, sizeof(frame)); /* the builder must write every byte */
	assert_int_equal(inet_pton(AF_INET, "192.0.2.51", &vip), 1);
	assert_int_equal(garp_build_arp(frame, vmac, &vip), GARP_ARP_LEN);
	assert_memory_equal(frame, expected, GARP_ARP_LEN);
}

static void test_arp_frame_follows_mac_and_vip(void **state)
{
	const uint8_t mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
	uint8_t frame[GARP_ARP_LEN];
	struct in_addr vip;

	assert_int_equal(inet_pton(AF_INET, "10.1.2.3", &vip), 1);
	garp_build_arp(frame, mac, &vip);
	assert_memory_equal(frame + 8, mac, 6);
	assert_memory_equal(frame + 14, "\x0a\x01\x02\x03", 4);
	assert_memory_equal(frame + 24, "\x0a\x01\x02\x03", 4);
}

static void build_expected_na(uint8_t expected[GARP_NA_LEN], uint8_t flags)
{
	const uint8_t head[8] = {136, 0, 0, 0, flags, 0, 0, 0};
	const uint8_t target[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x51};
	const uint8_t option[8] = {2, 1, 0x00, 0x00, 0x5e, 0x00, 0x01, 0x33};

	memcpy(expected, head, 8);
	memcpy(expected + 8, target, 16);
	memcpy(expected + 24, option, 8);
}

static void test_na_frame_override_without_router(void **state)
{
	uint8_t expected[GARP_NA_LEN], frame[GARP_NA_LEN];
	struct in6_addr vip;

	build_expected_na(expected, 0x20); /* O set; R and S clear */
	memset(frame, 0xaa, sizeof(frame));
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::51", &vip), 1);
	assert_int_equal(garp_build_na(frame, vmac, &vip, false), GARP_NA_LEN);
	assert_memory_equal(frame, expected, GARP_NA_LEN);
}

static void test_na_frame_router_flag(void **state)
{
	uint8_t expected[GARP_NA_LEN], frame[GARP_NA_LEN];
	struct in6_addr vip;

	build_expected_na(expected, 0xa0); /* R and O set; S clear */
	memset(frame, 0xaa, sizeof(frame));
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::51", &vip), 1);
	assert_int_equal(garp_build_na(frame, vmac, &vip, true), GARP_NA_LEN);
	assert_memory_equal(frame, expected, GARP_NA_LEN);
	/* RFC 4861 7.2.6: unsolicited, so the Solicited flag must be clear. */
	assert_int_equal(frame[4] & 0x40, 0);
}

static void test_send_refuses_unknown_family(void **state)
{
	const struct garp_sender closed = {.arp_fd = -1, .na_fd = -1};
	struct ip_address none = {.family = 0};
	struct ip_address v6 = {.family = AF_INET6};
	struct ip_address v4 = {.family = AF_INET};

	assert_int_equal(garp_send(&closed, 2, vmac, &none), -EAFNOSUPPORT);
	/* No NA socket (IPv6 disabled on the host): IPv6 VIPs are refused. */
	assert_int_equal(garp_send(&closed, 2, vmac, &v6), -EAFNOSUPPORT);
	assert_int_equal(garp_send(&closed, 2, vmac, &v4), -EBADF);
	assert_int_equal(garp_send(&closed, 0, vmac, &v4), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_arp_frame_is_announcement),
	    cmocka_unit_test(test_arp_frame_follows_mac_and_vip),
	    cmocka_unit_test(test_na_frame_override_without_router),
	    cmocka_unit_test(test_na_frame_router_flag),
	    cmocka_unit_test(test_send_refuses_unknown_family),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
