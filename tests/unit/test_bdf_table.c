// SPDX-License-Identifier: GPL-2.0
/* The per-address record table: found again, added zeroed, kept in order. */
#include <stdio.h>
#include <string.h>
#include "tests.h"
#include "bdf_table.h"

struct rec {
	char bdf[VT_BDF_LEN];
	int value;
};

#define MANY 600

static void bdf_of(int i, char *out, size_t len)
{
	snprintf(out, len, "0000:%02x:%02x.%x", i >> 8, (i >> 3) & 0x1f, i & 7);
}

/* Past several growths: each address gets its own record, the same one
 * again on every later lookup, and the walk gives them in first-asked order. */
static void test_many(void **state)
{
	struct vt_bdf_table t;
	char bdf[VT_BDF_LEN];
	struct rec *r;

	vt_bdf_table_init(&t, sizeof(struct rec));
	for (int i = 0; i < MANY; i++) {
		bdf_of(i, bdf, sizeof(bdf));
		r = vt_bdf_table_get(&t, bdf);
		assert_non_null(r);
		assert_string_equal(r->bdf, bdf);
		assert_int_equal(r->value, 0); /* new: zeroed */
		r->value = i + 1;
	}
	assert_int_equal(vt_bdf_table_len(&t), MANY);
	for (int i = MANY - 1; i >= 0; i--) {
		bdf_of(i, bdf, sizeof(bdf));
		r = vt_bdf_table_get(&t, bdf);
		assert_int_equal(r->value, i + 1);
	}
	assert_int_equal(vt_bdf_table_len(&t), MANY); /* nothing added */
	for (size_t i = 0; i < vt_bdf_table_len(&t); i++) {
		r = vt_bdf_table_at(&t, i);
		assert_int_equal(r->value, (int)i + 1);
	}
	vt_bdf_table_release(&t);
	assert_int_equal(vt_bdf_table_len(&t), 0);
	/* Usable again after a release. */
	r = vt_bdf_table_get(&t, "0000:01:00.0");
	assert_non_null(r);
	assert_int_equal(r->value, 0);
	vt_bdf_table_release(&t);
}

/* An address longer than a record holds is cut where the BPF side cuts it:
 * the long form and its cut are one device. */
static void test_long_address(void **state)
{
	struct vt_bdf_table t;
	struct rec *a, *b;

	vt_bdf_table_init(&t, sizeof(struct rec));
	a = vt_bdf_table_get(&t, "0000:01:00.0-and-far-too-long");
	assert_non_null(a);
	assert_int_equal(strlen(a->bdf), VT_BDF_LEN - 1);
	a->value = 7;
	b = vt_bdf_table_get(&t, a->bdf);
	assert_ptr_equal(a, b);
	assert_int_equal(vt_bdf_table_len(&t), 1);
	vt_bdf_table_release(&t);
}

int run_bdf_table_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_long_address),
	};

	return cmocka_run_group_tests_name("bdf_table", tests, NULL, NULL);
}
