/*
 * link_track_internal.h - what src/track/link_track.c and bond_proc.c share
 * beyond the public contract (include/failoverd/link_track.h), and the one
 * hook the unit tests need: pointing the /proc/net/bonding fallback at
 * recorded files, since the build machine has no bonding driver.
 */
#ifndef FAILOVERD_TRACK_LINK_TRACK_INTERNAL_H
#define FAILOVERD_TRACK_LINK_TRACK_INTERNAL_H

#include <stddef.h>

#include "failoverd/link_track.h"

#define BOND_PROC_DIR "/proc/net/bonding"

/* Reads DIR/BOND (the bonding driver's status text) and parses it with
 * bond_proc_parse: the member count, or -errno (-ENOENT without the file,
 * -EINVAL if it is not a bonding status text). */
int bond_proc_read(const char *dir, const char *bond, struct bond_member *members, size_t max);

/* Where the /proc fallback looks (default BOND_PROC_DIR); dir is copied. */
void link_trackers_set_bond_proc_dir(struct link_trackers *t, const char *dir);

#endif
