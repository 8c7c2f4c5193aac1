// SPDX-License-Identifier: GPL-2.0
/*
 * The fixture is built with hist_record(), the user-space twin of the BPF
 * side's vt_hist_add(), so the histograms are the ones the kernel would make
 * for the same durations.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "tests.h"
#include "fixtures.h"
#include "render_json.h"
#include "render_text.h"
#include "hist.h"

static void record_n(struct vt_hist *h, unsigned n, __u64 ns)
{
	while (n--)
		hist_record(h, ns);
}

static void set_str(char *dst, size_t len, const char *src)
{
	memset(dst, 0, len);
	strncpy(dst, src, len);
}

static void fill_device_a(struct vt_dev_snapshot *d)
{
	struct vt_device_stats *st = &d->stats;
	struct vt_disable_record *last = &d->info.last_disable;

	set_str(d->info.bdf, sizeof(d->info.bdf), FIX_A_BDF);
	d->info.vendor = 0x10de;
	d->info.device_id = 0x2330;
	d->info.memory_lock = 0xffff888012345678ULL;
	d->info.vdev = 0xffff888012340000ULL;
	d->info.traced = 1;
	d->instances = 1;
	/* Held open by a QEMU run by libvirt: the "vm" and its scope. */
	d->owner.pid = 4242;
	d->owner.open = true;
	set_str(d->owner.comm, sizeof(d->owner.comm), "qemu-system-x86");
	set_str(d->owner.vm, sizeof(d->owner.vm), "web1");
	set_str(d->owner.cgroup, sizeof(d->owner.cgroup),
		"/machine.slice/machine-qemu\\x2d1\\x2dweb1.scope/libvirt/emulator");
	set_str(d->reset_method, sizeof(d->reset_method), "flr");

	st->faults[0][VT_FAULT_NOPAGE] = FIX_A_BAR0_NOPAGE;
	st->faults[0][VT_FAULT_FALLBACK] = 3;
	st->faults[2][VT_FAULT_NOPAGE] = 40;
	st->faults[2][VT_FAULT_SIGBUS] = 2;
	st->faults[VT_MAX_BARS][VT_FAULT_OTHER] = 1;
	st->fault_orders[VT_ORDER_PAGE] = 100;
	st->fault_orders[VT_ORDER_PMD] = 60;
	st->fault_orders[VT_ORDER_UNKNOWN] = 6;
	record_n(&st->fault_ns[VT_FAULT_NOPAGE], 100, 1900);
	record_n(&st->fault_ns[VT_FAULT_NOPAGE], 60, 40000);
	record_n(&st->fault_ns[VT_FAULT_FALLBACK], 3, 3000);
	record_n(&st->fault_ns[VT_FAULT_SIGBUS], 2, 500);
	record_n(&st->fault_ns[VT_FAULT_OTHER], 1, 800);

	st->contentions[VT_MODE_READ] = FIX_A_READ_CONTENTIONS;
	st->contentions[VT_MODE_WRITE] = 1;
	hist_record(&st->wait_ns[VT_MODE_READ], 5000);
	hist_record(&st->wait_ns[VT_MODE_READ], 7000);
	hist_record(&st->wait_ns[VT_MODE_READ], 120000);
	hist_record(&st->wait_ns[VT_MODE_WRITE], 2500000);
	record_n(&st->hold_ns[VT_MODE_READ][VT_PATH_FAULT], 160, 1500);
	record_n(&st->hold_ns[VT_MODE_READ][VT_PATH_BAR_RW], 4, 800);
	record_n(&st->hold_ns[VT_MODE_WRITE][VT_PATH_CONFIG_WRITE], 2, 15000);
	record_n(&st->hold_ns[VT_MODE_WRITE][VT_PATH_RESET], 1, 30000000);

	st->vma_lock_contentions = 2;
	record_n(&st->vma_lock_wait_ns, 2, 9000);

	st->zaps[VT_ZAP_CONFIG_WRITE] = 2;
	st->zaps[VT_ZAP_RESET] = 1;
	st->zap_vmas = 3;
	hist_record(&st->zap_ns, 4000);
	hist_record(&st->zap_ns, 6000);
	hist_record(&st->zap_ns, 250000);

	st->accesses[VT_ACCESS_SIGBUS] = 2;
	st->accesses[VT_ACCESS_EIO] = 1;
	st->memory_disables = 2;
	st->memory_enables = 2;
	/* One stay in runtime PM's low power state, ended. */
	st->low_power_entries = 1;
	st->low_power_exits = 1;
	record_n(&st->memory_off_ns, 1, 1500000);
	record_n(&st->memory_off_ns, 1, 40000);
	/* Two zaps each followed by a refault: the BAR dark 1.6 ms and 60 us,
	 * the three refused accesses in the first. */
	record_n(&st->blackout_ns, 1, 1600000);
	record_n(&st->blackout_ns, 1, 60000);
	st->blackout_failed_accesses = 3;
	st->contention_paths[VT_PATH_FAULT] = 2;
	st->contention_paths[VT_PATH_BAR_RW] = 1;
	st->contention_paths[VT_PATH_CONFIG_WRITE] = 1;
	last->ts_ns = 123456789000ULL;
	last->pid = 4242;
	last->tid = 4243;
	set_str(last->comm, sizeof(last->comm), "qemu-system-x86");
	/* Memory came back 1.5 ms later (2 disables, 2 enables). */
	last->enabled_ts_ns = last->ts_ns + 1500000ULL;
}

static void fill_device_b(struct vt_dev_snapshot *d)
{
	struct vt_device_stats *st = &d->stats;

	set_str(d->info.bdf, sizeof(d->info.bdf), FIX_B_BDF);
	d->info.vendor = 0x8086;
	d->info.device_id = 0x154c;
	d->info.traced = 1;
	d->instances = 2; /* unbound and bound again, then unbound: vdev 0 */
	/* Closed by a DPDK application since: its last owner, no VM. */
	d->owner.pid = 777;
	set_str(d->owner.comm, sizeof(d->owner.comm), "dpdk-testpmd");

	st->faults[0][VT_FAULT_NOPAGE] = 5;
	st->fault_orders[VT_ORDER_UNKNOWN] = 5;
	record_n(&st->fault_ns[VT_FAULT_NOPAGE], 5, 700);
	st->zaps[VT_ZAP_HOT_RESET] = 1;
	hist_record(&st->zap_ns, FIX_B_ZAP_NS);
	/* Two hot resets found a reader inside (EBUSY) before one went through. */
	st->trylock_failures[VT_TRYLOCK_HOT_RESET] = 2;
	/* Put into D3hot by the DPDK application, and still there: a write
	 * to its PM control register, which zapped the BARs first. */
	st->zaps[VT_ZAP_POWER_STATE] = 1;
	st->d3_entries = 1;
	st->accesses[VT_ACCESS_SIGBUS] = 1;
	d->info.last_disable.ts_ns = 98765432100ULL;
	d->info.last_disable.pid = 777;
	d->info.last_disable.tid = 777;
	set_str(d->info.last_disable.comm, sizeof(d->info.last_disable.comm), "dpdk-testpmd");
	d->info.last_disable.cause = VT_OFF_D3HOT;
}

static void fill_pins(struct vt_snapshot *s)
{
	struct vt_pin_stats *t1 = &s->pins[VT_PIN_TYPE1];
	struct vt_pin_stats *fd = &s->pins[VT_PIN_IOMMUFD];

	t1->calls = 10;
	t1->pages = 2560;
	t1->errors = 1;
	t1->unpin_calls = 4;
	t1->unpinned_pages = 1024;
	record_n(&t1->pin_ns, 9, 200000);
	hist_record(&t1->pin_ns, 5000000);

	fd->calls = 2;
	fd->pages = 512;
	record_n(&fd->pin_ns, 2, 80000);
}

static void fill_procs(struct vt_proc_snapshot *p)
{
	p[0].key.tgid = 4242;
	p[0].key.path = VT_PIN_TYPE1;
	set_str(p[0].val.comm, sizeof(p[0].val.comm), "qemu-system-x86");
	set_str(p[0].vm, sizeof(p[0].vm), "web1");
	p[0].val.calls = 10;
	p[0].val.pages = 2560;
	p[0].val.errors = 1;
	p[0].val.sum_ns = 9 * 200000 + 5000000;

	/* A comm with every kind of byte a renderer must escape. */
	p[1].key.tgid = 5001;
	p[1].key.path = VT_PIN_IOMMUFD;
	set_str(p[1].val.comm, sizeof(p[1].val.comm), "we\"ird\\\x01\xff");
	p[1].val.calls = 2;
	p[1].val.pages = 512;
	p[1].val.sum_ns = 160000;
}

int fixture_snapshot(struct vt_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	s->devs = calloc(2, sizeof(*s->devs));
	s->procs = calloc(2, sizeof(*s->procs));
	if (!s->devs || !s->procs) {
		snapshot_free(s);
		return -ENOMEM;
	}
	s->ndevs = 2;
	s->nprocs = 2;
	s->wall_time = FIX_WALL_TIME;
	s->mono_ns = FIX_MONO_NS;

	fill_device_a(&s->devs[0]);
	fill_device_b(&s->devs[1]);
	fill_pins(s);
	fill_procs(s->procs);
	s->lost[VT_LOST_RINGBUF_FULL] = 3;
	s->lost[VT_LOST_MISSED_START] = 1;
	return 0;
}

const struct vt_probe_report *fixture_probes(void)
{
	static struct vt_probe_status items[] = {
		{ .operation = "fault",
		  .function = "vfio_pci_mmap_huge_fault",
		  .mode = VT_PROBE_FENTRY,
		  .attached = 1,
		  .reason = "fentry: module BTF for vfio_pci_core" },
		{ .operation = "memory_lock_wait",
		  .function = "contention_begin",
		  .mode = VT_PROBE_TRACEPOINT,
		  .attached = 1,
		  .reason = "tp_btf with a lock address filter" },
		{ .operation = "pin",
		  .function = "vfio_pin_pages_remote",
		  .mode = VT_PROBE_NONE,
		  .reason = "not in kallsyms (vfio_iommu_type1 not loaded?)" },
	};
	static const struct vt_probe_report report = { .n = 3, .items = items, .vfio_attached = 1 };

	return &report;
}

void fixture_add_probes(struct vt_snapshot *s)
{
	const struct vt_probe_report *in = fixture_probes();

	s->probes = calloc(1, sizeof(*s->probes));
	assert_non_null(s->probes);
	*s->probes = *in;
	s->probes->items = calloc(in->n, sizeof(*in->items));
	assert_non_null(s->probes->items);
	memcpy(s->probes->items, in->items, in->n * sizeof(*in->items));
}

/* The fixture's QEMU (pid 4242) runs VM web1; other processes are no VM. */
static const char *fixture_vm(const struct vt_trace_event *ev)
{
	return ev->pid == 4242 ? "web1" : NULL;
}

void fixture_text_event(FILE *f, const struct vt_trace_event *ev, __u64 start_ns)
{
	char line[VT_EVENT_LINE_MAX];

	fwrite(line, 1, render_text_event_line(line, ev, start_ns, fixture_vm(ev)), f);
}

void fixture_json_event(FILE *f, const struct vt_trace_event *ev)
{
	char line[VT_EVENT_JSON_MAX];

	fwrite(line, 1, render_json_event_line(line, ev, fixture_vm(ev)), f);
}

void fixture_event_disable(struct vt_trace_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->ts_ns = 2000000000ULL;
	ev->pid = 4242;
	ev->tid = 4243;
	ev->kind = VT_EV_MEMORY_DISABLE;
	ev->bar = VT_MAX_BARS;
	ev->value = 0x0400; /* PCI_COMMAND_INTX_DISABLE, memory off */
	set_str(ev->comm, sizeof(ev->comm), "qemu-system-x86");
	set_str(ev->bdf, sizeof(ev->bdf), FIX_A_BDF);
}

void fixture_event_sigbus(struct vt_trace_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->ts_ns = 2000500000ULL;
	ev->pid = 4242;
	ev->tid = 4250;
	ev->kind = VT_EV_SIGBUS;
	ev->bar = 2;
	ev->offset = 0x1000;
	ev->value = 2; /* VM_FAULT_SIGBUS */
	set_str(ev->comm, sizeof(ev->comm), "qemu-system-x86");
	set_str(ev->bdf, sizeof(ev->bdf), FIX_A_BDF);
	ev->disabled_ts_ns = 2000000000ULL;
	ev->disabled_pid = 4242;
	ev->disabled_tid = 4243;
	set_str(ev->disabled_comm, sizeof(ev->disabled_comm), "qemu-system-x86");
}

int fixture_event_odd(int i, struct vt_trace_event *ev)
{
	/* "memory off" durations: a unit's bounds, the rounding just below the
	 * next unit, exact halves of a tenth (which "%.1f" of the double rounds
	 * either way), and past 2^53, where a double is no longer exact. */
	static const __u64 before[] = {
		0,
		999,
		1000,
		1049,
		1050,
		1150,
		999949,
		999950,
		1250000,
		59999999999ULL,
		150000000ULL,
		3599950000000ULL,
		5400000000000ULL,
		(1ULL << 53) + 1,
		~0ULL - 1,
	};
	static const char *const comms[] = {
		"\x1b[31mred\x1b[0m",
		"\xc3\xa9t\xc3\xa9",
		"tab\there",
		"a\"b\\c",
	};
	const int n = sizeof(before) / sizeof(before[0]);

	if (i < 0 || i >= n + 7)
		return -1;
	fixture_event_sigbus(ev);
	ev->ts_ns = 7000000000ULL + (__u64)i * 999999500ULL;
	ev->kind = VT_EV_EIO;
	ev->value = -5;
	ev->offset = 0xfedc0ULL << (i % 8 * 4);
	ev->bar = (__u32)i % 6;
	if (i < n) {
		if (before[i] >= ev->ts_ns)
			ev->ts_ns = ~0ULL;
		ev->disabled_ts_ns = ev->ts_ns - before[i];
		memset(ev->comm, 0, sizeof(ev->comm));
		memcpy(ev->comm, comms[i % 4], strlen(comms[i % 4]));
		return 0;
	}
	switch (i - n) {
	case 0: /* nothing in range; a bdf and a comm without NUL */
		ev->ts_ns = ~0ULL;
		ev->pid = ev->disabled_pid = ~0U;
		ev->kind = ~0U;
		ev->bar = ~0U;
		ev->offset = ~0ULL;
		ev->value = -9223372036854775807LL - 1;
		memset(ev->comm, 0xff, sizeof(ev->comm));
		memcpy(ev->bdf, "0000:3b:00.0-abc", sizeof(ev->bdf));
		ev->disabled_ts_ns = ~0ULL;
		ev->disabled_cause = ~0U;
		break;
	case 1: /* an unknown kind is no access; memory came back on */
		ev->kind = VT_EV_KIND_MAX;
		ev->bar = VT_MAX_BARS;
		ev->value = 9223372036854775807LL;
		ev->disabled_ts_ns = ev->ts_ns + 10;
		break;
	case 2:
		ev->kind = VT_EV_MEMORY_ENABLE;
		ev->value = (__s64)0xfffffffffff10406ULL;
		ev->disabled_ts_ns = 0;
		memset(ev->disabled_comm, 0, sizeof(ev->disabled_comm));
		break;
	case 4: /* vfio put it into D3hot; no earlier cause open */
		ev->kind = VT_EV_D3_ENTRY;
		ev->value = 3;
		ev->bar = VT_MAX_BARS;
		ev->disabled_ts_ns = 0;
		break;
	case 5: /* refused in D3hot: the cause is named */
		ev->kind = VT_EV_SIGBUS;
		ev->value = 2;
		ev->disabled_cause = VT_OFF_D3HOT;
		break;
	case 6: /* refused in runtime PM's low power state */
		ev->kind = VT_EV_SIGBUS;
		ev->value = 2;
		ev->disabled_cause = VT_OFF_LOW_POWER;
		break;
	default:
		ev->kind = VT_EV_IOEVENTFD_DROP;
		ev->value = 0;
		ev->bar = VT_MAX_BARS;
		memcpy(ev->comm, "\x01\x7f\x80 CPU 0/KVM\"\\", 16);
		ev->bdf[0] = '\0';
		break;
	}
	return 0;
}

FILE *membuf_open(struct membuf *m)
{
	memset(m, 0, sizeof(*m));
	m->f = open_memstream(&m->buf, &m->len);
	return m->f;
}

void membuf_close(struct membuf *m)
{
	if (m->f)
		fclose(m->f);
	m->f = NULL;
}

void membuf_free(struct membuf *m)
{
	membuf_close(m);
	free(m->buf);
	m->buf = NULL;
	m->len = 0;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
			buf[n] = '\0';
			*len = (size_t)n;
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

static int write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -errno;
	ok = fwrite(text, 1, len, f) == len;
	ok &= fclose(f) == 0;
	return ok ? 0 : -EIO;
}

/* The first line that differs, so a failure says more than "mismatch". */
static void report_difference(const char *want, const char *got)
{
	int line = 1;
	const char *w = want, *g = got;

	while (*w && *w == *g) {
		if (*w == '\n')
			line++;
		w++;
		g++;
	}
	while (w > want && w[-1] != '\n') {
		w--;
		g--;
	}
	print_error("first difference at line %d:\n  golden: %.*s\n  actual: %.*s\n", line,
		    (int)strcspn(w, "\n"), w, (int)strcspn(g, "\n"), g);
}

void assert_golden(const char *name, const char *text, size_t len)
{
	char path[256], actual[300];
	const char *update = getenv("VT_UPDATE_GOLDEN");
	size_t glen = 0;
	char *golden;

	snprintf(path, sizeof(path), "golden/%s", name);
	if (update && !strcmp(update, "1")) {
		assert_int_equal(write_file(path, text, len), 0);
		print_message("rewrote %s\n", path);
		return;
	}

	golden = read_file(path, &glen);
	if (!golden)
		fail_msg("cannot read %s (run from tests/unit; VT_UPDATE_GOLDEN=1 "
			 "creates it)",
			 path);
	if (glen == len && !memcmp(golden, text, len)) {
		free(golden);
		return;
	}

	snprintf(actual, sizeof(actual), "%s/vfio-trace-%s.actual",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", name);
	write_file(actual, text, len);
	report_difference(golden, text);
	free(golden);
	fail_msg("%s differs from the output, which is in %s; if the change is "
		 "intended, rerun with VT_UPDATE_GOLDEN=1",
		 path, actual);
}
