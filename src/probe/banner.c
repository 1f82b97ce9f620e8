/*
 * banner.c - prefix match of a greeting against --expect.
 *
 * The decision is taken as soon as it is known: a server that writes "220"
 * and then waits without a line end still passes --expect 220 at once, and a
 * server whose first byte differs fails without waiting for the timeout.
 */
#include "banner.h"

#include <errno.h>
#include <string.h>

int banner_check(const char *expect, const char *data, size_t length, bool eof)
{
	size_t wanted = strlen(expect);
	size_t compared = length < wanted ? length : wanted;

	if (memcmp(data, expect, compared) != 0)
		return 0;
	if (length >= wanted)
		return 1;
	return eof ? 0 : -EAGAIN;
}
