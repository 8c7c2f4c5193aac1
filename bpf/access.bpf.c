// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_bar_rw(vdev, buf, count, ppos, iswrite): every BAR read()/write(),
 * 5.15 to 7.x (since 6.8 it calls the exported vfio_pci_core_ioreadN and iowriteN).
 * vfio_pci_ioeventfd_do_write(ioeventfd, test_mem): every ioeventfd write.
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
int BPF_KPROBE(bar_rw_entry_kp, vt_vdev_t *vdev, char *buf, size_t count, loff_t *ppos, bool iswrite)
{
	return vt_bar_rw_begin(vdev, ppos, iswrite);
}

SEC("kretprobe")
int BPF_KRETPROBE(bar_rw_exit_kp, ssize_t ret)
{
	return vt_bar_rw_end(ret);
}

SEC("fentry/vfio_pci_ioeventfd_do_write")
int BPF_PROG(ioeventfd_write, struct vfio_pci_ioeventfd___vt *ioeventfd, bool test_mem)
{
	return vt_ioeventfd_write(ioeventfd, test_mem);
}

SEC("kprobe")
int BPF_KPROBE(ioeventfd_write_kp, struct vfio_pci_ioeventfd___vt *ioeventfd, bool test_mem)
{
	return vt_ioeventfd_write(ioeventfd, test_mem);
}
