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

struct edge_spec {
	int from, from_mode, to, to_mode, same_device;
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
		e->key.same_device = spec[i].same_device;
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

static void test_cycle_found_once(void **state)
{
	/* memory_lock -> i_mmap_rwsem -> mmap_lock -> memory_lock */
	const struct edge_spec spec[] = {
		{ VT_LC_MEMORY_LOCK, VT_MODE_WRITE, VT_LC_I_MMAP_RWSEM, VT_MODE_WRITE, 0 },
		{ VT_LC_I_MMAP_RWSEM, VT_MODE_WRITE, VT_LC_MMAP_LOCK, VT_MODE_READ, 0 },
		{ VT_LC_MMAP_LOCK, VT_MODE_READ, VT_LC_MEMORY_LOCK, VT_MODE_READ, 0 },
	};
	struct vt_lock_cycles c;
	struct vt_snapshot s;

	make_snapshot(&s, spec, 3);
	vt_lock_cycles_find(&s, &c);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.items[0].len, 4);
	/* reported from its smallest class, back to it */
	assert_int_equal(c.items[0].classes[0], VT_LC_MMAP_LOCK);
	assert_int_equal(c.items[0].classes[1], VT_LC_MEMORY_LOCK);
	assert_int_equal(c.items[0].classes[2], VT_LC_I_MMAP_RWSEM);
	assert_int_equal(c.items[0].classes[3], VT_LC_MMAP_LOCK);
	snapshot_free(&s);
}

static void test_chain_and_self_nesting_are_no_cycle(void **state)
{
	/* a chain, and memory_lock nested in memory_lock on two devices */
	const struct edge_spec spec[] = {
		{ VT_LC_MMAP_LOCK, VT_MODE_READ, VT_LC_VMA_LOCK, VT_MODE_WRITE, 0 },
		{ VT_LC_VMA_LOCK, VT_MODE_WRITE, VT_LC_MEMORY_LOCK, VT_MODE_READ, 1 },
		{ VT_LC_MEMORY_LOCK, VT_MODE_WRITE, VT_LC_MEMORY_LOCK, VT_MODE_WRITE, 0 },
	};
	struct vt_lock_cycles c;
	struct vt_snapshot s;

	make_snapshot(&s, spec, 3);
	vt_lock_cycles_find(&s, &c);
	assert_int_equal(c.n, 0);
	snapshot_free(&s);
}

static void test_text(void **state)
{
	const struct edge_spec spec[] = {
		{ VT_LC_MEMORY_LOCK, VT_MODE_WRITE, VT_LC_IGATE, VT_MODE_WRITE, 1 },
		{ VT_LC_IGATE, VT_MODE_WRITE, VT_LC_MEMORY_LOCK, VT_MODE_READ, 0 },
	};
	struct vt_lock_cycles c;
	struct vt_snapshot s;
	struct membuf m;

	make_snapshot(&s, spec, 2);
	s.lost[VT_LOST_LOCK_DEPTH] = 3;
	vt_lock_cycles_find(&s, &c);
	assert_non_null(membuf_open(&m));
	assert_int_equal(render_text_lock_order(m.f, &s, &c, 2.5), 0);
	membuf_close(&m);
	assert_non_null(strstr(m.buf, "Lock order seen in 2.5 s: 2 edges"));
	/* igate is a mutex: no mode word; the same device says so */
	assert_non_null(strstr(m.buf, "&vdev->memory_lock (write)"));
	assert_non_null(strstr(m.buf, " same  task0[100]\n        frame0_0\n"));
	assert_non_null(strstr(m.buf, " other  task1[101]\n        frame1_0\n        frame1_1\n"));
	assert_non_null(strstr(m.buf, "Cycle (possible deadlock): &vdev->memory_lock -> "
				      "&vdev->igate -> &vdev->memory_lock\n"));
	assert_non_null(strstr(m.buf, "Lost: 3 acquisitions deeper than"));
	membuf_free(&m);
	snapshot_free(&s);
}

static void test_json(void **state)
{
	const struct edge_spec spec[] = {
		{ VT_LC_MMAP_LOCK, VT_MODE_READ, VT_LC_MEMORY_LOCK, VT_MODE_READ, 0 },
	};
	struct vt_lock_cycles c;
	struct vt_snapshot s;
	struct membuf m;

	make_snapshot(&s, spec, 1);
	vt_lock_cycles_find(&s, &c);
	assert_non_null(membuf_open(&m));
	assert_int_equal(render_json_lock_order(m.f, &s, &c, 1.0), 0);
	membuf_close(&m);
	assert_string_equal(m.buf,
		"{\"duration_s\":1.000,\"edges\":[{\"from\":{\"class\":\"&mm->mmap_lock\","
		"\"mode\":\"read\"},\"to\":{\"class\":\"&vdev->memory_lock\",\"mode\":\"read\"},"
		"\"count\":10,\"device\":\"-\",\"direct\":true,\"first\":{\"pid\":100,\"tid\":100,"
		"\"comm\":\"task0\",\"stack\":[\"frame0_0\"]}}],\"cycles\":[],\"lost\":{"
		"\"ringbuf_full\":0,\"device_map_full\":0,\"lock_map_full\":0,\"task_map_full\":0,"
		"\"proc_map_full\":0,\"missed_start\":0,\"nested\":0,\"missed_end\":0,"
		"\"lock_depth\":0,\"edge_map_full\":0,\"prog_missed\":0}}\n");
	membuf_free(&m);
	snapshot_free(&s);
}

/* The picture: each class once, each edge once; the cycle's edges red, an
 * edge within one device dashed. */
static void test_dot(void **state)
{
	const struct edge_spec spec[] = {
		{ VT_LC_MEMORY_LOCK, VT_MODE_WRITE, VT_LC_IGATE, VT_MODE_WRITE, 1 },
		{ VT_LC_IGATE, VT_MODE_WRITE, VT_LC_MEMORY_LOCK, VT_MODE_READ, 0 },
		{ VT_LC_MMAP_LOCK, VT_MODE_READ, VT_LC_MEMORY_LOCK, VT_MODE_READ, 0 },
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
	assert_non_null(strstr(m.buf, "\t\"&vdev->memory_lock\" -> \"&vdev->igate\" "
				      "[label=\"W->W x10\", color=red, penwidth=2, style=dashed];\n"));
	assert_non_null(strstr(m.buf, "\t\"&vdev->igate\" -> \"&vdev->memory_lock\" "
				      "[label=\"W->R x20\", color=red, penwidth=2];\n"));
	assert_non_null(strstr(m.buf, "\t\"&mm->mmap_lock\" -> \"&vdev->memory_lock\" "
				      "[label=\"R->R x30\"];\n"));
	assert_non_null(strstr(m.buf, "\t\"&mm->mmap_lock\";\n"));
	assert_null(strstr(strstr(m.buf, "\t\"&mm->mmap_lock\";\n") + 1, "\t\"&mm->mmap_lock\";\n"));
	assert_string_equal(m.buf + m.len - 2, "}\n");
	membuf_free(&m);
	snapshot_free(&s);
}

/* An interval keeps each edge's first sighting and stack, and counts only
 * what happened in it; a deep copy owns its frames. */
static void test_diff_and_copy(void **state)
{
	const struct edge_spec spec[] = {
		{ VT_LC_MMAP_LOCK, VT_MODE_READ, VT_LC_MEMORY_LOCK, VT_MODE_READ, 0 },
		{ VT_LC_MEMORY_LOCK, VT_MODE_WRITE, VT_LC_IGATE, VT_MODE_WRITE, 1 },
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
		cmocka_unit_test(test_cycle_found_once),
		cmocka_unit_test(test_chain_and_self_nesting_are_no_cycle),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_dot),
		cmocka_unit_test(test_diff_and_copy),
	};

	return cmocka_run_group_tests_name("lock order", tests, NULL, NULL);
}
