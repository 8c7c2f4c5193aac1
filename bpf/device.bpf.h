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
#include "task.bpf.h"

/* The -d filter. */
static __always_inline bool vt_bdf_allowed(const struct vt_bdf_key *bdf)
{
	return !targ_bdf_count || bpf_map_lookup_elem(&bdf_filter, bdf);
}

static __always_inline void vt_register_lock(__u64 addr, __u64 vdev, __u32 slot,
					     enum vt_lock_class class)
{
	struct vt_lock_owner owner = { .vdev = vdev, .class = class, .slot = slot };

	__u64 value = 0;

	if (!addr)
		return;
	/* addr is a BTF pointer here, on which the verifier allows no arithmetic
	 * but adding a constant: the hash needs its value as a plain number. A
	 * helper call, once a device. */
	bpf_probe_read_kernel(&value, sizeof(value), &addr);
	lock_filter[vt_lock_filter_index(value) & (VT_LOCK_FILTER_SIZE - 1)] = 1;
	if (bpf_map_update_elem(&locks, &addr, &owner, BPF_ANY))
		vt_lost(VT_LOST_LOCK_MAP_FULL);
}

/* The device in @slot, or NULL when the slot is not (yet) one or -d excludes it. */
static __always_inline struct vt_device *vt_device_at(__u32 slot)
{
	struct vt_device *dev = bpf_map_lookup_elem(&devices, &slot);

	return dev && dev->info.traced ? dev : NULL;
}

static __always_inline void vt_device_read_bars(struct vt_device *dev, struct pci_dev *pdev)
{
	int i;

#pragma unroll
	for (i = 0; i < VT_MAX_BARS; i++) {
		dev->info.bar_start[i] = BPF_CORE_READ(pdev, resource[i].start);
		dev->info.bar_end[i] = BPF_CORE_READ(pdev, resource[i].end);
	}
}

/* The slot of the device at this PCI address, taken from free_slots at its
 * first sight. */
static __always_inline int vt_bdf_slot(const struct vt_bdf_key *key, __u32 *slot)
{
	__u32 *found = bpf_map_lookup_elem(&bdf_slots, key);

	if (found) {
		*slot = *found;
		return 0;
	}
	if (bpf_map_pop_elem(&free_slots, slot)) {
		/* Out of slots, or another CPU took the last one for this very
		 * address a moment ago. */
		found = bpf_map_lookup_elem(&bdf_slots, key);
		if (found) {
			*slot = *found;
			return 0;
		}
		vt_lost(VT_LOST_DEVICE_MAP_FULL);
		return -1;
	}
	if (!bpf_map_update_elem(&bdf_slots, key, slot, BPF_NOEXIST))
		return 0;
	/* Another CPU claimed this address first: use its slot. */
	bpf_map_push_elem(&free_slots, slot, 0);
	found = bpf_map_lookup_elem(&bdf_slots, key);
	if (!found) {
		vt_lost(VT_LOST_DEVICE_MAP_FULL);
		return -1;
	}
	*slot = *found;
	return 0;
}

/*
 * First sight of a bound device instance: its PCI address gives the slot
 * (the same as before an unbind), the instance is published in device_slots,
 * and its identity and lock addresses are (re)recorded. A probe that finds the
 * slot while a first binding is being filled sees it untraced and skips that
 * one call. Once per device, so a subprogram: inlined, it was most of every
 * entry program (1,300 of 1,500 instructions, in some 30 programs), which
 * the verifier checks and libbpf holds in memory at every start.
 */
static __noinline int vt_device_learn(vt_vdev_t *vdev, __u32 *slot_out)
{
	struct vt_bdf_key bdf = {};
	__u64 key = (__u64)vdev;
	struct vt_device *dev;
	struct pci_dev *pdev;
	__u32 slot, *winner;
	__u64 inode;

	pdev = BPF_CORE_READ(vdev, pdev);
	bpf_probe_read_kernel_str(bdf.bdf, sizeof(bdf.bdf), BPF_CORE_READ(pdev, dev.kobj.name));
	if (vt_bdf_slot(&bdf, &slot))
		return -1;
	if (bpf_map_update_elem(&device_slots, &key, &slot, BPF_NOEXIST)) {
		winner = bpf_map_lookup_elem(&device_slots, &key);
		if (!winner) {
			vt_lost(VT_LOST_DEVICE_MAP_FULL);
			return -1;
		}
		*slot_out = *winner;
		return 0;
	}
	*slot_out = slot;
	dev = bpf_map_lookup_elem(&devices, &slot);
	if (!dev)
		return -1;

	__builtin_memcpy(dev->info.bdf, bdf.bdf, sizeof(dev->info.bdf));
	dev->info.vendor = BPF_CORE_READ(pdev, vendor);
	dev->info.device_id = BPF_CORE_READ(pdev, device);
	dev->info.memory_lock = vt_memory_lock_addr(vdev);
	dev->info.first_seen_ns = bpf_ktime_get_ns();
	dev->info.vdev = key;
	/* An old instance's windows are not this one's. */
	dev->info.blackout_start_ns = 0;
	__builtin_memset(dev->info.off_since_ns, 0, sizeof(dev->info.off_since_ns));
	__sync_fetch_and_add(&dev->info.bindings, 1);
	vt_device_read_bars(dev, pdev);

	vt_register_lock(dev->info.memory_lock, key, slot, VT_LC_MEMORY_LOCK);
	vt_register_lock(vt_vma_lock_addr(vdev), key, slot, VT_LC_VMA_LOCK);
	vt_register_lock(vt_igate_addr(vdev), key, slot, VT_LC_IGATE);
	inode = vt_device_inode(vdev);
	vt_register_lock(vt_i_mmap_rwsem_addr(inode), key, slot, VT_LC_I_MMAP_RWSEM);
	if (inode && bpf_map_update_elem(&inodes, &inode, &key, BPF_ANY))
		vt_lost(VT_LOST_DEVICE_MAP_FULL);
	/* Last: from here probes count into the slot. */
	dev->info.traced = vt_bdf_allowed(&bdf);
	return 0;
}

/*
 * The instance is freed (unbind, rmmod): it is forgotten, so that its memory,
 * if it becomes another device or another lock, is not taken for it. The
 * slot, and the counts in it, stay with the PCI address.
 */
static __always_inline int vt_device_forget(vt_vdev_t *vdev)
{
	__u64 key = (__u64)vdev, addr, inode;
	__u32 *slot = bpf_map_lookup_elem(&device_slots, &key);
	struct vt_device *dev;

	if (!slot)
		return 0;
	dev = bpf_map_lookup_elem(&devices, slot);
	if (dev && dev->info.vdev == key)
		dev->info.vdev = 0; /* threads' cached slots stop matching */
	bpf_map_delete_elem(&device_slots, &key);
	addr = vt_memory_lock_addr(vdev);
	bpf_map_delete_elem(&locks, &addr);
	addr = vt_vma_lock_addr(vdev);
	bpf_map_delete_elem(&locks, &addr);
	addr = vt_igate_addr(vdev);
	bpf_map_delete_elem(&locks, &addr);
	inode = vt_device_inode(vdev);
	if (inode) {
		addr = vt_i_mmap_rwsem_addr(inode);
		bpf_map_delete_elem(&locks, &addr);
		bpf_map_delete_elem(&inodes, &inode);
	}
	return 0;
}

/* The slot of a device by its kernel address, learning it if new. A thread
 * keeps using the same device (a vCPU its passthrough devices, QEMU's I/O
 * thread its BARs), so the last answer is kept in its @task storage, when the
 * caller has one. */
static __always_inline int vt_device_slot(vt_vdev_t *vdev, struct vt_task *task, __u32 *slot)
{
	__u64 key = (__u64)vdev;
	struct vt_device *dev;
	__u32 *found;

	if (task && task->dev_vdev == key) {
		/* Still this instance's slot, unless it was unbound since. */
		dev = bpf_map_lookup_elem(&devices, &task->dev_slot);
		if (dev && dev->info.vdev == key) {
			*slot = task->dev_slot;
			return 0;
		}
	}
	found = bpf_map_lookup_elem(&device_slots, &key);
	if (found)
		*slot = *found;
	else if (vt_device_learn(vdev, slot))
		return -1;
	if (task) {
		task->dev_vdev = key;
		task->dev_slot = *slot;
	}
	return 0;
}

/* The device's entry, learning it if new; NULL when excluded by -d. For the
 * rarer paths: the per-thread cache is for vt_hold_begin_on(). */
static __always_inline struct vt_device *vt_device_get(vt_vdev_t *vdev, __u32 *slot)
{
	if (!vdev || vt_device_slot(vdev, NULL, slot))
		return NULL;
	return vt_device_at(*slot);
}

/*
 * The devices a hot reset reaches: @vdev's vfio_device_set (5.15+; before
 * it, none but @vdev). vt_dev_set_first() gives the list head and the first
 * node, false where the kernel has no sets; vt_dev_set_vdev() the device of
 * a node; vt_dev_set_next() the next node, the head again at the end.
 */
static __always_inline bool vt_dev_set_first(vt_vdev_t *vdev, __u64 *head, __u64 *node)
{
	struct vfio_device_set___vt *set;

	if (!vdev || !bpf_core_field_exists(((vt_vdev_t *)0)->vdev.dev_set))
		return false;
	set = BPF_CORE_READ(vdev, vdev.dev_set);
	if (!set)
		return false;
	*head = (__u64)&set->device_list;
	*node = (__u64)BPF_CORE_READ(set, device_list.next);
	return true;
}

static __always_inline vt_vdev_t *vt_dev_set_vdev(__u64 node)
{
	return (vt_vdev_t *)(node - bpf_core_field_offset(struct vfio_device___vt, dev_set_list) -
			     bpf_core_field_offset(vt_vdev_t, vdev));
}

static __always_inline __u64 vt_dev_set_next(__u64 node)
{
	return (__u64)BPF_CORE_READ((struct list_head *)node, next);
}

/* A hot reset on @vdev is about to lock and zap every device of its set:
 * learn those not seen yet, so that the zap of one nobody has opened (its
 * inode's, 6.10+) is known as a device's. */
static __always_inline void vt_dev_set_learn(vt_vdev_t *vdev)
{
	__u64 head, node;
	__u32 i, slot;

	if (!vt_dev_set_first(vdev, &head, &node))
		return;
	for (i = 0; i < VT_RESET_SET_MAX; i++) {
		if (!node || node == head)
			return;
		vt_device_get(vt_dev_set_vdev(node), &slot);
		node = vt_dev_set_next(node);
	}
}

/* One step of a walk of a set begun with vt_dev_set_first(): the slot of
 * the device at *@node (VT_NO_SLOT: one the tracer does not know), and
 * *@node moved on; false at the end. Callers bound their loops by
 * VT_RESET_SET_MAX. */
static __always_inline bool vt_dev_set_step(__u64 head, __u64 *node, __u32 *slot)
{
	__u64 core;
	__u32 *s;

	if (!*node || *node == head)
		return false;
	core = (__u64)vt_dev_set_vdev(*node);
	s = bpf_map_lookup_elem(&device_slots, &core);
	*slot = s ? *s : VT_NO_SLOT;
	*node = vt_dev_set_next(*node);
	return true;
}

/* Lookup only, for probes that see a device through a map key. */
static __always_inline struct vt_device *vt_device_find(__u64 vdev)
{
	__u32 *slot = bpf_map_lookup_elem(&device_slots, &vdev);

	return slot ? vt_device_at(*slot) : NULL;
}

#endif /* VT_DEVICE_BPF_H */
