/* SPDX-License-Identifier: GPL-2.0 */
/* BAR mmap faults: count by BAR and result, latency, order, SIGBUS events. */
#ifndef VT_FAULT_BPF_H
#define VT_FAULT_BPF_H

#include "maps.bpf.h"
#include "core_fixes.bpf.h"
#include "device.bpf.h"
#include "hist.bpf.h"
#include "hold.bpf.h"
#include "events.bpf.h"
#include "slow.bpf.h"
#include "blackout.bpf.h"

#define VT_PMD_ORDER 9
#define VT_PUD_ORDER 18

static __always_inline __u32 vt_fault_order_class(__u32 order)
{
	if (order == 0)
		return VT_ORDER_PAGE;
	if (order == VT_PMD_ORDER)
		return VT_ORDER_PMD;
	if (order == VT_PUD_ORDER)
		return VT_ORDER_PUD;
	return VT_ORDER_OTHER;
}

static __always_inline __u32 vt_fault_result(__u32 ret)
{
	/* SIGBUS first: it is the answer vfio gives for disabled memory. */
	if (ret & VM_FAULT_SIGBUS)
		return VT_FAULT_SIGBUS;
	if (ret & VM_FAULT_OOM)
		return VT_FAULT_OOM;
	if (ret & VM_FAULT_FALLBACK)
		return VT_FAULT_FALLBACK;
	if (ret & VM_FAULT_NOPAGE)
		return VT_FAULT_NOPAGE;
	return VT_FAULT_OTHER;
}

/* @nestable: the huge fault handler, which may run inside the page fault one.
 * @direct: @vmf is an fentry argument (VT_READ). */
static __always_inline int vt_fault_begin(void *ctx, struct vm_fault *vmf, __u32 order_class,
					  bool nestable, bool direct)
{
	struct vm_area_struct *vma;

	if (!vt_task_allowed())
		return 0;
	VT_SLOW_ENTRY(ctx, VT_SLOW_FAULT, direct);
	vma = VT_READ(direct, vmf, vma);
	vt_hold_begin_on(vt_vdev_from_vma(vma, direct), VT_PATH_FAULT, VT_MODE_READ, (__u64)vmf,
			 order_class, nestable);
	return 0;
}

/* @vmf: the fexit argument, read directly; NULL from a kretprobe, which takes
 * the one saved at entry and reads it with helpers. @ctx: the program's, for
 * a slow fault's stack. */
static __always_inline int vt_fault_end(void *ctx, struct vm_fault *vmf, __u32 ret, bool direct)
{
	__u64 now = bpf_ktime_get_ns();
	struct vm_area_struct *vma;
	struct vt_device *dev;
	struct vt_hold *hold;
	__u64 offset, address;
	__u32 result, bar;

	if (!vt_task_allowed())
		return 0;
	hold = vt_hold_find(VT_PATH_FAULT);
	if (!hold) {
		VT_SLOW_DROP(VT_SLOW_FAULT, direct);
		return 0;
	}
	/* A nested run (6.12+: the page fault handler calling the huge one)
	 * leaves the entry's stack to the outer run's return. */
	if (vt_hold_unnest(hold))
		return 0;
	dev = vt_hold_device(hold);
	if (!dev)
		goto out;

	if (!direct)
		vmf = (struct vm_fault *)hold->arg0;
	vma = VT_READ(direct, vmf, vma);
	address = VT_READ(direct, vmf, address);
	bar = vt_vma_bar(dev, VT_READ(direct, vma, vm_pgoff),
			 address - VT_READ(direct, vma, vm_start), &offset);
	result = vt_fault_result(ret);
	if (bar > VT_MAX_BARS)
		bar = VT_MAX_BARS;

	__sync_fetch_and_add(&dev->stats.faults[bar][result], 1);
	if (hold->arg1 < VT_ORDER_MAX)
		__sync_fetch_and_add(&dev->stats.fault_orders[hold->arg1], 1);
	vt_hist_add(&dev->stats.fault_ns[result], now - hold->t_entry);
	VT_SLOW(ctx, dev, VT_SLOW_FAULT, (__u32)hold->arg1, now - hold->t_entry, bar, offset, ret,
		direct);
	if (result == VT_FAULT_NOPAGE)
		vt_blackout_refault(dev, hold->slot, hold->t_entry, now);
	if (result == VT_FAULT_SIGBUS) {
		__sync_fetch_and_add(&dev->stats.accesses[VT_ACCESS_SIGBUS], 1);
		vt_blackout_refused(dev);
		vt_emit(dev, VT_EV_SIGBUS, bar, offset, ret);
	}
out:
	VT_SLOW_DROP(VT_SLOW_FAULT, direct);
	vt_hold_end(hold, dev, now);
	return 0;
}

#endif /* VT_FAULT_BPF_H */
