/*
 * ratelimit.c - see ratelimit.h.
 */
#include "failoverd/ratelimit.h"

bool ratelimit_allow(struct ratelimit *rl, int64_t now_us, int64_t interval_us,
		     uint64_t *suppressed_out)
{
	if (rl->last_us != 0 && now_us - rl->last_us < interval_us) {
		rl->suppressed++;
		return false;
	}
	if (suppressed_out)
		*suppressed_out = rl->suppressed;
	rl->suppressed = 0;
	rl->last_us = now_us ? now_us : 1;
	return true;
}
