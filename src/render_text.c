// SPDX-License-Identifier: GPL-2.0
/*
 * The terminal summary, in the look of bcc's libbpf-tools: log2 histograms
 * from print_log2_hist(), lock tables with klockstat's humanized times, under
 * 80 columns, and only what happened in the interval so a quiet device costs
 * one line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "contention.h"
#include "hist.h"
#include "render_text.h"
#include "render_text_fmt.h"

#define DEFAULT_TOP_PROCS 10

struct unit {
	const char *name;
	unsigned divisor;
};

static struct unit unit_of(enum vt_unit u)
{
	switch (u) {
	case VT_UNIT_NS: return (struct unit){ "nsecs", 1 };
	case VT_UNIT_MS: return (struct unit){ "msecs", 1000000 };
	case VT_UNIT_US:
	default: return (struct unit){ "usecs", 1000 };
	}
}

static void print_hist_titled(FILE *f, const char *title, const struct vt_hist *h, struct unit u)
{
	if (hist_last_slot(h) < 0)
		return;
	fprintf(f, "  %s:\n", title);
	print_log2_hist(f, h, u.name, u.divisor);
}

/* "name N, name N" for the non-zero entries; returns how many were printed */
static int print_nonzero(FILE *f, const __u64 *v, int n, const char *(*name)(int))
{
	int printed = 0;

	for (int i = 0; i < n; i++) {
		if (!v[i])
			continue;
		fprintf(f, "%s%s %llu", printed ? ", " : "", name(i), (unsigned long long)v[i]);
		printed++;
	}
	return printed;
}

static int any_nonzero(const __u64 *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i])
			return 1;
	return 0;
}

static void print_fault_table(FILE *f, const struct vt_device_stats *st)
{
	if (!any_nonzero(&st->faults[0][0], VT_BAR_SLOTS * VT_FAULT_RESULT_MAX))
		return;

	fprintf(f, "  %-12s", "mmap faults");
	for (int r = 0; r < VT_FAULT_RESULT_MAX; r++)
		fprintf(f, "%9s", vt_fault_result_name(r));
	fputc('\n', f);

	for (int b = 0; b < VT_BAR_SLOTS; b++) {
		char bar[16];

		if (!any_nonzero(st->faults[b], VT_FAULT_RESULT_MAX))
			continue;
		if (b < VT_MAX_BARS)
			snprintf(bar, sizeof(bar), "BAR%d", b);
		else
			snprintf(bar, sizeof(bar), "BAR?");
		fprintf(f, "    %-10s", bar);
		for (int r = 0; r < VT_FAULT_RESULT_MAX; r++)
			fprintf(f, "%9llu", (unsigned long long)st->faults[b][r]);
		fputc('\n', f);
	}

	if (any_nonzero(st->fault_orders, VT_ORDER_MAX)) {
		fputs("  fault orders: ", f);
		print_nonzero(f, st->fault_orders, VT_ORDER_MAX, vt_fault_order_name);
		fputc('\n', f);
	}
}

static void print_fault_hists(FILE *f, const struct vt_device_stats *st,
			      const struct vt_render_opts *o, struct unit u)
{
	struct vt_hist all;
	char title[64];

	if (!o->per_result) {
		snapshot_fault_latency(st, &all);
		print_hist_titled(f, "fault latency", &all, u);
		return;
	}
	for (int r = 0; r < VT_FAULT_RESULT_MAX; r++) {
		snprintf(title, sizeof(title), "fault latency, %s", vt_fault_result_name(r));
		print_hist_titled(f, title, &st->fault_ns[r], u);
	}
}

/* The bucket bound of the slowest wait: the histogram keeps no exact max. */
static const char *fmt_max_bucket(char *buf, size_t len, const struct vt_hist *h)
{
	char t[32];
	int s = hist_last_slot(h);
	__u64 le;

	if (s < 0)
		return "-";
	if (hist_le_ns(s, &le) == 0) {
		snprintf(buf, len, "<%s", fmt_time(t, le));
	} else {
		__u64 lo, hi;

		hist_slot_bounds(s, &lo, &hi);
		snprintf(buf, len, ">=%s", fmt_time(t, lo));
	}
	return buf;
}

static void print_wait_table(FILE *f, const struct vt_device_stats *st)
{
	char total[32], avg[32], max[40];

	fprintf(f, "  %-12s%13s%13s%13s%13s\n", "memory_lock", "contentions", "wait total",
		"wait avg", "wait max");
	for (int m = 0; m < VT_MODE_MAX; m++) {
		const struct vt_hist *w = &st->wait_ns[m];

		if (!st->contentions[m] && !w->count)
			continue;
		fprintf(f, "    %-10s%13llu%13s%13s%13s\n", vt_lock_mode_name(m),
			(unsigned long long)st->contentions[m], fmt_time(total, w->sum_ns),
			w->count ? fmt_time(avg, w->sum_ns / w->count) : "-",
			fmt_max_bucket(max, sizeof(max), w));
	}
	if (any_nonzero(st->contention_paths, VT_PATH_MAX + 1)) {
		fputs("    waiters on: ", f);
		print_nonzero(f, st->contention_paths, VT_PATH_MAX + 1, vt_lock_path_name);
		fputc('\n', f);
	}
}

static void print_hold_table(FILE *f, const struct vt_device_stats *st)
{
	char total[32], avg[32];

	fprintf(f, "  %-18s%-6s%10s%13s%13s\n", "memory_lock hold", "mode", "count", "total",
		"avg");
	for (int m = 0; m < VT_MODE_MAX; m++)
		for (int p = 0; p < VT_PATH_MAX; p++) {
			const struct vt_hist *h = &st->hold_ns[m][p];

			if (!h->count)
				continue;
			fprintf(f, "    %-16s%-6s%10llu%13s%13s\n", vt_lock_path_name(p),
				vt_lock_mode_name(m), (unsigned long long)h->count,
				fmt_time(total, h->sum_ns), fmt_time(avg, h->sum_ns / h->count));
		}
}

static void print_lock_hists(FILE *f, const struct vt_device_stats *st, struct unit u)
{
	char title[64];

	for (int m = 0; m < VT_MODE_MAX; m++) {
		snprintf(title, sizeof(title), "memory_lock wait, %s", vt_lock_mode_name(m));
		print_hist_titled(f, title, &st->wait_ns[m], u);
	}
	for (int m = 0; m < VT_MODE_MAX; m++)
		for (int p = 0; p < VT_PATH_MAX; p++) {
			snprintf(title, sizeof(title), "memory_lock hold, %s (%s)",
				 vt_lock_path_name(p), vt_lock_mode_name(m));
			print_hist_titled(f, title, &st->hold_ns[m][p], u);
		}
}

static int wait_active(const struct vt_device_stats *st)
{
	for (int m = 0; m < VT_MODE_MAX; m++)
		if (st->contentions[m] || st->wait_ns[m].count)
			return 1;
	return 0;
}

static int hold_active(const struct vt_device_stats *st)
{
	for (int m = 0; m < VT_MODE_MAX; m++)
		for (int p = 0; p < VT_PATH_MAX; p++)
			if (st->hold_ns[m][p].count)
				return 1;
	return 0;
}

static void print_memory_lock(FILE *f, const struct vt_device_stats *st, struct unit u)
{
	if (wait_active(st))
		print_wait_table(f, st);
	if (hold_active(st))
		print_hold_table(f, st);
	print_lock_hists(f, st, u);
}

static void print_vma_lock(FILE *f, const struct vt_device_stats *st, struct unit u)
{
	const struct vt_hist *w = &st->vma_lock_wait_ns;
	char total[32], avg[32];

	if (!st->vma_lock_contentions && !w->count)
		return;
	fprintf(f, "  vma_lock: %llu contentions, wait total %s, avg %s\n",
		(unsigned long long)st->vma_lock_contentions, fmt_time(total, w->sum_ns),
		w->count ? fmt_time(avg, w->sum_ns / w->count) : "-");
	print_hist_titled(f, "vma_lock wait", w, u);
}

static void print_zaps(FILE *f, const struct vt_device_stats *st, struct unit u)
{
	if (!any_nonzero(st->zaps, VT_ZAP_REASON_MAX) && !st->zap_ns.count && !st->zap_vmas)
		return;
	fputs("  bar zaps: ", f);
	if (!print_nonzero(f, st->zaps, VT_ZAP_REASON_MAX, vt_zap_reason_name))
		fputs("none", f);
	if (st->zap_vmas)
		fprintf(f, "; %llu vmas", (unsigned long long)st->zap_vmas);
	fputc('\n', f);
	print_hist_titled(f, "bar zap latency", &st->zap_ns, u);
}

/* ", held by qemu-system-x86[4242] (vm web1)", or "last held by" once it
 * closed the device. */
static void print_owner(FILE *f, const struct vt_device_owner *o)
{
	char comm[VT_COMM_LEN + 1], vm[VT_VM_NAME_LEN + 1];

	if (!o->pid)
		return;
	fprintf(f, ", %s by %s[%u]", o->open ? "held" : "last held",
		printable(comm, sizeof(comm), o->comm, sizeof(o->comm)), o->pid);
	if (o->vm[0])
		fprintf(f, " (vm %s)", printable(vm, sizeof(vm), o->vm, sizeof(o->vm)));
}

/* put_time()'s output without the padding of a one-letter unit ("1.5 s "). */
static const char *trimmed(char *t)
{
	size_t n = strlen(t);

	while (n && t[n - 1] == ' ')
		t[--n] = '\0';
	return t;
}

static void print_memory_state(FILE *f, const struct vt_dev_snapshot *d)
{
	const struct vt_device_stats *st = &d->stats;
	const struct vt_disable_record *last = &d->info.last_disable;
	char comm[VT_COMM_LEN + 1], off[VT_TIME_LEN], method[VT_RESET_METHOD_LEN + 1];
	char via[VT_BDF_LEN + 1];

	if (any_nonzero(st->accesses, VT_ACCESS_KIND_MAX)) {
		fputs("  accesses while memory off: ", f);
		print_nonzero(f, st->accesses, VT_ACCESS_KIND_MAX, vt_access_kind_name);
		fputc('\n', f);
	}
	if (st->memory_disables || st->memory_enables)
		fprintf(f, "  memory disables %llu, enables %llu\n",
			(unsigned long long)st->memory_disables,
			(unsigned long long)st->memory_enables);
	if (st->d3_entries || st->d3_exits)
		fprintf(f, "  D3hot entries %llu, exits %llu\n", (unsigned long long)st->d3_entries,
			(unsigned long long)st->d3_exits);
	if (st->low_power_entries || st->low_power_exits)
		fprintf(f, "  low power entries %llu, exits %llu\n",
			(unsigned long long)st->low_power_entries,
			(unsigned long long)st->low_power_exits);
	if (any_nonzero(st->trylock_failures, VT_TRYLOCK_OP_MAX)) {
		fputs("  trylocks given up: ", f);
		print_nonzero(f, st->trylock_failures, VT_TRYLOCK_OP_MAX, vt_trylock_op_name);
		fputc('\n', f);
	}
	/* The record is cumulative: said in an interval that turned memory off. */
	if (!(st->memory_disables || st->d3_entries || st->low_power_entries ||
	      st->zaps[VT_ZAP_RESET] || st->zaps[VT_ZAP_HOT_RESET]) ||
	    !last->pid)
		return;
	fprintf(f, "  memory last off by %s[%u], %s",
		printable(comm, sizeof(comm), last->comm, sizeof(last->comm)), last->pid,
		vt_off_cause_name((int)last->cause));
	if (last->cause == VT_OFF_RESET && d->reset_method[0])
		fprintf(f, " (%s)",
			printable(method, sizeof(method), d->reset_method,
				  sizeof(d->reset_method)));
	/* A hot reset called on another device of its set. */
	if (d->off_via[0] && strncmp(d->off_via, d->info.bdf, VT_BDF_LEN) != 0)
		fprintf(f, " via %s", printable(via, sizeof(via), d->off_via, sizeof(d->off_via)));
	if (!last->enabled_ts_ns)
		fputs(", still off", f);
	else if (last->enabled_ts_ns >= last->ts_ns)
		fprintf(f, ", for %s",
			(fmt_time(off, last->enabled_ts_ns - last->ts_ns), trimmed(off)));
	fputc('\n', f);
}

/* Frames of each stack in the text summary; JSON has them all. */
#define TEXT_STACK_FRAMES 8

static void print_frames(FILE *f, const struct vt_frames *fr)
{
	char name[256];
	const char *frame = NULL;
	unsigned int i = 0;

	if (!fr->n) {
		fputs("        (no stack)\n", f);
		return;
	}
	while ((frame = snapshot_frame(fr, frame)) && i < TEXT_STACK_FRAMES) {
		fprintf(f, "        %s\n", printable(name, sizeof(name), frame, strlen(frame)));
		i++;
	}
	if (fr->n > i)
		fprintf(f, "        ... %u more\n", fr->n - i);
}

static const char *task_name(char *buf, size_t len, const char *comm, __u32 pid)
{
	char c[VT_COMM_LEN + 1];

	snprintf(buf, len, "%s[%u]", printable(c, sizeof(c), comm, VT_COMM_LEN), pid);
	return buf;
}

static void print_holder(FILE *f, const struct vt_contention_pair *c)
{
	const struct vt_contention *v = &c->val;
	char task[48];

	if (c->key.holder_mode == VT_MODE_WRITE) {
		fprintf(f, "      held for write by %s on %s\n",
			task_name(task, sizeof(task), v->holder_comm, v->holder_pid),
			vt_lock_path_name(c->key.holder_path));
		print_frames(f, &c->holder);
	} else if (c->key.holder_mode == VT_MODE_READ) {
		fprintf(f, "      held for read by up to %u readers, last %s on %s\n", v->readers,
			task_name(task, sizeof(task), v->holder_comm, v->holder_pid),
			vt_lock_path_name(c->key.holder_path));
	} else {
		fputs("      held by no bracket vfio-trace knows of\n", f);
	}
}

/* --stacks: the device's top contended (waiter, holder) pairs, by wait. */
static void print_contention_pairs(FILE *f, const struct vt_snapshot *s,
				   const struct vt_dev_snapshot *d)
{
	const struct vt_contention_pair *top[VT_CONTENTION_TOP];
	size_t total, n = vt_contention_top(s, d->slot, top, VT_CONTENTION_TOP, &total);
	char wait[32], task[48];

	if (!n)
		return;
	fprintf(f, "  memory_lock contention stacks, top %zu of %zu by wait:\n", n, total);
	for (size_t i = 0; i < n; i++) {
		const struct vt_contention_pair *c = top[i];

		fprintf(f, "    %s wait x%llu, total %s, by %s on %s\n",
			vt_lock_mode_name(c->key.waiter_mode), (unsigned long long)c->val.count,
			fmt_time(wait, c->val.wait_ns),
			task_name(task, sizeof(task), c->val.waiter_comm, c->val.waiter_pid),
			vt_lock_path_name(c->key.waiter_path));
		print_frames(f, &c->waiter);
		print_holder(f, c);
	}
}

static int stats_empty(const struct vt_device_stats *st)
{
	static const struct vt_device_stats zero;

	/* every field is a __u64 counter, so there is no padding to differ */
	return !memcmp(st, &zero, sizeof(zero));
}

static void print_device(FILE *f, const struct vt_snapshot *s, const struct vt_dev_snapshot *d,
			 const struct vt_render_opts *o, struct unit u)
{
	const struct vt_device_stats *st = &d->stats;
	char bdf[VT_BDF_LEN + 1];

	printable(bdf, sizeof(bdf), d->info.bdf, sizeof(d->info.bdf));
	if (stats_empty(st)) {
		fprintf(f, "%s: no activity\n", bdf);
		return;
	}
	fprintf(f, "%s (%04x:%04x)", bdf, d->info.vendor & 0xffff, d->info.device_id & 0xffff);
	if (d->instances > 1)
		fprintf(f, ", %u instances", d->instances);
	if (!d->info.vdev)
		fputs(", unbound", f); /* its vfio device was freed */
	print_owner(f, &d->owner);
	fputc('\n', f);

	print_fault_table(f, st);
	print_fault_hists(f, st, o, u);
	print_memory_lock(f, st, u);
	print_contention_pairs(f, s, d);
	print_vma_lock(f, st, u);
	print_zaps(f, st, u);
	print_memory_state(f, d);
	print_hist_titled(f, "memory off, disable to enable", &st->memory_off_ns, u);
	print_hist_titled(f, "BAR blackout, zap to first refault", &st->blackout_ns, u);
	if (st->blackout_failed_accesses)
		fprintf(f, "  accesses refused in a blackout: %llu\n",
			(unsigned long long)st->blackout_failed_accesses);
}

static int pin_active(const struct vt_pin_stats *p)
{
	return p->calls || p->unpin_calls || p->pages || p->unpinned_pages || p->errors;
}

static void print_pins(FILE *f, const struct vt_snapshot *s, struct unit u)
{
	char total[32], avg[32], title[64];
	int any = 0;

	for (int p = 0; p < VT_PIN_PATH_MAX; p++)
		any |= pin_active(&s->pins[p]);
	if (!any)
		return;

	fprintf(f, "%-10s%9s%9s%9s%9s%9s%11s%11s\n", "pins", "calls", "pages", "errors", "unpins",
		"unpinned", "total", "avg");
	for (int p = 0; p < VT_PIN_PATH_MAX; p++) {
		const struct vt_pin_stats *ps = &s->pins[p];
		const struct vt_hist *h = &ps->pin_ns;

		if (!pin_active(ps))
			continue;
		fprintf(f, "  %-8s%9llu%9llu%9llu%9llu%9llu%11s%11s\n", vt_pin_path_name(p),
			(unsigned long long)ps->calls, (unsigned long long)ps->pages,
			(unsigned long long)ps->errors, (unsigned long long)ps->unpin_calls,
			(unsigned long long)ps->unpinned_pages, fmt_time(total, h->sum_ns),
			h->count ? fmt_time(avg, h->sum_ns / h->count) : "-");
	}
	for (int p = 0; p < VT_PIN_PATH_MAX; p++) {
		snprintf(title, sizeof(title), "pin latency, %s", vt_pin_path_name(p));
		print_hist_titled(f, title, &s->pins[p].pin_ns, u);
	}
}

/* Most pages first: pinned memory is what a stuck VM start is waiting on. */
static int cmp_proc(const void *a, const void *b)
{
	const struct vt_proc_snapshot *x = *(const struct vt_proc_snapshot *const *)a;
	const struct vt_proc_snapshot *y = *(const struct vt_proc_snapshot *const *)b;

	if (x->val.pages != y->val.pages)
		return x->val.pages > y->val.pages ? -1 : 1;
	if (x->val.calls != y->val.calls)
		return x->val.calls > y->val.calls ? -1 : 1;
	if (x->key.tgid != y->key.tgid)
		return x->key.tgid < y->key.tgid ? -1 : 1;
	if (x->key.path != y->key.path)
		return x->key.path < y->key.path ? -1 : 1;
	return 0;
}

static int print_top_procs(FILE *f, const struct vt_snapshot *s, unsigned top)
{
	const struct vt_proc_snapshot **v;
	/* A process that runs a VM is named by the VM (QEMU's -name), cut to
	 * the 16 columns of a comm: in 79 columns there is no room for both,
	 * and the JSON has both whole. */
	char name[VT_COMM_LEN + 1], total[32];
	size_t n = 0;

	if (!s->nprocs)
		return 0;
	v = calloc(s->nprocs, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < s->nprocs; i++) {
		const struct vt_pin_proc *p = &s->procs[i].val;

		if (p->calls || p->pages || p->errors)
			v[n++] = &s->procs[i];
	}
	qsort(v, n, sizeof(*v), cmp_proc);

	if (n)
		fprintf(f,
			"  top pinning processes:\n    %-8s %-16s %-8s %8s %10s"
			" %8s %11s\n",
			"PID", "VM/COMM", "PATH", "CALLS", "PAGES", "ERRORS", "TOTAL");
	for (size_t i = 0; i < n && i < top; i++) {
		const struct vt_proc_snapshot *p = v[i];

		fprintf(f, "    %-8u %-16s %-8s %8llu %10llu %8llu %11s\n", p->key.tgid,
			p->vm[0] ? printable(name, sizeof(name), p->vm, sizeof(p->vm))
				 : printable(name, sizeof(name), p->val.comm, sizeof(p->val.comm)),
			vt_pin_path_name((int)p->key.path), (unsigned long long)p->val.calls,
			(unsigned long long)p->val.pages, (unsigned long long)p->val.errors,
			fmt_time(total, p->val.sum_ns));
	}
	free(v);
	return 0;
}

/* Losses are always shown when there are any: a quiet summary must mean
 * nothing happened, not that it was dropped. */
static void print_lost(FILE *f, const struct vt_snapshot *s)
{
	if (any_nonzero(s->lost, VT_LOST_MAX)) {
		fputs("lost: ", f);
		print_nonzero(f, s->lost, VT_LOST_MAX, vt_lost_reason_name);
		fputc('\n', f);
	}
	if (s->map_read_errors)
		fprintf(f, "map read errors: %llu\n", (unsigned long long)s->map_read_errors);
}

static void print_timestamp(FILE *f, double wall_time)
{
	time_t t = (time_t)wall_time;
	struct tm tm;
	char buf[16];

	if (!localtime_r(&t, &tm) || !strftime(buf, sizeof(buf), "%H:%M:%S", &tm))
		snprintf(buf, sizeof(buf), "??:??:??");
	fprintf(f, "%-8s\n", buf);
}

int render_text(FILE *f, const struct vt_snapshot *delta, const struct vt_render_opts *opts)
{
	/* bcc's latency tools default to usecs */
	static const struct vt_render_opts defaults = { .unit = VT_UNIT_US };
	const struct vt_render_opts *o = opts ? opts : &defaults;
	struct unit u = unit_of(o->unit);
	int err;

	if (!f || !delta || (delta->ndevs && !delta->devs) || (delta->nprocs && !delta->procs))
		return -EINVAL;

	fputc('\n', f);
	if (o->timestamp)
		print_timestamp(f, delta->wall_time);
	if (!delta->ndevs)
		fputs("no vfio-pci devices seen\n", f);
	for (size_t i = 0; i < delta->ndevs; i++)
		print_device(f, delta, &delta->devs[i], o, u);

	print_pins(f, delta, u);
	err = print_top_procs(f, delta, o->top_procs ? o->top_procs : DEFAULT_TOP_PROCS);
	if (err)
		return err;
	print_lost(f, delta);
	return ferror(f) ? -EIO : 0;
}

/* Probe names and reasons are the program's own strings, but a reason can
 * quote a module's name: the same rule as for every kernel string. */
static const char *shown(char *buf, size_t len, const char *s)
{
	/* printable() may read all the bytes it is given: a C string has
	 * only its own. */
	return s ? printable(buf, len, s, strnlen(s, len - 1)) : "";
}

int render_text_probes(FILE *f, const struct vt_snapshot *snap)
{
	const struct vt_probe_report *r = snap ? snap->probes : NULL;

	if (!f || !r || (r->n && !r->items))
		return -EINVAL;
	/* The OPERATION column as wide as its longest name: lockdep mode's
	 * (probes --lockdep) are longer than the others. */
	int w = (int)strlen("OPERATION");

	for (size_t i = 0; i < r->n; i++) {
		char op[64];
		int n = (int)strlen(shown(op, sizeof(op), r->items[i].operation));

		w = n > w ? n : w;
	}
	fprintf(f, "%-*s %-36s %-12s %-12s %s\n", w, "OPERATION", "FUNCTION", "MODE", "STATUS",
		"REASON");
	for (size_t i = 0; i < r->n; i++) {
		const struct vt_probe_status *s = &r->items[i];
		char op[64], fn[128], reason[sizeof(s->reason) + 1];

		fprintf(f, "%-*s %-36s %-12s %-12s %s\n", w, shown(op, sizeof(op), s->operation),
			shown(fn, sizeof(fn), s->function), vt_probe_mode_name(s->mode),
			s->attached    ? "attached"
			: s->on_demand ? "on-demand"
				       : "unavailable",
			printable(reason, sizeof(reason), s->reason, sizeof(s->reason)));
	}
	fprintf(f, "\nper-thread state: %s\n",
		r->task_storage ? "task local storage" : "tid-keyed hash");
	return ferror(f) ? -EIO : 0;
}
