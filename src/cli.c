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
#define VT_TOP_DEFAULT_INTERVAL 1.0 /* a frame a second, as top(1) nearly */

/* The subcommands, as the usage and the errors name them. */
static const struct {
	const char *name;    /* the word */
	const char *usage;   /* its usage line after "vfio-trace " */
	const char *purpose; /* what it does */
} commands[] = {
	[VT_CMD_SUMMARY] = { NULL, "[OPTIONS] [INTERVAL [COUNT]]",
			     "summary of vfio-pci memory_lock, faults, zaps and pins per device" },
	[VT_CMD_EVENTS] = { "events", "events [OPTIONS]", "stream of disabled-memory accesses" },
	[VT_CMD_EXPORT] = { "export", "export --textfile-dir DIR [--interval S] [OPTIONS]",
			    "Prometheus textfile for node_exporter" },
	[VT_CMD_PROBES] = { "probes", "probes [--lockdep] [OPTIONS]",
			    "which kernel functions are traced, how" },
	[VT_CMD_LOCKDEP] = { "lockdep",
			     "lockdep [--duration S] [-j] [--dot FILE] [--lock SYMBOL] [--watch-kmsg DIR]",
			     "lock order of mmap_lock, memory_lock, i_mmap_rwsem, fs_reclaim, ..." },
	[VT_CMD_TOP] = { "top", "top [--sort KEY] [OPTIONS] [INTERVAL [COUNT]]",
			 "live view, a row per device; plain lines when not a terminal" },
};

#define ON(cmd) (1U << (cmd))
#define ON_ALL                                                                            \
	(ON(VT_CMD_SUMMARY) | ON(VT_CMD_EVENTS) | ON(VT_CMD_EXPORT) | ON(VT_CMD_PROBES) | \
	 ON(VT_CMD_LOCKDEP) | ON(VT_CMD_TOP))
#define ON_TRACING (ON_ALL & ~ON(VT_CMD_PROBES))

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
	OPT_STACKS,
	OPT_LOCKDEP,
	OPT_WATCH_KMSG,
	OPT_KEEP,
	OPT_SORT,
	OPT_MIN_LATENCY,
	OPT_KPROBE_MULTI,
	OPT_SERIES,
};

/*
 * Each option once: its help, and the subcommands it goes with. A
 * subcommand's --help lists those that go with it; an option marked
 * `strict` is refused with any other (the others are harmless there, such as
 * -m with events, and are accepted).
 */
static const struct option_doc {
	int id; /* getopt's value */
	const char *flags;
	const char *text; /* may span lines: "\n" starts a continuation */
	unsigned int on;  /* ON(subcommand) bits */
	bool strict;
} option_docs[] = {
	{ 'd', "-d, --device BDF", "only this device (repeatable), e.g. 0000:01:00.0", ON_ALL },
	{ 'p', "-p, --pid PID", "only this process", ON_ALL },
	{ 'k', "-k, --kprobes", "use kprobes even where fentry works", ON_ALL },
	{ OPT_KPROBE_MULTI, "    --kprobe-multi",
	  "attach each kprobe through fprobe (kprobe.multi, 5.18+)\n"
	  "where the kernel takes it, else as a classic one",
	  ON_ALL },
	{ 'T', "-T, --timestamp", "print a timestamp before each summary", ON(VT_CMD_SUMMARY) },
	{ 'm', "-m, --milliseconds", "histograms in milliseconds", ON(VT_CMD_SUMMARY) },
	{ 'u', "-u, --microseconds", "histograms in microseconds (default)", ON(VT_CMD_SUMMARY) },
	{ 'n', "-n, --nanoseconds", "histograms in nanoseconds", ON(VT_CMD_SUMMARY) },
	{ 'j', "-j, --json", "JSON: one document per summary, one line per event",
	  ON_ALL & ~ON(VT_CMD_EXPORT) & ~ON(VT_CMD_TOP) },
	{ 'o', "-o, --output FILE",
	  "write the output to FILE; a final summary, probes' report or\n"
	  "lockdep's replaces FILE atomically when the run ends well",
	  ON_ALL & ~ON(VT_CMD_EXPORT) & ~ON(VT_CMD_TOP), true },
	{ OPT_DURATION, "    --duration S", "stop after S seconds (final summary, exit 0)",
	  ON_TRACING },
	{ OPT_TEXTFILE_DIR, "    --textfile-dir DIR",
	  "export: directory of node_exporter's textfile collector", ON(VT_CMD_EXPORT), true },
	{ OPT_INTERVAL, "    --interval S",
	  "export: seconds between writes (default 15); top:\n"
	  "between frames (default 1)",
	  ON(VT_CMD_SUMMARY) | ON(VT_CMD_EXPORT) | ON(VT_CMD_TOP), true },
	{ OPT_SERIES, "    --series SET",
	  "export: full (default), or compact for hosts with many\n"
	  "devices: latency histograms summed over the devices, faults\n"
	  "per device without the BAR (a sixth of the series)",
	  ON(VT_CMD_EXPORT), true },
	{ OPT_COUNT, "    --count N", "export: stop after N writes; top: after N frames",
	  ON(VT_CMD_SUMMARY) | ON(VT_CMD_EXPORT) | ON(VT_CMD_TOP), true },
	{ OPT_SORT, "    --sort KEY",
	  "top: first order of the rows: device, faults, wait, zaps,\n"
	  "accesses or pins (default device; keys change it live)",
	  ON(VT_CMD_TOP), true },
	{ OPT_DOT, "    --dot FILE", "lockdep: also write the graph as Graphviz DOT to FILE",
	  ON(VT_CMD_LOCKDEP), true },
	{ OPT_LOCK, "    --lock SYMBOL",
	  "lockdep: also track this global lock, a mutex or rwsem by\n"
	  "its name in /proc/kallsyms (repeatable, up to 8)",
	  ON(VT_CMD_LOCKDEP), true },
	{ OPT_WATCH_KMSG, "    --watch-kmsg DIR",
	  "lockdep: on each kernel lock report (lockdep, hung task,\n"
	  "soft lockup) write a file into DIR with it and the lock\n"
	  "order, holders and lock events around it",
	  ON(VT_CMD_LOCKDEP), true },
	{ OPT_KEEP, "    --keep S",
	  "lockdep --watch-kmsg: seconds of lock events kept (default\n"
	  "30, 1 to 3600)",
	  ON(VT_CMD_LOCKDEP), true },
	{ OPT_LOCKDEP, "    --lockdep",
	  "probes: those of lockdep mode too (the lock functions, and\n"
	  "the allocation tracepoints for fs_reclaim)",
	  ON(VT_CMD_PROBES), true },
	{ OPT_STACKS, "    --stacks",
	  "summary, events: who waits for memory_lock where, and who\n"
	  "holds it (kernel stacks; top 5 pairs per device)",
	  ON(VT_CMD_SUMMARY) | ON(VT_CMD_EVENTS), true },
	{ OPT_MIN_LATENCY, "    --min-latency T",
	  "events: also an event, with its kernel stack, for each\n"
	  "fault, zap, reset or pin that took T or longer (500us, 2ms;\n"
	  "plain: ms); KIND=T for one of fault, zap, reset, pin\n"
	  "(repeatable)",
	  ON(VT_CMD_EVENTS), true },
	{ OPT_WAIT, "    --wait", "if vfio-pci is not loaded yet, wait for it, then attach",
	  ON_TRACING, true },
	{ OPT_MAX_DEVICES, "    --max-devices N",
	  "room for N devices (default 256); more are counted lost", ON_ALL },
	{ OPT_MAX_THREADS, "    --max-threads N",
	  "room for N threads inside traced calls at once (default\n"
	  "16384); more are counted lost",
	  ON_ALL },
	{ 'v', "-v, --verbose", "print libbpf's log", ON_ALL },
	{ 'V', "-V, --version", "print the version and the git revision", ON_ALL },
	{ 'h', "-h, --help", "this help (after a subcommand: that subcommand's)", ON_ALL },
};

#define VT_NOPTION_DOCS (sizeof(option_docs) / sizeof(option_docs[0]))

static void put_usage_line(FILE *f, bool first, enum vt_command cmd)
{
	fprintf(f, "%s vfio-trace %s\n%11s%s\n", first ? "Usage:" : "      ", commands[cmd].usage,
		"", commands[cmd].purpose);
}

void vt_cli_usage(FILE *f, enum vt_command cmd, bool subcommand)
{
	size_t i;

	if (subcommand) {
		put_usage_line(f, true, cmd);
	} else {
		for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			put_usage_line(f, i == 0, (enum vt_command)i);
		fputs("\n`vfio-trace SUBCOMMAND --help` lists only what goes with it. Options may come\n"
		      "before or after the subcommand.\n",
		      f);
	}
	fputc('\n', f);
	for (i = 0; i < VT_NOPTION_DOCS; i++) {
		const struct option_doc *d = &option_docs[i];
		const char *t = d->text;

		if (subcommand && !(d->on & ON(cmd)))
			continue;
		fprintf(f, "  %-22s ", d->flags);
		while (*t) {
			size_t n = strcspn(t, "\n");

			fprintf(f, "%.*s\n", (int)n, t);
			t += n;
			if (*t == '\n' && *++t)
				fprintf(f, "%25s", "");
		}
	}
	if (subcommand && cmd == VT_CMD_TOP)
		fputs("\n"
		      "On a terminal, top redraws a full screen each INTERVAL (default 1 s):\n"
		      "  q quit   d f w z a p sort by device, faults, wait, zaps, disabled\n"
		      "           accesses, pins   r reverse the order\n"
		      "Otherwise it prints one block of lines per interval, like top -b.\n",
		      f);
	if (subcommand && cmd != VT_CMD_SUMMARY)
		return;
	fputs("\n"
	      "INTERVAL is in seconds; COUNT summaries are printed, then vfio-trace exits.\n"
	      "Without INTERVAL it traces until Ctrl-C and prints one summary.\n"
	      "\n"
	      "Examples:\n"
	      "  vfio-trace 1 10            ten one-second summaries\n"
	      "  vfio-trace -d 0000:3b:00.0 -m\n",
	      f);
	if (subcommand)
		return;
	fputs("  vfio-trace events -j       NDJSON of SIGBUS/EIO/ioeventfd drops\n"
	      "  vfio-trace export --textfile-dir /var/lib/prometheus/node-exporter\n",
	      f);
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

int vt_parse_duration_ns(const char *s, __u64 *out)
{
	static const struct {
		const char *suffix;
		double ns;
	} units[] = { { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "", 1e6 } };
	size_t digits = 0, dots = 0, n;
	double v;

	if (!s)
		return -EINVAL;
	for (n = 0; s[n] && (isdigit((unsigned char)s[n]) || s[n] == '.'); n++) {
		digits += s[n] != '.';
		dots += s[n] == '.';
	}
	if (!digits || dots > 1)
		return -EINVAL;
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		char num[32];

		if (strcmp(s + n, units[u].suffix))
			continue;
		if (n >= sizeof(num))
			return -EINVAL;
		memcpy(num, s, n);
		num[n] = '\0';
		v = strtod(num, NULL) * units[u].ns;
		if (!isfinite(v) || v < 1 || v > VT_MAX_SECONDS * 1e9)
			return -EINVAL;
		*out = (__u64)v;
		return 0;
	}
	return -EINVAL;
}

/* --min-latency T or KIND=T. */
static int parse_min_latency(const char *arg, __u64 ns[VT_SLOW_KIND_MAX])
{
	const char *eq = strchr(arg, '=');
	__u64 v;

	if (vt_parse_duration_ns(eq ? eq + 1 : arg, &v))
		return -EINVAL;
	for (int k = 0; k < VT_SLOW_KIND_MAX; k++) {
		const char *name = vt_slow_kind_name(k);

		if (!eq || ((size_t)(eq - arg) == strlen(name) && !strncmp(arg, name, eq - arg))) {
			ns[k] = v;
			if (eq)
				return 0;
		}
	}
	return eq ? -EINVAL : 0;
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

static const struct option long_options[] = {
	{ "device", required_argument, NULL, 'd' },
	{ "pid", required_argument, NULL, 'p' },
	{ "kprobes", no_argument, NULL, 'k' },
	{ "kprobe-multi", no_argument, NULL, OPT_KPROBE_MULTI },
	{ "timestamp", no_argument, NULL, 'T' },
	{ "milliseconds", no_argument, NULL, 'm' },
	{ "microseconds", no_argument, NULL, 'u' },
	{ "nanoseconds", no_argument, NULL, 'n' },
	{ "json", no_argument, NULL, 'j' },
	{ "output", required_argument, NULL, 'o' },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "textfile-dir", required_argument, NULL, OPT_TEXTFILE_DIR },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "series", required_argument, NULL, OPT_SERIES },
	{ "wait", no_argument, NULL, OPT_WAIT },
	{ "dot", required_argument, NULL, OPT_DOT },
	{ "lock", required_argument, NULL, OPT_LOCK },
	{ "max-devices", required_argument, NULL, OPT_MAX_DEVICES },
	{ "max-threads", required_argument, NULL, OPT_MAX_THREADS },
	{ "stacks", no_argument, NULL, OPT_STACKS },
	{ "lockdep", no_argument, NULL, OPT_LOCKDEP },
	{ "watch-kmsg", required_argument, NULL, OPT_WATCH_KMSG },
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "min-latency", required_argument, NULL, OPT_MIN_LATENCY },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
/* Every option has its help line, and the help no option that is not. */
_Static_assert(sizeof(long_options) / sizeof(long_options[0]) - 1 == VT_NOPTION_DOCS,
	       "one option_docs[] entry per long option");

static int parse_command(const char *word, enum vt_command *cmd)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (commands[i].name && !strcmp(word, commands[i].name)) {
			*cmd = (enum vt_command)i;
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
			return fail(
				err, errlen,
				"too many -d devices (at most %d, the most --max-devices makes room for)",
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
	case 'o':
		if (!arg[0] || arg[strlen(arg) - 1] == '/')
			return fail(err, errlen, "-o needs a file name, not '%.40s'", arg);
		o->output_path = arg;
		return 0;
	case OPT_WAIT: o->wait = true; return 0;
	case OPT_KPROBE_MULTI: o->kprobe_multi = true; return 0;
	case OPT_STACKS: o->stacks = true; return 0;
	case OPT_LOCKDEP: o->lockdep = true; return 0;
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
	case OPT_WATCH_KMSG:
		if (!arg[0])
			return fail(err, errlen, "empty --watch-kmsg directory");
		o->watch_kmsg_dir = arg;
		return 0;
	case OPT_MIN_LATENCY:
		if (parse_min_latency(arg, o->min_latency_ns))
			return fail(err, errlen,
				    "invalid --min-latency '%.40s' (T or KIND=T: KIND fault, zap, "
				    "reset or pin; T like 500us, 2ms, 1s)",
				    arg);
		return 0;
	case OPT_SERIES:
		if (strcmp(arg, "full") && strcmp(arg, "compact"))
			return fail(err, errlen, "invalid --series '%.40s' (full or compact)", arg);
		o->compact_series = !strcmp(arg, "compact");
		return 0;
	case OPT_SORT:
		o->top_sort = vt_top_sort_of_name(arg);
		if (o->top_sort == VT_TOP_SORT_MAX)
			return fail(err, errlen,
				    "invalid --sort '%.40s' (device, faults, wait, zaps, accesses "
				    "or pins)",
				    arg);
		return 0;
	case OPT_KEEP:
		if (vt_parse_seconds(arg, &o->keep_s) || o->keep_s < 1 ||
		    o->keep_s > VT_MAX_KEEP_SECONDS)
			return fail(err, errlen, "invalid --keep '%.40s' (seconds, 1 to %d)", arg,
				    VT_MAX_KEEP_SECONDS);
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

static const char *command_name(enum vt_command cmd)
{
	return commands[cmd].name ? commands[cmd].name : "the summary";
}

static int parse_positionals(int argc, char **argv, int first, struct vt_options *o,
			     bool interval_set, char *err, size_t errlen)
{
	enum vt_command other;
	int n = argc - first, i;

	/* A second subcommand, or one after INTERVAL: say which word, where. */
	for (i = first; i < argc; i++)
		if (parse_command(argv[i], &other))
			return fail(err, errlen,
				    o->command == VT_CMD_SUMMARY
					    ? "'%.40s' is a subcommand: it goes before INTERVAL"
					    : "'%.40s' after %s: one subcommand at a time",
				    argv[i], command_name(o->command));
	if (o->command != VT_CMD_SUMMARY && o->command != VT_CMD_TOP) {
		if (n > 0)
			return fail(err, errlen, "%s takes no argument, not '%.40s'",
				    command_name(o->command), argv[first]);
		return 0;
	}
	if (n > 2)
		return fail(err, errlen, "too many arguments (want [INTERVAL [COUNT]])");
	if (n >= 1) {
		if (interval_set)
			return fail(err, errlen, "interval given twice");
		if (vt_parse_seconds(argv[first], &o->interval_s)) {
			/* A word that is no number was most likely meant as a
			 * subcommand. */
			if (o->command == VT_CMD_SUMMARY && !strpbrk(argv[first], "0123456789"))
				return fail(
					err, errlen,
					"unknown subcommand '%.40s', and no interval (see --help)",
					argv[first]);
			return fail(err, errlen,
				    "invalid interval '%.40s' for %s (seconds, 0.001 to 86400)",
				    argv[first], command_name(o->command));
		}
	}
	if (n == 2 && vt_parse_ulong(argv[first + 1], 1, 1000000000UL, &o->count))
		return fail(err, errlen, "invalid count '%.40s'", argv[first + 1]);
	return 0;
}

/* "--stacks" of "    --stacks": how an error names an option. */
static const char *long_name(const struct option_doc *d)
{
	const char *l = strstr(d->flags, "--");

	return l ? l : d->flags;
}

/* An option marked strict given to a subcommand it does not go with: one
 * line naming it and the subcommands it goes with. */
static int check_applies(const struct vt_options *o, unsigned int seen, char *err, size_t errlen)
{
	for (size_t i = 0; i < VT_NOPTION_DOCS; i++) {
		const struct option_doc *d = &option_docs[i];
		char with[96] = "", name[24];
		unsigned int left = d->on;

		if (!(seen & (1U << i)) || !d->strict || (d->on & ON(o->command)))
			continue;
		for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
			if (!(left & ON(c)))
				continue;
			left &= ~ON(c);
			snprintf(name, sizeof(name), "%s",
				 commands[c].name ? commands[c].name : "a summary");
			if (with[0])
				strncat(with, left ? ", " : " or ",
					sizeof(with) - strlen(with) - 1);
			strncat(with, name, sizeof(with) - strlen(with) - 1);
		}
		return fail(err, errlen, "%.*s only goes with %s", (int)strcspn(long_name(d), " "),
			    long_name(d), with);
	}
	return 0;
}

static int check_combination(struct vt_options *o, unsigned int seen, bool interval_set, char *err,
			     size_t errlen)
{
	int ret = check_applies(o, seen, err, errlen);

	if (ret)
		return ret;
	/* Devices past the device map's room are counted lost, never traced. */
	if (o->nbdfs > (o->max_devices ? o->max_devices : VT_DEFAULT_MAX_DEVICES))
		return fail(err, errlen,
			    "-d names %u devices, more than --max-devices (%lu) has room for",
			    o->nbdfs, o->max_devices ? o->max_devices : VT_DEFAULT_MAX_DEVICES);
	if (o->keep_s && !o->watch_kmsg_dir)
		return fail(err, errlen, "--keep only goes with --watch-kmsg");
	if (o->watch_kmsg_dir && !o->keep_s)
		o->keep_s = VT_DEFAULT_KEEP_SECONDS;
	if (o->command == VT_CMD_EXPORT) {
		if (!o->textfile_dir)
			return fail(err, errlen, "export needs --textfile-dir DIR");
		if (!interval_set)
			o->interval_s = VT_EXPORT_DEFAULT_INTERVAL;
		return 0;
	}
	if (o->command == VT_CMD_TOP) {
		if (o->json)
			return fail(err, errlen,
				    "top is for the terminal: -j goes with the summary "
				    "(vfio-trace -j INTERVAL)");
		/* Its interval has a default, set here like export's so that no
		 * command sees a count without an interval (the fuzzer's
		 * invariant: 'top --count 5' passed it none). */
		if (!(o->interval_s > 0))
			o->interval_s = VT_TOP_DEFAULT_INTERVAL;
		return 0;
	}
	if (o->count && !o->interval_s)
		return fail(err, errlen, "a count needs an interval");
	return 0;
}

static unsigned int doc_bit(int opt)
{
	for (size_t i = 0; i < VT_NOPTION_DOCS; i++)
		if (option_docs[i].id == opt)
			return 1U << i;
	return 0;
}

/* Options may come before or after the subcommand, as with perf, bpftool and
 * git: getopt permutes the words that are not options to the end, and the
 * first of them names the subcommand when it is one. */
int vt_cli_parse(int argc, char **argv, struct vt_options *o, char *err, size_t errlen)
{
	bool interval_set = false;
	unsigned int seen = 0; /* option_docs[] bits */
	int first, opt, ret, at;

	memset(o, 0, sizeof(*o));
	o->unit = VT_UNIT_US;
	err[0] = '\0';

	/* getopt keeps state in globals: reset it so the parser can run twice. */
	optind = 0;
	opterr = 0;
	for (at = 1; (opt = getopt_long(argc, argv, ":d:p:kTmunjo:vVh", long_options, NULL)) != -1;
	     at = optind) {
		/* An unknown letter inside a cluster ("-Zk") leaves optind on
		 * the cluster: name the letter, not the word before it. */
		if (opt == '?' && (optind == at || strncmp(argv[optind - 1], "--", 2)))
			return fail(err, errlen, "unknown option '-%c' (see --help)", optopt);
		if (opt == '?')
			return fail(err, errlen, "unknown option '%.40s' (see --help)",
				    argv[optind - 1]);
		ret = parse_option(opt, optarg, o, &interval_set, err, errlen);
		if (ret)
			return ret;
		seen |= doc_bit(opt);
	}
	first = optind;
	if (first < argc && parse_command(argv[first], &o->command)) {
		o->subcommand = true;
		first++;
	}
	if (o->help || o->version)
		return 0;
	ret = parse_positionals(argc, argv, first, o, interval_set, err, errlen);
	if (ret)
		return ret;
	return check_combination(o, seen, interval_set, err, errlen);
}
