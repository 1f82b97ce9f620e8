/*
 * test_track_priority.c - effective priority and FAULT from tracker states.
 *
 * The expected values are worked out in the test by the rule as DESIGN
 * states it (base + weights of failing trackers, clamped 1..254; no weight
 * = FAULT; bond weight per lost member, FAULT below min_members), over
 * every combination of states of a representative set of trackers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "failoverd/track.h"

static struct track_item item(const char *name, bool has_weight, int weight, unsigned int min)
{
	struct track_item it;

	memset(&it, 0, sizeof(it));
	strcpy(it.name, name);
	it.has_weight = has_weight;
	it.weight = weight;
	it.min_members = min;
	return it;
}

static struct tracker_state state(enum tracker_kind kind, enum tracker_status status,
				  unsigned int total, unsigned int up)
{
	struct tracker_state st;

	memset(&st, 0, sizeof(st));
	st.kind = kind;
	st.status = status;
	st.members_total = total;
	st.members_up = up;
	return st;
}

static void test_no_trackers(void **unused)
{
	struct track_verdict v;

	track_compute(150, NULL, 0, &v);
	assert_int_equal(v.priority, 150);
	assert_false(v.fault);
	assert_null(v.fault_ref);
	assert_null(v.lowest_ref);
}

/* uplink (interface, -50), smtps (check, -60), app (check, no weight),
 * bond0 (2 members, -20 per lost member, min 1): every combination. */
static void test_every_combination(void **unused)
{
	struct track_item items[4] = {
		item("uplink", true, -50, 0),
		item("smtps", true, -60, 0),
		item("app", false, 0, 0),
		item("bond0", true, -20, 1),
	};
	const int bases[] = {1, 100, 150, 200, 254, 255};

	for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++)
	for (int uplink_down = 0; uplink_down <= 1; uplink_down++)
	for (int smtps_down = 0; smtps_down <= 1; smtps_down++)
	for (int app_down = 0; app_down <= 1; app_down++)
	for (unsigned int bond_up = 0; bond_up <= 2; bond_up++) {
		struct tracker_state states[4] = {
			state(TRACKER_INTERFACE, uplink_down ? TRACKER_STATUS_DOWN : TRACKER_STATUS_UP, 0, 0),
			state(TRACKER_CHECK, smtps_down ? TRACKER_STATUS_DOWN : TRACKER_STATUS_UP, 0, 0),
			state(TRACKER_CHECK, app_down ? TRACKER_STATUS_DOWN : TRACKER_STATUS_UP, 0, 0),
			state(TRACKER_BOND,
			      bond_up == 2 ? TRACKER_STATUS_UP
			      : bond_up == 1 ? TRACKER_STATUS_DEGRADED : TRACKER_STATUS_DOWN, 2, bond_up),
		};
		struct track_ref refs[4];
		for (int i = 0; i < 4; i++) {
			refs[i].item = &items[i];
			refs[i].state = &states[i];
		}
		int expected = bases[b] - 50 * uplink_down - 60 * smtps_down;
		expected -= 20 * (int)(2 - bond_up);
		if (expected < 1)
			expected = 1;
		if (expected > 254)
			expected = 254;
		if (bases[b] == 255)
			expected = 255;
		bool fault = app_down || bond_up == 0;

		struct track_verdict v;
		track_compute((uint8_t)bases[b], refs, 4, &v);
		assert_int_equal(v.priority, expected);
		assert_int_equal(v.fault, fault);
		if (app_down)
			assert_ptr_equal(v.fault_ref, &refs[2]);
		else if (bond_up == 0)
			assert_ptr_equal(v.fault_ref, &refs[3]);
		else
			assert_null(v.fault_ref);
		/* The costliest failing weighted tracker is named. */
		if (smtps_down)
			assert_ptr_equal(v.lowest_ref, &refs[1]);
		else if (uplink_down)
			assert_ptr_equal(v.lowest_ref, &refs[0]);
		else if (bond_up < 2)
			assert_ptr_equal(v.lowest_ref, &refs[3]);
		else
			assert_null(v.lowest_ref);
	}
}

static void test_clamps(void **unused)
{
	struct track_item heavy = item("x", true, -254, 0), boost = item("y", true, 254, 0);
	struct tracker_state down = state(TRACKER_CHECK, TRACKER_STATUS_DOWN, 0, 0);
	struct track_ref ref = {&heavy, &down};
	struct track_verdict v;

	track_compute(100, &ref, 1, &v);
	assert_int_equal(v.priority, 1); /* never 0: that means "leaving" */
	ref.item = &boost;
	track_compute(100, &ref, 1, &v);
	assert_int_equal(v.priority, 254); /* never 255: that means "owner" */
}

static void test_bond_min_members(void **unused)
{
	struct track_item bond = item("bond0", true, -10, 3);
	struct track_item unweighted = item("bond1", false, 0, 2);
	struct track_verdict v;

	for (unsigned int up = 0; up <= 4; up++) {
		struct tracker_state st = state(TRACKER_BOND,
						up == 4 ? TRACKER_STATUS_UP : up ? TRACKER_STATUS_DEGRADED
									  : TRACKER_STATUS_DOWN, 4, up);
		struct track_ref ref = {&bond, &st};

		track_compute(200, &ref, 1, &v);
		assert_int_equal(v.fault, up < 3);
		assert_int_equal(v.priority, 200 - 10 * (int)(4 - up));
		/* Without a weight a degraded bond costs nothing until it falls
		 * below min_members. */
		ref.item = &unweighted;
		track_compute(200, &ref, 1, &v);
		assert_int_equal(v.fault, up < 2);
		assert_int_equal(v.priority, 200);
	}
	/* The master device down means down, whatever the member count says. */
	struct tracker_state master_down = state(TRACKER_BOND, TRACKER_STATUS_DOWN, 2, 2);
	struct track_ref ref = {&bond, &master_down};
	track_compute(200, &ref, 1, &v);
	assert_true(v.fault);
}

/* Reload: a new base with the same tracker states gives exactly what a
 * fresh computation gives, whatever the priority was before. */
static void test_recompute_after_reload(void **unused)
{
	struct track_item it = item("uplink", true, -50, 0);
	struct tracker_state st = state(TRACKER_INTERFACE, TRACKER_STATUS_DOWN, 0, 0);
	struct track_ref ref = {&it, &st};
	struct track_verdict v;

	track_compute(150, &ref, 1, &v);
	assert_int_equal(v.priority, 100);
	track_compute(120, &ref, 1, &v);
	assert_int_equal(v.priority, 70);
	it.weight = -10; /* the reload also changed the weight */
	track_compute(120, &ref, 1, &v);
	assert_int_equal(v.priority, 110);
	st.status = TRACKER_STATUS_UP;
	track_compute(120, &ref, 1, &v);
	assert_int_equal(v.priority, 120);
}

static void test_names(void **unused)
{
	assert_string_equal(tracker_kind_name(TRACKER_INTERFACE), "interface");
	assert_string_equal(tracker_kind_name(TRACKER_BOND), "bond");
	assert_string_equal(tracker_kind_name(TRACKER_CHECK), "check");
	assert_string_equal(tracker_status_name(TRACKER_STATUS_UP), "up");
	assert_string_equal(tracker_status_name(TRACKER_STATUS_DOWN), "down");
	assert_string_equal(tracker_status_name(TRACKER_STATUS_DEGRADED), "degraded");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_trackers),
		cmocka_unit_test(test_every_combination),
		cmocka_unit_test(test_clamps),
		cmocka_unit_test(test_bond_min_members),
		cmocka_unit_test(test_recompute_after_reload),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
