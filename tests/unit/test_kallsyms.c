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

/* Modules after vmlinux, one loaded below another (the file is not sorted by
 * address as a whole), data among the text, and an address below them all. */
static const char unsorted[] = "ffffffff81000000 T _stext\n"
			       "ffffffff81100000 T unmap_mapping_range\n"
			       "ffffffff81100400 t helper_after\n"
			       "ffffffff81100400 t helper_alias\n"
			       "ffffffff82000000 D some_data\n"
			       "ffffffffc0300000 t late_mod_fn\t[mod_late]\n"
			       "ffffffffc0300800 t late_mod_last\t[mod_late]\n"
			       "ffffffffc0100000 t vfio_pci_mmap_fault\t[vfio_pci_core]\n"
			       "ffffffffc0100200 T vfio_pci_bar_rw\t[vfio_pci_core]\n"
			       "ffffffffc0100300 d vfio_data\t[vfio_pci_core]\n";

/* Loaded for a set of addresses only, it names each of them as the whole
 * table does, in no more entries than there are addresses. */
static void test_load_addrs(void **state)
{
	static const __u64 addrs[] = {
		0xffffffffc0304cf0ULL, /* far past a module's last function */
		0xffffffff81100010ULL, 0xffffffffc0100208ULL, 0xffffffffc0100208ULL,
		0xffffffffc0100005ULL, 0xffffffff82000004ULL,	      /* data: the function below */
		0xffffffff81100400ULL,				      /* two names at one address */
		0xffffffffc0100310ULL, 0xffffffffc0300000ULL, 0x1000, /* below every symbol */
		0xffffffff81100020ULL, /* the same function as another address */
	};
	size_t n = sizeof(addrs) / sizeof(addrs[0]);
	struct vt_kallsyms *all = load(unsorted, NULL), *some;
	char want[128], got[128];
	FILE *f = fmemopen((void *)unsorted, strlen(unsorted), "r");

	assert_non_null(f);
	assert_int_equal(vt_kallsyms_load_addrs(&some, f, addrs, n), 0);
	fclose(f);
	assert_true(vt_kallsyms_count(some) <= n);
	for (size_t i = 0; i < n; i++) {
		long long w = vt_kallsyms_symbolize(all, addrs[i], want, sizeof(want));

		assert_int_equal(vt_kallsyms_symbolize(some, addrs[i], got, sizeof(got)), w);
		assert_string_equal(got, want);
	}
	vt_kallsyms_symbolize(some, 0xffffffffc0304cf0ULL, got, sizeof(got));
	assert_string_equal(got, "late_mod_last+0x44f0 [mod_late]");
	vt_kallsyms_symbolize(some, 0xffffffffc0100310ULL, got, sizeof(got));
	assert_string_equal(got, "vfio_pci_bar_rw+0x110 [vfio_pci_core]");
	vt_kallsyms_free(some);
	vt_kallsyms_free(all);

	/* No addresses: an empty table; hidden addresses: bare ones. */
	f = fmemopen((void *)unsorted, strlen(unsorted), "r");
	assert_int_equal(vt_kallsyms_load_addrs(&some, f, NULL, 0), 0);
	fclose(f);
	assert_int_equal(vt_kallsyms_count(some), 0);
	vt_kallsyms_free(some);
	f = fmemopen("0000000000000000 T unmap_mapping_range\n", 39, "r");
	assert_int_equal(vt_kallsyms_load_addrs(&some, f, addrs, n), 0);
	fclose(f);
	assert_int_equal(vt_kallsyms_symbolize(some, addrs[1], got, sizeof(got)), -1);
	assert_string_equal(got, "0xffffffff81100010");
	vt_kallsyms_free(some);
}

/* Where a function ends: the next symbol above it, whatever its type and
 * wherever it is in the file (modules follow vmlinux, unsorted). */
static __u64 next_after(const char *text, __u64 addr, int *err)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	__u64 next = 1;

	assert_non_null(f);
	*err = vt_kallsyms_next_address(f, addr, &next);
	fclose(f);
	return next;
}

static void test_next_address(void **state)
{
	static const char text[] =
		"ffffffffc0a01040 t vfio_pci_mmap_huge_fault\t[vfio_pci_core]\n"
		"ffffffffc0a01000 t __pfx_vfio_pci_mmap_page_fault\t[vfio_pci_core]\n"
		"ffffffffc0a01010 t vfio_pci_mmap_page_fault\t[vfio_pci_core]\n"
		"not a line\n"
		"ffffffffc0a01030 t __pfx_vfio_pci_mmap_huge_fault\t[vfio_pci_core]\n"
		"ffffffff81000000 T _stext\n"
		"ffffffffc0a02000 d vfio_pci_mmap_ops\t[vfio_pci_core]\n";
	static const char hidden[] = "0000000000000000 t vfio_pci_mmap_page_fault\n"
				     "0000000000000000 t vfio_pci_mmap_huge_fault\n";
	int err;

	/* 0x20 bytes: up to the next function's padding */
	assert_int_equal(next_after(text, 0xffffffffc0a01010ULL, &err), 0xffffffffc0a01030ULL);
	assert_int_equal(err, 0);
	assert_int_equal(next_after(text, 0xffffffffc0a01040ULL, &err), 0xffffffffc0a02000ULL);
	assert_int_equal(err, 0);
	next_after(text, 0xffffffffc0a02000ULL, &err);
	assert_int_equal(err, -ENOENT);
	next_after(hidden, 0, &err);
	assert_int_equal(err, -EACCES);
}

/* A wanted function's size from the one pass that finds it, the same as
 * reading the stream again for the next address would give: vmlinux's lines
 * are sorted, a module's are not (the next address may come before it). */
static void test_size(void **state)
{
	static const char text[] =
		"ffffffff81000000 T _stext\n"
		"ffffffff81000100 T unmap_mapping_range\n"
		"ffffffff81000180 t helper\n"
		"ffffffff81000200 D some_data\n"
		"ffffffffc0a01040 t vfio_pci_mmap_huge_fault\t[vfio_pci_core]\n"
		"ffffffffc0a01030 t __pfx_vfio_pci_mmap_huge_fault\t[vfio_pci_core]\n"
		"ffffffffc0a01000 t __pfx_vfio_pci_mmap_page_fault\t[vfio_pci_core]\n"
		"ffffffffc0a01010 t vfio_pci_mmap_page_fault\t[vfio_pci_core]\n"
		"ffffffffc0a02000 d vfio_pci_mmap_ops\t[vfio_pci_core]\n"
		"ffffffffc0b00000 t alone\t[other]\n";
	const char *const wanted[] = {
		"unmap_mapping_range",	    "some_data", "vfio_pci_mmap_page_fault",
		"vfio_pci_mmap_huge_fault", "alone",	 NULL
	};
	struct vt_kallsyms *ks = load(text, wanted), *all = load(text, NULL);
	__u64 size = 1;
	int err;

	assert_int_equal(vt_kallsyms_size(ks, "unmap_mapping_range", &size), 0);
	assert_int_equal(size, 0x80);
	assert_int_equal(vt_kallsyms_size(ks, "vfio_pci_mmap_page_fault", &size), 0);
	assert_int_equal(size, 0x20);
	assert_int_equal(size,
			 next_after(text, 0xffffffffc0a01010ULL, &err) - 0xffffffffc0a01010ULL);
	assert_int_equal(vt_kallsyms_size(ks, "vfio_pci_mmap_huge_fault", &size), 0);
	assert_int_equal(size, 0xfc0);
	/* Last in its block: the next address is in another block. */
	assert_int_equal(vt_kallsyms_size(ks, "some_data", &size), -ENODATA);
	assert_int_equal(vt_kallsyms_size(ks, "alone", &size), -ENODATA);
	assert_int_equal(size, 0);
	assert_int_equal(vt_kallsyms_size(ks, "helper", &size), -ENOENT);
	/* Not a wanted load: no sizes. */
	assert_int_equal(vt_kallsyms_size(all, "unmap_mapping_range", &size), -ENODATA);
	vt_kallsyms_free(all);
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

/* The running kernel's table through the large read buffer, to its end: the
 * first and the last symbol a plain read gives are both found. */
static void test_proc(void **state)
{
	char line[512], first[128] = "", last[128] = "", name[128];
	const char *const wanted[3] = { first, last, NULL };
	struct vt_kallsyms *ks;
	FILE *f = fopen("/proc/kallsyms", "re");
	int lines = 0;

	if (!f)
		skip();
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %127s", name) == 1) {
			snprintf(last, sizeof(last), "%s", name);
			if (!lines++)
				snprintf(first, sizeof(first), "%s", name);
		}
	fclose(f);
	assert_true(lines > 1000);
	assert_int_equal(vt_kallsyms_load_proc(&ks, wanted), 0);
	assert_non_null(vt_kallsyms_module(ks, first));
	assert_non_null(vt_kallsyms_module(ks, last));
	vt_kallsyms_free(ks);
}

/* On the running kernel, a function's size from the one pass is what reading
 * the table again for the next address gives. */
static void test_proc_size(void **state)
{
	const char *const wanted[] = { "vfs_read", NULL };
	struct vt_kallsyms *ks;
	__u64 addr, next, size;

	if (vt_kallsyms_load_proc(&ks, wanted))
		skip();
	if (vt_kallsyms_address(ks, "vfs_read", &addr)) { /* hidden, or not unique */
		vt_kallsyms_free(ks);
		skip();
	}
	assert_int_equal(vt_kallsyms_size(ks, "vfs_read", &size), 0);
	assert_int_equal(vt_kallsyms_next_address_proc(addr, &next), 0);
	assert_int_equal(size, next - addr);
	assert_true(size > 0);
	vt_kallsyms_free(ks);
}

int run_kallsyms_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),	    cmocka_unit_test(test_address),
		cmocka_unit_test(test_load_addrs),  cmocka_unit_test(test_wanted_only),
		cmocka_unit_test(test_symbolize),   cmocka_unit_test(test_hidden_addresses),
		cmocka_unit_test(test_far_address), cmocka_unit_test(test_empty),
		cmocka_unit_test(test_proc),	    cmocka_unit_test(test_next_address),
		cmocka_unit_test(test_size),	    cmocka_unit_test(test_proc_size),
	};

	return cmocka_run_group_tests_name("kallsyms", tests, NULL, NULL);
}
