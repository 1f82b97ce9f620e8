/*
 * log.h - human log lines, to syslog (ident "failoverd") and optionally to
 * stderr (--log-console).
 *
 * The phrases operators grep for ("(VI_1) Entering MASTER STATE", "sending 0
 * priority", "Kernel is reporting: interface eth0 DOWN") are built by the
 * callers; this module only routes lines. One process-wide sink is the one
 * exception to "no globals": syslog itself is process-wide.
 */
#ifndef FAILOVERD_LOG_H
#define FAILOVERD_LOG_H

#include <stdbool.h>
#include <syslog.h>

struct log_options {
	bool to_syslog;
	bool to_console;
	int facility; /* LOG_DAEMON, ... */
	int max_level; /* LOG_INFO; LOG_DEBUG with -v */
};

void log_open(const struct log_options *options);
void log_set_facility(int facility);
void log_close(void);

void log_msg(int level, const char *format, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
