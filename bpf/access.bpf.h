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
 */
static __always_inline int vt_ioeventfd_begin(struct vfio_pci_ioeventfd___vt *ioeventfd)
{
	__u32 tid = vt_tid();
	__u64 key = (__u64)ioeventfd;

	if (bpf_map_update_elem(&ioeventfds_inflight, &tid, &key, BPF_ANY))
		vt_lost(VT_LOST_TASK_MAP_FULL);
	return 0;
}

static __always_inline int vt_ioeventfd_end(void)
{
	__u32 tid = vt_tid();

	bpf_map_delete_elem(&ioeventfds_inflight, &tid);
	return 0;
}

static __always_inline int vt_memory_enabled_result(bool enabled)
{
	struct vfio_pci_ioeventfd___vt *ioeventfd;
	struct vt_device *dev;
	__u32 tid = vt_tid();
	__u64 *key, pos;
	__u32 slot;

	if (enabled || !vt_task_allowed())
		return 0;
	key = bpf_map_lookup_elem(&ioeventfds_inflight, &tid);
	if (!key)
		return 0;
	ioeventfd = (struct vfio_pci_ioeventfd___vt *)*key;
	dev = vt_device_get(BPF_CORE_READ(ioeventfd, vdev), &slot);
	if (!dev)
		return 0;
	pos = BPF_CORE_READ(ioeventfd, pos);
	__sync_fetch_and_add(&dev->stats.accesses[VT_ACCESS_IOEVENTFD_DROP], 1);
	vt_emit(dev, VT_EV_IOEVENTFD_DROP, BPF_CORE_READ(ioeventfd, bar),
		pos & VT_VFIO_PCI_OFFSET_MASK, 0);
	return 0;
}

#endif /* VT_ACCESS_BPF_H */
