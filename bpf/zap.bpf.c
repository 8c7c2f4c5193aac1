// SPDX-License-Identifier: GPL-2.0
/*
 * Zap mechanisms, newest first:
 *   unmap_mapping_range() on the vfio device inode   6.10+ (aac6db75a9fc
 *       "vfio/pci: Use unmap_mapping_range()"), 6.6.134+ by backport
 *   vfio_pci_zap_and_vma_lock(vdev, try) walking vma_list with zap_vma_ptes()
 *       5.8 to 6.9 (abafbc551fdd "vfio-pci: Invalidate mmaps and block MMIO
 *       access on disabled memory")
 */
#include "zap.bpf.h"

SEC("fentry/unmap_mapping_range")
int BPF_PROG(unmap_mapping_entry, struct address_space *mapping)
{
	return vt_unmap_mapping_begin(ctx, mapping, true);
}

SEC("fexit/unmap_mapping_range")
int BPF_PROG(unmap_mapping_exit, struct address_space *mapping, loff_t start, loff_t len,
	     int even_cows)
{
	/* Spare every other filesystem's truncate the zaps_inflight lookup. */
	if (vt_is_vfio_mapping(mapping, true))
		vt_zap_end(ctx, true, VT_ZAP_INODE, true);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(unmap_mapping_entry_kp, struct address_space *mapping)
{
	return vt_unmap_mapping_begin(ctx, mapping, false);
}

SEC("kretprobe")
int BPF_KRETPROBE(unmap_mapping_exit_kp)
{
	vt_zap_end(ctx, true, VT_ZAP_INODE, false);
	return 0;
}

SEC("fentry/vfio_pci_zap_and_vma_lock")
int BPF_PROG(zap_vma_list_entry, vt_vdev_t *vdev, bool try)
{
	return vt_zap_vma_list_begin(ctx, vdev, true);
}

SEC("fexit/vfio_pci_zap_and_vma_lock")
int BPF_PROG(zap_vma_list_exit, vt_vdev_t *vdev, bool try, int ret)
{
	/* It returns bool: only the low byte of the register is the value. */
	vt_zap_end(ctx, (ret & 0xff) != 0, VT_ZAP_VMA_LIST, true);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(zap_vma_list_entry_kp, vt_vdev_t *vdev)
{
	return vt_zap_vma_list_begin(ctx, vdev, false);
}

SEC("kretprobe")
int BPF_KRETPROBE(zap_vma_list_exit_kp, int ret)
{
	vt_zap_end(ctx, (ret & 0xff) != 0, VT_ZAP_VMA_LIST, false);
	return 0;
}

SEC("fentry/zap_vma_ptes")
int BPF_PROG(zap_vma_ptes_entry)
{
	return vt_zap_vma();
}

SEC("kprobe")
int BPF_KPROBE(zap_vma_ptes_entry_kp)
{
	return vt_zap_vma();
}
