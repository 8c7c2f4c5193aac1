// SPDX-License-Identifier: GPL-2.0
/*
 * memory_lock wait (contention tracepoints, 5.19+: 16edd9b511a1, ee042be16cb4)
 * and hold brackets:
 *   vfio_basic_config_write(vdev, pos, count, perm, offset, val)  all kernels
 *   vfio_pci_core_ioctl(core_vdev, cmd, arg)   RESET and HOT_RESET; 5.15+
 *   vfio_pci_memory_lock_and_enable(vdev) .. vfio_pci_memory_unlock_and_restore(vdev, cmd)
 */
#include "memory_lock.bpf.h"

SEC("tp_btf/contention_begin")
int BPF_PROG(contention_begin, void *lock, unsigned int flags)
{
	return vt_wait_begin(ctx, (__u64)lock, flags);
}

SEC("tp_btf/contention_end")
int BPF_PROG(contention_end, void *lock, int ret)
{
	return vt_wait_end(ctx, (__u64)lock);
}

/*
 * Before 5.19 there are no contention tracepoints: a waiter is seen where the
 * rwsem fast path sends it, the slow paths (static, but in BTF and kallsyms).
 * They also take the lock without sleeping when it frees up meanwhile
 * (optimistic spinning, reader lock stealing), which the tracepoints of 5.19+
 * do not count: a wait of zero or a few microseconds. Their return value
 * (the sem, or an error pointer) is not read, so one program fits every
 * signature since the slow paths got their names in 5.3 (6cef7ff6e43c
 * "locking/rwsem: Code cleanup after files merging"): the read side's
 * (sem, state), then (sem, count, state) from 5.11 (c8fe8b056438
 * "locking/rwsem: Pass the current atomic count to
 * rwsem_down_read_slowpath()"); the write side's (sem, state) throughout.
 */
SEC("fentry/rwsem_down_read_slowpath")
int BPF_PROG(rwsem_read_slowpath_entry, struct rw_semaphore *sem)
{
	return vt_wait_begin(ctx, (__u64)sem, VT_LCB_F_READ);
}

SEC("fexit/rwsem_down_read_slowpath")
int BPF_PROG(rwsem_read_slowpath_exit, struct rw_semaphore *sem)
{
	return vt_wait_end(ctx, (__u64)sem);
}

SEC("fentry/rwsem_down_write_slowpath")
int BPF_PROG(rwsem_write_slowpath_entry, struct rw_semaphore *sem)
{
	return vt_wait_begin(ctx, (__u64)sem, VT_LCB_F_WRITE);
}

SEC("fexit/rwsem_down_write_slowpath")
int BPF_PROG(rwsem_write_slowpath_exit, struct rw_semaphore *sem)
{
	return vt_wait_end(ctx, (__u64)sem);
}

SEC("kprobe")
int BPF_KPROBE(rwsem_read_slowpath_entry_kp, struct rw_semaphore *sem)
{
	return vt_wait_begin(ctx, (__u64)sem, VT_LCB_F_READ);
}

SEC("kprobe")
int BPF_KPROBE(rwsem_write_slowpath_entry_kp, struct rw_semaphore *sem)
{
	return vt_wait_begin(ctx, (__u64)sem, VT_LCB_F_WRITE);
}

/* A kretprobe no longer sees the sem: the thread's open wait names it. */
SEC("kretprobe")
int BPF_KRETPROBE(rwsem_slowpath_exit_kp)
{
	return vt_wait_end_current(ctx);
}

SEC("fentry/vfio_basic_config_write")
int BPF_PROG(config_write_entry, vt_vdev_t *vdev, int pos, int count, void *perm, int offset,
	     __le32 val)
{
	return vt_config_write_begin(ctx, vdev, offset);
}

SEC("fexit/vfio_basic_config_write")
int BPF_PROG(config_write_exit, vt_vdev_t *vdev, int pos, int count, void *perm, int offset,
	     __le32 val, int ret)
{
	return vt_config_write_end(offset);
}

SEC("kprobe")
int BPF_KPROBE(config_write_entry_kp, vt_vdev_t *vdev, int pos, int count, void *perm, int offset)
{
	return vt_config_write_begin(ctx, vdev, offset);
}

/* The kretprobe cannot see offset: only PCI_COMMAND writes open a bracket. */
SEC("kretprobe")
int BPF_KRETPROBE(config_write_exit_kp, int ret)
{
	struct vt_hold *hold = vt_hold_current();

	if (!hold || hold->path != VT_PATH_CONFIG_WRITE)
		return 0;
	return vt_config_write_end(VT_PCI_COMMAND);
}

SEC("fentry/vfio_pci_core_ioctl")
int BPF_PROG(ioctl_entry, void *core_vdev, unsigned int cmd, unsigned long arg)
{
	return vt_ioctl_begin(ctx, core_vdev, cmd, true);
}

SEC("fexit/vfio_pci_core_ioctl")
int BPF_PROG(ioctl_exit, void *core_vdev, unsigned int cmd, unsigned long arg, long ret)
{
	if (vt_ioctl_path(cmd) == VT_PATH_MAX)
		return 0;
	return vt_ioctl_end(ctx, ret, true);
}

SEC("kprobe")
int BPF_KPROBE(ioctl_entry_kp, void *core_vdev, unsigned int cmd)
{
	return vt_ioctl_begin(ctx, core_vdev, cmd, false);
}

SEC("kretprobe")
int BPF_KRETPROBE(ioctl_exit_kp, long ret)
{
	return vt_ioctl_end(ctx, ret, false);
}

SEC("fentry/vfio_pci_memory_lock_and_enable")
int BPF_PROG(lock_and_enable, vt_vdev_t *vdev)
{
	return vt_lock_and_enable(ctx, vdev);
}

SEC("fentry/vfio_pci_memory_unlock_and_restore")
int BPF_PROG(unlock_and_restore, vt_vdev_t *vdev)
{
	return vt_unlock_and_restore(vdev);
}

SEC("kprobe")
int BPF_KPROBE(lock_and_enable_kp, vt_vdev_t *vdev)
{
	return vt_lock_and_enable(ctx, vdev);
}

SEC("kprobe")
int BPF_KPROBE(unlock_and_restore_kp, vt_vdev_t *vdev)
{
	return vt_unlock_and_restore(vdev);
}
