/*
 * banner.h - decides whether a service's greeting starts with --expect.
 *
 * Pure, so the TCP, TLS and UDP probes share one definition of "the banner
 * matches" and the unit test can feed it partial reads.
 */
#ifndef FAILOVER_PROBE_BANNER_H
#define FAILOVER_PROBE_BANNER_H

#include <stdbool.h>
#include <stddef.h>

/* Longest --expect text accepted; the probes read at most this much. */
#define BANNER_EXPECT_MAX 256

/*
 * data holds the first length bytes the service sent; eof says no more will
 * come (connection closed, or a whole datagram). Returns 1 when data starts
 * with expect, 0 when it cannot (a byte differs, or eof came first), and
 * -EAGAIN when more bytes are needed to decide.
 */
int banner_check(const char *expect, const char *data, size_t length, bool eof);

#endif
