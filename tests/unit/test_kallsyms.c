// SPDX-License-Identifier: GPL-2.0
/* The /proc/kallsyms parser: lookups by name, the wanted-names filter, and
 * naming addresses, with and without kptr_restrict. */
#include <errno.h>
#include <string.h>
#include "tests.h"
#include "kallsyms.h"

static const char table[] = "ffffffff81000000 T _stext\n"
			    "ffffffff81100000 T unmap_mapping_range\n"
			    "ffffffff81100400 t helper_after\n"
			    "ffffffff82000000 D some_data\n"
			    "ffffffffc0100000 t vfio_pci_mmap_fault\t[vfio_pci_core]\n"
			    "ffffffffc0100200 T vfio_pci_bar_rw\t[vfio_pci_core]\n"
			    "garbage\n"
			    "\n"
			    "ffffffffc0200000 T only_two_fields\n";

static struct vt_kallsyms *load(const char *text, const char *const *wanted)
{
	/* fmemopen refuses an empty buffer */
	FILE *f = *text ? fmemopen((void *)text, strlen(text), "r") : fmemopen("\n", 1, "r");
	struct vt_kallsyms *ks;

	assert_non_null(f);
	assert_int_equal(vt_kallsyms_load(&ks, f, wanted), 0);
	fclose(f);
	return ks;
}

static void test_lookup(void **state)
{
	struct vt_kallsyms *ks = load(table, NULL);

	assert_int_equal(vt_kallsyms_count(ks), 7); /* "garbage" and the blank line skipped */
	assert_string_equal(vt_kallsyms_module(ks, "vfio_pci_bar_rw"), "vfio_pci_core");
	assert_string_equal(vt_kallsyms_module(ks, "unmap_mapping_range"), "");
	assert_null(vt_kallsyms_module(ks, "vfio_pci_mmap_huge_fault"));
	vt_kallsyms_free(ks);
}

/* `lockdep --lock SYMBOL`: a lock is data, found by name; a name two
 * modules use is refused, and so is an address kptr_restrict hid. */
static void test_address(void **state)
{
	struct vt_kallsyms *ks = load(table, NULL), *twice, *hidden;
	__u64 addr = 0;

	assert_int_equal(vt_kallsyms_address(ks, "some_data", &addr), 0);
	assert_int_equal(addr, 0xffffffff82000000ULL);
	assert_int_equal(vt_kallsyms_address(ks, "vfio_pci_bar_rw", &addr), 0);
	assert_int_equal(addr, 0xffffffffc0100200ULL);
	assert_int_equal(vt_kallsyms_address(ks, "no_such_lock", &addr), -ENOENT);
	twice = load("ffffffffc0000000 d the_lock\t[mod_a]\n"
		     "ffffffffc1000000 d the_lock\t[mod_b]\n",
		     NULL);
	assert_int_equal(vt_kallsyms_address(twice, "the_lock", &addr), -ENOTUNIQ);
	hidden = load("0000000000000000 d the_lock\t[mod_a]\n", NULL);
	assert_int_equal(vt_kallsyms_address(hidden, "the_lock", &addr), -EACCES);
	vt_kallsyms_free(twice);
	vt_kallsyms_free(hidden);
	vt_kallsyms_free(ks);
}

static void test_wanted_only(void **state)
{
	const char *const wanted[] = { "vfio_pci_bar_rw", "not_there", "_stext", NULL };
	struct vt_kallsyms *ks = load(table, wanted);

	assert_int_equal(vt_kallsyms_count(ks), 2);
	assert_string_equal(vt_kallsyms_module(ks, "vfio_pci_bar_rw"), "vfio_pci_core");
	assert_null(vt_kallsyms_module(ks, "unmap_mapping_range"));
	vt_kallsyms_free(ks);
}

static void test_symbolize(void **state)
{
	struct vt_kallsyms *ks = load(table, NULL);
	char buf[128];

	assert_int_equal(vt_kallsyms_symbolize(ks, 0xffffffff81100010ULL, buf, sizeof(buf)), 0x10);
	assert_string_equal(buf, "unmap_mapping_range+0x10");
	assert_int_equal(vt_kallsyms_symbolize(ks, 0xffffffffc0100208ULL, buf, sizeof(buf)), 8);
	assert_string_equal(buf, "vfio_pci_bar_rw+0x8 [vfio_pci_core]");
	/* Data symbols do not name code: the text symbol below it does. */
	assert_int_equal(vt_kallsyms_symbolize(ks, 0xffffffff82000004ULL, buf, sizeof(buf)),
			 0xeffc04);
	assert_int_equal(vt_kallsyms_symbolize(ks, 0x1000, buf, sizeof(buf)), -1);
	assert_string_equal(buf, "0x1000");
	vt_kallsyms_free(ks);
}

static void test_hidden_addresses(void **state)
{
	/* kptr_restrict: every address reads as zero; names still work. */
	struct vt_kallsyms *ks = load("0000000000000000 T unmap_mapping_range\n"
				      "0000000000000000 t vfio_pci_bar_rw\t[vfio_pci_core]\n",
				      NULL);
	char buf[64];

	assert_string_equal(vt_kallsyms_module(ks, "vfio_pci_bar_rw"), "vfio_pci_core");
	assert_int_equal(vt_kallsyms_symbolize(ks, 0xffffffff81100010ULL, buf, sizeof(buf)), -1);
	assert_string_equal(buf, "0xffffffff81100010");
	vt_kallsyms_free(ks);
}

static void test_far_address(void **state)
{
	/* An offset of 2^63 or more names nothing (the fuzzer's find: it came
	 * back as a negative offset). */
	struct vt_kallsyms *ks = load("0000000000001000 T low\n", NULL);
	char buf[64];

	assert_int_equal(vt_kallsyms_symbolize(ks, ~0ULL, buf, sizeof(buf)), -1);
	assert_string_equal(buf, "0xffffffffffffffff");
	vt_kallsyms_free(ks);
}

static void test_empty(void **state)
{
	const char *const none[] = { NULL };
	struct vt_kallsyms *ks = load("", none);
	char buf[32];

	assert_int_equal(vt_kallsyms_count(ks), 0);
	assert_null(vt_kallsyms_module(ks, "x"));
	assert_int_equal(vt_kallsyms_symbolize(ks, 0x10, buf, sizeof(buf)), -1);
	vt_kallsyms_free(ks);
}

int run_kallsyms_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_address),
		cmocka_unit_test(test_wanted_only),
		cmocka_unit_test(test_symbolize),
		cmocka_unit_test(test_hidden_addresses),
		cmocka_unit_test(test_far_address),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests_name("kallsyms", tests, NULL, NULL);
}
