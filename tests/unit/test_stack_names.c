// SPDX-License-Identifier: GPL-2.0
/* Naming a kernel stack a BPF program took: vfio-trace's own frames (the
 * program, its trampoline, a tracepoint's runner) are left out, so the stack
 * starts in the kernel code that did the work. The frames below are the
 * shapes real kernels gave; the symbolizer is a table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests.h"
#include "stack_names.h"

/* A frame as kallsyms would name it; off -1 is a bare address. */
struct frame {
	const char *sym;
	long long off;
};

static long long table_symbolize(void *arg, __u64 addr, char *buf, size_t len)
{
	const struct frame *f = (const struct frame *)arg + addr;

	snprintf(buf, len, "%s", f->sym);
	return f->off;
}

/* Names @n frames of @table (the ips are the indices) and compares them with
 * @want, NULL-terminated. */
static void check(const struct frame *table, int n, const char *const *want)
{
	struct vt_frames f = {};
	__u64 ips[VT_STACK_NAMES_MAX];
	const char *name;
	unsigned int i;

	for (i = 0; i < (unsigned int)n; i++)
		ips[i] = i;
	assert_int_equal(vt_name_stack(table_symbolize, (void *)table, ips, n, &f), 0);
	for (i = 0, name = f.names; want[i]; i++, name += strlen(name) + 1) {
		assert_true(i < f.n);
		assert_string_equal(name, want[i]);
	}
	assert_int_equal(f.n, i);
	free(f.names);
}

#define CHECK(table, ...)                                                     \
	do {                                                                  \
		const char *const want_[] = { __VA_ARGS__, NULL };            \
		check(table, (int)(sizeof(table) / sizeof(table[0])), want_); \
	} while (0)

/* An fexit program on a lock function, with bpf_jit_kallsyms: the program and
 * the trampoline are named [bpf]; the stack starts at the lock function. */
static void test_fexit_named(void **state)
{
	static const struct frame t[] = {
		{ "bpf_prog_6deef7357e7b4530_lo_mutex_lock+0x3c [bpf]", 0x3c },
		{ "bpf_trampoline_6442510000+0x63 [bpf]", 0x63 },
		{ "mutex_lock+0x5", 0x5 },
		{ "vfio_pci_mmap_fault+0x2d [vfio_pci_core]", 0x2d },
		{ "__do_fault+0x34", 0x34 },
	};

	CHECK(t, "mutex_lock+0x5", "vfio_pci_mmap_fault+0x2d [vfio_pci_core]", "__do_fault+0x34");
}

/* Without bpf_jit_kallsyms: the program is a bare address, and the
 * trampoline seems to be in the module below it (6.1). */
static void test_fexit_hidden(void **state)
{
	static const struct frame t[] = {
		{ "0xffffffffc0351234", -1 }, { "vfio_virqfd_exit+0x4cf0 [vfio_virqfd]", 0x4cf0 },
		{ "down_read+0x5", 0x5 },     { "vfio_pci_mmap_fault+0x35 [vfio_pci_core]", 0x35 },
		{ "__do_fault+0x34", 0x34 },
	};

	CHECK(t, "down_read+0x5", "vfio_pci_mmap_fault+0x35 [vfio_pci_core]", "__do_fault+0x34");
}

/* The lock function's caller calls it first thing (a function without an
 * fentry call): both are real frames, and the stack still starts at the lock
 * function. */
static void test_caller_at_entry_site(void **state)
{
	static const struct frame t[] = {
		{ "0xffffffffc0351234", -1 },	  { "0xffffffffc0352000", -1 },
		{ "down_write+0x5", 0x5 },	  { "notrace_wrapper+0x9", 0x9 },
		{ "unlink_file_vma+0x2b", 0x2b },
	};

	CHECK(t, "down_write+0x5", "notrace_wrapper+0x9", "unlink_file_vma+0x2b");
}

/* A tp_btf program: the runner and the tracepoint's iterator are left out;
 * a kernel function (not a module's) whose caller's return address is at an
 * entry site is no trampoline. */
static void test_tracepoint(void **state)
{
	static const struct frame t[] = {
		{ "0xffffffffc0351234", -1 },	      { "bpf_trace_run5+0x52", 0x52 },
		{ "__traceiter_kmalloc+0x2e", 0x2e }, { "kmem_cache_alloc_trace+0x109", 0x109 },
		{ "notrace_caller+0x5", 0x5 },	      { "memtype_reserve+0xf2", 0xf2 },
	};

	CHECK(t, "kmem_cache_alloc_trace+0x109", "notrace_caller+0x5", "memtype_reserve+0xf2");
}

/* Another traced function further down: its trampoline and the entry it
 * repeats are left out, the function's own frame kept. */
static void test_traced_further_down(void **state)
{
	static const struct frame t[] = {
		{ "0xffffffffc0351234", -1 },
		{ "vfio_virqfd_exit+0x4cf0 [vfio_virqfd]", 0x4cf0 },
		{ "down_read+0x5", 0x5 },
		{ "vfio_pci_mmap_fault+0x38 [vfio_pci_core]", 0x38 },
		{ "vfio_virqfd_exit+0x5100 [vfio_virqfd]", 0x5100 },
		{ "vfio_pci_mmap_fault+0x5 [vfio_pci_core]", 0x5 },
		{ "__do_fault+0x34", 0x34 },
	};

	CHECK(t, "down_read+0x5", "vfio_pci_mmap_fault+0x38 [vfio_pci_core]", "__do_fault+0x34");
}

/* 6.18: a traced function tail-called another traced one, so the first's
 * entry follows the second's trampoline without the first's body. */
static void test_tail_call(void **state)
{
	static const struct frame t[] = {
		{ "bpf_prog_1_huge_fault_entry+0x20 [bpf]", 0x20 },
		{ "bpf_trampoline_2+0x40 [bpf]", 0x40 },
		{ "vfio_pci_mmap_huge_fault+0x5 [vfio_pci_core]", 0x5 },
		{ "bpf_trampoline_3+0x40 [bpf]", 0x40 },
		{ "vfio_pci_mmap_page_fault+0x5 [vfio_pci_core]", 0x5 },
		{ "__do_fault+0x34", 0x34 },
	};

	CHECK(t, "vfio_pci_mmap_huge_fault+0x5 [vfio_pci_core]", "__do_fault+0x34");
}

/* kptr_restrict hides every address: the bare addresses are all there is
 * (here the table's indices, which stand for them). */
static void test_all_hidden(void **state)
{
	static const struct frame t[] = {
		{ "0xffffffffc0351234", -1 },
		{ "0xffffffff81234567", -1 },
	};

	CHECK(t, "0x0", "0x1");
}

int run_stack_names_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fexit_named),	     cmocka_unit_test(test_fexit_hidden),
		cmocka_unit_test(test_caller_at_entry_site), cmocka_unit_test(test_tracepoint),
		cmocka_unit_test(test_traced_further_down),  cmocka_unit_test(test_tail_call),
		cmocka_unit_test(test_all_hidden),
	};

	return cmocka_run_group_tests_name("stack_names", tests, NULL, NULL);
}
