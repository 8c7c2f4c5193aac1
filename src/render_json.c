// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON summary: one document per interval (or per snapshot). Every fixed enum is written in full, zeros included, so a
 * consumer sees the same keys every time. Durations are integer ns, so
 * nothing is rounded away; only "time" and "interval_s" are floating point
 * seconds, whose printing depends on LC_NUMERIC: the program must leave it
 * at "C".
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include "contention.h"
#include "hist.h"
#include "json_writer.h"
#include "render_json.h"

/* The PCI IDs are written as in lspci and in the Prometheus info metric. */
static void write_pci_id(struct json_writer *w, const char *key, __u32 id)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%04x", id & 0xffff);
	jw_string(w, key, buf);
}

/* {"count","sum_ns","buckets":[{"le_ns","count"}]}: non-empty slots only,
 * each with its own count; the open-ended last slot has "le_ns": null. */
static void write_hist(struct json_writer *w, const char *key, const struct vt_hist *h)
{
	jw_begin_object(w, key);
	jw_u64(w, "count", h->count);
	jw_u64(w, "sum_ns", h->sum_ns);
	jw_begin_array(w, "buckets");
	for (int s = 0; s < VT_HIST_SLOTS; s++) {
		__u64 le;

		if (!h->slots[s])
			continue;
		jw_begin_object(w, NULL);
		if (hist_le_ns(s, &le) == 0)
			jw_u64(w, "le_ns", le);
		else
			jw_null(w, "le_ns");
		jw_u64(w, "count", h->slots[s]);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_end_object(w);
}

/* {name(i): v[i]} for a counter array indexed by one enum */
static void write_named_counters(struct json_writer *w, const char *key, const __u64 *v, int n,
				 const char *(*name)(int))
{
	jw_begin_object(w, key);
	for (int i = 0; i < n; i++)
		jw_u64(w, name(i), v[i]);
	jw_end_object(w);
}

static const char *bar_key(int bar, char *buf, size_t len)
{
	if (bar >= VT_MAX_BARS)
		return "unknown";
	snprintf(buf, len, "%d", bar);
	return buf;
}

static void write_faults(struct json_writer *w, const struct vt_device_stats *st)
{
	__u64 by_result[VT_FAULT_RESULT_MAX];
	struct vt_hist all;
	char buf[16];

	snapshot_faults_by_result(st, by_result);
	snapshot_fault_latency(st, &all);

	jw_begin_object(w, "faults");
	write_named_counters(w, "by_result", by_result, VT_FAULT_RESULT_MAX, vt_fault_result_name);
	jw_begin_object(w, "by_bar");
	for (int b = 0; b < VT_BAR_SLOTS; b++)
		write_named_counters(w, bar_key(b, buf, sizeof(buf)), st->faults[b],
				     VT_FAULT_RESULT_MAX, vt_fault_result_name);
	jw_end_object(w);
	jw_end_object(w);

	write_named_counters(w, "fault_orders", st->fault_orders, VT_ORDER_MAX,
			     vt_fault_order_name);
	write_hist(w, "fault_latency_ns", &all);
}

static void write_memory_lock(struct json_writer *w, const struct vt_device_stats *st)
{
	jw_begin_object(w, "memory_lock");
	/* The last is "unknown": a waiter on no traced path. */
	write_named_counters(w, "contentions_by_path", st->contention_paths, VT_PATH_MAX + 1,
			     vt_lock_path_name);
	for (int m = 0; m < VT_MODE_MAX; m++) {
		jw_begin_object(w, vt_lock_mode_name(m));
		jw_u64(w, "contentions", st->contentions[m]);
		write_hist(w, "wait_ns", &st->wait_ns[m]);
		jw_begin_object(w, "hold_ns");
		for (int p = 0; p < VT_PATH_MAX; p++)
			if (vt_lock_path_mode(p) == m)
				write_hist(w, vt_lock_path_name(p), &st->hold_ns[m][p]);
		jw_end_object(w);
		jw_end_object(w);
	}
	jw_end_object(w);

	jw_begin_object(w, "vma_lock");
	jw_u64(w, "contentions", st->vma_lock_contentions);
	write_hist(w, "wait_ns", &st->vma_lock_wait_ns);
	jw_end_object(w);
}

static void write_zaps(struct json_writer *w, const struct vt_device_stats *st)
{
	jw_begin_object(w, "zaps");
	write_named_counters(w, "by_reason", st->zaps, VT_ZAP_REASON_MAX, vt_zap_reason_name);
	jw_u64(w, "vmas", st->zap_vmas);
	write_hist(w, "latency_ns", &st->zap_ns);
	jw_end_object(w);
}

/* A zero record means no disable was ever seen: pid 0 is not a vfio user. */
static void write_last_disable(struct json_writer *w, const struct vt_dev_snapshot *d)
{
	const struct vt_disable_record *r = &d->info.last_disable;

	if (!r->ts_ns && !r->pid) {
		jw_null(w, "last_disable");
		return;
	}
	jw_begin_object(w, "last_disable");
	jw_u64(w, "ts_ns", r->ts_ns);
	jw_u64(w, "pid", r->pid);
	jw_u64(w, "tid", r->tid);
	jw_string_n(w, "comm", r->comm, sizeof(r->comm));
	jw_string(w, "cause", vt_off_cause_name((int)r->cause));
	/* null while memory is still off */
	if (r->enabled_ts_ns)
		jw_u64(w, "enabled_ts_ns", r->enabled_ts_ns);
	else
		jw_null(w, "enabled_ts_ns");
	/* a reset's: the device it was called on (a hot reset's set names it
	 * on each device); null for other causes */
	if (d->off_via[0])
		jw_string_n(w, "via", d->off_via, sizeof(d->off_via));
	else
		jw_null(w, "via");
	jw_end_object(w);
}

/* null until a process has been seen holding the device open. */
static void write_owner(struct json_writer *w, const struct vt_device_owner *o)
{
	if (!o->pid) {
		jw_null(w, "owner");
		return;
	}
	jw_begin_object(w, "owner");
	jw_u64(w, "pid", o->pid);
	jw_string_n(w, "comm", o->comm, sizeof(o->comm));
	jw_string_n(w, "vm", o->vm, sizeof(o->vm));
	jw_string_n(w, "cgroup", o->cgroup, sizeof(o->cgroup));
	jw_bool(w, "open", o->open);
	jw_end_object(w);
}

static void write_frames(struct json_writer *w, const struct vt_frames *fr)
{
	const char *frame = NULL;

	jw_begin_array(w, "stack");
	while ((frame = snapshot_frame(fr, frame)))
		jw_string(w, NULL, frame);
	jw_end_array(w);
}

static void write_task(struct json_writer *w, __u32 pid, __u32 tid, const char *comm)
{
	jw_u64(w, "pid", pid);
	jw_u64(w, "tid", tid);
	jw_string_n(w, "comm", comm, VT_COMM_LEN);
}

/* The holder: "mode" write (the write owner, with its stack from when it
 * took the lock), read (readers: the most seen and the last one; no stack),
 * or null with every other member null (nobody vfio-trace knows of). */
static void write_holder(struct json_writer *w, const struct vt_contention_pair *c)
{
	const struct vt_contention *v = &c->val;
	bool known = c->key.holder_mode < VT_MODE_MAX;

	jw_begin_object(w, "holder");
	if (known) {
		jw_string(w, "mode", vt_lock_mode_name(c->key.holder_mode));
		jw_string(w, "path", vt_lock_path_name(c->key.holder_path));
		write_task(w, v->holder_pid, v->holder_tid, v->holder_comm);
	} else {
		jw_null(w, "mode");
		jw_null(w, "path");
		jw_null(w, "pid");
		jw_null(w, "tid");
		jw_null(w, "comm");
	}
	if (c->key.holder_mode == VT_MODE_READ)
		jw_u64(w, "readers", v->readers);
	else
		jw_null(w, "readers");
	write_frames(w, &c->holder);
	jw_end_object(w);
}

/* --stacks: the top pairs, when the device has any in this snapshot. */
static void write_contention_pairs(struct json_writer *w, const struct vt_snapshot *s,
				   const struct vt_dev_snapshot *d)
{
	const struct vt_contention_pair *top[VT_CONTENTION_TOP];
	size_t total, n = vt_contention_top(s, d->slot, top, VT_CONTENTION_TOP, &total);

	if (!n)
		return;
	jw_begin_object(w, "contention_stacks");
	jw_u64(w, "pairs", total);
	jw_begin_array(w, "top");
	for (size_t i = 0; i < n; i++) {
		const struct vt_contention_pair *c = top[i];

		jw_begin_object(w, NULL);
		jw_u64(w, "count", c->val.count);
		jw_u64(w, "wait_ns", c->val.wait_ns);
		jw_begin_object(w, "waiter");
		jw_string(w, "mode", vt_lock_mode_name(c->key.waiter_mode));
		jw_string(w, "path", vt_lock_path_name(c->key.waiter_path));
		write_task(w, c->val.waiter_pid, c->val.waiter_tid, c->val.waiter_comm);
		write_frames(w, &c->waiter);
		jw_end_object(w);
		write_holder(w, c);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_end_object(w);
}

static void write_device(struct json_writer *w, const struct vt_snapshot *s,
			 const struct vt_dev_snapshot *d)
{
	const struct vt_device_stats *st = &d->stats;

	jw_begin_object(w, NULL);
	jw_string_n(w, "bdf", d->info.bdf, sizeof(d->info.bdf));
	write_pci_id(w, "vendor", d->info.vendor);
	write_pci_id(w, "device_id", d->info.device_id);
	jw_u64(w, "instances", d->instances);
	/* False once its vfio device was freed (unbind, hot-unplug) and until
	 * a new binding is seen: vt_device_forget() clears info.vdev. */
	jw_bool(w, "bound", d->info.vdev != 0);
	write_owner(w, &d->owner);
	/* null where the kernel does not say (before 5.15, or no reset) */
	if (d->reset_method[0])
		jw_string_n(w, "reset_method", d->reset_method, sizeof(d->reset_method));
	else
		jw_null(w, "reset_method");
	write_faults(w, st);
	write_memory_lock(w, st);
	write_contention_pairs(w, s, d);
	write_zaps(w, st);
	write_named_counters(w, "disabled_memory_accesses", st->accesses, VT_ACCESS_KIND_MAX,
			     vt_access_kind_name);
	jw_u64(w, "memory_disables", st->memory_disables);
	jw_u64(w, "memory_enables", st->memory_enables);
	jw_u64(w, "d3_entries", st->d3_entries);
	jw_u64(w, "d3_exits", st->d3_exits);
	jw_u64(w, "low_power_entries", st->low_power_entries);
	jw_u64(w, "low_power_exits", st->low_power_exits);
	write_hist(w, "memory_off_ns", &st->memory_off_ns);
	write_last_disable(w, d);
	write_named_counters(w, "trylock_failures", st->trylock_failures, VT_TRYLOCK_OP_MAX,
			     vt_trylock_op_name);
	write_hist(w, "blackout_ns", &st->blackout_ns);
	jw_u64(w, "blackout_failed_accesses", st->blackout_failed_accesses);
	jw_bool(w, "blackout_open", d->info.blackout_start_ns != 0);
	jw_end_object(w);
}

static void write_pins(struct json_writer *w, const struct vt_snapshot *s)
{
	jw_begin_object(w, "pins");
	for (int p = 0; p < VT_PIN_PATH_MAX; p++) {
		const struct vt_pin_stats *ps = &s->pins[p];

		jw_begin_object(w, vt_pin_path_name(p));
		jw_u64(w, "calls", ps->calls);
		jw_u64(w, "pages", ps->pages);
		jw_u64(w, "errors", ps->errors);
		jw_u64(w, "unpin_calls", ps->unpin_calls);
		jw_u64(w, "unpinned_pages", ps->unpinned_pages);
		write_hist(w, "latency_ns", &ps->pin_ns);
		jw_end_object(w);
	}
	jw_end_object(w);

	jw_begin_array(w, "pin_processes");
	for (size_t i = 0; i < s->nprocs; i++) {
		const struct vt_proc_snapshot *pr = &s->procs[i];

		jw_begin_object(w, NULL);
		jw_u64(w, "pid", pr->key.tgid);
		jw_string(w, "path", vt_pin_path_name((int)pr->key.path));
		jw_string_n(w, "comm", pr->val.comm, sizeof(pr->val.comm));
		if (pr->vm[0])
			jw_string_n(w, "vm", pr->vm, sizeof(pr->vm));
		else
			jw_null(w, "vm");
		jw_u64(w, "calls", pr->val.calls);
		jw_u64(w, "pages", pr->val.pages);
		jw_u64(w, "errors", pr->val.errors);
		jw_u64(w, "sum_ns", pr->val.sum_ns);
		jw_end_object(w);
	}
	jw_end_array(w);
}

void render_json_write_probes(struct json_writer *w, const struct vt_probe_report *probes)
{
	if (!probes) {
		jw_null(w, "probes");
		return;
	}
	jw_begin_array(w, "probes");
	for (size_t i = 0; i < probes->n; i++) {
		const struct vt_probe_status *p = &probes->items[i];

		jw_begin_object(w, NULL);
		jw_string(w, "operation", p->operation);
		jw_string(w, "function", p->function);
		jw_string(w, "mode", vt_probe_mode_name(p->mode));
		jw_bool(w, "attached", p->attached);
		jw_bool(w, "on_demand", p->on_demand);
		jw_string_n(w, "reason", p->reason, sizeof(p->reason));
		jw_end_object(w);
	}
	jw_end_array(w);
}

int render_json(FILE *f, const struct vt_snapshot *snap)
{
	const struct vt_probe_report *probes = snap ? snap->probes : NULL;
	struct json_writer w;

	if (!f || !snap || (snap->ndevs && !snap->devs) || (snap->nprocs && !snap->procs) ||
	    (probes && probes->n && !probes->items))
		return -EINVAL;

	jw_init(&w, f);
	jw_begin_object(&w, NULL);
	jw_double(&w, "time", snap->wall_time, 6);
	if (snap->interval)
		jw_double(&w, "interval_s", snap->mono_ns / 1e9, 6);
	else
		jw_null(&w, "interval_s");

	jw_begin_array(&w, "devices");
	for (size_t i = 0; i < snap->ndevs; i++)
		write_device(&w, snap, &snap->devs[i]);
	jw_end_array(&w);

	write_pins(&w, snap);
	write_named_counters(&w, "lost", snap->lost, VT_LOST_MAX, vt_lost_reason_name);
	jw_u64(&w, "map_read_errors", snap->map_read_errors);
	render_json_write_probes(&w, probes);
	jw_end_object(&w);
	return jw_finish(&w);
}

int render_json_probes(FILE *f, const struct vt_snapshot *snap)
{
	const struct vt_probe_report *probes = snap ? snap->probes : NULL;
	struct json_writer w;

	if (!f || !probes || (probes->n && !probes->items))
		return -EINVAL;
	jw_init(&w, f);
	jw_begin_object(&w, NULL);
	render_json_write_probes(&w, probes);
	jw_string(&w, "per_thread_state", probes->task_storage ? "task_storage" : "hash");
	jw_end_object(&w);
	return jw_finish(&w);
}
