/*
 * log.c - routes human log lines to syslog and/or stderr.
 *
 * Console lines carry a UTC timestamp with microseconds so that a person
 * reading two nodes' consoles side by side can order them; syslog adds its
 * own timestamp.
 */
#include "failoverd/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "failoverd/timefmt.h"

static struct log_options log_sink = {
	.to_syslog = false,
	.to_console = true,
	.facility = LOG_DAEMON,
	.max_level = LOG_INFO,
};

void log_open(const struct log_options *options)
{
	log_sink = *options;
	if (log_sink.to_syslog)
		openlog("failoverd", LOG_PID | LOG_NDELAY, log_sink.facility);
}

void log_set_facility(int facility)
{
	if (facility == log_sink.facility || !log_sink.to_syslog) {
		log_sink.facility = facility;
		return;
	}
	log_sink.facility = facility;
	closelog();
	openlog("failoverd", LOG_PID | LOG_NDELAY, facility);
}

void log_close(void)
{
	if (log_sink.to_syslog)
		closelog();
}

static const char *log_level_name(int level)
{
	switch (level) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
	case LOG_ERR:
		return "error";
	case LOG_WARNING:
		return "warning";
	case LOG_NOTICE:
		return "notice";
	case LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

void log_msg(int level, const char *format, ...)
{
	char line[1024];
	va_list args;

	if (level > log_sink.max_level)
		return;
	va_start(args, format);
	vsnprintf(line, sizeof(line), format, args);
	va_end(args);

	if (log_sink.to_syslog)
		syslog(level, "%s", line);
	if (log_sink.to_console) {
		char stamp[TIMEFMT_RFC3339_MAX];

		timefmt_rfc3339_now(stamp, sizeof(stamp));
		fprintf(stderr, "%s failoverd %s: %s\n", stamp, log_level_name(level), line);
		fflush(stderr);
	}
}
