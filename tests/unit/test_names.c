// SPDX-License-Identifier: GPL-2.0
/* The label values are a contract with dashboards: pin every one. */
#include "tests.h"
#include "snapshot.h"

struct expect {
	const char *(*fn)(int);
	int max;
	const char *const *names;
};

static void check_names(const struct expect *e)
{
	for (int i = 0; i < e->max; i++)
		assert_string_equal(e->fn(i), e->names[i]);
	assert_string_equal(e->fn(-1), "unknown");
	assert_string_equal(e->fn(e->max), "unknown");
	assert_string_equal(e->fn(1 << 30), "unknown");
}

static void test_fault_results(void **state)
{
	static const char *const n[] = { "nopage", "sigbus", "oom", "fallback", "other" };
	check_names(&(struct expect){ vt_fault_result_name, VT_FAULT_RESULT_MAX, n });
}

static void test_fault_orders(void **state)
{
	static const char *const n[] = { "page", "pmd", "pud", "vma", "other", "unknown" };
	check_names(&(struct expect){ vt_fault_order_name, VT_ORDER_MAX, n });
}

static void test_lock_modes_and_paths(void **state)
{
	static const char *const m[] = { "read", "write" };
	static const char *const p[] = { "fault", "bar_rw",    "config_write",
					 "reset", "hot_reset", "memory_enable" };
	check_names(&(struct expect){ vt_lock_mode_name, VT_MODE_MAX, m });
	check_names(&(struct expect){ vt_lock_path_name, VT_PATH_MAX, p });
}

static void test_zap_reasons(void **state)
{
	static const char *const n[] = { "config_write", "reset", "hot_reset", "power_state",
					 "other" };
	check_names(&(struct expect){ vt_zap_reason_name, VT_ZAP_REASON_MAX, n });
}

static void test_off_causes(void **state)
{
	static const char *const n[] = { "command", "d3hot", "low_power", "reset", "hot_reset" };
	check_names(&(struct expect){ vt_off_cause_name, VT_OFF_CAUSE_MAX, n });
}

static void test_pin_paths(void **state)
{
	static const char *const n[] = { "type1", "mdev", "iommufd" };
	check_names(&(struct expect){ vt_pin_path_name, VT_PIN_PATH_MAX, n });
}

static void test_access_and_event_kinds(void **state)
{
	static const char *const a[] = { "sigbus", "eio", "ioeventfd_drop" };
	static const char *const e[] = { "sigbus",	   "eio",
					 "ioeventfd_drop", "memory_disable",
					 "memory_enable",  "contention",
					 "slow",	   "d3_entry",
					 "d3_exit",	   "low_power_entry",
					 "low_power_exit", "trylock_failed" };
	static const char *const s[] = { "fault", "zap", "reset", "pin" };
	static const char *const t[] = { "hot_reset", "ioeventfd", "zap" };
	check_names(&(struct expect){ vt_access_kind_name, VT_ACCESS_KIND_MAX, a });
	check_names(&(struct expect){ vt_event_kind_name, VT_EV_KIND_MAX, e });
	check_names(&(struct expect){ vt_slow_kind_name, VT_SLOW_KIND_MAX, s });
	check_names(&(struct expect){ vt_trylock_op_name, VT_TRYLOCK_OP_MAX, t });
	assert_string_equal(vt_slow_detail_name(VT_SLOW_FAULT, VT_ORDER_PMD), "pmd");
	assert_string_equal(vt_slow_detail_name(VT_SLOW_ZAP, VT_ZAP_RESET), "reset");
	assert_string_equal(vt_slow_detail_name(VT_SLOW_RESET, VT_PATH_HOT_RESET), "hot_reset");
	assert_string_equal(vt_slow_detail_name(VT_SLOW_PIN, VT_PIN_IOMMUFD), "iommufd");
	assert_string_equal(vt_slow_detail_name(VT_SLOW_KIND_MAX, 0), "unknown");
}

static void test_lost_reasons(void **state)
{
	static const char *const n[] = {
		"ringbuf_full",	    "device_map_full",	   "lock_map_full", "task_map_full",
		"proc_map_full",    "missed_start",	   "nested",	    "missed_end",
		"lock_depth",	    "edge_map_full",	   "prog_missed",   "edge_stack",
		"contention_stack", "contention_map_full", "reset_set_full"
	};
	check_names(&(struct expect){ vt_lost_reason_name, VT_LOST_MAX, n });
}

static void test_probe_modes(void **state)
{
	assert_string_equal(vt_probe_mode_name(VT_PROBE_NONE), "none");
	assert_string_equal(vt_probe_mode_name(VT_PROBE_FENTRY), "fentry");
	assert_string_equal(vt_probe_mode_name(VT_PROBE_KPROBE), "kprobe");
	assert_string_equal(vt_probe_mode_name(VT_PROBE_TRACEPOINT), "tracepoint");
	assert_string_equal(vt_probe_mode_name(VT_PROBE_KPROBE_MULTI), "kprobe.multi");
	assert_string_equal(vt_probe_mode_name((enum vt_probe_mode)5), "unknown");
	assert_string_equal(vt_probe_mode_name((enum vt_probe_mode) - 1), "unknown");
}

int run_names_tests(void)
{
	const struct CMUnitTest names[] = {
		cmocka_unit_test(test_fault_results),
		cmocka_unit_test(test_fault_orders),
		cmocka_unit_test(test_lock_modes_and_paths),
		cmocka_unit_test(test_zap_reasons),
		cmocka_unit_test(test_off_causes),
		cmocka_unit_test(test_pin_paths),
		cmocka_unit_test(test_access_and_event_kinds),
		cmocka_unit_test(test_lost_reasons),
		cmocka_unit_test(test_probe_modes),
	};

	return cmocka_run_group_tests(names, NULL, NULL);
}
