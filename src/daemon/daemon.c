/*
 * daemon.c - start, run and stop the agent.
 *
 * Start-up order matters for "nothing half-applied": everything that can
 * fail for reasons of the machine (event log, netlink, sockets) is opened
 * before any instance starts, so a failure leaves no VIP and no advert
 * behind. Instances whose interface is missing do not stop the daemon:
 * they sit in FAULT until the kernel reports the interface (by name).
 */
#include "failoverd/daemon.h"

#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "failoverd/check.h"
#include "failoverd/instance.h"
#include "failoverd/link_track.h"
#include "failoverd/log.h"
#include "failoverd/notify.h"
#include "failoverd/sd_notify.h"
#include "failoverd/timefmt.h"
#include "failoverd/sync_group.h"

static struct vrrp_channel *daemon_channel_for(struct daemon *d, const char *ifname, int family)
{
	for (size_t i = 0; i < d->channel_count; i++)
		if (d->channels[i]->family == family && strcmp(d->channels[i]->ifname, ifname) == 0)
			return d->channels[i];
	struct vrrp_channel **grown = realloc(d->channels, (d->channel_count + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	d->channels = grown;
	struct vrrp_channel *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->daemon = d;
	c->family = family;
	c->socket.fd = -1;
	snprintf(c->ifname, sizeof(c->ifname), "%s", ifname);
	d->channels[d->channel_count++] = c;
	return c;
}

static void daemon_channel_free(struct vrrp_channel *c)
{
	channel_close(c);
	free(c->members);
	free(c);
}

struct vrrp_instance *daemon_instance_add(struct daemon *d, const struct instance_config *cfg)
{
	struct vrrp_channel *c = daemon_channel_for(d, cfg->interface, cfg->family);
	struct vrrp_instance **all, **members;
	struct vrrp_instance *inst;

	if (!c)
		return NULL;
	all = realloc(d->instances, (d->instance_count + 1) * sizeof(*all));
	if (!all)
		return NULL;
	d->instances = all;
	members = realloc(c->members, (c->member_count + 1) * sizeof(*members));
	if (!members)
		return NULL;
	c->members = members;
	inst = calloc(1, sizeof(*inst));
	if (!inst)
		return NULL;
	if (instance_init(inst, d, cfg, c) < 0) {
		instance_free(inst);
		free(inst);
		return NULL;
	}
	c->members[c->member_count++] = inst;
	c->by_vrid[cfg->vrid] = inst; /* (interface, vrid, family) is unique */
	c->unicast_members += cfg->unicast.enabled;
	d->instances[d->instance_count++] = inst;
	return inst;
}

static void remove_pointer(void **array, size_t *count, const void *item)
{
	for (size_t i = 0; i < *count; i++) {
		if (array[i] == item) {
			memmove(&array[i], &array[i + 1], (*count - i - 1) * sizeof(*array));
			(*count)--;
			return;
		}
	}
}

/* Frees an instance (already stopped) and its channel when it was the last
 * one on it. */
void daemon_instance_remove(struct daemon *d, struct vrrp_instance *inst)
{
	struct vrrp_channel *c = inst->channel;

	remove_pointer((void **)d->instances, &d->instance_count, inst);
	remove_pointer((void **)c->members, &c->member_count, inst);
	c->by_vrid[inst->cfg->vrid] = NULL;
	c->unicast_members -= inst->cfg->unicast.enabled;
	instance_free(inst);
	free(inst);
	if (c->member_count == 0) {
		remove_pointer((void **)d->channels, &d->channel_count, c);
		daemon_channel_free(c);
	}
}

static int daemon_build_instances(struct daemon *d)
{
	for (size_t i = 0; i < d->config->instance_count; i++)
		if (!daemon_instance_add(d, &d->config->instances[i]))
			return -ENOMEM;
	return 0;
}

/*
 * After a netlink overrun (events lost), link_watch replays every link that
 * exists, but a link deleted meanwhile is simply absent. Ask the kernel
 * about every name we follow, and re-read the trackers from scratch.
 */
static void daemon_resync_links(struct daemon *d)
{
	log_warning("netlink events were lost (overrun %lu); re-reading link state",
		    d->links.overruns);
	d->seen_overruns = d->links.overruns;
	for (size_t i = 0; i < d->instance_count; i++) {
		struct vrrp_instance *inst = d->instances[i];
		struct link_info link;

		if (netlink_link_get(&d->netlink, inst->cfg->interface, &link) == -ENODEV)
			instance_link_changed(inst, 0, false, NULL);
	}
	if (d->link_trackers && link_trackers_sync(d->link_trackers) == 0)
		for (size_t i = 0; i < d->instance_count; i++)
			instance_trackers_changed(d->instances[i], NULL);
}

static void daemon_link_changed(void *ctx, const struct link_info *link, bool deleted)
{
	struct daemon *d = ctx;

	if (d->links.overruns != d->seen_overruns)
		daemon_resync_links(d);

	for (size_t i = 0; i < d->channel_count; i++) {
		struct vrrp_channel *c = d->channels[i];

		if (strcmp(c->ifname, link->name) != 0)
			continue;
		if (deleted)
			channel_close(c);
		else if (c->socket.fd < 0 || c->socket.ifindex != link->ifindex)
			channel_open(c);
	}
	for (size_t i = 0; i < d->instance_count; i++) {
		struct vrrp_instance *inst = d->instances[i];

		if (strcmp(inst->cfg->interface, link->name) == 0)
			instance_link_changed(inst, deleted ? 0 : link->ifindex,
					      !deleted && link->up, link->mac);
	}
	trackers_on_link(d, link, deleted);
}

struct json_object *daemon_event_begin(struct daemon *d, const char *event, const char *result)
{
	struct json_object *obj = eventlog_begin(&d->events, event);

	eventlog_add_string(obj, "config", d->config ? d->config->path : "");
	eventlog_add_int(obj, "instances", (int64_t)d->instance_count);
	eventlog_add_string(obj, "result", result);
	eventlog_add_string(obj, "version", FAILOVERD_VERSION);
	return obj;
}

static void daemon_log_event(struct daemon *d, const char *event, const char *result)
{
	eventlog_commit(&d->events, daemon_event_begin(d, event, result));
}

static void on_stop_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct daemon *d = w->data;

	log_notice("received %s, stopping", w->signum == SIGTERM ? "SIGTERM" : "SIGINT");
	d->exit_code = 0;
	ev_break(loop, EVBREAK_ALL);
}

/* Two quick SIGHUPs may arrive as one callback; a reload is idempotent. */
static void on_reload_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	json_object_put(daemon_reload(w->data, "SIGHUP"));
}

/* Log rotation: the rotated file was renamed; start a new one. */
static void on_reopen_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct daemon *d = w->data;
	char path[CONFIG_PATH_MAX];

	snprintf(path, sizeof(path), "%s", d->events.path);
	eventlog_close(&d->events);
	if (eventlog_open(&d->events, path, d->node_name) < 0)
		log_error("SIGUSR1: cannot reopen event log %s", path);
	else
		log_info("SIGUSR1: event log %s reopened", path);
}

static void on_watchdog(struct ev_loop *loop, ev_timer *w, int revents)
{
	sd_notify_send("WATCHDOG=1");
}

static const char *daemon_control_path(const struct daemon *d)
{
	if (d->options.control_socket)
		return d->options.control_socket;
	if (d->config->global.control_socket[0])
		return d->config->global.control_socket;
	return CONFIG_DEFAULT_SOCKET;
}

static void daemon_close_resources(struct daemon *d)
{
	control_close(d);
	trackers_free(d);
	for (size_t i = 0; i < d->instance_count; i++) {
		instance_free(d->instances[i]);
		free(d->instances[i]);
	}
	for (size_t i = 0; i < d->channel_count; i++)
		daemon_channel_free(d->channels[i]);
	free(d->instances);
	free(d->channels);
	d->instances = NULL;
	d->channels = NULL;
	d->instance_count = d->channel_count = 0;
	link_watch_close(&d->links);
	garp_sender_close(&d->garp);
	netlink_close(&d->netlink);
}

int daemon_start(struct daemon *d, struct failoverd_config *config)
{
	int err;

	d->config = config;
	d->loop = EV_DEFAULT;
	d->garp.arp_fd = d->garp.na_fd = -1;
	signal(SIGPIPE, SIG_IGN);

	if ((err = netlink_open(&d->netlink)) < 0) {
		log_error("cannot open netlink: %s", strerror(-err));
		return err;
	}
	if ((err = garp_sender_open(&d->garp)) < 0) {
		log_error("cannot open GARP/NA sockets: %s (failoverd needs CAP_NET_RAW)",
			  strerror(-err));
		goto fail;
	}
	if ((err = link_watch_open(&d->links, d->loop, daemon_link_changed, d)) < 0) {
		log_error("cannot subscribe to link events: %s", strerror(-err));
		goto fail;
	}
	if ((err = daemon_build_instances(d)) < 0) {
		log_error("cannot set up instances: %s", strerror(-err));
		goto fail;
	}
	if ((err = trackers_build(d)) < 0) {
		log_error("cannot set up trackers: %s", strerror(-err));
		goto fail;
	}
	if (strcmp(daemon_control_path(d), "") != 0) {
		const char *path = daemon_control_path(d);

		err = control_open(d, path, d->config->global.control_group);
		if (err < 0) {
			log_error("cannot open the control socket %s: %s%s", path, strerror(-err),
				  err == -EADDRINUSE ? " (another failoverd answers on it)" : "");
			goto fail;
		}
	}
	for (size_t i = 0; i < d->channel_count; i++) {
		err = channel_open(d->channels[i]);
		if (err == -ENODEV)
			log_warning("interface %s does not exist (yet); its instances wait in FAULT",
				    d->channels[i]->ifname);
		else if (err == -EPERM || err == -EACCES)
			goto fail;
	}

	ev_signal_init(&d->sigterm, on_stop_signal, SIGTERM);
	ev_signal_init(&d->sigint, on_stop_signal, SIGINT);
	ev_signal_init(&d->sighup, on_reload_signal, SIGHUP);
	ev_signal_init(&d->sigusr1, on_reopen_signal, SIGUSR1);
	d->sigterm.data = d->sigint.data = d->sighup.data = d->sigusr1.data = d;
	ev_signal_start(d->loop, &d->sigterm);
	ev_signal_start(d->loop, &d->sigint);
	ev_signal_start(d->loop, &d->sighup);
	ev_signal_start(d->loop, &d->sigusr1);
	int64_t watchdog_us = sd_notify_watchdog_usec();
	ev_timer_init(&d->watchdog, on_watchdog, 0., (double)watchdog_us / 2e6);
	if (watchdog_us > 0)
		ev_timer_again(d->loop, &d->watchdog);
	d->started_us = clock_monotonic_us();

	log_notice("failoverd %s starting on node %s with %zu instance%s from %s",
		   FAILOVERD_VERSION, d->node_name, d->instance_count,
		   d->instance_count == 1 ? "" : "s", config->path);
	daemon_log_event(d, "start", "ok");
	trackers_start(d);
	for (size_t i = 0; i < d->instance_count; i++)
		instance_start(d->instances[i]);
	sd_notify_send("READY=1\nSTATUS=running");
	return 0;
fail:
	daemon_close_resources(d);
	return err;
}

int daemon_run(struct daemon *d)
{
	ev_run(d->loop, 0);
	return d->exit_code;
}

static size_t daemon_notify_pending(const struct daemon *d)
{
	size_t pending = 0;

	for (size_t i = 0; i < d->instance_count; i++)
		if (d->instances[i]->notify)
			pending += notify_queue_pending(d->instances[i]->notify);
	for (size_t i = 0; i < d->group_count; i++)
		if (d->groups[i].notify)
			pending += notify_queue_pending(d->groups[i].notify);
	return pending;
}

struct notify_drain {
	ev_timer poll;
	struct daemon *daemon;
	int64_t polls_left;
};

static void on_notify_drain(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct notify_drain *drain = (struct notify_drain *)w;

	if (daemon_notify_pending(drain->daemon) == 0 || --drain->polls_left <= 0)
		ev_break(loop, EVBREAK_ONE);
}

/* STOP scripts (and any still queued) get to run before we exit, bounded by
 * the notify timeout plus a margin; another SIGTERM cuts it short. */
static void daemon_drain_notify(struct daemon *d)
{
	struct notify_drain drain = {.daemon = d};

	if (daemon_notify_pending(d) == 0)
		return;
	log_info("waiting for %zu notify script(s) to finish", daemon_notify_pending(d));
	drain.polls_left = (NOTIFY_DEFAULT_TIMEOUT_US + 2000000) / 20000;
	ev_timer_init(&drain.poll, on_notify_drain, 0.02, 0.02);
	ev_timer_start(d->loop, &drain.poll);
	ev_run(d->loop, 0);
	ev_timer_stop(d->loop, &drain.poll);
}

void daemon_stop(struct daemon *d, const char *why)
{
	sd_notify_send("STOPPING=1");
	ev_timer_stop(d->loop, &d->watchdog);
	/* No tracker may move an instance while it is being stopped. */
	for (size_t i = 0; i < d->check_count; i++)
		check_stop(d->checks[i]->check);
	for (size_t i = 0; i < d->instance_count; i++)
		instance_stop(d->instances[i]);
	daemon_drain_notify(d);
	log_notice("failoverd stopped (%s)", why);
	daemon_log_event(d, "stop", why);
	ev_signal_stop(d->loop, &d->sigterm);
	ev_signal_stop(d->loop, &d->sigint);
	ev_signal_stop(d->loop, &d->sighup);
	ev_signal_stop(d->loop, &d->sigusr1);
	daemon_close_resources(d);
}
