/*
 * check_http.c - the http/https check: one GET per probe over a fresh
 * connection (TLS for https, as in check_tls.c), "Connection: close", and a
 * verdict from the status line, the latency and the body.
 *
 * The URL is parsed once at create time and its host must be a numeric
 * address (http://192.0.2.10:8080/health, https://[2001:db8::1]/): no name
 * is resolved, so no probe can block the loop. For a name-based virtual
 * host, set 'sni': it becomes the SNI, the name verified in the
 * certificate and the Host header.
 *
 * The response is read until the server closes, Content-Length is reached
 * or the last chunk arrives, bounded to CHECK_HTTP_RESPONSE_MAX bytes. The
 * body is searched as received: chunked framing is not decoded, so an
 * 'expect' string split across two chunks would not be found (keep it
 * short). Success: status == cfg.status (default 200), then latency <=
 * max_latency_us (if set), then the body contains 'expect' (if set); the
 * detail names the first rule that failed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check_internal.h"
#include "failoverd/log.h"

static int check_http_parse_authority(const char *p, struct check_http_target *out,
				      const char **rest)
{
	const char *end;
	size_t len;

	if (*p == '[') {
		end = strchr(++p, ']');
		if (!end)
			return -EINVAL;
		len = (size_t)(end - p);
		*rest = end + 1;
	} else {
		len = strcspn(p, ":/?#");
		*rest = p + len;
	}
	if (len == 0 || len >= sizeof(out->host))
		return -EINVAL;
	memcpy(out->host, p, len);
	out->host[len] = '\0';
	if (**rest == ':') {
		char *digits_end;
		unsigned long port = strtoul(*rest + 1, &digits_end, 10);

		if (digits_end == *rest + 1 || port == 0 || port > 65535)
			return -EINVAL;
		out->port = (uint16_t)port;
		*rest = digits_end;
	}
	return **rest == '\0' || strchr("/?#", **rest) ? 0 : -EINVAL;
}

int check_http_parse_url(const char *url, struct check_http_target *out)
{
	const char *rest;
	size_t len;

	memset(out, 0, sizeof(*out));
	if (strncmp(url, "http://", 7) == 0) {
		out->port = 80;
		url += 7;
	} else if (strncmp(url, "https://", 8) == 0) {
		out->https = true;
		out->port = 443;
		url += 8;
	} else {
		return -EINVAL;
	}
	if (check_http_parse_authority(url, out, &rest) < 0)
		return -EINVAL;
	len = strcspn(rest, "#");
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)rest[i] <= ' ' || rest[i] == 0x7f)
			return -EINVAL; /* would break the request line */
	if (len + 2 > sizeof(out->path))
		return -EINVAL;
	snprintf(out->path, sizeof(out->path), "%s%.*s", *rest == '/' ? "" : "/", (int)len, rest);
	return 0;
}

static int check_http_build_request(struct check *c)
{
	const struct check_http_target *t = &c->http;
	bool v6 = strchr(t->host, ':') != NULL;
	char port[8] = "", host[280];
	int n;

	if (t->port != (t->https ? 443 : 80))
		snprintf(port, sizeof(port), ":%u", t->port);
	if (c->cfg.sni[0])
		snprintf(host, sizeof(host), "%s%s", c->cfg.sni, port);
	else
		snprintf(host, sizeof(host), "%s%s%s%s", v6 ? "[" : "", t->host, v6 ? "]" : "",
			 port);
	n = asprintf(&c->http.request,
		     "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n"
		     "User-Agent: failoverd-check\r\n\r\n",
		     t->path, host);
	if (n < 0) {
		c->http.request = NULL;
		return -ENOMEM;
	}
	c->http.request_len = (size_t)n;
	return 0;
}

static void check_http_destroy(struct check *c)
{
	free(c->http.request);
	c->http.request = NULL;
	check_tls_context_free(c);
}

static int check_http_init(struct check *c)
{
	int err;

	if (check_http_parse_url(c->cfg.url, &c->http) < 0 ||
	    check_target_resolve(c->http.host, c->http.port, &c->target, &c->target_len) < 0) {
		log_error("check %s: url '%s' must be http:// or https:// with a numeric IP "
			  "address (names are not resolved, so that no check can block the loop; "
			  "use 'sni' for the name)",
			  c->cfg.name, c->cfg.url);
		return -EINVAL;
	}
	err = check_http_build_request(c);
	if (err == 0 && c->http.https)
		err = check_tls_context_create(c);
	if (err < 0)
		check_http_destroy(c);
	return err;
}

/* Where the body starts (after the blank line), or NULL if not yet. */
static const char *check_http_body(const struct check *c)
{
	const char *end = memmem(c->conn.buf, c->conn.len, "\r\n\r\n", 4);

	return end ? end + 4 : NULL;
}

/* A header's value (NULL if absent), searched in the header block only. */
static const char *check_http_header(const struct check *c, const char *name, const char *body)
{
	size_t name_len = strlen(name);

	for (const char *line = strstr(c->conn.buf, "\r\n"); line && line + 2 < body;
	     line = strstr(line + 2, "\r\n")) {
		if (strncasecmp(line + 2, name, name_len) == 0 && line[2 + name_len] == ':')
			return line + 3 + name_len;
	}
	return NULL;
}

/* The whole response is here (otherwise we read until the server closes). */
static bool check_http_complete(const struct check *c)
{
	const char *body = c->conn.len ? check_http_body(c) : NULL;
	const char *value;
	size_t body_len;

	if (!body)
		return false;
	body_len = c->conn.len - (size_t)(body - c->conn.buf);
	value = check_http_header(c, "Content-Length", body);
	if (value)
		return body_len >= strtoull(value, NULL, 10);
	value = check_http_header(c, "Transfer-Encoding", body);
	if (value && strncasecmp(value + strspn(value, " \t"), "chunked", 7) == 0)
		return body_len >= 5 && memcmp(body + body_len - 5, "0\r\n\r\n", 5) == 0;
	return false;
}

static bool check_http_body_contains(const struct check *c, const char *text)
{
	const char *body = check_http_body(c);

	return body && memmem(body, c->conn.len - (size_t)(body - c->conn.buf), text, strlen(text));
}

static void check_http_evaluate(struct check *c)
{
	long long ms = (long long)(check_probe_elapsed_us(c) / 1000);
	char line[120];
	int status;

	if (c->conn.len == 0) {
		check_probe_done(c, false, "connection closed without a response");
		return;
	}
	if (sscanf(c->conn.buf, "HTTP/%*1d.%*1d %3d", &status) != 1) {
		check_text_first_line(c->conn.buf, c->conn.len, line, sizeof(line));
		check_probe_done(c, false, "not an HTTP response: '%s'", line);
		return;
	}
	if (status != c->cfg.status) {
		check_probe_done(c, false, "HTTP %d after %lld ms", status, ms);
		return;
	}
	if (c->cfg.max_latency_us > 0 && check_probe_elapsed_us(c) > c->cfg.max_latency_us) {
		check_probe_done(c, false, "HTTP %d, latency %lld ms > %lld ms", status, ms,
				 (long long)(c->cfg.max_latency_us / 1000));
		return;
	}
	if (c->cfg.expect[0] && !check_http_body_contains(c, c->cfg.expect)) {
		check_probe_done(c, false, "HTTP %d, body lacks '%s'", status, c->cfg.expect);
		return;
	}
	check_probe_done(c, true, "HTTP %d in %lld ms", status, ms);
}

static void check_http_read_step(struct check *c)
{
	ssize_t r = check_conn_receive(c, CHECK_HTTP_RESPONSE_MAX);

	if (r == CHECK_IO_DONE)
		return;
	if (r == CHECK_IO_WAIT && !check_http_complete(c))
		return;
	check_http_evaluate(c);
}

static void check_http_send_step(struct check *c)
{
	while (c->conn.sent < c->http.request_len) {
		ssize_t n = check_conn_write(c, c->http.request + c->conn.sent,
					     c->http.request_len - c->conn.sent);
		if (n < 0)
			return;
		c->conn.sent += (size_t)n;
	}
	check_conn_wait(c, EV_READ, check_http_read_step, "reading the response");
	check_http_read_step(c);
}

static void check_http_ready(struct check *c)
{
	check_conn_wait(c, EV_WRITE, check_http_send_step, "sending the request");
	check_http_send_step(c);
}

static void check_http_connected(struct check *c)
{
	if (c->http.https)
		check_tls_handshake(c, c->cfg.sni, c->http.host, check_http_ready);
	else
		check_http_ready(c);
}

static void check_http_start(struct check *c)
{
	check_conn_open(c, check_http_connected);
}

const struct check_ops check_http_ops = {
    .init = check_http_init,
    .start = check_http_start,
    .release = check_conn_close,
    .stop = check_conn_close,
    .destroy = check_http_destroy,
    .phase = check_conn_phase,
};
