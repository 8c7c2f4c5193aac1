// SPDX-License-Identifier: GPL-2.0
/*
 * Prometheus text exposition (version 0.0.4) of a cumulative snapshot, for the
 * node_exporter textfile collector. Names and labels are a contract with
 * dashboards: change them only together with the docs.
 *
 * Every series of a fixed enum is written from the first scrape on, zeros
 * included: rate() and absent() need the series to exist before the first
 * event. Histograms always carry the full bucket range for the same reason.
 * Compact series (enum prom_series says when they are wanted) sum the latency
 * histograms over the devices and count faults per device without the BAR.
 * Their buckets are every other log2 slot's bound from 256 ns (prom_bucket()
 * says why).
 * No sample has a timestamp; the textfile collector rejects them.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "hist.h"
#include "numfmt.h"
#include "render_prom.h"
#include "utf8.h"

struct label {
	const char *name;
	const char *value;
	size_t maxlen; /* kernel strings (bdf) need not be terminated */
	/* or the whole name="value", escaped already: a device's, built once
	 * per render rather than on each of its hundreds of lines */
	const char *block;
	size_t block_len;
};

#define LABEL(n, v) ((struct label){ (n), (v), (size_t)-1, NULL, 0 })

/* Worst case of escape(): every byte becomes 3 (U+FFFD). */
#define ESCAPED_MAX(n) (3 * (n))

/* Whether @n bytes of @s go out as they are: no byte escape() changes. Most
 * label values are vfio-trace's own ASCII names and a BDF. */
static bool plain(const char *s, size_t n, bool quote)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\' || c == '\n' || (quote && c == '"') || c >= 0x80)
			return false;
	}
	return true;
}

/*
 * The exposition format's escaping of @n bytes of @s into @out, which has
 * room for ESCAPED_MAX(n); returns the end. A backslash and a newline are
 * always escaped, a double quote in label values (@quote). The format is
 * UTF-8: a stray byte would fail the whole scrape, so it becomes U+FFFD.
 */
static char *escape(char *out, const char *s, size_t n, bool quote)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		size_t seq;

		if (p[i] == '\\' || p[i] == '\n' || (quote && p[i] == '"')) {
			*out++ = '\\';
			*out++ = p[i] == '\n' ? 'n' : (char)p[i];
			i++;
			continue;
		}
		seq = utf8_seq_len(p + i, n - i);
		if (!seq) {
			memcpy(out, "\xef\xbf\xbd", 3);
			out += 3;
			i++;
			continue;
		}
		memcpy(out, p + i, seq);
		out += seq;
		i += seq;
	}
	return out;
}

/*
 * One render_prom() call's output: the stream, a buffer in front of it, and
 * whether a buffer could not be had (render_prom() then fails with -ENOMEM,
 * and textfile_write() keeps the old file). With hundreds of devices the
 * textfile is tens of thousands of lines; a stdio call per piece of each
 * (fprintf, fwrite, fputc, each taking the stream's lock) was most of what
 * an export cost (bench/frontend-scale), so lines are built here and handed
 * to stdio 64 KiB at a time.
 */
#define PROM_BUFFER (64 * 1024)

/* device="<BDF>", escaped: room for the worst case */
#define DEVICE_BLOCK_MAX (sizeof("device=\"\"") + ESCAPED_MAX(VT_BDF_LEN))

struct device_block {
	char text[DEVICE_BLOCK_MAX];
	size_t len;
};

struct prom_out {
	FILE *f;
	enum prom_series series;
	bool out_of_memory;
	int write_err;	       /* the first failed write's -errno (ENOSPC, EDQUOT, EIO) */
	unsigned long flushes; /* what was put before may no longer be in buf */
	const struct vt_dev_snapshot *devs;
	struct device_block *device_blocks; /* one per device; NULL: none built */
	size_t len, cap;
	char buf[];
};

/* stdio remembers that a write failed, not why; the operator needs why. */
static void write_out(struct prom_out *o, const char *s, size_t n)
{
	if (fwrite(s, 1, n, o->f) != n && !o->write_err)
		o->write_err = errno ? -errno : -EIO;
}

static void flush(struct prom_out *o)
{
	if (o->len)
		write_out(o, o->buf, o->len);
	o->len = 0;
	o->flushes++;
}

static void __attribute__((noinline)) put_slow(struct prom_out *o, const char *s, size_t n)
{
	flush(o);
	if (n > o->cap) {
		write_out(o, s, n);
		return;
	}
	memcpy(o->buf, s, n);
	o->len = n;
}

/* Inlined, so that the many short constant pieces are a store or two. */
static inline __attribute__((always_inline)) void put(struct prom_out *o, const char *s, size_t n)
{
	if (o->len + n > o->cap) {
		put_slow(o, s, n);
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void put_str(struct prom_out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void put_u64(struct prom_out *o, __u64 v)
{
	char num[24];

	if (o->len + sizeof(num) <= o->cap) { /* straight into the buffer */
		o->len = (size_t)(put_dec(o->buf + o->len, v) - o->buf);
		return;
	}
	put(o, num, (size_t)(put_dec(num, v) - num));
}

/* @n bytes of @s, escaped; a buffer from malloc() for the rare long value
 * that needs escaping (a cgroup path, a help text). */
static void put_escaped(struct prom_out *o, const char *s, size_t n, bool quote)
{
	char small[256], *buf;

	if (plain(s, n, quote)) {
		put(o, s, n);
		return;
	}
	buf = ESCAPED_MAX(n) <= sizeof(small) ? small : malloc(ESCAPED_MAX(n));
	if (!buf) {
		o->out_of_memory = true;
		return;
	}
	put(o, buf, (size_t)(escape(buf, s, n, quote) - buf));
	if (buf != small)
		free(buf);
}

static void write_family(struct prom_out *o, const char *name, const char *type, const char *help)
{
	put(o, "# HELP ", 7);
	put_str(o, name);
	put(o, " ", 1);
	put_escaped(o, help, strlen(help), false);
	put(o, "\n# TYPE ", 8);
	put_str(o, name);
	put(o, " ", 1);
	put_str(o, type);
	put(o, "\n", 1);
}

/* The escaped label block of @l, without braces. */
static void put_labels(struct prom_out *o, const struct label *l, int n)
{
	for (int i = 0; i < n; i++) {
		const char *v = l[i].value ? l[i].value : "";

		if (i)
			put(o, ",", 1);
		if (l[i].block) {
			put(o, l[i].block, l[i].block_len);
			continue;
		}
		put_str(o, l[i].name);
		put(o, "=\"", 2);
		put_escaped(o, v, strnlen(v, l[i].maxlen), true);
		put(o, "\"", 1);
	}
}

/* A series' name and labels, up to the space before its value. */
static void write_series(struct prom_out *o, const char *name, const char *suffix,
			 const struct label *l, int n)
{
	put_str(o, name);
	put_str(o, suffix);
	if (!n)
		return;
	put(o, "{", 1);
	put_labels(o, l, n);
	put(o, "}", 1);
}

static void write_u64(struct prom_out *o, const char *name, const struct label *l, int n, __u64 v)
{
	write_series(o, name, "", l, n);
	put(o, " ", 1);
	put_u64(o, v);
	put(o, "\n", 1);
}

/* The le bound of each finite slot, formatted once. */
static const char *le_seconds(int s)
{
	static char table[VT_HIST_SLOTS - 1][24];

	if (!table[s][0])
		hist_le_seconds(s, table[s], sizeof(table[s]));
	return table[s];
}

/*
 * Series that differ only in their last label's value (a histogram's le, a
 * counter's mode or result) share everything before that value: it is built
 * once, kept, and copied into each further line. With hundreds of devices
 * that is most of the textfile's lines.
 */
struct series_prefix {
	char text[512];
	size_t len; /* 0: not kept (yet, or too long): built again per line */
};

/* name + suffix + "{" + @l + last_label + "=\"", from @p when kept. */
static void put_prefix(struct prom_out *o, struct series_prefix *p, const char *name,
		       const char *suffix, const struct label *l, int n, const char *last_label)
{
	unsigned long flushes = o->flushes;
	size_t at = o->len, len;

	if (p->len) {
		put(o, p->text, p->len);
		return;
	}
	put_str(o, name);
	put_str(o, suffix);
	put(o, "{", 1);
	put_labels(o, l, n);
	if (n)
		put(o, ",", 1);
	put_str(o, last_label);
	put(o, "=\"", 2);
	len = o->len - at;
	/* kept only if it is whole in the buffer */
	if (o->flushes == flushes && len <= sizeof(p->text)) {
		memcpy(p->text, o->buf + at, len);
		p->len = len;
	}
}

/* The rest of a line put_prefix() began: the last label's value, the value.
 * @value is one of vfio-trace's own names (names.h): ASCII identifiers, with
 * nothing to escape (tests/unit/test_names.c pins every one). */
static void put_last_label_u64(struct prom_out *o, const char *value, __u64 v)
{
	put_str(o, value);
	put(o, "\"} ", 3);
	put_u64(o, v);
	put(o, "\n", 1);
}

/*
 * The exported buckets: le = 4^k ns from 256 ns to 2^32 ns (4.29 s), the
 * upper bound 2^(s+1) of every odd slot s from 7 on, and +Inf; 14 bucket
 * lines where the log2 slots would make 33. Every bound is still a slot
 * bound, so each bucket's count is exact, and a slot below 256 ns is counted
 * under the first. Why coarser than the maps: each histogram is a series per
 * bucket for the Prometheus server to keep, times devices, modes and paths,
 * and with hundreds of devices the bucket lines are nearly the whole
 * textfile and its cost (bench/frontend-scale); nothing vfio-trace measures
 * takes under 256 ns, and a factor of 4 is the resolution the usual
 * exponential bucket layouts give. The text and JSON summaries keep every
 * log2 slot.
 */
#define PROM_FIRST_SLOT 7

static bool prom_bucket(int s)
{
	return s == VT_HIST_SLOTS - 1 || (s >= PROM_FIRST_SLOT && (s & 1));
}

/*
 * Buckets with le = 2^(s+1) ns, which is >= all the slot's values; the
 * open-ended last slot is only in +Inf. _count and +Inf are the slot total
 * rather than the separate count field, so that +Inf can never be below a
 * finite bucket even if the map was read mid-update.
 */
/* The bucket lines of one histogram. */
static void write_buckets(struct prom_out *o, const char *name, const struct label *l, int n,
			  const __u64 cum[VT_HIST_SLOTS])
{
	struct series_prefix prefix = { .len = 0 };

	for (int s = 0; s < VT_HIST_SLOTS; s++) {
		if (!prom_bucket(s))
			continue;
		put_prefix(o, &prefix, name, "_bucket", l, n, "le");
		put_str(o, s < VT_HIST_SLOTS - 1 ? le_seconds(s) : "+Inf");
		put(o, "\"} ", 3);
		put_u64(o, cum[s]);
		put(o, "\n", 1);
	}
}

static void write_hist(struct prom_out *o, const char *name, const struct label *l, int n,
		       const struct vt_hist *h)
{
	__u64 cum[VT_HIST_SLOTS];
	char num[32];

	hist_cumulative(h, cum);
	write_buckets(o, name, l, n, cum);
	format_ns_as_seconds(num, sizeof(num), h->sum_ns);
	write_series(o, name, "_sum", l, n);
	put(o, " ", 1);
	put_str(o, num);
	put(o, "\n", 1);
	write_series(o, name, "_count", l, n);
	put(o, " ", 1);
	put_u64(o, cum[VT_HIST_SLOTS - 1]);
	put(o, "\n", 1);
}

static struct label device_label(const struct prom_out *o, const struct vt_dev_snapshot *d)
{
	struct label l = { "device", d->info.bdf, sizeof(d->info.bdf), NULL, 0 };

	if (o->device_blocks) {
		const struct device_block *b = &o->device_blocks[d - o->devs];

		l.block = b->text;
		l.block_len = b->len;
	}
	return l;
}

/* Each device's label block, once. Without memory for them, each line
 * escapes its device's BDF again. */
static void build_device_blocks(struct prom_out *o, const struct vt_snapshot *s)
{
	o->devs = s->devs;
	o->device_blocks = s->ndevs ? malloc(s->ndevs * sizeof(*o->device_blocks)) : NULL;
	if (!o->device_blocks)
		return;
	for (size_t i = 0; i < s->ndevs; i++) {
		const char *bdf = s->devs[i].info.bdf;
		struct device_block *b = &o->device_blocks[i];
		char *p = b->text;

		memcpy(p, "device=\"", 8);
		p = escape(p + 8, bdf, strnlen(bdf, sizeof(s->devs[i].info.bdf)), true);
		*p++ = '"';
		b->len = (size_t)(p - b->text);
	}
}

/* An info metric in the Prometheus way: 1 per device held open now, joined
 * by `device`; its VM, process and cgroup are labels of this one series
 * only, so a VM's restart churns one series, not every metric's. */
static void write_device_owner(struct prom_out *o, const struct vt_snapshot *s)
{
	write_family(o, "vfio_trace_device_owner", "gauge",
		     "The process holding a device open: QEMU's -name as vm, pid, comm, cgroup.");
	for (size_t i = 0; i < s->ndevs; i++) {
		const struct vt_device_owner *own = &s->devs[i].owner;
		char pid[12];
		struct label l[5] = { device_label(o, &s->devs[i]),
				      { "vm", own->vm, sizeof(own->vm) },
				      LABEL("pid", pid),
				      { "comm", own->comm, sizeof(own->comm) },
				      { "cgroup", own->cgroup, sizeof(own->cgroup) } };

		if (!own->pid || !own->open)
			continue;
		snprintf(pid, sizeof(pid), "%u", own->pid);
		write_u64(o, "vfio_trace_device_owner", l, 5, 1);
	}
}

static void write_device_info(struct prom_out *o, const struct vt_snapshot *s)
{
	write_family(o, "vfio_trace_device_info", "gauge",
		     "PCI devices bound to vfio-pci that vfio-trace has seen, with the reset "
		     "method VFIO_DEVICE_RESET tries first (sysfs reset_method).");
	for (size_t i = 0; i < s->ndevs; i++) {
		const struct vt_device_info *in = &s->devs[i].info;
		char vendor[8], device[8];
		struct label l[4] = { device_label(o, &s->devs[i]),
				      LABEL("vendor", vendor),
				      LABEL("device_id", device),
				      { "reset_method", s->devs[i].reset_method,
					sizeof(s->devs[i].reset_method) } };

		snprintf(vendor, sizeof(vendor), "%04x", in->vendor & 0xffff);
		snprintf(device, sizeof(device), "%04x", in->device_id & 0xffff);
		/* Unknown (before 5.15): no label, as Prometheus reads "" too. */
		write_u64(o, "vfio_trace_device_info", l, s->devs[i].reset_method[0] ? 4 : 3, 1);
	}
}

static const char *bar_name(int bar)
{
	static const char *const names[VT_MAX_BARS] = { "0", "1", "2", "3", "4", "5" };

	return bar < VT_MAX_BARS ? names[bar] : "unknown";
}

static void write_faults(struct prom_out *o, const struct vt_snapshot *s)
{
	const char *name = "vfio_trace_mmap_faults_total";

	write_family(o, name, "counter",
		     o->series == PROM_SERIES_COMPACT
			     ? "Page faults on mmap()ed BARs, by fault result."
			     : "Page faults on mmap()ed BARs, by BAR and fault result.");
	for (size_t i = 0; i < s->ndevs; i++) {
		const struct vt_dev_snapshot *d = &s->devs[i];

		if (o->series == PROM_SERIES_COMPACT) {
			struct label l[1] = { device_label(o, d) };
			struct series_prefix prefix = { .len = 0 };

			for (int r = 0; r < VT_FAULT_RESULT_MAX; r++) {
				__u64 n = 0;

				for (int b = 0; b < VT_BAR_SLOTS; b++)
					n += d->stats.faults[b][r];
				put_prefix(o, &prefix, name, "", l, 1, "result");
				put_last_label_u64(o, vt_fault_result_name(r), n);
			}
			continue;
		}
		for (int b = 0; b < VT_BAR_SLOTS; b++) {
			struct label l[2] = { device_label(o, d), LABEL("bar", bar_name(b)) };
			struct series_prefix prefix = { .len = 0 };

			for (int r = 0; r < VT_FAULT_RESULT_MAX; r++) {
				put_prefix(o, &prefix, name, "", l, 2, "result");
				put_last_label_u64(o, vt_fault_result_name(r),
						   d->stats.faults[b][r]);
			}
		}
	}
}

/* A per-device counter family over one enum: stats field at offset, n wide. */
struct enum_counter {
	const char *name;
	const char *help;
	const char *label; /* NULL for a plain per-device counter */
	int n;
	const char *(*value_name)(int);
	size_t offset; /* of a __u64[n] in struct vt_device_stats */
};

static void write_enum_counter(struct prom_out *o, const struct vt_snapshot *s,
			       const struct enum_counter *c)
{
	write_family(o, c->name, "counter", c->help);
	for (size_t i = 0; i < s->ndevs; i++) {
		const struct vt_dev_snapshot *d = &s->devs[i];
		const __u64 *v = (const __u64 *)((const char *)&d->stats + c->offset);

		if (!c->label) {
			struct label l[1] = { device_label(o, d) };

			write_u64(o, c->name, l, 1, v[0]);
			continue;
		}
		struct label l[1] = { device_label(o, d) };
		struct series_prefix prefix = { .len = 0 };

		for (int k = 0; k < c->n; k++) {
			put_prefix(o, &prefix, c->name, "", l, 1, c->label);
			put_last_label_u64(o, c->value_name(k), v[k]);
		}
	}
}

static const struct enum_counter fault_orders = {
	"vfio_trace_mmap_fault_orders_total",
	"BAR mmap faults by mapping order; unknown before huge_fault (6.12).",
	"order",
	VT_ORDER_MAX,
	vt_fault_order_name,
	offsetof(struct vt_device_stats, fault_orders),
};

static const struct enum_counter lock_contentions = {
	"vfio_trace_memory_lock_contentions_total",
	"Acquisitions of vdev->memory_lock that had to wait.",
	"mode",
	VT_MODE_MAX,
	vt_lock_mode_name,
	offsetof(struct vt_device_stats, contentions),
};

/* The waiter's path is a label; --stacks' (waiter, holder) stack pairs are
 * not, and never will be: a label per stack is unbounded cardinality for the
 * time series database. They are in the text and JSON summaries and events,
 * and the lost counter below says when one could not be kept. */
static const struct enum_counter lock_contention_paths = {
	"vfio_trace_memory_lock_contentions_by_path_total",
	"Acquisitions of vdev->memory_lock that had to wait, by the waiter's code path "
	"(unknown: none vfio-trace traces).",
	"path",
	VT_PATH_MAX + 1,
	vt_lock_path_name,
	offsetof(struct vt_device_stats, contention_paths),
};

static const struct enum_counter vma_lock_contentions = {
	"vfio_trace_vma_lock_contentions_total",
	"Acquisitions of vdev->vma_lock that had to wait (kernels up to 6.9).",
	NULL,
	1,
	NULL,
	offsetof(struct vt_device_stats, vma_lock_contentions),
};

static const struct enum_counter zaps = {
	"vfio_trace_bar_zaps_total",
	"Zaps of the BAR mmaps of a device, by the reason memory went away.",
	"reason",
	VT_ZAP_REASON_MAX,
	vt_zap_reason_name,
	offsetof(struct vt_device_stats, zaps),
};

static const struct enum_counter accesses = {
	"vfio_trace_disabled_memory_accesses_total",
	"BAR accesses refused while memory was off (PCI_COMMAND_MEMORY clear, or D3hot), by outcome.",
	"kind",
	VT_ACCESS_KIND_MAX,
	vt_access_kind_name,
	offsetof(struct vt_device_stats, accesses),
};

static const struct enum_counter memory_disables = {
	"vfio_trace_memory_disables_total",
	"Config writes that cleared PCI_COMMAND_MEMORY.",
	NULL,
	1,
	NULL,
	offsetof(struct vt_device_stats, memory_disables),
};

static const struct enum_counter d3_entries = {
	"vfio_trace_d3_entries_total",
	"Moves of the device into D3hot or deeper by vfio, in which BAR access is refused (5.19+).",
	NULL,
	1,
	NULL,
	offsetof(struct vt_device_stats, d3_entries),
};

static const struct enum_counter low_power_entries = {
	"vfio_trace_low_power_entries_total",
	"Requests for runtime PM's low power state (VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY), in which "
	"mmap access is refused (6.1+).",
	NULL,
	1,
	NULL,
	offsetof(struct vt_device_stats, low_power_entries),
};

static const struct enum_counter trylock_failures = {
	"vfio_trace_trylock_failures_total",
	"Trylocks of the device's locks that failed, by the operation that gave up: a hot reset "
	"(EBUSY), an ioeventfd write (left to its thread), a hot reset's zap (up to 6.9).",
	"op",
	VT_TRYLOCK_OP_MAX,
	vt_trylock_op_name,
	offsetof(struct vt_device_stats, trylock_failures),
};

/* A device's histogram that write_device_hists() writes: @key picks one of
 * several (a mode, a path), fetch() copies it out of the stats. */
typedef void (*hist_fetch)(const struct vt_device_stats *st, int key, struct vt_hist *out);

/* One histogram of a family's: its labels besides the device's, and its key. */
struct hist_series {
	struct label labels[2];
	int nlabels;
	int key;
};

/*
 * A histogram family's series. Full: each device's @n histograms, the
 * device label first, in the order of the devices. Compact: each of the @n
 * summed over every device, without the device label. Summing keeps the
 * buckets exact: every device's slots are the same.
 */
static void write_device_hists(struct prom_out *o, const struct vt_snapshot *s, const char *name,
			       hist_fetch fetch, const struct hist_series *series, int n)
{
	struct label l[3];
	struct vt_hist h, sum;

	if (o->series == PROM_SERIES_COMPACT) {
		for (int k = 0; k < n; k++) {
			memset(&sum, 0, sizeof(sum));
			for (size_t i = 0; i < s->ndevs; i++) {
				fetch(&s->devs[i].stats, series[k].key, &h);
				hist_merge(&sum, &h);
			}
			write_hist(o, name, series[k].labels, series[k].nlabels, &sum);
		}
		return;
	}
	for (size_t i = 0; i < s->ndevs; i++) {
		l[0] = device_label(o, &s->devs[i]);
		for (int k = 0; k < n; k++) {
			for (int j = 0; j < series[k].nlabels; j++)
				l[1 + j] = series[k].labels[j];
			fetch(&s->devs[i].stats, series[k].key, &h);
			write_hist(o, name, l, 1 + series[k].nlabels, &h);
		}
	}
}

static void fetch_fault(const struct vt_device_stats *st, int key, struct vt_hist *out)
{
	(void)key;
	snapshot_fault_latency(st, out);
}

static void write_fault_hist(struct prom_out *o, const struct vt_snapshot *s)
{
	const char *name = "vfio_trace_mmap_fault_duration_seconds";
	const struct hist_series all = { .nlabels = 0 };

	write_family(o, name, "histogram", "Time to handle a BAR mmap fault, all results.");
	write_device_hists(o, s, name, fetch_fault, &all, 1);
}

static void fetch_wait(const struct vt_device_stats *st, int mode, struct vt_hist *out)
{
	*out = st->wait_ns[mode];
}

static void write_wait_hist(struct prom_out *o, const struct vt_snapshot *s)
{
	const char *name = "vfio_trace_memory_lock_wait_seconds";
	struct hist_series modes[VT_MODE_MAX];

	for (int m = 0; m < VT_MODE_MAX; m++)
		modes[m] = (struct hist_series){ { LABEL("mode", vt_lock_mode_name(m)) }, 1, m };
	write_family(o, name, "histogram", "Time spent waiting for a contended vdev->memory_lock.");
	write_device_hists(o, s, name, fetch_wait, modes, VT_MODE_MAX);
}

/* key: the path; its mode is the path's own (vt_lock_path_mode()). */
static void fetch_hold(const struct vt_device_stats *st, int path, struct vt_hist *out)
{
	*out = st->hold_ns[vt_lock_path_mode(path)][path];
}

static void write_hold_hist(struct prom_out *o, const struct vt_snapshot *s)
{
	const char *name = "vfio_trace_memory_lock_hold_seconds";
	struct hist_series paths[VT_PATH_MAX];
	int n = 0;

	for (int m = 0; m < VT_MODE_MAX; m++)
		for (int p = 0; p < VT_PATH_MAX; p++)
			if (vt_lock_path_mode(p) == m)
				paths[n++] = (struct hist_series){
					{ LABEL("mode", vt_lock_mode_name(m)),
					  LABEL("path", vt_lock_path_name(p)) },
					2,
					p,
				};
	write_family(o, name, "histogram",
		     "Time vdev->memory_lock was held, by mode and code path.");
	write_device_hists(o, s, name, fetch_hold, paths, n);
}

/* A histogram with one series per device: the one at @offset in struct
 * vt_device_stats. */
struct device_hist {
	const char *name;
	const char *help;
	size_t offset;
};

/* key: the histogram's offset in the stats */
static void fetch_at(const struct vt_device_stats *st, int offset, struct vt_hist *out)
{
	*out = *(const struct vt_hist *)((const char *)st + offset);
}

static void write_device_hist(struct prom_out *o, const struct vt_snapshot *s,
			      const struct device_hist *h)
{
	const struct hist_series one = { .nlabels = 0, .key = (int)h->offset };

	write_family(o, h->name, "histogram", h->help);
	write_device_hists(o, s, h->name, fetch_at, &one, 1);
}

static const struct device_hist memory_off_hist = {
	"vfio_trace_memory_off_seconds",
	"How long memory stayed off: from the config write that cleared PCI_COMMAND.MEMORY to "
	"the one that set it, D3hot to D0, or a low power entry to its exit.",
	offsetof(struct vt_device_stats, memory_off_ns),
};

static const struct device_hist zap_hist = {
	"vfio_trace_bar_zap_duration_seconds",
	"Time to zap the BAR mmaps of a device.",
	offsetof(struct vt_device_stats, zap_ns),
};

static const struct device_hist blackout_hist = {
	"vfio_trace_bar_blackout_seconds",
	"How long the BARs stayed dark to the user: from a zap to the first mmap fault after it "
	"that mapped them again.",
	offsetof(struct vt_device_stats, blackout_ns),
};

static const struct enum_counter blackout_failed = {
	"vfio_trace_blackout_failed_accesses_total",
	"Accesses refused (SIGBUS, EIO, dropped ioeventfd writes) while a BAR blackout was open.",
	NULL,
	1,
	NULL,
	offsetof(struct vt_device_stats, blackout_failed_accesses),
};

/* A per-path pin counter: field at offset in struct vt_pin_stats. */
static void write_pin_counter(struct prom_out *o, const struct vt_snapshot *s, const char *name,
			      const char *help, size_t offset)
{
	write_family(o, name, "counter", help);
	for (int p = 0; p < VT_PIN_PATH_MAX; p++) {
		struct label l[1] = { LABEL("path", vt_pin_path_name(p)) };
		const __u64 *v = (const __u64 *)((const char *)&s->pins[p] + offset);

		write_u64(o, name, l, 1, *v);
	}
}

static void write_pins(struct prom_out *o, const struct vt_snapshot *s)
{
	const char *hist = "vfio_trace_pin_duration_seconds";

	write_pin_counter(o, s, "vfio_trace_pin_calls_total",
			  "Calls that pin guest memory for DMA, by pinning path.",
			  offsetof(struct vt_pin_stats, calls));
	write_pin_counter(o, s, "vfio_trace_pinned_pages_total", "Pages pinned for DMA.",
			  offsetof(struct vt_pin_stats, pages));
	write_pin_counter(o, s, "vfio_trace_unpinned_pages_total", "Pages unpinned.",
			  offsetof(struct vt_pin_stats, unpinned_pages));
	write_pin_counter(o, s, "vfio_trace_pin_errors_total", "Pin calls that failed.",
			  offsetof(struct vt_pin_stats, errors));

	write_family(o, hist, "histogram", "Time spent in one pin call.");
	for (int p = 0; p < VT_PIN_PATH_MAX; p++) {
		struct label l[1] = { LABEL("path", vt_pin_path_name(p)) };

		write_hist(o, hist, l, 1, &s->pins[p].pin_ns);
	}
}

static void write_lost(struct prom_out *o, const struct vt_snapshot *s)
{
	const char *name = "vfio_trace_events_lost_total";

	write_family(o, name, "counter",
		     "Events or updates the BPF side could not record, by reason.");
	for (int r = 0; r < VT_LOST_MAX; r++) {
		struct label l[1] = { LABEL("reason", vt_lost_reason_name(r)) };

		write_u64(o, name, l, 1, s->lost[r]);
	}
}

static void write_probes(struct prom_out *o, const struct vt_probe_report *probes)
{
	const char *name = "vfio_trace_probe_attached";

	if (!probes || !probes->n)
		return;
	write_family(o, name, "gauge", "1 if the probe for an operation is attached, else 0.");
	for (size_t i = 0; i < probes->n; i++) {
		const struct vt_probe_status *p = &probes->items[i];
		struct label l[3] = {
			LABEL("operation", p->operation),
			LABEL("function", p->function),
			LABEL("mode", vt_probe_mode_name(p->mode)),
		};

		write_u64(o, name, l, 3, p->attached ? 1 : 0);
	}
}

int render_prom(FILE *f, const struct vt_snapshot *s)
{
	return render_prom_with(f, s, NULL);
}

int render_prom_with(FILE *f, const struct vt_snapshot *s, const struct prom_options *opts)
{
	const struct vt_probe_report *probes = s ? s->probes : NULL;
	size_t buffer = opts && opts->buffer ? opts->buffer : PROM_BUFFER;
	enum prom_series series = opts ? opts->series : PROM_SERIES_FULL;
	struct prom_out *o;
	int err;

	if (!f || !s || (s->ndevs && !s->devs) || (probes && probes->n && !probes->items) ||
	    (series != PROM_SERIES_FULL && series != PROM_SERIES_COMPACT))
		return -EINVAL;
	o = malloc(sizeof(*o) + buffer);
	if (!o)
		return -ENOMEM;
	o->f = f;
	o->series = series;
	o->out_of_memory = false;
	o->write_err = 0;
	o->flushes = 0;
	o->len = 0;
	o->cap = buffer;
	build_device_blocks(o, s);

	write_device_info(o, s);
	write_device_owner(o, s);
	write_faults(o, s);
	write_enum_counter(o, s, &fault_orders);
	write_fault_hist(o, s);
	write_enum_counter(o, s, &lock_contentions);
	write_enum_counter(o, s, &lock_contention_paths);
	write_wait_hist(o, s);
	write_hold_hist(o, s);
	write_enum_counter(o, s, &vma_lock_contentions);
	write_enum_counter(o, s, &zaps);
	write_device_hist(o, s, &zap_hist);
	write_device_hist(o, s, &memory_off_hist);
	write_device_hist(o, s, &blackout_hist);
	write_enum_counter(o, s, &blackout_failed);
	write_enum_counter(o, s, &accesses);
	write_enum_counter(o, s, &memory_disables);
	write_enum_counter(o, s, &d3_entries);
	write_enum_counter(o, s, &low_power_entries);
	write_enum_counter(o, s, &trylock_failures);
	write_pins(o, s);
	write_lost(o, s);
	write_probes(o, probes);
	flush(o);
	err = o->out_of_memory ? -ENOMEM : o->write_err ? o->write_err : ferror(f) ? -EIO : 0;
	free(o->device_blocks);
	free(o);
	return err;
}

int render_prom_cb(FILE *f, void *arg)
{
	const struct prom_job *job = arg;

	return job ? render_prom_with(f, job->snapshot, job->options) : -EINVAL;
}
