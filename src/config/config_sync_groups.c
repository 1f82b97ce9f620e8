/*
 * config_sync_groups.c - the top-level `sync_groups` list: instances that
 * change state together (the LB pair's service VIPs and gateway VIP).
 *
 * Parsed after the instances so that every member name is checked against
 * them where it is written. An instance belongs to at most one group: two
 * groups pulling one instance in different directions have no meaning.
 * A group may have notify scripts of its own, with the same five names and
 * rules as an instance's (config_parse_notify); they are told the group's
 * state ("GROUP NAME STATE 0").
 */
#include "config_internal.h"

#include <stdio.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const config_sync_group_names[] = {"name", "instances", "notify"};

static void config_parse_sync_group_name(struct config_parser *parser,
					 const config_setting_t *group,
					 struct sync_group_config *sync, const char *where)
{
	const struct failoverd_config *config = parser->config;
	const config_setting_t *member =
	    config_parse_name(parser, group, where, "sync group", sync->name, sizeof(sync->name));

	if (!member)
		return;
	for (const struct sync_group_config *other = config->sync_groups; other < sync; other++)
		if (strcmp(other->name, sync->name) == 0)
			config_error(parser, member,
				     "sync group name '%s' is already defined at line %d", sync->name,
				     other->line);
}

/* The group (other than sync) that already holds instance name, if any. */
static const struct sync_group_config *
config_sync_group_holding(const struct failoverd_config *config,
			  const struct sync_group_config *sync, const char *name)
{
	for (const struct sync_group_config *other = config->sync_groups; other <= sync; other++)
		for (size_t i = 0; i < other->instance_count; i++)
			if (strcmp(other->instances[i], name) == 0)
				return other;
	return NULL;
}

static bool config_check_sync_member(struct config_parser *parser, const config_setting_t *element,
				     const struct sync_group_config *sync, const char *where)
{
	const struct sync_group_config *holder;
	const char *name;

	if (config_setting_type(element) != CONFIG_TYPE_STRING) {
		config_error(parser, element, "%s: instance names must be strings, not %s", where,
			     config_type_describe(config_setting_type(element)));
		return false;
	}
	name = config_setting_get_string(element);
	if (!config_find_instance(parser->config, name)) {
		config_error(parser, element, "%s: instance '%s' is not defined", where, name);
		return false;
	}
	holder = config_sync_group_holding(parser->config, sync, name);
	if (holder == sync) {
		config_error(parser, element, "%s: instance '%s' is listed twice", where, name);
		return false;
	}
	if (holder) {
		config_error(parser, element,
			     "%s: instance '%s' is already in sync group '%s' (an instance "
			     "belongs to at most one group)",
			     where, name, holder->name);
		return false;
	}
	return true;
}

static void config_parse_sync_members(struct config_parser *parser, const config_setting_t *group,
				      struct sync_group_config *sync, const char *where)
{
	const config_setting_t *list = NULL;
	unsigned int length;

	switch (config_get_list(parser, group, "instances", where, &list)) {
	case CONFIG_ABSENT:
		config_error_missing(parser, group, "instances", where);
		return;
	case CONFIG_INVALID:
		return;
	default:
		break;
	}
	length = (unsigned int)config_setting_length(list);
	if (length == 0) {
		config_error(parser, list, "%s: 'instances' must name at least one instance",
			     where);
		return;
	}
	sync->instances = config_calloc(parser, length, sizeof(*sync->instances));
	if (!sync->instances)
		return;
	for (unsigned int i = 0; i < length; i++) {
		const config_setting_t *element = config_setting_get_elem(list, i);

		if (config_check_sync_member(parser, element, sync, where))
			snprintf(sync->instances[sync->instance_count++], CONFIG_NAME_MAX, "%s",
				 config_setting_get_string(element));
	}
}

void config_parse_sync_groups(struct config_parser *parser, const config_setting_t *list)
{
	struct failoverd_config *config = parser->config;
	unsigned int length = (unsigned int)config_setting_length(list);

	config->sync_groups = config_calloc(parser, length, sizeof(*config->sync_groups));
	if (!config->sync_groups)
		return;
	for (unsigned int i = 0; i < length; i++) {
		const config_setting_t *element = config_setting_get_elem(list, i);
		struct sync_group_config *sync;
		char where[CONFIG_WHERE_MAX];

		if (config_setting_type(element) != CONFIG_TYPE_GROUP) {
			config_error(parser, element,
				     "sync_groups: group #%u must be a group { ... }, not %s",
				     i + 1, config_type_describe(config_setting_type(element)));
			continue;
		}
		sync = &config->sync_groups[config->sync_group_count++];
		sync->file = config_file_intern(parser, config_setting_source_file(element));
		sync->line = (int)config_setting_source_line(element);
		snprintf(where, sizeof(where), "sync group #%u", i + 1);
		config_parse_sync_group_name(parser, element, sync, where);
		if (sync->name[0])
			snprintf(where, sizeof(where), "sync group '%s'", sync->name);
		config_check_members(parser, element, config_sync_group_names,
				     ARRAY_SIZE(config_sync_group_names), where);
		config_parse_sync_members(parser, element, sync, where);
		config_parse_notify(parser, element, where, &sync->notify);
	}
}
