// SPDX-License-Identifier: GPL-2.0
/*
 * --stacks: the top contended (waiter, holder) pairs of a device, their
 * interval difference, and how the text summary, the JSON summary and the
 * event stream show them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "tests.h"
#include "fixtures.h"
#include "contention.h"
#include "render_json.h"
#include "render_text.h"

/* Frames "a\0b\0..." from a NULL-terminated list; NULL for none. */
static void set_frames(struct vt_frames *f, const char *const *names)
{
	size_t len = 0, at = 0;

	memset(f, 0, sizeof(*f));
	for (size_t i = 0; names && names[i]; i++)
		len += strlen(names[i]) + 1;
	if (!len)
		return;
	f->names = malloc(len);
	assert_non_null(f->names);
	for (size_t i = 0; names[i]; i++) {
		memcpy(f->names + at, names[i], strlen(names[i]) + 1);
		at += strlen(names[i]) + 1;
		f->n++;
	}
	f->len = len;
}

static const char *const fault_stack[] = {
	"rwsem_down_read_slowpath+0x2a0",
	"down_read+0x47",
	"vfio_pci_mmap_fault+0x3d [vfio_pci_core]",
	"__do_fault+0x36",
	"do_fault+0x1e1",
	"__handle_mm_fault+0x5e0",
	"handle_mm_fault+0xd6",
	"do_user_addr_fault+0x1b6",
	"exc_page_fault+0x70",
	"asm_exc_page_fault+0x22",
	NULL,
};
static const char *const bar_rw_stack[] = {
	"rwsem_down_read_slowpath+0x2a0",
	"down_read+0x47",
	"vfio_pci_bar_rw+0x11d [vfio_pci_core]",
	"vfs_read+0xb0",
	NULL,
};
static const char *const config_stack[] = {
	"vfio_basic_config_write+0x5 [vfio_pci_core]",
	"vfio_config_do_rw+0x19f [vfio_pci_core]",
	"vfio_pci_config_rw+0x1b2 [vfio_pci_core]",
	"vfs_write+0xc7",
	NULL,
};

struct pair_spec {
	__u32 slot;
	__u8 waiter_mode, waiter_path, holder_mode, holder_path;
	__u64 count, wait_ns;
	const char *const *waiter, *const *holder;
	__u32 readers;
};

/* Pairs on slot 0 (device A) and slot 1 (device B), in no order. Stack keys
 * are made up: the renderers go by the frames. */
static const struct pair_spec pairs[] = {
	/* A: the write owner holds; a fault waits (second by wait) */
	{ 0, VT_MODE_READ, VT_PATH_FAULT, VT_MODE_WRITE, VT_PATH_CONFIG_WRITE, 40, 900000,
	  fault_stack, config_stack, 0 },
	/* A: a config write waits for three readers (most wait) */
	{ 0, VT_MODE_WRITE, VT_PATH_CONFIG_WRITE, VT_MODE_READ, VT_PATH_BAR_RW, 5, 2000000,
	  config_stack, NULL, 3 },
	/* A: nobody known holds (same wait as the next: more waits first) */
	{ 0, VT_MODE_READ, VT_PATH_BAR_RW, VT_HOLDER_UNKNOWN, VT_PATH_MAX, 7, 500000, bar_rw_stack,
	  NULL, 0 },
	{ 0, VT_MODE_READ, VT_PATH_FAULT, VT_MODE_WRITE, VT_PATH_RESET, 2, 500000, fault_stack,
	  config_stack, 0 },
	/* A: no waits in this snapshot: never shown */
	{ 0, VT_MODE_READ, VT_PATH_FAULT, VT_MODE_WRITE, VT_PATH_MEMORY_ENABLE, 0, 0, fault_stack,
	  NULL, 0 },
	/* A: two small ones; only five are shown */
	{ 0, VT_MODE_READ, VT_PATH_BAR_RW, VT_MODE_WRITE, VT_PATH_CONFIG_WRITE, 1, 1000,
	  bar_rw_stack, config_stack, 0 },
	{ 0, VT_MODE_READ, VT_PATH_BAR_RW, VT_MODE_WRITE, VT_PATH_HOT_RESET, 1, 2000, bar_rw_stack,
	  config_stack, 0 },
	/* B: one, the biggest of all: it must not show under A */
	{ 1, VT_MODE_READ, VT_PATH_FAULT, VT_MODE_WRITE, VT_PATH_CONFIG_WRITE, 100, 9000000,
	  fault_stack, config_stack, 0 },
};
#define NPAIRS (sizeof(pairs) / sizeof(pairs[0]))

static void add_pairs(struct vt_snapshot *s)
{
	s->contentions = calloc(NPAIRS, sizeof(*s->contentions));
	assert_non_null(s->contentions);
	for (size_t i = 0; i < NPAIRS; i++) {
		const struct pair_spec *p = &pairs[i];
		struct vt_contention_pair *c = &s->contentions[i];

		c->key.waiter_stack = 0x1000 + i;
		c->key.holder_stack = p->holder ? 0x2000 + i : 0;
		c->key.slot = p->slot;
		c->key.waiter_mode = p->waiter_mode;
		c->key.waiter_path = p->waiter_path;
		c->key.holder_mode = p->holder_mode;
		c->key.holder_path = p->holder_path;
		c->val.count = p->count;
		c->val.wait_ns = p->wait_ns;
		c->val.waiter_pid = 200 + i;
		c->val.waiter_tid = 300 + i;
		snprintf(c->val.waiter_comm, VT_COMM_LEN, "waiter%zu", i);
		if (p->holder_mode != VT_HOLDER_UNKNOWN) {
			c->val.holder_pid = 400 + i;
			c->val.holder_tid = 500 + i;
			snprintf(c->val.holder_comm, VT_COMM_LEN, "holder%zu", i);
		}
		c->val.readers = p->readers;
		set_frames(&c->waiter, p->waiter);
		set_frames(&c->holder, p->holder);
	}
	s->ncontentions = NPAIRS;
	snapshot_sort(s);
}

static void fixture_with_pairs(struct vt_snapshot *s)
{
	assert_int_equal(fixture_snapshot(s), 0);
	s->devs[0].slot = 0;
	s->devs[1].slot = 1;
	add_pairs(s);
}

static const struct pair_spec *spec_of(const struct vt_contention_pair *c)
{
	return &pairs[c->key.waiter_stack - 0x1000];
}

/* Most wait first, then most waits, then key order; zero counts left out;
 * only the device's own; at most max. */
static void test_top_order(void **state)
{
	const struct vt_contention_pair *top[VT_CONTENTION_TOP];
	struct vt_snapshot s;
	size_t total, n;
	/* by index into pairs[] */
	static const size_t want[] = { 1, 0, 2, 3, 6 };

	fixture_with_pairs(&s);
	n = vt_contention_top(&s, 0, top, VT_CONTENTION_TOP, &total);
	assert_int_equal(n, 5);
	assert_int_equal(total, 6);
	for (size_t i = 0; i < n; i++)
		assert_ptr_equal(spec_of(top[i]), &pairs[want[i]]);

	n = vt_contention_top(&s, 0, top, 2, &total);
	assert_int_equal(n, 2);
	assert_int_equal(total, 6);
	assert_ptr_equal(spec_of(top[0]), &pairs[1]);
	assert_ptr_equal(spec_of(top[1]), &pairs[0]);

	n = vt_contention_top(&s, 1, top, VT_CONTENTION_TOP, NULL);
	assert_int_equal(n, 1);
	assert_ptr_equal(spec_of(top[0]), &pairs[7]);
	assert_int_equal(vt_contention_top(&s, 7, top, VT_CONTENTION_TOP, &total), 0);
	assert_int_equal(total, 0);
	snapshot_free(&s);
}

/* An interval's pairs: count and wait are differences, the frames and the
 * last tasks stay; a pair that did not wait in the interval is not shown. */
static void test_diff(void **state)
{
	const struct vt_contention_pair *top[VT_CONTENTION_TOP];
	struct vt_snapshot prev, cur, d;
	size_t total;

	fixture_with_pairs(&prev);
	fixture_with_pairs(&cur);
	for (size_t i = 0; i < cur.ncontentions; i++) {
		struct vt_contention_pair *c = &cur.contentions[i];

		if (spec_of(c) == &pairs[0]) {
			c->val.count += 3;
			c->val.wait_ns += 30000;
		}
	}
	assert_int_equal(snapshot_diff(&d, &cur, &prev), 0);
	assert_int_equal(d.ncontentions, NPAIRS);
	assert_int_equal(vt_contention_top(&d, 0, top, VT_CONTENTION_TOP, &total), 1);
	assert_int_equal(total, 1);
	assert_ptr_equal(spec_of(top[0]), &pairs[0]);
	assert_int_equal(top[0]->val.count, 3);
	assert_int_equal(top[0]->val.wait_ns, 30000);
	assert_int_equal(top[0]->waiter.n, 10);
	assert_string_equal(snapshot_frame(&top[0]->holder, NULL), config_stack[0]);
	/* a deep copy: the difference outlives both snapshots */
	snapshot_free(&cur);
	snapshot_free(&prev);
	assert_string_equal(snapshot_frame(&top[0]->waiter, snapshot_frame(&top[0]->waiter, NULL)),
			    "down_read+0x47");
	snapshot_free(&d);
}

/* A pair only in cur is kept whole; out-of-order pairs are refused. */
static void test_diff_new_and_unsorted(void **state)
{
	struct vt_snapshot prev = { 0 }, cur, d;

	fixture_with_pairs(&cur);
	assert_int_equal(snapshot_diff(&d, &cur, &prev), 0);
	assert_int_equal(d.ncontentions, NPAIRS);
	for (size_t i = 0; i < NPAIRS; i++)
		assert_int_equal(d.contentions[i].val.count, cur.contentions[i].val.count);
	snapshot_free(&d);
	cur.contentions[0].key.waiter_stack = 0xffff;
	assert_int_equal(snapshot_diff(&d, &cur, &prev), -EINVAL);
	snapshot_free(&cur);
}

static void test_text_golden(void **state)
{
	struct vt_snapshot s;
	struct membuf m;

	fixture_with_pairs(&s);
	assert_non_null(membuf_open(&m));
	assert_int_equal(render_text(m.f, &s, NULL), 0);
	membuf_close(&m);
	assert_golden("contention.txt", m.buf, m.len);
	/* the device's own pairs only, five of six, the tenth frame cut */
	assert_non_null(strstr(m.buf, "  memory_lock contention stacks, top 5 of 6 by wait:\n"
				      "    write wait x5, total 2.0 ms, by waiter1[201] on "
				      "config_write\n"));
	assert_non_null(strstr(m.buf, "      held for read by up to 3 readers, last holder1[401] "
				      "on bar_rw\n"));
	assert_non_null(strstr(m.buf, "      held for write by holder0[400] on config_write\n"
				      "        vfio_basic_config_write+0x5 [vfio_pci_core]\n"));
	assert_non_null(strstr(m.buf, "        ... 2 more\n"));
	assert_non_null(strstr(m.buf, "      held by no bracket vfio-trace knows of\n"));
	assert_non_null(strstr(m.buf, "  memory_lock contention stacks, top 1 of 1 by wait:\n"));
	membuf_free(&m);
	snapshot_free(&s);
}

static void test_json_golden(void **state)
{
	struct vt_snapshot s;
	struct membuf m;

	fixture_with_pairs(&s);
	assert_non_null(membuf_open(&m));
	assert_int_equal(render_json(m.f, &s), 0);
	membuf_close(&m);
	assert_golden("contention.json", m.buf, m.len);
	assert_non_null(strstr(m.buf, "\"contention_stacks\":{\"pairs\":6,\"top\":[{\"count\":5,"
				      "\"wait_ns\":2000000,\"waiter\":{\"mode\":\"write\","
				      "\"path\":\"config_write\",\"pid\":201,\"tid\":301,"
				      "\"comm\":\"waiter1\",\"stack\":["));
	assert_non_null(strstr(m.buf, "\"holder\":{\"mode\":\"read\",\"path\":\"bar_rw\","
				      "\"pid\":401,\"tid\":501,\"comm\":\"holder1\",\"readers\":3,"
				      "\"stack\":[]}"));
	assert_non_null(strstr(m.buf, "\"holder\":{\"mode\":null,\"path\":null,\"pid\":null,"
				      "\"tid\":null,\"comm\":null,\"readers\":null,\"stack\":[]}"));
	membuf_free(&m);
	snapshot_free(&s);
}

static void contention_event(struct vt_contention_event *ce, int holder_mode)
{
	memset(ce, 0, sizeof(*ce));
	ce->head.ts_ns = 3500000000ULL;
	ce->head.pid = 4242;
	ce->head.tid = 4243;
	ce->head.kind = VT_EV_CONTENTION;
	ce->head.bar = VT_MAX_BARS;
	ce->head.value = 1234567;
	memcpy(ce->head.comm, "vfio-workload", 14);
	memcpy(ce->head.bdf, FIX_A_BDF, sizeof(FIX_A_BDF));
	ce->key.slot = 0;
	ce->key.waiter_mode = VT_MODE_READ;
	ce->key.waiter_path = VT_PATH_FAULT;
	ce->key.holder_mode = holder_mode;
	ce->key.holder_path = holder_mode == VT_MODE_WRITE  ? VT_PATH_CONFIG_WRITE
			      : holder_mode == VT_MODE_READ ? VT_PATH_BAR_RW
							    : VT_PATH_MAX;
	if (holder_mode != VT_HOLDER_UNKNOWN) {
		ce->holder_pid = 4242;
		ce->holder_tid = 4250;
		memcpy(ce->holder_comm, "cfg\"writer\n", 12);
		ce->readers = holder_mode == VT_MODE_READ ? 2 : 0;
	}
}

/* One line each: held for write, by readers, by nobody known; text and JSON. */
static void test_event_lines(void **state)
{
	static const int modes[] = { VT_MODE_WRITE, VT_MODE_READ, VT_HOLDER_UNKNOWN };
	char text[VT_EVENT_LINE_MAX], json[VT_EVENT_JSON_MAX];
	struct vt_contention_event ce;
	struct membuf m;

	assert_non_null(membuf_open(&m));
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		contention_event(&ce, modes[i]);
		fwrite(text, 1, render_text_contention_line(text, &ce, 1000000000ULL, NULL), m.f);
		fwrite(json, 1, render_json_contention_line(json, &ce, NULL), m.f);
	}
	membuf_close(&m);
	assert_golden("contention-events.txt", m.buf, m.len);
	assert_non_null(strstr(m.buf, "contention     -   -          4242    vfio-workload    "
				      "read on fault, waited 1.2 ms; held write on config_write by "
				      "cfg\"writer?[4242]\n"));
	assert_non_null(strstr(m.buf,
			       "\"waiter\":{\"mode\":\"read\",\"path\":\"fault\"},"
			       "\"holder\":{\"mode\":\"read\",\"path\":\"bar_rw\",\"pid\":4242,"
			       "\"tid\":4250,\"comm\":\"cfg\\\"writer\\u000a\",\"readers\":2}}\n"));
	assert_non_null(strstr(m.buf, "; holder unknown\n"));
	assert_non_null(strstr(m.buf, "\"holder\":null}\n"));
	membuf_free(&m);
}

/* A hot reset that gave up on a trylock, with a reader inside, and an
 * ioeventfd write left to its thread with the holder unknown (no --stacks). */
static void test_trylock_lines(void **state)
{
	char text[VT_EVENT_LINE_MAX], json[VT_EVENT_JSON_MAX];
	struct vt_contention_event ce;
	struct membuf m;

	assert_non_null(membuf_open(&m));
	contention_event(&ce, VT_MODE_READ);
	ce.head.kind = VT_EV_TRYLOCK_FAILED;
	ce.head.value = VT_TRYLOCK_HOT_RESET;
	ce.key.waiter_mode = VT_MODE_WRITE;
	ce.key.waiter_path = VT_PATH_HOT_RESET;
	fwrite(text, 1, render_text_contention_line(text, &ce, 1000000000ULL, NULL), m.f);
	fwrite(json, 1, render_json_contention_line(json, &ce, NULL), m.f);
	/* The holder on another device of the hot reset's set. */
	snprintf(ce.holder_bdf, sizeof(ce.holder_bdf), "0000:01:00.1");
	fwrite(text, 1, render_text_contention_line(text, &ce, 1000000000ULL, NULL), m.f);
	fwrite(json, 1, render_json_contention_line(json, &ce, NULL), m.f);
	contention_event(&ce, VT_HOLDER_UNKNOWN);
	ce.head.kind = VT_EV_TRYLOCK_FAILED;
	ce.head.value = VT_TRYLOCK_IOEVENTFD;
	ce.key.waiter_path = VT_PATH_MAX;
	fwrite(text, 1, render_text_contention_line(text, &ce, 1000000000ULL, "guest1"), m.f);
	fwrite(json, 1, render_json_contention_line(json, &ce, "guest1"), m.f);
	membuf_close(&m);
	assert_golden("trylock-events.txt", m.buf, m.len);
	assert_non_null(strstr(m.buf, "trylock_failed -   -          4242    vfio-workload    "
				      "hot_reset gave up on a trylock; held read on bar_rw by "
				      "cfg\"writer?[4242], readers 2\n"));
	assert_non_null(strstr(m.buf, "\"kind\":\"trylock_failed\""));
	assert_non_null(strstr(m.buf, "\"trylock\":\"hot_reset\",\"waiter\":{\"mode\":\"write\","
				      "\"path\":\"hot_reset\"},\"holder\":{\"mode\":\"read\""));
	assert_non_null(strstr(m.buf, "held read on bar_rw by cfg\"writer?[4242] on 0000:01:00.1, "
				      "readers 2\n"));
	assert_non_null(strstr(m.buf, "\"readers\":2,\"bdf\":\"0000:01:00.1\"}}\n"));
	/* On its own device, the holder has no bdf of its own. */
	assert_non_null(strstr(m.buf, "\"readers\":2}}\n"));
	assert_non_null(
		strstr(m.buf, "ioeventfd gave up on a trylock; holder unknown [vm guest1]\n"));
	assert_non_null(strstr(m.buf, "\"trylock\":\"ioeventfd\""));
	membuf_free(&m);
}

int run_contention_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_top_order),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_diff_new_and_unsorted),
		cmocka_unit_test(test_text_golden),
		cmocka_unit_test(test_json_golden),
		cmocka_unit_test(test_event_lines),
		cmocka_unit_test(test_trylock_lines),
	};

	return cmocka_run_group_tests_name("contention", tests, NULL, NULL);
}
