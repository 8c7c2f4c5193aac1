/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel difference the BPF side reads through, in one place. Each accessor
 * checks what the running kernel's BTF has (never a version number), so one
 * object runs from 5.15 to 7.x.
 */
#ifndef VT_CORE_FIXES_BPF_H
#define VT_CORE_FIXES_BPF_H

#include "maps.bpf.h"

#define VT_PAGE_SHIFT 12
/* include/linux/vfio_pci_core.h: a region's file offset is index << 40. */
#define VT_VFIO_PCI_OFFSET_SHIFT 40
#define VT_VFIO_PCI_OFFSET_MASK ((1ULL << VT_VFIO_PCI_OFFSET_SHIFT) - 1)
#define VT_PCI_COMMAND 0x04
#define VT_PCI_COMMAND_MEMORY 0x2
#define VT_PCI_D3HOT 3
#define VT_PCI_D3COLD 4 /* the deepest; PCI_UNKNOWN (5) is no state at all */

/* fentry/fexit arguments are BTF pointers: the verifier lets a program load
 * their fields directly (one instruction, a fault fixed up), where a kprobe's
 * are plain numbers read with bpf_probe_read_kernel(), a helper call each.
 * @direct is a constant in every caller, so each program keeps one branch. */
#define VT_READ(direct, src, field) ((direct) ? (src)->field : BPF_CORE_READ(src, field))

/* A macro, not a typedef: CO-RE matches the struct name, and a typedef would
 * become the relocation root and match nothing in the kernel. */
#define vt_vdev_t struct vfio_pci_core_device___vt

/* vfio_device_ops take a struct vfio_device, embedded in the core device. */
static __always_inline vt_vdev_t *vt_vdev_from_core(void *core_vdev)
{
	return (vt_vdev_t *)((char *)core_vdev - bpf_core_field_offset(vt_vdev_t, vdev));
}

/* vm_private_data of a vfio BAR VMA is the core device on 5.15 .. 7.1. A pending
 * series ("vfio/pci: Convert BAR mmap() to use a DMABUF", 2026) makes it a
 * struct vfio_pci_dma_buf; this is the one place to adapt when it lands. */
static __always_inline vt_vdev_t *vt_vdev_from_vma(struct vm_area_struct *vma, bool direct)
{
	return (vt_vdev_t *)VT_READ(direct, vma, vm_private_data);
}

static __always_inline __u64 vt_memory_lock_addr(vt_vdev_t *vdev)
{
	return (__u64)__builtin_preserve_access_index(&vdev->memory_lock);
}

/* vma_lock and vma_list went away in 6.10 (aac6db75a9fc "vfio/pci: Use
 * unmap_mapping_range()"). Returns 0 where there is none. */
static __always_inline __u64 vt_vma_lock_addr(vt_vdev_t *vdev)
{
	if (!bpf_core_field_exists(vdev->vma_lock))
		return 0;
	return (__u64)__builtin_preserve_access_index(&vdev->vma_lock);
}

/* The per-device inode arrived in 6.10 (b7c5e64fecfa), in 6.6.134 by backport.
 * Since the same series, vm_pgoff of a BAR VMA encodes the region index instead
 * of the PFN, so this also tells how to decode vm_pgoff. */
static __always_inline bool vt_has_device_inode(void)
{
	return bpf_core_field_exists(((vt_vdev_t *)0)->vdev.inode);
}

static __always_inline __u64 vt_device_inode(vt_vdev_t *vdev)
{
	if (!vt_has_device_inode())
		return 0;
	return (__u64)BPF_CORE_READ(vdev, vdev.inode);
}

static __always_inline __u64 vt_igate_addr(vt_vdev_t *vdev)
{
	return (__u64)__builtin_preserve_access_index(&vdev->igate);
}

/* The rwsem that unmap_mapping_range() takes on the device inode's mapping. */
static __always_inline __u64 vt_i_mmap_rwsem_addr(__u64 inode)
{
	struct address_space *mapping;

	if (!inode)
		return 0;
	mapping = BPF_CORE_READ((struct inode *)inode, i_mapping);
	return mapping ? (__u64)__builtin_preserve_access_index(&mapping->i_mmap_rwsem) : 0;
}

/* The acquiring task's own mmap_lock: perf's lock_contention.bpf.c names it the
 * same way, as the one non-global lock whose address can be recognised. */
static __always_inline __u64 vt_current_mmap_lock_addr(void)
{
	struct mm_struct *mm;

	if (targ_current_task_btf)
		mm = bpf_get_current_task_btf()->mm;
	else
		mm = BPF_CORE_READ((struct task_struct *)bpf_get_current_task(), mm);
	return mm ? (__u64)__builtin_preserve_access_index(&mm->mmap_lock) : 0;
}

/* current->flags (PF_*). */
static __always_inline __u32 vt_current_flags(void)
{
	if (targ_current_task_btf)
		return bpf_get_current_task_btf()->flags;
	return BPF_CORE_READ((struct task_struct *)bpf_get_current_task(), flags);
}

/* Which BAR a faulting address is in, and the offset inside it, from the
 * VMA's vm_pgoff and the address's offset in the VMA. Returns VT_MAX_BARS when
 * it cannot be told. */
static __always_inline __u32 vt_vma_bar(const struct vt_device *dev, __u64 pgoff, __u64 in_vma,
					__u64 *offset)
{
	__u64 phys;
	int i;

	*offset = 0;
	if (vt_has_device_inode()) {
		__u64 pos = (pgoff << VT_PAGE_SHIFT) + in_vma;
		__u64 index = pos >> VT_VFIO_PCI_OFFSET_SHIFT;

		*offset = pos & VT_VFIO_PCI_OFFSET_MASK;
		return index < VT_MAX_BARS ? index : VT_MAX_BARS;
	}

	/* Before 6.10 vfio_pci_core_mmap() stores the BAR's PFN in vm_pgoff. */
	phys = (pgoff << VT_PAGE_SHIFT) + in_vma;
#pragma unroll
	for (i = 0; i < VT_MAX_BARS; i++) {
		__u64 start = dev->info.bar_start[i];

		if (start && phys >= start && phys <= dev->info.bar_end[i]) {
			*offset = phys - start;
			return i;
		}
	}
	return VT_MAX_BARS;
}

/* vconfig holds the PCI_COMMAND the user sees; hardware may differ. */
static __always_inline __u16 vt_virt_command(vt_vdev_t *vdev)
{
	__u8 *vconfig = BPF_CORE_READ(vdev, vconfig);
	__u16 cmd = 0;

	if (vconfig)
		bpf_probe_read_kernel(&cmd, sizeof(cmd), vconfig + VT_PCI_COMMAND);
	return cmd;
}

/* __vfio_pci_memory_enabled(): the virtual MEM bit, and not in D3hot or
 * deeper, which 5.19 added (2b2c651baf1c "vfio/pci: Invalidate mmaps and
 * block the access in D3hot power state"). Before it the kernel let a D3hot
 * device's BARs be accessed; no field tells such a kernel apart, so there a
 * device in D3hot with MEM set reads as off here, where the kernel did not
 * block it. SR-IOV VFs have no MEM bit and are always enabled. */
static __always_inline bool vt_memory_enabled(vt_vdev_t *vdev)
{
	struct pci_dev *pdev = BPF_CORE_READ(vdev, pdev);

	if (BPF_CORE_READ_BITFIELD_PROBED(pdev, no_command_memory))
		return true;
	if (!(vt_virt_command(vdev) & VT_PCI_COMMAND_MEMORY))
		return false;
	return BPF_CORE_READ(pdev, current_state) < VT_PCI_D3HOT;
}

#endif /* VT_CORE_FIXES_BPF_H */
