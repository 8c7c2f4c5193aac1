/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Power states as a cause of memory off. Since 5.19 (2b2c651baf1c
 * "vfio/pci: Invalidate mmaps and block the access in D3hot power state") a
 * device vfio put into D3hot refuses BAR access like one whose PCI_COMMAND
 * has MEM clear: a fault gets SIGBUS, read()/write() -EIO. vfio moves a
 * device there when the user writes D3hot to the PM capability's control
 * register, and, on kernels before vfio left an unused device to runtime PM
 * (5.15 in the test bed), when the device goes idle
 * (its last close); each move is vfio_pci_set_power_state(). Before 5.19 the
 * move is recorded the same way, but the kernel still lets the BARs be
 * accessed, so no failed access names it.
 *
 * Since 6.1 the user can also ask for runtime PM's low power state ("vfio/pci:
 * Implement VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY/EXIT", Abhishek Sahu, 2022):
 * vfio zaps the BARs and refuses every mmap access (SIGBUS) until
 * LOW_POWER_EXIT; read() and write() wake the device for their access. The
 * PCI core, not vfio_pci_set_power_state(), then moves it into D3hot, so the
 * request itself is the cause recorded. A close while in it ends it inside
 * vfio_pci_core_disable(), where no probe of ours sees it: the record stays
 * open until the next request.
 */
#ifndef VT_POWER_BPF_H
#define VT_POWER_BPF_H

#include "maps.bpf.h"
#include "core_fixes.bpf.h"
#include "device.bpf.h"
#include "events.bpf.h"
#include "memory_lock.bpf.h"

/* include/uapi/linux/pci_regs.h: the control register's offset in the PM
 * capability, as vfio_pm_config_write() sees it. */
#define VT_PCI_PM_CTRL 4

/* kprobe mode: vfio_pci_set_power_state()'s device, from entry to return. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VT_MAX_TASKS);
	__type(key, __u32);   /* tid */
	__type(value, __u64); /* vdev */
} power_calls SEC(".maps") __weak;

/* include/uapi/linux/vfio.h */
#define VT_FEATURE_MASK 0xffffU
#define VT_FEATURE_SET (1U << 17)
#define VT_FEATURE_LOW_POWER_ENTRY 3
#define VT_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP 4
#define VT_FEATURE_LOW_POWER_EXIT 5

struct vt_feature_call {
	__u64 vdev;
	__u32 feature;
	__u32 pad;
};

/* A low power request, from vfio_pci_core_ioctl_feature()'s entry to its
 * return (a kretprobe sees no arguments). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VT_MAX_TASKS);
	__type(key, __u32); /* tid */
	__type(value, struct vt_feature_call);
} feature_calls SEC(".maps") __weak;

static __always_inline int vt_power_write_begin(vt_vdev_t *vdev, int offset)
{
	__u32 tid = vt_tid();
	__u64 key = (__u64)vdev;

	if (offset != VT_PCI_PM_CTRL || !vt_task_allowed())
		return 0;
	if (bpf_map_update_elem(&power_writes, &tid, &key, BPF_ANY))
		vt_lost(VT_LOST_TASK_MAP_FULL);
	return 0;
}

static __always_inline int vt_power_write_end(void)
{
	__u32 tid = vt_tid();

	bpf_map_delete_elem(&power_writes, &tid);
	return 0;
}

/* Whether this thread's zap of @vdev is a PM control write's. */
static __always_inline bool vt_in_power_write(__u64 vdev)
{
	__u32 tid = vt_tid();
	__u64 *writing = bpf_map_lookup_elem(&power_writes, &tid);

	return writing && *writing == vdev;
}

/*
 * vfio_pci_set_power_state() returned @ret for @vdev: the state the device
 * is in now is what counts (a device without PM stays in D0, and vfio reads
 * it the same way). Into D3hot opens a record with the D3 cause, unless one
 * is open already; back to D0 closes it and times the blackout. A record of
 * PCI_COMMAND is left to the config write that ends it.
 */
static __always_inline int vt_power_state_set(vt_vdev_t *vdev, int ret)
{
	struct vt_device *dev;
	struct pci_dev *pdev;
	__u64 now;
	__u32 slot;
	int state;

	if (ret || !vt_task_allowed())
		return 0;
	dev = vt_device_get(vdev, &slot);
	if (!dev)
		return 0;
	pdev = BPF_CORE_READ(vdev, pdev);
	state = BPF_CORE_READ(pdev, current_state);
	now = bpf_ktime_get_ns();
	if (state >= VT_PCI_D3HOT && state <= VT_PCI_D3COLD) {
		if (vt_off_open(dev, VT_OFF_D3HOT))
			return 0;
		__sync_fetch_and_add(&dev->stats.d3_entries, 1);
		vt_record_disable(dev, now, VT_OFF_D3HOT);
		vt_emit(dev, VT_EV_D3_ENTRY, VT_MAX_BARS, 0, state);
	} else if (vt_off_open(dev, VT_OFF_D3HOT)) {
		__sync_fetch_and_add(&dev->stats.d3_exits, 1);
		/* The exit event still names who put it into D3. */
		vt_emit(dev, VT_EV_D3_EXIT, VT_MAX_BARS, 0, state);
		vt_record_close(dev, VT_OFF_D3HOT, now);
	}
	return 0;
}

static __always_inline int vt_feature_begin(void *core_vdev, __u32 flags)
{
	struct vt_feature_call call = {};
	__u32 tid = vt_tid();

	call.feature = flags & VT_FEATURE_MASK;
	if (!(flags & VT_FEATURE_SET) || call.feature < VT_FEATURE_LOW_POWER_ENTRY ||
	    call.feature > VT_FEATURE_LOW_POWER_EXIT || !vt_task_allowed())
		return 0;
	call.vdev = (__u64)vt_vdev_from_core(core_vdev);
	if (bpf_map_update_elem(&feature_calls, &tid, &call, BPF_ANY)) {
		vt_lost(VT_LOST_TASK_MAP_FULL);
		return 0;
	}
	/* The entry zaps the BARs: reason power_state (vt_in_power_write()). */
	if (call.feature != VT_FEATURE_LOW_POWER_EXIT &&
	    bpf_map_update_elem(&power_writes, &tid, &call.vdev, BPF_ANY))
		vt_lost(VT_LOST_TASK_MAP_FULL);
	return 0;
}

static __always_inline int vt_feature_end(int ret)
{
	struct vt_feature_call *call;
	struct vt_device *dev;
	__u32 tid = vt_tid(), slot;
	__u64 now;

	call = bpf_map_lookup_elem(&feature_calls, &tid);
	if (!call)
		return 0;
	bpf_map_delete_elem(&power_writes, &tid);
	dev = ret ? NULL : vt_device_get((vt_vdev_t *)call->vdev, &slot);
	if (dev) {
		now = bpf_ktime_get_ns();
		if (call->feature != VT_FEATURE_LOW_POWER_EXIT) {
			__sync_fetch_and_add(&dev->stats.low_power_entries, 1);
			vt_record_disable(dev, now, VT_OFF_LOW_POWER);
			vt_emit(dev, VT_EV_LOW_POWER_ENTRY, VT_MAX_BARS, 0, call->feature);
		} else if (vt_off_open(dev, VT_OFF_LOW_POWER)) {
			__sync_fetch_and_add(&dev->stats.low_power_exits, 1);
			/* The exit event still names who asked for it. */
			vt_emit(dev, VT_EV_LOW_POWER_EXIT, VT_MAX_BARS, 0, call->feature);
			vt_record_close(dev, VT_OFF_LOW_POWER, now);
		}
	}
	bpf_map_delete_elem(&feature_calls, &tid);
	return 0;
}

static __always_inline int vt_power_call_begin(vt_vdev_t *vdev)
{
	__u32 tid = vt_tid();
	__u64 key = (__u64)vdev;

	if (vt_task_allowed() && bpf_map_update_elem(&power_calls, &tid, &key, BPF_ANY))
		vt_lost(VT_LOST_TASK_MAP_FULL);
	return 0;
}

static __always_inline int vt_power_call_end(int ret)
{
	__u32 tid = vt_tid();
	__u64 *vdev = bpf_map_lookup_elem(&power_calls, &tid);

	if (!vdev)
		return 0;
	vt_power_state_set((vt_vdev_t *)*vdev, ret);
	bpf_map_delete_elem(&power_calls, &tid);
	return 0;
}

#endif /* VT_POWER_BPF_H */
