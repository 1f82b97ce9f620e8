/*
 * config_instance_groups.c - the groups nested in an instance: garp,
 * unicast, authentication and notify (track has its own file,
 * config_track.c).
 *
 * Each is optional; when absent, the instance keeps the defaults set by
 * config_instance.c. They are read after the instance's own settings
 * because their rules depend on them: unicast addresses must match the
 * family of the virtual addresses and password authentication needs
 * version 2. The notify group is shared with sync groups, which take the
 * same five scripts.
 */
#include "config_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const config_garp_names[] = {"delay", "repeat", "interval", "refresh"};
static const char *const config_unicast_names[] = {"source", "peers"};
static const char *const config_auth_names[] = {"type", "password", "key_file", "mode"};
static const char *const config_auth_types[] = {"pass", "hmac-sha256"};
static const char *const config_auth_modes[] = {"enforce", "accept", "send-only"};
static const char *const config_notify_names[] = {"master", "backup", "fault", "stop", "any"};

/* Finds member `name` of parent as a group; NULL if absent or wrong. */
static const config_setting_t *config_subgroup(struct config_parser *parser,
					       const config_setting_t *parent, const char *name,
					       const char *where, const char *const *known,
					       size_t count, char *sub_where, size_t sub_size)
{
	const config_setting_t *group = NULL;

	if (config_get_group(parser, parent, name, where, &group) != CONFIG_FOUND)
		return NULL;
	snprintf(sub_where, sub_size, "%s of %s", name, where);
	config_check_members(parser, group, known, count, sub_where);
	return group;
}

void config_parse_garp(struct config_parser *parser, const config_setting_t *instance,
		       const char *where, struct garp_config *garp)
{
	char sub[CONFIG_WHERE_MAX];
	const config_setting_t *group =
	    config_subgroup(parser, instance, "garp", where, config_garp_names,
			    ARRAY_SIZE(config_garp_names), sub, sizeof(sub));
	double seconds;
	long long repeat;

	if (!group)
		return;
	if (config_get_number(parser, group, "delay", sub, 0, 3600, &seconds) == CONFIG_FOUND)
		garp->delay_us = config_seconds_to_us(seconds);
	if (config_get_integer(parser, group, "repeat", sub, 1, 100, &repeat) == CONFIG_FOUND)
		garp->repeat = (unsigned int)repeat;
	if (config_get_number(parser, group, "interval", sub, 0, 10, &seconds) == CONFIG_FOUND)
		garp->interval_us = config_seconds_to_us(seconds);
	if (config_get_number(parser, group, "refresh", sub, 0, 86400, &seconds) != CONFIG_FOUND)
		return;
	if (seconds > 0 && seconds < 1) {
		config_error(parser, config_setting_get_member(group, "refresh"),
			     "%s: 'refresh' must be 0 (never) or between 1 and 86400 seconds "
			     "(got %g)",
			     sub, seconds);
		return;
	}
	garp->refresh_us = config_seconds_to_us(seconds);
}

/* One unicast address: a string, a unicast address, of the instance's family. */
static bool config_parse_unicast_address(struct config_parser *parser, const config_setting_t *at,
					 int family, const char *where, const char *what,
					 struct ip_address *out)
{
	const char *text;

	if (config_setting_type(at) != CONFIG_TYPE_STRING) {
		config_error(parser, at, "%s: %s must be a string, not %s", where, what,
			     config_type_describe(config_setting_type(at)));
		return false;
	}
	text = config_setting_get_string(at);
	if (ip_address_parse(text, out) < 0 || !config_address_is_unicast(out)) {
		config_error(parser, at, "%s: %s \"%s\" is not a unicast IPv4 or IPv6 address",
			     where, what, text);
		return false;
	}
	if (family && out->family != family) {
		config_error(
		    parser, at, "%s: %s %s is %s but the instance's virtual addresses are %s",
		    where, what, text, config_family_name(out->family), config_family_name(family));
		return false;
	}
	return true;
}

static void config_parse_unicast_peers(struct config_parser *parser, const config_setting_t *group,
				       const char *where, int family,
				       struct unicast_config *unicast)
{
	const config_setting_t *list = NULL;
	unsigned int length;

	switch (config_get_list(parser, group, "peers", where, &list)) {
	case CONFIG_ABSENT:
		config_error_missing(parser, group, "peers", where);
		return;
	case CONFIG_INVALID:
		return;
	default:
		break;
	}
	length = (unsigned int)config_setting_length(list);
	if (length == 0) {
		config_error(parser, list, "%s: 'peers' must list at least one address", where);
		return;
	}
	unicast->peers = config_calloc(parser, length, sizeof(*unicast->peers));
	if (!unicast->peers)
		return;
	for (unsigned int i = 0; i < length; i++) {
		const config_setting_t *element = config_setting_get_elem(list, i);
		struct ip_address peer;
		bool duplicate = false;

		if (!config_parse_unicast_address(parser, element, family, where, "peer", &peer))
			continue;
		for (size_t k = 0; k < unicast->peer_count && !duplicate; k++)
			duplicate = ip_address_equal(&unicast->peers[k], &peer);
		if (duplicate || ip_address_equal(&unicast->source, &peer)) {
			config_error(parser, element, "%s: peer %s is %s", where,
				     config_setting_get_string(element),
				     duplicate ? "listed twice" : "the source address itself");
			continue;
		}
		unicast->peers[unicast->peer_count++] = peer;
	}
}

void config_parse_unicast(struct config_parser *parser, const config_setting_t *instance,
			  const char *where, struct instance_config *out)
{
	char sub[CONFIG_WHERE_MAX];
	const config_setting_t *group =
	    config_subgroup(parser, instance, "unicast", where, config_unicast_names,
			    ARRAY_SIZE(config_unicast_names), sub, sizeof(sub));
	const config_setting_t *source;
	int family = out->family;

	if (!group)
		return;
	out->unicast.enabled = true;
	source = config_setting_get_member(group, "source");
	if (!source)
		config_error_missing(parser, group, "source", sub);
	else if (config_parse_unicast_address(parser, source, family, sub, "source",
					      &out->unicast.source) &&
		 !family)
		family = out->unicast.source.family;
	config_parse_unicast_peers(parser, group, sub, family, &out->unicast);
}

static void config_parse_auth_pass(struct config_parser *parser, const config_setting_t *group,
				   const char *where, struct instance_config *out)
{
	const char *password;

	/* RFC 3768 5.3.6 / 5.3.10: an 8-octet cleartext password, v2 only. */
	if (out->version != 2)
		config_error(parser, config_setting_get_member(group, "type"),
			     "%s: type \"pass\" exists only for VRRPv2 interoperation (set "
			     "version = 2, or use \"hmac-sha256\" with version 3)",
			     where);
	switch (config_get_string(parser, group, "password", where, VRRP_V2_PASSWORD_LEN + 1, false,
				  &password)) {
	case CONFIG_ABSENT:
		config_error_missing(parser, group, "password", where);
		break;
	case CONFIG_FOUND:
		snprintf(out->auth.password, sizeof(out->auth.password), "%s", password);
		break;
	default:
		break;
	}
	if (config_setting_get_member(group, "key_file"))
		config_error(parser, config_setting_get_member(group, "key_file"),
			     "%s: 'key_file' applies only to type \"hmac-sha256\"", where);
	if (config_setting_get_member(group, "mode"))
		config_error(parser, config_setting_get_member(group, "mode"),
			     "%s: 'mode' applies only to type \"hmac-sha256\"", where);
}

static void config_parse_auth_hmac(struct config_parser *parser, const config_setting_t *group,
				   const char *where, struct instance_config *out)
{
	size_t mode;

	if (config_get_path(parser, group, "key_file", where, out->auth.key_file,
			    sizeof(out->auth.key_file)) == CONFIG_ABSENT)
		config_error_missing(parser, group, "key_file", where);
	if (config_get_choice(parser, group, "mode", where, config_auth_modes,
			      ARRAY_SIZE(config_auth_modes), &mode) == CONFIG_FOUND)
		out->auth.mode = mode == 0   ? AUTH_MODE_ENFORCE
				 : mode == 1 ? AUTH_MODE_ACCEPT
					     : AUTH_MODE_SEND_ONLY;
	if (config_setting_get_member(group, "password"))
		config_error(parser, config_setting_get_member(group, "password"),
			     "%s: 'password' applies only to type \"pass\"", where);
}

void config_parse_authentication(struct config_parser *parser, const config_setting_t *instance,
				 const char *where, struct instance_config *out)
{
	char sub[CONFIG_WHERE_MAX];
	const config_setting_t *group =
	    config_subgroup(parser, instance, "authentication", where, config_auth_names,
			    ARRAY_SIZE(config_auth_names), sub, sizeof(sub));
	size_t type;

	if (!group)
		return;
	switch (config_get_choice(parser, group, "type", sub, config_auth_types,
				  ARRAY_SIZE(config_auth_types), &type)) {
	case CONFIG_ABSENT:
		config_error_missing(parser, group, "type", sub);
		return;
	case CONFIG_INVALID:
		return;
	default:
		break;
	}
	if (type == 0) {
		out->auth.type = AUTH_PASS;
		config_parse_auth_pass(parser, group, sub, out);
	} else {
		out->auth.type = AUTH_HMAC_SHA256;
		config_parse_auth_hmac(parser, group, sub, out);
	}
}

void config_parse_notify(struct config_parser *parser, const config_setting_t *parent,
			 const char *where, struct notify_config *notify)
{
	char sub[CONFIG_WHERE_MAX];
	const config_setting_t *group =
	    config_subgroup(parser, parent, "notify", where, config_notify_names,
			    ARRAY_SIZE(config_notify_names), sub, sizeof(sub));

	if (!group)
		return;
	config_get_path(parser, group, "master", sub, notify->master, sizeof(notify->master));
	config_get_path(parser, group, "backup", sub, notify->backup, sizeof(notify->backup));
	config_get_path(parser, group, "fault", sub, notify->fault, sizeof(notify->fault));
	config_get_path(parser, group, "stop", sub, notify->stop, sizeof(notify->stop));
	config_get_path(parser, group, "any", sub, notify->any, sizeof(notify->any));
}
