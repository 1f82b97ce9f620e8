/*
 * net_driver.c - a command-line handle on failoverd's kernel-facing layer,
 * for tests/lab/net_smoke.py to run inside network namespaces.
 *
 * Each subcommand calls one part of libfailoverd_net and prints what it got
 * as "key=value" words on one line, so the script can compare the result
 * with what `ip` reports. Commands that wait (recv, watch) print "ready"
 * once their socket is open, so the script never has to guess when to
 * start the other side. Exit status: 0 done, 1 error, 2 timeout, 64 usage.
 * track-bond runs the bond tracker on live link events and prints each
 * tracker callback as a "track ..." line (tests/lab/bond_aggregate.py).
 */
#include <errno.h>
#include <ev.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "failoverd/address.h"
#include "failoverd/garp.h"
#include "failoverd/link_track.h"
#include "failoverd/netlink.h"
#include "failoverd/track.h"
#include "failoverd/vrrp_socket.h"

#define EXIT_TIMEOUT 2
#define EXIT_USAGE 64
#define SKIP_MAX 16

/* Bytes 6-7 become the checksum over IPv6 (IPV6_CHECKSUM 6). */
static const char smoke_payload[] = "failoverd-net-smoke!";
#define SMOKE_PAYLOAD_LEN (sizeof(smoke_payload) - 1) /* 20 bytes, no NUL */

static int fail(const char *what, int err)
{
	fprintf(stderr, "net_driver: %s: %s\n", what, strerror(-err));
	return EXIT_FAILURE;
}

static int usage(void)
{
	fputs("usage: net_driver vip-add IFNAME ADDR/LEN [LABEL]\n"
	      "       net_driver vip-remove IFNAME ADDR/LEN\n"
	      "       net_driver vip-present IFNAME ADDR/LEN\n"
	      "       net_driver link IFNAME\n"
	      "       net_driver primary IFNAME 4|6 [SKIP-ADDR...]\n"
	      "       net_driver send IFNAME 4|6 [DESTINATION [SOURCE]]\n"
	      "       net_driver recv IFNAME 4|6 TIMEOUT_MS\n"
	      "       net_driver garp IFNAME ADDR\n"
	      "       net_driver watch IFNAME|all SECONDS\n"
	      "       net_driver track-bond NAME SECONDS\n",
	      stderr);
	return EXIT_USAGE;
}

static int parse_family(const char *text)
{
	if (!strcmp(text, "4") || !strcmp(text, "inet"))
		return AF_INET;
	if (!strcmp(text, "6") || !strcmp(text, "inet6"))
		return AF_INET6;
	return 0;
}

/* A positive number of milliseconds or seconds; 0 if text is not one. */
static double parse_positive(const char *text)
{
	char *end;
	double value = strtod(text, &end);

	return end != text && *end == '\0' && value > 0 ? value : 0;
}

static void print_link(const char *prefix, const struct link_info *link, bool deleted,
		       const char *suffix)
{
	printf("%sname=%s ifindex=%d up=%d deleted=%d mtu=%u mac=%02x:%02x:%02x:%02x:%02x:%02x "
	       "master=%d kind=%s slave_kind=%s bond_slave=%d%s\n",
	       prefix, link->name, link->ifindex, link->up, deleted, link->mtu, link->mac[0],
	       link->mac[1], link->mac[2], link->mac[3], link->mac[4], link->mac[5],
	       link->master_ifindex, link->kind, link->slave_kind, link->has_bond_slave, suffix);
	fflush(stdout);
}

/* Opens the request socket and looks the interface up. */
static int open_link(struct netlink *nl, const char *ifname, struct link_info *link)
{
	int err = netlink_open(nl);

	if (err < 0)
		return fail("netlink_open", err);
	err = netlink_link_get(nl, ifname, link);
	if (err < 0) {
		netlink_close(nl);
		return fail(ifname, err);
	}
	return 0;
}

static int cmd_vip(int argc, char **argv)
{
	struct netlink nl;
	struct link_info link;
	struct ip_prefix vip;
	int err;

	if (argc < 4 || ip_prefix_parse(argv[3], &vip) < 0)
		return usage();
	if (open_link(&nl, argv[2], &link))
		return EXIT_FAILURE;
	if (!strcmp(argv[1], "vip-add")) {
		err = netlink_vip_add(&nl, link.ifindex, &vip, argc > 4 ? argv[4] : NULL);
		if (err >= 0)
			puts(err == 1 ? "already present" : "added");
	} else if (!strcmp(argv[1], "vip-remove")) {
		err = netlink_vip_remove(&nl, link.ifindex, &vip);
		if (err >= 0)
			puts(err == 1 ? "not present" : "removed");
	} else {
		err = netlink_vip_present(&nl, link.ifindex, &vip);
		if (err >= 0)
			puts(err == 1 ? "present" : "absent");
	}
	netlink_close(&nl);
	return err < 0 ? fail(argv[1], err) : 0;
}

static int cmd_link(int argc, char **argv)
{
	struct netlink nl;
	struct link_info link;

	if (argc != 3)
		return usage();
	if (open_link(&nl, argv[2], &link))
		return EXIT_FAILURE;
	print_link("", &link, false, "");
	netlink_close(&nl);
	return 0;
}

static int cmd_primary(int argc, char **argv)
{
	struct ip_prefix skip[SKIP_MAX];
	struct netlink nl;
	struct link_info link;
	struct ip_address primary;
	char text[IP_ADDRESS_TEXT_MAX];
	int family = argc >= 4 ? parse_family(argv[3]) : 0;
	size_t skip_count = 0;

	if (!family || argc - 4 > SKIP_MAX)
		return usage();
	for (int i = 4; i < argc; i++)
		if (ip_prefix_parse(argv[i], &skip[skip_count++]) < 0)
			return usage();
	if (open_link(&nl, argv[2], &link))
		return EXIT_FAILURE;
	int err = netlink_primary_address(&nl, link.ifindex, family, skip, skip_count, &primary);
	netlink_close(&nl);
	if (err < 0)
		return fail("netlink_primary_address", err);
	puts(ip_address_format(&primary, text, sizeof(text)));
	return 0;
}

/* Sends the fixed payload to the group or DESTINATION, from SOURCE or else
 * the primary address. */
static int cmd_send(int argc, char **argv)
{
	struct netlink nl;
	struct link_info link;
	struct vrrp_socket s;
	struct ip_address source, destination;
	char from[IP_ADDRESS_TEXT_MAX], to[IP_ADDRESS_TEXT_MAX];
	int family = argc >= 4 && argc <= 6 ? parse_family(argv[3]) : 0;

	if (!family)
		return usage();
	vrrp_multicast_group(family, &destination);
	if (argc > 4 &&
	    (ip_address_parse(argv[4], &destination) < 0 || destination.family != family))
		return usage();
	if (argc > 5 && (ip_address_parse(argv[5], &source) < 0 || source.family != family))
		return usage();
	if (open_link(&nl, argv[2], &link))
		return EXIT_FAILURE;
	int err =
	    argc > 5 ? 0 : netlink_primary_address(&nl, link.ifindex, family, NULL, 0, &source);
	netlink_close(&nl);
	if (err < 0)
		return fail("netlink_primary_address", err);
	err = vrrp_socket_open(&s, family, argv[2], link.ifindex);
	if (err < 0)
		return fail("vrrp_socket_open", err);
	err = vrrp_socket_send(&s, (const uint8_t *)smoke_payload, SMOKE_PAYLOAD_LEN, &source,
			       &destination);
	vrrp_socket_close(&s);
	if (err < 0)
		return fail("vrrp_socket_send", err);
	printf("sent source=%s destination=%s len=%zu\n",
	       ip_address_format(&source, from, sizeof(from)),
	       ip_address_format(&destination, to, sizeof(to)), SMOKE_PAYLOAD_LEN);
	return 0;
}

static void print_received(const struct vrrp_received *r)
{
	char from[IP_ADDRESS_TEXT_MAX], to[IP_ADDRESS_TEXT_MAX];

	printf("source=%s destination=%s ttl=%d len=%zu ifindex=%d truncated=%d data=",
	       ip_address_format(&r->source, from, sizeof(from)),
	       ip_address_format(&r->destination, to, sizeof(to)), r->ttl, r->len, r->ifindex,
	       r->truncated);
	for (size_t i = 0; i < r->len; i++)
		printf("%02x", r->data[i]);
	putchar('\n');
}

static int cmd_recv(int argc, char **argv)
{
	static struct vrrp_received r;
	struct link_info link;
	struct netlink nl;
	struct vrrp_socket s;
	int family = argc == 5 ? parse_family(argv[3]) : 0;
	int timeout_ms = argc == 5 ? (int)parse_positive(argv[4]) : 0;

	if (!family || timeout_ms <= 0)
		return usage();
	if (open_link(&nl, argv[2], &link))
		return EXIT_FAILURE;
	netlink_close(&nl);
	int err = vrrp_socket_open(&s, family, argv[2], link.ifindex);
	if (err < 0)
		return fail("vrrp_socket_open", err);
	puts("ready");
	fflush(stdout);

	struct pollfd p = {.fd = s.fd, .events = POLLIN};
	int ready = poll(&p, 1, timeout_ms);
	err = ready > 0 ? vrrp_socket_receive(&s, &r) : (ready == 0 ? -ETIMEDOUT : -errno);
	vrrp_socket_close(&s);
	if (err == -ETIMEDOUT) {
		puts("timeout");
		return EXIT_TIMEOUT;
	}
	if (err < 0)
		return fail("vrrp_socket_receive", err);
	print_received(&r);
	return 0;
}

static int cmd_garp(int argc, char **argv)
{
	struct netlink nl;
	struct link_info link;
	struct garp_sender g;
	struct ip_address vip;

	if (argc != 4 || ip_address_parse(argv[3], &vip) < 0)
		return usage();
	if (open_link(&nl, argv[2], &link))
		return EXIT_FAILURE;
	netlink_close(&nl);
	int err = garp_sender_open(&g);
	if (err < 0)
		return fail("garp_sender_open", err);
	err = garp_send(&g, link.ifindex, link.mac, &vip);
	garp_sender_close(&g);
	if (err < 0)
		return fail("garp_send", err);
	puts("sent");
	return 0;
}

struct watch_context {
	const char *ifname; /* NULL: every link */
	const struct link_watch *watch;
};

static void on_link_event(void *ctx, const struct link_info *link, bool deleted)
{
	const struct watch_context *w = ctx;

	char suffix[32];

	/* The overrun count tells resync reports from live events. */
	snprintf(suffix, sizeof(suffix), " overruns=%lu", w->watch->overruns);
	if (!w->ifname || !strcmp(w->ifname, link->name))
		print_link("event ", link, deleted, suffix);
}

static void on_watch_timeout(struct ev_loop *loop, ev_timer *timer, int revents)
{
	ev_break(loop, EVBREAK_ALL);
}

static int cmd_watch(int argc, char **argv)
{
	struct watch_context context;
	struct link_watch w;
	ev_timer timer;

	double seconds = argc == 4 ? parse_positive(argv[3]) : 0;

	if (seconds <= 0)
		return usage();
	context.ifname = strcmp(argv[2], "all") ? argv[2] : NULL;
	context.watch = &w;
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	if (!loop)
		return fail("ev_loop_new", -ENOMEM);
	int err = link_watch_open(&w, loop, on_link_event, &context);
	if (err < 0) {
		ev_loop_destroy(loop);
		return fail("link_watch_open", err);
	}
	ev_timer_init(&timer, on_watch_timeout, seconds, 0.);
	ev_timer_start(loop, &timer);
	puts("ready");
	fflush(stdout);
	ev_run(loop, 0);
	printf("overruns=%lu\n", w.overruns);
	link_watch_close(&w);
	ev_loop_destroy(loop);
	return 0;
}

/* "track" for a callback, "state" for the synced starting point; the
 * detail, which has blanks, comes last and runs to the end of the line. */
static void print_tracker(const char *prefix, const struct tracker_state *s)
{
	printf("%s kind=%s name=%s status=%s up=%u total=%u detail=%s\n", prefix,
	       tracker_kind_name(s->kind), s->name, tracker_status_name(s->status), s->members_up,
	       s->members_total, s->detail);
	fflush(stdout);
}

static void on_tracker(void *ctx, const struct tracker_state *state)
{
	print_tracker("track", state);
}

static void on_track_link(void *ctx, const struct link_info *link, bool deleted)
{
	link_trackers_on_link(ctx, link, deleted);
}

/* The bond tracker on live events: sync, then every callback until SECONDS. */
static int cmd_track_bond(int argc, char **argv)
{
	double seconds = argc == 4 ? parse_positive(argv[3]) : 0;
	struct link_watch w;
	struct netlink nl;
	ev_timer timer;

	if (seconds <= 0)
		return usage();
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	if (!loop)
		return fail("ev_loop_new", -ENOMEM);
	int err = netlink_open(&nl);
	if (err < 0) {
		ev_loop_destroy(loop);
		return fail("netlink_open", err);
	}
	struct link_trackers *t = link_trackers_create(loop, &nl, on_tracker, NULL);
	const struct tracker_state *state =
	    t ? link_trackers_add(t, TRACKER_BOND, argv[2], 0, 0) : NULL;
	/* Events first, then the dump: nothing between the two is missed. */
	err = !state ? -EINVAL : link_watch_open(&w, loop, on_track_link, t);
	if (err == 0) {
		err = link_trackers_sync(t);
		if (err < 0)
			link_watch_close(&w);
	}
	if (err < 0) {
		link_trackers_free(t);
		netlink_close(&nl);
		ev_loop_destroy(loop);
		return fail("track-bond", err);
	}
	print_tracker("state", state);
	puts("ready");
	fflush(stdout);
	ev_timer_init(&timer, on_watch_timeout, seconds, 0.);
	ev_timer_start(loop, &timer);
	ev_run(loop, 0);
	link_watch_close(&w);
	link_trackers_free(t);
	netlink_close(&nl);
	ev_loop_destroy(loop);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} commands[] = {
	    {"vip-add", cmd_vip},     {"vip-remove", cmd_vip},
	    {"vip-present", cmd_vip}, {"link", cmd_link},
	    {"primary", cmd_primary}, {"send", cmd_send},
	    {"recv", cmd_recv},	      {"garp", cmd_garp},
	    {"watch", cmd_watch},     {"track-bond", cmd_track_bond},
	};

	if (argc < 3)
		return usage();
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc, argv);
	return usage();
}
