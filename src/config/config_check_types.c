/*
 * config_check_types.c - the fields of each health check type.
 *
 *   tcp, tls   address, port           where to connect
 *   tls, https verify, ca_file, sni    how to judge the server's certificate
 *   http       url, status, max_latency what to GET and what counts as healthy
 *   exec       command                 argv run without a shell
 *   process    process | pid_file      which process must be alive
 *
 * config_checks.c has already refused the fields that do not belong to the
 * check's type, so each function here reads only its own fields and checks
 * their values. Whatever a probe would trip over at run time (a relative
 * path, a URL with port 0, a process name the kernel could never report) is
 * refused here, at the field's FILE:LINE.
 */
#include "config_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* TASK_COMM_LEN - 1: the kernel keeps 15 bytes of a name in /proc/PID/comm. */
#define CONFIG_PROCESS_NAME_MAX 15

/*
 * A check's host must be an IP address (v4 or v6, no brackets): NULL, or
 * what is wrong. Checks run inside the event loop and never resolve names,
 * since a DNS lookup could block the daemon; the TLS name goes in 'sni'.
 */
static const char *config_address_problem(const char *text)
{
	struct ip_address address;

	if (ip_address_parse(text, &address) == 0)
		return NULL;
	if (config_host_check(text, strlen(text)) == NULL)
		return "host names are not resolved by health checks (a DNS lookup could "
		       "block the daemon): give an IP address, and the name in 'sni' for TLS";
	return "not a valid IP address";
}

void config_parse_check_endpoint(struct config_parser *parser, const config_setting_t *group,
				 struct check_config *check, const char *where)
{
	const char *address;
	long long port;

	switch (config_get_string(parser, group, "address", where, sizeof(check->address), false,
				  &address)) {
	case CONFIG_ABSENT:
		config_error_missing(parser, group, "address", where);
		break;
	case CONFIG_FOUND: {
		const char *problem = config_address_problem(address);

		if (!problem)
			snprintf(check->address, sizeof(check->address), "%s", address);
		else
			config_error(parser, config_setting_get_member(group, "address"),
				     "%s: 'address' \"%s\": %s", where, address, problem);
		break;
	}
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

/* Stores url with its path made explicit: "http://h" becomes "http://h/". */
static void config_store_url(struct check_config *check, const char *url, size_t path_offset)
{
	const char *path = url + path_offset;

	snprintf(check->url, sizeof(check->url), "%.*s%s%s", (int)path_offset, url,
		 path[0] == '/' ? "" : "/", path);
}

static void config_parse_check_url(struct config_parser *parser, const config_setting_t *group,
				   struct check_config *check, const char *where)
{
	struct config_url parsed;
	const char *url, *problem;

	/* One byte is kept for the "/" added to a URL without a path. */
	switch (
	    config_get_string(parser, group, "url", where, sizeof(check->url) - 1, false, &url)) {
	case CONFIG_ABSENT:
		config_error_missing(parser, group, "url", where);
		return;
	case CONFIG_INVALID:
		return;
	default:
		break;
	}
	problem = config_url_check(url, &parsed);
	if (!problem)
		problem = config_address_problem(parsed.host);
	if (problem)
		config_error(parser, config_setting_get_member(group, "url"),
			     "%s: 'url' \"%s\": %s", where, url, problem);
	else
		config_store_url(check, url, parsed.path_offset);
}

/* max_latency: a slower answer fails; it must fit in the timeout. */
static void config_parse_check_max_latency(struct config_parser *parser,
					   const config_setting_t *group,
					   struct check_config *check, const char *where)
{
	const config_setting_t *member = config_setting_get_member(group, "max_latency");
	int64_t latency_us;
	double seconds;

	if (config_get_number(parser, group, "max_latency", where, 0, 86400, &seconds) !=
	    CONFIG_FOUND)
		return;
	latency_us = config_seconds_to_us(seconds);
	if (latency_us <= 0 || latency_us > check->timeout_us) {
		config_error(parser, member,
			     "%s: 'max_latency' must be greater than 0 and at most 'timeout' (%g "
			     "s), got %g",
			     where, (double)check->timeout_us / 1e6, seconds);
		return;
	}
	check->max_latency_us = latency_us;
}

void config_parse_check_http(struct config_parser *parser, const config_setting_t *group,
			     struct check_config *check, const char *where)
{
	long long status;

	check->status = 200;
	config_parse_check_url(parser, group, check, where);
	if (config_get_integer(parser, group, "status", where, 100, 599, &status) == CONFIG_FOUND)
		check->status = (int)status;
	config_parse_check_max_latency(parser, group, check, where);
}

/* RFC 6066 3: the server name is a host name; IP literals are not allowed. */
static void config_parse_check_sni(struct config_parser *parser, const config_setting_t *group,
				   struct check_config *check, const char *where)
{
	struct ip_address address;
	const char *sni;

	if (config_get_string(parser, group, "sni", where, sizeof(check->sni), false, &sni) !=
	    CONFIG_FOUND)
		return;
	if (ip_address_parse(sni, &address) == 0 || !config_host_name_valid(sni, strlen(sni))) {
		config_error(parser, config_setting_get_member(group, "sni"),
			     "%s: 'sni' \"%s\" must be a host name (TLS server names are never IP "
			     "addresses)",
			     where, sni);
		return;
	}
	snprintf(check->sni, sizeof(check->sni), "%s", sni);
}

void config_parse_check_tls_options(struct config_parser *parser, const config_setting_t *group,
				    struct check_config *check, const char *where)
{
	const config_setting_t *ca_file = config_setting_get_member(group, "ca_file");

	config_get_boolean(parser, group, "verify", where, &check->verify);
	if (config_get_path(parser, group, "ca_file", where, check->ca_file,
			    sizeof(check->ca_file)) == CONFIG_FOUND &&
	    !check->verify) {
		/* A CA bundle without verification would look like a check it is not. */
		config_error(parser, ca_file,
			     "%s: 'ca_file' is used only to verify the certificate: set verify = "
			     "true, or remove it",
			     where);
		check->ca_file[0] = '\0';
	}
	config_parse_check_sni(parser, group, check, where);
}

/* exec: argv[0] is run directly (no shell), so it must be an absolute path. */
static bool config_check_argv0(struct config_parser *parser, const config_setting_t *at,
			       const char *arg, const char *where)
{
	if (arg[0] == '\0') {
		config_error(parser, at, "%s: the first element of 'command' must not be empty",
			     where);
		return false;
	}
	if (arg[0] != '/') {
		config_error(parser, at,
			     "%s: the first element of 'command' must be an absolute path (got "
			     "\"%s\")",
			     where, arg);
		return false;
	}
	return true;
}

static char **config_copy_command(struct config_parser *parser, const config_setting_t *list,
				  const char *where)
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
			valid = config_check_argv0(parser, element,
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

void config_parse_check_command(struct config_parser *parser, const config_setting_t *group,
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
	check->command = config_copy_command(parser, list, where);
}

/*
 * A process name as the kernel reports it in /proc/PID/comm: at most 15
 * bytes, printable, and never a path (comm holds the executable's base
 * name, so "/usr/sbin/nginx" could never match).
 */
static const char *config_process_name_problem(const char *name)
{
	if (strlen(name) > CONFIG_PROCESS_NAME_MAX)
		return "is longer than 15 characters: the kernel keeps only the first 15 of a "
		       "process name in /proc/PID/comm, so it could never match";
	if (strchr(name, '/'))
		return "is a path: give the process name as in /proc/PID/comm (e.g. \"nginx\"), "
		       "or use 'pid_file'";
	for (const char *c = name; *c; c++)
		if (!isprint((unsigned char)*c))
			return "contains a control character";
	return NULL;
}

static void config_parse_check_process_name(struct config_parser *parser,
					    const config_setting_t *group,
					    struct check_config *check, const char *where)
{
	const char *name, *problem;

	if (config_get_string(parser, group, "process", where, sizeof(check->process_name), false,
			      &name) != CONFIG_FOUND)
		return;
	problem = config_process_name_problem(name);
	if (problem) {
		config_error(parser, config_setting_get_member(group, "process"),
			     "%s: 'process' \"%s\" %s", where, name, problem);
		return;
	}
	snprintf(check->process_name, sizeof(check->process_name), "%s", name);
}

/* Exactly one of `process` (a name) and `pid_file`. */
void config_parse_check_process(struct config_parser *parser, const config_setting_t *group,
				struct check_config *check, const char *where)
{
	const config_setting_t *name = config_setting_get_member(group, "process");
	const config_setting_t *pid_file = config_setting_get_member(group, "pid_file");

	if (!name && !pid_file) {
		config_error(parser, group,
			     "%s: a check of type \"process\" needs 'process' (a process name) or "
			     "'pid_file'",
			     where);
		return;
	}
	if (name && pid_file) {
		config_error(parser, pid_file,
			     "%s: 'process' and 'pid_file' exclude each other: set one of them",
			     where);
		return;
	}
	if (name)
		config_parse_check_process_name(parser, group, check, where);
	else
		config_get_path(parser, group, "pid_file", where, check->pid_file,
				sizeof(check->pid_file));
}
