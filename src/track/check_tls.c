/*
 * check_tls.c - TLS for health checks: the per-check SSL_CTX, a
 * non-blocking SSL_connect with SNI and optional verification, TLS reads
 * and writes for the connection layer, and the tls check itself (connect,
 * handshake, then the banner line must start with 'expect', e.g. "220").
 *
 * Every SSL call is preceded by ERR_clear_error(): OpenSSL keeps a
 * per-thread error queue and SSL_get_error() would otherwise report a stale
 * error left by another check (DEPENDENCIES.md 4). WANT_READ/WANT_WRITE
 * re-arm the connection's watcher for the same step. Connections are
 * closed without close_notify: a health check has nothing to protect from
 * truncation, and skipping it avoids a write to a socket the server may
 * already have closed.
 */
#include <errno.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "check_internal.h"
#include "failoverd/log.h"

int check_tls_context_create(struct check *c)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	char err[160];

	if (!ctx)
		goto fail;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* A server that closes without close_notify has still answered. */
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_verify(ctx, c->cfg.verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
	if (c->cfg.verify) {
		int ok = c->cfg.ca_file[0]
			     ? SSL_CTX_load_verify_locations(ctx, c->cfg.ca_file, NULL)
			     : SSL_CTX_set_default_verify_paths(ctx);
		if (ok != 1)
			goto fail;
	}
	c->ssl_ctx = ctx;
	return 0;
fail:
	ERR_error_string_n(ERR_peek_last_error(), err, sizeof(err));
	log_error("check %s: TLS context%s%s: %s", c->cfg.name,
		  c->cfg.ca_file[0] ? " with CA file " : "", c->cfg.ca_file, err);
	ERR_clear_error();
	SSL_CTX_free(ctx);
	return -EINVAL;
}

void check_tls_context_free(struct check *c)
{
	SSL_CTX_free(c->ssl_ctx);
	c->ssl_ctx = NULL;
}

/* Why an SSL call failed, as one readable phrase. */
static void check_tls_describe(const struct check *c, int ssl_error, char *out, size_t size)
{
	unsigned long e = ERR_peek_last_error();
	long verify = SSL_get_verify_result(c->conn.ssl);

	if (c->cfg.verify && verify != X509_V_OK && !c->conn.tls_done) {
		snprintf(out, size, "certificate verify failed: %s (%ld)",
			 X509_verify_cert_error_string(verify), verify);
	} else if (e) {
		const char *reason = ERR_reason_error_string(e);
		if (reason)
			snprintf(out, size, "%s", reason);
		else
			ERR_error_string_n(e, out, size);
	} else if (ssl_error == SSL_ERROR_SYSCALL && errno) {
		snprintf(out, size, "%s", strerror(errno));
	} else {
		snprintf(out, size, "connection closed by peer");
	}
}

/* Returns CHECK_IO_WAIT after re-arming, or CHECK_IO_DONE after failing. */
static ssize_t check_tls_handle_error(struct check *c, int ret, const char *what)
{
	int ssl_error = SSL_get_error(c->conn.ssl, ret);
	char reason[200];

	switch (ssl_error) {
	case SSL_ERROR_WANT_READ:
		check_conn_wait(c, EV_READ, c->conn.step, c->conn.phase);
		return CHECK_IO_WAIT;
	case SSL_ERROR_WANT_WRITE:
		check_conn_wait(c, EV_WRITE, c->conn.step, c->conn.phase);
		return CHECK_IO_WAIT;
	default:
		check_tls_describe(c, ssl_error, reason, sizeof(reason));
		ERR_clear_error();
		check_probe_done(c, false, "%s: %s", what, reason);
		return CHECK_IO_DONE;
	}
}

static void check_tls_handshake_step(struct check *c)
{
	int ret;

	ERR_clear_error();
	ret = SSL_connect(c->conn.ssl);
	if (ret == 1) {
		c->conn.tls_done = true;
		c->conn.after_connect(c);
		return;
	}
	check_tls_handle_error(c, ret, "TLS handshake");
}

void check_tls_handshake(struct check *c, const char *sni, const char *address,
			 check_step_fn on_done)
{
	SSL *ssl;

	ERR_clear_error();
	ssl = SSL_new(c->ssl_ctx);
	if (!ssl || SSL_set_fd(ssl, c->conn.fd) != 1)
		goto fail;
	c->conn.ssl = ssl;
	if (sni && *sni && SSL_set_tlsext_host_name(ssl, sni) != 1)
		goto fail;
	if (c->cfg.verify) {
		/* The name in the certificate: sni, or else the IP address. */
		int ok = sni && *sni ? SSL_set1_host(ssl, sni)
				     : X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), address);
		if (ok != 1)
			goto fail;
	}
	c->conn.after_connect = on_done;
	c->conn.step = check_tls_handshake_step;
	c->conn.phase = "TLS handshake";
	check_tls_handshake_step(c);
	return;
fail:
	if (!c->conn.ssl)
		SSL_free(ssl);
	check_probe_done(c, false, "TLS setup: %s",
			 ERR_reason_error_string(ERR_peek_last_error()) ?: "out of memory");
	ERR_clear_error();
}

ssize_t check_tls_read(struct check *c, void *buf, size_t len)
{
	int ret;

	ERR_clear_error();
	ret = SSL_read(c->conn.ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len);
	if (ret > 0)
		return ret;
	if (SSL_get_error(c->conn.ssl, ret) == SSL_ERROR_ZERO_RETURN)
		return 0;
	return check_tls_handle_error(c, ret, "TLS read");
}

ssize_t check_tls_write(struct check *c, const void *buf, size_t len)
{
	int ret;

	ERR_clear_error();
	ret = SSL_write(c->conn.ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len);
	if (ret > 0)
		return ret;
	return check_tls_handle_error(c, ret, "TLS write");
}

void check_tls_close(struct check *c)
{
	SSL_free(c->conn.ssl);
	c->conn.ssl = NULL;
	c->conn.tls_done = false;
	ERR_clear_error();
}

/* The tls check: connect, handshake, banner. */

static int check_tls_init(struct check *c)
{
	int err = check_target_init(c);

	return err < 0 ? err : check_tls_context_create(c);
}

static void check_tls_banner_step(struct check *c)
{
	ssize_t r = check_conn_receive(c, CHECK_BANNER_MAX);
	char line[CHECK_BANNER_MAX + 1];
	size_t expect_len = strlen(c->cfg.expect);

	if (r == CHECK_IO_DONE)
		return;
	if (r == CHECK_IO_WAIT && !memchr(c->conn.buf, '\n', c->conn.len))
		return;
	check_text_first_line(c->conn.buf, c->conn.len, line, sizeof(line));
	if (c->conn.len == 0)
		check_probe_done(c, false, "connection closed before the banner");
	else if (strncmp(line, c->cfg.expect, expect_len) == 0)
		check_probe_done(c, true, "banner '%.80s' in %lld ms", line,
				 (long long)(check_probe_elapsed_us(c) / 1000));
	else
		check_probe_done(c, false, "banner '%.80s' does not start with '%s'", line,
				 c->cfg.expect);
}

static void check_tls_established(struct check *c)
{
	if (!c->cfg.expect[0]) {
		check_probe_done(c, true, "TLS handshake in %lld ms",
				 (long long)(check_probe_elapsed_us(c) / 1000));
		return;
	}
	check_conn_wait(c, EV_READ, check_tls_banner_step, "waiting for the banner");
	check_tls_banner_step(c);
}

static void check_tls_connected(struct check *c)
{
	check_tls_handshake(c, c->cfg.sni, c->cfg.address, check_tls_established);
}

static void check_tls_start(struct check *c)
{
	check_conn_open(c, check_tls_connected);
}

const struct check_ops check_tls_ops = {
    .init = check_tls_init,
    .start = check_tls_start,
    .release = check_conn_close,
    .stop = check_conn_close,
    .destroy = check_tls_context_free,
    .phase = check_conn_phase,
};
