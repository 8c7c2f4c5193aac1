/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Devices are learned on first sight: there is no vfio device iterator, so the
 * first fault, BAR access, config write or ioctl on a device records its BDF and
 * the addresses of its locks and inode, which the lock and zap probes then use
 * as filters.
 */
#ifndef VT_DEVICE_BPF_H
#define VT_DEVICE_BPF_H

#include "maps.bpf.h"
#include "core_fixes.bpf.h"

static __always_inline bool vt_bdf_equal(const char *a, const volatile char *b)
{
	int i;

#pragma unroll
	for (i = 0; i < VT_BDF_LEN; i++) {
		if (a[i] != b[i])
			return false;
		if (!a[i])
			return true;
	}
	return true;
}

/* The -d filter. */
static __always_inline bool vt_bdf_allowed(const char *bdf)
{
	int i;

	if (!targ_bdf_count)
		return true;
#pragma unroll
	for (i = 0; i < VT_MAX_BDF_FILTERS; i++) {
		if (i >= targ_bdf_count)
			break;
		if (vt_bdf_equal(bdf, targ_bdfs[i]))
			return true;
	}
	return false;
}

static __always_inline void vt_register_lock(__u64 addr, __u64 vdev, __u32 kind)
{
	struct vt_lock_owner owner = { .vdev = vdev, .kind = kind };

	if (addr && bpf_map_update_elem(&locks, &addr, &owner, BPF_ANY))
		vt_lost(VT_LOST_LOCK_MAP_FULL);
}

static __always_inline struct vt_device *vt_device_learn(vt_vdev_t *vdev)
{
	__u64 key = (__u64)vdev;
	struct vt_device *dev;
	struct pci_dev *pdev;
	const char *name;
	__u64 inode;

	/* BPF_NOEXIST: another CPU may be learning the same device right now. */
	if (bpf_map_update_elem(&devices, &key, &vt_zero_device, BPF_NOEXIST)) {
		dev = bpf_map_lookup_elem(&devices, &key);
		if (!dev)
			vt_lost(VT_LOST_DEVICE_MAP_FULL);
		return dev;
	}
	dev = bpf_map_lookup_elem(&devices, &key);
	if (!dev)
		return NULL;

	pdev = BPF_CORE_READ(vdev, pdev);
	name = BPF_CORE_READ(pdev, dev.kobj.name);
	bpf_probe_read_kernel_str(dev->info.bdf, sizeof(dev->info.bdf), name);
	dev->info.vendor = BPF_CORE_READ(pdev, vendor);
	dev->info.device_id = BPF_CORE_READ(pdev, device);
	dev->info.memory_lock = vt_memory_lock_addr(vdev);
	dev->info.first_seen_ns = bpf_ktime_get_ns();
	dev->info.traced = vt_bdf_allowed(dev->info.bdf);

	vt_register_lock(dev->info.memory_lock, key, VT_LOCK_MEMORY);
	vt_register_lock(vt_vma_lock_addr(vdev), key, VT_LOCK_VMA);
	vt_register_lock(vt_igate_addr(vdev), key, VT_LOCK_IGATE);
	inode = vt_device_inode(vdev);
	vt_register_lock(vt_i_mmap_rwsem_addr(inode), key, VT_LOCK_I_MMAP);
	if (inode && bpf_map_update_elem(&inodes, &inode, &key, BPF_ANY))
		vt_lost(VT_LOST_DEVICE_MAP_FULL);
	return dev;
}

/* The device's entry, learning it if new; NULL when excluded by -d. */
static __always_inline struct vt_device *vt_device_get(vt_vdev_t *vdev)
{
	__u64 key = (__u64)vdev;
	struct vt_device *dev;

	if (!vdev)
		return NULL;
	dev = bpf_map_lookup_elem(&devices, &key);
	if (!dev)
		dev = vt_device_learn(vdev);
	return dev && dev->info.traced ? dev : NULL;
}

/* Lookup only, for probes that see a device through a map key. */
static __always_inline struct vt_device *vt_device_find(__u64 vdev)
{
	struct vt_device *dev = bpf_map_lookup_elem(&devices, &vdev);

	return dev && dev->info.traced ? dev : NULL;
}

#endif /* VT_DEVICE_BPF_H */
