/*
 * probe_tls.c - TLS probe: TCP connect, a full TLS handshake, then (with
 * --expect) the first application data, i.e. the banner a client such as
 * `openssl s_client` shows after the handshake (SMTPS "220 ...",
 * IMAPS "* OK ...").
 *
 * The session cache is off so every probe pays for a full handshake, as a
 * new client would: a resumed session could succeed against a node that
 * would refuse a fresh one. OpenSSL runs on the non-blocking socket and each
 * WANT_READ/WANT_WRITE is turned into a probe_wait() with the probe's
 * deadline. A peer that closes without close_notify after its banner is
 * treated as an ordinary end of stream (SSL_OP_IGNORE_UNEXPECTED_EOF).
 */
#include "probe_io.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

int probe_tls_context_create(const struct probe_options *options, SSL_CTX **out, char *error,
			     size_t error_size)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (!ctx) {
		snprintf(error, error_size, "TLS: cannot create a client context");
		return -ENOMEM;
	}
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_TICKET);
	SSL_CTX_set_verify(ctx, options->verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
	if (options->verify) {
		int loaded;

		if (options->ca_file)
			loaded = SSL_CTX_load_verify_locations(ctx, options->ca_file, NULL);
		else
			loaded = SSL_CTX_set_default_verify_paths(ctx);
		if (loaded != 1) {
			snprintf(error, error_size, "--ca %s: cannot load CA certificates",
				 options->ca_file ? options->ca_file : "(system default)");
			SSL_CTX_free(ctx);
			ERR_clear_error();
			return -EINVAL;
		}
	}
	*out = ctx;
	return 0;
}

/* Status for a failed SSL_* call; err is SSL_get_error()'s answer. */
static enum probe_status probe_tls_failure(SSL *ssl, int err)
{
	switch (err) {
	case SSL_ERROR_ZERO_RETURN:
		return PROBE_CLOSED;
	case SSL_ERROR_SYSCALL:
		/* errno was cleared before the call: 0 means the peer closed. */
		return errno ? probe_status_from_errno(errno) : PROBE_CLOSED;
	case SSL_ERROR_SSL:
		if (SSL_get_verify_result(ssl) != X509_V_OK)
			return PROBE_CERTIFICATE;
		return PROBE_TLS;
	default:
		return PROBE_TLS;
	}
}

/*
 * Turns an SSL_* result into "done" (1), "wait for *events" (-EAGAIN), or
 * a failure (-EIO, *failure set).
 */
static int probe_tls_result(SSL *ssl, int result, short *events, enum probe_status *failure)
{
	int err;

	if (result > 0)
		return 1;
	err = SSL_get_error(ssl, result);
	if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
		*events = err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		return -EAGAIN;
	}
	*failure = probe_tls_failure(ssl, err);
	return -EIO;
}

static enum probe_status probe_tls_handshake(const struct probe_target *target, SSL *ssl, int fd,
					     int64_t deadline_us)
{
	for (;;) {
		enum probe_status failure = PROBE_TLS;
		short events = 0;
		int step, ready;

		ERR_clear_error();
		errno = 0;
		step = probe_tls_result(ssl, SSL_do_handshake(ssl), &events, &failure);
		if (step == 1)
			return PROBE_OK;
		if (step != -EAGAIN)
			return failure;
		ready = probe_wait(target, fd, events, deadline_us);
		if (ready <= 0)
			return probe_status_from_wait(ready);
	}
}

static ssize_t probe_tls_read(struct probe_reader *reader, char *buffer, size_t size, short *events,
			      enum probe_status *failure)
{
	SSL *ssl = reader->context;
	int n, step;

	ERR_clear_error();
	errno = 0;
	n = SSL_read(ssl, buffer, size > INT32_MAX ? INT32_MAX : (int)size);
	step = probe_tls_result(ssl, n, events, failure);
	if (step == 1)
		return n;
	if (step == -EIO && *failure == PROBE_CLOSED)
		return 0;
	return step;
}

static int probe_tls_configure(const struct probe_target *target, SSL *ssl, int fd)
{
	if (SSL_set_fd(ssl, fd) != 1)
		return -EIO;
	if (target->sni && SSL_set_tlsext_host_name(ssl, target->sni) != 1)
		return -EINVAL;
	if (target->verify_host && SSL_set1_host(ssl, target->verify_host) != 1)
		return -EINVAL;
	if (target->verify_address &&
	    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), target->verify_address) != 1)
		return -EINVAL;
	SSL_set_connect_state(ssl);
	return 0;
}

static enum probe_status probe_tls_session(const struct probe_target *target, SSL *ssl, int fd,
					   int64_t deadline_us)
{
	struct probe_reader reader = {.fd = fd, .context = ssl, .read = probe_tls_read};
	enum probe_status status;

	if (probe_tls_configure(target, ssl, fd))
		return PROBE_ERROR;
	status = probe_tls_handshake(target, ssl, fd, deadline_us);
	if (status == PROBE_OK && target->expect)
		status = probe_read_banner(target, &reader, deadline_us);
	/* One close_notify, never waited for: the probe's answer is known. */
	if (status == PROBE_OK)
		SSL_shutdown(ssl);
	return status;
}

enum probe_status probe_tls_run(const struct probe_target *target, int64_t deadline_us)
{
	enum probe_status status;
	SSL *ssl;
	int fd;

	status = probe_connect_stream(target, deadline_us, &fd);
	if (status != PROBE_OK)
		return status;
	ssl = SSL_new(target->tls);
	if (ssl) {
		status = probe_tls_session(target, ssl, fd, deadline_us);
		SSL_free(ssl);
	} else {
		status = PROBE_ERROR;
	}
	ERR_clear_error();
	close(fd);
	return status;
}
