/*
 * status.c - what the control socket reports: the status and stats
 * objects of control.h, built from the live instances and channels.
 *
 * Both are plain json-c objects so that failoverctl, the metrics renderer
 * (metrics_render works on exactly these objects) and any operator script
 * see the same numbers.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "failoverd/daemon.h"
#include "failoverd/eventlog.h"
#include "failoverd/instance.h"
#include "failoverd/sync_group.h"
#include "failoverd/timefmt.h"

static void add_seconds(struct json_object *obj, const char *key, int64_t us)
{
	char text[32];

	snprintf(text, sizeof(text), "%.3f", (double)us / 1e6);
	json_object_object_add(obj, key, json_object_new_double_s((double)us / 1e6, text));
}

static struct json_object *status_vips(const struct instance_config *cfg)
{
	struct json_object *vips = json_object_new_array();

	for (size_t i = 0; i < config_owned_count(cfg); i++) {
		const struct ip_prefix *p = config_owned(cfg, i);
		char addr[IP_ADDRESS_TEXT_MAX], text[IP_ADDRESS_TEXT_MAX + 8];

		snprintf(text, sizeof(text), "%s/%u",
			 ip_address_format(&p->address, addr, sizeof(addr)), p->length);
		json_object_array_add(vips, json_object_new_string(text));
	}
	return vips;
}

static struct json_object *status_faults(const struct vrrp_instance *inst)
{
	struct json_object *faults = json_object_new_array();

	if (inst->fault_mask & INSTANCE_FAULT_LINK)
		json_object_array_add(faults, json_object_new_string("link"));
	if (inst->fault_mask & INSTANCE_FAULT_TRACKER)
		json_object_array_add(faults, json_object_new_string("tracker"));
	if (inst->fault_mask & INSTANCE_FAULT_SYNC_GROUP)
		json_object_array_add(faults, json_object_new_string("sync_group"));
	return faults;
}

static struct json_object *status_trackers(const struct vrrp_instance *inst)
{
	struct json_object *list = json_object_new_array();

	for (size_t i = 0; i < inst->track_ref_count; i++) {
		const struct track_ref *ref = &inst->track_refs[i];
		struct json_object *t = json_object_new_object();

		eventlog_add_string(t, "name", ref->state->name);
		eventlog_add_string(t, "kind", tracker_kind_name(ref->state->kind));
		eventlog_add_string(t, "status", tracker_status_name(ref->state->status));
		if (ref->item->has_weight)
			eventlog_add_int(t, "weight", ref->item->weight);
		if (ref->state->kind == TRACKER_BOND) {
			eventlog_add_int(t, "members_up", ref->state->members_up);
			eventlog_add_int(t, "members_total", ref->state->members_total);
		}
		eventlog_add_string(t, "detail", ref->state->detail);
		json_object_array_add(list, t);
	}
	return list;
}

/* The wall-clock time the instance entered its state. */
static void status_since(const struct vrrp_instance *inst, int64_t now_mono_us, char *buf,
			 size_t size)
{
	struct timespec real;
	int64_t ago = now_mono_us - inst->state_since_us;
	int64_t real_us;

	clock_gettime(CLOCK_REALTIME, &real);
	real_us = (int64_t)real.tv_sec * 1000000 + real.tv_nsec / 1000 - ago;
	real.tv_sec = (time_t)(real_us / 1000000);
	real.tv_nsec = (long)(real_us % 1000000) * 1000;
	timefmt_rfc3339(&real, buf, size);
}

static struct json_object *status_instance(const struct vrrp_instance *inst, int64_t now_us)
{
	const struct instance_config *cfg = inst->cfg;
	struct json_object *o = json_object_new_object();
	char since[TIMEFMT_RFC3339_MAX];

	eventlog_add_string(o, "name", cfg->name);
	eventlog_add_string(o, "interface", cfg->interface);
	eventlog_add_string(o, "family", eventlog_family_name(cfg->family));
	eventlog_add_int(o, "vrid", cfg->vrid);
	eventlog_add_int(o, "version", cfg->version);
	eventlog_add_string(o, "state", vrrp_state_name(inst->fsm.state));
	eventlog_add_int(o, "priority", cfg->priority);
	eventlog_add_int(o, "effective_priority", inst->fsm.cfg.priority);
	if (inst->fsm.state == VRRP_STATE_MASTER && inst->primary.family)
		eventlog_add_address(o, "master", &inst->primary);
	else if (inst->fsm.master.family)
		eventlog_add_address(o, "master", &inst->fsm.master);
	json_object_object_add(o, "vips", status_vips(cfg));
	status_since(inst, now_us, since, sizeof(since));
	eventlog_add_string(o, "since", since);
	add_seconds(o, "in_state", now_us - inst->state_since_us);
	eventlog_add_string(o, "reason", vrrp_reason_name(inst->last_reason));
	json_object_object_add(o, "maintenance", json_object_new_boolean(inst->fsm.cfg.maintenance));
	json_object_object_add(o, "faults", status_faults(inst));
	if (inst->group)
		eventlog_add_string(o, "sync_group", inst->group->cfg->name);
	json_object_object_add(o, "trackers", status_trackers(inst));
	return o;
}

struct json_object *daemon_status_json(const struct daemon *d)
{
	struct json_object *o = json_object_new_object();
	struct json_object *list = json_object_new_array();
	int64_t now = clock_monotonic_us();

	json_object_object_add(o, "ok", json_object_new_boolean(1));
	eventlog_add_string(o, "node", d->node_name);
	eventlog_add_string(o, "version", FAILOVERD_VERSION);
	eventlog_add_int(o, "pid", getpid());
	eventlog_add_string(o, "config", d->config->path);
	add_seconds(o, "uptime", now - d->started_us);
	for (size_t i = 0; i < d->instance_count; i++)
		json_object_array_add(list, status_instance(d->instances[i], now));
	json_object_object_add(o, "instances", list);
	return o;
}

static struct json_object *stats_instance(const struct vrrp_instance *inst)
{
	const struct instance_counters *c = &inst->counters;
	struct json_object *o = json_object_new_object();

	eventlog_add_string(o, "name", inst->cfg->name);
	eventlog_add_int(o, "adverts_sent", (int64_t)c->adverts_sent);
	eventlog_add_int(o, "adverts_received", (int64_t)c->adverts_received);
	eventlog_add_int(o, "priority_zero_sent", (int64_t)c->priority_zero_sent);
	eventlog_add_int(o, "priority_zero_received", (int64_t)c->priority_zero_received);
	eventlog_add_int(o, "garps_sent", (int64_t)c->garps_sent);
	eventlog_add_int(o, "transitions", (int64_t)c->transitions);
	eventlog_add_int(o, "send_errors", (int64_t)c->send_errors);
	eventlog_add_int(o, "lower_priority_replies", (int64_t)c->lower_priority_replies);
	return o;
}

static struct json_object *stats_channel(const struct vrrp_channel *c)
{
	struct json_object *o = json_object_new_object();
	struct json_object *errors = json_object_new_object();

	eventlog_add_string(o, "interface", c->ifname);
	eventlog_add_string(o, "family", eventlog_family_name(c->family));
	eventlog_add_int(o, "received", (int64_t)c->received);
	for (int r = VRRP_RX_OK + 1; r < VRRP_RX_ERROR_COUNT; r++)
		eventlog_add_int(errors, vrrp_rx_error_name(r), (int64_t)c->rx_errors[r]);
	json_object_object_add(o, "rx_errors", errors);
	return o;
}

struct json_object *daemon_stats_json(const struct daemon *d)
{
	struct json_object *o = json_object_new_object();
	struct json_object *instances = json_object_new_array();
	struct json_object *interfaces = json_object_new_array();

	json_object_object_add(o, "ok", json_object_new_boolean(1));
	eventlog_add_string(o, "node", d->node_name);
	for (size_t i = 0; i < d->instance_count; i++)
		json_object_array_add(instances, stats_instance(d->instances[i]));
	for (size_t i = 0; i < d->channel_count; i++)
		json_object_array_add(interfaces, stats_channel(d->channels[i]));
	json_object_object_add(o, "instances", instances);
	json_object_object_add(o, "interfaces", interfaces);
	return o;
}
