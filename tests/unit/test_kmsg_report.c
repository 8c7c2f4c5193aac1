// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel log's lock reports: each fixture of kmsg/ (README there) parses
 * into exactly the expected kind, tasks, chain and held locks, in every form
 * the log comes in (console text, /dev/kmsg records, util-linux dmesg);
 * other messages in the middle of a report are left out of it and counted; a
 * report cut off, a huge one and garbage are handled as kmsg_report.h says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests.h"
#include "kmsg_lines.h"
#include "kmsg_report.h"

#define MAX_GOT 8

/* The reports handed over, copied (the parser's is valid during the call). */
struct got {
	int n;
	struct vt_kmsg_report *r[MAX_GOT];
};

static void collect(const struct vt_kmsg_report *r, void *ctx)
{
	struct got *g = ctx;

	assert_true(g->n < MAX_GOT);
	g->r[g->n] = malloc(sizeof(*r));
	assert_non_null(g->r[g->n]);
	memcpy(g->r[g->n++], r, sizeof(*r));
}

static void got_free(struct got *g)
{
	for (int i = 0; i < g->n; i++)
		free(g->r[i]);
	g->n = 0;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Fed a line at a time, as a reader of /dev/kmsg gets records (and their
 * KEY=VALUE lines, here on their own), or as a saved log is read. */
static void feed_lines(struct vt_kmsg_parser *p, const char *buf, size_t len)
{
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - buf - pos) + 1 : len - pos;

		vt_kmsg_feed(p, buf + pos, n);
		pos += n;
	}
}

static void feed_str(struct vt_kmsg_parser *p, const char *s)
{
	vt_kmsg_feed(p, s, strlen(s));
}

/* The fixture kmsg/NAME, fed line by line, then flushed. */
static struct vt_kmsg_parser *parse(const char *name, struct got *g)
{
	struct vt_kmsg_parser *p = vt_kmsg_new(collect, g);
	char path[256];
	size_t len;
	char *buf;

	assert_non_null(p);
	snprintf(path, sizeof(path), "kmsg/%s", name);
	buf = slurp(path, &len);
	feed_lines(p, buf, len);
	vt_kmsg_flush(p);
	free(buf);
	return p;
}

/* The one report a fixture holds. */
static struct vt_kmsg_report *parse_one(const char *name, struct got *g)
{
	struct vt_kmsg_parser *p = parse(name, g);
	const struct vt_kmsg_stats *st = vt_kmsg_stats(p);

	assert_int_equal(g->n, 1);
	/* Every line is accounted for, once. */
	assert_true(st->lines == st->in_reports + st->interleaved + st->unrelated + st->dropped);
	vt_kmsg_free(p);
	return g->r[0];
}

static void assert_lock(const struct vt_kmsg_lock *l, const char *name, const char *at,
			const char *addr)
{
	assert_string_equal(l->name, name);
	assert_string_equal(l->at, at);
	assert_string_equal(l->addr, addr);
}

static void assert_task(const struct vt_kmsg_task *t, const char *comm, int pid)
{
	assert_string_equal(t->comm, comm);
	assert_int_equal(t->pid, pid);
}

static void assert_held(const struct vt_kmsg_held *h, const char *comm, int pid, int depth,
			const char *name, const char *at)
{
	assert_string_equal(h->comm, comm);
	assert_int_equal(h->pid, pid);
	assert_int_equal(h->depth, depth);
	assert_string_equal(h->lock.name, name);
	assert_string_equal(h->lock.at, at);
}

static void assert_names(char (*names)[VT_KMSG_NAME_LEN], unsigned n, const char *const *want)
{
	unsigned i;

	for (i = 0; want[i]; i++) {
		assert_true(i < n);
		assert_string_equal(names[i], want[i]);
	}
	assert_int_equal(n, i);
}

/* Two parses of one report in two forms: all but where it came from (sequence
 * numbers, caller ids) and what was around it. */
static void assert_same_report(const struct vt_kmsg_report *a, const struct vt_kmsg_report *b)
{
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->end, b->end);
	assert_int_equal(a->truncated, b->truncated);
	assert_string_equal(a->title, b->title);
	assert_int_equal(a->ts_first_us, b->ts_first_us);
	assert_int_equal(a->ts_last_us, b->ts_last_us);
	assert_int_equal(a->ntasks, b->ntasks);
	assert_memory_equal(a->tasks, b->tasks, a->ntasks * sizeof(a->tasks[0]));
	assert_int_equal(a->has_acquire, b->has_acquire);
	assert_memory_equal(&a->acquire, &b->acquire, sizeof(a->acquire));
	assert_int_equal(a->has_hold, b->has_hold);
	assert_memory_equal(&a->hold, &b->hold, sizeof(a->hold));
	assert_int_equal(a->nchain, b->nchain);
	for (unsigned i = 0; i < a->nchain; i++) {
		const struct vt_kmsg_chain_entry *x = &a->chain[i], *y = &b->chain[i];

		assert_int_equal(x->depth, y->depth);
		assert_string_equal(x->name, y->name);
		assert_int_equal(x->nframes, y->nframes);
		for (unsigned f = 0; f < x->nframes; f++)
			assert_string_equal(x->frames[f], y->frames[f]);
	}
	assert_int_equal(a->nclasses, b->nclasses);
	assert_memory_equal(a->classes, b->classes, a->nclasses * sizeof(a->classes[0]));
	assert_int_equal(a->nlocks, b->nlocks);
	assert_memory_equal(a->locks, b->locks, a->nlocks * sizeof(a->locks[0]));
	assert_int_equal(a->nheld, b->nheld);
	assert_memory_equal(a->held, b->held, a->nheld * sizeof(a->held[0]));
	assert_int_equal(a->nlines, b->nlines);
	assert_string_equal(a->text, b->text);
}

/* The seeds' bug: remapping the BARs under i_mmap_rwsem allocates, so
 * i_mmap_rwsem -> fs_reclaim, against the fs_reclaim -> i_mmap_rwsem that
 * dma_resv_lockdep() sets at boot. Two classes: no "Chain exists of:". A
 * 5.12 kernel: no <TASK> markers, so the next message ends it. */
static void test_circular_seeds(void **state)
{
	static const char *const locks[] = { "fs_reclaim", "&mapping->i_mmap_rwsem",
					     "&vdev->memory_lock", NULL };
	struct got g = { 0 };
	struct vt_kmsg_report *r = parse_one("circular-seeds.txt", &g);
	const struct vt_kmsg_chain_entry *e;

	assert_int_equal(r->kind, VT_KMSG_CIRCULAR);
	assert_int_equal(r->end, VT_KMSG_END_UNRELATED);
	assert_false(r->truncated);
	assert_false(r->gap);
	assert_string_equal(r->title, "WARNING: possible circular locking dependency detected");
	assert_int_equal(r->ntasks, 1);
	assert_task(&r->tasks[0], "qemu-system-x86", 1683);
	assert_true(r->has_acquire && r->has_hold);
	assert_lock(&r->acquire, "fs_reclaim", "fs_reclaim_acquire+0x83/0xd0", "ffffffff82a4b8a0");
	assert_lock(&r->hold, "&mapping->i_mmap_rwsem",
		    "vfio_device_io_remap_mapping_range+0x31/0x120 [vfio]", "ffff888104ac53b8");

	assert_int_equal(r->nchain, 2);
	e = &r->chain[0];
	assert_int_equal(e->depth, 1);
	assert_string_equal(e->name, "&mapping->i_mmap_rwsem");
	assert_int_equal(e->nframes, 7);
	assert_string_equal(e->frames[0], "lock_acquire+0xb5/0x380");
	assert_string_equal(e->frames[2], "dma_resv_lockdep+0x1b0/0x298");
	e = &r->chain[1];
	assert_int_equal(e->depth, 0);
	assert_string_equal(e->name, "fs_reclaim");
	assert_int_equal(e->nframes, 18);
	assert_string_equal(e->frames[9], "vfio_device_io_remap_mapping_range+0x93/0x120 [vfio]");
	assert_string_equal(e->frames[17], "entry_SYSCALL_64_after_hwframe+0x44/0xae");
	assert_int_equal(r->nclasses, 0);

	assert_names(r->locks, r->nlocks, locks);
	assert_int_equal(r->nheld, 2);
	assert_held(&r->held[0], "qemu-system-x86", 1683, 0, "&vdev->memory_lock",
		    "vfio_basic_config_write+0x19a/0x230 [vfio_pci]");
	assert_held(&r->held[1], "qemu-system-x86", 1683, 1, "&mapping->i_mmap_rwsem",
		    "vfio_device_io_remap_mapping_range+0x31/0x120 [vfio]");
	assert_string_equal(r->held[0].lock.addr, "ffff888105d59b30");

	/* From the banner to the last register line; the blank line before the
	 * banner and the messages around it are not the report's. */
	assert_int_equal(r->nlines, 96);
	assert_true(!strncmp(r->text,
			     "======================================================\n"
			     "WARNING: possible circular",
			     80));
	assert_non_null(strstr(r->text, "R13: 0000000000000002 R14: 00005586a4c2e6d0 R15: "
					"0000000000000004\n"));
	assert_int_equal(r->text_len, strlen(r->text));
	assert_true(r->has_ts && !r->has_seq);
	assert_int_equal(r->ts_first_us, 160419879ULL);
	assert_int_equal(r->ts_last_us, 160420426ULL);
	got_free(&g);
}

/* The same report as /dev/kmsg records: the same parse, with sequence numbers. */
static void test_circular_seeds_kmsg(void **state)
{
	struct got g = { 0 }, k = { 0 };
	struct vt_kmsg_report *r = parse_one("circular-seeds.txt", &g);
	struct vt_kmsg_report *rk = parse_one("circular-seeds.kmsg", &k);

	assert_same_report(r, rk);
	assert_true(rk->has_seq);
	assert_int_equal(rk->seq_first, 5312);
	assert_int_equal(rk->seq_last, 5395);
	assert_string_equal(rk->caller, "");
	got_free(&g);
	got_free(&k);
}

/* Three classes, the chain as in the seeds' bug: "Chain exists of:" gives
 * them in order; 6.12's dump ends at </TASK>. */
static void test_circular_chain3(void **state)
{
	static const char *const classes[] = { "&vdev->memory_lock", "fs_reclaim",
					       "&mapping->i_mmap_rwsem", NULL };
	struct got g = { 0 };
	struct vt_kmsg_report *r = parse_one("circular-chain3.txt", &g);

	assert_int_equal(r->kind, VT_KMSG_CIRCULAR);
	assert_int_equal(r->end, VT_KMSG_END_MARKER);
	assert_false(r->truncated);
	assert_task(&r->tasks[0], "vfio-workload", 312);
	assert_lock(&r->acquire, "&vdev->memory_lock",
		    "vfio_pci_mmap_huge_fault+0x4e/0x1c0 [vfio_pci_core]", "ffff888006b8e8c8");
	assert_string_equal(r->hold.name, "&mapping->i_mmap_rwsem");
	assert_names(r->classes, r->nclasses, classes);
	assert_int_equal(r->nchain, 3);
	assert_int_equal(r->chain[0].depth, 2);
	assert_string_equal(r->chain[0].name, "&mapping->i_mmap_rwsem");
	assert_int_equal(r->chain[1].depth, 1);
	assert_string_equal(r->chain[1].name, "fs_reclaim");
	assert_int_equal(r->chain[1].nframes, 11);
	assert_string_equal(r->chain[1].frames[5], "vfio_msi_enable+0x5f/0x190 [vfio_pci_core]");
	assert_int_equal(r->chain[2].depth, 0);
	assert_string_equal(r->chain[2].name, "&vdev->memory_lock");
	assert_int_equal(r->chain[2].nframes, 13);
	assert_int_equal(r->nheld, 1);
	assert_held(&r->held[0], "vfio-workload", 312, 0, "&mapping->i_mmap_rwsem",
		    "vfio_device_io_remap_mapping_range+0x31/0x120 [vfio]");
	assert_int_equal(r->nlines, 103);
	assert_int_equal(strncmp(r->text + r->text_len - 9, " </TASK>\n", 9), 0);
	got_free(&g);
}

/* Console text, /dev/kmsg records (fed a line at a time, and all at once)
 * and util-linux dmesg, whose later lines of a record are unstamped. */
static void test_three_forms(void **state)
{
	struct got t = { 0 }, k = { 0 }, d = { 0 }, whole = { 0 };
	struct vt_kmsg_report *rt = parse_one("circular-chain3.txt", &t);
	struct vt_kmsg_report *rk = parse_one("circular-chain3.kmsg", &k);
	struct vt_kmsg_parser *p;
	size_t len;
	char *buf;

	assert_same_report(rt, rk);
	assert_int_equal(rk->seq_first, 8814);

	p = parse("circular-chain3.dmesg", &d);
	assert_int_equal(d.n, 1);
	assert_same_report(rt, d.r[0]);
	assert_int_equal(vt_kmsg_stats(p)->decode.continued, 15);
	vt_kmsg_free(p);

	p = vt_kmsg_new(collect, &whole);
	buf = slurp("kmsg/circular-chain3.kmsg", &len);
	vt_kmsg_feed(p, buf, len);
	vt_kmsg_flush(p);
	assert_int_equal(whole.n, 1);
	assert_same_report(rk, whole.r[0]);
	/* The device messages before and after the report. */
	assert_int_equal(vt_kmsg_stats(p)->decode.dict_lines, 4);
	free(buf);
	vt_kmsg_free(p);
	got_free(&t);
	got_free(&k);
	got_free(&d);
	got_free(&whole);
}

static void test_recursive(void **state)
{
	static const char *const locks[] = { "&vdev->memory_lock", "&new_dev_set->lock", NULL };
	struct got g = { 0 };
	struct vt_kmsg_report *r = parse_one("recursive.txt", &g);

	assert_int_equal(r->kind, VT_KMSG_RECURSIVE);
	assert_int_equal(r->end, VT_KMSG_END_MARKER);
	assert_task(&r->tasks[0], "qemu-system-x86", 2741);
	assert_lock(&r->acquire, "&vdev->memory_lock",
		    "vfio_pci_dev_set_hot_reset+0x1b2/0x3a0 [vfio_pci_core]", "ffff888012a7e8c8");
	assert_lock(&r->hold, "&vdev->memory_lock",
		    "vfio_pci_dev_set_hot_reset+0x1b2/0x3a0 [vfio_pci_core]", "ffff888012a768c8");
	assert_int_equal(r->nchain, 0);
	assert_names(r->locks, r->nlocks, locks);
	assert_int_equal(r->nheld, 2);
	assert_held(&r->held[0], "qemu-system-x86", 2741, 0, "&new_dev_set->lock",
		    "vfio_pci_ioctl_pci_hot_reset_groups+0x2ad/0x470 [vfio_pci_core]");
	got_free(&g);
}

/* In hardirq context: the comm holds a '/', the dump has <IRQ> and <TASK>,
 * the registers of the interrupted idle task in the middle. */
static void test_inconsistent(void **state)
{
	static const char *const locks[] = { "&vdev->irqlock", NULL };
	struct got g = { 0 };
	struct vt_kmsg_report *r = parse_one("inconsistent.txt", &g);

	assert_int_equal(r->kind, VT_KMSG_INCONSISTENT);
	assert_int_equal(r->end, VT_KMSG_END_MARKER);
	assert_int_equal(r->ntasks, 1);
	assert_task(&r->tasks[0], "swapper/1", 0);
	assert_true(r->has_acquire);
	assert_false(r->has_hold);
	assert_lock(&r->acquire, "&vdev->irqlock", "vfio_intx_handler+0x2c/0xe0 [vfio_pci_core]",
		    "ffff888012a76a10");
	assert_names(r->locks, r->nlocks, locks);
	assert_int_equal(r->nheld, 0);
	assert_int_equal(r->nlines, 71);
	got_free(&g);
}

static void test_irq_inversion(void **state)
{
	static const char *const locks[] = { "&vdev->irqlock", "&ctx->wqh", "&vdev->igate", NULL };
	struct got g = { 0 };
	struct vt_kmsg_report *r = parse_one("irq-inversion.txt", &g);

	assert_int_equal(r->kind, VT_KMSG_IRQ_INVERSION);
	assert_int_equal(r->end, VT_KMSG_END_MARKER);
	assert_task(&r->tasks[0], "vfio-workload", 455);
	assert_string_equal(r->acquire.name, "&vdev->irqlock");
	assert_names(r->locks, r->nlocks, locks);
	assert_int_equal(r->nheld, 1);
	assert_int_equal(r->interleaved, 0);
	got_free(&g);
}

/* Another lockdep banner: its own words after the dashes, and the task from
 * the dump's header since no line names it. */
static void test_suspicious_rcu(void **state)
{
	struct got g = { 0 };
	struct vt_kmsg_report *r = parse_one("suspicious-rcu.txt", &g);

	assert_int_equal(r->kind, VT_KMSG_LOCKDEP_OTHER);
	assert_string_equal(r->title, "WARNING: suspicious RCU usage");
	assert_int_equal(r->end, VT_KMSG_END_MARKER);
	assert_int_equal(r->ntasks, 1);
	assert_task(&r->tasks[0], "vfio-workload", 455);
	assert_int_equal(r->tasks[0].cpu, 1);
	assert_int_equal(r->nheld, 1);
	assert_string_equal(r->held[0].lock.name, "&vdev->igate");
	assert_non_null(strstr(r->text, "suspicious rcu_dereference_check() usage!\n"));
	assert_int_equal(r->interleaved, 0);
	got_free(&g);
}

/* Two blocked tasks of one khungtaskd check, then the locks of all: one
 * report, ended by the list's "=====". */
static void test_hung_task(void **state)
{
	struct got g = { 0 };
	struct vt_kmsg_report *r = parse_one("hung-task.txt", &g);

	assert_int_equal(r->kind, VT_KMSG_HUNG_TASK);
	assert_int_equal(r->end, VT_KMSG_END_MARKER);
	assert_false(r->truncated);
	assert_int_equal(r->ntasks, 2);
	assert_task(&r->tasks[0], "CPU 1/KVM", 4121);
	assert_int_equal(r->tasks[0].secs, 122);
	assert_task(&r->tasks[1], "qemu-system-x86", 4096);
	assert_int_equal(r->nheld, 8);
	assert_held(&r->held[0], "khungtaskd", 38, 0, "rcu_read_lock",
		    "debug_show_all_locks+0x36/0x1c0");
	assert_held(&r->held[1], "CPU 1/KVM", 4121, 0, "&mm->mmap_lock",
		    "vaddr_get_pfns+0x15a/0x2e0 [vfio_iommu_type1]");
	assert_held(&r->held[2], "CPU 1/KVM", 4121, 1, "&vdev->memory_lock",
		    "vfio_pci_mmap_huge_fault+0x4e/0x1c0 [vfio_pci_core]");
	assert_held(&r->held[3], "qemu-system-x86", 4096, 0, "&vdev->memory_lock",
		    "vfio_basic_config_write+0x1a2/0x3c0 [vfio_pci_core]");
	assert_held(&r->held[4], "CPU 0/KVM", 4120, 0, "&vdev->memory_lock",
		    "vfio_pci_bar_rw+0x11d/0x3b0 [vfio_pci_core]");
	assert_held(&r->held[7], "kworker/0:2", 211, 1, "(work_completion)(&(&kfence_timer)->work)",
		    "process_one_work+0x1f0/0x5a0");
	assert_string_equal(r->held[6].lock.name, "(wq_completion)events");
	assert_int_equal(r->nchain, 0);
	assert_int_equal(r->nlines, 75);
	got_free(&g);
}

/* No lockdep, so no lock list and no end marker: the next message ends it. */
static void test_hung_task_no_lockdep(void **state)
{
	struct got g = { 0 };
	struct vt_kmsg_report *r = parse_one("hung-task-nolockdep.txt", &g);

	assert_int_equal(r->kind, VT_KMSG_HUNG_TASK);
	assert_int_equal(r->end, VT_KMSG_END_UNRELATED);
	assert_int_equal(r->ntasks, 1);
	assert_task(&r->tasks[0], "CPU 0/KVM", 2201);
	assert_int_equal(r->tasks[0].secs, 120);
	assert_int_equal(r->nheld, 0);
	assert_int_equal(r->nlines, 26);
	got_free(&g);
}

static void test_soft_lockup(void **state)
{
	struct got g = { 0 };
	struct vt_kmsg_report *r = parse_one("soft-lockup.txt", &g);

	assert_int_equal(r->kind, VT_KMSG_SOFT_LOCKUP);
	assert_int_equal(r->end, VT_KMSG_END_MARKER);
	assert_int_equal(r->ntasks, 1);
	assert_task(&r->tasks[0], "CPU 0/KVM", 2201);
	assert_int_equal(r->tasks[0].cpu, 3);
	assert_int_equal(r->tasks[0].secs, 26);
	assert_int_equal(r->nlocks, 0);
	assert_int_equal(r->nlines, 40);
	got_free(&g);
}

/* Real records of the 6.12 lockdep kernel of the test bed: its whole boot
 * (tabs, KEY=VALUE lines, a multi-line record) holds no report; its SysRq d
 * list, after a hung task's title, is that task's list of the system's locks
 * (the "sysrq:" line before it someone else's). */
static void test_real_6_12_records(void **state)
{
	static const char title[] = "INFO: task cat:111 blocked for more than 122 seconds.\n";
	struct got g = { 0 };
	struct vt_kmsg_parser *p = parse("boot-sysrq-6.12.kmsg", &g);
	const struct vt_kmsg_stats *st = vt_kmsg_stats(p);
	struct vt_kmsg_report *r;
	size_t len, from;
	char *buf;

	assert_int_equal(g.n, 0);
	assert_int_equal(st->decode.records, 457);
	assert_int_equal(st->decode.dict_lines, 168);
	assert_int_equal(st->decode.malformed + st->decode.bad_escapes + st->decode.lines_cut, 0);
	assert_int_equal(st->unrelated, st->lines);
	vt_kmsg_free(p);

	p = vt_kmsg_new(collect, &g);
	buf = slurp("kmsg/boot-sysrq-6.12.kmsg", &len);
	from = (size_t)(strstr(buf, "6,443,11796060,-;sysrq: Show Locks Held") - buf);
	feed_str(p, title);
	feed_lines(p, buf + from, len - from);
	vt_kmsg_flush(p);
	assert_int_equal(g.n, 1);
	r = g.r[0];
	assert_int_equal(r->kind, VT_KMSG_HUNG_TASK);
	assert_int_equal(r->end, VT_KMSG_END_MARKER);
	assert_int_equal(r->interleaved, 1);
	assert_int_equal(r->nheld, 6);
	assert_held(&r->held[0], "sh", 109, 0, "sb_writers#4", "ksys_write+0x75/0x100");
	assert_string_equal(r->held[0].lock.addr, "ff110000063e4428");
	assert_held(&r->held[2], "sh", 109, 2, "rcu_read_lock", "debug_show_all_locks+0x36/0x1c0");
	assert_held(&r->held[3], "cat", 110, 0, "&user->lock", "devkmsg_read+0x69/0x220");
	assert_held(&r->held[5], "cat", 111, 1, "&ldata->atomic_read_lock",
		    "n_tty_read+0x526/0x670");
	assert_int_equal(r->nlocks, 5);
	assert_int_equal(r->seq_last, 455);
	free(buf);
	vt_kmsg_free(p);
	got_free(&g);
}

/* Records of other callers (one indented, as a frame would be), a process's
 * record, a splat title faked by a process, and a record lost: the same
 * report, the four counted, the loss marked. */
static void test_interleaved_kmsg(void **state)
{
	struct got g = { 0 }, c = { 0 };
	struct vt_kmsg_report *clean = parse_one("circular-chain3.kmsg", &c);
	struct vt_kmsg_parser *p = parse("interleaved.kmsg", &g);
	const struct vt_kmsg_stats *st = vt_kmsg_stats(p);
	struct vt_kmsg_report *r;

	assert_int_equal(g.n, 1);
	r = g.r[0];
	assert_same_report(clean, r);
	assert_string_equal(r->caller, "T312");
	assert_int_equal(r->interleaved, 4);
	assert_true(r->gap);
	assert_int_equal(st->seq_gaps, 1);
	assert_int_equal(st->interleaved, 4);
	assert_int_equal(st->reports[VT_KMSG_CIRCULAR], 1);
	assert_true(st->lines == st->in_reports + st->interleaved + st->unrelated + st->dropped);
	vt_kmsg_free(p);
	got_free(&g);
	got_free(&c);
}

/* Without caller ids, lines of no shape of the report are someone else's:
 * in the chain, after "Chain exists of:", in the dump before its frames. */
static void test_interleaved_text(void **state)
{
	struct got g = { 0 }, c = { 0 };
	struct vt_kmsg_report *clean = parse_one("circular-chain3.txt", &c);
	struct vt_kmsg_report *r = parse_one("interleaved.txt", &g);

	assert_same_report(clean, r);
	assert_int_equal(r->interleaved, 3);
	assert_false(r->gap);
	got_free(&g);
	got_free(&c);
}

/* The first n lines of a fixture. */
static void feed_head(struct vt_kmsg_parser *p, const char *name, int n)
{
	char path[256];
	size_t len, pos = 0;
	char *buf;

	snprintf(path, sizeof(path), "kmsg/%s", name);
	buf = slurp(path, &len);
	for (; n > 0 && pos < len; n--)
		pos += (size_t)((char *)memchr(buf + pos, '\n', len - pos) - (buf + pos)) + 1;
	feed_lines(p, buf, pos);
	free(buf);
}

/* The log stops in the middle of the chain: flushed, it is handed over as
 * far as it went; a line five seconds later ends it the same way. */
static void test_cut_off(void **state)
{
	static const char later[] = "4,9000,418000000,-;kvm: vcpu 1: requested 33 ns lapic timer\n";
	struct got g = { 0 };
	struct vt_kmsg_parser *p = vt_kmsg_new(collect, &g);
	struct vt_kmsg_report *r;

	/* Up to the fourth frame of "-> #1". */
	feed_head(p, "circular-chain3.kmsg", 27);
	assert_int_equal(g.n, 0);
	vt_kmsg_flush(p);
	assert_int_equal(g.n, 1);
	r = g.r[0];
	assert_int_equal(r->end, VT_KMSG_END_FLUSH);
	assert_false(r->truncated);
	assert_int_equal(r->nchain, 2);
	assert_int_equal(r->chain[1].nframes, 4);
	assert_int_equal(r->nclasses, 0);
	assert_int_equal(r->nheld, 0);
	vt_kmsg_flush(p);
	assert_int_equal(g.n, 1);
	vt_kmsg_free(p);
	got_free(&g);

	p = vt_kmsg_new(collect, &g);
	feed_head(p, "circular-chain3.kmsg", 27);
	vt_kmsg_feed(p, later, strlen(later));
	assert_int_equal(g.n, 1);
	assert_int_equal(g.r[0]->end, VT_KMSG_END_QUIET);
	assert_int_equal(g.r[0]->nlines, 29);
	/* the device message, the blank line before the banner, the late one */
	assert_int_equal(vt_kmsg_stats(p)->unrelated, 3);
	vt_kmsg_free(p);
	got_free(&g);
}

/* A report whose dump never comes, in a log without timestamps (so no
 * quiet gap): over after VT_KMSG_MAX_FOREIGN lines in a row not its own. */
static void test_never_ends(void **state)
{
	struct got g = { 0 };
	struct vt_kmsg_parser *p = vt_kmsg_new(collect, &g);
	const struct vt_kmsg_stats *st = vt_kmsg_stats(p);
	char line[128];

	feed_str(p, "================================\n"
		    "WARNING: inconsistent lock state\n"
		    "6.12.15 #1 Not tainted\n"
		    "--------------------------------\n");
	for (int i = 0; i < VT_KMSG_MAX_FOREIGN + 50; i++) {
		snprintf(line, sizeof(line), "eno1: link flap %d\n", i);
		feed_str(p, line);
	}
	assert_int_equal(g.n, 1);
	assert_int_equal(g.r[0]->end, VT_KMSG_END_UNRELATED);
	assert_int_equal(g.r[0]->nlines, 4);
	assert_int_equal(g.r[0]->interleaved, VT_KMSG_MAX_FOREIGN);
	assert_int_equal(st->unrelated, 50);
	vt_kmsg_free(p);
	got_free(&g);
}

/* More of everything than a report keeps: cut, counted, still ended by its
 * own marker. */
static void test_huge_arrays(void **state)
{
	struct got g = { 0 };
	struct vt_kmsg_parser *p = vt_kmsg_new(collect, &g);
	struct vt_kmsg_report *r;
	char line[256], chain_of[512];

	feed_str(p, "======================================================\n"
		    "WARNING: possible circular locking dependency detected\n"
		    "6.12.15 #1 Not tainted\n"
		    "------------------------------------------------------\n"
		    "the existing dependency chain (in reverse order) is:\n");
	for (int e = 19; e >= 0; e--) {
		snprintf(line, sizeof(line), "\n-> #%d (&lock_%d){+.+.}-{3:3}:\n", e, e);
		feed_str(p, line);
		for (int f = 0; f < 40; f++) {
			snprintf(line, sizeof(line), "       frame_%d_%d+0x1/0x2\n", e, f);
			feed_str(p, line);
		}
	}
	/* One record, as lockdep prints it (KERN_CONT pieces). */
	strcpy(chain_of, "\nChain exists of:\n ");
	for (int c = 0; c < 20; c++)
		snprintf(chain_of + strlen(chain_of), sizeof(chain_of) - strlen(chain_of),
			 " &class_%d -->", c);
	strcat(chain_of, " &class_last\n\n");
	feed_str(p, chain_of);
	feed_str(p, "150 locks held by vfio-workload/7:\n");
	for (int h = 0; h < 150; h++) {
		snprintf(line, sizeof(line),
			 " #%d: ffff888000001000 (&held_%d){+.+.}-{3:3}, at: f+0x1/0x2\n", h, h);
		feed_str(p, line);
	}
	feed_str(p, "\nstack backtrace:\nCall Trace:\n <TASK>\n f+0x1/0x2\n </TASK>\n");
	assert_int_equal(g.n, 1);
	r = g.r[0];
	assert_int_equal(r->end, VT_KMSG_END_MARKER);
	assert_true(r->truncated);
	assert_int_equal(r->nchain, VT_KMSG_MAX_CHAIN);
	assert_int_equal(r->chain_dropped, 20 - VT_KMSG_MAX_CHAIN);
	assert_int_equal(r->chain[0].nframes, VT_KMSG_MAX_FRAMES);
	assert_int_equal(r->chain[0].frames_dropped, 40 - VT_KMSG_MAX_FRAMES);
	assert_int_equal(r->nclasses, VT_KMSG_MAX_CLASSES);
	assert_int_equal(r->classes_dropped, 21 - VT_KMSG_MAX_CLASSES);
	assert_int_equal(r->nlocks, VT_KMSG_MAX_LOCKS);
	assert_true(r->locks_dropped > 0);
	assert_int_equal(r->nheld, VT_KMSG_MAX_HELD);
	assert_int_equal(r->held_dropped, 150 - VT_KMSG_MAX_HELD);
	assert_string_equal(r->held[VT_KMSG_MAX_HELD - 1].lock.name, "&held_127");
	assert_int_equal(r->lines_dropped, 0);
	vt_kmsg_free(p);
	got_free(&g);
}

/* A lock list longer than a report's lines: handed over at the limit, the
 * rest of it dropped and counted, and the next report read as usual. */
static void test_huge_lines(void **state)
{
	struct got g = { 0 };
	struct vt_kmsg_parser *p = vt_kmsg_new(collect, &g);
	const struct vt_kmsg_stats *st = vt_kmsg_stats(p);
	struct vt_kmsg_report *r;
	char line[256];

	feed_str(p, "INFO: task CPU 0/KVM:2201 blocked for more than 120 seconds.\n"
		    "Call Trace:\n <TASK>\n schedule+0x5a/0xd0\n </TASK>\n"
		    "\nShowing all locks held in the system:\n");
	for (int t = 0; t < 3000; t++) {
		snprintf(line, sizeof(line), "1 lock held by kworker/%d/%d:\n", t, 100 + t);
		feed_str(p, line);
		snprintf(line, sizeof(line),
			 " #0: ffff888000001000 ((wq_completion)events){+.+.}-{0:0}, at: "
			 "process_one_work+0x1c8/0x5a0\n");
		feed_str(p, line);
	}
	assert_int_equal(g.n, 1);
	r = g.r[0];
	assert_int_equal(r->end, VT_KMSG_END_LIMIT);
	assert_true(r->truncated);
	assert_int_equal(r->nlines, VT_KMSG_MAX_LINES);
	assert_int_equal(r->lines_dropped, 1);
	assert_int_equal(r->nheld, VT_KMSG_MAX_HELD);
	assert_int_equal(r->text_len, strlen(r->text));
	assert_true(r->text_len < VT_KMSG_MAX_TEXT);
	assert_int_equal(st->dropped, 7 + 6000 - VT_KMSG_MAX_LINES);

	/* The list's end is dropped too, without a second report. */
	feed_str(p, "\n=============================================\n\n");
	assert_int_equal(g.n, 1);
	assert_int_equal(st->dropped, 7 + 6000 - VT_KMSG_MAX_LINES + 2);
	feed_str(p, "watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [kworker/1:2:171]\n"
		    "Call Trace:\n <TASK>\n f+0x1/0x2\n </TASK>\n");
	assert_int_equal(g.n, 2);
	assert_int_equal(g.r[1]->kind, VT_KMSG_SOFT_LOCKUP);
	assert_task(&g.r[1]->tasks[0], "kworker/1:2", 171);
	assert_false(g.r[1]->truncated);
	assert_true(st->lines == st->in_reports + st->interleaved + st->unrelated + st->dropped);
	assert_int_equal(st->truncated, 1);
	vt_kmsg_free(p);
	got_free(&g);
}

/* Lines of text long enough to reach the byte limit before the line limit;
 * a line longer than a stored line is cut. */
static void test_huge_text(void **state)
{
	struct got g = { 0 };
	struct vt_kmsg_parser *p = vt_kmsg_new(collect, &g);
	char *line = malloc(3000);

	assert_non_null(line);
	feed_str(p, "INFO: task a:1 blocked for more than 120 seconds.\n");
	memset(line, 'x', 3000);
	line[0] = ' ';
	line[2999] = '\n';
	for (int i = 0; i < 300 && !g.n; i++)
		vt_kmsg_feed(p, line, 3000);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.r[0]->end, VT_KMSG_END_LIMIT);
	assert_true(g.r[0]->nlines < VT_KMSG_MAX_LINES);
	assert_true(g.r[0]->text_len + VT_KMSG_LINE_MAX + 1 > VT_KMSG_MAX_TEXT);
	assert_true(vt_kmsg_stats(p)->decode.lines_cut > 200);
	free(line);
	vt_kmsg_free(p);
	got_free(&g);
}

/* Bytes from a fixed generator, in records and lines of every length: no
 * report, every line counted; broken headers and escapes counted; a splat
 * written by a process is not the kernel's. */
static void test_garbage(void **state)
{
	struct got g = { 0 };
	struct vt_kmsg_parser *p = vt_kmsg_new(collect, &g);
	const struct vt_kmsg_stats *st = vt_kmsg_stats(p);
	unsigned long long x = 88172645463325252ULL;
	char buf[512];

	for (int i = 0; i < 2000; i++) {
		size_t n = (size_t)(i % sizeof(buf));

		for (size_t j = 0; j < n; j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[j] = (char)(x >> 56);
		}
		vt_kmsg_feed(p, buf, n);
	}
	feed_str(p, "12,5,100,-;WARNING: possible circular locking dependency detected\n");
	feed_str(p, "<12>[  1.000000] INFO: task a:1 blocked for more than 120 seconds.\n");
	feed_str(p, "6,7,oops,-;not a header\n");
	feed_str(p, "6,8,100,-;a broken escape \\x4\n");
	vt_kmsg_flush(p);
	assert_int_equal(g.n, 0);
	assert_true(st->lines == st->in_reports + st->interleaved + st->unrelated + st->dropped);
	assert_true(st->decode.malformed >= 1);
	assert_true(st->decode.bad_escapes >= 1);
	vt_kmsg_free(p);
}

/* Bytes that are not printable ASCII are kept escaped, as /dev/kmsg writes
 * them, in names too; a tab is a space. */
static void test_escapes(void **state)
{
	struct got g = { 0 };
	struct vt_kmsg_parser *p = vt_kmsg_new(collect, &g);
	struct vt_kmsg_report *r;

	feed_str(p, "4,1,10,-;=====================================\n"
		    "4,2,11,-;WARNING: possible recursive locking detected\n"
		    "4,3,12,-;6.12.15 #1 Not tainted\n"
		    "4,4,13,-;-------------------------------------\n"
		    "4,5,14,-;vfio\\xc3\\xa9\\x09x/77 is trying to acquire lock:\n"
		    "4,6,15,-;ffff888000001000 (&lock\\x5c\\x01){+.+.}-{3:3}, at: f+0x1/0x2\n"
		    "4,7,16,-;\\x0astack backtrace:\n");
	vt_kmsg_flush(p);
	assert_int_equal(g.n, 1);
	r = g.r[0];
	assert_task(&r->tasks[0], "vfio\\xc3\\xa9 x", 77);
	assert_string_equal(r->acquire.name, "&lock\\x5c\\x01");
	assert_int_equal(r->nlines, 8);
	vt_kmsg_free(p);
	got_free(&g);
}

/* The shapes of single lines, including older kernels' spellings. */
static void test_line_shapes(void **state)
{
	struct vt_kmsg_lock l;
	struct vt_kmsg_task t;
	char name[VT_KMSG_NAME_LEN];
	bool cut = false;
	int depth;

	assert_non_null(kline_lock_name(" ((work_completion)(&(&w->work)->work)){+.+.}-{0:0}", name,
					sizeof(name), &cut));
	assert_string_equal(name, "(work_completion)(&(&w->work)->work)");
	assert_true(kline_lock("ffff88810a98e3f8 (&type->i_mutex_dir_key#12/1){++++}-{3:3}, at: "
			       "f+0x1/0x2",
			       &l, &cut));
	assert_lock(&l, "&type->i_mutex_dir_key#12/1", "f+0x1/0x2", "ffff88810a98e3f8");
	/* 4.x: no wait types, the address in brackets. */
	assert_true(kline_held(" #0:  (&mm->mmap_sem){++++++}, at: [<ffffffff811b3f5f>] "
			       "might_fault+0x5f/0xb0",
			       &depth, &l, &cut));
	assert_lock(&l, "&mm->mmap_sem", "[<ffffffff811b3f5f>] might_fault+0x5f/0xb0", "");
	assert_false(kline_lock("e1000e 0000:00:19.0 eno1: NIC Link is Up", &l, &cut));
	assert_false(kline_lock("() {}", &l, &cut));

	assert_true(kline_task("swapper/0/1 is trying to lock:", &t, &cut));
	assert_task(&t, "swapper/0", 1);
	assert_true(kline_held_by("2 locks held by kworker/u8:3/97:", &t, &cut));
	assert_task(&t, "kworker/u8:3", 97);
	assert_true(kline_held_by("no locks held by CPU 0/KVM/2201.", &t, &cut));
	assert_task(&t, "CPU 0/KVM", 2201);
	assert_true(kline_hung_task("INFO: task kworker/0:1:23 blocked for more than 245 seconds.",
				    &t, &cut));
	assert_task(&t, "kworker/0:1", 23);
	assert_int_equal(t.secs, 245);
	assert_false(kline_hung_task("INFO: task a:1 blocked for more than 1 seconds", &t, &cut));
	assert_true(kline_soft_lockup("NMI watchdog: BUG: soft lockup - CPU#0 stuck for 23s! "
				      "[a:b:5]",
				      &t, &cut));
	assert_task(&t, "a:b", 5);
	assert_int_equal(
		kline_title("[ INFO: possible circular locking dependency detected ]", false),
		VT_KMSG_CIRCULAR);
	assert_int_equal(kline_title("WARNING: bad unlock balance detected!", true),
			 VT_KMSG_LOCKDEP_OTHER);
	/* The generic WARN() is not lockdep's, nor is a WARNING without a banner. */
	assert_int_equal(kline_title("WARNING: CPU: 0 PID: 1 at kernel/foo.c:1 f+0x1/0x2", true),
			 VT_KMSG_KIND_MAX);
	assert_int_equal(kline_title("WARNING: bad unlock balance detected!", false),
			 VT_KMSG_KIND_MAX);
	assert_int_equal(kline_title("BUG: sleeping function called from invalid context at "
				     "kernel/locking/rwsem.c:1523",
				     true),
			 VT_KMSG_KIND_MAX);
	assert_false(cut);
	/* A comm too long for the report (only escapes make one so long). */
	assert_true(kline_hung_task(
		"INFO: task aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaa:1 blocked for more than 1 seconds.",
		&t, &cut));
	assert_true(cut);
	assert_int_equal(strlen(t.comm), VT_KMSG_COMM_LEN - 1);
}

int run_kmsg_report_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_circular_seeds),
		cmocka_unit_test(test_circular_seeds_kmsg),
		cmocka_unit_test(test_circular_chain3),
		cmocka_unit_test(test_three_forms),
		cmocka_unit_test(test_recursive),
		cmocka_unit_test(test_inconsistent),
		cmocka_unit_test(test_irq_inversion),
		cmocka_unit_test(test_suspicious_rcu),
		cmocka_unit_test(test_hung_task),
		cmocka_unit_test(test_hung_task_no_lockdep),
		cmocka_unit_test(test_soft_lockup),
		cmocka_unit_test(test_real_6_12_records),
		cmocka_unit_test(test_interleaved_kmsg),
		cmocka_unit_test(test_interleaved_text),
		cmocka_unit_test(test_cut_off),
		cmocka_unit_test(test_never_ends),
		cmocka_unit_test(test_huge_arrays),
		cmocka_unit_test(test_huge_lines),
		cmocka_unit_test(test_huge_text),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_line_shapes),
	};

	return cmocka_run_group_tests_name("kmsg_report", tests, NULL, NULL);
}
