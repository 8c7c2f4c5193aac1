/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `vfio-trace lockdep`: the order in which threads really take mmap_lock,
 * vma_lock, memory_lock, i_mmap_rwsem and igate, on a kernel without
 * CONFIG_LOCKDEP, per device. Every acquisition of one of these locks while
 * another is held is an edge. Like lockdep, an edge into a trylock is not
 * recorded (a trylock cannot wait, so it cannot deadlock), but the lock still
 * counts as held afterwards.
 *
 * This hooks the generic rwsem and mutex functions, so every lock operation on
 * the host pays for one address lookup: an investigation mode, not a daemon.
 */
#ifndef VT_LOCK_ORDER_BPF_H
#define VT_LOCK_ORDER_BPF_H

#include "maps.bpf.h"
#include "core_fixes.bpf.h"

#define VT_MAX_EDGES 1024

struct vt_held {
	__u64 lock[VT_LOCK_DEPTH];
	__u64 vdev[VT_LOCK_DEPTH];
	__u8 class[VT_LOCK_DEPTH];
	__u8 mode[VT_LOCK_DEPTH];
	__u32 depth;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VT_MAX_TASKS);
	__type(key, __u32);		/* tid */
	__type(value, struct vt_held);
} held SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VT_MAX_EDGES);
	__type(key, struct vt_edge_key);
	__type(value, struct vt_edge);
} edges SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, VT_MAX_EDGES);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 127 * sizeof(__u64));
} edge_stacks SEC(".maps") __weak;

static const struct vt_held vt_zero_held;

/* The class of a lock address and the device it belongs to, if tracked. */
static __always_inline int vt_lock_class(__u64 lock, __u64 *vdev)
{
	struct vt_lock_owner *owner = bpf_map_lookup_elem(&locks, &lock);

	*vdev = 0;
	if (owner) {
		*vdev = owner->vdev;
		return owner->class < VT_LC_MAX ? owner->class : -1;
	}
	if (lock == vt_current_mmap_lock_addr())
		return VT_LC_MMAP_LOCK;
	return -1;
}

static __always_inline void vt_add_edge(void *ctx, struct vt_held *h, __u32 i, int class,
					__u32 mode, __u64 vdev)
{
	struct vt_edge_key key = {};
	struct vt_edge *edge, fresh = {};
	__u64 pid_tgid;

	if (i >= VT_LOCK_DEPTH)
		return;
	key.from_class = h->class[i];
	key.from_mode = h->mode[i];
	key.to_class = class;
	key.to_mode = mode;
	key.same_device = vdev && h->vdev[i] == vdev;
	key.direct = i + 1 == h->depth;
	edge = bpf_map_lookup_elem(&edges, &key);
	if (edge) {
		__sync_fetch_and_add(&edge->count, 1);
		return;
	}
	pid_tgid = bpf_get_current_pid_tgid();
	fresh.count = 1;
	fresh.first_ns = bpf_ktime_get_ns();
	fresh.stack_id = bpf_get_stackid(ctx, &edge_stacks, 0);
	fresh.pid = pid_tgid >> 32;
	fresh.tid = (__u32)pid_tgid;
	bpf_get_current_comm(fresh.comm, sizeof(fresh.comm));
	if (bpf_map_update_elem(&edges, &key, &fresh, BPF_NOEXIST)) {
		edge = bpf_map_lookup_elem(&edges, &key);
		if (edge)
			__sync_fetch_and_add(&edge->count, 1);
		else
			vt_lost(VT_LOST_EDGE_MAP_FULL);
	}
}

/* Removes entry @i, closing the gap. */
static __always_inline void vt_held_remove(struct vt_held *h, __u64 i, __u64 depth)
{
	__u64 j;

	for (j = i + 1; j < VT_LOCK_DEPTH; j++) {
		if (j >= depth)
			break;
		h->lock[j - 1] = h->lock[j];
		h->vdev[j - 1] = h->vdev[j];
		h->class[j - 1] = h->class[j];
		h->mode[j - 1] = h->mode[j];
	}
	h->depth = depth - 1;
}

static __always_inline int vt_lock_acquired(void *ctx, void *lock, __u32 mode, bool trylock)
{
	__u32 tid = vt_tid();
	struct vt_held *h;
	__u64 vdev;
	__u64 i, depth;	/* 64-bit: see vt_hist_add() */
	int class;

	class = vt_lock_class((__u64)lock, &vdev);
	if (class < 0 || !vt_task_allowed())
		return 0;
	h = bpf_map_lookup_elem(&held, &tid);
	if (!h) {
		if (bpf_map_update_elem(&held, &tid, &vt_zero_held, BPF_NOEXIST) &&
		    !bpf_map_lookup_elem(&held, &tid)) {
			vt_lost(VT_LOST_TASK_MAP_FULL);
			return 0;
		}
		h = bpf_map_lookup_elem(&held, &tid);
		if (!h)
			return 0;
	}
	/* The same lock still listed: its release was skipped (PREEMPT_RT can
	 * preempt a program, and the kernel then skips the next run), or a
	 * recursive read. Either way it is not held twice: drop the old entry
	 * rather than let such leftovers pile up into false edges. */
	depth = h->depth;
	for (i = 0; i < VT_LOCK_DEPTH; i++) {
		if (i >= depth)
			break;
		if (h->lock[i] == (__u64)lock) {
			vt_held_remove(h, i, depth);
			depth = h->depth;
			break;
		}
	}
	if (!trylock) {
		for (i = 0; i < VT_LOCK_DEPTH; i++) {
			if (i >= depth)
				break;
			vt_add_edge(ctx, h, i, class, mode, vdev);
		}
	}
	if (depth >= VT_LOCK_DEPTH) {
		/* Deeper than we keep: forget the outermost, the likeliest leftover. */
		vt_lost(VT_LOST_LOCK_DEPTH);
		vt_held_remove(h, 0, depth);
		depth = h->depth;
	}
	if (depth >= VT_LOCK_DEPTH)
		return 0;
	/* The mask is a no-op here, but 6.1's verifier walks a merged path on
	 * which the bound above looks contradictory (umin 8, umax 7) and gives
	 * up; the empty asm keeps clang from dropping the mask as redundant.
	 * VT_LOCK_DEPTH is a power of two. */
	asm volatile("" : "+r"(depth));
	i = depth & (VT_LOCK_DEPTH - 1);
	h->lock[i] = (__u64)lock;
	h->vdev[i] = vdev;
	h->class[i] = class;
	h->mode[i] = mode;
	h->depth = depth + 1;
	return 0;
}

static __always_inline int vt_lock_released(void *lock)
{
	__u32 tid = vt_tid();
	struct vt_held *h = bpf_map_lookup_elem(&held, &tid);
	__u64 i, depth;	/* 64-bit: see vt_hist_add() */

	if (!h || !h->depth)
		return 0;
	depth = h->depth;
	if (depth > VT_LOCK_DEPTH)
		depth = VT_LOCK_DEPTH;
	/* Locks are mostly released innermost first: search from the top.
	 * Bounded loops, not unrolled: 5.3+ verifies them. */
	for (i = VT_LOCK_DEPTH; i > 0; i--) {
		if (i > depth || h->lock[i - 1] != (__u64)lock)
			continue;
		vt_held_remove(h, i - 1, depth);
		break;
	}
	return 0;
}

/* downgrade_write(): the same lock, held for reading from now on. */
static __always_inline int vt_lock_downgraded(void *lock)
{
	__u32 tid = vt_tid();
	struct vt_held *h = bpf_map_lookup_elem(&held, &tid);
	__u32 i;

	if (!h)
		return 0;
	for (i = 0; i < VT_LOCK_DEPTH; i++)
		if (i < h->depth && h->lock[i] == (__u64)lock)
			h->mode[i] = VT_MODE_READ;
	return 0;
}

#endif /* VT_LOCK_ORDER_BPF_H */
