// SPDX-License-Identifier: GPL-2.0
/* The lock-order analysis (cycles) and its text and JSON renderers, on
 * snapshots built here. */
#include <stdlib.h>
#include <string.h>
#include "tests.h"
#include "fixtures.h"
#include "lock_order.h"
#include "render_dot.h"
#include "render_json.h"
#include "render_text.h"

#define NO VT_NO_SLOT

struct edge_spec {
	int from, from_mode, to, to_mode;
	__u32 from_slot, to_slot; /* NO for global locks */
};

/* A snapshot of @n edges, sorted as the reader leaves them; edge i was first
 * taken by pid 100 + i, with i + 1 frames named "frame<i>_<k>". */
static void make_snapshot(struct vt_snapshot *s, const struct edge_spec *spec, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->edges = calloc(n, sizeof(*s->edges));
	assert_non_null(s->edges);
	s->nedges = n;
	for (size_t i = 0; i < n; i++) {
		struct vt_lock_edge *e = &s->edges[i];

		e->key.from_class = spec[i].from;
		e->key.from_mode = spec[i].from_mode;
		e->key.to_class = spec[i].to;
		e->key.to_mode = spec[i].to_mode;
		e->key.from_slot = spec[i].from_slot;
		e->key.to_slot = spec[i].to_slot;
		e->key.same_device =
			spec[i].from_slot != NO && spec[i].from_slot == spec[i].to_slot;
		e->val.first_ns = 1000000000ULL * (i + 1);
		e->key.direct = 1;
		e->val.count = 10 * (i + 1);
		e->val.pid = e->val.tid = 100 + i;
		snprintf(e->val.comm, sizeof(e->val.comm), "task%zu", i);
		for (size_t k = 0; k <= i; k++) {
			char name[32];
			size_t len = (size_t)snprintf(name, sizeof(name), "frame%zu_%zu", i, k) + 1;

			e->frames = realloc(e->frames, e->frames_len + len);
			assert_non_null(e->frames);
			memcpy(e->frames + e->frames_len, name, len);
			e->frames_len += len;
			e->nframes++;
		}
	}
	snapshot_sort(s);
}

/* The seeds' bug: memory_lock -> i_mmap_rwsem -> fs_reclaim, against
 * reclaim's fs_reclaim -> i_mmap_rwsem (i_mmap_rwsem is a class: any
 * mapping). One cycle, reported once, from its smallest class, on device 3's
 * locks, each step with its first sighting. */
static void test_seeds_chain(void **state)
{
	const struct edge_spec spec[] = {
		{ VT_LC_MEMORY_LOCK, VT_MODE_WRITE, VT_LC_I_MMAP_RWSEM, VT_MODE_WRITE, 3, NO },
		{ VT_LC_I_MMAP_RWSEM, VT_MODE_WRITE, VT_LC_FS_RECLAIM, VT_MODE_WRITE, NO, NO },
		{ VT_LC_FS_RECLAIM, VT_MODE_WRITE, VT_LC_I_MMAP_RWSEM, VT_MODE_READ, NO, NO },
		{ VT_LC_MEMORY_LOCK, VT_MODE_WRITE, VT_LC_FS_RECLAIM, VT_MODE_WRITE, 3, NO },
	};
	struct vt_lock_cycles c;
	struct vt_snapshot s;

	make_snapshot(&s, spec, 4);
	vt_lock_cycles_find(&s, &c);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.items[0].len, 2);
	assert_int_equal(c.items[0].classes[0], VT_LC_I_MMAP_RWSEM);
	assert_int_equal(c.items[0].classes[1], VT_LC_FS_RECLAIM);
	assert_int_equal(c.items[0].classes[2], VT_LC_I_MMAP_RWSEM);
	assert_true(c.items[0].instances);
	assert_int_equal(c.items[0].slot, NO); /* global classes only */
	assert_int_equal(s.edges[c.items[0].edges[0]].key.to_class, VT_LC_FS_RECLAIM);
	assert_int_equal(s.edges[c.items[0].edges[1]].key.from_class, VT_LC_FS_RECLAIM);
	snapshot_free(&s);
}

/* A cycle through per-device locks: on one device's locks it can deadlock;
 * the same classes joined only across two devices cannot (as seen). */
static void test_cycle_on_one_device_or_across(void **state)
{
	const struct edge_spec one[] = {
		{ VT_LC_MEMORY_LOCK, VT_MODE_WRITE, VT_LC_IGATE, VT_MODE_WRITE, 2, 2 },
		{ VT_LC_IGATE, VT_MODE_WRITE, VT_LC_MEMORY_LOCK, VT_MODE_READ, 2, 2 },
	};
	const struct edge_spec across[] = {
		{ VT_LC_MEMORY_LOCK, VT_MODE_WRITE, VT_LC_IGATE, VT_MODE_WRITE, 1, 1 },
		{ VT_LC_IGATE, VT_MODE_WRITE, VT_LC_MEMORY_LOCK, VT_MODE_READ, 2, 2 },
	};
	struct vt_lock_cycles c;
	struct vt_snapshot s;

	make_snapshot(&s, one, 2);
	vt_lock_cycles_find(&s, &c);
	assert_int_equal(c.n, 1);
	assert_true(c.items[0].instances);
	assert_int_equal(c.items[0].slot, 2);
	snapshot_free(&s);

	make_snapshot(&s, across, 2);
	vt_lock_cycles_find(&s, &c);
	assert_int_equal(c.n, 1);
	assert_false(c.items[0].instances);
	assert_int_equal(c.items[0].slot, NO);
	snapshot_free(&s);
}

/* A chain is no cycle; a class nested in itself is a one-step cycle that can
 * deadlock on one device and cannot on two; a global class nested in itself
 * (two mm's mmap_lock) is none, its instances are not told apart. */
static void test_chain_and_self_nesting(void **state)
{
	const struct edge_spec chain[] = {
		{ VT_LC_MMAP_LOCK, VT_MODE_READ, VT_LC_VMA_LOCK, VT_MODE_WRITE, NO, 0 },
		{ VT_LC_VMA_LOCK, VT_MODE_WRITE, VT_LC_MEMORY_LOCK, VT_MODE_READ, 0, 0 },
		{ VT_LC_MMAP_LOCK, VT_MODE_WRITE, VT_LC_MMAP_LOCK, VT_MODE_WRITE, NO, NO },
	};
	const struct edge_spec same[] = {
		{ VT_LC_MEMORY_LOCK, VT_MODE_WRITE, VT_LC_MEMORY_LOCK, VT_MODE_WRITE, 4, 4 },
	};
	const struct edge_spec two[] = {
		{ VT_LC_MEMORY_LOCK, VT_MODE_WRITE, VT_LC_MEMORY_LOCK, VT_MODE_WRITE, 4, 5 },
	};
	struct vt_lock_cycles c;
	struct vt_snapshot s;

	make_snapshot(&s, chain, 3);
	vt_lock_cycles_find(&s, &c);
	assert_int_equal(c.n, 0);
	snapshot_free(&s);

	make_snapshot(&s, same, 1);
	vt_lock_cycles_find(&s, &c);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.items[0].len, 1);
	assert_int_equal(c.items[0].classes[0], VT_LC_MEMORY_LOCK);
	assert_int_equal(c.items[0].classes[1], VT_LC_MEMORY_LOCK);
	assert_true(c.items[0].instances);
	assert_int_equal(c.items[0].slot, 4);
	snapshot_free(&s);

	make_snapshot(&s, two, 1);
	vt_lock_cycles_find(&s, &c);
	assert_int_equal(c.n, 1);
	assert_false(c.items[0].instances);
	snapshot_free(&s);
}

/* Three classes round, each once. */
static void test_three_step_cycle(void **state)
{
	const struct edge_spec spec[] = {
		{ VT_LC_MEMORY_LOCK, VT_MODE_WRITE, VT_LC_I_MMAP_RWSEM, VT_MODE_WRITE, 0, 0 },
		{ VT_LC_I_MMAP_RWSEM, VT_MODE_WRITE, VT_LC_MMAP_LOCK, VT_MODE_READ, 0, NO },
		{ VT_LC_MMAP_LOCK, VT_MODE_READ, VT_LC_MEMORY_LOCK, VT_MODE_READ, NO, 0 },
	};
	struct vt_lock_cycles c;
	struct vt_snapshot s;

	make_snapshot(&s, spec, 3);
	vt_lock_cycles_find(&s, &c);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.items[0].len, 3);
	assert_int_equal(c.items[0].classes[0], VT_LC_MMAP_LOCK);
	assert_int_equal(c.items[0].classes[1], VT_LC_MEMORY_LOCK);
	assert_int_equal(c.items[0].classes[2], VT_LC_I_MMAP_RWSEM);
	assert_int_equal(c.items[0].classes[3], VT_LC_MMAP_LOCK);
	assert_true(c.items[0].instances);
	assert_int_equal(c.items[0].slot, 0);
	snapshot_free(&s);
}

/* Device 1's vma_lock is held over a mapping's i_mmap_rwsem, and so is
 * device 2's; back to vma_lock only on device 2. Tried from device 1, the
 * edge back fails to close; tried again from device 2, the same edge closes
 * the cycle on device 2's lock. */
static void test_cycle_closes_from_a_later_start(void **state)
{
	const struct edge_spec spec[] = {
		{ VT_LC_VMA_LOCK, VT_MODE_WRITE, VT_LC_I_MMAP_RWSEM, VT_MODE_READ, 1, NO },
		{ VT_LC_VMA_LOCK, VT_MODE_WRITE, VT_LC_I_MMAP_RWSEM, VT_MODE_READ, 2, NO },
		{ VT_LC_I_MMAP_RWSEM, VT_MODE_READ, VT_LC_VMA_LOCK, VT_MODE_WRITE, NO, 2 },
	};
	struct vt_lock_cycles c;
	struct vt_snapshot s;

	make_snapshot(&s, spec, 3);
	vt_lock_cycles_find(&s, &c);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.items[0].len, 2);
	assert_true(c.items[0].instances);
	assert_int_equal(c.items[0].slot, 2);
	assert_int_equal(s.edges[c.items[0].edges[0]].key.from_slot, 2);
	assert_int_equal(s.edges[c.items[0].edges[1]].key.to_slot, 2);
	snapshot_free(&s);
}

static void test_text(void **state)
{
	const struct edge_spec spec[] = {
		{ VT_LC_MEMORY_LOCK, VT_MODE_WRITE, VT_LC_IGATE, VT_MODE_WRITE, 1, 1 },
		{ VT_LC_IGATE, VT_MODE_WRITE, VT_LC_MEMORY_LOCK, VT_MODE_READ, 1, 2 },
		{ VT_LC_IGATE, VT_MODE_WRITE, VT_LC_MEMORY_LOCK, VT_MODE_READ, 1, 1 },
	};
	struct vt_dev_snapshot dev = { .slot = 1 };
	struct vt_lock_cycles c;
	struct vt_snapshot s;
	struct membuf m;

	make_snapshot(&s, spec, 3);
	s.started_ns = 500000000ULL;
	s.lost[VT_LOST_LOCK_DEPTH] = 3;
	memcpy(dev.info.bdf, "0000:00:03.0", 13);
	s.devs = &dev;
	s.ndevs = 1;
	vt_lock_cycles_find(&s, &c);
	assert_non_null(membuf_open(&m));
	assert_int_equal(render_text_lock_order(m.f, &s, &c, 2.5), 0);
	membuf_close(&m);
	assert_non_null(strstr(m.buf, "Lock order seen in 2.5 s: 3 edges"));
	/* igate is a mutex: no mode word; the same device says so */
	assert_non_null(strstr(m.buf, "&vdev->memory_lock (write)"));
	assert_non_null(strstr(m.buf, " same  task0[100]\n        frame0_0\n"));
	assert_non_null(strstr(m.buf, " other  task1[101]\n        frame1_0\n        frame1_1\n"));
	assert_non_null(strstr(
		m.buf,
		"Cycle (possible deadlock): &vdev->memory_lock -> &vdev->igate -> "
		"&vdev->memory_lock\n"
		"  on the locks of 0000:00:03.0\n"
		"  &vdev->memory_lock (write) -> &vdev->igate: first by task0[100] at 0.500000 s\n"
		"        frame0_0\n"
		"  &vdev->igate -> &vdev->memory_lock (read): first by task2[102] at 2.500000 s\n"
		"        frame2_0\n        frame2_1\n        frame2_2\n"));
	assert_non_null(strstr(m.buf, "Lost: 3 acquisitions deeper than"));
	s.devs = NULL;
	s.ndevs = 0;
	membuf_free(&m);
	snapshot_free(&s);
}

static void test_json(void **state)
{
	const struct edge_spec spec[] = {
		{ VT_LC_MMAP_LOCK, VT_MODE_READ, VT_LC_MEMORY_LOCK, VT_MODE_READ, NO, 0 },
	};
	struct vt_lock_cycles c;
	struct vt_snapshot s;
	struct membuf m;

	make_snapshot(&s, spec, 1);
	vt_lock_cycles_find(&s, &c);
	assert_non_null(membuf_open(&m));
	assert_int_equal(render_json_lock_order(m.f, &s, &c, 1.0), 0);
	membuf_close(&m);
	assert_string_equal(
		m.buf,
		"{\"duration_s\":1.000,\"edges\":[{\"from\":{\"class\":\"&mm->mmap_lock\","
		"\"mode\":\"read\"},\"to\":{\"class\":\"&vdev->memory_lock\",\"mode\":\"read\"},"
		"\"count\":10,\"device\":\"-\",\"from_bdf\":null,\"to_bdf\":null,\"direct\":true,"
		"\"first\":{\"pid\":100,\"tid\":100,\"comm\":\"task0\",\"ns_after_start\":1000000000,"
		"\"stack\":[\"frame0_0\"]}}],\"cycles\":[],\"lost\":{"
		"\"ringbuf_full\":0,\"device_map_full\":0,\"lock_map_full\":0,\"task_map_full\":0,"
		"\"proc_map_full\":0,\"missed_start\":0,\"nested\":0,\"missed_end\":0,"
		"\"lock_depth\":0,\"edge_map_full\":0,\"prog_missed\":0,\"edge_stack\":0,\"contention_stack\":0,"
		"\"contention_map_full\":0,\"reset_set_full\":0},"
		"\"probes\":null}\n");
	membuf_free(&m);
	snapshot_free(&s);
}

/* A --lock symbol is a class of its own, named by its symbol. */
static void test_user_lock(void **state)
{
	const struct edge_spec spec[] = {
		{ VT_LC_MAX, VT_MODE_WRITE, VT_LC_I_MMAP_RWSEM, VT_MODE_WRITE, NO, NO },
	};
	struct vt_lock_cycles c;
	struct vt_snapshot s;
	struct membuf m;

	make_snapshot(&s, spec, 1);
	s.nuser_locks = 1;
	snprintf(s.user_locks[0], sizeof(s.user_locks[0]), "vt_lockseed_lock");
	assert_string_equal(snapshot_lock_name(&s, VT_LC_MAX), "vt_lockseed_lock");
	assert_string_equal(snapshot_lock_name(&s, VT_LC_MAX + 1), "unknown");
	vt_lock_cycles_find(&s, &c);
	assert_non_null(membuf_open(&m));
	assert_int_equal(render_text_lock_order(m.f, &s, &c, 1.0), 0);
	membuf_close(&m);
	assert_non_null(strstr(m.buf, "\nvt_lockseed_lock (write)           -> "
				      "&mapping->i_mmap_rwsem (write)"));
	membuf_free(&m);
	snapshot_free(&s);
}

/* A cycle in JSON: its classes, where it closes and each step's first
 * sighting. */
static void test_json_cycle(void **state)
{
	const struct edge_spec spec[] = {
		{ VT_LC_I_MMAP_RWSEM, VT_MODE_WRITE, VT_LC_FS_RECLAIM, VT_MODE_WRITE, NO, NO },
		{ VT_LC_FS_RECLAIM, VT_MODE_WRITE, VT_LC_I_MMAP_RWSEM, VT_MODE_READ, NO, NO },
	};
	struct vt_lock_cycles c;
	struct vt_snapshot s;
	struct membuf m;

	make_snapshot(&s, spec, 2);
	vt_lock_cycles_find(&s, &c);
	assert_non_null(membuf_open(&m));
	assert_int_equal(render_json_lock_order(m.f, &s, &c, 1.0), 0);
	membuf_close(&m);
	assert_non_null(strstr(
		m.buf, "\"cycles\":[{\"classes\":[\"&mapping->i_mmap_rwsem\",\"fs_reclaim\","
		       "\"&mapping->i_mmap_rwsem\"],\"instances\":true,\"device\":null,\"steps\":["
		       "{\"from\":{\"class\":\"&mapping->i_mmap_rwsem\",\"mode\":\"write\"},"
		       "\"to\":{\"class\":\"fs_reclaim\",\"mode\":\"write\"},\"count\":10,"
		       "\"first\":{\"pid\":100,"));
	membuf_free(&m);
	snapshot_free(&s);
}

/* The picture: each class once, each edge once; a cycle of classes only (it
 * crosses from device 1 to device 2) orange, an
 * edge within one device dashed. */
static void test_dot(void **state)
{
	const struct edge_spec spec[] = {
		{ VT_LC_MEMORY_LOCK, VT_MODE_WRITE, VT_LC_IGATE, VT_MODE_WRITE, 1, 1 },
		{ VT_LC_IGATE, VT_MODE_WRITE, VT_LC_MEMORY_LOCK, VT_MODE_READ, 1, 2 },
		{ VT_LC_MMAP_LOCK, VT_MODE_READ, VT_LC_MEMORY_LOCK, VT_MODE_READ, NO, 1 },
	};
	struct vt_lock_cycles c;
	struct vt_snapshot s;
	struct membuf m;

	make_snapshot(&s, spec, 3);
	vt_lock_cycles_find(&s, &c);
	assert_non_null(membuf_open(&m));
	assert_int_equal(render_dot(m.f, &s, &c), 0);
	membuf_close(&m);
	assert_true(!strncmp(m.buf, "digraph lock_order {\n", 21));
	assert_non_null(strstr(m.buf,
			       "\t\"&vdev->memory_lock\" -> \"&vdev->igate\" "
			       "[label=\"W->W x10\", color=orange, penwidth=2, style=dashed];\n"));
	assert_non_null(strstr(m.buf, "\t\"&vdev->igate\" -> \"&vdev->memory_lock\" "
				      "[label=\"W->R x20\", color=orange, penwidth=2];\n"));
	assert_non_null(strstr(m.buf, "\t\"&mm->mmap_lock\" -> \"&vdev->memory_lock\" "
				      "[label=\"R->R x30\"];\n"));
	assert_non_null(strstr(m.buf, "\t\"&mm->mmap_lock\";\n"));
	assert_null(
		strstr(strstr(m.buf, "\t\"&mm->mmap_lock\";\n") + 1, "\t\"&mm->mmap_lock\";\n"));
	assert_string_equal(m.buf + m.len - 2, "}\n");
	membuf_free(&m);
	snapshot_free(&s);
}

/* An interval keeps each edge's first sighting and stack, and counts only
 * what happened in it; a deep copy owns its frames. */
static void test_diff_and_copy(void **state)
{
	const struct edge_spec spec[] = {
		{ VT_LC_MMAP_LOCK, VT_MODE_READ, VT_LC_MEMORY_LOCK, VT_MODE_READ, NO, 0 },
		{ VT_LC_MEMORY_LOCK, VT_MODE_WRITE, VT_LC_IGATE, VT_MODE_WRITE, 0, 0 },
	};
	struct vt_snapshot cur, prev, d;
	const char *frame;

	make_snapshot(&cur, spec, 2);
	make_snapshot(&prev, spec, 1);
	prev.edges[0].val.count = 4;
	assert_int_equal(snapshot_diff(&d, &cur, &prev), 0);
	assert_int_equal(d.nedges, 2);
	assert_int_equal(d.edges[0].val.count, 6);
	assert_int_equal(d.edges[1].val.count, 20);
	snapshot_free(&cur);
	frame = snapshot_edge_frame(&d.edges[1], NULL);
	assert_string_equal(frame, "frame1_0");
	frame = snapshot_edge_frame(&d.edges[1], frame);
	assert_string_equal(frame, "frame1_1");
	assert_null(snapshot_edge_frame(&d.edges[1], frame));
	snapshot_free(&d);
	snapshot_free(&prev);
}

int run_lock_order_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seeds_chain),
		cmocka_unit_test(test_cycle_on_one_device_or_across),
		cmocka_unit_test(test_chain_and_self_nesting),
		cmocka_unit_test(test_three_step_cycle),
		cmocka_unit_test(test_cycle_closes_from_a_later_start),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_cycle),
		cmocka_unit_test(test_user_lock),
		cmocka_unit_test(test_dot),
		cmocka_unit_test(test_diff_and_copy),
	};

	return cmocka_run_group_tests_name("lock order", tests, NULL, NULL);
}
