/*
 * config_checks.c - the top-level `checks` list: health checks that
 * instances track by name.
 *
 * Every type has its own fields (tcp: address, port; tls: address, port,
 * expect; http: url, status, expect; exec and process: command) and a
 * field that belongs to another type is refused rather than ignored, so a
 * check never silently tests something other than what its author wrote.
 * The timing fields (interval, timeout, rise, fall) are shared.
 */
#include "config_internal.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const config_check_names[] = {
    "name",   "type",	 "address",  "port",	"expect", "url",
    "status", "command", "interval", "timeout", "rise",	  "fall",
};
static const char *const config_check_types[] = {"tcp", "tls", "http", "exec", "process"};

/* Fields that only some types accept (bit per enum check_type). */
#define TYPE_BIT(t) (1u << (t))
static const struct {
	const char *field;
	unsigned int types;
} config_check_fields[] = {
    {"address", TYPE_BIT(CHECK_TCP) | TYPE_BIT(CHECK_TLS)},
    {"port", TYPE_BIT(CHECK_TCP) | TYPE_BIT(CHECK_TLS)},
    {"expect", TYPE_BIT(CHECK_TLS) | TYPE_BIT(CHECK_HTTP)},
    {"url", TYPE_BIT(CHECK_HTTP)},
    {"status", TYPE_BIT(CHECK_HTTP)},
    {"command", TYPE_BIT(CHECK_EXEC) | TYPE_BIT(CHECK_PROCESS)},
};

static void config_parse_check_name(struct config_parser *parser, const config_setting_t *group,
				    struct check_config *check, const char *where)
{
	const struct failoverd_config *config = parser->config;
	const config_setting_t *member = config_setting_get_member(group, "name");
	const char *name;

	switch (config_get_string(parser, group, "name", where, CONFIG_NAME_MAX, false, &name)) {
	case CONFIG_ABSENT:
		config_error_missing(parser, group, "name", where);
		return;
	case CONFIG_INVALID:
		return;
	default:
		break;
	}
	snprintf(check->name, sizeof(check->name), "%s", name);
	if (!config_check_name(parser, member, name, "check"))
		return;
	for (const struct check_config *other = config->checks; other < check; other++)
		if (strcmp(other->name, name) == 0)
			config_error(parser, member,
				     "check name '%s' is already defined at line %d", name,
				     other->line);
}

/* Refuses fields that belong to other check types. */
static void config_check_fields_apply(struct config_parser *parser, const config_setting_t *group,
				      enum check_type type, const char *where)
{
	for (size_t i = 0; i < ARRAY_SIZE(config_check_fields); i++) {
		const config_setting_t *member =
		    config_setting_get_member(group, config_check_fields[i].field);

		if (member && !(config_check_fields[i].types & TYPE_BIT(type)))
			config_error(parser, member,
				     "%s: '%s' does not apply to a check of type \"%s\"", where,
				     config_check_fields[i].field, config_check_types[type]);
	}
}

static bool config_host_valid(const char *host)
{
	struct ip_address address;

	if (ip_address_parse(host, &address) == 0)
		return true;
	for (const char *c = host; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '.' && *c != '-')
			return false;
	return host[0] != '\0';
}

static void config_parse_check_endpoint(struct config_parser *parser, const config_setting_t *group,
					struct check_config *check, const char *where)
{
	const char *address;
	long long port;

	switch (config_get_string(parser, group, "address", where, sizeof(check->address), false,
				  &address)) {
	case CONFIG_ABSENT:
		config_error_missing(parser, group, "address", where);
		break;
	case CONFIG_FOUND:
		if (config_host_valid(address))
			snprintf(check->address, sizeof(check->address), "%s", address);
		else
			config_error(parser, config_setting_get_member(group, "address"),
				     "%s: 'address' \"%s\" is not an IP address or host name",
				     where, address);
		break;
	default:
		break;
	}
	switch (config_get_integer(parser, group, "port", where, 1, 65535, &port)) {
	case CONFIG_ABSENT:
		config_error_missing(parser, group, "port", where);
		break;
	case CONFIG_FOUND:
		check->port = (uint16_t)port;
		break;
	default:
		break;
	}
}

static void config_parse_check_url(struct config_parser *parser, const config_setting_t *group,
				   struct check_config *check, const char *where)
{
	const char *url;
	long long status;
	size_t scheme;

	switch (config_get_string(parser, group, "url", where, sizeof(check->url), false, &url)) {
	case CONFIG_ABSENT:
		config_error_missing(parser, group, "url", where);
		break;
	case CONFIG_FOUND:
		scheme = strncmp(url, "http://", 7) == 0    ? 7
			 : strncmp(url, "https://", 8) == 0 ? 8
							    : 0;
		if (scheme && url[scheme] && !strpbrk(url, " \t\r\n"))
			snprintf(check->url, sizeof(check->url), "%s", url);
		else
			config_error(parser, config_setting_get_member(group, "url"),
				     "%s: 'url' \"%s\" must be an http:// or https:// URL", where,
				     url);
		break;
	default:
		break;
	}
	if (config_get_integer(parser, group, "status", where, 100, 599, &status) == CONFIG_FOUND)
		check->status = (int)status;
}

/* exec: argv[0] is run directly (no shell), so it must be an absolute path. */
static bool config_check_argv0(struct config_parser *parser, const config_setting_t *at,
			       const struct check_config *check, const char *arg, const char *where)
{
	if (arg[0] == '\0') {
		config_error(parser, at, "%s: the first element of 'command' must not be empty",
			     where);
		return false;
	}
	if (check->type == CHECK_EXEC && arg[0] != '/') {
		config_error(parser, at,
			     "%s: the first element of 'command' must be an absolute path (got "
			     "\"%s\")",
			     where, arg);
		return false;
	}
	if (check->type == CHECK_PROCESS && strchr(arg, '/') && arg[0] != '/') {
		config_error(parser, at,
			     "%s: the first element of 'command' must be a process name or an "
			     "absolute path (got \"%s\")",
			     where, arg);
		return false;
	}
	return true;
}

static char **config_copy_command(struct config_parser *parser, const config_setting_t *list,
				  const struct check_config *check, const char *where)
{
	unsigned int length = (unsigned int)config_setting_length(list);
	char **argv;
	bool valid = true;

	for (unsigned int i = 0; i < length; i++) {
		const config_setting_t *element = config_setting_get_elem(list, i);

		if (config_setting_type(element) != CONFIG_TYPE_STRING) {
			config_error(parser, element,
				     "%s: 'command' elements must be strings, not %s", where,
				     config_type_describe(config_setting_type(element)));
			valid = false;
		} else if (i == 0) {
			valid = config_check_argv0(parser, element, check,
						   config_setting_get_string(element), where) &&
				valid;
		}
	}
	if (!valid)
		return NULL;
	argv = config_calloc(parser, length + 1, sizeof(*argv));
	for (unsigned int i = 0; argv && i < length; i++) {
		argv[i] = strdup(config_setting_get_string(config_setting_get_elem(list, i)));
		if (!argv[i]) {
			config_error_at(parser, parser->path, 0, "out of memory");
			break;
		}
	}
	return argv;
}

static void config_parse_check_command(struct config_parser *parser, const config_setting_t *group,
				       struct check_config *check, const char *where)
{
	const config_setting_t *list = NULL;

	switch (config_get_list(parser, group, "command", where, &list)) {
	case CONFIG_ABSENT:
		config_error_missing(parser, group, "command", where);
		return;
	case CONFIG_INVALID:
		return;
	default:
		break;
	}
	if (config_setting_length(list) == 0) {
		config_error(parser, list, "%s: 'command' must not be empty", where);
		return;
	}
	check->command = config_copy_command(parser, list, check, where);
}

static void config_parse_check_timing(struct config_parser *parser, const config_setting_t *group,
				      struct check_config *check, const char *where)
{
	double interval = 2.0, timeout = 1.0;
	long long count;
	bool timeout_set;

	if (config_get_number(parser, group, "interval", where, 0, 86400, &interval) ==
		CONFIG_FOUND &&
	    interval <= 0) {
		config_error(parser, config_setting_get_member(group, "interval"),
			     "%s: 'interval' must be greater than 0", where);
		interval = 2.0;
	}
	/* Without a timeout, a short interval bounds the default of 1 s. */
	if (interval < timeout)
		timeout = interval;
	timeout_set =
	    config_get_number(parser, group, "timeout", where, 0, 86400, &timeout) == CONFIG_FOUND;
	if (timeout_set && (timeout <= 0 || timeout > interval))
		config_error(parser, config_setting_get_member(group, "timeout"),
			     "%s: 'timeout' must be greater than 0 and at most 'interval' (%g s), "
			     "got %g",
			     where, interval, timeout);
	check->interval_us = config_seconds_to_us(interval);
	check->timeout_us = config_seconds_to_us(timeout);
	check->rise = 2;
	check->fall = 3;
	if (config_get_integer(parser, group, "rise", where, 1, INT_MAX, &count) == CONFIG_FOUND)
		check->rise = (unsigned int)count;
	if (config_get_integer(parser, group, "fall", where, 1, INT_MAX, &count) == CONFIG_FOUND)
		check->fall = (unsigned int)count;
}

static void config_parse_check_fields(struct config_parser *parser, const config_setting_t *group,
				      struct check_config *check, const char *where)
{
	const char *expect;

	switch (check->type) {
	case CHECK_TCP:
	case CHECK_TLS:
		config_parse_check_endpoint(parser, group, check, where);
		break;
	case CHECK_HTTP:
		check->status = 200;
		config_parse_check_url(parser, group, check, where);
		break;
	case CHECK_EXEC:
	case CHECK_PROCESS:
		config_parse_check_command(parser, group, check, where);
		break;
	}
	if ((check->type == CHECK_TLS || check->type == CHECK_HTTP) &&
	    config_get_string(parser, group, "expect", where, sizeof(check->expect), false,
			      &expect) == CONFIG_FOUND)
		snprintf(check->expect, sizeof(check->expect), "%s", expect);
}

static void config_parse_check(struct config_parser *parser, const config_setting_t *group,
			       unsigned int index, struct check_config *check)
{
	char where[CONFIG_WHERE_MAX];
	size_t type;

	check->line = (int)config_setting_source_line(group);
	snprintf(where, sizeof(where), "check #%u", index + 1);
	config_parse_check_name(parser, group, check, where);
	if (check->name[0])
		snprintf(where, sizeof(where), "check '%s'", check->name);
	config_check_members(parser, group, config_check_names, ARRAY_SIZE(config_check_names),
			     where);
	config_parse_check_timing(parser, group, check, where);
	switch (config_get_choice(parser, group, "type", where, config_check_types,
				  ARRAY_SIZE(config_check_types), &type)) {
	case CONFIG_ABSENT:
		config_error_missing(parser, group, "type", where);
		return;
	case CONFIG_INVALID:
		return;
	default:
		break;
	}
	check->type = (enum check_type)type;
	config_check_fields_apply(parser, group, check->type, where);
	config_parse_check_fields(parser, group, check, where);
}

void config_parse_checks(struct config_parser *parser, const config_setting_t *list)
{
	struct failoverd_config *config = parser->config;
	unsigned int length = (unsigned int)config_setting_length(list);

	config->checks = config_calloc(parser, length, sizeof(*config->checks));
	if (!config->checks)
		return;
	for (unsigned int i = 0; i < length; i++) {
		const config_setting_t *element = config_setting_get_elem(list, i);

		if (config_setting_type(element) != CONFIG_TYPE_GROUP) {
			config_error(parser, element,
				     "checks: check #%u must be a group { ... }, not %s", i + 1,
				     config_type_describe(config_setting_type(element)));
			continue;
		}
		config_parse_check(parser, element, i, &config->checks[config->check_count++]);
	}
}
