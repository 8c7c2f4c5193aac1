// SPDX-License-Identifier: GPL-2.0
/* `vfio-trace top`: the quantile bound, the rows of an interval, their orders,
 * and the text (a golden file, and the screen's width and height). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "tests.h"
#include "fixtures.h"
#include "hist.h"
#include "render_text.h"
#include "top_rows.h"

static void test_quantile(void **state)
{
	struct vt_hist h = {};

	(void)state;
	assert_int_equal(hist_quantile_ns(&h, 0.99), 0);
	/* 99 values in [8, 16) and one in [2^20, 2^21): the 99th is in the
	 * first slot, the 100th in the second; the bound is the slot's top. */
	for (int i = 0; i < 99; i++)
		hist_record(&h, 9);
	hist_record(&h, 1500000);
	assert_int_equal(hist_quantile_ns(&h, 0.99), 16);
	assert_int_equal(hist_quantile_ns(&h, 0.991), 1ULL << 21);
	assert_int_equal(hist_quantile_ns(&h, 1.0), 1ULL << 21);
	assert_int_equal(hist_quantile_ns(&h, 0.5), 16);
	/* The open-ended last slot has no upper bound: its lower one. */
	memset(&h, 0, sizeof(h));
	h.slots[VT_HIST_SLOTS - 1] = 1;
	assert_int_equal(hist_quantile_ns(&h, 0.99), 1ULL << (VT_HIST_SLOTS - 1));
}

static const struct vt_top_row *row_of(const struct vt_top *t, const char *bdf)
{
	for (size_t i = 0; i < t->nrows; i++)
		if (!strcmp(t->rows[i].bdf, bdf))
			return &t->rows[i];
	fail_msg("no row for %s", bdf);
	return NULL;
}

/* The fixture as a 5 s interval (its mono_ns), ending 1 s after device A's
 * last disable. */
static void build(struct vt_snapshot *s, struct vt_top *t)
{
	assert_int_equal(fixture_snapshot(s), 0);
	s->interval = true;
	assert_int_equal(vt_top_build(t, s, s->devs[0].info.last_disable.ts_ns + 1000000000ULL), 0);
}

static void test_rows(void **state)
{
	const struct vt_top_row *a, *b;
	struct vt_snapshot s;
	struct vt_top t;

	(void)state;
	build(&s, &t);
	assert_int_equal(t.nrows, 2);
	assert_true(t.interval_s == 5.0);
	a = row_of(&t, FIX_A_BDF);
	b = row_of(&t, FIX_B_BDF);
	assert_true(a->faults_per_s == FIX_A_FAULTS / 5.0);
	/* 166 faults: the 165th (ceil 0.99 * 166) is one of the 60 in
	 * [32768, 65536) ns. */
	assert_int_equal(a->fault_p99_ns, 65536);
	assert_int_equal(a->wait_p99_ns[VT_MODE_READ], 131072);	  /* 120 us */
	assert_int_equal(a->wait_p99_ns[VT_MODE_WRITE], 4194304); /* 2.5 ms */
	assert_int_equal(a->contentions, FIX_A_READ_CONTENTIONS + 1);
	assert_int_equal(a->zaps, 3);
	assert_int_equal(a->accesses, 3);
	assert_int_equal(a->pinned_pages, 2560); /* its owner, 4242 */
	assert_true(a->bound);
	assert_string_equal(a->owner.vm, "web1");
	assert_false(a->memory_off);
	assert_int_equal(a->off_ns, 1500000);
	assert_true(b->faults_per_s == 1.0);
	assert_int_equal(b->pinned_pages, 0); /* 777 pinned nothing */
	assert_false(b->bound);
	/* put into D3hot by 777, and still there: memory off, the zap that
	 * came with it counted, the SIGBUS in it too */
	assert_int_equal(b->last_disable.ts_ns, 98765432100ULL);
	assert_int_equal(b->last_disable.cause, VT_OFF_D3HOT);
	assert_true(b->memory_off);
	assert_int_equal(b->zaps, 2);
	assert_int_equal(b->accesses, 1);
	vt_top_free(&t);
	snapshot_free(&s);

	/* Memory still off at the end of the interval: off since the disable. */
	assert_int_equal(fixture_snapshot(&s), 0);
	s.devs[0].info.last_disable.enabled_ts_ns = 0;
	s.devs[1].info.traced = 0; /* left out by -d */
	assert_int_equal(vt_top_build(&t, &s, s.devs[0].info.last_disable.ts_ns + 2000000000ULL),
			 0);
	assert_int_equal(t.nrows, 1);
	assert_true(t.rows[0].memory_off);
	assert_int_equal(t.rows[0].off_ns, 2000000000ULL);
	vt_top_free(&t);
	snapshot_free(&s);
}

static void expect_order(struct vt_top *t, enum vt_top_sort by, bool reverse, const char *first)
{
	vt_top_sort(t, by, reverse);
	if (strcmp(t->rows[0].bdf, first))
		fail_msg("sorted by %s%s: %s first, want %s", vt_top_sort_name(by),
			 reverse ? " reversed" : "", t->rows[0].bdf, first);
}

static void test_sort(void **state)
{
	struct vt_snapshot s;
	struct vt_top t;

	(void)state;
	build(&s, &t);
	expect_order(&t, VT_TOP_SORT_DEVICE, false, FIX_A_BDF);
	expect_order(&t, VT_TOP_SORT_DEVICE, true, FIX_B_BDF);
	expect_order(&t, VT_TOP_SORT_FAULTS, false, FIX_A_BDF);
	expect_order(&t, VT_TOP_SORT_FAULTS, true, FIX_B_BDF);
	expect_order(&t, VT_TOP_SORT_WAIT, false, FIX_A_BDF);
	expect_order(&t, VT_TOP_SORT_PINS, false, FIX_A_BDF);
	expect_order(&t, VT_TOP_SORT_ACCESSES, false, FIX_A_BDF);
	/* Device B's one zap against A's three, then B's turn: more zaps. */
	expect_order(&t, VT_TOP_SORT_ZAPS, false, FIX_A_BDF);
	row_of(&t, FIX_B_BDF);
	for (size_t i = 0; i < t.nrows; i++)
		if (!strcmp(t.rows[i].bdf, FIX_B_BDF))
			t.rows[i].zaps = 9;
	expect_order(&t, VT_TOP_SORT_ZAPS, false, FIX_B_BDF);
	/* Equal keys go by address, whatever order they came in. */
	for (size_t i = 0; i < t.nrows; i++)
		t.rows[i].zaps = 1;
	expect_order(&t, VT_TOP_SORT_DEVICE, true, FIX_B_BDF);
	expect_order(&t, VT_TOP_SORT_ZAPS, false, FIX_A_BDF);
	vt_top_free(&t);
	snapshot_free(&s);

	/* Keys and names name the same orders. */
	for (int i = 0; i < VT_TOP_SORT_MAX; i++) {
		assert_int_equal(vt_top_sort_of_key(vt_top_sort_key(i)), i);
		assert_int_equal(vt_top_sort_of_name(vt_top_sort_name(i)), i);
	}
	assert_int_equal(vt_top_sort_of_key('q'), VT_TOP_SORT_MAX);
	assert_int_equal(vt_top_sort_of_name("fault"), VT_TOP_SORT_MAX);
}

static void render(const struct vt_top *t, const struct vt_top_view *v, struct membuf *m)
{
	assert_non_null(membuf_open(m));
	assert_int_equal(render_text_top(m->f, t, v), 0);
	membuf_close(m);
}

static void test_render(void **state)
{
	struct vt_top_view v = { .by = VT_TOP_SORT_FAULTS,
				 .keys = true,
				 .wall_time = FIX_WALL_TIME };
	struct vt_snapshot s;
	struct membuf m;
	struct vt_top t;
	char *line, *save = NULL;
	int lines = 0;

	(void)state;
	setenv("TZ", "UTC", 1);
	build(&s, &t);
	vt_top_sort(&t, v.by, v.reverse);
	render(&t, &v, &m);
	assert_golden("top.txt", m.buf, m.len);
	membuf_free(&m);

	/* A 60-column screen with room for one device: every line cut to 60,
	 * and the rest counted. */
	v.width = 60;
	v.max_rows = 1;
	render(&t, &v, &m);
	for (line = strtok_r(m.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		assert_true(strlen(line) <= 60);
		lines++;
	}
	assert_int_equal(lines, 5); /* title, keys, header, one row, "... 1 more" */
	membuf_free(&m);
	render(&t, &v, &m);
	assert_non_null(strstr(m.buf, "... 1 more devices"));
	membuf_free(&m);

	/* No device yet. */
	vt_top_free(&t);
	snapshot_free(&s);
	memset(&t, 0, sizeof(t));
	v.width = 0;
	render(&t, &v, &m);
	assert_non_null(strstr(m.buf, "(no vfio-pci device seen yet)"));
	membuf_free(&m);
	v.by = VT_TOP_SORT_MAX;
	assert_int_equal(render_text_top(stdout, &t, &v), -EINVAL);
}

int run_top_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quantile),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_render),
	};

	return cmocka_run_group_tests_name("top", tests, NULL, NULL);
}
