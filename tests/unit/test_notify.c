/*
 * test_notify.c - the notify queue runs real scripts, in order, and cleans up.
 *
 * Each test writes small /bin/sh scripts into a fresh temporary directory
 * (the daemon itself never uses a shell; the scripts may) and runs
 * EV_DEFAULT until the queue is idle or a generous deadline passes. The
 * scripts leave their evidence in files: arguments, environment, start and
 * end times, process ids. Deadlines are long enough for valgrind; none of
 * the waits is a bare sleep: each one waits for a condition.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "failoverd/notify.h"

#define DEADLINE_S 10.0

struct fixture {
	char dir[64];
};

/* ---- files and scripts ------------------------------------------------ */

static void path_in(const struct fixture *f, const char *name, char *out, size_t size)
{
	int n = snprintf(out, size, "%s/%s", f->dir, name);

	assert_true(n > 0 && (size_t)n < size);
}

static bool file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static void file_write(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	size_t len = strlen(text);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

/* Reads a whole small file into buf (NUL-terminated); returns its length. */
static size_t file_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, size - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
	return (size_t)n;
}

/* Writes DIR/name as a /bin/sh script; "{dir}" in body becomes DIR. */
static void script_write(const struct fixture *f, const char *name, const char *body, mode_t mode,
			 char *path, size_t size)
{
	char text[4096];
	size_t len = 0;

	len += (size_t)snprintf(text, sizeof(text), "#!/bin/sh\n");
	for (const char *c = body; *c; c++) {
		if (strncmp(c, "{dir}", 5) == 0) {
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%s", f->dir);
			c += 4;
		} else {
			text[len++] = *c;
		}
		assert_true(len < sizeof(text) - 1);
	}
	text[len] = '\0';
	path_in(f, name, path, size);
	file_write(path, text, mode);
}

static pid_t pid_read(const struct fixture *f, const char *name)
{
	char path[256], text[32];

	path_in(f, name, path, sizeof(path));
	file_read(path, text, sizeof(text));
	return (pid_t)atoi(text);
}

/* ---- processes -------------------------------------------------------- */

/* Gone, or a zombie waiting for init (which a container may never reap). */
static bool process_gone(pid_t pid)
{
	char path[64], text[256];
	const char *end;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return true;
	text[n] = '\0';
	end = strrchr(text, ')');
	return end && (end[2] == 'Z' || end[2] == 'X');
}

static bool process_wait_gone(pid_t pid, double seconds)
{
	double deadline = ev_time() + seconds;
	struct timespec tick = {0, 10 * 1000 * 1000};

	while (!process_gone(pid)) {
		if (ev_time() > deadline)
			return false;
		nanosleep(&tick, NULL);
	}
	return true;
}

/* ---- running the loop ------------------------------------------------- */

struct queues {
	struct notify_queue *q[2];
	size_t count;
};

static bool queues_idle(const void *arg)
{
	const struct queues *qs = arg;

	for (size_t i = 0; i < qs->count; i++)
		if (notify_queue_pending(qs->q[i]) != 0)
			return false;
	return true;
}

static bool path_exists(const void *arg)
{
	return file_exists(arg);
}

static void tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
}

/* Runs EV_DEFAULT until done(arg) or the deadline; returns done(arg). */
static bool loop_until(bool (*done)(const void *), const void *arg, double seconds)
{
	struct ev_loop *loop = EV_DEFAULT;
	double deadline = ev_time() + seconds;
	ev_timer tick;
	bool ok;

	ev_timer_init(&tick, tick_cb, 0.01, 0.01);
	ev_timer_start(loop, &tick);
	while (!(ok = done(arg)) && ev_time() < deadline)
		ev_run(loop, EVRUN_ONCE);
	ev_timer_stop(loop, &tick);
	return ok;
}

static bool loop_until_idle(struct notify_queue *q)
{
	struct queues qs = {.q = {q}, .count = 1};

	return loop_until(queues_idle, &qs, DEADLINE_S);
}

/* ---- capturing the log (log_msg writes to stderr by default) ---------- */

struct capture {
	int saved_fd;
	char path[256];
};

static void capture_begin(const struct fixture *f, struct capture *c)
{
	int fd;

	path_in(f, "log", c->path, sizeof(c->path));
	fd = open(c->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	fflush(stderr);
	c->saved_fd = dup(STDERR_FILENO);
	assert_true(c->saved_fd >= 0);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	close(fd);
}

static void capture_end(struct capture *c, char *buf, size_t size)
{
	fflush(stderr);
	dup2(c->saved_fd, STDERR_FILENO);
	close(c->saved_fd);
	file_read(c->path, buf, size);
	fputs(buf, stderr); /* still visible when a test fails */
}

/* ---- fixture ---------------------------------------------------------- */

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path);
}

static int setup(void **state)
{
	static struct fixture f;

	strcpy(f.dir, "/tmp/failoverd-notify-XXXXXX");
	if (!mkdtemp(f.dir))
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	return nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static struct notify_queue *queue_new(const char *name, int64_t timeout_us)
{
	struct notify_queue *q = notify_queue_create(EV_DEFAULT, "INSTANCE", name, timeout_us);

	assert_non_null(q);
	return q;
}

/* ---- tests ------------------------------------------------------------ */

/* argv is exactly SCRIPT INSTANCE NAME STATE PRIORITY, and the script
 * inherits nothing: no environment but PATH, stdin /dev/null, no stray
 * descriptor, no blocked or ignored signal. */
static void test_notify_arguments_and_environment(void **state)
{
	const struct fixture *f = *state;
	char path[256], args_path[256], body[1024], got[2048], want[2048];
	struct notify_queue *q = queue_new("VI_1", 0);
	struct sigaction ignore = {.sa_handler = SIG_IGN}, old_pipe;
	struct notify_stats st;
	sigset_t usr1, old_mask;
	int stray;

	/* What the daemon looks like when it forks: SIGPIPE ignored, a signal
	 * blocked, an open descriptor without close-on-exec, a variable set. */
	sigaction(SIGPIPE, &ignore, &old_pipe);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old_mask);
	stray = dup2(STDOUT_FILENO, 40);
	assert_int_equal(stray, 40);
	setenv("NOTIFY_TEST_SECRET", "leaked", 1);

	snprintf(body, sizeof(body),
		 "out={dir}/args\n"
		 "printf '%%s|' \"$0\" \"$#\" \"$@\" > $out.tmp\n"
		 "printf '\\n%%s\\n%%s\\n' \"$PATH\" \"${NOTIFY_TEST_SECRET-unset}\" >> $out.tmp\n"
		 "readlink /proc/$$/fd/0 >> $out.tmp\n"
		 "if [ -e /proc/$$/fd/40 ]; then echo fd40-open; else echo fd40-closed; fi >> "
		 "$out.tmp\n"
		 "grep -E '^Sig(Blk|Ign):' /proc/self/status >> $out.tmp\n"
		 "mv $out.tmp $out\n");
	script_write(f, "args.sh", body, 0755, path, sizeof(path));
	assert_int_equal(notify_queue_push(q, path, "MASTER", 150), 0);
	assert_int_equal(notify_queue_pending(q), 1);
	assert_true(loop_until_idle(q));

	close(stray);
	unsetenv("NOTIFY_TEST_SECRET");
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);

	path_in(f, "args", args_path, sizeof(args_path));
	file_read(args_path, got, sizeof(got));
	snprintf(want, sizeof(want),
		 "%s|4|INSTANCE|VI_1|MASTER|150|\n"
		 "/usr/sbin:/usr/bin:/sbin:/bin\n"
		 "unset\n"
		 "/dev/null\n"
		 "fd40-closed\n"
		 "SigBlk:\t0000000000000000\n"
		 "SigIgn:\t0000000000000000\n",
		 path);
	assert_string_equal(got, want);

	notify_queue_stats(q, &st);
	assert_int_equal(st.started, 1);
	assert_int_equal(st.succeeded, 1);
	assert_int_equal(st.failed, 0);
	notify_queue_free(q);
}

/* An empty path is no job at all. */
static void test_notify_empty_path_ignored(void **state)
{
	struct notify_queue *q = queue_new("VI_1", 0);
	struct notify_stats st;

	assert_int_equal(notify_queue_push(q, "", "MASTER", 100), 0);
	assert_int_equal(notify_queue_pending(q), 0);
	notify_queue_stats(q, &st);
	assert_int_equal(st.started, 0);
	notify_queue_free(q);
}

/* ev_child only works in the default loop, so another loop is refused. */
static void test_notify_refuses_other_loop(void **state)
{
	struct ev_loop *other = ev_loop_new(EVFLAG_AUTO);

	assert_non_null(other);
	assert_null(notify_queue_create(other, "INSTANCE", "VI_1", 0));
	assert_int_equal(errno, EINVAL);
	ev_loop_destroy(other);
}

struct order_line {
	char what[16], state[16];
	double at;
};

/* MASTER sleeps; BACKUP and FAULT must still wait for it, in push order. */
static void test_notify_runs_in_order(void **state)
{
	const struct fixture *f = *state;
	static const char *const states[] = {"MASTER", "BACKUP", "FAULT"};
	char path[256], order_path[256], text[2048];
	struct notify_queue *q = queue_new("VI_1", 0);
	struct order_line lines[6];
	struct notify_stats st;
	char *cursor = text;

	script_write(f, "order.sh",
		     "echo \"start $3 $(date +%s.%N)\" >> {dir}/order\n"
		     "if [ \"$3\" = MASTER ]; then sleep 0.3; fi\n"
		     "echo \"end $3 $(date +%s.%N)\" >> {dir}/order\n",
		     0755, path, sizeof(path));
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(notify_queue_push(q, path, states[i], 100), 0);
	assert_int_equal(notify_queue_pending(q), 3);
	assert_true(loop_until_idle(q));

	path_in(f, "order", order_path, sizeof(order_path));
	file_read(order_path, text, sizeof(text));
	for (size_t i = 0; i < 6; i++) {
		int used = 0;

		assert_int_equal(sscanf(cursor, "%15s %15s %lf\n%n", lines[i].what, lines[i].state,
					&lines[i].at, &used),
				 3);
		cursor += used;
	}
	assert_string_equal(cursor, "");
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(lines[2 * i].what, "start");
		assert_string_equal(lines[2 * i].state, states[i]);
		assert_string_equal(lines[2 * i + 1].what, "end");
		assert_string_equal(lines[2 * i + 1].state, states[i]);
		if (i > 0) /* started only after the previous one ended */
			assert_true(lines[2 * i].at >= lines[2 * i - 1].at);
	}
	assert_true(lines[2].at - lines[0].at >= 0.3);

	notify_queue_stats(q, &st);
	assert_int_equal(st.started, 3);
	assert_int_equal(st.succeeded, 3);
	notify_queue_free(q);
}

/* Two queues' scripts wait for each other: both succeed only if they run
 * at the same time. */
static void test_notify_queues_run_in_parallel(void **state)
{
	const struct fixture *f = *state;
	char path[256];
	struct queues qs = {.q = {queue_new("VI_1", 0), queue_new("VI_2", 0)}, .count = 2};
	struct notify_stats st;

	script_write(f, "meet.sh",
		     "touch {dir}/here.$2\n"
		     "if [ \"$2\" = VI_1 ]; then other=VI_2; else other=VI_1; fi\n"
		     "i=0\n"
		     "while [ ! -e {dir}/here.$other ]; do\n"
		     "  i=$((i + 1)); if [ $i -gt 500 ]; then exit 1; fi; sleep 0.01\n"
		     "done\n",
		     0755, path, sizeof(path));
	assert_int_equal(notify_queue_push(qs.q[0], path, "MASTER", 100), 0);
	assert_int_equal(notify_queue_push(qs.q[1], path, "BACKUP", 100), 0);
	assert_true(loop_until(queues_idle, &qs, DEADLINE_S));

	for (size_t i = 0; i < 2; i++) {
		notify_queue_stats(qs.q[i], &st);
		assert_int_equal(st.succeeded, 1);
		assert_int_equal(st.failed, 0);
		notify_queue_free(qs.q[i]);
	}
}

/* A hung script is killed with the process it started; the next job runs. */
static void test_notify_timeout_kills_process_group(void **state)
{
	const struct fixture *f = *state;
	char hang[256], next[256], marker[256], log[4096], want[512];
	struct notify_queue *q = queue_new("VI_1", 500000);
	struct notify_stats st;
	struct capture c;
	pid_t script, grandchild;

	script_write(f, "hang.sh",
		     "sleep 30 &\n"
		     "echo $! > {dir}/gpid\n"
		     "echo $$ > {dir}/pid\n"
		     "wait\n",
		     0755, hang, sizeof(hang));
	script_write(f, "next.sh", "touch {dir}/next.ran\n", 0755, next, sizeof(next));
	capture_begin(f, &c);
	assert_int_equal(notify_queue_push(q, hang, "MASTER", 150), 0);
	assert_int_equal(notify_queue_push(q, next, "BACKUP", 100), 0);
	assert_true(loop_until_idle(q));
	capture_end(&c, log, sizeof(log));

	notify_queue_stats(q, &st);
	assert_int_equal(st.started, 2);
	assert_int_equal(st.timed_out, 1);
	assert_int_equal(st.succeeded, 1);
	path_in(f, "next.ran", marker, sizeof(marker));
	assert_true(file_exists(marker));
	snprintf(want, sizeof(want), "notify (VI_1) %s MASTER: timed out after 0.5 s, killed",
		 hang);
	assert_non_null(strstr(log, want));

	script = pid_read(f, "pid");
	grandchild = pid_read(f, "gpid");
	assert_true(script > 0 && grandchild > 0);
	/* The script was our child and is reaped: not even a zombie. */
	assert_int_equal(kill(script, 0), -1);
	assert_int_equal(errno, ESRCH);
	assert_true(process_wait_gone(grandchild, 5.0));
	notify_queue_free(q);
}

/* Failures are counted and logged with the cause, and do not stop the queue. */
static void test_notify_failures_reported(void **state)
{
	const struct fixture *f = *state;
	char noexec[256], fails[256], killed[256], next[256], marker[256];
	char log[8192], want[512];
	struct notify_queue *q = queue_new("VI_1", 0);
	struct notify_stats st;
	struct capture c;

	script_write(f, "noexec.sh", "exit 0\n", 0644, noexec, sizeof(noexec));
	script_write(f, "fails.sh", "printf '\\n\\033boom\\n'; echo second line >&2; exit 3\n",
		     0755, fails, sizeof(fails));
	script_write(f, "killed.sh", "kill -TERM $$\n", 0755, killed, sizeof(killed));
	script_write(f, "next.sh", "touch {dir}/next.ran\n", 0755, next, sizeof(next));

	capture_begin(f, &c);
	assert_int_equal(notify_queue_push(q, noexec, "MASTER", 150), 0);
	assert_int_equal(notify_queue_push(q, "/nonexistent/failoverd-notify", "MASTER", 150), 0);
	assert_int_equal(notify_queue_push(q, fails, "MASTER", 150), 0);
	assert_int_equal(notify_queue_push(q, killed, "FAULT", 0), 0);
	assert_int_equal(notify_queue_push(q, next, "BACKUP", 100), 0);
	assert_true(loop_until_idle(q));
	capture_end(&c, log, sizeof(log));

	notify_queue_stats(q, &st);
	assert_int_equal(st.started, 5);
	assert_int_equal(st.failed, 4);
	assert_int_equal(st.succeeded, 1);
	assert_int_equal(st.timed_out, 0);
	path_in(f, "next.ran", marker, sizeof(marker));
	assert_true(file_exists(marker));

	snprintf(want, sizeof(want), "notify (VI_1) %s MASTER: cannot execute: %s", noexec,
		 strerror(EACCES));
	assert_non_null(strstr(log, want));
	snprintf(want, sizeof(want),
		 "notify (VI_1) /nonexistent/failoverd-notify MASTER: cannot execute: %s",
		 strerror(ENOENT));
	assert_non_null(strstr(log, want));
	snprintf(want, sizeof(want), "notify (VI_1) %s MASTER: exit status 3: ?boom\n", fails);
	assert_non_null(strstr(log, want));
	snprintf(want, sizeof(want), "notify (VI_1) %s FAULT: killed by signal %d", killed,
		 SIGTERM);
	assert_non_null(strstr(log, want));
	notify_queue_free(q);
}

/* Beyond NOTIFY_QUEUE_MAX waiting jobs the oldest waiting ones go; the
 * running one is kept. */
static void test_notify_overflow_drops_oldest_waiting(void **state)
{
	const struct fixture *f = *state;
	const int total = NOTIFY_QUEUE_MAX + 3; /* 1 running, MAX + 2 waiting */
	char path[256], ran_path[256], got[2048], want[2048];
	struct notify_queue *q = queue_new("VI_1", 0);
	struct notify_stats st;
	struct capture c;
	size_t len = 0;

	script_write(f, "record.sh", "echo $4 >> {dir}/ran\n", 0755, path, sizeof(path));
	/* The loop does not run while pushing, so job 0 stays "running". */
	capture_begin(f, &c);
	for (int i = 0; i < total; i++)
		assert_int_equal(notify_queue_push(q, path, "BACKUP", i), 0);
	capture_end(&c, got, sizeof(got));
	assert_non_null(strstr(got, "dropping"));
	assert_int_equal(notify_queue_pending(q), NOTIFY_QUEUE_MAX + 1);
	notify_queue_stats(q, &st);
	assert_int_equal(st.dropped, 2);

	assert_true(loop_until_idle(q));
	path_in(f, "ran", ran_path, sizeof(ran_path));
	file_read(ran_path, got, sizeof(got));
	for (int i = 0; i < total; i++)
		if (i != 1 && i != 2)
			len += (size_t)snprintf(want + len, sizeof(want) - len, "%d\n", i);
	assert_string_equal(got, want);
	notify_queue_stats(q, &st);
	assert_int_equal(st.started, total - 2);
	assert_int_equal(st.succeeded, total - 2);
	notify_queue_free(q);
}

/* Freeing a queue mid-script leaves no process behind, and nothing waiting runs. */
static void test_notify_free_while_running(void **state)
{
	const struct fixture *f = *state;
	char hang[256], next[256], pid_path[256], marker[256];
	struct notify_queue *q = queue_new("VI_1", 0);
	pid_t script, grandchild;

	script_write(f, "hang.sh",
		     "sleep 30 &\n"
		     "echo $! > {dir}/gpid\n"
		     "echo $$ > {dir}/pid.tmp\n"
		     "mv {dir}/pid.tmp {dir}/pid\n"
		     "wait\n",
		     0755, hang, sizeof(hang));
	script_write(f, "next.sh", "touch {dir}/next.ran\n", 0755, next, sizeof(next));
	assert_int_equal(notify_queue_push(q, hang, "MASTER", 150), 0);
	assert_int_equal(notify_queue_push(q, next, "BACKUP", 100), 0);
	assert_int_equal(notify_queue_push(q, next, "FAULT", 0), 0);
	path_in(f, "pid", pid_path, sizeof(pid_path));
	assert_true(loop_until(path_exists, pid_path, DEADLINE_S));
	script = pid_read(f, "pid");
	grandchild = pid_read(f, "gpid");
	assert_true(script > 0 && grandchild > 0);

	notify_queue_free(q);
	/* Reaped synchronously by notify_queue_free: not even a zombie. */
	assert_int_equal(kill(script, 0), -1);
	assert_int_equal(errno, ESRCH);
	assert_true(process_wait_gone(grandchild, 5.0));
	ev_run(EV_DEFAULT, EVRUN_NOWAIT);
	path_in(f, "next.ran", marker, sizeof(marker));
	assert_false(file_exists(marker));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_notify_arguments_and_environment, setup, teardown),
	    cmocka_unit_test(test_notify_empty_path_ignored),
	    cmocka_unit_test(test_notify_refuses_other_loop),
	    cmocka_unit_test_setup_teardown(test_notify_runs_in_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_notify_queues_run_in_parallel, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_notify_timeout_kills_process_group, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_notify_failures_reported, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_notify_overflow_drops_oldest_waiting, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_notify_free_while_running, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
