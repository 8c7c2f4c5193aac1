// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_bar_rw(vdev, buf, count, ppos, iswrite): every BAR read()/write(),
 * 5.15 to 7.x (since 6.8 it calls the exported vfio_pci_core_ioreadN and iowriteN).
 * vfio_pci_ioeventfd_handler/_thread and __vfio_pci_memory_enabled(): ioeventfd
 * writes dropped because memory was disabled (5.8+, the same since); the last
 * attached on demand (access.bpf.h).
 */
#include "access.bpf.h"

SEC("fentry/vfio_pci_bar_rw")
int BPF_PROG(bar_rw_entry, vt_vdev_t *vdev, char *buf, size_t count, loff_t *ppos, bool iswrite)
{
	return vt_bar_rw_begin(vdev, ppos, iswrite);
}

SEC("fexit/vfio_pci_bar_rw")
int BPF_PROG(bar_rw_exit, vt_vdev_t *vdev, char *buf, size_t count, loff_t *ppos, bool iswrite,
	     ssize_t ret)
{
	return vt_bar_rw_end(ret);
}

SEC("kprobe")
int BPF_KPROBE(bar_rw_entry_kp, vt_vdev_t *vdev, char *buf, size_t count, loff_t *ppos,
	       bool iswrite)
{
	return vt_bar_rw_begin(vdev, ppos, iswrite);
}

SEC("kretprobe")
int BPF_KRETPROBE(bar_rw_exit_kp, ssize_t ret)
{
	return vt_bar_rw_end(ret);
}

SEC("fentry/vfio_pci_ioeventfd_handler")
int BPF_PROG(ioeventfd_entry, struct vfio_pci_ioeventfd___vt *ioeventfd)
{
	return vt_ioeventfd_begin(ioeventfd);
}

/* 1: the lock was contended and vfio_pci_ioeventfd_thread() will write. */
SEC("fexit/vfio_pci_ioeventfd_handler")
int BPF_PROG(ioeventfd_exit, struct vfio_pci_ioeventfd___vt *ioeventfd, void *unused, int ret)
{
	return vt_ioeventfd_end(ret == 1);
}

SEC("fentry/vfio_pci_ioeventfd_thread")
int BPF_PROG(ioeventfd_thread_entry, struct vfio_pci_ioeventfd___vt *ioeventfd)
{
	return vt_ioeventfd_begin(ioeventfd);
}

SEC("fexit/vfio_pci_ioeventfd_thread")
int BPF_PROG(ioeventfd_thread_exit)
{
	return vt_ioeventfd_end(false);
}

SEC("fexit/__vfio_pci_memory_enabled")
int BPF_PROG(memory_enabled_exit, vt_vdev_t *vdev, bool ret)
{
	return vt_memory_enabled_result(ret);
}

SEC("kprobe")
int BPF_KPROBE(ioeventfd_entry_kp, struct vfio_pci_ioeventfd___vt *ioeventfd)
{
	return vt_ioeventfd_begin(ioeventfd);
}

SEC("kretprobe")
int BPF_KRETPROBE(ioeventfd_exit_kp, int ret)
{
	return vt_ioeventfd_end(ret == 1);
}

/* The thread returns nothing: no return value to read. */
SEC("kretprobe")
int BPF_KRETPROBE(ioeventfd_thread_exit_kp)
{
	return vt_ioeventfd_end(false);
}

SEC("kretprobe")
int BPF_KRETPROBE(memory_enabled_exit_kp, bool ret)
{
	return vt_memory_enabled_result(ret);
}
