/*
 * ctl_main.c - failoverctl's command line: options, help, and the dispatch
 * to one command (ctl_commands.c).
 *
 *   failoverctl [--socket PATH] [--json] COMMAND [ARGUMENTS]
 *
 * Options may stand before or after the command ("--" ends them). The socket
 * is --socket, else $FAILOVERD_SOCKET, else /run/failoverd.sock. verify
 * reads log files instead of the socket (ctl_verify.c); its --tolerance is
 * parsed here with the other options and refused for other commands. The exit
 * codes are control.h's enum control_exit; --help lists them, and must stay
 * in step with man/failoverctl.8.
 */
#include "ctl.h"
#include "ctl_verify.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "failoverd/control.h"

static void ctl_usage(FILE *out)
{
	fprintf(out, "Usage: failoverctl [--socket PATH] [--json] COMMAND [ARGUMENTS]\n"
		     "Query and steer a running failoverd(8) over its control socket.\n"
		     "\n"
		     "Commands:\n");
	for (size_t i = 0; ctl_command_at(i); i++) {
		const struct ctl_command *command = ctl_command_at(i);
		char head[64];

		snprintf(head, sizeof(head), "%s%s%s", command->name, *command->synopsis ? " " : "",
			 command->synopsis);
		if (strlen(head) > 14)
			fprintf(out, "  %s\n  %-14s  %s\n", head, "", command->summary);
		else
			fprintf(out, "  %-14s  %s\n", head, command->summary);
	}
	fprintf(out, "  %s %s\n  %-14s  %s\n", CTL_VERIFY_COMMAND, CTL_VERIFY_SYNOPSIS, "",
		CTL_VERIFY_SUMMARY);
	fprintf(out,
		"\n"
		"Options:\n"
		"  -s, --socket PATH  control socket (default: $" CTL_SOCKET_ENV
		", else " CTL_DEFAULT_SOCKET ")\n"
		"  -j, --json         print the daemon's reply object (pretty-printed JSON);\n"
		"                     verify: the report as one JSON object\n"
		"      --tolerance SECONDS\n"
		"                     verify: longest overlap of two MASTERs that is not a\n"
		"                     violation; the advert interval plus skew (default 1)\n"
		"  -h, --help         print this help and exit\n"
		"  -v, --version      print the version and exit\n"
		"\n"
		"root may use every command; members of the daemon's control_group may use\n"
		"status, stats and metrics. The whole exchange times out after %d s.\n"
		"\n"
		"Exit status:\n"
		"  %d  success\n"
		"  %d  usage error (unknown command or option, wrong arguments)\n"
		"  %d  failoverd cannot be reached: no socket, connection refused, no reply\n"
		"     within the timeout, or a reply that is not a JSON object\n"
		"  %d  permission denied: by the socket, or by failoverd for this command\n"
		"  %d  failoverd refused or failed the request (its error is on stderr)\n"
		"  %d  verify found a violation in the logs (a log that cannot be read is %d)\n"
		"\n"
		"See failoverctl(8).\n",
		CTL_TIMEOUT_MS / 1000, CONTROL_EXIT_OK, CONTROL_EXIT_USAGE,
		CONTROL_EXIT_UNREACHABLE, CONTROL_EXIT_DENIED, CONTROL_EXIT_FAILED,
		CONTROL_EXIT_VERIFY, CONTROL_EXIT_USAGE);
}

static int ctl_usage_error(const char *format, ...) __attribute__((format(printf, 1, 2)));

static int ctl_usage_error(const char *format, ...)
{
	va_list args;

	fputs("failoverctl: ", stderr);
	va_start(args, format);
	vfprintf(stderr, format, args);
	va_end(args);
	fputs("\nTry 'failoverctl --help'.\n", stderr);
	return CONTROL_EXIT_USAGE;
}

static const char *ctl_default_socket(void)
{
	const char *path = getenv(CTL_SOCKET_ENV);

	return path && *path ? path : CTL_DEFAULT_SOCKET;
}

/* Fills options and *tolerance; returns -1 to go on, or the exit code to stop with. */
static int ctl_parse_options(int argc, char **argv, struct ctl_options *options,
			     const char **tolerance)
{
	static const struct option long_options[] = {
	    {"socket", required_argument, NULL, 's'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'v'},
	    {"tolerance", required_argument, NULL, 'T'},
	    {NULL, 0, NULL, 0},
	};
	int option;

	static char program_name[] = "failoverctl";

	argv[0] = program_name; /* getopt_long's messages name the program */
	options->socket_path = ctl_default_socket();
	options->json = false;
	while ((option = getopt_long(argc, argv, "s:jhv", long_options, NULL)) != -1) {
		switch (option) {
		case 's':
			if (!*optarg)
				return ctl_usage_error("--socket needs a path");
			options->socket_path = optarg;
			break;
		case 'j':
			options->json = true;
			break;
		case 'T':
			*tolerance = optarg;
			break;
		case 'h':
			ctl_usage(stdout);
			return CONTROL_EXIT_OK;
		case 'v':
			printf("failoverctl %s\n", FAILOVERD_VERSION);
			return CONTROL_EXIT_OK;
		default: /* getopt_long has said what is wrong */
			fputs("Try 'failoverctl --help'.\n", stderr);
			return CONTROL_EXIT_USAGE;
		}
	}
	return -1;
}

static int ctl_dispatch(const struct ctl_options *options, const char *tolerance, int argc,
			char **argv)
{
	if (argc < 1)
		return ctl_usage_error("no command given");
	if (!strcmp(argv[0], CTL_VERIFY_COMMAND) && argc < 2) {
		fprintf(stderr, "failoverctl: verify: no log given\nUsage: failoverctl [OPTIONS] %s %s\n",
			CTL_VERIFY_COMMAND, CTL_VERIFY_SYNOPSIS);
		return CONTROL_EXIT_USAGE;
	}
	if (!strcmp(argv[0], CTL_VERIFY_COMMAND))
		return ctl_verify_run(options->json, tolerance, argc - 1, argv + 1);
	if (tolerance)
		return ctl_usage_error("--tolerance is an option of verify only");
	const struct ctl_command *command = ctl_command_find(argv[0]);
	if (!command)
		return ctl_usage_error("unknown command '%s'", argv[0]);
	int count = argc - 1;
	if (count < command->min_args || count > command->max_args) {
		fprintf(stderr, "failoverctl: %s: wrong number of arguments\n", command->name);
		fprintf(stderr, "Usage: failoverctl [OPTIONS] %s%s%s\n", command->name,
			*command->synopsis ? " " : "", command->synopsis);
		return CONTROL_EXIT_USAGE;
	}
	return command->run(options, count, argv + 1);
}

int main(int argc, char **argv)
{
	struct ctl_options options;
	const char *tolerance = NULL;
	int status = ctl_parse_options(argc, argv, &options, &tolerance);

	if (status >= 0)
		return status;
	status = ctl_dispatch(&options, tolerance, argc - optind, argv + optind);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("failoverctl: writing the output");
		if (status == CONTROL_EXIT_OK)
			status = CONTROL_EXIT_FAILED;
	}
	return status;
}
