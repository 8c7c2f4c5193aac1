// SPDX-License-Identifier: GPL-2.0
/* The command line: every accepted form, every rejected one with its message. */
#include <errno.h>
#include <string.h>
#include "tests.h"
#include "cli.h"

#define MAX_ARGS 24

/* Parses a space-separated command line (argv[0] included). */
static int parse(const char *line, struct vt_options *o, char *err, size_t errlen)
{
	static char buf[512];
	char *argv[MAX_ARGS + 1];
	int argc = 0;
	char *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", line);
	for (tok = strtok_r(buf, " ", &save); tok && argc < MAX_ARGS;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return vt_cli_parse(argc, argv, o, err, errlen);
}

static void expect_error(const char *line, const char *message_part)
{
	struct vt_options o;
	char err[256];

	assert_int_equal(parse(line, &o, err, sizeof(err)), -EINVAL);
	if (!strstr(err, message_part))
		fail_msg("'%s': error '%s' lacks '%s'", line, err, message_part);
	assert_null(strchr(err, '\n'));
}

static void test_defaults(void **state)
{
	struct vt_options o;
	char err[256];

	assert_int_equal(parse("vfio-trace", &o, err, sizeof(err)), 0);
	assert_int_equal(o.command, VT_CMD_SUMMARY);
	assert_int_equal(o.unit, VT_UNIT_US);
	assert_true(o.interval_s == 0);
	assert_int_equal(o.count, 0);
	assert_int_equal(o.nbdfs, 0);
	assert_int_equal(o.pid, 0);
	assert_false(o.kprobes);
}

static void test_interval_count_and_flags(void **state)
{
	struct vt_options o;
	char err[256];

	assert_int_equal(parse("vfio-trace -T -m -k -p 42 0.5 10", &o, err, sizeof(err)), 0);
	assert_true(o.interval_s == 0.5);
	assert_int_equal(o.count, 10);
	assert_true(o.timestamp);
	assert_true(o.kprobes);
	assert_int_equal(o.unit, VT_UNIT_MS);
	assert_int_equal(o.pid, 42);
	/* Options may follow the positionals, as with getopt's permutation. */
	assert_int_equal(parse("vfio-trace 2 -n", &o, err, sizeof(err)), 0);
	assert_true(o.interval_s == 2);
	assert_int_equal(o.unit, VT_UNIT_NS);
}

static void test_commands(void **state)
{
	struct vt_options o;
	char err[256];

	assert_int_equal(parse("vfio-trace events -j", &o, err, sizeof(err)), 0);
	assert_int_equal(o.command, VT_CMD_EVENTS);
	assert_true(o.json);
	assert_int_equal(parse("vfio-trace probes --kprobes", &o, err, sizeof(err)), 0);
	assert_int_equal(o.command, VT_CMD_PROBES);
	assert_int_equal(parse("vfio-trace export --textfile-dir /tmp", &o, err, sizeof(err)), 0);
	assert_int_equal(o.command, VT_CMD_EXPORT);
	assert_string_equal(o.textfile_dir, "/tmp");
	assert_true(o.interval_s == 15); /* node_exporter's usual scrape interval */
	assert_int_equal(parse("vfio-trace export --textfile-dir /tmp --interval 2 --count 3", &o,
			       err, sizeof(err)),
			 0);
	assert_true(o.interval_s == 2);
	assert_int_equal(o.count, 3);
}

static void test_bdf_forms(void **state)
{
	char out[VT_BDF_LEN];

	assert_int_equal(vt_parse_bdf("0000:01:00.0", out), 0);
	assert_string_equal(out, "0000:01:00.0");
	assert_int_equal(vt_parse_bdf("01:00.0", out), 0);
	assert_string_equal(out, "0000:01:00.0");
	assert_int_equal(vt_parse_bdf("0000:3B:1f.7", out), 0);
	assert_string_equal(out, "0000:3b:1f.7");
	assert_int_equal(vt_parse_bdf("1:2.3", out), 0);
	assert_string_equal(out, "0000:01:02.3");

	assert_int_equal(vt_parse_bdf("", out), -EINVAL);
	assert_int_equal(vt_parse_bdf("0000:01:00", out), -EINVAL);
	assert_int_equal(vt_parse_bdf("0000:01:20.0", out), -EINVAL);  /* device > 0x1f */
	assert_int_equal(vt_parse_bdf("0000:01:00.8", out), -EINVAL);  /* function > 7 */
	assert_int_equal(vt_parse_bdf("00000:01:00.0", out), -EINVAL); /* domain > 4 digits */
	assert_int_equal(vt_parse_bdf("0000:001:00.0", out), -EINVAL);
	assert_int_equal(vt_parse_bdf("0000:01:00.0x", out), -EINVAL);
	assert_int_equal(vt_parse_bdf("0000:01:00.", out), -EINVAL);
	assert_int_equal(vt_parse_bdf("a:b:c:d.0", out), -EINVAL);
	assert_int_equal(vt_parse_bdf(NULL, out), -EINVAL);
}

static void test_multiple_devices(void **state)
{
	struct vt_options o;
	char err[256];

	assert_int_equal(parse("vfio-trace -d 01:00.0 --device 0000:02:00.1", &o, err, sizeof(err)),
			 0);
	assert_int_equal(o.nbdfs, 2);
	assert_string_equal(o.bdfs[0], "0000:01:00.0");
	assert_string_equal(o.bdfs[1], "0000:02:00.1");
}

static void test_numbers(void **state)
{
	unsigned long v;
	double s;

	assert_int_equal(vt_parse_seconds("1", &s), 0);
	assert_int_equal(vt_parse_seconds(".25", &s), 0);
	assert_true(s == 0.25);
	assert_int_equal(vt_parse_seconds("86400", &s), 0);
	assert_int_equal(vt_parse_seconds("86401", &s), -EINVAL);
	assert_int_equal(vt_parse_seconds("0", &s), -EINVAL);
	assert_int_equal(vt_parse_seconds("-1", &s), -EINVAL);
	assert_int_equal(vt_parse_seconds("nan", &s), -EINVAL);
	assert_int_equal(vt_parse_seconds("inf", &s), -EINVAL);
	assert_int_equal(vt_parse_seconds("1e3x", &s), -EINVAL);
	assert_int_equal(vt_parse_seconds(" 1", &s), -EINVAL);
	assert_int_equal(vt_parse_seconds("1e-300", &s), -EINVAL); /* a busy loop */
	assert_int_equal(vt_parse_seconds("0x1p3", &s), -EINVAL);
	assert_int_equal(vt_parse_seconds("0.0001", &s), -EINVAL);
	assert_int_equal(vt_parse_seconds("1.2.3", &s), -EINVAL);
	assert_int_equal(vt_parse_seconds(".", &s), -EINVAL);
	assert_int_equal(vt_parse_seconds("0.001", &s), 0);
	assert_int_equal(vt_parse_ulong("18446744073709551616", 0, ~0UL, &v), -EINVAL);
	assert_int_equal(vt_parse_ulong("+5", 0, 10, &v), -EINVAL);
	assert_int_equal(vt_parse_ulong("5", 0, 10, &v), 0);
	assert_int_equal(v, 5);
}

static void test_lockdep_dot(void **state)
{
	struct vt_options o;
	char err[256];

	assert_int_equal(
		parse("vfio-trace lockdep -j --dot out/g.dot --duration 2", &o, err, sizeof(err)),
		0);
	assert_int_equal(o.command, VT_CMD_LOCKDEP);
	assert_string_equal(o.dot_path, "out/g.dot");
	assert_true(o.json);
	assert_int_equal(parse("vfio-trace lockdep --lock vt_lockseed_lock --lock kvm_lock", &o,
			       err, sizeof(err)),
			 0);
	assert_int_equal(o.nlocks, 2);
	assert_string_equal(o.locks[0], "vt_lockseed_lock");
	assert_string_equal(o.locks[1], "kvm_lock");
}

static void test_rejections(void **state)
{
	expect_error("vfio-trace -d zz", "invalid PCI address");
	expect_error("vfio-trace -p 0", "invalid PID");
	expect_error("vfio-trace -p", "needs an argument");
	expect_error("vfio-trace 0", "invalid interval");
	expect_error("vfio-trace 1 0", "invalid count");
	expect_error("vfio-trace 1 2 3", "too many arguments");
	expect_error("vfio-trace --count 3", "a count needs an interval");
	expect_error("vfio-trace --bogus", "unknown option");
	expect_error("vfio-trace -Z", "unknown option");
	expect_error("vfio-trace export", "export needs --textfile-dir");
	expect_error("vfio-trace --textfile-dir /tmp", "only goes with export");
	expect_error("vfio-trace events --interval 1", "--interval only goes with");
	expect_error("vfio-trace events 1", "unexpected argument");
	expect_error("vfio-trace --interval 1 2", "interval given twice");
	expect_error("vfio-trace --duration 0", "invalid duration");
	expect_error("vfio-trace probes --dot g.dot", "--dot only goes with lockdep");
	expect_error("vfio-trace lockdep --dot /tmp/", "--dot needs a file name");
	expect_error("vfio-trace lockdep --dot", "needs an argument");
	expect_error("vfio-trace --lock kvm_lock", "--lock only goes with lockdep");
	expect_error("vfio-trace lockdep --lock 'a b'", "invalid --lock symbol");
	expect_error("vfio-trace lockdep --lock a --lock b --lock c --lock d --lock e --lock f "
		     "--lock g --lock h --lock i",
		     "too many --lock");
	expect_error("vfio-trace --max-devices 0", "invalid --max-devices");
	expect_error("vfio-trace --max-devices 4097", "(1 to 4096)");
	expect_error("vfio-trace --max-threads 1x", "invalid --max-threads");
	expect_error("vfio-trace --max-threads 1048577", "(1 to 1048576)");
	expect_error("vfio-trace -d 1:0.0 -d 2:0.0 -d 3:0.0 -d 4:0.0 -d 5:0.0 -d 6:0.0 -d 7:0.0 "
		     "-d 8:0.0 -d 9:0.0",
		     "too many -d");
}

static void test_map_sizes(void **state)
{
	struct vt_options o;
	char err[256];

	assert_int_equal(parse("vfio-trace", &o, err, sizeof(err)), 0);
	assert_int_equal(o.max_devices, 0); /* 0: the BPF object's sizes */
	assert_int_equal(o.max_threads, 0);
	assert_int_equal(parse("vfio-trace export --textfile-dir /t --max-devices 1 "
			       "--max-threads 1048576",
			       &o, err, sizeof(err)),
			 0);
	assert_int_equal(o.max_devices, 1);
	assert_int_equal(o.max_threads, 1048576);
}

static void test_reentrant(void **state)
{
	struct vt_options o;
	char err[256];

	/* getopt keeps global state: a second parse must start afresh. */
	assert_int_equal(parse("vfio-trace -m 3", &o, err, sizeof(err)), 0);
	assert_int_equal(parse("vfio-trace -u 4", &o, err, sizeof(err)), 0);
	assert_true(o.interval_s == 4);
	assert_int_equal(o.unit, VT_UNIT_US);
}

int run_cli_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_interval_count_and_flags),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_bdf_forms),
		cmocka_unit_test(test_multiple_devices),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_lockdep_dot),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_map_sizes),
		cmocka_unit_test(test_reentrant),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
