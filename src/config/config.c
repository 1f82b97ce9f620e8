/*
 * config.c - config_load(): read failoverd.conf with libconfig, check the
 * top level and the global section, hand the other sections to their
 * parsers, and return all of it or nothing.
 *
 * The order matters only for references: checks are parsed before the
 * instances that track them, and instances before the sync groups that
 * name them, so every reference is resolved where it is written and an
 * error points at the line that holds the bad name.
 *
 * libconfig stops at the first syntax error, so a file with a syntax error
 * yields exactly one error; a file that parses yields every semantic error.
 */
#include "config_internal.h"

#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>

static const char *const config_top_level_names[] = {"global", "instances", "sync_groups",
						     "checks"};
static const char *const config_global_names[] = {"node_name", "event_log", "control_socket",
						  "syslog_facility", "control_group"};

static const char *const config_facility_names[] = {
    "daemon", "user",	"local0", "local1", "local2",
    "local3", "local4", "local5", "local6", "local7",
};
static const int config_facility_values[] = {
    LOG_DAEMON, LOG_USER,   LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2,
    LOG_LOCAL3, LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7,
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void config_global_defaults(struct global_config *global)
{
	snprintf(global->event_log, sizeof(global->event_log), "%s", CONFIG_DEFAULT_EVENT_LOG);
	snprintf(global->control_socket, sizeof(global->control_socket), "%s",
		 CONFIG_DEFAULT_SOCKET);
	snprintf(global->syslog_facility, sizeof(global->syslog_facility), "daemon");
	global->syslog_facility_value = LOG_DAEMON;
}

static void config_parse_node_name(struct config_parser *parser, const config_setting_t *group,
				   struct global_config *global)
{
	const char *value;

	if (config_get_string(parser, group, "node_name", "global", CONFIG_NAME_MAX, true,
			      &value) != CONFIG_FOUND)
		return;
	/* "" keeps the default: the host name, looked up at start. */
	if (value[0] && !config_check_name(parser, config_setting_get_member(group, "node_name"),
					   value, "global: node"))
		return;
	snprintf(global->node_name, sizeof(global->node_name), "%s", value);
}

static void config_parse_event_log(struct config_parser *parser, const config_setting_t *group,
				   struct global_config *global)
{
	const char *value;

	if (config_get_string(parser, group, "event_log", "global", CONFIG_PATH_MAX, true,
			      &value) != CONFIG_FOUND)
		return;
	if (value[0] == '\0') { /* "" = no event log */
		global->event_log[0] = '\0';
		return;
	}
	config_get_path(parser, group, "event_log", "global", global->event_log,
			sizeof(global->event_log));
}

static void config_parse_control_socket(struct config_parser *parser, const config_setting_t *group,
					struct global_config *global)
{
	/* The path must fit sockaddr_un.sun_path, NUL included. */
	config_get_path(parser, group, "control_socket", "global", global->control_socket,
			sizeof(((struct sockaddr_un *)0)->sun_path));
}

/* getgrnam(3): these errno values, like 0, mean "no such group". */
static bool config_group_not_found(int error)
{
	return error == 0 || error == ENOENT || error == ESRCH || error == EBADF || error == EPERM;
}

/*
 * The group whose members may use failoverctl's read-only commands. It must
 * exist now, so that a typo is an error at -t time rather than a socket
 * nobody can read; "" = none (root only).
 */
static void config_parse_control_group(struct config_parser *parser, const config_setting_t *group,
				       struct global_config *global)
{
	const config_setting_t *member = config_setting_get_member(group, "control_group");
	const char *name;
	struct group *entry;

	if (config_get_string(parser, group, "control_group", "global", CONFIG_NAME_MAX, true,
			      &name) != CONFIG_FOUND)
		return;
	if (name[0] == '\0') {
		global->control_group[0] = '\0';
		return;
	}
	errno = 0;
	entry = getgrnam(name);
	if (!entry && config_group_not_found(errno)) {
		config_error(parser, member, "global: 'control_group': no such group '%s'", name);
		return;
	}
	if (!entry) {
		config_error(parser, member,
			     "global: 'control_group': cannot look up group '%s': %s", name,
			     strerror(errno));
		return;
	}
	snprintf(global->control_group, sizeof(global->control_group), "%s", name);
}

static void config_parse_global(struct config_parser *parser, const config_setting_t *group)
{
	struct global_config *global = &parser->config->global;
	size_t facility;

	config_check_members(parser, group, config_global_names, ARRAY_SIZE(config_global_names),
			     "global");
	config_parse_node_name(parser, group, global);
	config_parse_event_log(parser, group, global);
	config_parse_control_socket(parser, group, global);
	config_parse_control_group(parser, group, global);
	if (config_get_choice(parser, group, "syslog_facility", "global", config_facility_names,
			      ARRAY_SIZE(config_facility_names), &facility) == CONFIG_FOUND) {
		snprintf(global->syslog_facility, sizeof(global->syslog_facility), "%s",
			 config_facility_names[facility]);
		global->syslog_facility_value = config_facility_values[facility];
	}
}

/* Records every file that contributed a setting (main file first). */
static void config_collect_files(struct config_parser *parser, const config_setting_t *setting)
{
	config_file_intern(parser, config_setting_source_file(setting));
	if (config_setting_type(setting) != CONFIG_TYPE_GROUP &&
	    config_setting_type(setting) != CONFIG_TYPE_LIST)
		return;
	for (int i = 0; i < config_setting_length(setting); i++)
		config_collect_files(parser, config_setting_get_elem(setting, (unsigned int)i));
}

static void config_parse_root(struct config_parser *parser, const config_setting_t *root)
{
	const config_setting_t *section = NULL;

	config_check_members(parser, root, config_top_level_names,
			     ARRAY_SIZE(config_top_level_names), NULL);
	if (config_get_group(parser, root, "global", "top level", &section) == CONFIG_FOUND)
		config_parse_global(parser, section);

	section = NULL;
	if (config_get_list(parser, root, "checks", "top level", &section) == CONFIG_FOUND)
		config_parse_checks(parser, section);

	section = NULL;
	switch (config_get_list(parser, root, "instances", "top level", &section)) {
	case CONFIG_FOUND:
		config_parse_instances(parser, section);
		break;
	case CONFIG_ABSENT:
		config_error_at(parser, parser->path, 0,
				"no 'instances' list: at least one instance is required");
		break;
	default:
		break;
	}

	section = NULL;
	if (config_get_list(parser, root, "sync_groups", "top level", &section) == CONFIG_FOUND)
		config_parse_sync_groups(parser, section);
}

/* "FILE: cannot read: <strerror>" before libconfig's vaguer "file I/O error". */
static bool config_file_readable(struct config_parser *parser)
{
	struct stat st;
	FILE *file = fopen(parser->path, "r");
	int error = 0;

	if (!file)
		error = errno;
	else if (fstat(fileno(file), &st) < 0)
		error = errno;
	else if (S_ISDIR(st.st_mode))
		error = EISDIR;
	if (file)
		fclose(file);
	if (error)
		config_error_at(parser, parser->path, 0, "cannot read: %s", strerror(error));
	return error == 0;
}

static void config_report_libconfig_error(struct config_parser *parser, const config_t *cfg,
					  const char *include_dir)
{
	const char *file = config_error_file(cfg) ? config_error_file(cfg) : parser->path;
	const char *text = config_error_text(cfg) ? config_error_text(cfg) : "unknown error";

	if (config_error_type(cfg) == CONFIG_ERR_FILE_IO)
		config_error_at(parser, parser->path, 0, "cannot read: %s", text);
	else if (strcmp(text, "cannot open include file") == 0)
		/* libconfig 1.5 prefixes every @include path with include_dir. */
		config_error_at(parser, file, config_error_line(cfg),
				"cannot open include file (@include paths are relative to "
				"the directory '%s')",
				include_dir);
	else if (strcmp(text, "syntax error") == 0)
		/* libconfig's own text says no more than that. */
		config_error_at(parser, file, config_error_line(cfg), "syntax error");
	else
		config_error_at(parser, file, config_error_line(cfg), "syntax error: %s", text);
}

static void config_read_and_parse(struct config_parser *parser)
{
	config_t cfg;
	char *path_copy = strdup(parser->path);
	const char *include_dir;

	if (!path_copy) {
		config_error_at(parser, parser->path, 0, "out of memory");
		return;
	}
	include_dir = dirname(path_copy);
	if (strchr(parser->path, '/'))
		parser->include_dir = include_dir;
	config_init(&cfg);
	config_set_options(&cfg, CONFIG_OPTION_AUTOCONVERT);
	config_set_include_dir(&cfg, include_dir);
	if (config_read_file(&cfg, parser->path) != CONFIG_TRUE) {
		config_report_libconfig_error(parser, &cfg, include_dir);
	} else {
		config_file_intern(parser, parser->path);
		config_collect_files(parser, config_root_setting(&cfg));
		config_parse_root(parser, config_root_setting(&cfg));
	}
	config_destroy(&cfg);
	parser->include_dir = NULL;
	free(path_copy);
}

int config_load(const char *path, struct failoverd_config **out, struct config_errors *errors)
{
	struct failoverd_config *config = calloc(1, sizeof(*config));
	struct config_parser parser = {.path = path, .errors = errors, .config = config};

	*out = NULL;
	if (!config) {
		config_error_at(&parser, path, 0, "out of memory");
		config_errors_flush(&parser);
		return -1;
	}
	snprintf(config->path, sizeof(config->path), "%s", path);
	config_global_defaults(&config->global);
	if (strlen(path) >= sizeof(config->path))
		config_error_at(&parser, path, 0, "cannot read: %s", strerror(ENAMETOOLONG));
	else if (config_file_readable(&parser))
		config_read_and_parse(&parser);
	if (config_errors_flush(&parser) > 0) {
		config_free(config);
		return -1;
	}
	*out = config;
	return 0;
}

void config_instance_release(struct instance_config *instance)
{
	free(instance->vips);
	free(instance->vips_excluded);
	free(instance->unicast.peers);
	free(instance->track.interfaces);
	free(instance->track.bonds);
	free(instance->track.checks);
}

static void config_check_release(struct check_config *check)
{
	if (!check->command)
		return;
	for (char **arg = check->command; *arg; arg++)
		free(*arg);
	free(check->command);
}

void config_free(struct failoverd_config *config)
{
	if (!config)
		return;
	for (size_t i = 0; i < config->instance_count; i++)
		config_instance_release(&config->instances[i]);
	free(config->instances);
	for (size_t i = 0; i < config->sync_group_count; i++)
		free(config->sync_groups[i].instances);
	free(config->sync_groups);
	for (size_t i = 0; i < config->check_count; i++)
		config_check_release(&config->checks[i]);
	free(config->checks);
	for (size_t i = 0; i < config->file_count; i++)
		free(config->files[i]);
	free(config->files);
	free(config);
}

void config_errors_free(struct config_errors *errors)
{
	if (!errors)
		return;
	for (size_t i = 0; i < errors->count; i++)
		free(errors->lines[i]);
	free(errors->lines);
	errors->lines = NULL;
	errors->count = 0;
}

const struct instance_config *config_find_instance(const struct failoverd_config *config,
						   const char *name)
{
	for (size_t i = 0; config && i < config->instance_count; i++)
		if (strcmp(config->instances[i].name, name) == 0)
			return &config->instances[i];
	return NULL;
}

int config_find_check(const struct failoverd_config *config, const char *name)
{
	for (size_t i = 0; i < config->check_count; i++)
		if (strcmp(config->checks[i].name, name) == 0)
			return (int)i;
	return -1;
}
