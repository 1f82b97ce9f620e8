/*
 * sd_notify.c - systemd's notification protocol without libsystemd.
 *
 * systemd hands a service with Type=notify the address of a datagram socket
 * in $NOTIFY_SOCKET: a file system path, or an abstract socket written with
 * a leading '@'. Each notification is one datagram of "KEY=value" lines.
 * That is all failoverd needs (READY, RELOADING, STOPPING, WATCHDOG,
 * STATUS), so it is written out here instead of adding a library.
 *
 * A fresh socket per message keeps the code stateless: notifications are
 * rare (start, reload, stop, and the watchdog at most a few times a second),
 * and nothing has to be reopened after a fork or closed at exit.
 *
 * $WATCHDOG_USEC is the interval systemd expects WATCHDOG=1 within. When
 * $WATCHDOG_PID is set too, the request is for that process only; a child
 * that inherited the environment must not think it is being watched.
 */
#include "failoverd/sd_notify.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Fills addr from a NOTIFY_SOCKET value; returns the address length or -errno. */
static int sd_notify_build_address(const char *path, struct sockaddr_un *addr)
{
	size_t len = strlen(path);

	/* Only absolute paths and abstract ('@') names are valid addresses. */
	if (len < 2 || (path[0] != '/' && path[0] != '@'))
		return -EINVAL;
	if (len > sizeof(addr->sun_path))
		return -ENAMETOOLONG;
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	memcpy(addr->sun_path, path, len);
	/* An abstract socket's name starts with a NUL byte, not a terminated string. */
	if (addr->sun_path[0] == '@')
		addr->sun_path[0] = '\0';
	return (int)(offsetof(struct sockaddr_un, sun_path) + len);
}

int sd_notify_send(const char *text)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un addr;
	int addr_len;
	ssize_t sent;
	size_t len;
	int fd;
	int err = 0;

	if (!path || !*path)
		return 0;
	if (!text)
		return -EINVAL;
	addr_len = sd_notify_build_address(path, &addr);
	if (addr_len < 0)
		return addr_len;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	len = strlen(text);
	sent = sendto(fd, text, len, MSG_NOSIGNAL, (const struct sockaddr *)&addr,
		      (socklen_t)addr_len);
	if (sent < 0)
		err = -errno;
	else if ((size_t)sent != len)
		err = -EMSGSIZE;
	close(fd);
	return err;
}

/* Parses a positive decimal integer with nothing around it; -1 when it is not one. */
static long long sd_notify_parse_positive(const char *s)
{
	unsigned long long value;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	value = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || value == 0 || value > INT64_MAX)
		return -1;
	return (long long)value;
}

int64_t sd_notify_watchdog_usec(void)
{
	const char *pid_text = getenv("WATCHDOG_PID");
	long long usec;
	long long pid;

	usec = sd_notify_parse_positive(getenv("WATCHDOG_USEC"));
	if (usec < 0)
		return 0;
	if (pid_text) {
		pid = sd_notify_parse_positive(pid_text);
		if (pid < 0 || pid != (long long)getpid())
			return 0;
	}
	return (int64_t)usec;
}
