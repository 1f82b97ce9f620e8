/*
 * ratelimit.h - "log the first, then at most one per interval" with a count
 * of what was held back, for receive errors and other floods an attacker or
 * a misconfigured peer can trigger. Counters elsewhere are kept in full;
 * this only limits the lines written.
 */
#ifndef FAILOVERD_RATELIMIT_H
#define FAILOVERD_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct ratelimit {
	int64_t last_us;     /* when a line was last allowed; 0 = never */
	uint64_t suppressed; /* held back since then */
};

/* True if a line may be written now; then *suppressed_out (if not NULL)
 * gets how many were held back since the last one and the count resets. */
bool ratelimit_allow(struct ratelimit *rl, int64_t now_us, int64_t interval_us,
		     uint64_t *suppressed_out);

#endif
