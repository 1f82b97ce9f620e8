/*
 * ctl_verify.c - "failoverctl verify [--tolerance SECONDS] LOG...": the
 * command-line side of the log verifier; reading, merging, checking and
 * the report itself are src/util/verify*.c, where the unit tests reach them.
 *
 * Exit codes (control.h): 0 the logs show no violation; 5
 * (CONTROL_EXIT_VERIFY) they do; 1 the command line is wrong or a log
 * cannot be read (then nothing is reported: a verdict on part of the logs
 * would mislead). Malformed lines are warnings, not failures: one torn line
 * must not hide what the rest of a log proves.
 */
#include "ctl_verify.h"

#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "failoverd/control.h"
#include "failoverd/verify.h"

/* An overlap longer than an hour is no race between adverts. */
#define CTL_VERIFY_TOLERANCE_MAX 3600.0

/* --tolerance: seconds, 0 to CTL_VERIFY_TOLERANCE_MAX. */
static int ctl_verify_parse_tolerance(const char *text, int64_t *us)
{
	char *end;

	errno = 0;
	double seconds = strtod(text, &end);
	if (!*text || *end || errno || !isfinite(seconds) || seconds < 0 ||
	    seconds > CTL_VERIFY_TOLERANCE_MAX) {
		fprintf(
		    stderr,
		    "failoverctl: verify: --tolerance must be seconds from 0 to %.0f, not '%s'\n",
		    CTL_VERIFY_TOLERANCE_MAX, text);
		return CONTROL_EXIT_USAGE;
	}
	*us = llround(seconds * 1e6);
	return CONTROL_EXIT_OK;
}

static int ctl_verify_read(struct verify *v, const char *path)
{
	bool standard_input = !strcmp(path, "-");
	FILE *in = standard_input ? stdin : fopen(path, "re");

	if (!in) {
		fprintf(stderr, "failoverctl: verify: cannot open %s: %s\n", path, strerror(errno));
		return CONTROL_EXIT_USAGE;
	}
	int status = verify_read(v, standard_input ? "<stdin>" : path, in);
	if (!standard_input)
		fclose(in);
	if (status < 0) {
		fprintf(stderr, "failoverctl: verify: cannot read %s: %s\n",
			standard_input ? "standard input" : path, strerror(-status));
		return status == -ENOMEM ? CONTROL_EXIT_FAILED : CONTROL_EXIT_USAGE;
	}
	return CONTROL_EXIT_OK;
}

static int ctl_verify_report(const struct verify *v, bool json)
{
	if (!json) {
		verify_print(v, stdout);
		return CONTROL_EXIT_OK;
	}
	struct json_object *report = verify_to_json(v);
	if (!report) {
		fprintf(stderr, "failoverctl: verify: out of memory\n");
		return CONTROL_EXIT_FAILED;
	}
	ctl_reply_print_json(report, stdout);
	json_object_put(report);
	return CONTROL_EXIT_OK;
}

int ctl_verify_run(bool json, const char *tolerance, int argc, char **argv)
{
	int64_t tolerance_us = VERIFY_DEFAULT_TOLERANCE_US;
	struct verify v;
	int status = CONTROL_EXIT_OK;

	if (tolerance)
		status = ctl_verify_parse_tolerance(tolerance, &tolerance_us);
	if (status != CONTROL_EXIT_OK)
		return status;
	verify_init(&v, tolerance_us);
	for (int i = 0; i < argc && status == CONTROL_EXIT_OK; i++)
		status = ctl_verify_read(&v, argv[i]);
	if (status == CONTROL_EXIT_OK && verify_check(&v) < 0) {
		fprintf(stderr, "failoverctl: verify: %s\n", strerror(-v.error));
		status = CONTROL_EXIT_FAILED;
	}
	if (status == CONTROL_EXIT_OK)
		status = ctl_verify_report(&v, json);
	if (status == CONTROL_EXIT_OK && !verify_passed(&v))
		status = CONTROL_EXIT_VERIFY;
	verify_free(&v);
	return status;
}
