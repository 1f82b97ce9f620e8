/*
 * ctl_reply.c - reading a reply of failoverd (shapes in control.h) and
 * turning its "ok" into failoverctl's exit code.
 *
 * Replies come from a daemon that may be newer or older than this client,
 * so every field is optional here: a getter says whether the field is there
 * with the right type, and the tables print "-" where it is not. Text from
 * the daemon goes to a terminal, so control characters are shown as '?'
 * rather than allowed to move the cursor or break a table row.
 */
#include "ctl.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "failoverd/control.h"

#define CTL_DENIED_PREFIX "permission denied"

void *ctl_alloc(size_t size)
{
	void *memory = calloc(1, size ? size : 1);

	if (!memory) {
		fprintf(stderr, "failoverctl: out of memory\n");
		exit(CONTROL_EXIT_UNREACHABLE);
	}
	return memory;
}

static struct json_object *ctl_reply_field(const struct json_object *object, const char *key)
{
	struct json_object *value = NULL;

	if (!json_object_is_type(object, json_type_object))
		return NULL;
	json_object_object_get_ex(object, key, &value);
	return value;
}

const char *ctl_reply_string(const struct json_object *object, const char *key)
{
	struct json_object *value = ctl_reply_field(object, key);

	return json_object_is_type(value, json_type_string) ? json_object_get_string(value) : NULL;
}

bool ctl_reply_int(const struct json_object *object, const char *key, int64_t *value)
{
	struct json_object *field = ctl_reply_field(object, key);

	if (!json_object_is_type(field, json_type_int))
		return false;
	*value = json_object_get_int64(field);
	return true;
}

bool ctl_reply_double(const struct json_object *object, const char *key, double *value)
{
	struct json_object *field = ctl_reply_field(object, key);

	if (!json_object_is_type(field, json_type_int) &&
	    !json_object_is_type(field, json_type_double))
		return false;
	*value = json_object_get_double(field);
	return true;
}

bool ctl_reply_bool(const struct json_object *object, const char *key, bool *value)
{
	struct json_object *field = ctl_reply_field(object, key);

	if (!json_object_is_type(field, json_type_boolean))
		return false;
	*value = json_object_get_boolean(field);
	return true;
}

size_t ctl_reply_array(const struct json_object *object, const char *key,
		       struct json_object **array)
{
	*array = ctl_reply_field(object, key);
	if (!json_object_is_type(*array, json_type_array)) {
		*array = NULL;
		return 0;
	}
	return json_object_array_length(*array);
}

void ctl_print_clean(FILE *out, const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, out);
}

/*
 * ok:true -> 0. ok:false -> the daemon's "error" (and, from a reload, its
 * "FILE:LINE: message" lines) on stderr, and 3 when the error says
 * "permission denied", else 4. No boolean "ok" at all is not a reply of
 * failoverd: 2.
 */
int ctl_reply_check(const struct json_object *reply)
{
	bool ok;

	if (!ctl_reply_bool(reply, "ok", &ok)) {
		fprintf(stderr, "failoverctl: the reply from failoverd has no \"ok\" field\n");
		return CONTROL_EXIT_UNREACHABLE;
	}
	if (ok)
		return CONTROL_EXIT_OK;
	const char *error = ctl_reply_string(reply, "error");
	if (!error || !*error)
		error = "the request failed (no reason given)";
	fputs("failoverctl: ", stderr);
	ctl_print_clean(stderr, error);
	fputc('\n', stderr);

	struct json_object *errors;
	size_t count = ctl_reply_array(reply, "errors", &errors);
	for (size_t i = 0; i < count; i++) {
		struct json_object *line = json_object_array_get_idx(errors, i);
		if (!json_object_is_type(line, json_type_string))
			continue;
		ctl_print_clean(stderr, json_object_get_string(line));
		fputc('\n', stderr);
	}
	if (!strncasecmp(error, CTL_DENIED_PREFIX, strlen(CTL_DENIED_PREFIX)))
		return CONTROL_EXIT_DENIED;
	return CONTROL_EXIT_FAILED;
}

void ctl_reply_print_json(const struct json_object *reply, FILE *out)
{
	fputs(json_object_to_json_string_ext((struct json_object *)reply,
					     JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						 JSON_C_TO_STRING_NOSLASHESCAPE),
	      out);
	fputc('\n', out);
}

/* 12.3s, 5m02s, 3h04m, 2d03h: precise when recent, short when old. */
void ctl_format_duration(double seconds, char *buf, size_t size)
{
	if (!(seconds >= 0)) {
		snprintf(buf, size, "-");
		return;
	}
	if (seconds < 60) {
		snprintf(buf, size, "%.1fs", seconds);
		return;
	}
	unsigned long long whole = (unsigned long long)seconds;
	if (whole < 3600)
		snprintf(buf, size, "%llum%02llus", whole / 60, whole % 60);
	else if (whole < 86400)
		snprintf(buf, size, "%lluh%02llum", whole / 3600, whole % 3600 / 60);
	else
		snprintf(buf, size, "%llud%02lluh", whole / 86400, whole % 86400 / 3600);
}

/*
 * The strings of array joined by ',': at most limit of them (0: all), then
 * "+N" for the rest; "-" for none. Truncated to fit buf.
 */
void ctl_join_strings(const struct json_object *array, size_t limit, char *buf, size_t size)
{
	size_t count =
	    json_object_is_type(array, json_type_array) ? json_object_array_length(array) : 0;
	size_t shown = limit && count > limit ? limit : count;
	size_t len = 0;

	snprintf(buf, size, "-");
	for (size_t i = 0; i < shown; i++) {
		struct json_object *item = json_object_array_get_idx(array, i);
		const char *text = json_object_is_type(item, json_type_string)
				       ? json_object_get_string(item)
				       : "?";
		int n = snprintf(buf + len, size - len, "%s%s", i ? "," : "", text);
		if (n < 0 || (size_t)n >= size - len)
			return;
		len += (size_t)n;
	}
	if (shown < count)
		snprintf(buf + len, size - len, ",+%zu", count - shown);
}
