/*
 * fuzz_packet.c - libFuzzer harness for the VRRP codec.
 *
 * vrrp_packet_decode() is the first code to touch bytes from the network,
 * so it must survive anything: every input is decoded as if received over
 * IPv4 and over IPv6 (with and without the TTL check). Whatever decodes must
 * also survive the trip back: encoding the decoded advert and decoding the
 * result gives the same advert, which keeps encoder and decoder in step.
 *
 * Random bytes almost never carry a valid checksum, so each input is also
 * decoded with its checksum field repaired (with and without the
 * pseudo-header) to let the fuzzer reach the checks behind the checksum.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "failoverd/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vrrp_rx_meta fuzz_meta(const char *source, const char *destination, bool check_ttl)
{
	struct vrrp_rx_meta meta = {.ttl = VRRP_TTL, .check_ttl = check_ttl};

	if (ip_address_parse(source, &meta.source) < 0 ||
	    ip_address_parse(destination, &meta.destination) < 0)
		abort();
	return meta;
}

static bool fuzz_adverts_equal(const struct vrrp_advert *a, const struct vrrp_advert *b)
{
	if (a->version != b->version || a->type != b->type || a->vrid != b->vrid ||
	    a->priority != b->priority || a->count != b->count ||
	    a->interval_cs != b->interval_cs || a->family != b->family ||
	    a->auth_type != b->auth_type || a->checksum_mode != b->checksum_mode ||
	    memcmp(a->password, b->password, sizeof(a->password)) != 0)
		return false;
	for (unsigned int i = 0; i < a->count; i++)
		if (!ip_address_equal(&a->addresses[i], &b->addresses[i]))
			return false;
	return true;
}

static void fuzz_round_trip(const uint8_t *data, size_t size, const struct vrrp_rx_meta *meta)
{
	static struct vrrp_advert first, second;
	static uint8_t buf[VRRP_PACKET_MAX];

	if (vrrp_packet_decode(data, size, meta, &first) != VRRP_RX_OK)
		return;
	/* A decoded advert is always one we could have sent. */
	int len = vrrp_packet_encode(&first, &meta->source, &meta->destination, buf, sizeof(buf));
	if (len < 0)
		abort();
	if (vrrp_packet_decode(buf, (size_t)len, meta, &second) != VRRP_RX_OK)
		abort();
	if (!fuzz_adverts_equal(&first, &second))
		abort();
	/* An advert always matches its own configuration. */
	struct vrrp_rx_expect expect = {
	    .version = first.version,
	    .interval_cs = first.interval_cs,
	    .auth_type = first.auth_type,
	    .addresses = first.addresses,
	    .count = first.count,
	};
	memcpy(expect.password, first.password, sizeof(expect.password));
	if (vrrp_packet_match(&first, &expect) != VRRP_RX_OK)
		abort();
}

/* Folded sum of the pseudo-header of meta for a size-byte message. */
static uint32_t fuzz_pseudo_header_sum(const struct vrrp_rx_meta *meta, size_t size)
{
	uint8_t header[40] = {0};
	size_t n;

	if (meta->source.family == AF_INET) {
		memcpy(header, &meta->source.in.v4, 4);
		memcpy(header + 4, &meta->destination.in.v4, 4);
		header[9] = VRRP_IP_PROTOCOL;
		header[10] = (uint8_t)(size >> 8);
		header[11] = (uint8_t)size;
		n = 12;
	} else {
		memcpy(header, &meta->source.in.v6, 16);
		memcpy(header + 16, &meta->destination.in.v6, 16);
		header[34] = (uint8_t)(size >> 8);
		header[35] = (uint8_t)size;
		header[39] = VRRP_IP_PROTOCOL;
		n = 40;
	}
	return (uint16_t)~vrrp_checksum(header, n, 0);
}

static void fuzz_checksum_repair(uint8_t *buf, size_t size, uint32_t initial)
{
	buf[6] = 0;
	buf[7] = 0;
	uint16_t sum = vrrp_checksum(buf, size, initial);
	buf[6] = (uint8_t)(sum >> 8);
	buf[7] = (uint8_t)sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vrrp_rx_meta metas[] = {
	    fuzz_meta("10.0.0.1", "224.0.0.18", true),
	    fuzz_meta("fe80::1", "ff02::12", true),
	    fuzz_meta("192.0.2.1", "198.51.100.2", false),
	};
	/* Exact-size copy so ASan sees any read past the end. */
	uint8_t *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	for (size_t i = 0; i < sizeof(metas) / sizeof(metas[0]); i++) {
		fuzz_round_trip(copy, size, &metas[i]);
		vrrp_rx_error_name(
		    vrrp_packet_decode(copy, size, &metas[i], &(struct vrrp_advert){0}));
		if (size < VRRP_HEADER_LEN || size > 0xffff)
			continue;
		fuzz_checksum_repair(copy, size, 0);
		fuzz_round_trip(copy, size, &metas[i]);
		fuzz_checksum_repair(copy, size, fuzz_pseudo_header_sum(&metas[i], size));
		fuzz_round_trip(copy, size, &metas[i]);
		memcpy(copy, data, size);
	}
	free(copy);
	return 0;
}
