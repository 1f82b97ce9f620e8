/*
 * sd_notify.h - systemd's readiness protocol, written out (about a screen
 * of code) instead of linking libsystemd: one datagram to $NOTIFY_SOCKET.
 * Without NOTIFY_SOCKET every call is a no-op returning 0.
 */
#ifndef FAILOVERD_SD_NOTIFY_H
#define FAILOVERD_SD_NOTIFY_H

#include <stdint.h>

/* Sends text ("READY=1", "RELOADING=1\nMONOTONIC_USEC=...", "STOPPING=1",
 * "WATCHDOG=1", "STATUS=..."). 0, or -errno. */
int sd_notify_send(const char *text);

/* The watchdog interval systemd asks for (WATCHDOG_USEC, honouring
 * WATCHDOG_PID), in microseconds; 0 when none. */
int64_t sd_notify_watchdog_usec(void);

#endif
