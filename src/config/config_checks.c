/*
 * config_checks.c - the top-level `checks` list: health checks that
 * instances track by name.
 *
 * Every type has its own fields (tcp: address, port; tls: address, port,
 * expect, verify, ca_file, sni; http: url, status, expect, max_latency and,
 * for https:// URLs, verify, ca_file, sni; exec: command; process: process
 * or pid_file). A field that belongs to another type is refused rather
 * than ignored, so a check never silently tests something other than what
 * its author wrote. This file holds the list, what all checks share (name,
 * type, interval, timeout, rise, fall) and that applicability table; the
 * fields of each type are read in config_check_types.c.
 */
#include "config_internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const config_check_names[] = {
    "name",    "type",	   "address",  "port",	  "expect",	 "url",
    "status",  "verify",   "ca_file",  "sni",	  "max_latency", "command",
    "process", "pid_file", "interval", "timeout", "rise",	 "fall",
};
static const char *const config_check_types[] = {"tcp", "tls", "http", "exec", "process"};

/* Fields that only some types accept (bit per enum check_type). */
#define TYPE_BIT(t) (1u << (t))
#define TLS_TYPES (TYPE_BIT(CHECK_TLS) | TYPE_BIT(CHECK_HTTP))
static const struct {
	const char *field;
	unsigned int types;
	bool https_only; /* for http: only with an https:// url */
} config_check_fields[] = {
    {"address", TYPE_BIT(CHECK_TCP) | TYPE_BIT(CHECK_TLS), false},
    {"port", TYPE_BIT(CHECK_TCP) | TYPE_BIT(CHECK_TLS), false},
    {"expect", TYPE_BIT(CHECK_TLS) | TYPE_BIT(CHECK_HTTP), false},
    {"url", TYPE_BIT(CHECK_HTTP), false},
    {"status", TYPE_BIT(CHECK_HTTP), false},
    {"max_latency", TYPE_BIT(CHECK_HTTP), false},
    {"verify", TLS_TYPES, true},
    {"ca_file", TLS_TYPES, true},
    {"sni", TLS_TYPES, true},
    {"command", TYPE_BIT(CHECK_EXEC), false},
    {"process", TYPE_BIT(CHECK_PROCESS), false},
    {"pid_file", TYPE_BIT(CHECK_PROCESS), false},
};

static void config_parse_check_name(struct config_parser *parser, const config_setting_t *group,
				    struct check_config *check, const char *where)
{
	const struct failoverd_config *config = parser->config;
	const config_setting_t *member =
	    config_parse_name(parser, group, where, "check", check->name, sizeof(check->name));

	if (!member)
		return;
	for (const struct check_config *other = config->checks; other < check; other++)
		if (strcmp(other->name, check->name) == 0)
			config_error(parser, member,
				     "check name '%s' is already defined at line %d", check->name,
				     other->line);
}

/* What a process check is told when it uses the old exec-style field. */
static const char *config_check_field_hint(const char *field, enum check_type type)
{
	if (type == CHECK_PROCESS && strcmp(field, "command") == 0)
		return " (a process check names 'process' or 'pid_file')";
	return "";
}

/* An http check whose url is written as https:// (verify, ca_file, sni). */
static bool config_check_url_is_https(const config_setting_t *group)
{
	const config_setting_t *url = config_setting_get_member(group, "url");

	return url && config_setting_type(url) == CONFIG_TYPE_STRING &&
	       strncmp(config_setting_get_string(url), "https://", 8) == 0;
}

/*
 * Refuses fields that belong to other check types. Returns whether the
 * TLS options (verify, ca_file, sni) apply to this check.
 */
static bool config_check_fields_apply(struct config_parser *parser, const config_setting_t *group,
				      enum check_type type, const char *where)
{
	bool https = type == CHECK_TLS || config_check_url_is_https(group);

	for (size_t i = 0; i < ARRAY_SIZE(config_check_fields); i++) {
		const char *field = config_check_fields[i].field;
		const config_setting_t *member = config_setting_get_member(group, field);

		if (!member)
			continue;
		if (!(config_check_fields[i].types & TYPE_BIT(type)))
			config_error(parser, member,
				     "%s: '%s' does not apply to a check of type \"%s\"%s", where,
				     field, config_check_types[type],
				     config_check_field_hint(field, type));
		else if (config_check_fields[i].https_only && !https)
			config_error(parser, member,
				     "%s: '%s' applies only to tls checks and https:// URLs (the "
				     "url is not https://)",
				     where, field);
	}
	return https && (type == CHECK_TLS || type == CHECK_HTTP);
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
				      struct check_config *check, bool tls_options,
				      const char *where)
{
	const char *expect;

	switch (check->type) {
	case CHECK_TCP:
	case CHECK_TLS:
		config_parse_check_endpoint(parser, group, check, where);
		break;
	case CHECK_HTTP:
		config_parse_check_http(parser, group, check, where);
		break;
	case CHECK_EXEC:
		config_parse_check_command(parser, group, check, where);
		break;
	case CHECK_PROCESS:
		config_parse_check_process(parser, group, check, where);
		break;
	}
	if (tls_options)
		config_parse_check_tls_options(parser, group, check, where);
	/* tls: the banner must start with it; http: the body must contain it. */
	if ((check->type == CHECK_TLS || check->type == CHECK_HTTP) &&
	    config_get_string(parser, group, "expect", where, sizeof(check->expect), false,
			      &expect) == CONFIG_FOUND)
		snprintf(check->expect, sizeof(check->expect), "%s", expect);
}

static void config_parse_check(struct config_parser *parser, const config_setting_t *group,
			       unsigned int index, struct check_config *check)
{
	char where[CONFIG_WHERE_MAX];
	bool tls_options;
	size_t type;

	check->file = config_file_intern(parser, config_setting_source_file(group));
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
	tls_options = config_check_fields_apply(parser, group, check->type, where);
	config_parse_check_fields(parser, group, check, tls_options, where);
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
