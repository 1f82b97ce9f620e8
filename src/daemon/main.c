/*
 * main.c - failoverd's command line, configuration check, pid file and
 * daemonizing.
 *
 * When it daemonizes, the parent waits on a pipe until the child has
 * opened everything and started its instances, and exits with the child's
 * verdict: an init system or an operator running `failoverd` sees start-up
 * errors as a non-zero exit and a message on stderr, not as a daemon that
 * died quietly in the background.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "failoverd/config.h"
#include "failoverd/daemon.h"
#include "failoverd/log.h"

#define DEFAULT_PID_FILE "/run/failoverd.pid"

enum {
	OPT_NO_SYSLOG = 256,
	OPT_EVENT_LOG,
	OPT_CONTROL_SOCKET,
	OPT_PID_FILE,
	OPT_NODE_NAME,
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: failoverd [OPTION]...\n"
		"High-availability failover agent: VRRPv3/v2 virtual routers over IPv4 and IPv6.\n"
		"\n"
		"  -f, --config FILE          configuration file (default %s)\n"
		"  -n, --foreground           do not daemonize\n"
		"  -t, --check-config         validate the configuration and exit: 0 if valid,\n"
		"                             1 with one \"FILE:LINE: message\" line per error\n"
		"  -l, --log-console          also log to stderr\n"
		"      --no-syslog            do not log to syslog\n"
		"      --event-log FILE       JSON-lines event log (overrides global.event_log;\n"
		"                             \"\" disables it)\n"
		"      --control-socket PATH  control socket for failoverctl (overrides\n"
		"                             global.control_socket; default %s)\n"
		"      --pid-file PATH        pid file, also a lock against a second instance\n"
		"                             (default %s)\n"
		"      --node-name NAME       node name in logs (overrides global.node_name;\n"
		"                             default: the host name)\n"
		"  -d, --debug                log debug messages too\n"
		"  -v, --version              print the version and exit\n"
		"  -h, --help                 print this help and exit\n"
		"\n"
		"Signals: SIGTERM/SIGINT stop gracefully (every MASTER sends priority 0 and\n"
		"removes its VIPs); SIGHUP reloads the configuration (an invalid file changes\n"
		"nothing; unchanged instances are not touched); SIGUSR1 reopens the event log.\n"
		"See failoverd(8), failoverd.conf(5) and failoverctl(8).\n",
		CONFIG_DEFAULT_PATH, CONFIG_DEFAULT_SOCKET, DEFAULT_PID_FILE);
}

static int parse_options(int argc, char **argv, struct daemon_options *o)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'f'},
		{"foreground", no_argument, NULL, 'n'},
		{"check-config", no_argument, NULL, 't'},
		{"log-console", no_argument, NULL, 'l'},
		{"no-syslog", no_argument, NULL, OPT_NO_SYSLOG},
		{"event-log", required_argument, NULL, OPT_EVENT_LOG},
		{"control-socket", required_argument, NULL, OPT_CONTROL_SOCKET},
		{"pid-file", required_argument, NULL, OPT_PID_FILE},
		{"node-name", required_argument, NULL, OPT_NODE_NAME},
		{"debug", no_argument, NULL, 'd'},
		{"version", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	o->config_path = CONFIG_DEFAULT_PATH;
	o->pid_file = DEFAULT_PID_FILE;
	while ((c = getopt_long(argc, argv, "f:ntldvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': o->config_path = optarg; break;
		case 'n': o->foreground = true; break;
		case 't': o->check_config = true; break;
		case 'l': o->log_console = true; break;
		case 'd': o->debug = true; break;
		case OPT_NO_SYSLOG: o->no_syslog = true; break;
		case OPT_EVENT_LOG: o->event_log = optarg; break;
		case OPT_CONTROL_SOCKET: o->control_socket = optarg; break;
		case OPT_PID_FILE: o->pid_file = optarg; break;
		case OPT_NODE_NAME: o->node_name = optarg; break;
		case 'v':
			printf("failoverd %s\n", FAILOVERD_VERSION);
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "failoverd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return -1;
	}
	return 0;
}

static struct failoverd_config *load_config(const char *path)
{
	struct failoverd_config *config = NULL;
	struct config_errors errors = {0};

	if (config_load(path, &config, &errors) < 0) {
		for (size_t i = 0; i < errors.count; i++)
			fprintf(stderr, "%s\n", errors.lines[i]);
		config_errors_free(&errors);
		return NULL;
	}
	config_errors_free(&errors);
	return config;
}

/* Takes the pid file lock; the fd stays open (and locked) for the process's life. */
static int pid_file_lock(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	char text[32] = "";

	if (fd < 0) {
		fprintf(stderr, "failoverd: cannot open pid file %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		ssize_t n = read(fd, text, sizeof(text) - 1);

		text[n > 0 ? n : 0] = '\0';
		text[strcspn(text, "\n")] = '\0';
		fprintf(stderr, "failoverd: another failoverd is running (pid %s, pid file %s)\n",
			text[0] ? text : "?", path);
		close(fd);
		return -1;
	}
	return fd;
}

static void pid_file_write(int fd)
{
	char text[32];
	int len = snprintf(text, sizeof(text), "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) < 0 || pwrite(fd, text, (size_t)len, 0) != len)
		log_warning("cannot write pid file: %s", strerror(errno));
}

/* Forks; the parent waits for the child's start-up verdict and exits with it. */
static int daemonize(int *ready_fd)
{
	int pipefd[2];

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		char verdict = 1;

		close(pipefd[1]);
		if (read(pipefd[0], &verdict, 1) != 1)
			verdict = 1;
		_exit(verdict);
	}
	close(pipefd[0]);
	if (setsid() < 0 || chdir("/") < 0)
		return -errno;
	int null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		/* stderr stays until start-up is over, so errors reach the operator */
		if (null > STDERR_FILENO)
			close(null);
	}
	*ready_fd = pipefd[1];
	return 0;
}

static void daemonize_done(int ready_fd, char verdict)
{
	if (ready_fd < 0)
		return;
	if (write(ready_fd, &verdict, 1) != 1) {
		/* the parent is gone; nothing to tell */
	}
	close(ready_fd);
	int null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, STDERR_FILENO);
		close(null);
	}
}

/*
 * The daemon changes to / when it detaches, and SIGHUP re-reads the config
 * later: every path the operator gave relative to their shell is made
 * absolute first. Returns a new string, or NULL for NULL.
 */
static char *absolute_path(const char *path)
{
	char cwd[CONFIG_PATH_MAX];
	char *out = NULL;

	if (!path)
		return NULL;
	if (path[0] == '/' || path[0] == '\0' || !getcwd(cwd, sizeof(cwd)))
		return strdup(path);
	if (asprintf(&out, "%s/%s", cwd, path) < 0)
		return NULL;
	return out;
}

static void resolve_node_name(struct daemon *d)
{
	const struct daemon_options *o = &d->options;

	if (o->node_name && *o->node_name)
		snprintf(d->node_name, sizeof(d->node_name), "%s", o->node_name);
	else if (d->config->global.node_name[0])
		snprintf(d->node_name, sizeof(d->node_name), "%s", d->config->global.node_name);
	else if (gethostname(d->node_name, sizeof(d->node_name)) < 0)
		snprintf(d->node_name, sizeof(d->node_name), "unknown");
	d->node_name[sizeof(d->node_name) - 1] = '\0';
}

static int open_event_log(struct daemon *d)
{
	const char *path = d->options.event_log ? d->options.event_log
						: d->config->global.event_log;
	int err = eventlog_open(&d->events, path, d->node_name);

	if (err == -ENOENT && path[0]) {
		char dir[CONFIG_PATH_MAX];
		char *slash;

		snprintf(dir, sizeof(dir), "%s", path);
		slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			if (mkdir(dir, 0750) == 0)
				err = eventlog_open(&d->events, path, d->node_name);
		}
	}
	if (err < 0)
		fprintf(stderr, "failoverd: cannot open event log %s: %s\n", path, strerror(-err));
	return err;
}

int main(int argc, char **argv)
{
	struct daemon *d = calloc(1, sizeof(*d));
	char *paths[4] = {NULL};
	int ready_fd = -1;
	int pid_fd;

	if (!d || parse_options(argc, argv, &d->options) < 0)
		return 1;
	d->options.config_path = paths[0] = absolute_path(d->options.config_path);
	d->options.event_log = paths[1] = absolute_path(d->options.event_log);
	d->options.pid_file = paths[2] = absolute_path(d->options.pid_file);
	d->options.control_socket = paths[3] = absolute_path(d->options.control_socket);
	d->config = load_config(d->options.config_path);
	if (d->options.check_config) {
		int valid = d->config != NULL;

		if (valid)
			printf("%s: configuration valid (%zu instance%s)\n", d->options.config_path,
			       d->config->instance_count, d->config->instance_count == 1 ? "" : "s");
		config_free(d->config);
		free(d);
		return valid ? 0 : 1;
	}
	if (!d->config) {
		fprintf(stderr, "failoverd: %s is invalid; not starting\n", d->options.config_path);
		free(d);
		return 1;
	}
	resolve_node_name(d);
	struct log_options lo = {
		.to_syslog = !d->options.no_syslog,
		.to_console = d->options.log_console,
		.facility = d->config->global.syslog_facility_value,
		.max_level = d->options.debug ? LOG_DEBUG : LOG_INFO,
	};
	if ((pid_fd = pid_file_lock(d->options.pid_file)) < 0 || open_event_log(d) < 0) {
		config_free(d->config);
		free(d);
		return 1;
	}
	if (!d->options.foreground && daemonize(&ready_fd) < 0) {
		fprintf(stderr, "failoverd: cannot daemonize: %s\n", strerror(errno));
		return 1;
	}
	log_open(&lo);
	pid_file_write(pid_fd);
	if (daemon_start(d, d->config) < 0) {
		fprintf(stderr, "failoverd: start-up failed; see the messages above\n");
		daemonize_done(ready_fd, 1);
		eventlog_close(&d->events);
		unlink(d->options.pid_file);
		config_free(d->config);
		free(d);
		return 1;
	}
	daemonize_done(ready_fd, 0);
	int code = daemon_run(d);
	daemon_stop(d, "signal");
	eventlog_close(&d->events);
	log_close();
	unlink(d->options.pid_file);
	close(pid_fd);
	config_free(d->config);
	free(d);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		free(paths[i]);
	return code;
}
