/*
 * config_instance.c - one element of `instances`: a virtual router.
 *
 * Checks the instance's own settings (name, interface, VRID, priority,
 * timing, virtual addresses) and the rules that span instances, each at the
 * moment the later instance is read: names are unique, no two instances
 * share (interface, VRID, family) and no address is a VIP of two
 * instances. Because instances are checked in file order, the error always
 * lands on the second occurrence and names the first.
 *
 * The nested groups (garp, unicast, authentication, track, notify) live in
 * config_instance_groups.c.
 */
#include "config_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* RFC 5798 5.2.4: "The default priority value for VRRP routers backing up a
 * virtual router is 100." */
#define CONFIG_DEFAULT_PRIORITY 100
/* RFC 5798 5.2.7: default Advertisement Interval 1 second (100 cs). */
#define CONFIG_DEFAULT_INTERVAL_CS 100

static const char *const config_instance_names[] = {
    "name",
    "interface",
    "vrid",
    "priority",
    "advert_interval",
    "version",
    "preempt",
    "preempt_delay",
    "accept",
    "checksum_v3_ipv4",
    "initial_state",
    "virtual_addresses",
    "virtual_addresses_excluded",
    "garp",
    "unicast",
    "vmac",
    "authentication",
    "track",
    "notify",
};

static const char *const config_checksum_names[] = {"pseudo-header", "rfc9568"};
static const char *const config_initial_state_names[] = {"BACKUP", "MASTER"};

/* Which of an instance's two address lists is being read. */
struct config_vip_list {
	const char *name; /* "virtual_addresses" or "virtual_addresses_excluded" */
	bool excluded;
	struct ip_prefix **entries;
	size_t *count;
};

static void config_instance_defaults(struct instance_config *instance)
{
	instance->priority = CONFIG_DEFAULT_PRIORITY;
	instance->advert_interval_cs = CONFIG_DEFAULT_INTERVAL_CS;
	instance->version = 3;
	instance->preempt = true;
	instance->accept = true;
	instance->checksum_mode = VRRP_CHECKSUM_PSEUDO_HEADER;
	instance->initial_state = INITIAL_STATE_BACKUP;
	instance->garp.delay_us = 5000000;
	instance->garp.repeat = 5;
}

/* Reads `name` and checks that no earlier instance uses it. */
static void config_parse_instance_name(struct config_parser *parser, const config_setting_t *group,
				       struct instance_config *instance, const char *where)
{
	struct failoverd_config *config = parser->config;
	const config_setting_t *member =
	    config_parse_name(parser, group, where, "instance", instance->name,
			      sizeof(instance->name));

	if (!member)
		return;
	for (const struct instance_config *other = config->instances; other < instance; other++)
		if (strcmp(other->name, instance->name) == 0)
			config_error(parser, member,
				     "instance name '%s' is already used by the instance at %s:%d",
				     instance->name, other->file ? other->file : parser->path, other->line);
}

static void config_parse_interface(struct config_parser *parser, const config_setting_t *group,
				   struct instance_config *instance, const char *where)
{
	const char *name;

	switch (config_get_string(parser, group, "interface", where, IFNAMSIZ, false, &name)) {
	case CONFIG_ABSENT:
		config_error_missing(parser, group, "interface", where);
		return;
	case CONFIG_FOUND:
		if (config_check_interface_name(
			parser, config_setting_get_member(group, "interface"), name, where))
			snprintf(instance->interface, sizeof(instance->interface), "%s", name);
		return;
	default:
		return;
	}
}

/*
 * advert_interval is seconds. VRRPv3 carries centiseconds in 12 bits
 * (RFC 5798 5.2.7): 0.01 .. 40.95 in steps of 0.01. VRRPv2 carries whole
 * seconds in 8 bits (RFC 3768 5.3.7): 1 .. 255.
 */
static void config_parse_advert_interval(struct config_parser *parser,
					 const config_setting_t *group,
					 struct instance_config *instance, const char *where)
{
	const config_setting_t *member = config_setting_get_member(group, "advert_interval");
	double seconds;
	long long cs;

	if (config_get_number(parser, group, "advert_interval", where, -1e12, 1e12, &seconds) !=
	    CONFIG_FOUND)
		return;
	if (instance->version == 2) {
		if (seconds < 1 || seconds > 255 ||
		    fabs(seconds - (double)config_round(seconds)) > 1e-6) {
			config_error(parser, member,
				     "%s: 'advert_interval' must be whole seconds between 1 and "
				     "255 for version 2 (got %g)",
				     where, seconds);
			return;
		}
		instance->advert_interval_cs = (uint16_t)(config_round(seconds) * 100);
		return;
	}
	cs = config_round(seconds * 100);
	if (seconds < 0.01 - 1e-6 || cs < 1 || cs > VRRP_V3_INTERVAL_MAX_CS) {
		config_error(parser, member,
			     "%s: 'advert_interval' must be between 0.01 and 40.95 seconds for "
			     "version 3 (got %g)",
			     where, seconds);
		return;
	}
	if (fabs(seconds - (double)cs / 100.0) > 1e-6) {
		config_error(parser, member,
			     "%s: 'advert_interval' must be a multiple of 0.01 seconds (got %g)",
			     where, seconds);
		return;
	}
	instance->advert_interval_cs = (uint16_t)cs;
}

static void config_parse_numbers(struct config_parser *parser, const config_setting_t *group,
				 struct instance_config *instance, const char *where)
{
	long long value;
	double seconds;

	switch (config_get_integer(parser, group, "vrid", where, 1, 255, &value)) {
	case CONFIG_ABSENT:
		config_error_missing(parser, group, "vrid", where);
		break;
	case CONFIG_FOUND:
		instance->vrid = (uint8_t)value;
		break;
	default:
		break;
	}
	/* 255 = the address owner (RFC 5798 5.2.4). */
	if (config_get_integer(parser, group, "priority", where, 1, VRRP_PRIORITY_OWNER, &value) ==
	    CONFIG_FOUND)
		instance->priority = (uint8_t)value;
	if (config_get_integer(parser, group, "version", where, 2, 3, &value) == CONFIG_FOUND)
		instance->version = (uint8_t)value;
	config_parse_advert_interval(parser, group, instance, where);
	if (config_get_number(parser, group, "preempt_delay", where, 0, 3600, &seconds) ==
	    CONFIG_FOUND)
		instance->preempt_delay_us = config_seconds_to_us(seconds);
}

static void config_parse_flags(struct config_parser *parser, const config_setting_t *group,
			       struct instance_config *instance, const char *where)
{
	size_t choice;

	config_get_boolean(parser, group, "preempt", where, &instance->preempt);
	config_get_boolean(parser, group, "accept", where, &instance->accept);
	config_get_boolean(parser, group, "vmac", where, &instance->vmac);
	if (config_get_choice(parser, group, "checksum_v3_ipv4", where, config_checksum_names,
			      ARRAY_SIZE(config_checksum_names), &choice) == CONFIG_FOUND)
		instance->checksum_mode =
		    choice == 0 ? VRRP_CHECKSUM_PSEUDO_HEADER : VRRP_CHECKSUM_RFC9568;
	if (config_get_choice(parser, group, "initial_state", where, config_initial_state_names,
			      ARRAY_SIZE(config_initial_state_names), &choice) == CONFIG_FOUND)
		instance->initial_state = choice == 0 ? INITIAL_STATE_BACKUP : INITIAL_STATE_MASTER;
}

/* Where else, in this instance or an earlier one, address is a VIP. */
static bool config_vip_in(const struct ip_prefix *list, size_t count,
			  const struct ip_address *address)
{
	for (size_t i = 0; i < count; i++)
		if (ip_address_equal(&list[i].address, address))
			return true;
	return false;
}

static bool config_vip_check_unique(struct config_parser *parser, const config_setting_t *at,
				    const struct instance_config *instance, bool excluded,
				    const char *text, const struct ip_address *address,
				    const char *where)
{
	const struct failoverd_config *config = parser->config;
	bool in_advertised = config_vip_in(instance->vips, instance->vip_count, address);
	bool in_excluded =
	    config_vip_in(instance->vips_excluded, instance->vip_excluded_count, address);

	if (excluded ? in_excluded : in_advertised) {
		config_error(parser, at, "%s: virtual address %s is listed twice", where, text);
		return false;
	}
	if (in_advertised || in_excluded) {
		config_error(parser, at,
			     "%s: virtual address %s is in both virtual_addresses and "
			     "virtual_addresses_excluded",
			     where, text);
		return false;
	}
	for (const struct instance_config *other = config->instances; other < instance; other++) {
		if (config_vip_in(other->vips, other->vip_count, address) ||
		    config_vip_in(other->vips_excluded, other->vip_excluded_count, address)) {
			config_error(parser, at,
				     "%s: virtual address %s is already used by instance '%s'",
				     where, text, other->name);
			return false;
		}
	}
	return true;
}

static bool config_parse_vip(struct config_parser *parser, const config_setting_t *element,
			     struct instance_config *instance, const char *where, bool excluded,
			     struct ip_prefix *out)
{
	const char *text;

	if (config_setting_type(element) != CONFIG_TYPE_STRING) {
		config_error(parser, element, "%s: a virtual address must be a string, not %s",
			     where, config_type_describe(config_setting_type(element)));
		return false;
	}
	text = config_setting_get_string(element);
	if (ip_prefix_parse(text, out) < 0) {
		config_error(parser, element,
			     "%s: \"%s\" is not an IPv4 or IPv6 address with an optional /prefix "
			     "length",
			     where, text);
		return false;
	}
	if (!config_address_is_unicast(&out->address)) {
		config_error(parser, element, "%s: virtual address %s is not a unicast address",
			     where, text);
		return false;
	}
	/* RFC 5798 5.2.9: one virtual router carries one address family. */
	if (instance->family && out->address.family != instance->family) {
		config_error(parser, element,
			     "%s: virtual address %s is %s but the instance's addresses are %s "
			     "(one family per instance)",
			     where, text, config_family_name(out->address.family),
			     config_family_name(instance->family));
		return false;
	}
	if (!config_vip_check_unique(parser, element, instance, excluded, text, &out->address,
				     where))
		return false;
	instance->family = out->address.family;
	return true;
}

/*
 * Reads one address list. max is 255 for the advertised list: the advert's
 * Count IPvX Addr field is 8 bits (RFC 5798 5.2.5).
 */
static void config_parse_vip_list(struct config_parser *parser, const config_setting_t *group,
				  struct instance_config *instance, const char *where,
				  const struct config_vip_list *target)
{
	const config_setting_t *list = NULL;
	bool required = !target->excluded;
	unsigned int length;

	switch (config_get_list(parser, group, target->name, where, &list)) {
	case CONFIG_ABSENT:
		if (required)
			config_error_missing(parser, group, target->name, where);
		return;
	case CONFIG_INVALID:
		return;
	default:
		break;
	}
	length = (unsigned int)config_setting_length(list);
	if (required && length == 0) {
		config_error(parser, list, "%s: '%s' must list at least one address", where,
			     target->name);
		return;
	}
	if (required && length > VRRP_MAX_ADDRESSES) {
		config_error(parser, list,
			     "%s: '%s' lists %u addresses, at most %d fit in an advertisement",
			     where, target->name, length, VRRP_MAX_ADDRESSES);
		return;
	}
	*target->entries = config_calloc(parser, length, sizeof(struct ip_prefix));
	if (!*target->entries)
		return;
	for (unsigned int i = 0; i < length; i++) {
		struct ip_prefix prefix;

		if (config_parse_vip(parser, config_setting_get_elem(list, i), instance, where,
				     target->excluded, &prefix))
			(*target->entries)[(*target->count)++] = prefix;
	}
}

static void config_parse_vips(struct config_parser *parser, const config_setting_t *group,
			      struct instance_config *instance, const char *where)
{
	const struct config_vip_list advertised = {"virtual_addresses", false, &instance->vips,
						   &instance->vip_count};
	const struct config_vip_list excluded = {"virtual_addresses_excluded", true,
						 &instance->vips_excluded,
						 &instance->vip_excluded_count};

	config_parse_vip_list(parser, group, instance, where, &advertised);
	config_parse_vip_list(parser, group, instance, where, &excluded);
}

/* RFC 3768 is IPv4 only; VRRPv2 over IPv6 does not exist. */
static void config_check_version_family(struct config_parser *parser, const config_setting_t *group,
					const struct instance_config *instance, const char *where)
{
	if (instance->version != 2 || instance->family != AF_INET6)
		return;
	config_error(parser, config_setting_get_member(group, "version"),
		     "%s: version 2 supports IPv4 only (the virtual addresses are IPv6; use "
		     "version 3)",
		     where);
}

/* RFC 5798 7.1: a VRID identifies one virtual router per interface and family. */
static void config_check_vrid_unique(struct config_parser *parser, const config_setting_t *group,
				     const struct instance_config *instance, const char *where)
{
	const struct failoverd_config *config = parser->config;

	if (!instance->vrid || !instance->interface[0] || !instance->family)
		return;
	for (const struct instance_config *other = config->instances; other < instance; other++) {
		if (other->vrid != instance->vrid || other->family != instance->family ||
		    strcmp(other->interface, instance->interface) != 0)
			continue;
		config_error(parser, config_setting_get_member(group, "vrid"),
			     "%s: vrid %u on interface %s (%s) is already used by instance '%s'",
			     where, instance->vrid, instance->interface,
			     config_family_name(instance->family), other->name);
		return;
	}
}

static void config_parse_instance(struct config_parser *parser, const config_setting_t *group,
				  unsigned int index, struct instance_config *instance)
{
	char where[CONFIG_WHERE_MAX];

	config_instance_defaults(instance);
	instance->file = config_file_intern(parser, config_setting_source_file(group));
	instance->line = (int)config_setting_source_line(group);
	snprintf(where, sizeof(where), "instance #%u", index + 1);
	config_parse_instance_name(parser, group, instance, where);
	if (instance->name[0])
		snprintf(where, sizeof(where), "instance '%s'", instance->name);

	config_check_members(parser, group, config_instance_names,
			     ARRAY_SIZE(config_instance_names), where);
	config_parse_interface(parser, group, instance, where);
	config_parse_numbers(parser, group, instance, where);
	config_parse_flags(parser, group, instance, where);
	config_parse_vips(parser, group, instance, where);
	config_check_version_family(parser, group, instance, where);
	config_check_vrid_unique(parser, group, instance, where);

	config_parse_garp(parser, group, where, &instance->garp);
	config_parse_unicast(parser, group, where, instance);
	config_parse_authentication(parser, group, where, instance);
	config_parse_track(parser, group, where, &instance->track);
	config_parse_notify(parser, group, where, &instance->notify);
}

void config_parse_instances(struct config_parser *parser, const config_setting_t *list)
{
	struct failoverd_config *config = parser->config;
	unsigned int length = (unsigned int)config_setting_length(list);

	if (length == 0) {
		config_error(parser, list, "'instances' must hold at least one instance");
		return;
	}
	config->instances = config_calloc(parser, length, sizeof(*config->instances));
	if (!config->instances)
		return;
	for (unsigned int i = 0; i < length; i++) {
		const config_setting_t *element = config_setting_get_elem(list, i);

		if (config_setting_type(element) != CONFIG_TYPE_GROUP) {
			config_error(parser, element,
				     "instances: instance #%u must be a group { ... }, not %s",
				     i + 1, config_type_describe(config_setting_type(element)));
			continue;
		}
		config_parse_instance(parser, element, i,
				      &config->instances[config->instance_count++]);
	}
}
