/*
 * verify.c - the log verifier's groundwork (see verify.h for what it
 * checks): the lifecycle of a struct verify, arrays that grow, interned
 * strings, recording problems, and the time format of the event log.
 *
 * Memory errors are sticky: the first one is kept in v->error, every later
 * step does nothing, and verify_check returns it. The callers then need one
 * check at the end instead of one per allocation.
 *
 * Strings read from the logs (node and instance names, reasons, addresses)
 * are interned: one copy each, so a log of a million events about two nodes
 * holds two node names, and names compare by pointer.
 */
#include "verify_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define VERIFY_STRINGS_INITIAL 64

void verify_init(struct verify *v, int64_t tolerance_us)
{
	memset(v, 0, sizeof(*v));
	v->tolerance_us = tolerance_us;
	v->internal = calloc(1, sizeof(*v->internal));
	if (!v->internal) {
		v->error = -ENOMEM;
		return;
	}
	memset(v->internal->router_index, -1, sizeof(v->internal->router_index));
}

static void verify_free_internal(struct verify_internal *in)
{
	for (size_t i = 0; i < in->strings.size; i++)
		free(in->strings.slots[i].text);
	free(in->strings.slots);
	free(in->nodes);
	free(in->events);
	if (in->tokener)
		json_tokener_free(in->tokener);
	free(in);
}

static void verify_free_router(struct verify_router *r)
{
	free(r->instances);
	free(r->changes);
	for (size_t i = 0; i < r->overlap_count; i++)
		free(r->overlaps[i].nodes);
	free(r->overlaps);
	free(r->intervals);
	free(r->sightings);
}

void verify_free(struct verify *v)
{
	for (size_t i = 0; i < v->file_count; i++)
		free(v->files[i].name);
	free(v->files);
	for (size_t i = 0; i < v->router_count; i++)
		verify_free_router(&v->routers[i]);
	free(v->routers);
	for (size_t i = 0; i < v->violation_count; i++)
		free(v->violations[i].message);
	free(v->violations);
	for (size_t i = 0; i < v->warning_count; i++)
		free(v->warnings[i].message);
	free(v->warnings);
	free(v->malformed);
	if (v->internal)
		verify_free_internal(v->internal);
	memset(v, 0, sizeof(*v));
}

void *verify_grow(struct verify *v, void *array, size_t *size, size_t count, size_t item)
{
	if (v->error || count < *size)
		return array;
	size_t grown = *size ? *size * 2 : 16;
	void *bigger = grown <= SIZE_MAX / item ? realloc(array, grown * item) : NULL;
	if (!bigger) {
		v->error = -ENOMEM;
		return array;
	}
	*size = grown;
	return bigger;
}

/* qsort, which must not be given a NULL array even when it is empty. */
void verify_sort(void *items, size_t count, size_t size, int (*compare)(const void *, const void *))
{
	if (count > 1)
		qsort(items, count, size, compare);
}

int verify_compare_int64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

/* ---- interned strings ---------------------------------------------------- */

/* FNV-1a: short keys, few of them, no adversary worth a keyed hash. */
static uint64_t verify_hash(const char *text, size_t len)
{
	uint64_t hash = 14695981039346656037ULL;

	for (size_t i = 0; i < len; i++) {
		hash ^= (unsigned char)text[i];
		hash *= 1099511628211ULL;
	}
	return hash;
}

static struct verify_string *verify_strings_slot(struct verify_strings *set, const char *text,
						 size_t len)
{
	size_t mask = set->size - 1;
	size_t i = (size_t)verify_hash(text, len) & mask;

	while (set->slots[i].text &&
	       (strncmp(set->slots[i].text, text, len) || set->slots[i].text[len]))
		i = (i + 1) & mask;
	return &set->slots[i];
}

/* Doubles the table (kept at most half full, so probing stays short). */
static int verify_strings_grow(struct verify_strings *set)
{
	struct verify_strings bigger = {
	    .size = set->size ? set->size * 2 : VERIFY_STRINGS_INITIAL,
	    .count = set->count,
	};

	bigger.slots = calloc(bigger.size, sizeof(*bigger.slots));
	if (!bigger.slots)
		return -ENOMEM;
	for (size_t i = 0; i < set->size; i++) {
		const char *text = set->slots[i].text;
		if (text)
			*verify_strings_slot(&bigger, text, strlen(text)) = set->slots[i];
	}
	free(set->slots);
	*set = bigger;
	return 0;
}

struct verify_string *verify_intern(struct verify *v, const char *text)
{
	struct verify_strings *set = &v->internal->strings;
	size_t len = strlen(text);

	if (v->error)
		return NULL;
	if (2 * (set->count + 1) > set->size && verify_strings_grow(set) < 0) {
		v->error = -ENOMEM;
		return NULL;
	}
	struct verify_string *slot = verify_strings_slot(set, text, len);
	if (!slot->text) {
		slot->text = strndup(text, len);
		if (!slot->text) {
			v->error = -ENOMEM;
			return NULL;
		}
		slot->node = -1;
		set->count++;
	}
	return slot;
}

int verify_node_index(struct verify *v, const char *name)
{
	struct verify_internal *in = v->internal;
	struct verify_string *string = verify_intern(v, name);

	if (!string)
		return -1;
	if (string->node >= 0)
		return string->node;
	if (!VERIFY_RESERVE(v, in->nodes, in->node_size, v->node_count))
		return -1;
	in->nodes[v->node_count] = string->text;
	string->node = (int)v->node_count++;
	return string->node;
}

/* ---- problems ------------------------------------------------------------ */

bool verify_kind_is_violation(enum verify_kind kind)
{
	return kind == VERIFY_DUAL_MASTER || kind == VERIFY_ILLEGAL_TRANSITION ||
	       kind == VERIFY_DISCONTINUITY;
}

void verify_problem_add(struct verify *v, const struct verify_problem *where, const char *format,
			...)
{
	bool violation = verify_kind_is_violation(where->kind);
	struct verify_problem **list = violation ? &v->violations : &v->warnings;
	size_t *count = violation ? &v->violation_count : &v->warning_count;
	size_t *size = violation ? &v->violation_size : &v->warning_size;
	va_list args;
	char *message;

	if (!VERIFY_RESERVE(v, *list, *size, *count))
		return;
	va_start(args, format);
	int len = vasprintf(&message, format, args);
	va_end(args);
	if (len < 0) {
		v->error = -ENOMEM;
		return;
	}
	struct verify_problem *problem = &(*list)[(*count)++];
	*problem = *where;
	problem->message = message;
	problem->order = v->internal->order++;
}

void verify_malformed_add(struct verify *v, size_t file, unsigned long line, const char *reason)
{
	v->files[file].malformed++;
	v->malformed_total++;
	if (v->malformed_count >= VERIFY_MALFORMED_LISTED ||
	    !VERIFY_RESERVE(v, v->malformed, v->malformed_size, v->malformed_count))
		return;
	v->malformed[v->malformed_count++] = (struct verify_malformed){
	    .file = v->files[file].name,
	    .line = line,
	    .reason = reason,
	};
}

/* ---- names --------------------------------------------------------------- */

const char *verify_state_name(enum verify_state state)
{
	static const char *const names[] = {
	    [VERIFY_STATE_INIT] = "INIT",
	    [VERIFY_STATE_BACKUP] = "BACKUP",
	    [VERIFY_STATE_MASTER] = "MASTER",
	    [VERIFY_STATE_FAULT] = "FAULT",
	};

	return (unsigned)state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

/* The "kind" of a problem in the JSON report. */
const char *verify_kind_name(enum verify_kind kind)
{
	static const char *const names[] = {
	    [VERIFY_DUAL_MASTER] = "dual_master",
	    [VERIFY_ILLEGAL_TRANSITION] = "illegal_transition",
	    [VERIFY_DISCONTINUITY] = "discontinuity",
	    [VERIFY_RESTART_WITHOUT_STOP] = "restart_without_stop",
	    [VERIFY_MASTER_AT_STOP] = "master_at_stop",
	    [VERIFY_CLOCK_BACK] = "clock_back",
	    [VERIFY_OVERLAPPING_LOGS] = "overlapping_logs",
	    [VERIFY_SHARED_ROUTER] = "shared_router",
	};

	return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

const char *verify_change_kind_name(enum verify_change_kind kind)
{
	static const char *const names[] = {
	    [VERIFY_CHANGE_STATE] = "state",	 [VERIFY_CHANGE_LOG_START] = "log_start",
	    [VERIFY_CHANGE_RESTART] = "restart", [VERIFY_CHANGE_STOP] = "stop",
	    [VERIFY_CHANGE_LOG_END] = "log_end", [VERIFY_CHANGE_SEEN] = "seen",
	};

	return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

void verify_join_names(const char *const *names, size_t count, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < count && len < size; i++) {
		const char *glue = i == 0 ? "" : i + 1 == count ? " and " : ", ";
		len += (size_t)snprintf(buf + len, size - len, "%s%s", glue, names[i]);
	}
}

const char *verify_router_label(const struct verify *v, int router, char *buf, size_t size)
{
	const struct verify_router *r = &v->routers[router];
	size_t len = (size_t)snprintf(buf, size, "vrid %d/%s (", r->vrid, r->family);

	for (size_t i = 0; i < r->instance_count && len < size; i++)
		len +=
		    (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "", r->instances[i]);
	if (len < size)
		snprintf(buf + len, size - len, ")");
	return buf;
}

/* ---- times --------------------------------------------------------------- */

/* Exactly count decimal digits at *p; advances *p. */
static bool verify_digits(const char **p, int count, int *value)
{
	*value = 0;
	for (int i = 0; i < count; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		*value = *value * 10 + (c - '0');
	}
	*p += count;
	return true;
}

static bool verify_expect(const char **p, const char *one_of)
{
	if (!**p || !strchr(one_of, **p))
		return false;
	(*p)++;
	return true;
}

static int verify_days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/* ".123456" (1 to 9 digits; beyond microseconds is dropped) or nothing. */
static bool verify_parse_fraction(const char **p, int64_t *us)
{
	int64_t scale = 100000;
	int digits = 0;

	*us = 0;
	if (**p != '.')
		return true;
	for ((*p)++; **p >= '0' && **p <= '9'; (*p)++, digits++) {
		*us += (**p - '0') * scale;
		scale /= 10;
	}
	return digits >= 1 && digits <= 9;
}

/* "Z" or "+01:00" / "-05:30": seconds to subtract to get UTC. */
static bool verify_parse_offset(const char **p, int64_t *seconds)
{
	int hours, minutes;

	*seconds = 0;
	if (verify_expect(p, "Zz"))
		return true;
	char sign = **p;
	if (!verify_expect(p, "+-") || !verify_digits(p, 2, &hours) || !verify_expect(p, ":") ||
	    !verify_digits(p, 2, &minutes) || hours > 23 || minutes > 59)
		return false;
	*seconds = (sign == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
	return true;
}

/* RFC 3339 5.6 date-time. */
int verify_parse_time(const char *text, int64_t *us)
{
	const char *p = text;
	struct tm tm = {0};
	int year, month, day;
	int64_t fraction, offset;

	if (!verify_digits(&p, 4, &year) || !verify_expect(&p, "-") ||
	    !verify_digits(&p, 2, &month) || !verify_expect(&p, "-") ||
	    !verify_digits(&p, 2, &day) || !verify_expect(&p, "Tt") ||
	    !verify_digits(&p, 2, &tm.tm_hour) || !verify_expect(&p, ":") ||
	    !verify_digits(&p, 2, &tm.tm_min) || !verify_expect(&p, ":") ||
	    !verify_digits(&p, 2, &tm.tm_sec) || !verify_parse_fraction(&p, &fraction) ||
	    !verify_parse_offset(&p, &offset) || *p)
		return -EINVAL;
	if (month < 1 || month > 12 || day < 1 || day > verify_days_in_month(year, month) ||
	    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return -EINVAL;
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	*us = ((int64_t)timegm(&tm) - offset) * 1000000 + fraction;
	return 0;
}

const char *verify_format_time(int64_t us, int digits, char *buf, size_t size)
{
	int64_t seconds = us / 1000000, fraction = us % 1000000;
	struct tm tm;
	char fraction_text[16] = "";

	if (fraction < 0) {
		seconds--;
		fraction += 1000000;
	}
	time_t t = (time_t)seconds;
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, size, "?");
		return buf;
	}
	if (digits == 3)
		snprintf(fraction_text, sizeof(fraction_text), ".%03d", (int)(fraction / 1000));
	else if (digits == 6)
		snprintf(fraction_text, sizeof(fraction_text), ".%06d", (int)fraction);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%sZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, fraction_text);
	return buf;
}

const char *verify_format_seconds(int64_t us, char *buf, size_t size)
{
	uint64_t magnitude = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
	char digits[8];
	int keep = 6;

	snprintf(digits, sizeof(digits), "%06u", (unsigned)(magnitude % 1000000));
	while (keep > 3 && digits[keep - 1] == '0')
		keep--;
	snprintf(buf, size, "%s%llu.%.*s", us < 0 ? "-" : "",
		 (unsigned long long)(magnitude / 1000000), keep, digits);
	return buf;
}
