/*
 * main.c - failover-probe: measures the outage a client sees while a
 * service address fails over.
 *
 * Wiring only: parse the options, set up signals, resolve the target, run
 * the schedule (loop.c), write the report (report.c) and pick the exit
 * status. SIGINT and SIGTERM stay blocked except inside ppoll(), so they
 * stop the run promptly yet never interrupt the report being written.
 */
#include "gaps.h"
#include "loop.h"
#include "options.h"
#include "probe.h"
#include "report.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#define PROBE_EXIT_OK 0
#define PROBE_EXIT_ERROR 1
#define PROBE_EXIT_GAP 2

static volatile sig_atomic_t probe_stop_requested;

static void probe_on_stop(int signal_number)
{
	probe_stop_requested = signal_number;
}

/* Blocks SIGINT/SIGTERM and returns in *wait_mask the mask that opens them. */
static int probe_signals_setup(sigset_t *wait_mask)
{
	struct sigaction action = {.sa_handler = probe_on_stop};
	sigset_t stop_signals;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&action.sa_mask);
	if (sigaction(SIGINT, &action, NULL) < 0 || sigaction(SIGTERM, &action, NULL) < 0)
		return -errno;
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &stop_signals, wait_mask) < 0)
		return -errno;
	sigdelset(wait_mask, SIGINT);
	sigdelset(wait_mask, SIGTERM);
	return 0;
}

static int probe_exit_status(const struct probe_options *options, const struct gap_tracker *gaps)
{
	if (options->fail_on_gap_us >= 0 && gaps->longest_us > options->fail_on_gap_us)
		return PROBE_EXIT_GAP;
	return PROBE_EXIT_OK;
}

static int probe_measure(const struct probe_options *options, const struct probe_target *target)
{
	struct gap_tracker gaps;
	struct report_run run = {.options = options, .gaps = &gaps};
	int err, status, written;

	gap_tracker_init(&gaps);
	err = probe_loop_run(options, target, &gaps, &run.start, &run.end);
	if (err)
		fprintf(stderr, "failover-probe: stopped early: %s\n", strerror(-err));
	status = probe_exit_status(options, &gaps);
	written = report_write(&run);
	if (written < 0) {
		fprintf(stderr, "failover-probe: cannot write the report to %s: %s\n",
			options->output ? options->output : "stdout", strerror(-written));
		status = PROBE_EXIT_ERROR;
	}
	gap_tracker_free(&gaps);
	return err ? PROBE_EXIT_ERROR : status;
}

static int probe_start(const struct probe_options *options)
{
	struct probe_target target;
	char error[512];
	sigset_t wait_mask;
	int err, status;

	err = probe_signals_setup(&wait_mask);
	if (err) {
		fprintf(stderr, "failover-probe: signals: %s\n", strerror(-err));
		return PROBE_EXIT_ERROR;
	}
	err = probe_target_init(&target, options, &wait_mask, &probe_stop_requested, error,
				sizeof(error));
	if (err) {
		fprintf(stderr, "failover-probe: %s\n", error);
		probe_target_free(&target);
		return PROBE_EXIT_ERROR;
	}
	status = probe_measure(options, &target);
	probe_target_free(&target);
	return status;
}

int main(int argc, char **argv)
{
	struct probe_options options;
	char error[512];
	int status = PROBE_EXIT_OK;

	switch (probe_options_parse(argc, argv, &options, error, sizeof(error))) {
	case PROBE_OPTIONS_HELP:
		probe_options_print_help(stdout);
		break;
	case PROBE_OPTIONS_VERSION:
		printf("failover-probe %s\n", FAILOVERD_VERSION);
		break;
	case PROBE_OPTIONS_ERROR:
		fprintf(stderr, "failover-probe: %s\nTry 'failover-probe --help'.\n", error);
		status = PROBE_EXIT_ERROR;
		break;
	case PROBE_OPTIONS_RUN:
		status = probe_start(&options);
		break;
	}
	probe_options_free(&options);
	return status;
}
