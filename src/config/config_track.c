/*
 * config_track.c - an instance's `track` group: the interfaces, bonds and
 * health checks whose failure lowers its priority or puts it in FAULT.
 *
 *   track = {
 *     interfaces = ( { name = "eth2"; weight = -60; up_delay = 2; } );
 *     bonds      = ( { name = "bond0"; weight = -20; min_members = 1; } );
 *     checks     = ( { name = "smtps"; weight = -60; } );
 *   };
 *
 * A weight (-254..254) is added to the priority while the tracker fails
 * (for a bond: per lost member); an item without a weight puts the
 * instance in FAULT instead. The effective priority itself is computed at
 * run time in one place (track.h); here every item is only checked.
 *
 * Interfaces and bonds may be debounced with up_delay / down_delay: a link
 * that flaps must stay in its new state that long before it counts. Checks
 * already have their own debounce (rise, fall), so a delay on a tracked
 * check is refused with a hint that says so. Tracked checks must exist in
 * the top-level checks list, which is parsed before the instances for that
 * reason.
 */
#include "config_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Longest up_delay / down_delay, in seconds. */
#define CONFIG_TRACK_DELAY_MAX 3600

static const char *const config_track_names[] = {"interfaces", "bonds", "checks"};
static const char *const config_track_interface_names[] = {"name", "weight", "up_delay",
							   "down_delay"};
static const char *const config_track_bond_names[] = {"name", "weight", "min_members", "up_delay",
						      "down_delay"};
static const char *const config_track_check_names[] = {"name", "weight"};

static const struct config_member_hint config_track_interface_hints[] = {
    {"min_members", "'min_members' applies to track.bonds only"},
};
static const struct config_member_hint config_track_check_hints[] = {
    {"up_delay", "'up_delay' applies to interfaces and bonds; a check is debounced by its "
		 "own 'rise' and 'fall'"},
    {"down_delay", "'down_delay' applies to interfaces and bonds; a check is debounced by "
		   "its own 'rise' and 'fall'"},
    {"min_members", "'min_members' applies to track.bonds only"},
};

/* Which list of `track` is being read, and what its items may hold. */
struct config_track_kind {
	const char *list; /* "interfaces", "bonds", "checks" */
	const char *const *names;
	size_t name_count;
	const struct config_member_hint *hints;
	size_t hint_count;
	bool bond;   /* min_members */
	bool delays; /* up_delay, down_delay */
	bool check;  /* name must be a defined check */
};

static const struct config_track_kind config_track_interfaces = {
    "interfaces",
    config_track_interface_names,
    ARRAY_SIZE(config_track_interface_names),
    config_track_interface_hints,
    ARRAY_SIZE(config_track_interface_hints),
    false,
    true,
    false,
};
static const struct config_track_kind config_track_bonds = {
    "bonds", config_track_bond_names, ARRAY_SIZE(config_track_bond_names), NULL, 0, true, true,
    false,
};
static const struct config_track_kind config_track_checks = {
    "checks",
    config_track_check_names,
    ARRAY_SIZE(config_track_check_names),
    config_track_check_hints,
    ARRAY_SIZE(config_track_check_hints),
    false,
    false,
    true,
};

static bool config_parse_track_name(struct config_parser *parser, const config_setting_t *item,
				    const struct config_track_kind *kind, const char *where,
				    struct track_item *out)
{
	const char *name;

	switch (config_get_string(parser, item, "name", where, CONFIG_NAME_MAX, false, &name)) {
	case CONFIG_ABSENT:
		config_error_missing(parser, item, "name", where);
		return false;
	case CONFIG_INVALID:
		return false;
	default:
		break;
	}
	snprintf(out->name, sizeof(out->name), "%s", name);
	if (!kind->check)
		return config_check_interface_name(parser, config_setting_get_member(item, "name"),
						   name, where);
	if (config_find_check(parser->config, name) < 0) {
		config_error(parser, config_setting_get_member(item, "name"),
			     "%s: check '%s' is not defined in the top-level 'checks' list", where,
			     name);
		return false;
	}
	return true;
}

static bool config_parse_track_weight(struct config_parser *parser, const config_setting_t *item,
				      const char *where, struct track_item *out)
{
	long long value;

	switch (config_get_integer(parser, item, "weight", where, -254, 254, &value)) {
	case CONFIG_FOUND:
		out->has_weight = true;
		out->weight = (int)value;
		return true;
	case CONFIG_INVALID:
		return false;
	default:
		return true;
	}
}

static bool config_parse_track_min_members(struct config_parser *parser,
					   const config_setting_t *item, const char *where,
					   struct track_item *out)
{
	long long value;

	switch (config_get_integer(parser, item, "min_members", where, 1, 1024, &value)) {
	case CONFIG_FOUND:
		out->min_members = (unsigned int)value;
		return true;
	case CONFIG_INVALID:
		return false;
	default:
		return true;
	}
}

/* One of up_delay / down_delay: seconds, 0..3600. */
static bool config_parse_track_delay(struct config_parser *parser, const config_setting_t *item,
				     const char *name, const char *where, int64_t *out_us)
{
	double seconds;

	switch (config_get_number(parser, item, name, where, 0, CONFIG_TRACK_DELAY_MAX, &seconds)) {
	case CONFIG_FOUND:
		*out_us = config_seconds_to_us(seconds);
		return true;
	case CONFIG_INVALID:
		return false;
	default:
		return true;
	}
}

static bool config_parse_track_item(struct config_parser *parser, const config_setting_t *item,
				    const struct config_track_kind *kind, const char *where,
				    struct track_item *out)
{
	bool valid;

	if (config_setting_type(item) != CONFIG_TYPE_GROUP) {
		config_error(parser, item, "%s: each item must be a group { name = ...; }, not %s",
			     where, config_type_describe(config_setting_type(item)));
		return false;
	}
	config_check_members_hinted(parser, item, kind->names, kind->name_count, kind->hints,
				    kind->hint_count, where);
	out->line = (int)config_setting_source_line(item);
	out->min_members = 1;
	valid = config_parse_track_name(parser, item, kind, where, out);
	valid = config_parse_track_weight(parser, item, where, out) && valid;
	if (kind->bond)
		valid = config_parse_track_min_members(parser, item, where, out) && valid;
	if (kind->delays) {
		valid =
		    config_parse_track_delay(parser, item, "up_delay", where, &out->up_delay_us) &&
		    valid;
		valid = config_parse_track_delay(parser, item, "down_delay", where,
						 &out->down_delay_us) &&
			valid;
	}
	return valid;
}

/* where names the instance: items are described as "track.bonds item #1 of instance 'VI_1'". */
static void config_parse_track_list(struct config_parser *parser, const config_setting_t *group,
				    const char *where, const struct config_track_kind *kind,
				    struct track_item **items, size_t *count)
{
	const config_setting_t *list = NULL;
	char list_where[CONFIG_WHERE_MAX + 16];
	unsigned int length;

	snprintf(list_where, sizeof(list_where), "track of %s", where);
	if (config_get_list(parser, group, kind->list, list_where, &list) != CONFIG_FOUND)
		return;
	length = (unsigned int)config_setting_length(list);
	*items = config_calloc(parser, length, sizeof(**items));
	if (!*items)
		return;
	for (unsigned int i = 0; i < length; i++) {
		const config_setting_t *element = config_setting_get_elem(list, i);
		char item_where[CONFIG_WHERE_MAX + 32];
		struct track_item item = {0};
		bool duplicate = false;

		snprintf(item_where, sizeof(item_where), "track.%s item #%u of %s", kind->list,
			 i + 1, where);
		if (!config_parse_track_item(parser, element, kind, item_where, &item))
			continue;
		for (size_t k = 0; k < *count && !duplicate; k++)
			duplicate = strcmp((*items)[k].name, item.name) == 0;
		if (duplicate) {
			config_error(parser, element, "%s: '%s' is tracked twice", item_where,
				     item.name);
			continue;
		}
		(*items)[(*count)++] = item;
	}
}

void config_parse_track(struct config_parser *parser, const config_setting_t *instance,
			const char *where, struct track_config *track)
{
	const config_setting_t *group = NULL;
	char sub[CONFIG_WHERE_MAX];

	if (config_get_group(parser, instance, "track", where, &group) != CONFIG_FOUND)
		return;
	snprintf(sub, sizeof(sub), "track of %s", where);
	config_check_members(parser, group, config_track_names, ARRAY_SIZE(config_track_names),
			     sub);
	config_parse_track_list(parser, group, where, &config_track_interfaces, &track->interfaces,
				&track->interface_count);
	config_parse_track_list(parser, group, where, &config_track_bonds, &track->bonds,
				&track->bond_count);
	config_parse_track_list(parser, group, where, &config_track_checks, &track->checks,
				&track->check_count);
}
