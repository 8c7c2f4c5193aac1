/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memory_lock: wait time from the lock:contention_begin/end tracepoints (5.19+),
 * filtered by the lock addresses learned per device; hold time from brackets
 * (hold.bpf.h) around the write-side paths: PCI_COMMAND writes, resets, and the
 * lock_and_enable/unlock_and_restore pair used by MSI setup and ROM reads.
 */
#ifndef VT_MEMORY_LOCK_BPF_H
#define VT_MEMORY_LOCK_BPF_H

#include "maps.bpf.h"
#include "core_fixes.bpf.h"
#include "device.bpf.h"
#include "hist.bpf.h"
#include "hold.bpf.h"
#include "events.bpf.h"
#include "slow.bpf.h"
#include "trylock.bpf.h"

/* include/trace/events/lock.h; macros, so not in BTF. */
#define VT_LCB_F_READ (1U << 1)
#define VT_LCB_F_WRITE (1U << 2)

/* include/uapi/linux/vfio.h: _IO(VFIO_TYPE, VFIO_BASE + 11), + 13 and + 16. */
#define VT_VFIO_DEVICE_RESET 0x3b6f
#define VT_VFIO_DEVICE_PCI_HOT_RESET 0x3b71
#define VT_EBUSY 16
#define VT_VFIO_DEVICE_IOEVENTFD 0x3b74

/* Which of our paths the thread waiting for memory_lock is on: its open
 * bracket, when it is for this device. */
static __always_inline __u32 vt_count_waiter_path(struct vt_device *dev, __u64 vdev)
{
	struct vt_hold *hold = vt_hold_current();
	__u32 path = VT_PATH_MAX;

	if (hold && hold->vdev == vdev && hold->path < VT_PATH_MAX)
		path = hold->path;
	/* The bound again, for the verifier. */
	if (path <= VT_PATH_MAX)
		__sync_fetch_and_add(&dev->stats.contention_paths[path], 1);
	return path;
}

static __always_inline int vt_wait_begin(void *ctx, __u64 lock, __u32 flags)
{
	struct vt_lock_owner *owner = bpf_map_lookup_elem(&locks, &lock);
	struct vt_device *dev;
	struct vt_wait wait;
	__u32 tid, path;

	/* Wait times are kept for memory_lock and vma_lock; i_mmap_rwsem and igate
	 * are registered for `vfio-trace lockdep` only. */
	if (!owner || (owner->class != VT_LC_MEMORY_LOCK && owner->class != VT_LC_VMA_LOCK) ||
	    !vt_task_allowed())
		return 0;
	dev = vt_device_find(owner->vdev);
	if (!dev)
		return 0;

	wait.lock = lock;
	wait.vdev = owner->vdev;
	wait.ts = bpf_ktime_get_ns();
	wait.class = owner->class;
	wait.mode = flags & VT_LCB_F_WRITE ? VT_MODE_WRITE : VT_MODE_READ;
	tid = vt_tid();
	/* A mutex reports begin twice, spinning then sleeping, for one wait:
	 * keep the first. */
	if (bpf_map_update_elem(&waits, &tid, &wait, BPF_NOEXIST)) {
		struct vt_wait *old = bpf_map_lookup_elem(&waits, &tid);

		if (!old)
			vt_lost(VT_LOST_TASK_MAP_FULL);
		if (!old || old->lock == lock)
			return 0;
		/* A leftover from a wait whose end we missed: start over. */
		bpf_map_update_elem(&waits, &tid, &wait, BPF_ANY);
	}
	if (wait.class != VT_LC_MEMORY_LOCK) {
		__sync_fetch_and_add(&dev->stats.vma_lock_contentions, 1);
		return 0;
	}
	if (wait.mode == VT_MODE_WRITE)
		__sync_fetch_and_add(&dev->stats.contentions[VT_MODE_WRITE], 1);
	else
		__sync_fetch_and_add(&dev->stats.contentions[VT_MODE_READ], 1);
	path = vt_count_waiter_path(dev, owner->vdev);
	if (targ_stacks)
		vt_stacks_wait_begin(ctx, owner->slot, wait.mode, path);
	return 0;
}

static __always_inline int vt_wait_end(void *ctx, __u64 lock)
{
	__u32 tid = vt_tid();
	struct vt_wait *wait = bpf_map_lookup_elem(&waits, &tid);
	struct vt_device *dev;
	struct vt_hold *hold;
	__u64 now;

	if (!wait || wait->lock != lock)
		return 0;
	now = bpf_ktime_get_ns();
	dev = vt_device_find(wait->vdev);
	if (dev) {
		if (wait->class == VT_LC_MEMORY_LOCK && wait->mode < VT_MODE_MAX)
			vt_hist_add(&dev->stats.wait_ns[wait->mode], now - wait->ts);
		else
			vt_hist_add(&dev->stats.vma_lock_wait_ns, now - wait->ts);
	}
	if (targ_stacks && wait->class == VT_LC_MEMORY_LOCK)
		vt_stacks_wait_end(ctx, dev, now - wait->ts);
	/* The lock is ours from here: the bracket's hold starts now. */
	hold = vt_hold_current();
	if (hold && hold->vdev == wait->vdev)
		hold->t_acquired = now;
	bpf_map_delete_elem(&waits, &tid);
	return 0;
}

/* The end of the thread's open wait, whatever lock it is for. */
static __always_inline int vt_wait_end_current(void *ctx)
{
	__u32 tid = vt_tid();
	struct vt_wait *wait = bpf_map_lookup_elem(&waits, &tid);

	return wait ? vt_wait_end(ctx, wait->lock) : 0;
}

/* vfio_basic_config_write() takes memory_lock for writing only for a write at
 * PCI_COMMAND: zap-and-lock when the write clears the MEM bit, plain down_write
 * otherwise. */
static __always_inline int vt_config_write_begin(void *ctx, vt_vdev_t *vdev, int offset)
{
	if (offset != VT_PCI_COMMAND || !vt_task_allowed())
		return 0;
	vt_hold_begin_on(vdev, VT_PATH_CONFIG_WRITE, VT_MODE_WRITE, vt_virt_command(vdev), 0,
			 false);
	if (targ_stacks)
		vt_holders_write_begin(ctx, vt_hold_current(), VT_PATH_CONFIG_WRITE);
	return 0;
}

/* Memory went off from @cause (enum vt_off_cause): the record names it, as
 * the latest cause, and a timed cause's window starts. */
static __always_inline void vt_record_disable(struct vt_device *dev, __u64 now, __u32 cause)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	dev->info.last_disable.ts_ns = now;
	dev->info.last_disable.pid = pid_tgid >> 32;
	dev->info.last_disable.tid = (__u32)pid_tgid;
	bpf_get_current_comm(dev->info.last_disable.comm, sizeof(dev->info.last_disable.comm));
	dev->info.last_disable.enabled_ts_ns = 0;
	dev->info.last_disable.cause = cause;
	dev->info.last_disable.via_slot = VT_NO_SLOT;
	if (cause < VT_OFF_TIMED_MAX)
		dev->info.off_since_ns[cause] = now;
}

/* Whether the device's record names @cause (enum vt_off_cause) as what keeps
 * memory off. Memory coming back from one cause closes only a record of that
 * cause: after a config write sets the MEM bit, a device in D3hot still
 * refuses access. */
static __always_inline bool vt_record_open(struct vt_device *dev, __u32 cause)
{
	struct vt_disable_record *rec = &dev->info.last_disable;

	return rec->ts_ns && !rec->enabled_ts_ns && rec->cause == cause;
}

/* Whether memory is off from the timed @cause, whatever the record names
 * now: its own start, not the record, says so. */
static __always_inline bool vt_off_open(struct vt_device *dev, __u32 cause)
{
	return cause < VT_OFF_TIMED_MAX && dev->info.off_since_ns[cause];
}

/* Memory came back from @cause: its window is timed from its own start, and
 * the record closes if it still names that cause. */
static __always_inline void vt_record_close(struct vt_device *dev, __u32 cause, __u64 now)
{
	__u64 since;

	if (cause < VT_OFF_TIMED_MAX) {
		since = dev->info.off_since_ns[cause];
		dev->info.off_since_ns[cause] = 0;
		if (since && now >= since)
			vt_hist_add(&dev->stats.memory_off_ns, now - since);
	}
	if (vt_record_open(dev, cause))
		dev->info.last_disable.enabled_ts_ns = now;
}

static __always_inline int vt_config_write_end(int offset)
{
	__u64 now = bpf_ktime_get_ns();
	struct vt_device *dev;
	struct vt_hold *hold;
	__u16 before, after;

	if (offset != VT_PCI_COMMAND || !vt_task_allowed())
		return 0;
	hold = vt_hold_find(VT_PATH_CONFIG_WRITE);
	if (!hold)
		return 0;
	dev = vt_hold_device(hold);
	if (dev) {
		before = hold->arg0;
		after = vt_virt_command((vt_vdev_t *)hold->vdev);
		if ((before & VT_PCI_COMMAND_MEMORY) && !(after & VT_PCI_COMMAND_MEMORY)) {
			__sync_fetch_and_add(&dev->stats.memory_disables, 1);
			vt_record_disable(dev, now, VT_OFF_COMMAND);
			vt_emit(dev, VT_EV_MEMORY_DISABLE, VT_MAX_BARS, 0, after);
		} else if (!(before & VT_PCI_COMMAND_MEMORY) && (after & VT_PCI_COMMAND_MEMORY)) {
			__sync_fetch_and_add(&dev->stats.memory_enables, 1);
			/* The enable event still names who disabled it; then
			 * the record closes. */
			vt_emit(dev, VT_EV_MEMORY_ENABLE, VT_MAX_BARS, 0, after);
			vt_record_close(dev, VT_OFF_COMMAND, now);
		}
	}
	vt_hold_end(hold, dev, now);
	return 0;
}

/* A reset of this thread, called on the device in @via_slot, zapped the
 * device in @slot (@reason: its zap reason, VT_ZAP_RESET or
 * VT_ZAP_HOT_RESET): its memory is off from here, by the reset, unless it
 * was off already (then that cause stands). The kernel's own state is asked
 * too, not only the record: a config write that cleared the MEM bit reports
 * it at its return, after it released memory_lock, and up to 6.9 the reset's
 * zap runs before the reset takes memory_lock (vt_zap_end()), so the two meet
 * there; a reset record written over the config write's would leave its
 * window unnamed. */
static __always_inline void vt_reset_zapped(struct vt_device *dev, __u32 slot, __u32 reason,
					    __u32 via_slot, __u64 now)
{
	struct vt_disable_record *rec = &dev->info.last_disable;
	struct vt_reset_set fresh = {}, *set;
	__u32 tid = vt_tid(), n, cause;
	vt_vdev_t *vdev;

	if (rec->ts_ns && !rec->enabled_ts_ns)
		return;
	for (cause = 0; cause < VT_OFF_TIMED_MAX; cause++)
		if (vt_off_open(dev, cause))
			return;
	/* A device of the set nobody opened has no virtual config space: as
	 * far as anyone can see, the reset is what turns it off. */
	vdev = (vt_vdev_t *)dev->info.vdev;
	if (BPF_CORE_READ(vdev, vconfig) && !vt_memory_enabled(vdev))
		return;
	set = bpf_map_lookup_elem(&reset_sets, &tid);
	if (!set) {
		bpf_map_update_elem(&reset_sets, &tid, &fresh, BPF_NOEXIST);
		set = bpf_map_lookup_elem(&reset_sets, &tid);
		if (!set) {
			vt_lost(VT_LOST_TASK_MAP_FULL);
			return;
		}
	}
	n = set->n;
	if (n >= VT_RESET_SET_MAX) {
		vt_lost(VT_LOST_RESET_SET_FULL);
		return;
	}
	set->slot[n & (VT_RESET_SET_MAX - 1)] = slot;
	set->n = n + 1;
	vt_record_disable(dev, now, reason == VT_ZAP_HOT_RESET ? VT_OFF_HOT_RESET : VT_OFF_RESET);
	dev->info.last_disable.via_slot = via_slot;
}

/* This thread's reset returned: memory is back on each device it turned
 * off, unless something else has turned it off since (a record of another
 * cause, or of another thread). Not timed in memory_off_seconds: a reset's
 * window is its write hold of memory_lock (hold_ns on its path). */
static __always_inline void vt_reset_done(__u64 now)
{
	__u32 tid = vt_tid(), i;
	struct vt_reset_set *set = bpf_map_lookup_elem(&reset_sets, &tid);
	struct vt_disable_record *rec;
	struct vt_device *dev;

	if (!set)
		return;
	for (i = 0; i < VT_RESET_SET_MAX; i++) {
		if (i >= set->n)
			break;
		dev = vt_device_at(set->slot[i]);
		if (!dev)
			continue;
		rec = &dev->info.last_disable;
		if (rec->tid == tid && !rec->enabled_ts_ns &&
		    (rec->cause == VT_OFF_RESET || rec->cause == VT_OFF_HOT_RESET))
			rec->enabled_ts_ns = now;
	}
	bpf_map_delete_elem(&reset_sets, &tid);
}

static __always_inline __u32 vt_ioctl_path(unsigned int cmd)
{
	if (cmd == VT_VFIO_DEVICE_RESET)
		return VT_PATH_RESET;
	if (cmd == VT_VFIO_DEVICE_PCI_HOT_RESET)
		return VT_PATH_HOT_RESET;
	return VT_PATH_MAX;
}

/* @direct: fentry, not a kprobe. */
static __always_inline int vt_ioctl_begin(void *ctx, void *core_vdev, unsigned int cmd, bool direct)
{
	__u32 path = vt_ioctl_path(cmd);

	if (cmd == VT_VFIO_DEVICE_IOEVENTFD)
		vt_want_ioeventfd_check();
	if (path == VT_PATH_MAX || !vt_task_allowed())
		return 0;
	VT_SLOW_ENTRY(ctx, VT_SLOW_RESET, direct);
	if (path == VT_PATH_HOT_RESET)
		vt_dev_set_learn(vt_vdev_from_core(core_vdev));
	vt_hold_begin_on(vt_vdev_from_core(core_vdev), path, VT_MODE_WRITE, cmd, 0, false);
	if (targ_stacks) {
		struct vt_hold *hold = vt_hold_current();

		vt_holders_write_begin(ctx, hold, path);
		if (hold && hold->path == VT_PATH_HOT_RESET)
			vt_holders_set_writer(ctx, hold->vdev, hold->slot, true);
	}
	return 0;
}

/* The kretprobe twin cannot see cmd; any reset bracket of this thread is it.
 * @ret: the ioctl's return value; @direct: fexit, not a kretprobe. */
static __always_inline int vt_ioctl_end(void *ctx, long ret, bool direct)
{
	__u64 now = bpf_ktime_get_ns();
	struct vt_hold *hold = vt_hold_current();
	struct vt_device *dev;

	if (!hold || (hold->path != VT_PATH_RESET && hold->path != VT_PATH_HOT_RESET))
		return 0;
	dev = vt_hold_device(hold);
	/* vfio_pci_dev_set_hot_reset()'s only -EBUSY: a trylock of a device of
	 * the set failed (pci_reset_bus() says -EAGAIN for its own). Its event
	 * is built at every return (vt_trylock_explain() says why). */
	if (hold->path == VT_PATH_HOT_RESET) {
		int built = vt_trylock_explain(hold->slot, VT_TRYLOCK_HOT_RESET, VT_MODE_WRITE,
					       VT_PATH_HOT_RESET, hold->t_entry, hold->vdev);

		if (ret == -VT_EBUSY)
			vt_trylock_report(hold->slot, VT_TRYLOCK_HOT_RESET, built);
		if (targ_stacks)
			vt_holders_set_writer(ctx, hold->vdev, hold->slot, false);
	}
	VT_SLOW(ctx, dev, VT_SLOW_RESET, hold->path, now - hold->t_entry, VT_MAX_BARS, 0, ret,
		direct);
	VT_SLOW_DROP(VT_SLOW_RESET, direct);
	vt_reset_done(now);
	vt_hold_end(hold, dev, now);
	return 0;
}

static __always_inline int vt_lock_and_enable(void *ctx, vt_vdev_t *vdev)
{
	if (!vt_task_allowed())
		return 0;
	vt_hold_begin_on(vdev, VT_PATH_MEMORY_ENABLE, VT_MODE_WRITE, 0, 0, false);
	if (targ_stacks)
		vt_holders_write_begin(ctx, vt_hold_current(), VT_PATH_MEMORY_ENABLE);
	return 0;
}

static __always_inline int vt_unlock_and_restore(vt_vdev_t *vdev)
{
	__u64 now = bpf_ktime_get_ns();
	struct vt_hold *hold;

	if (!vt_task_allowed())
		return 0;
	hold = vt_hold_find(VT_PATH_MEMORY_ENABLE);
	if (hold)
		vt_hold_end(hold, vt_hold_device(hold), now);
	return 0;
}

#endif /* VT_MEMORY_LOCK_BPF_H */
