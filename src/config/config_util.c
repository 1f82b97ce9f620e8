/*
 * config_util.c - typed getters and name checks for the section parsers.
 *
 * libconfig only knows syntax; every semantic rule of failoverd.conf is
 * checked here or by the section parsers built on these getters. Each
 * getter reports its own problem (wrong type, out of range, too long) at
 * the offending setting's FILE:LINE, so callers read like the schema in
 * DESIGN.md and never format type errors themselves.
 */
#include "config_internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *config_type_describe(int type)
{
	switch (type) {
	case CONFIG_TYPE_GROUP:
		return "a group { ... }";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a number";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean (true or false)";
	case CONFIG_TYPE_ARRAY:
		return "an array [ ... ]";
	case CONFIG_TYPE_LIST:
		return "a list ( ... )";
	default:
		return "nothing";
	}
}

static void config_error_wrong_type(struct config_parser *parser, const config_setting_t *member,
				    const char *where, const char *expected)
{
	config_error(parser, member, "%s: '%s' must be %s, not %s", where,
		     config_setting_name(member), expected,
		     config_type_describe(config_setting_type(member)));
}

int config_get_integer(struct config_parser *parser, const config_setting_t *group,
		       const char *name, const char *where, long long min, long long max,
		       long long *out)
{
	const config_setting_t *member = config_setting_get_member(group, name);
	long long value;

	if (!member)
		return CONFIG_ABSENT;
	if (config_setting_type(member) == CONFIG_TYPE_INT)
		value = config_setting_get_int(member);
	else if (config_setting_type(member) == CONFIG_TYPE_INT64)
		value = config_setting_get_int64(member);
	else {
		config_error_wrong_type(parser, member, where, "an integer");
		return CONFIG_INVALID;
	}
	if (value < min || value > max) {
		config_error(parser, member, "%s: '%s' must be between %lld and %lld (got %lld)",
			     where, name, min, max, value);
		return CONFIG_INVALID;
	}
	*out = value;
	return CONFIG_FOUND;
}

int config_get_number(struct config_parser *parser, const config_setting_t *group, const char *name,
		      const char *where, double min, double max, double *out)
{
	const config_setting_t *member = config_setting_get_member(group, name);
	double value;

	if (!member)
		return CONFIG_ABSENT;
	switch (config_setting_type(member)) {
	case CONFIG_TYPE_INT:
		value = config_setting_get_int(member);
		break;
	case CONFIG_TYPE_INT64:
		value = (double)config_setting_get_int64(member);
		break;
	case CONFIG_TYPE_FLOAT:
		value = config_setting_get_float(member);
		break;
	default:
		config_error_wrong_type(parser, member, where, "a number");
		return CONFIG_INVALID;
	}
	if (!isfinite(value) || value < min || value > max) {
		config_error(parser, member, "%s: '%s' must be between %g and %g (got %g)", where,
			     name, min, max, value);
		return CONFIG_INVALID;
	}
	*out = value;
	return CONFIG_FOUND;
}

int config_get_boolean(struct config_parser *parser, const config_setting_t *group,
		       const char *name, const char *where, bool *out)
{
	const config_setting_t *member = config_setting_get_member(group, name);

	if (!member)
		return CONFIG_ABSENT;
	if (config_setting_type(member) != CONFIG_TYPE_BOOL) {
		config_error_wrong_type(parser, member, where, "a boolean (true or false)");
		return CONFIG_INVALID;
	}
	*out = config_setting_get_bool(member) != 0;
	return CONFIG_FOUND;
}

int config_get_string(struct config_parser *parser, const config_setting_t *group, const char *name,
		      const char *where, size_t size, bool allow_empty, const char **out)
{
	const config_setting_t *member = config_setting_get_member(group, name);
	const char *value;

	if (!member)
		return CONFIG_ABSENT;
	if (config_setting_type(member) != CONFIG_TYPE_STRING) {
		config_error_wrong_type(parser, member, where, "a string");
		return CONFIG_INVALID;
	}
	value = config_setting_get_string(member);
	if (!allow_empty && value[0] == '\0') {
		config_error(parser, member, "%s: '%s' must not be empty", where, name);
		return CONFIG_INVALID;
	}
	if (strlen(value) >= size) {
		config_error(parser, member, "%s: '%s' is too long (at most %zu characters)", where,
			     name, size - 1);
		return CONFIG_INVALID;
	}
	*out = value;
	return CONFIG_FOUND;
}

int config_get_choice(struct config_parser *parser, const config_setting_t *group, const char *name,
		      const char *where, const char *const *choices, size_t count, size_t *index)
{
	const char *value, *hint;
	char allowed[256] = "";
	int found = config_get_string(parser, group, name, where, 256, true, &value);

	if (found != CONFIG_FOUND)
		return found;
	for (size_t i = 0; i < count; i++) {
		if (strcmp(value, choices[i]) == 0) {
			*index = i;
			return CONFIG_FOUND;
		}
	}
	for (size_t i = 0; i < count; i++) {
		size_t used = strlen(allowed);

		snprintf(allowed + used, sizeof(allowed) - used, "%s\"%s\"",
			 i == 0 ? "" : (i + 1 == count ? " or " : ", "), choices[i]);
	}
	hint = config_suggest(value, choices, count);
	config_error(parser, config_setting_get_member(group, name),
		     "%s: '%s' must be %s, not \"%s\"%s%s%s", where, name, allowed, value,
		     hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
	return CONFIG_INVALID;
}

int config_get_path(struct config_parser *parser, const config_setting_t *group, const char *name,
		    const char *where, char *buf, size_t size)
{
	const char *value;
	int found = config_get_string(parser, group, name, where, size, false, &value);

	if (found != CONFIG_FOUND)
		return found;
	if (value[0] != '/') {
		config_error(parser, config_setting_get_member(group, name),
			     "%s: '%s' must be an absolute path (got \"%s\")", where, name, value);
		return CONFIG_INVALID;
	}
	snprintf(buf, size, "%s", value);
	return CONFIG_FOUND;
}

int config_get_list(struct config_parser *parser, const config_setting_t *group, const char *name,
		    const char *where, const config_setting_t **out)
{
	const config_setting_t *member = config_setting_get_member(group, name);

	if (!member)
		return CONFIG_ABSENT;
	if (config_setting_type(member) != CONFIG_TYPE_LIST &&
	    config_setting_type(member) != CONFIG_TYPE_ARRAY) {
		config_error_wrong_type(parser, member, where, "a list ( ... )");
		return CONFIG_INVALID;
	}
	*out = member;
	return CONFIG_FOUND;
}

int config_get_group(struct config_parser *parser, const config_setting_t *group, const char *name,
		     const char *where, const config_setting_t **out)
{
	const config_setting_t *member = config_setting_get_member(group, name);

	if (!member)
		return CONFIG_ABSENT;
	if (config_setting_type(member) != CONFIG_TYPE_GROUP) {
		config_error_wrong_type(parser, member, where, "a group { ... }");
		return CONFIG_INVALID;
	}
	*out = member;
	return CONFIG_FOUND;
}

/* Rounds half away from zero, like llround(), without needing libm. */
long long config_round(double value)
{
	return value >= 0 ? (long long)(value + 0.5) : -(long long)(-value + 0.5);
}

int64_t config_seconds_to_us(double seconds)
{
	return config_round(seconds * 1e6);
}

bool config_name_valid(const char *name)
{
	size_t length = strlen(name);

	if (length == 0 || length >= CONFIG_NAME_MAX)
		return false;
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '.' && *c != '-')
			return false;
	return true;
}

bool config_interface_name_valid(const char *name)
{
	size_t length = strlen(name);

	if (length == 0 || length >= IFNAMSIZ)
		return false;
	for (const char *c = name; *c; c++)
		if (*c == '/' || isspace((unsigned char)*c))
			return false;
	return true;
}

bool config_check_name(struct config_parser *parser, const config_setting_t *at, const char *name,
		       const char *what)
{
	if (config_name_valid(name))
		return true;
	config_error(parser, at,
		     "%s name \"%s\" is invalid: use 1 to %d characters of A-Z a-z 0-9 _ . -", what,
		     name, CONFIG_NAME_MAX - 1);
	return false;
}

bool config_check_interface_name(struct config_parser *parser, const config_setting_t *at,
				 const char *name, const char *where)
{
	if (config_interface_name_valid(name))
		return true;
	config_error(parser, at,
		     "%s: interface name \"%s\" is invalid: use 1 to %d characters, no '/' "
		     "and no whitespace",
		     where, name, IFNAMSIZ - 1);
	return false;
}

const char *config_family_name(int family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}

void *config_calloc(struct config_parser *parser, size_t count, size_t size)
{
	void *memory = calloc(count ? count : 1, size);

	if (!memory)
		config_error_at(parser, parser->path, 0, "out of memory");
	return memory;
}

bool config_address_is_unicast(const struct ip_address *address)
{
	if (address->family == AF_INET) {
		uint32_t host = ntohl(address->in.v4.s_addr);

		return host != INADDR_ANY && host != INADDR_BROADCAST && !IN_MULTICAST(host);
	}
	return !IN6_IS_ADDR_UNSPECIFIED(&address->in.v6) && !IN6_IS_ADDR_MULTICAST(&address->in.v6);
}

const config_setting_t *config_parse_name(struct config_parser *parser,
					  const config_setting_t *group, const char *where,
					  const char *kind, char *out, size_t size)
{
	const config_setting_t *member = config_setting_get_member(group, "name");
	const char *name;

	switch (config_get_string(parser, group, "name", where, CONFIG_NAME_MAX, false, &name)) {
	case CONFIG_ABSENT:
		config_error_missing(parser, group, "name", where);
		return NULL;
	case CONFIG_INVALID:
		return NULL;
	default:
		break;
	}
	/* Kept even when invalid, so references to it do not cascade. */
	snprintf(out, size, "%s", name);
	return config_check_name(parser, member, name, kind) ? member : NULL;
}
