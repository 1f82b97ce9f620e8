/*
 * daemon.h - the running agent: one struct daemon owns the event loop, the
 * configuration, the netlink handles, the event log, the VRRP channels
 * (one raw socket per interface and family) and the instances, and is
 * passed down to everything that needs it. No other globals.
 */
#ifndef FAILOVERD_DAEMON_H
#define FAILOVERD_DAEMON_H

#include <ev.h>
#include <stdbool.h>
#include <stdint.h>

#include "failoverd/config.h"
#include "failoverd/eventlog.h"
#include "failoverd/garp.h"
#include "failoverd/netlink.h"
#include "failoverd/packet.h"
#include "failoverd/ratelimit.h"
#include "failoverd/track.h"
#include "failoverd/vrrp_socket.h"

struct vrrp_instance;
struct link_trackers;
struct check;
struct sync_group;
struct control_server;
struct json_object;

/* A configured health check and the tracker state instances read. */
struct check_tracker {
	struct daemon *daemon;
	struct check *check;
	struct tracker_state state;
};

/* Options from the command line; they override the config's global section. */
struct daemon_options {
	const char *config_path;
	bool foreground;
	bool check_config;
	bool log_console;
	bool no_syslog;
	bool debug;
	const char *event_log;      /* NULL: from config */
	const char *control_socket; /* NULL: from config */
	const char *pid_file;
	const char *node_name;      /* NULL: from config, else hostname */
};

/* Receive side shared by the instances on one (interface, family). */
struct vrrp_channel {
	struct daemon *daemon;
	char ifname[IFNAMSIZ];
	int family;
	struct vrrp_socket socket; /* fd -1 while the interface is missing or down */
	ev_io io;
	struct vrrp_instance **members;
	size_t member_count;
	struct vrrp_instance *by_vrid[256]; /* dispatch without a scan per packet */
	size_t unicast_members;             /* TTL exemptions only matter when > 0 */
	uint64_t received;
	uint64_t rx_errors[VRRP_RX_ERROR_COUNT];
	struct ratelimit rx_error_log[VRRP_RX_ERROR_COUNT];
};

struct daemon {
	struct ev_loop *loop;
	struct daemon_options options;
	struct failoverd_config *config;
	char node_name[CONFIG_NAME_MAX];
	struct netlink netlink;
	struct link_watch links;
	struct garp_sender garp;
	struct eventlog events;
	/* Each allocated on its own: libev watchers inside must not move when
	 * a reload adds or removes instances. */
	struct vrrp_channel **channels;
	size_t channel_count;
	struct vrrp_instance **instances;
	size_t instance_count;
	struct link_trackers *link_trackers; /* NULL: nothing tracks links */
	unsigned long seen_overruns; /* link_watch overruns already resynced */
	struct check_tracker **checks; /* each allocated: instances point at their state */
	size_t check_count;
	struct sync_group *groups;
	size_t group_count;
	ev_signal sigterm, sigint, sighup, sigusr1;
	ev_timer watchdog; /* systemd WATCHDOG=1, when asked for */
	int exit_code;
	int64_t started_us; /* CLOCK_MONOTONIC at start */
	struct control_server *control; /* NULL: no control socket */
	/* Receive scratch space (a few KiB each; the loop is single-threaded). */
	struct vrrp_received rx_datagram;
	struct vrrp_advert rx_advert;
};

/* Opens everything and starts every instance. 0, or -errno after logging
 * what failed (nothing is left applied). */
int daemon_start(struct daemon *d, struct failoverd_config *config);

/* Runs the loop until SIGTERM/SIGINT, then stops every instance. */
int daemon_run(struct daemon *d);

/* Stops every instance (priority 0 from MASTERs, VIPs removed) and frees. */
void daemon_stop(struct daemon *d, const char *why);

/* Trackers (trackers.c): registries, each instance's references, sync
 * groups. trackers_start runs after the instances exist and before they
 * start, so their first priority already counts the trackers. */
int trackers_build(struct daemon *d);
/* Drops sync groups and every instance's tracker references (reload). */
void trackers_detach(struct daemon *d);
int trackers_rebuild(struct daemon *d, bool (*keep_check)(const void *ctx, const char *name),
		     const void *keep_ctx);
void trackers_start(struct daemon *d);
void trackers_on_link(struct daemon *d, const struct link_info *link, bool deleted);
void trackers_free(struct daemon *d);

/* Instances (daemon.c): created with their channel, removed (after
 * instance_stop) with it when it was the channel's last. */
struct vrrp_instance *daemon_instance_add(struct daemon *d, const struct instance_config *cfg);
void daemon_instance_remove(struct daemon *d, struct vrrp_instance *inst);

/* A start/stop/reload event with its common fields (config, instances,
 * result, version); the caller adds more and commits it. */
struct json_object *daemon_event_begin(struct daemon *d, const char *event, const char *result);

/* The control protocol's status and stats objects (status.c). */
struct json_object *daemon_status_json(const struct daemon *d);
struct json_object *daemon_stats_json(const struct daemon *d);

/* Control socket (control.c). group_name "" = root only. 0 or -errno. */
int control_open(struct daemon *d, const char *path, const char *group_name);
void control_close(struct daemon *d);

/* Operator actions (admin.c): each returns the control protocol's reply
 * object. origin says who asked ("SIGHUP", "failoverctl"). */
struct json_object *daemon_reload(struct daemon *d, const char *origin);
struct json_object *daemon_maintenance(struct daemon *d, const char *instance, bool on);

/* Channels. */
int channel_open(struct vrrp_channel *c);
void channel_close(struct vrrp_channel *c);

#endif
