/* SPDX-License-Identifier: GPL-2.0 */
/* DMA page pinning: calls, pages, errors and latency by path and by process. */
#ifndef VT_PIN_BPF_H
#define VT_PIN_BPF_H

#include "maps.bpf.h"
#include "hist.bpf.h"
#include "slow.bpf.h"

/* @direct: fentry, not a kprobe. */
static __always_inline int vt_pin_begin(void *ctx, __u32 path, bool direct)
{
	struct vt_pin_start start = { .ts = bpf_ktime_get_ns(), .path = path };
	__u32 tid = vt_tid();

	if (!vt_task_allowed())
		return 0;
	VT_SLOW_ENTRY(ctx, VT_SLOW_PIN, direct);
	if (bpf_map_update_elem(&pins_inflight, &tid, &start, BPF_ANY))
		vt_lost(VT_LOST_TASK_MAP_FULL);
	return 0;
}

static __always_inline void vt_pin_account_proc(__u32 path, __u64 pages, bool failed, __u64 ns)
{
	struct vt_pin_proc_key key = { .tgid = bpf_get_current_pid_tgid() >> 32, .path = path };
	struct vt_pin_proc *proc = bpf_map_lookup_elem(&pin_procs, &key);

	if (!proc) {
		struct vt_pin_proc zero = {};

		bpf_get_current_comm(zero.comm, sizeof(zero.comm));
		if (bpf_map_update_elem(&pin_procs, &key, &zero, BPF_NOEXIST) &&
		    !bpf_map_lookup_elem(&pin_procs, &key)) {
			vt_lost(VT_LOST_PROC_MAP_FULL);
			return;
		}
		proc = bpf_map_lookup_elem(&pin_procs, &key);
		if (!proc)
			return;
	}
	__sync_fetch_and_add(&proc->calls, 1);
	__sync_fetch_and_add(&proc->pages, pages);
	if (failed)
		__sync_fetch_and_add(&proc->errors, 1);
	__sync_fetch_and_add(&proc->sum_ns, ns);
}

/* @ret: pages pinned, or a negative errno. @ctx: the program's, for a slow
 * pin's stack; @direct: fexit, not a kretprobe. */
static __always_inline int vt_pin_end(void *ctx, long ret, bool direct)
{
	__u32 tid = vt_tid();
	struct vt_pin_start *start = bpf_map_lookup_elem(&pins_inflight, &tid);
	struct vt_pin_stats *stats;
	__u64 ns, pages;
	__u32 path;

	if (!start)
		return 0;
	ns = bpf_ktime_get_ns() - start->ts;
	path = start->path;
	bpf_map_delete_elem(&pins_inflight, &tid);
	stats = bpf_map_lookup_elem(&pin_stats, &path);
	if (!stats) {
		VT_SLOW_DROP(VT_SLOW_PIN, direct);
		return 0;
	}
	pages = ret > 0 ? ret : 0;
	__sync_fetch_and_add(&stats->calls, 1);
	__sync_fetch_and_add(&stats->pages, pages);
	if (ret < 0)
		__sync_fetch_and_add(&stats->errors, 1);
	vt_hist_add(&stats->pin_ns, ns);
	VT_SLOW(ctx, NULL, VT_SLOW_PIN, path, ns, VT_MAX_BARS, 0, ret, direct);
	VT_SLOW_DROP(VT_SLOW_PIN, direct);
	vt_pin_account_proc(path, pages, ret < 0, ns);
	return 0;
}

static __always_inline int vt_unpin(__u32 path, long npage)
{
	struct vt_pin_stats *stats;

	if (!vt_task_allowed() || npage <= 0)
		return 0;
	stats = bpf_map_lookup_elem(&pin_stats, &path);
	if (!stats)
		return 0;
	__sync_fetch_and_add(&stats->unpin_calls, 1);
	__sync_fetch_and_add(&stats->unpinned_pages, npage);
	return 0;
}

/* iommufd accounts pins in one place, do_update_pinned(pages, npages, inc, user),
 * as deltas: pinned on the way in, unpinned on the way out. */
static __always_inline int vt_iommufd_pinned(unsigned long npages, bool inc, int ret)
{
	__u32 path = VT_PIN_IOMMUFD;
	struct vt_pin_stats *stats;

	if (ret || !vt_task_allowed())
		return 0;
	stats = bpf_map_lookup_elem(&pin_stats, &path);
	if (!stats)
		return 0;
	if (inc) {
		__sync_fetch_and_add(&stats->pages, npages);
	} else {
		__sync_fetch_and_add(&stats->unpin_calls, 1);
		__sync_fetch_and_add(&stats->unpinned_pages, npages);
	}
	return 0;
}

/* The same from a kprobe and a kretprobe: the entry keeps the arguments
 * per thread until the return. */
static __always_inline int vt_iommufd_pinned_entry(unsigned long npages, bool inc)
{
	struct vt_iommufd_update u = { .npages = npages, .inc = inc };
	__u32 tid = vt_tid();

	if (!vt_task_allowed())
		return 0;
	if (bpf_map_update_elem(&iommufd_updates, &tid, &u, BPF_ANY))
		vt_lost(VT_LOST_TASK_MAP_FULL);
	return 0;
}

static __always_inline int vt_iommufd_pinned_return(int ret)
{
	__u32 tid = vt_tid();
	struct vt_iommufd_update *u = bpf_map_lookup_elem(&iommufd_updates, &tid);
	struct vt_iommufd_update copy;

	if (!u)
		return 0;
	copy = *u;
	bpf_map_delete_elem(&iommufd_updates, &tid);
	return vt_iommufd_pinned(copy.npages, copy.inc, ret);
}

#endif /* VT_PIN_BPF_H */
