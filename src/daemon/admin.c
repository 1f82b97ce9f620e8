/*
 * admin.c - what an operator asks of a running daemon: maintenance and
 * live reload.
 *
 * Reload (SIGHUP or failoverctl reload) is all-or-nothing at the config
 * level: the new file is parsed and validated completely first, and an
 * invalid one changes nothing. A valid one is diffed against the running
 * config (config_diff.h) and applied so that only what changed moves:
 *   removed and replaced instances stop (priority 0 if MASTER, VIPs released);
 *   unchanged instances switch to the new config's copy of their settings
 *     and do nothing else: no advert out of rhythm, no GARP, no flap;
 *   changed instances apply their deltas in place (instance_reconfigure);
 *   trackers and sync groups are rebuilt, keeping checks whose settings
 *     did not change running with their state;
 *   added and replaced instances start.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "failoverd/config_diff.h"
#include "failoverd/daemon.h"
#include "failoverd/instance.h"
#include "failoverd/log.h"
#include "failoverd/sd_notify.h"
#include "failoverd/sync_group.h"
#include "failoverd/timefmt.h"

static struct json_object *admin_reply(bool ok)
{
	struct json_object *reply = json_object_new_object();

	json_object_object_add(reply, "ok", json_object_new_boolean(ok));
	return reply;
}

static struct json_object *admin_error(const char *text)
{
	struct json_object *reply = admin_reply(false);

	json_object_object_add(reply, "error", json_object_new_string(text));
	return reply;
}

static struct vrrp_instance *admin_find(struct daemon *d, const char *name)
{
	for (size_t i = 0; i < d->instance_count; i++)
		if (strcmp(d->instances[i]->cfg->name, name) == 0)
			return d->instances[i];
	return NULL;
}

struct json_object *daemon_maintenance(struct daemon *d, const char *name, bool on)
{
	struct json_object *names = json_object_new_array();
	struct vrrp_instance *target = NULL;
	struct json_object *reply;

	if (strcmp(name, "all") != 0) {
		target = admin_find(d, name);
		if (!target) {
			char text[128];

			json_object_put(names);
			snprintf(text, sizeof(text), "no instance named '%s'", name);
			return admin_error(text);
		}
		if (target->group)
			log_notice("maintenance of %s applies to its whole sync group %s", name,
				   target->group->cfg->name);
	}
	for (size_t i = 0; i < d->instance_count; i++) {
		struct vrrp_instance *inst = d->instances[i];

		if (target && inst != target && !(target->group && inst->group == target->group))
			continue;
		instance_set_maintenance(inst, on);
		json_object_array_add(names, json_object_new_string(inst->cfg->name));
	}
	reply = admin_reply(true);
	json_object_object_add(reply, "instances", names);
	json_object_object_add(reply, "state", json_object_new_string(on ? "on" : "off"));
	return reply;
}

/* ---- reload ---------------------------------------------------------------- */

static bool admin_keep_check(const void *ctx, const char *name)
{
	const struct config_diff *diff = ctx;

	for (size_t i = 0; i < diff->check_count; i++)
		if (strcmp(diff->checks[i].name, name) == 0)
			return diff->checks[i].change == CONFIG_UNCHANGED;
	return false;
}

static void admin_names(struct json_object *reply, const char *key, const struct config_diff *diff,
			enum config_change a, enum config_change b)
{
	struct json_object *list = json_object_new_array();

	for (size_t i = 0; i < diff->instance_count; i++)
		if (diff->instances[i].change == a || diff->instances[i].change == b)
			json_object_array_add(list, json_object_new_string(diff->instances[i].name));
	json_object_object_add(reply, key, list);
}

static void admin_reload_event(struct daemon *d, const char *result, struct json_object *reply)
{
	struct json_object *event = daemon_event_begin(d, "reload", result);
	static const char *const keys[] = {"added", "removed", "changed"};

	for (size_t i = 0; reply && i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct json_object *list;

		if (json_object_object_get_ex(reply, keys[i], &list))
			json_object_object_add(event, keys[i], json_object_get(list));
	}
	eventlog_commit(&d->events, event);
}

static struct json_object *admin_reload_invalid(struct daemon *d, struct config_errors *errors)
{
	struct json_object *reply = admin_error("the new configuration is invalid; "
						"the running one is kept");
	struct json_object *list = json_object_new_array();

	for (size_t i = 0; i < errors->count; i++) {
		log_error("reload: %s", errors->lines[i]);
		json_object_array_add(list, json_object_new_string(errors->lines[i]));
	}
	log_error("reload: %s is invalid; keeping the running configuration", d->config->path);
	json_object_object_add(reply, "result", json_object_new_string("invalid"));
	json_object_object_add(reply, "errors", list);
	admin_reload_event(d, "invalid", NULL);
	return reply;
}

/* Stops and frees the instances a reload removes or replaces. */
static void admin_stop_removed(struct daemon *d, const struct config_diff *diff)
{
	for (size_t i = 0; i < diff->instance_count; i++) {
		const struct config_instance_diff *x = &diff->instances[i];
		struct vrrp_instance *inst;

		if (x->change != CONFIG_REMOVED && x->change != CONFIG_REPLACED)
			continue;
		inst = admin_find(d, x->name);
		if (!inst)
			continue;
		log_notice("(%s) %s by reload", x->name,
			   x->change == CONFIG_REMOVED ? "removed" : "replaced (identity changed)");
		instance_stop(inst);
		daemon_instance_remove(d, inst);
	}
}

/* Points kept instances at the new config and applies their changes. */
static int admin_reconfigure_kept(struct daemon *d, const struct config_diff *diff)
{
	for (size_t i = 0; i < diff->instance_count; i++) {
		const struct config_instance_diff *x = &diff->instances[i];
		struct vrrp_instance *inst;
		int err;

		if (x->change != CONFIG_UNCHANGED && x->change != CONFIG_CHANGED)
			continue;
		inst = admin_find(d, x->name);
		if (!inst)
			continue;
		if (x->change == CONFIG_CHANGED)
			log_notice("(%s) settings changed by reload", x->name);
		err = instance_reconfigure(inst, x->new, x->change == CONFIG_CHANGED ? x->delta : 0);
		if (err < 0)
			return err;
	}
	return 0;
}

static int admin_start_added(struct daemon *d, const struct config_diff *diff)
{
	for (size_t i = 0; i < diff->instance_count; i++) {
		const struct config_instance_diff *x = &diff->instances[i];

		if (x->change != CONFIG_ADDED && x->change != CONFIG_REPLACED)
			continue;
		if (!daemon_instance_add(d, x->new))
			return -ENOMEM;
	}
	for (size_t i = 0; i < d->channel_count; i++)
		if (d->channels[i]->socket.fd < 0)
			channel_open(d->channels[i]);
	return 0;
}

static void admin_apply_globals(struct daemon *d, const struct failoverd_config *old)
{
	const struct global_config *g = &d->config->global;

	log_set_facility(g->syslog_facility_value);
	if (strcmp(g->control_socket, old->global.control_socket) != 0 ||
	    strcmp(g->control_group, old->global.control_group) != 0)
		log_warning("reload: control_socket / control_group changes apply at the next start");
	if (!d->options.node_name && g->node_name[0] && strcmp(g->node_name, d->node_name) != 0) {
		snprintf(d->node_name, sizeof(d->node_name), "%s", g->node_name);
		snprintf(d->events.node, sizeof(d->events.node), "%s", g->node_name);
	}
	if (!d->options.event_log && strcmp(g->event_log, d->events.path) != 0) {
		eventlog_close(&d->events);
		if (eventlog_open(&d->events, g->event_log, d->node_name) < 0)
			log_error("reload: cannot open event log %s; events are not logged",
				  g->event_log);
	}
}

struct json_object *daemon_reload(struct daemon *d, const char *origin)
{
	struct failoverd_config *config = NULL, *old = d->config;
	struct config_errors errors = {0};
	struct config_diff diff;
	struct json_object *reply;
	int64_t started = clock_monotonic_us();
	char status[64];
	int err;

	snprintf(status, sizeof(status), "RELOADING=1\nMONOTONIC_USEC=%lld",
		 (long long)started);
	sd_notify_send(status);
	log_notice("reload requested (%s): reading %s", origin, old->path);
	if (config_load(old->path, &config, &errors) < 0) {
		reply = admin_reload_invalid(d, &errors);
		config_errors_free(&errors);
		sd_notify_send("READY=1");
		return reply;
	}
	config_errors_free(&errors);
	if (config_diff_compute(old, config, &diff) < 0) {
		config_free(config);
		sd_notify_send("READY=1");
		return admin_error("out of memory computing the reload");
	}
	reply = admin_reply(true);
	json_object_object_add(reply, "result", json_object_new_string("applied"));
	admin_names(reply, "added", &diff, CONFIG_ADDED, CONFIG_REPLACED);
	admin_names(reply, "removed", &diff, CONFIG_REMOVED, CONFIG_REPLACED);
	admin_names(reply, "changed", &diff, CONFIG_CHANGED, CONFIG_CHANGED);
	json_object_object_add(reply, "unchanged", json_object_new_int64((int64_t)diff.unchanged));

	/* Sync groups and tracker references point at instances that may go
	 * away: drop them first, rebuild them from the new config below. */
	trackers_detach(d);
	admin_stop_removed(d, &diff);
	err = admin_reconfigure_kept(d, &diff);
	d->config = config;
	if (err == 0)
		err = admin_start_added(d, &diff);
	if (err == 0)
		err = trackers_rebuild(d, admin_keep_check, &diff);
	admin_apply_globals(d, old);
	for (size_t i = 0; i < d->instance_count; i++) {
		struct vrrp_instance *inst = d->instances[i];

		if (inst->started)
			instance_trackers_changed(inst, NULL);
		else
			instance_start(inst);
	}
	if (err < 0)
		log_error("reload: %s while applying; some instances may be incomplete",
			  strerror(-err));
	log_notice("reload applied in %.1f ms: %zu added, %zu removed, %zu changed, %zu replaced, "
		   "%zu unchanged", (double)(clock_monotonic_us() - started) / 1000.0, diff.added,
		   diff.removed, diff.changed, diff.replaced, diff.unchanged);
	config_diff_free(&diff);
	config_free(old);
	admin_reload_event(d, "applied", reply);
	sd_notify_send("READY=1");
	return reply;
}
