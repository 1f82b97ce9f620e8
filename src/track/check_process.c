/*
 * check_process.c - the process check: is a daemon running?
 *
 * With pid_file: the pid written there must exist (kill(pid, 0) succeeds,
 * or fails with EPERM: it exists but is not ours to signal). With
 * process_name: some /proc/PID/comm must equal it (the kernel keeps 15
 * characters of a name, so longer names are compared on those). With both,
 * the pid from the file must also carry that name, which catches a stale
 * pid file whose number was reused by another program.
 *
 * This probe is synchronous: a few small reads from procfs (a scan of
 * /proc for a name), which never wait on the network or a disk and are
 * cheap at check intervals. It reports before check_probe_begin returns.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_internal.h"
#include "failoverd/log.h"

#define CHECK_COMM_LEN 15 /* TASK_COMM_LEN - 1 */

/* Reads a small file into buf (NUL-terminated); returns 0 or -errno. */
static int check_process_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	return 0;
}

static bool check_process_comm_is(pid_t pid, const char *name)
{
	char path[64], comm[32];

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if (check_process_read_file(path, comm, sizeof(comm)) < 0)
		return false;
	comm[strcspn(comm, "\n")] = '\0';
	return strncmp(comm, name, CHECK_COMM_LEN) == 0;
}

/* The first pid whose comm is name, or 0. */
static pid_t check_process_find_name(const char *name)
{
	DIR *dir = opendir("/proc");
	struct dirent *entry;
	pid_t found = 0;

	if (!dir)
		return 0;
	while (!found && (entry = readdir(dir))) {
		if (!isdigit((unsigned char)entry->d_name[0]))
			continue;
		pid_t pid = (pid_t)strtol(entry->d_name, NULL, 10);
		if (pid > 0 && check_process_comm_is(pid, name))
			found = pid;
	}
	closedir(dir);
	return found;
}

static void check_process_by_pid_file(struct check *c)
{
	const char *path = c->cfg.pid_file;
	char text[32], *end;
	long pid;
	int err = check_process_read_file(path, text, sizeof(text));

	if (err < 0) {
		check_probe_done(c, false, "pid file %s: %s", path, strerror(-err));
		return;
	}
	pid = strtol(text, &end, 10);
	if (end == text || pid <= 0 || pid > 0x3fffffff ||
	    (*end && !isspace((unsigned char)*end))) {
		check_probe_done(c, false, "pid file %s holds no pid", path);
		return;
	}
	if (kill((pid_t)pid, 0) < 0 && errno != EPERM) {
		check_probe_done(c, false, "pid %ld from %s is not running", pid, path);
		return;
	}
	if (c->cfg.process_name[0] && !check_process_comm_is((pid_t)pid, c->cfg.process_name)) {
		check_probe_done(c, false, "pid %ld from %s is not '%s'", pid, path,
				 c->cfg.process_name);
		return;
	}
	check_probe_done(c, true, "pid %ld from %s is running", pid, path);
}

static void check_process_start(struct check *c)
{
	pid_t pid;

	if (c->cfg.pid_file[0]) {
		check_process_by_pid_file(c);
		return;
	}
	pid = check_process_find_name(c->cfg.process_name);
	if (pid)
		check_probe_done(c, true, "'%s' is running (pid %d)", c->cfg.process_name,
				 (int)pid);
	else
		check_probe_done(c, false, "no process named '%s'", c->cfg.process_name);
}

static int check_process_init(struct check *c)
{
	if (!c->cfg.pid_file[0] && !c->cfg.process_name[0]) {
		log_error("check %s: a process check needs a pid file or a process name",
			  c->cfg.name);
		return -EINVAL;
	}
	return 0;
}

static void check_process_nothing(struct check *c)
{
}

const struct check_ops check_process_ops = {
    .init = check_process_init,
    .start = check_process_start,
    .release = check_process_nothing,
    .stop = check_process_nothing,
};
