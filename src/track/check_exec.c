/*
 * check_exec.c - the exec check: run a program, exit status 0 = healthy.
 *
 * The child gets its own process group (setpgid in both parent and child,
 * so the group exists whichever runs first), the configured argv through
 * execve (no shell), a minimal environment (PATH only), stdin from
 * /dev/null, and stdout+stderr on one pipe that the loop reads without
 * blocking; the first CHECK_EXEC_OUTPUT_MAX bytes are kept so the detail can
 * say "exit status 2: <first line>". Nothing else leaks into the child:
 * every descriptor of the daemon is O_CLOEXEC, and the child also closes
 * every fd >= 3 before execve, and resets the signal mask and any ignored
 * signal (SIGPIPE is ignored in the daemon, and SIG_IGN survives execve).
 *
 * On timeout the whole process group is killed with SIGKILL, so a script's
 * own children ("sleep 30 &") die with it (one that moved itself to another
 * group or session escapes, as it asked to). The child is reaped by an
 * ev_child watcher, which is why exec checks need the default loop (libev
 * delivers child events only there); until it is reaped the next interval
 * is skipped, so there is never more than one child per check.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check_internal.h"
#include "failoverd/log.h"

#define CHECK_EXEC_REAP_WAIT_MS 200

static char *const check_exec_environment[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};

static void check_exec_reset_signals(void)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction old;

		if (sig == SIGKILL || sig == SIGSTOP || sigaction(sig, NULL, &old) < 0)
			continue;
		if (old.sa_handler == SIG_IGN)
			sigaction(sig, &dfl, NULL);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void check_exec_close_from(int first)
{
	if (close_range((unsigned int)first, ~0U, 0) == 0)
		return;
	/* Kernels before 5.9. */
	for (long fd = first, max = sysconf(_SC_OPEN_MAX); fd < max && fd < 65536; fd++)
		close((int)fd);
}

/* In the child, between fork and execve: only simple system calls. */
static void __attribute__((noreturn)) check_exec_child(char *const argv[], int output)
{
	int devnull, out;

	check_exec_reset_signals();
	setpgid(0, 0);
	devnull = open("/dev/null", O_RDONLY);
	out = fcntl(output, F_DUPFD, 3); /* never 1 or 2: dup2 onto itself keeps O_CLOEXEC */
	if (devnull < 0 || out < 0 || dup2(devnull, STDIN_FILENO) < 0 ||
	    dup2(out, STDOUT_FILENO) < 0 || dup2(out, STDERR_FILENO) < 0)
		_exit(127);
	check_exec_close_from(3);
	execve(argv[0], argv, check_exec_environment);
	dprintf(STDERR_FILENO, "execve %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Reads what the pipe holds now, keeping the beginning. */
static void check_exec_drain(struct check *c)
{
	struct check_exec *e = &c->exec;
	char buf[4096];

	while (e->out_fd >= 0) {
		ssize_t n = read(e->out_fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) { /* EOF: every writer is gone */
			ev_io_stop(c->loop, &e->out_io);
			close(e->out_fd);
			e->out_fd = -1;
			return;
		}
		size_t keep = CHECK_EXEC_OUTPUT_MAX - e->output_len;
		if (keep > (size_t)n)
			keep = (size_t)n;
		memcpy(e->output + e->output_len, buf, keep);
		e->output_len += keep;
		e->output[e->output_len] = '\0';
	}
}

static void check_exec_output_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	check_exec_drain(w->data);
}

static void check_exec_close_output(struct check *c)
{
	if (c->exec.out_fd < 0)
		return;
	ev_io_stop(c->loop, &c->exec.out_io);
	close(c->exec.out_fd);
	c->exec.out_fd = -1;
}

static void check_exec_report(struct check *c, int status)
{
	const char *text = c->exec.output;
	char line[160];

	/* Skip blank lines so "\nerror: ..." still says something. */
	while (*text == '\n' || *text == '\r')
		text++;
	check_text_first_line(text, strlen(text), line, sizeof(line));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		check_probe_done(c, true, "exit status 0");
	else if (WIFEXITED(status))
		check_probe_done(c, false, "exit status %d%s%s", WEXITSTATUS(status),
				 line[0] ? ": " : "", line);
	else if (WIFSIGNALED(status))
		check_probe_done(c, false, "killed by signal %d%s%s", WTERMSIG(status),
				 line[0] ? ": " : "", line);
	else
		check_probe_done(c, false, "wait status 0x%x", (unsigned int)status);
}

static void check_exec_child_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	struct check *c = w->data;

	ev_child_stop(loop, w);
	c->exec.pid = 0;
	if (!c->in_flight) { /* killed after a timeout: only reaping was left */
		check_exec_close_output(c);
		return;
	}
	/* What the child wrote before exiting is in the pipe already. */
	check_exec_drain(c);
	check_exec_report(c, w->rstatus);
}

static void check_exec_start(struct check *c)
{
	struct check_exec *e = &c->exec;
	int pipefd[2];
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		check_probe_done(c, false, "pipe: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		check_probe_done(c, false, "fork: %s", strerror(errno));
		return;
	}
	if (pid == 0)
		check_exec_child(c->cfg.command, pipefd[1]);
	close(pipefd[1]);
	setpgid(pid, pid); /* may fail once the child has exec'd: it did it itself */
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	e->pid = pid;
	e->output_len = 0;
	e->output[0] = '\0';
	e->out_fd = pipefd[0];
	ev_io_init(&e->out_io, check_exec_output_cb, e->out_fd, EV_READ);
	e->out_io.data = c;
	ev_io_start(c->loop, &e->out_io);
	/* Before the loop runs again, so the exit cannot be missed (DEPENDENCIES.md 3). */
	ev_child_init(&e->child, check_exec_child_cb, pid, 0);
	e->child.data = c;
	ev_child_start(c->loop, &e->child);
}

static void check_exec_kill_group(pid_t pid)
{
	if (kill(-pid, SIGKILL) < 0)
		kill(pid, SIGKILL);
}

/* The probe ended: a child still running timed out and dies now; its
 * ev_child watcher stays to reap it. */
static void check_exec_release(struct check *c)
{
	check_exec_close_output(c);
	if (c->exec.pid > 0)
		check_exec_kill_group(c->exec.pid);
}

/* check_stop: kill and reap now, so that the check can be freed. A child
 * killed with SIGKILL exits at once; the wait is bounded anyway, and a child
 * stuck in the kernel past it is reaped later by libev's SIGCHLD handler,
 * which collects every child of the process. */
static void check_exec_stop(struct check *c)
{
	pid_t pid = c->exec.pid;
	struct timespec ms = {0, 1000000};

	check_exec_release(c);
	if (pid <= 0)
		return;
	ev_child_stop(c->loop, &c->exec.child);
	c->exec.pid = 0;
	for (int i = 0; i < CHECK_EXEC_REAP_WAIT_MS; i++) {
		pid_t r = waitpid(pid, NULL, WNOHANG);

		if (r == pid || (r < 0 && errno != EINTR))
			return;
		nanosleep(&ms, NULL);
	}
	log_warning("check: child %d did not exit within %d ms of SIGKILL", (int)pid,
		    CHECK_EXEC_REAP_WAIT_MS);
}

static bool check_exec_busy(const struct check *c)
{
	return c->exec.pid > 0;
}

static int check_exec_init(struct check *c)
{
	if (!c->cfg.command || !c->cfg.command[0] || c->cfg.command[0][0] != '/') {
		log_error("check %s: exec needs a command with an absolute path", c->cfg.name);
		return -EINVAL;
	}
	if (!ev_is_default_loop(c->loop)) {
		log_error("check %s: exec checks need the default libev loop (ev_child)",
			  c->cfg.name);
		return -EINVAL;
	}
	return 0;
}

const struct check_ops check_exec_ops = {
    .init = check_exec_init,
    .start = check_exec_start,
    .release = check_exec_release,
    .stop = check_exec_stop,
    .busy = check_exec_busy,
};
