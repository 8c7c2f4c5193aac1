/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BAR blackouts: how long a device's BARs stayed dark for the user, from a
 * zap to the first mmap fault after it that mapped them again; whatever
 * turned memory off, the blackout a vCPU meets ends there. A window opens
 * at a zap when none is open (a second zap before any refault extends the
 * first), and the first successful fault that began after it closes it.
 *
 * Zaps of one device are serialized by vfio (under memory_lock held for
 * writing, or up to 6.9 under vma_lock), so opening needs no atomics; faults
 * run side by side, and BPF's atomic exchange is 5.12+, so the one fault
 * that closes a window is the one whose BPF_NOEXIST insert into
 * blackout_claims wins: a hash update is atomic on every kernel.
 */
#ifndef VT_BLACKOUT_BPF_H
#define VT_BLACKOUT_BPF_H

#include "maps.bpf.h"
#include "hist.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VT_MAX_DEVICES);
	__type(key, __u32);   /* device slot */
	__type(value, __u64); /* the start of the window its fault closed */
} blackout_claims SEC(".maps") __weak;

/* The device in @slot was zapped at @ts: a window opens unless one is. */
static __always_inline void vt_blackout_open(struct vt_device *dev, __u32 slot, __u64 ts)
{
	if (dev->info.blackout_start_ns)
		return;
	bpf_map_delete_elem(&blackout_claims, &slot);
	dev->info.blackout_start_ns = ts;
}

/* A fault that began at @t_entry mapped the BAR of the device in @slot at
 * @now: it closes the open window if it began after the window did and no
 * other fault closed it first. */
static __always_inline void vt_blackout_refault(struct vt_device *dev, __u32 slot, __u64 t_entry,
						__u64 now)
{
	__u64 start = dev->info.blackout_start_ns;

	if (!start || t_entry < start)
		return;
	if (bpf_map_update_elem(&blackout_claims, &slot, &start, BPF_NOEXIST))
		return;
	vt_hist_add(&dev->stats.blackout_ns, now - start);
	/* A zap between this fault's unlock and here found the window open and
	 * left it: that one is folded into this window, not lost unseen. */
	if (dev->info.blackout_start_ns == start)
		dev->info.blackout_start_ns = 0;
}

/* An access was refused: counted when it falls in an open window. */
static __always_inline void vt_blackout_refused(struct vt_device *dev)
{
	if (dev->info.blackout_start_ns)
		__sync_fetch_and_add(&dev->stats.blackout_failed_accesses, 1);
}

#endif /* VT_BLACKOUT_BPF_H */
