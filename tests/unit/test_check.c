/*
 * test_check.c - health checks at runtime, in the default libev loop, all
 * on 127.0.0.1 and in a temporary directory (no root).
 *
 * exec: exit codes and the captured first line, the child's environment
 * (PATH only, stdin /dev/null, no inherited descriptor, no ignored signal,
 * its own process group), a timeout that kills a script *and* the
 * grandchild it spawned and leaves no zombie, check_stop doing the same.
 * tcp: up against a listener, down once it closes. tls and http(s):
 * against tests/unit/data/check_server.py with a certificate made by
 * `openssl req` at setup: banner match and mismatch, SNI, verification by
 * name and by IP, status, body, latency, Host header. process: pid file and
 * name. The scheduler: first probe on the next loop iteration, rise/fall
 * counted across probes, callbacks that free their check.
 *
 * Each test runs the loop until its condition holds, bounded by a deadline
 * generous enough for valgrind (about 20 times slower); a passing test ends
 * as soon as the condition is met, well under a second.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <ev.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../src/track/check_internal.h"
#include "failoverd/check.h"

#define DEADLINE_S 30.0
#define PYTHON "/usr/bin/python3"

static char tmpdir[64];
static char cert_file[128], key_file[128];
static pid_t banner_server, http_server, https_server;
static int banner_port, http_port, https_port;

/* ---- loop and check helpers -------------------------------------------- */

struct recorder {
	int changes;
	bool up;
	char detail[CHECK_DETAIL_MAX];
	uint64_t probes_at_change;
	bool free_in_callback;
};

static void record_status(void *ctx, struct check *check, bool up, const char *detail)
{
	struct recorder *rec = ctx;
	struct check_stats stats;

	check_get_stats(check, &stats);
	rec->changes++;
	rec->up = up;
	rec->probes_at_change = stats.probes;
	snprintf(rec->detail, sizeof(rec->detail), "%s", detail);
	if (rec->free_in_callback)
		check_free(check);
}

static void deadline_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
}

/* Runs the default loop until done(arg) or the deadline. The condition is
 * also polled every 5 ms, for things the loop does not watch (a file the
 * script wrote, a connection waiting in a test listener). */
static bool run_until(bool (*done)(void *), void *arg, double seconds)
{
	struct ev_loop *loop = EV_DEFAULT;
	ev_timer deadline, poll;

	ev_timer_init(&deadline, deadline_cb, seconds, 0.);
	ev_timer_init(&poll, deadline_cb, 0.005, 0.005);
	ev_now_update(loop);
	ev_timer_start(loop, &deadline);
	ev_timer_start(loop, &poll);
	while (!done(arg) && ev_is_active(&deadline))
		ev_run(loop, EVRUN_ONCE);
	ev_timer_stop(loop, &deadline);
	ev_timer_stop(loop, &poll);
	return done(arg);
}

struct probe_wait {
	struct check *check;
	uint64_t probes;
};

static bool probes_done(void *arg)
{
	struct probe_wait *w = arg;
	struct check_stats stats;

	check_get_stats(w->check, &stats);
	return stats.probes >= w->probes;
}

struct change_wait {
	const struct recorder *rec;
	int changes;
};

static bool changes_done(void *arg)
{
	const struct change_wait *w = arg;

	return w->rec->changes >= w->changes;
}

/* Runs the loop until rec has seen n status changes in all. */
static void run_until_changes(const struct recorder *rec, int n)
{
	struct change_wait w = {rec, n};

	assert_true(run_until(changes_done, &w, DEADLINE_S));
	assert_int_equal(rec->changes, n);
}

static struct check_config config_base(enum check_type type)
{
	struct check_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.name, sizeof(cfg.name), "test");
	cfg.type = type;
	cfg.interval_us = 10 * 1000000; /* one probe per test unless it says otherwise */
	cfg.timeout_us = 5 * 1000000;
	cfg.rise = 1;
	cfg.fall = 1;
	cfg.status = 200;
	return cfg;
}

/* Creates, starts and runs cfg until its first probe ended; stopped, not freed. */
static struct check *probe_once(const struct check_config *cfg, struct recorder *rec)
{
	struct check *c = check_create(EV_DEFAULT, cfg, record_status, rec);
	struct probe_wait w = {c, 1};

	assert_non_null(c);
	check_start(c);
	assert_true(run_until(probes_done, &w, DEADLINE_S));
	check_stop(c);
	return c;
}

static void assert_prefix(const char *text, const char *prefix)
{
	if (strncmp(text, prefix, strlen(prefix)) != 0)
		fail_msg("\"%s\" does not start with \"%s\"", text, prefix);
}

static void assert_contains(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("\"%s\" does not contain \"%s\"", text, part);
}

/* The detail of the last assert_probe_fails / assert_probe_succeeds. */
static char last_detail[CHECK_DETAIL_MAX];

/* One probe that must fail with a detail starting with prefix. */
static void assert_probe_fails(const struct check_config *cfg, const char *prefix)
{
	struct recorder rec = {0};
	struct check *c = probe_once(cfg, &rec);
	struct check_stats stats;

	check_get_stats(c, &stats);
	assert_int_equal(stats.failures, 1);
	assert_false(check_is_up(c));
	assert_int_equal(rec.changes, 0); /* it started down: no change */
	assert_prefix(check_last_detail(c), prefix);
	snprintf(last_detail, sizeof(last_detail), "%s", check_last_detail(c));
	check_free(c);
}

/* One probe that must succeed (rise 1: one callback, up). */
static void assert_probe_succeeds(const struct check_config *cfg, const char *prefix)
{
	struct recorder rec = {0};
	struct check *c = probe_once(cfg, &rec);

	assert_int_equal(rec.changes, 1);
	assert_true(rec.up);
	assert_true(check_is_up(c));
	assert_prefix(rec.detail, prefix);
	snprintf(last_detail, sizeof(last_detail), "%s", rec.detail);
	check_free(c);
}

/* ---- files and processes ----------------------------------------------- */

static void path_in_tmpdir(char *out, size_t size, const char *name)
{
	snprintf(out, size, "%s/%s", tmpdir, name);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* Reads a file into buf; returns its length, or -1. */
static ssize_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

static pid_t read_pid_file(const char *name)
{
	char path[128], text[32];

	path_in_tmpdir(path, sizeof(path), name);
	if (read_file(path, text, sizeof(text)) <= 0)
		return 0;
	return (pid_t)atoi(text);
}

/* Gone for good: dead *and* reaped (a zombie still answers kill 0). */
static bool process_gone(pid_t pid)
{
	return kill(pid, 0) < 0 && errno == ESRCH;
}

static bool pids_gone(void *arg)
{
	const pid_t *pids = arg;

	return process_gone(pids[0]) && process_gone(pids[1]);
}

static void assert_reaped(pid_t pid)
{
	char path[64];

	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	assert_int_not_equal(access(path, F_OK), 0);
}

static int count_open_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(dir);
	while ((e = readdir(dir)))
		n += e->d_name[0] != '.';
	closedir(dir);
	return n;
}

/* Starts check_server.py; it prints its port on stdout. */
static pid_t server_spawn(char *const argv[], int *port)
{
	int out[2];
	pid_t pid;
	FILE *f;

	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	close(out[1]);
	f = fdopen(out[0], "r");
	assert_non_null(f);
	if (fscanf(f, "%d", port) != 1)
		*port = 0;
	fclose(f);
	return pid;
}

static void server_stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	/* libev's SIGCHLD handler may have reaped it already. */
	waitpid(pid, NULL, 0);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int suite_setup(void **state)
{
	char cmd[512], script[256];
	char banner_text[] = "220 ready";

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_check.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	(void)EV_DEFAULT; /* installs libev's SIGCHLD handling before any child exists */
	path_in_tmpdir(cert_file, sizeof(cert_file), "cert.pem");
	path_in_tmpdir(key_file, sizeof(key_file), "key.pem");
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
		 "-keyout %s -out %s -days 2 -subj /CN=localhost "
		 "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 >/dev/null 2>&1",
		 key_file, cert_file);
	if (system(cmd) != 0)
		return -1;
	snprintf(script, sizeof(script), "%s/check_server.py", TEST_DATA_DIR);
	{
		char *banner[] = {PYTHON, script, "banner", cert_file, key_file, banner_text, NULL};
		char *web[] = {PYTHON, script, "http", NULL};
		char *tls_web[] = {PYTHON, script, "http", "--tls", cert_file, key_file, NULL};

		banner_server = server_spawn(banner, &banner_port);
		http_server = server_spawn(web, &http_port);
		https_server = server_spawn(tls_web, &https_port);
	}
	return banner_port > 0 && http_port > 0 && https_port > 0 ? 0 : -1;
}

static int suite_teardown(void **state)
{
	server_stop(banner_server);
	server_stop(http_server);
	server_stop(https_server);
	nftw(tmpdir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* ---- exec -------------------------------------------------------------- */

static struct check_config config_shell(const char *script)
{
	static char *argv[6];
	struct check_config cfg = config_base(CHECK_EXEC);

	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = (char *)script;
	argv[3] = "sh";
	argv[4] = tmpdir; /* $1 */
	argv[5] = NULL;
	cfg.command = argv;
	return cfg;
}

static void test_exec_success(void **state)
{
	struct check_config cfg = config_shell("echo fine; exit 0");

	assert_probe_succeeds(&cfg, "exit status 0");
}

static void test_exec_exit_status_and_first_line(void **state)
{
	struct check_config cfg = config_shell("printf '\\nfirst line\\nsecond\\n'; exit 2");

	assert_probe_fails(&cfg, "exit status 2: first line");
}

static void test_exec_captures_stderr(void **state)
{
	struct check_config cfg = config_shell("echo oops >&2; exit 3");
	struct recorder rec = {0};
	struct check *c = probe_once(&cfg, &rec);

	assert_string_equal(check_last_detail(c), "exit status 3: oops");
	check_free(c);
}

/* 100 kB of output: the pipe is drained (the child never blocks on it) and
 * the detail stays bounded. */
static void test_exec_large_output_is_bounded(void **state)
{
	struct check_config cfg = config_shell("head -c 100000 /dev/zero | tr '\\0' x; exit 1");
	struct recorder rec = {0};
	struct check *c = probe_once(&cfg, &rec);

	assert_prefix(check_last_detail(c), "exit status 1: xxxxxxxx");
	assert_true(strlen(check_last_detail(c)) < CHECK_DETAIL_MAX);
	check_free(c);
}

static void test_exec_killed_by_signal(void **state)
{
	struct check_config cfg = config_shell("kill -9 $$");

	assert_probe_fails(&cfg, "killed by signal 9");
}

static void test_exec_missing_program(void **state)
{
	static char *argv[] = {"/nonexistent/health-check", NULL};
	struct check_config cfg = config_base(CHECK_EXEC);

	cfg.command = argv;
	assert_probe_fails(&cfg, "exit status 127: execve /nonexistent/health-check: No such file");
}

/* The child sees PATH only, /dev/null as stdin, fds 0-2 only (even when the
 * parent holds a descriptor without O_CLOEXEC), no ignored signal (the test,
 * like the daemon, ignores SIGPIPE) and is the leader of its own group. */
static void test_exec_child_environment(void **state)
{
	/* exec >: a plain "cmd > file" makes dash keep a copy of stdout on fd 10. */
	struct check_config cfg =
	    config_shell("exec > \"$1/fds\"; ls /proc/$$/fd; env > \"$1/env\"; "
			 "cat > \"$1/stdin\"; "
			 "grep SigIgn /proc/$$/status > \"$1/sigign\"; "
			 "cut -d' ' -f5 /proc/$$/stat > \"$1/pgid\"; "
			 "echo $$ > \"$1/pid\"");
	int leaked = open("/dev/null", O_RDONLY); /* deliberately inheritable */
	char path[128], text[512], *pwd;

	assert_true(leaked >= 0);
	assert_probe_succeeds(&cfg, "exit status 0");
	close(leaked);

	path_in_tmpdir(path, sizeof(path), "fds");
	assert_true(read_file(path, text, sizeof(text)) >= 0);
	assert_string_equal(text, "0\n1\n2\n");
	path_in_tmpdir(path, sizeof(path), "env");
	assert_true(read_file(path, text, sizeof(text)) >= 0);
	pwd = strstr(text, "PWD="); /* the shell exports its own PWD */
	if (pwd)
		memmove(pwd, strchr(pwd, '\n') + 1, strlen(strchr(pwd, '\n') + 1) + 1);
	assert_string_equal(text, "PATH=/usr/sbin:/usr/bin:/sbin:/bin\n");
	path_in_tmpdir(path, sizeof(path), "stdin");
	assert_int_equal(read_file(path, text, sizeof(text)), 0);
	path_in_tmpdir(path, sizeof(path), "sigign");
	assert_true(read_file(path, text, sizeof(text)) >= 0);
	assert_string_equal(text, "SigIgn:\t0000000000000000\n");
	assert_int_equal(read_pid_file("pgid"), read_pid_file("pid"));
}

static const char spawn_grandchild[] =
    "echo $$ > \"$1/child\"; sleep 30 & echo $! > \"$1/grandchild\"; wait";

static void test_exec_timeout_kills_process_group(void **state)
{
	struct check_config cfg = config_shell(spawn_grandchild);
	struct recorder rec = {0};
	struct check_stats stats;
	struct check *c;
	pid_t pids[2];

	cfg.timeout_us = 1000000;
	c = check_create(EV_DEFAULT, &cfg, record_status, &rec);
	assert_non_null(c);
	check_start(c);
	struct probe_wait w = {c, 1};
	assert_true(run_until(probes_done, &w, DEADLINE_S));
	check_get_stats(c, &stats);
	assert_int_equal(stats.timeouts, 1);
	assert_int_equal(stats.failures, 1);
	assert_string_equal(check_last_detail(c), "timeout after 1000 ms");

	pids[0] = read_pid_file("child");
	pids[1] = read_pid_file("grandchild");
	assert_true(pids[0] > 0 && pids[1] > 0);
	/* The check reaps its child; the orphaned grandchild comes to this
	 * process (a subreaper) and libev's SIGCHLD handler reaps it. */
	assert_true(run_until(pids_gone, pids, DEADLINE_S));
	assert_reaped(pids[0]);
	assert_reaped(pids[1]);
	check_free(c);
}

static bool grandchild_started(void *arg)
{
	return read_pid_file("grandchild") > 0;
}

static void test_exec_stop_kills_and_reaps(void **state)
{
	struct check_config cfg = config_shell(spawn_grandchild);
	struct recorder rec = {0};
	struct check_stats stats;
	struct check *c;
	pid_t pids[2];
	char path[128];

	path_in_tmpdir(path, sizeof(path), "grandchild");
	unlink(path);
	c = check_create(EV_DEFAULT, &cfg, record_status, &rec);
	assert_non_null(c);
	check_start(c);
	assert_true(run_until(grandchild_started, NULL, DEADLINE_S));
	pids[0] = read_pid_file("child");
	pids[1] = read_pid_file("grandchild");

	check_stop(c);
	assert_reaped(pids[0]); /* at once, by check_stop */
	assert_true(run_until(pids_gone, pids, DEADLINE_S));
	assert_reaped(pids[1]);
	check_get_stats(c, &stats);
	assert_int_equal(stats.probes, 0); /* cancelled, not reported */
	assert_int_equal(rec.changes, 0);
	check_free(c);
}

static void test_exec_needs_default_loop(void **state)
{
	struct ev_loop *other = ev_loop_new(EVFLAG_AUTO);
	struct check_config cfg = config_shell("exit 0");

	assert_null(check_create(other, &cfg, record_status, NULL));
	ev_loop_destroy(other);
}

/* ---- tcp --------------------------------------------------------------- */

static int listen_on(int family, int *port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		len = sizeof(*sin6);
	}
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 16) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	getsockname(fd, (struct sockaddr *)&ss, &len);
	*port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					: ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

static struct check_config config_tcp(const char *address, int port)
{
	struct check_config cfg = config_base(CHECK_TCP);

	snprintf(cfg.address, sizeof(cfg.address), "%s", address);
	cfg.port = (uint16_t)port;
	return cfg;
}

static void test_tcp_up_then_down_when_closed(void **state)
{
	int port, fd = listen_on(AF_INET, &port);
	struct check_config cfg = config_tcp("127.0.0.1", port);
	struct recorder rec = {0};
	struct check *c;

	assert_true(fd >= 0);
	cfg.interval_us = 200000;
	cfg.timeout_us = 200000;
	c = check_create(EV_DEFAULT, &cfg, record_status, &rec);
	assert_non_null(c);
	check_start(c);
	run_until_changes(&rec, 1);
	assert_true(rec.up);
	assert_prefix(rec.detail, "connected in ");

	close(fd);
	run_until_changes(&rec, 2);
	assert_false(rec.up);
	assert_string_equal(rec.detail, "connect: Connection refused");
	check_free(c);
}

static void test_tcp_ipv6(void **state)
{
	int port, fd = listen_on(AF_INET6, &port);
	struct check_config cfg;

	if (fd < 0)
		skip(); /* no IPv6 loopback here */
	cfg = config_tcp("::1", port);
	assert_probe_succeeds(&cfg, "connected in ");
	close(fd);
}

static void test_tcp_refused(void **state)
{
	int port, fd = listen_on(AF_INET, &port);
	struct check_config cfg = config_tcp("127.0.0.1", port);

	assert_true(fd >= 0);
	close(fd); /* nothing listens there now */
	assert_probe_fails(&cfg, "connect: Connection refused");
}

/* Names would need a blocking resolver: refused at create time. */
static void test_create_rejects_bad_configs(void **state)
{
	struct check_config cfg = config_tcp("localhost", 80);

	assert_null(check_create(EV_DEFAULT, &cfg, record_status, NULL));
	cfg = config_base(CHECK_HTTP);
	snprintf(cfg.url, sizeof(cfg.url), "http://localhost/");
	assert_null(check_create(EV_DEFAULT, &cfg, record_status, NULL));
	snprintf(cfg.url, sizeof(cfg.url), "ftp://127.0.0.1/");
	assert_null(check_create(EV_DEFAULT, &cfg, record_status, NULL));
	cfg = config_base(CHECK_EXEC);
	assert_null(check_create(EV_DEFAULT, &cfg, record_status, NULL));
	cfg = config_base(CHECK_PROCESS);
	assert_null(check_create(EV_DEFAULT, &cfg, record_status, NULL));
}

/* ---- tls --------------------------------------------------------------- */

static struct check_config config_tls(const char *expect, const char *sni, bool verify,
				      const char *ca_file)
{
	struct check_config cfg = config_tcp("127.0.0.1", banner_port);

	cfg.type = CHECK_TLS;
	snprintf(cfg.expect, sizeof(cfg.expect), "%s", expect);
	snprintf(cfg.sni, sizeof(cfg.sni), "%s", sni);
	cfg.verify = verify;
	snprintf(cfg.ca_file, sizeof(cfg.ca_file), "%s", ca_file);
	return cfg;
}

static void test_tls_banner_matches(void **state)
{
	struct check_config cfg = config_tls("220", "", false, "");

	assert_probe_succeeds(&cfg, "banner '220 ready sni=none' in ");
}

static void test_tls_banner_mismatch(void **state)
{
	struct check_config cfg = config_tls("554", "", false, "");

	assert_probe_fails(&cfg, "banner '220 ready sni=none' does not start with '554'");
}

static void test_tls_sends_sni(void **state)
{
	struct check_config cfg = config_tls("220 ready sni=mail.test", "mail.test", false, "");

	assert_probe_succeeds(&cfg, "banner '220 ready sni=mail.test'");
}

static void test_tls_handshake_only_without_expect(void **state)
{
	struct check_config cfg = config_tls("", "", false, "");

	assert_probe_succeeds(&cfg, "TLS handshake in ");
}

static void test_tls_verify_by_name(void **state)
{
	struct check_config cfg = config_tls("220", "localhost", true, cert_file);

	assert_probe_succeeds(&cfg, "banner '220 ready sni=localhost'");
}

static void test_tls_verify_by_ip_address(void **state)
{
	struct check_config cfg = config_tls("220", "", true, cert_file);

	assert_probe_succeeds(&cfg, "banner '220 ready sni=none'");
}

static void test_tls_verify_wrong_name(void **state)
{
	struct check_config cfg = config_tls("220", "wrong.example", true, cert_file);

	assert_probe_fails(&cfg, "TLS handshake: certificate verify failed: hostname mismatch");
}

static void test_tls_verify_untrusted(void **state)
{
	struct check_config cfg = config_tls("220", "localhost", true, ""); /* system store */

	assert_probe_fails(&cfg, "TLS handshake: certificate verify failed: ");
}

/* A listener that never accepts: TCP connects (backlog), TLS never answers. */
static void test_tls_handshake_timeout(void **state)
{
	int port, fd = listen_on(AF_INET, &port);
	struct check_config cfg = config_tls("220", "", false, "");
	struct recorder rec = {0};
	struct check_stats stats;
	struct check *c;

	assert_true(fd >= 0);
	cfg.port = (uint16_t)port;
	cfg.timeout_us = 300000;
	c = probe_once(&cfg, &rec);
	check_get_stats(c, &stats);
	assert_int_equal(stats.timeouts, 1);
	assert_string_equal(check_last_detail(c), "timeout after 300 ms (TLS handshake)");
	assert_true(stats.last_latency_us >= 300000);
	check_free(c);
	close(fd);
}

static bool accepted(void *arg)
{
	int *fds = arg; /* listener, accepted */

	if (fds[1] < 0)
		fds[1] = accept4(fds[0], NULL, NULL, SOCK_CLOEXEC);
	return fds[1] >= 0;
}

/* check_stop in the middle of a handshake closes the socket (the peer sees
 * EOF), frees the SSL (valgrind/ASan) and reports nothing. */
static void test_stop_cancels_tls_probe(void **state)
{
	int port, fds[2] = {listen_on(AF_INET, &port), -1};
	struct check_config cfg = config_tls("220", "", false, "");
	struct recorder rec = {0};
	struct check_stats stats;
	struct timeval tv = {5, 0};
	int before = count_open_fds();
	char buf[4096];
	struct check *c;
	ssize_t n;

	assert_true(fds[0] >= 0);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	cfg.port = (uint16_t)port;
	c = check_create(EV_DEFAULT, &cfg, record_status, &rec);
	assert_non_null(c);
	check_start(c);
	assert_true(run_until(accepted, fds, DEADLINE_S));
	check_stop(c);
	assert_int_equal(count_open_fds(), before + 1); /* + the accepted socket */
	setsockopt(fds[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while ((n = read(fds[1], buf, sizeof(buf))) > 0)
		; /* the ClientHello, then EOF */
	assert_int_equal(n, 0);
	check_get_stats(c, &stats);
	assert_int_equal(stats.probes, 0);
	assert_int_equal(rec.changes, 0);
	check_free(c);
	close(fds[1]);
	close(fds[0]);
}

/* ---- http -------------------------------------------------------------- */

static struct check_config config_http(bool https, const char *path, const char *expect)
{
	struct check_config cfg = config_base(CHECK_HTTP);

	snprintf(cfg.url, sizeof(cfg.url), "%s://127.0.0.1:%d%s", https ? "https" : "http",
		 https ? https_port : http_port, path);
	snprintf(cfg.expect, sizeof(cfg.expect), "%s", expect);
	return cfg;
}

static void test_http_ok(void **state)
{
	struct check_config cfg = config_http(false, "/ok", "status: ok");

	assert_probe_succeeds(&cfg, "HTTP 200 in ");
}

static void test_http_unexpected_status(void **state)
{
	struct check_config cfg = config_http(false, "/fail", "");

	assert_probe_fails(&cfg, "HTTP 503 after ");
	cfg = config_http(false, "/nothing-here", "");
	assert_probe_fails(&cfg, "HTTP 404 after ");
}

static void test_http_expected_status(void **state)
{
	struct check_config cfg = config_http(false, "/fail", "down");

	cfg.status = 503;
	assert_probe_succeeds(&cfg, "HTTP 503 in ");
}

static void test_http_body_lacks_expect(void **state)
{
	struct check_config cfg = config_http(false, "/ok", "healthy");

	assert_probe_fails(&cfg, "HTTP 200, body lacks 'healthy'");
}

/* /slow answers after 300 ms. */
static void test_http_latency_limit(void **state)
{
	struct check_config cfg = config_http(false, "/slow", "ok");
	struct recorder rec = {0};
	struct check_stats stats;
	struct check *c;

	cfg.max_latency_us = 100000;
	c = probe_once(&cfg, &rec);
	check_get_stats(c, &stats);
	assert_false(check_is_up(c));
	assert_prefix(check_last_detail(c), "HTTP 200, latency ");
	assert_contains(check_last_detail(c), " ms > 100 ms");
	assert_true(stats.last_latency_us >= 300000);
	check_free(c);

	cfg.max_latency_us = 10 * 1000000;
	assert_probe_succeeds(&cfg, "HTTP 200 in ");
}

static void test_http_refused(void **state)
{
	int port, fd = listen_on(AF_INET, &port);
	struct check_config cfg = config_base(CHECK_HTTP);

	assert_true(fd >= 0);
	close(fd);
	snprintf(cfg.url, sizeof(cfg.url), "http://127.0.0.1:%d/", port);
	assert_probe_fails(&cfg, "connect: Connection refused");
}

/* With sni, the name is also the Host header (the url holds an address). */
static void test_https_verified_with_host_header(void **state)
{
	struct check_config cfg = config_http(true, "/host", "");
	char expect[64];

	snprintf(expect, sizeof(expect), "Host=localhost:%d\n", https_port);
	snprintf(cfg.expect, sizeof(cfg.expect), "%s", expect);
	snprintf(cfg.sni, sizeof(cfg.sni), "localhost");
	snprintf(cfg.ca_file, sizeof(cfg.ca_file), "%s", cert_file);
	cfg.verify = true;
	assert_probe_succeeds(&cfg, "HTTP 200 in ");
}

static void test_http_host_header_from_url(void **state)
{
	struct check_config cfg = config_http(false, "/host", "");

	snprintf(cfg.expect, sizeof(cfg.expect), "Host=127.0.0.1:%d\n", http_port);
	assert_probe_succeeds(&cfg, "HTTP 200 in ");
}

static void test_https_without_verification(void **state)
{
	struct check_config cfg = config_http(true, "/ok", "ok");

	assert_probe_succeeds(&cfg, "HTTP 200 in ");
}

static void test_https_wrong_name(void **state)
{
	struct check_config cfg = config_http(true, "/ok", "ok");

	snprintf(cfg.sni, sizeof(cfg.sni), "wrong.example");
	snprintf(cfg.ca_file, sizeof(cfg.ca_file), "%s", cert_file);
	cfg.verify = true;
	assert_probe_fails(&cfg, "TLS handshake: certificate verify failed: hostname mismatch");
}

static void test_http_url_parse(void **state)
{
	struct check_http_target t;

	assert_int_equal(check_http_parse_url("http://127.0.0.1", &t), 0);
	assert_false(t.https);
	assert_string_equal(t.host, "127.0.0.1");
	assert_int_equal(t.port, 80);
	assert_string_equal(t.path, "/");

	assert_int_equal(check_http_parse_url("https://[2001:db8::1]:8443/a/b?x=1#top", &t), 0);
	assert_true(t.https);
	assert_string_equal(t.host, "2001:db8::1");
	assert_int_equal(t.port, 8443);
	assert_string_equal(t.path, "/a/b?x=1");

	assert_int_equal(check_http_parse_url("https://192.0.2.1?q", &t), 0);
	assert_int_equal(t.port, 443);
	assert_string_equal(t.path, "/?q");

	assert_int_equal(check_http_parse_url("ftp://192.0.2.1/", &t), -EINVAL);
	assert_int_equal(check_http_parse_url("http://:80/", &t), -EINVAL);
	assert_int_equal(check_http_parse_url("http://192.0.2.1:0/", &t), -EINVAL);
	assert_int_equal(check_http_parse_url("http://192.0.2.1:65536/", &t), -EINVAL);
	assert_int_equal(check_http_parse_url("http://192.0.2.1:80x/", &t), -EINVAL);
	assert_int_equal(check_http_parse_url("http://[::1/", &t), -EINVAL);
	assert_int_equal(check_http_parse_url("http://192.0.2.1/a b", &t), -EINVAL);
}

/* ---- process ----------------------------------------------------------- */

static struct check_config config_process(const char *pid_file, const char *name)
{
	struct check_config cfg = config_base(CHECK_PROCESS);

	snprintf(cfg.pid_file, sizeof(cfg.pid_file), "%s", pid_file);
	snprintf(cfg.process_name, sizeof(cfg.process_name), "%s", name);
	return cfg;
}

static void own_comm(char *out, size_t size)
{
	assert_true(read_file("/proc/self/comm", out, size) > 0);
	out[strcspn(out, "\n")] = '\0';
}

static void test_process_by_pid_file(void **state)
{
	char path[128], text[32];
	struct check_config cfg;

	path_in_tmpdir(path, sizeof(path), "own.pid");
	snprintf(text, sizeof(text), "%d\n", (int)getpid());
	write_file(path, text);
	cfg = config_process(path, "");
	assert_probe_succeeds(&cfg, "pid ");
	assert_contains(last_detail, " is running");
}

static void test_process_stale_pid_file(void **state)
{
	char path[128], text[32];
	struct check_config cfg;
	pid_t dead = fork();

	assert_true(dead >= 0);
	if (dead == 0)
		_exit(0);
	assert_int_equal(waitpid(dead, NULL, 0), dead);
	path_in_tmpdir(path, sizeof(path), "stale.pid");
	snprintf(text, sizeof(text), "%d\n", (int)dead);
	write_file(path, text);
	cfg = config_process(path, "");
	snprintf(text, sizeof(text), "pid %d from ", (int)dead);
	assert_probe_fails(&cfg, text);
	assert_contains(last_detail, " is not running");
}

static void test_process_bad_pid_files(void **state)
{
	char path[128], prefix[200];
	struct check_config cfg;

	path_in_tmpdir(path, sizeof(path), "missing.pid");
	cfg = config_process(path, "");
	snprintf(prefix, sizeof(prefix), "pid file %s: No such file or directory", path);
	assert_probe_fails(&cfg, prefix);

	path_in_tmpdir(path, sizeof(path), "garbage.pid");
	write_file(path, "not a pid\n");
	cfg = config_process(path, "");
	snprintf(prefix, sizeof(prefix), "pid file %s holds no pid", path);
	assert_probe_fails(&cfg, prefix);
}

static void test_process_by_name(void **state)
{
	char comm[32];
	struct check_config cfg;

	own_comm(comm, sizeof(comm));
	cfg = config_process("", comm);
	assert_probe_succeeds(&cfg, "'");
	assert_contains(last_detail, "' is running (pid ");
	cfg = config_process("", "no-such-proc-x");
	assert_probe_fails(&cfg, "no process named 'no-such-proc-x'");
}

/* Both: the pid from the file must carry the name (a reused pid does not). */
static void test_process_pid_file_and_name(void **state)
{
	char path[128], text[32], comm[32];
	struct check_config cfg;

	own_comm(comm, sizeof(comm));
	path_in_tmpdir(path, sizeof(path), "own.pid");
	snprintf(text, sizeof(text), "%d\n", (int)getpid());
	write_file(path, text);
	cfg = config_process(path, comm);
	assert_probe_succeeds(&cfg, "pid ");
	cfg = config_process(path, "not-this-name");
	assert_probe_fails(&cfg, "pid ");
	assert_contains(last_detail, " is not 'not-this-name'");
}

/* ---- scheduling -------------------------------------------------------- */

static void write_own_pid_file(char *path, size_t size)
{
	char text[32];

	path_in_tmpdir(path, size, "sched.pid");
	snprintf(text, sizeof(text), "%d\n", (int)getpid());
	write_file(path, text);
}

/* Not inside check_start (the caller is not re-entered), but at once after:
 * long before the 10 s interval. */
static void test_first_probe_on_next_iteration(void **state)
{
	char path[128];
	struct check_config cfg;
	struct recorder rec = {0};
	struct check_stats stats;
	struct check *c;
	ev_tstamp started;

	write_own_pid_file(path, sizeof(path));
	cfg = config_process(path, "");
	c = check_create(EV_DEFAULT, &cfg, record_status, &rec);
	assert_non_null(c);
	assert_false(check_is_up(c)); /* starts DOWN */
	started = ev_time();
	check_start(c);
	check_get_stats(c, &stats);
	assert_int_equal(stats.probes, 0);
	struct probe_wait w = {c, 1};
	assert_true(run_until(probes_done, &w, 5.0));
	assert_true(ev_time() - started < 5.0);
	assert_true(check_is_up(c));
	check_free(c);
}

/* rise 3, fall 2 counted across real probes; one callback per change. */
static void test_rise_and_fall_across_probes(void **state)
{
	char path[128], prefix[200];
	struct check_config cfg;
	struct recorder rec = {0};
	struct check *c;

	write_own_pid_file(path, sizeof(path));
	cfg = config_process(path, "");
	cfg.interval_us = 20000;
	cfg.timeout_us = 20000;
	cfg.rise = 3;
	cfg.fall = 2;
	c = check_create(EV_DEFAULT, &cfg, record_status, &rec);
	assert_non_null(c);
	check_start(c);
	run_until_changes(&rec, 1);
	assert_true(rec.up);
	assert_int_equal(rec.probes_at_change, 3);

	unlink(path);
	run_until_changes(&rec, 2);
	assert_false(rec.up);
	assert_int_equal(rec.probes_at_change, 5);
	snprintf(prefix, sizeof(prefix), "pid file %s: No such file", path);
	assert_prefix(rec.detail, prefix);
	check_free(c);
}

/* The callback may free its check, from every kind of probe completion:
 * synchronous (process), socket (tcp, tls, http), child (exec). ASan and
 * valgrind catch any use after free. */
static void run_freed_in_callback(const struct check_config *cfg)
{
	struct recorder rec = {.free_in_callback = true};
	struct check *c = check_create(EV_DEFAULT, cfg, record_status, &rec);

	assert_non_null(c);
	check_start(c);
	run_until_changes(&rec, 1);
	assert_true(rec.up);
}

static void test_callback_may_free_check(void **state)
{
	char path[128];
	int port, fd = listen_on(AF_INET, &port);
	struct check_config cfg;

	assert_true(fd >= 0);
	write_own_pid_file(path, sizeof(path));
	cfg = config_process(path, "");
	run_freed_in_callback(&cfg);
	cfg = config_tcp("127.0.0.1", port);
	run_freed_in_callback(&cfg);
	cfg = config_tls("220", "", false, "");
	run_freed_in_callback(&cfg);
	cfg = config_http(true, "/ok", "ok");
	run_freed_in_callback(&cfg);
	cfg = config_shell("exit 0");
	run_freed_in_callback(&cfg);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exec_success),
	    cmocka_unit_test(test_exec_exit_status_and_first_line),
	    cmocka_unit_test(test_exec_captures_stderr),
	    cmocka_unit_test(test_exec_large_output_is_bounded),
	    cmocka_unit_test(test_exec_killed_by_signal),
	    cmocka_unit_test(test_exec_missing_program),
	    cmocka_unit_test(test_exec_child_environment),
	    cmocka_unit_test(test_exec_timeout_kills_process_group),
	    cmocka_unit_test(test_exec_stop_kills_and_reaps),
	    cmocka_unit_test(test_exec_needs_default_loop),
	    cmocka_unit_test(test_tcp_up_then_down_when_closed),
	    cmocka_unit_test(test_tcp_ipv6),
	    cmocka_unit_test(test_tcp_refused),
	    cmocka_unit_test(test_create_rejects_bad_configs),
	    cmocka_unit_test(test_tls_banner_matches),
	    cmocka_unit_test(test_tls_banner_mismatch),
	    cmocka_unit_test(test_tls_sends_sni),
	    cmocka_unit_test(test_tls_handshake_only_without_expect),
	    cmocka_unit_test(test_tls_verify_by_name),
	    cmocka_unit_test(test_tls_verify_by_ip_address),
	    cmocka_unit_test(test_tls_verify_wrong_name),
	    cmocka_unit_test(test_tls_verify_untrusted),
	    cmocka_unit_test(test_tls_handshake_timeout),
	    cmocka_unit_test(test_stop_cancels_tls_probe),
	    cmocka_unit_test(test_http_ok),
	    cmocka_unit_test(test_http_unexpected_status),
	    cmocka_unit_test(test_http_expected_status),
	    cmocka_unit_test(test_http_body_lacks_expect),
	    cmocka_unit_test(test_http_latency_limit),
	    cmocka_unit_test(test_http_refused),
	    cmocka_unit_test(test_https_verified_with_host_header),
	    cmocka_unit_test(test_http_host_header_from_url),
	    cmocka_unit_test(test_https_without_verification),
	    cmocka_unit_test(test_https_wrong_name),
	    cmocka_unit_test(test_http_url_parse),
	    cmocka_unit_test(test_process_by_pid_file),
	    cmocka_unit_test(test_process_stale_pid_file),
	    cmocka_unit_test(test_process_bad_pid_files),
	    cmocka_unit_test(test_process_by_name),
	    cmocka_unit_test(test_process_pid_file_and_name),
	    cmocka_unit_test(test_first_probe_on_next_iteration),
	    cmocka_unit_test(test_rise_and_fall_across_probes),
	    cmocka_unit_test(test_callback_may_free_check),
	};

	/* Like the daemon: a write to a closed socket must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	/* Orphans of exec checks (a script's background job) come back to us,
	 * so the tests can see them reaped rather than left to pid 1. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	return cmocka_run_group_tests(tests, suite_setup, suite_teardown);
}
