/*
 * config_internal.h - what the files of src/config share, and nothing more.
 *
 * The parser is split by concern: config.c (load, free, top level, global),
 * config_instance.c (one virtual router and its uniqueness across the
 * file), config_instance_groups.c (the groups nested in an instance:
 * garp, unicast, authentication, notify), config_track.c (an instance's
 * tracked interfaces, bonds and checks), config_checks.c (the health check
 * list and what all checks share), config_check_types.c (the fields of each
 * check type), config_url.c (http check URLs and host names),
 * config_sync_groups.c, config_errors.c (error collection and did-you-mean
 * hints) and config_util.c (typed getters and name checks).
 *
 * Every function that meets a problem records it with config_error() and
 * carries on, so that one run reports every error in the file. Whether the
 * load succeeded is decided once, at the end, by counting the errors.
 *
 * The typed getters share one convention: they return CONFIG_ABSENT when
 * the member is not there (out untouched, nothing reported), CONFIG_FOUND
 * when it is there and valid (out set) and CONFIG_INVALID when it is there
 * but wrong (error reported, out untouched).
 */
#ifndef FAILOVERD_CONFIG_INTERNAL_H
#define FAILOVERD_CONFIG_INTERNAL_H

#include <libconfig.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "failoverd/config.h"

/* Longest "instance 'NAME'"-style description of where a setting lives. */
#define CONFIG_WHERE_MAX 160

enum config_found {
	CONFIG_INVALID = -1,
	CONFIG_ABSENT = 0,
	CONFIG_FOUND = 1,
};

/* One error, kept until config_errors_flush() sorts them into file order. */
struct config_error_record {
	size_t file_rank; /* index in config->files; main file first */
	int line;
	size_t sequence; /* keeps errors of one line in the order found */
	char *text;	 /* "FILE:LINE: message" */
};

struct config_parser {
	const char *path;	 /* the main file, for errors no setting can locate */
	const char *include_dir; /* directory of path when path has one, else NULL */
	struct config_errors *errors;
	struct failoverd_config *config;
	struct config_error_record *records;
	size_t record_count;
};

/* --- errors and hints (config_errors.c) ----------------------------- */

/* Records "FILE:LINE: message" for the setting at (its file and line). */
void config_error(struct config_parser *parser, const config_setting_t *at, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Records "FILE:LINE: message", or "FILE: message" when line is 0. */
void config_error_at(struct config_parser *parser, const char *file, int line, const char *format,
		     ...) __attribute__((format(printf, 4, 5)));

/*
 * Moves the recorded errors to parser->errors, ordered by file (as first
 * seen) and line, and returns how many there were. Sections are parsed in
 * dependency order, not file order; the reader wants file order.
 */
size_t config_errors_flush(struct config_parser *parser);

/* Reports "where: missing required setting 'name'" at the group's line. */
void config_error_missing(struct config_parser *parser, const config_setting_t *group,
			  const char *name, const char *where);

/*
 * The known name closest to name: a case-insensitive match, else the one at
 * the smallest Levenshtein distance if that is <= 2. NULL if none is close.
 */
const char *config_suggest(const char *name, const char *const *known, size_t count);

/*
 * Reports every member of group whose name is not in known, with a
 * did-you-mean hint. where is NULL for the top level.
 */
void config_check_members(struct config_parser *parser, const config_setting_t *group,
			  const char *const *known, size_t count, const char *where);

/* A name that is known somewhere else, and where: the hint for it. */
struct config_member_hint {
	const char *name;
	const char *hint; /* replaces the did-you-mean hint, e.g. "applies to bonds only" */
};

/* Like config_check_members, but an unknown member listed in hints gets
 * that hint instead of a did-you-mean one. */
void config_check_members_hinted(struct config_parser *parser, const config_setting_t *group,
				 const char *const *known, size_t count,
				 const struct config_member_hint *hints, size_t hint_count,
				 const char *where);

/* "an integer", "a string", "a group { ... }", ... for type messages. */
const char *config_type_describe(int type);

/* --- typed getters (config_util.c) ---------------------------------- */

/* An integer (not a float) in min..max. */
int config_get_integer(struct config_parser *parser, const config_setting_t *group,
		       const char *name, const char *where, long long min, long long max,
		       long long *out);

/* A number (integer or float, finite) in min..max. */
int config_get_number(struct config_parser *parser, const config_setting_t *group, const char *name,
		      const char *where, double min, double max, double *out);

int config_get_boolean(struct config_parser *parser, const config_setting_t *group,
		       const char *name, const char *where, bool *out);

/* A string shorter than size bytes; empty only if allow_empty. */
int config_get_string(struct config_parser *parser, const config_setting_t *group, const char *name,
		      const char *where, size_t size, bool allow_empty, const char **out);

/* A string that is one of choices (exact match); *index is its position. */
int config_get_choice(struct config_parser *parser, const config_setting_t *group, const char *name,
		      const char *where, const char *const *choices, size_t count, size_t *index);

/* An absolute path shorter than size, copied into buf. */
int config_get_path(struct config_parser *parser, const config_setting_t *group, const char *name,
		    const char *where, char *buf, size_t size);

/*
 * A list ( ) or array [ ] member. Reports a wrong type; an empty list is
 * returned as found (callers decide whether empty is allowed).
 */
int config_get_list(struct config_parser *parser, const config_setting_t *group, const char *name,
		    const char *where, const config_setting_t **out);

/* A group { } member. */
int config_get_group(struct config_parser *parser, const config_setting_t *group, const char *name,
		     const char *where, const config_setting_t **out);

/* Nearest integer (values already range-checked, far from overflow). */
long long config_round(double value);

/* Converts seconds (already range-checked) to microseconds. */
int64_t config_seconds_to_us(double seconds);

/* --- names (config_util.c) ------------------------------------------ */

/* 1..CONFIG_NAME_MAX-1 characters of [A-Za-z0-9_.-]. */
bool config_name_valid(const char *name);

/* Non-empty, shorter than IFNAMSIZ, no '/' and no whitespace. */
bool config_interface_name_valid(const char *name);

/* Checks a name with config_name_valid, reporting at `at`. */
bool config_check_name(struct config_parser *parser, const config_setting_t *at, const char *name,
		       const char *what);

/* Checks an interface name, reporting at `at`. */
bool config_check_interface_name(struct config_parser *parser, const config_setting_t *at,
				 const char *name, const char *where);

/* --- URLs and host names (config_url.c) ------------------------------ */

/* What config_url_check found in an http check's URL. */
struct config_url {
	bool https;
	char host[256];	    /* without the brackets of an IPv6 address */
	uint16_t port;	    /* as written, else 80 or 443 */
	size_t path_offset; /* where "/PATH" or "?QUERY" starts; strlen(url) if absent */
};

/*
 * Checks url against http[s]://HOST[:PORT][/PATH][?QUERY]. Returns NULL
 * and fills out when it is valid, else why it is not (a static string).
 */
const char *config_url_check(const char *url, struct config_url *out);

/* A host name of RFC 1123 labels (length bytes of name, no NUL needed). */
bool config_host_name_valid(const char *name, size_t length);

/* NULL when host is an IPv4 address or a host name, else why not. */
const char *config_host_check(const char *host, size_t length);

/* Not unspecified, multicast or the IPv4 limited broadcast address. */
bool config_address_is_unicast(const struct ip_address *address);

/* "IPv4" or "IPv6". */
const char *config_family_name(int family);

/* Records file in config->files (once) and returns the stored copy
 * (config_errors.c: it shares the display name with error messages). */
const char *config_file_intern(struct config_parser *parser, const char *file);

/* calloc that records "out of memory" when it fails. */
void *config_calloc(struct config_parser *parser, size_t count, size_t size);

/* --- sections -------------------------------------------------------- */

void config_parse_checks(struct config_parser *parser, const config_setting_t *list);
void config_parse_instances(struct config_parser *parser, const config_setting_t *list);
void config_parse_sync_groups(struct config_parser *parser, const config_setting_t *list);

/* config_instance_groups.c: the groups nested in an instance. */
void config_parse_garp(struct config_parser *parser, const config_setting_t *instance,
		       const char *where, struct garp_config *garp);
void config_parse_unicast(struct config_parser *parser, const config_setting_t *instance,
			  const char *where, struct instance_config *out);
void config_parse_authentication(struct config_parser *parser, const config_setting_t *instance,
				 const char *where, struct instance_config *out);
/* The notify group of an instance or a sync group (parent). */
void config_parse_notify(struct config_parser *parser, const config_setting_t *parent,
			 const char *where, struct notify_config *notify);

/* config_track.c: an instance's track group. */
void config_parse_track(struct config_parser *parser, const config_setting_t *instance,
			const char *where, struct track_config *track);

/* config_check_types.c: the fields of one check type (the type is set and
 * the fields of other types are already refused). */
void config_parse_check_endpoint(struct config_parser *parser, const config_setting_t *group,
				 struct check_config *check, const char *where);
void config_parse_check_http(struct config_parser *parser, const config_setting_t *group,
			     struct check_config *check, const char *where);
void config_parse_check_tls_options(struct config_parser *parser, const config_setting_t *group,
				    struct check_config *check, const char *where);
void config_parse_check_command(struct config_parser *parser, const config_setting_t *group,
				struct check_config *check, const char *where);
void config_parse_check_process(struct config_parser *parser, const config_setting_t *group,
				struct check_config *check, const char *where);

/* Frees what one instance owns (not the struct itself). */
void config_instance_release(struct instance_config *instance);

/* Index of the check called name, or -1. */
int config_find_check(const struct failoverd_config *config, const char *name);

/*
 * Reads the required "name" of an instance, check or sync group into out
 * (kept even when invalid, so references to it do not cascade). Returns the
 * setting when the name is present and valid (for the caller's uniqueness
 * check), NULL otherwise (the error is already reported).
 */
const config_setting_t *config_parse_name(struct config_parser *parser,
					  const config_setting_t *group, const char *where,
					  const char *kind, char *out, size_t size);

#endif
