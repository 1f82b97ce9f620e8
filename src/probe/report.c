/*
 * report.c - text report, gap lines, and writing the report out.
 *
 * --output goes through a temporary file in the same directory that is
 * renamed over FILE once complete: the lab sends SIGTERM, waits for the
 * exit and reads FILE, and must never find a truncated report there.
 */
#include "report.h"

#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *report_format_time(int64_t real_us, char *buffer, size_t size)
{
	int64_t micro = real_us % 1000000;
	time_t seconds = (time_t)(real_us / 1000000);
	struct tm tm;
	char date[REPORT_TIME_MAX];

	if (micro < 0) {
		micro += 1000000;
		seconds--;
	}
	gmtime_r(&seconds, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buffer, size, "%.20s.%06uZ", date, (unsigned int)micro);
	return buffer;
}

void report_print_gap(FILE *out, const struct gap *gap)
{
	char start[REPORT_TIME_MAX], end[REPORT_TIME_MAX];

	fprintf(out, "gap start=%s end=%s duration_ms=%.3f failed=%llu reason=%s%s\n",
		report_format_time(gap->start.real_us, start, sizeof(start)),
		report_format_time(gap->end.real_us, end, sizeof(end)),
		(double)gap_duration_us(gap) / 1000.0, (unsigned long long)gap->failed,
		probe_status_name(gap->first_reason), gap->open ? " open=true" : "");
}

static void report_print_text(FILE *out, const struct gap_tracker *gaps)
{
	for (size_t i = 0; i < gaps->count; i++)
		report_print_gap(out, &gaps->gaps[i]);
	fprintf(out, "probes=%llu ok=%llu failed=%llu longest_gap_ms=%.3f gaps=%zu\n",
		(unsigned long long)gaps->probes, (unsigned long long)gaps->ok,
		(unsigned long long)gaps->failed, (double)gaps->longest_us / 1000.0, gaps->count);
}

static int report_print(FILE *out, const struct report_run *run)
{
	struct json_object *json;

	if (!run->options->json) {
		report_print_text(out, run->gaps);
		return 0;
	}
	json = report_json_build(run);
	if (!json)
		return -ENOMEM;
	fprintf(out, "%s\n",
		json_object_to_json_string_ext(json, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(json);
	return 0;
}

/* Prints into an open temporary file and closes it; 0 or -errno. */
static int report_fill_file(int fd, const struct report_run *run)
{
	FILE *out = fdopen(fd, "w");
	int err;

	if (!out) {
		err = -errno;
		close(fd);
		return err;
	}
	err = report_print(out, run);
	if (fflush(out) != 0 && !err)
		err = -errno;
	if (!err && fsync(fd) < 0)
		err = -errno;
	if (fclose(out) != 0 && !err)
		err = -errno;
	return err;
}

static int report_write_file(const char *path, const struct report_run *run)
{
	size_t length = strlen(path) + sizeof(".XXXXXX");
	char *temporary = malloc(length);
	int fd, err;

	if (!temporary)
		return -ENOMEM;
	snprintf(temporary, length, "%s.XXXXXX", path);
	fd = mkostemp(temporary, O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		free(temporary);
		return err;
	}
	/* mkstemp creates 0600; a report is not a secret. */
	fchmod(fd, 0644);
	err = report_fill_file(fd, run);
	if (!err && rename(temporary, path) < 0)
		err = -errno;
	if (err)
		unlink(temporary);
	free(temporary);
	return err;
}

int report_write(const struct report_run *run)
{
	int err;

	if (run->options->output)
		return report_write_file(run->options->output, run);
	err = report_print(stdout, run);
	if (fflush(stdout) != 0 && !err)
		err = -errno;
	return err;
}
