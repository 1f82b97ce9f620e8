/*
 * ctl_verify.h - "failoverctl verify": merge the event logs of several
 * nodes and check them (include/failoverd/verify.h). Unlike the other
 * commands it reads files, not the control socket, and it has an option of
 * its own, --tolerance, which ctl_main.c parses with the others and hands
 * over.
 */
#ifndef FAILOVERD_CTL_VERIFY_H
#define FAILOVERD_CTL_VERIFY_H

#include <stdbool.h>

#define CTL_VERIFY_COMMAND "verify"
#define CTL_VERIFY_SYNOPSIS "[--tolerance SECONDS] LOG..."
#define CTL_VERIFY_SUMMARY                                                                         \
	"merge nodes' event logs: timelines; two MASTERs at once, illegal transitions"

/*
 * Reads every log (argv; "-" is standard input), checks, prints the report
 * (json: as one JSON object). tolerance: --tolerance's text, NULL for the
 * default. Returns CONTROL_EXIT_OK, CONTROL_EXIT_VERIFY (a violation),
 * CONTROL_EXIT_USAGE (bad tolerance, no log, a log that cannot be read) or
 * CONTROL_EXIT_FAILED (out of memory).
 */
int ctl_verify_run(bool json, const char *tolerance, int argc, char **argv);

#endif
