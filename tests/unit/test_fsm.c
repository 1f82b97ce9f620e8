/*
 * test_fsm.c - the VRRP state machine (src/vrrp/fsm.c).
 *
 * The heart is a table that walks every (state, event) pair, with the advert
 * event split into the variants RFC 5798 6.4.2 / 6.4.3 tell apart, and
 * checks the next state, the reason and the exact ordered action list. The
 * scenarios after it cover what one step cannot show: timer arithmetic,
 * learnt intervals, preempt and preempt_delay, the owner, the reply rate
 * limit, the tie-break and the initial_state hint.
 *
 * Expected timer values are derived by hand from RFC 5798 6.1 next to
 * their macros, not computed with the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "failoverd/fsm.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Our router in most tests: v3, priority 100, 1 s adverts, 10.0.0.2. */
#define OUR_PRIORITY 100
#define NEW_PRIORITY 120  /* what PRIORITY_CHANGED switches to */
#define ADVERT_US 1000000 /* 100 cs */
/* Skew = (256 - 100) * 100 cs / 256 = 156 * 1,000,000 us / 256 = 609,375 us. */
#define SKEW_US 609375
/* Master_Down_Interval = 3 * 1,000,000 + 609,375 us. */
#define MDI_US 3609375

/* Addresses: ours is 10.0.0.2. */
#define OUR_ADDRESS "10.0.0.2"
#define MASTER_ADDRESS "10.0.0.9"    /* the higher-priority master we follow */
#define HIGHER_ADDRESS "10.0.0.3"    /* equal priority, greater address */
#define LOWER_ADDRESS "10.0.0.1"     /* equal priority, smaller address */
#define WEAK_PEER_ADDRESS "10.0.0.5" /* a lower-priority router */
#define STRANGER_ADDRESS "10.0.0.7"  /* someone we do not follow */

static struct ip_address address(const char *text)
{
	struct ip_address a;

	assert_int_equal(ip_address_parse(text, &a), 0);
	return a;
}

static struct vrrp_fsm_config config_default(void)
{
	return (struct vrrp_fsm_config){
	    .priority = OUR_PRIORITY,
	    .advert_interval_cs = 100,
	    .version = 3,
	    .preempt = true,
	    .preempt_delay_us = 0,
	    .initial_master = false,
	    .primary = address(OUR_ADDRESS),
	};
}

static struct vrrp_event event_of(enum vrrp_event_type type)
{
	return (struct vrrp_event){.type = type};
}

static struct vrrp_event advert(const char *source, uint8_t priority, uint16_t interval_cs)
{
	return (struct vrrp_event){
	    .type = VRRP_EVENT_ADVERT,
	    .priority = priority,
	    .interval_cs = interval_cs,
	    .source = address(source),
	};
}

static struct vrrp_event fault(enum vrrp_event_type type, enum vrrp_reason reason)
{
	return (struct vrrp_event){.type = type, .reason = reason};
}

/* Handles one event, with *out pre-filled with junk to prove it is always set. */
static struct vrrp_fsm_result step(struct vrrp_fsm *fsm, struct vrrp_event event, int64_t now_us)
{
	struct vrrp_fsm_result out;

	memset(&out, 0xa5, sizeof(out));
	vrrp_fsm_handle(fsm, &event, now_us, &out);
	assert_int_equal(out.from == out.to ? 0 : 1, out.changed ? 1 : 0);
	assert_true(out.n_actions >= 0 && out.n_actions <= VRRP_FSM_MAX_ACTIONS);
	if (!out.changed)
		assert_int_equal(out.reason, VRRP_REASON_NONE);
	return out;
}

static void assert_action(const struct vrrp_action *got, const struct vrrp_action *want)
{
	assert_int_equal(got->type, want->type);
	if (want->type == VRRP_ACTION_ARM_ADVERT_TIMER ||
	    want->type == VRRP_ACTION_ARM_MASTER_DOWN_TIMER)
		assert_int_equal(got->delay_us, want->delay_us);
	if (want->type == VRRP_ACTION_SEND_ADVERT)
		assert_int_equal(got->priority, want->priority);
}

static void assert_actions(const struct vrrp_fsm_result *out, const struct vrrp_action *want,
			   int n_want)
{
	assert_int_equal(out->n_actions, n_want);
	for (int i = 0; i < n_want; i++)
		assert_action(&out->actions[i], &want[i]);
}

/* ---- action shorthands for the table ------------------------------------ */

/* One readable line per macro and per table row. */
/* clang-format off */
#define ADD_VIPS {.type = VRRP_ACTION_ADD_VIPS}
#define REMOVE_VIPS {.type = VRRP_ACTION_REMOVE_VIPS}
#define SEND_ADVERT(p) {.type = VRRP_ACTION_SEND_ADVERT, .priority = (p)}
#define SEND_GARP {.type = VRRP_ACTION_SEND_GARP}
#define ARM_ADVERT(us) {.type = VRRP_ACTION_ARM_ADVERT_TIMER, .delay_us = (us)}
#define STOP_ADVERT {.type = VRRP_ACTION_STOP_ADVERT_TIMER}
#define ARM_DOWN(us) {.type = VRRP_ACTION_ARM_MASTER_DOWN_TIMER, .delay_us = (us)}
#define STOP_DOWN {.type = VRRP_ACTION_STOP_MASTER_DOWN_TIMER}

#define ACTIONS(...)                                                                               \
	.n_actions = ARRAY_LEN(((struct vrrp_action[]){__VA_ARGS__})), .actions = {__VA_ARGS__}
#define NO_ACTIONS .n_actions = 0

/* The whole MASTER transition, in its required order (RFC 5798 6.4.1). */
#define BECOME_MASTER ACTIONS(ADD_VIPS, SEND_ADVERT(OUR_PRIORITY), SEND_GARP, ARM_ADVERT(ADVERT_US))
/* clang-format on */

/* ---- the (state, event) table -------------------------------------------- */

enum table_event {
	EV_STARTUP,
	EV_SHUTDOWN,
	EV_ADVERT_HIGHER,	     /* 150 from MASTER_ADDRESS */
	EV_ADVERT_EQUAL_HIGHER_ADDR, /* 100 from HIGHER_ADDRESS */
	EV_ADVERT_EQUAL_LOWER_ADDR,  /* 100 from LOWER_ADDRESS */
	EV_ADVERT_LOWER,	     /* 50 from WEAK_PEER_ADDRESS */
	EV_ADVERT_LOWER_MASTER,      /* 50 from MASTER_ADDRESS (it degraded) */
	EV_ADVERT_ZERO_MASTER,	     /* 0 from MASTER_ADDRESS */
	EV_ADVERT_ZERO_STRANGER,     /* 0 from STRANGER_ADDRESS */
	EV_MASTER_DOWN_TIMER,
	EV_ADVERT_TIMER,
	EV_FAULT,	     /* link_down */
	EV_FAULT_CLEARED,    /* link_up */
	EV_PRIORITY_CHANGED, /* cfg.priority becomes NEW_PRIORITY */
	EV_FORCE_MASTER,     /* sync_group */
	EV_FORCE_BACKUP,     /* sync_group */
	EV_COUNT
};

struct table_row {
	enum vrrp_state from;
	enum table_event event;
	enum vrrp_state to;
	enum vrrp_reason reason;
	int n_actions;
	struct vrrp_action actions[VRRP_FSM_MAX_ACTIONS];
};

#define S_INIT VRRP_STATE_INIT
#define S_BACKUP VRRP_STATE_BACKUP
#define S_MASTER VRRP_STATE_MASTER
#define S_FAULT VRRP_STATE_FAULT
#define R_NONE VRRP_REASON_NONE

/*
 * from, event -> to, reason, actions. In BACKUP we follow MASTER_ADDRESS;
 * in MASTER we follow no one, so "priority 0 from the master" is just
 * another priority-0 advert there.
 */
/* clang-format off */
static const struct table_row fsm_table[] = {
	/* INIT: only STARTUP and FAULT mean anything. */
	{S_INIT, EV_STARTUP, S_BACKUP, VRRP_REASON_STARTUP, ACTIONS(ARM_DOWN(MDI_US))},
	{S_INIT, EV_SHUTDOWN, S_INIT, R_NONE, NO_ACTIONS},
	{S_INIT, EV_ADVERT_HIGHER, S_INIT, R_NONE, NO_ACTIONS},
	{S_INIT, EV_ADVERT_EQUAL_HIGHER_ADDR, S_INIT, R_NONE, NO_ACTIONS},
	{S_INIT, EV_ADVERT_EQUAL_LOWER_ADDR, S_INIT, R_NONE, NO_ACTIONS},
	{S_INIT, EV_ADVERT_LOWER, S_INIT, R_NONE, NO_ACTIONS},
	{S_INIT, EV_ADVERT_LOWER_MASTER, S_INIT, R_NONE, NO_ACTIONS},
	{S_INIT, EV_ADVERT_ZERO_MASTER, S_INIT, R_NONE, NO_ACTIONS},
	{S_INIT, EV_ADVERT_ZERO_STRANGER, S_INIT, R_NONE, NO_ACTIONS},
	{S_INIT, EV_MASTER_DOWN_TIMER, S_INIT, R_NONE, NO_ACTIONS},
	{S_INIT, EV_ADVERT_TIMER, S_INIT, R_NONE, NO_ACTIONS},
	{S_INIT, EV_FAULT, S_FAULT, VRRP_REASON_LINK_DOWN, NO_ACTIONS},
	{S_INIT, EV_FAULT_CLEARED, S_INIT, R_NONE, NO_ACTIONS},
	{S_INIT, EV_PRIORITY_CHANGED, S_INIT, R_NONE, NO_ACTIONS},
	{S_INIT, EV_FORCE_MASTER, S_INIT, R_NONE, NO_ACTIONS},
	{S_INIT, EV_FORCE_BACKUP, S_INIT, R_NONE, NO_ACTIONS},

	/* BACKUP (RFC 5798 6.4.2), following MASTER_ADDRESS at priority 150. */
	{S_BACKUP, EV_STARTUP, S_BACKUP, R_NONE, NO_ACTIONS},
	{S_BACKUP, EV_SHUTDOWN, S_INIT, VRRP_REASON_SHUTDOWN, ACTIONS(STOP_DOWN)},
	{S_BACKUP, EV_ADVERT_HIGHER, S_BACKUP, R_NONE, ACTIONS(ARM_DOWN(MDI_US))},
	{S_BACKUP, EV_ADVERT_EQUAL_HIGHER_ADDR, S_BACKUP, R_NONE, ACTIONS(ARM_DOWN(MDI_US))},
	/* ">= ours" resets the timer whatever the address. */
	{S_BACKUP, EV_ADVERT_EQUAL_LOWER_ADDR, S_BACKUP, R_NONE, ACTIONS(ARM_DOWN(MDI_US))},
	/* A lower advert from anyone but our master: discarded (RFC 5798 6.4.2). */
	{S_BACKUP, EV_ADVERT_LOWER, S_BACKUP, R_NONE, NO_ACTIONS},
	/* Fast hand-over: our master degraded below us; take over after Skew_Time. */
	{S_BACKUP, EV_ADVERT_LOWER_MASTER, S_BACKUP, R_NONE, ACTIONS(ARM_DOWN(SKEW_US))},
	{S_BACKUP, EV_ADVERT_ZERO_MASTER, S_BACKUP, R_NONE, ACTIONS(ARM_DOWN(SKEW_US))},
	{S_BACKUP, EV_ADVERT_ZERO_STRANGER, S_BACKUP, R_NONE, NO_ACTIONS},
	{S_BACKUP, EV_MASTER_DOWN_TIMER, S_MASTER, VRRP_REASON_MASTER_DOWN_TIMER, BECOME_MASTER},
	{S_BACKUP, EV_ADVERT_TIMER, S_BACKUP, R_NONE, NO_ACTIONS},
	{S_BACKUP, EV_FAULT, S_FAULT, VRRP_REASON_LINK_DOWN, ACTIONS(STOP_DOWN)},
	{S_BACKUP, EV_FAULT_CLEARED, S_BACKUP, R_NONE, NO_ACTIONS},
	{S_BACKUP, EV_PRIORITY_CHANGED, S_BACKUP, R_NONE, NO_ACTIONS},
	/* The sync group moves together: a member became MASTER. */
	{S_BACKUP, EV_FORCE_MASTER, S_MASTER, VRRP_REASON_SYNC_GROUP,
	 ACTIONS(STOP_DOWN, ADD_VIPS, SEND_ADVERT(OUR_PRIORITY), SEND_GARP, ARM_ADVERT(ADVERT_US))},
	{S_BACKUP, EV_FORCE_BACKUP, S_BACKUP, R_NONE, NO_ACTIONS},

	/* MASTER (RFC 5798 6.4.3). */
	{S_MASTER, EV_STARTUP, S_MASTER, R_NONE, NO_ACTIONS},
	{S_MASTER, EV_SHUTDOWN, S_INIT, VRRP_REASON_SHUTDOWN,
	 ACTIONS(STOP_ADVERT, SEND_ADVERT(0), REMOVE_VIPS)},
	/* Yielding: one farewell advert at our priority, so the winner answers
	 * with a GARP that heals ARP caches after a split brain. */
	{S_MASTER, EV_ADVERT_HIGHER, S_BACKUP, VRRP_REASON_HIGHER_PRIORITY_ADVERT,
	 ACTIONS(STOP_ADVERT, SEND_ADVERT(OUR_PRIORITY), REMOVE_VIPS, ARM_DOWN(MDI_US))},
	{S_MASTER, EV_ADVERT_EQUAL_HIGHER_ADDR, S_BACKUP, VRRP_REASON_HIGHER_PRIORITY_ADVERT,
	 ACTIONS(STOP_ADVERT, SEND_ADVERT(OUR_PRIORITY), REMOVE_VIPS, ARM_DOWN(MDI_US))},
	/* DESIGN: answer a weaker advert at once, without touching the timer. */
	{S_MASTER, EV_ADVERT_EQUAL_LOWER_ADDR, S_MASTER, R_NONE,
	 ACTIONS(SEND_ADVERT(OUR_PRIORITY), SEND_GARP)},
	{S_MASTER, EV_ADVERT_LOWER, S_MASTER, R_NONE, ACTIONS(SEND_ADVERT(OUR_PRIORITY), SEND_GARP)},
	{S_MASTER, EV_ADVERT_LOWER_MASTER, S_MASTER, R_NONE,
	 ACTIONS(SEND_ADVERT(OUR_PRIORITY), SEND_GARP)},
	{S_MASTER, EV_ADVERT_ZERO_MASTER, S_MASTER, R_NONE,
	 ACTIONS(SEND_ADVERT(OUR_PRIORITY), ARM_ADVERT(ADVERT_US))},
	{S_MASTER, EV_ADVERT_ZERO_STRANGER, S_MASTER, R_NONE,
	 ACTIONS(SEND_ADVERT(OUR_PRIORITY), ARM_ADVERT(ADVERT_US))},
	{S_MASTER, EV_MASTER_DOWN_TIMER, S_MASTER, R_NONE, NO_ACTIONS},
	{S_MASTER, EV_ADVERT_TIMER, S_MASTER, R_NONE,
	 ACTIONS(SEND_ADVERT(OUR_PRIORITY), ARM_ADVERT(ADVERT_US))},
	{S_MASTER, EV_FAULT, S_FAULT, VRRP_REASON_LINK_DOWN, ACTIONS(STOP_ADVERT, REMOVE_VIPS)},
	{S_MASTER, EV_FAULT_CLEARED, S_MASTER, R_NONE, NO_ACTIONS},
	{S_MASTER, EV_PRIORITY_CHANGED, S_MASTER, R_NONE,
	 ACTIONS(SEND_ADVERT(NEW_PRIORITY), ARM_ADVERT(ADVERT_US))},
	{S_MASTER, EV_FORCE_MASTER, S_MASTER, R_NONE, NO_ACTIONS},
	/* Stepping down on request: priority 0 so the peer moves after its skew. */
	{S_MASTER, EV_FORCE_BACKUP, S_BACKUP, VRRP_REASON_SYNC_GROUP,
	 ACTIONS(STOP_ADVERT, SEND_ADVERT(0), REMOVE_VIPS, ARM_DOWN(MDI_US))},

	/* FAULT: only FAULT_CLEARED and SHUTDOWN lead out. */
	{S_FAULT, EV_STARTUP, S_FAULT, R_NONE, NO_ACTIONS},
	{S_FAULT, EV_SHUTDOWN, S_INIT, VRRP_REASON_SHUTDOWN, NO_ACTIONS},
	{S_FAULT, EV_ADVERT_HIGHER, S_FAULT, R_NONE, NO_ACTIONS},
	{S_FAULT, EV_ADVERT_EQUAL_HIGHER_ADDR, S_FAULT, R_NONE, NO_ACTIONS},
	{S_FAULT, EV_ADVERT_EQUAL_LOWER_ADDR, S_FAULT, R_NONE, NO_ACTIONS},
	{S_FAULT, EV_ADVERT_LOWER, S_FAULT, R_NONE, NO_ACTIONS},
	{S_FAULT, EV_ADVERT_LOWER_MASTER, S_FAULT, R_NONE, NO_ACTIONS},
	{S_FAULT, EV_ADVERT_ZERO_MASTER, S_FAULT, R_NONE, NO_ACTIONS},
	{S_FAULT, EV_ADVERT_ZERO_STRANGER, S_FAULT, R_NONE, NO_ACTIONS},
	{S_FAULT, EV_MASTER_DOWN_TIMER, S_FAULT, R_NONE, NO_ACTIONS},
	{S_FAULT, EV_ADVERT_TIMER, S_FAULT, R_NONE, NO_ACTIONS},
	{S_FAULT, EV_FAULT, S_FAULT, R_NONE, NO_ACTIONS},
	{S_FAULT, EV_FAULT_CLEARED, S_BACKUP, VRRP_REASON_LINK_UP, ACTIONS(ARM_DOWN(MDI_US))},
	{S_FAULT, EV_PRIORITY_CHANGED, S_FAULT, R_NONE, NO_ACTIONS},
	{S_FAULT, EV_FORCE_MASTER, S_FAULT, R_NONE, NO_ACTIONS},
	{S_FAULT, EV_FORCE_BACKUP, S_FAULT, R_NONE, NO_ACTIONS},
};
/* clang-format on */

static struct vrrp_event table_event_make(enum table_event event)
{
	switch (event) {
	case EV_STARTUP:
		return event_of(VRRP_EVENT_STARTUP);
	case EV_SHUTDOWN:
		return event_of(VRRP_EVENT_SHUTDOWN);
	case EV_ADVERT_HIGHER:
		return advert(MASTER_ADDRESS, 150, 100);
	case EV_ADVERT_EQUAL_HIGHER_ADDR:
		return advert(HIGHER_ADDRESS, OUR_PRIORITY, 100);
	case EV_ADVERT_EQUAL_LOWER_ADDR:
		return advert(LOWER_ADDRESS, OUR_PRIORITY, 100);
	case EV_ADVERT_LOWER:
		return advert(WEAK_PEER_ADDRESS, 50, 100);
	case EV_ADVERT_LOWER_MASTER:
		return advert(MASTER_ADDRESS, 50, 100);
	case EV_ADVERT_ZERO_MASTER:
		return advert(MASTER_ADDRESS, 0, 100);
	case EV_ADVERT_ZERO_STRANGER:
		return advert(STRANGER_ADDRESS, 0, 100);
	case EV_MASTER_DOWN_TIMER:
		return event_of(VRRP_EVENT_MASTER_DOWN_TIMER);
	case EV_ADVERT_TIMER:
		return event_of(VRRP_EVENT_ADVERT_TIMER);
	case EV_FAULT:
		return fault(VRRP_EVENT_FAULT, VRRP_REASON_LINK_DOWN);
	case EV_FAULT_CLEARED:
		return fault(VRRP_EVENT_FAULT_CLEARED, VRRP_REASON_LINK_UP);
	case EV_FORCE_MASTER:
		return fault(VRRP_EVENT_FORCE_MASTER, VRRP_REASON_SYNC_GROUP);
	case EV_FORCE_BACKUP:
		return fault(VRRP_EVENT_FORCE_BACKUP, VRRP_REASON_SYNC_GROUP);
	case EV_PRIORITY_CHANGED:
	default:
		return event_of(VRRP_EVENT_PRIORITY_CHANGED);
	}
}

/* Drives a fresh router into state through the public interface. */
static void fsm_bring_to(struct vrrp_fsm *fsm, enum vrrp_state state, int64_t *now_us)
{
	struct vrrp_fsm_config cfg = config_default();

	vrrp_fsm_init(fsm, &cfg);
	*now_us = 1000;
	if (state == VRRP_STATE_INIT)
		return;
	step(fsm, event_of(VRRP_EVENT_STARTUP), (*now_us)++);
	if (state == VRRP_STATE_BACKUP)
		step(fsm, advert(MASTER_ADDRESS, 150, 100), (*now_us)++);
	if (state == VRRP_STATE_MASTER)
		step(fsm, event_of(VRRP_EVENT_MASTER_DOWN_TIMER), (*now_us)++);
	if (state == VRRP_STATE_FAULT)
		step(fsm, fault(VRRP_EVENT_FAULT, VRRP_REASON_LINK_DOWN), (*now_us)++);
	assert_int_equal(fsm->state, state);
}

static void test_table_covers_every_pair(void **state)
{
	int seen[VRRP_STATE_COUNT][EV_COUNT] = {{0}};

	for (size_t i = 0; i < ARRAY_LEN(fsm_table); i++)
		seen[fsm_table[i].from][fsm_table[i].event]++;
	for (int s = 0; s < VRRP_STATE_COUNT; s++)
		for (int e = 0; e < EV_COUNT; e++) {
			if (seen[s][e] != 1)
				fail_msg("state %s, table event %d: %d rows", vrrp_state_name(s), e,
					 seen[s][e]);
		}
}

static bool actions_match(const struct vrrp_fsm_result *out, const struct table_row *row)
{
	if (out->n_actions != row->n_actions)
		return false;
	for (int i = 0; i < row->n_actions; i++) {
		const struct vrrp_action *got = &out->actions[i], *want = &row->actions[i];

		if (got->type != want->type)
			return false;
		if ((want->type == VRRP_ACTION_ARM_ADVERT_TIMER ||
		     want->type == VRRP_ACTION_ARM_MASTER_DOWN_TIMER) &&
		    got->delay_us != want->delay_us)
			return false;
		if (want->type == VRRP_ACTION_SEND_ADVERT && got->priority != want->priority)
			return false;
	}
	return true;
}

static void test_table(void **state)
{
	for (size_t i = 0; i < ARRAY_LEN(fsm_table); i++) {
		const struct table_row *row = &fsm_table[i];
		struct vrrp_fsm fsm;
		int64_t now_us;

		fsm_bring_to(&fsm, row->from, &now_us);
		if (row->event == EV_PRIORITY_CHANGED)
			fsm.cfg.priority = NEW_PRIORITY;
		struct vrrp_fsm_result out = step(&fsm, table_event_make(row->event), now_us);

		if (out.from != row->from || out.to != row->to || fsm.state != row->to ||
		    out.changed != (row->from != row->to) || out.reason != row->reason ||
		    !actions_match(&out, row))
			fail_msg("table row %zu (%s + table event %d): got %s reason %s, "
				 "%d actions; want %s reason %s, %d actions",
				 i, vrrp_state_name(row->from), row->event, vrrp_state_name(out.to),
				 vrrp_reason_name(out.reason), out.n_actions,
				 vrrp_state_name(row->to), vrrp_reason_name(row->reason),
				 row->n_actions);
	}
}

/* ---- timer arithmetic (RFC 5798 6.1) ------------------------------------- */

static struct vrrp_fsm fsm_with(uint8_t version, uint8_t priority, uint16_t interval_cs)
{
	struct vrrp_fsm_config cfg = config_default();
	struct vrrp_fsm fsm;

	cfg.version = version;
	cfg.priority = priority;
	cfg.advert_interval_cs = interval_cs;
	vrrp_fsm_init(&fsm, &cfg);
	return fsm;
}

static void test_timers_v3_one_second_priority_100(void **state)
{
	struct vrrp_fsm fsm = fsm_with(3, 100, 100);

	/* (256 - 100) * 1,000,000 / 256 = 609,375; 3 * 1 s + skew. */
	assert_int_equal(vrrp_fsm_skew_time_us(&fsm), 609375);
	assert_int_equal(vrrp_fsm_master_down_interval_us(&fsm), 3609375);
}

static void test_timers_v3_one_centisecond_priority_254(void **state)
{
	struct vrrp_fsm fsm = fsm_with(3, 254, 1);

	/* (256 - 254) * 10,000 / 256 = 78.125 -> 78 us; 3 * 10 ms + 78. */
	assert_int_equal(vrrp_fsm_skew_time_us(&fsm), 78);
	assert_int_equal(vrrp_fsm_master_down_interval_us(&fsm), 30078);
}

static void test_timers_v2_one_second(void **state)
{
	struct vrrp_fsm fsm = fsm_with(2, 200, 100);

	/* RFC 3768: (256 - 200) / 256 s = 218,750 us; 3 s + skew. */
	assert_int_equal(vrrp_fsm_skew_time_us(&fsm), 218750);
	assert_int_equal(vrrp_fsm_master_down_interval_us(&fsm), 3218750);

	/* v2 skew does not scale with the interval. */
	struct vrrp_fsm slow = fsm_with(2, 200, 300);

	assert_int_equal(vrrp_fsm_skew_time_us(&slow), 218750);
	assert_int_equal(vrrp_fsm_master_down_interval_us(&slow), 9218750);
}

/* ---- scenarios ------------------------------------------------------------ */

static void fsm_start(struct vrrp_fsm *fsm, const struct vrrp_fsm_config *cfg, int64_t now_us)
{
	vrrp_fsm_init(fsm, cfg);
	step(fsm, event_of(VRRP_EVENT_STARTUP), now_us);
}

static void assert_single_arm_down(const struct vrrp_fsm_result *out, int64_t delay_us)
{
	const struct vrrp_action want[] = {ARM_DOWN(delay_us)};

	assert_false(out->changed);
	assert_actions(out, want, 1);
}

static void assert_no_action(const struct vrrp_fsm_result *out)
{
	assert_false(out->changed);
	assert_int_equal(out->n_actions, 0);
}

static void test_learnt_master_adver_interval(void **state)
{
	struct vrrp_fsm_config cfg = config_default();
	struct vrrp_fsm fsm;

	fsm_start(&fsm, &cfg, 0);
	/* RFC 5798 6.4.2: the master advertises every 2 s; learn it.
	 * Skew = 156 * 2,000,000 / 256 = 1,218,750; MDI = 6 s + skew. */
	struct vrrp_fsm_result out = step(&fsm, advert(MASTER_ADDRESS, 150, 200), 10);
	assert_single_arm_down(&out, 7218750);
	assert_int_equal(fsm.master_adver_interval_cs, 200);
	assert_int_equal(vrrp_fsm_skew_time_us(&fsm), 1218750);

	/* Priority 0 from it now waits the learnt skew. */
	out = step(&fsm, advert(MASTER_ADDRESS, 0, 200), 20);
	assert_single_arm_down(&out, 1218750);

	/* As master we advertise at our own interval, not the learnt one. */
	out = step(&fsm, event_of(VRRP_EVENT_MASTER_DOWN_TIMER), 30);
	assert_int_equal(out.to, VRRP_STATE_MASTER);
	assert_int_equal(out.reason, VRRP_REASON_PRIORITY_ZERO_RECEIVED);
	assert_int_equal(out.actions[3].type, VRRP_ACTION_ARM_ADVERT_TIMER);
	assert_int_equal(out.actions[3].delay_us, ADVERT_US);

	/* Yielding to a master with a 50 cs interval learns that one:
	 * skew = 156 * 500,000 / 256 = 304,687; MDI = 1.5 s + skew. */
	out = step(&fsm, advert(MASTER_ADDRESS, 150, 50), 40);
	assert_int_equal(out.to, VRRP_STATE_BACKUP);
	assert_int_equal(out.actions[3].delay_us, 1804687);

	/* Back from FAULT, we start over from our own interval (RFC 5798 6.4.1). */
	step(&fsm, fault(VRRP_EVENT_FAULT, VRRP_REASON_LINK_DOWN), 50);
	out = step(&fsm, fault(VRRP_EVENT_FAULT_CLEARED, VRRP_REASON_LINK_UP), 60);
	assert_int_equal(out.actions[0].delay_us, MDI_US);
	assert_int_equal(fsm.master_adver_interval_cs, 100);
}

static void test_v2_does_not_learn_interval(void **state)
{
	struct vrrp_fsm_config cfg = config_default();
	struct vrrp_fsm fsm;

	cfg.version = 2;
	fsm_start(&fsm, &cfg, 0);
	/* Skew v2 at 100 = 609,375; MDI = 3 s + skew, the advert's 2 s ignored. */
	struct vrrp_fsm_result out = step(&fsm, advert(MASTER_ADDRESS, 150, 200), 10);
	assert_single_arm_down(&out, 3609375);
	assert_int_equal(fsm.master_adver_interval_cs, 100);
}

static void test_no_preempt_stays_backup(void **state)
{
	struct vrrp_fsm_config cfg = config_default();
	struct vrrp_fsm fsm;

	cfg.preempt = false;
	fsm_start(&fsm, &cfg, 0);
	for (int64_t t = ADVERT_US; t <= 10 * ADVERT_US; t += ADVERT_US) {
		struct vrrp_fsm_result out = step(&fsm, advert(WEAK_PEER_ADDRESS, 50, 100), t);

		assert_single_arm_down(&out, MDI_US);
		assert_false(fsm.preempting);
	}
	struct ip_address weak = address(WEAK_PEER_ADDRESS);
	assert_true(ip_address_equal(&fsm.master, &weak));
}

static void test_preempt_takes_over_lower_master(void **state)
{
	struct vrrp_fsm_config cfg = config_default();
	struct vrrp_fsm fsm;

	/* We follow a master at 150; a tracker drops it to 50, below our 100:
	 * the fast hand-over arms the timer to Skew_Time. */
	fsm_start(&fsm, &cfg, 0);
	step(&fsm, advert(MASTER_ADDRESS, 150, 100), 5);
	struct vrrp_fsm_result out = step(&fsm, advert(MASTER_ADDRESS, 50, 100), 10);
	assert_single_arm_down(&out, SKEW_US);
	assert_true(fsm.preempting);

	/* Later lower-priority adverts do not push the takeover back. */
	out = step(&fsm, advert(MASTER_ADDRESS, 50, 100), 10 + ADVERT_US / 2);
	assert_no_action(&out);

	/* The timer fires: a preemption, not a master failure. */
	out = step(&fsm, event_of(VRRP_EVENT_MASTER_DOWN_TIMER), 10 + SKEW_US);
	assert_int_equal(out.to, VRRP_STATE_MASTER);
	assert_int_equal(out.reason, VRRP_REASON_PREEMPT);
	assert_false(fsm.preempting);

	/* The master recovering before the skew runs out cancels it. */
	fsm_start(&fsm, &cfg, 0);
	step(&fsm, advert(MASTER_ADDRESS, 150, 100), 5);
	out = step(&fsm, advert(MASTER_ADDRESS, 50, 100), 10);
	assert_single_arm_down(&out, SKEW_US);
	out = step(&fsm, advert(MASTER_ADDRESS, 150, 100), 20);
	assert_single_arm_down(&out, MDI_US);
	assert_false(fsm.preempting);

	/* Lower adverts from a stranger (forged, misconfigured) never trigger
	 * the fast path while we follow a healthy master. */
	fsm_start(&fsm, &cfg, 0);
	step(&fsm, advert(MASTER_ADDRESS, 150, 100), 5);
	for (int i = 0; i < 50; i++) {
		out = step(&fsm, advert(WEAK_PEER_ADDRESS, 50, 100), 10 + i);
		assert_no_action(&out);
	}
	assert_false(fsm.preempting);

	/* With no master known yet (just started), a lower-priority master is
	 * discarded as RFC 5798 6.4.2 says and the startup timer runs out
	 * into a preemption. */
	fsm_start(&fsm, &cfg, 0);
	out = step(&fsm, advert(WEAK_PEER_ADDRESS, 50, 100), 10);
	assert_no_action(&out);
	assert_true(fsm.preempting);
	out = step(&fsm, event_of(VRRP_EVENT_MASTER_DOWN_TIMER), MDI_US);
	assert_int_equal(out.reason, VRRP_REASON_PREEMPT);

	/* Without preempt, a lower-priority master is followed as usual. */
	cfg.preempt = false;
	fsm_start(&fsm, &cfg, 0);
	out = step(&fsm, advert(WEAK_PEER_ADDRESS, 50, 100), 10);
	assert_single_arm_down(&out, MDI_US);
	assert_false(fsm.preempting);
}

/* After yielding, the former master answers the new master's next three
 * adverts with a farewell at its own priority (a split brain may heal one
 * direction at a time), then falls silent as a BACKUP should. */
static void test_farewell_after_yielding(void **state)
{
	struct vrrp_fsm fsm;
	int64_t now;

	fsm_bring_to(&fsm, VRRP_STATE_MASTER, &now);
	struct vrrp_fsm_result out = step(&fsm, advert(MASTER_ADDRESS, 150, 100), now);
	assert_int_equal(out.to, VRRP_STATE_BACKUP);
	const struct vrrp_action farewell[] = {ARM_DOWN(MDI_US), SEND_ADVERT(OUR_PRIORITY)};
	for (int i = 1; i <= VRRP_FSM_FAREWELLS; i++) {
		out = step(&fsm, advert(MASTER_ADDRESS, 150, 100), now + i * ADVERT_US);
		assert_actions(&out, farewell, 2);
	}
	out = step(&fsm, advert(MASTER_ADDRESS, 150, 100), now + 10 * ADVERT_US);
	assert_single_arm_down(&out, MDI_US);

	/* A BACKUP that never was master sends nothing. */
	fsm_bring_to(&fsm, VRRP_STATE_BACKUP, &now);
	out = step(&fsm, advert(MASTER_ADDRESS, 150, 100), now);
	assert_single_arm_down(&out, MDI_US);
}

/* Maintenance: hand over (FORCE_BACKUP, priority 0) and never become
 * MASTER until it ends, whatever the timers, adverts or sync group say. */
static void test_maintenance(void **state)
{
	struct vrrp_fsm fsm;
	int64_t now;

	fsm_bring_to(&fsm, VRRP_STATE_MASTER, &now);
	fsm.cfg.maintenance = true;
	struct vrrp_fsm_result out =
	    step(&fsm, fault(VRRP_EVENT_FORCE_BACKUP, VRRP_REASON_ADMIN), now);
	assert_int_equal(out.to, VRRP_STATE_BACKUP);
	assert_int_equal(out.reason, VRRP_REASON_ADMIN);
	const struct vrrp_action handover[] = {STOP_ADVERT, SEND_ADVERT(0), REMOVE_VIPS,
					       ARM_DOWN(MDI_US)};
	assert_actions(&out, handover, 4);

	/* Nobody else is master: the timer fires, we stay and keep watching. */
	out = step(&fsm, event_of(VRRP_EVENT_MASTER_DOWN_TIMER), now + MDI_US);
	assert_single_arm_down(&out, MDI_US);
	assert_int_equal(fsm.state, VRRP_STATE_BACKUP);
	/* A lower-priority master is followed, not preempted. */
	out = step(&fsm, advert(WEAK_PEER_ADDRESS, 50, 100), now + MDI_US + 1);
	assert_single_arm_down(&out, MDI_US);
	assert_false(fsm.preempting);
	/* The sync group cannot pull it to MASTER either. */
	out = step(&fsm, fault(VRRP_EVENT_FORCE_MASTER, VRRP_REASON_SYNC_GROUP), now + MDI_US + 2);
	assert_no_action(&out);

	/* Maintenance over: the running timer decides as usual. */
	fsm.cfg.maintenance = false;
	out = step(&fsm, event_of(VRRP_EVENT_MASTER_DOWN_TIMER), now + 2 * MDI_US);
	assert_int_equal(out.to, VRRP_STATE_MASTER);

	/* An owner in maintenance starts as a BACKUP. */
	struct vrrp_fsm_config cfg = config_default();
	cfg.priority = 255;
	cfg.maintenance = true;
	vrrp_fsm_init(&fsm, &cfg);
	out = step(&fsm, event_of(VRRP_EVENT_STARTUP), 0);
	assert_int_equal(out.to, VRRP_STATE_BACKUP);
}

static void test_preempt_delay(void **state)
{
	const int64_t delay = 5 * 1000000;
	struct vrrp_fsm_config cfg = config_default();
	struct vrrp_fsm fsm;
	struct vrrp_fsm_result out;

	cfg.preempt_delay_us = delay;
	fsm_start(&fsm, &cfg, 0);

	/* While the delay runs, the lower-priority master keeps us BACKUP. */
	for (int64_t t = ADVERT_US; t < delay; t += ADVERT_US) {
		out = step(&fsm, advert(WEAK_PEER_ADDRESS, 50, 100), t);
		assert_single_arm_down(&out, MDI_US);
		assert_false(fsm.preempting);
	}
	out = step(&fsm, advert(WEAK_PEER_ADDRESS, 50, 100), delay - 1);
	assert_single_arm_down(&out, MDI_US);

	/* Delay elapsed: the fast hand-over arms Skew_Time and we preempt. */
	out = step(&fsm, advert(WEAK_PEER_ADDRESS, 50, 100), delay);
	assert_single_arm_down(&out, SKEW_US);
	assert_true(fsm.preempting);
	out = step(&fsm, event_of(VRRP_EVENT_MASTER_DOWN_TIMER), delay + SKEW_US);
	assert_int_equal(out.reason, VRRP_REASON_PREEMPT);

	/* After a FAULT the delay counts again from the moment it cleared. */
	const int64_t cleared = 20 * 1000000;

	step(&fsm, fault(VRRP_EVENT_FAULT, VRRP_REASON_TRACKER_FAULT), cleared - 100);
	out = step(&fsm, fault(VRRP_EVENT_FAULT_CLEARED, VRRP_REASON_TRACKER_RECOVERED), cleared);
	assert_int_equal(out.to, VRRP_STATE_BACKUP);
	assert_int_equal(out.reason, VRRP_REASON_TRACKER_RECOVERED);
	assert_int_equal(fsm.backup_since_us, cleared);
	out = step(&fsm, advert(WEAK_PEER_ADDRESS, 50, 100), cleared + delay - 1);
	assert_single_arm_down(&out, MDI_US);
	out = step(&fsm, advert(WEAK_PEER_ADDRESS, 50, 100), cleared + delay);
	assert_single_arm_down(&out, SKEW_US);
}

static void test_owner_master_at_startup_and_after_fault(void **state)
{
	struct vrrp_fsm_config cfg = config_default();
	struct vrrp_fsm fsm;
	struct vrrp_fsm_result out;
	const struct vrrp_action become[] = {ADD_VIPS, SEND_ADVERT(255), SEND_GARP,
					     ARM_ADVERT(ADVERT_US)};

	cfg.priority = 255;
	vrrp_fsm_init(&fsm, &cfg);
	out = step(&fsm, event_of(VRRP_EVENT_STARTUP), 0);
	assert_int_equal(out.to, VRRP_STATE_MASTER);
	assert_int_equal(out.reason, VRRP_REASON_STARTUP);
	assert_actions(&out, become, ARRAY_LEN(become));

	/* A non-owner at 254 never displaces the owner: we answer it. */
	out = step(&fsm, advert("10.0.0.200", 254, 100), 10);
	assert_int_equal(out.to, VRRP_STATE_MASTER);
	assert_int_equal(out.n_actions, 2);

	out = step(&fsm, fault(VRRP_EVENT_FAULT, VRRP_REASON_LINK_DOWN), 20);
	assert_int_equal(out.to, VRRP_STATE_FAULT);
	assert_int_equal(out.reason, VRRP_REASON_LINK_DOWN);
	out = step(&fsm, fault(VRRP_EVENT_FAULT_CLEARED, VRRP_REASON_LINK_UP), 30);
	assert_int_equal(out.to, VRRP_STATE_MASTER);
	assert_int_equal(out.reason, VRRP_REASON_LINK_UP);
	assert_actions(&out, become, ARRAY_LEN(become));
}

static bool master_replies(struct vrrp_fsm *fsm, const char *peer, int64_t now_us)
{
	struct vrrp_fsm_result out = step(fsm, advert(peer, 50, 100), now_us);
	const struct vrrp_action reply[] = {SEND_ADVERT(OUR_PRIORITY), SEND_GARP};

	assert_int_equal(out.to, VRRP_STATE_MASTER);
	if (out.n_actions == 0)
		return false;
	assert_actions(&out, reply, ARRAY_LEN(reply));
	return true;
}

static void test_reply_rate_limit(void **state)
{
	struct vrrp_fsm fsm;
	int64_t t0;

	fsm_bring_to(&fsm, VRRP_STATE_MASTER, &t0);
	assert_true(master_replies(&fsm, "10.0.0.5", t0));
	/* Same peer within one interval: no reply. */
	assert_false(master_replies(&fsm, "10.0.0.5", t0 + ADVERT_US / 2));
	assert_false(master_replies(&fsm, "10.0.0.5", t0 + ADVERT_US - 1));
	/* Another peer is answered on its own account. */
	assert_true(master_replies(&fsm, "10.0.0.6", t0 + ADVERT_US / 2));
	/* One full interval after the last reply: answered again. */
	assert_true(master_replies(&fsm, "10.0.0.5", t0 + ADVERT_US));
	assert_false(master_replies(&fsm, "10.0.0.5", t0 + ADVERT_US + 1));

	/* A new term as MASTER starts with a clean reply memory. */
	const int64_t t1 = t0 + ADVERT_US + 10;

	assert_int_equal(step(&fsm, advert(MASTER_ADDRESS, 150, 100), t1).to, VRRP_STATE_BACKUP);
	assert_int_equal(step(&fsm, event_of(VRRP_EVENT_MASTER_DOWN_TIMER), t1 + 1).to,
			 VRRP_STATE_MASTER);
	assert_true(master_replies(&fsm, "10.0.0.5", t1 + 2));

	/* The reply never disturbs the Adver_Timer rhythm. */
	struct vrrp_fsm_result out =
	    step(&fsm, event_of(VRRP_EVENT_ADVERT_TIMER), t0 + ADVERT_US + 2);
	assert_int_equal(out.n_actions, 2);
}

static void test_reply_rate_limit_beyond_peer_memory(void **state)
{
	char peer[32];
	struct vrrp_fsm fsm;
	int64_t t0;

	fsm_bring_to(&fsm, VRRP_STATE_MASTER, &t0);
	/* Fill every slot: peers .10 .. .17 answered at t0, t0+1, ... */
	for (int i = 0; i < VRRP_FSM_PEER_MEMORY; i++) {
		snprintf(peer, sizeof(peer), "10.0.0.%d", 10 + i);
		assert_true(master_replies(&fsm, peer, t0 + i));
	}
	/* All remembered: none gets a second reply within the interval. */
	for (int i = 0; i < VRRP_FSM_PEER_MEMORY; i++) {
		snprintf(peer, sizeof(peer), "10.0.0.%d", 10 + i);
		assert_false(master_replies(&fsm, peer, t0 + 100));
	}
	/* One more peer is answered; it takes the oldest slot (.10). */
	assert_true(master_replies(&fsm, "10.0.0.99", t0 + 200));
	assert_false(master_replies(&fsm, "10.0.0.99", t0 + 300));
	assert_false(master_replies(&fsm, "10.0.0.11", t0 + 300));
	/* .10 was forgotten, so it is answered again: bounded, never amplified. */
	assert_true(master_replies(&fsm, "10.0.0.10", t0 + 400));
	/* ... and that evicted .11, the oldest remaining; re-adding .11
	 * in turn evicts .12, while .13 is still remembered. */
	assert_true(master_replies(&fsm, "10.0.0.11", t0 + 500));
	assert_false(master_replies(&fsm, "10.0.0.13", t0 + 500));
	assert_true(master_replies(&fsm, "10.0.0.12", t0 + 600));
}

static void test_tie_break_by_address(void **state)
{
	struct vrrp_fsm_config cfg = config_default();
	struct vrrp_fsm fsm;
	struct vrrp_fsm_result out;

	/* IPv6 too: addresses compare as unsigned big-endian integers. */
	cfg.primary = address("2001:db8::80");
	vrrp_fsm_init(&fsm, &cfg);
	step(&fsm, event_of(VRRP_EVENT_STARTUP), 0);
	step(&fsm, event_of(VRRP_EVENT_MASTER_DOWN_TIMER), MDI_US);
	assert_int_equal(fsm.state, VRRP_STATE_MASTER);

	out = step(&fsm, advert("2001:db8::7f", OUR_PRIORITY, 100), MDI_US + 1);
	assert_int_equal(out.to, VRRP_STATE_MASTER);
	out = step(&fsm, advert("2001:db8::1:0", OUR_PRIORITY, 100), MDI_US + 2);
	assert_int_equal(out.to, VRRP_STATE_BACKUP);
	assert_int_equal(out.reason, VRRP_REASON_HIGHER_PRIORITY_ADVERT);
	struct ip_address winner = address("2001:db8::1:0");
	assert_true(ip_address_equal(&fsm.master, &winner));
}

static void test_priority_zero_only_from_our_master(void **state)
{
	struct vrrp_fsm_config cfg = config_default();
	struct vrrp_fsm fsm;
	struct vrrp_fsm_result out;

	fsm_start(&fsm, &cfg, 0);
	step(&fsm, advert(MASTER_ADDRESS, 150, 100), 10);

	out = step(&fsm, advert(STRANGER_ADDRESS, 0, 100), 20);
	assert_no_action(&out);
	assert_false(fsm.priority_zero_seen);

	out = step(&fsm, advert(MASTER_ADDRESS, 0, 100), 30);
	assert_single_arm_down(&out, SKEW_US);
	assert_true(fsm.priority_zero_seen);
	out = step(&fsm, event_of(VRRP_EVENT_MASTER_DOWN_TIMER), 30 + SKEW_US);
	assert_int_equal(out.reason, VRRP_REASON_PRIORITY_ZERO_RECEIVED);

	/* A master that says goodbye and then advertises again is followed as
	 * before: a later takeover is a plain master-down. */
	fsm_start(&fsm, &cfg, 0);
	step(&fsm, advert(MASTER_ADDRESS, 0, 100), 10);
	out = step(&fsm, advert(MASTER_ADDRESS, 150, 100), 20);
	assert_single_arm_down(&out, MDI_US);
	assert_false(fsm.priority_zero_seen);
	out = step(&fsm, event_of(VRRP_EVENT_MASTER_DOWN_TIMER), 20 + MDI_US);
	assert_int_equal(out.reason, VRRP_REASON_MASTER_DOWN_TIMER);

	/* With no master known yet, priority 0 is not honoured: the full
	 * Master_Down_Interval armed at startup keeps running. */
	fsm_start(&fsm, &cfg, 0);
	out = step(&fsm, advert(MASTER_ADDRESS, 0, 100), 10);
	assert_no_action(&out);
	assert_false(fsm.priority_zero_seen);
	assert_int_equal(fsm.master.family, 0);
}

static void test_initial_master_hint(void **state)
{
	struct vrrp_fsm_config cfg = config_default();
	struct vrrp_fsm fsm;

	cfg.initial_master = true;
	vrrp_fsm_init(&fsm, &cfg);
	struct vrrp_fsm_result out = step(&fsm, event_of(VRRP_EVENT_STARTUP), 0);

	/* One advert interval plus skew: 1,000,000 + 609,375. */
	assert_int_equal(out.to, VRRP_STATE_BACKUP);
	assert_int_equal(out.reason, VRRP_REASON_STARTUP);
	assert_int_equal(out.n_actions, 1);
	assert_int_equal(out.actions[0].type, VRRP_ACTION_ARM_MASTER_DOWN_TIMER);
	assert_int_equal(out.actions[0].delay_us, 1609375);

	/* A master heard in that window keeps us BACKUP as usual. */
	out = step(&fsm, advert(MASTER_ADDRESS, 150, 100), 500000);
	assert_single_arm_down(&out, MDI_US);

	/* Leaving FAULT ignores the hint and waits the full interval. */
	step(&fsm, fault(VRRP_EVENT_FAULT, VRRP_REASON_LINK_DOWN), 600000);
	out = step(&fsm, fault(VRRP_EVENT_FAULT_CLEARED, VRRP_REASON_LINK_UP), 700000);
	assert_int_equal(out.actions[0].delay_us, MDI_US);
}

static void test_fault_reasons_and_repeat(void **state)
{
	struct vrrp_fsm fsm;
	int64_t now;

	fsm_bring_to(&fsm, VRRP_STATE_MASTER, &now);
	struct vrrp_fsm_result out =
	    step(&fsm, fault(VRRP_EVENT_FAULT, VRRP_REASON_TRACKER_FAULT), now);
	assert_int_equal(out.reason, VRRP_REASON_TRACKER_FAULT);
	/* A tracker fault leaves the link usable: say goodbye with priority 0
	 * (the link_down row of the table sends nothing). */
	const struct vrrp_action goodbye[] = {STOP_ADVERT, SEND_ADVERT(0), REMOVE_VIPS};
	assert_actions(&out, goodbye, 3);
	out = step(&fsm, fault(VRRP_EVENT_FAULT, VRRP_REASON_LINK_DOWN), now + 1);
	assert_no_action(&out);
	assert_int_equal(fsm.state, VRRP_STATE_FAULT);
}

static void test_names(void **state)
{
	assert_string_equal(vrrp_state_name(VRRP_STATE_INIT), "INIT");
	assert_string_equal(vrrp_state_name(VRRP_STATE_BACKUP), "BACKUP");
	assert_string_equal(vrrp_state_name(VRRP_STATE_MASTER), "MASTER");
	assert_string_equal(vrrp_state_name(VRRP_STATE_FAULT), "FAULT");

	static const char *const reasons[] = {
	    "none",
	    "startup",
	    "master_down_timer",
	    "higher_priority_advert",
	    "priority_zero_received",
	    "preempt",
	    "link_down",
	    "link_up",
	    "tracker_fault",
	    "tracker_recovered",
	    "sync_group",
	    "shutdown",
	    "admin",
	};
	assert_int_equal(ARRAY_LEN(reasons), VRRP_REASON_COUNT);
	for (int i = 0; i < VRRP_REASON_COUNT; i++)
		assert_string_equal(vrrp_reason_name(i), reasons[i]);

	static const char *const events[] = {
	    "startup",	    "shutdown", "advert",	 "master_down_timer",
	    "advert_timer", "fault",	"fault_cleared", "priority_changed",
	    "force_master", "force_backup",
	};
	assert_int_equal(ARRAY_LEN(events), VRRP_EVENT_COUNT);
	for (int i = 0; i < VRRP_EVENT_COUNT; i++)
		assert_string_equal(vrrp_event_name(i), events[i]);

	assert_string_equal(vrrp_state_name(VRRP_STATE_COUNT), "unknown");
	assert_string_equal(vrrp_reason_name(VRRP_REASON_COUNT), "unknown");
	assert_string_equal(vrrp_event_name(VRRP_EVENT_COUNT), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_covers_every_pair),
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_timers_v3_one_second_priority_100),
	    cmocka_unit_test(test_timers_v3_one_centisecond_priority_254),
	    cmocka_unit_test(test_timers_v2_one_second),
	    cmocka_unit_test(test_learnt_master_adver_interval),
	    cmocka_unit_test(test_v2_does_not_learn_interval),
	    cmocka_unit_test(test_no_preempt_stays_backup),
	    cmocka_unit_test(test_preempt_takes_over_lower_master),
	    cmocka_unit_test(test_farewell_after_yielding),
	    cmocka_unit_test(test_maintenance),
	    cmocka_unit_test(test_preempt_delay),
	    cmocka_unit_test(test_owner_master_at_startup_and_after_fault),
	    cmocka_unit_test(test_reply_rate_limit),
	    cmocka_unit_test(test_reply_rate_limit_beyond_peer_memory),
	    cmocka_unit_test(test_tie_break_by_address),
	    cmocka_unit_test(test_priority_zero_only_from_our_master),
	    cmocka_unit_test(test_initial_master_hint),
	    cmocka_unit_test(test_fault_reasons_and_repeat),
	    cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
