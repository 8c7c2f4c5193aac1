// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

#define VT_MAX_SECONDS 86400.0
#define VT_MIN_SECONDS 0.001
#define VT_EXPORT_DEFAULT_INTERVAL 15.0

static const char usage_text[] =
	"Usage: vfio-trace [OPTIONS] [INTERVAL [COUNT]]   summary of vfio-pci memory_lock,\n"
	"                                                 faults, zaps and pins per device\n"
	"       vfio-trace events [OPTIONS]               stream of disabled-memory accesses\n"
	"       vfio-trace export --textfile-dir DIR [--interval S] [OPTIONS]\n"
	"                                                 Prometheus textfile for node_exporter\n"
	"       vfio-trace probes [OPTIONS]               which kernel functions are traced, how\n"
	"       vfio-trace lockdep [--duration S] [-j] [--dot FILE] [--lock SYMBOL]\n"
	"                                                 the order mmap_lock, vma_lock, memory_lock,\n"
	"                                                 i_mmap_rwsem and igate are really taken in\n"
	"\n"
	"  -d, --device BDF       only this device (repeatable, up to 8), e.g. 0000:01:00.0\n"
	"  -p, --pid PID          only this process\n"
	"  -k, --kprobes          use kprobes even where fentry works\n"
	"  -T, --timestamp        print a timestamp before each summary\n"
	"  -m, --milliseconds     histograms in milliseconds\n"
	"  -u, --microseconds     histograms in microseconds (default)\n"
	"  -n, --nanoseconds      histograms in nanoseconds\n"
	"  -j, --json             JSON: one document per summary, one line per event\n"
	"      --duration S       stop after S seconds (final summary, exit 0)\n"
	"      --textfile-dir DIR export: directory of node_exporter's textfile collector\n"
	"      --interval S       export: seconds between writes (default 15)\n"
	"      --count N          export: stop after N writes\n"
	"      --dot FILE         lockdep: also write the graph as Graphviz DOT to FILE\n"
	"      --lock SYMBOL      lockdep: also track this global lock, a mutex or rwsem by\n"
	"                         its name in /proc/kallsyms (repeatable, up to 8)\n"
	"      --wait             if vfio-pci is not loaded yet, wait for it, then attach\n"
	"      --max-devices N    room for N devices (default 256); more are counted lost\n"
	"      --max-threads N    room for N threads inside traced calls at once (default\n"
	"                         16384); more are counted lost\n"
	"  -v, --verbose          print libbpf's log\n"
	"  -V, --version          print the version\n"
	"  -h, --help             this help\n"
	"\n"
	"INTERVAL is in seconds; COUNT summaries are printed, then vfio-trace exits.\n"
	"Without INTERVAL it traces until Ctrl-C and prints one summary.\n"
	"\n"
	"Examples:\n"
	"  vfio-trace 1 10            ten one-second summaries\n"
	"  vfio-trace -d 0000:3b:00.0 -m\n"
	"  vfio-trace events -j       NDJSON of SIGBUS/EIO/ioeventfd drops\n"
	"  vfio-trace export --textfile-dir /var/lib/prometheus/node-exporter\n";

void vt_cli_usage(FILE *f)
{
	fputs(usage_text, f);
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	/* The message quotes argv: a newline or a terminal escape in it must
	 * not break the one-line message or reach the terminal. */
	for (char *c = err; errlen && *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return -EINVAL;
}

static int parse_hex_field(const char **p, char sep, unsigned int min_digits,
			   unsigned int max_digits, unsigned long *out)
{
	const char *s = *p;
	unsigned int n = 0;

	*out = 0;
	while (isxdigit((unsigned char)*s)) {
		if (++n > max_digits)
			return -EINVAL;
		*out = *out * 16 + (isdigit((unsigned char)*s)
					    ? *s - '0'
					    : tolower((unsigned char)*s) - 'a' + 10);
		s++;
	}
	if (n < min_digits || *s != sep)
		return -EINVAL;
	*p = s + (sep ? 1 : 0);
	return 0;
}

int vt_parse_bdf(const char *s, char out[VT_BDF_LEN])
{
	unsigned long domain = 0, bus, dev, fn;
	const char *p = s;
	int colons = 0;
	const char *c;

	if (!s)
		return -EINVAL;
	for (c = s; *c; c++)
		colons += *c == ':';
	/* dev_name() of a PCI device is "%04x:%02x:%02x.%d"; a missing domain
	 * means 0000, as lspci prints it. */
	if (colons == 2 && parse_hex_field(&p, ':', 1, 4, &domain))
		return -EINVAL;
	if (colons != 1 && colons != 2)
		return -EINVAL;
	if (parse_hex_field(&p, ':', 1, 2, &bus) || parse_hex_field(&p, '.', 1, 2, &dev) ||
	    dev > 0x1f)
		return -EINVAL;
	if (!(p[0] >= '0' && p[0] <= '7') || p[1])
		return -EINVAL;
	fn = p[0] - '0';
	snprintf(out, VT_BDF_LEN, "%04lx:%02lx:%02lx.%lu", domain, bus, dev, fn);
	return 0;
}

int vt_parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int vt_parse_seconds(const char *s, double *out)
{
	size_t digits = 0, dots = 0;
	const char *c;
	double v;
	char *end;

	/* Plain decimals only: strtod would also take "1e-300" (a busy loop)
	 * and hex floats. */
	if (!s)
		return -EINVAL;
	for (c = s; *c; c++) {
		if (isdigit((unsigned char)*c))
			digits++;
		else if (*c == '.')
			dots++;
		else
			return -EINVAL;
	}
	if (!digits || dots > 1)
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < VT_MIN_SECONDS || v > VT_MAX_SECONDS)
		return -EINVAL;
	*out = v;
	return 0;
}

enum {
	OPT_DURATION = 0x100,
	OPT_TEXTFILE_DIR,
	OPT_INTERVAL,
	OPT_COUNT,
	OPT_WAIT,
	OPT_DOT,
	OPT_LOCK,
	OPT_MAX_DEVICES,
	OPT_MAX_THREADS,
};

static const struct option long_options[] = {
	{ "device", required_argument, NULL, 'd' },
	{ "pid", required_argument, NULL, 'p' },
	{ "kprobes", no_argument, NULL, 'k' },
	{ "timestamp", no_argument, NULL, 'T' },
	{ "milliseconds", no_argument, NULL, 'm' },
	{ "microseconds", no_argument, NULL, 'u' },
	{ "nanoseconds", no_argument, NULL, 'n' },
	{ "json", no_argument, NULL, 'j' },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "textfile-dir", required_argument, NULL, OPT_TEXTFILE_DIR },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "wait", no_argument, NULL, OPT_WAIT },
	{ "dot", required_argument, NULL, OPT_DOT },
	{ "lock", required_argument, NULL, OPT_LOCK },
	{ "max-devices", required_argument, NULL, OPT_MAX_DEVICES },
	{ "max-threads", required_argument, NULL, OPT_MAX_THREADS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_command(const char *word, enum vt_command *cmd)
{
	static const struct {
		const char *name;
		enum vt_command cmd;
	} commands[] = {
		{ "events", VT_CMD_EVENTS },
		{ "export", VT_CMD_EXPORT },
		{ "probes", VT_CMD_PROBES },
		{ "lockdep", VT_CMD_LOCKDEP },
	};
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(word, commands[i].name)) {
			*cmd = commands[i].cmd;
			return 1;
		}
	}
	return 0;
}

static int parse_option(int opt, const char *arg, struct vt_options *o, bool *interval_set,
			char *err, size_t errlen)
{
	unsigned long v;

	switch (opt) {
	case 'd':
		if (o->nbdfs >= VT_MAX_BDF_FILTERS)
			return fail(err, errlen, "too many -d devices (at most %d)",
				    VT_MAX_BDF_FILTERS);
		if (vt_parse_bdf(arg, o->bdfs[o->nbdfs]))
			return fail(err, errlen, "invalid PCI address '%.40s' (want DDDD:BB:DD.F)",
				    arg);
		o->nbdfs++;
		return 0;
	case 'p':
		if (vt_parse_ulong(arg, 1, 4194304, &v))
			return fail(err, errlen, "invalid PID '%.40s'", arg);
		o->pid = v;
		return 0;
	case 'k': o->kprobes = true; return 0;
	case 'T': o->timestamp = true; return 0;
	case 'm': o->unit = VT_UNIT_MS; return 0;
	case 'u': o->unit = VT_UNIT_US; return 0;
	case 'n': o->unit = VT_UNIT_NS; return 0;
	case 'j': o->json = true; return 0;
	case 'v': o->verbose = true; return 0;
	case 'V': o->version = true; return 0;
	case 'h': o->help = true; return 0;
	case OPT_DURATION:
		if (vt_parse_seconds(arg, &o->duration_s))
			return fail(err, errlen,
				    "invalid duration '%.40s' (seconds, 0.001 to 86400)", arg);
		return 0;
	case OPT_TEXTFILE_DIR:
		if (!arg[0])
			return fail(err, errlen, "empty --textfile-dir");
		o->textfile_dir = arg;
		return 0;
	case OPT_INTERVAL:
		if (vt_parse_seconds(arg, &o->interval_s))
			return fail(err, errlen,
				    "invalid interval '%.40s' (seconds, 0.001 to 86400)", arg);
		*interval_set = true;
		return 0;
	case OPT_WAIT: o->wait = true; return 0;
	case OPT_DOT:
		if (!arg[0] || arg[strlen(arg) - 1] == '/')
			return fail(err, errlen, "--dot needs a file name, not '%.40s'", arg);
		o->dot_path = arg;
		return 0;
	case OPT_LOCK:
		if (o->nlocks >= VT_MAX_USER_LOCKS)
			return fail(err, errlen, "too many --lock symbols (at most %d)",
				    VT_MAX_USER_LOCKS);
		if (!arg[0] || strlen(arg) >= VT_LOCK_NAME_LEN ||
		    strspn(arg,
			   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") !=
			    strlen(arg))
			return fail(err, errlen, "invalid --lock symbol '%.40s' (a kallsyms name)",
				    arg);
		o->locks[o->nlocks++] = arg;
		return 0;
	case OPT_MAX_DEVICES:
		if (vt_parse_ulong(arg, 1, VT_MAX_DEVICES_LIMIT, &o->max_devices))
			return fail(err, errlen, "invalid --max-devices '%.40s' (1 to %d)", arg,
				    VT_MAX_DEVICES_LIMIT);
		return 0;
	case OPT_MAX_THREADS:
		if (vt_parse_ulong(arg, 1, VT_MAX_THREADS_LIMIT, &o->max_threads))
			return fail(err, errlen, "invalid --max-threads '%.40s' (1 to %d)", arg,
				    VT_MAX_THREADS_LIMIT);
		return 0;
	case OPT_COUNT:
		if (vt_parse_ulong(arg, 1, 1000000000UL, &o->count))
			return fail(err, errlen, "invalid count '%.40s'", arg);
		return 0;
	case ':': return fail(err, errlen, "option needs an argument");
	default: return fail(err, errlen, "unknown option (see --help)");
	}
}

static int parse_positionals(int argc, char **argv, int first, struct vt_options *o,
			     bool interval_set, char *err, size_t errlen)
{
	int n = argc - first;

	if (o->command != VT_CMD_SUMMARY) {
		if (n > 0)
			return fail(err, errlen, "unexpected argument '%.40s'", argv[first]);
		return 0;
	}
	if (n > 2)
		return fail(err, errlen, "too many arguments (want [INTERVAL [COUNT]])");
	if (n >= 1) {
		if (interval_set)
			return fail(err, errlen, "interval given twice");
		if (vt_parse_seconds(argv[first], &o->interval_s))
			return fail(err, errlen,
				    "invalid interval '%.40s' (seconds, 0.001 to 86400)",
				    argv[first]);
	}
	if (n == 2 && vt_parse_ulong(argv[first + 1], 1, 1000000000UL, &o->count))
		return fail(err, errlen, "invalid count '%.40s'", argv[first + 1]);
	return 0;
}

static int check_combination(struct vt_options *o, bool interval_set, char *err, size_t errlen)
{
	if (o->command == VT_CMD_EXPORT) {
		if (!o->textfile_dir)
			return fail(err, errlen, "export needs --textfile-dir DIR");
		if (!interval_set)
			o->interval_s = VT_EXPORT_DEFAULT_INTERVAL;
		return 0;
	}
	if (o->textfile_dir)
		return fail(err, errlen, "--textfile-dir only goes with export");
	if (o->dot_path && o->command != VT_CMD_LOCKDEP)
		return fail(err, errlen, "--dot only goes with lockdep");
	if (o->nlocks && o->command != VT_CMD_LOCKDEP)
		return fail(err, errlen, "--lock only goes with lockdep");
	if (o->wait && o->command == VT_CMD_PROBES)
		return fail(err, errlen, "--wait does not go with probes");
	if (o->command != VT_CMD_SUMMARY && interval_set)
		return fail(err, errlen, "--interval only goes with export or a summary");
	if (o->count && !o->interval_s)
		return fail(err, errlen, "a count needs an interval");
	return 0;
}

int vt_cli_parse(int argc, char **argv, struct vt_options *o, char *err, size_t errlen)
{
	bool interval_set = false;
	int first = 1, opt, ret, at;

	memset(o, 0, sizeof(*o));
	o->unit = VT_UNIT_US;
	err[0] = '\0';
	if (argc > 1 && parse_command(argv[1], &o->command))
		first = 2;

	/* getopt keeps state in globals: reset it so the parser can run twice. */
	optind = 0;
	opterr = 0;
	for (at = 1; (opt = getopt_long(argc - first + 1, argv + first - 1, ":d:p:kTmunjvVh",
					long_options, NULL)) != -1;
	     at = optind) {
		/* An unknown letter inside a cluster ("-Zk") leaves optind on
		 * the cluster: name the letter, not the word before it. */
		if (opt == '?' && (optind == at || strncmp(argv[first - 1 + optind - 1], "--", 2)))
			return fail(err, errlen, "unknown option '-%c' (see --help)", optopt);
		if (opt == '?')
			return fail(err, errlen, "unknown option '%.40s' (see --help)",
				    argv[first - 1 + optind - 1]);
		ret = parse_option(opt, optarg, o, &interval_set, err, errlen);
		if (ret)
			return ret;
	}
	if (o->help || o->version)
		return 0;
	ret = parse_positionals(argc, argv, first - 1 + optind, o, interval_set, err, errlen);
	if (ret)
		return ret;
	return check_combination(o, interval_set, err, errlen);
}
