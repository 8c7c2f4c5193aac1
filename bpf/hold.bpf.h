/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memory_lock hold time, measured by bracketing the vfio functions that take and
 * release it rather than hooking down_read()/up_read() for every rwsem in the
 * system: that would tax every mmap_lock user on the host. A hold starts at the
 * function's entry; a contention_end on one of the device's locks, or a vma_list
 * zap that runs before the lock is taken (up to 6.9), moves the start to when
 * the lock was really acquired. It ends at the function's return, so it includes
 * the few instructions after up_*() and, for BAR read()/write() before 6.8, the
 * user copy between per-access lock sections.
 */
#ifndef VT_HOLD_BPF_H
#define VT_HOLD_BPF_H

#include "maps.bpf.h"
#include "device.bpf.h"
#include "hist.bpf.h"
#include "task.bpf.h"
#include "contention.bpf.h"

/* This thread's open bracket, in task storage or the holds hash: for exits,
 * and for zaps and waits to attribute themselves. */
static __always_inline struct vt_hold *vt_hold_current(void)
{
	struct vt_task *task;
	__u32 tid;

	if (targ_task_storage) {
		task = vt_task_state(false);
		return task && task->hold.open ? &task->hold : NULL;
	}
	tid = vt_tid();
	return bpf_map_lookup_elem(&holds, &tid);
}

enum vt_hold_open_result {
	VT_HOLD_OPENED,
	VT_HOLD_EXISTS,	 /* another bracket is open: *outer */
	VT_HOLD_NO_ROOM, /* no entry for this thread */
};

/* Opens @hold unless a bracket of this thread is open. */
static __always_inline enum vt_hold_open_result vt_hold_open(struct vt_task *task,
							     struct vt_hold *hold,
							     struct vt_hold **outer)
{
	__u32 tid;

	if (targ_task_storage) {
		if (!task)
			return VT_HOLD_NO_ROOM;
		if (task->hold.open) {
			*outer = &task->hold;
			return VT_HOLD_EXISTS;
		}
		task->hold = *hold;
		return VT_HOLD_OPENED;
	}
	tid = vt_tid();
	if (!bpf_map_update_elem(&holds, &tid, hold, BPF_NOEXIST))
		return VT_HOLD_OPENED;
	*outer = bpf_map_lookup_elem(&holds, &tid);
	return *outer ? VT_HOLD_EXISTS : VT_HOLD_NO_ROOM;
}

static __always_inline void vt_hold_close(struct vt_hold *hold)
{
	__u32 tid;

	if (targ_task_storage) {
		hold->open = 0;
		return;
	}
	tid = vt_tid();
	bpf_map_delete_elem(&holds, &tid);
}

/*
 * Opens this thread's bracket. A bracket left open on the same path is a
 * leftover whose exit never ran (the kernel skipped it: PREEMPT_RT preempts
 * BPF programs); it is replaced, and counted as missed_end, or every later
 * call of that thread would look nested. Only @nestable entries (the huge
 * fault handler, which 6.12's page fault handler calls when not inlined)
 * join an open bracket of the same call instead.
 */
static __always_inline void vt_hold_begin(struct vt_task *task, __u64 vdev, __u32 slot, __u32 path,
					  __u32 mode, __u64 arg0, __u64 arg1, bool nestable)
{
	__u64 now = bpf_ktime_get_ns();
	struct vt_hold hold = {
		.vdev = vdev,
		.t_entry = now,
		.t_acquired = now,
		.arg0 = arg0,
		.arg1 = arg1,
		.path = path,
		.mode = mode,
		.slot = slot,
		.open = 1,
	};
	struct vt_hold *outer = NULL;
	enum vt_hold_open_result res = vt_hold_open(task, &hold, &outer);

	if (res == VT_HOLD_OPENED) {
		vt_holders_bracket(slot, mode, path, 1);
		return;
	}
	if (res != VT_HOLD_EXISTS || !outer) {
		vt_lost(VT_LOST_TASK_MAP_FULL);
		return;
	}
	if (nestable && outer->path == path && outer->arg0 == arg0 && !outer->nest) {
		/* One fault seen twice: the inner call only tells the order. */
		outer->nest++;
		outer->arg1 = arg1;
		return;
	}
	if (outer->path == path) {
		vt_lost(VT_LOST_MISSED_END);
		*outer = hold;
		return;
	}
	vt_lost(VT_LOST_NESTED);
}

/* Opens a bracket on @vdev, learning the device if new. One task storage
 * lookup serves both the device cache and the bracket. */
static __always_inline void vt_hold_begin_on(vt_vdev_t *vdev, __u32 path, __u32 mode, __u64 arg0,
					     __u64 arg1, bool nestable)
{
	struct vt_task *task;
	__u32 slot;

	if (!vdev)
		return;
	task = vt_task_state(true);
	/* A device that -d excludes gets a bracket too, so that its exit is not
	 * taken for one whose entry was missed; the exit records nothing. */
	if (!vt_device_slot(vdev, task, &slot))
		vt_hold_begin(task, (__u64)vdev, slot, path, mode, arg0, arg1, nestable);
}

/* True when this exit closes an inner, already counted, call of the same
 * bracket (see vt_hold_begin); the caller then does nothing more. */
static __always_inline bool vt_hold_unnest(struct vt_hold *hold)
{
	if (!hold->nest)
		return false;
	hold->nest--;
	return true;
}

/* This thread's open bracket on @path, or NULL (counted as a missed start). */
static __always_inline struct vt_hold *vt_hold_find(__u32 path)
{
	struct vt_hold *hold = vt_hold_current();

	if (!hold || hold->path != path) {
		vt_lost(VT_LOST_MISSED_START);
		return NULL;
	}
	return hold;
}

/* The bracket's device, by the slot it was opened with. */
static __always_inline struct vt_device *vt_hold_device(struct vt_hold *hold)
{
	return vt_device_at(hold->slot);
}

static __always_inline void vt_hold_end(struct vt_hold *hold, struct vt_device *dev, __u64 now)
{
	__u32 mode = hold->mode, path = hold->path;

	if (dev && mode < VT_MODE_MAX && path < VT_PATH_MAX)
		vt_hist_add(&dev->stats.hold_ns[mode][path], now - hold->t_acquired);
	vt_holders_bracket(hold->slot, mode, path, -1);
	vt_hold_close(hold);
}

#endif /* VT_HOLD_BPF_H */
