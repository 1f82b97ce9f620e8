/*
 * failoverctl.c - the control client of failoverd.
 *
 * This release has no control socket yet (it arrives with the operations
 * work: status, stats, reload, maintenance, metrics, verify). Until then
 * failoverctl answers --version and --help, and says plainly that every
 * other command is not available rather than pretending.
 */
#include <stdio.h>
#include <string.h>

static void usage(FILE *out)
{
	fprintf(out, "Usage: failoverctl [--version] [--help]\n"
		     "Control client for failoverd(8).\n"
		     "\n"
		     "  -v, --version   print the version and exit\n"
		     "  -h, --help      print this help and exit\n"
		     "\n"
		     "The commands status, stats, reload, maintenance, metrics and verify need the\n"
		     "control socket, which is not in this release. See failoverctl(8).\n");
}

int main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-v"))) {
		printf("failoverctl %s\n", FAILOVERD_VERSION);
		return 0;
	}
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2 && argv[1][0] != '-') {
		fprintf(stderr, "failoverctl: '%s' is not available in this release "
				"(no control socket yet)\n", argv[1]);
		return 2;
	}
	usage(stderr);
	return 1;
}
