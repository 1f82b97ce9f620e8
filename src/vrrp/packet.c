/*
 * packet.c - VRRP advertisement codec: bytes to struct vrrp_advert and back.
 *
 * Everything here is pure: no sockets, clocks, globals or allocation, so the
 * whole receive path can be unit-tested and fuzzed without privileges. The
 * socket layer hands us the VRRP message (the IP payload, no IP header) and
 * what it learnt from the IP envelope (struct vrrp_rx_meta).
 *
 * Wire format, RFC 5798 5.1 / RFC 9568 5.1 (v3) and RFC 3768 5.1 (v2):
 *
 *   0               1               2               3
 *   | ver | type    | VRID          | Priority      | Count IPvX    |
 *   v3: | rsvd | Max Adver Int (12 bits, cs) | Checksum             |
 *   v2: | Auth Type     | Adver Int (s) | Checksum                     |
 *   IPvX address(es) ...
 *   v2 only: 8 bytes of authentication data
 *
 * Receiving is split in two (see packet.h): vrrp_packet_decode() runs the
 * checks of RFC 5798 7.1 that need only the packet, in the RFC's order, and
 * vrrp_packet_match() those that need the virtual router's configuration.
 *
 * Checksums. VRRPv2 sums the VRRP message only (RFC 3768 5.3.8). VRRPv3 over
 * IPv6 prepends the IPv6 pseudo-header (RFC 5798 5.2.8, RFC 8200 8.1). VRRPv3
 * over IPv4 is ambiguous in practice: keepalived and FRR prepend an IPv4
 * pseudo-header, RFC 9568 5.2.8 and router vendors do not. We send the
 * configured convention and accept either, recording which one verified so
 * the operator can see what each peer speaks.
 */
#include "failoverd/packet.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <string.h>
#include <sys/socket.h>

/* Byte offsets inside the fixed 8-byte header. */
enum {
	VRRP_OFFSET_VERSION_TYPE = 0,
	VRRP_OFFSET_VRID = 1,
	VRRP_OFFSET_PRIORITY = 2,
	VRRP_OFFSET_COUNT = 3,
	VRRP_OFFSET_V3_INTERVAL = 4, /* 4 reserved bits | 12-bit interval */
	VRRP_OFFSET_V2_AUTH_TYPE = 4,
	VRRP_OFFSET_V2_INTERVAL = 5,
	VRRP_OFFSET_CHECKSUM = 6,
};

#define VRRP_V3_INTERVAL_MASK 0x0fff
#define VRRP_V2_AUTH_DATA_LEN 8
#define VRRP_V2_INTERVAL_MAX_S 255
#define CENTISECONDS_PER_SECOND 100

static const char *const vrrp_rx_error_names[VRRP_RX_ERROR_COUNT] = {
    [VRRP_RX_OK] = "ok",
    [VRRP_RX_TTL] = "ttl",
    [VRRP_RX_VERSION] = "version",
    [VRRP_RX_LENGTH] = "length",
    [VRRP_RX_CHECKSUM] = "checksum",
    [VRRP_RX_TYPE] = "type",
    [VRRP_RX_VRID] = "vrid",
    [VRRP_RX_AUTH] = "auth",
    [VRRP_RX_REPLAY] = "replay",
    [VRRP_RX_ADDRESSES] = "addresses",
    [VRRP_RX_INTERVAL] = "interval",
    [VRRP_RX_PEER] = "peer",
};

const char *vrrp_rx_error_name(enum vrrp_rx_error error)
{
	if ((unsigned int)error >= VRRP_RX_ERROR_COUNT)
		return "unknown";
	return vrrp_rx_error_names[error];
}

/* ---- Internet checksum (RFC 1071) ---------------------------------------- */

/* Adds the bytes as big-endian 16-bit words; an odd last byte is padded. */
static uint64_t checksum_add(uint64_t sum, const uint8_t *data, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)data[i] << 8 | data[i + 1];
	if (len & 1)
		sum += (uint32_t)data[len - 1] << 8;
	return sum;
}

/* RFC 1071 4.1: fold the carries back in ("end-around carry"). */
static uint16_t checksum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * initial is a partial sum (e.g. of a pseudo-header). The result is in host
 * order; stored big-endian it makes the whole message sum to 0xffff, so
 * running this over a received message with its checksum field gives 0.
 */
uint16_t vrrp_checksum(const uint8_t *data, size_t len, uint32_t initial)
{
	return (uint16_t)~checksum_fold(checksum_add(initial, data, len));
}

static void put_be16(uint8_t *p, uint16_t value)
{
	p[0] = (uint8_t)(value >> 8);
	p[1] = (uint8_t)value;
}

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * Partial sum of the pseudo-header for a VRRP message of len bytes: IPv4
 * src, dst, zero, protocol, 16-bit length (as keepalived/FRR do for v3);
 * IPv6 src, dst, 32-bit upper-layer length, three zeros, next header
 * (RFC 8200 8.1, required by RFC 5798 5.2.8). False if src and dst do not
 * form a pseudo-header of one family.
 */
static bool pseudo_header_sum(const struct ip_address *src, const struct ip_address *dst,
			      size_t len, uint32_t *sum)
{
	uint8_t header[40] = {0};
	size_t header_len;

	if (src->family != dst->family)
		return false;
	if (src->family == AF_INET) {
		if (len > 0xffff)
			return false;
		memcpy(header, &src->in.v4, 4);
		memcpy(header + 4, &dst->in.v4, 4);
		header[9] = VRRP_IP_PROTOCOL;
		put_be16(header + 10, (uint16_t)len);
		header_len = 12;
	} else if (src->family == AF_INET6) {
		if ((uint64_t)len > UINT32_MAX)
			return false;
		memcpy(header, &src->in.v6, 16);
		memcpy(header + 16, &dst->in.v6, 16);
		header[32] = (uint8_t)(len >> 24);
		header[33] = (uint8_t)(len >> 16);
		header[34] = (uint8_t)(len >> 8);
		header[35] = (uint8_t)len;
		header[39] = VRRP_IP_PROTOCOL;
		header_len = 40;
	} else {
		return false;
	}
	*sum = checksum_fold(checksum_add(0, header, header_len));
	return true;
}

/* ---- shared layout rules ------------------------------------------------- */

/* v2 exists only for IPv4 (RFC 3768); v3 for both (RFC 5798 1). */
static bool version_family_valid(unsigned int version, int family)
{
	if (version == 2)
		return family == AF_INET;
	if (version == 3)
		return family == AF_INET || family == AF_INET6;
	return false;
}

/* Header + addresses (+ v2 authentication data); trailers not included. */
static size_t message_length(unsigned int version, int family, unsigned int count)
{
	size_t len = VRRP_HEADER_LEN + count * ip_address_length(family);

	if (version == 2)
		len += VRRP_V2_AUTH_DATA_LEN;
	return len;
}

static bool uses_pseudo_header(unsigned int version, int family, enum vrrp_checksum_mode mode)
{
	if (version == 2)
		return false;
	if (family == AF_INET6)
		return true;
	return mode == VRRP_CHECKSUM_PSEUDO_HEADER;
}

/* ---- encode -------------------------------------------------------------- */

/* RFC 5798 5.2.7: 12-bit centiseconds; RFC 3768 5.3.7: 8-bit seconds. */
static bool interval_encodable(unsigned int version, unsigned int interval_cs)
{
	if (interval_cs == 0)
		return false;
	if (version == 3)
		return interval_cs <= VRRP_V3_INTERVAL_MAX_CS;
	return interval_cs % CENTISECONDS_PER_SECOND == 0 &&
	       interval_cs / CENTISECONDS_PER_SECOND <= VRRP_V2_INTERVAL_MAX_S;
}

static int encode_check_advert(const struct vrrp_advert *adv)
{
	unsigned int i;

	if (!version_family_valid(adv->version, adv->family))
		return -EINVAL;
	if (!interval_encodable(adv->version, adv->interval_cs))
		return -EINVAL;
	if (adv->version == 3 && adv->family == AF_INET &&
	    adv->checksum_mode != VRRP_CHECKSUM_PSEUDO_HEADER &&
	    adv->checksum_mode != VRRP_CHECKSUM_RFC9568)
		return -EINVAL;
	/* RFC 5798 5.2.5: at least one address (the 8-bit count caps it). */
	if (adv->count == 0)
		return -EINVAL;
	for (i = 0; i < adv->count; i++)
		if (adv->addresses[i].family != adv->family)
			return -EINVAL;
	return 0;
}

static void encode_header(const struct vrrp_advert *adv, uint8_t *buf)
{
	/* Advertisement is the only type defined (RFC 5798 5.2.2). */
	buf[VRRP_OFFSET_VERSION_TYPE] = (uint8_t)(adv->version << 4 | VRRP_TYPE_ADVERTISEMENT);
	buf[VRRP_OFFSET_VRID] = adv->vrid;
	buf[VRRP_OFFSET_PRIORITY] = adv->priority;
	buf[VRRP_OFFSET_COUNT] = adv->count;
	if (adv->version == 3) {
		/* The 4 reserved bits are sent as zero (RFC 5798 5.2.6). */
		put_be16(buf + VRRP_OFFSET_V3_INTERVAL, adv->interval_cs & VRRP_V3_INTERVAL_MASK);
	} else {
		buf[VRRP_OFFSET_V2_AUTH_TYPE] = adv->auth_type;
		buf[VRRP_OFFSET_V2_INTERVAL] =
		    (uint8_t)(adv->interval_cs / CENTISECONDS_PER_SECOND);
	}
	put_be16(buf + VRRP_OFFSET_CHECKSUM, 0);
}

static size_t encode_addresses(const struct vrrp_advert *adv, uint8_t *buf)
{
	size_t addr_len = ip_address_length(adv->family);
	uint8_t *p = buf + VRRP_HEADER_LEN;
	unsigned int i;

	for (i = 0; i < adv->count; i++, p += addr_len)
		memcpy(p, &adv->addresses[i].in, addr_len);
	return (size_t)(p - buf);
}

/* RFC 3768 5.3.10: the password for auth type 1, zeros otherwise. */
static void encode_v2_auth_data(const struct vrrp_advert *adv, uint8_t *p)
{
	if (adv->auth_type == VRRP_V2_AUTH_PASSWORD)
		memcpy(p, adv->password, VRRP_V2_AUTH_DATA_LEN);
	else
		memset(p, 0, VRRP_V2_AUTH_DATA_LEN);
}

int vrrp_packet_encode(const struct vrrp_advert *adv, const struct ip_address *src,
		       const struct ip_address *dst, uint8_t *buf, size_t size)
{
	uint32_t initial = 0;
	size_t len;
	int err;

	err = encode_check_advert(adv);
	if (err < 0)
		return err;
	len = message_length(adv->version, adv->family, adv->count);
	if (uses_pseudo_header(adv->version, adv->family, adv->checksum_mode)) {
		if (!src || !dst || src->family != adv->family ||
		    !pseudo_header_sum(src, dst, len, &initial))
			return -EINVAL;
	}
	if (size < len)
		return -ENOSPC;

	encode_header(adv, buf);
	size_t offset = encode_addresses(adv, buf);
	if (adv->version == 2)
		encode_v2_auth_data(adv, buf + offset);
	put_be16(buf + VRRP_OFFSET_CHECKSUM, vrrp_checksum(buf, len, initial));
	return (int)len;
}

/* ---- decode -------------------------------------------------------------- */

static bool checksum_verifies(const uint8_t *buf, size_t len, const struct vrrp_rx_meta *meta,
			      bool pseudo_header)
{
	uint32_t initial = 0;

	if (pseudo_header && !pseudo_header_sum(&meta->source, &meta->destination, len, &initial))
		return false;
	return vrrp_checksum(buf, len, initial) == 0;
}

/*
 * The conventions a message of this version and family may use, the usual
 * one first. v2 sums the message alone (recorded as RFC9568, "no
 * pseudo-header"); v3/IPv6 always uses the pseudo-header.
 */
static size_t checksum_candidates(const struct vrrp_advert *adv, enum vrrp_checksum_mode modes[2])
{
	if (adv->version == 2) {
		modes[0] = VRRP_CHECKSUM_RFC9568;
		return 1;
	}
	modes[0] = VRRP_CHECKSUM_PSEUDO_HEADER;
	if (adv->family == AF_INET6)
		return 1;
	modes[1] = VRRP_CHECKSUM_RFC9568;
	return 2;
}

/*
 * Tries each allowed convention; on success records the one that verified.
 * The checksum covers the whole IP payload; when bytes follow the VRRP
 * message (a keepalived HMAC trailer, say), the sum over the message alone
 * is accepted too, since the trailer may be appended after checksumming.
 */
static bool decode_verify_checksum(const uint8_t *buf, size_t len, size_t message_len,
				   const struct vrrp_rx_meta *meta, struct vrrp_advert *out)
{
	enum vrrp_checksum_mode modes[2];
	size_t n_modes = checksum_candidates(out, modes);
	size_t lengths[2] = {len, message_len};
	size_t n_lengths = len > message_len ? 2 : 1;

	for (size_t l = 0; l < n_lengths; l++) {
		for (size_t m = 0; m < n_modes; m++) {
			bool pseudo = uses_pseudo_header(out->version, out->family, modes[m]);

			if (checksum_verifies(buf, lengths[l], meta, pseudo)) {
				out->checksum_mode = modes[m];
				return true;
			}
		}
	}
	return false;
}

static void decode_addresses(const uint8_t *buf, struct vrrp_advert *out)
{
	size_t addr_len = ip_address_length(out->family);
	const uint8_t *p = buf + VRRP_HEADER_LEN;
	unsigned int i;

	for (i = 0; i < out->count; i++, p += addr_len) {
		out->addresses[i].family = out->family;
		memcpy(&out->addresses[i].in, p, addr_len);
	}
}

/* Fields after the checksum check; returns the first semantic failure. */
static enum vrrp_rx_error decode_fields(const uint8_t *buf, struct vrrp_advert *out)
{
	out->type = buf[VRRP_OFFSET_VERSION_TYPE] & 0x0f;
	out->vrid = buf[VRRP_OFFSET_VRID];
	out->priority = buf[VRRP_OFFSET_PRIORITY];
	out->count = buf[VRRP_OFFSET_COUNT];
	if (out->version == 3) {
		/* RFC 5798 5.2.6: the reserved bits are ignored on receipt. */
		out->interval_cs = get_be16(buf + VRRP_OFFSET_V3_INTERVAL) & VRRP_V3_INTERVAL_MASK;
	} else {
		out->auth_type = buf[VRRP_OFFSET_V2_AUTH_TYPE];
		out->interval_cs =
		    (uint16_t)(buf[VRRP_OFFSET_V2_INTERVAL] * CENTISECONDS_PER_SECOND);
	}

	/* RFC 5798 5.2.2: only advertisements exist; others are dropped. */
	if (out->type != VRRP_TYPE_ADVERTISEMENT)
		return VRRP_RX_TYPE;
	/* An interval of 0 would make every timer fire at once: malformed. */
	if (out->interval_cs == 0)
		return VRRP_RX_INTERVAL;
	/* RFC 5798 5.2.5: a virtual router has at least one address. */
	if (out->count == 0)
		return VRRP_RX_ADDRESSES;

	decode_addresses(buf, out);
	if (out->version == 2 && out->auth_type == VRRP_V2_AUTH_PASSWORD)
		memcpy(out->password,
		       buf + message_length(2, AF_INET, out->count) - VRRP_V2_AUTH_DATA_LEN,
		       VRRP_V2_PASSWORD_LEN);
	return VRRP_RX_OK;
}

enum vrrp_rx_error vrrp_packet_decode(const uint8_t *buf, size_t len,
				      const struct vrrp_rx_meta *meta, struct vrrp_advert *out)
{
	memset(out, 0, sizeof(*out));

	/* RFC 5798 7.1 / RFC 3768 7.1: the checks below run in this order. */
	/* TTL / hop limit 255 proves the sender is on-link. */
	if (meta->check_ttl && meta->ttl != VRRP_TTL)
		return VRRP_RX_TTL;

	/* Version: 3, or 2 over IPv4. */
	if (len < 1)
		return VRRP_RX_LENGTH;
	out->version = buf[VRRP_OFFSET_VERSION_TYPE] >> 4;
	out->family = meta->source.family;
	if (!version_family_valid(out->version, out->family))
		return VRRP_RX_VERSION;

	/* Length: the complete message, fixed fields and every address. */
	if (len < VRRP_HEADER_LEN)
		return VRRP_RX_LENGTH;
	size_t message_len = message_length(out->version, out->family, buf[VRRP_OFFSET_COUNT]);
	if (len < message_len)
		return VRRP_RX_LENGTH;

	/* Checksum (the VRID and auth checks follow in vrrp_packet_match()). */
	if (!decode_verify_checksum(buf, len, message_len, meta, out))
		return VRRP_RX_CHECKSUM;

	return decode_fields(buf, out);
}

/* ---- match against the configured virtual router ------------------------- */

static bool address_in_list(const struct ip_address *a, const struct ip_address *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (ip_address_equal(a, &list[i]))
			return true;
	return false;
}

/* Set equality: order and repetitions do not matter. */
static bool address_sets_equal(const struct ip_address *a, size_t a_count,
			       const struct ip_address *b, size_t b_count)
{
	for (size_t i = 0; i < a_count; i++)
		if (!address_in_list(&a[i], b, b_count))
			return false;
	for (size_t i = 0; i < b_count; i++)
		if (!address_in_list(&b[i], a, a_count))
			return false;
	return true;
}

/* RFC 3768 7.1: auth type, then the password, compared in constant time. */
static bool v2_auth_matches(const struct vrrp_advert *adv, const struct vrrp_rx_expect *expect)
{
	if (adv->auth_type != expect->auth_type)
		return false;
	if (adv->auth_type != VRRP_V2_AUTH_PASSWORD)
		return true;
	return CRYPTO_memcmp(adv->password, expect->password, VRRP_V2_PASSWORD_LEN) == 0;
}

enum vrrp_rx_error vrrp_packet_match(const struct vrrp_advert *adv,
				     const struct vrrp_rx_expect *expect)
{
	if (adv->version != expect->version)
		return VRRP_RX_VERSION;
	if (adv->version == 2 && !v2_auth_matches(adv, expect))
		return VRRP_RX_AUTH;
	/*
	 * RFC 5798 7.1 / RFC 3768 7.1: an address list that differs from ours
	 * is a misconfiguration; drop the advert unless its sender is the
	 * address owner.
	 */
	if (adv->priority != VRRP_PRIORITY_OWNER &&
	    !address_sets_equal(adv->addresses, adv->count, expect->addresses, expect->count))
		return VRRP_RX_ADDRESSES;
	/* RFC 3768 7.1: v2 routers must agree on the interval (v3 learns it). */
	if (adv->version == 2 && adv->interval_cs != expect->interval_cs)
		return VRRP_RX_INTERVAL;
	return VRRP_RX_OK;
}
