/*
 * config_diff.c - what a reload changes: two validated configs compared
 * field by field (config_diff.h).
 *
 * The diff is pure: it reads two struct failoverd_config and says, for every
 * instance and every check, whether it is unchanged, changed, replaced,
 * added or removed, and for a changed instance which groups of settings
 * differ. The daemon decides what to do with that; this file only has to be
 * exact, because "unchanged" means "leave it alone, send nothing".
 *
 * Values, never pointers: file and line say where a setting was written,
 * not what it is, so moving an instance in the file (or into an @include)
 * changes nothing. Lists whose order means nothing (virtual addresses,
 * unicast peers, tracked items, sync group members) are compared as sets;
 * the parser has already refused duplicates in each of them, so "same size
 * and every element of one is in the other" is set equality. The lists are
 * usually written in the same order, so a pass in order comes first and
 * the quadratic search runs only when the order differs.
 *
 * A tracked check is compared by its track entry (name, weight); a change
 * of the check's own settings shows in the checks list of the diff, not as
 * a TRACK change of every instance that tracks it.
 *
 * The names and pointers in the result point into the two configs: the
 * diff is valid as long as both are.
 */
#include "failoverd/config_diff.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef bool (*config_diff_equal_fn)(const void *a, const void *b);

/* Set equality of two lists without duplicates (see the top of the file). */
static bool config_diff_sets_equal(const void *a, size_t a_count, const void *b, size_t b_count,
				   size_t size, config_diff_equal_fn equal)
{
	const char *left = a, *right = b;
	size_t first_difference = 0;

	if (a_count != b_count)
		return false;
	while (first_difference < a_count &&
	       equal(left + first_difference * size, right + first_difference * size))
		first_difference++;
	for (size_t i = first_difference; i < a_count; i++) {
		bool found = false;

		for (size_t k = first_difference; k < b_count && !found; k++)
			found = equal(left + i * size, right + k * size);
		if (!found)
			return false;
	}
	return true;
}

static bool config_diff_prefix_equal(const void *a, const void *b)
{
	const struct ip_prefix *left = a, *right = b;

	return left->length == right->length && ip_address_equal(&left->address, &right->address);
}

static bool config_diff_address_equal(const void *a, const void *b)
{
	return ip_address_equal(a, b);
}

static bool config_diff_name_equal(const void *a, const void *b)
{
	return strcmp(a, b) == 0;
}

/* Everything but line: a tracked item is known by its name within its list. */
static bool config_diff_track_item_equal(const void *a, const void *b)
{
	const struct track_item *left = a, *right = b;

	return strcmp(left->name, right->name) == 0 && left->has_weight == right->has_weight &&
	       left->weight == right->weight && left->min_members == right->min_members &&
	       left->up_delay_us == right->up_delay_us &&
	       left->down_delay_us == right->down_delay_us;
}

static bool config_diff_track_equal(const struct track_config *a, const struct track_config *b)
{
	return config_diff_sets_equal(a->interfaces, a->interface_count, b->interfaces,
				      b->interface_count, sizeof(struct track_item),
				      config_diff_track_item_equal) &&
	       config_diff_sets_equal(a->bonds, a->bond_count, b->bonds, b->bond_count,
				      sizeof(struct track_item), config_diff_track_item_equal) &&
	       config_diff_sets_equal(a->checks, a->check_count, b->checks, b->check_count,
				      sizeof(struct track_item), config_diff_track_item_equal);
}

static bool config_diff_notify_equal(const struct notify_config *a, const struct notify_config *b)
{
	return strcmp(a->master, b->master) == 0 && strcmp(a->backup, b->backup) == 0 &&
	       strcmp(a->fault, b->fault) == 0 && strcmp(a->stop, b->stop) == 0 &&
	       strcmp(a->any, b->any) == 0;
}

static bool config_diff_garp_equal(const struct garp_config *a, const struct garp_config *b)
{
	return a->delay_us == b->delay_us && a->repeat == b->repeat &&
	       a->interval_us == b->interval_us && a->refresh_us == b->refresh_us;
}

static bool config_diff_auth_equal(const struct auth_config *a, const struct auth_config *b)
{
	return a->type == b->type && strcmp(a->password, b->password) == 0 &&
	       strcmp(a->key_file, b->key_file) == 0 && a->mode == b->mode;
}

/* unicast.enabled is identity; source and peers are settings. */
static bool config_diff_unicast_equal(const struct unicast_config *a,
				      const struct unicast_config *b)
{
	return ip_address_equal(&a->source, &b->source) &&
	       config_diff_sets_equal(a->peers, a->peer_count, b->peers, b->peer_count,
				      sizeof(struct ip_address), config_diff_address_equal);
}

/* What names a virtual router on the wire: change it and it is another one. */
static bool config_diff_identity_equal(const struct instance_config *a,
				       const struct instance_config *b)
{
	return strcmp(a->interface, b->interface) == 0 && a->vrid == b->vrid &&
	       a->family == b->family && a->version == b->version &&
	       a->unicast.enabled == b->unicast.enabled;
}

static bool config_diff_vips_equal(const struct instance_config *a, const struct instance_config *b)
{
	return config_diff_sets_equal(a->vips, a->vip_count, b->vips, b->vip_count,
				      sizeof(struct ip_prefix), config_diff_prefix_equal) &&
	       config_diff_sets_equal(a->vips_excluded, a->vip_excluded_count, b->vips_excluded,
				      b->vip_excluded_count, sizeof(struct ip_prefix),
				      config_diff_prefix_equal);
}

static bool config_diff_timing_equal(const struct instance_config *a,
				     const struct instance_config *b)
{
	return a->advert_interval_cs == b->advert_interval_cs && a->preempt == b->preempt &&
	       a->preempt_delay_us == b->preempt_delay_us && a->initial_state == b->initial_state;
}

static bool config_diff_other_equal(const struct instance_config *a,
				    const struct instance_config *b)
{
	return a->accept == b->accept && a->checksum_mode == b->checksum_mode &&
	       a->vmac == b->vmac && config_diff_auth_equal(&a->auth, &b->auth) &&
	       config_diff_unicast_equal(&a->unicast, &b->unicast);
}

/* The sync group that lists instance name, or NULL (at most one does). */
static const struct sync_group_config *
config_diff_sync_group_of(const struct failoverd_config *config, const char *name)
{
	for (size_t g = 0; g < config->sync_group_count; g++) {
		const struct sync_group_config *group = &config->sync_groups[g];

		for (size_t i = 0; i < group->instance_count; i++)
			if (strcmp(group->instances[i], name) == 0)
				return group;
	}
	return NULL;
}

static bool config_diff_sync_group_equal(const struct sync_group_config *a,
					 const struct sync_group_config *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a->name, b->name) == 0 && config_diff_notify_equal(&a->notify, &b->notify) &&
	       config_diff_sets_equal(a->instances, a->instance_count, b->instances,
				      b->instance_count, sizeof(*a->instances),
				      config_diff_name_equal);
}

/* The delta bits of two instances of the same identity (0 = unchanged). */
static unsigned int config_diff_instance_delta(const struct failoverd_config *old_config,
					       const struct instance_config *a,
					       const struct failoverd_config *new_config,
					       const struct instance_config *b)
{
	unsigned int delta = 0;

	if (a->priority != b->priority)
		delta |= CONFIG_DELTA_PRIORITY;
	if (!config_diff_vips_equal(a, b))
		delta |= CONFIG_DELTA_VIPS;
	if (!config_diff_timing_equal(a, b))
		delta |= CONFIG_DELTA_TIMING;
	if (!config_diff_track_equal(&a->track, &b->track))
		delta |= CONFIG_DELTA_TRACK;
	if (!config_diff_notify_equal(&a->notify, &b->notify))
		delta |= CONFIG_DELTA_NOTIFY;
	if (!config_diff_garp_equal(&a->garp, &b->garp))
		delta |= CONFIG_DELTA_GARP;
	if (!config_diff_other_equal(a, b))
		delta |= CONFIG_DELTA_OTHER;
	if (!config_diff_sync_group_equal(config_diff_sync_group_of(old_config, a->name),
					  config_diff_sync_group_of(new_config, b->name)))
		delta |= CONFIG_DELTA_SYNC_GROUP;
	return delta;
}

static void config_diff_count(struct config_diff *diff, enum config_change change)
{
	switch (change) {
	case CONFIG_UNCHANGED:
		diff->unchanged++;
		break;
	case CONFIG_CHANGED:
		diff->changed++;
		break;
	case CONFIG_REPLACED:
		diff->replaced++;
		break;
	case CONFIG_ADDED:
		diff->added++;
		break;
	case CONFIG_REMOVED:
		diff->removed++;
		break;
	}
}

/* Classifies the new instance b against its namesake a in the old config. */
static void config_diff_classify(const struct failoverd_config *old,
				 const struct failoverd_config *new,
				 const struct instance_config *a,
				 struct config_instance_diff *entry)
{
	const struct instance_config *b = entry->new;

	entry->old = a;
	if (!a) {
		entry->change = CONFIG_ADDED;
		return;
	}
	if (!config_diff_identity_equal(a, b)) {
		entry->change = CONFIG_REPLACED;
		return;
	}
	entry->delta = config_diff_instance_delta(old, a, new, b);
	entry->change = entry->delta ? CONFIG_CHANGED : CONFIG_UNCHANGED;
}

/* New instances in their order, then the old ones that are gone. */
static int config_diff_instances(const struct failoverd_config *old,
				 const struct failoverd_config *new, struct config_diff *out)
{
	out->instances =
	    calloc(new->instance_count + old->instance_count + 1, sizeof(*out->instances));
	if (!out->instances)
		return -ENOMEM;
	for (size_t i = 0; i < new->instance_count; i++) {
		struct config_instance_diff *entry = &out->instances[out->instance_count++];

		entry->new = &new->instances[i];
		entry->name = entry->new->name;
		config_diff_classify(old, new, config_find_instance(old, entry->name), entry);
		config_diff_count(out, entry->change);
	}
	for (size_t i = 0; i < old->instance_count; i++) {
		struct config_instance_diff *entry;

		if (config_find_instance(new, old->instances[i].name))
			continue;
		entry = &out->instances[out->instance_count++];
		entry->name = old->instances[i].name;
		entry->old = &old->instances[i];
		entry->change = CONFIG_REMOVED;
		config_diff_count(out, CONFIG_REMOVED);
	}
	return 0;
}

static bool config_diff_argv_equal(char *const *a, char *const *b)
{
	if (!a || !b)
		return a == b;
	for (; *a && *b; a++, b++)
		if (strcmp(*a, *b) != 0)
			return false;
	return !*a && !*b;
}

/* Every setting of a check; file and line say only where it was written. */
static bool config_diff_check_equal(const struct check_config *a, const struct check_config *b)
{
	return a->type == b->type && strcmp(a->address, b->address) == 0 && a->port == b->port &&
	       strcmp(a->url, b->url) == 0 && a->status == b->status &&
	       strcmp(a->expect, b->expect) == 0 && a->max_latency_us == b->max_latency_us &&
	       a->verify == b->verify && strcmp(a->ca_file, b->ca_file) == 0 &&
	       strcmp(a->sni, b->sni) == 0 && config_diff_argv_equal(a->command, b->command) &&
	       strcmp(a->process_name, b->process_name) == 0 &&
	       strcmp(a->pid_file, b->pid_file) == 0 && a->interval_us == b->interval_us &&
	       a->timeout_us == b->timeout_us && a->rise == b->rise && a->fall == b->fall;
}

static const struct check_config *config_diff_find_check(const struct failoverd_config *config,
							 const char *name)
{
	for (size_t i = 0; i < config->check_count; i++)
		if (strcmp(config->checks[i].name, name) == 0)
			return &config->checks[i];
	return NULL;
}

static int config_diff_checks(const struct failoverd_config *old,
			      const struct failoverd_config *new, struct config_diff *out)
{
	out->checks = calloc(new->check_count + old->check_count + 1, sizeof(*out->checks));
	if (!out->checks)
		return -ENOMEM;
	for (size_t i = 0; i < new->check_count; i++) {
		const struct check_config *b = &new->checks[i];
		const struct check_config *a = config_diff_find_check(old, b->name);

		out->checks[out->check_count].name = b->name;
		out->checks[out->check_count++].change = !a ? CONFIG_ADDED
							 : config_diff_check_equal(a, b)
							     ? CONFIG_UNCHANGED
							     : CONFIG_CHANGED;
	}
	for (size_t i = 0; i < old->check_count; i++) {
		if (config_diff_find_check(new, old->checks[i].name))
			continue;
		out->checks[out->check_count].name = old->checks[i].name;
		out->checks[out->check_count++].change = CONFIG_REMOVED;
	}
	return 0;
}

static bool config_diff_global_equal(const struct global_config *a, const struct global_config *b)
{
	return strcmp(a->node_name, b->node_name) == 0 && strcmp(a->event_log, b->event_log) == 0 &&
	       strcmp(a->control_socket, b->control_socket) == 0 &&
	       strcmp(a->syslog_facility, b->syslog_facility) == 0 &&
	       a->syslog_facility_value == b->syslog_facility_value &&
	       strcmp(a->control_group, b->control_group) == 0;
}

int config_diff_compute(const struct failoverd_config *old, const struct failoverd_config *new,
			struct config_diff *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = config_diff_instances(old, new, out);
	if (rc == 0)
		rc = config_diff_checks(old, new, out);
	if (rc < 0) {
		config_diff_free(out);
		return rc;
	}
	out->global_changed = !config_diff_global_equal(&old->global, &new->global);
	return 0;
}

void config_diff_free(struct config_diff *diff)
{
	if (!diff)
		return;
	free(diff->instances);
	free(diff->checks);
	memset(diff, 0, sizeof(*diff));
}

const char *config_change_name(enum config_change change)
{
	switch (change) {
	case CONFIG_UNCHANGED:
		return "unchanged";
	case CONFIG_CHANGED:
		return "changed";
	case CONFIG_REPLACED:
		return "replaced";
	case CONFIG_ADDED:
		return "added";
	case CONFIG_REMOVED:
		return "removed";
	}
	return "unknown";
}
