/*
 * probe.c - the probe target (resolved once at start) and the dispatch to
 * the probe kinds.
 *
 * Name resolution happens here and only here, before the first probe: a
 * resolver stall during a failover would otherwise be measured as an
 * outage of the service.
 */
#include "probe.h"

#include "probe_io.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

static const char *const probe_status_names[] = {
    [PROBE_OK] = "ok",
    [PROBE_TIMEOUT] = "timeout",
    [PROBE_REFUSED] = "refused",
    [PROBE_UNREACHABLE] = "unreachable",
    [PROBE_RESET] = "reset",
    [PROBE_CLOSED] = "closed",
    [PROBE_MISMATCH] = "mismatch",
    [PROBE_TLS] = "tls",
    [PROBE_CERTIFICATE] = "certificate",
    [PROBE_ERROR] = "error",
    [PROBE_INTERRUPTED] = "interrupted",
};

const char *probe_status_name(int status)
{
	if (status < 0 ||
	    (size_t)status >= sizeof(probe_status_names) / sizeof(*probe_status_names))
		return "unknown";
	return probe_status_names[status];
}

/* Fills target->address; *numeric says whether host was an address. */
static int probe_target_resolve(struct probe_target *target, const struct probe_options *options,
				bool *numeric, char *error, size_t error_size)
{
	struct addrinfo hints = {
	    .ai_socktype = options->mode == PROBE_MODE_UDP ? SOCK_DGRAM : SOCK_STREAM,
	    .ai_flags = AI_NUMERICSERV | AI_NUMERICHOST,
	};
	struct addrinfo *result = NULL;
	int err;

	err = getaddrinfo(options->host, options->port, &hints, &result);
	*numeric = err == 0;
	if (err == EAI_NONAME) {
		hints.ai_flags = AI_NUMERICSERV;
		err = getaddrinfo(options->host, options->port, &hints, &result);
	}
	if (err) {
		snprintf(error, error_size, "--target %s: %s", options->target, gai_strerror(err));
		return -ENOENT;
	}
	memcpy(&target->address, result->ai_addr, result->ai_addrlen);
	target->address_length = result->ai_addrlen;
	freeaddrinfo(result);
	return 0;
}

static void probe_target_names(struct probe_target *target, const struct probe_options *options,
			       bool numeric)
{
	target->sni = options->sni ? options->sni : (numeric ? NULL : options->host);
	if (!options->verify)
		return;
	if (target->sni)
		target->verify_host = target->sni;
	else
		target->verify_address = options->host;
}

int probe_target_init(struct probe_target *target, const struct probe_options *options,
		      const sigset_t *wait_mask, volatile sig_atomic_t *stop, char *error,
		      size_t error_size)
{
	bool numeric;
	int err;

	memset(target, 0, sizeof(*target));
	target->mode = options->mode;
	target->expect = options->expect;
	target->payload = options->payload;
	target->payload_length = options->payload_length;
	target->wait_mask = *wait_mask;
	target->stop = stop;
	err = probe_target_resolve(target, options, &numeric, error, error_size);
	if (err)
		return err;
	if (options->mode != PROBE_MODE_TLS)
		return 0;
	probe_target_names(target, options, numeric);
	return probe_tls_context_create(options, &target->tls, error, error_size);
}

void probe_target_free(struct probe_target *target)
{
	SSL_CTX_free(target->tls);
	target->tls = NULL;
}

enum probe_status probe_run(const struct probe_target *target, int64_t deadline_us)
{
	switch (target->mode) {
	case PROBE_MODE_TCP:
		return probe_tcp_run(target, deadline_us);
	case PROBE_MODE_TLS:
		return probe_tls_run(target, deadline_us);
	case PROBE_MODE_UDP:
		return probe_udp_run(target, deadline_us);
	}
	return PROBE_ERROR;
}

int probe_sleep_until(const struct probe_target *target, int64_t deadline_us)
{
	int ready = probe_wait(target, -1, 0, deadline_us);

	return ready == -EINTR ? -EINTR : 0;
}
