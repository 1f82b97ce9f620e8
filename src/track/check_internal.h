/*
 * check_internal.h - what the health-check files share: struct check, the
 * per-type operations table, and the connection layer used by tcp, tls and
 * http/https probes.
 *
 * check.c owns scheduling (interval, timeout, rise/fall, callback) and calls
 * a type's operations; a type starts a probe and ends it exactly once with
 * check_probe_done(). Everything is non-blocking inside the caller's libev
 * loop. check_probe_done() may run the user callback, which may stop or free
 * the check: a function that has called it (or a helper returning
 * CHECK_IO_DONE) must return at once without touching the check again.
 */
#ifndef FAILOVERD_CHECK_INTERNAL_H
#define FAILOVERD_CHECK_INTERNAL_H

#include <ev.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "failoverd/check.h"

#define CHECK_DETAIL_MAX 256
#define CHECK_EXEC_OUTPUT_MAX 512 /* output kept for the detail */
#define CHECK_HTTP_RESPONSE_MAX 65536
#define CHECK_BANNER_MAX 512

/* Results of the connection layer's read and write helpers (>= 0: bytes). */
#define CHECK_IO_WAIT (-1) /* would block; the watcher is rearmed */
#define CHECK_IO_DONE (-2) /* failed and reported: return at once */

struct check_ops {
	/* At create time: parse the config, build an SSL_CTX. Returns 0 or a
	 * negative errno after logging why. */
	int (*init)(struct check *c);
	/* Begins a probe; it ends (maybe synchronously) in check_probe_done. */
	void (*start)(struct check *c);
	/* A probe ended (any result, timeout included): release its sockets,
	 * SSL, pipe; kill a child still running (reaped later). */
	void (*release)(struct check *c);
	/* check_stop: like release, and also reap a child before returning. */
	void (*stop)(struct check *c);
	/* Resources from init. */
	void (*destroy)(struct check *c);
	/* What an unfinished probe is waiting for ("connecting"), or NULL. */
	const char *(*phase)(const struct check *c);
	/* A previous probe still holds resources (a killed child not yet
	 * reaped); the next interval is skipped. May be NULL. */
	bool (*busy)(const struct check *c);
};

struct check;
typedef void (*check_step_fn)(struct check *c);

/* One TCP (optionally TLS) connection of a tcp, tls or http probe. */
struct check_conn {
	int fd;
	ev_io io;
	SSL *ssl;
	check_step_fn step; /* runs when the socket is ready */
	check_step_fn after_connect;
	const char *phase;
	char *buf; /* received bytes, NUL-terminated */
	size_t len, cap;
	size_t sent;
	bool tls_done; /* handshake completed: close_notify may be sent */
};

struct check_exec {
	pid_t pid; /* > 0 while the child is not reaped */
	ev_child child;
	int out_fd; /* read end of the stdout/stderr pipe, or -1 */
	ev_io out_io;
	char output[CHECK_EXEC_OUTPUT_MAX + 1];
	size_t output_len;
};

struct check_http_target {
	bool https;
	char host[256]; /* as written in the url, without brackets */
	uint16_t port;
	char path[1024];
	char *request; /* built once at create time */
	size_t request_len;
};

struct check {
	struct ev_loop *loop;
	struct check_config cfg; /* own deep copy */
	check_status_fn callback;
	void *ctx;
	const struct check_ops *ops;

	struct check_counter counter;
	ev_timer interval_timer;
	ev_timer timeout_timer;
	bool running;
	bool in_flight;
	ev_tstamp probe_started;
	char detail[CHECK_DETAIL_MAX];
	struct check_stats stats;

	/* tcp, tls, http: the numeric target resolved at create time */
	struct sockaddr_storage target;
	socklen_t target_len;
	struct check_http_target http;
	SSL_CTX *ssl_ctx; /* tls, https: one per check */
	struct check_conn conn;

	struct check_exec exec;
};

extern const struct check_ops check_exec_ops;
extern const struct check_ops check_tcp_ops;
extern const struct check_ops check_tls_ops;
extern const struct check_ops check_http_ops;
extern const struct check_ops check_process_ops;

/* check.c: ends the probe in flight (no-op if none), formats its detail. */
void check_probe_done(struct check *c, bool ok, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
/* Copies the first line of text (up to CR/LF) into out, with control and
 * non-ASCII bytes shown as '?', for a detail string. */
void check_text_first_line(const char *text, size_t len, char *out, size_t size);
/* Microseconds since the probe began (ev_time, not the loop's stale now). */
int64_t check_probe_elapsed_us(const struct check *c);

/* check_tcp.c: the connection layer. */
/* Resolves cfg.address:port (numeric only) into c->target; logs and
 * returns -EINVAL otherwise (tcp and tls checks). */
int check_target_init(struct check *c);
int check_target_resolve(const char *host, uint16_t port, struct sockaddr_storage *out,
			 socklen_t *out_len);
/* Connects to c->target without blocking; then runs on_connected, or ends
 * the probe with "connect: <reason>". */
void check_conn_open(struct check *c, check_step_fn on_connected);
void check_conn_wait(struct check *c, int events, check_step_fn step, const char *phase);
ssize_t check_conn_read(struct check *c, void *buf, size_t len);
ssize_t check_conn_write(struct check *c, const void *buf, size_t len);
/* Appends what is readable to conn.buf (bounded by max): > 0 bytes added,
 * 0 on EOF or when full, or CHECK_IO_WAIT / CHECK_IO_DONE. */
ssize_t check_conn_receive(struct check *c, size_t max);
void check_conn_close(struct check *c);
const char *check_conn_phase(const struct check *c);

/* check_tls.c */
int check_tls_context_create(struct check *c);
void check_tls_context_free(struct check *c);
/* Starts the TLS handshake on the connected socket; then runs on_done.
 * sni may be NULL (no SNI); verification (if configured) checks sni or, without it,
 * the numeric address. */
void check_tls_handshake(struct check *c, const char *sni, const char *address,
			 check_step_fn on_done);
ssize_t check_tls_read(struct check *c, void *buf, size_t len);
ssize_t check_tls_write(struct check *c, const void *buf, size_t len);
void check_tls_close(struct check *c);

/* check_http.c (exposed for the tests). */
int check_http_parse_url(const char *url, struct check_http_target *out);

#endif
