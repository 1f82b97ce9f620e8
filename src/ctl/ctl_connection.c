/*
 * ctl_connection.c - one exchange with failoverd over its control socket:
 * connect, write one JSON request line, read exactly one JSON reply line.
 *
 * The protocol (control.h) is one JSON object per line each way. The whole
 * exchange is bounded by CTL_TIMEOUT_MS (a reload re-reads and validates
 * the configuration, so it may take a while, but never forever) and the
 * reply by CTL_REPLY_LINE_MAX bytes. The connect itself is a plain blocking
 * connect: on a Unix socket it either succeeds or fails at once. After it,
 * the socket is non-blocking and every wait is a poll() against the one
 * deadline.
 *
 * Failures map to exit codes here, in one place: a missing socket, a
 * refused connection, a timeout or an unreadable reply are "cannot reach
 * failoverd" (2); EACCES on connect is "permission denied" (3).
 */
#include "ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "failoverd/control.h"
#include "failoverd/timefmt.h"

struct ctl_connection {
	const char *path;
	int fd;
	int64_t deadline_ms; /* CLOCK_MONOTONIC */
};

static int64_t ctl_now_ms(void)
{
	return clock_monotonic_us() / 1000;
}

static int ctl_connect_failed(const char *path, int error)
{
	const char *hint = "";

	if (error == ENOENT || error == ECONNREFUSED)
		hint = " (is failoverd running?)";
	else if (error == EACCES)
		hint = " (root may use every command; members of the control group may use "
		       "status, stats and metrics)";
	fprintf(stderr, "failoverctl: cannot connect to %s: %s%s\n", path, strerror(error), hint);
	return error == EACCES ? CONTROL_EXIT_DENIED : CONTROL_EXIT_UNREACHABLE;
}

static int ctl_connect(struct ctl_connection *connection)
{
	struct sockaddr_un address = {.sun_family = AF_UNIX};

	if (strlen(connection->path) >= sizeof(address.sun_path)) {
		fprintf(stderr, "failoverctl: socket path too long (at most %zu bytes): %s\n",
			sizeof(address.sun_path) - 1, connection->path);
		return CONTROL_EXIT_USAGE;
	}
	memcpy(address.sun_path, connection->path, strlen(connection->path) + 1);
	connection->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (connection->fd < 0)
		return ctl_connect_failed(connection->path, errno);
	if (connect(connection->fd, (struct sockaddr *)&address, sizeof(address)) < 0)
		return ctl_connect_failed(connection->path, errno);
	int flags = fcntl(connection->fd, F_GETFL);
	if (flags < 0 || fcntl(connection->fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return ctl_connect_failed(connection->path, errno);
	return CONTROL_EXIT_OK;
}

/* Waits for events until the deadline: 1 ready, 0 timed out, -errno. */
static int ctl_wait(const struct ctl_connection *connection, short events)
{
	for (;;) {
		int64_t left = connection->deadline_ms - ctl_now_ms();
		if (left <= 0)
			return 0;
		struct pollfd pfd = {.fd = connection->fd, .events = events};
		int ready = poll(&pfd, 1, (int)left);
		if (ready > 0)
			return 1;
		if (ready < 0 && errno != EINTR)
			return -errno;
	}
}

static int ctl_timed_out(const struct ctl_connection *connection)
{
	fprintf(stderr, "failoverctl: no reply from failoverd on %s within %d s\n",
		connection->path, CTL_TIMEOUT_MS / 1000);
	return CONTROL_EXIT_UNREACHABLE;
}

static int ctl_io_failed(const struct ctl_connection *connection, const char *what, int error)
{
	fprintf(stderr, "failoverctl: %s %s: %s\n", what, connection->path, strerror(error));
	return CONTROL_EXIT_UNREACHABLE;
}

static int ctl_send_line(const struct ctl_connection *connection, const char *line, size_t len)
{
	size_t sent = 0;

	while (sent < len) {
		ssize_t n = send(connection->fd, line + sent, len - sent, MSG_NOSIGNAL);
		if (n >= 0) {
			sent += (size_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		/*
		 * The daemon closed first: it refuses a client it does not
		 * accept with a reply before reading anything. That reply
		 * is still ours to read.
		 */
		if (errno == EPIPE || errno == ECONNRESET)
			return CONTROL_EXIT_OK;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return ctl_io_failed(connection, "cannot send the request to", errno);
		int ready = ctl_wait(connection, POLLOUT);
		if (ready == 0)
			return ctl_timed_out(connection);
		if (ready < 0)
			return ctl_io_failed(connection, "cannot send the request to", -ready);
	}
	return CONTROL_EXIT_OK;
}

/* The request as one line, checked against the daemon's limit before connecting. */
static int ctl_format_request(const struct json_object *request, char *line, size_t size,
			      size_t *len)
{
	const char *text = json_object_to_json_string_length(
	    (struct json_object *)request, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
	    len);

	if (*len + 1 > size) {
		fprintf(stderr,
			"failoverctl: request longer than %zu bytes (an argument is too long)\n",
			size - 1);
		return CONTROL_EXIT_USAGE;
	}
	memcpy(line, text, *len);
	line[(*len)++] = '\n';
	return CONTROL_EXIT_OK;
}

/* A growing buffer holding the reply line as it arrives. */
struct ctl_line {
	char *data;
	size_t len;
	size_t size;
};

static void ctl_line_reserve(struct ctl_line *line, size_t extra)
{
	if (line->len + extra <= line->size)
		return;
	size_t size = line->size ? line->size : 65536;
	while (size < line->len + extra)
		size *= 2;
	char *data = realloc(line->data, size);
	if (!data) {
		fprintf(stderr, "failoverctl: out of memory\n");
		exit(CONTROL_EXIT_UNREACHABLE);
	}
	line->data = data;
	line->size = size;
}

/*
 * Reads until the first line feed (dropped) or the end of the stream; what
 * follows a line feed is not read. Returns an exit code.
 */
static int ctl_read_line(const struct ctl_connection *connection, struct ctl_line *line)
{
	for (;;) {
		ctl_line_reserve(line, 65536);
		size_t room = line->size - line->len;
		if (room > CTL_REPLY_LINE_MAX + 1 - line->len)
			room = CTL_REPLY_LINE_MAX + 1 - line->len;
		ssize_t n = recv(connection->fd, line->data + line->len, room, 0);
		if (n > 0) {
			char *end = memchr(line->data + line->len, '\n', (size_t)n);
			line->len += (size_t)n;
			if (end) {
				line->len = (size_t)(end - line->data);
				return CONTROL_EXIT_OK;
			}
			if (line->len > CTL_REPLY_LINE_MAX) {
				fprintf(stderr,
					"failoverctl: reply from failoverd longer than %d MiB\n",
					CTL_REPLY_LINE_MAX / (1024 * 1024));
				return CONTROL_EXIT_UNREACHABLE;
			}
			continue;
		}
		/* End of stream (ECONNRESET: closed with our request unread). */
		if (n == 0 || errno == ECONNRESET)
			return CONTROL_EXIT_OK;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return ctl_io_failed(connection, "cannot read the reply from", errno);
		int ready = ctl_wait(connection, POLLIN);
		if (ready == 0)
			return ctl_timed_out(connection);
		if (ready < 0)
			return ctl_io_failed(connection, "cannot read the reply from", -ready);
	}
}

static int ctl_parse_reply(const struct ctl_connection *connection, const struct ctl_line *line,
			   struct json_object **reply)
{
	if (line->len == 0) {
		fprintf(stderr,
			"failoverctl: failoverd on %s closed the connection without a reply\n",
			connection->path);
		return CONTROL_EXIT_UNREACHABLE;
	}
	struct json_tokener *tokener = json_tokener_new();
	if (!tokener) {
		fprintf(stderr, "failoverctl: out of memory\n");
		exit(CONTROL_EXIT_UNREACHABLE);
	}
	struct json_object *object = json_tokener_parse_ex(tokener, line->data, (int)line->len);
	bool complete = json_tokener_get_error(tokener) == json_tokener_success;
	size_t used = json_tokener_get_parse_end(tokener);
	json_tokener_free(tokener);
	/* Only white space may follow the object on its line. */
	while (complete && used < line->len &&
	       (line->data[used] == ' ' || line->data[used] == '\t' || line->data[used] == '\r'))
		used++;
	if (!complete || used != line->len || !json_object_is_type(object, json_type_object)) {
		json_object_put(object);
		fprintf(stderr,
			"failoverctl: the reply from failoverd on %s is not a JSON object\n",
			connection->path);
		return CONTROL_EXIT_UNREACHABLE;
	}
	*reply = object;
	return CONTROL_EXIT_OK;
}

int ctl_exchange(const char *socket_path, const struct json_object *request,
		 struct json_object **reply)
{
	struct ctl_connection connection = {
	    .path = socket_path, .fd = -1, .deadline_ms = ctl_now_ms() + CTL_TIMEOUT_MS};
	struct ctl_line line = {0};
	char request_line[CONTROL_REQUEST_MAX];
	size_t request_len;

	*reply = NULL;
	int status = ctl_format_request(request, request_line, sizeof(request_line), &request_len);
	if (status == CONTROL_EXIT_OK)
		status = ctl_connect(&connection);
	if (status == CONTROL_EXIT_OK)
		status = ctl_send_line(&connection, request_line, request_len);
	if (status == CONTROL_EXIT_OK)
		status = ctl_read_line(&connection, &line);
	if (status == CONTROL_EXIT_OK)
		status = ctl_parse_reply(&connection, &line, reply);
	if (connection.fd >= 0)
		close(connection.fd);
	free(line.data);
	return status;
}
