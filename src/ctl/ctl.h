/*
 * ctl.h - the pieces of failoverctl, the control client of failoverd
 * (protocol and exit codes: include/failoverd/control.h).
 *
 *   ctl_main.c        command line, help, dispatch
 *   ctl_connection.c  one request/reply exchange on the Unix socket
 *   ctl_reply.c       reading fields of a reply; ok:false -> exit code
 *   ctl_table.c       aligned text tables
 *   ctl_status.c      the status and stats tables
 *   ctl_commands.c    the commands: build the request, print the reply
 *
 * Functions that can fail for the user return an enum control_exit and have
 * already printed the reason on stderr, prefixed "failoverctl: ".
 */
#ifndef FAILOVERD_CTL_H
#define FAILOVERD_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json_object;

#define CTL_DEFAULT_SOCKET "/run/failoverd.sock"
#define CTL_SOCKET_ENV "FAILOVERD_SOCKET"
#define CTL_TIMEOUT_MS 10000		      /* the whole exchange */
#define CTL_REPLY_LINE_MAX (16 * 1024 * 1024) /* bytes of the one reply line */

struct ctl_options {
	const char *socket_path;
	bool json; /* print the reply object, pretty-printed */
};

/* A command: name, argument synopsis, help line, argument count, handler. */
struct ctl_command {
	const char *name;
	const char *synopsis;
	const char *summary;
	int min_args;
	int max_args;
	int (*run)(const struct ctl_options *options, int argc, char **argv);
};

const struct ctl_command *ctl_command_find(const char *name);
const struct ctl_command *ctl_command_at(size_t index); /* NULL past the last */

/* ctl_connection.c: send request, read one reply line; *reply owned by caller. */
int ctl_exchange(const char *socket_path, const struct json_object *request,
		 struct json_object **reply);

/* ctl_reply.c */
const char *ctl_reply_string(const struct json_object *object, const char *key);
bool ctl_reply_int(const struct json_object *object, const char *key, int64_t *value);
bool ctl_reply_double(const struct json_object *object, const char *key, double *value);
bool ctl_reply_bool(const struct json_object *object, const char *key, bool *value);
size_t ctl_reply_array(const struct json_object *object, const char *key,
		       struct json_object **array);
int ctl_reply_check(const struct json_object *reply);
void ctl_reply_print_json(const struct json_object *reply, FILE *out);
void ctl_print_clean(FILE *out, const char *text);
void ctl_format_duration(double seconds, char *buf, size_t size);
void ctl_join_strings(const struct json_object *array, size_t limit, char *buf, size_t size);
void *ctl_alloc(size_t size);

/* ctl_table.c */
enum ctl_align { CTL_ALIGN_LEFT, CTL_ALIGN_RIGHT };

struct ctl_column {
	const char *header;
	enum ctl_align align;
};

struct ctl_table;

struct ctl_table *ctl_table_new(const struct ctl_column *columns, size_t count);
void ctl_table_add_row(struct ctl_table *table, const char *const *cells);
size_t ctl_table_rows(const struct ctl_table *table);
void ctl_table_print(const struct ctl_table *table, FILE *out);
void ctl_table_free(struct ctl_table *table);

/* ctl_status.c */
void ctl_status_print(const struct json_object *reply, FILE *out);
void ctl_stats_print(const struct json_object *reply, FILE *out);

#endif
