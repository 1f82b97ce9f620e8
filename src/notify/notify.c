/*
 * notify.c - notify scripts, one at a time per queue, never through a shell.
 *
 * A queue holds the jobs of one instance or sync group. The head job runs;
 * the others wait, so "BACKUP" never starts before "MASTER" has finished.
 * Queues are independent of each other, so two instances' scripts may run
 * side by side.
 *
 * Running a job is fork + execve with an argv built before the fork; the
 * child only calls async-signal-safe functions. It gets its own process
 * group (so a timeout kills whatever the script started, too), the default
 * signal mask and dispositions (the daemon ignores SIGPIPE and libev blocks
 * or catches SIGCHLD; exec would keep both), stdin from /dev/null, stdout
 * and stderr into a pipe, no other inherited descriptors, and a fixed PATH
 * as its whole environment.
 *
 * The parent watches three things: the pid (ev_child; libev only reaps in
 * its default loop, so queues must use EV_DEFAULT), a timeout (ev_timer:
 * SIGKILL to the process group, then still reaped through ev_child so no
 * zombie is left) and the output pipe (ev_io; the first OUTPUT_KEEP bytes
 * are kept so the log can quote the script's first line). A second,
 * close-on-exec pipe carries execve's errno back, so "not executable" is
 * logged as such instead of as a bare exit status 127. The job ends when
 * the pid is reaped, not at EOF on the pipe: a daemon started by a script
 * may keep the pipe open forever.
 */
#include "failoverd/notify.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ev.h>

#include "failoverd/log.h"

#define OUTPUT_KEEP 1024
#define DRAIN_MAX (64 * 1024) /* bytes read per wakeup; a chatty script waits its turn */

static const char notify_path_env[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";

struct notify_job {
	struct notify_job *next;
	int priority;
	char *state; /* points into text, after path */
	char text[]; /* "path\0state\0" */
};

/* The job being run; valid while pid > 0. */
struct notify_run {
	struct notify_job *job;
	pid_t pid;
	bool timed_out;
	int output_fd;
	int exec_error_fd;
	ev_child child;
	ev_timer timer;
	ev_io output;
	size_t output_len;
	char output_text[OUTPUT_KEEP + 1];
};

struct notify_queue {
	struct ev_loop *loop;
	char *kind;
	char *name;
	double timeout_s;
	struct notify_job *head, *tail; /* waiting jobs, oldest first */
	size_t waiting;
	struct notify_run run;
	struct notify_stats stats;
};

static void notify_queue_start_next(struct notify_queue *q);

/* ---- jobs ------------------------------------------------------------- */

static struct notify_job *notify_job_new(const char *path, const char *state, int priority)
{
	size_t path_len = strlen(path), state_len = strlen(state);
	struct notify_job *job = malloc(sizeof(*job) + path_len + state_len + 2);

	if (!job)
		return NULL;
	job->next = NULL;
	job->priority = priority;
	memcpy(job->text, path, path_len + 1);
	job->state = job->text + path_len + 1;
	memcpy(job->state, state, state_len + 1);
	return job;
}

static const char *notify_job_path(const struct notify_job *job)
{
	return job->text;
}

static struct notify_job *notify_queue_pop(struct notify_queue *q)
{
	struct notify_job *job = q->head;

	if (!job)
		return NULL;
	q->head = job->next;
	if (!q->head)
		q->tail = NULL;
	q->waiting--;
	job->next = NULL;
	return job;
}

static void notify_queue_append(struct notify_queue *q, struct notify_job *job)
{
	if (q->tail)
		q->tail->next = job;
	else
		q->head = job;
	q->tail = job;
	q->waiting++;
}

/* ---- the child -------------------------------------------------------- */

static void notify_child_reset_signals(void)
{
	struct sigaction dfl;
	sigset_t none;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	/* Ignored signals survive execve; reset them all, reserved ones just fail. */
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void notify_child_close_from(int first)
{
	if (close_range((unsigned int)first, ~0U, 0) == 0)
		return;
	for (long fd = first, max = sysconf(_SC_OPEN_MAX); fd < max; fd++)
		close((int)fd);
}

/*
 * Runs in the child between fork and execve: async-signal-safe calls only.
 * Leaves stdin /dev/null, stdout+stderr the output pipe, fd 3 the exec-error
 * pipe (close-on-exec) and nothing else.
 */
static void notify_child_exec(char *const argv[], int output_fd, int exec_error_fd)
{
	char *const envp[] = {(char *)notify_path_env, NULL};
	int out, err, devnull;
	int saved_errno;

	setpgid(0, 0);
	notify_child_reset_signals();
	/* Move both pipe ends above 3 so the dup2s below cannot clobber them. */
	out = fcntl(output_fd, F_DUPFD, 4);
	err = fcntl(exec_error_fd, F_DUPFD_CLOEXEC, 4);
	if (out < 0 || err < 0)
		_exit(127);
	devnull = open("/dev/null", O_RDONLY);
	if (devnull < 0)
		close(0);
	else if (devnull != 0)
		dup2(devnull, 0);
	if (dup2(out, 1) < 0 || dup2(out, 2) < 0 || dup3(err, 3, O_CLOEXEC) < 0)
		_exit(127);
	notify_child_close_from(4);

	execve(argv[0], argv, envp);
	saved_errno = errno;
	/* If even this write fails, exit status 127 still reports the failure. */
	if (write(3, &saved_errno, sizeof(saved_errno)) != (ssize_t)sizeof(saved_errno))
		_exit(127);
	_exit(127);
}

/* ---- logging the outcome ---------------------------------------------- */

/* The first non-empty output line, for the log; "" if none. Control bytes
 * (and NULs) become '?' so a script cannot forge or garble log lines. */
static const char *notify_run_first_line(struct notify_run *run)
{
	char *line = run->output_text;
	size_t n;

	for (size_t i = 0; i < run->output_len; i++) {
		unsigned char c = (unsigned char)line[i];

		if ((c < 0x20 && c != '\n' && c != '\r') || c == 0x7f)
			line[i] = '?';
	}
	line[run->output_len] = '\0';
	line += strspn(line, "\r\n");
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	return line;
}

static void notify_queue_log_outcome(struct notify_queue *q, int status, int exec_errno)
{
	struct notify_run *run = &q->run;
	const char *path = notify_job_path(run->job), *state = run->job->state;
	const char *line = notify_run_first_line(run);
	const char *sep = *line ? ": " : "";

	if (run->timed_out) {
		q->stats.timed_out++;
		log_warning("notify (%s) %s %s: timed out after %.1f s, killed", q->name, path,
			    state, q->timeout_s);
	} else if (exec_errno) {
		q->stats.failed++;
		log_warning("notify (%s) %s %s: cannot execute: %s", q->name, path, state,
			    strerror(exec_errno));
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		q->stats.succeeded++;
		log_debug("notify (%s) %s %s: exit status 0%s%s", q->name, path, state, sep, line);
	} else if (WIFEXITED(status)) {
		q->stats.failed++;
		log_warning("notify (%s) %s %s: exit status %d%s%s", q->name, path, state,
			    WEXITSTATUS(status), sep, line);
	} else {
		q->stats.failed++;
		log_warning("notify (%s) %s %s: killed by signal %d%s%s", q->name, path, state,
			    WTERMSIG(status), sep, line);
	}
}

/* ---- the running job -------------------------------------------------- */

/*
 * Reads up to limit bytes of what is available, keeping the first
 * OUTPUT_KEEP. Returns false at EOF or on error (nothing more to watch).
 */
static bool notify_run_read_output(struct notify_run *run, size_t limit)
{
	char buf[4096];
	size_t total = 0;
	ssize_t n;

	while (total < limit) {
		n = read(run->output_fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
		total += (size_t)n;
		if (run->output_len < OUTPUT_KEEP) {
			size_t keep = OUTPUT_KEEP - run->output_len;

			if (keep > (size_t)n)
				keep = (size_t)n;
			memcpy(run->output_text + run->output_len, buf, keep);
			run->output_len += keep;
		}
	}
	return true;
}

static void notify_run_output_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct notify_run *run = w->data;

	if (!notify_run_read_output(run, DRAIN_MAX))
		ev_io_stop(loop, w);
}

/* What the child wrote before its execve failed; 0 if the execve worked. */
static int notify_run_exec_errno(const struct notify_run *run)
{
	int value = 0;

	if (read(run->exec_error_fd, &value, sizeof(value)) != (ssize_t)sizeof(value))
		return 0;
	return value;
}

/* Stops the watchers and closes the pipes; the pid must be reaped already. */
static void notify_run_release(struct notify_queue *q)
{
	struct notify_run *run = &q->run;

	ev_child_stop(q->loop, &run->child);
	ev_timer_stop(q->loop, &run->timer);
	ev_io_stop(q->loop, &run->output);
	close(run->output_fd);
	close(run->exec_error_fd);
	run->output_fd = run->exec_error_fd = -1;
	free(run->job);
	run->job = NULL;
	run->pid = 0;
}

static void notify_run_child_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	struct notify_queue *q = w->data;
	struct notify_run *run = &q->run;

	/* Everything the script wrote is in the pipe now; a descendant may
	 * still be writing, so read only what is there, bounded. */
	if (ev_is_active(&run->output))
		notify_run_read_output(run, DRAIN_MAX);
	notify_queue_log_outcome(q, w->rstatus, notify_run_exec_errno(run));
	notify_run_release(q);
	notify_queue_start_next(q);
}

static void notify_run_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct notify_queue *q = w->data;

	/* The child_cb still reaps it and starts the next job. */
	q->run.timed_out = true;
	kill(-q->run.pid, SIGKILL);
}

static int notify_run_pipes(int output[2], int exec_error[2])
{
	if (pipe2(output, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(exec_error, O_CLOEXEC | O_NONBLOCK) < 0) {
		int err = -errno;

		close(output[0]);
		close(output[1]);
		return err;
	}
	/* Only the daemon's end is non-blocking: the script's writes may block. */
	fcntl(output[0], F_SETFL, fcntl(output[0], F_GETFL) | O_NONBLOCK);
	return 0;
}

static void notify_run_watch(struct notify_queue *q, pid_t pid)
{
	struct notify_run *run = &q->run;

	run->pid = pid;
	run->timed_out = false;
	run->output_len = 0;
	/* libev: arm ev_child before the loop runs again, or the exit is lost. */
	ev_child_init(&run->child, notify_run_child_cb, pid, 0);
	run->child.data = q;
	ev_child_start(q->loop, &run->child);
	ev_now_update(q->loop);
	ev_timer_init(&run->timer, notify_run_timeout_cb, q->timeout_s, 0.);
	run->timer.data = q;
	ev_timer_start(q->loop, &run->timer);
	ev_io_init(&run->output, notify_run_output_cb, run->output_fd, EV_READ);
	run->output.data = run;
	ev_io_start(q->loop, &run->output);
}

/* Forks the job's script. 0 or -errno (the job is then still q->run.job). */
static int notify_run_start(struct notify_queue *q)
{
	struct notify_run *run = &q->run;
	struct notify_job *job = run->job;
	char priority_text[16];
	char *argv[] = {job->text, q->kind, q->name, job->state, priority_text, NULL};
	int output[2], exec_error[2];
	pid_t pid;
	int err;

	snprintf(priority_text, sizeof(priority_text), "%d", job->priority);
	err = notify_run_pipes(output, exec_error);
	if (err < 0)
		return err;
	pid = fork();
	if (pid == 0)
		notify_child_exec(argv, output[1], exec_error[1]);
	err = pid < 0 ? -errno : 0;
	close(output[1]);
	close(exec_error[1]);
	if (err < 0) {
		close(output[0]);
		close(exec_error[0]);
		return err;
	}
	/* Also from this side, so kill(-pid) works even before the child ran. */
	setpgid(pid, pid);
	q->stats.started++;
	run->output_fd = output[0];
	run->exec_error_fd = exec_error[0];
	notify_run_watch(q, pid);
	return 0;
}

static void notify_queue_start_next(struct notify_queue *q)
{
	struct notify_run *run = &q->run;

	while (!run->job && (run->job = notify_queue_pop(q))) {
		int err = notify_run_start(q);

		if (err == 0)
			return;
		q->stats.failed++;
		log_warning("notify (%s) %s %s: cannot start: %s", q->name,
			    notify_job_path(run->job), run->job->state, strerror(-err));
		free(run->job);
		run->job = NULL;
	}
}

/* ---- public ----------------------------------------------------------- */

struct notify_queue *notify_queue_create(struct ev_loop *loop, const char *kind, const char *name,
					 int64_t timeout_us)
{
	struct notify_queue *q;

	if (!loop || !kind || !name || !ev_is_default_loop(loop)) {
		errno = EINVAL;
		return NULL;
	}
	q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->loop = loop;
	q->kind = strdup(kind);
	q->name = strdup(name);
	if (!q->kind || !q->name) {
		notify_queue_free(q);
		errno = ENOMEM;
		return NULL;
	}
	q->timeout_s = (timeout_us > 0 ? timeout_us : NOTIFY_DEFAULT_TIMEOUT_US) / 1e6;
	q->run.output_fd = -1;
	q->run.exec_error_fd = -1;
	return q;
}

int notify_queue_push(struct notify_queue *q, const char *path, const char *state, int priority)
{
	struct notify_job *job;

	if (!q || !state)
		return -EINVAL;
	if (!path || !*path)
		return 0;
	job = notify_job_new(path, state, priority);
	if (!job)
		return -ENOMEM;
	if (q->waiting >= NOTIFY_QUEUE_MAX) {
		struct notify_job *oldest = notify_queue_pop(q);

		q->stats.dropped++;
		log_warning("notify (%s): %d scripts waiting, dropping the oldest: %s %s %d",
			    q->name, NOTIFY_QUEUE_MAX, notify_job_path(oldest), oldest->state,
			    oldest->priority);
		free(oldest);
	}
	notify_queue_append(q, job);
	notify_queue_start_next(q);
	return 0;
}

size_t notify_queue_pending(const struct notify_queue *q)
{
	return q->waiting + (q->run.job ? 1 : 0);
}

void notify_queue_stats(const struct notify_queue *q, struct notify_stats *out)
{
	*out = q->stats;
}

/*
 * Kills the running script's group and reaps it here, waiting at most
 * NOTIFY_REAP_WAIT_US: a SIGKILLed child is normally gone within a
 * millisecond, but one stuck in uninterruptible sleep must not hang the
 * daemon's loop; libev's SIGCHLD handling reaps it later.
 */
#define NOTIFY_REAP_WAIT_US 200000

static void notify_run_kill(struct notify_queue *q)
{
	pid_t pid = q->run.pid;
	int status;

	kill(-pid, SIGKILL);
	for (int waited = 0; waited < NOTIFY_REAP_WAIT_US; waited += 1000) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		/* ECHILD: libev reaped it already and its callback is pending. */
		if (r == pid || (r < 0 && errno != EINTR))
			break;
		usleep(1000);
	}
	log_warning("notify (%s) %s %s: killed (queue closed)", q->name,
		    notify_job_path(q->run.job), q->run.job->state);
	notify_run_release(q);
}

void notify_queue_free(struct notify_queue *q)
{
	struct notify_job *job;

	if (!q)
		return;
	if (q->run.job)
		notify_run_kill(q);
	while ((job = notify_queue_pop(q)))
		free(job);
	free(q->kind);
	free(q->name);
	free(q);
}
