// SPDX-License-Identifier: GPL-2.0
/* snapshot_diff: interval = cur - prev, matched by BDF and (tgid, path). */
#include <errno.h>
#include <string.h>
#include "tests.h"
#include "fixtures.h"
#include "hist.h"

struct pair {
	struct vt_snapshot cur, prev, out;
};

static int setup(void **state)
{
	static struct pair p;

	memset(&p, 0, sizeof(p));
	if (fixture_snapshot(&p.cur) || fixture_snapshot(&p.prev))
		return -1;
	*state = &p;
	return 0;
}

static int teardown(void **state)
{
	struct pair *p = *state;

	snapshot_free(&p->cur);
	snapshot_free(&p->prev);
	snapshot_free(&p->out);
	return 0;
}

static void unrecord(struct vt_hist *h, unsigned n, __u64 ns)
{
	h->slots[hist_slot_of_ns(ns)] -= n;
	h->count -= n;
	h->sum_ns -= n * ns;
}

/* prev is cur minus a few known events; the diff must be exactly those. */
static void test_diff_counters_and_hists(void **state)
{
	struct pair *p = *state;
	struct vt_device_stats *pa = &p->prev.devs[0].stats, want = { 0 };
	struct vt_pin_stats want_pin = { 0 };
	static const struct vt_device_stats zero;

	pa->faults[0][VT_FAULT_NOPAGE] -= 20;
	unrecord(&pa->fault_ns[VT_FAULT_NOPAGE], 20, 1900);
	pa->contentions[VT_MODE_READ] -= 1;
	unrecord(&pa->wait_ns[VT_MODE_READ], 1, 120000);
	p->prev.pins[VT_PIN_TYPE1].calls -= 3;
	p->prev.pins[VT_PIN_TYPE1].pages -= 768;
	unrecord(&p->prev.pins[VT_PIN_TYPE1].pin_ns, 3, 200000);
	p->prev.procs[0].val.calls -= 3;
	p->prev.procs[0].val.pages -= 768;
	p->prev.procs[0].val.sum_ns -= 600000;
	p->prev.lost[VT_LOST_RINGBUF_FULL] -= 2;
	p->prev.mono_ns -= 1000000000;
	p->prev.wall_time -= 1;

	assert_int_equal(snapshot_diff(&p->out, &p->cur, &p->prev), 0);

	want.faults[0][VT_FAULT_NOPAGE] = 20;
	for (int i = 0; i < 20; i++)
		hist_record(&want.fault_ns[VT_FAULT_NOPAGE], 1900);
	want.contentions[VT_MODE_READ] = 1;
	hist_record(&want.wait_ns[VT_MODE_READ], 120000);
	assert_int_equal(p->out.ndevs, 2);
	assert_memory_equal(&p->out.devs[0].stats, &want, sizeof(want));
	assert_memory_equal(&p->out.devs[1].stats, &zero, sizeof(zero));
	/* identity comes from cur, not diffed */
	assert_string_equal(p->out.devs[0].info.bdf, FIX_A_BDF);
	assert_int_equal(p->out.devs[1].instances, 2);
	assert_int_equal(p->out.devs[0].info.last_disable.pid, 4242);

	want_pin.calls = 3;
	want_pin.pages = 768;
	for (int i = 0; i < 3; i++)
		hist_record(&want_pin.pin_ns, 200000);
	assert_memory_equal(&p->out.pins[VT_PIN_TYPE1], &want_pin, sizeof(want_pin));
	assert_true(p->out.pins[VT_PIN_IOMMUFD].calls == 0);
	assert_true(p->out.pins[VT_PIN_IOMMUFD].pin_ns.count == 0);

	assert_int_equal(p->out.nprocs, 2);
	assert_true(p->out.procs[0].val.calls == 3);
	assert_true(p->out.procs[0].val.pages == 768);
	assert_true(p->out.procs[0].val.sum_ns == 600000);
	assert_true(p->out.procs[0].val.errors == 0);
	assert_string_equal(p->out.procs[0].val.comm, "qemu-system-x86");
	assert_true(p->out.procs[1].val.calls == 0);

	assert_true(p->out.lost[VT_LOST_RINGBUF_FULL] == 2);
	assert_true(p->out.lost[VT_LOST_MISSED_START] == 0);
	assert_true(p->out.mono_ns == 1000000000); /* the interval length */
	assert_true(p->out.wall_time == FIX_WALL_TIME);
}

static void test_entries_only_in_cur_are_kept(void **state)
{
	struct pair *p = *state;
	struct vt_snapshot prev = p->prev;

	/* prev knew device B and process 5001 only */
	prev.devs = &p->prev.devs[1];
	prev.ndevs = 1;
	prev.procs = &p->prev.procs[1];
	prev.nprocs = 1;

	assert_int_equal(snapshot_diff(&p->out, &p->cur, &prev), 0);
	assert_int_equal(p->out.ndevs, 2);
	assert_memory_equal(&p->out.devs[0].stats, &p->cur.devs[0].stats,
			    sizeof(p->cur.devs[0].stats));
	assert_true(p->out.devs[1].stats.zaps[VT_ZAP_HOT_RESET] == 0);
	assert_int_equal(p->out.nprocs, 2);
	assert_true(p->out.procs[0].val.pages == 2560);
	assert_true(p->out.procs[1].val.pages == 0);
}

static void test_entries_only_in_prev_are_dropped(void **state)
{
	struct pair *p = *state;
	struct vt_snapshot cur = p->cur;

	cur.devs = &p->cur.devs[1];
	cur.ndevs = 1;
	cur.nprocs = 0;
	cur.procs = NULL;

	assert_int_equal(snapshot_diff(&p->out, &cur, &p->prev), 0);
	assert_int_equal(p->out.ndevs, 1);
	assert_string_equal(p->out.devs[0].info.bdf, FIX_B_BDF);
	assert_int_equal(p->out.nprocs, 0);
	assert_null(p->out.procs);
}

/* An unbind drops an instance's map entry, so the merged sum can go down:
 * that is no events, not 2^64 of them. */
static void test_decrease_clamps_to_zero(void **state)
{
	struct pair *p = *state;
	struct vt_device_stats *pa = &p->prev.devs[0].stats;
	struct vt_device_stats *oa;

	pa->faults[0][VT_FAULT_NOPAGE] += 50;
	pa->fault_ns[VT_FAULT_NOPAGE].slots[10] += 50;
	pa->fault_ns[VT_FAULT_NOPAGE].count += 50;
	pa->fault_ns[VT_FAULT_NOPAGE].sum_ns += 50 * 1900;
	pa->hold_ns[VT_MODE_WRITE][VT_PATH_RESET].sum_ns += 1;
	pa->memory_enables += 1;
	p->prev.pins[VT_PIN_TYPE1].unpinned_pages += 1;
	p->prev.procs[1].val.sum_ns += 1;
	p->prev.lost[VT_LOST_MISSED_START] += 5;
	p->prev.mono_ns += 1;
	/* and one counter that did go up, to see the clamp is per counter */
	p->cur.devs[0].stats.zap_vmas += 7;

	assert_int_equal(snapshot_diff(&p->out, &p->cur, &p->prev), 0);
	oa = &p->out.devs[0].stats;
	assert_true(oa->faults[0][VT_FAULT_NOPAGE] == 0);
	assert_true(oa->fault_ns[VT_FAULT_NOPAGE].slots[10] == 0);
	assert_true(oa->fault_ns[VT_FAULT_NOPAGE].count == 0);
	assert_true(oa->fault_ns[VT_FAULT_NOPAGE].sum_ns == 0);
	assert_true(oa->hold_ns[VT_MODE_WRITE][VT_PATH_RESET].sum_ns == 0);
	assert_true(oa->memory_enables == 0);
	assert_true(oa->zap_vmas == 7);
	assert_true(p->out.pins[VT_PIN_TYPE1].unpinned_pages == 0);
	assert_true(p->out.procs[1].val.sum_ns == 0);
	assert_true(p->out.lost[VT_LOST_MISSED_START] == 0);
	assert_true(p->out.mono_ns == 0);
}

static void test_copy_is_deep(void **state)
{
	struct pair *p = *state;

	assert_int_equal(snapshot_copy(&p->out, &p->cur), 0);
	assert_ptr_not_equal(p->out.devs, p->cur.devs);
	assert_ptr_not_equal(p->out.procs, p->cur.procs);
	assert_memory_equal(p->out.devs, p->cur.devs, 2 * sizeof(*p->cur.devs));
	p->out.devs[0].stats.zap_vmas = 999;
	assert_true(p->cur.devs[0].stats.zap_vmas == 3);

	snapshot_free(&p->out);
	assert_null(p->out.devs);
	assert_int_equal(p->out.ndevs, 0);
	snapshot_free(&p->out); /* freeing twice is harmless */
	snapshot_free(NULL);
}

static void test_bad_input(void **state)
{
	struct pair *p = *state;
	struct vt_snapshot bad = p->cur;
	struct vt_dev_snapshot swapped[2];

	assert_int_equal(snapshot_diff(NULL, &p->cur, &p->prev), -EINVAL);
	assert_int_equal(snapshot_diff(&p->out, NULL, &p->prev), -EINVAL);
	assert_int_equal(snapshot_diff(&p->out, &p->cur, NULL), -EINVAL);
	assert_int_equal(snapshot_diff(&p->cur, &p->cur, &p->prev), -EINVAL);
	assert_int_equal(snapshot_copy(&p->out, NULL), -EINVAL);

	/* bsearch would quietly miss entries in an unsorted array */
	swapped[0] = p->cur.devs[1];
	swapped[1] = p->cur.devs[0];
	bad.devs = swapped;
	assert_int_equal(snapshot_diff(&p->out, &bad, &p->prev), -EINVAL);
	bad = p->cur;
	bad.devs = NULL;
	assert_int_equal(snapshot_diff(&p->out, &bad, &p->prev), -EINVAL);
	assert_int_equal(snapshot_copy(&p->out, &bad), -EINVAL);
	/* a duplicate key breaks the order too */
	p->prev.procs[0].key = p->prev.procs[1].key;
	assert_int_equal(snapshot_diff(&p->out, &p->cur, &p->prev), -EINVAL);
	assert_null(p->out.devs);
}

int run_diff_tests(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest diff[] = {
		T(test_diff_counters_and_hists),
		T(test_entries_only_in_cur_are_kept),
		T(test_entries_only_in_prev_are_dropped),
		T(test_decrease_clamps_to_zero),
		T(test_copy_is_deep),
		T(test_bad_input),
	};

#undef T
	return cmocka_run_group_tests(diff, NULL, NULL);
}
