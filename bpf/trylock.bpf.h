/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trylocks that failed. vfio gives up instead of waiting in three places:
 * the hot reset (-EBUSY: locking several devices' memory_lock could deadlock,
 * so it trylocks each), the ioeventfd handler (it runs from the eventfd's
 * wakeup and cannot sleep, so a taken memory_lock sends the write to its
 * thread), and, up to 6.9, the hot reset's zap (vma_lock and the mmap locks).
 * The contention tracepoints never fire for a trylock, so each is seen at
 * its caller's return, counted per device, and becomes an event that names
 * what held the lock as our brackets knew it: the write owner, or the last
 * reader and how many readers were inside. That record is kept with
 * --stacks (contention.bpf.h); without it the holder is unknown.
 */
#ifndef VT_TRYLOCK_BPF_H
#define VT_TRYLOCK_BPF_H

#include "maps.bpf.h"
#include "device.bpf.h"
#include "events.bpf.h"
#include "contention.bpf.h"

/* Whether a read bracket from @enter to @exit (0: not left yet) was inside
 * some time between @since and @now. */
static __always_inline bool vt_bracket_in(__u64 enter, __u64 exit, __u64 since, __u64 now)
{
	return enter <= now && (!exit || exit >= since);
}

/* The holder of @slot's memory_lock as the brackets know it, other than the
 * caller itself (a hot reset's own write bracket is open as it fails). The
 * trylock failed some time between @since and now, and a reader may have
 * left by now: the holder is the reader of seen[] that was inside in that
 * window and entered first (those that came after the failure entered
 * later), by its last bracket or the one before (a reader reading back to
 * back may have come back since: vt_reader_seen). */
static __always_inline void vt_trylock_holder(struct vt_contention_event *e, __u32 slot,
					      __u64 since)
{
	struct vt_lock_holders *h = targ_stacks ? bpf_map_lookup_elem(&lock_holders, &slot) : NULL;
	struct vt_reader_seen *r, *best = NULL;
	__u64 enter, best_enter = 0;
	__u32 i, path, best_path = VT_PATH_MAX;
	__s64 readers;

	e->key.holder_mode = VT_HOLDER_UNKNOWN;
	e->key.holder_path = VT_PATH_MAX;
	if (!h)
		return;
	if (h->writer_tid && h->writer_tid != e->head.tid) {
		e->key.holder_mode = VT_MODE_WRITE;
		e->key.holder_path = h->writer_path;
		e->key.holder_stack = h->writer_stack;
		e->holder_pid = h->writer_pid;
		e->holder_tid = h->writer_tid;
		__builtin_memcpy(e->holder_comm, h->writer_comm, VT_COMM_LEN);
		return;
	}
	for (i = 0; i < VT_READERS_SEEN; i++) {
		r = &h->seen[i];
		if (!r->tid)
			continue;
		if (vt_bracket_in(r->t_enter, r->t_exit, since, e->head.ts_ns)) {
			enter = r->t_enter;
			path = r->path;
		} else if (r->prev_enter &&
			   vt_bracket_in(r->prev_enter, r->prev_exit, since, e->head.ts_ns)) {
			enter = r->prev_enter;
			path = r->prev_path;
		} else {
			continue;
		}
		if (!best || enter < best_enter) {
			best = r;
			best_enter = enter;
			best_path = path;
		}
	}
	if (!best)
		return;
	readers = h->readers - h->waiting_readers;
	e->key.holder_mode = VT_MODE_READ;
	e->key.holder_path = best_path;
	e->holder_pid = best->pid;
	e->holder_tid = best->tid;
	__builtin_memcpy(e->holder_comm, best->comm, VT_COMM_LEN);
	e->readers = readers > 0 ? readers : 0;
}

/* A subprogram: the holder search, once per device of a hot reset's set. */
static __noinline void vt_trylock_holder_at(struct vt_contention_event *e, __u32 slot, __u64 since)
{
	vt_trylock_holder(e, slot, since);
}

/*
 * A hot reset, called on @vdev (in @slot), trylocks the memory_lock of each
 * device of its set (the vfio_device_set, 5.15+) and fails on the first one
 * in use, which need not be its own: when no bracket of its own device was
 * inside, the holder is looked for on the others, in the set's order, and
 * the event names that device. Up to VT_RESET_SET_MAX devices.
 */
static __always_inline void vt_trylock_holder_in_set(struct vt_contention_event *e, __u32 slot,
						     __u64 vdev, __u64 since)
{
	struct vt_device *other;
	__u64 head, node;
	__u32 i, s;

	vt_trylock_holder_at(e, slot, since);
	if (e->key.holder_mode != VT_HOLDER_UNKNOWN ||
	    !vt_dev_set_first((vt_vdev_t *)vdev, &head, &node))
		return;
	for (i = 0; i < VT_RESET_SET_MAX && vt_dev_set_step(head, &node, &s); i++) {
		if (s == VT_NO_SLOT || s == slot)
			continue;
		vt_trylock_holder_at(e, s, since);
		if (e->key.holder_mode != VT_HOLDER_UNKNOWN) {
			other = vt_device_at(s);
			if (other)
				__builtin_memcpy(e->holder_bdf, other->info.bdf, VT_BDF_LEN);
			return;
		}
	}
}

/* Per CPU: a trylock's event, built before the trylock is known to have
 * failed (see vt_trylock_explain()). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vt_contention_event);
} trylock_scratch SEC(".maps") __weak;

/*
 * The event of a trylock by @op (enum vt_trylock_op) on the device in @slot,
 * built in this CPU's scratch: its caller, on @path (VT_PATH_MAX: none of
 * ours) wanting @mode since @since, and the holder as the brackets know it
 * now; @vdev: a hot reset's device, whose set's other devices may hold it
 * (0: look at @slot alone). Returns 0 when built; nothing is built when
 * no event is wanted. A subprogram: three callers.
 *
 * The hot reset builds it at every return, failed or not, and sends it only
 * on -EBUSY. Code that runs only on a failure is cold the first time it runs:
 * under TCG its first run took milliseconds of translation, while the reader
 * that held the lock left and came back and its record no longer said it was
 * inside (the first EBUSY of nearly every test run named no holder). A reset
 * is rare and slow; the search is a few map reads.
 */
static __noinline int vt_trylock_explain(__u32 slot, __u32 op, __u32 mode, __u32 path, __u64 since,
					 __u64 vdev)
{
	struct vt_device *dev = vt_device_at(slot);
	__u32 zero = 0;
	struct vt_contention_event *e = bpf_map_lookup_elem(&trylock_scratch, &zero);

	if (!targ_emit_events || !dev || !e || op >= VT_TRYLOCK_OP_MAX)
		return -1;
	vt_lock_event_fill(e, dev, VT_EV_TRYLOCK_FAILED, op);
	e->key.slot = slot;
	e->key.waiter_mode = mode;
	e->key.waiter_path = path;
	vt_trylock_holder_in_set(e, slot, vdev, since);
	return 0;
}

/* The trylock by @op on the device in @slot failed: it is counted, and the
 * event vt_trylock_explain() built (@built: 0) sent. A subprogram: rare. */
static __noinline void vt_trylock_report(__u32 slot, __u32 op, int built)
{
	struct vt_device *dev = vt_device_at(slot);
	__u32 zero = 0;
	struct vt_contention_event *e = bpf_map_lookup_elem(&trylock_scratch, &zero);

	if (!dev || op >= VT_TRYLOCK_OP_MAX)
		return;
	__sync_fetch_and_add(&dev->stats.trylock_failures[op], 1);
	if (built || !e)
		return;
	/* Rare: the ring buffer's own wakeup policy. */
	if (bpf_ringbuf_output(&events, e, sizeof(*e), 0))
		vt_lost(VT_LOST_RINGBUF_FULL);
}

/* A trylock by @op on the device in @slot failed: vt_trylock_explain()'s
 * arguments, explained and reported at once. */
static __always_inline void vt_trylock_failed(__u32 slot, __u32 op, __u32 mode, __u32 path,
					      __u64 since, __u64 vdev)
{
	vt_trylock_report(slot, op, vt_trylock_explain(slot, op, mode, path, since, vdev));
}

#endif /* VT_TRYLOCK_BPF_H */
