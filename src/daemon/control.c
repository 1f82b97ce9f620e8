/*
 * control.c - the control socket server (protocol in control.h).
 *
 * Everything is non-blocking and bounded, because the same loop runs the
 * VRRP timers: a client that sends a huge request, never reads its reply,
 * or just sits there is cut off (CONTROL_REQUEST_MAX, CONTROL_REPLY_MAX,
 * CONTROL_IDLE_TIMEOUT_S, CONTROL_CLIENTS_MAX), never waited for. Access
 * is decided once per connection from the peer's credentials.
 */
#include "failoverd/control.h"

#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "failoverd/daemon.h"
#include "failoverd/log.h"
#include "failoverd/metrics.h"

struct control_client {
	struct control_server *server;
	int fd;
	ev_io io;
	ev_timer idle;
	bool read_only;
	bool denied;
	bool closing; /* close once the reply is flushed */
	bool discarding; /* dropping an over-long request up to its newline */
	ev_tstamp last_active;
	char in[CONTROL_REQUEST_MAX];
	size_t in_len;
	char *out;
	size_t out_len, out_off;
};

struct control_server {
	struct daemon *daemon;
	int fd;
	ev_io io;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	bool has_group;
	gid_t group;
	struct control_client *clients[CONTROL_CLIENTS_MAX];
	size_t client_count;
};

static void control_client_close(struct control_client *c)
{
	struct control_server *s = c->server;
	struct ev_loop *loop = s->daemon->loop;

	ev_io_stop(loop, &c->io);
	ev_timer_stop(loop, &c->idle);
	close(c->fd);
	for (size_t i = 0; i < s->client_count; i++)
		if (s->clients[i] == c) {
			s->clients[i] = s->clients[--s->client_count];
			break;
		}
	free(c->out);
	free(c);
}

static void control_client_watch(struct control_client *c)
{
	struct ev_loop *loop = c->server->daemon->loop;
	int events = c->out_off < c->out_len ? EV_WRITE : EV_READ;

	if ((c->io.events & (EV_READ | EV_WRITE)) == events && ev_is_active(&c->io))
		return;
	ev_io_stop(loop, &c->io);
	ev_io_set(&c->io, c->fd, events);
	ev_io_start(loop, &c->io);
}

/* Sends what the socket takes now; the rest waits for EV_WRITE. */
static bool control_client_flush(struct control_client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0)
			return false;
		c->out_off += (size_t)n;
	}
	if (c->out_off == c->out_len) {
		c->out_off = c->out_len = 0;
		if (c->closing)
			return false;
	}
	control_client_watch(c);
	return true;
}

static bool control_client_queue(struct control_client *c, struct json_object *reply)
{
	size_t len;
	const char *text = json_object_to_json_string_length(
		reply, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	bool ok = true;

	if (c->out_len - c->out_off + len + 1 > CONTROL_REPLY_MAX) {
		log_warning("control: client does not read its replies; disconnecting it");
		ok = false;
	} else {
		char *grown = realloc(c->out, c->out_len + len + 1);

		if (!grown) {
			ok = false;
		} else {
			c->out = grown;
			memcpy(c->out + c->out_len, text, len);
			c->out[c->out_len + len] = '\n';
			c->out_len += len + 1;
		}
	}
	json_object_put(reply);
	return ok;
}

static struct json_object *control_error(const char *format, ...)
	__attribute__((format(printf, 1, 2)));

static struct json_object *control_error(const char *format, ...)
{
	struct json_object *reply = json_object_new_object();
	char text[512];
	va_list args;

	va_start(args, format);
	vsnprintf(text, sizeof(text), format, args);
	va_end(args);
	json_object_object_add(reply, "ok", json_object_new_boolean(0));
	json_object_object_add(reply, "error", json_object_new_string(text));
	return reply;
}

static struct json_object *control_metrics(struct daemon *d)
{
	struct json_object *status = daemon_status_json(d);
	struct json_object *stats = daemon_stats_json(d);
	char *text = metrics_render(status, stats);
	struct json_object *reply;

	json_object_put(status);
	json_object_put(stats);
	if (!text)
		return control_error("cannot render metrics");
	reply = json_object_new_object();
	json_object_object_add(reply, "ok", json_object_new_boolean(1));
	json_object_object_add(reply, "text", json_object_new_string(text));
	free(text);
	return reply;
}

static const char *json_string_member(struct json_object *obj, const char *key)
{
	struct json_object *value;

	if (!json_object_object_get_ex(obj, key, &value) ||
	    !json_object_is_type(value, json_type_string))
		return NULL;
	return json_object_get_string(value);
}

static struct json_object *control_maintenance(struct daemon *d, struct json_object *request)
{
	const char *instance = json_string_member(request, "instance");
	const char *state = json_string_member(request, "state");

	if (!instance || !state || (strcmp(state, "on") != 0 && strcmp(state, "off") != 0))
		return control_error("maintenance needs \"instance\" (a name or \"all\") and "
				     "\"state\" (\"on\" or \"off\")");
	return daemon_maintenance(d, instance, strcmp(state, "on") == 0);
}

static struct json_object *control_dispatch(struct control_client *c, struct json_object *request)
{
	struct daemon *d = c->server->daemon;
	const char *command = json_string_member(request, "command");
	bool read_only;

	if (!command)
		return control_error("a request is {\"command\": \"...\"}");
	read_only = !strcmp(command, "status") || !strcmp(command, "stats") ||
		    !strcmp(command, "metrics");
	if (!read_only && strcmp(command, "reload") && strcmp(command, "maintenance"))
		return control_error("unknown command '%s'", command);
	if (c->read_only && !read_only)
		return control_error("permission denied: '%s' needs root", command);
	if (!strcmp(command, "status"))
		return daemon_status_json(d);
	if (!strcmp(command, "stats"))
		return daemon_stats_json(d);
	if (!strcmp(command, "metrics"))
		return control_metrics(d);
	if (!strcmp(command, "reload"))
		return daemon_reload(d, "failoverctl");
	return control_maintenance(d, request);
}

/* Handles every complete line in the input buffer. */
static bool control_client_requests(struct control_client *c)
{
	char *newline;

	while ((newline = memchr(c->in, '\n', c->in_len)) != NULL) {
		size_t line_len = (size_t)(newline - c->in);
		struct json_tokener *tok = json_tokener_new();
		struct json_object *request = json_tokener_parse_ex(tok, c->in, (int)line_len);
		struct json_object *reply;
		bool parsed = request && json_tokener_get_error(tok) == json_tokener_success &&
			      json_object_is_type(request, json_type_object);

		json_tokener_free(tok);
		reply = parsed ? control_dispatch(c, request)
			       : control_error("a request is one JSON object per line");
		json_object_put(request);
		memmove(c->in, newline + 1, c->in_len - line_len - 1);
		c->in_len -= line_len + 1;
		if (!control_client_queue(c, reply))
			return false;
	}
	if (c->in_len == sizeof(c->in)) {
		/* Answer now and drop the rest of that line as it arrives: closing
		 * with unread data would reset the connection and lose the answer. */
		if (!control_client_queue(c, control_error("request longer than %d bytes",
							   CONTROL_REQUEST_MAX)))
			return false;
		c->in_len = 0;
		c->discarding = true;
	}
	return control_client_flush(c);
}

static void on_client_io(struct ev_loop *loop, ev_io *w, int revents)
{
	struct control_client *c = w->data;

	ev_timer_again(loop, &c->idle);
	if (revents & EV_WRITE) {
		if (!control_client_flush(c))
			control_client_close(c);
		return;
	}
	ssize_t n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		control_client_close(c);
		return;
	}
	c->last_active = ev_now(loop);
	if (c->discarding) {
		char *newline = memchr(c->in + c->in_len, '\n', (size_t)n);

		if (!newline)
			return;
		/* Keep what follows the end of the over-long line. */
		size_t rest = (size_t)n - (size_t)(newline + 1 - (c->in + c->in_len));
		memmove(c->in, newline + 1, rest);
		c->in_len = 0;
		n = (ssize_t)rest;
		c->discarding = false;
	}
	c->in_len += (size_t)n;
	if (!control_client_requests(c))
		control_client_close(c);
}

static void on_client_idle(struct ev_loop *loop, ev_timer *w, int revents)
{
	control_client_close(w->data);
}

/* Supplementary groups from /proc/PID/status (a local read; no NSS lookup
 * that could block the loop). */
static bool control_peer_in_group(pid_t pid, gid_t primary, gid_t group)
{
	char path[64], line[1024];
	bool found = primary == group;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	f = fopen(path, "re");
	if (!f)
		return found;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Groups:", 7) != 0)
			continue;
		char *p = line + 7, *end;
		for (;;) {
			unsigned long g = strtoul(p, &end, 10);
			if (end == p)
				break;
			if ((gid_t)g == group)
				found = true;
			p = end;
		}
	}
	fclose(f);
	return found;
}

/*
 * All slots taken: the client that has been idle longest (nothing to send,
 * nothing half-received) makes room, so that idle connections can never
 * lock an operator out. Returns false when every client is busy.
 */
static bool control_evict_idle(struct control_server *s)
{
	struct control_client *oldest = NULL;

	for (size_t i = 0; i < s->client_count; i++) {
		struct control_client *c = s->clients[i];

		if (c->in_len || c->discarding || c->out_off < c->out_len)
			continue;
		if (!oldest || c->last_active < oldest->last_active)
			oldest = c;
	}
	if (!oldest)
		return false;
	log_info("control: %d clients connected; closing the one idle longest",
		 CONTROL_CLIENTS_MAX);
	control_client_close(oldest);
	return true;
}

static void on_control_accept(struct ev_loop *loop, ev_io *w, int revents)
{
	struct control_server *s = w->data;
	int fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (fd < 0)
		return;
	if (s->client_count >= CONTROL_CLIENTS_MAX && !control_evict_idle(s)) {
		log_warning("control: %d clients busy; refusing another", CONTROL_CLIENTS_MAX);
		close(fd);
		return;
	}
	struct control_client *c = calloc(1, sizeof(*c));
	if (!c || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		free(c);
		close(fd);
		return;
	}
	c->server = s;
	c->fd = fd;
	c->last_active = ev_now(loop);
	if (cred.uid != 0) {
		if (s->has_group && control_peer_in_group(cred.pid, cred.gid, s->group))
			c->read_only = true;
		else
			c->denied = true;
	}
	s->clients[s->client_count++] = c;
	ev_io_init(&c->io, on_client_io, fd, EV_READ);
	c->io.data = c;
	ev_init(&c->idle, on_client_idle);
	c->idle.repeat = CONTROL_IDLE_TIMEOUT_S;
	c->idle.data = c;
	ev_timer_again(loop, &c->idle);
	if (c->denied) {
		log_warning("control: refused uid %ld (pid %ld): not root%s", (long)cred.uid,
			    (long)cred.pid, s->has_group ? " and not in the control group" : "");
		control_client_queue(c, control_error("permission denied: failoverd accepts root%s",
						      s->has_group ? " and its control group" : ""));
		c->closing = true;
		if (!control_client_flush(c))
			control_client_close(c);
		return;
	}
	ev_io_start(loop, &c->io);
}

/* A socket file left by a daemon that died is removed; one that answers
 * belongs to a running daemon and is an error. */
static int control_clear_stale(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct stat st;
	int fd, err = 0;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
		err = -EADDRINUSE;
	else if (unlink(path) < 0)
		err = -errno;
	close(fd);
	return err;
}

int control_open(struct daemon *d, const char *path, const char *group_name)
{
	struct control_server *s = calloc(1, sizeof(*s));
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int err;

	if (!s)
		return -ENOMEM;
	s->daemon = d;
	s->fd = -1;
	if (strlen(path) >= sizeof(addr.sun_path)) {
		free(s);
		return -ENAMETOOLONG;
	}
	snprintf(s->path, sizeof(s->path), "%s", path);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	if (group_name && *group_name) {
		struct group *g = getgrnam(group_name);

		if (!g) {
			free(s);
			return -ENOENT;
		}
		s->has_group = true;
		s->group = g->gr_gid;
	}
	if ((err = control_clear_stale(path)) < 0)
		goto fail;
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		err = -errno;
		goto fail;
	}
	mode_t old = umask(0177);
	err = bind(s->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ? -errno : 0;
	umask(old);
	if (err < 0) {
		/* Nothing of ours is at path: never unlink what someone else bound. */
		close(s->fd);
		free(s);
		return err;
	}
	if (s->has_group && (chown(path, 0, s->group) < 0 || chmod(path, 0660) < 0)) {
		err = -errno;
		goto fail;
	}
	if (listen(s->fd, CONTROL_CLIENTS_MAX) < 0) {
		err = -errno;
		goto fail;
	}
	ev_io_init(&s->io, on_control_accept, s->fd, EV_READ);
	s->io.data = s;
	ev_io_start(d->loop, &s->io);
	d->control = s;
	return 0;
fail:
	if (s->fd >= 0) {
		close(s->fd);
		unlink(path);
	}
	free(s);
	return err;
}

void control_close(struct daemon *d)
{
	struct control_server *s = d->control;

	if (!s)
		return;
	while (s->client_count)
		control_client_close(s->clients[0]);
	ev_io_stop(d->loop, &s->io);
	close(s->fd);
	unlink(s->path);
	free(s);
	d->control = NULL;
}
