/*
 * check.c - the health-check scheduler: rise/fall hysteresis, one probe
 * per interval, the probe timeout, dispatch to the check types and the
 * status callback.
 *
 * A check starts DOWN. check_start arms a repeating ev_timer whose first
 * tick comes on the next loop iteration (so the first probe runs at once,
 * but never inside check_start itself); then a probe begins every interval,
 * counted from the previous start, so a slow service does not stretch the
 * period. At most one probe is in flight: the timeout (<= interval) ends it
 * as a failure, "timeout after X ms". The type files (check_exec.c,
 * check_tcp.c, check_tls.c, check_http.c, check_process.c) only start a
 * probe and report its result once through check_probe_done().
 *
 * The callback runs only when rise/fall changes the status; the detail of
 * every probe stays readable through check_last_detail().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_internal.h"
#include "failoverd/log.h"

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

void check_counter_init(struct check_counter *c, unsigned int rise, unsigned int fall)
{
	c->rise = rise ? rise : 1;
	c->fall = fall ? fall : 1;
	c->successes = 0;
	c->failures = 0;
	c->up = false;
}

bool check_counter_record(struct check_counter *c, bool ok)
{
	if (ok) {
		c->failures = 0;
		if (c->successes < c->rise)
			c->successes++;
		if (!c->up && c->successes >= c->rise) {
			c->up = true;
			return true;
		}
		return false;
	}
	c->successes = 0;
	if (c->failures < c->fall)
		c->failures++;
	if (c->up && c->failures >= c->fall) {
		c->up = false;
		return true;
	}
	return false;
}

static const struct check_ops *check_ops_of(enum check_type type)
{
	switch (type) {
	case CHECK_TCP:
		return &check_tcp_ops;
	case CHECK_TLS:
		return &check_tls_ops;
	case CHECK_HTTP:
		return &check_http_ops;
	case CHECK_EXEC:
		return &check_exec_ops;
	case CHECK_PROCESS:
		return &check_process_ops;
	}
	return NULL;
}

static void check_config_free_copy(struct check_config *cfg)
{
	if (cfg->command) {
		for (char **arg = cfg->command; *arg; arg++)
			free(*arg);
		free(cfg->command);
	}
	free((char *)cfg->file);
}

/* The check keeps its own copy, so it may outlive the config it came from
 * (a reload frees the old config once the new one is running). */
static int check_config_copy(struct check_config *dst, const struct check_config *src)
{
	size_t argc = 0;

	*dst = *src;
	dst->command = NULL;
	dst->file = NULL;
	if (src->file && !(dst->file = strdup(src->file)))
		return -ENOMEM;
	if (!src->command)
		return 0;
	while (src->command[argc])
		argc++;
	dst->command = calloc(argc + 1, sizeof(*dst->command));
	if (!dst->command)
		return -ENOMEM;
	for (size_t i = 0; i < argc; i++)
		if (!(dst->command[i] = strdup(src->command[i])))
			return -ENOMEM;
	return 0;
}

static void check_interval_cb(struct ev_loop *loop, ev_timer *w, int revents);
static void check_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents);

struct check *check_create(struct ev_loop *loop, const struct check_config *cfg,
			   check_status_fn callback, void *ctx)
{
	struct check *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		return NULL;
	c->loop = loop;
	c->callback = callback;
	c->ctx = ctx;
	c->conn.fd = -1;
	c->exec.out_fd = -1;
	c->ops = check_ops_of(cfg->type);
	err = check_config_copy(&c->cfg, cfg);
	if (err < 0)
		log_error("check %s: %s", cfg->name, strerror(-err));
	if (err == 0 && (!c->ops || cfg->interval_us <= 0 || cfg->timeout_us <= 0)) {
		log_error("check %s: unknown type or no interval/timeout", cfg->name);
		err = -EINVAL;
	}
	if (err == 0 && c->cfg.status == 0)
		c->cfg.status = 200;
	if (err == 0 && c->ops->init)
		err = c->ops->init(c); /* logs why it failed */
	if (err < 0) {
		check_config_free_copy(&c->cfg);
		free(c);
		errno = -err;
		return NULL;
	}
	check_counter_init(&c->counter, cfg->rise, cfg->fall);
	snprintf(c->detail, sizeof(c->detail), "not checked yet");
	c->stats.last_latency_us = -1;
	ev_timer_init(&c->interval_timer, check_interval_cb, 0., (double)cfg->interval_us / 1e6);
	ev_timer_init(&c->timeout_timer, check_timeout_cb, (double)cfg->timeout_us / 1e6, 0.);
	return c;
}

void check_start(struct check *c)
{
	if (c->running)
		return;
	c->running = true;
	/* after = 0: the first probe runs on the next loop iteration. */
	ev_timer_set(&c->interval_timer, 0., (double)c->cfg.interval_us / 1e6);
	ev_timer_start(c->loop, &c->interval_timer);
}

void check_stop(struct check *c)
{
	if (!c)
		return;
	c->running = false;
	ev_timer_stop(c->loop, &c->interval_timer);
	ev_timer_stop(c->loop, &c->timeout_timer);
	c->in_flight = false;
	c->ops->stop(c);
}

void check_free(struct check *c)
{
	if (!c)
		return;
	check_stop(c);
	if (c->ops->destroy)
		c->ops->destroy(c);
	check_config_free_copy(&c->cfg);
	free(c);
}

static void check_probe_begin(struct check *c)
{
	c->in_flight = true;
	/* ev_now() may be stale after long callbacks (DEPENDENCIES.md 3): the
	 * timeout counts from now, not from the start of the iteration. */
	ev_now_update(c->loop);
	c->probe_started = ev_time();
	ev_timer_set(&c->timeout_timer, (double)c->cfg.timeout_us / 1e6, 0.);
	ev_timer_start(c->loop, &c->timeout_timer);
	c->ops->start(c);
}

static void check_interval_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct check *c = container_of(w, struct check, interval_timer);

	if (c->in_flight || (c->ops->busy && c->ops->busy(c)))
		return; /* one probe at a time; a killed child is still being reaped */
	check_probe_begin(c);
}

static void check_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct check *c = container_of(w, struct check, timeout_timer);
	const char *phase = c->ops->phase ? c->ops->phase(c) : NULL;
	long long ms = (long long)(c->cfg.timeout_us / 1000);

	c->stats.timeouts++;
	if (phase)
		check_probe_done(c, false, "timeout after %lld ms (%s)", ms, phase);
	else
		check_probe_done(c, false, "timeout after %lld ms", ms);
}

void check_text_first_line(const char *text, size_t len, char *out, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < len && text[i] != '\r' && text[i] != '\n' && n + 1 < size; i++) {
		unsigned char ch = (unsigned char)text[i];
		out[n++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	if (size)
		out[n] = '\0';
}

int64_t check_probe_elapsed_us(const struct check *c)
{
	return (int64_t)((ev_time() - c->probe_started) * 1e6);
}

void check_probe_done(struct check *c, bool ok, const char *format, ...)
{
	va_list ap;

	if (!c->in_flight)
		return;
	c->in_flight = false;
	ev_timer_stop(c->loop, &c->timeout_timer);
	c->stats.last_latency_us = check_probe_elapsed_us(c);
	/* Format first: the arguments may point into the probe's buffers. */
	va_start(ap, format);
	vsnprintf(c->detail, sizeof(c->detail), format, ap);
	va_end(ap);
	c->ops->release(c);
	c->stats.probes++;
	if (ok)
		c->stats.successes++;
	else
		c->stats.failures++;
	/* Last: the callback may stop or free the check. */
	if (check_counter_record(&c->counter, ok) && c->callback)
		c->callback(c->ctx, c, c->counter.up, c->detail);
}

bool check_is_up(const struct check *c)
{
	return c->counter.up;
}

const char *check_last_detail(const struct check *c)
{
	return c->detail;
}

void check_get_stats(const struct check *c, struct check_stats *out)
{
	*out = c->stats;
}
