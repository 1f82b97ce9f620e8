/*
 * test_sd_notify.c - sd_notify_send puts exactly the given bytes in one
 * datagram on the socket named by $NOTIFY_SOCKET (path or '@' abstract
 * name), does nothing without it, and sd_notify_watchdog_usec reads
 * $WATCHDOG_USEC / $WATCHDOG_PID strictly.
 *
 * Each test plays systemd: it binds its own datagram socket (in a fresh
 * temporary directory, or under a unique abstract name), points
 * NOTIFY_SOCKET at it and reads back what arrived. AF_UNIX datagrams are
 * queued by the time sendto() returns, so the receiver reads without
 * blocking and "nothing arrived" is a plain EAGAIN, never a timeout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "failoverd/sd_notify.h"

struct fixture {
	char dir[64];
	char path[128];
	int fd;
};

static void environment_clear(void)
{
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
}

/* A datagram socket that asks for the sender's credentials, as systemd does. */
static int receiver_open(void)
{
	int one = 1;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)), 0);
	return fd;
}

static int setup_path_socket(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sockaddr_un addr = {.sun_family = AF_UNIX};

	assert_non_null(f);
	environment_clear();
	strcpy(f->dir, "/tmp/test_sd_notify.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/notify", f->dir);
	f->fd = receiver_open();
	strcpy(addr.sun_path, f->path);
	assert_int_equal(bind(f->fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	*state = f;
	return 0;
}

static int teardown_path_socket(void **state)
{
	struct fixture *f = *state;

	environment_clear();
	close(f->fd);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Binds an abstract socket; f->path holds its name in NOTIFY_SOCKET form ("@..."). */
static int setup_abstract_socket(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	size_t len;

	assert_non_null(f);
	environment_clear();
	snprintf(f->path, sizeof(f->path), "@failoverd/test_sd_notify/%ld/%p", (long)getpid(),
		 (void *)f);
	len = strlen(f->path);
	memcpy(addr.sun_path, f->path, len);
	addr.sun_path[0] = '\0';
	f->fd = receiver_open();
	assert_int_equal(bind(f->fd, (struct sockaddr *)&addr,
			      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)),
			 0);
	*state = f;
	return 0;
}

static int teardown_abstract_socket(void **state)
{
	struct fixture *f = *state;

	environment_clear();
	close(f->fd);
	free(f);
	return 0;
}

static int setup_environment(void **state)
{
	environment_clear();
	return 0;
}

static int teardown_environment(void **state)
{
	environment_clear();
	return 0;
}

/* Receives one datagram into buf (NUL-terminated); returns its length, or -errno. */
static ssize_t receiver_read(int fd, char *buf, size_t size, pid_t *sender_pid)
{
	char control[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = {.iov_base = buf, .iov_len = size - 1};
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control,
		.msg_controllen = sizeof(control),
	};
	struct cmsghdr *cmsg;
	ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);

	if (n < 0)
		return -errno;
	assert_false(msg.msg_flags & MSG_TRUNC);
	buf[n] = '\0';
	*sender_pid = 0;
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_CREDENTIALS) {
			struct ucred cred;

			memcpy(&cred, CMSG_DATA(cmsg), sizeof(cred));
			*sender_pid = cred.pid;
		}
	}
	return n;
}

static void assert_received(int fd, const char *expected)
{
	char buf[4096];
	pid_t sender = 0;
	ssize_t n = receiver_read(fd, buf, sizeof(buf), &sender);

	assert_int_equal(n, (ssize_t)strlen(expected));
	assert_memory_equal(buf, expected, strlen(expected));
	/* NotifyAccess=main: systemd accepts only datagrams from the main pid. */
	assert_int_equal(sender, getpid());
}

static void assert_nothing_received(int fd)
{
	char buf[64];
	pid_t sender;

	assert_int_equal(receiver_read(fd, buf, sizeof(buf), &sender), -EAGAIN);
}

/* ---- sending -------------------------------------------------------------- */

static void test_path_socket_gets_exact_bytes(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(setenv("NOTIFY_SOCKET", f->path, 1), 0);
	assert_int_equal(sd_notify_send("READY=1"), 0);
	assert_received(f->fd, "READY=1");
	assert_nothing_received(f->fd);
}

static void test_each_call_is_one_datagram(void **state)
{
	struct fixture *f = *state;
	const char *reload = "RELOADING=1\nMONOTONIC_USEC=123456789";

	assert_int_equal(setenv("NOTIFY_SOCKET", f->path, 1), 0);
	assert_int_equal(sd_notify_send(reload), 0);
	assert_int_equal(sd_notify_send("READY=1\nSTATUS=2 instances, 1 MASTER"), 0);
	assert_int_equal(sd_notify_send("STOPPING=1"), 0);
	assert_received(f->fd, reload);
	assert_received(f->fd, "READY=1\nSTATUS=2 instances, 1 MASTER");
	assert_received(f->fd, "STOPPING=1");
	assert_nothing_received(f->fd);
}

static void test_abstract_socket(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(setenv("NOTIFY_SOCKET", f->path, 1), 0);
	assert_int_equal(sd_notify_send("WATCHDOG=1"), 0);
	assert_received(f->fd, "WATCHDOG=1");
	assert_nothing_received(f->fd);
}

/* The abstract name is exactly the bytes after '@': no trailing NUL or padding. */
static void test_abstract_name_is_not_padded(void **state)
{
	struct fixture *f = *state;
	char longer[160];

	snprintf(longer, sizeof(longer), "%s-other", f->path);
	assert_int_equal(setenv("NOTIFY_SOCKET", longer, 1), 0);
	assert_int_equal(sd_notify_send("READY=1"), -ECONNREFUSED);
	/* A prefix of the bound name is a different address too. */
	longer[strlen(f->path) - 1] = '\0';
	assert_int_equal(setenv("NOTIFY_SOCKET", longer, 1), 0);
	assert_int_equal(sd_notify_send("READY=1"), -ECONNREFUSED);
	assert_nothing_received(f->fd);
}

static void test_unset_is_a_no_op(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sd_notify_send("READY=1"), 0);
	assert_int_equal(setenv("NOTIFY_SOCKET", "", 1), 0);
	assert_int_equal(sd_notify_send("READY=1"), 0);
	assert_nothing_received(f->fd);
}

static void test_missing_socket_is_an_error(void **state)
{
	struct fixture *f = *state;
	char missing[160];

	snprintf(missing, sizeof(missing), "%s/absent", f->dir);
	assert_int_equal(setenv("NOTIFY_SOCKET", missing, 1), 0);
	assert_int_equal(sd_notify_send("READY=1"), -ENOENT);
	assert_nothing_received(f->fd);
}

static void test_invalid_addresses_are_refused(void **state)
{
	char too_long[sizeof(((struct sockaddr_un *)0)->sun_path) + 2];

	assert_int_equal(setenv("NOTIFY_SOCKET", "relative/notify", 1), 0);
	assert_int_equal(sd_notify_send("READY=1"), -EINVAL);
	assert_int_equal(setenv("NOTIFY_SOCKET", "@", 1), 0);
	assert_int_equal(sd_notify_send("READY=1"), -EINVAL);
	memset(too_long, 'x', sizeof(too_long) - 1);
	too_long[0] = '/';
	too_long[sizeof(too_long) - 1] = '\0';
	assert_int_equal(setenv("NOTIFY_SOCKET", too_long, 1), 0);
	assert_int_equal(sd_notify_send("READY=1"), -ENAMETOOLONG);
}

/* ---- watchdog ------------------------------------------------------------- */

static void setenv_pid(const char *name, long long pid)
{
	char text[32];

	snprintf(text, sizeof(text), "%lld", pid);
	assert_int_equal(setenv(name, text, 1), 0);
}

static void test_watchdog_unset_is_zero(void **state)
{
	assert_int_equal(sd_notify_watchdog_usec(), 0);
	setenv_pid("WATCHDOG_PID", getpid());
	assert_int_equal(sd_notify_watchdog_usec(), 0);
}

static void test_watchdog_usec_without_pid(void **state)
{
	assert_int_equal(setenv("WATCHDOG_USEC", "10000000", 1), 0);
	assert_int_equal(sd_notify_watchdog_usec(), 10000000);
	assert_int_equal(setenv("WATCHDOG_USEC", "1", 1), 0);
	assert_int_equal(sd_notify_watchdog_usec(), 1);
	assert_int_equal(setenv("WATCHDOG_USEC", "9223372036854775807", 1), 0);
	assert_int_equal(sd_notify_watchdog_usec(), INT64_MAX);
}

static void test_watchdog_pid_must_be_ours(void **state)
{
	assert_int_equal(setenv("WATCHDOG_USEC", "4000000", 1), 0);
	setenv_pid("WATCHDOG_PID", getpid());
	assert_int_equal(sd_notify_watchdog_usec(), 4000000);
	/* Meant for another process (e.g. the parent of a forked child). */
	setenv_pid("WATCHDOG_PID", (long long)getpid() + 1);
	assert_int_equal(sd_notify_watchdog_usec(), 0);
	setenv_pid("WATCHDOG_PID", getppid());
	assert_int_equal(sd_notify_watchdog_usec(), 0);
}

static void test_watchdog_garbage_is_zero(void **state)
{
	static const char *const bad[] = {
	    "",	    "abc",   "10x",   "-5",	"+5", " 5",	"5 ",
	    "0",    "0x10",  "1e6",   "1.5", "9223372036854775808",
	    "99999999999999999999999",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(setenv("WATCHDOG_USEC", bad[i], 1), 0);
		if (sd_notify_watchdog_usec() != 0)
			fail_msg("WATCHDOG_USEC=\"%s\" accepted", bad[i]);
	}
}

static void test_watchdog_garbage_pid_is_zero(void **state)
{
	static const char *const bad[] = {"", "abc", "-1", "0", "12x", " 1"};
	char ours_with_suffix[32];
	size_t i;

	assert_int_equal(setenv("WATCHDOG_USEC", "2000000", 1), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(setenv("WATCHDOG_PID", bad[i], 1), 0);
		if (sd_notify_watchdog_usec() != 0)
			fail_msg("WATCHDOG_PID=\"%s\" accepted", bad[i]);
	}
	snprintf(ours_with_suffix, sizeof(ours_with_suffix), "%ldx", (long)getpid());
	assert_int_equal(setenv("WATCHDOG_PID", ours_with_suffix, 1), 0);
	assert_int_equal(sd_notify_watchdog_usec(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_path_socket_gets_exact_bytes, setup_path_socket,
					    teardown_path_socket),
	    cmocka_unit_test_setup_teardown(test_each_call_is_one_datagram, setup_path_socket,
					    teardown_path_socket),
	    cmocka_unit_test_setup_teardown(test_abstract_socket, setup_abstract_socket,
					    teardown_abstract_socket),
	    cmocka_unit_test_setup_teardown(test_abstract_name_is_not_padded,
					    setup_abstract_socket, teardown_abstract_socket),
	    cmocka_unit_test_setup_teardown(test_unset_is_a_no_op, setup_path_socket,
					    teardown_path_socket),
	    cmocka_unit_test_setup_teardown(test_missing_socket_is_an_error, setup_path_socket,
					    teardown_path_socket),
	    cmocka_unit_test_setup_teardown(test_invalid_addresses_are_refused,
					    setup_environment, teardown_environment),
	    cmocka_unit_test_setup_teardown(test_watchdog_unset_is_zero, setup_environment,
					    teardown_environment),
	    cmocka_unit_test_setup_teardown(test_watchdog_usec_without_pid, setup_environment,
					    teardown_environment),
	    cmocka_unit_test_setup_teardown(test_watchdog_pid_must_be_ours, setup_environment,
					    teardown_environment),
	    cmocka_unit_test_setup_teardown(test_watchdog_garbage_is_zero, setup_environment,
					    teardown_environment),
	    cmocka_unit_test_setup_teardown(test_watchdog_garbage_pid_is_zero, setup_environment,
					    teardown_environment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
