/*
 * config_url.c - the URL of an http check, and host names in general.
 *
 * An http check is only as good as its URL: a typo that would make every
 * probe fail at run time (a port of 0, a host with a space, a fragment that
 * is never sent) must be refused while loading, at the url's FILE:LINE.
 * The accepted form is a subset of RFC 3986 section 3 that a health check
 * needs:
 *
 *   http[s]://HOST[:PORT][/PATH][?QUERY]
 *
 * HOST is an IPv4 address, an IPv6 address in brackets (RFC 3986 3.2.2) or
 * a host name (RFC 1123 2.1 labels). No user information (RFC 3986 3.2.1
 * deprecates passwords in URLs, and a health check has none to send), no
 * fragment (RFC 3986 3.5: never sent to the server), and only printable
 * ASCII: anything else must be percent-encoded by the author.
 *
 * These functions are pure: they only look at the text.
 */
#include "config_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RFC 1035 2.3.4: labels of at most 63 octets, names of at most 253 in text. */
#define CONFIG_LABEL_MAX 63
#define CONFIG_HOST_NAME_MAX 253

static bool config_label_valid(const char *label, size_t length)
{
	if (length == 0 || length > CONFIG_LABEL_MAX)
		return false;
	/* RFC 1123 2.1: letters, digits and hyphens, not at either end. */
	if (label[0] == '-' || label[length - 1] == '-')
		return false;
	for (size_t i = 0; i < length; i++)
		if (!isalnum((unsigned char)label[i]) && label[i] != '-')
			return false;
	return true;
}

bool config_host_name_valid(const char *name, size_t length)
{
	size_t start = 0;

	/* One trailing dot (a fully qualified name) is allowed. */
	if (length > 1 && name[length - 1] == '.')
		length--;
	if (length == 0 || length > CONFIG_HOST_NAME_MAX)
		return false;
	for (size_t i = 0; i <= length; i++) {
		if (i < length && name[i] != '.')
			continue;
		if (!config_label_valid(name + start, i - start))
			return false;
		start = i + 1;
	}
	return true;
}

/* Digits and dots only: meant as an IPv4 address, whatever it parses as. */
static bool config_looks_numeric(const char *text, size_t length)
{
	for (size_t i = 0; i < length; i++)
		if (!isdigit((unsigned char)text[i]) && text[i] != '.')
			return false;
	return true;
}

/* Copies text[0..length) into a NUL-terminated buffer and parses it. */
static bool config_parse_address_span(const char *text, size_t length, int family)
{
	char buf[IP_ADDRESS_TEXT_MAX];
	struct ip_address address;

	if (length == 0 || length >= sizeof(buf))
		return false;
	memcpy(buf, text, length);
	buf[length] = '\0';
	return ip_address_parse(buf, &address) == 0 && address.family == family;
}

const char *config_host_check(const char *host, size_t length)
{
	if (length == 0)
		return "the host is missing";
	if (config_looks_numeric(host, length))
		return config_parse_address_span(host, length, AF_INET)
			   ? NULL
			   : "the host is not a valid IPv4 address";
	return config_host_name_valid(host, length)
		   ? NULL
		   : "the host is not a valid host name (letters, digits and '-' in labels of "
		     "1 to 63 characters, separated by '.')";
}

/* Only printable ASCII other than space; the rest must be percent-encoded. */
static bool config_url_characters_valid(const char *url)
{
	for (const unsigned char *c = (const unsigned char *)url; *c; c++)
		if (*c <= ' ' || *c >= 0x7f)
			return false;
	return true;
}

/* ":PORT" after the host: 1..65535, digits only. */
static const char *config_url_check_port(const char *text, size_t length, uint16_t *port)
{
	unsigned long value = 0;

	if (length == 0 || length > 5)
		return "the port must be a number between 1 and 65535";
	for (size_t i = 0; i < length; i++) {
		if (!isdigit((unsigned char)text[i]))
			return "the port must be a number between 1 and 65535";
		value = value * 10 + (unsigned long)(text[i] - '0');
	}
	if (value < 1 || value > 65535)
		return "the port must be a number between 1 and 65535";
	*port = (uint16_t)value;
	return NULL;
}

/* Splits "HOST[:PORT]" (authority without user information) and checks it. */
static const char *config_url_check_authority(const char *authority, size_t length,
					      struct config_url *out)
{
	const char *host = authority, *colon;
	size_t host_length;

	if (memchr(authority, '@', length))
		return "user information (user@host) is not supported";
	if (length > 0 && authority[0] == '[') {
		const char *close = memchr(authority, ']', length);

		if (!close)
			return "'[' without a closing ']'";
		if (!config_parse_address_span(authority + 1, (size_t)(close - authority - 1),
					       AF_INET6))
			return "the host in [ ] is not a valid IPv6 address";
		host = authority + 1;
		host_length = (size_t)(close - authority - 1);
		colon = close + 1 < authority + length ? close + 1 : NULL;
		if (colon && *colon != ':')
			return "']' must be followed by ':PORT', '/' or the end";
	} else {
		const char *problem;

		colon = memchr(authority, ':', length);
		if (config_parse_address_span(authority, length, AF_INET6))
			return "an IPv6 address must be written in brackets, e.g. http://[::1]/";
		host_length = colon ? (size_t)(colon - authority) : length;
		problem = config_host_check(host, host_length);
		if (problem)
			return problem;
	}
	snprintf(out->host, sizeof(out->host), "%.*s", (int)host_length, host);
	if (!colon)
		return NULL;
	return config_url_check_port(colon + 1, (size_t)(authority + length - colon - 1),
				     &out->port);
}

const char *config_url_check(const char *url, struct config_url *out)
{
	const char *authority;
	size_t authority_length;
	const char *problem;

	memset(out, 0, sizeof(*out));
	if (strncmp(url, "https://", 8) == 0)
		out->https = true;
	else if (strncmp(url, "http://", 7) != 0)
		return "must start with http:// or https://";
	if (!config_url_characters_valid(url))
		return "space, control and non-ASCII characters must be percent-encoded";
	if (strchr(url, '#'))
		return "a fragment (#...) is never sent to the server: remove it";
	authority = url + (out->https ? 8 : 7);
	authority_length = strcspn(authority, "/?");
	if (authority_length == 0)
		return "the host is missing";
	problem = config_url_check_authority(authority, authority_length, out);
	if (problem)
		return problem;
	if (!out->port)
		out->port = out->https ? 443 : 80;
	out->path_offset = (size_t)(authority + authority_length - url);
	return NULL;
}
