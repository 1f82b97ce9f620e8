/*
 * verify_report.c - the report of a verification (verify.h), as text for
 * people and as JSON for scripts; both say the same things.
 *
 * Text: per virtual router its mastership timeline (every change into or
 * out of MASTER, to the millisecond) and the times it had more than one
 * MASTER; then the violations, the warnings (malformed lines last) and one
 * summary line. Everything that came from a log goes through one line
 * printer that replaces control characters, so a hostile log cannot move
 * the cursor or forge report lines.
 */
#include "verify_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- text ---------------------------------------------------------------- */

static void verify_print_line(FILE *out, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static void verify_print_line(FILE *out, const char *format, ...)
{
	va_list args;
	char *line;

	va_start(args, format);
	int len = vasprintf(&line, format, args);
	va_end(args);
	if (len < 0) {
		fputs("(out of memory)\n", out);
		return;
	}
	for (char *c = line; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	fputs(line, out);
	fputc('\n', out);
	free(line);
}

static const char *verify_plural(unsigned long count, const char *one, const char *many, char *buf,
				 size_t size)
{
	snprintf(buf, size, "%lu %s", count, count == 1 ? one : many);
	return buf;
}

static int verify_node_width(const struct verify_router *r)
{
	size_t width = 0;

	for (size_t i = 0; i < r->change_count; i++)
		if (strlen(r->changes[i].node) > width)
			width = strlen(r->changes[i].node);
	return width > 32 ? 32 : (int)width;
}

static void verify_print_change(const struct verify_router *r, const struct verify_change *c,
				int width, FILE *out)
{
	static const char *const endings[] = {
	    [VERIFY_CHANGE_LOG_START] = "MASTER (already, where its log begins)",
	    [VERIFY_CHANGE_RESTART] = "MASTER ends: its last event before a restart without "
				      "stop (killed?)",
	    [VERIFY_CHANGE_STOP] = "MASTER ends: stopped while MASTER",
	    [VERIFY_CHANGE_LOG_END] = "MASTER ends: the end of its log",
	};
	char when[VERIFY_TIME_MAX], what[160];

	verify_format_time(c->ts_us, 3, when, sizeof(when));
	if (c->kind == VERIFY_CHANGE_SEEN)
		snprintf(what, sizeof(what),
			 "MASTER ends: last seen in %s's log (it yielded to %s)", c->witness,
			 c->node);
	else if (c->kind != VERIFY_CHANGE_STATE)
		snprintf(what, sizeof(what), "%s", endings[c->kind]);
	else if (*c->reason)
		snprintf(what, sizeof(what), "%s (%s)", verify_state_name(c->to), c->reason);
	else
		snprintf(what, sizeof(what), "%s", verify_state_name(c->to));
	if (r->instance_count > 1)
		verify_print_line(out, "  %s  %-*s %s [%s]", when, width, c->node, what,
				  c->instance);
	else
		verify_print_line(out, "  %s  %-*s %s", when, width, c->node, what);
}

static void verify_print_overlap(const struct verify *v, const struct verify_overlap *o, FILE *out)
{
	char names[512], duration[32], tolerance[32], start[VERIFY_TIME_MAX], end[VERIFY_TIME_MAX];

	verify_join_names(o->nodes, o->node_count, names, sizeof(names));
	verify_print_line(
	    out, "  overlap: %s MASTER at once for %s s, %s to %s: %s of %s s", names,
	    verify_format_seconds(o->end_us - o->start_us, duration, sizeof(duration)),
	    verify_format_time(o->start_us, 3, start, sizeof(start)),
	    verify_format_time(o->end_us, 3, end, sizeof(end)),
	    o->violation ? "DUAL MASTER, longer than the tolerance" : "within the tolerance",
	    verify_format_seconds(v->tolerance_us, tolerance, sizeof(tolerance)));
}

static void verify_print_router(const struct verify *v, size_t index, FILE *out)
{
	const struct verify_router *r = &v->routers[index];
	char label[512];
	int width = verify_node_width(r);

	verify_print_line(out, "%s", verify_router_label(v, (int)index, label, sizeof(label)));
	if (r->change_count == 0)
		verify_print_line(out, "  no node was MASTER");
	for (size_t i = 0; i < r->change_count; i++)
		verify_print_change(r, &r->changes[i], width, out);
	for (size_t i = 0; i < r->overlap_count; i++)
		verify_print_overlap(v, &r->overlaps[i], out);
}

/* "a.log:12: lb1 VI_1 (vrid 51/ipv4): message" */
static void verify_print_problem(const struct verify *v, const struct verify_problem *p, FILE *out)
{
	char where[256] = "", subject[512] = "", label[512];

	if (p->file)
		snprintf(where, sizeof(where), "%s:%lu: ", p->file, p->line);
	if (p->instance && p->router >= 0)
		snprintf(subject, sizeof(subject), "%s %s (vrid %d/%s): ", p->node, p->instance,
			 v->routers[p->router].vrid, v->routers[p->router].family);
	else if (p->router >= 0)
		snprintf(subject, sizeof(subject),
			 "%s: ", verify_router_label(v, p->router, label, sizeof(label)));
	else if (p->node)
		snprintf(subject, sizeof(subject), "%s: ", p->node);
	verify_print_line(out, "  %s%s%s", where, subject, p->message);
}

static void verify_print_problems(const struct verify *v, FILE *out)
{
	if (v->violation_count) {
		fputc('\n', out);
		verify_print_line(out, "violations (%zu):", v->violation_count);
	}
	for (size_t i = 0; i < v->violation_count; i++)
		verify_print_problem(v, &v->violations[i], out);
	if (v->warning_count || v->malformed_total) {
		fputc('\n', out);
		verify_print_line(
		    out, "warnings (%lu):", (unsigned long)v->warning_count + v->malformed_total);
	}
	for (size_t i = 0; i < v->warning_count; i++)
		verify_print_problem(v, &v->warnings[i], out);
	for (size_t i = 0; i < v->malformed_count; i++)
		verify_print_line(out, "  %s:%lu: malformed line skipped: %s", v->malformed[i].file,
				  v->malformed[i].line, v->malformed[i].reason);
	if (v->malformed_total > v->malformed_count)
		verify_print_line(out, "  ... and %lu more malformed lines",
				  v->malformed_total - v->malformed_count);
}

static void verify_print_summary(const struct verify *v, FILE *out)
{
	char files[32], nodes[32], routers[48], events[32], malformed[48], violations[32],
	    warnings[32], tolerance[32];

	verify_print_line(out, "summary: %s, %s, %s, %s, %s; %s, %s (tolerance %s s): %s",
			  verify_plural(v->file_count, "file", "files", files, sizeof(files)),
			  verify_plural(v->node_count, "node", "nodes", nodes, sizeof(nodes)),
			  verify_plural(v->router_count, "virtual router", "virtual routers",
					routers, sizeof(routers)),
			  verify_plural(v->event_count, "event", "events", events, sizeof(events)),
			  verify_plural(v->malformed_total, "malformed line", "malformed lines",
					malformed, sizeof(malformed)),
			  verify_plural(v->violation_count, "violation", "violations", violations,
					sizeof(violations)),
			  verify_plural(v->warning_count + v->malformed_total, "warning",
					"warnings", warnings, sizeof(warnings)),
			  verify_format_seconds(v->tolerance_us, tolerance, sizeof(tolerance)),
			  verify_passed(v) ? "PASSED" : "FAILED");
}

void verify_print(const struct verify *v, FILE *out)
{
	for (size_t i = 0; i < v->router_count; i++) {
		if (i)
			fputc('\n', out);
		verify_print_router(v, i, out);
	}
	if (v->router_count == 0)
		verify_print_line(out, "no state events: no virtual router to verify");
	verify_print_problems(v, out);
	if (v->error) {
		fputc('\n', out);
		verify_print_line(out, "the report is incomplete: %s", strerror(-v->error));
	}
	fputc('\n', out);
	verify_print_summary(v, out);
}

/* ---- JSON ---------------------------------------------------------------- */

static void verify_json_add_string(struct json_object *obj, const char *key, const char *value)
{
	json_object_object_add(obj, key, value ? json_object_new_string(value) : NULL);
}

static void verify_json_add_int(struct json_object *obj, const char *key, int64_t value)
{
	json_object_object_add(obj, key, json_object_new_int64(value));
}

static void verify_json_add_time(struct json_object *obj, const char *key, int64_t us)
{
	char text[VERIFY_TIME_MAX];

	verify_json_add_string(obj, key, verify_format_time(us, 6, text, sizeof(text)));
}

/* Seconds as a number written exactly ("0.004", not 0.0040000000000000001). */
static void verify_json_add_seconds(struct json_object *obj, const char *key, int64_t us)
{
	char text[32];

	verify_format_seconds(us, text, sizeof(text));
	json_object_object_add(obj, key, json_object_new_double_s((double)us / 1e6, text));
}

static void verify_json_add_place(struct json_object *obj, const char *file, unsigned long line)
{
	verify_json_add_string(obj, "file", file);
	verify_json_add_int(obj, "line", (int64_t)line);
}

static struct json_object *verify_json_change(const struct verify_change *c)
{
	struct json_object *obj = json_object_new_object();

	verify_json_add_time(obj, "ts", c->ts_us);
	verify_json_add_string(obj, "kind", verify_change_kind_name(c->kind));
	verify_json_add_string(obj, "node", c->node);
	verify_json_add_string(obj, "instance", c->instance);
	if (c->kind == VERIFY_CHANGE_STATE) {
		verify_json_add_string(obj, "from", verify_state_name(c->from));
		verify_json_add_string(obj, "to", verify_state_name(c->to));
		verify_json_add_string(obj, "reason", c->reason);
		if (c->priority >= 0)
			verify_json_add_int(obj, "priority", c->priority);
		if (c->master)
			verify_json_add_string(obj, "master", c->master);
	}
	if (c->kind == VERIFY_CHANGE_SEEN)
		verify_json_add_string(obj, "witness", c->witness);
	verify_json_add_place(obj, c->file, c->line);
	return obj;
}

static struct json_object *verify_json_strings(const char *const *strings, size_t count)
{
	struct json_object *array = json_object_new_array();

	for (size_t i = 0; i < count; i++)
		json_object_array_add(array, json_object_new_string(strings[i]));
	return array;
}

static struct json_object *verify_json_overlap(const struct verify_overlap *o)
{
	struct json_object *obj = json_object_new_object();

	verify_json_add_time(obj, "start", o->start_us);
	verify_json_add_time(obj, "end", o->end_us);
	verify_json_add_seconds(obj, "duration", o->end_us - o->start_us);
	json_object_object_add(obj, "nodes", verify_json_strings(o->nodes, o->node_count));
	json_object_object_add(obj, "violation", json_object_new_boolean(o->violation));
	verify_json_add_place(obj, o->file, o->line);
	return obj;
}

static struct json_object *verify_json_router(const struct verify *v, size_t index)
{
	const struct verify_router *r = &v->routers[index];
	struct json_object *obj = json_object_new_object();
	struct json_object *timeline = json_object_new_array();
	struct json_object *overlaps = json_object_new_array();
	char label[512];

	verify_json_add_int(obj, "vrid", r->vrid);
	verify_json_add_string(obj, "family", r->family);
	verify_json_add_string(obj, "label",
			       verify_router_label(v, (int)index, label, sizeof(label)));
	json_object_object_add(obj, "instances",
			       verify_json_strings(r->instances, r->instance_count));
	for (size_t i = 0; i < r->change_count; i++)
		json_object_array_add(timeline, verify_json_change(&r->changes[i]));
	json_object_object_add(obj, "timeline", timeline);
	for (size_t i = 0; i < r->overlap_count; i++)
		json_object_array_add(overlaps, verify_json_overlap(&r->overlaps[i]));
	json_object_object_add(obj, "overlaps", overlaps);
	return obj;
}

static struct json_object *verify_json_problem(const struct verify *v,
					       const struct verify_problem *p)
{
	struct json_object *obj = json_object_new_object();

	verify_json_add_string(obj, "kind", verify_kind_name(p->kind));
	if (p->file)
		verify_json_add_place(obj, p->file, p->line);
	verify_json_add_time(obj, "ts", p->ts_us);
	if (p->node)
		verify_json_add_string(obj, "node", p->node);
	if (p->instance)
		verify_json_add_string(obj, "instance", p->instance);
	if (p->router >= 0) {
		verify_json_add_int(obj, "vrid", v->routers[p->router].vrid);
		verify_json_add_string(obj, "family", v->routers[p->router].family);
	}
	verify_json_add_string(obj, "message", p->message);
	return obj;
}

static struct json_object *verify_json_problems(const struct verify *v,
						const struct verify_problem *problems, size_t count)
{
	struct json_object *array = json_object_new_array();

	for (size_t i = 0; i < count; i++)
		json_object_array_add(array, verify_json_problem(v, &problems[i]));
	return array;
}

static struct json_object *verify_json_files(const struct verify *v)
{
	struct json_object *array = json_object_new_array();

	for (size_t i = 0; i < v->file_count; i++) {
		struct json_object *obj = json_object_new_object();
		verify_json_add_string(obj, "name", v->files[i].name);
		verify_json_add_int(obj, "lines", (int64_t)v->files[i].lines);
		verify_json_add_int(obj, "events", (int64_t)v->files[i].events);
		verify_json_add_int(obj, "malformed", (int64_t)v->files[i].malformed);
		json_object_array_add(array, obj);
	}
	return array;
}

static struct json_object *verify_json_malformed(const struct verify *v)
{
	struct json_object *array = json_object_new_array();

	for (size_t i = 0; i < v->malformed_count; i++) {
		struct json_object *obj = json_object_new_object();
		verify_json_add_place(obj, v->malformed[i].file, v->malformed[i].line);
		verify_json_add_string(obj, "reason", v->malformed[i].reason);
		json_object_array_add(array, obj);
	}
	return array;
}

static struct json_object *verify_json_summary(const struct verify *v)
{
	struct json_object *obj = json_object_new_object();

	verify_json_add_int(obj, "files", (int64_t)v->file_count);
	verify_json_add_int(obj, "nodes", (int64_t)v->node_count);
	verify_json_add_int(obj, "routers", (int64_t)v->router_count);
	verify_json_add_int(obj, "events", (int64_t)v->event_count);
	verify_json_add_int(obj, "malformed", (int64_t)v->malformed_total);
	verify_json_add_int(obj, "violations", (int64_t)v->violation_count);
	verify_json_add_int(obj, "warnings", (int64_t)(v->warning_count + v->malformed_total));
	json_object_object_add(obj, "passed", json_object_new_boolean(verify_passed(v)));
	return obj;
}

struct json_object *verify_to_json(const struct verify *v)
{
	struct json_object *report = json_object_new_object();
	struct json_object *routers = json_object_new_array();

	if (!report || !routers) {
		json_object_put(report);
		json_object_put(routers);
		return NULL;
	}
	verify_json_add_seconds(report, "tolerance", v->tolerance_us);
	json_object_object_add(report, "passed", json_object_new_boolean(verify_passed(v)));
	if (v->error)
		verify_json_add_string(report, "error", strerror(-v->error));
	json_object_object_add(report, "files", verify_json_files(v));
	json_object_object_add(report, "nodes",
			       verify_json_strings(v->internal ? v->internal->nodes : NULL,
						   v->internal ? v->node_count : 0));
	for (size_t i = 0; i < v->router_count; i++)
		json_object_array_add(routers, verify_json_router(v, i));
	json_object_object_add(report, "routers", routers);
	json_object_object_add(report, "violations",
			       verify_json_problems(v, v->violations, v->violation_count));
	json_object_object_add(report, "warnings",
			       verify_json_problems(v, v->warnings, v->warning_count));
	json_object_object_add(report, "malformed", verify_json_malformed(v));
	json_object_object_add(report, "summary", verify_json_summary(v));
	return report;
}
