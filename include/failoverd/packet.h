/*
 * packet.h - VRRP advertisement codec (pure: no sockets, clocks or globals).
 *
 * Covers VRRPv3 (RFC 5798, RFC 9568) over IPv4 and IPv6 and VRRPv2
 * (RFC 3768) over IPv4, including v2's simple-password authentication,
 * which exists only for interoperation with old keepalived configurations.
 *
 * Receiving happens in two stages, mirroring RFC 5798 7.1:
 *   vrrp_packet_decode() - checks that need only the packet and its IP
 *                          envelope (TTL, version, length, checksum, type,
 *                          zero interval, zero count);
 *   vrrp_packet_match()  - checks against the virtual router the packet was
 *                          dispatched to by VRID (v2 auth and interval,
 *                          address list).
 * Each check that fails returns a distinct enum vrrp_rx_error whose name is
 * the event log's rx_error.reason.
 *
 * Intervals are carried in centiseconds for both versions: v3's 12-bit Max
 * Adver Int is centiseconds already; v2's 8-bit Adver Int (seconds) is
 * multiplied by 100 on decode and divided on encode.
 */
#ifndef FAILOVERD_PACKET_H
#define FAILOVERD_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "failoverd/address.h"

#define VRRP_IP_PROTOCOL 112
#define VRRP_TTL 255
#define VRRP_TYPE_ADVERTISEMENT 1
#define VRRP_PRIORITY_OWNER 255
#define VRRP_PRIORITY_STOP 0
#define VRRP_MAX_ADDRESSES 255
#define VRRP_V3_INTERVAL_MAX_CS 4095 /* 12-bit field */
#define VRRP_V2_AUTH_NONE 0
#define VRRP_V2_AUTH_PASSWORD 1
#define VRRP_V2_PASSWORD_LEN 8
#define VRRP_HEADER_LEN 8
/* Largest advert: header + 255 IPv6 addresses (+ v2 auth data). */
#define VRRP_PACKET_MAX (VRRP_HEADER_LEN + VRRP_MAX_ADDRESSES * 16 + 8)

/*
 * VRRPv3 over IPv4 has two checksum conventions in the wild: keepalived and
 * FRR include the IPv4 pseudo-header (as for IPv6), RFC 9568 5.2.8 and
 * router vendors checksum the VRRP message only. IPv6 always uses the
 * pseudo-header and VRRPv2 never does.
 */
enum vrrp_checksum_mode {
	VRRP_CHECKSUM_PSEUDO_HEADER = 0,
	VRRP_CHECKSUM_RFC9568 = 1, /* v3/IPv4 without pseudo-header */
};

enum vrrp_rx_error {
	VRRP_RX_OK = 0,
	VRRP_RX_TTL,       /* TTL / hop limit not 255 */
	VRRP_RX_VERSION,   /* not 2 or 3, or not the version configured */
	VRRP_RX_LENGTH,    /* truncated, or shorter than its address count */
	VRRP_RX_CHECKSUM,  /* matches neither accepted convention */
	VRRP_RX_TYPE,      /* not an advertisement */
	VRRP_RX_VRID,      /* no virtual router with this VRID here */
	VRRP_RX_AUTH,      /* v2 auth type or password mismatch; HMAC later */
	VRRP_RX_REPLAY,    /* HMAC sequence replayed (authenticated adverts) */
	VRRP_RX_ADDRESSES, /* zero count, or list differs from the config */
	VRRP_RX_INTERVAL,  /* zero interval, or v2 interval differs */
	VRRP_RX_PEER,      /* unicast: the source is not a configured peer */
	VRRP_RX_ERROR_COUNT
};

struct vrrp_advert {
	uint8_t version;     /* 2 or 3 */
	uint8_t type;        /* VRRP_TYPE_ADVERTISEMENT */
	uint8_t vrid;        /* 1..255 */
	uint8_t priority;    /* 0..255 */
	uint8_t count;       /* number of addresses */
	uint16_t interval_cs; /* centiseconds (v2: seconds * 100) */
	uint8_t auth_type;   /* v2 only */
	char password[VRRP_V2_PASSWORD_LEN]; /* v2 only; zero padded, no NUL */
	int family;          /* AF_INET or AF_INET6 */
	/* decode: the convention the checksum verified with; encode: the
	 * convention to send (used only for v3 over IPv4). */
	enum vrrp_checksum_mode checksum_mode;
	struct ip_address addresses[VRRP_MAX_ADDRESSES];
};

/* What the socket layer knows about a received packet. */
struct vrrp_rx_meta {
	struct ip_address source;      /* IP source (IPv6: link-local) */
	struct ip_address destination; /* 224.0.0.18, ff02::12 or unicast */
	int ttl;                       /* TTL or hop limit as received */
	bool check_ttl;                /* false only for off-link unicast peers */
};

/* The virtual router's side of vrrp_packet_match(). */
struct vrrp_rx_expect {
	uint8_t version;
	uint16_t interval_cs; /* v2 requires an exact match (RFC 3768 7.1) */
	uint8_t auth_type;    /* v2 */
	char password[VRRP_V2_PASSWORD_LEN];
	const struct ip_address *addresses; /* advertised (not excluded) VIPs */
	size_t count;
};

/*
 * Encodes adv (its family, version, checksum_mode and addresses) into buf.
 * src and dst are the IP source and destination, used for the pseudo-header.
 * Returns the length written, -ENOSPC if buf is too small, or -EINVAL for an
 * advert that cannot be sent (bad version/family pair, zero or too many
 * addresses, interval 0 or out of the version's range).
 */
int vrrp_packet_encode(const struct vrrp_advert *adv, const struct ip_address *src,
		       const struct ip_address *dst, uint8_t *buf, size_t size);

/*
 * Decodes the VRRP message in buf (no IP header) received with meta. The
 * checks run in RFC 5798 7.1's order; the first that fails is returned and
 * out is then only partly filled.
 */
enum vrrp_rx_error vrrp_packet_decode(const uint8_t *buf, size_t len,
				      const struct vrrp_rx_meta *meta, struct vrrp_advert *out);

/* Checks a decoded advert against the virtual router it is addressed to. */
enum vrrp_rx_error vrrp_packet_match(const struct vrrp_advert *adv,
				     const struct vrrp_rx_expect *expect);

/* "ttl", "checksum", ... as in the event log; "ok" for VRRP_RX_OK. */
const char *vrrp_rx_error_name(enum vrrp_rx_error error);

/* One's-complement Internet checksum over the bytes (RFC 1071). */
uint16_t vrrp_checksum(const uint8_t *data, size_t len, uint32_t initial);

#endif
