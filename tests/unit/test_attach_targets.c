// SPDX-License-Identifier: GPL-2.0
/* The table of fentry/fexit targets by program: set, set again, the kernel
 * BTF object's fd held as a duplicate of its own until cleared, a full
 * table, and libbpf taking the section handlers once. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "tests.h"
#include "attach_targets.h"

/* The table compares program pointers and never follows them. */
static char fake_progs[200];
#define PROG(i) ((const struct bpf_program *)&fake_progs[i])

static void test_set_get_clear(void **state)
{
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC), fd, id, held;

	assert_true(devnull >= 0);
	assert_int_equal(vt_attach_target_get(PROG(0), &fd, &id), -ENOENT);
	assert_int_equal(vt_attach_target_set(PROG(0), 0, 42), 0);
	assert_int_equal(vt_attach_target_get(PROG(0), &fd, &id), 0);
	assert_int_equal(fd, 0); /* vmlinux */
	assert_int_equal(id, 42);
	/* set again: the last target wins, the module's fd is a duplicate */
	assert_int_equal(vt_attach_target_set(PROG(0), devnull, 7), 0);
	assert_int_equal(vt_attach_target_get(PROG(0), &held, &id), 0);
	assert_int_equal(id, 7);
	assert_true(held > 2 && held != devnull);
	close(devnull);
	assert_true(fcntl(held, F_GETFD) >= 0);
	assert_int_equal(vt_attach_target_set(PROG(1), 0, 9), 0);
	assert_int_equal(vt_attach_target_get(PROG(1), &fd, &id), 0);
	assert_int_equal(id, 9);
	vt_attach_targets_clear();
	assert_int_equal(vt_attach_target_get(PROG(0), &fd, &id), -ENOENT);
	assert_int_equal(vt_attach_target_get(PROG(1), &fd, &id), -ENOENT);
	assert_int_equal(fcntl(held, F_GETFD), -1); /* closed with the table */
}

static void test_full(void **state)
{
	int fd, id, i, err = 0;

	for (i = 0; i < 200 && !err; i++)
		err = vt_attach_target_set(PROG(i), 0, i + 1);
	assert_int_equal(err, -E2BIG);
	assert_true(i > 64); /* room for every fentry and fexit program */
	/* a program already there can still change target */
	assert_int_equal(vt_attach_target_set(PROG(0), 0, 500), 0);
	assert_int_equal(vt_attach_target_get(PROG(0), &fd, &id), 0);
	assert_int_equal(id, 500);
	vt_attach_targets_clear();
}

static void test_register_once(void **state)
{
	assert_int_equal(vt_attach_targets_register(), 0);
	/* the tracer registers on every open of the object */
	assert_int_equal(vt_attach_targets_register(), 0);
}

int run_attach_targets_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_get_clear),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_register_once),
	};

	return cmocka_run_group_tests_name("attach_targets", tests, NULL, NULL);
}
