/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BAR zaps: the moment vfio tears down every user mapping of a device's BARs, so
 * the next access faults and sees the new memory state.
 */
#ifndef VT_ZAP_BPF_H
#define VT_ZAP_BPF_H

#include "maps.bpf.h"
#include "core_fixes.bpf.h"
#include "device.bpf.h"
#include "hist.bpf.h"
#include "hold.bpf.h"
#include "slow.bpf.h"
#include "power.bpf.h"
#include "trylock.bpf.h"
#include "blackout.bpf.h"

/* drivers/vfio/vfio_main.c: the pseudo filesystem of the per-device inodes. */
#define VT_VFIO_MAGIC 0x5646494f

enum vt_zap_kind {
	VT_ZAP_VMA_LIST, /* up to 6.9: runs before memory_lock is taken */
	VT_ZAP_INODE,	 /* 6.10+: runs under the write lock */
};

static __always_inline __u32 vt_zap_reason(struct vt_hold *hold, __u64 vdev)
{
	if (vt_in_power_write(vdev))
		return VT_ZAP_POWER_STATE;
	if (!hold)
		return VT_ZAP_OTHER;
	/* A hot reset zaps every device of the set, not only its own. */
	if (hold->path == VT_PATH_HOT_RESET)
		return VT_ZAP_HOT_RESET;
	if (hold->vdev != vdev)
		return VT_ZAP_OTHER;
	switch (hold->path) {
	case VT_PATH_CONFIG_WRITE: return VT_ZAP_CONFIG_WRITE;
	case VT_PATH_RESET: return VT_ZAP_RESET;
	case VT_PATH_HOT_RESET: return VT_ZAP_HOT_RESET;
	default: return VT_ZAP_OTHER;
	}
}

static __always_inline void vt_zap_begin(void *ctx, __u64 vdev, bool direct)
{
	struct vt_zap_start start = { .vdev = vdev, .ts = bpf_ktime_get_ns() };
	__u32 tid = vt_tid();

	VT_SLOW_ENTRY(ctx, VT_SLOW_ZAP, direct);
	if (bpf_map_update_elem(&zaps_inflight, &tid, &start, BPF_ANY))
		vt_lost(VT_LOST_TASK_MAP_FULL);
}

/* @zapped is false when a trylock zap gave up without zapping. @ctx: the
 * program's, for a slow zap's stack; @direct: fexit, not a kretprobe. */
static __always_inline void vt_zap_end(void *ctx, bool zapped, enum vt_zap_kind kind, bool direct)
{
	__u32 tid = vt_tid();
	struct vt_zap_start *start = bpf_map_lookup_elem(&zaps_inflight, &tid);
	struct vt_device *dev;
	struct vt_hold *hold;
	__u32 reason, *slot;
	__u64 now;

	if (!start)
		return;
	now = bpf_ktime_get_ns();
	slot = bpf_map_lookup_elem(&device_slots, &start->vdev);
	dev = slot ? vt_device_at(*slot) : NULL;
	hold = vt_hold_current();
	if (dev && zapped) {
		reason = vt_zap_reason(hold, start->vdev);
		/* These reasons come from a reset's bracket: hold is set. */
		if (hold && (reason == VT_ZAP_RESET || reason == VT_ZAP_HOT_RESET))
			vt_reset_zapped(dev, *slot, reason, hold->slot, now);
		vt_blackout_open(dev, *slot, start->ts);
		__sync_fetch_and_add(&dev->stats.zaps[reason], 1);
		__sync_fetch_and_add(&dev->stats.zap_vmas, start->vmas);
		vt_hist_add(&dev->stats.zap_ns, now - start->ts);
		VT_SLOW(ctx, dev, VT_SLOW_ZAP, reason, now - start->ts, VT_MAX_BARS, 0, 0, direct);
	}
	/* The hot reset's trylock zap gave up: vma_lock or an mmap_lock taken. */
	if (slot && !zapped && kind == VT_ZAP_VMA_LIST)
		vt_trylock_failed(*slot, VT_TRYLOCK_ZAP, VT_MODE_WRITE,
				  hold ? hold->path : VT_PATH_MAX, start->ts, 0);
	/* Up to 6.9 the zap takes vma_lock and returns before down_write(). */
	if (kind == VT_ZAP_VMA_LIST && hold && hold->vdev == start->vdev)
		hold->t_acquired = now;
	VT_SLOW_DROP(VT_SLOW_ZAP, direct);
	bpf_map_delete_elem(&zaps_inflight, &tid);
}

static __always_inline int vt_zap_vma_list_begin(void *ctx, vt_vdev_t *vdev, bool direct)
{
	__u32 slot;

	if (vt_task_allowed() && vt_device_get(vdev, &slot))
		vt_zap_begin(ctx, (__u64)vdev, direct);
	return 0;
}

/* zap_vma_ptes() once per VMA on the device's vma_list, inside the zap. */
static __always_inline int vt_zap_vma(void)
{
	__u32 tid = vt_tid();
	struct vt_zap_start *start = bpf_map_lookup_elem(&zaps_inflight, &tid);

	if (start)
		start->vmas++;
	return 0;
}

/* unmap_mapping_range() is called by every filesystem; only the vfio inode's
 * mapping is a BAR zap. That also keeps out the __request_region() call made by
 * the first BAR mmap, which revokes the iomem inode's mapping. */
static __always_inline bool vt_is_vfio_mapping(struct address_space *mapping, bool direct)
{
	struct inode *host = VT_READ(direct, mapping, host);
	struct super_block *sb = VT_READ(direct, host, i_sb);

	return VT_READ(direct, sb, s_magic) == VT_VFIO_MAGIC;
}

static __always_inline int vt_unmap_mapping_begin(void *ctx, struct address_space *mapping,
						  bool direct)
{
	__u64 key, *vdev;

	/* Every filesystem's truncate comes here: the cheapest test first. */
	if (!vt_is_vfio_mapping(mapping, direct) || !vt_task_allowed())
		return 0;
	key = (__u64)VT_READ(direct, mapping, host);
	vdev = bpf_map_lookup_elem(&inodes, &key);
	if (vdev && vt_device_find(*vdev))
		vt_zap_begin(ctx, *vdev, direct);
	return 0;
}

#endif /* VT_ZAP_BPF_H */
