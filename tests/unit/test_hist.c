// SPDX-License-Identifier: GPL-2.0
/* Slot arithmetic, the Prometheus le rule and the bcc histogram look. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "tests.h"
#include "fixtures.h"
#include "hist.h"

#define LAST (VT_HIST_SLOTS - 1)

static void test_slot_of_ns(void **state)
{
	assert_int_equal(hist_slot_of_ns(0), 0);
	assert_int_equal(hist_slot_of_ns(1), 0);
	assert_int_equal(hist_slot_of_ns(2), 1);
	assert_int_equal(hist_slot_of_ns(3), 1);
	assert_int_equal(hist_slot_of_ns(1023), 9);
	assert_int_equal(hist_slot_of_ns(1024), 10);
	assert_int_equal(hist_slot_of_ns(1900), 10);
	assert_int_equal(hist_slot_of_ns((1ULL << 32) - 1), 31);
	assert_int_equal(hist_slot_of_ns(1ULL << 32), LAST);
	assert_int_equal(hist_slot_of_ns(UINT64_MAX), LAST);
}

static void test_slot_bounds(void **state)
{
	__u64 lo, hi, prev_hi = 0;

	for (int s = 0; s < VT_HIST_SLOTS; s++) {
		assert_int_equal(hist_slot_bounds(s, &lo, &hi), 0);
		assert_int_equal(hist_slot_of_ns(lo), s);
		assert_int_equal(hist_slot_of_ns(hi), s);
		if (s) /* the slots tile the integers without gaps */
			assert_true(lo == prev_hi + 1);
		prev_hi = hi;
	}
	assert_int_equal(hist_slot_bounds(0, &lo, &hi), 0);
	assert_true(lo == 0 && hi == 1);
	assert_int_equal(hist_slot_bounds(LAST, &lo, &hi), 0);
	assert_true(hi == UINT64_MAX);
	assert_int_equal(hist_slot_bounds(-1, &lo, &hi), -EINVAL);
	assert_int_equal(hist_slot_bounds(VT_HIST_SLOTS, &lo, &hi), -EINVAL);
}

/* Every finite le covers its whole slot and parses back to 2^(s+1) ns. */
static void test_le_every_slot(void **state)
{
	double prev = 0;
	char buf[32];

	for (int s = 0; s < LAST; s++) {
		__u64 le, lo, hi;
		double secs;
		char *end;

		assert_int_equal(hist_le_ns(s, &le), 0);
		assert_true(le == 1ULL << (s + 1));
		assert_int_equal(hist_slot_bounds(s, &lo, &hi), 0);
		assert_true(le >= hi);

		assert_int_equal(hist_le_seconds(s, buf, sizeof(buf)), 0);
		secs = strtod(buf, &end);
		assert_true(*end == '\0');
		assert_true(secs >= (double)hi / 1e9);
		assert_true(secs == (double)le / 1e9); /* correctly rounded */
		assert_true(secs > prev);
		prev = secs;
	}
}

static void test_le_last_slot_is_inf_only(void **state)
{
	char buf[32];
	__u64 le = 42;

	assert_int_equal(hist_le_ns(LAST, &le), -ERANGE);
	assert_true(le == 42);
	assert_int_equal(hist_le_seconds(LAST, buf, sizeof(buf)), -ERANGE);
	assert_int_equal(hist_le_ns(-1, &le), -EINVAL);
	assert_int_equal(hist_le_ns(VT_HIST_SLOTS, &le), -EINVAL);
}

static void test_le_strings(void **state)
{
	char buf[32];

	assert_int_equal(hist_le_seconds(0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0.000000002");
	assert_int_equal(hist_le_seconds(9, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0.000001024");
	assert_int_equal(hist_le_seconds(29, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1.073741824");
	assert_int_equal(hist_le_seconds(LAST - 1, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "4.294967296");
	assert_int_equal(hist_le_seconds(0, buf, 5), -ENOSPC);
}

/* The reason ns are never divided before log2: 1.9 us must sit under an le
 * that is >= 1.9e-6 s, and above the previous one. */
static void test_1_9us_below_its_le(void **state)
{
	int s = hist_slot_of_ns(1900);
	char buf[32];

	assert_int_equal(hist_le_seconds(s, buf, sizeof(buf)), 0);
	assert_true(strtod(buf, NULL) >= 1.9e-6);
	assert_int_equal(hist_le_seconds(s - 1, buf, sizeof(buf)), 0);
	assert_true(strtod(buf, NULL) < 1.9e-6);
}

static void test_format_seconds(void **state)
{
	static const struct {
		__u64 ns;
		const char *want;
	} cases[] = {
		{ 0, "0" },
		{ 1, "0.000000001" },
		{ 1000000000, "1" },
		{ 1500000000, "1.5" },
		{ UINT64_MAX, "18446744073.709551615" },
		/* zeros inside the fraction stay, trailing ones go */
		{ 1000000010, "1.00000001" },
		{ 123456789, "0.123456789" },
		{ 20000000000ULL, "20" },
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(format_ns_as_seconds(buf, sizeof(buf), cases[i].ns), 0);
		assert_string_equal(buf, cases[i].want);
	}
	assert_int_equal(format_ns_as_seconds(buf, 3, 1500000000), -ENOSPC);
	/* exactly room for "1.5" and its NUL */
	assert_int_equal(format_ns_as_seconds(buf, 4, 1500000000), 0);
	assert_string_equal(buf, "1.5");
}

static void test_cumulative_merge_total(void **state)
{
	struct vt_hist a = { 0 }, b = { 0 };
	__u64 cum[VT_HIST_SLOTS];

	hist_record(&a, 1);
	hist_record(&a, 1900);
	hist_record(&b, 1900);
	hist_record(&b, 10ULL * 1000000000); /* overflow slot */
	hist_merge(&a, &b);

	assert_true(a.count == 4);
	assert_true(a.sum_ns == 1 + 1900 + 1900 + 10ULL * 1000000000);
	assert_true(hist_total(&a) == 4);
	assert_int_equal(hist_last_slot(&a), LAST);

	hist_cumulative(&a, cum);
	assert_true(cum[0] == 1);
	assert_true(cum[9] == 1);
	assert_true(cum[10] == 3);
	assert_true(cum[LAST - 1] == 3);
	assert_true(cum[LAST] == 4);
	for (int s = 1; s < VT_HIST_SLOTS; s++)
		assert_true(cum[s] >= cum[s - 1]);

	memset(&b, 0, sizeof(b));
	assert_int_equal(hist_last_slot(&b), -1);
	assert_true(hist_total(&b) == 0);
}

static char *print_hist(const struct vt_hist *h, const char *unit, unsigned divisor, int *ret)
{
	struct membuf m;

	assert_non_null(membuf_open(&m));
	*ret = print_log2_hist(m.f, h, unit, divisor);
	membuf_close(&m);
	return m.buf;
}

static void test_print_nsecs(void **state)
{
	struct vt_hist h = { 0 };
	int ret;
	char *out;

	hist_record(&h, 0);
	hist_record(&h, 1);
	hist_record(&h, 3);
	out = print_hist(&h, "nsecs", 1, &ret);
	assert_int_equal(ret, 0);
	assert_string_equal(
		out,
		"     nsecs               : count    distribution\n"
		"         0 -> 1          : 2        |****************************************|\n"
		"         2 -> 3          : 1        |********************                    |\n");
	free(out);
}

/* usecs fold ns slots by ceil(log2(1000)) = 10: 500 ns and 1.9 us both show
 * as "0 -> 1", 40 us as "32 -> 63", as bcc would print them. */
static void test_print_usecs_folds_slots(void **state)
{
	struct vt_hist h = { 0 };
	int ret;
	char *out;

	for (int i = 0; i < 2; i++)
		hist_record(&h, 500);
	for (int i = 0; i < 4; i++)
		hist_record(&h, 1900);
	hist_record(&h, 40000);
	out = print_hist(&h, "usecs", 1000, &ret);
	assert_int_equal(ret, 0);
	assert_string_equal(
		out,
		"     usecs               : count    distribution\n"
		"         0 -> 1          : 6        |****************************************|\n"
		"         2 -> 3          : 0        |                                        |\n"
		"         4 -> 7          : 0        |                                        |\n"
		"         8 -> 15         : 0        |                                        |\n"
		"        16 -> 31         : 0        |                                        |\n"
		"        32 -> 63         : 1        |******                                  |\n");
	free(out);
}

static void test_print_msecs(void **state)
{
	struct vt_hist h = { 0 };
	int ret;
	char *out;

	hist_record(&h, 2500000); /* 2.5 ms: bcc's 2 ms -> "2 -> 3" */
	out = print_hist(&h, "msecs", 1000000, &ret);
	assert_int_equal(ret, 0);
	assert_string_equal(
		out,
		"     msecs               : count    distribution\n"
		"         0 -> 1          : 0        |                                        |\n"
		"         2 -> 3          : 1        |****************************************|\n");
	free(out);
}

static void test_print_huge_counts(void **state)
{
	struct vt_hist h = { 0 };
	int ret;
	char *out;

	/* val * 40 would overflow 64 bits */
	h.slots[0] = UINT64_MAX;
	h.slots[1] = 1ULL << 63; /* half of it, rounded up */
	out = print_hist(&h, "nsecs", 1, &ret);
	assert_int_equal(ret, 0);
	assert_non_null(strstr(out, ": 18446744073709551615 |*****"));
	assert_non_null(strstr(out, "|********************                    |"));
	free(out);
}

static void test_print_empty_and_bad_args(void **state)
{
	struct vt_hist h = { 0 };
	int ret;
	char *out;

	out = print_hist(&h, "usecs", 1000, &ret);
	assert_int_equal(ret, 0);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(print_log2_hist(stdout, &h, "usecs", 0), -EINVAL);
	assert_int_equal(print_log2_hist(stdout, NULL, "usecs", 1), -EINVAL);
	assert_int_equal(print_log2_hist(NULL, &h, "usecs", 1), -EINVAL);
}

int run_hist_tests(void)
{
	const struct CMUnitTest hist[] = {
		cmocka_unit_test(test_slot_of_ns),
		cmocka_unit_test(test_slot_bounds),
		cmocka_unit_test(test_le_every_slot),
		cmocka_unit_test(test_le_last_slot_is_inf_only),
		cmocka_unit_test(test_le_strings),
		cmocka_unit_test(test_1_9us_below_its_le),
		cmocka_unit_test(test_format_seconds),
		cmocka_unit_test(test_cumulative_merge_total),
		cmocka_unit_test(test_print_nsecs),
		cmocka_unit_test(test_print_usecs_folds_slots),
		cmocka_unit_test(test_print_msecs),
		cmocka_unit_test(test_print_huge_counts),
		cmocka_unit_test(test_print_empty_and_bad_args),
	};

	return cmocka_run_group_tests(hist, NULL, NULL);
}
