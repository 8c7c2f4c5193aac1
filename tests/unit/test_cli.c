// SPDX-License-Identifier: GPL-2.0
/* The command line: every accepted form, every rejected one with its message. */
#include <errno.h>
#include <stdlib.h>
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

static void test_top(void **state)
{
	struct vt_options o;
	char err[256];

	assert_int_equal(parse("vfio-trace top", &o, err, sizeof(err)), 0);
	assert_int_equal(o.command, VT_CMD_TOP);
	assert_int_equal(o.top_sort, VT_TOP_SORT_DEVICE);
	assert_true(o.interval_s == 1); /* the default, set by the parser */
	assert_int_equal(parse("vfio-trace top --sort wait 2 5 -d 01:00.0", &o, err, sizeof(err)),
			 0);
	assert_int_equal(o.top_sort, VT_TOP_SORT_WAIT);
	assert_true(o.interval_s == 2);
	assert_int_equal(o.count, 5);
	assert_int_equal(o.nbdfs, 1);
	/* A count alone: frames at the default interval. */
	assert_int_equal(parse("vfio-trace top --count 3", &o, err, sizeof(err)), 0);
	assert_int_equal(o.count, 3);
	assert_true(o.interval_s == 1);
	expect_error("vfio-trace top --sort fault", "invalid --sort 'fault'");
	expect_error("vfio-trace top -j", "top is for the terminal");
	expect_error("vfio-trace top -o out.txt", "--output only goes with");
	expect_error("vfio-trace top 1 2 3", "too many arguments");
	expect_error("vfio-trace --sort faults", "--sort only goes with top");
	expect_error("vfio-trace top events", "one subcommand at a time");
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
	assert_false(o.kprobe_multi);
	assert_int_equal(parse("vfio-trace probes --kprobe-multi", &o, err, sizeof(err)), 0);
	assert_true(o.kprobe_multi);
	assert_false(o.kprobes);
	assert_int_equal(parse("vfio-trace export --textfile-dir /tmp", &o, err, sizeof(err)), 0);
	assert_int_equal(o.command, VT_CMD_EXPORT);
	assert_string_equal(o.textfile_dir, "/tmp");
	assert_true(o.interval_s == 15); /* node_exporter's usual scrape interval */
	assert_int_equal(parse("vfio-trace export --textfile-dir /tmp --interval 2 --count 3", &o,
			       err, sizeof(err)),
			 0);
	assert_true(o.interval_s == 2);
	assert_int_equal(o.count, 3);
	assert_false(o.compact_series);
	assert_int_equal(
		parse("vfio-trace export --textfile-dir /t --series compact", &o, err, sizeof(err)),
		0);
	assert_true(o.compact_series);
	assert_int_equal(
		parse("vfio-trace export --textfile-dir /t --series full", &o, err, sizeof(err)),
		0);
	assert_false(o.compact_series);
	expect_error("vfio-trace export --textfile-dir /t --series host",
		     "invalid --series 'host' (full or compact)");
	expect_error("vfio-trace --series compact", "--series only goes with export");
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

static void test_lockdep_watch_kmsg(void **state)
{
	struct vt_options o;
	char err[256];

	assert_int_equal(parse("vfio-trace lockdep --watch-kmsg /tmp/dumps", &o, err, sizeof(err)),
			 0);
	assert_string_equal(o.watch_kmsg_dir, "/tmp/dumps");
	assert_true(o.keep_s == VT_DEFAULT_KEEP_SECONDS);
	assert_int_equal(
		parse("vfio-trace lockdep --keep 2.5 --watch-kmsg d -j", &o, err, sizeof(err)), 0);
	assert_true(o.keep_s == 2.5);
	assert_int_equal(
		parse("vfio-trace lockdep --watch-kmsg d --keep 3600", &o, err, sizeof(err)), 0);
	assert_true(o.keep_s == 3600);
	assert_int_equal(parse("vfio-trace lockdep", &o, err, sizeof(err)), 0);
	assert_null(o.watch_kmsg_dir);
	assert_true(o.keep_s == 0);

	expect_error("vfio-trace lockdep --watch-kmsg", "needs an argument");
	expect_error("vfio-trace lockdep --watch-kmsg=", "empty --watch-kmsg");
	expect_error("vfio-trace lockdep --watch-kmsg d --keep 0", "invalid --keep '0'");
	expect_error("vfio-trace lockdep --watch-kmsg d --keep 0.5", "invalid --keep");
	expect_error("vfio-trace lockdep --watch-kmsg d --keep 3601", "1 to 3600");
	expect_error("vfio-trace lockdep --watch-kmsg d --keep -3", "invalid --keep");
	expect_error("vfio-trace lockdep --watch-kmsg d --keep 5s", "invalid --keep");
	expect_error("vfio-trace lockdep --watch-kmsg d --keep", "needs an argument");
	expect_error("vfio-trace lockdep --keep 5", "--keep only goes with --watch-kmsg");
	expect_error("vfio-trace --watch-kmsg d", "--watch-kmsg only goes with lockdep");
	expect_error("vfio-trace events --watch-kmsg d", "--watch-kmsg only goes with lockdep");
	expect_error("vfio-trace export --textfile-dir t --watch-kmsg d", "only goes with lockdep");
}

static void test_rejections(void **state)
{
	expect_error("vfio-trace -d zz", "invalid PCI address");
	expect_error("vfio-trace -p 0", "invalid PID");
	expect_error("vfio-trace -p", "needs an argument");
	expect_error("vfio-trace 0", "invalid interval '0' for the summary");
	expect_error("vfio-trace top abc", "invalid interval 'abc' for top");
	expect_error("vfio-trace evnets", "unknown subcommand 'evnets'");
	expect_error("vfio-trace 1 0", "invalid count");
	expect_error("vfio-trace 1 2 3", "too many arguments");
	expect_error("vfio-trace --count 3", "a count needs an interval");
	expect_error("vfio-trace --bogus", "unknown option");
	expect_error("vfio-trace -Z", "unknown option");
	expect_error("vfio-trace export", "export needs --textfile-dir");
	expect_error("vfio-trace --textfile-dir /tmp", "only goes with export");
	expect_error("vfio-trace events --interval 1", "--interval only goes with");
	expect_error("vfio-trace events 1", "events takes no argument, not '1'");
	expect_error("vfio-trace probes lockdep",
		     "'lockdep' after probes: one subcommand at a time");
	expect_error("vfio-trace -j events probes", "'probes' after events");
	expect_error("vfio-trace 1 events", "'events' is a subcommand: it goes before INTERVAL");
	expect_error("vfio-trace export --textfile-dir /t 5", "export takes no argument, not '5'");
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
}

/* Parses "vfio-trace -d B1 ... -d Bn [EXTRA...]" with n distinct addresses. */
static int parse_many_devices(unsigned int n, const char *extra1, const char *extra2,
			      struct vt_options *o, char *err, size_t errlen)
{
	unsigned int argc = 0, i;
	char **argv = calloc(2 * n + 4, sizeof(*argv));
	char(*bdf)[16] = calloc(n, sizeof(*bdf));
	int ret;

	assert_non_null(argv);
	assert_non_null(bdf);
	argv[argc++] = "vfio-trace";
	for (i = 0; i < n; i++) {
		snprintf(bdf[i], sizeof(bdf[i]), "%02x:%02x.%u", (i >> 8) & 0xff, (i >> 3) & 0x1f,
			 i & 7);
		argv[argc++] = "-d";
		argv[argc++] = bdf[i];
	}
	if (extra1)
		argv[argc++] = (char *)extra1;
	if (extra2)
		argv[argc++] = (char *)extra2;
	ret = vt_cli_parse((int)argc, argv, o, err, errlen);
	free(bdf);
	free(argv);
	return ret;
}

/* -d takes as many devices as the device map has room for: more than 8
 * (the old rodata array), up to --max-devices, with a one-line reason past it. */
static void test_many_devices(void **state)
{
	struct vt_options o;
	char err[256] = "";

	(void)state;
	assert_int_equal(parse_many_devices(9, NULL, NULL, &o, err, sizeof(err)), 0);
	assert_int_equal(o.nbdfs, 9);
	assert_string_equal(o.bdfs[8], "0000:00:01.0");
	assert_int_equal(parse_many_devices(256, NULL, NULL, &o, err, sizeof(err)), 0);
	assert_int_equal(o.nbdfs, 256);
	assert_string_equal(o.bdfs[255], "0000:00:1f.7");

	assert_int_equal(parse_many_devices(257, NULL, NULL, &o, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "-d names 257 devices, more than --max-devices (256)"));
	assert_null(strchr(err, '\n'));
	assert_int_equal(parse_many_devices(257, "--max-devices", "300", &o, err, sizeof(err)), 0);
	assert_int_equal(o.nbdfs, 257);
	assert_string_equal(o.bdfs[256], "0000:01:00.0");
	assert_int_equal(parse_many_devices(20, "--max-devices", "19", &o, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "more than --max-devices (19)"));

	assert_int_equal(parse_many_devices(4096, "--max-devices", "4096", &o, err, sizeof(err)),
			 0);
	assert_int_equal(o.nbdfs, 4096);
	assert_int_equal(parse_many_devices(4097, "--max-devices", "4096", &o, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "too many -d devices (at most 4096"));
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

/* --stacks: a summary's or the event stream's; not for the others, whose
 * outputs have no place for stacks (Prometheus labels would be unbounded). */
static void test_stacks(void **state)
{
	struct vt_options o;
	char err[256];

	assert_int_equal(parse("vfio-trace", &o, err, sizeof(err)), 0);
	assert_false(o.stacks);
	assert_int_equal(parse("vfio-trace --stacks -j 1 3", &o, err, sizeof(err)), 0);
	assert_true(o.stacks);
	assert_true(o.json);
	assert_int_equal(o.count, 3);
	assert_int_equal(parse("vfio-trace events --stacks", &o, err, sizeof(err)), 0);
	assert_int_equal(o.command, VT_CMD_EVENTS);
	assert_true(o.stacks);
	expect_error("vfio-trace export --textfile-dir /t --stacks",
		     "--stacks only goes with a summary or events");
	expect_error("vfio-trace probes --stacks", "--stacks only goes with a summary or events");
	expect_error("vfio-trace lockdep --stacks", "--stacks only goes with a summary or events");
	expect_error("vfio-trace --stacks=5", "unknown option '--stacks=5'");
}

/* probes --lockdep: the report of what lockdep mode attaches; the mode
 * itself is a command, so the flag goes with probes only. */
static void test_probes_lockdep(void **state)
{
	struct vt_options o;
	char err[256];

	assert_int_equal(parse("vfio-trace probes", &o, err, sizeof(err)), 0);
	assert_false(o.lockdep);
	assert_int_equal(parse("vfio-trace probes --lockdep -j", &o, err, sizeof(err)), 0);
	assert_int_equal(o.command, VT_CMD_PROBES);
	assert_true(o.lockdep);
	assert_true(o.json);
	expect_error("vfio-trace --lockdep", "--lockdep only goes with probes");
	expect_error("vfio-trace lockdep --lockdep", "--lockdep only goes with probes");
	expect_error("vfio-trace events --lockdep", "--lockdep only goes with probes");
}

/* Options before the subcommand, as perf, bpftool and git take them: the
 * forms that once failed with "interval given twice" or "invalid interval
 * 'probes'" (issue 14), and an option's argument that is a command's name. */
static void test_options_before_subcommand(void **state)
{
	struct vt_options o;
	char err[256];

	assert_int_equal(
		parse("vfio-trace --kprobes export --textfile-dir /t", &o, err, sizeof(err)), 0);
	assert_int_equal(o.command, VT_CMD_EXPORT);
	assert_true(o.kprobes);
	assert_true(o.interval_s == 15);
	assert_int_equal(parse("vfio-trace -j probes", &o, err, sizeof(err)), 0);
	assert_int_equal(o.command, VT_CMD_PROBES);
	assert_true(o.json);
	assert_int_equal(parse("vfio-trace -T events", &o, err, sizeof(err)), 0);
	assert_int_equal(o.command, VT_CMD_EVENTS);
	assert_true(o.timestamp);
	assert_int_equal(
		parse("vfio-trace -d 01:00.0 lockdep --dot events -j", &o, err, sizeof(err)), 0);
	assert_int_equal(o.command, VT_CMD_LOCKDEP);
	assert_string_equal(o.dot_path, "events");
	assert_int_equal(o.nbdfs, 1);
	assert_true(o.json);
	assert_int_equal(parse("vfio-trace -m 2 5", &o, err, sizeof(err)), 0);
	assert_int_equal(o.command, VT_CMD_SUMMARY);
	assert_true(o.interval_s == 2);
	assert_int_equal(o.count, 5);
	assert_int_equal(parse("vfio-trace -o out.json -j lockdep", &o, err, sizeof(err)), 0);
	assert_string_equal(o.output_path, "out.json");
	expect_error("vfio-trace export --textfile-dir /t -o f",
		     "--output only goes with a summary, events, probes or lockdep");
	expect_error("vfio-trace -o dir/", "-o needs a file name");
	assert_int_equal(parse("vfio-trace -j -- probes", &o, err, sizeof(err)), 0);
	assert_int_equal(o.command, VT_CMD_PROBES);
}

/* The help: all of it without a subcommand, a subcommand's own after one. */
static char *help_of(enum vt_command cmd, bool subcommand)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	vt_cli_usage(f, cmd, subcommand);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_help(void **state)
{
	struct vt_options o;
	char err[256], *all, *events, *lockdep;

	assert_int_equal(parse("vfio-trace events --help", &o, err, sizeof(err)), 0);
	assert_true(o.help);
	assert_true(o.subcommand);
	assert_int_equal(o.command, VT_CMD_EVENTS);
	assert_int_equal(parse("vfio-trace --help", &o, err, sizeof(err)), 0);
	assert_false(o.subcommand);
	all = help_of(VT_CMD_SUMMARY, false);
	events = help_of(VT_CMD_EVENTS, true);
	lockdep = help_of(VT_CMD_LOCKDEP, true);
	for (const char *const *w =
		     (const char *const[]){ "vfio-trace events", "vfio-trace lockdep", "--dot FILE",
					    "--stacks", "--textfile-dir", "--lockdep", NULL };
	     *w; w++)
		assert_non_null(strstr(all, *w));
	assert_non_null(strstr(events, "Usage: vfio-trace events"));
	assert_non_null(strstr(events, "--stacks"));
	assert_null(strstr(events, "--dot"));
	assert_null(strstr(events, "--textfile-dir"));
	assert_null(strstr(events, "vfio-trace lockdep"));
	assert_non_null(strstr(lockdep, "--dot FILE"));
	assert_non_null(strstr(lockdep, "--lock SYMBOL"));
	assert_null(strstr(lockdep, "--stacks"));
	assert_null(strstr(lockdep, "-m, --milliseconds"));
	free(all);
	free(events);
	free(lockdep);
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
		cmocka_unit_test(test_top),
		cmocka_unit_test(test_bdf_forms),
		cmocka_unit_test(test_multiple_devices),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_lockdep_dot),
		cmocka_unit_test(test_lockdep_watch_kmsg),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_map_sizes),
		cmocka_unit_test(test_many_devices),
		cmocka_unit_test(test_stacks),
		cmocka_unit_test(test_probes_lockdep),
		cmocka_unit_test(test_options_before_subcommand),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_reentrant),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
