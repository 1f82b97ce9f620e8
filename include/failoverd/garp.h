/*
 * garp.h - gratuitous ARP and unsolicited neighbour advertisements.
 *
 * The frame builders are pure (tested without root); garp_sender owns the
 * two sockets that send them: AF_PACKET/SOCK_DGRAM for ARP (the kernel adds
 * the Ethernet header) and a raw ICMPv6 socket for NA (the kernel adds the
 * checksum). Bursts and their timing are the instance runtime's business.
 */
#ifndef FAILOVERD_GARP_H
#define FAILOVERD_GARP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "failoverd/address.h"

#define GARP_ARP_LEN 28
#define GARP_NA_LEN 32

/* ARP request, sender = target = vip, sender MAC = mac (RFC 5227 style). */
size_t garp_build_arp(uint8_t out[GARP_ARP_LEN], const uint8_t mac[6], const struct in_addr *vip);

/* Unsolicited NA for vip with Override (and Router if router) set, Solicited
 * clear, and a target link-layer address option (RFC 4861 4.4, 7.2.6). */
size_t garp_build_na(uint8_t out[GARP_NA_LEN], const uint8_t mac[6], const struct in6_addr *vip,
		     bool router);

struct garp_sender {
	int arp_fd;
	int na_fd;
};

int garp_sender_open(struct garp_sender *g);
void garp_sender_close(struct garp_sender *g);

/* Sends one GARP (IPv4) or NA (IPv6) for vip out of ifindex. 0 or -errno. */
int garp_send(const struct garp_sender *g, int ifindex, const uint8_t mac[6],
	      const struct ip_address *vip);

#endif
