// SPDX-License-Identifier: GPL-2.0
/* load_log.c: the refused program and the verifier's reason, from libbpf's
 * messages as the tracer's print callback hands them over (the messages are
 * libbpf 1.1's, the log is what the 5.15.215 kernel said). */
#include <stdio.h>
#include <string.h>
#include "tests.h"
#include "load_log.h"

static void feed_all(struct vt_load_log *log, const char *const *msgs)
{
	vt_load_log_reset(log);
	for (; *msgs; msgs++)
		vt_load_log_feed(log, *msgs);
}

static void test_verifier_refusal(void **state)
{
	static const char *const msgs[] = {
		"libbpf: map 'holds': created successfully, fd=4\n",
		"libbpf: prog 'bar_rw_entry': BPF program load failed: Permission denied\n",
		"libbpf: prog 'bar_rw_entry': -- BEGIN PROG LOAD LOG --\n"
		"R1 type=ctx expected=fp\n"
		"; int BPF_PROG(bar_rw_entry, vt_vdev_t *vdev, char *buf, size_t count, loff_t "
		"*ppos, bool iswrite)\n"
		"0: (79) r8 = *(u64 *)(r1 +32)\n"
		"1: (79) r7 = *(u64 *)(r1 +24)\n"
		"func 'vfio_pci_bar_rw' arg3 type INT is not a struct\n"
		"invalid bpf_context access off=24 size=8\n"
		"processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 "
		"peak_states 0 mark_read 0\n"
		"-- END PROG LOAD LOG --\n",
		"libbpf: prog 'bar_rw_entry': failed to load: -13\n",
		"libbpf: failed to load object 'vfio_trace_bpf'\n",
		NULL,
	};
	struct vt_load_log log;
	const char *prog, *reason;

	(void)state;
	feed_all(&log, msgs);
	assert_true(vt_load_log_refused(&log, &prog, &reason));
	assert_string_equal(prog, "bar_rw_entry");
	assert_string_equal(reason, "func 'vfio_pci_bar_rw' arg3 type INT is not a struct; "
				    "invalid bpf_context access off=24 size=8");
}

/* No verifier log (libbpf refused before the kernel saw it): the error line
 * about that program is the reason; one about another program is not. */
static void test_refusal_without_log(void **state)
{
	static const char *const msgs[] = {
		"libbpf: prog 'other': failed to find kernel BTF type ID of 'gone': -3\n",
		"libbpf: prog 'fault_entry': failed to find kernel BTF type ID of "
		"'vfio_pci_mmap_fault': -3\n",
		"libbpf: prog 'fault_entry': failed to load: -3\n",
		NULL,
	};
	static const char *const bare[] = {
		"libbpf: prog 'x': failed to load: -22\n",
		NULL,
	};
	struct vt_load_log log;
	const char *prog, *reason;

	(void)state;
	feed_all(&log, msgs);
	assert_true(vt_load_log_refused(&log, &prog, &reason));
	assert_string_equal(prog, "fault_entry");
	assert_string_equal(reason,
			    "failed to find kernel BTF type ID of 'vfio_pci_mmap_fault': -3");
	feed_all(&log, bare);
	assert_true(vt_load_log_refused(&log, &prog, &reason));
	assert_string_equal(prog, "x");
	assert_string_equal(reason, "failed to load: -22");
}

/* Failures that name no program (a map, the object) are not a refusal: the
 * tracer must not retry on them. Lines that only look alike are ignored. */
static void test_no_program(void **state)
{
	static const char *const msgs[] = {
		"libbpf: map 'events': failed to create: Operation not permitted(-1)\n",
		"libbpf: failed to load object 'vfio_trace_bpf'\n",
		"libbpf: prog '': failed to load: -13\n",
		"libbpf: prog 'unterminated failed to load: -13\n",
		"prog 'a\nb': failed to load: -13\n",
		NULL,
	};
	struct vt_load_log log;
	const char *prog, *reason;

	(void)state;
	feed_all(&log, msgs);
	assert_false(vt_load_log_refused(&log, &prog, &reason));
}

/* A log with nothing but noise leaves the libbpf line as the reason; odd
 * bytes in a log are shown as spaces, and a long line is cut to size. */
static void test_noise_and_size(void **state)
{
	char msg[600], want[400];
	const char *prog, *reason;
	struct vt_load_log log;

	(void)state;
	vt_load_log_reset(&log);
	vt_load_log_feed(&log, "libbpf: prog 'p': BPF program load failed: Invalid argument\n");
	vt_load_log_feed(&log, "libbpf: prog 'p': -- BEGIN PROG LOAD LOG --\n0: (b7) r0 = 0\n"
			       "processed 1 insns\n-- END PROG LOAD LOG --\n");
	vt_load_log_feed(&log, "libbpf: prog 'p': failed to load: -22\n");
	assert_true(vt_load_log_refused(&log, &prog, &reason));
	assert_string_equal(reason, "BPF program load failed: Invalid argument");

	vt_load_log_reset(&log);
	snprintf(msg, sizeof(msg), "prog 'q': -- BEGIN PROG LOAD LOG --\nbad\tbyte\x01%0300d\n", 7);
	vt_load_log_feed(&log, msg);
	vt_load_log_feed(&log, "prog 'q': failed to load: -13\n");
	assert_true(vt_load_log_refused(&log, &prog, &reason));
	snprintf(want, sizeof(want), "bad byte %0300d", 7);
	assert_int_equal(strlen(reason), VT_REFUSAL_REASON_MAX - 1);
	assert_memory_equal(reason, want, VT_REFUSAL_REASON_MAX - 1);
}

int run_load_log_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verifier_refusal),
		cmocka_unit_test(test_refusal_without_log),
		cmocka_unit_test(test_no_program),
		cmocka_unit_test(test_noise_and_size),
	};

	return cmocka_run_group_tests_name("load_log", tests, NULL, NULL);
}
