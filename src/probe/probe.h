/*
 * probe.h - one probe of a service: TCP connect, TLS handshake + banner, or
 * UDP request/reply, bounded by an absolute deadline.
 *
 * A probe is a plain function call that returns when it has an answer or
 * when the deadline passes, whichever comes first; all waiting happens in
 * ppoll() on a non-blocking socket, so the deadline is never overrun and
 * SIGINT/SIGTERM (blocked everywhere else) interrupt it at once. The caller
 * runs one probe at a time, which is what "one probe in flight" means.
 */
#ifndef FAILOVER_PROBE_PROBE_H
#define FAILOVER_PROBE_PROBE_H

#include "options.h"

#include <openssl/ssl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

enum probe_status {
	PROBE_OK = 0,
	PROBE_TIMEOUT,	   /* no answer before the deadline */
	PROBE_REFUSED,	   /* TCP RST to the SYN, or ICMP port unreachable */
	PROBE_UNREACHABLE, /* no route, host or network unreachable */
	PROBE_RESET,	   /* connection reset after it was established */
	PROBE_CLOSED,	   /* peer closed before the banner was complete */
	PROBE_MISMATCH,	   /* banner or reply does not start with --expect */
	PROBE_TLS,	   /* TLS handshake or record failure */
	PROBE_CERTIFICATE, /* --verify: certificate or name check failed */
	PROBE_ERROR,	   /* local failure (socket(), out of memory, ...) */
	PROBE_INTERRUPTED, /* SIGINT/SIGTERM: abandoned, not a result */
};

struct probe_target {
	struct sockaddr_storage address;
	socklen_t address_length;
	enum probe_mode mode;
	const char *expect;  /* NULL: no banner/reply check */
	const char *payload; /* udp */
	size_t payload_length;
	SSL_CTX *tls;		     /* tls mode only */
	const char *sni;	     /* NULL: send no server name */
	const char *verify_host;     /* --verify: name the certificate must carry */
	const char *verify_address;  /* --verify on an address: IP it must carry */
	sigset_t wait_mask;	     /* signal mask while waiting (SIGINT/SIGTERM open) */
	volatile sig_atomic_t *stop; /* set by the SIGINT/SIGTERM handler */
};

/*
 * Resolves the target (once) and prepares the TLS context. wait_mask is the
 * mask to use inside ppoll(); stop is the flag the signal handler sets.
 * Returns 0, or -errno with a message in error.
 */
int probe_target_init(struct probe_target *target, const struct probe_options *options,
		      const sigset_t *wait_mask, volatile sig_atomic_t *stop, char *error,
		      size_t error_size);
void probe_target_free(struct probe_target *target);

/* Runs one probe that must be finished by deadline_us (CLOCK_MONOTONIC). */
enum probe_status probe_run(const struct probe_target *target, int64_t deadline_us);

/*
 * Sleeps until deadline_us (CLOCK_MONOTONIC). Returns 0, or -EINTR as soon
 * as a stop was requested.
 */
int probe_sleep_until(const struct probe_target *target, int64_t deadline_us);

/* Short name used in reports: "timeout", "refused", ... */
const char *probe_status_name(int status);

#endif
