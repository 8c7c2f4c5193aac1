/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BAR read()/write() through the device fd, and ioeventfd writes: the two ways
 * besides mmap to touch device memory. Both refuse when memory is disabled:
 * read()/write() with -EIO, ioeventfd by silently skipping the write.
 */
#ifndef VT_ACCESS_BPF_H
#define VT_ACCESS_BPF_H

#include "maps.bpf.h"
#include "core_fixes.bpf.h"
#include "device.bpf.h"
#include "hold.bpf.h"
#include "events.bpf.h"
#include "trylock.bpf.h"
#include "blackout.bpf.h"

#define VT_EIO 5

static __always_inline int vt_bar_rw_begin(vt_vdev_t *vdev, loff_t *ppos, bool iswrite)
{
	loff_t pos = 0;

	if (!vt_task_allowed())
		return 0;
	/* Not VT_READ: fentry sees a loff_t * as a number too. */
	bpf_probe_read_kernel(&pos, sizeof(pos), ppos);
	vt_hold_begin_on(vdev, VT_PATH_BAR_RW, VT_MODE_READ, pos, iswrite, false);
	return 0;
}

static __always_inline int vt_bar_rw_end(long ret)
{
	__u64 now = bpf_ktime_get_ns();
	struct vt_device *dev;
	struct vt_hold *hold;
	__u64 pos;

	if (!vt_task_allowed())
		return 0;
	hold = vt_hold_find(VT_PATH_BAR_RW);
	if (!hold)
		return 0;
	dev = vt_hold_device(hold);
	/* vfio_pci_bar_rw() returns -EIO only when memory is disabled; its other
	 * errors are -EINVAL, -ENOMEM, -EBUSY and -EFAULT. */
	if (dev && ret == -VT_EIO) {
		pos = hold->arg0;
		__sync_fetch_and_add(&dev->stats.accesses[VT_ACCESS_EIO], 1);
		vt_blackout_refused(dev);
		vt_emit(dev, VT_EV_EIO, pos >> VT_VFIO_PCI_OFFSET_SHIFT,
			pos & VT_VFIO_PCI_OFFSET_MASK, ret);
	}
	vt_hold_end(hold, dev, now);
	return 0;
}

/*
 * ioeventfd writes: vfio_pci_ioeventfd_handler() (from the eventfd wakeup, with
 * a read trylock) or, when the lock is contended, vfio_pci_ioeventfd_thread().
 * Either skips the write silently when __vfio_pci_memory_enabled() says no, so
 * that answer, given inside one of the two, is a dropped write.
 *
 * But __vfio_pci_memory_enabled() also runs on every BAR read and mmap fault,
 * where a probe on it costs about a quarter of vfio-trace's time per event
 * (bench/README.md). So user space attaches it on demand: when an ioeventfd is
 * registered (VFIO_DEVICE_IOEVENTFD) or, for one registered before we started,
 * when one first fires. A handler that began before the probe was live decides
 * at its exit from the device's state instead, as __vfio_pci_memory_enabled()
 * would; that is exact unless a config write toggles memory during the
 * handler, and it is the only way for the first writes.
 */
/* Not inlined: with vt_device_get() it is thousands of instructions, called
 * from six programs; one copy keeps the object smaller, and with it the
 * memory libbpf needs to load it (the frontend's peak RSS). */
static __noinline void vt_ioeventfd_dropped(struct vfio_pci_ioeventfd___vt *ioeventfd)
{
	struct vt_device *dev;
	__u32 slot;
	__u64 pos;

	dev = vt_device_get(BPF_CORE_READ(ioeventfd, vdev), &slot);
	if (!dev)
		return;
	pos = BPF_CORE_READ(ioeventfd, pos);
	__sync_fetch_and_add(&dev->stats.accesses[VT_ACCESS_IOEVENTFD_DROP], 1);
	vt_blackout_refused(dev);
	vt_emit(dev, VT_EV_IOEVENTFD_DROP, BPF_CORE_READ(ioeventfd, bar),
		pos & VT_VFIO_PCI_OFFSET_MASK, 0);
}

/* The handler's read trylock failed: the write is left to the thread. */
static __noinline void vt_ioeventfd_deferred(struct vfio_pci_ioeventfd___vt *ioeventfd, __u64 since)
{
	__u32 slot;

	if (vt_device_get(BPF_CORE_READ(ioeventfd, vdev), &slot))
		vt_trylock_failed(slot, VT_TRYLOCK_IOEVENTFD, VT_MODE_READ, VT_PATH_MAX, since, 0);
}

static __always_inline int vt_ioeventfd_begin(struct vfio_pci_ioeventfd___vt *ioeventfd)
{
	struct vt_ioeventfd_call call = {
		.ioeventfd = (__u64)ioeventfd,
		.checked = ioeventfd_check_live,
		.ts = bpf_ktime_get_ns(),
	};
	__u32 tid = vt_tid();

	vt_want_ioeventfd_check();
	if (bpf_map_update_elem(&ioeventfds_inflight, &tid, &call, BPF_ANY))
		vt_lost(VT_LOST_TASK_MAP_FULL);
	return 0;
}

/* @deferred: the handler returned 1, leaving the write to the thread. */
static __always_inline int vt_ioeventfd_end(bool deferred)
{
	struct vfio_pci_ioeventfd___vt *ioeventfd;
	struct vt_ioeventfd_call *call;
	__u32 tid = vt_tid();

	call = bpf_map_lookup_elem(&ioeventfds_inflight, &tid);
	if (!call)
		return 0;
	ioeventfd = (struct vfio_pci_ioeventfd___vt *)call->ioeventfd;
	if (deferred && vt_task_allowed())
		vt_ioeventfd_deferred(ioeventfd, call->ts);
	if (!call->checked && !deferred && vt_task_allowed() &&
	    BPF_CORE_READ(ioeventfd, test_mem) &&
	    !vt_memory_enabled(BPF_CORE_READ(ioeventfd, vdev)))
		vt_ioeventfd_dropped(ioeventfd);
	bpf_map_delete_elem(&ioeventfds_inflight, &tid);
	return 0;
}

static __always_inline int vt_memory_enabled_result(bool enabled)
{
	struct vt_ioeventfd_call *call;
	__u32 tid;

	if (enabled || !vt_task_allowed())
		return 0;
	tid = vt_tid();
	call = bpf_map_lookup_elem(&ioeventfds_inflight, &tid);
	/* Unchecked: its exit decides, once. */
	if (!call || !call->checked)
		return 0;
	vt_ioeventfd_dropped((struct vfio_pci_ioeventfd___vt *)call->ioeventfd);
	return 0;
}

#endif /* VT_ACCESS_BPF_H */
