/*
 * options.h - failover-probe's command line, parsed and validated.
 *
 * Parsing never prints: it fills an error message and the caller decides
 * (prints it and exits 1), which keeps every rule testable from a script.
 */
#ifndef FAILOVER_PROBE_OPTIONS_H
#define FAILOVER_PROBE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum probe_mode {
	PROBE_MODE_TCP,
	PROBE_MODE_TLS,
	PROBE_MODE_UDP,
};

struct probe_options {
	const char *target; /* HOST:PORT as given */
	char host[256];	    /* without brackets */
	char port[6];
	enum probe_mode mode;
	unsigned int interval_ms;
	unsigned int timeout_ms;
	int64_t duration_us; /* 0: no --duration */
	uint64_t count;	     /* 0: no --count */
	const char *expect;  /* NULL: no banner/reply check */
	char *payload;	     /* udp: --send with escapes decoded (owned) */
	size_t payload_length;
	const char *sni;
	bool verify;
	const char *ca_file;
	bool json;
	bool quiet;
	const char *output;
	int64_t fail_on_gap_us; /* <0: no --fail-on-gap */
};

enum probe_options_result {
	PROBE_OPTIONS_RUN,     /* options valid: probe */
	PROBE_OPTIONS_HELP,    /* --help: print help, exit 0 */
	PROBE_OPTIONS_VERSION, /* --version: print version, exit 0 */
	PROBE_OPTIONS_ERROR,   /* message in error: exit 1 */
};

enum probe_options_result probe_options_parse(int argc, char **argv, struct probe_options *out,
					      char *error, size_t error_size);
void probe_options_free(struct probe_options *options);

const char *probe_mode_name(enum probe_mode mode);

void probe_options_print_help(FILE *out);

#endif
