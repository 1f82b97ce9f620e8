/*
 * test_verify.c - the log verifier (src/util/verify*.c, verify.h): reading
 * event logs, merging nodes, the transition and continuity checks, dual
 * masters against the tolerance, restarts without stop, malformed lines,
 * and the text and JSON reports.
 *
 * The fixtures in tests/unit/data/verify/ are hand-written logs of whole
 * histories (one directory per story, one file per node); the smaller cases
 * are built here line by line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "failoverd/verify.h"

#define FIXTURE_DIR TEST_DATA_DIR "/verify/"
#define SECOND 1000000LL
/* 2026-11-22T17:40:00Z, worked out independently of verify_parse_time. */
#define T0 1795369200000000LL

/* Log lines at 2026-11-22T17:40:<ts>Z; ts is "SS.ffffff". */
#define LINE_AT(ts, node) "{\"ts\":\"2026-11-22T17:40:" ts "Z\",\"mono\":1.0,\"node\":\"" node "\","
#define START(ts, node) LINE_AT(ts, node) "\"event\":\"start\",\"result\":\"ok\"}"
#define STOP(ts, node) LINE_AT(ts, node) "\"event\":\"stop\",\"result\":\"signal\"}"
#define TRACK(ts, node)                                                                            \
	LINE_AT(ts, node) "\"event\":\"track\",\"tracker\":\"svc\",\"status\":\"up\"}"
#define STATE(ts, node, instance, vrid, from, to, priority)                                        \
	LINE_AT(ts, node)                                                                          \
	"\"event\":\"state\",\"instance\":\"" instance "\",\"vrid\":" #vrid                        \
	",\"family\":\"ipv4\",\"from\":\"" from "\",\"to\":\"" to                                  \
	"\",\"reason\":\"test\",\"priority\":" #priority "}"

/* ---- helpers ------------------------------------------------------------- */

static void read_fixture(struct verify *v, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), FIXTURE_DIR "%s", name);
	FILE *in = fopen(path, "r");
	assert_non_null(in);
	assert_int_equal(verify_read(v, name, in), 0);
	fclose(in);
}

/* Reads the fixtures (NULL-terminated) and checks them. */
static void check_fixtures(struct verify *v, int64_t tolerance_us, ...)
{
	va_list names;

	verify_init(v, tolerance_us);
	va_start(names, tolerance_us);
	for (const char *name = va_arg(names, const char *); name;
	     name = va_arg(names, const char *))
		read_fixture(v, name);
	va_end(names);
	assert_int_equal(verify_check(v), 0);
}

static void add_log(struct verify *v, const char *name, const char *const *lines)
{
	size_t file = verify_add_file(v, name);

	assert_int_not_equal(file, SIZE_MAX);
	for (unsigned long i = 0; lines[i]; i++)
		verify_add_line(v, file, i + 1, lines[i], strlen(lines[i]));
}

static const struct verify_router *find_router(const struct verify *v, int vrid, const char *family)
{
	for (size_t i = 0; i < v->router_count; i++)
		if (v->routers[i].vrid == vrid && !strcmp(v->routers[i].family, family))
			return &v->routers[i];
	fail_msg("no router %d/%s", vrid, family);
	return NULL;
}

static int64_t at(const char *text)
{
	int64_t us;

	assert_int_equal(verify_parse_time(text, &us), 0);
	return us;
}

static char *report_text(const struct verify *v)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	assert_non_null(out);
	verify_print(v, out);
	assert_int_equal(fclose(out), 0);
	return text;
}

static bool ends_with(const char *text, const char *suffix)
{
	size_t len = strlen(text), suffix_len = strlen(suffix);

	return len >= suffix_len && !strcmp(text + len - suffix_len, suffix);
}

static void assert_change(const struct verify_change *c, enum verify_change_kind kind,
			  const char *ts, const char *node, enum verify_state to)
{
	assert_int_equal(c->kind, kind);
	assert_true(c->ts_us == at(ts));
	assert_string_equal(c->node, node);
	if (kind == VERIFY_CHANGE_STATE)
		assert_int_equal(c->to, to);
}

/* ---- times --------------------------------------------------------------- */

static void test_parse_time(void **state)
{
	int64_t us;

	assert_int_equal(verify_parse_time("2026-11-22T17:40:00Z", &us), 0);
	assert_true(us == T0);
	assert_int_equal(verify_parse_time("2026-11-22T17:40:15.214000Z", &us), 0);
	assert_true(us == 1795369215214000LL);
	assert_int_equal(verify_parse_time("2000-01-01T00:00:00.000001Z", &us), 0);
	assert_true(us == 946684800000001LL);
	assert_int_equal(verify_parse_time("2024-02-29T12:00:00.5z", &us), 0);
	assert_true(us == 1709208000500000LL);
	/* offsets: the same instant */
	assert_int_equal(verify_parse_time("2026-11-22T18:40:00+01:00", &us), 0);
	assert_true(us == T0);
	assert_int_equal(verify_parse_time("2026-11-22T12:10:00-05:30", &us), 0);
	assert_true(us == T0);
	/* beyond microseconds is dropped, not rounded */
	assert_int_equal(verify_parse_time("2026-11-22T17:40:00.123456789Z", &us), 0);
	assert_true(us == T0 + 123456);

	static const char *const bad[] = {
	    "",
	    "2026-11-22T17:40:00",	       /* no zone */
	    "2026-11-22 17:40:00Z",	       /* not T */
	    "2026-02-29T00:00:00Z",	       /* not a leap year */
	    "2026-13-01T00:00:00Z",	       /* month */
	    "2026-11-22T24:00:00Z",	       /* hour */
	    "2026-11-22T17:40:00.Z",	       /* empty fraction */
	    "2026-11-22T17:40:00.1234567890Z", /* 10 digits */
	    "2026-11-22T17:40:00Zjunk",
	    "2026-11-22T17:40:00+1:00",
	    "22/11/2026 17:40:00",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(verify_parse_time(bad[i], &us), -EINVAL);
}

static void test_format(void **state)
{
	char buf[VERIFY_TIME_MAX];

	assert_string_equal(verify_format_time(0, 3, buf, sizeof(buf)), "1970-01-01T00:00:00.000Z");
	assert_string_equal(verify_format_time(T0 + 123456, 6, buf, sizeof(buf)),
			    "2026-11-22T17:40:00.123456Z");
	assert_string_equal(verify_format_time(T0 + 123999, 3, buf, sizeof(buf)),
			    "2026-11-22T17:40:00.123Z");
	assert_string_equal(verify_format_time(T0, 0, buf, sizeof(buf)), "2026-11-22T17:40:00Z");
	/* what is written reads back */
	assert_true(at(verify_format_time(T0 + 7, 6, buf, sizeof(buf))) == T0 + 7);

	assert_string_equal(verify_format_seconds(3214000, buf, sizeof(buf)), "3.214");
	assert_string_equal(verify_format_seconds(1000400, buf, sizeof(buf)), "1.0004");
	assert_string_equal(verify_format_seconds(4000, buf, sizeof(buf)), "0.004");
	assert_string_equal(verify_format_seconds(1, buf, sizeof(buf)), "0.000001");
	assert_string_equal(verify_format_seconds(0, buf, sizeof(buf)), "0.000");
	assert_string_equal(verify_format_seconds(-1500000, buf, sizeof(buf)), "-1.500");
}

/* ---- fixtures ------------------------------------------------------------ */

static void assert_clean_timeline(const struct verify *v)
{
	const struct verify_router *r = find_router(v, 51, "ipv4");

	assert_int_equal(r->change_count, 6);
	assert_change(&r->changes[0], VERIFY_CHANGE_STATE, "2026-11-22T17:36:40.136712Z", "lb1",
		      VERIFY_STATE_MASTER);
	assert_change(&r->changes[1], VERIFY_CHANGE_STATE, "2026-11-22T17:38:51.761563Z", "lb1",
		      VERIFY_STATE_FAULT);
	assert_change(&r->changes[2], VERIFY_CHANGE_STATE, "2026-11-22T17:38:52.150000Z", "lb2",
		      VERIFY_STATE_MASTER);
	assert_change(&r->changes[3], VERIFY_CHANGE_STATE, "2026-11-22T17:41:10.000000Z", "lb2",
		      VERIFY_STATE_INIT);
	assert_change(&r->changes[4], VERIFY_CHANGE_STATE, "2026-11-22T17:41:10.650000Z", "lb1",
		      VERIFY_STATE_MASTER);
	assert_change(&r->changes[5], VERIFY_CHANGE_LOG_END, "2026-11-22T17:42:00.000000Z", "lb1",
		      VERIFY_STATE_MASTER);
	assert_string_equal(r->changes[2].reason, "priority_zero_received");
	assert_int_equal(r->changes[2].priority, 100);
	assert_string_equal(r->changes[2].master, "10.0.0.2");
	assert_int_equal(r->overlap_count, 0);
}

static void test_clean(void **state)
{
	struct verify v;

	check_fixtures(&v, VERIFY_DEFAULT_TOLERANCE_US, "clean/lb1.jsonl", "clean/lb2.jsonl", NULL);
	assert_true(verify_passed(&v));
	assert_int_equal(v.violation_count, 0);
	assert_int_equal(v.warning_count, 0);
	assert_int_equal(v.malformed_total, 0);
	assert_int_equal(v.node_count, 2);
	assert_int_equal(v.event_count, 35);
	/* by vrid, then family; an IPv6 router with the same vrid is another router */
	assert_int_equal(v.router_count, 3);
	assert_int_equal(v.routers[0].vrid, 51);
	assert_string_equal(v.routers[0].family, "ipv4");
	assert_int_equal(v.routers[1].vrid, 51);
	assert_string_equal(v.routers[1].family, "ipv6");
	assert_int_equal(v.routers[2].vrid, 52);
	/* instance names may differ per node */
	assert_int_equal(v.routers[2].instance_count, 2);
	assert_string_equal(v.routers[2].instances[0], "VI_GATEWAY");
	assert_string_equal(v.routers[2].instances[1], "VI_GW");
	char label[128];
	assert_string_equal(verify_router_label(&v, 2, label, sizeof(label)),
			    "vrid 52/ipv4 (VI_GATEWAY, VI_GW)");
	assert_clean_timeline(&v);
	verify_free(&v);
}

/* The order of the files on the command line changes nothing. */
static void test_clean_any_order(void **state)
{
	struct verify v;

	check_fixtures(&v, VERIFY_DEFAULT_TOLERANCE_US, "clean/lb2.jsonl", "clean/lb1.jsonl", NULL);
	assert_true(verify_passed(&v));
	assert_clean_timeline(&v);
	verify_free(&v);
}

static void test_dual_master_beyond_tolerance(void **state)
{
	struct verify v;

	check_fixtures(&v, VERIFY_DEFAULT_TOLERANCE_US, "dual_beyond/lb1.jsonl",
		       "dual_beyond/lb2.jsonl", NULL);
	assert_false(verify_passed(&v));
	assert_int_equal(v.violation_count, 1);
	const struct verify_problem *p = &v.violations[0];
	assert_int_equal(p->kind, VERIFY_DUAL_MASTER);
	assert_string_equal(p->file, "dual_beyond/lb2.jsonl");
	assert_int_equal(p->line, 3); /* lb2 becoming the second MASTER */
	assert_int_equal(p->router, 0);
	assert_non_null(strstr(p->message, "lb1 and lb2"));
	assert_non_null(strstr(p->message, "3.214 s"));

	const struct verify_router *r = find_router(&v, 51, "ipv4");
	assert_int_equal(r->overlap_count, 1);
	const struct verify_overlap *o = &r->overlaps[0];
	assert_true(o->start_us == at("2026-11-22T17:40:12Z"));
	assert_true(o->end_us == at("2026-11-22T17:40:15.214Z"));
	assert_true(o->violation);
	assert_int_equal(o->node_count, 2);
	assert_string_equal(o->nodes[0], "lb1");
	assert_string_equal(o->nodes[1], "lb2");
	verify_free(&v);

	/* a tolerance above the overlap lets it pass, and still reports it */
	check_fixtures(&v, 4 * SECOND, "dual_beyond/lb1.jsonl", "dual_beyond/lb2.jsonl", NULL);
	assert_true(verify_passed(&v));
	assert_int_equal(v.routers[0].overlap_count, 1);
	assert_false(v.routers[0].overlaps[0].violation);
	verify_free(&v);
}

static void test_dual_master_within_tolerance(void **state)
{
	struct verify v;

	check_fixtures(&v, VERIFY_DEFAULT_TOLERANCE_US, "dual_within/lb1.jsonl",
		       "dual_within/lb2.jsonl", NULL);
	assert_true(verify_passed(&v));
	assert_int_equal(v.routers[0].overlap_count, 1);
	assert_true(v.routers[0].overlaps[0].end_us - v.routers[0].overlaps[0].start_us == 4000);
	assert_false(v.routers[0].overlaps[0].violation);
	verify_free(&v);

	/* "longer than the tolerance": equal passes, one microsecond less fails */
	check_fixtures(&v, 4000, "dual_within/lb1.jsonl", "dual_within/lb2.jsonl", NULL);
	assert_true(verify_passed(&v));
	verify_free(&v);
	check_fixtures(&v, 3999, "dual_within/lb1.jsonl", "dual_within/lb2.jsonl", NULL);
	assert_false(verify_passed(&v));
	assert_int_equal(v.violations[0].kind, VERIFY_DUAL_MASTER);
	verify_free(&v);
}

static void test_illegal_transitions(void **state)
{
	struct verify v;

	check_fixtures(&v, VERIFY_DEFAULT_TOLERANCE_US, "illegal/lb1.jsonl", NULL);
	assert_false(verify_passed(&v));
	/* BACKUP -> INIT, then INIT -> MASTER by the owner (255), is fine */
	assert_int_equal(v.violation_count, 2);
	assert_int_equal(v.violations[0].kind, VERIFY_ILLEGAL_TRANSITION);
	assert_int_equal(v.violations[0].line, 5);
	assert_string_equal(v.violations[0].node, "lb1");
	assert_string_equal(v.violations[0].instance, "VI_1");
	assert_non_null(strstr(v.violations[0].message, "MASTER -> MASTER"));
	assert_int_equal(v.violations[1].kind, VERIFY_DISCONTINUITY);
	assert_int_equal(v.violations[1].line, 6);
	assert_non_null(strstr(v.violations[1].message, "BACKUP -> FAULT, but it was MASTER"));
	assert_non_null(strstr(v.violations[1].message, "illegal/lb1.jsonl:5"));
	assert_int_equal(v.warning_count, 0);
	verify_free(&v);
}

static void test_killed_agent(void **state)
{
	struct verify v;

	check_fixtures(&v, VERIFY_DEFAULT_TOLERANCE_US, "killed/lb1.jsonl", "killed/lb2.jsonl",
		       NULL);
	/* lb1's MASTER ends at its last event (10.0), before lb2 takes over (13.5) */
	assert_true(verify_passed(&v));
	assert_int_equal(v.warning_count, 1);
	assert_int_equal(v.warnings[0].kind, VERIFY_RESTART_WITHOUT_STOP);
	assert_string_equal(v.warnings[0].file, "killed/lb1.jsonl");
	assert_int_equal(v.warnings[0].line, 6);
	assert_non_null(strstr(v.warnings[0].message, "killed/lb1.jsonl:5"));
	const struct verify_router *r = find_router(&v, 51, "ipv4");
	assert_int_equal(r->overlap_count, 0);
	assert_int_equal(r->change_count, 4);
	assert_change(&r->changes[1], VERIFY_CHANGE_RESTART, "2026-11-22T17:40:10Z", "lb1",
		      VERIFY_STATE_MASTER);
	assert_change(&r->changes[2], VERIFY_CHANGE_STATE, "2026-11-22T17:40:13.5Z", "lb2",
		      VERIFY_STATE_MASTER);
	verify_free(&v);
}

static void test_malformed_lines(void **state)
{
	static const unsigned long expected[] = {2, 5, 6, 7, 8, 9, 11};
	struct verify v;

	check_fixtures(&v, VERIFY_DEFAULT_TOLERANCE_US, "malformed/lb1.jsonl", NULL);
	/* skipped and reported, not a failure */
	assert_true(verify_passed(&v));
	assert_int_equal(v.malformed_total, 7);
	assert_int_equal(v.malformed_count, 7);
	for (size_t i = 0; i < 7; i++) {
		assert_string_equal(v.malformed[i].file, "malformed/lb1.jsonl");
		assert_int_equal(v.malformed[i].line, expected[i]);
	}
	assert_string_equal(v.malformed[0].reason, "not JSON");
	assert_non_null(strstr(v.malformed[4].reason, "vrid"));
	assert_int_equal(v.files[0].lines, 12);
	assert_int_equal(v.files[0].malformed, 7);
	assert_int_equal(v.event_count, 4); /* the blank line is neither */
	/* the CRLF line was read: lb1 became MASTER at 03.61 */
	const struct verify_router *r = find_router(&v, 51, "ipv4");
	assert_true(r->change_count >= 1);
	assert_change(&r->changes[0], VERIFY_CHANGE_STATE, "2026-11-22T17:40:03.61Z", "lb1",
		      VERIFY_STATE_MASTER);
	verify_free(&v);
}

/* A MASTER that logs nothing more is MASTER as long as a peer yields to its adverts. */
static void test_silent_master(void **state)
{
	struct verify v;

	check_fixtures(&v, VERIFY_DEFAULT_TOLERANCE_US, "silent_master/lb1.jsonl",
		       "silent_master/lb2.jsonl", NULL);
	assert_false(verify_passed(&v));
	assert_int_equal(v.violation_count, 1);
	assert_int_equal(v.violations[0].kind, VERIFY_DUAL_MASTER);
	const struct verify_router *r = &v.routers[0];
	assert_true(r->overlaps[0].start_us == at("2026-11-22T17:40:12Z"));
	assert_true(r->overlaps[0].end_us == at("2026-11-22T17:40:15.214Z"));
	/* lb1's MASTER ends where lb2's log last shows it, not at lb1's last event */
	assert_int_equal(r->change_count, 4);
	const struct verify_change *seen = &r->changes[2];
	assert_change(seen, VERIFY_CHANGE_SEEN, "2026-11-22T17:40:15.214Z", "lb1",
		      VERIFY_STATE_MASTER);
	assert_string_equal(seen->witness, "lb2");
	assert_string_equal(seen->file, "silent_master/lb2.jsonl");
	assert_int_equal(seen->line, 4);
	verify_free(&v);
}

/* ---- lines built here ---------------------------------------------------- */

/* RFC 5798 6.4: every (from, to) pair, by a non-owner and by the owner. */
static void test_transition_table(void **state)
{
	static const char *const names[] = {"INIT", "BACKUP", "MASTER", "FAULT"};
	/* 1: legal for anyone; 2: for the owner only; 0: never */
	static const int legal[4][4] = {
	    {0, 1, 2, 1},
	    {1, 0, 1, 1},
	    {1, 1, 0, 1},
	    {1, 1, 2, 0},
	};

	for (int from = 0; from < 4; from++) {
		for (int to = 0; to < 4; to++) {
			for (int owner = 0; owner < 2; owner++) {
				char line[512];
				struct verify v;
				snprintf(
				    line, sizeof(line),
				    LINE_AT("01.000000",
					    "lb1") "\"event\":\"state\","
						   "\"instance\":\"VI_1\",\"vrid\":51,\"family\":"
						   "\"ipv4\","
						   "\"from\":\"%s\",\"to\":\"%s\",\"priority\":%d}",
				    names[from], names[to], owner ? 255 : 100);
				const char *const lines[] = {line, NULL};
				verify_init(&v, SECOND);
				add_log(&v, "t.log", lines); /* no start: from is believed */
				assert_int_equal(verify_check(&v), 0);
				bool ok = legal[from][to] == 1 || (legal[from][to] == 2 && owner);
				if (verify_passed(&v) != ok)
					fail_msg("%s -> %s (owner %d): passed %d", names[from],
						 names[to], owner, verify_passed(&v));
				if (!ok)
					assert_int_equal(v.violations[0].kind,
							 VERIFY_ILLEGAL_TRANSITION);
				verify_free(&v);
			}
		}
	}
}

/* Without a priority the owner rule cannot be judged: not a violation. */
static void test_owner_rule_without_priority(void **state)
{
	static const char *const lines[] = {
	    START("00.000000", "lb1"),
	    LINE_AT("00.000100", "lb1") "\"event\":\"state\",\"instance\":\"VI_1\",\"vrid\":51,"
					"\"family\":\"ipv4\",\"from\":\"INIT\",\"to\":\"MASTER\"}",
	    STATE("00.000200", "lb1", "VI_2", 52, "INIT", "MASTER", 150),
	    NULL,
	};
	struct verify v;

	verify_init(&v, SECOND);
	add_log(&v, "t.log", lines);
	assert_int_equal(verify_check(&v), 0);
	assert_int_equal(v.violation_count, 1);
	assert_int_equal(v.violations[0].line, 3);
	assert_non_null(strstr(v.violations[0].message, "priority 150"));
	verify_free(&v);
}

/* A log that begins mid-run: a node leaving MASTER was MASTER since its first event. */
static void test_log_begins_mid_run(void **state)
{
	static const char *const lb1[] = {
	    TRACK("00.000000", "lb1"),
	    STATE("05.000000", "lb1", "VI_1", 51, "MASTER", "BACKUP", 100),
	    NULL,
	};
	static const char *const lb2[] = {
	    START("01.000000", "lb2"),
	    STATE("01.000100", "lb2", "VI_1", 51, "INIT", "BACKUP", 200),
	    STATE("02.000000", "lb2", "VI_1", 51, "BACKUP", "MASTER", 200),
	    TRACK("09.000000", "lb2"),
	    NULL,
	};
	struct verify v;

	verify_init(&v, SECOND);
	add_log(&v, "lb1.log", lb1);
	add_log(&v, "lb2.log", lb2);
	assert_int_equal(verify_check(&v), 0);
	assert_int_equal(v.violation_count, 1); /* 02.0 to 05.0 */
	assert_int_equal(v.violations[0].kind, VERIFY_DUAL_MASTER);
	const struct verify_overlap *o = &v.routers[0].overlaps[0];
	assert_true(o->start_us == T0 + 2 * SECOND && o->end_us == T0 + 5 * SECOND);
	assert_int_equal(v.routers[0].changes[0].kind, VERIFY_CHANGE_LOG_START);
	assert_true(v.routers[0].changes[0].ts_us == T0);
	verify_free(&v);
}

/* A hand-over within the same microsecond is no overlap. */
static void test_hand_over_same_microsecond(void **state)
{
	static const char *const lb1[] = {
	    STATE("01.000000", "lb1", "VI_1", 51, "BACKUP", "MASTER", 100),
	    STATE("05.000000", "lb1", "VI_1", 51, "MASTER", "BACKUP", 100),
	    NULL,
	};
	static const char *const lb2[] = {
	    STATE("00.000000", "lb2", "VI_1", 51, "INIT", "BACKUP", 200),
	    STATE("05.000000", "lb2", "VI_1", 51, "BACKUP", "MASTER", 200),
	    TRACK("09.000000", "lb2"),
	    NULL,
	};
	struct verify v;

	verify_init(&v, 0);
	add_log(&v, "lb1.log", lb1);
	add_log(&v, "lb2.log", lb2);
	assert_int_equal(verify_check(&v), 0);
	assert_true(verify_passed(&v));
	assert_int_equal(v.routers[0].overlap_count, 0);
	verify_free(&v);
}

/* Three MASTERs: one overlap, naming all three; one node's two instances are one node. */
static void test_three_masters(void **state)
{
	static const char *const a[] = {
	    STATE("01.000000", "a", "VI_1", 51, "BACKUP", "MASTER", 100),
	    STATE("09.000000", "a", "VI_1", 51, "MASTER", "BACKUP", 100),
	    NULL,
	};
	static const char *const b[] = {
	    STATE("03.000000", "b", "VI_1", 51, "BACKUP", "MASTER", 100),
	    STATE("04.000000", "b", "VI_1", 51, "MASTER", "BACKUP", 100),
	    NULL,
	};
	static const char *const c[] = {
	    STATE("03.500000", "c", "VI_X", 51, "BACKUP", "MASTER", 100),
	    STATE("06.000000", "c", "VI_X", 51, "MASTER", "BACKUP", 100),
	    NULL,
	};
	struct verify v;

	verify_init(&v, SECOND);
	add_log(&v, "a.log", a);
	add_log(&v, "b.log", b);
	add_log(&v, "c.log", c);
	assert_int_equal(verify_check(&v), 0);
	const struct verify_router *r = &v.routers[0];
	assert_int_equal(r->overlap_count, 1);
	assert_true(r->overlaps[0].start_us == T0 + 3 * SECOND);
	assert_true(r->overlaps[0].end_us == T0 + 6 * SECOND);
	assert_int_equal(r->overlaps[0].node_count, 3);
	assert_string_equal(r->overlaps[0].file, "b.log");
	assert_int_equal(v.violation_count, 1);
	assert_non_null(strstr(v.violations[0].message, "a, b and c"));
	verify_free(&v);
}

#define YIELD(ts, node, master)                                                                    \
	LINE_AT(ts, node)                                                                          \
	"\"event\":\"state\",\"instance\":\"VI_1\",\"vrid\":51,\"family\":\"ipv4\","               \
	"\"from\":\"MASTER\",\"to\":\"BACKUP\",\"reason\":\"higher_priority_advert\","             \
	"\"priority\":100,\"master\":\"" master "\"}"
#define ELECTED(ts, node, address)                                                                 \
	LINE_AT(ts, node)                                                                          \
	"\"event\":\"state\",\"instance\":\"VI_1\",\"vrid\":51,\"family\":\"ipv4\","               \
	"\"from\":\"BACKUP\",\"to\":\"MASTER\",\"reason\":\"master_down_timer\","                  \
	"\"priority\":100,\"master\":\"" address "\"}"

/* The end of a MASTER interval (microseconds after T0) of node in v. */
static int64_t master_end(const struct verify *v, const char *node)
{
	const struct verify_router *r = &v->routers[0];
	int64_t end = -1;

	for (size_t i = 0; i < r->change_count; i++)
		if (!strcmp(r->changes[i].node, node) && r->changes[i].kind != VERIFY_CHANGE_STATE)
			end = r->changes[i].ts_us - T0;
	return end;
}

/* What a peer's log shows moves only an end the node's own log implies. */
static void test_sightings_limits(void **state)
{
	/* lb1: MASTER from 01, killed after 05 (last event), restarted at 20 */
	static const char *const lb1[] = {
	    START("00.000000", "lb1"),
	    STATE("00.000100", "lb1", "VI_1", 51, "INIT", "BACKUP", 100),
	    ELECTED("01.000000", "lb1", "10.0.0.1"),
	    TRACK("05.000000", "lb1"),
	    START("20.000000", "lb1"),
	    NULL,
	};
	/* lb2 yields to lb1's adverts at 08 (moves the end) and 25 (after the restart: not) */
	static const char *const lb2[] = {
	    ELECTED("07.000000", "lb2", "10.0.0.2"),
	    YIELD("08.000000", "lb2", "10.0.0.1"),
	    ELECTED("24.000000", "lb2", "10.0.0.2"),
	    YIELD("25.000000", "lb2", "10.0.0.1"),
	    NULL,
	};
	/* lb3 says 10.0.0.1 is its own too: then no sighting of it counts */
	static const char *const lb3[] = {
	    ELECTED("30.000000", "lb3", "10.0.0.1"),
	    STATE("31.000000", "lb3", "VI_1", 51, "MASTER", "BACKUP", 100),
	    NULL,
	};
	struct verify v;

	verify_init(&v, SECOND);
	add_log(&v, "lb1.log", lb1);
	add_log(&v, "lb2.log", lb2);
	assert_int_equal(verify_check(&v), 0);
	assert_true(master_end(&v, "lb1") == 8 * SECOND);
	assert_int_equal(v.routers[0].changes[2].kind, VERIFY_CHANGE_SEEN);
	assert_int_equal(v.warning_count, 1); /* the restart */
	assert_int_equal(v.violation_count, 0); /* lb2 07..08 and lb1 to 08: 1 s, not more */
	verify_free(&v);

	verify_init(&v, SECOND);
	add_log(&v, "lb1.log", lb1);
	add_log(&v, "lb2.log", lb2);
	add_log(&v, "lb3.log", lb3);
	assert_int_equal(verify_check(&v), 0);
	assert_true(master_end(&v, "lb1") == 5 * SECOND);
	verify_free(&v);
}

static void test_stop_while_master(void **state)
{
	static const char *const lines[] = {
	    START("00.000000", "lb1"),
	    STATE("00.000100", "lb1", "VI_1", 51, "INIT", "BACKUP", 100),
	    STATE("03.000000", "lb1", "VI_1", 51, "BACKUP", "MASTER", 100),
	    STOP("07.000000", "lb1"),
	    START("20.000000", "lb1"),
	    STATE("20.000100", "lb1", "VI_1", 51, "INIT", "BACKUP", 100),
	    NULL,
	};
	struct verify v;

	verify_init(&v, SECOND);
	add_log(&v, "t.log", lines);
	assert_int_equal(verify_check(&v), 0);
	assert_true(verify_passed(&v)); /* a warning; and a start after a stop is no restart */
	assert_int_equal(v.warning_count, 1);
	assert_int_equal(v.warnings[0].kind, VERIFY_MASTER_AT_STOP);
	assert_int_equal(v.warnings[0].line, 4);
	assert_int_equal(v.routers[0].interval_count, 1);
	assert_int_equal(v.routers[0].changes[1].kind, VERIFY_CHANGE_STOP);
	assert_true(v.routers[0].changes[1].ts_us == T0 + 7 * SECOND);
	verify_free(&v);
}

/* From must be INIT after a start, whatever the instance was before, seen or not. */
static void test_continuity_after_start(void **state)
{
	static const char *const lines[] = {
	    START("00.000000", "lb1"),
	    STATE("00.000100", "lb1", "VI_1", 51, "INIT", "BACKUP", 100),
	    STOP("01.000000", "lb1"),
	    START("02.000000", "lb1"),
	    STATE("02.000100", "lb1", "VI_1", 51, "BACKUP", "MASTER", 100),
	    STATE("02.000200", "lb1", "VI_2", 52, "BACKUP", "MASTER", 100), /* first seen */
	    NULL,
	};
	struct verify v;

	verify_init(&v, SECOND);
	add_log(&v, "t.log", lines);
	assert_int_equal(verify_check(&v), 0);
	assert_int_equal(v.violation_count, 2);
	assert_int_equal(v.violations[0].kind, VERIFY_DISCONTINUITY);
	assert_non_null(strstr(v.violations[0].message, "since the start at t.log:4"));
	assert_int_equal(v.violations[1].kind, VERIFY_DISCONTINUITY);
	assert_string_equal(v.violations[1].instance, "VI_2");
	assert_non_null(strstr(v.violations[1].message, "but it was INIT"));
	verify_free(&v);
}

/* A node's logs in two files (rotated), given newest first. */
static void test_rotated_logs(void **state)
{
	static const char *const old[] = {
	    START("00.000000", "lb1"),
	    STATE("00.000100", "lb1", "VI_1", 51, "INIT", "BACKUP", 100),
	    STATE("01.000000", "lb1", "VI_1", 51, "BACKUP", "MASTER", 100),
	    NULL,
	};
	static const char *const current[] = {
	    STATE("05.000000", "lb1", "VI_1", 51, "MASTER", "BACKUP", 100),
	    STOP("06.000000", "lb1"),
	    NULL,
	};
	struct verify v;

	verify_init(&v, SECOND);
	add_log(&v, "events.jsonl", current);
	add_log(&v, "events.jsonl.1", old);
	assert_int_equal(verify_check(&v), 0);
	assert_true(verify_passed(&v));
	assert_int_equal(v.warning_count, 0);
	assert_int_equal(v.routers[0].change_count, 2);
	assert_change(&v.routers[0].changes[0], VERIFY_CHANGE_STATE, "2026-11-22T17:40:01Z", "lb1",
		      VERIFY_STATE_MASTER);
	assert_string_equal(v.routers[0].changes[0].file, "events.jsonl.1");
	assert_change(&v.routers[0].changes[1], VERIFY_CHANGE_STATE, "2026-11-22T17:40:05Z", "lb1",
		      VERIFY_STATE_BACKUP);
	verify_free(&v);
}

static void test_clock_and_overlapping_logs(void **state)
{
	static const char *const lines[] = {
	    START("10.000000", "lb1"),
	    STATE("10.000100", "lb1", "VI_1", 51, "INIT", "BACKUP", 100),
	    TRACK("08.000000", "lb1"), /* the clock stepped back */
	    TRACK("12.000000", "lb1"),
	    STOP("13.000000", "lb1"),
	    NULL,
	};
	struct verify v;

	verify_init(&v, SECOND);
	add_log(&v, "a.log", lines);
	add_log(&v, "b.log", lines); /* the same log twice */
	assert_int_equal(verify_check(&v), 0);
	assert_true(verify_passed(&v));
	int clock = 0, overlapping = 0;
	for (size_t i = 0; i < v.warning_count; i++) {
		clock += v.warnings[i].kind == VERIFY_CLOCK_BACK;
		overlapping += v.warnings[i].kind == VERIFY_OVERLAPPING_LOGS;
	}
	assert_int_equal(clock, 2);
	assert_int_equal(overlapping, 1);
	verify_free(&v);
}

static void test_shared_router(void **state)
{
	static const char *const lines[] = {
	    START("00.000000", "lb1"),
	    STATE("00.000100", "lb1", "VI_A", 51, "INIT", "BACKUP", 100),
	    STATE("00.000200", "lb1", "VI_B", 51, "INIT", "BACKUP", 100),
	    STATE("03.000000", "lb1", "VI_A", 51, "BACKUP", "MASTER", 100),
	    STATE("03.000100", "lb1", "VI_B", 51, "BACKUP", "MASTER", 100),
	    NULL,
	};
	struct verify v;

	verify_init(&v, 0);
	add_log(&v, "t.log", lines);
	assert_int_equal(verify_check(&v), 0);
	assert_true(verify_passed(&v)); /* one node is never a dual master with itself */
	assert_int_equal(v.warning_count, 1);
	assert_int_equal(v.warnings[0].kind, VERIFY_SHARED_ROUTER);
	assert_int_equal(v.warnings[0].line, 3);
	verify_free(&v);
}

static void test_many_malformed_lines(void **state)
{
	struct verify v;

	verify_init(&v, SECOND);
	size_t file = verify_add_file(&v, "junk.log");
	for (unsigned long i = 1; i <= VERIFY_MALFORMED_LISTED + 50; i++)
		verify_add_line(&v, file, i, "{\"ts\":1}", 8);
	assert_int_equal(verify_check(&v), 0);
	assert_int_equal(v.malformed_total, VERIFY_MALFORMED_LISTED + 50);
	assert_int_equal(v.malformed_count, VERIFY_MALFORMED_LISTED);
	char *text = report_text(&v);
	assert_non_null(strstr(text, "  ... and 50 more malformed lines\n"));
	assert_non_null(strstr(text, "no virtual router to verify"));
	free(text);
	verify_free(&v);
}

/* ---- reports ------------------------------------------------------------- */

static void test_text_report(void **state)
{
	struct verify v;

	check_fixtures(&v, VERIFY_DEFAULT_TOLERANCE_US, "dual_beyond/lb1.jsonl",
		       "dual_beyond/lb2.jsonl", NULL);
	static const char timeline[] =
	    "vrid 51/ipv4 (VI_1)\n"
	    "  2026-11-22T17:40:03.610Z  lb1 MASTER (master_down_timer)\n"
	    "  2026-11-22T17:40:12.000Z  lb2 MASTER (master_down_timer)\n"
	    "  2026-11-22T17:40:15.214Z  lb2 BACKUP (higher_priority_advert)\n"
	    "  2026-11-22T17:40:30.000Z  lb1 MASTER ends: the end of its log\n"
	    "  overlap: lb1 and lb2 MASTER at once for 3.214 s, 2026-11-22T17:40:12.000Z to "
	    "2026-11-22T17:40:15.214Z: DUAL MASTER, longer than the tolerance of 1.000 s\n";
	char *text = report_text(&v);
	assert_true(!strncmp(text, timeline, strlen(timeline)));
	assert_non_null(strstr(text,
			       "\nviolations (1):\n  dual_beyond/lb2.jsonl:3: vrid 51/ipv4 "
			       "(VI_1): dual master: lb1 and lb2 MASTER at once for 3.214 s"));
	assert_true(ends_with(text, "\nsummary: 2 files, 2 nodes, 1 virtual router, 9 events, "
				    "0 malformed lines; 1 violation, 0 warnings (tolerance 1.000 "
				    "s): FAILED\n"));
	free(text);
	verify_free(&v);
}

/* What a log says is printed, never what it would do to a terminal. */
static void test_text_report_control_characters(void **state)
{
	static const char *const lines[] = {
	    STATE("01.000000", "lb\\u001b[2J1", "VI\\n1", 51, "BACKUP", "MASTER", 100),
	    NULL,
	};
	struct verify v;

	verify_init(&v, SECOND);
	add_log(&v, "t.log", lines);
	assert_int_equal(verify_check(&v), 0);
	char *text = report_text(&v);
	assert_non_null(strstr(text, "vrid 51/ipv4 (VI?1)\n"));
	assert_non_null(strstr(text, "  lb?[2J1 MASTER (test)\n"));
	assert_null(strchr(text, '\033'));
	free(text);
	verify_free(&v);
}

static struct json_object *json_path(struct json_object *obj, const char *key, int index)
{
	struct json_object *value;

	assert_true(json_object_object_get_ex(obj, key, &value));
	if (index >= 0) {
		assert_true(json_object_is_type(value, json_type_array));
		value = json_object_array_get_idx(value, (size_t)index);
		assert_non_null(value);
	}
	return value;
}

static void test_json_report(void **state)
{
	struct verify v;

	check_fixtures(&v, VERIFY_DEFAULT_TOLERANCE_US, "dual_beyond/lb1.jsonl",
		       "dual_beyond/lb2.jsonl", "malformed/lb1.jsonl", NULL);
	struct json_object *report = verify_to_json(&v);
	assert_non_null(report);
	/* written and read back, as a script would */
	struct json_object *copy = json_tokener_parse(json_object_to_json_string(report));
	assert_non_null(copy);

	assert_false(json_object_get_boolean(json_path(copy, "passed", -1)));
	struct json_object *summary = json_path(copy, "summary", -1);
	assert_int_equal(json_object_get_int(json_path(summary, "violations", -1)), 1);
	assert_int_equal(json_object_get_int(json_path(summary, "malformed", -1)), 7);
	assert_int_equal(json_object_get_int(json_path(summary, "files", -1)), 3);
	struct json_object *overlap = json_path(json_path(copy, "routers", 0), "overlaps", 0);
	assert_string_equal(json_object_get_string(json_path(overlap, "start", -1)),
			    "2026-11-22T17:40:12.000000Z");
	assert_true(json_object_get_double(json_path(overlap, "duration", -1)) == 3.214);
	assert_true(json_object_get_boolean(json_path(overlap, "violation", -1)));
	struct json_object *violation = json_path(copy, "violations", 0);
	assert_string_equal(json_object_get_string(json_path(violation, "kind", -1)),
			    "dual_master");
	assert_string_equal(json_object_get_string(json_path(violation, "file", -1)),
			    "dual_beyond/lb2.jsonl");
	assert_int_equal(json_object_get_int(json_path(violation, "line", -1)), 3);
	struct json_object *malformed = json_path(copy, "malformed", 6);
	assert_int_equal(json_object_get_int(json_path(malformed, "line", -1)), 11);
	struct json_object *change = json_path(json_path(copy, "routers", 0), "timeline", 0);
	assert_string_equal(json_object_get_string(json_path(change, "to", -1)), "MASTER");
	assert_string_equal(json_object_get_string(json_path(change, "node", -1)), "lb1");

	json_object_put(copy);
	json_object_put(report);
	verify_free(&v);
}

static void test_read_error(void **state)
{
	struct verify v;

	verify_init(&v, SECOND);
	FILE *dir = fopen(TEST_DATA_DIR "/verify", "r"); /* a directory opens, then fails */
	assert_non_null(dir);
	assert_int_equal(verify_read(&v, "verify", dir), -EISDIR);
	fclose(dir);
	verify_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_time),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_clean),
	    cmocka_unit_test(test_clean_any_order),
	    cmocka_unit_test(test_dual_master_beyond_tolerance),
	    cmocka_unit_test(test_dual_master_within_tolerance),
	    cmocka_unit_test(test_illegal_transitions),
	    cmocka_unit_test(test_killed_agent),
	    cmocka_unit_test(test_malformed_lines),
	    cmocka_unit_test(test_silent_master),
	    cmocka_unit_test(test_sightings_limits),
	    cmocka_unit_test(test_transition_table),
	    cmocka_unit_test(test_owner_rule_without_priority),
	    cmocka_unit_test(test_log_begins_mid_run),
	    cmocka_unit_test(test_hand_over_same_microsecond),
	    cmocka_unit_test(test_three_masters),
	    cmocka_unit_test(test_stop_while_master),
	    cmocka_unit_test(test_continuity_after_start),
	    cmocka_unit_test(test_rotated_logs),
	    cmocka_unit_test(test_clock_and_overlapping_logs),
	    cmocka_unit_test(test_shared_router),
	    cmocka_unit_test(test_many_malformed_lines),
	    cmocka_unit_test(test_text_report),
	    cmocka_unit_test(test_text_report_control_characters),
	    cmocka_unit_test(test_json_report),
	    cmocka_unit_test(test_read_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
