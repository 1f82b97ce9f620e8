/*
 * options.c - parses and validates failover-probe's command line.
 *
 * Everything is checked before the first probe runs: a lab script that
 * passes a wrong option gets exit status 1 and one message, never a run
 * that measures something else than it asked for.
 */
#include "options.h"

#include "banner.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define PROBE_MS_MAX 3600000u /* one hour, for --interval and --timeout */
#define PROBE_DEFAULT_INTERVAL_MS 100u
#define PROBE_DEFAULT_PAYLOAD "ping\\n"

enum probe_option_key {
	OPT_TARGET = 256,
	OPT_MODE,
	OPT_INTERVAL,
	OPT_TIMEOUT,
	OPT_DURATION,
	OPT_COUNT,
	OPT_EXPECT,
	OPT_SEND,
	OPT_SNI,
	OPT_VERIFY,
	OPT_CA,
	OPT_JSON,
	OPT_OUTPUT,
	OPT_QUIET,
	OPT_FAIL_ON_GAP,
	OPT_VERSION,
	OPT_HELP = 'h',
};

static const struct option probe_long_options[] = {
    {"target", required_argument, NULL, OPT_TARGET},
    {"mode", required_argument, NULL, OPT_MODE},
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"count", required_argument, NULL, OPT_COUNT},
    {"expect", required_argument, NULL, OPT_EXPECT},
    {"send", required_argument, NULL, OPT_SEND},
    {"sni", required_argument, NULL, OPT_SNI},
    {"verify", no_argument, NULL, OPT_VERIFY},
    {"ca", required_argument, NULL, OPT_CA},
    {"json", no_argument, NULL, OPT_JSON},
    {"output", required_argument, NULL, OPT_OUTPUT},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"fail-on-gap", required_argument, NULL, OPT_FAIL_ON_GAP},
    {"version", no_argument, NULL, OPT_VERSION},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

struct probe_parse {
	struct probe_options *options;
	char *error;
	size_t error_size;
	const char *send_text;
	bool timeout_given;
};

__attribute__((format(printf, 2, 3))) static int probe_parse_fail(struct probe_parse *parse,
								  const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	vsnprintf(parse->error, parse->error_size, format, ap);
	va_end(ap);
	return -EINVAL;
}

const char *probe_mode_name(enum probe_mode mode)
{
	switch (mode) {
	case PROBE_MODE_TCP:
		return "tcp";
	case PROBE_MODE_TLS:
		return "tls";
	case PROBE_MODE_UDP:
		return "udp";
	}
	return "?";
}

static int probe_parse_mode(const char *text, enum probe_mode *out)
{
	static const enum probe_mode modes[] = {PROBE_MODE_TCP, PROBE_MODE_TLS, PROBE_MODE_UDP};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(text, probe_mode_name(modes[i])) == 0) {
			*out = modes[i];
			return 0;
		}
	}
	return -EINVAL;
}

/* Whole decimal number in [min, max], nothing else around it. */
static int probe_parse_unsigned(const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long value;
	char *end;

	if (*text < '0' || *text > '9')
		return -EINVAL;
	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno || *end || value < min || value > max)
		return -EINVAL;
	*out = value;
	return 0;
}

/* Non-negative decimal number of units ("1.5") converted to microseconds. */
static int probe_parse_decimal_us(const char *text, double unit_us, int64_t *out)
{
	const char *dot = strchr(text, '.');
	double value;
	char *end;

	/* Plain "12" or "12.5": no sign, exponent or hex that strtod would take. */
	if (!*text || strspn(text, "0123456789.") != strlen(text) || (dot && strchr(dot + 1, '.')))
		return -EINVAL;
	errno = 0;
	value = strtod(text, &end);
	if (errno || *end || !isfinite(value) || value * unit_us > 1e15)
		return -EINVAL;
	*out = (int64_t)(value * unit_us + 0.5);
	return 0;
}

/* "192.0.2.1:80", "name:80" or "[2001:db8::1]:80". */
static int probe_parse_target(struct probe_parse *parse, const char *text)
{
	struct probe_options *o = parse->options;
	const char *host = text, *colon;
	size_t host_length;
	uint64_t port;

	if (*text == '[') {
		const char *close = strchr(text, ']');

		if (!close || close[1] != ':')
			return probe_parse_fail(parse, "--target %s: expected [IPV6]:PORT", text);
		host = text + 1;
		host_length = (size_t)(close - host);
		colon = close + 1;
	} else {
		colon = strrchr(text, ':');
		if (!colon)
			return probe_parse_fail(parse, "--target %s: expected HOST:PORT", text);
		if (memchr(text, ':', (size_t)(colon - text)))
			return probe_parse_fail(
			    parse, "--target %s: write an IPv6 address in brackets: [ADDR]:PORT",
			    text);
		host_length = (size_t)(colon - text);
	}
	if (host_length == 0 || host_length >= sizeof(o->host))
		return probe_parse_fail(parse, "--target %s: missing or too long host", text);
	if (probe_parse_unsigned(colon + 1, 1, 65535, &port))
		return probe_parse_fail(parse, "--target %s: port must be 1..65535", text);
	memcpy(o->host, host, host_length);
	o->host[host_length] = '\0';
	snprintf(o->port, sizeof(o->port), "%u", (unsigned int)port);
	o->target = text;
	return 0;
}

static int probe_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes \n \r \t \\ \xHH; any other backslash sequence is an error. */
static int probe_decode_escapes(const char *text, char *out, size_t *length)
{
	size_t n = 0;

	for (const char *p = text; *p; p++) {
		int high, low;

		if (*p != '\\') {
			out[n++] = *p;
			continue;
		}
		switch (*++p) {
		case 'n':
			out[n++] = '\n';
			break;
		case 'r':
			out[n++] = '\r';
			break;
		case 't':
			out[n++] = '\t';
			break;
		case '\\':
			out[n++] = '\\';
			break;
		case 'x':
			high = probe_hex_digit(p[1]);
			low = high < 0 ? -1 : probe_hex_digit(p[2]);
			if (low < 0)
				return -EINVAL;
			out[n++] = (char)(high * 16 + low);
			p += 2;
			break;
		default:
			return -EINVAL;
		}
	}
	*length = n;
	return 0;
}

static int probe_parse_payload(struct probe_parse *parse)
{
	struct probe_options *o = parse->options;
	const char *text = parse->send_text ? parse->send_text : PROBE_DEFAULT_PAYLOAD;

	o->payload = malloc(strlen(text) + 1);
	if (!o->payload)
		return probe_parse_fail(parse, "out of memory");
	if (probe_decode_escapes(text, o->payload, &o->payload_length))
		return probe_parse_fail(parse, "--send %s: bad escape (use \\n \\r \\t \\\\ \\xHH)",
					text);
	if (o->payload_length == 0)
		return probe_parse_fail(parse, "--send: empty payload");
	return 0;
}

static int probe_parse_number_option(struct probe_parse *parse, int key, const char *arg)
{
	struct probe_options *o = parse->options;
	uint64_t value;

	switch (key) {
	case OPT_INTERVAL:
	case OPT_TIMEOUT:
		if (probe_parse_unsigned(arg, 1, PROBE_MS_MAX, &value))
			return probe_parse_fail(parse, "--%s %s: expected milliseconds 1..%u",
						key == OPT_INTERVAL ? "interval" : "timeout", arg,
						PROBE_MS_MAX);
		if (key == OPT_INTERVAL)
			o->interval_ms = (unsigned int)value;
		else
			o->timeout_ms = (unsigned int)value;
		parse->timeout_given |= key == OPT_TIMEOUT;
		return 0;
	case OPT_DURATION:
		if (probe_parse_decimal_us(arg, 1e6, &o->duration_us) || o->duration_us <= 0)
			return probe_parse_fail(parse, "--duration %s: expected seconds > 0", arg);
		return 0;
	case OPT_COUNT:
		if (probe_parse_unsigned(arg, 1, UINT64_MAX, &o->count))
			return probe_parse_fail(parse, "--count %s: expected a number >= 1", arg);
		return 0;
	case OPT_FAIL_ON_GAP:
		if (probe_parse_decimal_us(arg, 1e3, &o->fail_on_gap_us))
			return probe_parse_fail(
			    parse, "--fail-on-gap %s: expected milliseconds >= 0", arg);
		return 0;
	}
	return probe_parse_fail(parse, "internal error: option %d", key);
}

static int probe_parse_option(struct probe_parse *parse, int key, const char *arg)
{
	struct probe_options *o = parse->options;

	switch (key) {
	case OPT_TARGET:
		return probe_parse_target(parse, arg);
	case OPT_MODE:
		if (probe_parse_mode(arg, &o->mode))
			return probe_parse_fail(parse, "--mode %s: expected tcp, tls or udp", arg);
		return 0;
	case OPT_EXPECT:
		if (!*arg || strlen(arg) > BANNER_EXPECT_MAX)
			return probe_parse_fail(parse, "--expect: expected 1..%d characters",
						BANNER_EXPECT_MAX);
		o->expect = arg;
		return 0;
	case OPT_SEND:
		parse->send_text = arg;
		return 0;
	case OPT_SNI:
		o->sni = arg;
		return 0;
	case OPT_VERIFY:
		o->verify = true;
		return 0;
	case OPT_CA:
		o->ca_file = arg;
		o->verify = true;
		return 0;
	case OPT_JSON:
		o->json = true;
		return 0;
	case OPT_OUTPUT:
		o->output = arg;
		return 0;
	case OPT_QUIET:
		o->quiet = true;
		return 0;
	default:
		return probe_parse_number_option(parse, key, arg);
	}
}

/* Rules that involve more than one option. */
static int probe_parse_check(struct probe_parse *parse, bool ca_or_sni_or_verify)
{
	struct probe_options *o = parse->options;

	if (!o->target)
		return probe_parse_fail(parse, "--target HOST:PORT is required");
	if (o->duration_us && o->count)
		return probe_parse_fail(parse, "--duration and --count exclude each other");
	if (ca_or_sni_or_verify && o->mode != PROBE_MODE_TLS)
		return probe_parse_fail(parse, "--sni, --verify and --ca need --mode tls");
	if (parse->send_text && o->mode != PROBE_MODE_UDP)
		return probe_parse_fail(parse, "--send needs --mode udp");
	if (!parse->timeout_given)
		o->timeout_ms = o->interval_ms;
	if (o->mode == PROBE_MODE_UDP)
		return probe_parse_payload(parse);
	return 0;
}

static void probe_options_defaults(struct probe_options *o)
{
	memset(o, 0, sizeof(*o));
	o->mode = PROBE_MODE_TCP;
	o->interval_ms = PROBE_DEFAULT_INTERVAL_MS;
	o->fail_on_gap_us = -1;
}

static int probe_parse_getopt_error(struct probe_parse *parse, int key, char **argv)
{
	const char *arg = argv[optind - 1];

	if (key == ':')
		return probe_parse_fail(parse, "%s needs an argument", arg);
	return probe_parse_fail(parse, "unknown option %s", arg);
}

enum probe_options_result probe_options_parse(int argc, char **argv, struct probe_options *out,
					      char *error, size_t error_size)
{
	struct probe_parse parse = {.options = out, .error = error, .error_size = error_size};
	bool tls_only = false;
	int key;

	probe_options_defaults(out);
	error[0] = '\0';
	opterr = 0;
	optind = 1;
	while ((key = getopt_long(argc, argv, ":h", probe_long_options, NULL)) != -1) {
		if (key == OPT_HELP)
			return PROBE_OPTIONS_HELP;
		if (key == OPT_VERSION)
			return PROBE_OPTIONS_VERSION;
		if (key == '?' || key == ':') {
			probe_parse_getopt_error(&parse, key, argv);
			return PROBE_OPTIONS_ERROR;
		}
		tls_only |= key == OPT_SNI || key == OPT_VERIFY || key == OPT_CA;
		if (probe_parse_option(&parse, key, optarg))
			return PROBE_OPTIONS_ERROR;
	}
	if (optind < argc) {
		probe_parse_fail(&parse, "unexpected argument %s", argv[optind]);
		return PROBE_OPTIONS_ERROR;
	}
	if (probe_parse_check(&parse, tls_only))
		return PROBE_OPTIONS_ERROR;
	return PROBE_OPTIONS_RUN;
}

void probe_options_free(struct probe_options *options)
{
	free(options->payload);
	options->payload = NULL;
}
