/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Power states as a cause of memory off. Since 5.19 (2b2c651baf1c
 * "vfio/pci: Invalidate mmaps and block the access in D3hot power state") a
 * device vfio put into D3hot refuses BAR access like one whose PCI_COMMAND
 * has MEM clear: a fault gets SIGBUS, read()/write() -EIO. vfio moves a
 * device there when the user writes D3hot to the PM capability's control
 * register, and on kernels before runtime PM (6.0) when the device goes idle
 * (its last close); each move is vfio_pci_set_power_state(). Before 5.19 the
 * move is recorded the same way, but the kernel still lets the BARs be
 * accessed, so no failed access names it.
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
	struct vt_disable_record *rec;
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
	rec = &dev->info.last_disable;
	now = bpf_ktime_get_ns();
	if (state >= VT_PCI_D3HOT && state <= VT_PCI_D3COLD) {
		if (rec->ts_ns && !rec->enabled_ts_ns && rec->cause == VT_OFF_D3HOT)
			return 0;
		__sync_fetch_and_add(&dev->stats.d3_entries, 1);
		vt_record_disable(dev, now, VT_OFF_D3HOT);
		vt_emit(dev, VT_EV_D3_ENTRY, VT_MAX_BARS, 0, state);
	} else if (rec->ts_ns && !rec->enabled_ts_ns && rec->cause == VT_OFF_D3HOT) {
		__sync_fetch_and_add(&dev->stats.d3_exits, 1);
		/* The exit event still names who put it into D3. */
		vt_emit(dev, VT_EV_D3_EXIT, VT_MAX_BARS, 0, state);
		if (now >= rec->ts_ns)
			vt_hist_add(&dev->stats.memory_off_ns, now - rec->ts_ns);
		rec->enabled_ts_ns = now;
	}
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
